/*
 * study.c - the points of a study and their run through one pool
 * (study.h): loading and checking each point, the runner plan's callbacks
 * (open a point's model, replay its kept replications, write its rows when
 * it is done), and the paired comparison with the reference point.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include <omp.h>

#include "cli.h"
#include "convoysim/progress.h"
#include "convoysim/schema.h"
#include "convoysim/cluster.h"
#include "study.h"

/* "2 threads", or under MPI "3 ranks x 2 threads": where a study ran. */
const char *study_where(char *buf, size_t len, int threads)
{
  if (cluster_size() > 1)
    snprintf(buf, len, "%d ranks x %d thread%s", cluster_size(), threads, threads == 1 ? "" : "s");
  else
    snprintf(buf, len, "%d thread%s", threads, threads == 1 ? "" : "s");
  return buf;
}

/* ------------------------------------------------------------ loading */

int study_load_base(struct study *s, const char *cmd, const char *path, const struct study_opts *o)
{
  struct diag d;
  enum err e;
  memset(s, 0, sizeof *s);
  s->cmd = cmd;
  s->path = path;
  s->o = o;
  s->ref = -1;
  diag_init(&d);
  e = scenario_load(&s->base, path, o->sets, o->n_sets, &d);
  diag_print(&d, stderr);
  diag_release(&d);
  if (e != ERR_OK) {
    if (e == ERR_SCENARIO)
      cli_error(cmd, "%s has problems; nothing was run", path);
    else if (e != ERR_NOINPUT)
      cli_error(cmd, "%s", err_str(e));
    return err_exit_code(e);
  }
  s->have_base = true;
  s->seed = o->have_seed ? o->seed : s->base.seed;
  s->max_reps = o->reps > 0 ? o->reps : s->base.replications;
  s->threads = o->threads > 0 ? o->threads : omp_get_max_threads();
  return 0;
}

/* Load point i's scenario (the base file with its --set list) into *sc. */
static enum err load_point(struct study *s, size_t i, struct scenario *sc, struct diag *d)
{
  const struct study_point *p = &s->pt[i];
  return scenario_load(sc, s->path, p->sets, p->n_sets, d);
}

/* "point 3 (force.troops=2000, force.roe=robust)" or, from a file, with its line. */
static void point_label(const struct study *s, size_t i, char *buf, size_t len)
{
  size_t n;
  if (s->pt[i].line > 0 && s->o->design_file != NULL)
    n = (size_t)snprintf(buf, len, "%s:%ld: design point %zu", s->o->design_file, s->pt[i].line, i);
  else
    n = (size_t)snprintf(buf, len, "design point %zu", i);
  for (size_t k = 0; k < s->n_keys && n < len; k++)
    n += (size_t)snprintf(buf + n, len - n, "%s%s", k ? ", " : " (", s->pt[i].own[k]);
  if (s->n_keys > 0 && n < len)
    snprintf(buf + n, len - n, ")");
}

