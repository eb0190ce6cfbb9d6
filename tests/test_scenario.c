/*
 * test_scenario.c - the scenario loader, overrides, timeline, manifest and
 * schema (SPEC section 3).
 *
 * Messages are asserted to the character: each bad fixture in data/bad/
 * holds one problem and must give exactly one message.  Paths are relative
 * to DATA_DIR (main() changes into it), so messages read "bad/x.cfg:4: ...".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "convoysim/scenario.h"
#include "convoysim/schema.h"

/* ------------------------------------------------------------ utilities */

static void load_ok(struct scenario *sc, const char *path, const char *const *sets, size_t n)
{
  struct diag d;
  diag_init(&d);
  enum err e = scenario_load(sc, path, sets, n, &d);
  if (e != ERR_OK || diag_count(&d) != 0)
    diag_print(&d, stderr);
  assert_int_equal(e, ERR_OK);
  assert_int_equal(diag_count(&d), 0);
  diag_release(&d);
}

/* Load expecting failure; d keeps the messages. */
static enum err load_bad(const char *path, const char *const *sets, size_t n, struct diag *d)
{
  struct scenario sc;
  diag_init(d);
  enum err e = scenario_load(&sc, path, sets, n, d);
  assert_int_not_equal(e, ERR_OK);
  return e;
}

static void assert_one_message(struct diag *d, const char *want)
{
  if (diag_count(d) != 1 || strcmp(d->msg[0], want) != 0) {
    fprintf(stderr, "want: %s\ngot %zu:\n", want, diag_count(d));
    diag_print(d, stderr);
  }
  assert_int_equal(diag_count(d), 1);
  assert_string_equal(d->msg[0], want);
}

/* ------------------------------------------------------------ bad files */

static const struct {
  const char *file;
  const char *message;
} bad_cases[] = {
  { "bad/bom.cfg", "bad/bom.cfg:1: the file starts with a UTF-8 byte-order mark, which libconfig cannot read: "
                   "save it as UTF-8 without a BOM" },
  { "bad/unquoted.cfg", "bad/unquoted.cfg:4: syntax error: the value defend_mandate of 'roe' is not quoted: "
                        "write roe = \"defend_mandate\";" },
  { "bad/include_missing.cfg",
    "bad/include_missing.cfg:2: cannot open include file 'no_such_include.cfg': No such file or directory" },
  { "bad/empty.cfg", "bad/empty.cfg: the file is empty: a scenario needs at least nodes, roads, convoys and horizon_days" },
  { "bad/unknown_key_node.cfg", "bad/unknown_key_node.cfg:4: unknown key 'lanse' in node 'ks'; did you mean 'lanes'?" },
  { "bad/unknown_key_root.cfg", "bad/unknown_key_root.cfg:9: unknown key 'horizon'; did you mean 'horizon_days'?" },
  { "bad/unknown_key_group.cfg", "bad/unknown_key_group.cfg:9: unknown key 'force.troop'; did you mean 'force.troops'?" },
  { "bad/missing_root.cfg", "bad/missing_root.cfg: missing 'horizon_days'" },
  { "bad/missing_element.cfg", "bad/missing_element.cfg:7: missing 'km' in road 0" },
  { "bad/int_type.cfg", "bad/int_type.cfg:4: 'lanes' must be an integer in [1, 10000], not \"two\"" },
  { "bad/int_range.cfg", "bad/int_range.cfg:4: 'lanes' must be an integer >= 1, not 0" },
  { "bad/int_fraction.cfg", "bad/int_fraction.cfg:8: 'trucks' must be an integer >= 1, not 2.5" },
  { "bad/real_type.cfg", "bad/real_type.cfg:7: 'km' must be a number > 0, not \"five\"" },
  { "bad/real_share.cfg", "bad/real_share.cfg:9: 'force.available' must be a number in [0, 1], not 1.5" },
  { "bad/seed_32bit.cfg", "bad/seed_32bit.cfg:9: 'seed' 3000000000 does not fit in 32 bits; write it as 3000000000L" },
  { "bad/seed_64bit.cfg", "bad/seed_64bit.cfg:3: 'seed' of 2^63 - 1 or more must be written as a string, e.g. "
                         "seed = \"18446744073709551615\" (libconfig cannot hold it as a number)" },
  { "bad/int_32bit.cfg", "bad/int_32bit.cfg:9: 'replications' 5000000000 does not fit in 32 bits; write it as 5000000000L" },
  { "bad/name_pattern.cfg", "bad/name_pattern.cfg:1: 'name' must be a string matching [A-Za-z0-9_-]+, not \"my run\"" },
  { "bad/enum_value.cfg", "bad/enum_value.cfg:5: 'kind' must be one of \"crossing\", \"depot\", \"distribution\", \"junction\", not \"distrbution\"; did you mean 'distribution'?" },
  { "bad/dist_unknown.cfg", "bad/dist_unknown.cfg:5: 'inspect_h': unknown distribution 'gama'; did you mean 'gamma'?" },
  { "bad/dist_missing_param.cfg", "bad/dist_missing_param.cfg:5: 'inspect_h': missing 'sd' for a normal distribution" },
  { "bad/dist_bad_param.cfg", "bad/dist_bad_param.cfg:5: 'inspect_h': 'sd' must be >= 0, not -1" },
  { "bad/dist_unknown_param.cfg", "bad/dist_unknown_param.cfg:5: unknown key 'maen' in 'inspect_h' (exponential takes mean); did you mean 'mean'?" },
  { "bad/dist_fixed_negative.cfg", "bad/dist_fixed_negative.cfg:4: 'inspect_h' must be a number >= 0 or a distribution group, not -1" },
  { "bad/hours.cfg", "bad/hours.cfg:4: 'open_h' must be [from, to] with 0 <= from < to <= 24, not [8, 8]" },
  { "bad/weekdays.cfg", "bad/weekdays.cfg:4: 'open_days' must be a list of weekdays 0..6, not [0, 7]" },
  { "bad/node_ref.cfg", "bad/node_ref.cfg:7: 'to': no node 'gazza'; did you mean 'gaza'?" },
  { "bad/route_no_road.cfg", "bad/route_no_road.cfg:9: 'route': no road joins 'rafah' and 'gaza'" },
  { "bad/route_start.cfg", "bad/route_start.cfg:9: 'route' must start at a crossing or depot, not at junction 'j'" },
  { "bad/route_end.cfg", "bad/route_end.cfg:9: 'route' must end at a distribution node, not at junction 'j'" },
  { "bad/zone_kind.cfg", "bad/zone_kind.cfg:7: 'zone' must be the id of a distribution node, not crossing 'ks'" },
  { "bad/roe_ref.cfg", "bad/roe_ref.cfg:9: 'force.roe': no ROE profile 'robus'; did you mean 'robust'?" },
  { "bad/qrf_base.cfg", "bad/qrf_base.cfg:9: 'force.qrf.bases': no node 'kss'; did you mean 'ks'?" },
  { "bad/roe_cap.cfg", "bad/roe_cap.cfg:10: 'roe_cap': no ROE profile 'gentle'" },
  { "bad/shares.cfg", "bad/shares.cfg:10: 'force.share' escort + patrol + qrf must be <= 1, not 1.1 (0.9 + 0.2 + 0)" },
  { "bad/deny_impede.cfg", "bad/deny_impede.cfg:9: 'coordination.deny_p' + 'coordination.impede_p' must be <= 1, not 1.1" },
  { "bad/road_window.cfg", "bad/road_window.cfg:7: road 'ks-gaza' needs 10 h at its mean speed (100 km at 10 km/h), longer than the 4 h movement window" },
  { "bad/count_horizon.cfg", "bad/count_horizon.cfg:8: 'count' 20 does not fit the horizon: departure 20 would leave at 456 h, not before 240 h" },
  { "bad/count_no_interval.cfg", "bad/count_no_interval.cfg:8: 'count' 2 needs 'every_h' or 'interarrival_h' (without them a convoy departs once)" },
  { "bad/duplicate_id.cfg", "bad/duplicate_id.cfg:6: duplicate node id 'ks' (first at line 4)" },
  { "bad/both_intervals.cfg", "bad/both_intervals.cfg:9: give 'every_h' or 'interarrival_h', not both" },
  { "bad/buildup_order.cfg", "bad/buildup_order.cfg:11: 'force.buildup' days must be ascending, not 10 after 20" },
  { "bad/min_trucks.cfg", "bad/min_trucks.cfg:8: 'min_trucks' must be <= 'trucks' (20), not 30" },
  { "bad/kind_key.cfg", "bad/kind_key.cfg:5: 'lanes' applies only to crossing nodes, not to distribution node 'gaza'" },
  { "bad/timeline_fixed.cfg", "bad/timeline_fixed.cfg:10: 'nodes.ks.kind' cannot change in a timeline: ids, kinds, routes, road ends, lists and run settings are fixed" },
  { "bad/timeline_run_setting.cfg", "bad/timeline_run_setting.cfg:10: 'horizon_days' cannot change in a timeline: ids, kinds, routes, road ends, lists and run settings are fixed" },
  { "bad/timeline_node.cfg", "bad/timeline_node.cfg:10: 'nodes.kx.lanes': no node 'kx'; did you mean 'ks'?" },
  { "bad/timeline_value.cfg", "bad/timeline_value.cfg:10: 'lanes' must be an integer >= 1, not 0" },
  { "bad/timeline_time0.cfg", "bad/timeline_time0.cfg:10: 'threats.desperation.initial' cannot change in a timeline: it is read once, at time 0" },
  { "bad/timeline_key.cfg", "bad/timeline_key.cfg:10: unknown key 'force.troop'; did you mean 'force.troops'?" },
  { "bad/syntax.cfg", "bad/syntax.cfg:2: syntax error" },
  { "bad/warmup.cfg", "bad/warmup.cfg:9: 'warmup_days' must be < 'horizon_days' (10), not 10" },
  { "bad/road_loop.cfg", "bad/road_loop.cfg:7: a road must join two different nodes, not 'ks' and 'ks'" },
  { "bad/group_type.cfg", "bad/group_type.cfg:9: 'force' must be a group { ... }, not 5" },
  { "bad/empty_list.cfg", "bad/empty_list.cfg:8: 'convoys' must hold at least one convoy" },
  { "bad/qrf_bases.cfg", "bad/qrf_bases.cfg:9: missing 'force.qrf.bases': the force has up to 10 QRF teams (set force.share.qrf = 0 for none)" },
  { "bad/interarrival_zero.cfg", "bad/interarrival_zero.cfg:8: 'interarrival_h' must have a mean > 0" },
  { "bad/sweep_fixed.cfg", "bad/sweep_fixed.cfg:9: 'nodes.ks.id' cannot be varied: ids, kinds, routes, road ends, lists, seed and replications are fixed" },
  { "bad/sweep_range.cfg", "bad/sweep_range.cfg:9: 'min' must be <= 'max', not 5 > 1" },
  { "bad/sweep_value.cfg", "bad/sweep_value.cfg:10: 'force.roe': no ROE profile 'nice'" },
  { "bad/roe_duplicate.cfg", "bad/roe_duplicate.cfg:10: duplicate ROE profile 'x' (first at line 9)" },
  { "bad/roe_value.cfg", "bad/roe_value.cfg:9: 'p_defeat' must be a number in [0, 1], not 1.5" },
  { "bad/bool_type.cfg", "bad/bool_type.cfg:9: 'description' must be a string, not 5" },
  { "bad/dist_share_kind.cfg", "bad/dist_share_kind.cfg:9: 'threats.crowd.loss': a share must be 'fixed', 'uniform', 'triangular' or 'beta', not 'exponential'" },
  { "bad/speed_zero.cfg", "bad/speed_zero.cfg:7: 'kmh' must be a number > 0 or a distribution group, not 0" },
  { "bad/mixed_array.cfg", "bad/mixed_array.cfg:4: syntax error: mismatched element type in array (write the numbers of a [ ] array alike: [8.0, 16.5], not [8, 16.5])" },
  { "bad/timeline_shares.cfg", "bad/timeline_shares.cfg:10: after the timeline changes of day 3: 'force.share' escort + patrol + qrf must be <= 1, not 1.1 (0.6 + 0.5 + 0)" },
  { "bad/timeline_road.cfg", "bad/timeline_road.cfg:10: after the timeline changes of day 2: road 'ks-gaza' needs 40 h at its mean speed (20 km at 0.5 km/h), longer than the 24 h movement window" },
};

