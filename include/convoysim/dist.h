/*
 * dist.h - the distributions a scenario may give for a duration, speed,
 * share or count (SPEC section 3, "dist").
 *
 * A struct dist is plain data: a kind and up to three parameters, in the
 * units of the key it belongs to.  dist_set() validates the parameters and
 * precomputes what sampling needs (lognormal mu/sigma from mean/sd, gamma
 * shape/scale from mean/sd), so dist_sample() does no checking and no
 * allocation.  Sampling is done by GSL's gsl_ran_* functions on the caller's
 * generator (a stream from stream.h); triangular is drawn by inversion.
 *
 * Kinds and parameters (p[0], p[1], p[2]):
 *   fixed       value
 *   exponential mean                       (mean > 0)
 *   uniform     min, max                   (min <= max)
 *   normal      mean, sd                   (sd >= 0); with DIST_NONNEG the
 *               draw is redrawn until >= 0 (a truncated normal, SPEC 4.8)
 *   lognormal   mean, sd of the variable   (mean > 0, sd >= 0):
 *               sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2
 *   gamma       mean, sd                   (mean > 0, sd >= 0):
 *               shape = mean^2/sd^2, scale = sd^2/mean
 *   triangular  min, mode, max             (min <= mode <= max)
 *   weibull     shape, scale               (both > 0)
 *   beta        a, b                       (both > 0; values in [0, 1])
 *   poisson     mean                       (0 <= mean <= 1e9; integer values)
 * Every parameter must be finite.  sd / mean of lognormal and gamma must lie
 * in [1e-150, 1e150] (0 allowed), so that the derived parameters exist.
 *
 * Constants.  fixed, and the zero-spread cases (uniform or triangular with
 * min = max, normal, lognormal or gamma with sd = 0, poisson with mean 0),
 * return their value WITHOUT consuming a draw: cheaper, and a stream's
 * other draws are unaffected.  (Turning a fixed value into a random one in
 * a scenario therefore shifts the later draws of that stream; common random
 * numbers hold between design points that differ elsewhere.)
 *
 * Flags narrow what is valid (dist_set checks them, in this order):
 *   DIST_SHARE     only fixed, uniform, triangular and beta, with every
 *                  bound in [0, 1]; other kinds can leave [0, 1] and are
 *                  rejected (no silent clipping).
 *   DIST_NONNEG    fixed, min of uniform and triangular >= 0; normal is
 *                  truncated at 0 by redrawing, and its mean must be at least
 *                  -3 sd (acceptance >= 0.13%, at most ~740 redraws per draw
 *                  on average; below that redrawing practically never ends);
 *                  with sd = 0 its mean must be >= 0.  Every other kind only
 *                  draws values >= 0.
 *   DIST_POSITIVE  as DIST_NONNEG, and draws are > 0: fixed > 0, uniform
 *                  max > 0, normal with sd = 0 needs mean > 0, poisson is
 *                  rejected (it draws 0); any draw <= 0 is redrawn (for
 *                  continuous kinds an event of probability 0, or about
 *                  2^-53 in floating point: their means are unchanged).
 *
 * Messages (written by dist_set into `why`, for diag_add; %g of the values):
 *   "'<p>' must be a finite number, not <v>"
 *   "'<p>' must be > 0, not <v>"              "'<p>' must be >= 0, not <v>"
 *   "'<p>' must be <= 1, not <v>"             "'mean' must be <= 1e+09, not <v>"
 *   "'min' must be <= 'max', not <min> > <max>"
 *   "'mode' must be >= 'min', not <mode> < <min>"
 *   "'mode' must be <= 'max', not <mode> > <max>"
 *   "'mean' must be >= -3 x 'sd', not <mean> < -3 x <sd>"
 *   "'sd' / 'mean' must be between 1e-150 and 1e+150, not <ratio>"
 *   "a share must be 'fixed', 'uniform', 'triangular' or 'beta', not '<kind>'"
 *   "'poisson' can draw 0, and this value must be > 0"
 * where <p> is a parameter name of the kind ('value', 'mean', 'sd', 'min',
 * 'mode', 'max', 'shape', 'scale', 'a', 'b').
 */
#ifndef CONVOYSIM_DIST_H
#define CONVOYSIM_DIST_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define DIST_LIST(X)                               \
  X(FIXED,       "fixed",       1, "value")        \
  X(EXPONENTIAL, "exponential", 1, "mean")         \
  X(UNIFORM,     "uniform",     2, "min,max")      \
  X(NORMAL,      "normal",      2, "mean,sd")      \
  X(LOGNORMAL,   "lognormal",   2, "mean,sd")      \
  X(GAMMA,       "gamma",       2, "mean,sd")      \
  X(TRIANGULAR,  "triangular",  3, "min,mode,max") \
  X(WEIBULL,     "weibull",     2, "shape,scale")  \
  X(BETA,        "beta",        2, "a,b")          \
  X(POISSON,     "poisson",     1, "mean")

enum dist_kind {
#define X(name, text, nparam, params) DIST_##name,
  DIST_LIST(X)
#undef X
  DIST_KIND_COUNT
};

