/*
 * sensitivity.c - SRC and PRCC of a sweep's response (sensitivity.h).
 *
 * The one rule: an entry that is not defined stays NaN.  Every output is
 * set to NaN first and written only once its fit has been found sound, so
 * any early return (too few points, a constant response, no memory)
 * leaves NaN behind.  All work space is allocated once per call, up front,
 * and freed before returning; the least squares are GSL's
 * (column-balanced SVD), the ranks come from gsl_sort_index.
 */
#include "convoysim/sensitivity.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>

/* The work space of one call: the usable rows (m) of the varying factors
 * (p), their fits and ranks.  Everything owned. */
struct sens_ws {
  size_t m;                 /* usable rows (y not NaN) */
  size_t p;                 /* varying factors */
  size_t *col;              /* col[j]: the factor (0..k-1) of varying factor j */
  size_t *idx;              /* m: sort permutation for the ranks */
  gsl_matrix *x;            /* m x p: the varying factors over the usable rows */
  gsl_vector *y;            /* m: the usable responses */
  gsl_vector *yz;           /* m: their z-scores */
  gsl_matrix *a;            /* m x (p + 1): column 0 all ones, then the z-scores
                               of the factors (SRC), or the centred ranks of
                               the other factors (PRCC, first p columns) */
  gsl_vector *c;            /* p + 1: fitted coefficients */
  gsl_matrix *cov;          /* (p + 1) x (p + 1): their covariance (unused) */
  gsl_matrix *r;            /* m x p: centred ranks of the factors */
  gsl_vector *ry;           /* m: centred ranks of y */
  gsl_vector *ex;           /* m: residual of the ranks of one factor */
  gsl_vector *ey;           /* m: residual of the ranks of y */
  gsl_multifit_linear_workspace *fit; /* for up to m x (p + 1) */
};

static void ws_free(struct sens_ws *w)
{
  free(w->col);
  free(w->idx);
  if (w->x != NULL) gsl_matrix_free(w->x);
  if (w->y != NULL) gsl_vector_free(w->y);
  if (w->yz != NULL) gsl_vector_free(w->yz);
  if (w->a != NULL) gsl_matrix_free(w->a);
  if (w->c != NULL) gsl_vector_free(w->c);
  if (w->cov != NULL) gsl_matrix_free(w->cov);
  if (w->r != NULL) gsl_matrix_free(w->r);
  if (w->ry != NULL) gsl_vector_free(w->ry);
  if (w->ex != NULL) gsl_vector_free(w->ex);
  if (w->ey != NULL) gsl_vector_free(w->ey);
  if (w->fit != NULL) gsl_multifit_linear_free(w->fit);
}

/* Everything but col (already filled by the caller), for m rows and p
 * varying factors.  false when out of memory (ws_free releases what was
 * allocated). */
static bool ws_alloc(struct sens_ws *w)
{
  size_t m = w->m, q = w->p + 1;
  w->idx = malloc(m * sizeof *w->idx);
  w->x = gsl_matrix_alloc(m, w->p);
  w->y = gsl_vector_alloc(m);
  w->yz = gsl_vector_alloc(m);
  w->a = gsl_matrix_alloc(m, q);
  w->c = gsl_vector_alloc(q);
  w->cov = gsl_matrix_alloc(q, q);
  w->r = gsl_matrix_alloc(m, w->p);
  w->ry = gsl_vector_alloc(m);
  w->ex = gsl_vector_alloc(m);
  w->ey = gsl_vector_alloc(m);
  w->fit = gsl_multifit_linear_alloc(m, q);
  return w->idx != NULL && w->x != NULL && w->y != NULL && w->yz != NULL &&
         w->a != NULL && w->c != NULL && w->cov != NULL && w->r != NULL &&
         w->ry != NULL && w->ex != NULL && w->ey != NULL && w->fit != NULL;
}

/* Mid-ranks of v[0], v[stride], ... (n values) into out[0], out[ostride],
 * ..., minus `shift`; idx holds n. */
static void rank_into(const double *v, size_t stride, size_t n, size_t *idx,
                      double *out, size_t ostride, double shift)
{
  gsl_sort_index(idx, v, stride, n);
  size_t i = 0;
  while (i < n) {
    size_t l = i + 1;
    while (l < n && v[idx[l] * stride] == v[idx[i] * stride])
      l++;
    /* sorted positions i + 1 .. l (1-based) share their mean */
    double mid = (double)(i + 1 + l) / 2.0 - shift;
    for (size_t t = i; t < l; t++)
      out[idx[t] * ostride] = mid;
    i = l;
  }
}

enum err sensitivity_rank(const double *v, size_t n, double *rank)
{
  if (n == 0)
    return ERR_OK;
  size_t *idx = malloc(n * sizeof *idx);
  if (idx == NULL)
    return ERR_NOMEM;
  rank_into(v, 1, n, idx, rank, 1, 0.0);
  free(idx);
  return ERR_OK;
}

/* SRC: y's z-scores fitted on 1 and the factors' z-scores; the
 * coefficients are the SRC. */
