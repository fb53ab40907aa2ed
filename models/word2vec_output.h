/*
 * word2vec_output.h — the output side of CBOW and SkipGram: the hidden
 * vectors h (B, H) scored against K label columns, with one of the three
 * losses of Word2VecLoss. CBOW has K = 1 (the target), SkipGram K = 2w (one
 * column per context position, textbook ch04/skip_gram.py); the loss is the
 * sum over the K columns, and dh the sum of their gradients.
 *
 *   NEGSAMP   K NegativeSamplingLoss layers on W_out (V, H), each with its own
 *             negatives (textbook §4.2.7); a UnigramSampler draws them.
 *   SOFTMAX   one MatMul(W_out (H, V)) gives the scores (B, V) through
 *             cblas_sgemm, and SoftmaxWithLoss takes all K columns at once
 *             (softmax_with_loss_forward_multi: the same numbers as K layers
 *             on one score matrix, the softmax computed once), chapter 3's
 *             SimpleCBOW / SimpleSkipGram output side.
 *   HSOFTMAX  K HierarchicalSoftmaxLoss layers on W_out (V - 1, H) over one
 *             Huffman tree of the corpus counts (word2vec.c).
 *
 * W_out belongs to the model (it is one of its params) and is borrowed here;
 * its shape is word2vec_w_out_shape(cfg). Everything else (sampler, tree,
 * layers, scratch) is owned.
 */
#ifndef DLFS2_MODELS_WORD2VEC_OUTPUT_H
#define DLFS2_MODELS_WORD2VEC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../layers/hierarchical_softmax_loss.h"
#include "../layers/huffman_tree.h"
#include "../layers/matmul.h"
#include "../layers/negative_sampling_loss.h"
#include "../layers/softmax_with_loss.h"
#include "../layers/unigram_sampler.h"
#include "word2vec.h"

DLFS2_API_BEGIN

typedef struct Word2VecOutput {
    Word2VecLoss loss;
    int K;                              /* label columns per row */
    int max_batch;
    int sample_size;                    /* NEGSAMP: negatives per label */
    Param *W_out;                       /* borrowed from the model */
    /* NEGSAMP */
    UnigramSampler sampler;
    NegativeSamplingLoss *ns_layers;    /* (K,) */
    /* SOFTMAX */
    MatMul matmul;
    SoftmaxWithLoss softmax_loss;
    float *score;                       /* (max_batch, V) */
    float *dscore;                      /* (max_batch, V) */
    /* HSOFTMAX */
    HuffmanTree tree;
    HierarchicalSoftmaxLoss *hs_layers; /* (K,) */
    /* NEGSAMP and HSOFTMAX with K > 1: column k of the labels for layer k */
    int32_t *label_cols;                /* (K, max_batch); NULL otherwise */
    /* NEGSAMP with K > 1: absent labels (-1); the present rows of column k are
     * compacted (col_B[k] of them, rows col_rows[k]) */
    int *col_B;                         /* (K,) present rows per column */
    int32_t *col_rows;                  /* (K, max_batch) which rows of h they are */
    float *col_h;                       /* (K, max_batch, H) their rows of h, when some are absent */
    float *col_dh;                      /* (max_batch, H) scratch for one column's dh */
    int H;
    int B;                              /* batch size of the last forward */
    int B_sampled;                      /* batch size of the last word2vec_output_sample draw */
    bool shared;                        /* sampler and tree are another output's (_init_shared) */
} Word2VecOutput;

/*
 * Builds the output side for cfg->loss with K >= 1 label columns over W_out
 * (shape word2vec_w_out_shape(cfg), already initialised by the model, which
 * must outlive this). corpus (corpus_size,) int32 ids in [0, V) gives the
 * counts of the sampler (NEGSAMP) or the Huffman tree (HSOFTMAX); SOFTMAX
 * does not read it. The ids are counted and the counts go to
 * word2vec_output_init_counts. Errors (DLFS_ERR_ARG): an id out of range
 * (NEGSAMP, HSOFTMAX), an empty corpus or too few distinct words for
 * sample_size (NEGSAMP). Free with _free, also after a failure.
 */
