/*
 * cbow_fused.c — CBOW with negative sampling, forward, backward and an SGD
 * update in one pass (see cbow.h, cbow_sgd_step and cbow_sgd_step_shared):
 * the arithmetic of cbow_forward + cbow_backward (textbook ch04/cbow.py over
 * ch04/negative_sampling_layer.py) followed by plain SGD, done as
 * word2vec.c's CBOW loop does it, so that h, the error e and the S + 1
 * output rows stay in registers and L1 and no gradient buffer is written
 * and read back. The layer path stays what students read;
 * tests/test_cbow_fused.c checks these against it.
 */
#include "models/cbow.h"

#include <cblas.h>
#include <math.h>

#include "common/check.h"
#include "common/simd.h"
#include "models/fused_private.h"

/* Asks for the H floats of row r of m (the next row's rows, while this row computes). */
static inline void prefetch_row(const float *m, int32_t r, int H)
{
    if (r < 0) return;
    const char *p = (const char *)(m + (size_t)r * H);
    for (size_t off = 0; off < (size_t)H * sizeof(float); off += 64) __builtin_prefetch(p + off, 1, 3);
}

/* Whether target and the S negatives neg (S,) are S + 1 different words. */
static inline bool distinct_outputs(int32_t target, const int32_t *neg, int S)
{
    for (int l = 0; l < S; l++) {
        if (neg[l] == target) return false;
        for (int j = 0; j < l; j++)
            if (neg[j] == neg[l]) return false;
    }
    return true;
}

/* cbow_sgd_step's body for H floats per row; inlined twice below, once with H a constant. */
static inline __attribute__((always_inline)) float
cbow_sgd_rows(CBOW *self, const int32_t *contexts, const int32_t *target, const int32_t *negative_sample, int B,
              float lr, const int H)
{
    const Word2VecConfig *cfg = &self->cfg;
    const int n_in = 2 * cfg->window_size, S = cfg->sample_size;
    const int V = cfg->vocab_size;
    float *in = self->W_in.value.data, *out = self->W_out.value.data;
    float *h = self->h, *e = self->dh;   /* their first row: one batch row at a time */
    float *x = self->fused_x;            /* (S + 1,) the row's scores */
    const SubwordTable *sub = cfg->subwords;   /* NULL: one row per word */
    const bool ft = cfg->subword_fasttext_update;
    self->B = 0;                         /* nothing for cbow_backward to go on */
    double loss_sum = 0.0;

    for (int b = 0; b < B; b++) {
        const int32_t *ctx = contexts + (size_t)b * n_in;
        const int32_t *neg = negative_sample + (size_t)b * S;
        if (b + 1 < B) {   /* the next row's rows on their way while this row computes */
            for (int i = 0; i < n_in; i++) prefetch_row(in, ctx[n_in + i], H);
            prefetch_row(out, target[b + 1], H);
            for (int l = 0; l < S; l++) prefetch_row(out, neg[S + l], H);
        }
        const float inv_count = fused_context_h(h, self->out, in, ctx, n_in, H, V, sub, ft);

        /* the target (label 1) and the S negatives (label 0), scored at the weights before this row's update */
        for (int l = 0; l <= S; l++) {
            const int32_t row = l == 0 ? target[b] : neg[l - 1];
            DLFS_ASSERT(row >= 0 && row < V);
            x[l] = row_dot(out + (size_t)row * H, h, H);
        }
        /* e = sum of g * (the output row) as it was, and the row += g * h: one pass over each
         * row, as word2vec.c's loop, when the row's S + 1 output rows are distinct (the
         * sampler without replacement never draws the target or a word twice); a row named
         * twice (with replacement) must give the layer path's sum of its old values, so
         * then e is made first */
        for (int k = 0; k < H; k++) e[k] = 0.0f;
        float linear = 0.0f, product = 1.0f;
        for (int l = 0; l <= S; l++) {
            float lin, factor;
            x[l] = lr * output_grad(x[l], l == 0, &lin, &factor);   /* x[l] is g from here */
            linear += lin;
            product *= factor;   /* each factor in (1, 2]: at most 2^(S + 1) */
        }
        if (distinct_outputs(target[b], neg, S)) {
            for (int l = 0; l <= S; l++) {
                float *w = out + (size_t)(l == 0 ? target[b] : neg[l - 1]) * H;
                const float g = x[l];
                for (int k = 0; k < H; k++) {
                    e[k] += g * w[k];
                    w[k] += g * h[k];
                }
            }
        } else {
            for (int l = 0; l <= S; l++) {
                const float *w = out + (size_t)(l == 0 ? target[b] : neg[l - 1]) * H;
                for (int k = 0; k < H; k++) e[k] += x[l] * w[k];
            }
            for (int l = 0; l <= S; l++) {
                float *w = out + (size_t)(l == 0 ? target[b] : neg[l - 1]) * H;
                for (int k = 0; k < H; k++) w[k] += x[l] * h[k];
            }
        }
        loss_sum += (double)linear + (double)logf(product);
        fused_context_e(in, e, ctx, n_in, H, cfg->context_full_grad ? 1.0f : inv_count, sub, ft);
    }
    return (float)(loss_sum / B);
}

