/*
 * test_calendar.c - the future event list: order, ties, cancellation, cap,
 * reuse and steady-state allocation, checked against a plain reference
 * (an unsorted array searched for its (time, seq) minimum).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "convoysim/calendar.h"

/* ---------------------------------------------------------- reference */

struct ref_event {
  struct event ev;  /* as pushed (seq = push number) */
  uint64_t handle;  /* what calendar_push gave */
  bool alive;       /* still pending in the reference */
};

struct ref {
  struct ref_event *e; /* every event ever pushed, in push order */
  size_t n;            /* pushed */
  size_t alive;        /* pending */
};

/* Index of the pending event that must leave first, or n if none. */
static size_t ref_first(const struct ref *r)
{
  size_t best = r->n;
  for (size_t i = 0; i < r->n; i++) {
    if (!r->e[i].alive)
      continue;
    if (best == r->n || r->e[i].ev.time < r->e[best].ev.time ||
        (r->e[i].ev.time == r->e[best].ev.time && r->e[i].ev.seq < r->e[best].ev.seq))
      best = i;
  }
  return best;
}

static gsl_rng *new_rng(unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(r);
  gsl_rng_set(r, seed);
  return r;
}

/* ---------------------------------------------------------------- tests */

static void events_leave_in_time_order(void **state)
{
  struct calendar cal;
  struct event ev;
  gsl_rng *r = new_rng(1);
  double last = -1.0;
  (void)state;

  calendar_init(&cal, 100000);
  for (int i = 0; i < 5000; i++)
    assert_int_equal(calendar_push(&cal, 1000.0 * gsl_rng_uniform(r), i, -i, (uint32_t)i, NULL), ERR_OK);
  assert_int_equal(calendar_size(&cal), 5000);
  for (int i = 0; i < 5000; i++) {
    double peek = calendar_peek_time(&cal);
    assert_true(calendar_pop(&cal, &ev));
    assert_true(ev.time == peek);
    assert_true(ev.time >= last);
    assert_true(calendar_now(&cal) == ev.time);
    assert_int_equal(ev.entity, -ev.kind);     /* payload travels with its key */
    assert_int_equal(ev.aux, (uint32_t)ev.kind);
    last = ev.time;
  }
  assert_false(calendar_pop(&cal, &ev));
  assert_true(isinf(calendar_peek_time(&cal)));
  calendar_release(&cal);
  gsl_rng_free(r);
}

static void equal_times_leave_in_scheduling_order(void **state)
{
  struct calendar cal;
  struct event ev;
  gsl_rng *r = new_rng(2);
  enum { N = 3000 };
  int kinds[N];
  int last_kind[4] = { -1, -1, -1, -1 };
  int pos_of_kind[N];
  double last_time = -1.0;
  int last_pos = -1;
  (void)state;

  /* Kinds are a shuffled permutation, so scheduling order is not the kind
   * order: only seq can explain the order they leave in. */
  for (int i = 0; i < N; i++)
    kinds[i] = i;
  gsl_ran_shuffle(r, kinds, N, sizeof kinds[0]);
  for (int i = 0; i < N; i++)
    pos_of_kind[kinds[i]] = i;
  calendar_init(&cal, N);
  for (int i = 0; i < N; i++) {
    double t = (double)gsl_rng_uniform_int(r, 4); /* only 4 distinct times */
    assert_int_equal(calendar_push(&cal, t, kinds[i], 0, 0, NULL), ERR_OK);
  }
  for (int i = 0; i < N; i++) {
    assert_true(calendar_pop(&cal, &ev));
    if (ev.time == last_time)
      assert_true(pos_of_kind[ev.kind] > last_pos); /* pushed later */
    else
      assert_true(ev.time > last_time);
    assert_int_equal(ev.seq, (uint64_t)pos_of_kind[ev.kind]);
    last_time = ev.time;
    last_pos = pos_of_kind[ev.kind];
    last_kind[(int)ev.time] = ev.kind;
  }
  for (int t = 0; t < 4; t++)
    assert_true(last_kind[t] >= 0); /* every time value occurred */
  calendar_release(&cal);
  gsl_rng_free(r);
}

