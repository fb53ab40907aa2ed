/*
 * softmax.h — the Softmax layer (the softmax half of textbook §1.3.5.3;
 * common/layers.py `Softmax`), row-wise over (N, C).
 *
 * forward:  y[n, :] = softmax(x[n, :])                (functions.h)
 * backward: dx[n, c] += y[n, c] * (dout[n, c] - sum_k dout[n, k] y[n, k])
 *
 * The backward is the Jacobian-vector product of softmax,
 * dy_c/dx_j = y_c (delta_cj - y_j), one row at a time. The layer keeps its
 * own copy of y.
 */
#ifndef DLFS2_LAYERS_SOFTMAX_H
#define DLFS2_LAYERS_SOFTMAX_H

#include "../common/api.h"

DLFS2_API_BEGIN

typedef struct Softmax {
    float *out;             /* (max_rows, C) y of the last forward; owned */
    int N;                  /* rows of the last forward; 0 before any */
    int C;                  /* columns, fixed at init */
    int max_rows;
} Softmax;

/* Allocates room for up to max_rows >= 1 rows of C >= 1 columns. Free with softmax_free. */
void softmax_init(Softmax *self, int max_rows, int C);
void softmax_free(Softmax *self);

/*
 * out (N, C) float32, overwritten, = row-wise softmax of x (N, C) float32
 * (numerically stable); 1 <= N <= max_rows, out may be x. Also stored in
 * self->out.
 */
void softmax_forward(Softmax *self, float *out, const float *x, int N);

/*
 * ADDS y * (dout - sum_c(dout * y)) row-wise into dx, both (N, C) float32
 * with the N of the last forward; dx must not overlap dout. Aborts if no
 * forward came first.
 */
void softmax_backward(Softmax *self, float *dx, const float *dout);

DLFS2_API_END

#endif
