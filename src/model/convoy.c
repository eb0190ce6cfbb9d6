/*
 * convoy.c - a convoy's life (SPEC 4.0, 4.7-4.8): spawned by its schedule,
 * coordinated (denied, impeded or facilitated), waiting for loads, fleet
 * trucks and escort teams, departing, driving its legs inside the movement
 * window, arriving or lost, and its outcome.  Owns struct convoy_state:
 * the convoys, depot stock, the fleet and the waiting list.
 *
 * The one rule: waiting reserves nothing.  Whenever a resource frees,
 * waiting convoys, in the order they became ready, leave if they find all
 * they need; one that cannot does not block the next.  A convoy waits only
 * for escort teams that exist: it asks for min(escort_teams, teams in the
 * pool now); with no teams it does not wait.  Per-convoy streams are keyed
 * by (source, schedule, departure number): a change of force changes when
 * a convoy meets trouble, never which numbers its clocks consume.
 */
#include "model_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"

enum err convoy_new(struct model_ws *ws)
{
  const struct scenario *sc = ws->m->sc;
  struct convoy_state *cs = &ws->cs;
  size_t nc = sc->n_convoys;
  cs->r_coord = calloc(nc + 1, sizeof *cs->r_coord);
  cs->r_inter = calloc(nc + 1, sizeof *cs->r_inter);
  cs->sched_count = calloc(nc + 1, sizeof *cs->sched_count);
  cs->stock = calloc(sc->n_nodes + 1, sizeof *cs->stock);
  if (!cs->r_coord || !cs->r_inter || !cs->sched_count || !cs->stock)
    return ERR_NOMEM;
  for (size_t i = 0; i < nc; i++) {
    cs->r_coord[i] = stream_new();
    cs->r_inter[i] = stream_new();
    if (!cs->r_coord[i] || !cs->r_inter[i])
      return ERR_NOMEM;
  }
  return ERR_OK;
}

void convoy_free(struct model_ws *ws)
{
  struct convoy_state *cs = &ws->cs;
  if (cs->r_coord)
    for (size_t i = 0; i < ws->m->sc->n_convoys; i++)
      stream_free(cs->r_coord[i]);
  if (cs->r_inter)
    for (size_t i = 0; i < ws->m->sc->n_convoys; i++)
      stream_free(cs->r_inter[i]);
  free(cs->r_coord);
  free(cs->r_inter);
  for (size_t i = 0; i < cs->cap_cv; i++) {
    free(cs->cv[i].cargo);
    free(cs->cv[i].hit);
    for (int k = 0; k < CRS_COUNT; k++)
      stream_free(cs->cv[i].rng[k]);
  }
  free(cs->cv);
  free(cs->free_cv);
  free(cs->wait);
  free(cs->sched_count);
  free(cs->stock);
}

void convoy_reset(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  struct convoy_state *cs = &ws->cs;
  cs->requested = 0;
  cs->n_wait = 0;
  cs->n_free = 0;
  for (size_t i = cs->n_cv; i > 0; i--) {
    cs->cv[i - 1].state = CS_FREE;
    cs->free_cv[cs->n_free++] = (int)(i - 1);
  }
  cs->alive = 0;
  cs->top = 0;
  cs->fleet_free = sc->fleet.trucks == SCENARIO_UNLIMITED ? INFINITY : (double)sc->fleet.trucks;
  for (size_t i = 0; i < sc->n_convoys; i++) {
    stream_seek(cs->r_coord[i], ws->seed, ws->rep, SRC_COORD + i);
    stream_seek(cs->r_inter[i], ws->seed, ws->rep, SRC_INTERARR + i);
    cs->sched_count[i] = 0;
  }
  for (size_t i = 0; i < sc->n_nodes; i++) {
    const struct node *nd = &sc->nodes[i];
    cs->stock[i] = nd->kind == NODE_DEPOT && nd->stock_trucks != SCENARIO_UNLIMITED
                       ? (double)nd->stock_trucks : INFINITY;
  }
}