/* Flags for dist_set: what the value stands for, which narrows what is valid. */
enum {
  DIST_NONNEG = 1u << 0, /* a duration or quantity: draws are >= 0; normal
                            redraws below 0 (mean >= -3 sd), bounds and
                            fixed values must be >= 0 (see above) */
  DIST_SHARE  = 1u << 1, /* a probability or share: draws lie in [0, 1]; only
                            fixed, uniform, triangular, beta */
  DIST_POSITIVE = 1u << 2 /* a speed: draws are > 0 (any draw <= 0 is
                             redrawn; poisson rejected) */
};

struct dist {
  enum dist_kind kind; /* which family */
  double p[3];         /* parameters as the user wrote them (see above) */
  double q[4];         /* derived for sampling: lognormal (mu, sigma) of
                          ln X, gamma (shape, scale, d = shape - 1/3,
                          c = (1/3) / sqrt(d)), triangular (F(mode),
                          max - min); 0 otherwise */
  unsigned flags;      /* DIST_NONNEG / DIST_SHARE / DIST_POSITIVE */
};

/* The kind named `name` ("lognormal"), or -1 when there is none. */
int dist_kind_from_name(const char *name);
const char *dist_kind_name(enum dist_kind k);
/* Number of parameters the kind takes, and their names ("mean,sd"). */
int dist_kind_nparams(enum dist_kind k);
const char *dist_kind_params(enum dist_kind k);

/* A fixed value (always valid as such; flags are not checked here). */
struct dist dist_fixed(double value);

/* Fill *d with kind k and parameters p[0..nparams-1], validated against the
 * kind and `flags`.  On a bad parameter returns false and writes the first
 * problem as a message fit for diag_add (lower case, no full stop; the
 * list above), e.g. "'sd' must be >= 0, not -1" or
 * "'min' must be <= 'max', not 3 > 2", into why[0..whylen-1] (why may be
 * NULL when whylen is 0); *d is then left as dist_fixed(0). */
bool dist_set(struct dist *d, enum dist_kind k, const double *p, unsigned flags,
              char *why, size_t whylen);

/* True when every draw equals dist_mean (fixed, or zero spread): such a
 * distribution consumes no draw.  Inline, as dist_sample: each call site
 * then branches on its own distribution's kind. */
static inline bool dist_is_constant(const struct dist *d)
{
  switch (d->kind) {
  case DIST_FIXED:
    return true;
  case DIST_UNIFORM:
    return d->p[0] == d->p[1];
  case DIST_TRIANGULAR:
    return d->p[0] == d->p[2];
  case DIST_NORMAL:
  case DIST_LOGNORMAL:
  case DIST_GAMMA:
    return d->p[1] == 0.0;
  case DIST_POISSON:
    return d->p[0] == 0.0;
  default:
    return false;
  }
}

/* One draw of a distribution that is not constant (dist.c). */
double dist_draw(const struct dist *d, const gsl_rng *r);

/* A gamma draw of shape >= 1: gsl_ran_gamma's own method (Marsaglia and
 * Tsang, 2000, on GSL's ziggurat Gaussian and gsl_rng_uniform_pos), the
 * same operations in the same order, with d and c computed once per
 * distribution instead of once per draw.  Draw for draw the same double
 * as gsl_ran_gamma(r, shape, scale) (test_dist checks it); it is the
 * commonest draw of a replication (every truck's inspection). */
static inline double dist_gamma_mt(const struct dist *g, const gsl_rng *r)
{
  const double d = g->q[2], c = g->q[3];
  double x, v, u;
  for (;;) {
    do {
      x = gsl_ran_gaussian_ziggurat(r, 1.0);
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    u = gsl_rng_uniform_pos(r);
    if (u < 1 - 0.0331 * x * x * x * x)
      break;
    if (log(u) < 0.5 * x * x + d * (1 - v + log(v)))
      break;
  }
  return g->q[1] * d * v;
}

/* One draw.  No allocation, no checks: d must come from dist_set/dist_fixed.
 * A constant distribution returns its value and consumes no draw. */
static inline double dist_sample(const struct dist *d, const gsl_rng *r)
{
  if (dist_is_constant(d))
    return d->p[0]; /* value, min = max, mean, or poisson's 0 */
  if (d->kind == DIST_GAMMA && d->q[0] >= 1.0 && !(d->flags & DIST_POSITIVE))
    return dist_gamma_mt(d, r);
  return dist_draw(d, r);
}

/* Exact mean and variance of what dist_sample draws (the truncated normal
 * included), for tests, `convoysim check` and route timing. */
double dist_mean(const struct dist *d);
double dist_var(const struct dist *d);


/* Write the distribution as a libconfig value: "3.5" (or "3.0") for fixed,
 * otherwise `{ dist = "gamma"; mean = 2.0; sd = 0.5; }`, reals with %.17g and
 * always a decimal point or exponent (so libconfig reads a float), so that
 * loading it back with the same flags gives an identical struct (used by
 * the run.cfg manifest).  Truncated to len - 1 characters if buf is short
 * (about 120 bytes always suffice). */
void dist_format(const struct dist *d, char *buf, size_t len);

#endif
