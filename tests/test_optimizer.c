/*
 * test_optimizer.c — the textbook's optimizers (training/optimizer.h;
 * common/optimizer.py) and util.clip_grads.
 *
 * Every kind takes the same two steps on p0 = (1, -2, 0.5):
 *
 *     step 1: g1 = (0.1, -0.2, 0.3)
 *     step 2: g2 = (-0.1, 0, 0.3)      (g = 0 in the middle: the state must
 *                                       still decay and, where it carries a
 *                                       velocity, the element must still move)
 *
 * and is compared with numbers worked out by hand (checked in double with
 * python3) from the textbook's formulas. Then: configs other than the
 * defaults, eps outside the square root, several params each with its own
 * state, a parameter large enough for the OpenMP path, the defaults, the
 * names, and clip_grads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "training/adam.h"
#include "training/optimizer.h"
#include "common/param.h"
#include "common/status.h"
#include "tests/testutil.h"

static void set3(float *x, float a, float b, float c)
{
    x[0] = a;
    x[1] = b;
    x[2] = c;
}

/*
 * Takes the two steps above with an optimizer built from cfg and checks p
 * after each (and the state v / h when s1, s2 are given) within atol +
 * rtol |expected|; also that the grads are read, not written, and that
 * iter counts the steps.
 */
static void check_two_steps(const OptimizerConfig *cfg, const float p1[3], const float s1[3],
                            const float p2[3], const float s2[3], double atol)
{
    Param p;
    param_init(&p, "p", 1, (int[]){3}, false);
    set3(p.value.data, 1.0f, -2.0f, 0.5f);
    Param *params[1] = {&p};
    Optimizer opt;
    optimizer_init(&opt, cfg, params, 1);
    assert_int_equal(opt.iter, 0);
    if (s1) {
        assert_non_null(opt.state);
        for (int i = 0; i < 3; i++) assert_true(opt.state[0].data[i] == 0.0f);
    }

    set3(p.grad.data, 0.1f, -0.2f, 0.3f);
    optimizer_update(&opt, params, 1);
    assert_int_equal(opt.iter, 1);
    assert_close_array(p.value.data, p1, 3, atol, 0);
    if (s1) assert_close_array(opt.state[0].data, s1, 3, 1e-10, 1e-5);
    assert_true(p.grad.data[0] == 0.1f && p.grad.data[1] == -0.2f && p.grad.data[2] == 0.3f);

    set3(p.grad.data, -0.1f, 0.0f, 0.3f);
    optimizer_update(&opt, params, 1);
    assert_int_equal(opt.iter, 2);
    assert_close_array(p.value.data, p2, 3, atol, 0);
    if (s2) assert_close_array(opt.state[0].data, s2, 3, 1e-10, 1e-5);
    optimizer_free(&opt);
    param_free(&p);
}

/*
 * SGD, lr 0.01: p -= 0.01 g.
 *   step 1: p = (1 - 0.001, -2 + 0.002, 0.5 - 0.003) = (0.999, -1.998, 0.497)
 *   step 2: p = (0.999 + 0.001, -1.998, 0.497 - 0.003) = (1.0, -1.998, 0.494)
 *   (SGD keeps no state: p[1] does not move when g = 0.)
 */
static void test_sgd_two_steps(void **state)
{
    (void)state;
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_SGD);
    const float p1[3] = {0.999f, -1.998f, 0.497f}, p2[3] = {1.0f, -1.998f, 0.494f};
    check_two_steps(&cfg, p1, NULL, p2, NULL, 3e-7);
}

/*
 * Momentum, lr 0.01, momentum 0.9: v = 0.9 v - 0.01 g; p += v.
 *   step 1: v = -0.01 g1 = (-0.001, 0.002, -0.003); p = (0.999, -1.998, 0.497)
 *   step 2: v = 0.9 (-0.001, 0.002, -0.003) - 0.01 (-0.1, 0, 0.3)
 *             = (-0.0009 + 0.001, 0.0018, -0.0027 - 0.003) = (0.0001, 0.0018, -0.0057)
 *           p = (0.9991, -1.9962, 0.4913)   (p[1] moves on its velocity with g = 0)
 */
