/*
 * crossing.c - the crossings (SPEC 4.4): multi-lane FIFO inspection queues
 * with opening hours, weekdays, daily caps and halts, fed by upstream
 * supply, emptying into a transfer delay and a buffer of loads waiting for
 * collection.  Owns struct crossing.
 *
 * The one rule: a crossing is exogenous to the convoys (cleared loads wait
 * in an unbounded buffer) and its halts are known from time 0, so its queue
 * is evaluated lazily, truck by truck in arrival order, whenever a convoy
 * asks for loads or a midnight reads the backlog: service start =
 * max(arrival, earliest free lane, previous start) moved to the next
 * instant that is open, on an open weekday, not halted and under the daily
 * cap.  No event per truck; batch arrivals are stored as runs (time,
 * count).  A crossing is never evaluated past the next timeline change
 * (ws->next_change_t), which may change its values.
 */
#include "model_int.h"

#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"


#define CROSSING_MAX_QUEUE ((size_t)1 << 28) /* runs or loads in flight per crossing */

/* Service starts this late (1e12 h, 100 million years) are never: the
 * horizon is at most 100 years, and a drawn service time this long (a
 * heavy-tailed inspect_h) would otherwise walk the calendar day by day. */
#define XING_NEVER_H 1.0e12

enum err crossing_new(struct model_ws *ws)
{
  const struct model *m = ws->m;
  ws->x = calloc((size_t)m->n_cross + 1, sizeof *ws->x);
  if (ws->x == NULL)
    return ERR_NOMEM;
  for (int k = 0; k < m->n_cross; k++) {
    struct crossing *x = &ws->x[k];
    x->node = m->cross_node[k];
    x->r_supply = stream_new();
    x->r_inspect = stream_new();
    x->r_transfer = stream_new();
    size_t leaves = 2;
    while (leaves < (size_t)m->max_lanes)
      leaves *= 2;
    x->lane_free = calloc((size_t)m->max_lanes + 1, sizeof *x->lane_free);
    x->tn = calloc(2 * leaves, sizeof *x->tn);
    if (!x->r_supply || !x->r_inspect || !x->r_transfer || !x->lane_free || !x->tn)
      return ERR_NOMEM;
  }
  return ERR_OK;
}

void crossing_free(struct model_ws *ws)
{
  if (ws->x == NULL)
    return;
  for (int k = 0; k < ws->m->n_cross; k++) {
    struct crossing *x = &ws->x[k];
    stream_free(x->r_supply);
    stream_free(x->r_inspect);
    stream_free(x->r_transfer);
    free(x->q);
    free(x->lane_free);
    free(x->tn);
    free(x->pend);
  }
  free(ws->x);
}

void crossing_reset(struct model_ws *ws)
{
  const struct scenario *sc = ws->sc;
  for (int k = 0; k < ws->m->n_cross; k++) {
    struct crossing *x = &ws->x[k];
    const struct node *nd = &sc->nodes[x->node];
    stream_seek(x->r_supply, ws->seed, ws->rep, SRC_SUPPLY + (uint64_t)x->node);
    stream_seek(x->r_inspect, ws->seed, ws->rep, SRC_INSPECT + (uint64_t)x->node);
    stream_seek(x->r_transfer, ws->seed, ws->rep, SRC_TRANSFER + (uint64_t)x->node);
    x->q_head = x->q_len = 0;
    x->supply_done = false;
    x->next_batch_day = 0;
    x->batch_acc = 0;
    x->sup_rate = nd->supply_trucks_per_day;
    x->sup_resid = stream_exponential(x->r_supply, 1.0); /* drawn whatever the rate */
    x->next_arrival = nd->supply_trucks_per_day > 0
                          ? x->sup_resid * 24.0 / nd->supply_trucks_per_day : INFINITY;
    for (int j = 0; j < ws->m->max_lanes; j++) /* a timeline may add lanes */
      x->lane_free[j] = 0;
    x->tree_lanes = 0;
    x->w_lo = x->w_hi = 0;
    x->last_start = 0;
    x->day_idx = -1;
    x->day_count = 0;
    x->halt_i = 0;
    x->halt_a = x->halt_b = -INFINITY; /* the halts are drawn after the reset */
    x->nd = nd;
    x->pend_n = 0;
    x->pend_min = INFINITY;
    x->collect = nd->backlog_trucks;
    x->ev = CALENDAR_NO_HANDLE;
    x->presented = x->started = x->taken = 0;
  }
}

