/*
 * f32le.h — float32 to and from its 4 little-endian bytes, whatever the
 * machine's byte order: the value bytes of .npy '<f4' arrays
 * (datasets/npy.c) and of word2vec's binary vectors (datasets/vectors.c).
 *
 * Private to datasets/: not installed, and static inline so that the
 * library exports no such names.
 */
#ifndef DLFS2_DATASETS_F32LE_H
#define DLFS2_DATASETS_F32LE_H

#include <stdint.h>
#include <string.h>

/* Writes the 4 bytes of x, little-endian, to out[0..4). */
static inline void put_f32_le(float x, unsigned char *out)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    out[0] = (unsigned char)(u & 0xFF);
    out[1] = (unsigned char)((u >> 8) & 0xFF);
    out[2] = (unsigned char)((u >> 16) & 0xFF);
    out[3] = (unsigned char)(u >> 24);
}

/* The float32 whose little-endian bytes are in[0..4). */
static inline float get_f32_le(const unsigned char *in)
{
    const uint32_t u = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

#endif
