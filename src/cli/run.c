/*
 * run.c - `convoysim run SCENARIO [options]`: one design point, many
 * replications, CSV results (SPEC sections 2, 5, 6).
 *
 * The one rule: a run either leaves every file it was asked for, complete,
 * or none of them.  Order of work: options (64), scenario (65/66), model,
 * output folder and every file opened under a temporary name (73), the
 * replications, the trace, then all files renamed into place together (74
 * if anything failed), and a headline block on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <omp.h>

#include "cli.h"
#include "convoysim/csv.h"
#include "convoysim/force.h"
#include "convoysim/model.h"
#include "convoysim/progress.h"
#include "convoysim/runner.h"
#include "convoysim/scenario.h"

enum { F_SUMMARY, F_REPLICATIONS, F_RUNCFG, F_CONVOYS, F_DAILY, F_EVENTS, F_COUNT };
static const char *const file_names[F_COUNT] = {
  "summary.csv", "replications.csv", "run.cfg", "convoys.csv", "daily.csv", "events.csv"
};

/* The temporary files of the run, for the signal handler: an interrupted
 * run (Ctrl-C, kill) removes them before it dies, so it leaves nothing. */
static const char *volatile interrupted_tmp[F_COUNT];

static void on_signal(int sig)
{
  for (int f = 0; f < F_COUNT; f++)
    if (interrupted_tmp[f] != NULL)
      unlink(interrupted_tmp[f]); /* async-signal-safe */
  signal(sig, SIG_DFL);
  raise(sig);
}

/* Block (true) or unblock the signals on_signal handles. */
static void hold_signals(bool hold)
{
  sigset_t set;

  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void catch_signals(void)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  /* past a file-size limit a write fails with EFBIG (exit 74, temporary
   * files removed) instead of the process dying with them on disk */
  signal(SIGXFSZ, SIG_IGN);
}

struct run_opts {
  long reps;              /* -n; -1 = the file's */
  bool have_seed;         /* -s given */
  uint64_t seed;          /* -s */
  int threads;            /* -j; 0 = all cores */
  const char *out;        /* -o; NULL = results/<name> */
  const char **sets;      /* --set values, argc slots */
  size_t n_sets;
  double precision;       /* --precision; 0 = off */
  bool convoys;           /* --convoys */
  bool daily;             /* --daily */
  long trace;             /* --trace R; -1 = none */
  bool quiet;             /* -q */
};

/* A whole decimal integer in [lo, hi], or false. */
static bool parse_long(const char *s, long lo, long hi, long *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (s[0] < '0' || s[0] > '9') /* strtoull would accept "-1" */
    return false;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *out = (uint64_t)v;
  return true;
}

