/*
 * outdir.c - the output folder of a study (study.h): its name, whose run
 * it holds, the earlier run's files read back for a resumption, the
 * manifest, the commit of every file together, and the signals that stop
 * a run with its finished prefix kept.
 *
 * The one rule: a file is replaced only when convoysim wrote it for this
 * study (or --overwrite says so for another run's), and only by a complete
 * file renamed into place.  An interrupted resumption that would keep less
 * than the folder already holds commits nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "convoysim/cluster.h"
#include "convoysim/sensitivity.h"
#include "study.h"

const char *const study_file_names[F_COUNT] = {
  "summary.csv", "replications.csv", "run.cfg", "convoys.csv", "daily.csv", "events.csv",
  "compare.csv", "sensitivity.csv", "solve.csv", "costs.csv"
};

/* ------------------------------------------------------------- signals */

/* Raised by the handler in whichever thread the signal reaches, read by
 * every thread: atomic (lock-free, so the handler may store it). */
atomic_int study_stop;
static _Atomic(const char *) tmp_paths[F_COUNT]; /* read by the handler, in any thread */

static void on_signal(int sig)
{
  if (atomic_exchange(&study_stop, 1) == 0) /* the first: stop at the next replication, keep the prefix */
    return;
  for (int f = 0; f < F_COUNT; f++) { /* the second: leave nothing behind */
    const char *tmp = tmp_paths[f];
    if (tmp != NULL)
      unlink(tmp); /* async-signal-safe */
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static void hold_signals(bool hold)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void study_catch_signals(void)
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

void study_command_line(char *buf, size_t size, int argc, char **argv)
{
  size_t n = (size_t)snprintf(buf, size, "convoysim");
  for (int i = 0; i < argc && n < size; i++) {
    const char *a = argv[i];
    bool quote = a[0] == '\0' || strpbrk(a, " \t\n'\"\\$`;&|<>()*?[]{}#~!") != NULL;
    n += (size_t)snprintf(buf + n, size - n, quote ? " '%s'" : " %s", a);
  }
}

/* ---------------------------------------------------------- the folder */

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

/* results/NAME for a run, results/NAME_sweep or _solve, then the --set
 * values: results/NAME_KEY=VALUE... (characters other than letters,
 * digits, . _ = + - become _), so runs with other settings do not meet. */
static void default_dir(const struct study *s, char *buf, size_t len)
{
  size_t n = (size_t)snprintf(buf, len, "results/%s%s%s", s->base.name, strcmp(s->cmd, "run") == 0 ? "" : "_",
                              strcmp(s->cmd, "run") == 0 ? "" : s->cmd);
  for (size_t i = 0; i < s->o->n_sets && n + 2 < len; i++) {
    buf[n++] = '_';
    for (const char *p = s->o->sets[i]; *p && n + 1 < len; p++) {
      char c = *p;
      bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '=' || c == '+' || c == '-';
      if (c == ' ')
        continue;
      buf[n++] = keep ? c : '_';
    }
    buf[n] = '\0';
  }
  if (n > 200) { /* keep names a file system takes */
    unsigned long h = 5381;
    for (const char *p = buf; *p; p++)
      h = h * 33 + (unsigned char)*p;
    snprintf(buf + 190, len - 190, "_%08lx", h & 0xffffffffUL);
  }
}

static char *read_text(const char *path, size_t max)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  size_t n = 0, cap = 65536;
  if (f == NULL)
    return NULL;
  buf = malloc(cap + 1);
  while (buf != NULL) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap || n >= max)
      break;
    char *nb = realloc(buf, 2 * cap + 1);
    if (nb == NULL) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  fclose(f);
  if (buf != NULL)
    buf[n] = '\0';
  return buf;
}

/* The lines of a manifest that say what was run: every line but the
 * comments (except "# design:" lines) and the replications count. */
static bool body_line(const char *line, size_t len)
{
  if (len >= 1 && line[0] == '#')
    return len >= 9 && strncmp(line, "# design:", 9) == 0;
  if (len >= 13 && strncmp(line, "replications ", 13) == 0)
    return false;
  return len > 0;
}

