/*
 * test_crossing.c - the crossings (SPEC 4.4) against closed forms and
 * exact cases: an M/M/c queue against Erlang C, a deterministic crossing
 * counted by hand, FIFO multi-lane queues whose lanes change over time
 * against a plain simulation written here, lane by lane in index order,
 * what trucks_entered counts, and a supply change that keeps the past.
 * Every replication goes through run_rep() (model_fixture.h).
 */
#include "model_fixture.h"

#include "convoysim/stream.h"


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


/* The crossing of `file` replayed here: batch supply of `per_day` trucks
 * at 00:00, always open, no cap, lanes changing at the timeline's days,
 * inspections drawn one per start from the crossing's own stream (or
 * fixed), each truck on the lowest-index lane free first.  Counts the
 * inspections that end before the horizon (trucks_entered) and the mean
 * wait of those that start before it (crossing_wait_h). */
static void replay(const struct scenario *sc, uint64_t seed, uint64_t rep, double per_day,
                   long *entered, double *mean_wait)
{
  const struct node *nd = &sc->nodes[0];
  double free_at[16] = { 0 }, last = 0, sumw = 0, acc = 0;
  int lanes = nd->lanes;
  size_t next = 0;
  long n = 0, starts = 0;
  gsl_rng *r = stream_new();
  assert_non_null(r);
  stream_seek(r, seed, rep, 0x2000 + 0); /* SRC_INSPECT + node 0 (model_int.h) */
  for (long d = 0; d < (long)sc->horizon_days; d++) {
    long nb;
    acc += per_day;
    nb = (long)floor(acc + 1e-9);
    acc -= (double)nb;
    for (long k = 0; k < nb; k++) {
      double arr = 24.0 * (double)d, s;
      int j;
      for (;;) {
        j = 0;
        for (int l = 1; l < lanes; l++)
          if (free_at[l] < free_at[j])
            j = l;
        s = arr > free_at[j] ? arr : free_at[j];
        s = s > last ? s : last;
        if (next < sc->n_timeline && s >= sc->timeline[next].day * 24.0) {
          lanes = (int)sc->timeline[next++].value.u.i;
          continue;
        }
        break;
      }
      if (!(s < sc->horizon_days * 24.0))
        goto done;
      free_at[j] = s + dist_sample(&nd->inspect_h, r);
      last = s;
      n += free_at[j] < sc->horizon_days * 24.0;
      starts++;
      sumw += s - arr;
    }
  }
done:
  stream_free(r);
  *entered = n;
  *mean_wait = starts > 0 ? sumw / (double)starts : NAN;
}

/* Lanes that change (3, 1, 4, 2) with exact ties: each truck takes the
 * lowest free lane, and lanes left out keep their trucks' finish times. */
static void test_lanes_change_exact(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long n;
  double w;
  (void)state;
  fix_open(&f, "lanes_change.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  replay(&f.sc, 1, 0, 30.0, &n, &w);
  printf("  trucks entered %g (replayed %ld), mean wait %.6f h (replayed %.6f)\n",
         res.metric[METRIC_TRUCKS_ENTERED], n, res.metric[METRIC_CROSSING_WAIT_H], w);
  assert_int_equal((long)res.metric[METRIC_TRUCKS_ENTERED], n);
  assert_double_equal(res.metric[METRIC_CROSSING_WAIT_H], w, 1e-9);
  /* by hand: day 0, 3 lanes from 00:00: 30 trucks in 10 h */
  assert_true(n == 90);
  fix_close(&f);
  free(s);
}

/* The same with gamma inspections drawn from the crossing's stream, a
 * second pair of seeds and more lanes than trucks at times. */
static void test_lanes_change_random(void **state)
{
  static const char *const sets[] = { "nodes.gate.inspect_h={ dist = \"gamma\"; mean = 0.8; sd = 0.3; }",
                                      "nodes.gate.supply.trucks_per_day=40.5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "lanes_change.cfg", sets, 2);
  for (uint64_t rep = 0; rep < 20; rep++) {
    long n;
    double w;
    run_rep(&f, 7, rep, s, &res);
    replay(&f.sc, 7, rep, 40.5, &n, &w);
    assert_int_equal((long)res.metric[METRIC_TRUCKS_ENTERED], n);
    assert_double_equal(res.metric[METRIC_CROSSING_WAIT_H], w, 1e-9);
  }
  fix_close(&f);
  free(s);
}

/* trucks_entered counts inspections that ended in [warmup, horizon):
 * entered.cfg's five starts at 0, 5, 10, 15, 20 h end at 5, ..., 25 h. */
static void test_entered_counts_ends(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "entered.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  assert_double_equal(res.metric[METRIC_TRUCKS_PRESENTED], 100, 0);
  assert_double_equal(res.metric[METRIC_TRUCKS_ENTERED], 4, 0);
  /* the waits of the five starts: 0 + 5 + 10 + 15 + 20 over 5 */
  assert_double_equal(res.metric[METRIC_CROSSING_WAIT_H], 10.0, 1e-12);
  fix_close(&f);
  free(s);
}

/* A timeline change of supply applies from its day on: supply_change.cfg
 * presents the 48 trucks of each of the midnights before its change at
 * day 1.5, and none after (1 a day would come at the horizon); with
 * Poisson arrivals, 48 a day to 36 h and 1 a day to 48 h present
 * 72.5 on average. */
static void test_supply_change_keeps_the_past(void **state)
{
  static const char *const poisson[] = { "nodes.gate.supply.arrivals=\"poisson\"" };
  enum { R = 400 };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double sum = 0;
  (void)state;
  fix_open(&f, "supply_change.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  assert_double_equal(res.metric[METRIC_TRUCKS_PRESENTED], 96, 0);
  /* one lane of 1 h from 00:00: 47 inspections end before 48 h */
  assert_double_equal(res.metric[METRIC_TRUCKS_ENTERED], 47, 0);
  fix_close(&f);
  fix_open(&f, "supply_change.cfg", poisson, 1);
  for (int r = 0; r < R; r++) {
    run_rep(&f, 3, (uint64_t)r, s, &res);
    sum += res.metric[METRIC_TRUCKS_PRESENTED];
  }
  printf("  Poisson supply with a change: %.3f presented, expected 72.5 +- %.3f (5 se)\n", sum / R,
         5 * sqrt(72.5 / R));
  assert_true(fabs(sum / R - 72.5) <= 5 * sqrt(72.5 / R));
  fix_close(&f);
  free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_crossing_mmc),
    cmocka_unit_test(test_deterministic_crossing),
    cmocka_unit_test(test_lanes_change_exact),
    cmocka_unit_test(test_lanes_change_random),
    cmocka_unit_test(test_entered_counts_ends),
    cmocka_unit_test(test_supply_change_keeps_the_past),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
