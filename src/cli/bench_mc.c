/*
 * bench_mc.c - `convoysim bench mc`: the Monte Carlo runner on the model.
 *
 * Rows:
 *   peak_rss_mib_1e3, peak_rss_mib_1e5  peak resident memory of a whole
 *       `convoysim run scenarios/example.cfg -q` with -n 1000 and -n 100000
 *       (this binary, re-executed in a child, CSV written to a temporary
 *       folder that is removed; read from wait4's ru_maxrss).  It is the
 *       figure a user sees; the small scenario keeps 10^5 replications
 *       affordable.  Measured first, before this process starts threads.
 *   baseline_replications_per_s_1t      scenarios/gaza_baseline.cfg, 1 thread
 *   baseline_replications_per_s_all     the same on all cores
 *   parallel_efficiency                 all-core rate / (threads x 1-thread rate)
 *   baseline_10k_wall_s                 10,000 replications, all cores
 * The rates run the runner with no files (what `run` does minus the CSV
 * formatting), each for about BENCH_MC_SECONDS after a calibration run.
 * Scenarios are looked for in ./scenarios, then in the source tree.
 */
#define _DEFAULT_SOURCE 1 /* wait4 (with its child-only rusage) */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <omp.h>

#include "cli.h"
#include "convoysim/model.h"
#include "convoysim/runner.h"
#include "convoysim/scenario.h"

#define BENCH_MC_SECONDS 4.0  /* target duration of each rate measurement */

/* scenarios/NAME from the working directory, else from the source tree. */
static void scenario_path(char *buf, size_t size, const char *name)
{
  snprintf(buf, size, "scenarios/%s", name);
  if (access(buf, R_OK) != 0)
    snprintf(buf, size, "%s/scenarios/%s", CONVOYSIM_SOURCE_DIR, name);
}

/* Peak RSS in MiB of `convoysim run SCENARIO -n reps -q -o TMP`, or NAN. */
static double child_peak_rss(const char *scenario, long reps)
{
  char dir[] = "/tmp/convoysim-bench.XXXXXX";
  char n[32], path[256];
  struct rusage ru;
  int status;
  pid_t pid;

  if (mkdtemp(dir) == NULL)
    return NAN;
  snprintf(n, sizeof n, "%ld", reps);
  pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    char *args[] = { (char *)"convoysim", (char *)"run", (char *)scenario, (char *)"-n", n,
                     (char *)"-q", (char *)"-o", dir, NULL };
    execv("/proc/self/exe", args);
    _exit(127);
  }
  double mib = NAN;
  if (pid > 0 && wait4(pid, &status, 0, &ru) == pid && WIFEXITED(status) &&
      WEXITSTATUS(status) == 0)
    mib = (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
  static const char *const files[] = { "summary.csv", "replications.csv", "run.cfg" };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
  return mib;
}

/* Replications per second of `reps` replications on `threads` threads. */
static enum err rate(struct runner_model *rm, uint64_t seed, long reps, int threads,
                     double *per_s, double *wall)
{
  struct runner_job job = { rm, runner_model_replicate };
  struct runner_config cfg;
  struct runner_stats st;
  enum err e;

  memset(&cfg, 0, sizeof cfg);
  cfg.seed = seed;
  cfg.max_reps = reps;
  cfg.threads = threads;
  double t0 = bench_now();
  e = runner_run(&cfg, &job, &st);
  *wall = bench_now() - t0;
  *per_s = (double)st.reps / *wall;
  runner_stats_release(&st);
  return e;
}

/* About BENCH_MC_SECONDS worth of replications, after a calibration run. */
static enum err timed_rate(struct runner_model *rm, uint64_t seed, int threads, double *per_s)
{
  double wall, r;
  enum err e = rate(rm, seed, 20L * threads, threads, &r, &wall);
  if (e != ERR_OK)
    return e;
  long reps = (long)(r * BENCH_MC_SECONDS);
  if (reps < 20L * threads)
    reps = 20L * threads;
  return rate(rm, seed, reps, threads, per_s, &wall);
}

int bench_mc(FILE *out)
{
  char path[1024];
  struct scenario sc;
  struct diag d;
  struct model *m = NULL;
  struct runner_model rm = { NULL, NULL, 0 };
  enum err e;
  int rc = 0;

  /* memory first: a child per run, before this process starts threads */
  scenario_path(path, sizeof path, "example.cfg");
  double rss3 = child_peak_rss(path, 1000);
  double rss5 = child_peak_rss(path, 100000);
  if (isnan(rss3) || isnan(rss5)) {
    cli_error("bench", "mc: 'convoysim run %s' failed in a child process", path);
    return EXIT_SOFTWARE;
  }
  bench_row(out, "peak_rss_mib_1e3", rss3, "MiB");
  bench_row(out, "peak_rss_mib_1e5", rss5, "MiB");

  scenario_path(path, sizeof path, "gaza_baseline.cfg");
  diag_init(&d);
  e = scenario_load(&sc, path, NULL, 0, &d);
  if (e == ERR_OK) {
    e = model_new(&sc, &m, &d);
    if (e != ERR_OK)
      scenario_release(&sc);
  }
  diag_print(&d, stderr);
  diag_release(&d);
  if (e != ERR_OK) {
    cli_error("bench", "mc: %s: %s", path, err_str(e));
    return err_exit_code(e);
  }
  int all = omp_get_max_threads();
  double r1, rall, wall, r10k;
  e = runner_model_init(&rm, m, all);
  if (e == ERR_OK)
    e = timed_rate(&rm, sc.seed, 1, &r1);
  if (e == ERR_OK)
    e = timed_rate(&rm, sc.seed, all, &rall);
  if (e == ERR_OK)
    e = rate(&rm, sc.seed, 10000, all, &r10k, &wall);
  if (e != ERR_OK) {
    cli_error("bench", "mc: %s", err_str(e));
    rc = err_exit_code(e);
  } else {
    bench_row(out, "baseline_replications_per_s_1t", r1, "replications/s");
    bench_row(out, "baseline_replications_per_s_all", rall, "replications/s");
    bench_row(out, "parallel_efficiency", rall / (r1 * all), "ratio");
    bench_row(out, "baseline_10k_wall_s", wall, "s");
  }
  runner_model_release(&rm);
  model_free(m);
  scenario_release(&sc);
  return rc;
}
