/* cases.c — the problems `dlfs2 gradcheck` runs; see cases.h. */
#include "gradcheck/cases.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/check.h"
#include "common/rng.h"
#include "common/vocab.h"
#include "layers/affine.h"
#include "layers/embedding.h"
#include "layers/embedding_dot.h"
#include "layers/hierarchical_softmax_loss.h"
#include "layers/huffman_tree.h"
#include "layers/negative_sampling_loss.h"
#include "layers/matmul.h"
#include "layers/sigmoid.h"
#include "layers/sigmoid_with_loss.h"
#include "layers/softmax.h"
#include "layers/softmax_with_loss.h"
#include "layers/subword.h"
#include "layers/subword_embedding.h"
#include "models/cbow.h"
#include "models/simple_cbow.h"
#include "models/simple_skip_gram.h"
#include "models/skip_gram.h"

/* ------------------------------------------------------------ helpers */

static void fill_normal(float *x, size_t n, double scale, Rng *rng)
{
    for (size_t i = 0; i < n; i++) x[i] = (float)(scale * rng_normal(rng));
}

static void fill_ids(int32_t *ids, size_t n, int V, Rng *rng)
{
    for (size_t i = 0; i < n; i++) ids[i] = (int32_t)rng_below(rng, (uint64_t)V);
}

/* sum_i R_i out_i in double: the scalar loss of a layer that is not a loss. */
static float weighted_sum(const float *R, const float *out, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)R[i] * out[i];
    return (float)s;
}

/* sum_i |R_i out_i|: the magnitude behind weighted_sum's rounding. */
static double weighted_abs_sum(const float *R, const float *out, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += fabs((double)R[i] * out[i]);
    return s;
}

/* A Param of the given 2-D shape filled with scale * N(0, 1). */
static void make_param(Param *p, const char *name, int rows, int cols, bool track_rows,
                       double scale, Rng *rng)
{
    const int shape[2] = {rows, cols};
    param_init(p, name, 2, shape, track_rows);
    fill_normal(p->value.data, p->value.size, scale, rng);
}

/* Scales every parameter of a model from the 0.01 training init to O(1). */
static void scale_params(Model *m, float factor)
{
    for (int i = 0; i < m->n_params; i++) {
        Tensor *v = &m->params[i]->value;
        for (size_t j = 0; j < v->size; j++) v->data[j] *= factor;
    }
}

/* ------------------------------------------------------ MatMul, Affine */

enum { MM_N = 3, MM_D = 4, MM_H = 5 };

typedef struct AffineCase {
    Param W;                /* (D, H) */
    Param b;                /* (H,) Affine only */
    MatMul matmul;
    Affine affine;
    bool has_bias;          /* Affine rather than MatMul */
    float x[MM_N * MM_D];
    float dx[MM_N * MM_D];
    float out[MM_N * MM_H];
    float R[MM_N * MM_H];
} AffineCase;

static float affine_case_loss(void *ctx)
{
    AffineCase *c = ctx;
    if (c->has_bias)
        affine_forward(&c->affine, c->out, c->x, MM_N);
    else
        matmul_forward(&c->matmul, c->out, c->x, MM_N);
    return weighted_sum(c->R, c->out, MM_N * MM_H);
}

static void affine_case_gradients(void *ctx)
{
    AffineCase *c = ctx;
    param_zero_grad(&c->W);
    if (c->has_bias) param_zero_grad(&c->b);
    memset(c->dx, 0, sizeof c->dx);
    (void)affine_case_loss(c);
    if (c->has_bias)
        affine_backward(&c->affine, c->dx, c->R);
    else
        matmul_backward(&c->matmul, c->dx, c->R);
}

static void build_affine_case(GradCheckProblem *p, Rng *rng, bool has_bias)
{
    AffineCase *c = dlfs_calloc(1, sizeof *c);
    c->has_bias = has_bias;
    make_param(&c->W, "W", MM_D, MM_H, false, 1.0, rng);
    if (has_bias) {
        param_init(&c->b, "b", 1, (const int[]){MM_H}, false);
        fill_normal(c->b.value.data, MM_H, 1.0, rng);
        affine_init(&c->affine, &c->W, &c->b);
    } else {
        matmul_init(&c->matmul, &c->W);
    }
    fill_normal(c->x, MM_N * MM_D, 1.0, rng);
    fill_normal(c->R, MM_N * MM_H, 1.0, rng);

    *p = (GradCheckProblem){.name = has_bias ? "Affine" : "MatMul", .ctx = c,
                            .loss = affine_case_loss, .gradients = affine_case_gradients};
    gradcheck_add_param(p, &c->W);
    if (has_bias) gradcheck_add_param(p, &c->b);
    gradcheck_add_tensor(p, "x", c->x, c->dx, 2, (const int[]){MM_N, MM_D});
    p->batch = MM_N;
    (void)affine_case_loss(c);
    p->noise_scale = weighted_abs_sum(c->R, c->out, MM_N * MM_H);
}

