/*
 * fuzz_scenario.c - libFuzzer target for the scenario loader.
 *
 * Feeds arbitrary text to scenario_load_string() and, when it loads, checks
 * the manifest invariant: what scenario_write() writes loads back without a
 * problem.  Leading comment lines "#set KEY=VALUE" (at most 4) are also
 * applied as --set overrides, so the override paths get fuzzed too.  Inputs
 * holding "@include" are skipped (they would read files).  The loader must
 * never crash, leak or report nothing on failure.
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  gsl_set_error_handler_off();
  return 0;
}

static bool holds(const uint8_t *data, size_t size, const char *word)
{
  size_t n = strlen(word);
  for (size_t i = 0; i + n <= size; i++)
    if (memcmp(data + i, word, n) == 0)
      return true;
  return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (holds(data, size, "@include"))
    return 0;
  char *text = malloc(size + 1);
  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';

  /* "#set K=V" lines at the top become overrides (copied: text stays whole) */
  char *sets[5] = { NULL, NULL, NULL, NULL, NULL };
  size_t n_sets = 0;
  const char *p = text;
  while (n_sets < 4 && strncmp(p, "#set ", 5) == 0) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p - 5) : strlen(p + 5);
    sets[n_sets] = malloc(n + 1);
    if (sets[n_sets] == NULL)
      break;
    memcpy(sets[n_sets], p + 5, n);
    sets[n_sets][n] = '\0';
    n_sets++;
    if (nl == NULL)
      break;
    p = nl + 1;
  }
  const char *qrf0 = "force.share.qrf=0.0";
  if (n_sets == 0)
    sets[n_sets++] = (char *)qrf0;
  for (int with_set = 0; with_set < 2; with_set++) {
    struct scenario sc;
    struct diag d;
    diag_init(&d);
    enum err e = scenario_load_string(&sc, text, "fuzz", (const char *const *)sets, with_set ? n_sets : 0, &d);
    if (e == ERR_SCENARIO && diag_count(&d) == 0)
      __builtin_trap(); /* a failure must say why */
    if (e == ERR_OK) {
      manifest_loads_back(&sc);
      scenario_release(&sc);
    }
    diag_release(&d);
  }
  for (size_t i = 0; i < n_sets; i++)
    if (sets[i] != qrf0)
      free(sets[i]);
  free(text);
  return 0;
}
