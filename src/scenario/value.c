/*
 * value.c - the loader's value layer: read one libconfig setting as a value
 * of a schema key (with every check of its type, range and references),
 * store a value into its field and fetch it back, describe what a valid
 * value looks like, parse a value given as text, and say where a setting
 * came from (file and line, or "--set KEY").
 *
 * The one rule: every value of a scenario, wherever it comes from (the
 * file, a --set, a timeline entry, a sweep value, a schema default), is read
 * by loader_read_value() and stored by loader_store(), so all get the same
 * checks.  Nothing here reads a whole list or group: that is lists.c.
 */
#include "loader.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(enum node_kind) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum supply_arrivals) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum escort_policy) == sizeof(int), "enums are stored as int");
_Static_assert(sizeof(enum sweep_design) == sizeof(int), "enums are stored as int");

#define SHOW_LEN 96

/* ------------------------------------------------------------ utilities */

/* calloc, noting L->nomem when it fails. */
void *loader_zalloc(struct loader *L, size_t n, size_t size)
{
  void *p = calloc(n, size);
  if (p == NULL)
    L->nomem = true;
  return p;
}

char *loader_strdup(struct loader *L, const char *s)
{
  char *c = strdup(s ? s : "");
  if (c == NULL)
    L->nomem = true;
  return c;
}

void loader_where(const struct loader *L, const config_setting_t *s, const char **file, int *line)
{
  *file = L->file;
  *line = 0;
  for (const config_setting_t *p = s; p; p = config_setting_parent(p)) {
    if (config_setting_get_hook(p) != NULL) {
      *file = ((const struct loader_origin *)config_setting_get_hook(p))->label;
      return;
    }
  }
  for (const config_setting_t *p = s; p; p = config_setting_parent(p)) {
    int l = (int)config_setting_source_line(p);
    if (l > 0) {
      const char *f = config_setting_source_file(p);
      if (f != NULL)
        *file = f;
      *line = l;
      return;
    }
  }
}

void loader_error(struct loader *L, const config_setting_t *s, const char *fmt, ...)
{
  char body[1536];
  const char *file;
  int line;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  loader_where(L, s, &file, &line);
  diag_add(L->d, file, line, "%s", body);
}

bool loader_is_number(const config_setting_t *s)
{
  int t = config_setting_type(s);
  return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

/* A list ( ... ) or an array [ ... ]. */
bool loader_is_sequence(const config_setting_t *s)
{
  int t = config_setting_type(s);
  return t == CONFIG_TYPE_LIST || t == CONFIG_TYPE_ARRAY;
}

/* If s is a list or array of two, its elements go to *a and *b; else
 * both are NULL and the answer is false. */
bool loader_pair_of(const config_setting_t *s, const config_setting_t **a, const config_setting_t **b)
{
  *a = *b = NULL;
  if (!loader_is_sequence(s) || config_setting_length(s) != 2)
    return false;
  *a = config_setting_get_elem(s, 0);
  *b = config_setting_get_elem(s, 1);
  return true;
}

double loader_number_of(const config_setting_t *s)
{
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    return (double)config_setting_get_int64(s);
  default:
    return config_setting_get_float(s);
  }
}

/* The setting as the user wrote it, for "not X" in messages. */
static void show(const config_setting_t *s, char *buf, size_t len)
{
  char r[40];
  switch (config_setting_type(s)) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    snprintf(buf, len, "%lld", config_setting_get_int64(s));
    return;
  case CONFIG_TYPE_FLOAT:
    snprintf(buf, len, "%g", config_setting_get_float(s));
    return;
  case CONFIG_TYPE_BOOL:
    snprintf(buf, len, "%s", config_setting_get_bool(s) ? "true" : "false");
    return;
  case CONFIG_TYPE_STRING:
    snprintf(buf, len, "\"%.60s%s\"", config_setting_get_string(s),
             strlen(config_setting_get_string(s)) > 60 ? "..." : "");
    return;
  case CONFIG_TYPE_GROUP:
    snprintf(buf, len, "a group");
    return;
  default: {
    int n = config_setting_length(s);
    size_t used = (size_t)snprintf(buf, len, "%c", config_setting_type(s) == CONFIG_TYPE_LIST ? '(' : '[');
    for (int i = 0; i < n && used + 1 < len; i++) {
      const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
      if (config_setting_type(e) == CONFIG_TYPE_GROUP || config_setting_type(e) == CONFIG_TYPE_LIST
          || config_setting_type(e) == CONFIG_TYPE_ARRAY)
        snprintf(r, sizeof r, "...");
      else
        show(e, r, sizeof r);
      used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", r);
    }
    if (used + 1 < len)
      snprintf(buf + used, len - used, "%c", config_setting_type(s) == CONFIG_TYPE_LIST ? ')' : ']');
    return;
  }
  }
}

