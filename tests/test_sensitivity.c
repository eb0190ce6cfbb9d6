/*
 * test_sensitivity.c - SRC and PRCC of a sweep's response (sensitivity.h)
 * against answers known in advance: linear responses, where the SRC are
 * b_j sd(x_j) / sd(y) and R^2 is 1; monotone responses on designs whose
 * ranks make them exactly linear, where the PRCC are exactly +1 and -1;
 * mid-ranks worked out by hand; and every case where a measure is not
 * defined and must be NaN.
 *
 * Two designs come back throughout.  A full factorial crossing the levels
 * of each factor with those of the others (orthogonal factors).  And a
 * Latin hypercube drawn from gsl_rng_mt19937 seeded 1: factor j of point i
 * is (perm_j[i] + u) / n, perm_j a random permutation of 0..n-1, u
 * uniform; the factors are then independent, but only statistically.
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

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "convoysim/sensitivity.h"

#define K 3                   /* factors of most designs here */
#define MAXN 1000             /* largest design here */
#define EPS 1e-12

#define N(a) (sizeof a / sizeof a[0])
#define assert_double_equal(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* The outputs of one call. */
struct result {
  double src[K];
  double prcc[K];
  struct sensitivity s;
};

static void compute(const double *x, size_t n, size_t k, const double *y, struct result *r)
{
  assert_true(k <= K);
  assert_int_equal(sensitivity_compute(x, n, k, y, r->src, r->prcc, &r->s), ERR_OK);
}

/* Sample standard deviation (n - 1) of column j of the n x k matrix x, by
 * the two-pass formula. */
static double column_sd(const double *x, size_t n, size_t k, size_t j)
{
  double mean = 0.0, ss = 0.0;
  for (size_t i = 0; i < n; i++)
    mean += x[i * k + j];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++)
    ss += (x[i * k + j] - mean) * (x[i * k + j] - mean);
  return sqrt(ss / (double)(n - 1));
}

/* The full factorial of the levels l1 x l2 x l3 (n1 n2 n3 rows, x3
 * fastest) into x. */
static size_t factorial(const double *l1, size_t n1, const double *l2, size_t n2,
                        const double *l3, size_t n3, double *x)
{
  size_t row = 0;
  for (size_t a = 0; a < n1; a++)
    for (size_t b = 0; b < n2; b++)
      for (size_t c = 0; c < n3; c++, row++) {
        x[row * K + 0] = l1[a];
        x[row * K + 1] = l2[b];
        x[row * K + 2] = l3[c];
      }
  return row;
}

/* A Latin hypercube of n points in [0, 1)^K from rng. */
static void lhs(gsl_rng *rng, size_t n, double *x)
{
  size_t perm[MAXN];
  assert_true(n <= MAXN);
  for (size_t j = 0; j < K; j++) {
    for (size_t i = 0; i < n; i++)
      perm[i] = i;
    gsl_ran_shuffle(rng, perm, n, sizeof perm[0]);
    for (size_t i = 0; i < n; i++)
      x[i * K + j] = ((double)perm[i] + gsl_rng_uniform(rng)) / (double)n;
  }
}

static double linear(const double *row)   /* y = 2 + 3 x1 - 2 x2 + 0 x3 */
{
  return 2.0 + 3.0 * row[0] - 2.0 * row[1] + 0.0 * row[2];
}

static double monotone(const double *row) /* y = exp(x1) - x2^3, x3 idle */
{
  return exp(row[0]) - row[1] * row[1] * row[1];
}

static void respond(double (*f)(const double *), const double *x, size_t n, double *y)
{
  for (size_t i = 0; i < n; i++)
    y[i] = f(x + i * K);
}

/* The SRC of y = 2 + 3 x1 - 2 x2 over design x, as the definition says. */
static void expected_src(const double *x, const double *y, size_t n, double *src)
{
  static const double b[K] = { 3.0, -2.0, 0.0 };
  double sy = column_sd(y, n, 1, 0);
  for (size_t j = 0; j < K; j++)
    src[j] = b[j] * column_sd(x, n, K, j) / sy;
}

/* On this 3^3 grid y = 2 + 3 x1 - 2 x2 = 2 + 2 (3 a - b) for levels a, b
 * of x1 and x2: every value of 3 a - b in -2..6 comes once per level of
 * x3, so the mid-ranks of y are an exact linear function of y, and so of
 * the ranks of x1 and x2: PRCC +1 and -1.  For x3 the residual of rank(y)
 * on the ranks of x1 and x2 is zero: 0/0, NaN. */
