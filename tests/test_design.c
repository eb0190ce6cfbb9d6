/*
 * test_design.c - the points of a sweep (design.h): --vary specs and their
 * errors, the grid's size and order, Latin hypercube strata, the nearly
 * orthogonal Latin hypercube's correlation bound and scaling, and design
 * files with their errors, line by line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "convoysim/design.h"
#include "convoysim/nolh.h"

static struct design_factor parse(const char *arg)
{
  struct design_factor f;
  char why[256];
  enum err e = design_factor_parse(arg, &f, why, sizeof why);
  if (e != ERR_OK)
    fprintf(stderr, "%s\n", why);
  assert_int_equal(e, ERR_OK);
  return f;
}

static void parse_fails(const char *arg, const char *message)
{
  struct design_factor f;
  char why[256];
  assert_int_equal(design_factor_parse(arg, &f, why, sizeof why), ERR_USAGE);
  if (strcmp(why, message) != 0)
    fprintf(stderr, "got '%s'\nwant '%s'\n", why, message);
  assert_string_equal(why, message);
}

static void vary_specs(void **state)
{
  (void)state;
  struct design_factor f = parse("force.roe=self_defence, robust");
  assert_string_equal(f.key, "force.roe");
  assert_int_equal((int)f.n_values, 2);
  assert_string_equal(f.values[1], "robust");
  assert_false(f.range);
  design_factor_release(&f);
  f = parse("force.troops=0:20000:2500");
  assert_true(f.range);
  assert_true(f.lo == 0 && f.hi == 20000 && f.step == 2500);
  design_factor_release(&f);
  f = parse("threats.crowd.loss={ dist = \"uniform\"; min = 0.1; max = 0.3; },0.5");
  assert_int_equal((int)f.n_values, 2);
  assert_string_equal(f.values[0], "{ dist = \"uniform\"; min = 0.1; max = 0.3; }");
  design_factor_release(&f);
  parse_fails("force.troops", "--vary needs KEY=SPEC (a,b,c or lo:hi:step or lo:hi), not 'force.troops'");
  parse_fails("force.troops=5:1", "--vary force.troops: '5:1' must be lo:hi with lo <= hi, or lo:hi:step with step > 0");
  parse_fails("force.troops=0:10:0", "--vary force.troops: '0:10:0' must be lo:hi with lo <= hi, or lo:hi:step with step > 0");
  parse_fails("force.troops=0:x", "--vary force.troops: 'x' is not a number (in '0:x')");
  parse_fails("force.roe=a,,b", "--vary force.roe: an empty value in 'a,,b'");
}

static void build(struct design *d, const char *const *args, size_t n, enum sweep_design kind, long points)
{
  struct design_factor *f = calloc(n, sizeof *f);
  char why[256];
  assert_non_null(f);
  for (size_t j = 0; j < n; j++)
    f[j] = parse(args[j]);
  enum err e = design_build(d, f, n, kind, points, 42, why, sizeof why);
  if (e != ERR_OK)
    fprintf(stderr, "%s\n", why);
  assert_int_equal(e, ERR_OK);
}

/* Full factorial, in the order the factors are given, the last fastest;
 * hi is a level when it falls on the step. */
static void grid_order(void **state)
{
  (void)state;
  static const char *const args[] = { "a=1,2", "b=0:1:0.5", "c=x,y" };
  struct design d;
  build(&d, args, 3, DESIGN_GRID, 0);
  assert_int_equal((int)d.n_points, 12);
  static const char *const want[12][3] = {
    { "1", "0.0", "x" }, { "1", "0.0", "y" }, { "1", "0.5", "x" }, { "1", "0.5", "y" },
    { "1", "1.0", "x" }, { "1", "1.0", "y" }, { "2", "0.0", "x" }, { "2", "0.0", "y" },
    { "2", "0.5", "x" }, { "2", "0.5", "y" }, { "2", "1.0", "x" }, { "2", "1.0", "y" },
  };
  for (size_t i = 0; i < 12; i++)
    for (size_t j = 0; j < 3; j++)
      assert_string_equal(d.cell[i * 3 + j], want[i][j]);
  design_release(&d);
  /* a step that misses hi stops below it */
  static const char *const g2[] = { "a=0:10:3" };
  build(&d, g2, 1, DESIGN_GRID, 0);
  assert_int_equal((int)d.n_points, 4);
  assert_string_equal(d.cell[3], "9.0");
  design_release(&d);
  /* a range has no levels for a grid */
  struct design_factor *f = calloc(1, sizeof *f);
  char why[256];
  *f = parse("a=0:10");
  assert_int_equal(design_build(&d, f, 1, DESIGN_GRID, 0, 1, why, sizeof why), ERR_USAGE);
  assert_string_equal(why, "'a' is a range (lo:hi): a grid needs a list or a step (lo:hi:step); a range needs "
                           "--design lhs or nolh");
  design_release(&d);
}

