/* gradcheck.c — numerical against analytic gradients; see gradcheck.h. */
#include "gradcheck/gradcheck.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void gradcheck_add_tensor(GradCheckProblem *p, const char *name, float *value, const float *grad,
                          int ndim, const int *shape)
{
    DLFS_ASSERT(p->n_tensors < GRADCHECK_MAX_TENSORS);
    DLFS_ASSERT(ndim >= 1 && ndim <= 4);
    GradCheckTensor *t = &p->tensors[p->n_tensors++];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->value = value;
    t->grad = grad;
    t->ndim = ndim;
    t->size = 1;
    for (int d = 0; d < ndim; d++) {
        DLFS_ASSERT(shape[d] >= 1);
        t->shape[d] = shape[d];
        t->size *= (size_t)shape[d];
    }
}

void gradcheck_add_param(GradCheckProblem *p, Param *param)
{
    gradcheck_add_tensor(p, param->name, param->value.data, param->grad.data, param->value.ndim,
                         param->value.shape);
}

void gradcheck_set_row_ids(GradCheckProblem *p, int k, const int32_t *ids, size_t n)
{
    DLFS_ASSERT(k >= 0 && k < p->n_tensors);
    DLFS_ASSERT(ids || n == 0);
    p->tensors[k].row_ids = ids;
    p->tensors[k].n_row_ids = n;
}

/* L with element x[i] replaced by x[i] + delta (rounded to float32). */
static double loss_at(const GradCheckProblem *p, float *x, size_t i, double delta)
{
    const float saved = x[i];
    x[i] = (float)((double)saved + delta);
    const double L = p->loss(p->ctx);
    x[i] = saved;
    return L;
}

/* Five-point central difference of L w.r.t. x[i], in double. */
static double numerical_gradient5(const GradCheckProblem *p, float *x, size_t i)
{
    const double h = GRADCHECK_STEP;
    const double d1 = loss_at(p, x, i, h) - loss_at(p, x, i, -h);
    const double d2 = loss_at(p, x, i, 2.0 * h) - loss_at(p, x, i, -2.0 * h);
    return (8.0 * d1 - d2) / (12.0 * h);
}

/* Relative tolerance on analytic/numerical against B or 1/B for the 1/B hint. */
#define HINT_RATIO_RTOL 0.02

/*
 * The 1/B hint for r's worst element: a/n within 2 % of B or 1/B, with a
 * and n both at least 100 times the noise (noise = tiny * RTOL), so that
 * the ratio itself is good to about 1 %.
 */
static GradCheckHint batch_hint(const GradCheckResult *r, int batch)
{
    if (batch < 2) return GRADCHECK_HINT_NONE;
    const double floor = 100.0 * r->tiny * GRADCHECK_RTOL;
    const double a = r->worst_analytic, n = r->worst_numerical;
    if (!(fabs(a) >= floor && fabs(n) >= floor)) return GRADCHECK_HINT_NONE;
    const double ratio = a / n;
    if (fabs(ratio / batch - 1.0) <= HINT_RATIO_RTOL) return GRADCHECK_HINT_TIMES_B;
    if (fabs(ratio * batch - 1.0) <= HINT_RATIO_RTOL) return GRADCHECK_HINT_OVER_B;
    return GRADCHECK_HINT_NONE;
}

/*
 * The `=` instead of `+=` hint for tensor t: hits[r] ids gather row r,
 * row_rel[r] is the row's largest rel error. It fires when the worst row
 * is hit more than once, some row is hit exactly once, and every row that
 * fails is hit more than once: right wherever an id is alone, wrong only
 * where one repeats.
 */
static GradCheckHint overwrite_hint(const int *hits, const double *row_rel, int rows,
                                    int worst_row)
{
    if (hits[worst_row] < 2) return GRADCHECK_HINT_NONE;
    bool some_once = false;
    for (int i = 0; i < rows; i++) {
        if (hits[i] == 1) some_once = true;
        if (!(row_rel[i] <= GRADCHECK_RTOL) && hits[i] < 2) return GRADCHECK_HINT_NONE;
    }
    return some_once ? GRADCHECK_HINT_OVERWRITE : GRADCHECK_HINT_NONE;
}

