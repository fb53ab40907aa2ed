/*
 * word2vec.h — the settings shared by the chapter-4 models (CBOW and
 * SkipGram), with the textbook's defaults (ch04/train.py: window 5,
 * hidden 100, batch 100; NegativeSamplingLoss: power 0.75, sample_size 5),
 * and the choice of output loss the chapter is about.
 */
#ifndef DLFS2_MODELS_WORD2VEC_H
#define DLFS2_MODELS_WORD2VEC_H

#include <stdbool.h>

#include "../common/api.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../layers/subword.h"

DLFS2_API_BEGIN

/*
 * The output side of CBOW and SkipGram, and the shape of its weight W_out:
 * - NEGSAMP: NegativeSamplingLoss (textbook §4.2), W_out (V, H). The default.
 * - SOFTMAX: MatMul(W_out) + SoftmaxWithLoss over all V words, chapter 3's
 *   output side at chapter 4's scale (§4.1 shows why it is slow), W_out (H, V).
 * - HSOFTMAX: HierarchicalSoftmaxLoss over a Huffman tree of the corpus
 *   counts (word2vec.c; Mikolov et al. 2013, §2.1), W_out (V - 1, H): one
 *   vector per inner node.
 */
typedef enum Word2VecLoss {
    WORD2VEC_LOSS_NEGSAMP,
    WORD2VEC_LOSS_SOFTMAX,
    WORD2VEC_LOSS_HSOFTMAX,
} Word2VecLoss;

/* What both chapter-4 models are built from; word2vec_default_config gives the textbook's. */
typedef struct Word2VecConfig {
    int vocab_size;         /* V */
    int hidden_size;        /* H, 100 */
    int window_size;        /* w, 5: contexts are 2w wide */
    int sample_size;        /* negatives per target, 5 */
    float power;            /* sampler exponent, 0.75 */
    bool replace;           /* sampler with replacement (the textbook's GPU path); false */
    bool packed_draws;      /* the sampler's draws take one random number (unigram_sampler_pack;
                               --preset word2vec); false */
    int max_batch;          /* largest minibatch, 100 */
    Word2VecLoss loss;      /* the output loss, NEGSAMP */
    bool context_full_grad; /* CBOW: every context row gets the whole dh, not dh / count
                               (word2vec.c's and gensim's cbow_mean update; not a true
                               gradient; --preset word2vec); false */
    bool shared_negatives;  /* negative sampling: one draw of sample_size negatives for a whole
                               minibatch (CBOW) or for a window's contexts (SkipGram) (HogBatch;
                               --shared-negatives; the fused SGD step only, see cbow.h
                               cbow_sgd_step_shared, skip_gram.h skip_gram_sgd_step_shared); false */
    const SubwordTable *subwords;   /* subword input vectors (fastText; layers/subword.h): W_in has
                                       subwords->n_rows rows (the words, then the used buckets) and
                                       a word's input vector is the mean of its rows; NULL = none,
                                       W_in (V, H). Borrowed: must outlive every model built from
                                       this config and its replicas; subwords->V == vocab_size */
    bool subword_fasttext_update;   /* with subwords, the fused SGD steps update as fastText's
                                       Model::update does (CBOW: h = the mean over ALL rows of all
                                       context words; every one of those rows, and in SkipGram every
                                       row of the target, gets the whole e; --preset word2vec) rather
                                       than with the layer path's exact gradient; false */
} Word2VecConfig;

/* The textbook's settings for a vocabulary of vocab_size words. */
Word2VecConfig word2vec_default_config(int vocab_size);

/*
 * Aborts (contract) unless every size is >= 1, power >= 0 and loss is one
 * of the three (HSOFTMAX also needs vocab_size >= 2); with subwords, unless
 * subwords->V == vocab_size and shared_negatives is off (its steps are not
 * written for subword inputs).
 */
void word2vec_check_config(const Word2VecConfig *cfg);

/* "negsamp", "softmax" or "hsoftmax": the --loss names; static. */
const char *word2vec_loss_name(Word2VecLoss loss);

/* Parses a --loss name (as word2vec_loss_name gives). Returns DLFS_OK or DLFS_ERR_ARG. */
int word2vec_loss_parse(const char *name, Word2VecLoss *loss);

/* Shape of W_out for cfg's loss: (V, H), (H, V) or (V - 1, H) (see Word2VecLoss). */
void word2vec_w_out_shape(const Word2VecConfig *cfg, int shape[2]);

/*
 * Allocates the two weights of a chapter-4 model and fills them as the
 * textbook does (0.01 * np.random.randn(...).astype('f')): W_in (V, H)
 * (with cfg->subwords: (subwords->n_rows, H), word2vec_in_rows) first, then W_out (word2vec_w_out_shape), both drawn from rng. Both are
 * row-tracked except the softmax's dense (H, V) W_out. The caller owns
 * them (param_free).
 */
void word2vec_init_params(Param *W_in, Param *W_out, const Word2VecConfig *cfg, Rng *rng);

/* The rows of W_in: cfg->subwords->n_rows with subwords, else vocab_size. */
int word2vec_in_rows(const Word2VecConfig *cfg);

/*
 * The two weights of a replica (another thread's model): shaped and
 * row-tracked as word2vec_init_params makes them, with gradients of their
 * own, their values owner_in's and owner_out's storage (param_share_value,
 * which checks the shapes). Draws nothing. The owners must outlive them;
 * param_free leaves the storage to the owners.
 */
void word2vec_share_params(Param *W_in, Param *W_out, const Param *owner_in, const Param *owner_out,
                           const Word2VecConfig *cfg);

DLFS2_API_END

#endif