/* The next body line of text from *p: its start and length; false at the end. */
static bool next_body(const char **p, const char **line, size_t *len)
{
  while (**p) {
    const char *s = *p, *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    *p = e ? e + 1 : s + n;
    if (n > 0 && s[n - 1] == '\r')
      n--;
    if (body_line(s, n)) {
      *line = s;
      *len = n;
      return true;
    }
  }
  return false;
}

/* The manifest of this study into a string (the caller frees it). */
static char *manifest_text(const struct study *s, const char *header);

/* Compare the body of the old run.cfg text with this study's; false with
 * the first difference in why. */
static bool same_body(const char *old, const char *now, char *why, size_t len)
{
  const char *a = old, *b = now, *la, *lb;
  size_t na, nb;
  long line = 0;
  for (;;) {
    bool ga = next_body(&a, &la, &na), gb = next_body(&b, &lb, &nb);
    line++;
    if (!ga && !gb)
      return true;
    if (!ga || !gb || na != nb || memcmp(la, lb, na) != 0) {
      snprintf(why, len, "it was made by another run: its run.cfg has '%.*s' where this run has '%.*s'",
               ga ? (int)(na > 120 ? 120 : na) : 0, ga ? la : "", gb ? (int)(nb > 120 ? 120 : nb) : 0,
               gb ? lb : "");
      return false;
    }
  }
}

static bool exists(const char *dir, const char *name)
{
  char p[4352];
  struct stat st;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  return stat(p, &st) == 0;
}

/* Read the old summary.csv: kept[point] = its replications column. */
static bool read_old_summary(struct study *s)
{
  struct csv_reader r;
  char p[4352];
  size_t col = 1 + s->n_keys;
  snprintf(p, sizeof p, "%s/summary.csv", s->out_dir);
  s->old.kept = calloc(s->n_points + 1, sizeof *s->old.kept);
  if (s->old.kept == NULL || csv_reader_open(&r, p) != ERR_OK)
    return false;
  bool ok = csv_reader_next(&r) == 1 && r.n_cell > col;
  while (ok) {
    int got = csv_reader_next(&r);
    if (got == 0)
      break;
    char *end;
    long point = got == 1 && r.n_cell > col ? strtol(r.cell[0], &end, 10) : -1;
    long reps = point >= 0 ? strtol(r.cell[col], NULL, 10) : 0;
    if (point < 0 || (size_t)point >= s->n_points || reps < 0) {
      ok = false;
      break;
    }
    s->old.kept[point] = reps;
    s->old.n_points = (size_t)point + 1;
  }
  csv_reader_close(&r);
  return ok;
}

static bool open_old(struct study *s, struct csv_reader *r, bool *open, const char *name)
{
  char p[4352];
  snprintf(p, sizeof p, "%s/%s", s->out_dir, name);
  if (csv_reader_open(r, p) != ERR_OK)
    return false;
  *open = true;
  return csv_reader_next(r) == 1; /* the header */
}

/* (point, replication) of the reader's record, from its first two cells. */
static bool record_key(const struct csv_reader *r, long *point, long *rep)
{
  if (r->n_cell < 2)
    return false;
  *point = strtol(r->cell[0], NULL, 10);
  *rep = strtol(r->cell[1], NULL, 10);
  return true;
}

