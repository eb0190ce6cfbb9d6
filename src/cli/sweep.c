/*
 * sweep.c - `convoysim sweep SCENARIO [options]`: every design point of a
 * sweep through one parallel pool (SPEC 2, 3.9, 6).
 *
 * Where the design comes from, first found: --design-file; --vary (with
 * --design and --points); the "# design:" lines of a manifest (run.cfg of
 * an earlier sweep, so `convoysim sweep results/X/run.cfg` runs it again);
 * the file's sweep group.  Every point is the base scenario with the
 * point's values applied through --set, checked before anything runs.
 * Besides summary.csv and replications.csv (a row per point and per
 * replication, with the factor columns), a sweep writes compare.csv (paired
 * differences to the reference point) and, with two factors or more,
 * sensitivity.csv.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "convoysim/design.h"
#include "convoysim/schema.h"
#include "study.h"

/* Does key k of sc hold an integer? */
static bool integer_key(const struct scenario *sc, const char *key)
{
  struct diag d;
  diag_init(&d);
  const struct schema_key *k = scenario_key(sc, key, "--vary", &d);
  diag_release(&d);
  return k != NULL && k->type == SCHEMA_INT;
}

/* The factors of the file's sweep group as design factors. */
static int factors_from_group(const struct scenario *sc, struct design_factor **out, size_t *n)
{
  const struct sweep_spec *sw = &sc->sweep;
  struct design_factor *f = calloc(sw->n_vary + 1, sizeof *f);
  if (f == NULL)
    return EXIT_SOFTWARE;
  for (size_t j = 0; j < sw->n_vary; j++) {
    const struct sweep_factor *v = &sw->vary[j];
    struct diag d;
    diag_init(&d);
    const struct schema_key *k = scenario_key(sc, v->key, "sweep.vary", &d);
    diag_release(&d);
    f[j].key = strdup(v->key);
    f[j].line = v->line;
    f[j].integer = k != NULL && k->type == SCHEMA_INT;
    if (v->n_values > 0) {
      f[j].values = calloc(v->n_values, sizeof *f[j].values);
      for (size_t i = 0; f[j].values != NULL && i < v->n_values; i++) {
        char text[512];
        if (k != NULL)
          scenario_format_value(sc, k, &v->values[i], text, sizeof text);
        else
          text[0] = '\0';
        f[j].values[i] = strdup(text);
        f[j].n_values++;
      }
    } else {
      f[j].range = true;
      f[j].lo = v->min;
      f[j].hi = v->max;
    }
  }
  *out = f;
  *n = sw->n_vary;
  return 0;
}

/* The "# design:" lines of a manifest, as a design of explicit points. */
static int design_from_manifest(const char *path, struct design *d, bool *found)
{
  FILE *f = fopen(path, "rb");
  char *line = NULL;
  size_t cap = 0, cap_cells = 0;
  ssize_t len;
  *found = false;
  memset(d, 0, sizeof *d);
  if (f == NULL)
    return 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (strncmp(line, "# design: ", 10) != 0)
      continue;
    line[strcspn(line, "\r\n")] = '\0';
    char *rest = line + 10, *tab = strchr(rest, '\t');
    if (!*found) { /* the header: N points of\tKEY\tKEY */
      if (strstr(rest, " points of") == NULL)
        continue;
      *found = true;
      d->from_file = true;
      for (char *p = tab; p != NULL;) {
        char *q = strchr(p + 1, '\t');
        size_t l = q ? (size_t)(q - p - 1) : strlen(p + 1);
        struct design_factor *nf = realloc(d->f, (d->n_f + 1) * sizeof *nf);
        if (nf == NULL)
          goto nomem;
        d->f = nf;
        memset(&d->f[d->n_f], 0, sizeof d->f[d->n_f]);
        d->f[d->n_f++].key = strndup(p + 1, l);
        p = q;
      }
      continue;
    }
    if (d->n_points == cap_cells) {
      size_t nc = cap_cells ? 2 * cap_cells : 64;
      char **c = realloc(d->cell, nc * (d->n_f + 1) * sizeof *c);
      if (c == NULL)
        goto nomem;
      d->cell = c;
      cap_cells = nc;
    }
    size_t k = 0;
    for (char *p = tab; p != NULL && k < d->n_f; k++) {
      char *q = strchr(p + 1, '\t');
      size_t l = q ? (size_t)(q - p - 1) : strlen(p + 1);
      char *cell = strndup(p + 1, l), *eq = cell ? strchr(cell, '=') : NULL;
      d->cell[d->n_points * d->n_f + k] = eq ? strdup(eq + 1) : strdup("");
      free(cell);
      p = q;
    }
    for (; k < d->n_f; k++)
      d->cell[d->n_points * d->n_f + k] = strdup("");
    d->n_points++;
  }
  free(line);
  fclose(f);
  d->max_corr = NAN;
  return 0;
