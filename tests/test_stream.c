/*
 * test_stream.c - Philox4x64-10 streams (stream.h): known answers, the
 * stream layout, reproducibility, separation and uniformity.
 *
 * Statistical checks use fixed seeds and bounds at 5 sigma (or tail
 * probabilities of 1e-6), so they are deterministic and still catch a
 * generator that is off by a bit or a stream that repeats another.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "convoysim/stream.h"

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 u128;
#endif

#define TWO63 (UINT64_C(1) << 63)
#define TWO40 (UINT64_C(1) << 40)

/* Random123 1.14, tests/kat_vectors, the three "philox4x64 10" lines:
 * counter (4 words), key (2 words), expected output (4 words). */
static const uint64_t kat[3][10] = {
  { 0, 0, 0, 0, 0, 0,
    UINT64_C(0x16554d9eca36314c), UINT64_C(0xdb20fe9d672d0fdc),
    UINT64_C(0xd7e772cee186176b), UINT64_C(0x7e68b68aec7ba23b) },
  { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
    UINT64_C(0x87b092c3013fe90b), UINT64_C(0x438c3c67be8d0224),
    UINT64_C(0x9cc7d7c69cd777b6), UINT64_C(0xa09caebf594f0ba0) },
  { UINT64_C(0x243f6a8885a308d3), UINT64_C(0x13198a2e03707344),  /* pi */
    UINT64_C(0xa4093822299f31d0), UINT64_C(0x082efa98ec4e6c89),
    UINT64_C(0x452821e638d01377), UINT64_C(0xbe5466cf34e90c6c),
    UINT64_C(0xa528f45403e61d95), UINT64_C(0x38c72dbd566e9788),
    UINT64_C(0xa5a1610e72fd18b5), UINT64_C(0x57bd43b5e52b7fe6) },
};

static void philox_matches_random123_known_answers(void **state)
{
  (void)state;
  for (int i = 0; i < 3; i++) {
    uint64_t out[4];
    stream_philox4x64_10(&kat[i][0], &kat[i][4], out);
    for (int j = 0; j < 4; j++)
      assert_int_equal(out[j], kat[i][6 + j]);
  }
}

static void portable_multiply_gives_the_full_128_bit_product(void **state)
{
  uint64_t hi, lo;
  gsl_rng *r = stream_new();
  (void)state;

  /* (2^64 - 1)^2 = 2^128 - 2^65 + 1 */
  lo = stream_mul128_portable(UINT64_MAX, UINT64_MAX, &hi);
  assert_int_equal(hi, UINT64_MAX - 1);
  assert_int_equal(lo, 1);
  lo = stream_mul128_portable(UINT64_C(1) << 32, UINT64_C(1) << 32, &hi);
  assert_int_equal(hi, 1);
  assert_int_equal(lo, 0);
  lo = stream_mul128_portable(0, UINT64_MAX, &hi);
  assert_int_equal(hi, 0);
  assert_int_equal(lo, 0);
#if defined(__SIZEOF_INT128__)
  /* against the compiler's own 128-bit product on random operands */
  stream_seek(r, 99, 0, 0);
  for (int i = 0; i < 100000; i++) {
    uint64_t a = stream_next_u64(r), b = stream_next_u64(r);
    u128 p = (u128)a * b;
    lo = stream_mul128_portable(a, b, &hi);
    assert_int_equal(hi, (uint64_t)(p >> 64));
    assert_int_equal(lo, (uint64_t)p);
  }
#endif
  stream_free(r);
}

/* The key is the first two SplitMix64 outputs from the seed; for seed 0
 * these are SplitMix64's published first outputs (prng.di.unimi.it). */
static void key_is_splitmix64_of_the_seed(void **state)
{
  uint64_t key[2];
  (void)state;

  stream_key(0, key);
  assert_int_equal(key[0], UINT64_C(0xE220A8397B1DCDAF));
  assert_int_equal(key[1], UINT64_C(0x6E789E6AA1B965F4));
}

/* Word j of stream (seed, rep, source) is word j % 4 of the Philox block
 * with counter (j / 4, source, rep, 0): the layout stream.h documents,
 * across several refills of the buffer. */
static void stream_words_are_philox_blocks_of_documented_counters(void **state)
{
  static const uint64_t triples[3][3] = {
    { 1, 0, 0 }, { TWO63 + 5, TWO40, 65535 }, { 42, 7, 3 } };
  gsl_rng *r = stream_new();
  (void)state;

  for (int t = 0; t < 3; t++) {
    uint64_t key[2];
    stream_key(triples[t][0], key);
    stream_seek(r, triples[t][0], triples[t][1], triples[t][2]);
    for (uint64_t blk = 0; blk < 37; blk++) {
      uint64_t ctr[4] = { blk, triples[t][2], triples[t][1], 0 }, out[4];
      stream_philox4x64_10(ctr, key, out);
      for (int j = 0; j < 4; j++)
        assert_int_equal(stream_next_u64(r), out[j]);
    }
  }
  stream_free(r);
}

