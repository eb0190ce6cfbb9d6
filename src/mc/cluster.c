/*
 * cluster.c - the distributed driver (cluster.h): blocks of replications over
 * the ranks of an MPI job, their slots shipped back to rank 0 as bytes.
 *
 * The one rule: a slot computed on a worker holds the same bytes as the
 * slot rank 0 would have computed, because it is computed by the same
 * function (runner_slot_compute) from the same recipe: the point's model
 * rebuilt from its scenario file and --set list, the replication number
 * and the master seed.  Rank 0 then merges slots in order as it always
 * does, so which rank ran a replication changes nothing it writes.
 *
 * Messages (MPI_BYTE, all from and to rank 0):
 *   work  (TAG_WORK, rank 0 -> worker): struct work_hdr, then the strings
 *         of the recipe and the key cells, each NUL-terminated: the path,
 *         n_sets --set values, n_keys key cells.  kind MSG_STOP ends the
 *         worker.
 *   result (TAG_RESULT, worker -> rank 0): struct result_hdr, then per
 *         replication: int32 status, uint8 ran, struct rep_result, the
 *         replications.csv row (uint64 length, bytes), the convoys.csv
 *         rows (the same), the daily records (uint64 count, records).
 * Each worker has at most two blocks in flight, so it computes the next
 * while its last result travels; rank 0 computes a block itself whenever
 * no result is waiting.  Every rank runs the same binary on the same kind
 * of machine: structs travel as their bytes.
 */
#include "convoysim/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner_int.h"

#ifndef CONVOYSIM_MPI

int cluster_init(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}
int cluster_rank(void) { return 0; }
int cluster_size(void) { return 1; }
int cluster_serve(void) { return 0; }
int cluster_finish(int code) { return code; }
void cluster_get_stats(struct cluster_stats *out) { memset(out, 0, sizeof *out); }
int cluster_failed_rank(enum err *e)
{
  (void)e;
  return -1;
}

enum err cluster_compute_block(struct slot *slots, long n, uint64_t seed, int threads, struct slot_want w,
                               const atomic_int *stop, bool (*ready)(void *ctx, long end), void *ctx)
{
  (void)ready;
  (void)ctx;
  (void)slots;
  (void)n;
  (void)seed;
  (void)threads;
  (void)w;
  (void)stop;
  return ERR_INTERNAL;
}

#else /* CONVOYSIM_MPI */

#include <signal.h>

#include <mpi.h>
#include <omp.h>

#include "convoysim/diag.h"
#include "convoysim/grow.h"
#include "convoysim/model.h"
#include "convoysim/scenario.h"

enum { TAG_WORK = 11, TAG_RESULT = 12 };
enum { MSG_WORK = 1, MSG_STOP = 2 };
#define IN_FLIGHT 2 /* blocks a worker holds at once */

struct work_hdr {
  uint32_t kind;        /* MSG_WORK or MSG_STOP */
  uint32_t chunk;       /* echoed back: which block of rank 0's list */
  uint64_t seed;        /* master seed */
  int64_t point;        /* the point's number, for the `point` columns */
  int64_t rep0, count;  /* replications rep0 .. rep0 + count - 1 */
  int64_t daily_days;   /* days of daily.csv */
  int32_t threads;      /* OpenMP threads on the worker */
  uint8_t convoys, daily, rows, pad; /* struct slot_want */
  uint32_t n_sets, n_keys;
};

struct result_hdr {
  uint32_t chunk;       /* as in the work message */
  uint32_t pad;
  int64_t count;        /* replications that follow */
};

static int g_rank, g_size = 1;
static bool g_mpi;
static int g_failed_rank = -1;
static enum err g_failed_err;
static struct cluster_stats g_stats;

/* A growing byte buffer. */
struct buf {
  char *p;
  size_t len, cap;
  bool nomem;
};

static void put(struct buf *b, const void *x, size_t n)
{
  if (b->nomem)
    return;
  if (GROW(&b->p, &b->cap, b->len + n, 4096, SIZE_MAX) != ERR_OK) {
    b->nomem = true;
    return;
  }
  memcpy(b->p + b->len, x, n);
  b->len += n;
}

