/*
 * nolh_tables.h - private to src/mc: the designs of nolh.h as generated
 * into nolh_tables.c by tools/nolh_search.c.
 */
#ifndef CONVOYSIM_NOLH_TABLES_H
#define CONVOYSIM_NOLH_TABLES_H

#define NOLH_TABLES 4 /* designs: 17, 33, 65 and 129 runs, in that order */

/* The levels of each design, row-major: runs rows of nolh_columns(runs). */
extern const signed char *const nolh_tables[NOLH_TABLES];

#endif
