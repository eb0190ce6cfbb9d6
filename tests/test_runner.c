/*
 * test_runner.c - the Monte Carlo runner driven by a synthetic replication
 * (a test double defined here): same bytes for any thread count, outputs
 * that read back as the statistics of the values fed, the --precision rule
 * stopping at the batch worked out by hand, and failures that stop the run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "convoysim/runner.h"
#include "convoysim/stream.h"
#include "csv_read.h"

#define MAX_THREADS 8

/* The synthetic replication: metrics drawn from stream (seed, rep, 0). */
struct synth {
  gsl_rng *rng[MAX_THREADS]; /* one per thread */
  bool alternate;            /* delivery_rate = rep % 2, for the precision rule */
  long fail_at;              /* this replication fails with ERR_LIMIT; -1 = never */
};

static void synth_metrics(gsl_rng *r, uint64_t seed, uint64_t rep, bool alternate,
                          double *metric)
{
  stream_seek(r, seed, rep, 0);
  for (int m = 0; m < METRIC_COUNT; m++)
    metric[m] = gsl_rng_uniform(r) * (double)(m + 1);
  metric[METRIC_CONVOYS_SCHEDULED] = (double)(rep % 5); /* an integer count */
  if (rep % 7 == 3)
    metric[METRIC_TRANSIT_H] = NAN; /* an empty cell */
  if (alternate)
    metric[METRIC_DELIVERY_RATE] = (double)(rep % 2);
}

static enum err synth_replicate(void *ctx, int thread, uint64_t seed, uint64_t rep,
                                const struct model_sinks *sinks, struct rep_result *out)
{
  struct synth *s = ctx;
  gsl_rng *r = s->rng[thread];

  if ((long)rep == s->fail_at)
    return ERR_LIMIT;
  synth_metrics(r, seed, rep, s->alternate, out->metric);
  out->events = rep + 1;
  if (sinks != NULL && sinks->convoy != NULL)
    for (long c = 0; c < (long)(rep % 3); c++) {
      struct convoy_record cr;
      memset(&cr, 0, sizeof cr);
      cr.schedule = (int)(c % 2);
      cr.number = c;
      cr.outcome = OUTCOME_THROUGH;
      cr.depart_h = NAN;
      cr.tonnes_delivered = gsl_rng_uniform(r);
      sinks->convoy(sinks->ctx, &cr);
    }
  if (sinks != NULL && sinks->daily != NULL)
    for (long d = 0; d < 6; d++) /* day 5 lies past daily_days = 5 */
      for (int z = 0; z < 2; z++) {
        struct daily_record dr = { d, z, 10.0 * gsl_rng_uniform(r), 100.0, 0.5, 3.0, 0.25 };
        sinks->daily(sinks->ctx, &dr);
      }
  return ERR_OK;
}

static struct synth S;
static struct node nodes[2];
static struct convoy_schedule schedules[2];
static struct scenario sc;
static char dir[64];