enum err study_old_point(struct study *s, size_t i, struct study_kept *k)
{
  struct study_old *o = &s->old;
  long want = i < o->n_points ? o->kept[i] : 0, point, rep;
  size_t first = 3 + s->n_keys;
  memset(k, 0, sizeof *k);
  if (want <= 0 || !o->rep_open)
    return ERR_OK;
  if (s->want[F_CONVOYS] && !o->has_convoys)
    return ERR_OK; /* its convoys.csv rows are not there: run it again */
  k->raw = calloc((size_t)want, sizeof *k->raw);
  k->metric = malloc((size_t)want * METRIC_COUNT * sizeof *k->metric);
  if (k->raw == NULL || k->metric == NULL)
    return ERR_NOMEM;
  for (;;) {
    if (!o->rep_ahead) {
      int got = csv_reader_next(&o->rep);
      if (got <= 0)
        break;
      o->rep_ahead = true;
    }
    if (!record_key(&o->rep, &point, &rep) || point > (long)i)
      break;
    o->rep_ahead = false;
    if (point < (long)i || rep != k->n || k->n >= want)
      continue;
    if (o->rep.n_cell != first + METRIC_COUNT)
      return ERR_SCENARIO;
    k->raw[k->n] = strdup(o->rep.raw);
    if (k->raw[k->n] == NULL)
      return ERR_NOMEM;
    for (int m = 0; m < METRIC_COUNT; m++) {
      const char *c = o->rep.cell[first + (size_t)m];
      k->metric[k->n * METRIC_COUNT + m] = c[0] ? strtod(c, NULL) : NAN;
    }
    k->n++;
  }
  if (k->n != want) { /* the files do not agree: run the point again */
    for (long r = 0; r < k->n; r++)
      free(k->raw[r]);
    k->n = 0;
  }
  return ERR_OK;
}

/* Copy the old convoys.csv rows of (point i, rep) into the new file. */
enum err study_old_convoys(struct study *s, size_t i, long rep)
{
  struct study_old *o = &s->old;
  long point, r;
  if (!o->conv_open)
    return ERR_INTERNAL;
  for (;;) {
    if (!o->conv_ahead) {
      int got = csv_reader_next(&o->conv);
      if (got <= 0)
        return got == 0 ? ERR_OK : ERR_INTERNAL;
      o->conv_ahead = true;
    }
    if (!record_key(&o->conv, &point, &r))
      return ERR_INTERNAL;
    if (point > (long)i || (point == (long)i && r > rep))
      return ERR_OK;
    o->conv_ahead = false;
    if (point == (long)i && r == rep) {
      struct csv_row row = { o->conv.raw, o->conv.raw_len, 0, 0, false };
      csv_put(&s->files[F_CONVOYS], &row);
    }
  }
}

/* Copy the rows of point i (its first cell) from an old file read forward
 * in point order into f. */
static enum err copy_point_rows(struct csv_reader *r, bool open, bool *ahead, struct csv_file *f, size_t i)
{
  if (!open)
    return ERR_INTERNAL;
  for (;;) {
    if (!*ahead) {
      int got = csv_reader_next(r);
      if (got <= 0)
        return got == 0 ? ERR_OK : ERR_INTERNAL;
      *ahead = true;
    }
    long point = strtol(r->cell[0], NULL, 10);
    if (point > (long)i)
      return ERR_OK;
    *ahead = false;
    if (point == (long)i) {
      struct csv_row row = { r->raw, r->raw_len, 0, 0, false };
      csv_put(f, &row);
    }
  }
}

/* Copy the old daily.csv rows of point i. */
enum err study_old_daily(struct study *s, size_t i)
{
  struct study_old *o = &s->old;
  return copy_point_rows(&o->daily, o->daily_open, &o->daily_ahead, &s->files[F_DAILY], i);
}

/* Copy the old costs.csv rows of point i. */
enum err study_old_costs(struct study *s, size_t i)
{
  struct study_old *o = &s->old;
  return copy_point_rows(&o->costs, o->costs_open, &o->costs_ahead, &s->files[F_COSTS], i);
}

/* ------------------------------------------------------ the folder's lock */

/* True when `name` is the temporary name of one of the study's files. */
static bool our_tmp_name(const char *name)
{
  for (int f = 0; f < F_COUNT; f++)
    if (csv_is_tmp_name(name, study_file_names[f]))
      return true;
  return false;
}

/* One run at a time writes into a folder: an exclusive flock on the
 * folder itself, held until the process ends (or study_release), so a
 * killed run's lock goes with it.  Holding it, the temporary files of our
 * names in the folder are a killed run's (kill -9, a lost node): no live
 * run can own them, and they are removed.  Where the file system has no
 * locks (EOPNOTSUPP, ENOLCK: some network file systems) the run goes on
 * without one and leaves any such files alone.  0, or the exit code. */
