/*
 * matmul.h — the MatMul layer (textbook §1.3.4.5, common/layers.py `MatMul`):
 * a fully connected layer without bias, the building block of chapter 3's
 * SimpleCBOW and SimpleSkipGram.
 *
 * forward:  out = x @ W                 x (N, D), W (D, H), out (N, H)
 * backward: dx += dout @ W^T            (N, D)
 *           dW += x^T @ dout            (D, H)
 *
 * Both products go through cblas_sgemm. The textbook's backward assigns
 * (`grads[0][...] = dW`) into a gradient array private to each layer, and
 * its trainer then sums the arrays of layers that share W
 * (remove_duplicate). Here every layer on W adds into the one W->grad, which
 * computes that sum directly; the trainer zeroes it once per step.
 */
#ifndef DLFS2_LAYERS_MATMUL_H
#define DLFS2_LAYERS_MATMUL_H

#include "../common/api.h"
#include "../common/param.h"

DLFS2_API_BEGIN

typedef struct MatMul {
    Param *params[1];       /* {W}: (D, H) float32, borrowed from the model */
    Tensor *grads[1];       /* {&W->grad} */
    const float *x;         /* (N, D) input of the last forward; borrowed */
    int N;                  /* rows of the last forward; 0 before any */
} MatMul;

/*
 * Makes a MatMul over W (D, H) float32, which must outlive the layer. W must
 * not be row-tracked (contract): backward writes every element of its grad.
 */
void matmul_init(MatMul *self, Param *W);

/*
 * out (N, H) float32, overwritten, = x (N, D) float32 @ W. x is borrowed
 * until the matching backward and must not overlap out. N >= 1.
 */
void matmul_forward(MatMul *self, float *out, const float *x, int N);

/*
 * From dout (N, H) float32: ADDS dout @ W^T into dx (N, D) float32 unless
 * dx is NULL (the input gradient is not needed), and ADDS x^T @ dout into
 * W's grad. Aborts if no forward came first.
 */
void matmul_backward(MatMul *self, float *dx, const float *dout);

DLFS2_API_END

#endif
