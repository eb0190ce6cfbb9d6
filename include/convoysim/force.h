/*
 * force.h - what the force group of a scenario implies (SPEC 3.7): troops
 * on the ground over time, team pools and patrol coverage, and which ROE a
 * contingent acts under.
 *
 * The one rule: these are pure functions of the scenario, and the model,
 * `convoysim check` and the loader's validation call them and nothing else,
 * so all three give the same figure for the same scenario.
 */
#ifndef CONVOYSIM_FORCE_H
#define CONVOYSIM_FORCE_H

#include "convoysim/scenario.h"

/* The teams of each task that a number of troops makes. */
struct force_pools {
  int escort;      /* escort teams */
  int patrol;      /* patrol teams */
  int qrf;         /* quick reaction force teams */
  double coverage; /* patrol coverage: min(1, patrol x km_per_team / road km), in [0, 1] */
  int disarm;      /* disarm teams */
  int train;       /* police-training teams */
};

/* Troops on the ground at time t_h (hours): force.troops, replaced by each
 * build-up step from its day on. */
double force_troops_at(const struct force *f, double t_h);

/* The pools of `troops` troops on the ground over a network of road_km
 * km: teams of a task = floor(troops x available x share / team_size +
 * 1e-9) (the 1e-9 keeps 400 x 0.9 x 0.7 / 4 = 63 from flooring to 62).
 * All zero without a force. */
void force_pools(const struct force *f, double troops, double road_km, struct force_pools *out);

/* The troops on the ground that may do each task (SPEC 4.9): with
 * force.contingents, contingent i holds troops x w_i / sum w (its troops
 * are the force's composition), and task X gets the troops of the
 * contingents that are present (present[i], NULL = all) and whose tasks
 * hold X; without contingents every task gets all the troops.  Exactly
 * `troops` when every contingent is present and may do X. */
void force_task_troops(const struct force *f, double troops, const bool *present, double out[TASK_COUNT]);

/* The pools of task troops t (force_task_troops): each task's teams from
 * its own troops, by the floor of force_pools. */
void force_pools_of(const struct force *f, const double t[TASK_COUNT], double road_km, struct force_pools *out);

/* The troops of contingent i when `troops` are the force's (w_i / sum w). */
double force_contingent_troops(const struct force *f, size_t i, double troops);

/* Where more teams of a task stop changing anything, for the scenario as
 * written (no build-up, no timeline).  Patrol is exact: coverage reaches 1
 * at ceil(road km / km_per_team) teams.  Escort and QRF are estimates at
 * mean speeds, without incidents or deterrence:
 * - escort: the teams convoys can hold at once, the sum over schedules of
 *   escort_teams x convoys of that schedule on the road at once (transit at
 *   mean speeds through the movement window; for drawn intervals, the 99th
 *   percentile of a Poisson count at the mean); 0 with policy "none";
 * - qrf: the fewest teams with which fewer than 1% of armed attacks find
 *   none free (Erlang B at the attack rate x mean hold), 0 without a QRF
 *   base.
 * Troops: the fewest troops on the ground whose pool holds that many
 * teams (force_pools), INFINITY when the task's share is 0 and it needs
 * teams. */
struct force_saturation {
  int escort_teams;     /* escort teams convoys can use at once */
  double escort_troops; /* troops whose escort pool holds them */
  int patrol_teams;     /* patrol teams for coverage 1 */
  double patrol_troops; /* troops whose patrol pool holds them */
  int qrf_teams;        /* QRF teams leaving < 1% of attacks without one */
  double qrf_troops;    /* troops whose QRF pool holds them */
  double attacks_per_h; /* armed attacks per hour the QRF estimate assumed */
};
void force_saturation(const struct scenario *sc, struct force_saturation *out);

/* The largest number of troops the scenario puts on the ground (force.troops
 * or a build-up step). */
double force_troops_max(const struct force *f);

/* The tasks whose pool at `troops` holds more teams than z says can be
 * used: a mask of FORCE_PAST_* bits, and FORCE_PAST_ALL when every task
 * with a share is past (more troops then add cost, not deliveries). */
enum {
  FORCE_PAST_ESCORT = 1,
  FORCE_PAST_PATROL = 2,
  FORCE_PAST_QRF = 4,
  FORCE_PAST_ALL = 8
};
unsigned force_past_useful(const struct scenario *sc, double troops, const struct force_saturation *z);

/* Hours from leaving at t_h to arriving on schedule s at mean speeds, with
 * no incident, through the movement window as the model applies it (a leg
 * that does not fit waits for the next opening; one longer than the window
 * starts at the opening). */
double force_transit_h(const struct scenario *sc, const struct convoy_schedule *s, double t_h);

/* The less permissive (lower `level`) of ROE profiles a and b of sc; -1
 * stands for none and yields the other. */
int force_less_permissive(const struct scenario *sc, int a, int b);

#endif
