/* softmax.c — Softmax layer, textbook common/layers.py (see softmax.h). */
#include "layers/softmax.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/functions.h"

void softmax_init(Softmax *self, int max_rows, int C)
{
    DLFS_ASSERT(max_rows >= 1 && C >= 1);
    memset(self, 0, sizeof *self);
    self->max_rows = max_rows;
    self->C = C;
    self->out = dlfs_calloc((size_t)max_rows * C, sizeof *self->out);
}

void softmax_free(Softmax *self)
{
    free(self->out);
    memset(self, 0, sizeof *self);
}

void softmax_forward(Softmax *self, float *out, const float *x, int N)
{
    DLFS_ASSERT(N >= 1 && N <= self->max_rows);
    softmax(self->out, x, N, self->C);
    if (out != self->out) memcpy(out, self->out, (size_t)N * self->C * sizeof *out);
    self->N = N;
}

void softmax_backward(Softmax *self, float *dx, const float *dout)
{
    DLFS_ASSERT(self->N > 0);
    const int C = self->C;
    for (int n = 0; n < self->N; n++) {
        const float *y = self->out + (size_t)n * C, *d = dout + (size_t)n * C;
        float *g = dx + (size_t)n * C;
        double dot = 0.0;   /* sum_c dout * y */
        for (int c = 0; c < C; c++) dot += (double)d[c] * y[c];
        for (int c = 0; c < C; c++) g[c] += y[c] * (d[c] - (float)dot);
    }
}
