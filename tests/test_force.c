/*
 * test_force.c - the team pools of SPEC 3.7 (force.h): one function, the
 * exact floor of troops x available x share / team size, and the pools the
 * model's convoys actually get; and where more teams stop changing
 * anything (force_saturation), checked against the model.
 *
 * The grid holds troops, availabilities and shares written in decimals
 * (0.9, 0.7, 0.33...), whose products a double does not hold exactly:
 * 400 x 0.9 x 0.7 / 4 is 62.999999999999993 in floating point and 63 in
 * fact.  The expected pool is computed in integers, exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "convoysim/force.h"
#include "convoysim/model.h"
#include "convoysim/scenario.h"

static const long troops_grid[] = { 0, 1, 7, 100, 400, 999, 5000, 12345 };
static const long available_pct[] = { 10, 33, 90, 100 };   /* percent */
static const long share_pct[] = { 0, 5, 10, 20, 70 };      /* percent */
static const int team_sizes[] = { 1, 3, 4, 8 };

#define N(a) (sizeof a / sizeof a[0])
#define assert_double_equal(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* floor(troops x a/100 x s/100 / size), in integers. */
static long exact_pool(long troops, long a, long s, int size)
{
  return troops * a * s / (10000L * size);
}

/* One depot, one town, one convoy at time 0 that asks for every team. */
static void load(struct scenario *sc, long troops, long a, long s, int size)
{
  char text[2048];
  struct diag d;
  snprintf(text, sizeof text,
           "name = \"pools\"; horizon_days = 1.0;\n"
           "nodes = ( { id = \"depot\"; kind = \"depot\"; }, { id = \"town\"; kind = \"distribution\"; } );\n"
           "roads = ( { from = \"depot\"; to = \"town\"; km = 1.0; } );\n"
           "convoys = ( { id = \"c\"; route = [\"depot\", \"town\"]; trucks = 1; escort_teams = 100000000; } );\n"
           "force = { troops = %ld.0; available = %g; cost_per_troop_day = 0.0;\n"
           "  share = { escort = %g; patrol = %g; qrf = 0.0; };\n"
           "  escort = { team_size = %d; }; patrol = { team_size = %d; }; };\n",
           troops, (double)a / 100.0, (double)s / 100.0, (100.0 - (double)s) / 100.0 * 0.5, size, size);
  diag_init(&d);
  enum err e = scenario_load_string(sc, text, "pools.cfg", NULL, 0, &d);
  if (e != ERR_OK)
    diag_print(&d, stderr);
  assert_int_equal(e, ERR_OK);
  diag_release(&d);
}

static void first_convoy(void *ctx, const struct convoy_record *r)
{
  int *teams = ctx;
  if (*teams < 0)
    *teams = r->escort_teams;
}

static void pools_are_the_exact_floor_and_what_convoys_get(void **state)
{
  (void)state;
  long checked = 0;
  for (size_t it = 0; it < N(troops_grid); it++)
    for (size_t ia = 0; ia < N(available_pct); ia++)
      for (size_t is = 0; is < N(share_pct); is++)
        for (size_t iz = 0; iz < N(team_sizes); iz++) {
          long t = troops_grid[it], a = available_pct[ia], s = share_pct[is];
          int z = team_sizes[iz];
          struct scenario sc;
          struct force_pools p;
          load(&sc, t, a, s, z);
          force_pools(&sc.force, force_troops_at(&sc.force, 0.0), sc.total_road_km, &p);
          if (p.escort != exact_pool(t, a, s, z))
            fprintf(stderr, "troops %ld, available %ld%%, share %ld%%, team %d: %d escort teams, not %ld\n",
                    t, a, s, z, p.escort, exact_pool(t, a, s, z));
          assert_int_equal(p.escort, exact_pool(t, a, s, z));
          assert_int_equal(p.patrol, t * a * (100 - s) / (20000L * z)); /* share (100 - s) / 200 */
          /* the model's convoy takes the whole escort pool */
          struct model *m;
          struct model_ws *ws;
          struct diag d;
          struct rep_result res;
          int teams = -1;
          struct model_sinks sinks = { &teams, first_convoy, NULL, NULL };
          diag_init(&d);
          assert_int_equal(model_new(&sc, &m, &d), ERR_OK);
          assert_int_equal(model_ws_new(m, &ws), ERR_OK);
          assert_int_equal(model_replicate(m, ws, 1, 0, &sinks, &res), ERR_OK);
          assert_int_equal(teams, p.escort);
          model_ws_free(ws);
          model_free(m);
          diag_release(&d);
          scenario_release(&sc);
          checked++;
        }
  assert_int_equal(checked, 640);
}

static void the_case_that_floating_point_floors_to_62(void **state)
{
  (void)state;
  struct scenario sc;
  struct force_pools p;
  load(&sc, 400, 90, 70, 4);
  assert_true(400 * 0.9 * 0.7 / 4 < 63.0); /* what a bare floor() would see */
  force_pools(&sc.force, 400.0, sc.total_road_km, &p);
  assert_int_equal(p.escort, 63);
  scenario_release(&sc);
}

