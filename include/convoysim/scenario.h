/*
 * scenario.h - a scenario as plain data (SPEC section 3).
 *
 * scenario_load() reads a libconfig file, applies --set overrides, checks
 * everything against the one schema table (schema.h) and fills a struct
 * scenario in which every default has been applied, every name reference
 * resolved to an index and every unit is the one in the key name.  The model
 * and the Monte Carlo runner only ever read it.  The scenario owns all its
 * strings and arrays; scenario_release() frees them.
 *
 * Conventions: times are hours from midnight of day 0 unless a field says
 * days; "none"/"unlimited" limits are SCENARIO_UNLIMITED; references to
 * nodes, roads, ROE profiles are indices into the arrays below (-1 = none).
 * Every list element keeps the line it was read from, for messages.
 */
#ifndef CONVOYSIM_SCENARIO_H
#define CONVOYSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "convoysim/diag.h"
#include "convoysim/dist.h"
#include "convoysim/error.h"

#define SCENARIO_UNLIMITED (-1L)
#define WEEKDAYS_ALL 0x7fu

enum node_kind { NODE_CROSSING, NODE_DEPOT, NODE_DISTRIBUTION, NODE_JUNCTION };
enum supply_arrivals { SUPPLY_POISSON, SUPPLY_BATCH };
enum escort_policy { ESCORT_WAIT, ESCORT_NONE };
enum sweep_design { DESIGN_GRID, DESIGN_LHS, DESIGN_NOLH };

/* Daily hours [from, to], 0 <= from < to <= 24; [0, 24] = always. */
struct hours {
  double from; /* h after midnight */
  double to;   /* h after midnight */
};

struct node {
  char *id;              /* unique */
  int line;              /* where it was defined */
  enum node_kind kind;
  /* crossing */
  int lanes;             /* servers, 1 .. SCENARIO_MAX_LANES */
  struct dist inspect_h; /* per-truck inspection, h */
  struct hours open_h;   /* opening hours, default [0, 24] */
  unsigned open_days;    /* bit w set = open on weekday w (day d has weekday d % 7) */
  long daily_cap;        /* service starts per calendar day, SCENARIO_UNLIMITED = none */
  double supply_trucks_per_day;       /* trucks presented upstream per day */
  enum supply_arrivals supply_arrivals;
  struct dist transfer_h;             /* clearance to collectable, h */
  long backlog_trucks;                /* loads waiting for collection at t = 0 */
  /* depot */
  long stock_trucks;     /* loads in stock, SCENARIO_UNLIMITED = unlimited */
  /* distribution */
  double population;     /* people */
  double need_t_per_day; /* tonnes/day */
  double desperation;    /* D at t = 0, in [0, 1] */
};

struct road {
  char *id;           /* default "FROM-TO" */
  int line;
  int from, to;       /* node indices; roads are two-way */
  double km;          /* length, km */
  struct dist kmh;    /* speed drawn per traversal, km/h (> 0) */
  double armed_per_h; /* base armed attacks per convoy-hour */
  double crowd_per_h; /* base crowd interceptions per convoy-hour at D = 0 */
  int zone;           /* distribution node whose D drives crowds; -1 = the
                         population-weighted mean over all of them */
};

struct convoy_schedule {
  char *id;
  int line;
  int *route;            /* node indices, route_len >= 2 */
  size_t route_len;
  int *legs;             /* road index of leg i (route[i] -> route[i+1]), route_len - 1 */
  double depart_h;       /* first departure, h */
  double every_h;        /* fixed interval, h; 0 = not given */
  bool has_interarrival; /* interarrival_h given instead of every_h */
  struct dist interarrival_h; /* h */
  long count;            /* departures; SCENARIO_UNLIMITED = all before the horizon */
  int trucks;            /* loads per convoy */
  int escort_teams;      /* teams requested */
  double max_wait_h;     /* longest wait for loads, fleet and escort, h */
  int min_trucks;        /* fewer loads at departure: cancelled */
};

struct roe_profile {
  char *name;
  int line;              /* 0 for a built-in profile not overridden */
  int level;             /* permissiveness: higher = more permissive */
  double engage_armed;   /* P(escort engages an armed attack) */
  double engage_crowd;   /* P(escort intervenes against a crowd) */
  double p_defeat;       /* P(defeat) at S = A (logit base) */
  double deter_armed;    /* armed hazard multiplier when escorted */
  double deter_crowd;    /* crowd hazard multiplier when escorted */
  double patrol_deter;   /* P = 1 - patrol_deter x coverage */
  double escalation_p;   /* P(an engagement escalates) */
  double harm_armed;     /* mean civilian harm per armed engagement */
  double harm_crowd;     /* mean civilian harm per crowd intervention */
  double force_harm;     /* mean force casualties per engagement */
};