static bool is_name(const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
      return false;
  return true;
}

/* Which end of its range a value of k missed, for describe_range. */
enum missed { MISSED_ANY, MISSED_LOW, MISSED_HIGH };

/* What a valid value of k looks like: "an integer >= 1", "a number in
 * [0, 1]".  An integer that missed the low end is told only that end
 * ("an integer >= 1", though lanes stop at 10000); one above the top is
 * told both, even where the top is only its type's ("an integer in
 * [1, 2147483647]"), so the message does not read as if it were too small. */
static void describe_range(const struct schema_key *k, enum missed m, char *buf, size_t len)
{
  char lo[32], hi[32];
  bool open_min = (k->flags & SCHEMA_MIN_OPEN) != 0;

  switch (k->type) {
  case SCHEMA_INT:
  case SCHEMA_REAL: {
    const char *what = k->type == SCHEMA_INT ? "an integer" : "a number";
    double top = k->type == SCHEMA_INT ? (k->size == sizeof(int) ? (double)INT_MAX : (double)LONG_MAX) : HUGE_VAL;
    double bottom = k->type == SCHEMA_INT ? (k->size == sizeof(int) ? (double)INT_MIN : (double)LONG_MIN) : -HUGE_VAL;
    bool has_min = k->min > bottom, has_max = k->max < top;
    if (k->type == SCHEMA_INT && m != MISSED_ANY)
      has_max = m == MISSED_HIGH;
    snprintf(lo, sizeof lo, "%g", k->min);
    if (k->max < top)
      snprintf(hi, sizeof hi, "%g", k->max);
    else /* the type's own top, exactly (a double would round LONG_MAX up) */
      snprintf(hi, sizeof hi, "%ld", k->size == sizeof(int) ? (long)INT_MAX : LONG_MAX);
    if (has_min && has_max)
      snprintf(buf, len, "%s in %c%s, %s]", what, open_min ? '(' : '[', lo, hi);
    else if (has_min)
      snprintf(buf, len, "%s %s %s", what, open_min ? ">" : ">=", lo);
    else if (has_max)
      snprintf(buf, len, "%s <= %s", what, hi);
    else
      snprintf(buf, len, "%s", what);
    if (k->flags & SCHEMA_UNLIMITED) {
      size_t n = strlen(buf);
      snprintf(buf + n, len - n, " or \"none\"");
    }
    return;
  }
  case SCHEMA_BOOL: snprintf(buf, len, "true or false"); return;
  case SCHEMA_STRING: snprintf(buf, len, "a string"); return;
  case SCHEMA_NAME: snprintf(buf, len, "a string matching [A-Za-z0-9_-]+"); return;
  case SCHEMA_SEED: snprintf(buf, len, "an integer in [0, 18446744073709551615]"); return;
  case SCHEMA_ENUM: {
    size_t used = (size_t)snprintf(buf, len, "one of");
    for (size_t i = 0; k->names[i] && used < len; i++)
      used += (size_t)snprintf(buf + used, len - used, "%s \"%s\"", i ? "," : "", k->names[i]);
    return;
  }
  case SCHEMA_DIST:
    snprintf(buf, len, "%s or a distribution group",
             (k->dflags & DIST_SHARE) ? "a number in [0, 1]"
             : (k->dflags & DIST_POSITIVE) ? "a number > 0"
             : (k->dflags & DIST_NONNEG) ? "a number >= 0" : "a number");
    return;
  case SCHEMA_HOURS: snprintf(buf, len, "[from, to] with 0 <= from < to <= 24"); return;
  case SCHEMA_WEEKDAYS: snprintf(buf, len, "a list of weekdays 0..6"); return;
  case SCHEMA_TASKS: snprintf(buf, len, "a list of tasks (escort, patrol, qrf, disarm, train)"); return;
  case SCHEMA_NODE:
    snprintf(buf, len, "%s", k->kinds == SCHEMA_DISTRIBUTION ? "the id of a distribution node" : "a node id");
    return;
  case SCHEMA_ROE: snprintf(buf, len, "the name of an ROE profile"); return;
  case SCHEMA_NODES: snprintf(buf, len, "a list of node ids"); return;
  default: snprintf(buf, len, "a list"); return;
  }
}

