/*
 * loader.h - private to src/scenario: the state of one scenario_load and
 * the functions that load.c, override.c and manifest.c share.
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
  size_t n_origins;
  const config_setting_t **root;   /* root keys given, by schema index */
  bool nomem;                  /* an allocation failed */
  bool *node_bad;              /* node i's kind could not be read */
  struct value *defs;          /* parsed defaults by schema index (a cache) */
  unsigned char *def_state;    /* 0 not parsed yet, 1 in defs, 2 none */
  bool road_bad;               /* some road's ends could not be read */
};

/* File and line of setting s (an inserted one: "--set KEY", line 0). */
void loader_where(const struct loader *L, const config_setting_t *s, const char **file, int *line);

/* diag_add at setting s (s may be NULL: the file, no line). */
void loader_error(struct loader *L, const config_setting_t *s, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

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

/* Resolve a struct-level path (SPEC 3.9) against L->sc: the key, the place
 * and the element index.  false after reporting at s (or under `label`). */
bool loader_resolve_path(struct loader *L, const config_setting_t *s, const char *path,
                         const struct schema_key **k, size_t *index);

/* Apply the --set overrides to the parsed tree (override.c). */
void loader_apply_sets(struct loader *L, config_t *cfg, const char *const *sets, size_t n);

/* Recompute the derived totals of sc (road km, population, need). */
void loader_derive(struct scenario *sc);

/* Base address of element `index` of `place` in sc (the root: sc itself). */
void *loader_base(struct scenario *sc, int place, size_t index);

#endif
