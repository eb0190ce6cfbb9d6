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
#include <sys/stat.h>

#include "convoysim/grow.h"

/* Line `line` of text holds `key = word;` with a bare word where a value
 * goes (`roe = defend_mandate;`): say so, with the quoted form, in hint. */
static bool unquoted(const char *text, int line, char *hint, size_t len)
{
  const char *p = text;
  for (int l = 1; l < line && p != NULL; l++) {
    p = strchr(p, '\n');
    if (p != NULL)
      p++;
  }
  if (p == NULL)
    return false;
  char buf[256];
  size_t n = strcspn(p, "\r\n");
  snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), p);
  char key[128], word[128];
  int used = 0;
  if (sscanf(buf, " %127[A-Za-z0-9_.*-] %*[=:] %127[A-Za-z_][^;,\n]%n", key, word, &used) < 2 &&
      sscanf(buf, " %127[A-Za-z0-9_.*-] %*[=:] %127[A-Za-z0-9_-]%n", key, word, &used) < 2)
    return false;
  size_t w = strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
  word[w] = '\0';
  if (w == 0 || (word[0] >= '0' && word[0] <= '9') || strcmp(word, "true") == 0 || strcmp(word, "false") == 0)
    return false;
  snprintf(hint, len, "the value %s of '%s' is not quoted: write %s = \"%s\";", word, key, key, word);
  return true;
}

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
    char hint[640];
    if (strcmp(why, "syntax error") == 0 && ef == label &&
        unquoted(text, config_error_line(&cfg), hint, sizeof hint))
      diag_add(d, ef, config_error_line(&cfg), "syntax error: %s", hint);
    else if (strcmp(why, "syntax error") == 0)
      diag_add(d, ef, config_error_line(&cfg), "syntax error");
    else if (strcmp(why, "memory exhausted") == 0) /* bison's stack: YYMAXDEPTH */
      diag_add(d, ef, config_error_line(&cfg),
               "syntax error: groups or lists nest too deeply for libconfig's parser (it stops between 1,000 and 2,000 levels)");
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

/* The file cannot be opened (errno says why): the scenario (line 0) is
 * missing, 66; an include named at `line` is a problem of the scenario. */
static enum err cannot_open(const char *shown, const char *what, int line, struct diag *d)
{
  if (line == 0)
    diag_add(d, what, 0, "cannot open: %s", strerror(errno));
  else
    diag_add(d, what, line, "cannot open include file '%s': %s", shown, strerror(errno));
  return line == 0 ? ERR_NOINPUT : ERR_SCENARIO;
}

/* Read the whole of a regular file of at most SCENARIO_MAX_BYTES into a
 * NUL-terminated buffer; a problem goes to d against `what` (and `line` of
 * the file that names it).  Never opens a device, FIFO or folder, so it
 * cannot block or read without end. */
static enum err read_file(const char *path, const char *shown, const char *what, int line, struct diag *d,
                          char **out, size_t *out_len)
{
  struct stat st;
  char *text = NULL;
  size_t len = 0, cap = 0;
  *out = NULL;
  if (stat(path, &st) != 0)
    return cannot_open(shown, what, line, d);
  const char *kind = S_ISDIR(st.st_mode) ? "a folder" : S_ISFIFO(st.st_mode) ? "a pipe" : "a device or socket";
  if (!S_ISREG(st.st_mode) && line == 0) {
    diag_add(d, what, 0, "not a regular file (%s): give a scenario file", kind);
    return ERR_SCENARIO;
  }
  if (!S_ISREG(st.st_mode)) {
    diag_add(d, what, line, "include file '%s' is not a regular file (%s)", shown, kind);
    return ERR_SCENARIO;
  }
  if (st.st_size > SCENARIO_MAX_BYTES) {
    if (line == 0)
      diag_add(d, what, 0, "the file is %lld bytes, more than a scenario may hold (%d): is it the right file?",
               (long long)st.st_size, SCENARIO_MAX_BYTES);
    else
      diag_add(d, what, line, "include file '%s' is %lld bytes, more than a scenario may hold (%d)", shown,
               (long long)st.st_size, SCENARIO_MAX_BYTES);
    return ERR_SCENARIO;
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return cannot_open(shown, what, line, d);
  for (;;) {
    if (GROW(&text, &cap, len + 4096 + 2, 16384, (size_t)SCENARIO_MAX_BYTES + 8192) != ERR_OK) {
      free(text);
      fclose(f);
      return ERR_NOMEM;
    }
    size_t got = fread(text + len, 1, cap - len - 2, f);
    len += got;
    if (got == 0)
      break;
    if (len > (size_t)SCENARIO_MAX_BYTES) { /* it grew while being read */
      diag_add(d, what, line, "'%s' is more than a scenario may hold (%d bytes): is it the right file?", shown,
               SCENARIO_MAX_BYTES);
      free(text);
      fclose(f);
      return ERR_SCENARIO;
    }
  }
  if (ferror(f)) {
    diag_add(d, what, line, "cannot read '%s': %s", shown, strerror(errno ? errno : EIO));
    free(text);
    fclose(f);
    return ERR_NOINPUT;
  }
  fclose(f);
  text[len] = '\0';
  *out = text;
  *out_len = len;
  return ERR_OK;
}

/* Problems libconfig would only call "syntax error": a NUL byte, a UTF-8
 * byte-order mark.  `file` labels the messages. */
static bool text_ok(const char *text, size_t len, const char *file, struct diag *d)
{
  if (strlen(text) != len) {
    diag_add(d, file, 0, "not a text file (it holds a NUL byte)");
    return false;
  }
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    diag_add(d, file, 1, "the file starts with a UTF-8 byte-order mark, which libconfig cannot read: "
             "save it as UTF-8 without a BOM");
    return false;
  }
  return true;
}

