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
};

/* Troops on the ground at time t_h (hours): force.troops, replaced by each
 * build-up step from its day on. */
double force_troops_at(const struct force *f, double t_h);

/* The pools of `troops` troops on the ground over a network of road_km
 * km: teams of a task = floor(troops x available x share / team_size +
 * 1e-9) (the 1e-9 keeps 400 x 0.9 x 0.7 / 4 = 63 from flooring to 62).
 * All zero without a force. */
void force_pools(const struct force *f, double troops, double road_km, struct force_pools *out);

/* The less permissive (lower `level`) of ROE profiles a and b of sc; -1
 * stands for none and yields the other. */
int force_less_permissive(const struct scenario *sc, int a, int b);

#endif
