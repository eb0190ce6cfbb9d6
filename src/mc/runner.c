/*
 * runner.c - replications in parallel, merged in replication order (runner.h).
 *
 * The one rule: nothing that is merged, tallied or written depends on which
 * thread ran a replication or when.  A block of replications runs under
 * `omp parallel for schedule(dynamic)` (or over the ranks of an MPI job,
 * cluster.c); replication done + i writes only slots[i] (slot.c: its
 * result and its buffered records), each slot on its own cache lines; the
 * main thread then merges slots 0, 1, ... in order.
 */
#include "convoysim/runner.h"

#include <stdint.h>

#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "convoysim/cluster.h"
#include "convoysim/grow.h"
#include "runner_int.h"

static const double daily_prob[2] = { 0.10, 0.90 };

/* ------------------------------------------------------------ writing */

static void key_cells(struct csv_file *f, const struct runner_point *p)
{
  for (size_t k = 0; k < p->n_keys; k++)
    csv_str(f, p->key_values[k]);
}


/* The point a single-point configuration describes. */
static void point_of(const struct runner_config *cfg, struct runner_point *p)
{
  memset(p, 0, sizeof *p);
  p->point = cfg->point;
  p->key_values = cfg->key_values;
  p->n_keys = cfg->n_keys;
  p->sc = cfg->sc;
  p->daily_days = cfg->daily_days;
  p->max_reps = cfg->max_reps;
}

static void key_headers(struct csv_file *f, const char *const *keys, size_t n_keys)
{
  for (size_t k = 0; k < n_keys; k++)
    csv_str(f, keys[k]);
}

void runner_replications_header(struct csv_file *f, const char *const *keys, size_t n_keys)
{
  csv_str(f, "point");
  csv_str(f, "replication");
  csv_str(f, "seed");
  key_headers(f, keys, n_keys);
  for (int m = 0; m < METRIC_COUNT; m++)
    csv_str(f, metric_name((enum metric)m));
  csv_end_row(f);
}


void runner_convoys_header(struct csv_file *f, const char *const *keys, size_t n_keys)
{
  static const char *const cols[] = {
    "convoy", "number", "outcome", "scheduled_h", "ready_h", "depart_h", "end_h",
    "trucks_requested", "trucks_dispatched", "trucks_delivered", "trucks_intercepted",
    "tonnes_dispatched", "tonnes_delivered", "tonnes_lost", "escort_teams",
    "armed_attacks", "crowd_interceptions", "engagements", "civilian_harm", "impeded"
  };

  csv_str(f, "point");
  csv_str(f, "replication");
  key_headers(f, keys, n_keys);
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
    csv_str(f, cols[i]);
  csv_end_row(f);
}


void runner_summary_header(struct csv_file *f, const char *const *keys, size_t n_keys)
{
  static const char *const stat[] = { "mean", "sd", "ci_low", "ci_high", "p05", "p50",
                                      "p95", "n" };
  char name[96];

  csv_str(f, "point");
  key_headers(f, keys, n_keys);
  csv_str(f, "replications");
  for (int m = 0; m < METRIC_COUNT; m++)
    for (size_t i = 0; i < sizeof stat / sizeof stat[0]; i++) {
      snprintf(name, sizeof name, "%s_%s", metric_name((enum metric)m), stat[i]);
      csv_str(f, name);
    }
  csv_end_row(f);
}

void runner_summary_row(struct csv_file *f, const struct runner_config *cfg,
                        struct runner_stats *st)
{
  struct runner_point p;
  point_of(cfg, &p);
  runner_point_summary_row(f, &p, st);
}

void runner_point_summary_row(struct csv_file *f, const struct runner_point *p,
                              struct runner_stats *st)
{
  csv_int(f, p->point);
  key_cells(f, p);
  csv_int(f, st->reps);
  for (int m = 0; m < METRIC_COUNT; m++) {
    struct tally_summary s;
    tally_result(&st->tallies.t[m], &s);
    csv_real(f, s.mean);
    csv_real(f, s.sd);
    csv_real(f, s.ci_low);
    csv_real(f, s.ci_high);
    for (size_t q = 0; q < TALLY_DEFAULT_NQ; q++)
      csv_real(f, s.q[q]);
    csv_uint(f, s.n);
  }
  csv_end_row(f);
}

