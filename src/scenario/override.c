/*
 * override.c - KEY paths of SPEC 3.9: --set on the parsed file, and
 * changes of a loaded scenario (timeline entries, sweep values).
 *
 * The one rule: an override is checked exactly like the file.  --set
 * grafts its value into the libconfig tree before anything is read (a
 * missing group is created, which switches its mechanism on), so the
 * loader sees it as if it had been written in the file; the grafted
 * settings carry a hook naming "--set KEY", which messages use instead of a
 * line.  A path addresses a list element by its id (nodes, roads, convoys),
 * its name (roe_profiles, force.contingents) or its index.
 */
#include "loader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *list; /* path of the list key at the root */
  int place;        /* place of its elements */
} lists[] = {
  { "nodes", REGION_NODE },
  { "roads", REGION_ROAD },
  { "convoys", REGION_CONVOY },
  { "roe_profiles", REGION_ROE },
  { "force.contingents", REGION_CONTINGENT },
  { "funding", REGION_FUNDING },
};

static bool all_digits(const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return false;
  return true;
}

static size_t place_count(const struct scenario *sc, int place)
{
  switch (place) {
  case REGION_NODE: return sc->n_nodes;
  case REGION_ROAD: return sc->n_roads;
  case REGION_CONVOY: return sc->n_convoys;
  case REGION_ROE: return sc->n_roe;
  case REGION_CONTINGENT: return sc->force.n_contingents;
  case REGION_FUNDING: return sc->n_funding;
  default: return 0;
  }
}

/* "; did you mean 'x'?" among the keys of place, or "" */
static void key_suggestion(int place, const char *word, char *buf, size_t len)
{
  const char *cand[128];
  size_t n = 0;
  for (size_t i = 0; i < schema_n_keys && n < 128; i++)
    if (schema_keys[i].place == place)
      cand[n++] = schema_keys[i].path;
  const char *s = schema_suggest(word, cand, n);
  if (s)
    snprintf(buf, len, "; did you mean '%s'?", s);
  else
    buf[0] = '\0';
}

bool loader_resolve_path(struct loader *L, const config_setting_t *s, const char *path,
                         const struct schema_key **kp, size_t *index)
{
  const struct scenario *sc = L->sc;
  char sug[160];

  *kp = NULL;
  *index = 0;
  for (size_t li = 0; li < sizeof lists / sizeof lists[0]; li++) {
    size_t n = strlen(lists[li].list);
    int place = lists[li].place;
    if (strncmp(path, lists[li].list, n) != 0 || path[n] != '.')
      continue;
    const char *sel = path + n + 1;
    const char *dot = strchr(sel, '.');
    if (dot == NULL) {
      loader_error(L, s, "'%s': name a key of the %s, e.g. '%s.lanes'", path, schema_place_name(place),
                   path);
      return false;
    }
    char selector[128];
    snprintf(selector, sizeof selector, "%.*s", (int)(dot - sel), sel);
    size_t count = place_count(sc, place);
    size_t idx = count;
    for (size_t i = 0; i < count; i++)
      if (schema_element_id(sc, place, i) && strcmp(schema_element_id(sc, place, i), selector) == 0) {
        idx = i;
        break;
      }
    if (idx == count && all_digits(selector)) {
      idx = (size_t)strtoull(selector, NULL, 10);
      if (idx >= count) {
        loader_error(L, s, "'%s': index %s is out of range (%zu %s)", path, selector, count,
                     lists[li].list);
        return false;
      }
    }
    if (idx == count) {
      const char **cand = malloc((count ? count : 1) * sizeof *cand);
      sug[0] = '\0';
      if (cand) {
        for (size_t i = 0; i < count; i++)
          cand[i] = schema_element_id(sc, place, i) ? schema_element_id(sc, place, i) : "";
        const char *best = schema_suggest(selector, cand, count);
        if (best)
          snprintf(sug, sizeof sug, "; did you mean '%s'?", best);
        free(cand);
      }
      loader_error(L, s, "'%s': no %s '%s'%s", path, schema_place_name(place), selector, sug);
      return false;
    }
    const struct schema_key *k = schema_find(place, dot + 1);
    if (k == NULL) {
      key_suggestion(place, dot + 1, sug, sizeof sug);
      loader_error(L, s, "'%s': unknown key '%s' in %s '%s'%s", path, dot + 1, schema_place_name(place),
                   schema_element_id(sc, place, idx) ? schema_element_id(sc, place, idx) : selector, sug);
      return false;
    }
    *kp = k;
    *index = idx;
    return true;
  }
  const struct schema_key *k = schema_find(REGION_ROOT, path);
  if (k == NULL) {
    key_suggestion(REGION_ROOT, path, sug, sizeof sug);
    loader_error(L, s, "unknown key '%s'%s", path, sug);
    return false;
  }
  *kp = k;
  return true;
}

