/*
 * model_int.h - private to src/model: the state of one replication, made of
 * one sub-struct per concept, the event kinds, the random-stream sources,
 * and the small helpers every room uses (push, cancel, trace, draw).
 *
 * The rooms, and the one-way calls between them (a room calls only rooms
 * below it; model.c, at the top, runs the event loop and calls them all):
 *
 *   model.c     new/free, reset, the event loop, timeline, midnight,
 *               finishing the metrics, the audit
 *   convoy.c    spawn, coordination, waiting and dispatch, departure,
 *               legs, arrival, outcomes (owns struct convoy_state)
 *   threat.c    hazard rates and clocks, armed attacks, crowds,
 *               engagements, escalation, desperation (struct threat_state)
 *   force.c     team pools, patrol deterrence, contingents, QRF teams,
 *               cost (struct force_state)
 *   crossing.c  the lazy FIFO multi-lane queues, supply, transfer
 *               (struct crossing, one per crossing node)
 *   ceasefire.c violations and halts (struct ceasefire_state)
 *   network.c   road distances for the QRF (read-only, in struct model)
 *
 * model.c -> convoy.c -> threat.c -> force.c -> ceasefire.c
 *                     -> crossing.c ----------> ceasefire.c
 *
 * The one rule of the model: every random draw comes from a stream named by
 * what it is for (stream.h), so replication r of two design points shares
 * its supply, inspection, coordination, ceasefire and per-convoy threat
 * draws (common random numbers).
 */
#ifndef CONVOYSIM_MODEL_INT_H
#define CONVOYSIM_MODEL_INT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "convoysim/calendar.h"
#include "convoysim/dist.h"
#include "convoysim/model.h"
#include "convoysim/stream.h"

/* ---------------------------------------------------------------- streams */

enum { /* global and per-node / per-schedule sources (SPEC 5) */
  SRC_CEASEFIRE = 1,
  SRC_RAIDS = 2,           /* disarm raids, at midnights (SPEC 4.9) */
  SRC_SUPPLY = 0x1000,     /* + crossing node */
  SRC_INSPECT = 0x2000,    /* + crossing node */
  SRC_TRANSFER = 0x3000,   /* + crossing node */
  SRC_COORD = 0x4000,      /* + schedule */
  SRC_INTERARR = 0x5000    /* + schedule */
};

/* Per-convoy sources, keyed with (schedule, departure number).  The first
 * four are the convoy's own, drawn in turn; the incident sources are
 * sought again for every incident k of the convoy, at sub-stream k + 1
 * (SPEC 4.8): what an escort does in one incident never shifts the draws
 * of another. */
enum crs {
  CRS_SPEED,    /* a speed per road */
  CRS_ARMED,    /* the armed hazard clock */
  CRS_CROWD,    /* the crowd hazard clock */
  CRS_HOLD,     /* each incident's hold */
  CRS_ESCORT,   /* the escort's contingents, at departure */
  CRS_PARTY,    /* incident: attackers */
  CRS_ENGAGE,   /* incident: the escort's engagement, its harm, escalation */
  CRS_QRF,      /* incident: the QRF's team, notice and contest */
  CRS_LOSS,     /* incident: driver harm and what is taken */
  CRS_INTERVENE, /* incident: a third party's intervention, its harm and violation */
  CRS_COUNT
};
#define CRS_FIRST_INCIDENT CRS_PARTY

/* The source of per-convoy stream `kind` of departure `number` of schedule `sched`. */
static inline uint64_t convoy_source(int kind, int sched, long number)
{
  return ((uint64_t)(kind + 1) << 56) | ((uint64_t)(unsigned)sched << 32) |
         (uint64_t)(uint32_t)number;
}

/* ----------------------------------------------------------------- events */

enum ev_kind {
  EV_SPAWN, EV_READY, EV_MAXWAIT, EV_LOADS, EV_HALT_START, EV_HALT_END, EV_MIDNIGHT,
  EV_PHASE_END, EV_ARMED, EV_CROWD, EV_HOLD_END, EV_FLEET, EV_QRF_FREE, EV_ESC_END,
  EV_BUILDUP, EV_TIMELINE, EV_COLLAPSE
};

/* ------------------------------------------------------ the prepared model */