static void build_matmul(GradCheckProblem *p, Rng *rng) { build_affine_case(p, rng, false); }
static void build_affine(GradCheckProblem *p, Rng *rng) { build_affine_case(p, rng, true); }

static void destroy_affine(void *ctx)
{
    AffineCase *c = ctx;
    param_free(&c->W);
    if (c->has_bias) param_free(&c->b);
    free(c);
}

/* ----------------------------------------------------- Sigmoid, Softmax */

enum { ACT_N = 3, ACT_C = 5 };

typedef struct ActivationCase {
    Sigmoid sigmoid;
    Softmax softmax;
    bool is_softmax;
    float x[ACT_N * ACT_C];
    float dx[ACT_N * ACT_C];
    float out[ACT_N * ACT_C];
    float R[ACT_N * ACT_C];
} ActivationCase;

static float activation_case_loss(void *ctx)
{
    ActivationCase *c = ctx;
    if (c->is_softmax)
        softmax_forward(&c->softmax, c->out, c->x, ACT_N);
    else
        sigmoid_forward(&c->sigmoid, c->out, c->x, ACT_N * ACT_C);
    return weighted_sum(c->R, c->out, ACT_N * ACT_C);
}

static void activation_case_gradients(void *ctx)
{
    ActivationCase *c = ctx;
    memset(c->dx, 0, sizeof c->dx);
    (void)activation_case_loss(c);
    if (c->is_softmax)
        softmax_backward(&c->softmax, c->dx, c->R);
    else
        sigmoid_backward(&c->sigmoid, c->dx, c->R);
}

static void build_activation(GradCheckProblem *p, Rng *rng, bool is_softmax)
{
    ActivationCase *c = dlfs_calloc(1, sizeof *c);
    c->is_softmax = is_softmax;
    if (is_softmax)
        softmax_init(&c->softmax, ACT_N, ACT_C);
    else
        sigmoid_init(&c->sigmoid, ACT_N * ACT_C);
    fill_normal(c->x, ACT_N * ACT_C, 2.0, rng);
    fill_normal(c->R, ACT_N * ACT_C, 1.0, rng);

    *p = (GradCheckProblem){.name = is_softmax ? "Softmax" : "Sigmoid", .ctx = c,
                            .loss = activation_case_loss,
                            .gradients = activation_case_gradients};
    gradcheck_add_tensor(p, "x", c->x, c->dx, 2, (const int[]){ACT_N, ACT_C});
    p->batch = ACT_N;
    (void)activation_case_loss(c);
    p->noise_scale = weighted_abs_sum(c->R, c->out, ACT_N * ACT_C);
}

static void build_sigmoid(GradCheckProblem *p, Rng *rng) { build_activation(p, rng, false); }
static void build_softmax(GradCheckProblem *p, Rng *rng) { build_activation(p, rng, true); }

static void destroy_activation(void *ctx)
{
    ActivationCase *c = ctx;
    if (c->is_softmax)
        softmax_free(&c->softmax);
    else
        sigmoid_free(&c->sigmoid);
    free(c);
}

/* ---------------------------------------------------- SoftmaxWithLoss */

typedef struct SoftmaxWithLossCase {
    SoftmaxWithLoss layer;
    float x[ACT_N * ACT_C];
    float dx[ACT_N * ACT_C];
    int32_t t[ACT_N];
} SoftmaxWithLossCase;

static float softmax_with_loss_case_loss(void *ctx)
{
    SoftmaxWithLossCase *c = ctx;
    return softmax_with_loss_forward(&c->layer, c->x, c->t, ACT_N);
}

static void softmax_with_loss_case_gradients(void *ctx)
{
    SoftmaxWithLossCase *c = ctx;
    memset(c->dx, 0, sizeof c->dx);
    (void)softmax_with_loss_case_loss(c);
    softmax_with_loss_backward(&c->layer, c->dx, 1.0f);
}

static void build_softmax_with_loss(GradCheckProblem *p, Rng *rng)
{
    SoftmaxWithLossCase *c = dlfs_calloc(1, sizeof *c);
    softmax_with_loss_init(&c->layer, ACT_N, ACT_C);
    fill_normal(c->x, ACT_N * ACT_C, 2.0, rng);
    fill_ids(c->t, ACT_N, ACT_C, rng);

    *p = (GradCheckProblem){.name = "SoftmaxWithLoss", .ctx = c,
                            .loss = softmax_with_loss_case_loss,
                            .gradients = softmax_with_loss_case_gradients};
    gradcheck_add_tensor(p, "x", c->x, c->dx, 2, (const int[]){ACT_N, ACT_C});
    p->batch = ACT_N;
}

