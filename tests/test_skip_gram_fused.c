/*
 * test_skip_gram_fused.c — the fused SkipGram SGD steps (models/skip_gram.h
 * skip_gram_sgd_step, skip_gram_sgd_step_shared; ModelOps.sgd_step) against
 * the layer path (skip_gram_forward + skip_gram_backward, textbook
 * ch04/skip_gram.py, then SGD): B rows of the fused step give the weights
 * and loss of B one-row layer steps with the same negatives (in
 * word2vec_output_sample's compacted (2w, B, S) layout), to float
 * tolerance (relative 1e-5), with absent contexts (-1), ids repeated within
 * a row and across rows, an output row named twice within a row, and a row
 * with no context at all; no gradient buffer is written. The
 * shared-negatives step (per window): one draw of S distinct words per
 * row; each row's step is -lr times the gradient of its pairs' summed loss
 * in word2vec.c's orientation (central differences of a double reference),
 * with a negative equal to the row's target skipped. Through the Model
 * interface, sample then sgd_step draws what forward draws. The
 * hierarchical softmax's fused step against one-row layer steps.
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
#include "models/skip_gram.h"
#include "training/fast_trainer.h"
#include "training/model.h"
#include "tests/testutil.h"
#include "tests/fused_testutil.h"

enum { V = 11, W = 2, K = 2 * W, S = 3, B = 6 };
/* H = 37: vector loops with a remainder; 100, the hidden size that the fused steps compile
 * a copy of their own for (test_step_h100) */
static int H = 37;

/* every word of [0, V) at least once, so the sampler can draw them all */
static const int32_t corpus[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 4, 4, 2, 7};

/* contexts (B, 2W): -1 for absent words (shrunk windows), ids repeated within and across rows */
static const int32_t contexts[B * K] = {
    1, 1, 3, -1,     /* 1 twice, one absent */
    -1, -1, 4, -1,   /* one context only */
    4, 4, 4, 0,
    -1, -1, -1, -1,  /* no context: no pair, nothing moves */
    2, 9, 1, 10,
    -1, 3, 1, 3,
};
static const int32_t target[B] = {2, 7, 2, 8, 5, 2};   /* 2 three times; 6 never a word here */

/*
 * The negatives in word2vec_output_sample's layout (K, B, S): block k
 * holds column k's present rows only, in row order. Row 0's column 2
 * draws 1 (its own contexts' word: an output row named three times in
 * the row) and 3 (its column 2's positive); columns draw the same words.
 */
static void fill_negatives(int32_t *negs)
{
    memset(negs, 0xff, (size_t)K * B * S * sizeof *negs);
    for (int k = 0; k < K; k++) {
        int n = 0;
        for (int b = 0; b < B; b++) {
            if (contexts[b * K + k] < 0) continue;
            for (int s = 0; s < S; s++) {
                int32_t w = (int32_t)((3 * k + 5 * b + 7 * s) % V);
                if (w == 6) w = 7;   /* word 6: no output row of any pair */
                negs[(size_t)k * B * S + (size_t)n * S + s] = w;
            }
            n++;
        }
    }
    /* row 0 is the first present row of column 2 */
    negs[(size_t)2 * B * S + 0] = 1;
    negs[(size_t)2 * B * S + 1] = 3;
}

static void build(SkipGram *m, Word2VecLoss loss, bool shared, uint64_t seed)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = W;
    cfg.sample_size = S;
    cfg.max_batch = B;
    cfg.loss = loss;
    cfg.shared_negatives = shared;
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(skip_gram_init(m, &cfg, corpus, 16, &rng, &err), DLFS_OK);
    spread_weights(&m->W_in, &m->W_out, &rng);
}

/*
 * One layer-path step on row b alone: forward, backward, SGD at lr (B = 1:
 * per example), on row b's negatives out of the (K, B, S) layout (*seen[k]:
 * the present rows of column k before b); returns its loss.
 */
static float layer_row_step(SkipGram *m, Model *model, FastTrainer *tr, int b, const int32_t *negs, int *seen,
                            float lr)
{
    int32_t row_negs[K * S];
    for (int k = 0; k < K; k++) {
        if (contexts[b * K + k] < 0) continue;
        memcpy(row_negs + k * S, negs + (size_t)k * B * S + (size_t)seen[k]++ * S, S * sizeof *row_negs);
    }
    const float loss = skip_gram_forward(m, contexts + (size_t)b * K, &target[b], row_negs, 1);
    skip_gram_backward(m);
    fast_trainer_apply_update(tr, model, lr, 0.0f);
    return loss;
}