void loader_error_not(struct loader *L, const config_setting_t *s, const char *fmt, ...)
{
  char body[1024], got[SHOW_LEN];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  show(s, got, sizeof got);
  loader_error(L, s, "%s, not %s", body, got);
}

static void describe(const struct schema_key *k, char *buf, size_t len)
{
  describe_range(k, MISSED_ANY, buf, len);
}

void loader_bad_value(struct loader *L, const config_setting_t *s, const struct schema_key *k)
{
  char want[160];
  describe(k, want, sizeof want);
  loader_error_not(L, s, "'%s' must be %s", k->path, want);
}

/* An integer outside k's range, below it or above it. */
static void bad_int(struct loader *L, const config_setting_t *s, const struct schema_key *k, bool above)
{
  char want[160];
  describe_range(k, above ? MISSED_HIGH : MISSED_LOW, want, sizeof want);
  loader_error_not(L, s, "'%s' must be %s", k->path, want);
}

/* libconfig 1.5 wraps an integer beyond 32 bits written without L, and
 * saturates one beyond 64 bits written with it: find the digits in the
 * source and complain when they do not fit (*beyond64: not even in 64
 * bits).  tok gets them.  True when the value is as written. */
static bool int_as_written(const struct loader *L, const config_setting_t *s, char *tok, size_t len,
                           bool *beyond64)
{
  const char *src = NULL;
  const char *origin_value = NULL;

  if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
    return true;
  for (const config_setting_t *p = s; p; p = config_setting_parent(p))
    if (config_setting_get_hook(p) != NULL) {
      if (p == s)
        origin_value = ((const struct loader_origin *)config_setting_get_hook(p))->value;
      else
        return true;
      break;
    }
  if (origin_value != NULL) {
    while (isspace((unsigned char)*origin_value))
      origin_value++;
    src = origin_value;
  } else {
    const char *name = config_setting_name(s);
    unsigned line = config_setting_source_line(s);
    if (L->text == NULL || name == NULL || line == 0 || config_setting_source_file(s) != NULL)
      return true;
    const char *p = L->text;
    for (unsigned l = 1; l < line && p; l++) {
      p = strchr(p, '\n');
      if (p)
        p++;
    }
    if (p == NULL)
      return true;
    const char *end = strchr(p, '\n');
    size_t nl = strlen(name);
    for (const char *q = p; q && (end == NULL || q < end); q++) {
      q = strstr(q, name);
      if (q == NULL || (end && q >= end))
        break;
      if (q > p && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
        continue;
      const char *v = q + nl;
      while (*v == ' ' || *v == '\t')
        v++;
      if (*v != '=' && *v != ':')
        continue;
      v++;
      while (*v == ' ' || *v == '\t')
        v++;
      src = v;
      break;
    }
    if (src == NULL)
      return true;
  }
  size_t n = 0;
  if (src[n] == '+' || src[n] == '-')
    n++;
  while (isalnum((unsigned char)src[n]))
    n++;
  if (n == 0 || n >= len)
    return true;
  memcpy(tok, src, n);
  tok[n] = '\0';
  bool wide = tok[n - 1] == 'L'; /* 64 bits asked for: only beyond them is it wrong */
  errno = 0;
  char *e;
  bool hex = strchr(tok, 'x') || strchr(tok, 'X');
  long long x = strtoll(tok, &e, 0);
  if (wide && e == tok + n - 1 && errno == ERANGE) {
    *beyond64 = true;
    return false;
  }
  if (wide || *e != '\0')
    return true; /* 64 bits, or not a plain integer token: trust the parser */
  if (errno == ERANGE || x > INT32_MAX || x < INT32_MIN || (hex && x > INT32_MAX)) {
    *beyond64 = errno == ERANGE;
    return false;
  }
  return true;
}

static bool check_int_source(struct loader *L, const config_setting_t *s, const struct schema_key *k)
{
  char tok[64], want[160];
  bool beyond64 = false;
  if (int_as_written(L, s, tok, sizeof tok, &beyond64))
    return true;
  if (beyond64 && k->type == SCHEMA_SEED) { /* the seed's own message says to quote it */
    if (tok[strlen(tok) - 1] == 'L')
      return true;
    beyond64 = false;
  }
  if (beyond64 && k->type == SCHEMA_INT) { /* no L helps: say what the key takes */
    describe_range(k, MISSED_HIGH, want, sizeof want);
    loader_error(L, s, "'%s' must be %s, not %s", k->path, want, tok);
  } else if (beyond64) {
    char digits[64];
    size_t n = strlen(tok);
    snprintf(digits, sizeof digits, "%.*s", (int)(tok[n - 1] == 'L' ? n - 1 : n), tok);
    if (strpbrk(digits, "xX") != NULL)
      loader_error(L, s, "'%s' %s does not fit in 64 bits", k->path, tok);
    else
      loader_error(L, s, "'%s' %s does not fit in 64 bits; write it as a real, %s.0", k->path, tok, digits);
  } else {
    loader_error(L, s, "'%s' %s does not fit in 32 bits; write it as %sL", k->path, tok, tok);
  }
  return false;
}

static bool in_range(const struct schema_key *k, double x)
{
  if (k->flags & SCHEMA_MIN_OPEN) {
    if (!(x > k->min))
      return false;
  } else if (!(x >= k->min)) {
    return false;
  }
  return x <= k->max;
}

/* ------------------------------------------------------------ values */

const char *loader_kind_name(enum node_kind k)
{
  static const char *const names[] = { "crossing", "depot", "distribution", "junction" };
  return (unsigned)k < 4 ? names[k] : "?";
}

int scenario_node_index(const struct scenario *sc, const char *id)
{
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].id && strcmp(sc->nodes[i].id, id) == 0)
      return (int)i;
  return -1;
}