static void destroy_softmax_with_loss(void *ctx)
{
    SoftmaxWithLossCase *c = ctx;
    softmax_with_loss_free(&c->layer);
    free(c);
}

/* ---------------------------------------------------------- Embedding */

enum { EMB_V = 6, EMB_H = 4, EMB_B = 5 };

typedef struct EmbeddingCase {
    Param W;
    Embedding layer;
    int32_t idx[EMB_B];
    float out[EMB_B * EMB_H];
    float R[EMB_B * EMB_H];
} EmbeddingCase;

static float embedding_case_loss(void *ctx)
{
    EmbeddingCase *c = ctx;
    embedding_forward(&c->layer, c->out, c->idx, EMB_B);
    return weighted_sum(c->R, c->out, EMB_B * EMB_H);
}

static void embedding_case_gradients(void *ctx)
{
    EmbeddingCase *c = ctx;
    param_zero_grad(&c->W);
    embedding_forward(&c->layer, c->out, c->idx, EMB_B);
    embedding_backward(&c->layer, c->R);
}

/* ids with one id three times: rows 0, 2 and 4 share it */
static void repeated_ids(int32_t *idx, int B, int V, Rng *rng)
{
    fill_ids(idx, (size_t)B, V, rng);
    for (int b = 2; b < B; b += 2) idx[b] = idx[0];
}

static void build_embedding(GradCheckProblem *p, Rng *rng)
{
    EmbeddingCase *c = dlfs_calloc(1, sizeof *c);
    make_param(&c->W, "W", EMB_V, EMB_H, true, 1.0, rng);
    embedding_init(&c->layer, &c->W);
    repeated_ids(c->idx, EMB_B, EMB_V, rng);
    fill_normal(c->R, EMB_B * EMB_H, 1.0, rng);

    *p = (GradCheckProblem){.name = "Embedding", .ctx = c, .loss = embedding_case_loss,
                            .gradients = embedding_case_gradients};
    gradcheck_add_param(p, &c->W);
    gradcheck_set_row_ids(p, 0, c->idx, EMB_B);
    p->batch = EMB_B;
    (void)embedding_case_loss(c);
    p->noise_scale = weighted_abs_sum(c->R, c->out, EMB_B * EMB_H);
}

static void destroy_embedding(void *ctx)
{
    EmbeddingCase *c = ctx;
    param_free(&c->W);
    free(c);
}

/* ------------------------------------------------------- EmbeddingDot */

typedef struct EmbeddingDotCase {
    Param W;
    EmbeddingDot layer;
    int32_t idx[EMB_B];
    float h[EMB_B * EMB_H];
    float dh[EMB_B * EMB_H];
    float out[EMB_B];
    float R[EMB_B];
} EmbeddingDotCase;

static float embedding_dot_case_loss(void *ctx)
{
    EmbeddingDotCase *c = ctx;
    embedding_dot_forward(&c->layer, c->out, c->h, c->idx, EMB_B);
    return weighted_sum(c->R, c->out, EMB_B);
}

static void embedding_dot_case_gradients(void *ctx)
{
    EmbeddingDotCase *c = ctx;
    param_zero_grad(&c->W);
    memset(c->dh, 0, sizeof c->dh);
    embedding_dot_forward(&c->layer, c->out, c->h, c->idx, EMB_B);
    embedding_dot_backward(&c->layer, c->dh, c->R);
}

static void build_embedding_dot(GradCheckProblem *p, Rng *rng)
{
    EmbeddingDotCase *c = dlfs_calloc(1, sizeof *c);
    make_param(&c->W, "W", EMB_V, EMB_H, true, 1.0, rng);
    embedding_dot_init(&c->layer, &c->W);
    repeated_ids(c->idx, EMB_B, EMB_V, rng);
    fill_normal(c->h, EMB_B * EMB_H, 1.0, rng);
    fill_normal(c->R, EMB_B, 1.0, rng);

    *p = (GradCheckProblem){.name = "EmbeddingDot", .ctx = c, .loss = embedding_dot_case_loss,
                            .gradients = embedding_dot_case_gradients};
    gradcheck_add_param(p, &c->W);
    gradcheck_add_tensor(p, "h", c->h, c->dh, 2, (const int[]){EMB_B, EMB_H});
    gradcheck_set_row_ids(p, 0, c->idx, EMB_B);
    p->batch = EMB_B;
    (void)embedding_dot_case_loss(c);
    p->noise_scale = weighted_abs_sum(c->R, c->out, EMB_B);
}

static void destroy_embedding_dot(void *ctx)
{
    EmbeddingDotCase *c = ctx;
    param_free(&c->W);
    free(c);
}

/* --------------------------------------------------- SubwordEmbedding */

