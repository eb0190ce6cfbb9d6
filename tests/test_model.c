/*
 * test_model.c - the convoy model against closed forms, exact deterministic
 * cases, invariants, reproducibility and common random numbers.
 *
 * The one rule: every replication any test runs goes through run_rep(),
 * which checks the invariants (time never goes back, tonnes and trucks are
 * conserved, outcomes partition the scheduled convoys, the model's own
 * audit of crossings, teams and fleet).  Statistical checks use 5-sigma
 * bounds so they do not flake, with enough replications to have teeth.
 * Scenarios live in tests/data/model/ and document their closed forms.
 */
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
static void check_near(double a, double b, double eps, const char *what, const char *file, int line)
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
  long departs;
};

struct fix {
  struct scenario sc;
  struct model *m;
  struct model_ws *ws;
};

static void fix_open(struct fix *f, const char *name, const char *const *sets, size_t n)
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

static void fix_open_path(struct fix *f, const char *path, const char *const *sets, size_t n)
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

static void fix_close(struct fix *f)
{
  model_ws_free(f->ws);
  model_free(f->m);
  scenario_release(&f->sc);
}

static void sink_convoy(void *ctx, const struct convoy_record *r)
{
  struct rec *s = ctx;
  assert_true(s->nc < MAXC);
  s->c[s->nc++] = *r;
}

static void sink_daily(void *ctx, const struct daily_record *r)
{
  struct rec *s = ctx;
  assert_true(s->nd < MAXD);
  s->d[s->nd++] = *r;
}

static void sink_trace(void *ctx, const struct trace_record *t)
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
}

/* Invariants of every replication. */
static void check_invariants(const struct fix *f, const struct rec *s, const struct rep_result *res)
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
  assert_true(s->nha == s->nhb);
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

static void run_rep(struct fix *f, uint64_t seed, uint64_t rep, struct rec *s, struct rep_result *res)
{
  struct model_sinks sk = { s, sink_convoy, sink_daily, sink_trace };
  s->nc = s->nd = s->nha = s->nhb = 0;
  s->last_t = 0;
  s->back = false;
  s->first_armed = INFINITY;
  s->departs = 0;
  assert_int_equal(model_replicate(f->m, f->ws, seed, rep, &sk, res), ERR_OK);
  check_invariants(f, s, res);
}