static void test_momentum_two_steps(void **state)
{
    (void)state;
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_MOMENTUM);
    const float p1[3] = {0.999f, -1.998f, 0.497f}, v1[3] = {-0.001f, 0.002f, -0.003f};
    const float p2[3] = {0.9991f, -1.9962f, 0.4913f}, v2[3] = {0.0001f, 0.0018f, -0.0057f};
    check_two_steps(&cfg, p1, v1, p2, v2, 3e-7);
}

/*
 * Nesterov, lr 0.01, momentum 0.9: v = 0.9 v; v -= 0.01 g;
 * p += 0.81 v; p -= 1.9 * 0.01 g = 0.019 g.
 *   step 1: v = (-0.001, 0.002, -0.003)
 *           0.81 v = (-0.00081, 0.00162, -0.00243); 0.019 g1 = (0.0019, -0.0038, 0.0057)
 *           p = (1 - 0.00081 - 0.0019, -2 + 0.00162 + 0.0038, 0.5 - 0.00243 - 0.0057)
 *             = (0.99729, -1.99458, 0.49187)
 *   step 2: v = (0.0001, 0.0018, -0.0057) (as Momentum's)
 *           0.81 v = (0.000081, 0.001458, -0.004617); 0.019 g2 = (-0.0019, 0, 0.0057)
 *           p = (0.99729 + 0.000081 + 0.0019, -1.99458 + 0.001458, 0.49187 - 0.004617 - 0.0057)
 *             = (0.999271, -1.993122, 0.481553)
 */
static void test_nesterov_two_steps(void **state)
{
    (void)state;
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_NESTEROV);
    const float p1[3] = {0.99729f, -1.99458f, 0.49187f}, v1[3] = {-0.001f, 0.002f, -0.003f};
    const float p2[3] = {0.999271f, -1.993122f, 0.481553f}, v2[3] = {0.0001f, 0.0018f, -0.0057f};
    check_two_steps(&cfg, p1, v1, p2, v2, 3e-7);
}

/*
 * AdaGrad, lr 0.01: h += g^2; p -= 0.01 g / (sqrt(h) + 1e-7).
 *   step 1: h = (0.01, 0.04, 0.09), sqrt(h) = |g|, so each element moves by
 *           0.01 |g| / (|g| + 1e-7) against its gradient:
 *           0.01 * 0.1 / 0.1000001 = 0.00999999, 0.01 * 0.2 / 0.2000001 = 0.009999995,
 *           0.01 * 0.3 / 0.3000001 = 0.0099999967
 *           p = (0.99000001, -1.990000005, 0.4900000033)
 *   step 2: h = (0.01 + 0.01, 0.04 + 0, 0.09 + 0.09) = (0.02, 0.04, 0.18)
 *           p[0] += 0.001 / (0.1414213562 + 1e-7) = 0.0070710628 -> 0.9970710728
 *           p[1] unchanged (g = 0, and h stays 0.04)
 *           p[2] -= 0.003 / (0.4242640687 + 1e-7) = 0.0070710661 -> 0.4829289372
 */
static void test_adagrad_two_steps(void **state)
{
    (void)state;
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_ADAGRAD);
    const float p1[3] = {0.99000001f, -1.990000005f, 0.4900000033f}, h1[3] = {0.01f, 0.04f, 0.09f};
    const float p2[3] = {0.9970710728f, -1.990000005f, 0.4829289372f}, h2[3] = {0.02f, 0.04f, 0.18f};
    check_two_steps(&cfg, p1, h1, p2, h2, 3e-7);
}

/*
 * RMSprop, lr 0.01, decay 0.99: h = 0.99 h + 0.01 g^2; p -= 0.01 g / (sqrt(h) + 1e-7).
 *   step 1: h = 0.01 g1^2 = (1e-4, 4e-4, 9e-4), sqrt(h) = 0.1 |g|: each element
 *           moves by 0.01 |g| / (0.1 |g| + 1e-7) ~ 0.1:
 *           0.001 / 0.0100001 = 0.099999, 0.002 / 0.0200001 = 0.0999995,
 *           0.003 / 0.0300001 = 0.09999967
 *           p = (0.900001, -1.9000005, 0.4000003333)
 *   step 2: h = 0.99 h + 0.01 g2^2 = (9.9e-5 + 1e-4, 3.96e-4 + 0, 8.91e-4 + 9e-4)
 *             = (1.99e-4, 3.96e-4, 1.791e-3)   (h[1] decays with g = 0)
 *           p[0] += 0.001 / (0.01410673598 + 1e-7) = 0.070887618 -> 0.970888618
 *           p[1] unchanged
 *           p[2] -= 0.003 / (0.04232020794 + 1e-7) = 0.070887953 -> 0.3291123803
 */
