/*
 * nolh.c - the nearly orthogonal Latin hypercubes of nolh.h: which design
 * a number of factors takes, and reading its levels.
 *
 * The one rule: the levels live only in nolh_tables.c, as generated; this
 * file indexes them and computes from them, so a regenerated table needs
 * no change here.
 */
#include "convoysim/nolh.h"

#include <math.h>

#include "nolh_tables.h"

/* The designs, in the order of nolh_tables. */
static const struct {
  int runs;
  size_t columns;
} nolh_sizes[NOLH_TABLES] = { { 17, 7 }, { 33, 11 }, { 65, 16 }, { 129, 22 } };

/* The index of the `runs`-run design in nolh_tables, -1 when none. */
static int nolh_index(int runs)
{
  for (int d = 0; d < NOLH_TABLES; d++)
    if (nolh_sizes[d].runs == runs)
      return d;
  return -1;
}

int nolh_runs(size_t k)
{
  if (k == 0)
    return 0;
  for (int d = 0; d < NOLH_TABLES; d++)
    if (k <= nolh_sizes[d].columns)
      return nolh_sizes[d].runs;
  return 0;
}

size_t nolh_columns(int runs)
{
  int d = nolh_index(runs);
  return d < 0 ? 0 : nolh_sizes[d].columns;
}

int nolh_level(int runs, int i, size_t j)
{
  int d = nolh_index(runs);
  if (d < 0 || i < 0 || i >= runs || j >= nolh_sizes[d].columns)
    return 0;
  return nolh_tables[d][(size_t)i * nolh_sizes[d].columns + j];
}

double nolh_max_correlation(int runs, size_t k)
{
  int d = nolh_index(runs);
  if (d < 0 || k > nolh_sizes[d].columns)
    return NAN;
  double worst = 0.0;
  for (size_t a = 0; a < k; a++)
    for (size_t b = a + 1; b < k; b++) {
      double sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0;
      for (int i = 0; i < runs; i++) {
        double x = nolh_level(runs, i, a), y = nolh_level(runs, i, b);
        sa += x;
        sb += y;
        saa += x * x;
        sbb += y * y;
        sab += x * y;
      }
      double c = fabs((sab - sa * sb / runs) / sqrt((saa - sa * sa / runs) * (sbb - sb * sb / runs)));
      if (c > worst)
        worst = c;
    }
  return worst;
}
