/*
 * skip_gram_fused.c — SkipGram with negative sampling, forward, backward
 * and an SGD update in one pass (see skip_gram.h, skip_gram_sgd_step and
 * skip_gram_sgd_step_shared): the arithmetic of skip_gram_forward +
 * skip_gram_backward (textbook ch04/skip_gram.py over
 * ch04/negative_sampling_layer.py) followed by plain SGD, one row (one
 * target and its window) at a time, so that h, the error e and the row's
 * output rows stay in L1 and no gradient buffer is written and read back.
 * The layer path stays what students read; tests/test_skip_gram_fused.c
 * checks these against it.
 */
#include "models/skip_gram.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "common/check.h"
#include "common/simd.h"
#include "layers/simd_math.h"
#include "models/fused_private.h"

/*
 * Adds log(product) into *loss and restarts the product when it grows
 * large: each factor is in (1, 2], so a row's 2w (S + 1) factors could
 * overflow a float for wide windows; 2^100 leaves room for one more pair.
 */
static inline void flush_product(double *loss, float *product)
{
    if (*product > 0x1p100f) {
        *loss += (double)logf(*product);
        *product = 1.0f;
    }
}

/*
 * Asks for the H floats of row `row` of w (V, H) in cache, one line at a
 * time: the next pair's output rows are random rows of W_out, and fetching
 * them while this pair is computed hides most of their latency. Changes no
 * result.
 */
static inline void prefetch_row(const float *w, int32_t row, int H)
{
#if defined(__GNUC__)
    const char *p = (const char *)(w + (size_t)row * H);
    for (size_t off = 0; off < (size_t)H * sizeof *w; off += 64) __builtin_prefetch(p + off, 1, 3);
#else
    (void)w, (void)row, (void)H;
#endif
}

/* A row's start: h = the target's input vector (fused_word_h), e = 0. */
static inline void row_begin(const float *in, int32_t target, int V, int H, const SubwordTable *sub, float *h,
                             float *e)
{
    (void)fused_word_h(h, in, target, V, H, sub);
    for (int j = 0; j < H; j++) e[j] = 0.0f;
}

/* The first present column of ctx (K,) at or after k; K if none. */
static inline int next_present(const int32_t *ctx, int k, int K)
{
    while (k < K && ctx[k] < 0) k++;
    return k;
}

/*
 * The factors g = lr * (t - sigmoid(x)) of a row's m outputs, in place of
 * their scores x (m,), with labels t (m,) (1 for a pair's context, 0 for
 * a negative) replaced by the loss factors 1 + exp(-|x|) whose log is each
 * output's loss beyond its linear part (output_grad, one vectorised pass:
 * layers/simd_math.h's expf); returns the sum of the linear parts.
 */
SIMD_MATH_CLONES
static float row_factors(float *restrict x, float *restrict t, int m, float lr)
{
    float linear = 0.0f;
#pragma omp simd reduction(+ : linear)
    for (int i = 0; i < m; i++) {
        const float xi = x[i], ti = t[i];
        const float e = expf(-fabsf(xi));   /* in (0, 1] */
        const float num = xi >= 0.0f ? 1.0f : e;
        const float sig = num / (1.0f + e);
        const float z = ti > 0.0f ? -xi : xi;
        linear += z > 0.0f ? z : 0.0f;
        t[i] = 1.0f + e;
        x[i] = lr * (ti - sig);
    }
    return linear;
}

