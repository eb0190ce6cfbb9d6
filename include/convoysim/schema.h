/*
 * schema.h - the one table of every scenario key (SPEC section 3).
 *
 * Each row names a key by its path inside its place (the file's root, or
 * one element of a list: "lanes" in a node, "force.share.escort" at the
 * root), gives its type, unit, range, default and one-line meaning, and
 * where its value lands (offsetof within struct scenario or within the list
 * element's struct).  The loader, --set, the timeline, the sweep keys, the
 * run.cfg manifest, `convoysim check` and the reference documentation all
 * walk this table: there is no second list.  The one rule: a key that is
 * not in schema_keys[] does not exist.
 */
#ifndef CONVOYSIM_SCHEMA_H
#define CONVOYSIM_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "convoysim/scenario.h"

/* Places beyond enum region (scenario.h): keys of a timeline entry, of one
 * factor of sweep.vary, and of a distribution group.  A place is an int
 * that holds either an enum region or one of these. */
#define SCHEMA_PLACE_TIMELINE 100
#define SCHEMA_PLACE_VARY 101

enum schema_type {
  SCHEMA_INT,      /* integer (int or long field, see size) */
  SCHEMA_REAL,     /* number; an integer is accepted */
  SCHEMA_BOOL,     /* true / false */
  SCHEMA_STRING,   /* free text */
  SCHEMA_NAME,     /* string matching [A-Za-z0-9_-]+ (ids, names) */
  SCHEMA_SEED,     /* unsigned 64-bit integer (write it with L above 32 bits) */
  SCHEMA_ENUM,     /* one of `names`; stored as the index */
  SCHEMA_DIST,     /* number or distribution group (dist.h), `dflags` */
  SCHEMA_HOURS,    /* [from, to], 0 <= from < to <= 24 */
  SCHEMA_WEEKDAYS, /* array of weekdays 0..6 */
  SCHEMA_TASKS,    /* array of task names (schema_task_names), stored as a mask */
  SCHEMA_NODE,     /* a node id, stored as its index (`kinds` narrows) */
  SCHEMA_ROE,      /* an ROE profile name, stored as its index */
  SCHEMA_NODES,    /* array of node ids (route, QRF bases) */
  SCHEMA_LIST,     /* list of groups; each element's keys have place `elem` */
  SCHEMA_BUILDUP,  /* list of [day, troops] pairs */
  SCHEMA_CHANGES,  /* list of ("KEY", value) pairs (a timeline entry's set) */
  SCHEMA_VALUES    /* array or list of values of the factor's key */
};

/* Node kinds a key applies to (bit = 1 << enum node_kind; 0 = every kind). */
#define SCHEMA_CROSSING (1u << NODE_CROSSING)
#define SCHEMA_DEPOT (1u << NODE_DEPOT)
#define SCHEMA_DISTRIBUTION (1u << NODE_DISTRIBUTION)
#define SCHEMA_JUNCTION (1u << NODE_JUNCTION)

/* Flags. */
#define SCHEMA_REQUIRED 0x01u  /* no default: must be given */
#define SCHEMA_MIN_OPEN 0x02u  /* the minimum is excluded (> min) */
#define SCHEMA_OPTIONAL 0x04u  /* absent is a state of its own (unlimited,
                                  none, derived), described by def_text */
#define SCHEMA_FIXED 0x08u     /* identity, list, seed or replications: a
                                  timeline may not change it, nor a sweep */
#define SCHEMA_NO_TIMELINE 0x10u /* read only at time 0: a timeline may not
                                    change it (a sweep may) */
#define SCHEMA_UNLIMITED 0x20u /* absent = SCENARIO_UNLIMITED; "none" or
                                  "unlimited" may be written */
#define SCHEMA_RUN 0x40u       /* a run setting (SPEC 3.1): a timeline may not
                                  change it; a sweep may */

struct schema_key {
  int place;              /* enum region, or SCHEMA_PLACE_* */
  const char *path;       /* dotted path inside its place */
  enum schema_type type;
  const char *unit;       /* "h", "km", "km/h", "t", "USD", "" */
  double min, max;        /* inclusive range of numbers (see flags) */
  unsigned flags;         /* SCHEMA_* flags above */
  unsigned kinds;         /* node kinds it applies to; 0 = all */
  unsigned dflags;        /* DIST_* flags of a SCHEMA_DIST */
  const char *def;        /* default in libconfig syntax, NULL if none */
  const char *def_text;   /* default for people when def is NULL ("unlimited") */
  const char *meaning;    /* one line */
  const char *const *names; /* SCHEMA_ENUM: NULL-terminated value names */
  int elem;               /* SCHEMA_LIST: place of its elements */
  size_t offset;          /* byte offset of the field in its place's struct */
  size_t size;            /* sizeof the field */
};

/* A group that switches a mechanism on by being present (SPEC 3). */
struct schema_group {
  const char *path;       /* "force", "threats.escalation" (root place) */
  size_t present;         /* offsetof(struct scenario, X.present); 0 = none */
  const char *meaning;    /* one line, for the reference */
};

/* A built-in ROE profile (SPEC 3.11); fields as in struct roe_profile. */
struct schema_roe {
  const char *name;
  int level;
  double engage_armed, engage_crowd, p_defeat, deter_armed, deter_crowd,
      patrol_deter, escalation_p, harm_armed, harm_crowd, force_harm;
};
extern const struct schema_roe schema_builtin_roe[];
extern const size_t schema_n_builtin_roe;

extern const struct schema_key schema_keys[];
extern const size_t schema_n_keys;
extern const struct schema_group schema_groups[];
extern const size_t schema_n_groups;

/* The key at `path` of `place`, or NULL. */
const struct schema_key *schema_find(int place, const char *path);
/* The key of `place` whose field lies at `offset`, or NULL. */
const struct schema_key *schema_find_offset(int place, size_t offset);
/* The group at `path` (root place), or NULL. */
const struct schema_group *schema_find_group(const char *path);
/* The switchable group a root key belongs to, or NULL. */
const struct schema_group *schema_group_of(const struct schema_key *k);

/* "node", "road", "convoy", "ROE profile", "contingent", ... */
const char *schema_place_name(int place);
/* The list key holding elements of place ("nodes", "force.contingents"). */
const char *schema_place_list(int place);
/* The key naming an element: "id" or "name" (NULL for the root). */
const char *schema_place_id(int place);
/* The id (or name) of element i of place in sc; NULL when it has none or
 * place is not a list. */
const char *schema_element_id(const struct scenario *sc, int place, size_t i);

/* Levenshtein distance between a and b (for did-you-mean). */
size_t schema_distance(const char *a, const char *b);
/* The candidate nearest `word`, or NULL when none is close enough. */
const char *schema_suggest(const char *word, const char *const *cand, size_t n);

/* The reference documentation of every key, generated from the table:
 * plain text (for `convoysim help scenario`) or Markdown (for
 * docs/scenario-reference.md). */
void schema_print_reference(FILE *f, bool markdown);

/* Write a real so that strtod gives it back bit for bit, with the fewest
 * digits, always with a '.' or an exponent (libconfig then reads a float). */
void schema_format_real(double v, char *buf, size_t len);

/* The names of enum task, in order: "escort", ..., "train", NULL. */
extern const char *const schema_task_names[];

#endif
