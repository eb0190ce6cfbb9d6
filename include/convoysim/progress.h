/*
 * progress.h - a one-line progress display on stderr: done/total, rate, ETA.
 *
 * The one rule: it shows only when stderr is a terminal and -q was not
 * given, so redirected output (and every CSV) never holds it.  With NO_COLOR
 * set (https://no-color.org) it uses no escape sequence at all: the line is
 * cleared with spaces instead of "erase line".  Updates are rate-limited to
 * a few per second.
 */
#ifndef CONVOYSIM_PROGRESS_H
#define CONVOYSIM_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct progress {
  FILE *f;            /* stderr, or NULL when silent */
  bool plain;         /* NO_COLOR: no escape sequences */
  double start;       /* monotonic seconds at progress_init */
  double last;        /* monotonic seconds of the last line drawn */
  const char *what;   /* "replications" */
  int width;          /* characters of the last line drawn */
};

/* Show on stderr when it is a terminal and quiet is false. */
void progress_init(struct progress *p, const char *what, bool quiet);
/* done of total; draws at most every 0.2 s, and always the final one. */
void progress_update(struct progress *p, long done, long total);
/* Erase the line (so the headline starts on a clean one). */
void progress_end(struct progress *p);
/* Monotonic clock, seconds. */
double progress_now(void);
/* The line progress_update would draw, without writing it (for tests). */
void progress_format(char *buf, size_t size, const char *what, long done, long total,
                     double elapsed_s);

#endif
