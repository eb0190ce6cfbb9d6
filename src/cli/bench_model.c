/*
 * bench_model.c - `convoysim bench baseline`: one replication of the 90-day
 * Gaza baseline (scenarios/gaza_baseline.cfg) on one thread.
 *
 * The one rule: the rate is measured over consecutive replications of one
 * workspace, as the Monte Carlo runner uses it (no allocation after the
 * first replications), for about BENCH_MODEL_SECONDS, after a short warm-up.
 * Rows:
 *   baseline_replications_per_s     replications per second, 1 thread
 *   baseline_events_per_replication calendar events per replication (mean)
 *   baseline_events_per_s           events per second, 1 thread
 *   baseline_inspections_per_replication  trucks whose inspection started
 *                                   before the horizon (mean): one gamma draw each
 *   baseline_draw_floor_ms          the time those inspection draws alone
 *                                   take (the same number of draws of the
 *                                   first crossing's inspect_h, one stream)
 *   baseline_draw_floor_share       that time over a replication's (both the
 *                                   fastest of 20 rounds, taken in turn)
 */
#include "bench.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <math.h>

#include "convoysim/dist.h"
#include "convoysim/model.h"
#include "convoysim/stream.h"
#include "convoysim/scenario.h"

#define BENCH_MODEL_SECONDS 3.0
#define BENCH_MODEL_WARMUP 20
#define BENCH_MODEL_SEED 1u

/* The fastest of 20 rounds of 10 replications and, alternating with them,
 * of 10 rounds of `draws` inspection draws of the first crossing (the
 * floor under a replication's time); seconds per replication. */
static void draw_floor(const struct scenario *sc, const struct model *m, struct model_ws *ws,
                       long draws, double *rep_s, double *floor_s)
{
  const struct dist *ins = NULL;
  gsl_rng *r = stream_new();
  struct rep_result res;
  double sink = 0;
  *rep_s = *floor_s = HUGE_VAL;
  for (size_t i = 0; i < sc->n_nodes && ins == NULL; i++)
    if (sc->nodes[i].kind == NODE_CROSSING)
      ins = &sc->nodes[i].inspect_h;
  if (r == NULL || ins == NULL) {
    stream_free(r);
    *rep_s = *floor_s = NAN;
    return;
  }
  for (int round = 0; round < 20; round++) {
    double t0 = bench_now(), t1, t2;
    for (int k = 0; k < 10; k++)
      model_replicate(m, ws, BENCH_MODEL_SEED, (uint64_t)(round * 10 + k), NULL, &res);
    t1 = bench_now();
    for (int k = 0; k < 10; k++) {
      stream_seek(r, BENCH_MODEL_SEED, (uint64_t)(round * 10 + k), 0x2000);
      for (long i = 0; i < draws; i++)
        sink += dist_sample(ins, r);
    }
    t2 = bench_now();
    *rep_s = fmin(*rep_s, (t1 - t0) / 10);
    *floor_s = fmin(*floor_s, (t2 - t1) / 10);
  }
  stream_free(r);
  if (!(sink > 0)) /* (the sum keeps the draws from being optimized away) */
    *floor_s = NAN;
}

int bench_model(FILE *out)
{
  char path[1024];
  const char *src = getenv("CONVOYSIM_SOURCE_DIR");
  struct scenario sc;
  struct diag d;
  struct model *m = NULL;
  struct model_ws *ws = NULL;
  struct rep_result res;
  uint64_t rep = 0, events = 0, n = 0;
  double inspections = 0;
  double t0, t1;
  enum err e;

  snprintf(path, sizeof path, "scenarios/gaza_baseline.cfg");
  if (access(path, R_OK) != 0)
    snprintf(path, sizeof path, "%s/scenarios/gaza_baseline.cfg",
             src != NULL ? src : CONVOYSIM_SOURCE_DIR);
  diag_init(&d);
  e = scenario_load(&sc, path, NULL, 0, &d);
  if (e != ERR_OK) {
    diag_print(&d, stderr);
    diag_release(&d);
    return err_exit_code(e);
  }
  e = model_new(&sc, &m, &d);
  if (e == ERR_OK)
    e = model_ws_new(m, &ws);
  for (; e == ERR_OK && rep < BENCH_MODEL_WARMUP; rep++)
    e = model_replicate(m, ws, BENCH_MODEL_SEED, rep, NULL, &res);
  t0 = t1 = bench_now();
  while (e == ERR_OK && t1 - t0 < BENCH_MODEL_SECONDS) {
    for (int k = 0; k < 10 && e == ERR_OK; k++, rep++, n++) {
      e = model_replicate(m, ws, BENCH_MODEL_SEED, rep, NULL, &res);
      events += res.events;
      inspections += res.metric[METRIC_TRUCKS_ENTERED];
    }
    t1 = bench_now();
  }
  if (e != ERR_OK) {
    diag_print(&d, stderr);
    fprintf(stderr, "convoysim: bench baseline: %s\n", err_str(e));
  } else {
    double rep_s, floor_s;
    draw_floor(&sc, m, ws, (long)(inspections / (double)n + 0.5), &rep_s, &floor_s);
    bench_row(out, "baseline_replications_per_s", (double)n / (t1 - t0), "1/s");
    bench_row(out, "baseline_events_per_replication", (double)events / (double)n, "events");
    bench_row(out, "baseline_events_per_s", (double)events / (t1 - t0), "1/s");
    bench_row(out, "baseline_inspections_per_replication", inspections / (double)n, "draws");
    bench_row(out, "baseline_draw_floor_ms", 1e3 * floor_s, "ms");
    bench_row(out, "baseline_draw_floor_share", floor_s / rep_s, "ratio");
  }
  model_ws_free(ws);
  model_free(m);
  scenario_release(&sc);
  diag_release(&d);
  return e == ERR_OK ? 0 : err_exit_code(e);
}
