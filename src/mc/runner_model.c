/*
 * runner_model.c - the model as a replicate callback of the runner
 * (runner.h): one model workspace per OpenMP thread, allocated once.
 *
 * Kept apart from runner.c so that programs driving the runner with their
 * own callback (its unit tests) do not link the model.
 */
#include "convoysim/runner.h"

#include <stdlib.h>

enum err runner_model_init(struct runner_model *rm, const struct model *m, int threads)
{
  rm->m = m;
  rm->threads = 0;
  rm->ws = calloc((size_t)threads, sizeof *rm->ws);
  if (rm->ws == NULL)
    return ERR_NOMEM;
  for (int t = 0; t < threads; t++) {
    enum err e = model_ws_new(m, &rm->ws[t]);
    if (e != ERR_OK) {
      runner_model_release(rm);
      return e;
    }
    rm->threads = t + 1;
  }
  return ERR_OK;
}

void runner_model_set_stop(struct runner_model *rm, const atomic_int *stop)
{
  for (int t = 0; t < rm->threads; t++)
    model_ws_set_stop(rm->ws[t], stop);
}

void runner_model_release(struct runner_model *rm)
{
  if (rm->ws != NULL)
    for (int t = 0; t < rm->threads; t++)
      model_ws_free(rm->ws[t]);
  free(rm->ws);
  rm->ws = NULL;
  rm->threads = 0;
}

enum err runner_model_replicate(void *ctx, int thread, uint64_t seed, uint64_t rep,
                                const struct model_sinks *sinks, struct rep_result *out)
{
  struct runner_model *rm = ctx;

  if (thread < 0 || thread >= rm->threads)
    return ERR_INTERNAL;
  return model_replicate(rm->m, rm->ws[thread], seed, rep, sinks, out);
}
