/*
 * csv.h - RFC 4180 CSV output written atomically.
 *
 * A struct csv_file writes to a temporary file made with mkstemp in the
 * folder of its final path (mode 0644, as a plain file would get), and only
 * csv_commit() makes it appear under its real name: flush, fsync, close,
 * rename.  Any failure before that removes the temporary file, so a reader
 * never sees a partial or corrupt file: the one rule of this module.
 *
 * Cells: strings are quoted when they hold a comma, a quote, CR or LF
 * (quotes doubled); reals are written in the shortest of %.15g, %.16g and
 * %.17g that reads back (strtod) as the same double, with '.' as decimal
 * point (the C locale; nothing in convoysim calls setlocale); NaN is an
 * empty cell; no thousands separators.  Rows end with CRLF as RFC 4180
 * says.  Write errors are sticky: csv_failed() tells, csv_commit() reports
 * ERR_IO and removes the temporary file.
 *
 * The same machinery serves non-CSV outputs (run.cfg) through csv_stream().
 */
#ifndef CONVOYSIM_CSV_H
#define CONVOYSIM_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "convoysim/error.h"

#define CSV_REAL_MAX 32 /* bytes csv_format_real needs, NUL included */

struct csv_file {
  FILE *f;          /* the temporary file, NULL when closed */
  char *path;       /* final path, owned */
  char *tmp;        /* temporary path, owned; NULL once renamed or removed */
  size_t col;       /* cells written in the current row */
  int err_no;       /* first errno of a failed write, 0 if none */
};

/* Create the temporary file for `path` (its folder must exist).  Returns
 * ERR_OK, ERR_CANTCREAT (errno kept in c->err_no) or ERR_NOMEM; on failure
 * nothing is left to release or remove. */
enum err csv_open(struct csv_file *c, const char *path);

/* True when `name` (a file name, no folder) is one csv_open gives the
 * temporary file of a file named `base`: "BASE.tmp." and mkstemp's six
 * letters or digits. */
bool csv_is_tmp_name(const char *name, const char *base);

/* The stdio stream of an open file, for free-form text (run.cfg). */
FILE *csv_stream(struct csv_file *c);

/* One cell each.  csv_str(c, NULL) is an empty cell. */
void csv_str(struct csv_file *c, const char *s);
void csv_real(struct csv_file *c, double x);
void csv_int(struct csv_file *c, long long x);
void csv_uint(struct csv_file *c, uint64_t x);
void csv_bool(struct csv_file *c, bool x); /* 1 / 0 */
/* End the row (CRLF). */
void csv_end_row(struct csv_file *c);

/* A write has failed (stdio error flag or an earlier failure). */
bool csv_failed(const struct csv_file *c);

/* Flush, fsync, close, and rename onto the final path.  ERR_OK, or ERR_IO
 * with the temporary file removed.  Either way c is released (c->err_no
 * keeps the errno of the failure). */
enum err csv_commit(struct csv_file *c);

/* Close and remove the temporary file (the final path is untouched);
 * release c.  Accepts a closed or zeroed c. */
void csv_abort(struct csv_file *c);

/* Commit several files: all are flushed, synced and closed first, and
 * renamed only if every one of them succeeded; otherwise every temporary
 * file is removed.  ERR_OK or ERR_IO.  Every c is released. */
enum err csv_commit_all(struct csv_file *const *c, size_t n);

/* Rows formatted in memory, to be written later with csv_put: lets the
 * runner format rows in parallel and write them in order.  Zero-initialise
 * (or csv_row_clear) before use; the buffer grows as needed and is reused. */
struct csv_row {
  char *p;          /* the text, not NUL-terminated; owned */
  size_t len;       /* bytes used */
  size_t cap;       /* bytes allocated */
  size_t col;       /* cells in the current row */
  bool nomem;       /* a cell could not be stored: the text is incomplete */
};
void csv_row_clear(struct csv_row *r);   /* empty, keeping the buffer */
void csv_row_release(struct csv_row *r); /* free the buffer */
void csv_row_str(struct csv_row *r, const char *s);
void csv_row_real(struct csv_row *r, double x);
void csv_row_int(struct csv_row *r, long long x);
void csv_row_uint(struct csv_row *r, uint64_t x);
void csv_row_bool(struct csv_row *r, bool x);
void csv_row_end(struct csv_row *r);
/* Append the rows of r to c. */
void csv_put(struct csv_file *c, const struct csv_row *r);

/* x in the shortest form that reads back as the same double ("" for NaN,
 * "inf", "-inf"); buf holds CSV_REAL_MAX bytes.  Returns buf. */
char *csv_format_real(char buf[CSV_REAL_MAX], double x);

/* Would s need quoting in a CSV cell? */
bool csv_needs_quotes(const char *s);

#endif
