/*
 * load.c - libconfig text -> struct scenario, checked against schema.h.
 *
 * The one rule: report every problem and carry on, so a user sees all of
 * them at once; nothing is read except through loader_read_value(), and
 * nothing is stored except through loader_store().  Order of work: the
 * tree is parsed, --set overrides are grafted onto it (override.c), every
 * setting is matched against the schema (unknown keys), then ROE profiles,
 * nodes, roads and convoys are read (each may refer to the ones before),
 * then the root keys, the timeline and the sweep, and last the rules that
 * tie keys together (scenario_validate).
 */
#include "loader.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(enum node_kind) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum supply_arrivals) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum escort_policy) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum sweep_design) == sizeof(int), "enums are stored as int");

#define SHOW_LEN 96

/* ------------------------------------------------------------ utilities */

/* calloc, noting L->nomem when it fails. */
static void *zalloc(struct loader *L, size_t n, size_t size)
{
  void *p = calloc(n, size);
  if (p == NULL)
    L->nomem = true;
  return p;
}

static char *dup_str(struct loader *L, const char *s)
{
  char *c = strdup(s ? s : "");
  if (c == NULL)
    L->nomem = true;
  return c;
}

void loader_where(const struct loader *L, const config_setting_t *s, const char **file, int *line)
{
  *file = L->file;
  *line = 0;
  for (const config_setting_t *p = s; p; p = config_setting_parent(p)) {
    if (config_setting_get_hook(p) != NULL) {
      *file = ((const struct loader_origin *)config_setting_get_hook(p))->label;
      return;
    }
  }
  for (const config_setting_t *p = s; p; p = config_setting_parent(p)) {
    int l = (int)config_setting_source_line(p);
    if (l > 0) {
      const char *f = config_setting_source_file(p);
      if (f != NULL)
        *file = f;
      *line = l;
      return;
    }
  }
}

void loader_error(struct loader *L, const config_setting_t *s, const char *fmt, ...)
{
  char body[1536];
  const char *file;
  int line;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  loader_where(L, s, &file, &line);
  diag_add(L->d, file, line, "%s", body);
}

static bool is_number(const config_setting_t *s)
{
  int t = config_setting_type(s);
  return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

/* A list ( ... ) or an array [ ... ]. */
static bool is_sequence(const config_setting_t *s)
{
  int t = config_setting_type(s);
  return t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY;
}

/* If s is a list or array of two, its elements go to *a and *b; else
 * both are NULL and the answer is false. */
static bool pair_of(const config_setting_t *s, const config_setting_t **a, const config_setting_t **b)
{
  *a = *b = NULL;
  if (!is_sequence(s) || config_setting_length(s) != 2)
    return false;
  *a = config_setting_get_elem(s, 0);
  *b = config_setting_get_elem(s, 1);
  return true;
}

static double number_of(const config_setting_t *s)
{
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    return (double)config_setting_get_int64(s);
  default:
    return config_setting_get_float(s);
  }
}

/* The setting as the user wrote it, for "not X" in messages. */
static void show(const config_setting_t *s, char *buf, size_t len)
{
  char r[40];
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    snprintf(buf, len, "%lld", config_setting_get_int64(s));
    return;
  case CONFIG_TYPE_FLOAT:
    snprintf(buf, len, "%g", config_setting_get_float(s));
    return;
  case CONFIG_TYPE_BOOL:
    snprintf(buf, len, "%s", config_setting_get_bool(s) ? "true" : "false");
    return;
  case CONFIG_TYPE_STRING:
    snprintf(buf, len, "\"%.60s%s\"", config_setting_get_string(s),
             strlen(config_setting_get_string(s)) > 60 ? "..." : "");
    return;
  case CONFIG_TYPE_GROUP:
    snprintf(buf, len, "a group");
    return;
  default: {
    int n = config_setting_length(s);
    size_t used = (size_t)snprintf(buf, len, "%c", config_setting_type(s) == CONFIG_TYPE_LIST ? '(' : '[');
    for (int i = 0; i < n && used + 1 < len; i++) {
      const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
      if (config_setting_type(e) == CONFIG_TYPE_GROUP || config_setting_type(e) == CONFIG_TYPE_LIST
          || config_setting_type(e) == CONFIG_TYPE_ARRAY)
        snprintf(r, sizeof r, "...");
      else
        show(e, r, sizeof r);
      used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", r);
    }
    if (used + 1 < len)
      snprintf(buf + used, len - used, "%c", config_setting_type(s) == CONFIG_TYPE_LIST ? ')' : ']');
    return;
  }
  }
}

static bool is_name(const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
      return false;
  return true;
}

/* What a valid value of k looks like: "an integer >= 1", "a number in [0, 1]". */
static void describe(const struct schema_key *k, char *buf, size_t len)
{
  char lo[32], hi[32];
  bool open_min = (k->flags & SCHEMA_MIN_OPEN) != 0;

  switch (k->type) {
  case SCHEMA_INT:
  case SCHEMA_REAL: {
    const char *what = k->type == SCHEMA_INT ? "an integer" : "a number";
    double top = k->type == SCHEMA_INT ? (k->size == sizeof(int) ? (double)INT_MAX : (double)LONG_MAX) : HUGE_VAL;
    double bottom = k->type == SCHEMA_INT ? (k->size == sizeof(int) ? (double)INT_MIN : (double)LONG_MIN) : -HUGE_VAL;
    bool has_min = k->min > bottom, has_max = k->max < top;
    snprintf(lo, sizeof lo, "%g", k->min);
    snprintf(hi, sizeof hi, "%g", k->max);
    if (has_min && has_max)
      snprintf(buf, len, "%s in %c%s, %s]", what, open_min ? '(' : '[', lo, hi);
    else if (has_min)
      snprintf(buf, len, "%s %s %s", what, open_min ? ">" : ">=", lo);
    else if (has_max)
      snprintf(buf, len, "%s <= %s", what, hi);
    else
      snprintf(buf, len, "%s", what);
    if (k->flags & SCHEMA_UNLIMITED) {
      size_t n = strlen(buf);
      snprintf(buf + n, len - n, " or \"none\"");
    }
    return;
  }
  case SCHEMA_BOOL: snprintf(buf, len, "true or false"); return;
  case SCHEMA_STRING: snprintf(buf, len, "a string"); return;
  case SCHEMA_NAME: snprintf(buf, len, "a string matching [A-Za-z0-9_-]+"); return;
  case SCHEMA_SEED: snprintf(buf, len, "an integer in [0, 18446744073709551615]"); return;
  case SCHEMA_ENUM: {
    size_t used = (size_t)snprintf(buf, len, "one of");
    for (size_t i = 0; k->names[i] && used < len; i++)
      used += (size_t)snprintf(buf + used, len - used, "%s \"%s\"", i ? "," : "", k->names[i]);
    return;
  }
  case SCHEMA_DIST:
    snprintf(buf, len, "%s or a distribution group",
             (k->dflags & DIST_SHARE) ? "a number in [0, 1]"
             : (k->dflags & DIST_POSITIVE) ? "a number > 0"
             : (k->dflags & DIST_NONNEG) ? "a number >= 0" : "a number");
    return;
  case SCHEMA_HOURS: snprintf(buf, len, "[from, to] with 0 <= from < to <= 24"); return;
  case SCHEMA_WEEKDAYS: snprintf(buf, len, "a list of weekdays 0..6"); return;
  case SCHEMA_NODE:
    snprintf(buf, len, "%s", k->kinds == SCHEMA_DISTRIBUTION ? "the id of a distribution node" : "a node id");
    return;
  case SCHEMA_ROE: snprintf(buf, len, "the name of an ROE profile"); return;
  case SCHEMA_NODES: snprintf(buf, len, "a list of node ids"); return;
  default: snprintf(buf, len, "a list"); return;
  }
}

/* loader_error at s, the message ending ", not " and what s holds. */
static void error_not(struct loader *L, const config_setting_t *s, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
static void error_not(struct loader *L, const config_setting_t *s, const char *fmt, ...)
{
  char body[1024], got[SHOW_LEN];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  show(s, got, sizeof got);
  loader_error(L, s, "%s, not %s", body, got);
}

static void bad_value(struct loader *L, const config_setting_t *s, const struct schema_key *k)
{
  char want[160];
  describe(k, want, sizeof want);
  error_not(L, s, "'%s' must be %s", k->path, want);
}

/* libconfig 1.5 wraps an integer beyond 32 bits written without L: find
 * the digits in the source and complain when they do not fit.  tok gets
 * them.  True when the value is as written. */
static bool int_as_written(const struct loader *L, const config_setting_t *s, char *tok, size_t len)
{
  const char *src = NULL;
  const char *origin_value = NULL;

  if (config_setting_type(s) != CONFIG_TYPE_INT)
    return true;
  for (const config_setting_t *p = s; p; p = config_setting_parent(p))
    if (config_setting_get_hook(p) != NULL) {
      if (p == s)
        origin_value = ((const struct loader_origin *)config_setting_get_hook(p))->value;
      else
        return true;
      break;
    }
  if (origin_value != NULL) {
    while (isspace((unsigned char)*origin_value))
      origin_value++;
    src = origin_value;
  } else {
    const char *name = config_setting_name(s);
    unsigned line = config_setting_source_line(s);
    if (L->text == NULL || name == NULL || line == 0 || config_setting_source_file(s) != NULL)
      return true;
    const char *p = L->text;
    for (unsigned l = 1; l < line && p; l++) {
      p = strchr(p, '\n');
      if (p)
        p++;
    }
    if (p == NULL)
      return true;
    const char *end = strchr(p, '\n');
    size_t nl = strlen(name);
    for (const char *q = p; q && (end == NULL || q < end); q++) {
      q = strstr(q, name);
      if (q == NULL || (end && q >= end))
        break;
      if (q > p && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
        continue;
      const char *v = q + nl;
      while (*v == ' ' || *v == '\t')
        v++;
      if (*v != '=' && *v != ':')
        continue;
      v++;
      while (*v == ' ' || *v == '\t')
        v++;
      src = v;
      break;
    }
    if (src == NULL)
      return true;
  }
  size_t n = 0;
  if (src[n] == '+' || src[n] == '-')
    n++;
  while (isalnum((unsigned char)src[n]))
    n++;
  if (n == 0 || n >= len)
    return true;
  memcpy(tok, src, n);
  tok[n] = '\0';
  if (tok[n - 1] == 'L')
    return true;
  errno = 0;
  char *e;
  bool hex = strchr(tok, 'x') || strchr(tok, 'X');
  long long x = strtoll(tok, &e, 0);
  if (*e != '\0')
    return true; /* not a plain integer token: trust the parser */
  if (errno == ERANGE || x > INT32_MAX || x < INT32_MIN || (hex && x > INT32_MAX))
    return false;
  return true;
}

static bool check_int_source(struct loader *L, const config_setting_t *s, const struct schema_key *k)
{
  char tok[64];
  if (int_as_written(L, s, tok, sizeof tok))
    return true;
  loader_error(L, s, "'%s' %s does not fit in 32 bits; write it as %sL", k->path, tok, tok);
  return false;
}

static bool in_range(const struct schema_key *k, double x)
{
  if (k->flags & SCHEMA_MIN_OPEN) {
    if (!(x > k->min))
      return false;
  } else if (!(x >= k->min)) {
    return false;
  }
  return x <= k->max;
}

/* ------------------------------------------------------------ values */

static const char *kind_name(enum node_kind k)
{
  static const char *const names[] = { "crossing", "depot", "distribution", "junction" };
  return (unsigned)k < 4 ? names[k] : "?";
}

static int find_node(const struct scenario *sc, const char *id)
{
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].id && strcmp(sc->nodes[i].id, id) == 0)
      return (int)i;
  return -1;
}

