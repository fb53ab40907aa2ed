/* word2vec_output.c — the output side of CBOW and SkipGram (see word2vec_output.h). */
#include "models/word2vec_output.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/corpus_counts.h"
#include "models/word2vec_private.h"

/*
 * The output side for a checked cfg: owner NULL builds the sampler or tree
 * from counts (word2vec_output_init_counts, _unchecked); an owner lends its
 * own (word2vec_output_init_shared).
 */
static int output_build(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                        const int64_t *counts, const Word2VecOutput *owner, DlfsError *err)
{
    DLFS_ASSERT(K >= 1);
    int shape[2];
    word2vec_w_out_shape(cfg, shape);
    DLFS_ASSERT(W_out->value.ndim == 2 && W_out->value.shape[0] == shape[0] &&
                W_out->value.shape[1] == shape[1]);
    memset(self, 0, sizeof *self);
    self->loss = cfg->loss;
    self->K = K;
    self->max_batch = cfg->max_batch;
    self->sample_size = cfg->sample_size;
    self->W_out = W_out;
    const int V = cfg->vocab_size, max_batch = cfg->max_batch;
    int status = DLFS_OK;

    switch (cfg->loss) {
    case WORD2VEC_LOSS_NEGSAMP:
        if (owner) {
            DLFS_ASSERT(owner->loss == cfg->loss && owner->sampler.vocab_size == V &&
                        owner->sampler.sample_size == cfg->sample_size &&
                        owner->sampler.replace == cfg->replace);
            self->sampler = owner->sampler;   /* its arrays stay owner's (self->shared) */
            self->shared = true;
        } else {
            status = unigram_sampler_init_counts(&self->sampler, counts, V, cfg->power,
                                                 cfg->sample_size, cfg->replace, err);
            if (status != DLFS_OK) return status;
            if (cfg->packed_draws) unigram_sampler_pack(&self->sampler);
        }
        self->ns_layers = dlfs_calloc((size_t)K, sizeof *self->ns_layers);
        for (int k = 0; k < K; k++)
            negative_sampling_loss_init(&self->ns_layers[k], W_out, cfg->sample_size, max_batch);
        break;
    case WORD2VEC_LOSS_SOFTMAX:
        matmul_init(&self->matmul, W_out);
        softmax_with_loss_init_multi(&self->softmax_loss, max_batch, V, K);
        self->score = dlfs_calloc((size_t)max_batch * V, sizeof *self->score);
        self->dscore = dlfs_calloc((size_t)max_batch * V, sizeof *self->dscore);
        break;
    case WORD2VEC_LOSS_HSOFTMAX:
        if (owner) {
            DLFS_ASSERT(owner->loss == cfg->loss);
            self->shared = true;   /* the layers read owner's tree; self->tree stays empty */
        } else {
            status = huffman_tree_init(&self->tree, counts, V, err);
            if (status != DLFS_OK) return status;
        }
        self->hs_layers = dlfs_calloc((size_t)K, sizeof *self->hs_layers);
        for (int k = 0; k < K; k++)
            hierarchical_softmax_loss_init(&self->hs_layers[k], W_out, owner ? &owner->tree : &self->tree,
                                           max_batch);
        break;
    }
    /* the per-column layers read one label column each; one column is the labels themselves */
    if (cfg->loss != WORD2VEC_LOSS_SOFTMAX && K > 1)
        self->label_cols = dlfs_calloc((size_t)K * max_batch, sizeof *self->label_cols);
    self->H = cfg->hidden_size;
    if (cfg->loss == WORD2VEC_LOSS_NEGSAMP && K > 1) {
        self->col_B = dlfs_calloc((size_t)K, sizeof *self->col_B);
        self->col_rows = dlfs_calloc((size_t)K * max_batch, sizeof *self->col_rows);
        self->col_h = dlfs_calloc((size_t)K * max_batch * cfg->hidden_size, sizeof *self->col_h);
        self->col_dh = dlfs_calloc((size_t)max_batch * cfg->hidden_size, sizeof *self->col_dh);
    }
    return DLFS_OK;
}

int word2vec_count_corpus(const Word2VecConfig *cfg, const int32_t *corpus, size_t corpus_size,
                         int64_t **counts, DlfsError *err)
{
    *counts = NULL;
    if (cfg->loss == WORD2VEC_LOSS_SOFTMAX) return DLFS_OK;   /* nothing reads the counts */
    *counts = dlfs_malloc((size_t)cfg->vocab_size * sizeof **counts);
    const int status = corpus_count_ids(corpus, corpus_size, cfg->vocab_size, *counts, err);
    if (status != DLFS_OK) {
        free(*counts);
        *counts = NULL;
    }
    return status;
}

int word2vec_output_init_counts_unchecked(Word2VecOutput *self, const Word2VecConfig *cfg, int K,
                                          Param *W_out, const int64_t *counts, DlfsError *err)
{
    return output_build(self, cfg, K, W_out, counts, NULL, err);
}

