/*
 * hierarchical_softmax_loss.h — the HierarchicalSoftmaxLoss layer: word2vec's
 * other way around the V-way softmax (word2vec.c `-hs 1`; Mikolov et al.
 * 2013, "Distributed Representations of Words and Phrases and their
 * Compositionality", §2.1; Morin & Bengio 2005). The textbook (§4.2)
 * replaces the softmax by negative sampling only; this layer takes the
 * NegativeSamplingLoss's place with the same inputs minus the negatives.
 *
 * The words are the leaves of a binary Huffman tree (layers/huffman_tree.h)
 * and every inner node n has a vector W[n]. Word w's path from the root is
 * L_w decisions; at inner node n_d it takes branch c_d. With
 *
 *     x_d = W[n_d] · h,   t_d = 1 - c_d   (word2vec.c's label: branch 0 is "1"),
 *
 *     P(w | h) = prod_d sigmoid(x_d)^t_d * (1 - sigmoid(x_d))^(1 - t_d),
 *
 * and the loss is the negative log-likelihood averaged over the batch:
 *
 *     loss = (1/B) sum_b sum_d BCE(x_{b,d}, t_{b,d})
 *          = -(1/B) sum_b log P(target[b] | h[b]),
 *
 * i.e. per word the sum of the binary cross-entropies of SigmoidWithLoss
 * along its path, each computed stably as dlfs_softplus(-x) (t = 1) or
 * dlfs_softplus(x) (t = 0). At every inner node the two branches get sigmoid(x)
 * and sigmoid(-x), which add up to 1, so P(. | h) sums to 1 over the V
 * words without ever visiting them all: a proper distribution, unlike
 * negative sampling's scores.
 *
 * backward, with y_d = sigmoid(x_d) kept from forward and
 * g = (y_d - t_d) * dout / B:
 *     dh[b]   += g * W[n_d]
 *     dW[n_d] += g * h[b]
 * Both ADD, as every backward in the project. word2vec.c fuses this with
 * its SGD step (its g is alpha * (t_d - y_d), one example at a time) and
 * skips a decision whose |x_d| >= 6, the edge of its sigmoid table; here
 * every decision counts, with the exact sigmoid.
 *
 * W is (V - 1, H): one row per inner node, word2vec.c's syn1 (which it
 * allocates V rows for but only uses V - 1). It starts at zero there; with
 * zero or small random W every x_d is about 0, so the first loss is about
 * (mean code length) * ln 2, the batch's mean of L_w times ln 2. On PTB
 * (V = 10000) the count-weighted mean code length is 9.45 decisions (the
 * unigram entropy is 9.42 bits; a Huffman code is within one bit of it), so
 * the first loss is about 6.55, against ln V = 9.21 for the full softmax.
 * Cost per forward or backward: O(B * L * H), L the code length (about
 * log2 V, shorter for frequent words), against O(B * V * H) for the full
 * softmax.
 */
#ifndef DLFS2_LAYERS_HIERARCHICAL_SOFTMAX_LOSS_H
#define DLFS2_LAYERS_HIERARCHICAL_SOFTMAX_LOSS_H

#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "huffman_tree.h"

DLFS2_API_BEGIN

typedef struct HierarchicalSoftmaxLoss {
    const HuffmanTree *tree;   /* borrowed */
    int max_batch;
    Param *params[1];          /* {W}: (V - 1, H) float32 inner-node vectors, borrowed, row-tracked */
    Tensor *grads[1];          /* {&W->grad} */
    const float *h;            /* (B, H) borrowed until backward */
    int32_t *target;           /* (max_batch,) copy */
    float *y;                  /* (max_batch, max_code_length) sigmoid outputs of the last forward */
    int B;                     /* batch size of the last forward; 0 before any */
} HierarchicalSoftmaxLoss;

/*
 * Builds the layer over W (V - 1, H) float32 and tree (V leaves), which
 * must both outlive it; W may be row-tracked or not (row tracking keeps
 * zeroing at the rows the paths touched). Contract: W is 2-D with
 * tree->vocab_size - 1 rows, max_batch >= 1. Free with _free.
 */
void hierarchical_softmax_loss_init(HierarchicalSoftmaxLoss *self, Param *W, const HuffmanTree *tree,
                                    int max_batch);
void hierarchical_softmax_loss_free(HierarchicalSoftmaxLoss *self);

/*
 * h: (B, H) float32 hidden vectors, borrowed until backward; target: (B,)
 * int32 word ids in [0, V), copied. Returns the batch-mean negative
 * log-likelihood (nats), the sum of the binary cross-entropies along each
 * target's path. 1 <= B <= max_batch.
 */
float hierarchical_softmax_loss_forward(HierarchicalSoftmaxLoss *self, const float *h,
                                        const int32_t *target, int B);

/*
 * ADDS the gradient w.r.t. h into dh (B, H) float32 and into the rows of
 * W's grad on the targets' paths (marking them). dout is usually 1.
 * Contract: after a forward, with W unchanged since.
 */
void hierarchical_softmax_loss_backward(HierarchicalSoftmaxLoss *self, float *dh, float dout);

DLFS2_API_END

#endif
