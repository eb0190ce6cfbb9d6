/*
 * metrics.h - the per-replication metrics of SPEC section 6, in column order.
 *
 * One table (METRIC_LIST) gives each metric its CSV name and whether it can
 * be empty: a COUNT is always a number (0 when nothing happened); a RATIO or
 * MEAN has no value without events and is stored as NaN, written as an empty
 * CSV cell, and left out of the summary (its M_n counts only replications
 * that have it).  The model fills a double[METRIC_COUNT]; everything else
 * (tallies, CSV headers, manifest) iterates over this table.
 */
#ifndef CONVOYSIM_METRICS_H
#define CONVOYSIM_METRICS_H

enum metric_kind {
  METRIC_COUNT_KIND, /* a count or a total: never empty */
  METRIC_RATIO_KIND  /* a ratio or mean over events: NaN when there are none */
};

#define METRIC_LIST(X)                                                        \
  X(DELIVERY_RATE,        "delivery_rate",        RATIO, "convoys through / convoys scheduled") \
  X(CONVOYS_SCHEDULED,    "convoys_scheduled",    COUNT, "convoys scheduled in [warmup, horizon)") \
  X(CONVOYS_THROUGH,      "convoys_through",      COUNT, "delivered >= success_fraction of departed tonnes") \
  X(CONVOYS_PARTIAL,      "convoys_partial",      COUNT, "something arrived, but less than success_fraction") \
  X(CONVOYS_LOST,         "convoys_lost",         COUNT, "departed, nothing arrived") \
  X(CONVOYS_DENIED,       "convoys_denied",       COUNT, "denied by coordination") \
  X(CONVOYS_CANCELLED,    "convoys_cancelled",    COUNT, "fewer than min_trucks loads at departure") \
  X(TRUCKS_PRESENTED,     "trucks_presented",     COUNT, "trucks presented at crossings") \
  X(TRUCKS_ENTERED,       "trucks_entered",       COUNT, "trucks cleared by inspection") \
  X(TRUCKS_DISPATCHED,    "trucks_dispatched",    COUNT, "loads that left in convoys") \
  X(TRUCKS_DELIVERED,     "trucks_delivered",     COUNT, "trucks arriving with any cargo") \
  X(TRUCKS_INTERCEPTED,   "trucks_intercepted",   COUNT, "trucks that lost any cargo") \
  X(INTERCEPT_RATE,       "intercept_rate",       RATIO, "trucks intercepted / trucks dispatched (UN2720)") \
  X(FILL_RATE,            "fill_rate",            RATIO, "loads dispatched / loads requested") \
  X(TONNES_DELIVERED,     "tonnes_delivered",     COUNT, "tonnes arriving at distribution nodes") \
  X(TONNES_LOST,          "tonnes_lost",          COUNT, "tonnes taken on the way") \
  X(NEED_COVERAGE,        "need_coverage",        RATIO, "tonnes delivered / total need") \
  X(DAYS_BELOW_HALF_NEED, "days_below_half_need", COUNT, "days all deliveries fell below half the need") \
  X(CROSSING_WAIT_H,      "crossing_wait_h",      RATIO, "mean presentation to inspection start, h") \
  X(ESCORT_WAIT_H,        "escort_wait_h",        RATIO, "mean ready to departure of escorted convoys, h") \
  X(TRANSIT_H,            "transit_h",            RATIO, "mean departure to arrival, h") \
  X(ARMED_ATTACKS,        "armed_attacks",        COUNT, "armed attacks on convoys") \
  X(CROWD_INTERCEPTIONS,  "crowd_interceptions",  COUNT, "crowd interceptions of convoys") \
  X(ENGAGEMENTS,          "engagements",          COUNT, "escort or QRF engagements") \
  X(ATTACKS_DEFEATED,     "attacks_defeated",     COUNT, "armed attacks defeated by escort or QRF") \
  X(ESCALATIONS,          "escalations",          COUNT, "engagements that escalated") \
  X(CIVILIAN_HARM,        "civilian_harm",        COUNT, "civilian casualties from engagements") \
  X(FORCE_CASUALTIES,     "force_casualties",     COUNT, "force casualties") \
  X(DRIVER_CASUALTIES,    "driver_casualties",    COUNT, "driver casualties") \
  X(QRF_DISPATCHES,       "qrf_dispatches",       COUNT, "quick reaction force dispatches") \
  X(QRF_RESPONSE_H,       "qrf_response_h",       RATIO, "mean QRF response time r, h") \
  X(FORCE_COST_USD,       "force_cost_usd",       COUNT, "troops x cost_per_troop_day over [warmup, horizon)") \
  X(COST_PER_TONNE_USD,   "cost_per_tonne_usd",   RATIO, "force cost / tonnes delivered") \
  X(TRUCKS_INTERCEPTED_CROWD, "trucks_intercepted_crowd", COUNT, "trucks that lost cargo to a crowd") \
  X(TRUCKS_INTERCEPTED_ARMED, "trucks_intercepted_armed", COUNT, "trucks that lost cargo to an armed attack") \
  X(TONNES_LOST_CROWD,    "tonnes_lost_crowd",    COUNT, "tonnes taken by crowds") \
  X(TONNES_LOST_ARMED,    "tonnes_lost_armed",    COUNT, "tonnes taken in armed attacks") \
  X(COLLAPSED,            "collapsed",            COUNT, "1 when the ceasefire collapsed, else 0") \
  X(COLLAPSE_DAY,         "collapse_day",         RATIO, "time of the collapse, days") \
  X(INTERVENTIONS,        "interventions",        COUNT, "third-party interventions against attacks nobody stopped") \
  X(ARMED_STRENGTH_END,   "armed_strength_end",   COUNT, "armed strength G after the first midnight at or after the horizon") \
  X(DISARM_RAIDS,         "disarm_raids",         COUNT, "raids of disarm teams") \
  X(POLICING_LEVEL_END,   "policing_level_end",   COUNT, "police level L after the first midnight at or after the horizon") \
  X(CONTINGENTS_WITHDRAWN, "contingents_withdrawn", COUNT, "contingents that left (casualties, funding)") \
  X(BUDGET_EXHAUSTED_DAY, "budget_exhausted_day", RATIO, "day of the midnight that saw the first budget run out") \
  X(ESCORT_BUSY_SHARE,    "escort_busy_share",    RATIO, "escort team-hours on convoys / team-hours in the pool") \
  X(TROOPS_TASKED_SHARE,  "troops_tasked_share",  RATIO, "troops in team pools / troops on the ground (time means)") \
  X(TROOP_DAYS,           "troop_days",           COUNT, "troops on the ground over [warmup, horizon), troop-days")

enum metric {
#define X(id, name, kind, meaning) METRIC_##id,
  METRIC_LIST(X)
#undef X
  METRIC_COUNT
};

/* CSV name ("delivery_rate"), kind and one-line meaning of metric m. */
const char *metric_name(enum metric m);
enum metric_kind metric_kind(enum metric m);
const char *metric_meaning(enum metric m);
/* The metric called `name`, or -1. */
int metric_from_name(const char *name);

#endif
