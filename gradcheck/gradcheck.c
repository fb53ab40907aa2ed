/* gradcheck.c — numerical against analytic gradients; see gradcheck.h. */
#include "gradcheck/gradcheck.h"

#include <float.h>
#include <math.h>
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
        bool finite = isfinite(L);
        for (size_t i = 0; i < t->size; i++) {
            const double a = t->grad[i];
            const double n = numerical_gradient5(p, t->value, i);
            const double abs_err = fabs(a - n);
            const double rel_err = abs_err / fmax(fabs(a) + fabs(n), tiny);
            if (!isfinite(a) || !isfinite(n)) finite = false;
            if (abs_err > r->max_abs) r->max_abs = abs_err;
            if (rel_err > r->max_rel || i == 0) {
                r->max_rel = rel_err;
                r->worst_index = i;
                r->worst_analytic = a;
                r->worst_numerical = n;
            }
        }
        r->pass = finite && r->max_rel <= GRADCHECK_RTOL;
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
    fprintf(out, "%-23s %-8s %-12s %12.3e %12.3e  %s\n", r->problem, r->tensor, shape, r->max_abs,
            r->max_rel, r->pass ? "PASS" : "FAIL");
}
