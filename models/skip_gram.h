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
#include "cbow.h"
#include "word2vec_output.h"

DLFS2_API_BEGIN

typedef struct SkipGram {
    Word2VecConfig cfg;
    Param W_in;                     /* (V, H) the word vectors */
    Param W_out;                    /* word2vec_w_out_shape(cfg): (V, H) for negative sampling */
    Param *params[2];               /* {&W_in, &W_out} */
    Embedding in_layer;             /* over W_in */
    Word2VecOutput output;          /* the 2w losses on W_out */
    int32_t *negative_sample;       /* (2w, max_batch, sample_size) the last draws; NULL unless
                                       negative sampling */
    float *h;                       /* (max_batch, H) */
    float *dh;                      /* (max_batch, H) */
    int B;
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

/* As cbow_as_model. */
void skip_gram_as_model(SkipGram *self, Model *model);

DLFS2_API_END

#endif