static void random_operations_match_a_reference(void **state)
{
  struct calendar cal;
  struct ref ref = { 0 };
  struct event ev;
  gsl_rng *r = new_rng(3);
  enum { OPS = 20000 };
  size_t cancels_true = 0, cancels_false = 0;
  (void)state;

  ref.e = calloc(OPS, sizeof *ref.e);
  assert_non_null(ref.e);
  calendar_init(&cal, OPS);
  for (int op = 0; op < OPS; op++) {
    double u = gsl_rng_uniform(r);
    /* Bias towards pushes early on, towards pops later, so the calendar
     * grows to hundreds of events and shrinks again. */
    double p_push = op < OPS / 2 ? 0.6 : 0.35;
    if (u < p_push) {
      /* Integer offsets make ties common. */
      double t = calendar_now(&cal) + (double)gsl_rng_uniform_int(r, 20);
      struct ref_event *e = &ref.e[ref.n];
      e->ev = (struct event){ .time = t, .seq = ref.n, .kind = op, .entity = (int)ref.n,
                              .aux = (uint32_t)op * 7u };
      assert_int_equal(calendar_push(&cal, t, e->ev.kind, e->ev.entity, e->ev.aux, &e->handle),
                       ERR_OK);
      assert_int_not_equal(e->handle, CALENDAR_NO_HANDLE);
      e->alive = true;
      ref.n++;
      ref.alive++;
    } else if (u < p_push + 0.15 && ref.n > 0) {
      /* Cancel any event ever pushed: pending ones must go, others not. */
      size_t k = gsl_rng_uniform_int(r, ref.n);
      bool was = ref.e[k].alive;
      assert_true(calendar_pending(&cal, ref.e[k].handle) == was);
      assert_true(calendar_cancel(&cal, ref.e[k].handle) == was);
      assert_false(calendar_pending(&cal, ref.e[k].handle));
      if (was) {
        ref.e[k].alive = false;
        ref.alive--;
        cancels_true++;
      } else {
        cancels_false++;
      }
    } else {
      size_t k = ref_first(&ref);
      if (k == ref.n) {
        assert_false(calendar_pop(&cal, &ev));
      } else {
        assert_true(calendar_pop(&cal, &ev));
        assert_true(ev.time == ref.e[k].ev.time);
        assert_int_equal(ev.seq, ref.e[k].ev.seq);
        assert_int_equal(ev.kind, ref.e[k].ev.kind);
        assert_int_equal(ev.entity, ref.e[k].ev.entity);
        assert_int_equal(ev.aux, ref.e[k].ev.aux);
        ref.e[k].alive = false;
        ref.alive--;
      }
    }
    assert_int_equal(calendar_size(&cal), ref.alive);
  }
  /* Drain: the rest leaves in reference order too. */
  while (ref.alive > 0) {
    size_t k = ref_first(&ref);
    assert_true(calendar_pop(&cal, &ev));
    assert_int_equal(ev.seq, ref.e[k].ev.seq);
    ref.e[k].alive = false;
    ref.alive--;
  }
  assert_false(calendar_pop(&cal, &ev));
  assert_true(cancels_true > 500);  /* both branches were exercised */
  assert_true(cancels_false > 500);
  calendar_release(&cal);
  free(ref.e);
  gsl_rng_free(r);
}

static void cancelling_a_popped_or_cancelled_event_returns_false(void **state)
{
  struct calendar cal;
  struct event ev;
  uint64_t a = 0, b = 0, c = 0, d = 0;
  (void)state;

  calendar_init(&cal, 16);
  assert_int_equal(calendar_push(&cal, 1.0, 1, 0, 0, &a), ERR_OK);
  assert_int_equal(calendar_push(&cal, 2.0, 2, 0, 0, &b), ERR_OK);
  assert_int_equal(calendar_push(&cal, 3.0, 3, 0, 0, &c), ERR_OK);
  assert_false(calendar_cancel(&cal, CALENDAR_NO_HANDLE));
  assert_false(calendar_cancel(&cal, UINT64_MAX));
  assert_false(calendar_cancel(&cal, a + 12345)); /* no such slot */

  assert_true(calendar_pop(&cal, &ev));
  assert_int_equal(ev.kind, 1);
  assert_false(calendar_cancel(&cal, a));       /* popped */
  assert_true(calendar_cancel(&cal, b));
  assert_false(calendar_cancel(&cal, b));       /* already cancelled */
  assert_int_equal(calendar_size(&cal), 1);

  /* The slots of a and b are reused by d: old handles stay dead. */
  assert_int_equal(calendar_push(&cal, 4.0, 4, 0, 0, &d), ERR_OK);
  assert_false(calendar_cancel(&cal, a));
  assert_false(calendar_cancel(&cal, b));
  assert_true(calendar_pending(&cal, d));
  assert_true(calendar_pending(&cal, c));
  assert_true(calendar_pop(&cal, &ev));
  assert_int_equal(ev.kind, 3);
  assert_true(calendar_cancel(&cal, d));
  assert_false(calendar_pop(&cal, &ev));
  calendar_release(&cal);
}