static void no_force_no_pools(void **state)
{
  (void)state;
  struct force f;
  struct force_pools p;
  memset(&f, 0, sizeof f);
  f.troops = 5000;
  f.available = 1;
  f.share_escort = f.share_patrol = f.share_qrf = 0.3;
  f.escort_team_size = f.patrol_team_size = f.qrf_team_size = 8;
  force_pools(&f, 5000, 100, &p); /* f.present is false */
  assert_int_equal(p.escort + p.patrol + p.qrf, 0);
  assert_true(p.coverage == 0.0);
  f.present = true;
  f.patrol_km_per_team = 5;
  force_pools(&f, 5000, 100, &p);
  assert_int_equal(p.escort, 187);
  assert_int_equal(p.patrol, 187);
  assert_true(p.coverage == 1.0); /* 187 x 5 km > 100 km: capped at 1 */
}

/* A scenario of one road (km at kmh, armed_per_h) under a force. */
static void load_road(struct scenario *sc, const char *extra, double km, double every_h, double depart_h,
                      double armed_per_h, double troops, const char *window)
{
  char text[4096];
  struct diag d;
  snprintf(text, sizeof text,
           "name = \"sat\"; horizon_days = 30.0;\n"
           "movement = { window_h = %s; };\n"
           "nodes = ( { id = \"depot\"; kind = \"depot\"; }, { id = \"town\"; kind = \"distribution\"; } );\n"
           "roads = ( { from = \"depot\"; to = \"town\"; km = %g; kmh = 1.0; armed_per_h = %g; } );\n"
           "convoys = ( { id = \"c\"; route = [\"depot\", \"town\"]; depart_h = %g; every_h = %g; trucks = 1;\n"
           "              escort_teams = 2; max_wait_h = 100.0; } );\n"
           "threats = { armed = { duration_h = 1.0; }; };\n"
           "force = { troops = %g; available = 1.0; cost_per_troop_day = 100.0; qrf = { bases = [\"depot\"]; }; %s };\n",
           window, km, armed_per_h, depart_h, every_h, troops, extra);
  diag_init(&d);
  enum err e = scenario_load_string(sc, text, "sat.cfg", NULL, 0, &d);
  if (e != ERR_OK)
    diag_print(&d, stderr);
  assert_int_equal(e, ERR_OK);
  diag_release(&d);
}

/* The troops force_saturation names are the threshold of the pool: they
 * make the teams, one troop fewer does not; patrol coverage reaches 1
 * there exactly. */
static void saturation_troops_are_the_threshold(void **state)
{
  (void)state;
  static const double kms[] = { 1, 4.5, 20, 23.9 };
  static const char *const shares[] = { "share = { escort = 0.1; patrol = 0.07; qrf = 0.03; };",
                                        "share = { escort = 0.7; patrol = 0.2; qrf = 0.1; };" };
  for (size_t i = 0; i < N(kms); i++)
    for (size_t j = 0; j < N(shares); j++) {
      struct scenario sc;
      struct force_saturation z;
      struct force_pools p;
      load_road(&sc, shares[j], kms[i], 24.0, 8.0, 0.0, 1000.0, "[0.0, 24.0]");
      force_saturation(&sc, &z);
      assert_int_equal(z.patrol_teams, (int)ceil(kms[i] / 5.0 - 1e-9));
      force_pools(&sc.force, z.patrol_troops, sc.total_road_km, &p);
      assert_true(p.patrol >= z.patrol_teams);
      assert_true(p.coverage == 1.0);
      force_pools(&sc.force, z.patrol_troops - 1, sc.total_road_km, &p);
      assert_true(p.patrol < z.patrol_teams);
      assert_true(p.coverage < 1.0);
      force_pools(&sc.force, z.escort_troops, sc.total_road_km, &p);
      assert_true(p.escort >= z.escort_teams);
      force_pools(&sc.force, z.escort_troops - 1, sc.total_road_km, &p);
      assert_true(p.escort < z.escort_teams);
      scenario_release(&sc);
    }
}

/* Escorts on schedule: a 20 h road, a convoy every 8 h asking for 2
 * teams: three convoys on the road at once, 6 teams.  In a 06:00-18:00
 * window a 10 h road taken at 14:00 waits for the next opening: 26 h from
 * leaving to arriving, so two convoys of a daily schedule are out at once,
 * 4 teams.  QRF: 1 attack an hour held 1 h, Erlang B(n, 1) < 1% from n = 5
 * (B = 1/2, 1/5, 1/16, 1/65, 1/326). */
