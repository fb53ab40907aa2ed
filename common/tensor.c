/* tensor.c — row-major float32 tensors and int32 arrays (see tensor.h). */
#define _DEFAULT_SOURCE   /* MADV_HUGEPAGE */
#include "common/tensor.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/check.h"

/* Tensors of at least this many bytes get 2 MiB-aligned memory marked for huge pages. */
#define TENSOR_HUGE_MIN ((size_t)1 << 21)
#define TENSOR_HUGE_ALIGN ((size_t)1 << 21)

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
    const size_t bytes = size * sizeof *t->data;
    if (bytes >= TENSOR_HUGE_MIN) {
        /* a large weight, gradient or optimizer state: rows are read at random,
         * so ask for 2 MiB pages (one TLB entry per 2 MiB instead of per 4 KiB) */
        DLFS_ASSERT(size <= SIZE_MAX / sizeof *t->data);
        void *p = dlfs_aligned_alloc(bytes, TENSOR_HUGE_ALIGN);
#ifdef MADV_HUGEPAGE
        (void)madvise(p, bytes, MADV_HUGEPAGE);   /* a hint: without it, normal pages */
#endif
        memset(p, 0, bytes);
        t->data = p;
        return;
    }
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

bool dlfs_floats_all_finite(const float *x, size_t n)
{
    int bad = 0;
#pragma omp parallel for reduction(| : bad) schedule(static) if (n >= 65536)
    for (size_t i = 0; i < n; i++) bad |= !isfinite(x[i]);
    return !bad;
}
