/*
 * test_layers.c — the chapter-1/3 layers of common/layers.py: MatMul,
 * Affine, Sigmoid, Softmax and SoftmaxWithLoss (layers/matmul.h,
 * affine.h, sigmoid.h, softmax.h, softmax_with_loss.h). For each: forward
 * and backward on small numbers worked out by hand, backward checked
 * against numerical gradients (for the non-loss layers through the scalar
 * loss sum(out * R) with a fixed random R, whose gradient w.r.t. out is R),
 * and backward adding into dx and the param grads instead of assigning.
 * SoftmaxWithLoss also: ids and one-hot labels agree, ln C at x = 0,
 * finite for huge scores, and the textbook's -log(y + 1e-7) form for
 * moderate scores.
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
#include "layers/affine.h"
#include "layers/functions.h"
#include "layers/matmul.h"
#include "layers/sigmoid.h"
#include "layers/softmax.h"
#include "layers/softmax_with_loss.h"
#include "tests/testutil.h"

static void fill_normal(float *a, size_t n, double scale, Rng *rng)
{
    for (size_t i = 0; i < n; i++) a[i] = (float)(scale * rng_normal(rng));
}

static Param make_param(const char *name, int rows, int cols)
{
    Param p;
    if (rows > 0) param_init(&p, name, 2, (int[]){rows, cols}, false);
    else param_init(&p, name, 1, (int[]){cols}, false);
    return p;
}

/* Checks analytic (n,) against numerical gradients of f w.r.t. x, and that 1% off is caught. */
static void check_gradient(float *x, const float *analytic, size_t n, loss_fn f, void *ctx)
{
    const double err = gradient_check_float32(x, analytic, n, f, ctx);
    if (!(err <= 1.0)) fail_msg("gradient check: %g > 1", err);
    float off[64];
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++) off[i] = analytic[i] * 1.01f;
    assert_true(gradient_check_float32(x, off, n, f, ctx) > 1.0);
}

/* ---------------------------------------------------------------- MatMul */

/*
 * x = [[1, 2, 3], [4, 5, 6]], W = [[1, 0], [0, 1], [1, -1]]:
 *   out = x W = [[1 + 3, 2 - 3], [4 + 6, 5 - 6]] = [[4, -1], [10, -1]]
 * dout = [[1, 2], [3, 4]]:
 *   dx = dout W^T, W^T = [[1, 0, 1], [0, 1, -1]]: [[1, 2, -1], [3, 4, -1]]
 *   dW = x^T dout = [[1*1 + 4*3, 1*2 + 4*4], [2*1 + 5*3, 2*2 + 5*4], [3*1 + 6*3, 3*2 + 6*4]]
 *      = [[13, 18], [17, 24], [21, 30]]
 */
static const float hand_x[6] = {1, 2, 3, 4, 5, 6};
static const float hand_W[6] = {1, 0, 0, 1, 1, -1};
static const float hand_dout[4] = {1, 2, 3, 4};
static const float hand_dx[6] = {1, 2, -1, 3, 4, -1};
static const float hand_dW[6] = {13, 18, 17, 24, 21, 30};

static void test_matmul_hand(void **state)
{
    (void)state;
    Param W = make_param("W", 3, 2);
    memcpy(W.value.data, hand_W, sizeof hand_W);
    MatMul mm;
    matmul_init(&mm, &W);
    assert_ptr_equal(mm.params[0], &W);
    assert_ptr_equal(mm.grads[0], &W.grad);
    float out[4] = {99, 99, 99, 99};   /* overwritten, not added to */
    matmul_forward(&mm, out, hand_x, 2);
    const float expect[4] = {4, -1, 10, -1};
    assert_memory_equal(out, expect, sizeof expect);

    float dx[6] = {0};
    matmul_backward(&mm, dx, hand_dout);
    assert_memory_equal(dx, hand_dx, sizeof hand_dx);
    assert_memory_equal(W.grad.data, hand_dW, sizeof hand_dW);

    /* backward ADDS: a second call doubles dx and dW */
    matmul_backward(&mm, dx, hand_dout);
    for (int i = 0; i < 6; i++) {
        assert_true(dx[i] == 2 * hand_dx[i]);
        assert_true(W.grad.data[i] == 2 * hand_dW[i]);
    }
    /* a prefilled dx is added to; dx = NULL still adds into dW */
    float dx2[6] = {10, 20, 30, 40, 50, 60};
    matmul_backward(&mm, dx2, hand_dout);
    for (int i = 0; i < 6; i++) assert_true(dx2[i] == 10 * (i + 1) + hand_dx[i]);
    matmul_backward(&mm, NULL, hand_dout);
    for (int i = 0; i < 6; i++) assert_true(W.grad.data[i] == 4 * hand_dW[i]);
    param_free(&W);
}

