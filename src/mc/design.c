/* design.c - factors and the points of a sweep (design.h). */
#include "convoysim/design.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>

#include "convoysim/csvin.h"
#include "convoysim/nolh.h"
#include "convoysim/schema.h"
#include "convoysim/stream.h"

#define LHS_SOURCE 0x4C4853u /* "LHS" */

static char *dup_n(const char *s, size_t n)
{
  char *p = malloc(n + 1);
  if (p != NULL) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* s without surrounding blanks, copied. */
static char *dup_trim(const char *s, size_t n)
{
  while (n > 0 && isspace((unsigned char)*s)) {
    s++;
    n--;
  }
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  return dup_n(s, n);
}

static bool parse_number(const char *s, double *out)
{
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  while (*end && isspace((unsigned char)*end))
    end++;
  return end != s && *end == '\0' && errno == 0 && isfinite(*out);
}

void design_factor_release(struct design_factor *f)
{
  free(f->key);
  for (size_t i = 0; i < f->n_values; i++)
    free(f->values[i]);
  free(f->values);
  memset(f, 0, sizeof *f);
}

enum err design_factor_parse(const char *arg, struct design_factor *f, char *why, size_t len)
{
  const char *eq = strchr(arg, '=');
  memset(f, 0, sizeof *f);
  if (eq == NULL || eq == arg) {
    snprintf(why, len, "--vary needs KEY=SPEC (a,b,c or lo:hi:step or lo:hi), not '%s'", arg);
    return ERR_USAGE;
  }
  f->key = dup_trim(arg, (size_t)(eq - arg));
  if (f->key == NULL)
    return ERR_NOMEM;
  const char *spec = eq + 1;
  if (strchr(spec, ':') != NULL && strchr(spec, '{') == NULL && strchr(spec, '"') == NULL) {
    char buf[3][128];
    int n = 0;
    const char *p = spec;
    for (;;) {
      const char *c = strchr(p, ':');
      size_t l = c ? (size_t)(c - p) : strlen(p);
      if (n == 3 || l >= sizeof buf[0]) {
        snprintf(why, len, "--vary %s: '%s' is not lo:hi or lo:hi:step", f->key, spec);
        design_factor_release(f);
        return ERR_USAGE;
      }
      memcpy(buf[n], p, l);
      buf[n++][l] = '\0';
      if (c == NULL)
        break;
      p = c + 1;
    }
    double v[3] = { 0, 0, 0 };
    for (int i = 0; i < n; i++)
      if (!parse_number(buf[i], &v[i])) {
        snprintf(why, len, "--vary %s: '%s' is not a number (in '%s')", f->key, buf[i], spec);
        design_factor_release(f);
        return ERR_USAGE;
      }
    if (n < 2 || v[1] < v[0] || (n == 3 && !(v[2] > 0))) {
      snprintf(why, len, "--vary %s: '%s' must be lo:hi with lo <= hi, or lo:hi:step with step > 0", f->key,
               spec);
      design_factor_release(f);
      return ERR_USAGE;
    }
    f->range = true;
    f->lo = v[0];
    f->hi = v[1];
    f->step = n == 3 ? v[2] : 0.0;
    if (f->step > 0 && (f->hi - f->lo) / f->step > (double)DESIGN_MAX_POINTS) {
      snprintf(why, len, "--vary %s: '%s' has more than %ld steps", f->key, spec, DESIGN_MAX_POINTS);
      design_factor_release(f);
      return ERR_USAGE;
    }
    return ERR_OK;
  }
  /* a list a,b,c (commas inside {} or quotes do not split) */
  size_t cap = 0;
  int depth = 0;
  bool q = false;
  const char *start = spec;
  for (const char *p = spec;; p++) {
    if (*p == '"')
      q = !q;
    else if (!q && (*p == '{' || *p == '[' || *p == '('))
      depth++;
    else if (!q && (*p == '}' || *p == ']' || *p == ')'))
      depth--;
    if (*p == '\0' || (*p == ',' && depth == 0 && !q)) {
      if (f->n_values == cap) {
        size_t nc = cap ? 2 * cap : 8;
        char **nv = realloc(f->values, nc * sizeof *nv);
        if (nv == NULL) {
          design_factor_release(f);
          return ERR_NOMEM;
        }
        f->values = nv;
        cap = nc;
      }
      char *v = dup_trim(start, (size_t)(p - start));
      if (v == NULL) {
        design_factor_release(f);
        return ERR_NOMEM;
      }
      f->values[f->n_values++] = v;
      if (v[0] == '\0') {
        snprintf(why, len, "--vary %s: an empty value in '%s'", f->key, spec);
        design_factor_release(f);
        return ERR_USAGE;
      }
      if (*p == '\0')
        break;
      start = p + 1;
    }
  }
  return ERR_OK;
}

/* A number as --set text: integers for integer keys, else the shortest
 * form that reads back. */
static char *number_text(double x, bool integer)
{
  char buf[64];
  if (integer) {
    snprintf(buf, sizeof buf, "%.0f", nearbyint(x));
    if (strcmp(buf, "-0") == 0)
      snprintf(buf, sizeof buf, "0");
  } else {
    schema_format_real(x, buf, sizeof buf); /* as the scenario spells it: 2500.0 */
  }
  return strdup(buf);
}

/* A grid factor's steps as a list of values. */
static enum err grid_values(struct design_factor *f)
{
  long n = (long)floor((f->hi - f->lo) / f->step + 1e-9) + 1;
  f->values = calloc((size_t)n, sizeof *f->values);
  if (f->values == NULL)
    return ERR_NOMEM;
  for (long i = 0; i < n; i++) {
    double x = f->lo + (double)i * f->step;
    if (x > f->hi)
      x = f->hi; /* the last step within rounding */
    f->values[i] = number_text(x, f->integer);
    if (f->values[i] == NULL)
      return ERR_NOMEM;
    f->n_values++;
  }
  return ERR_OK;
}

/* The cell of factor f at level x in [0, 1]. */
static char *level_text(const struct design_factor *f, double x)
{
  if (f->n_values > 0) {
    size_t i = (size_t)floor(x * (double)f->n_values);
    if (i >= f->n_values)
      i = f->n_values - 1;
    return strdup(f->values[i]);
  }
  return number_text(f->lo + x * (f->hi - f->lo), f->integer);
}

void design_release(struct design *d)
{
  for (size_t j = 0; j < d->n_f; j++)
    design_factor_release(&d->f[j]);
  free(d->f);
  if (d->cell != NULL)
    for (size_t i = 0; i < d->n_points * d->n_f; i++)
      free(d->cell[i]);
  free(d->cell);
  free(d->line);
  memset(d, 0, sizeof *d);
}

double design_max_correlation(const double *x, size_t n, size_t n_f)
{
  double worst = NAN;
  if (n_f < 2 || n < 3)
    return NAN;
  for (size_t a = 0; a < n_f; a++)
    for (size_t b = a + 1; b < n_f; b++) {
      double r = gsl_stats_correlation(x + a, n_f, x + b, n_f, n);
      if (isnan(r))
        return NAN;
      if (isnan(worst) || fabs(r) > worst)
        worst = fabs(r);
    }
  return worst;
}

/* The correlation of the numeric columns of d's cells. */
static enum err cell_correlation(struct design *d)
{
  size_t *num = calloc(d->n_f + 1, sizeof *num), k = 0;
  double *x = NULL;
  d->max_corr = NAN;
  if (num == NULL)
    return ERR_NOMEM;
  for (size_t j = 0; j < d->n_f; j++) {
    bool all = true;
    double v;
    for (size_t i = 0; i < d->n_points && all; i++)
      all = parse_number(d->cell[i * d->n_f + j], &v);
    if (all)
      num[k++] = j;
  }
  if (k >= 2 && d->n_points >= 3) {
    x = malloc(d->n_points * k * sizeof *x);
    if (x == NULL) {
      free(num);
      return ERR_NOMEM;
    }
    for (size_t i = 0; i < d->n_points; i++)
      for (size_t c = 0; c < k; c++)
        parse_number(d->cell[i * d->n_f + num[c]], &x[i * k + c]);
    d->max_corr = design_max_correlation(x, d->n_points, k);
  }
  free(x);
  free(num);
  return ERR_OK;
}

enum err design_build(struct design *d, struct design_factor *f, size_t n, enum sweep_design kind,
                      long points, uint64_t seed, char *why, size_t len)
{
  enum err e = ERR_OK;
  memset(d, 0, sizeof *d);
  d->f = f;
  d->n_f = n;
  d->kind = kind;
  if (n == 0 || n > DESIGN_MAX_FACTORS) {
    snprintf(why, len, "a sweep needs 1 to %d factors, not %zu", DESIGN_MAX_FACTORS, n);
    return ERR_USAGE;
  }
  for (size_t j = 0; j < n && e == ERR_OK; j++) {
    if (f[j].range && f[j].step > 0 && f[j].n_values == 0)
      e = grid_values(&f[j]);
    else if (f[j].range && kind == DESIGN_GRID) {
      snprintf(why, len, "'%s' is a range (lo:hi): a grid needs a list or a step (lo:hi:step); a range needs "
               "--design lhs or nolh", f[j].key);
      return ERR_USAGE;
    }
  }
  if (e != ERR_OK)
    return e;
  if (kind == DESIGN_GRID) {
    double total = 1;
    for (size_t j = 0; j < n; j++)
      total *= (double)f[j].n_values;
    if (total > (double)DESIGN_MAX_POINTS) {
      snprintf(why, len, "the grid has %.0f points, more than %ld", total, DESIGN_MAX_POINTS);
      return ERR_USAGE;
    }
    d->n_points = (size_t)total;
  } else if (kind == DESIGN_LHS) {
    d->n_points = points > 0 ? (size_t)points : 10 * n;
    if (d->n_points > (size_t)DESIGN_MAX_POINTS) {
      snprintf(why, len, "lhs with %zu points: at most %ld", d->n_points, DESIGN_MAX_POINTS);
      return ERR_USAGE;
    }
  } else {
    int runs = nolh_runs(n);
    if (runs == 0) {
      snprintf(why, len, "nolh designs have at most %d factors, not %zu", NOLH_MAX_FACTORS, n);
      return ERR_USAGE;
    }
    if (points > 0) {
      if (nolh_columns((int)points) < n) {
        snprintf(why, len, "nolh has no %ld-point design for %zu factors: give 17 (up to 7), 33 (11), 65 (16) "
                 "or 129 (22), or leave points out", points, n);
        return ERR_USAGE;
      }
      runs = (int)points;
    }
    d->n_points = (size_t)runs;
  }
  d->cell = calloc(d->n_points * n, sizeof *d->cell);
  if (d->cell == NULL)
    return ERR_NOMEM;
  if (kind == DESIGN_GRID) {
    for (size_t i = 0; i < d->n_points; i++) {
      size_t r = i;
      for (size_t j = n; j-- > 0;) { /* the last factor fastest */
        d->cell[i * n + j] = strdup(f[j].values[r % f[j].n_values]);
        r /= f[j].n_values;
        if (d->cell[i * n + j] == NULL)
          return ERR_NOMEM;
      }
    }
  } else if (kind == DESIGN_LHS) {
    gsl_rng *r = stream_new();
    size_t *perm = malloc(d->n_points * sizeof *perm);
    if (r == NULL || perm == NULL) {
      stream_free(r);
      free(perm);
      return ERR_NOMEM;
    }
    stream_seek(r, seed, UINT64_MAX, LHS_SOURCE);
    for (size_t j = 0; j < n && e == ERR_OK; j++) {
      for (size_t i = 0; i < d->n_points; i++)
        perm[i] = i;
      gsl_ran_shuffle(r, perm, d->n_points, sizeof *perm);
      for (size_t i = 0; i < d->n_points; i++) {
        double x = ((double)perm[i] + gsl_rng_uniform(r)) / (double)d->n_points;
        d->cell[i * n + j] = level_text(&f[j], x);
        if (d->cell[i * n + j] == NULL) {
          e = ERR_NOMEM;
          break;
        }
      }
    }
    stream_free(r);
    free(perm);
    if (e != ERR_OK)
      return e;
  } else {
    int runs = (int)d->n_points, half = (runs - 1) / 2;
    for (size_t i = 0; i < d->n_points; i++)
      for (size_t j = 0; j < n; j++) {
        double x = (double)(nolh_level(runs, (int)i, j) + half) / (double)(runs - 1);
        d->cell[i * n + j] = level_text(&f[j], x);
        if (d->cell[i * n + j] == NULL)
          return ERR_NOMEM;
      }
  }
  return cell_correlation(d);
}

enum err design_read_file(struct design *d, const char *path, struct diag *dg)
{
  struct csv_reader r;
  enum err e = ERR_OK;
  size_t cap = 0, before = diag_count(dg);
  int got;
  memset(d, 0, sizeof *d);
  d->from_file = true;
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* a FIFO would block, a device never end */
    diag_add(dg, path, 0, "not a regular file: give a design file (CSV)");
    return ERR_SCENARIO;
  }
  if (csv_reader_open(&r, path) != ERR_OK)
    return ERR_NOINPUT;
  got = csv_reader_next(&r);
  if (got <= 0) {
    diag_add(dg, path, got < 0 ? (int)r.line : 0, "%s", got < 0 ? r.why : "the design file is empty: it needs a header row of KEY names");
    csv_reader_close(&r);
    return ERR_SCENARIO;
  }
  if (r.n_cell > DESIGN_MAX_FACTORS) {
    diag_add(dg, path, 1, "%zu columns: a design has at most %d factors", r.n_cell, DESIGN_MAX_FACTORS);
    csv_reader_close(&r);
    return ERR_SCENARIO;
  }
  d->f = calloc(r.n_cell, sizeof *d->f);
  if (d->f == NULL) {
    csv_reader_close(&r);
    return ERR_NOMEM;
  }
  d->n_f = r.n_cell;
  for (size_t j = 0; j < r.n_cell; j++) {
    d->f[j].key = dup_trim(r.cell[j], strlen(r.cell[j]));
    d->f[j].line = 1;
    if (d->f[j].key == NULL) {
      e = ERR_NOMEM;
      break;
    }
    if (d->f[j].key[0] == '\0')
      diag_add(dg, path, (int)r.line, "column %zu has no KEY name in the header", j + 1);
    for (size_t k = 0; k < j; k++)
      if (strcmp(d->f[k].key, d->f[j].key) == 0)
        diag_add(dg, path, (int)r.line, "'%s' is a column twice (columns %zu and %zu)", d->f[j].key, k + 1, j + 1);
  }
  while (e == ERR_OK && (got = csv_reader_next(&r)) != 0) {
    if (got < 0) {
      diag_add(dg, path, (int)r.line, "%s", r.why);
      break;
    }
    if (r.n_cell == 1 && r.cell[0][0] == '\0')
      continue; /* a blank line */
    if (r.n_cell != d->n_f) {
      diag_add(dg, path, (int)r.line, "%zu cells, but the header names %zu keys", r.n_cell, d->n_f);
      continue;
    }
    if (d->n_points >= (size_t)DESIGN_MAX_POINTS) {
      diag_add(dg, path, (int)r.line, "more than %ld design points: split the design over several sweeps, "
               "each into its own folder", DESIGN_MAX_POINTS);
      break;
    }
    if (d->n_points == cap) {
      size_t nc = cap ? 2 * cap : 64;
      char **cells = realloc(d->cell, nc * d->n_f * sizeof *cells);
      long *lines = cells ? realloc(d->line, nc * sizeof *lines) : NULL;
      if (cells != NULL)
        d->cell = cells;
      if (lines == NULL) {
        e = ERR_NOMEM;
        break;
      }
      d->line = lines;
      cap = nc;
    }
    for (size_t j = 0; j < d->n_f; j++) {
      char *c = dup_trim(r.cell[j], strlen(r.cell[j]));
      d->cell[d->n_points * d->n_f + j] = c;
      if (c == NULL)
        e = ERR_NOMEM;
      else if (c[0] == '\0')
        diag_add(dg, path, (int)r.line, "the cell of '%s' is empty", d->f[j].key);
    }
    d->line[d->n_points++] = r.line;
  }
  csv_reader_close(&r);
  if (e == ERR_OK && d->n_points == 0 && diag_count(dg) == before)
    diag_add(dg, path, 0, "the design file has a header but no design points");
  if (e == ERR_OK)
    e = diag_count(dg) > before ? ERR_SCENARIO : cell_correlation(d);
  return e;
}
