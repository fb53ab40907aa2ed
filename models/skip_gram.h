/*
 * skip_gram.h — skip-gram with negative sampling (textbook §4.3.1,
 * ch04/skip_gram.py).
 *
 *   h    = W_in[target]                           one Embedding
 *   loss = sum_i NegativeSamplingLoss_i(W_out)(h, contexts[:, i])   i < 2w
 *
 * Each of the 2w context positions has its own loss layer over the shared
 * W_out, with its own negatives (the textbook gives each its own sampler;
 * here one sampler draws them all). dh is the sum of the 2w losses'
 * gradients. With cfg.loss the 2w losses are softmax losses over one score
 * matrix h @ W_out, or hierarchical-softmax losses (see word2vec_output.h).
 *
 * With cfg.subwords the input layer is a SubwordEmbedding (fastText's
 * skipgram: h = the mean of the target's own row and its n-grams' rows,
 * W_in (subwords->n_rows, H)); the fused steps take the same h and put e
 * back as the exact gradient (e / c into each of the c rows) or, with
 * cfg.subword_fasttext_update, as fastText does (the whole e into each).
 */
#ifndef DLFS2_MODELS_SKIP_GRAM_H
#define DLFS2_MODELS_SKIP_GRAM_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../training/model.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../layers/embedding.h"
#include "../layers/subword_embedding.h"
#include "cbow.h"
#include "word2vec_output.h"

DLFS2_API_BEGIN

typedef struct SkipGram {
    Word2VecConfig cfg;
    Param W_in;                     /* (V, H) the word vectors */
    Param W_out;                    /* word2vec_w_out_shape(cfg): (V, H) for negative sampling */
    Param *params[2];               /* {&W_in, &W_out} */
    Embedding in_layer;             /* over W_in (unused with cfg.subwords) */
    SubwordEmbedding sub_layer;     /* over W_in with cfg.subwords: h = the mean of the target's
                                       subword rows */
    Word2VecOutput output;          /* the 2w losses on W_out */
    int32_t *negative_sample;       /* (2w, max_batch, sample_size) the last draws; NULL unless
                                       negative sampling */
    float *h;                       /* (max_batch, H) */
    float *dh;                      /* (max_batch, H) */
    float *fused_x;                 /* (2, 2w, sample_size + 1) skip_gram_sgd_step's scores of a
                                       row, then their factors g, and its labels, then the loss
                                       factors; or (2w, max_code_length) skip_gram_sgd_step_hs's;
                                       NULL for the full softmax */
    int *fused_pos;                 /* (2w,) its place in each column's compacted negatives */
    int32_t *fused_rows;            /* (2w, sample_size + 1) skip_gram_sgd_step's output rows of a row */
    float *shared_buf;              /* skip_gram_sgd_step_shared's I, O, dI, dO ((2w or S + 1, H)
                                       each) and X (2w, S + 1); NULL unless shared_negatives */
    int32_t *shared_rows;           /* (2w + S + 1,) their rows' ids; NULL unless shared_negatives */
    int B;                          /* batch size of the last forward (0 after a fused step) */
} SkipGram;

