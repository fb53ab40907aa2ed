/*
 * test_sigmoid_with_loss.c — the SigmoidWithLoss layer
 * (layers/sigmoid_with_loss.h; textbook §4.2.3, common/layers.py
 * `SigmoidWithLoss`): loss and gradient on hand-worked numbers, stability
 * for saturated scores, agreement with the textbook's -log(y + 1e-7) form
 * for moderate scores, a numerical gradient check, and that backward adds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "common/rng.h"
#include "layers/sigmoid_with_loss.h"
#include "tests/testutil.h"

static void test_zero_score_is_ln2(void **state)
{
    (void)state;
    SigmoidWithLoss s;
    sigmoid_with_loss_init(&s, 4);
    const float x[1] = {0.0f};
    const int32_t t1[1] = {1}, t0[1] = {0};
    assert_close(sigmoid_with_loss_forward(&s, x, t1, 1), log(2.0), 1e-7, 0);
    assert_close(s.y[0], 0.5, 0, 0);
    assert_close(sigmoid_with_loss_forward(&s, x, t0, 1), log(2.0), 1e-7, 0);
    sigmoid_with_loss_free(&s);
}

/*
 * x {2, -1, 0.5}, t {1, 0, 0}:
 *   y = sigmoid(x) = {0.880797078, 0.268941421, 0.622459331}
 *   per-row loss -log y0, -log(1 - y1), -log(1 - y2)
 *     = log(1 + e^-2), log(1 + e^-1), log(1 + e^0.5)
 *     = 0.126928011, 0.313261688, 0.974076984;  mean 0.471422228
 *   dx with dout = 2: (y - t) * 2 / 3 = {-0.0794686147, 0.179294281, 0.414972887}
 */
static void test_hand_values(void **state)
{
    (void)state;
    SigmoidWithLoss s;
    sigmoid_with_loss_init(&s, 8);
    const float x[3] = {2.0f, -1.0f, 0.5f};
    const int32_t t[3] = {1, 0, 0};
    const float loss = sigmoid_with_loss_forward(&s, x, t, 3);
    assert_close(loss, 0.471422228, 1e-6, 0);
    const float y[3] = {0.880797078f, 0.268941421f, 0.622459331f};
    assert_close_array(s.y, y, 3, 1e-7, 0);
    assert_int_equal(s.B, 3);

    float dx[3] = {0, 0, 0};
    sigmoid_with_loss_backward(&s, dx, 2.0f);
    const float expect[3] = {-0.0794686147f, 0.179294281f, 0.414972887f};
    assert_close_array(dx, expect, 3, 1e-7, 0);

    /* backward ADDS: a second call doubles, a prefilled dx is kept */
    sigmoid_with_loss_backward(&s, dx, 2.0f);
    for (int i = 0; i < 3; i++) assert_close(dx[i], 2.0 * expect[i], 1e-7, 0);
    float dx2[3] = {10.0f, 20.0f, 30.0f};
    sigmoid_with_loss_backward(&s, dx2, 2.0f);
    for (int i = 0; i < 3; i++) assert_close(dx2[i], 10.0 * (i + 1) + expect[i], 1e-6, 0);
    sigmoid_with_loss_free(&s);
}

static void test_sigmoid_function(void **state)
{
    (void)state;
    assert_close(sigmoid(0.0f), 0.5, 0, 0);
    assert_close(sigmoid(3.0f), 1.0 / (1.0 + exp(-3.0)), 1e-7, 0);
    assert_close(sigmoid(-3.0f), 1.0 / (1.0 + exp(3.0)), 1e-8, 1e-6);
    assert_close(sigmoid(1000.0f), 1.0, 0, 0);
    assert_true(sigmoid(-1000.0f) == 0.0f);
    assert_true(isfinite(sigmoid(-INFINITY)) && isfinite(sigmoid(INFINITY)));
    /* symmetry sigmoid(-x) = 1 - sigmoid(x) */
    for (float x = -8.0f; x <= 8.0f; x += 0.5f) assert_close(sigmoid(-x), 1.0 - sigmoid(x), 1e-7, 0);
}