int word2vec_output_init_counts(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                                const int64_t *counts, DlfsError *err)
{
    word2vec_check_config(cfg);
    return output_build(self, cfg, K, W_out, counts, NULL, err);
}

int word2vec_output_init(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                         const int32_t *corpus, size_t corpus_size, DlfsError *err)
{
    word2vec_check_config(cfg);
    memset(self, 0, sizeof *self);   /* freeable if the counting fails */
    int64_t *counts;
    int status = word2vec_count_corpus(cfg, corpus, corpus_size, &counts, err);
    if (status == DLFS_OK) status = output_build(self, cfg, K, W_out, counts, NULL, err);
    free(counts);
    return status;
}

void word2vec_output_init_shared(Word2VecOutput *self, const Word2VecConfig *cfg, int K, Param *W_out,
                                 const Word2VecOutput *owner)
{
    DLFS_ASSERT(owner != NULL);
    word2vec_check_config(cfg);
    const int status = output_build(self, cfg, K, W_out, NULL, owner, NULL);
    DLFS_ASSERT(status == DLFS_OK);   /* nothing is built from counts, so nothing can fail */
}

void word2vec_output_free(Word2VecOutput *self)
{
    switch (self->loss) {
    case WORD2VEC_LOSS_NEGSAMP:
        if (!self->shared) unigram_sampler_free(&self->sampler);
        if (self->ns_layers)
            for (int k = 0; k < self->K; k++) negative_sampling_loss_free(&self->ns_layers[k]);
        free(self->ns_layers);
        break;
    case WORD2VEC_LOSS_SOFTMAX:
        softmax_with_loss_free(&self->softmax_loss);
        free(self->score);
        free(self->dscore);
        break;
    case WORD2VEC_LOSS_HSOFTMAX:
        if (self->hs_layers)
            for (int k = 0; k < self->K; k++) hierarchical_softmax_loss_free(&self->hs_layers[k]);
        free(self->hs_layers);
        if (!self->shared) huffman_tree_free(&self->tree);
        break;
    }
    free(self->label_cols);
    free(self->col_B);
    free(self->col_rows);
    free(self->col_h);
    free(self->col_dh);
    memset(self, 0, sizeof *self);
}

/* Column k of labels (B, K), i.e. the targets of layer k. */
static const int32_t *label_column(Word2VecOutput *self, const int32_t *labels, int k, int B)
{
    if (self->K == 1) return labels;
    int32_t *col = self->label_cols + (size_t)k * self->max_batch;
    for (int b = 0; b < B; b++) col[b] = labels[(size_t)b * self->K + k];
    return col;
}

/*
 * NEGSAMP, K > 1: column k of labels with the absent (-1) labels left out,
 * into label_cols[k]; col_rows[k] gets the rows kept and col_B[k] their
 * number, which it returns.
 */
static int present_column(Word2VecOutput *self, const int32_t *labels, int k, int B)
{
    int32_t *col = self->label_cols + (size_t)k * self->max_batch;
    int32_t *rows = self->col_rows + (size_t)k * self->max_batch;
    int n = 0;
    for (int b = 0; b < B; b++) {
        const int32_t id = labels[(size_t)b * self->K + k];
        if (id < 0) continue;
        col[n] = id;
        rows[n++] = b;
    }
    self->col_B[k] = n;
    return n;
}

void word2vec_output_sample(Word2VecOutput *self, int32_t *negative_sample, const int32_t *labels,
                            int B, Rng *rng)
{
    if (!word2vec_output_samples(self)) return;
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    self->B_sampled = B;
    const size_t block = (size_t)B * self->sample_size;
    for (int k = 0; k < self->K; k++) {
        if (self->K == 1) {
            unigram_sampler_get_negative_sample(&self->sampler, negative_sample, labels, B, rng);
            continue;
        }
        const int n = present_column(self, labels, k, B);
        if (n > 0)
            unigram_sampler_get_negative_sample(&self->sampler, negative_sample + k * block,
                                                self->label_cols + (size_t)k * self->max_batch, n, rng);
    }
}

void word2vec_output_sample_shared(Word2VecOutput *self, int32_t *negative_sample, int B, Rng *rng)
{
    DLFS_ASSERT(word2vec_output_samples(self) && self->K == 1);
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    self->B_sampled = B;
    const int S = self->sample_size;
    unigram_sampler_draw_row(&self->sampler, negative_sample, -1, rng);   /* the batch's targets not excluded */
    for (int b = 1; b < B; b++)
        memcpy(negative_sample + (size_t)b * S, negative_sample, (size_t)S * sizeof *negative_sample);
}

void word2vec_output_sample_rows(Word2VecOutput *self, int32_t *negative_sample, int B, Rng *rng)
{
    DLFS_ASSERT(word2vec_output_samples(self));
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    self->B_sampled = B;
    for (int b = 0; b < B; b++)
        unigram_sampler_draw_row(&self->sampler, negative_sample + (size_t)b * self->sample_size, -1, rng);
}