#define SCENARIO_MAX_CONTINGENTS 32 /* contingents of one force */
#define SCENARIO_MAX_BYTES (8 * 1024 * 1024) /* a scenario file, and each file it includes */
#define SCENARIO_MAX_LANES 10000 /* lanes of a crossing: beyond any crossing's, and each lane is
                                    state every replication keeps and resets */

/* The tasks of a force (SPEC 3.7); a contingent's mandate is a mask of them. */
enum task { TASK_ESCORT, TASK_PATROL, TASK_QRF, TASK_DISARM, TASK_TRAIN, TASK_COUNT };
#define TASKS_ALL ((1u << TASK_COUNT) - 1u)

struct contingent {
  char *name;
  int line;
  double troops;  /* its weight in the force's composition, troops (scaled to
                     force.troops and every later change of it) */
  int roe_cap;    /* index into roe: the most permissive ROE it accepts;
                     -1 = no cap (force.roe applies) */
  unsigned tasks; /* 1 << enum task: what it may do (default all) */
  double cost_per_troop_day; /* USD; NaN = force.cost_per_troop_day */
  char *payer;    /* who pays it (default "force") */
  double withdraw_after_casualties; /* force casualties after which it leaves; 0 = never */
};

/* A payer's budget (SPEC 4.9): it stops paying once it has spent this. */
struct funding {
  char *payer;
  int line;
  double budget_usd; /* USD */
};

struct buildup_step {
  double day;     /* from this day on ... */
  double troops;  /* ... this many troops are on the ground */
};

struct force {
  bool present;               /* a `force` group was given */
  double troops;              /* force size at t = 0 (before any buildup step) */
  double available;           /* share of troops on task */
  double share_escort, share_patrol, share_qrf; /* of on-task troops */
  double share_disarm, share_train; /* of on-task troops; the five sum to <= 1 */
  int roe;                    /* index into scenario.roe */
  int escort_team_size;
  int teams_per_convoy;
  enum escort_policy escort_policy;
  int patrol_team_size;
  double patrol_km_per_team;  /* km */
  int qrf_team_size;
  int *qrf_bases;             /* node indices */
  size_t n_qrf_bases;
  struct dist qrf_notice_h;   /* h */
  double qrf_kmh;             /* km/h */
  double cost_per_troop_day;  /* USD */
  int disarm_team_size;       /* troops per disarm team */
  double disarm_effect;       /* G falls by exp(-effect x engage_armed) per team-day */
  double disarm_floor;        /* G never falls below it */
  double disarm_raids_per_team_day; /* raids a disarm team makes a day */
  int train_team_size;        /* troops per police-training team */
  double train_level_per_team_day; /* policing level added per team-day */
  struct contingent *contingents;
  size_t n_contingents;
  struct buildup_step *buildup; /* sorted by day */
  size_t n_buildup;
};

struct threats {
  struct {
    struct dist party;        /* attackers per attack */
    struct dist loss;         /* share, drawn once per successful attack */
    struct dist duration_h;   /* h */
    double strength_exponent; /* k */
    double driver_harm;       /* mean driver casualties per successful attack */
    double rate_multiplier;   /* x every road's armed_per_h */
    double strength;          /* G at time 0: the armed hazard x G */
    double regrowth_per_day;  /* r: 1 - G shrinks by exp(-r) a day */
  } armed;
  struct {
    double stop_p;            /* P(each truck is stopped) */
    struct dist loss;         /* share of a stopped truck's load, per truck */
    struct dist duration_h;   /* h */
    double desperation_slope; /* crowd hazard x exp(slope x D) */
    double rate_multiplier;   /* x every road's crowd_per_h */
  } crowd;
  struct {
    bool present;             /* a threats.desperation group: D follows the shortfall */
    double window_days;       /* EWMA window, days */
    double initial;           /* default D at t = 0 */
  } desperation;
  struct {
    bool present;             /* a threats.escalation group */
    double hazard_multiplier; /* x the armed hazard of the roads of an escalated zone */
    struct dist duration_h;   /* how long an escalation lasts, h */
  } escalation;
  struct {
    double level;             /* L in [0, 1] */
    double effect;            /* hazards x (1 - effect x L) */
  } policing;
};

struct coordination {
  bool present;
  double deny_p;
  double impede_p;
  struct dist impede_delay_h; /* h */
};

