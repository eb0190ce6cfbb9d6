/*
 * model.c - the convoy-security model (SPEC sections 3-4): one replication
 * of a scenario, as a discrete-event simulation on the event calendar.
 *
 * The one rule: every random draw comes from a stream named by what it is
 * for (stream.h), so replication r of two design points shares its supply,
 * inspection, coordination, ceasefire and per-convoy threat draws (common
 * random numbers).  Per-convoy streams are keyed by (source, schedule,
 * departure number): a change of force changes when a convoy meets trouble
 * (its hazard rates), never which numbers its clocks consume.
 *
 * Design, exact and without per-truck events:
 *  - Crossings are exogenous to the convoys (cleared loads wait in an
 *    unbounded buffer), and ceasefire halts are drawn for the whole horizon
 *    at the start of a replication, so each crossing's FIFO multi-lane queue
 *    is evaluated lazily, truck by truck in arrival order, whenever a convoy
 *    asks for loads or a midnight reads the backlog: service start =
 *    max(arrival, earliest free lane, previous start) moved to the next
 *    instant that is open, on an open weekday, not halted and under the
 *    daily cap.  Batch arrivals are stored as runs (time, count).
 *  - Hazards use the exponential-clock method: each convoy keeps a unit-rate
 *    Exp(1) "remaining integrated hazard" per threat, consumed at the current
 *    rate; when any multiplier changes (halt, escalation, midnight
 *    desperation, force build-up) the clocks are consumed up to now and the
 *    next incident rescheduled.  One event per incident, exact for
 *    piecewise-constant rates.
 *  - A replication allocates nothing once the workspace has grown to the
 *    largest queue, convoy count and halt list seen (growth by doubling).
 *
 * Choices where SPEC leaves room (documented in docs too):
 *  - The fleet is one pool (trucks return to the start node, and any start
 *    node's convoys may use them).
 *  - A convoy waits only for escort teams that exist: it asks for
 *    min(escort_teams, teams in the pool now); with no teams it does not wait.
 *  - Attackers A = max(1, party draw).  force_harm is drawn for every
 *    engagement (armed and crowd); the QRF acts under force.roe.
 *  - Daily records (one per distribution node) are written at every
 *    midnight up to the first one at or after the horizon, and on while any
 *    convoy is alive, so up to the day the last convoy ends if that is later.
 *  - Timeline changes (SPEC 3.10) are applied to the workspace's private
 *    copy of the scenario; crossings are never evaluated past the next
 *    change, and a Poisson supply clock is rescaled (memoryless) when its
 *    rate changes.  Ceasefire keys and road km are refused in a timeline
 *    (violations are drawn at time 0; km fixes the QRF distances).
 */
#include "convoysim/model.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "convoysim/calendar.h"
#include "convoysim/dist.h"
#include "convoysim/stream.h"

/* ---------------------------------------------------------------- streams */

enum { /* global and per-node / per-schedule sources (SPEC 5) */
  SRC_CEASEFIRE = 1,
  SRC_SUPPLY = 0x1000,     /* + crossing node */
  SRC_INSPECT = 0x2000,    /* + crossing node */
  SRC_TRANSFER = 0x3000,   /* + crossing node */
  SRC_COORD = 0x4000,      /* + schedule */
  SRC_INTERARR = 0x5000    /* + schedule */
};

enum crs { /* per-convoy sources, keyed with (schedule, number) */
  CRS_SPEED, CRS_ARMED, CRS_CROWD, CRS_ENGAGE, CRS_LOSS, CRS_QRF, CRS_HOLD, CRS_COUNT
};

static uint64_t convoy_source(int kind, int sched, long number)
{
  return ((uint64_t)(kind + 1) << 56) | ((uint64_t)(unsigned)sched << 32) |
         (uint64_t)(uint32_t)number;
}

/* ----------------------------------------------------------------- events */

enum ev_kind {
  EV_SPAWN, EV_READY, EV_MAXWAIT, EV_LOADS, EV_HALT_START, EV_HALT_END, EV_MIDNIGHT,
  EV_PHASE_END, EV_ARMED, EV_CROWD, EV_HOLD_END, EV_FLEET, EV_QRF_FREE, EV_ESC_END,
  EV_BUILDUP, EV_TIMELINE
};

/* ---------------------------------------------------------------- structs */

struct model {
  const struct scenario *sc;
  double horizon;          /* h */
  double warmup;           /* h */
  int n_cross;             /* crossings */
  int *cross_of_node;      /* node -> crossing index or -1 */
  int *cross_node;         /* crossing -> node */
  int max_trucks;          /* largest schedule trucks */
  double *qrf_km;          /* per road: km from nearest base to nearer end, INFINITY = none */
  double window_from, window_to; /* h of day */
  bool window_all;         /* [0, 24]: no constraint */
  int max_lanes;           /* most lanes any crossing has, timeline included */
};

struct run { /* trucks presented at one instant */
  double t;  /* h */
  long n;    /* trucks */
};

struct xing {
  int node;
  gsl_rng *r_supply, *r_inspect, *r_transfer;
  struct run *q;           /* ring buffer of runs not yet started */
  size_t q_cap, q_head, q_len;
  double next_arrival;     /* Poisson: next arrival time, h */
  long next_batch_day;     /* batch: next day to present */
  double batch_acc;        /* batch: fractional trucks carried over */
  double sup_resid;        /* Poisson clock left while the rate is 0 (Exp(1) units) */
  double sup_rate;         /* trucks/day the Poisson clock runs at */
  bool supply_done;        /* no more arrivals before the horizon */
  double *lane_free;       /* h */
  double last_start;       /* h */
  long day_idx, day_count; /* day of the last start, starts that day */
  size_t halt_i;           /* first halt that may still matter */
  double *pend;            /* collectable times of loads in transfer, h */
  size_t pend_n, pend_cap;
  long collect;            /* loads waiting for collection */
  uint64_t ev;             /* pending EV_LOADS handle */
  double ev_time;          /* its time, h */
  long presented, started, taken; /* all trucks, for the audit */
};

enum cstate { CS_FREE, CS_COORD, CS_WAIT, CS_DRIVE, CS_REST, CS_HOLD };

struct convoy {
  enum cstate state;
  enum cstate before_hold; /* CS_DRIVE or CS_REST */
  int sched;
  long number;
  bool counted, impeded, timed_out;
  double scheduled, ready, depart; /* h */
  int req_teams;           /* escort teams asked for */
  int n;                   /* trucks dispatched */
  double *cargo;           /* tonnes per truck */
  bool *hit;               /* truck lost any cargo */
  int teams;               /* escort teams with it */
  int roe;                 /* escort ROE, -1 none */
  int leg;
  double drive_h;          /* drive time of the current leg at its drawn speed */
  double rem;              /* drive time left on the current leg, h */
  double t0;               /* start of the current exposure stretch, h */
  double ea, ec;           /* remaining integrated hazard, armed / crowd */
  double ra, rc;           /* current rates, per h */
  uint64_t ev;             /* pending phase / incident / hold event */
  uint64_t ev_wait;        /* pending EV_MAXWAIT */
  int armed, crowd, engagements;
  double harm;
  gsl_rng *rng[CRS_COUNT];
};

struct halt {
  double a, b; /* [a, b), h */
};

struct model_ws {
  const struct model *m;
  struct scenario own;          /* this replication's scenario: root copy ... */
  const struct scenario *sc;    /* ... = &own, whose arrays are the copies below */
  struct node *nodes;           /* private copies the timeline writes into */
  struct road *roads;
  struct convoy_schedule *convoys;
  struct roe_profile *roe;
  struct contingent *conts;
  size_t next_tl;               /* next timeline change to apply */
  double next_change_t;         /* its time, h (INFINITY = none): crossings are
                                   never evaluated past it */
  /* derived from values a timeline may change (derive()) */
  int esc_roe;                  /* force.roe */
  double patrol_deter;          /* troop-weighted mean over contingents, or force.roe's */
  int *cont_roe;                /* per contingent: effective ROE */
  double cont_troops;           /* sum of contingent troops */
  double *zone_weight;          /* per node: population share of distribution nodes */
  double road_km;               /* network km, for patrol coverage */
  double need_rate;             /* total need, t/day */
  double cost_rate;             /* USD/h of the troops on the ground now */
  double acc_t;                 /* cost and need integrated up to here, h */
  double cost_acc;              /* USD over [warmup, acc_t) */
  double need_acc;              /* t over [warmup, acc_t) */
  struct calendar cal;
  uint64_t seed, rep;
  gsl_rng *r_cease;
  gsl_rng **r_coord, **r_inter; /* per schedule */
  struct xing *x;
  struct convoy *cv;
  size_t n_cv, cap_cv;
  int *free_cv; size_t n_free;
  int *wait; size_t n_wait;     /* waiting convoys in readiness order */
  struct halt *halt; size_t n_halt, cap_halt;
  size_t halt_i;                /* for halted_at */
  long *sched_count;            /* departures spawned per schedule */
  double *stock;                /* depot loads left (INFINITY = unlimited) */
  double fleet_free;
  int esc_pool, esc_busy, pat_pool, qrf_pool, qrf_busy;
  double patrol_factor;         /* P */
  double *D;                    /* per node */
  double D_mean;
  double *esc_until;            /* per road, h */
  double *day_deliv;            /* per node, tonnes today */
  long alive;                   /* convoys not yet ended */
  long day;                     /* next midnight ends this day */
  const struct model_sinks *sinks;
  char buf[160];
  /* accumulators */
  double met[METRIC_COUNT];
  double sum_cross_wait; long n_cross_wait;
  double sum_esc_wait; long n_esc_wait;
  double sum_transit; long n_transit;
  double sum_qrf; long n_qrf;
  long requested;
  double trace_last;
  enum err err;
};

/* ---------------------------------------------------------------- helpers */

const char *convoy_outcome_name(enum convoy_outcome o)
{
  switch (o) {
  case OUTCOME_THROUGH: return "through";
  case OUTCOME_PARTIAL: return "partial";
  case OUTCOME_LOST: return "lost";
  case OUTCOME_DENIED: return "denied";
  case OUTCOME_CANCELLED: return "cancelled";
  }
  return "?";
}

