/*
 * test_simple_models.c — the chapter-3 models SimpleCBOW and SimpleSkipGram
 * (models/simple_cbow.h, models/simple_skip_gram.h; textbook §3.2–3.5,
 * ch03/simple_cbow.py, ch03/simple_skip_gram.py): gradient checks of W_in
 * and W_out on a tiny problem with window 2 (the textbook has only 1), the
 * forward against a plain re-computation, the loss at zero weights, the
 * 0.01 * N(0, 1) initialisation and its order, the Model interface, and
 * the textbook's ch03/train.py run on "You say goodbye and I say hello."
 * through trainer_fit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/optimizer.h"
#include "training/model.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "training/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "models/simple_cbow.h"
#include "models/simple_skip_gram.h"
#include "tests/testutil.h"

enum { V = 7, H = 4, B = 3, W = 2 };   /* vocabulary, hidden, batch, window (contexts 4 wide) */

/* Row 0 repeats word 1, row 2 repeats word 4; targets repeat 3; word 5 is in no context. */
static const int32_t tiny_contexts[B * 2 * W] = {1, 1, 3, 6, 0, 2, 4, 6, 1, 4, 4, 0};
static const int32_t tiny_target[B] = {2, 3, 3};

static void fill_normal(Param *p, double scale, Rng *rng)
{
    for (size_t i = 0; i < p->value.size; i++) p->value.data[i] = (float)(scale * rng_normal(rng));
}

/* The plain arithmetic of -log softmax(score)[t], in double. */
static double softmax_nll(const double *score, int C, int t)
{
    double m = score[0], s = 0.0;
    for (int c = 1; c < C; c++) m = score[c] > m ? score[c] : m;
    for (int c = 0; c < C; c++) s += exp(score[c] - m);
    return m + log(s) - score[t];
}

/* score[b] = h[b] @ W_out, with W_out (H, V), in double. */
static void scores_of(const double *h, const float *W_out, double *score)
{
    for (int v = 0; v < V; v++) {
        score[v] = 0.0;
        for (int k = 0; k < H; k++) score[v] += h[k] * W_out[k * V + v];
    }
}

/* ------------------------------------------------------------ SimpleCBOW */

static double cbow_loss(void *p)
{
    return simple_cbow_forward(p, tiny_contexts, tiny_target, B);
}

static void cbow_tiny(SimpleCBOW *m, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    simple_cbow_init(m, V, H, W, 4, &rng);
    /* weights large enough for the loss to be far from linear */
    fill_normal(&m->W_in, 1.0, &rng);
    fill_normal(&m->W_out, 1.0, &rng);
}

static void test_cbow_gradient(void **state)
{
    (void)state;
    SimpleCBOW m;
    cbow_tiny(&m, 3);
    cbow_loss(&m);
    simple_cbow_backward(&m);
    const size_t n = (size_t)V * H;
    float dW_in[V * H], dW_out[H * V];
    memcpy(dW_in, m.W_in.grad.data, sizeof dW_in);
    memcpy(dW_out, m.W_out.grad.data, sizeof dW_out);
    assert_true(gradient_check_float32(m.W_in.value.data, dW_in, n, cbow_loss, &m) <= 1.0);
    assert_true(gradient_check_float32(m.W_out.value.data, dW_out, n, cbow_loss, &m) <= 1.0);
    /* word 5 is in no context: its W_in row has no gradient; word 1 does */
    for (int k = 0; k < H; k++) assert_true(dW_in[5 * H + k] == 0.0f && dW_in[1 * H + k] != 0.0f);

    /* the check rejects a W_in gradient that forgets one of the shared
     * in_layers (row 0's second copy of word 1): dh[0, :] / 2w is its share */
    float off[V * H];
    memcpy(off, dW_in, sizeof off);
    for (int k = 0; k < H; k++) off[1 * H + k] -= m.dh[k];   /* dh already scaled by 1 / 2w */
    assert_true(gradient_check_float32(m.W_in.value.data, off, n, cbow_loss, &m) > 1.0);

    /* backward ADDS: a second call doubles both grads */
    cbow_loss(&m);
    simple_cbow_backward(&m);
    for (size_t i = 0; i < n; i++) {
        assert_close(m.W_in.grad.data[i], 2.0 * dW_in[i], 1e-7, 1e-6);
        assert_close(m.W_out.grad.data[i], 2.0 * dW_out[i], 1e-7, 1e-6);
    }
    simple_cbow_free(&m);
}

