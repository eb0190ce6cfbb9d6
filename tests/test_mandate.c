/*
 * test_mandate.c - the force's mandate (SPEC 4.9) against closed forms:
 * disarm teams wearing the armed strength down, G(d) = f + (G0 - f)
 * exp(-e n d), and the survival of each day's convoy under it; their
 * raids' counts, harm and casualties; police training, L(d) = min(1, L0 +
 * l m d), and its Q factor; contingents whose mandate leaves a task
 * without teams; a budget that runs out on a known day; a contingent that
 * leaves after its casualties; and an intervention that collapses the
 * ceasefire.  Every replication goes through run_rep() (model_fixture.h).
 */
#include "model_fixture.h"

#include "convoysim/force.h"

/* The day of a convoy that left at time t (its departure's midnights). */
static int day_of(double t) { return (int)floor(t / 24.0); }

/* Disarmament: the convoy of day d meets G(d) = 0.2 + 0.8 exp(-0.1 d). */
static void test_disarm_closed_form(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double ek = 0, var = 0, k = 0, raids = 0, harm = 0, fh = 0;
  enum { R = 400 };
  (void)state;
  fix_open(&f, "disarm.cfg", NULL, 0);
  for (int r = 0; r < R; r++) {
    run_rep(&f, 3, (uint64_t)r, s, &res);
    /* 30 midnights to the first at or after the horizon */
    assert_double_equal(res.metric[METRIC_ARMED_STRENGTH_END], 0.2 + 0.8 * exp(-0.1 * 30), 1e-12);
    for (size_t i = 0; i < s->nc; i++) {
      double G = 0.2 + 0.8 * exp(-0.1 * day_of(s->c[i].depart_h)), p = exp(-0.8 * G);
      ek += p;
      var += p * (1 - p);
      k += s->c[i].outcome == OUTCOME_THROUGH;
    }
    raids += res.metric[METRIC_DISARM_RAIDS];
    harm += res.metric[METRIC_CIVILIAN_HARM];
    fh += res.metric[METRIC_FORCE_CASUALTIES];
    assert_double_equal(res.metric[METRIC_ENGAGEMENTS], 0, 0); /* raids are not engagements */
  }
  printf("  disarm: %.0f through, expected %.1f +- %.1f (5 sd)\n", k, ek, 5 * sqrt(var));
  assert_true(fabs(k - ek) <= 5 * sqrt(var));
  /* 30 counted days of Poisson(0.3 x 10) raids */
  double er = 3.0 * 30 * R;
  printf("  raids %.0f (expected %.0f), harm %.0f (%.0f), force casualties %.0f (%.0f)\n", raids, er, harm,
         0.5 * er, fh, 0.2 * er);
  assert_true(fabs(raids - er) <= 5 * sqrt(er));
  /* harm: a compound Poisson, variance er (0.5 + 0.25) */
  assert_true(fabs(harm - 0.5 * er) <= 5 * sqrt(er * 0.75));
  assert_true(fabs(fh - 0.2 * er) <= 5 * sqrt(er * 0.24));
  fix_close(&f);
  /* regrowth r undoes it: G <- 1 - (1 - G) e^-r first, every midnight */
  static const char *const regrow[] = { "threats.armed.regrowth_per_day=0.05" };
  fix_open(&f, "disarm.cfg", regrow, 1);
  run_rep(&f, 3, 0, s, &res);
  double G = 1.0;
  for (int d = 0; d < 30; d++) {
    G = 1.0 - (1.0 - G) * exp(-0.05);
    G = 0.2 + (G - 0.2) * exp(-0.1);
  }
  assert_double_equal(res.metric[METRIC_ARMED_STRENGTH_END], G, 1e-12);
  fix_close(&f);
  free(s);
}

/* Police training: L(d) = min(1, 0.1 + 0.04 d); the convoy of day d meets
 * the hazard x (1 - 0.5 L(d)). */
static void test_police_ramp(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double ek = 0, var = 0, k = 0;
  (void)state;
  fix_open(&f, "police.cfg", NULL, 0);
  for (int r = 0; r < 400; r++) {
    run_rep(&f, 5, (uint64_t)r, s, &res);
    assert_double_equal(res.metric[METRIC_POLICING_LEVEL_END], 1.0, 0);
    for (size_t i = 0; i < s->nc; i++) {
      double L = fmin(1.0, 0.1 + 0.04 * day_of(s->c[i].depart_h)), p = exp(-(1 - 0.5 * L));
      ek += p;
      var += p * (1 - p);
      k += s->c[i].outcome == OUTCOME_THROUGH;
    }
  }
  printf("  police: %.0f through, expected %.1f +- %.1f (5 sd)\n", k, ek, 5 * sqrt(var));
  assert_true(fabs(k - ek) <= 5 * sqrt(var));
  fix_close(&f);
  /* 10 days: L = 0.1 + 0.4 */
  static const char *const short_run[] = { "horizon_days=10.0" };
  fix_open(&f, "police.cfg", short_run, 1);
  run_rep(&f, 5, 0, s, &res);
  assert_double_equal(res.metric[METRIC_POLICING_LEVEL_END], 0.5, 1e-12);
  fix_close(&f);
  free(s);
}

