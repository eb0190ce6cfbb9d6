/*
 * sensitivity.h - global sensitivity measures of a sweep (SPEC section 6,
 * sensitivity.csv).
 *
 * A sweep gives n design points, each with the values of its k factors and
 * one response per metric (the mean of the point's replications, say).
 * For one response, sensitivity_compute() says how much of it each factor
 * drives, two ways:
 *
 *   - SRC, the standardized regression coefficient.  Fit by least squares
 *       y = b0 + sum_j b_j x_j
 *     then SRC_j = b_j sd(x_j) / sd(y) (sample sd, n - 1), and R^2 is the
 *     share of the variance of y the fit explains.  SRC_j is the change of
 *     y, in sd(y), for one sd(x_j); with independent factors and R^2 near
 *     1, SRC_j^2 is the share of var(y) due to x_j and the SRC_j^2 sum to
 *     R^2.  Only as good as the linear fit: read it with R^2.
 *     (Saltelli, Ratto, Andres, Campolongo, Cariboni, Gatelli, Saisana and
 *     Tarantola, "Global Sensitivity Analysis: The Primer", Wiley 2008.)
 *   - PRCC, the partial rank correlation coefficient.  Every x_j and y is
 *     replaced by its ranks (1..n, mid-ranks for ties: values tied at
 *     positions i..l of the sorted order all get (i + l) / 2); then
 *       PRCC_j = corr(rank(x_j) - fit_j, rank(y) - fit_y),
 *     the Pearson correlation of the residuals of rank(x_j) and of rank(y),
 *     each fitted by least squares (with intercept) on the ranks of the
 *     other factors.  In [-1, 1]; it measures a monotone effect, whatever
 *     its shape, with the other factors held fixed.
 *     (Marino, Hogue, Ray and Kirschner, "A methodology for performing
 *     global uncertainty and sensitivity analysis in systems biology",
 *     J. Theor. Biol. 254 (2008) 178-196.)
 *
 * The one rule: an entry that is not defined is NaN, never a number made
 * up.  That is:
 *   - fewer than k + 2 usable points, or a constant response: everything;
 *   - a factor constant over the usable points: its own entries only (it
 *     is left out of the fits of the others, which stay finite);
 *   - a singular fit, the factors collinear over the points (reciprocal
 *     condition number of the column-balanced design below
 *     SENSITIVITY_RCOND_MIN, or a residual of rank(x_j) whose norm is below
 *     SENSITIVITY_RCOND_MIN times that of the centred ranks): for SRC every
 *     entry and R^2, for PRCC every entry whose fits take in collinear ranks;
 *   - a PRCC whose residual of rank(y) vanishes (same test): rank(y) is
 *     then an exact linear function of the ranks of the other factors, and
 *     the partial correlation is 0/0.
 *
 * The fits are done by GSL (gsl_multifit_linear, column-balanced SVD), on
 * the z-scores of the factors and of y for SRC (the same fit, better
 * conditioned: its coefficients are the SRC themselves) and on the ranks
 * minus their mean (n + 1) / 2 for PRCC.  The result depends only on the
 * usable rows, in their order: the same input gives the same bits.
 */
#ifndef CONVOYSIM_SENSITIVITY_H
#define CONVOYSIM_SENSITIVITY_H

#include <stddef.h>

#include "convoysim/error.h"

/* Below this reciprocal condition number a fit is singular, and below this
 * share of its norm a residual is zero. */
#define SENSITIVITY_RCOND_MIN 1e-10

/* What a sweep's points say about one response. */
struct sensitivity {
  double r2;       /* R^2 of the linear fit of y on the factors (NaN when not defined) */
  size_t n;        /* points used (rows whose y is not NaN) */
};

/* x: n rows of k factor values, row-major (x[i * k + j]), finite; y: n
 * responses, NaN = no value (that row is left out).  Fills src[0..k-1]
 * with the SRC of each factor, prcc[0..k-1] with its PRCC, and *out; NaN
 * wherever a measure is not defined (see the rule above).  Allocates its
 * work space and frees it before returning.  ERR_OK, or ERR_NOMEM (the
 * outputs are then all NaN, out->n still the usable rows). */
enum err sensitivity_compute(const double *x, size_t n, size_t k, const double *y,
                             double *src, double *prcc, struct sensitivity *out);

/* The ranks of v[0..n-1] in rank[0..n-1]: 1 for the smallest, n for the
 * largest, ties given the mean of the positions they share (mid-ranks),
 * so the ranks always sum to n (n + 1) / 2.  v must hold no NaN; rank may
 * not alias v.  ERR_OK or ERR_NOMEM. */
enum err sensitivity_rank(const double *v, size_t n, double *rank);

#endif
