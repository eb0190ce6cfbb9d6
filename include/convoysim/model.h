/*
 * model.h - the convoy-security model: one replication of a scenario.
 *
 * model_new() prepares a scenario once (derived tables, route geometry,
 * checks that need the whole network); the result is read-only and shared
 * by every thread.  Each thread owns a struct model_ws, allocated once and
 * reused for every replication: a replication allocates nothing in steady
 * state.  model_replicate() runs replication `rep` of master seed `seed`:
 * its random streams depend on (seed, rep, source) only (stream.h), so the
 * same (seed, rep) gives the same bytes on any thread, and replication r of
 * two design points shares its threat, supply and delay draws (common random
 * numbers).
 *
 * Optional sinks receive one record per convoy, per (day, zone) and per
 * traced event as the replication runs; NULL sinks cost nothing.
 */
#ifndef CONVOYSIM_MODEL_H
#define CONVOYSIM_MODEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "convoysim/diag.h"
#include "convoysim/error.h"
#include "convoysim/metrics.h"
#include "convoysim/scenario.h"

struct model;     /* opaque, read-only after model_new */
struct model_ws;  /* opaque, one per thread */

/* Most events one replication may have pending at once; more fails the
 * replication with ERR_LIMIT.  Pending events are bounded by convoys,
 * teams and crossing lanes in flight (no event per truck waiting), so only
 * a scenario that schedules millions of things at once reaches it. */
#define MODEL_MAX_PENDING ((size_t)1 << 24)

/* The outcomes that partition the scheduled convoys (SPEC 4.7): the name
 * in convoys.csv and the metric that counts them. */
#define OUTCOME_LIST(X)                        \
  X(THROUGH,   "through",   CONVOYS_THROUGH)   \
  X(PARTIAL,   "partial",   CONVOYS_PARTIAL)   \
  X(LOST,      "lost",      CONVOYS_LOST)      \
  X(DENIED,    "denied",    CONVOYS_DENIED)    \
  X(CANCELLED, "cancelled", CONVOYS_CANCELLED)

enum convoy_outcome {
#define X(id, name, metric) OUTCOME_##id,
  OUTCOME_LIST(X)
#undef X
  OUTCOME_COUNT
};
/* "through", ... ("unknown" for a value out of range). */
const char *convoy_outcome_name(enum convoy_outcome o);

/* One scheduled (counted) convoy, written when it ends. */
struct convoy_record {
  int schedule;               /* index into scenario.convoys */
  long number;                /* 0-based departure number within its schedule */
  enum convoy_outcome outcome;
  double scheduled_h;         /* scheduled departure */
  double ready_h;             /* after coordination (and any impede delay) */
  double depart_h;            /* departure; NaN if denied or cancelled */
  double end_h;               /* arrival, loss, denial or cancellation */
  int trucks_requested;
  int trucks_dispatched;
  int trucks_delivered;       /* arrived with any cargo */
  int trucks_intercepted;     /* lost any cargo */
  double tonnes_dispatched;
  double tonnes_delivered;
  double tonnes_lost;
  int escort_teams;           /* teams that went with it */
  int armed_attacks;
  int crowd_interceptions;
  int engagements;
  double civilian_harm;
  bool impeded;
};

/* One (day, distribution node) of one replication. */
struct daily_record {
  long day;
  int zone;                   /* node index */
  double tonnes_delivered;
  double need_t;
  double desperation;         /* D after the midnight update ending `day` */
  double crossing_backlog;    /* loads cleared and waiting for collection, all crossings, at midnight */
  double civilian_harm;       /* civilian harm that day: of the engagements and interventions of
                                 convoys bound for the zone, and its population share of the
                                 disarm raids' */
};

/* One traced event (--trace R). */
struct trace_record {
  double time_h;
  const char *event;          /* "depart", "armed_attack", "deliver", ... */
  const char *convoy;         /* schedule id or NULL */
  long number;                /* departure number or -1 */
  const char *where;          /* node or road id, or NULL */
  const char *detail;         /* outcome, counts... (may be NULL) */
};

struct model_sinks {
  void *ctx;
  void (*convoy)(void *ctx, const struct convoy_record *r);
  void (*daily)(void *ctx, const struct daily_record *r);
  void (*trace)(void *ctx, const struct trace_record *r);
};

struct rep_result {
  double metric[METRIC_COUNT]; /* NaN = empty (metrics.h) */
  uint64_t events;             /* calendar events processed */
  size_t n_contingents;        /* per contingent (one, "force", without contingents): */
  double cont_spend[SCENARIO_MAX_CONTINGENTS];      /* USD over [warmup, horizon) */
  double cont_troop_days[SCENARIO_MAX_CONTINGENTS]; /* troop-days over [warmup, horizon) */
  double cont_gone_day[SCENARIO_MAX_CONTINGENTS];   /* day its payer's budget ran out, NaN */
};

/* Prepare sc (which must outlive the model).  Problems that only show on the
 * whole network go to d as "file:line: message" with ERR_SCENARIO. */
enum err model_new(const struct scenario *sc, struct model **out, struct diag *d);
void model_free(struct model *m);

enum err model_ws_new(const struct model *m, struct model_ws **out);
void model_ws_free(struct model_ws *ws);
/* Poll *stop (when not NULL) every 65,536 events of a replication: once it
 * is raised, model_replicate returns ERR_INTERRUPTED, so a long replication
 * stops within a second of Ctrl-C.  An interrupted replication's results
 * are not used. */
void model_ws_set_stop(struct model_ws *ws, const atomic_int *stop);

/* Run replication `rep` of master seed `seed`.  sinks may be NULL. */
enum err model_replicate(const struct model *m, struct model_ws *ws, uint64_t seed,
                         uint64_t rep, const struct model_sinks *sinks,
                         struct rep_result *out);

/* After model_replicate: check that trucks were neither created nor
 * destroyed at the crossings, and that every convoy, team and fleet truck
 * came back.  ERR_OK, or ERR_INTERNAL with the first violation in msg. */
enum err model_audit(const struct model_ws *ws, char *msg, size_t len);

#endif
