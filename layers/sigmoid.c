/* sigmoid.c — Sigmoid layer, textbook common/layers.py (see sigmoid.h). */
#include "layers/sigmoid.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/functions.h"

void sigmoid_init(Sigmoid *self, size_t max_n)
{
    DLFS_ASSERT(max_n >= 1);
    memset(self, 0, sizeof *self);
    self->max_n = max_n;
    self->out = dlfs_calloc(max_n, sizeof *self->out);
}

void sigmoid_free(Sigmoid *self)
{
    free(self->out);
    memset(self, 0, sizeof *self);
}

void sigmoid_forward(Sigmoid *self, float *out, const float *x, size_t n)
{
    DLFS_ASSERT(n >= 1 && n <= self->max_n);
    sigmoid_array(self->out, x, n);
    if (out != self->out) memcpy(out, self->out, n * sizeof *out);
    self->n = n;
}

void sigmoid_backward(Sigmoid *self, float *dx, const float *dout)
{
    DLFS_ASSERT(self->n > 0);
    const float *y = self->out;
    for (size_t i = 0; i < self->n; i++) dx[i] += dout[i] * y[i] * (1.0f - y[i]);
}