static int setup(void **state)
{
  (void)state;
  for (int t = 0; t < MAX_THREADS; t++)
    S.rng[t] = stream_new();
  S.fail_at = -1;
  nodes[0].id = (char *)"gaza_city";
  nodes[1].id = (char *)"khan, younis"; /* a name that needs quotes */
  schedules[0].id = (char *)"north";
  schedules[1].id = (char *)"south";
  sc.nodes = nodes;
  sc.n_nodes = 2;
  sc.convoys = schedules;
  sc.n_convoys = 2;
  strcpy(dir, "/tmp/test_runner.XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
  char cmd[128];
  (void)state;
  for (int t = 0; t < MAX_THREADS; t++)
    stream_free(S.rng[t]);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void base_config(struct runner_config *cfg, long reps, int threads)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->seed = 12345;
  cfg->max_reps = reps;
  cfg->threads = threads;
  cfg->sc = &sc;
}

/* Run with `threads`, writing every file under dir with suffix tag. */
static enum err run_all(long reps, int threads, const char *tag, struct runner_stats *st)
{
  struct runner_config cfg;
  struct runner_job job = { &S, synth_replicate };
  struct csv_file fr, fc, fs, fd;
  char p[4][128];
  enum err e;

  base_config(&cfg, reps, threads);
  snprintf(p[0], sizeof p[0], "%s/replications-%s.csv", dir, tag);
  snprintf(p[1], sizeof p[1], "%s/convoys-%s.csv", dir, tag);
  snprintf(p[2], sizeof p[2], "%s/summary-%s.csv", dir, tag);
  snprintf(p[3], sizeof p[3], "%s/daily-%s.csv", dir, tag);
  assert_int_equal(csv_open(&fr, p[0]), ERR_OK);
  assert_int_equal(csv_open(&fc, p[1]), ERR_OK);
  assert_int_equal(csv_open(&fs, p[2]), ERR_OK);
  assert_int_equal(csv_open(&fd, p[3]), ERR_OK);
  cfg.replications = &fr;
  cfg.convoys = &fc;
  cfg.want_daily = true;
  cfg.daily_days = 5;
  runner_replications_header(&fr, NULL, 0);
  runner_convoys_header(&fc, NULL, 0);
  e = runner_run(&cfg, &job, st);
  runner_summary_header(&fs, NULL, 0);
  runner_summary_row(&fs, &cfg, st);
  runner_daily_header(&fd, NULL, 0);
  runner_daily_rows(&fd, &cfg, st);
  struct csv_file *all[4] = { &fr, &fc, &fs, &fd };
  assert_int_equal(csv_commit_all(all, 4), ERR_OK);
  return e;
}

static void expect_same_file(const char *name, const char *a, const char *b)
{
  char pa[128], pb[128];
  size_t la, lb;
  char *ta, *tb;

  snprintf(pa, sizeof pa, "%s/%s-%s.csv", dir, name, a);
  snprintf(pb, sizeof pb, "%s/%s-%s.csv", dir, name, b);
  ta = csv_read_file(pa, &la);
  tb = csv_read_file(pb, &lb);
  assert_non_null(ta);
  assert_non_null(tb);
  assert_int_equal(la, lb);
  assert_memory_equal(ta, tb, la);
  free(ta);
  free(tb);
}

static void outputs_are_byte_identical_for_1_2_and_4_threads(void **state)
{
  struct runner_stats st;
  (void)state;

  /* 1000 = two full blocks and a partial one */
  assert_int_equal(run_all(1000, 1, "j1", &st), ERR_OK);
  assert_int_equal(st.reps, 1000);
  runner_stats_release(&st);
  assert_int_equal(run_all(1000, 2, "j2", &st), ERR_OK);
  runner_stats_release(&st);
  assert_int_equal(run_all(1000, 4, "j4", &st), ERR_OK);
  runner_stats_release(&st);
  const char *files[] = { "replications", "convoys", "summary", "daily" };
  for (int i = 0; i < 4; i++) {
    expect_same_file(files[i], "j1", "j2");
    expect_same_file(files[i], "j1", "j4");
  }
}

static double cell(const struct csv_table *t, size_t row, const char *col)
{
  long j = csv_column(t, col);

  assert_true(j >= 0);
  assert_true((size_t)j < t->ncol[row]);
  return t->row[row][j][0] ? strtod(t->row[row][j], NULL) : NAN;
}

static void csv_reads_back_as_the_statistics_of_the_values(void **state)
{
  enum { N = 700 };
  struct runner_stats st;
  struct csv_table rep, sum, conv, daily;
  static double x[METRIC_COUNT][N];
  size_t nx[METRIC_COUNT] = { 0 };
  char path[128];
  char *text;
  (void)state;

  assert_int_equal(run_all(N, 2, "rb", &st), ERR_OK);
  assert_int_equal(st.events, (uint64_t)N * (N + 1) / 2);
  runner_stats_release(&st);

  snprintf(path, sizeof path, "%s/replications-rb.csv", dir);
  text = csv_read_file(path, NULL);
  assert_int_equal(csv_parse(text, &rep), 0);
  free(text);
  snprintf(path, sizeof path, "%s/summary-rb.csv", dir);
  text = csv_read_file(path, NULL);
  assert_int_equal(csv_parse(text, &sum), 0);
  free(text);
  assert_int_equal(rep.nrow, N + 1);
  assert_int_equal(sum.nrow, 2);
  assert_string_equal(rep.row[0][0], "point");
  assert_string_equal(rep.row[0][1], "replication");
  assert_string_equal(rep.row[0][2], "seed");
  assert_string_equal(rep.row[0][3], "delivery_rate");
  assert_int_equal(rep.ncol[0], 3 + METRIC_COUNT);
  assert_int_equal(sum.ncol[0], 2 + 8 * METRIC_COUNT);
  assert_string_equal(sum.row[0][2], "delivery_rate_mean");
  assert_string_equal(sum.row[0][9], "delivery_rate_n");

  /* every replication row holds exactly the values of the replication */
  for (size_t r = 0; r < N; r++) {
    double m[METRIC_COUNT];
    synth_metrics(S.rng[0], 12345, r, false, m);
    assert_int_equal(cell(&rep, r + 1, "replication"), (double)r);
    assert_int_equal(cell(&rep, r + 1, "seed"), 12345.0);
    for (int k = 0; k < METRIC_COUNT; k++) {
      double v = cell(&rep, r + 1, metric_name((enum metric)k));
      if (isnan(m[k])) {
        assert_true(isnan(v));
      } else {
        assert_true(v == m[k]);
        x[k][nx[k]++] = m[k];
      }
    }
  }
  /* and the summary is their statistics, computed here with GSL */
  assert_int_equal(cell(&sum, 1, "replications"), (double)N);
  for (int k = 0; k < METRIC_COUNT; k++) {
    char col[96];
    const char *name = metric_name((enum metric)k);
    size_t n = nx[k];
    double mean = gsl_stats_mean(x[k], 1, n);
    double sd = gsl_stats_sd(x[k], 1, n);
    double h = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
    gsl_sort(x[k], 1, n);
#define CHECK(suffix, want, tol)                                               \
    do {                                                                       \
      snprintf(col, sizeof col, "%s_%s", name, suffix);                        \
      double got_ = cell(&sum, 1, col);                                        \
      assert_true(fabs(got_ - (want)) <= (tol) * (1.0 + fabs(want)));          \
    } while (0)
    CHECK("mean", mean, 1e-12);
    CHECK("sd", sd, 1e-10);
    CHECK("ci_low", mean - h, 1e-10);
    CHECK("ci_high", mean + h, 1e-10);
    CHECK("p05", gsl_stats_quantile_from_sorted_data(x[k], 1, n, 0.05), 0.0);
    CHECK("p50", gsl_stats_quantile_from_sorted_data(x[k], 1, n, 0.50), 0.0);
    CHECK("p95", gsl_stats_quantile_from_sorted_data(x[k], 1, n, 0.95), 0.0);
    CHECK("n", (double)n, 0.0);
#undef CHECK
  }
  assert_int_equal(cell(&sum, 1, "transit_h_n"), N - N / 7);

  /* convoys.csv: rep % 3 rows per replication, names from the scenario */
  snprintf(path, sizeof path, "%s/convoys-rb.csv", dir);
  text = csv_read_file(path, NULL);
  assert_int_equal(csv_parse(text, &conv), 0);
  free(text);
  size_t want_rows = 0;
  for (size_t r = 0; r < N; r++)
    want_rows += r % 3;
  assert_int_equal(conv.nrow, want_rows + 1);
  assert_string_equal(conv.row[1][csv_column(&conv, "convoy")], "north");
  assert_string_equal(conv.row[1][csv_column(&conv, "outcome")], "through");
  assert_string_equal(conv.row[1][csv_column(&conv, "depart_h")], "");
  assert_string_equal(conv.row[3][csv_column(&conv, "convoy")], "south");
  assert_string_equal(conv.row[3][csv_column(&conv, "replication")], "2");

  /* daily.csv: days 0-4 of both zones, quoted zone name, need 100 */
  snprintf(path, sizeof path, "%s/daily-rb.csv", dir);
  text = csv_read_file(path, NULL);
  assert_int_equal(csv_parse(text, &daily), 0);
  free(text);
  assert_int_equal(daily.nrow, 1 + 5 * 2);
  assert_string_equal(daily.row[2][csv_column(&daily, "zone")], "khan, younis");
  for (size_t r = 1; r < daily.nrow; r++) {
    assert_true(cell(&daily, r, "need_t") == 100.0);
    assert_true(cell(&daily, r, "replications") == (double)N);
    double lo = cell(&daily, r, "tonnes_delivered_p10");
    double mid = cell(&daily, r, "tonnes_delivered_mean");
    double hi = cell(&daily, r, "tonnes_delivered_p90");
    /* uniform(0, 10): mean 5 +- 5 sigma of 2.89 / sqrt(700) */
    assert_true(fabs(mid - 5.0) < 5 * 2.887 / sqrt((double)N));
    assert_true(lo < mid && mid < hi);
    assert_true(fabs(lo - 1.0) < 0.5 && fabs(hi - 9.0) < 0.5);
  }
  csv_table_free(&rep);
  csv_table_free(&sum);
  csv_table_free(&conv);
  csv_table_free(&daily);
}

/* The first multiple of 100 at which t(0.975, n-1) sd / sqrt(n) <= H for
 * delivery_rate = 0, 1, 0, 1, ...: with n even, sd = sqrt(n / (4 (n-1))). */
static long stop_by_hand(double H, long max)
{
  for (long n = RUNNER_BATCH; n <= max; n += RUNNER_BATCH) {
    double sd = sqrt((double)n / (4.0 * (double)(n - 1)));
    if (gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n) <= H)
      return n;
  }
  return max;
}

