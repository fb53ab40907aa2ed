/*
 * test_output_losses.c — CBOW and SkipGram with the three output losses of
 * Word2VecConfig.loss (models/word2vec_output.h): the shape of W_out for
 * each, the loss at zero weights (softmax: ln V per label column;
 * hierarchical softmax: ln 2 per decision on the label's Huffman path),
 * each loss recomputed from the weights with plain loops (h, the scores
 * and the path of every label), and training on the textbook sentence
 * through the Trainer: every loss falls, and the same seed gives the same
 * bytes. The gradients are checked by `dlfs2 gradcheck` (tests/test_gradcheck.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "training/model.h"
#include "training/optimizer.h"
#include "common/rng.h"
#include "common/status.h"
#include "training/trainer.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "tests/testutil.h"

/* "You say goodbye and I say hello." */
static const int32_t corpus[8] = {0, 1, 2, 3, 4, 1, 5, 6};
enum { V = 7, H = 4, W = 1, B = 3 };

/* The textbook sentence's 6 (contexts, target) pairs for window 1. */
static const int32_t contexts[6 * 2] = {0, 2, 1, 3, 2, 4, 3, 1, 4, 5, 1, 6};
static const int32_t target[6] = {1, 2, 3, 4, 1, 5};

static Word2VecConfig config(Word2VecLoss loss)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = W;
    cfg.sample_size = 2;
    cfg.max_batch = B;
    cfg.loss = loss;
    return cfg;
}

/* One of the two models, built for loss. */
typedef struct Built {
    bool skip_gram;
    CBOW cbow;
    SkipGram sg;
    Model m;
} Built;

static void build(Built *b, bool skip_gram, Word2VecLoss loss, uint64_t seed)
{
    const Word2VecConfig cfg = config(loss);
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    b->skip_gram = skip_gram;
    if (skip_gram) {
        assert_int_equal(skip_gram_init(&b->sg, &cfg, corpus, 8, &rng, &err), DLFS_OK);
        skip_gram_as_model(&b->sg, &b->m);
    } else {
        assert_int_equal(cbow_init(&b->cbow, &cfg, corpus, 8, &rng, &err), DLFS_OK);
        cbow_as_model(&b->cbow, &b->m);
    }
}

static const Word2VecOutput *output_of(const Built *b)
{
    return b->skip_gram ? &b->sg.output : &b->cbow.output;
}

static double model_loss(Built *b)
{
    return b->skip_gram ? skip_gram_forward(&b->sg, contexts, target, NULL, B)
                        : cbow_forward(&b->cbow, contexts, target, NULL, B);
}

static void test_w_out_shapes(void **state)
{
    (void)state;
    static const struct { Word2VecLoss loss; int rows, cols; bool tracked; } want[] = {
        {WORD2VEC_LOSS_NEGSAMP, V, H, true},
        {WORD2VEC_LOSS_SOFTMAX, H, V, false},
        {WORD2VEC_LOSS_HSOFTMAX, V - 1, H, true},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        for (int sg = 0; sg < 2; sg++) {
            Built b;
            build(&b, sg, want[i].loss, 1);
            const Param *W_out = b.m.params[1];
            assert_string_equal(W_out->name, "W_out");
            assert_int_equal(W_out->value.shape[0], want[i].rows);
            assert_int_equal(W_out->value.shape[1], want[i].cols);
            assert_int_equal(W_out->row_touched != NULL, want[i].tracked);
            assert_int_equal(b.m.params[0]->value.shape[0], V);
            assert_int_equal(b.m.params[0]->value.shape[1], H);
            b.m.ops->free(b.m.self);
        }
    }
}

/* Mean over the batch of the code lengths of labels[b * K + k], times ln 2, summed over k. */
static double zero_weight_hs_loss(const HuffmanTree *tree, const int32_t *labels, int K)
{
    double total = 0.0;
    for (int k = 0; k < K; k++)
        for (int b = 0; b < B; b++) total += tree->code_length[labels[b * K + k]] * log(2.0);
    return total / B;
}

static void test_zero_weight_losses(void **state)
{
    (void)state;
    for (int sg = 0; sg < 2; sg++) {
        const int K = sg ? 2 * W : 1;
        Built b;
        build(&b, sg, WORD2VEC_LOSS_SOFTMAX, 3);
        tensor_zero(&b.m.params[1]->value);
        /* all scores 0: a uniform softmax, ln V per label column */
        assert_close(model_loss(&b), K * log((double)V), 1e-5, 0);
        b.m.ops->free(b.m.self);

        build(&b, sg, WORD2VEC_LOSS_HSOFTMAX, 3);
        tensor_zero(&b.m.params[1]->value);
        /* every node says 1/2: ln 2 per decision on the path */
        const double want = zero_weight_hs_loss(&output_of(&b)->tree, sg ? contexts : target, K);
        assert_true(want > 0.0);
        assert_close(model_loss(&b), want, 1e-5, 0);
        b.m.ops->free(b.m.self);
    }
}