struct model {
  const struct scenario *sc; /* the scenario as loaded (borrowed) */
  double horizon;            /* h */
  double warmup;             /* h */
  int n_cross;               /* crossing nodes */
  int *cross_of_node;        /* node -> crossing index, -1 for other kinds */
  int *cross_node;           /* crossing index -> node */
  int max_trucks;            /* largest `trucks` of any schedule */
  double *qrf_km;            /* per road: km from the nearest QRF base to its nearer end, INFINITY = none */
  double window_from;        /* movement window opens, h of day */
  double window_to;          /* movement window closes, h of day */
  bool window_all;           /* [0, 24]: no constraint */
  int max_lanes;             /* most lanes any crossing has, timeline included */
  size_t n_payers;           /* payers of the contingents (1, "force", without contingents) */
  int *cont_payer;           /* per contingent: its payer index */
  double *payer_budget;      /* per payer: budget_usd, INFINITY = no limit */
};

/* ---------------------------------------------------------------- crossings */

struct run {   /* trucks presented at one instant */
  double t;    /* h */
  long n;      /* trucks */
};

/* A lane and when it is free: the first free one of a subtree, in the
 * winner tree of crossing.c. */
struct lane_node {
  double t;                /* free from, h */
  int i;                   /* lane index */
};

struct crossing {
  int node;                /* its node index */
  const struct node *nd;   /* that node in the workspace's scenario (the timeline's values) */
  gsl_rng *r_supply;       /* supply arrivals */
  gsl_rng *r_inspect;      /* inspection times */
  gsl_rng *r_transfer;     /* transfer delays */
  struct run *q;           /* ring buffer of runs not yet started */
  size_t q_cap;            /* runs allocated */
  size_t q_head;           /* first run */
  size_t q_len;            /* runs queued */
  double next_arrival;     /* Poisson: next arrival time, h */
  long next_batch_day;     /* batch: next day to present */
  double batch_acc;        /* batch: fractional trucks carried over */
  double sup_resid;        /* Poisson clock left while the rate is 0, Exp(1) units */
  double sup_rate;         /* trucks/day the Poisson clock runs at */
  bool supply_done;        /* no more arrivals before the horizon */
  double *lane_free;       /* per lane: when it is free, h (every lane, active or not) */
  int lane;                /* the lane the next service start takes (xing_peek) */
  int tree_lanes;          /* lanes the tree below holds (nd->lanes, at most max_lanes); 0 = build it */
  int tree_p;              /* its leaves: the power of 2 >= tree_lanes */
  struct lane_node *tn;    /* the winner tree (crossing.c): 2 x tree_p nodes */
  double w_lo, w_hi;       /* service starts s in [w_lo, w_hi) have floor(s / 24) = w_dd ... */
  double w_dd;             /* ... a day that is open (weekday, hours, cap and halts still checked) */
  long w_day;              /* (long)w_dd */
  double last_start;       /* the latest service start, h */
  long day_idx;            /* day of the latest start */
  long day_count;          /* starts on that day */
  size_t halt_i;           /* first halt that may still matter */
  double halt_a, halt_b;   /* its start and end, INFINITY when none, h (-INFINITY: not known yet) */
  double *pend;            /* collectable times of loads in transfer, h */
  size_t pend_n;           /* loads in transfer */
  size_t pend_cap;         /* entries allocated */
  double pend_min;         /* the earliest of them, INFINITY when none, h */
  long collect;            /* loads waiting for collection */
  uint64_t ev;             /* pending EV_LOADS handle */
  double ev_time;          /* its time, h */
  long presented;          /* trucks presented, all time (audit) */
  long started;            /* inspections started, all time (audit) */
  long taken;              /* loads taken by convoys, all time (audit) */
};

/* ---------------------------------------------------------------- convoys */

enum cstate { CS_FREE, CS_COORD, CS_WAIT, CS_DRIVE, CS_REST, CS_HOLD };

#define HIT_CROWD 1u /* a truck lost cargo to a crowd */
#define HIT_ARMED 2u /* ... in an armed attack */