SIMD_CLONES
float cbow_sgd_step(CBOW *self, const int32_t *contexts, const int32_t *target, const int32_t *negative_sample,
                    int B, float lr)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_NEGSAMP && negative_sample != NULL);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    /* the textbook's and word2vec.c's H = 100 as a constant: loops the compiler unrolls */
    if (cfg->hidden_size == 100) return cbow_sgd_rows(self, contexts, target, negative_sample, B, lr, 100);
    return cbow_sgd_rows(self, contexts, target, negative_sample, B, lr, cfg->hidden_size);
}

SIMD_CLONES
float cbow_sgd_step_shared(CBOW *self, const int32_t *contexts, const int32_t *target, const int32_t *negatives,
                           int B, float lr)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_NEGSAMP && negatives != NULL);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    DLFS_ASSERT(cfg->subwords == NULL);   /* written for one row per word */
    const int n_in = 2 * cfg->window_size, H = cfg->hidden_size, S = cfg->sample_size;
    const int V = cfg->vocab_size;
    float *in = self->W_in.value.data, *out = self->W_out.value.data;
    float *hm = self->h, *dhm = self->dh;                  /* (B, H) */
    float *wn = self->shared_w, *dwn = wn + (size_t)S * H; /* (S, H) each */
    float *xs = self->shared_x, *gs = xs + (size_t)B * S;  /* (B, S) each */
    float *xt = self->shared_t, *gt = xt + B;              /* (B,) each */
    self->B = 0;

    /* the inputs' rows h_b, and the negatives' rows gathered: all at the step's weights */
    for (int b = 0; b < B; b++)
        self->inv_count[b] =
            fused_context_h(hm + (size_t)b * H, NULL, in, contexts + (size_t)b * n_in, n_in, H, V, NULL, false);
    for (int s = 0; s < S; s++) {
        DLFS_ASSERT(negatives[s] >= 0 && negatives[s] < V);
        const float *w = out + (size_t)negatives[s] * H;
        for (int k = 0; k < H; k++) wn[(size_t)s * H + k] = w[k];
    }
    /* scores: X = Hm Wn^T (B, S) and each target's own dot */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, S, H, 1.0f, hm, H, wn, H, 0.0f, xs, S);
    double loss_sum = 0.0;
    for (int b = 0; b < B; b++) {
        DLFS_ASSERT(target[b] >= 0 && target[b] < V);
        xt[b] = row_dot(out + (size_t)target[b] * H, hm + (size_t)b * H, H);
        float linear, product, lin, factor;
        gt[b] = lr * output_grad(xt[b], true, &linear, &product);
        for (int s = 0; s < S; s++) {
            /* a negative that is the row's own target is skipped for that row, as word2vec.c does */
            if (negatives[s] == target[b]) {
                gs[(size_t)b * S + s] = 0.0f;
                continue;
            }
            gs[(size_t)b * S + s] = lr * output_grad(xs[(size_t)b * S + s], false, &lin, &factor);
            linear += lin;
            product *= factor;
        }
        loss_sum += (double)linear + (double)logf(product);
    }
    /* the errors of the inputs, dHm = G Wn + g_t w_t, and the negatives' step, dWn = G^T Hm */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, S, 1.0f, gs, S, wn, H, 0.0f, dhm, H);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, S, H, B, 1.0f, gs, S, hm, H, 0.0f, dwn, H);
    for (int b = 0; b < B; b++) {
        const float *w = out + (size_t)target[b] * H;
        float *d = dhm + (size_t)b * H;
        for (int k = 0; k < H; k++) d[k] += gt[b] * w[k];
    }
    /* the updates, once every product is taken: the negatives', the targets', the contexts' */
    for (int s = 0; s < S; s++) {
        float *w = out + (size_t)negatives[s] * H;
        for (int k = 0; k < H; k++) w[k] += dwn[(size_t)s * H + k];
    }
    for (int b = 0; b < B; b++) {
        float *w = out + (size_t)target[b] * H;
        const float *hb = hm + (size_t)b * H;
        for (int k = 0; k < H; k++) w[k] += gt[b] * hb[k];
    }
    for (int b = 0; b < B; b++)
        fused_context_e(in, dhm + (size_t)b * H, contexts + (size_t)b * n_in, n_in, H,
                        cfg->context_full_grad ? 1.0f : self->inv_count[b], NULL, false);
    return (float)(loss_sum / B);
}

