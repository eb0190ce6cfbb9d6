/*
 * calendar.c - the future event list: storage, growth and cancellation.
 *
 * The one rule: the heap is ordered by (time, seq), a total order, and the
 * storage only grows (by doubling, up to the cap), so a replication that
 * reuses a calendar through calendar_clear() allocates nothing once it has
 * seen its largest number of pending events.  push and pop are inline in
 * calendar.h; what is here is off the hot path.
 */
#include "convoysim/calendar.h"

#include <stdlib.h>

#define CALENDAR_FIRST_ALLOC 64 /* elements at the first growth */

void calendar_init(struct calendar *cal, size_t cap)
{
  if (cap < 1)
    cap = 1;
  if (cap > CALENDAR_MAX_CAP)
    cap = CALENDAR_MAX_CAP;
  *cal = (struct calendar){ .cap = cap, .free_head = CALENDAR_NIL };
}

void calendar_release(struct calendar *cal)
{
  free(cal->heap);
  free(cal->slot);
  cal->heap = NULL;
  cal->slot = NULL;
  cal->alloc = 0;
  calendar_clear(cal);
}

void calendar_clear(struct calendar *cal)
{
  cal->n = 0;
  cal->used = 0;
  cal->free_head = CALENDAR_NIL;
  cal->next_seq = 0;
  cal->now = 0.0;
}

/* Grow both arrays to hold `want` elements (alloc < want <= cap). */
static enum err resize(struct calendar *cal, size_t want)
{
  struct calendar_node *h;
  struct calendar_slot *s;

  h = realloc(cal->heap, want * sizeof *h);
  if (h == NULL)
    return ERR_NOMEM;
  cal->heap = h;
  s = realloc(cal->slot, want * sizeof *s);
  if (s == NULL)
    return ERR_NOMEM; /* heap is larger than alloc says: harmless */
  cal->slot = s;
  cal->alloc = want;
  return ERR_OK;
}

enum err calendar_grow(struct calendar *cal)
{
  size_t want;

  if (cal->alloc >= cal->cap)
    return ERR_LIMIT;
  want = cal->alloc ? 2 * cal->alloc : CALENDAR_FIRST_ALLOC;
  if (want > cal->cap || want < cal->alloc)
    want = cal->cap;
  return resize(cal, want);
}

enum err calendar_reserve(struct calendar *cal, size_t n)
{
  if (n > cal->cap)
    return ERR_LIMIT;
  if (n <= cal->alloc)
    return ERR_OK;
  return resize(cal, n);
}

/* Is the node a before node b in (time, seq) order? */
static bool before(const struct calendar *cal, struct calendar_node a,
                   struct calendar_node b)
{
  if (a.time != b.time)
    return a.time < b.time;
  return cal->slot[a.slot].seq < cal->slot[b.slot].seq;
}

/* Place x at heap index i, or further up, restoring the heap above i. */
static void sift_up(struct calendar *cal, size_t i, struct calendar_node x)
{
  while (i > 0) {
    size_t p = (i - 1) / 4;
    if (!before(cal, x, cal->heap[p]))
      break;
    cal->heap[i] = cal->heap[p];
    cal->slot[cal->heap[i].slot].pos = (uint32_t)i;
    i = p;
  }
  cal->heap[i] = x;
  cal->slot[x.slot].pos = (uint32_t)i;
}

/* The slot of a pending event named by handle, or CALENDAR_NIL. */
static uint32_t pending_slot(const struct calendar *cal, uint64_t handle)
{
  uint32_t s = (uint32_t)handle - 1; /* low word 0 (no handle) wraps to NIL */
  uint32_t tag = (uint32_t)(handle >> 32);
  size_t p;

  if (s >= cal->used)
    return CALENDAR_NIL;
  /* A free slot's pos is a free-list link, and a free slot is never in the
   * heap, so heap[pos].slot == s holds only for a pending event. */
  p = cal->slot[s].pos;
  if (p >= cal->n || cal->heap[p].slot != s || (uint32_t)cal->slot[s].seq != tag)
    return CALENDAR_NIL;
  return s;
}

bool calendar_pending(const struct calendar *cal, uint64_t handle)
{
  return pending_slot(cal, handle) != CALENDAR_NIL;
}

bool calendar_cancel(struct calendar *cal, uint64_t handle)
{
  uint32_t s = pending_slot(cal, handle);
  size_t p, last;

  if (s == CALENDAR_NIL)
    return false;
  p = cal->slot[s].pos;
  cal->slot[s].pos = cal->free_head;
  cal->free_head = s;
  last = --cal->n;
  if (p != last) {
    struct calendar_node x = cal->heap[last];
    if (p > 0 && before(cal, x, cal->heap[(p - 1) / 4]))
      sift_up(cal, p, x);
    else
      calendar_sift_down_(cal, p, x);
  }
  return true;
}