static void test_rmsprop_two_steps(void **state)
{
    (void)state;
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_RMSPROP);
    const float p1[3] = {0.900001f, -1.9000005f, 0.4000003333f}, h1[3] = {1e-4f, 4e-4f, 9e-4f};
    const float p2[3] = {0.970888618f, -1.9000005f, 0.3291123803f};
    const float h2[3] = {1.99e-4f, 3.96e-4f, 1.791e-3f};
    check_two_steps(&cfg, p1, h1, p2, h2, 3e-7);
}

/*
 * Adam, lr 0.001, b1 0.9, b2 0.999 (the arithmetic of test_adam.c with lr
 * 0.001 instead of 0.01, so the steps are a tenth):
 *   step 1: lr_t = 0.001 sqrt(0.001) / 0.1 = 3.16227766e-4; m = 0.1 g1;
 *           sqrt(v) = sqrt(0.001) |g1|; p = (0.9990000316, -1.999000016, 0.4990000105)
 *   step 2: lr_t = 0.001 sqrt(0.001999) / 0.19 = 2.35316725e-4;
 *           m = (-0.001, -0.018, 0.057); v = (1.999e-5, 3.996e-5, 1.7991e-4)
 *           p = (0.999052662, -1.998329968, 0.498000018)
 * and bit for bit what adam_update gives on its own.
 */
static void test_adam_two_steps_delegates(void **state)
{
    (void)state;
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_ADAM);
    const float p1[3] = {0.9990000316f, -1.999000016f, 0.4990000105f};
    const float p2[3] = {0.999052662f, -1.998329968f, 0.498000018f};
    check_two_steps(&cfg, p1, NULL, p2, NULL, 3e-7);

    /* a non-default Adam against adam_update directly */
    OptimizerConfig c2 = cfg;
    c2.lr = 0.02f;
    c2.beta1 = 0.8f;
    c2.beta2 = 0.99f;
    Param a, b;
    param_init(&a, "a", 1, (int[]){3}, false);
    param_init(&b, "b", 1, (int[]){3}, false);
    Param *pa[1] = {&a}, *pb[1] = {&b};
    Optimizer opt;
    optimizer_init(&opt, &c2, pa, 1);
    assert_null(opt.state);
    Adam adam;
    adam_init(&adam, pb, 1, 0.02f, 0.8f, 0.99f);
    const float grads[2][3] = {{0.1f, -0.2f, 0.3f}, {-0.1f, 0.0f, 0.3f}};
    for (int t = 0; t < 2; t++) {
        memcpy(a.grad.data, grads[t], sizeof grads[t]);
        memcpy(b.grad.data, grads[t], sizeof grads[t]);
        optimizer_update(&opt, pa, 1);
        adam_update(&adam, pb, 1);
        assert_memory_equal(a.value.data, b.value.data, 3 * sizeof(float));
    }
    assert_true(a.value.data[0] != 0.0f);
    assert_int_equal(opt.iter, 2);
    assert_int_equal(opt.adam.iter, 2);
    assert_true(opt.adam.lr == 0.02f && opt.adam.beta1 == 0.8f && opt.adam.beta2 == 0.99f);
    optimizer_free(&opt);
    adam_free(&adam);
    param_free(&a);
    param_free(&b);
}