/*
 * Five words whose 2..3-character n-grams overlap ("<he", "her" in three
 * of them), hashed into 11 buckets so that unrelated n-grams collide too;
 * "aaaa" lists its "aaa" row twice. The batch repeats a word three times,
 * so one n-gram row gets contributions within a word, across words and
 * across repeats: a backward that overwrites instead of adding fails.
 */
enum { SUB_H = 4, SUB_B = 5, SUB_MINN = 2, SUB_MAXN = 3, SUB_BUCKETS = 11 };

static const char *const subword_case_words[] = {"her", "here", "where", "aaaa", "<eos>"};

typedef struct SubwordEmbeddingCase {
    Vocab vocab;
    SubwordTable table;
    Param W;                    /* (table.n_rows, SUB_H) */
    SubwordEmbedding layer;
    int32_t idx[SUB_B];
    int32_t *row_ids;           /* every row the batch's words gather, for the `=` hint */
    float out[SUB_B * SUB_H];
    float R[SUB_B * SUB_H];
} SubwordEmbeddingCase;

static float subword_embedding_case_loss(void *ctx)
{
    SubwordEmbeddingCase *c = ctx;
    subword_embedding_forward(&c->layer, c->out, c->idx, SUB_B);
    return weighted_sum(c->R, c->out, SUB_B * SUB_H);
}

static void subword_embedding_case_gradients(void *ctx)
{
    SubwordEmbeddingCase *c = ctx;
    param_zero_grad(&c->W);
    subword_embedding_forward(&c->layer, c->out, c->idx, SUB_B);
    subword_embedding_backward(&c->layer, c->R);
}

static void build_subword_embedding(GradCheckProblem *p, Rng *rng)
{
    SubwordEmbeddingCase *c = dlfs_calloc(1, sizeof *c);
    const int n_words = (int)(sizeof subword_case_words / sizeof subword_case_words[0]);
    vocab_init(&c->vocab);
    for (int i = 0; i < n_words; i++) (void)vocab_add(&c->vocab, subword_case_words[i]);
    DlfsError err;
    DLFS_ASSERT(subword_table_init(&c->table, &c->vocab, "<eos>", SUB_MINN, SUB_MAXN, SUB_BUCKETS,
                                   &err) == DLFS_OK);
    make_param(&c->W, "W", c->table.n_rows, SUB_H, true, 1.0, rng);
    subword_embedding_init(&c->layer, &c->W, &c->table);
    repeated_ids(c->idx, SUB_B, n_words, rng);
    fill_normal(c->R, SUB_B * SUB_H, 1.0, rng);
    size_t n_rows = 0;
    for (int b = 0; b < SUB_B; b++) {
        int count;
        (void)subword_table_word_rows(&c->table, c->idx[b], &count);
        n_rows += (size_t)count;
    }
    c->row_ids = dlfs_malloc(n_rows * sizeof *c->row_ids);
    n_rows = 0;
    for (int b = 0; b < SUB_B; b++) {
        int count;
        const int32_t *rows = subword_table_word_rows(&c->table, c->idx[b], &count);
        memcpy(c->row_ids + n_rows, rows, (size_t)count * sizeof *rows);
        n_rows += (size_t)count;
    }

    *p = (GradCheckProblem){.name = "SubwordEmbedding", .ctx = c,
                            .loss = subword_embedding_case_loss,
                            .gradients = subword_embedding_case_gradients};
    gradcheck_add_param(p, &c->W);
    gradcheck_set_row_ids(p, 0, c->row_ids, n_rows);
    p->batch = SUB_B;
    (void)subword_embedding_case_loss(c);
    p->noise_scale = weighted_abs_sum(c->R, c->out, SUB_B * SUB_H);
}

static void destroy_subword_embedding(void *ctx)
{
    SubwordEmbeddingCase *c = ctx;
    param_free(&c->W);
    subword_table_free(&c->table);
    vocab_free(&c->vocab);
    free(c->row_ids);
    free(c);
}

/* ---------------------------------------------------- SigmoidWithLoss */

enum { SWL_B = 6 };

typedef struct SigmoidWithLossCase {
    SigmoidWithLoss layer;
    float x[SWL_B];
    float dx[SWL_B];
    int32_t t[SWL_B];
} SigmoidWithLossCase;

static float sigmoid_with_loss_case_loss(void *ctx)
{
    SigmoidWithLossCase *c = ctx;
    return sigmoid_with_loss_forward(&c->layer, c->x, c->t, SWL_B);
}

static void sigmoid_with_loss_case_gradients(void *ctx)
{
    SigmoidWithLossCase *c = ctx;
    memset(c->dx, 0, sizeof c->dx);
    (void)sigmoid_with_loss_forward(&c->layer, c->x, c->t, SWL_B);
    sigmoid_with_loss_backward(&c->layer, c->dx, 1.0f);
}

