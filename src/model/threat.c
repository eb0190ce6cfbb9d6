/*
 * threat.c - what threatens a convoy on the road (SPEC 4.1-4.3, 4.5):
 * hazard rates, the exponential clocks, armed attacks, crowd
 * interceptions, engagements, escalation and desperation.  Owns struct
 * threat_state and the hazard fields of struct convoy.
 *
 * The one rule: hazards use the exponential-clock method.  Each exposed
 * convoy keeps a unit-rate Exp(1) "remaining integrated hazard" per threat,
 * consumed at the current rate; when any multiplier changes (halt,
 * escalation, midnight desperation, force build-up, timeline) the clocks
 * are consumed up to now and the next incident rescheduled.  One event per
 * incident, exact for piecewise-constant rates.
 *
 * An incident holds the convoy for its duration whatever its outcome; the
 * convoy's own room (convoy.c) takes over when the hold ends.
 */
#include "model_int.h"

#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "convoysim/force.h"

enum err threat_new(struct model_ws *ws)
{
  const struct scenario *sc = ws->m->sc;
  size_t nn = sc->n_nodes + 1;
  ws->th.D = calloc(nn, sizeof *ws->th.D);
  ws->th.crowd_f = calloc(nn, sizeof *ws->th.crowd_f);
  ws->th.zone_weight = calloc(nn, sizeof *ws->th.zone_weight);
  ws->th.esc_until = calloc(sc->n_roads + 1, sizeof *ws->th.esc_until);
  return ws->th.D && ws->th.crowd_f && ws->th.zone_weight && ws->th.esc_until ? ERR_OK : ERR_NOMEM;
}

void threat_free(struct model_ws *ws)
{
  free(ws->th.D);
  free(ws->th.crowd_f);
  free(ws->th.zone_weight);
  free(ws->th.esc_until);
}

void threat_derive(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  double pop = sc->total_population;
  ws->th.zone_weight_sum = 0;
  for (size_t i = 0; i < sc->n_nodes; i++) {
    ws->th.zone_weight[i] = sc->nodes[i].kind != NODE_DISTRIBUTION ? 0.0
                            : pop > 0 ? sc->nodes[i].population / pop : 1.0;
    ws->th.zone_weight_sum += ws->th.zone_weight[i];
  }
}

void threat_mean_desperation(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  double wsum = 0, dsum = ws->th.zone_weight_sum;
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].kind == NODE_DISTRIBUTION)
      wsum += ws->th.zone_weight[i] * ws->th.D[i];
  ws->th.D_mean = dsum > 0 ? wsum / dsum : 0.0;
  /* the crowd hazard's factor exp(slope x D), per zone: D changes only here */
  if (sc->threats.crowd.desperation_slope != 0.0) {
    for (size_t i = 0; i < sc->n_nodes; i++)
      ws->th.crowd_f[i] = exp(sc->threats.crowd.desperation_slope * ws->th.D[i]);
    ws->th.crowd_f_mean = exp(sc->threats.crowd.desperation_slope * ws->th.D_mean);
  }
}

void threat_reset(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  for (size_t i = 0; i < sc->n_nodes; i++)
    ws->th.D[i] = sc->nodes[i].desperation;
  threat_mean_desperation(ws);
  for (size_t r = 0; r < sc->n_roads; r++)
    ws->th.esc_until[r] = -INFINITY;
}

void threat_desperation_day(struct model_ws *ws, size_t i)
{
  const struct node *nd = &ws->sc->nodes[i];
  double s = nd->need_t_per_day > 0 ? 1.0 - ws->cnt.day_deliv[i] / nd->need_t_per_day : 0.0;
  if (s < 0)
    s = 0;
  ws->th.D[i] += (s - ws->th.D[i]) / ws->sc->threats.desperation.window_days;
}

/* ---------------------------------------------------------------- rates */