struct convoy {
  enum cstate state;       /* where it is in its life */
  enum cstate before_hold; /* CS_DRIVE or CS_REST, while held */
  int sched;               /* schedule index */
  long number;             /* departure number within its schedule */
  bool counted;            /* scheduled in [warmup, horizon) */
  bool impeded;            /* coordination delayed it */
  bool timed_out;          /* max_wait_h has passed: leaves with what is free */
  double scheduled;        /* scheduled departure, h */
  double ready;            /* after coordination, h */
  double depart;           /* departure, h */
  int req_teams;           /* escort teams asked for */
  int n;                   /* trucks dispatched */
  double *cargo;           /* per truck: tonnes left */
  unsigned char *hit;      /* per truck: HIT_CROWD | HIT_ARMED when it lost cargo to them */
  int teams;               /* escort teams with it */
  int roe;                 /* escort ROE index, -1 none */
  int roe_cont;            /* the contingent whose ROE the escort acts under (its casualties) */
  int leg;                 /* the leg being driven (or rested before) */
  double drive_h;          /* drive time of the current leg at its drawn speed, h */
  double rem;              /* drive time left on the current leg, h */
  double t0;               /* start of the current exposure stretch, h */
  double ea;               /* remaining integrated armed hazard, Exp(1) units */
  double ec;               /* remaining integrated crowd hazard, Exp(1) units */
  double ra;               /* current armed rate, per h */
  double rc;               /* current crowd rate, per h */
  uint64_t ev;             /* pending phase / incident / hold event */
  uint64_t ev_wait;        /* pending EV_MAXWAIT */
  int incidents;           /* incidents so far (armed and crowd) */
  double lost_crowd;       /* tonnes taken by crowds */
  double lost_armed;       /* tonnes taken in armed attacks */
  int armed;               /* armed attacks so far */
  int crowd;               /* crowd interceptions so far */
  int engagements;         /* engagements so far */
  double harm;             /* civilian harm so far */
  gsl_rng *rng[CRS_COUNT]; /* its per-convoy streams */
};

struct convoy_state {
  struct convoy *cv;       /* convoy slots */
  size_t n_cv;             /* slots in use or free */
  size_t top;              /* slots 0 .. top - 1 used in this replication (the lowest free is taken first) */
  size_t cap_cv;           /* slots whose arrays and streams exist */
  size_t alloc_cv;         /* slots allocated in cv */
  int *free_cv;            /* free slots, the lowest last */
  size_t n_free;           /* free slots */
  size_t alloc_free;       /* entries allocated in free_cv */
  int *wait;               /* waiting convoys in readiness order */
  size_t n_wait;           /* waiting convoys */
  size_t alloc_wait;       /* entries allocated in wait */
  long *sched_count;       /* per schedule: departures spawned */
  gsl_rng **r_coord;       /* per schedule: coordination */
  gsl_rng **r_inter;       /* per schedule: random intervals */
  double *stock;           /* per node: depot loads left, INFINITY = unlimited */
  double fleet_free;       /* Gaza-side trucks free, INFINITY = unlimited */
  long alive;              /* convoys not yet ended */
  long requested;          /* loads requested by counted convoys (fill_rate) */
};

/* ---------------------------------------------------------------- threats */

struct threat_state {
  double *D;               /* per node: desperation, in [0, 1] */
  double D_mean;           /* population-weighted mean D (roads without a zone) */
  double *crowd_f;         /* per node: exp(desperation_slope x D), the crowd hazard's factor */
  double crowd_f_mean;     /* the same of D_mean */
  double *zone_weight;     /* per node: population share among distribution nodes */
  double zone_weight_sum;  /* their sum: 1, or the distribution nodes without populations */
  double *esc_until;       /* per road: escalation ends, h */
};

/* ---------------------------------------------------------------- force */

struct force_state {
  int roe;                 /* force.roe (index) */
  double patrol_deter;     /* troop-weighted over the patrol contingents present, or force.roe's */
  double disarm_engage;    /* engage_armed, troop-weighted over the disarm contingents present */
  int *cont_roe;           /* per contingent: effective ROE index */
  int esc_pool;            /* escort teams */
  int esc_busy;            /* escort teams on convoys */
  int pat_pool;            /* patrol teams */
  int qrf_pool;            /* QRF teams */
  int qrf_busy;            /* QRF teams out */
  int dis_pool;            /* disarm teams */
  int trn_pool;            /* police-training teams */
  double patrol_factor;    /* P = 1 - patrol_deter x coverage */
  double cost_rate;        /* USD/h of the troops on the ground now */
  double troops;           /* troops on the ground now */
  double tasked;           /* troops in the team pools now */
  double acct_t;           /* the integrals below run to here, h */
  double busy_int;         /* escort team-hours on convoys over [warmup, acct_t) */
  double pool_int;         /* escort team-hours in the pool, same span */
  double tasked_int;       /* troop-hours in team pools, same span */
  double troops_int;       /* troop-hours on the ground, same span */
};