static int find_roe(const struct scenario *sc, const char *name)
{
  for (size_t i = 0; i < sc->n_roe; i++)
    if (sc->roe[i].name && strcmp(sc->roe[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* "; did you mean 'x'?" or "" */
static void suggestion(const char *word, const char *const *cand, size_t n, char *buf, size_t len)
{
  const char *s = schema_suggest(word, cand, n);
  if (s)
    snprintf(buf, len, "; did you mean '%s'?", s);
  else
    buf[0] = '\0';
}

static void no_such(struct loader *L, const config_setting_t *s, const char *key, const char *what,
                    const char *name, int place)
{
  const struct scenario *sc = L->sc;
  size_t n = place == REGION_NODE ? sc->n_nodes : sc->n_roe;
  const char **cand = malloc((n ? n : 1) * sizeof *cand);
  char sug[128] = "";
  if (cand) {
    for (size_t i = 0; i < n; i++)
      cand[i] = place == REGION_NODE ? sc->nodes[i].id : sc->roe[i].name;
    suggestion(name, cand, n, sug, sizeof sug);
    free(cand);
  }
  loader_error(L, s, "'%s': no %s '%s'%s", key, what, name, sug);
}

static bool read_dist(struct loader *L, const config_setting_t *s, const struct schema_key *k,
                      struct dist *out)
{
  char why[256];
  double p[3] = { 0, 0, 0 };

  if (is_number(s)) {
    if (!check_int_source(L, s, k))
      return false;
    p[0] = number_of(s);
    if (!dist_set(out, DIST_FIXED, p, k->dflags, why, sizeof why)) {
      bad_value(L, s, k);
      return false;
    }
    return true;
  }
  if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
    bad_value(L, s, k);
    return false;
  }
  const config_setting_t *ds = config_setting_get_member(s, "dist");
  if (ds == NULL) {
    loader_error(L, s, "'%s': missing 'dist' (the name of the distribution)", k->path);
    return false;
  }
  if (config_setting_type(ds) != CONFIG_TYPE_STRING) {
    error_not(L, ds, "'%s': 'dist' must be a string", k->path);
    return false;
  }
  const char *kname = config_setting_get_string(ds);
  int kind = dist_kind_from_name(kname);
  if (kind < 0) {
    const char *cand[DIST_KIND_COUNT];
    char sug[96];
    for (int i = 0; i < DIST_KIND_COUNT; i++)
      cand[i] = dist_kind_name((enum dist_kind)i);
    suggestion(kname, cand, DIST_KIND_COUNT, sug, sizeof sug);
    loader_error(L, ds, "'%s': unknown distribution '%s'%s", k->path, kname, sug);
    return false;
  }
  /* parameter names of the kind: "mean,sd" */
  char names[64];
  const char *pn[4] = { "dist", NULL, NULL, NULL };
  int np = dist_kind_nparams((enum dist_kind)kind);
  snprintf(names, sizeof names, "%s", dist_kind_params((enum dist_kind)kind));
  char *tokp = names;
  for (int i = 0; i < np && i < 3; i++) {
    pn[i + 1] = tokp;
    char *c = strchr(tokp, ',');
    if (c) {
      *c = '\0';
      tokp = c + 1;
    }
  }
  bool ok = true;
  int n = config_setting_length(s);
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
    const char *mn = config_setting_name(m);
    int j;
    for (j = 0; j <= np; j++)
      if (strcmp(mn, pn[j]) == 0)
        break;
    if (j > np) {
      char sug[96];
      suggestion(mn, pn, (size_t)np + 1, sug, sizeof sug);
      loader_error(L, m, "unknown key '%s' in '%s' (%s takes %s)%s", mn, k->path, kname,
                   dist_kind_params((enum dist_kind)kind), sug);
      ok = false;
    }
  }
  for (int j = 0; j < np; j++) {
    const config_setting_t *m = config_setting_get_member(s, pn[j + 1]);
    if (m == NULL) {
      loader_error(L, s, "'%s': missing '%s' for a %s distribution", k->path, pn[j + 1], kname);
      ok = false;
    } else if (!is_number(m)) {
      error_not(L, m, "'%s': '%s' must be a number", k->path, pn[j + 1]);
      ok = false;
    } else if (!check_int_source(L, m, k)) {
      ok = false;
    } else {
      p[j] = number_of(m);
    }
  }
  if (!ok)
    return false;
  if (!dist_set(out, (enum dist_kind)kind, p, k->dflags, why, sizeof why)) {
    loader_error(L, s, "'%s': %s", k->path, why);
    return false;
  }
  return true;
}

bool loader_read_value(struct loader *L, const config_setting_t *s, const struct schema_key *k,
                       struct value *v)
{
  int t = config_setting_type(s);

  memset(v, 0, sizeof *v);
  switch (k->type) {
  case SCHEMA_INT: {
    v->type = VALUE_INT;
    if (t == CONFIG_TYPE_STRING && (k->flags & SCHEMA_UNLIMITED)
        && (strcmp(config_setting_get_string(s), "none") == 0
            || strcmp(config_setting_get_string(s), "unlimited") == 0)) {
      v->u.i = SCENARIO_UNLIMITED;
      return true;
    }
    double x;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
      if (!check_int_source(L, s, k))
        return false;
      long long ll = config_setting_get_int64(s);
      x = (double)ll;
      if (!in_range(k, x) || (k->size == sizeof(int) && (ll > INT_MAX || ll < INT_MIN))) {
        bad_value(L, s, k);
        return false;
      }
      v->u.i = (long)ll;
      return true;
    }
    if (t == CONFIG_TYPE_FLOAT) {
      x = config_setting_get_float(s);
      if (x == floor(x) && fabs(x) < 9e18 && in_range(k, x)
          && !(k->size == sizeof(int) && (x > INT_MAX || x < INT_MIN))) {
        v->u.i = (long)x;
        return true;
      }
    }
    bad_value(L, s, k);
    return false;
  }
  case SCHEMA_REAL: {
    v->type = VALUE_REAL;
    if (!is_number(s)) {
      bad_value(L, s, k);
      return false;
    }
    if (!check_int_source(L, s, k))
      return false;
    double x = number_of(s);
    if (!isfinite(x) || !in_range(k, x)) {
      bad_value(L, s, k);
      return false;
    }
    v->u.r = x;
    return true;
  }
  case SCHEMA_BOOL:
    v->type = VALUE_BOOL;
    if (t != CONFIG_TYPE_BOOL) {
      bad_value(L, s, k);
      return false;
    }
    v->u.i = config_setting_get_bool(s) ? 1 : 0;
    return true;
  case SCHEMA_STRING:
  case SCHEMA_NAME:
    v->type = VALUE_STRING;
    if (t != CONFIG_TYPE_STRING || (k->type == SCHEMA_NAME && !is_name(config_setting_get_string(s)))) {
      bad_value(L, s, k);
      return false;
    }
    v->u.s = dup_str(L, config_setting_get_string(s));
    return v->u.s != NULL;
  case SCHEMA_SEED: {
    v->type = VALUE_INT;
    uint64_t u;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
      if (!check_int_source(L, s, k))
        return false;
      long long ll = config_setting_get_int64(s);
      if (ll < 0) {
        bad_value(L, s, k);
        return false;
      }
      if (ll == LLONG_MAX) { /* libconfig saturates larger numbers here */
        loader_error(L, s, "'%s' of 2^63 - 1 or more must be written as a string, e.g. "
                     "%s = \"18446744073709551615\" (libconfig cannot hold it as a number)",
                     k->path, k->path);
        return false;
      }
      u = (uint64_t)ll;
    } else if (t == CONFIG_TYPE_STRING) {
      const char *str = config_setting_get_string(s);
      char *e;
      errno = 0;
      u = strtoull(str, &e, 10);
      if (!isdigit((unsigned char)str[0]) || *e != '\0' || errno == ERANGE) {
        bad_value(L, s, k);
        return false;
      }
    } else {
      bad_value(L, s, k);
      return false;
    }
    v->u.i = (long)u; /* two's complement round trip, see loader_store */
    return true;
  }
  case SCHEMA_ENUM:
    v->type = VALUE_ENUM;
    if (t == CONFIG_TYPE_STRING) {
      const char *str = config_setting_get_string(s);
      size_t n = 0;
      for (; k->names[n]; n++)
        if (strcmp(k->names[n], str) == 0) {
          v->u.i = (long)n;
          return true;
        }
      char want[160], sug[96];
      describe(k, want, sizeof want);
      suggestion(str, (const char *const *)k->names, n, sug, sizeof sug);
      loader_error(L, s, "'%s' must be %s, not \"%s\"%s", k->path, want, str, sug);
      return false;
    }
    bad_value(L, s, k);
    return false;
  case SCHEMA_DIST:
    v->type = VALUE_DIST;
    return read_dist(L, s, k, &v->u.d);
  case SCHEMA_HOURS: {
    v->type = VALUE_HOURS;
    const config_setting_t *a, *b;
    if (pair_of(s, &a, &b) && is_number(a) && is_number(b)) {
      double from = number_of(a), to = number_of(b);
      if (from >= 0 && from < to && to <= 24) {
        v->u.h.from = from;
        v->u.h.to = to;
        return true;
      }
    }
    bad_value(L, s, k);
    return false;
  }
  case SCHEMA_WEEKDAYS: {
    v->type = VALUE_WEEKDAYS;
    if (is_sequence(s)) {
      int n = config_setting_length(s);
      unsigned mask = 0;
      int i;
      for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int et = config_setting_type(e);
        if (et != CONFIG_TYPE_INT && et != CONFIG_TYPE_INT64)
          break;
        long long w = config_setting_get_int64(e);
        if (w < 0 || w > 6)
          break;
        mask |= 1u << w;
      }
      if (i == n) {
        v->u.mask = mask;
        return true;
      }
    }
    bad_value(L, s, k);
    return false;
  }
  case SCHEMA_NODE:
  case SCHEMA_ROE: {
    v->type = VALUE_REF;
    if (t != CONFIG_TYPE_STRING) {
      bad_value(L, s, k);
      return false;
    }
    const char *str = config_setting_get_string(s);
    if (k->type == SCHEMA_ROE) {
      int i = find_roe(L->sc, str);
      if (i < 0) {
        no_such(L, s, k->path, "ROE profile", str, REGION_ROE);
        return false;
      }
      v->u.i = i;
      return true;
    }
    int i = find_node(L->sc, str);
    if (i < 0) {
      no_such(L, s, k->path, "node", str, REGION_NODE);
      return false;
    }
    if (k->kinds && !(k->kinds & (1u << L->sc->nodes[i].kind))) {
      char want[96];
      describe(k, want, sizeof want);
      loader_error(L, s, "'%s' must be %s, not %s '%s'", k->path, want, kind_name(L->sc->nodes[i].kind), str);
      return false;
    }
    v->u.i = i;
    return true;
  }
  default:
    loader_error(L, s, "'%s' cannot be given as a single value", k->path);
    return false;
  }
}

