/*
 * test_cbow_fused.c — the fused CBOW negative-sampling step
 * (models/cbow.h cbow_forward_backward, ModelOps.forward_backward) against
 * the layer path (cbow_forward + cbow_backward, textbook ch04/cbow.py):
 * one step with the same negatives gives the same loss, the same W_in and
 * W_out gradients on the same touched rows, and the same weights after an
 * SGD update, to float tolerance (relative 1e-5), with context_full_grad
 * on and off, absent contexts (-1) and ids repeated in the batch; through
 * the Model interface, sample then forward_backward draws what forward
 * draws; only negative-sampling CBOW has the op.
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

enum { V = 11, H = 37, W = 2, S = 3, B = 5 };   /* H = 37: vector loops with a remainder */

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

static void build(CBOW *m, bool full_grad, uint64_t seed)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = W;
    cfg.sample_size = S;
    cfg.max_batch = B;
    cfg.context_full_grad = full_grad;
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(cbow_init(m, &cfg, corpus, 16, &rng, &err), DLFS_OK);
    /* weights far from 0.01 * N(0, 1), so the sigmoids are far from 1/2 */
    for (size_t i = 0; i < m->W_in.value.size; i++) m->W_in.value.data[i] = (float)(0.7 * rng_normal(&rng));
    for (size_t i = 0; i < m->W_out.value.size; i++) m->W_out.value.data[i] = (float)(0.7 * rng_normal(&rng));
}

/* The touched rows of p as a (V,) 0/1 map, checked against row_touched. */
static void touched_map(const Param *p, uint8_t *map)
{
    memset(map, 0, V);
    for (int k = 0; k < p->n_touched; k++) map[p->touched_rows[k]] = 1;
    for (int r = 0; r < V; r++) assert_int_equal(map[r], p->row_touched[r]);
}

/* a's and b's gradients of p agree to relative 1e-5 and on the same touched rows */
static void assert_same_grad(const Param *a, const Param *b)
{
    uint8_t ma[V], mb[V];
    touched_map(a, ma);
    touched_map(b, mb);
    assert_memory_equal(ma, mb, V);
    assert_close_array(b->grad.data, a->grad.data, a->grad.size, 1e-7, 1e-5);
}

static void check_step(bool full_grad)
{
    CBOW layer, fused;
    build(&layer, full_grad, 7);
    build(&fused, full_grad, 7);

    const float loss_layer = cbow_forward(&layer, contexts, target, negatives, B);
    cbow_backward(&layer);
    const float loss_fused = cbow_forward_backward(&fused, contexts, target, negatives, B);
    assert_close(loss_fused, loss_layer, 0.0, 1e-6);
    assert_true(loss_layer > 1.0f);   /* a real loss, not (S + 1) ln 2 of zero weights */
    assert_same_grad(&layer.W_in, &fused.W_in);
    assert_same_grad(&layer.W_out, &fused.W_out);
    /* rows no context or output names stay zero: word 6 is no context, 4 no output row */
    for (int k = 0; k < H; k++) {
        assert_true(fused.W_in.grad.data[6 * H + k] == 0.0f);
        assert_true(fused.W_out.grad.data[4 * H + k] == 0.0f);
    }
    /* the gradients are not all zero: the comparison above compared something */
    double norm = 0.0;
    for (size_t i = 0; i < fused.W_in.grad.size; i++) norm += fabs(fused.W_in.grad.data[i]);
    assert_true(norm > 1e-3);

    /* then the fast trainer's SGD step on each: the same weights, gradients zeroed */
    Model ml, mf;
    cbow_as_model(&layer, &ml);
    cbow_as_model(&fused, &mf);
    FastTrainerConfig tc = fast_trainer_default_config();
    tc.optimizer = FAST_SGD_LINEAR;
    tc.batch_size = B;
    tc.lr = 0.05f;
    tc.log = NULL;
    FastTrainer tl, tf;
    fast_trainer_init(&tl, &tc, &ml);
    fast_trainer_init(&tf, &tc, &mf);
    fast_trainer_apply_update(&tl, &ml, 0.25f, 0.0f);
    fast_trainer_apply_update(&tf, &mf, 0.25f, 0.0f);
    assert_close_array(fused.W_in.value.data, layer.W_in.value.data, fused.W_in.value.size, 1e-7, 1e-5);
    assert_close_array(fused.W_out.value.data, layer.W_out.value.data, fused.W_out.value.size, 1e-7, 1e-5);
    assert_int_equal(fused.W_in.n_touched, 0);
    assert_int_equal(fused.W_out.n_touched, 0);
    for (size_t i = 0; i < fused.W_out.grad.size; i++) assert_true(fused.W_out.grad.data[i] == 0.0f);
    fast_trainer_free(&tl);
    fast_trainer_free(&tf);
    cbow_free(&layer);
    cbow_free(&fused);
}

