/*
 * fuzz_vary.c - libFuzzer target for the --vary parser and the designs:
 * each line of the input (at most 6) is one KEY=SPEC for
 * design_factor_parse(); when all parse, the first byte picks grid, lhs or
 * nolh and design_build() makes the points.  A failure must say why; a
 * design must have points, a cell per factor, and keep each range factor's
 * cells inside [lo, hi].
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convoysim/design.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  enum sweep_design kind = data[0] % 3 == 0 ? DESIGN_GRID : data[0] % 3 == 1 ? DESIGN_LHS : DESIGN_NOLH;
  long points = data[0] >= 128 ? (long)(data[0] - 100) : 0; /* sometimes given */
  char *text = malloc(size);
  struct design_factor *f = calloc(6, sizeof *f); /* design_build takes the array over */
  size_t n = 0;
  char why[512];
  if (text == NULL || f == NULL) {
    free(text);
    free(f);
    return 0;
  }
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  bool ok = true;
  for (char *p = text; ok && n < 6 && p != NULL && *p;) {
    char *nl = strchr(p, '\n');
    if (nl != NULL)
      *nl = '\0';
    why[0] = '\0';
    enum err e = design_factor_parse(p, &f[n], why, sizeof why);
    if (e != ERR_OK) {
      if (why[0] == '\0')
        __builtin_trap(); /* a refusal must say why */
      ok = false;
      break;
    }
    n++;
    p = nl ? nl + 1 : NULL;
  }
  if (!ok || n == 0) {
    for (size_t i = 0; i < n; i++)
      design_factor_release(&f[i]);
    free(f);
    free(text);
    return 0;
  }
  struct design d;
  double lo[6], hi[6];
  bool range[6];
  for (size_t i = 0; i < n; i++) {
    range[i] = f[i].range;
    lo[i] = f[i].lo;
    hi[i] = f[i].hi;
  }
  why[0] = '\0';
  enum err e = design_build(&d, f, n, kind, points, 1, why, sizeof why); /* takes f over */
  if (e == ERR_USAGE && why[0] == '\0')
    __builtin_trap();
  if (e == ERR_OK) {
    if (d.n_points == 0 || d.n_f != n)
      __builtin_trap();
    for (size_t i = 0; i < d.n_points; i++)
      for (size_t j = 0; j < n; j++) {
        const char *c = d.cell[i * n + j];
        if (c == NULL)
          __builtin_trap();
        if (range[j] && isfinite(lo[j]) && isfinite(hi[j])) {
          double v = strtod(c, NULL), a = fmin(lo[j], hi[j]), b = fmax(lo[j], hi[j]);
          double tol = 1e-9 * (1 + fabs(a) + fabs(b)) + 0.5; /* integer keys round */
          if (v < a - tol || v > b + tol)
            __builtin_trap(); /* a point outside its factor's range */
        }
      }
  }
  design_release(&d); /* the factors too, whether or not a design was made */
  free(text);
  return 0;
}
