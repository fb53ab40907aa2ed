/* matmul.c — MatMul layer, textbook common/layers.py (see matmul.h). */
#include "layers/matmul.h"

#include <string.h>


#include "common/blas.h"
#include "common/check.h"

void matmul_init(MatMul *self, Param *W)
{
    DLFS_ASSERT(W->value.ndim == 2);
    DLFS_ASSERT(W->row_touched == NULL);   /* dense gradient */
    memset(self, 0, sizeof *self);
    self->params[0] = W;
    self->grads[0] = &W->grad;
}

void matmul_forward(MatMul *self, float *out, const float *x, int N)
{
    const Param *W = self->params[0];
    const int D = W->value.shape[0], H = W->value.shape[1];
    DLFS_ASSERT(N >= 1);
    /* out (N, H) = x (N, D) W (D, H) */
    blas_sgemm(CblasNoTrans, CblasNoTrans, N, H, D,
                1.0f, x, D, W->value.data, H, 0.0f, out, H);
    self->x = x;
    self->N = N;
}

void matmul_backward(MatMul *self, float *dx, const float *dout)
{
    DLFS_ASSERT(self->x != NULL);
    Param *W = self->params[0];
    const int D = W->value.shape[0], H = W->value.shape[1], N = self->N;
    /* beta = 1: both products add into what is there */
    if (dx)   /* dx (N, D) += dout (N, H) W^T (H, D) */
        blas_sgemm(CblasNoTrans, CblasTrans, N, D, H,
                    1.0f, dout, H, W->value.data, H, 1.0f, dx, D);
    /* dW (D, H) += x^T (D, N) dout (N, H) */
    blas_sgemm(CblasTrans, CblasNoTrans, D, H, N,
                1.0f, self->x, D, dout, H, 1.0f, W->grad.data, H);
}
