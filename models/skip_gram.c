/* skip_gram.c — skip-gram with negative sampling, textbook ch04/skip_gram.py. */
#include "models/skip_gram.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "models/model_adapter.h"
#include "models/word2vec_private.h"

/* The input layer and the buffers, once W_in, W_out and the output side are built. */
static void init_layers(SkipGram *self)
{
    const Word2VecConfig *cfg = &self->cfg;
    const int H = cfg->hidden_size, n_ctx = 2 * cfg->window_size;
    const int S = cfg->sample_size, max_batch = cfg->max_batch;
    self->params[0] = &self->W_in;
    self->params[1] = &self->W_out;
    if (cfg->subwords)
        subword_embedding_init(&self->sub_layer, &self->W_in, cfg->subwords);
    else
        embedding_init(&self->in_layer, &self->W_in);
    if (word2vec_output_samples(&self->output))
        self->negative_sample = dlfs_calloc((size_t)n_ctx * max_batch * S, sizeof *self->negative_sample);
    self->h = dlfs_calloc((size_t)max_batch * H, sizeof *self->h);
    self->dh = dlfs_calloc((size_t)max_batch * H, sizeof *self->dh);
    if (cfg->loss == WORD2VEC_LOSS_HSOFTMAX)
        self->fused_x = dlfs_calloc((size_t)n_ctx * self->output.hs_layers[0].tree->max_code_length,
                                    sizeof *self->fused_x);
    if (cfg->loss == WORD2VEC_LOSS_NEGSAMP) {
        self->fused_x = dlfs_calloc((size_t)2 * n_ctx * (S + 1), sizeof *self->fused_x);
        self->fused_pos = dlfs_calloc((size_t)n_ctx, sizeof *self->fused_pos);
        self->fused_rows = dlfs_calloc((size_t)n_ctx * (S + 1), sizeof *self->fused_rows);
    }
    if (cfg->loss == WORD2VEC_LOSS_NEGSAMP && cfg->shared_negatives) {
        /* I and dI (2w, H), O and dO (S + 1, H), X (2w, S + 1) */
        const size_t n = (size_t)2 * (n_ctx + S + 1) * H + (size_t)n_ctx * (S + 1);
        self->shared_buf = dlfs_calloc(n, sizeof *self->shared_buf);
        self->shared_rows = dlfs_calloc((size_t)n_ctx + S + 1, sizeof *self->shared_rows);
    }
}

int skip_gram_init_counts(SkipGram *self, const Word2VecConfig *cfg, const int64_t *counts, Rng *rng,
                          DlfsError *err)
{
    word2vec_check_config(cfg);   /* once for the whole construction (word2vec_private.h) */
    memset(self, 0, sizeof *self);
    self->cfg = *cfg;
    word2vec_init_params(&self->W_in, &self->W_out, cfg, rng);
    int status = word2vec_output_init_counts_unchecked(&self->output, cfg, 2 * cfg->window_size,
                                                       &self->W_out, counts, err);
    if (status != DLFS_OK) return status;
    init_layers(self);
    return DLFS_OK;
}

int skip_gram_init(SkipGram *self, const Word2VecConfig *cfg, const int32_t *corpus,
                   size_t corpus_size, Rng *rng, DlfsError *err)
{
    word2vec_check_config(cfg);
    memset(self, 0, sizeof *self);   /* freeable if the counting fails */
    int64_t *counts;
    int status = word2vec_count_corpus(cfg, corpus, corpus_size, &counts, err);
    if (status == DLFS_OK) status = skip_gram_init_counts(self, cfg, counts, rng, err);
    free(counts);
    return status;
}

void skip_gram_init_shared(SkipGram *self, const SkipGram *owner)
{
    memset(self, 0, sizeof *self);
    self->cfg = owner->cfg;
    word2vec_share_params(&self->W_in, &self->W_out, &owner->W_in, &owner->W_out, &self->cfg);
    word2vec_output_init_shared(&self->output, &self->cfg, 2 * self->cfg.window_size, &self->W_out,
                                &owner->output);
    init_layers(self);
}

