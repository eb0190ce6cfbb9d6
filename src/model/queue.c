/*
 * queue.c - M/M/c FIFO queues as discrete-event simulations (queue.h).
 *
 * The one rule: all randomness comes from the two streams of (seed, rep),
 * drawn in an order fixed by the event order, and the event order is total
 * (calendar.h): the same (seed, rep) gives the same result to the bit.
 */
#include "convoysim/queue.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "convoysim/stream.h"

enum { EV_ARRIVAL, EV_DEPARTURE };

#define LINE_FIRST_ALLOC 256 /* waiting-line slots at the first growth */

enum err queue_ws_init(struct queue_ws *ws, size_t max_waiting)
{
  *ws = (struct queue_ws){ .max_waiting = max_waiting ? max_waiting : 1 };
  /* One arrival and at most QUEUE_MAX_SERVERS departures are pending. */
  calendar_init(&ws->cal, (size_t)QUEUE_MAX_SERVERS + 1);
  ws->arrivals = stream_new();
  ws->service = stream_new();
  if (ws->arrivals == NULL || ws->service == NULL) {
    queue_ws_release(ws);
    return ERR_NOMEM;
  }
  return ERR_OK;
}

void queue_ws_release(struct queue_ws *ws)
{
  calendar_release(&ws->cal);
  stream_free(ws->arrivals);
  stream_free(ws->service);
  free(ws->line);
  free(ws->srv_arrival);
  free(ws->srv_start);
  free(ws->idle);
  *ws = (struct queue_ws){ 0 };
}

/* Room for c servers' state (allocates only when c grows). */
static enum err reserve_servers(struct queue_ws *ws, int c)
{
  double *a, *s;
  int *idle;

  if (c <= ws->srv_alloc)
    return ERR_OK;
  a = realloc(ws->srv_arrival, (size_t)c * sizeof *a);
  if (a == NULL)
    return ERR_NOMEM;
  ws->srv_arrival = a;
  s = realloc(ws->srv_start, (size_t)c * sizeof *s);
  if (s == NULL)
    return ERR_NOMEM;
  ws->srv_start = s;
  idle = realloc(ws->idle, (size_t)c * sizeof *idle);
  if (idle == NULL)
    return ERR_NOMEM;
  ws->idle = idle;
  ws->srv_alloc = c;
  return ERR_OK;
}

/* Double the ring buffer holding `len` customers from index `head`,
 * unwrapping it so it starts at 0.  ERR_LIMIT past max_waiting. */
static enum err grow_line(struct queue_ws *ws, size_t head, size_t len)
{
  size_t want = ws->line_alloc ? 2 * ws->line_alloc : LINE_FIRST_ALLOC;
  double *l;

  if (len >= ws->max_waiting)
    return ERR_LIMIT;
  l = malloc(want * sizeof *l);
  if (l == NULL)
    return ERR_NOMEM;
  for (size_t i = 0; i < len; i++)
    l[i] = ws->line[(head + i) & (ws->line_alloc - 1)];
  free(ws->line);
  ws->line = l;
  ws->line_alloc = want;
  return ERR_OK;
}

/* An exponential draw with the given mean.  GSL's gsl_ran_exponential is
 * -mean log1p(-u) with u uniform on [0, 1); stream_exponential is
 * -mean log(u') with u' uniform on (0, 1) (stream_uniform_pos): 1 - u and
 * u' have the same distribution, so the draws do, and it skips the
 * gsl_rng function-pointer call. */
static inline double draw_exp(gsl_rng *r, double mean)
{
  return stream_exponential(r, mean);
}

enum err queue_run(struct queue_ws *ws, const struct queue_params *p,
                   struct queue_result *out)
{
  struct calendar *cal = &ws->cal;
  struct event ev;
  const double mean_a = 1.0 / p->lambda, mean_s = 1.0 / p->mu;
  const uint64_t total = p->warmup + p->customers;
  uint64_t departed = 0, events = 0;
  double sum_wq = 0.0, sum_w = 0.0;
  size_t head = 0, len = 0, max_len = 0;
  int n_idle, c = p->servers;
  enum err e;

