/* affine.c — Affine layer, textbook common/layers.py (see affine.h). */
#include "layers/affine.h"

#include <string.h>

#include "common/check.h"
#include "layers/matmul.h"

void affine_init(Affine *self, Param *W, Param *b)
{
    DLFS_ASSERT(W->value.ndim == 2 && b->value.ndim == 1);
    DLFS_ASSERT(b->value.shape[0] == W->value.shape[1]);
    DLFS_ASSERT(W->row_touched == NULL && b->row_touched == NULL);   /* dense gradients */
    memset(self, 0, sizeof *self);
    self->params[0] = W;
    self->params[1] = b;
    self->grads[0] = &W->grad;
    self->grads[1] = &b->grad;
}

/* The x @ W part is a MatMul on W holding this layer's state. */
static MatMul as_matmul(const Affine *self)
{
    MatMul mm;
    matmul_init(&mm, self->params[0]);
    mm.x = self->x;
    mm.N = self->N;
    return mm;
}

void affine_forward(Affine *self, float *out, const float *x, int N)
{
    MatMul mm = as_matmul(self);
    matmul_forward(&mm, out, x, N);
    const float *b = self->params[1]->value.data;
    const int H = self->params[1]->value.shape[0];
    for (int n = 0; n < N; n++) {
        float *o = out + (size_t)n * H;
        for (int h = 0; h < H; h++) o[h] += b[h];
    }
    self->x = x;
    self->N = N;
}

void affine_backward(Affine *self, float *dx, const float *dout)
{
    DLFS_ASSERT(self->x != NULL);
    MatMul mm = as_matmul(self);
    matmul_backward(&mm, dx, dout);   /* dx += dout W^T, dW += x^T dout */
    /* db (H,) += sum over rows of dout: b was added to every row */
    float *db = self->params[1]->grad.data;
    const int H = self->params[1]->value.shape[0];
    for (int n = 0; n < self->N; n++) {
        const float *d = dout + (size_t)n * H;
        for (int h = 0; h < H; h++) db[h] += d[h];
    }
}
