/*
 * test_model.c - the convoy model against closed forms, exact deterministic
 * cases, invariants, reproducibility and common random numbers.
 *
 * The one rule: every replication any test runs goes through run_rep(),
 * which checks the invariants (time never goes back, tonnes and trucks are
 * conserved, outcomes partition the scheduled convoys, the model's own
 * audit of crossings, teams and fleet).  Statistical checks use 5-sigma
 * bounds so they do not flake, with enough replications to have teeth.
 * Scenarios live in tests/data/model/ and document their closed forms.
 */
#include "model_fixture.h"

static void test_poisson_one_road(void **state)
{
  static const char *const x3[] = { "threats.armed.rate_multiplier=3" };
  static const char *const crowd[] = { "roads.0.armed_per_h=0", "roads.0.crowd_per_h=0.2",
                                       "threats.crowd.rate_multiplier=2.5" };
  (void)state;
  survival("one_road.cfg", NULL, 0, 300, exp(-0.5), "one road, exp(-0.5)");
  survival("one_road.cfg", x3, 1, 300, exp(-1.5), "armed rate x3, exp(-1.5)");
  survival("one_road.cfg", crowd, 3, 300, exp(-0.5), "crowd rate x2.5, exp(-0.2 x 2.5)");
}

static void test_roads_in_series(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("series.cfg", NULL, 0, 250, exp(-0.85), "series, exp(-0.85)");
  /* transit: 1 + 2 + 0.5 h exactly when nothing happened */
  fix_open(&f, "series.cfg", NULL, 0);
  run_rep(&f, 3, 0, s, &res);
  for (size_t i = 0; i < s->nc; i++)
    if (s->c[i].outcome == OUTCOME_THROUGH)
      assert_double_equal(s->c[i].end_h - s->c[i].depart_h, 3.5, 1e-9);
  assert_double_equal(res.metric[METRIC_TRANSIT_H], 3.5, 1e-9);
  fix_close(&f);
  free(s);
}

static void test_escort_constant_p_and_deterrence(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("escort.cfg", NULL, 0, 250, exp(-0.2), "escort, exp(-0.4 x 0.5)");
  fix_open(&f, "escort.cfg", NULL, 0);
  run_rep(&f, 3, 1, s, &res);
  assert_double_equal(res.metric[METRIC_ENGAGEMENTS], res.metric[METRIC_ARMED_ATTACKS], 0);
  assert_double_equal(res.metric[METRIC_ESCORT_WAIT_H], 0.0, 0);
  for (size_t i = 0; i < s->nc; i++)
    assert_int_equal(s->c[i].escort_teams, 2);
  fix_close(&f);
  free(s);
}

static void test_strength_exponent(void **state)
{
  static const char *const sets[] = { "threats.armed.strength_exponent=1", "threats.armed.party=4" };
  (void)state;
  /* S = 2 teams x 8 = 16, A = 4: p = logistic(logit(0.5) + ln 4) = 0.8 */
  survival("escort.cfg", sets, 2, 250, exp(-0.4 * 0.2), "contest k = 1, exp(-0.4 x (1 - 0.8))");
}

