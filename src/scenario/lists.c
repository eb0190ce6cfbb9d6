/*
 * lists.c - the loader's lists and groups layer: every setting of the
 * parsed tree is matched against the schema (walk: unknown keys), then the
 * ROE profiles, nodes, roads and convoys are read (each may refer to the
 * ones before), then the root keys, the QRF bases, the build-up, the
 * contingents, the timeline and the sweep.
 *
 * The one rule: every list of groups is read by read_list(), which walks
 * each element's keys against the schema before its reader sees them, and
 * every key of an element is read by read_keys(), which records the keys
 * left to their defaults.  Values themselves are read and stored by the
 * value layer (value.c) only.
 */
#include "loader.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"

/* ------------------------------------------------------------ walking */

/* Note that key k of element `index` (-1: the root) was left to its default. */
static void add_default(struct loader *L, const struct schema_key *k, long index)
{
  struct scenario *sc = L->sc;
  if (GROW(&sc->defaults, &L->cap_defaults, sc->n_defaults + 1, 64, SIZE_MAX / 2) != ERR_OK) {
    L->nomem = true;
    return;
  }
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
  loader_suggestion(path, cand, n, sug, sizeof sug);
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
        loader_error_not(L, c, "'%s' must be a group { ... }", path);
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
      used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " or " : "", loader_kind_name((enum node_kind)i));
}