static void put_u64(struct buf *b, uint64_t x) { put(b, &x, sizeof x); }

/* A reader over received bytes; any overrun sets bad. */
struct rd {
  const char *p;
  size_t len, at;
  bool bad;
};

static const void *take(struct rd *r, size_t n)
{
  if (r->bad || r->len - r->at < n) {
    r->bad = true;
    return NULL;
  }
  const void *x = r->p + r->at;
  r->at += n;
  return x;
}

static uint64_t take_u64(struct rd *r)
{
  uint64_t x = 0;
  const void *p = take(r, sizeof x);
  if (p != NULL)
    memcpy(&x, p, sizeof x);
  return x;
}

static const char *take_str(struct rd *r)
{
  if (r->bad)
    return NULL;
  const char *s = r->p + r->at;
  const char *end = memchr(s, '\0', r->len - r->at);
  if (end == NULL) {
    r->bad = true;
    return NULL;
  }
  r->at += (size_t)(end - s) + 1;
  return s;
}

/* Replace the text of a formatted row by n bytes. */
static enum err row_set(struct csv_row *row, const char *x, size_t n)
{
  if (GROW(&row->p, &row->cap, n, 256, SIZE_MAX) != ERR_OK)
    return ERR_NOMEM;
  if (n > 0)
    memcpy(row->p, x, n);
  row->len = n;
  row->col = 0;
  row->nomem = false;
  return ERR_OK;
}

/* The processes an MPI launcher says it started, 0 when none did: Open
 * MPI's mpirun, and the PMI and PMIx of other launchers (srun, hydra). */
static long launched(void)
{
  static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS" };
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v != NULL && *v != '\0')
      return strtol(v, NULL, 10);
  }
  return getenv("PMIX_RANK") != NULL || getenv("PMI_RANK") != NULL ? 1 : 0;
}

int cluster_init(int *argc, char ***argv)
{
  int provided = 0;
  long n = launched();
  if (n == 0)
    return 0; /* not started by a launcher: one process, and no MPI start-up cost */
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    fprintf(stderr, "convoysim: MPI could not start\n");
    return 70;
  }
  g_mpi = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  if (n > 1 && g_size == 1) {
    /* N separate singletons would all write the same folder */
    fprintf(stderr, "convoysim: started as one of %ld processes, but MPI sees only this one: the launcher "
            "belongs to another MPI than the one convoysim was built with; start it with that MPI's mpirun\n",
            n);
    MPI_Finalize();
    g_mpi = false;
    return 70;
  }
  return 0;
}

int cluster_rank(void) { return g_rank; }
int cluster_size(void) { return g_size; }
void cluster_get_stats(struct cluster_stats *out) { *out = g_stats; }

int cluster_failed_rank(enum err *e)
{
  if (g_failed_rank >= 0 && e != NULL)
    *e = g_failed_err;
  return g_failed_rank;
}

int cluster_finish(int code)
{
  if (!g_mpi)
    return code;
  if (g_rank == 0) {
    struct work_hdr h;
    memset(&h, 0, sizeof h);
    h.kind = MSG_STOP;
    for (int w = 1; w < g_size; w++)
      MPI_Send(&h, (int)sizeof h, MPI_BYTE, w, TAG_WORK, MPI_COMM_WORLD);
  }
  MPI_Finalize();
  g_mpi = false;
  return code;
}

/* ------------------------------------------------------------ rank 0 */

/* A block of consecutive slots of one point, as sent to one rank. */
struct chunk {
  long first, count;
};

