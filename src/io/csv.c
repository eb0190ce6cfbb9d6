/*
 * csv.c - RFC 4180 CSV cells and atomic files (csv.h).
 *
 * The one rule: the final path only ever holds a complete file.  Data goes
 * to "PATH.tmp.XXXXXX" in the same folder (so rename is atomic), which is
 * fsync'ed before the rename and removed on any failure.
 */
#include "convoysim/csv.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convoysim/grow.h"

/* Free what c owns; err_no is kept so the caller can say why. */
static void release(struct csv_file *c)
{
  int e = c->err_no;

  free(c->path);
  free(c->tmp);
  memset(c, 0, sizeof *c);
  c->err_no = e;
}

static void note_errno(struct csv_file *c)
{
  if (c->err_no == 0)
    c->err_no = errno ? errno : EIO;
}

static const char tmp_suffix[] = ".tmp.XXXXXX"; /* mkstemp replaces the Xs */

bool csv_is_tmp_name(const char *name, const char *base)
{
  const size_t nb = strlen(base), ns = sizeof tmp_suffix - 1;
  if (strlen(name) != nb + ns || strncmp(name, base, nb) != 0)
    return false;
  for (size_t k = 0; k < ns; k++) {
    char c = name[nb + k], want = tmp_suffix[k];
    bool ok = want == 'X' ? (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                          : c == want;
    if (!ok)
      return false;
  }
  return true;
}

enum err csv_open(struct csv_file *c, const char *path)
{
  size_t len = strlen(path);
  int fd;

  memset(c, 0, sizeof *c);
  c->path = malloc(len + 1);
  c->tmp = malloc(len + sizeof tmp_suffix);
  if (c->path == NULL || c->tmp == NULL) {
    release(c);
    return ERR_NOMEM;
  }
  memcpy(c->path, path, len + 1);
  memcpy(c->tmp, path, len);
  memcpy(c->tmp + len, tmp_suffix, sizeof tmp_suffix);
  fd = mkstemp(c->tmp);
  if (fd < 0) {
    int e = errno;
    release(c);
    c->err_no = e;
    return ERR_CANTCREAT;
  }
  /* mkstemp makes 0600; results are for everyone to read */
  if (fchmod(fd, 0644) != 0 || (c->f = fdopen(fd, "w")) == NULL) {
    int e = errno;
    close(fd);
    unlink(c->tmp);
    release(c);
    c->err_no = e;
    return ERR_CANTCREAT;
  }
  return ERR_OK;
}

FILE *csv_stream(struct csv_file *c)
{
  return c->f;
}

bool csv_needs_quotes(const char *s)
{
  return strpbrk(s, ",\"\r\n") != NULL;
}

static void put(struct csv_file *c, const char *s, size_t n)
{
  if (c->f == NULL)
    return;
  if (n > 0 && fwrite(s, 1, n, c->f) != n)
    note_errno(c);
}

static void row_put(struct csv_row *r, const char *s, size_t n)
{
  if (n == 0)
    return;
  if (r->len + n > r->cap && grow((void **)&r->p, &r->cap, r->len + n, 1, 1024, SIZE_MAX / 2) != ERR_OK) {
    r->nomem = true;
    return;
  }
  memcpy(r->p + r->len, s, n);
  r->len += n;
}

/* Where cells go: a file (put) or a row in memory (row_put).  The cell
 * formatting below is written once for both. */
struct sink {
  struct csv_file *c; /* the file, or NULL for a row */
  struct csv_row *r;  /* the row, or NULL for a file */
  size_t *col;        /* cells in the current row (count) */
};

static struct sink file_sink(struct csv_file *c)
{
  return (struct sink){ .c = c, .r = NULL, .col = &c->col };
}

static struct sink row_sink(struct csv_row *r)
{
  return (struct sink){ .c = NULL, .r = r, .col = &r->col };
}

static void sink_put(struct sink k, const char *s, size_t n)
{
  if (k.c != NULL)
    put(k.c, s, n);
  else
    row_put(k.r, s, n);
}

/* A cell's text, after the separator; written verbatim. */
static void cell_text(struct sink k, const char *s, size_t n)
{
  if ((*k.col)++ > 0)
    sink_put(k, ",", 1);
  sink_put(k, s, n);
}

static void cell_str(struct sink k, const char *s)
{
  if (s == NULL || !csv_needs_quotes(s)) {
    cell_text(k, s ? s : "", s ? strlen(s) : 0);
    return;
  }
  cell_text(k, "\"", 1);
  for (const char *p = s; *p; p++) {
    const char *q = strchr(p, '"');
    size_t n = q ? (size_t)(q - p) + 1 : strlen(p);
    sink_put(k, p, n);
    if (q == NULL)
      break;
    sink_put(k, "\"", 1); /* the quote just written, doubled */
    p = q;
  }
  sink_put(k, "\"", 1);
}

static void cell_real(struct sink k, double x)
{
  char buf[CSV_REAL_MAX];

  csv_format_real(buf, x);
  cell_text(k, buf, strlen(buf));
}

static void cell_int(struct sink k, long long x)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%lld", x);

  cell_text(k, buf, (size_t)n);
}