static double plain_softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* The model's h (B, H) by plain loops: the mean of the context rows, or the target's row. */
static void plain_h(const Built *b, double *h)
{
    const float *W_in = b->m.params[0]->value.data;
    for (int r = 0; r < B; r++)
        for (int j = 0; j < H; j++) {
            if (b->skip_gram) {
                h[r * H + j] = W_in[target[r] * H + j];
            } else {
                h[r * H + j] = 0.5 * ((double)W_in[contexts[r * 2] * H + j] +
                                      (double)W_in[contexts[r * 2 + 1] * H + j]);
            }
        }
}

/* The loss of b recomputed from its weights (softmax or hierarchical softmax). */
static double plain_loss(const Built *b, Word2VecLoss loss)
{
    const float *W_out = b->m.params[1]->value.data;
    const int K = b->skip_gram ? 2 * W : 1;
    const int32_t *labels = b->skip_gram ? contexts : target;
    double h[B * H];
    plain_h(b, h);
    double total = 0.0;
    for (int r = 0; r < B; r++) {
        for (int k = 0; k < K; k++) {
            const int32_t label = labels[r * K + k];
            if (loss == WORD2VEC_LOSS_SOFTMAX) {
                /* score_c = h . W_out[:, c], W_out (H, V) */
                double score[V], m = -INFINITY, sum = 0.0;
                for (int c = 0; c < V; c++) {
                    score[c] = 0.0;
                    for (int j = 0; j < H; j++) score[c] += h[r * H + j] * W_out[j * V + c];
                    if (score[c] > m) m = score[c];
                }
                for (int c = 0; c < V; c++) sum += exp(score[c] - m);
                total += m + log(sum) - score[label];
            } else {
                const HuffmanTree *tree = &output_of(b)->tree;
                for (int d = tree->offset[label]; d < tree->offset[label + 1]; d++) {
                    double x = 0.0;
                    for (int j = 0; j < H; j++) x += h[r * H + j] * W_out[tree->points[d] * H + j];
                    /* label 1 - code: -log sigma(x) for code 0, -log(1 - sigma(x)) for code 1 */
                    total += tree->codes[d] ? plain_softplus(x) : plain_softplus(-x);
                }
            }
        }
    }
    return total / B;
}

static void scale_weights(Built *b, float factor)
{
    for (int i = 0; i < b->m.n_params; i++) {
        Tensor *t = &b->m.params[i]->value;
        for (size_t j = 0; j < t->size; j++) t->data[j] *= factor;
    }
}

static void test_loss_from_weights(void **state)
{
    (void)state;
    const Word2VecLoss losses[2] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_HSOFTMAX};
    for (int sg = 0; sg < 2; sg++)
        for (int i = 0; i < 2; i++) {
            Built b;
            build(&b, sg, losses[i], 5 + (uint64_t)i);
            scale_weights(&b, 100.0f);   /* O(1) weights: far from the uniform loss */
            const double want = plain_loss(&b, losses[i]);
            assert_close(model_loss(&b), want, 1e-5, 1e-5);
            b.m.ops->free(b.m.self);
        }
}

/* The Model interface draws nothing for the softmax losses: rng NULL works from the start. */
static void test_model_needs_no_negatives(void **state)
{
    (void)state;
    const Word2VecLoss losses[2] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_HSOFTMAX};
    for (int sg = 0; sg < 2; sg++)
        for (int i = 0; i < 2; i++) {
            Built b;
            build(&b, sg, losses[i], 9);
            const float no_rng = b.m.ops->forward(b.m.self, contexts, target, B, NULL);
            Rng rng;
            rng_seed(&rng, 1);
            assert_true(b.m.ops->forward(b.m.self, contexts, target, B, &rng) == no_rng);
            assert_close(no_rng, model_loss(&b), 0, 0);
            b.m.ops->free(b.m.self);
        }
}

/*
 * word2vec_output_negatives, the step CBOW's and SkipGram's forward
 * adapters share: NEGSAMP with an rng draws sample_size negatives per row
 * (never the row's target) into the buffer and returns it; with rng NULL
 * (after a forward of the same batch) it returns the buffer untouched
 * (frozen negatives). The softmax losses return NULL and touch nothing.
 */