static void time_never_goes_back(void **state)
{
  struct calendar cal;
  struct event ev;
  gsl_rng *r = new_rng(4);
  double last = 0.0;
  uint64_t handles[64] = { 0 };
  (void)state;

  /* A hold model with cancellations and reschedules, as a model with
   * changing hazard rates does: 64 entities, each with one pending event. */
  calendar_init(&cal, 1024);
  for (int i = 0; i < 64; i++)
    assert_int_equal(calendar_push(&cal, gsl_ran_exponential(r, 1.0), 0, i, 0, &handles[i]), ERR_OK);
  for (long step = 0; step < 200000; step++) {
    assert_true(calendar_pop(&cal, &ev));
    assert_true(ev.time >= last);
    last = ev.time;
    assert_true(calendar_now(&cal) == last);
    assert_int_equal(calendar_push(&cal, last + gsl_ran_exponential(r, 1.0), 0, ev.entity, 0,
                                   &handles[ev.entity]), ERR_OK);
    if (gsl_rng_uniform(r) < 0.3) { /* another entity's rate changes */
      int k = (int)gsl_rng_uniform_int(r, 64);
      assert_true(calendar_cancel(&cal, handles[k]));
      assert_int_equal(calendar_push(&cal, last + gsl_ran_exponential(r, 2.0), 0, k, 0,
                                     &handles[k]), ERR_OK);
    }
    assert_int_equal(calendar_size(&cal), 64);
  }
  assert_true(last > 1000.0);
  calendar_release(&cal);
  gsl_rng_free(r);
}

static void the_cap_gives_err_limit_and_the_calendar_stays_usable(void **state)
{
  struct calendar cal;
  struct event ev;
  uint64_t h = 7;
  (void)state;

  calendar_init(&cal, 100); /* not a power of two: growth stops at 100 */
  for (int i = 0; i < 100; i++)
    assert_int_equal(calendar_push(&cal, (double)(100 - i), i, 0, 0, NULL), ERR_OK);
  assert_int_equal(calendar_push(&cal, 0.5, 100, 0, 0, &h), ERR_LIMIT);
  assert_int_equal(h, 7); /* untouched */
  assert_int_equal(calendar_size(&cal), 100);
  assert_int_equal(calendar_allocated(&cal), 100);
  assert_int_equal(calendar_cap(&cal), 100);
  assert_int_equal(calendar_reserve(&cal, 101), ERR_LIMIT);

  /* Still in order, and room again after a pop. */
  assert_true(calendar_pop(&cal, &ev));
  assert_true(ev.time == 1.0);
  assert_int_equal(ev.kind, 99);
  assert_int_equal(calendar_push(&cal, 1.5, 100, 0, 0, NULL), ERR_OK);
  assert_int_equal(calendar_push(&cal, 1.5, 101, 0, 0, NULL), ERR_LIMIT);
  assert_true(calendar_pop(&cal, &ev));
  assert_int_equal(ev.kind, 100);
  assert_true(calendar_pop(&cal, &ev));
  assert_true(ev.time == 2.0);
  calendar_release(&cal);

  /* Values out of range are clamped to something usable. */
  calendar_init(&cal, 0);
  assert_int_equal(calendar_push(&cal, 1.0, 0, 0, 0, NULL), ERR_OK);
  assert_int_equal(calendar_push(&cal, 2.0, 0, 0, 0, NULL), ERR_LIMIT);
  calendar_release(&cal);
}