static void test_escort_against_crowds(void **state)
{
  static const char *const sets[] = {
    "roads.0.armed_per_h=0", "roads.0.crowd_per_h=0.4", "threats.crowd.stop_p=1",
    "threats.crowd.loss=1", "roe_profiles.test_escort.engage_crowd=1",
    "roe_profiles.test_escort.deter_crowd=0.5", "roe_profiles.test_escort.harm_crowd=0.3" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double harm = 0, eng = 0;
  (void)state;
  /* crowds ~ Poisson(0.4 x 0.5 x 2), each held off with p_defeat 0.5 */
  survival("escort.cfg", sets, 7, 250, exp(-0.2), "escort vs crowds, exp(-0.4 x 0.5 x 2 x 0.5)");
  fix_open(&f, "escort.cfg", sets, 7);
  for (int r = 0; r < 100; r++) {
    run_rep(&f, 13, (uint64_t)r, s, &res);
    /* crowds are civilians: never a defeated threat */
    assert_double_equal(res.metric[METRIC_ATTACKS_DEFEATED], 0, 0);
    assert_double_equal(res.metric[METRIC_ENGAGEMENTS], res.metric[METRIC_CROWD_INTERCEPTIONS], 0);
    harm += res.metric[METRIC_CIVILIAN_HARM];
    eng += res.metric[METRIC_ENGAGEMENTS];
  }
  printf("  civilian harm per crowd intervention %.4f, expected 0.3\n", harm / eng);
  assert_true(fabs(harm / eng - 0.3) <= 5 * sqrt(0.3 / eng));
  fix_close(&f);
  free(s);
}

static void test_crowd_frozen_desperation(void **state)
{
  static const char *const sets[] = { "roads.0.armed_per_h=0", "roads.0.crowd_per_h=0.3",
                                      "threats.crowd.desperation_slope=1.5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("one_road.cfg", sets, 3, 300, exp(-0.3 * exp(1.5 * 0.5)), "crowd, exp(-0.3 e^0.75)");
  fix_open(&f, "one_road.cfg", sets, 3);
  run_rep(&f, 5, 2, s, &res);
  assert_true(s->nd >= 100);
  for (size_t i = 0; i < s->nd; i++)
    assert_double_equal(s->d[i].desperation, 0.5, 1e-9);
  assert_double_equal(res.metric[METRIC_ARMED_ATTACKS], 0, 0);
  assert_double_equal(res.metric[METRIC_ENGAGEMENTS], 0, 0);
  fix_close(&f);
  free(s);
}

static void test_policing(void **state)
{
  static const char *const sets[] = { "threats.policing.level=1", "threats.policing.effect=0.5" };
  (void)state;
  survival("one_road.cfg", sets, 2, 300, exp(-0.25), "policing, exp(-0.5 x 0.5)");
}

static void test_window_rest_exposure(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  survival("window.cfg", NULL, 0, 300, exp(-0.55), "window, exp(-0.05 x (0.5 x 14 + 4))");
  fix_open(&f, "window.cfg", NULL, 0);
  run_rep(&f, 9, 0, s, &res);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    assert_double_equal(r->depart_h, 16.0 + 24.0 * (double)r->number, 1e-9);
    if (r->outcome == OUTCOME_THROUGH)
      assert_double_equal(r->end_h - r->depart_h, 18.0, 1e-9);
  }
  assert_double_equal(res.metric[METRIC_TRANSIT_H], 18.0, 1e-9);
  fix_close(&f);
  free(s);
}
static void test_fleet_and_waits(void **state)
{
  static const char *const imp[] = { "coordination.impede_p=1", "coordination.impede_delay_h=1.5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "fleet.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  assert_int_equal((int)s->nc, 10);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    double day = 24.0 * (double)r->number;
    if (r->schedule == 0) {
      assert_double_equal(r->depart_h, day + 8.0, 1e-12);
      assert_int_equal(r->trucks_dispatched, 10);
    } else if (r->number < 4) {
      /* waits for the first convoy's trucks: back at 08:00 + 2 x 1 h */
      assert_double_equal(r->depart_h, day + 10.0, 1e-12);
      assert_int_equal(r->trucks_dispatched, 10);
    } else {
      /* the depot holds 95 loads: 5 are left, so it leaves at max_wait_h */
      assert_double_equal(r->depart_h, day + 13.0, 1e-12);
      assert_int_equal(r->trucks_dispatched, 5);
    }
  }
  assert_double_equal(res.metric[METRIC_TRUCKS_DISPATCHED], 95, 0);
  fix_close(&f);
  /* impeded by 1.5 h: max_wait_h runs from the end of the delay */
  fix_open(&f, "fleet.cfg", imp, 2);
  run_rep(&f, 1, 0, s, &res);
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    assert_true(r->impeded);
    assert_double_equal(r->ready_h, r->scheduled_h + 1.5, 1e-12);
    if (r->schedule == 0)
      assert_double_equal(r->depart_h, r->ready_h, 1e-12);
  }
  fix_close(&f);
  free(s);
}