  if (!(p->lambda > 0.0) || !(p->mu > 0.0) || !isfinite(p->lambda) || !isfinite(p->mu) ||
      c < 1 || c > QUEUE_MAX_SERVERS || p->customers < 1 || total < p->customers)
    return ERR_USAGE;
  e = reserve_servers(ws, c);
  if (e == ERR_OK)
    e = calendar_reserve(cal, (size_t)c + 1);
  if (e == ERR_OK && ws->line_alloc == 0)
    e = grow_line(ws, 0, 0);
  if (e != ERR_OK)
    return e;

  calendar_clear(cal);
  stream_seek(ws->arrivals, p->seed, p->rep, QUEUE_STREAM_ARRIVAL);
  stream_seek(ws->service, p->seed, p->rep, QUEUE_STREAM_SERVICE);
  /* Idle servers are taken from the top of the stack: server 0 first. */
  for (n_idle = 0; n_idle < c; n_idle++)
    ws->idle[n_idle] = c - 1 - n_idle;

  e = calendar_push(cal, draw_exp(ws->arrivals, mean_a), EV_ARRIVAL, 0, 0, NULL);
  while (e == ERR_OK && departed < total && calendar_pop(cal, &ev)) {
    int s;
    double arrived;

    events++;
    if (ev.kind == EV_ARRIVAL) {
      e = calendar_push(cal, ev.time + draw_exp(ws->arrivals, mean_a), EV_ARRIVAL, 0, 0, NULL);
      if (e != ERR_OK)
        break;
      if (n_idle == 0) { /* join the line */
        if (len == ws->line_alloc || len >= ws->max_waiting) {
          e = grow_line(ws, head, len);
          if (e != ERR_OK)
            break;
          head = 0; /* grow_line unwrapped the line */
        }
        ws->line[(head + len) & (ws->line_alloc - 1)] = ev.time;
        if (++len > max_len)
          max_len = len;
        continue;
      }
      s = ws->idle[--n_idle];
      arrived = ev.time;
    } else {
      s = ev.entity;
      if (++departed > p->warmup) {
        sum_wq += ws->srv_start[s] - ws->srv_arrival[s];
        sum_w += ev.time - ws->srv_arrival[s];
      }
      if (len == 0) {
        ws->idle[n_idle++] = s;
        continue;
      }
      arrived = ws->line[head];
      head = (head + 1) & (ws->line_alloc - 1);
      len--;
    }
    /* Server s starts serving a customer who arrived at `arrived`. */
    ws->srv_arrival[s] = arrived;
    ws->srv_start[s] = ev.time;
    e = calendar_push(cal, ev.time + draw_exp(ws->service, mean_s), EV_DEPARTURE, s, 0, NULL);
  }
  if (e != ERR_OK)
    return e;
  out->served = p->customers;
  out->wq_mean = sum_wq / (double)p->customers;
  out->w_mean = sum_w / (double)p->customers;
  out->events = events;
  out->end_time = calendar_now(cal);
  out->max_waiting = max_len;
  return ERR_OK;
}

double queue_erlang_c(int c, double a)
{
  double b = 1.0;

  if (c < 1 || !(a >= 0.0))
    return NAN;
  if (a >= (double)c)
    return 1.0;
  /* Erlang B by its stable recursion B(k) = a B(k-1) / (k + a B(k-1)),
   * then C = c B / (c - a (1 - B)). */
  for (int k = 1; k <= c; k++)
    b = a * b / ((double)k + a * b);
  return (double)c * b / ((double)c - a * (1.0 - b));
}

double queue_mmc_wq(int c, double lambda, double mu)
{
  if (c < 1 || !(lambda >= 0.0) || !(mu > 0.0))
    return NAN;
  if (lambda >= (double)c * mu)
    return INFINITY;
  return queue_erlang_c(c, lambda / mu) / ((double)c * mu - lambda);
}

double queue_mm1_wq(double lambda, double mu)
{
  if (!(lambda >= 0.0) || !(mu > 0.0))
    return NAN;
  if (lambda >= mu)
    return INFINITY;
  return (lambda / mu) / (mu - lambda);
}
