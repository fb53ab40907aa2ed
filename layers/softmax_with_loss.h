/*
 * softmax_with_loss.h — the SoftmaxWithLoss layer (textbook §1.3.5.3,
 * common/layers.py `SoftmaxWithLoss`): softmax over C classes followed by
 * the cross-entropy, averaged over the batch. The output layer of chapter
 * 3's SimpleCBOW and SimpleSkipGram.
 *
 * forward:  y[n, :] = softmax(x[n, :])
 *           loss = -(1/N) sum_n log y[n, t_n]
 * backward: dx[n, c] += (y[n, c] - [c == t_n]) * dout / N
 *
 * Labels come as ids t (N,) or, as the textbook also accepts, one-hot rows
 * t (N, C), which are turned into ids first (the textbook's argmax).
 *
 * Numerically stable form: -log y[n, t_n] = logsumexp(x[n, :]) - x[n, t_n]
 * with logsumexp(x) = m + log sum_c exp(x_c - m), m = max_c x_c (expf per
 * score, the sum and the log in double),
 * so the loss is exact for any scores and never log(0). The textbook
 * instead computes -log(y_t + 1e-7) (functions.py cross_entropy_error),
 * where y_t is the probability given to the true class; per sample the two
 * differ by log(1 + 1e-7 / y_t): at most 1e-6 while y_t >= 0.1, and they
 * part only for confidently wrong scores (0.1 nats at y_t = 1e-6, log 2 at
 * y_t = 1e-7), where the textbook caps the loss at -log(1e-7) ≈ 16.1 and
 * this one keeps growing with the score gap. The gradient y - onehot(t) is
 * the same in both.
 */
#ifndef DLFS2_LAYERS_SOFTMAX_WITH_LOSS_H
#define DLFS2_LAYERS_SOFTMAX_WITH_LOSS_H

#include <stdint.h>

#include "../common/api.h"
#include "functions.h"

DLFS2_API_BEGIN

typedef struct SoftmaxWithLoss {
    float *y;               /* (max_batch, C) softmax of the last forward; owned */
    int32_t *t;             /* (max_batch, max_labels) label ids of the last forward; owned copy */
    double *row_loss;       /* (max_batch,) scratch: each row's loss, summed in order */
    int N;                  /* rows of the last forward; 0 before any */
    int K;                  /* labels per row of the last forward (1 but for _forward_multi) */
    int C;                  /* classes, fixed at init */
    int max_batch;
    int max_labels;         /* largest K _forward_multi accepts; 1 after softmax_with_loss_init */
} SoftmaxWithLoss;

/* Allocates room for up to max_batch >= 1 rows of C >= 1 classes. Free with _free. */
void softmax_with_loss_init(SoftmaxWithLoss *self, int max_batch, int C);

/* As softmax_with_loss_init, with room for up to max_labels >= 1 labels per row (_forward_multi). */
void softmax_with_loss_init_multi(SoftmaxWithLoss *self, int max_batch, int C, int max_labels);
void softmax_with_loss_free(SoftmaxWithLoss *self);

/*
 * x: (N, C) float32 scores; t: (N,) int32 ids in [0, C), copied (the
 * caller may reuse it at once). 1 <= N <= max_batch. Returns the mean
 * cross-entropy in nats (stable form above). Aborts on an id out of range.
 */
float softmax_with_loss_forward(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N);

/*
 * As softmax_with_loss_forward with one-hot labels t (N, C) int32 (each row
 * one 1, the rest 0; aborts otherwise). Gives exactly the loss and the
 * gradient of the same labels given as ids.
 */
float softmax_with_loss_forward_onehot(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N);

/*
 * K labels per row against the same scores: t (N, K) int32 ids, row-major
 * (e.g. SkipGram's contexts). Returns the SUM over k of the mean
 * cross-entropy of label column k, and backward then adds
 * (K * y - sum_k onehot(t[:, k])) * dout / N: exactly K SoftmaxWithLoss
 * layers on one score matrix whose losses are summed (the textbook's
 * SimpleSkipGram with its loss_layer1 + loss_layer2), with the softmax
 * computed once instead of K times. 1 <= K <= max_labels.
 */
float softmax_with_loss_forward_multi(SoftmaxWithLoss *self, const float *x, const int32_t *t, int N,
                                      int K);

/*
 * ADDS (y - onehot(t)) * dout / N into dx (N, C) float32, N that of the
 * last forward. dout is usually 1. Aborts if no forward came first.
 */
void softmax_with_loss_backward(SoftmaxWithLoss *self, float *dx, float dout);

DLFS2_API_END

#endif
