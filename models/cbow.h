/*
 * cbow.h — CBOW with negative sampling (textbook §4.3.1, ch04/cbow.py).
 *
 *   h    = (1 / 2w) * sum_i W_in[contexts[:, i]]     2w Embedding layers sharing W_in
 *   loss = NegativeSamplingLoss(W_out)(h, target)
 *
 * or, with cfg.loss, the full softmax (MatMul(W_out) + SoftmaxWithLoss) or
 * the hierarchical softmax in place of the negative-sampling loss (see
 * word2vec_output.h). W_in is (V, H), W_out (V, H), (H, V) or (V - 1, H)
 * by the loss, both initialised 0.01 * N(0, 1) float32; the word vectors
 * are the rows of W_in. The model owns both Params; the 2w Embedding layers
 * and the output side point at them.
 *
 * With cfg.subwords (fastText's input side, layers/subword_embedding.h) the
 * 2w layers are SubwordEmbedding layers: W_in is (subwords->n_rows, H), a
 * context word's vector is the mean of its own row and its n-grams' rows,
 * and h is the mean over the context positions of those vectors; backward
 * scatter-adds into every row (np.add.at). The fused steps take the same
 * h and exact gradient, or fastText's update (cfg.subword_fasttext_update:
 * h the mean over all rows of all context words, each row the whole e).
 */
#ifndef DLFS2_MODELS_CBOW_H
#define DLFS2_MODELS_CBOW_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../training/model.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../layers/embedding.h"
#include "../layers/subword_embedding.h"
#include "word2vec.h"
#include "word2vec_output.h"

DLFS2_API_BEGIN

typedef struct CBOW {
    Word2VecConfig cfg;
    Param W_in;                 /* (V, H) the word vectors */
    Param W_out;                /* word2vec_w_out_shape(cfg): (V, H) for negative sampling */
    Param *params[2];           /* {&W_in, &W_out}: each shared weight once */
    Embedding *in_layers;       /* (2w,) all over W_in; NULL with cfg.subwords */
    SubwordEmbedding *sub_layers; /* (2w,) all over W_in with cfg.subwords (each context word the
                                   mean of its subword rows); else NULL */
    Word2VecOutput output;      /* the loss on W_out */
    int32_t *context_cols;      /* (2w, max_batch) column i of contexts for in_layers[i] */
    int32_t *negative_sample;   /* (max_batch, sample_size) the last draws; NULL unless
                                   negative sampling */
    float *h;                   /* (max_batch, H) */
    float *dh;                  /* (max_batch, H) */
    float *out;                 /* (max_batch, H) scratch for one Embedding's output */
    float *inv_count;           /* (max_batch,) 1 / (contexts present in the row) */
    float *fused_x;             /* (sample_size + 1,) cbow_sgd_step's scores of a row, or
                                   (max_code_length,) cbow_sgd_step_hs's; NULL for the softmax */
    float *shared_w;            /* (2, sample_size, H) cbow_sgd_step_shared's negatives and their
                                   step; NULL unless shared_negatives */
    float *shared_x;            /* (2, max_batch, sample_size) its scores and factors */
    float *shared_t;            /* (2, max_batch) its targets' scores and factors */
    int B;                      /* batch size of the last forward (0 after a fused step) */
} CBOW;

/*
 * Builds the model: W_in, W_out drawn 0.01 * N(0,1) from rng, the sampler
 * (or the Huffman tree) from the counts of corpus (corpus_size,) int32 ids
 * in [0, V) (cbow_init_counts). Errors (DLFS_ERR_ARG): ids out of range, an
 * empty corpus, too few distinct words for sample_size. Sizes (V, H, w,
 * max_batch >= 1) are contracts. Free with cbow_free, also after a failure.
 */
