/* simple_skip_gram.c — the chapter-3 skip-gram, textbook ch03/simple_skip_gram.py (see simple_skip_gram.h). */
#include "models/simple_skip_gram.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/functions.h"
#include "models/model_adapter.h"

void simple_skip_gram_init(SimpleSkipGram *self, int vocab_size, int hidden_size, int window_size,
                           int max_batch, Rng *rng)
{
    DLFS_ASSERT(vocab_size >= 1 && hidden_size >= 1 && window_size >= 1 && max_batch >= 1);
    memset(self, 0, sizeof *self);
    const int V = vocab_size, H = hidden_size, n_ctx = 2 * window_size;
    self->V = V;
    self->H = H;
    self->window_size = window_size;
    self->max_batch = max_batch;

    /* W_in first, then W_out, from the one rng: the textbook's order */
    param_init(&self->W_in, "W_in", 2, (int[]){V, H}, false);
    param_init(&self->W_out, "W_out", 2, (int[]){H, V}, false);
    param_fill_randn(&self->W_in, 0.01, rng);
    param_fill_randn(&self->W_out, 0.01, rng);
    self->params[0] = &self->W_in;
    self->params[1] = &self->W_out;

    matmul_init(&self->in_layer, &self->W_in);
    matmul_init(&self->out_layer, &self->W_out);
    self->loss_layers = dlfs_calloc((size_t)n_ctx, sizeof *self->loss_layers);
    for (int c = 0; c < n_ctx; c++) softmax_with_loss_init(&self->loss_layers[c], max_batch, V);

    const size_t BV = (size_t)max_batch * V, BH = (size_t)max_batch * H;
    self->onehot = dlfs_calloc(BV, sizeof *self->onehot);
    self->h = dlfs_calloc(BH, sizeof *self->h);
    self->dh = dlfs_calloc(BH, sizeof *self->dh);
    self->score = dlfs_calloc(BV, sizeof *self->score);
    self->dscore = dlfs_calloc(BV, sizeof *self->dscore);
    self->context_col = dlfs_calloc((size_t)max_batch, sizeof *self->context_col);
}

void simple_skip_gram_free(SimpleSkipGram *self)
{
    param_free(&self->W_in);
    param_free(&self->W_out);
    if (self->loss_layers)
        for (int c = 0; c < 2 * self->window_size; c++) softmax_with_loss_free(&self->loss_layers[c]);
    free(self->loss_layers);
    free(self->onehot);
    free(self->h);
    free(self->dh);
    free(self->score);
    free(self->dscore);
    free(self->context_col);
    memset(self, 0, sizeof *self);
}

float simple_skip_gram_forward(SimpleSkipGram *self, const int32_t *contexts, const int32_t *target,
                               int B)
{
    const int n_ctx = 2 * self->window_size;
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    one_hot_float(self->onehot, target, B, 1, self->V);
    matmul_forward(&self->in_layer, self->h, self->onehot, B);
    matmul_forward(&self->out_layer, self->score, self->h, B);
    double loss = 0.0;
    for (int c = 0; c < n_ctx; c++) {
        /* the loss layer copies its labels, so one column buffer serves all */
        for (int b = 0; b < B; b++) self->context_col[b] = contexts[(size_t)b * n_ctx + c];
        loss += softmax_with_loss_forward(&self->loss_layers[c], self->score, self->context_col, B);
    }
    self->B = B;
    return (float)loss;
}

void simple_skip_gram_backward(SimpleSkipGram *self)
{
    DLFS_ASSERT(self->B > 0);
    const size_t B = (size_t)self->B;
    /* ds = sum_c dloss_c: each loss layer adds into the one dscore */
    memset(self->dscore, 0, B * self->V * sizeof *self->dscore);
    for (int c = 0; c < 2 * self->window_size; c++)
        softmax_with_loss_backward(&self->loss_layers[c], self->dscore, 1.0f);
    memset(self->dh, 0, B * self->H * sizeof *self->dh);
    matmul_backward(&self->out_layer, self->dh, self->dscore);
    matmul_backward(&self->in_layer, NULL, self->dh);   /* the one-hot input needs no dx */
}

static float simple_skip_gram_model_forward(void *self, const int32_t *contexts, const int32_t *target,
                                           int B, Rng *rng)
{
    (void)rng;   /* nothing to sample */
    return simple_skip_gram_forward(self, contexts, target, B);
}

MODEL_OPS(simple_skip_gram, simple_skip_gram_model_forward, NULL);

void simple_skip_gram_as_model(SimpleSkipGram *self, Model *model)
{
    *model = model_adapt("SimpleSkipGram", self, &simple_skip_gram_model_ops, self->params, 2, self->window_size,
                         self->max_batch);
}
