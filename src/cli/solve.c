/*
 * solve.c - `convoysim solve SCENARIO --target 'METRIC>=X' --vary KEY=LO:HI`:
 * the smallest KEY value whose METRIC meets the target with 95% confidence
 * (SPEC 2).
 *
 * A noisy bisection under common random numbers.  Every evaluation runs
 * replications 0 .. n-1 of the scenario with KEY set (the same random
 * numbers at every value).  At a value, the 95% t-interval of METRIC's
 * mean decides: it meets the target (lower bound >= X, or upper bound <= X
 * for '<='), it fails (the whole interval on the wrong side), or it is
 * undecided, and then the value gets twice the replications, up to -n; an
 * interval still undecided at -n counts as not meeting (not shown with 95%
 * confidence).  So the replications go where the metric is near the
 * target: near the answer.  The answer is the smallest value tried that
 * met the target, once the bracket is down to the resolution (1 for an
 * integer key, the step of LO:HI:STEP, else (HI - LO) / 1000).  The search
 * assumes the metric moves one way with KEY (up for '>=', down for '<=');
 * the points tried are checked afterwards, and a value whose interval lies
 * wholly on the wrong side of a smaller value's is reported: escalation can
 * make more troops worse.
 *
 * Exit status: 0 with the answer as KEY=VALUE on the last line of stdout;
 * 1 when the target is not met at HI (the last line is then KEY=none); the
 * usual codes otherwise (130 interrupted: solve.csv keeps the evaluations
 * done, and the same command resumes from them).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "convoysim/progress.h"
#include "convoysim/schema.h"
#include "study.h"

#define SOLVE_MAX_EVALS 200

struct target {
  int metric;             /* enum metric */
  bool at_least;          /* '>=' (else '<=') */
  double x;               /* the threshold */
};

/* One value tried: every replication's metrics so far. */
struct value_tried {
  double v;               /* the KEY value */
  long n;                 /* replications run */
  double *metric;         /* n x METRIC_COUNT */
  struct tally_summary t; /* of the target metric */
  int verdict;            /* 1 meets, 0 fails, -1 undecided */
};

struct solver {
  struct study *s;
  struct target tg;
  struct design_factor f;
  struct value_tried *tried;
  size_t n_tried;
  long evals, reps;       /* evaluations and replications computed */
  struct csv_reader old;  /* the old solve.csv, for a resumption */
  bool have_old;
  long n0;                /* replications of a first evaluation */
  struct progress prog;
};

static int parse_target(const char *text, struct target *t)
{
  const char *op = strstr(text, ">=");
  char name[128];
  char *end;
  t->at_least = op != NULL;
  if (op == NULL)
    op = strstr(text, "<=");
  if (op == NULL || op == text || (size_t)(op - text) >= sizeof name) {
    cli_error("solve", "--target must be 'METRIC>=X' or 'METRIC<=X', not '%s'", text);
    return EXIT_USAGE;
  }
  snprintf(name, sizeof name, "%.*s", (int)(op - text), text);
  for (char *p = name + strlen(name); p > name && p[-1] == ' ';)
    *--p = '\0';
  t->metric = metric_from_name(name);
  if (t->metric < 0) {
    cli_error("solve", "--target: no metric '%s' (the metrics are the columns of replications.csv)", name);
    return EXIT_USAGE;
  }
  errno = 0;
  t->x = strtod(op + 2, &end);
  while (*end == ' ')
    end++;
  if (end == op + 2 || *end != '\0' || errno != 0 || !isfinite(t->x)) {
    cli_error("solve", "--target: '%s' is not a number", op + 2);
    return EXIT_USAGE;
  }
  return 0;
}

/* The value text of v for --set: integers for integer keys. */
static void value_text(const struct solver *S, double v, char *buf, size_t len)
{
  if (S->f.integer)
    snprintf(buf, len, "%.0f", v);
  else
    schema_format_real(v, buf, len); /* as the scenario spells it: 6250.0 */
}

