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
_Static_assert(STREAM_BLOCKS == 2, "refill() computes exactly two blocks");

struct stream_state {
  uint64_t buf[STREAM_WORDS]; /* words of blocks ctr0 - STREAM_BLOCKS .. ctr0 - 1 */
  uint64_t key[2];            /* Philox key, from the master seed */
  uint64_t ctr0;              /* block number of the next block to compute */
  uint64_t source;            /* counter word 1 */
  uint64_t rep;               /* counter word 2 */
  unsigned idx;               /* next unread word of buf; STREAM_WORDS = empty */
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

/* Compute the next two blocks into buf and return the first word.  The two
 * blocks are independent, so their rounds are interleaved by hand, in
 * scalar variables that stay in registers: their multiplications overlap
 * in the CPU instead of waiting on each other.  Out of line, so the draw
 * functions stay small. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static uint64_t refill(struct stream_state *s)
{
  uint64_t k0 = s->key[0], k1 = s->key[1];
  uint64_t a0 = s->ctr0, a1 = s->source, a2 = s->rep, a3 = 0;
  uint64_t b0 = s->ctr0 + 1, b1 = s->source, b2 = s->rep, b3 = 0;

  for (int r = 0; r < PHILOX_ROUNDS; r++) {
    uint64_t ha0, ha1, hb0, hb1, la0, la1, lb0, lb1;
    if (r > 0) {
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }
    la0 = mulhilo(PHILOX_M0, a0, &ha0);
    lb0 = mulhilo(PHILOX_M0, b0, &hb0);
    la1 = mulhilo(PHILOX_M1, a2, &ha1);
    lb1 = mulhilo(PHILOX_M1, b2, &hb1);
    a0 = ha1 ^ a1 ^ k0;
    a1 = la1;
    a2 = ha0 ^ a3 ^ k1;
    a3 = la0;
    b0 = hb1 ^ b1 ^ k0;
    b1 = lb1;
    b2 = hb0 ^ b3 ^ k1;
    b3 = lb0;
  }
  s->buf[0] = a0;
  s->buf[1] = a1;
  s->buf[2] = a2;
  s->buf[3] = a3;
  s->buf[4] = b0;
  s->buf[5] = b1;
  s->buf[6] = b2;
  s->buf[7] = b3;
  s->ctr0 += STREAM_BLOCKS; /* wraps after 2^64 blocks: the stream repeats */
  s->idx = 1;
  return a0;
}

/* The fast path is a load and an increment; refill() is a tail call. */
static inline uint64_t next_word(struct stream_state *s)
{
  unsigned i = s->idx;

  if (i < STREAM_WORDS) {
    s->idx = i + 1;
    return s->buf[i];
  }
  return refill(s);
}

static void state_seek(struct stream_state *s, uint64_t seed, uint64_t rep,
                       uint64_t source)
{
  stream_key(seed, s->key);
  s->ctr0 = 0;
  s->source = source;
  s->rep = rep;
  s->idx = STREAM_WORDS;
}

static void philox_set(void *vs, unsigned long seed)
{
  state_seek(vs, (uint64_t)seed, 0, 0);
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
  state_seek(r->state, seed, rep, source);
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