static void build_sigmoid_with_loss(GradCheckProblem *p, Rng *rng)
{
    SigmoidWithLossCase *c = dlfs_calloc(1, sizeof *c);
    sigmoid_with_loss_init(&c->layer, SWL_B);
    fill_normal(c->x, SWL_B, 2.0, rng);
    fill_ids(c->t, SWL_B, 2, rng);

    *p = (GradCheckProblem){.name = "SigmoidWithLoss", .ctx = c,
                            .loss = sigmoid_with_loss_case_loss,
                            .gradients = sigmoid_with_loss_case_gradients};
    gradcheck_add_tensor(p, "x", c->x, c->dx, 1, (const int[]){SWL_B});
    p->batch = SWL_B;
}

static void destroy_sigmoid_with_loss(void *ctx)
{
    SigmoidWithLossCase *c = ctx;
    sigmoid_with_loss_free(&c->layer);
    free(c);
}

/* ----------------------------------------------- NegativeSamplingLoss */

enum { NS_V = 8, NS_H = 4, NS_B = 3, NS_S = 3 };

typedef struct NegativeSamplingCase {
    Param W_out;
    NegativeSamplingLoss layer;
    float h[NS_B * NS_H];
    float dh[NS_B * NS_H];
    int32_t target[NS_B];
    int32_t negative_sample[NS_B * NS_S];
} NegativeSamplingCase;

static float negative_sampling_case_loss(void *ctx)
{
    NegativeSamplingCase *c = ctx;
    return negative_sampling_loss_forward(&c->layer, c->h, c->target, c->negative_sample, NS_B);
}

static void negative_sampling_case_gradients(void *ctx)
{
    NegativeSamplingCase *c = ctx;
    param_zero_grad(&c->W_out);
    memset(c->dh, 0, sizeof c->dh);
    (void)negative_sampling_case_loss(c);
    negative_sampling_loss_backward(&c->layer, c->dh, 1.0f);
}

static void build_negative_sampling_loss(GradCheckProblem *p, Rng *rng)
{
    NegativeSamplingCase *c = dlfs_calloc(1, sizeof *c);
    make_param(&c->W_out, "W_out", NS_V, NS_H, true, 0.5, rng);
    negative_sampling_loss_init(&c->layer, &c->W_out, NS_S, NS_B);
    fill_normal(c->h, NS_B * NS_H, 0.5, rng);
    fill_ids(c->target, NS_B, NS_V, rng);
    /* negatives: never the target, as the UnigramSampler draws them */
    for (int b = 0; b < NS_B; b++) {
        for (int s = 0; s < NS_S; s++) {
            int32_t w;
            do w = (int32_t)rng_below(rng, NS_V); while (w == c->target[b]);
            c->negative_sample[b * NS_S + s] = w;
        }
    }

    *p = (GradCheckProblem){.name = "NegativeSamplingLoss", .ctx = c,
                            .loss = negative_sampling_case_loss,
                            .gradients = negative_sampling_case_gradients};
    gradcheck_add_param(p, &c->W_out);
    gradcheck_add_tensor(p, "h", c->h, c->dh, 2, (const int[]){NS_B, NS_H});
    p->batch = NS_B;
}

static void destroy_negative_sampling_loss(void *ctx)
{
    NegativeSamplingCase *c = ctx;
    negative_sampling_loss_free(&c->layer);
    param_free(&c->W_out);
    free(c);
}

/* -------------------------------------------- HierarchicalSoftmaxLoss */

enum { HS_V = 7, HS_H = 4, HS_B = 4 };

/* Codes 11, 0000, 101, 0001, 001, 01, 100: paths of 2 to 4 decisions. */
static const int64_t hs_counts[HS_V] = {30, 3, 12, 4, 7, 20, 9};

typedef struct HierarchicalSoftmaxCase {
    HuffmanTree tree;
    Param W;                /* (HS_V - 1, HS_H) */
    HierarchicalSoftmaxLoss layer;
    float h[HS_B * HS_H];
    float dh[HS_B * HS_H];
    int32_t target[HS_B];
} HierarchicalSoftmaxCase;

static float hierarchical_softmax_case_loss(void *ctx)
{
    HierarchicalSoftmaxCase *c = ctx;
    return hierarchical_softmax_loss_forward(&c->layer, c->h, c->target, HS_B);
}

static void hierarchical_softmax_case_gradients(void *ctx)
{
    HierarchicalSoftmaxCase *c = ctx;
    param_zero_grad(&c->W);
    memset(c->dh, 0, sizeof c->dh);
    (void)hierarchical_softmax_case_loss(c);
    hierarchical_softmax_loss_backward(&c->layer, c->dh, 1.0f);
}

