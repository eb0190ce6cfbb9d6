/*
 * manifest.c - write a resolved scenario back as libconfig (run.cfg).
 *
 * The one rule: loading what scenario_write() wrote gives an identical
 * struct scenario.  Every key of the schema is written explicitly, in table
 * order, except the states that only absence expresses (unlimited limits,
 * a road's default zone, a contingent with no ROE cap, a convoy without an
 * interval, a mechanism that is off).  Reals are written with the fewest
 * digits that read back bit for bit (at most %.17g), always as floats.
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "convoysim/schema.h"
#include "loader.h"

static void put_string(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", f);
    else if (*p == '\t')
      fputs("\\t", f);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf(f, "\\x%02x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

static void put_real(FILE *f, double v)
{
  char buf[64];
  schema_format_real(v, buf, sizeof buf);
  fputs(buf, f);
}

/* The value v of key k, in libconfig syntax. */
static void put_value(FILE *f, const struct scenario *sc, const struct schema_key *k, const struct value *v)
{
  char buf[256];

  switch (k->type) {
  case SCHEMA_INT:
    if ((k->flags & SCHEMA_UNLIMITED) && v->u.i == SCENARIO_UNLIMITED)
      fputs("\"none\"", f);
    else
      fprintf(f, "%ld", v->u.i);
    break;
  case SCHEMA_REAL:
    put_real(f, v->u.r);
    break;
  case SCHEMA_BOOL:
    fputs(v->u.i ? "true" : "false", f);
    break;
  case SCHEMA_STRING:
  case SCHEMA_NAME:
    put_string(f, v->u.s);
    break;
  case SCHEMA_SEED: {
    uint64_t u = (uint64_t)v->u.i;
    if (u <= (uint64_t)INT64_MAX)
      fprintf(f, "%" PRIu64 "L", u);
    else
      fprintf(f, "\"%" PRIu64 "\"", u);
    break;
  }
  case SCHEMA_ENUM:
    put_string(f, k->names[v->u.i]);
    break;
  case SCHEMA_DIST:
    dist_format(&v->u.d, buf, sizeof buf);
    fputs(buf, f);
    break;
  case SCHEMA_HOURS:
    fputc('[', f);
    put_real(f, v->u.h.from);
    fputs(", ", f);
    put_real(f, v->u.h.to);
    fputc(']', f);
    break;
  case SCHEMA_WEEKDAYS: {
    int first = 1;
    fputc('[', f);
    for (int w = 0; w < 7; w++)
      if (v->u.mask & (1u << w)) {
        fprintf(f, "%s%d", first ? "" : ", ", w);
        first = 0;
      }
    fputc(']', f);
    break;
  }
  case SCHEMA_TASKS: {
    int first = 1;
    fputc('[', f);
    for (int t = 0; schema_task_names[t] != NULL; t++)
      if (v->u.mask & (1u << t)) {
        fprintf(f, "%s\"%s\"", first ? "" : ", ", schema_task_names[t]);
        first = 0;
      }
    fputc(']', f);
    break;
  }
  case SCHEMA_NODE:
    put_string(f, sc->nodes[v->u.i].id);
    break;
  case SCHEMA_ROE:
    put_string(f, sc->roe[v->u.i].name);
    break;
  default:
    break;
  }
}

static void put_nodes(FILE *f, const struct scenario *sc, const int *a, size_t n)
{
  fputc('[', f);
  for (size_t i = 0; i < n; i++) {
    if (i)
      fputs(", ", f);
    put_string(f, sc->nodes[a[i]].id);
  }
  fputc(']', f);
}

/* Open and close the groups of `path` given the groups now open. */
struct groups {
  char open[256]; /* dotted path of the groups now open ("" = none) */
  int indent;     /* base indentation */
};

static int depth_of(const char *p)
{
  int d = p[0] ? 1 : 0;
  for (; *p; p++)
    d += *p == '.';
  return d;
}

static void indent(FILE *f, int n)
{
  for (int i = 0; i < n; i++)
    fputs("  ", f);
}

/* Make the open groups equal to the parent groups of path; return the
 * key's last segment. */
static const char *enter(FILE *f, struct groups *g, const char *path)
{
  const char *last = strrchr(path, '.');
  size_t plen = last ? (size_t)(last - path) : 0;
  char want[256];
  snprintf(want, sizeof want, "%.*s", (int)plen, path);
  /* common prefix in whole segments */
  size_t common = 0;
  for (size_t i = 0;; i++) {
    char a = g->open[i], b = want[i];
    if ((a == '\0' || a == '.') && (b == '\0' || b == '.'))
      common = i;
    if (a == '\0' || b == '\0' || a != b)
      break;
  }
  char keep[256];
  snprintf(keep, sizeof keep, "%.*s", (int)common, g->open);
  while (depth_of(g->open) > depth_of(keep)) {
    char *dot = strrchr(g->open, '.');
    indent(f, g->indent + depth_of(g->open) - 1);
    fputs("};\n", f);
    if (dot)
      *dot = '\0';
    else
      g->open[0] = '\0';
  }
  while (strcmp(g->open, want) != 0) {
    const char *rest = want + strlen(g->open) + (g->open[0] ? 1 : 0);
    const char *dot = strchr(rest, '.');
    size_t n = dot ? (size_t)(dot - rest) : strlen(rest);
    indent(f, g->indent + depth_of(g->open));
    fprintf(f, "%.*s = {\n", (int)n, rest);
    size_t used = strlen(g->open);
    snprintf(g->open + used, sizeof g->open - used, "%s%.*s", used ? "." : "", (int)n, rest);
  }
  return last ? last + 1 : path;
}

