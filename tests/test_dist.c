/*
 * test_dist.c - scenario distributions (dist.h): sampled moments against
 * dist_mean/dist_var, the truncated normal against theory, every
 * validation message, constants that consume no draw, and dist_format
 * read back through libconfig.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <libconfig.h>

#include "convoysim/dist.h"
#include "convoysim/stream.h"

struct dist_case {
  enum dist_kind kind;
  double p[3];
  unsigned flags;
};

static struct dist make(const struct dist_case *c)
{
  struct dist d;
  char why[200] = "";

  if (!dist_set(&d, c->kind, c->p, c->flags, why, sizeof why))
    fail_msg("%s(%g, %g, %g): %s", dist_kind_name(c->kind), c->p[0], c->p[1],
             c->p[2], why);
  return d;
}

/* n draws: the sample mean must lie within 5 standard errors of dist_mean
 * (known variance), the sample variance within 5 estimated standard errors
 * of dist_var (sqrt((m4 - s^4) / n), m4 from the sample), plus 1e-9
 * relative slack for rounding. */
static void check_moments(const struct dist_case *c, long n, gsl_rng *r)
{
  struct dist d = make(c);
  double mean = dist_mean(&d), var = dist_var(&d);
  double s1 = 0.0, s2 = 0.0, s4 = 0.0;

  for (long i = 0; i < n; i++) {
    double x = dist_sample(&d, r), e = x - mean;
    if (c->flags & (DIST_NONNEG | DIST_POSITIVE))
      assert_true(x >= 0.0);
    if (c->flags & DIST_POSITIVE)
      assert_true(x > 0.0);
    s1 += e;
    s2 += e * e;
    s4 += e * e * e * e;
  }
  double m = s1 / (double)n;              /* sample mean - mean */
  double v = s2 / (double)n - m * m;      /* sample variance (biased: fine) */
  double m4 = s4 / (double)n;
  double se_mean = sqrt(var / (double)n);
  double se_var = sqrt(fmax(m4 - v * v, 0.0) / (double)n);

  if (!(fabs(m) <= 5.0 * se_mean + 1e-9 * fabs(mean)))
    fail_msg("%s(%g, %g, %g): mean %.6g vs %.6g (se %.3g)", dist_kind_name(c->kind),
             c->p[0], c->p[1], c->p[2], m + mean, mean, se_mean);
  if (!(fabs(v - var) <= 5.0 * se_var + 1e-9 * var))
    fail_msg("%s(%g, %g, %g): var %.6g vs %.6g (se %.3g)", dist_kind_name(c->kind),
             c->p[0], c->p[1], c->p[2], v, var, se_var);
}

static void every_kind_samples_its_mean_and_variance(void **state)
{
  static const struct dist_case cases[] = {
    { DIST_EXPONENTIAL, { 2.0 }, DIST_NONNEG },
    { DIST_UNIFORM, { 1.0, 3.0 }, 0 },
    { DIST_UNIFORM, { -4.0, -1.0 }, 0 },
    { DIST_NORMAL, { 5.0, 2.0 }, 0 },
    { DIST_NORMAL, { -1.0, 0.5 }, 0 },
    { DIST_NORMAL, { 1.0, 2.0 }, DIST_NONNEG },     /* truncated at 0 */
    { DIST_NORMAL, { -2.0, 1.5 }, DIST_NONNEG },    /* mostly cut away */
    { DIST_NORMAL, { 0.0, 1.0 }, DIST_POSITIVE },   /* half-normal */
    { DIST_LOGNORMAL, { 3.0, 1.5 }, DIST_NONNEG },
    { DIST_GAMMA, { 2.0, 1.0 }, DIST_NONNEG },
    { DIST_GAMMA, { 0.5, 1.0 }, DIST_POSITIVE },    /* shape 0.25 < 1 */
    { DIST_TRIANGULAR, { 1.0, 2.0, 5.0 }, DIST_NONNEG },
    { DIST_TRIANGULAR, { 0.0, 0.0, 1.0 }, DIST_SHARE }, /* mode at min */
    { DIST_TRIANGULAR, { 0.0, 1.0, 1.0 }, DIST_SHARE }, /* mode at max */
    { DIST_WEIBULL, { 1.5, 2.0 }, DIST_POSITIVE },
    { DIST_WEIBULL, { 0.8, 1.0 }, 0 },
    { DIST_BETA, { 2.0, 5.0 }, DIST_SHARE },
    { DIST_BETA, { 0.5, 0.5 }, DIST_SHARE },
    { DIST_POISSON, { 3.5 }, DIST_NONNEG },
    { DIST_POISSON, { 50.0 }, 0 },
  };
  gsl_rng *r = stream_new();
  (void)state;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    stream_seek(r, 20260, 0, i);
    check_moments(&cases[i], 200000, r);
  }
  stream_free(r);
}

