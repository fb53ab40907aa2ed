/*
 * sigmoid_with_loss.h — the SigmoidWithLoss layer (textbook §4.2.3,
 * common/layers.py `SigmoidWithLoss`): sigmoid followed by the binary
 * cross-entropy, averaged over the batch.
 *
 * forward:  y[b] = 1 / (1 + exp(-x[b]))
 *           loss = -(1/B) sum_b [t_b log y_b + (1 - t_b) log(1 - y_b)]
 * backward: dx[b] += (y[b] - t[b]) * dout / B
 *
 * Numerically stable form: log y = -dlfs_softplus(-x) and log(1 - y) =
 * -dlfs_softplus(x) with dlfs_softplus(z) = max(z, 0) + log1p(exp(-|z|)), so the loss
 * is exact for any x and never log(0). The textbook instead computes
 * -log(y_t + 1e-7), where y_t is the probability given to the true label;
 * per sample the two differ by log(1 + 1e-7 / y_t): below 1e-6 while the
 * sample is classified right or nearly so, and only for confidently wrong
 * scores (|x| >~ 8 on the wrong side) do they part, where the textbook
 * clips the loss at -log(1e-7) ≈ 16.1. The gradient y - t is the same in both.
 */
#ifndef DLFS2_LAYERS_SIGMOID_WITH_LOSS_H
#define DLFS2_LAYERS_SIGMOID_WITH_LOSS_H

#include <stdint.h>

#include "../common/api.h"
#include "functions.h"   /* sigmoid(): callers that found it here still do */

DLFS2_API_BEGIN

typedef struct SigmoidWithLoss {
    float *y;               /* (max_batch,) sigmoid outputs of the last forward; owned */
    const int32_t *t;       /* (B,) labels of the last forward, 0 or 1; borrowed */
    int B;                  /* batch size of the last forward; 0 before any */
    int max_batch;
} SigmoidWithLoss;

/* Allocates room for batches of up to max_batch rows. Free with _free. */
void sigmoid_with_loss_init(SigmoidWithLoss *self, int max_batch);
void sigmoid_with_loss_free(SigmoidWithLoss *self);

/*
 * x: (B,) float32 scores; t: (B,) int32 labels, each 0 or 1, borrowed until
 * backward. Returns the mean binary cross-entropy (nats). 1 <= B <= max_batch.
 */
float sigmoid_with_loss_forward(SigmoidWithLoss *self, const float *x, const int32_t *t, int B);

/* ADDS (y - t) * dout / B into dx (B,) float32. dout is usually 1. */
void sigmoid_with_loss_backward(SigmoidWithLoss *self, float *dx, float dout);

DLFS2_API_END

#endif
