/*
 * functions.h — the textbook's stateless helper functions (common/functions.py):
 * sigmoid, relu, softmax and cross_entropy_error, used by the layers of
 * chapters 1–4, plus a float one-hot (util.py's convert_one_hot) for the chapter-3 models,
 * and the softplus behind the binary cross-entropy losses.
 * Arrays are row-major; nothing is allocated.
 */
#ifndef DLFS2_LAYERS_FUNCTIONS_H
#define DLFS2_LAYERS_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"

DLFS2_API_BEGIN

/*
 * The logistic sigmoid 1 / (1 + exp(-x)) of one value, without overflow for
 * any x (only exp of a non-positive number is taken). functions.py `sigmoid`.
 */
float sigmoid(float x);

/*
 * dlfs_softplus(z) = log(1 + exp(z)) in double, exact for any z: max(z, 0) +
 * log1p(exp(-|z|)) never overflows. The binary cross-entropy of a score x
 * is dlfs_softplus(-x) for label 1 (-log sigmoid(x)) and dlfs_softplus(x) for label 0
 * (-log(1 - sigmoid(x))), so SigmoidWithLoss and HierarchicalSoftmaxLoss
 * never take log(0).
 */
double dlfs_softplus(double z);

/* y[i] = sigmoid(x[i]) for x, y (n,) float32; y may be x (in place). */
void sigmoid_array(float *y, const float *x, size_t n);

/* y[i] = max(0, x[i]) for x, y (n,) float32; y may be x. functions.py `relu`. */
void relu(float *y, const float *x, size_t n);

/*
 * Row-wise softmax of x (N, C) float32 into y (N, C): y[n, c] =
 * exp(x[n, c] - m_n) / sum_k exp(x[n, k] - m_n) with m_n the row maximum,
 * which leaves the result unchanged and keeps exp from overflowing (x =
 * 1000 is fine). y may be x. N, C >= 1. functions.py `softmax` (2-D case;
 * a 1-D x is N = 1).
 */
void softmax(float *y, const float *x, int N, int C);

/*
 * Mean cross-entropy of probabilities y (N, C) float32 against ids t (N,)
 * int32 in [0, C): -sum_n log(y[n, t[n]] + 1e-7) / N, summed in double.
 * The 1e-7 is the textbook's guard against log(0): a probability of 0
 * costs -log(1e-7) ≈ 16.12. Aborts on an id out of range.
 * functions.py `cross_entropy_error` with label ids.
 */
float cross_entropy_error(const float *y, const int32_t *t, int N, int C);

/*
 * cross_entropy_error with one-hot labels t (N, C) int32: each row is first
 * turned into the id of its 1 (the textbook's t.argmax(axis=1)), then as
 * above. Aborts unless every row of t is one-hot (one 1, the rest 0).
 */
float cross_entropy_error_onehot(const float *y, const int32_t *t, int N, int C);

/*
 * The id held by one one-hot row (C,) int32: the position of its single 1.
 * Aborts unless the row has exactly one 1 and C - 1 zeros. Shared by the
 * one-hot forms of the cross-entropy and SoftmaxWithLoss.
 */
int32_t one_hot_to_id(const int32_t *row, int C);

/*
 * One-hot rows out (N, V) float32, overwritten: out[n, ids[n * stride]] = 1,
 * every other element 0. stride 1 reads ids (N,); stride k with ids + i
 * reads column i of an (N, k) matrix. Ids must be in [0, V) (aborts
 * otherwise). The textbook's util.py `convert_one_hot` (common/util.h has that
 * int32 version), float 0/1 here so
 * the rows can go straight into a MatMul.
 */
void one_hot_float(float *out, const int32_t *ids, int N, int stride, int V);

DLFS2_API_END

#endif