int study_set_points(struct study *s, size_t n_keys, const char *const *keys, size_t n_points,
                     const char *const *values, const long *lines)
{
  const struct study_opts *o = s->o;
  size_t bad = 0;
  s->n_keys = n_keys;
  s->n_points = n_points;
  s->keys = calloc(n_keys + 1, sizeof *s->keys);
  s->pt = calloc(n_points + 1, sizeof *s->pt);
  s->sc = calloc(n_points + 1, sizeof *s->sc);
  s->model = calloc(n_points + 1, sizeof *s->model);
  s->rm = calloc(n_points + 1, sizeof *s->rm);
  s->kept = calloc(n_points + 1, sizeof *s->kept);
  s->means = calloc((n_points + 1) * METRIC_COUNT, sizeof *s->means);
  s->reps = calloc(n_points + 1, sizeof *s->reps);
  if (!s->keys || !s->pt || !s->sc || !s->model || !s->rm || !s->kept || !s->means || !s->reps) {
    cli_error(s->cmd, "out of memory");
    return EXIT_SOFTWARE;
  }
  for (size_t k = 0; k < n_keys; k++)
    if ((s->keys[k] = strdup(keys[k])) == NULL)
      return EXIT_SOFTWARE;
  for (size_t i = 0; i < n_points; i++) {
    struct study_point *p = &s->pt[i];
    p->line = lines ? lines[i] : 0;
    p->sets = calloc(o->n_sets + n_keys + 1, sizeof *p->sets);
    p->own = calloc(n_keys + 1, sizeof *p->own);
    p->cells = calloc(n_keys + 1, sizeof *p->cells);
    if (!p->sets || !p->own || !p->cells)
      return EXIT_SOFTWARE;
    for (size_t j = 0; j < o->n_sets; j++)
      p->sets[p->n_sets++] = o->sets[j];
    for (size_t k = 0; k < n_keys; k++) {
      const char *v = values[i * n_keys + k];
      size_t len = strlen(keys[k]) + strlen(v) + 2;
      if ((p->own[k] = malloc(len)) == NULL)
        return EXIT_SOFTWARE;
      snprintf(p->own[k], len, "%s=%s", keys[k], v);
      if (strcmp(s->cmd, "run") != 0) /* run: its keys are its --set values already */
        p->sets[p->n_sets++] = p->own[k];
    }
  }
  /* every point loads, builds its model, and gets its columns, before anything runs */
  for (size_t i = 0; i < n_points; i++) {
    struct scenario sc;
    struct model *m = NULL;
    struct diag d;
    char label[1024];
    enum err e;
    diag_init(&d);
    e = load_point(s, i, &sc, &d);
    if (e == ERR_OK) {
      e = model_new(&sc, &m, &d);
      model_free(m);
      for (size_t k = 0; k < n_keys && e == ERR_OK; k++) {
        struct timeline_change c;
        const char *v = values[i * n_keys + k];
        struct diag dk;
        diag_init(&dk);
        e = scenario_resolve(&sc, keys[k], v, &c, strcmp(s->cmd, "run") == 0 ? &dk : &d);
        diag_release(&dk);
        if (e == ERR_SCENARIO && strcmp(s->cmd, "run") == 0) { /* a group or list: as written */
          e = (s->pt[i].cells[k] = strdup(v)) ? ERR_OK : ERR_NOMEM;
          continue;
        }
        if (e == ERR_OK) {
          char cell[512];
          const struct schema_key *sk = schema_find_offset((int)c.region, c.offset);
          if (sk != NULL)
            scenario_value_cell(&sc, sk, &c.value, cell, sizeof cell);
          else
            snprintf(cell, sizeof cell, "%s", v);
          s->pt[i].cells[k] = strdup(cell);
          scenario_change_release(&c);
          if (s->pt[i].cells[k] == NULL)
            e = ERR_NOMEM;
        }
      }
      scenario_release(&sc);
    }
    if (e == ERR_NOINPUT) {
      diag_release(&d);
      cli_error(s->cmd, "%s: %s", s->path, strerror(errno ? errno : ENOENT));
      return EXIT_NOINPUT;
    }
    if (e != ERR_OK) {
      if (e == ERR_NOMEM) {
        diag_release(&d);
        cli_error(s->cmd, "out of memory");
        return EXIT_SOFTWARE;
      }
      point_label(s, i, label, sizeof label);
      if (++bad <= 20) {
        fprintf(stderr, "%s:\n", label);
        for (size_t j = 0; j < d.n; j++)
          fprintf(stderr, "  %s\n", d.msg[j]);
      }
    }
    diag_release(&d);
  }
  if (bad > 0) {
    if (bad > 20)
      fprintf(stderr, "and %zu more design points with problems\n", bad - 20);
    cli_error(s->cmd, "%zu of %zu design point%s %s problems; nothing was run", bad, n_points,
              n_points == 1 ? "" : "s", bad == 1 ? "has" : "have");
    return EXIT_DATAERR;
  }
  return 0;
}

/* ------------------------------------------------------------ the plan */

static void close_point(void *ctx, size_t i)
{
  struct study *s = ctx;
  struct study_kept *k = &s->kept[i];
  runner_model_release(&s->rm[i]);
  model_free(s->model[i]);
  s->model[i] = NULL;
  if (s->sc[i].name != NULL)
    scenario_release(&s->sc[i]);
  memset(&s->sc[i], 0, sizeof s->sc[i]);
  for (long r = 0; r < k->n; r++)
    free(k->raw[r]);
  free(k->raw);
  free(k->metric);
  memset(k, 0, sizeof *k);
}

/* Is replication prefix n of point i's kept values where --precision, or
 * max_reps, stops it?  Returns the count the run will keep, which may be
 * more than n (it goes on). */
