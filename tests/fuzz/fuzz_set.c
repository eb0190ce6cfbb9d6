/*
 * fuzz_set.c - libFuzzer target for the --set parser: each line of the
 * input (at most 8) is one KEY=VALUE applied to a valid base scenario
 * (tests/data/model/one_road.cfg's text, built in), through the same
 * scenario_load_string() path as `run --set`.  A failure must say why;
 * a success must write a manifest that loads back without problems.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "convoysim/scenario.h"
#include "fuzz_manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
  "name = \"base\";\n"
  "horizon_days = 5.0;\n"
  "nodes = ( { id = \"depot\"; kind = \"depot\"; },\n"
  "          { id = \"town\"; kind = \"distribution\"; need_t_per_day = 100.0; } );\n"
  "roads = ( { from = \"depot\"; to = \"town\"; km = 10.0; kmh = 10.0; armed_per_h = 0.1; crowd_per_h = 0.1; } );\n"
  "convoys = ( { id = \"c\"; route = [\"depot\", \"town\"]; depart_h = 8.0; every_h = 24.0; trucks = 2; } );\n"
  "force = { troops = 100.0; share = { escort = 0.5; patrol = 0.1; qrf = 0.1; }; };\n"
  "coordination = { deny_p = 0.1; };\n"
  "ceasefire = { violations_per_day = 0.1; };\n"
  "threats = { desperation = { window_days = 7.0; }; escalation = { hazard_multiplier = 2.0; }; };\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  gsl_set_error_handler_off();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  char *sets[8];
  size_t n = 0;
  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  if (strlen(text) != size) { /* a NUL cannot reach argv */
    free(text);
    return 0;
  }
  for (char *p = text; n < 8 && p != NULL && *p;) {
    char *nl = strchr(p, '\n');
    if (nl != NULL)
      *nl = '\0';
    sets[n++] = p;
    p = nl ? nl + 1 : NULL;
  }
  struct scenario sc;
  struct diag d;
  diag_init(&d);
  enum err e = scenario_load_string(&sc, base, "base", (const char *const *)sets, n, &d);
  if (e == ERR_SCENARIO && diag_count(&d) == 0)
    __builtin_trap(); /* a failure must say why */
  if (e == ERR_OK) {
    manifest_loads_back(&sc); /* what a --set made must write back loadable */
    scenario_release(&sc);
  }
  diag_release(&d);
  free(text);
  return 0;
}
