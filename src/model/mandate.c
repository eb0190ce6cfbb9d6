/*
 * mandate.c - what the force is allowed and paid to do (SPEC 4.9): who is
 * still on the ground, what each contingent has cost and suffered, and the
 * levers that act at midnights.  Owns struct mandate_state (whose accounts
 * ledger.c keeps).
 *
 * The one rule: every lever changes state only at a midnight, in this
 * order: withdrawals (a contingent whose casualties reached its threshold
 * before this midnight leaves), budgets (a payer whose spending since time
 * 0 has reached its budget stops paying, and its contingents leave now),
 * armed strength G (regrowth, then the disarm teams, then their raids),
 * police level L (the training teams).  So every lever has a closed form
 * for constant inputs, and the levers act after the horizon too.  G and L
 * live in the workspace's scenario (threats.armed.strength,
 * threats.policing.level), where a timeline entry sets them outright and
 * the hazards of threat.c read them.
 *
 * Without force.contingents the force is one contingent "force" (index 0)
 * paid by "force"; it never withdraws for casualties, and its departure
 * for funding is not counted in contingents_withdrawn.
 */
#include "model_int.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "convoysim/force.h"

enum err mandate_new(struct model_ws *ws)
{
  struct mandate_state *md = &ws->md;
  size_t n = ws->m->sc->force.n_contingents > 0 ? ws->m->sc->force.n_contingents : 1;
  md->n = n;
  md->present = calloc(n, sizeof *md->present);
  md->casualties = calloc(n, sizeof *md->casualties);
  md->spend = calloc(n, sizeof *md->spend);
  md->spend_w = calloc(n, sizeof *md->spend_w);
  md->troop_h = calloc(n, sizeof *md->troop_h);
  md->gone_day = calloc(n, sizeof *md->gone_day);
  md->on = calloc(n, sizeof *md->on);
  md->cost = calloc(n, sizeof *md->cost);
  md->payer_out = calloc(ws->m->n_payers + 1, sizeof *md->payer_out);
  md->r = stream_new();
  return md->present && md->casualties && md->spend && md->spend_w && md->troop_h && md->gone_day &&
                 md->payer_out && md->r && md->on && md->cost
             ? ERR_OK
             : ERR_NOMEM;
}

void mandate_free(struct model_ws *ws)
{
  struct mandate_state *md = &ws->md;
  free(md->present);
  free(md->casualties);
  free(md->spend);
  free(md->spend_w);
  free(md->troop_h);
  free(md->gone_day);
  free(md->on);
  free(md->cost);
  free(md->payer_out);
  stream_free(md->r);
}

void mandate_reset(struct model_ws *ws)
{
  struct mandate_state *md = &ws->md;
  for (size_t i = 0; i < md->n; i++) {
    md->present[i] = true;
    md->casualties[i] = md->spend[i] = md->spend_w[i] = md->troop_h[i] = 0;
    md->gone_day[i] = NAN;
    md->on[i] = md->cost[i] = 0;
  }
  for (size_t p = 0; p < ws->m->n_payers; p++)
    md->payer_out[p] = false;
  md->acct_t = 0;
  md->withdrawn = 0;
  md->exhausted_day = NAN;
  md->interventions = 0;
  md->G_end = md->L_end = NAN;
  md->ended = false;
  stream_seek(md->r, ws->seed, ws->rep, SRC_RAIDS);
}

/* Contingent i leaves now (for casualties or for funding). */
static void leave(struct model_ws *ws, size_t i, bool counted, const char *why)
{
  struct mandate_state *md = &ws->md;
  md->present[i] = false;
  if (counted && !md->ended)
    md->withdrawn++;
  if (tracing(ws)) {
    snprintf(ws->buf, sizeof ws->buf, "contingent=%s why=%s",
             ws->sc->force.n_contingents > 0 ? ws->sc->force.contingents[i].name : "force", why);
    trace(ws, "withdrawal", NULL, NULL, ws->buf);
  }
}

bool mandate_leaving(struct model_ws *ws)
{
  const struct model *m = ws->m;
  const struct force *f = &ws->sc->force;
  struct mandate_state *md = &ws->md;
  if (!f->present)
    return false;
  for (size_t i = 0; i < f->n_contingents; i++) {
    const struct contingent *ct = &f->contingents[i];
    if (md->present[i] && ct->withdraw_after_casualties > 0 && md->casualties[i] >= ct->withdraw_after_casualties)
      return true;
  }
  for (size_t p = 0; p < m->n_payers; p++) {
    double spent = 0;
    if (md->payer_out[p] || !(m->payer_budget[p] < INFINITY))
      continue;
    for (size_t i = 0; i < md->n; i++)
      if (m->cont_payer[i] == (int)p)
        spent += md->spend[i];
    if (spent >= m->payer_budget[p])
      return true;
  }
  return false;
}

