/*
 * test_tally.c - streaming statistics (tally.h): moments and t-interval
 * against gsl_stats, exact percentiles below the cap, P^2 above it, empty
 * values, degenerate tallies, bounded memory, and identical bits for 1
 * and 4 OpenMP threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "convoysim/stream.h"
#include "convoysim/tally.h"

/* |a - b| <= rel x |b| */
static bool close_rel(double a, double b, double rel)
{
  return fabs(a - b) <= rel * fabs(b);
}

static void moments_and_interval_match_gsl_stats(void **state)
{
  enum { N = 1000 };
  static double x[N];
  struct tally t;
  struct tally_summary s;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 1, 2, 3);
  assert_int_equal(tally_init(&t, NULL, 0, 0), ERR_OK);
  for (int i = 0; i < N; i++) {
    x[i] = 1e6 + gsl_ran_gamma(r, 2.0, 3.0); /* a large offset tests stability */
    assert_int_equal(tally_add(&t, x[i]), ERR_OK);
  }
  tally_result(&t, &s);
  double mean = gsl_stats_mean(x, 1, N), sd = gsl_stats_sd(x, 1, N);
  double h = gsl_cdf_tdist_Pinv(0.975, N - 1) * sd / sqrt((double)N);
  assert_int_equal(s.n, N);
  assert_int_equal(s.n_empty, 0);
  assert_true(close_rel(s.mean, mean, 1e-14));
  assert_true(close_rel(s.sd, sd, 1e-9));
  assert_true(close_rel(s.ci_high - s.mean, h, 1e-9));
  assert_true(close_rel(s.mean - s.ci_low, h, 1e-9));
  assert_true(close_rel(tally_ci_half_width(&t), h, 1e-9));
  assert_true(s.exact);
  tally_release(&t);
  stream_free(r);
}

static void percentiles_below_the_cap_are_exact(void **state)
{
  static const double prob[] = { 0.0, 0.05, 0.1, 0.25, 0.5, 0.9, 0.95, 1.0 };
  static const size_t sizes[] = { 1, 2, 3, 17, 1000, TALLY_EXACT_MAX };
  static double x[TALLY_EXACT_MAX];
  gsl_rng *r = stream_new();
  (void)state;

  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    struct tally t;
    struct tally_summary s;
    size_t n = sizes[k];
    stream_seek(r, 9, k, 0);
    /* no hint for odd k: the buffer grows on demand */
    assert_int_equal(tally_init(&t, prob, 8, k % 2 ? 0 : n), ERR_OK);
    for (size_t i = 0; i < n; i++) {
      x[i] = gsl_ran_lognormal(r, 0.0, 1.0);
      assert_int_equal(tally_add(&t, x[i]), ERR_OK);
    }
    tally_result(&t, &s);
    gsl_sort(x, 1, n);
    assert_true(s.exact);
    assert_int_equal(s.nq, 8);
    for (int i = 0; i < 8; i++) {
      assert_true(s.prob[i] == prob[i]);
      assert_true(s.q[i] == gsl_stats_quantile_from_sorted_data(x, 1, n, prob[i]));
    }
    /* linear interpolation, checked by hand on the median of 2 values */
    if (n == 2)
      assert_true(s.q[4] == 0.5 * (x[0] + x[1]));
    tally_release(&t);
  }
  stream_free(r);
}

static void percentiles_above_the_cap_come_from_p2(void **state)
{
  const long n = 4L * TALLY_EXACT_MAX;
  static const double prob[] = { 0.05, 0.10, 0.50, 0.90, 0.95 };
  struct tally t;
  struct tally_summary s;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 77, 0, 0);
  assert_int_equal(tally_init(&t, prob, 5, (size_t)n), ERR_OK);
  for (long i = 0; i < n; i++)
    assert_int_equal(tally_add(&t, gsl_rng_uniform(r)), ERR_OK);
  tally_result(&t, &s);
  assert_false(s.exact);
  assert_int_equal(s.n, n);
  for (int i = 0; i < 5; i++)
    assert_true(fabs(s.q[i] - prob[i]) < 0.01); /* U(0,1): the p-quantile is p */
  /* the t-interval still holds the true mean 0.5 (5 sigma wide here) */
  assert_true(fabs(s.mean - 0.5) < 5.0 * sqrt(1.0 / 12.0 / (double)n));
  tally_release(&t);
  stream_free(r);
}

