/*
 * fuzz_design.c - libFuzzer target for the design-file reader: the input
 * is written to a scratch file and read by design_read_file(), as
 * `sweep --design-file` does.  A failure must say why (with the file's
 * line); a design must have points, each with a cell per column.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convoysim/design.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  snprintf(path, sizeof path, "/tmp/fuzz_design.%ld.csv", (long)getpid());
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FILE *f = fopen(path, "wb");
  if (f == NULL)
    return 0;
  if (size > 0 && fwrite(data, 1, size, f) != size) {
    fclose(f);
    return 0;
  }
  fclose(f);
  struct design d;
  struct diag dg;
  diag_init(&dg);
  enum err e = design_read_file(&d, path, &dg);
  if (e == ERR_SCENARIO && diag_count(&dg) == 0)
    __builtin_trap(); /* a refusal must say why */
  if (e == ERR_OK) {
    if (d.n_points == 0 || d.n_f == 0)
      __builtin_trap();
    for (size_t i = 0; i < d.n_points * d.n_f; i++)
      if (d.cell[i] == NULL)
        __builtin_trap();
  }
  design_release(&d); /* what was read, whether or not it was a design */
  diag_release(&dg);
  unlink(path);
  return 0;
}
