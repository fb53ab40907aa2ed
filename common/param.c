/* param.c — parameters with row-tracked gradients (see param.h). */
#include "common/param.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void param_init(Param *p, const char *name, int ndim, const int *shape, bool track_rows)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    tensor_init(&p->value, ndim, shape);
    tensor_init(&p->grad, ndim, shape);
    if (track_rows) {
        DLFS_ASSERT(ndim >= 2);
        p->row_touched = dlfs_calloc((size_t)shape[0], sizeof *p->row_touched);
        p->touched_rows = dlfs_calloc((size_t)shape[0], sizeof *p->touched_rows);
    }
}

void param_init_borrowed(Param *p, const char *name, float *data, int ndim, const int *shape,
                         bool track_rows)
{
    DLFS_ASSERT(data != NULL);
    memset(p, 0, sizeof *p);
    p->name = name;
    tensor_init(&p->grad, ndim, shape);   /* checks the shape */
    p->value = p->grad;                   /* the same shape, size and strides... */
    p->value.data = data;                 /* ...over the caller's floats */
    p->value_shared = true;
    if (track_rows) {
        DLFS_ASSERT(ndim >= 2);
        p->row_touched = dlfs_calloc((size_t)shape[0], sizeof *p->row_touched);
        p->touched_rows = dlfs_calloc((size_t)shape[0], sizeof *p->touched_rows);
    }
}

void param_share_value(Param *p, const Param *owner)
{
    DLFS_ASSERT(p->value.ndim == owner->value.ndim && p->value.size == owner->value.size);
    for (int i = 0; i < p->value.ndim; i++) DLFS_ASSERT(p->value.shape[i] == owner->value.shape[i]);
    if (!p->value_shared) tensor_free(&p->value);
    p->value = owner->value;
    p->value_shared = true;
}

void param_free(Param *p)
{
    if (p->value_shared) p->value.data = NULL;   /* the owner frees it */
    tensor_free(&p->value);
    tensor_free(&p->grad);
    free(p->row_touched);
    free(p->touched_rows);
    memset(p, 0, sizeof *p);
}

int param_row_size(const Param *p)
{
    return (int)(p->value.size / (size_t)p->value.shape[0]);
}

void param_zero_grad(Param *p)
{
    if (!p->row_touched) {
        tensor_zero(&p->grad);
        return;
    }
    size_t row_size = (size_t)param_row_size(p);
    for (int i = 0; i < p->n_touched; i++) {
        int32_t r = p->touched_rows[i];
        memset(p->grad.data + (size_t)r * row_size, 0, row_size * sizeof(float));
        p->row_touched[r] = 0;
    }
    p->n_touched = 0;
}

void param_fill_randn(Param *p, double scale, Rng *rng)
{
    for (size_t i = 0; i < p->value.size; i++) p->value.data[i] = (float)(scale * rng_normal(rng));
}
