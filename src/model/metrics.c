/* metrics.c - names and kinds of the metrics table (metrics.h) and of the
 * convoy outcomes (model.h): what the model's results are called. */
#include "convoysim/metrics.h"
#include "convoysim/model.h"

#include <string.h>

static const struct {
  const char *name;
  enum metric_kind kind;
  const char *meaning;
} metric_table[METRIC_COUNT] = {
#define X(id, name, kind, meaning) { name, METRIC_##kind##_KIND, meaning },
  METRIC_LIST(X)
#undef X
};

const char *metric_name(enum metric m)
{
  return metric_table[m].name;
}

enum metric_kind metric_kind(enum metric m)
{
  return metric_table[m].kind;
}

const char *metric_meaning(enum metric m)
{
  return metric_table[m].meaning;
}

int metric_from_name(const char *name)
{
  for (int i = 0; i < METRIC_COUNT; i++)
    if (strcmp(metric_table[i].name, name) == 0)
      return i;
  return -1;
}

const char *convoy_outcome_name(enum convoy_outcome o)
{
  static const char *const names[OUTCOME_COUNT] = {
#define X(id, name, metric) name,
    OUTCOME_LIST(X)
#undef X
  };
  return (unsigned)o < OUTCOME_COUNT ? names[o] : "unknown";
}
