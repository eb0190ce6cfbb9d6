/*
 * dist.c - validated scenario distributions, sampled with GSL (dist.h).
 *
 * The one rule: dist_set() accepts only what dist_sample() can draw
 * quickly and what dist_mean()/dist_var() describe exactly, so sampling
 * never checks anything and the statistics never lie.
 */
#include "convoysim/dist.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#define RATIO_MIN 1e-150  /* sd / mean of lognormal, gamma (when sd > 0) */
#define RATIO_MAX 1e150
#define POISSON_MAX 1e9   /* gsl_ran_poisson returns an unsigned int */
#define TRUNC_SDS 3.0     /* a truncated normal's mean must be >= -3 sd */

static const struct {
  const char *name;
  int nparams;
  const char *params;
} kinds[DIST_KIND_COUNT] = {
#define X(id, text, nparam, params) { text, nparam, params },
  DIST_LIST(X)
#undef X
};

int dist_kind_from_name(const char *name)
{
  for (int k = 0; k < DIST_KIND_COUNT; k++)
    if (strcmp(kinds[k].name, name) == 0)
      return k;
  return -1;
}

const char *dist_kind_name(enum dist_kind k)
{
  assert(k >= 0 && k < DIST_KIND_COUNT);
  return kinds[k].name;
}

int dist_kind_nparams(enum dist_kind k)
{
  assert(k >= 0 && k < DIST_KIND_COUNT);
  return kinds[k].nparams;
}

const char *dist_kind_params(enum dist_kind k)
{
  assert(k >= 0 && k < DIST_KIND_COUNT);
  return kinds[k].params;
}

struct dist dist_fixed(double value)
{
  struct dist d;

  memset(&d, 0, sizeof d); /* padding too: structs compare by bytes */
  d.kind = DIST_FIXED;
  d.p[0] = value;
  return d;
}

/* ------------------------------------------------------------ validation */

/* A message into why (when there is room); always returns false. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static bool fail(char *why, size_t len, const char *fmt, ...)
{
  va_list ap;

  if (why != NULL && len > 0) {
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
  }
  return false;
}

/* The name of parameter i of kind k ("sd"), copied into out. */
static const char *param_name(enum dist_kind k, int i, char out[16])
{
  const char *s = kinds[k].params;

  for (int j = 0; j < i; j++)
    s = strchr(s, ',') + 1;
  size_t n = strcspn(s, ",");
  assert(n < 16);
  memcpy(out, s, n);
  out[n] = '\0';
  return out;
}

/* Checks of the parameter called `name`, each a message on failure. */
static bool need_gt0(const char *name, double v, char *why, size_t len)
{
  return v > 0.0 ? true : fail(why, len, "'%s' must be > 0, not %g", name, v);
}

static bool need_ge0(const char *name, double v, char *why, size_t len)
{
  return v >= 0.0 ? true : fail(why, len, "'%s' must be >= 0, not %g", name, v);
}

static bool need_le1(const char *name, double v, char *why, size_t len)
{
  return v <= 1.0 ? true : fail(why, len, "'%s' must be <= 1, not %g", name, v);
}

/* sd / mean within [RATIO_MIN, RATIO_MAX] or 0, so that sd^2/mean^2 and its
 * inverse are finite. */
static bool need_ratio(double mean, double sd, char *why, size_t len)
{
  double r = sd / mean;

  if (sd == 0.0 || (r >= RATIO_MIN && r <= RATIO_MAX))
    return true;
  return fail(why, len, "'sd' / 'mean' must be between 1e-150 and 1e+150, not %g", r);
}

/* Bounds a, b of uniform or triangular under the flags. */
static bool need_bounds(double a, double b, unsigned flags, char *why, size_t len)
{
  if ((flags & (DIST_NONNEG | DIST_SHARE | DIST_POSITIVE)) && !need_ge0("min", a, why, len))
    return false;
  if ((flags & DIST_POSITIVE) && !need_gt0("max", b, why, len))
    return false;
  if ((flags & DIST_SHARE) && !need_le1("max", b, why, len))
    return false;
  return true;
}

