/* subword_embedding.c — the SubwordEmbedding layer, fastText's input side (see subword_embedding.h). */
#include "layers/subword_embedding.h"

#include <string.h>

#include "common/check.h"
#include "layers/subword_rows.h"

void subword_embedding_init(SubwordEmbedding *self, Param *W, const SubwordTable *table)
{
    DLFS_ASSERT(W->value.ndim == 2);
    DLFS_ASSERT(W->value.shape[0] == table->n_rows);
    memset(self, 0, sizeof *self);
    self->params[0] = W;
    self->grads[0] = &W->grad;
    self->table = table;
}

void subword_embedding_forward(SubwordEmbedding *self, float *out, const int32_t *idx, int N)
{
    const Param *W = self->params[0];
    const int H = W->value.shape[1];
    for (int n = 0; n < N; n++) {
        DLFS_ASSERT(idx[n] >= -1 && idx[n] < self->table->V);
        float *o = out + (size_t)n * H;
        if (idx[n] < 0) {
            memset(o, 0, (size_t)H * sizeof *o);
            continue;
        }
        (void)subword_rows_mean(o, W->value.data, self->table, idx[n], H);
    }
    self->idx = idx;
    self->N = N;
}

void subword_embedding_backward(SubwordEmbedding *self, const float *dout)
{
    DLFS_ASSERT(self->idx != NULL);
    Param *W = self->params[0];
    const int H = W->value.shape[1];
    for (int n = 0; n < self->N; n++) {
        if (self->idx[n] < 0) continue;   /* no word: no gradient */
        int count;
        const int32_t *rows = subword_table_word_rows(self->table, self->idx[n], &count);
        const float scale = 1.0f / (float)count;   /* d mean / d row = 1/c per occurrence */
        const float *d = dout + (size_t)n * H;
        for (int k = 0; k < count; k++) {
            float *dW = W->grad.data + (size_t)rows[k] * H;
            param_mark_row(W, rows[k]);
            for (int i = 0; i < H; i++) dW[i] += d[i] * scale;   /* add, never assign */
        }
    }
}

/* Sums the rows of an unseen word's n-grams that have one. */
typedef struct UnseenCtx {
    const SubwordTable *table;
    const float *W;
    int H;
    float *out;
    int count;
} UnseenCtx;

static void add_ngram_row(void *ctx, const char *ngram, size_t len, uint32_t hash)
{
    (void)ngram;
    (void)len;
    UnseenCtx *u = ctx;
    const int32_t row = subword_table_bucket_row(u->table,
                                                 (int32_t)(hash % (uint32_t)u->table->buckets));
    if (row < 0) return;   /* a bucket no vocabulary word uses: no row */
    const float *r = u->W + (size_t)row * u->H;
    for (int i = 0; i < u->H; i++) u->out[i] += r[i];
    u->count++;
}

int subword_word_vector(const SubwordTable *table, const Vocab *vocab, const float *W, int H,
                        const char *word, float *out)
{
    DLFS_ASSERT(H >= 1);
    DLFS_ASSERT(vocab == NULL || vocab->size == table->V);
    const int32_t id = vocab ? vocab_get(vocab, word) : -1;
    if (id >= 0) {
        return subword_rows_mean(out, W, table, id, H);
    }
    memset(out, 0, (size_t)H * sizeof *out);
    UnseenCtx u = {.table = table, .W = W, .H = H, .out = out, .count = 0};
    (void)subword_each_ngram(word, table->minn, table->maxn, add_ngram_row, &u);
    if (u.count > 0) {
        const float scale = 1.0f / (float)u.count;
        for (int i = 0; i < H; i++) out[i] *= scale;
    }
    return u.count;
}
