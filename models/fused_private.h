/*
 * fused_private.h — the two pieces of arithmetic the fused SGD steps of
 * CBOW (cbow_fused.c) and SkipGram (skip_gram_fused.c) share: a row's dot
 * product and one output's gradient factor with its loss term, from one
 * expf; and their input side: how h is made from W_in and how the error e
 * goes back into W_in, with one row per word or, with subwords
 * (Word2VecConfig.subwords, layers/subword.h), the rows of each word's
 * character n-grams, updated either with the layer path's exact gradient
 * or as fastText's Model::update does (subword_fasttext_update). Private
 * to models/ (not installed).
 */
#ifndef DLFS2_MODELS_FUSED_PRIVATE_H
#define DLFS2_MODELS_FUSED_PRIVATE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/check.h"
#include "layers/subword.h"
#include "layers/subword_rows.h"

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

/* ---- the input side: make h from W_in, put e back into W_in ---------------- */

/*
 * Every row of word w (repeats included: each gets it again) += s * e (H,),
 * s = scale, or scale / c with per_row_share (c: the word's row count; the
 * exact gradient of the mean over its rows).
 */
static inline void subword_rows_add(float *restrict in, const float *restrict e, const SubwordTable *t, int32_t w,
                                    float scale, bool per_row_share, int H)
{
    int c;
    const int32_t *rows = subword_table_word_rows(t, w, &c);
    const float s = per_row_share ? scale * (1.0f / (float)c) : scale;
    for (int k = 0; k < c; k++) {
        float *r = in + (size_t)rows[k] * H;
        for (int j = 0; j < H; j++) r[j] += s * e[j];
    }
}

/*
 * CBOW's h (H,) from the context ids ctx (n_in,) (ids in [0, V) or -1 for
 * an absent word, at least one present), in (rows, H):
 * - no subwords (sub NULL): the mean of the context rows present; returns
 *   1 / their number;
 * - subwords, exact (fasttext false): the mean over the contexts present
 *   of each word's subword mean (the layer path: 2w SubwordEmbedding
 *   layers, then the textbook's mean); returns 1 / the contexts present;
 *   tmp (H,) is scratch;
 * - subwords, fastText's (fasttext true): the mean over ALL rows of all
 *   contexts present, their n-gram lists concatenated (fastText's cbow()
 *   then Model::computeHidden); returns 1 / that number of rows.
 */
static inline float fused_context_h(float *restrict h, float *restrict tmp, const float *restrict in,
                                    const int32_t *ctx, int n_in, int H, int V, const SubwordTable *sub,
                                    bool fasttext)
{
    int present = 0, rows_seen = 0;
    for (int k = 0; k < H; k++) h[k] = 0.0f;
    for (int i = 0; i < n_in; i++) {
        const int32_t c = ctx[i];
        DLFS_ASSERT(c >= -1 && c < V);
        if (c < 0) continue;   /* an absent context adds nothing */
        present++;
        if (!sub) {
            const float *w = in + (size_t)c * H;
            for (int k = 0; k < H; k++) h[k] += w[k];
        } else if (!fasttext) {
            subword_rows_mean(tmp, in, sub, c, H);
            for (int k = 0; k < H; k++) h[k] += tmp[k];
        } else {
            int count;
            const int32_t *rows = subword_table_word_rows(sub, c, &count);
            for (int r = 0; r < count; r++) {
                const float *w = in + (size_t)rows[r] * H;
                for (int k = 0; k < H; k++) h[k] += w[k];
            }
            rows_seen += count;
        }
    }
    DLFS_ASSERT(present >= 1);
    const float inv_count = 1.0f / (float)(sub && fasttext ? rows_seen : present);
    for (int k = 0; k < H; k++) h[k] *= inv_count;
    return inv_count;
}

/*
 * CBOW's e (H,) back into in, for the contexts present in ctx (n_in,):
 * - no subwords: every context row += scale * e (scale: 1 for
 *   context_full_grad, else fused_context_h's 1 / count);
 * - subwords, exact: every row of each context word += scale * e / c, c
 *   its number of rows (the layer path's SubwordEmbedding backward, then
 *   SGD);
 * - subwords, fastText's: every row of each context word += e, whatever
 *   scale (Model::update adds the whole gradient to each input row).
 */
static inline void fused_context_e(float *restrict in, const float *restrict e, const int32_t *ctx, int n_in, int H,
                                   float scale, const SubwordTable *sub, bool fasttext)
{
    for (int i = 0; i < n_in; i++) {
        const int32_t c = ctx[i];
        if (c < 0) continue;
        if (!sub) {
            float *w = in + (size_t)c * H;
            for (int k = 0; k < H; k++) w[k] += scale * e[k];
        } else {
            subword_rows_add(in, e, sub, c, fasttext ? 1.0f : scale, !fasttext, H);
        }
    }
}

/*
 * SkipGram's h (H,) of the target word w: a copy of its row (no subwords),
 * or the mean of its subword rows (both updates: fastText's skipgram()
 * takes the target's n-gram list). Returns the row count c (1 without
 * subwords).
 */
static inline int fused_word_h(float *restrict h, const float *restrict in, int32_t w, int V, int H,
                               const SubwordTable *sub)
{
    DLFS_ASSERT(w >= 0 && w < V);
    if (!sub) {
        memcpy(h, in + (size_t)w * H, (size_t)H * sizeof *h);
        return 1;
    }
    return subword_rows_mean(h, in, sub, w, H);
}

/*
 * SkipGram's e (H,) back into the target w's rows: its row += e (no
 * subwords); each of its c subword rows += e / c (exact) or += e
 * (fastText's).
 */
static inline void fused_word_e(float *restrict in, const float *restrict e, int32_t w, int H, const SubwordTable *sub,
                                bool fasttext)
{
    if (!sub) {
        float *r = in + (size_t)w * H;
        for (int j = 0; j < H; j++) r[j] += e[j];
        return;
    }
    subword_rows_add(in, e, sub, w, 1.0f, !fasttext, H);
}

#endif