static int lock_folder(struct study *s)
{
  int fd = open(s->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return 0; /* unreadable: the checks below say what is wrong */
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK) {
      cli_error(s->cmd, "'%s' is in use by another convoysim run; wait until it ends, or give another -o "
                "folder", s->out_dir);
      return EXIT_CANTCREAT;
    }
    return 0;
  }
  s->locked = true;
  s->dir_fd = fd;
  DIR *d = opendir(s->out_dir);
  if (d == NULL)
    return 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (our_tmp_name(e->d_name))
      (void)unlinkat(fd, e->d_name, 0);
  closedir(d);
  return 0;
}

int study_open_output(struct study *s)
{
  const struct study_opts *o = s->o;
  char fpath[4352], why[512];
  bool ours = false, theirs = false;
  if (o->out != NULL)
    snprintf(s->out_dir, sizeof s->out_dir, "%s", o->out);
  else
    default_dir(s, s->out_dir, sizeof s->out_dir);
  size_t len = strlen(s->out_dir);
  while (len > 1 && s->out_dir[len - 1] == '/')
    s->out_dir[--len] = '\0';
  struct stat before;
  s->made_dir = stat(s->out_dir, &before) != 0; /* removed again if nothing lands in it */
  if (!make_dirs(s->out_dir)) {
    cli_error(s->cmd, "cannot create folder '%s': %s", s->out_dir, strerror(errno));
    return EXIT_CANTCREAT;
  }
  int rc = lock_folder(s);
  if (rc != 0)
    return rc;
  /* whose folder is it? */
  snprintf(fpath, sizeof fpath, "%s/run.cfg", s->out_dir);
  char *old = read_text(fpath, 64u << 20);
  for (int f = 0; f < F_COUNT; f++)
    if (f != F_RUNCFG && exists(s->out_dir, study_file_names[f]))
      theirs = true;
  if (old != NULL && strstr(old, " manifest: `convoysim ") != NULL) {
    char *now = manifest_text(s, NULL);
    if (now == NULL) {
      free(old);
      cli_error(s->cmd, "out of memory");
      return EXIT_SOFTWARE;
    }
    ours = same_body(old, now, why, sizeof why);
    s->same_run = ours;
    free(now);
    if (!ours && !o->overwrite) {
      free(old);
      cli_error(s->cmd, "'%s' holds another run's results (%s); give another -o folder, or --overwrite to "
                "replace them", s->out_dir, why);
      return EXIT_CANTCREAT;
    }
    s->old.interrupted = strstr(old, "\n# interrupted:") != NULL;
    theirs = false;
  } else if (old != NULL || theirs) {
    free(old);
    if (!o->overwrite) {
      cli_error(s->cmd, "'%s' holds files that no convoysim run.cfg there accounts for; give another -o "
                "folder, or --overwrite to replace convoysim's files in it", s->out_dir);
      return EXIT_CANTCREAT;
    }
    old = NULL;
  }
  free(old);
  if (ours && exists(s->out_dir, "summary.csv") && exists(s->out_dir, "replications.csv") &&
      read_old_summary(s) &&
      open_old(s, &s->old.rep, &s->old.rep_open, "replications.csv")) {
    s->old.present = true;
    s->old.has_convoys = exists(s->out_dir, "convoys.csv") &&
                         open_old(s, &s->old.conv, &s->old.conv_open, "convoys.csv");
    s->old.has_daily = exists(s->out_dir, "daily.csv") &&
                       open_old(s, &s->old.daily, &s->old.daily_open, "daily.csv");
    s->old.has_costs = exists(s->out_dir, "costs.csv") &&
                       open_old(s, &s->old.costs, &s->old.costs_open, "costs.csv");
  }
  /* every file, created before the first replication */
  for (int f = 0; f < F_COUNT; f++) {
    if (!s->want[f])
      continue;
    snprintf(fpath, sizeof fpath, "%s/%s", s->out_dir, study_file_names[f]);
    struct stat fst;
    if (stat(fpath, &fst) == 0 && S_ISDIR(fst.st_mode)) {
      cli_error(s->cmd, "cannot create '%s': %s", fpath, strerror(EISDIR));
      return EXIT_CANTCREAT;
    }
    enum err e = csv_open(&s->files[f], fpath);
    if (e != ERR_OK) {
      cli_error(s->cmd, "cannot create '%s': %s", fpath,
                e == ERR_NOMEM ? "out of memory" : strerror(s->files[f].err_no));
      return e == ERR_NOMEM ? EXIT_SOFTWARE : EXIT_CANTCREAT;
    }
    s->open[f] = true;
    hold_signals(true);
    tmp_paths[f] = s->files[f].tmp;
    hold_signals(false);
  }
  study_catch_signals();
  /* headers */
  const char *const *keys = (const char *const *)s->keys;
  if (s->open[F_REPLICATIONS])
    runner_replications_header(&s->files[F_REPLICATIONS], keys, s->n_keys);
  if (s->open[F_CONVOYS])
    runner_convoys_header(&s->files[F_CONVOYS], keys, s->n_keys);
  if (s->open[F_SUMMARY])
    runner_summary_header(&s->files[F_SUMMARY], keys, s->n_keys);
  if (s->open[F_DAILY])
    runner_daily_header(&s->files[F_DAILY], keys, s->n_keys);
  study_mark(s);
  if (s->open[F_COSTS]) {
    static const char *const cols[] = { "payer", "contingent", "spend_usd_mean", "troop_days_mean",
                                        "budget_exhausted_share", "budget_exhausted_day_mean" };
    csv_str(&s->files[F_COSTS], "point");
    for (size_t k = 0; k < s->n_keys; k++)
      csv_str(&s->files[F_COSTS], s->keys[k]);
    for (size_t c = 0; c < 6; c++)
      csv_str(&s->files[F_COSTS], cols[c]);
    csv_end_row(&s->files[F_COSTS]);
  }
  if (s->open[F_COMPARE]) {
    struct csv_file *f = &s->files[F_COMPARE];
    static const char *const st[] = { "diff", "diff_ci_low", "diff_ci_high", "ci_ratio" };
    static const char *const ce[] = { "tonnes_gained", "usd_per_tonne_gained", "troop_days_per_tonne_gained",
                                      "harm_per_1000t_gained", "interceptions_avoided" };
    char name[96];
    csv_str(f, "point");
    for (size_t k = 0; k < s->n_keys; k++)
      csv_str(f, s->keys[k]);
    for (int m = 0; m < METRIC_COUNT; m++)
      for (size_t j = 0; j < 4; j++) {
        snprintf(name, sizeof name, "%s_%s", metric_name((enum metric)m), st[j]);
        csv_str(f, name);
      }
    for (size_t j = 0; j < 5; j++)
      csv_str(f, ce[j]);
    csv_end_row(f);
  }
  return 0;
}

