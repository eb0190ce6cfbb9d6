/*
 * test_csv.c - RFC 4180 cells, shortest round-trip reals, and atomic files
 * that never leave a partial file behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "convoysim/csv.h"
#include "convoysim/stream.h"
#include "csv_read.h"

static char dir[64];

static void fresh_dir(void)
{
  strcpy(dir, "/tmp/test_csv.XXXXXX");
  assert_non_null(mkdtemp(dir));
}

/* Entries of dir, "." and ".." aside. */
static int entries(const char *d)
{
  DIR *dp = opendir(d);
  struct dirent *e;
  int n = 0;

  assert_non_null(dp);
  while ((e = readdir(dp)) != NULL)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(dp);
  return n;
}

static void remove_dir(void)
{
  DIR *dp = opendir(dir);
  struct dirent *e;
  char p[400];

  while (dp && (e = readdir(dp)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
      unlink(p);
    }
  if (dp)
    closedir(dp);
  rmdir(dir);
}

static void cells_are_quoted_as_rfc4180_says(void **state)
{
  struct csv_file c;
  char path[128];
  char *text;
  (void)state;

  fresh_dir();
  snprintf(path, sizeof path, "%s/a.csv", dir);
  assert_int_equal(csv_open(&c, path), ERR_OK);
  csv_str(&c, "plain");
  csv_str(&c, "a,b");
  csv_str(&c, "say \"hi\"");
  csv_str(&c, "two\nlines");
  csv_str(&c, NULL);
  csv_real(&c, NAN);
  csv_real(&c, 0.1);
  csv_int(&c, -42);
  csv_uint(&c, UINT64_MAX);
  csv_bool(&c, true);
  csv_end_row(&c);
  csv_real(&c, 1.0 / 3.0);
  csv_real(&c, -0.0);
  csv_real(&c, 1e300);
  csv_real(&c, INFINITY);
  csv_end_row(&c);
  assert_int_equal(csv_commit(&c), ERR_OK);
  text = csv_read_file(path, NULL);
  assert_non_null(text);
  assert_string_equal(text,
                      "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,,0.1,-42,"
                      "18446744073709551615,1\r\n"
                      "0.3333333333333333,-0,1e+300,inf\r\n");
  /* and the reader of the tests agrees */
  struct csv_table t;
  assert_int_equal(csv_parse(text, &t), 0);
  assert_int_equal(t.nrow, 2);
  assert_int_equal(t.ncol[0], 10);
  assert_string_equal(t.row[0][2], "say \"hi\"");
  assert_string_equal(t.row[0][3], "two\nlines");
  csv_table_free(&t);
  free(text);
  remove_dir();
}

static void reals_read_back_exactly_in_shortest_form(void **state)
{
  gsl_rng *r = stream_new();
  char buf[CSV_REAL_MAX];
  (void)state;

  assert_non_null(r);
  stream_seek(r, 7, 0, 0);
  for (int i = 0; i < 200000; i++) {
    uint64_t w = stream_next_u64(r);
    double x;
    if (i % 2 == 0) {
      memcpy(&x, &w, sizeof x); /* any bit pattern */
      if (isnan(x) || isinf(x))
        continue;
    } else {
      x = (double)(w >> 11) * 0x1p-53 * pow(10.0, (double)(i % 40) - 20.0);
    }
    csv_format_real(buf, x);
    assert_true(strtod(buf, NULL) == x);
    assert_null(strchr(buf, ','));
    /* shortest: the first of %.15g, %.16g, %.17g that reads back */
    for (int prec = 15; prec <= 17; prec++) {
      char form[400];
      snprintf(form, sizeof form, "%.*g", prec, x);
      if (strtod(form, NULL) == x) {
        assert_string_equal(buf, form);
        break;
      }
    }
  }
  assert_string_equal(csv_format_real(buf, 0.1), "0.1");
  assert_string_equal(csv_format_real(buf, 1e-5), "1e-05");
  assert_string_equal(csv_format_real(buf, 0.1 + 0.2), "0.30000000000000004");
  assert_string_equal(csv_format_real(buf, 2.5), "2.5");
  assert_string_equal(csv_format_real(buf, 123456789.0), "123456789");
  assert_string_equal(csv_format_real(buf, NAN), "");
  stream_free(r);
}

static void file_appears_only_when_committed_and_readable_by_all(void **state)
{
  struct csv_file c;
  struct stat st;
  char path[128];
  (void)state;

  fresh_dir();
  snprintf(path, sizeof path, "%s/b.csv", dir);
  assert_int_equal(csv_open(&c, path), ERR_OK);
  csv_str(&c, "x");
  csv_end_row(&c);
  assert_int_not_equal(access(path, F_OK), 0);
  assert_int_equal(entries(dir), 1); /* the temporary file only */
  assert_int_equal(stat(c.tmp, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0644);
  assert_int_equal(csv_commit(&c), ERR_OK);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0644);
  assert_int_equal(st.st_size, 3);
  assert_int_equal(entries(dir), 1);
  remove_dir();
}

static void failed_write_leaves_old_file_and_no_temporary(void **state)
{
  struct csv_file c;
  char path[128];
  char *text;
  FILE *f;
  int full;
  (void)state;

  fresh_dir();
  snprintf(path, sizeof path, "%s/c.csv", dir);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("old\r\n", f);
  fclose(f);

  assert_int_equal(csv_open(&c, path), ERR_OK);
  /* the disk fills up under the file */
  full = open("/dev/full", O_WRONLY);
  assert_true(full >= 0);
  assert_true(dup2(full, fileno(csv_stream(&c))) >= 0);
  close(full);
  for (int i = 0; i < 100000; i++)
    csv_real(&c, (double)i / 7.0);
  csv_end_row(&c);
  assert_true(csv_failed(&c));
  assert_int_equal(csv_commit(&c), ERR_IO);
  assert_int_not_equal(c.err_no, 0);
  text = csv_read_file(path, NULL);
  assert_string_equal(text, "old\r\n");
  free(text);
  assert_int_equal(entries(dir), 1);
  remove_dir();
}

static void one_failure_renames_none_of_a_set(void **state)
{
  struct csv_file a, b;
  struct csv_file *both[2] = { &a, &b };
  char pa[128], pb[128];
  int full;
  (void)state;

  fresh_dir();
  snprintf(pa, sizeof pa, "%s/a.csv", dir);
  snprintf(pb, sizeof pb, "%s/b.csv", dir);
  assert_int_equal(csv_open(&a, pa), ERR_OK);
  assert_int_equal(csv_open(&b, pb), ERR_OK);
  csv_str(&a, "fine");
  csv_end_row(&a);
  full = open("/dev/full", O_WRONLY);
  assert_true(dup2(full, fileno(csv_stream(&b))) >= 0);
  close(full);
  csv_str(&b, "lost"); /* buffered: fails at the flush */
  csv_end_row(&b);
  assert_int_equal(csv_commit_all(both, 2), ERR_IO);
  assert_int_equal(entries(dir), 0);
  remove_dir();
}

static void uncreatable_paths_fail_cleanly(void **state)
{
  struct csv_file c;
  char path[128];
  FILE *f;
  (void)state;

  fresh_dir();
  snprintf(path, sizeof path, "%s/missing/x.csv", dir);
  assert_int_equal(csv_open(&c, path), ERR_CANTCREAT);
  assert_int_equal(c.err_no, ENOENT);
  assert_null(c.f);
  /* a folder that is a file (permissions would not stop root) */
  snprintf(path, sizeof path, "%s/file", dir);
  f = fopen(path, "w");
  fclose(f);
  snprintf(path, sizeof path, "%s/file/x.csv", dir);
  assert_int_equal(csv_open(&c, path), ERR_CANTCREAT);
  assert_int_equal(c.err_no, ENOTDIR);
  assert_int_equal(entries(dir), 1);
  remove_dir();
}

static void abort_removes_the_temporary_file(void **state)
{
  struct csv_file c;
  char path[128];
  (void)state;

  fresh_dir();
  snprintf(path, sizeof path, "%s/d.csv", dir);
  assert_int_equal(csv_open(&c, path), ERR_OK);
  csv_str(&c, "x");
  csv_abort(&c);
  assert_int_equal(entries(dir), 0);
  csv_abort(&c); /* twice is harmless */
  remove_dir();
}

static void rows_in_memory_write_the_same_bytes(void **state)
{
  struct csv_file c;
  struct csv_row r = { 0 };
  char path[128];
  char *text;
  size_t len;
  (void)state;

  fresh_dir();
  snprintf(path, sizeof path, "%s/e.csv", dir);
  assert_int_equal(csv_open(&c, path), ERR_OK);
  for (int i = 0; i < 300; i++) { /* past the first 1 kB of the buffer */
    csv_str(&c, "a \"q\", b");
    csv_row_str(&r, "a \"q\", b");
    csv_str(&c, NULL);
    csv_row_str(&r, NULL);
    csv_real(&c, i / 3.0);
    csv_row_real(&r, i / 3.0);
    csv_real(&c, NAN);
    csv_row_real(&r, NAN);
    csv_int(&c, -i);
    csv_row_int(&r, -i);
    csv_uint(&c, (uint64_t)i << 40);
    csv_row_uint(&r, (uint64_t)i << 40);
    csv_bool(&c, i % 2);
    csv_row_bool(&r, i % 2);
    csv_end_row(&c);
    csv_row_end(&r);
  }
  assert_false(r.nomem);
  assert_int_equal(csv_commit(&c), ERR_OK);
  text = csv_read_file(path, &len);
  assert_int_equal(len, r.len);
  assert_memory_equal(text, r.p, len);
  free(text);
  /* cleared, the buffer is reused; csv_put appends it */
  csv_row_clear(&r);
  assert_int_equal(r.len, 0);
  csv_row_str(&r, "x");
  csv_row_end(&r);
  assert_int_equal(csv_open(&c, path), ERR_OK);
  csv_put(&c, &r);
  csv_put(&c, &r);
  assert_int_equal(csv_commit(&c), ERR_OK);
  text = csv_read_file(path, NULL);
  assert_string_equal(text, "x\r\nx\r\n");
  free(text);
  csv_row_release(&r);
  remove_dir();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(cells_are_quoted_as_rfc4180_says),
    cmocka_unit_test(reals_read_back_exactly_in_shortest_form),
    cmocka_unit_test(file_appears_only_when_committed_and_readable_by_all),
    cmocka_unit_test(failed_write_leaves_old_file_and_no_temporary),
    cmocka_unit_test(one_failure_renames_none_of_a_set),
    cmocka_unit_test(uncreatable_paths_fail_cleanly),
    cmocka_unit_test(abort_removes_the_temporary_file),
    cmocka_unit_test(rows_in_memory_write_the_same_bytes),
  };

  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