/*
 * The config's fields are used, not the defaults:
 *   SGD lr 0.5: p1 = p0 - 0.5 g1 = (0.95, -1.9, 0.35); p2 = (1.0, -1.9, 0.2)
 *   Momentum lr 0.1, momentum 0.5: v1 = -0.1 g1 = (-0.01, 0.02, -0.03), p1 = (0.99, -1.98, 0.47);
 *     v2 = 0.5 v1 - 0.1 g2 = (-0.005 + 0.01, 0.01, -0.015 - 0.03) = (0.005, 0.01, -0.045),
 *     p2 = (0.995, -1.97, 0.425)
 *   Nesterov lr 0.1, momentum 0.5: p += 0.25 v - 0.15 g
 *     p1 = p0 + 0.25 (-0.01, 0.02, -0.03) - 0.15 (0.1, -0.2, 0.3) = (0.9825, -1.965, 0.4475)
 *     p2 = p1 + 0.25 (0.005, 0.01, -0.045) - 0.15 (-0.1, 0, 0.3) = (0.99875, -1.9625, 0.39125)
 *   RMSprop lr 0.1, decay 0.9: h1 = 0.1 g1^2 = (0.001, 0.004, 0.009)
 *     p1 = p0 - 0.1 g1 / (sqrt(h1) + 1e-7) = (0.683773234, -1.683772734, 0.1837725673)
 *     h2 = 0.9 h1 + 0.1 g2^2 = (0.0019, 0.0036, 0.0171)
 *     p2 = (0.9131884415, -1.683772734, -0.04564299112)
 */
static void test_non_default_configs(void **state)
{
    (void)state;
    OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_SGD);
    cfg.lr = 0.5f;
    check_two_steps(&cfg, (float[]){0.95f, -1.9f, 0.35f}, NULL, (float[]){1.0f, -1.9f, 0.2f}, NULL,
                    3e-7);

    cfg = optimizer_default_config(OPTIMIZER_MOMENTUM);
    cfg.lr = 0.1f;
    cfg.momentum = 0.5f;
    check_two_steps(&cfg, (float[]){0.99f, -1.98f, 0.47f}, (float[]){-0.01f, 0.02f, -0.03f},
                    (float[]){0.995f, -1.97f, 0.425f}, (float[]){0.005f, 0.01f, -0.045f}, 3e-7);

    cfg.kind = OPTIMIZER_NESTEROV;
    check_two_steps(&cfg, (float[]){0.9825f, -1.965f, 0.4475f}, (float[]){-0.01f, 0.02f, -0.03f},
                    (float[]){0.99875f, -1.9625f, 0.39125f}, (float[]){0.005f, 0.01f, -0.045f}, 3e-7);

    cfg = optimizer_default_config(OPTIMIZER_RMSPROP);
    cfg.lr = 0.1f;
    cfg.decay_rate = 0.9f;
    check_two_steps(&cfg, (float[]){0.683773234f, -1.683772734f, 0.1837725673f},
                    (float[]){0.001f, 0.004f, 0.009f},
                    (float[]){0.9131884415f, -1.683772734f, -0.04564299112f},
                    (float[]){0.0019f, 0.0036f, 0.0171f}, 5e-7);
}

/*
 * eps = 1e-7 sits outside the square root, as in the textbook. With a tiny
 * gradient g = 1e-6 (lr 0.01):
 *   AdaGrad: h = 1e-12, step = 0.01 * 1e-6 / (1e-6 + 1e-7) = 0.0090909091
 *            (inside, sqrt(1e-12 + 1e-7) would give 3.16e-5)
 *   RMSprop: h = 0.01 * 1e-12 = 1e-14, step = 0.01 * 1e-6 / (1e-7 + 1e-7) = 0.05
 *            (inside: 3.16e-5)
 * A zero gradient does not move the param and leaves h at 0 (no 0/0).
 */
static void test_eps_outside_sqrt(void **state)
{
    (void)state;
    const OptimizerKind kinds[2] = {OPTIMIZER_ADAGRAD, OPTIMIZER_RMSPROP};
    const double step[2] = {0.01 / 1.1, 0.05};
    for (int k = 0; k < 2; k++) {
        Param p;
        param_init(&p, "p", 1, (int[]){2}, false);
        p.grad.data[0] = 1e-6f;
        p.grad.data[1] = 0.0f;
        Param *params[1] = {&p};
        const OptimizerConfig cfg = optimizer_default_config(kinds[k]);
        Optimizer opt;
        optimizer_init(&opt, &cfg, params, 1);
        optimizer_update(&opt, params, 1);
        assert_close(p.value.data[0], -step[k], 0, 1e-5);
        assert_true(p.value.data[1] == 0.0f);
        assert_true(opt.state[0].data[1] == 0.0f);
        optimizer_free(&opt);
        param_free(&p);
    }
}

/*
 * Two params, a (2, 2) (row-tracked, as an embedding) and b (3,), under one
 * optimizer of each kind: each moves exactly as under an optimizer of its
 * own (bit for bit), so the state is per param, and the state has the
 * param's shape.
 */