void runner_daily_header(struct csv_file *f, const char *const *keys, size_t n_keys)
{
  static const char *const cols[] = {
    "day", "zone", "need_t", "tonnes_delivered_mean", "tonnes_delivered_p10",
    "tonnes_delivered_p90", "desperation_mean", "crossing_backlog_mean", "civilian_harm_mean", "replications"
  };

  csv_str(f, "point");
  key_headers(f, keys, n_keys);
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
    csv_str(f, cols[i]);
  csv_end_row(f);
}

void runner_daily_rows(struct csv_file *f, const struct runner_config *cfg,
                       struct runner_stats *st)
{
  struct runner_point p;
  point_of(cfg, &p);
  runner_point_daily_rows(f, &p, st);
}

void runner_point_daily_rows(struct csv_file *f, const struct runner_point *p,
                             struct runner_stats *st)
{
  const struct scenario *sc = p->sc;
  if (st->daily == NULL)
    return;
  for (long d = 0; d < st->daily_days; d++)
    for (size_t z = 0; z < st->n_zones; z++) {
      struct runner_daily_cell *c = &st->daily[(size_t)d * st->n_zones + z];
      struct tally_summary s;
      if (c->n == 0)
        continue;
      tally_result(&c->tonnes, &s);
      csv_int(f, p->point);
      key_cells(f, p);
      csv_int(f, d);
      if (sc != NULL && z < sc->n_nodes)
        csv_str(f, sc->nodes[z].id);
      else
        csv_uint(f, z);
      csv_real(f, c->need_t);
      csv_real(f, s.mean);
      csv_real(f, s.q[0]);
      csv_real(f, s.q[1]);
      csv_real(f, c->desperation);
      csv_real(f, c->backlog);
      csv_real(f, c->harm);
      csv_uint(f, c->n);
      csv_end_row(f);
    }
}

void runner_events_header(struct csv_file *f)
{
  static const char *const cols[] = { "replication", "time_h", "event", "convoy", "number",
                                      "where", "detail" };

  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
    csv_str(f, cols[i]);
  csv_end_row(f);
}

static void sink_trace(void *ctx, const struct trace_record *r)
{
  struct runner_trace *t = ctx;

  csv_uint(t->f, t->rep);
  csv_real(t->f, r->time_h);
  csv_str(t->f, r->event);
  csv_str(t->f, r->convoy);
  if (r->number >= 0)
    csv_int(t->f, r->number);
  else
    csv_str(t->f, NULL);
  csv_str(t->f, r->where);
  csv_str(t->f, r->detail);
  csv_end_row(t->f);
}

void runner_trace_sinks(struct runner_trace *t, struct model_sinks *sinks)
{
  memset(sinks, 0, sizeof *sinks);
  sinks->ctx = t;
  sinks->trace = sink_trace;
}

/* ------------------------------------------------------------- merging */

/* Running mean: the order of the values fixes every bit. */
static void mean_add(double *mean, size_t n, double x)
{
  *mean += (x - *mean) / (double)n;
}

static enum err merge_daily(struct runner_stats *st, const struct slot *s)
{
  for (size_t i = 0; i < s->n_day; i++) {
    const struct daily_record *r = &s->day[i];
    if (r->day < 0 || r->day >= st->daily_days || r->zone < 0 ||
        (size_t)r->zone >= st->n_zones)
      continue;
    struct runner_daily_cell *c = &st->daily[(size_t)r->day * st->n_zones + (size_t)r->zone];
    /* the tally grows its buffer at most to TALLY_EXACT_MAX values */
    if (tally_add(&c->tonnes, r->tonnes_delivered) != ERR_OK)
      return ERR_NOMEM;
    c->n++;
    mean_add(&c->need_t, c->n, r->need_t);
    mean_add(&c->desperation, c->n, r->desperation);
    mean_add(&c->backlog, c->n, r->crossing_backlog);
    mean_add(&c->harm, c->n, r->civilian_harm);
  }
  return ERR_OK;
}