/* One point per stratum per factor, inside [lo, hi]; integer keys round;
 * the same seed gives the same points, another seed others. */
static void lhs_strata(void **state)
{
  (void)state;
  static const char *const args[] = { "a=0:1", "b=10:30", "c=p,q,r,s" };
  struct design d, e;
  build(&d, args, 3, DESIGN_LHS, 40);
  assert_int_equal((int)d.n_points, 40);
  for (size_t j = 0; j < 2; j++) {
    int seen[40] = { 0 };
    double lo = j == 0 ? 0 : 10, hi = j == 0 ? 1 : 30;
    for (size_t i = 0; i < 40; i++) {
      double v = strtod(d.cell[i * 3 + j], NULL);
      assert_true(v >= lo && v <= hi);
      int s = (int)floor((v - lo) / (hi - lo) * 40);
      assert_true(s >= 0 && s < 40);
      seen[s]++;
    }
    for (int s = 0; s < 40; s++)
      assert_int_equal(seen[s], 1);
  }
  int count[4] = { 0 };
  for (size_t i = 0; i < 40; i++)
    count[d.cell[i * 3 + 2][0] - 'p']++;
  for (int k = 0; k < 4; k++)
    assert_int_equal(count[k], 10); /* 40 strata over 4 values: 10 each */
  struct design_factor *f = calloc(3, sizeof *f);
  char why[256];
  for (size_t j = 0; j < 3; j++)
    f[j] = parse(args[j]);
  assert_int_equal(design_build(&e, f, 3, DESIGN_LHS, 40, 42, why, sizeof why), ERR_OK);
  for (size_t i = 0; i < 120; i++)
    assert_string_equal(d.cell[i], e.cell[i]);
  design_release(&e);
  f = calloc(3, sizeof *f);
  for (size_t j = 0; j < 3; j++)
    f[j] = parse(args[j]);
  assert_int_equal(design_build(&e, f, 3, DESIGN_LHS, 40, 43, why, sizeof why), ERR_OK);
  assert_true(strcmp(d.cell[0], e.cell[0]) != 0 || strcmp(d.cell[3], e.cell[3]) != 0);
  design_release(&e);
  design_release(&d);
  /* default size: 10 x factors */
  build(&d, args, 3, DESIGN_LHS, 0);
  assert_int_equal((int)d.n_points, 30);
  design_release(&d);
}

/* NOLH: the smallest design with a column per factor, scaled onto each
 * range with both ends reached, its largest correlation at most 0.03. */