/* h is the mean of the 2w context rows of W_in; the loss the mean softmax cross-entropy of h W_out. */
static void test_cbow_forward(void **state)
{
    (void)state;
    SimpleCBOW m;
    cbow_tiny(&m, 4);
    const float loss = cbow_loss(&m);
    double expect = 0.0;
    for (int b = 0; b < B; b++) {
        double h[H], score[V];
        float hf[H];
        for (int k = 0; k < H; k++) {
            h[k] = 0.0;
            for (int i = 0; i < 2 * W; i++) h[k] += m.W_in.value.data[tiny_contexts[b * 2 * W + i] * H + k];
            h[k] /= 2 * W;
            hf[k] = (float)h[k];
        }
        assert_close_array(m.h + b * H, hf, H, 1e-6, 1e-6);
        scores_of(h, m.W_out.value.data, score);
        expect += softmax_nll(score, V, tiny_target[b]) / B;
    }
    assert_close(loss, expect, 1e-5, 1e-6);
    simple_cbow_free(&m);
}

/* -------------------------------------------------------- SimpleSkipGram */

static double sg_loss(void *p)
{
    return simple_skip_gram_forward(p, tiny_contexts, tiny_target, B);
}

static void sg_tiny(SimpleSkipGram *m, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    simple_skip_gram_init(m, V, H, W, 4, &rng);
    fill_normal(&m->W_in, 1.0, &rng);
    fill_normal(&m->W_out, 1.0, &rng);
}

static void test_skip_gram_gradient(void **state)
{
    (void)state;
    SimpleSkipGram m;
    sg_tiny(&m, 5);
    sg_loss(&m);
    simple_skip_gram_backward(&m);
    const size_t n = (size_t)V * H;
    float dW_in[V * H], dW_out[H * V];
    memcpy(dW_in, m.W_in.grad.data, sizeof dW_in);
    memcpy(dW_out, m.W_out.grad.data, sizeof dW_out);
    assert_true(gradient_check_float32(m.W_in.value.data, dW_in, n, sg_loss, &m) <= 1.0);
    assert_true(gradient_check_float32(m.W_out.value.data, dW_out, n, sg_loss, &m) <= 1.0);
    /* only the targets 2 and 3 have W_in gradients */
    for (int w = 0; w < V; w++)
        for (int k = 0; k < H; k++) assert_true((dW_in[w * H + k] != 0.0f) == (w == 2 || w == 3));

    /* a backward that kept only the last loss layer's ds is caught */
    float off[H * V];
    sg_loss(&m);   /* the layers' state as at the unperturbed weights */
    memset(m.dscore, 0, B * V * sizeof *m.dscore);
    softmax_with_loss_backward(&m.loss_layers[2 * W - 1], m.dscore, 1.0f);
    tensor_zero(&m.W_out.grad);
    memset(m.dh, 0, sizeof(float) * B * H);
    matmul_backward(&m.out_layer, m.dh, m.dscore);
    memcpy(off, m.W_out.grad.data, sizeof off);
    assert_true(gradient_check_float32(m.W_out.value.data, off, n, sg_loss, &m) > 1.0);
    simple_skip_gram_free(&m);
}

/* The loss is the sum over the 2w context columns of the softmax cross-entropy of s = W_in[target] W_out. */
static void test_skip_gram_forward(void **state)
{
    (void)state;
    SimpleSkipGram m;
    sg_tiny(&m, 6);
    const float loss = sg_loss(&m);
    double expect = 0.0;
    for (int b = 0; b < B; b++) {
        double h[H], score[V];
        for (int k = 0; k < H; k++) h[k] = m.W_in.value.data[tiny_target[b] * H + k];
        scores_of(h, m.W_out.value.data, score);
        for (int c = 0; c < 2 * W; c++) expect += softmax_nll(score, V, tiny_contexts[b * 2 * W + c]) / B;
    }
    assert_close(loss, expect, 1e-5, 1e-6);
    simple_skip_gram_free(&m);
}