static long long file_end(struct csv_file *c)
{
  FILE *f = csv_stream(c);
  if (f == NULL || fflush(f) != 0)
    return -1;
  return (long long)ftello(f);
}

static void cut_at(struct csv_file *c, long long off)
{
  FILE *f = csv_stream(c);
  if (f == NULL || off < 0 || fflush(f) != 0 || ftruncate(fileno(f), (off_t)off) != 0 ||
      fseeko(f, (off_t)off, SEEK_SET) != 0)
    c->err_no = errno ? errno : EIO;
}

void study_mark(struct study *s)
{
  if (s->open[F_REPLICATIONS])
    s->off_rep = file_end(&s->files[F_REPLICATIONS]);
  if (s->open[F_CONVOYS])
    s->off_conv = file_end(&s->files[F_CONVOYS]);
}

void study_cut(struct study *s)
{
  if (s->open[F_REPLICATIONS])
    cut_at(&s->files[F_REPLICATIONS], s->off_rep);
  if (s->open[F_CONVOYS])
    cut_at(&s->files[F_CONVOYS], s->off_conv);
}

/* --------------------------------------------------------- the manifest */

static char *manifest_text(const struct study *s, const char *header)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct scenario *sc = (struct scenario *)&s->base;
  long reps = sc->replications;
  uint64_t seed = sc->seed;
  if (f == NULL)
    return NULL;
  /* a run records the replications it ran, so that running run.cfg gives
   * the same files without --precision; a sweep its maximum per point */
  sc->replications = strcmp(s->cmd, "run") == 0 && s->reps != NULL && s->reps[0] > 0 ? s->reps[0] : s->max_reps;
  sc->seed = s->seed;
  if (scenario_write(sc, f, header) != ERR_OK) {
    fclose(f);
    free(buf);
    sc->replications = reps;
    sc->seed = seed;
    return NULL;
  }
  sc->replications = reps;
  sc->seed = seed;
  /* the design: one line per point (what a sweep ran, whatever made it) */
  if (strcmp(s->cmd, "solve") == 0) {
    fprintf(f, "# design: solve %s\n", s->solve_spec);
  } else if (s->have_design || strcmp(s->cmd, "run") != 0) {
    /* tab-separated: no value as scenario_format_value writes it holds a tab */
    fprintf(f, "# design: %zu points of", s->n_points);
    for (size_t k = 0; k < s->n_keys; k++)
      fprintf(f, "\t%s", s->keys[k]);
    fputc('\n', f);
    for (size_t i = 0; i < s->n_points; i++) {
      fprintf(f, "# design: %zu", i);
      for (size_t k = 0; k < s->n_keys; k++)
        fprintf(f, "\t%s", s->pt[i].own[k]);
      fputc('\n', f);
    }
  } else {
    for (size_t k = 0; k < s->n_keys; k++) /* run: its --set keys are columns */
      fprintf(f, "# design: column %s\n", s->keys[k]);
  }
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* ---------------------------------------------------- sensitivity.csv */