static void test_step(void **state)
{
    (void)state;
    int32_t negs[K * B * S];
    fill_negatives(negs);
    SkipGram layer, fused, before;
    build(&layer, WORD2VEC_LOSS_NEGSAMP, false, 7);
    build(&fused, WORD2VEC_LOSS_NEGSAMP, false, 7);
    build(&before, WORD2VEC_LOSS_NEGSAMP, false, 7);
    Model ml;
    skip_gram_as_model(&layer, &ml);
    const FastTrainerConfig tc = sgd_config(1);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.3f;

    int seen[K] = {0};
    double loss_layer = 0.0;
    for (int b = 0; b < B; b++) loss_layer += layer_row_step(&layer, &ml, &tl, b, negs, seen, lr);
    loss_layer /= B;
    const float loss_fused = skip_gram_sgd_step(&fused, contexts, target, negs, B, lr);
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_true(loss_layer > 10.0);   /* a real loss (21.9), not 15 (S + 1) ln 2 / B = 6.9 of zero weights */
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    assert_no_grad(&fused.W_in);
    assert_no_grad(&fused.W_out);

    /* the weights moved (the comparison compared something), and only the rows named */
    double moved_in = 0.0, moved_out = 0.0;
    for (size_t i = 0; i < before.W_in.value.size; i++) {
        moved_in += fabs(fused.W_in.value.data[i] - before.W_in.value.data[i]);
        moved_out += fabs(fused.W_out.value.data[i] - before.W_out.value.data[i]);
    }
    assert_true(moved_in > 1e-2 && moved_out > 1e-2);
    for (int j = 0; j < H; j++) {
        /* W_in: only the targets of rows with a pair (8's row has none); W_out: 6 is no pair's row */
        for (int w = 0; w < V; w++) {
            if (w == 2 || w == 7 || w == 5) continue;
            assert_true(fused.W_in.value.data[w * H + j] == before.W_in.value.data[w * H + j]);
        }
        assert_true(fused.W_out.value.data[6 * H + j] == before.W_out.value.data[6 * H + j]);
    }
    fast_trainer_free(&tl);
    skip_gram_free(&layer);
    skip_gram_free(&fused);
    skip_gram_free(&before);
}

/* H = 100: skip_gram_sgd_step's copy for the textbook's hidden size against the layers */
static void test_step_h100(void **state)
{
    H = 100;
    test_step(state);
}

/* test_step_h100's teardown: the other tests' H again, also after a failed assertion. */
static int reset_hidden(void **state)
{
    (void)state;
    H = 37;
    return 0;
}

/* A row with no context present has no pair: loss 0, nothing moves (the layer path's n = 0 columns). */
static void test_absent_row(void **state)
{
    (void)state;
    int32_t negs[K * B * S];
    fill_negatives(negs);
    SkipGram m, before;
    build(&m, WORD2VEC_LOSS_NEGSAMP, false, 3);
    build(&before, WORD2VEC_LOSS_NEGSAMP, false, 3);
    const float loss = skip_gram_sgd_step(&m, contexts + 3 * K, &target[3], negs, 1, 0.5f);
    assert_true(loss == 0.0f);
    assert_same_weights(&m.W_in, &m.W_out, &before.W_in, &before.W_out);
    skip_gram_free(&m);
    skip_gram_free(&before);
}

/* At zero weights: every score 0, loss (pairs) (S + 1) ln 2 / B, and nothing moves (g * 0 = 0). */
static void test_zero_weights(void **state)
{
    (void)state;
    int32_t negs[K * B * S];
    fill_negatives(negs);
    SkipGram m;
    build(&m, WORD2VEC_LOSS_NEGSAMP, false, 5);
    memset(m.W_in.value.data, 0, m.W_in.value.size * sizeof(float));
    memset(m.W_out.value.data, 0, m.W_out.value.size * sizeof(float));
    const float loss = skip_gram_sgd_step(&m, contexts, target, negs, B, 0.5f);
    assert_close(loss, 15.0 * (S + 1) * log(2.0) / B, 0.0, 1e-6);   /* 15 contexts present */
    for (size_t i = 0; i < m.W_in.value.size; i++) assert_true(m.W_in.value.data[i] == 0.0f);
    for (size_t i = 0; i < m.W_out.value.size; i++) assert_true(m.W_out.value.data[i] == 0.0f);
    skip_gram_free(&m);
}

/*
 * Through the Model: sample(rng) then sgd_step draws the negatives
 * forward(rng) draws (the same rng state after), and moves the weights as
 * skip_gram_sgd_step on them does.
 */
