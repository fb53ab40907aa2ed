/*
 * test_subword_train.c — CBOW and SkipGram with subword input vectors
 * (Word2VecConfig.subwords; fastText's input side, issue 22):
 * - the exact update: B rows of the fused SGD step (cbow_sgd_step,
 *   skip_gram_sgd_step and their hierarchical-softmax steps) give the
 *   weights and loss of B one-row layer-path steps (SubwordEmbedding
 *   layers forward and backward, then SGD) with the same negatives, to float
 *   tolerance, for words that share n-gram rows, a bucket collision, an
 *   n-gram listed twice in one word, absent contexts and ids repeated;
 * - fastText's update (subword_fasttext_update): against a double-precision
 *   reference written out here (CBOW: h the mean over all rows of all
 *   context words, each of those rows += the whole e; SkipGram: h the mean
 *   of the target's rows, each += e), and, in SkipGram, each target row
 *   moving exactly c times as far as under the exact update;
 * - W_in has the table's rows, and the models refuse nothing they should
 *   train.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/vocab.h"
#include "layers/subword.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "training/fast_trainer.h"
#include "training/model.h"
#include "tests/testutil.h"
#include "tests/fused_testutil.h"

enum { V = 11, H = 13, W = 2, K = 2 * W, S = 3, B = 5 };

/*
 * Words whose 2..3-character n-grams overlap ("<ca", "cat", "at>" in
 * several), hashed into 13 buckets so that unrelated n-grams collide too;
 * "aaaa" lists its "aa" and "aaa" rows more than once; "<eos>" has its
 * own row only; "été" has n-grams over UTF-8 characters.
 */
static const char *const words[V] = {"<eos>", "cat", "cats", "at", "aaaa", "bat",
                                     "hat",   "chat", "a",   "été", "cattle"};

/* every word of [0, V) at least once, so the sampler can draw them all */
static const int32_t corpus[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 4, 4, 2, 7};

/* contexts (B, 2W): -1 for absent words, ids repeated within and across rows */
static const int32_t contexts[B * K] = {
    1, 1, 3, -1,
    -1, -1, 4, -1,
    4, 4, 4, 0,
    2, 9, 1, 10,
    -1, 3, 1, 3,
};
static const int32_t target[B] = {2, 7, 2, 5, 6};
static const int32_t cbow_negatives[B * S] = {7, 7, 0, 3, 2, 9, 5, 1, 5, 7, 7, 7, 2, 8, 10};

typedef struct Fixture {
    Vocab vocab;
    SubwordTable table;
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    vocab_init(&f->vocab);
    for (int i = 0; i < V; i++) (void)vocab_add(&f->vocab, words[i]);
    DlfsError err = {0};
    if (subword_table_init(&f->table, &f->vocab, "<eos>", 2, 3, 13, &err) != DLFS_OK) return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    subword_table_free(&f->table);
    vocab_free(&f->vocab);
    free(f);
    return 0;
}

static Word2VecConfig config(const Fixture *f, Word2VecLoss loss, bool full_grad, bool fasttext)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = W;
    cfg.sample_size = S;
    cfg.max_batch = B;
    cfg.loss = loss;
    cfg.context_full_grad = full_grad;
    cfg.subwords = &f->table;
    cfg.subword_fasttext_update = fasttext;
    return cfg;
}

static void build_cbow(CBOW *m, const Word2VecConfig *cfg, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(cbow_init(m, cfg, corpus, 16, &rng, &err), DLFS_OK);
    spread_weights(&m->W_in, &m->W_out, &rng);
}

static void build_sg(SkipGram *m, const Word2VecConfig *cfg, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(skip_gram_init(m, cfg, corpus, 16, &rng, &err), DLFS_OK);
    spread_weights(&m->W_in, &m->W_out, &rng);
}