struct ceasefire {
  bool present;                /* a ceasefire group */
  double violations_per_day;   /* Poisson rate of violations */
  struct dist halt_h;          /* crossings closed and departures held, h */
  double tension_multiplier;   /* T: hazards x T during a halt */
  double collapse_p;           /* P(a violation is a collapse) */
  double war_multiplier;       /* the armed hazard's T after a collapse */
  double intervention_p;       /* P(a third party intervenes against an attack nobody stopped) */
  double intervention_harm;    /* mean civilian harm of an intervention */
};

struct schema_key; /* schema.h */

/* A key the file left out, so that its default applies. */
struct scenario_default {
  const struct schema_key *key; /* the key */
  long index;                   /* its list element, -1 for the root */
};

/* A value of any schema type (schema.h says which). */
enum value_type {
  VALUE_INT, VALUE_REAL, VALUE_BOOL, VALUE_STRING, VALUE_REF, VALUE_DIST,
  VALUE_HOURS, VALUE_WEEKDAYS, VALUE_ENUM
};
struct value {
  enum value_type type;
  union {
    long i;           /* VALUE_INT, VALUE_BOOL, VALUE_REF (index), VALUE_ENUM */
    double r;         /* VALUE_REAL */
    struct dist d;    /* VALUE_DIST */
    struct hours h;   /* VALUE_HOURS */
    unsigned mask;    /* VALUE_WEEKDAYS */
    char *s;          /* VALUE_STRING (owned by whoever holds the value) */
  } u;
};

/* Where a field lives: the root struct or one element of a list. */
enum region {
  REGION_ROOT, REGION_NODE, REGION_ROAD, REGION_CONVOY, REGION_ROE, REGION_CONTINGENT, REGION_FUNDING
};

/* One change of the timeline (SPEC 3.10), resolved by the loader: at `day`,
 * write `value` into the field at byte `offset` of element `index` of
 * `region` (offset into struct scenario itself for REGION_ROOT). */
struct timeline_change {
  double day;
  int line;
  char *key;            /* the path as written, for messages and the manifest */
  enum region region;
  size_t index;
  size_t offset;
  struct value value;
};

/* One factor of a sweep (SPEC 3.9): explicit values, or a range. */
struct sweep_factor {
  char *key;            /* path */
  int line;
  struct value *values; /* explicit values (n_values > 0), or ... */
  size_t n_values;
  double min, max;      /* ... a range for lhs / nolh / solve */
};

struct sweep_spec {
  bool present;
  enum sweep_design design;
  long points;          /* for lhs / nolh */
  struct sweep_factor *vary;
  size_t n_vary;
};

struct scenario {
  char *file;           /* the path it was loaded from (for messages) */
  char *name;           /* [A-Za-z0-9_-]+ */
  char *description;
  double horizon_days;
  long replications;
  uint64_t seed;
  double tonnes_per_truck;
  double success_fraction;
  double warmup_days;
  struct {
    struct hours window_h;
    double rest_exposure;
  } movement;

  struct node *nodes;
  size_t n_nodes;
  struct road *roads;
  size_t n_roads;
  struct convoy_schedule *convoys;
  size_t n_convoys;
  struct roe_profile *roe;  /* the built-ins first, then the file's new ones */
  size_t n_roe;

  struct coordination coordination;
  struct { long trucks; } fleet; /* SCENARIO_UNLIMITED = unlimited */
  struct force force;
  struct threats threats;
  struct ceasefire ceasefire;
  struct funding *funding;  /* budgets by payer (none = no limit) */
  size_t n_funding;

  struct timeline_change *timeline; /* sorted by day, stable */
  size_t n_timeline;
  struct sweep_spec sweep;

  /* Derived by the loader (read-only for everyone else). */
  double total_road_km;     /* sum of road km */
  double total_population;  /* over distribution nodes */
  double total_need_t_per_day;
  struct scenario_default *defaults; /* keys left to their default, in
                                        schema order (for `convoysim check`) */
  size_t n_defaults;
};

/* Fill sc with the defaults of SPEC 3.11 and no nodes, roads or convoys
 * (the starting point of the loader, and of tests that build scenarios in C). */
void scenario_init(struct scenario *sc);

/* Load `path`, apply the `n_sets` overrides "KEY=VALUE" in order, validate,
 * and fill *sc.  Every problem goes to d as "file:line: message" (overrides
 * are reported as "--set KEY: message"), in reading order (diag_sort).
 * Returns ERR_OK, ERR_NOINPUT (file missing or unreadable), ERR_SCENARIO
 * (d has the problems) or ERR_NOMEM.
 * On failure *sc holds nothing that needs releasing. */