static enum err send_chunk(const struct slot *slots, const struct chunk *c, uint32_t id, int to,
                           uint64_t seed, int threads, struct slot_want w)
{
  const struct runner_point *p = slots[c->first].p;
  struct work_hdr h;
  struct buf b = { 0 };
  memset(&h, 0, sizeof h);
  h.kind = MSG_WORK;
  h.chunk = id;
  h.seed = seed;
  h.point = p->point;
  h.rep0 = (int64_t)slots[c->first].rep;
  h.count = c->count;
  h.daily_days = p->daily_days;
  h.threads = threads;
  h.convoys = w.convoys;
  h.daily = w.daily;
  h.rows = w.rows;
  h.n_sets = (uint32_t)p->recipe_n_sets;
  h.n_keys = (uint32_t)p->n_keys;
  put(&b, &h, sizeof h);
  put(&b, p->recipe_path, strlen(p->recipe_path) + 1);
  for (size_t i = 0; i < p->recipe_n_sets; i++)
    put(&b, p->recipe_sets[i], strlen(p->recipe_sets[i]) + 1);
  for (size_t k = 0; k < p->n_keys; k++) {
    const char *v = p->key_values[k] ? p->key_values[k] : "";
    put(&b, v, strlen(v) + 1);
  }
  if (b.nomem || b.len > (size_t)INT32_MAX) {
    free(b.p);
    return ERR_NOMEM;
  }
  MPI_Send(b.p, (int)b.len, MPI_BYTE, to, TAG_WORK, MPI_COMM_WORLD);
  g_stats.blocks_sent++;
  g_stats.reps_remote += c->count;
  g_stats.bytes_sent += b.len;
  free(b.p);
  return ERR_OK;
}