nomem:
  free(line);
  fclose(f);
  return EXIT_SOFTWARE;
}

/* The study's design, from the first source found. */
static int make_design(struct study *s, const struct study_opts *o)
{
  struct design *d = &s->design;
  char why[512];
  enum err e;
  if (o->design_file != NULL) {
    struct diag dg;
    diag_init(&dg);
    if (o->n_vary > 0) {
      cli_error("sweep", "give --vary or --design-file, not both");
      diag_release(&dg);
      return EXIT_USAGE;
    }
    e = design_read_file(d, o->design_file, &dg);
    s->have_design = true;
    diag_print(&dg, stderr);
    diag_release(&dg);
    if (e == ERR_NOINPUT) {
      cli_error("sweep", "cannot read the design file '%s': %s", o->design_file, strerror(errno));
      return EXIT_NOINPUT;
    }
    if (e != ERR_OK) {
      cli_error("sweep", "%s has problems; nothing was run", o->design_file);
      return err_exit_code(e);
    }
    return 0;
  }
  struct design_factor *f = NULL;
  size_t n = 0;
  if (o->n_vary > 0) {
    f = calloc(o->n_vary, sizeof *f);
    if (f == NULL)
      return EXIT_SOFTWARE;
    for (size_t j = 0; j < o->n_vary; j++) {
      e = design_factor_parse(o->vary[j], &f[j], why, sizeof why);
      if (e != ERR_OK) {
        for (size_t i = 0; i < j; i++)
          design_factor_release(&f[i]);
        free(f);
        cli_error("sweep", "%s", e == ERR_NOMEM ? "out of memory" : why);
        return e == ERR_NOMEM ? EXIT_SOFTWARE : EXIT_USAGE;
      }
      for (size_t i = 0; i < j; i++)
        if (strcmp(f[i].key, f[j].key) == 0) {
          cli_error("sweep", "--vary %s is given twice", f[j].key);
          for (size_t q = 0; q <= j; q++)
            design_factor_release(&f[q]);
          free(f);
          return EXIT_USAGE;
        }
      f[j].integer = integer_key(&s->base, f[j].key);
    }
    int bad = 0;
    for (size_t j = 0; j < o->n_vary; j++) { /* every key named once, before any point */
      struct diag dk;
      char label[600];
      snprintf(label, sizeof label, "--vary %s", f[j].key);
      diag_init(&dk);
      if (scenario_key(&s->base, f[j].key, label, &dk) == NULL) {
        diag_print(&dk, stderr);
        bad++;
      }
      diag_release(&dk);
    }
    if (bad > 0) {
      for (size_t j = 0; j < o->n_vary; j++)
        design_factor_release(&f[j]);
      free(f);
      cli_error("sweep", "%d --vary key%s cannot be varied; nothing was run", bad, bad == 1 ? "" : "s");
      return EXIT_DATAERR;
    }
    n = o->n_vary;
  } else {
    bool found;
    int rc = design_from_manifest(s->path, d, &found);
    if (rc != 0)
      return rc;
    if (found) {
      s->have_design = true;
      if (d->n_points == 0) {
        cli_error("sweep", "%s: its design lines hold no point", s->path);
        return EXIT_DATAERR;
      }
      return 0;
    }
    design_release(d);
    if (!s->base.sweep.present || s->base.sweep.n_vary == 0) {
      cli_error("sweep", "%s has no sweep group: give the factors with --vary KEY=SPEC or --design-file",
                s->path);
      return EXIT_USAGE;
    }
    if ((rc = factors_from_group(&s->base, &f, &n)) != 0)
      return rc;
  }
  enum sweep_design kind = o->design >= 0 ? (enum sweep_design)o->design
                           : s->base.sweep.present ? s->base.sweep.design : DESIGN_GRID;
  long points = o->points > 0 ? o->points : o->n_vary == 0 && s->base.sweep.present ? s->base.sweep.points : 0;
  e = design_build(d, f, n, kind, points, s->seed, why, sizeof why);
  s->have_design = true;
  if (e != ERR_OK) {
    cli_error("sweep", "%s", e == ERR_NOMEM ? "out of memory" : why);
    return e == ERR_NOMEM ? EXIT_SOFTWARE : EXIT_USAGE;
  }
  return 0;
}

