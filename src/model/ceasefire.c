/*
 * ceasefire.c - ceasefire violations and the halts they cause (SPEC 4.6).
 *
 * Violations are drawn for the whole horizon when a replication starts,
 * from the ceasefire stream alone, so the crossings (crossing.c) can be
 * evaluated lazily against a halt list that changes only at the present:
 * an intervention (SPEC 4.9) adds a violation at the moment of its attack,
 * and the crossings, which never commit a service start past the present,
 * forget what they kept of the list.
 * Overlapping halts merge.  A violation is a collapse with collapse_p: its
 * halt lasts to the horizon, it ends the drawing, and from its moment on
 * no convoy departs (convoy.c cancels them, EV_COLLAPSE) and the armed
 * hazard takes war_multiplier instead of tension_multiplier (threat.c).
 * Owns struct ceasefire_state.
 */
#include "model_int.h"

#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"

enum err ceasefire_new(struct ceasefire_state *cf)
{
  cf->r = stream_new();
  return cf->r != NULL ? ERR_OK : ERR_NOMEM;
}

void ceasefire_free(struct ceasefire_state *cf)
{
  stream_free(cf->r);
  free(cf->halt);
}

static enum err add_halt(struct ceasefire_state *cf, double a, double b)
{
  if (cf->n_halt > 0 && a <= cf->halt[cf->n_halt - 1].b) {
    if (b > cf->halt[cf->n_halt - 1].b)
      cf->halt[cf->n_halt - 1].b = b;
    return ERR_OK;
  }
  enum err e = GROW(&cf->halt, &cf->cap_halt, cf->n_halt + 1, 16, (size_t)1 << 26);
  if (e != ERR_OK)
    return e;
  cf->halt[cf->n_halt++] = (struct halt){ a, b };
  return ERR_OK;
}

enum err ceasefire_start(struct model_ws *ws)
{
  const struct ceasefire *c = &ws->sc->ceasefire;
  struct ceasefire_state *cf = &ws->cf;
  double horizon = ws->m->horizon;
  cf->n_halt = 0;
  cf->halt_i = 0;
  cf->collapse_t = INFINITY;
  stream_seek(cf->r, ws->seed, ws->rep, SRC_CEASEFIRE);
  if (!c->present || !(c->violations_per_day > 0))
    return ERR_OK;
  double t = stream_exponential(cf->r, 24.0 / c->violations_per_day);
  while (t < horizon) {
    double h = draw(&c->halt_h, cf->r), end = t + h;
    bool collapse = gsl_rng_uniform(cf->r) < c->collapse_p;
    if (collapse && end < horizon)
      end = horizon;
    enum err e = add_halt(cf, t, end);
    if (e != ERR_OK)
      return e;
    if (collapse) {
      cf->collapse_t = t;
      break;
    }
    t += stream_exponential(cf->r, 24.0 / c->violations_per_day);
  }
  for (size_t i = 0; i < cf->n_halt; i++) {
    push(ws, cf->halt[i].a, EV_HALT_START, (int)i, 0, NULL);
    push(ws, cf->halt[i].b, EV_HALT_END, (int)i, 0, NULL);
  }
  if (cf->collapse_t < INFINITY)
    push(ws, cf->collapse_t, EV_COLLAPSE, 0, 0, NULL);
  return ERR_OK;
}

bool ceasefire_halted(struct model_ws *ws, double t)
{
  struct ceasefire_state *cf = &ws->cf;
  while (cf->halt_i < cf->n_halt && cf->halt[cf->halt_i].b <= t)
    cf->halt_i++;
  return cf->halt_i < cf->n_halt && cf->halt[cf->halt_i].a <= t;
}

bool ceasefire_halt_starts(const struct model_ws *ws, double t)
{
  const struct ceasefire_state *cf = &ws->cf;
  for (size_t i = 0; i < cf->n_halt; i++)
    if (cf->halt[i].a <= t && t < cf->halt[i].b)
      return cf->halt[i].a == t;
  return false;
}

/* Insert [a, b) into the sorted, merged halt list. */
static enum err insert_halt(struct ceasefire_state *cf, double a, double b)
{
  size_t i = 0, j;
  while (i < cf->n_halt && cf->halt[i].b < a)
    i++;
  /* halts i .. j - 1 overlap or touch [a, b): they merge with it */
  for (j = i; j < cf->n_halt && cf->halt[j].a <= b; j++) {
    if (cf->halt[j].a < a)
      a = cf->halt[j].a;
    if (cf->halt[j].b > b)
      b = cf->halt[j].b;
  }
  if (j == i) { /* a new one at i */
    enum err e = GROW(&cf->halt, &cf->cap_halt, cf->n_halt + 1, 16, (size_t)1 << 26);
    if (e != ERR_OK)
      return e;
    memmove(cf->halt + i + 1, cf->halt + i, (cf->n_halt - i) * sizeof *cf->halt);
    cf->n_halt++;
  } else if (j > i + 1) {
    memmove(cf->halt + i + 1, cf->halt + j, (cf->n_halt - j) * sizeof *cf->halt);
    cf->n_halt -= j - i - 1;
  }
  cf->halt[i] = (struct halt){ a, b };
  return ERR_OK;
}

enum err ceasefire_violation(struct model_ws *ws, double t, double h, bool collapse)
{
  struct ceasefire_state *cf = &ws->cf;
  double horizon = ws->m->horizon, end = t + (h > 0 ? h : 0);
  bool was = false;
  enum err e;
  if (t >= cf->collapse_t || !(t < horizon))
    return ERR_OK; /* a collapse holds everything already */
  for (size_t i = 0; i < cf->n_halt; i++)
    was = was || (cf->halt[i].a <= t && t < cf->halt[i].b);
  if (collapse && end < horizon)
    end = horizon;
  if ((e = insert_halt(cf, t, end)) != ERR_OK)
    return e;
  cf->halt_i = 0;
  crossing_halts_changed(ws);
  if (!was)
    push(ws, t, EV_HALT_START, 0, 0, NULL);
  push(ws, end, EV_HALT_END, 0, 0, NULL);
  if (collapse) {
    cf->collapse_t = t;
    push(ws, t, EV_COLLAPSE, 0, 0, NULL);
  }
  return ERR_OK;
}
