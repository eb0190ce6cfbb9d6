/*
 * model.c - the convoy-security model (SPEC sections 3-4): one replication
 * of a scenario, as a discrete-event simulation on the event calendar.
 *
 * This room prepares a scenario (model_new), keeps the per-thread
 * workspaces, and runs the event loop, which hands each event to the room
 * that owns it (model_int.h draws the plan).  It applies the timeline,
 * runs the midnight updates, finishes the metrics and audits the end state.
 * A replication allocates nothing once the workspace has grown to the
 * largest queue, convoy count and halt list seen (grow.h).
 *
 * Choices where SPEC leaves room (the README's model section points here):
 *  - The fleet is one pool (trucks return to the start node, and any start
 *    node's convoys may use them).
 *  - A convoy's escort request, min(escort_teams, pool), is made when it
 *    becomes ready and shrinks with the pool if the pool shrinks while it
 *    waits; escort_wait_h counts it when it left asking for one or more.
 *  - Incident k of a convoy draws from sub-stream k + 1 of its PARTY,
 *    ENGAGE, QRF and LOSS sources (model_int.h), in this order: attackers
 *    (PARTY); escort engagement, outcome, harm, force harm, escalation
 *    and the escalation's duration (ENGAGE); the QRF team's contingent,
 *    response time, outcome and engagement (QRF); driver harm, the loss
 *    share and one uniform per truck index, with or without cargo (LOSS;
 *    crowds: a stop uniform and a share draw per truck).  The hold comes
 *    from the convoy's HOLD stream, in incident order.  So truck i's fate
 *    does not depend on what happened to the others.
 *  - A QRF team goes only when its contingent's effective ROE engages
 *    armed attackers at all (engage_armed > 0).
 *  - Crowd losses leave a truck with cargo below 1% of tonnes_per_truck
 *    empty; the dust counts as lost to crowds.
 *  - At a collapse the waiting convoys are cancelled in the order they
 *    became ready, at the collapse's time; a convoy still in coordination
 *    is cancelled when it becomes ready.
 *  - escort_busy_share: a team is busy from its convoy's departure to its
 *    end (arrival or loss); troops_tasked_share counts whole teams only.
 *  - The mandate levers (mandate.c) run at a midnight before the day's
 *    records and desperation update (the raids' harm is the ending day's).  A disarm raid's team is drawn from the
 *    raids stream (SRC_RAIDS), after the Poisson count, then its harm and
 *    casualties.  An intervention draws from its incident's own stream
 *    (CRS_INTERVENE): whether it happens, its harm, the halt's length and
 *    whether it is a collapse; without a ceasefire group it brings harm
 *    only.  Spending accrues at the troops and costs set at the last
 *    change; a payer's budget is checked against its contingents' spending
 *    since time 0, costs.csv reports spending over [warmup, horizon).
 *  - Daily records (one per distribution node) are written at every
 *    midnight up to the first one at or after the horizon, and on while any
 *    convoy is alive, so up to the day the last convoy ends if that is later.
 *  - Timeline changes (SPEC 3.10) are applied to the workspace's private
 *    copy of the scenario; crossings are never evaluated past the next
 *    change, every arrival before the change is presented at the old rate
 *    (one exactly at the change takes the new), and a Poisson supply clock
 *    is rescaled (memoryless) from the change.  Ceasefire keys and road km
 *    are refused in a timeline (violations are drawn at time 0; km fixes
 *    the QRF distances).
 */
#include "model_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- model */

