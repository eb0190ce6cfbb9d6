/*
 * check.c - `convoysim check SCENARIO [--set K=V]...`: validate a scenario
 * and print what was resolved.
 *
 * The one rule: it loads through scenario_load(), the same path as `run`,
 * so a scenario that checks clean runs, and every figure printed here is
 * computed from the loaded struct with the formulas of SPEC 3.7 and 4.0.
 * Exit 0 valid, 65 problems (all printed as file:line: message), 66 file
 * missing or unreadable, 64 usage.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "convoysim/force.h"
#include "convoysim/scenario.h"
#include "convoysim/schema.h"

static bool use_bold;

static void heading(const char *text)
{
  if (use_bold)
    printf("\n\033[1m%s\033[0m\n", text);
  else
    printf("\n%s\n", text);
}

static int popcount7(unsigned m)
{
  int n = 0;
  for (int w = 0; w < 7; w++)
    n += (m >> w) & 1u;
  return n;
}

static void saturation_row(const char *task, int pool, int useful, double troops, const char *how)
{
  char t[32];
  if (isinf(troops))
    snprintf(t, sizeof t, "%s", "never");
  else
    snprintf(t, sizeof t, "%.0f", troops);
  printf("  %-8s %8d %8d %10s  %s\n", task, pool, useful, t, how);
}

/* Per task, the troops beyond which more teams change nothing
 * (force_saturation), and a warning for each task the scenario is past. */
static void print_saturation(const struct scenario *sc)
{
  const struct force *fo = &sc->force;
  struct force_saturation z;
  struct force_pools p;
  double troops = force_troops_max(fo);
  unsigned past;
  char how[160];
  force_saturation(sc, &z);
  force_pools(fo, troops, sc->total_road_km, &p);
  heading("Where more troops stop paying off (largest force on the ground)");
  printf("  %-8s %8s %8s %10s  %s\n", "task", "teams", "useful", "troops at", "useful teams: how estimated");
  snprintf(how, sizeof how, "%s", fo->escort_policy == ESCORT_WAIT
                                       ? "convoys on the road at once on schedule x escort_teams (estimate)"
                                       : "policy \"none\": no convoy takes an escort");
  saturation_row("escort", p.escort, z.escort_teams, z.escort_troops, how);
  snprintf(how, sizeof how, "coverage 1: ceil(%g road km / %g km per team)", sc->total_road_km,
           fo->patrol_km_per_team);
  saturation_row("patrol", p.patrol, z.patrol_teams, z.patrol_troops, how);
  if (fo->n_qrf_bases > 0)
    snprintf(how, sizeof how, "< 1%% of %.3g attacks/h find none free, Erlang B (estimate)", z.attacks_per_h);
  else
    snprintf(how, sizeof how, "no QRF base: no team can respond");
  saturation_row("qrf", p.qrf, z.qrf_teams, z.qrf_troops, how);
  past = force_past_useful(sc, troops, &z);
  if (past & FORCE_PAST_ESCORT)
    printf("  warning: %d escort teams, %d usable at once: beyond %.0f troops more escorts change little\n",
           p.escort, z.escort_teams, z.escort_troops);
  if (past & FORCE_PAST_PATROL)
    printf("  warning: %d patrol teams, coverage is 1 from %d: beyond %.0f troops more patrols change nothing\n",
           p.patrol, z.patrol_teams, z.patrol_troops);
  if (past & FORCE_PAST_QRF)
    printf("  warning: %d QRF teams, %d answer 99%% of attacks: beyond %.0f troops more QRF changes little\n",
           p.qrf, z.qrf_teams, z.qrf_troops);
  if (past & FORCE_PAST_ALL)
    printf("  warning: %g troops are past every task's useful size: more troops add cost, not deliveries\n",
           troops);
}

