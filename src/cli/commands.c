/* commands.c - the command table (cli.h): one row per command. */
#include <stddef.h>

#include "cli.h"

const struct command cli_commands[] = {
  { "bench", "[NAME]...",
    "engine and model benchmarks, as CSV rows benchmark,value,unit",
    "Run the named benchmarks (all of them by default) on this machine and\n"
    "print one CSV row per figure to stdout: benchmark,value,unit.\n"
    "Timing goes to stdout only; nothing is written to disk.\n"
    "\n"
    "Options:\n"
    "  -l, --list     list the benchmarks and exit\n"
    "  -h, --help     this text\n",
    cmd_bench, bench_list },
  { NULL, NULL, NULL, NULL, NULL, NULL }
};
