/*
 * rng.h — a seedable random number generator passed explicitly.
 *
 * Randomness is an input (word2vec.c's per-thread next_random, llm.c's
 * random_u32(&state)): every function that draws takes an Rng *, so a run
 * is reproduced by its seed and nothing hides in a global. The generator is
 * xoshiro256** (Blackman & Vigna, 2018), seeded through splitmix64.
 */
#ifndef DLFS2_COMMON_RNG_H
#define DLFS2_COMMON_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

DLFS2_API_BEGIN

typedef struct Rng {
    uint64_t s[4];
} Rng;

/* Seeds the state; every seed, 0 included, gives a valid distinct stream. */
void rng_seed(Rng *rng, uint64_t seed);

/* Next 64 uniformly random bits. */
uint64_t rng_u64(Rng *rng);

/* Uniform double in [0, 1) with 53 random bits. */
double rng_uniform(Rng *rng);

/* Uniform integer in [0, n), n >= 1, without modulo bias (rejection). */
uint64_t rng_below(Rng *rng, uint64_t n);

/* Standard normal N(0, 1) (Marsaglia's polar method). */
double rng_normal(Rng *rng);

/*
 * Shuffles perm[0..n) in place (Fisher–Yates); starting from 0..n-1 this
 * gives a uniform random permutation, as np.random.permutation.
 */
void rng_shuffle_int32(Rng *rng, int32_t *perm, size_t n);

DLFS2_API_END

#endif
