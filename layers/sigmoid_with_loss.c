/* sigmoid_with_loss.c — SigmoidWithLoss, textbook common/layers.py. */
#include "layers/sigmoid_with_loss.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void sigmoid_with_loss_init(SigmoidWithLoss *self, int max_batch)
{
    DLFS_ASSERT(max_batch >= 1);
    memset(self, 0, sizeof *self);
    self->max_batch = max_batch;
    self->y = dlfs_calloc((size_t)max_batch, sizeof *self->y);
}

void sigmoid_with_loss_free(SigmoidWithLoss *self)
{
    free(self->y);
    memset(self, 0, sizeof *self);
}

float sigmoid_with_loss_forward(SigmoidWithLoss *self, const float *x, const int32_t *t, int B)
{
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    double total = 0.0;
    for (int b = 0; b < B; b++) {
        DLFS_ASSERT(t[b] == 0 || t[b] == 1);
        self->y[b] = sigmoid(x[b]);
        /* -log y = dlfs_softplus(-x) for t = 1; -log(1 - y) = dlfs_softplus(x) for t = 0 */
        total += t[b] ? dlfs_softplus(-(double)x[b]) : dlfs_softplus((double)x[b]);
    }
    self->t = t;
    self->B = B;
    return (float)(total / B);
}

void sigmoid_with_loss_backward(SigmoidWithLoss *self, float *dx, float dout)
{
    DLFS_ASSERT(self->t != NULL);
    const float scale = dout / (float)self->B;
    for (int b = 0; b < self->B; b++) dx[b] += (self->y[b] - (float)self->t[b]) * scale;
}
