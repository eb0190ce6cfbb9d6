/* diag.c - the problem list of diag.h: append-only, capped, owns its text. */
#include "convoysim/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d)
{
  memset(d, 0, sizeof *d);
}

void diag_release(struct diag *d)
{
  for (size_t i = 0; i < d->n; i++)
    free(d->msg[i]);
  free(d->msg);
  memset(d, 0, sizeof *d);
}

void diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
{
  char head[1024];
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

  if (d->n == d->cap) {
    size_t cap = d->cap ? 2 * d->cap : 8;
    char **m = realloc(d->msg, cap * sizeof *m);
    if (m == NULL) {
      d->nomem = 1;
      return;
    }
    d->msg = m;
    d->cap = cap;
  }
  size_t len = strlen(head) + strlen(body) + 1;
  char *s = malloc(len);
  if (s == NULL) {
    d->nomem = 1;
    return;
  }
  snprintf(s, len, "%s%s", head, body);
  d->msg[d->n++] = s;
}

size_t diag_count(const struct diag *d)
{
  return d->n + d->dropped;
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