/* Two MatMuls on one W (SimpleCBOW's in_layers) add both gradients into W.grad. */
static void test_matmul_shared_weight(void **state)
{
    (void)state;
    Param W = make_param("W", 3, 2);
    memcpy(W.value.data, hand_W, sizeof hand_W);
    MatMul a, b;
    matmul_init(&a, &W);
    matmul_init(&b, &W);
    const float x2[3] = {1, 0, -1};   /* one row */
    float out[4];
    matmul_forward(&a, out, hand_x, 2);
    matmul_forward(&b, out, x2, 1);
    const float dout2[2] = {5, 7};
    matmul_backward(&a, NULL, hand_dout);
    matmul_backward(&b, NULL, dout2);
    /* x2^T dout2 = [[5, 7], [0, 0], [-5, -7]] */
    const float expect[6] = {13 + 5, 18 + 7, 17, 24, 21 - 5, 30 - 7};
    assert_memory_equal(W.grad.data, expect, sizeof expect);
    param_free(&W);
}

/* ------------------------------------------- gradient checks, all layers */

enum { GN = 3, GD = 4, GH = 5 };

typedef enum { L_MATMUL, L_AFFINE, L_SIGMOID, L_SOFTMAX, L_SOFTMAX_LOSS } LayerKind;

typedef struct GradCtx {
    LayerKind kind;
    MatMul mm;
    Affine af;
    Sigmoid sg;
    Softmax sm;
    SoftmaxWithLoss swl;
    float x[GN * GH];       /* input: (GN, GD) for MatMul, Affine, SoftmaxWithLoss; (GN, GH) else */
    float out[GN * GH];
    float R[GN * GH];       /* the fixed weights of the scalar loss sum(out * R), in [0.5, 1.5) */
    int32_t t[GN];
} GradCtx;

static double grad_ctx_loss(void *p)
{
    GradCtx *g = p;
    switch (g->kind) {
    case L_MATMUL: matmul_forward(&g->mm, g->out, g->x, GN); break;
    case L_AFFINE: affine_forward(&g->af, g->out, g->x, GN); break;
    case L_SIGMOID: sigmoid_forward(&g->sg, g->out, g->x, GN * GH); break;
    case L_SOFTMAX: softmax_forward(&g->sm, g->out, g->x, GN); break;
    case L_SOFTMAX_LOSS: return softmax_with_loss_forward(&g->swl, g->x, g->t, GN);
    }
    double s = 0.0;
    for (int i = 0; i < GN * GH; i++) s += (double)g->out[i] * g->R[i];
    return s;
}

static void grad_ctx_fill(GradCtx *g, LayerKind kind, uint64_t seed)
{
    memset(g, 0, sizeof *g);
    g->kind = kind;
    Rng rng;
    rng_seed(&rng, seed);
    fill_normal(g->x, GN * GH, 1.5, &rng);
    /*
     * R in [0.5, 1.5): positive, so sum(out * R) does not cancel. The
     * checker's noise floor scales with |L|, while float32 rounding of out
     * scales with sum |out * R|: softmax rows sum to 1, and a signed R there
     * left |L| ~ 0.05 over terms of ~1, whose rounding then swamped small
     * gradient elements (a true -1.89024e-4 came out -1.871e-4 numerically).
     */
    for (int i = 0; i < GN * GH; i++) g->R[i] = (float)(0.5 + rng_uniform(&rng));
    for (int n = 0; n < GN; n++) g->t[n] = (int32_t)rng_below(&rng, GH);
}