void loader_store(void *base, const struct schema_key *k, const struct value *v)
{
  char *p = (char *)base + k->offset;

  switch (k->type) {
  case SCHEMA_INT:
    if (k->size == sizeof(int)) {
      int x = (int)v->u.i;
      memcpy(p, &x, sizeof x);
    } else {
      long x = v->u.i;
      memcpy(p, &x, sizeof x);
    }
    break;
  case SCHEMA_REAL:
    memcpy(p, &v->u.r, sizeof(double));
    break;
  case SCHEMA_BOOL: {
    bool b = v->u.i != 0;
    memcpy(p, &b, sizeof b);
    break;
  }
  case SCHEMA_STRING:
  case SCHEMA_NAME: {
    char **field = (char **)(void *)p; /* the field is a char * */
    free(*field);
    *field = v->u.s;
    break;
  }
  case SCHEMA_SEED: {
    uint64_t u = (uint64_t)v->u.i;
    memcpy(p, &u, sizeof u);
    break;
  }
  case SCHEMA_ENUM:
  case SCHEMA_NODE:
  case SCHEMA_ROE: {
    int x = (int)v->u.i;
    memcpy(p, &x, sizeof x);
    break;
  }
  case SCHEMA_DIST:
    memcpy(p, &v->u.d, sizeof(struct dist));
    break;
  case SCHEMA_HOURS:
    memcpy(p, &v->u.h, sizeof(struct hours));
    break;
  case SCHEMA_WEEKDAYS:
    memcpy(p, &v->u.mask, sizeof(unsigned));
    break;
  default:
    break;
  }
}

void loader_fetch(const void *base, const struct schema_key *k, struct value *v)
{
  const char *p = (const char *)base + k->offset;

  memset(v, 0, sizeof *v);
  switch (k->type) {
  case SCHEMA_INT:
    v->type = VALUE_INT;
    if (k->size == sizeof(int)) {
      int x;
      memcpy(&x, p, sizeof x);
      v->u.i = x;
    } else {
      memcpy(&v->u.i, p, sizeof(long));
    }
    break;
  case SCHEMA_REAL:
    v->type = VALUE_REAL;
    memcpy(&v->u.r, p, sizeof(double));
    break;
  case SCHEMA_BOOL: {
    bool b;
    memcpy(&b, p, sizeof b);
    v->type = VALUE_BOOL;
    v->u.i = b;
    break;
  }
  case SCHEMA_STRING:
  case SCHEMA_NAME:
    v->type = VALUE_STRING;
    v->u.s = *(char *const *)(const void *)p; /* borrowed */
    break;
  case SCHEMA_SEED: {
    uint64_t u;
    memcpy(&u, p, sizeof u);
    v->type = VALUE_INT;
    v->u.i = (long)u;
    break;
  }
  case SCHEMA_ENUM:
  case SCHEMA_NODE:
  case SCHEMA_ROE: {
    int x;
    memcpy(&x, p, sizeof x);
    v->type = k->type == SCHEMA_ENUM ? VALUE_ENUM : VALUE_REF;
    v->u.i = x;
    break;
  }
  case SCHEMA_DIST:
    v->type = VALUE_DIST;
    memcpy(&v->u.d, p, sizeof(struct dist));
    break;
  case SCHEMA_HOURS:
    v->type = VALUE_HOURS;
    memcpy(&v->u.h, p, sizeof(struct hours));
    break;
  case SCHEMA_WEEKDAYS:
    v->type = VALUE_WEEKDAYS;
    memcpy(&v->u.mask, p, sizeof(unsigned));
    break;
  default:
    break;
  }
}

config_setting_t *loader_parse_text(config_t *cfg, const char *text, char *why, size_t whylen)
{
  size_t n = strlen(text);
  char *buf = malloc(n + 16);

  if (buf == NULL) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  snprintf(buf, n + 16, "v = %s\n;", text);
  if (config_read_string(cfg, buf) && config_setting_length(config_root_setting(cfg)) == 1
      && config_lookup(cfg, "v") != NULL) {
    free(buf);
    return config_lookup(cfg, "v");
  }
  snprintf(why, whylen, "%s", config_error_text(cfg) ? config_error_text(cfg) : "not one value");
  bool word = n > 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)text[i]) && !strchr("_.+-", text[i]))
      word = false;
  if (word) {
    config_destroy(cfg);
    config_init(cfg);
    config_setting_t *s = config_setting_add(config_root_setting(cfg), "v", CONFIG_TYPE_STRING);
    if (s && config_setting_set_string(s, text)) {
      free(buf);
      return s;
    }
  }
  free(buf);
  return NULL;
}

void *loader_base(struct scenario *sc, int place, size_t index)
{
  switch (place) {
  case REGION_ROOT: return sc;
  case REGION_NODE: return &sc->nodes[index];
  case REGION_ROAD: return &sc->roads[index];
  case REGION_CONVOY: return &sc->convoys[index];
  case REGION_ROE: return &sc->roe[index];
  case REGION_CONTINGENT: return &sc->force.contingents[index];
  default: return NULL;
  }
}

/* ------------------------------------------------------------ defaults */

/* Store the documented default of every scalar key of `place` into base,
 * parsed as one libconfig text ("d12 = 0.5;" per key, by schema index).
 * Defaults are constants: a failure here is a bug (a test loads them). */
static void apply_defaults_of(struct scenario *sc, int place, void *base)
{
  size_t len = 1;
  for (size_t i = 0; i < schema_n_keys; i++)
    if (schema_keys[i].place == place && schema_keys[i].def && schema_keys[i].type < SCHEMA_NODES)
      len += strlen(schema_keys[i].def) + 16;
  char *text = malloc(len);
  if (text == NULL)
    return;
  size_t used = 0;
  text[0] = '\0';
  for (size_t i = 0; i < schema_n_keys; i++)
    if (schema_keys[i].place == place && schema_keys[i].def && schema_keys[i].type < SCHEMA_NODES)
      used += (size_t)snprintf(text + used, len - used, "d%zu = %s;\n", i, schema_keys[i].def);
  struct diag d;
  struct loader L = { .sc = sc, .d = &d, .file = "(default)" };
  config_t cfg;
  diag_init(&d);
  config_init(&cfg);
  if (config_read_string(&cfg, text)) {
    const config_setting_t *root = config_root_setting(&cfg);
    int n = config_setting_length(root);
    for (int j = 0; j < n; j++) {
      const config_setting_t *s = config_setting_get_elem(root, (unsigned)j);
      size_t i = (size_t)strtoul(config_setting_name(s) + 1, NULL, 10);
      struct value v;
      if (i < schema_n_keys && loader_read_value(&L, s, &schema_keys[i], &v))
        loader_store(base, &schema_keys[i], &v);
    }
  }
  config_destroy(&cfg);
  diag_release(&d);
  free(text);
}

