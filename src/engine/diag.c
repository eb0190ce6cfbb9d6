/* diag.c - the problem list of diag.h: append-only, capped, owns its text. */
#include "convoysim/diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convoysim/grow.h"

void diag_init(struct diag *d)
{
  memset(d, 0, sizeof *d);
}

void diag_release(struct diag *d)
{
  for (size_t i = 0; i < d->n; i++)
    free(d->msg[i]);
  free(d->msg);
  free(d->line);
  free(d->flen);
  memset(d, 0, sizeof *d);
}

void diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
{
  char head[1024];
  size_t flen = 0;
  char body[2048];
  va_list ap;

  if (d->n >= DIAG_MAX) {
    d->dropped++;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  if (file == NULL)
    head[0] = '\0';
  else if (line > 0)
    snprintf(head, sizeof head, "%s:%d: ", file, line);
  else
    snprintf(head, sizeof head, "%s: ", file);
  if (file != NULL)
    flen = strnlen(file, sizeof head - 3);

  if (d->n == d->cap) { /* three arrays of one length: each grows alike */
    size_t cm = d->cap, cl = d->cap, cf = d->cap;
    if (GROW(&d->msg, &cm, d->n + 1, 8, SIZE_MAX / 16) != ERR_OK ||
        GROW(&d->line, &cl, d->n + 1, 8, SIZE_MAX / 16) != ERR_OK ||
        GROW(&d->flen, &cf, d->n + 1, 8, SIZE_MAX / 16) != ERR_OK) {
      d->nomem = 1;
      return;
    }
    d->cap = cm;
  }
  size_t len = strlen(head) + strlen(body) + 1;
  char *s = malloc(len);
  if (s == NULL) {
    d->nomem = 1;
    return;
  }
  snprintf(s, len, "%s%s", head, body);
  d->line[d->n] = file != NULL && line > 0 ? line : 0;
  d->flen[d->n] = flen;
  d->msg[d->n++] = s;
}

size_t diag_count(const struct diag *d)
{
  return d->n + d->dropped;
}

/* Rank of message i's file: the index of the first message of that file. */
static size_t file_rank(const struct diag *d, size_t i)
{
  for (size_t j = 0; j < i; j++)
    if (d->flen[j] == d->flen[i] && memcmp(d->msg[j], d->msg[i], d->flen[i]) == 0)
      return j;
  return i;
}

void diag_sort(struct diag *d)
{
  size_t rank[DIAG_MAX];

  for (size_t i = 0; i < d->n; i++)
    rank[i] = file_rank(d, i);
  /* insertion sort: stable, and n <= DIAG_MAX */
  for (size_t i = 1; i < d->n; i++) {
    char *m = d->msg[i];
    int l = d->line[i];
    size_t fl = d->flen[i], r = rank[i], j = i;
    while (j > 0 && (rank[j - 1] > r || (rank[j - 1] == r && d->line[j - 1] > l))) {
      d->msg[j] = d->msg[j - 1];
      d->line[j] = d->line[j - 1];
      d->flen[j] = d->flen[j - 1];
      rank[j] = rank[j - 1];
      j--;
    }
    d->msg[j] = m;
    d->line[j] = l;
    d->flen[j] = fl;
    rank[j] = r;
  }
}

void diag_print(const struct diag *d, FILE *f)
{
  for (size_t i = 0; i < d->n; i++)
    fprintf(f, "%s\n", d->msg[i]);
  if (d->dropped)
    fprintf(f, "and %zu more problems\n", d->dropped);
  if (d->nomem)
    fprintf(f, "(some messages were lost: out of memory)\n");
}