int gradcheck_run(const GradCheckProblem *p, GradCheckResult *results)
{
    DLFS_ASSERT(p->loss && p->gradients && p->n_tensors >= 1);
    p->gradients(p->ctx);
    const double L = p->loss(p->ctx);
    const double scale = p->noise_scale > 0.0 ? p->noise_scale : fabs(L);
    const double noise = GRADCHECK_NOISE_ULPS * fmax(scale, 1e-3) * FLT_EPSILON / GRADCHECK_STEP;
    const double tiny = noise / GRADCHECK_RTOL;
    int n_fail = 0;

    for (int k = 0; k < p->n_tensors; k++) {
        const GradCheckTensor *t = &p->tensors[k];
        GradCheckResult *r = &results[k];
        memset(r, 0, sizeof *r);
        r->problem = p->name;
        r->tensor = t->name;
        r->ndim = t->ndim;
        memcpy(r->shape, t->shape, sizeof r->shape);
        r->tiny = tiny;
        r->batch = p->batch;
        /* per row, for the `=` hint: how many ids gather it, its largest rel error */
        const int rows = t->shape[0];
        const size_t cols = t->size / (size_t)rows;
        int *hits = NULL;
        double *row_rel = NULL;
        if (t->row_ids) {
            hits = dlfs_calloc((size_t)rows, sizeof *hits);
            row_rel = dlfs_calloc((size_t)rows, sizeof *row_rel);
            for (size_t j = 0; j < t->n_row_ids; j++)
                if (t->row_ids[j] >= 0 && t->row_ids[j] < rows) hits[t->row_ids[j]]++;
        }
        bool finite = isfinite(L);
        for (size_t i = 0; i < t->size; i++) {
            const double a = t->grad[i];
            const double n = numerical_gradient5(p, t->value, i);
            const double abs_err = fabs(a - n);
            const double rel_err = abs_err / fmax(fabs(a) + fabs(n), tiny);
            if (!isfinite(a) || !isfinite(n)) finite = false;
            if (abs_err > r->max_abs) r->max_abs = abs_err;
            if (row_rel && !(rel_err <= row_rel[i / cols])) row_rel[i / cols] = rel_err;
            if (rel_err > r->max_rel || i == 0) {
                r->max_rel = rel_err;
                r->worst_index = i;
                r->worst_analytic = a;
                r->worst_numerical = n;
            }
        }
        r->pass = finite && r->max_rel <= GRADCHECK_RTOL;
        if (hits) r->worst_row_hits = hits[r->worst_index / cols];
        if (!r->pass && finite) {
            r->hint = batch_hint(r, p->batch);
            if (r->hint == GRADCHECK_HINT_NONE && hits)
                r->hint = overwrite_hint(hits, row_rel, rows, (int)(r->worst_index / cols));
        }
        free(hits);
        free(row_rel);
        if (!r->pass) n_fail++;
    }
    return n_fail;
}

static float model_loss(void *ctx)
{
    GradCheckModelCtx *c = ctx;
    return c->model->ops->forward(c->model->self, c->contexts, c->target, c->B, NULL);
}

static void model_gradients(void *ctx)
{
    GradCheckModelCtx *c = ctx;
    Model *m = c->model;
    for (int i = 0; i < m->n_params; i++) param_zero_grad(m->params[i]);
    (void)m->ops->forward(m->self, c->contexts, c->target, c->B, NULL);
    m->ops->backward(m->self);
}

void gradcheck_model_problem(GradCheckProblem *p, GradCheckModelCtx *storage, Model *model,
                             const int32_t *contexts, const int32_t *target, int B, Rng *rng)
{
    DLFS_ASSERT(B >= 1 && B <= model->max_batch);
    memset(p, 0, sizeof *p);
    storage->model = model;
    storage->contexts = contexts;
    storage->target = target;
    storage->B = B;
    /* draw the negatives once; every later forward reuses them */
    (void)model->ops->forward(model->self, contexts, target, B, rng);
    p->name = model->name;
    p->ctx = storage;
    p->loss = model_loss;
    p->gradients = model_gradients;
    p->batch = B;
    for (int i = 0; i < model->n_params; i++) gradcheck_add_param(p, model->params[i]);
}

void gradcheck_print_header(FILE *out)
{
    fprintf(out, "%-23s %-8s %-12s %12s %12s  %s\n", "layer/model", "param", "shape",
            "max abs err", "max rel err", "result");
}

void gradcheck_print_result(FILE *out, const GradCheckResult *r)
{
    char shape[64];
    int len = snprintf(shape, sizeof shape, "(");
    for (int d = 0; d < r->ndim; d++)
        len += snprintf(shape + len, sizeof shape - (size_t)len, d ? ", %d" : "%d", r->shape[d]);
    snprintf(shape + len, sizeof shape - (size_t)len, r->ndim == 1 ? ",)" : ")");
    fprintf(out, "%-23s %-8s %-12s %12.3e %12.3e  %s", r->problem, r->tensor, shape, r->max_abs,
            r->max_rel, r->pass ? "PASS" : "FAIL");
    if (r->pass) {
        fputc('\n', out);
        return;
    }
    /* the worst element, its flat index unravelled over the shape: W[3,0] */
    fprintf(out, "  %s[", r->tensor);
    size_t cols = 1;    /* elements per row, the stride of the first index */
    for (int d = 1; d < r->ndim; d++) cols *= (size_t)r->shape[d];
    size_t stride = cols;
    for (int d = 0; d < r->ndim; d++) {
        fprintf(out, d ? ",%zu" : "%zu", r->worst_index / stride % (size_t)r->shape[d]);
        if (d + 1 < r->ndim) stride /= (size_t)r->shape[d + 1];
    }
    fprintf(out, "]: analytic %+.6g, numerical %+.6g\n", r->worst_analytic, r->worst_numerical);
    switch (r->hint) {
    case GRADCHECK_HINT_TIMES_B:
        fprintf(out,
                "  hint: analytic = %.2f x numerical, and B = %d: a missing or extra 1/B "
                "(backward forgot to divide by B, or forward divides by B once too often)\n",
                r->worst_analytic / r->worst_numerical, r->batch);
        break;
    case GRADCHECK_HINT_OVER_B:
        fprintf(out,
                "  hint: analytic = numerical / %.2f, and B = %d: a missing or extra 1/B "
                "(backward divides by B once too often, or forward forgot to average over B)\n",
                r->worst_numerical / r->worst_analytic, r->batch);
        break;
    case GRADCHECK_HINT_OVERWRITE:
        fprintf(out,
                "  hint: row %zu of %s is gathered by %d ids of the batch, and only such rows are "
                "wrong: `=` instead of `+=` (backward must add every occurrence's gradient, as "
                "np.add.at does)\n",
                r->worst_index / cols, r->tensor, r->worst_row_hits);
        break;
    case GRADCHECK_HINT_NONE: break;
    }
}