static long stop_point(const struct study *s, const struct study_kept *k)
{
  struct tally t;
  long stop = -1;
  if (s->o->precision <= 0.0)
    return s->max_reps;
  if (tally_init(&t, NULL, 0, 0) != ERR_OK)
    return -1;
  for (long r = 0; r < k->n && stop < 0; r++) {
    (void)tally_add(&t, k->metric[r * METRIC_COUNT + METRIC_DELIVERY_RATE]);
    if ((r + 1) % RUNNER_BATCH == 0) {
      double h = tally_ci_half_width(&t);
      if (!isnan(h) && h <= s->o->precision)
        stop = r + 1;
    }
  }
  tally_release(&t);
  return stop >= 0 ? stop : s->max_reps;
}

static enum err open_point(void *ctx, size_t i, struct runner_point *p)
{
  struct study *s = ctx;
  struct diag d;
  enum err e;
  diag_init(&d);
  e = load_point(s, i, &s->sc[i], &d);
  if (e == ERR_OK)
    e = model_new(&s->sc[i], &s->model[i], &d);
  diag_release(&d);
  if (e == ERR_OK)
    e = runner_model_init(&s->rm[i], s->model[i], s->threads);
  if (e == ERR_OK)
    runner_model_set_stop(&s->rm[i], &study_stop); /* a long replication stops at Ctrl-C too */
  if (e != ERR_OK)
    return e == ERR_SCENARIO ? ERR_INTERNAL : e; /* it loaded before */
  memset(p, 0, sizeof *p);
  p->point = (long)i;
  p->key_values = (const char *const *)s->pt[i].cells;
  p->n_keys = s->n_keys;
  p->sc = &s->sc[i];
  p->daily_days = (long)ceil(s->sc[i].horizon_days);
  p->job.ctx = &s->rm[i];
  p->job.replicate = runner_model_replicate;
  p->max_reps = s->max_reps;
  p->recipe_path = s->path; /* how another rank builds the same model */
  p->recipe_sets = s->pt[i].sets;
  p->recipe_n_sets = s->pt[i].n_sets;
  if (s->old.present && (e = study_old_point(s, i, &s->kept[i])) != ERR_OK)
    return e;
  p->kept = s->kept[i].n;
  /* daily.csv and costs.csv cannot be rebuilt from kept rows (per-day
   * tallies, contingents' spend): copy the old rows when this run ends the
   * point exactly where the old one did, else run the point again */
  if ((s->want[F_DAILY] || s->want[F_COSTS]) && p->kept > 0) {
    long end = stop_point(s, &s->kept[i]);
    bool whole = end == s->kept[i].n && s->kept[i].n == s->old.kept[i];
    if (!whole || (s->want[F_DAILY] && !s->old.has_daily) || (s->want[F_COSTS] && !s->old.has_costs))
      p->kept = 0;
    else {
      s->kept[i].copy_daily = s->want[F_DAILY];
      s->kept[i].copy_costs = s->want[F_COSTS];
    }
  }
  return ERR_OK;
}

static enum err kept_rep(void *ctx, size_t i, long rep, struct rep_result *out)
{
  struct study *s = ctx;
  struct study_kept *k = &s->kept[i];
  if (rep >= k->n)
    return ERR_INTERNAL;
  memset(out, 0, sizeof *out);
  memcpy(out->metric, k->metric + rep * METRIC_COUNT, sizeof out->metric);
  if (s->open[F_REPLICATIONS]) {
    struct csv_row row = { k->raw[rep], strlen(k->raw[rep]), 0, 0, false };
    csv_put(&s->files[F_REPLICATIONS], &row);
  }
  if (s->open[F_CONVOYS])
    return study_old_convoys(s, i, rep);
  return ERR_OK;
}

/* Paired differences to the reference, replication by replication. */
static void merged(void *ctx, size_t i, long rep, const struct rep_result *r)
{
  struct study *s = ctx;
  (void)i;
  if (s->open[F_COSTS]) {
    s->c_n = r->n_contingents;
    for (size_t c = 0; c < r->n_contingents && c < SCENARIO_MAX_CONTINGENTS; c++) {
      s->c_spend[c] += r->cont_spend[c];
      s->c_days[c] += r->cont_troop_days[c];
      if (!isnan(r->cont_gone_day[c])) {
        s->c_gone[c] += 1;
        s->c_gone_day[c] += r->cont_gone_day[c];
      }
    }
    s->c_reps++;
  }
  if (s->ref_vals == NULL || rep >= s->ref_n)
    return;
  for (int m = 0; m < METRIC_COUNT; m++) {
    double x = r->metric[m], y = s->ref_vals[rep * METRIC_COUNT + m];
    if (isnan(x) || isnan(y))
      continue;
    double dlt = x - y, delta = dlt - s->pair_mean[m];
    s->pair_n[m]++;
    s->pair_mean[m] += delta / (double)s->pair_n[m];
    s->pair_m2[m] += delta * (dlt - s->pair_mean[m]);
  }
}

