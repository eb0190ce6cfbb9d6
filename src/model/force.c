/*
 * force.c - the force during a replication (SPEC 3.7, 4.2, 4.8, 4.9): team
 * pools and patrol coverage for the troops on the ground now, the ROE its
 * teams act under, QRF teams out, and the rate at which it costs.  Owns
 * struct force_state.
 *
 * The one rule: pools come from force_task_troops() and force_pools_of()
 * (force.h), the functions `convoysim check` and validation use, so every
 * figure agrees.  A task's pool comes from the contingents present that
 * may do it (mandate.c says who is present), and its teams are drawn among
 * them in proportion to their troops.  Busy teams are counted here; the
 * rooms that use them (convoy.c for escorts, threat.c for the QRF) take and
 * free them.
 */
#include "model_int.h"

#include <stdlib.h>

#include "convoysim/force.h"

enum err force_new(struct model_ws *ws)
{
  ws->fs.cont_roe = malloc((ws->m->sc->force.n_contingents + 1) * sizeof *ws->fs.cont_roe);
  return ws->fs.cont_roe != NULL ? ERR_OK : ERR_NOMEM;
}

void force_free(struct model_ws *ws)
{
  free(ws->fs.cont_roe);
}

void force_derive(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  struct force_state *fs = &ws->fs;
  fs->roe = sc->force.roe >= 0 && (size_t)sc->force.roe < sc->n_roe ? sc->force.roe : 0;
  for (size_t i = 0; i < sc->force.n_contingents; i++) {
    const struct contingent *ct = &sc->force.contingents[i];
    fs->cont_roe[i] = ct->roe_cap >= 0 ? force_less_permissive(sc, fs->roe, ct->roe_cap) : fs->roe;
  }
}

void force_account(struct model_ws *ws, double now)
{
  struct force_state *fs = &ws->fs;
  double a = fs->acct_t > ws->m->warmup ? fs->acct_t : ws->m->warmup;
  double b = now < ws->m->horizon ? now : ws->m->horizon;
  ledger_account(ws, now);
  if (b > a) {
    double dt = b - a;
    fs->busy_int += fs->esc_busy * dt;
    fs->pool_int += fs->esc_pool * dt;
    fs->tasked_int += fs->tasked * dt;
    fs->troops_int += fs->troops * dt;
  }
  if (now > fs->acct_t)
    fs->acct_t = now;
}

/* The troop-weighted mean of v(ROE) over the contingents present that may
 * do task x; the force ROE's when there are none or no such troops. */
static double weighted(const struct model_ws *ws, enum task x, double (*v)(const struct roe_profile *))
{
  const struct scenario *sc = ws->sc;
  double w = 0, sum = 0;
  for (size_t i = 0; i < sc->force.n_contingents; i++) {
    const struct contingent *ct = &sc->force.contingents[i];
    if (!ws->md.present[i] || !(ct->tasks & (1u << x)))
      continue;
    w += ct->troops;
    sum += ct->troops * v(&sc->roe[ws->fs.cont_roe[i]]);
  }
  return w > 0 ? sum / w : v(&sc->roe[ws->fs.roe]);
}

static double patrol_deter_of(const struct roe_profile *r) { return r->patrol_deter; }
static double engage_armed_of(const struct roe_profile *r) { return r->engage_armed; }

