/*
 * optimizer_span.h — the textbook's SGD and Adam updates over one span of
 * floats, each formula written once (common/optimizer.py `SGD.update`,
 * `Adam.update`). Both passes use them:
 * - the dense pass of textbook mode, every element of every parameter on
 *   every step: optimizer.c's SGD and adam.c's adam_update, which split a
 *   parameter into blocks across OpenMP threads and call these per block
 *   (adam_update_touched, the Trainer's, runs the rows no backward touched
 *   through adam_step_span_zero_grad, which does not read their zero g);
 * - the row-sparse ("lazy") pass of `--fast` (fast_trainer.c), one call per
 *   row a step touched.
 * The formulas are element by element, so how a parameter is cut into spans
 * (blocks, rows, vector width) does not change a single bit of the result.
 *
 * Neither function sets the FPU flags: callers of adam_step_span flush
 * subnormals (common/fpu.h) around their pass, as both passes did before.
 *
 * Private to the library (not installed): inline so that the lazy pass's
 * per-row calls, the hot loop of --fast, cost no call each.
 */
#ifndef DLFS2_TRAINING_OPTIMIZER_SPAN_H
#define DLFS2_TRAINING_OPTIMIZER_SPAN_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "training/adam.h"

/*
 * zero_grad, in both functions: false in the dense pass, whose gradients the
 * Trainer zeroes before each forward (as the textbook's); true in the lazy
 * pass, which zeroes each touched row's gradient as it applies it, in the
 * same loop (a second pass or a memset per row costs the hot loop of --fast
 * more). It changes nothing of p, m or v.
 */

/*
 * SGD: p -= lr * g over n floats; then g = 0 if zero_grad. p (n,) float32
 * updated in place; g (n,) float32 read (and zeroed if zero_grad).
 */
static inline void sgd_step_span(float *restrict p, float *restrict g, size_t n, float lr,
                                 bool zero_grad)
{
#pragma omp simd
    for (size_t j = 0; j < n; j++) {
        p[j] -= lr * g[j];
        if (zero_grad) g[j] = 0.0f;
    }
}

/*
 * Adam on one element, the formula written once for the two loops below
 * (adam_step_span says which): m, v, p are the element's lvalues, g its
 * gradient. A macro, not a function, so that adam_step_span compiles to
 * the code it compiled to when the formula stood in its loop.
 */
#define ADAM_STEP_ELEMENT(p, m, v, g, lr_t, one_minus_b1, one_minus_b2) \
    do {                                                                \
        (m) += (one_minus_b1) * ((g) - (m));                            \
        (v) += (one_minus_b2) * ((g) * (g) - (v));                      \
        (p) -= (lr_t) * (m) / (sqrtf(v) + ADAM_EPS);                    \
    } while (0)

/*
 * Adam, the textbook's formula, over n floats:
 *
 *     m += (1 - beta1) * (g - m)
 *     v += (1 - beta2) * (g^2 - v)
 *     p -= lr_t * m / (sqrt(v) + 1e-7)
 *
 * with lr_t = adam_lr_t(lr, beta1, beta2, t) (the bias correction of step t
 * folded in); then g = 0 if zero_grad. 1 - beta1 and 1 - beta2 are formed
 * in float32. p, m, v (n,) float32 updated in place; g (n,) float32 read
 * (and zeroed if zero_grad). All arithmetic in float32, as NumPy's on
 * float32 arrays.
 */
static inline void adam_step_span(float *restrict p, float *restrict g, float *restrict m,
                                  float *restrict v, size_t n, float lr_t, float beta1, float beta2,
                                  bool zero_grad)
{
    const float one_minus_b1 = 1.0f - beta1, one_minus_b2 = 1.0f - beta2;
#pragma omp simd
    for (size_t j = 0; j < n; j++) {
        ADAM_STEP_ELEMENT(p[j], m[j], v[j], g[j], lr_t, one_minus_b1, one_minus_b2);
        if (zero_grad) g[j] = 0.0f;
    }
}

/*
 * Adam over n floats whose gradient is zero: adam_step_span's formula with
 * the constant g = 0.0f, so g is neither read nor written. The same float
 * operations on the same values as adam_step_span over a zeroed g (0 - m,
 * 0 * 0 - v: C without -ffast-math keeps each as written), so the same
 * bits; the textbook-mode pass uses it for the rows that no backward
 * touched (adam.c), which saves reading their gradient. p, m, v (n,)
 * float32 updated in place.
 */
static inline void adam_step_span_zero_grad(float *restrict p, float *restrict m, float *restrict v,
                                            size_t n, float lr_t, float beta1, float beta2)
{
    const float one_minus_b1 = 1.0f - beta1, one_minus_b2 = 1.0f - beta2;
#pragma omp simd
    for (size_t j = 0; j < n; j++) ADAM_STEP_ELEMENT(p[j], m[j], v[j], 0.0f, lr_t, one_minus_b1, one_minus_b2);
}

#endif