static void cell_uint(struct sink k, uint64_t x)
{
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, x);

  cell_text(k, buf, (size_t)n);
}

static void end_row(struct sink k)
{
  sink_put(k, "\r\n", 2);
  *k.col = 0;
}

char *csv_format_real(char buf[CSV_REAL_MAX], double x)
{
  if (isnan(x)) {
    buf[0] = '\0';
  } else if (isinf(x)) {
    strcpy(buf, x > 0 ? "inf" : "-inf");
  } else {
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(buf, CSV_REAL_MAX, "%.*g", prec, x);
      if (strtod(buf, NULL) == x)
        break;
    }
  }
  return buf;
}

void csv_str(struct csv_file *c, const char *s)
{
  cell_str(file_sink(c), s);
}

void csv_real(struct csv_file *c, double x)
{
  cell_real(file_sink(c), x);
}

void csv_int(struct csv_file *c, long long x)
{
  cell_int(file_sink(c), x);
}

void csv_uint(struct csv_file *c, uint64_t x)
{
  cell_uint(file_sink(c), x);
}

void csv_bool(struct csv_file *c, bool x)
{
  csv_str(c, x ? "1" : "0"); /* R, awk and pandas read 0/1 as numbers */
}

void csv_end_row(struct csv_file *c)
{
  end_row(file_sink(c));
}

bool csv_failed(const struct csv_file *c)
{
  return c->err_no != 0 || (c->f != NULL && ferror(c->f));
}

/* Flush, sync and close; false (and errno noted) on any failure. */
static bool finish(struct csv_file *c)
{
  bool ok = !csv_failed(c);

  if (c->f == NULL)
    return false;
  if (ok && fflush(c->f) != 0) {
    note_errno(c);
    ok = false;
  }
  if (ok && fsync(fileno(c->f)) != 0) {
    note_errno(c);
    ok = false;
  }
  if (fclose(c->f) != 0 && ok) {
    note_errno(c);
    ok = false;
  }
  c->f = NULL;
  return ok;
}

void csv_abort(struct csv_file *c)
{
  if (c->f != NULL)
    fclose(c->f);
  c->f = NULL;
  if (c->tmp != NULL)
    unlink(c->tmp);
  release(c);
}

enum err csv_commit_all(struct csv_file *const *c, size_t n)
{
  bool ok = true;

  for (size_t i = 0; i < n; i++)
    ok &= finish(c[i]);
  for (size_t i = 0; i < n; i++) {
    if (ok && rename(c[i]->tmp, c[i]->path) != 0) {
      note_errno(c[i]);
      ok = false;
    }
    if (!ok || c[i]->err_no != 0)
      unlink(c[i]->tmp); /* removes what was not renamed; harmless otherwise */
    else {
      free(c[i]->tmp);
      c[i]->tmp = NULL;
    }
  }
  for (size_t i = 0; i < n; i++)
    release(c[i]);
  return ok ? ERR_OK : ERR_IO;
}

enum err csv_commit(struct csv_file *c)
{
  struct csv_file *one[1] = { c };

  return csv_commit_all(one, 1);
}

/* ------------------------------------------------------ rows in memory */

void csv_row_clear(struct csv_row *r)
{
  r->len = 0;
  r->col = 0;
  r->nomem = false;
}

void csv_row_release(struct csv_row *r)
{
  free(r->p);
  memset(r, 0, sizeof *r);
}

void csv_row_str(struct csv_row *r, const char *s)
{
  cell_str(row_sink(r), s);
}

void csv_row_real(struct csv_row *r, double x)
{
  cell_real(row_sink(r), x);
}

void csv_row_int(struct csv_row *r, long long x)
{
  cell_int(row_sink(r), x);
}

void csv_row_uint(struct csv_row *r, uint64_t x)
{
  cell_uint(row_sink(r), x);
}

void csv_row_bool(struct csv_row *r, bool x)
{
  csv_row_str(r, x ? "1" : "0");
}

void csv_row_end(struct csv_row *r)
{
  end_row(row_sink(r));
}

void csv_put(struct csv_file *c, const struct csv_row *r)
{
  put(c, r->p, r->len);
}