int scenario_roe_index(const struct scenario *sc, const char *name)
{
  for (size_t i = 0; i < sc->n_roe; i++)
    if (sc->roe[i].name && strcmp(sc->roe[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* "; did you mean 'x'?" or "" */
void loader_suggestion(const char *word, const char *const *cand, size_t n, char *buf, size_t len)
{
  const char *s = schema_suggest(word, cand, n);
  if (s)
    snprintf(buf, len, "; did you mean '%s'?", s);
  else
    buf[0] = '\0';
}

void loader_no_such(struct loader *L, const config_setting_t *s, const char *key, const char *what,
                    const char *name, int place)
{
  const struct scenario *sc = L->sc;
  size_t n = place == REGION_NODE ? sc->n_nodes : sc->n_roe;
  const char **cand = malloc((n ? n : 1) * sizeof *cand);
  char sug[128] = "";
  if (cand) {
    for (size_t i = 0; i < n; i++)
      cand[i] = place == REGION_NODE ? sc->nodes[i].id : sc->roe[i].name;
    loader_suggestion(name, cand, n, sug, sizeof sug);
    free(cand);
  }
  loader_error(L, s, "'%s': no %s '%s'%s", key, what, name, sug);
}

static bool read_dist(struct loader *L, const config_setting_t *s, const struct schema_key *k,
                      struct dist *out)
{
  char why[256];
  double p[3] = { 0, 0, 0 };

  if (loader_is_number(s)) {
    if (!check_int_source(L, s, k))
      return false;
    p[0] = loader_number_of(s);
    if (!dist_set(out, DIST_FIXED, p, k->dflags, why, sizeof why)) {
      loader_bad_value(L, s, k);
      return false;
    }
    return true;
  }
  if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
    loader_bad_value(L, s, k);
    return false;
  }
  const config_setting_t *ds = config_setting_get_member(s, "dist");
  if (ds == NULL) {
    loader_error(L, s, "'%s': missing 'dist' (the name of the distribution)", k->path);
    return false;
  }
  if (config_setting_type(ds) != CONFIG_TYPE_STRING) {
    loader_error_not(L, ds, "'%s': 'dist' must be a string", k->path);
    return false;
  }
  const char *kname = config_setting_get_string(ds);
  int kind = dist_kind_from_name(kname);
  if (kind < 0) {
    const char *cand[DIST_KIND_COUNT];
    char sug[96];
    for (int i = 0; i < DIST_KIND_COUNT; i++)
      cand[i] = dist_kind_name((enum dist_kind)i);
    loader_suggestion(kname, cand, DIST_KIND_COUNT, sug, sizeof sug);
    loader_error(L, ds, "'%s': unknown distribution '%s'%s", k->path, kname, sug);
    return false;
  }
  /* parameter names of the kind: "mean,sd" */
  char names[64];
  const char *pn[4] = { "dist", NULL, NULL, NULL };
  int np = dist_kind_nparams((enum dist_kind)kind);
  snprintf(names, sizeof names, "%s", dist_kind_params((enum dist_kind)kind));
  char *tokp = names;
  for (int i = 0; i < np && i < 3; i++) {
    pn[i + 1] = tokp;
    char *c = strchr(tokp, ',');
    if (c) {
      *c = '\0';
      tokp = c + 1;
    }
  }
  bool ok = true;
  int n = config_setting_length(s);
  for (int i = 0; i < n; i++) {
    const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
    const char *mn = config_setting_name(m);
    int j;
    for (j = 0; j <= np; j++)
      if (strcmp(mn, pn[j]) == 0)
        break;
    if (j > np) {
      char sug[96];
      loader_suggestion(mn, pn, (size_t)np + 1, sug, sizeof sug);
      loader_error(L, m, "unknown key '%s' in '%s' (%s takes %s)%s", mn, k->path, kname,
                   dist_kind_params((enum dist_kind)kind), sug);
      ok = false;
    }
  }
  for (int j = 0; j < np; j++) {
    const config_setting_t *m = config_setting_get_member(s, pn[j + 1]);
    if (m == NULL) {
      loader_error(L, s, "'%s': missing '%s' for a %s distribution", k->path, pn[j + 1], kname);
      ok = false;
    } else if (!loader_is_number(m)) {
      loader_error_not(L, m, "'%s': '%s' must be a number", k->path, pn[j + 1]);
      ok = false;
    } else if (!check_int_source(L, m, k)) {
      ok = false;
    } else {
      p[j] = loader_number_of(m);
    }
  }
  if (!ok)
    return false;
  if (!dist_set(out, (enum dist_kind)kind, p, k->dflags, why, sizeof why)) {
    loader_error(L, s, "'%s': %s", k->path, why);
    return false;
  }
  return true;
}

bool loader_read_value(struct loader *L, const config_setting_t *s, const struct schema_key *k,
                       struct value *v)
{
  int t = config_setting_type(s);

  memset(v, 0, sizeof *v);
  switch (k->type) {
  case SCHEMA_INT: {
    v->type = VALUE_INT;
    if (t == CONFIG_TYPE_STRING && (k->flags & SCHEMA_UNLIMITED)
        && (strcmp(config_setting_get_string(s), "none") == 0
            || strcmp(config_setting_get_string(s), "unlimited") == 0)) {
      v->u.i = SCENARIO_UNLIMITED;
      return true;
    }
    double x;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
      if (!check_int_source(L, s, k))
        return false;
      long long ll = config_setting_get_int64(s);
      x = (double)ll;
      if (!in_range(k, x) || (k->size == sizeof(int) && (ll > INT_MAX || ll < INT_MIN))) {
        bad_int(L, s, k, x > k->max || (k->size == sizeof(int) && ll > INT_MAX));
        return false;
      }
      v->u.i = (long)ll;
      return true;
    }
    if (t == CONFIG_TYPE_FLOAT) {
      x = config_setting_get_float(s);
      if (x == floor(x) && fabs(x) < 9e18 && in_range(k, x)
          && !(k->size == sizeof(int) && (x > INT_MAX || x < INT_MIN))) {
        v->u.i = (long)x;
        return true;
      }
      if (x == floor(x) && !in_range(k, x)) { /* (an int key's max is at most INT_MAX) */
        bad_int(L, s, k, x > k->max);
        return false;
      }
    }
    loader_bad_value(L, s, k);
    return false;
  }
  case SCHEMA_REAL: {
    v->type = VALUE_REAL;
    if (!loader_is_number(s)) {
      loader_bad_value(L, s, k);
      return false;
    }
    if (!check_int_source(L, s, k))
      return false;
    double x = loader_number_of(s);
    if (!isfinite(x) || !in_range(k, x)) {
      loader_bad_value(L, s, k);
      return false;
    }
    v->u.r = x;
    return true;
  }
  case SCHEMA_BOOL:
    v->type = VALUE_BOOL;
    if (t != CONFIG_TYPE_BOOL) {
      loader_bad_value(L, s, k);
      return false;
    }
    v->u.i = config_setting_get_bool(s) ? 1 : 0;
    return true;
  case SCHEMA_STRING:
  case SCHEMA_NAME:
    v->type = VALUE_STRING;
    if (t != CONFIG_TYPE_STRING || (k->type == SCHEMA_NAME && !is_name(config_setting_get_string(s)))) {
      loader_bad_value(L, s, k);
      return false;
    }
    v->u.s = loader_strdup(L, config_setting_get_string(s));
    return v->u.s != NULL;
  case SCHEMA_SEED: {
    v->type = VALUE_INT;
    uint64_t u;
    if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64) {
      if (!check_int_source(L, s, k))
        return false;
      long long ll = config_setting_get_int64(s);
      if (ll < 0) {
        loader_bad_value(L, s, k);
        return false;
      }
      if (ll == LLONG_MAX) { /* libconfig saturates larger numbers here */
        loader_error(L, s, "'%s' of 2^63 - 1 or more must be written as a string, e.g. "
                     "%s = \"18446744073709551615\" (libconfig cannot hold it as a number)",
                     k->path, k->path);
        return false;
      }
      u = (uint64_t)ll;
    } else if (t == CONFIG_TYPE_STRING) {
      const char *str = config_setting_get_string(s);
      char *e;
      errno = 0;
      u = strtoull(str, &e, 10);
      if (!isdigit((unsigned char)str[0]) || *e != '\0' || errno == ERANGE) {
        loader_bad_value(L, s, k);
        return false;
      }
    } else {
      loader_bad_value(L, s, k);
      return false;
    }
    v->u.i = (long)u; /* two's complement round trip, see loader_store */
    return true;
  }
  case SCHEMA_ENUM:
    v->type = VALUE_ENUM;
    if (t == CONFIG_TYPE_STRING) {
      const char *str = config_setting_get_string(s);
      size_t n = 0;
      for (; k->names[n]; n++)
        if (strcmp(k->names[n], str) == 0) {
          v->u.i = (long)n;
          return true;
        }
      char want[160], sug[96];
      describe(k, want, sizeof want);
      loader_suggestion(str, (const char *const *)k->names, n, sug, sizeof sug);
      loader_error(L, s, "'%s' must be %s, not \"%s\"%s", k->path, want, str, sug);
      return false;
    }
    loader_bad_value(L, s, k);
    return false;
  case SCHEMA_DIST:
    v->type = VALUE_DIST;
    return read_dist(L, s, k, &v->u.d);
  case SCHEMA_HOURS: {
    v->type = VALUE_HOURS;
    const config_setting_t *a, *b;
    if (loader_pair_of(s, &a, &b) && loader_is_number(a) && loader_is_number(b)) {
      double from = loader_number_of(a), to = loader_number_of(b);
      if (from >= 0 && from < to && to <= 24) {
        v->u.h.from = from;
        v->u.h.to = to;
        return true;
      }
    }
    loader_bad_value(L, s, k);
    return false;
  }
  case SCHEMA_WEEKDAYS: {
    v->type = VALUE_WEEKDAYS;
    if (loader_is_sequence(s)) {
      int n = config_setting_length(s);
      unsigned mask = 0;
      int i;
      for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int et = config_setting_type(e);
        if (et != CONFIG_TYPE_INT && et != CONFIG_TYPE_INT64)
          break;
        long long w = config_setting_get_int64(e);
        if (w < 0 || w > 6)
          break;
        mask |= 1u << w;
      }
      if (i == n) {
        v->u.mask = mask;
        return true;
      }
    }
    loader_bad_value(L, s, k);
    return false;
  }
  case SCHEMA_TASKS: {
    v->type = VALUE_WEEKDAYS; /* a mask, as weekdays are */
    if (loader_is_sequence(s)) {
      int n = config_setting_length(s);
      unsigned mask = 0;
      int i;
      for (i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        const char *name = config_setting_type(e) == CONFIG_TYPE_STRING ? config_setting_get_string(e) : NULL;
        int j = 0;
        while (name != NULL && schema_task_names[j] != NULL && strcmp(schema_task_names[j], name) != 0)
          j++;
        if (name == NULL || schema_task_names[j] == NULL)
          break;
        mask |= 1u << j;
      }
      if (i == n) {
        v->u.mask = mask;
        return true;
      }
    }
    loader_bad_value(L, s, k);
    return false;
  }
  case SCHEMA_NODE:
  case SCHEMA_ROE: {
    v->type = VALUE_REF;
    if (t != CONFIG_TYPE_STRING) {
      loader_bad_value(L, s, k);
      return false;
    }
    const char *str = config_setting_get_string(s);
    if (k->type == SCHEMA_ROE) {
      int i = scenario_roe_index(L->sc, str);
      if (i < 0) {
        loader_no_such(L, s, k->path, "ROE profile", str, REGION_ROE);
        return false;
      }
      v->u.i = i;
      return true;
    }
    int i = scenario_node_index(L->sc, str);
    if (i < 0) {
      loader_no_such(L, s, k->path, "node", str, REGION_NODE);
      return false;
    }
    if (k->kinds && !(k->kinds & (1u << L->sc->nodes[i].kind))) {
      char want[96];
      describe(k, want, sizeof want);
      loader_error(L, s, "'%s' must be %s, not %s '%s'", k->path, want, loader_kind_name(L->sc->nodes[i].kind), str);
      return false;
    }
    v->u.i = i;
    return true;
  }
  default:
    loader_error(L, s, "'%s' cannot be given as a single value", k->path);
    return false;
  }
}

