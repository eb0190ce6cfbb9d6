/*
 * bench_mm1.c - `convoysim bench mm1`: the M/M/1 queue (rho = 0.9) on the
 * event engine, against a minimal hand-written engine on the same machine.
 *
 * The one rule: both engines run the same model with the same flags in the
 * same process, interleaved, best of BENCH_RUNS each, so their ratio is
 * measured on the machine at hand and does not depend on its load.
 *
 * The reference is what a careful programmer writes in an afternoon: a
 * binary heap of events by value ordered by (time, seq), GSL mt19937 and
 * gsl_ran_exponential, a ring buffer for the waiting line.  The engine
 * under test is the calendar (calendar.h), Philox streams (stream.h) and
 * the M/M/c code of queue.c.
 */
#include "bench.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cli.h"
#include "convoysim/queue.h"

#define BENCH_RUNS 3
#define BENCH_LAMBDA 0.9
#define BENCH_MU 1.0
#define BENCH_WARMUP 10000u
#define BENCH_CUSTOMERS 10000000u /* counted, after the warm-up */
#define BENCH_SEED 20251128u

/* ------------------------------------------------ the reference engine */

struct ref_event {
  double time;   /* when it fires */
  uint64_t seq;  /* scheduling order, breaks ties */
  int kind;      /* REF_ARRIVAL or REF_DEPARTURE */
};

enum { REF_ARRIVAL, REF_DEPARTURE };

struct ref_heap {
  struct ref_event *e; /* binary min-heap e[0..n-1] */
  size_t n;            /* events pending */
  uint64_t seq;        /* next seq */
};

static int ref_before(const struct ref_event *a, const struct ref_event *b)
{
  return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static void ref_push(struct ref_heap *h, double t, int kind)
{
  struct ref_event x = { t, h->seq++, kind };
  size_t i = h->n++;

  while (i > 0 && ref_before(&x, &h->e[(i - 1) / 2])) {
    h->e[i] = h->e[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h->e[i] = x;
}

static struct ref_event ref_pop(struct ref_heap *h)
{
  struct ref_event top = h->e[0], x = h->e[--h->n];
  size_t i = 0, n = h->n;

  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && ref_before(&h->e[c + 1], &h->e[c]))
      c++;
    if (!ref_before(&h->e[c], &x))
      break;
    h->e[i] = h->e[c];
    i = c;
  }
  h->e[i] = x;
  return top;
}

/* One M/M/1 run; mean wait in queue into *wq; false when out of memory. */
static int ref_mm1(uint64_t warmup, uint64_t customers, double *wq)
{
  struct ref_event store[4]; /* at most one arrival and one departure */
  struct ref_heap h = { store, 0, 0 };
  size_t line_alloc = 1u << 16, head = 0, len = 0;
  double *line = malloc(line_alloc * sizeof *line);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  const double mean_a = 1.0 / BENCH_LAMBDA, mean_s = 1.0 / BENCH_MU;
  uint64_t departed = 0, total = warmup + customers;
  double sum_wq = 0.0, start_of_current = 0.0, arrival_of_current = 0.0;
  int busy = 0, ok = line != NULL && r != NULL;

  if (ok)
    gsl_rng_set(r, BENCH_SEED);
  if (ok)
    ref_push(&h, gsl_ran_exponential(r, mean_a), REF_ARRIVAL);
  while (ok && departed < total) {
    struct ref_event ev = ref_pop(&h);
    if (ev.kind == REF_ARRIVAL) {
      ref_push(&h, ev.time + gsl_ran_exponential(r, mean_a), REF_ARRIVAL);
      if (busy) {
        if (len == line_alloc) { /* double and unwrap */
          double *l = malloc(2 * line_alloc * sizeof *l);
          if (l == NULL) {
            ok = 0;
            break;
          }
          for (size_t i = 0; i < len; i++)
            l[i] = line[(head + i) & (line_alloc - 1)];
          free(line);
          line = l;
          line_alloc *= 2;
          head = 0;
        }
        line[(head + len++) & (line_alloc - 1)] = ev.time;
        continue;
      }
      busy = 1;
      arrival_of_current = ev.time;
    } else {
      if (++departed > warmup)
        sum_wq += start_of_current - arrival_of_current;
      if (len == 0) {
        busy = 0;
        continue;
      }
      arrival_of_current = line[head];
      head = (head + 1) & (line_alloc - 1);
      len--;
    }
    start_of_current = ev.time;
    ref_push(&h, ev.time + gsl_ran_exponential(r, mean_s), REF_DEPARTURE);
  }
  *wq = sum_wq / (double)customers;
  free(line);
  if (r != NULL)
    gsl_rng_free(r);
  return ok;
}

/* ------------------------------------------------------------ the bench */

int bench_mm1(FILE *out)
{
  struct queue_ws ws;
  struct queue_params p = {
    .lambda = BENCH_LAMBDA, .mu = BENCH_MU, .servers = 1,
    .warmup = BENCH_WARMUP, .customers = BENCH_CUSTOMERS, .seed = BENCH_SEED, .rep = 0,
  };
  struct queue_result res = { 0 };
  const double total = (double)(BENCH_WARMUP + BENCH_CUSTOMERS);
  const double wq_exact = queue_mm1_wq(BENCH_LAMBDA, BENCH_MU);
  double best = INFINITY, best_ref = INFINITY, wq_ref = 0.0;
  enum err e;

  e = queue_ws_init(&ws, (size_t)1 << 24);
  if (e != ERR_OK) {
    cli_error("bench", "mm1: %s", err_str(e));
    return EXIT_SOFTWARE;
  }
  for (int run = 0; run < BENCH_RUNS; run++) {
    double t0 = bench_now(), t1, t2;
    e = queue_run(&ws, &p, &res);
    t1 = bench_now();
    if (e != ERR_OK) {
      cli_error("bench", "mm1: %s", err_str(e));
      queue_ws_release(&ws);
      return EXIT_SOFTWARE;
    }
    if (!ref_mm1(BENCH_WARMUP, BENCH_CUSTOMERS, &wq_ref)) {
      cli_error("bench", "mm1: reference: %s", err_str(ERR_NOMEM));
      queue_ws_release(&ws);
      return EXIT_SOFTWARE;
    }
    t2 = bench_now();
    if (t1 - t0 < best)
      best = t1 - t0;
    if (t2 - t1 < best_ref)
      best_ref = t2 - t1;
  }
  queue_ws_release(&ws);

  bench_row(out, "mm1_customers_per_s", total / best, "customers/s");
  bench_row(out, "mm1_events_per_s", (double)res.events / best, "events/s");
  bench_row(out, "mm1_wq_rel_error", fabs(res.wq_mean - wq_exact) / wq_exact, "ratio");
  bench_row(out, "mm1_reference_customers_per_s", total / best_ref, "customers/s");
  bench_row(out, "mm1_reference_wq_rel_error", fabs(wq_ref - wq_exact) / wq_exact, "ratio");
  bench_row(out, "mm1_speed_ratio", best_ref / best, "ratio");
  return 0;
}