void force_update(struct model_ws *ws, double t)
{
  const struct force *f = &ws->sc->force;
  struct force_state *fs = &ws->fs;
  struct force_pools p;
  double troops = force_troops_at(f, t), task[TASK_COUNT];
  force_account(ws, t);
  force_task_troops(f, troops, f->n_contingents > 0 ? ws->md.present : NULL, task);
  if (f->n_contingents == 0 && !ws->md.present[0])
    for (int x = 0; x < TASK_COUNT; x++)
      task[x] = 0; /* the one contingent "force" has left (its budget) */
  force_pools_of(f, task, ws->sc->total_road_km, &p);
  fs->esc_pool = p.escort;
  fs->pat_pool = p.patrol;
  fs->qrf_pool = p.qrf;
  fs->dis_pool = p.disarm;
  fs->trn_pool = p.train;
  /* troops on the ground, and what they cost */
  double on = 0, rate = 0;
  if (f->n_contingents == 0) {
    on = ws->md.present[0] ? troops : 0.0;
    rate = on * f->cost_per_troop_day / 24.0;
  } else {
    bool all = true;
    for (size_t i = 0; i < f->n_contingents; i++) {
      const struct contingent *ct = &f->contingents[i];
      double ti = ws->md.present[i] ? force_contingent_troops(f, i, troops) : 0.0;
      double c = isnan(ct->cost_per_troop_day) ? f->cost_per_troop_day : ct->cost_per_troop_day;
      all = all && ws->md.present[i];
      on += ti;
      rate += ti * c / 24.0;
    }
    if (all)
      on = troops;
  }
  fs->troops = f->present ? on : 0.0;
  ledger_set_rates(ws, troops);
  fs->tasked = (double)p.escort * f->escort_team_size + (double)p.patrol * f->patrol_team_size +
               (double)p.qrf * f->qrf_team_size + (double)p.disarm * f->disarm_team_size +
               (double)p.train * f->train_team_size;
  fs->cost_rate = f->present ? rate : 0.0;
  fs->patrol_deter = f->n_contingents > 0 ? weighted(ws, TASK_PATROL, patrol_deter_of)
                                          : ws->sc->roe[fs->roe].patrol_deter;
  fs->disarm_engage = f->n_contingents > 0 ? weighted(ws, TASK_DISARM, engage_armed_of)
                                           : ws->sc->roe[fs->roe].engage_armed;
  fs->patrol_factor = f->present ? 1.0 - fs->patrol_deter * p.coverage : 1.0;
}

void force_reset(struct model_ws *ws)
{
  struct force_state *fs = &ws->fs;
  fs->esc_busy = fs->qrf_busy = 0;
  fs->esc_pool = fs->pat_pool = fs->qrf_pool = fs->dis_pool = fs->trn_pool = 0;
  fs->troops = fs->tasked = 0;
  fs->acct_t = 0;
  fs->busy_int = fs->pool_int = fs->tasked_int = fs->troops_int = 0;
}

size_t force_draw_contingent(const struct model_ws *ws, enum task task, gsl_rng *r)
{
  const struct scenario *sc = ws->sc;
  size_t n = sc->force.n_contingents, last = 0;
  double w = 0, acc = 0, u;
  if (n == 0)
    return 0;
  for (size_t j = 0; j < n; j++)
    if (ws->md.present[j] && (sc->force.contingents[j].tasks & (1u << task))) {
      w += sc->force.contingents[j].troops;
      last = j;
    }
  u = gsl_rng_uniform(r) * w;
  for (size_t j = 0; j < last; j++) {
    if (!ws->md.present[j] || !(sc->force.contingents[j].tasks & (1u << task)))
      continue;
    acc += sc->force.contingents[j].troops;
    if (u < acc)
      return j;
  }
  return last;
}

int force_escort_roe(struct model_ws *ws, int teams, gsl_rng *r, int *cont)
{
  const struct scenario *sc = ws->sc;
  const struct force_state *fs = &ws->fs;
  int worst = -1;
  *cont = 0;
  if (teams <= 0 || !sc->force.present)
    return -1;
  if (sc->force.n_contingents == 0)
    return fs->roe;
  for (int t = 0; t < teams; t++) {
    size_t j = force_draw_contingent(ws, TASK_ESCORT, r);
    int e = force_less_permissive(sc, worst, fs->cont_roe[j]);
    if (e != worst) { /* a strictly less permissive one (ties keep the first) */
      worst = e;
      *cont = (int)j;
    }
  }
  return worst;
}

bool force_qrf_free(const struct model_ws *ws)
{
  return ws->sc->force.present && ws->fs.qrf_pool - ws->fs.qrf_busy > 0;
}

int force_qrf_roe(struct model_ws *ws, gsl_rng *r, int *cont)
{
  const struct scenario *sc = ws->sc;
  *cont = 0;
  if (sc->force.n_contingents == 0)
    return ws->fs.roe;
  *cont = (int)force_draw_contingent(ws, TASK_QRF, r);
  return ws->fs.cont_roe[*cont];
}