/* The defaults of every key of place, parsed once per load (L->defs). */
static void element_defaults(struct loader *L, int place, void *base)
{
  struct scenario *sc = L->sc;
  if (L->defs == NULL) {
    L->defs = calloc(schema_n_keys, sizeof *L->defs);
    L->def_state = calloc(schema_n_keys, 1);
    if (L->defs == NULL || L->def_state == NULL) {
      free(L->defs);
      free(L->def_state);
      L->defs = NULL;
      L->def_state = NULL;
    }
  }
  bool parsed = false;
  for (size_t i = 0; i < schema_n_keys; i++) {
    const struct schema_key *k = &schema_keys[i];
    if (k->place != place || k->def == NULL || k->type >= SCHEMA_NODES)
      continue;
    if (L->defs == NULL || k->type == SCHEMA_STRING || k->type == SCHEMA_NAME) {
      if (!parsed)
        apply_defaults_of(sc, place, base);
      parsed = true;
      continue;
    }
    if (L->def_state[i] == 0) {
      /* parse every default of the place into a scratch element, keep them */
      union {
        struct node n;
        struct road r;
        struct convoy_schedule c;
        struct roe_profile e;
        struct contingent t;
      } scratch;
      memset(&scratch, 0, sizeof scratch);
      apply_defaults_of(sc, place, &scratch);
      for (size_t j = i; j < schema_n_keys; j++)
        if (schema_keys[j].place == place && schema_keys[j].def && schema_keys[j].type < SCHEMA_NODES
            && schema_keys[j].type != SCHEMA_STRING && schema_keys[j].type != SCHEMA_NAME) {
          loader_fetch(&scratch, &schema_keys[j], &L->defs[j]);
          L->def_state[j] = 1;
        }
    }
    if (L->def_state[i] == 1)
      loader_store(base, k, &L->defs[i]);
  }
  if (place == REGION_ROAD) {
    ((struct road *)base)->zone = -1;
  } else if (place == REGION_NODE) {
    ((struct node *)base)->daily_cap = SCENARIO_UNLIMITED;
    ((struct node *)base)->stock_trucks = SCENARIO_UNLIMITED;
  } else if (place == REGION_CONVOY) {
    ((struct convoy_schedule *)base)->count = SCENARIO_UNLIMITED;
    ((struct convoy_schedule *)base)->escort_teams = -1; /* resolved at the end */
  } else if (place == REGION_CONTINGENT) {
    ((struct contingent *)base)->roe_cap = -1;
  }
}

void scenario_init(struct scenario *sc)
{
  memset(sc, 0, sizeof *sc);
  sc->fleet.trucks = SCENARIO_UNLIMITED;
  sc->roe = calloc(schema_n_builtin_roe, sizeof *sc->roe);
  if (sc->roe != NULL) {
    for (size_t i = 0; i < schema_n_builtin_roe; i++) {
      const struct schema_roe *b = &schema_builtin_roe[i];
      struct roe_profile *r = &sc->roe[i];
      r->name = strdup(b->name);
      if (r->name == NULL)
        break;
      r->level = b->level;
      r->engage_armed = b->engage_armed;
      r->engage_crowd = b->engage_crowd;
      r->p_defeat = b->p_defeat;
      r->deter_armed = b->deter_armed;
      r->deter_crowd = b->deter_crowd;
      r->patrol_deter = b->patrol_deter;
      r->escalation_p = b->escalation_p;
      r->harm_armed = b->harm_armed;
      r->harm_crowd = b->harm_crowd;
      r->force_harm = b->force_harm;
      sc->n_roe = i + 1;
    }
  }
  apply_defaults_of(sc, REGION_ROOT, sc);
}

void scenario_release(struct scenario *sc)
{
  free(sc->file);
  free(sc->name);
  free(sc->description);
  for (size_t i = 0; i < sc->n_nodes; i++)
    free(sc->nodes[i].id);
  free(sc->nodes);
  for (size_t i = 0; i < sc->n_roads; i++)
    free(sc->roads[i].id);
  free(sc->roads);
  for (size_t i = 0; i < sc->n_convoys; i++) {
    free(sc->convoys[i].id);
    free(sc->convoys[i].route);
    free(sc->convoys[i].legs);
  }
  free(sc->convoys);
  for (size_t i = 0; i < sc->n_roe; i++)
    free(sc->roe[i].name);
  free(sc->roe);
  for (size_t i = 0; i < sc->force.n_contingents; i++)
    free(sc->force.contingents[i].name);
  free(sc->force.contingents);
  free(sc->force.qrf_bases);
  free(sc->force.buildup);
  for (size_t i = 0; i < sc->n_timeline; i++)
    scenario_change_release(&sc->timeline[i]);
  free(sc->timeline);
  for (size_t i = 0; i < sc->sweep.n_vary; i++) {
    struct sweep_factor *f = &sc->sweep.vary[i];
    free(f->key);
    for (size_t j = 0; j < f->n_values; j++)
      if (f->values[j].type == VALUE_STRING)
        free(f->values[j].u.s);
    free(f->values);
  }
  free(sc->sweep.vary);
  free(sc->defaults);
  memset(sc, 0, sizeof *sc);
}

/* ------------------------------------------------------------ walking */

static void add_default(struct loader *L, const struct schema_key *k, long index)
{
  struct scenario *sc = L->sc;
  struct scenario_default *n = realloc(sc->defaults, (sc->n_defaults + 1) * sizeof *n);
  if (n == NULL) {
    L->nomem = true;
    return;
  }
  sc->defaults = n;
  sc->defaults[sc->n_defaults].key = k;
  sc->defaults[sc->n_defaults].index = index;
  sc->n_defaults++;
}

static bool is_group_prefix(int place, const char *path)
{
  size_t n = strlen(path);
  for (size_t i = 0; i < schema_n_keys; i++)
    if (schema_keys[i].place == place && strncmp(schema_keys[i].path, path, n) == 0
        && schema_keys[i].path[n] == '.')
      return true;
  return false;
}

static void unknown_key(struct loader *L, const config_setting_t *s, int place, const char *path,
                        const char *where)
{
  const char *cand[128];
  size_t n = 0;
  char sug[160];

  for (size_t i = 0; i < schema_n_keys && n < 128; i++)
    if (schema_keys[i].place == place)
      cand[n++] = schema_keys[i].path;
  suggestion(path, cand, n, sug, sizeof sug);
  if (sug[0] == '\0') {
    /* a misspelt group: compare the last segment among siblings */
    const char *dot = strrchr(path, '.');
    if (dot) {
      size_t plen = (size_t)(dot - path);
      const char *sib[128];
      size_t m = 0;
      for (size_t i = 0; i < n; i++)
        if (strncmp(cand[i], path, plen) == 0 && cand[i][plen] == '.')
          sib[m++] = cand[i] + plen + 1;
      const char *best = schema_suggest(dot + 1, sib, m);
      if (best)
        snprintf(sug, sizeof sug, "; did you mean '%.*s.%s'?", (int)plen, path, best);
    }
  }
  loader_error(L, s, "unknown key '%s'%s%s%s", path, where ? " in " : "", where ? where : "", sug);
}

/* Match every setting under group g against the keys of place: given[k]
 * = its setting; unknown keys are reported. */
static void walk(struct loader *L, const config_setting_t *g, int place, const char *prefix,
                 const config_setting_t **given, const char *where)
{
  int n = config_setting_length(g);
  for (int i = 0; i < n; i++) {
    const config_setting_t *c = config_setting_get_elem(g, (unsigned)i);
    const char *name = config_setting_name(c);
    char path[256];
    if (name == NULL)
      continue;
    snprintf(path, sizeof path, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", name);
    const struct schema_key *k = schema_find(place, path);
    if (k != NULL) {
      given[k - schema_keys] = c;
    } else if (is_group_prefix(place, path)) {
      if (config_setting_type(c) != CONFIG_TYPE_GROUP) {
        error_not(L, c, "'%s' must be a group { ... }", path);
      } else {
        walk(L, c, place, path, given, where);
      }
    } else {
      unknown_key(L, c, place, path, where);
    }
  }
}

static void kinds_text(unsigned kinds, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < 4; i++)
    if (kinds & (1u << i))
      used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " or " : "", kind_name((enum node_kind)i));
}

/* Read a list of node ids (route, QRF bases) into a new array. */
static bool read_nodes(struct loader *L, const config_setting_t *s, const struct schema_key *k, int **out,
                       size_t *n_out)
{
  *out = NULL;
  *n_out = 0;
  if (!is_sequence(s)) {
    bad_value(L, s, k);
    return false;
  }
  int n = config_setting_length(s);
  int *a = zalloc(L, n > 0 ? (size_t)n : 1, sizeof *a);
  if (a == NULL)
    return false;
  bool ok = true;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    if (config_setting_type(e) != CONFIG_TYPE_STRING) {
      bad_value(L, s, k);
      ok = false;
      break;
    }
    const char *id = config_setting_get_string(e);
    a[i] = find_node(L->sc, id);
    if (a[i] < 0) {
      no_such(L, e, k->path, "node", id, REGION_NODE);
      ok = false;
    }
  }
  if (!ok) {
    free(a);
    return false;
  }
  *out = a;
  *n_out = (size_t)n;
  return true;
}

/* Read the keys of one list element (or the root's scalar keys) that were
 * given; report missing required keys; record defaults. */
static void read_keys(struct loader *L, int place, void *base, const config_setting_t **given,
                      const config_setting_t *g, const char *where, long index, bool record_defaults)
{
  int kind = -1;
  for (size_t i = 0; i < schema_n_keys; i++) {
    const struct schema_key *k = &schema_keys[i];
    if (k->place != place || k->type >= SCHEMA_NODES)
      continue;
    const config_setting_t *s = given[i];
    if (place == REGION_NODE && k->kinds && kind >= 0 && !(k->kinds & (1u << kind))) {
      if (s != NULL) {
        char kt[64];
        kinds_text(k->kinds, kt, sizeof kt);
        loader_error(L, s, "'%s' applies only to %s nodes, not to %s %s", k->path, kt,
                     kind_name((enum node_kind)kind), where);
      }
      continue;
    }
    if (s == NULL) {
      bool interval = place == REGION_CONVOY && (strcmp(k->path, "every_h") == 0 || strcmp(k->path, "interarrival_h") == 0);
      if (k->flags & SCHEMA_REQUIRED)
        loader_error(L, g, "missing '%s'%s%s", k->path, where ? " in " : "", where ? where : "");
      else if (record_defaults && !interval && (k->def != NULL || (k->flags & SCHEMA_OPTIONAL)))
        add_default(L, k, index);
      continue;
    }
    struct value v;
    if (loader_read_value(L, s, k, &v)) {
      loader_store(base, k, &v);
      if (place == REGION_NODE && strcmp(k->path, "kind") == 0)
        kind = ((struct node *)base)->kind; /* unknown kind: no key is out of place */
    }
  }
}