/* A free convoy slot (doubling the table when none is left), or -1. */
static int cv_alloc(struct model_ws *ws)
{
  const struct model *m = ws->m;
  struct convoy_state *cs = &ws->cs;
  if (cs->n_free == 0) {
    size_t nc = cs->n_cv ? 2 * cs->n_cv : 32;
    if (set_err(ws, GROW(&cs->cv, &cs->alloc_cv, nc, 32, MODEL_MAX_PENDING)) ||
        set_err(ws, GROW(&cs->free_cv, &cs->alloc_free, nc, 32, MODEL_MAX_PENDING)) ||
        set_err(ws, GROW(&cs->wait, &cs->alloc_wait, nc, 32, MODEL_MAX_PENDING)))
      return -1;
    for (size_t i = cs->cap_cv; i < nc; i++) {
      struct convoy *c = &cs->cv[i];
      memset(c, 0, sizeof *c);
      cs->cap_cv = i + 1; /* so that convoy_free releases it */
      c->cargo = calloc((size_t)m->max_trucks + 1, sizeof *c->cargo);
      c->hit = calloc((size_t)m->max_trucks + 1, sizeof *c->hit);
      if (c->cargo == NULL || c->hit == NULL) {
        set_err(ws, ERR_NOMEM);
        return -1;
      }
      for (int k = 0; k < CRS_COUNT; k++)
        if ((c->rng[k] = stream_new()) == NULL) {
          set_err(ws, ERR_NOMEM);
          return -1;
        }
    }
    /* free slots, highest last so the lowest is used first */
    for (size_t i = nc; i > cs->n_cv; i--)
      cs->free_cv[cs->n_free++] = (int)(i - 1);
    cs->n_cv = nc;
  }
  int slot = cs->free_cv[--cs->n_free];
  if ((size_t)slot >= cs->top)
    cs->top = (size_t)slot + 1;
  return slot;
}

static void record_end(struct model_ws *ws, struct convoy *c, enum convoy_outcome o,
                       double now, double deliv, double lost, int n_deliv, int n_hit)
{
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  static const enum metric om[] = {
#define X(id, name, metric) METRIC_##metric,
    OUTCOME_LIST(X)
#undef X
  };
  trace(ws, "end", c, sc->nodes[s->route[o == OUTCOME_THROUGH || o == OUTCOME_PARTIAL ? s->route_len - 1 : 0]].id,
        convoy_outcome_name(o));
  if (!c->counted)
    return;
  ws->cnt.met[om[o]] += 1;
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
  ws->cs.free_cv[ws->cs.n_free++] = slot;
  ws->cs.alive--;
}

static void wait_remove(struct model_ws *ws, int slot)
{
  struct convoy_state *cs = &ws->cs;
  size_t k = 0;
  for (size_t i = 0; i < cs->n_wait; i++)
    if (cs->wait[i] != slot)
      cs->wait[k++] = cs->wait[i];
  cs->n_wait = k;
}

/* A waiting convoy is cancelled: it takes nothing. */
static void cancel_waiting(struct model_ws *ws, struct convoy *c, int slot, double now)
{
  cancel(ws, &c->ev_wait);
  wait_remove(ws, slot);
  record_end(ws, c, OUTCOME_CANCELLED, now, 0, 0, 0, 0);
  cv_release(ws, c, slot);
}

