/*
 * model_fixture.h - what the model tests share: a scenario loaded into a
 * model and a workspace, sinks that keep every record of a replication,
 * the invariants every replication is checked against (run_rep), and the
 * statistical checks.  Header-only, for the test programs.
 *
 * The one rule: every replication a test runs goes through run_rep(),
 * which checks the invariants (time never goes back, tonnes and trucks are
 * conserved, outcomes partition the scheduled convoys, the model's own
 * audit of crossings, teams and fleet).  Statistical checks use 5-sigma
 * bounds so they do not flake, with enough replications to have teeth.
 */
#ifndef CONVOYSIM_TEST_MODEL_FIXTURE_H
#define CONVOYSIM_TEST_MODEL_FIXTURE_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "convoysim/model.h"


#define MAXC 4096
#define MAXD 8192
#define MAXH 256

/* |a - b| <= eps, saying which values differ when not. */
#define assert_double_equal(a, b, eps) check_near((a), (b), (eps), #a, __FILE__, __LINE__)
static inline void check_near(double a, double b, double eps, const char *what, const char *file, int line)
{
  if (!(fabs(a - b) <= eps)) {
    fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (+- %g)\n", file, line, what, a, b, eps);
    fail();
  }
}

struct rec {
  struct convoy_record c[MAXC];
  size_t nc;
  struct daily_record d[MAXD];
  size_t nd;
  double last_t;       /* last traced time */
  bool back;           /* time went back */
  double halt_a[MAXH], halt_b[MAXH];
  size_t nha, nhb;
  double first_armed;  /* time of the first armed attack, INFINITY = none */
  double collapse_t;   /* time of the collapse, INFINITY = none */
  long departs;
};

struct fix {
  struct scenario sc;
  struct model *m;
  struct model_ws *ws;
};

static inline void fix_open(struct fix *f, const char *name, const char *const *sets, size_t n)
{
  char path[512];
  struct diag d;
  enum err e;
  diag_init(&d);
  snprintf(path, sizeof path, "%s/model/%s", DATA_DIR, name);
  e = scenario_load(&f->sc, path, sets, n, &d);
  if (e != ERR_OK)
    diag_print(&d, stderr);
  assert_int_equal(e, ERR_OK);
  e = model_new(&f->sc, &f->m, &d);
  if (e != ERR_OK)
    diag_print(&d, stderr);
  assert_int_equal(e, ERR_OK);
  assert_int_equal(model_ws_new(f->m, &f->ws), ERR_OK);
  diag_release(&d);
}

static inline void fix_open_path(struct fix *f, const char *path, const char *const *sets, size_t n)
{
  struct diag d;
  enum err e;
  diag_init(&d);
  e = scenario_load(&f->sc, path, sets, n, &d);
  if (e != ERR_OK)
    diag_print(&d, stderr);
  assert_int_equal(e, ERR_OK);
  assert_int_equal(model_new(&f->sc, &f->m, &d), ERR_OK);
  assert_int_equal(model_ws_new(f->m, &f->ws), ERR_OK);
  diag_release(&d);
}

static inline void fix_close(struct fix *f)
{
  model_ws_free(f->ws);
  model_free(f->m);
  scenario_release(&f->sc);
}

static inline void sink_convoy(void *ctx, const struct convoy_record *r)
{
  struct rec *s = ctx;
  assert_true(s->nc < MAXC);
  s->c[s->nc++] = *r;
}

static inline void sink_daily(void *ctx, const struct daily_record *r)
{
  struct rec *s = ctx;
  assert_true(s->nd < MAXD);
  s->d[s->nd++] = *r;
}

static inline void sink_trace(void *ctx, const struct trace_record *t)
{
  struct rec *s = ctx;
  assert_non_null(t->event);
  if (t->time_h < s->last_t)
    s->back = true;
  s->last_t = t->time_h;
  if (strcmp(t->event, "halt_start") == 0 && s->nha < MAXH)
    s->halt_a[s->nha++] = t->time_h;
  if (strcmp(t->event, "halt_end") == 0 && s->nhb < MAXH)
    s->halt_b[s->nhb++] = t->time_h;
  if (strcmp(t->event, "armed_attack") == 0 && t->time_h < s->first_armed)
    s->first_armed = t->time_h;
  if (strcmp(t->event, "depart") == 0)
    s->departs++;
  if (strcmp(t->event, "collapse") == 0) {
    assert_true(s->collapse_t == INFINITY); /* one collapse at most */
    s->collapse_t = t->time_h;
  }
}

