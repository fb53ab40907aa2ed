/*
 * gradcheck.h — "is my backward right?": compares every analytic gradient
 * of a layer or model with a numerical gradient of its loss.
 *
 * This is the gradient check of the series' first volume (§4.3-4.4
 * numerical differentiation, §5.7.3 gradient check), made reliable for
 * float32 layers:
 *
 *   numerical: for each element x_i of each checked tensor, with everything
 *     else fixed (ids, labels, negatives frozen), the five-point central
 *     difference
 *         n_i = [8 (L(x+h) - L(x-h)) - (L(x+2h) - L(x-2h))] / 12h
 *     in double precision, h = GRADCHECK_STEP (absolute). Its truncation
 *     error is O(h^4) (about 1e-10 here) where the plain central
 *     difference's O(h^2) would be about 1e-5. x_i +- h is rounded to
 *     float32; that moves the step by at most 2^-24 |x_i| / h ≈ 6e-6 |x_i|
 *     relative, far below the threshold.
 *   analytic: a_i from one forward and one backward (dout = 1) after
 *     zeroing every gradient.
 *   error:   abs_i = |a_i - n_i|
 *            rel_i = |a_i - n_i| / max(|a_i| + |n_i|, tiny)
 *   verdict: a tensor PASSes when max_i rel_i <= GRADCHECK_RTOL.
 *
 * `tiny` is the noise floor of the numerical gradient. The loss comes back
 * as float32, rounded to a few ulps of |L|, and a difference of such values
 * divided by h carries about GRADCHECK_NOISE_ULPS * |L| * FLT_EPSILON / h
 * of noise whatever the true gradient; tiny = that noise / GRADCHECK_RTOL.
 * So an element whose gradient is above the floor must agree to 0.1 %
 * (relative), and one below it must agree to within the noise (absolute).
 * (Problems whose loss sums terms that may cancel give their magnitude in
 * noise_scale instead of |L|.)
 *
 * With this measure an analytic gradient 1% too large gives
 * rel = 0.01 / 2.01 ≈ 0.005, five times the threshold; one that drops a
 * repeated id's contribution is off by 100% on that row. Check problems
 * with O(1) values (weights ~ N(0, 0.5^2), not the training init's 0.01):
 * gradients then stand well above the noise floor. Measured on the cases of
 * `dlfs2 gradcheck` (gradcheck/cases.h): the correct backwards give at most
 * 3.5e-4 over seeds 1..300; with every analytic gradient 1% off, every
 * tensor gives more than 3e-3 (seeds 1..10, tests/test_gradcheck.c).
 *
 * A FAIL row names its worst element (the one with the largest rel_i) with
 * a_i and n_i, and gives a hint when the numbers match a classic mistake:
 *   a ≈ B n or a ≈ n / B (within 2 %, both well above the noise floor),
 *     B the problem's batch size: a missing or extra 1/B (backward forgot
 *     to divide by B, divides twice, or forward's average is off);
 *   for a tensor whose rows are gathered by ids (an Embedding's W, with
 *     row_ids set): the worst row is hit by a repeated id, a row hit once
 *     exists, and every failing row is a repeated one: the backward keeps
 *     one occurrence's gradient where it must add them all, `=` instead
 *     of `+=`. (The checker sees the rows, not the occurrences: it infers
 *     the mistake from where the errors are, the one pattern that `=`
 *     leaves, since it is right for every row hit once.)
 */
#ifndef DLFS2_GRADCHECK_GRADCHECK_H
#define DLFS2_GRADCHECK_GRADCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/api.h"
#include "../training/model.h"
#include "../common/param.h"

DLFS2_API_BEGIN

#define GRADCHECK_STEP 1e-2         /* h, absolute, in the units of the checked values */
#define GRADCHECK_RTOL 1e-3         /* pass threshold on max rel err */
#define GRADCHECK_NOISE_ULPS 4.0    /* float32 loss noise, in ulps of |L|, behind `tiny` */
#define GRADCHECK_MAX_TENSORS 8

/* One float32 tensor whose gradient is checked: a parameter or an input. */
typedef struct GradCheckTensor {
    const char *name;       /* "W", "x", "W_in", ...; borrowed */
    float *value;           /* (size,) perturbed in place, restored exactly */
    const float *grad;      /* (size,) the analytic gradient after gradients() */
    int ndim;               /* 1..4, for printing */
    int shape[4];
    size_t size;
    /*
     * The ids whose rows this tensor's forward gathers (its rows are
     * shape[0]): the batch's ids for an Embedding's W, or NULL. Only for
     * the `=` instead of `+=` hint; ids < 0 or >= shape[0] are ignored.
     * Borrowed; set with gradcheck_set_row_ids.
     */
    const int32_t *row_ids;
    size_t n_row_ids;
} GradCheckTensor;

