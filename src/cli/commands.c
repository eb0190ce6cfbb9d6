/* commands.c - the command table (cli.h): one row per command. */
#include <stddef.h>

#include "cli.h"

const struct command cli_commands[] = {
  { "bench", "[NAME]...",
    "engine and model benchmarks, as CSV rows benchmark,value,unit",
    "Run the named benchmarks (all of them by default) on this machine and\n"
    "print one CSV row per figure to stdout: benchmark,value,unit.\n"
    "Results go to stdout; the memory benchmark of mc runs convoysim in a\n"
    "temporary folder that it removes.\n"
    "\n"
    "Options:\n"
    "  -l, --list     list the benchmarks and exit\n"
    "  -h, --help     this text\n",
    cmd_bench, bench_list },
  { "check", "SCENARIO [--set KEY=VALUE]...",
    "validate a scenario and print what was resolved",
    "Load SCENARIO (a libconfig file; see 'convoysim help scenario'), apply the\n"
    "--set overrides, check everything, and print what was resolved: team pools\n"
    "of the force (and after each buildup step), patrol coverage, each route's\n"
    "length and mean driving time, supply against crossing capacity per day,\n"
    "need per day, and the keys left to their defaults.  All problems are\n"
    "printed at once, each as FILE:LINE: message, on stderr.\n"
    "\n"
    "Options:\n"
    "  --set KEY=VALUE  override one value (repeatable); KEY is a dotted path,\n"
    "                   list elements by id, name or index:\n"
    "                   nodes.kerem_shalom.lanes=3, force.roe=robust\n"
    "  -h, --help       this text\n"
    "\n"
    "Exit status: 0 valid, 64 usage, 65 the scenario has problems,\n"
    "66 the file is missing or unreadable.\n",
    cmd_check, NULL },
  { "run", "SCENARIO [options]",
    "run one scenario (one design point): replications, statistics, CSV",
    "Run the replications of SCENARIO in parallel and write, in the output\n"
    "folder, summary.csv (one row: for every metric M its M_mean, M_sd,\n"
    "M_ci_low, M_ci_high (95% t-interval), M_p05, M_p50, M_p95 and M_n),\n"
    "replications.csv (one row per replication) and run.cfg (the manifest:\n"
    "'convoysim run results/NAME/run.cfg' reproduces the CSV to the byte).\n"
    "Results are identical for any -j: replication r always uses the random\n"
    "streams of (seed, r), and results are merged in replication order.\n"
    "\n"
    "Options:\n"
    "  -n, --replications N  replications (overrides the file; the maximum\n"
    "                        under --precision)\n"
    "  -s, --seed S          master seed, unsigned 64-bit (overrides the file)\n"
    "  -j, --threads T       OpenMP threads (default: all cores, or OMP_NUM_THREADS)\n"
    "  -o, --out DIR         output folder (default results/NAME/, made if needed)\n"
    "  --set KEY=VALUE       override one scenario value (repeatable), as in check\n"
    "  --precision H         stop once the 95% CI half-width of delivery_rate\n"
    "                        is at most H, looking only after every 100\n"
    "                        replications (100, 200, ...): the stopping point\n"
    "                        never depends on -j; run.cfg records the count run\n"
    "  --convoys             also write convoys.csv: one row per convoy of every\n"
    "                        replication (grows with -n: it streams to disk)\n"
    "  --daily               also write daily.csv: per day and distribution node,\n"
    "                        tonnes delivered mean/p10/p90 against need,\n"
    "                        desperation and crossing backlog means\n"
    "  --trace R             also write events.csv, the event log of replication\n"
    "                        R (0-based), re-run alone; its numbers are those of\n"
    "                        row R of replications.csv\n"
    "  -q, --quiet           no progress line (it only shows on a terminal)\n"
    "  -h, --help            this text\n"
    "\n"
    "Files are written under temporary names and renamed into place together\n"
    "at the end: a failed run leaves no partial file.  Progress goes to stderr\n"
    "(when it is a terminal; NO_COLOR honoured), the headline to stdout.\n"
    "\n"
    "Exit status: 0 ok, 64 usage, 65 bad scenario, 66 scenario missing or\n"
    "unreadable, 70 internal error, 73 output folder or files cannot be\n"
    "created, 74 a write failed after the run started.\n",
    cmd_run, NULL },
  { NULL, NULL, NULL, NULL, NULL, NULL }
};
