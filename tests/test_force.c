/*
 * test_force.c - the team pools of SPEC 3.7 (force.h): one function, the
 * exact floor of troops x available x share / team size, and the pools the
 * model's convoys actually get.
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

int main(void)
{
  gsl_set_error_handler_off();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(pools_are_the_exact_floor_and_what_convoys_get),
    cmocka_unit_test(the_case_that_floating_point_floors_to_62),
    cmocka_unit_test(no_force_no_pools),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
