/*
 * fused_private.h — the two pieces of arithmetic the fused SGD steps of
 * CBOW (cbow_fused.c) and SkipGram (skip_gram_fused.c) share: a row's dot
 * product and one output's gradient factor with its loss term, from one
 * expf. Private to models/ (not installed).
 */
#ifndef DLFS2_MODELS_FUSED_PRIVATE_H
#define DLFS2_MODELS_FUSED_PRIVATE_H

#include <math.h>
#include <stdbool.h>

/* dot(w, h) over H floats, summed per SIMD lane then added. */
static inline float row_dot(const float *restrict w, const float *restrict h, int H)
{
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int k = 0; k < H; k++) s += w[k] * h[k];
    return s;
}

/*
 * The gradient factor g = label - sigmoid(x) of one output, and its loss
 * term: softplus(-x) for label 1 (-log sigmoid(x)), softplus(x) for label
 * 0, returned as its two parts: *linear = max(z, 0) for z = -x or x, and
 * the factor 1 + exp(-|x|) whose log is the rest (a row multiplies its
 * factors and takes one log). One expf serves the sigmoid and the loss.
 */
static inline float output_grad(float x, bool positive, float *linear, float *factor)
{
    const float e = expf(-fabsf(x));   /* in (0, 1] */
    const float sig = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    const float z = positive ? -x : x;
    *linear = z > 0.0f ? z : 0.0f;
    *factor = 1.0f + e;
    return (positive ? 1.0f : 0.0f) - sig;
}

#endif
