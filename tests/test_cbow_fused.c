/*
 * test_cbow_fused.c — the fused CBOW SGD steps (models/cbow.h
 * cbow_sgd_step, cbow_sgd_step_shared; ModelOps.sgd_step) against the layer
 * path (cbow_forward + cbow_backward, textbook ch04/cbow.py, then SGD):
 * B rows of the fused step give the weights and loss of B one-row layer
 * steps with the same negatives, to float tolerance (relative 1e-5), with
 * context_full_grad on and off, absent contexts (-1) and ids repeated in
 * the batch; no gradient buffer is written. The shared-negatives step: one
 * draw for the batch, in every row; its step is -lr times the gradient of
 * the summed loss (central differences of a double reference), with a
 * negative equal to a row's target skipped; without such a collision it
 * equals the layer path's batch step on the draw repeated in every row.
 * The hierarchical softmax's fused step against one-row layer steps.
 * Through the Model interface, sample then sgd_step draws what forward
 * draws; the full softmax has no op, SkipGram with negative sampling has.
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
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "training/fast_trainer.h"
#include "training/model.h"
#include "tests/testutil.h"
#include "tests/fused_testutil.h"

enum { V = 11, W = 2, S = 3, B = 5, H_MAX = 100 };
/* H = 37: vector loops with a remainder; 100, the hidden size that the fused steps compile
 * a copy of their own for (test_step_h100) */
static int H = 37;

/* every word of [0, V) at least once, so the sampler can draw them all */
static const int32_t corpus[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 4, 4, 2, 7};

/* contexts (B, 2W): -1 for absent words (a shrunk window), ids repeated within and across rows */
static const int32_t contexts[B * 2 * W] = {
    1, 1, 3, -1,     /* 1 twice, one absent */
    -1, -1, 4, -1,   /* one context only */
    4, 4, 4, 0,
    2, 9, 1, 10,
    -1, 3, 1, 3,
};
static const int32_t target[B] = {2, 7, 2, 5, 6};   /* 2 twice */
/* negatives (B, S): repeated within rows and across them, and equal to other rows' targets */
static const int32_t negatives[B * S] = {7, 7, 0, 3, 2, 9, 5, 1, 5, 7, 7, 7, 2, 8, 10};

/* The test's config: V, H, W, S, B of above, the given loss, full grad and sharing. */
static Word2VecConfig test_config(Word2VecLoss loss, bool full_grad, bool shared)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = W;
    cfg.sample_size = S;
    cfg.max_batch = B;
    cfg.loss = loss;
    cfg.context_full_grad = full_grad;
    cfg.shared_negatives = shared;
    return cfg;
}

/* A CBOW of cfg on the corpus, its weights spread (fused_testutil.h) from seed. */
static void build_config(CBOW *m, const Word2VecConfig *cfg, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(cbow_init(m, cfg, corpus, 16, &rng, &err), DLFS_OK);
    spread_weights(&m->W_in, &m->W_out, &rng);
}

static void build(CBOW *m, bool full_grad, uint64_t seed)
{
    const Word2VecConfig cfg = test_config(WORD2VEC_LOSS_NEGSAMP, full_grad, false);
    build_config(m, &cfg, seed);
}


/* One layer-path step on row b alone: forward, backward, SGD at lr (B = 1: per example); returns its loss. */
static float layer_row_step(CBOW *m, Model *model, FastTrainer *tr, int b, const int32_t *negs, float lr)
{
    const float loss = cbow_forward(m, contexts + (size_t)b * 2 * W, &target[b], negs + (size_t)b * S, 1);
    cbow_backward(m);
    fast_trainer_apply_update(tr, model, lr, 0.0f);
    return loss;
}

static void check_step(bool full_grad)
{
    CBOW layer, fused;
    build(&layer, full_grad, 7);
    build(&fused, full_grad, 7);
    Model ml;
    cbow_as_model(&layer, &ml);
    const FastTrainerConfig tc = sgd_config(1);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.3f;

    double loss_layer = 0.0;
    for (int b = 0; b < B; b++) loss_layer += layer_row_step(&layer, &ml, &tl, b, negatives, lr);
    loss_layer /= B;
    const float loss_fused = cbow_sgd_step(&fused, contexts, target, negatives, B, lr);
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_true(loss_layer > 1.0);   /* a real loss, not (S + 1) ln 2 of zero weights */
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    assert_no_grad(&fused.W_in);
    assert_no_grad(&fused.W_out);

    /* the weights moved (the comparison compared something), and only the rows named */
    CBOW before;
    build(&before, full_grad, 7);
    double moved = 0.0;
    for (size_t i = 0; i < before.W_in.value.size; i++)
        moved += fabs(fused.W_in.value.data[i] - before.W_in.value.data[i]);
    assert_true(moved > 1e-2);
    for (int k = 0; k < H; k++) {   /* word 6 is no context, 4 no output row */
        assert_true(fused.W_in.value.data[6 * H + k] == before.W_in.value.data[6 * H + k]);
        assert_true(fused.W_out.value.data[4 * H + k] == before.W_out.value.data[4 * H + k]);
    }
    cbow_free(&before);
    fast_trainer_free(&tl);
    cbow_free(&layer);
    cbow_free(&fused);
}