/* Append n trucks presented at t (merged with a run at the same instant). */
static enum err xq_push(struct crossing *x, double t, long n)
{
  if (x->q_len > 0) {
    struct run *last = &x->q[(x->q_head + x->q_len - 1) % x->q_cap];
    if (last->t == t) {
      last->n += n;
      return ERR_OK;
    }
  }
  if (x->q_len == x->q_cap) {
    size_t old = x->q_cap;
    enum err e = GROW(&x->q, &x->q_cap, old + 1, 64, CROSSING_MAX_QUEUE);
    if (e != ERR_OK)
      return e;
    /* the ring was full: runs 0 .. head-1 move after the old end */
    if (x->q_head > 0)
      memcpy(x->q + old, x->q, x->q_head * sizeof *x->q);
  }
  x->q[(x->q_head + x->q_len) % x->q_cap] = (struct run){ t, n };
  x->q_len++;
  return ERR_OK;
}

/* Present the next arrival (or batch) upstream; false when none is left
 * before the horizon or the next change. */
static bool xing_gen(struct model_ws *ws, struct crossing *x)
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
      if (set_err(ws, xq_push(x, t, 1)))
        return false;
      x->presented++;
      if (t >= m->warmup)
        ws->cnt.met[METRIC_TRUCKS_PRESENTED] += 1;
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
      if (set_err(ws, xq_push(x, t, n)))
        return false;
      x->presented += n;
      if (t >= m->warmup)
        ws->cnt.met[METRIC_TRUCKS_PRESENTED] += (double)n;
      return true;
    }
  }
}

/* Remember that day dd (as floor(s / 24.0) gives it) is an open weekday:
 * the doubles s with floor(s / 24.0) == dd, found exactly. */
static void remember_day(struct crossing *x, double dd)
{
  double lo = 24.0 * dd, hi = 24.0 * (dd + 1.0);
  for (int k = 0; k < 64 && floor(nextafter(lo, -INFINITY) / 24.0) == dd; k++)
    lo = nextafter(lo, -INFINITY);
  for (int k = 0; k < 64 && floor(nextafter(hi, -INFINITY) / 24.0) > dd; k++)
    hi = nextafter(hi, -INFINITY);
  x->w_lo = lo;
  x->w_hi = hi;
  x->w_dd = dd;
  x->w_day = (long)dd;
}

/* The first instant >= s at which a service may start: the walk over
 * weekdays, hours, the daily cap and halts.  It remembers the day it ends
 * on, for xing_open_at. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static double open_walk(struct model_ws *ws, struct crossing *x, double s)
{
  const struct node *nd = x->nd;
  const struct ceasefire_state *cf = &ws->cf;
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
    while (hi < cf->n_halt && cf->halt[hi].b <= s)
      hi++;
    if (hi < cf->n_halt && cf->halt[hi].a <= s) {
      s = cf->halt[hi].b;
      continue;
    }
    if (dd != x->w_dd || !(x->w_hi > x->w_lo))
      remember_day(x, dd);
    return s;
  }
}

/* The first halt that may still matter at s, and what the fast paths keep
 * of it: its start (x->halt_a, before which no halt holds) and its end. */
static void next_halt(struct model_ws *ws, struct crossing *x, double s)
{
  const struct ceasefire_state *cf = &ws->cf;
  while (x->halt_i < cf->n_halt && cf->halt[x->halt_i].b <= s)
    x->halt_i++;
  x->halt_a = x->halt_i < cf->n_halt ? cf->halt[x->halt_i].a : INFINITY;
  x->halt_b = x->halt_i < cf->n_halt ? cf->halt[x->halt_i].b : INFINITY;
}

/* ---------------------------------------------------------------- lanes */

/* The lanes form a winner tree: node n (1 .. P - 1) holds the lane free
 * first below it and when (the left one, lower indices, among equals), so
 * the root holds the lane a scan in index order would find; node P + j is
 * lane j (free times beyond the active lanes are INFINITY).  A service
 * start changes one lane: its path to the root is replayed, and each
 * step reads its sibling's lane and time in one load, without waiting on
 * the step before. */
static void tree_build(struct crossing *x, int L)
{
  int P = 1;
  while (P < L)
    P *= 2;
  for (int k = 0; k < P; k++)
    x->tn[P + k] = (struct lane_node){ k < L ? x->lane_free[k] : INFINITY, k };
  for (int n = P - 1; n >= 1; n--)
    x->tn[n] = x->tn[2 * n + 1].t < x->tn[2 * n].t ? x->tn[2 * n + 1] : x->tn[2 * n];
  x->tree_lanes = L;
  x->tree_p = P;
}

