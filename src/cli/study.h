/*
 * study.h - what run, sweep and solve share (SPEC 2, 5, 6): their
 * options, the design points of a study, the output folder that holds one
 * run, the files written under temporary names and committed together, an
 * interruption that keeps the finished prefix, and the resumption of an
 * earlier run of the same study.
 *
 * A study is the base scenario (the file and its --set values) and a list
 * of points, each a list of KEY=VALUE settings applied on top of the base
 * through the --set path, so a point is checked exactly like the file.
 * `run` is a study of one point whose keys are its --set keys; `sweep` a
 * study of the design's points; `solve` a sequence of one-point studies.
 *
 * The one rule: the folder holds one run.  A study writes into a folder
 * that is empty of convoysim's files, or that holds the same study (the
 * same resolved scenario, seed and design: the body of run.cfg), which it
 * resumes: its complete points (a run: its replications) are read back, not
 * recomputed, and the files come out as an uninterrupted run would write
 * them.  Any other run's folder is refused (73) unless --overwrite, and no
 * file convoysim did not write is ever touched.
 */
#ifndef CONVOYSIM_CLI_STUDY_H
#define CONVOYSIM_CLI_STUDY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convoysim/csv.h"
#include "convoysim/csvin.h"
#include "convoysim/design.h"
#include "convoysim/model.h"
#include "convoysim/runner.h"
#include "convoysim/scenario.h"

/* The files a study may write. */
enum study_file {
  F_SUMMARY, F_REPLICATIONS, F_RUNCFG, F_CONVOYS, F_DAILY, F_EVENTS, F_COMPARE, F_SENSITIVITY,
  F_SOLVE, F_COSTS, F_COUNT
};
extern const char *const study_file_names[F_COUNT];

/* Options of run, sweep and solve (each takes its own subset). */
struct study_opts {
  long reps;              /* -n; -1 = the file's */
  bool have_seed;         /* -s given */
  uint64_t seed;          /* -s */
  int threads;            /* -j; 0 = all cores */
  const char *out;        /* -o; NULL = results/<name>[_KEY=VALUE...] */
  const char **sets;      /* --set values, argc slots */
  size_t n_sets;
  double precision;       /* --precision; 0 = off */
  bool convoys;           /* --convoys */
  bool daily;             /* --daily */
  long trace;             /* --trace R; -1 = none */
  bool quiet;             /* -q */
  bool overwrite;         /* --overwrite */
  bool costs;             /* --costs */
  const char **vary;      /* --vary KEY=SPEC, argc slots */
  size_t n_vary;
  int design;             /* --design: -1 = not given, else enum sweep_design */
  long points;            /* --points; 0 = not given */
  const char *design_file; /* --design-file */
  long reference;         /* --reference; -1 = not given */
  const char *target;     /* --target 'METRIC>=X' */
};

/* Parse the options of command cmd (argv[0] is its name) into *o and the
 * scenario path; the options cmd does not take are usage errors.  Returns
 * 0, or the exit code after saying what is wrong. */
int study_parse_opts(const char *cmd, int argc, char **argv, struct study_opts *o, const char **path);
void study_opts_release(struct study_opts *o);
/* "2 threads", or under MPI "3 ranks x 2 threads", into buf. */
const char *study_where(char *buf, size_t len, int threads);

/* One point of a study. */
struct study_point {
  const char **sets;      /* the --set list of the point: the base's, then its own */
  size_t n_sets;
  char **own;             /* its own "KEY=VALUE" settings (n_keys), owned */
  char **cells;           /* its key columns, as the scenario spells the values (n_keys), owned */
  long line;              /* its line in a design file, 0 if none */
};

/* An earlier run of the same study found in the output folder. */
struct study_old {
  bool present;           /* the folder holds this study's files */
  bool interrupted;       /* its run.cfg is marked interrupted */
  bool has_convoys, has_daily, has_costs;
  long *kept;             /* kept[point]: replications in its summary.csv row (0 = none) */
  size_t n_points;        /* points with a summary row */
  struct csv_reader rep, conv, daily, costs; /* the old files, read forward in point order */
  bool rep_open, conv_open, daily_open, costs_open;
  bool rep_ahead, conv_ahead, daily_ahead, costs_ahead; /* the reader holds an unused record */
};

/* A point's replications read back from the old replications.csv. */
struct study_kept {
  long n;                 /* replications */
  char **raw;             /* their rows as written, owned */
  double *metric;         /* n x METRIC_COUNT */
  bool copy_daily;        /* its daily.csv rows are copied, not recomputed */
  bool copy_costs;        /* its costs.csv rows are copied, not recomputed */
};