/* Closed forms checked independently of dist.c's formula. */
static void truncated_normal_moments_match_theory(void **state)
{
  struct dist d;
  const double p[] = { 0.0, 1.0 }, far[] = { 10.0, 1.0 }, p3[] = { -3.0, 1.0 };
  (void)state;

  /* half-normal: mean sqrt(2/pi), variance 1 - 2/pi */
  assert_true(dist_set(&d, DIST_NORMAL, p, DIST_POSITIVE, NULL, 0));
  assert_true(fabs(dist_mean(&d) - sqrt(2.0 / M_PI)) < 1e-14);
  assert_true(fabs(dist_var(&d) - (1.0 - 2.0 / M_PI)) < 1e-14);
  assert_true(dist_set(&d, DIST_NORMAL, p, DIST_NONNEG, NULL, 0));
  assert_true(fabs(dist_mean(&d) - sqrt(2.0 / M_PI)) < 1e-14);
  /* untruncated normal: the flags change nothing */
  assert_true(dist_set(&d, DIST_NORMAL, p, 0, NULL, 0));
  assert_true(dist_mean(&d) == 0.0 && dist_var(&d) == 1.0);
  /* 10 sd from the cut: the truncation is invisible (phi(10) ~ 7.7e-23) */
  assert_true(dist_set(&d, DIST_NORMAL, far, DIST_NONNEG, NULL, 0));
  assert_true(fabs(dist_mean(&d) - 10.0) < 1e-15);
  assert_true(fabs(dist_var(&d) - 1.0) < 1e-15);
  /* at the limit -3 sd: lambda = phi(3)/Phi(-3), mean = -3 + lambda,
   * var = 1 + 3 lambda - lambda^2, evaluated separately with erfc:
   * 0.28309865493043, 0.07055918678528 */
  assert_true(dist_set(&d, DIST_NORMAL, p3, DIST_NONNEG, NULL, 0));
  assert_true(fabs(dist_mean(&d) - 0.28309865493043) < 1e-11);
  assert_true(fabs(dist_var(&d) - 0.07055918678528) < 1e-10);
}

/* One draw from a twin stream shows whether dist_sample consumed any. */
static void constants_return_their_value_and_consume_no_draw(void **state)
{
  static const struct dist_case cases[] = {
    { DIST_FIXED, { 3.5 }, DIST_NONNEG },
    { DIST_UNIFORM, { 2.0, 2.0 }, 0 },
    { DIST_TRIANGULAR, { 4.0, 4.0, 4.0 }, 0 },
    { DIST_NORMAL, { 1.25, 0.0 }, DIST_POSITIVE },
    { DIST_LOGNORMAL, { 7.0, 0.0 }, 0 },
    { DIST_GAMMA, { 0.75, 0.0 }, 0 },
    { DIST_POISSON, { 0.0 }, 0 },
  };
  gsl_rng *r = stream_new(), *twin = stream_new();
  (void)state;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct dist d = make(&cases[i]);
    stream_seek(r, 5, 0, 0);
    stream_seek(twin, 5, 0, 0);
    assert_true(dist_is_constant(&d));
    assert_true(dist_sample(&d, r) == cases[i].p[0]);
    assert_true(dist_mean(&d) == cases[i].p[0]);
    assert_true(dist_var(&d) == 0.0);
    assert_int_equal(stream_next_u64(r), stream_next_u64(twin));
  }
  /* and a random one does consume */
  {
    const struct dist_case c = { DIST_EXPONENTIAL, { 1.0 }, 0 };
    struct dist d = make(&c);
    stream_seek(r, 5, 0, 0);
    stream_seek(twin, 5, 0, 0);
    assert_false(dist_is_constant(&d));
    (void)dist_sample(&d, r);
    assert_int_not_equal(stream_next_u64(r), stream_next_u64(twin));
  }
  /* dist_fixed is the fixed kind */
  struct dist f = dist_fixed(-2.5);
  assert_int_equal(f.kind, DIST_FIXED);
  assert_true(dist_sample(&f, r) == -2.5);
  stream_free(r);
  stream_free(twin);
}

