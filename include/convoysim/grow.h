/*
 * grow.h - growth by doubling, with a cap, for every array that grows.
 *
 * The one rule: an array grows to twice its size (or to `first` elements
 * the first time) until it holds `need` elements, and never past `max`
 * elements, so hostile input meets a clear ERR_LIMIT instead of exhausting
 * memory.  A replication that reuses its arrays allocates nothing once they
 * have reached the largest size it needs.
 */
#ifndef CONVOYSIM_GROW_H
#define CONVOYSIM_GROW_H

#include <stddef.h>

#include "convoysim/error.h"

/* Make *p (an array of *cap elements of `size` bytes) hold at least `need`
 * elements.  ERR_OK (also when it already does), ERR_LIMIT when need > max,
 * ERR_NOMEM when realloc fails; on failure *p and *cap are unchanged. */
enum err grow(void **p, size_t *cap, size_t need, size_t size, size_t first, size_t max);

/* grow() for a typed pointer: GROW(&arr, &cap, need, first, max). */
#define GROW(pp, capp, need, first, max) \
  grow((void **)(void *)(pp), (capp), (need), sizeof **(pp), (first), (max))

#endif