static double draw(const struct dist *d, gsl_rng *r)
{
  return dist_sample(d, r);
}

static double troops_at(const struct scenario *sc, double t_h)
{
  double tr = sc->force.troops;
  for (size_t i = 0; i < sc->force.n_buildup; i++)
    if (t_h >= sc->force.buildup[i].day * 24.0)
      tr = sc->force.buildup[i].troops;
  return tr;
}

static int less_permissive(const struct scenario *sc, int a, int b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return sc->roe[b].level < sc->roe[a].level ? b : a;
}

static double p_contest(double p_defeat, double k, double s, double a)
{
  double z;
  if (p_defeat <= 0.0)
    return 0.0;
  if (p_defeat >= 1.0)
    return 1.0;
  if (k == 0.0)
    return p_defeat;
  z = log(p_defeat / (1.0 - p_defeat)) + k * log(s / a);
  return 1.0 / (1.0 + exp(-z));
}

static bool tracing(const struct model_ws *ws)
{
  return ws->sinks != NULL && ws->sinks->trace != NULL;
}

static void trace(struct model_ws *ws, const char *event, const struct convoy *c,
                  const char *where, const char *detail)
{
  struct trace_record t;
  const struct scenario *sc = ws->sc;
  if (ws->sinks == NULL || ws->sinks->trace == NULL)
    return;
  t.time_h = calendar_now(&ws->cal);
  t.event = event;
  t.convoy = c ? sc->convoys[c->sched].id : NULL;
  t.number = c ? c->number : -1;
  t.where = where;
  t.detail = detail;
  ws->sinks->trace(ws->sinks->ctx, &t);
}

static void push(struct model_ws *ws, double t, int kind, int entity, uint32_t aux,
                 uint64_t *h)
{
  enum err e;
  if (ws->err != ERR_OK)
    return;
  e = calendar_push(&ws->cal, t, kind, entity, aux, h);
  if (e != ERR_OK)
    ws->err = e;
}

static void cancel(struct model_ws *ws, uint64_t *h)
{
  if (*h != CALENDAR_NO_HANDLE)
    calendar_cancel(&ws->cal, *h);
  *h = CALENDAR_NO_HANDLE;
}

/* ---------------------------------------------------------------- halts */

static bool halted_at(struct model_ws *ws, double t)
{
  while (ws->halt_i < ws->n_halt && ws->halt[ws->halt_i].b <= t)
    ws->halt_i++;
  return ws->halt_i < ws->n_halt && ws->halt[ws->halt_i].a <= t;
}

static enum err add_halt(struct model_ws *ws, double a, double b)
{
  if (ws->n_halt > 0 && a <= ws->halt[ws->n_halt - 1].b) {
    if (b > ws->halt[ws->n_halt - 1].b)
      ws->halt[ws->n_halt - 1].b = b;
    return ERR_OK;
  }
  if (ws->n_halt == ws->cap_halt) {
    size_t nc = ws->cap_halt ? 2 * ws->cap_halt : 16;
    struct halt *h = realloc(ws->halt, nc * sizeof *h);
    if (h == NULL)
      return ERR_NOMEM;
    ws->halt = h;
    ws->cap_halt = nc;
  }
  ws->halt[ws->n_halt++] = (struct halt){ a, b };
  return ERR_OK;
}

/* ---------------------------------------------------------------- crossings */

static enum err xq_push(struct xing *x, double t, long n)
{
  if (x->q_len > 0) { /* merge with the last run at the same instant */
    struct run *last = &x->q[(x->q_head + x->q_len - 1) % x->q_cap];
    if (last->t == t) {
      last->n += n;
      return ERR_OK;
    }
  }
  if (x->q_len == x->q_cap) {
    size_t nc = x->q_cap ? 2 * x->q_cap : 64;
    struct run *q = malloc(nc * sizeof *q);
    if (q == NULL)
      return ERR_NOMEM;
    for (size_t i = 0; i < x->q_len; i++)
      q[i] = x->q[(x->q_head + i) % x->q_cap];
    free(x->q);
    x->q = q;
    x->q_cap = nc;
    x->q_head = 0;
  }
  x->q[(x->q_head + x->q_len) % x->q_cap] = (struct run){ t, n };
  x->q_len++;
  return ERR_OK;
}

/* Present the next arrival (or batch) upstream; false when none is left
 * before the horizon. */
static bool xing_gen(struct model_ws *ws, struct xing *x)
{
  const struct model *m = ws->m;
  const struct node *nd = &ws->sc->nodes[x->node];
  double rate = nd->supply_trucks_per_day;
  for (;;) {
    if (x->supply_done)
      return false;
    if (!(rate > 0.0) && nd->supply_arrivals == SUPPLY_POISSON) {
      if (ws->next_change_t == INFINITY)
        x->supply_done = true;
      return false;
    }
    if (nd->supply_arrivals == SUPPLY_POISSON) {
      double t = x->next_arrival;
      if (!(t < m->horizon)) {
        x->supply_done = true;
        return false;
      }
      if (t >= ws->next_change_t)
        return false; /* the rate may change before it */
      x->next_arrival = t + stream_exponential(x->r_supply, 24.0 / rate);
      if (xq_push(x, t, 1) != ERR_OK) {
        ws->err = ERR_NOMEM;
        return false;
      }
      x->presented++;
      if (t >= m->warmup)
        ws->met[METRIC_TRUCKS_PRESENTED] += 1;
      return true;
    } else {
      long d = x->next_batch_day;
      double t = 24.0 * (double)d + nd->open_h.from;
      long n;
      if (!(t < m->horizon)) {
        x->supply_done = true;
        return false;
      }
      if (t >= ws->next_change_t)
        return false;
      x->next_batch_day++;
      x->batch_acc += rate > 0 ? rate : 0.0;
      n = (long)floor(x->batch_acc + 1e-9);
      x->batch_acc -= (double)n;
      if (n <= 0)
        continue;
      if (xq_push(x, t, n) != ERR_OK) {
        ws->err = ERR_NOMEM;
        return false;
      }
      x->presented += n;
      if (t >= m->warmup)
        ws->met[METRIC_TRUCKS_PRESENTED] += (double)n;
      return true;
    }
  }
}

/* The first instant >= s at which a service may start. */
/* Service starts this late (1e12 h, 100 million years) are never: the
 * horizon is at most 100 years, and a drawn service time this long (a
 * heavy-tailed inspect_h) would otherwise walk the calendar day by day. */
#define XING_NEVER_H 1.0e12

static double xing_open_at(const struct model_ws *ws, const struct xing *x, double s)
{
  const struct node *nd = &ws->sc->nodes[x->node];
  double from = nd->open_h.from, to = nd->open_h.to;
  size_t hi = x->halt_i; /* a peek must not move x->halt_i: s may not be taken */
  if ((nd->open_days & WEEKDAYS_ALL) == 0 || nd->daily_cap == 0)
    return INFINITY;
  for (;;) {
    if (!(s < XING_NEVER_H)) /* beyond: no opening is representable, and none is needed */
      return INFINITY;
    double dd = floor(s / 24.0), hod;
    long d = (long)dd;
    if (!((nd->open_days >> (d % 7)) & 1u)) {
      s = 24.0 * (dd + 1.0) + from;
      continue;
    }
    hod = s - 24.0 * dd;
    if (hod < from) {
      s = 24.0 * dd + from;
      continue;
    }
    if (hod >= to) {
      s = 24.0 * (dd + 1.0) + from;
      continue;
    }
    if (nd->daily_cap != SCENARIO_UNLIMITED && d == x->day_idx && x->day_count >= nd->daily_cap) {
      s = 24.0 * (dd + 1.0) + from;
      continue;
    }
    while (hi < ws->n_halt && ws->halt[hi].b <= s)
      hi++;
    if (hi < ws->n_halt && ws->halt[hi].a <= s) {
      s = ws->halt[hi].b;
      continue;
    }
    return s;
  }
}

/* Next service start (INFINITY if none) and the lane it takes. */
static double xing_peek(struct model_ws *ws, struct xing *x, int *lane)
{
  const struct node *nd = &ws->sc->nodes[x->node];
  double s, lf = INFINITY;
  int j = 0;
  if (x->q_len == 0 && !xing_gen(ws, x))
    return INFINITY;
  for (int k = 0; k < nd->lanes && k < ws->m->max_lanes; k++)
    if (x->lane_free[k] < lf) {
      lf = x->lane_free[k];
      j = k;
    }
  s = x->q[x->q_head].t;
  if (lf > s)
    s = lf;
  if (x->last_start > s)
    s = x->last_start;
  *lane = j;
  s = xing_open_at(ws, x, s);
  return s < ws->next_change_t ? s : INFINITY;
}

static void xing_start(struct model_ws *ws, struct xing *x, double s, int lane)
{
  const struct model *m = ws->m;
  const struct node *nd = &ws->sc->nodes[x->node];
  struct run *r = &x->q[x->q_head];
  double ins = draw(&nd->inspect_h, x->r_inspect);
  double tr = draw(&nd->transfer_h, x->r_transfer);
  long d = (long)floor(s / 24.0);
  if (d != x->day_idx) {
    x->day_idx = d;
    x->day_count = 0;
  }
  x->day_count++;
  x->last_start = s;
  while (x->halt_i < ws->n_halt && ws->halt[x->halt_i].b <= s)
    x->halt_i++;
  x->lane_free[lane] = s + ins;
  if (s >= m->warmup && s < m->horizon) {
    ws->met[METRIC_TRUCKS_ENTERED] += 1;
    ws->sum_cross_wait += s - r->t;
    ws->n_cross_wait++;
  }
  x->started++;
  if (--r->n == 0) {
    x->q_head = (x->q_head + 1) % x->q_cap;
    x->q_len--;
  }
  if (x->pend_n == x->pend_cap) {
    size_t nc = x->pend_cap ? 2 * x->pend_cap : 64;
    double *p = realloc(x->pend, nc * sizeof *p);
    if (p == NULL) {
      ws->err = ERR_NOMEM;
      return;
    }
    x->pend = p;
    x->pend_cap = nc;
  }
  x->pend[x->pend_n++] = s + ins + tr;
}