static void test_several_params_each_updated(void **state)
{
    (void)state;
    const float a0[4] = {0.5f, -0.5f, 2.0f, 0.0f};
    const float ga[2][4] = {{1.0f, -3.0f, 0.0f, 0.25f}, {0.5f, 0.5f, -1.0f, 0.0f}};
    const float b0[3] = {1.0f, -2.0f, 0.5f};
    const float gb[2][3] = {{0.1f, -0.2f, 0.3f}, {-0.1f, 0.0f, 0.3f}};
    for (int kind = 0; kind < OPTIMIZER_N_KINDS; kind++) {
        Param a, b, a_alone, b_alone;
        param_init(&a, "a", 2, (int[]){2, 2}, true);
        param_init(&a_alone, "a", 2, (int[]){2, 2}, true);
        param_init(&b, "b", 1, (int[]){3}, false);
        param_init(&b_alone, "b", 1, (int[]){3}, false);
        memcpy(a.value.data, a0, sizeof a0);
        memcpy(a_alone.value.data, a0, sizeof a0);
        memcpy(b.value.data, b0, sizeof b0);
        memcpy(b_alone.value.data, b0, sizeof b0);
        const OptimizerConfig cfg = optimizer_default_config((OptimizerKind)kind);
        Param *both[2] = {&a, &b}, *pa[1] = {&a_alone}, *pb[1] = {&b_alone};
        Optimizer opt, opt_a, opt_b;
        optimizer_init(&opt, &cfg, both, 2);
        optimizer_init(&opt_a, &cfg, pa, 1);
        optimizer_init(&opt_b, &cfg, pb, 1);
        if (opt.state) {
            assert_int_equal(opt.state[0].ndim, 2);
            assert_int_equal(opt.state[0].shape[0], 2);
            assert_int_equal(opt.state[0].shape[1], 2);
            assert_int_equal(opt.state[1].ndim, 1);
            assert_int_equal(opt.state[1].shape[0], 3);
        }
        for (int t = 0; t < 2; t++) {
            memcpy(a.grad.data, ga[t], sizeof ga[t]);
            memcpy(a_alone.grad.data, ga[t], sizeof ga[t]);
            memcpy(b.grad.data, gb[t], sizeof gb[t]);
            memcpy(b_alone.grad.data, gb[t], sizeof gb[t]);
            optimizer_update(&opt, both, 2);
            optimizer_update(&opt_a, pa, 1);
            optimizer_update(&opt_b, pb, 1);
        }
        assert_memory_equal(a.value.data, a_alone.value.data, sizeof a0);
        assert_memory_equal(b.value.data, b_alone.value.data, sizeof b0);
        /* both moved: a[0] had gradients 1 and 0.5, b[0] 0.1 and -0.1 (not cancelling
         * for any kind but SGD, whose b[0] is back at 1.0) */
        assert_true(a.value.data[0] < a0[0]);
        if (kind != OPTIMIZER_SGD) assert_true(b.value.data[0] != b0[0]);
        assert_true(b.value.data[2] < b0[2]);
        optimizer_free(&opt);
        optimizer_free(&opt_a);
        optimizer_free(&opt_b);
        param_free(&a);
        param_free(&b);
        param_free(&a_alone);
        param_free(&b_alone);
    }
}

/*
 * A parameter of 70,000 elements takes the OpenMP path (>= 65,536): three
 * steps of every kind against the textbook's formulas evaluated here in
 * double, element by element.
 */
