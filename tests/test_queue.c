/*
 * test_queue.c - M/M/1 and M/M/c on the event engine against queueing
 * theory (t-intervals over independent replications), Erlang C against
 * known values, reproducibility and the waiting-line cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

#include "convoysim/queue.h"

#define REPS 30
#define CUSTOMERS 200000u
#define WARMUP 5000u
#define CONFIDENCE 0.999 /* two-sided: t(29) = 3.66 standard errors */

/* Mean over REPS replications and the half-width of its t-interval. */
struct interval {
  double mean; /* sample mean over replications */
  double half; /* half-width at CONFIDENCE */
};

static struct interval interval_of(const double *x, size_t n)
{
  double m = gsl_stats_mean(x, 1, n);
  double sd = gsl_stats_sd_m(x, 1, n, m);
  double t = gsl_cdf_tdist_Pinv(1.0 - (1.0 - CONFIDENCE) / 2.0, (double)(n - 1));
  return (struct interval){ m, t * sd / sqrt((double)n) };
}

/* Run REPS replications of the queue; intervals of Wq and W. */
static void replicate(double lambda, double mu, int c, struct interval *wq,
                      struct interval *w)
{
  struct queue_ws ws;
  double x[REPS], y[REPS];

  assert_int_equal(queue_ws_init(&ws, 1u << 20), ERR_OK);
  for (int r = 0; r < REPS; r++) {
    struct queue_params p = { .lambda = lambda, .mu = mu, .servers = c, .warmup = WARMUP,
                              .customers = CUSTOMERS, .seed = 42, .rep = (uint64_t)r };
    struct queue_result res;
    assert_int_equal(queue_run(&ws, &p, &res), ERR_OK);
    assert_int_equal(res.served, CUSTOMERS);
    /* Every departure follows its arrival: at least two events each. */
    assert_true(res.events >= 2 * (uint64_t)(WARMUP + CUSTOMERS));
    x[r] = res.wq_mean;
    y[r] = res.w_mean;
  }
  queue_ws_release(&ws);
  *wq = interval_of(x, REPS);
  *w = interval_of(y, REPS);
}

static void mm1_mean_wait_matches_theory(void **state)
{
  const double lambda = 0.8, mu = 1.0;
  const double wq_exact = queue_mm1_wq(lambda, mu); /* 4 */
  struct interval wq, w;
  (void)state;

  replicate(lambda, mu, 1, &wq, &w);
  print_message("M/M/1 rho 0.8: Wq %.4f +- %.4f (exact %.4f), W %.4f +- %.4f (exact %.4f)\n",
                wq.mean, wq.half, wq_exact, w.mean, w.half, wq_exact + 1.0 / mu);
  assert_true(fabs(wq.mean - wq_exact) <= wq.half);
  assert_true(fabs(w.mean - (wq_exact + 1.0 / mu)) <= w.half);
  /* The interval is narrow enough to catch a 5% bias. */
  assert_true(wq.half < 0.05 * wq_exact);
}

static void mmc_mean_wait_matches_erlang_c(void **state)
{
  const double lambda = 2.4, mu = 1.0;
  const int c = 3;
  const double wq_exact = queue_mmc_wq(c, lambda, mu); /* 1.0787 */
  struct interval wq, w;
  (void)state;

  replicate(lambda, mu, c, &wq, &w);
  print_message("M/M/3 rho 0.8: Wq %.4f +- %.4f (exact %.4f), W %.4f +- %.4f (exact %.4f)\n",
                wq.mean, wq.half, wq_exact, w.mean, w.half, wq_exact + 1.0 / mu);
  assert_true(fabs(wq.mean - wq_exact) <= wq.half);
  assert_true(fabs(w.mean - (wq_exact + 1.0 / mu)) <= w.half);
  assert_true(wq.half < 0.05 * wq_exact);
}

/* |a - b| <= tol, reporting both values on failure (cmocka 1.1.5 has
 * only a float version). */