static void print_force(const struct scenario *sc)
{
  const struct force *fo = &sc->force;
  heading("Force");
  if (!fo->present) {
    printf("  none (no 'force' group)\n");
    return;
  }
  printf("  %g troops at day 0, %g available, ROE %s, escort policy %s\n", fo->troops, fo->available,
         sc->roe[fo->roe].name, fo->escort_policy == ESCORT_WAIT ? "wait" : "none");
  bool levers = fo->share_disarm > 0 || fo->share_train > 0;
  printf("  team pools: floor(troops x %g x share / team size + 1e-9); shares escort %g, patrol %g, qrf %g",
         fo->available, fo->share_escort, fo->share_patrol, fo->share_qrf);
  if (levers)
    printf(", disarm %g, train %g", fo->share_disarm, fo->share_train);
  printf("\n");
  if (fo->n_contingents > 0)
    printf("  (each task's troops: those of the contingents whose tasks hold it)\n");
  printf("  %8s %10s %8s %8s %8s %10s", "from day", "troops", "escort", "patrol", "qrf", "coverage");
  if (levers)
    printf(" %8s %8s", "disarm", "train");
  printf("\n");
  for (size_t i = 0; i <= fo->n_buildup; i++) {
    double day = i == 0 ? 0.0 : fo->buildup[i - 1].day;
    if (i > 0 && day <= 0)
      continue;
    double t = force_troops_at(fo, day * 24.0);
    struct force_pools p;
    force_pools(fo, t, sc->total_road_km, &p);
    printf("  %8g %10g %8d %8d %8d %10.3f", day, t, p.escort, p.patrol, p.qrf, p.coverage);
    if (levers)
      printf(" %8d %8d", p.disarm, p.train);
    printf("\n");
  }
  if (fo->share_disarm > 0)
    printf("  disarm: G -> %g + (G - %g) x exp(-%g x engage_armed x teams) each midnight, %g raids a team-day\n",
           fo->disarm_floor, fo->disarm_floor, fo->disarm_effect, fo->disarm_raids_per_team_day);
  if (fo->share_train > 0)
    printf("  train: policing level + %g x teams each midnight, up to 1\n", fo->train_level_per_team_day);
  printf("  patrol coverage = min(1, patrol teams x %g km / %g road km)\n", fo->patrol_km_per_team,
         sc->total_road_km);
  if (fo->n_qrf_bases) {
    printf("  QRF bases:");
    for (size_t i = 0; i < fo->n_qrf_bases; i++)
      printf(" %s", sc->nodes[fo->qrf_bases[i]].id);
    printf("\n");
  }
  for (size_t i = 0; i < fo->n_contingents; i++) {
    const struct contingent *c = &fo->contingents[i];
    char tasks[96] = "";
    for (int t = 0; t < TASK_COUNT; t++)
      if (c->tasks & (1u << t))
        snprintf(tasks + strlen(tasks), sizeof tasks - strlen(tasks), "%s%s", tasks[0] ? "," : "",
                 schema_task_names[t]);
    printf("  contingent %-16s %8g troops at day 0 (weight %g), ROE cap %s, tasks %s, paid by %s", c->name,
           force_contingent_troops(fo, i, fo->troops), c->troops, c->roe_cap >= 0 ? sc->roe[c->roe_cap].name : "none",
           tasks[0] ? tasks : "none", c->payer ? c->payer : "force");
    if (!isnan(c->cost_per_troop_day))
      printf(" at USD %g a troop-day", c->cost_per_troop_day);
    if (c->withdraw_after_casualties > 0)
      printf(", leaves after %g casualties", c->withdraw_after_casualties);
    printf("\n");
  }
  for (size_t i = 0; i < sc->n_funding; i++)
    printf("  funding: %s pays up to USD %g, then its contingents leave\n", sc->funding[i].payer,
           sc->funding[i].budget_usd);
  printf("  a convoy asks for min(escort_teams, escort pool when it is ready) teams and waits only for\n"
         "  those: with a pool of 0 it asks for none, and escort_wait_h covers convoys that asked for one\n");
  print_saturation(sc);
}

static void print_routes(const struct scenario *sc)
{
  size_t w = 6;
  for (size_t i = 0; i < sc->n_convoys; i++)
    if (strlen(sc->convoys[i].id) > w)
      w = strlen(sc->convoys[i].id);
  heading("Routes (driving time = sum of km / mean km/h per road)");
  printf("  %-*s %9s %9s  %s\n", (int)w, "convoy", "km", "drive h", "roads");
  for (size_t i = 0; i < sc->n_convoys; i++) {
    const struct convoy_schedule *c = &sc->convoys[i];
    double km = 0, h = 0;
    for (size_t j = 0; j + 1 < c->route_len; j++) {
      const struct road *r = &sc->roads[c->legs[j]];
      km += r->km;
      h += r->km / dist_mean(&r->kmh);
    }
    printf("  %-*s %9.1f %9.2f  ", (int)w, c->id, km, h);
    for (size_t j = 0; j + 1 < c->route_len; j++)
      printf("%s%s", j ? ", " : "", sc->roads[c->legs[j]].id);
    printf("\n");
  }
}