static void test_matmul_affine_gradient(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 11);
    Param W = make_param("W", GD, GH), b = make_param("b", 0, GH);
    fill_normal(W.value.data, W.value.size, 1.0, &rng);
    fill_normal(b.value.data, b.value.size, 1.0, &rng);

    GradCtx g;
    grad_ctx_fill(&g, L_MATMUL, 12);
    matmul_init(&g.mm, &W);
    grad_ctx_loss(&g);
    float dx[GN * GD] = {0};
    matmul_backward(&g.mm, dx, g.R);   /* d sum(out * R) / d out = R */
    check_gradient(g.x, dx, GN * GD, grad_ctx_loss, &g);
    check_gradient(W.value.data, W.grad.data, W.grad.size, grad_ctx_loss, &g);

    grad_ctx_fill(&g, L_AFFINE, 13);
    affine_init(&g.af, &W, &b);
    assert_ptr_equal(g.af.grads[1], &b.grad);
    tensor_zero(&W.grad);
    grad_ctx_loss(&g);
    memset(dx, 0, sizeof dx);
    affine_backward(&g.af, dx, g.R);
    check_gradient(g.x, dx, GN * GD, grad_ctx_loss, &g);
    check_gradient(W.value.data, W.grad.data, W.grad.size, grad_ctx_loss, &g);
    check_gradient(b.value.data, b.grad.data, b.grad.size, grad_ctx_loss, &g);
    param_free(&W);
    param_free(&b);
}

/* Affine on the MatMul numbers with b = [0.5, -2]: out = [[4.5, -3], [10.5, -3]], db = [1 + 3, 2 + 4]. */
static void test_affine_hand(void **state)
{
    (void)state;
    Param W = make_param("W", 3, 2), b = make_param("b", 0, 2);
    memcpy(W.value.data, hand_W, sizeof hand_W);
    b.value.data[0] = 0.5f;
    b.value.data[1] = -2.0f;
    Affine af;
    affine_init(&af, &W, &b);
    float out[4] = {99, 99, 99, 99};
    affine_forward(&af, out, hand_x, 2);
    const float expect[4] = {4.5f, -3, 10.5f, -3};
    assert_memory_equal(out, expect, sizeof expect);

    float dx[6] = {0};
    affine_backward(&af, dx, hand_dout);
    assert_memory_equal(dx, hand_dx, sizeof hand_dx);
    assert_memory_equal(W.grad.data, hand_dW, sizeof hand_dW);
    const float db[2] = {4, 6};
    assert_memory_equal(b.grad.data, db, sizeof db);

    /* backward ADDS, into all three */
    float dx2[6] = {10, 20, 30, 40, 50, 60};
    affine_backward(&af, dx2, hand_dout);
    for (int i = 0; i < 6; i++) {
        assert_true(dx2[i] == 10 * (i + 1) + hand_dx[i]);
        assert_true(W.grad.data[i] == 2 * hand_dW[i]);
    }
    for (int i = 0; i < 2; i++) assert_true(b.grad.data[i] == 2 * db[i]);
    affine_backward(&af, NULL, hand_dout);
    for (int i = 0; i < 2; i++) assert_true(b.grad.data[i] == 3 * db[i]);
    param_free(&W);
    param_free(&b);
}

/* --------------------------------------------------------------- Sigmoid */

/*
 * x = [0, ln 3, -ln 3]: y = [1/2, 3/4, 1/4], y (1 - y) = [1/4, 3/16, 3/16];
 * dout = [1, 2, 4]: dx = [0.25, 0.375, 0.75].
 */
