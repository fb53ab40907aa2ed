/* embedding_dot.c — EmbeddingDot, textbook ch04/negative_sampling_layer.py. */
#include "layers/embedding_dot.h"

#include <string.h>

#include "common/check.h"
#include "common/simd.h"

/* Asks the CPU to start loading a row of H floats that the next iteration reads. */
static inline void prefetch_row(const float *row, int H)
{
    for (int k = 0; k < H; k += 16) __builtin_prefetch(row + k);
}

void embedding_dot_init(EmbeddingDot *self, Param *W)
{
    memset(self, 0, sizeof *self);
    embedding_init(&self->embed, W);
    self->params[0] = W;
    self->grads[0] = &W->grad;
}

SIMD_CLONES
void embedding_dot_forward(EmbeddingDot *self, float *out, const float *h,
                           const int32_t *idx, int B)
{
    const Param *W = self->params[0];
    const int V = W->value.shape[0], H = W->value.shape[1];
    for (int b = 0; b < B; b++) {
        DLFS_ASSERT(idx[b] >= 0 && idx[b] < V);
        const float *w = W->value.data + (size_t)idx[b] * H;
        if (b + 1 < B) prefetch_row(W->value.data + (size_t)idx[b + 1] * H, H);
        const float *hb = h + (size_t)b * H;
        float s = 0.0f;
        /* a vectorised sum (partial sums per SIMD lane, then added), as
         * NumPy's np.sum over a row sums pairwise rather than in order */
#pragma omp simd reduction(+ : s)
        for (int k = 0; k < H; k++) s += w[k] * hb[k];
        out[b] = s;
    }
    /* The textbook caches target_W = W[idx]; W is unchanged until backward,
     * so backward reads the rows from W itself instead of a (B, H) copy. */
    self->embed.idx = idx;
    self->embed.B = B;
    self->h = h;
}

SIMD_CLONES
void embedding_dot_backward(EmbeddingDot *self, float *dh, const float *dout)
{
    DLFS_ASSERT(self->h != NULL);
    Param *W = self->params[0];
    const int H = W->value.shape[1];
    for (int b = 0; b < self->embed.B; b++) {
        const int32_t row = self->embed.idx[b];
        const float *w = W->value.data + (size_t)row * H;
        if (b + 1 < self->embed.B) {
            const size_t next = (size_t)self->embed.idx[b + 1] * H;
            prefetch_row(W->value.data + next, H);
            prefetch_row(W->grad.data + next, H);
        }
        const float *hb = self->h + (size_t)b * H;
        float *dW = W->grad.data + (size_t)row * H;
        float *dhb = dh + (size_t)b * H;
        const float d = dout[b];
        param_mark_row(W, row);
        for (int k = 0; k < H; k++) {
            dhb[k] += d * w[k];
            dW[k] += d * hb[k];
        }
    }
}