/* Process every service start at or before t. */
static void xing_advance(struct model_ws *ws, struct xing *x, double t)
{
  for (;;) {
    int lane;
    double s = xing_peek(ws, x, &lane);
    if (!(s <= t) || ws->err != ERR_OK)
      return;
    xing_start(ws, x, s, lane);
  }
}

/* Loads collectable at t. */
static long xing_loads(struct model_ws *ws, struct xing *x, double t)
{
  size_t k = 0;
  xing_advance(ws, x, t);
  for (size_t i = 0; i < x->pend_n; i++) {
    if (x->pend[i] <= t)
      x->collect++;
    else
      x->pend[k++] = x->pend[i];
  }
  x->pend_n = k;
  return x->collect;
}

/* The next time a load becomes collectable after the loads already counted
 * (INFINITY if never). */
static double xing_next_load(struct model_ws *ws, struct xing *x)
{
  for (;;) {
    double tau = INFINITY, s;
    int lane;
    for (size_t i = 0; i < x->pend_n; i++)
      if (x->pend[i] < tau)
        tau = x->pend[i];
    s = xing_peek(ws, x, &lane);
    if (s <= tau && s < INFINITY && ws->err == ERR_OK) {
      xing_start(ws, x, s, lane);
      continue;
    }
    return tau;
  }
}

/* ---------------------------------------------------------------- force */

static void compute_pools(struct model_ws *ws, double t)
{
  const struct scenario *sc = ws->sc;
  const struct force *f = &sc->force;
  double on, cover;
  ws->cost_rate = 0.0;
  if (!f->present) {
    ws->esc_pool = ws->pat_pool = ws->qrf_pool = 0;
    ws->patrol_factor = 1.0;
    return;
  }
  ws->cost_rate = troops_at(sc, t) * f->cost_per_troop_day / 24.0;
  on = troops_at(sc, t) * f->available;
  ws->esc_pool = f->escort_team_size > 0 ? (int)floor(on * f->share_escort / f->escort_team_size + 1e-9) : 0;
  ws->pat_pool = f->patrol_team_size > 0 ? (int)floor(on * f->share_patrol / f->patrol_team_size + 1e-9) : 0;
  ws->qrf_pool = f->qrf_team_size > 0 ? (int)floor(on * f->share_qrf / f->qrf_team_size + 1e-9) : 0;
  cover = ws->road_km > 0 ? ws->pat_pool * f->patrol_km_per_team / ws->road_km : 0.0;
  if (cover > 1.0)
    cover = 1.0;
  ws->patrol_factor = 1.0 - ws->patrol_deter * cover;
}

/* ---------------------------------------------------------------- hazards */

static double zone_D(const struct model_ws *ws, int road)
{
  int z = ws->sc->roads[road].zone;
  return z >= 0 ? ws->D[z] : ws->D_mean;
}

static void rates(struct model_ws *ws, struct convoy *c, double now)
{
  const struct scenario *sc = ws->sc;
  const struct road *rd = &sc->roads[sc->convoys[c->sched].legs[c->leg]];
  int r = sc->convoys[c->sched].legs[c->leg];
  double common = ws->patrol_factor *
                  (1.0 - sc->threats.policing.effect * sc->threats.policing.level);
  double da = 1.0, dc = 1.0;
  if (sc->ceasefire.present && halted_at(ws, now))
    common *= sc->ceasefire.tension_multiplier;
  if (c->state == CS_REST)
    common *= sc->movement.rest_exposure;
  if (c->teams > 0 && c->roe >= 0) {
    da = sc->roe[c->roe].deter_armed;
    dc = sc->roe[c->roe].deter_crowd;
  }
  c->ra = rd->armed_per_h * sc->threats.armed.rate_multiplier * da * common;
  if (sc->threats.escalation.present && ws->esc_until[r] > now)
    c->ra *= sc->threats.escalation.hazard_multiplier;
  c->rc = rd->crowd_per_h * sc->threats.crowd.rate_multiplier * dc * common;
  if (sc->threats.crowd.desperation_slope != 0.0)
    c->rc *= exp(sc->threats.crowd.desperation_slope * zone_D(ws, r));
  if (!(c->ra > 0.0))
    c->ra = 0.0;
  if (!(c->rc > 0.0))
    c->rc = 0.0;
}

static double next_opening(const struct model *m, double t)
{
  double dd = floor(t / 24.0), hod = t - 24.0 * dd;
  if (hod < m->window_from)
    return 24.0 * dd + m->window_from;
  return 24.0 * (dd + 1.0) + m->window_from;
}

/* Consume the clocks up to now. */
static void consume(struct convoy *c, double now)
{
  double dt = now - c->t0;
  if (dt > 0) {
    c->ea -= c->ra * dt;
    c->ec -= c->rc * dt;
    if (c->ea < 0)
      c->ea = 0;
    if (c->ec < 0)
      c->ec = 0;
    if (c->state == CS_DRIVE)
      c->rem -= dt;
    if (c->rem < 0)
      c->rem = 0;
  }
  c->t0 = now;
}

/* (Re)schedule the next event of an exposed convoy from now. */
static void schedule_exposed(struct model_ws *ws, struct convoy *c, int slot, double now)
{
  double te, ta, tc;
  rates(ws, c, now);
  c->t0 = now;
  te = c->state == CS_DRIVE ? now + c->rem : next_opening(ws->m, now);
  ta = c->ra > 0 ? now + c->ea / c->ra : INFINITY;
  tc = c->rc > 0 ? now + c->ec / c->rc : INFINITY;
  cancel(ws, &c->ev);
  if (ta < te && ta <= tc)
    push(ws, ta, EV_ARMED, slot, 0, &c->ev);
  else if (tc < te)
    push(ws, tc, EV_CROWD, slot, 0, &c->ev);
  else
    push(ws, te, EV_PHASE_END, slot, 0, &c->ev);
}

static void refresh_all(struct model_ws *ws, double now)
{
  for (size_t i = 0; i < ws->n_cv; i++) {
    struct convoy *c = &ws->cv[i];
    if (c->state == CS_DRIVE || c->state == CS_REST) {
      consume(c, now);
      schedule_exposed(ws, c, (int)i, now);
    }
  }
}

/* At a node before leg c->leg (drive time drawn): drive now or rest. */
static void start_or_rest(struct model_ws *ws, struct convoy *c, int slot, double now)
{
  const struct model *m = ws->m;
  bool go = true;
  if (!m->window_all) {
    double dd = floor(now / 24.0), hod = now - 24.0 * dd;
    /* a drawn time longer than the whole window starts at the opening */
    go = hod >= m->window_from && hod < m->window_to &&
         (hod + c->drive_h <= m->window_to ||
          (hod == m->window_from && c->drive_h > m->window_to - m->window_from));
  }
  c->state = go ? CS_DRIVE : CS_REST;
  if (go)
    c->rem = c->drive_h;
  if (!go)
    trace(ws, "rest", c, ws->sc->nodes[ws->sc->convoys[c->sched].route[c->leg]].id, NULL);
  schedule_exposed(ws, c, slot, now);
}

static void start_leg(struct model_ws *ws, struct convoy *c, int slot, double now)
{
  const struct scenario *sc = ws->sc;
  const struct road *rd = &sc->roads[sc->convoys[c->sched].legs[c->leg]];
  double v = draw(&rd->kmh, c->rng[CRS_SPEED]);
  for (int k = 0; !(v > 0.0) && k < 1000; k++)
    v = draw(&rd->kmh, c->rng[CRS_SPEED]);
  if (!(v > 0.0))
    v = dist_mean(&rd->kmh);
  c->drive_h = rd->km / v;
  start_or_rest(ws, c, slot, now);
}

/* ---------------------------------------------------------------- convoys */

static int cv_alloc(struct model_ws *ws)
{
  const struct model *m = ws->m;
  if (ws->n_free == 0) {
    size_t nc = ws->cap_cv ? 2 * ws->cap_cv : 32;
    struct convoy *cv = realloc(ws->cv, nc * sizeof *cv);
    int *fr;
    if (cv == NULL)
      return -1;
    ws->cv = cv;
    fr = realloc(ws->free_cv, nc * sizeof *fr);
    if (fr == NULL)
      return -1;
    ws->free_cv = fr;
    {
      int *wt = realloc(ws->wait, nc * sizeof *wt);
      if (wt == NULL)
        return -1;
      ws->wait = wt;
    }
    for (size_t i = ws->cap_cv; i < nc; i++) {
      struct convoy *c = &cv[i];
      memset(c, 0, sizeof *c);
      c->cargo = calloc((size_t)m->max_trucks + 1, sizeof *c->cargo);
      c->hit = calloc((size_t)m->max_trucks + 1, sizeof *c->hit);
      if (c->cargo == NULL || c->hit == NULL) {
        ws->cap_cv = i + 1; /* so that ws_free releases it */
        return -1;
      }
      for (int k = 0; k < CRS_COUNT; k++) {
        c->rng[k] = stream_new();
        if (c->rng[k] == NULL) {
          ws->cap_cv = i + 1;
          return -1;
        }
      }
      ws->cap_cv = i + 1;
    }
    /* free slots, highest last so the lowest is used first */
    for (size_t i = nc; i > ws->n_cv; i--)
      ws->free_cv[ws->n_free++] = (int)(i - 1);
    ws->n_cv = nc;
  }
  return ws->free_cv[--ws->n_free];
}