void loader_store(void *base, const struct schema_key *k, const struct value *v)
{
  char *p = (char *)base + k->offset;

  switch (k->type) {
  case SCHEMA_INT:
    if (k->size == sizeof(int)) {
      int x = (int)v->u.i;
      memcpy(p, &x, sizeof x);
    } else {
      long x = v->u.i;
      memcpy(p, &x, sizeof x);
    }
    break;
  case SCHEMA_REAL:
    memcpy(p, &v->u.r, sizeof(double));
    break;
  case SCHEMA_BOOL: {
    bool b = v->u.i != 0;
    memcpy(p, &b, sizeof b);
    break;
  }
  case SCHEMA_STRING:
  case SCHEMA_NAME: {
    char **field = (char **)(void *)p; /* the field is a char * */
    free(*field);
    *field = v->u.s;
    break;
  }
  case SCHEMA_SEED: {
    uint64_t u = (uint64_t)v->u.i;
    memcpy(p, &u, sizeof u);
    break;
  }
  case SCHEMA_ENUM:
  case SCHEMA_NODE:
  case SCHEMA_ROE: {
    int x = (int)v->u.i;
    memcpy(p, &x, sizeof x);
    break;
  }
  case SCHEMA_DIST:
    memcpy(p, &v->u.d, sizeof(struct dist));
    break;
  case SCHEMA_HOURS:
    memcpy(p, &v->u.h, sizeof(struct hours));
    break;
  case SCHEMA_WEEKDAYS:
  case SCHEMA_TASKS:
    memcpy(p, &v->u.mask, sizeof(unsigned));
    break;
  default:
    break;
  }
}

