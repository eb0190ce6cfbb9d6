/* bench.c - `convoysim bench`: select and run benchmarks from bench_table. */
#include "bench.h"

#include <getopt.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const struct bench bench_table[] = {
  { "mm1", "M/M/1 queue on the event engine (rho = 0.9): customers/s and accuracy", bench_mm1 },
  { "mc", "Monte Carlo runner on the Gaza baseline: replications/s (1 thread, all), parallel efficiency, 10k wall time; peak memory at 1e3 and 1e5 replications", bench_mc },
  { "baseline", "the convoy model on the Gaza baseline, 1 thread: replications/s, events per replication, events/s, and the floor its inspection draws set", bench_model },
  { "sweep", "a sweep of 65 points x 100 replications of the Gaza baseline against one run of 6,500: replications/s of each and their ratio", bench_sweep },
  { NULL, NULL, NULL }
};

double bench_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void bench_row(FILE *out, const char *name, double value, const char *unit)
{
  fprintf(out, "%s,%.6g,%s\n", name, value, unit);
  fflush(out);
}

void bench_list(FILE *f)
{
  fprintf(f, "\nBenchmarks:\n");
  for (const struct bench *b = bench_table; b->name; b++)
    fprintf(f, "  %-10s %s\n", b->name, b->summary);
}

int cmd_bench(int argc, char **argv)
{
  static const struct option opts[] = {
    { "list", no_argument, NULL, 'l' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "l", opts, NULL)) != -1) {
    switch (c) {
    case 'l':
      for (const struct bench *b = bench_table; b->name; b++)
        printf("%s\n", b->name);
      return 0;
    default:
      fprintf(stderr, "see 'convoysim help bench'\n");
      return EXIT_USAGE;
    }
  }
  for (int i = optind; i < argc; i++) {
    const struct bench *b = bench_table;
    while (b->name && strcmp(b->name, argv[i]) != 0)
      b++;
    if (b->name == NULL) {
      cli_error("bench", "no benchmark '%s'; see 'convoysim help bench'", argv[i]);
      return EXIT_USAGE;
    }
  }
  printf("benchmark,value,unit\n");
  for (const struct bench *b = bench_table; b->name; b++) {
    int selected = optind == argc;
    for (int i = optind; i < argc; i++)
      selected |= strcmp(b->name, argv[i]) == 0;
    if (!selected)
      continue;
    int rc = b->run(stdout);
    if (rc)
      return rc;
  }
  return 0;
}