static enum err stats_init(struct runner_stats *st, const struct runner_config *cfg,
                           const struct runner_point *p)
{
  memset(st, 0, sizeof *st);
  enum err e = tally_set_init(&st->tallies, NULL, 0, 0);
  /* A run that must end past TALLY_EXACT_MAX replications gets P^2
   * percentiles anyway: keeping values up to that point would only make
   * its peak memory grow with -n.  Under --precision it may stop early,
   * where exact percentiles are due, so values are kept. */
  const bool p2_only = cfg->precision <= 0.0 && p->max_reps > TALLY_EXACT_MAX;
  if (e != ERR_OK)
    return e;
  if (p2_only)
    tally_set_p2_only(&st->tallies);
  if (cfg->want_daily && p->daily_days > 0 && p->sc != NULL && p->sc->n_nodes > 0) {
    size_t cells = (size_t)p->daily_days * p->sc->n_nodes;
    st->daily = calloc(cells, sizeof *st->daily);
    if (st->daily == NULL)
      return ERR_NOMEM;
    st->daily_days = p->daily_days;
    st->n_zones = p->sc->n_nodes;
    for (size_t i = 0; i < cells; i++) {
      e = tally_init(&st->daily[i].tonnes, daily_prob, 2, 0);
      if (e != ERR_OK)
        return e;
      if (p2_only)
        tally_p2_only(&st->daily[i].tonnes);
    }
  }
  return ERR_OK;
}

void runner_stats_release(struct runner_stats *st)
{
  tally_set_release(&st->tallies);
  if (st->daily != NULL)
    for (size_t i = 0; i < (size_t)st->daily_days * st->n_zones; i++)
      tally_release(&st->daily[i].tonnes);
  free(st->daily);
  memset(st, 0, sizeof *st);
}

/* ----------------------------------------------------------------- run */

/* A point between its opening and its end (heap-allocated, so slots may
 * point at it while more points open). */
struct live {
  struct runner_point p;  /* as plan->open filled it */
  struct runner_stats st; /* merged so far */
  size_t i;               /* its index in the plan */
  long scheduled;         /* replications put into blocks */
  long merged;            /* replications merged */
  bool stopped;           /* complete: no more of its replications are merged */
};

struct run {
  const struct runner_config *cfg;
  const struct runner_plan *plan;
  struct live **lv;       /* the open points, in order: lv[0 .. n_lv - 1] */
  size_t n_lv, cap_lv;
  size_t next_open;       /* the next point to open */
  long done;              /* replications merged (progress) */
};

static void slots_free(struct slot *slots, size_t n)
{
  if (slots == NULL)
    return;
  for (size_t i = 0; i < n; i++) {
    csv_row_release(&slots[i].rep_row);
    csv_row_release(&slots[i].conv_rows);
    free(slots[i].day);
  }
  free(slots);
}

static bool files_failed(const struct runner_config *cfg)
{
  return (cfg->replications != NULL && csv_failed(cfg->replications)) ||
         (cfg->convoys != NULL && csv_failed(cfg->convoys));
}

static void live_free(struct run *R, struct live *l)
{
  runner_stats_release(&l->st);
  if (R->plan->close != NULL)
    R->plan->close(R->plan->ctx, l->i);
  free(l);
}

/* Open the next point of the plan at the end of the live list. */
static enum err open_next(struct run *R)
{
  struct live *l;
  enum err e = GROW(&R->lv, &R->cap_lv, R->n_lv + 1, 8, SIZE_MAX / sizeof *R->lv);
  if (e != ERR_OK)
    return e;
  l = calloc(1, sizeof *l);
  if (l == NULL)
    return ERR_NOMEM;
  l->i = R->next_open++;
  e = R->plan->open(R->plan->ctx, l->i, &l->p);
  if (e == ERR_OK) {
    if (l->p.kept > l->p.max_reps)
      l->p.kept = l->p.max_reps;
    e = stats_init(&l->st, R->cfg, &l->p);
  }
  if (e != ERR_OK) {
    live_free(R, l);
    return e;
  }
  R->lv[R->n_lv++] = l;
  return ERR_OK;
}

/* Hand the finished front point to the plan, then drop it. */
static enum err finish_front(struct run *R, bool partial)
{
  struct live *l = R->lv[0];
  enum err e = R->plan->done(R->plan->ctx, l->i, &l->p, &l->st, partial);
  live_free(R, l);
  R->n_lv--;
  memmove(R->lv, R->lv + 1, R->n_lv * sizeof *R->lv);
  return e;
}

/* Fill up to `block` slots with the next pairs, in point-major order,
 * opening points as they are reached.  Returns the slots filled. */
