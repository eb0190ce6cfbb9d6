/*
 * options.c - what every command of the command line shares: its error
 * line and the options that mean the same in each (cli.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

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