static void record_end(struct model_ws *ws, struct convoy *c, enum convoy_outcome o,
                       double now, double deliv, double lost, int n_deliv, int n_hit)
{
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  static const enum metric om[] = { METRIC_CONVOYS_THROUGH, METRIC_CONVOYS_PARTIAL,
                                    METRIC_CONVOYS_LOST, METRIC_CONVOYS_DENIED,
                                    METRIC_CONVOYS_CANCELLED };
  trace(ws, "end", c, sc->nodes[s->route[o == OUTCOME_THROUGH || o == OUTCOME_PARTIAL ? s->route_len - 1 : 0]].id,
        convoy_outcome_name(o));
  if (!c->counted)
    return;
  ws->met[om[o]] += 1;
  if (ws->sinks != NULL && ws->sinks->convoy != NULL) {
    struct convoy_record r;
    bool dep = o != OUTCOME_DENIED && o != OUTCOME_CANCELLED;
    memset(&r, 0, sizeof r); /* padding too: records compare bytewise */
    r.schedule = c->sched;
    r.number = c->number;
    r.outcome = o;
    r.scheduled_h = c->scheduled;
    r.ready_h = o == OUTCOME_DENIED ? NAN : c->ready;
    r.depart_h = dep ? c->depart : NAN;
    r.end_h = now;
    r.trucks_requested = s->trucks;
    r.trucks_dispatched = dep ? c->n : 0;
    r.trucks_delivered = n_deliv;
    r.trucks_intercepted = n_hit;
    r.tonnes_dispatched = dep ? c->n * sc->tonnes_per_truck : 0.0;
    r.tonnes_delivered = deliv;
    r.tonnes_lost = lost;
    r.escort_teams = dep ? c->teams : 0;
    r.armed_attacks = c->armed;
    r.crowd_interceptions = c->crowd;
    r.engagements = c->engagements;
    r.civilian_harm = c->harm;
    r.impeded = c->impeded;
    ws->sinks->convoy(ws->sinks->ctx, &r);
  }
}

static void cv_release(struct model_ws *ws, struct convoy *c, int slot)
{
  c->state = CS_FREE;
  ws->free_cv[ws->n_free++] = slot;
  ws->alive--;
}

static void wait_remove(struct model_ws *ws, int slot)
{
  size_t k = 0;
  for (size_t i = 0; i < ws->n_wait; i++)
    if (ws->wait[i] != slot)
      ws->wait[k++] = ws->wait[i];
  ws->n_wait = k;
}

static void try_dispatch(struct model_ws *ws, double now);

/* A departed convoy ends (arrived, or lost at the end of a hold). */
static void convoy_finish(struct model_ws *ws, struct convoy *c, int slot, double now, bool arrived)
{
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  double deliv = 0, disp = c->n * sc->tonnes_per_truck;
  int nd = 0, nh = 0;
  enum convoy_outcome o;
  for (int i = 0; i < c->n; i++) {
    if (arrived && c->cargo[i] > 0) {
      deliv += c->cargo[i];
      nd++;
    }
    if (c->hit[i])
      nh++;
  }
  if (deliv >= sc->success_fraction * disp && deliv > 0)
    o = OUTCOME_THROUGH;
  else if (deliv > 0)
    o = OUTCOME_PARTIAL;
  else
    o = OUTCOME_LOST;
  if (arrived) {
    int dest = s->route[s->route_len - 1];
    ws->day_deliv[dest] += deliv;
  }
  if (c->counted) {
    ws->met[METRIC_TRUCKS_DELIVERED] += nd;
    ws->met[METRIC_TRUCKS_INTERCEPTED] += nh;
    ws->met[METRIC_TONNES_DELIVERED] += deliv;
    ws->met[METRIC_TONNES_LOST] += disp - deliv;
    if (arrived) {
      ws->sum_transit += now - c->depart;
      ws->n_transit++;
    }
  }
  ws->esc_busy -= c->teams;
  push(ws, now + (now - c->depart), EV_FLEET, 0, (uint32_t)c->n, NULL);
  record_end(ws, c, o, now, deliv, disp - deliv, nd, nh);
  cancel(ws, &c->ev);
  cv_release(ws, c, slot);
  try_dispatch(ws, now);
}

static void depart(struct model_ws *ws, struct convoy *c, int slot, double now, int n, int teams)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  int start = s->route[0];
  int xi = m->cross_of_node[start];
  if (xi >= 0) {
    ws->x[xi].collect -= n;
    ws->x[xi].taken += n;
  } else if (ws->stock[start] < INFINITY) {
    ws->stock[start] -= n;
  }
  ws->fleet_free -= n;
  ws->esc_busy += teams;
  cancel(ws, &c->ev_wait);
  wait_remove(ws, slot);
  c->n = n;
  c->teams = teams;
  c->depart = now;
  for (int k = 0; k < CRS_COUNT; k++)
    stream_seek(c->rng[k], ws->seed, ws->rep, convoy_source(k, c->sched, c->number));
  c->roe = -1;
  if (teams > 0) {
    c->roe = ws->esc_roe;
    if (sc->force.n_contingents > 0 && ws->cont_troops > 0) {
      int worst = -1;
      for (int t = 0; t < teams; t++) {
        double u = gsl_rng_uniform(c->rng[CRS_ENGAGE]) * ws->cont_troops, acc = 0;
        size_t j = 0;
        for (; j + 1 < sc->force.n_contingents; j++) {
          acc += sc->force.contingents[j].troops;
          if (u < acc)
            break;
        }
        worst = less_permissive(sc, worst, ws->cont_roe[j]);
      }
      c->roe = worst;
    }
  }
  for (int i = 0; i < n; i++) {
    c->cargo[i] = sc->tonnes_per_truck;
    c->hit[i] = false;
  }
  c->ea = stream_exponential(c->rng[CRS_ARMED], 1.0);
  c->ec = stream_exponential(c->rng[CRS_CROWD], 1.0);
  c->leg = 0;
  if (c->counted) {
    ws->met[METRIC_TRUCKS_DISPATCHED] += n;
    if (c->req_teams > 0) {
      ws->sum_esc_wait += now - c->ready;
      ws->n_esc_wait++;
    }
  }
  if (tracing(ws)) {
    snprintf(ws->buf, sizeof ws->buf, "trucks=%d teams=%d roe=%s", n, teams,
             c->roe >= 0 ? sc->roe[c->roe].name : "none");
    trace(ws, "depart", c, sc->nodes[start].id, ws->buf);
  }
  start_leg(ws, c, slot, now);
}

static long loads_at(struct model_ws *ws, int node, double now)
{
  int xi = ws->m->cross_of_node[node];
  if (xi >= 0)
    return xing_loads(ws, &ws->x[xi], now);
  if (ws->stock[node] == INFINITY)
    return LONG_MAX;
  return (long)ws->stock[node];
}

static void want_loads(struct model_ws *ws, int node)
{
  int xi = ws->m->cross_of_node[node];
  struct xing *x;
  double t;
  if (xi < 0)
    return;
  x = &ws->x[xi];
  t = xing_next_load(ws, x);
  if (t == INFINITY)
    return;
  if (x->ev != CALENDAR_NO_HANDLE && x->ev_time <= t && calendar_pending(&ws->cal, x->ev))
    return;
  cancel(ws, &x->ev);
  x->ev_time = t;
  push(ws, t, EV_LOADS, xi, 0, &x->ev);
}

static void try_dispatch(struct model_ws *ws, double now)
{
  const struct scenario *sc = ws->sc;
  size_t i = 0;
  if (sc->ceasefire.present && halted_at(ws, now))
    return;
  while (i < ws->n_wait) {
    int slot = ws->wait[i];
    struct convoy *c = &ws->cv[slot];
    const struct convoy_schedule *s = &sc->convoys[c->sched];
    long loads = loads_at(ws, s->route[0], now);
    double fleet = ws->fleet_free;
    int esc_free = ws->esc_pool - ws->esc_busy;
    int need = s->trucks;
    if (esc_free < 0)
      esc_free = 0;
    if (c->req_teams > ws->esc_pool)
      c->req_teams = ws->esc_pool < 0 ? 0 : ws->esc_pool;
    if (loads >= need && fleet >= need && esc_free >= c->req_teams) {
      depart(ws, c, slot, now, need, c->req_teams);
      continue; /* wait[i] is now the next one */
    }
    if (c->timed_out) {
      long n = need;
      if (loads < n)
        n = loads;
      if (fleet < (double)n)
        n = (long)fleet;
      if (n < s->min_trucks || n <= 0) {
        cancel(ws, &c->ev_wait);
        wait_remove(ws, slot);
        record_end(ws, c, OUTCOME_CANCELLED, now, 0, 0, 0, 0);
        cv_release(ws, c, slot);
        continue;
      }
      depart(ws, c, slot, now, (int)n, c->req_teams < esc_free ? c->req_teams : esc_free);
      continue;
    }
    if (loads < need)
      want_loads(ws, s->route[0]);
    i++;
  }
}

static void convoy_ready(struct model_ws *ws, int slot, double now)
{
  struct convoy *c = &ws->cv[slot];
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  c->state = CS_WAIT;
  c->ready = now;
  trace(ws, "ready", c, sc->nodes[s->route[0]].id, NULL);
  ws->wait[ws->n_wait++] = slot;
  c->req_teams = 0;
  if (sc->force.present && sc->force.escort_policy == ESCORT_WAIT) {
    c->req_teams = s->escort_teams;
    if (c->req_teams > ws->esc_pool)
      c->req_teams = ws->esc_pool;
    if (c->req_teams < 0)
      c->req_teams = 0;
  }
  if (s->max_wait_h > 0)
    push(ws, now + s->max_wait_h, EV_MAXWAIT, slot, 0, &c->ev_wait);
  else
    c->timed_out = true;
  try_dispatch(ws, now);
}

