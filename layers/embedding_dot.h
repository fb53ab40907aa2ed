/*
 * embedding_dot.h — the EmbeddingDot layer (textbook §4.2.4,
 * ch04/negative_sampling_layer.py `EmbeddingDot`): the score of one word
 * per row, the dot product of a row of W_out with a hidden vector.
 *
 * forward:  out[b] = sum_k W[idx[b], k] * h[b, k]
 * backward: dh[b, :] += dout[b] * W[idx[b], :]
 *           dW[idx[b], :] += dout[b] * h[b, :]   (repeated ids add up)
 */
#ifndef DLFS2_LAYERS_EMBEDDING_DOT_H
#define DLFS2_LAYERS_EMBEDDING_DOT_H

#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "embedding.h"

DLFS2_API_BEGIN

typedef struct EmbeddingDot {
    Embedding embed;        /* holds W and the ids of the last forward */
    Param *params[1];       /* {W}: (V, H) float32, borrowed */
    Tensor *grads[1];       /* {&W->grad} */
    const float *h;         /* (B, H) input of the last forward; borrowed */
} EmbeddingDot;

/* Makes an EmbeddingDot over W (V, H), which must outlive the layer. */
void embedding_dot_init(EmbeddingDot *self, Param *W);

/*
 * out: (B,) float32, written. h: (B, H) float32 and idx: (B,) int32 in
 * [0, V), both borrowed until the matching backward (W must not change in
 * between, as in the textbook where the optimizer runs after backward).
 */
void embedding_dot_forward(EmbeddingDot *self, float *out, const float *h,
                           const int32_t *idx, int B);

/*
 * dout: (B,) float32. ADDS into dh (B, H) and into W's grad rows idx[b];
 * the caller zeroes dh first if it wants only this layer's part.
 */
void embedding_dot_backward(EmbeddingDot *self, float *dh, const float *dout);

DLFS2_API_END

#endif
