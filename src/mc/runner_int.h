/*
 * runner_int.h - private to src/mc: one replication's slot of a block, and
 * the function that fills it, shared by the runner (runner.c) and the
 * distributed driver (cluster.c), which fills slots on other ranks and ships
 * their bytes back.
 */
#ifndef CONVOYSIM_MC_RUNNER_INT_H
#define CONVOYSIM_MC_RUNNER_INT_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convoysim/runner.h"

#define SLOT_ALIGN 64 /* a cache line: no two slots share one */

struct live;

/* One replication's private output within a block.  Its CSV rows are
 * formatted here, in the parallel region, so that the ordered merge only
 * copies bytes. */
struct slot {
  alignas(SLOT_ALIGN) struct rep_result res; /* metrics and events */
  enum err status;               /* what the callback returned */
  const struct runner_point *p;  /* its point, for the sinks */
  struct live *lv;               /* its point's state in the run */
  uint64_t rep;                  /* the replication in this slot */
  bool kept;                     /* it comes from plan->kept_rep, not computed */
  bool ran;                      /* it was computed (not skipped by a stop) */
  struct csv_row rep_row;        /* its replications.csv row */
  struct csv_row conv_rows;      /* its convoys.csv rows */
  bool nomem;                    /* a record could not be buffered */
  struct daily_record *day;      /* daily records, in the order received */
  size_t n_day, cap_day;         /* records, slots allocated */
};

/* What a block computes besides the metrics. */
struct slot_want {
  bool convoys;   /* convoys.csv rows */
  bool daily;     /* daily records */
  bool rows;      /* the replications.csv row */
};

/* Run slot s's replication (s->p, s->rep) on OpenMP thread `thread`: its
 * result, status and buffered records.  With *stop raised it is skipped
 * (ERR_INTERRUPTED).  Writes nothing but s. */
void runner_slot_compute(struct slot *s, uint64_t seed, struct slot_want w, const atomic_int *stop,
                         int thread);

/* Compute the non-kept slots of a block over every rank (cluster.c), rank 0
 * included; returns ERR_OK once every slot holds its result (or was skipped
 * after a stop).  Whenever slots 0 .. end - 1 are all complete, ready(ctx,
 * end) is called (in order, end growing), so rank 0 merges while the
 * workers compute; false from it hands out nothing more.  Only with
 * cluster_size() > 1. */
enum err cluster_compute_block(struct slot *slots, long n, uint64_t seed, int threads, struct slot_want w,
                               const atomic_int *stop, bool (*ready)(void *ctx, long end), void *ctx);

#endif