/* A run of replications 0 .. n - 1 at one value, reusing those it has. */
struct eval_ctx {
  struct solver *S;
  struct value_tried *vt;
  long want;              /* replications wanted */
  long kept;              /* of which already run */
  struct scenario sc;
  struct model *m;
  struct runner_model rm;
  struct runner_stats st;
  bool have_st;
};

static enum err ev_open(void *ctx, size_t i, struct runner_point *p)
{
  struct eval_ctx *E = ctx;
  (void)i;
  memset(p, 0, sizeof *p);
  p->job.ctx = &E->rm;
  p->job.replicate = runner_model_replicate;
  p->sc = &E->sc;
  p->max_reps = E->want;
  p->kept = E->kept;
  return ERR_OK;
}

static enum err ev_kept(void *ctx, size_t i, long rep, struct rep_result *out)
{
  struct eval_ctx *E = ctx;
  (void)i;
  memset(out, 0, sizeof *out);
  memcpy(out->metric, E->vt->metric + rep * METRIC_COUNT, sizeof out->metric);
  return ERR_OK;
}

static void ev_merged(void *ctx, size_t i, long rep, const struct rep_result *r)
{
  struct eval_ctx *E = ctx;
  (void)i;
  memcpy(E->vt->metric + rep * METRIC_COUNT, r->metric, sizeof r->metric);
}

static enum err ev_done(void *ctx, size_t i, const struct runner_point *p, struct runner_stats *st,
                        bool partial)
{
  struct eval_ctx *E = ctx;
  (void)i;
  (void)p;
  (void)partial;
  E->st = *st;
  memset(st, 0, sizeof *st);
  E->have_st = true;
  return ERR_OK;
}

static void stat_cells(struct csv_file *f, const struct tally_summary *t)
{
  csv_real(f, t->mean);
  csv_real(f, t->sd);
  csv_real(f, t->ci_low);
  csv_real(f, t->ci_high);
  for (size_t q = 0; q < TALLY_DEFAULT_NQ; q++)
    csv_real(f, t->q[q]);
  csv_uint(f, t->n);
}

static void solve_header(struct solver *S)
{
  struct csv_file *f = &S->s->files[F_SOLVE];
  static const char *const stat[] = { "mean", "sd", "ci_low", "ci_high", "p05", "p50", "p95", "n" };
  char name[96];
  csv_str(f, "evaluation");
  csv_str(f, S->f.key);
  csv_str(f, "replications");
  csv_str(f, "meets");
  for (int m = 0; m < METRIC_COUNT; m++)
    for (size_t i = 0; i < 8; i++) {
      snprintf(name, sizeof name, "%s_%s", metric_name((enum metric)m), stat[i]);
      csv_str(f, name);
    }
  csv_end_row(f);
}

static int verdict_of(const struct solver *S, const struct tally_summary *t)
{
  if (isnan(t->ci_low))
    return -1;
  if (S->tg.at_least)
    return t->ci_low >= S->tg.x ? 1 : t->ci_high < S->tg.x ? 0 : -1;
  return t->ci_high <= S->tg.x ? 1 : t->ci_low > S->tg.x ? 0 : -1;
}

/* The next row of the old solve.csv, if it is this evaluation (value text
 * and replications): copied, and its target statistics read back. */
static bool from_old(struct solver *S, const char *text, long n, struct value_tried *vt)
{
  struct csv_reader *r = &S->old;
  size_t c = 4 + (size_t)S->tg.metric * 8;
  if (!S->have_old)
    return false;
  if (csv_reader_next(r) != 1 || r->n_cell < 4 + METRIC_COUNT * 8 || strcmp(r->cell[1], text) != 0 ||
      strtol(r->cell[2], NULL, 10) != n) {
    S->have_old = false; /* the old run went elsewhere from here (or ended) */
    return false;
  }
  struct tally_summary *t = &vt->t;
  memset(t, 0, sizeof *t);
  t->mean = r->cell[c][0] ? strtod(r->cell[c], NULL) : NAN;
  t->sd = r->cell[c + 1][0] ? strtod(r->cell[c + 1], NULL) : NAN;
  t->ci_low = r->cell[c + 2][0] ? strtod(r->cell[c + 2], NULL) : NAN;
  t->ci_high = r->cell[c + 3][0] ? strtod(r->cell[c + 3], NULL) : NAN;
  t->n = (size_t)strtoul(r->cell[c + 7], NULL, 10);
  if (S->s->open[F_SOLVE]) {
    struct csv_row row = { r->raw, r->raw_len, 0, 0, false };
    csv_put(&S->s->files[F_SOLVE], &row);
  }
  return true;
}

