/* negative_sampling_loss.c — textbook ch04/negative_sampling_layer.py. */
#include "layers/negative_sampling_loss.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void negative_sampling_loss_init(NegativeSamplingLoss *self, Param *W_out, int sample_size,
                                 int max_batch)
{
    DLFS_ASSERT(sample_size >= 1 && max_batch >= 1);
    memset(self, 0, sizeof *self);
    const int n_layers = sample_size + 1;
    self->sample_size = sample_size;
    self->max_batch = max_batch;
    self->params[0] = W_out;
    self->grads[0] = &W_out->grad;
    self->embed_dot_layers = dlfs_calloc((size_t)n_layers, sizeof *self->embed_dot_layers);
    self->loss_layers = dlfs_calloc((size_t)n_layers, sizeof *self->loss_layers);
    for (int i = 0; i < n_layers; i++) {
        embedding_dot_init(&self->embed_dot_layers[i], W_out);
        sigmoid_with_loss_init(&self->loss_layers[i], max_batch);
    }
    self->score = dlfs_calloc((size_t)n_layers * max_batch, sizeof *self->score);
    self->dscore = dlfs_calloc((size_t)n_layers * max_batch, sizeof *self->dscore);
    self->negative_target = dlfs_calloc((size_t)sample_size * max_batch, sizeof *self->negative_target);
    self->correct_label = dlfs_calloc((size_t)max_batch, sizeof *self->correct_label);
    self->negative_label = dlfs_calloc((size_t)max_batch, sizeof *self->negative_label);
    for (int b = 0; b < max_batch; b++) self->correct_label[b] = 1;
}

void negative_sampling_loss_free(NegativeSamplingLoss *self)
{
    if (self->loss_layers)
        for (int i = 0; i <= self->sample_size; i++) sigmoid_with_loss_free(&self->loss_layers[i]);
    free(self->embed_dot_layers);
    free(self->loss_layers);
    free(self->score);
    free(self->dscore);
    free(self->negative_target);
    free(self->correct_label);
    free(self->negative_label);
    memset(self, 0, sizeof *self);
}

float negative_sampling_loss_forward(NegativeSamplingLoss *self, const float *h,
                                     const int32_t *target, const int32_t *negative_sample,
                                     int B)
{
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    const int S = self->sample_size;
    self->B = B;

    /* positive example */
    embedding_dot_forward(&self->embed_dot_layers[0], self->score, h, target, B);
    float loss = sigmoid_with_loss_forward(&self->loss_layers[0], self->score, self->correct_label, B);

    /* negative examples: column i of negative_sample feeds layer 1 + i */
    for (int i = 0; i < S; i++) {
        int32_t *col = self->negative_target + (size_t)i * self->max_batch;
        float *score = self->score + (size_t)(1 + i) * self->max_batch;
        for (int b = 0; b < B; b++) col[b] = negative_sample[(size_t)b * S + i];
        embedding_dot_forward(&self->embed_dot_layers[1 + i], score, h, col, B);
        loss += sigmoid_with_loss_forward(&self->loss_layers[1 + i], score, self->negative_label, B);
    }
    return loss;
}

void negative_sampling_loss_backward(NegativeSamplingLoss *self, float *dh, float dout)
{
    for (int i = 0; i <= self->sample_size; i++) {
        float *dscore = self->dscore + (size_t)i * self->max_batch;
        memset(dscore, 0, (size_t)self->B * sizeof *dscore);
        sigmoid_with_loss_backward(&self->loss_layers[i], dscore, dout);
        embedding_dot_backward(&self->embed_dot_layers[i], dh, dscore);
    }
}
