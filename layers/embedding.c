/* embedding.c — Embedding layer, textbook common/layers.py (see embedding.h). */
#include "layers/embedding.h"

#include <string.h>

#include "common/check.h"
#include "common/simd.h"

void embedding_init(Embedding *self, Param *W)
{
    DLFS_ASSERT(W->value.ndim == 2);
    memset(self, 0, sizeof *self);
    self->params[0] = W;
    self->grads[0] = &W->grad;
}

void embedding_forward(Embedding *self, float *out, const int32_t *idx, int B)
{
    const Param *W = self->params[0];
    const int V = W->value.shape[0], H = W->value.shape[1];
    for (int b = 0; b < B; b++) {
        DLFS_ASSERT(idx[b] >= -1 && idx[b] < V);
        if (idx[b] < 0) {
            memset(out + (size_t)b * H, 0, (size_t)H * sizeof *out);
            continue;
        }
        memcpy(out + (size_t)b * H, W->value.data + (size_t)idx[b] * H, (size_t)H * sizeof *out);
    }
    self->idx = idx;
    self->B = B;
}

SIMD_CLONES
void embedding_backward(Embedding *self, const float *dout)
{
    DLFS_ASSERT(self->idx != NULL);
    Param *W = self->params[0];
    const int H = W->value.shape[1];
    for (int b = 0; b < self->B; b++) {
        const int32_t row = self->idx[b];
        if (row < 0) continue;   /* no word: no gradient */
        float *dW = W->grad.data + (size_t)row * H;
        const float *d = dout + (size_t)b * H;
        param_mark_row(W, row);
        for (int k = 0; k < H; k++) dW[k] += d[k];   /* add, never assign */
    }
}
