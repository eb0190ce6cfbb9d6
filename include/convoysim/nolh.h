/*
 * nolh.h - nearly orthogonal Latin hypercubes (NOLH) for design-of-
 * experiments sweeps: 17 runs for up to 7 factors, 33 for up to 11, 65 for
 * up to 16 and 129 for up to 22.
 *
 * The one rule: an analyst with k factors takes the first k columns of the
 * nolh_runs(k)-run design, so every leading block of columns is itself a
 * good design; the criteria below hold for all the columns, hence for every
 * leading block.
 *
 * The structure is Cioppa's: n = 2^m + 1 runs at integer levels
 * -(n-1)/2 .. (n-1)/2; every column is a permutation of those n levels (a
 * Latin hypercube); the design is a foldover, row n-1-i = -(row i), and
 * the middle row, (n-1)/2, is all zeros.  The foldover makes every main
 * effect exactly orthogonal to every squared column and every two-factor
 * interaction column (an odd function against even ones).
 *
 * The criteria met, over the full designs (Pearson correlations):
 *
 *   runs  columns  max |corr| main effects  max |corr| squares
 *     17        7                   0.0000              0.2121
 *     33       11                   0.0140              0.3436
 *     65       16                   0.0057              0.1196
 *    129       22                   0.0041              0.1045
 *
 * (the required bound on main effects is 0.03; src/mc/nolh_tables.c gives
 * the space-filling figures too).  The designs are our own: the product of
 * a deterministic search, tools/nolh_search.c, which imposes the structure
 * of Cioppa (2002) and Cioppa & Lucas (2007), "Efficient nearly orthogonal
 * and space-filling Latin hypercubes", Technometrics 49(1), and meets their
 * criteria; they are not copies of the published tables.  The 17-run design
 * is exactly orthogonal: the best, by correlation of squares, of every
 * exactly orthogonal one.
 */
#ifndef CONVOYSIM_NOLH_H
#define CONVOYSIM_NOLH_H

#include <stddef.h>

#define NOLH_MAX_FACTORS 22 /* columns of the largest design (129 runs) */

/* Runs of the smallest design with at least k columns: 17, 33, 65 or 129;
 * 0 when k == 0 or k > NOLH_MAX_FACTORS. */
int nolh_runs(size_t k);

/* Columns of the design with `runs` runs (7, 11, 16, 22), 0 for any other
 * runs. */
size_t nolh_columns(int runs);

/* Level of row i (0 .. runs - 1) in column j (0 .. nolh_columns(runs) - 1):
 * an integer in [-(runs-1)/2, (runs-1)/2].  0 for a design, row or column
 * that does not exist. */
int nolh_level(int runs, int i, size_t j);

/* The largest |Pearson correlation| between any two of the first k columns
 * of the `runs`-run design, computed from the levels (not stored); 0 when
 * k < 2, NAN when there is no such design or k > nolh_columns(runs). */
double nolh_max_correlation(int runs, size_t k);

#endif
