/*
 * tally.h - streaming statistics of one metric over replications.
 *
 * The Monte Carlo runner feeds one value per replication, in replication
 * order, and reads at the end: n, mean, sd, the 95% t-interval of the mean,
 * and percentiles (SPEC section 6: M_mean, M_sd, M_ci_low, M_ci_high,
 * M_p05, M_p50, M_p95, M_n).  A NaN value is empty (SPEC 4.7): it is
 * skipped and counted apart; n counts non-empty values only.
 *
 * The one rule: results depend only on the sequence of values fed, so the
 * same replications fed in the same order give the same bits whatever the
 * thread count (the runner stores res[i] per replication and feeds them in
 * index order afterwards).
 *
 * Memory is bounded, whatever the number of replications:
 *   - mean and variance by Welford's recurrence (O(1));
 *   - percentiles are exact while n <= TALLY_EXACT_MAX: the values are kept
 *     in a buffer (grown on demand up to the cap), sorted when a result is
 *     asked for, and interpolated linearly exactly as
 *     gsl_stats_quantile_from_sorted_data does (SPEC 4.8);
 *   - every value is also fed all along to one GSL P^2 estimator
 *     (gsl_rstat_quantile_workspace, Jain and Chlamtac 1985) per quantile;
 *     once n exceeds TALLY_EXACT_MAX the buffer is freed and percentiles
 *     come from these estimators, so the switch is deterministic.
 * TALLY_EXACT_MAX = 10000 keeps the usual run sizes (SPEC default 1000, the
 * 10^4-replication baseline) exact, at most 80 kB of values per tally.
 */
#ifndef CONVOYSIM_TALLY_H
#define CONVOYSIM_TALLY_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rstat.h>

#include "convoysim/error.h"
#include "convoysim/metrics.h"

#define TALLY_EXACT_MAX 10000    /* percentiles exact up to this many values */
#define TALLY_MAX_QUANTILES 8    /* quantiles one tally can track */
#define TALLY_CI_LEVEL 0.95      /* confidence level of the t-interval */

/* The summary set of SPEC section 6: p05, p50, p95 (passed as prob = NULL). */
#define TALLY_DEFAULT_NQ 3
extern const double tally_default_prob[TALLY_DEFAULT_NQ];

struct tally {
  size_t n;             /* non-empty values added */
  size_t n_empty;       /* NaN values skipped */
  double mean;          /* running mean of the values (their unit) */
  double m2;            /* sum of squared deviations from the mean (unit^2) */
  size_t nq;            /* quantiles tracked */
  double prob[TALLY_MAX_QUANTILES]; /* their probabilities, in [0, 1] */
  gsl_rstat_quantile_workspace *p2[TALLY_MAX_QUANTILES]; /* P^2 estimator each, owned */
  double *kept;         /* the values while n <= TALLY_EXACT_MAX (in no
                           particular order), NULL beyond; owned */
  size_t cap;           /* slots allocated in kept */
  bool p2_only;         /* keep no values: percentiles from P^2 at any n
                           (tally_p2_only) */
};

struct tally_summary {
  size_t n;             /* non-empty values */
  size_t n_empty;       /* empty (NaN) values */
  double mean;          /* NaN when n = 0 */
  double sd;            /* sample standard deviation (n - 1); NaN when n < 2 */
  double ci_low;        /* 95% t-interval of the mean; NaN when n < 2 */
  double ci_high;
  size_t nq;            /* as the tally's */
  double prob[TALLY_MAX_QUANTILES]; /* probabilities, as given to tally_init */
  double q[TALLY_MAX_QUANTILES];    /* quantile values; NaN when n = 0 */
  bool exact;           /* q are exact (n <= TALLY_EXACT_MAX), else P^2 */
};

/* Track the nq quantiles prob[0..nq-1] (each in [0, 1], nq <= 8), or the
 * default p05, p50, p95 when prob is NULL.  n_hint values are expected
 * (0 if unknown): room for min(n_hint, TALLY_EXACT_MAX) is made now, so
 * tally_add then allocates nothing.  ERR_NOMEM leaves nothing to release. */
enum err tally_init(struct tally *t, const double *prob, size_t nq, size_t n_hint);
void tally_release(struct tally *t);

/* Keep no values from now on, so that memory stays O(1): percentiles come
 * from the P^2 estimators whatever n.  For a run known to end with more
 * than TALLY_EXACT_MAX values, whose percentiles would be P^2 ones anyway,
 * this changes no result; call it before the first tally_add. */
void tally_p2_only(struct tally *t);

/* Add one value (NaN = empty).  ERR_NOMEM only when the buffer must grow
 * (never after an n_hint covering the run) and cannot: the value is then
 * not added. */
enum err tally_add(struct tally *t, double x);

/* The summary so far.  Sorts the kept values in place (their order carries
 * no information), so t is not const; adding may continue afterwards. */
void tally_result(struct tally *t, struct tally_summary *out);

/* Half-width of the 95% t-interval of the mean, t(0.975, n-1) sd / sqrt(n),
 * for sequential stopping (--precision); NaN when n < 2. */
double tally_ci_half_width(const struct tally *t);

/* Bytes used by t now, the struct included. */
size_t tally_bytes(const struct tally *t);

/* One tally per metric of metrics.h, fed one replication's double[METRIC_COUNT]. */
struct tally_set {
  struct tally t[METRIC_COUNT]; /* t[m] tallies metric m */
};

/* As tally_init for every metric (p05, p50, p95 when prob is NULL). */
enum err tally_set_init(struct tally_set *s, const double *prob, size_t nq,
                        size_t n_hint);
void tally_set_release(struct tally_set *s);
/* Add x[m] to t[m] for every metric.  After ERR_NOMEM some metrics have the
 * row and some do not: release the set. */
enum err tally_set_add(struct tally_set *s, const double x[METRIC_COUNT]);
/* tally_p2_only on every metric. */
void tally_set_p2_only(struct tally_set *s);
/* Bytes used by s now: at most METRIC_COUNT x (TALLY_EXACT_MAX x 8 + ~700),
 * about 2.7 MB, and ~20 kB once past TALLY_EXACT_MAX values. */
size_t tally_set_bytes(const struct tally_set *s);

#endif