static void test_long_road_starts_at_opening(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long longer = 0, n = 0;
  (void)state;
  fix_open(&f, "long_road.cfg", NULL, 0);
  for (int r = 0; r < 20; r++) {
    run_rep(&f, 12, (uint64_t)r, s, &res);
    for (size_t i = 0; i < s->nc; i++) {
      double tr = s->c[i].end_h - s->c[i].depart_h;
      assert_double_equal(s->c[i].depart_h, 6.0 + 24.0 * (double)s->c[i].number, 0);
      assert_true(tr >= 1.3 - 1e-9 && tr <= 26.0 + 1e-9);
      longer += tr > 12.0;
      n++;
    }
  }
  /* P(130 / v > 12 h) = (130 / 12 - 5) / 95 = 0.0614 */
  check_prop("drawn time longer than the window", longer, n, (130.0 / 12.0 - 5.0) / 95.0);
  fix_close(&f);
  free(s);
}

static void test_waiting_does_not_block(void **state)
{
  static const char *const sets[] = { "convoys.first.trucks=20", "convoys.first.max_wait_h=5" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "fleet.cfg", sets, 2);
  run_rep(&f, 1, 0, s, &res);
  /* "first" (ready first) needs 20 trucks of a 15-truck fleet and waits;
   * "second" finds its 10 and leaves at once; "first" leaves at max_wait_h
   * with the 15 free (the second's are back at 10:00) */
  for (size_t i = 0; i < s->nc; i++) {
    const struct convoy_record *r = &s->c[i];
    if (r->number != 0)
      continue;
    if (r->schedule == 0) {
      assert_double_equal(r->depart_h, 13.0, 0);
      assert_int_equal(r->trucks_dispatched, 15);
    } else {
      assert_double_equal(r->depart_h, 8.0, 0);
      assert_int_equal(r->trucks_dispatched, 10);
    }
  }
  fix_close(&f);
  free(s);
}

static void test_qrf(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k = 0, n = 0;
  (void)state;
  fix_open(&f, "qrf.cfg", NULL, 0);
  for (int r = 0; r < 300; r++) {
    const double *v = res.metric;
    run_rep(&f, 4, (uint64_t)r, s, &res);
    assert_double_equal(v[METRIC_QRF_DISPATCHES], v[METRIC_ARMED_ATTACKS], 0);
    assert_double_equal(v[METRIC_ENGAGEMENTS], v[METRIC_ARMED_ATTACKS], 0);
    assert_double_equal(v[METRIC_ATTACKS_DEFEATED], v[METRIC_ARMED_ATTACKS], 0);
    if (v[METRIC_QRF_DISPATCHES] > 0)
      assert_double_equal(v[METRIC_QRF_RESPONSE_H], 0.1, 1e-12);
    else
      assert_true(isnan(v[METRIC_QRF_RESPONSE_H]));
    for (size_t i = 0; i < s->nc; i++) {
      n++;
      k += s->c[i].trucks_intercepted == 0;
    }
  }
  /* N ~ Poisson(0.5) attacks, each takes each of 5 trucks with p 0.1 */
  check_prop("QRF, no truck lost", k, n, exp(-0.5 * (1 - pow(0.9, 5))));
  fix_close(&f);
  free(s);
}

static void test_escalation(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double att = 0, n = 0, harm = 0, eng = 0;
  (void)state;
  fix_open(&f, "escalation.cfg", NULL, 0);
  for (int r = 0; r < 100; r++) {
    const double *v = res.metric;
    run_rep(&f, 8, (uint64_t)r, s, &res);
    assert_double_equal(v[METRIC_ESCALATIONS], v[METRIC_ENGAGEMENTS], 0);
    assert_double_equal(v[METRIC_ATTACKS_DEFEATED], v[METRIC_ARMED_ATTACKS], 0);
    assert_double_equal(v[METRIC_CONVOYS_THROUGH], v[METRIC_CONVOYS_SCHEDULED], 0);
    harm += v[METRIC_CIVILIAN_HARM];
    eng += v[METRIC_ENGAGEMENTS];
    for (size_t i = 0; i < s->nc; i++)
      if (s->c[i].depart_h > s->first_armed) {
        att += s->c[i].armed_attacks;
        n += 1;
      }
  }
  printf("  escalated attacks per convoy %.4f (n=%.0f), expected 1.5\n", att / n, n);
  assert_true(fabs(att / n - 1.5) <= 5 * sqrt(1.5 / n));
  printf("  harm per engagement %.4f, expected 0.5\n", harm / eng);
  assert_true(fabs(harm / eng - 0.5) <= 5 * sqrt(0.5 / eng));
  fix_close(&f);
  free(s);
}

