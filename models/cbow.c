/* cbow.c — CBOW with negative sampling, textbook ch04/cbow.py (see cbow.h). */
#include "models/cbow.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/simd.h"
#include "models/model_adapter.h"
#include "models/word2vec_private.h"

/* The context layers and the buffers, once W_in, W_out and the output side are built. */
static void init_layers(CBOW *self)
{
    const Word2VecConfig *cfg = &self->cfg;
    const int H = cfg->hidden_size, n_in = 2 * cfg->window_size;
    const int S = cfg->sample_size, max_batch = cfg->max_batch;
    self->params[0] = &self->W_in;
    self->params[1] = &self->W_out;
    if (cfg->subwords) {   /* fastText's input side: each context word the mean of its subword rows */
        self->sub_layers = dlfs_calloc((size_t)n_in, sizeof *self->sub_layers);
        for (int i = 0; i < n_in; i++) subword_embedding_init(&self->sub_layers[i], &self->W_in, cfg->subwords);
    } else {
        self->in_layers = dlfs_calloc((size_t)n_in, sizeof *self->in_layers);
        for (int i = 0; i < n_in; i++) embedding_init(&self->in_layers[i], &self->W_in);
    }

    self->context_cols = dlfs_calloc((size_t)n_in * max_batch, sizeof *self->context_cols);
    if (word2vec_output_samples(&self->output))
        self->negative_sample = dlfs_calloc((size_t)max_batch * S, sizeof *self->negative_sample);
    self->h = dlfs_calloc((size_t)max_batch * H, sizeof *self->h);
    self->dh = dlfs_calloc((size_t)max_batch * H, sizeof *self->dh);
    self->out = dlfs_calloc((size_t)max_batch * H, sizeof *self->out);
    self->inv_count = dlfs_calloc((size_t)max_batch, sizeof *self->inv_count);
    if (cfg->loss == WORD2VEC_LOSS_NEGSAMP)
        self->fused_x = dlfs_calloc((size_t)S + 1, sizeof *self->fused_x);
    if (cfg->loss == WORD2VEC_LOSS_HSOFTMAX)
        self->fused_x = dlfs_calloc((size_t)self->output.hs_layers[0].tree->max_code_length + 1,
                                    sizeof *self->fused_x);
    if (cfg->loss == WORD2VEC_LOSS_NEGSAMP && cfg->shared_negatives) {
        self->shared_w = dlfs_calloc((size_t)2 * S * H, sizeof *self->shared_w);
        self->shared_x = dlfs_calloc((size_t)2 * max_batch * S, sizeof *self->shared_x);
        self->shared_t = dlfs_calloc((size_t)2 * max_batch, sizeof *self->shared_t);
    }
}

int cbow_init_counts(CBOW *self, const Word2VecConfig *cfg, const int64_t *counts, Rng *rng,
                     DlfsError *err)
{
    word2vec_check_config(cfg);   /* once for the whole construction (word2vec_private.h) */
    memset(self, 0, sizeof *self);
    self->cfg = *cfg;
    word2vec_init_params(&self->W_in, &self->W_out, cfg, rng);
    int status = word2vec_output_init_counts_unchecked(&self->output, cfg, 1, &self->W_out, counts, err);
    if (status != DLFS_OK) return status;
    init_layers(self);
    return DLFS_OK;
}

int cbow_init(CBOW *self, const Word2VecConfig *cfg, const int32_t *corpus, size_t corpus_size,
              Rng *rng, DlfsError *err)
{
    word2vec_check_config(cfg);
    memset(self, 0, sizeof *self);   /* freeable if the counting fails */
    int64_t *counts;
    int status = word2vec_count_corpus(cfg, corpus, corpus_size, &counts, err);
    if (status == DLFS_OK) status = cbow_init_counts(self, cfg, counts, rng, err);
    free(counts);
    return status;
}

void cbow_init_shared(CBOW *self, const CBOW *owner)
{
    memset(self, 0, sizeof *self);
    self->cfg = owner->cfg;
    word2vec_share_params(&self->W_in, &self->W_out, &owner->W_in, &owner->W_out, &self->cfg);
    word2vec_output_init_shared(&self->output, &self->cfg, 1, &self->W_out, &owner->output);
    init_layers(self);
}

void cbow_free(CBOW *self)
{
    word2vec_output_free(&self->output);
    param_free(&self->W_in);
    param_free(&self->W_out);
    free(self->in_layers);
    free(self->sub_layers);
    free(self->context_cols);
    free(self->negative_sample);
    free(self->h);
    free(self->dh);
    free(self->out);
    free(self->inv_count);
    free(self->fused_x);
    free(self->shared_w);
    free(self->shared_x);
    free(self->shared_t);
    memset(self, 0, sizeof *self);
}

