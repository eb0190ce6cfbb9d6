/*
 * defaults.c - the loader's defaults layer: the documented default of every
 * key (schema.h) applied to a new scenario or list element, a scenario's
 * starting point (scenario_init) and its release.
 *
 * The one rule: defaults are written in the schema in libconfig syntax and
 * read by the value layer's own reader, so the documented default is the
 * applied one; scenario_check_default() proves each of them valid.
 */
#include "loader.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
void loader_element_defaults(struct loader *L, int place, void *base)
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
        struct funding f;
      } scratch;
      memset(&scratch, 0, sizeof scratch);
      apply_defaults_of(sc, place, &scratch);
      for (size_t j = i; j < schema_n_keys; j++)
        if (schema_keys[j].place == place && schema_keys[j].def && schema_keys[j].type < SCHEMA_NODES
            && schema_keys[j].type != SCHEMA_STRING && schema_keys[j].type != SCHEMA_NAME) {
          loader_fetch(&scratch, &schema_keys[j], &L->defs[j]);
          L->def_state[j] = 1;
        }
      for (size_t j = 0; j < schema_n_keys; j++) /* the scratch's own strings */
        if (schema_keys[j].place == place && schema_keys[j].def &&
            (schema_keys[j].type == SCHEMA_STRING || schema_keys[j].type == SCHEMA_NAME)) {
          char **str = (char **)(void *)((char *)&scratch + schema_keys[j].offset);
          free(*str);
          *str = NULL;
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
    ((struct contingent *)base)->cost_per_troop_day = NAN; /* the force's */
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
  sc->ceasefire.war_multiplier = NAN; /* not given: it follows tension_multiplier */
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
  for (size_t i = 0; i < sc->force.n_contingents; i++) {
    free(sc->force.contingents[i].name);
    free(sc->force.contingents[i].payer);
  }
  free(sc->force.contingents);
  for (size_t i = 0; i < sc->n_funding; i++)
    free(sc->funding[i].payer);
  free(sc->funding);
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


enum err scenario_check_default(const struct schema_key *k, struct diag *d)
{
  char label[160], why[256];
  struct scenario sc;
  config_t cfg;
  struct value v;
  size_t before = diag_count(d);
  enum err e = ERR_OK;

  if (k->def == NULL || k->type >= SCHEMA_NODES)
    return ERR_OK;
  snprintf(label, sizeof label, "(default of '%s')", k->path);
  scenario_init(&sc); /* the built-in ROE profiles, for ROE references */
  struct loader L = { .sc = &sc, .d = d, .file = label };
  config_init(&cfg);
  const config_setting_t *s = loader_parse_text(&cfg, k->def, why, sizeof why);
  if (s == NULL) {
    diag_add(d, label, 0, "cannot read '%s': %s", k->def, why);
  } else if (loader_read_value(&L, s, k, &v)) {
    if (v.type == VALUE_STRING)
      free(v.u.s);
  }
  config_destroy(&cfg);
  scenario_release(&sc);
  if (diag_count(d) > before || L.nomem)
    e = L.nomem ? ERR_NOMEM : ERR_SCENARIO;
  return e;
}
