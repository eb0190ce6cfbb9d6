/*
 * queue.h - M/M/1 and M/M/c reference queues, run as discrete-event
 * simulations on the calendar, with their analytic answers.
 *
 * They exist to check the engine (calendar + random streams) against
 * theory and to benchmark it (`convoysim bench mm1`).  The one rule: a run
 * depends only on (seed, rep): interarrival times come from stream
 * (seed, rep, QUEUE_STREAM_ARRIVAL) and service times, in order of service
 * start, from (seed, rep, QUEUE_STREAM_SERVICE), so two runs that differ
 * only in mu or c see the same arrivals (common random numbers).
 *
 * Customers are served FIFO by c identical servers.  Statistics are taken
 * at departure: the first `warmup` departures are discarded (the queue
 * starts empty, which biases early waits low), the next `customers` are
 * counted, and the run stops at the last counted departure.
 *
 * A struct queue_ws is made once and reused: a run allocates nothing once
 * the waiting line has reached its longest (the line is a ring buffer that
 * grows by doubling up to max_waiting; a longer line fails with ERR_LIMIT,
 * as an unstable queue, lambda >= c mu, eventually does).
 */
#ifndef CONVOYSIM_QUEUE_H
#define CONVOYSIM_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "convoysim/calendar.h"
#include "convoysim/error.h"

/* Stream sources (stream.h) of the two stochastic inputs. */
enum queue_source { QUEUE_STREAM_ARRIVAL = 0, QUEUE_STREAM_SERVICE = 1 };

/* Most servers a queue_ws accepts. */
#define QUEUE_MAX_SERVERS 1000000

struct queue_params {
  double lambda;      /* arrival rate, customers per time unit, > 0 */
  double mu;          /* service rate of one server, customers per time unit, > 0 */
  int servers;        /* c, 1 .. QUEUE_MAX_SERVERS */
  uint64_t warmup;    /* departures discarded before counting */
  uint64_t customers; /* departures counted, >= 1 */
  uint64_t seed;      /* master seed of the streams */
  uint64_t rep;       /* replication number of the streams */
};

struct queue_result {
  uint64_t served;    /* customers counted (= params.customers) */
  double wq_mean;     /* mean wait in queue of counted customers, time units */
  double w_mean;      /* mean sojourn (wait + service) of counted customers, time units */
  uint64_t events;    /* calendar events processed, warm-up included */
  double end_time;    /* time of the last counted departure, time units */
  size_t max_waiting; /* longest waiting line seen, customers */
};

struct queue_ws {
  struct calendar cal;  /* the event list: one arrival + at most c departures */
  gsl_rng *arrivals;    /* interarrival stream */
  gsl_rng *service;     /* service-time stream */
  double *line;         /* ring buffer of arrival times of waiting customers */
  size_t line_alloc;    /* slots of line, a power of two (0 before first use) */
  size_t max_waiting;   /* cap on the waiting line, customers */
  double *srv_arrival;  /* per server: arrival time of the customer in service */
  double *srv_start;    /* per server: when that service started */
  int *idle;            /* stack of idle servers */
  int srv_alloc;        /* servers the three arrays above hold */
};

/* A workspace whose waiting line may hold up to max_waiting customers
 * (>= 1).  ERR_NOMEM if the streams cannot be made. */
enum err queue_ws_init(struct queue_ws *ws, size_t max_waiting);
void queue_ws_release(struct queue_ws *ws);

/* Run one replication.  ERR_USAGE for parameters out of range, ERR_LIMIT
 * when the waiting line would pass max_waiting, ERR_NOMEM; *out is filled
 * only on ERR_OK. */
enum err queue_run(struct queue_ws *ws, const struct queue_params *p,
                   struct queue_result *out);

/* Erlang C: probability that an arriving customer waits in an M/M/c queue
 * with c servers and offered load a = lambda/mu (Erlang).  1 when a >= c;
 * NaN for c < 1 or a < 0 or NaN. */
double queue_erlang_c(int c, double a);

/* Steady-state mean wait in queue: M/M/c, Wq = C(c, a) / (c mu - lambda);
 * M/M/1, Wq = rho / (mu - lambda).  +INFINITY when lambda >= c mu. */
double queue_mmc_wq(int c, double lambda, double mu);
double queue_mm1_wq(double lambda, double mu);

#endif