/* ------------------------------------------------------- both models */

/* With W_out = 0 every score is 0, so each softmax is uniform: ln V per loss layer. */
static void test_zero_weight_loss(void **state)
{
    (void)state;
    SimpleCBOW c;
    cbow_tiny(&c, 7);
    tensor_zero(&c.W_out.value);
    assert_close(cbow_loss(&c), log((double)V), 1e-6, 0);
    tensor_zero(&c.W_in.value);
    assert_close(cbow_loss(&c), log((double)V), 1e-6, 0);
    simple_cbow_free(&c);

    SimpleSkipGram s;
    sg_tiny(&s, 7);
    tensor_zero(&s.W_out.value);
    assert_close(sg_loss(&s), 2 * W * log((double)V), 4e-6, 0);
    simple_skip_gram_free(&s);

    /* window 1, the textbook's: 2 ln V */
    Rng rng;
    rng_seed(&rng, 1);
    simple_skip_gram_init(&s, V, 3, 1, 2, &rng);
    tensor_zero(&s.W_out.value);
    const int32_t contexts[2 * 2] = {0, 2, 1, 3};
    const int32_t target[2] = {1, 2};
    assert_close(simple_skip_gram_forward(&s, contexts, target, 2), 2 * log((double)V), 2e-6, 0);
    simple_skip_gram_free(&s);
}

/*
 * W_in (V, H) and W_out (H, V) start as 0.01 * N(0, 1), W_in drawn first:
 * the values are exactly the rng's first V*H normals, then the next H*V.
 * Over 5000 values each the sample std is within 5% of 0.01 and the mean
 * within 5e-4 (both ~3.5 standard errors).
 */
static void check_init(const Param *W_in, const Param *W_out, int BV, int BH, uint64_t seed)
{
    assert_int_equal(W_in->value.shape[0], BV);
    assert_int_equal(W_in->value.shape[1], BH);
    assert_int_equal(W_out->value.shape[0], BH);
    assert_int_equal(W_out->value.shape[1], BV);
    assert_null(W_in->row_touched);
    assert_null(W_out->row_touched);
    Rng rng;
    rng_seed(&rng, seed);
    const Param *ps[2] = {W_in, W_out};
    for (int p = 0; p < 2; p++) {
        double s = 0.0, ss = 0.0;
        for (size_t i = 0; i < ps[p]->value.size; i++) {
            const float v = ps[p]->value.data[i];
            assert_true(v == (float)(0.01 * rng_normal(&rng)));
            assert_true(ps[p]->grad.data[i] == 0.0f);
            s += v;
            ss += (double)v * v;
        }
        const double n = (double)ps[p]->value.size, mean = s / n;
        assert_close(sqrt(ss / n - mean * mean), 0.01, 5e-4, 0);
        assert_close(mean, 0.0, 5e-4, 0);
    }
}

static void test_init(void **state)
{
    (void)state;
    enum { BV = 100, BH = 50 };
    Rng rng;
    rng_seed(&rng, 2);
    SimpleCBOW c;
    simple_cbow_init(&c, BV, BH, 1, 8, &rng);
    check_init(&c.W_in, &c.W_out, BV, BH, 2);
    simple_cbow_free(&c);
    rng_seed(&rng, 3);
    SimpleSkipGram s;
    simple_skip_gram_init(&s, BV, BH, 2, 8, &rng);
    check_init(&s.W_in, &s.W_out, BV, BH, 3);
    simple_skip_gram_free(&s);
}