/* Known answers of our own streams, computed once with this code and pinned
 * (as GSL pins its generators' 10000th draws): a change of key derivation,
 * counter layout, word order or buffering would change them.  The previous
 * test ties them to the Random123 vectors. */
static void first_draws_of_pinned_streams_are_known(void **state)
{
  static const uint64_t s1[6] = {
    UINT64_C(0x19078d6eed2ba664), UINT64_C(0x0af0eeb0cc695abb),
    UINT64_C(0x2f3332a64d618318), UINT64_C(0x9c8f286371b85d0b),
    UINT64_C(0xace918e832800829), UINT64_C(0x01b0dbae3278fa01) };
  static const uint64_t s2[6] = {
    UINT64_C(0x5dc5453e68281909), UINT64_C(0x905d497874480f32),
    UINT64_C(0x2343d37f27fc66e6), UINT64_C(0x816bc45b81acafff),
    UINT64_C(0xe60299d1f1fc8693), UINT64_C(0x34bff3125816d909) };
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 1, 0, 0);
  for (int i = 0; i < 6; i++)
    assert_int_equal(stream_next_u64(r), s1[i]);
  stream_seek(r, TWO63 + 5, TWO40, 65535);
  for (int i = 0; i < 6; i++)
    assert_int_equal(stream_next_u64(r), s2[i]);

  /* The gsl_rng views of the same words. */
  stream_seek(r, 1, 0, 0);
  assert_int_equal(gsl_rng_get(r), s1[0] >> 32);
  assert_true(gsl_rng_uniform(r) == (double)(s1[1] >> 11) * 0x1p-53);
  assert_true(stream_uniform_pos(r) == (double)((s1[2] >> 11) | 1) * 0x1p-53);
  stream_free(r);
}

static void the_same_triple_reproduces_after_other_draws_and_seeks(void **state)
{
  uint64_t first[100];
  gsl_rng *r = stream_new();
  gsl_rng *c;
  (void)state;

  stream_seek(r, 12345, 678, 9);
  for (int i = 0; i < 100; i++)
    first[i] = stream_next_u64(r);
  for (int i = 0; i < 1001; i++) /* leave the buffer part-used */
    (void)gsl_rng_uniform(r);
  stream_seek(r, 3, 4, 5);
  (void)gsl_rng_get(r);
  stream_seek(r, 12345, 678, 9);
  for (int i = 0; i < 100; i++)
    assert_int_equal(stream_next_u64(r), first[i]);

  /* A clone continues from the same point. */
  stream_seek(r, 12345, 678, 9);
  for (int i = 0; i < 50; i++)
    (void)stream_next_u64(r);
  c = gsl_rng_clone(r);
  assert_non_null(c);
  for (int i = 50; i < 100; i++)
    assert_int_equal(stream_next_u64(c), first[i]);
  gsl_rng_free(c);
  stream_free(r);
}

static void gsl_rng_set_and_alloc_use_the_documented_streams(void **state)
{
  gsl_rng *a = gsl_rng_alloc(stream_rng_type);
  gsl_rng *b = stream_new();
  (void)state;

  assert_non_null(a);
  assert_string_equal(gsl_rng_name(a), "philox4x64");
  assert_int_equal(gsl_rng_max(a), UINT64_C(0xFFFFFFFF));
  assert_int_equal(gsl_rng_min(a), 0);
  /* Fresh generators start at stream (0, 0, 0). */
  stream_seek(b, 0, 0, 0);
  for (int i = 0; i < 20; i++)
    assert_int_equal(stream_next_u64(a), stream_next_u64(b));
  /* gsl_rng_set(r, s) is stream (s, 0, 0), with all 64 bits of s. */
  gsl_rng_set(a, (unsigned long)(TWO63 + 77));
  stream_seek(b, TWO63 + 77, 0, 0);
  for (int i = 0; i < 20; i++)
    assert_int_equal(stream_next_u64(a), stream_next_u64(b));
  gsl_rng_free(a);
  stream_free(b);
  stream_free(NULL);
}

