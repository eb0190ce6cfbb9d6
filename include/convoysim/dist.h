/*
 * dist.h - the distributions a scenario may give for a duration, speed,
 * share or count (SPEC section 3, "dist").
 *
 * A struct dist is plain data: a kind and up to three parameters, in the
 * units of the key it belongs to.  dist_set() validates the parameters and
 * precomputes what sampling needs (lognormal mu/sigma from mean/sd, gamma
 * shape/scale from mean/sd), so dist_sample() does no checking and no
 * allocation.  Sampling is done by GSL's gsl_ran_* functions on the caller's
 * generator (a stream from stream.h).
 *
 * Kinds and parameters (p[0], p[1], p[2]):
 *   fixed       value
 *   exponential mean                       (mean > 0)
 *   uniform     min, max                   (min <= max)
 *   normal      mean, sd                   (sd >= 0); with DIST_NONNEG the
 *               draw is redrawn until >= 0 (a truncated normal, SPEC 4.8)
 *   lognormal   mean, sd of the variable   (mean > 0, sd >= 0)
 *   gamma       mean, sd                   (mean > 0, sd > 0)
 *   triangular  min, mode, max             (min <= mode <= max, min < max)
 *   weibull     shape, scale               (both > 0)
 *   beta        a, b                       (both > 0; values in [0, 1])
 *   poisson     mean                       (mean >= 0; integer values)
 */
#ifndef CONVOYSIM_DIST_H
#define CONVOYSIM_DIST_H

#include <stdbool.h>
#include <stddef.h>

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
  DIST_NONNEG = 1u << 0, /* a duration, speed or quantity: draws are >= 0;
                            normal redraws below 0, and kinds that can only
                            give negatives are rejected */
  DIST_SHARE  = 1u << 1, /* a probability or share: draws must lie in [0, 1] */
  DIST_POSITIVE = 1u << 2 /* a speed: draws must be > 0 (normal redraws <= 0) */
};

struct dist {
  enum dist_kind kind; /* which family */
  double p[3];         /* parameters as the user wrote them (see above) */
  double q[2];         /* derived for sampling: lognormal (mu, sigma) of
                          ln X, gamma (shape, scale); unused otherwise */
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
 * kind and `flags`.  On a bad parameter returns false and writes a message
 * fit for diag_add (lower case, no full stop), e.g.
 * "'sd' must be >= 0, not -1" or "'min' must be <= 'max' (3 > 2)",
 * into why[0..whylen-1]; *d is then left as dist_fixed(0). */
bool dist_set(struct dist *d, enum dist_kind k, const double *p, unsigned flags,
              char *why, size_t whylen);

/* One draw.  No allocation, no checks: d must come from dist_set/dist_fixed. */
double dist_sample(const struct dist *d, const gsl_rng *r);

/* Exact mean and variance of what dist_sample draws (the truncated normal
 * included), for tests, `convoysim check` and route timing. */
double dist_mean(const struct dist *d);
double dist_var(const struct dist *d);

/* True when every draw equals dist_mean (fixed, or zero spread). */
bool dist_is_constant(const struct dist *d);

/* Write the distribution as a libconfig value: "3.5" for fixed, otherwise
 * `{ dist = "gamma"; mean = 2.0; sd = 0.5; }`, reals with %.17g, so loading
 * it back gives an identical struct (used by the run.cfg manifest). */
void dist_format(const struct dist *d, char *buf, size_t len);

#endif
