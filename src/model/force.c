/*
 * force.c - the force during a replication (SPEC 3.7, 4.2, 4.8): team pools
 * and patrol coverage for the troops on the ground now, the ROE its teams
 * act under, QRF teams out, and the rate at which it costs.  Owns struct
 * force_state.
 *
 * The one rule: pools come from force_pools() (force.h), the function
 * `convoysim check` and validation use, so every figure agrees.  Busy
 * teams are counted here; the rooms that use them (convoy.c for escorts,
 * threat.c for the QRF) take and free them.
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
  fs->patrol_deter = sc->n_roe > 0 ? sc->roe[fs->roe].patrol_deter : 0.0;
  fs->cont_troops = 0;
  if (sc->force.n_contingents > 0) {
    double w = 0, pd = 0;
    for (size_t i = 0; i < sc->force.n_contingents; i++) {
      const struct contingent *ct = &sc->force.contingents[i];
      fs->cont_roe[i] = ct->roe_cap >= 0 ? force_less_permissive(sc, fs->roe, ct->roe_cap) : fs->roe;
      w += ct->troops;
      pd += ct->troops * sc->roe[fs->cont_roe[i]].patrol_deter;
    }
    fs->cont_troops = w;
    if (w > 0)
      fs->patrol_deter = pd / w;
  }
}

void force_account(struct model_ws *ws, double now)
{
  struct force_state *fs = &ws->fs;
  double a = fs->acct_t > ws->m->warmup ? fs->acct_t : ws->m->warmup;
  double b = now < ws->m->horizon ? now : ws->m->horizon;
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

void force_update(struct model_ws *ws, double t)
{
  const struct force *f = &ws->sc->force;
  struct force_state *fs = &ws->fs;
  struct force_pools p;
  double troops = force_troops_at(f, t);
  force_account(ws, t);
  force_pools(f, troops, ws->sc->total_road_km, &p);
  fs->esc_pool = p.escort;
  fs->pat_pool = p.patrol;
  fs->qrf_pool = p.qrf;
  fs->troops = f->present ? troops : 0.0;
  fs->tasked = (double)p.escort * f->escort_team_size + (double)p.patrol * f->patrol_team_size +
               (double)p.qrf * f->qrf_team_size;
  fs->cost_rate = f->present ? troops * f->cost_per_troop_day / 24.0 : 0.0;
  fs->patrol_factor = f->present ? 1.0 - fs->patrol_deter * p.coverage : 1.0;
}

void force_reset(struct model_ws *ws)
{
  struct force_state *fs = &ws->fs;
  fs->esc_busy = fs->qrf_busy = 0;
  fs->esc_pool = fs->pat_pool = fs->qrf_pool = 0;
  fs->troops = fs->tasked = 0;
  fs->acct_t = 0;
  fs->busy_int = fs->pool_int = fs->tasked_int = fs->troops_int = 0;
}

/* A team drawn among the contingents in proportion to their troops. */
static size_t draw_contingent(const struct model_ws *ws, gsl_rng *r)
{
  const struct scenario *sc = ws->sc;
  double u = gsl_rng_uniform(r) * ws->fs.cont_troops, acc = 0;
  size_t j = 0;
  for (; j + 1 < sc->force.n_contingents; j++) {
    acc += sc->force.contingents[j].troops;
    if (u < acc)
      break;
  }
  return j;
}

int force_escort_roe(struct model_ws *ws, int teams, gsl_rng *r)
{
  const struct scenario *sc = ws->sc;
  const struct force_state *fs = &ws->fs;
  int worst = -1;
  if (teams <= 0)
    return -1;
  if (sc->force.n_contingents == 0 || !(fs->cont_troops > 0))
    return fs->roe;
  for (int t = 0; t < teams; t++)
    worst = force_less_permissive(sc, worst, fs->cont_roe[draw_contingent(ws, r)]);
  return worst;
}

bool force_qrf_free(const struct model_ws *ws)
{
  return ws->sc->force.present && ws->fs.qrf_pool - ws->fs.qrf_busy > 0;
}

int force_qrf_roe(struct model_ws *ws, gsl_rng *r)
{
  const struct scenario *sc = ws->sc;
  if (sc->force.n_contingents == 0 || !(ws->fs.cont_troops > 0))
    return ws->fs.roe;
  return ws->fs.cont_roe[draw_contingent(ws, r)];
}
