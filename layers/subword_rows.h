/*
 * subword_rows.h — the mean of a word's subword rows, the one arithmetic
 * that SubwordEmbedding's forward (layers/subword_embedding.c) and the
 * fused SGD steps' input side (models/fused_private.h) must share so that
 * a fused step equals the layer path. Private (not installed): static
 * inline, so the fused steps' AVX2 copies inline it.
 */
#ifndef DLFS2_LAYERS_SUBWORD_ROWS_H
#define DLFS2_LAYERS_SUBWORD_ROWS_H

#include <stdint.h>
#include <string.h>

#include "layers/subword.h"

/*
 * out (H,) float32 = the mean of word w's rows of W (t->n_rows, H): its
 * own row, then its n-grams' (subword_table_word_rows), the first copied,
 * the others added in the table's order, then times 1/c (fastText's
 * computeHidden / getWordVector). Returns c >= 1. Aborts if w is not in
 * [0, t->V).
 */
static inline int subword_rows_mean(float *restrict out, const float *restrict W, const SubwordTable *t, int32_t w,
                                    int H)
{
    int c;
    const int32_t *rows = subword_table_word_rows(t, w, &c);
    memcpy(out, W + (size_t)rows[0] * H, (size_t)H * sizeof *out);
    for (int k = 1; k < c; k++) {
        const float *r = W + (size_t)rows[k] * H;
        for (int j = 0; j < H; j++) out[j] += r[j];
    }
    const float scale = 1.0f / (float)c;
    for (int j = 0; j < H; j++) out[j] *= scale;
    return c;
}

#endif
