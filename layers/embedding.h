/*
 * embedding.h — the Embedding layer (textbook §4.1.3, common/layers.py
 * `Embedding`).
 *
 * forward:  out[b, :] = W[idx[b], :]                      (a row gather)
 * backward: dW[idx[b], :] += dout[b, :] for every b        (np.add.at)
 *
 * Why backward must ADD: when the same id appears twice in a minibatch
 * (the word "the" in two contexts), both rows of dout belong to that one
 * row of W, so their sum is its gradient. Writing `dW[idx] = dout` would
 * keep only the last one. Several Embedding layers may share one W (CBOW);
 * they all add into the same grad, which equals the textbook's
 * per-layer dW followed by remove_duplicate's sum.
 */
#ifndef DLFS2_LAYERS_EMBEDDING_H
#define DLFS2_LAYERS_EMBEDDING_H

#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"

DLFS2_API_BEGIN

typedef struct Embedding {
    Param *params[1];       /* {W}: (V, H) float32, borrowed from the model */
    Tensor *grads[1];       /* {&W->grad} */
    const int32_t *idx;     /* (B,) ids of the last forward; borrowed */
    int B;                  /* batch size of the last forward; 0 before any */
} Embedding;

/* Makes an Embedding over W (V, H), which must outlive the layer. */
void embedding_init(Embedding *self, Param *W);

/*
 * out: (B, H) float32, written. idx: (B,) int32, each in [0, V) or -1;
 * borrowed until the matching backward. An id of -1 means "no word here"
 * (a context position outside a shrunk window or a sentence, in
 * `--preset word2vec`): its row of out is zeros and backward skips it, as
 * PyTorch's padding_idx. Aborts on any other id out of range.
 */
void embedding_forward(Embedding *self, float *out, const int32_t *idx, int B);

/*
 * Adds dout (B, H) into the rows idx[b] of W's grad (repeated ids add up;
 * ids of -1 are skipped) and marks those rows touched. Cost B * H. Aborts if no forward came first.
 */
void embedding_backward(Embedding *self, const float *dout);

DLFS2_API_END

#endif