static void build_hierarchical_softmax_loss(GradCheckProblem *p, Rng *rng)
{
    HierarchicalSoftmaxCase *c = dlfs_calloc(1, sizeof *c);
    DlfsError err;
    DLFS_ASSERT(huffman_tree_init(&c->tree, hs_counts, HS_V, &err) == DLFS_OK);
    make_param(&c->W, "W", HS_V - 1, HS_H, true, 0.5, rng);
    hierarchical_softmax_loss_init(&c->layer, &c->W, &c->tree, HS_B);
    fill_normal(c->h, HS_B * HS_H, 0.5, rng);
    repeated_ids(c->target, HS_B, HS_V, rng);   /* rows 0 and 2: one path walked twice */

    *p = (GradCheckProblem){.name = "HierarchicalSoftmaxLoss", .ctx = c,
                            .loss = hierarchical_softmax_case_loss,
                            .gradients = hierarchical_softmax_case_gradients};
    gradcheck_add_param(p, &c->W);
    gradcheck_add_tensor(p, "h", c->h, c->dh, 2, (const int[]){HS_B, HS_H});
    p->batch = HS_B;
}

static void destroy_hierarchical_softmax_loss(void *ctx)
{
    HierarchicalSoftmaxCase *c = ctx;
    hierarchical_softmax_loss_free(&c->layer);
    param_free(&c->W);
    huffman_tree_free(&c->tree);
    free(c);
}

/* ------------------------------------------------- CBOW and SkipGram */

enum { W2V_V = 10, W2V_H = 5, W2V_WINDOW = 2, W2V_S = 3, W2V_B = 4, W2V_CORPUS = 40 };

/* A random corpus and minibatch, drawn from rng. */
typedef struct Word2VecBatch {
    int32_t corpus[W2V_CORPUS];
    int32_t contexts[W2V_B * 2 * W2V_WINDOW];
    int32_t target[W2V_B];
} Word2VecBatch;

static Word2VecConfig word2vec_case_config(Word2VecBatch *batch, Rng *rng)
{
    /* every word appears, so the sampler can always find S distinct negatives */
    for (int i = 0; i < W2V_CORPUS; i++)
        batch->corpus[i] = i < W2V_V ? i : (int32_t)rng_below(rng, W2V_V);
    fill_ids(batch->contexts, W2V_B * 2 * W2V_WINDOW, W2V_V, rng);
    fill_ids(batch->target, W2V_B, W2V_V, rng);
    Word2VecConfig cfg = word2vec_default_config(W2V_V);
    cfg.hidden_size = W2V_H;
    cfg.window_size = W2V_WINDOW;
    cfg.sample_size = W2V_S;
    cfg.max_batch = W2V_B;
    return cfg;
}

/*
 * A model case: the check's storage, the model, its Model view and its
 * batch. storage comes first: the problem's ctx is &storage, which is also
 * the address of the whole case that destroy_model frees.
 */
typedef struct ModelCase {
    GradCheckModelCtx storage;
    union {
        SimpleCBOW simple_cbow;
        SimpleSkipGram simple_skip_gram;
        CBOW cbow;
        SkipGram skip_gram;
    } u;
    void (*free_model)(void *model);
    Model model;
    Word2VecBatch batch;
    Vocab vocab;                /* the subword cases' words (W2V_V of them); else empty */
    SubwordTable table;         /* their n-grams, borrowed by the model; else zeroed */
} ModelCase;

/* Fills p for c->model, scaled to O(1) weights; the model draws its negatives from rng. */
static void model_problem(GradCheckProblem *p, ModelCase *c, int B, Rng *rng)
{
    /* 0.01 N(0,1) -> 0.5 N(0,1); with subwords 1.5 N(0,1): a mean of about 9 rows is then O(1) too */
    scale_params(&c->model, c->table.n_rows > 0 ? 150.0f : 50.0f);
    gradcheck_model_problem(p, &c->storage, &c->model, c->batch.contexts, c->batch.target, B,
                            rng);
}

static void destroy_model(void *ctx)
{
    ModelCase *c = ctx;
    c->free_model(&c->u);
    subword_table_free(&c->table);
    if (c->vocab.id_to_word) vocab_free(&c->vocab);
    free(c);
}

static void free_simple_cbow(void *m) { simple_cbow_free(m); }
static void free_simple_skip_gram(void *m) { simple_skip_gram_free(m); }
static void free_cbow(void *m) { cbow_free(m); }
static void free_skip_gram(void *m) { skip_gram_free(m); }

static void build_simple_cbow(GradCheckProblem *p, Rng *rng)
{
    ModelCase *c = dlfs_calloc(1, sizeof *c);
    (void)word2vec_case_config(&c->batch, rng);
    simple_cbow_init(&c->u.simple_cbow, W2V_V, W2V_H, W2V_WINDOW, W2V_B, rng);
    c->free_model = free_simple_cbow;
    simple_cbow_as_model(&c->u.simple_cbow, &c->model);
    model_problem(p, c, W2V_B, rng);
}