static void fit_src(struct sens_ws *w, double *src, struct sensitivity *out)
{
  size_t m = w->m, p = w->p;
  double my = gsl_stats_mean(w->y->data, w->y->stride, m);
  double sy = gsl_stats_sd_m(w->y->data, w->y->stride, m, my);
  for (size_t i = 0; i < m; i++)
    gsl_vector_set(w->yz, i, (gsl_vector_get(w->y, i) - my) / sy);
  gsl_matrix_set_all(w->a, 1.0);
  for (size_t j = 0; j < p; j++) {
    gsl_vector_view xj = gsl_matrix_column(w->x, j);
    double mx = gsl_stats_mean(xj.vector.data, xj.vector.stride, m);
    double sx = gsl_stats_sd_m(xj.vector.data, xj.vector.stride, m, mx);
    for (size_t i = 0; i < m; i++)
      gsl_matrix_set(w->a, i, j + 1, (gsl_vector_get(&xj.vector, i) - mx) / sx);
  }
  double chisq;
  if (gsl_multifit_linear(w->a, w->yz, w->c, w->cov, &chisq, w->fit) != GSL_SUCCESS)
    return;
  if (!(gsl_multifit_linear_rcond(w->fit) >= SENSITIVITY_RCOND_MIN))
    return;
  double tss;
  gsl_blas_ddot(w->yz, w->yz, &tss);
  out->r2 = 1.0 - chisq / tss;
  for (size_t j = 0; j < p; j++)
    src[w->col[j]] = gsl_vector_get(w->c, j + 1);
}

/* The residual e = v - Z c of the least-squares fit of v on Z (whose SVD
 * is in w->fit); c holds Z's columns.  false when the fit fails or the
 * residual vanishes next to v. */
static bool residual(struct sens_ws *w, const gsl_matrix *z, const gsl_vector *v,
                     gsl_vector *c, gsl_vector *e)
{
  double rnorm, snorm;
  if (gsl_multifit_linear_solve(0.0, z, v, c, &rnorm, &snorm, w->fit) != GSL_SUCCESS)
    return false;
  if (gsl_multifit_linear_residuals(z, v, c, e) != GSL_SUCCESS)
    return false;
  return gsl_blas_dnrm2(e) > SENSITIVITY_RCOND_MIN * gsl_blas_dnrm2(v);
}

/* PRCC: for each varying factor, the residuals of its centred ranks and of
 * y's, each fitted on 1 and the centred ranks of the other varying
 * factors, and their Pearson correlation. */
static void fit_prcc(struct sens_ws *w, double *prcc)
{
  size_t m = w->m, p = w->p;
  double shift = (double)(m + 1) / 2.0;   /* the mean rank, exact */
  for (size_t j = 0; j < p; j++)
    rank_into(w->x->data + j, w->x->tda, m, w->idx, w->r->data + j, w->r->tda, shift);
  rank_into(w->y->data, w->y->stride, m, w->idx, w->ry->data, w->ry->stride, shift);

  gsl_matrix_view zv = gsl_matrix_submatrix(w->a, 0, 0, m, p);
  gsl_matrix *z = &zv.matrix;
  gsl_vector_view cv = gsl_vector_subvector(w->c, 0, p);
  for (size_t j = 0; j < p; j++) {
    gsl_matrix_set_all(w->a, 1.0);
    for (size_t o = 0, col = 1; o < p; o++) {
      if (o == j)
        continue;
      gsl_vector_view ro = gsl_matrix_column(w->r, o);
      gsl_vector_view zo = gsl_matrix_column(z, col++);
      gsl_vector_memcpy(&zo.vector, &ro.vector);
    }
    if (gsl_multifit_linear_bsvd(z, w->fit) != GSL_SUCCESS)
      continue;
    if (!(gsl_multifit_linear_rcond(w->fit) >= SENSITIVITY_RCOND_MIN))
      continue;
    gsl_vector_view rj = gsl_matrix_column(w->r, j);
    if (!residual(w, z, &rj.vector, &cv.vector, w->ex))
      continue;   /* factor j collinear in ranks with the others */
    if (!residual(w, z, w->ry, &cv.vector, w->ey))
      continue;   /* rank(y) an exact linear function of the others: 0/0 */
    double rho = gsl_stats_correlation(w->ex->data, w->ex->stride,
                                       w->ey->data, w->ey->stride, m);
    if (isnan(rho))
      continue;
    prcc[w->col[j]] = rho > 1.0 ? 1.0 : rho < -1.0 ? -1.0 : rho;
  }
}

enum err sensitivity_compute(const double *x, size_t n, size_t k, const double *y,
                             double *src, double *prcc, struct sensitivity *out)
{
  for (size_t j = 0; j < k; j++)
    src[j] = prcc[j] = NAN;
  out->r2 = NAN;
  out->n = 0;
  size_t first = n;
  for (size_t i = n; i-- > 0;)
    if (!isnan(y[i])) {
      out->n++;
      first = i;
    }
  size_t m = out->n;
  if (m < k + 2)
    return ERR_OK;

  /* A constant response, or factors constant over the usable rows. */
  bool y_constant = true;
  for (size_t i = first; i < n && y_constant; i++)
    if (!isnan(y[i]) && y[i] != y[first])
      y_constant = false;
  if (y_constant)
    return ERR_OK;

  struct sens_ws w = { .m = m };
  w.col = malloc(k * sizeof *w.col);
  if (w.col == NULL)
    return ERR_NOMEM;
  for (size_t j = 0; j < k; j++) {
    bool same = true;
    for (size_t i = first; i < n && same; i++)
      if (!isnan(y[i]) && x[i * k + j] != x[first * k + j])
        same = false;
    if (!same)
      w.col[w.p++] = j;
  }
  if (w.p == 0) {
    ws_free(&w);
    return ERR_OK;
  }
  if (!ws_alloc(&w)) {
    ws_free(&w);
    return ERR_NOMEM;
  }

  for (size_t i = 0, row = 0; i < n; i++) {
    if (isnan(y[i]))
      continue;
    gsl_vector_set(w.y, row, y[i]);
    for (size_t j = 0; j < w.p; j++)
      gsl_matrix_set(w.x, row, j, x[i * k + w.col[j]]);
    row++;
  }
  fit_src(&w, src, out);
  fit_prcc(&w, prcc);
  ws_free(&w);
  return ERR_OK;
}
