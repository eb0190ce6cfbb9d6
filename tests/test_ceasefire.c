/*
 * test_ceasefire.c - the ceasefire (SPEC 4.6): halts that multiply the
 * hazards of convoys already on the road, a collapse that closes the
 * crossings and cancels every later departure, the war multiplier on the
 * armed hazard after it, and what a timeline may not change.  Every
 * replication goes through run_rep() (model_fixture.h), which also checks
 * that nobody departs after a collapse.
 */
#include "model_fixture.h"

/* collapse.cfg: the first violation t1 collapses the ceasefire.  The
 * crossing starts an inspection every hour until t1 and none after, so
 * ceil(t1) trucks enter; convoys scheduled before t1 left on time, every
 * convoy after it is cancelled (none leaves at the horizon), and nothing
 * waits for escorts. */
static void test_ceasefire_collapse(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long collapsed = 0, cancelled_after = 0;
  (void)state;
  fix_open(&f, "collapse.cfg", NULL, 0);
  for (int r = 0; r < 50; r++) {
    double t1, h = 20 * 24.0;
    run_rep(&f, 3, (uint64_t)r, s, &res);
    if (s->nha == 0) { /* no violation before the horizon */
      assert_double_equal(res.metric[METRIC_TRUCKS_ENTERED], 20 * 24, 0);
      assert_double_equal(res.metric[METRIC_COLLAPSED], 0, 0);
      continue;
    }
    collapsed++;
    assert_int_equal((int)s->nha, 1);
    t1 = s->halt_a[0];
    assert_double_equal(s->collapse_t, t1, 0);
    assert_double_equal(s->halt_b[0], h, 0);
    assert_double_equal(res.metric[METRIC_COLLAPSED], 1, 0);
    assert_double_equal(res.metric[METRIC_COLLAPSE_DAY], t1 / 24.0, 1e-12);
    if (t1 < h - 1)
      assert_double_equal(res.metric[METRIC_TRUCKS_ENTERED], ceil(t1), 0);
    for (size_t i = 0; i < s->nc; i++) {
      const struct convoy_record *c = &s->c[i];
      if (c->scheduled_h >= t1) {
        assert_int_equal(c->outcome, OUTCOME_CANCELLED);
        assert_double_equal(c->end_h, c->scheduled_h, 0);
        cancelled_after++;
      } else {
        assert_double_equal(c->depart_h, c->scheduled_h, 0);
        assert_true(c->end_h < h);
      }
    }
  }
  printf("  %ld collapses, %ld convoys cancelled after them\n", collapsed, cancelled_after);
  assert_true(collapsed > 30);
  assert_true(cancelled_after > 100);
  fix_close(&f);
  free(s);
}

/* war.cfg: a collapse within seconds of time 0 while the one convoy is on
 * its 10 h road.  Its armed hazard takes war_multiplier 3 from the
 * collapse on, so it gets through with probability exp(-0.01 (t1 + 3 (10
 * - t1))); crowds keep T = 1: 0.02 an hour for as long as the convoy
 * is on the road (an attack ends it), 0.02 E[min(first attack, 10)].  (Without
 * war_multiplier the armed hazard keeps T: test_ceasefire_tension.) */
static void test_war_multiplier(void **state)
{
  enum { R = 20000 };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double ek = 0, var = 0, k = 0, crowd = 0, ec = 0;
  (void)state;
  fix_open(&f, "war.cfg", NULL, 0);
  for (int r = 0; r < R; r++) {
    double t1, p;
    run_rep(&f, 5, (uint64_t)r, s, &res);
    t1 = s->collapse_t;
    assert_true(t1 < 0.5);
    assert_int_equal((int)s->nc, 1);
    p = exp(-0.01 * (t1 + 3.0 * (10.0 - t1)));
    ec += 0.02 * ((1 - exp(-0.01 * t1)) / 0.01 + exp(-0.01 * t1) * (1 - exp(-0.03 * (10 - t1))) / 0.03);
    ek += p;
    var += p * (1 - p);
    k += s->c[0].outcome == OUTCOME_THROUGH;
    crowd += res.metric[METRIC_CROWD_INTERCEPTIONS];
    /* crowds take nothing here: whatever was lost, armed men took */
    assert_double_equal(res.metric[METRIC_TONNES_LOST_CROWD], 0, 0);
    assert_double_equal(res.metric[METRIC_TONNES_LOST_ARMED], res.metric[METRIC_TONNES_LOST], 0);
    assert_double_equal(res.metric[METRIC_TRUCKS_INTERCEPTED_ARMED], res.metric[METRIC_TRUCKS_INTERCEPTED], 0);
  }
  printf("  war: %.0f through, expected %.1f +- %.1f (5 sd); %.0f crowd interceptions, expected %.1f +- %.1f\n",
         k, ek, 5 * sqrt(var), crowd, ec, 5 * sqrt(ec));
  assert_true(fabs(k - ek) <= 5 * sqrt(var));
  assert_true(fabs(crowd - ec) <= 5 * sqrt(ec)); /* Poisson counts: variance at most the mean */
  fix_close(&f);
  free(s);
}