static void precision_stops_at_the_first_batch_within_h(void **state)
{
  struct runner_config cfg;
  struct runner_job job = { &S, synth_replicate };
  struct runner_stats st;
  (void)state;

  S.alternate = true;
  /* h(n) = t sd / sqrt(n) ~ 1 / sqrt(n - 1): 0.0505 at 400 ... 0.0499 at 401 */
  assert_int_equal(stop_by_hand(0.05, 100000), 400);
  assert_int_equal(stop_by_hand(0.02, 100000), 2500);
  for (int threads = 1; threads <= 4; threads *= 2) {
    base_config(&cfg, 100000, threads);
    cfg.precision = 0.05;
    assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
    assert_int_equal(st.reps, 400);
    assert_true(st.stopped_early);
    assert_true(tally_ci_half_width(&st.tallies.t[METRIC_DELIVERY_RATE]) <= 0.05);
    runner_stats_release(&st);

    cfg.precision = 0.02;
    assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
    assert_int_equal(st.reps, 2500);
    runner_stats_release(&st);
  }
  /* -n is the maximum: 2000 replications cannot reach 0.02 */
  base_config(&cfg, 2000, 2);
  cfg.precision = 0.02;
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
  assert_int_equal(st.reps, 2000);
  assert_false(st.stopped_early);
  runner_stats_release(&st);
  /* a maximum that is no multiple of the batch is honoured */
  base_config(&cfg, 250, 2);
  cfg.precision = 0.001;
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
  assert_int_equal(st.reps, 250);
  runner_stats_release(&st);
  S.alternate = false;
}