static void linear_response_on_a_grid(void **state)
{
  (void)state;
  static const double l1[] = { 0, 2, 4 }, l2[] = { 0, 1, 2 }, l3[] = { -1, 0, 1 };
  double x[27 * K], y[27], want[K];
  struct result r;
  size_t n = factorial(l1, 3, l2, 3, l3, 3, x);
  respond(linear, x, n, y);
  compute(x, n, K, y, &r);
  expected_src(x, y, n, want);

  assert_int_equal(r.s.n, 27);
  assert_double_equal(r.s.r2, 1.0, EPS);
  for (size_t j = 0; j < K; j++)
    assert_double_equal(r.src[j], want[j], EPS);
  assert_double_equal(r.src[2], 0.0, EPS);
  /* var(x1) = 72/26, var(x2) = 18/26, var(y) = 9 x 72/26 + 4 x 18/26 = 720/26 */
  assert_double_equal(r.src[0], 3.0 / sqrt(10.0), EPS);
  assert_double_equal(r.src[1], -1.0 / sqrt(10.0), EPS);
  assert_double_equal(r.prcc[0], 1.0, EPS);
  assert_double_equal(r.prcc[1], -1.0, EPS);
  assert_true(isnan(r.prcc[2]));
}

/* The same response on a Latin hypercube: the fit is still exact, the
 * SRC are the definition's to 1e-12; the ranks are no longer linear, so
 * the PRCC are only near +1 and -1. */
static void linear_response_on_a_latin_hypercube(void **state)
{
  (void)state;
  enum { n = 50 };
  double x[n * K], y[n], want[K];
  struct result r;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  lhs(rng, n, x);
  gsl_rng_free(rng);
  respond(linear, x, n, y);
  compute(x, n, K, y, &r);
  expected_src(x, y, n, want);

  assert_int_equal(r.s.n, n);
  assert_double_equal(r.s.r2, 1.0, EPS);
  for (size_t j = 0; j < K; j++)
    assert_double_equal(r.src[j], want[j], EPS);
  assert_double_equal(r.src[2], 0.0, EPS);
  assert_true(r.prcc[0] > 0.9 && r.prcc[0] <= 1.0);
  assert_true(r.prcc[1] < -0.9 && r.prcc[1] >= -1.0);
  assert_true(fabs(r.prcc[2]) < 0.5);
}

/* Orthogonal factors (a 3^3 full factorial, levels of any spacing and
 * scale): var(y) = sum b_j^2 var(x_j) exactly, so sum SRC^2 = R^2 = 1. */
static void orthogonal_factors_src_squares_sum_to_r2(void **state)
{
  (void)state;
  static const double l1[] = { -1, 0, 1 }, l2[] = { 10, 20, 30 }, l3[] = { 0.5, 1, 1.5 };
  static const double b[K] = { 0.5, 0.1, -4.0 };
  double x[27 * K], y[27];
  struct result r;
  size_t n = factorial(l1, 3, l2, 3, l3, 3, x);
  for (size_t i = 0; i < n; i++)
    y[i] = 1.0 + b[0] * x[i * K] + b[1] * x[i * K + 1] + b[2] * x[i * K + 2];
  compute(x, n, K, y, &r);

  double sum = 0.0, sy = column_sd(y, n, 1, 0);
  for (size_t j = 0; j < K; j++) {
    sum += r.src[j] * r.src[j];
    assert_double_equal(r.src[j], b[j] * column_sd(x, n, K, j) / sy, EPS);
  }
  assert_double_equal(r.s.r2, 1.0, EPS);
  assert_double_equal(sum, r.s.r2, EPS);
  assert_double_equal(sum, 1.0, EPS);
}

/* y = exp(x1) - x2^3 on a grid where exp(x1) rises by at least e - 1 =
 * 1.72 from one level to the next and x2^3 spans only 1: y is ordered by
 * x1 first and by -x2 within it, its mid-ranks an exact linear function of
 * the ranks of x1 and x2, so PRCC is exactly +1 and -1, and NaN for x3
 * (rank(y) fully explained by the others).  SRC, a linear measure, sees
 * the curvature: R^2 < 1. */
static void monotone_response_ranked_exactly_linear(void **state)
{
  (void)state;
  static const double l1[] = { 0, 1, 2 }, l2[] = { 0, 0.5, 1 }, l3[] = { 0, 1, 2 };
  double x[27 * K], y[27];
  struct result r;
  size_t n = factorial(l1, 3, l2, 3, l3, 3, x);
  respond(monotone, x, n, y);
  compute(x, n, K, y, &r);

  assert_double_equal(r.prcc[0], 1.0, EPS);
  assert_double_equal(r.prcc[1], -1.0, EPS);
  assert_true(isnan(r.prcc[2]));
  assert_true(r.s.r2 < 1.0 - 1e-3);
  assert_true(r.src[0] > 0.0 && r.src[1] < 0.0);
  assert_double_equal(r.src[2], 0.0, EPS);
}