/* |k/n - p| within 5 binomial sigma. */
static void check_prop(const char *what, long k, long n, double p)
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
static void survival(const char *file, const char *const *sets, size_t n_sets, int reps,
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

static void test_poisson_one_road(void **state)
{
  static const char *const x3[] = { "threats.armed.rate_multiplier=3" };
  static const char *const crowd[] = { "roads.0.armed_per_h=0", "roads.0.crowd_per_h=0.2",
                                       "threats.crowd.rate_multiplier=2.5" };
  (void)state;
  survival("one_road.cfg", NULL, 0, 300, exp(-0.5), "one road, exp(-0.5)");
  survival("one_road.cfg", x3, 1, 300, exp(-1.5), "armed rate x3, exp(-1.5)");
  survival("one_road.cfg", crowd, 3, 300, exp(-0.5), "crowd rate x2.5, exp(-0.2 x 2.5)");
}

static void test_roads_in_series(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("series.cfg", NULL, 0, 250, exp(-0.85), "series, exp(-0.85)");
  /* transit: 1 + 2 + 0.5 h exactly when nothing happened */
  fix_open(&f, "series.cfg", NULL, 0);
  run_rep(&f, 3, 0, s, &res);
  for (size_t i = 0; i < s->nc; i++)
    if (s->c[i].outcome == OUTCOME_THROUGH)
      assert_double_equal(s->c[i].end_h - s->c[i].depart_h, 3.5, 1e-9);
  assert_double_equal(res.metric[METRIC_TRANSIT_H], 3.5, 1e-9);
  fix_close(&f);
  free(s);
}

static void test_escort_constant_p_and_deterrence(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("escort.cfg", NULL, 0, 250, exp(-0.2), "escort, exp(-0.4 x 0.5)");
  fix_open(&f, "escort.cfg", NULL, 0);
  run_rep(&f, 3, 1, s, &res);
  assert_double_equal(res.metric[METRIC_ENGAGEMENTS], res.metric[METRIC_ARMED_ATTACKS], 0);
  assert_double_equal(res.metric[METRIC_ESCORT_WAIT_H], 0.0, 0);
  for (size_t i = 0; i < s->nc; i++)
    assert_int_equal(s->c[i].escort_teams, 2);
  fix_close(&f);
  free(s);
}

static void test_strength_exponent(void **state)
{
  static const char *const sets[] = { "threats.armed.strength_exponent=1", "threats.armed.party=4" };
  (void)state;
  /* S = 2 teams x 8 = 16, A = 4: p = logistic(logit(0.5) + ln 4) = 0.8 */
  survival("escort.cfg", sets, 2, 250, exp(-0.4 * 0.2), "contest k = 1, exp(-0.4 x (1 - 0.8))");
}

static void test_escort_against_crowds(void **state)
{
  static const char *const sets[] = {
    "roads.0.armed_per_h=0", "roads.0.crowd_per_h=0.4", "threats.crowd.stop_p=1",
    "threats.crowd.loss=1", "roe_profiles.test_escort.engage_crowd=1",
    "roe_profiles.test_escort.deter_crowd=0.5", "roe_profiles.test_escort.harm_crowd=0.3" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double harm = 0, eng = 0;
  (void)state;
  /* crowds ~ Poisson(0.4 x 0.5 x 2), each held off with p_defeat 0.5 */
  survival("escort.cfg", sets, 7, 250, exp(-0.2), "escort vs crowds, exp(-0.4 x 0.5 x 2 x 0.5)");
  fix_open(&f, "escort.cfg", sets, 7);
  for (int r = 0; r < 100; r++) {
    run_rep(&f, 13, (uint64_t)r, s, &res);
    /* crowds are civilians: never a defeated threat */
    assert_double_equal(res.metric[METRIC_ATTACKS_DEFEATED], 0, 0);
    assert_double_equal(res.metric[METRIC_ENGAGEMENTS], res.metric[METRIC_CROWD_INTERCEPTIONS], 0);
    harm += res.metric[METRIC_CIVILIAN_HARM];
    eng += res.metric[METRIC_ENGAGEMENTS];
  }
  printf("  civilian harm per crowd intervention %.4f, expected 0.3\n", harm / eng);
  assert_true(fabs(harm / eng - 0.3) <= 5 * sqrt(0.3 / eng));
  fix_close(&f);
  free(s);
}

static void test_crowd_frozen_desperation(void **state)
{
  static const char *const sets[] = { "roads.0.armed_per_h=0", "roads.0.crowd_per_h=0.3",
                                      "threats.crowd.desperation_slope=1.5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("one_road.cfg", sets, 3, 300, exp(-0.3 * exp(1.5 * 0.5)), "crowd, exp(-0.3 e^0.75)");
  fix_open(&f, "one_road.cfg", sets, 3);
  run_rep(&f, 5, 2, s, &res);
  assert_true(s->nd >= 100);
  for (size_t i = 0; i < s->nd; i++)
    assert_double_equal(s->d[i].desperation, 0.5, 1e-9);
  assert_double_equal(res.metric[METRIC_ARMED_ATTACKS], 0, 0);
  assert_double_equal(res.metric[METRIC_ENGAGEMENTS], 0, 0);
  fix_close(&f);
  free(s);
}

static void test_policing(void **state)
{
  static const char *const sets[] = { "threats.policing.level=1", "threats.policing.effect=0.5" };
  (void)state;
  survival("one_road.cfg", sets, 2, 300, exp(-0.25), "policing, exp(-0.5 x 0.5)");
}

static void test_window_rest_exposure(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("window.cfg", NULL, 0, 300, exp(-0.55), "window, exp(-0.05 x (0.5 x 14 + 4))");
  fix_open(&f, "window.cfg", NULL, 0);
  run_rep(&f, 9, 0, s, &res);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    assert_double_equal(r->depart_h, 16.0 + 24.0 * (double)r->number, 1e-9);
    if (r->outcome == OUTCOME_THROUGH)
      assert_double_equal(r->end_h - r->depart_h, 18.0, 1e-9);
  }
  assert_double_equal(res.metric[METRIC_TRANSIT_H], 18.0, 1e-9);
  fix_close(&f);
  free(s);
}

static double erlang_c(int c, double a)
{
  double sum = 0, term = 1, top;
  for (int k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  top = term * c / (c - a);
  return top / (sum + top);
}

static void test_crossing_mmc(void **state)
{
  enum { R = 120 };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double w[R], wq = erlang_c(2, 1.5) / (2 * 1.0 - 1.5), m, sd;
  (void)state;
  fix_open(&f, "mmc.cfg", NULL, 0);
  for (int r = 0; r < R; r++) {
    run_rep(&f, 21, (uint64_t)r, s, &res);
    w[r] = res.metric[METRIC_CROSSING_WAIT_H];
    /* 55 counted days of Poisson(36/day) presentations */
    assert_true(fabs(res.metric[METRIC_TRUCKS_PRESENTED] - 1980) < 5 * sqrt(1980));
  }
  m = gsl_stats_mean(w, 1, R);
  sd = gsl_stats_sd(w, 1, R);
  printf("  M/M/2 Wq: %.4f, Erlang C %.4f +- %.4f (5 se)\n", m, wq, 5 * sd / sqrt(R));
  assert_true(fabs(m - wq) <= 5 * sd / sqrt(R));
  assert_double_equal(wq, 9.0 / 7.0, 1e-12);
  fix_close(&f);
  free(s);
}

static void test_deterministic_crossing(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  const double *v = res.metric;
  double arr[200], sumw = 0, D = 0;
  long na = 0, head = 0, nent = 0;
  (void)state;
  fix_open(&f, "det_crossing.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  /* 9.5/day with carry-over: floor(14 x 9.5) = 133 presented */
  assert_double_equal(v[METRIC_TRUCKS_PRESENTED], 133, 0);
  /* 10 open weekdays x daily_cap 7 */
  assert_double_equal(v[METRIC_TRUCKS_ENTERED], 70, 0);
  /* day 0: backlog 3 + 7; then 7 per open day; closed days cancelled (min 2) */
  assert_double_equal(v[METRIC_CONVOYS_SCHEDULED], 14, 0);
  assert_double_equal(v[METRIC_CONVOYS_CANCELLED], 4, 0);
  assert_double_equal(v[METRIC_CONVOYS_THROUGH], 10, 0);
  assert_double_equal(v[METRIC_TRUCKS_DISPATCHED], 73, 0);
  assert_double_equal(v[METRIC_FILL_RATE], 73.0 / 140.0, 1e-12);
  assert_double_equal(v[METRIC_TONNES_DELIVERED], 73 * 11.0, 1e-9);
  assert_double_equal(v[METRIC_TRANSIT_H], 2.5, 1e-12);
  assert_double_equal(v[METRIC_NEED_COVERAGE], 803.0 / 700.0, 1e-12);
  assert_double_equal(v[METRIC_DAYS_BELOW_HALF_NEED], 4, 0);
  assert_true(isnan(v[METRIC_ESCORT_WAIT_H]));
  assert_true(isnan(v[METRIC_QRF_RESPONSE_H]));
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    long wd = r->number % 7;
    assert_double_equal(r->scheduled_h, 18.0 + 24.0 * (double)r->number, 1e-12);
    if (wd >= 5) {
      assert_int_equal(r->outcome, OUTCOME_CANCELLED);
    } else {
      assert_int_equal(r->outcome, OUTCOME_THROUGH);
      assert_double_equal(r->depart_h, r->scheduled_h, 0);
      assert_int_equal(r->trucks_dispatched, r->number == 0 ? 10 : 7);
      assert_double_equal(r->end_h, r->depart_h + 2.5, 1e-12);
    }
  }
  /* inspection waits, by an independent count: batches at 08:00, 7 starts
   * per open day at 08:00, 08:00, 08:30, 08:30, 09:00, 09:00, 09:30 */
  for (long d = 0; d < 14; d++) {
    long nb = (long)floor((d + 1) * 9.5) - (long)floor(d * 9.5);
    for (long k = 0; k < nb; k++)
      arr[na++] = 24.0 * d + 8.0;
    if (d % 7 < 5)
      for (long k = 0; k < 7 && head < na; k++, head++, nent++)
        sumw += 24.0 * d + 8.0 + 0.5 * (double)(k / 2) - arr[head];
  }
  assert_int_equal(nent, 70);
  assert_double_equal(v[METRIC_CROSSING_WAIT_H], sumw / 70.0, 1e-9);
  /* desperation: D <- D + (s - D) / 14 from D = 0, s = max(0, 1 - t / 50) */
  assert_int_equal((int)s->nd, 14); /* days 0-13, nothing alive after */
  for (size_t i = 0; i < 14; i++) {
    double sh = 1.0 - s->d[i].tonnes_delivered / 50.0;
    assert_int_equal(s->d[i].day, (long)i);
    D += ((sh > 0 ? sh : 0) - D) / 14.0;
    assert_double_equal(s->d[i].desperation, D, 1e-12);
    assert_double_equal(s->d[i].crossing_backlog, 0, 0);
  }
  fix_close(&f);
  free(s);
}

static void test_fleet_and_waits(void **state)
{
  static const char *const imp[] = { "coordination.impede_p=1", "coordination.impede_delay_h=1.5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "fleet.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  assert_int_equal((int)s->nc, 10);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    double day = 24.0 * (double)r->number;
    if (r->schedule == 0) {
      assert_double_equal(r->depart_h, day + 8.0, 1e-12);
      assert_int_equal(r->trucks_dispatched, 10);
    } else if (r->number < 4) {
      /* waits for the first convoy's trucks: back at 08:00 + 2 x 1 h */
      assert_double_equal(r->depart_h, day + 10.0, 1e-12);
      assert_int_equal(r->trucks_dispatched, 10);
    } else {
      /* the depot holds 95 loads: 5 are left, so it leaves at max_wait_h */
      assert_double_equal(r->depart_h, day + 13.0, 1e-12);
      assert_int_equal(r->trucks_dispatched, 5);
    }
  }
  assert_double_equal(res.metric[METRIC_TRUCKS_DISPATCHED], 95, 0);
  fix_close(&f);
  /* impeded by 1.5 h: max_wait_h runs from the end of the delay */
  fix_open(&f, "fleet.cfg", imp, 2);
  run_rep(&f, 1, 0, s, &res);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    assert_true(r->impeded);
    assert_double_equal(r->ready_h, r->scheduled_h + 1.5, 1e-12);
    if (r->schedule == 0)
      assert_double_equal(r->depart_h, r->ready_h, 1e-12);
  }
  fix_close(&f);
  free(s);
}

static void test_long_road_starts_at_opening(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long longer = 0, n = 0;
  (void)state;
  fix_open(&f, "long_road.cfg", NULL, 0);
  for (int r = 0; r < 20; r++) {
    run_rep(&f, 12, (uint64_t)r, s, &res);
    for (size_t i = 0; i < s->nc; i++) {
      double tr = s->c[i].end_h - s->c[i].depart_h;
      assert_double_equal(s->c[i].depart_h, 6.0 + 24.0 * (double)s->c[i].number, 0);
      assert_true(tr >= 1.3 - 1e-9 && tr <= 26.0 + 1e-9);
      longer += tr > 12.0;
      n++;
    }
  }
  /* P(130 / v > 12 h) = (130 / 12 - 5) / 95 = 0.0614 */
  check_prop("drawn time longer than the window", longer, n, (130.0 / 12.0 - 5.0) / 95.0);
  fix_close(&f);
  free(s);
}

static void test_waiting_does_not_block(void **state)
{
  static const char *const sets[] = { "convoys.first.trucks=20", "convoys.first.max_wait_h=5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "fleet.cfg", sets, 2);
  run_rep(&f, 1, 0, s, &res);
  /* "first" (ready first) needs 20 trucks of a 15-truck fleet and waits;
   * "second" finds its 10 and leaves at once; "first" leaves at max_wait_h
   * with the 15 free (the second's are back at 10:00) */
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    if (r->number != 0)
      continue;
    if (r->schedule == 0) {
      assert_double_equal(r->depart_h, 13.0, 0);
      assert_int_equal(r->trucks_dispatched, 15);
    } else {
      assert_double_equal(r->depart_h, 8.0, 0);
      assert_int_equal(r->trucks_dispatched, 10);
    }
  }
  fix_close(&f);
  free(s);
}

static void test_qrf(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k = 0, n = 0;
  (void)state;
  fix_open(&f, "qrf.cfg", NULL, 0);
  for (int r = 0; r < 300; r++) {
    const double *v = res.metric;
    run_rep(&f, 4, (uint64_t)r, s, &res);
    assert_double_equal(v[METRIC_QRF_DISPATCHES], v[METRIC_ARMED_ATTACKS], 0);
    assert_double_equal(v[METRIC_ENGAGEMENTS], v[METRIC_ARMED_ATTACKS], 0);
    assert_double_equal(v[METRIC_ATTACKS_DEFEATED], v[METRIC_ARMED_ATTACKS], 0);
    if (v[METRIC_QRF_DISPATCHES] > 0)
      assert_double_equal(v[METRIC_QRF_RESPONSE_H], 0.1, 1e-12);
    else
      assert_true(isnan(v[METRIC_QRF_RESPONSE_H]));
    for (size_t i = 0; i < s->nc; i++) {
      n++;
      k += s->c[i].trucks_intercepted == 0;
    }
  }
  /* N ~ Poisson(0.5) attacks, each takes each of 5 trucks with p 0.1 */
  check_prop("QRF, no truck lost", k, n, exp(-0.5 * (1 - pow(0.9, 5))));
  fix_close(&f);
  free(s);
}

static void test_escalation(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double att = 0, n = 0, harm = 0, eng = 0;
  (void)state;
  fix_open(&f, "escalation.cfg", NULL, 0);
  for (int r = 0; r < 100; r++) {
    const double *v = res.metric;
    run_rep(&f, 8, (uint64_t)r, s, &res);
    assert_double_equal(v[METRIC_ESCALATIONS], v[METRIC_ENGAGEMENTS], 0);
    assert_double_equal(v[METRIC_ATTACKS_DEFEATED], v[METRIC_ARMED_ATTACKS], 0);
    assert_double_equal(v[METRIC_CONVOYS_THROUGH], v[METRIC_CONVOYS_SCHEDULED], 0);
    harm += v[METRIC_CIVILIAN_HARM];
    eng += v[METRIC_ENGAGEMENTS];
    for (size_t i = 0; i < s->nc; i++)
      if (s->c[i].depart_h > s->first_armed) {
        att += s->c[i].armed_attacks;
        n += 1;
      }
  }
  printf("  escalated attacks per convoy %.4f (n=%.0f), expected 1.5\n", att / n, n);
  assert_true(fabs(att / n - 1.5) <= 5 * sqrt(1.5 / n));
  printf("  harm per engagement %.4f, expected 0.5\n", harm / eng);
  assert_true(fabs(harm / eng - 0.5) <= 5 * sqrt(0.5 / eng));
  fix_close(&f);
  free(s);
}

static void test_contingents(void **state)
{
  (void)state;
  survival("contingents.cfg", NULL, 0, 300, 0.75 * exp(-0.8) + 0.25 * exp(-0.2),
           "contingents, 0.75 e^-0.8 + 0.25 e^-0.2");
}

static void test_patrol_buildup_cost(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k0 = 0, n0 = 0, k1 = 0, n1 = 0;
  (void)state;
  fix_open(&f, "patrol.cfg", NULL, 0);
  for (int r = 0; r < 250; r++) {
    run_rep(&f, 6, (uint64_t)r, s, &res);
    assert_double_equal(res.metric[METRIC_FORCE_COST_USD], 24000.0, 1e-9);
    for (size_t i = 0; i < s->nc; i++) {
      bool after = s->c[i].depart_h >= 240.0;
      bool ok = s->c[i].outcome == OUTCOME_THROUGH;
      if (after) {
        n1++;
        k1 += ok;
      } else {
        n0++;
        k0 += ok;
      }
    }
  }
  check_prop("no patrols yet, Q 0.8", k0, n0, exp(-0.8));
  check_prop("patrols P 0.65, Q 0.8", k1, n1, exp(-0.8 * 0.65));
  fix_close(&f);
  free(s);
}

static void test_timeline(void **state)
{
  enum { R = 60 };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k0 = 0, n0 = 0;
  double pres = 0;
  (void)state;
  fix_open(&f, "timeline.cfg", NULL, 0);
  for (int r = 0; r < R; r++) {
    long collected = 0;
    run_rep(&f, 2, (uint64_t)r, s, &res);
    pres += res.metric[METRIC_TRUCKS_PRESENTED] - 950; /* the batch gate: floor(100 x 9.5) */
    for (size_t i = 0; i < s->nc; i++) {
      const struct convoy_record *c = &s->c[i];
      if (c->schedule == 0) {
        collected += c->trucks_dispatched;
        if (c->number >= 7 && c->outcome != OUTCOME_CANCELLED)
          assert_int_equal(c->trucks_dispatched, 3);
      } else if (c->depart_h < 50 * 24.0) {
        n0++;
        k0 += c->outcome == OUTCOME_THROUGH;
      } else {
        assert_int_equal(c->outcome, OUTCOME_THROUGH);
        assert_int_equal(c->armed_attacks, 0);
      }
    }
    assert_int_equal(collected, 35 + 67 * 3);
  }
  pres /= R;
  printf("  Poisson supply 36 -> 72/day on day 30: %.1f presented, expected 6120 +- %.1f\n", pres,
         5 * sqrt(6120.0 / R));
  assert_true(fabs(pres - 6120) <= 5 * sqrt(6120.0 / R));
  check_prop("armed_per_h 0.5 before day 50", k0, n0, exp(-0.5));
  fix_close(&f);
  free(s);
}

static void test_ceasefire_collapse(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long collapsed = 0;
  (void)state;
  fix_open(&f, "collapse.cfg", NULL, 0);
  for (int r = 0; r < 50; r++) {
    double t1, h = 20 * 24.0;
    run_rep(&f, 3, (uint64_t)r, s, &res);
    if (s->nha == 0) { /* no violation before the horizon */
      assert_double_equal(res.metric[METRIC_TRUCKS_ENTERED], 20 * 24, 0);
      continue;
    }
    collapsed++;
    assert_int_equal((int)s->nha, 1);
    t1 = s->halt_a[0];
    assert_double_equal(s->halt_b[0], h, 0);
    assert_double_equal(res.metric[METRIC_TRUCKS_ENTERED], ceil(t1), 0);
    for (size_t i = 0; i < s->nc; i++) {
      const struct convoy_record *c = &s->c[i];
      if (c->scheduled_h >= t1 && c->outcome != OUTCOME_CANCELLED)
        assert_double_equal(c->depart_h, h, 0);
      else if (c->scheduled_h < t1)
        assert_double_equal(c->depart_h, c->scheduled_h, 0);
    }
  }
  assert_true(collapsed > 30);
  fix_close(&f);
  free(s);
}

static void test_ceasefire_tension(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double ek = 0, var = 0, k = 0, halted = 0;
  (void)state;
  fix_open(&f, "tension.cfg", NULL, 0);
  for (int r = 0; r < 300; r++) {
    run_rep(&f, 4, (uint64_t)r, s, &res);
    for (size_t i = 0; i < s->nc; i++) {
      const struct convoy_record *c = &s->c[i];
      double d = c->depart_h, ov = 0, p;
      for (size_t h = 0; h < s->nha; h++) {
        double a = fmax(d, s->halt_a[h]), b = fmin(d + 10.0, s->halt_b[h]);
        if (b > a)
          ov += b - a;
      }
      halted += ov > 0;
      p = exp(-0.05 * (10.0 + 2.0 * ov));
      ek += p;
      var += p * (1 - p);
      k += c->outcome == OUTCOME_THROUGH;
    }
  }
  printf("  tension: %.0f through, expected %.1f +- %.1f (5 sd); %.0f convoys under a halt\n", k, ek,
         5 * sqrt(var), halted);
  assert_true(halted > 3000);
  assert_true(fabs(k - ek) <= 5 * sqrt(var));
  fix_close(&f);
  free(s);
}

static void test_timeline_refuses_ceasefire(void **state)
{
  static const char text[] =
      "name = \"t\"; horizon_days = 5.0;\n"
      "nodes = ( { id = \"d\"; kind = \"depot\"; }, { id = \"t\"; kind = \"distribution\"; } );\n"
      "roads = ( { from = \"d\"; to = \"t\"; km = 1.0; } );\n"
      "convoys = ( { id = \"c\"; route = [\"d\", \"t\"]; depart_h = 1.0; } );\n"
      "ceasefire = { violations_per_day = 0.1; };\n"
      "timeline = ( { day = 2.0; set = ( (\"ceasefire.tension_multiplier\", 2.0) ); } );\n";
  struct scenario sc;
  struct diag d;
  struct model *m = NULL;
  char buf[1024];
  FILE *f;
  (void)state;
  diag_init(&d);
  assert_int_equal(scenario_load_string(&sc, text, "tl.cfg", NULL, 0, &d), ERR_OK);
  assert_int_equal(model_new(&sc, &m, &d), ERR_SCENARIO);
  assert_null(m);
  f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  diag_print(&d, f);
  fclose(f);
  assert_non_null(strstr(buf, "tl.cfg:6: timeline: 'ceasefire.tension_multiplier' cannot change over time"));
  scenario_release(&sc);
  diag_release(&d);
}

static void test_reproducible(void **state)
{
  struct fix f, g;
  struct rec *s = rec_new(), *t = rec_new();
  struct rep_result a, b;
  (void)state;
  fix_open(&f, "crn.cfg", NULL, 0);
  fix_open(&g, "crn.cfg", NULL, 0);
  run_rep(&f, 77, 5, s, &a);
  for (int r = 0; r < 4; r++)
    run_rep(&f, 77, (uint64_t)r, t, &b); /* reuse the workspace */
  run_rep(&g, 77, 5, t, &b);
  assert_memory_equal(a.metric, b.metric, sizeof a.metric);
  assert_int_equal(a.events, b.events);
  assert_int_equal((long)s->nc, (long)t->nc);
  assert_memory_equal(s->c, t->c, s->nc * sizeof s->c[0]);
  run_rep(&f, 77, 5, t, &b);
  assert_memory_equal(a.metric, b.metric, sizeof a.metric);
  run_rep(&f, 78, 5, t, &b);
  assert_true(memcmp(a.metric, b.metric, sizeof a.metric) != 0);
  fix_close(&f);
  fix_close(&g);
  free(s);
  free(t);
}

static void test_common_random_numbers(void **state)
{
  static const char *const none[] = { "force.troops=0" };
  struct fix f, g;
  struct rec *s = rec_new(), *t = rec_new();
  struct rep_result a, b;
  long escorted = 0, halts = 0;
  (void)state;
  fix_open(&f, "crn.cfg", NULL, 0);
  fix_open(&g, "crn.cfg", none, 1);
  for (int r = 0; r < 40; r++) {
    run_rep(&f, 5, (uint64_t)r, s, &a);
    run_rep(&g, 5, (uint64_t)r, t, &b);
    halts += (long)s->nha;
    for (int k = 0; k < METRIC_COUNT; k++) {
      if (k == METRIC_ESCORT_WAIT_H)
        continue; /* only escorted convoys have it */
      if (isnan(a.metric[k]))
        assert_true(isnan(b.metric[k]));
      else
        assert_double_equal(a.metric[k], b.metric[k], 0);
    }
    assert_int_equal((long)s->nc, (long)t->nc);
    for (size_t i = 0; i < s->nc; i++) {
      escorted += s->c[i].escort_teams > 0;
      assert_int_equal(t->c[i].escort_teams, 0);
      assert_int_equal(s->c[i].outcome, t->c[i].outcome);
      assert_int_equal(s->c[i].armed_attacks, t->c[i].armed_attacks);
      assert_int_equal(s->c[i].crowd_interceptions, t->c[i].crowd_interceptions);
      assert_double_equal(s->c[i].tonnes_delivered, t->c[i].tonnes_delivered, 0);
    }
  }
  assert_true(escorted > 100); /* the force really escorted */
  assert_true(halts > 10);     /* and ceasefire halts happened */
  fix_close(&f);
  fix_close(&g);
  free(s);
  free(t);
}

static void test_baseline_invariants(void **state)
{
  static const char *const none[] = { "force.troops=0" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open_path(&f, SOURCE_DIR "/scenarios/gaza_baseline.cfg", NULL, 0);
  for (int r = 0; r < 10; r++)
    run_rep(&f, 1, (uint64_t)r, s, &res);
  assert_true(res.metric[METRIC_CONVOYS_SCHEDULED] > 400);
  assert_true(res.events > 0);
  fix_close(&f);
  fix_open_path(&f, SOURCE_DIR "/scenarios/gaza_baseline.cfg", none, 1);
  for (int r = 0; r < 10; r++)
    run_rep(&f, 1, (uint64_t)r, s, &res);
  assert_double_equal(res.metric[METRIC_FORCE_COST_USD], 0, 0);
  fix_close(&f);
  free(s);
}

static void test_outcome_names(void **state)
{
  (void)state;
  assert_string_equal(convoy_outcome_name(OUTCOME_THROUGH), "through");
  assert_string_equal(convoy_outcome_name(OUTCOME_PARTIAL), "partial");
  assert_string_equal(convoy_outcome_name(OUTCOME_LOST), "lost");
  assert_string_equal(convoy_outcome_name(OUTCOME_DENIED), "denied");
  assert_string_equal(convoy_outcome_name(OUTCOME_CANCELLED), "cancelled");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_outcome_names),
    cmocka_unit_test(test_poisson_one_road),
    cmocka_unit_test(test_roads_in_series),
    cmocka_unit_test(test_escort_constant_p_and_deterrence),
    cmocka_unit_test(test_strength_exponent),
    cmocka_unit_test(test_escort_against_crowds),
    cmocka_unit_test(test_crowd_frozen_desperation),
    cmocka_unit_test(test_policing),
    cmocka_unit_test(test_window_rest_exposure),
    cmocka_unit_test(test_crossing_mmc),
    cmocka_unit_test(test_deterministic_crossing),
    cmocka_unit_test(test_fleet_and_waits),
    cmocka_unit_test(test_long_road_starts_at_opening),
    cmocka_unit_test(test_waiting_does_not_block),
    cmocka_unit_test(test_qrf),
    cmocka_unit_test(test_escalation),
    cmocka_unit_test(test_contingents),
    cmocka_unit_test(test_patrol_buildup_cost),
    cmocka_unit_test(test_timeline),
    cmocka_unit_test(test_ceasefire_collapse),
    cmocka_unit_test(test_ceasefire_tension),
    cmocka_unit_test(test_timeline_refuses_ceasefire),
    cmocka_unit_test(test_reproducible),
    cmocka_unit_test(test_common_random_numbers),
    cmocka_unit_test(test_baseline_invariants),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