/* The switch at the cap: TALLY_EXACT_MAX values exact, one more P^2. */
static void the_switch_happens_after_exactly_the_cap(void **state)
{
  struct tally t;
  struct tally_summary s;
  size_t bytes_at_cap;
  (void)state;

  assert_int_equal(tally_init(&t, NULL, 0, 0), ERR_OK);
  for (int i = 0; i < TALLY_EXACT_MAX; i++)
    assert_int_equal(tally_add(&t, (double)(i % 100)), ERR_OK);
  tally_result(&t, &s);
  assert_true(s.exact);
  bytes_at_cap = tally_bytes(&t);
  assert_true(bytes_at_cap >= TALLY_EXACT_MAX * sizeof(double));
  assert_int_equal(tally_add(&t, 50.0), ERR_OK);
  tally_result(&t, &s);
  assert_false(s.exact);
  assert_int_equal(s.n, TALLY_EXACT_MAX + 1);
  assert_true(fabs(s.q[1] - 49.5) < 2.0); /* P^2 median of 0..99 repeated */
  assert_true(tally_bytes(&t) < 2048);    /* the buffer is gone */
  tally_release(&t);
}

static void empty_values_are_skipped_and_counted(void **state)
{
  static const double x[] = { 3.0, NAN, 1.0, NAN, NAN, 2.0, 10.0 };
  static const double kept[] = { 1.0, 2.0, 3.0, 10.0 };
  struct tally t;
  struct tally_summary s;
  (void)state;

  assert_int_equal(tally_init(&t, NULL, 0, 7), ERR_OK);
  for (int i = 0; i < 7; i++)
    assert_int_equal(tally_add(&t, x[i]), ERR_OK);
  tally_result(&t, &s);
  assert_int_equal(s.n, 4);
  assert_int_equal(s.n_empty, 3);
  assert_true(s.mean == 4.0);
  assert_true(close_rel(s.sd, gsl_stats_sd(kept, 1, 4), 1e-14));
  assert_true(s.q[1] == gsl_stats_quantile_from_sorted_data(kept, 1, 4, 0.5));
  assert_true(s.q[1] == 2.5);
  tally_release(&t);
}