static void spawn(struct model_ws *ws, int si, double now)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[si];
  long number = ws->sched_count[si]++;
  int slot = cv_alloc(ws);
  struct convoy *c;
  double next;
  if (slot < 0) {
    ws->err = ERR_NOMEM;
    return;
  }
  c = &ws->cv[slot];
  ws->alive++;
  c->state = CS_COORD;
  c->sched = si;
  c->number = number;
  c->counted = now >= m->warmup && now < m->horizon;
  c->impeded = c->timed_out = false;
  c->scheduled = now;
  c->ready = now;
  c->n = c->teams = 0;
  c->roe = -1;
  c->armed = c->crowd = c->engagements = 0;
  c->harm = 0;
  c->ev = c->ev_wait = CALENDAR_NO_HANDLE;
  if (c->counted) {
    ws->met[METRIC_CONVOYS_SCHEDULED] += 1;
    ws->requested += s->trucks;
  }
  trace(ws, "scheduled", c, sc->nodes[s->route[0]].id, c->counted ? NULL : "not counted");
  /* next departure of this schedule */
  next = INFINITY;
  if (s->count == SCENARIO_UNLIMITED || number + 1 < s->count) {
    if (s->every_h > 0)
      next = s->depart_h + (double)(number + 1) * s->every_h;
    else if (s->has_interarrival)
      next = now + draw(&s->interarrival_h, ws->r_inter[si]);
  }
  if (next < m->horizon)
    push(ws, next, EV_SPAWN, si, 0, NULL);
  /* coordination: one draw */
  if (sc->coordination.present) {
    double u = gsl_rng_uniform(ws->r_coord[si]);
    if (u < sc->coordination.deny_p) {
      trace(ws, "denied", c, sc->nodes[s->route[0]].id, NULL);
      record_end(ws, c, OUTCOME_DENIED, now, 0, 0, 0, 0);
      cv_release(ws, c, slot);
      return;
    }
    if (u < sc->coordination.deny_p + sc->coordination.impede_p) {
      double dl = draw(&sc->coordination.impede_delay_h, ws->r_coord[si]);
      c->impeded = true;
      trace(ws, "impeded", c, sc->nodes[s->route[0]].id, NULL);
      if (dl > 0) {
        push(ws, now + dl, EV_READY, slot, 0, &c->ev);
        return;
      }
    }
  }
  convoy_ready(ws, slot, now);
}

/* ---------------------------------------------------------------- incidents */

static void escalate(struct model_ws *ws, int road, double now)
{
  const struct scenario *sc = ws->sc;
  double end = now + sc->threats.escalation.duration_h;
  int z = sc->roads[road].zone;
  if (!sc->threats.escalation.present)
    return;
  for (size_t r = 0; r < sc->n_roads; r++)
    if ((int)r == road || (z >= 0 && sc->roads[r].zone == z))
      if (end > ws->esc_until[r])
        ws->esc_until[r] = end;
  push(ws, end, EV_ESC_END, road, 0, NULL);
  trace(ws, "escalation", NULL, sc->roads[road].id, NULL);
  refresh_all(ws, now);
}

/* One engagement's side effects: harm, force casualties, escalation. */
static void engagement(struct model_ws *ws, struct convoy *c, const struct roe_profile *roe,
                       double harm_mean, int road, double now, bool *esc)
{
  gsl_rng *r = c->rng[CRS_ENGAGE];
  double harm = harm_mean > 0 ? (double)gsl_ran_poisson(r, harm_mean) : 0.0;
  double fh = roe->force_harm > 0 ? (double)gsl_ran_poisson(r, roe->force_harm) : 0.0;
  bool e = gsl_rng_uniform(r) < roe->escalation_p;
  c->engagements++;
  c->harm += harm;
  if (c->counted) {
    ws->met[METRIC_ENGAGEMENTS] += 1;
    ws->met[METRIC_CIVILIAN_HARM] += harm;
    ws->met[METRIC_FORCE_CASUALTIES] += fh;
    if (e && ws->sc->threats.escalation.present)
      ws->met[METRIC_ESCALATIONS] += 1;
  }
  (void)road;
  (void)now;
  if (e)
    *esc = true;
}

static bool has_cargo(const struct convoy *c)
{
  for (int i = 0; i < c->n; i++)
    if (c->cargo[i] > 0)
      return true;
  return false;
}

static void hold(struct model_ws *ws, struct convoy *c, int slot, double now, double d)
{
  c->before_hold = c->state;
  c->state = CS_HOLD;
  cancel(ws, &c->ev);
  push(ws, now + (d > 0 ? d : 0), EV_HOLD_END, slot, 0, &c->ev);
}

static void armed_attack(struct model_ws *ws, int slot, double now)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  struct convoy *c = &ws->cv[slot];
  int road = sc->convoys[c->sched].legs[c->leg];
  double d, a, share;
  bool defeated = false, esc = false;
  consume(c, now);
  c->ev = CALENDAR_NO_HANDLE;
  c->ea = stream_exponential(c->rng[CRS_ARMED], 1.0);
  d = draw(&sc->threats.armed.duration_h, c->rng[CRS_HOLD]);
  c->armed++;
  if (c->counted)
    ws->met[METRIC_ARMED_ATTACKS] += 1;
  trace(ws, "armed_attack", c, sc->roads[road].id, NULL);
  a = draw(&sc->threats.armed.party, c->rng[CRS_ENGAGE]);
  if (a < 1.0)
    a = 1.0;
  if (c->teams > 0 && c->roe >= 0) {
    const struct roe_profile *roe = &sc->roe[c->roe];
    if (gsl_rng_uniform(c->rng[CRS_ENGAGE]) < roe->engage_armed) {
      double p = p_contest(roe->p_defeat, sc->threats.armed.strength_exponent,
                           (double)c->teams * sc->force.escort_team_size, a);
      defeated = gsl_rng_uniform(c->rng[CRS_ENGAGE]) < p;
      engagement(ws, c, roe, roe->harm_armed, road, now, &esc);
    }
  }
  if (defeated) {
    if (c->counted)
      ws->met[METRIC_ATTACKS_DEFEATED] += 1;
  } else {
    double lossf = 1.0;
    gsl_rng *rl = c->rng[CRS_LOSS];
    if (sc->threats.armed.driver_harm > 0 && c->counted)
      ws->met[METRIC_DRIVER_CASUALTIES] += (double)gsl_ran_poisson(rl, sc->threats.armed.driver_harm);
    else if (sc->threats.armed.driver_harm > 0)
      (void)gsl_ran_poisson(rl, sc->threats.armed.driver_harm);
    if (sc->force.present && ws->qrf_pool - ws->qrf_busy > 0 && m->qrf_km[road] < INFINITY &&
        sc->roe[ws->esc_roe].engage_armed > 0) {
      const struct roe_profile *qroe = &sc->roe[ws->esc_roe];
      double r = draw(&sc->force.qrf_notice_h, c->rng[CRS_QRF]) + m->qrf_km[road] / sc->force.qrf_kmh;
      ws->qrf_busy++;
      push(ws, now + d, EV_QRF_FREE, 0, 0, NULL);
      if (tracing(ws)) {
        snprintf(ws->buf, sizeof ws->buf, "response_h=%.3f arrives=%s", r, r < d ? "yes" : "no");
        trace(ws, "qrf_dispatch", c, sc->roads[road].id, ws->buf);
      }
      if (c->counted) {
        ws->met[METRIC_QRF_DISPATCHES] += 1;
        ws->sum_qrf += r;
        ws->n_qrf++;
      }
      if (r < d) {
        double p = p_contest(qroe->p_defeat, sc->threats.armed.strength_exponent,
                             (double)sc->force.qrf_team_size, a);
        bool win = gsl_rng_uniform(c->rng[CRS_QRF]) < p;
        engagement(ws, c, qroe, qroe->harm_armed, road, now, &esc);
        if (win) {
          lossf = r / d;
          if (c->counted)
            ws->met[METRIC_ATTACKS_DEFEATED] += 1;
        }
      }
    }
    share = draw(&sc->threats.armed.loss, rl) * lossf;
    for (int i = 0; i < c->n; i++)
      if (c->cargo[i] > 0 && gsl_rng_uniform(rl) < share) {
        c->cargo[i] = 0;
        c->hit[i] = true;
      }
  }
  if (tracing(ws)) {
    snprintf(ws->buf, sizeof ws->buf, "attackers=%g defeated=%s hold_h=%.3f", a,
             defeated ? "yes" : "no", d);
    trace(ws, "armed_outcome", c, sc->roads[road].id, ws->buf);
  }
  hold(ws, c, slot, now, d);
  if (esc)
    escalate(ws, road, now);
}

static void crowd_interception(struct model_ws *ws, int slot, double now)
{
  const struct scenario *sc = ws->sc;
  struct convoy *c = &ws->cv[slot];
  int road = sc->convoys[c->sched].legs[c->leg];
  double d;
  int stopped = 0;
  bool stopped_them = false, esc = false;
  consume(c, now);
  c->ev = CALENDAR_NO_HANDLE;
  c->ec = stream_exponential(c->rng[CRS_CROWD], 1.0);
  d = draw(&sc->threats.crowd.duration_h, c->rng[CRS_HOLD]);
  c->crowd++;
  if (c->counted)
    ws->met[METRIC_CROWD_INTERCEPTIONS] += 1;
  trace(ws, "crowd_interception", c, sc->roads[road].id, NULL);
  if (c->teams > 0 && c->roe >= 0) {
    const struct roe_profile *roe = &sc->roe[c->roe];
    if (gsl_rng_uniform(c->rng[CRS_ENGAGE]) < roe->engage_crowd) {
      stopped_them = gsl_rng_uniform(c->rng[CRS_ENGAGE]) < roe->p_defeat;
      engagement(ws, c, roe, roe->harm_crowd, road, now, &esc);
    }
  }
  if (!stopped_them) {
    gsl_rng *rl = c->rng[CRS_LOSS];
    for (int i = 0; i < c->n; i++)
      if (c->cargo[i] > 0 && gsl_rng_uniform(rl) < sc->threats.crowd.stop_p) {
        double sh = draw(&sc->threats.crowd.loss, rl);
        stopped++;
        if (sh > 0) {
          c->cargo[i] *= 1.0 - (sh < 1.0 ? sh : 1.0);
          c->hit[i] = true;
        }
      }
  }
  if (tracing(ws)) {
    snprintf(ws->buf, sizeof ws->buf, "held_off=%s trucks_stopped=%d hold_h=%.3f",
             stopped_them ? "yes" : "no", stopped, d);
    trace(ws, "crowd_outcome", c, sc->roads[road].id, ws->buf);
  }
  hold(ws, c, slot, now, d);
  if (esc)
    escalate(ws, road, now);
}

/* ---------------------------------------------------------------- midnight */

