/* csvin.c - one CSV record at a time, bounded (csvin.h). */
#include "convoysim/csvin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"

enum err csv_reader_open(struct csv_reader *r, const char *path)
{
  memset(r, 0, sizeof *r);
  r->f = fopen(path, "rb");
  if (r->f == NULL)
    return ERR_NOINPUT;
  r->next_line = 1;
  return ERR_OK;
}

void csv_reader_close(struct csv_reader *r)
{
  if (r->f != NULL)
    fclose(r->f);
  free(r->raw);
  free(r->cell);
  free(r->buf);
  memset(r, 0, sizeof *r);
}

static int fail(struct csv_reader *r, const char *why)
{
  snprintf(r->why, sizeof r->why, "%s", why);
  return -1;
}

/* Read the raw bytes of one record (quotes balanced at its line end). */
static int read_raw(struct csv_reader *r)
{
  bool quoted = false;
  int c;
  r->raw_len = 0;
  r->line = r->next_line;
  while ((c = getc(r->f)) != EOF) {
    if (r->raw_len + 2 > CSV_RECORD_MAX)
      return fail(r, "a record longer than 1 MiB");
    if (GROW(&r->raw, &r->raw_cap, r->raw_len + 2, 256, CSV_RECORD_MAX) != ERR_OK)
      return fail(r, "out of memory");
    r->raw[r->raw_len++] = (char)c;
    if (c == '"')
      quoted = !quoted;
    else if (c == '\n') {
      r->next_line++;
      if (!quoted)
        break;
    }
  }
  if (ferror(r->f))
    return fail(r, strerror(errno ? errno : EIO));
  if (r->raw_len == 0)
    return 0;
  if (GROW(&r->raw, &r->raw_cap, r->raw_len + 1, 256, CSV_RECORD_MAX) != ERR_OK)
    return fail(r, "out of memory");
  r->raw[r->raw_len] = '\0';
  if (quoted)
    return fail(r, "a quoted cell is not closed");
  return 1;
}

int csv_reader_next(struct csv_reader *r)
{
  int got = read_raw(r);
  size_t len, o = 0, start;
  if (got <= 0)
    return got;
  len = r->raw_len;
  if (len > 0 && r->raw[len - 1] == '\n')
    len--;
  if (len > 0 && r->raw[len - 1] == '\r')
    len--;
  if (GROW(&r->buf, &r->buf_cap, len + 1, 256, CSV_RECORD_MAX + 1) != ERR_OK)
    return fail(r, "out of memory");
  r->n_cell = 0;
  for (size_t i = 0;;) {
    if (GROW(&r->cell, &r->cap_cell, r->n_cell + 1, 16, CSV_RECORD_MAX) != ERR_OK)
      return fail(r, "out of memory");
    start = o;
    if (i < len && r->raw[i] == '"') {
      for (i++;; i++) {
        if (i >= len)
          return fail(r, "a quoted cell is not closed");
        if (r->raw[i] == '"') {
          if (i + 1 < len && r->raw[i + 1] == '"') {
            r->buf[o++] = '"';
            i++;
          } else {
            i++;
            break;
          }
        } else {
          r->buf[o++] = r->raw[i];
        }
      }
      if (i < len && r->raw[i] != ',')
        return fail(r, "text after a closing quote");
    } else {
      while (i < len && r->raw[i] != ',')
        r->buf[o++] = r->raw[i++];
    }
    r->buf[o++] = '\0';
    r->cell[r->n_cell++] = r->buf + start;
    if (i >= len)
      break;
    i++; /* the comma */
  }
  return 1;
}