static void leave(FILE *f, struct groups *g)
{
  enter(f, g, "x");
}

/* Absent-only states: nothing is written for them. */
static bool omitted(const struct scenario *sc, const struct schema_key *k, const void *base)
{
  struct value v;
  (void)sc;
  if (k->type >= SCHEMA_NODES)
    return false;
  loader_fetch(base, k, &v);
  if ((k->flags & SCHEMA_UNLIMITED) && v.u.i == SCENARIO_UNLIMITED)
    return true;
  if (k->type == SCHEMA_NODE && v.u.i < 0)
    return true;
  if (k->type == SCHEMA_ROE && v.u.i < 0)
    return true;
  if (k->type == SCHEMA_REAL && (k->flags & SCHEMA_OPTIONAL) && isnan(v.u.r))
    return true; /* a real that follows another key (ceasefire.war_multiplier) */
  if (k->place == REGION_CONVOY) {
    const struct convoy_schedule *c = base;
    if (strcmp(k->path, "every_h") == 0)
      return c->every_h <= 0;
    if (strcmp(k->path, "interarrival_h") == 0)
      return !c->has_interarrival;
  }
  return false;
}

static void write_place(FILE *f, const struct scenario *sc, int place, const void *base, int ind);

static void write_list(FILE *f, const struct scenario *sc, const struct schema_key *k, int ind)
{
  size_t n = 0;
  switch (k->elem) {
  case REGION_NODE: n = sc->n_nodes; break;
  case REGION_ROAD: n = sc->n_roads; break;
  case REGION_CONVOY: n = sc->n_convoys; break;
  case REGION_ROE: n = sc->n_roe; break;
  case REGION_CONTINGENT: n = sc->force.n_contingents; break;
  case REGION_FUNDING: n = sc->n_funding; break;
  case SCHEMA_PLACE_TIMELINE: n = sc->n_timeline; break;
  case SCHEMA_PLACE_VARY: n = sc->sweep.n_vary; break;
  default: break;
  }
  const char *last = strrchr(k->path, '.');
  fprintf(f, "%s = (", last ? last + 1 : k->path);
  for (size_t i = 0; i < n; i++) {
    fprintf(f, "%s\n", i ? "," : "");
    indent(f, ind + 1);
    fputs("{\n", f);
    if (k->elem == SCHEMA_PLACE_TIMELINE) {
      const struct timeline_change *c = &sc->timeline[i];
      const struct schema_key *ck = schema_find_offset((int)c->region, c->offset);
      indent(f, ind + 2);
      fputs("day = ", f);
      put_real(f, c->day);
      fputs(";\n", f);
      indent(f, ind + 2);
      fputs("set = ( (", f);
      put_string(f, c->key);
      fputs(", ", f);
      if (ck)
        put_value(f, sc, ck, &c->value);
      fputs(") );\n", f);
    } else if (k->elem == SCHEMA_PLACE_VARY) {
      const struct sweep_factor *v = &sc->sweep.vary[i];
      struct loader L = { .sc = (struct scenario *)sc };
      const struct schema_key *vk = NULL;
      size_t index;
      struct diag d;
      diag_init(&d);
      L.d = &d;
      L.file = "(manifest)";
      loader_resolve_path(&L, NULL, v->key, &vk, &index);
      diag_release(&d);
      indent(f, ind + 2);
      fputs("key = ", f);
      put_string(f, v->key);
      fputs(";\n", f);
      indent(f, ind + 2);
      if (v->n_values > 0 && vk != NULL) {
        fputs("values = ( ", f);
        for (size_t j = 0; j < v->n_values; j++) {
          if (j)
            fputs(", ", f);
          put_value(f, sc, vk, &v->values[j]);
        }
        fputs(" );\n", f);
      } else {
        fputs("min = ", f);
        put_real(f, v->min);
        fputs("; max = ", f);
        put_real(f, v->max);
        fputs(";\n", f);
      }
    } else {
      write_place(f, sc, k->elem, loader_base((struct scenario *)sc, k->elem, i), ind + 2);
    }
    indent(f, ind + 1);
    fputs("}", f);
  }
  fputs(n ? "\n" : "", f);
  if (n)
    indent(f, ind);
  fputs(");\n", f);
}