int word2vec_output_init(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                         const int32_t *corpus, size_t corpus_size, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * As word2vec_output_init, from each word's count instead of a corpus:
 * counts (V,) int64, V = cfg->vocab_size, word w's count at counts[w] (the
 * vocabulary pass of a streamed corpus, or a corpus's ids counted:
 * word2vec_output_init counts them and calls this), borrowed for the call
 * only. NEGSAMP builds the sampler from it (unigram_sampler_init_counts),
 * HSOFTMAX the Huffman tree (huffman_tree_init); SOFTMAX does not read it
 * (it may be NULL). Errors (DLFS_ERR_ARG, message in err): NEGSAMP: a
 * negative count, all counts zero, fewer than sample_size + 1 words with
 * count > 0; HSOFTMAX: a negative count (huffman_tree_init's errors). The
 * same counts give the same output side as the corpus they were counted
 * from. Free with _free, also after a failure.
 */
int word2vec_output_init_counts(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                                const int64_t *counts, DlfsError *err) DLFS_WARN_UNUSED;
void word2vec_output_free(Word2VecOutput *self);

/*
 * As word2vec_output_init, for a replica of owner (built with the same cfg
 * and K) on another thread: the read-only sampler (NEGSAMP: its p and
 * alias table) or Huffman tree (HSOFTMAX) is owner's, borrowed, not built
 * again; the layers and scratch are its own. owner must outlive it. Cannot
 * fail. Free with word2vec_output_free, which leaves the borrowed tables to owner.
 */
void word2vec_output_init_shared(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                                 const Word2VecOutput *owner);

/* Whether forward needs negatives (NEGSAMP only). */
static inline bool word2vec_output_samples(const Word2VecOutput *self)
{
    return self->loss == WORD2VEC_LOSS_NEGSAMP;
}

/*
 * NEGSAMP: draws negative_sample (K, B, sample_size) int32, block k against
 * label column k of labels (B, K), with rng (UnigramSampler: never the
 * label; without replacement unless cfg->replace). Other losses: a no-op.
 * With absent labels (-1, NEGSAMP and K > 1 only: a SkipGram context
 * outside a shrunk window), block k holds the draws of column k's present
 * rows only, in row order, and nothing is drawn for the absent ones.
 */
void word2vec_output_sample(Word2VecOutput *self, int32_t *negative_sample, const int32_t *labels,
                            int B, Rng *rng);

/*
 * NEGSAMP, the shared-negatives mode (Word2VecConfig.shared_negatives,
 * HogBatch: Ji et al. 2016, IntelLabs/pWord2Vec): draws one set of
 * sample_size words for the whole batch with rng from the unigram^power
 * distribution (distinct words unless cfg->replace; a batch's targets are
 * NOT excluded: the fused step skips a negative equal to a row's own
 * target, as word2vec.c does) and writes it into every row of
 * negative_sample (B, sample_size) int32, so the layer path (forward with
 * rng NULL) sees the same set in every row. K must be 1 (CBOW).
 */
void word2vec_output_sample_shared(Word2VecOutput *self, int32_t *negative_sample, int B, Rng *rng);

/*
 * NEGSAMP, SkipGram's shared-negatives mode (per window; see skip_gram.h
 * skip_gram_sgd_step_shared): draws one set of sample_size words per row
 * into negative_sample (B, sample_size) int32 (row b's at b *
 * sample_size), with rng, as word2vec_output_sample_shared draws its one
 * set (distinct unless cfg->replace; the row's target is not excluded).
 * Only the fused step reads this layout; the layer path's forward does not.
 */
void word2vec_output_sample_rows(Word2VecOutput *self, int32_t *negative_sample, int B, Rng *rng);

/*
 * The negatives for a forward through the Model interface (training/model.h),
 * the one step CBOW's and SkipGram's forward adapters share: with rng, draws
 * fresh ones into negative_sample for labels (word2vec_output_sample); with
 * rng NULL, keeps the previous draw: the one the model's sample op made
 * before this forward (the trainers), or frozen negatives for gradient
 * checks. B must then be the batch size of that draw (contract). Returns
 * negative_sample when the loss samples (NEGSAMP), NULL otherwise: what
 * word2vec_output_forward takes.
 */
const int32_t *word2vec_output_negatives(Word2VecOutput *self, int32_t *negative_sample,
                                         const int32_t *labels, int B, Rng *rng);

/*
 * Loss of h (B, H) float32 against labels (B, K) int32 ids in [0, V): the
 * sum over the K columns of each column's batch-mean loss. For NEGSAMP
 * with K > 1 a label may be -1 (absent): it adds no loss and no gradient,
 * and a column's loss is then the sum over its present rows divided by B
 * (not by the rows present), so that every (h, label) pair weighs the same. negative_sample
 * (K, B, sample_size) for NEGSAMP (copied), NULL otherwise. h is borrowed
 * until backward; labels are copied. 1 <= B <= max_batch.
 */
float word2vec_output_forward(Word2VecOutput *self, const float *h, const int32_t *labels,
                              const int32_t *negative_sample, int B);

/* ADDS d(loss)/dh into dh (B, H) and d(loss)/dW_out into W_out's grad (dout = 1). */
void word2vec_output_backward(Word2VecOutput *self, float *dh);

DLFS2_API_END

#endif
