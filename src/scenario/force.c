/* force.c - troops over time, team pools, ROE order (force.h). */
#include "convoysim/force.h"

#include <math.h>

double force_troops_at(const struct force *f, double t_h)
{
  double tr = f->troops;
  for (size_t i = 0; i < f->n_buildup; i++)
    if (t_h >= f->buildup[i].day * 24.0)
      tr = f->buildup[i].troops;
  return tr;
}

static int teams(double on, double share, int team_size)
{
  return team_size > 0 ? (int)floor(on * share / team_size + 1e-9) : 0;
}

void force_pools(const struct force *f, double troops, double road_km, struct force_pools *out)
{
  double on = troops * f->available, cover;
  if (!f->present) {
    *out = (struct force_pools){ 0, 0, 0, 0.0 };
    return;
  }
  out->escort = teams(on, f->share_escort, f->escort_team_size);
  out->patrol = teams(on, f->share_patrol, f->patrol_team_size);
  out->qrf = teams(on, f->share_qrf, f->qrf_team_size);
  cover = road_km > 0 ? out->patrol * f->patrol_km_per_team / road_km : 0.0;
  out->coverage = cover > 1.0 ? 1.0 : cover;
}

int force_less_permissive(const struct scenario *sc, int a, int b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return sc->roe[b].level < sc->roe[a].level ? b : a;
}