static void test_sigmoid_layer(void **state)
{
    (void)state;
    Sigmoid s;
    sigmoid_init(&s, 8);
    float x[3] = {0.0f, (float)log(3.0), (float)-log(3.0)};
    float out[3];
    sigmoid_forward(&s, out, x, 3);
    const float y[3] = {0.5f, 0.75f, 0.25f};
    assert_close_array(out, y, 3, 1e-7, 0);
    assert_memory_equal(s.out, out, sizeof out);
    assert_true(s.n == 3);

    const float dout[3] = {1, 2, 4};
    float dx[3] = {0};
    sigmoid_backward(&s, dx, dout);
    const float expect[3] = {0.25f, 0.375f, 0.75f};
    assert_close_array(dx, expect, 3, 1e-7, 0);
    float dx2[3] = {1, 2, 3};
    sigmoid_backward(&s, dx, dout);
    sigmoid_backward(&s, dx2, dout);
    for (int i = 0; i < 3; i++) {
        assert_close(dx[i], 2 * expect[i], 2e-7, 0);
        assert_close(dx2[i], i + 1 + expect[i], 1e-6, 0);
    }

    /* in place: y survives in the layer even when the caller reuses out */
    sigmoid_forward(&s, x, x, 3);
    assert_close_array(x, y, 3, 1e-7, 0);
    x[0] = 123.0f;
    float dx3[3] = {0};
    sigmoid_backward(&s, dx3, dout);
    assert_close_array(dx3, expect, 3, 1e-7, 0);
    sigmoid_free(&s);

    GradCtx g;
    grad_ctx_fill(&g, L_SIGMOID, 14);
    sigmoid_init(&g.sg, GN * GH);
    grad_ctx_loss(&g);
    float dxg[GN * GH] = {0};
    sigmoid_backward(&g.sg, dxg, g.R);
    check_gradient(g.x, dxg, GN * GH, grad_ctx_loss, &g);
    sigmoid_free(&g.sg);
}

/* --------------------------------------------------------------- Softmax */

/*
 * Row 0 x = [0, 0, ln 2]: y = [1, 1, 2] / 4 = [0.25, 0.25, 0.5].
 * Row 1 x = [ln 3, 0, 0]: y = [3, 1, 1] / 5 = [0.6, 0.2, 0.2].
 * dout row 0 [1, 0, 0]: sum dout y = 0.25, dx = y (dout - 0.25)
 *   = [0.25 * 0.75, 0.25 * -0.25, 0.5 * -0.25] = [0.1875, -0.0625, -0.125]
 * dout row 1 [0, 0, 2]: sum dout y = 0.4,
 *   dx = [0.6 * -0.4, 0.2 * -0.4, 0.2 * 1.6] = [-0.24, -0.08, 0.32]
 */
static const float sm_x[6] = {0.0f, 0.0f, 0.693147181f, 1.09861229f, 0.0f, 0.0f};
static const float sm_y[6] = {0.25f, 0.25f, 0.5f, 0.6f, 0.2f, 0.2f};

static void test_softmax_layer(void **state)
{
    (void)state;
    Softmax s;
    softmax_init(&s, 4, 3);
    float out[6];
    softmax_forward(&s, out, sm_x, 2);
    assert_close_array(out, sm_y, 6, 1e-7, 0);
    assert_memory_equal(s.out, out, sizeof out);
    assert_int_equal(s.N, 2);

    const float dout[6] = {1, 0, 0, 0, 0, 2};
    float dx[6] = {0};
    softmax_backward(&s, dx, dout);
    const float expect[6] = {0.1875f, -0.0625f, -0.125f, -0.24f, -0.08f, 0.32f};
    assert_close_array(dx, expect, 6, 1e-7, 0);
    float dx2[6] = {1, 1, 1, 1, 1, 1};
    softmax_backward(&s, dx, dout);
    softmax_backward(&s, dx2, dout);
    for (int i = 0; i < 6; i++) {
        assert_close(dx[i], 2 * expect[i], 2e-7, 0);
        assert_close(dx2[i], 1 + expect[i], 1e-6, 0);
    }
    /* a dout equal on a whole row has no effect (softmax ignores shifts) */
    const float flat[6] = {3, 3, 3, -1, -1, -1};
    float dx3[6] = {0};
    softmax_backward(&s, dx3, flat);
    for (int i = 0; i < 6; i++) assert_close(dx3[i], 0.0, 1e-6, 0);
    softmax_free(&s);

    GradCtx g;
    grad_ctx_fill(&g, L_SOFTMAX, 15);
    softmax_init(&g.sm, GN, GH);
    grad_ctx_loss(&g);
    float dxg[GN * GH] = {0};
    softmax_backward(&g.sm, dxg, g.R);
    check_gradient(g.x, dxg, GN * GH, grad_ctx_loss, &g);
    softmax_free(&g.sm);
}