/* Receive one result (already probed: st) into its slots. */
static enum err recv_result(struct slot *slots, const struct chunk *chunks, long n_chunks, MPI_Status *st,
                            bool *halt, long *id)
{
  int len = 0;
  MPI_Get_count(st, MPI_BYTE, &len);
  char *msg = malloc(len > 0 ? (size_t)len : 1);
  if (msg == NULL)
    return ERR_NOMEM;
  MPI_Recv(msg, len, MPI_BYTE, st->MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  g_stats.bytes_received += (uint64_t)len;
  struct rd r = { msg, (size_t)len, 0, false };
  const struct result_hdr *h = take(&r, sizeof *h);
  enum err e = ERR_OK;
  if (h == NULL || (long)h->chunk >= n_chunks || h->count != chunks[h->chunk].count) {
    free(msg);
    return ERR_INTERNAL;
  }
  const struct chunk *c = &chunks[h->chunk];
  *id = (long)h->chunk;
  for (long k = 0; k < c->count && e == ERR_OK; k++) {
    struct slot *s = &slots[c->first + k];
    int32_t status = 0;
    const void *x = take(&r, sizeof status);
    if (x != NULL)
      memcpy(&status, x, sizeof status);
    const uint8_t *ran = take(&r, 1);
    const void *res = take(&r, sizeof s->res);
    size_t nrow = (size_t)take_u64(&r);
    const char *row = take(&r, nrow);
    size_t nconv = (size_t)take_u64(&r);
    const char *conv = take(&r, nconv);
    size_t nday = (size_t)take_u64(&r);
    const void *day = nday <= SIZE_MAX / sizeof *s->day ? take(&r, nday * sizeof *s->day) : NULL;
    if (r.bad || ran == NULL || res == NULL || (nday > 0 && day == NULL)) {
      e = ERR_INTERNAL;
      break;
    }
    s->status = (enum err)status;
    s->ran = *ran != 0;
    memcpy(&s->res, res, sizeof s->res);
    if ((e = row_set(&s->rep_row, row, nrow)) != ERR_OK || (e = row_set(&s->conv_rows, conv, nconv)) != ERR_OK)
      break;
    if (nday > 0 && GROW(&s->day, &s->cap_day, nday, 256, SIZE_MAX / sizeof *s->day) != ERR_OK) {
      e = ERR_NOMEM;
      break;
    }
    if (nday > 0)
      memcpy(s->day, day, nday * sizeof *s->day);
    s->n_day = nday;
    s->nomem = false;
    if (s->status != ERR_OK)
      *halt = true; /* a failure or a stop there: hand out nothing more */
    if (s->status != ERR_OK && s->status != ERR_INTERRUPTED && g_failed_rank < 0) {
      g_failed_rank = st->MPI_SOURCE;
      g_failed_err = s->status;
    }
  }
  free(msg);
  return e;
}

/* Move *cursor past the chunks now complete and tell the merge how far the
 * complete prefix reaches (kept slots between chunks are complete). */
static bool advance(const bool *done, const struct chunk *chunks, long n_chunks, long n, long *cursor,
                    bool (*ready)(void *ctx, long end), void *ctx)
{
  long before = *cursor;
  while (*cursor < n_chunks && done[*cursor])
    (*cursor)++;
  if (*cursor == before)
    return true;
  return ready(ctx, *cursor < n_chunks ? chunks[*cursor].first : n);
}

enum err cluster_compute_block(struct slot *slots, long n, uint64_t seed, int threads, struct slot_want w,
                               const atomic_int *stop, bool (*ready)(void *ctx, long end), void *ctx)
{
  struct chunk *chunks = calloc((size_t)n + 1, sizeof *chunks);
  int *in_flight = calloc((size_t)g_size, sizeof *in_flight);
  bool *done = calloc((size_t)n + 1, sizeof *done);
  long n_chunks = 0, next = 0, outstanding = 0, todo = 0, cursor = 0;
  enum err e = ERR_OK;
  bool halt = false;
  if (chunks == NULL || in_flight == NULL || done == NULL) {
    free(chunks);
    free(in_flight);
    free(done);
    return ERR_NOMEM;
  }
  for (long i = 0; i < n; i++)
    todo += !slots[i].kept;
  /* blocks of about 1/8 of a rank's share: small enough to balance, large
   * enough that a message carries many replications */
  long size = todo / (8L * g_size);
  if (size < 1)
    size = 1;
  for (long i = 0; i < n;) {
    if (slots[i].kept) {
      i++;
      continue;
    }
    long j = i + 1;
    while (j < n && j - i < size && !slots[j].kept && slots[j].p == slots[i].p &&
           slots[j].rep == slots[j - 1].rep + 1)
      j++;
    chunks[n_chunks++] = (struct chunk){ i, j - i };
    i = j;
  }
  /* hand out, compute, collect, until every block is back */
  for (int round = 0; round < IN_FLIGHT; round++)
    for (int to = 1; to < g_size && next < n_chunks && e == ERR_OK; to++) {
      e = send_chunk(slots, &chunks[next], (uint32_t)next, to, seed, threads, w);
      next++;
      in_flight[to]++;
      outstanding++;
    }
  while (e == ERR_OK || outstanding > 0) {
    MPI_Status st;
    int flag = 0;
    if (stop != NULL && *stop)
      halt = true;
    if (outstanding > 0)
      MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
    if (!flag && e == ERR_OK && !halt && next < n_chunks) { /* nothing waiting: a block here */
      long id = next++;
      const struct chunk *c = &chunks[id];
      g_stats.reps_local += c->count;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
      for (long k = 0; k < c->count; k++)
        runner_slot_compute(&slots[c->first + k], seed, w, stop, omp_get_thread_num());
      done[id] = true;
      if (!advance(done, chunks, n_chunks, n, &cursor, ready, ctx))
        halt = true;
      continue;
    }
    if (outstanding == 0)
      break;
    if (!flag)
      MPI_Probe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &st);
    long id = -1;
    enum err er = recv_result(slots, chunks, n_chunks, &st, &halt, &id);
    if (e == ERR_OK)
      e = er;
    if (er == ERR_OK && id >= 0) {
      done[id] = true;
      if (e == ERR_OK && !advance(done, chunks, n_chunks, n, &cursor, ready, ctx))
        halt = true;
    }
    outstanding--;
    in_flight[st.MPI_SOURCE]--;
    if (e == ERR_OK && !halt && !(stop != NULL && *stop) && next < n_chunks) {
      e = send_chunk(slots, &chunks[next], (uint32_t)next, st.MPI_SOURCE, seed, threads, w);
      next++;
      in_flight[st.MPI_SOURCE]++;
      outstanding++;
    }
  }
  /* blocks never handed out: skipped, as after a stop */
  for (; next < n_chunks; next++)
    for (long k = 0; k < chunks[next].count; k++)
      slots[chunks[next].first + k].status = ERR_INTERRUPTED;
  free(chunks);
  free(in_flight);
  free(done);
  return e;
}

/* ------------------------------------------------------------ workers */

static atomic_int worker_stop;