/* "node 'ks'" or "node 3" */
static void element_label(const config_setting_t *g, int place, size_t i, char *buf, size_t len)
{
  const char *idk = schema_place_id(place);
  const char *id = NULL;
  if (idk && config_setting_type(g) == CONFIG_TYPE_GROUP) {
    const config_setting_t *m = config_setting_get_member(g, idk);
    if (m && config_setting_type(m) == CONFIG_TYPE_STRING)
      id = config_setting_get_string(m);
  }
  if (id)
    snprintf(buf, len, "%s '%.80s'", schema_place_name(place), id);
  else
    snprintf(buf, len, "%s %zu", schema_place_name(place), i);
}

static const config_setting_t **given_new(struct loader *L)
{
  return zalloc(L, schema_n_keys, sizeof(const config_setting_t *));
}

/* The list at key k (root), checked to be a list of groups; NULL if absent. */
static const config_setting_t *list_of(struct loader *L, const struct schema_key *k, int *n)
{
  const config_setting_t *s = L->root[k - schema_keys];
  *n = 0;
  if (s == NULL) {
    if (k->flags & SCHEMA_REQUIRED)
      loader_error(L, NULL, "missing '%s'", k->path);
    return NULL;
  }
  int t = config_setting_type(s);
  if (t != CONFIG_TYPE_LIST && !(t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)) {
    error_not(L, s, "'%s' must be a list ( { ... }, ... )", k->path);
    return NULL;
  }
  *n = config_setting_length(s);
  if (*n == 0 && (k->flags & SCHEMA_REQUIRED)) {
    loader_error(L, s, "'%s' must hold at least one %s", k->path, schema_place_name(k->elem));
    return NULL;
  }
  return s;
}

static bool element_group(struct loader *L, const config_setting_t *e, const struct schema_key *k, int i)
{
  if (config_setting_type(e) == CONFIG_TYPE_GROUP)
    return true;
  error_not(L, e, "'%s' element %d must be a group { ... }", k->path, i);
  return false;
}

/* Element e (number i) of list lk: false after reporting unless it is a
 * group; else its label goes to where and its keys into given. */
static bool walk_element(struct loader *L, const config_setting_t *e, const struct schema_key *lk, int i,
                         const config_setting_t **given, char *where, size_t wlen)
{
  if (!element_group(L, e, lk, i))
    return false;
  element_label(e, lk->elem, (size_t)i, where, wlen);
  memset(given, 0, schema_n_keys * sizeof *given);
  walk(L, e, lk->elem, NULL, given, where);
  return true;
}

/* The source line of element i of place (nodes, roads, convoys or
 * contingents: the lists read_list reads). */
static int *element_line(struct scenario *sc, int place, size_t i)
{
  switch (place) {
  case REGION_NODE: return &sc->nodes[i].line;
  case REGION_ROAD: return &sc->roads[i].line;
  case REGION_CONVOY: return &sc->convoys[i].line;
  default: return &sc->force.contingents[i].line;
  }
}

/* Report element i of place (at e) if an earlier one has the same id. */
static void duplicate_id(struct loader *L, const config_setting_t *e, int place, int i)
{
  const char *id = schema_element_id(L->sc, place, (size_t)i);
  if (id == NULL)
    return;
  for (int j = 0; j < i; j++) {
    const char *other = schema_element_id(L->sc, place, (size_t)j);
    if (other && strcmp(other, id) == 0) {
      loader_error(L, e, "duplicate %s %s '%s' (first at line %d)", schema_place_name(place), schema_place_id(place),
                   id, *element_line(L->sc, place, (size_t)j));
      return;
    }
  }
}

/* Allocate n zeroed elements of place (nodes, roads, convoys or
 * contingents); the address of its count, or NULL (L->nomem) if out of
 * memory. */
static size_t *list_new(struct loader *L, int place, size_t n)
{
  struct scenario *sc = L->sc;
  size_t *count;
  bool ok;
  switch (place) {
  case REGION_NODE:
    sc->nodes = zalloc(L, n, sizeof *sc->nodes);
    L->node_bad = zalloc(L, n, sizeof *L->node_bad);
    ok = sc->nodes != NULL && L->node_bad != NULL;
    count = &sc->n_nodes;
    break;
  case REGION_ROAD:
    ok = (sc->roads = zalloc(L, n, sizeof *sc->roads)) != NULL;
    count = &sc->n_roads;
    break;
  case REGION_CONVOY:
    ok = (sc->convoys = zalloc(L, n, sizeof *sc->convoys)) != NULL;
    count = &sc->n_convoys;
    break;
  default:
    ok = (sc->force.contingents = zalloc(L, n, sizeof *sc->force.contingents)) != NULL;
    count = &sc->force.n_contingents;
    break;
  }
  return ok ? count : NULL;
}

/* What one kind of list element needs besides the shared scaffolding. */
struct element_kind {
  int place;       /* REGION_NODE, ... (a list that list_new knows) */
  bool skip_empty; /* an empty list allocates nothing */
  /* values set before the keys are read (defaults apart); may be NULL */
  void (*start)(void *base);
  /* read the walked keys of element i (a group at e) into base */
  void (*read)(struct loader *L, void *base, int i, const config_setting_t *e, const config_setting_t **given,
               const char *where);
};

/* Read the list of ek->place: allocate it, and for every element apply
 * the defaults, count it, note its line, and when it is a group walk its
 * keys and hand them to ek->read. */
static void read_list(struct loader *L, const config_setting_t **given, const struct element_kind *ek)
{
  const struct schema_key *lk = schema_find(REGION_ROOT, schema_place_list(ek->place));
  int n;
  const config_setting_t *list = list_of(L, lk, &n);
  if (list == NULL || (n == 0 && ek->skip_empty))
    return;
  size_t *count = list_new(L, ek->place, (size_t)n);
  if (count == NULL)
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    void *base = loader_base(L->sc, ek->place, (size_t)i);
    char where[128];
    element_defaults(L, ek->place, base);
    *count = (size_t)i + 1;
    *element_line(L->sc, ek->place, (size_t)i) = (int)config_setting_source_line(e);
    if (ek->start)
      ek->start(base);
    if (walk_element(L, e, lk, i, given, where, sizeof where))
      ek->read(L, base, i, e, given, where);
  }
}

static void read_roe(struct loader *L, const config_setting_t **given)
{
  struct scenario *sc = L->sc;
  const struct schema_key *lk = schema_find(REGION_ROOT, "roe_profiles");
  int n;
  const config_setting_t *list = list_of(L, lk, &n);
  if (list == NULL || n == 0)
    return;
  size_t n_builtin = sc->n_roe;
  struct roe_profile *r = realloc(sc->roe, (sc->n_roe + (size_t)n) * sizeof *r);
  if (r == NULL) {
    L->nomem = true;
    return;
  }
  sc->roe = r;
  memset(sc->roe + sc->n_roe, 0, (size_t)n * sizeof *r);
  int *seen_line = zalloc(L, n_builtin + (size_t)n, sizeof *seen_line);
  if (seen_line == NULL)
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    char where[128];
    if (!walk_element(L, e, lk, i, given, where, sizeof where))
      continue;
    const struct schema_key *nk = schema_find(REGION_ROE, "name");
    const config_setting_t *ns = given[nk - schema_keys];
    if (ns == NULL) {
      loader_error(L, e, "missing 'name' in %s", where);
      continue;
    }
    struct value nv;
    if (!loader_read_value(L, ns, nk, &nv))
      continue;
    int idx = find_roe(sc, nv.u.s);
    int line = (int)config_setting_source_line(e);
    if (idx >= 0 && seen_line[idx]) {
      loader_error(L, ns, "duplicate ROE profile '%s' (first at line %d)", nv.u.s, seen_line[idx]);
      free(nv.u.s);
      continue;
    }
    bool builtin = idx >= 0;
    if (!builtin) {
      idx = (int)sc->n_roe++;
      element_defaults(L, REGION_ROE, &sc->roe[idx]);
      loader_store(&sc->roe[idx], nk, &nv);
    } else {
      free(nv.u.s);
    }
    seen_line[idx] = line > 0 ? line : -1;
    sc->roe[idx].line = line;
    read_keys(L, REGION_ROE, &sc->roe[idx], given, e, where, idx, !builtin);
  }
  free(seen_line);
}

static void node_start(void *base)
{
  ((struct node *)base)->kind = NODE_JUNCTION;
}

static void read_node(struct loader *L, void *base, int i, const config_setting_t *e, const config_setting_t **given,
                      const char *where)
{
  size_t before = diag_count(L->d);
  const config_setting_t *ks = given[schema_find(REGION_NODE, "kind") - schema_keys];
  read_keys(L, REGION_NODE, base, given, e, where, i, true);
  if (L->node_bad && (ks == NULL || diag_count(L->d) > before)) {
    /* was the kind itself bad? re-read quietly */
    struct diag quiet;
    struct diag *saved = L->d;
    struct value v;
    diag_init(&quiet);
    L->d = &quiet;
    L->node_bad[i] = ks == NULL || !loader_read_value(L, ks, schema_find(REGION_NODE, "kind"), &v);
    L->d = saved;
    diag_release(&quiet);
  }
  duplicate_id(L, e, REGION_NODE, i);
}

static void road_start(void *base)
{
  struct road *r = base;
  r->from = r->to = -1;
}