/* Evaluate value v with n replications (reusing those it has). */
static int evaluate(struct solver *S, double v, long n, struct value_tried **out)
{
  struct study *s = S->s;
  struct value_tried *vt = NULL;
  struct eval_ctx E;
  char text[64], set[1024];
  struct diag d;
  enum err e;
  for (size_t i = 0; i < S->n_tried; i++)
    if (S->tried[i].v == v)
      vt = &S->tried[i];
  if (vt == NULL) {
    struct value_tried *nt = realloc(S->tried, (S->n_tried + 1) * sizeof *nt);
    if (nt == NULL)
      return EXIT_SOFTWARE;
    S->tried = nt;
    vt = &S->tried[S->n_tried++];
    memset(vt, 0, sizeof *vt);
    vt->v = v;
  }
  *out = vt;
  if (vt->n >= n)
    return 0;
  value_text(S, v, text, sizeof text);
  if (from_old(S, text, n, vt)) {
    vt->n = n;
    vt->verdict = verdict_of(S, &vt->t);
    free(vt->metric); /* its replications were not kept: an extension runs them again */
    vt->metric = NULL;
    S->evals++;
    return 0;
  }
  double *nm = realloc(vt->metric, (size_t)n * METRIC_COUNT * sizeof *nm);
  if (nm == NULL)
    return EXIT_SOFTWARE;
  long kept = vt->metric != NULL ? vt->n : 0;
  vt->metric = nm;
  memset(&E, 0, sizeof E);
  E.S = S;
  E.vt = vt;
  E.want = n;
  E.kept = kept;
  snprintf(set, sizeof set, "%s=%s", S->f.key, text);
  {
    const char **sets = calloc(s->o->n_sets + 2, sizeof *sets);
    if (sets == NULL)
      return EXIT_SOFTWARE;
    for (size_t i = 0; i < s->o->n_sets; i++)
      sets[i] = s->o->sets[i];
    sets[s->o->n_sets] = set;
    diag_init(&d);
    e = scenario_load(&E.sc, s->path, sets, s->o->n_sets + 1, &d);
    free(sets);
  }
  if (e == ERR_OK)
    e = model_new(&E.sc, &E.m, &d);
  if (e != ERR_OK) {
    fprintf(stderr, "%s=%s:\n", S->f.key, text);
    for (size_t j = 0; j < d.n; j++)
      fprintf(stderr, "  %s\n", d.msg[j]);
    diag_release(&d);
    model_free(E.m);
    if (E.sc.name != NULL)
      scenario_release(&E.sc);
    cli_error("solve", "the scenario at %s=%s has problems; nothing more was run", S->f.key, text);
    return e == ERR_NOMEM ? EXIT_SOFTWARE : EXIT_DATAERR;
  }
  diag_release(&d);
  e = runner_model_init(&E.rm, E.m, s->threads);
  if (e == ERR_OK)
    runner_model_set_stop(&E.rm, &study_stop);
  if (e == ERR_OK) {
    struct runner_config cfg;
    struct runner_plan plan;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = s->seed;
    cfg.threads = s->threads;
    cfg.stop = &study_stop;
    memset(&plan, 0, sizeof plan);
    plan.n_points = 1;
    plan.ctx = &E;
    plan.open = ev_open;
    plan.merged = ev_merged;
    plan.kept_rep = ev_kept;
    plan.done = ev_done;
    plan.total_reps = n;
    e = runner_run_plan(&cfg, &plan);
  }
  runner_model_release(&E.rm);
  model_free(E.m);
  scenario_release(&E.sc);
  if (e != ERR_OK || !E.have_st) {
    if (E.have_st)
      runner_stats_release(&E.st);
    if (e == ERR_INTERRUPTED)
      return 130;
    cli_error("solve", "a replication failed: %s", err_str(e));
    return err_exit_code(e);
  }
  S->reps += n - kept;
  vt->n = n;
  tally_result(&E.st.tallies.t[S->tg.metric], &vt->t);
  vt->verdict = verdict_of(S, &vt->t);
  S->evals++;
  if (s->open[F_SOLVE]) {
    struct csv_file *f = &s->files[F_SOLVE];
    csv_int(f, S->evals - 1);
    csv_str(f, text);
    csv_int(f, vt->n);
    if (vt->verdict < 0)
      csv_str(f, NULL);
    else
      csv_int(f, vt->verdict);
    for (int m = 0; m < METRIC_COUNT; m++) {
      struct tally_summary t;
      tally_result(&E.st.tallies.t[m], &t);
      stat_cells(f, &t);
    }
    csv_end_row(f);
  }
  runner_stats_release(&E.st);
  if (!s->o->quiet)
    fprintf(stderr, "  %s=%s: %s %.4g (95%% CI %.4g to %.4g) over %ld replications: %s\n", S->f.key, text,
            metric_name((enum metric)S->tg.metric), vt->t.mean, vt->t.ci_low, vt->t.ci_high, n,
            vt->verdict > 0 ? "meets" : vt->verdict == 0 ? "fails" : "undecided");
  return 0;
}