/* The Model interface: sizes and params; forward ignores rng and equals the direct call. */
static void test_model_interface(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 9);
    SimpleCBOW c;
    simple_cbow_init(&c, V, H, W, 5, &rng);
    Model m;
    simple_cbow_as_model(&c, &m);
    assert_string_equal(m.name, "SimpleCBOW");
    assert_ptr_equal(m.self, &c);
    assert_int_equal(m.n_params, 2);
    assert_ptr_equal(m.params[0], &c.W_in);
    assert_ptr_equal(m.params[1], &c.W_out);
    assert_int_equal(m.context_width, 2 * W);
    assert_int_equal(m.max_batch, 5);
    const float direct = simple_cbow_forward(&c, tiny_contexts, tiny_target, B);
    assert_true(m.ops->forward(m.self, tiny_contexts, tiny_target, B, &rng) == direct);
    assert_true(m.ops->forward(m.self, tiny_contexts, tiny_target, B, NULL) == direct);
    m.ops->backward(m.self);
    assert_true(c.W_out.grad.data[0] != 0.0f);
    m.ops->free(m.self);

    SimpleSkipGram s;
    simple_skip_gram_init(&s, V, H, W, 6, &rng);
    simple_skip_gram_as_model(&s, &m);
    assert_string_equal(m.name, "SimpleSkipGram");
    assert_ptr_equal(m.params[0], &s.W_in);
    assert_ptr_equal(m.params[1], &s.W_out);
    assert_int_equal(m.context_width, 2 * W);
    assert_int_equal(m.max_batch, 6);
    const float sdirect = simple_skip_gram_forward(&s, tiny_contexts, tiny_target, B);
    assert_true(m.ops->forward(m.self, tiny_contexts, tiny_target, B, &rng) == sdirect);
    m.ops->free(m.self);
}

/*
 * The textbook's ch03/train.py: "You say goodbye and I say hello.", window
 * 1, hidden 5, batch 3, 1000 epochs, Adam(lr 0.001, 0.9, 0.999), seed 1,
 * through trainer_fit (one record per epoch, at its first iteration). The
 * first record is ~ln 7 = 1.95 (W_out ~ 0.01 makes every softmax nearly
 * uniform); the textbook's run ends around 0.6–0.9.
 */
static void test_chapter3_run(void **state)
{
    (void)state;
    DlfsError err = {0};
    Vocab vocab;
    vocab_init(&vocab);
    Int32Array corpus, contexts, target;
    assert_int_equal(preprocess("You say goodbye and I say hello.", &corpus, &vocab, &err), DLFS_OK);
    assert_int_equal(vocab.size, 7);
    assert_int_equal(create_contexts_target(corpus.data, corpus.size, 1, &contexts, &target, &err),
                     DLFS_OK);
    assert_int_equal(target.size, 6);

    Rng rng;
    rng_seed(&rng, 1);
    SimpleCBOW cbow;
    simple_cbow_init(&cbow, vocab.size, 5, 1, 3, &rng);
    Model model;
    simple_cbow_as_model(&cbow, &model);
    const OptimizerConfig adam_config = optimizer_default_config(OPTIMIZER_ADAM);
    Optimizer optimizer;
    optimizer_init(&optimizer, &adam_config, model.params, model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &model, &optimizer);
    trainer.log = NULL;
    assert_int_equal(trainer_fit(&trainer, contexts.data, target.data, target.size, 1000, 3, &rng, &err),
                     DLFS_OK);
    assert_int_equal(trainer.total_iters, 2000);
    assert_int_equal(trainer.n_loss, 1000);
    const float first = trainer.loss_list[0].loss, last = trainer.loss_list[trainer.n_loss - 1].loss;
    printf("# chapter-3 SimpleCBOW run, seed 1: loss %.4f at the first record, %.4f at the last\n",
           first, last);
    assert_close(first, log(7.0), 0.02, 0);
    assert_true(last < 1.0f);
    /* and it falls steadily: the mean of the last 100 records is below that of the 100 before */
    double a = 0.0, b = 0.0;
    for (size_t i = 800; i < 900; i++) a += trainer.loss_list[i].loss;
    for (size_t i = 900; i < 1000; i++) b += trainer.loss_list[i].loss;
    assert_true(b < a);

    trainer_free(&trainer);
    optimizer_free(&optimizer);
    simple_cbow_free(&cbow);
    int32_array_free(&contexts);
    int32_array_free(&target);
    int32_array_free(&corpus);
    vocab_free(&vocab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbow_gradient),
        cmocka_unit_test(test_cbow_forward),
        cmocka_unit_test(test_skip_gram_gradient),
        cmocka_unit_test(test_skip_gram_forward),
        cmocka_unit_test(test_zero_weight_loss),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_model_interface),
        cmocka_unit_test(test_chapter3_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
