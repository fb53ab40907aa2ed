/*
 * optimizer_span.h — the textbook's SGD and Adam updates over one span of
 * floats, each formula written once (common/optimizer.py `SGD.update`,
 * `Adam.update`). Both passes use them:
 * - the dense pass of textbook mode, every element of every parameter on
 *   every step: optimizer.c's SGD and adam.c's adam_update, which split a
 *   parameter into blocks across OpenMP threads and call these per block;
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
        m[j] += one_minus_b1 * (g[j] - m[j]);
        v[j] += one_minus_b2 * (g[j] * g[j] - v[j]);
        p[j] -= lr_t * m[j] / (sqrtf(v[j]) + ADAM_EPS);
        if (zero_grad) g[j] = 0.0f;
    }
}

#endif