void skip_gram_free(SkipGram *self)
{
    word2vec_output_free(&self->output);
    param_free(&self->W_in);
    param_free(&self->W_out);
    free(self->negative_sample);
    free(self->h);
    free(self->dh);
    free(self->fused_x);
    free(self->fused_pos);
    free(self->fused_rows);
    free(self->shared_buf);
    free(self->shared_rows);
    memset(self, 0, sizeof *self);
}

float skip_gram_forward(SkipGram *self, const int32_t *contexts, const int32_t *target,
                        const int32_t *negative_sample, int B)
{
    DLFS_ASSERT(B >= 1 && B <= self->cfg.max_batch);
    self->B = B;
    if (self->cfg.subwords)
        subword_embedding_forward(&self->sub_layer, self->h, target, B);
    else
        embedding_forward(&self->in_layer, self->h, target, B);
    /* the 2w context positions are the label columns of the output side */
    return word2vec_output_forward(&self->output, self->h, contexts, negative_sample, B);
}

void skip_gram_backward(SkipGram *self)
{
    DLFS_ASSERT(self->B > 0);
    const size_t BH = (size_t)self->B * self->cfg.hidden_size;
    memset(self->dh, 0, BH * sizeof *self->dh);
    word2vec_output_backward(&self->output, self->dh);
    if (self->cfg.subwords)
        subword_embedding_backward(&self->sub_layer, self->dh);
    else
        embedding_backward(&self->in_layer, self->dh);
}

/* The sample op: each context position's negatives, drawn against its positive, kept for the next forward. */
static void skip_gram_model_sample(void *self, const int32_t *contexts, const int32_t *target, int B,
                                   Rng *rng)
{
    (void)target;
    SkipGram *sg = self;
    if (sg->cfg.shared_negatives)
        word2vec_output_sample_rows(&sg->output, sg->negative_sample, B, rng);
    else
        word2vec_output_sample(&sg->output, sg->negative_sample, contexts, B, rng);
}

static float skip_gram_model_forward(void *self, const int32_t *contexts, const int32_t *target,
                                     int B, Rng *rng)
{
    SkipGram *sg = self;
    /* each context position gets its own negatives, drawn against its positive */
    const int32_t *negatives =
        word2vec_output_negatives(&sg->output, sg->negative_sample, contexts, B, rng);
    return skip_gram_forward(sg, contexts, target, negatives, B);
}

MODEL_OPS(skip_gram, skip_gram_model_forward, skip_gram_model_sample);

/* The sgd_step op: the fused SGD step on the negatives of the last sample. */
static float skip_gram_model_sgd_step(void *self, const int32_t *contexts, const int32_t *target, int B,
                                      float lr)
{
    SkipGram *sg = self;
    DLFS_ASSERT(sg->output.B_sampled == B);   /* sample ran for this batch size */
    if (sg->cfg.shared_negatives)
        return skip_gram_sgd_step_shared(sg, contexts, target, sg->negative_sample, B, lr);
    return skip_gram_sgd_step(sg, contexts, target, sg->negative_sample, B, lr);
}

/* skip_gram_model_ops with the fused SGD step, for negative sampling */
static const ModelOps skip_gram_fused_model_ops = {skip_gram_model_forward, skip_gram_model_backward,
                                                   skip_gram_model_free, skip_gram_model_sample,
                                                   skip_gram_model_sgd_step};

/* The sgd_step op of the hierarchical softmax: nothing was drawn. */
static float skip_gram_model_sgd_step_hs(void *self, const int32_t *contexts, const int32_t *target, int B,
                                         float lr)
{
    return skip_gram_sgd_step_hs(self, contexts, target, B, lr);
}

static const ModelOps skip_gram_hs_model_ops = {skip_gram_model_forward, skip_gram_model_backward,
                                                skip_gram_model_free, skip_gram_model_sample,
                                                skip_gram_model_sgd_step_hs};

void skip_gram_as_model(SkipGram *self, Model *model)
{
    const Word2VecLoss loss = self->cfg.loss;
    const ModelOps *ops = loss == WORD2VEC_LOSS_NEGSAMP    ? &skip_gram_fused_model_ops
                          : loss == WORD2VEC_LOSS_HSOFTMAX ? &skip_gram_hs_model_ops
                                                           : &skip_gram_model_ops;
    *model = model_adapt("SkipGram", self, ops, self->params, 2, self->cfg.window_size, self->cfg.max_batch);
}