/* As cbow_init. Free with skip_gram_free, also after a failure. */
int skip_gram_init(SkipGram *self, const Word2VecConfig *cfg, const int32_t *corpus,
                   size_t corpus_size, Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * As cbow_init_counts: counts (V,) int64, borrowed for the call only;
 * skip_gram_init counts its corpus and calls this. Free with
 * skip_gram_free, also after a failure.
 */
int skip_gram_init_counts(SkipGram *self, const Word2VecConfig *cfg, const int64_t *counts, Rng *rng,
                          DlfsError *err) DLFS_WARN_UNUSED;
void skip_gram_free(SkipGram *self);

/* A replica of owner for another thread, as cbow_init_shared. Free with skip_gram_free. */
void skip_gram_init_shared(SkipGram *self, const SkipGram *owner);

/*
 * Loss (summed over the 2w positions) for contexts (B, 2w) int32, target
 * (B,) int32 and negative_sample (2w, B, sample_size) int32: block i holds
 * the negatives for context position i, drawn for the positives
 * contexts[:, i] (NULL unless the loss is negative sampling). All borrowed
 * until backward.
 */
float skip_gram_forward(SkipGram *self, const int32_t *contexts, const int32_t *target,
                        const int32_t *negative_sample, int B);

/* Adds the gradients of the last forward's loss into W_in.grad and W_out.grad. */
void skip_gram_backward(SkipGram *self);

/*
 * One SGD step of SkipGram with negative sampling fused with its forward
 * and backward (a contract: negative sampling only), row by row in order,
 * each row one step: h = W_in[target[b]] (copied); for each present
 * context column k (contexts[b, k] >= 0; label 1) and its sample_size
 * negatives (label 0), at the weights before this row's update, x =
 * dot(W_out row, h) and g = lr * (label - sigmoid(x)); e = the sum over
 * the row's pairs of g * (W_out row as it was); then each W_out row += g
 * * h; then W_in[target[b]] += e. Inputs as skip_gram_forward's:
 * contexts (B, 2w) int32 with -1 for an absent word, target (B,) int32,
 * negative_sample (2w, B, sample_size) int32 in word2vec_output_sample's
 * layout (block k holds column k's present rows only, compacted in row
 * order); borrowed for the call only. lr is per example. Returns
 * skip_gram_forward's loss (the sum over the present pairs of their
 * softplus terms, divided by B), computed in float. The weights move
 * whatever the loss; the grads and touched rows are left as they are. One
 * row gives the weights of skip_gram_forward, skip_gram_backward and W -=
 * lr * grad to float rounding (also when an output row repeats within the
 * row); B rows, those of B one-row steps. What ModelOps.sgd_step runs for
 * SkipGram with negative sampling.
 */
float skip_gram_sgd_step(SkipGram *self, const int32_t *contexts, const int32_t *target,
                         const int32_t *negative_sample, int B, float lr);

/*
 * The shared-negatives step (cfg.shared_negatives; HogBatch, Ji et al.
 * 2016, IntelLabs/pWord2Vec), per window: row b's present context words
 * share one set of sample_size negatives, negatives (B, sample_size) int32
 * (row b's at b * sample_size; distinct, word2vec_output_sample_rows), and
 * the row is trained in word2vec.c's own skip-gram orientation: the inputs
 * are the context rows I = W_in[contexts[b, k]] (n_b, H), the outputs O =
 * W_out[target[b]] (label 1) and W_out of the negatives (label 0) (S + 1,
 * H). With every product at the weights before the row's update: X = I
 * O^T, G = lr * (labels - sigmoid(X)) (a negative equal to the row's
 * target gets G = 0: skipped), dI = G O, dO = G^T I (three cblas_sgemm
 * calls), then I += dI and O += dO row by row (a context word present
 * twice gets both). So each row moves by -lr times the gradient of its
 * pairs' summed loss. Returns the sum over the rows' pairs of the
 * softplus terms divided by B, in float. Other contracts as
 * skip_gram_sgd_step's. The textbook's orientation (W_in[target] ->
 * W_out[context]) and this one are the same objective summed over the
 * pairs, with the roles of the two matrices exchanged.
 */
float skip_gram_sgd_step_shared(SkipGram *self, const int32_t *contexts, const int32_t *target,
                                const int32_t *negatives, int B, float lr);

/*
 * skip_gram_sgd_step for the hierarchical softmax (cfg.loss HSOFTMAX, a
 * contract; word2vec.c's `-hs 1` skip-gram update in the textbook's
 * orientation; layers/hierarchical_softmax_loss.h): row by row, h =
 * W_in[target[b]]; for every present context k and every decision d on its
 * Huffman path, x = dot(W_out[node], h), g = lr * (t - sigmoid(x)) with t =
 * 1 - code, all at the weights before the row's update; e = sum of g *
 * W_out[node] (as it was); then each node's row += g * h (a node on several
 * paths gets each step), then W_in[target] += e. Returns skip_gram_forward's
 * loss, in float. One row gives the weights of skip_gram_forward,
 * skip_gram_backward and SGD at rate lr to float rounding.
 */
float skip_gram_sgd_step_hs(SkipGram *self, const int32_t *contexts, const int32_t *target, int B, float lr);

/*
 * As cbow_as_model. With negative sampling its sgd_step runs
 * skip_gram_sgd_step (or, with cfg.shared_negatives, draws one set per
 * row in sample and runs skip_gram_sgd_step_shared) on the last sample's
 * negatives, with the hierarchical softmax skip_gram_sgd_step_hs; with the
 * full softmax it has none.
 */
void skip_gram_as_model(SkipGram *self, Model *model);

DLFS2_API_END

#endif