/* ------------------------------------------------------------ --set */

/* Copy src (from the value's own config) under parent as `name`. */
static config_setting_t *graft(config_setting_t *parent, const char *name, const config_setting_t *src)
{
  int t = config_setting_type(src);
  config_setting_t *c = config_setting_add(parent, name, t);
  bool ok = c != NULL;

  if (!ok)
    return NULL;
  switch (t) {
  case CONFIG_TYPE_INT: ok = config_setting_set_int(c, config_setting_get_int(src)); break;
  case CONFIG_TYPE_INT64: ok = config_setting_set_int64(c, config_setting_get_int64(src)); break;
  case CONFIG_TYPE_FLOAT: ok = config_setting_set_float(c, config_setting_get_float(src)); break;
  case CONFIG_TYPE_BOOL: ok = config_setting_set_bool(c, config_setting_get_bool(src)); break;
  case CONFIG_TYPE_STRING: ok = config_setting_set_string(c, config_setting_get_string(src)); break;
  default: {
    int n = config_setting_length(src);
    for (int i = 0; i < n && ok; i++) {
      const config_setting_t *e = config_setting_get_elem(src, (unsigned)i);
      ok = graft(c, t == CONFIG_TYPE_GROUP ? config_setting_name(e) : NULL, e) != NULL;
    }
  }
  }
  return ok ? c : NULL;
}

static config_setting_t *find_element(config_setting_t *list, int place, const char *sel)
{
  const char *idk = schema_place_id(place);
  int n = config_setting_length(list);
  for (int i = 0; i < n; i++) {
    config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    const config_setting_t *m = idk && config_setting_type(e) == CONFIG_TYPE_GROUP
                                    ? config_setting_get_member(e, idk) : NULL;
    if (m && config_setting_type(m) == CONFIG_TYPE_STRING && strcmp(config_setting_get_string(m), sel) == 0)
      return e;
    if (m == NULL && place == REGION_ROAD && config_setting_type(e) == CONFIG_TYPE_GROUP) {
      /* a road without an id is called "FROM-TO" */
      const config_setting_t *a = config_setting_get_member(e, "from");
      const config_setting_t *b = config_setting_get_member(e, "to");
      if (a && b && config_setting_type(a) == CONFIG_TYPE_STRING && config_setting_type(b) == CONFIG_TYPE_STRING) {
        const char *x = config_setting_get_string(a), *y = config_setting_get_string(b);
        size_t lx = strlen(x);
        if (strncmp(sel, x, lx) == 0 && sel[lx] == '-' && strcmp(sel + lx + 1, y) == 0)
          return e;
      }
    }
  }
  if (all_digits(sel)) {
    unsigned long long i = strtoull(sel, NULL, 10);
    if (i < (unsigned long long)n)
      return config_setting_get_elem(list, (unsigned)i);
  }
  return NULL;
}

static void no_element(struct loader *L, const char *label, config_setting_t *list, int place, const char *sel)
{
  const char *idk = schema_place_id(place);
  int n = list ? config_setting_length(list) : 0;
  const char **cand = malloc((n > 0 ? (size_t)n : 1) * sizeof *cand);
  size_t m = 0;
  char sug[160] = "";
  if (cand) {
    for (int i = 0; i < n; i++) {
      const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
      const config_setting_t *id = idk && config_setting_type(e) == CONFIG_TYPE_GROUP ? config_setting_get_member(e, idk) : NULL;
      if (id && config_setting_type(id) == CONFIG_TYPE_STRING)
        cand[m++] = config_setting_get_string(id);
    }
    const char *best = schema_suggest(sel, cand, m);
    if (best)
      snprintf(sug, sizeof sug, "; did you mean '%s'?", best);
    free(cand);
  }
  if (all_digits(sel))
    diag_add(L->d, label, 0, "index %s is out of range (%d %s)", sel, n, schema_place_list(place));
  else
    diag_add(L->d, label, 0, "no %s '%s'%s", schema_place_name(place), sel, sug);
}