/* ------------------------------------------------------- SoftmaxWithLoss */

/*
 * The Softmax rows with t = [2, 1]: per-row loss -log 0.5 = ln 2 and
 * -log 0.2 = ln 5, mean ln(10) / 2 = 1.15129255.
 * dx with dout = 1: (y - onehot(t)) / 2 = [[0.125, 0.125, -0.25], [0.3, -0.4, 0.1]].
 */
static void test_softmax_with_loss_hand(void **state)
{
    (void)state;
    SoftmaxWithLoss s;
    softmax_with_loss_init(&s, 4, 3);
    int32_t t[2] = {2, 1};
    assert_close(softmax_with_loss_forward(&s, sm_x, t, 2), log(10.0) / 2, 2e-7, 0);
    assert_close_array(s.y, sm_y, 6, 1e-7, 0);
    t[0] = t[1] = 0;   /* the layer keeps its own copy of t */
    float dx[6] = {0};
    softmax_with_loss_backward(&s, dx, 1.0f);
    const float expect[6] = {0.125f, 0.125f, -0.25f, 0.3f, -0.4f, 0.1f};
    assert_close_array(dx, expect, 6, 1e-7, 0);
    /* backward ADDS; dout scales */
    float dx2[6] = {1, 2, 3, 4, 5, 6};
    softmax_with_loss_backward(&s, dx, 1.0f);
    softmax_with_loss_backward(&s, dx2, 3.0f);
    for (int i = 0; i < 6; i++) {
        assert_close(dx[i], 2 * expect[i], 2e-7, 0);
        assert_close(dx2[i], i + 1 + 3 * expect[i], 1e-6, 0);
    }
    softmax_with_loss_free(&s);
}

static void test_softmax_with_loss_gradient(void **state)
{
    (void)state;
    GradCtx g;
    grad_ctx_fill(&g, L_SOFTMAX_LOSS, 16);
    softmax_with_loss_init(&g.swl, GN, GD);   /* x is (GN, GD) here */
    for (int n = 0; n < GN; n++) g.t[n] %= GD;
    grad_ctx_loss(&g);
    float dx[GN * GD] = {0};
    softmax_with_loss_backward(&g.swl, dx, 1.0f);
    check_gradient(g.x, dx, GN * GD, grad_ctx_loss, &g);
    softmax_with_loss_free(&g.swl);
}

/* One-hot labels give bit for bit the loss and gradient of their ids. */
static void test_softmax_with_loss_onehot(void **state)
{
    (void)state;
    enum { N = 4, C = 6 };
    Rng rng;
    rng_seed(&rng, 17);
    float x[N * C];
    fill_normal(x, N * C, 2.0, &rng);
    const int32_t ids[N] = {5, 0, 2, 2};
    int32_t onehot[N * C] = {0};
    for (int n = 0; n < N; n++) onehot[n * C + ids[n]] = 1;

    SoftmaxWithLoss a, b;
    softmax_with_loss_init(&a, N, C);
    softmax_with_loss_init(&b, N, C);
    const float la = softmax_with_loss_forward(&a, x, ids, N);
    const float lb = softmax_with_loss_forward_onehot(&b, x, onehot, N);
    assert_true(la == lb);
    assert_memory_equal(a.t, ids, sizeof ids);
    assert_memory_equal(b.t, ids, sizeof ids);
    float da[N * C] = {0}, db[N * C] = {0};
    softmax_with_loss_backward(&a, da, 1.0f);
    softmax_with_loss_backward(&b, db, 1.0f);
    assert_memory_equal(da, db, sizeof da);
    /* each row of the gradient sums to 0 and is negative only at the label */
    for (int n = 0; n < N; n++) {
        double s = 0.0;
        for (int c = 0; c < C; c++) {
            s += da[n * C + c];
            assert_true((da[n * C + c] < 0.0f) == (c == ids[n]));
        }
        assert_close(s, 0.0, 1e-7, 0);
    }
    softmax_with_loss_free(&a);
    softmax_with_loss_free(&b);
}

