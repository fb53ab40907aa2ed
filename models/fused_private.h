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

/*
 * dot(w, h) over H floats: eight partial sums, lane j over the k = j mod 8
 * (one AVX2 register, kept there), added as a tree, then the last H mod 8
 * products; the same order, and so the same result, on every CPU.
 */
static inline float row_dot(const float *restrict w, const float *restrict h, int H)
{
    float acc[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    int k = 0;
    for (; k + 8 <= H; k += 8)
        for (int j = 0; j < 8; j++) acc[j] += w[k + j] * h[k + j];
    float s = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    for (; k < H; k++) s += w[k] * h[k];
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
