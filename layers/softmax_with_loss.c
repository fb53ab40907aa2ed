/* softmax_with_loss.c — SoftmaxWithLoss, textbook common/layers.py (see softmax_with_loss.h). */
#include "layers/softmax_with_loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/simd_math.h"

/* Below this many scores a thread team costs more than it saves. */
enum { SOFTMAX_PARALLEL_MIN = 65536 };

void softmax_with_loss_init_multi(SoftmaxWithLoss *self, int max_batch, int C, int max_labels)
{
    DLFS_ASSERT(max_batch >= 1 && C >= 1 && max_labels >= 1);
    memset(self, 0, sizeof *self);
    self->max_batch = max_batch;
    self->max_labels = max_labels;
    self->C = C;
    self->y = dlfs_calloc((size_t)max_batch * C, sizeof *self->y);
    self->t = dlfs_calloc((size_t)max_batch * max_labels, sizeof *self->t);
    self->row_loss = dlfs_calloc((size_t)max_batch, sizeof *self->row_loss);
}

void softmax_with_loss_init(SoftmaxWithLoss *self, int max_batch, int C)
{
    softmax_with_loss_init_multi(self, max_batch, C, 1);
}

void softmax_with_loss_free(SoftmaxWithLoss *self)
{
    free(self->y);
    free(self->t);
    free(self->row_loss);
    memset(self, 0, sizeof *self);
}

/*
 * Softmax of x (N, C) into self->y and the sum over the K label columns of
 * the mean of logsumexp(x_n) - x_n[t_nk], the ids already in self->t
 * (N, K). Rows are split across OpenMP threads when there are many scores;
 * within a row the exps are one vectorised pass (layers/simd_math.h),
 * summed in double. The rows' losses are then added in row order, so the
 * result does not depend on the number of threads.
 */
SIMD_MATH_CLONES
static float forward_ids(SoftmaxWithLoss *self, const float *x, int N, int K)
{
    const int C = self->C;
#pragma omp parallel for schedule(static) if ((long)N * C >= SOFTMAX_PARALLEL_MIN)
    for (int n = 0; n < N; n++) {
        const float *restrict xr = x + (size_t)n * C;
        float *restrict yr = self->y + (size_t)n * C;
        float m = xr[0];
#pragma omp simd reduction(max : m)
        for (int c = 1; c < C; c++) m = xr[c] > m ? xr[c] : m;
        double sum = 0.0;
#pragma omp simd reduction(+ : sum)
        for (int c = 0; c < C; c++) {
            yr[c] = expf(xr[c] - m);   /* <= 1, and 1 at the maximum */
            sum += yr[c];
        }
        const float inv = (float)(1.0 / sum);
#pragma omp simd
        for (int c = 0; c < C; c++) yr[c] *= inv;
        const double lse = (double)m + log(sum);
        double row = 0.0;
        for (int k = 0; k < K; k++) row += lse - (double)xr[self->t[(size_t)n * K + k]];
        self->row_loss[n] = row;
    }
    double total = 0.0;
    for (int n = 0; n < N; n++) total += self->row_loss[n];
    self->N = N;
    self->K = K;
    return (float)(total / N);
}

float softmax_with_loss_forward(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N)
{
    DLFS_ASSERT(N >= 1 && N <= self->max_batch);
    for (int n = 0; n < N; n++) {
        DLFS_ASSERT(t[n] >= 0 && t[n] < self->C);
        self->t[n] = t[n];
    }
    return forward_ids(self, x, N, 1);
}

float softmax_with_loss_forward_multi(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N,
                                      int K)
{
    DLFS_ASSERT(N >= 1 && N <= self->max_batch && K >= 1 && K <= self->max_labels);
    const size_t n_labels = (size_t)N * K;
    for (size_t i = 0; i < n_labels; i++) {
        DLFS_ASSERT(t[i] >= 0 && t[i] < self->C);
        self->t[i] = t[i];
    }
    return forward_ids(self, x, N, K);
}

float softmax_with_loss_forward_onehot(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N)
{
    DLFS_ASSERT(N >= 1 && N <= self->max_batch);
    /* the textbook's t.argmax(axis=1), for rows that are one-hot */
    for (int n = 0; n < N; n++) self->t[n] = one_hot_to_id(t + (size_t)n * self->C, self->C);
    return forward_ids(self, x, N, 1);
}

SIMD_MATH_CLONES
void softmax_with_loss_backward(SoftmaxWithLoss *self, float *dx, float dout)
{
    DLFS_ASSERT(self->N > 0);
    const int C = self->C, K = self->K;
    const float scale = dout / (float)self->N;
    const float y_scale = (float)K * scale;
#pragma omp parallel for schedule(static) if ((long)self->N * C >= SOFTMAX_PARALLEL_MIN)
    for (int n = 0; n < self->N; n++) {
        const float *restrict y = self->y + (size_t)n * C;
        float *restrict g = dx + (size_t)n * C;
#pragma omp simd
        for (int c = 0; c < C; c++) g[c] += y[c] * y_scale;
        for (int k = 0; k < K; k++) g[self->t[(size_t)n * K + k]] -= scale;
    }
}