static void test_large_param_matches_formula(void **state)
{
    (void)state;
    enum { LEN = 70000, STEPS = 3 };
    float *g_all = malloc((size_t)STEPS * LEN * sizeof(float));
    double *ref_p = malloc(LEN * sizeof(double)), *ref_s = malloc(LEN * sizeof(double));
    float *expect = malloc(LEN * sizeof(float));
    assert_non_null(g_all);
    assert_non_null(ref_p);
    assert_non_null(ref_s);
    assert_non_null(expect);
    for (int t = 0; t < STEPS; t++)
        for (int j = 0; j < LEN; j++) g_all[t * LEN + j] = (float)(0.1 * sin(0.37 * j + t));
    for (int kind = 0; kind < OPTIMIZER_ADAM; kind++) {
        Param p;
        param_init(&p, "big", 2, (int[]){700, 100}, false);
        for (int j = 0; j < LEN; j++) {
            p.value.data[j] = (float)cos(0.11 * j);
            ref_p[j] = p.value.data[j];
            ref_s[j] = 0.0;
        }
        Param *params[1] = {&p};
        const OptimizerConfig cfg = optimizer_default_config((OptimizerKind)kind);
        Optimizer opt;
        optimizer_init(&opt, &cfg, params, 1);
        const double lr = 0.01, mo = 0.9, d = 0.99;
        for (int t = 0; t < STEPS; t++) {
            memcpy(p.grad.data, g_all + t * LEN, LEN * sizeof(float));
            optimizer_update(&opt, params, 1);
            for (int j = 0; j < LEN; j++) {
                const double g = g_all[t * LEN + j];
                double *s = &ref_s[j], *x = &ref_p[j];
                switch (kind) {
                case OPTIMIZER_SGD: *x -= lr * g; break;
                case OPTIMIZER_MOMENTUM: *s = mo * *s - lr * g; *x += *s; break;
                case OPTIMIZER_NESTEROV:
                    *s = mo * *s - lr * g;
                    *x += mo * mo * *s - (1 + mo) * lr * g;
                    break;
                case OPTIMIZER_ADAGRAD: *s += g * g; *x -= lr * g / (sqrt(*s) + 1e-7); break;
                case OPTIMIZER_RMSPROP:
                    *s = d * *s + (1 - d) * g * g;
                    *x -= lr * g / (sqrt(*s) + 1e-7);
                    break;
                default: fail();
                }
            }
        }
        for (int j = 0; j < LEN; j++) expect[j] = (float)ref_p[j];
        assert_close_array(p.value.data, expect, LEN, 2e-6, 0);
        optimizer_free(&opt);
        param_free(&p);
    }
    free(g_all);
    free(ref_p);
    free(ref_s);
    free(expect);
}

static void test_default_configs(void **state)
{
    (void)state;
    const float lr[OPTIMIZER_N_KINDS] = {0.01f, 0.01f, 0.01f, 0.01f, 0.01f, 0.001f};
    for (int k = 0; k < OPTIMIZER_N_KINDS; k++) {
        const OptimizerConfig c = optimizer_default_config((OptimizerKind)k);
        assert_int_equal(c.kind, k);
        assert_true(c.lr == lr[k]);
        assert_true(c.momentum == 0.9f);
        assert_true(c.decay_rate == 0.99f);
        assert_true(c.beta1 == 0.9f);
        assert_true(c.beta2 == 0.999f);
    }
}

