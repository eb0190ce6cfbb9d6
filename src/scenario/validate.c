/*
 * validate.c - the loader's validation layer: the rules that tie keys
 * together (task shares, deny_p + impede_p, roads against the movement
 * window, counts against the horizon, ...), checked on a loaded scenario,
 * after each day of its timeline, and after every in-memory change
 * (scenario_set).
 *
 * The one rule: a rule is checked here once, on the struct scenario, so a
 * file, a --set, a timeline day and a sweep value all meet the same rule
 * with the same message.
 */
#include "loader.h"

#include "convoysim/force.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
    const struct force *fo = &sc->force;
    double sum = fo->share_escort + fo->share_patrol + fo->share_qrf + fo->share_disarm + fo->share_train;
    if (sum > 1.0 + 1e-12) {
      if (fo->share_disarm > 0 || fo->share_train > 0)
        report(d, bare, root_file(L, sc, "force.share.escort"), root_line(L, "force.share.escort"),
               "'force.share' escort + patrol + qrf + disarm + train must be <= 1, not %g (%g + %g + %g + %g + %g)",
               sum, fo->share_escort, fo->share_patrol, fo->share_qrf, fo->share_disarm, fo->share_train);
      else
        report(d, bare, root_file(L, sc, "force.share.escort"), root_line(L, "force.share.escort"),
               "'force.share' escort + patrol + qrf must be <= 1, not %g (%g + %g + %g)", sum,
               fo->share_escort, fo->share_patrol, fo->share_qrf);
    }
    if (fo->n_contingents > SCENARIO_MAX_CONTINGENTS)
      report(d, bare, root_file(L, sc, "force.contingents"), root_line(L, "force.contingents"),
             "'force.contingents' may have at most %d contingents, not %zu", SCENARIO_MAX_CONTINGENTS,
             fo->n_contingents);
    /* every funding entry pays for someone */
    for (size_t i = 0; i < sc->n_funding; i++) {
      const struct funding *fu = &sc->funding[i];
      bool pays = fo->n_contingents == 0 && fu->payer != NULL && strcmp(fu->payer, "force") == 0;
      for (size_t j = 0; j < fo->n_contingents && !pays; j++)
        pays = fo->contingents[j].payer != NULL && fu->payer != NULL &&
               strcmp(fo->contingents[j].payer, fu->payer) == 0;
      if (!pays)
        report(d, bare, L ? L->file : f, fu->line,
               fo->n_contingents == 0 ? "funding payer '%s' pays for nothing: without force.contingents the only "
                                        "payer is \"force\""
                                      : "funding payer '%s' pays for nothing: no contingent names it as its payer",
               fu->payer ? fu->payer : "?");
    }
    double most = sc->force.troops;
    for (size_t i = 0; i < sc->force.n_buildup; i++)
      if (sc->force.buildup[i].troops > most)
        most = sc->force.buildup[i].troops;
    struct force_pools p;
    force_pools(&sc->force, most, sc->total_road_km, &p);
    const char *at = root_line(L, "force.share.qrf") > 0 ? "force.share.qrf" : "force.troops";
    if (p.qrf >= 1 && sc->force.n_qrf_bases == 0)
      report(d, bare, root_file(L, sc, at), root_line(L, at),
               "missing 'force.qrf.bases': the force has up to %d QRF teams (set force.share.qrf = 0 for none)", p.qrf);
  }
  if (!sc->force.present && sc->n_funding > 0)
    report(d, bare, root_file(L, sc, "funding"), root_line(L, "funding"),
           "'funding' without a force: there is nothing to pay for");
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


void loader_validate(struct loader *L)
{
  size_t before = diag_count(L->d);
  validate(L->sc, L->d, L, false);
  if (diag_count(L->d) == before)
    validate_timeline(L);
}