static void build_simple_skip_gram(GradCheckProblem *p, Rng *rng)
{
    ModelCase *c = dlfs_calloc(1, sizeof *c);
    (void)word2vec_case_config(&c->batch, rng);
    simple_skip_gram_init(&c->u.simple_skip_gram, W2V_V, W2V_H, W2V_WINDOW, W2V_B, rng);
    c->free_model = free_simple_skip_gram;
    simple_skip_gram_as_model(&c->u.simple_skip_gram, &c->model);
    model_problem(p, c, W2V_B, rng);
}

/* CBOW with the given output loss. */
static void build_cbow_with(GradCheckProblem *p, Rng *rng, Word2VecLoss loss, const char *name)
{
    ModelCase *c = dlfs_calloc(1, sizeof *c);
    Word2VecConfig cfg = word2vec_case_config(&c->batch, rng);
    cfg.loss = loss;
    DlfsError err;
    DLFS_ASSERT(cbow_init(&c->u.cbow, &cfg, c->batch.corpus, W2V_CORPUS, rng, &err) == DLFS_OK);
    c->free_model = free_cbow;
    cbow_as_model(&c->u.cbow, &c->model);
    model_problem(p, c, W2V_B, rng);
    p->name = name;
    /* W_in's rows are gathered by the contexts */
    DLFS_ASSERT(strcmp(p->tensors[0].name, "W_in") == 0);
    gradcheck_set_row_ids(p, 0, c->batch.contexts, W2V_B * 2 * W2V_WINDOW);
}

/* SkipGram with the given output loss. */
static void build_skip_gram_with(GradCheckProblem *p, Rng *rng, Word2VecLoss loss,
                                 const char *name)
{
    ModelCase *c = dlfs_calloc(1, sizeof *c);
    Word2VecConfig cfg = word2vec_case_config(&c->batch, rng);
    cfg.loss = loss;
    DlfsError err;
    DLFS_ASSERT(skip_gram_init(&c->u.skip_gram, &cfg, c->batch.corpus, W2V_CORPUS, rng, &err) ==
                DLFS_OK);
    c->free_model = free_skip_gram;
    skip_gram_as_model(&c->u.skip_gram, &c->model);
    model_problem(p, c, W2V_B, rng);
    p->name = name;
    /* W_in's rows are gathered by the targets */
    DLFS_ASSERT(strcmp(p->tensors[0].name, "W_in") == 0);
    gradcheck_set_row_ids(p, 0, c->batch.target, W2V_B);
}

static void build_cbow(GradCheckProblem *p, Rng *rng)
{
    build_cbow_with(p, rng, WORD2VEC_LOSS_NEGSAMP, "CBOW");
}

static void build_skip_gram(GradCheckProblem *p, Rng *rng)
{
    build_skip_gram_with(p, rng, WORD2VEC_LOSS_NEGSAMP, "SkipGram");
}

static void build_cbow_softmax(GradCheckProblem *p, Rng *rng)
{
    build_cbow_with(p, rng, WORD2VEC_LOSS_SOFTMAX, "CBOW-softmax");
}

static void build_cbow_hsoftmax(GradCheckProblem *p, Rng *rng)
{
    build_cbow_with(p, rng, WORD2VEC_LOSS_HSOFTMAX, "CBOW-hsoftmax");
}

static void build_skip_gram_softmax(GradCheckProblem *p, Rng *rng)
{
    build_skip_gram_with(p, rng, WORD2VEC_LOSS_SOFTMAX, "SkipGram-softmax");
}

static void build_skip_gram_hsoftmax(GradCheckProblem *p, Rng *rng)
{
    build_skip_gram_with(p, rng, WORD2VEC_LOSS_HSOFTMAX, "SkipGram-hsoftmax");
}

/*
 * CBOW and SkipGram with subword inputs (fastText's; layers/subword_embedding.h):
 * ten words whose 2..3-character n-grams overlap ("<he", "her", "ere"), in 11
 * buckets so that unrelated n-grams collide too; W_in has the words' rows
 * and the used buckets'. The batch's ids repeat, so an n-gram row gets
 * contributions within a word, across words and across context positions.
 */
static const char *const w2v_subword_words[W2V_V] = {"her",  "here", "where", "aaaa", "<eos>",
                                                     "there", "he",  "hero",  "ere",  "wh"};

