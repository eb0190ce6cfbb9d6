/*
 * runner.c - replications in parallel, merged in replication order (runner.h).
 *
 * The one rule: nothing that is merged, tallied or written depends on which
 * thread ran a replication or when.  A block of replications runs under
 * `omp parallel for schedule(dynamic)`; replication done + i writes only
 * slots[i] (its result and its buffered records), each slot on its own
 * cache lines; the main thread then merges slots 0, 1, ... in order.
 */
#include "convoysim/runner.h"

#include <stdint.h>

#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "convoysim/grow.h"

#define SLOT_ALIGN 64 /* a cache line: no two slots share one */

/* One replication's private output within a block.  Its CSV rows are
 * formatted here, in the parallel region, so that the ordered merge only
 * copies bytes. */
struct slot {
  alignas(SLOT_ALIGN) struct rep_result res; /* metrics and events */
  enum err status;               /* what the callback returned */
  const struct runner_config *cfg; /* for the sinks */
  uint64_t rep;                  /* the replication in this slot */
  struct csv_row rep_row;        /* its replications.csv row */
  struct csv_row conv_rows;      /* its convoys.csv rows */
  bool nomem;                    /* a record could not be buffered */
  struct daily_record *day;      /* daily records, in the order received */
  size_t n_day, cap_day;         /* records, slots allocated */
};

static const double daily_prob[2] = { 0.10, 0.90 };

/* --------------------------------------------------------------- sinks */

static void convoy_row(struct csv_row *f, const struct runner_config *cfg, uint64_t rep,
                       const struct convoy_record *c);

static void sink_convoy(void *ctx, const struct convoy_record *r)
{
  struct slot *s = ctx;

  convoy_row(&s->conv_rows, s->cfg, s->rep, r);
}

static void sink_daily(void *ctx, const struct daily_record *r)
{
  struct slot *s = ctx;

  if (GROW(&s->day, &s->cap_day, s->n_day + 1, 256, SIZE_MAX / sizeof *s->day) != ERR_OK) {
    s->nomem = true;
    return;
  }
  s->day[s->n_day++] = *r;
}

/* ------------------------------------------------------------ writing */

static void key_cells(struct csv_file *f, const struct runner_config *cfg)
{
  for (size_t k = 0; k < cfg->n_keys; k++)
    csv_str(f, cfg->key_values[k]);
}