/* The table is what the test means: shared rows, a word listing a row twice, more rows than words. */
static void test_table_shape(void **state)
{
    const Fixture *f = *state;
    assert_true(f->table.n_rows > V);
    int c;
    const int32_t *r = subword_table_word_rows(&f->table, 0, &c);
    assert_int_equal(c, 1);   /* <eos>: its own row only */
    assert_int_equal(r[0], 0);
    r = subword_table_word_rows(&f->table, 4, &c);   /* aaaa: <a <aa aa aaa aa aaa aa a> a>... */
    int repeats = 0;
    for (int i = 0; i < c; i++)
        for (int j = i + 1; j < c; j++) repeats += r[i] == r[j];
    assert_true(repeats >= 2);
    /* W_in of a model has the table's rows */
    const Word2VecConfig cfg = config(f, WORD2VEC_LOSS_NEGSAMP, false, false);
    CBOW m;
    build_cbow(&m, &cfg, 1);
    assert_int_equal(m.W_in.value.shape[0], f->table.n_rows);
    assert_int_equal(m.W_out.value.shape[0], V);
    cbow_free(&m);
}

/* ---- the exact update: fused == layer path ---- */

static void check_cbow_exact(const Fixture *f, Word2VecLoss loss, bool full_grad)
{
    const Word2VecConfig cfg = config(f, loss, full_grad, false);
    CBOW layer, fused, before;
    build_cbow(&layer, &cfg, 7);
    build_cbow(&fused, &cfg, 7);
    build_cbow(&before, &cfg, 7);
    Model ml, mf;
    cbow_as_model(&layer, &ml);
    cbow_as_model(&fused, &mf);
    const FastTrainerConfig tc = sgd_config(1);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.3f;
    const bool ns = loss == WORD2VEC_LOSS_NEGSAMP;
    double loss_layer = 0.0;
    for (int b = 0; b < B; b++) {
        loss_layer += cbow_forward(&layer, contexts + (size_t)b * K, &target[b], ns ? cbow_negatives + b * S : NULL, 1);
        cbow_backward(&layer);
        fast_trainer_apply_update(&tl, &ml, lr, 0.0f);
    }
    loss_layer /= B;
    const float loss_fused = ns ? cbow_sgd_step(&fused, contexts, target, cbow_negatives, B, lr)
                                : mf.ops->sgd_step(mf.self, contexts, target, B, lr);
    assert_true(loss_layer > 1.0);
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    assert_no_grad(&fused.W_in);
    assert_no_grad(&fused.W_out);
    /* n-gram rows moved (beyond the words' own rows), not only word rows */
    double moved = 0.0;
    for (size_t i = (size_t)V * H; i < before.W_in.value.size; i++)
        moved += fabs(fused.W_in.value.data[i] - before.W_in.value.data[i]);
    assert_true(moved > 1e-2);
    fast_trainer_free(&tl);
    cbow_free(&layer);
    cbow_free(&fused);
    cbow_free(&before);
}

static void test_cbow_exact_mean(void **state) { check_cbow_exact(*state, WORD2VEC_LOSS_NEGSAMP, false); }
static void test_cbow_exact_full_grad(void **state) { check_cbow_exact(*state, WORD2VEC_LOSS_NEGSAMP, true); }
static void test_cbow_exact_hs(void **state) { check_cbow_exact(*state, WORD2VEC_LOSS_HSOFTMAX, false); }

/* Negatives in word2vec_output_sample's (K, B, S) layout: column k's present rows compacted. */
static void fill_sg_negatives(int32_t *negs)
{
    memset(negs, 0xff, (size_t)K * B * S * sizeof *negs);
    for (int k = 0; k < K; k++) {
        int n = 0;
        for (int b = 0; b < B; b++) {
            if (contexts[b * K + k] < 0) continue;
            for (int s = 0; s < S; s++) negs[(size_t)k * B * S + (size_t)n * S + s] = (3 * k + 5 * b + 7 * s) % V;
            n++;
        }
    }
}

