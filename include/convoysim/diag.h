/*
 * diag.h - a list of problems found in input, each "file:line: message".
 *
 * Loaders record every problem they find and carry on, so a user sees all
 * of them at once (as a compiler does); the caller prints them and picks
 * the exit code.  Messages follow git's style: lower case, no full stop,
 * the subject in quotes: "nodes.ks.lanes: 'lanes' must be an integer >= 1, not 0".
 * line <= 0 means "no line": the message is then "file: message".
 * Owns its strings; the list is capped (DIAG_MAX) so hostile input cannot
 * exhaust memory: past the cap one final "too many errors" entry is kept.
 */
#ifndef CONVOYSIM_DIAG_H
#define CONVOYSIM_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "convoysim/error.h"

#define DIAG_MAX 200

struct diag {
  char **msg;     /* msg[0..n-1], each "file:line: text", owned */
  int *line;      /* line[i]: the line of msg[i], 0 for none */
  size_t *flen;   /* flen[i]: length of the file part of msg[i] (0: none) */
  size_t n;       /* messages recorded */
  size_t cap;     /* allocated slots of msg */
  size_t dropped; /* messages past DIAG_MAX that were not kept */
  int nomem;      /* nonzero when a message could not be stored */
};

void diag_init(struct diag *d);
void diag_release(struct diag *d);

/* Record "file:line: <fmt...>" (or "file: ..." when line <= 0, or just the
 * message when file is NULL).  Never fails from the caller's view: running
 * out of memory sets d->nomem. */
void diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  ;

size_t diag_count(const struct diag *d);

/* Put the messages in reading order: files in the order they first appear,
 * then by line (messages without a line first); otherwise as recorded. */
void diag_sort(struct diag *d);

/* Print each message on its own line, then "and N more" if any were dropped. */
void diag_print(const struct diag *d, FILE *f);

#endif
