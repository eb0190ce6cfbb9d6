/*
 * run.c - `convoysim run SCENARIO [options]`: one design point, many
 * replications, CSV results (SPEC sections 2, 5, 6).
 *
 * A run is a study of one point (study.h) whose key columns are its --set
 * keys: summaries of several runs concatenate into one table that says
 * what each row set.  The one rule: a run either leaves every file it was
 * asked for, complete, or none of them; interrupted, it leaves the
 * replications it finished, resumable.  Order of work: options (64),
 * scenario (65/66), the point, the output folder and every file (73), the
 * replications, the trace, then all files renamed into place together (74
 * if anything failed), and a headline block on stdout.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "convoysim/force.h"
#include "convoysim/model.h"
#include "convoysim/runner.h"
#include "convoysim/scenario.h"
#include "study.h"

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
                     double wall, const char *out_dir, const bool *want, bool resumed)
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

  char where[64];
  study_where(where, sizeof where, threads);
  if (resumed)
    printf("%s: %ld replication%s%s (resumed) in %.1f s on %s\n", sc->name, st->reps, st->reps == 1 ? "" : "s",
           st->stopped_early ? " (precision reached)" : "", wall, where);
  else
    printf("%s: %ld replication%s%s in %.1f s on %s (%.0f replications/s)\n", sc->name, st->reps,
           st->reps == 1 ? "" : "s",
           st->stopped_early ? " (precision reached)" : "", wall, where, wall > 0 ? (double)st->reps / wall : 0.0);
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
      printf(" %s", study_file_names[f]);
  printf("\n");
}

/* The trace: replication R again, alone, with its event log; its numbers
 * must be those of row R. */
static int trace_again(struct study *s)
{
  struct model *m = NULL;
  struct runner_model rm = { NULL, NULL, 0 };
  struct runner_trace tr = { &s->files[F_EVENTS], (uint64_t)s->o->trace };
  struct model_sinks sinks;
  struct rep_result alone;
  struct diag d;
  enum err e;
  diag_init(&d);
  e = model_new(&s->base, &m, &d);
  diag_release(&d);
  if (e == ERR_OK)
    e = runner_model_init(&rm, m, 1);
  if (e == ERR_OK) {
    runner_events_header(&s->files[F_EVENTS]);
    runner_trace_sinks(&tr, &sinks);
    e = runner_model_replicate(&rm, 0, s->seed, (uint64_t)s->o->trace, &sinks, &alone);
  }
  runner_model_release(&rm);
  model_free(m);
  if (e != ERR_OK) {
    cli_error("run", "the traced replication failed: %s; no file was written", err_str(e));
    return err_exit_code(e);
  }
  if (s->o->trace < s->reps[0] && s->kept[0].n == 0 &&
      memcmp(s->traced_row.metric, alone.metric, sizeof alone.metric) != 0) {
    cli_error("run", "internal error: replication %ld gave other results when run alone", s->o->trace);
    return EXIT_SOFTWARE;
  }
  return 0;
}