static void midnight(struct model_ws *ws, double now)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  long day = ws->day;
  double total = 0, backlog = 0, wsum = 0, dsum = 0;
  bool in_window = (double)day >= sc->warmup_days && (double)day < sc->horizon_days;
  for (int k = 0; k < m->n_cross; k++)
    backlog += (double)xing_loads(ws, &ws->x[k], now);
  for (size_t i = 0; i < sc->n_nodes; i++) {
    const struct node *nd = &sc->nodes[i];
    double s;
    if (nd->kind != NODE_DISTRIBUTION)
      continue;
    total += ws->day_deliv[i];
    s = nd->need_t_per_day > 0 ? 1.0 - ws->day_deliv[i] / nd->need_t_per_day : 0.0;
    if (s < 0)
      s = 0;
    ws->D[i] += (s - ws->D[i]) / sc->threats.desperation.window_days;
    wsum += ws->zone_weight[i] * ws->D[i];
    dsum += ws->zone_weight[i];
    if (ws->sinks != NULL && ws->sinks->daily != NULL) {
      struct daily_record r = { day, (int)i, ws->day_deliv[i], nd->need_t_per_day, ws->D[i], backlog };
      ws->sinks->daily(ws->sinks->ctx, &r);
    }
    ws->day_deliv[i] = 0;
  }
  ws->D_mean = dsum > 0 ? wsum / dsum : 0.0;
  if (in_window && ws->need_rate > 0 && total < 0.5 * ws->need_rate)
    ws->met[METRIC_DAYS_BELOW_HALF_NEED] += 1;
  ws->day++;
  if (sc->threats.crowd.desperation_slope != 0.0)
    refresh_all(ws, now);
  if (now < m->horizon || ws->alive > 0)
    push(ws, now + 24.0, EV_MIDNIGHT, 0, 0, NULL);
}

/* ---------------------------------------------------------------- model */

enum err model_new(const struct scenario *sc, struct model **out, struct diag *d)
{
  struct model *m = calloc(1, sizeof *m);
  size_t n = sc->n_nodes;
  double *dist = NULL;
  enum err e = ERR_OK;
  *out = NULL;
  if (m == NULL)
    return ERR_NOMEM;
  m->sc = sc;
  m->horizon = sc->horizon_days * 24.0;
  m->warmup = sc->warmup_days * 24.0;
  m->window_from = sc->movement.window_h.from;
  m->window_to = sc->movement.window_h.to;
  m->window_all = m->window_from <= 0.0 && m->window_to >= 24.0;
  m->cross_of_node = malloc((n + 1) * sizeof *m->cross_of_node);
  m->cross_node = malloc((n + 1) * sizeof *m->cross_node);
  m->qrf_km = malloc((sc->n_roads + 1) * sizeof *m->qrf_km);
  dist = malloc((n * n + 1) * sizeof *dist);
  if (!m->cross_of_node || !m->cross_node || !m->qrf_km || !dist) {
    free(dist);
    model_free(m);
    return ERR_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    m->cross_of_node[i] = -1;
    if (sc->nodes[i].kind == NODE_CROSSING) {
      m->cross_node[m->n_cross] = (int)i;
      m->cross_of_node[i] = m->n_cross++;
    }
  }
  for (size_t i = 0; i < sc->n_convoys; i++) {
    const struct convoy_schedule *s = &sc->convoys[i];
    if (s->trucks > m->max_trucks)
      m->max_trucks = s->trucks;
    if (s->route_len < 2) {
      diag_add(d, sc->file, s->line, "convoy %s: a route needs at least two nodes", s->id);
      e = ERR_SCENARIO;
    }
  }
  if (!m->window_all)
    for (size_t r = 0; r < sc->n_roads; r++) {
      double v = dist_mean(&sc->roads[r].kmh);
      if (v > 0 && sc->roads[r].km / v > m->window_to - m->window_from) {
        diag_add(d, sc->file, sc->roads[r].line,
                 "road %s: %.3g h at its mean speed is longer than the movement window (%.3g h)",
                 sc->roads[r].id, sc->roads[r].km / v, m->window_to - m->window_from);
        e = ERR_SCENARIO;
      }
    }
  /* shortest road distances, for the QRF */
  for (size_t i = 0; i < n * n; i++)
    dist[i] = INFINITY;
  for (size_t i = 0; i < n; i++)
    dist[i * n + i] = 0;
  for (size_t r = 0; r < sc->n_roads; r++) {
    size_t a = (size_t)sc->roads[r].from, b = (size_t)sc->roads[r].to;
    if (sc->roads[r].km < dist[a * n + b])
      dist[a * n + b] = dist[b * n + a] = sc->roads[r].km;
  }
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++)
        if (dist[i * n + k] + dist[k * n + j] < dist[i * n + j])
          dist[i * n + j] = dist[i * n + k] + dist[k * n + j];
  for (size_t r = 0; r < sc->n_roads; r++) {
    double best = INFINITY;
    for (size_t b = 0; b < sc->force.n_qrf_bases; b++) {
      size_t q = (size_t)sc->force.qrf_bases[b];
      double x = fmin(dist[q * n + (size_t)sc->roads[r].from], dist[q * n + (size_t)sc->roads[r].to]);
      if (x < best)
        best = x;
    }
    m->qrf_km[r] = sc->force.qrf_kmh > 0 ? best : INFINITY;
  }
  free(dist);
  /* the timeline: what it may change, and room for it */
  m->max_lanes = 1;
  for (size_t i = 0; i < n; i++)
    if (sc->nodes[i].lanes > m->max_lanes)
      m->max_lanes = sc->nodes[i].lanes;
  for (size_t i = 0; i < sc->n_timeline; i++) {
    const struct timeline_change *c = &sc->timeline[i];
    size_t cf = offsetof(struct scenario, ceasefire);
    if (c->region == REGION_NODE && c->offset == offsetof(struct node, lanes) &&
        c->value.u.i > m->max_lanes && c->value.u.i < INT_MAX)
      m->max_lanes = (int)c->value.u.i;
    if (c->value.type == VALUE_STRING ||
        (c->region == REGION_ROOT && c->offset >= cf && c->offset < cf + sizeof sc->ceasefire) ||
        (c->region == REGION_ROAD && c->offset == offsetof(struct road, km))) {
      diag_add(d, sc->file, c->line,
               "timeline: '%s' cannot change over time in the model (ceasefire violations "
               "are drawn at time 0 and road lengths fix the QRF distances); sweep it instead",
               c->key);
      e = ERR_SCENARIO;
    }
  }
  if (e != ERR_OK) {
    model_free(m);
    return e;
  }
  *out = m;
  return ERR_OK;
}

void model_free(struct model *m)
{
  if (m == NULL)
    return;
  free(m->cross_of_node);
  free(m->cross_node);
  free(m->qrf_km);
  free(m);
}

void model_ws_free(struct model_ws *ws)
{
  if (ws == NULL)
    return;
  calendar_release(&ws->cal);
  stream_free(ws->r_cease);
  if (ws->r_coord)
    for (size_t i = 0; i < ws->m->sc->n_convoys; i++) {
      stream_free(ws->r_coord[i]);
      stream_free(ws->r_inter[i]);
    }
  free(ws->r_coord);
  free(ws->r_inter);
  if (ws->x)
    for (int k = 0; k < ws->m->n_cross; k++) {
      struct xing *x = &ws->x[k];
      stream_free(x->r_supply);
      stream_free(x->r_inspect);
      stream_free(x->r_transfer);
      free(x->q);
      free(x->lane_free);
      free(x->pend);
    }
  free(ws->x);
  for (size_t i = 0; i < ws->cap_cv; i++) {
    free(ws->cv[i].cargo);
    free(ws->cv[i].hit);
    for (int k = 0; k < CRS_COUNT; k++)
      stream_free(ws->cv[i].rng[k]);
  }
  free(ws->cv);
  free(ws->free_cv);
  free(ws->wait);
  free(ws->halt);
  free(ws->sched_count);
  free(ws->stock);
  free(ws->D);
  free(ws->esc_until);
  free(ws->day_deliv);
  free(ws->nodes);
  free(ws->roads);
  free(ws->convoys);
  free(ws->roe);
  free(ws->conts);
  free(ws->cont_roe);
  free(ws->zone_weight);
  free(ws);
}

enum err model_ws_new(const struct model *m, struct model_ws **out)
{
  const struct scenario *sc = m->sc;
  struct model_ws *ws = calloc(1, sizeof *ws);
  size_t nc = sc->n_convoys, nn = sc->n_nodes + 1;
  *out = NULL;
  if (ws == NULL)
    return ERR_NOMEM;
  ws->m = m;
  ws->own = *sc;
  ws->sc = &ws->own;
  ws->nodes = malloc(nn * sizeof *ws->nodes);
  ws->roads = malloc((sc->n_roads + 1) * sizeof *ws->roads);
  ws->convoys = malloc((nc + 1) * sizeof *ws->convoys);
  ws->roe = malloc((sc->n_roe + 1) * sizeof *ws->roe);
  ws->conts = malloc((sc->force.n_contingents + 1) * sizeof *ws->conts);
  ws->cont_roe = malloc((sc->force.n_contingents + 1) * sizeof *ws->cont_roe);
  ws->zone_weight = calloc(nn, sizeof *ws->zone_weight);
  if (!ws->nodes || !ws->roads || !ws->convoys || !ws->roe || !ws->conts || !ws->cont_roe ||
      !ws->zone_weight) {
    model_ws_free(ws);
    return ERR_NOMEM;
  }
  calendar_init(&ws->cal, MODEL_MAX_PENDING);
  ws->r_cease = stream_new();
  ws->r_coord = calloc(nc + 1, sizeof *ws->r_coord);
  ws->r_inter = calloc(nc + 1, sizeof *ws->r_inter);
  ws->x = calloc((size_t)m->n_cross + 1, sizeof *ws->x);
  ws->sched_count = calloc(nc + 1, sizeof *ws->sched_count);
  ws->stock = calloc(nn, sizeof *ws->stock);
  ws->D = calloc(nn, sizeof *ws->D);
  ws->esc_until = calloc(sc->n_roads + 1, sizeof *ws->esc_until);
  ws->day_deliv = calloc(nn, sizeof *ws->day_deliv);
  if (!ws->r_cease || !ws->r_coord || !ws->r_inter || !ws->x || !ws->sched_count || !ws->stock ||
      !ws->D || !ws->esc_until || !ws->day_deliv) {
    model_ws_free(ws);
    return ERR_NOMEM;
  }
  for (size_t i = 0; i < nc; i++) {
    ws->r_coord[i] = stream_new();
    ws->r_inter[i] = stream_new();
    if (!ws->r_coord[i] || !ws->r_inter[i]) {
      model_ws_free(ws);
      return ERR_NOMEM;
    }
  }
  for (int k = 0; k < m->n_cross; k++) {
    struct xing *x = &ws->x[k];
    x->node = m->cross_node[k];
    x->r_supply = stream_new();
    x->r_inspect = stream_new();
    x->r_transfer = stream_new();
    x->lane_free = calloc((size_t)m->max_lanes + 1, sizeof *x->lane_free);
    if (!x->r_supply || !x->r_inspect || !x->r_transfer || !x->lane_free) {
      model_ws_free(ws);
      return ERR_NOMEM;
    }
  }
  if (calendar_reserve(&ws->cal, 1024) != ERR_OK) {
    model_ws_free(ws);
    return ERR_NOMEM;
  }
  *out = ws;
  return ERR_OK;
}