static void read_road(struct loader *L, void *base, int i, const config_setting_t *e, const config_setting_t **given,
                      const char *where)
{
  struct scenario *sc = L->sc;
  struct road *r = base;
  read_keys(L, REGION_ROAD, r, given, e, where, i, true);
  if (r->from < 0 || r->to < 0)
    L->road_bad = true;
  if (r->from >= 0 && r->to >= 0 && r->from == r->to)
    loader_error(L, e, "a road must join two different nodes, not '%s' and '%s'",
                 sc->nodes[r->from].id, sc->nodes[r->to].id);
  if (r->id == NULL && r->from >= 0 && r->to >= 0) {
    size_t len = strlen(sc->nodes[r->from].id) + strlen(sc->nodes[r->to].id) + 2;
    r->id = malloc(len);
    if (r->id == NULL)
      L->nomem = true;
    else
      snprintf(r->id, len, "%s-%s", sc->nodes[r->from].id, sc->nodes[r->to].id);
  }
  duplicate_id(L, e, REGION_ROAD, i);
}

static int road_between(const struct scenario *sc, int a, int b)
{
  for (size_t i = 0; i < sc->n_roads; i++) {
    const struct road *r = &sc->roads[i];
    if ((r->from == a && r->to == b) || (r->from == b && r->to == a))
      return (int)i;
  }
  return -1;
}

static void read_convoy(struct loader *L, void *base, int i, const config_setting_t *e,
                        const config_setting_t **given, const char *where)
{
  struct scenario *sc = L->sc;
  struct convoy_schedule *c = base;
  const struct schema_key *rk = schema_find(REGION_CONVOY, "route");
  const config_setting_t *ev = given[schema_find(REGION_CONVOY, "every_h") - schema_keys];
  const config_setting_t *ia = given[schema_find(REGION_CONVOY, "interarrival_h") - schema_keys];
  read_keys(L, REGION_CONVOY, c, given, e, where, i, true);
  c->has_interarrival = ia != NULL;
  if (ev == NULL && ia == NULL)
    add_default(L, schema_find(REGION_CONVOY, "every_h"), i); /* departs once */
  if (ev && ia)
    loader_error(L, ia, "give 'every_h' or 'interarrival_h', not both");
  if (ia && c->has_interarrival && !(dist_mean(&c->interarrival_h) > 0))
    loader_error(L, ia, "'interarrival_h' must have a mean > 0");
  duplicate_id(L, e, REGION_CONVOY, i);
  const config_setting_t *rs = given[rk - schema_keys];
  if (rs == NULL) {
    loader_error(L, e, "missing 'route' in %s", where);
    return;
  }
  if (!read_nodes(L, rs, rk, &c->route, &c->route_len))
    return;
  if (c->route_len < 2) {
    loader_error(L, rs, "'route' must have at least two nodes");
    return;
  }
  c->legs = zalloc(L, c->route_len - 1, sizeof *c->legs);
  if (c->legs == NULL)
    return;
  for (size_t j = 0; j + 1 < c->route_len; j++) {
    c->legs[j] = road_between(sc, c->route[j], c->route[j + 1]);
    if (c->legs[j] < 0 && !L->road_bad)
      loader_error(L, rs, "'route': no road joins '%s' and '%s'", sc->nodes[c->route[j]].id,
                   sc->nodes[c->route[j + 1]].id);
  }
  const struct node *first = &sc->nodes[c->route[0]];
  const struct node *last = &sc->nodes[c->route[c->route_len - 1]];
  bool first_bad = L->node_bad && L->node_bad[c->route[0]];
  bool last_bad = L->node_bad && L->node_bad[c->route[c->route_len - 1]];
  if (!first_bad && first->kind != NODE_CROSSING && first->kind != NODE_DEPOT)
    loader_error(L, rs, "'route' must start at a crossing or depot, not at %s '%s'", kind_name(first->kind),
                 first->id);
  if (!last_bad && last->kind != NODE_DISTRIBUTION)
    loader_error(L, rs, "'route' must end at a distribution node, not at %s '%s'", kind_name(last->kind),
                 last->id);
}

static void read_contingent(struct loader *L, void *base, int i, const config_setting_t *e,
                            const config_setting_t **given, const char *where)
{
  read_keys(L, REGION_CONTINGENT, base, given, e, where, i, true);
  duplicate_id(L, e, REGION_CONTINGENT, i);
}

static const struct element_kind node_kind = { REGION_NODE, false, node_start, read_node };
static const struct element_kind road_kind = { REGION_ROAD, false, road_start, read_road };
static const struct element_kind convoy_kind = { REGION_CONVOY, false, NULL, read_convoy };
static const struct element_kind contingent_kind = { REGION_CONTINGENT, true, NULL, read_contingent };

static void read_buildup(struct loader *L)
{
  struct scenario *sc = L->sc;
  const struct schema_key *k = schema_find(REGION_ROOT, "force.buildup");
  const config_setting_t *s = L->root[k - schema_keys];
  if (s == NULL)
    return;
  if (!is_sequence(s)) {
    error_not(L, s, "'force.buildup' must be a list of [day, troops] steps");
    return;
  }
  int n = config_setting_length(s);
  if (n == 0)
    return;
  sc->force.buildup = zalloc(L, (size_t)n, sizeof *sc->force.buildup);
  if (sc->force.buildup == NULL)
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    const config_setting_t *a, *b;
    if (!pair_of(e, &a, &b) || !is_number(a) || !is_number(b) || !(number_of(a) >= 0) || !(number_of(b) >= 0)
        || !isfinite(number_of(a)) || !isfinite(number_of(b))) {
      error_not(L, e, "'force.buildup' steps must be [day, troops] with day >= 0 and troops >= 0");
      continue;
    }
    struct buildup_step st = { number_of(a), number_of(b) };
    if (sc->force.n_buildup > 0 && !(st.day > sc->force.buildup[sc->force.n_buildup - 1].day)) {
      loader_error(L, e, "'force.buildup' days must be ascending, not %g after %g", st.day,
                   sc->force.buildup[sc->force.n_buildup - 1].day);
      continue;
    }
    sc->force.buildup[sc->force.n_buildup++] = st;
  }
}

/* ------------------------------------------------------------ timeline */

void scenario_change_release(struct timeline_change *c)
{
  free(c->key);
  if (c->value.type == VALUE_STRING)
    free(c->value.u.s);
  memset(c, 0, sizeof *c);
}

/* Resolve one ("KEY", value) pair into *c; false after reporting. */
static bool read_change(struct loader *L, const config_setting_t *ks, const config_setting_t *vs,
                        struct timeline_change *c, const char *context)
{
  const char *path = config_setting_get_string(ks);
  const struct schema_key *k;
  size_t index;

  if (!loader_resolve_path(L, ks, path, &k, &index))
    return false;
  if (k->flags & (SCHEMA_FIXED | SCHEMA_RUN)) {
    loader_error(L, ks, "'%s' cannot change %s: ids, kinds, routes, road ends, lists and run settings are fixed",
                 path, context);
    return false;
  }
  if ((k->flags & SCHEMA_NO_TIMELINE) && strcmp(context, "in a timeline") == 0) {
    loader_error(L, ks, "'%s' cannot change in a timeline: it is read once, at time 0", path);
    return false;
  }
  if (!loader_read_value(L, vs, k, &c->value))
    return false;
  c->key = dup_str(L, path);
  c->region = (enum region)k->place;
  c->index = index;
  c->offset = k->offset;
  c->line = (int)config_setting_source_line(ks);
  return c->key != NULL;
}

static void read_timeline(struct loader *L, const config_setting_t **given)
{
  struct scenario *sc = L->sc;
  const struct schema_key *lk = schema_find(REGION_ROOT, "timeline");
  const struct schema_key *dk = schema_find(SCHEMA_PLACE_TIMELINE, "day");
  const struct schema_key *sk = schema_find(SCHEMA_PLACE_TIMELINE, "set");
  int n;
  const config_setting_t *list = list_of(L, lk, &n);
  if (list == NULL || n == 0)
    return;
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    const config_setting_t *set = config_setting_type(e) == CONFIG_TYPE_GROUP ? config_setting_get_member(e, "set") : NULL;
    if (set && is_sequence(set))
      total += (size_t)config_setting_length(set);
  }
  sc->timeline = zalloc(L, total ? total : 1, sizeof *sc->timeline);
  if (sc->timeline == NULL)
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    char where[128];
    if (!walk_element(L, e, lk, i, given, where, sizeof where))
      continue;
    const config_setting_t *ds = given[dk - schema_keys];
    const config_setting_t *ss = given[sk - schema_keys];
    struct value dv = { .type = VALUE_REAL };
    bool ok = true;
    if (ds == NULL) {
      loader_error(L, e, "missing 'day' in %s", where);
      ok = false;
    } else if (!loader_read_value(L, ds, dk, &dv)) {
      ok = false;
    }
    if (ss == NULL) {
      loader_error(L, e, "missing 'set' in %s", where);
      continue;
    }
    if (!is_sequence(ss)) {
      error_not(L, ss, "'set' must be a list of (\"KEY\", value) pairs");
      continue;
    }
    int m = config_setting_length(ss);
    for (int j = 0; j < m; j++) {
      const config_setting_t *pair = config_setting_get_elem(ss, (unsigned)j);
      const config_setting_t *ks, *vs;
      if (!pair_of(pair, &ks, &vs) || config_setting_type(ks) != CONFIG_TYPE_STRING) {
        error_not(L, pair, "'set' must hold (\"KEY\", value) pairs");
        continue;
      }
      struct timeline_change c = { .day = dv.u.r };
      if (read_change(L, ks, vs, &c, "in a timeline") && ok)
        sc->timeline[sc->n_timeline++] = c;
      else
        scenario_change_release(&c);
    }
  }
  /* stable insertion sort by day */
  for (size_t i = 1; i < sc->n_timeline; i++) {
    struct timeline_change t = sc->timeline[i];
    size_t j = i;
    while (j > 0 && sc->timeline[j - 1].day > t.day) {
      sc->timeline[j] = sc->timeline[j - 1];
      j--;
    }
    sc->timeline[j] = t;
  }
}

/* ------------------------------------------------------------ sweep */