int cmd_run(int argc, char **argv)
{
  struct study_opts o;
  struct study s;
  const char *path = NULL;
  char cmdline[8192];
  int rc;

  memset(&s, 0, sizeof s);
  study_command_line(cmdline, sizeof cmdline, argc, argv); /* before getopt permutes argv */
  rc = study_parse_opts("run", argc, argv, &o, &path);
  if (rc != 0) {
    study_opts_release(&o);
    return rc < 0 ? 0 : rc;
  }
  rc = study_load_base(&s, "run", path, &o);
  if (rc != 0)
    goto done;
  if (s.base.sweep.present)
    cli_error("run", "note: %s has a sweep group; run runs the scenario's own values (convoysim sweep "
              "runs its design points)", path);
  if (o.trace >= s.max_reps) {
    cli_error("run", "--trace %ld: the run has replications 0 to %ld", o.trace, s.max_reps - 1);
    rc = EXIT_USAGE;
    goto done;
  }
  {
    /* the key columns: each --set key once, with its last value */
    const char **keys = calloc(o.n_sets + 1, sizeof *keys), **vals = calloc(o.n_sets + 1, sizeof *vals);
    char **owned = calloc(o.n_sets + 1, sizeof *owned);
    size_t nk = 0;
    if (keys == NULL || vals == NULL || owned == NULL) {
      free(keys);
      free(vals);
      free(owned);
      cli_error("run", "out of memory");
      rc = EXIT_SOFTWARE;
      goto done;
    }
    /* a manifest names the columns of the run it records */
    char *text = NULL;
    size_t n_cols = 0;
    {
      FILE *f = fopen(path, "rb");
      if (f != NULL) {
        size_t cap = 0, len = 0;
        char line[1024];
        while (fgets(line, sizeof line, f) != NULL)
          if (strncmp(line, "# design: column ", 17) == 0) {
            size_t l = strcspn(line + 17, "\r\n");
            char *nt = realloc(text, len + l + 2);
            if (nt == NULL)
              break;
            text = nt;
            memcpy(text + len, line + 17, l);
            text[len + l] = '\0';
            len += l + 1;
            n_cols++;
            cap = len;
          }
        (void)cap;
        fclose(f);
      }
    }
    char **colvals = calloc(n_cols + 1, sizeof *colvals);
    const char **k2 = realloc(keys, (o.n_sets + n_cols + 1) * sizeof *keys);
    const char **v2 = realloc(vals, (o.n_sets + n_cols + 1) * sizeof *vals);
    if (k2)
      keys = k2;
    if (v2)
      vals = v2;
    if (colvals == NULL || k2 == NULL || v2 == NULL) {
      free(text);
      free(colvals);
      free(keys);
      free(vals);
      free(owned);
      cli_error("run", "out of memory");
      rc = EXIT_SOFTWARE;
      goto done;
    }
    for (size_t c = 0, off = 0; c < n_cols; c++) {
      const char *key = text + off;
      char val[512], cell[512];
      struct diag dd;
      off += strlen(key) + 1;
      diag_init(&dd);
      if (scenario_get_text(&s.base, key, val, sizeof val, cell, sizeof cell, &dd) == ERR_OK) {
        colvals[c] = strdup(val);
        keys[nk] = key;
        vals[nk++] = colvals[c];
      }
      diag_release(&dd);
    }
    for (size_t i = 0; i < o.n_sets; i++) {
      /* KEY = VALUE as the loader reads it (cli_add_set checked the '=') */
      const char *k0, *v;
      size_t kl, vl;
      (void)scenario_split_set(o.sets[i], &k0, &kl, &v, &vl);
      /* one allocation holds "KEY\0VALUE\0" */
      owned[i] = malloc(kl + vl + 2);
      if (owned[i] != NULL) {
        memcpy(owned[i], k0, kl);
        owned[i][kl] = '\0';
        memcpy(owned[i] + kl + 1, v, vl);
        owned[i][kl + 1 + vl] = '\0';
        v = owned[i] + kl + 1;
      } else {
        cli_error("run", "out of memory");
        rc = EXIT_SOFTWARE;
        break;
      }
      size_t j = 0;
      while (j < nk && strcmp(keys[j], owned[i]) != 0)
        j++;
      keys[j] = owned[i];
      vals[j] = v;
      if (j == nk)
        nk++;
    }
    if (rc == 0)
      rc = study_set_points(&s, nk, keys, 1, vals, NULL);
    for (size_t c = 0; c < n_cols; c++)
      free(colvals[c]);
    free(colvals);
    free(text);
    for (size_t i = 0; i < o.n_sets; i++)
      free(owned[i]);
    free(owned);
    free(keys);
    free(vals);
    if (rc != 0)
      goto done;
  }
  s.want[F_SUMMARY] = s.want[F_REPLICATIONS] = s.want[F_RUNCFG] = true;
  s.want[F_CONVOYS] = o.convoys;
  s.want[F_DAILY] = o.daily;
  s.want[F_COSTS] = o.costs;
  s.want[F_EVENTS] = o.trace >= 0;
  rc = study_open_output(&s);
  if (rc != 0)
    goto done;
  rc = study_run(&s);
  if (rc != 0 && rc != 130)
    goto done;
  if (rc == 0 && o.trace >= 0 && (rc = trace_again(&s)) != 0)
    goto done;
  if (rc == 130)
    s.want[F_EVENTS] = false; /* no trace of an interrupted run */
  if (rc == 130 && s.open[F_EVENTS]) {
    csv_abort(&s.files[F_EVENTS]);
    s.open[F_EVENTS] = false;
  }
  rc = study_commit(&s, cmdline);
  if (rc == 0 && s.have_first)
    headline(&s.base, &s.first, s.threads, s.wall, s.out_dir, s.want, s.old.present);
done:
  study_release(&s);
  study_opts_release(&o);
  return rc;
}