/* What depends on values a timeline may change. */
static void derive(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  double pop = 0;
  ws->road_km = 0;
  for (size_t r = 0; r < sc->n_roads; r++)
    ws->road_km += sc->roads[r].km;
  ws->need_rate = 0;
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].kind == NODE_DISTRIBUTION) {
      pop += sc->nodes[i].population;
      ws->need_rate += sc->nodes[i].need_t_per_day;
    }
  for (size_t i = 0; i < sc->n_nodes; i++)
    ws->zone_weight[i] = sc->nodes[i].kind != NODE_DISTRIBUTION ? 0.0
                         : pop > 0 ? sc->nodes[i].population / pop : 1.0;
  ws->esc_roe = sc->force.roe >= 0 && (size_t)sc->force.roe < sc->n_roe ? sc->force.roe : 0;
  ws->patrol_deter = sc->n_roe > 0 ? sc->roe[ws->esc_roe].patrol_deter : 0.0;
  ws->cont_troops = 0;
  if (sc->force.n_contingents > 0) {
    double w = 0, pd = 0;
    for (size_t i = 0; i < sc->force.n_contingents; i++) {
      const struct contingent *ct = &sc->force.contingents[i];
      ws->cont_roe[i] = ct->roe_cap >= 0 ? less_permissive(sc, ws->esc_roe, ct->roe_cap) : ws->esc_roe;
      w += ct->troops;
      pd += ct->troops * sc->roe[ws->cont_roe[i]].patrol_deter;
    }
    ws->cont_troops = w;
    if (w > 0)
      ws->patrol_deter = pd / w;
  }
}

/* Integrate force cost and need over [warmup, horizon) up to t. */
static void integrate_to(struct model_ws *ws, double t)
{
  double a = ws->acc_t > ws->m->warmup ? ws->acc_t : ws->m->warmup;
  double b = t < ws->m->horizon ? t : ws->m->horizon;
  if (b > a) {
    ws->cost_acc += ws->cost_rate * (b - a);
    ws->need_acc += ws->need_rate * (b - a) / 24.0;
  }
  if (t > ws->acc_t)
    ws->acc_t = t;
}

static void reset(struct model_ws *ws, uint64_t seed, uint64_t rep)
{
  const struct model *m = ws->m;
  const struct scenario *orig = m->sc;
  const struct scenario *sc = ws->sc;
  ws->own = *orig;
  memcpy(ws->nodes, orig->nodes, orig->n_nodes * sizeof *ws->nodes);
  memcpy(ws->roads, orig->roads, orig->n_roads * sizeof *ws->roads);
  memcpy(ws->convoys, orig->convoys, orig->n_convoys * sizeof *ws->convoys);
  memcpy(ws->roe, orig->roe, orig->n_roe * sizeof *ws->roe);
  if (orig->force.n_contingents > 0)
    memcpy(ws->conts, orig->force.contingents, orig->force.n_contingents * sizeof *ws->conts);
  ws->own.nodes = ws->nodes;
  ws->own.roads = ws->roads;
  ws->own.convoys = ws->convoys;
  ws->own.roe = ws->roe;
  ws->own.force.contingents = ws->conts;
  ws->next_tl = 0;
  ws->next_change_t = orig->n_timeline > 0 ? orig->timeline[0].day * 24.0 : INFINITY;
  derive(ws);
  ws->acc_t = 0;
  ws->cost_acc = ws->need_acc = 0;
  calendar_clear(&ws->cal);
  ws->seed = seed;
  ws->rep = rep;
  ws->err = ERR_OK;
  memset(ws->met, 0, sizeof ws->met);
  ws->sum_cross_wait = ws->sum_esc_wait = ws->sum_transit = ws->sum_qrf = 0;
  ws->n_cross_wait = ws->n_esc_wait = ws->n_transit = ws->n_qrf = 0;
  ws->requested = 0;
  ws->n_wait = 0;
  ws->n_free = 0;
  for (size_t i = ws->n_cv; i > 0; i--) {
    ws->cv[i - 1].state = CS_FREE;
    ws->free_cv[ws->n_free++] = (int)(i - 1);
  }
  ws->alive = 0;
  ws->day = 0;
  ws->n_halt = 0;
  ws->halt_i = 0;
  ws->esc_busy = ws->qrf_busy = 0;
  ws->fleet_free = sc->fleet.trucks == SCENARIO_UNLIMITED ? INFINITY : (double)sc->fleet.trucks;
  stream_seek(ws->r_cease, seed, rep, SRC_CEASEFIRE);
  for (size_t i = 0; i < sc->n_convoys; i++) {
    stream_seek(ws->r_coord[i], seed, rep, SRC_COORD + i);
    stream_seek(ws->r_inter[i], seed, rep, SRC_INTERARR + i);
    ws->sched_count[i] = 0;
  }
  for (size_t i = 0; i < sc->n_nodes; i++) {
    const struct node *nd = &sc->nodes[i];
    ws->stock[i] = nd->kind == NODE_DEPOT && nd->stock_trucks != SCENARIO_UNLIMITED
                       ? (double)nd->stock_trucks : INFINITY;
    ws->D[i] = nd->desperation;
    ws->day_deliv[i] = 0;
  }
  {
    double wsum = 0, dsum = 0;
    for (size_t i = 0; i < sc->n_nodes; i++)
      if (sc->nodes[i].kind == NODE_DISTRIBUTION) {
        wsum += ws->zone_weight[i] * ws->D[i];
        dsum += ws->zone_weight[i];
      }
    ws->D_mean = dsum > 0 ? wsum / dsum : 0.0;
  }
  for (size_t r = 0; r < sc->n_roads; r++)
    ws->esc_until[r] = -INFINITY;
  for (int k = 0; k < m->n_cross; k++) {
    struct xing *x = &ws->x[k];
    const struct node *nd = &sc->nodes[x->node];
    stream_seek(x->r_supply, seed, rep, SRC_SUPPLY + (uint64_t)x->node);
    stream_seek(x->r_inspect, seed, rep, SRC_INSPECT + (uint64_t)x->node);
    stream_seek(x->r_transfer, seed, rep, SRC_TRANSFER + (uint64_t)x->node);
    x->q_head = x->q_len = 0;
    x->supply_done = false;
    x->next_batch_day = 0;
    x->batch_acc = 0;
    x->sup_rate = nd->supply_trucks_per_day;
    x->sup_resid = stream_exponential(x->r_supply, 1.0); /* drawn whatever the rate */
    x->next_arrival = nd->supply_trucks_per_day > 0
                          ? x->sup_resid * 24.0 / nd->supply_trucks_per_day : INFINITY;
    for (int j = 0; j < nd->lanes; j++)
      x->lane_free[j] = 0;
    x->last_start = 0;
    x->day_idx = -1;
    x->day_count = 0;
    x->halt_i = 0;
    x->pend_n = 0;
    x->collect = nd->backlog_trucks;
    x->ev = CALENDAR_NO_HANDLE;
    x->presented = x->started = x->taken = 0;
  }
}

static void finish_metrics(struct model_ws *ws, struct rep_result *out)
{
  const struct model *m = ws->m;
  double *v = ws->met;
  for (int k = 0; k < m->n_cross; k++) { /* count entries before the horizon */
    struct xing *x = &ws->x[k];
    while (xing_gen(ws, x))
      ;
    xing_advance(ws, x, m->horizon);
  }
  v[METRIC_DELIVERY_RATE] = v[METRIC_CONVOYS_SCHEDULED] > 0
                                ? v[METRIC_CONVOYS_THROUGH] / v[METRIC_CONVOYS_SCHEDULED] : NAN;
  v[METRIC_INTERCEPT_RATE] = v[METRIC_TRUCKS_DISPATCHED] > 0
                                 ? v[METRIC_TRUCKS_INTERCEPTED] / v[METRIC_TRUCKS_DISPATCHED] : NAN;
  v[METRIC_FILL_RATE] = ws->requested > 0 ? v[METRIC_TRUCKS_DISPATCHED] / (double)ws->requested : NAN;
  integrate_to(ws, m->horizon);
  v[METRIC_NEED_COVERAGE] = ws->need_acc > 0 ? v[METRIC_TONNES_DELIVERED] / ws->need_acc : NAN;
  v[METRIC_CROSSING_WAIT_H] = ws->n_cross_wait > 0 ? ws->sum_cross_wait / (double)ws->n_cross_wait : NAN;
  v[METRIC_ESCORT_WAIT_H] = ws->n_esc_wait > 0 ? ws->sum_esc_wait / (double)ws->n_esc_wait : NAN;
  v[METRIC_TRANSIT_H] = ws->n_transit > 0 ? ws->sum_transit / (double)ws->n_transit : NAN;
  v[METRIC_QRF_RESPONSE_H] = ws->n_qrf > 0 ? ws->sum_qrf / (double)ws->n_qrf : NAN;
  v[METRIC_FORCE_COST_USD] = ws->cost_acc;
  v[METRIC_COST_PER_TONNE_USD] = v[METRIC_TONNES_DELIVERED] > 0 ? ws->cost_acc / v[METRIC_TONNES_DELIVERED] : NAN;
  memcpy(out->metric, v, sizeof ws->met);
}

