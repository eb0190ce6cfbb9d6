/*
 * csv_read.h - a small RFC 4180 reader for the tests: reads a whole file
 * into rows of cells (quoted cells unquoted, "" as one quote; rows end with
 * CRLF or LF).  Header-only so each test that needs it includes it.
 */
#ifndef CONVOYSIM_TEST_CSV_READ_H
#define CONVOYSIM_TEST_CSV_READ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csv_table {
  char ***row;     /* row[i][j], owned */
  size_t *ncol;    /* cells of row i */
  size_t nrow;     /* rows, header included */
};

static inline char *csv_read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;

  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf != NULL) {
    buf[n] = '\0';
    if (len)
      *len = (size_t)n;
  }
  return buf;
}

/* Parse text; returns 0, or -1 on a malformed quote. */
static inline int csv_parse(const char *text, struct csv_table *t)
{
  const char *p = text;
  size_t cap_rows = 0;

  memset(t, 0, sizeof *t);
  while (*p) {
    size_t cap_cols = 8, n = 0;
    char **cells = malloc(cap_cols * sizeof *cells);
    for (;;) {
      size_t cap = 16, len = 0;
      char *cell = malloc(cap);
      if (*p == '"') {
        p++;
        for (;;) {
          if (*p == '\0') {
            free(cell);
            return -1;
          }
          if (*p == '"' && p[1] == '"') {
            p += 2;
            cell[len++] = '"';
          } else if (*p == '"') {
            p++;
            break;
          } else {
            cell[len++] = *p++;
          }
          if (len + 1 >= cap)
            cell = realloc(cell, cap *= 2);
        }
      } else {
        while (*p && *p != ',' && *p != '\r' && *p != '\n') {
          cell[len++] = *p++;
          if (len + 1 >= cap)
            cell = realloc(cell, cap *= 2);
        }
      }
      cell[len] = '\0';
      if (n == cap_cols)
        cells = realloc(cells, (cap_cols *= 2) * sizeof *cells);
      cells[n++] = cell;
      if (*p == ',') {
        p++;
        continue;
      }
      if (*p == '\r')
        p++;
      if (*p == '\n')
        p++;
      else if (*p != '\0')
        return -1;
      break;
    }
    if (t->nrow == cap_rows) {
      cap_rows = cap_rows ? 2 * cap_rows : 16;
      t->row = realloc(t->row, cap_rows * sizeof *t->row);
      t->ncol = realloc(t->ncol, cap_rows * sizeof *t->ncol);
    }
    t->row[t->nrow] = cells;
    t->ncol[t->nrow++] = n;
  }
  return 0;
}

static inline void csv_table_free(struct csv_table *t)
{
  for (size_t i = 0; i < t->nrow; i++) {
    for (size_t j = 0; j < t->ncol[i]; j++)
      free(t->row[i][j]);
    free(t->row[i]);
  }
  free(t->row);
  free(t->ncol);
  memset(t, 0, sizeof *t);
}

/* Column index of `name` in the header row, or -1. */
static inline long csv_column(const struct csv_table *t, const char *name)
{
  for (size_t j = 0; t->nrow > 0 && j < t->ncol[0]; j++)
    if (strcmp(t->row[0][j], name) == 0)
      return (long)j;
  return -1;
}

#endif