static void failed_replication_stops_the_run_with_its_error(void **state)
{
  struct runner_config cfg;
  struct runner_job job = { &S, synth_replicate };
  struct runner_stats st;
  (void)state;

  S.fail_at = 523;
  base_config(&cfg, 1000, 2);
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_LIMIT);
  assert_int_equal(st.reps, 523); /* merged in order up to the failure */
  runner_stats_release(&st);
  S.fail_at = -1;
}

static long progress_calls, progress_last;

static void count_progress(void *ctx, long done, long total)
{
  (void)ctx;
  assert_true(done > progress_last && done <= total);
  progress_calls++;
  progress_last = done;
}

static void progress_is_reported_after_each_block(void **state)
{
  struct runner_config cfg;
  struct runner_job job = { &S, synth_replicate };
  struct runner_stats st;
  (void)state;

  base_config(&cfg, 1000, 2);
  cfg.progress = count_progress;
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
  assert_int_equal(progress_calls, (1000 + RUNNER_BLOCK - 1) / RUNNER_BLOCK);
  assert_int_equal(progress_last, 1000);
  runner_stats_release(&st);
}

static void memory_does_not_grow_with_replications(void **state)
{
  struct runner_config cfg;
  struct runner_job job = { &S, synth_replicate };
  struct runner_stats st;
  size_t small, large;
  (void)state;

  base_config(&cfg, 20000, 2);
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
  large = tally_set_bytes(&st.tallies);
  runner_stats_release(&st);
  base_config(&cfg, 1000, 2);
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
  small = tally_set_bytes(&st.tallies);
  runner_stats_release(&st);
  /* past TALLY_EXACT_MAX the tallies drop their buffers */
  assert_true(large <= small);
}

static void long_runs_keep_no_values_yet_give_the_same_statistics(void **state)
{
  enum { N = TALLY_EXACT_MAX + 2000 };
  struct runner_config cfg;
  struct runner_job job = { &S, synth_replicate };
  struct runner_stats st;
  struct tally_set ref;
  double m[METRIC_COUNT];
  (void)state;

  base_config(&cfg, N, 2);
  assert_int_equal(runner_run(&cfg, &job, &st), ERR_OK);
  /* no values kept at any time: only the P^2 estimators */
  for (int k = 0; k < METRIC_COUNT; k++)
    assert_null(st.tallies.t[k].kept);
  /* the same bits as tallies that kept values up to TALLY_EXACT_MAX */
  assert_int_equal(tally_set_init(&ref, NULL, 0, 0), ERR_OK);
  for (uint64_t r = 0; r < N; r++) {
    synth_metrics(S.rng[0], cfg.seed, r, false, m);
    assert_int_equal(tally_set_add(&ref, m), ERR_OK);
  }
  for (int k = 0; k < METRIC_COUNT; k++) {
    struct tally_summary a, b;
    tally_result(&st.tallies.t[k], &a);
    tally_result(&ref.t[k], &b);
    assert_false(a.exact);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(&a.mean, &b.mean, sizeof a.mean);
    assert_memory_equal(&a.sd, &b.sd, sizeof a.sd);
    assert_memory_equal(a.q, b.q, sizeof a.q);
  }
  tally_set_release(&ref);
  runner_stats_release(&st);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(outputs_are_byte_identical_for_1_2_and_4_threads),
    cmocka_unit_test(csv_reads_back_as_the_statistics_of_the_values),
    cmocka_unit_test(precision_stops_at_the_first_batch_within_h),
    cmocka_unit_test(failed_replication_stops_the_run_with_its_error),
    cmocka_unit_test(progress_is_reported_after_each_block),
    cmocka_unit_test(memory_does_not_grow_with_replications),
    cmocka_unit_test(long_runs_keep_no_values_yet_give_the_same_statistics),
  };

  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, setup, teardown);
}