/* 95% t half-width of a mean of n values with sample variance v. */
static double half_width(double v, double n)
{
  if (!(n >= 2) || isnan(v))
    return NAN;
  return gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(v / n);
}

/* The compare.csv row of point i (its tallies summarised in sum). */
static void compare_row(struct study *s, size_t i, const struct tally_summary *sum)
{
  struct csv_file *f = &s->files[F_COMPARE];
  double diff[METRIC_COUNT], lo[METRIC_COUNT];
  csv_int(f, (long)i);
  for (size_t k = 0; k < s->n_keys; k++)
    csv_str(f, s->pt[i].cells[k]);
  for (int m = 0; m < METRIC_COUNT; m++) {
    double n = (double)s->pair_n[m];
    double mean = n > 0 ? s->pair_mean[m] : NAN, var = n >= 2 ? s->pair_m2[m] / (n - 1) : NAN;
    double hw = half_width(var, n);
    const struct tally_summary *a = &sum[m], *b = &s->ref_sum[m];
    double ua = a->n >= 2 ? a->sd * a->sd / (double)a->n : NAN, ub = b->n >= 2 ? b->sd * b->sd / (double)b->n : NAN;
    double uhw = NAN;
    if (!isnan(ua) && !isnan(ub) && ua + ub > 0) { /* Welch */
      double df = (ua + ub) * (ua + ub) /
                  (ua * ua / ((double)a->n - 1) + ub * ub / ((double)b->n - 1));
      uhw = gsl_cdf_tdist_Pinv(0.975, df) * sqrt(ua + ub);
    }
    if (var == 0.0)
      hw = 0.0;
    diff[m] = mean;
    lo[m] = mean - hw;
    csv_real(f, mean);
    csv_real(f, mean - hw);
    csv_real(f, mean + hw);
    csv_real(f, uhw > 0 ? hw / uhw : NAN);
  }
  /* cost-effectiveness against the reference */
  double gain = diff[METRIC_TONNES_DELIVERED];
  bool sig = !isnan(gain) && lo[METRIC_TONNES_DELIVERED] > 0 && gain > 0;
  csv_real(f, gain);
  csv_real(f, sig ? diff[METRIC_FORCE_COST_USD] / gain : NAN);
  csv_real(f, sig ? diff[METRIC_TROOP_DAYS] / gain : NAN);
  csv_real(f, sig ? 1000.0 * diff[METRIC_CIVILIAN_HARM] / gain : NAN);
  csv_real(f, -diff[METRIC_TRUCKS_INTERCEPTED]);
  csv_end_row(f);
}

/* The costs.csv rows of point i: each payer, then each of its contingents. */
static void cost_rows(struct study *s, size_t i)
{
  struct csv_file *f = &s->files[F_COSTS];
  const struct force *fo = &s->sc[i].force;
  double n = (double)s->c_reps;
  size_t nc = s->c_n;
  if (!fo->present || s->c_reps == 0)
    return;
  for (size_t c = 0; c < nc; c++) { /* a payer's row, at its first contingent */
    const char *payer = fo->n_contingents > 0 && fo->contingents[c].payer ? fo->contingents[c].payer : "force";
    bool first = true;
    for (size_t q = 0; q < c && first; q++)
      first = strcmp(fo->contingents[q].payer ? fo->contingents[q].payer : "force", payer) != 0;
    if (!first)
      continue;
    double spend = 0, days = 0;
    for (size_t q = c; q < nc; q++)
      if (strcmp(fo->n_contingents > 0 && fo->contingents[q].payer ? fo->contingents[q].payer : "force", payer) == 0) {
        spend += s->c_spend[q];
        days += s->c_days[q];
      }
    for (int row = 0; row < 1 + (int)nc; row++) {
      size_t q = row == 0 ? c : (size_t)row - 1;
      const char *pq = fo->n_contingents > 0 && fo->contingents[q].payer ? fo->contingents[q].payer : "force";
      if (row > 0 && strcmp(pq, payer) != 0)
        continue;
      csv_int(f, (long)i);
      for (size_t k = 0; k < s->n_keys; k++)
        csv_str(f, s->pt[i].cells[k]);
      csv_str(f, payer);
      csv_str(f, row == 0 ? NULL : fo->n_contingents > 0 ? fo->contingents[q].name : "force");
      csv_real(f, (row == 0 ? spend : s->c_spend[q]) / n);
      csv_real(f, (row == 0 ? days : s->c_days[q]) / n);
      csv_real(f, s->c_gone[c] / n); /* a payer's contingents run out together */
      csv_real(f, s->c_gone[c] > 0 ? s->c_gone_day[c] / s->c_gone[c] : NAN);
      csv_end_row(f);
    }
  }
}