static void test_step_mean(void **state)
{
    (void)state;
    check_step(false);
}

/* H = 100: cbow_sgd_step's copy for the textbook's hidden size against the layers */
static void test_step_h100(void **state)
{
    (void)state;
    H = 100;
    check_step(false);
    check_step(true);
}

/* test_step_h100's teardown: the other tests' H again, also after a failed assertion. */
static int reset_hidden(void **state)
{
    (void)state;
    H = 37;
    return 0;
}

static void test_step_full_grad(void **state)
{
    (void)state;
    check_step(true);
}

/* The mean/sum difference itself: with full_grad, a context row moves count times as far. */
static void test_full_grad_scales_by_count(void **state)
{
    (void)state;
    CBOW mean, full, before;
    build(&mean, false, 3);
    build(&full, true, 3);
    build(&before, false, 3);
    /* row 3 alone: 4 contexts present, word 10 once */
    const float lm = cbow_sgd_step(&mean, contexts + 3 * 2 * W, &target[3], negatives + 3 * S, 1, 0.2f);
    const float lf = cbow_sgd_step(&full, contexts + 3 * 2 * W, &target[3], negatives + 3 * S, 1, 0.2f);
    assert_true(lm == lf);   /* the same forward */
    for (int k = 0; k < H; k++) {
        const double dm = mean.W_in.value.data[10 * H + k] - before.W_in.value.data[10 * H + k];
        const double df = full.W_in.value.data[10 * H + k] - before.W_in.value.data[10 * H + k];
        assert_close(df, 4.0 * dm, 1e-6, 1e-4);
    }
    assert_close_array(full.W_out.value.data, mean.W_out.value.data, full.W_out.value.size, 0.0, 0.0);
    cbow_free(&mean);
    cbow_free(&full);
    cbow_free(&before);
}

/* At zero weights: h = 0, every score 0, loss (S + 1) ln 2, and nothing moves (g * 0 = 0). */
static void test_zero_weights(void **state)
{
    (void)state;
    CBOW m;
    build(&m, false, 5);
    memset(m.W_in.value.data, 0, m.W_in.value.size * sizeof(float));
    memset(m.W_out.value.data, 0, m.W_out.value.size * sizeof(float));
    const float loss = cbow_sgd_step(&m, contexts, target, negatives, B, 0.5f);
    assert_close(loss, (S + 1) * log(2.0), 0.0, 1e-6);
    for (size_t i = 0; i < m.W_in.value.size; i++) assert_true(m.W_in.value.data[i] == 0.0f);
    for (size_t i = 0; i < m.W_out.value.size; i++) assert_true(m.W_out.value.data[i] == 0.0f);
    cbow_free(&m);
}

/*
 * Through the Model: sample(rng) then sgd_step draws the negatives
 * forward(rng) draws (the same rng state after), and moves the weights as
 * cbow_sgd_step on them does.
 */
static void test_model_op(void **state)
{
    (void)state;
    CBOW layer, fused, direct;
    build(&layer, true, 11);
    build(&fused, true, 11);
    build(&direct, true, 11);
    Model ml, mf;
    cbow_as_model(&layer, &ml);
    cbow_as_model(&fused, &mf);
    assert_true(mf.ops->sgd_step != NULL);   /* it has the op */
    Rng rl, rf;
    rng_seed(&rl, 99);
    rng_seed(&rf, 99);
    const float loss_layer = ml.ops->forward(ml.self, contexts, target, B, &rl);
    mf.ops->sample(mf.self, contexts, target, B, &rf);
    const float loss_op = mf.ops->sgd_step(mf.self, contexts, target, B, 0.1f);
    assert_memory_equal(layer.negative_sample, fused.negative_sample, (size_t)B * S * sizeof(int32_t));
    assert_true(rng_u64(&rl) == rng_u64(&rf));
    assert_true(loss_layer > 1.0f && loss_op > 1.0f);
    const float loss_direct = cbow_sgd_step(&direct, contexts, target, layer.negative_sample, B, 0.1f);
    assert_true(loss_op == loss_direct);
    assert_same_weights(&fused.W_in, &fused.W_out, &direct.W_in, &direct.W_out);
    cbow_free(&layer);
    cbow_free(&fused);
    cbow_free(&direct);
}

