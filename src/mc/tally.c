/*
 * tally.c - streaming statistics over replications (tally.h).
 *
 * The one rule: a result is a function of the sequence of values fed, and
 * of nothing else (no thread, clock or allocation pattern), and memory is
 * bounded by TALLY_EXACT_MAX values plus one P^2 estimator per quantile.
 */
#include "convoysim/tally.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "convoysim/grow.h"

#define TALLY_MIN_CAP 64 /* first buffer size when no hint was given */

const double tally_default_prob[TALLY_DEFAULT_NQ] = { 0.05, 0.50, 0.95 };

enum err tally_init(struct tally *t, const double *prob, size_t nq, size_t n_hint)
{
  if (prob == NULL) {
    prob = tally_default_prob;
    nq = TALLY_DEFAULT_NQ;
  }
  assert(nq <= TALLY_MAX_QUANTILES);
  memset(t, 0, sizeof *t);
  t->nq = nq;
  for (size_t i = 0; i < nq; i++) {
    assert(prob[i] >= 0.0 && prob[i] <= 1.0);
    t->prob[i] = prob[i];
    t->p2[i] = gsl_rstat_quantile_alloc(prob[i]);
    if (t->p2[i] == NULL) {
      tally_release(t);
      return ERR_NOMEM;
    }
  }
  if (n_hint > 0) {
    t->cap = n_hint < TALLY_EXACT_MAX ? n_hint : TALLY_EXACT_MAX;
    t->kept = malloc(t->cap * sizeof *t->kept);
    if (t->kept == NULL) {
      tally_release(t);
      return ERR_NOMEM;
    }
  }
  return ERR_OK;
}

void tally_release(struct tally *t)
{
  for (size_t i = 0; i < t->nq; i++)
    if (t->p2[i] != NULL)
      gsl_rstat_quantile_free(t->p2[i]);
  free(t->kept);
  memset(t, 0, sizeof *t);
}

/* Room for one more kept value: grow by doubling up to the cap. */
static enum err make_room(struct tally *t)
{
  return GROW(&t->kept, &t->cap, t->n + 1, TALLY_MIN_CAP, TALLY_EXACT_MAX);
}

void tally_p2_only(struct tally *t)
{
  free(t->kept);
  t->kept = NULL;
  t->cap = 0;
  t->p2_only = true;
}

enum err tally_add(struct tally *t, double x)
{
  if (isnan(x)) {
    t->n_empty++;
    return ERR_OK;
  }
  if (t->n < TALLY_EXACT_MAX && !t->p2_only) {
    enum err e = make_room(t);
    if (e != ERR_OK)
      return e;
    t->kept[t->n] = x;
  } else if (t->kept != NULL) {
    /* this value is number TALLY_EXACT_MAX + 1: the P^2 estimators take
     * over, the buffer goes */
    free(t->kept);
    t->kept = NULL;
    t->cap = 0;
  }
  t->n++;
  /* Welford: the order of the values fixes every bit of the result */
  double delta = x - t->mean;
  t->mean += delta / (double)t->n;
  t->m2 += delta * (x - t->mean);
  for (size_t i = 0; i < t->nq; i++)
    gsl_rstat_quantile_add(x, t->p2[i]); /* cannot fail */
  return ERR_OK;
}

static double sd_of(const struct tally *t)
{
  return t->n < 2 ? NAN : sqrt(t->m2 / (double)(t->n - 1));
}

double tally_ci_half_width(const struct tally *t)
{
  if (t->n < 2)
    return NAN;
  double tq = gsl_cdf_tdist_Pinv(0.5 + 0.5 * TALLY_CI_LEVEL, (double)(t->n - 1));
  return tq * sd_of(t) / sqrt((double)t->n);
}

void tally_result(struct tally *t, struct tally_summary *out)
{
  memset(out, 0, sizeof *out);
  out->n = t->n;
  out->n_empty = t->n_empty;
  out->nq = t->nq;
  out->exact = t->n <= TALLY_EXACT_MAX && !t->p2_only;
  out->mean = t->n > 0 ? t->mean : NAN;
  out->sd = sd_of(t);
  double h = tally_ci_half_width(t);
  out->ci_low = t->n < 2 ? NAN : t->mean - h;
  out->ci_high = t->n < 2 ? NAN : t->mean + h;
  if (out->exact && t->n > 0)
    gsl_sort(t->kept, 1, t->n);
  for (size_t i = 0; i < t->nq; i++) {
    out->prob[i] = t->prob[i];
    if (t->n == 0)
      out->q[i] = NAN;
    else if (out->exact)
      out->q[i] = gsl_stats_quantile_from_sorted_data(t->kept, 1, t->n, t->prob[i]);
    else
      out->q[i] = gsl_rstat_quantile_get(t->p2[i]);
  }
}

size_t tally_bytes(const struct tally *t)
{
  return sizeof *t + t->cap * sizeof *t->kept +
         t->nq * sizeof(gsl_rstat_quantile_workspace);
}

/* ------------------------------------------------------------ tally_set */

enum err tally_set_init(struct tally_set *s, const double *prob, size_t nq,
                        size_t n_hint)
{
  memset(s, 0, sizeof *s);
  for (int m = 0; m < METRIC_COUNT; m++) {
    enum err e = tally_init(&s->t[m], prob, nq, n_hint);
    if (e != ERR_OK) {
      tally_set_release(s);
      return e;
    }
  }
  return ERR_OK;
}

void tally_set_release(struct tally_set *s)
{
  for (int m = 0; m < METRIC_COUNT; m++)
    tally_release(&s->t[m]);
}

enum err tally_set_add(struct tally_set *s, const double x[METRIC_COUNT])
{
  for (int m = 0; m < METRIC_COUNT; m++) {
    enum err e = tally_add(&s->t[m], x[m]);
    if (e != ERR_OK)
      return e;
  }
  return ERR_OK;
}

void tally_set_p2_only(struct tally_set *s)
{
  for (int m = 0; m < METRIC_COUNT; m++)
    tally_p2_only(&s->t[m]);
}

size_t tally_set_bytes(const struct tally_set *s)
{
  size_t b = sizeof *s - sizeof s->t; /* the set's own fields, if any */

  for (int m = 0; m < METRIC_COUNT; m++)
    b += tally_bytes(&s->t[m]);
  return b;
}
