/*
 * schema.c - the table of every scenario key (schema.h) and its lookups.
 *
 * The one rule: rows of one group are contiguous and a group's rows follow
 * its parent's (the manifest writer opens and closes groups by walking the
 * table in order; a test checks it).  Defaults are written in libconfig
 * syntax and read by the loader's own value reader, so the documented
 * default is the applied one.
 */
#include "convoysim/schema.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FSIZE(type, member) sizeof(((type *)0)->member)
#define AT(type, member) .offset = offsetof(type, member), .size = FSIZE(type, member)
#define ROOT(member) .place = REGION_ROOT, AT(struct scenario, member)
#define NODE(member) .place = REGION_NODE, AT(struct node, member)
#define ROAD(member) .place = REGION_ROAD, AT(struct road, member)
#define CONVOY(member) .place = REGION_CONVOY, AT(struct convoy_schedule, member)
#define ROE(member) .place = REGION_ROE, AT(struct roe_profile, member)
#define CONT(member) .place = REGION_CONTINGENT, AT(struct contingent, member)
#define TL(member) .place = SCHEMA_PLACE_TIMELINE, AT(struct timeline_change, member)
#define VARY(member) .place = SCHEMA_PLACE_VARY, AT(struct sweep_factor, member)

#define INF HUGE_VAL
#define SHARE .min = 0, .max = 1
#define NONNEG .min = 0, .max = INF
#define POSITIVE .min = 0, .max = INF /* with SCHEMA_MIN_OPEN */

static const char *const kind_names[] = { "crossing", "depot", "distribution", "junction", NULL };
static const char *const arrival_names[] = { "poisson", "batch", NULL };
static const char *const policy_names[] = { "wait", "none", NULL };
static const char *const design_names[] = { "grid", "lhs", "nolh", NULL };
const char *const schema_task_names[] = { "escort", "patrol", "qrf", "disarm", "train", NULL };
#define FUND(member) .place = REGION_FUNDING, AT(struct funding, member)