static void nolh_scaled(void **state)
{
  (void)state;
  static const char *const names = "abcdefghijklmnopqrstuvw";
  static const size_t sizes[] = { 3, 7, 8, 11, 12, 16, 17, 22 };
  static const size_t runs[] = { 17, 17, 33, 33, 65, 65, 129, 129 };
  for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
    char arg[22][32];
    const char *args[22];
    struct design d;
    for (size_t j = 0; j < sizes[t]; j++) {
      snprintf(arg[j], sizeof arg[j], "%c=%zu:%zu", names[j], 10 * j, 10 * j + 5);
      args[j] = arg[j];
    }
    build(&d, args, sizes[t], DESIGN_NOLH, 0);
    assert_int_equal((int)d.n_points, (int)runs[t]);
    printf("  %zu factors: %zu points, largest |correlation| %.4f\n", sizes[t], d.n_points, d.max_corr);
    assert_true(d.max_corr <= 0.03);
    for (size_t j = 0; j < sizes[t]; j++) {
      double lo = INFINITY, hi = -INFINITY;
      for (size_t i = 0; i < d.n_points; i++) {
        double v = strtod(d.cell[i * sizes[t] + j], NULL);
        lo = fmin(lo, v);
        hi = fmax(hi, v);
      }
      assert_true(lo == 10.0 * (double)j && hi == 10.0 * (double)j + 5);
    }
    design_release(&d);
  }
  /* --points must be a size with enough columns */
  static const char *const eight[] = { "a=0:1", "b=0:1", "c=0:1", "d=0:1", "e=0:1", "f=0:1", "g=0:1", "h=0:1" };
  struct design_factor *f = calloc(8, sizeof *f);
  struct design d;
  char why[256];
  for (size_t j = 0; j < 8; j++)
    f[j] = parse(eight[j]);
  assert_int_equal(design_build(&d, f, 8, DESIGN_NOLH, 17, 1, why, sizeof why), ERR_USAGE);
  assert_string_equal(why, "nolh has no 17-point design for 8 factors: give 17 (up to 7), 33 (11), 65 (16) or "
                           "129 (22), or leave points out");
  design_release(&d);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void file_errors(const char *text, const char *const *want, size_t n_want)
{
  char path[] = "/tmp/test_design.XXXXXX";
  int fd = mkstemp(path);
  struct design d;
  struct diag dg;
  char buf[4096];
  assert_true(fd >= 0);
  close(fd);
  write_file(path, text);
  diag_init(&dg);
  assert_int_equal(design_read_file(&d, path, &dg), ERR_SCENARIO);
  assert_int_equal((int)dg.n, (int)n_want);
  for (size_t i = 0; i < n_want; i++) {
    snprintf(buf, sizeof buf, "%s:%s", path, want[i]);
    if (strcmp(dg.msg[i], buf) != 0)
      fprintf(stderr, "got  %s\nwant %s\n", dg.msg[i], buf);
    assert_string_equal(dg.msg[i], buf);
  }
  diag_release(&dg);
  design_release(&d);
  unlink(path);
}

/* A design file: KEY header, one point per row, quoted cells, CRLF or LF;
 * every problem with its line. */
static void design_files(void **state)
{
  (void)state;
  char path[] = "/tmp/test_design.XXXXXX";
  int fd = mkstemp(path);
  struct design d;
  struct diag dg;
  assert_true(fd >= 0);
  close(fd);
  write_file(path, "force.troops,force.roe,threats.crowd.loss\r\n"
                   "100,robust,0.5\r\n"
                   "\r\n"
                   "200,\"self_defence\",\"{ dist = \"\"uniform\"\"; min = 0.1; max = 0.3; }\"\n");
  diag_init(&dg);
  assert_int_equal(design_read_file(&d, path, &dg), ERR_OK);
  assert_int_equal((int)d.n_f, 3);
  assert_int_equal((int)d.n_points, 2);
  assert_string_equal(d.f[1].key, "force.roe");
  assert_string_equal(d.cell[4], "self_defence");
  assert_string_equal(d.cell[5], "{ dist = \"uniform\"; min = 0.1; max = 0.3; }");
  assert_int_equal((int)d.line[1], 4);
  diag_release(&dg);
  design_release(&d);
  unlink(path);

  static const char *const e1[] = { "3: 1 cells, but the header names 2 keys",
                                    "4: the cell of 'b' is empty" };
  file_errors("a,b\n1,2\n3\n4,\n", e1, 2);
  static const char *const e2[] = { "1: 'a' is a column twice (columns 1 and 2)" };
  file_errors("a,a\n1,2\n", e2, 1);
  static const char *const e3[] = { " the design file is empty: it needs a header row of KEY names" };
  file_errors("", e3, 1);
  static const char *const e4[] = { " the design file has a header but no design points" };
  file_errors("a,b\n", e4, 1);
  static const char *const e5[] = { "2: a quoted cell is not closed" };
  file_errors("a\n\"1\n", e5, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(vary_specs),
    cmocka_unit_test(grid_order),
    cmocka_unit_test(lhs_strata),
    cmocka_unit_test(nolh_scaled),
    cmocka_unit_test(design_files),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
