/* skip_gram.c — skip-gram with negative sampling, textbook ch04/skip_gram.py. */
#include "models/skip_gram.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

int skip_gram_init(SkipGram *self, const Word2VecConfig *cfg, const int32_t *corpus,
                   size_t corpus_size, Rng *rng, DlfsError *err)
{
    word2vec_check_config(cfg);
    memset(self, 0, sizeof *self);
    self->cfg = *cfg;
    const int V = cfg->vocab_size, H = cfg->hidden_size, n_ctx = 2 * cfg->window_size;
    const int S = cfg->sample_size, max_batch = cfg->max_batch;

    int status = unigram_sampler_init(&self->sampler, corpus, corpus_size, V, cfg->power, S,
                                      cfg->replace, err);
    if (status != DLFS_OK) return status;

    param_init(&self->W_in, "W_in", 2, (int[]){V, H}, true);
    param_init(&self->W_out, "W_out", 2, (int[]){V, H}, true);
    param_fill_randn(&self->W_in, 0.01, rng);
    param_fill_randn(&self->W_out, 0.01, rng);
    self->params[0] = &self->W_in;
    self->params[1] = &self->W_out;

    embedding_init(&self->in_layer, &self->W_in);
    self->loss_layers = dlfs_calloc((size_t)n_ctx, sizeof *self->loss_layers);
    for (int i = 0; i < n_ctx; i++)
        negative_sampling_loss_init(&self->loss_layers[i], &self->W_out, S, max_batch);

    self->context_cols = dlfs_calloc((size_t)n_ctx * max_batch, sizeof *self->context_cols);
    self->negative_sample = dlfs_calloc((size_t)n_ctx * max_batch * S, sizeof *self->negative_sample);
    self->h = dlfs_calloc((size_t)max_batch * H, sizeof *self->h);
    self->dh = dlfs_calloc((size_t)max_batch * H, sizeof *self->dh);
    return DLFS_OK;
}

void skip_gram_free(SkipGram *self)
{
    unigram_sampler_free(&self->sampler);
    param_free(&self->W_in);
    param_free(&self->W_out);
    if (self->loss_layers)
        for (int i = 0; i < 2 * self->cfg.window_size; i++)
            negative_sampling_loss_free(&self->loss_layers[i]);
    free(self->loss_layers);
    free(self->context_cols);
    free(self->negative_sample);
    free(self->h);
    free(self->dh);
    memset(self, 0, sizeof *self);
}

/* Column i of contexts (B, 2w), i.e. the positives of loss layer i. */
static const int32_t *context_column(SkipGram *self, const int32_t *contexts, int i, int B)
{
    const int n_ctx = 2 * self->cfg.window_size;
    int32_t *col = self->context_cols + (size_t)i * self->cfg.max_batch;
    for (int b = 0; b < B; b++) col[b] = contexts[(size_t)b * n_ctx + i];
    return col;
}

float skip_gram_forward(SkipGram *self, const int32_t *contexts, const int32_t *target,
                        const int32_t *negative_sample, int B)
{
    const int n_ctx = 2 * self->cfg.window_size, S = self->cfg.sample_size;
    DLFS_ASSERT(B >= 1 && B <= self->cfg.max_batch);
    self->B = B;
    embedding_forward(&self->in_layer, self->h, target, B);
    float loss = 0.0f;
    for (int i = 0; i < n_ctx; i++) {
        const int32_t *col = context_column(self, contexts, i, B);
        loss += negative_sampling_loss_forward(&self->loss_layers[i], self->h, col,
                                               negative_sample + (size_t)i * B * S, B);
    }
    return loss;
}

void skip_gram_backward(SkipGram *self)
{
    DLFS_ASSERT(self->B > 0);
    const size_t BH = (size_t)self->B * self->cfg.hidden_size;
    memset(self->dh, 0, BH * sizeof *self->dh);
    for (int i = 0; i < 2 * self->cfg.window_size; i++)
        negative_sampling_loss_backward(&self->loss_layers[i], self->dh, 1.0f);
    embedding_backward(&self->in_layer, self->dh);
}

static float model_forward(void *self, const int32_t *contexts, const int32_t *target, int B, Rng *rng)
{
    SkipGram *sg = self;
    const int S = sg->cfg.sample_size;
    if (rng) {
        /* each context position gets its own negatives, drawn against its positive */
        for (int i = 0; i < 2 * sg->cfg.window_size; i++) {
            const int32_t *col = context_column(sg, contexts, i, B);
            unigram_sampler_get_negative_sample(&sg->sampler, sg->negative_sample + (size_t)i * B * S,
                                                col, B, rng);
        }
    } else {
        DLFS_ASSERT(sg->B == B);   /* frozen negatives: same batch as before */
    }
    return skip_gram_forward(sg, contexts, target, sg->negative_sample, B);
}

static void model_backward(void *self)
{
    skip_gram_backward(self);
}

static void model_free(void *self)
{
    skip_gram_free(self);
}

static const ModelOps skip_gram_ops = {model_forward, model_backward, model_free};

void skip_gram_as_model(SkipGram *self, Model *model)
{
    *model = (Model){
        .name = "SkipGram",
        .self = self,
        .ops = &skip_gram_ops,
        .params = self->params,
        .n_params = 2,
        .context_width = 2 * self->cfg.window_size,
        .max_batch = self->cfg.max_batch,
    };
}