/* ---------------------------------------------------------------- mandate */

/* The contingents in a replication (SPEC 4.9): who is still there, what
 * each has cost and suffered.  Without force.contingents the force is one
 * contingent "force" (index 0) paid by "force". */
struct mandate_state {
  size_t n;                /* contingents (1 without force.contingents) */
  bool *present;           /* per contingent: on the ground */
  double *casualties;      /* force casualties of its teams, all time */
  double *spend;           /* USD since time 0 (budgets) */
  double *spend_w;         /* USD over [warmup, horizon) (costs.csv) */
  double *troop_h;         /* troop-hours over [warmup, horizon) */
  double *gone_day;        /* day (from time 0) of the midnight its budget ran out, NaN */
  double *on, *cost;       /* troops on the ground and USD per troop-day since the last change */
  bool *payer_out;         /* per payer (model.payer): its budget has run out */
  double acct_t;           /* integrated up to here, h */
  gsl_rng *r;              /* raids (SRC_RAIDS) */
  long withdrawn;          /* contingents_withdrawn */
  double exhausted_day;    /* budget_exhausted_day, NaN */
  double interventions;    /* interventions (counted convoys) */
  double G_end, L_end;     /* armed strength and police level after the first midnight >= horizon */
  bool ended;              /* that midnight has passed */
};
/* ---------------------------------------------------------------- ceasefire */

struct halt {
  double a, b;             /* [a, b), h */
};

struct ceasefire_state {
  gsl_rng *r;              /* violations */
  struct halt *halt;       /* merged halts, in time order */
  size_t n_halt;           /* halts */
  size_t cap_halt;         /* entries allocated */
  size_t halt_i;           /* first halt that may still matter now */
  double collapse_t;       /* the collapse, h; INFINITY = none */
};

/* ---------------------------------------------------------------- counters */

struct counters {
  double met[METRIC_COUNT]; /* the metrics being accumulated (finished at the end) */
  double sum_cross_wait;   /* h, over inspections started in [warmup, horizon) */
  long n_cross_wait;       /* inspections in sum_cross_wait */
  double sum_esc_wait;     /* h, over counted convoys that asked for escorts */
  long n_esc_wait;         /* convoys in sum_esc_wait */
  double sum_transit;      /* h, over counted convoys that arrived */
  long n_transit;          /* convoys in sum_transit */
  double sum_qrf;          /* h, QRF response times of counted convoys */
  long n_qrf;              /* dispatches in sum_qrf */
  double acc_t;            /* cost and need integrated up to here, h */
  double cost_acc;         /* USD over [warmup, acc_t) */
  double need_acc;         /* t over [warmup, acc_t) */
  double *day_deliv;       /* per node: tonnes delivered today */
  double *day_harm;        /* per node: civilian harm today (daily records) */
  long day;                /* the next midnight ends this day */
};

/* ---------------------------------------------------------------- workspace */

struct model_ws {
  const struct model *m;        /* the prepared model */
  const atomic_int *stop;     /* polled by the event loop; NULL = never */
  struct scenario own;          /* this replication's scenario: a root copy whose
                                   arrays are the private copies below */
  const struct scenario *sc;    /* = &own: every room reads this */
  struct node *nodes;           /* private copies a timeline writes into */
  struct road *roads;
  struct convoy_schedule *convoys;
  struct roe_profile *roe;      /* (copies: nodes, roads, convoys, roe, conts) */
  struct contingent *conts;
  size_t next_tl;               /* next timeline change to apply */
  size_t next_bu;               /* next build-up step to apply */
  double next_change_t;         /* its time, h (INFINITY = none): crossings are
                                   never evaluated past it */
  struct calendar cal;          /* pending events */
  uint64_t seed;                /* master seed of this replication */
  uint64_t rep;                 /* replication number */
  struct crossing *x;           /* per crossing */
  struct convoy_state cs;       /* convoys, stock, fleet, waiting list (convoy.c) */
  struct threat_state th;       /* desperation, escalation (threat.c) */
  struct force_state fs;        /* pools and ROE of the force (force.c) */
  struct ceasefire_state cf;    /* halts (ceasefire.c) */
  struct mandate_state md;      /* contingents, costs, withdrawals, levers (mandate.c) */
  struct counters cnt;          /* metric accumulators */
  const struct model_sinks *sinks; /* may be NULL */
  char buf[160];                /* trace detail text */
  enum err err;                 /* first failure; the replication then stops */
};