enum err model_new(const struct scenario *sc, struct model **out, struct diag *d)
{
  struct model *m = calloc(1, sizeof *m);
  size_t n = sc->n_nodes;
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
  if (!m->cross_of_node || !m->cross_node || !m->qrf_km || network_qrf_km(m) != ERR_OK) {
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
  for (size_t i = 0; i < sc->n_convoys; i++)
    if (sc->convoys[i].trucks > m->max_trucks)
      m->max_trucks = sc->convoys[i].trucks;
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
  /* payers: "force" without contingents, else each contingent's, in order */
  size_t nc = sc->force.n_contingents > 0 ? sc->force.n_contingents : 1;
  m->cont_payer = malloc(nc * sizeof *m->cont_payer);
  m->payer_budget = malloc(nc * sizeof *m->payer_budget);
  const char **names = malloc(nc * sizeof *names);
  if (!m->cont_payer || !m->payer_budget || !names) {
    free(names);
    model_free(m);
    return ERR_NOMEM;
  }
  for (size_t i = 0; i < nc; i++) {
    const char *p = sc->force.n_contingents > 0 && sc->force.contingents[i].payer ? sc->force.contingents[i].payer
                                                                                   : "force";
    size_t j = 0;
    while (j < m->n_payers && strcmp(names[j], p) != 0)
      j++;
    if (j == m->n_payers) {
      names[m->n_payers] = p;
      m->payer_budget[m->n_payers++] = INFINITY;
    }
    m->cont_payer[i] = (int)j;
  }
  for (size_t f = 0; f < sc->n_funding; f++)
    for (size_t j = 0; j < m->n_payers; j++)
      if (strcmp(names[j], sc->funding[f].payer) == 0)
        m->payer_budget[j] = sc->funding[f].budget_usd;
  free(names);
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
  free(m->cont_payer);
  free(m->payer_budget);
  free(m);
}

void model_ws_set_stop(struct model_ws *ws, const atomic_int *stop)
{
  ws->stop = stop;
}

void model_ws_free(struct model_ws *ws)
{
  if (ws == NULL)
    return;
  calendar_release(&ws->cal);
  ceasefire_free(&ws->cf);
  crossing_free(ws);
  convoy_free(ws);
  threat_free(ws);
  force_free(ws);
  mandate_free(ws);
  free(ws->cnt.day_deliv);
  free(ws->cnt.day_harm);
  free(ws->nodes);
  free(ws->roads);
  free(ws->convoys);
  free(ws->roe);
  free(ws->conts);
  free(ws);
}

enum err model_ws_new(const struct model *m, struct model_ws **out)
{
  const struct scenario *sc = m->sc;
  struct model_ws *ws = calloc(1, sizeof *ws);
  *out = NULL;
  if (ws == NULL)
    return ERR_NOMEM;
  ws->m = m;
  ws->own = *sc;
  ws->sc = &ws->own;
  ws->nodes = malloc((sc->n_nodes + 1) * sizeof *ws->nodes);
  ws->roads = malloc((sc->n_roads + 1) * sizeof *ws->roads);
  ws->convoys = malloc((sc->n_convoys + 1) * sizeof *ws->convoys);
  ws->roe = malloc((sc->n_roe + 1) * sizeof *ws->roe);
  ws->conts = malloc((sc->force.n_contingents + 1) * sizeof *ws->conts);
  ws->cnt.day_deliv = calloc(sc->n_nodes + 1, sizeof *ws->cnt.day_deliv);
  ws->cnt.day_harm = calloc(sc->n_nodes + 1, sizeof *ws->cnt.day_harm);
  calendar_init(&ws->cal, MODEL_MAX_PENDING);
  if (!ws->nodes || !ws->roads || !ws->convoys || !ws->roe || !ws->conts || !ws->cnt.day_deliv || !ws->cnt.day_harm ||
      ceasefire_new(&ws->cf) != ERR_OK || crossing_new(ws) != ERR_OK || convoy_new(ws) != ERR_OK ||
      threat_new(ws) != ERR_OK || force_new(ws) != ERR_OK || mandate_new(ws) != ERR_OK ||
      calendar_reserve(&ws->cal, 1024) != ERR_OK) {
    model_ws_free(ws);
    return ERR_NOMEM;
  }
  *out = ws;
  return ERR_OK;
}

/* What depends on values a timeline may change. */
static void derive(struct model_ws *ws)
{
  scenario_derive(&ws->own);
  threat_derive(ws);
  force_derive(ws);
}

/* Integrate force cost and need over [warmup, horizon) up to t. */
static void integrate_to(struct model_ws *ws, double t)
{
  struct counters *k = &ws->cnt;
  double a = k->acc_t > ws->m->warmup ? k->acc_t : ws->m->warmup;
  double b = t < ws->m->horizon ? t : ws->m->horizon;
  if (b > a) {
    k->cost_acc += ws->fs.cost_rate * (b - a);
    k->need_acc += ws->sc->total_need_t_per_day * (b - a) / 24.0;
  }
  if (t > k->acc_t)
    k->acc_t = t;
}

static void reset(struct model_ws *ws, uint64_t seed, uint64_t rep)
{
  const struct scenario *orig = ws->m->sc;
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
  calendar_clear(&ws->cal);
  ws->seed = seed;
  ws->rep = rep;
  ws->err = ERR_OK;
  memset(&ws->cnt.met, 0, sizeof ws->cnt.met);
  ws->cnt.sum_cross_wait = ws->cnt.sum_esc_wait = ws->cnt.sum_transit = ws->cnt.sum_qrf = 0;
  ws->cnt.n_cross_wait = ws->cnt.n_esc_wait = ws->cnt.n_transit = ws->cnt.n_qrf = 0;
  ws->cnt.acc_t = 0;
  ws->cnt.cost_acc = ws->cnt.need_acc = 0;
  ws->cnt.day = 0;
  for (size_t i = 0; i < orig->n_nodes; i++)
    ws->cnt.day_deliv[i] = ws->cnt.day_harm[i] = 0;
  ws->next_bu = 0;
  convoy_reset(ws);
  threat_reset(ws);
  force_reset(ws);
  mandate_reset(ws);
  crossing_reset(ws);
}

static void finish_metrics(struct model_ws *ws, struct rep_result *out)
{
  const struct model *m = ws->m;
  struct counters *k = &ws->cnt;
  double *v = k->met;
  crossing_finish(ws);
  v[METRIC_DELIVERY_RATE] = v[METRIC_CONVOYS_SCHEDULED] > 0
                                ? v[METRIC_CONVOYS_THROUGH] / v[METRIC_CONVOYS_SCHEDULED] : NAN;
  v[METRIC_INTERCEPT_RATE] = v[METRIC_TRUCKS_DISPATCHED] > 0
                                 ? v[METRIC_TRUCKS_INTERCEPTED] / v[METRIC_TRUCKS_DISPATCHED] : NAN;
  v[METRIC_FILL_RATE] = ws->cs.requested > 0 ? v[METRIC_TRUCKS_DISPATCHED] / (double)ws->cs.requested : NAN;
  integrate_to(ws, m->horizon);
  v[METRIC_NEED_COVERAGE] = k->need_acc > 0 ? v[METRIC_TONNES_DELIVERED] / k->need_acc : NAN;
  v[METRIC_CROSSING_WAIT_H] = k->n_cross_wait > 0 ? k->sum_cross_wait / (double)k->n_cross_wait : NAN;
  v[METRIC_ESCORT_WAIT_H] = k->n_esc_wait > 0 ? k->sum_esc_wait / (double)k->n_esc_wait : NAN;
  v[METRIC_TRANSIT_H] = k->n_transit > 0 ? k->sum_transit / (double)k->n_transit : NAN;
  v[METRIC_QRF_RESPONSE_H] = k->n_qrf > 0 ? k->sum_qrf / (double)k->n_qrf : NAN;
  v[METRIC_FORCE_COST_USD] = k->cost_acc;
  v[METRIC_COST_PER_TONNE_USD] = v[METRIC_TONNES_DELIVERED] > 0 ? k->cost_acc / v[METRIC_TONNES_DELIVERED] : NAN;
  v[METRIC_COLLAPSED] = ws->cf.collapse_t < INFINITY ? 1.0 : 0.0;
  v[METRIC_COLLAPSE_DAY] = ws->cf.collapse_t < INFINITY ? ws->cf.collapse_t / 24.0 : NAN;
  force_account(ws, m->horizon);
  v[METRIC_ESCORT_BUSY_SHARE] = ws->fs.pool_int > 0 ? ws->fs.busy_int / ws->fs.pool_int : NAN;
  v[METRIC_TROOPS_TASKED_SHARE] = ws->fs.troops_int > 0 ? ws->fs.tasked_int / ws->fs.troops_int : NAN;
  v[METRIC_TROOP_DAYS] = ws->fs.troops_int / 24.0;
  memcpy(out->metric, v, sizeof k->met);
  mandate_finish(ws, out);
}

/* Apply every timeline change due now, then bring everything that reads
 * the changed values up to date. */
static void apply_timeline(struct model_ws *ws, double now)
{
  const struct scenario *orig = ws->m->sc;
  if (!(ws->next_change_t <= now))
    return; /* applied already, before another event of this instant */
  integrate_to(ws, now);
  crossing_before_change(ws, now); /* everything before now under the old values */
  while (ws->next_tl < orig->n_timeline && orig->timeline[ws->next_tl].day * 24.0 <= now) {
    const struct timeline_change *c = &orig->timeline[ws->next_tl++];
    scenario_apply_change(&ws->own, c);
    trace(ws, "timeline", NULL, c->key, NULL);
  }
  crossing_after_change(ws, now);
  ws->next_change_t = ws->next_tl < orig->n_timeline ? orig->timeline[ws->next_tl].day * 24.0 : INFINITY;
  if (ws->next_change_t < INFINITY)
    push(ws, ws->next_change_t, EV_TIMELINE, 0, 0, NULL);
  derive(ws);
  threat_mean_desperation(ws);
  force_update(ws, now);
  threat_refresh_all(ws, now);
  convoy_try_dispatch(ws, now);
}

/* The force build-up steps due at now (once each). */
static void buildup(struct model_ws *ws, double now)
{
  const struct force *f = &ws->m->sc->force;
  bool due = false;
  while (ws->next_bu < f->n_buildup && f->buildup[ws->next_bu].day * 24.0 <= now) {
    due = due || f->buildup[ws->next_bu].day > 0;
    ws->next_bu++;
  }
  if (!due || !f->present)
    return;
  trace(ws, "buildup", NULL, NULL, NULL);
  integrate_to(ws, now);
  force_update(ws, now);
  threat_refresh_all(ws, now);
  convoy_try_dispatch(ws, now);
}

/* Midnight ends ws->cnt.day: backlog, deliveries against need,
 * desperation, the daily records. */
static void midnight(struct model_ws *ws, double now)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  struct counters *k = &ws->cnt;
  long day = k->day;
  double total = 0, backlog = 0;
  bool in_window = (double)day >= sc->warmup_days && (double)day < sc->horizon_days;
  trace(ws, "midnight", NULL, NULL, NULL);
  for (int i = 0; i < m->n_cross; i++)
    backlog += (double)crossing_loads(ws, &ws->x[i], now);
  /* the mandate's levers, whose raids belong to the day that ends here */
  ledger_account(ws, now);
  if (mandate_leaving(ws))
    integrate_to(ws, now); /* the force's cost before a contingent leaves */
  mandate_midnight(ws, now);
  for (size_t i = 0; i < sc->n_nodes; i++) {
    const struct node *nd = &sc->nodes[i];
    if (nd->kind != NODE_DISTRIBUTION)
      continue;
    total += k->day_deliv[i];
    if (sc->threats.desperation.present) /* absent: D stays at its initial value */
      threat_desperation_day(ws, i);
    if (ws->sinks != NULL && ws->sinks->daily != NULL) {
      struct daily_record r = { day, (int)i, k->day_deliv[i], nd->need_t_per_day, ws->th.D[i], backlog,
                                k->day_harm[i] };
      ws->sinks->daily(ws->sinks->ctx, &r);
    }
    k->day_deliv[i] = k->day_harm[i] = 0;
  }
  threat_mean_desperation(ws);
  if (in_window && sc->total_need_t_per_day > 0 && total < 0.5 * sc->total_need_t_per_day)
    k->met[METRIC_DAYS_BELOW_HALF_NEED] += 1;
  k->day++;
  if (sc->threats.crowd.desperation_slope != 0.0 && sc->threats.desperation.present)
    threat_refresh_all(ws, now);
  if (now < m->horizon || ws->cs.alive > 0)
    push(ws, now + 24.0, EV_MIDNIGHT, 0, 0, NULL);
}

