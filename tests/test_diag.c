/* test_diag.c - the problem list: messages formatted as file:line: text,
 * capped at DIAG_MAX, and put in reading order by diag_sort. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "convoysim/diag.h"

static void test_format(void **state)
{
  struct diag d;
  (void)state;
  diag_init(&d);
  diag_add(&d, "a.cfg", 3, "'%s' must be %d", "lanes", 1);
  diag_add(&d, "a.cfg", 0, "cannot read");
  diag_add(&d, NULL, 7, "bare");
  assert_int_equal(diag_count(&d), 3);
  assert_string_equal(d.msg[0], "a.cfg:3: 'lanes' must be 1");
  assert_string_equal(d.msg[1], "a.cfg: cannot read");
  assert_string_equal(d.msg[2], "bare");
  diag_release(&d);
}

static void test_cap(void **state)
{
  struct diag d;
  (void)state;
  diag_init(&d);
  for (int i = 0; i < DIAG_MAX + 5; i++)
    diag_add(&d, "f", i + 1, "m%d", i);
  assert_int_equal(d.n, DIAG_MAX);
  assert_int_equal(d.dropped, 5);
  assert_int_equal(diag_count(&d), DIAG_MAX + 5);
  diag_release(&d);
}

static void test_sort_reading_order(void **state)
{
  struct diag d;
  (void)state;
  diag_init(&d);
  diag_add(&d, "main.cfg", 9, "nine");
  diag_add(&d, "inc.cfg", 2, "inc two");
  diag_add(&d, "main.cfg", 2, "two");
  diag_add(&d, "main.cfg", 9, "nine again");
  diag_add(&d, "--set a.b", 0, "override");
  diag_add(&d, "main.cfg", 0, "no line");
  diag_add(&d, "inc.cfg", 1, "inc one");
  diag_sort(&d);
  /* files in order of first appearance, lines ascending, ties as recorded */
  const char *want[] = {
    "main.cfg: no line", "main.cfg:2: two", "main.cfg:9: nine", "main.cfg:9: nine again",
    "inc.cfg:1: inc one", "inc.cfg:2: inc two", "--set a.b: override",
  };
  assert_int_equal(d.n, 7);
  for (size_t i = 0; i < d.n; i++)
    assert_string_equal(d.msg[i], want[i]);
  diag_release(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_format),
    cmocka_unit_test(test_cap),
    cmocka_unit_test(test_sort_reading_order),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
