/*
 * csvin.h - reading CSV back: design files (--design-file) and the files
 * of an earlier run that a resumed run keeps.
 *
 * A struct csv_reader reads one RFC 4180 record at a time from a file:
 * cells separated by commas, a cell in double quotes may hold commas,
 * quotes (doubled) and line breaks, records end with CRLF or LF (a final
 * record without a line end is read too).  It keeps the record's bytes as
 * they were (raw), so a kept row can be copied into a new file unchanged,
 * and the line where the record starts, for messages.  The one rule: memory
 * is bounded: a record longer than CSV_RECORD_MAX bytes is an error, never
 * a larger buffer.
 */
#ifndef CONVOYSIM_CSVIN_H
#define CONVOYSIM_CSVIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "convoysim/error.h"

#define CSV_RECORD_MAX (1u << 20) /* bytes of one record */

struct csv_reader {
  FILE *f;            /* the file, NULL when closed */
  long line;          /* line (1-based) where the current record starts */
  long next_line;     /* line where the next record starts */
  char *raw;          /* the record's bytes, line end included, NUL-terminated */
  size_t raw_len, raw_cap;
  char **cell;        /* cell[0 .. n_cell - 1]: unquoted, NUL-terminated */
  size_t n_cell, cap_cell;
  char *buf;          /* storage of the cells */
  size_t buf_cap;
  char why[160];      /* what is wrong, after csv_reader_next returned -1 */
};

/* Open path for reading: ERR_OK, ERR_NOINPUT (errno says why). */
enum err csv_reader_open(struct csv_reader *r, const char *path);

/* The next record: 1 when one was read, 0 at the end of the file, -1 when
 * it is malformed (an unclosed quote, text after a closing quote, longer
 * than CSV_RECORD_MAX), unreadable or memory ran out (why says which). */
int csv_reader_next(struct csv_reader *r);

/* Close the file and free everything; accepts a zeroed or closed r. */
void csv_reader_close(struct csv_reader *r);

#endif