/* Evaluate v, doubling the replications while undecided, up to -n. */
static int decide(struct solver *S, double v, struct value_tried **out)
{
  long n = S->n0;
  int rc;
  for (;;) {
    if ((rc = evaluate(S, v, n, out)) != 0)
      return rc;
    if ((*out)->verdict >= 0 || n >= S->s->max_reps)
      return 0;
    n = 2 * n < S->s->max_reps ? 2 * n : S->s->max_reps;
  }
}

static void print_ci(const struct solver *S, const struct value_tried *vt)
{
  char text[64];
  value_text(S, vt->v, text, sizeof text);
  printf("%s=%s: %s %.4f (95%% CI %.4f to %.4f, %ld replications)", S->f.key, text,
         metric_name((enum metric)S->tg.metric), vt->t.mean, vt->t.ci_low, vt->t.ci_high, vt->n);
}

/* Values tried whose interval lies wholly on the wrong side of a smaller
 * value's: the metric is not monotone where the search assumed it. */
static void check_monotone(const struct solver *S)
{
  bool said = false;
  for (size_t i = 0; i < S->n_tried; i++)
    for (size_t j = 0; j < S->n_tried; j++) {
      const struct value_tried *a = &S->tried[i], *b = &S->tried[j];
      if (!(a->v < b->v) || isnan(a->t.ci_low) || isnan(b->t.ci_low))
        continue;
      bool wrong = S->tg.at_least ? b->t.ci_high < a->t.ci_low : b->t.ci_low > a->t.ci_high;
      if (!wrong)
        continue;
      if (!said)
        printf("warning: %s is not monotone in %s over the values tried (the search assumed it %s):\n",
               metric_name((enum metric)S->tg.metric), S->f.key, S->tg.at_least ? "rises" : "falls");
      said = true;
      printf("  ");
      print_ci(S, b);
      printf("\n    is %s\n  ", S->tg.at_least ? "below" : "above");
      print_ci(S, a);
      printf("\n");
    }
  if (said)
    printf("  the answer is the smallest value tried that meets the target; a larger one may not\n");
}