static inline int tree_first(const struct crossing *x)
{
  return x->tn[1].i; /* for one lane, node 1 is the lane itself */
}

/* Lane j is free from t on. */
static inline void tree_set(struct crossing *x, int j, double t)
{
  int m = x->tree_p + j;
  struct lane_node c = { t, j };
  x->lane_free[j] = t;
  x->tn[m] = c;
  for (; m > 1; m >>= 1) {
    struct lane_node sib = x->tn[m ^ 1];
    int keep = (c.t < sib.t) | ((c.t == sib.t) & ((m & 1) ^ 1)); /* the left one wins ties */
    c.t = keep ? c.t : sib.t;
    c.i = keep ? c.i : sib.i;
    x->tn[m >> 1] = c;
  }
}

/* What stays fixed while one crossing starts services (values are copied
 * once: every double the loop stores could otherwise be one of them, and
 * the compiler would read them again after each store). */
struct fixed {
  double from, to;       /* opening hours, h of day */
  long cap;              /* daily_cap */
  double warmup, horizon, next_change; /* h */
  const struct dist *inspect, *transfer;
};

static inline void fixed_of(const struct model_ws *ws, const struct crossing *x, struct fixed *f)
{
  f->from = x->nd->open_h.from;
  f->to = x->nd->open_h.to;
  f->cap = x->nd->daily_cap;
  f->warmup = ws->m->warmup;
  f->horizon = ws->m->horizon;
  f->next_change = ws->next_change_t;
  f->inspect = &x->nd->inspect_h;
  f->transfer = &x->nd->transfer_h;
}

/* Next service start (INFINITY if none): the first truck in the queue on
 * the first free lane, at the first instant it may start. */
static inline double xing_peek(struct model_ws *ws, struct crossing *x, const struct fixed *f)
{
  double s, lf;
  if (x->q_len == 0 && !xing_gen(ws, x))
    return INFINITY;
  if (x->nd->lanes != x->tree_lanes) /* at most max_lanes, timeline included */
    tree_build(x, x->nd->lanes);
  x->lane = tree_first(x);
  lf = x->tn[1].t;
  s = x->q[x->q_head].t;
  if (lf > s)
    s = lf;
  if (x->last_start > s)
    s = x->last_start;
  /* the day the walk last ended on, when s passes each check the walk
   * would make there (hours, cap, no halt before the next one known) */
  if (!(s >= x->w_lo && s < x->w_hi && s - 24.0 * x->w_dd >= f->from && s - 24.0 * x->w_dd < f->to &&
        s < x->halt_a && (f->cap == SCENARIO_UNLIMITED || x->w_day != x->day_idx || x->day_count < f->cap)))
    s = open_walk(ws, x, s);
  return s < f->next_change ? s : INFINITY;
}

/* Start the service xing_peek found at s. */
static inline void xing_start(struct model_ws *ws, struct crossing *x, const struct fixed *f, double s)
{
  struct run *r = &x->q[x->q_head];
  double ins = dist_sample(f->inspect, x->r_inspect);
  double tr = dist_sample(f->transfer, x->r_transfer);
  long d = s >= x->w_lo && s < x->w_hi ? x->w_day : (long)floor(s / 24.0);
  double ready = s + ins + tr;
  if (d != x->day_idx) {
    x->day_idx = d;
    x->day_count = 0;
  }
  x->day_count++;
  x->last_start = s;
  if (s >= x->halt_b)
    next_halt(ws, x, s);
  tree_set(x, x->lane, s + ins);
  if (s >= f->warmup && s < f->horizon) { /* waits of inspections started in the window */
    ws->cnt.sum_cross_wait += s - r->t;
    ws->cnt.n_cross_wait++;
  }
  if (s + ins >= f->warmup && s + ins < f->horizon) /* entered: inspections ended in it */
    ws->cnt.met[METRIC_TRUCKS_ENTERED] += 1;
  x->started++;
  if (--r->n == 0) {
    x->q_head = x->q_head + 1 == x->q_cap ? 0 : x->q_head + 1;
    x->q_len--;
  }
  if (x->pend_n == x->pend_cap &&
      set_err(ws, GROW(&x->pend, &x->pend_cap, x->pend_n + 1, 64, CROSSING_MAX_QUEUE)))
    return;
  x->pend[x->pend_n++] = ready;
  if (ready < x->pend_min)
    x->pend_min = ready;
}