/* Apply every timeline change due now, then bring everything that reads
 * the changed values up to date. */
static void apply_timeline(struct model_ws *ws, double now)
{
  const struct scenario *orig = ws->m->sc;
  struct scenario *sc = &ws->own;
  integrate_to(ws, now);
  for (int k = 0; k < ws->m->n_cross; k++) /* everything before now under the old values */
    xing_advance(ws, &ws->x[k], now);
  while (ws->next_tl < orig->n_timeline && orig->timeline[ws->next_tl].day * 24.0 <= now) {
    const struct timeline_change *c = &orig->timeline[ws->next_tl++];
    scenario_apply_change(sc, c);
    trace(ws, "timeline", NULL, c->key, NULL);
  }
  for (int k = 0; k < ws->m->n_cross; k++) { /* Poisson supply: rescale the clock */
    struct xing *x = &ws->x[k];
    const struct node *nd = &sc->nodes[x->node];
    double nr = nd->supply_trucks_per_day, old = x->sup_rate;
    if (nd->supply_arrivals != SUPPLY_POISSON || nr == old || x->supply_done)
      continue;
    if (old > 0)
      x->sup_resid = (x->next_arrival - now) * old / 24.0;
    x->next_arrival = nr > 0 ? now + x->sup_resid * 24.0 / nr : INFINITY;
    x->sup_rate = nr;
  }
  ws->next_change_t = ws->next_tl < orig->n_timeline ? orig->timeline[ws->next_tl].day * 24.0 : INFINITY;
  if (ws->next_change_t < INFINITY)
    push(ws, ws->next_change_t, EV_TIMELINE, 0, 0, NULL);
  derive(ws);
  {
    double wsum = 0, dsum = 0;
    for (size_t i = 0; i < sc->n_nodes; i++) {
      wsum += ws->zone_weight[i] * ws->D[i];
      dsum += ws->zone_weight[i];
    }
    ws->D_mean = dsum > 0 ? wsum / dsum : 0.0;
  }
  compute_pools(ws, now);
  refresh_all(ws, now);
  try_dispatch(ws, now);
}

enum err model_replicate(const struct model *m, struct model_ws *ws, uint64_t seed, uint64_t rep,
                         const struct model_sinks *sinks, struct rep_result *out)
{
  const struct scenario *sc = ws->sc;
  struct event ev;
  uint64_t events = 0;
  double last = 0;
  reset(ws, seed, rep);
  ws->sinks = sinks;
  /* ceasefire violations, drawn for the whole horizon */
  if (sc->ceasefire.present && sc->ceasefire.violations_per_day > 0) {
    double t = stream_exponential(ws->r_cease, 24.0 / sc->ceasefire.violations_per_day);
    while (t < m->horizon) {
      double h = draw(&sc->ceasefire.halt_h, ws->r_cease), end = t + h;
      bool collapse = gsl_rng_uniform(ws->r_cease) < sc->ceasefire.collapse_p;
      if (collapse && end < m->horizon)
        end = m->horizon;
      if (add_halt(ws, t, end) != ERR_OK)
        return ERR_NOMEM;
      if (collapse)
        break;
      t += stream_exponential(ws->r_cease, 24.0 / sc->ceasefire.violations_per_day);
    }
    for (size_t i = 0; i < ws->n_halt; i++) {
      push(ws, ws->halt[i].a, EV_HALT_START, (int)i, 0, NULL);
      push(ws, ws->halt[i].b, EV_HALT_END, (int)i, 0, NULL);
    }
  }
  compute_pools(ws, 0.0);
  for (size_t i = 0; i < sc->force.n_buildup; i++)
    if (sc->force.present && sc->force.buildup[i].day > 0)
      push(ws, sc->force.buildup[i].day * 24.0, EV_BUILDUP, (int)i, 0, NULL);
  if (sc->n_timeline > 0)
    push(ws, ws->next_change_t, EV_TIMELINE, 0, 0, NULL);
  for (size_t i = 0; i < sc->n_convoys; i++)
    if (sc->convoys[i].depart_h < m->horizon && sc->convoys[i].count != 0)
      push(ws, sc->convoys[i].depart_h, EV_SPAWN, (int)i, 0, NULL);
  push(ws, 24.0, EV_MIDNIGHT, 0, 0, NULL);
  while (ws->err == ERR_OK && calendar_pop(&ws->cal, &ev)) {
    double now = ev.time;
    struct convoy *c = ev.entity >= 0 && (size_t)ev.entity < ws->n_cv ? &ws->cv[ev.entity] : NULL;
    if (now < last)
      return ERR_INTERNAL;
    last = now;
    events++;
    switch ((enum ev_kind)ev.kind) {
    case EV_SPAWN:
      spawn(ws, ev.entity, now);
      break;
    case EV_READY:
      c->ev = CALENDAR_NO_HANDLE;
      convoy_ready(ws, ev.entity, now);
      break;
    case EV_MAXWAIT:
      c->ev_wait = CALENDAR_NO_HANDLE;
      c->timed_out = true;
      trace(ws, "max_wait", c, NULL, NULL);
      try_dispatch(ws, now);
      break;
    case EV_LOADS:
      ws->x[ev.entity].ev = CALENDAR_NO_HANDLE;
      trace(ws, "loads_ready", NULL, sc->nodes[ws->x[ev.entity].node].id, NULL);
      try_dispatch(ws, now);
      break;
    case EV_HALT_START:
      trace(ws, "halt_start", NULL, NULL, NULL);
      refresh_all(ws, now);
      break;
    case EV_HALT_END:
      trace(ws, "halt_end", NULL, NULL, NULL);
      refresh_all(ws, now);
      try_dispatch(ws, now);
      break;
    case EV_MIDNIGHT:
      trace(ws, "midnight", NULL, NULL, NULL);
      midnight(ws, now);
      break;
    case EV_PHASE_END:
      c->ev = CALENDAR_NO_HANDLE;
      consume(c, now);
      if (c->state == CS_REST) {
        c->state = CS_DRIVE;
        c->rem = c->drive_h;
        schedule_exposed(ws, c, ev.entity, now);
      } else {
        const struct convoy_schedule *s = &sc->convoys[c->sched];
        c->leg++;
        if ((size_t)c->leg + 1 >= s->route_len) {
          trace(ws, "arrive", c, sc->nodes[s->route[s->route_len - 1]].id, NULL);
          convoy_finish(ws, c, ev.entity, now, true);
        } else {
          start_leg(ws, c, ev.entity, now);
        }
      }
      break;
    case EV_ARMED:
      armed_attack(ws, ev.entity, now);
      break;
    case EV_CROWD:
      crowd_interception(ws, ev.entity, now);
      break;
    case EV_HOLD_END:
      c->ev = CALENDAR_NO_HANDLE;
      trace(ws, "hold_end", c, NULL, NULL);
      if (!has_cargo(c)) {
        convoy_finish(ws, c, ev.entity, now, false);
      } else if (c->before_hold == CS_DRIVE) {
        c->state = CS_DRIVE;
        schedule_exposed(ws, c, ev.entity, now);
      } else {
        start_or_rest(ws, c, ev.entity, now);
      }
      break;
    case EV_FLEET:
      ws->fleet_free += ev.aux;
      trace(ws, "fleet_return", NULL, NULL, NULL);
      try_dispatch(ws, now);
      break;
    case EV_QRF_FREE:
      ws->qrf_busy--;
      break;
    case EV_ESC_END:
      trace(ws, "escalation_end", NULL, sc->roads[ev.entity].id, NULL);
      refresh_all(ws, now);
      break;
    case EV_TIMELINE:
      apply_timeline(ws, now);
      break;
    case EV_BUILDUP:
      trace(ws, "buildup", NULL, NULL, NULL);
      integrate_to(ws, now);
      compute_pools(ws, now);
      refresh_all(ws, now);
      try_dispatch(ws, now);
      break;
    }
  }
  if (ws->err != ERR_OK)
    return ws->err;
  finish_metrics(ws, out);
  out->events = events;
  return ws->err;
}

enum err model_audit(const struct model_ws *ws, char *msg, size_t len)
{
  const struct model *m = ws->m;
  for (int k = 0; k < m->n_cross; k++) {
    const struct xing *x = &ws->x[k];
    long queued = 0;
    for (size_t i = 0; i < x->q_len; i++)
      queued += x->q[(x->q_head + i) % x->q_cap].n;
    if (x->presented != queued + x->started) {
      snprintf(msg, len, "crossing %s: %ld presented != %ld queued + %ld started",
               ws->sc->nodes[x->node].id, x->presented, queued, x->started);
      return ERR_INTERNAL;
    }
    if (x->started + ws->sc->nodes[x->node].backlog_trucks !=
        (long)x->pend_n + x->collect + x->taken) {
      snprintf(msg, len, "crossing %s: %ld started + backlog != %zu in transfer + %ld waiting + %ld taken",
               ws->sc->nodes[x->node].id, x->started, x->pend_n, x->collect, x->taken);
      return ERR_INTERNAL;
    }
    if (x->collect < 0) {
      snprintf(msg, len, "crossing %s: negative backlog", ws->sc->nodes[x->node].id);
      return ERR_INTERNAL;
    }
  }
  if (ws->alive != 0 || ws->n_wait != 0) {
    snprintf(msg, len, "%ld convoys still alive at the end", ws->alive);
    return ERR_INTERNAL;
  }
  if (ws->esc_busy != 0 || ws->qrf_busy != 0) {
    snprintf(msg, len, "teams still busy at the end: escort %d, qrf %d", ws->esc_busy, ws->qrf_busy);
    return ERR_INTERNAL;
  }
  if (ws->sc->fleet.trucks != SCENARIO_UNLIMITED && ws->fleet_free != (double)ws->sc->fleet.trucks) {
    snprintf(msg, len, "fleet: %g free at the end of %ld", ws->fleet_free, ws->sc->fleet.trucks);
    return ERR_INTERNAL;
  }
  if (len > 0)
    msg[0] = '\0';
  return ERR_OK;
}