const struct schema_key schema_keys[] = {
  /* ------------------------------------------------ 3.1 run settings */
  { ROOT(name), .path = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "scenario name, [A-Za-z0-9_-]+; names the default output folder" },
  { ROOT(description), .path = "description", .type = SCHEMA_STRING, .flags = SCHEMA_FIXED,
    .def = "\"\"", .meaning = "free text" },
  { ROOT(horizon_days), .path = "horizon_days", .type = SCHEMA_REAL, .unit = "days", .min = 0,
    .max = 36500, .flags = SCHEMA_REQUIRED | SCHEMA_MIN_OPEN | SCHEMA_RUN,
    .meaning = "convoys are scheduled and supply arrives only before it; scheduled convoys play out to their end (at most 100 years)" },
  { ROOT(replications), .path = "replications", .type = SCHEMA_INT, .min = 1, .max = (double)LONG_MAX,
    .flags = SCHEMA_FIXED, .def = "1000", .meaning = "replications per design point" },
  { ROOT(seed), .path = "seed", .type = SCHEMA_SEED, .min = 0, .max = (double)UINT64_MAX,
    .flags = SCHEMA_FIXED, .def = "1",
    .meaning = "master seed, unsigned 64-bit (write L above 2147483647, or a string of digits)" },
  { ROOT(tonnes_per_truck), .path = "tonnes_per_truck", .type = SCHEMA_REAL, .unit = "t", POSITIVE,
    .flags = SCHEMA_MIN_OPEN | SCHEMA_RUN, .def = "11.0", .meaning = "tonnes of one truckload" },
  { ROOT(success_fraction), .path = "success_fraction", .type = SCHEMA_REAL, SHARE,
    .flags = SCHEMA_RUN, .def = "0.9",
    .meaning = "a convoy gets through when at least this share of its departed tonnes arrives" },
  { ROOT(warmup_days), .path = "warmup_days", .type = SCHEMA_REAL, .unit = "days", NONNEG,
    .flags = SCHEMA_RUN, .def = "0.0",
    .meaning = "days run before statistics start; must be < horizon_days" },
  { ROOT(movement.window_h), .path = "movement.window_h", .type = SCHEMA_HOURS, .unit = "h",
    .flags = SCHEMA_RUN, .def = "[0.0, 24.0]",
    .meaning = "daily hours [from, to] in which convoys may drive; [0, 24] = always" },
  { ROOT(movement.rest_exposure), .path = "movement.rest_exposure", .type = SCHEMA_REAL, NONNEG,
    .flags = SCHEMA_RUN, .def = "1.0",
    .meaning = "hazard multiplier while a loaded convoy waits for the window" },

  /* ------------------------------------------------ the lists */
  { ROOT(nodes), .path = "nodes", .type = SCHEMA_LIST, .elem = REGION_NODE,
    .flags = SCHEMA_REQUIRED | SCHEMA_FIXED, .meaning = "crossings, depots, distribution points, junctions" },
  { ROOT(roads), .path = "roads", .type = SCHEMA_LIST, .elem = REGION_ROAD,
    .flags = SCHEMA_REQUIRED | SCHEMA_FIXED, .meaning = "two-way road segments between nodes" },
  { ROOT(convoys), .path = "convoys", .type = SCHEMA_LIST, .elem = REGION_CONVOY,
    .flags = SCHEMA_REQUIRED | SCHEMA_FIXED, .meaning = "convoy schedules" },
  { ROOT(roe), .path = "roe_profiles", .type = SCHEMA_LIST, .elem = REGION_ROE, .flags = SCHEMA_FIXED,
    .def_text = "self_defence, defend_mandate, robust",
    .meaning = "rules-of-engagement profiles; the built-ins may be overridden by name" },

  /* ------------------------------------------------ 3.5 coordination */
  { ROOT(coordination.deny_p), .path = "coordination.deny_p", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(a departure is denied: loads stay, the convoy counts as not delivered)" },
  { ROOT(coordination.impede_p), .path = "coordination.impede_p", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(a departure is impeded, i.e. delayed); deny_p + impede_p <= 1" },
  { ROOT(coordination.impede_delay_h), .path = "coordination.impede_delay_h", .type = SCHEMA_DIST,
    .unit = "h", .dflags = DIST_NONNEG, .def = "0.0", .meaning = "delay of an impeded departure" },

  /* ------------------------------------------------ 3.6 fleet */
  { ROOT(fleet.trucks), .path = "fleet.trucks", .type = SCHEMA_INT, .min = 0, .max = (double)LONG_MAX,
    .flags = SCHEMA_OPTIONAL | SCHEMA_UNLIMITED, .def_text = "unlimited",
    .meaning = "Gaza-side trucks; each load in a convoy needs one" },

  /* ------------------------------------------------ 3.7 force */
  { ROOT(force.troops), .path = "force.troops", .type = SCHEMA_REAL, NONNEG, .def = "0.0",
    .meaning = "force size at time 0 (0 = no force)" },
  { ROOT(force.available), .path = "force.available", .type = SCHEMA_REAL, SHARE, .def = "0.33",
    .meaning = "share of troops on task at any time (shifts, rest)" },
  { ROOT(force.share_escort), .path = "force.share.escort", .type = SCHEMA_REAL, SHARE, .def = "0.2",
    .meaning = "share of on-task troops escorting convoys" },
  { ROOT(force.share_patrol), .path = "force.share.patrol", .type = SCHEMA_REAL, SHARE, .def = "0.1",
    .meaning = "share of on-task troops patrolling roads" },
  { ROOT(force.share_qrf), .path = "force.share.qrf", .type = SCHEMA_REAL, SHARE, .def = "0.05",
    .meaning = "share of on-task troops in the quick reaction force" },
  { ROOT(force.share_disarm), .path = "force.share.disarm", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "share of on-task troops in disarm teams, wearing down the armed groups (0: off)" },
  { ROOT(force.share_train), .path = "force.share.train", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "share of on-task troops training local police (0: off); the five shares sum to <= 1" },
  { ROOT(force.roe), .path = "force.roe", .type = SCHEMA_ROE, .def = "\"defend_mandate\"",
    .meaning = "name of the ROE profile the force acts under" },
  { ROOT(force.escort_team_size), .path = "force.escort.team_size", .type = SCHEMA_INT, .min = 1,
    .max = INT_MAX, .def = "8", .meaning = "troops per escort team" },
  { ROOT(force.teams_per_convoy), .path = "force.escort.teams_per_convoy", .type = SCHEMA_INT,
    .min = 0, .max = INT_MAX, .flags = SCHEMA_NO_TIMELINE, .def = "1",
    .meaning = "escort teams a convoy asks for unless it sets escort_teams" },
  { ROOT(force.escort_policy), .path = "force.escort.policy", .type = SCHEMA_ENUM, .names = policy_names,
    .def = "\"wait\"", .meaning = "\"wait\" up to max_wait_h for all teams, then leave with those free; \"none\" never escorts" },
  { ROOT(force.patrol_team_size), .path = "force.patrol.team_size", .type = SCHEMA_INT, .min = 1,
    .max = INT_MAX, .def = "8", .meaning = "troops per patrol team" },
  { ROOT(force.patrol_km_per_team), .path = "force.patrol.km_per_team", .type = SCHEMA_REAL,
    .unit = "km", NONNEG, .def = "5.0", .meaning = "road km one patrol team covers" },
  { ROOT(force.qrf_team_size), .path = "force.qrf.team_size", .type = SCHEMA_INT, .min = 1,
    .max = INT_MAX, .def = "8", .meaning = "troops per QRF team (its strength S in a contest)" },
  { ROOT(force.qrf_bases), .path = "force.qrf.bases", .type = SCHEMA_NODES, .flags = SCHEMA_FIXED,
    .def = "[]", .meaning = "node ids the QRF teams start from" },
  { ROOT(force.qrf_notice_h), .path = "force.qrf.notice_h", .type = SCHEMA_DIST, .unit = "h",
    .dflags = DIST_NONNEG, .def = "0.16666666666666666", .meaning = "notice before a QRF team moves" },
  { ROOT(force.qrf_kmh), .path = "force.qrf.kmh", .type = SCHEMA_REAL, .unit = "km/h", POSITIVE,
    .flags = SCHEMA_MIN_OPEN, .def = "30.0", .meaning = "QRF road speed" },
  { ROOT(force.cost_per_troop_day), .path = "force.cost_per_troop_day", .type = SCHEMA_REAL,
    .unit = "USD", NONNEG, .def = "0.0", .meaning = "cost of one troop on the ground for one day" },
  { ROOT(force.disarm_team_size), .path = "force.disarm.team_size", .type = SCHEMA_INT, .min = 1,
    .max = INT_MAX, .def = "8", .meaning = "troops per disarm team" },
  { ROOT(force.disarm_effect), .path = "force.disarm.effect", .type = SCHEMA_REAL, NONNEG, .def = "0.002",
    .meaning = "E: each midnight G - floor shrinks by exp(-effect x engage_armed x teams); 20 teams under "
               "defend_mandate take G - floor down by a third in 12 days" },
  { ROOT(force.disarm_floor), .path = "force.disarm.floor", .type = SCHEMA_REAL, SHARE, .def = "0.3",
    .meaning = "E: the armed strength no disarmament removes (criminal gangs, DOMAIN b.5)" },
  { ROOT(force.disarm_raids_per_team_day), .path = "force.disarm.raids_per_team_day", .type = SCHEMA_REAL,
    NONNEG, .def = "0.05",
    .meaning = "E: raids per disarm team a day, each with the harm and casualties of an armed engagement" },
  { ROOT(force.train_team_size), .path = "force.train.team_size", .type = SCHEMA_INT, .min = 1,
    .max = INT_MAX, .def = "8", .meaning = "troops per police-training team" },
  { ROOT(force.train_level_per_team_day), .path = "force.train.level_per_team_day", .type = SCHEMA_REAL,
    NONNEG, .def = "0.0005",
    .meaning = "E: policing level added per team a day; 20 teams raise L from 0 to 1 in 100 days "
               "(the 12,000-police ramp of DOMAIN b.7 over about a year with ~7 teams)" },
  { ROOT(force.contingents), .path = "force.contingents", .type = SCHEMA_LIST, .elem = REGION_CONTINGENT,
    .flags = SCHEMA_FIXED, .def = "()", .meaning = "national contingents; teams drawn in proportion to troops" },
  { ROOT(force.buildup), .path = "force.buildup", .type = SCHEMA_BUILDUP, .unit = "days, troops",
    .flags = SCHEMA_FIXED, .def = "()",
    .meaning = "steps [day, troops]: troops on the ground from that day on; days ascending" },

  /* ------------------------------------------------ 3.8 threats */
  { ROOT(threats.armed.party), .path = "threats.armed.party", .type = SCHEMA_DIST, .dflags = DIST_NONNEG,
    .def = "5.0", .meaning = "attackers per armed attack (A)" },
  { ROOT(threats.armed.loss), .path = "threats.armed.loss", .type = SCHEMA_DIST, .dflags = DIST_SHARE,
    .def = "0.9", .meaning = "share drawn once per successful attack; each remaining truck is taken with it" },
  { ROOT(threats.armed.duration_h), .path = "threats.armed.duration_h", .type = SCHEMA_DIST, .unit = "h",
    .dflags = DIST_NONNEG, .def = "1.0", .meaning = "how long an armed attack holds the convoy" },
  { ROOT(threats.armed.strength_exponent), .path = "threats.armed.strength_exponent", .type = SCHEMA_REAL,
    NONNEG, .def = "1.0", .meaning = "k in logit p = logit(p_defeat) + k ln(S/A); 0 makes p_defeat constant" },
  { ROOT(threats.armed.driver_harm), .path = "threats.armed.driver_harm", .type = SCHEMA_REAL, NONNEG,
    .def = "0.0", .meaning = "mean driver casualties per attack the escort did not defeat" },
  { ROOT(threats.armed.rate_multiplier), .path = "threats.armed.rate_multiplier", .type = SCHEMA_REAL,
    NONNEG, .def = "1.0",
    .meaning = "x every road's armed_per_h: one knob for a regime's armed threat (sweep, timeline)" },
  { ROOT(threats.armed.strength), .path = "threats.armed.strength", .type = SCHEMA_REAL, NONNEG,
    .def = "1.0", .meaning = "G at time 0: the armed hazard x G (disarmament lowers it, regrowth restores it)" },
  { ROOT(threats.armed.regrowth_per_day), .path = "threats.armed.regrowth_per_day", .type = SCHEMA_REAL,
    NONNEG, .def = "0.0", .meaning = "r: each midnight 1 - G shrinks by exp(-r) (the groups re-arm)" },
  { ROOT(threats.crowd.stop_p), .path = "threats.crowd.stop_p", .type = SCHEMA_REAL, SHARE, .def = "0.7",
    .meaning = "P(each truck is stopped) in a crowd interception" },
  { ROOT(threats.crowd.loss), .path = "threats.crowd.loss", .type = SCHEMA_DIST, .dflags = DIST_SHARE,
    .def = "{ dist = \"uniform\"; min = 0.3; max = 1.0; }",
    .meaning = "share of a stopped truck's load taken, drawn per truck" },
  { ROOT(threats.crowd.duration_h), .path = "threats.crowd.duration_h", .type = SCHEMA_DIST, .unit = "h",
    .dflags = DIST_NONNEG, .def = "0.5", .meaning = "how long a crowd interception holds the convoy" },
  { ROOT(threats.crowd.desperation_slope), .path = "threats.crowd.desperation_slope", .type = SCHEMA_REAL,
    .min = 0, .max = 700, .def = "0.0", .meaning = "crowd hazard x exp(slope x D) (at most 700: exp overflows beyond)" },
  { ROOT(threats.crowd.rate_multiplier), .path = "threats.crowd.rate_multiplier", .type = SCHEMA_REAL,
    NONNEG, .def = "1.0",
    .meaning = "x every road's crowd_per_h: one knob for a regime's crowd threat (sweep, timeline)" },
  { ROOT(threats.desperation.window_days), .path = "threats.desperation.window_days", .type = SCHEMA_REAL,
    .unit = "days", .min = 1, .max = INF, .def = "14.0",
    .meaning = "D <- D + (s - D) / window_days at each midnight (>= 1, or D would overshoot)" },
  { ROOT(threats.desperation.initial), .path = "threats.desperation.initial", .type = SCHEMA_REAL, SHARE,
    .flags = SCHEMA_NO_TIMELINE, .def = "0.0",
    .meaning = "desperation D at time 0 of distribution nodes that do not set their own" },
  { ROOT(threats.escalation.hazard_multiplier), .path = "threats.escalation.hazard_multiplier",
    .type = SCHEMA_REAL, NONNEG, .def = "1.5",
    .meaning = "hazard multiplier on the roads of an escalated zone" },
  { ROOT(threats.escalation.duration_h), .path = "threats.escalation.duration_h", .type = SCHEMA_DIST,
    .unit = "h", .dflags = DIST_NONNEG, .def = "168.0",
    .meaning = "how long an escalation lasts (drawn per escalation)" },
  { ROOT(threats.policing.level), .path = "threats.policing.level", .type = SCHEMA_REAL, SHARE,
    .def = "0.0", .meaning = "local police on the roads, L" },
  { ROOT(threats.policing.effect), .path = "threats.policing.effect", .type = SCHEMA_REAL, SHARE,
    .def = "0.5", .meaning = "both hazards x (1 - effect x L)" },

  /* ------------------------------------------------ ceasefire */
  { ROOT(ceasefire.violations_per_day), .path = "ceasefire.violations_per_day", .type = SCHEMA_REAL,
    NONNEG, .def = "0.0", .meaning = "rate of violations (Poisson, before the horizon)" },
  { ROOT(ceasefire.halt_h), .path = "ceasefire.halt_h", .type = SCHEMA_DIST, .unit = "h",
    .dflags = DIST_NONNEG, .def = "24.0", .meaning = "crossings closed and departures held after a violation" },
  { ROOT(ceasefire.tension_multiplier), .path = "ceasefire.tension_multiplier", .type = SCHEMA_REAL,
    NONNEG, .def = "1.0", .meaning = "hazard multiplier T during a halt" },
  { ROOT(ceasefire.collapse_p), .path = "ceasefire.collapse_p", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(a violation is a collapse: crossings closed and no departure to the horizon)" },
  { ROOT(ceasefire.war_multiplier), .path = "ceasefire.war_multiplier", .type = SCHEMA_REAL, NONNEG,
    .flags = SCHEMA_OPTIONAL, .def_text = "ceasefire.tension_multiplier",
    .meaning = "armed hazard multiplier on the roads after a collapse (crowds keep tension_multiplier)" },
  { ROOT(ceasefire.intervention_p), .path = "ceasefire.intervention_p", .type = SCHEMA_REAL, SHARE,
    .def = "0.0",
    .meaning = "P(a third party intervenes against an attack nobody stopped: harm and a violation)" },
  { ROOT(ceasefire.intervention_harm), .path = "ceasefire.intervention_harm", .type = SCHEMA_REAL, NONNEG,
    .def = "0.0", .meaning = "mean civilian harm of an intervention" },
  { ROOT(funding), .path = "funding", .type = SCHEMA_LIST, .elem = REGION_FUNDING, .flags = SCHEMA_FIXED,
    .def = "()", .meaning = "budgets { payer; budget_usd; }: a payer that has spent its budget stops paying" },

  /* ------------------------------------------------ 3.10 timeline, 3.9 sweep */
  { ROOT(timeline), .path = "timeline", .type = SCHEMA_LIST, .elem = SCHEMA_PLACE_TIMELINE,
    .flags = SCHEMA_FIXED, .def = "()", .meaning = "changes of values at given days" },
  { ROOT(sweep.design), .path = "sweep.design", .type = SCHEMA_ENUM, .names = design_names,
    .flags = SCHEMA_FIXED, .def = "\"grid\"", .meaning = "design of the sweep: grid, lhs or nolh" },
  { ROOT(sweep.points), .path = "sweep.points", .type = SCHEMA_INT, .min = 1, .max = (double)LONG_MAX,
    .flags = SCHEMA_FIXED, .def = "65", .meaning = "design points of an lhs or nolh design" },
  { ROOT(sweep.vary), .path = "sweep.vary", .type = SCHEMA_LIST, .elem = SCHEMA_PLACE_VARY,
    .flags = SCHEMA_FIXED, .def = "()", .meaning = "the factors: { key; values = [...]; } or { key; min; max; }" },

  /* ------------------------------------------------ 3.2 nodes */
  { NODE(id), .path = "id", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "unique id, [A-Za-z0-9_-]+" },
  { NODE(kind), .path = "kind", .type = SCHEMA_ENUM, .names = kind_names,
    .flags = SCHEMA_REQUIRED | SCHEMA_FIXED, .meaning = "crossing, depot, distribution or junction" },
  { NODE(lanes), .path = "lanes", .type = SCHEMA_INT, .min = 1, .max = SCENARIO_MAX_LANES, .kinds = SCHEMA_CROSSING,
    .def = "1", .meaning = "inspection lanes (servers)" },
  { NODE(inspect_h), .path = "inspect_h", .type = SCHEMA_DIST, .unit = "h", .dflags = DIST_NONNEG,
    .kinds = SCHEMA_CROSSING, .def = "0.5", .meaning = "inspection time per truck" },
  { NODE(open_h), .path = "open_h", .type = SCHEMA_HOURS, .unit = "h", .kinds = SCHEMA_CROSSING,
    .def = "[0.0, 24.0]", .meaning = "opening hours [from, to]" },
  { NODE(open_days), .path = "open_days", .type = SCHEMA_WEEKDAYS, .kinds = SCHEMA_CROSSING,
    .def = "[0, 1, 2, 3, 4, 5, 6]", .meaning = "weekdays open, 0..6; day d of the run is weekday d % 7" },
  { NODE(daily_cap), .path = "daily_cap", .type = SCHEMA_INT, .unit = "trucks", .min = 0,
    .max = (double)LONG_MAX, .kinds = SCHEMA_CROSSING, .flags = SCHEMA_OPTIONAL | SCHEMA_UNLIMITED,
    .def_text = "none", .meaning = "inspections started per calendar day at most" },
  { NODE(supply_trucks_per_day), .path = "supply.trucks_per_day", .type = SCHEMA_REAL, .unit = "trucks",
    NONNEG, .kinds = SCHEMA_CROSSING, .def = "0.0", .meaning = "trucks presented upstream per day" },
  { NODE(supply_arrivals), .path = "supply.arrivals", .type = SCHEMA_ENUM, .names = arrival_names,
    .kinds = SCHEMA_CROSSING, .def = "\"poisson\"",
    .meaning = "\"poisson\" around the clock, or \"batch\": a day's trucks at opening time" },
  { NODE(transfer_h), .path = "transfer_h", .type = SCHEMA_DIST, .unit = "h", .dflags = DIST_NONNEG,
    .kinds = SCHEMA_CROSSING, .def = "0.0", .meaning = "from clearance until the load can be collected" },
  { NODE(backlog_trucks), .path = "backlog_trucks", .type = SCHEMA_INT, .unit = "trucks", .min = 0,
    .max = (double)LONG_MAX, .kinds = SCHEMA_CROSSING, .flags = SCHEMA_NO_TIMELINE, .def = "0",
    .meaning = "loads already waiting for collection at time 0" },
  { NODE(stock_trucks), .path = "stock_trucks", .type = SCHEMA_INT, .unit = "trucks", .min = 0,
    .max = (double)LONG_MAX, .kinds = SCHEMA_DEPOT, .flags = SCHEMA_OPTIONAL | SCHEMA_UNLIMITED | SCHEMA_NO_TIMELINE,
    .def_text = "unlimited", .meaning = "loads in stock at time 0" },
  { NODE(population), .path = "population", .type = SCHEMA_REAL, .unit = "people", NONNEG,
    .kinds = SCHEMA_DISTRIBUTION, .def = "0.0", .meaning = "people served (weights the default road zone)" },
  { NODE(need_t_per_day), .path = "need_t_per_day", .type = SCHEMA_REAL, .unit = "t", NONNEG,
    .kinds = SCHEMA_DISTRIBUTION, .def = "0.0", .meaning = "tonnes needed per day (0 = no shortfall)" },
  { NODE(desperation), .path = "desperation", .type = SCHEMA_REAL, SHARE, .kinds = SCHEMA_DISTRIBUTION,
    .flags = SCHEMA_OPTIONAL | SCHEMA_NO_TIMELINE, .def_text = "threats.desperation.initial",
    .meaning = "desperation D at time 0" },

  /* ------------------------------------------------ 3.3 roads */
  { ROAD(id), .path = "id", .type = SCHEMA_NAME, .flags = SCHEMA_OPTIONAL | SCHEMA_FIXED,
    .def_text = "\"FROM-TO\"", .meaning = "unique id" },
  { ROAD(from), .path = "from", .type = SCHEMA_NODE, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "node at one end" },
  { ROAD(to), .path = "to", .type = SCHEMA_NODE, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "node at the other end (roads are two-way)" },
  { ROAD(km), .path = "km", .type = SCHEMA_REAL, .unit = "km", POSITIVE,
    .flags = SCHEMA_REQUIRED | SCHEMA_MIN_OPEN | SCHEMA_FIXED, .meaning = "length" },
  { ROAD(kmh), .path = "kmh", .type = SCHEMA_DIST, .unit = "km/h", .dflags = DIST_POSITIVE,
    .def = "15.0", .meaning = "speed, drawn per traversal" },
  { ROAD(armed_per_h), .path = "armed_per_h", .type = SCHEMA_REAL, .unit = "1/h", NONNEG, .def = "0.0",
    .meaning = "base rate of armed attacks per convoy-hour" },
  { ROAD(crowd_per_h), .path = "crowd_per_h", .type = SCHEMA_REAL, .unit = "1/h", NONNEG, .def = "0.0",
    .meaning = "base rate of crowd interceptions per convoy-hour at zero desperation" },
  { ROAD(zone), .path = "zone", .type = SCHEMA_NODE, .kinds = SCHEMA_DISTRIBUTION,
    .flags = SCHEMA_OPTIONAL | SCHEMA_FIXED, .def_text = "population-weighted mean of all distribution nodes",
    .meaning = "distribution node whose desperation drives crowds here" },

  /* ------------------------------------------------ 3.4 convoys */
  { CONVOY(id), .path = "id", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "unique id" },
  { CONVOY(route), .path = "route", .type = SCHEMA_NODES, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "node ids from a crossing or depot to a distribution node, consecutive ones joined by roads" },
  { CONVOY(depart_h), .path = "depart_h", .type = SCHEMA_REAL, .unit = "h", NONNEG, .def = "0.0",
    .meaning = "first departure" },
  { CONVOY(every_h), .path = "every_h", .type = SCHEMA_REAL, .unit = "h", POSITIVE,
    .flags = SCHEMA_MIN_OPEN | SCHEMA_OPTIONAL, .def_text = "departs once",
    .meaning = "fixed interval between departures" },
  { CONVOY(interarrival_h), .path = "interarrival_h", .type = SCHEMA_DIST, .unit = "h",
    .dflags = DIST_NONNEG, .flags = SCHEMA_OPTIONAL, .def_text = "departs once",
    .meaning = "random interval between departures (instead of every_h; mean > 0)" },
  { CONVOY(count), .path = "count", .type = SCHEMA_INT, .min = 1, .max = (double)LONG_MAX,
    .flags = SCHEMA_OPTIONAL | SCHEMA_UNLIMITED, .def_text = "all that fit before the horizon",
    .meaning = "departures" },
  { CONVOY(trucks), .path = "trucks", .type = SCHEMA_INT, .min = 1, .max = INT_MAX, .def = "20",
    .meaning = "loads per convoy" },
  { CONVOY(escort_teams), .path = "escort_teams", .type = SCHEMA_INT, .min = 0, .max = INT_MAX,
    .flags = SCHEMA_OPTIONAL, .def_text = "force.escort.teams_per_convoy", .meaning = "escort teams requested" },
  { CONVOY(max_wait_h), .path = "max_wait_h", .type = SCHEMA_REAL, .unit = "h", NONNEG, .def = "0.0",
    .meaning = "longest wait for loads, fleet and escort before leaving with what is free" },
  { CONVOY(min_trucks), .path = "min_trucks", .type = SCHEMA_INT, .min = 1, .max = INT_MAX, .def = "1",
    .meaning = "fewer loads than this at departure: the convoy is cancelled; <= trucks" },

  /* ------------------------------------------------ 3.8 ROE profiles */
  { ROE(name), .path = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "profile name; a built-in's name overrides it key by key" },
  { ROE(level), .path = "level", .type = SCHEMA_INT, .min = INT_MIN, .max = INT_MAX, .def = "0",
    .meaning = "permissiveness, higher = more permissive (orders contingent caps)" },
  { ROE(engage_armed), .path = "engage_armed", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(the escort engages an armed attack)" },
  { ROE(engage_crowd), .path = "engage_crowd", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(the escort intervenes against a crowd)" },
  { ROE(p_defeat), .path = "p_defeat", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(defeat) when escort troops equal attackers" },
  { ROE(deter_armed), .path = "deter_armed", .type = SCHEMA_REAL, NONNEG, .def = "1.0",
    .meaning = "armed hazard multiplier on an escorted convoy" },
  { ROE(deter_crowd), .path = "deter_crowd", .type = SCHEMA_REAL, NONNEG, .def = "1.0",
    .meaning = "crowd hazard multiplier on an escorted convoy" },
  { ROE(patrol_deter), .path = "patrol_deter", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "hazards x (1 - patrol_deter x coverage)" },
  { ROE(escalation_p), .path = "escalation_p", .type = SCHEMA_REAL, SHARE, .def = "0.0",
    .meaning = "P(an engagement escalates)" },
  { ROE(harm_armed), .path = "harm_armed", .type = SCHEMA_REAL, NONNEG, .def = "0.0",
    .meaning = "mean civilian harm per armed engagement" },
  { ROE(harm_crowd), .path = "harm_crowd", .type = SCHEMA_REAL, NONNEG, .def = "0.0",
    .meaning = "mean civilian harm per crowd intervention" },
  { ROE(force_harm), .path = "force_harm", .type = SCHEMA_REAL, NONNEG, .def = "0.0",
    .meaning = "mean force casualties per engagement" },

  /* ------------------------------------------------ contingents */
  { CONT(name), .path = "name", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "unique name" },
  { CONT(troops), .path = "troops", .type = SCHEMA_REAL, NONNEG, .flags = SCHEMA_REQUIRED,
    .meaning = "troops of this contingent" },
  { CONT(roe_cap), .path = "roe_cap", .type = SCHEMA_ROE, .flags = SCHEMA_OPTIONAL,
    .def_text = "no cap (-1)",
    .meaning = "most permissive ROE profile it accepts; its teams act under the less permissive of this and force.roe" },
  { CONT(tasks), .path = "tasks", .type = SCHEMA_TASKS,
    .def = "[\"escort\", \"patrol\", \"qrf\", \"disarm\", \"train\"]",
    .meaning = "its mandate: the tasks its troops may do" },
  { CONT(cost_per_troop_day), .path = "cost_per_troop_day", .type = SCHEMA_REAL, .unit = "USD", NONNEG,
    .flags = SCHEMA_OPTIONAL, .def_text = "force.cost_per_troop_day", .meaning = "cost of one of its troops a day" },
  { CONT(payer), .path = "payer", .type = SCHEMA_NAME, .def = "\"force\"", .meaning = "who pays it" },
  { CONT(withdraw_after_casualties), .path = "withdraw_after_casualties", .type = SCHEMA_REAL, NONNEG,
    .def = "0.0", .meaning = "its force casualties after which it leaves at the next midnight; 0 = never" },

  /* ------------------------------------------------ funding */
  { FUND(payer), .path = "payer", .type = SCHEMA_NAME, .flags = SCHEMA_REQUIRED | SCHEMA_FIXED,
    .meaning = "a payer of force.contingents (\"force\" without contingents)" },
  { FUND(budget_usd), .path = "budget_usd", .type = SCHEMA_REAL, .unit = "USD", NONNEG,
    .flags = SCHEMA_REQUIRED, .meaning = "what it pays in all, from time 0" },

  /* ------------------------------------------------ timeline entries */
  { TL(day), .path = "day", .type = SCHEMA_REAL, .unit = "days", NONNEG, .flags = SCHEMA_REQUIRED,
    .meaning = "when the changes apply" },
  { .place = SCHEMA_PLACE_TIMELINE, .path = "set", .type = SCHEMA_CHANGES, .flags = SCHEMA_REQUIRED,
    .meaning = "( (\"KEY\", value), ... ) with the paths and checks of --set" },

  /* ------------------------------------------------ sweep factors */
  { VARY(key), .path = "key", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED,
    .meaning = "path of the varied key, as for --set" },
  { VARY(values), .path = "values", .type = SCHEMA_VALUES, .flags = SCHEMA_OPTIONAL,
    .def_text = "none: give min and max", .meaning = "explicit values, checked as the key's" },
  { VARY(min), .path = "min", .type = SCHEMA_REAL, .min = -INF, .max = INF, .flags = SCHEMA_OPTIONAL,
    .def_text = "none", .meaning = "low end of a range (numeric keys)" },
  { VARY(max), .path = "max", .type = SCHEMA_REAL, .min = -INF, .max = INF, .flags = SCHEMA_OPTIONAL,
    .def_text = "none", .meaning = "high end of a range (numeric keys)" },
};

const size_t schema_n_keys = sizeof schema_keys / sizeof schema_keys[0];

/* SPEC 3.11, estimates after DOMAIN.md b.8. */
const struct schema_roe schema_builtin_roe[] = {
  { "self_defence",   0, 0.5, 0.0, 0.2, 0.7, 0.7, 0.2, 0.02, 0.05, 0.05, 0.02 },
  { "defend_mandate", 1, 0.9, 0.2, 0.6, 0.4, 0.7, 0.4, 0.05, 0.2,  0.2,  0.05 },
  { "robust",         2, 1.0, 0.5, 0.8, 0.2, 0.7, 0.6, 0.15, 0.5,  0.5,  0.1  },
};
const size_t schema_n_builtin_roe = sizeof schema_builtin_roe / sizeof schema_builtin_roe[0];

const struct schema_group schema_groups[] = {
  { "movement", 0, "when convoys may drive" },
  { "coordination", offsetof(struct scenario, coordination.present),
    "deconfliction of departures; absent: no denials or delays" },
  { "fleet", 0, "Gaza-side trucks" },
  { "force", offsetof(struct scenario, force.present), "the stabilization force; absent: no force" },
  { "force.share", 0, "shares of on-task troops per task" },
  { "force.escort", 0, "convoy escorts" },
  { "force.patrol", 0, "road patrols" },
  { "force.qrf", 0, "quick reaction force" },
  { "force.disarm", 0, "demilitarisation: disarm teams lower the armed strength G" },
  { "force.train", 0, "training local police: raises threats.policing.level" },
  { "threats", 0, "armed attacks, crowds, desperation, escalation, policing" },
  { "threats.armed", 0, "armed attacks (gangs)" },
  { "threats.crowd", 0, "crowd interceptions" },
  { "threats.desperation", offsetof(struct scenario, threats.desperation.present),
    "scarcity state D per distribution node; absent: D stays at each node's initial value" },
  { "threats.escalation", offsetof(struct scenario, threats.escalation.present),
    "escalation after engagements; absent: none" },
  { "threats.policing", 0, "local police on the roads" },
  { "ceasefire", offsetof(struct scenario, ceasefire.present), "ceasefire violations; absent: none" },
  { "sweep", offsetof(struct scenario, sweep.present), "parameter sweep (convoysim sweep)" },
  { "supply", 0, "(in a crossing) trucks presented upstream" },
};

const size_t schema_n_groups = sizeof schema_groups / sizeof schema_groups[0];

const struct schema_key *schema_find(int place, const char *path)
{
  for (size_t i = 0; i < schema_n_keys; i++)
    if (schema_keys[i].place == place && strcmp(schema_keys[i].path, path) == 0)
      return &schema_keys[i];
  return NULL;
}

const struct schema_key *schema_find_offset(int place, size_t offset)
{
  for (size_t i = 0; i < schema_n_keys; i++)
    if (schema_keys[i].place == place && schema_keys[i].offset == offset && schema_keys[i].size > 0)
      return &schema_keys[i];
  return NULL;
}

const struct schema_group *schema_find_group(const char *path)
{
  for (size_t i = 0; i < schema_n_groups; i++)
    if (strcmp(schema_groups[i].path, path) == 0)
      return &schema_groups[i];
  return NULL;
}

const struct schema_group *schema_group_of(const struct schema_key *k)
{
  if (k->place != REGION_ROOT)
    return NULL;
  for (size_t i = 0; i < schema_n_groups; i++) {
    const struct schema_group *g = &schema_groups[i];
    size_t n = strlen(g->path);
    if (g->present && strncmp(k->path, g->path, n) == 0 && k->path[n] == '.')
      return g;
  }
  return NULL;
}

const char *schema_place_name(int place)
{
  switch (place) {
  case REGION_ROOT: return "scenario";
  case REGION_NODE: return "node";
  case REGION_ROAD: return "road";
  case REGION_CONVOY: return "convoy";
  case REGION_ROE: return "ROE profile";
  case REGION_CONTINGENT: return "contingent";
  case REGION_FUNDING: return "funding entry";
  case SCHEMA_PLACE_TIMELINE: return "timeline entry";
  case SCHEMA_PLACE_VARY: return "sweep factor";
  default: return "?";
  }
}

const char *schema_place_list(int place)
{
  switch (place) {
  case REGION_NODE: return "nodes";
  case REGION_ROAD: return "roads";
  case REGION_CONVOY: return "convoys";
  case REGION_ROE: return "roe_profiles";
  case REGION_CONTINGENT: return "force.contingents";
  case REGION_FUNDING: return "funding";
  case SCHEMA_PLACE_TIMELINE: return "timeline";
  case SCHEMA_PLACE_VARY: return "sweep.vary";
  default: return NULL;
  }
}

const char *schema_place_id(int place)
{
  switch (place) {
  case REGION_NODE: case REGION_ROAD: case REGION_CONVOY: return "id";
  case REGION_ROE: case REGION_CONTINGENT: return "name";
  case REGION_FUNDING: return "payer";
  default: return NULL;
  }
}

const char *schema_element_id(const struct scenario *sc, int place, size_t i)
{
  switch (place) {
  case REGION_NODE: return sc->nodes[i].id;
  case REGION_ROAD: return sc->roads[i].id;
  case REGION_CONVOY: return sc->convoys[i].id;
  case REGION_ROE: return sc->roe[i].name;
  case REGION_CONTINGENT: return sc->force.contingents[i].name;
  case REGION_FUNDING: return sc->funding[i].payer;
  default: return NULL;
  }
}

size_t schema_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  size_t row[64];

  if (lb >= 63 || la >= 63) /* names are short; long ones are never close */
    return la > lb ? la : lb;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *schema_suggest(const char *word, const char *const *cand, size_t n)
{
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  size_t len = strlen(word);
  /* close enough: at most a third of the word wrong, and at least 1-2 edits */
  size_t limit = len / 3 > 2 ? len / 3 : 2;

  for (size_t i = 0; i < n; i++) {
    if (cand[i] == NULL)
      continue;
    size_t dd = schema_distance(word, cand[i]);
    if (dd < best_d) {
      best_d = dd;
      best = cand[i];
    }
  }
  if (best_d <= limit && best_d < len)
    return best;
  /* a key written short or long: "horizon" for "horizon_days" */
  best = NULL;
  best_d = (size_t)-1;
  for (size_t i = 0; i < n && len >= 3; i++) {
    if (cand[i] == NULL)
      continue;
    size_t lc = strlen(cand[i]);
    size_t m = lc < len ? lc : len;
    if (m >= 3 && strncmp(word, cand[i], m) == 0) {
      size_t dd = lc > len ? lc - len : len - lc;
      if (dd < best_d) {
        best_d = dd;
        best = cand[i];
      }
    }
  }
  return best;
}

void schema_format_real(double v, char *buf, size_t len)
{
  if (!isfinite(v)) {
    snprintf(buf, len, "%s", isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf"));
    return;
  }
  if (v == floor(v) && fabs(v) < 1e15) {
    snprintf(buf, len, "%.1f", v); /* 10.0 rather than 1e+01 */
    return;
  }
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, len, "%.*g", prec, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  if (strpbrk(buf, ".eEn") == NULL) {
    size_t n = strlen(buf);
    if (n + 2 < len) {
      buf[n] = '.';
      buf[n + 1] = '0';
      buf[n + 2] = '\0';
    }
  }
}
