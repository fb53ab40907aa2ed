/*
 * test_negative_sampling_loss.c — the NegativeSamplingLoss layer
 * (layers/negative_sampling_loss.h; textbook §4.2.7,
 * ch04/negative_sampling_layer.py `NegativeSamplingLoss`): the loss at zero
 * weights, a hand-worked tiny case, and a numerical gradient check w.r.t. h
 * and W_out with the negatives frozen (passed in), including repeated
 * negative ids within a row and across rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "common/param.h"
#include "common/rng.h"
#include "layers/negative_sampling_loss.h"
#include "tests/testutil.h"

/* All-zero W_out: every score is 0, each of the S + 1 terms is ln 2. */
static void test_zero_weights_loss(void **state)
{
    (void)state;
    enum { V = 7, H = 3, S = 5, B = 4 };
    Param W;
    param_init(&W, "W_out", 2, (int[]){V, H}, true);
    NegativeSamplingLoss ns;
    negative_sampling_loss_init(&ns, &W, S, 8);
    float h[B * H];
    for (int i = 0; i < B * H; i++) h[i] = (float)(i % 5) - 2.0f;
    const int32_t target[B] = {0, 1, 2, 3};
    int32_t neg[B * S];
    for (int i = 0; i < B * S; i++) neg[i] = (int32_t)((i * 3 + 1) % V);
    const float loss = negative_sampling_loss_forward(&ns, h, target, neg, B);
    assert_close(loss, (S + 1) * log(2.0), 2e-6, 0);   /* 4.158883 */

    /* Gradient at W = 0: dh = 0; dW[target] gets (0.5 - 1) h / B, each negative 0.5 h / B */
    float dh[B * H];
    memset(dh, 0, sizeof dh);
    negative_sampling_loss_backward(&ns, dh, 1.0f);
    for (int i = 0; i < B * H; i++) assert_true(dh[i] == 0.0f);
    double expect[V * H] = {0};
    for (int b = 0; b < B; b++) {
        for (int k = 0; k < H; k++) {
            expect[target[b] * H + k] += -0.5 * h[b * H + k] / B;
            for (int i = 0; i < S; i++) expect[neg[b * S + i] * H + k] += 0.5 * h[b * H + k] / B;
        }
    }
    for (int i = 0; i < V * H; i++) assert_close(W.grad.data[i], expect[i], 1e-6, 0);
    negative_sampling_loss_free(&ns);
    param_free(&W);
}

/*
 * V 3, H 2, S 1; W_out rows (1,0), (0,1), (1,1); h = (1, 2); target 0,
 * negative 2; the batch holds this row twice (B = 2), so the mean equals
 * one row's loss and each row's dh is half of it.
 *   score+ = W0·h = 1, score- = W2·h = 3
 *   loss   = log(1 + e^-1) + log(1 + e^3) = 0.313261688 + 3.048587352 = 3.361849039
 *   dscore+ = sigmoid(1) - 1 = -0.268941421, dscore- = sigmoid(3) = 0.952574127 (per row, / B)
 *   dh (one row, times B)  = -0.268941421 W0 + 0.952574127 W2 = (0.683632705, 0.952574127)
 *   dW0 = -0.268941421 h = (-0.268941421, -0.537882843), dW2 = 0.952574127 h = (0.952574127, 1.905148254)
 */
static void test_tiny_case_by_hand(void **state)
{
    (void)state;
    Param W;
    param_init(&W, "W_out", 2, (int[]){3, 2}, true);
    const float w[6] = {1, 0, 0, 1, 1, 1};
    memcpy(W.value.data, w, sizeof w);
    NegativeSamplingLoss ns;
    negative_sampling_loss_init(&ns, &W, 1, 2);
    const float h[4] = {1, 2, 1, 2};
    const int32_t target[2] = {0, 0};
    const int32_t neg[2] = {2, 2};
    assert_close(negative_sampling_loss_forward(&ns, h, target, neg, 2), 3.361849039, 1e-6, 0);
    float dh[4] = {0, 0, 0, 0};
    negative_sampling_loss_backward(&ns, dh, 1.0f);
    const float expect_dh[4] = {0.683632705f / 2, 0.952574127f / 2, 0.683632705f / 2, 0.952574127f / 2};
    assert_close_array(dh, expect_dh, 4, 1e-7, 0);
    const float expect_dW[6] = {-0.268941421f, -0.537882843f, 0, 0, 0.952574127f, 1.905148254f};
    assert_close_array(W.grad.data, expect_dW, 6, 1e-7, 0);
    assert_int_equal(W.n_touched, 2);
    assert_int_equal(W.row_touched[1], 0);

    /* dout scales the gradient; backward adds into dh and grad */
    param_zero_grad(&W);
    negative_sampling_loss_backward(&ns, dh, 3.0f);
    for (int i = 0; i < 4; i++) assert_close(dh[i], 4.0 * expect_dh[i], 1e-6, 0);
    for (int i = 0; i < 6; i++) assert_close(W.grad.data[i], 3.0 * expect_dW[i], 1e-6, 0);
    negative_sampling_loss_free(&ns);
    param_free(&W);
}

enum { GV = 6, GH = 4, GS = 3, GB = 5 };

typedef struct GradCtx {
    NegativeSamplingLoss ns;
    Param W;
    float h[GB * GH];
    int32_t target[GB];
    int32_t neg[GB * GS];
} GradCtx;

static double loss_of(void *p)
{
    GradCtx *g = p;
    return negative_sampling_loss_forward(&g->ns, g->h, g->target, g->neg, GB);
}