static void check_sg_exact(const Fixture *f, Word2VecLoss loss)
{
    const Word2VecConfig cfg = config(f, loss, false, false);
    const bool ns = loss == WORD2VEC_LOSS_NEGSAMP;
    /* the hierarchical softmax's layer path takes no absent context: -1 becomes word 8 there */
    int32_t ctx[B * K];
    for (int i = 0; i < B * K; i++) ctx[i] = !ns && contexts[i] < 0 ? 8 : contexts[i];
    int32_t negs[K * B * S];
    fill_sg_negatives(negs);
    SkipGram layer, fused;
    build_sg(&layer, &cfg, 11);
    build_sg(&fused, &cfg, 11);
    Model ml, mf;
    skip_gram_as_model(&layer, &ml);
    skip_gram_as_model(&fused, &mf);
    const FastTrainerConfig tc = sgd_config(1);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.2f;
    int seen[K] = {0};
    double loss_layer = 0.0;
    for (int b = 0; b < B; b++) {
        int32_t row_negs[K * S];
        for (int k = 0; k < K && ns; k++) {
            if (ctx[b * K + k] < 0) continue;
            memcpy(row_negs + k * S, negs + (size_t)k * B * S + (size_t)seen[k]++ * S, S * sizeof *row_negs);
        }
        loss_layer += skip_gram_forward(&layer, ctx + (size_t)b * K, &target[b], ns ? row_negs : NULL, 1);
        skip_gram_backward(&layer);
        fast_trainer_apply_update(&tl, &ml, lr, 0.0f);
    }
    loss_layer /= B;
    const float loss_fused = ns ? skip_gram_sgd_step(&fused, ctx, target, negs, B, lr)
                                : mf.ops->sgd_step(mf.self, ctx, target, B, lr);
    assert_true(loss_layer > 1.0);
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    assert_no_grad(&fused.W_in);
    assert_no_grad(&fused.W_out);
    fast_trainer_free(&tl);
    skip_gram_free(&layer);
    skip_gram_free(&fused);
}

static void test_sg_exact(void **state) { check_sg_exact(*state, WORD2VEC_LOSS_NEGSAMP); }
static void test_sg_exact_hs(void **state) { check_sg_exact(*state, WORD2VEC_LOSS_HSOFTMAX); }

/* ---- fastText's update against a double-precision reference ---- */

static double sigmoid_d(double x) { return 1.0 / (1.0 + exp(-x)); }

/*
 * One output of a row in double: x = W_out[row] . h, g = lr (label -
 * sigmoid_d(x)), e += g W_out[row] (as it was); the loss term. The row's
 * W_out step g h is added by the caller after all of the row's outputs.
 */
static double ref_output(const double *out, int32_t row, const double *h, bool label, double lr, double *e,
                         double *g)
{
    double x = 0.0;
    for (int j = 0; j < H; j++) x += out[(size_t)row * H + j] * h[j];
    *g = lr * ((label ? 1.0 : 0.0) - sigmoid_d(x));
    for (int j = 0; j < H; j++) e[j] += *g * out[(size_t)row * H + j];
    return label ? -log(sigmoid_d(x)) : -log(1.0 - sigmoid_d(x));
}

static double *to_double(const Param *p)
{
    double *d = malloc(p->value.size * sizeof *d);
    for (size_t i = 0; i < p->value.size; i++) d[i] = p->value.data[i];
    return d;
}

static void assert_close_double(const float *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) assert_close(got[i], want[i], 1e-5, 1e-4);
}