/* Invariants of every replication. */
static inline void check_invariants(const struct fix *f, const struct rec *s, const struct rep_result *res)
{
  const double *v = res->metric;
  const double tpt = f->sc.tonnes_per_truck;
  double disp = 0, deliv = 0, hit = 0, tdel = 0, tlost = 0;
  double out[5] = { 0, 0, 0, 0, 0 };
  char msg[256];
  enum err e = model_audit(f->ws, msg, sizeof msg);
  if (e != ERR_OK)
    fprintf(stderr, "audit: %s\n", msg);
  assert_int_equal(e, ERR_OK);
  assert_false(s->back);
  assert_int_equal((long)s->nc, (long)v[METRIC_CONVOYS_SCHEDULED]);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    bool dep = r->outcome != OUTCOME_DENIED && r->outcome != OUTCOME_CANCELLED;
    out[r->outcome] += 1;
    assert_true(r->trucks_dispatched <= r->trucks_requested);
    assert_true(r->trucks_delivered <= r->trucks_dispatched);
    assert_true(r->trucks_intercepted <= r->trucks_dispatched);
    /* a truck that did not arrive with cargo lost all of it: intercepted */
    assert_true(r->trucks_dispatched - r->trucks_delivered <= r->trucks_intercepted);
    assert_double_equal(r->tonnes_dispatched, r->trucks_dispatched * tpt, 1e-9);
    assert_double_equal(r->tonnes_delivered + r->tonnes_lost, r->tonnes_dispatched, 1e-6);
    assert_true(r->end_h >= r->scheduled_h);
    if (dep) {
      assert_true(r->ready_h >= r->scheduled_h);
      assert_true(r->depart_h >= r->ready_h);
      assert_true(r->end_h >= r->depart_h);
      assert_true(r->trucks_dispatched >= 1);
      if (r->outcome == OUTCOME_THROUGH)
        assert_true(r->tonnes_delivered >= f->sc.success_fraction * r->tonnes_dispatched - 1e-9);
      else if (r->outcome == OUTCOME_LOST)
        assert_true(r->tonnes_delivered == 0.0);
      else
        assert_true(r->tonnes_delivered > 0.0 &&
                    r->tonnes_delivered < f->sc.success_fraction * r->tonnes_dispatched);
    } else {
      assert_int_equal(r->trucks_dispatched, 0);
      assert_true(isnan(r->depart_h));
    }
    disp += r->trucks_dispatched;
    deliv += r->trucks_delivered;
    hit += r->trucks_intercepted;
    tdel += r->tonnes_delivered;
    tlost += r->tonnes_lost;
  }
  assert_double_equal(out[OUTCOME_THROUGH], v[METRIC_CONVOYS_THROUGH], 0);
  assert_double_equal(out[OUTCOME_PARTIAL], v[METRIC_CONVOYS_PARTIAL], 0);
  assert_double_equal(out[OUTCOME_LOST], v[METRIC_CONVOYS_LOST], 0);
  assert_double_equal(out[OUTCOME_DENIED], v[METRIC_CONVOYS_DENIED], 0);
  assert_double_equal(out[OUTCOME_CANCELLED], v[METRIC_CONVOYS_CANCELLED], 0);
  assert_double_equal(disp, v[METRIC_TRUCKS_DISPATCHED], 0);
  assert_double_equal(deliv, v[METRIC_TRUCKS_DELIVERED], 0);
  assert_double_equal(hit, v[METRIC_TRUCKS_INTERCEPTED], 0);
  assert_double_equal(tdel, v[METRIC_TONNES_DELIVERED], 1e-6 * (1 + tdel));
  assert_double_equal(tlost, v[METRIC_TONNES_LOST], 1e-6 * (1 + tlost));
  assert_double_equal(v[METRIC_TONNES_DELIVERED] + v[METRIC_TONNES_LOST],
                      v[METRIC_TRUCKS_DISPATCHED] * tpt, 1e-6 * (1 + disp * tpt));
  if (f->sc.warmup_days == 0)
    assert_true(v[METRIC_TRUCKS_ENTERED] <= v[METRIC_TRUCKS_PRESENTED]);
  assert_true(v[METRIC_ATTACKS_DEFEATED] <= v[METRIC_ARMED_ATTACKS]);
  /* the interception split: each truck counts in every kind that took cargo from it */
  assert_double_equal(v[METRIC_TONNES_LOST_CROWD] + v[METRIC_TONNES_LOST_ARMED], v[METRIC_TONNES_LOST],
                      1e-6 * (1 + v[METRIC_TONNES_LOST]));
  assert_true(v[METRIC_TRUCKS_INTERCEPTED_CROWD] <= v[METRIC_TRUCKS_INTERCEPTED]);
  assert_true(v[METRIC_TRUCKS_INTERCEPTED_ARMED] <= v[METRIC_TRUCKS_INTERCEPTED]);
  assert_true(v[METRIC_TRUCKS_INTERCEPTED] <=
              v[METRIC_TRUCKS_INTERCEPTED_CROWD] + v[METRIC_TRUCKS_INTERCEPTED_ARMED]);
  /* shares of time integrals: in [0, 1] or empty */
  assert_true(isnan(v[METRIC_ESCORT_BUSY_SHARE]) ||
              (v[METRIC_ESCORT_BUSY_SHARE] >= 0 && v[METRIC_ESCORT_BUSY_SHARE] <= 1 + 1e-12));
  assert_true(isnan(v[METRIC_TROOPS_TASKED_SHARE]) ||
              (v[METRIC_TROOPS_TASKED_SHARE] >= 0 && v[METRIC_TROOPS_TASKED_SHARE] <= 1 + 1e-12));
  /* a collapse: counted, dated, and nobody departs from its moment on */
  if (s->collapse_t < INFINITY) {
    assert_double_equal(v[METRIC_COLLAPSED], 1, 0);
    assert_double_equal(v[METRIC_COLLAPSE_DAY], s->collapse_t / 24.0, 0);
    for (size_t i = 0; i < s->nc; i++)
      assert_false(s->c[i].depart_h >= s->collapse_t); /* NaN (no departure) passes */
  } else {
    assert_double_equal(v[METRIC_COLLAPSED], 0, 0);
    assert_true(isnan(v[METRIC_COLLAPSE_DAY]));
  }
  assert_true(s->nha == s->nhb);
  /* without warm-up every harm falls on some day of daily.csv */
  if (f->sc.warmup_days == 0) {
    double dh = 0;
    for (size_t i = 0; i < s->nd; i++)
      dh += s->d[i].civilian_harm;
    assert_double_equal(dh, v[METRIC_CIVILIAN_HARM], 1e-9 * (1 + dh));
  }
  /* the contingents' costs and troop-days add up to the force's */
  {
    double spend = 0, days = 0;
    for (size_t i = 0; i < res->n_contingents; i++) {
      spend += res->cont_spend[i];
      days += res->cont_troop_days[i];
    }
    assert_double_equal(spend, v[METRIC_FORCE_COST_USD], 1e-6 * (1 + spend));
    assert_double_equal(days, v[METRIC_TROOP_DAYS], 1e-9 * (1 + days));
    assert_true(v[METRIC_CONTINGENTS_WITHDRAWN] <= (double)res->n_contingents);
    assert_true(v[METRIC_ARMED_STRENGTH_END] >= 0);
    assert_true(v[METRIC_POLICING_LEVEL_END] >= 0 && v[METRIC_POLICING_LEVEL_END] <= 1);
  }
  /* nobody leaves during a ceasefire halt */
  for (size_t i = 0; i < s->nc; i++)
    for (size_t h = 0; h < s->nha; h++)
      if (!isnan(s->c[i].depart_h))
        assert_false(s->c[i].depart_h >= s->halt_a[h] && s->c[i].depart_h < s->halt_b[h]);
  for (int k = 0; k < METRIC_COUNT; k++)
    if (metric_kind((enum metric)k) == METRIC_COUNT_KIND)
      assert_false(isnan(v[k]));
  /* the trace saw every departure (all convoys are counted without warm-up) */
  if (f->sc.warmup_days == 0) {
    long dep = 0;
    for (size_t i = 0; i < s->nc; i++)
      dep += !isnan(s->c[i].depart_h);
    assert_int_equal(dep, s->departs);
  }
}