/* A mandate: the pool of a task comes from the contingents that may do it. */
static void test_tasks_make_the_pools(void **state)
{
  static const char text[] =
      "name = \"t\"; horizon_days = 3.0;\n"
      "nodes = ( { id = \"d\"; kind = \"depot\"; }, { id = \"t\"; kind = \"distribution\"; } );\n"
      "roads = ( { from = \"d\"; to = \"t\"; km = 10.0; kmh = 10.0; } );\n"
      "convoys = ( { id = \"c\"; route = [\"d\", \"t\"]; depart_h = 8.0; every_h = 24.0; escort_teams = 100; } );\n"
      "force = { troops = 1000.0; available = 1.0; qrf = { bases = [\"d\"]; };\n"
      "  share = { escort = 0.2; patrol = 0.2; qrf = 0.2; disarm = 0.2; train = 0.2; };\n"
      "  contingents = ( { name = \"a\"; troops = 3.0; tasks = [\"patrol\", \"train\"]; },\n"
      "                  { name = \"b\"; troops = 1.0; tasks = [\"escort\", \"qrf\"]; } ); };\n";
  struct scenario sc;
  struct diag d;
  struct force_pools p;
  double t[TASK_COUNT];
  (void)state;
  diag_init(&d);
  assert_int_equal(scenario_load_string(&sc, text, "tasks.cfg", NULL, 0, &d), ERR_OK);
  force_task_troops(&sc.force, 1000.0, NULL, t);
  assert_double_equal(t[TASK_PATROL], 750.0, 1e-9);
  assert_double_equal(t[TASK_ESCORT], 250.0, 1e-9);
  assert_double_equal(t[TASK_DISARM], 0.0, 0);
  force_pools(&sc.force, 1000.0, sc.total_road_km, &p);
  assert_int_equal(p.patrol, 18); /* 750 x 0.2 / 8 */
  assert_int_equal(p.train, 18);
  assert_int_equal(p.escort, 6);  /* 250 x 0.2 / 8 */
  assert_int_equal(p.qrf, 6);
  assert_int_equal(p.disarm, 0);  /* nobody may disarm */
  /* a convoy that asks for 100 teams gets the 6 of b */
  struct model *m;
  struct model_ws *ws;
  struct rep_result res;
  assert_int_equal(model_new(&sc, &m, &d), ERR_OK);
  assert_int_equal(model_ws_new(m, &ws), ERR_OK);
  struct rec *s = rec_new();
  struct model_sinks sk = { s, sink_convoy, NULL, NULL };
  s->nc = 0;
  assert_int_equal(model_replicate(m, ws, 1, 0, &sk, &res), ERR_OK);
  assert_true(s->nc > 0);
  assert_int_equal(s->c[0].escort_teams, 6);
  model_ws_free(ws);
  model_free(m);
  free(s);
  /* the composition follows force.troops: 2,000 troops double every pool */
  force_pools(&sc.force, 2000.0, sc.total_road_km, &p);
  assert_int_equal(p.patrol, 37);
  assert_int_equal(p.escort, 12);
  scenario_release(&sc);
  diag_release(&d);
}

/* North pays 120,000 a day with a budget of 250,000: the midnight of day
 * 3 sees it spent and its contingent leaves there. */
static void test_budget_runs_out(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  (void)state;
  fix_open(&f, "budget.cfg", NULL, 0);
  run_rep(&f, 1, 0, s, &res);
  assert_double_equal(res.metric[METRIC_BUDGET_EXHAUSTED_DAY], 3.0, 0);
  assert_double_equal(res.metric[METRIC_CONTINGENTS_WITHDRAWN], 1, 0);
  assert_int_equal((int)res.n_contingents, 2);
  assert_double_equal(res.cont_spend[0], 360000.0, 1e-6);
  assert_double_equal(res.cont_spend[1], 400000.0, 1e-6);
  assert_double_equal(res.cont_troop_days[0], 360.0, 1e-9);
  assert_double_equal(res.cont_troop_days[1], 800.0, 1e-9);
  assert_double_equal(res.cont_gone_day[0], 3.0, 0);
  assert_true(isnan(res.cont_gone_day[1]));
  assert_double_equal(res.metric[METRIC_FORCE_COST_USD], 760000.0, 1e-6);
  assert_double_equal(res.metric[METRIC_TROOP_DAYS], 1160.0, 1e-9);
  fix_close(&f);
  /* without contingents the force is "force", paid by "force": it leaves,
   * uncounted, and nothing costs after day 3 */
  static const char text[] =
      "name = \"one\"; horizon_days = 10.0;\n"
      "nodes = ( { id = \"d\"; kind = \"depot\"; }, { id = \"t\"; kind = \"distribution\"; } );\n"
      "roads = ( { from = \"d\"; to = \"t\"; km = 10.0; kmh = 10.0; } );\n"
      "convoys = ( { id = \"c\"; route = [\"d\", \"t\"]; depart_h = 8.0; every_h = 24.0; trucks = 2; } );\n"
      "force = { troops = 100.0; cost_per_troop_day = 1000.0; };\n"
      "funding = ( { payer = \"force\"; budget_usd = 250000.0; } );\n";
  struct scenario sc;
  struct diag d;
  struct model *m;
  struct model_ws *ws;
  diag_init(&d);
  assert_int_equal(scenario_load_string(&sc, text, "one.cfg", NULL, 0, &d), ERR_OK);
  assert_int_equal(model_new(&sc, &m, &d), ERR_OK);
  assert_int_equal(model_ws_new(m, &ws), ERR_OK);
  assert_int_equal(model_replicate(m, ws, 1, 0, NULL, &res), ERR_OK);
  assert_double_equal(res.metric[METRIC_BUDGET_EXHAUSTED_DAY], 3.0, 0);
  assert_double_equal(res.metric[METRIC_CONTINGENTS_WITHDRAWN], 0, 0);
  assert_double_equal(res.metric[METRIC_FORCE_COST_USD], 300000.0, 1e-6);
  model_ws_free(ws);
  model_free(m);
  scenario_release(&sc);
  diag_release(&d);
  free(s);
}