static void kinds_are_named_as_in_the_spec(void **state)
{
  (void)state;
  assert_int_equal(dist_kind_from_name("lognormal"), DIST_LOGNORMAL);
  assert_int_equal(dist_kind_from_name("fixed"), DIST_FIXED);
  assert_int_equal(dist_kind_from_name("poisson"), DIST_POISSON);
  assert_int_equal(dist_kind_from_name("Gamma"), -1);
  assert_int_equal(dist_kind_from_name(""), -1);
  assert_string_equal(dist_kind_name(DIST_TRIANGULAR), "triangular");
  assert_int_equal(dist_kind_nparams(DIST_TRIANGULAR), 3);
  assert_string_equal(dist_kind_params(DIST_WEIBULL), "shape,scale");
  assert_string_equal(dist_kind_params(DIST_BETA), "a,b");
}

struct bad_case {
  enum dist_kind kind;
  double p[3];
  unsigned flags;
  const char *why;
};

static void every_validation_message_is_exact(void **state)
{
  static const struct bad_case cases[] = {
    { DIST_FIXED, { -1.0 }, DIST_NONNEG, "'value' must be >= 0, not -1" },
    { DIST_FIXED, { 0.0 }, DIST_POSITIVE, "'value' must be > 0, not 0" },
    { DIST_FIXED, { 1.5 }, DIST_SHARE, "'value' must be <= 1, not 1.5" },
    { DIST_FIXED, { -0.25 }, DIST_SHARE, "'value' must be >= 0, not -0.25" },
    { DIST_FIXED, { INFINITY }, 0, "'value' must be a finite number, not inf" },
    { DIST_EXPONENTIAL, { 0.0 }, 0, "'mean' must be > 0, not 0" },
    { DIST_EXPONENTIAL, { NAN }, 0, "'mean' must be a finite number, not nan" },
    { DIST_UNIFORM, { 3.0, 2.0 }, 0, "'min' must be <= 'max', not 3 > 2" },
    { DIST_UNIFORM, { -1.0, 2.0 }, DIST_NONNEG, "'min' must be >= 0, not -1" },
    { DIST_UNIFORM, { 0.0, 0.0 }, DIST_POSITIVE, "'max' must be > 0, not 0" },
    { DIST_UNIFORM, { 0.5, 1.5 }, DIST_SHARE, "'max' must be <= 1, not 1.5" },
    { DIST_NORMAL, { 1.0, -1.0 }, 0, "'sd' must be >= 0, not -1" },
    { DIST_NORMAL, { -7.0, 2.0 }, DIST_NONNEG, "'mean' must be >= -3 x 'sd', not -7 < -3 x 2" },
    { DIST_NORMAL, { -3.5, 1.0 }, DIST_POSITIVE, "'mean' must be >= -3 x 'sd', not -3.5 < -3 x 1" },
    { DIST_NORMAL, { -1.0, 0.0 }, DIST_NONNEG, "'mean' must be >= 0, not -1" },
    { DIST_NORMAL, { 0.0, 0.0 }, DIST_POSITIVE, "'mean' must be > 0, not 0" },
    { DIST_NORMAL, { 0.5, 0.1 }, DIST_SHARE,
      "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'normal'" },
    { DIST_LOGNORMAL, { 0.0, 1.0 }, 0, "'mean' must be > 0, not 0" },
    { DIST_LOGNORMAL, { 2.0, -0.5 }, 0, "'sd' must be >= 0, not -0.5" },
    { DIST_LOGNORMAL, { 1e-200, 1e-10 }, 0,
      "'sd' / 'mean' must be between 1e-150 and 1e+150, not 1e+190" },
    { DIST_GAMMA, { -2.0, 1.0 }, 0, "'mean' must be > 0, not -2" },
    { DIST_GAMMA, { 2.0, -1.0 }, 0, "'sd' must be >= 0, not -1" },
    { DIST_GAMMA, { 1e200, 1e-10 }, 0,
      "'sd' / 'mean' must be between 1e-150 and 1e+150, not 1e-210" },
    { DIST_GAMMA, { 0.5, 0.1 }, DIST_SHARE,
      "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'gamma'" },
    { DIST_TRIANGULAR, { 3.0, 3.0, 2.0 }, 0, "'min' must be <= 'max', not 3 > 2" },
    { DIST_TRIANGULAR, { 1.0, 0.0, 4.0 }, 0, "'mode' must be >= 'min', not 0 < 1" },
    { DIST_TRIANGULAR, { 1.0, 5.0, 4.0 }, 0, "'mode' must be <= 'max', not 5 > 4" },
    { DIST_TRIANGULAR, { -1.0, 0.0, 4.0 }, DIST_NONNEG, "'min' must be >= 0, not -1" },
    { DIST_TRIANGULAR, { 0.0, 0.5, 2.0 }, DIST_SHARE, "'max' must be <= 1, not 2" },
    { DIST_TRIANGULAR, { 0.0, NAN, 2.0 }, 0, "'mode' must be a finite number, not nan" },
    { DIST_WEIBULL, { 0.0, 1.0 }, 0, "'shape' must be > 0, not 0" },
    { DIST_WEIBULL, { 1.0, -2.0 }, 0, "'scale' must be > 0, not -2" },
    { DIST_WEIBULL, { 1.0, 1.0 }, DIST_SHARE,
      "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'weibull'" },
    { DIST_BETA, { 0.0, 1.0 }, DIST_SHARE, "'a' must be > 0, not 0" },
    { DIST_BETA, { 1.0, -1.0 }, 0, "'b' must be > 0, not -1" },
    { DIST_POISSON, { -1.0 }, 0, "'mean' must be >= 0, not -1" },
    { DIST_POISSON, { 2e9 }, 0, "'mean' must be <= 1e+09, not 2e+09" },
    { DIST_POISSON, { 3.0 }, DIST_POSITIVE, "'poisson' can draw 0, and this value must be > 0" },
    { DIST_POISSON, { 0.5 }, DIST_SHARE,
      "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'poisson'" },
    { DIST_EXPONENTIAL, { 0.5 }, DIST_SHARE,
      "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'exponential'" },
    { DIST_LOGNORMAL, { 0.5, 0.1 }, DIST_SHARE,
      "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'lognormal'" },
  };
  (void)state;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct dist d;
    char why[200] = "";
    bool ok = dist_set(&d, cases[i].kind, cases[i].p, cases[i].flags, why, sizeof why);
    if (ok)
      fail_msg("case %zu accepted, expected \"%s\"", i, cases[i].why);
    assert_string_equal(why, cases[i].why);
    /* a rejected dist is left as fixed 0 */
    assert_int_equal(d.kind, DIST_FIXED);
    assert_true(d.p[0] == 0.0);
  }
}