static int search(struct solver *S, double *answer, bool *met, double *lo_out, double *hi_out)
{
  struct value_tried *vl, *vh;
  double lo = S->f.lo, hi = S->f.hi;
  double res = S->f.integer ? 1.0 : S->f.step > 0 ? S->f.step : (hi - lo) / 1000.0;
  int rc;
  *met = false;
  if ((rc = decide(S, lo, &vl)) != 0)
    return rc;
  if (vl->verdict > 0) {
    *met = true;
    *answer = *lo_out = *hi_out = lo;
    return 0;
  }
  if ((rc = decide(S, hi, &vh)) != 0)
    return rc;
  if (vh->verdict <= 0) {
    *lo_out = lo;
    *hi_out = hi;
    return 0;
  }
  while (hi - lo > res * (1 + 1e-9) && S->evals < SOLVE_MAX_EVALS) {
    double mid = S->f.integer ? floor(lo + (hi - lo) / 2) : lo + (hi - lo) / 2;
    struct value_tried *vm;
    if (S->f.step > 0 && !S->f.integer) /* on the step grid */
      mid = S->f.lo + floor((mid - S->f.lo) / S->f.step + 0.5) * S->f.step;
    if (!(mid > lo && mid < hi))
      break;
    if ((rc = decide(S, mid, &vm)) != 0)
      return rc;
    if (vm->verdict > 0)
      hi = mid;
    else
      lo = mid;
  }
  *met = true;
  *answer = hi;
  *lo_out = lo;
  *hi_out = hi;
  return 0;
}

