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
 */
#include "bench.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "convoysim/model.h"
#include "convoysim/scenario.h"

#define BENCH_MODEL_SECONDS 3.0
#define BENCH_MODEL_WARMUP 20
#define BENCH_MODEL_SEED 1u

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
    }
    t1 = bench_now();
  }
  if (e != ERR_OK) {
    diag_print(&d, stderr);
    fprintf(stderr, "convoysim: bench baseline: %s\n", err_str(e));
  } else {
    bench_row(out, "baseline_replications_per_s", (double)n / (t1 - t0), "1/s");
    bench_row(out, "baseline_events_per_replication", (double)events / (double)n, "events");
    bench_row(out, "baseline_events_per_s", (double)events / (t1 - t0), "1/s");
  }
  model_ws_free(ws);
  model_free(m);
  scenario_release(&sc);
  diag_release(&d);
  return e == ERR_OK ? 0 : err_exit_code(e);
}
