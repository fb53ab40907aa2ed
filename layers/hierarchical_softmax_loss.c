/* hierarchical_softmax_loss.c — word2vec.c's hierarchical softmax as a loss layer (see the header). */
#include "layers/hierarchical_softmax_loss.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/functions.h"

void hierarchical_softmax_loss_init(HierarchicalSoftmaxLoss *self, Param *W, const HuffmanTree *tree,
                                    int max_batch)
{
    DLFS_ASSERT(max_batch >= 1 && tree->vocab_size >= 2);
    DLFS_ASSERT(W->value.ndim == 2 && W->value.shape[0] == tree->vocab_size - 1);
    memset(self, 0, sizeof *self);
    self->tree = tree;
    self->max_batch = max_batch;
    self->params[0] = W;
    self->grads[0] = &W->grad;
    self->target = dlfs_calloc((size_t)max_batch, sizeof *self->target);
    self->y = dlfs_calloc((size_t)max_batch * tree->max_code_length, sizeof *self->y);
}

void hierarchical_softmax_loss_free(HierarchicalSoftmaxLoss *self)
{
    free(self->target);
    free(self->y);
    memset(self, 0, sizeof *self);
}

float hierarchical_softmax_loss_forward(HierarchicalSoftmaxLoss *self, const float *h,
                                        const int32_t *target, int B)
{
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    const HuffmanTree *tree = self->tree;
    const Param *W = self->params[0];
    const int V = tree->vocab_size, H = W->value.shape[1], L = tree->max_code_length;
    double total = 0.0;
    for (int b = 0; b < B; b++) {
        const int32_t w = target[b];
        DLFS_ASSERT(w >= 0 && w < V);
        self->target[b] = w;
        const float *hb = h + (size_t)b * H;
        float *yb = self->y + (size_t)b * L;
        for (int32_t i = tree->offset[w], d = 0; i < tree->offset[w + 1]; i++, d++) {
            const float *Wn = W->value.data + (size_t)tree->points[i] * H;
            float x = 0.0f;
#pragma omp simd reduction(+ : x)
            for (int k = 0; k < H; k++) x += Wn[k] * hb[k];
            yb[d] = sigmoid(x);
            /* label t = 1 - code: branch 0 costs -log sigmoid(x) = dlfs_softplus(-x),
             * branch 1 costs -log(1 - sigmoid(x)) = dlfs_softplus(x) */
            total += tree->codes[i] ? dlfs_softplus((double)x) : dlfs_softplus(-(double)x);
        }
    }
    self->h = h;
    self->B = B;
    return (float)(total / B);
}

void hierarchical_softmax_loss_backward(HierarchicalSoftmaxLoss *self, float *dh, float dout)
{
    DLFS_ASSERT(self->h != NULL);
    const HuffmanTree *tree = self->tree;
    Param *W = self->params[0];
    const int H = W->value.shape[1], L = tree->max_code_length;
    const float scale = dout / (float)self->B;
    for (int b = 0; b < self->B; b++) {
        const int32_t w = self->target[b];
        const float *hb = self->h + (size_t)b * H;
        const float *yb = self->y + (size_t)b * L;
        float *dhb = dh + (size_t)b * H;
        for (int32_t i = tree->offset[w], d = 0; i < tree->offset[w + 1]; i++, d++) {
            const int32_t n = tree->points[i];
            const float t = tree->codes[i] ? 0.0f : 1.0f;
            const float g = (yb[d] - t) * scale;
            const float *Wn = W->value.data + (size_t)n * H;
            float *dWn = W->grad.data + (size_t)n * H;
            param_mark_row(W, n);
            /* a row on several paths (the root is on all) gathers every one */
            for (int k = 0; k < H; k++) {
                dhb[k] += g * Wn[k];
                dWn[k] += g * hb[k];
            }
        }
    }
}
