/*
 * design.h - the design points of a sweep (SPEC 3.9): factors, and the
 * grid, Latin hypercube, nearly orthogonal Latin hypercube or file that
 * turns them into points.
 *
 * A factor is a scenario KEY with a list of values ("a,b,c"), a grid
 * ("lo:hi:step", hi included when it falls on the step) or a range
 * ("lo:hi").  A design is a table: one row per point, one cell per factor,
 * each cell the text that `--set KEY=CELL` would take, so a point is the
 * base scenario with those --set values applied, checked like the file.
 *  - grid: the full factorial of the factors' values, in the order the
 *    factors are given, the last one fastest.  Ranges have no levels: a
 *    grid needs lists or steps.
 *  - lhs: `points` points (default 10 x factors).  Each factor's [0, 1) is
 *    cut into `points` strata; a random permutation of the strata (one per
 *    factor) and a uniform draw inside each give point i the level
 *    (perm[i] + u) / points, from stream (seed, 2^64 - 1, source "LHS"):
 *    one point per stratum per factor.
 *  - nolh: the nearly orthogonal Latin hypercube of nolh.h with the fewest
 *    runs that has a column per factor (17, 33, 65 or 129 runs for up to
 *    7, 11, 16, 22 factors; `points`, when given, must be one of those
 *    sizes with enough columns); factor j takes column j, its levels
 *    -(n-1)/2 .. (n-1)/2 mapped evenly onto [0, 1].
 * A level x in [0, 1] becomes lo + x (hi - lo) for a range or grid (a
 * grid's level then rounds to the nearest step), and value
 * floor(x x count) (the last for x = 1) of a list; integer keys round to
 * the nearest integer.  The one rule: a design depends on its factors,
 * kind, points and seed only, so the same command gives the same points.
 */
#ifndef CONVOYSIM_DESIGN_H
#define CONVOYSIM_DESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convoysim/diag.h"
#include "convoysim/error.h"
#include "convoysim/scenario.h"

#define DESIGN_MAX_POINTS 100000L /* points of one design: their means alone take 100 MB */
#define DESIGN_MAX_FACTORS 64

struct design_factor {
  char *key;          /* the scenario path, owned */
  int line;           /* line of its sweep.vary element; 0 on the command line */
  char **values;      /* a list: each value's --set text, owned */
  size_t n_values;
  bool range;         /* lo and hi are given (a grid when step > 0) */
  double lo, hi;      /* the range */
  double step;        /* > 0: a grid lo, lo + step, ... <= hi */
  bool integer;       /* the key holds an integer: levels are rounded */
};

struct design {
  enum sweep_design kind;  /* grid, lhs or nolh; unused for a file */
  bool from_file;          /* read from a design file */
  struct design_factor *f; /* the factors, owned */
  size_t n_f;
  size_t n_points;
  char **cell;             /* [point x n_f + factor]: --set text, owned */
  long *line;              /* design-file line of each point, or NULL */
  double max_corr;         /* largest |Pearson correlation| between two numeric
                              columns of the points (NaN: fewer than two) */
};

/* Parse "KEY=SPEC" of --vary into *f.  ERR_OK, or ERR_USAGE with what is
 * wrong in why (len bytes). */
enum err design_factor_parse(const char *arg, struct design_factor *f, char *why, size_t len);
void design_factor_release(struct design_factor *f);

/* Make the points of n factors f (taken over: released with the design,
 * or on failure).  ERR_OK, ERR_USAGE (why says what is wrong: a range in a
 * grid, points that nolh has no design for, too many points) or
 * ERR_NOMEM. */
enum err design_build(struct design *d, struct design_factor *f, size_t n, enum sweep_design kind,
                      long points, uint64_t seed, char *why, size_t len);

/* Read a design file: a header row of KEY names, then one point per row.
 * Every problem goes to dg as "FILE:LINE: message" (ERR_SCENARIO);
 * ERR_NOINPUT when it cannot be read. */
enum err design_read_file(struct design *d, const char *path, struct diag *dg);

void design_release(struct design *d);

/* The largest |Pearson correlation| between two of the n_f columns of an
 * n x n_f table x (NaN when n_f < 2 or a column is constant). */
double design_max_correlation(const double *x, size_t n, size_t n_f);

#endif
