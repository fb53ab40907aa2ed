/* tensor.c — row-major float32 tensors and int32 arrays (see tensor.h). */
#include "common/tensor.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void tensor_init(Tensor *t, int ndim, const int *shape)
{
    DLFS_ASSERT(ndim >= 1 && ndim <= TENSOR_MAX_DIMS);
    size_t size = 1;
    memset(t, 0, sizeof *t);
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        DLFS_ASSERT(shape[i] >= 1);
        t->shape[i] = shape[i];
        size *= (size_t)shape[i];
    }
    t->size = size;
    t->data = dlfs_calloc(size, sizeof *t->data);
}

void tensor_init_1d(Tensor *t, int n)
{
    tensor_init(t, 1, (int[]){n});
}

void tensor_init_2d(Tensor *t, int rows, int cols)
{
    tensor_init(t, 2, (int[]){rows, cols});
}

void tensor_free(Tensor *t)
{
    free(t->data);
    memset(t, 0, sizeof *t);
}

void tensor_zero(Tensor *t)
{
    memset(t->data, 0, t->size * sizeof *t->data);
}

void int32_array_init(Int32Array *a, size_t n)
{
    a->data = dlfs_calloc(n, sizeof *a->data);
    a->size = n;
}

void int32_array_free(Int32Array *a)
{
    free(a->data);
    a->data = NULL;
    a->size = 0;
}
