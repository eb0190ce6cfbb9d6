/*
 * main.c - entry point: global options, command dispatch, help.
 *
 * GNU conventions: --help and --version print to stdout and exit 0; a usage
 * error prints a hint to stderr and exits 64 (EX_USAGE).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "convoysim/cluster.h"
#include "convoysim/schema.h"

static void print_usage(FILE *f)
{
  fprintf(f,
          "Usage: convoysim COMMAND [ARGS]...\n"
          "       convoysim --help | --version\n"
          "\n"
          "Discrete-event Monte Carlo simulator of humanitarian aid-convoy security\n"
          "under an international stabilization force.\n"
          "\n"
          "Commands:\n");
  for (const struct command *c = cli_commands; c->name; c++)
    fprintf(f, "  %-8s %s\n", c->name, c->summary);
  fprintf(f,
          "\n"
          "Run 'convoysim help COMMAND' for the options of one command, and\n"
          "'convoysim help scenario' for every key of a scenario file.\n"
          "Exit status (sysexits.h): 0 ok, 64 usage, 65 bad scenario, 66 no input,\n"
          "70 internal error, 73 output cannot be created, 74 write failed.\n");
}

static void print_version(FILE *f)
{
  fprintf(f, "convoysim %s\n", CONVOYSIM_VERSION);
}

const struct command *cli_find(const char *name)
{
  for (const struct command *c = cli_commands; c->name; c++)
    if (strcmp(c->name, name) == 0)
      return c;
  return NULL;
}

void cli_print_help(const struct command *c, FILE *f)
{
  fprintf(f, "Usage: convoysim %s %s\n\n%s", c->name, c->synopsis, c->help);
  if (c->extra_help)
    c->extra_help(f);
}

/* `convoysim help scenario [--markdown]`: the reference of every key. */
static int help_scenario(int argc, char **argv)
{
  bool md = argc > 1 && strcmp(argv[1], "--markdown") == 0;
  if (argc > 2 || (argc == 2 && !md)) {
    fprintf(stderr, "convoysim help scenario: the only option is --markdown\n");
    return EXIT_USAGE;
  }
  schema_print_reference(stdout, md);
  return 0;
}

static int help_main(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "--help") == 0) {
    print_usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "scenario") == 0)
    return help_scenario(argc - 1, argv + 1);
  const struct command *c = cli_find(argv[1]);
  if (c == NULL) {
    fprintf(stderr, "convoysim help: no command '%s'; see 'convoysim --help'\n", argv[1]);
    return EXIT_USAGE;
  }
  cli_print_help(c, stdout);
  return 0;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
  gsl_set_error_handler_off(); /* once, before any thread: GSL must not abort */
  int rc = cluster_init(&argc, &argv);
  if (rc != 0)
    return rc;
  if (cluster_rank() > 0) /* a worker of an MPI job: rank 0 is the program (cluster.h) */
    return cluster_finish(cluster_serve());
  return cluster_finish(dispatch(argc, argv));
}

/* The command line of rank 0 (of the only process, without MPI). */
static int dispatch(int argc, char **argv)
{

  if (argc < 2) {
    print_usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    print_usage(stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
    print_version(stdout);
    return 0;
  }
  if (strcmp(cmd, "help") == 0)
    return help_main(argc - 1, argv + 1);
  if (cmd[0] == '-') {
    fprintf(stderr, "convoysim: unknown option '%s'; see 'convoysim --help'\n", cmd);
    return EXIT_USAGE;
  }
  const struct command *c = cli_find(cmd);
  if (c == NULL) {
    fprintf(stderr, "convoysim: no command '%s'; see 'convoysim --help'\n", cmd);
    return EXIT_USAGE;
  }
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0)
      break;
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      cli_print_help(c, stdout);
      return 0;
    }
  }
  return c->main(argc - 1, argv + 1);
}
