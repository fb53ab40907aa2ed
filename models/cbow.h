/*
 * cbow.h — CBOW with negative sampling (textbook §4.3.1, ch04/cbow.py).
 *
 *   h    = (1 / 2w) * sum_i W_in[contexts[:, i]]     2w Embedding layers sharing W_in
 *   loss = NegativeSamplingLoss(W_out)(h, target)
 *
 * W_in and W_out are (V, H), initialised 0.01 * N(0, 1) float32; the word
 * vectors are the rows of W_in. The model owns both Params and the
 * UnigramSampler; the 2w Embedding layers and the loss layer point at them.
 */
#ifndef DLFS2_MODELS_CBOW_H
#define DLFS2_MODELS_CBOW_H

#include <stddef.h>
#include <stdint.h>

#include "common/model.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "layers/embedding.h"
#include "layers/negative_sampling_loss.h"
#include "layers/unigram_sampler.h"
#include "models/word2vec.h"

typedef struct CBOW {
    Word2VecConfig cfg;
    Param W_in;                 /* (V, H) the word vectors */
    Param W_out;                /* (V, H) */
    Param *params[2];           /* {&W_in, &W_out}: each shared weight once */
    Embedding *in_layers;       /* (2w,) all over W_in */
    NegativeSamplingLoss ns_loss;
    UnigramSampler sampler;
    int32_t *context_cols;      /* (2w, max_batch) column i of contexts for in_layers[i] */
    int32_t *negative_sample;   /* (max_batch, sample_size) the last draws */
    float *h;                   /* (max_batch, H) */
    float *dh;                  /* (max_batch, H) */
    float *out;                 /* (max_batch, H) scratch for one Embedding's output */
    int B;                      /* batch size of the last forward */
} CBOW;

/*
 * Builds the model: W_in, W_out drawn 0.01 * N(0,1) from rng, the sampler
 * from corpus (corpus_size,) int32 ids in [0, V). Errors (from the
 * sampler, DLFS_ERR_ARG): ids out of range, too few distinct words for
 * sample_size. Sizes (V, H, w, max_batch >= 1) are contracts. Free with
 * cbow_free, also after a failure.
 */
int cbow_init(CBOW *self, const Word2VecConfig *cfg, const int32_t *corpus, size_t corpus_size,
              Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;
void cbow_free(CBOW *self);

/*
 * Loss for contexts (B, 2w) int32, target (B,) int32 and negative_sample
 * (B, sample_size) int32; all borrowed until backward. Deterministic.
 */
float cbow_forward(CBOW *self, const int32_t *contexts, const int32_t *target,
                   const int32_t *negative_sample, int B);

/* Adds the gradients of the last forward's loss (dout = 1) into W_in.grad and W_out.grad. */
void cbow_backward(CBOW *self);

/*
 * Fills *model with this CBOW behind the Model interface: its forward draws
 * negatives with the given rng (or reuses the last ones when rng is NULL)
 * and calls cbow_forward.
 */
void cbow_as_model(CBOW *self, Model *model);

#endif