static void valid_edges_are_accepted(void **state)
{
  static const struct dist_case cases[] = {
    { DIST_NORMAL, { -3.0, 1.0 }, DIST_NONNEG },    /* exactly -3 sd */
    { DIST_NORMAL, { -300.0, 1.0 }, 0 },            /* no flags: anything */
    { DIST_UNIFORM, { 0.0, 1.0 }, DIST_SHARE },
    { DIST_UNIFORM, { 0.0, 30.0 }, DIST_POSITIVE }, /* 0 itself is redrawn */
    { DIST_TRIANGULAR, { 0.0, 0.0, 1.0 }, DIST_POSITIVE },
    { DIST_FIXED, { 1.0e12 }, DIST_NONNEG },        /* large but harmless */
    { DIST_FIXED, { 0.0 }, DIST_SHARE },
    { DIST_FIXED, { 1.0 }, DIST_SHARE },
    { DIST_POISSON, { 1e9 }, 0 },
    { DIST_GAMMA, { 1.0, 1e-150 }, 0 },
    { DIST_EXPONENTIAL, { 1e300 }, DIST_POSITIVE },
  };
  (void)state;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    (void)make(&cases[i]);
  /* a NULL message buffer is allowed */
  {
    struct dist d;
    const double bad[] = { -1.0 };
    assert_false(dist_set(&d, DIST_EXPONENTIAL, bad, 0, NULL, 0));
  }
  /* a short buffer is truncated, still terminated */
  {
    struct dist d;
    const double bad[] = { -1.0 };
    char why[8];
    assert_false(dist_set(&d, DIST_EXPONENTIAL, bad, 0, why, sizeof why));
    assert_string_equal(why, "'mean' ");
  }
}