/* exp(desperation_slope x D) of the road's zone (threat_mean_desperation). */
static double crowd_factor(const struct model_ws *ws, int road)
{
  int z = ws->sc->roads[road].zone;
  return z >= 0 ? ws->th.crowd_f[z] : ws->th.crowd_f_mean;
}

static void rates(struct model_ws *ws, struct convoy *c, double now)
{
  const struct scenario *sc = ws->sc;
  int r = sc->convoys[c->sched].legs[c->leg];
  const struct road *rd = &sc->roads[r];
  double ca = ws->fs.patrol_factor *
              (1.0 - sc->threats.policing.effect * sc->threats.policing.level), cc = ca;
  double da = 1.0, dc = 1.0;
  if (sc->ceasefire.present && ceasefire_halted(ws, now)) {
    double t = sc->ceasefire.tension_multiplier, war = sc->ceasefire.war_multiplier;
    /* after a collapse the armed hazard takes war_multiplier (NaN: T) */
    ca *= now >= ws->cf.collapse_t && !isnan(war) ? war : t;
    cc *= t;
  }
  if (c->state == CS_REST) {
    ca *= sc->movement.rest_exposure;
    cc *= sc->movement.rest_exposure;
  }
  if (c->teams > 0 && c->roe >= 0) {
    da = sc->roe[c->roe].deter_armed;
    dc = sc->roe[c->roe].deter_crowd;
  }
  c->ra = rd->armed_per_h * sc->threats.armed.rate_multiplier * sc->threats.armed.strength * da * ca;
  if (sc->threats.escalation.present && ws->th.esc_until[r] > now)
    c->ra *= sc->threats.escalation.hazard_multiplier;
  c->rc = rd->crowd_per_h * sc->threats.crowd.rate_multiplier * dc * cc;
  if (sc->threats.crowd.desperation_slope != 0.0)
    c->rc *= crowd_factor(ws, r);
  if (!(c->ra > 0.0))
    c->ra = 0.0;
  if (!(c->rc > 0.0))
    c->rc = 0.0;
}

double threat_next_opening(const struct model *m, double t)
{
  double dd = floor(t / 24.0), hod = t - 24.0 * dd;
  if (hod < m->window_from)
    return 24.0 * dd + m->window_from;
  return 24.0 * (dd + 1.0) + m->window_from;
}

void threat_consume(struct convoy *c, double now)
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