/* skip_gram_sgd_step's body for H floats per row; inlined twice below, once with H a constant. */
static inline __attribute__((always_inline)) float
skip_gram_sgd_rows(SkipGram *self, const int32_t *contexts, const int32_t *target, const int32_t *negative_sample,
                   int B, float lr, const int H)
{
    const Word2VecConfig *cfg = &self->cfg;
    const int K = 2 * cfg->window_size, S = cfg->sample_size;
    const int V = cfg->vocab_size;
    const size_t block = (size_t)B * S;   /* one column's negatives (word2vec_output_sample) */
    float *in = self->W_in.value.data, *out = self->W_out.value.data;
    float *h = self->h, *e = self->dh;   /* their first row: one batch row at a time */
    float *x = self->fused_x;            /* (2w (S + 1),) the row's scores, then its factors g */
    float *t = x + (size_t)K * (S + 1);  /* (2w (S + 1),) their labels, then their loss factors */
    int32_t *rows = self->fused_rows;    /* (2w (S + 1),) their rows of W_out */
    int *pos = self->fused_pos;          /* (K,) the present rows of each column seen so far */
    const SubwordTable *sub = cfg->subwords;   /* NULL: one row per word */
    const bool ft = cfg->subword_fasttext_update;
    self->B = 0;                         /* nothing for skip_gram_backward to go on */
    for (int k = 0; k < K; k++) pos[k] = 0;
    double loss_sum = 0.0;

    for (int b = 0; b < B; b++) {
        const int32_t *ctx = contexts + (size_t)b * K;
        row_begin(in, target[b], V, H, sub, h, e);
        /* every pair of the row scored at the weights before its update */
        int m = 0;
        for (int k = next_present(ctx, 0, K); k < K; k = next_present(ctx, k + 1, K)) {
            DLFS_ASSERT(ctx[k] < V);
            const int32_t *neg = negative_sample + k * block + (size_t)pos[k]++ * S;
            const int kn = next_present(ctx, k + 1, K);   /* the next pair's rows, while this one runs */
            if (kn < K) {
                const int32_t *neg_next = negative_sample + kn * block + (size_t)pos[kn] * S;
                prefetch_row(out, ctx[kn], H);
                for (int l = 0; l < S; l++) prefetch_row(out, neg_next[l], H);
            } else if (b + 1 < B) {
                prefetch_row(in, target[b + 1], H);
            }
            for (int l = 0; l <= S; l++, m++) {
                const int32_t row = l == 0 ? ctx[k] : neg[l - 1];
                DLFS_ASSERT(row >= 0 && row < V);
                rows[m] = row;
                t[m] = l == 0 ? 1.0f : 0.0f;
                x[m] = row_dot(out + (size_t)row * H, h, H);
            }
        }
        if (m == 0) continue;   /* no pair in this row: nothing moves */
        const float linear = row_factors(x, t, m, lr);
        float product = 1.0f;
        for (int i = 0; i < m; i++) {
            product *= t[i];
            flush_product(&loss_sum, &product);
        }
        /* e from the output rows as they were, then the output rows (a row named twice
         * gets both steps), then the target's input row */
        for (int i = 0; i < m; i++) {
            const float *w = out + (size_t)rows[i] * H;
            const float g = x[i];
            for (int j = 0; j < H; j++) e[j] += g * w[j];
        }
        for (int i = 0; i < m; i++) {
            float *w = out + (size_t)rows[i] * H;
            const float g = x[i];
            for (int j = 0; j < H; j++) w[j] += g * h[j];
        }
        fused_word_e(in, e, target[b], H, sub, ft);
        loss_sum += (double)linear + (double)logf(product);
    }
    return (float)(loss_sum / B);
}

SIMD_MATH_CLONES
float skip_gram_sgd_step(SkipGram *self, const int32_t *contexts, const int32_t *target,
                         const int32_t *negative_sample, int B, float lr)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_NEGSAMP && negative_sample != NULL);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    /* the textbook's and word2vec.c's H = 100 as a constant: loops the compiler unrolls */
    if (cfg->hidden_size == 100) return skip_gram_sgd_rows(self, contexts, target, negative_sample, B, lr, 100);
    return skip_gram_sgd_rows(self, contexts, target, negative_sample, B, lr, cfg->hidden_size);
}

/* rows[i] of src (V, H), for i < n, into dst (n, H). */
static inline void gather_rows(float *restrict dst, const float *restrict src, const int32_t *rows, int n, int H)
{
    for (int i = 0; i < n; i++) memcpy(dst + (size_t)i * H, src + (size_t)rows[i] * H, (size_t)H * sizeof *dst);
}

/* dst (V, H) rows[i] += d[i], for i < n (a row named twice gets both). */
static inline void scatter_add_rows(float *restrict dst, const float *restrict d, const int32_t *rows, int n, int H)
{
    for (int i = 0; i < n; i++) {
        float *w = dst + (size_t)rows[i] * H;
        const float *s = d + (size_t)i * H;
        for (int j = 0; j < H; j++) w[j] += s[j];
    }
}

