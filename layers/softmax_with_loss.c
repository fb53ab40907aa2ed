/* softmax_with_loss.c — SoftmaxWithLoss, textbook common/layers.py (see softmax_with_loss.h). */
#include "layers/softmax_with_loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void softmax_with_loss_init(SoftmaxWithLoss *self, int max_batch, int C)
{
    DLFS_ASSERT(max_batch >= 1 && C >= 1);
    memset(self, 0, sizeof *self);
    self->max_batch = max_batch;
    self->C = C;
    self->y = dlfs_calloc((size_t)max_batch * C, sizeof *self->y);
    self->t = dlfs_calloc((size_t)max_batch, sizeof *self->t);
}

void softmax_with_loss_free(SoftmaxWithLoss *self)
{
    free(self->y);
    free(self->t);
    memset(self, 0, sizeof *self);
}

/*
 * Softmax of x (N, C) into self->y and the mean of logsumexp(x_n) - x_n[t_n]
 * over the ids already in self->t. One pass of exp per row, in double.
 */
static float forward_ids(SoftmaxWithLoss *self, const float *x, int N)
{
    const int C = self->C;
    double total = 0.0;
    for (int n = 0; n < N; n++) {
        const float *xr = x + (size_t)n * C;
        float *yr = self->y + (size_t)n * C;
        double m = xr[0];
        for (int c = 1; c < C; c++)
            if (xr[c] > m) m = xr[c];
        double sum = 0.0;
        for (int c = 0; c < C; c++) sum += exp((double)xr[c] - m);
        for (int c = 0; c < C; c++) yr[c] = (float)(exp((double)xr[c] - m) / sum);
        total += m + log(sum) - (double)xr[self->t[n]];
    }
    self->N = N;
    return (float)(total / N);
}

float softmax_with_loss_forward(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N)
{
    DLFS_ASSERT(N >= 1 && N <= self->max_batch);
    for (int n = 0; n < N; n++) {
        DLFS_ASSERT(t[n] >= 0 && t[n] < self->C);
        self->t[n] = t[n];
    }
    return forward_ids(self, x, N);
}

float softmax_with_loss_forward_onehot(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N)
{
    DLFS_ASSERT(N >= 1 && N <= self->max_batch);
    /* the textbook's t.argmax(axis=1), for rows that are one-hot */
    for (int n = 0; n < N; n++) self->t[n] = one_hot_to_id(t + (size_t)n * self->C, self->C);
    return forward_ids(self, x, N);
}

void softmax_with_loss_backward(SoftmaxWithLoss *self, float *dx, float dout)
{
    DLFS_ASSERT(self->N > 0);
    const int C = self->C;
    const float scale = dout / (float)self->N;
    for (int n = 0; n < self->N; n++) {
        const float *y = self->y + (size_t)n * C;
        float *g = dx + (size_t)n * C;
        const int32_t t = self->t[n];
        for (int c = 0; c < C; c++) g[c] += (y[c] - (c == t ? 1.0f : 0.0f)) * scale;
    }
}