static void apply_one(struct loader *L, config_t *cfg, const char *key, struct loader_origin *o,
                      const config_setting_t *value)
{
  char *path = strdup(key);
  config_setting_t *cur = config_root_setting(cfg);
  int place = REGION_ROOT;
  int elem_place = -1;
  char prefix[512] = "";

  if (path == NULL) {
    L->nomem = true;
    return;
  }
  char *save = NULL;
  char *seg = strtok_r(path, ".", &save);
  if (seg == NULL || key[0] == '.' || key[strlen(key) - 1] == '.' || strstr(key, "..")) {
    diag_add(L->d, o->label, 0, "'%s' is not a key path (a.b.c)", key);
    free(path);
    return;
  }
  while (seg != NULL) {
    char *next = strtok_r(NULL, ".", &save);
    int t = config_setting_type(cur);
    if ((t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY) && elem_place < 0) {
      /* a list where the schema has a group: `force = ( ... )` */
      diag_add(L->d, o->label, 0, "'%s' is not a group, so it has no '%s'", prefix, seg);
      break;
    }
    if (t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY) {
      config_setting_t *e = find_element(cur, elem_place, seg);
      if (e == NULL && elem_place == REGION_ROE) {
        for (size_t i = 0; i < schema_n_builtin_roe; i++)
          if (strcmp(schema_builtin_roe[i].name, seg) == 0) {
            e = config_setting_add(cur, NULL, CONFIG_TYPE_GROUP);
            config_setting_t *nm = e ? config_setting_add(e, "name", CONFIG_TYPE_STRING) : NULL;
            if (nm == NULL || !config_setting_set_string(nm, seg)) {
              L->nomem = true;
              free(path);
              return;
            }
            config_setting_set_hook(e, o);
          }
      }
      if (e == NULL) {
        no_element(L, o->label, cur, elem_place, seg);
        break;
      }
      if (next == NULL) {
        diag_add(L->d, o->label, 0, "set the keys of a %s, not the whole element", schema_place_name(elem_place));
        break;
      }
      cur = e;
      place = elem_place;
      elem_place = -1;
      prefix[0] = '\0';
      seg = next;
      continue;
    }
    if (t != CONFIG_TYPE_GROUP) {
      diag_add(L->d, o->label, 0, "'%s' is not a group, so it has no '%s'", prefix, seg);
      break;
    }
    char here[512];
    snprintf(here, sizeof here, "%s%s%s", prefix, prefix[0] ? "." : "", seg);
    if (next == NULL) {
      if (config_setting_get_member(cur, seg) != NULL)
        config_setting_remove(cur, seg);
      config_setting_t *c = graft(cur, seg, value);
      if (c == NULL)
        diag_add(L->d, o->label, 0, "'%s' is not a valid key name", seg);
      else
        config_setting_set_hook(c, o);
      break;
    }
    const struct schema_key *k = schema_find(place, here);
    config_setting_t *child = config_setting_get_member(cur, seg);
    if (child == NULL) {
      if (k != NULL && k->type == SCHEMA_LIST && k->elem != REGION_ROE) {
        no_element(L, o->label, NULL, k->elem, next);
        break;
      }
      child = config_setting_add(cur, seg, k != NULL && k->type == SCHEMA_LIST ? CONFIG_TYPE_LIST : CONFIG_TYPE_GROUP);
      if (child == NULL) {
        diag_add(L->d, o->label, 0, "'%s' is not a valid key name", seg);
        break;
      }
      config_setting_set_hook(child, o);
    }
    elem_place = k != NULL && k->type == SCHEMA_LIST ? k->elem : -1;
    cur = child;
    snprintf(prefix, sizeof prefix, "%s", here);
    seg = next;
  }
  free(path);
}