static enum err point_done(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st,
                           bool partial)
{
  struct study *s = ctx;
  struct tally_summary sum[METRIC_COUNT];
  enum err e = ERR_OK;
  for (int m = 0; m < METRIC_COUNT; m++) {
    tally_result(&st->tallies.t[m], &sum[m]);
    s->means[i * METRIC_COUNT + (size_t)m] = sum[m].mean;
  }
  s->reps[i] = st->reps;
  s->events += (long)st->events;
  if (partial && strcmp(s->cmd, "run") != 0)
    return ERR_OK; /* a sweep keeps whole points only */
  if (s->open[F_SUMMARY])
    runner_point_summary_row(&s->files[F_SUMMARY], p, st);
  if (s->open[F_DAILY]) {
    if (s->kept[i].copy_daily)
      e = study_old_daily(s, i);
    else
      runner_point_daily_rows(&s->files[F_DAILY], p, st);
  }
  if (s->open[F_COMPARE] && s->ref_vals != NULL)
    compare_row(s, i, sum);
  if (s->open[F_COSTS] && e == ERR_OK) {
    if (s->kept[i].copy_costs)
      e = study_old_costs(s, i);
    else
      cost_rows(s, i);
  }
  memset(s->c_spend, 0, sizeof s->c_spend);
  memset(s->c_days, 0, sizeof s->c_days);
  memset(s->c_gone, 0, sizeof s->c_gone);
  memset(s->c_gone_day, 0, sizeof s->c_gone_day);
  s->c_reps = 0;
  for (size_t k = 0; k < METRIC_COUNT; k++) { /* the next point's pairs */
    s->pair_mean[k] = s->pair_m2[k] = 0;
    s->pair_n[k] = 0;
  }
  if (i == 0) { /* the headline of run */
    s->first = *st;
    memset(st, 0, sizeof *st);
    s->have_first = true;
  }
  s->points_done = (long)i + 1;
  study_mark(s);
  return e;
}

/* Progress line. */
static void show_progress(void *ctx, long done, long total)
{
  progress_update(ctx, done, total);
}

/* The reference point's replications alone, before the others (its values
 * are needed from the first point on); kept rows are not reused here. */
struct refpass {
  struct study *s;
};

static enum err ref_open(void *ctx, size_t i, struct runner_point *p)
{
  struct study *s = ((struct refpass *)ctx)->s;
  struct study_old keep = s->old;
  enum err e;
  (void)i;
  s->old.present = false; /* computed, not read back */
  e = open_point(s, (size_t)s->ref, p);
  s->old = keep;
  return e;
}

static void ref_merged(void *ctx, size_t i, long rep, const struct rep_result *r)
{
  struct study *s = ((struct refpass *)ctx)->s;
  (void)i;
  if (rep < s->max_reps)
    memcpy(s->ref_vals + rep * METRIC_COUNT, r->metric, sizeof r->metric);
  if (rep + 1 > s->ref_n)
    s->ref_n = rep + 1;
}

static enum err ref_done(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st,
                         bool partial)
{
  struct study *s = ((struct refpass *)ctx)->s;
  (void)i;
  (void)p;
  (void)partial;
  for (int m = 0; m < METRIC_COUNT; m++)
    tally_result(&st->tallies.t[m], &s->ref_sum[m]);
  return ERR_OK;
}

static void ref_close(void *ctx, size_t i)
{
  struct study *s = ((struct refpass *)ctx)->s;
  (void)i;
  close_point(s, (size_t)s->ref);
}

/* Point 0 is the reference unless --reference says otherwise: its values
 * come as the main pass merges them, before any other point's. */
static void ref_from_main(void *ctx, size_t i, long rep, const struct rep_result *r)
{
  struct study *s = ctx;
  if ((long)i == s->ref && s->ref == 0) {
    ref_merged(&(struct refpass){ s }, i, rep, r);
  }
  merged(ctx, i, rep, r);
}

