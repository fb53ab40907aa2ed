/*
 * tensor.h — a small row-major float32 array with a NumPy-style shape, and
 * an int32 index array.
 *
 * A Tensor owns its data: tensor_init allocates (zeroed), tensor_free
 * releases. Element (i, j) of a 2-D tensor is data[i * shape[1] + j], as in
 * a C-contiguous NumPy array.
 */
#ifndef DLFS2_COMMON_TENSOR_H
#define DLFS2_COMMON_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"

DLFS2_API_BEGIN

#define TENSOR_MAX_DIMS 4

typedef struct Tensor {
    float *data;                 /* size floats, row-major, owned */
    int ndim;                    /* 1 .. TENSOR_MAX_DIMS */
    int shape[TENSOR_MAX_DIMS];  /* shape[0] is the slowest axis */
    size_t size;                 /* product of shape[0..ndim) */
} Tensor;

/* An owned array of int32 ids, e.g. a corpus (N,) or contexts (N, 2*window). */
typedef struct Int32Array {
    int32_t *data;
    size_t size;
} Int32Array;

/*
 * Allocates a zero-filled float32 tensor of the given shape (every extent
 * >= 1, 1 <= ndim <= TENSOR_MAX_DIMS). Aborts on a bad shape or when memory
 * runs out. Free with tensor_free.
 */
void tensor_init(Tensor *t, int ndim, const int *shape);

/* tensor_init for the common cases: (n,) and (rows, cols). */
void tensor_init_1d(Tensor *t, int n);
void tensor_init_2d(Tensor *t, int rows, int cols);

/* Releases t->data and clears t; safe on a zeroed or already freed Tensor. */
void tensor_free(Tensor *t);

/* Sets every element to 0. */
void tensor_zero(Tensor *t);

/*
 * Whether x (n,) float32 holds no NaN and no infinity. A scan of all n
 * values, split over OpenMP threads for large n; used to catch a diverged
 * training run (training/trainer.h) and to refuse saving or reading a
 * damaged state (training/checkpoint.h).
 */
bool dlfs_floats_all_finite(const float *x, size_t n);

/* Allocates n zeroed ids. Free with int32_array_free. */
void int32_array_init(Int32Array *a, size_t n);
void int32_array_free(Int32Array *a);

DLFS2_API_END

#endif