struct study {
  const char *cmd;        /* "run", "sweep", "solve" */
  const char *path;       /* the scenario file */
  const struct study_opts *o;
  struct scenario base;   /* the file with the base --set values */
  bool have_base;
  uint64_t seed;          /* the effective seed */
  long max_reps;          /* replications per point (the maximum under precision) */
  int threads;
  /* points */
  size_t n_keys;
  char **keys;            /* key column names, owned */
  size_t n_points;
  struct study_point *pt;
  struct design design;   /* a sweep's design (released with the study) */
  bool have_design;
  /* the output folder */
  char out_dir[4096];
  struct csv_file files[F_COUNT];
  bool want[F_COUNT], open[F_COUNT];
  struct study_old old;
  bool same_run;          /* the folder's run.cfg is this study's */
  bool made_dir;          /* this study created the folder */
  bool locked;            /* dir_fd holds the folder's lock (outdir.c) */
  int dir_fd;             /* the folder, open while locked */
  bool committed;         /* its files were committed into it */
  char solve_spec[1024];  /* solve: "KEY=LO:HI METRIC>=X", the design of the manifest */
  /* the points being run */
  struct scenario *sc;    /* sc[point], loaded while the point is open */
  struct model **model;
  struct runner_model *rm;
  struct study_kept *kept;
  /* results */
  double *means;          /* [point x METRIC_COUNT]: each point's means */
  long *reps;             /* replications each point ran */
  long points_done;       /* complete points, in order */
  long ref;               /* the reference point of compare.csv, -1 = none */
  double *ref_vals;       /* [rep x METRIC_COUNT] of the reference */
  long ref_n;
  struct tally_summary ref_sum[METRIC_COUNT];
  double pair_mean[METRIC_COUNT], pair_m2[METRIC_COUNT]; /* paired differences of the point merging */
  long pair_n[METRIC_COUNT];
  struct runner_stats first; /* point 0's statistics (run: the headline), taken over */
  bool have_first;
  long events;            /* calendar events, all points */
  double wall;            /* seconds of the replications */
  bool interrupted;       /* stopped by a signal */
  long long off_rep, off_conv; /* ends of the last complete point's rows in
                                  replications.csv and convoys.csv */
  struct rep_result traced_row; /* --trace: row R of point 0 */
  /* costs.csv: per contingent of the point merging, sums over its replications */
  double c_spend[SCENARIO_MAX_CONTINGENTS], c_days[SCENARIO_MAX_CONTINGENTS];
  double c_gone[SCENARIO_MAX_CONTINGENTS], c_gone_day[SCENARIO_MAX_CONTINGENTS];
  size_t c_n;             /* contingents of its results */
  long c_reps;            /* replications summed */
};

/* Load the base scenario (the file and o->sets): 0, or the exit code after
 * printing the problems. */
int study_load_base(struct study *s, const char *cmd, const char *path, const struct study_opts *o);

/* Set the study's keys and points: n_keys column names and, for each of
 * n_points points, n_keys --set values (texts, copied); lines, when not
 * NULL, are design-file lines for messages.  Then load every point, as the
 * run will, and report every problem with its point before anything runs.
 * 0, or the exit code. */
int study_set_points(struct study *s, size_t n_keys, const char *const *keys, size_t n_points,
                     const char *const *values, const long *lines);

/* Choose and check the output folder and open every wanted file (73
 * before the first replication); find an earlier run of the same study
 * (resume) or refuse another run's folder.  0, or the exit code. */
int study_open_output(struct study *s);

/* Run every point through one parallel pool (runner_run_plan), writing the
 * rows as points complete; compare.csv against s->ref when wanted.  0, the
 * exit code of a failure (files aborted), or 130 when interrupted (the
 * finished prefix is then committed by study_commit). */
int study_run(struct study *s);

/* Write sensitivity.csv (sweeps), the manifest, and rename every file into
 * place together; say on stderr what an interrupted run kept.  0 or the
 * exit code. */
int study_commit(struct study *s, const char *cmdline);

/* The earlier run's files (outdir.c): point i's kept replications, the
 * convoys.csv rows of one of them and the daily.csv rows of point i, each
 * copied into this run's files. */
enum err study_old_point(struct study *s, size_t i, struct study_kept *k);
enum err study_old_convoys(struct study *s, size_t i, long rep);
enum err study_old_daily(struct study *s, size_t i);
enum err study_old_costs(struct study *s, size_t i);

/* Remember where the rows of the points complete so far end (mark), or cut
 * replications.csv and convoys.csv back there (cut). */
void study_mark(struct study *s);
void study_cut(struct study *s);

/* Release everything; remove any temporary file. */
void study_release(struct study *s);

/* The stop flag raised by SIGINT / SIGTERM (study_catch_signals). */
extern atomic_int study_stop;
void study_catch_signals(void);

/* The command line, shell-quoted where needed. */
void study_command_line(char *buf, size_t size, int argc, char **argv);

#endif