static enum err done_main(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st,
                          bool partial)
{
  struct study *s = ctx;
  if ((long)i == s->ref && s->ref == 0)
    for (int m = 0; m < METRIC_COUNT; m++)
      tally_result(&st->tallies.t[m], &s->ref_sum[m]);
  return point_done(ctx, i, p, st, partial);
}

static int failure(struct study *s, enum err e)
{
  if (e == ERR_IO) {
    for (int f = 0; f < F_COUNT; f++)
      if (s->open[f] && csv_failed(&s->files[f])) {
        cli_error(s->cmd, "write failed in '%s': %s; no file was written", s->files[f].path,
                  strerror(s->files[f].err_no ? s->files[f].err_no : EIO));
        return EXIT_IOERR;
      }
    cli_error(s->cmd, "a write failed; no file was written");
    return EXIT_IOERR;
  }
  if (e == ERR_LIMIT)
    cli_error(s->cmd, "a replication had more than %zu events pending at once (the event "
              "calendar's limit): the scenario schedules too much at a time; no file was written",
              MODEL_MAX_PENDING);
  else if (cluster_failed_rank(&(enum err){ ERR_OK }) > 0 && (e == ERR_NOINPUT || e == ERR_SCENARIO))
    cli_error(s->cmd, "rank %d could not load %s: %s (every rank reads the scenario at the path rank 0 "
              "was given, from its own working directory); no file was written",
              cluster_failed_rank(NULL), s->path, err_str(e));
  else
    cli_error(s->cmd, "a replication failed: %s; no file was written", err_str(e));
  return err_exit_code(e);
}

int study_run(struct study *s)
{
  struct runner_config cfg;
  struct runner_plan plan;
  struct progress prog;
  enum err e = ERR_OK;
  memset(&cfg, 0, sizeof cfg);
  cfg.seed = s->seed;
  cfg.threads = s->threads;
  cfg.precision = s->o->precision;
  cfg.want_daily = s->open[F_DAILY];
  cfg.replications = s->open[F_REPLICATIONS] ? &s->files[F_REPLICATIONS] : NULL;
  cfg.convoys = s->open[F_CONVOYS] ? &s->files[F_CONVOYS] : NULL;
  cfg.capture_rep = s->o->trace;
  cfg.captured = s->o->trace >= 0 ? &s->traced_row : NULL;
  cfg.stop = &study_stop;
  cfg.progress = show_progress;
  cfg.progress_ctx = &prog;
  progress_init(&prog, "replications", s->o->quiet);
  double t0 = progress_now();

  if (s->open[F_COMPARE] && s->ref >= 0) {
    s->ref_vals = calloc((size_t)s->max_reps * METRIC_COUNT + 1, sizeof *s->ref_vals);
    if (s->ref_vals == NULL) {
      progress_end(&prog);
      return failure(s, ERR_NOMEM);
    }
    if (s->ref > 0) {
      struct refpass rp = { s };
      struct runner_config rc = cfg;
      memset(&plan, 0, sizeof plan);
      rc.want_daily = false;
      rc.replications = rc.convoys = NULL;
      rc.captured = NULL;
      rc.progress = NULL;
      plan.n_points = 1;
      plan.open = ref_open;
      plan.merged = ref_merged;
      plan.done = ref_done;
      plan.close = ref_close;
      plan.ctx = &rp;
      e = runner_run_plan(&rc, &plan);
      if (e == ERR_INTERRUPTED) {
        progress_end(&prog);
        s->interrupted = true;
        s->wall = progress_now() - t0;
        return 130;
      }
      if (e != ERR_OK) {
        progress_end(&prog);
        return failure(s, e);
      }
    }
  }
  memset(&plan, 0, sizeof plan);
  plan.n_points = s->n_points;
  plan.open = open_point;
  plan.kept_rep = kept_rep;
  plan.merged = ref_from_main;
  plan.done = done_main;
  plan.close = close_point;
  plan.keep_partial = strcmp(s->cmd, "run") == 0;
  plan.total_reps = s->max_reps * (long)s->n_points;
  plan.ctx = s;
  e = runner_run_plan(&cfg, &plan);
  s->wall = progress_now() - t0;
  progress_end(&prog);
  if (e == ERR_INTERRUPTED) {
    s->interrupted = true;
    return 130;
  }
  if (e != ERR_OK)
    return failure(s, e);
  return 0;
}
