/*
 * bench.h - the benchmark registry of `convoysim bench`.
 *
 * A benchmark measures on the machine it runs on and prints rows
 * "benchmark,value,unit" through bench_row(); it returns 0, or a sysexits
 * code after printing its own error.  Rows are CSV (RFC 4180): names are
 * [a-z0-9_], values printed with %.6g or as integers.
 */
#ifndef CONVOYSIM_BENCH_H
#define CONVOYSIM_BENCH_H

#include <stdio.h>

struct bench {
  const char *name;    /* "mm1": what `convoysim bench NAME` selects */
  const char *summary; /* one line for `convoysim help bench` */
  int (*run)(FILE *out);
};

extern const struct bench bench_table[];

/* Seconds on a monotonic clock. */
double bench_now(void);

/* One output row. */
void bench_row(FILE *out, const char *name, double value, const char *unit);

int bench_mm1(FILE *out);
int bench_mc(FILE *out);
int bench_model(FILE *out);
int bench_sweep(FILE *out);

#endif