static long fill_block(struct run *R, struct slot *slots, long block, enum err *e)
{
  long b = 0;
  *e = ERR_OK;
  while (b < block) {
    struct live *l = R->n_lv > 0 ? R->lv[R->n_lv - 1] : NULL;
    if (l == NULL || l->stopped || l->scheduled >= l->p.max_reps) {
      if (R->next_open >= R->plan->n_points)
        break;
      if ((*e = open_next(R)) != ERR_OK)
        break;
      continue;
    }
    struct slot *s = &slots[b++];
    s->p = &l->p;
    s->lv = l;
    s->rep = (uint64_t)l->scheduled;
    s->kept = l->scheduled < l->p.kept;
    s->ran = false;
    s->status = ERR_OK;
    l->scheduled++;
  }
  return b;
}

/* Merge one slot into its point.  *stop is set when the run must stop here. */
static enum err merge_slot(struct run *R, struct slot *s, bool *interrupted)
{
  const struct runner_config *cfg = R->cfg;
  const struct runner_plan *plan = R->plan;
  struct live *l = s->lv;
  enum err e;
  if (l->stopped)
    return ERR_OK; /* past its stopping point: discarded unseen */
  if (s->kept) {
    e = plan->kept_rep(plan->ctx, l->i, (long)s->rep, &s->res);
    if (e != ERR_OK)
      return e;
  } else if (s->status == ERR_INTERRUPTED) {
    *interrupted = true;
    return ERR_OK;
  } else if (s->status != ERR_OK) {
    return s->status;
  }
  e = tally_set_add(&l->st.tallies, s->res.metric);
  if (e != ERR_OK)
    return e;
  l->st.events += s->res.events;
  l->st.reps++;
  l->merged++;
  R->done++;
  if (cfg->captured != NULL && l->i == 0 && (long)s->rep == cfg->capture_rep)
    *cfg->captured = s->res;
  if (!s->kept) {
    if (cfg->replications != NULL)
      csv_put(cfg->replications, &s->rep_row);
    if (cfg->convoys != NULL)
      csv_put(cfg->convoys, &s->conv_rows);
    if (l->st.daily != NULL && (e = merge_daily(&l->st, s)) != ERR_OK)
      return e;
  }
  if (plan->merged != NULL)
    plan->merged(plan->ctx, l->i, (long)s->rep, &s->res);
  if (cfg->precision > 0.0 && l->merged % RUNNER_BATCH == 0) {
    double h = tally_ci_half_width(&l->st.tallies.t[METRIC_DELIVERY_RATE]);
    if (!isnan(h) && h <= cfg->precision) {
      l->st.stopped_early = l->merged < l->p.max_reps;
      l->stopped = true;
    }
  }
  if (l->merged >= l->p.max_reps)
    l->stopped = true;
  return ERR_OK;
}

/* The ordered merge of a block, slot by slot: merge_upto(m, end) merges
 * slots next .. end - 1 (all computed), stopping at an error or a stop. */
struct merger {
  struct run *R;
  struct slot *slots;
  long next;              /* the first slot not merged yet */
  enum err e;
  bool interrupted;
};

static void merge_upto(struct merger *m, long end)
{
  struct run *R = m->R;
  for (; m->next < end && m->e == ERR_OK && !m->interrupted; m->next++) {
    struct slot *s = &m->slots[m->next];
    while (m->e == ERR_OK && R->lv[0] != s->lv && R->lv[0]->stopped) /* a point is done once */
      m->e = finish_front(R, false);                                   /* the merge passed it */
    if (m->e == ERR_OK)
      m->e = merge_slot(R, s, &m->interrupted);
  }
}

/* cluster_compute_block's callback: slots 0 .. end - 1 are complete. */
static bool merge_ready(void *ctx, long end)
{
  struct merger *m = ctx;
  merge_upto(m, end);
  return m->e == ERR_OK && !m->interrupted;
}


enum err runner_run_plan(const struct runner_config *cfg, const struct runner_plan *plan)
{
  /* under MPI a block feeds every rank: the same merge, more at a time */
  const long block = (cfg->precision > 0.0 ? RUNNER_BATCH : RUNNER_BLOCK) * (long)cluster_size();
  const bool want_conv = cfg->convoys != NULL;
  const bool want_daily = cfg->want_daily;
  const bool want_rows = cfg->replications != NULL;
  struct run R;
  struct slot *slots;
  enum err e = ERR_OK;
  bool interrupted = false;

