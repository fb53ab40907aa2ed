/*
 * negative_sampling_loss.h — the NegativeSamplingLoss layer (textbook
 * §4.2.7, ch04/negative_sampling_layer.py `NegativeSamplingLoss`).
 *
 * For each row b: one positive example (target[b], label 1) and sample_size
 * negatives (negative_sample[b, i], label 0). Each of the sample_size + 1
 * columns is an EmbeddingDot on W_out followed by a SigmoidWithLoss; the
 * loss is the SUM of their batch-mean losses (so it starts near
 * (sample_size + 1) * ln 2 ≈ 4.16 for sample_size 5), and dh is the sum of
 * their gradients.
 *
 * Unlike the textbook, the layer does not own a sampler: the model draws
 * negative_sample and passes it in, so forward is a deterministic function
 * of its inputs and can be gradient-checked with the negatives frozen.
 */
#ifndef DLFS2_LAYERS_NEGATIVE_SAMPLING_LOSS_H
#define DLFS2_LAYERS_NEGATIVE_SAMPLING_LOSS_H

#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "embedding_dot.h"
#include "sigmoid_with_loss.h"

DLFS2_API_BEGIN

typedef struct NegativeSamplingLoss {
    int sample_size;                    /* S */
    int max_batch;
    Param *params[1];                   /* {W_out}: (V, H) float32, borrowed */
    Tensor *grads[1];                   /* {&W_out->grad} */
    EmbeddingDot *embed_dot_layers;     /* (S + 1,): [0] positive, [1..S] negatives */
    SigmoidWithLoss *loss_layers;       /* (S + 1,) */
    float *score;                       /* (S + 1, max_batch) scratch */
    float *dscore;                      /* (S + 1, max_batch) scratch */
    int32_t *negative_target;           /* (S, max_batch) negatives, one column per layer */
    int32_t *correct_label;             /* (max_batch,) all 1 */
    int32_t *negative_label;            /* (max_batch,) all 0 */
    int B;                              /* batch size of the last forward */
} NegativeSamplingLoss;

/* Builds the layer over W_out (V, H), which must outlive it. Free with _free. */
void negative_sampling_loss_init(NegativeSamplingLoss *self, Param *W_out, int sample_size,
                                 int max_batch);
void negative_sampling_loss_free(NegativeSamplingLoss *self);

/*
 * h: (B, H) float32 hidden vectors; target: (B,) int32; negative_sample:
 * (B, sample_size) int32 (from UnigramSampler). h and target are borrowed
 * until backward; negative_sample is copied. Returns the summed loss.
 * 1 <= B <= max_batch; ids in [0, V).
 */
float negative_sampling_loss_forward(NegativeSamplingLoss *self, const float *h,
                                     const int32_t *target, const int32_t *negative_sample,
                                     int B);

/* ADDS the gradient w.r.t. h into dh (B, H) and into W_out's grad rows. */
void negative_sampling_loss_backward(NegativeSamplingLoss *self, float *dh, float dout);

DLFS2_API_END

#endif