static Word2VecConfig subword_case_config(ModelCase *c, Rng *rng)
{
    Word2VecConfig cfg = word2vec_case_config(&c->batch, rng);
    vocab_init(&c->vocab);
    for (int i = 0; i < W2V_V; i++) (void)vocab_add(&c->vocab, w2v_subword_words[i]);
    DlfsError err;
    DLFS_ASSERT(subword_table_init(&c->table, &c->vocab, "<eos>", 2, 3, 11, &err) == DLFS_OK);
    cfg.subwords = &c->table;
    return cfg;
}

static void build_cbow_subwords(GradCheckProblem *p, Rng *rng)
{
    ModelCase *c = dlfs_calloc(1, sizeof *c);
    const Word2VecConfig cfg = subword_case_config(c, rng);
    DlfsError err;
    DLFS_ASSERT(cbow_init(&c->u.cbow, &cfg, c->batch.corpus, W2V_CORPUS, rng, &err) == DLFS_OK);
    c->free_model = free_cbow;
    cbow_as_model(&c->u.cbow, &c->model);
    model_problem(p, c, W2V_B, rng);
    p->name = "CBOW-subwords";
}

static void build_skip_gram_subwords(GradCheckProblem *p, Rng *rng)
{
    ModelCase *c = dlfs_calloc(1, sizeof *c);
    const Word2VecConfig cfg = subword_case_config(c, rng);
    DlfsError err;
    DLFS_ASSERT(skip_gram_init(&c->u.skip_gram, &cfg, c->batch.corpus, W2V_CORPUS, rng, &err) == DLFS_OK);
    c->free_model = free_skip_gram;
    skip_gram_as_model(&c->u.skip_gram, &c->model);
    model_problem(p, c, W2V_B, rng);
    p->name = "SkipGram-subwords";
}

/* -------------------------------------------------------------- table */

typedef struct GradCheckCase {
    const char *name;
    void (*build)(GradCheckProblem *p, Rng *rng);   /* p->ctx allocated */
    void (*destroy)(void *ctx);
} GradCheckCase;

static const GradCheckCase cases[] = {
    {"MatMul", build_matmul, destroy_affine},
    {"Affine", build_affine, destroy_affine},
    {"Sigmoid", build_sigmoid, destroy_activation},
    {"Softmax", build_softmax, destroy_activation},
    {"SoftmaxWithLoss", build_softmax_with_loss, destroy_softmax_with_loss},
    {"SigmoidWithLoss", build_sigmoid_with_loss, destroy_sigmoid_with_loss},
    {"Embedding", build_embedding, destroy_embedding},
    {"EmbeddingDot", build_embedding_dot, destroy_embedding_dot},
    {"SubwordEmbedding", build_subword_embedding, destroy_subword_embedding},
    {"NegativeSamplingLoss", build_negative_sampling_loss, destroy_negative_sampling_loss},
    {"HierarchicalSoftmaxLoss", build_hierarchical_softmax_loss, destroy_hierarchical_softmax_loss},
    {"SimpleCBOW", build_simple_cbow, destroy_model},
    {"SimpleSkipGram", build_simple_skip_gram, destroy_model},
    {"CBOW", build_cbow, destroy_model},
    {"SkipGram", build_skip_gram, destroy_model},
    {"CBOW-softmax", build_cbow_softmax, destroy_model},
    {"CBOW-hsoftmax", build_cbow_hsoftmax, destroy_model},
    {"SkipGram-softmax", build_skip_gram_softmax, destroy_model},
    {"SkipGram-hsoftmax", build_skip_gram_hsoftmax, destroy_model},
    {"CBOW-subwords", build_cbow_subwords, destroy_model},
    {"SkipGram-subwords", build_skip_gram_subwords, destroy_model},
};

int gradcheck_case_count(void)
{
    return (int)(sizeof cases / sizeof cases[0]);
}

const char *gradcheck_case_name(int i)
{
    DLFS_ASSERT(i >= 0 && i < gradcheck_case_count());
    return cases[i].name;
}

int gradcheck_case_find(const char *name)
{
    for (int i = 0; i < gradcheck_case_count(); i++)
        if (strcasecmp(cases[i].name, name) == 0) return i;
    return -1;
}

void gradcheck_case_build(int i, uint64_t seed, GradCheckProblem *p)
{
    DLFS_ASSERT(i >= 0 && i < gradcheck_case_count());
    Rng rng;
    rng_seed(&rng, seed);
    cases[i].build(p, &rng);
}

void gradcheck_case_free(int i, GradCheckProblem *p)
{
    DLFS_ASSERT(i >= 0 && i < gradcheck_case_count());
    cases[i].destroy(p->ctx);
    memset(p, 0, sizeof *p);
}

int gradcheck_run_case(int i, uint64_t seed, GradCheckResult *results)
{
    GradCheckProblem p;
    gradcheck_case_build(i, seed, &p);
    (void)gradcheck_run(&p, results);
    const int n = p.n_tensors;
    gradcheck_case_free(i, &p);
    return n;
}