/* CBOW, fastText's update: h = mean over all rows of all present contexts; each row += e. */
static void test_cbow_fasttext_reference(void **state)
{
    const Fixture *f = *state;
    const Word2VecConfig cfg = config(f, WORD2VEC_LOSS_NEGSAMP, true, true);
    /* negatives without repeats within a row, so the order of W_out's steps in a row does not matter */
    static const int32_t negs[B * S] = {7, 0, 3, 3, 2, 9, 5, 1, 7, 7, 8, 0, 2, 8, 10};
    CBOW m;
    build_cbow(&m, &cfg, 5);
    double *in = to_double(&m.W_in), *out = to_double(&m.W_out);
    const double lr = 0.25;
    double loss_ref = 0.0;
    for (int b = 0; b < B; b++) {
        double h[H] = {0}, e[H] = {0}, g[S + 1];
        int total = 0;
        for (int i = 0; i < K; i++) {
            const int32_t c = contexts[b * K + i];
            if (c < 0) continue;
            int n;
            const int32_t *rows = subword_table_word_rows(&f->table, c, &n);
            for (int r = 0; r < n; r++)
                for (int j = 0; j < H; j++) h[j] += in[(size_t)rows[r] * H + j];
            total += n;
        }
        for (int j = 0; j < H; j++) h[j] /= total;
        for (int l = 0; l <= S; l++)
            loss_ref += ref_output(out, l == 0 ? target[b] : negs[b * S + l - 1], h, l == 0, lr, e, &g[l]);
        for (int l = 0; l <= S; l++) {
            const int32_t row = l == 0 ? target[b] : negs[b * S + l - 1];
            for (int j = 0; j < H; j++) out[(size_t)row * H + j] += g[l] * h[j];
        }
        for (int i = 0; i < K; i++) {
            const int32_t c = contexts[b * K + i];
            if (c < 0) continue;
            int n;
            const int32_t *rows = subword_table_word_rows(&f->table, c, &n);
            for (int r = 0; r < n; r++)
                for (int j = 0; j < H; j++) in[(size_t)rows[r] * H + j] += e[j];   /* the whole e */
        }
    }
    const float loss = cbow_sgd_step(&m, contexts, target, negs, B, (float)lr);
    assert_close(loss, loss_ref / B, 0.0, 1e-5);
    assert_close_double(m.W_in.value.data, in, m.W_in.value.size);
    assert_close_double(m.W_out.value.data, out, m.W_out.value.size);
    free(in);
    free(out);
    cbow_free(&m);
}

/* SkipGram, fastText's update: h = mean of the target's rows; each of its rows += e (summed over the row's pairs). */
static void test_sg_fasttext_reference(void **state)
{
    const Fixture *f = *state;
    const Word2VecConfig cfg = config(f, WORD2VEC_LOSS_NEGSAMP, false, true);
    int32_t negs[K * B * S];
    fill_sg_negatives(negs);
    SkipGram m;
    build_sg(&m, &cfg, 13);
    double *in = to_double(&m.W_in), *out = to_double(&m.W_out);
    const double lr = 0.2;
    double loss_ref = 0.0;
    int seen[K] = {0};
    for (int b = 0; b < B; b++) {
        int n;
        const int32_t *rows = subword_table_word_rows(&f->table, target[b], &n);
        double h[H] = {0}, e[H] = {0}, g[K * (S + 1)];
        int32_t orow[K * (S + 1)];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < H; j++) h[j] += in[(size_t)rows[r] * H + j];
        for (int j = 0; j < H; j++) h[j] /= n;
        int m_out = 0;
        for (int k = 0; k < K; k++) {
            if (contexts[b * K + k] < 0) continue;
            const int32_t *neg = negs + (size_t)k * B * S + (size_t)seen[k]++ * S;
            for (int l = 0; l <= S; l++, m_out++) {
                orow[m_out] = l == 0 ? contexts[b * K + k] : neg[l - 1];
                loss_ref += ref_output(out, orow[m_out], h, l == 0, lr, e, &g[m_out]);
            }
        }
        for (int i = 0; i < m_out; i++)
            for (int j = 0; j < H; j++) out[(size_t)orow[i] * H + j] += g[i] * h[j];
        for (int r = 0; r < n; r++)
            for (int j = 0; j < H; j++) in[(size_t)rows[r] * H + j] += e[j];
    }
    const float loss = skip_gram_sgd_step(&m, contexts, target, negs, B, (float)lr);
    assert_close(loss, loss_ref / B, 0.0, 1e-5);
    assert_close_double(m.W_in.value.data, in, m.W_in.value.size);
    assert_close_double(m.W_out.value.data, out, m.W_out.value.size);
    free(in);
    free(out);
    skip_gram_free(&m);
}