static bool check(enum dist_kind k, const double *p, unsigned flags, char *why,
                  size_t len)
{
  const bool nonneg = (flags & (DIST_NONNEG | DIST_POSITIVE | DIST_SHARE)) != 0;
  const bool positive = (flags & DIST_POSITIVE) != 0;
  char name[16];

  if ((flags & DIST_SHARE) && k != DIST_FIXED && k != DIST_UNIFORM &&
      k != DIST_TRIANGULAR && k != DIST_BETA)
    return fail(why, len,
                "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not '%s'",
                kinds[k].name);
  if (positive && k == DIST_POISSON)
    return fail(why, len, "'poisson' can draw 0, and this value must be > 0");
  for (int i = 0; i < kinds[k].nparams; i++)
    if (!isfinite(p[i]))
      return fail(why, len, "'%s' must be a finite number, not %g",
                  param_name(k, i, name), p[i]);

  switch (k) {
  case DIST_FIXED:
    if (positive)
      return need_gt0("value", p[0], why, len);
    if (nonneg && !need_ge0("value", p[0], why, len))
      return false;
    if (flags & DIST_SHARE)
      return need_le1("value", p[0], why, len);
    return true;
  case DIST_EXPONENTIAL:
    return need_gt0("mean", p[0], why, len);
  case DIST_UNIFORM:
    if (!(p[0] <= p[1]))
      return fail(why, len, "'min' must be <= 'max', not %g > %g", p[0], p[1]);
    return need_bounds(p[0], p[1], flags, why, len);
  case DIST_NORMAL:
    if (!need_ge0("sd", p[1], why, len))
      return false;
    if (p[1] == 0.0) {
      if (positive)
        return need_gt0("mean", p[0], why, len);
      return nonneg ? need_ge0("mean", p[0], why, len) : true;
    }
    if (nonneg && p[0] < -TRUNC_SDS * p[1])
      return fail(why, len, "'mean' must be >= -3 x 'sd', not %g < -3 x %g", p[0], p[1]);
    return true;
  case DIST_LOGNORMAL:
  case DIST_GAMMA:
    return need_gt0("mean", p[0], why, len) && need_ge0("sd", p[1], why, len) &&
           need_ratio(p[0], p[1], why, len);
  case DIST_TRIANGULAR:
    if (!(p[0] <= p[2]))
      return fail(why, len, "'min' must be <= 'max', not %g > %g", p[0], p[2]);
    if (!(p[1] >= p[0]))
      return fail(why, len, "'mode' must be >= 'min', not %g < %g", p[1], p[0]);
    if (!(p[1] <= p[2]))
      return fail(why, len, "'mode' must be <= 'max', not %g > %g", p[1], p[2]);
    return need_bounds(p[0], p[2], flags, why, len);
  case DIST_WEIBULL:
    return need_gt0("shape", p[0], why, len) && need_gt0("scale", p[1], why, len);
  case DIST_BETA:
    return need_gt0("a", p[0], why, len) && need_gt0("b", p[1], why, len);
  case DIST_POISSON:
    if (!need_ge0("mean", p[0], why, len))
      return false;
    if (p[0] > POISSON_MAX)
      return fail(why, len, "'mean' must be <= 1e+09, not %g", p[0]);
    return true;
  case DIST_KIND_COUNT:
    break;
  }
  assert(0);
  return false;
}

bool dist_set(struct dist *d, enum dist_kind k, const double *p, unsigned flags,
              char *why, size_t whylen)
{
  assert(k >= 0 && k < DIST_KIND_COUNT);
  *d = dist_fixed(0.0);
  if (!check(k, p, flags, why, whylen))
    return false;
  d->kind = k;
  for (int i = 0; i < kinds[k].nparams; i++)
    d->p[i] = p[i];
  d->flags = flags;
  switch (k) {
  case DIST_LOGNORMAL: {
    double r = p[1] / p[0];
    double s2 = log1p(r * r);
    d->q[0] = log(p[0]) - 0.5 * s2; /* mu of ln X */
    d->q[1] = sqrt(s2);             /* sigma of ln X */
    break;
  }
  case DIST_GAMMA:
    if (p[1] > 0.0) {
      double r = p[1] / p[0];
      d->q[0] = 1.0 / (r * r); /* shape = mean^2 / sd^2 */
      d->q[1] = p[1] * r;      /* scale = sd^2 / mean */
      if (d->q[0] >= 1.0) { /* what gsl_ran_gamma computes for each draw (dist.h) */
        d->q[2] = d->q[0] - 1.0 / 3.0;
        d->q[3] = (1.0 / 3.0) / sqrt(d->q[2]);
      }
    }
    break;
  case DIST_TRIANGULAR:
    if (p[2] > p[0]) {
      d->q[0] = (p[1] - p[0]) / (p[2] - p[0]); /* F(mode) */
      d->q[1] = p[2] - p[0];                   /* width */
    }
    break;
  default:
    break;
  }
  return true;
}

/* -------------------------------------------------------------- sampling */

/* One untruncated draw of a non-constant distribution. */
static double raw_sample(const struct dist *d, const gsl_rng *r)
{
  switch (d->kind) {
  case DIST_EXPONENTIAL:
    return gsl_ran_exponential(r, d->p[0]);
  case DIST_UNIFORM:
    return gsl_ran_flat(r, d->p[0], d->p[1]);
  case DIST_NORMAL:
    return d->p[0] + gsl_ran_gaussian(r, d->p[1]);
  case DIST_LOGNORMAL:
    return gsl_ran_lognormal(r, d->q[0], d->q[1]);
  case DIST_GAMMA:
    return gsl_ran_gamma(r, d->q[0], d->q[1]);
  case DIST_TRIANGULAR: {
    /* inversion: F(x) = (x-a)^2 / ((b-a)(c-a)) below the mode c */
    double u = gsl_rng_uniform(r);
    const double a = d->p[0], c = d->p[1], b = d->p[2];
    if (u < d->q[0])
      return a + sqrt(u * d->q[1] * (c - a));
    return b - sqrt((1.0 - u) * d->q[1] * (b - c));
  }
  case DIST_WEIBULL:
    return gsl_ran_weibull(r, d->p[1], d->p[0]); /* GSL: (a = scale, b = shape) */
  case DIST_BETA:
    return gsl_ran_beta(r, d->p[0], d->p[1]);
  case DIST_POISSON:
    return (double)gsl_ran_poisson(r, d->p[0]);
  default:
    return d->p[0];
  }
}

