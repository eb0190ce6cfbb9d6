/*
 * stream.c - Philox4x64-10 as a gsl_rng_type (stream.h).
 *
 * The one rule: the words a stream yields depend only on (seed, rep,
 * source) and on how many words were drawn before, never on buffering or on
 * the machine.  The state buffers STREAM_BLOCKS blocks, computed together
 * so that their multiplications overlap in the CPU (one block alone is a
 * chain of ten dependent multiplications); the sequence is the same as
 * computing blocks one at a time (stream_philox4x64_10).
 */
#include "convoysim/stream.h"

#include <assert.h>
#include <stdbool.h>
#include <math.h>
#include <string.h>

/* Random123 philox4x64: multipliers and Weyl key increments. */
#define PHILOX_M0 UINT64_C(0xD2E7470EE14C6C93)
#define PHILOX_M1 UINT64_C(0xCA5A826395121157)
#define PHILOX_W0 UINT64_C(0x9E3779B97F4A7C15)
#define PHILOX_W1 UINT64_C(0xBB67AE8584CAA73B)
#define PHILOX_ROUNDS 10

/* SplitMix64 increment (the golden gamma). */
#define SPLITMIX_G UINT64_C(0x9E3779B97F4A7C15)

#define STREAM_BLOCKS 2                     /* blocks computed per refill */
#define STREAM_WORDS (4 * STREAM_BLOCKS)    /* 64-bit words buffered */

struct stream_state {
  uint64_t buf[STREAM_WORDS]; /* words of the blocks before ctr0, buf[0 .. end - 1] */
  uint64_t key[2];            /* Philox key, from the master seed */
  uint64_t ctr0;              /* block number of the next block to compute */
  uint64_t source;            /* counter word 1 */
  uint64_t rep;               /* counter word 2 */
  uint64_t sub;               /* counter word 3 */
  uint64_t rk[PHILOX_ROUNDS][2]; /* the key of each round */
  uint64_t seed;              /* the master seed key[] was made from */
  unsigned idx;               /* next unread word of buf; end = empty */
  unsigned end;               /* words in buf */
  bool keyed;                 /* key[] holds the key of seed */
};

uint64_t stream_mul128_portable(uint64_t a, uint64_t b, uint64_t *hi)
{
  const uint64_t mask = UINT64_C(0xFFFFFFFF);
  uint64_t a0 = a & mask, a1 = a >> 32, b0 = b & mask, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & mask) + (p10 & mask); /* < 3 x 2^32 */

  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & mask);
}

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 stream_u128;
static inline uint64_t mulhilo(uint64_t a, uint64_t b, uint64_t *hi)
{
  stream_u128 p = (stream_u128)a * b;
  *hi = (uint64_t)(p >> 64);
  return (uint64_t)p;
}
#else
static inline uint64_t mulhilo(uint64_t a, uint64_t b, uint64_t *hi)
{
  return stream_mul128_portable(a, b, hi);
}
#endif

/* SplitMix64's output function: a bijection of 64-bit words. */
static uint64_t mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

void stream_key(uint64_t seed, uint64_t key[2])
{
  key[0] = mix64(seed + SPLITMIX_G);
  key[1] = mix64(seed + 2 * SPLITMIX_G);
}

/* One round on x[4] with key (k0, k1), as Random123's _philox4x64round. */
#define PHILOX_ROUND(x, k0, k1)                        \
  do {                                                 \
    uint64_t hi0_, hi1_;                               \
    uint64_t lo0_ = mulhilo(PHILOX_M0, (x)[0], &hi0_); \
    uint64_t lo1_ = mulhilo(PHILOX_M1, (x)[2], &hi1_); \
    (x)[0] = hi1_ ^ (x)[1] ^ (k0);                     \
    (x)[1] = lo1_;                                     \
    (x)[2] = hi0_ ^ (x)[3] ^ (k1);                     \
    (x)[3] = lo0_;                                     \
  } while (0)

void stream_philox4x64_10(const uint64_t ctr[4], const uint64_t key[2],
                          uint64_t out[4])
{
  uint64_t x[4] = { ctr[0], ctr[1], ctr[2], ctr[3] };
  uint64_t k0 = key[0], k1 = key[1];

  for (int r = 0; r < PHILOX_ROUNDS; r++) {
    if (r > 0) {
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }
    PHILOX_ROUND(x, k0, k1);
  }
  memcpy(out, x, sizeof x);
}

/* Block 0 of a stream just sought: the first refill after a seek. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
__attribute__((noinline, target_clones("default", "bmi2")))
#elif defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t first_block(struct stream_state *s)
{
  uint64_t y[4] = { 0, s->source, s->rep, s->sub };
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 10
#endif
  for (int r = 0; r < PHILOX_ROUNDS; r++) {
    uint64_t hi0, hi1;
    uint64_t lo0 = mulhilo(PHILOX_M0, y[0], &hi0);
    uint64_t lo1 = mulhilo(PHILOX_M1, y[2], &hi1);
    y[0] = hi1 ^ y[1] ^ s->rk[r][0];
    y[1] = lo1;
    y[2] = hi0 ^ y[3] ^ s->rk[r][1];
    y[3] = lo0;
  }
  memcpy(s->buf, y, sizeof y);
  s->ctr0 = 1;
  s->end = 4;
  s->idx = 1;
  return s->buf[0];
}

/* Compute the next blocks into buf and return the first word: one block
 * right after a seek (many streams are used for a word or two: a hazard
 * clock, a coordination draw), STREAM_BLOCKS after that.  Those blocks are
 * independent: their rounds, unrolled, interleave in registers, so their
 * multiplications overlap in the CPU instead of waiting on each other
 * (more blocks than two no longer fit in the registers).  Out of line, so
 * the draw functions stay small. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
/* BMI2's mulx leaves rax and rdx free, so the two blocks stay in registers
 * (1.7 times faster here); each clone computes the same integers. */