/*
 * One SkipGram row: h is the same under both updates, so W_out moves alike,
 * and a row listed once in the target's list moves exactly c times as far
 * under fastText's update as under the exact one ("cattle": c rows).
 */
static void test_sg_fasttext_is_c_times_exact(void **state)
{
    const Fixture *f = *state;
    const Word2VecConfig ce = config(f, WORD2VEC_LOSS_NEGSAMP, false, false);
    const Word2VecConfig cf = config(f, WORD2VEC_LOSS_NEGSAMP, false, true);
    SkipGram exact, ft, before;
    build_sg(&exact, &ce, 3);
    build_sg(&ft, &cf, 3);
    build_sg(&before, &ce, 3);
    static const int32_t ctx[K] = {1, 3, 5, 6};
    static const int32_t tgt[1] = {10};   /* cattle */
    static const int32_t negs[K * S] = {2, 4, 7, 8, 9, 0, 2, 3, 4, 7, 8, 9};   /* (K, 1, S) */
    const float le = skip_gram_sgd_step(&exact, ctx, tgt, negs, 1, 0.1f);
    const float lf = skip_gram_sgd_step(&ft, ctx, tgt, negs, 1, 0.1f);
    assert_true(le == lf);   /* the same forward */
    assert_memory_equal(exact.W_out.value.data, ft.W_out.value.data, exact.W_out.value.size * sizeof(float));
    int c;
    const int32_t *rows = subword_table_word_rows(&f->table, 10, &c);
    assert_true(c >= 10);
    int checked = 0;
    for (int r = 0; r < c; r++) {
        int times = 0;
        for (int q = 0; q < c; q++) times += rows[q] == rows[r];
        if (times != 1) continue;
        checked++;
        for (int j = 0; j < H; j++) {
            const size_t i = (size_t)rows[r] * H + j;
            const double de = exact.W_in.value.data[i] - before.W_in.value.data[i];
            const double df = ft.W_in.value.data[i] - before.W_in.value.data[i];
            assert_close(df, c * de, 1e-6, 1e-3);
        }
    }
    assert_true(checked >= 5);
    skip_gram_free(&exact);
    skip_gram_free(&ft);
    skip_gram_free(&before);
}

/* A thread's replica borrows the table: its layers and W_in shape follow the owner's. */
static void test_replica_shares_table(void **state)
{
    const Fixture *f = *state;
    const Word2VecConfig cfg = config(f, WORD2VEC_LOSS_NEGSAMP, true, true);
    CBOW owner, rep;
    build_cbow(&owner, &cfg, 2);
    cbow_init_shared(&rep, &owner);
    assert_ptr_equal(rep.cfg.subwords, &f->table);
    assert_ptr_equal(rep.W_in.value.data, owner.W_in.value.data);
    assert_int_equal(rep.W_in.value.shape[0], f->table.n_rows);
    assert_non_null(rep.sub_layers);
    assert_null(rep.in_layers);
    cbow_free(&rep);
    cbow_free(&owner);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_cbow_exact_mean),
        cmocka_unit_test(test_cbow_exact_full_grad),
        cmocka_unit_test(test_cbow_exact_hs),
        cmocka_unit_test(test_sg_exact),
        cmocka_unit_test(test_sg_exact_hs),
        cmocka_unit_test(test_cbow_fasttext_reference),
        cmocka_unit_test(test_sg_fasttext_reference),
        cmocka_unit_test(test_sg_fasttext_is_c_times_exact),
        cmocka_unit_test(test_replica_shares_table),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