static int parse_opts(int argc, char **argv, struct run_opts *o, const char **path)
{
  static const struct option opts[] = {
    { "replications", required_argument, NULL, 'n' },
    { "seed", required_argument, NULL, 's' },
    { "threads", required_argument, NULL, 'j' },
    { "out", required_argument, NULL, 'o' },
    { "set", required_argument, NULL, 'S' },
    { "precision", required_argument, NULL, 'P' },
    { "convoys", no_argument, NULL, 'C' },
    { "daily", no_argument, NULL, 'D' },
    { "trace", required_argument, NULL, 'T' },
    { "quiet", no_argument, NULL, 'q' },
    { NULL, 0, NULL, 0 }
  };
  int c;
  long v;

  memset(o, 0, sizeof *o);
  o->reps = -1;
  o->trace = -1;
  o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
  if (o->sets == NULL) {
    cli_error("run", "out of memory");
    return EXIT_SOFTWARE;
  }
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":n:s:j:o:q", opts, NULL)) != -1) {
    switch (c) {
    case 'n':
      if (!parse_long(optarg, 1, 1000000000000L, &o->reps)) {
        cli_error("run", "-n/--replications must be an integer >= 1, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 's':
      if (!parse_u64(optarg, &o->seed)) {
        cli_error("run", "-s/--seed must be an unsigned 64-bit integer, not '%s'", optarg);
        return EXIT_USAGE;
      }
      o->have_seed = true;
      break;
    case 'j':
      if (!parse_long(optarg, 1, 4096, &v)) {
        cli_error("run", "-j/--threads must be an integer from 1 to 4096, not '%s'", optarg);
        return EXIT_USAGE;
      }
      o->threads = (int)v;
      break;
    case 'o':
      if (optarg[0] == '\0') {
        cli_error("run", "-o/--out needs a folder");
        return EXIT_USAGE;
      }
      o->out = optarg;
      break;
    case 'S':
      if (!cli_add_set("run", optarg, o->sets, &o->n_sets))
        return EXIT_USAGE;
      break;
    case 'P': {
      char *end;
      errno = 0;
      o->precision = strtod(optarg, &end);
      if (errno != 0 || end == optarg || *end != '\0' || !(o->precision > 0.0) ||
          isinf(o->precision)) {
        cli_error("run", "--precision must be a number > 0, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'C':
      o->convoys = true;
      break;
    case 'D':
      o->daily = true;
      break;
    case 'T':
      if (!parse_long(optarg, 0, 1000000000000L, &o->trace)) {
        cli_error("run", "--trace must be a replication number >= 0, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'q':
      o->quiet = true;
      break;
    case ':':
      cli_error("run", "option '%s' needs a value", argv[optind - 1]);
      return EXIT_USAGE;
    default:
      cli_error("run", "unknown option '%s'; see 'convoysim help run'", argv[optind - 1]);
      return EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    cli_error("run", optind == argc ? "give one SCENARIO file"
                                    : "give one SCENARIO file, not several");
    return EXIT_USAGE;
  }
  *path = argv[optind];
  return 0;
}

/* mkdir -p; false with errno set on failure. */
static bool make_dirs(const char *dir)
{
  char *p = strdup(dir);
  struct stat st;
  bool ok = true;

  if (p == NULL)
    return false;
  for (char *s = p + 1; ok; s++) {
    bool end = *s == '\0';
    if (*s == '/' || end) {
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST)
        ok = false;
      else if (stat(p, &st) != 0)
        ok = false;
      else if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        ok = false;
      }
      if (end)
        break;
      *s = '/';
    }
  }
  free(p);
  return ok;
}

/* The command line, shell-quoted where needed, appended to buf. */
static void command_line(char *buf, size_t size, int argc, char **argv)
{
  size_t n = (size_t)snprintf(buf, size, "convoysim");
  for (int i = 0; i < argc && n < size; i++) {
    const char *a = argv[i];
    bool quote = a[0] == '\0' || strpbrk(a, " \t\n'\"\\$`;&|<>()*?[]{}#~!") != NULL;
    n += (size_t)snprintf(buf + n, size - n, quote ? " '%s'" : " %s", a);
  }
}

static void print_value(const char *label, double x, const char *fmt_tail)
{
  printf("  %-19s", label);
  if (isnan(x))
    printf("n/a\n");
  else
    printf(fmt_tail, x);
}

/* How much of the force the run used, and whether it was past the size at
 * which more teams change anything (force_saturation, as check prints it). */
static void print_force_use(const struct scenario *sc, const struct tally_summary *esc)
{
  struct force_saturation z;
  double troops = force_troops_max(&sc->force);
  unsigned past;
  force_saturation(sc, &z);
  past = force_past_useful(sc, troops, &z);
  printf("  %-19s", "force");
  if (isnan(esc->mean))
    printf("no escort teams");
  else
    printf("escort teams busy %.1f%% of their hours", 100.0 * esc->mean);
  if (past & FORCE_PAST_ALL) {
    printf("; %g troops are past every task's useful size: more add cost, not deliveries", troops);
  } else if (past != 0) {
    static const char *const task[] = { "escort", "patrol", "qrf" };
    const char *sep = "; more teams change little for ";
    for (int i = 0; i < 3; i++)
      if (past & (1u << i)) {
        printf("%s%s", sep, task[i]);
        sep = ", ";
      }
    printf(" (convoysim check says why)");
  }
  printf("\n");
}

static void headline(const struct scenario *sc, struct runner_stats *st, int threads,
                     double wall, const char *out_dir, const bool *want)
{
  struct tally_summary dr, td, ir, ch, cpt, cost, esc;

  tally_result(&st->tallies.t[METRIC_DELIVERY_RATE], &dr);
  tally_result(&st->tallies.t[METRIC_TONNES_DELIVERED], &td);
  tally_result(&st->tallies.t[METRIC_INTERCEPT_RATE], &ir);
  tally_result(&st->tallies.t[METRIC_CIVILIAN_HARM], &ch);
  tally_result(&st->tallies.t[METRIC_COST_PER_TONNE_USD], &cpt);
  tally_result(&st->tallies.t[METRIC_FORCE_COST_USD], &cost);
  tally_result(&st->tallies.t[METRIC_ESCORT_BUSY_SHARE], &esc);
  double need = sc->total_need_t_per_day * (sc->horizon_days - sc->warmup_days);

  printf("%s: %ld replications%s in %.1f s on %d thread%s (%.0f replications/s)\n",
         sc->name, st->reps, st->stopped_early ? " (precision reached)" : "", wall, threads,
         threads == 1 ? "" : "s", wall > 0 ? (double)st->reps / wall : 0.0);
  printf("  %-19s", "delivery rate");
  if (isnan(dr.mean))
    printf("n/a (no convoys scheduled)\n");
  else if (isnan(dr.ci_low))
    printf("%.4f\n", dr.mean);
  else
    printf("%.4f  (95%% CI %.4f to %.4f)\n", dr.mean, dr.ci_low, dr.ci_high);
  printf("  %-19s", "tonnes delivered");
  if (need > 0)
    printf("%.0f t of %.0f t needed (%.1f%%), mean per run\n", td.mean, need,
           100.0 * td.mean / need);
  else
    printf("%.0f t, mean per run (no need set)\n", td.mean);
  print_value("interception rate", ir.mean, "%.4f of trucks dispatched\n");
  print_value("civilian harm", ch.mean, "%.2f expected casualties per run\n");
  printf("  %-19s", "cost per tonne");
  if (!isnan(cost.mean) && td.mean > 0)
    printf("USD %.2f pooled (total cost / total t)", cost.mean / td.mean);
  else
    printf("n/a pooled");
  if (!isnan(cpt.mean))
    printf("; USD %.2f mean of per-run ratios\n", cpt.mean);
  else
    printf("\n");
  if (sc->force.present)
    print_force_use(sc, &esc);
  printf("  %-19s%s/:", "files", out_dir);
  for (int f = 0; f < F_COUNT; f++)
    if (want[f])
      printf(" %s", file_names[f]);
  printf("\n");
}

static void show_progress(void *ctx, long done, long total)
{
  progress_update(ctx, done, total);
}

/* Say why the run failed; remove every temporary file; the exit code. */
static int report_failure(enum err e, struct csv_file *files, bool *open)
{
  hold_signals(true);
  for (int f = 0; f < F_COUNT; f++)
    interrupted_tmp[f] = NULL;
  hold_signals(false);
  if (e == ERR_IO) {
    for (int f = 0; f < F_COUNT; f++)
      if (open[f] && csv_failed(&files[f])) {
        cli_error("run", "write failed in '%s': %s; no file was written", files[f].path,
                  strerror(files[f].err_no ? files[f].err_no : EIO));
        break;
      }
  } else if (e == ERR_LIMIT) {
    cli_error("run", "a replication had more than %zu events pending at once (the event "
              "calendar's limit): the scenario schedules too much at a time; no file was written",
              MODEL_MAX_PENDING);
  } else {
    cli_error("run", "a replication failed: %s; no file was written", err_str(e));
  }
  for (int f = 0; f < F_COUNT; f++)
    if (open[f]) {
      csv_abort(&files[f]);
      open[f] = false;
    }
  return err_exit_code(e);
}

static void abort_files(struct csv_file *files, const bool *open)
{
  hold_signals(true);
  for (int f = 0; f < F_COUNT; f++) {
    interrupted_tmp[f] = NULL;
    if (open[f])
      csv_abort(&files[f]);
  }
  hold_signals(false);
}

/* The manifest: comments, then the scenario with its effective seed and
 * replications, so that running it gives the same CSV bytes. */
static void write_manifest(struct csv_file *f, struct scenario *sc, const char *cmdline,
                           int threads, double wall, const struct runner_stats *st,
                           const struct run_opts *o, long max_reps)
{
  char header[16384];
  long max_asked = max_reps;

  sc->replications = st->reps; /* the count actually run (precision may stop early) */
  snprintf(header, sizeof header,
           "convoysim %s manifest: `convoysim run THIS_FILE` reproduces summary.csv and\n"
           "replications.csv of this run (add --daily, --convoys, --trace R for the others)\n"
           "command: %s\n"
           "threads: %d\n"
           "ranks: 1\n"
           "wall_time_s: %.3f\n"
           "events: %" PRIu64 "\n"
           "replications: %ld%s\n",
           CONVOYSIM_VERSION, cmdline, threads, wall, st->events, st->reps,
           o->precision > 0 ? (st->stopped_early ? " (stopped by --precision)"
                                                 : " (the maximum; --precision not reached)")
                            : "");
  if (o->precision > 0) {
    size_t n = strlen(header);
    snprintf(header + n, sizeof header - n, "precision: %g of delivery_rate, at most %ld replications\n",
             o->precision, max_asked);
  }
  if (scenario_write(sc, csv_stream(f), header) != ERR_OK && f->err_no == 0)
    f->err_no = EIO;
}

int cmd_run(int argc, char **argv)
{
  struct run_opts o;
  const char *path = NULL;
  char cmdline[8192];
  int rc;
  struct scenario sc;
  struct diag d;
  struct model *m = NULL;
  struct runner_model rm = { NULL, NULL, 0 };
  struct runner_stats st;
  struct csv_file files[F_COUNT];
  bool want[F_COUNT] = { true, true, true, false, false, false };
  bool open[F_COUNT] = { false };
  char out_dir[4096], fpath[4352];
  struct rep_result traced_row, traced_alone;
  enum err e;

  memset(&st, 0, sizeof st);
  memset(files, 0, sizeof files);
  command_line(cmdline, sizeof cmdline, argc, argv); /* before getopt permutes argv */
  rc = parse_opts(argc, argv, &o, &path);
  if (rc != 0) {
    free(o.sets);
    return rc;
  }

  /* the scenario */
  diag_init(&d);
  e = scenario_load(&sc, path, o.sets, o.n_sets, &d);
  free(o.sets);
  diag_print(&d, stderr);
  diag_release(&d);
  if (e != ERR_OK) {
    if (e == ERR_SCENARIO)
      cli_error("run", "%s has problems; nothing was run", path);
    else if (e != ERR_NOINPUT)
      cli_error("run", "%s", err_str(e));
    return err_exit_code(e);
  }
  if (sc.sweep.present)
    cli_error("run", "note: %s has a sweep group; this version checks it but runs only the "
              "scenario's own values", path);
  if (o.reps > 0)
    sc.replications = o.reps;
  if (o.have_seed)
    sc.seed = o.seed;
  const long max_reps = sc.replications;
  if (o.trace >= max_reps) {
    cli_error("run", "--trace %ld: the run has replications 0 to %ld", o.trace, max_reps - 1);
    scenario_release(&sc);
    return EXIT_USAGE;
  }
  want[F_CONVOYS] = o.convoys;
  want[F_DAILY] = o.daily;
  want[F_EVENTS] = o.trace >= 0;
  int threads = o.threads > 0 ? o.threads : omp_get_max_threads();

  /* the model */
  diag_init(&d);
  e = model_new(&sc, &m, &d);
  diag_print(&d, stderr);
  diag_release(&d);
  if (e != ERR_OK) {
    cli_error("run", e == ERR_SCENARIO ? "%s has problems; nothing was run" : "%s",
              e == ERR_SCENARIO ? path : err_str(e));
    scenario_release(&sc);
    return err_exit_code(e);
  }

  /* the output folder and every file, before the first replication */
  if (o.out != NULL)
    snprintf(out_dir, sizeof out_dir, "%s", o.out);
  else
    snprintf(out_dir, sizeof out_dir, "results/%s", sc.name);
  size_t len = strlen(out_dir);
  while (len > 1 && out_dir[len - 1] == '/')
    out_dir[--len] = '\0';
  if (!make_dirs(out_dir)) {
    cli_error("run", "cannot create folder '%s': %s", out_dir, strerror(errno));
    rc = EXIT_CANTCREAT;
    goto done;
  }
  for (int f = 0; f < F_COUNT; f++) {
    if (!want[f])
      continue;
    snprintf(fpath, sizeof fpath, "%s/%s", out_dir, file_names[f]);
    struct stat fst;
    if (stat(fpath, &fst) == 0 && S_ISDIR(fst.st_mode)) { /* rename would fail at the end */
      cli_error("run", "cannot create '%s': %s", fpath, strerror(EISDIR));
      rc = EXIT_CANTCREAT;
      goto done;
    }
    e = csv_open(&files[f], fpath);
    if (e != ERR_OK) {
      cli_error("run", "cannot create '%s': %s", fpath,
                e == ERR_NOMEM ? "out of memory" : strerror(files[f].err_no));
      rc = e == ERR_NOMEM ? EXIT_SOFTWARE : EXIT_CANTCREAT;
      goto done;
    }
    open[f] = true;
    hold_signals(true);
    interrupted_tmp[f] = files[f].tmp;
    hold_signals(false);
    if (f == 0)
      catch_signals();
  }
  runner_replications_header(&files[F_REPLICATIONS], NULL, 0);
  if (want[F_CONVOYS])
    runner_convoys_header(&files[F_CONVOYS], NULL, 0);

  /* the replications */
  e = runner_model_init(&rm, m, threads);
  if (e != ERR_OK) {
    cli_error("run", "%s", err_str(e));
    rc = err_exit_code(e);
    goto done;
  }
  struct runner_job job = { &rm, runner_model_replicate };
  struct progress prog;
  struct runner_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.seed = sc.seed;
  cfg.max_reps = max_reps;
  cfg.threads = threads;
  cfg.precision = o.precision;
  cfg.point = 0;
  cfg.sc = &sc;
  cfg.want_daily = o.daily;
  cfg.daily_days = (long)ceil(sc.horizon_days);
  cfg.replications = &files[F_REPLICATIONS];
  cfg.convoys = want[F_CONVOYS] ? &files[F_CONVOYS] : NULL;
  cfg.capture_rep = o.trace;
  cfg.captured = o.trace >= 0 ? &traced_row : NULL;
  cfg.progress = show_progress;
  cfg.progress_ctx = &prog;
  memset(&traced_row, 0, sizeof traced_row);
  progress_init(&prog, "replications", o.quiet);
  double t0 = progress_now();
  e = runner_run(&cfg, &job, &st);
  double wall = progress_now() - t0;
  progress_end(&prog);
  if (e != ERR_OK) {
    rc = report_failure(e, files, open);
    goto done;
  }

  /* the trace: replication R again, alone, with its event log */
  if (o.trace >= 0) {
    struct runner_trace tr = { &files[F_EVENTS], (uint64_t)o.trace };
    struct model_sinks sinks;
    runner_events_header(&files[F_EVENTS]);
    runner_trace_sinks(&tr, &sinks);
    e = runner_model_replicate(&rm, 0, sc.seed, (uint64_t)o.trace, &sinks, &traced_alone);
    if (e != ERR_OK) {
      rc = report_failure(e, files, open);
      goto done;
    }
    if (o.trace < st.reps &&
        memcmp(traced_row.metric, traced_alone.metric, sizeof traced_row.metric) != 0) {
      cli_error("run", "internal error: replication %ld gave other results when run alone",
                o.trace);
      rc = EXIT_SOFTWARE;
      goto done;
    }
  }

  /* the files, renamed into place together */
  runner_summary_header(&files[F_SUMMARY], NULL, 0);
  runner_summary_row(&files[F_SUMMARY], &cfg, &st);
  if (want[F_DAILY]) {
    runner_daily_header(&files[F_DAILY], NULL, 0);
    runner_daily_rows(&files[F_DAILY], &cfg, &st);
  }
  write_manifest(&files[F_RUNCFG], &sc, cmdline, threads, wall, &st, &o, max_reps);
  {
    struct csv_file *all[F_COUNT];
    size_t n = 0;
    hold_signals(true); /* the handler must not see paths being freed */
    for (int f = 0; f < F_COUNT; f++)
      interrupted_tmp[f] = NULL;
    for (int f = 0; f < F_COUNT; f++)
      if (open[f]) {
        all[n++] = &files[f];
        open[f] = false;
      }
    e = csv_commit_all(all, n);
    hold_signals(false);
    if (e != ERR_OK) {
      for (size_t i = 0; i < n; i++)
        if (all[i]->err_no != 0) {
          cli_error("run", "write failed in '%s': %s; no file was written", out_dir,
                    strerror(all[i]->err_no));
          break;
        }
      rc = EXIT_IOERR;
      goto done;
    }
  }
  /* the folder holds one run: optional files an earlier run left there
   * would not belong to this one */
  for (int f = 0; f < F_COUNT; f++)
    if (!want[f]) {
      char stale[sizeof fpath];
      snprintf(stale, sizeof stale, "%s/%s", out_dir, file_names[f]);
      if (unlink(stale) != 0 && errno != ENOENT)
        cli_error("run", "warning: cannot remove '%s' of an earlier run: %s", stale, strerror(errno));
    }
  headline(&sc, &st, threads, wall, out_dir, want);
  rc = 0;
done:
  abort_files(files, open);
  runner_model_release(&rm);
  runner_stats_release(&st);
  model_free(m);
  scenario_release(&sc);
  return rc;
}