bool scenario_split_set(const char *set, const char **key, size_t *key_len, const char **value,
                        size_t *value_len)
{
  const char *eq = strchr(set, '='), *k = set, *v;
  size_t kl, vl;
  if (eq == NULL)
    return false;
  while (*k == ' ' || *k == '\t')
    k++;
  kl = eq > k ? (size_t)(eq - k) : 0;
  while (kl > 0 && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
    kl--;
  v = eq + 1;
  while (*v == ' ' || *v == '\t')
    v++;
  vl = strlen(v);
  while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
    vl--;
  *key = k;
  *key_len = kl;
  *value = v;
  *value_len = vl;
  return kl > 0;
}

void loader_apply_sets(struct loader *L, config_t *cfg, const char *const *sets, size_t n)
{
  if (n == 0)
    return;
  L->origins = calloc(n, sizeof *L->origins);
  if (L->origins == NULL) {
    L->nomem = true;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char *k0, *v0;
    size_t klen, vlen;
    if (!scenario_split_set(sets[i], &k0, &klen, &v0, &vlen)) {
      diag_add(L->d, NULL, 0, "--set '%s': expected KEY=VALUE", sets[i]);
      continue;
    }
    struct loader_origin *o = &L->origins[L->n_origins];
    o->label = malloc(klen + 7);
    o->value = strndup(v0, vlen);
    if (o->label == NULL || o->value == NULL) {
      free(o->label);
      free(o->value);
      L->nomem = true;
      return;
    }
    L->n_origins++;
    snprintf(o->label, klen + 7, "--set %.*s", (int)klen, k0);
    char *key = o->label + 6;
    config_t tmp;
    char why[256];
    config_init(&tmp);
    const config_setting_t *v = loader_parse_text(&tmp, o->value, why, sizeof why);
    if (v == NULL)
      diag_add(L->d, o->label, 0, "cannot read the value '%s': %s", o->value, why);
    else
      apply_one(L, cfg, key, o, v);
    config_destroy(&tmp);
  }
}

/* ------------------------------------------------------------ in memory */

enum err scenario_resolve(const struct scenario *sc, const char *key, const char *value_text,
                          struct timeline_change *out, struct diag *d)
{
  size_t klen = strlen(key);
  char *label = malloc(klen + 7);
  struct loader_origin o = { NULL, NULL };
  struct loader L = { .sc = (struct scenario *)sc, .d = d };
  size_t before = diag_count(d);
  const struct schema_key *k = NULL;
  size_t index = 0;
  config_t tmp;
  char why[256];
  enum err e = ERR_SCENARIO;

  memset(out, 0, sizeof *out);
  if (label == NULL)
    return ERR_NOMEM;
  snprintf(label, klen + 7, "--set %s", key);
  L.file = label;
  o.label = label;
  o.value = (char *)value_text;
  config_init(&tmp);
  config_setting_t *v = loader_parse_text(&tmp, value_text, why, sizeof why);
  if (v == NULL) {
    diag_add(d, label, 0, "cannot read the value '%s': %s", value_text, why);
  } else {
    config_setting_set_hook(v, &o);
    if (loader_resolve_path(&L, NULL, key, &k, &index)) {
      if (k->flags & SCHEMA_FIXED)
        diag_add(d, label, 0, "'%s' cannot change: ids, kinds, routes, road ends, lists, seed and replications are fixed",
                 key);
      else if (loader_read_value(&L, v, k, &out->value)) {
        out->key = strdup(key);
        out->region = (enum region)k->place;
        out->index = index;
        out->offset = k->offset;
        e = out->key ? ERR_OK : ERR_NOMEM;
      }
    }
  }
  config_destroy(&tmp);
  free(label);
  if (e == ERR_OK && (diag_count(d) > before || L.nomem))
    e = L.nomem ? ERR_NOMEM : ERR_SCENARIO;
  if (e != ERR_OK)
    scenario_change_release(out);
  return e;
}

enum err scenario_set(struct scenario *sc, const char *key, const char *value_text, struct diag *d)
{
  struct timeline_change c;
  enum err e = scenario_resolve(sc, key, value_text, &c, d);
  if (e != ERR_OK)
    return e;
  scenario_apply_change(sc, &c);
  /* defaults that follow another key follow it here too */
  const struct schema_key *k = schema_find_offset((int)c.region, c.offset);
  for (size_t i = 0; k != NULL && i < sc->n_defaults; i++) {
    const struct scenario_default *df = &sc->defaults[i];
    if (df->index < 0)
      continue;
    if (strcmp(k->path, "force.escort.teams_per_convoy") == 0 && df->key == schema_find(REGION_CONVOY, "escort_teams"))
      sc->convoys[df->index].escort_teams = sc->force.teams_per_convoy;
    if (strcmp(k->path, "threats.desperation.initial") == 0 && df->key == schema_find(REGION_NODE, "desperation"))
      sc->nodes[df->index].desperation = sc->threats.desperation.initial;
  }
  /* derived totals */
  scenario_derive(sc);
  scenario_change_release(&c);
  return scenario_validate(sc, d);
}

const struct schema_key *scenario_key(const struct scenario *sc, const char *key, const char *label,
                                      struct diag *d)
{
  struct loader L = { .sc = (struct scenario *)sc, .d = d, .file = label };
  const struct schema_key *k = NULL;
  size_t index = 0;
  if (!loader_resolve_path(&L, NULL, key, &k, &index))
    return NULL;
  if (k->flags & SCHEMA_FIXED) {
    diag_add(d, label, 0, "'%s' cannot change: ids, kinds, routes, road ends, lists, seed and replications are fixed",
             key);
    return NULL;
  }
  return k;
}