void threat_schedule(struct model_ws *ws, struct convoy *c, int slot, double now)
{
  double te, ta, tc;
  rates(ws, c, now);
  c->t0 = now;
  te = c->state == CS_DRIVE ? now + c->rem : threat_next_opening(ws->m, now);
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

void threat_refresh_all(struct model_ws *ws, double now)
{
  for (size_t i = 0; i < ws->cs.top; i++) { /* slot order: ties of the events pushed keep it */
    struct convoy *c = &ws->cs.cv[i];
    if (c->state == CS_DRIVE || c->state == CS_REST) {
      threat_consume(c, now);
      threat_schedule(ws, c, (int)i, now);
    }
  }
}

/* ---------------------------------------------------------------- incidents */

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

/* An engagement escalated: the road and every road of its zone take the
 * escalation's multiplier for a drawn duration (from r). */
static void escalate(struct model_ws *ws, int road, double now, gsl_rng *r)
{
  const struct scenario *sc = ws->sc;
  int z = sc->roads[road].zone;
  double end;
  if (!sc->threats.escalation.present)
    return;
  end = now + draw(&sc->threats.escalation.duration_h, r);
  for (size_t i = 0; i < sc->n_roads; i++)
    if ((int)i == road || (z >= 0 && sc->roads[i].zone == z))
      if (end > ws->th.esc_until[i])
        ws->th.esc_until[i] = end;
  push(ws, end, EV_ESC_END, road, 0, NULL);
  trace(ws, "escalation", NULL, sc->roads[road].id, NULL);
  threat_refresh_all(ws, now);
}

/* Harm of convoy c's incident, on its destination zone's day. */
static void day_harm(struct model_ws *ws, const struct convoy *c, double harm)
{
  const struct convoy_schedule *s = &ws->sc->convoys[c->sched];
  ws->cnt.day_harm[s->route[s->route_len - 1]] += harm;
}

/* One engagement's side effects, drawn from r: civilian harm, force
 * casualties (contingent cont's), whether it escalates. */
static void engagement(struct model_ws *ws, struct convoy *c, const struct roe_profile *roe,
                       double harm_mean, bool *esc, gsl_rng *r, int cont)
{
  double harm = harm_mean > 0 ? (double)gsl_ran_poisson(r, harm_mean) : 0.0;
  double fh = roe->force_harm > 0 ? (double)gsl_ran_poisson(r, roe->force_harm) : 0.0;
  bool e = gsl_rng_uniform(r) < roe->escalation_p;
  ledger_casualties(ws, cont, fh);
  c->engagements++;
  c->harm += harm;
  day_harm(ws, c, harm);
  if (c->counted) {
    ws->cnt.met[METRIC_ENGAGEMENTS] += 1;
    ws->cnt.met[METRIC_CIVILIAN_HARM] += harm;
    ws->cnt.met[METRIC_FORCE_CASUALTIES] += fh;
    if (e && ws->sc->threats.escalation.present)
      ws->cnt.met[METRIC_ESCALATIONS] += 1;
  }
  if (e)
    *esc = true;
}

/* An attack nobody stopped: with intervention_p a third party intervenes
 * (SPEC 4.9), from the incident's own stream: civilian harm, and before
 * the horizon a ceasefire violation at this moment (a halt of halt_h, a
 * collapse with collapse_p) when there is a ceasefire. */
static void intervene(struct model_ws *ws, struct convoy *c, double now)
{
  const struct scenario *sc = ws->sc;
  gsl_rng *r = c->rng[CRS_INTERVENE];
  if (!(gsl_rng_uniform(r) < sc->ceasefire.intervention_p))
    return;
  double harm = sc->ceasefire.intervention_harm > 0 ? (double)gsl_ran_poisson(r, sc->ceasefire.intervention_harm)
                                                    : 0.0;
  c->harm += harm;
  day_harm(ws, c, harm);
  if (c->counted) {
    ws->md.interventions += 1;
    ws->cnt.met[METRIC_CIVILIAN_HARM] += harm;
  }
  trace(ws, "intervention", c, NULL, NULL);
  if (sc->ceasefire.present && now < ws->m->horizon) {
    double h = draw(&sc->ceasefire.halt_h, r);
    bool collapse = gsl_rng_uniform(r) < sc->ceasefire.collapse_p;
    set_err(ws, ceasefire_violation(ws, now, h, collapse));
  }
}

enum incident { INCIDENT_ARMED, INCIDENT_CROWD };

/* An incident starts: the clocks are consumed to now, the clock that rang
 * is drawn anew, the hold is drawn, the incident's own streams are sought
 * (incident k of the convoy: sub-stream k + 1 of each incident source), the
 * incident counted and traced.  Returns the hold, h. */
static double incident_open(struct model_ws *ws, struct convoy *c, enum incident kind, int road,
                            double now)
{
  const struct scenario *sc = ws->sc;
  bool armed = kind == INCIDENT_ARMED;
  double d;
  threat_consume(c, now);
  c->ev = CALENDAR_NO_HANDLE;
  if (armed)
    c->ea = stream_exponential(c->rng[CRS_ARMED], 1.0);
  else
    c->ec = stream_exponential(c->rng[CRS_CROWD], 1.0);
  d = draw(armed ? &sc->threats.armed.duration_h : &sc->threats.crowd.duration_h, c->rng[CRS_HOLD]);
  for (int k = CRS_FIRST_INCIDENT; k < CRS_COUNT; k++)
    stream_seek_sub(c->rng[k], ws->seed, ws->rep, convoy_source(k, c->sched, c->number),
                    (uint64_t)c->incidents + 1);
  c->incidents++;
  if (armed)
    c->armed++;
  else
    c->crowd++;
  if (c->counted)
    ws->cnt.met[armed ? METRIC_ARMED_ATTACKS : METRIC_CROWD_INTERCEPTIONS] += 1;
  trace(ws, armed ? "armed_attack" : "crowd_interception", c, sc->roads[road].id, NULL);
  return d;
}

/* An incident's outcome is known: trace it (detail in ws->buf), hold the
 * convoy for d hours, escalate if an engagement did. */
static void incident_close(struct model_ws *ws, struct convoy *c, int slot, enum incident kind,
                           int road, double now, double d, bool esc)
{
  trace(ws, kind == INCIDENT_ARMED ? "armed_outcome" : "crowd_outcome", c,
        ws->sc->roads[road].id, ws->buf);
  c->before_hold = c->state;
  c->state = CS_HOLD;
  cancel(ws, &c->ev);
  push(ws, now + (d > 0 ? d : 0), EV_HOLD_END, slot, 0, &c->ev);
  if (esc)
    escalate(ws, road, now, c->rng[CRS_ENGAGE]);
}

void threat_armed_attack(struct model_ws *ws, int slot, double now)
{
  const struct model *m = ws->m;
  const struct scenario *sc = ws->sc;
  struct convoy *c = &ws->cs.cv[slot];
  int road = sc->convoys[c->sched].legs[c->leg];
  double d, a, share, dh = 0;
  int taken = 0;
  bool defeated = false, esc = false;
  d = incident_open(ws, c, INCIDENT_ARMED, road, now);
  a = draw(&sc->threats.armed.party, c->rng[CRS_PARTY]); /* whatever the escort does */
  if (a < 1.0)
    a = 1.0;
  if (c->teams > 0 && c->roe >= 0) {
    const struct roe_profile *roe = &sc->roe[c->roe];
    if (gsl_rng_uniform(c->rng[CRS_ENGAGE]) < roe->engage_armed) {
      double p = p_contest(roe->p_defeat, sc->threats.armed.strength_exponent,
                           (double)c->teams * sc->force.escort_team_size, a);
      defeated = gsl_rng_uniform(c->rng[CRS_ENGAGE]) < p;
      engagement(ws, c, roe, roe->harm_armed, &esc, c->rng[CRS_ENGAGE], c->roe_cont);
    }
  }
  if (defeated) {
    if (c->counted)
      ws->cnt.met[METRIC_ATTACKS_DEFEATED] += 1;
  } else {
    double lossf = 1.0;
    gsl_rng *rl = c->rng[CRS_LOSS];
    if (sc->threats.armed.driver_harm > 0)
      dh = (double)gsl_ran_poisson(rl, sc->threats.armed.driver_harm);
    if (c->counted)
      ws->cnt.met[METRIC_DRIVER_CASUALTIES] += dh;
    /* a free QRF team, under its own contingent's effective ROE, goes if
     * that ROE lets it engage armed attackers */
    int qcont = 0;
    bool qrf_won = false;
    const struct roe_profile *qroe = force_qrf_free(ws) && m->qrf_km[road] < INFINITY
                                         ? &sc->roe[force_qrf_roe(ws, c->rng[CRS_QRF], &qcont)] : NULL;
    if (qroe != NULL && qroe->engage_armed > 0) {
      double r = draw(&sc->force.qrf_notice_h, c->rng[CRS_QRF]) + m->qrf_km[road] / sc->force.qrf_kmh;
      ws->fs.qrf_busy++;
      push(ws, now + d, EV_QRF_FREE, 0, 0, NULL);
      if (tracing(ws)) {
        snprintf(ws->buf, sizeof ws->buf, "response_h=%.3f arrives=%s", r, r < d ? "yes" : "no");
        trace(ws, "qrf_dispatch", c, sc->roads[road].id, ws->buf);
      }
      if (c->counted) {
        ws->cnt.met[METRIC_QRF_DISPATCHES] += 1;
        ws->cnt.sum_qrf += r;
        ws->cnt.n_qrf++;
      }
      if (r < d) {
        double p = p_contest(qroe->p_defeat, sc->threats.armed.strength_exponent,
                             (double)sc->force.qrf_team_size, a);
        bool win = gsl_rng_uniform(c->rng[CRS_QRF]) < p;
        engagement(ws, c, qroe, qroe->harm_armed, &esc, c->rng[CRS_QRF], qcont);
        qrf_won = win;
        if (win) {
          lossf = r / d;
          if (c->counted)
            ws->cnt.met[METRIC_ATTACKS_DEFEATED] += 1;
        }
      }
    }
    if (!qrf_won && sc->ceasefire.intervention_p > 0)
      intervene(ws, c, now);
    share = draw(&sc->threats.armed.loss, rl) * lossf;
    for (int i = 0; i < c->n; i++) /* a draw per truck, cargo or not: truck i's fate is its own */
      if (gsl_rng_uniform(rl) < share && c->cargo[i] > 0) {
        c->lost_armed += c->cargo[i];
        c->cargo[i] = 0;
        c->hit[i] |= HIT_ARMED;
        taken++;
      }
  }
  if (tracing(ws))
    snprintf(ws->buf, sizeof ws->buf, "attackers=%g defeated=%s trucks_taken=%d driver_harm=%g hold_h=%.3f",
             a, defeated ? "yes" : "no", taken, dh, d);
  incident_close(ws, c, slot, INCIDENT_ARMED, road, now, d, esc);
}

void threat_crowd_interception(struct model_ws *ws, int slot, double now)
{
  const struct scenario *sc = ws->sc;
  struct convoy *c = &ws->cs.cv[slot];
  int road = sc->convoys[c->sched].legs[c->leg];
  double d;
  int stopped = 0;
  bool stopped_them = false, esc = false;
  d = incident_open(ws, c, INCIDENT_CROWD, road, now);
  if (c->teams > 0 && c->roe >= 0) {
    const struct roe_profile *roe = &sc->roe[c->roe];
    if (gsl_rng_uniform(c->rng[CRS_ENGAGE]) < roe->engage_crowd) {
      stopped_them = gsl_rng_uniform(c->rng[CRS_ENGAGE]) < roe->p_defeat;
      engagement(ws, c, roe, roe->harm_crowd, &esc, c->rng[CRS_ENGAGE], c->roe_cont);
    }
  }
  if (!stopped_them) {
    gsl_rng *rl = c->rng[CRS_LOSS];
    for (int i = 0; i < c->n; i++) { /* two draws per truck, cargo or not: truck i's fate is its own */
      bool stop = gsl_rng_uniform(rl) < sc->threats.crowd.stop_p;
      double sh = draw(&sc->threats.crowd.loss, rl), before = c->cargo[i];
      if (stop && before > 0) {
        stopped++;
        if (sh > 0) {
          c->cargo[i] *= 1.0 - (sh < 1.0 ? sh : 1.0);
          if (c->cargo[i] < 0.01 * sc->tonnes_per_truck) /* no cargo left (SPEC 4.8) */
            c->cargo[i] = 0;
          c->lost_crowd += before - c->cargo[i];
          c->hit[i] |= HIT_CROWD;
        }
      }
    }
  }
  if (tracing(ws))
    snprintf(ws->buf, sizeof ws->buf, "held_off=%s trucks_stopped=%d hold_h=%.3f",
             stopped_them ? "yes" : "no", stopped, d);
  incident_close(ws, c, slot, INCIDENT_CROWD, road, now, d, esc);
}