void mandate_midnight(struct model_ws *ws, double now)
{
  const struct model *m = ws->m;
  const struct force *f = &ws->sc->force;
  struct mandate_state *md = &ws->md;
  struct force_state *fs = &ws->fs;
  bool changed = false, first_after = !md->ended && now >= m->horizon;
  double G0 = ws->own.threats.armed.strength, L0 = ws->own.threats.policing.level;
  if (!f->present) {
    if (first_after) {
      md->G_end = G0;
      md->L_end = L0;
      md->ended = true;
    }
    return;
  }
  ledger_account(ws, now);
  if (mandate_leaving(ws))
    force_account(ws, now); /* the pools' integrals before they change */
  /* 1. withdrawals: casualties reached before this midnight */
  for (size_t i = 0; i < f->n_contingents; i++) {
    const struct contingent *ct = &f->contingents[i];
    if (md->present[i] && ct->withdraw_after_casualties > 0 && md->casualties[i] >= ct->withdraw_after_casualties) {
      leave(ws, i, true, "casualties");
      changed = true;
    }
  }
  /* 1. budgets: spending since time 0 against each payer's budget */
  for (size_t p = 0; p < m->n_payers; p++) {
    double spent = 0;
    if (md->payer_out[p] || !(m->payer_budget[p] < INFINITY))
      continue;
    for (size_t i = 0; i < md->n; i++)
      if (m->cont_payer[i] == (int)p)
        spent += md->spend[i];
    if (spent < m->payer_budget[p])
      continue;
    md->payer_out[p] = true;
    if (isnan(md->exhausted_day) && !md->ended)
      md->exhausted_day = now / 24.0;
    for (size_t i = 0; i < md->n; i++)
      if (m->cont_payer[i] == (int)p) {
        md->gone_day[i] = now / 24.0;
        if (md->present[i]) {
          leave(ws, i, f->n_contingents > 0, "funding");
          changed = true;
        }
      }
  }
  if (changed)
    force_update(ws, now);
  /* 2. armed strength: regrowth, then the disarm teams */
  double G = ws->own.threats.armed.strength, r = ws->sc->threats.armed.regrowth_per_day;
  if (r > 0)
    G = 1.0 - (1.0 - G) * exp(-r);
  int n = fs->dis_pool;
  double fl = f->disarm_floor, e = f->disarm_effect * fs->disarm_engage;
  if (n > 0 && G > fl)
    G = fl + (G - fl) * exp(-e * (double)n);
  ws->own.threats.armed.strength = G;
  /* their raids: each with the harm and casualties of an armed engagement
   * under its team's ROE; they belong to the day this midnight ends */
  if (n > 0 && f->disarm_raids_per_team_day > 0) {
    unsigned k = gsl_ran_poisson(md->r, f->disarm_raids_per_team_day * (double)n);
    bool counted = now - 24.0 >= m->warmup && now - 24.0 < m->horizon;
    for (unsigned j = 0; j < k; j++) {
      size_t c = force_draw_contingent(ws, TASK_DISARM, md->r);
      const struct roe_profile *roe = &ws->sc->roe[f->n_contingents > 0 ? fs->cont_roe[c] : fs->roe];
      double harm = roe->harm_armed > 0 ? (double)gsl_ran_poisson(md->r, roe->harm_armed) : 0.0;
      double fh = roe->force_harm > 0 ? (double)gsl_ran_poisson(md->r, roe->force_harm) : 0.0;
      ledger_casualties(ws, (int)c, fh);
      if (harm > 0) { /* the day's harm, by population share over the zones */
        double w = ws->th.zone_weight_sum;
        for (size_t z = 0; z < ws->sc->n_nodes && w > 0; z++)
          ws->cnt.day_harm[z] += harm * ws->th.zone_weight[z] / w;
      }
      if (counted) {
        ws->cnt.met[METRIC_DISARM_RAIDS] += 1;
        ws->cnt.met[METRIC_CIVILIAN_HARM] += harm;
        ws->cnt.met[METRIC_FORCE_CASUALTIES] += fh;
      }
    }
    if (tracing(ws) && k > 0) {
      snprintf(ws->buf, sizeof ws->buf, "raids=%u strength=%.6g", k, G);
      trace(ws, "disarm_raids", NULL, NULL, ws->buf);
    }
  }
  /* 3. police level */
  if (fs->trn_pool > 0 && f->train_level_per_team_day > 0) {
    double L = ws->own.threats.policing.level + f->train_level_per_team_day * (double)fs->trn_pool;
    ws->own.threats.policing.level = L < 1.0 ? L : 1.0;
  }
  if (ws->own.threats.armed.strength != G0 || ws->own.threats.policing.level != L0)
    changed = true;
  if (first_after) {
    md->G_end = ws->own.threats.armed.strength;
    md->L_end = ws->own.threats.policing.level;
    md->ended = true;
  }
  if (changed)
    threat_refresh_all(ws, now);
}

void mandate_finish(struct model_ws *ws, struct rep_result *out)
{
  struct mandate_state *md = &ws->md;
  double *v = out->metric;
  force_account(ws, ws->m->horizon > md->acct_t ? ws->m->horizon : md->acct_t);
  v[METRIC_INTERVENTIONS] = md->interventions;
  v[METRIC_ARMED_STRENGTH_END] = isnan(md->G_end) ? ws->own.threats.armed.strength : md->G_end;
  v[METRIC_POLICING_LEVEL_END] = isnan(md->L_end) ? ws->own.threats.policing.level : md->L_end;
  v[METRIC_CONTINGENTS_WITHDRAWN] = (double)md->withdrawn;
  v[METRIC_BUDGET_EXHAUSTED_DAY] = md->exhausted_day;
  out->n_contingents = md->n;
  for (size_t i = 0; i < md->n && i < SCENARIO_MAX_CONTINGENTS; i++) {
    out->cont_spend[i] = md->spend_w[i];
    out->cont_troop_days[i] = md->troop_h[i] / 24.0;
    out->cont_gone_day[i] = md->gone_day[i];
  }
}