/* The full softmax has no fused op (it keeps the layers); SkipGram with negative sampling has one. */
static void test_which_have_the_op(void **state)
{
    (void)state;
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = 4;
    cfg.window_size = W;
    cfg.sample_size = S;
    cfg.max_batch = B;
    Rng rng;
    DlfsError err = {0};
    Model model;

    cfg.loss = WORD2VEC_LOSS_SOFTMAX;
    CBOW full;
    rng_seed(&rng, 1);
    assert_int_equal(cbow_init(&full, &cfg, corpus, 16, &rng, &err), DLFS_OK);
    cbow_as_model(&full, &model);
    assert_true(model.ops->sgd_step == NULL);
    cbow_free(&full);

    cfg.loss = WORD2VEC_LOSS_NEGSAMP;
    SkipGram sg;
    rng_seed(&rng, 1);
    assert_int_equal(skip_gram_init(&sg, &cfg, corpus, 16, &rng, &err), DLFS_OK);
    skip_gram_as_model(&sg, &model);
    assert_true(model.ops->sgd_step != NULL);   /* tests/test_skip_gram_fused.c checks it */
    skip_gram_free(&sg);
}

/* The hierarchical softmax: B fused rows are B one-row layer steps (forward, backward, SGD at lr). */
static void check_hs_step(bool full_grad)
{
    const Word2VecConfig cfg = test_config(WORD2VEC_LOSS_HSOFTMAX, full_grad, false);
    CBOW layer, fused;
    build_config(&layer, &cfg, 23);
    build_config(&fused, &cfg, 23);
    Model ml, mf;
    cbow_as_model(&layer, &ml);
    cbow_as_model(&fused, &mf);
    assert_true(mf.ops->sgd_step != NULL);
    const FastTrainerConfig tc = sgd_config(1);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.3f;
    double loss_layer = 0.0;
    for (int b = 0; b < B; b++) {
        loss_layer += cbow_forward(&layer, contexts + (size_t)b * 2 * W, &target[b], NULL, 1);
        cbow_backward(&layer);
        fast_trainer_apply_update(&tl, &ml, lr, 0.0f);
    }
    loss_layer /= B;
    const float loss_fused = mf.ops->sgd_step(mf.self, contexts, target, B, lr);
    assert_true(loss_layer > 1.0);
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    assert_no_grad(&fused.W_in);
    assert_no_grad(&fused.W_out);
    fast_trainer_free(&tl);
    cbow_free(&layer);
    cbow_free(&fused);
}

static void test_hs_step_mean(void **state)
{
    (void)state;
    check_hs_step(false);
}

static void test_hs_step_full_grad(void **state)
{
    (void)state;
    check_hs_step(true);
}

/* ---- shared negatives ---- */

static void build_shared(CBOW *m, bool full_grad, uint64_t seed)
{
    const Word2VecConfig cfg = test_config(WORD2VEC_LOSS_NEGSAMP, full_grad, true);
    build_config(m, &cfg, seed);
}

/* The sample op draws one set of S distinct words for the batch and writes it into every row. */
static void test_shared_sample(void **state)
{
    (void)state;
    CBOW m;
    build_shared(&m, false, 2);
    Model model;
    cbow_as_model(&m, &model);
    Rng rng;
    rng_seed(&rng, 5);
    int seen[V] = {0};
    for (int draw = 0; draw < 200; draw++) {
        model.ops->sample(model.self, contexts, target, B, &rng);
        const int32_t *n = m.negative_sample;
        for (int s = 0; s < S; s++) {
            assert_true(n[s] >= 0 && n[s] < V);
            for (int j = 0; j < s; j++) assert_true(n[j] != n[s]);   /* distinct */
            seen[n[s]]++;
        }
        for (int b = 1; b < B; b++) assert_memory_equal(n + (size_t)b * S, n, S * sizeof(int32_t));
    }
    /* word 4 (3 of 16) is drawn more often than word 3 (1 of 16): the unigram^0.75 table is used */
    assert_true(seen[4] > seen[3]);
    for (int w = 0; w < V; w++) assert_true(seen[w] > 0);   /* targets are not excluded */
    cbow_free(&m);
}