int cbow_init(CBOW *self, const Word2VecConfig *cfg, const int32_t *corpus, size_t corpus_size,
              Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * As cbow_init (the same draws from rng, the same model), from each word's
 * count instead of a corpus: counts (V,) int64, word w's count at
 * counts[w], borrowed for the call only (the vocabulary pass of a corpus
 * too large to hold, issue 19; cbow_init counts its corpus and calls
 * this). Read by the sampler (NEGSAMP) or the Huffman tree (HSOFTMAX), not
 * by SOFTMAX (may be NULL there). Errors (DLFS_ERR_ARG, message in err):
 * those of word2vec_output_init_counts (a negative count, all counts zero,
 * too few words with count > 0 for sample_size). Free with cbow_free, also
 * after a failure.
 */
int cbow_init_counts(CBOW *self, const Word2VecConfig *cfg, const int64_t *counts, Rng *rng,
                     DlfsError *err) DLFS_WARN_UNUSED;
void cbow_free(CBOW *self);

/*
 * Builds a replica of owner for another thread of the fast trainer
 * (training/fast_trainer.h): the same config, W_in and W_out whose values
 * are owner's (param_share_value) with gradients of their own, the
 * read-only sampler or Huffman tree borrowed from owner's output side
 * (word2vec_output_init_shared), and layers and buffers of its own. Draws
 * nothing and cannot fail. owner must outlive it; free with cbow_free.
 */
void cbow_init_shared(CBOW *self, const CBOW *owner);

/*
 * Loss for contexts (B, 2w) int32 (ids in [0, V), or -1 for "no word here":
 * h is then the mean of the rows present, as word2vec.c averages a shrunk
 * window; every row needs at least one id), target (B,) int32 and negative_sample
 * (B, sample_size) int32 (NULL unless the loss is negative sampling); all
 * borrowed until backward. Deterministic.
 */
float cbow_forward(CBOW *self, const int32_t *contexts, const int32_t *target,
                   const int32_t *negative_sample, int B);

/* Adds the gradients of the last forward's loss (dout = 1) into W_in.grad and W_out.grad. */
void cbow_backward(CBOW *self);

/*
 * One SGD step of CBOW with negative sampling fused with its forward and
 * backward (a contract: negative sampling only), word2vec.c's CBOW update
 * (Mikolov et al. 2013; word2vec.c's cbow branch), row by row in order:
 * h_b = the mean of the context rows present; for the target (label 1)
 * and each negative (label 0), at the weights before this row's update,
 * x = dot(W_out row, h_b) and g = lr * (label - sigmoid(x)); e = sum of
 * g * (W_out row) over the rows as they were, then each W_out row += g *
 * h_b; then every context row present += e, or e / (their number) unless
 * cfg.context_full_grad; with cfg.subwords the input side is
 * fused_private.h's (fused_context_h, fused_context_e: the layer path's
 * exact arithmetic, or fastText's update with cfg.subword_fasttext_update).
 * Same inputs as cbow_forward (contexts (B, 2w)
 * int32 with -1 for an absent word, target (B,) and negative_sample (B,
 * sample_size) int32; borrowed for the call only); lr per example. Returns cbow_forward's loss (the mean
 * over the rows of each row's softplus terms), computed in float. The
 * weights move whatever the loss; the grads and touched rows are left as
 * they are. One row gives the weights of cbow_forward, cbow_backward and
 * W -= lr * grad to float rounding; B rows, those of B one-row steps.
 * What ModelOps.sgd_step runs for CBOW with negative sampling.
 */
float cbow_sgd_step(CBOW *self, const int32_t *contexts, const int32_t *target, const int32_t *negative_sample,
                    int B, float lr);

/*
 * The shared-negatives step (cfg.shared_negatives; HogBatch, Ji et al.
 * 2016, "Parallelizing Word2Vec in Shared and Distributed Memory"): the B
 * rows share one set of negatives (sample_size,) int32 (distinct; a
 * negative equal to a row's own target is skipped for that row), so the
 * products are three cblas_sgemm calls: X = Hm Wn^T (B, S), the inputs'
 * errors G Wn (B, H) and the negatives' step G^T Hm (S, H). Unlike
 * cbow_sgd_step it is one batch step: every score is taken at the step's
 * weights, then all updates are added, so the weights move by -lr times the
 * gradient of the rows' summed loss (with context_full_grad false; with it,
 * each context row gets the whole e). Returns the mean loss over the rows
 * (target term plus its negatives' terms), in float. Other contracts as
 * cbow_sgd_step's.
 */
float cbow_sgd_step_shared(CBOW *self, const int32_t *contexts, const int32_t *target, const int32_t *negatives,
                           int B, float lr);

/*
 * cbow_sgd_step for the hierarchical softmax (cfg.loss HSOFTMAX, a
 * contract; word2vec.c's `-hs 1` CBOW update; layers/
 * hierarchical_softmax_loss.h): row by row, h_b as there; for each
 * decision d on the target's Huffman path, x = dot(W_out[node], h_b), g =
 * lr * (t - sigmoid(x)) with t = 1 - code; e = sum of g * W_out[node]; then
 * each node's row += g * h_b; then the context rows += e (or e / count).
 * Every decision counts, with the exact sigmoid (word2vec.c skips |x| >= 6).
 * Returns cbow_forward's loss (the mean over the rows of the path's
 * binary cross-entropies), in float. One row gives the weights of
 * cbow_forward, cbow_backward and SGD at rate lr to float rounding.
 * What ModelOps.sgd_step runs for CBOW with the hierarchical softmax.
 */
float cbow_sgd_step_hs(CBOW *self, const int32_t *contexts, const int32_t *target, int B, float lr);

/*
 * Fills *model with this CBOW behind the Model interface: its forward draws
 * negatives with the given rng (or reuses the last ones when rng is NULL;
 * nothing is drawn for the softmax losses) and calls cbow_forward; its
 * sample draws them alone (ModelOps.sample), for a forward with rng NULL.
 * With negative sampling its sgd_step runs cbow_sgd_step (or, with
 * cfg.shared_negatives, cbow_sgd_step_shared) on the last sample's
 * negatives (the fast trainer's path with SGD), with the hierarchical
 * softmax cbow_sgd_step_hs; with the full softmax it has none. With cfg.shared_negatives its sample draws one set for the
 * batch (word2vec_output_sample_shared).
 */
void cbow_as_model(CBOW *self, Model *model);

DLFS2_API_END

#endif