/* Number of equal words at equal positions in the first n words. */
static int common_words(gsl_rng *r, const uint64_t a[3], const uint64_t b[3])
{
  uint64_t x[64];
  int same = 0;

  stream_seek(r, a[0], a[1], a[2]);
  for (int i = 0; i < 64; i++)
    x[i] = stream_next_u64(r);
  stream_seek(r, b[0], b[1], b[2]);
  for (int i = 0; i < 64; i++)
    same += stream_next_u64(r) == x[i];
  return same;
}

static void different_triples_give_different_streams(void **state)
{
  /* (seed, rep, source) pairs that differ in one coordinate only, and
   * seeds s and s + 2^32, which GSL's own generators confuse. */
  static const uint64_t pairs[][2][3] = {
    { { 1, 0, 0 }, { 2, 0, 0 } },
    { { 1, 0, 0 }, { 1, 1, 0 } },
    { { 1, 0, 0 }, { 1, 0, 1 } },
    { { 7, 5, 3 }, { 7, 3, 5 } },
    { { 9, 0, 0 }, { 9 + (UINT64_C(1) << 32), 0, 0 } },
    { { 0, 0, 0 }, { UINT64_C(1) << 32, 0, 0 } },
    { { 1, TWO40 - 1, 0 }, { 1, TWO40, 0 } },
    { { 1, 0, 65534 }, { 1, 0, 65535 } },
    { { TWO63, 0, 0 }, { 0, 0, 0 } },
  };
  gsl_rng *r = stream_new();
  (void)state;

  for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
    assert_int_equal(common_words(r, pairs[i][0], pairs[i][1]), 0);
  stream_free(r);
}

static void uniforms_have_the_moments_of_u01(void **state)
{
  const long n = 1000000;
  double sum = 0.0, sum2 = 0.0, mean, var;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 2024, 0, 0);
  for (long i = 0; i < n; i++) {
    double u = gsl_rng_uniform(r), v = stream_uniform_pos(r);
    assert_true(u >= 0.0 && u < 1.0);
    assert_true(v > 0.0 && v < 1.0);
    sum += u;
    sum2 += (u - 0.5) * (u - 0.5);
  }
  mean = sum / (double)n;
  var = sum2 / (double)n - (mean - 0.5) * (mean - 0.5);
  /* sd of the mean sqrt(1/12/n); of the variance sqrt((1/80 - 1/144)/n) */
  assert_true(fabs(mean - 0.5) < 5.0 * sqrt(1.0 / 12.0 / (double)n));
  assert_true(fabs(var - 1.0 / 12.0) < 5.0 * sqrt((1.0 / 80.0 - 1.0 / 144.0) / (double)n));
  stream_free(r);
}

static void uniforms_pass_a_64_bin_chi_square(void **state)
{
  enum { BINS = 64 };
  const long n = 640000;
  long count[BINS] = { 0 };
  double chi2 = 0.0, expect = (double)n / BINS;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 7, 11, 13);
  for (long i = 0; i < n; i++)
    count[(int)(gsl_rng_uniform(r) * BINS)]++;
  for (int b = 0; b < BINS; b++)
    chi2 += ((double)count[b] - expect) * ((double)count[b] - expect) / expect;
  /* both tails at 1e-6: neither too uneven nor too even */
  assert_true(chi2 < gsl_cdf_chisq_Qinv(1e-6, BINS - 1));
  assert_true(chi2 > gsl_cdf_chisq_Pinv(1e-6, BINS - 1));
  stream_free(r);
}

/* Pearson correlation of the i-th uniforms of two streams. */
static double stream_correlation(gsl_rng *a, gsl_rng *b, long n)
{
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;

  for (long i = 0; i < n; i++) {
    double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  double cov = sab / (double)n - (sa / (double)n) * (sb / (double)n);
  double va = saa / (double)n - (sa / (double)n) * (sa / (double)n);
  double vb = sbb / (double)n - (sb / (double)n) * (sb / (double)n);
  return cov / sqrt(va * vb);
}

static void adjacent_streams_are_uncorrelated(void **state)
{
  const long n = 200000;
  const double bound = 5.0 / sqrt((double)n); /* 5 sigma under independence */
  gsl_rng *a = stream_new(), *b = stream_new();
  (void)state;

  stream_seek(a, 5, 100, 2);
  stream_seek(b, 5, 101, 2); /* next replication */
  assert_true(fabs(stream_correlation(a, b, n)) < bound);
  stream_seek(a, 5, 100, 2);
  stream_seek(b, 5, 100, 3); /* next source */
  assert_true(fabs(stream_correlation(a, b, n)) < bound);
  stream_seek(a, 5, 100, 2);
  stream_seek(b, 6, 100, 2); /* next seed */
  assert_true(fabs(stream_correlation(a, b, n)) < bound);
  /* and a stream against itself one draw later */
  stream_seek(a, 5, 100, 2);
  stream_seek(b, 5, 100, 2);
  (void)gsl_rng_uniform(b);
  assert_true(fabs(stream_correlation(a, b, n)) < bound);
  stream_free(a);
  stream_free(b);
}

static void gets_use_all_32_bits_and_honour_max(void **state)
{
  const long n = 1000000;
  unsigned long hi = 0, lo = ULONG_MAX;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 31, 0, 0);
  for (long i = 0; i < n; i++) {
    unsigned long v = gsl_rng_get(r);
    assert_true(v <= gsl_rng_max(r));
    if (v > hi)
      hi = v;
    if (v < lo)
      lo = v;
  }
  /* P(max < 2^32 (1 - 1e-5)) = (1 - 1e-5)^1e6 = e^-10, likewise the min */
  assert_true((double)hi > 4294967295.0 * (1.0 - 1e-5));
  assert_true((double)lo < 4294967295.0 * 1e-5);
  stream_free(r);
}

