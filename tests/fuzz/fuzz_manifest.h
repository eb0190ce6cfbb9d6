/*
 * fuzz_manifest.h - shared by the loader fuzzers: what scenario_write()
 * makes of an accepted scenario must load back without a problem (the
 * manifest invariant: run.cfg reproduces the run).
 */
#ifndef CONVOYSIM_FUZZ_MANIFEST_H
#define CONVOYSIM_FUZZ_MANIFEST_H

#include <stdio.h>
#include <stdlib.h>

#include "convoysim/scenario.h"

static inline void manifest_loads_back(const struct scenario *sc)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f == NULL)
    return;
  scenario_write(sc, f, "fuzz");
  fclose(f);
  struct scenario back;
  struct diag d;
  diag_init(&d);
  if (scenario_load_string(&back, buf, "manifest", NULL, 0, &d) != ERR_OK) {
    diag_print(&d, stderr);
    fprintf(stderr, "--- manifest:\n%s", buf);
    __builtin_trap(); /* the manifest must load back */
  }
  scenario_release(&back);
  diag_release(&d);
  free(buf);
}

#endif
