/* force.c - troops over time, team pools, ROE order (force.h). */
#include "convoysim/force.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

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

void force_task_troops(const struct force *f, double troops, const bool *present, double out[TASK_COUNT])
{
  double w = 0;
  for (size_t i = 0; i < f->n_contingents; i++)
    w += f->contingents[i].troops;
  for (int x = 0; x < TASK_COUNT; x++) {
    double may = 0;
    bool all = true;
    if (f->n_contingents == 0 || !(w > 0)) {
      out[x] = f->n_contingents == 0 ? troops : 0.0;
      continue;
    }
    for (size_t i = 0; i < f->n_contingents; i++) {
      bool in = (present == NULL || present[i]) && (f->contingents[i].tasks & (1u << x));
      all = all && in;
      if (in)
        may += f->contingents[i].troops;
    }
    out[x] = all ? troops : troops * may / w;
  }
}

double force_contingent_troops(const struct force *f, size_t i, double troops)
{
  double w = 0;
  if (f->n_contingents == 0)
    return troops;
  for (size_t j = 0; j < f->n_contingents; j++)
    w += f->contingents[j].troops;
  return w > 0 ? troops * f->contingents[i].troops / w : 0.0;
}

void force_pools_of(const struct force *f, const double t[TASK_COUNT], double road_km, struct force_pools *out)
{
  double cover;
  if (!f->present) {
    *out = (struct force_pools){ 0, 0, 0, 0.0, 0, 0 };
    return;
  }
  out->escort = teams(t[TASK_ESCORT] * f->available, f->share_escort, f->escort_team_size);
  out->patrol = teams(t[TASK_PATROL] * f->available, f->share_patrol, f->patrol_team_size);
  out->qrf = teams(t[TASK_QRF] * f->available, f->share_qrf, f->qrf_team_size);
  out->disarm = teams(t[TASK_DISARM] * f->available, f->share_disarm, f->disarm_team_size);
  out->train = teams(t[TASK_TRAIN] * f->available, f->share_train, f->train_team_size);
  cover = road_km > 0 ? out->patrol * f->patrol_km_per_team / road_km : 0.0;
  out->coverage = cover > 1.0 ? 1.0 : cover;
}

void force_pools(const struct force *f, double troops, double road_km, struct force_pools *out)
{
  double t[TASK_COUNT];
  force_task_troops(f, troops, NULL, t);
  force_pools_of(f, t, road_km, out);
}

int force_less_permissive(const struct scenario *sc, int a, int b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return sc->roe[b].level < sc->roe[a].level ? b : a;
}

double force_transit_h(const struct scenario *sc, const struct convoy_schedule *s, double t_h)
{
  double from = sc->movement.window_h.from, to = sc->movement.window_h.to, t = t_h;
  bool all = from <= 0.0 && to >= 24.0;
  for (size_t j = 0; j + 1 < s->route_len; j++) {
    const struct road *r = &sc->roads[s->legs[j]];
    double v = dist_mean(&r->kmh), drive = v > 0 ? r->km / v : 0.0;
    if (!all) {
      double dd = floor(t / 24.0), hod = t - 24.0 * dd;
      bool go = hod >= from && hod < to && (hod + drive <= to || (hod == from && drive > to - from));
      if (!go)
        t = 24.0 * (hod < from ? dd : dd + 1.0) + from;
    }
    t += drive;
  }
  return t - t_h;
}

/* The fewest troops on the ground whose pool of a task holds n teams. */
static double troops_for(const struct force *f, int n, double share, int team_size)
{
  double t;
  if (n <= 0)
    return 0.0;
  if (!(share > 0) || !(f->available > 0) || team_size <= 0)
    return INFINITY;
  t = ceil((n - 1e-9) * team_size / (f->available * share));
  while (t > 1 && teams((t - 1) * f->available, share, team_size) >= n)
    t -= 1;
  while (teams(t * f->available, share, team_size) < n)
    t += 1;
  return t;
}

/* The 99th percentile of a Poisson count of mean mu. */
static double poisson_q99(double mu)
{
  unsigned k = 0;
  while (gsl_cdf_poisson_P(k, mu) < 0.99 && k < 100000000u)
    k++;
  return (double)k;
}

