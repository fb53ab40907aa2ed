/*
 * param.h — a trainable parameter: its value, its gradient, and the rows of
 * the gradient written since the last zeroing.
 *
 * The textbook keeps `self.params` / `self.grads` lists per layer and merges
 * shared weights with `remove_duplicate`. Here the model owns each Param
 * once and layers hold pointers to it, so CBOW's 2*window Embedding layers
 * all point at one W_in. Backward functions ADD into `grad` and never zero
 * it; the trainer zeroes once per step. The sum of the contributions is the
 * textbook's `remove_duplicate` sum, computed as it goes.
 *
 * A row-tracked Param (an embedding matrix) remembers which rows backward
 * touched, so zeroing costs (rows touched) * H instead of V * H while the
 * numbers stay those of the dense textbook arithmetic.
 */
#ifndef DLFS2_COMMON_PARAM_H
#define DLFS2_COMMON_PARAM_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "rng.h"
#include "tensor.h"

DLFS2_API_BEGIN

typedef struct Param {
    const char *name;       /* "W_in", "W_out", ...; borrowed, static */
    Tensor value;           /* e.g. (V, H) float32 */
    Tensor grad;            /* same shape as value */
    /* Row tracking (NULL / 0 when the gradient is written densely): */
    uint8_t *row_touched;   /* (shape[0],) 1 if the row's grad may be non-zero */
    int32_t *touched_rows;  /* (shape[0],) the rows with row_touched set */
    int n_touched;
    bool value_shared;      /* value.data is not p's: another Param's (param_share_value)
                               or the caller's (param_init_borrowed); param_free leaves it */
} Param;

/*
 * Allocates value and grad of the given shape, zeroed. With track_rows the
 * first axis is a row axis (a 2-D (V, H) matrix) whose touched rows are
 * recorded by param_mark_row. `name` must outlive the Param. Aborts on a
 * bad shape or when memory runs out. Free with param_free.
 */
void param_init(Param *p, const char *name, int ndim, const int *shape, bool track_rows);

/*
 * A Param over values the caller owns: p->value.data is `data` itself (the
 * shape's product of float32, row-major; not copied, not zeroed), so a
 * model or optimizer working on p reads and updates the caller's array in
 * place. The gradient (zeroed) and the row tracking are allocated as by
 * param_init. `data` and `name` must outlive p; param_free frees the
 * gradient and leaves `data` to its owner. Aborts on a bad shape, a NULL
 * data or when memory runs out.
 */
void param_init_borrowed(Param *p, const char *name, float *data, int ndim, const int *shape,
                         bool track_rows);

/* Frees what p allocated: the value unless it is borrowed or shared, the gradient, the row lists. */
void param_free(Param *p);

/*
 * Makes p's value the storage of owner's value (same shape, checked):
 * p keeps its own gradient and row tracking, owner keeps the storage, which
 * must outlive p. This is how each thread of the fast trainer gets a model
 * of its own over the one set of weights (training/fast_trainer.h).
 * param_free then leaves the storage to owner.
 */
void param_share_value(Param *p, const Param *owner);

/*
 * Records that row `row` of p->grad is about to be written. A no-op for a
 * Param without row tracking. Contract: 0 <= row < shape[0].
 */
static inline void param_mark_row(Param *p, int32_t row)
{
    if (p->row_touched && !p->row_touched[row]) {
        p->row_touched[row] = 1;
        p->touched_rows[p->n_touched++] = row;
    }
}

/*
 * Sets the whole gradient to zero: only the touched rows for a row-tracked
 * Param (cost n_touched * H), every element otherwise.
 */
void param_zero_grad(Param *p);

/*
 * Fills p->value with scale * N(0, 1) drawn from rng, element by element in
 * row-major order: the textbook's scale * np.random.randn(V, H).astype('f').
 */
void param_fill_randn(Param *p, double scale, Rng *rng);

/* Number of floats in one row of a row-tracked Param (product of shape[1..]). */
int param_row_size(const Param *p);

DLFS2_API_END

#endif
