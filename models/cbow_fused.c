/*
 * cbow_fused.c — CBOW with negative sampling, forward and backward in one
 * pass per row (see cbow.h, cbow_forward_backward): the arithmetic of
 * cbow_forward + cbow_backward (textbook ch04/cbow.py over
 * ch04/negative_sampling_layer.py), done row by row so that h, dh and the
 * S + 1 output rows stay in registers and L1, as word2vec.c's per-word
 * loop does, instead of the layers' (B, H) gathers and their passes.
 * The layer path stays what students read; tests/test_cbow_fused.c checks
 * this one against it.
 */
#include "models/cbow.h"

#include "common/check.h"
#include "common/simd.h"
#include "layers/functions.h"

/* dot(w, h) over H floats, summed per SIMD lane then added, as embedding_dot_forward sums. */
static inline float row_dot(const float *restrict w, const float *restrict h, int H)
{
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (int k = 0; k < H; k++) s += w[k] * h[k];
    return s;
}

/* dh += g * w and dw += g * h: embedding_dot_backward's two updates for one row. */
static inline void row_backward(float *restrict dh, float *restrict dw, const float *restrict w,
                                const float *restrict h, float g, int H)
{
    for (int k = 0; k < H; k++) {
        dh[k] += g * w[k];
        dw[k] += g * h[k];
    }
}

SIMD_CLONES
float cbow_forward_backward(CBOW *self, const int32_t *contexts, const int32_t *target,
                            const int32_t *negative_sample, int B)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_NEGSAMP && negative_sample != NULL);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    const int n_in = 2 * cfg->window_size, H = cfg->hidden_size, S = cfg->sample_size;
    const int V = cfg->vocab_size;
    Param *W_in = &self->W_in, *W_out = &self->W_out;
    const float *in = W_in->value.data, *out = W_out->value.data;
    float *din = W_in->grad.data, *dout = W_out->grad.data;
    /* SigmoidWithLoss's backward: (y - t) * dout / B with dout = 1 (K = 1: one column) */
    const float scale = 1.0f / (float)B;
    double *col_loss = self->fused_loss;   /* (S + 1,) each layer's sum, as SigmoidWithLoss sums */
    for (int l = 0; l <= S; l++) col_loss[l] = 0.0;
    float *h = self->h, *dh = self->dh;   /* their first row: one batch row at a time */
    self->B = 0;                          /* nothing for cbow_backward to go on */

    for (int b = 0; b < B; b++) {
        const int32_t *ctx = contexts + (size_t)b * n_in;

        /* h = the mean of the context rows present, summed in cbow_forward's order */
        int present = 0;
        for (int k = 0; k < H; k++) h[k] = 0.0f;
        for (int i = 0; i < n_in; i++) {
            const int32_t c = ctx[i];
            DLFS_ASSERT(c >= -1 && c < V);
            if (c < 0) continue;   /* an absent context adds nothing */
            present++;
            const float *w = in + (size_t)c * H;
            for (int k = 0; k < H; k++) h[k] += w[k];
        }
        DLFS_ASSERT(present >= 1);
        const float inv_count = 1.0f / (float)present;
        for (int k = 0; k < H; k++) h[k] *= inv_count;

        /* the target (label 1) and the S negatives (label 0): score, loss, and both gradients,
         * each output row read once for its dot product and its two updates */
        for (int k = 0; k < H; k++) dh[k] = 0.0f;
        for (int l = 0; l <= S; l++) {
            const int32_t row = l == 0 ? target[b] : negative_sample[(size_t)b * S + l - 1];
            DLFS_ASSERT(row >= 0 && row < V);
            const float *w = out + (size_t)row * H;
            const float x = row_dot(w, h, H);
            /* -log y = softplus(-x) for t = 1; -log(1 - y) = softplus(x) for t = 0 */
            col_loss[l] += l == 0 ? dlfs_softplus(-(double)x) : dlfs_softplus((double)x);
            const float g = (sigmoid(x) - (l == 0 ? 1.0f : 0.0f)) * scale;
            param_mark_row(W_out, row);
            row_backward(dh, dout + (size_t)row * H, w, h, g, H);
        }

        /* every context row present gets dh / count, or the whole dh (context_full_grad) */
        if (!cfg->context_full_grad)
            for (int k = 0; k < H; k++) dh[k] *= inv_count;
        for (int i = 0; i < n_in; i++) {
            const int32_t c = ctx[i];
            if (c < 0) continue;
            param_mark_row(W_in, c);
            float *d = din + (size_t)c * H;
            for (int k = 0; k < H; k++) d[k] += dh[k];
        }
    }

    /* NegativeSamplingLoss's total: each layer's mean in float, added in layer order */
    float loss = (float)(col_loss[0] / B);
    for (int l = 1; l <= S; l++) loss += (float)(col_loss[l] / B);
    return loss;
}