/* Read a list of node ids (route, QRF bases) into a new array. */
static bool read_nodes(struct loader *L, const config_setting_t *s, const struct schema_key *k, int **out,
                       size_t *n_out)
{
  *out = NULL;
  *n_out = 0;
  if (!loader_is_sequence(s)) {
    loader_bad_value(L, s, k);
    return false;
  }
  int n = config_setting_length(s);
  int *a = loader_zalloc(L, n > 0 ? (size_t)n : 1, sizeof *a);
  if (a == NULL)
    return false;
  bool ok = true;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    if (config_setting_type(e) != CONFIG_TYPE_STRING) {
      loader_bad_value(L, s, k);
      ok = false;
      break;
    }
    const char *id = config_setting_get_string(e);
    a[i] = scenario_node_index(L->sc, id);
    if (a[i] < 0) {
      loader_no_such(L, e, k->path, "node", id, REGION_NODE);
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
                     loader_kind_name((enum node_kind)kind), where);
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
  return loader_zalloc(L, schema_n_keys, sizeof(const config_setting_t *));
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
    loader_error_not(L, s, "'%s' must be a list ( { ... }, ... )", k->path);
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
  loader_error_not(L, e, "'%s' element %d must be a group { ... }", k->path, i);
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

/* The source line and the count of the lists read element by element
 * into a struct scenario array (nodes, roads, convoys, contingents). */
static int *element_line(struct scenario *sc, int place, size_t i)
{
  switch (place) {
  case REGION_NODE: return &sc->nodes[i].line;
  case REGION_ROAD: return &sc->roads[i].line;
  case REGION_CONVOY: return &sc->convoys[i].line;
  case REGION_FUNDING: return &sc->funding[i].line;
  default: return &sc->force.contingents[i].line;
  }
}

static size_t *element_count(struct scenario *sc, int place)
{
  switch (place) {
  case REGION_NODE: return &sc->n_nodes;
  case REGION_ROAD: return &sc->n_roads;
  case REGION_CONVOY: return &sc->n_convoys;
  case REGION_FUNDING: return &sc->n_funding;
  default: return &sc->force.n_contingents;
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

/* What one kind of list needs besides the shared scaffolding of read_list. */
struct element_kind {
  int place; /* its elements' place (schema.h) */
  /* make room for the n > 0 elements of list; false when out of memory */
  bool (*alloc)(struct loader *L, const config_setting_t *list, int n);
  /* before element i is walked, group or not; may be NULL */
  void (*begin)(struct loader *L, int i, const config_setting_t *e);
  /* read element i: a group at e, its keys walked into given, called `where` */
  void (*read)(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
               const char *where);
  /* after the last element; may be NULL */
  void (*end)(struct loader *L);
};

/* Read the list of ek->place: make room, and for every element begin it,
 * and when it is a group walk its keys and hand them to ek->read. */
static void read_list(struct loader *L, const config_setting_t **given, const struct element_kind *ek)
{
  const struct schema_key *lk = schema_find(REGION_ROOT, schema_place_list(ek->place));
  int n;
  const config_setting_t *list = list_of(L, lk, &n);
  if (list == NULL || n == 0 || !ek->alloc(L, list, n))
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    char where[128];
    if (ek->begin)
      ek->begin(L, i, e);
    if (walk_element(L, e, lk, i, given, where, sizeof where))
      ek->read(L, i, e, given, where);
  }
  if (ek->end)
    ek->end(L);
}

/* ------------------------------------------------------------ elements */

/* Room for n zeroed elements of an element place. */
static bool alloc_elements(struct loader *L, int place, int n)
{
  struct scenario *sc = L->sc;
  size_t m = (size_t)n;
  switch (place) {
  case REGION_NODE:
    sc->nodes = loader_zalloc(L, m, sizeof *sc->nodes);
    L->node_bad = loader_zalloc(L, m, sizeof *L->node_bad);
    return sc->nodes != NULL && L->node_bad != NULL;
  case REGION_ROAD:
    return (sc->roads = loader_zalloc(L, m, sizeof *sc->roads)) != NULL;
  case REGION_CONVOY:
    return (sc->convoys = loader_zalloc(L, m, sizeof *sc->convoys)) != NULL;
  case REGION_FUNDING:
    return (sc->funding = loader_zalloc(L, m, sizeof *sc->funding)) != NULL;
  default:
    return (sc->force.contingents = loader_zalloc(L, m, sizeof *sc->force.contingents)) != NULL;
  }
}

/* Every element counts, with its defaults and its line, even when it is
 * not a group: later references index the array. */
static void *begin_element(struct loader *L, int place, int i, const config_setting_t *e)
{
  void *base = loader_base(L->sc, place, (size_t)i);
  loader_element_defaults(L, place, base);
  *element_count(L->sc, place) = (size_t)i + 1;
  *element_line(L->sc, place, (size_t)i) = (int)config_setting_source_line(e);
  return base;
}

static bool alloc_nodes(struct loader *L, const config_setting_t *list, int n)
{
  (void)list;
  return alloc_elements(L, REGION_NODE, n);
}

static void begin_node(struct loader *L, int i, const config_setting_t *e)
{
  ((struct node *)begin_element(L, REGION_NODE, i, e))->kind = NODE_JUNCTION;
}

static void read_node(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                      const char *where)
{
  void *base = &L->sc->nodes[i];
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

static bool alloc_roads(struct loader *L, const config_setting_t *list, int n)
{
  (void)list;
  return alloc_elements(L, REGION_ROAD, n);
}

static void begin_road(struct loader *L, int i, const config_setting_t *e)
{
  struct road *r = begin_element(L, REGION_ROAD, i, e);
  r->from = r->to = -1;
}

static void read_road(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                      const char *where)
{
  struct scenario *sc = L->sc;
  struct road *r = &sc->roads[i];
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

static bool alloc_convoys(struct loader *L, const config_setting_t *list, int n)
{
  (void)list;
  return alloc_elements(L, REGION_CONVOY, n);
}

static void begin_convoy(struct loader *L, int i, const config_setting_t *e)
{
  (void)begin_element(L, REGION_CONVOY, i, e);
}

static void read_convoy(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                        const char *where)
{
  struct scenario *sc = L->sc;
  struct convoy_schedule *c = &sc->convoys[i];
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
  c->legs = loader_zalloc(L, c->route_len - 1, sizeof *c->legs);
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
    loader_error(L, rs, "'route' must start at a crossing or depot, not at %s '%s'", loader_kind_name(first->kind),
                 first->id);
  if (!last_bad && last->kind != NODE_DISTRIBUTION)
    loader_error(L, rs, "'route' must end at a distribution node, not at %s '%s'", loader_kind_name(last->kind),
                 last->id);
}

static bool alloc_contingents(struct loader *L, const config_setting_t *list, int n)
{
  (void)list;
  return alloc_elements(L, REGION_CONTINGENT, n);
}

static void begin_contingent(struct loader *L, int i, const config_setting_t *e)
{
  (void)begin_element(L, REGION_CONTINGENT, i, e);
}

static void read_contingent(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                            const char *where)
{
  read_keys(L, REGION_CONTINGENT, &L->sc->force.contingents[i], given, e, where, i, true);
  duplicate_id(L, e, REGION_CONTINGENT, i);
}

static bool alloc_funding(struct loader *L, const config_setting_t *list, int n)
{
  (void)list;
  return alloc_elements(L, REGION_FUNDING, n);
}

static void begin_funding(struct loader *L, int i, const config_setting_t *e)
{
  (void)begin_element(L, REGION_FUNDING, i, e);
}

static void read_funding(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                         const char *where)
{
  read_keys(L, REGION_FUNDING, &L->sc->funding[i], given, e, where, i, true);
  duplicate_id(L, e, REGION_FUNDING, i);
}

/* ROE profiles: a built-in's name overrides it key by key; a new name
 * starts from no effect (the defaults). */
static bool alloc_roe(struct loader *L, const config_setting_t *list, int n)
{
  struct scenario *sc = L->sc;
  struct roe_profile *r;
  (void)list;
  r = realloc(sc->roe, (sc->n_roe + (size_t)n) * sizeof *r);
  if (r == NULL) {
    L->nomem = true;
    return false;
  }
  sc->roe = r;
  memset(sc->roe + sc->n_roe, 0, (size_t)n * sizeof *r);
  L->roe_seen = loader_zalloc(L, sc->n_roe + (size_t)n, sizeof *L->roe_seen);
  return L->roe_seen != NULL;
}

static void read_roe(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                     const char *where)
{
  struct scenario *sc = L->sc;
  const struct schema_key *nk = schema_find(REGION_ROE, "name");
  const config_setting_t *ns = given[nk - schema_keys];
  struct value nv;
  (void)i;
  if (ns == NULL) {
    loader_error(L, e, "missing 'name' in %s", where);
    return;
  }
  if (!loader_read_value(L, ns, nk, &nv))
    return;
  int idx = scenario_roe_index(sc, nv.u.s);
  int line = (int)config_setting_source_line(e);
  if (idx >= 0 && L->roe_seen[idx]) {
    loader_error(L, ns, "duplicate ROE profile '%s' (first at line %d)", nv.u.s, L->roe_seen[idx]);
    free(nv.u.s);
    return;
  }
  bool builtin = idx >= 0;
  if (!builtin) {
    idx = (int)sc->n_roe++;
    loader_element_defaults(L, REGION_ROE, &sc->roe[idx]);
    loader_store(&sc->roe[idx], nk, &nv);
  } else {
    free(nv.u.s);
  }
  L->roe_seen[idx] = line > 0 ? line : -1;
  sc->roe[idx].line = line;
  read_keys(L, REGION_ROE, &sc->roe[idx], given, e, where, idx, !builtin);
}

static void end_roe(struct loader *L)
{
  free(L->roe_seen);
  L->roe_seen = NULL;
}


static void read_buildup(struct loader *L)
{
  struct scenario *sc = L->sc;
  const struct schema_key *k = schema_find(REGION_ROOT, "force.buildup");
  const config_setting_t *s = L->root[k - schema_keys];
  if (s == NULL)
    return;
  if (!loader_is_sequence(s)) {
    loader_error_not(L, s, "'force.buildup' must be a list of [day, troops] steps");
    return;
  }
  int n = config_setting_length(s);
  if (n == 0)
    return;
  sc->force.buildup = loader_zalloc(L, (size_t)n, sizeof *sc->force.buildup);
  if (sc->force.buildup == NULL)
    return;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    const config_setting_t *a, *b;
    if (!loader_pair_of(e, &a, &b) || !loader_is_number(a) || !loader_is_number(b) || !(loader_number_of(a) >= 0) || !(loader_number_of(b) >= 0)
        || !isfinite(loader_number_of(a)) || !isfinite(loader_number_of(b))) {
      loader_error_not(L, e, "'force.buildup' steps must be [day, troops] with day >= 0 and troops >= 0");
      continue;
    }
    struct buildup_step st = { loader_number_of(a), loader_number_of(b) };
    if (sc->force.n_buildup > 0 && !(st.day > sc->force.buildup[sc->force.n_buildup - 1].day)) {
      loader_error(L, e, "'force.buildup' days must be ascending, not %g after %g", st.day,
                   sc->force.buildup[sc->force.n_buildup - 1].day);
      continue;
    }
    sc->force.buildup[sc->force.n_buildup++] = st;
  }
}

/* ------------------------------------------------------------ timeline */

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
  c->key = loader_strdup(L, path);
  c->region = (enum region)k->place;
  c->index = index;
  c->offset = k->offset;
  c->line = (int)config_setting_source_line(ks);
  return c->key != NULL;
}

/* A timeline entry { day; set = ( ("KEY", value), ... ); } holds several
 * changes: room for all of them at once. */
static bool alloc_timeline(struct loader *L, const config_setting_t *list, int n)
{
  size_t total = 0;
  for (int i = 0; i < n; i++) {
    const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    const config_setting_t *set = config_setting_type(e) == CONFIG_TYPE_GROUP ? config_setting_get_member(e, "set") : NULL;
    if (set && loader_is_sequence(set))
      total += (size_t)config_setting_length(set);
  }
  L->sc->timeline = loader_zalloc(L, total ? total : 1, sizeof *L->sc->timeline);
  return L->sc->timeline != NULL;
}

static void read_timeline(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                          const char *where)
{
  struct scenario *sc = L->sc;
  const struct schema_key *dk = schema_find(SCHEMA_PLACE_TIMELINE, "day");
  const struct schema_key *sk = schema_find(SCHEMA_PLACE_TIMELINE, "set");
  const config_setting_t *ds = given[dk - schema_keys];
  const config_setting_t *ss = given[sk - schema_keys];
  struct value dv = { .type = VALUE_REAL };
  bool ok = true;
  (void)i;
  if (ds == NULL) {
    loader_error(L, e, "missing 'day' in %s", where);
    ok = false;
  } else if (!loader_read_value(L, ds, dk, &dv)) {
    ok = false;
  }
  if (ss == NULL) {
    loader_error(L, e, "missing 'set' in %s", where);
    return;
  }
  if (!loader_is_sequence(ss)) {
    loader_error_not(L, ss, "'set' must be a list of (\"KEY\", value) pairs");
    return;
  }
  int m = config_setting_length(ss);
  for (int j = 0; j < m; j++) {
    const config_setting_t *pair = config_setting_get_elem(ss, (unsigned)j);
    const config_setting_t *ks, *vs;
    if (!loader_pair_of(pair, &ks, &vs) || config_setting_type(ks) != CONFIG_TYPE_STRING) {
      loader_error_not(L, pair, "'set' must hold (\"KEY\", value) pairs");
      continue;
    }
    struct timeline_change c = { .day = dv.u.r };
    if (read_change(L, ks, vs, &c, "in a timeline") && ok)
      sc->timeline[sc->n_timeline++] = c;
    else
      scenario_change_release(&c);
  }
}

/* Changes apply in day order, those of one day in reading order. */
static void end_timeline(struct loader *L)
{
  struct scenario *sc = L->sc;
  for (size_t i = 1; i < sc->n_timeline; i++) { /* stable insertion sort */
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

static bool alloc_sweep(struct loader *L, const config_setting_t *list, int n)
{
  (void)list;
  L->sc->sweep.vary = loader_zalloc(L, (size_t)n, sizeof *L->sc->sweep.vary);
  return L->sc->sweep.vary != NULL;
}

static void free_factor(struct sweep_factor *f)
{
  free(f->key);
  for (size_t j = 0; j < f->n_values; j++)
    if (f->values[j].type == VALUE_STRING)
      free(f->values[j].u.s);
  free(f->values);
}

/* A factor { key; values = [...]; } or { key; min; max; }; kept only when
 * every part of it is valid. */
static void read_factor(struct loader *L, int i, const config_setting_t *e, const config_setting_t **given,
                        const char *where)
{
  struct scenario *sc = L->sc;
  const struct schema_key *kk = schema_find(SCHEMA_PLACE_VARY, "key");
  const config_setting_t *ks = given[kk - schema_keys];
  const config_setting_t *vs = given[schema_find(SCHEMA_PLACE_VARY, "values") - schema_keys];
  const config_setting_t *mins = given[schema_find(SCHEMA_PLACE_VARY, "min") - schema_keys];
  const config_setting_t *maxs = given[schema_find(SCHEMA_PLACE_VARY, "max") - schema_keys];
  (void)i;
  if (ks == NULL) {
    loader_error(L, e, "missing 'key' in %s", where);
    return;
  }
  if (config_setting_type(ks) != CONFIG_TYPE_STRING) {
    loader_bad_value(L, ks, kk);
    return;
  }
  const char *path = config_setting_get_string(ks);
  const struct schema_key *k;
  size_t index;
  if (!loader_resolve_path(L, ks, path, &k, &index))
    return;
  if (k->flags & SCHEMA_FIXED) {
    loader_error(L, ks, "'%s' cannot be varied: ids, kinds, routes, road ends, lists, seed and replications are fixed",
                 path);
    return;
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
    return;
  }
  if (vs != NULL) {
    int m = loader_is_sequence(vs) ? config_setting_length(vs) : 0;
    if (m == 0) {
      loader_error_not(L, vs, "'values' must be a non-empty list of values of '%s'", path);
      return;
    }
    f.values = loader_zalloc(L, (size_t)m, sizeof *f.values);
    if (f.values == NULL)
      return;
    for (int j = 0; j < m; j++) {
      if (loader_read_value(L, config_setting_get_elem(vs, (unsigned)j), k, &f.values[f.n_values]))
        f.n_values++;
      else
        ok = false;
    }
  } else if (mins != NULL && maxs != NULL) {
    if (k->type != SCHEMA_INT && k->type != SCHEMA_REAL) {
      loader_error(L, e, "'%s' is not a number: give 'values' instead of 'min' and 'max'", path);
      return;
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
    return;
  }
  f.key = loader_strdup(L, path);
  if (ok && f.key != NULL)
    sc->sweep.vary[sc->sweep.n_vary++] = f;
  else
    free_factor(&f);
}

/* ------------------------------------------------------------ the root */

static const struct element_kind roe_list = { REGION_ROE, alloc_roe, NULL, read_roe, end_roe };
static const struct element_kind node_list = { REGION_NODE, alloc_nodes, begin_node, read_node, NULL };
static const struct element_kind road_list = { REGION_ROAD, alloc_roads, begin_road, read_road, NULL };
static const struct element_kind convoy_list = { REGION_CONVOY, alloc_convoys, begin_convoy, read_convoy, NULL };
static const struct element_kind contingent_list = { REGION_CONTINGENT, alloc_contingents, begin_contingent,
                                                     read_contingent, NULL };
static const struct element_kind funding_list = { REGION_FUNDING, alloc_funding, begin_funding, read_funding,
                                                  NULL };
static const struct element_kind timeline_list = { SCHEMA_PLACE_TIMELINE, alloc_timeline, NULL, read_timeline,
                                                   end_timeline };
static const struct element_kind sweep_list = { SCHEMA_PLACE_VARY, alloc_sweep, NULL, read_factor, NULL };

/* Schema order, then element order. */
static int default_order(const void *a, const void *b)
{
  const struct scenario_default *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

void loader_read(struct loader *L, config_t *cfg)
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
  read_list(L, given, &roe_list);
  read_list(L, given, &node_list);
  read_list(L, given, &road_list);
  read_list(L, given, &convoy_list);
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
  read_list(L, given, &contingent_list);
  read_list(L, given, &funding_list);
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
  read_list(L, given, &timeline_list);
  read_list(L, given, &sweep_list);
  qsort(sc->defaults, sc->n_defaults, sizeof *sc->defaults, default_order);
  free(given);
}
