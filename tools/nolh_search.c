/*
 * nolh_search.c - builds the nearly orthogonal Latin hypercubes of nolh.h
 * and writes them as C source:
 *
 *   cmake --build build --target nolh_search
 *   build/nolh_search > src/mc/nolh_tables.c
 *
 * The one rule: the output is a function of this file alone.  Every random
 * choice comes from one xoshiro256** stream per design seeded by a fixed
 * constant, every search runs a fixed number of steps (no clock decides
 * anything), and the arithmetic that steers it is +, -, *, /, sqrt and
 * operations that are exact (floor, frexp, ldexp, fabs): exp and log are
 * computed here rather than taken from the C library, whose last bits may
 * differ between versions.  So the same source writes the same bytes on
 * every IEEE-754 machine, built without FMA contraction (-ffp-contract=off,
 * as the project's flags say).  stderr gets the criteria achieved and the time
 * taken; stdout gets only the tables.
 *
 * The structure is Cioppa's (2002): n = 2^m + 1 runs, levels -(n-1)/2 ..
 * (n-1)/2, every column a permutation of the n levels, and a foldover:
 * row n-1-i is -(row i) and the middle row is all zeros.  A column is
 * therefore its half h (rows 0 .. q-1, q = (n-1)/2), a signed permutation
 * of 1..q, and over the full design
 *   sum x_a x_b     = 2 h_a.h_b       (main effects: depends on the signs)
 *   sum x_a^2 x_b^2 = 2 h_a^2.h_b^2   (squares: does not)
 *   sum x_a x_b x_c = 0               (a main effect is orthogonal to every
 *                                      square and two-factor interaction).
 *
 * Two searches, both over half columns:
 *
 * - 17 runs (q = 8) is exhaustive.  Rows are relabelled so that the first
 *   half column is -8, -7, ..., -1 (row order and the choice of a row or
 *   its mirror change nothing), every other column is taken with a
 *   positive first entry (negating a column changes nothing either), and
 *   a depth-first search lists every set of 7 columns whose main effects
 *   are exactly orthogonal and whose squares correlate by at most
 *   SQUARE_CAP.  The set with the smallest max |corr| of squares wins,
 *   then the largest smallest distance between rows.
 *
 * - 33, 65 and 129 runs use simulated annealing from random starts, with
 *   two moves (swap two entries of a column, flip the sign of one) and an
 *   energy
 *     E = w_main x sum over pairs of corr(x_a, x_b)^2
 *       + w_square x sum over pairs of corr(x_a^2, x_b^2)^2
 *       + w_fill x phi_p,
 *   where phi_p = (sum over pairs of rows of (d0 / d)^p)^(1/p) is the
 *   Morris-Mitchell space-filling criterion (about d0 over the smallest
 *   distance between two rows, d0 the root mean square distance of two
 *   random points).  All three are kept up to date move by move in
 *   O(k + q) and recomputed from scratch every 65536 moves.  Of the
 *   restarts, the one kept has the least max |corr| of main effects +
 *   SELECT_SQUARE x max |corr| of squares: main effects first.
 *
 * Then, for every design, the columns are ordered greedily so that the
 * first few columns are the best few (each next column is the one whose
 * worst pair with those already taken is smallest), and the rows are
 * relabelled so that the first column reads -(n-1)/2 .. (n-1)/2.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_K 22   /* columns of the largest design */
#define MAX_Q 64   /* half rows of the largest design */
#define MAX_N 129  /* rows of the largest design */

#define SQUARE_CAP 0.25   /* the exhaustive search keeps |corr| of squares at most this */
#define SELECT_SQUARE 0.02 /* the restart kept: least max |corr main| + this x max |corr squares| */

/* ------------------------------------------------------------ arithmetic */

static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

/* e^x from a Taylor series on x - k ln 2, |x - k ln 2| <= ln 2 / 2. */
static double det_exp(double x)
{
  if (x < -700.0)
    return 0.0;
  if (x > 700.0)
    return HUGE_VAL;
  double k = floor(x * INV_LN2 + 0.5);
  double r = (x - k * LN2_HI) - k * LN2_LO;
  double term = 1.0, sum = 1.0;
  for (int i = 1; i <= 18; i++) {
    term = term * r / i;
    sum += term;
  }
  return ldexp(sum, (int)k);
}

