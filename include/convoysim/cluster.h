/*
 * cluster.h - the distributed driver: the same runs across the ranks of an
 * MPI job (SPEC 7), built with -DCONVOYSIM_MPI=ON; without it every
 * function here describes a single process.
 *
 * The one rule: rank 0 is the program.  It parses the command line, loads
 * and checks the scenario, owns the output folder and merges every result
 * in (point, replication) order, so its files are the bytes a single
 * process writes.  The other ranks are workers: they never read the
 * command line, print, or touch a file other than the scenario; they wait
 * for blocks of replications, each named by its point's recipe (scenario
 * file, --set list, replications, seed), compute them with their own
 * OpenMP threads and send the slots' bytes back.  Balancing is dynamic: a
 * rank that returns a block gets the next one, and rank 0 computes blocks
 * itself between its messages.  A bad scenario is therefore reported once,
 * by rank 0, before any block is sent.
 */
#ifndef CONVOYSIM_CLUSTER_H
#define CONVOYSIM_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "convoysim/error.h"

/* Start MPI when built with it (a no-op otherwise).  Returns 0, or an
 * exit code after saying what failed. */
int cluster_init(int *argc, char ***argv);
int cluster_rank(void);       /* 0 in a single process */
int cluster_size(void);       /* 1 in a single process */
/* Workers (rank > 0): serve blocks until rank 0 says stop; returns the
 * exit code of the worker (0, or 70 after a failure it could not report). */
int cluster_serve(void);
/* Rank 0: tell the workers to stop, then end MPI; returns code. */
int cluster_finish(int code);

/* What went over the wire, for run.cfg and benchmarks (rank 0). */
struct cluster_stats {
  long blocks_sent;          /* blocks of replications sent to workers */
  long reps_remote;          /* replications computed by workers */
  long reps_local;           /* replications computed by rank 0 under MPI */
  uint64_t bytes_sent;       /* to workers: block requests */
  uint64_t bytes_received;   /* from workers: results, rows, daily records */
};
void cluster_get_stats(struct cluster_stats *out);
/* The first worker whose replication failed (its error in *e), or -1. */
int cluster_failed_rank(enum err *e);

#endif