/* Parse `text` (a dist_format value) back as the scenario loader would:
 * a float is fixed; a group has `dist` and the kind's named parameters,
 * each of which must be a float (never an int: dist_format promises a
 * decimal point).  Then dist_set with `flags`. */
static struct dist parse_back(const char *text, unsigned flags)
{
  config_t cfg;
  char src[400], why[200] = "";
  struct dist d;
  double p[3] = { 0.0, 0.0, 0.0 };
  enum dist_kind kind = DIST_FIXED;

  snprintf(src, sizeof src, "x = %s;", text);
  config_init(&cfg);
  if (!config_read_string(&cfg, src))
    fail_msg("libconfig cannot read '%s': %s", src, config_error_text(&cfg));
  config_setting_t *x = config_lookup(&cfg, "x");
  assert_non_null(x);
  if (config_setting_type(x) == CONFIG_TYPE_FLOAT) {
    p[0] = config_setting_get_float(x);
  } else {
    const char *name = NULL;
    assert_int_equal(config_setting_type(x), CONFIG_TYPE_GROUP);
    assert_true(config_setting_lookup_string(x, "dist", &name));
    assert_true(dist_kind_from_name(name) >= 0);
    kind = (enum dist_kind)dist_kind_from_name(name);
    char names[32];
    snprintf(names, sizeof names, "%s", dist_kind_params(kind));
    int i = 0;
    for (char *tok = strtok(names, ","); tok; tok = strtok(NULL, ","), i++) {
      config_setting_t *v = config_setting_get_member(x, tok);
      assert_non_null(v);
      assert_int_equal(config_setting_type(v), CONFIG_TYPE_FLOAT);
      p[i] = config_setting_get_float(v);
    }
    assert_int_equal(i, dist_kind_nparams(kind));
    assert_int_equal(config_setting_length(x), i + 1); /* nothing else */
  }
  config_destroy(&cfg);
  if (!dist_set(&d, kind, p, flags, why, sizeof why))
    fail_msg("'%s' read back is invalid: %s", text, why);
  return d;
}

static bool same_bits(double a, double b)
{
  return memcmp(&a, &b, sizeof a) == 0;
}

/* dist_sample's gamma (dist.h: gsl_ran_gamma's method with its constants
 * computed once) is draw for draw gsl_ran_gamma itself, and leaves the
 * stream where gsl_ran_gamma leaves it: 2 million draws of shapes near 1,
 * the inspection times' 25 and large, each from two streams in step. */
static void gamma_draws_are_gsl_ran_gamma_exactly(void **state)
{
  static const double mean_sd[][2] = { { 1.0, 1.0 }, { 0.5, 0.1 }, { 3.0, 1.7 }, { 10.0, 0.5 }, { 2.0, 1.9 } };
  gsl_rng *a = stream_new(), *b = stream_new();
  (void)state;
  assert_non_null(a);
  assert_non_null(b);
  for (size_t k = 0; k < sizeof mean_sd / sizeof mean_sd[0]; k++) {
    struct dist d;
    char why[128];
    long differ = 0;
    assert_true(dist_set(&d, DIST_GAMMA, mean_sd[k], DIST_NONNEG, why, sizeof why));
    stream_seek(a, 42, k, 7);
    stream_seek(b, 42, k, 7);
    for (long i = 0; i < 400000; i++) {
      double x = dist_sample(&d, a), y = gsl_ran_gamma(b, d.q[0], d.q[1]);
      differ += memcmp(&x, &y, sizeof x) != 0;
    }
    assert_int_equal(differ, 0);
    assert_true(stream_next_u64(a) == stream_next_u64(b)); /* the same words consumed */
  }
  stream_free(a);
  stream_free(b);
}

