/*
 * test_embedding_dot.c — the EmbeddingDot layer (layers/embedding_dot.h;
 * textbook §4.2.4, ch04/negative_sampling_layer.py `EmbeddingDot`):
 * forward and backward on hand-worked numbers, a numerical gradient check
 * w.r.t. h and W (with repeated ids), and a check that the gradient checker
 * itself notices a backward that is 1% off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/param.h"
#include "common/rng.h"
#include "layers/embedding_dot.h"
#include "tests/testutil.h"

/*
 * W (4, 3), h (3, 3), idx {2, 0, 2}:
 *   out[0] = W[2]·h[0] = 2*1 + 0*0 + (-1)(-1) =  3
 *   out[1] = W[0]·h[1] = 1*2 + 2*1 + 3*0      =  4
 *   out[2] = W[2]·h[2] = 0 + 0 + (-1)*4        = -4
 * dout {1, -2, 0.5}:
 *   dh[0] = 1 * W[2] = (2, 0, -1);  dh[1] = -2 * W[0] = (-2, -4, -6);
 *   dh[2] = 0.5 * W[2] = (1, 0, -0.5)
 *   dW[0] = -2 * h[1] = (-4, -2, 0)
 *   dW[2] = 1 * h[0] + 0.5 * h[2] = (1, 0, -1) + (0, 0.25, 2) = (1, 0.25, 1)
 */
static const float W_hand[4 * 3] = {1, 2, 3, 0, -1, 0.5f, 2, 0, -1, 0.5f, 0.5f, 0.5f};
static const float h_hand[3 * 3] = {1, 0, -1, 2, 1, 0, 0, 0.5f, 4};
static const int32_t idx_hand[3] = {2, 0, 2};

static void test_forward_by_hand(void **state)
{
    (void)state;
    Param W;
    param_init(&W, "W", 2, (int[]){4, 3}, true);
    memcpy(W.value.data, W_hand, sizeof W_hand);
    EmbeddingDot ed;
    embedding_dot_init(&ed, &W);
    float out[3];
    embedding_dot_forward(&ed, out, h_hand, idx_hand, 3);
    const float expect[3] = {3, 4, -4};
    assert_close_array(out, expect, 3, 1e-6, 0);
    assert_int_equal(W.n_touched, 0);
    param_free(&W);
}

static void test_backward_by_hand(void **state)
{
    (void)state;
    Param W;
    param_init(&W, "W", 2, (int[]){4, 3}, true);
    memcpy(W.value.data, W_hand, sizeof W_hand);
    EmbeddingDot ed;
    embedding_dot_init(&ed, &W);
    float out[3];
    embedding_dot_forward(&ed, out, h_hand, idx_hand, 3);
    const float dout[3] = {1, -2, 0.5f};
    float dh[9];
    for (int i = 0; i < 9; i++) dh[i] = 1.0f;   /* backward adds into dh */
    embedding_dot_backward(&ed, dh, dout);
    const float expect_dh[9] = {1 + 2, 1 + 0, 1 - 1, 1 - 2, 1 - 4, 1 - 6, 1 + 1, 1 + 0, 1 - 0.5f};
    assert_close_array(dh, expect_dh, 9, 1e-6, 0);
    const float expect_dW[12] = {-4, -2, 0, 0, 0, 0, 1, 0.25f, 1, 0, 0, 0};
    assert_close_array(W.grad.data, expect_dW, 12, 1e-6, 0);
    assert_int_equal(W.n_touched, 2);   /* rows 2 and 0 */
    assert_int_equal(W.row_touched[1], 0);
    assert_int_equal(W.row_touched[3], 0);

    /* A second backward (no zeroing) doubles the gradient of W. */
    embedding_dot_backward(&ed, dh, dout);
    float twice[12];
    for (int i = 0; i < 12; i++) twice[i] = 2 * expect_dW[i];
    assert_close_array(W.grad.data, twice, 12, 1e-6, 0);
    param_free(&W);
}

/* Gradient check on L = sum_b (c_b out_b + 0.5 out_b^2), so dout_b = c_b + out_b. */
enum { GV = 5, GH = 4, GB = 6 };

typedef struct GradCtx {
    EmbeddingDot ed;
    Param W;
    float h[GB * GH];
    int32_t idx[GB];
    float c[GB];
} GradCtx;