void crossing_advance(struct model_ws *ws, struct crossing *x, double t)
{
  struct fixed f;
  fixed_of(ws, x, &f);
  for (;;) {
    double s = xing_peek(ws, x, &f);
    if (!(s <= t) || ws->err != ERR_OK)
      return;
    xing_start(ws, x, &f, s);
  }
}

long crossing_loads(struct model_ws *ws, struct crossing *x, double t)
{
  crossing_advance(ws, x, t);
  if (t >= x->pend_min) { /* some load in transfer is collectable */
    size_t k = 0;
    double lo = INFINITY;
    for (size_t i = 0; i < x->pend_n; i++) {
      if (x->pend[i] <= t) {
        x->collect++;
      } else {
        lo = x->pend[i] < lo ? x->pend[i] : lo;
        x->pend[k++] = x->pend[i];
      }
    }
    x->pend_n = k;
    x->pend_min = lo;
  }
  return x->collect;
}

double crossing_next_load(struct model_ws *ws, struct crossing *x)
{
  struct fixed f;
  fixed_of(ws, x, &f);
  for (;;) {
    double tau = x->pend_min, s = xing_peek(ws, x, &f);
    if (s <= tau && s < INFINITY && ws->err == ERR_OK) {
      xing_start(ws, x, &f, s);
      continue;
    }
    return tau;
  }
}

void crossing_before_change(struct model_ws *ws, double now)
{
  for (int k = 0; k < ws->m->n_cross; k++) {
    struct crossing *x = &ws->x[k];
    while (xing_gen(ws, x)) /* every truck presented before now, at the old rate */
      ;
    crossing_advance(ws, x, now);
  }
}

void crossing_after_change(struct model_ws *ws, double now)
{
  for (int k = 0; k < ws->m->n_cross; k++) {
    struct crossing *x = &ws->x[k];
    x->w_lo = x->w_hi = 0; /* open_h, open_days may have changed */
    const struct node *nd = &ws->sc->nodes[x->node];
    double nr = nd->supply_trucks_per_day, old = x->sup_rate;
    if (nd->supply_arrivals != SUPPLY_POISSON || nr == old || x->supply_done)
      continue;
    if (old > 0)
      x->sup_resid = (x->next_arrival - now) * old / 24.0;
    x->next_arrival = nr > 0 ? now + x->sup_resid * 24.0 / nr : INFINITY;
    x->sup_rate = nr;
  }
}

void crossing_finish(struct model_ws *ws)
{
  for (int k = 0; k < ws->m->n_cross; k++) { /* count entries before the horizon */
    struct crossing *x = &ws->x[k];
    while (xing_gen(ws, x))
      ;
    crossing_advance(ws, x, ws->m->horizon);
  }
}

enum err crossing_audit(const struct model_ws *ws, char *msg, size_t len)
{
  for (int k = 0; k < ws->m->n_cross; k++) {
    const struct crossing *x = &ws->x[k];
    const char *id = ws->sc->nodes[x->node].id;
    long queued = 0;
    for (size_t i = 0; i < x->q_len; i++)
      queued += x->q[(x->q_head + i) % x->q_cap].n;
    if (x->presented != queued + x->started) {
      snprintf(msg, len, "crossing %s: %ld presented != %ld queued + %ld started", id,
               x->presented, queued, x->started);
      return ERR_INTERNAL;
    }
    if (x->started + ws->sc->nodes[x->node].backlog_trucks !=
        (long)x->pend_n + x->collect + x->taken) {
      snprintf(msg, len, "crossing %s: %ld started + backlog != %zu in transfer + %ld waiting + %ld taken",
               id, x->started, x->pend_n, x->collect, x->taken);
      return ERR_INTERNAL;
    }
    if (x->collect < 0) {
      snprintf(msg, len, "crossing %s: negative backlog", id);
      return ERR_INTERNAL;
    }
  }
  return ERR_OK;
}

void crossing_halts_changed(struct model_ws *ws)
{
  for (int k = 0; k < ws->m->n_cross; k++) {
    struct crossing *x = &ws->x[k];
    x->halt_i = 0;
    x->halt_a = x->halt_b = -INFINITY;
    x->w_lo = x->w_hi = 0;
  }
}