static void test_contingents(void **state)
{
  (void)state;
  survival("contingents.cfg", NULL, 0, 300, 0.75 * exp(-0.8) + 0.25 * exp(-0.2),
           "contingents, 0.75 e^-0.8 + 0.25 e^-0.2");
}

static void test_patrol_buildup_cost(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k0 = 0, n0 = 0, k1 = 0, n1 = 0;
  (void)state;
  fix_open(&f, "patrol.cfg", NULL, 0);
  for (int r = 0; r < 250; r++) {
    run_rep(&f, 6, (uint64_t)r, s, &res);
    assert_double_equal(res.metric[METRIC_FORCE_COST_USD], 24000.0, 1e-9);
    for (size_t i = 0; i < s->nc; i++) {
      bool after = s->c[i].depart_h >= 240.0;
      bool ok = s->c[i].outcome == OUTCOME_THROUGH;
      if (after) {
        n1++;
        k1 += ok;
      } else {
        n0++;
        k0 += ok;
      }
    }
  }
  check_prop("no patrols yet, Q 0.8", k0, n0, exp(-0.8));
  check_prop("patrols P 0.65, Q 0.8", k1, n1, exp(-0.8 * 0.65));
  fix_close(&f);
  free(s);
}

static void test_timeline(void **state)
{
  enum { R = 60 };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  long k0 = 0, n0 = 0;
  double pres = 0;
  (void)state;
  fix_open(&f, "timeline.cfg", NULL, 0);
  for (int r = 0; r < R; r++) {
    long collected = 0;
    run_rep(&f, 2, (uint64_t)r, s, &res);
    pres += res.metric[METRIC_TRUCKS_PRESENTED] - 950; /* the batch gate: floor(100 x 9.5) */
    for (size_t i = 0; i < s->nc; i++) {
      const struct convoy_record *c = &s->c[i];
      if (c->schedule == 0) {
        collected += c->trucks_dispatched;
        if (c->number >= 7 && c->outcome != OUTCOME_CANCELLED)
          assert_int_equal(c->trucks_dispatched, 3);
      } else if (c->depart_h < 50 * 24.0) {
        n0++;
        k0 += c->outcome == OUTCOME_THROUGH;
      } else {
        assert_int_equal(c->outcome, OUTCOME_THROUGH);
        assert_int_equal(c->armed_attacks, 0);
      }
    }
    assert_int_equal(collected, 35 + 67 * 3);
  }
  pres /= R;
  printf("  Poisson supply 36 -> 72/day on day 30: %.1f presented, expected 6120 +- %.1f\n", pres,
         5 * sqrt(6120.0 / R));
  assert_true(fabs(pres - 6120) <= 5 * sqrt(6120.0 / R));
  check_prop("armed_per_h 0.5 before day 50", k0, n0, exp(-0.5));
  fix_close(&f);
  free(s);
}

static void test_reproducible(void **state)
{
  struct fix f, g;
  struct rec *s = rec_new(), *t = rec_new();
  struct rep_result a, b;
  (void)state;
  fix_open(&f, "crn.cfg", NULL, 0);
  fix_open(&g, "crn.cfg", NULL, 0);
  run_rep(&f, 77, 5, s, &a);
  for (int r = 0; r < 4; r++)
    run_rep(&f, 77, (uint64_t)r, t, &b); /* reuse the workspace */
  run_rep(&g, 77, 5, t, &b);
  assert_memory_equal(a.metric, b.metric, sizeof a.metric);
  assert_int_equal(a.events, b.events);
  assert_int_equal((long)s->nc, (long)t->nc);
  assert_memory_equal(s->c, t->c, s->nc * sizeof s->c[0]);
  run_rep(&f, 77, 5, t, &b);
  assert_memory_equal(a.metric, b.metric, sizeof a.metric);
  run_rep(&f, 78, 5, t, &b);
  assert_true(memcmp(a.metric, b.metric, sizeof a.metric) != 0);
  fix_close(&f);
  fix_close(&g);
  free(s);
  free(t);
}

