/*
 * calendar.h - the future event list of one replication.
 *
 * The one rule: events leave in a total order, by time and then by the
 * order in which they were scheduled (seq).  Two events at the same time
 * therefore never leave in an order that depends on the heap's layout, the
 * capacity or the history of cancellations: a run depends only on its seed
 * (libuv orders its timers by (timeout, start_id) for the same reason).
 *
 * Design: an indexed 4-ary min-heap.  The heap holds compact 16-byte nodes
 * (time, slot), four to a cache line, so a sift compares a node's four
 * children in one line; the payload of each event (seq, kind, entity, aux)
 * lives in a slot table that does not move while the heap is reordered.
 * Each slot records its node's heap position, so an event can be cancelled
 * in O(log n) from its handle.  Freed slots are kept on a free list and
 * reused: after the arrays have grown to the largest number of pending
 * events, pushing and popping allocate nothing.  The arrays grow by
 * doubling up to the cap given to calendar_init(); a push past the cap
 * fails with ERR_LIMIT and leaves the calendar as it was.
 *
 * The engine knows nothing of any model: kind, entity and aux are the
 * model's to define.  Time starts at 0 and never goes back: scheduling an
 * event before calendar_now() is a bug (assert).
 *
 * push and pop are static inline: they are the hot path of every model.
 * Fields of struct calendar are private to calendar.h / calendar.c.
 */
#ifndef CONVOYSIM_CALENDAR_H
#define CONVOYSIM_CALENDAR_H

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convoysim/error.h"

/* One event, as pushed and as popped (by value). */
struct event {
  double time;     /* when it fires, model time units (hours in the convoy model) */
  uint64_t seq;    /* scheduling order since init/clear: breaks time ties */
  int kind;        /* model-defined: ARRIVAL, DEPARTURE, ... */
  int entity;      /* model-defined subject, e.g. a server or convoy index */
  uint32_t aux;    /* model-defined extra, e.g. a version number */
};
_Static_assert(sizeof(struct event) <= 32, "struct event must stay within 32 bytes");

/* A handle names one pushed event until it is popped or cancelled (or the
 * calendar is cleared).  0 is never a handle, so a zeroed field means "no
 * event".  It packs the slot (low 32 bits, plus one) and the low 32 bits of
 * the event's seq, so a handle to a popped event whose slot was reused is
 * recognised as stale (until 2^32 further pushes reuse that same slot). */
#define CALENDAR_NO_HANDLE UINT64_C(0)

/* Largest cap: slot numbers fit in 32 bits. */
#define CALENDAR_MAX_CAP ((size_t)UINT32_MAX - 1)

#define CALENDAR_NIL UINT32_MAX /* end of the free list */

/* A heap node: the key that is compared, and where the payload is. */
struct calendar_node {
  double time;   /* the event's time, model units */
  uint32_t slot; /* index into calendar.slot */
  uint32_t pad_; /* unused, keeps the node at 16 bytes */
};

/* The payload of a pending event, or a free slot. */
struct calendar_slot {
  uint64_t seq;  /* scheduling order of the event held */
  int kind;      /* as pushed */
  int entity;    /* as pushed */
  uint32_t aux;  /* as pushed */
  uint32_t pos;  /* pending: its index in heap; free: next free slot or CALENDAR_NIL */
};

struct calendar {
  struct calendar_node *heap; /* heap[0..n-1], a 4-ary min-heap by (time, seq) */
  struct calendar_slot *slot; /* slot[0..used-1]; n of them pending, the rest free */
  size_t n;                   /* pending events */
  size_t alloc;               /* elements allocated in heap and in slot */
  size_t cap;                 /* most pending events allowed (alloc <= cap) */
  uint32_t used;              /* slots ever handed out since init/clear */
  uint32_t free_head;         /* first free slot, CALENDAR_NIL = none */
  uint64_t next_seq;          /* seq of the next push */
  double now;                 /* time of the last popped event, model units */
};

/* An empty calendar holding at most `cap` pending events (1 <= cap <=
 * CALENDAR_MAX_CAP; larger values are clamped).  Allocates nothing yet. */
void calendar_init(struct calendar *cal, size_t cap);
/* Free the storage; cal may then be init'ed again. */
void calendar_release(struct calendar *cal);
/* Drop every pending event, set now and seq back to 0, keep the storage
 * (for the next replication).  Handles from before are void. */
void calendar_clear(struct calendar *cal);
/* Allocate room for n pending events now (n <= cap), so that a run that
 * never has more pending allocates nothing.  ERR_LIMIT if n > cap. */
enum err calendar_reserve(struct calendar *cal, size_t n);

/* Remove the pending event named by `handle`: true if it was pending,
 * false if it already left (popped or cancelled) or is not a handle of cal.
 * O(log n). */