/* Saturated scores: the loss is exact (no log(0), no NaN/inf). */
static void test_stability(void **state)
{
    (void)state;
    SigmoidWithLoss s;
    sigmoid_with_loss_init(&s, 4);
    const float big[1] = {100.0f}, small[1] = {-100.0f};
    const int32_t t1[1] = {1}, t0[1] = {0};
    float loss;

    loss = sigmoid_with_loss_forward(&s, big, t0, 1);    /* wrong and confident */
    assert_true(isfinite(loss));
    assert_close(loss, 100.0, 1e-4, 0);
    loss = sigmoid_with_loss_forward(&s, small, t1, 1);
    assert_true(isfinite(loss));
    assert_close(loss, 100.0, 1e-4, 0);
    float dx[1] = {0};
    sigmoid_with_loss_backward(&s, dx, 1.0f);             /* y - t = 0 - 1 */
    assert_true(isfinite(dx[0]));
    assert_close(dx[0], -1.0, 1e-7, 0);

    loss = sigmoid_with_loss_forward(&s, big, t1, 1);    /* right and confident */
    assert_true(isfinite(loss) && loss >= 0.0f);
    assert_close(loss, 0.0, 1e-30, 0);
    loss = sigmoid_with_loss_forward(&s, small, t0, 1);
    assert_true(isfinite(loss) && loss >= 0.0f);
    assert_close(loss, 0.0, 1e-30, 0);
    dx[0] = 0.0f;
    sigmoid_with_loss_backward(&s, dx, 1.0f);
    assert_true(isfinite(dx[0]));
    assert_close(dx[0], 0.0, 1e-30, 0);

    /* a mixed batch, mean of 100, 0, 1e4, ln 2 */
    const float x[4] = {100.0f, 100.0f, -1e4f, 0.0f};
    const int32_t t[4] = {0, 1, 1, 0};
    loss = sigmoid_with_loss_forward(&s, x, t, 4);
    assert_true(isfinite(loss));
    assert_close(loss, (100.0 + 0.0 + 1e4 + log(2.0)) / 4, 0, 1e-6);
    sigmoid_with_loss_free(&s);
}

/*
 * The stable loss matches the textbook's -log(y + 1e-7) where the textbook's
 * 1e-7 is negligible: per sample they differ by about 1e-7 / y, i.e.
 * 1e-7 * e^|x| for a confidently wrong score, so |x| <= 4 keeps it < 6e-6.
 */
static void test_matches_textbook_form(void **state)
{
    (void)state;
    enum { B = 41 };
    SigmoidWithLoss s;
    sigmoid_with_loss_init(&s, B);
    float x[B];
    int32_t t[B];
    for (int b = 0; b < B; b++) {
        x[b] = -4.0f + 0.2f * (float)b;
        t[b] = b % 3 == 0;
    }
    double textbook = 0.0;
    for (int b = 0; b < B; b++) {
        const double y = 1.0 / (1.0 + exp(-(double)x[b]));
        textbook += t[b] ? -log(y + 1e-7) : -log(1.0 - y + 1e-7);
    }
    textbook /= B;
    assert_close(sigmoid_with_loss_forward(&s, x, t, B), textbook, 6e-6, 0);
    sigmoid_with_loss_free(&s);
}

typedef struct GradCtx {
    SigmoidWithLoss s;
    float x[7];
    int32_t t[7];
    int B;
} GradCtx;

static double loss_of(void *p)
{
    GradCtx *g = p;
    return sigmoid_with_loss_forward(&g->s, g->x, g->t, g->B);
}

static void test_numerical_gradient(void **state)
{
    (void)state;
    GradCtx g = {.B = 7};
    sigmoid_with_loss_init(&g.s, 7);
    Rng rng;
    rng_seed(&rng, 7);
    for (int b = 0; b < g.B; b++) {
        g.x[b] = (float)(2.0 * rng_normal(&rng));
        g.t[b] = (int32_t)rng_below(&rng, 2);
    }
    sigmoid_with_loss_forward(&g.s, g.x, g.t, g.B);
    float dx[7] = {0};
    sigmoid_with_loss_backward(&g.s, dx, 1.0f);
    /* by formula: (sigmoid(x) - t) / B */
    for (int b = 0; b < g.B; b++)
        assert_close(dx[b], (1.0 / (1.0 + exp(-(double)g.x[b])) - g.t[b]) / g.B, 1e-7, 0);
    /* the loss is returned in float32 (~3e-8 relative), so h = 1e-2 keeps the
     * rounding part of the error well below the tolerance. */
    const double err = gradient_max_rel_error(g.x, dx, (size_t)g.B, 1e-2, 1e-6, loss_of, &g);
    assert_true(err < 1e-3);
    /* and 1% off is caught */
    for (int b = 0; b < g.B; b++) dx[b] *= 1.01f;
    assert_true(gradient_max_rel_error(g.x, dx, (size_t)g.B, 1e-2, 1e-6, loss_of, &g) > 1e-3);
    sigmoid_with_loss_free(&g.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_score_is_ln2),
        cmocka_unit_test(test_hand_values),
        cmocka_unit_test(test_sigmoid_function),
        cmocka_unit_test(test_stability),
        cmocka_unit_test(test_matches_textbook_form),
        cmocka_unit_test(test_numerical_gradient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