const int32_t *word2vec_output_negatives(Word2VecOutput *self, int32_t *negative_sample,
                                         const int32_t *labels, int B, Rng *rng)
{
    const bool sampled = word2vec_output_samples(self);
    if (rng)
        word2vec_output_sample(self, negative_sample, labels, B, rng);
    else if (sampled)
        DLFS_ASSERT(self->B_sampled == B);   /* frozen negatives: drawn for this batch size */
    return sampled ? negative_sample : NULL;
}

/* NEGSAMP: column k's loss, leaving out absent labels (see word2vec_output_forward). */
static float negsamp_column_forward(Word2VecOutput *self, const float *h, const int32_t *labels,
                                    const int32_t *negatives, int k, int B)
{
    if (self->K == 1)
        return negative_sampling_loss_forward(&self->ns_layers[0], h, labels, negatives, B);
    const int n = present_column(self, labels, k, B);
    const int32_t *col = self->label_cols + (size_t)k * self->max_batch;
    if (n == B)   /* every label present: the textbook's layer as it is */
        return negative_sampling_loss_forward(&self->ns_layers[k], h, col, negatives, B);
    if (n == 0) return 0.0f;
    const int H = self->H;
    float *hk = self->col_h + (size_t)k * self->max_batch * H;
    const int32_t *rows = self->col_rows + (size_t)k * self->max_batch;
    for (int i = 0; i < n; i++)
        memcpy(hk + (size_t)i * H, h + (size_t)rows[i] * H, (size_t)H * sizeof *hk);
    const float loss = negative_sampling_loss_forward(&self->ns_layers[k], hk, col, negatives, n);
    return loss * ((float)n / (float)B);
}

/* NEGSAMP: adds column k's gradients (see negsamp_column_forward). */
static void negsamp_column_backward(Word2VecOutput *self, float *dh, int k)
{
    const int B = self->B, n = self->K == 1 ? B : self->col_B[k];
    if (n == B) {
        negative_sampling_loss_backward(&self->ns_layers[k], dh, 1.0f);
        return;
    }
    if (n == 0) return;
    const int H = self->H;
    float *dhk = self->col_dh;
    memset(dhk, 0, (size_t)n * H * sizeof *dhk);
    negative_sampling_loss_backward(&self->ns_layers[k], dhk, (float)n / (float)B);
    const int32_t *rows = self->col_rows + (size_t)k * self->max_batch;
    for (int i = 0; i < n; i++) {
        float *d = dh + (size_t)rows[i] * H;
        const float *s = dhk + (size_t)i * H;
        for (int j = 0; j < H; j++) d[j] += s[j];
    }
}

float word2vec_output_forward(Word2VecOutput *self, const float *h, const int32_t *labels,
                              const int32_t *negative_sample, int B)
{
    DLFS_ASSERT(B >= 1 && B <= self->max_batch);
    self->B = B;
    float loss = 0.0f;
    switch (self->loss) {
    case WORD2VEC_LOSS_NEGSAMP: {
        DLFS_ASSERT(negative_sample != NULL);
        const size_t block = (size_t)B * self->sample_size;
        for (int k = 0; k < self->K; k++)
            loss += negsamp_column_forward(self, h, labels, negative_sample + k * block, k, B);
        break;
    }
    case WORD2VEC_LOSS_SOFTMAX:
        matmul_forward(&self->matmul, self->score, h, B);
        loss = softmax_with_loss_forward_multi(&self->softmax_loss, self->score, labels, B, self->K);
        break;
    case WORD2VEC_LOSS_HSOFTMAX:
        for (int k = 0; k < self->K; k++)
            loss += hierarchical_softmax_loss_forward(&self->hs_layers[k], h,
                                                      label_column(self, labels, k, B), B);
        break;
    }
    return loss;
}

void word2vec_output_backward(Word2VecOutput *self, float *dh)
{
    DLFS_ASSERT(self->B > 0);
    switch (self->loss) {
    case WORD2VEC_LOSS_NEGSAMP:
        for (int k = 0; k < self->K; k++) negsamp_column_backward(self, dh, k);
        break;
    case WORD2VEC_LOSS_SOFTMAX: {
        const size_t n = (size_t)self->B * self->softmax_loss.C;
        memset(self->dscore, 0, n * sizeof *self->dscore);
        softmax_with_loss_backward(&self->softmax_loss, self->dscore, 1.0f);
        matmul_backward(&self->matmul, dh, self->dscore);
        break;
    }
    case WORD2VEC_LOSS_HSOFTMAX:
        for (int k = 0; k < self->K; k++)
            hierarchical_softmax_loss_backward(&self->hs_layers[k], dh, 1.0f);
        break;
    }
}