static void setup_ctx(GradCtx *g, uint64_t seed)
{
    Rng rng;
    rng_seed(&rng, seed);
    param_init(&g->W, "W_out", 2, (int[]){GV, GH}, true);
    for (size_t i = 0; i < g->W.value.size; i++) g->W.value.data[i] = (float)(0.7 * rng_normal(&rng));
    for (int i = 0; i < GB * GH; i++) g->h[i] = (float)(0.7 * rng_normal(&rng));
    const int32_t target[GB] = {0, 3, 3, 1, 5};
    /* row 0 repeats 2 within the row, 2 and 4 recur across rows, row 2's
     * negative 3 equals its target (the layer must not care); row 4 all 4s */
    const int32_t neg[GB * GS] = {
        2, 2, 4,
        4, 1, 2,
        3, 0, 2,
        2, 4, 0,
        4, 4, 4,
    };
    memcpy(g->target, target, sizeof target);
    memcpy(g->neg, neg, sizeof neg);
    negative_sampling_loss_init(&g->ns, &g->W, GS, GB);
}

static void test_numerical_gradient_frozen_negatives(void **state)
{
    (void)state;
    GradCtx g;
    setup_ctx(&g, 77);
    const float loss = negative_sampling_loss_forward(&g.ns, g.h, g.target, g.neg, GB);
    assert_true(isfinite(loss));
    float dh[GB * GH];
    memset(dh, 0, sizeof dh);
    negative_sampling_loss_backward(&g.ns, dh, 1.0f);
    float dW[GV * GH];
    memcpy(dW, g.W.grad.data, sizeof dW);

    assert_true(gradient_check_float32(g.h, dh, GB * GH, loss_of, &g) <= 1.0);
    assert_true(gradient_check_float32(g.W.value.data, dW, GV * GH, loss_of, &g) <= 1.0);

    /* a 1% error in either gradient is caught */
    for (int i = 0; i < GB * GH; i++) dh[i] *= 1.01f;
    for (int i = 0; i < GV * GH; i++) dW[i] *= 1.01f;
    assert_true(gradient_check_float32(g.h, dh, GB * GH, loss_of, &g) > 1.0);
    assert_true(gradient_check_float32(g.W.value.data, dW, GV * GH, loss_of, &g) > 1.0);

    /* and so is a backward that drops a repeated negative (row 0 has 2 twice):
     * remove one copy of row 0's contribution dscore * h[0] from dW[2] */
    for (int i = 0; i < GV * GH; i++) dW[i] = g.W.grad.data[i];
    {
        const float *W2 = g.W.value.data + 2 * GH;
        double s = 0.0;
        for (int k = 0; k < GH; k++) s += (double)W2[k] * g.h[k];
        const double dscore = 1.0 / (1.0 + exp(-s)) / GB;   /* label 0: y - 0 */
        for (int k = 0; k < GH; k++) dW[2 * GH + k] -= (float)(dscore * g.h[k]);
    }
    assert_true(gradient_check_float32(g.W.value.data, dW, GV * GH, loss_of, &g) > 1.0);
    negative_sampling_loss_free(&g.ns);
    param_free(&g.W);
}

/* negative_sample is copied at forward: changing the caller's array before
 * backward changes nothing. */
static void test_negatives_are_copied(void **state)
{
    (void)state;
    GradCtx a, b;
    setup_ctx(&a, 5);
    setup_ctx(&b, 5);
    const float la = negative_sampling_loss_forward(&a.ns, a.h, a.target, a.neg, GB);
    const float lb = negative_sampling_loss_forward(&b.ns, b.h, b.target, b.neg, GB);
    assert_true(la == lb);
    for (int i = 0; i < GB * GS; i++) b.neg[i] = (b.neg[i] + 1) % GV;   /* scribble */
    float dha[GB * GH], dhb[GB * GH];
    memset(dha, 0, sizeof dha);
    memset(dhb, 0, sizeof dhb);
    negative_sampling_loss_backward(&a.ns, dha, 1.0f);
    negative_sampling_loss_backward(&b.ns, dhb, 1.0f);
    assert_memory_equal(dha, dhb, sizeof dha);
    assert_memory_equal(a.W.grad.data, b.W.grad.data, GV * GH * sizeof(float));
    negative_sampling_loss_free(&a.ns);
    negative_sampling_loss_free(&b.ns);
    param_free(&a.W);
    param_free(&b.W);
}

/* The loss is the sum of the S + 1 columns' batch means, computed directly. */
static void test_loss_is_sum_of_column_means(void **state)
{
    (void)state;
    GradCtx g;
    setup_ctx(&g, 8);
    const float loss = negative_sampling_loss_forward(&g.ns, g.h, g.target, g.neg, GB);
    double expect = 0.0;
    for (int b = 0; b < GB; b++) {
        const float *hb = g.h + b * GH;
        for (int c = 0; c <= GS; c++) {
            const int32_t id = c == 0 ? g.target[b] : g.neg[b * GS + c - 1];
            double s = 0.0;
            for (int k = 0; k < GH; k++) s += (double)g.W.value.data[id * GH + k] * hb[k];
            const double y = 1.0 / (1.0 + exp(-s));
            expect += -log(c == 0 ? y : 1.0 - y) / GB;
        }
    }
    assert_close(loss, expect, 1e-5, 1e-6);
    negative_sampling_loss_free(&g.ns);
    param_free(&g.W);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_weights_loss),
        cmocka_unit_test(test_tiny_case_by_hand),
        cmocka_unit_test(test_numerical_gradient_frozen_negatives),
        cmocka_unit_test(test_negatives_are_copied),
        cmocka_unit_test(test_loss_is_sum_of_column_means),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