static void zero_and_one_value_tallies_have_empty_spread(void **state)
{
  struct tally t;
  struct tally_summary s;
  (void)state;

  /* nothing, or only empty values */
  assert_int_equal(tally_init(&t, NULL, 0, 0), ERR_OK);
  tally_add(&t, NAN);
  tally_result(&t, &s);
  assert_int_equal(s.n, 0);
  assert_int_equal(s.n_empty, 1);
  assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
  for (size_t i = 0; i < s.nq; i++)
    assert_true(isnan(s.q[i]));
  assert_true(isnan(tally_ci_half_width(&t)));
  tally_release(&t);

  /* one value: a mean and percentiles, no spread */
  assert_int_equal(tally_init(&t, NULL, 0, 0), ERR_OK);
  tally_add(&t, 0.75);
  tally_result(&t, &s);
  assert_int_equal(s.n, 1);
  assert_true(s.mean == 0.75);
  assert_true(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
  assert_int_equal(s.nq, 3);
  for (size_t i = 0; i < 3; i++)
    assert_true(s.q[i] == 0.75);
  tally_release(&t);

  /* equal values: sd exactly 0, a zero-width interval */
  assert_int_equal(tally_init(&t, NULL, 0, 0), ERR_OK);
  for (int i = 0; i < 5; i++)
    tally_add(&t, 0.1);
  tally_result(&t, &s);
  assert_true(s.sd == 0.0);
  assert_true(s.ci_low == 0.1 && s.ci_high == 0.1);
  assert_true(tally_ci_half_width(&t) == 0.0);
  tally_release(&t);
  tally_release(&t); /* released twice is harmless */
}

static void half_width_shrinks_like_one_over_root_n(void **state)
{
  struct tally t;
  gsl_rng *r = stream_new();
  double h100 = 0.0;
  (void)state;

  stream_seek(r, 4, 0, 0);
  assert_int_equal(tally_init(&t, NULL, 0, 0), ERR_OK);
  for (int i = 1; i <= 10000; i++) {
    tally_add(&t, gsl_ran_exponential(r, 2.0));
    if (i == 100)
      h100 = tally_ci_half_width(&t);
  }
  /* sd 2: h ~ 1.98 x 2 / 10 at 100 and 1.96 x 2 / 100 at 10^4 */
  double h = tally_ci_half_width(&t);
  assert_true(h100 > 0.25 && h100 < 0.55);
  assert_true(h > 0.035 && h < 0.043);
  tally_release(&t);
  stream_free(r);
}

/* The runner's pattern: replication i draws from stream (seed, i), writes
 * res[i]; the results are fed to tallies in index order afterwards. */
static double replication(gsl_rng *r, long i)
{
  stream_seek(r, 2026, (uint64_t)i, 0);
  double s = 0.0;
  int k = 1 + (int)gsl_rng_uniform_int(r, 20);
  for (int j = 0; j < k; j++)
    s += gsl_ran_exponential(r, 1.0);
  return gsl_rng_uniform(r) < 0.05 ? NAN : s / k; /* some empty */
}

/* False if a thread could not make its generator (no cmocka assert may run
 * inside a parallel region). */
static bool run_threads(double *res, long n, int threads)
{
  bool ok = true;

#pragma omp parallel num_threads(threads) reduction(&& : ok)
  {
    gsl_rng *r = stream_new();
    ok = r != NULL;
#pragma omp for schedule(dynamic, 7)
    for (long i = 0; i < n; i++)
      res[i] = r ? replication(r, i) : NAN;
    stream_free(r);
  }
  return ok;
}

static void results_are_identical_for_1_and_4_threads(void **state)
{
  const long n = TALLY_EXACT_MAX + 2000; /* through the switch to P^2 */
  static const double prob[] = { 0.05, 0.1, 0.5, 0.9, 0.95 };
  double *res1 = malloc((size_t)n * sizeof *res1);
  double *res4 = malloc((size_t)n * sizeof *res4);
  struct tally_summary s1[2], s4[2];
  (void)state;

  assert_non_null(res1);
  assert_non_null(res4);
  assert_true(run_threads(res1, n, 1));
  assert_true(run_threads(res4, n, 4));
  assert_memory_equal(res1, res4, (size_t)n * sizeof *res1);
  for (int half = 0; half < 2; half++) {
    long upto = half == 0 ? 1000 : n; /* exact, then P^2 */
    struct tally a, b;
    assert_int_equal(tally_init(&a, prob, 5, 0), ERR_OK);
    assert_int_equal(tally_init(&b, prob, 5, (size_t)n), ERR_OK);
    for (long i = 0; i < upto; i++) {
      tally_add(&a, res1[i]);
      tally_add(&b, res4[i]);
    }
    tally_result(&a, &s1[half]);
    tally_result(&b, &s4[half]);
    assert_memory_equal(&s1[half], &s4[half], sizeof s1[half]);
    tally_release(&a);
    tally_release(&b);
  }
  assert_true(s1[0].exact && !s1[1].exact);
  assert_true(s1[1].n_empty > 0 && s1[1].n + s1[1].n_empty == (size_t)n);
  free(res1);
  free(res4);
}

static void a_set_tallies_every_metric_in_flat_memory(void **state)
{
  struct tally_set set;
  struct tally one;
  struct tally_summary a, b;
  double row[METRIC_COUNT];
  size_t bytes_at_cap = 0;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 3, 0, 0);
  assert_int_equal(tally_set_init(&set, NULL, 0, 0), ERR_OK);
  assert_int_equal(tally_init(&one, NULL, 0, 0), ERR_OK);
  for (long i = 0; i < TALLY_EXACT_MAX + 500; i++) {
    for (int m = 0; m < METRIC_COUNT; m++)
      row[m] = m % 5 == 4 && i % 3 == 0 ? NAN : gsl_ran_gaussian(r, 1.0) + m;
    assert_int_equal(tally_set_add(&set, row), ERR_OK);
    tally_add(&one, row[METRIC_COUNT - 1]);
    if (i + 1 == TALLY_EXACT_MAX)
      bytes_at_cap = tally_set_bytes(&set);
  }
  /* the set's last metric is exactly a lone tally of that column */
  tally_result(&set.t[METRIC_COUNT - 1], &a);
  tally_result(&one, &b);
  assert_memory_equal(&a, &b, sizeof a);
  tally_result(&set.t[4], &a);
  assert_int_equal(a.n_empty, (TALLY_EXACT_MAX + 500 + 2) / 3);
  /* bounded: the most it ever holds is at the cap, then it shrinks */
  assert_true(bytes_at_cap <= METRIC_COUNT * (TALLY_EXACT_MAX * sizeof(double) + 1024));
  assert_true(tally_set_bytes(&set) <= bytes_at_cap);
  for (int m = 0; m < METRIC_COUNT; m++)
    if (set.t[m].n > TALLY_EXACT_MAX)
      assert_true(tally_bytes(&set.t[m]) < 2048);
    else /* every 3rd value of these metrics was empty: still exact */
      assert_true(m % 5 == 4 && tally_bytes(&set.t[m]) >= set.t[m].n * sizeof(double));
  print_message("tally_set bytes: %zu at %d values, %zu beyond\n", bytes_at_cap,
                TALLY_EXACT_MAX, tally_set_bytes(&set));
  tally_set_release(&set);
  tally_release(&one);
  stream_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(moments_and_interval_match_gsl_stats),
    cmocka_unit_test(percentiles_below_the_cap_are_exact),
    cmocka_unit_test(percentiles_above_the_cap_come_from_p2),
    cmocka_unit_test(the_switch_happens_after_exactly_the_cap),
    cmocka_unit_test(empty_values_are_skipped_and_counted),
    cmocka_unit_test(zero_and_one_value_tallies_have_empty_spread),
    cmocka_unit_test(half_width_shrinks_like_one_over_root_n),
    cmocka_unit_test(results_are_identical_for_1_and_4_threads),
    cmocka_unit_test(a_set_tallies_every_metric_in_flat_memory),
  };

  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