static void test_step_mean(void **state)
{
    (void)state;
    check_step(false);
}

static void test_step_full_grad(void **state)
{
    (void)state;
    check_step(true);
}

/* The mean/sum difference itself: with full_grad, W_in's gradient is count times the mean's. */
static void test_full_grad_scales_by_count(void **state)
{
    (void)state;
    CBOW mean, full;
    build(&mean, false, 3);
    build(&full, true, 3);
    const float lm = cbow_forward_backward(&mean, contexts, target, negatives, B);
    const float lf = cbow_forward_backward(&full, contexts, target, negatives, B);
    assert_true(lm == lf);   /* the same forward */
    /* word 10 appears once, in row 3 with 4 contexts present: full = 4 * mean */
    for (int k = 0; k < H; k++)
        assert_close(full.W_in.grad.data[10 * H + k], 4.0 * mean.W_in.grad.data[10 * H + k], 1e-8, 1e-5);
    assert_close_array(full.W_out.grad.data, mean.W_out.grad.data, full.W_out.grad.size, 0.0, 0.0);
    cbow_free(&mean);
    cbow_free(&full);
}

/* At zero weights: h = 0, every score 0, loss (S + 1) ln 2, no gradient into W_in or W_out. */
static void test_zero_weights(void **state)
{
    (void)state;
    CBOW m;
    build(&m, false, 5);
    memset(m.W_in.value.data, 0, m.W_in.value.size * sizeof(float));
    memset(m.W_out.value.data, 0, m.W_out.value.size * sizeof(float));
    const float loss = cbow_forward_backward(&m, contexts, target, negatives, B);
    assert_close(loss, (S + 1) * log(2.0), 0.0, 1e-6);
    for (size_t i = 0; i < m.W_in.grad.size; i++) assert_true(m.W_in.grad.data[i] == 0.0f);
    for (size_t i = 0; i < m.W_out.grad.size; i++) assert_true(m.W_out.grad.data[i] == 0.0f);
    cbow_free(&m);
}

/*
 * Through the Model: sample(rng) then forward_backward draws the negatives
 * forward(rng) draws (the same rng state after), and gives the layer path's
 * loss and gradients on them.
 */
static void test_model_op(void **state)
{
    (void)state;
    CBOW layer, fused;
    build(&layer, true, 11);
    build(&fused, true, 11);
    Model ml, mf;
    cbow_as_model(&layer, &ml);
    cbow_as_model(&fused, &mf);
    assert_true(ml.ops->forward_backward != NULL);   /* it has the op */
    Rng rl, rf;
    rng_seed(&rl, 99);
    rng_seed(&rf, 99);
    const float loss_layer = ml.ops->forward(ml.self, contexts, target, B, &rl);
    ml.ops->backward(ml.self);
    mf.ops->sample(mf.self, contexts, target, B, &rf);
    const float loss_fused = mf.ops->forward_backward(mf.self, contexts, target, B);
    assert_memory_equal(layer.negative_sample, fused.negative_sample, (size_t)B * S * sizeof(int32_t));
    assert_true(rng_u64(&rl) == rng_u64(&rf));
    assert_close(loss_fused, loss_layer, 0.0, 1e-6);
    assert_same_grad(&layer.W_in, &fused.W_in);
    assert_same_grad(&layer.W_out, &fused.W_out);
    cbow_free(&layer);
    cbow_free(&fused);
}

/* Only CBOW with negative sampling has the fused op: hierarchical softmax and SkipGram keep the layers. */
static void test_op_only_negsamp_cbow(void **state)
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

    cfg.loss = WORD2VEC_LOSS_HSOFTMAX;
    CBOW hs;
    rng_seed(&rng, 1);
    assert_int_equal(cbow_init(&hs, &cfg, corpus, 16, &rng, &err), DLFS_OK);
    cbow_as_model(&hs, &model);
    assert_true(model.ops->forward_backward == NULL);
    cbow_free(&hs);

    cfg.loss = WORD2VEC_LOSS_NEGSAMP;
    SkipGram sg;
    rng_seed(&rng, 1);
    assert_int_equal(skip_gram_init(&sg, &cfg, corpus, 16, &rng, &err), DLFS_OK);
    skip_gram_as_model(&sg, &model);
    assert_true(model.ops->forward_backward == NULL);
    skip_gram_free(&sg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_mean),
        cmocka_unit_test(test_step_full_grad),
        cmocka_unit_test(test_full_grad_scales_by_count),
        cmocka_unit_test(test_zero_weights),
        cmocka_unit_test(test_model_op),
        cmocka_unit_test(test_op_only_negsamp_cbow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