static void print_crossings(const struct scenario *sc)
{
  size_t w = 8;
  for (size_t i = 0; i < sc->n_nodes; i++)
    if (sc->nodes[i].kind == NODE_CROSSING && strlen(sc->nodes[i].id) > w)
      w = strlen(sc->nodes[i].id);
  heading("Crossings (trucks per day; capacity = lanes x open h x open days/7 / mean inspect_h, capped by daily_cap)");
  printf("  %-*s %10s %10s %6s %8s %9s %9s\n", (int)w, "crossing", "supply", "capacity", "lanes", "open h",
         "days/wk", "inspect_h");
  double supply = 0, capacity = 0;
  bool unlimited = false;
  for (size_t i = 0; i < sc->n_nodes; i++) {
    const struct node *n = &sc->nodes[i];
    if (n->kind != NODE_CROSSING)
      continue;
    double hours = n->open_h.to - n->open_h.from;
    int days = popcount7(n->open_days);
    double insp = dist_mean(&n->inspect_h);
    double per_open_day = insp > 0 ? n->lanes * hours / insp : HUGE_VAL;
    if (n->daily_cap != SCENARIO_UNLIMITED && (double)n->daily_cap < per_open_day)
      per_open_day = (double)n->daily_cap;
    double cap = per_open_day * days / 7.0;
    char capt[32];
    if (isinf(cap)) {
      snprintf(capt, sizeof capt, "unlimited");
      unlimited = true;
    } else {
      snprintf(capt, sizeof capt, "%.1f", cap);
      capacity += cap;
    }
    supply += n->supply_trucks_per_day;
    printf("  %-*s %10.1f %10s %6d %8g %9d %9g%s\n", (int)w, n->id, n->supply_trucks_per_day, capt, n->lanes, hours,
           days, insp, n->supply_trucks_per_day > cap ? "  supply exceeds capacity" : "");
  }
  if (unlimited)
    printf("  %-*s %10.1f %10s\n", (int)w, "total", supply, "unlimited");
  else
    printf("  %-*s %10.1f %10.1f\n", (int)w, "total", supply, capacity);
}

static void print_need(const struct scenario *sc)
{
  double horizon_h = sc->horizon_days * 24.0;
  double loads = 0;
  heading("Need and plan");
  for (size_t i = 0; i < sc->n_convoys; i++) {
    const struct convoy_schedule *c = &sc->convoys[i];
    double step = c->every_h > 0 ? c->every_h : c->has_interarrival ? dist_mean(&c->interarrival_h) : 0;
    double n;
    if (c->depart_h >= horizon_h)
      n = 0;
    else if (c->count != SCENARIO_UNLIMITED)
      n = (double)c->count;
    else if (c->every_h > 0)
      n = floor((horizon_h - c->depart_h) / step) + 1;
    else if (step > 0)
      n = (horizon_h - c->depart_h) / step + 1; /* expected, at the mean interval */
    else
      n = 1;
    if (c->every_h > 0 && c->count == SCENARIO_UNLIMITED && fmod(horizon_h - c->depart_h, step) == 0)
      n -= 1; /* a departure exactly at the horizon is not scheduled */
    loads += n * c->trucks;
  }
  printf("  need: %.1f t/day = %.1f trucks/day at %g t per truck (population %.0f)\n", sc->total_need_t_per_day,
         sc->total_need_t_per_day / sc->tonnes_per_truck, sc->tonnes_per_truck, sc->total_population);
  printf("  convoys plan %.1f loads/day over %g days (%.1f t/day)\n", loads / sc->horizon_days, sc->horizon_days,
         loads / sc->horizon_days * sc->tonnes_per_truck);
}

static void print_defaults(const struct scenario *sc)
{
  char title[64];
  snprintf(title, sizeof title, "Defaults applied (%zu)", sc->n_defaults);
  heading(title);
  if (sc->n_defaults == 0) {
    printf("  none: every key is explicit\n");
    return;
  }
  bool *done = calloc(sc->n_defaults, sizeof *done);
  if (done == NULL)
    return;
  for (size_t i = 0; i < sc->n_defaults; i++) {
    if (done[i])
      continue;
    const struct schema_key *k = sc->defaults[i].key;
    const char *def = k->def ? k->def : k->def_text ? k->def_text : "";
    char name[96];
    if (k->place == REGION_ROOT)
      snprintf(name, sizeof name, "%s", k->path);
    else
      snprintf(name, sizeof name, "%s.*.%s", schema_place_list(k->place), k->path);
    printf("  %-40s = %s", name, def);
    if (k->place != REGION_ROOT) {
      size_t shown = 0, more = 0;
      printf("  (");
      for (size_t j = i; j < sc->n_defaults; j++)
        if (sc->defaults[j].key == k) {
          done[j] = true;
          if (shown < 5) {
            const char *id = schema_element_id(sc, k->place, (size_t)sc->defaults[j].index);
            printf("%s%s", shown ? ", " : "", id ? id : "?");
          } else {
            more++;
          }
          shown++;
        }
      if (more)
        printf(", +%zu more", more);
      printf(")");
    }
    done[i] = true;
    printf("\n");
  }
  free(done);
}