static void on_worker_signal(int sig)
{
  (void)sig;
  worker_stop = 1; /* skip what is left; rank 0 decides what is kept */
}

/* The point a worker has loaded: its recipe's bytes and what they built. */
struct wpoint {
  char *recipe;           /* path, sets and threads as received */
  size_t recipe_len;
  bool loaded;
  enum err status;        /* of the load: ERR_OK or why it failed */
  struct scenario sc;
  struct model *m;
  struct runner_model rm;
};

static void wpoint_release(struct wpoint *w)
{
  if (w->loaded) {
    if (w->status == ERR_OK)
      runner_model_release(&w->rm);
    model_free(w->m);
    if (w->sc.name != NULL)
      scenario_release(&w->sc);
  }
  free(w->recipe);
  memset(w, 0, sizeof *w);
}

/* Build the point of recipe (len bytes, taken over; NULL: out of memory). */
static void wpoint_load(struct wpoint *w, char *recipe, size_t len, const char *path, const char **sets,
                        size_t n_sets, int threads)
{
  struct diag d;
  wpoint_release(w);
  w->recipe = recipe;
  w->recipe_len = len;
  w->loaded = true;
  if (recipe == NULL) {
    w->status = ERR_NOMEM;
    return;
  }
  diag_init(&d);
  w->status = scenario_load(&w->sc, path, sets, n_sets, &d);
  if (w->status == ERR_OK)
    w->status = model_new(&w->sc, &w->m, &d);
  diag_release(&d);
  if (w->status == ERR_OK) {
    w->status = runner_model_init(&w->rm, w->m, threads);
    if (w->status == ERR_OK)
      runner_model_set_stop(&w->rm, &worker_stop);
    else {
      model_free(w->m);
      w->m = NULL;
    }
  }
  if (w->status != ERR_OK && w->status != ERR_NOMEM && w->status != ERR_NOINPUT)
    w->status = ERR_SCENARIO; /* loaded on rank 0, not here: the files differ */
}

static void serialize(struct buf *b, uint32_t chunk, const struct slot *slots, long count)
{
  struct result_hdr h = { chunk, 0, count };
  b->len = 0;
  b->nomem = false;
  put(b, &h, sizeof h);
  for (long k = 0; k < count; k++) {
    const struct slot *s = &slots[k];
    int32_t status = (int32_t)s->status;
    uint8_t ran = s->ran;
    put(b, &status, sizeof status);
    put(b, &ran, 1);
    put(b, &s->res, sizeof s->res);
    put_u64(b, s->rep_row.len);
    put(b, s->rep_row.p, s->rep_row.len);
    put_u64(b, s->conv_rows.len);
    put(b, s->conv_rows.p, s->conv_rows.len);
    put_u64(b, s->n_day);
    put(b, s->day, s->n_day * sizeof *s->day);
  }
}

