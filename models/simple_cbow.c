/* simple_cbow.c — the chapter-3 CBOW, textbook ch03/simple_cbow.py (see simple_cbow.h). */
#include "models/simple_cbow.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/functions.h"
#include "models/model_adapter.h"

void simple_cbow_init(SimpleCBOW *self, int vocab_size, int hidden_size, int window_size,
                      int max_batch, Rng *rng)
{
    DLFS_ASSERT(vocab_size >= 1 && hidden_size >= 1 && window_size >= 1 && max_batch >= 1);
    memset(self, 0, sizeof *self);
    const int V = vocab_size, H = hidden_size, n_in = 2 * window_size;
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

    self->in_layers = dlfs_calloc((size_t)n_in, sizeof *self->in_layers);
    for (int i = 0; i < n_in; i++) matmul_init(&self->in_layers[i], &self->W_in);
    matmul_init(&self->out_layer, &self->W_out);
    softmax_with_loss_init(&self->loss_layer, max_batch, V);

    const size_t BV = (size_t)max_batch * V, BH = (size_t)max_batch * H;
    self->onehot = dlfs_calloc((size_t)n_in * BV, sizeof *self->onehot);
    self->h = dlfs_calloc(BH, sizeof *self->h);
    self->h_i = dlfs_calloc(BH, sizeof *self->h_i);
    self->dh = dlfs_calloc(BH, sizeof *self->dh);
    self->score = dlfs_calloc(BV, sizeof *self->score);
    self->dscore = dlfs_calloc(BV, sizeof *self->dscore);
}

void simple_cbow_free(SimpleCBOW *self)
{
    param_free(&self->W_in);
    param_free(&self->W_out);
    free(self->in_layers);
    softmax_with_loss_free(&self->loss_layer);
    free(self->onehot);
    free(self->h);
    free(self->h_i);
    free(self->dh);
    free(self->score);
    free(self->dscore);
    memset(self, 0, sizeof *self);
}

float simple_cbow_forward(SimpleCBOW *self, const int32_t *contexts, const int32_t *target, int B)
{
    const int n_in = 2 * self->window_size, V = self->V;
    const size_t BH = (size_t)B * self->H;
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);

    /* h = (1 / 2w) * sum_i onehot(contexts[:, i]) @ W_in */
    for (int i = 0; i < n_in; i++) {
        float *onehot = self->onehot + (size_t)i * self->max_batch * V;
        one_hot_float(onehot, contexts + i, B, n_in, V);   /* column i */
        matmul_forward(&self->in_layers[i], i == 0 ? self->h : self->h_i, onehot, B);
        if (i > 0)
            for (size_t j = 0; j < BH; j++) self->h[j] += self->h_i[j];
    }
    const float scale = 1.0f / (float)n_in;
    for (size_t j = 0; j < BH; j++) self->h[j] *= scale;

    matmul_forward(&self->out_layer, self->score, self->h, B);
    self->B = B;
    return softmax_with_loss_forward(&self->loss_layer, self->score, target, B);
}

void simple_cbow_backward(SimpleCBOW *self)
{
    DLFS_ASSERT(self->B > 0);
    const int n_in = 2 * self->window_size;
    const size_t B = (size_t)self->B, BH = B * self->H;
    memset(self->dscore, 0, B * self->V * sizeof *self->dscore);
    softmax_with_loss_backward(&self->loss_layer, self->dscore, 1.0f);
    memset(self->dh, 0, BH * sizeof *self->dh);
    matmul_backward(&self->out_layer, self->dh, self->dscore);
    /* da = dh * (1 / 2w) reaches every in_layer; the one-hot inputs need no dx */
    const float scale = 1.0f / (float)n_in;
    for (size_t j = 0; j < BH; j++) self->dh[j] *= scale;
    for (int i = n_in - 1; i >= 0; i--)   /* last layer first, as the textbook */
        matmul_backward(&self->in_layers[i], NULL, self->dh);
}

static float simple_cbow_model_forward(void *self, const int32_t *contexts, const int32_t *target,
                                      int B, Rng *rng)
{
    (void)rng;   /* nothing to sample */
    return simple_cbow_forward(self, contexts, target, B);
}

MODEL_OPS(simple_cbow, simple_cbow_model_forward, NULL);

void simple_cbow_as_model(SimpleCBOW *self, Model *model)
{
    *model = model_adapt("SimpleCBOW", self, &simple_cbow_model_ops, self->params, 2, self->window_size,
                         self->max_batch);
}