SIMD_CLONES
float cbow_sgd_step_hs(CBOW *self, const int32_t *contexts, const int32_t *target, int B, float lr)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_HSOFTMAX);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    const int n_in = 2 * cfg->window_size, H = cfg->hidden_size, V = cfg->vocab_size;
    const HuffmanTree *tree = self->output.hs_layers[0].tree;   /* the owner's, in a thread's replica */
    float *in = self->W_in.value.data, *out = self->W_out.value.data;
    float *h = self->h, *e = self->dh;
    float *g = self->fused_x;   /* (max_code_length,) the row's decisions */
    const SubwordTable *sub = cfg->subwords;   /* NULL: one row per word */
    const bool ft = cfg->subword_fasttext_update;
    self->B = 0;
    double loss_sum = 0.0;

    for (int b = 0; b < B; b++) {
        const int32_t *ctx = contexts + (size_t)b * n_in;
        DLFS_ASSERT(target[b] >= 0 && target[b] < V);
        const int32_t first = tree->offset[target[b]], L = tree->code_length[target[b]];
        const int32_t *points = tree->points + first;
        const uint8_t *codes = tree->codes + first;
        const float inv_count = fused_context_h(h, self->out, in, ctx, n_in, H, V, sub, ft);
        /* each decision d at inner node points[d]: label t = 1 - code (word2vec.c's), x = W[node] . h;
         * the nodes of a path are distinct, so each is read once for e and then moved */
        for (int k = 0; k < H; k++) e[k] = 0.0f;
        float linear = 0.0f, product = 1.0f;
        for (int d = 0; d < L; d++) {
            const float *w = out + (size_t)points[d] * H;
            float lin, factor;
            g[d] = lr * output_grad(row_dot(w, h, H), codes[d] == 0, &lin, &factor);
            linear += lin;
            product *= factor;
            if (product > 1e30f) {   /* a long path: take the log so far (each factor is at most 2) */
                linear += logf(product);
                product = 1.0f;
            }
            for (int k = 0; k < H; k++) e[k] += g[d] * w[k];
        }
        for (int d = 0; d < L; d++) {
            float *w = out + (size_t)points[d] * H;
            for (int k = 0; k < H; k++) w[k] += g[d] * h[k];
        }
        loss_sum += (double)linear + (double)logf(product);
        fused_context_e(in, e, ctx, n_in, H, cfg->context_full_grad ? 1.0f : inv_count, sub, ft);
    }
    return (float)(loss_sum / B);
}