static void format_reads_back_identically_through_libconfig(void **state)
{
  static const struct dist_case cases[] = {
    { DIST_FIXED, { 3.0 }, 0 },
    { DIST_FIXED, { 3.5 }, DIST_NONNEG },
    { DIST_FIXED, { 0.1 }, DIST_SHARE },
    { DIST_FIXED, { -2.0 }, 0 },
    { DIST_FIXED, { 0.0 }, 0 },
    { DIST_FIXED, { 1e300 }, 0 },
    { DIST_FIXED, { 1e22 }, 0 },             /* %.17g: "1e+22" */
    { DIST_FIXED, { 123456789012.0 }, 0 },   /* %.17g: digits only */
    { DIST_FIXED, { 2.5e-300 }, 0 },
    { DIST_EXPONENTIAL, { 1.0 / 3.0 }, DIST_NONNEG },
    { DIST_UNIFORM, { 0.3, 1.0 }, DIST_SHARE },
    { DIST_NORMAL, { 2.0, 0.7 }, DIST_NONNEG },
    { DIST_LOGNORMAL, { 0.1, 0.2 }, 0 },
    { DIST_GAMMA, { 2.0, 0.5 }, 0 },
    { DIST_TRIANGULAR, { 1.0, 2.0, 10.0 }, DIST_POSITIVE },
    { DIST_WEIBULL, { 1.7, 12.25 }, 0 },
    { DIST_BETA, { 2.0, 5.0 }, DIST_SHARE },
    { DIST_POISSON, { 7.0 }, 0 },
  };
  char buf[200];
  (void)state;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct dist a = make(&cases[i]);
    dist_format(&a, buf, sizeof buf);
    struct dist b = parse_back(buf, cases[i].flags);
    assert_int_equal(a.kind, b.kind);
    assert_int_equal(a.flags, b.flags);
    for (int j = 0; j < 3; j++)
      assert_true(same_bits(a.p[j], b.p[j]));
    for (int j = 0; j < 2; j++)
      assert_true(same_bits(a.q[j], b.q[j]));
  }
  /* the text itself */
  struct dist d = dist_fixed(3.0);
  dist_format(&d, buf, sizeof buf);
  assert_string_equal(buf, "3.0");
  d = dist_fixed(0.1);
  dist_format(&d, buf, sizeof buf);
  assert_string_equal(buf, "0.10000000000000001");
  const double gp[] = { 2.0, 0.5 };
  assert_true(dist_set(&d, DIST_GAMMA, gp, 0, NULL, 0));
  dist_format(&d, buf, sizeof buf);
  assert_string_equal(buf, "{ dist = \"gamma\"; mean = 2.0; sd = 0.5; }");
  const double tp[] = { 1.0, 2.0, 3.0 };
  assert_true(dist_set(&d, DIST_TRIANGULAR, tp, 0, NULL, 0));
  dist_format(&d, buf, sizeof buf);
  assert_string_equal(buf, "{ dist = \"triangular\"; min = 1.0; mode = 2.0; max = 3.0; }");
  /* a short buffer is truncated and terminated */
  dist_format(&d, buf, 10);
  assert_string_equal(buf, "{ dist = ");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_kind_samples_its_mean_and_variance),
    cmocka_unit_test(truncated_normal_moments_match_theory),
    cmocka_unit_test(constants_return_their_value_and_consume_no_draw),
    cmocka_unit_test(kinds_are_named_as_in_the_spec),
    cmocka_unit_test(every_validation_message_is_exact),
    cmocka_unit_test(valid_edges_are_accepted),
    cmocka_unit_test(format_reads_back_identically_through_libconfig),
    cmocka_unit_test(gamma_draws_are_gsl_ran_gamma_exactly),
  };

  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