static void test_model_op(void **state)
{
    (void)state;
    SkipGram layer, fused, direct;
    build(&layer, WORD2VEC_LOSS_NEGSAMP, false, 11);
    build(&fused, WORD2VEC_LOSS_NEGSAMP, false, 11);
    build(&direct, WORD2VEC_LOSS_NEGSAMP, false, 11);
    Model ml, mf;
    skip_gram_as_model(&layer, &ml);
    skip_gram_as_model(&fused, &mf);
    assert_true(mf.ops->sgd_step != NULL);   /* it has the op */
    Rng rl, rf;
    rng_seed(&rl, 99);
    rng_seed(&rf, 99);
    const float loss_layer = ml.ops->forward(ml.self, contexts, target, B, &rl);
    mf.ops->sample(mf.self, contexts, target, B, &rf);
    const float loss_op = mf.ops->sgd_step(mf.self, contexts, target, B, 0.1f);
    assert_memory_equal(layer.negative_sample, fused.negative_sample, (size_t)K * B * S * sizeof(int32_t));
    assert_true(rng_u64(&rl) == rng_u64(&rf));
    assert_true(loss_layer > 4.0f && loss_op > 4.0f);
    const float loss_direct = skip_gram_sgd_step(&direct, contexts, target, layer.negative_sample, B, 0.1f);
    assert_true(loss_op == loss_direct);
    assert_same_weights(&fused.W_in, &fused.W_out, &direct.W_in, &direct.W_out);
    skip_gram_free(&layer);
    skip_gram_free(&fused);
    skip_gram_free(&direct);
}

/*
 * The hierarchical softmax: B fused rows are B one-row layer steps
 * (forward, backward, SGD at lr), the paths sharing the root and other
 * nodes within a row and across rows. Every context is present: the
 * layers' hierarchical softmax takes no absent label.
 */
static void test_hs_step(void **state)
{
    (void)state;
    enum { BH = 4 };
    static const int32_t ctx_hs[BH * K] = {1, 1, 3, 9, 4, 4, 4, 0, 2, 9, 1, 10, 5, 3, 1, 3};
    static const int32_t target_hs[BH] = {2, 2, 7, 5};
    SkipGram layer, fused;
    build(&layer, WORD2VEC_LOSS_HSOFTMAX, false, 29);
    build(&fused, WORD2VEC_LOSS_HSOFTMAX, false, 29);
    Model ml, mf;
    skip_gram_as_model(&layer, &ml);
    skip_gram_as_model(&fused, &mf);
    assert_true(mf.ops->sgd_step != NULL);
    const FastTrainerConfig tc = sgd_config(1);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.2f;
    double loss_layer = 0.0;
    for (int b = 0; b < BH; b++) {
        loss_layer += skip_gram_forward(&layer, ctx_hs + (size_t)b * K, &target_hs[b], NULL, 1);
        skip_gram_backward(&layer);
        fast_trainer_apply_update(&tl, &ml, lr, 0.0f);
    }
    loss_layer /= BH;
    const float loss_fused = mf.ops->sgd_step(mf.self, ctx_hs, target_hs, BH, lr);
    assert_true(loss_layer > 4.0);   /* four paths of a few decisions each, far from ln 2 each */
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    assert_no_grad(&fused.W_in);
    assert_no_grad(&fused.W_out);
    fast_trainer_free(&tl);
    skip_gram_free(&layer);
    skip_gram_free(&fused);
}

/* ---- shared negatives, per window ---- */

/* The sample op draws S distinct words per row, (B, S), from the unigram^0.75 table; rows differ. */
static void test_shared_sample(void **state)
{
    (void)state;
    SkipGram m;
    build(&m, WORD2VEC_LOSS_NEGSAMP, true, 2);
    Model model;
    skip_gram_as_model(&m, &model);
    Rng rng;
    rng_seed(&rng, 5);
    int seen[V] = {0}, rows_differ = 0;
    for (int draw = 0; draw < 100; draw++) {
        model.ops->sample(model.self, contexts, target, B, &rng);
        const int32_t *n = m.negative_sample;
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < S; s++) {
                const int32_t w = n[b * S + s];
                assert_true(w >= 0 && w < V);
                for (int j = 0; j < s; j++) assert_true(n[b * S + j] != w);   /* distinct in the row */
                seen[w]++;
            }
            rows_differ += b > 0 && memcmp(n + b * S, n, S * sizeof *n) != 0;
        }
    }
    assert_true(rows_differ > 400);   /* one draw per row, not per batch */
    assert_true(seen[4] > seen[3]);   /* word 4 (3 of 16) more often than word 3 (1 of 16) */
    for (int w = 0; w < V; w++) assert_true(seen[w] > 0);   /* targets are not excluded */
    skip_gram_free(&m);
}