static void write_sensitivity(struct study *s)
{
  struct csv_file *f = &s->files[F_SENSITIVITY];
  size_t n = (size_t)s->points_done, k = s->n_keys;
  double *x = calloc(n * k + 1, sizeof *x), *y = calloc(n + 1, sizeof *y);
  double *src = calloc(k + 1, sizeof *src), *prcc = calloc(k + 1, sizeof *prcc);
  static const char *const cols[] = { "metric", "factor", "src", "prcc", "r2", "points" };
  for (size_t c = 0; c < 6; c++)
    csv_str(f, cols[c]);
  csv_end_row(f);
  if (!x || !y || !src || !prcc) {
    f->err_no = ENOMEM;
    goto out;
  }
  /* factor values: the number of each cell, or the rank of a name among
   * the factor's values in the order they first appear */
  for (size_t j = 0; j < k; j++)
    for (size_t i = 0; i < n; i++) {
      const char *c = s->pt[i].cells[j];
      char *end;
      double v = strtod(c, &end);
      if (end == c || *end != '\0') {
        v = 0;
        for (size_t q = 0; q < i; q++) {
          if (strcmp(s->pt[q].cells[j], c) == 0) {
            v = x[q * k + j];
            break;
          }
          bool seen = false;
          for (size_t r = 0; r < q; r++)
            seen = seen || strcmp(s->pt[r].cells[j], s->pt[q].cells[j]) == 0;
          if (!seen)
            v += 1;
        }
      }
      x[i * k + j] = v;
    }
  for (int m = 0; m < METRIC_COUNT; m++) {
    struct sensitivity out;
    for (size_t i = 0; i < n; i++)
      y[i] = s->means[i * METRIC_COUNT + (size_t)m];
    if (sensitivity_compute(x, n, k, y, src, prcc, &out) != ERR_OK) {
      f->err_no = ENOMEM;
      break;
    }
    for (size_t j = 0; j < k; j++) {
      csv_str(f, metric_name((enum metric)m));
      csv_str(f, s->keys[j]);
      csv_real(f, src[j]);
      csv_real(f, prcc[j]);
      csv_real(f, out.r2);
      csv_uint(f, out.n);
      csv_end_row(f);
    }
  }
out:
  free(x);
  free(y);
  free(src);
  free(prcc);
}

/* ---------------------------------------------------------- the commit */