static void test_output_negatives(void **state)
{
    (void)state;
    enum { S = 2 };
    Built b;
    build(&b, false, WORD2VEC_LOSS_NEGSAMP, 5);
    Word2VecOutput *out = &b.cbow.output;
    int32_t neg[B * S], before[B * S];
    for (int i = 0; i < B * S; i++) neg[i] = -7;
    Rng rng;
    rng_seed(&rng, 3);
    assert_ptr_equal(word2vec_output_negatives(out, neg, target, B, &rng), neg);
    for (int r = 0; r < B; r++)
        for (int k = 0; k < S; k++) {
            assert_true(neg[r * S + k] >= 0 && neg[r * S + k] < V);
            assert_int_not_equal(neg[r * S + k], target[r]);
        }
    memcpy(before, neg, sizeof neg);
    (void)cbow_forward(&b.cbow, contexts, target, neg, B);
    assert_ptr_equal(word2vec_output_negatives(out, neg, target, B, NULL), neg);
    assert_memory_equal(neg, before, sizeof neg);
    b.m.ops->free(b.m.self);

    const Word2VecLoss losses[2] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_HSOFTMAX};
    for (int i = 0; i < 2; i++) {
        build(&b, false, losses[i], 5);
        for (int j = 0; j < B * S; j++) neg[j] = -7;
        assert_null(word2vec_output_negatives(&b.cbow.output, neg, target, B, &rng));
        assert_null(word2vec_output_negatives(&b.cbow.output, neg, target, B, NULL));
        for (int j = 0; j < B * S; j++) assert_int_equal(neg[j], -7);
        b.m.ops->free(b.m.self);
    }
}

/* Trains b with Adam (lr 0.01) for `epochs` epochs of 2 minibatches of 3; one record per step. */
static void train(Built *b, uint64_t seed, int epochs, LossRecord **list, size_t *n)
{
    OptimizerConfig opt_cfg = optimizer_default_config(OPTIMIZER_ADAM);
    opt_cfg.lr = 0.01f;
    Optimizer opt;
    optimizer_init(&opt, &opt_cfg, b->m.params, b->m.n_params);
    Trainer tr;
    trainer_init(&tr, &b->m, &opt);
    tr.log = NULL;
    tr.eval_interval = 1;
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&tr, contexts, target, 6, epochs, 3, &rng, &err), DLFS_OK);
    *list = tr.loss_list;
    *n = tr.n_loss;
    tr.loss_list = NULL;
    trainer_free(&tr);
    optimizer_free(&opt);
}

static double mean_loss(const LossRecord *r, size_t from, size_t to)
{
    double s = 0.0;
    for (size_t i = from; i < to; i++) s += r[i].loss;
    return s / (double)(to - from);
}

static void check_training(bool sg, Word2VecLoss loss)
{
    enum { EPOCHS = 300 };
    Built b1, b2;
    LossRecord *l1, *l2;
    size_t n1, n2;
    build(&b1, sg, loss, 21);
    train(&b1, 21, EPOCHS, &l1, &n1);
    build(&b2, sg, loss, 21);
    train(&b2, 21, EPOCHS, &l2, &n2);
    assert_int_equal(n1, 2 * EPOCHS);
    const double start = mean_loss(l1, 0, 10), end = mean_loss(l1, n1 - 20, n1);
    /* SkipGram cannot fit "say"'s two different contexts: it levels off higher */
    assert_true(end < (sg ? 0.7 : 0.3) * start);
    assert_int_equal(n2, n1);
    const Tensor *w1 = &b1.m.params[0]->value, *w2 = &b2.m.params[0]->value;
    assert_memory_equal(w1->data, w2->data, w1->size * sizeof(float));
    free(l1);
    free(l2);
    b1.m.ops->free(b1.m.self);
    b2.m.ops->free(b2.m.self);
}

static void test_training_softmax(void **state)
{
    (void)state;
    check_training(false, WORD2VEC_LOSS_SOFTMAX);
    check_training(true, WORD2VEC_LOSS_SOFTMAX);
}

static void test_training_hsoftmax(void **state)
{
    (void)state;
    check_training(false, WORD2VEC_LOSS_HSOFTMAX);
    check_training(true, WORD2VEC_LOSS_HSOFTMAX);
}

static void test_loss_names(void **state)
{
    (void)state;
    Word2VecLoss loss;
    const char *names[3] = {"negsamp", "softmax", "hsoftmax"};
    const Word2VecLoss kinds[3] = {WORD2VEC_LOSS_NEGSAMP, WORD2VEC_LOSS_SOFTMAX,
                                   WORD2VEC_LOSS_HSOFTMAX};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(word2vec_loss_parse(names[i], &loss), DLFS_OK);
        assert_int_equal(loss, kinds[i]);
        assert_string_equal(word2vec_loss_name(kinds[i]), names[i]);
    }
    assert_int_equal(word2vec_loss_parse("ns", &loss), DLFS_ERR_ARG);
    assert_int_equal(word2vec_loss_parse("Softmax", &loss), DLFS_ERR_ARG);
    assert_int_equal(word2vec_default_config(10).loss, WORD2VEC_LOSS_NEGSAMP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_names),
        cmocka_unit_test(test_w_out_shapes),
        cmocka_unit_test(test_zero_weight_losses),
        cmocka_unit_test(test_loss_from_weights),
        cmocka_unit_test(test_model_needs_no_negatives),
        cmocka_unit_test(test_output_negatives),
        cmocka_unit_test(test_training_softmax),
        cmocka_unit_test(test_training_hsoftmax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