static void read_sweep(struct loader *L, const config_setting_t **given)
{
  struct scenario *sc = L->sc;
  const struct schema_key *lk = schema_find(REGION_ROOT, "sweep.vary");
  const struct schema_key *kk = schema_find(SCHEMA_PLACE_VARY, "key");
  int n;
  const config_setting_t *list = list_of(L, lk, &n);
  if (list == NULL || n == 0)
    return;
  sc->sweep.vary = zalloc(L, (size_t)n, sizeof *sc->sweep.vary);
  if (sc->sweep.vary == NULL)
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    char where[128];
    if (!walk_element(L, e, lk, i, given, where, sizeof where))
      continue;
    const config_setting_t *ks = given[kk - schema_keys];
    const config_setting_t *vs = given[schema_find(SCHEMA_PLACE_VARY, "values") - schema_keys];
    const config_setting_t *mins = given[schema_find(SCHEMA_PLACE_VARY, "min") - schema_keys];
    const config_setting_t *maxs = given[schema_find(SCHEMA_PLACE_VARY, "max") - schema_keys];
    if (ks == NULL) {
      loader_error(L, e, "missing 'key' in %s", where);
      continue;
    }
    if (config_setting_type(ks) != CONFIG_TYPE_STRING) {
      bad_value(L, ks, kk);
      continue;
    }
    const char *path = config_setting_get_string(ks);
    const struct schema_key *k;
    size_t index;
    if (!loader_resolve_path(L, ks, path, &k, &index))
      continue;
    if (k->flags & SCHEMA_FIXED) {
      loader_error(L, ks, "'%s' cannot be varied: ids, kinds, routes, road ends, lists, seed and replications are fixed",
                   path);
      continue;
    }
    for (size_t j = 0; j < sc->sweep.n_vary; j++)
      if (strcmp(sc->sweep.vary[j].key, path) == 0) {
        loader_error(L, ks, "'%s' is varied twice (first at line %d)", path, sc->sweep.vary[j].line);
        break;
      }
    struct sweep_factor f = { .line = (int)config_setting_source_line(e) };
    bool ok = true;
    if (vs != NULL && (mins != NULL || maxs != NULL)) {
      loader_error(L, e, "give 'values' or 'min' and 'max' in %s, not both", where);
      continue;
    }
    if (vs != NULL) {
      int m = is_sequence(vs) ? config_setting_length(vs) : 0;
      if (m == 0) {
        error_not(L, vs, "'values' must be a non-empty list of values of '%s'", path);
        continue;
      }
      f.values = zalloc(L, (size_t)m, sizeof *f.values);
      if (f.values == NULL)
        continue;
      for (int j = 0; j < m; j++) {
        if (loader_read_value(L, config_setting_get_elem(vs, (unsigned)j), k, &f.values[f.n_values]))
          f.n_values++;
        else
          ok = false;
      }
    } else if (mins != NULL && maxs != NULL) {
      if (k->type != SCHEMA_INT && k->type != SCHEMA_REAL) {
        loader_error(L, e, "'%s' is not a number: give 'values' instead of 'min' and 'max'", path);
        continue;
      }
      struct value a, b;
      if (loader_read_value(L, mins, k, &a) && loader_read_value(L, maxs, k, &b)) {
        f.min = a.type == VALUE_INT ? (double)a.u.i : a.u.r;
        f.max = b.type == VALUE_INT ? (double)b.u.i : b.u.r;
        if (f.min > f.max) {
          loader_error(L, mins, "'min' must be <= 'max', not %g > %g", f.min, f.max);
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      loader_error(L, e, "give 'values' or 'min' and 'max' in %s", where);
      continue;
    }
    f.key = dup_str(L, path);
    sc->sweep.vary[sc->sweep.n_vary++] = f;
    (void)ok;
  }
}

/* ------------------------------------------------------------ the whole */

static int root_line(const struct loader *L, const char *path)
{
  if (L == NULL)
    return 0;
  const struct schema_key *k = schema_find(REGION_ROOT, path);
  const config_setting_t *s = k ? L->root[k - schema_keys] : NULL;
  const char *file;
  int line;
  if (s == NULL)
    return 0;
  loader_where(L, s, &file, &line);
  return line;
}

static const char *root_file(const struct loader *L, const struct scenario *sc, const char *path)
{
  if (L != NULL) {
    const struct schema_key *k = schema_find(REGION_ROOT, path);
    const config_setting_t *s = k ? L->root[k - schema_keys] : NULL;
    if (s != NULL) {
      const char *file;
      int line;
      loader_where(L, s, &file, &line);
      return file;
    }
    return L->file;
  }
  return sc->file ? sc->file : "(scenario)";
}

/* diag_add, or with no location when bare (a timeline state). */
static void report(struct diag *d, bool bare, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 5, 6)))
#endif
  ;
static void report(struct diag *d, bool bare, const char *file, int line, const char *fmt, ...)
{
  char body[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  diag_add(d, bare ? NULL : file, bare ? 0 : line, "%s", body);
}

/* The rules that tie keys together; L gives lines when loading. */
static void validate(const struct scenario *sc, struct diag *d, const struct loader *L, bool bare)
{
  const char *f = sc->file ? sc->file : "(scenario)";
  double horizon_h = sc->horizon_days * 24.0;

  if (sc->warmup_days >= sc->horizon_days && sc->horizon_days > 0)
    report(d, bare, root_file(L, sc, "warmup_days"), root_line(L, "warmup_days"),
             "'warmup_days' must be < 'horizon_days' (%g), not %g", sc->horizon_days, sc->warmup_days);
  if (sc->force.present) {
    double sum = sc->force.share_escort + sc->force.share_patrol + sc->force.share_qrf;
    if (sum > 1.0 + 1e-12)
      report(d, bare, root_file(L, sc, "force.share.escort"), root_line(L, "force.share.escort"),
               "'force.share' escort + patrol + qrf must be <= 1, not %g (%g + %g + %g)", sum,
               sc->force.share_escort, sc->force.share_patrol, sc->force.share_qrf);
    double most = sc->force.troops;
    for (size_t i = 0; i < sc->force.n_buildup; i++)
      if (sc->force.buildup[i].troops > most)
        most = sc->force.buildup[i].troops;
    double qrf = floor(most * sc->force.available * sc->force.share_qrf / sc->force.qrf_team_size);
    const char *at = root_line(L, "force.share.qrf") > 0 ? "force.share.qrf" : "force.troops";
    if (qrf >= 1 && sc->force.n_qrf_bases == 0)
      report(d, bare, root_file(L, sc, at), root_line(L, at),
               "missing 'force.qrf.bases': the force has up to %g QRF teams (set force.share.qrf = 0 for none)", qrf);
  }
  if (sc->coordination.deny_p + sc->coordination.impede_p > 1.0 + 1e-12)
    report(d, bare, root_file(L, sc, "coordination.deny_p"), root_line(L, "coordination.deny_p"),
             "'coordination.deny_p' + 'coordination.impede_p' must be <= 1, not %g",
             sc->coordination.deny_p + sc->coordination.impede_p);
  double window = sc->movement.window_h.to - sc->movement.window_h.from;
  for (size_t i = 0; i < sc->n_roads; i++) {
    const struct road *r = &sc->roads[i];
    double kmh = dist_mean(&r->kmh);
    if (kmh > 0 && r->km / kmh > window)
      report(d, bare, L ? L->file : f, r->line,
               "road '%s' needs %.3g h at its mean speed (%g km at %g km/h), longer than the %g h movement window",
               r->id ? r->id : "?", r->km / kmh, r->km, kmh, window);
  }
  for (size_t i = 0; i < sc->n_convoys; i++) {
    const struct convoy_schedule *c = &sc->convoys[i];
    const char *cf = L ? L->file : f;
    if (c->min_trucks > c->trucks)
      report(d, bare, cf, c->line, "'min_trucks' must be <= 'trucks' (%d), not %d", c->trucks, c->min_trucks);
    if (c->count == SCENARIO_UNLIMITED)
      continue;
    double step = c->every_h > 0 ? c->every_h : c->has_interarrival ? dist_mean(&c->interarrival_h) : 0;
    if (step <= 0 && c->count > 1) {
      report(d, bare, cf, c->line, "'count' %ld needs 'every_h' or 'interarrival_h' (without them a convoy departs once)",
               c->count);
      continue;
    }
    double last = c->depart_h + (double)(c->count - 1) * step;
    if (!(last < horizon_h))
      report(d, bare, cf, c->line,
               "'count' %ld does not fit the horizon: departure %ld would leave at %g h, not before %g h%s",
               c->count, c->count, last, horizon_h, c->has_interarrival ? " (at the mean interval)" : "");
  }
}


/* The same rules after each day's timeline changes: a timeline may not
 * make the scenario inconsistent (shares above 1, a road slower than the
 * window, ...).  The first day that does is reported at its entry. */
static void validate_timeline(struct loader *L)
{
  const struct scenario *sc = L->sc;
  struct scenario t = *sc;
  if (sc->n_timeline == 0)
    return;
  t.nodes = malloc((sc->n_nodes ? sc->n_nodes : 1) * sizeof *t.nodes);
  t.roads = malloc((sc->n_roads ? sc->n_roads : 1) * sizeof *t.roads);
  t.convoys = malloc((sc->n_convoys ? sc->n_convoys : 1) * sizeof *t.convoys);
  t.roe = malloc((sc->n_roe ? sc->n_roe : 1) * sizeof *t.roe);
  t.force.contingents = malloc((sc->force.n_contingents ? sc->force.n_contingents : 1) * sizeof *t.force.contingents);
  if (t.nodes && t.roads && t.convoys && t.roe && t.force.contingents) {
    /* (memcpy must not see a NULL source, even for 0 bytes) */
    if (sc->n_nodes)
      memcpy(t.nodes, sc->nodes, sc->n_nodes * sizeof *t.nodes);
    if (sc->n_roads)
      memcpy(t.roads, sc->roads, sc->n_roads * sizeof *t.roads);
    if (sc->n_convoys)
      memcpy(t.convoys, sc->convoys, sc->n_convoys * sizeof *t.convoys);
    if (sc->n_roe)
      memcpy(t.roe, sc->roe, sc->n_roe * sizeof *t.roe);
    if (sc->force.n_contingents)
      memcpy(t.force.contingents, sc->force.contingents, sc->force.n_contingents * sizeof *t.force.contingents);
    for (size_t i = 0; i < sc->n_timeline;) {
      size_t j = i;
      /* no string is ever changed by a timeline (they are fixed keys) */
      for (; j < sc->n_timeline && sc->timeline[j].day == sc->timeline[i].day; j++)
        scenario_apply_change(&t, &sc->timeline[j]);
      struct diag q;
      diag_init(&q);
      validate(&t, &q, NULL, true);
      for (size_t m = 0; m < q.n; m++)
        diag_add(L->d, L->file, sc->timeline[i].line, "after the timeline changes of day %g: %s", sc->timeline[i].day,
                 q.msg[m]);
      bool bad = q.n > 0;
      diag_release(&q);
      if (bad)
        break;
      i = j;
    }
  } else {
    L->nomem = true;
  }
  free(t.nodes);
  free(t.roads);
  free(t.convoys);
  free(t.roe);
  free(t.force.contingents);
}

enum err scenario_validate(const struct scenario *sc, struct diag *d)
{
  size_t before = diag_count(d);
  validate(sc, d, NULL, false);
  return diag_count(d) > before ? ERR_SCENARIO : ERR_OK;
}

void scenario_derive(struct scenario *sc)
{
  sc->total_road_km = 0;
  for (size_t i = 0; i < sc->n_roads; i++)
    sc->total_road_km += sc->roads[i].km;
  sc->total_population = 0;
  sc->total_need_t_per_day = 0;
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].kind == NODE_DISTRIBUTION) {
      sc->total_population += sc->nodes[i].population;
      sc->total_need_t_per_day += sc->nodes[i].need_t_per_day;
    }
}