enum err scenario_load(struct scenario *sc, const char *path,
                       const char *const *sets, size_t n_sets, struct diag *d);

void scenario_release(struct scenario *sc);

/* Check that the documented default of key k (schema.h) reads back as a
 * valid value of k: ERR_OK, or ERR_SCENARIO with the problem in d. */
enum err scenario_check_default(const struct schema_key *k, struct diag *d);

/* As scenario_load, from text in memory; `label` names it in messages
 * (@include resolves against the working directory). */
/* Split one --set argument "KEY=VALUE" at its first '=': the key and the
 * value without the spaces or tabs around them (KEY = VALUE is accepted).
 * False when there is no '=' or the key is empty. */
bool scenario_split_set(const char *set, const char **key, size_t *key_len, const char **value,
                        size_t *value_len);

enum err scenario_load_string(struct scenario *sc, const char *text, const char *label,
                              const char *const *sets, size_t n_sets, struct diag *d);

/* Resolve the path `key` (SPEC 3.9) and the libconfig text `value_text` (a
 * bare word is a string) against a loaded scenario into *out (day 0), with
 * the checks of the file, for scenario_apply_change.  Keys that no sweep
 * may change (ids, kinds, routes, road ends, lists, seed, replications) are
 * refused; run settings such as horizon_days are allowed (a timeline may not
 * change them, and the loader checks that).  Problems go to d as "--set KEY: message"; returns ERR_OK,
 * ERR_SCENARIO or ERR_NOMEM.  Release out->key with scenario_change_release. */
enum err scenario_resolve(const struct scenario *sc, const char *key, const char *value_text,
                          struct timeline_change *out, struct diag *d);
void scenario_change_release(struct timeline_change *c);

/* scenario_resolve + scenario_apply_change + scenario_validate: set one
 * value of a loaded scenario (a sweep's design point).  On ERR_SCENARIO
 * the scenario may hold the bad value: discard it. */
enum err scenario_set(struct scenario *sc, const char *key, const char *value_text,
                      struct diag *d);

/* Re-check the consistency rules that tie keys together (task shares,
 * deny_p + impede_p, roads against the movement window, counts against the
 * horizon, ...) on a scenario whose values were changed in memory. */
enum err scenario_validate(const struct scenario *sc, struct diag *d);

/* Write the resolved scenario as a libconfig file that scenario_load reads
 * back into an identical struct (every key explicit, reals exact).  Each
 * line of `header` (may be NULL) is written first as a "# " comment.
 * Returns ERR_OK or ERR_IO. */
enum err scenario_write(const struct scenario *sc, FILE *f, const char *header);

/* The schema key (schema.h) that the path `key` names in sc, or NULL with
 * the problem in d as "LABEL: message" (unknown key, with the nearest
 * known one; a list element that does not exist; a key that is fixed). */
struct schema_key;
const struct schema_key *scenario_key(const struct scenario *sc, const char *key, const char *label,
                                      struct diag *d);

/* A value v of key k as libconfig text, what --set takes ("2500.0",
 * "\"robust\"", "{ dist = ... }"), into buf of len bytes (cut short if
 * it does not fit). */
void scenario_format_value(const struct scenario *sc, const struct schema_key *k, const struct value *v,
                           char *buf, size_t len);
/* The same as a CSV cell: names and strings bare ("robust"), booleans 0 or
 * 1, numbers as the scenario spells them. */
void scenario_value_cell(const struct scenario *sc, const struct schema_key *k, const struct value *v,
                         char *buf, size_t len);

/* The value that the path `key` holds in sc, as --set text and as a CSV
 * cell: ERR_OK, or ERR_SCENARIO with the problem in d. */
enum err scenario_get_text(const struct scenario *sc, const char *key, char *text, size_t tlen, char *cell,
                           size_t clen, struct diag *d);

/* Index of the node / road / ROE profile called `id`, or -1. */
int scenario_node_index(const struct scenario *sc, const char *id);
int scenario_road_index(const struct scenario *sc, const char *id);
int scenario_roe_index(const struct scenario *sc, const char *name);

/* Recompute the derived totals of sc (total_road_km, total_population,
 * total_need_t_per_day) after its values changed. */
void scenario_derive(struct scenario *sc);

/* Write one timeline change's value into sc (whose arrays may be a model's
 * private copies of the loaded ones). */
void scenario_apply_change(struct scenario *sc, const struct timeline_change *c);

#endif