static double loss_of(void *p)
{
    GradCtx *g = p;
    float out[GB];
    embedding_dot_forward(&g->ed, out, g->h, g->idx, GB);
    double L = 0.0;
    for (int b = 0; b < GB; b++) L += g->c[b] * (double)out[b] + 0.5 * (double)out[b] * out[b];
    return L;
}

static void setup_grad_ctx(GradCtx *g)
{
    Rng rng;
    rng_seed(&rng, 1234);
    param_init(&g->W, "W", 2, (int[]){GV, GH}, true);
    for (size_t i = 0; i < g->W.value.size; i++) g->W.value.data[i] = (float)rng_normal(&rng);
    for (int i = 0; i < GB * GH; i++) g->h[i] = (float)rng_normal(&rng);
    /* repeated ids (3 three times, 0 twice) and an unused row (2) */
    const int32_t idx[GB] = {3, 0, 3, 1, 0, 3};
    memcpy(g->idx, idx, sizeof idx);
    for (int b = 0; b < GB; b++) g->c[b] = (float)rng_normal(&rng);
    embedding_dot_init(&g->ed, &g->W);
}

/* Analytic dh and dW for the loss above. */
static void analytic(GradCtx *g, float *dh)
{
    float out[GB], dout[GB];
    embedding_dot_forward(&g->ed, out, g->h, g->idx, GB);
    for (int b = 0; b < GB; b++) dout[b] = g->c[b] + out[b];
    memset(dh, 0, sizeof(float) * GB * GH);
    param_zero_grad(&g->W);
    embedding_dot_backward(&g->ed, dh, dout);
}

static void test_numerical_gradient(void **state)
{
    (void)state;
    GradCtx g;
    setup_grad_ctx(&g);
    float dh[GB * GH];
    analytic(&g, dh);
    float dW[GV * GH];
    memcpy(dW, g.W.grad.data, sizeof dW);

    /* The loss is quadratic in each single variable, so the central
     * difference is exact but for float32 rounding of out (~1e-7 |out|,
     * over 2h = 2e-2): relative errors ~1e-5 are expected. */
    const double err_h = gradient_max_rel_error(g.h, dh, GB * GH, 1e-2, 1e-6, loss_of, &g);
    const double err_W = gradient_max_rel_error(g.W.value.data, dW, GV * GH, 1e-2, 1e-6, loss_of, &g);
    assert_true(err_h < 1e-3);
    assert_true(err_W < 1e-3);
    /* the unused row 2 has exactly zero gradient */
    for (int k = 0; k < GH; k++) assert_true(dW[2 * GH + k] == 0.0f);
    param_free(&g.W);
}

/* The same check must fail for a backward that is 1% off (rel error ~0.005). */
static void test_checker_catches_one_percent(void **state)
{
    (void)state;
    GradCtx g;
    setup_grad_ctx(&g);
    float dh[GB * GH];
    analytic(&g, dh);
    float dW[GV * GH];
    memcpy(dW, g.W.grad.data, sizeof dW);
    for (int i = 0; i < GB * GH; i++) dh[i] *= 1.01f;
    for (int i = 0; i < GV * GH; i++) dW[i] *= 1.01f;
    assert_true(gradient_max_rel_error(g.h, dh, GB * GH, 1e-2, 1e-6, loss_of, &g) > 1e-3);
    assert_true(gradient_max_rel_error(g.W.value.data, dW, GV * GH, 1e-2, 1e-6, loss_of, &g) > 1e-3);

    /* and a backward that forgets repeated ids (assigns instead of adds) */
    analytic(&g, dh);
    memcpy(dW, g.W.grad.data, sizeof dW);
    float out[GB];
    embedding_dot_forward(&g.ed, out, g.h, g.idx, GB);
    for (int k = 0; k < GH; k++) {   /* row 3: keep only the last contribution, b = 5 */
        const float d5 = g.c[5] + out[5];
        dW[3 * GH + k] = d5 * g.h[5 * GH + k];
    }
    assert_true(gradient_max_rel_error(g.W.value.data, dW, GV * GH, 1e-2, 1e-6, loss_of, &g) > 1e-3);
    param_free(&g.W);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_by_hand),
        cmocka_unit_test(test_backward_by_hand),
        cmocka_unit_test(test_numerical_gradient),
        cmocka_unit_test(test_checker_catches_one_percent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