void loader_fetch(const void *base, const struct schema_key *k, struct value *v)
{
  const char *p = (const char *)base + k->offset;

  memset(v, 0, sizeof *v);
  switch (k->type) {
  case SCHEMA_INT:
    v->type = VALUE_INT;
    if (k->size == sizeof(int)) {
      int x;
      memcpy(&x, p, sizeof x);
      v->u.i = x;
    } else {
      memcpy(&v->u.i, p, sizeof(long));
    }
    break;
  case SCHEMA_REAL:
    v->type = VALUE_REAL;
    memcpy(&v->u.r, p, sizeof(double));
    break;
  case SCHEMA_BOOL: {
    bool b;
    memcpy(&b, p, sizeof b);
    v->type = VALUE_BOOL;
    v->u.i = b;
    break;
  }
  case SCHEMA_STRING:
  case SCHEMA_NAME:
    v->type = VALUE_STRING;
    v->u.s = *(char *const *)(const void *)p; /* borrowed */
    break;
  case SCHEMA_SEED: {
    uint64_t u;
    memcpy(&u, p, sizeof u);
    v->type = VALUE_INT;
    v->u.i = (long)u;
    break;
  }
  case SCHEMA_ENUM:
  case SCHEMA_NODE:
  case SCHEMA_ROE: {
    int x;
    memcpy(&x, p, sizeof x);
    v->type = k->type == SCHEMA_ENUM ? VALUE_ENUM : VALUE_REF;
    v->u.i = x;
    break;
  }
  case SCHEMA_DIST:
    v->type = VALUE_DIST;
    memcpy(&v->u.d, p, sizeof(struct dist));
    break;
  case SCHEMA_HOURS:
    v->type = VALUE_HOURS;
    memcpy(&v->u.h, p, sizeof(struct hours));
    break;
  case SCHEMA_WEEKDAYS:
  case SCHEMA_TASKS:
    v->type = VALUE_WEEKDAYS;
    memcpy(&v->u.mask, p, sizeof(unsigned));
    break;
  default:
    break;
  }
}

