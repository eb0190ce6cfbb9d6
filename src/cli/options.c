/*
 * options.c - what every command of the command line shares: its error
 * line and the options that mean the same in each (cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "study.h"

void cli_error(const char *name, const char *fmt, ...)
{
  va_list ap;

  fprintf(stderr, "convoysim %s: ", name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

bool cli_add_set(const char *cmd, const char *arg, const char **sets, size_t *n_sets)
{
  if (strchr(arg, '=') == NULL || arg[0] == '=') {
    cli_error(cmd, "--set needs KEY=VALUE, not '%s'", arg);
    return false;
  }
  sets[(*n_sets)++] = arg;
  return true;
}

/* ------------------------------------------------ run, sweep and solve */

/* A whole decimal integer in [lo, hi], or false. */
static bool parse_long(const char *s, long lo, long hi, long *out)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
    return false;
  *out = v;
  return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
  char *end;
  unsigned long long v;

  if (s[0] < '0' || s[0] > '9') /* strtoull would accept "-1" */
    return false;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  *out = (uint64_t)v;
  return true;
}

void study_opts_release(struct study_opts *o)
{
  free(o->sets);
  free(o->vary);
  o->sets = NULL;
  o->vary = NULL;
}

/* Which commands take an option (r = run, w = sweep, v = solve). */
struct opt_use {
  int code;
  const char *who;
};
static const struct opt_use opt_uses[] = {
  { 'n', "rwv" }, { 's', "rwv" }, { 'j', "rwv" }, { 'o', "rwv" }, { 'S', "rwv" }, { 'P', "rwv" },
  { 'C', "rw" },  { 'D', "rw" },  { 'T', "r" },   { 'q', "rwv" }, { 'O', "rwv" }, { 'V', "wv" },
  { 'G', "w" },   { 'N', "w" },   { 'F', "w" },   { 'R', "w" },   { 'X', "v" },   { 'h', "rwv" },
  { 'K', "rw" },
};

static bool takes(const char *cmd, int code)
{
  char c = strcmp(cmd, "run") == 0 ? 'r' : strcmp(cmd, "sweep") == 0 ? 'w' : 'v';
  for (size_t i = 0; i < sizeof opt_uses / sizeof opt_uses[0]; i++)
    if (opt_uses[i].code == code)
      return strchr(opt_uses[i].who, c) != NULL;
  return false;
}

int study_parse_opts(const char *cmd, int argc, char **argv, struct study_opts *o, const char **path)
{
  static const struct option opts[] = {
    { "replications", required_argument, NULL, 'n' },
    { "seed", required_argument, NULL, 's' },
    { "threads", required_argument, NULL, 'j' },
    { "out", required_argument, NULL, 'o' },
    { "set", required_argument, NULL, 'S' },
    { "precision", required_argument, NULL, 'P' },
    { "convoys", no_argument, NULL, 'C' },
    { "daily", no_argument, NULL, 'D' },
    { "trace", required_argument, NULL, 'T' },
    { "quiet", no_argument, NULL, 'q' },
    { "overwrite", no_argument, NULL, 'O' },
    { "vary", required_argument, NULL, 'V' },
    { "design", required_argument, NULL, 'G' },
    { "points", required_argument, NULL, 'N' },
    { "design-file", required_argument, NULL, 'F' },
    { "reference", required_argument, NULL, 'R' },
    { "target", required_argument, NULL, 'X' },
    { "costs", no_argument, NULL, 'K' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;
  long v;

  memset(o, 0, sizeof *o);
  o->reps = -1;
  o->trace = -1;
  o->design = -1;
  o->reference = -1;
  o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
  o->vary = calloc((size_t)argc + 1, sizeof *o->vary);
  if (o->sets == NULL || o->vary == NULL) {
    cli_error(cmd, "out of memory");
    return EXIT_SOFTWARE;
  }
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":n:s:j:o:qh", opts, NULL)) != -1) {
    if (c != ':' && c != '?' && !takes(cmd, c)) {
      cli_error(cmd, "'%s' is not an option of %s; see 'convoysim help %s'", argv[optind - 1], cmd, cmd);
      return EXIT_USAGE;
    }
    switch (c) {
    case 'h':
      cli_print_help(cli_find(cmd), stdout);
      return -1;
    case 'n':
      if (!parse_long(optarg, 1, 1000000000000L, &o->reps)) {
        cli_error(cmd, "-n/--replications must be an integer from 1 to 1000000000000, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 's':
      if (!parse_u64(optarg, &o->seed)) {
        cli_error(cmd, "-s/--seed must be an unsigned 64-bit integer, not '%s'", optarg);
        return EXIT_USAGE;
      }
      o->have_seed = true;
      break;
    case 'j':
      if (!parse_long(optarg, 1, 4096, &v)) {
        cli_error(cmd, "-j/--threads must be an integer from 1 to 4096, not '%s'", optarg);
        return EXIT_USAGE;
      }
      o->threads = (int)v;
      break;
    case 'o':
      if (optarg[0] == '\0') {
        cli_error(cmd, "-o/--out needs a folder");
        return EXIT_USAGE;
      }
      o->out = optarg;
      break;
    case 'S':
      if (!cli_add_set(cmd, optarg, o->sets, &o->n_sets))
        return EXIT_USAGE;
      break;
    case 'P': {
      char *end;
      errno = 0;
      o->precision = strtod(optarg, &end);
      if (errno != 0 || end == optarg || *end != '\0' || !(o->precision > 0.0) || isinf(o->precision)) {
        cli_error(cmd, "--precision must be a number > 0, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    }
    case 'C': o->convoys = true; break;
    case 'D': o->daily = true; break;
    case 'T':
      if (!parse_long(optarg, 0, 1000000000000L, &o->trace)) {
        cli_error(cmd, "--trace must be a replication number >= 0, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'q': o->quiet = true; break;
    case 'O': o->overwrite = true; break;
    case 'K': o->costs = true; break;
    case 'V': o->vary[o->n_vary++] = optarg; break;
    case 'G':
      if (strcmp(optarg, "grid") == 0)
        o->design = DESIGN_GRID;
      else if (strcmp(optarg, "lhs") == 0)
        o->design = DESIGN_LHS;
      else if (strcmp(optarg, "nolh") == 0)
        o->design = DESIGN_NOLH;
      else {
        cli_error(cmd, "--design must be grid, lhs or nolh, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'N':
      if (!parse_long(optarg, 1, DESIGN_MAX_POINTS, &o->points)) {
        cli_error(cmd, "--points must be an integer from 1 to %ld, not '%s'", DESIGN_MAX_POINTS, optarg);
        return EXIT_USAGE;
      }
      break;
    case 'F': o->design_file = optarg; break;
    case 'R':
      if (!parse_long(optarg, 0, DESIGN_MAX_POINTS - 1, &o->reference)) {
        cli_error(cmd, "--reference must be a point number >= 0, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'X': o->target = optarg; break;
    case ':':
      cli_error(cmd, "option '%s' needs a value", argv[optind - 1]);
      return EXIT_USAGE;
    default:
      cli_error(cmd, "unknown option '%s'; see 'convoysim help %s'", argv[optind - 1], cmd);
      return EXIT_USAGE;
    }
  }
  if (optind != argc - 1) {
    cli_error(cmd, optind == argc ? "give one SCENARIO file" : "give one SCENARIO file, not several");
    return EXIT_USAGE;
  }
  *path = argv[optind];
  return 0;
}
