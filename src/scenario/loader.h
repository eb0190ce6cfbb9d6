/*
 * loader.h - private to src/scenario: the state of one scenario_load and
 * the functions its layers share.
 *
 * The layers, each calling only the ones below it:
 *
 *   load.c      entry points: read the file, parse, graft --set, read,
 *               validate, report (scenario_load, scenario_load_string)
 *   validate.c  the rules that tie keys together (scenario_validate)
 *   lists.c     walking the tree against the schema; lists, groups, the
 *               root keys, build-up, timeline, sweep (loader_read)
 *   override.c  KEY paths (SPEC 3.9): --set on the tree, changes of a
 *               loaded scenario (scenario_resolve, scenario_set)
 *   defaults.c  every key's default; scenario_init, scenario_release
 *   value.c     one value: read, check, store, fetch, describe, parse text;
 *               where a setting came from; lookups by id
 *
 * manifest.c (scenario_write) and reference.c (the key reference) read the
 * schema and the value layer too.
 *
 * The one rule: every value of a scenario, wherever it comes from (the
 * file, a --set, a timeline entry, a sweep value, a schema default), is read
 * by loader_read_value() and stored by loader_store(), so all get the same
 * checks.
 */
#ifndef CONVOYSIM_LOADER_H
#define CONVOYSIM_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "convoysim/diag.h"
#include "convoysim/scenario.h"
#include "convoysim/schema.h"

#if defined(__GNUC__)
#define LOADER_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LOADER_PRINTF(a, b)
#endif

/* Where a setting inserted by --set came from: its hook points here. */
struct loader_origin {
  char *label;      /* "--set KEY" */
  char *value;      /* the VALUE text as given */
};

struct loader {
  struct scenario *sc;         /* being filled */
  struct diag *d;              /* problems */
  const char *file;            /* label of the main text, for messages */
  const char *text;            /* the main text (32-bit checks), or NULL */
  struct loader_origin *origins; /* one per --set, freed after the config */
  size_t n_origins;            /* entries of origins */
  const config_setting_t **root; /* root keys given, by schema index */
  bool nomem;                  /* an allocation failed */
  bool *node_bad;              /* node i's kind could not be read */
  bool road_bad;               /* some road's ends could not be read */
  int *roe_seen;               /* per ROE profile: line of the file's element naming it, while reading them */
  struct value *defs;          /* parsed defaults by schema index (a cache) */
  unsigned char *def_state;    /* per schema index: 0 not parsed yet, 1 in defs, 2 none */
  size_t cap_defaults;         /* entries allocated in sc->defaults */
};

/* ------------------------------------------------------------ value.c */

/* calloc / strdup, noting L->nomem when they fail. */
void *loader_zalloc(struct loader *L, size_t n, size_t size);
char *loader_strdup(struct loader *L, const char *s);

/* File and line of setting s (an inserted one: "--set KEY", line 0). */
void loader_where(const struct loader *L, const config_setting_t *s, const char **file, int *line);

/* diag_add at setting s (s may be NULL: the file, no line). */
void loader_error(struct loader *L, const config_setting_t *s, const char *fmt, ...) LOADER_PRINTF(3, 4);
/* loader_error, the message ending ", not " and what s holds. */
void loader_error_not(struct loader *L, const config_setting_t *s, const char *fmt, ...) LOADER_PRINTF(3, 4);
/* "'KEY' must be <what k takes>, not <what s holds>". */
void loader_bad_value(struct loader *L, const config_setting_t *s, const struct schema_key *k);
/* "'key': no WHAT 'name'; did you mean ...?" among the nodes or ROE profiles. */
void loader_no_such(struct loader *L, const config_setting_t *s, const char *key, const char *what,
                    const char *name, int place);
/* "; did you mean 'x'?" for the candidate nearest word, or "". */
void loader_suggestion(const char *word, const char *const *cand, size_t n, char *buf, size_t len);

bool loader_is_number(const config_setting_t *s);
/* A list ( ... ) or an array [ ... ]. */
bool loader_is_sequence(const config_setting_t *s);
/* If s is a list or array of two, its elements go to *a and *b. */
bool loader_pair_of(const config_setting_t *s, const config_setting_t **a, const config_setting_t **b);
double loader_number_of(const config_setting_t *s);
/* "crossing", "depot", ... */
const char *loader_kind_name(enum node_kind k);

/* Read setting s as a value of scalar key k (every type up to SCHEMA_ROE).
 * References are resolved against L->sc.  false after reporting. */
bool loader_read_value(struct loader *L, const config_setting_t *s, const struct schema_key *k,
                       struct value *v);

/* Write v into the field of k in the struct at base. */
void loader_store(void *base, const struct schema_key *k, const struct value *v);
/* Read the field of k in the struct at base as a value. */
void loader_fetch(const void *base, const struct schema_key *k, struct value *v);

/* Parse "v = TEXT;" into cfg; a bare word [A-Za-z0-9_.+-]+ that is not a
 * libconfig value is read as a string.  Returns the setting, or NULL and
 * writes libconfig's complaint into why. */
config_setting_t *loader_parse_text(config_t *cfg, const char *text, char *why, size_t whylen);

/* Base address of element `index` of `place` in sc (the root: sc itself). */
void *loader_base(struct scenario *sc, int place, size_t index);

/* ------------------------------------------------------------ defaults.c */

/* The defaults of every key of place into the element at base (parsed
 * once per load, L->defs). */
void loader_element_defaults(struct loader *L, int place, void *base);

/* ------------------------------------------------------------ override.c */

/* Resolve a struct-level path (SPEC 3.9) against L->sc: the key, the place
 * and the element index.  false after reporting at s (or under `label`). */
bool loader_resolve_path(struct loader *L, const config_setting_t *s, const char *path,
                         const struct schema_key **k, size_t *index);

/* Apply the --set overrides to the parsed tree. */
void loader_apply_sets(struct loader *L, config_t *cfg, const char *const *sets, size_t n);

/* ------------------------------------------------------------ lists.c */

/* Read the whole parsed tree into L->sc. */
void loader_read(struct loader *L, config_t *cfg);

/* ------------------------------------------------------------ validate.c */

/* The rules that tie keys together, with lines; then each timeline day. */
void loader_validate(struct loader *L);

#endif
