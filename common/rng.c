/* rng.c — xoshiro256** with splitmix64 seeding (see rng.h). */
#include "common/rng.h"

#include <math.h>

#include "common/check.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void rng_seed(Rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&x);
}

uint64_t rng_u64(Rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double rng_uniform(Rng *rng)
{
    return (double)(rng_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(Rng *rng, uint64_t n)
{
    DLFS_ASSERT(n >= 1);
    /* Reject the lowest 2^64 mod n values so every residue is equally likely
     * (OpenBSD's arc4random_uniform); fewer than half the draws are rejected. */
    const uint64_t threshold = -n % n;
    for (;;) {
        const uint64_t r = rng_u64(rng);
        if (r >= threshold) return r % n;
    }
}

double rng_normal(Rng *rng)
{
    double u, v, s;
    do {
        u = 2.0 * rng_uniform(rng) - 1.0;
        v = 2.0 * rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    /* The second variate (v * factor) is dropped to keep the state simple. */
    return u * sqrt(-2.0 * log(s) / s);
}

void rng_shuffle_int32(Rng *rng, int32_t *perm, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(rng, i);
        int32_t tmp = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = tmp;
    }
}
