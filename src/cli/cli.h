/*
 * cli.h - the command table of the convoysim binary.
 *
 * main() looks the first argument up in cli_commands[] and hands the rest
 * of argv to that command (argv[0] = the command's name).  A command
 * returns a sysexits.h code; it prints its own errors as
 * "convoysim COMMAND: message" on stderr.  Help texts live in the table, so
 * `convoysim --help`, `convoysim help COMMAND` and `COMMAND --help` agree.
 */
#ifndef CONVOYSIM_CLI_H
#define CONVOYSIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define EXIT_USAGE 64     /* EX_USAGE */
#define EXIT_DATAERR 65   /* EX_DATAERR */
#define EXIT_NOINPUT 66   /* EX_NOINPUT */
#define EXIT_SOFTWARE 70  /* EX_SOFTWARE */
#define EXIT_CANTCREAT 73 /* EX_CANTCREAT */
#define EXIT_IOERR 74     /* EX_IOERR */

struct command {
  const char *name;     /* "run" */
  const char *synopsis; /* "SCENARIO [options]" */
  const char *summary;  /* one line for `convoysim --help` */
  const char *help;     /* the full text for `convoysim help NAME` */
  int (*main)(int argc, char **argv);
  void (*extra_help)(FILE *f); /* appended to help (tables), or NULL */
};

extern const struct command cli_commands[];

/* The command called name, or NULL. */
const struct command *cli_find(const char *name);

/* Print the help of c to f. */
void cli_print_help(const struct command *c, FILE *f);

/* options.c: what every command shares. */

/* "convoysim NAME: " + message + newline on stderr. */
void cli_error(const char *name, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* A --set KEY=VALUE argument of command cmd appended to sets; false
 * (after saying why) when it is not KEY=VALUE. */
bool cli_add_set(const char *cmd, const char *arg, const char **sets, size_t *n_sets);

/* The commands (one file each). */
int cmd_bench(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_solve(int argc, char **argv);
void bench_list(FILE *f);

#endif