static void key_row_cells(struct csv_row *f, const struct runner_config *cfg)
{
  for (size_t k = 0; k < cfg->n_keys; k++)
    csv_row_str(f, cfg->key_values[k]);
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

static void replication_row(struct csv_row *f, const struct runner_config *cfg,
                            uint64_t rep, const struct rep_result *r)
{
  csv_row_int(f, cfg->point);
  csv_row_uint(f, rep);
  csv_row_uint(f, cfg->seed);
  key_row_cells(f, cfg);
  for (int m = 0; m < METRIC_COUNT; m++)
    csv_row_real(f, r->metric[m]);
  csv_row_end(f);
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

static void convoy_row(struct csv_row *f, const struct runner_config *cfg, uint64_t rep,
                       const struct convoy_record *c)
{
  const struct scenario *sc = cfg->sc;

  csv_row_int(f, cfg->point);
  csv_row_uint(f, rep);
  key_row_cells(f, cfg);
  if (sc != NULL && c->schedule >= 0 && (size_t)c->schedule < sc->n_convoys)
    csv_row_str(f, sc->convoys[c->schedule].id);
  else
    csv_row_int(f, c->schedule);
  csv_row_int(f, c->number);
  csv_row_str(f, convoy_outcome_name(c->outcome));
  csv_row_real(f, c->scheduled_h);
  csv_row_real(f, c->ready_h);
  csv_row_real(f, c->depart_h);
  csv_row_real(f, c->end_h);
  csv_row_int(f, c->trucks_requested);
  csv_row_int(f, c->trucks_dispatched);
  csv_row_int(f, c->trucks_delivered);
  csv_row_int(f, c->trucks_intercepted);
  csv_row_real(f, c->tonnes_dispatched);
  csv_row_real(f, c->tonnes_delivered);
  csv_row_real(f, c->tonnes_lost);
  csv_row_int(f, c->escort_teams);
  csv_row_int(f, c->armed_attacks);
  csv_row_int(f, c->crowd_interceptions);
  csv_row_int(f, c->engagements);
  csv_row_real(f, c->civilian_harm);
  csv_row_bool(f, c->impeded);
  csv_row_end(f);
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
  csv_int(f, cfg->point);
  key_cells(f, cfg);
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
    "tonnes_delivered_p90", "desperation_mean", "crossing_backlog_mean", "replications"
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
  if (st->daily == NULL)
    return;
  for (long d = 0; d < st->daily_days; d++)
    for (size_t z = 0; z < st->n_zones; z++) {
      struct runner_daily_cell *c = &st->daily[(size_t)d * st->n_zones + z];
      struct tally_summary s;
      if (c->n == 0)
        continue;
      tally_result(&c->tonnes, &s);
      csv_int(f, cfg->point);
      key_cells(f, cfg);
      csv_int(f, d);
      if (cfg->sc != NULL && z < cfg->sc->n_nodes)
        csv_str(f, cfg->sc->nodes[z].id);
      else
        csv_uint(f, z);
      csv_real(f, c->need_t);
      csv_real(f, s.mean);
      csv_real(f, s.q[0]);
      csv_real(f, s.q[1]);
      csv_real(f, c->desperation);
      csv_real(f, c->backlog);
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
  }
  return ERR_OK;
}

static enum err stats_init(struct runner_stats *st, const struct runner_config *cfg)
{
  memset(st, 0, sizeof *st);
  enum err e = tally_set_init(&st->tallies, NULL, 0, 0);
  /* A run that must end past TALLY_EXACT_MAX replications gets P^2
   * percentiles anyway: keeping values up to that point would only make
   * its peak memory grow with -n.  Under --precision it may stop early,
   * where exact percentiles are due, so values are kept. */
  const bool p2_only = cfg->precision <= 0.0 && cfg->max_reps > TALLY_EXACT_MAX;
  if (e != ERR_OK)
    return e;
  if (p2_only)
    tally_set_p2_only(&st->tallies);
  if (cfg->want_daily && cfg->daily_days > 0 && cfg->sc != NULL && cfg->sc->n_nodes > 0) {
    size_t cells = (size_t)cfg->daily_days * cfg->sc->n_nodes;
    st->daily = calloc(cells, sizeof *st->daily);
    if (st->daily == NULL)
      return ERR_NOMEM;
    st->daily_days = cfg->daily_days;
    st->n_zones = cfg->sc->n_nodes;
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

enum err runner_run(const struct runner_config *cfg, const struct runner_job *job,
                    struct runner_stats *st)
{
  const bool precision = cfg->precision > 0.0;
  const long block = precision ? RUNNER_BATCH : RUNNER_BLOCK;
  const bool want_conv = cfg->convoys != NULL;
  const bool want_daily = cfg->want_daily;
  const bool want_rows = cfg->replications != NULL;
  struct slot *slots;
  enum err e = stats_init(st, cfg);
  long done = 0;
  bool stop = false;

  if (e != ERR_OK)
    return e;
  /* sizeof(struct slot) is a multiple of its alignment, as aligned_alloc wants */
  slots = aligned_alloc(SLOT_ALIGN, (size_t)block * sizeof *slots);
  if (slots == NULL)
    return ERR_NOMEM;
  memset(slots, 0, (size_t)block * sizeof *slots);

  while (done < cfg->max_reps && !stop && e == ERR_OK) {
    const long b = cfg->max_reps - done < block ? cfg->max_reps - done : block;
    const long first = done;

#pragma omp parallel for schedule(dynamic) num_threads(cfg->threads)
    for (long i = 0; i < b; i++) {
      struct slot *s = &slots[i];
      struct model_sinks sk = { s, want_conv ? sink_convoy : NULL,
                                want_daily ? sink_daily : NULL, NULL };
      s->cfg = cfg;
      s->rep = (uint64_t)(first + i);
      csv_row_clear(&s->rep_row);
      csv_row_clear(&s->conv_rows);
      s->n_day = 0;
      s->nomem = false;
      s->status = job->replicate(job->ctx, omp_get_thread_num(), cfg->seed, s->rep,
                                 want_conv || want_daily ? &sk : NULL, &s->res);
      if (s->status == ERR_OK && want_rows)
        replication_row(&s->rep_row, cfg, s->rep, &s->res);
      if (s->status == ERR_OK && (s->nomem || s->rep_row.nomem || s->conv_rows.nomem))
        s->status = ERR_NOMEM;
    }

    /* merge in replication order */
    for (long i = 0; i < b && e == ERR_OK; i++) {
      const struct slot *s = &slots[i];
      const uint64_t rep = (uint64_t)(first + i);
      if (s->status != ERR_OK) {
        e = s->status;
        break;
      }
      e = tally_set_add(&st->tallies, s->res.metric);
      if (e != ERR_OK)
        break;
      st->events += s->res.events;
      if (cfg->captured != NULL && (long)rep == cfg->capture_rep)
        *cfg->captured = s->res;
      st->reps++;
      done++;
      if (want_rows)
        csv_put(cfg->replications, &s->rep_row);
      if (want_conv)
        csv_put(cfg->convoys, &s->conv_rows);
      if (st->daily != NULL && (e = merge_daily(st, s)) != ERR_OK)
        break;
      if (precision && done % RUNNER_BATCH == 0) {
        double h = tally_ci_half_width(&st->tallies.t[METRIC_DELIVERY_RATE]);
        if (!isnan(h) && h <= cfg->precision) {
          stop = true;
          st->stopped_early = done < cfg->max_reps;
          break;
        }
      }
    }
    if (e == ERR_OK && files_failed(cfg))
      e = ERR_IO;
    if (cfg->progress != NULL)
      cfg->progress(cfg->progress_ctx, done, cfg->max_reps);
  }
  slots_free(slots, (size_t)block);
  return e;
}
