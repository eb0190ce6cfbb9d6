/*
 * runner.h - the Monte Carlo runner: replications in parallel, results in
 * replication order.
 *
 * runner_run() runs replications 0, 1, 2, ... of one design point through a
 * replicate callback (the model through runner_model_replicate, or any
 * function with the same contract), with OpenMP threads, schedule(dynamic).
 * The one rule: every output depends on (seed, replication) only, never on
 * the thread count or schedule.  Replications run in fixed blocks of
 * RUNNER_BLOCK (RUNNER_BATCH under --precision) whatever -j says; inside a
 * block each replication writes only its own slot (its result, its
 * replications.csv and convoys.csv rows already formatted in memory, its
 * daily records); after the block, the slots are merged in replication
 * order: metric tallies, rows appended to the files, daily tallies.  No
 * I/O and no lock inside the parallel region; the serial merge only adds
 * to tallies and copies bytes.
 * Memory is flat in the number of replications (bounded tallies, one block
 * of slots), except the convoys.csv file itself, which streams to disk.
 *
 * Sequential stopping (--precision H): after every RUNNER_BATCH
 * replications (100, 200, 300, ...), in replication order, the run stops as
 * soon as the 95% t-interval half-width of delivery_rate is at most H;
 * max_reps is then the maximum.  Replications of the last block past the
 * stopping point are discarded unseen, so the answer is the same for any -j.
 */
#ifndef CONVOYSIM_RUNNER_H
#define CONVOYSIM_RUNNER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convoysim/csv.h"
#include "convoysim/error.h"
#include "convoysim/metrics.h"
#include "convoysim/model.h"
#include "convoysim/scenario.h"
#include "convoysim/tally.h"

#define RUNNER_BATCH 100  /* --precision is decided after every 100 replications */
#define RUNNER_BLOCK 400  /* replications per parallel block (a multiple of RUNNER_BATCH) */

/* Runs one replication: the contract of a replicate callback.  `thread` is
 * the OpenMP thread number (0 .. threads - 1), for per-thread workspaces;
 * sinks is NULL or receives the replication's records; out is the
 * replication's own slot.  Must depend on (seed, rep) only. */
struct runner_job {
  void *ctx;  /* passed to replicate */
  enum err (*replicate)(void *ctx, int thread, uint64_t seed, uint64_t rep,
                        const struct model_sinks *sinks, struct rep_result *out);
};

struct runner_config {
  uint64_t seed;          /* master seed */
  long max_reps;          /* replications to run (the maximum under precision), >= 1 */
  int threads;            /* OpenMP threads, >= 1 */
  double precision;       /* stop at this delivery_rate CI half-width; <= 0 = off */
  long point;             /* design point number for the `point` columns */
  const struct scenario *sc; /* names for convoys.csv and daily.csv; may be NULL
                                when neither is written */
  bool want_daily;        /* tally daily records (daily.csv) */
  long daily_days;        /* days 0 .. daily_days - 1 are tallied */
  struct csv_file *replications; /* rows written in order, or NULL */
  const char *const *key_values; /* values of the varied keys, for both files */
  size_t n_keys;
  struct csv_file *convoys;      /* rows written in order, or NULL */
  long capture_rep;       /* copy this replication's result to *captured */
  struct rep_result *captured; /* (--trace checks it reproduces), or NULL */
  /* Called after each block in the main thread (progress display), or NULL. */
  void (*progress)(void *ctx, long done, long total);
  void *progress_ctx;
  /* Polled between replications: nonzero stops the run (ERR_INTERRUPTED)
   * with every replication merged so far kept.  NULL = never. */
  const atomic_int *stop;
};
/* One (day, zone) of daily.csv. */
struct runner_daily_cell {
  struct tally tonnes;    /* tonnes delivered that day; p10, p90 */
  double need_t;          /* mean need that day, t */
  double desperation;     /* mean D at the end of the day */
  double backlog;         /* mean crossing backlog at midnight, loads */
  double harm;            /* mean civilian harm that day */
  size_t n;               /* replications that reported this cell */
};

struct runner_stats {
  long reps;                  /* replications run and merged */
  bool stopped_early;         /* --precision was met before max_reps */
  uint64_t events;            /* calendar events, all replications */
  struct tally_set tallies;   /* one tally per metric, in replication order */
  struct runner_daily_cell *daily; /* [day * n_zones + zone], or NULL */
  long daily_days;            /* rows of daily */
  size_t n_zones;             /* nodes of the scenario (zone = node index) */
};

/* Run; st is filled and must be released with runner_stats_release, even
 * on failure.  ERR_IO when a csv file failed (its c->err_no says why), the
 * callback's error when a replication failed, ERR_NOMEM. */
enum err runner_run(const struct runner_config *cfg, const struct runner_job *job,
                    struct runner_stats *st);
void runner_stats_release(struct runner_stats *st);

/* ------------------------------------------------------------ studies */