int study_commit(struct study *s, const char *cmdline)
{
  char header[16384];
  size_t n;
  if (s->interrupted && s->old.present) {
    /* a resumption stopped before it held what the folder holds: keep the folder */
    bool less = strcmp(s->cmd, "run") == 0 ? s->reps[0] < (s->old.n_points > 0 ? s->old.kept[0] : 0)
                                           : (size_t)s->points_done < s->old.n_points;
    if (less) {
      fprintf(stderr, "convoysim %s: interrupted; '%s' is left as it was (%s)\n", s->cmd, s->out_dir,
              strcmp(s->cmd, "run") == 0 ? "its replications are more than this run had reached"
                                         : "its complete points are more than this run had reached");
      return 130;
    }
  }
  if (s->interrupted && strcmp(s->cmd, "run") != 0)
    study_cut(s); /* the point in progress goes: whole points only */
  if (s->interrupted && s->points_done == 0 && !(strcmp(s->cmd, "run") == 0 && s->reps[0] > 0)) {
    fprintf(stderr, "convoysim %s: interrupted before %s finished; nothing was written\n", s->cmd,
            strcmp(s->cmd, "run") == 0 ? "any replication" : "the first design point");
    return 130;
  }
  if (s->open[F_SENSITIVITY])
    write_sensitivity(s);
  if (s->open[F_RUNCFG]) {
    long done_reps = 0;
    for (long i = 0; s->reps != NULL && i < s->points_done && (size_t)i < s->n_points; i++)
      done_reps += s->reps[i];
    if (strcmp(s->cmd, "run") == 0)
      done_reps = s->reps[0];
    n = (size_t)snprintf(header, sizeof header,
                         "convoysim %s manifest: `convoysim %s THIS_FILE` reproduces the CSV files of this run\n"
                         "(add --daily, --convoys, --trace R for the others%s)\n"
                         "command: %s\n"
                         "threads: %d\n"
                         "ranks: %d\n"
                         "wall_time_s: %.3f\n"
                         "events: %ld\n"
                         "replications: %ld%s\n",
                         CONVOYSIM_VERSION, s->cmd,
                         s->have_design && s->o->design_file ? "; --design-file for the design" : "",
                         cmdline, s->threads, cluster_size(), s->wall, s->events, done_reps,
                         s->o->precision > 0 ? " (--precision may stop a point early)" : "");
    if (cluster_size() > 1 && n < sizeof header) {
      struct cluster_stats ds;
      cluster_get_stats(&ds);
      n += (size_t)snprintf(header + n, sizeof header - n,
                            "mpi: %ld blocks to the workers (%ld replications; %ld on rank 0), "
                            "%llu bytes sent, %llu received, %.0f bytes per block\n",
                            ds.blocks_sent, ds.reps_remote, ds.reps_local, (unsigned long long)ds.bytes_sent,
                            (unsigned long long)ds.bytes_received,
                            ds.blocks_sent > 0 ? (double)(ds.bytes_sent + ds.bytes_received) / (double)ds.blocks_sent
                                               : 0.0);
    }
    if (s->o->precision > 0 && n < sizeof header)
      n += (size_t)snprintf(header + n, sizeof header - n,
                            "precision: %g of delivery_rate, at most %ld replications per point\n",
                            s->o->precision, s->max_reps);
    if (s->have_design && n < sizeof header)
      n += (size_t)snprintf(header + n, sizeof header - n, "sweep design: %s, %zu points, largest |correlation| %s\n",
                            s->design.from_file ? "file" : s->design.kind == DESIGN_GRID ? "grid"
                                                           : s->design.kind == DESIGN_LHS ? "lhs" : "nolh",
                            s->n_points, isnan(s->design.max_corr) ? "n/a" : "");
    if (s->have_design && !isnan(s->design.max_corr) && n > 0 && n < sizeof header) {
      n--; /* replace the newline */
      n += (size_t)snprintf(header + n, sizeof header - n, "%.4f\n", s->design.max_corr);
    }
    if (s->interrupted && n < sizeof header)
      snprintf(header + n, sizeof header - n,
               "interrupted: %s; the same command into this folder resumes\n",
               strcmp(s->cmd, "run") == 0 ? "the replications above are those finished"
                                          : "the points of summary.csv are those finished");
    char *text = manifest_text(s, header);
    if (text == NULL || fputs(text, csv_stream(&s->files[F_RUNCFG])) == EOF)
      s->files[F_RUNCFG].err_no = text == NULL ? ENOMEM : EIO;
    free(text);
  }
  struct csv_file *all[F_COUNT];
  size_t k = 0;
  hold_signals(true); /* the handler must not see paths being freed */
  for (int f = 0; f < F_COUNT; f++)
    tmp_paths[f] = NULL;
  for (int f = 0; f < F_COUNT; f++)
    if (s->open[f]) {
      all[k++] = &s->files[f];
      s->open[f] = false;
    }
  enum err e = csv_commit_all(all, k);
  hold_signals(false);
  if (e != ERR_OK) {
    for (size_t i = 0; i < k; i++)
      if (all[i]->err_no != 0) {
        cli_error(s->cmd, "write failed in '%s': %s; no file was written", s->out_dir, strerror(all[i]->err_no));
        break;
      }
    return EXIT_IOERR;
  }
  s->committed = true;
  /* convoysim's own files of an earlier run of this folder that this one
   * did not write would not belong to it */
  for (int f = 0; f < F_COUNT; f++)
    if (!s->want[f]) {
      char stale[4352];
      snprintf(stale, sizeof stale, "%s/%s", s->out_dir, study_file_names[f]);
      if (unlink(stale) != 0 && errno != ENOENT)
        cli_error(s->cmd, "warning: cannot remove '%s' of an earlier run: %s", stale, strerror(errno));
    }
  if (s->interrupted) {
    if (strcmp(s->cmd, "run") == 0)
      fprintf(stderr, "convoysim %s: interrupted: kept %ld of %ld replication%s in '%s'; run the same command "
              "again to resume\n", s->cmd, s->reps[0], s->max_reps, s->max_reps == 1 ? "" : "s", s->out_dir);
    else
      fprintf(stderr, "convoysim %s: interrupted: kept %ld of %zu design points in '%s'; run the same command "
              "again to resume\n", s->cmd, s->points_done, s->n_points, s->out_dir);
    return 130;
  }
  return 0;
}