/*
 * A deterministic scalar function of the tensors and its claimed gradient.
 * loss(ctx) runs forward only. gradients(ctx) zeroes every gradient it
 * writes, runs forward and backward with dout = 1, and leaves the results
 * where tensors[i].grad points.
 */
typedef struct GradCheckProblem {
    const char *name;       /* "MatMul", "CBOW", ...; borrowed */
    void *ctx;
    float (*loss)(void *ctx);
    void (*gradients)(void *ctx);
    GradCheckTensor tensors[GRADCHECK_MAX_TENSORS];
    int n_tensors;
    /*
     * Magnitude of the float32 terms that make up the loss, for the noise
     * floor; 0 means |L|. Set it when the loss is a sum of terms that may
     * cancel (sum_i R_i * out_i with R of either sign): sum_i |R_i out_i|.
     */
    double noise_scale;
    /* B, the rows of the minibatch (for the 1/B hint); 0 = not a batch, no such hint */
    int batch;
} GradCheckProblem;

/* Which classic mistake a FAIL row's numbers point at (see the top of this file). */
typedef enum GradCheckHint {
    GRADCHECK_HINT_NONE = 0,
    GRADCHECK_HINT_TIMES_B,     /* analytic ≈ B x numerical: a missing or extra 1/B */
    GRADCHECK_HINT_OVER_B,      /* analytic ≈ numerical / B: a missing or extra 1/B */
    GRADCHECK_HINT_OVERWRITE,   /* only rows hit by a repeated id wrong: `=` instead of `+=` */
} GradCheckHint;

/* The verdict for one tensor: one row of `dlfs2 gradcheck`. */
typedef struct GradCheckResult {
    const char *problem;    /* borrowed from the problem */
    const char *tensor;
    int ndim;
    int shape[4];
    double max_abs;         /* max_i |a_i - n_i| */
    double max_rel;         /* max_i |a_i - n_i| / max(|a_i| + |n_i|, tiny) */
    double tiny;            /* the noise floor used */
    size_t worst_index;     /* flat index of the element giving max_rel */
    double worst_analytic;  /* a and n at that element */
    double worst_numerical;
    bool pass;              /* max_rel <= GRADCHECK_RTOL and everything finite */
    GradCheckHint hint;     /* NONE when pass */
    int batch;              /* the problem's B, for the hint's text */
    int worst_row_hits;     /* how many row_ids hit the worst element's row (0 without row_ids) */
} GradCheckResult;

/* Adds tensor (name, value, grad, shape) to p; aborts past GRADCHECK_MAX_TENSORS. */
void gradcheck_add_tensor(GradCheckProblem *p, const char *name, float *value, const float *grad,
                          int ndim, const int *shape);

/* Adds a Param's value and grad under the Param's name. */
void gradcheck_add_param(GradCheckProblem *p, Param *param);

/*
 * Declares that tensor k's rows are gathered by ids (n of them, borrowed
 * until the check is done), for the `=` instead of `+=` hint.
 */
void gradcheck_set_row_ids(GradCheckProblem *p, int k, const int32_t *ids, size_t n);

/*
 * Checks every tensor of p: results[i] for p->tensors[i] (results has room
 * for p->n_tensors). Cost: one gradients() call plus 4 loss() calls per
 * element. The values are restored bit for bit. Returns the number of
 * tensors that FAIL (0 = all pass).
 */
int gradcheck_run(const GradCheckProblem *p, GradCheckResult *results);

/*
 * Fills p to check every parameter of a Model (training/model.h) on a fixed
 * minibatch: contexts (B, model->context_width) int32 and target (B,)
 * int32, borrowed until the check is done. It runs one forward with rng
 * right away, which draws the model's negatives (rng may be NULL for a
 * model that does not sample); loss() and gradients() then call the
 * model's forward with rng == NULL, which reuses those draws, so the
 * function checked is fixed. p->batch is B. `storage` is caller-owned and
 * must outlive p.
 */
typedef struct GradCheckModelCtx {
    Model *model;
    const int32_t *contexts;
    const int32_t *target;
    int B;
} GradCheckModelCtx;

void gradcheck_model_problem(GradCheckProblem *p, GradCheckModelCtx *storage, Model *model,
                             const int32_t *contexts, const int32_t *target, int B, Rng *rng);

/*
 * The table: a header line, then one line per result. A PASS row is one
 * line. A FAIL row goes on with its worst element, index as row,col for a
 * 2-D tensor ("FAIL  W[3,0]: analytic -0.104349, numerical +0.466807"),
 * and, when r->hint is set, a second line "  hint: ...".
 */
void gradcheck_print_header(FILE *out);
void gradcheck_print_result(FILE *out, const GradCheckResult *r);

DLFS2_API_END

#endif