SIMD_CLONES
float cbow_forward(CBOW *self, const int32_t *contexts, const int32_t *target,
                   const int32_t *negative_sample, int B)
{
    const int n_in = 2 * self->cfg.window_size, H = self->cfg.hidden_size;
    DLFS_ASSERT(B >= 1 && B <= self->cfg.max_batch);
    self->B = B;

    /* h = mean of the 2w context rows of W_in (of those present: ids >= 0) */
    for (int b = 0; b < B; b++) {
        int present = 0;
        for (int i = 0; i < n_in; i++) present += contexts[(size_t)b * n_in + i] >= 0;
        DLFS_ASSERT(present >= 1);
        self->inv_count[b] = 1.0f / (float)present;
    }
    for (int i = 0; i < n_in; i++) {
        int32_t *col = self->context_cols + (size_t)i * self->cfg.max_batch;
        for (int b = 0; b < B; b++) col[b] = contexts[(size_t)b * n_in + i];
        float *dst = i == 0 ? self->h : self->out;
        if (self->sub_layers)
            subword_embedding_forward(&self->sub_layers[i], dst, col, B);
        else
            embedding_forward(&self->in_layers[i], dst, col, B);
        if (i == 0) continue;
        for (int b = 0; b < B; b++) {
            if (col[b] < 0) continue;   /* an absent context adds a zero row */
            float *hb = self->h + (size_t)b * H;
            const float *ob = self->out + (size_t)b * H;
            for (int k = 0; k < H; k++) hb[k] += ob[k];
        }
    }
    for (int b = 0; b < B; b++) {
        float *hb = self->h + (size_t)b * H;
        const float scale = self->inv_count[b];
        for (int k = 0; k < H; k++) hb[k] *= scale;
    }

    return word2vec_output_forward(&self->output, self->h, target, negative_sample, B);
}

SIMD_CLONES
void cbow_backward(CBOW *self)
{
    const int n_in = 2 * self->cfg.window_size, H = self->cfg.hidden_size;
    const size_t BH = (size_t)self->B * H;
    DLFS_ASSERT(self->B > 0);
    memset(self->dh, 0, BH * sizeof *self->dh);
    word2vec_output_backward(&self->output, self->dh);
    for (int b = 0; b < self->B && !self->cfg.context_full_grad; b++) {
        float *db = self->dh + (size_t)b * H;
        const float scale = self->inv_count[b];
        for (int k = 0; k < H; k++) db[k] *= scale;
    }
    /* every context layer adds its share into the one W_in grad */
    for (int i = 0; i < n_in; i++) {
        if (self->sub_layers)
            subword_embedding_backward(&self->sub_layers[i], self->dh);   /* dh / c into each of a word's c rows */
        else
            embedding_backward(&self->in_layers[i], self->dh);
    }
}

/* The sample op: the negatives for the targets, kept for the next forward (rng NULL). */
static void cbow_model_sample(void *self, const int32_t *contexts, const int32_t *target, int B,
                              Rng *rng)
{
    (void)contexts;
    CBOW *cbow = self;
    if (cbow->cfg.shared_negatives)
        word2vec_output_sample_shared(&cbow->output, cbow->negative_sample, B, rng);
    else
        word2vec_output_sample(&cbow->output, cbow->negative_sample, target, B, rng);
}

static float cbow_model_forward(void *self, const int32_t *contexts, const int32_t *target, int B,
                                Rng *rng)
{
    CBOW *cbow = self;
    const int32_t *negatives =
        word2vec_output_negatives(&cbow->output, cbow->negative_sample, target, B, rng);
    return cbow_forward(cbow, contexts, target, negatives, B);
}

MODEL_OPS(cbow, cbow_model_forward, cbow_model_sample);

/* The sgd_step op: the fused SGD step on the negatives of the last sample. */
static float cbow_model_sgd_step(void *self, const int32_t *contexts, const int32_t *target, int B, float lr)
{
    CBOW *cbow = self;
    DLFS_ASSERT(cbow->output.B_sampled == B);   /* sample ran for this batch size */
    if (cbow->cfg.shared_negatives)
        return cbow_sgd_step_shared(cbow, contexts, target, cbow->negative_sample, B, lr);
    return cbow_sgd_step(cbow, contexts, target, cbow->negative_sample, B, lr);
}

/* cbow_model_ops with the fused SGD step, for negative sampling */
static const ModelOps cbow_fused_model_ops = {cbow_model_forward, cbow_model_backward, cbow_model_free,
                                              cbow_model_sample, cbow_model_sgd_step};

/* The sgd_step op of the hierarchical softmax: nothing was drawn. */
static float cbow_model_sgd_step_hs(void *self, const int32_t *contexts, const int32_t *target, int B, float lr)
{
    return cbow_sgd_step_hs(self, contexts, target, B, lr);
}

static const ModelOps cbow_hs_model_ops = {cbow_model_forward, cbow_model_backward, cbow_model_free,
                                           cbow_model_sample, cbow_model_sgd_step_hs};

void cbow_as_model(CBOW *self, Model *model)
{
    const Word2VecLoss loss = self->cfg.loss;
    const ModelOps *ops = loss == WORD2VEC_LOSS_NEGSAMP    ? &cbow_fused_model_ops
                          : loss == WORD2VEC_LOSS_HSOFTMAX ? &cbow_hs_model_ops
                                                           : &cbow_model_ops;
    *model = model_adapt("CBOW", self, ops, self->params, 2, self->cfg.window_size, self->cfg.max_batch);
}