static void write_place(FILE *f, const struct scenario *sc, int place, const void *base, int ind)
{
  struct groups g = { "", ind };
  int kind = -1;

  for (size_t i = 0; i < schema_n_keys; i++) {
    const struct schema_key *k = &schema_keys[i];
    if (k->place != place)
      continue;
    if (place == REGION_NODE && k->kinds && !(k->kinds & (1u << kind)))
      continue;
    if (place == REGION_ROOT) {
      const struct schema_group *sg = schema_group_of(k);
      bool on = true;
      if (sg != NULL)
        memcpy(&on, (const char *)sc + sg->present, sizeof on);
      if (!on)
        continue;
      if (k->type == SCHEMA_BUILDUP && sc->force.n_buildup == 0)
        continue;
      if (k->type == SCHEMA_LIST && k->elem == REGION_FUNDING && sc->n_funding == 0)
        continue;
      if (k->type == SCHEMA_LIST && k->elem == REGION_CONTINGENT && sc->force.n_contingents == 0)
        continue;
      if (k->type == SCHEMA_LIST && k->elem == SCHEMA_PLACE_TIMELINE && sc->n_timeline == 0)
        continue;
    }
    if (omitted(sc, k, base))
      continue;
    const char *name = enter(f, &g, k->path);
    indent(f, ind + depth_of(g.open));
    int inner = ind + depth_of(g.open);
    switch (k->type) {
    case SCHEMA_LIST:
      write_list(f, sc, k, inner);
      continue;
    case SCHEMA_NODES: {
      fprintf(f, "%s = ", name);
      if (place == REGION_CONVOY)
        put_nodes(f, sc, ((const struct convoy_schedule *)base)->route, ((const struct convoy_schedule *)base)->route_len);
      else
        put_nodes(f, sc, sc->force.qrf_bases, sc->force.n_qrf_bases);
      fputs(";\n", f);
      continue;
    }
    case SCHEMA_BUILDUP:
      fprintf(f, "%s = (", name);
      for (size_t j = 0; j < sc->force.n_buildup; j++) {
        fputs(j ? ", [" : " [", f);
        put_real(f, sc->force.buildup[j].day);
        fputs(", ", f);
        put_real(f, sc->force.buildup[j].troops);
        fputs("]", f);
      }
      fputs(" );\n", f);
      continue;
    default: {
      struct value v;
      loader_fetch(base, k, &v);
      fprintf(f, "%s = ", name);
      put_value(f, sc, k, &v);
      fputs(";\n", f);
      if (place == REGION_NODE && strcmp(k->path, "kind") == 0)
        kind = (int)v.u.i;
    }
    }
  }
  leave(f, &g);
}

enum err scenario_write(const struct scenario *sc, FILE *f, const char *header)
{
  if (header != NULL) {
    const char *p = header;
    while (*p) {
      const char *nl = strchr(p, '\n');
      size_t n = nl ? (size_t)(nl - p) : strlen(p);
      fprintf(f, "# %.*s\n", (int)n, p);
      p += n + (nl ? 1 : 0);
    }
    fputc('\n', f);
  }
  write_place(f, sc, REGION_ROOT, sc, 0);
  fflush(f);
  return ferror(f) ? ERR_IO : ERR_OK;
}

void scenario_format_value(const struct scenario *sc, const struct schema_key *k, const struct value *v,
                           char *buf, size_t len)
{
  FILE *f = fmemopen(buf, len, "w");
  if (len == 0)
    return;
  buf[0] = '\0';
  if (f == NULL)
    return;
  put_value(f, sc, k, v);
  fclose(f);
  buf[len - 1] = '\0';
}

void scenario_value_cell(const struct scenario *sc, const struct schema_key *k, const struct value *v,
                         char *buf, size_t len)
{
  switch (k->type) {
  case SCHEMA_STRING:
  case SCHEMA_NAME:
    snprintf(buf, len, "%s", v->u.s ? v->u.s : "");
    return;
  case SCHEMA_ENUM:
    snprintf(buf, len, "%s", k->names[v->u.i]);
    return;
  case SCHEMA_NODE:
    snprintf(buf, len, "%s", sc->nodes[v->u.i].id);
    return;
  case SCHEMA_ROE:
    snprintf(buf, len, "%s", sc->roe[v->u.i].name);
    return;
  case SCHEMA_BOOL:
    snprintf(buf, len, "%d", v->u.i ? 1 : 0);
    return;
  case SCHEMA_INT:
    if (!((k->flags & SCHEMA_UNLIMITED) && v->u.i == SCENARIO_UNLIMITED)) {
      snprintf(buf, len, "%ld", v->u.i);
      return;
    }
    break;
  case SCHEMA_REAL:
    schema_format_real(v->u.r, buf, len);
    return;
  default:
    break;
  }
  scenario_format_value(sc, k, v, buf, len);
}

enum err scenario_get_text(const struct scenario *sc, const char *key, char *text, size_t tlen, char *cell,
                           size_t clen, struct diag *d)
{
  struct loader L = { .sc = (struct scenario *)sc, .d = d, .file = "manifest column" };
  const struct schema_key *k = NULL;
  size_t index = 0;
  struct value v;
  if (!loader_resolve_path(&L, NULL, key, &k, &index))
    return ERR_SCENARIO;
  loader_fetch(loader_base((struct scenario *)sc, k->place, index), k, &v);
  scenario_format_value(sc, k, &v, text, tlen);
  scenario_value_cell(sc, k, &v, cell, clen);
  return ERR_OK;
}