/* tension.cfg: a convoy leaving at d gets through with probability
 * exp(-0.05 (10 + 2 x the overlap of [d, d + 10] with the halts)), summed
 * over the convoys of 300 replications.  With collapse_p 1 the first halt
 * lasts to the horizon and, war_multiplier not given, the armed hazard
 * keeps T = 3 under it: the same sum holds for the convoys before it. */
static void tension(const char *const *sets, size_t n_sets, double min_halted)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double ek = 0, var = 0, k = 0, halted = 0;
  fix_open(&f, "tension.cfg", sets, n_sets);
  assert_true(isnan(f.sc.ceasefire.war_multiplier));
  for (int r = 0; r < 300; r++) {
    run_rep(&f, 4, (uint64_t)r, s, &res);
    for (size_t i = 0; i < s->nc; i++) {
      const struct convoy_record *c = &s->c[i];
      double d = c->depart_h, ov = 0, p;
      if (c->outcome == OUTCOME_CANCELLED) /* after a collapse */
        continue;
      for (size_t h = 0; h < s->nha; h++) {
        double a = fmax(d, s->halt_a[h]), b = fmin(d + 10.0, s->halt_b[h]);
        if (b > a)
          ov += b - a;
      }
      halted += ov > 0;
      p = exp(-0.05 * (10.0 + 2.0 * ov));
      ek += p;
      var += p * (1 - p);
      k += c->outcome == OUTCOME_THROUGH;
    }
  }
  printf("  tension: %.0f through, expected %.1f +- %.1f (5 sd); %.0f convoys under a halt\n", k, ek,
         5 * sqrt(var), halted);
  assert_true(halted > min_halted);
  assert_true(fabs(k - ek) <= 5 * sqrt(var));
  fix_close(&f);
  free(s);
}

static void test_ceasefire_tension(void **state)
{
  static const char *const collapse[] = { "ceasefire.collapse_p=1.0" };
  (void)state;
  tension(NULL, 0, 3000);
  tension(collapse, 1, 250);
}

static void test_timeline_refuses_ceasefire(void **state)
{
  static const char text[] =
      "name = \"t\"; horizon_days = 5.0;\n"
      "nodes = ( { id = \"d\"; kind = \"depot\"; }, { id = \"t\"; kind = \"distribution\"; } );\n"
      "roads = ( { from = \"d\"; to = \"t\"; km = 1.0; } );\n"
      "convoys = ( { id = \"c\"; route = [\"d\", \"t\"]; depart_h = 1.0; } );\n"
      "ceasefire = { violations_per_day = 0.1; };\n"
      "timeline = ( { day = 2.0; set = ( (\"ceasefire.tension_multiplier\", 2.0) ); } );\n";
  struct scenario sc;
  struct diag d;
  struct model *m = NULL;
  char buf[1024];
  FILE *f;
  (void)state;
  diag_init(&d);
  assert_int_equal(scenario_load_string(&sc, text, "tl.cfg", NULL, 0, &d), ERR_OK);
  assert_int_equal(model_new(&sc, &m, &d), ERR_SCENARIO);
  assert_null(m);
  f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  diag_print(&d, f);
  fclose(f);
  assert_non_null(strstr(buf, "tl.cfg:6: timeline: 'ceasefire.tension_multiplier' cannot change over time"));
  scenario_release(&sc);
  diag_release(&d);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_ceasefire_collapse),
    cmocka_unit_test(test_war_multiplier),
    cmocka_unit_test(test_ceasefire_tension),
    cmocka_unit_test(test_timeline_refuses_ceasefire),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