bool calendar_cancel(struct calendar *cal, uint64_t handle);
/* True while the event named by `handle` is pending. */
bool calendar_pending(const struct calendar *cal, uint64_t handle);

/* Slow path of calendar_push: make room for one more event.  ERR_LIMIT at
 * the cap, ERR_NOMEM when memory runs out; the calendar is unchanged then. */
enum err calendar_grow(struct calendar *cal);

static inline size_t calendar_size(const struct calendar *cal) { return cal->n; }
static inline size_t calendar_cap(const struct calendar *cal) { return cal->cap; }
/* Pending events the calendar can hold without allocating. */
static inline size_t calendar_allocated(const struct calendar *cal) { return cal->alloc; }
/* Time of the last popped event (0 before the first pop). */
static inline double calendar_now(const struct calendar *cal) { return cal->now; }
/* Time of the next event to leave, +INFINITY when empty. */
static inline double calendar_peek_time(const struct calendar *cal)
{
  return cal->n ? cal->heap[0].time : INFINITY;
}

/* Place x at heap index i, or further down, restoring the heap below i. */
static inline void calendar_sift_down_(struct calendar *cal, size_t i,
                                       struct calendar_node x)
{
  struct calendar_node *h = cal->heap;
  struct calendar_slot *sl = cal->slot;
  size_t n = cal->n;

  for (;;) {
    size_t c = 4 * i + 1, end = c + 4, best = c;
    if (c >= n)
      break;
    if (end > n)
      end = n;
    for (size_t k = c + 1; k < end; k++)
      if (h[k].time < h[best].time ||
          (h[k].time == h[best].time && sl[h[k].slot].seq < sl[h[best].slot].seq))
        best = k;
    if (x.time < h[best].time ||
        (x.time == h[best].time && sl[x.slot].seq < sl[h[best].slot].seq))
      break;
    h[i] = h[best];
    sl[h[i].slot].pos = (uint32_t)i;
    i = best;
  }
  h[i] = x;
  sl[x.slot].pos = (uint32_t)i;
}

/* Schedule an event at time t >= calendar_now(cal).  On success returns
 * ERR_OK and, if handle is not NULL, stores its handle there; at the cap
 * returns ERR_LIMIT (ERR_NOMEM if memory runs out) and changes nothing.
 * The caller reports ERR_LIMIT with the numbers, e.g.
 * "event calendar full: %zu pending events (the cap)", calendar_cap(cal). */
static inline enum err calendar_push(struct calendar *cal, double t, int kind,
                                     int entity, uint32_t aux, uint64_t *handle)
{
  struct calendar_node *h;
  struct calendar_slot *sl;
  uint64_t seq = cal->next_seq;
  uint32_t s;
  size_t i;

  assert(t >= cal->now); /* also rejects NaN */
  if (cal->n == cal->alloc) {
    enum err e = calendar_grow(cal);
    if (e != ERR_OK)
      return e;
  }
  /* Locals, written back once: stores through sl (uint64_t fields) could
   * otherwise alias cal's size_t fields and force reloads. */
  h = cal->heap;
  sl = cal->slot;
  i = cal->n;
  s = cal->free_head;
  if (s != CALENDAR_NIL)
    cal->free_head = sl[s].pos;
  else
    s = cal->used++;
  cal->n = i + 1;
  cal->next_seq = seq + 1;
  sl[s].seq = seq;
  sl[s].kind = kind;
  sl[s].entity = entity;
  sl[s].aux = aux;
  if (handle != NULL)
    *handle = ((uint64_t)(uint32_t)seq << 32) | ((uint64_t)s + 1);

  /* Sift up.  The new event has the largest seq of all pending events, so
   * at equal times it stays below its parent: only `t <` needs testing. */
  while (i > 0) {
    size_t p = (i - 1) / 4;
    if (!(t < h[p].time))
      break;
    h[i] = h[p];
    sl[h[i].slot].pos = (uint32_t)i;
    i = p;
  }
  h[i] = (struct calendar_node){ .time = t, .slot = s };
  sl[s].pos = (uint32_t)i;
  return ERR_OK;
}

/* Remove the first event (earliest time, then earliest seq) into *out and
 * advance calendar_now() to its time; false when the calendar is empty. */
static inline bool calendar_pop(struct calendar *cal, struct event *out)
{
  struct calendar_node top;
  struct calendar_slot *sl;
  size_t n = cal->n;

  if (n == 0)
    return false;
  top = cal->heap[0];
  sl = &cal->slot[top.slot];
  out->time = top.time;
  out->seq = sl->seq;
  out->kind = sl->kind;
  out->entity = sl->entity;
  out->aux = sl->aux;
  sl->pos = cal->free_head;
  cal->free_head = top.slot;
  cal->now = top.time;
  cal->n = --n;
  if (n > 0)
    calendar_sift_down_(cal, 0, cal->heap[n]);
  return true;
}

#endif
