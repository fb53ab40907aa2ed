/*
 * optimizer.h — every optimizer of the textbook's common/optimizer.py behind
 * one config struct and one update, plus util.clip_grads.
 *
 * With g the gradient and p the parameter, element by element (the textbook's
 * formulas; eps = 1e-7 outside the square root):
 *
 *     SGD       p -= lr * g
 *     Momentum  v = momentum * v - lr * g;  p += v
 *     Nesterov  v *= momentum;  v -= lr * g
 *               p += momentum^2 * v;  p -= (1 + momentum) * lr * g
 *     AdaGrad   h += g * g;  p -= lr * g / (sqrt(h) + 1e-7)
 *     RMSprop   h *= decay;  h += (1 - decay) * g * g
 *               p -= lr * g / (sqrt(h) + 1e-7)
 *     Adam      training/adam.h (bias correction folded into lr_t)
 *
 * Every element of every parameter is updated on every step (dense), also
 * where g = 0, so that v and h decay exactly as NumPy's arrays do. Each
 * parameter is one vectorised pass, split across threads with OpenMP when it
 * is large (as adam.c); SGD's formula, like Adam's, is written once in
 * training/optimizer_span.h and shared with the row-sparse pass of --fast
 * (training/fast_trainer.h). The scalar coefficients (momentum^2,
 * (1 + momentum) * lr, 1 - decay) are formed in double and rounded to
 * float32 once, as NumPy does with a Python float times a float32 array.
 *
 * The textbook builds v / h lazily on the first update; here they are
 * allocated (zeroed) at init, so update never allocates.
 */
#ifndef DLFS2_TRAINING_OPTIMIZER_H
#define DLFS2_TRAINING_OPTIMIZER_H

#include "../common/api.h"
#include "adam.h"
#include "../common/param.h"
#include "../common/status.h"
#include "../common/tensor.h"

DLFS2_API_BEGIN

#define OPTIMIZER_EPS 1e-7f

typedef enum OptimizerKind {
    OPTIMIZER_SGD,
    OPTIMIZER_MOMENTUM,
    OPTIMIZER_NESTEROV,
    OPTIMIZER_ADAGRAD,
    OPTIMIZER_RMSPROP,
    OPTIMIZER_ADAM,
} OptimizerKind;

enum { OPTIMIZER_N_KINDS = OPTIMIZER_ADAM + 1 };

/* What to build; fields a kind does not use are ignored. */
typedef struct OptimizerConfig {
    OptimizerKind kind;
    float lr;           /* every kind; > 0 */
    float momentum;     /* Momentum, Nesterov; in [0, 1) */
    float decay_rate;   /* RMSprop; in [0, 1) */
    float beta1;        /* Adam; in [0, 1) */
    float beta2;        /* Adam; in [0, 1) */
} OptimizerConfig;

/*
 * The textbook's constructor defaults for `kind` (common/optimizer.py):
 * lr 0.01 for SGD, Momentum, Nesterov, AdaGrad and RMSprop, 0.001 for Adam;
 * momentum 0.9; decay_rate 0.99; beta1 0.9, beta2 0.999. All fields are
 * filled whatever the kind. A kind outside the enum is a contract violation.
 */
OptimizerConfig optimizer_default_config(OptimizerKind kind);

typedef struct Optimizer {
    OptimizerConfig cfg;
    int iter;           /* steps taken */
    int n_params;
    Param **params;     /* (n_params,) borrowed; each must outlive the optimizer */
    Tensor *state;      /* (n_params,) v (Momentum, Nesterov) or h (AdaGrad, RMSprop),
                           shaped like each param, owned; NULL for SGD and Adam */
    Adam adam;          /* the Adam kind's m, v and step count; zeroed for the others */
} Optimizer;

/*
 * Prepares an optimizer of cfg->kind for params (n_params >= 1, each
 * appearing once: shared weights are one Param) and allocates its state
 * zeroed. A config out of the ranges above is a contract violation (abort).
 * Free with optimizer_free.
 */
void optimizer_init(Optimizer *self, const OptimizerConfig *cfg, Param *const *params, int n_params);

/* Releases the state; safe on a zeroed Optimizer. */
void optimizer_free(Optimizer *self);

/*
 * One step over every parameter given at init, reading params[i]->grad
 * (not changed) and updating params[i]->value and the state in place: the
 * textbook's optimizer.update(params, grads). params and n_params must be
 * the ones given at init (checked). Allocates nothing.
 */
void optimizer_update(Optimizer *self, Param *const *params, int n_params);

/*
 * Parses "sgd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam"
 * (exactly, lower case) into *kind. Returns DLFS_OK, or DLFS_ERR_ARG
 * (leaving *kind alone) for any other string.
 */
int optimizer_parse_kind(const char *name, OptimizerKind *kind) DLFS_WARN_UNUSED;

/* The name optimizer_parse_kind accepts for kind ("sgd", ..., "adam"); static. */
const char *optimizer_kind_name(OptimizerKind kind);

/*
 * util.clip_grads(grads, max_norm): the L2 norm of all gradients together,
 * norm = sqrt(sum over params and elements of g^2) (summed in double);
 * rate = max_norm / (norm + 1e-6); when rate < 1 every gradient element is
 * multiplied by rate, in place, so the norm becomes just under max_norm.
 * Returns the norm before clipping (the textbook returns nothing). The
 * arithmetic is NumPy's also for bad gradients: a NaN anywhere gives a NaN
 * norm and no scaling (rate < 1 is false for NaN). max_norm >= 0 (contract).
 */
float clip_grads(Param *const *params, int n_params, float max_norm);

DLFS2_API_END

#endif