#define assert_close(a, b, tol) assert_close_((a), (b), (tol), __FILE__, __LINE__)
static void assert_close_(double a, double b, double tol, const char *file, int line)
{
  if (!(fabs(a - b) <= tol)) {
    print_error("%.17g != %.17g (tolerance %g)\n", a, b, tol);
    _fail(file, line);
  }
}

/* C(c, a) by its textbook definition, independent of the recursion. */
static double erlang_c_direct(int c, double a)
{
  double sum = 0.0, term = 1.0, top;
  for (int k = 0; k < c; k++) {
    sum += term;                 /* a^k / k! */
    term *= a / (double)(k + 1);
  }
  top = term * (double)c / ((double)c - a); /* a^c / c! x c / (c - a) */
  return top / (sum + top);
}

static void erlang_c_gives_known_values(void **state)
{
  (void)state;
  assert_close(queue_erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
  assert_close(queue_erlang_c(1, 0.5), 0.5, 1e-15);     /* M/M/1: C = rho */
  assert_close(queue_erlang_c(3, 2.4), 0.6471910112359549, 1e-14);
  assert_close(queue_erlang_c(10, 8.0), 0.4091801507964435, 1e-14);
  assert_close(queue_erlang_c(4, 0.0), 0.0, 0.0);
  assert_close(queue_erlang_c(2, 2.0), 1.0, 0.0);       /* saturated */
  assert_close(queue_erlang_c(2, 5.0), 1.0, 0.0);
  assert_true(isnan(queue_erlang_c(0, 1.0)));
  assert_true(isnan(queue_erlang_c(2, -1.0)));
  assert_true(isnan(queue_erlang_c(2, NAN)));
  for (int c = 1; c <= 40; c += 3)
    for (double rho = 0.05; rho < 1.0; rho += 0.1) {
      double a = rho * c;
      assert_close(queue_erlang_c(c, a), erlang_c_direct(c, a), 1e-12);
    }
  /* A large c, where a^c / c! would overflow a direct computation. */
  {
    double big = queue_erlang_c(1000, 950.0);
    assert_true(big > 0.0 && big < 1.0);
  }

  assert_close(queue_mm1_wq(0.9, 1.0), 9.0, 1e-12);
  assert_close(queue_mmc_wq(1, 0.9, 1.0), 9.0, 1e-12);
  assert_close(queue_mmc_wq(2, 1.0, 1.0), (1.0 / 3.0) / (2.0 - 1.0), 1e-15);
  assert_true(isinf(queue_mm1_wq(1.0, 1.0)));
  assert_true(isinf(queue_mmc_wq(3, 3.0, 1.0)));
}

static void same_seed_reproduces_and_another_replication_differs(void **state)
{
  struct queue_ws ws, other;
  struct queue_params p = { .lambda = 0.9, .mu = 1.0, .servers = 2, .warmup = 100,
                            .customers = 20000, .seed = 7, .rep = 3 };
  struct queue_result a, b, c, d;
  (void)state;

  assert_int_equal(queue_ws_init(&ws, 100000), ERR_OK);
  assert_int_equal(queue_ws_init(&other, 100000), ERR_OK);
  assert_int_equal(queue_run(&ws, &p, &a), ERR_OK);
  /* Other replications in between, and a fresh workspace: same bits. */
  p.rep = 4;
  assert_int_equal(queue_run(&ws, &p, &c), ERR_OK);
  p.rep = 3;
  assert_int_equal(queue_run(&ws, &p, &b), ERR_OK);
  assert_memory_equal(&a, &b, sizeof a);
  assert_int_equal(queue_run(&other, &p, &b), ERR_OK);
  assert_memory_equal(&a, &b, sizeof a);

  assert_true(a.wq_mean != c.wq_mean);
  assert_true(a.end_time != c.end_time);
  p.seed = 8;
  assert_int_equal(queue_run(&ws, &p, &d), ERR_OK);
  assert_true(a.wq_mean != d.wq_mean);
  queue_ws_release(&ws);
  queue_ws_release(&other);
}

static void an_unstable_queue_hits_the_line_cap_cleanly(void **state)
{
  struct queue_ws ws;
  struct queue_params p = { .lambda = 2.0, .mu = 1.0, .servers = 1, .warmup = 0,
                            .customers = 1000000, .seed = 1, .rep = 0 };
  struct queue_result res = { .served = 12345 };
  (void)state;

  assert_int_equal(queue_ws_init(&ws, 1000), ERR_OK);
  assert_int_equal(queue_run(&ws, &p, &res), ERR_LIMIT);
  assert_int_equal(res.served, 12345); /* untouched */
  assert_true(ws.line_alloc <= 1024);  /* stopped growing at the cap */

  /* The workspace is still usable. */
  p.lambda = 0.5;
  p.customers = 10000;
  assert_int_equal(queue_run(&ws, &p, &res), ERR_OK);
  assert_int_equal(res.served, 10000);
  assert_true(res.max_waiting <= 1000);
  queue_ws_release(&ws);
}

static void growing_the_line_mid_run_changes_nothing(void **state)
{
  struct queue_ws fresh, grown;
  struct queue_params p = { .lambda = 0.99, .mu = 1.0, .servers = 1, .warmup = 0,
                            .customers = 300000, .seed = 11, .rep = 0 };
  struct queue_result a, b;
  size_t alloc;
  (void)state;

  assert_int_equal(queue_ws_init(&fresh, 1u << 20), ERR_OK);
  assert_int_equal(queue_ws_init(&grown, 1u << 20), ERR_OK);
  /* Grow `grown` first; then both run the same replication, `fresh`
   * growing (and unwrapping) its ring buffer on the way. */
  assert_int_equal(queue_run(&grown, &p, &a), ERR_OK);
  alloc = grown.line_alloc;
  print_message("longest line %zu customers, ring buffer %zu\n", a.max_waiting, alloc);
  assert_true(a.max_waiting > 256); /* the first ring buffer overflowed */
  assert_int_equal(queue_run(&grown, &p, &a), ERR_OK);
  assert_int_equal(grown.line_alloc, alloc); /* no growth the second time */
  assert_int_equal(queue_run(&fresh, &p, &b), ERR_OK);
  assert_memory_equal(&a, &b, sizeof a);
  queue_ws_release(&fresh);
  queue_ws_release(&grown);
}

static void bad_parameters_are_refused(void **state)
{
  struct queue_ws ws;
  struct queue_params good = { .lambda = 0.5, .mu = 1.0, .servers = 1, .warmup = 0,
                               .customers = 10, .seed = 1, .rep = 0 };
  struct queue_params p;
  struct queue_result res;
  (void)state;

  assert_int_equal(queue_ws_init(&ws, 100), ERR_OK);
  p = good;
  assert_int_equal(queue_run(&ws, &p, &res), ERR_OK);
  p = good, p.lambda = 0.0;
  assert_int_equal(queue_run(&ws, &p, &res), ERR_USAGE);
  p = good, p.mu = NAN;
  assert_int_equal(queue_run(&ws, &p, &res), ERR_USAGE);
  p = good, p.servers = 0;
  assert_int_equal(queue_run(&ws, &p, &res), ERR_USAGE);
  p = good, p.customers = 0;
  assert_int_equal(queue_run(&ws, &p, &res), ERR_USAGE);
  p = good, p.warmup = UINT64_MAX; /* warmup + customers overflows */
  assert_int_equal(queue_run(&ws, &p, &res), ERR_USAGE);
  queue_ws_release(&ws);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(erlang_c_gives_known_values),
    cmocka_unit_test(same_seed_reproduces_and_another_replication_differs),
    cmocka_unit_test(an_unstable_queue_hits_the_line_cap_cleanly),
    cmocka_unit_test(growing_the_line_mid_run_changes_nothing),
    cmocka_unit_test(bad_parameters_are_refused),
    cmocka_unit_test(mm1_mean_wait_matches_theory),
    cmocka_unit_test(mmc_mean_wait_matches_erlang_c),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