struct wtrace {
  double first_engage, withdrawn;
  long escorted_after;
};
static void sink_w(void *ctx, const struct trace_record *t)
{
  struct wtrace *w = ctx;
  if (strcmp(t->event, "armed_outcome") == 0 && w->first_engage == INFINITY && strstr(t->detail, "defeated="))
    w->first_engage = t->time_h;
  if (strcmp(t->event, "withdrawal") == 0) {
    assert_true(w->withdrawn == INFINITY);
    assert_non_null(strstr(t->detail, "contingent=a why=casualties"));
    w->withdrawn = t->time_h;
  }
  if (strcmp(t->event, "depart") == 0 && w->withdrawn < INFINITY && strstr(t->detail, "teams=0") == NULL)
    w->escorted_after++;
}

/* Contingent a leaves at the midnight after its first engagement; b may
 * not escort, so nobody is escorted after that. */
static void test_withdrawal_after_casualties(void **state)
{
  struct fix f;
  struct wtrace w;
  struct rep_result res;
  long left = 0;
  (void)state;
  fix_open(&f, "withdraw.cfg", NULL, 0);
  for (uint64_t r = 0; r < 30; r++) {
    struct model_sinks sk = { &w, NULL, NULL, sink_w };
    w.first_engage = w.withdrawn = INFINITY;
    w.escorted_after = 0;
    assert_int_equal(model_replicate(f.m, f.ws, 2, r, &sk, &res), ERR_OK);
    if (w.first_engage == INFINITY) {
      assert_double_equal(res.metric[METRIC_CONTINGENTS_WITHDRAWN], 0, 0);
      continue;
    }
    left++;
    assert_double_equal(w.withdrawn, 24.0 * (floor(w.first_engage / 24.0) + 1), 0);
    assert_int_equal((int)w.escorted_after, 0);
    assert_double_equal(res.metric[METRIC_CONTINGENTS_WITHDRAWN], w.withdrawn < 20 * 24.0 ? 1 : 0, 0);
  }
  assert_true(left > 20);
  fix_close(&f);
}

/* The first attack nobody stops brings an intervention and a collapse at
 * that moment: every later convoy is cancelled; its harm is Poisson(2). */
static void test_intervention_collapses(void **state)
{
  struct fix f;
  struct rec *s = rec_new();
  struct rep_result res;
  double harm = 0, n = 0;
  (void)state;
  fix_open(&f, "intervene.cfg", NULL, 0);
  for (uint64_t r = 0; r < 200; r++) {
    run_rep(&f, 4, r, s, &res);
    if (s->first_armed == INFINITY) {
      assert_double_equal(res.metric[METRIC_INTERVENTIONS], 0, 0);
      continue;
    }
    n++;
    assert_double_equal(res.metric[METRIC_INTERVENTIONS], 1, 0);
    assert_double_equal(s->collapse_t, s->first_armed, 0);
    assert_double_equal(res.metric[METRIC_COLLAPSE_DAY], s->first_armed / 24.0, 0);
    for (size_t i = 0; i < s->nc; i++)
      if (s->c[i].scheduled_h > s->first_armed)
        assert_int_equal(s->c[i].outcome, OUTCOME_CANCELLED);
    harm += res.metric[METRIC_CIVILIAN_HARM];
  }
  printf("  %.0f interventions, civilian harm %.3f each (2 +- %.3f)\n", n, harm / n, 5 * sqrt(2 / n));
  assert_true(n > 150);
  assert_true(fabs(harm / n - 2.0) <= 5 * sqrt(2.0 / n));
  fix_close(&f);
  free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_disarm_closed_form),
    cmocka_unit_test(test_police_ramp),
    cmocka_unit_test(test_tasks_make_the_pools),
    cmocka_unit_test(test_budget_runs_out),
    cmocka_unit_test(test_withdrawal_after_casualties),
    cmocka_unit_test(test_intervention_collapses),
  };
  gsl_set_error_handler_off();
  return cmocka_run_group_tests(tests, NULL, NULL);
}