/* ln x for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)), and
 * ln m = 2 atanh((m - 1) / (m + 1)). */
static double det_log(double x)
{
  int e;
  double m = frexp(x, &e);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e--;
  }
  double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = 0.0;
  for (int i = 1; i <= 41; i += 2) {
    sum += term / i;
    term *= s2;
  }
  return 2.0 * sum + e * LN2_HI + e * LN2_LO;
}

/* ------------------------------------------------------------ the stream */

struct rng {
  uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna). */
static uint64_t rng_next(struct rng *r)
{
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* An integer in 0 .. n-1 (n < 2^32). */
static int rng_below(struct rng *r, int n)
{
  return (int)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* A double in [0, 1). */
static double rng_unit(struct rng *r)
{
  return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------ the designs */

struct spec {
  int runs;        /* n = 2^m + 1 */
  int k;           /* columns */
  uint64_t seed;   /* of the design's stream (annealing only) */
  int restarts;    /* annealing runs from random starts; 0 = exhaustive search */
  long steps;      /* moves per annealing run */
  double t_start;  /* temperatures, geometric in between */
  double t_end;
  double w_main;   /* weights of the energy */
  double w_square;
  double w_fill;
  int p;           /* exponent of phi_p, even */
};

static const struct spec specs[] = {
  {  17,  7, 0,                    0,       0, 0.0, 0.0,     0.0, 0.0, 0.0,  0 },
  {  33, 11, 0x4e4f4c4830333331u, 24, 4000000, 1.0, 0.001, 200.0, 1.0, 0.05, 30 },
  {  65, 16, 0x4e4f4c4830363531u, 10, 6000000, 1.0, 0.001, 100.0, 1.0, 0.05, 30 },
  { 129, 22, 0x4e4f4c4831323931u,  8, 6000000, 1.0, 0.001, 200.0, 1.0, 0.05, 30 },
};
#define N_SPECS (sizeof specs / sizeof specs[0])

/* A design: its half columns. */
struct design {
  int n, k, q;
  int h[MAX_K][MAX_Q]; /* h[c][i] = level of row i in column c, rows 0 .. q-1 */
};

/* Sums of v^2 and v^4 for v = 1..q. */
static long sum_sq(int q)
{
  long s = 0;
  for (long v = 1; v <= q; v++)
    s += v * v;
  return s;
}

static long sum_4th(int q)
{
  long s = 0;
  for (long v = 1; v <= q; v++)
    s += v * v * v * v;
  return s;
}

/* ------------------------------------------------------------ the report */

struct criteria {
  double max_main;    /* max |corr| of main effects */
  double max_square;  /* max |corr| of squares */
  double min_dist;    /* smallest distance between two rows, in levels */
  long min_dist2;     /* its square */
  double cl2;         /* centred L2 discrepancy on [0, 1]^k */
};

/* The full design, row-major. */
static void full_design(const struct design *d, int *x)
{
  int n = d->n, k = d->k, q = d->q;
  for (int i = 0; i < n; i++)
    for (int c = 0; c < k; c++)
      x[i * k + c] = i < q ? d->h[c][i] : i == q ? 0 : -d->h[c][n - 1 - i];
}

/* Pearson correlation of columns a and b of the full design x, of the
 * levels (squares = 0) or of their squares (squares = 1). */
static double pearson(const int *x, int n, int k, int a, int b, int squares)
{
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int i = 0; i < n; i++) {
    double u = x[i * k + a], v = x[i * k + b];
    if (squares) {
      u *= u;
      v *= v;
    }
    sa += u;
    sb += v;
    saa += u * u;
    sbb += v * v;
    sab += u * v;
  }
  return (sab - sa * sb / n) / sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
}

static void measure(const struct design *d, struct criteria *cr)
{
  int n = d->n, k = d->k;
  static int x[MAX_N * MAX_K];
  full_design(d, x);
  cr->max_main = 0.0;
  cr->max_square = 0.0;
  for (int a = 0; a < k; a++)
    for (int b = a + 1; b < k; b++) {
      double c = fabs(pearson(x, n, k, a, b, 0)), c2 = fabs(pearson(x, n, k, a, b, 1));
      if (c > cr->max_main)
        cr->max_main = c;
      if (c2 > cr->max_square)
        cr->max_square = c2;
    }
  long best = -1;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      long s = 0;
      for (int c = 0; c < k; c++) {
        long t = x[i * k + c] - x[j * k + c];
        s += t * t;
      }
      if (best < 0 || s < best)
        best = s;
    }
  cr->min_dist2 = best;
  cr->min_dist = sqrt((double)best);
  /* Hickernell's centred L2 discrepancy, levels mapped to cell centres. */
  double half = 0.5 * (n - 1), s1 = 0.0, s2 = 0.0, base = 1.0;
  for (int c = 0; c < k; c++)
    base *= 13.0 / 12.0;
  for (int i = 0; i < n; i++) {
    double p = 1.0;
    for (int c = 0; c < k; c++) {
      double z = fabs((x[i * k + c] + half + 0.5) / n - 0.5);
      p *= 1.0 + 0.5 * z - 0.5 * z * z;
    }
    s1 += p;
    for (int j = 0; j < n; j++) {
      double pj = 1.0;
      for (int c = 0; c < k; c++) {
        double xi = (x[i * k + c] + half + 0.5) / n, xj = (x[j * k + c] + half + 0.5) / n;
        pj *= 1.0 + 0.5 * fabs(xi - 0.5) + 0.5 * fabs(xj - 0.5) - 0.5 * fabs(xi - xj);
      }
      s2 += pj;
    }
  }
  cr->cl2 = sqrt(base - 2.0 / n * s1 + s2 / ((double)n * n));
}

/* ------------------------------------------------------------ exhaustive (17 runs) */

#define XQ 8  /* half rows of the exhaustive search */

struct exhaustive {
  signed char (*cand)[XQ]; /* candidate half columns */
  size_t n_cand;
  int k;
  long num0, den;          /* |corr of squares| = |n h_a^2.h_b^2 - num0| / den */
  double cap;
  int chosen[MAX_K];       /* candidates of columns 1 .. depth - 1 */
  signed char first[XQ];   /* column 0 */
  struct design best;
  long best_sq;            /* numerator of the best max |corr| of squares */
  long best_d2;            /* and its smallest squared distance */
  long found;              /* sets of k columns found */
};

static int compatible(const struct exhaustive *x, const signed char *a, const signed char *b)
{
  long dot = 0, dsq = 0;
  for (int i = 0; i < XQ; i++) {
    dot += a[i] * b[i];
    dsq += (long)(a[i] * a[i]) * (b[i] * b[i]);
  }
  long num = labs((2 * XQ + 1) * dsq - x->num0);
  return dot == 0 && (double)num <= x->cap * (double)x->den;
}

static void exhaustive_found(struct exhaustive *x)
{
  struct design d;
  d.n = 2 * XQ + 1;
  d.q = XQ;
  d.k = x->k;
  for (int i = 0; i < XQ; i++) {
    d.h[0][i] = x->first[i];
    for (int c = 1; c < x->k; c++)
      d.h[c][i] = x->cand[x->chosen[c]][i];
  }
  long worst = 0;
  for (int a = 0; a < d.k; a++)
    for (int b = a + 1; b < d.k; b++) {
      long dsq = 0;
      for (int i = 0; i < XQ; i++)
        dsq += (long)d.h[a][i] * d.h[a][i] * d.h[b][i] * d.h[b][i];
      long num = labs(d.n * dsq - x->num0);
      if (num > worst)
        worst = num;
    }
  struct criteria cr;
  measure(&d, &cr);
  x->found++;
  if (x->found == 1 || worst < x->best_sq || (worst == x->best_sq && cr.min_dist2 > x->best_d2)) {
    x->best = d;
    x->best_sq = worst;
    x->best_d2 = cr.min_dist2;
  }
}

/* Extends columns 0 .. depth-1 with the compatible candidates list[0..n),
 * in increasing order. */
static void exhaustive_dfs(struct exhaustive *x, int depth, const int *list, size_t n)
{
  if (depth == x->k) {
    exhaustive_found(x);
    return;
  }
  int *next = malloc((n + 1) * sizeof *next);
  if (next == NULL) {
    fprintf(stderr, "nolh_search: out of memory\n");
    exit(1);
  }
  for (size_t a = 0; a + (size_t)(x->k - depth) <= n; a++) {
    size_t m = 0;
    for (size_t b = a + 1; b < n; b++)
      if (compatible(x, x->cand[list[a]], x->cand[list[b]]))
        next[m++] = list[b];
    x->chosen[depth] = list[a];
    if (m + 1 >= (size_t)(x->k - depth))
      exhaustive_dfs(x, depth + 1, next, m);
  }
  free(next);
}

/* The next permutation in lexicographic order; 0 after the last. */
static int next_permutation(signed char *p, int n)
{
  int i = n - 2;
  while (i >= 0 && p[i] >= p[i + 1])
    i--;
  if (i < 0)
    return 0;
  int j = n - 1;
  while (p[j] <= p[i])
    j--;
  signed char t = p[i];
  p[i] = p[j];
  p[j] = t;
  for (int l = i + 1, r = n - 1; l < r; l++, r--) {
    t = p[l];
    p[l] = p[r];
    p[r] = t;
  }
  return 1;
}

static void exhaustive_search(const struct spec *sp, struct design *out)
{
  static struct exhaustive x;
  memset(&x, 0, sizeof x);
  x.k = sp->k;
  x.cap = SQUARE_CAP;
  long s2 = sum_sq(XQ), s4 = sum_4th(XQ), n = 2 * XQ + 1;
  /* corr of squares = (dsq - 2 s2^2 / n) / (s4 - 2 s2^2 / n), times n / n */
  x.num0 = 2 * s2 * s2;
  x.den = n * s4 - 2 * s2 * s2;
  for (int i = 0; i < XQ; i++)
    x.first[i] = (signed char)(i - XQ);
  size_t cap = 1 << 16, len = 0;
  x.cand = malloc(cap * sizeof *x.cand);
  signed char perm[XQ], col[XQ];
  for (int i = 0; i < XQ; i++)
    perm[i] = (signed char)(i + 1);
  do {
    for (int s = 0; s < 1 << (XQ - 1); s++) {
      col[0] = perm[0];
      for (int i = 1; i < XQ; i++)
        col[i] = (s >> (i - 1)) & 1 ? (signed char)-perm[i] : perm[i];
      if (!compatible(&x, x.first, col))
        continue;
      if (len == cap) {
        cap *= 2;
        x.cand = realloc(x.cand, cap * sizeof *x.cand);
      }
      if (x.cand == NULL) {
        fprintf(stderr, "nolh_search: out of memory\n");
        exit(1);
      }
      memcpy(x.cand[len++], col, XQ);
    }
  } while (next_permutation(perm, XQ));
  x.n_cand = len;
  int *list = malloc(len * sizeof *list);
  for (size_t i = 0; i < len; i++)
    list[i] = (int)i;
  exhaustive_dfs(&x, 1, list, len);
  free(list);
  free(x.cand);
  fprintf(stderr, "  %3d runs: %zu candidate columns, %ld orthogonal sets of %d columns\n",
          sp->runs, len, x.found, sp->k);
  if (x.found == 0) {
    fprintf(stderr, "nolh_search: no design within the caps\n");
    exit(1);
  }
  *out = x.best;
}

/* ------------------------------------------------------------ annealing */

struct state {
  struct design d;
  long s2;                 /* sum of v^2, v = 1..q */
  double sq_c0, sq_c1;     /* corr of squares = (h_a^2.h_b^2 - c0) / c1 */
  long dot[MAX_K][MAX_K];  /* h_a.h_b */
  long dsq[MAX_K][MAX_K];  /* h_a^2.h_b^2 */
  long dm[MAX_Q][MAX_Q];   /* |row r - row s|^2 over the half rows */
  long dp[MAX_Q][MAX_Q];   /* |row r + row s|^2 (row r to the mirror of s) */
  long norm[MAX_Q];        /* |row r|^2 (row r to the middle row) */
  const double *g;         /* g[d2] = (d0^2 / d2)^(p/2) */
  double phisum;           /* sum over pairs of full rows of g[d2] */
  double e_main, e_square; /* sums of squared correlations */
  const struct spec *sp;
};

static double *g_table;

static void g_build(const struct state *st, int p)
{
  int k = st->d.k, q = st->d.q;
  /* The largest squared distance: k columns of (q + q)^2. */
  size_t len = (size_t)k * (size_t)(4 * q * q) + 1;
  free(g_table);
  g_table = malloc(len * sizeof *g_table);
  if (g_table == NULL) {
    fprintf(stderr, "nolh_search: out of memory\n");
    exit(1);
  }
  /* d0^2: twice the mean square of a uniform coordinate on [-q, q], k times. */
  double d0sq = 2.0 * k * (double)q * q / 3.0;
  g_table[0] = 1e300;
  for (size_t d = 1; d < len; d++) {
    double r = d0sq / (double)d, v = 1.0;
    for (int i = 0; i < p / 2; i++)
      v *= r;
    g_table[d] = v;
  }
}

static double corr_main(const struct state *st, long dot)
{
  return (double)dot / (double)st->s2;
}

static double corr_square(const struct state *st, long dsq)
{
  return ((double)dsq - st->sq_c0) / st->sq_c1;
}

/* The terms of half row r with itself: to its mirror (4 norm) once and
 * to the middle row (norm) twice, once for each half. */
static double self_terms(const struct state *st, long norm)
{
  return st->g[4 * norm] + 2.0 * st->g[norm];
}

/* Everything from the half columns, from scratch. */
static void recompute(struct state *st)
{
  int k = st->d.k, q = st->d.q;
  int (*h)[MAX_Q] = st->d.h;
  st->e_main = 0.0;
  st->e_square = 0.0;
  for (int a = 0; a < k; a++)
    for (int b = 0; b < k; b++) {
      long d = 0, s = 0;
      for (int i = 0; i < q; i++) {
        d += (long)h[a][i] * h[b][i];
        s += (long)h[a][i] * h[a][i] * h[b][i] * h[b][i];
      }
      st->dot[a][b] = d;
      st->dsq[a][b] = s;
      if (a < b) {
        double c = corr_main(st, d), c2 = corr_square(st, s);
        st->e_main += c * c;
        st->e_square += c2 * c2;
      }
    }
  for (int r = 0; r < q; r++) {
    long nr = 0;
    for (int c = 0; c < k; c++)
      nr += (long)h[c][r] * h[c][r];
    st->norm[r] = nr;
    for (int s = 0; s < q; s++) {
      long m = 0, p = 0;
      for (int c = 0; c < k; c++) {
        long x = h[c][r], y = h[c][s];
        m += (x - y) * (x - y);
        p += (x + y) * (x + y);
      }
      st->dm[r][s] = m;
      st->dp[r][s] = p;
    }
  }
  st->phisum = 0.0;
  for (int r = 0; r < q; r++) {
    st->phisum += self_terms(st, st->norm[r]);
    for (int s = r + 1; s < q; s++)
      st->phisum += 2.0 * (st->g[st->dm[r][s]] + st->g[st->dp[r][s]]);
  }
}

static double energy(const struct state *st, double e_main, double e_square, double phisum)
{
  return st->sp->w_main * e_main + st->sp->w_square * e_square
         + st->sp->w_fill * det_exp(det_log(phisum) / st->sp->p);
}

static void random_start(struct state *st, struct rng *r)
{
  for (int c = 0; c < st->d.k; c++) {
    int *h = st->d.h[c];
    for (int i = 0; i < st->d.q; i++)
      h[i] = i + 1;
    for (int i = st->d.q - 1; i > 0; i--) {
      int j = rng_below(r, i + 1);
      int t = h[i];
      h[i] = h[j];
      h[j] = t;
    }
    for (int i = 0; i < st->d.q; i++)
      if (rng_next(r) >> 63)
        h[i] = -h[i];
  }
  recompute(st);
}

/* A proposed move: in column a, swap rows i and j (j >= 0) or flip the
 * sign of row i (j < 0), with what it changes. */
struct move {
  int a, i, j;
  long ddot[MAX_K];
  long ddsq[MAX_K];
  double de_main, de_square, dphi;
};

static void propose(const struct state *st, struct rng *r, struct move *mv)
{
  int k = st->d.k, q = st->d.q;
  int swap = (int)(rng_next(r) >> 63);
  int a = rng_below(r, k), i = rng_below(r, q), j = -1;
  if (swap) {
    j = rng_below(r, q - 1);
    if (j >= i)
      j++;
  }
  mv->a = a;
  mv->i = i;
  mv->j = j;
  const int *ha = st->d.h[a];
  const double *g = st->g;
  long u = ha[i];
  double de_main = 0.0, de_square = 0.0, dphi = 0.0;
  if (j >= 0) {
    long v = ha[j];
    long dv = v - u, dv2 = v * v - u * u;
    for (int b = 0; b < k; b++) {
      if (b == a) {
        mv->ddot[b] = 0;
        mv->ddsq[b] = 0;
        continue;
      }
      long hi = st->d.h[b][i], hj = st->d.h[b][j];
      long dd = dv * (hi - hj), ds = dv2 * (hi * hi - hj * hj);
      mv->ddot[b] = dd;
      mv->ddsq[b] = ds;
      double c0 = corr_main(st, st->dot[a][b]), c1 = corr_main(st, st->dot[a][b] + dd);
      double s0 = corr_square(st, st->dsq[a][b]), s1 = corr_square(st, st->dsq[a][b] + ds);
      de_main += c1 * c1 - c0 * c0;
      de_square += s1 * s1 - s0 * s0;
    }
    for (int s = 0; s < q; s++) {
      if (s == i || s == j)
        continue;
      long hs = ha[s];
      long mi = st->dm[i][s] + dv * (v + u - 2 * hs);
      long pi = st->dp[i][s] + dv * (v + u + 2 * hs);
      long mj = st->dm[j][s] - dv * (u + v - 2 * hs);
      long pj = st->dp[j][s] - dv * (u + v + 2 * hs);
      dphi += g[mi] + g[pi] + g[mj] + g[pj]
              - g[st->dm[i][s]] - g[st->dp[i][s]] - g[st->dm[j][s]] - g[st->dp[j][s]];
    }
    dphi *= 2.0;
    dphi += self_terms(st, st->norm[i] + dv2) + self_terms(st, st->norm[j] - dv2)
            - self_terms(st, st->norm[i]) - self_terms(st, st->norm[j]);
  } else {
    for (int b = 0; b < k; b++) {
      if (b == a) {
        mv->ddot[b] = 0;
        continue;
      }
      long dd = -2 * u * st->d.h[b][i];
      mv->ddot[b] = dd;
      double c0 = corr_main(st, st->dot[a][b]), c1 = corr_main(st, st->dot[a][b] + dd);
      de_main += c1 * c1 - c0 * c0;
    }
    for (int s = 0; s < q; s++) {
      if (s == i)
        continue;
      long t = 4 * u * ha[s];
      dphi += g[st->dm[i][s] + t] + g[st->dp[i][s] - t] - g[st->dm[i][s]] - g[st->dp[i][s]];
    }
    dphi *= 2.0;
  }
  mv->de_main = de_main;
  mv->de_square = de_square;
  mv->dphi = dphi;
}

static void apply(struct state *st, const struct move *mv)
{
  int k = st->d.k, q = st->d.q, a = mv->a, i = mv->i, j = mv->j;
  int *ha = st->d.h[a];
  long u = ha[i];
  if (j >= 0) {
    long v = ha[j];
    long dv = v - u, dv2 = v * v - u * u;
    for (int b = 0; b < k; b++) {
      st->dot[a][b] += mv->ddot[b];
      st->dot[b][a] = st->dot[a][b];
      st->dsq[a][b] += mv->ddsq[b];
      st->dsq[b][a] = st->dsq[a][b];
    }
    for (int s = 0; s < q; s++) {
      if (s == i || s == j)
        continue;
      long hs = ha[s];
      st->dm[i][s] += dv * (v + u - 2 * hs);
      st->dp[i][s] += dv * (v + u + 2 * hs);
      st->dm[j][s] -= dv * (u + v - 2 * hs);
      st->dp[j][s] -= dv * (u + v + 2 * hs);
      st->dm[s][i] = st->dm[i][s];
      st->dp[s][i] = st->dp[i][s];
      st->dm[s][j] = st->dm[j][s];
      st->dp[s][j] = st->dp[j][s];
    }
    st->norm[i] += dv2;
    st->norm[j] -= dv2;
    ha[i] = (int)v;
    ha[j] = (int)u;
  } else {
    for (int b = 0; b < k; b++) {
      st->dot[a][b] += mv->ddot[b];
      st->dot[b][a] = st->dot[a][b];
    }
    for (int s = 0; s < q; s++) {
      if (s == i)
        continue;
      long t = 4 * u * ha[s];
      st->dm[i][s] += t;
      st->dp[i][s] -= t;
      st->dm[s][i] = st->dm[i][s];
      st->dp[s][i] = st->dp[i][s];
    }
    ha[i] = (int)-u;
  }
  st->e_main += mv->de_main;
  st->e_square += mv->de_square;
  st->phisum += mv->dphi;
}

/* The fill term of the energy after phisum changes by dphi, from the
 * term now (fill at phisum): w_fill x (phisum + dphi)^(1/p), to second
 * order in dphi / phisum when that is small. */
static double fill_after(const struct state *st, double fill, double dphi)
{
  double x = dphi / st->phisum, p = st->sp->p;
  if (x > -0.05 && x < 0.05)
    return fill * (1.0 + x / p - (p - 1.0) * x * x / (2.0 * p * p));
  return fill * det_exp(det_log(1.0 + x) / p);
}

/* One annealing run from a random start; returns the final energy. */
static double anneal(struct state *st, struct rng *r)
{
  const struct spec *sp = st->sp;
  random_start(st, r);
  double e = energy(st, st->e_main, st->e_square, st->phisum);
  double fill = e - sp->w_main * st->e_main - sp->w_square * st->e_square;
  double temp = sp->t_start;
  double cool = det_exp(det_log(sp->t_end / sp->t_start) / (double)sp->steps);
  struct move mv;
  for (long t = 0; t < sp->steps; t++, temp *= cool) {
    if ((t & 0xffff) == 0) {
      recompute(st);
      e = energy(st, st->e_main, st->e_square, st->phisum);
      fill = e - sp->w_main * st->e_main - sp->w_square * st->e_square;
    }
    propose(st, r, &mv);
    double de = sp->w_main * mv.de_main + sp->w_square * mv.de_square + fill_after(st, fill, mv.dphi) - fill;
    if (de <= 0.0 || (de < 40.0 * temp && rng_unit(r) < det_exp(-de / temp))) {
      apply(st, &mv);
      e = energy(st, st->e_main, st->e_square, st->phisum);
      fill = e - sp->w_main * st->e_main - sp->w_square * st->e_square;
    }
  }
  recompute(st);
  return energy(st, st->e_main, st->e_square, st->phisum);
}

static void anneal_search(const struct spec *sp, struct design *out)
{
  static struct state st;
  struct rng r;
  double best_key = HUGE_VAL;
  memset(&st, 0, sizeof st);
  st.sp = sp;
  st.d.n = sp->runs;
  st.d.k = sp->k;
  st.d.q = (sp->runs - 1) / 2;
  st.s2 = sum_sq(st.d.q);
  st.sq_c0 = 2.0 * (double)st.s2 * (double)st.s2 / st.d.n;
  st.sq_c1 = (double)sum_4th(st.d.q) - st.sq_c0;
  g_build(&st, sp->p);
  st.g = g_table;
  rng_seed(&r, sp->seed);
  for (int run = 0; run < sp->restarts; run++) {
    double e = anneal(&st, &r);
    struct criteria cr;
    measure(&st.d, &cr);
    fprintf(stderr, "  %3d runs, restart %2d: energy %.6f, main %.4f, squares %.4f, min distance %.3f\n",
            sp->runs, run, e, cr.max_main, cr.max_square, cr.min_dist);
    double key = cr.max_main + SELECT_SQUARE * cr.max_square;
    if (key < best_key) {
      best_key = key;
      *out = st.d;
    }
  }
}

/* ------------------------------------------------------------ presentation */

/* Orders the columns greedily: column 0 stays, then each next column is
 * the one whose worst pair with those taken, |corr main| + 0.1 |corr
 * squares|, is smallest.  Then relabels the rows (and picks row or
 * mirror) so that the first column reads -q .. -1 down the half. */
static void present(struct design *d)
{
  int n = d->n, k = d->k, q = d->q;
  static int x[MAX_N * MAX_K];
  double score[MAX_K][MAX_K];
  full_design(d, x);
  for (int a = 0; a < k; a++)
    for (int b = 0; b < k; b++)
      score[a][b] = a == b ? 0.0 : fabs(pearson(x, n, k, a, b, 0)) + 0.1 * fabs(pearson(x, n, k, a, b, 1));
  int order[MAX_K], taken[MAX_K] = { 0 };
  order[0] = 0;
  taken[0] = 1;
  for (int pos = 1; pos < k; pos++) {
    int best = -1;
    double best_s = HUGE_VAL;
    for (int c = 0; c < k; c++) {
      if (taken[c])
        continue;
      double s = 0.0;
      for (int p = 0; p < pos; p++)
        if (score[order[p]][c] > s)
          s = score[order[p]][c];
      if (s < best_s) {
        best_s = s;
        best = c;
      }
    }
    order[pos] = best;
    taken[best] = 1;
  }
  struct design t = *d;
  for (int c = 0; c < k; c++)
    memcpy(t.h[c], d->h[order[c]], sizeof t.h[c]);
  /* Row i of the half gets the row whose first column is i - q. */
  for (int i = 0; i < q; i++) {
    int want = i - q;
    for (int r = 0; r < q; r++) {
      int v = t.h[0][r];
      if (v == want || v == -want) {
        int sign = v == want ? 1 : -1;
        for (int c = 0; c < k; c++)
          d->h[c][i] = sign * t.h[c][r];
        break;
      }
    }
  }
}

/* ------------------------------------------------------------ the output */

static double seconds(void)
{
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static struct design designs[N_SPECS];
static struct criteria crits[N_SPECS];

static void write_tables(void)
{
  printf("/*\n"
         " * nolh_tables.c - the nearly orthogonal Latin hypercubes of nolh.h, as\n"
         " * levels, row-major.  Generated by tools/nolh_search.c; do not edit, run:\n"
         " *\n"
         " *   cmake --build build --target nolh_search\n"
         " *   build/nolh_search > src/mc/nolh_tables.c\n"
         " *\n"
         " * Achieved over the full designs (Pearson correlations; the smallest\n"
         " * Euclidean distance between two rows, in levels; the centred L2\n"
         " * discrepancy with levels at the centres of n cells of [0, 1]):\n"
         " *\n"
         " *   runs  columns  max |corr|  max |corr|  min row   CL2\n"
         " *                  main        squares     distance\n");
  for (size_t d = 0; d < N_SPECS; d++)
    printf(" *   %4d  %7d  %10.4f  %10.4f  %8.3f  %6.4f\n", designs[d].n, designs[d].k,
           crits[d].max_main, crits[d].max_square, crits[d].min_dist, crits[d].cl2);
  printf(" */\n"
         "#include \"nolh_tables.h\"\n");
  for (size_t d = 0; d < N_SPECS; d++) {
    static int x[MAX_N * MAX_K];
    int n = designs[d].n, k = designs[d].k;
    full_design(&designs[d], x);
    printf("\nstatic const signed char nolh_%d[%d * %d] = {\n", n, n, k);
    for (int i = 0; i < n; i++) {
      printf(" ");
      for (int c = 0; c < k; c++)
        printf(" %3d,", x[i * k + c]);
      printf("\n");
    }
    printf("};\n");
  }
  printf("\nconst signed char *const nolh_tables[NOLH_TABLES] = {");
  for (size_t d = 0; d < N_SPECS; d++)
    printf("%s nolh_%d", d ? "," : "", designs[d].n);
  printf(" };\n");
}

int main(void)
{
  double t0 = seconds();
  for (size_t d = 0; d < N_SPECS; d++) {
    const struct spec *sp = &specs[d];
    double t1 = seconds();
    if (sp->restarts == 0)
      exhaustive_search(sp, &designs[d]);
    else
      anneal_search(sp, &designs[d]);
    present(&designs[d]);
    measure(&designs[d], &crits[d]);
    fprintf(stderr, "%3d runs x %2d columns: max |corr| main effects %.4f, squares %.4f, "
            "min row distance %.3f, CL2 discrepancy %.4f (%.1f s)\n",
            sp->runs, sp->k, crits[d].max_main, crits[d].max_square, crits[d].min_dist,
            crits[d].cl2, seconds() - t1);
  }
  free(g_table);
  write_tables();
  fprintf(stderr, "total %.1f s\n", seconds() - t0);
  return 0;
}