config_setting_t *loader_parse_text(config_t *cfg, const char *text, char *why, size_t whylen)
{
  size_t n = strlen(text);
  char *buf = malloc(n + 16);

  if (buf == NULL) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  snprintf(buf, n + 16, "v = %s\n;", text);
  if (config_read_string(cfg, buf) && config_setting_length(config_root_setting(cfg)) == 1
      && config_lookup(cfg, "v") != NULL) {
    free(buf);
    return config_lookup(cfg, "v");
  }
  snprintf(why, whylen, "%s", config_error_text(cfg) ? config_error_text(cfg) : "not one value");
  bool word = n > 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)text[i]) && !strchr("_.+-", text[i]))
      word = false;
  if (word) {
    config_destroy(cfg);
    config_init(cfg);
    config_setting_t *s = config_setting_add(config_root_setting(cfg), "v", CONFIG_TYPE_STRING);
    if (s && config_setting_set_string(s, text)) {
      free(buf);
      return s;
    }
  }
  free(buf);
  return NULL;
}

void *loader_base(struct scenario *sc, int place, size_t index)
{
  switch (place) {
  case REGION_ROOT: return sc;
  case REGION_NODE: return &sc->nodes[index];
  case REGION_ROAD: return &sc->roads[index];
  case REGION_CONVOY: return &sc->convoys[index];
  case REGION_ROE: return &sc->roe[index];
  case REGION_CONTINGENT: return &sc->force.contingents[index];
  case REGION_FUNDING: return &sc->funding[index];
  default: return NULL;
  }
}