/* softplus(z) = log(1 + exp(z)), exact in double */
static double softplus(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* The shared-negatives loss summed over the rows, in double, from m's weights (context_full_grad false). */
static double shared_loss_ref(const CBOW *m, const int32_t *negs)
{
    const float *in = m->W_in.value.data, *out = m->W_out.value.data;
    double total = 0.0;
    for (int b = 0; b < B; b++) {
        double h[H_MAX] = {0};
        int present = 0;
        for (int i = 0; i < 2 * W; i++) {
            const int32_t c = contexts[b * 2 * W + i];
            if (c < 0) continue;
            present++;
            for (int k = 0; k < H; k++) h[k] += in[c * H + k];
        }
        for (int k = 0; k < H; k++) h[k] /= present;
        double x = 0.0;
        for (int k = 0; k < H; k++) x += out[target[b] * H + k] * h[k];
        total += softplus(-x);
        for (int s = 0; s < S; s++) {
            if (negs[s] == target[b]) continue;   /* skipped for that row */
            x = 0.0;
            for (int k = 0; k < H; k++) x += out[negs[s] * H + k] * h[k];
            total += softplus(x);
        }
    }
    return total;
}

/* The step is -lr times the gradient of the summed loss: central differences of the double reference. */
static void test_shared_gradient(void **state)
{
    (void)state;
    const int32_t negs[S] = {7, 2, 9};   /* 2 is the target of rows 0 and 2: skipped there */
    CBOW m, after;
    build_shared(&m, false, 13);
    build_shared(&after, false, 13);
    const float lr = 0.01f;
    const float loss = cbow_sgd_step_shared(&after, contexts, target, negs, B, lr);
    assert_close(loss, shared_loss_ref(&m, negs) / B, 0.0, 1e-5);
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
            const double up = shared_loss_ref(&m, negs);
            *w = keep - eps;
            const double down = shared_loss_ref(&m, negs);
            *w = keep;
            const double numeric = (up - down) / (2.0 * ((double)(keep + eps) - (double)keep));
            const double fused = ((double)keep - (double)pa[p]->value.data[i]) / lr;
            assert_close(fused, numeric, 2e-3, 2e-3);
            checked += fabs(numeric) > 1e-2;
        }
    }
    assert_true(checked > 100);   /* most elements have a gradient worth comparing */
    cbow_free(&m);
    cbow_free(&after);
}

/*
 * Without a negative equal to a row's target, the shared step is the layer
 * path's batch step on the draw repeated in every row (the layers' grads
 * are means over the batch: SGD at lr * B).
 */
static void check_shared_vs_layers(bool full_grad)
{
    const int32_t negs[S] = {0, 9, 3};   /* no row's target */
    int32_t repeated[B * S];
    for (int b = 0; b < B; b++) memcpy(repeated + b * S, negs, sizeof negs);
    CBOW layer, fused;
    build_shared(&layer, full_grad, 17);
    build_shared(&fused, full_grad, 17);
    Model ml;
    cbow_as_model(&layer, &ml);
    const FastTrainerConfig tc = sgd_config(B);
    FastTrainer tl;
    fast_trainer_init(&tl, &tc, &ml);
    const float lr = 0.2f;
    const float loss_layer = cbow_forward(&layer, contexts, target, repeated, B);
    cbow_backward(&layer);
    fast_trainer_apply_update(&tl, &ml, lr * B, 0.0f);
    const float loss_fused = cbow_sgd_step_shared(&fused, contexts, target, negs, B, lr);
    assert_close(loss_fused, loss_layer, 0.0, 1e-5);
    assert_close_weights(&fused.W_in, &fused.W_out, &layer.W_in, &layer.W_out);
    fast_trainer_free(&tl);
    cbow_free(&layer);
    cbow_free(&fused);
}

static void test_shared_vs_layers_mean(void **state)
{
    (void)state;
    check_shared_vs_layers(false);
}

static void test_shared_vs_layers_full_grad(void **state)
{
    (void)state;
    check_shared_vs_layers(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_mean),
        cmocka_unit_test(test_step_full_grad),
        cmocka_unit_test_teardown(test_step_h100, reset_hidden),
        cmocka_unit_test(test_full_grad_scales_by_count),
        cmocka_unit_test(test_zero_weights),
        cmocka_unit_test(test_model_op),
        cmocka_unit_test(test_which_have_the_op),
        cmocka_unit_test(test_hs_step_mean),
        cmocka_unit_test(test_hs_step_full_grad),
        cmocka_unit_test(test_shared_sample),
        cmocka_unit_test(test_shared_gradient),
        cmocka_unit_test(test_shared_vs_layers_mean),
        cmocka_unit_test(test_shared_vs_layers_full_grad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