/* ---------------------------------------------------------------- helpers */

static inline double draw(const struct dist *d, gsl_rng *r)
{
  return dist_sample(d, r);
}

static inline bool tracing(const struct model_ws *ws)
{
  return ws->sinks != NULL && ws->sinks->trace != NULL;
}

/* One traced event at the current time (convoy c and where may be NULL). */
static inline void trace(struct model_ws *ws, const char *event, const struct convoy *c,
                         const char *where, const char *detail)
{
  struct trace_record t;
  if (!tracing(ws))
    return;
  t.time_h = calendar_now(&ws->cal);
  t.event = event;
  t.convoy = c ? ws->sc->convoys[c->sched].id : NULL;
  t.number = c ? c->number : -1;
  t.where = where;
  t.detail = detail;
  ws->sinks->trace(ws->sinks->ctx, &t);
}

/* Note the first failure of the replication; true when e is one. */
static inline bool set_err(struct model_ws *ws, enum err e)
{
  if (e != ERR_OK && ws->err == ERR_OK)
    ws->err = e;
  return e != ERR_OK;
}

/* Schedule an event; a failure stops the replication (ws->err). */
static inline void push(struct model_ws *ws, double t, int kind, int entity, uint32_t aux,
                        uint64_t *h)
{
  if (ws->err == ERR_OK)
    set_err(ws, calendar_push(&ws->cal, t, kind, entity, aux, h));
}

/* Cancel the event *h names, if any, and forget it. */
static inline void cancel(struct model_ws *ws, uint64_t *h)
{
  if (*h != CALENDAR_NO_HANDLE)
    calendar_cancel(&ws->cal, *h);
  *h = CALENDAR_NO_HANDLE;
}

/* ---------------------------------------------------------------- rooms */

/* network.c: the QRF distance of every road, into m->qrf_km. */
enum err network_qrf_km(struct model *m);

/* ceasefire.c */
enum err ceasefire_new(struct ceasefire_state *cf);
void ceasefire_free(struct ceasefire_state *cf);
/* Draw this replication's violations and push their halt events. */
enum err ceasefire_start(struct model_ws *ws);
/* Is time t inside a halt?  t must not go back between calls. */
bool ceasefire_halted(struct model_ws *ws, double t);
/* Is t the start of a halt (not a point inside a merged one)? */
bool ceasefire_halt_starts(const struct model_ws *ws, double t);
/* A violation at t from an intervention (SPEC 4.9): a halt of h hours, or
 * with collapse a halt to the horizon and a collapse. */
enum err ceasefire_violation(struct model_ws *ws, double t, double h, bool collapse);

/* crossing.c */
enum err crossing_new(struct model_ws *ws);
void crossing_free(struct model_ws *ws);
void crossing_reset(struct model_ws *ws);
/* Process every service start at or before t. */
void crossing_advance(struct model_ws *ws, struct crossing *x, double t);
/* Loads collectable at t (after crossing_advance to t). */
long crossing_loads(struct model_ws *ws, struct crossing *x, double t);
/* The next time a load becomes collectable, INFINITY if never. */
double crossing_next_load(struct model_ws *ws, struct crossing *x);
/* Before a timeline change at `now`: every start before it, old values. */
void crossing_before_change(struct model_ws *ws, double now);
/* After it: a Poisson supply whose rate changed rescales its clock. */
void crossing_after_change(struct model_ws *ws, double now);
/* At the end: present and start everything due before the horizon. */
void crossing_finish(struct model_ws *ws);
/* The halt list changed (an intervention): forget what was kept of it. */
void crossing_halts_changed(struct model_ws *ws);
enum err crossing_audit(const struct model_ws *ws, char *msg, size_t len);