enum err model_replicate(const struct model *m, struct model_ws *ws, uint64_t seed, uint64_t rep,
                         const struct model_sinks *sinks, struct rep_result *out)
{
  const struct scenario *sc = ws->sc;
  struct event ev;
  uint64_t events = 0;
  double last = 0;
  enum err e;
  reset(ws, seed, rep);
  ws->sinks = sinks;
  if ((e = ceasefire_start(ws)) != ERR_OK)
    return e;
  force_update(ws, 0.0);
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
    if (now < last)
      return ERR_INTERNAL;
    last = now;
    events++;
    if ((events & 0xFFFF) == 0 && ws->stop != NULL && *ws->stop)
      return ERR_INTERRUPTED; /* a signal: this replication is not used */
    /* a timeline entry or build-up step at t applies before anything
     * else at t (SPEC 4.9) */
    if (ws->next_change_t <= now)
      apply_timeline(ws, now);
    if (ws->next_bu < sc->force.n_buildup && sc->force.buildup[ws->next_bu].day * 24.0 <= now)
      buildup(ws, now);
    switch ((enum ev_kind)ev.kind) {
    case EV_SPAWN: convoy_spawn(ws, ev.entity, now); break;
    case EV_READY: convoy_ready(ws, ev.entity, now); break;
    case EV_MAXWAIT: convoy_max_wait(ws, ev.entity, now); break;
    case EV_LOADS:
      ws->x[ev.entity].ev = CALENDAR_NO_HANDLE;
      trace(ws, "loads_ready", NULL, sc->nodes[ws->x[ev.entity].node].id, NULL);
      convoy_try_dispatch(ws, now);
      break;
    case EV_HALT_START:
      if (ceasefire_halt_starts(ws, now)) /* not a halt merged into an earlier one */
        trace(ws, "halt_start", NULL, NULL, NULL);
      threat_refresh_all(ws, now);
      break;
    case EV_HALT_END:
      if (ceasefire_halted(ws, now))
        break; /* the end of a halt merged into a longer one */
      trace(ws, "halt_end", NULL, NULL, NULL);
      threat_refresh_all(ws, now);
      convoy_try_dispatch(ws, now);
      break;
    case EV_MIDNIGHT: midnight(ws, now); break;
    case EV_PHASE_END: convoy_phase_end(ws, ev.entity, now); break;
    case EV_ARMED: threat_armed_attack(ws, ev.entity, now); break;
    case EV_CROWD: threat_crowd_interception(ws, ev.entity, now); break;
    case EV_HOLD_END: convoy_hold_end(ws, ev.entity, now); break;
    case EV_FLEET: convoy_fleet_return(ws, (long)ev.aux, now); break;
    case EV_QRF_FREE: ws->fs.qrf_busy--; break;
    case EV_ESC_END:
      trace(ws, "escalation_end", NULL, sc->roads[ev.entity].id, NULL);
      threat_refresh_all(ws, now);
      break;
    case EV_TIMELINE: apply_timeline(ws, now); break;
    case EV_BUILDUP: buildup(ws, now); break;
    case EV_COLLAPSE:
      if (now != ws->cf.collapse_t)
        break; /* one collapse */
      trace(ws, "collapse", NULL, NULL, NULL);
      convoy_collapse(ws, now);
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
  enum err e = crossing_audit(ws, msg, len);
  if (e == ERR_OK)
    e = convoy_audit(ws, msg, len);
  if (e == ERR_OK && len > 0)
    msg[0] = '\0';
  return e;
}
