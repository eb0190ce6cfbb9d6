/*
 * test_progress.c - the progress line: its text, and silence when stderr
 * is not a terminal or -q was given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "convoysim/progress.h"

static void line_shows_done_total_rate_and_eta(void **state)
{
  char buf[160];
  (void)state;

  progress_format(buf, sizeof buf, "replications", 250, 1000, 5.0);
  assert_string_equal(buf, "250/1000 replications (25%), 50/s, ETA 15 s");
  progress_format(buf, sizeof buf, "replications", 100, 10000, 10.0);
  assert_string_equal(buf, "100/10000 replications (1%), 10/s, ETA 16 min 30 s");
  progress_format(buf, sizeof buf, "replications", 10, 100000, 10.0);
  assert_string_equal(buf, "10/100000 replications (0%), 1/s, ETA 27 h 46 min");
  progress_format(buf, sizeof buf, "replications", 1000, 1000, 4.0);
  assert_string_equal(buf, "1000/1000 replications (100%), 250/s, took 4 s");
  progress_format(buf, sizeof buf, "replications", 0, 1000, 0.0);
  assert_string_equal(buf, "0/1000 replications (0%), 0/s, ETA ?");
}

static void silent_when_quiet_or_not_a_terminal(void **state)
{
  struct progress p;
  (void)state;

  progress_init(&p, "replications", true);
  assert_null(p.f);
  progress_init(&p, "replications", false);
  if (isatty(STDERR_FILENO))
    assert_ptr_equal(p.f, stderr);
  else
    assert_null(p.f);
  /* with stderr a file, nothing at all is written */
  FILE *saved = fdopen(dup(STDERR_FILENO), "w");
  char path[] = "/tmp/test_progress.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_true(dup2(fd, STDERR_FILENO) >= 0);
  progress_init(&p, "replications", false);
  progress_update(&p, 10, 20);
  progress_update(&p, 20, 20);
  progress_end(&p);
  fflush(stderr);
  dup2(fileno(saved), STDERR_FILENO);
  fclose(saved);
  assert_int_equal(lseek(fd, 0, SEEK_END), 0);
  close(fd);
  unlink(path);
}

static void no_color_means_no_escape_sequences(void **state)
{
  (void)state;
  struct progress p;

  setenv("NO_COLOR", "1", 1);
  progress_init(&p, "replications", true);
  assert_true(p.plain);
  setenv("NO_COLOR", "", 1); /* empty: as if unset (no-color.org) */
  progress_init(&p, "replications", true);
  assert_false(p.plain);
  unsetenv("NO_COLOR");
  progress_init(&p, "replications", true);
  assert_false(p.plain);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(line_shows_done_total_rate_and_eta),
    cmocka_unit_test(silent_when_quiet_or_not_a_terminal),
    cmocka_unit_test(no_color_means_no_escape_sequences),
  };

  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