static void test_parse_kind_and_names(void **state)
{
    (void)state;
    const char *const names[OPTIMIZER_N_KINDS] = {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"};
    for (int k = 0; k < OPTIMIZER_N_KINDS; k++) {
        OptimizerKind kind = (OptimizerKind)-1;
        assert_int_equal(optimizer_parse_kind(names[k], &kind), DLFS_OK);
        assert_int_equal(kind, k);
        assert_string_equal(optimizer_kind_name((OptimizerKind)k), names[k]);
    }
    const char *const bad[] = {"", "SGD", "Adam", "adam ", " sgd", "rms", "rmsprop2", "bogus", "momentum\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        OptimizerKind kind = OPTIMIZER_NESTEROV;
        assert_int_equal(optimizer_parse_kind(bad[i], &kind), DLFS_ERR_ARG);
        assert_int_equal(kind, OPTIMIZER_NESTEROV);   /* left alone */
    }
}

/*
 * clip_grads over a = (3, 4) and b = (12,): norm = sqrt(9 + 16 + 144) = 13.
 *   max_norm 6.5: rate = 6.5 / (13 + 1e-6) = 0.49999996 < 1, every grad
 *     halved: a = (1.5, 2), b = (6); returns 13
 *   max_norm 20: rate > 1, the grads are left alone (bit for bit)
 *   max_norm 13: rate = 13 / 13.000001 < 1 by 7.7e-8: scaled, as the
 *     textbook's (the 1e-6 makes "equal" clip a hair)
 *   max_norm 0: rate 0, the grads become 0
 */
static void test_clip_grads(void **state)
{
    (void)state;
    Param a, b;
    param_init(&a, "a", 1, (int[]){2}, false);
    param_init(&b, "b", 2, (int[]){1, 1}, true);
    Param *params[2] = {&a, &b};

    a.grad.data[0] = 3.0f;
    a.grad.data[1] = 4.0f;
    b.grad.data[0] = 12.0f;
    assert_close(clip_grads(params, 2, 20.0f), 13.0, 0, 1e-7);
    assert_true(a.grad.data[0] == 3.0f && a.grad.data[1] == 4.0f && b.grad.data[0] == 12.0f);

    assert_close(clip_grads(params, 2, 6.5f), 13.0, 0, 1e-7);
    const double rate = 6.5 / (13.0 + 1e-6);
    assert_close(a.grad.data[0], 3.0 * rate, 0, 1e-7);
    assert_close(a.grad.data[1], 4.0 * rate, 0, 1e-7);
    assert_close(b.grad.data[0], 12.0 * rate, 0, 1e-7);
    assert_true(a.grad.data[0] < 1.5f);   /* strictly below half: the 1e-6 */
    /* the new norm is just under max_norm, so clipping again changes ~nothing */
    assert_close(clip_grads(params, 2, 6.5f), 6.5, 0, 1e-6);

    a.grad.data[0] = 3.0f;
    a.grad.data[1] = 4.0f;
    b.grad.data[0] = 12.0f;
    assert_close(clip_grads(params, 2, 13.0f), 13.0, 0, 1e-7);
    assert_true(b.grad.data[0] < 12.0f);
    assert_close(b.grad.data[0], 12.0 * 13.0 / (13.0 + 1e-6), 0, 1e-7);

    assert_close(clip_grads(params, 2, 0.0f), 13.0, 0, 1e-6);
    assert_true(a.grad.data[0] == 0.0f && a.grad.data[1] == 0.0f && b.grad.data[0] == 0.0f);
    /* all-zero grads: norm 0; max_norm 1 gives rate 1e6, nothing to do */
    assert_true(clip_grads(params, 2, 1.0f) == 0.0f);
    assert_true(a.grad.data[0] == 0.0f);

    /* a NaN gives a NaN norm and, as NumPy's `rate < 1` is false, no scaling */
    a.grad.data[0] = NAN;
    a.grad.data[1] = 4.0f;
    b.grad.data[0] = 12.0f;
    assert_true(isnan(clip_grads(params, 2, 1.0f)));
    assert_true(a.grad.data[1] == 4.0f && b.grad.data[0] == 12.0f);
    param_free(&a);
    param_free(&b);
}

/* The norm of a 100,000-element gradient (the OpenMP reduction) against a
 * sum in double here; scaling reaches every element. */
static void test_clip_grads_large(void **state)
{
    (void)state;
    enum { LEN = 100000 };
    Param p;
    param_init(&p, "big", 1, (int[]){LEN}, false);
    double sum = 0.0;
    for (int j = 0; j < LEN; j++) {
        p.grad.data[j] = (float)sin(0.5 * j);
        sum += (double)p.grad.data[j] * p.grad.data[j];
    }
    const double norm = sqrt(sum);   /* ~ sqrt(LEN / 2) = 223.6 */
    Param *params[1] = {&p};
    assert_close(clip_grads(params, 1, 1.0f), norm, 0, 1e-6);
    double after = 0.0;
    for (int j = 0; j < LEN; j++) after += (double)p.grad.data[j] * p.grad.data[j];
    assert_close(sqrt(after), 1.0, 0, 1e-5);
    assert_close(p.grad.data[LEN - 1], sin(0.5 * (LEN - 1)) / (norm + 1e-6), 1e-9, 1e-5);
    param_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sgd_two_steps),
        cmocka_unit_test(test_momentum_two_steps),
        cmocka_unit_test(test_nesterov_two_steps),
        cmocka_unit_test(test_adagrad_two_steps),
        cmocka_unit_test(test_rmsprop_two_steps),
        cmocka_unit_test(test_adam_two_steps_delegates),
        cmocka_unit_test(test_non_default_configs),
        cmocka_unit_test(test_eps_outside_sqrt),
        cmocka_unit_test(test_several_params_each_updated),
        cmocka_unit_test(test_large_param_matches_formula),
        cmocka_unit_test(test_default_configs),
        cmocka_unit_test(test_parse_kind_and_names),
        cmocka_unit_test(test_clip_grads),
        cmocka_unit_test(test_clip_grads_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
