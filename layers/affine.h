/*
 * affine.h — the Affine layer (textbook §1.3.5.2, common/layers.py
 * `Affine`): a fully connected layer with bias.
 *
 * forward:  out = x @ W + b             x (N, D), W (D, H), b (H,), out (N, H)
 * backward: dx += dout @ W^T            (N, D)
 *           dW += x^T @ dout            (D, H)
 *           db += sum_n dout[n, :]      (H,)  (b was broadcast over the rows)
 *
 * The x @ W part is a MatMul on W (matmul.h), so it goes through
 * cblas_sgemm; like MatMul, backward adds into the parameters' grads
 * instead of assigning, so layers sharing a parameter sum their gradients.
 */
#ifndef DLFS2_LAYERS_AFFINE_H
#define DLFS2_LAYERS_AFFINE_H

#include "../common/api.h"
#include "../common/param.h"

DLFS2_API_BEGIN

typedef struct Affine {
    Param *params[2];       /* {W (D, H), b (H,)} float32, borrowed from the model */
    Tensor *grads[2];       /* {&W->grad, &b->grad} */
    const float *x;         /* (N, D) input of the last forward; borrowed */
    int N;                  /* rows of the last forward; 0 before any */
} Affine;

/*
 * Makes an Affine over W (D, H) and b (H,), which must outlive the layer.
 * Neither may be row-tracked (contract): backward writes dense gradients.
 */
void affine_init(Affine *self, Param *W, Param *b);

/*
 * out (N, H) float32, overwritten, = x (N, D) float32 @ W + b. x is
 * borrowed until the matching backward and must not overlap out. N >= 1.
 */
void affine_forward(Affine *self, float *out, const float *x, int N);

/*
 * From dout (N, H) float32: ADDS dout @ W^T into dx (N, D) unless dx is
 * NULL, x^T @ dout into W's grad and the column sums of dout into b's grad.
 * Aborts if no forward came first.
 */
void affine_backward(Affine *self, float *dx, const float *dout);

DLFS2_API_END

#endif