__attribute__((noinline, target_clones("default", "bmi2")))
#elif defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t refill(struct stream_state *s)
{
  uint64_t x[STREAM_BLOCKS][4];

  if (s->ctr0 == 0)
    return first_block(s);
  for (int b = 0; b < STREAM_BLOCKS; b++) {
    x[b][0] = s->ctr0 + (uint64_t)b;
    x[b][1] = s->source;
    x[b][2] = s->rep;
    x[b][3] = s->sub;
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 10
#endif
  for (int r = 0; r < PHILOX_ROUNDS; r++) {
    const uint64_t k0 = s->rk[r][0], k1 = s->rk[r][1];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 2
#endif
    for (int b = 0; b < STREAM_BLOCKS; b++) {
      uint64_t hi0, hi1;
      uint64_t lo0 = mulhilo(PHILOX_M0, x[b][0], &hi0);
      uint64_t lo1 = mulhilo(PHILOX_M1, x[b][2], &hi1);
      x[b][0] = hi1 ^ x[b][1] ^ k0;
      x[b][1] = lo1;
      x[b][2] = hi0 ^ x[b][3] ^ k1;
      x[b][3] = lo0;
    }
  }
  for (int b = 0; b < STREAM_BLOCKS; b++)
    for (int w = 0; w < 4; w++)
      s->buf[4 * b + w] = x[b][w];
  s->ctr0 += STREAM_BLOCKS; /* wraps after 2^64 blocks: the stream repeats */
  s->end = STREAM_WORDS;
  s->idx = 1;
  return s->buf[0];
}

/* The fast path is a load and an increment; refill() is a tail call. */
static inline uint64_t next_word(struct stream_state *s)
{
  unsigned i = s->idx;

  if (i < s->end) {
    s->idx = i + 1;
    return s->buf[i];
  }
  return refill(s);
}

static void state_seek(struct stream_state *s, uint64_t seed, uint64_t rep,
                       uint64_t source, uint64_t sub)
{
  if (!s->keyed || s->seed != seed) { /* a replication seeks many streams of one seed */
    stream_key(seed, s->key);
    s->rk[0][0] = s->key[0];
    s->rk[0][1] = s->key[1];
    for (int r = 1; r < PHILOX_ROUNDS; r++) {
      s->rk[r][0] = s->rk[r - 1][0] + PHILOX_W0;
      s->rk[r][1] = s->rk[r - 1][1] + PHILOX_W1;
    }
    s->seed = seed;
    s->keyed = true;
  }
  s->ctr0 = 0;
  s->source = source;
  s->rep = rep;
  s->sub = sub;
  s->idx = s->end = 0;
}

static void philox_set(void *vs, unsigned long seed)
{
  ((struct stream_state *)vs)->keyed = false; /* gsl_rng_alloc's state is not zeroed */
  state_seek(vs, (uint64_t)seed, 0, 0, 0);
}

static unsigned long philox_get(void *vs)
{
  return (unsigned long)(next_word(vs) >> 32);
}

static double philox_get_double(void *vs)
{
  return (double)(next_word(vs) >> 11) * 0x1p-53;
}

static const gsl_rng_type philox_type = {
  "philox4x64",                 /* name */
  UINT64_C(0xFFFFFFFF),         /* max */
  0,                            /* min */
  sizeof(struct stream_state),  /* size */
  philox_set,
  philox_get,
  philox_get_double
};

const gsl_rng_type *const stream_rng_type = &philox_type;

gsl_rng *stream_new(void)
{
  return gsl_rng_alloc(stream_rng_type); /* set(state, 0): stream (0, 0, 0) */
}

void stream_free(gsl_rng *r)
{
  if (r != NULL)
    gsl_rng_free(r);
}

void stream_seek(gsl_rng *r, uint64_t seed, uint64_t rep, uint64_t source)
{
  assert(r->type == stream_rng_type);
  state_seek(r->state, seed, rep, source, 0);
}

void stream_seek_sub(gsl_rng *r, uint64_t seed, uint64_t rep, uint64_t source, uint64_t sub)
{
  assert(r->type == stream_rng_type);
  state_seek(r->state, seed, rep, source, sub);
}

uint64_t stream_next_u64(gsl_rng *r)
{
  assert(r->type == stream_rng_type);
  return next_word(r->state);
}

double stream_uniform_pos(gsl_rng *r)
{
  assert(r->type == stream_rng_type);
  return (double)((next_word(r->state) >> 11) | 1u) * 0x1p-53;
}

double stream_exponential(gsl_rng *r, double mean)
{
  return -mean * log(stream_uniform_pos(r));
}