/* All scores 0: y = 1/C everywhere and the loss is ln C, whatever the labels. */
static void test_softmax_with_loss_zero_scores(void **state)
{
    (void)state;
    enum { N = 3, C = 7 };
    SoftmaxWithLoss s;
    softmax_with_loss_init(&s, N, C);
    const float x[N * C] = {0};
    const int32_t t[N] = {0, 6, 3};
    assert_close(softmax_with_loss_forward(&s, x, t, N), log((double)C), 1e-7, 0);
    for (int i = 0; i < N * C; i++) assert_close(s.y[i], 1.0 / C, 1e-8, 0);
    assert_close(softmax_with_loss_forward(&s, x, t, 1), log((double)C), 1e-7, 0);
    softmax_with_loss_free(&s);
}

/*
 * A score of 1e4: exp(1e4) overflows even double, the shifted form does
 * not. Right label: loss 0 and gradient 0. Wrong label: loss exactly the
 * gap, 1e4 (the textbook would cap it at -log(1e-7) = 16.1), and the
 * gradient (y - onehot) / N = [1, -1, 0] / 2 on that row.
 */
static void test_softmax_with_loss_huge_score(void **state)
{
    (void)state;
    SoftmaxWithLoss s;
    softmax_with_loss_init(&s, 2, 3);
    const float x[6] = {1e4f, 0.0f, 0.0f, 0.0f, 1e4f, -1e4f};
    const int32_t right[2] = {0, 1}, wrong[2] = {1, 1};

    float loss = softmax_with_loss_forward(&s, x, right, 2);
    assert_true(isfinite(loss));
    assert_close(loss, 0.0, 1e-30, 0);
    float dx[6] = {0};
    softmax_with_loss_backward(&s, dx, 1.0f);
    for (int i = 0; i < 6; i++) {
        assert_true(isfinite(s.y[i]) && isfinite(dx[i]));
        assert_close(dx[i], 0.0, 1e-30, 0);
    }

    loss = softmax_with_loss_forward(&s, x, wrong, 2);
    assert_true(isfinite(loss));
    assert_close(loss, 1e4 / 2, 0, 1e-7);
    memset(dx, 0, sizeof dx);
    softmax_with_loss_backward(&s, dx, 1.0f);
    const float expect[6] = {0.5f, -0.5f, 0.0f, 0.0f, 0.0f, 0.0f};
    assert_close_array(dx, expect, 6, 1e-30, 0);
    softmax_with_loss_free(&s);
}

/*
 * The stable loss is the textbook's cross_entropy_error(softmax(x), t) =
 * -mean log(y_t + 1e-7) to within the mean of log(1 + 1e-7 / y_t), as the
 * header says, plus float rounding.
 */