int cluster_serve(void)
{
  struct wpoint wp;
  struct slot *slots = NULL;
  size_t cap = 0;
  struct buf out[2] = { { 0 }, { 0 } };
  MPI_Request pending[2] = { MPI_REQUEST_NULL, MPI_REQUEST_NULL };
  int which = 0, code = 0;
  memset(&wp, 0, sizeof wp);
  signal(SIGINT, on_worker_signal);
  signal(SIGTERM, on_worker_signal);
  signal(SIGHUP, on_worker_signal);
  for (;;) {
    MPI_Status st;
    int len = 0;
    MPI_Probe(0, TAG_WORK, MPI_COMM_WORLD, &st);
    MPI_Get_count(&st, MPI_BYTE, &len);
    char *msg = malloc(len > 0 ? (size_t)len : 1);
    if (msg == NULL) {
      code = 70;
      MPI_Abort(MPI_COMM_WORLD, 70); /* nothing can be reported from here */
    }
    MPI_Recv(msg, len, MPI_BYTE, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    struct rd r = { msg, (size_t)len, 0, false };
    const struct work_hdr *hp = take(&r, sizeof *hp);
    if (hp == NULL || hp->kind != MSG_WORK) {
      free(msg);
      break;
    }
    struct work_hdr h = *hp;
    size_t recipe_at = r.at;
    const char *path = take_str(&r);
    const char **sets = calloc(h.n_sets + 1, sizeof *sets);
    const char **keys = calloc(h.n_keys + 1, sizeof *keys);
    for (uint32_t i = 0; sets != NULL && i < h.n_sets; i++)
      sets[i] = take_str(&r);
    size_t recipe_end = r.at;
    for (uint32_t k = 0; keys != NULL && k < h.n_keys; k++)
      keys[k] = take_str(&r);
    if (r.bad || sets == NULL || keys == NULL || h.count < 0) {
      free(sets);
      free(keys);
      free(msg);
      MPI_Abort(MPI_COMM_WORLD, 70);
    }
    /* the recipe (and the thread count) decide whether the model is reused */
    size_t rlen = recipe_end - recipe_at;
    if (!wp.loaded || wp.recipe == NULL || wp.recipe_len != rlen + sizeof h.threads ||
        memcmp(wp.recipe, msg + recipe_at, rlen) != 0 ||
        memcmp(wp.recipe + rlen, &h.threads, sizeof h.threads) != 0) {
      char *rec = malloc(rlen + sizeof h.threads);
      if (rec != NULL) {
        memcpy(rec, msg + recipe_at, rlen);
        memcpy(rec + rlen, &h.threads, sizeof h.threads);
      }
      wpoint_load(&wp, rec, rlen + sizeof h.threads, path, sets, h.n_sets, h.threads > 0 ? h.threads : 1);
    }
    struct runner_point p;
    memset(&p, 0, sizeof p);
    p.point = (long)h.point;
    p.key_values = keys;
    p.n_keys = h.n_keys;
    p.sc = wp.status == ERR_OK ? &wp.sc : NULL;
    p.daily_days = (long)h.daily_days;
    p.job.ctx = &wp.rm;
    p.job.replicate = runner_model_replicate;
    if ((size_t)h.count > cap) {
      struct slot *ns = aligned_alloc(SLOT_ALIGN, (size_t)h.count * sizeof *ns);
      if (ns == NULL)
        MPI_Abort(MPI_COMM_WORLD, 70);
      memset(ns, 0, (size_t)h.count * sizeof *ns);
      if (slots != NULL) {
        memcpy(ns, slots, cap * sizeof *slots); /* keep the buffers */
        free(slots);
      }
      slots = ns;
      cap = (size_t)h.count;
    }
    const struct slot_want w = { h.convoys != 0, h.daily != 0, h.rows != 0 };
    for (long k = 0; k < h.count; k++) {
      slots[k].p = &p;
      slots[k].rep = (uint64_t)h.rep0 + (uint64_t)k;
      slots[k].kept = false;
      slots[k].ran = false;
      slots[k].status = wp.status;
      slots[k].n_day = 0;
      csv_row_clear(&slots[k].rep_row);
      csv_row_clear(&slots[k].conv_rows);
    }
    if (wp.status == ERR_OK) {
#pragma omp parallel for schedule(dynamic) num_threads(h.threads > 0 ? h.threads : 1)
      for (long k = 0; k < h.count; k++)
        runner_slot_compute(&slots[k], h.seed, w, &worker_stop, omp_get_thread_num());
    }
    /* the buffer of two results ago is free again */
    which ^= 1;
    MPI_Wait(&pending[which], MPI_STATUS_IGNORE);
    serialize(&out[which], h.chunk, slots, h.count);
    if (out[which].nomem || out[which].len > (size_t)INT32_MAX)
      MPI_Abort(MPI_COMM_WORLD, 70);
    MPI_Isend(out[which].p, (int)out[which].len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD, &pending[which]);
    free(sets);
    free(keys);
    free(msg);
  }
  MPI_Waitall(2, pending, MPI_STATUSES_IGNORE);
  for (size_t k = 0; k < cap; k++) {
    csv_row_release(&slots[k].rep_row);
    csv_row_release(&slots[k].conv_rows);
    free(slots[k].day);
  }
  free(slots);
  free(out[0].p);
  free(out[1].p);
  wpoint_release(&wp);
  return code;
}

#endif /* CONVOYSIM_MPI */