static inline void run_rep(struct fix *f, uint64_t seed, uint64_t rep, struct rec *s, struct rep_result *res)
{
  struct model_sinks sk = { s, sink_convoy, sink_daily, sink_trace };
  s->nc = s->nd = s->nha = s->nhb = 0;
  s->last_t = 0;
  s->back = false;
  s->first_armed = INFINITY;
  s->collapse_t = INFINITY;
  s->departs = 0;
  assert_int_equal(model_replicate(f->m, f->ws, seed, rep, &sk, res), ERR_OK);
  check_invariants(f, s, res);
}

/* |k/n - p| within 5 binomial sigma. */
static inline void check_prop(const char *what, long k, long n, double p)
{
  double ph = (double)k / (double)n, sd = sqrt(p * (1 - p) / (double)n);
  printf("  %s: %.5f (n=%ld), expected %.5f +- %.5f (5 sd)\n", what, ph, n, p, 5 * sd);
  assert_true(n > 0);
  assert_true(fabs(ph - p) <= 5 * sd);
}

static struct rec *rec_new(void)
{
  struct rec *s = calloc(1, sizeof *s);
  assert_non_null(s);
  return s;
}

/* Fraction of counted convoys that got through, over reps replications. */
static inline void survival(const char *file, const char *const *sets, size_t n_sets, int reps,
                     double p, const char *what)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k = 0, n = 0;
  fix_open(&f, file, sets, n_sets);
  for (int r = 0; r < reps; r++) {
    run_rep(&f, 11, (uint64_t)r, s, &res);
    for (size_t i = 0; i < s->nc; i++) {
      n++;
      k += s->c[i].outcome == OUTCOME_THROUGH;
      /* loss 1: whatever did not get through was lost whole */
      assert_true(s->c[i].outcome == OUTCOME_THROUGH || s->c[i].outcome == OUTCOME_LOST);
    }
  }
  check_prop(what, k, n, p);
  fix_close(&f);
  free(s);
}


#endif