/* Schema order, then element order. */
static int default_order(const void *a, const void *b)
{
  const struct scenario_default *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

static void read_root(struct loader *L, config_t *cfg)
{
  struct scenario *sc = L->sc;
  const config_setting_t *root = config_root_setting(cfg);
  const config_setting_t **given = given_new(L);
  if (given == NULL || L->root == NULL) {
    free(given);
    return;
  }
  walk(L, root, REGION_ROOT, NULL, L->root, NULL);
  for (size_t i = 0; i < schema_n_groups; i++)
    if (schema_groups[i].present) {
      const config_setting_t *g = config_lookup(cfg, schema_groups[i].path);
      if (g != NULL && config_setting_type(g) == CONFIG_TYPE_GROUP) {
        bool yes = true;
        memcpy((char *)sc + schema_groups[i].present, &yes, sizeof yes);
      }
    }
  read_roe(L, given);
  read_list(L, given, &node_kind);
  read_list(L, given, &road_kind);
  read_list(L, given, &convoy_kind);
  /* root scalars; defaults of absent mechanisms are not "applied" */
  for (size_t i = 0; i < schema_n_keys; i++) {
    const struct schema_key *k = &schema_keys[i];
    if (k->place != REGION_ROOT || k->type >= SCHEMA_NODES)
      continue;
    const config_setting_t *s = L->root[i];
    const struct schema_group *g = schema_group_of(k);
    bool on = true;
    if (g != NULL)
      memcpy(&on, (const char *)sc + g->present, sizeof on);
    if (s == NULL) {
      if (k->flags & SCHEMA_REQUIRED)
        loader_error(L, NULL, "missing '%s'", k->path);
      else if (on && (k->def != NULL || (k->flags & SCHEMA_OPTIONAL)))
        add_default(L, k, -1);
      continue;
    }
    struct value v;
    if (loader_read_value(L, s, k, &v))
      loader_store(sc, k, &v);
  }
  const struct schema_key *bk = schema_find(REGION_ROOT, "force.qrf.bases");
  if (L->root[bk - schema_keys] != NULL)
    read_nodes(L, L->root[bk - schema_keys], bk, &sc->force.qrf_bases, &sc->force.n_qrf_bases);
  read_buildup(L);
  read_list(L, given, &contingent_kind);
  /* defaults that depend on other keys */
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].kind == NODE_DISTRIBUTION) {
      const struct schema_key *k = schema_find(REGION_NODE, "desperation");
      for (size_t j = 0; j < sc->n_defaults; j++)
        if (sc->defaults[j].key == k && sc->defaults[j].index == (long)i)
          sc->nodes[i].desperation = sc->threats.desperation.initial;
    }
  for (size_t i = 0; i < sc->n_convoys; i++)
    if (sc->convoys[i].escort_teams < 0)
      sc->convoys[i].escort_teams = sc->force.teams_per_convoy;
  scenario_derive(sc);
  read_timeline(L, given);
  read_sweep(L, given);
  qsort(sc->defaults, sc->n_defaults, sizeof *sc->defaults, default_order);
  free(given);
  size_t before = diag_count(L->d);
  validate(sc, L->d, L, false);
  if (diag_count(L->d) == before)
    validate_timeline(L);
}

static enum err load_text(struct scenario *sc, const char *text, const char *label, const char *incdir,
                          const char *const *sets, size_t n_sets, struct diag *d)
{
  struct loader L = { .sc = sc, .d = d, .file = label, .text = text };
  config_t cfg;
  size_t before = diag_count(d);
  enum err e = ERR_OK;

  scenario_init(sc);
  sc->file = strdup(label);
  L.root = calloc(schema_n_keys, sizeof *L.root);
  if (sc->file == NULL || L.root == NULL || sc->n_roe != schema_n_builtin_roe) {
    free(L.root);
    scenario_release(sc);
    return ERR_NOMEM;
  }
  config_init(&cfg);
  if (incdir != NULL)
    config_set_include_dir(&cfg, incdir);
  if (!config_read_string(&cfg, text)) {
    const char *why = config_error_text(&cfg) ? config_error_text(&cfg) : "syntax error";
    const char *ef = config_error_file(&cfg) ? config_error_file(&cfg) : label;
    if (strcmp(why, "syntax error") == 0)
      diag_add(d, ef, config_error_line(&cfg), "syntax error");
    else if (strcmp(why, "mismatched element type in array") == 0)
      diag_add(d, ef, config_error_line(&cfg),
               "syntax error: %s (write the numbers of a [ ] array alike: [8.0, 16.5], not [8, 16.5])", why);
    else
      diag_add(d, ef, config_error_line(&cfg), "syntax error: %s", why);
    e = ERR_SCENARIO;
  } else {
    loader_apply_sets(&L, &cfg, sets, n_sets);
    read_root(&L, &cfg);
  }
  config_destroy(&cfg);
  for (size_t i = 0; i < L.n_origins; i++) {
    free(L.origins[i].label);
    free(L.origins[i].value);
  }
  free(L.origins);
  free(L.root);
  free(L.node_bad);
  free(L.defs);
  free(L.def_state);
  if (diag_count(d) > before)
    diag_sort(d); /* reading order, whatever order the checks ran in */
  if (e == ERR_OK && L.nomem)
    e = ERR_NOMEM;
  else if (e == ERR_OK && (diag_count(d) > before || d->nomem))
    e = ERR_SCENARIO;
  if (e != ERR_OK)
    scenario_release(sc);
  return e;
}

enum err scenario_load_string(struct scenario *sc, const char *text, const char *label,
                              const char *const *sets, size_t n_sets, struct diag *d)
{
  return load_text(sc, text, label ? label : "(string)", NULL, sets, n_sets, d);
}

enum err scenario_load(struct scenario *sc, const char *path, const char *const *sets, size_t n_sets,
                       struct diag *d)
{
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  size_t len = 0, cap = 0;

  memset(sc, 0, sizeof *sc);
  if (f == NULL) {
    diag_add(d, path, 0, "cannot open: %s", strerror(errno));
    return ERR_NOINPUT;
  }
  for (;;) {
    if (len + 4096 + 1 > cap) {
      size_t ncap = cap ? 2 * cap : 16384;
      char *t = realloc(text, ncap);
      if (t == NULL) {
        free(text);
        fclose(f);
        return ERR_NOMEM;
      }
      text = t;
      cap = ncap;
    }
    size_t got = fread(text + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    diag_add(d, path, 0, "cannot read: %s", strerror(errno ? errno : EIO));
    free(text);
    fclose(f);
    return ERR_NOINPUT;
  }
  fclose(f);
  text[len] = '\0';
  if (strlen(text) != len) {
    diag_add(d, path, 0, "not a text file (it holds a NUL byte)");
    free(text);
    return ERR_SCENARIO;
  }
  /* @include resolves against the scenario's own folder */
  char *dir = strdup(path);
  if (dir == NULL) {
    free(text);
    return ERR_NOMEM;
  }
  char *slash = strrchr(dir, '/');
  if (slash)
    slash[1] = '\0';
  else
    strcpy(dir, ".");
  enum err e = load_text(sc, text, path, dir, sets, n_sets, d);
  free(dir);
  free(text);
  return e;
}

/* ------------------------------------------------------------ lookups */

int scenario_node_index(const struct scenario *sc, const char *id)
{
  return find_node(sc, id);
}

int scenario_road_index(const struct scenario *sc, const char *id)
{
  for (size_t i = 0; i < sc->n_roads; i++)
    if (sc->roads[i].id && strcmp(sc->roads[i].id, id) == 0)
      return (int)i;
  return -1;
}

int scenario_roe_index(const struct scenario *sc, const char *name)
{
  return find_roe(sc, name);
}

void scenario_apply_change(struct scenario *sc, const struct timeline_change *c)
{
  const struct schema_key *k = schema_find_offset((int)c->region, c->offset);
  void *base = loader_base(sc, (int)c->region, c->index);
  if (k == NULL || base == NULL)
    return;
  if (k->type == SCHEMA_STRING || k->type == SCHEMA_NAME) {
    struct value v = c->value;
    v.u.s = strdup(c->value.u.s ? c->value.u.s : "");
    if (v.u.s == NULL)
      return;
    loader_store(base, k, &v);
  } else {
    loader_store(base, k, &c->value);
  }
  const struct schema_group *g = schema_group_of(k);
  if (g != NULL) {
    bool yes = true;
    memcpy((char *)sc + g->present, &yes, sizeof yes);
  }
}