static void each_bad_fixture_gives_its_one_exact_message(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
    struct diag d;
    assert_int_equal(load_bad(bad_cases[i].file, NULL, 0, &d), ERR_SCENARIO);
    assert_one_message(&d, bad_cases[i].message);
    diag_release(&d);
  }
}

static void every_bad_fixture_is_in_the_table(void **state)
{
  DIR *dir = opendir("bad");
  struct dirent *e;
  size_t n = 0;
  (void)state;
  assert_non_null(dir);
  while ((e = readdir(dir)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0 || strcmp(e->d_name, "multi.cfg") == 0)
      continue;
    bool found = false;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
      if (strcmp(bad_cases[i].file + 4, e->d_name) == 0)
        found = true;
    if (!found)
      fprintf(stderr, "bad/%s has no expected message\n", e->d_name);
    assert_true(found);
    n++;
  }
  closedir(dir);
  assert_int_equal(n, sizeof bad_cases / sizeof bad_cases[0]);
}

static void several_problems_are_all_reported_with_their_lines(void **state)
{
  struct diag d;
  (void)state;
  assert_int_equal(load_bad("bad/multi.cfg", NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 5);
  /* in reading order, whatever order the checks found them in */
  assert_string_equal(d.msg[0], "bad/multi.cfg:2: 'horizon_days' must be a number in (0, 36500], not -5");
  assert_string_equal(d.msg[1], "bad/multi.cfg:4: 'lanes' must be an integer >= 1, not 0");
  assert_string_equal(d.msg[2], "bad/multi.cfg:5: unknown key 'popluation' in node 'gaza'; did you mean 'population'?");
  assert_string_equal(d.msg[3], "bad/multi.cfg:7: 'kmh': missing 'sd' for a normal distribution");
  assert_string_equal(d.msg[4], "bad/multi.cfg:9: 'force.roe': no ROE profile 'robus'; did you mean 'robust'?");
  diag_release(&d);
}

static void a_missing_file_is_noinput_and_named(void **state)
{
  struct diag d;
  (void)state;
  assert_int_equal(load_bad("bad/no_such_file.cfg", NULL, 0, &d), ERR_NOINPUT);
  assert_one_message(&d, "bad/no_such_file.cfg: cannot open: No such file or directory");
  diag_release(&d);
  assert_int_equal(load_bad("bad", NULL, 0, &d), ERR_SCENARIO); /* a folder */
  assert_one_message(&d, "bad: not a regular file (a folder): give a scenario file");
  diag_release(&d);
}

/* A device is refused unread (it could be read without end), and so is a
 * file past SCENARIO_MAX_BYTES; both through a link, as a user met them. */
static void devices_and_huge_files_are_refused_unread(void **state)
{
  struct diag d;
  char dir[] = "/tmp/convoysim-test-XXXXXX", link[64], big[64];
  (void)state;
  assert_non_null(mkdtemp(dir));
  snprintf(link, sizeof link, "%s/zero.cfg", dir);
  assert_int_equal(symlink("/dev/zero", link), 0);
  assert_int_equal(load_bad(link, NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 1);
  assert_non_null(strstr(d.msg[0], ": not a regular file (a device or socket): give a scenario file"));
  diag_release(&d);
  snprintf(big, sizeof big, "%s/big.cfg", dir);
  FILE *f = fopen(big, "wb");
  assert_non_null(f);
  assert_int_equal(fseek(f, SCENARIO_MAX_BYTES, SEEK_SET), 0); /* one byte past the limit, sparse */
  assert_int_equal(fputc('\n', f), '\n');
  fclose(f);
  assert_int_equal(load_bad(big, NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 1);
  assert_non_null(strstr(d.msg[0], ": the file is 8388609 bytes, more than a scenario may hold (8388608): "
                                   "is it the right file?"));
  diag_release(&d);
  unlink(link);
  unlink(big);
  rmdir(dir);
}

/* libconfig 1.5 cannot end on a comment without a newline: the loader
 * gives the text its newline. */
static void a_comment_on_the_last_line_without_a_newline_loads(void **state)
{
  struct scenario sc;
  char path[] = "/tmp/convoysim-test-XXXXXX";
  (void)state;
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *in = fopen(CONVOYSIM_SOURCE_DIR "/scenarios/example.cfg", "rb"), *out = fdopen(fd, "wb");
  assert_non_null(in);
  assert_non_null(out);
  int c;
  while ((c = fgetc(in)) != EOF)
    fputc(c, out);
  fputs("warmup_days = 2.5; # a warm-up, and no newline after this comment", out);
  fclose(in);
  fclose(out);
  load_ok(&sc, path, NULL, 0);
  assert_true(sc.warmup_days == 2.5);
  scenario_release(&sc);
  unlink(path);
}

/* Inputs the fuzzer found (tests/fuzz/fuzz_scenario.c): each must fail
 * cleanly, with these messages. */
static void fuzz_findings_fail_cleanly(void **state)
{
  struct diag d;
  (void)state;
  /* a node whose id is not a string: suggestions must skip it */
  assert_int_equal(load_bad("fuzz/null_id_suggestion.cfg", NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 5);
  assert_string_equal(d.msg[1], "fuzz/null_id_suggestion.cfg:5: 'id' must be a string matching [A-Za-z0-9_-]+, not 45");
  assert_string_equal(d.msg[3], "fuzz/null_id_suggestion.cfg:6: 'route': no node 'ks'");
  diag_release(&d);
  /* a timeline in a file without nodes or contingents (memcpy from NULL) */
  assert_int_equal(load_bad("fuzz/timeline_without_nodes.cfg", NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 7);
  assert_string_equal(d.msg[3], "fuzz/timeline_without_nodes.cfg:8: 'kind' must be one of \"crossing\", \"depot\", "
                                "\"distribution\", \"junction\", not \"otd;ep\"");
  assert_string_equal(d.msg[0], "fuzz/timeline_without_nodes.cfg: missing 'convoys'");
  diag_release(&d);
  /* --set into a key that the file made a list instead of a group */
  const char *qrf0[] = { "force.share.qrf=0.0" };
  assert_int_equal(load_bad("fuzz/set_into_a_list.cfg", qrf0, 1, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 6);
  assert_string_equal(d.msg[0], "--set force.share.qrf: 'force' is not a group, so it has no 'share'");
  assert_string_equal(d.msg[5], "fuzz/set_into_a_list.cfg:10: 'force' must be a group { ... }, not (...)");
  diag_release(&d);
  const char *deep[] = { "convoys.c1.route.0=1" };
  assert_int_equal(load_bad("good/full.cfg", deep, 1, &d), ERR_SCENARIO);
  assert_one_message(&d, "--set convoys.c1.route.0: 'route' is not a group, so it has no '0'");
  diag_release(&d);
  struct scenario sc;
  const char *no_nodes = "name = \"t\"; horizon_days = 1; roads = (); convoys = ();\n"
                         "timeline = ( { day = 1.0; set = ( (\"threats.policing.level\", 0.5) ); } );\n";
  diag_init(&d);
  assert_int_equal(scenario_load_string(&sc, no_nodes, "mem", NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 3);
  assert_string_equal(d.msg[0], "mem: missing 'nodes'");
  diag_release(&d);
}

/* ------------------------------------------------------------ defaults */

static void a_minimal_file_gets_the_defaults_of_spec_3_11(void **state)
{
  struct scenario sc;
  (void)state;
  load_ok(&sc, "good/minimal.cfg", NULL, 0);
  assert_string_equal(sc.name, "minimal");
  assert_string_equal(sc.description, "");
  assert_int_equal(sc.replications, 1000);
  assert_true(sc.seed == 1);
  assert_true(sc.tonnes_per_truck == 11.0);
  assert_true(sc.success_fraction == 0.9);
  assert_true(sc.movement.window_h.from == 0.0 && sc.movement.window_h.to == 24.0);
  const struct node *ks = &sc.nodes[0];
  assert_int_equal(ks->kind, NODE_CROSSING);
  assert_int_equal(ks->lanes, 1);
  assert_true(ks->inspect_h.kind == DIST_FIXED && dist_mean(&ks->inspect_h) == 0.5);
  assert_int_equal(ks->open_days, WEEKDAYS_ALL);
  assert_int_equal(ks->daily_cap, SCENARIO_UNLIMITED);
  assert_int_equal(sc.fleet.trucks, SCENARIO_UNLIMITED);
  assert_true(dist_mean(&sc.roads[0].kmh) == 15.0);
  assert_int_equal(sc.roads[0].zone, -1);
  assert_string_equal(sc.roads[0].id, "ks-gaza_city");
  assert_int_equal(sc.convoys[0].trucks, 20);
  assert_int_equal(sc.convoys[0].count, SCENARIO_UNLIMITED);
  assert_int_equal(sc.convoys[0].legs[0], 0);
  assert_int_equal(sc.convoys[0].escort_teams, 1);
  assert_false(sc.force.present);
  assert_false(sc.coordination.present);
  assert_false(sc.ceasefire.present);
  assert_false(sc.threats.escalation.present);
  assert_true(sc.force.available == 0.33);
  assert_true(sc.force.share_escort == 0.2 && sc.force.share_patrol == 0.1 && sc.force.share_qrf == 0.05);
  assert_string_equal(sc.roe[sc.force.roe].name, "defend_mandate");
  assert_int_equal(sc.force.escort_team_size, 8);
  assert_true(fabs(dist_mean(&sc.force.qrf_notice_h) - 1.0 / 6.0) < 1e-15);
  assert_true(sc.force.qrf_kmh == 30.0);
  assert_true(dist_mean(&sc.threats.armed.party) == 5.0);
  assert_true(dist_mean(&sc.threats.armed.loss) == 0.9);
  assert_int_equal(sc.threats.crowd.loss.kind, DIST_UNIFORM);
  assert_true(sc.threats.crowd.loss.p[0] == 0.3 && sc.threats.crowd.loss.p[1] == 1.0);
  assert_true(sc.threats.desperation.window_days == 14.0);
  assert_true(sc.threats.escalation.hazard_multiplier == 1.5 && dist_mean(&sc.threats.escalation.duration_h) == 168.0);
  assert_true(sc.threats.policing.effect == 0.5);
  assert_true(dist_mean(&sc.ceasefire.halt_h) == 24.0);
  /* the built-in ROE profiles, in order */
  assert_int_equal(sc.n_roe, 3);
  assert_string_equal(sc.roe[0].name, "self_defence");
  assert_string_equal(sc.roe[2].name, "robust");
  assert_true(sc.roe[1].engage_armed == 0.9 && sc.roe[1].p_defeat == 0.6 && sc.roe[1].force_harm == 0.05);
  assert_true(sc.roe[2].level == 2 && sc.roe[2].escalation_p == 0.15);
  assert_true(sc.total_road_km == 45.0);
  /* defaults are listed, in schema order; keys of absent groups are not */
  assert_true(sc.n_defaults > 20);
  for (size_t i = 0; i < sc.n_defaults; i++) {
    assert_false(strncmp(sc.defaults[i].key->path, "force.", 6) == 0);
    if (i > 0)
      assert_true(sc.defaults[i - 1].key <= sc.defaults[i].key);
  }
  scenario_release(&sc);
}

static void a_large_but_harmless_value_is_accepted(void **state)
{
  struct scenario sc;
  const char *sets[] = { "threats.desperation.window_days=1.0e12", "seed=3000000000L",
                         "convoys.daily.max_wait_h=1e300" };
  (void)state;
  load_ok(&sc, "good/minimal.cfg", sets, 3);
  assert_true(sc.threats.desperation.window_days == 1.0e12);
  assert_true(sc.seed == 3000000000ULL);
  scenario_release(&sc);
  const char *big[] = { "seed=\"18446744073709551615\"" };
  load_ok(&sc, "good/minimal.cfg", big, 1);
  assert_true(sc.seed == UINT64_MAX);
  scenario_release(&sc);
}

static void desperation_defaults_to_the_initial_value(void **state)
{
  struct scenario sc;
  const char *sets[] = { "threats.desperation.initial=0.4" };
  (void)state;
  load_ok(&sc, "good/minimal.cfg", sets, 1);
  assert_true(sc.nodes[1].desperation == 0.4);
  scenario_release(&sc);
}

/* ------------------------------------------------------------ full file */

static void a_full_file_resolves_every_reference(void **state)
{
  struct scenario sc;
  (void)state;
  load_ok(&sc, "good/full.cfg", NULL, 0);
  assert_int_equal(sc.n_nodes, 3);
  assert_int_equal(sc.nodes[0].lanes, 2);
  assert_int_equal(sc.nodes[0].inspect_h.kind, DIST_GAMMA);
  assert_int_equal(sc.nodes[0].daily_cap, 300);
  assert_true(sc.nodes[0].supply_trucks_per_day == 120.5);
  assert_int_equal(sc.nodes[0].supply_arrivals, SUPPLY_BATCH);
  assert_int_equal(sc.nodes[0].open_days, 0x1f);
  assert_true(sc.nodes[0].open_h.from == 8.0 && sc.nodes[0].open_h.to == 16.0);
  assert_int_equal(sc.nodes[2].stock_trucks, 50);
  assert_int_equal(sc.roads[0].zone, 1);
  assert_string_equal(sc.roads[1].id, "depot-khan");
  assert_int_equal(sc.convoys[1].route[0], 2);
  assert_int_equal(sc.convoys[1].legs[0], 1);
  assert_true(sc.convoys[1].has_interarrival);
  assert_int_equal(sc.convoys[1].escort_teams, 2);
  assert_int_equal(sc.convoys[1].count, SCENARIO_UNLIMITED);
  assert_true(sc.force.present);
  assert_string_equal(sc.roe[sc.force.roe].name, "robust");
  assert_true(sc.roe[2].p_defeat == 0.85);    /* overridden key */
  assert_true(sc.roe[2].engage_armed == 1.0); /* kept from the built-in */
  assert_int_equal(sc.n_roe, 4);
  assert_string_equal(sc.roe[3].name, "gentle");
  assert_true(sc.roe[3].deter_armed == 1.0 && sc.roe[3].engage_armed == 0.1 && sc.roe[3].level == -1);
  assert_int_equal(sc.force.n_contingents, 2);
  assert_int_equal(sc.force.contingents[0].roe_cap, 0);
  assert_int_equal(sc.force.contingents[1].roe_cap, -1);
  assert_int_equal(sc.force.n_buildup, 2);
  assert_true(sc.force.buildup[1].day == 20.0 && sc.force.buildup[1].troops == 8000.0);
  assert_int_equal(sc.force.n_qrf_bases, 1);
  assert_true(sc.threats.escalation.present);
  assert_true(sc.ceasefire.present);
  assert_true(sc.coordination.present);
  assert_int_equal(sc.coordination.impede_delay_h.kind, DIST_LOGNORMAL);
  assert_int_equal(sc.fleet.trucks, 400);
  /* timeline sorted by day, stable within a day */
  assert_int_equal(sc.n_timeline, 4);
  assert_true(sc.timeline[0].day == 2.0 && sc.timeline[1].day == 2.0);
  assert_string_equal(sc.timeline[0].key, "nodes.ks.daily_cap");
  assert_int_equal(sc.timeline[0].value.u.i, SCENARIO_UNLIMITED);
  assert_string_equal(sc.timeline[1].key, "threats.policing.level");
  assert_string_equal(sc.timeline[2].key, "nodes.ks.daily_cap");
  assert_int_equal(sc.timeline[2].region, REGION_NODE);
  assert_int_equal(sc.timeline[2].index, 0);
  assert_string_equal(sc.timeline[3].key, "force.roe");
  /* sweep */
  assert_true(sc.sweep.present);
  assert_int_equal(sc.sweep.design, DESIGN_LHS);
  assert_int_equal(sc.sweep.n_vary, 2);
  assert_true(sc.sweep.vary[0].min == 0.0 && sc.sweep.vary[0].max == 20000.0);
  assert_int_equal(sc.sweep.vary[1].n_values, 2);
  assert_int_equal(sc.sweep.vary[1].values[1].u.i, 3);
  scenario_release(&sc);
}

static void timeline_changes_apply_to_the_struct(void **state)
{
  struct scenario sc;
  (void)state;
  load_ok(&sc, "good/full.cfg", NULL, 0);
  for (size_t i = 0; i < sc.n_timeline; i++)
    scenario_apply_change(&sc, &sc.timeline[i]);
  assert_int_equal(sc.nodes[0].daily_cap, 100);
  assert_true(sc.threats.policing.level == 0.5);
  assert_string_equal(sc.roe[sc.force.roe].name, "self_defence");
  scenario_release(&sc);
}

/* ------------------------------------------------------------ --set */

static void overrides_address_elements_by_id_name_and_index(void **state)
{
  struct scenario sc;
  const char *sets[] = { "nodes.ks.lanes=3", "roe_profiles.robust.p_defeat=0.7", "convoys.0.trucks=12",
                         "force.roe=robust", "nodes.1.need_t_per_day=500", "roads.ks-gaza_city.kmh={ dist = \"uniform\"; min = 10.0; max = 20.0; }",
                         "description=hello" };
  (void)state;
  load_ok(&sc, "good/minimal.cfg", sets, 7);
  assert_int_equal(sc.nodes[0].lanes, 3);
  assert_true(sc.roe[2].p_defeat == 0.7);
  assert_true(sc.roe[2].engage_armed == 1.0); /* the rest of the built-in stays */
  assert_int_equal(sc.convoys[0].trucks, 12);
  assert_true(sc.nodes[1].need_t_per_day == 500.0);
  assert_int_equal(sc.roads[0].kmh.kind, DIST_UNIFORM);
  assert_string_equal(sc.description, "hello");
  /* a key of an absent group creates it: the mechanism switches on */
  assert_true(sc.force.present);
  assert_string_equal(sc.roe[sc.force.roe].name, "robust");
  assert_false(sc.coordination.present);
  scenario_release(&sc);

  const char *on[] = { "coordination.deny_p=0.25", "threats.escalation.duration_h=24" };
  load_ok(&sc, "good/minimal.cfg", on, 2);
  assert_true(sc.coordination.present);
  assert_true(sc.coordination.deny_p == 0.25);
  assert_true(sc.threats.escalation.present);
  assert_true(sc.threats.escalation.hazard_multiplier == 1.5);
  scenario_release(&sc);

  /* later sets win; a set replaces a whole dist group's member */
  const char *twice[] = { "nodes.ks.lanes=2", "nodes.ks.lanes=5" };
  load_ok(&sc, "good/minimal.cfg", twice, 2);
  assert_int_equal(sc.nodes[0].lanes, 5);
  scenario_release(&sc);
  const char *member[] = { "nodes.ks.inspect_h.sd=0.2" };
  load_ok(&sc, "good/full.cfg", member, 1);
  assert_true(sc.nodes[0].inspect_h.p[1] == 0.2);
  scenario_release(&sc);
}

static const struct {
  const char *set;
  const char *message;
} bad_sets[] = {
  { "nodes.kx.lanes=2", "--set nodes.kx.lanes: no node 'kx'; did you mean 'ks'?" },
  { "nodes.7.lanes=2", "--set nodes.7.lanes: index 7 is out of range (2 nodes)" },
  { "nodes.ks.lanse=2", "--set nodes.ks.lanse: unknown key 'lanse' in node 'ks'; did you mean 'lanes'?" },
  { "nodes.ks.lanes=0", "--set nodes.ks.lanes: 'lanes' must be an integer >= 1, not 0" },
  { "nodes.ks.lanes=two", "--set nodes.ks.lanes: 'lanes' must be an integer in [1, 10000], not \"two\"" },
  { "nodes.ks.lanes=10001", "--set nodes.ks.lanes: 'lanes' must be an integer in [1, 10000], not 10001" },
  { "nodes.ks.lanes=99999999999L", "--set nodes.ks.lanes: 'lanes' must be an integer in [1, 10000], not 99999999999" },
  { "nodes.ks.lanes=-2.0", "--set nodes.ks.lanes: 'lanes' must be an integer >= 1, not -2" },
  { "fleet.trucks=1e19", "--set fleet.trucks: 'fleet.trucks' must be an integer in [0, 9223372036854775807] or \"none\", not 1e+19" },
  { "convoys.daily.trucks=3000000000L", "--set convoys.daily.trucks: 'trucks' must be an integer in [1, 2147483647], not 3000000000" },
  { "replications=99999999999999999999", "--set replications: 'replications' must be an integer in [1, 9223372036854775807], not 99999999999999999999" },
  { "replications=99999999999999999999L", "--set replications: 'replications' must be an integer in [1, 9223372036854775807], not 99999999999999999999L" },
  { "force.troops=99999999999999999999L", "--set force.troops: 'force.troops' 99999999999999999999L does not fit in 64 bits; write it as a real, 99999999999999999999.0" },
  { "force.troops=0x1ffffffffffffffffL", "--set force.troops: 'force.troops' 0x1ffffffffffffffffL does not fit in 64 bits" },
  { "nodes.ks.lanes=[1,", "--set nodes.ks.lanes: cannot read the value '[1,': syntax error" },
  { "force.troop=5", "--set force.troop: unknown key 'force.troop'; did you mean 'force.troops'?" },
  { "force.roe=robus", "--set force.roe: 'force.roe': no ROE profile 'robus'; did you mean 'robust'?" },
  { "seed=3000000000", "--set seed: 'seed' 3000000000 does not fit in 32 bits; write it as 3000000000L" },
  { "lanes", "--set 'lanes': expected KEY=VALUE" },
  { "nodes..lanes=1", "--set nodes..lanes: 'nodes..lanes' is not a key path (a.b.c)" },
  { "nodes.ks=1", "--set nodes.ks: set the keys of a node, not the whole element" },
  { "force.contingents.x.troops=1", "--set force.contingents.x.troops: no contingent 'x'" },
  { "roe_profiles.gentle.level=1", "--set roe_profiles.gentle.level: no ROE profile 'gentle'" },
  { "name.x=1", "--set name.x: 'name' is not a group, so it has no 'x'" },
  { "coordination.deny_p=0.7", "--set coordination.deny_p: 'coordination.deny_p' + 'coordination.impede_p' must be <= 1, not 1.2" },
};

static void override_errors_name_the_set(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof bad_sets / sizeof bad_sets[0]; i++) {
    struct diag d;
    const char *sets[2] = { bad_sets[i].set, "coordination.impede_p=0.5" };
    size_t n = strncmp(bad_sets[i].set, "coordination", 12) == 0 ? 2 : 1;
    assert_int_equal(load_bad("good/minimal.cfg", sets, n, &d), ERR_SCENARIO);
    assert_one_message(&d, bad_sets[i].message);
    diag_release(&d);
  }
}

/* ------------------------------------------------------------ in memory */

static void set_changes_a_loaded_scenario_with_the_same_checks(void **state)
{
  struct scenario sc;
  struct diag d;
  (void)state;
  load_ok(&sc, "good/minimal.cfg", NULL, 0);
  diag_init(&d);
  assert_int_equal(scenario_set(&sc, "force.share.qrf", "0", &d), ERR_OK);
  assert_true(sc.force.present);
  assert_int_equal(scenario_set(&sc, "force.troops", "2000", &d), ERR_OK);
  assert_true(sc.force.troops == 2000.0);
  assert_int_equal(scenario_set(&sc, "force.roe", "robust", &d), ERR_OK);
  assert_int_equal(sc.force.roe, 2);
  assert_int_equal(scenario_set(&sc, "force.escort.teams_per_convoy", "3", &d), ERR_OK);
  assert_int_equal(sc.convoys[0].escort_teams, 3); /* it was defaulted */
  assert_int_equal(scenario_set(&sc, "nodes.gaza_city.need_t_per_day", "100", &d), ERR_OK);
  assert_int_equal(scenario_set(&sc, "tonnes_per_truck", "12.5", &d), ERR_OK); /* a run setting may be swept */
  assert_true(sc.tonnes_per_truck == 12.5);
  assert_true(sc.total_need_t_per_day == 100.0);
  assert_int_equal(diag_count(&d), 0);

  assert_int_equal(scenario_set(&sc, "nodes.ks.lanes", "0", &d), ERR_SCENARIO);
  assert_one_message(&d, "--set nodes.ks.lanes: 'lanes' must be an integer >= 1, not 0");
  diag_release(&d);
  diag_init(&d);
  assert_int_equal(scenario_set(&sc, "nodes.ks.kind", "depot", &d), ERR_SCENARIO);
  assert_one_message(&d, "--set nodes.ks.kind: 'nodes.ks.kind' cannot change: ids, kinds, routes, road ends, lists, seed and replications are fixed");
  diag_release(&d);
  diag_init(&d);
  assert_int_equal(scenario_set(&sc, "force.share.escort", "0.99", &d), ERR_SCENARIO);
  assert_one_message(&d, "good/minimal.cfg: 'force.share' escort + patrol + qrf must be <= 1, not 1.09 (0.99 + 0.1 + 0)");
  diag_release(&d);
  scenario_release(&sc);
}

static void resolve_gives_a_change_for_apply(void **state)
{
  struct scenario sc;
  struct diag d;
  struct timeline_change c;
  (void)state;
  load_ok(&sc, "good/full.cfg", NULL, 0);
  diag_init(&d);
  assert_int_equal(scenario_resolve(&sc, "nodes.ks.daily_cap", "none", &c, &d), ERR_OK);
  assert_int_equal(c.region, REGION_NODE);
  assert_int_equal(c.index, 0);
  assert_int_equal(c.value.u.i, SCENARIO_UNLIMITED);
  scenario_apply_change(&sc, &c);
  assert_int_equal(sc.nodes[0].daily_cap, SCENARIO_UNLIMITED);
  scenario_change_release(&c);
  assert_int_equal(scenario_resolve(&sc, "threats.crowd.loss", "{ dist = \"beta\"; a = 1; b = 1; }", &c, &d), ERR_OK);
  assert_int_equal(c.value.u.d.kind, DIST_BETA);
  scenario_change_release(&c);
  assert_int_equal(scenario_resolve(&sc, "force.contingents.b.roe_cap", "robust", &c, &d), ERR_OK);
  scenario_apply_change(&sc, &c);
  assert_int_equal(sc.force.contingents[1].roe_cap, 2);
  scenario_change_release(&c);
  assert_int_equal(diag_count(&d), 0);
  assert_int_equal(scenario_resolve(&sc, "roads.ks-khan.from", "\"depot\"", &c, &d), ERR_SCENARIO);
  assert_int_equal(scenario_resolve(&sc, "threats.crowd.loss", "{ dist = \"beta\"; a = 1; }", &c, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 2);
  assert_string_equal(d.msg[1], "--set threats.crowd.loss: 'threats.crowd.loss': missing 'b' for a beta distribution");
  diag_release(&d);
  scenario_release(&sc);
}

/* ------------------------------------------------------------ manifest */

static void same_dist(const struct dist *a, const struct dist *b)
{
  assert_int_equal(a->kind, b->kind);
  assert_memory_equal(a->p, b->p, sizeof a->p);
  assert_memory_equal(a->q, b->q, sizeof a->q);
  assert_int_equal(a->flags, b->flags);
}

#define SAME_REAL(x, y) assert_memory_equal(&(x), &(y), sizeof(double))

static void same_value(const struct value *a, const struct value *b)
{
  assert_int_equal(a->type, b->type);
  switch (a->type) {
  case VALUE_REAL: SAME_REAL(a->u.r, b->u.r); break;
  case VALUE_DIST: same_dist(&a->u.d, &b->u.d); break;
  case VALUE_HOURS: SAME_REAL(a->u.h.from, b->u.h.from); SAME_REAL(a->u.h.to, b->u.h.to); break;
  case VALUE_WEEKDAYS: assert_int_equal(a->u.mask, b->u.mask); break;
  case VALUE_STRING: assert_string_equal(a->u.s, b->u.s); break;
  default: assert_int_equal(a->u.i, b->u.i); break;
  }
}

/* Every field but file names, lines and the defaults list. */
static void assert_same_scenario(const struct scenario *a, const struct scenario *b)
{
  assert_string_equal(a->name, b->name);
  assert_string_equal(a->description, b->description);
  SAME_REAL(a->horizon_days, b->horizon_days);
  assert_int_equal(a->replications, b->replications);
  assert_true(a->seed == b->seed);
  SAME_REAL(a->tonnes_per_truck, b->tonnes_per_truck);
  SAME_REAL(a->success_fraction, b->success_fraction);
  SAME_REAL(a->warmup_days, b->warmup_days);
  SAME_REAL(a->movement.window_h.from, b->movement.window_h.from);
  SAME_REAL(a->movement.window_h.to, b->movement.window_h.to);
  SAME_REAL(a->movement.rest_exposure, b->movement.rest_exposure);
  assert_int_equal(a->n_nodes, b->n_nodes);
  for (size_t i = 0; i < a->n_nodes; i++) {
    const struct node *x = &a->nodes[i], *y = &b->nodes[i];
    assert_string_equal(x->id, y->id);
    assert_int_equal(x->kind, y->kind);
    assert_int_equal(x->lanes, y->lanes);
    same_dist(&x->inspect_h, &y->inspect_h);
    SAME_REAL(x->open_h.from, y->open_h.from);
    SAME_REAL(x->open_h.to, y->open_h.to);
    assert_int_equal(x->open_days, y->open_days);
    assert_int_equal(x->daily_cap, y->daily_cap);
    SAME_REAL(x->supply_trucks_per_day, y->supply_trucks_per_day);
    assert_int_equal(x->supply_arrivals, y->supply_arrivals);
    same_dist(&x->transfer_h, &y->transfer_h);
    assert_int_equal(x->backlog_trucks, y->backlog_trucks);
    assert_int_equal(x->stock_trucks, y->stock_trucks);
    SAME_REAL(x->population, y->population);
    SAME_REAL(x->need_t_per_day, y->need_t_per_day);
    SAME_REAL(x->desperation, y->desperation);
  }
  assert_int_equal(a->n_roads, b->n_roads);
  for (size_t i = 0; i < a->n_roads; i++) {
    const struct road *x = &a->roads[i], *y = &b->roads[i];
    assert_string_equal(x->id, y->id);
    assert_int_equal(x->from, y->from);
    assert_int_equal(x->to, y->to);
    SAME_REAL(x->km, y->km);
    same_dist(&x->kmh, &y->kmh);
    SAME_REAL(x->armed_per_h, y->armed_per_h);
    SAME_REAL(x->crowd_per_h, y->crowd_per_h);
    assert_int_equal(x->zone, y->zone);
  }
  assert_int_equal(a->n_convoys, b->n_convoys);
  for (size_t i = 0; i < a->n_convoys; i++) {
    const struct convoy_schedule *x = &a->convoys[i], *y = &b->convoys[i];
    assert_string_equal(x->id, y->id);
    assert_int_equal(x->route_len, y->route_len);
    assert_memory_equal(x->route, y->route, x->route_len * sizeof *x->route);
    assert_memory_equal(x->legs, y->legs, (x->route_len - 1) * sizeof *x->legs);
    SAME_REAL(x->depart_h, y->depart_h);
    SAME_REAL(x->every_h, y->every_h);
    assert_int_equal(x->has_interarrival, y->has_interarrival);
    same_dist(&x->interarrival_h, &y->interarrival_h);
    assert_int_equal(x->count, y->count);
    assert_int_equal(x->trucks, y->trucks);
    assert_int_equal(x->escort_teams, y->escort_teams);
    SAME_REAL(x->max_wait_h, y->max_wait_h);
    assert_int_equal(x->min_trucks, y->min_trucks);
  }
  assert_int_equal(a->n_roe, b->n_roe);
  for (size_t i = 0; i < a->n_roe; i++) {
    const struct roe_profile *x = &a->roe[i], *y = &b->roe[i];
    assert_string_equal(x->name, y->name);
    assert_int_equal(x->level, y->level);
    SAME_REAL(x->engage_armed, y->engage_armed);
    SAME_REAL(x->engage_crowd, y->engage_crowd);
    SAME_REAL(x->p_defeat, y->p_defeat);
    SAME_REAL(x->deter_armed, y->deter_armed);
    SAME_REAL(x->deter_crowd, y->deter_crowd);
    SAME_REAL(x->patrol_deter, y->patrol_deter);
    SAME_REAL(x->escalation_p, y->escalation_p);
    SAME_REAL(x->harm_armed, y->harm_armed);
    SAME_REAL(x->harm_crowd, y->harm_crowd);
    SAME_REAL(x->force_harm, y->force_harm);
  }
  assert_int_equal(a->coordination.present, b->coordination.present);
  SAME_REAL(a->coordination.deny_p, b->coordination.deny_p);
  SAME_REAL(a->coordination.impede_p, b->coordination.impede_p);
  same_dist(&a->coordination.impede_delay_h, &b->coordination.impede_delay_h);
  assert_int_equal(a->fleet.trucks, b->fleet.trucks);
  const struct force *f = &a->force, *g = &b->force;
  assert_int_equal(f->present, g->present);
  SAME_REAL(f->troops, g->troops);
  SAME_REAL(f->available, g->available);
  SAME_REAL(f->share_escort, g->share_escort);
  SAME_REAL(f->share_patrol, g->share_patrol);
  SAME_REAL(f->share_qrf, g->share_qrf);
  assert_int_equal(f->roe, g->roe);
  assert_int_equal(f->escort_team_size, g->escort_team_size);
  assert_int_equal(f->teams_per_convoy, g->teams_per_convoy);
  assert_int_equal(f->escort_policy, g->escort_policy);
  assert_int_equal(f->patrol_team_size, g->patrol_team_size);
  SAME_REAL(f->patrol_km_per_team, g->patrol_km_per_team);
  assert_int_equal(f->qrf_team_size, g->qrf_team_size);
  assert_int_equal(f->n_qrf_bases, g->n_qrf_bases);
  if (f->n_qrf_bases)
    assert_memory_equal(f->qrf_bases, g->qrf_bases, f->n_qrf_bases * sizeof *f->qrf_bases);
  same_dist(&f->qrf_notice_h, &g->qrf_notice_h);
  SAME_REAL(f->qrf_kmh, g->qrf_kmh);
  SAME_REAL(f->cost_per_troop_day, g->cost_per_troop_day);
  assert_int_equal(f->n_contingents, g->n_contingents);
  for (size_t i = 0; i < f->n_contingents; i++) {
    assert_string_equal(f->contingents[i].name, g->contingents[i].name);
    SAME_REAL(f->contingents[i].troops, g->contingents[i].troops);
    assert_int_equal(f->contingents[i].roe_cap, g->contingents[i].roe_cap);
  }
  assert_int_equal(f->n_buildup, g->n_buildup);
  for (size_t i = 0; i < f->n_buildup; i++) {
    SAME_REAL(f->buildup[i].day, g->buildup[i].day);
    SAME_REAL(f->buildup[i].troops, g->buildup[i].troops);
  }
  const struct threats *t = &a->threats, *u = &b->threats;
  same_dist(&t->armed.party, &u->armed.party);
  same_dist(&t->armed.loss, &u->armed.loss);
  same_dist(&t->armed.duration_h, &u->armed.duration_h);
  SAME_REAL(t->armed.strength_exponent, u->armed.strength_exponent);
  SAME_REAL(t->armed.driver_harm, u->armed.driver_harm);
  SAME_REAL(t->crowd.stop_p, u->crowd.stop_p);
  same_dist(&t->crowd.loss, &u->crowd.loss);
  same_dist(&t->crowd.duration_h, &u->crowd.duration_h);
  SAME_REAL(t->crowd.desperation_slope, u->crowd.desperation_slope);
  assert_int_equal(t->desperation.present, u->desperation.present);
  SAME_REAL(t->desperation.window_days, u->desperation.window_days);
  SAME_REAL(t->desperation.initial, u->desperation.initial);
  assert_int_equal(t->escalation.present, u->escalation.present);
  SAME_REAL(t->escalation.hazard_multiplier, u->escalation.hazard_multiplier);
  same_dist(&t->escalation.duration_h, &u->escalation.duration_h);
  SAME_REAL(t->policing.level, u->policing.level);
  SAME_REAL(t->policing.effect, u->policing.effect);
  assert_int_equal(a->ceasefire.present, b->ceasefire.present);
  SAME_REAL(a->ceasefire.violations_per_day, b->ceasefire.violations_per_day);
  same_dist(&a->ceasefire.halt_h, &b->ceasefire.halt_h);
  SAME_REAL(a->ceasefire.tension_multiplier, b->ceasefire.tension_multiplier);
  SAME_REAL(a->ceasefire.collapse_p, b->ceasefire.collapse_p);
  SAME_REAL(a->ceasefire.war_multiplier, b->ceasefire.war_multiplier);
  assert_int_equal(a->n_timeline, b->n_timeline);
  for (size_t i = 0; i < a->n_timeline; i++) {
    const struct timeline_change *x = &a->timeline[i], *y = &b->timeline[i];
    SAME_REAL(x->day, y->day);
    assert_string_equal(x->key, y->key);
    assert_int_equal(x->region, y->region);
    assert_int_equal(x->index, y->index);
    assert_int_equal(x->offset, y->offset);
    same_value(&x->value, &y->value);
  }
  assert_int_equal(a->sweep.present, b->sweep.present);
  assert_int_equal(a->sweep.design, b->sweep.design);
  assert_int_equal(a->sweep.points, b->sweep.points);
  assert_int_equal(a->sweep.n_vary, b->sweep.n_vary);
  for (size_t i = 0; i < a->sweep.n_vary; i++) {
    const struct sweep_factor *x = &a->sweep.vary[i], *y = &b->sweep.vary[i];
    assert_string_equal(x->key, y->key);
    assert_int_equal(x->n_values, y->n_values);
    for (size_t j = 0; j < x->n_values; j++)
      same_value(&x->values[j], &y->values[j]);
    SAME_REAL(x->min, y->min);
    SAME_REAL(x->max, y->max);
  }
  SAME_REAL(a->total_road_km, b->total_road_km);
  SAME_REAL(a->total_population, b->total_population);
  SAME_REAL(a->total_need_t_per_day, b->total_need_t_per_day);
}

static void round_trip(const char *path, const char *const *sets, size_t n)
{
  struct scenario a, b;
  char tmp[] = "/tmp/convoysim_manifest_XXXXXX";
  int fd = mkstemp(tmp);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  load_ok(&a, path, sets, n);
  assert_int_equal(scenario_write(&a, f, "convoysim test\nsecond line"), ERR_OK);
  fclose(f);
  load_ok(&b, tmp, NULL, 0);
  assert_same_scenario(&a, &b);
  for (size_t i = 0; i < b.n_defaults; i++) /* every key explicit but absent states */
    assert_true(b.defaults[i].key->flags & SCHEMA_OPTIONAL);
  scenario_release(&a);
  scenario_release(&b);
  unlink(tmp);
}

static void the_manifest_loads_back_into_an_identical_struct(void **state)
{
  (void)state;
  round_trip("good/full.cfg", NULL, 0);
  round_trip("good/minimal.cfg", NULL, 0);
  const char *sets[] = { "seed=\"18446744073709551615\"", "description=\"tab\there \\\"q\\\" \\\\ end\"",
                         "threats.desperation.window_days=0.1e3", "nodes.ks.inspect_h=0.1",
                         "force.qrf.notice_h={ dist = \"triangular\"; min = 0.1; mode = 0.2; max = 0.7; }",
                         "force.share.qrf=0.0" };
  round_trip("good/minimal.cfg", sets, 6);
}

/* ------------------------------------------------------------ shipped */

static size_t check_tree(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t n = 0;
  if (d == NULL)
    return 0;
  while ((e = readdir(d)) != NULL) {
    char path[4096];
    struct stat st;
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      n += check_tree(path);
      continue;
    }
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".cfg") != 0)
      continue;
    fprintf(stderr, "checking %s\n", path);
    round_trip(path, NULL, 0);
    n++;
  }
  closedir(d);
  return n;
}

static void every_shipped_scenario_loads_clean_and_round_trips(void **state)
{
  (void)state;
  assert_true(check_tree(SOURCE_DIR "/scenarios") >= 1);
}

/* ------------------------------------------------------------ schema */

static void schema_groups_are_contiguous_and_defaults_valid(void **state)
{
  (void)state;
  for (size_t i = 0; i < schema_n_keys; i++) {
    const struct schema_key *k = &schema_keys[i];
    assert_non_null(k->meaning);
    assert_true(k->def == NULL || !(k->flags & SCHEMA_REQUIRED));
    /* the parent groups of a key must not have appeared before an unrelated key */
    const char *dot = strrchr(k->path, '.');
    if (dot == NULL)
      continue;
    size_t plen = (size_t)(dot - k->path);
    bool left = false;
    for (size_t j = 0; j < i; j++) {
      const struct schema_key *p = &schema_keys[j];
      if (p->place != k->place)
        continue;
      bool same = strncmp(p->path, k->path, plen) == 0 && p->path[plen] == '.';
      if (same && left) {
        fprintf(stderr, "group of %s is split\n", k->path);
        fail();
      }
      if (!same && j > 0 && strncmp(schema_keys[j - 1].path, k->path, plen) == 0
          && schema_keys[j - 1].path[plen] == '.')
        left = true;
    }
  }
  /* every default reads back as a valid value of its key ... */
  struct diag d;
  diag_init(&d);
  for (size_t i = 0; i < schema_n_keys; i++)
    if (scenario_check_default(&schema_keys[i], &d) != ERR_OK) {
      diag_print(&d, stderr);
      fail();
    }
  assert_int_equal(diag_count(&d), 0);
  /* ... and a bad one would be caught */
  struct schema_key bad = *schema_find(REGION_ROOT, "force.available");
  bad.def = "1.5";
  assert_int_equal(scenario_check_default(&bad, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 1);
  assert_string_equal(d.msg[0], "(default of 'force.available'):1: 'force.available' must be a number in [0, 1], not 1.5");
  bad = *schema_find(REGION_NODE, "inspect_h");
  bad.def = "{ dist = \"gamma\"; mean = 0.5; }";
  assert_int_equal(scenario_check_default(&bad, &d), ERR_SCENARIO);
  bad = *schema_find(REGION_ROOT, "force.roe");
  bad.def = "\"robustt\"";
  assert_int_equal(scenario_check_default(&bad, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 3);
  diag_release(&d);
  /* scenario_init applies them */
  struct scenario sc;
  scenario_init(&sc);
  assert_int_equal(sc.n_roe, 3);
  assert_true(sc.threats.crowd.loss.kind == DIST_UNIFORM);
  assert_true(sc.sweep.points == 65);
  scenario_release(&sc);
}

static void the_reference_lists_every_key(void **state)
{
  char *buf = NULL;
  size_t len = 0;
  (void)state;
  for (int md = 0; md < 2; md++) {
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    schema_print_reference(f, md != 0);
    fclose(f);
    for (size_t i = 0; i < schema_n_keys; i++) {
      char want[128];
      snprintf(want, sizeof want, md ? "| `%s` |" : "  %s ", schema_keys[i].path);
      if (strstr(buf, want) == NULL)
        fprintf(stderr, "reference lacks %s\n", schema_keys[i].path);
      assert_non_null(strstr(buf, want));
    }
    free(buf);
    buf = NULL;
  }
}

static void the_checked_in_reference_is_current(void **state)
{
  char *buf = NULL;
  size_t len = 0;
  (void)state;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  schema_print_reference(f, true);
  fclose(f);
  FILE *g = fopen(SOURCE_DIR "/docs/scenario-reference.md", "rb");
  assert_non_null(g);
  char *disk = calloc(len + 2, 1);
  assert_non_null(disk);
  size_t got = fread(disk, 1, len + 1, g);
  fclose(g);
  if (got != len || memcmp(disk, buf, len) != 0)
    fprintf(stderr, "docs/scenario-reference.md is stale: run convoysim help scenario --markdown\n");
  assert_int_equal(got, len);
  assert_memory_equal(disk, buf, len);
  free(disk);
  free(buf);
}

static void a_string_loads_like_a_file(void **state)
{
  struct scenario sc;
  struct diag d;
  const char *text = "name = \"s\"; horizon_days = 1;\n"
                     "nodes = ( { id = \"a\"; kind = \"depot\"; }, { id = \"b\"; kind = \"distribution\"; } );\n"
                     "roads = ( { from = \"a\"; to = \"b\"; km = 1; } );\n"
                     "convoys = ( { id = \"c\"; route = [\"a\", \"b\"]; } );\n";
  (void)state;
  diag_init(&d);
  assert_int_equal(scenario_load_string(&sc, text, "mem", NULL, 0, &d), ERR_OK);
  assert_int_equal(sc.n_convoys, 1);
  scenario_release(&sc);
  assert_int_equal(scenario_load_string(&sc, "name = 5;\nhorizon_days = 1;", "mem", NULL, 0, &d), ERR_SCENARIO);
  assert_int_equal(diag_count(&d), 4);
  assert_string_equal(d.msg[0], "mem: missing 'nodes'");
  assert_string_equal(d.msg[3], "mem:1: 'name' must be a string matching [A-Za-z0-9_-]+, not 5");
  diag_release(&d);
}

int main(void)
{
  gsl_set_error_handler_off();
  if (chdir(DATA_DIR) != 0) {
    perror(DATA_DIR);
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(each_bad_fixture_gives_its_one_exact_message),
    cmocka_unit_test(every_bad_fixture_is_in_the_table),
    cmocka_unit_test(several_problems_are_all_reported_with_their_lines),
    cmocka_unit_test(a_missing_file_is_noinput_and_named),
    cmocka_unit_test(devices_and_huge_files_are_refused_unread),
    cmocka_unit_test(a_comment_on_the_last_line_without_a_newline_loads),
    cmocka_unit_test(fuzz_findings_fail_cleanly),
    cmocka_unit_test(a_minimal_file_gets_the_defaults_of_spec_3_11),
    cmocka_unit_test(a_large_but_harmless_value_is_accepted),
    cmocka_unit_test(desperation_defaults_to_the_initial_value),
    cmocka_unit_test(a_full_file_resolves_every_reference),
    cmocka_unit_test(timeline_changes_apply_to_the_struct),
    cmocka_unit_test(overrides_address_elements_by_id_name_and_index),
    cmocka_unit_test(override_errors_name_the_set),
    cmocka_unit_test(set_changes_a_loaded_scenario_with_the_same_checks),
    cmocka_unit_test(resolve_gives_a_change_for_apply),
    cmocka_unit_test(the_manifest_loads_back_into_an_identical_struct),
    cmocka_unit_test(every_shipped_scenario_loads_clean_and_round_trips),
    cmocka_unit_test(schema_groups_are_contiguous_and_defaults_valid),
    cmocka_unit_test(the_reference_lists_every_key),
    cmocka_unit_test(the_checked_in_reference_is_current),
    cmocka_unit_test(a_string_loads_like_a_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