static void saturation_estimates(void **state)
{
  (void)state;
  struct scenario sc;
  struct force_saturation z;
  load_road(&sc, "", 20.0, 8.0, 8.0, 0.0, 1000.0, "[0.0, 24.0]");
  assert_double_equal(force_transit_h(&sc, &sc.convoys[0], 8.0), 20.0, 1e-12);
  force_saturation(&sc, &z);
  assert_int_equal(z.escort_teams, 6);
  assert_int_equal(z.qrf_teams, 0); /* no attacks */
  scenario_release(&sc);
  load_road(&sc, "", 10.0, 24.0, 14.0, 0.0, 1000.0, "[6.0, 18.0]");
  assert_double_equal(force_transit_h(&sc, &sc.convoys[0], 14.0), 26.0, 1e-12);
  assert_double_equal(force_transit_h(&sc, &sc.convoys[0], 8.0), 10.0, 1e-12);
  force_saturation(&sc, &z);
  assert_int_equal(z.escort_teams, 4);
  scenario_release(&sc);
  load_road(&sc, "", 1.0, 24.0, 8.0, 24.0, 1000.0, "[0.0, 24.0]");
  force_saturation(&sc, &z);
  assert_double_equal(z.attacks_per_h, 1.0, 1e-12);
  assert_int_equal(z.qrf_teams, 5);
  scenario_release(&sc);
}

/* Every metric but what the force costs and how busy it is. */
static void same_but_the_force(const struct rep_result *a, const struct rep_result *b)
{
  for (int k = 0; k < METRIC_COUNT; k++) {
    if (k == METRIC_FORCE_COST_USD || k == METRIC_COST_PER_TONNE_USD || k == METRIC_ESCORT_BUSY_SHARE ||
        k == METRIC_TROOPS_TASKED_SHARE || k == METRIC_TROOP_DAYS)
      continue;
    if (isnan(a->metric[k]) && isnan(b->metric[k]))
      continue;
    if (a->metric[k] != b->metric[k])
      fprintf(stderr, "%s: %.17g and %.17g\n", metric_name((enum metric)k), a->metric[k], b->metric[k]);
    assert_true(a->metric[k] == b->metric[k]);
  }
}

static void run_one(struct scenario *sc, uint64_t rep, struct rep_result *res)
{
  struct model *m;
  struct model_ws *ws;
  struct diag d;
  diag_init(&d);
  assert_int_equal(model_new(sc, &m, &d), ERR_OK);
  assert_int_equal(model_ws_new(m, &ws), ERR_OK);
  assert_int_equal(model_replicate(m, ws, 5, rep, NULL, res), ERR_OK);
  model_ws_free(ws);
  model_free(m);
  diag_release(&d);
}

/* Beyond the useful size nothing changes but the cost: with the patrol
 * pool at its useful size and 5 teams over it, and escorts on schedule at
 * theirs and over it, every replication is the same but for the force's
 * cost and how busy it is; one escort team short, convoys wait. */
static void beyond_the_useful_size_nothing_changes(void **state)
{
  (void)state;
  static const char *const shares = "share = { escort = 0.5; patrol = 0.5; qrf = 0.0; }; roe = \"defend_mandate\";"
                                    " escort = { team_size = 8; }; patrol = { team_size = 8; km_per_team = 5.0; };";
  struct scenario sc;
  struct force_saturation z;
  struct rep_result a, b;
  double at, over, short_of;
  load_road(&sc, shares, 20.0, 8.0, 8.0, 0.05, 1000.0, "[0.0, 24.0]");
  force_saturation(&sc, &z);
  assert_int_equal(z.escort_teams, 6);
  assert_int_equal(z.patrol_teams, 4);
  at = z.patrol_troops > z.escort_troops ? z.patrol_troops : z.escort_troops;
  over = at + 5 * 16;
  short_of = z.escort_troops - 16;
  scenario_release(&sc);
  for (uint64_t r = 0; r < 20; r++) {
    load_road(&sc, shares, 20.0, 8.0, 8.0, 0.05, at, "[0.0, 24.0]");
    run_one(&sc, r, &a);
    scenario_release(&sc);
    load_road(&sc, shares, 20.0, 8.0, 8.0, 0.05, over, "[0.0, 24.0]");
    run_one(&sc, r, &b);
    scenario_release(&sc);
    same_but_the_force(&a, &b);
    assert_true(b.metric[METRIC_FORCE_COST_USD] > a.metric[METRIC_FORCE_COST_USD]);
    assert_true(b.metric[METRIC_ESCORT_BUSY_SHARE] < a.metric[METRIC_ESCORT_BUSY_SHARE]);
  }
  load_road(&sc, shares, 20.0, 8.0, 8.0, 0.0, short_of, "[0.0, 24.0]");
  run_one(&sc, 0, &a);
  assert_true(a.metric[METRIC_ESCORT_WAIT_H] > 0);
  scenario_release(&sc);
}

int main(void)
{
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pools_are_the_exact_floor_and_what_convoys_get),
    cmocka_unit_test(the_case_that_floating_point_floors_to_62),
    cmocka_unit_test(no_force_no_pools),
    cmocka_unit_test(saturation_troops_are_the_threshold),
    cmocka_unit_test(saturation_estimates),
    cmocka_unit_test(beyond_the_useful_size_nothing_changes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