static void test_softmax_with_loss_matches_textbook(void **state)
{
    (void)state;
    enum { N = 20, C = 5 };
    Rng rng;
    rng_seed(&rng, 18);
    float x[N * C], y[N * C];
    int32_t t[N];
    fill_normal(x, N * C, 1.5, &rng);
    for (int n = 0; n < N; n++) t[n] = (int32_t)rng_below(&rng, C);
    SoftmaxWithLoss s;
    softmax_with_loss_init(&s, N, C);
    const float loss = softmax_with_loss_forward(&s, x, t, N);
    softmax(y, x, N, C);
    double gap = 0.0;
    for (int n = 0; n < N; n++) gap += log1p(1e-7 / y[n * C + t[n]]) / N;
    assert_true(gap > 0.0 && gap < 1e-4);
    assert_close_array(s.y, y, N * C, 1e-7, 1e-6);
    const double textbook = cross_entropy_error(y, t, N, C);
    assert_true(textbook < loss);   /* the 1e-7 only ever lowers the loss */
    assert_close(loss, textbook + gap, 1e-6, 0);
    softmax_with_loss_free(&s);
}


/*
 * K labels per row against one score matrix: the loss is the sum of K
 * single-label layers' losses and dx their summed gradients (the textbook's
 * SimpleSkipGram with one SoftmaxWithLoss per context position); and the
 * multi-label gradient matches a numerical one.
 */
enum { MN = 3, MC = 6, MK = 4 };

typedef struct MultiCtx {
    SoftmaxWithLoss swl;
    float x[MN * MC];
    int32_t t[MN * MK];
} MultiCtx;

static double multi_loss(void *p)
{
    MultiCtx *c = p;
    return softmax_with_loss_forward_multi(&c->swl, c->x, c->t, MN, MK);
}

static void test_softmax_with_loss_multi(void **state)
{
    (void)state;
    MultiCtx c;
    Rng rng;
    rng_seed(&rng, 11);
    fill_normal(c.x, MN * MC, 2.0, &rng);
    /* row 0 repeats label 2, so the same class is counted twice */
    const int32_t t[MN * MK] = {2, 2, 0, 5, 1, 3, 4, 0, 5, 5, 5, 1};
    memcpy(c.t, t, sizeof t);
    softmax_with_loss_init_multi(&c.swl, MN, MC, MK);
    const float loss = softmax_with_loss_forward_multi(&c.swl, c.x, c.t, MN, MK);
    float dx[MN * MC];
    for (int i = 0; i < MN * MC; i++) dx[i] = 0.5f;   /* backward adds */
    softmax_with_loss_backward(&c.swl, dx, 1.0f);

    SoftmaxWithLoss one;
    softmax_with_loss_init(&one, MN, MC);
    double expected_loss = 0.0;
    float expected_dx[MN * MC];
    for (int i = 0; i < MN * MC; i++) expected_dx[i] = 0.5f;
    for (int k = 0; k < MK; k++) {
        int32_t col[MN];
        for (int n = 0; n < MN; n++) col[n] = t[n * MK + k];
        expected_loss += softmax_with_loss_forward(&one, c.x, col, MN);
        softmax_with_loss_backward(&one, expected_dx, 1.0f);
    }
    assert_close(loss, expected_loss, 1e-5, 1e-6);
    for (int i = 0; i < MN * MC; i++) assert_close(dx[i], expected_dx[i], 1e-5, 1e-6);

    for (int i = 0; i < MN * MC; i++) dx[i] = 0.0f;
    (void)multi_loss(&c);
    softmax_with_loss_backward(&c.swl, dx, 1.0f);
    check_gradient(c.x, dx, MN * MC, multi_loss, &c);
    softmax_with_loss_free(&one);
    softmax_with_loss_free(&c.swl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matmul_hand),
        cmocka_unit_test(test_matmul_shared_weight),
        cmocka_unit_test(test_affine_hand),
        cmocka_unit_test(test_matmul_affine_gradient),
        cmocka_unit_test(test_sigmoid_layer),
        cmocka_unit_test(test_softmax_layer),
        cmocka_unit_test(test_softmax_with_loss_hand),
        cmocka_unit_test(test_softmax_with_loss_gradient),
        cmocka_unit_test(test_softmax_with_loss_onehot),
        cmocka_unit_test(test_softmax_with_loss_zero_scores),
        cmocka_unit_test(test_softmax_with_loss_huge_score),
        cmocka_unit_test(test_softmax_with_loss_matches_textbook),
        cmocka_unit_test(test_softmax_with_loss_multi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