static void clear_resets_and_keeps_the_storage(void **state)
{
  struct calendar cal;
  struct event ev;
  uint64_t h = 0;
  size_t alloc = 0;
  (void)state;

  calendar_init(&cal, 1000);
  for (int i = 0; i < 300; i++)
    assert_int_equal(calendar_push(&cal, (double)i, i, 0, 0, &h), ERR_OK);
  for (int i = 0; i < 10; i++)
    assert_true(calendar_pop(&cal, &ev));
  assert_true(calendar_now(&cal) == 9.0);
  alloc = calendar_allocated(&cal);
  assert_true(alloc >= 300);

  calendar_clear(&cal);
  assert_int_equal(calendar_size(&cal), 0);
  assert_true(calendar_now(&cal) == 0.0);
  assert_int_equal(calendar_allocated(&cal), alloc);
  assert_false(calendar_pop(&cal, &ev));
  assert_false(calendar_pending(&cal, h));

  /* Seq restarts, so a replication does not depend on the one before. */
  assert_int_equal(calendar_push(&cal, 5.0, 1, 2, 3, NULL), ERR_OK);
  assert_true(calendar_pop(&cal, &ev));
  assert_int_equal(ev.seq, 0);
  assert_int_equal(ev.kind, 1);
  assert_int_equal(ev.entity, 2);
  assert_int_equal(ev.aux, 3);
  calendar_release(&cal);
  assert_int_equal(calendar_allocated(&cal), 0);
  calendar_release(&cal); /* twice is harmless */
}

static void no_allocation_after_warm_up(void **state)
{
  struct calendar cal;
  struct event ev;
  gsl_rng *r = new_rng(5);
  const struct calendar_node *heap = NULL;
  const struct calendar_slot *slots = NULL;
  size_t alloc = 0;
  (void)state;

  calendar_init(&cal, 1u << 20);
  for (int rep = 0; rep < 3; rep++) {
    calendar_clear(&cal);
    for (int i = 0; i < 500; i++)
      assert_int_equal(calendar_push(&cal, gsl_ran_exponential(r, 1.0), 0, i, 0, NULL), ERR_OK);
    if (rep == 0) { /* after the first warm-up the storage stays put */
      alloc = calendar_allocated(&cal);
      heap = cal.heap;
      slots = cal.slot;
    }
    for (int i = 0; i < 100000; i++) {
      assert_true(calendar_pop(&cal, &ev));
      assert_int_equal(calendar_push(&cal, ev.time + gsl_ran_exponential(r, 1.0), 0, 0, 0, NULL),
                       ERR_OK);
    }
    assert_int_equal(calendar_allocated(&cal), alloc);
    assert_ptr_equal(cal.heap, heap);
    assert_ptr_equal(cal.slot, slots);
    assert_int_equal(cal.used, 500); /* slots were reused, not handed out anew */
  }
  calendar_release(&cal);

  /* reserve: the exact size needed, then no growth at all. */
  calendar_init(&cal, 1000);
  assert_int_equal(calendar_reserve(&cal, 700), ERR_OK);
  assert_int_equal(calendar_allocated(&cal), 700);
  heap = cal.heap;
  for (int i = 0; i < 700; i++)
    assert_int_equal(calendar_push(&cal, (double)i, 0, 0, 0, NULL), ERR_OK);
  assert_ptr_equal(cal.heap, heap);
  assert_int_equal(calendar_allocated(&cal), 700);
  calendar_release(&cal);
  gsl_rng_free(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(events_leave_in_time_order),
    cmocka_unit_test(equal_times_leave_in_scheduling_order),
    cmocka_unit_test(random_operations_match_a_reference),
    cmocka_unit_test(cancelling_a_popped_or_cancelled_event_returns_false),
    cmocka_unit_test(time_never_goes_back),
    cmocka_unit_test(the_cap_gives_err_limit_and_the_calendar_stays_usable),
    cmocka_unit_test(clear_resets_and_keeps_the_storage),
    cmocka_unit_test(no_allocation_after_warm_up),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
