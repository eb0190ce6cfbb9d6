/*
 * stream.h - independent random streams, one per (master seed, replication,
 * source), served through GSL so every gsl_ran_* distribution draws from them.
 *
 * The generator is Philox4x64-10 (Salmon et al., "Parallel random numbers:
 * as easy as 1, 2, 3", SC 2011), exactly as Random123 defines it, a
 * counter-based generator: output block i of a stream is the bijection
 * Philox_key(counter) applied to a 256-bit counter, and the key is derived
 * from the master seed alone.  A stream is named by its counter prefix:
 *
 *     counter = (block i [64 bits], source [64 bits], replication [64 bits],
 *                sub [64 bits, 0 unless stream_seek_sub names one])
 *     key     = (mix(seed + G), mix(seed + 2G))
 *
 * where mix is SplitMix64's output function and G = 0x9E3779B97F4A7C15, i.e.
 * the key is the first two outputs of a SplitMix64 generator seeded with the
 * master seed.  mix is a bijection of 64-bit words, so distinct master
 * seeds always get distinct keys (seeds s and s + 2^32 differ, unlike GSL's
 * own generators, which keep 32 bits of a seed).
 *
 * Why streams cannot overlap.  Under one master seed (one key), stream
 * (r, s, u) uses exactly the counters {(i, s, r, u) : 0 <= i < 2^64}.  For
 * (r1, s1, u1) != (r2, s2, u2) these sets are disjoint, and for a fixed key Philox
 * is a bijection on the 2^256 counters, so no block of one stream is ever
 * computed from the same input as a block of the other: the two streams are
 * distinct outputs of one permutation, not shifted copies of one sequence,
 * and no amount of drawing makes one run into the other.  This holds for
 * every replication and every source below 2^64, far beyond the 2^40
 * replications x 2^16 sources that SPEC section 5 asks for.  Each stream is
 * 2^64 blocks (2^66 64-bit words) long; past that its block counter wraps
 * and it repeats itself (never another stream).
 *
 * Draw order.  A stream yields the four 64-bit words of block 0 in order,
 * then those of block 1, and so on; the generator computes several blocks
 * at a time but that does not change the sequence.  Each gsl_rng call takes
 * one whole 64-bit word w:
 *   gsl_rng_get      w >> 32 (the high half; 32-bit values, max 2^32 - 1)
 *   gsl_rng_uniform  (w >> 11) x 2^-53, in [0, 1)
 *   stream_uniform_pos  ((w >> 11) | 1) x 2^-53, in (0, 1)
 *   stream_exponential  -mean ln(stream_uniform_pos)
 *   stream_next_u64  w
 *
 * A gsl_rng made by stream_new() is a normal gsl_rng (gsl_rng_uniform,
 * gsl_ran_exponential, gsl_rng_clone, ... all work); it is not thread-safe:
 * one per thread and purpose.  stream_seek() repositions it at the start of
 * any stream in constant time, with no allocation; gsl_rng_set(r, s) is
 * stream_seek(r, s, 0, 0).
 */
#ifndef CONVOYSIM_STREAM_H
#define CONVOYSIM_STREAM_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The GSL generator type ("philox4x64"); gsl_rng_set(r, s) seeks to stream
 * (s, 0, 0). max = 2^32 - 1: gsl_rng_get returns 32-bit values;
 * gsl_rng_uniform uses 53 bits of one 64-bit word. */
extern const gsl_rng_type *const stream_rng_type;

/* A new generator at stream (0, 0, 0), or NULL when out of memory. */
gsl_rng *stream_new(void);
void stream_free(gsl_rng *r); /* accepts NULL */

/* Position r (made by stream_new, or gsl_rng_alloc(stream_rng_type)) at the
 * first draw of stream (seed, rep, source).  O(1), no allocation. */
void stream_seek(gsl_rng *r, uint64_t seed, uint64_t rep, uint64_t source);

/* The same, at stream (seed, rep, source, sub): one of 2^64 sub-streams of
 * a source, e.g. one per incident of a convoy.  Sub 0 is stream_seek's. */
void stream_seek_sub(gsl_rng *r, uint64_t seed, uint64_t rep, uint64_t source, uint64_t sub);

/* The next raw 64-bit word of r's stream (for tests and fast paths). */
uint64_t stream_next_u64(gsl_rng *r);

/* Uniform in (0, 1): never 0 and never 1 (safe for log). */
double stream_uniform_pos(gsl_rng *r);

/* Exponential with mean `mean` by inversion, -mean ln(U) with U from
 * stream_uniform_pos: one word per draw, about half the cost of
 * gsl_ran_exponential (which takes log1p of a gsl_rng_uniform), for hot
 * paths such as hazard clocks and arrival processes.  Always > 0 and
 * finite (at most ~36.7 x mean). */
double stream_exponential(gsl_rng *r, double mean);

/* The Philox key of master seed `seed` (see above). */
void stream_key(uint64_t seed, uint64_t key[2]);

/* One Philox4x64-10 block: out = Philox_key(ctr), as Random123's
 * philox4x64(ctr, key) with 10 rounds (its known-answer vectors apply). */
void stream_philox4x64_10(const uint64_t ctr[4], const uint64_t key[2],
                          uint64_t out[4]);

/* 64 x 64 -> 128-bit product a x b without a 128-bit integer type: returns
 * the low word and stores the high word in *hi.  Used where the compiler
 * has no unsigned __int128; exported so tests check it on every compiler. */
uint64_t stream_mul128_portable(uint64_t a, uint64_t b, uint64_t *hi);

#endif