static void test_common_random_numbers(void **state)
{
  static const char *const none[] = { "force.troops=0" };
  struct fix f, g;
  struct rec *s = rec_new(), *t = rec_new();
  struct rep_result a, b;
  long escorted = 0, halts = 0;
  (void)state;
  fix_open(&f, "crn.cfg", NULL, 0);
  fix_open(&g, "crn.cfg", none, 1);
  for (int r = 0; r < 40; r++) {
    run_rep(&f, 5, (uint64_t)r, s, &a);
    run_rep(&g, 5, (uint64_t)r, t, &b);
    halts += (long)s->nha;
    for (int k = 0; k < METRIC_COUNT; k++) {
      if (k == METRIC_ESCORT_WAIT_H || k == METRIC_ESCORT_BUSY_SHARE || k == METRIC_TROOPS_TASKED_SHARE ||
          k == METRIC_TROOP_DAYS)
        continue; /* only a force has them */
      if (isnan(a.metric[k]))
        assert_true(isnan(b.metric[k]));
      else
        assert_double_equal(a.metric[k], b.metric[k], 0);
    }
    assert_int_equal((long)s->nc, (long)t->nc);
    for (size_t i = 0; i < s->nc; i++) {
      escorted += s->c[i].escort_teams > 0;
      assert_int_equal(t->c[i].escort_teams, 0);
      assert_int_equal(s->c[i].outcome, t->c[i].outcome);
      assert_int_equal(s->c[i].armed_attacks, t->c[i].armed_attacks);
      assert_int_equal(s->c[i].crowd_interceptions, t->c[i].crowd_interceptions);
      assert_double_equal(s->c[i].tonnes_delivered, t->c[i].tonnes_delivered, 0);
    }
  }
  assert_true(escorted > 100); /* the force really escorted */
  assert_true(halts > 10);     /* and ceasefire halts happened */
  fix_close(&f);
  fix_close(&g);
  free(s);
  free(t);
}

static void test_baseline_invariants(void **state)
{
  static const char *const none[] = { "force.troops=0" };
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open_path(&f, SOURCE_DIR "/scenarios/gaza_baseline.cfg", NULL, 0);
  for (int r = 0; r < 10; r++)
    run_rep(&f, 1, (uint64_t)r, s, &res);
  assert_true(res.metric[METRIC_CONVOYS_SCHEDULED] > 400);
  assert_true(res.events > 0);
  fix_close(&f);
  fix_open_path(&f, SOURCE_DIR "/scenarios/gaza_baseline.cfg", none, 1);
  for (int r = 0; r < 10; r++)
    run_rep(&f, 1, (uint64_t)r, s, &res);
  assert_double_equal(res.metric[METRIC_FORCE_COST_USD], 0, 0);
  fix_close(&f);
  free(s);
}

static void test_outcome_names(void **state)
{
  (void)state;
  assert_string_equal(convoy_outcome_name(OUTCOME_THROUGH), "through");
  assert_string_equal(convoy_outcome_name(OUTCOME_PARTIAL), "partial");
  assert_string_equal(convoy_outcome_name(OUTCOME_LOST), "lost");
  assert_string_equal(convoy_outcome_name(OUTCOME_DENIED), "denied");
  assert_string_equal(convoy_outcome_name(OUTCOME_CANCELLED), "cancelled");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_outcome_names),
    cmocka_unit_test(test_poisson_one_road),
    cmocka_unit_test(test_roads_in_series),
    cmocka_unit_test(test_escort_constant_p_and_deterrence),
    cmocka_unit_test(test_strength_exponent),
    cmocka_unit_test(test_escort_against_crowds),
    cmocka_unit_test(test_crowd_frozen_desperation),
    cmocka_unit_test(test_policing),
    cmocka_unit_test(test_window_rest_exposure),
    cmocka_unit_test(test_fleet_and_waits),
    cmocka_unit_test(test_long_road_starts_at_opening),
    cmocka_unit_test(test_waiting_does_not_block),
    cmocka_unit_test(test_qrf),
    cmocka_unit_test(test_escalation),
    cmocka_unit_test(test_contingents),
    cmocka_unit_test(test_patrol_buildup_cost),
    cmocka_unit_test(test_timeline),
    cmocka_unit_test(test_reproducible),
    cmocka_unit_test(test_common_random_numbers),
    cmocka_unit_test(test_baseline_invariants),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}

