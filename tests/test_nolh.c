/*
 * test_nolh.c - the nearly orthogonal Latin hypercubes of nolh.h: each of
 * the four designs is a Latin hypercube and a foldover with a zero middle
 * row; its main effects correlate by at most 0.03, as nolh_max_correlation
 * says; they are exactly orthogonal to every squared column and every
 * two-factor interaction; and the right design answers each number of
 * factors.
 *
 * Sums of levels are computed in integers, so "exactly orthogonal" means
 * a sum of exactly zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "convoysim/nolh.h"

static const int sizes[] = { 17, 33, 65, 129 };
static const size_t columns[] = { 7, 11, 16, 22 };

#define N(a) (sizeof a / sizeof a[0])
#define MAX_RUNS 129

/* Column j of the runs-run design. */
static void column(int runs, size_t j, long *x)
{
  for (int i = 0; i < runs; i++)
    x[i] = nolh_level(runs, i, j);
}

/* Pearson correlation of two columns of n levels, written out here rather
 * than taken from the library. */
static double pearson(const long *x, const long *y, int n)
{
  double mx = 0.0, my = 0.0;
  for (int i = 0; i < n; i++) {
    mx += (double)x[i];
    my += (double)y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (int i = 0; i < n; i++) {
    sxy += ((double)x[i] - mx) * ((double)y[i] - my);
    sxx += ((double)x[i] - mx) * ((double)x[i] - mx);
    syy += ((double)y[i] - my) * ((double)y[i] - my);
  }
  return sxy / sqrt(sxx * syy);
}

static void sizes_match_the_factors(void **state)
{
  (void)state;
  assert_int_equal(nolh_runs(0), 0);
  for (size_t k = 1; k <= NOLH_MAX_FACTORS; k++) {
    int want = k <= 7 ? 17 : k <= 11 ? 33 : k <= 16 ? 65 : 129;
    assert_int_equal(nolh_runs(k), want);
  }
  assert_int_equal(nolh_runs(NOLH_MAX_FACTORS + 1), 0);
  assert_int_equal(nolh_runs(1000), 0);
  for (size_t d = 0; d < N(sizes); d++)
    assert_int_equal(nolh_columns(sizes[d]), columns[d]);
  static const int not_designs[] = { -17, 0, 1, 9, 16, 18, 32, 64, 127, 128, 130, 257 };
  for (size_t t = 0; t < N(not_designs); t++)
    assert_int_equal(nolh_columns(not_designs[t]), 0);
  assert_int_equal(NOLH_MAX_FACTORS, 22);
  /* Outside a design there is no level. */
  assert_int_equal(nolh_level(18, 0, 0), 0);
  assert_int_equal(nolh_level(17, 17, 0), 0);
  assert_int_equal(nolh_level(17, -1, 0), 0);
  assert_int_equal(nolh_level(17, 0, 7), 0);
}

/* Every column holds each level -(n-1)/2 .. (n-1)/2 exactly once. */
static void every_column_is_a_permutation_of_the_levels(void **state)
{
  (void)state;
  for (size_t d = 0; d < N(sizes); d++) {
    int n = sizes[d], half = (n - 1) / 2;
    for (size_t j = 0; j < columns[d]; j++) {
      int seen[MAX_RUNS] = { 0 };
      for (int i = 0; i < n; i++) {
        int v = nolh_level(n, i, j);
        assert_in_range(v + half, 0, n - 1);
        seen[v + half]++;
      }
      for (int v = 0; v < n; v++)
        assert_int_equal(seen[v], 1);
    }
  }
}

static void foldover_with_a_zero_middle_row(void **state)
{
  (void)state;
  for (size_t d = 0; d < N(sizes); d++) {
    int n = sizes[d];
    for (size_t j = 0; j < columns[d]; j++) {
      assert_int_equal(nolh_level(n, (n - 1) / 2, j), 0);
      for (int i = 0; i < n; i++)
        assert_int_equal(nolh_level(n, n - 1 - i, j), -nolh_level(n, i, j));
    }
  }
}

/* max |corr| of main effects <= 0.03 over all columns, the same figure as
 * nolh_max_correlation, and for every leading block of k columns. */
static void main_effects_are_nearly_orthogonal(void **state)
{
  (void)state;
  for (size_t d = 0; d < N(sizes); d++) {
    int n = sizes[d];
    long x[MAX_RUNS], y[MAX_RUNS];
    double worst = 0.0, previous = 0.0;
    for (size_t k = 1; k <= columns[d]; k++) {
      /* the pairs that column k-1 adds to the first k-1 columns */
      column(n, k - 1, y);
      for (size_t a = 0; a + 1 < k; a++) {
        column(n, a, x);
        double c = fabs(pearson(x, y, n));
        if (c > worst)
          worst = c;
      }
      double reported = nolh_max_correlation(n, k);
      assert_true(fabs(reported - worst) <= 1e-12);
      assert_true(reported >= previous);
      assert_true(reported <= 0.03);
      previous = reported;
    }
    /* A column with itself correlates 1. */
    column(n, 0, x);
    assert_true(fabs(pearson(x, x, n) - 1.0) < 1e-12);
    assert_true(isnan(nolh_max_correlation(n, columns[d] + 1)));
    assert_true(nolh_max_correlation(n, 0) == 0.0);
    assert_true(nolh_max_correlation(n, 1) == 0.0);
  }
  assert_true(isnan(nolh_max_correlation(18, 2)));
}

/* sum x_a (x_b^2 - mean) = 0 and sum x_a (x_b x_c - mean) = 0 for every
 * a, b and c != b, in integers (each column sums to 0, so the means do not
 * matter, but they are subtracted anyway, times n to stay in integers). */
static void main_effects_are_orthogonal_to_squares_and_interactions(void **state)
{
  (void)state;
  for (size_t d = 0; d < N(sizes); d++) {
    int n = sizes[d];
    size_t k = columns[d];
    static long x[NOLH_MAX_FACTORS][MAX_RUNS];
    for (size_t j = 0; j < k; j++) {
      column(n, j, x[j]);
      long sum = 0;
      for (int i = 0; i < n; i++)
        sum += x[j][i];
      assert_int_equal(sum, 0);
    }
    long checked = 0;
    for (size_t b = 0; b < k; b++)
      for (size_t c = b; c < k; c++) {
        /* z = n x_b x_c - sum of x_b x_c: the centred square or interaction */
        long z[MAX_RUNS], total = 0;
        for (int i = 0; i < n; i++)
          total += x[b][i] * x[c][i];
        for (int i = 0; i < n; i++)
          z[i] = (long)n * x[b][i] * x[c][i] - total;
        for (size_t a = 0; a < k; a++) {
          long s = 0;
          for (int i = 0; i < n; i++)
            s += x[a][i] * z[i];
          assert_int_equal(s, 0);
          checked++;
        }
      }
    assert_int_equal(checked, (long)(k * (k * (k + 1) / 2)));
    /* The same sums find what is not zero: a squared column against
     * itself centred, n times its variance. */
    long total = 0, s = 0;
    for (int i = 0; i < n; i++)
      total += x[0][i] * x[0][i];
    for (int i = 0; i < n; i++)
      s += x[0][i] * x[0][i] * ((long)n * x[0][i] * x[0][i] - total);
    assert_true(s > 0);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(sizes_match_the_factors),
    cmocka_unit_test(every_column_is_a_permutation_of_the_levels),
    cmocka_unit_test(foldover_with_a_zero_middle_row),
    cmocka_unit_test(main_effects_are_nearly_orthogonal),
    cmocka_unit_test(main_effects_are_orthogonal_to_squares_and_interactions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
