/*
 * load.c - libconfig text -> struct scenario, checked against schema.h: the
 * loader's entry points.
 *
 * The one rule: report every problem and carry on, so a user sees all of
 * them at once, in reading order.  Order of work: the text is parsed,
 * --set overrides are grafted onto the tree (override.c), the tree is read
 * (lists.c, which reads every value through value.c), and last the rules
 * that tie keys together are checked (validate.c).  The layers call down
 * only: load -> validate, lists -> override -> value; defaults.c gives every
 * key its starting value.
 */
#include "loader.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"

static enum err load_text(struct scenario *sc, const char *text, const char *label, const char *incdir,
                          const char *const *sets, size_t n_sets, struct diag *d)
{
  struct loader L = { .sc = sc, .d = d, .file = label, .text = text };
  config_t cfg;
  size_t before = diag_count(d);
  enum err e = ERR_OK;

  scenario_init(sc);
  sc->file = strdup(label);
  L.root = calloc(schema_n_keys, sizeof *L.root);
  if (sc->file == NULL || L.root == NULL || sc->n_roe != schema_n_builtin_roe) {
    free(L.root);
    scenario_release(sc);
    return ERR_NOMEM;
  }
  config_init(&cfg);
  if (incdir != NULL)
    config_set_include_dir(&cfg, incdir);
  if (!config_read_string(&cfg, text)) {
    const char *why = config_error_text(&cfg) ? config_error_text(&cfg) : "syntax error";
    const char *ef = config_error_file(&cfg) ? config_error_file(&cfg) : label;
    if (strcmp(why, "syntax error") == 0)
      diag_add(d, ef, config_error_line(&cfg), "syntax error");
    else if (strcmp(why, "mismatched element type in array") == 0)
      diag_add(d, ef, config_error_line(&cfg),
               "syntax error: %s (write the numbers of a [ ] array alike: [8.0, 16.5], not [8, 16.5])", why);
    else
      diag_add(d, ef, config_error_line(&cfg), "syntax error: %s", why);
    e = ERR_SCENARIO;
  } else {
    loader_apply_sets(&L, &cfg, sets, n_sets);
    loader_read(&L, &cfg);
    loader_validate(&L);
  }
  config_destroy(&cfg);
  for (size_t i = 0; i < L.n_origins; i++) {
    free(L.origins[i].label);
    free(L.origins[i].value);
  }
  free(L.origins);
  free(L.root);
  free(L.node_bad);
  free(L.defs);
  free(L.def_state);
  if (diag_count(d) > before)
    diag_sort(d); /* reading order, whatever order the checks ran in */
  if (e == ERR_OK && L.nomem)
    e = ERR_NOMEM;
  else if (e == ERR_OK && (diag_count(d) > before || d->nomem))
    e = ERR_SCENARIO;
  if (e != ERR_OK)
    scenario_release(sc);
  return e;
}

enum err scenario_load_string(struct scenario *sc, const char *text, const char *label,
                              const char *const *sets, size_t n_sets, struct diag *d)
{
  return load_text(sc, text, label ? label : "(string)", NULL, sets, n_sets, d);
}

enum err scenario_load(struct scenario *sc, const char *path, const char *const *sets, size_t n_sets,
                       struct diag *d)
{
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  size_t len = 0, cap = 0;

  memset(sc, 0, sizeof *sc);
  if (f == NULL) {
    diag_add(d, path, 0, "cannot open: %s", strerror(errno));
    return ERR_NOINPUT;
  }
  for (;;) {
    if (GROW(&text, &cap, len + 4096 + 1, 16384, SIZE_MAX / 2) != ERR_OK) {
      free(text);
      fclose(f);
      return ERR_NOMEM;
    }
    size_t got = fread(text + len, 1, cap - len - 1, f);
    len += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    diag_add(d, path, 0, "cannot read: %s", strerror(errno ? errno : EIO));
    free(text);
    fclose(f);
    return ERR_NOINPUT;
  }
  fclose(f);
  text[len] = '\0';
  if (strlen(text) != len) {
    diag_add(d, path, 0, "not a text file (it holds a NUL byte)");
    free(text);
    return ERR_SCENARIO;
  }
  /* @include resolves against the scenario's own folder */
  char *dir = strdup(path);
  if (dir == NULL) {
    free(text);
    return ERR_NOMEM;
  }
  char *slash = strrchr(dir, '/');
  if (slash)
    slash[1] = '\0';
  else
    strcpy(dir, ".");
  enum err e = load_text(sc, text, path, dir, sets, n_sets, d);
  free(dir);
  free(text);
  return e;
}