static void print_result(const struct study *s)
{
  const struct design *d = &s->design;
  long reps = 0, best = -1, worst = -1;
  for (long i = 0; i < s->points_done; i++) {
    double v = s->means[(size_t)i * METRIC_COUNT + METRIC_DELIVERY_RATE];
    reps += s->reps[i];
    if (!isnan(v) && (best < 0 || v > s->means[(size_t)best * METRIC_COUNT + METRIC_DELIVERY_RATE]))
      best = i;
    if (!isnan(v) && (worst < 0 || v < s->means[(size_t)worst * METRIC_COUNT + METRIC_DELIVERY_RATE]))
      worst = i;
  }
  printf("%s: sweep of %zu points (%s", s->base.name, s->n_points,
         d->from_file ? "from a file" : d->kind == DESIGN_GRID ? "grid" : d->kind == DESIGN_LHS ? "lhs" : "nolh");
  if (!isnan(d->max_corr))
    printf(", largest |correlation| %.4f", d->max_corr);
  char where[64];
  printf("), %ld replication%s%s in %.1f s on %s (%.0f replications/s)\n", reps, reps == 1 ? "" : "s",
         s->old.present ? " (resumed)" : "",
         s->wall, study_where(where, sizeof where, s->threads), s->wall > 0 ? (double)reps / s->wall : 0.0);
  if (best >= 0)
    printf("  %-19s%.4f (point %ld) to %.4f (point %ld)\n", "delivery rate",
           s->means[(size_t)worst * METRIC_COUNT + METRIC_DELIVERY_RATE], worst,
           s->means[(size_t)best * METRIC_COUNT + METRIC_DELIVERY_RATE], best);
  printf("  %-19spoint %ld (compare.csv: paired differences to it)\n", "reference", s->ref);
  printf("  %-19s%s/:", "files", s->out_dir);
  for (int f = 0; f < F_COUNT; f++)
    if (s->want[f])
      printf(" %s", study_file_names[f]);
  printf("\n");
}

int cmd_sweep(int argc, char **argv)
{
  struct study_opts o;
  struct study s;
  const char *path = NULL;
  char cmdline[8192];
  int rc;

  memset(&s, 0, sizeof s);
  study_command_line(cmdline, sizeof cmdline, argc, argv);
  rc = study_parse_opts("sweep", argc, argv, &o, &path);
  if (rc != 0) {
    study_opts_release(&o);
    return rc < 0 ? 0 : rc;
  }
  rc = study_load_base(&s, "sweep", path, &o);
  if (rc == 0)
    rc = make_design(&s, &o);
  if (rc != 0)
    goto done;
  {
    const struct design *d = &s.design;
    const char **keys = calloc(d->n_f + 1, sizeof *keys);
    if (keys == NULL) {
      rc = EXIT_SOFTWARE;
      goto done;
    }
    for (size_t j = 0; j < d->n_f; j++)
      keys[j] = d->f[j].key;
    /* study_set_points copies what it keeps; the design stays the source */
    rc = study_set_points(&s, d->n_f, keys, d->n_points, (const char *const *)d->cell, d->line);
    free(keys);
    if (rc != 0)
      goto done;
  }
  s.ref = o.reference >= 0 ? o.reference : 0;
  if ((size_t)s.ref >= s.n_points) {
    cli_error("sweep", "--reference %ld: the design has points 0 to %zu", s.ref, s.n_points - 1);
    rc = EXIT_USAGE;
    goto done;
  }
  s.want[F_SUMMARY] = s.want[F_REPLICATIONS] = s.want[F_RUNCFG] = s.want[F_COMPARE] = true;
  s.want[F_SENSITIVITY] = s.n_keys >= 2;
  s.want[F_CONVOYS] = o.convoys;
  s.want[F_DAILY] = o.daily;
  s.want[F_COSTS] = o.costs;
  if (!isnan(s.design.max_corr) && !o.quiet)
    fprintf(stderr, "convoysim sweep: %zu design points, largest |correlation| between factors %.4f\n",
            s.n_points, s.design.max_corr);
  rc = study_open_output(&s);
  if (rc != 0)
    goto done;
  rc = study_run(&s);
  if (rc != 0 && rc != 130)
    goto done;
  rc = study_commit(&s, cmdline);
  if (rc == 0)
    print_result(&s);
done:
  study_release(&s);
  study_opts_release(&o);
  return rc;
}