SIMD_CLONES
float skip_gram_sgd_step_shared(SkipGram *self, const int32_t *contexts, const int32_t *target,
                                const int32_t *negatives, int B, float lr)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_NEGSAMP && negatives != NULL);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    const int K = 2 * cfg->window_size, H = cfg->hidden_size, S = cfg->sample_size;
    const int V = cfg->vocab_size, n_out = S + 1;
    DLFS_ASSERT(cfg->subwords == NULL);   /* written for one row per word */
    float *in = self->W_in.value.data, *out = self->W_out.value.data;
    float *wi = self->shared_buf;              /* (K, H) the inputs I */
    float *wo = wi + (size_t)K * H;            /* (S + 1, H) the outputs O */
    float *di = wo + (size_t)n_out * H;        /* (K, H) dI */
    float *dout = di + (size_t)K * H;          /* (S + 1, H) dO */
    float *xg = dout + (size_t)n_out * H;      /* (K, S + 1) X, then G */
    int32_t *rows_in = self->shared_rows, *rows_out = rows_in + K;   /* (K,), (S + 1,) */
    self->B = 0;
    double loss_sum = 0.0;

    for (int b = 0; b < B; b++) {
        const int32_t *ctx = contexts + (size_t)b * K;
        int n = 0;
        for (int k = 0; k < K; k++) {
            DLFS_ASSERT(ctx[k] >= -1 && ctx[k] < V);
            if (ctx[k] >= 0) rows_in[n++] = ctx[k];
        }
        if (n == 0) continue;   /* no pair in this row */
        DLFS_ASSERT(target[b] >= 0 && target[b] < V);
        rows_out[0] = target[b];
        for (int s = 0; s < S; s++) {
            rows_out[s + 1] = negatives[(size_t)b * S + s];
            DLFS_ASSERT(rows_out[s + 1] >= 0 && rows_out[s + 1] < V);
        }
        gather_rows(wi, in, rows_in, n, H);
        gather_rows(wo, out, rows_out, n_out, H);
        /* X = I O^T (n, S + 1), then G = lr * (label - sigmoid(X)) in place */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n_out, H, 1.0f, wi, H, wo, H, 0.0f, xg, n_out);
        float linear = 0.0f, product = 1.0f;
        for (int i = 0; i < n; i++) {
            float *g = xg + (size_t)i * n_out;
            for (int l = 0; l < n_out; l++) {
                /* a negative that is the row's own target is skipped, as word2vec.c does */
                if (l > 0 && rows_out[l] == target[b]) {
                    g[l] = 0.0f;
                    continue;
                }
                float lin, factor;
                g[l] = lr * output_grad(g[l], l == 0, &lin, &factor);
                linear += lin;
                product *= factor;
            }
            flush_product(&loss_sum, &product);
        }
        loss_sum += (double)linear + (double)logf(product);
        /* dI = G O (n, H) and dO = G^T I (S + 1, H), both from the rows as they were */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, H, n_out, 1.0f, xg, n_out, wo, H, 0.0f, di, H);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n_out, H, n, 1.0f, xg, n_out, wi, H, 0.0f, dout, H);
        scatter_add_rows(out, dout, rows_out, n_out, H);
        scatter_add_rows(in, di, rows_in, n, H);
    }
    return (float)(loss_sum / B);
}

SIMD_CLONES
float skip_gram_sgd_step_hs(SkipGram *self, const int32_t *contexts, const int32_t *target, int B, float lr)
{
    const Word2VecConfig *cfg = &self->cfg;
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_HSOFTMAX);
    DLFS_ASSERT(B >= 1 && B <= cfg->max_batch);
    const int K = 2 * cfg->window_size, H = cfg->hidden_size, V = cfg->vocab_size;
    const HuffmanTree *tree = self->output.hs_layers[0].tree;   /* the owner's, in a thread's replica */
    const int L_max = tree->max_code_length;
    float *in = self->W_in.value.data, *out = self->W_out.value.data;
    float *h = self->h, *e = self->dh;
    float *x = self->fused_x;   /* (K, max_code_length) the row's decisions' factors g */
    const SubwordTable *sub = cfg->subwords;   /* NULL: one row per word */
    const bool ft = cfg->subword_fasttext_update;
    self->B = 0;
    double loss_sum = 0.0;

    for (int b = 0; b < B; b++) {
        const int32_t *ctx = contexts + (size_t)b * K;
        row_begin(in, target[b], V, H, sub, h, e);
        float linear = 0.0f, product = 1.0f;
        /* every decision of every pair at the weights before the row's update (the root is on
         * every path, so a node repeats across the pairs); e from the nodes' rows as they were */
        for (int k = next_present(ctx, 0, K); k < K; k = next_present(ctx, k + 1, K)) {
            DLFS_ASSERT(ctx[k] < V);
            const int32_t first = tree->offset[ctx[k]], L = tree->code_length[ctx[k]];
            float *g = x + (size_t)k * L_max;
            for (int d = 0; d < L; d++) {
                const float *w = out + (size_t)tree->points[first + d] * H;
                float lin, factor;
                /* label t = 1 - code (word2vec.c's: branch 0 is "1") */
                g[d] = lr * output_grad(row_dot(w, h, H), tree->codes[first + d] == 0, &lin, &factor);
                linear += lin;
                product *= factor;
                flush_product(&loss_sum, &product);
                for (int j = 0; j < H; j++) e[j] += g[d] * w[j];
            }
        }
        for (int k = next_present(ctx, 0, K); k < K; k = next_present(ctx, k + 1, K)) {
            const int32_t first = tree->offset[ctx[k]], L = tree->code_length[ctx[k]];
            const float *g = x + (size_t)k * L_max;
            for (int d = 0; d < L; d++) {
                float *w = out + (size_t)tree->points[first + d] * H;
                for (int j = 0; j < H; j++) w[j] += g[d] * h[j];
            }
        }
        fused_word_e(in, e, target[b], H, sub, ft);
        loss_sum += (double)linear + (double)logf(product);
    }
    return (float)(loss_sum / B);
}