int cmd_solve(int argc, char **argv)
{
  struct study_opts o;
  struct study s;
  struct solver S;
  const char *path = NULL;
  char cmdline[8192], why[512];
  int rc;

  memset(&s, 0, sizeof s);
  memset(&S, 0, sizeof S);
  study_command_line(cmdline, sizeof cmdline, argc, argv);
  rc = study_parse_opts("solve", argc, argv, &o, &path);
  if (rc != 0) {
    study_opts_release(&o);
    return rc < 0 ? 0 : rc;
  }
  if (o.target == NULL || o.n_vary != 1) {
    cli_error("solve", "give one --target 'METRIC>=X' and one --vary KEY=LO:HI");
    study_opts_release(&o);
    return EXIT_USAGE;
  }
  if ((rc = parse_target(o.target, &S.tg)) != 0) {
    study_opts_release(&o);
    return rc;
  }
  if (design_factor_parse(o.vary[0], &S.f, why, sizeof why) != ERR_OK || !S.f.range) {
    cli_error("solve", "%s", S.f.key != NULL && !S.f.range ? "--vary needs a range KEY=LO:HI (or LO:HI:STEP)" : why);
    design_factor_release(&S.f);
    study_opts_release(&o);
    return EXIT_USAGE;
  }
  S.s = &s;
  rc = study_load_base(&s, "solve", path, &o);
  if (rc != 0)
    goto done;
  {
    struct diag dk;
    char label[600];
    snprintf(label, sizeof label, "--vary %s", S.f.key);
    diag_init(&dk);
    const struct schema_key *k = scenario_key(&s.base, S.f.key, label, &dk);
    diag_print(&dk, stderr);
    diag_release(&dk);
    if (k == NULL || (k->type != SCHEMA_INT && k->type != SCHEMA_REAL)) {
      if (k != NULL)
        cli_error("solve", "--vary %s: solve needs a numeric key", S.f.key);
      rc = k == NULL ? EXIT_DATAERR : EXIT_USAGE;
      goto done;
    }
    S.f.integer = k->type == SCHEMA_INT;
    if (S.f.integer) {
      S.f.lo = ceil(S.f.lo);
      S.f.hi = floor(S.f.hi);
      if (S.f.hi < S.f.lo) {
        cli_error("solve", "--vary %s: no integer in the range", S.f.key);
        rc = EXIT_USAGE;
        goto done;
      }
    }
  }
  /* both ends must make valid scenarios before anything runs */
  for (int end = 0; end < 2; end++) {
    char text[64], set[1024];
    struct scenario sc;
    struct diag d;
    const char **sets = calloc(o.n_sets + 2, sizeof *sets);
    if (sets == NULL) {
      rc = EXIT_SOFTWARE;
      goto done;
    }
    value_text(&S, end ? S.f.hi : S.f.lo, text, sizeof text);
    snprintf(set, sizeof set, "%s=%s", S.f.key, text);
    for (size_t i = 0; i < o.n_sets; i++)
      sets[i] = o.sets[i];
    sets[o.n_sets] = set;
    diag_init(&d);
    enum err e = scenario_load(&sc, path, sets, o.n_sets + 1, &d);
    free(sets);
    if (e == ERR_OK)
      scenario_release(&sc);
    else {
      diag_print(&d, stderr);
      cli_error("solve", "the scenario at %s has problems; nothing was run", set);
      rc = err_exit_code(e);
    }
    diag_release(&d);
    if (rc != 0)
      goto done;
  }
  {
    char lo[64], hi[64];
    value_text(&S, S.f.lo, lo, sizeof lo);
    value_text(&S, S.f.hi, hi, sizeof hi);
    snprintf(s.solve_spec, sizeof s.solve_spec, "%s=%s:%s%s%s", S.f.key, lo, hi,
             S.f.step > 0 ? ":" : "", "");
    size_t n = strlen(s.solve_spec);
    if (S.f.step > 0)
      snprintf(s.solve_spec + n, sizeof s.solve_spec - n, "%.17g", S.f.step);
    n = strlen(s.solve_spec);
    snprintf(s.solve_spec + n, sizeof s.solve_spec - n, " %s%s%.17g", metric_name((enum metric)S.tg.metric),
             S.tg.at_least ? ">=" : "<=", S.tg.x);
  }
  s.n_keys = 0;
  s.want[F_SOLVE] = s.want[F_RUNCFG] = true;
  rc = study_open_output(&s);
  if (rc != 0)
    goto done;
  solve_header(&S);
  if (s.same_run) { /* resume: the evaluations of the earlier run, in order */
    char p[4352];
    snprintf(p, sizeof p, "%s/solve.csv", s.out_dir);
    if (csv_reader_open(&S.old, p) == ERR_OK)
      S.have_old = csv_reader_next(&S.old) == 1;
  }
  S.n0 = s.max_reps < 200 ? s.max_reps : 200;
  double answer = NAN, blo, bhi;
  bool met;
  double t0 = progress_now();
  rc = search(&S, &answer, &met, &blo, &bhi);
  s.wall = progress_now() - t0;
  if (rc == 130) {
    s.interrupted = true;
    s.points_done = S.evals;
    rc = study_commit(&s, cmdline);
    goto done;
  }
  if (rc != 0)
    goto done;
  s.points_done = S.evals;
  rc = study_commit(&s, cmdline);
  if (rc != 0)
    goto done;
  printf("%s: solve %s%s%g over %s in [%g, %g]: %ld evaluations at %zu values, %ld replications computed, "
         "%.1f s\n", s.base.name, metric_name((enum metric)S.tg.metric), S.tg.at_least ? ">=" : "<=", S.tg.x,
         S.f.key, S.f.lo, S.f.hi, S.evals, S.n_tried, S.reps, s.wall);
  check_monotone(&S);
  struct value_tried *vlo = NULL, *vhi = NULL;
  for (size_t i = 0; i < S.n_tried; i++) {
    if (S.tried[i].v == blo)
      vlo = &S.tried[i];
    if (S.tried[i].v == bhi)
      vhi = &S.tried[i];
  }
  if (!met) {
    printf("the target is not met with 95%% confidence inside the range: at the top,\n  ");
    if (vhi != NULL)
      print_ci(&S, vhi);
    printf("\n  files              %s/: solve.csv run.cfg\n%s=none\n", s.out_dir, S.f.key);
    rc = 1;
    goto done;
  }
  if (vlo != NULL && vlo != vhi) {
    printf("bracket (not resolved further):\n  ");
    print_ci(&S, vlo);
    printf(": %s\n  ", vlo->verdict == 0 ? "fails" : "not shown to meet it");
    print_ci(&S, vhi);
    printf(": meets it\n");
  } else if (vhi != NULL) {
    printf("the bottom of the range meets it:\n  ");
    print_ci(&S, vhi);
    printf("\n");
  }
  {
    char text[64];
    value_text(&S, answer, text, sizeof text);
    printf("  files              %s/: solve.csv run.cfg\n%s=%s\n", s.out_dir, S.f.key, text);
  }
done:
  for (size_t i = 0; i < S.n_tried; i++)
    free(S.tried[i].metric);
  free(S.tried);
  if (S.have_old || S.old.f != NULL)
    csv_reader_close(&S.old);
  design_factor_release(&S.f);
  study_release(&s);
  study_opts_release(&o);
  return rc;
}