/* force.c */
enum err force_new(struct model_ws *ws);
void force_free(struct model_ws *ws);
/* What depends on values a timeline may change: ROE, contingents. */
void force_derive(struct model_ws *ws);
/* Pools, patrol factor and cost rate for the troops on the ground at t. */
void force_update(struct model_ws *ws, double t);
void force_reset(struct model_ws *ws);
/* The ROE an escort of `teams` teams acts under (draws its contingents
 * among those that may escort); *cont: the contingent whose ROE it is
 * (the first drawn with it), for its casualties. */
int force_escort_roe(struct model_ws *ws, int teams, gsl_rng *r, int *cont);
/* A free QRF team, or false. */
bool force_qrf_free(const struct model_ws *ws);
/* The ROE of the QRF team sent (draws its contingent from r among those
 * that may do QRF, into *cont). */
int force_qrf_roe(struct model_ws *ws, gsl_rng *r, int *cont);
/* A team of `task` drawn among the contingents present that may do it, in
 * proportion to their troops (0 without contingents, no draw). */
size_t force_draw_contingent(const struct model_ws *ws, enum task task, gsl_rng *r);
/* Bring the time integrals of the pools up to now, before they change. */
void force_account(struct model_ws *ws, double now);

/* ledger.c: the contingents' accounts in struct mandate_state */
/* Spending and troop-hours of each contingent up to now, at the rates of
 * the troops before now (called by force_account). */
void ledger_account(struct model_ws *ws, double now);
/* The troops and cost of each contingent from now on (force_update). */
void ledger_set_rates(struct model_ws *ws, double troops);
/* Force casualties of an engagement of contingent i's team. */
void ledger_casualties(struct model_ws *ws, int i, double fh);

/* mandate.c */
enum err mandate_new(struct model_ws *ws);
void mandate_free(struct model_ws *ws);
void mandate_reset(struct model_ws *ws);
/* The midnight levers (SPEC 4.9), in order: withdrawals and budgets,
 * armed strength (disarm teams and their raids), police level. */
void mandate_midnight(struct model_ws *ws, double now);
/* Will a contingent leave at this midnight (after ledger_account to it)? */
bool mandate_leaving(struct model_ws *ws);
/* Metrics and per-contingent results at the end. */
void mandate_finish(struct model_ws *ws, struct rep_result *out);

/* threat.c */
enum err threat_new(struct model_ws *ws);
void threat_free(struct model_ws *ws);
void threat_reset(struct model_ws *ws);
/* Zone weights after a change of populations. */
void threat_derive(struct model_ws *ws);
/* The population-weighted mean desperation, into th.D_mean. */
void threat_mean_desperation(struct model_ws *ws);
/* Midnight: D of distribution node i after the day's deliveries. */
void threat_desperation_day(struct model_ws *ws, size_t i);
/* Consume c's hazard clocks up to now. */
void threat_consume(struct convoy *c, double now);
/* (Re)schedule the next event of an exposed convoy from now. */
void threat_schedule(struct model_ws *ws, struct convoy *c, int slot, double now);
/* Every exposed convoy, after a rate changed. */
void threat_refresh_all(struct model_ws *ws, double now);
void threat_armed_attack(struct model_ws *ws, int slot, double now);
void threat_crowd_interception(struct model_ws *ws, int slot, double now);
/* The start of the next movement window after t, h. */
double threat_next_opening(const struct model *m, double t);

/* convoy.c */
enum err convoy_new(struct model_ws *ws);
void convoy_free(struct model_ws *ws);
void convoy_reset(struct model_ws *ws);
void convoy_spawn(struct model_ws *ws, int si, double now);
void convoy_ready(struct model_ws *ws, int slot, double now);
/* Waiting convoys leave if they find what they need. */
void convoy_try_dispatch(struct model_ws *ws, double now);
/* The end of a drive or rest phase. */
void convoy_phase_end(struct model_ws *ws, int slot, double now);
/* The end of an incident's hold. */
void convoy_hold_end(struct model_ws *ws, int slot, double now);
/* A collapse: every waiting convoy is cancelled (SPEC 4.6). */
void convoy_collapse(struct model_ws *ws, double now);
/* max_wait_h has passed: the convoy leaves with what is free. */
void convoy_max_wait(struct model_ws *ws, int slot, double now);
/* Fleet trucks are back at their start node. */
void convoy_fleet_return(struct model_ws *ws, long trucks, double now);
enum err convoy_audit(const struct model_ws *ws, char *msg, size_t len);

#endif
