/*
 * adam.h — the Adam optimizer exactly as the textbook writes it
 * (common/optimizer.py `Adam`; Kingma & Ba, 2015):
 *
 *     iter += 1
 *     lr_t  = lr * sqrt(1 - beta2^iter) / (1 - beta1^iter)
 *     m    += (1 - beta1) * (g - m)
 *     v    += (1 - beta2) * (g^2 - v)
 *     p    -= lr_t * m / (sqrt(v) + 1e-7)
 *
 * The bias correction is folded into lr_t and eps = 1e-7 sits outside the
 * square root, as in the textbook. Every element of every parameter is
 * updated each step (dense), also rows whose gradient is zero, so that m
 * and v decay exactly as in NumPy. The formula itself is written once, in
 * adam_step_span (training/optimizer_span.h), which the row-sparse Adam of
 * `--fast` (training/fast_trainer.h) uses too; adam_update runs it over each
 * parameter in blocks split across threads with OpenMP, 8 floats at a time
 * where the CPU has AVX2 (the same bits as 4 or 1: no reductions); while it runs,
 * subnormal m and v values are flushed to zero (common/fpu.h says why this
 * leaves the parameters as the textbook's arithmetic makes them).
 */
#ifndef DLFS2_COMMON_ADAM_H
#define DLFS2_COMMON_ADAM_H

#include "../common/api.h"
#include "../common/param.h"

DLFS2_API_BEGIN

#define ADAM_EPS 1e-7f

typedef struct Adam {
    float lr;           /* 0.001 in the textbook */
    float beta1;        /* 0.9 */
    float beta2;        /* 0.999 */
    int iter;           /* steps taken */
    int n_params;
    Param **params;     /* (n_params,) borrowed; each must outlive the optimizer */
    Tensor *m;          /* (n_params,) first moments, shaped like each param; owned */
    Tensor *v;          /* (n_params,) second moments; owned */
} Adam;

/*
 * Prepares Adam for the given parameters (each appearing once: shared
 * weights are one Param), allocating m and v zeroed. lr > 0,
 * 0 <= beta1, beta2 < 1 (contract). Free with adam_free.
 */
void adam_init(Adam *self, Param *const *params, int n_params, float lr, float beta1, float beta2);
void adam_free(Adam *self);

/*
 * One step over every parameter given at init, from its grad. params and
 * n_params must be the ones given at init (they are checked), as in the
 * textbook's optimizer.update(params, grads).
 */
void adam_update(Adam *self, Param *const *params, int n_params);

/*
 * The step size of Adam's step `iter` (1, 2, ...), the bias correction
 * folded in: lr_t = lr * sqrt(1 - beta2^iter) / (1 - beta1^iter), computed
 * in double from the float32 arguments and rounded to float32 once (the
 * textbook's `lr_t`). Used by adam_update and by the lazy Adam of `--fast`,
 * whose iter counts the steps of all threads.
 */
float adam_lr_t(float lr, float beta1, float beta2, long iter);

DLFS2_API_END

#endif
