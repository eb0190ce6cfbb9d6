/*
 * slot.c - one replication into its slot (runner_int.h): the replicate
 * callback, then its replications.csv row and convoys.csv rows formatted
 * and its daily records buffered, all in the slot, so the ordered merge
 * (runner.c, on rank 0 under MPI: cluster.c) only copies bytes.  Runs in
 * the parallel region: it writes nothing but its slot.
 */
#include "runner_int.h"

#include <stdint.h>

#include "convoysim/grow.h"

static void key_row_cells(struct csv_row *f, const struct runner_point *p)
{
  for (size_t k = 0; k < p->n_keys; k++)
    csv_row_str(f, p->key_values[k]);
}

static void replication_row(struct csv_row *f, const struct runner_point *p, uint64_t seed,
                            uint64_t rep, const struct rep_result *r)
{
  csv_row_int(f, p->point);
  csv_row_uint(f, rep);
  csv_row_uint(f, seed);
  key_row_cells(f, p);
  for (int m = 0; m < METRIC_COUNT; m++)
    csv_row_real(f, r->metric[m]);
  csv_row_end(f);
}

static void convoy_row(struct csv_row *f, const struct runner_point *p, uint64_t rep,
                       const struct convoy_record *c)
{
  const struct scenario *sc = p->sc;

  csv_row_int(f, p->point);
  csv_row_uint(f, rep);
  key_row_cells(f, p);
  if (sc != NULL && c->schedule >= 0 && (size_t)c->schedule < sc->n_convoys)
    csv_row_str(f, sc->convoys[c->schedule].id);
  else
    csv_row_int(f, c->schedule);
  csv_row_int(f, c->number);
  csv_row_str(f, convoy_outcome_name(c->outcome));
  csv_row_real(f, c->scheduled_h);
  csv_row_real(f, c->ready_h);
  csv_row_real(f, c->depart_h);
  csv_row_real(f, c->end_h);
  csv_row_int(f, c->trucks_requested);
  csv_row_int(f, c->trucks_dispatched);
  csv_row_int(f, c->trucks_delivered);
  csv_row_int(f, c->trucks_intercepted);
  csv_row_real(f, c->tonnes_dispatched);
  csv_row_real(f, c->tonnes_delivered);
  csv_row_real(f, c->tonnes_lost);
  csv_row_int(f, c->escort_teams);
  csv_row_int(f, c->armed_attacks);
  csv_row_int(f, c->crowd_interceptions);
  csv_row_int(f, c->engagements);
  csv_row_real(f, c->civilian_harm);
  csv_row_bool(f, c->impeded);
  csv_row_end(f);
}

static void sink_convoy(void *ctx, const struct convoy_record *r)
{
  struct slot *s = ctx;

  convoy_row(&s->conv_rows, s->p, s->rep, r);
}

static void sink_daily(void *ctx, const struct daily_record *r)
{
  struct slot *s = ctx;

  if (GROW(&s->day, &s->cap_day, s->n_day + 1, 256, SIZE_MAX / sizeof *s->day) != ERR_OK) {
    s->nomem = true;
    return;
  }
  s->day[s->n_day++] = *r;
}

void runner_slot_compute(struct slot *s, uint64_t seed, struct slot_want w, const atomic_int *stop,
                         int thread)
{
  if (stop != NULL && *stop) { /* skipped: the merge stops before it */
    s->status = ERR_INTERRUPTED;
    return;
  }
  struct model_sinks sk = { s, w.convoys ? sink_convoy : NULL, w.daily ? sink_daily : NULL, NULL };
  csv_row_clear(&s->rep_row);
  csv_row_clear(&s->conv_rows);
  s->n_day = 0;
  s->nomem = false;
  s->status = s->p->job.replicate(s->p->job.ctx, thread, seed, s->rep, w.convoys || w.daily ? &sk : NULL,
                                  &s->res);
  if (s->status == ERR_OK && w.rows)
    replication_row(&s->rep_row, s->p, seed, s->rep, &s->res);
  if (s->status == ERR_OK && (s->nomem || s->rep_row.nomem || s->conv_rows.nomem))
    s->status = ERR_NOMEM;
  s->ran = true;
}