/* The same response on a 5^3 factorial where the effects of x1 and x2
 * interleave: the PRCC of x1 and x2 are strong but not 1.  The values
 * below were worked out independently, in exact rational arithmetic on
 * the mid-ranks (and the SRC on the design's doubles), to 17 digits.  x3 is
 * crossed with every (x1, x2) cell and y does not depend on it, so the
 * residual of rank(x3) is its centred rank, orthogonal to anything that
 * depends on the cell only: PRCC of x3 is exactly 0. */
static void monotone_response_on_a_factorial(void **state)
{
  (void)state;
  static const double l1[] = { 0, 0.5, 1, 1.5, 2 }, l3[] = { 0, 1, 2, 3, 4 };
  double x[125 * K], y[125];
  struct result r;
  size_t n = factorial(l1, 5, l1, 5, l3, 5, x);
  respond(monotone, x, n, y);
  compute(x, n, K, y, &r);

  assert_double_equal(r.prcc[0], 0.8839697491084259, EPS);
  assert_double_equal(r.prcc[1], -0.9124577719107674, EPS);
  assert_double_equal(r.prcc[2], 0.0, EPS);
  assert_double_equal(r.src[0], 0.5837425848965181, EPS);
  assert_double_equal(r.src[1], -0.7198121309389263, EPS);
  assert_double_equal(r.src[2], 0.0, EPS);
  assert_double_equal(r.s.r2, 0.8588849092685066, EPS);
}

/* ... and on a Latin hypercube of 400 points, x1 in [0, 2), x2 in [0, 1):
 * x2^3 is flat near 0 and spans 1 where exp(x1) spans 6.4, so PRCC of x2
 * is clearly negative but far from -1 (-0.82 here), that of x1 near 1
 * (0.993).  x3 is independent of the others only statistically: its PRCC
 * then has sd about 1 / sqrt(400) = 0.05, and the bound is four of them. */
static void monotone_response_on_a_latin_hypercube(void **state)
{
  (void)state;
  enum { n = 400 };
  static double x[n * K], y[n];
  struct result r;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  lhs(rng, n, x);
  gsl_rng_free(rng);
  for (size_t i = 0; i < n; i++) {
    x[i * K] *= 2.0;
    y[i] = monotone(x + i * K);
  }
  compute(x, n, K, y, &r);

  assert_true(r.prcc[0] > 0.98 && r.prcc[0] < 1.0);
  assert_true(r.prcc[1] < -0.75 && r.prcc[1] > -0.9);
  assert_true(fabs(r.prcc[2]) < 0.2);
  assert_true(r.src[0] > 0.9 && r.src[1] < 0.0 && fabs(r.src[2]) < 0.1);
}

/* Mid-ranks: tied values share the mean of their positions. */
static void ties_get_mid_ranks(void **state)
{
  (void)state;
  /* sorted: 1 1 2 3 3 3 at positions 1..6: 1 -> 1.5, 2 -> 3, 3 -> 5 */
  static const double v[] = { 3, 1, 3, 2, 3, 1 };
  static const double want[] = { 5, 1.5, 5, 3, 5, 1.5 };
  double rank[N(v)];
  assert_int_equal(sensitivity_rank(v, N(v), rank), ERR_OK);
  for (size_t i = 0; i < N(v); i++)
    assert_true(rank[i] == want[i]);
  /* no ties: 1..n; all tied: (n + 1) / 2 */
  static const double w[] = { 0.5, -2, 7, 1e300 }, z[] = { 4, 4, 4, 4 };
  static const double want_w[] = { 2, 1, 3, 4 };
  assert_int_equal(sensitivity_rank(w, N(w), rank), ERR_OK);
  for (size_t i = 0; i < N(w); i++)
    assert_true(rank[i] == want_w[i]);
  assert_int_equal(sensitivity_rank(z, N(z), rank), ERR_OK);
  for (size_t i = 0; i < N(z); i++)
    assert_true(rank[i] == 2.5);
}