/* softplus(z) = log(1 + exp(z)), exact in double */
static double softplus(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/*
 * Row b's shared-negatives loss in double from m's weights, word2vec.c's
 * orientation: each present context's W_in row against W_out[target]
 * (label 1) and the row's negatives (label 0), one equal to the target
 * skipped.
 */
static double shared_loss_ref(const SkipGram *m, int b, const int32_t *negs)
{
    const float *in = m->W_in.value.data, *out = m->W_out.value.data;
    double total = 0.0;
    for (int k = 0; k < K; k++) {
        const int32_t c = contexts[b * K + k];
        if (c < 0) continue;
        for (int l = 0; l <= S; l++) {
            const int32_t o = l == 0 ? target[b] : negs[l - 1];
            if (l > 0 && o == target[b]) continue;
            double x = 0.0;
            for (int j = 0; j < H; j++) x += (double)in[c * H + j] * out[o * H + j];
            total += l == 0 ? softplus(-x) : softplus(x);
        }
    }
    return total;
}

/* Row b's step is -lr times the gradient of its summed loss: central differences of the double reference. */
static void check_shared_gradient(int b, const int32_t *negs)
{
    SkipGram m, after;
    build(&m, WORD2VEC_LOSS_NEGSAMP, true, 13);
    build(&after, WORD2VEC_LOSS_NEGSAMP, true, 13);
    const float lr = 0.01f;
    const float loss = skip_gram_sgd_step_shared(&after, contexts + (size_t)b * K, &target[b], negs, 1, lr);
    assert_close(loss, shared_loss_ref(&m, b, negs), 0.0, 1e-5);
    assert_no_grad(&after.W_in);
    assert_no_grad(&after.W_out);
    Param *ps[2] = {&m.W_in, &m.W_out}, *pa[2] = {&after.W_in, &after.W_out};
    int checked = 0;
    for (int p = 0; p < 2; p++) {
        for (size_t i = 0; i < ps[p]->value.size; i++) {
            float *w = &ps[p]->value.data[i];
            const float keep = *w;
            const float eps = 1e-2f;
            *w = keep + eps;
            const double up = shared_loss_ref(&m, b, negs);
            *w = keep - eps;
            const double down = shared_loss_ref(&m, b, negs);
            *w = keep;
            const double numeric = (up - down) / (2.0 * ((double)(keep + eps) - (double)keep));
            const double fused = ((double)keep - (double)pa[p]->value.data[i]) / lr;
            assert_close(fused, numeric, 2e-3, 2e-3);
            checked += fabs(numeric) > 1e-2;
        }
    }
    assert_true(checked > 100);   /* most elements of the rows named have a gradient worth comparing */
    skip_gram_free(&m);
    skip_gram_free(&after);
}

static void test_shared_gradient(void **state)
{
    (void)state;
    const int32_t negs0[S] = {7, 2, 9};    /* 2 is row 0's target: skipped; its context 1 twice */
    const int32_t negs5[S] = {1, 10, 0};   /* row 5: 3 twice, negative 1 also a context word */
    check_shared_gradient(0, negs0);
    check_shared_gradient(5, negs5);
}

/* B rows in one call are B one-row calls in order (each row one step at the weights the last left). */
static void test_shared_rows_in_order(void **state)
{
    (void)state;
    int32_t negs[B * S];
    for (int i = 0; i < B * S; i++) negs[i] = (int32_t)((5 * i + 1) % V);
    SkipGram batch, rows;
    build(&batch, WORD2VEC_LOSS_NEGSAMP, true, 17);
    build(&rows, WORD2VEC_LOSS_NEGSAMP, true, 17);
    const float loss = skip_gram_sgd_step_shared(&batch, contexts, target, negs, B, 0.2f);
    double sum = 0.0;
    for (int b = 0; b < B; b++)
        sum += skip_gram_sgd_step_shared(&rows, contexts + (size_t)b * K, &target[b], negs + (size_t)b * S, 1, 0.2f);
    assert_close(loss, sum / B, 0.0, 1e-6);
    assert_same_weights(&batch.W_in, &batch.W_out, &rows.W_in, &rows.W_out);
    skip_gram_free(&batch);
    skip_gram_free(&rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step),
        cmocka_unit_test_teardown(test_step_h100, reset_hidden),
        cmocka_unit_test(test_absent_row),
        cmocka_unit_test(test_zero_weights),
        cmocka_unit_test(test_model_op),
        cmocka_unit_test(test_hs_step),
        cmocka_unit_test(test_shared_sample),
        cmocka_unit_test(test_shared_gradient),
        cmocka_unit_test(test_shared_rows_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
