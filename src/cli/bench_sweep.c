/*
 * bench_sweep.c - `convoysim bench sweep`: what a sweep costs over one run
 * of the same total replications.
 *
 * Rows:
 *   sweep_points                     65 design points of scenarios/gaza_baseline.cfg
 *   sweep_replications_per_point     100
 *   sweep_replications_per_s         the 65 x 100 pairs through one pool
 *                                    (runner_run_plan, as `sweep` runs them)
 *   run_replications_per_s           6,500 replications of one point
 *   sweep_overhead_ratio             sweep rate / run rate (goal >= 0.9)
 * The points vary force.cost_per_troop_day only, which changes no event:
 * every point costs what the base costs, so the ratio is the sweep's own
 * overhead (a scenario and a model per point, blocks across points).  Each
 * point's scenario is loaded and its model built when it opens, as in
 * `sweep`; no files are written.  Run and sweep alternate twice and the
 * totals are compared, on all cores.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "cli.h"
#include "convoysim/model.h"
#include "convoysim/runner.h"
#include "convoysim/scenario.h"

#define SWEEP_POINTS 65
#define SWEEP_REPS 100

struct bsweep {
  const char *path;
  int threads;
  struct scenario sc[SWEEP_POINTS];
  struct model *m[SWEEP_POINTS];
  struct runner_model rm[SWEEP_POINTS];
  char set[SWEEP_POINTS][64];
};

static enum err bs_open(void *ctx, size_t i, struct runner_point *p)
{
  struct bsweep *B = ctx;
  const char *sets[1] = { B->set[i] };
  struct diag d;
  enum err e;
  snprintf(B->set[i], sizeof B->set[i], "force.cost_per_troop_day=%zu.0", 100 + 10 * i);
  diag_init(&d);
  e = scenario_load(&B->sc[i], B->path, sets, 1, &d);
  if (e == ERR_OK)
    e = model_new(&B->sc[i], &B->m[i], &d);
  diag_release(&d);
  if (e == ERR_OK)
    e = runner_model_init(&B->rm[i], B->m[i], B->threads);
  memset(p, 0, sizeof *p);
  p->point = (long)i;
  p->sc = &B->sc[i];
  p->job.ctx = &B->rm[i];
  p->job.replicate = runner_model_replicate;
  p->max_reps = SWEEP_REPS;
  return e;
}

static enum err bs_done(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st, bool partial)
{
  (void)ctx;
  (void)i;
  (void)p;
  (void)st;
  (void)partial;
  return ERR_OK;
}

static void bs_close(void *ctx, size_t i)
{
  struct bsweep *B = ctx;
  runner_model_release(&B->rm[i]);
  model_free(B->m[i]);
  B->m[i] = NULL;
  if (B->sc[i].name != NULL)
    scenario_release(&B->sc[i]);
  memset(&B->sc[i], 0, sizeof B->sc[i]);
}

int bench_sweep(FILE *out)
{
  char path[1024];
  struct bsweep *B = calloc(1, sizeof *B);
  struct scenario sc;
  struct model *m = NULL;
  struct runner_model rm = { NULL, NULL, 0 };
  struct diag d;
  double t_sweep = 0, t_run = 0;
  enum err e;
  if (B == NULL)
    return EXIT_SOFTWARE;
  snprintf(path, sizeof path, "scenarios/gaza_baseline.cfg");
  if (access(path, R_OK) != 0)
    snprintf(path, sizeof path, "%s/scenarios/gaza_baseline.cfg", CONVOYSIM_SOURCE_DIR);
  B->path = path;
  B->threads = omp_get_max_threads();
  diag_init(&d);
  e = scenario_load(&sc, path, NULL, 0, &d);
  if (e == ERR_OK)
    e = model_new(&sc, &m, &d);
  diag_release(&d);
  if (e == ERR_OK)
    e = runner_model_init(&rm, m, B->threads);
  for (int round = 0; round < 2 && e == ERR_OK; round++) {
    struct runner_config cfg;
    struct runner_stats st;
    struct runner_job job = { &rm, runner_model_replicate };
    struct runner_plan plan;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = sc.seed;
    cfg.threads = B->threads;
    cfg.max_reps = (long)SWEEP_POINTS * SWEEP_REPS;
    double t0 = bench_now();
    e = runner_run(&cfg, &job, &st);
    t_run += bench_now() - t0;
    runner_stats_release(&st);
    if (e != ERR_OK)
      break;
    memset(&plan, 0, sizeof plan);
    plan.n_points = SWEEP_POINTS;
    plan.open = bs_open;
    plan.done = bs_done;
    plan.close = bs_close;
    plan.ctx = B;
    t0 = bench_now();
    e = runner_run_plan(&cfg, &plan);
    t_sweep += bench_now() - t0;
  }
  runner_model_release(&rm);
  model_free(m);
  if (sc.name != NULL)
    scenario_release(&sc);
  free(B);
  if (e != ERR_OK) {
    cli_error("bench", "sweep: %s: %s", path, err_str(e));
    return err_exit_code(e);
  }
  double total = 2.0 * SWEEP_POINTS * SWEEP_REPS;
  bench_row(out, "sweep_points", SWEEP_POINTS, "points");
  bench_row(out, "sweep_replications_per_point", SWEEP_REPS, "replications");
  bench_row(out, "sweep_replications_per_s", total / t_sweep, "replications/s");
  bench_row(out, "run_replications_per_s", total / t_run, "replications/s");
  bench_row(out, "sweep_overhead_ratio", t_run / t_sweep, "ratio");
  return 0;
}