static void print_summary(const struct scenario *sc)
{
  printf("%s: valid scenario '%s'\n", sc->file, sc->name);
  if (sc->description[0])
    printf("  %s\n", sc->description);
  printf("  horizon %g day%s, warmup %g day%s, %ld replication%s, seed %llu\n", sc->horizon_days,
         sc->horizon_days == 1 ? "" : "s", sc->warmup_days, sc->warmup_days == 1 ? "" : "s", sc->replications,
         sc->replications == 1 ? "" : "s", (unsigned long long)sc->seed);
  printf("  %zu node%s, %zu road%s (%g km), %zu convoy schedule%s, %zu ROE profile%s\n", sc->n_nodes,
         sc->n_nodes == 1 ? "" : "s", sc->n_roads, sc->n_roads == 1 ? "" : "s", sc->total_road_km, sc->n_convoys,
         sc->n_convoys == 1 ? "" : "s", sc->n_roe, sc->n_roe == 1 ? "" : "s");
  /* a force group with no troops, ever, is no force */
  bool troops = sc->force.present && sc->force.troops > 0;
  for (size_t i = 0; sc->force.present && i < sc->force.n_buildup; i++)
    troops = troops || sc->force.buildup[i].troops > 0;
  for (size_t i = 0; sc->force.present && i < sc->n_timeline; i++)
    troops = troops || strcmp(sc->timeline[i].key, "force.troops") == 0;
  printf("  movement window [%g, %g] h; mechanisms: force %s, coordination %s, ceasefire %s, escalation %s\n",
         sc->movement.window_h.from, sc->movement.window_h.to,
         !sc->force.present ? "off" : troops ? "on" : "off (0 troops)",
         sc->coordination.present ? "on" : "off", sc->ceasefire.present ? "on" : "off",
         sc->threats.escalation.present ? "on" : "off");
  if (sc->n_timeline)
    printf("  timeline: %zu changes from day %g to day %g\n", sc->n_timeline, sc->timeline[0].day,
           sc->timeline[sc->n_timeline - 1].day);
  if (sc->sweep.present)
    printf("  sweep: %zu factors\n", sc->sweep.n_vary);
  print_force(sc);
  print_routes(sc);
  print_crossings(sc);
  print_need(sc);
  print_defaults(sc);
}

int cmd_check(int argc, char **argv)
{
  static const struct option opts[] = {
    { "set", required_argument, NULL, 's' },
    { NULL, 0, NULL, 0 }
  };
  const char **sets = calloc((size_t)argc + 1, sizeof *sets);
  size_t n_sets = 0;
  int c;

  if (sets == NULL) {
    cli_error("check", "out of memory");
    return EXIT_SOFTWARE;
  }
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 's') {
      if (!cli_add_set("check", optarg, sets, &n_sets)) {
        free(sets);
        return EXIT_USAGE;
      }
    } else {
      if (optopt == 's')
        cli_error("check", "--set needs KEY=VALUE");
      else
        cli_error("check", "unknown option '%s'; see 'convoysim help check'", argv[optind - 1]);
      free(sets);
      return EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    cli_error("check", optind == argc ? "give one SCENARIO file" : "give one SCENARIO file, not several");
    free(sets);
    return EXIT_USAGE;
  }
  const char *path = argv[optind];
  struct scenario sc;
  struct diag d;
  diag_init(&d);
  enum err e = scenario_load(&sc, path, sets, n_sets, &d);
  free(sets);
  diag_print(&d, stderr);
  if (e != ERR_OK) {
    if (e == ERR_SCENARIO)
      fprintf(stderr, "convoysim check: %s: %zu problem%s\n", path, diag_count(&d), diag_count(&d) == 1 ? "" : "s");
    else if (e != ERR_NOINPUT)
      cli_error("check", "%s", err_str(e));
    diag_release(&d);
    return err_exit_code(e);
  }
  diag_release(&d);
  const char *nc = getenv("NO_COLOR");
  use_bold = isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
  print_summary(&sc);
  scenario_release(&sc);
  return 0;
}
