/*
 * sigmoid.h — the Sigmoid layer (textbook §1.3.5.1, common/layers.py
 * `Sigmoid`), elementwise on any shape.
 *
 * forward:  y = 1 / (1 + exp(-x))
 * backward: dx += dout * y * (1 - y)       (the derivative from y alone)
 *
 * The layer keeps its own copy of y for backward, so the caller's out may
 * be overwritten (or be x itself) in between.
 */
#ifndef DLFS2_LAYERS_SIGMOID_H
#define DLFS2_LAYERS_SIGMOID_H

#include <stddef.h>

#include "../common/api.h"

DLFS2_API_BEGIN

typedef struct Sigmoid {
    float *out;             /* (max_n,) y of the last forward; owned */
    size_t n;               /* elements of the last forward; 0 before any */
    size_t max_n;
} Sigmoid;

/* Allocates room for inputs of up to max_n >= 1 elements. Free with sigmoid_free. */
void sigmoid_init(Sigmoid *self, size_t max_n);
void sigmoid_free(Sigmoid *self);

/*
 * out (n,) float32, overwritten, = sigmoid(x) for x (n,) float32;
 * 1 <= n <= max_n, out may be x. Also stored in self->out. Never overflows.
 */
void sigmoid_forward(Sigmoid *self, float *out, const float *x, size_t n);

/*
 * ADDS dout * y * (1 - y) into dx, both (n,) float32 with the n of the last
 * forward; dx must not overlap dout. Aborts if no forward came first.
 */
void sigmoid_backward(Sigmoid *self, float *dx, const float *dout);

DLFS2_API_END

#endif