void force_saturation(const struct scenario *sc, struct force_saturation *out)
{
  const struct force *f = &sc->force;
  double offered = 0, attacks = 0, hold = dist_mean(&sc->threats.armed.duration_h);
  double policing = 1.0 - sc->threats.policing.effect * sc->threats.policing.level;
  double horizon = sc->horizon_days * 24.0;
  int esc = 0, qrf = 0;
  for (size_t i = 0; i < sc->n_convoys; i++) {
    const struct convoy_schedule *s = &sc->convoys[i];
    double step = s->every_h > 0 ? s->every_h : s->has_interarrival ? dist_mean(&s->interarrival_h) : 0.0;
    double transit = force_transit_h(sc, s, s->depart_h), armed_h = 0, at_once;
    for (size_t j = 0; j + 1 < s->route_len; j++) {
      const struct road *r = &sc->roads[s->legs[j]];
      double v = dist_mean(&r->kmh);
      armed_h += v > 0 ? r->armed_per_h * r->km / v : 0.0;
    }
    if (s->depart_h >= horizon)
      continue;
    if (!(step > 0))
      at_once = 1;
    else if (s->every_h > 0)
      at_once = ceil(transit / step - 1e-9);
    else
      at_once = poisson_q99(transit / step);
    if (at_once < 1)
      at_once = 1;
    if (s->count != SCENARIO_UNLIMITED && at_once > (double)s->count)
      at_once = (double)s->count;
    esc += (int)at_once * s->escort_teams;
    /* attacks per hour of this schedule: convoys per hour x attacks per convoy */
    attacks += (step > 0 ? 1.0 / step : 1.0 / (horizon > 0 ? horizon : 1.0)) * armed_h *
               sc->threats.armed.rate_multiplier * (policing > 0 ? policing : 0.0);
  }
  if (f->escort_policy != ESCORT_WAIT)
    esc = 0;
  offered = attacks * (hold > 0 ? hold : 0.0);
  if (f->n_qrf_bases > 0 && attacks > 0) {
    double b = 1.0; /* Erlang B by its recursion: B(n) = a B(n-1) / (n + a B(n-1)) */
    for (qrf = 0; b >= 0.01 && qrf < 1000000; qrf++)
      b = offered * b / (qrf + 1 + offered * b);
  }
  out->escort_teams = esc;
  out->escort_troops = troops_for(f, esc, f->share_escort, f->escort_team_size);
  out->patrol_teams = f->patrol_km_per_team > 0 ? (int)ceil(sc->total_road_km / f->patrol_km_per_team - 1e-9) : 0;
  out->patrol_troops = troops_for(f, out->patrol_teams, f->share_patrol, f->patrol_team_size);
  out->qrf_teams = qrf;
  out->qrf_troops = troops_for(f, qrf, f->share_qrf, f->qrf_team_size);
  out->attacks_per_h = attacks;
}

double force_troops_max(const struct force *f)
{
  double t = f->troops;
  for (size_t i = 0; i < f->n_buildup; i++)
    if (f->buildup[i].troops > t)
      t = f->buildup[i].troops;
  return t;
}

unsigned force_past_useful(const struct scenario *sc, double troops, const struct force_saturation *z)
{
  const struct force *f = &sc->force;
  struct force_pools p;
  unsigned m = 0;
  if (!f->present)
    return 0;
  force_pools(f, troops, sc->total_road_km, &p);
  if (p.escort > z->escort_teams)
    m |= FORCE_PAST_ESCORT;
  if (p.patrol > z->patrol_teams)
    m |= FORCE_PAST_PATROL;
  if (p.qrf > z->qrf_teams)
    m |= FORCE_PAST_QRF;
  /* disarm and train teams always do more: a force with them is never past every task */
  if ((m & FORCE_PAST_ESCORT || !(f->share_escort > 0)) && (m & FORCE_PAST_PATROL || !(f->share_patrol > 0)) &&
      (m & FORCE_PAST_QRF || !(f->share_qrf > 0)) && m != 0 && !(f->share_disarm > 0) && !(f->share_train > 0))
    m |= FORCE_PAST_ALL;
  return m;
}