/* PRCC with ties, worked by hand (n = 4, k = 2):
 *   x1 = 1 2 2 3    ranks 1 2.5 2.5 4    centred -1.5  0    0   1.5
 *   x2 = 5 0 10 5   ranks 2.5 1 4 2.5    centred  0  -1.5  1.5  0
 *   y  = 1 3 2 3    ranks 1 3.5 2 3.5    centred -1.5  1  -0.5  1
 * The centred ranks of x1 and x2 are orthogonal, so each factor's residual
 * is its own centred ranks.  y's residual on x2: coefficient -2.25 / 4.5,
 * e = (-1.5, 0.25, 0.25, 1); PRCC_1 = 3.75 / sqrt(4.5 x 3.375) = 5 sqrt 3 / 9.
 * y's residual on x1: coefficient 3.75 / 4.5, e = (-0.25, 1, -0.5, -0.25);
 * PRCC_2 = -2.25 / sqrt(4.5 x 1.375) = -3 / sqrt 11.  Ordinal ranks
 * (2 and 3 for the tied pair) would give other values. */
static void prcc_with_ties_by_hand(void **state)
{
  (void)state;
  static const double x[] = { 1, 5, 2, 0, 2, 10, 3, 5 };
  static const double y[] = { 1, 3, 2, 3 };
  struct result r;
  compute(x, 4, 2, y, &r);
  assert_int_equal(r.s.n, 4);
  assert_double_equal(r.prcc[0], 5.0 * sqrt(3.0) / 9.0, EPS);
  assert_double_equal(r.prcc[1], -3.0 / sqrt(11.0), EPS);
  assert_true(isfinite(r.src[0]) && isfinite(r.src[1]) && isfinite(r.s.r2));
}

/* Same bits, or both NaN. */
static void assert_same(double a, double b)
{
  if (isnan(a))
    assert_true(isnan(b));
  else
    assert_true(memcmp(&a, &b, sizeof a) == 0);
}

static void assert_same_result(const struct result *a, const struct result *b, size_t k)
{
  for (size_t j = 0; j < k; j++) {
    assert_same(a->src[j], b->src[j]);
    assert_same(a->prcc[j], b->prcc[j]);
  }
  assert_same(a->s.r2, b->s.r2);
  assert_int_equal(a->s.n, b->s.n);
}

/* Rows whose y is NaN are left out: the result is, bit for bit, the one of
 * the data without them; and two calls give the same bits. */
static void nan_rows_are_left_out(void **state)
{
  (void)state;
  enum { n = 30 };
  double x[n * K], y[n], xs[n * K], ys[n];
  struct result full, reduced, again;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  lhs(rng, n, x);
  for (size_t i = 0; i < n; i++)
    y[i] = monotone(x + i * K) + 0.1 * gsl_ran_gaussian(rng, 1.0);
  gsl_rng_free(rng);
  y[0] = y[3] = y[17] = y[n - 1] = NAN;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(y[i])) {
      memcpy(xs + m * K, x + i * K, K * sizeof x[0]);
      ys[m++] = y[i];
    }
  compute(x, n, K, y, &full);
  compute(xs, m, K, ys, &reduced);
  compute(x, n, K, y, &again);
  assert_int_equal(full.s.n, n - 4);
  assert_same_result(&full, &reduced, K);
  assert_same_result(&full, &again, K);
  for (size_t j = 0; j < K; j++)
    assert_true(isfinite(full.src[j]) && isfinite(full.prcc[j]));
}

/* A factor constant over the usable rows (it varies only where y is NaN)
 * is NaN and left out: the others are what they are without it. */
static void constant_factor_is_nan_and_left_out(void **state)
{
  (void)state;
  enum { n = 20 };
  double x[n * K], y[n], x2[n * 2];
  struct result r, without;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  lhs(rng, n, x);
  gsl_rng_free(rng);
  for (size_t i = 0; i < n; i++) {
    x[i * K + 1] = 7.0;
    y[i] = 1.0 + x[i * K] + exp(x[i * K + 2]) + 0.3 * x[i * K] * x[i * K + 2];
    x2[i * 2] = x[i * K];
    x2[i * 2 + 1] = x[i * K + 2];
  }
  x[5 * K + 1] = 8.0;   /* varies on a row left out */
  y[5] = NAN;
  x2[5 * 2] = x2[5 * 2 + 1] = -1.0;
  compute(x, n, K, y, &r);
  compute(x2, n, 2, y, &without);

  assert_true(isnan(r.src[1]) && isnan(r.prcc[1]));
  assert_true(isfinite(r.src[0]) && isfinite(r.src[2]));
  assert_true(isfinite(r.prcc[0]) && isfinite(r.prcc[2]));
  assert_true(r.s.r2 > 0.9 && r.s.r2 < 1.0);
  assert_same(r.src[0], without.src[0]);
  assert_same(r.src[2], without.src[1]);
  assert_same(r.prcc[0], without.prcc[0]);
  assert_same(r.prcc[2], without.prcc[1]);
  assert_same(r.s.r2, without.s.r2);
}