  memset(&R, 0, sizeof R);
  R.cfg = cfg;
  R.plan = plan;
  /* sizeof(struct slot) is a multiple of its alignment, as aligned_alloc wants */
  slots = aligned_alloc(SLOT_ALIGN, (size_t)block * sizeof *slots);
  if (slots == NULL)
    return ERR_NOMEM;
  memset(slots, 0, (size_t)block * sizeof *slots);

  while (e == ERR_OK && !interrupted) {
    if (cfg->stop != NULL && *cfg->stop) {
      interrupted = true;
      break;
    }
    const long b = fill_block(&R, slots, block, &e);
    if (e != ERR_OK || b == 0)
      break;

    const struct slot_want w = { want_conv, want_daily, want_rows };
    struct merger M = { &R, slots, 0, ERR_OK, false };
    bool remote = cluster_size() > 1;
    for (long i = 0; i < b && remote; i++)
      remote = slots[i].kept || slots[i].p->recipe_path != NULL;
    if (remote) { /* every rank takes blocks of slots, rank 0 too, merging as they come */
      e = cluster_compute_block(slots, b, cfg->seed, cfg->threads, w, cfg->stop, merge_ready, &M);
      if (e == ERR_OK)
        merge_upto(&M, b);
    } else {
#pragma omp parallel for schedule(dynamic) num_threads(cfg->threads)
      for (long i = 0; i < b; i++)
        if (!slots[i].kept)
          runner_slot_compute(&slots[i], cfg->seed, w, cfg->stop, omp_get_thread_num());
      merge_upto(&M, b); /* in (point, replication) order */
    }
    if (e == ERR_OK)
      e = M.e;
    interrupted = M.interrupted;
    while (e == ERR_OK && !interrupted && R.n_lv > 0 && R.lv[0]->stopped)
      e = finish_front(&R, false);
    if (e == ERR_OK && files_failed(cfg))
      e = ERR_IO;
    if (cfg->progress != NULL)
      cfg->progress(cfg->progress_ctx, R.done, plan->total_reps > R.done ? plan->total_reps : R.done);
  }
  if (e == ERR_OK && interrupted) {
    /* points complete before the stop are done; the one in progress is
     * handed over as partial when the plan keeps it */
    while (e == ERR_OK && R.n_lv > 0 && R.lv[0]->stopped)
      e = finish_front(&R, false);
    if (e == ERR_OK && R.n_lv > 0 && plan->keep_partial && R.lv[0]->merged > 0)
      e = finish_front(&R, true);
    if (e == ERR_OK)
      e = ERR_INTERRUPTED;
  }
  if (e != ERR_OK && e != ERR_INTERRUPTED && plan->keep_partial && R.n_lv > 0 && R.lv[0]->merged > 0)
    (void)finish_front(&R, true); /* what was merged before the failure */
  while (R.n_lv > 0) /* what is left open after an error or a stop */
    live_free(&R, R.lv[--R.n_lv]);
  free(R.lv);
  slots_free(slots, (size_t)block);
  return e;
}

/* ------------------------------------------------------- one point */

struct single {
  const struct runner_config *cfg;
  const struct runner_job *job;
  struct runner_stats *st;
};

static enum err single_open(void *ctx, size_t i, struct runner_point *p)
{
  struct single *S = ctx;
  (void)i;
  point_of(S->cfg, p);
  p->job = *S->job;
  return ERR_OK;
}

static enum err single_done(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st,
                            bool partial)
{
  struct single *S = ctx;
  (void)i;
  (void)p;
  (void)partial;
  *S->st = *st; /* taken over */
  memset(st, 0, sizeof *st);
  return ERR_OK;
}

enum err runner_run(const struct runner_config *cfg, const struct runner_job *job,
                    struct runner_stats *st)
{
  struct single S = { cfg, job, st };
  struct runner_plan plan;
  memset(st, 0, sizeof *st);
  memset(&plan, 0, sizeof plan);
  plan.n_points = 1;
  plan.open = single_open;
  plan.done = single_done;
  plan.keep_partial = true;
  plan.total_reps = cfg->max_reps;
  plan.ctx = &S;
  return runner_run_plan(cfg, &plan);
}