void study_release(struct study *s)
{
  hold_signals(true);
  for (int f = 0; f < F_COUNT; f++) {
    tmp_paths[f] = NULL;
    if (s->open[f])
      csv_abort(&s->files[f]);
    s->open[f] = false;
  }
  hold_signals(false);
  if (s->made_dir && !s->committed)
    (void)rmdir(s->out_dir); /* the folder this study made, if it stayed empty */
  if (s->locked)
    close(s->dir_fd); /* and its lock with it */
  s->locked = false;
  if (s->old.rep_open)
    csv_reader_close(&s->old.rep);
  if (s->old.conv_open)
    csv_reader_close(&s->old.conv);
  if (s->old.daily_open)
    csv_reader_close(&s->old.daily);
  if (s->old.costs_open)
    csv_reader_close(&s->old.costs);
  free(s->old.kept);
  for (size_t i = 0; s->pt != NULL && i < s->n_points; i++) {
    for (size_t k = 0; k < s->n_keys; k++) {
      if (s->pt[i].own)
        free(s->pt[i].own[k]);
      if (s->pt[i].cells)
        free(s->pt[i].cells[k]);
    }
    free(s->pt[i].own);
    free(s->pt[i].cells);
    free(s->pt[i].sets);
  }
  for (size_t k = 0; s->keys != NULL && k < s->n_keys; k++)
    free(s->keys[k]);
  free(s->keys);
  free(s->pt);
  free(s->sc);
  free(s->model);
  free(s->rm);
  free(s->kept);
  free(s->means);
  free(s->reps);
  free(s->ref_vals);
  if (s->have_first)
    runner_stats_release(&s->first);
  if (s->have_design)
    design_release(&s->design);
  if (s->have_base)
    scenario_release(&s->base);
  memset(s, 0, sizeof *s);
}