/* A departed convoy ends (arrived, or lost at the end of a hold). */
static void finish(struct model_ws *ws, struct convoy *c, int slot, double now, bool arrived)
{
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  double deliv = 0, disp = c->n * sc->tonnes_per_truck;
  int nd = 0, nh = 0, nhc = 0, nha = 0;
  enum convoy_outcome o;
  for (int i = 0; i < c->n; i++) {
    if (arrived && c->cargo[i] > 0) {
      deliv += c->cargo[i];
      nd++;
    }
    nh += c->hit[i] != 0;
    nhc += (c->hit[i] & HIT_CROWD) != 0;
    nha += (c->hit[i] & HIT_ARMED) != 0;
  }
  if (deliv >= sc->success_fraction * disp && deliv > 0)
    o = OUTCOME_THROUGH;
  else if (deliv > 0)
    o = OUTCOME_PARTIAL;
  else
    o = OUTCOME_LOST;
  if (arrived) {
    int dest = s->route[s->route_len - 1];
    ws->cnt.day_deliv[dest] += deliv;
  }
  if (c->counted) {
    ws->cnt.met[METRIC_TRUCKS_DELIVERED] += nd;
    ws->cnt.met[METRIC_TRUCKS_INTERCEPTED] += nh;
    ws->cnt.met[METRIC_TONNES_DELIVERED] += deliv;
    ws->cnt.met[METRIC_TONNES_LOST] += disp - deliv;
    ws->cnt.met[METRIC_TRUCKS_INTERCEPTED_CROWD] += nhc;
    ws->cnt.met[METRIC_TRUCKS_INTERCEPTED_ARMED] += nha;
    ws->cnt.met[METRIC_TONNES_LOST_CROWD] += c->lost_crowd;
    ws->cnt.met[METRIC_TONNES_LOST_ARMED] += c->lost_armed;
    if (arrived) {
      ws->cnt.sum_transit += now - c->depart;
      ws->cnt.n_transit++;
    }
  }
  force_account(ws, now);
  ws->fs.esc_busy -= c->teams;
  push(ws, now + (now - c->depart), EV_FLEET, 0, (uint32_t)c->n, NULL);
  record_end(ws, c, o, now, deliv, disp - deliv, nd, nh);
  cancel(ws, &c->ev);
  cv_release(ws, c, slot);
  convoy_try_dispatch(ws, now);
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
  threat_schedule(ws, c, slot, now);
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

static void depart(struct model_ws *ws, struct convoy *c, int slot, double now, int n, int teams)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  struct convoy_state *cs = &ws->cs;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  int start = s->route[0];
  int xi = m->cross_of_node[start];
  if (xi >= 0) {
    ws->x[xi].collect -= n;
    ws->x[xi].taken += n;
  } else if (cs->stock[start] < INFINITY) {
    cs->stock[start] -= n;
  }
  cs->fleet_free -= n;
  force_account(ws, now);
  ws->fs.esc_busy += teams;
  cancel(ws, &c->ev_wait);
  wait_remove(ws, slot);
  c->n = n;
  c->teams = teams;
  c->depart = now;
  for (int k = 0; k < CRS_FIRST_INCIDENT; k++) /* the incident streams at each incident */
    stream_seek(c->rng[k], ws->seed, ws->rep, convoy_source(k, c->sched, c->number));
  c->roe = force_escort_roe(ws, teams, c->rng[CRS_ESCORT], &c->roe_cont);
  for (int i = 0; i < n; i++) {
    c->cargo[i] = sc->tonnes_per_truck;
    c->hit[i] = 0;
  }
  c->incidents = 0;
  c->lost_crowd = c->lost_armed = 0;
  c->ea = stream_exponential(c->rng[CRS_ARMED], 1.0);
  c->ec = stream_exponential(c->rng[CRS_CROWD], 1.0);
  c->leg = 0;
  if (c->counted) {
    ws->cnt.met[METRIC_TRUCKS_DISPATCHED] += n;
    if (c->req_teams > 0) {
      ws->cnt.sum_esc_wait += now - c->ready;
      ws->cnt.n_esc_wait++;
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
    return crossing_loads(ws, &ws->x[xi], now);
  if (ws->cs.stock[node] == INFINITY)
    return LONG_MAX;
  return (long)ws->cs.stock[node];
}

/* A convoy at a crossing waits for loads: be woken when the next is ready. */
static void want_loads(struct model_ws *ws, int node)
{
  int xi = ws->m->cross_of_node[node];
  struct crossing *x;
  double t;
  if (xi < 0)
    return;
  x = &ws->x[xi];
  t = crossing_next_load(ws, x);
  if (t == INFINITY)
    return;
  if (x->ev != CALENDAR_NO_HANDLE && x->ev_time <= t && calendar_pending(&ws->cal, x->ev))
    return;
  cancel(ws, &x->ev);
  x->ev_time = t;
  push(ws, t, EV_LOADS, xi, 0, &x->ev);
}

void convoy_try_dispatch(struct model_ws *ws, double now)
{
  const struct scenario *sc = ws->sc;
  struct convoy_state *cs = &ws->cs;
  size_t i = 0;
  if (sc->ceasefire.present && ceasefire_halted(ws, now))
    return;
  while (i < cs->n_wait) {
    int slot = cs->wait[i];
    struct convoy *c = &cs->cv[slot];
    const struct convoy_schedule *s = &sc->convoys[c->sched];
    long loads = loads_at(ws, s->route[0], now);
    double fleet = cs->fleet_free;
    int esc_free = ws->fs.esc_pool - ws->fs.esc_busy;
    int need = s->trucks;
    if (esc_free < 0)
      esc_free = 0;
    if (c->req_teams > ws->fs.esc_pool)
      c->req_teams = ws->fs.esc_pool < 0 ? 0 : ws->fs.esc_pool;
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
        cancel_waiting(ws, c, slot, now);
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

void convoy_collapse(struct model_ws *ws, double now)
{
  struct convoy_state *cs = &ws->cs;
  while (cs->n_wait > 0) /* in the order they became ready */
    cancel_waiting(ws, &cs->cv[cs->wait[0]], cs->wait[0], now);
}

void convoy_ready(struct model_ws *ws, int slot, double now)
{
  struct convoy *c = &ws->cs.cv[slot];
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  c->ev = CALENDAR_NO_HANDLE; /* an EV_READY, if it was one */
  c->state = CS_WAIT;
  c->ready = now;
  trace(ws, "ready", c, sc->nodes[s->route[0]].id, NULL);
  ws->cs.wait[ws->cs.n_wait++] = slot;
  c->req_teams = 0;
  if (sc->force.present && sc->force.escort_policy == ESCORT_WAIT) {
    c->req_teams = s->escort_teams;
    if (c->req_teams > ws->fs.esc_pool)
      c->req_teams = ws->fs.esc_pool;
    if (c->req_teams < 0)
      c->req_teams = 0;
  }
  if (now >= ws->cf.collapse_t) { /* after a collapse no convoy departs */
    cancel_waiting(ws, c, slot, now);
    return;
  }
  if (s->max_wait_h > 0)
    push(ws, now + s->max_wait_h, EV_MAXWAIT, slot, 0, &c->ev_wait);
  else
    c->timed_out = true;
  convoy_try_dispatch(ws, now);
}

void convoy_spawn(struct model_ws *ws, int si, double now)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  const struct convoy_schedule *s = &sc->convoys[si];
  long number = ws->cs.sched_count[si]++;
  int slot = cv_alloc(ws);
  struct convoy *c;
  double next;
  if (slot < 0)
    return;
  c = &ws->cs.cv[slot];
  ws->cs.alive++;
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
    ws->cnt.met[METRIC_CONVOYS_SCHEDULED] += 1;
    ws->cs.requested += s->trucks;
  }
  trace(ws, "scheduled", c, sc->nodes[s->route[0]].id, c->counted ? NULL : "not counted");
  /* next departure of this schedule */
  next = INFINITY;
  if (s->count == SCENARIO_UNLIMITED || number + 1 < s->count) {
    if (s->every_h > 0)
      next = s->depart_h + (double)(number + 1) * s->every_h;
    else if (s->has_interarrival)
      next = now + draw(&s->interarrival_h, ws->cs.r_inter[si]);
  }
  if (next < m->horizon)
    push(ws, next, EV_SPAWN, si, 0, NULL);
  /* coordination: one draw */
  if (sc->coordination.present) {
    double u = gsl_rng_uniform(ws->cs.r_coord[si]);
    if (u < sc->coordination.deny_p) {
      trace(ws, "denied", c, sc->nodes[s->route[0]].id, NULL);
      record_end(ws, c, OUTCOME_DENIED, now, 0, 0, 0, 0);
      cv_release(ws, c, slot);
      return;
    }
    if (u < sc->coordination.deny_p + sc->coordination.impede_p) {
      double dl = draw(&sc->coordination.impede_delay_h, ws->cs.r_coord[si]);
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

void convoy_phase_end(struct model_ws *ws, int slot, double now)
{
  const struct scenario *sc = ws->sc;
  struct convoy *c = &ws->cs.cv[slot];
  c->ev = CALENDAR_NO_HANDLE;
  threat_consume(c, now);
  if (c->state == CS_REST) {
    c->state = CS_DRIVE;
    c->rem = c->drive_h;
    threat_schedule(ws, c, slot, now);
    return;
  }
  const struct convoy_schedule *s = &sc->convoys[c->sched];
  c->leg++;
  if ((size_t)c->leg + 1 >= s->route_len) {
    trace(ws, "arrive", c, sc->nodes[s->route[s->route_len - 1]].id, NULL);
    finish(ws, c, slot, now, true);
  } else {
    start_leg(ws, c, slot, now);
  }
}

static bool has_cargo(const struct convoy *c)
{
  for (int i = 0; i < c->n; i++)
    if (c->cargo[i] > 0)
      return true;
  return false;
}

void convoy_hold_end(struct model_ws *ws, int slot, double now)
{
  struct convoy *c = &ws->cs.cv[slot];
  c->ev = CALENDAR_NO_HANDLE;
  trace(ws, "hold_end", c, NULL, NULL);
  if (!has_cargo(c)) {
    finish(ws, c, slot, now, false);
  } else if (c->before_hold == CS_DRIVE) {
    c->state = CS_DRIVE;
    threat_schedule(ws, c, slot, now);
  } else {
    start_or_rest(ws, c, slot, now);
  }
}

void convoy_max_wait(struct model_ws *ws, int slot, double now)
{
  struct convoy *c = &ws->cs.cv[slot];
  c->ev_wait = CALENDAR_NO_HANDLE;
  c->timed_out = true;
  trace(ws, "max_wait", c, NULL, NULL);
  convoy_try_dispatch(ws, now);
}

void convoy_fleet_return(struct model_ws *ws, long trucks, double now)
{
  ws->cs.fleet_free += (double)trucks;
  trace(ws, "fleet_return", NULL, NULL, NULL);
  convoy_try_dispatch(ws, now);
}

enum err convoy_audit(const struct model_ws *ws, char *msg, size_t len)
{
  const struct convoy_state *cs = &ws->cs;
  if (cs->alive != 0 || cs->n_wait != 0) {
    snprintf(msg, len, "%ld convoys still alive at the end", cs->alive);
    return ERR_INTERNAL;
  }
  if (ws->fs.esc_busy != 0 || ws->fs.qrf_busy != 0) {
    snprintf(msg, len, "teams still busy at the end: escort %d, qrf %d", ws->fs.esc_busy, ws->fs.qrf_busy);
    return ERR_INTERNAL;
  }
  if (ws->sc->fleet.trucks != SCENARIO_UNLIMITED && cs->fleet_free != (double)ws->sc->fleet.trucks) {
    snprintf(msg, len, "fleet: %g free at the end of %ld", cs->fleet_free, ws->sc->fleet.trucks);
    return ERR_INTERNAL;
  }
  return ERR_OK;
}