static void uniform_int_is_uniform_and_checks_its_range(void **state)
{
  enum { K = 10 };
  const long n = 200000;
  long count[K] = { 0 };
  double chi2 = 0.0;
  gsl_rng *r = stream_new();
  (void)state;

  stream_seek(r, 8, 0, 1);
  for (long i = 0; i < n; i++) {
    unsigned long v = gsl_rng_uniform_int(r, K);
    assert_true(v < K);
    count[v]++;
  }
  for (int k = 0; k < K; k++)
    chi2 += ((double)count[k] - (double)n / K) * ((double)count[k] - (double)n / K)
            / ((double)n / K);
  assert_true(chi2 < gsl_cdf_chisq_Qinv(1e-6, K - 1));
  /* The largest n a 32-bit generator allows, then one past it. */
  (void)gsl_rng_uniform_int(r, UINT64_C(0xFFFFFFFF));
  assert_int_equal(gsl_rng_uniform_int(r, UINT64_C(0x100000000)), 0);
  stream_free(r);
}

static void exponentials_have_the_right_law_and_use_one_word(void **state)
{
  const long n = 400000;
  const double mean = 2.5;
  double s1 = 0.0, s2 = 0.0, tail = 0.0;
  gsl_rng *r = stream_new(), *twin = stream_new();
  (void)state;

  /* one word each, by the documented formula */
  stream_seek(r, 3, 1, 4);
  stream_seek(twin, 3, 1, 4);
  for (int i = 0; i < 100; i++)
    assert_true(stream_exponential(r, mean) == -mean * log(stream_uniform_pos(twin)));
  /* mean 2.5, variance 6.25 (se of the variance: sqrt(8 mean^4 / n)),
   * P(X > 2 mean) = e^-2 */
  stream_seek(r, 3, 1, 5);
  for (long i = 0; i < n; i++) {
    double x = stream_exponential(r, mean);
    assert_true(x > 0.0 && isfinite(x));
    s1 += x;
    s2 += (x - mean) * (x - mean);
    tail += x > 2.0 * mean;
  }
  double m = s1 / (double)n, v = s2 / (double)n - (m - mean) * (m - mean);
  double pt = exp(-2.0);
  assert_true(fabs(m - mean) < 5.0 * mean / sqrt((double)n));
  assert_true(fabs(v - mean * mean) < 5.0 * sqrt(8.0 * pow(mean, 4) / (double)n));
  assert_true(fabs(tail / (double)n - pt) < 5.0 * sqrt(pt * (1.0 - pt) / (double)n));
  stream_free(r);
  stream_free(twin);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(philox_matches_random123_known_answers),
    cmocka_unit_test(portable_multiply_gives_the_full_128_bit_product),
    cmocka_unit_test(key_is_splitmix64_of_the_seed),
    cmocka_unit_test(stream_words_are_philox_blocks_of_documented_counters),
    cmocka_unit_test(first_draws_of_pinned_streams_are_known),
    cmocka_unit_test(the_same_triple_reproduces_after_other_draws_and_seeks),
    cmocka_unit_test(gsl_rng_set_and_alloc_use_the_documented_streams),
    cmocka_unit_test(different_triples_give_different_streams),
    cmocka_unit_test(uniforms_have_the_moments_of_u01),
    cmocka_unit_test(uniforms_pass_a_64_bin_chi_square),
    cmocka_unit_test(adjacent_streams_are_uncorrelated),
    cmocka_unit_test(gets_use_all_32_bits_and_honour_max),
    cmocka_unit_test(uniform_int_is_uniform_and_checks_its_range),
    cmocka_unit_test(exponentials_have_the_right_law_and_use_one_word),
  };

  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