void scenario_change_release(struct timeline_change *c)
{
  free(c->key);
  if (c->value.type == VALUE_STRING)
    free(c->value.u.s);
  memset(c, 0, sizeof *c);
}


void scenario_derive(struct scenario *sc)
{
  sc->total_road_km = 0;
  for (size_t i = 0; i < sc->n_roads; i++)
    sc->total_road_km += sc->roads[i].km;
  sc->total_population = 0;
  sc->total_need_t_per_day = 0;
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].kind == NODE_DISTRIBUTION) {
      sc->total_population += sc->nodes[i].population;
      sc->total_need_t_per_day += sc->nodes[i].need_t_per_day;
    }
}


/* ------------------------------------------------------------ lookups */

int scenario_road_index(const struct scenario *sc, const char *id)
{
  for (size_t i = 0; i < sc->n_roads; i++)
    if (sc->roads[i].id && strcmp(sc->roads[i].id, id) == 0)
      return (int)i;
  return -1;
}

void scenario_apply_change(struct scenario *sc, const struct timeline_change *c)
{
  const struct schema_key *k = schema_find_offset((int)c->region, c->offset);
  void *base = loader_base(sc, (int)c->region, c->index);
  if (k == NULL || base == NULL)
    return;
  if (k->type == SCHEMA_STRING || k->type == SCHEMA_NAME) {
    struct value v = c->value;
    v.u.s = strdup(c->value.u.s ? c->value.u.s : "");
    if (v.u.s == NULL)
      return;
    loader_store(base, k, &v);
  } else {
    loader_store(base, k, &c->value);
  }
  const struct schema_group *g = schema_group_of(k);
  if (g != NULL) {
    bool yes = true;
    memcpy((char *)sc + g->present, &yes, sizeof yes);
  }
}