/* Every @include of text (libconfig resolves them against incdir) must
 * name a readable regular text file of bounded size, whose own includes
 * follow the same rule, at most 10 deep: checked here, before libconfig
 * opens them, so a missing include is named and none can block. */
static bool includes_ok(const char *text, const char *file, const char *incdir, int depth, struct diag *d)
{
  bool ok = true;
  int line = 1;
  for (const char *p = text; *p; line++) {
    const char *eol = strchr(p, '\n');
    const char *q = p;
    while (*q == ' ' || *q == '\t')
      q++;
    if (strncmp(q, "@include", 8) == 0) {
      q += 8;
      while (*q == ' ' || *q == '\t')
        q++;
      const char *end = *q == '"' ? strchr(q + 1, '"') : NULL;
      if (end != NULL && (eol == NULL || end < eol)) {
        char name[4096], path[8192];
        snprintf(name, sizeof name, "%.*s", (int)(end - q - 1), q + 1);
        if (name[0] == '/' || incdir == NULL)
          snprintf(path, sizeof path, "%s", name);
        else
          snprintf(path, sizeof path, "%s/%s", incdir, name);
        char *inc = NULL;
        size_t ilen = 0;
        if (depth >= 10) {
          diag_add(d, file, line, "include file '%s': includes nest more than 10 deep", name);
          ok = false;
        } else if (read_file(path, name, file, line, d, &inc, &ilen) != ERR_OK) {
          ok = false;
        } else {
          if (!text_ok(inc, ilen, path, d) || !includes_ok(inc, path, incdir, depth + 1, d))
            ok = false;
          free(inc);
        }
      }
    }
    if (eol == NULL)
      break;
    p = eol + 1;
  }
  return ok;
}

enum err scenario_load(struct scenario *sc, const char *path, const char *const *sets, size_t n_sets,
                       struct diag *d)
{
  char *text = NULL;
  size_t len = 0;

  memset(sc, 0, sizeof *sc);
  enum err e = read_file(path, path, path, 0, d, &text, &len);
  if (e != ERR_OK)
    return e;
  if (!text_ok(text, len, path, d)) {
    free(text);
    return ERR_SCENARIO;
  }
  const char *t = text;
  while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
    t++;
  if (*t == '\0') {
    diag_add(d, path, 0, "the file is empty: a scenario needs at least nodes, roads, convoys and horizon_days");
    free(text);
    return ERR_SCENARIO;
  }
  /* libconfig 1.5 cannot end a file on a comment without a newline */
  if (len > 0 && text[len - 1] != '\n') {
    text[len++] = '\n';
    text[len] = '\0';
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
  size_t dl = strlen(dir);
  while (dl > 1 && dir[dl - 1] == '/')
    dir[--dl] = '\0';
  if (!includes_ok(text, path, dir, 0, d)) {
    free(dir);
    free(text);
    return ERR_SCENARIO;
  }
  e = load_text(sc, text, path, dir, sets, n_sets, d);
  free(dir);
  free(text);
  return e;
}