static void assert_all_nan(const struct result *r, size_t k)
{
  for (size_t j = 0; j < k; j++)
    assert_true(isnan(r->src[j]) && isnan(r->prcc[j]));
  assert_true(isnan(r->s.r2));
}

/* Fewer than k + 2 usable rows, a constant y, collinear factors: NaN. */
static void undefined_is_nan(void **state)
{
  (void)state;
  static const double x[] = { 0, 1, 2,  1, 0, 5,  2, 2, 1,  3, 1, 0,  4, 0, 3,  5, 2, 4 };
  double y[6] = { 1, 4, 2, 8, 5, 7 };
  struct result r;

  compute(x, 4, K, y, &r);             /* 4 rows, k + 2 = 5 */
  assert_int_equal(r.s.n, 4);
  assert_all_nan(&r, K);
  compute(x, 5, K, y, &r);             /* 5 rows: defined */
  assert_int_equal(r.s.n, 5);
  assert_true(isfinite(r.s.r2) && isfinite(r.src[0]));
  y[1] = NAN;                          /* 6 rows, 5 usable: defined */
  compute(x, 6, K, y, &r);
  assert_int_equal(r.s.n, 5);
  assert_true(isfinite(r.s.r2));
  y[4] = NAN;                          /* 4 usable: not */
  compute(x, 6, K, y, &r);
  assert_int_equal(r.s.n, 4);
  assert_all_nan(&r, K);
  compute(x, 0, K, y, &r);
  assert_int_equal(r.s.n, 0);
  assert_all_nan(&r, K);

  static const double flat[6] = { 3, 3, NAN, 3, 3, 3 };
  compute(x, 6, K, flat, &r);          /* y constant */
  assert_int_equal(r.s.n, 5);
  assert_all_nan(&r, K);

  double xc[6 * K], yc[6] = { 1, 4, 2, 8, 5, 7 };
  for (size_t i = 0; i < 6; i++) {     /* x2 = 2 x1 + 1: collinear */
    xc[i * K] = x[i * K];
    xc[i * K + 1] = 2.0 * x[i * K] + 1.0;
    xc[i * K + 2] = x[i * K + 2];
  }
  compute(xc, 6, K, yc, &r);
  assert_all_nan(&r, K);

  double xk[6 * K];                    /* every factor constant */
  for (size_t i = 0; i < 6 * K; i++)
    xk[i] = 1.0;
  compute(xk, 6, K, yc, &r);
  assert_int_equal(r.s.n, 6);
  assert_all_nan(&r, K);
}

/* Noise from a fixed generator: y = 2 + 3 x1 - 2 x2 + e, e ~ N(0, 0.5^2),
 * on a Latin hypercube of 1000 points in [0, 1)^3.  With var(x_j) = 1/12
 * the true SRC are b_j / sqrt(12 (13/12 + 1/4)) = b_j / 4, and R^2 =
 * (13/12) / (4/3) = 13/16.  The estimates err by about 0.02 (one sd), the
 * tolerance is 0.1. */
static void noisy_src_near_the_truth(void **state)
{
  (void)state;
  enum { n = 1000 };
  static double x[n * K], y[n];
  struct result r;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  lhs(rng, n, x);
  for (size_t i = 0; i < n; i++)
    y[i] = linear(x + i * K) + gsl_ran_gaussian(rng, 0.5);
  gsl_rng_free(rng);
  compute(x, n, K, y, &r);

  assert_double_equal(r.src[0], 0.75, 0.1);
  assert_double_equal(r.src[1], -0.5, 0.1);
  assert_double_equal(r.src[2], 0.0, 0.1);
  assert_double_equal(r.s.r2, 13.0 / 16.0, 0.05);
  assert_true(r.prcc[0] > 0.5 && r.prcc[1] < -0.5 && fabs(r.prcc[2]) < 0.2);
}

int main(void)
{
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(linear_response_on_a_grid),
    cmocka_unit_test(linear_response_on_a_latin_hypercube),
    cmocka_unit_test(orthogonal_factors_src_squares_sum_to_r2),
    cmocka_unit_test(monotone_response_ranked_exactly_linear),
    cmocka_unit_test(monotone_response_on_a_factorial),
    cmocka_unit_test(monotone_response_on_a_latin_hypercube),
    cmocka_unit_test(ties_get_mid_ranks),
    cmocka_unit_test(prcc_with_ties_by_hand),
    cmocka_unit_test(nan_rows_are_left_out),
    cmocka_unit_test(constant_factor_is_nan_and_left_out),
    cmocka_unit_test(undefined_is_nan),
    cmocka_unit_test(noisy_src_near_the_truth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
