/*
 * ledger.c - the contingents' accounts (SPEC 4.9): the troops each has on
 * the ground and what they cost since the last change, the spending and
 * troop-hours integrated from them, and the casualties of their teams.
 * The fields live in struct mandate_state; this file only keeps the books,
 * so the force (troop changes), the threats (engagements) and the mandate
 * (budgets, withdrawals) all write to it and none calls another for it.
 */
#include "model_int.h"

#include <math.h>

#include "convoysim/force.h"

void ledger_set_rates(struct model_ws *ws, double troops)
{
  const struct force *f = &ws->sc->force;
  struct mandate_state *md = &ws->md;
  for (size_t i = 0; i < md->n; i++) {
    if (!md->present[i] || !f->present) {
      md->on[i] = md->cost[i] = 0;
    } else if (f->n_contingents == 0) {
      md->on[i] = troops;
      md->cost[i] = f->cost_per_troop_day;
    } else {
      const struct contingent *ct = &f->contingents[i];
      md->on[i] = force_contingent_troops(f, i, troops);
      md->cost[i] = isnan(ct->cost_per_troop_day) ? f->cost_per_troop_day : ct->cost_per_troop_day;
    }
  }
}

void ledger_account(struct model_ws *ws, double now)
{
  struct mandate_state *md = &ws->md;
  double a0 = md->acct_t, dt0 = now - a0;
  double a = a0 > ws->m->warmup ? a0 : ws->m->warmup, b = now < ws->m->horizon ? now : ws->m->horizon;
  if (dt0 > 0) /* at the rates that held since the last change */
    for (size_t i = 0; i < md->n; i++) {
      md->spend[i] += md->on[i] * md->cost[i] * dt0 / 24.0;
      if (b > a) {
        md->spend_w[i] += md->on[i] * md->cost[i] * (b - a) / 24.0;
        md->troop_h[i] += md->on[i] * (b - a);
      }
    }
  if (now > md->acct_t)
    md->acct_t = now;
}

void ledger_casualties(struct model_ws *ws, int i, double fh)
{
  if (i >= 0 && (size_t)i < ws->md.n)
    ws->md.casualties[i] += fh;
}