/* One design point of a study, as the runner sees it (runner_run_plan). */
struct runner_point {
  long point;                    /* number for the `point` columns */
  const char *const *key_values; /* cells of the key columns */
  size_t n_keys;
  const struct scenario *sc;     /* names for convoys.csv and daily.csv */
  long daily_days;               /* days 0 .. daily_days - 1 of daily.csv */
  struct runner_job job;         /* how its replications run */
  long max_reps;                 /* replications (the maximum under precision), >= 1 */
  long kept;                     /* replications 0 .. kept - 1 come from kept_rep */
  /* How another process rebuilds this point (MPI, cluster.h): the scenario
   * file and the --set list whose load and model_new give the model that
   * job runs; NULL = the point runs in this process only. */
  const char *recipe_path;
  const char *const *recipe_sets;
  size_t recipe_n_sets;
};

/* A study: points 0 .. n_points - 1, each with its own replications 0, 1,
 * ... of the same seed (common random numbers).  All (point, replication)
 * pairs go through one parallel pool in point-major order, in blocks that
 * may span points, and are merged in that order: replications.csv and
 * convoys.csv hold point 0's rows, then point 1's, exactly as if each point
 * had been run alone.  The callbacks run in the main thread, in order. */
struct runner_plan {
  size_t n_points;
  /* Fill *p for point i before its first replication (its model, its kept
   * replications); points open in order, at most one block ahead. */
  enum err (*open)(void *ctx, size_t i, struct runner_point *p);
  /* Kept replication `rep` of point i (rep < p->kept), in order: its
   * metrics into *out; the callback appends its rows to the files itself. */
  enum err (*kept_rep)(void *ctx, size_t i, long rep, struct rep_result *out);
  /* Every merged replication of point i, in order, or NULL. */
  void (*merged)(void *ctx, size_t i, long rep, const struct rep_result *r);
  /* Point i is complete (all its replications, or stopped by --precision);
   * or, with `partial` set, the run was interrupted inside it.  The
   * callback may take st over (copy it and zero *st). */
  enum err (*done)(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st,
                   bool partial);
  /* Point i will not be used again. */
  void (*close)(void *ctx, size_t i);
  bool keep_partial;  /* on interruption, hand the point in progress to done() */
  long total_reps;    /* replications planned in all, for the progress display */
  void *ctx;
};

/* Run a study with cfg's seed, threads, precision, files, progress and stop
 * flag (cfg's max_reps, point, sc, key_values and daily_days are the
 * points' own here).  ERR_INTERRUPTED when cfg->stop was raised: every
 * point before the one in progress is done. */
enum err runner_run_plan(const struct runner_config *cfg, const struct runner_plan *plan);

/* summary.csv (SPEC 6): header `point`, keys, `replications`, then for each
 * metric M_mean, M_sd, M_ci_low, M_ci_high, M_p05, M_p50, M_p95, M_n; and
 * one row for one design point. */
void runner_summary_header(struct csv_file *f, const char *const *keys, size_t n_keys);
void runner_summary_row(struct csv_file *f, const struct runner_config *cfg,
                        struct runner_stats *st);
/* The same for a point of a study. */
void runner_point_summary_row(struct csv_file *f, const struct runner_point *p,
                              struct runner_stats *st);
/* replications.csv header: point, replication, seed, keys, metrics. */
void runner_replications_header(struct csv_file *f, const char *const *keys, size_t n_keys);
/* convoys.csv header (see runner.c for the columns). */
void runner_convoys_header(struct csv_file *f, const char *const *keys, size_t n_keys);
/* daily.csv: header, and the rows of one point (distribution nodes only). */
void runner_daily_header(struct csv_file *f, const char *const *keys, size_t n_keys);
void runner_daily_rows(struct csv_file *f, const struct runner_config *cfg,
                       struct runner_stats *st);
void runner_point_daily_rows(struct csv_file *f, const struct runner_point *p,
                             struct runner_stats *st);
/* events.csv (--trace R): header, and a model_sinks whose trace records are
 * written to f as rows of replication `rep` (ctx must outlive the run). */
struct runner_trace {
  struct csv_file *f;   /* events.csv */
  uint64_t rep;         /* the traced replication */
};
void runner_events_header(struct csv_file *f);
void runner_trace_sinks(struct runner_trace *t, struct model_sinks *sinks);

/* The model as a replicate callback: one model_ws per thread.  ctx of the
 * runner_job is a struct runner_model. */
struct runner_model {
  const struct model *m;  /* shared, read-only */
  struct model_ws **ws;   /* ws[thread], owned */
  int threads;            /* entries of ws */
};
enum err runner_model_init(struct runner_model *rm, const struct model *m, int threads);
/* Every workspace polls *stop (model_ws_set_stop). */
void runner_model_set_stop(struct runner_model *rm, const atomic_int *stop);
void runner_model_release(struct runner_model *rm);
enum err runner_model_replicate(void *ctx, int thread, uint64_t seed, uint64_t rep,
                                const struct model_sinks *sinks, struct rep_result *out);

#endif