double dist_draw(const struct dist *d, const gsl_rng *r)
{
  double x = raw_sample(d, r);

  if (d->kind == DIST_NORMAL && (d->flags & (DIST_NONNEG | DIST_POSITIVE)))
    while (x < 0.0)
      x = raw_sample(d, r);
  if (d->flags & DIST_POSITIVE)
    while (!(x > 0.0))
      x = raw_sample(d, r);
  return x;
}

/* --------------------------------------------------------------- moments */

static bool truncated(const struct dist *d)
{
  return d->kind == DIST_NORMAL && d->p[1] > 0.0 &&
         (d->flags & (DIST_NONNEG | DIST_POSITIVE)) != 0;
}

/* Normal(mu, s) truncated to [0, inf) (or (0, inf): the same law):
 * alpha = -mu/s, Z = P(X >= 0) = Phi(mu/s), lambda = phi(alpha) / Z,
 * mean = mu + s lambda, var = s^2 (1 + alpha lambda - lambda^2). */
static void truncated_moments(const struct dist *d, double *mean, double *var)
{
  const double mu = d->p[0], s = d->p[1];
  const double alpha = -mu / s;
  const double lambda = gsl_ran_ugaussian_pdf(alpha) / gsl_cdf_ugaussian_P(-alpha);

  *mean = mu + s * lambda;
  *var = s * s * (1.0 + alpha * lambda - lambda * lambda);
}

double dist_mean(const struct dist *d)
{
  const double *p = d->p;

  switch (d->kind) {
  case DIST_FIXED:
  case DIST_EXPONENTIAL:
  case DIST_LOGNORMAL:
  case DIST_GAMMA:
  case DIST_POISSON:
    return p[0];
  case DIST_UNIFORM:
    return 0.5 * (p[0] + p[1]);
  case DIST_NORMAL:
    if (truncated(d)) {
      double m, v;
      truncated_moments(d, &m, &v);
      return m;
    }
    return p[0];
  case DIST_TRIANGULAR:
    return (p[0] + p[1] + p[2]) / 3.0;
  case DIST_WEIBULL:
    return p[1] * exp(gsl_sf_lngamma(1.0 + 1.0 / p[0]));
  case DIST_BETA:
    return p[0] / (p[0] + p[1]);
  default:
    return NAN;
  }
}

double dist_var(const struct dist *d)
{
  const double *p = d->p;

  if (dist_is_constant(d))
    return 0.0;
  switch (d->kind) {
  case DIST_EXPONENTIAL:
    return p[0] * p[0];
  case DIST_LOGNORMAL:
  case DIST_GAMMA:
    return p[1] * p[1];
  case DIST_POISSON:
    return p[0];
  case DIST_UNIFORM:
    return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
  case DIST_NORMAL:
    if (truncated(d)) {
      double m, v;
      truncated_moments(d, &m, &v);
      return v;
    }
    return p[1] * p[1];
  case DIST_TRIANGULAR:
    return (p[0] * p[0] + p[1] * p[1] + p[2] * p[2] - p[0] * p[1] - p[0] * p[2] -
            p[1] * p[2]) / 18.0;
  case DIST_WEIBULL: {
    double g1 = exp(gsl_sf_lngamma(1.0 + 1.0 / p[0]));
    double g2 = exp(gsl_sf_lngamma(1.0 + 2.0 / p[0]));
    return p[1] * p[1] * (g2 - g1 * g1);
  }
  case DIST_BETA: {
    double s = p[0] + p[1];
    return p[0] * p[1] / (s * s * (s + 1.0));
  }
  default:
    return NAN;
  }
}

/* ------------------------------------------------------------ formatting */

/* v with %.17g, plus ".0" when that reads as an integer ("3" -> "3.0"). */
static void format_real(double v, char out[40])
{
  snprintf(out, 40, "%.17g", v);
  if (strpbrk(out, ".eEn") == NULL) /* n: "nan", "inf" (never valid here) */
    strcat(out, ".0");
}

void dist_format(const struct dist *d, char *buf, size_t len)
{
  char num[40], name[16];
  size_t used;

  if (len == 0)
    return;
  if (d->kind == DIST_FIXED) {
    format_real(d->p[0], num);
    snprintf(buf, len, "%s", num);
    return;
  }
  snprintf(buf, len, "{ dist = \"%s\";", kinds[d->kind].name);
  for (int i = 0; i < kinds[d->kind].nparams; i++) {
    format_real(d->p[i], num);
    used = strlen(buf);
    snprintf(buf + used, len - used, " %s = %s;", param_name(d->kind, i, name), num);
  }
  used = strlen(buf);
  snprintf(buf + used, len - used, " }");
}
