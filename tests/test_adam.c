/*
 * test_adam.c — the textbook's Adam (training/adam.h; common/optimizer.py
 * `Adam`): steps on a 3-element parameter against numbers worked out from
 *
 *     lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)
 *     m += (1 - b1)(g - m);  v += (1 - b2)(g^2 - v)
 *     p -= lr_t * m / (sqrt(v) + 1e-7)
 *
 * with lr 0.01, b1 0.9, b2 0.999; then zero-gradient steps that still move
 * every element (dense update, m decays by b1), and several params at once;
 * last, the threaded vector pass against the formula one element at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "training/adam.h"
#include "common/param.h"
#include "tests/testutil.h"

static void set3(float *x, float a, float b, float c)
{
    x[0] = a;
    x[1] = b;
    x[2] = c;
}

/*
 * p0 = (1, -2, 0.5).
 * Step 1, g = (0.1, -0.2, 0.3): lr_t = 0.01 sqrt(0.001) / 0.1 = 0.00316227766
 *   m = 0.1 g = (0.01, -0.02, 0.03);  v = 0.001 g^2 = (1e-5, 4e-5, 9e-5)
 *   sqrt(v) = 0.0316228 |g|, so the step is lr_t * m / sqrt(v) = 0.01 sign(g),
 *   less a little for eps: p = (0.9900003162, -1.990000158, 0.4900001054)
 *   (eps inside the square root would give 0.99005, not 0.9900003).
 * Step 2, g = (-0.1, 0, 0.3): lr_t = 0.01 sqrt(1 - 0.999^2) / (1 - 0.81) = 0.00235316725
 *   m = 0.9 m + 0.1 g = (-0.001, -0.018, 0.057)
 *   v = 0.999 v + 0.001 g^2 = (1.999e-5, 3.996e-5, 1.7991e-4)
 *   p = (0.9905266202, -1.983299682, 0.48000018)  (p[1] moves with g = 0)
 */
static void test_two_steps_by_hand(void **state)
{
    (void)state;
    Param p;
    param_init(&p, "p", 1, (int[]){3}, false);
    set3(p.value.data, 1.0f, -2.0f, 0.5f);
    Param *params[1] = {&p};
    Adam opt;
    adam_init(&opt, params, 1, 0.01f, 0.9f, 0.999f);
    assert_int_equal(opt.iter, 0);
    for (int i = 0; i < 3; i++) assert_true(opt.m[0].data[i] == 0.0f && opt.v[0].data[i] == 0.0f);

    set3(p.grad.data, 0.1f, -0.2f, 0.3f);
    adam_update(&opt, params, 1);
    assert_int_equal(opt.iter, 1);
    const float m1[3] = {0.01f, -0.02f, 0.03f}, v1[3] = {1e-5f, 4e-5f, 9e-5f};
    assert_close_array(opt.m[0].data, m1, 3, 0, 1e-6);
    /* 1 - b2 is 1.0f - 0.999f = 9.99987e-4 in float32: v is 1.3e-5 low */
    assert_close_array(opt.v[0].data, v1, 3, 0, 3e-5);
    const float p1[3] = {0.9900003162f, -1.990000158f, 0.4900001054f};
    assert_close_array(p.value.data, p1, 3, 3e-7, 0);
    /* the grad is read, not changed */
    assert_true(p.grad.data[0] == 0.1f && p.grad.data[1] == -0.2f && p.grad.data[2] == 0.3f);

    set3(p.grad.data, -0.1f, 0.0f, 0.3f);
    adam_update(&opt, params, 1);
    assert_int_equal(opt.iter, 2);
    const float m2[3] = {-0.001f, -0.018f, 0.057f}, v2[3] = {1.999e-5f, 3.996e-5f, 1.7991e-4f};
    assert_close_array(opt.m[0].data, m2, 3, 1e-9, 1e-5);
    assert_close_array(opt.v[0].data, v2, 3, 0, 3e-5);
    const float p2[3] = {0.9905266202f, -1.983299682f, 0.48000018f};
    assert_close_array(p.value.data, p2, 3, 5e-7, 0);
    adam_free(&opt);
    param_free(&p);
}

/*
 * Continuing with g = 0 for steps 3 and 4: m decays by b1 exactly as in
 * NumPy, v by b2, and every element keeps moving:
 *   step 3 (lr_t 0.00202010597): p = (0.9909334548, -1.978120194, 0.4722702086)
 *   step 4 (lr_t 0.00183768924): p = (0.9912667088, -1.973877473, 0.4659382865)
 */
static void test_zero_grad_still_moves(void **state)
{
    (void)state;
    Param p;
    param_init(&p, "p", 1, (int[]){3}, false);
    set3(p.value.data, 1.0f, -2.0f, 0.5f);
    Param *params[1] = {&p};
    Adam opt;
    adam_init(&opt, params, 1, 0.01f, 0.9f, 0.999f);
    set3(p.grad.data, 0.1f, -0.2f, 0.3f);
    adam_update(&opt, params, 1);
    set3(p.grad.data, -0.1f, 0.0f, 0.3f);
    adam_update(&opt, params, 1);

    set3(p.grad.data, 0, 0, 0);
    float before[3], m_before[3], v_before[3];
    memcpy(before, p.value.data, sizeof before);
    memcpy(m_before, opt.m[0].data, sizeof m_before);
    memcpy(v_before, opt.v[0].data, sizeof v_before);
    adam_update(&opt, params, 1);
    for (int i = 0; i < 3; i++) {
        assert_true(p.value.data[i] != before[i]);
        assert_close(opt.m[0].data[i], 0.9 * m_before[i], 0, 1e-6);
        assert_close(opt.v[0].data[i], 0.999 * v_before[i], 0, 1e-6);
    }
    const float p3[3] = {0.9909334548f, -1.978120194f, 0.4722702086f};
    assert_close_array(p.value.data, p3, 3, 1e-6, 0);
    adam_update(&opt, params, 1);
    const float p4[3] = {0.9912667088f, -1.973877473f, 0.4659382865f};
    assert_close_array(p.value.data, p4, 3, 1e-6, 0);
    const float m4[3] = {-0.00081f, -0.01458f, 0.04617f};
    assert_close_array(opt.m[0].data, m4, 3, 1e-9, 1e-5);
    assert_int_equal(opt.iter, 4);
    adam_free(&opt);
    param_free(&p);
}

/* Two params (a (2, 2) matrix and a (3,) vector) keep their own m and v and
 * get the same update as if each were alone. */
static void test_several_params(void **state)
{
    (void)state;
    Param a, b, c;
    param_init(&a, "a", 2, (int[]){2, 2}, true);
    param_init(&b, "b", 1, (int[]){3}, false);
    param_init(&c, "c", 1, (int[]){3}, false);
    const float a0[4] = {0.5f, -0.5f, 2.0f, 0.0f}, ga[4] = {1.0f, -3.0f, 0.0f, 0.25f};
    memcpy(a.value.data, a0, sizeof a0);
    memcpy(a.grad.data, ga, sizeof ga);
    set3(b.value.data, 1.0f, -2.0f, 0.5f);
    set3(b.grad.data, 0.1f, -0.2f, 0.3f);
    set3(c.value.data, 1.0f, -2.0f, 0.5f);
    set3(c.grad.data, 0.1f, -0.2f, 0.3f);

    Param *both[2] = {&a, &b};
    Adam opt;
    adam_init(&opt, both, 2, 0.01f, 0.9f, 0.999f);
    Param *alone[1] = {&c};
    Adam opt_c;
    adam_init(&opt_c, alone, 1, 0.01f, 0.9f, 0.999f);
    adam_update(&opt, both, 2);
    adam_update(&opt_c, alone, 1);
    assert_memory_equal(b.value.data, c.value.data, 3 * sizeof(float));

    /* step 1 moves each element by lr * sign(g) * |g| / (|g| + eps / sqrt(0.001));
     * a zero gradient (a[2]) does not move, as m = 0 */
    for (int i = 0; i < 4; i++) {
        const double g = ga[i];
        const double sqrt_v = sqrt(0.001) * fabs(g);
        const double step = 0.01 * sqrt(0.001) / 0.1 * 0.1 * g / (sqrt_v + 1e-7);
        assert_close(a.value.data[i], a0[i] - step, 3e-7, 0);
    }
    assert_true(a.value.data[2] == 2.0f);
    adam_free(&opt);
    adam_free(&opt_c);
    param_free(&a);
    param_free(&b);
    param_free(&c);
}

/* The bias correction: after t steps of a constant gradient g, m = (1 - b1^t) g
 * and v = (1 - b2^t) g^2, so each step is lr * g / (|g| + eps') exactly:
 * ~lr per step whatever t (here 20 steps of lr 0.001 move p by ~0.02). */
static void test_bias_correction_constant_grad(void **state)
{
    (void)state;
    Param p;
    param_init(&p, "p", 1, (int[]){3}, false);
    set3(p.value.data, 0.0f, 0.0f, 0.0f);
    set3(p.grad.data, 5.0f, -0.5f, 0.05f);
    Param *params[1] = {&p};
    Adam opt;
    adam_init(&opt, params, 1, 0.001f, 0.9f, 0.999f);
    float prev[3] = {0, 0, 0};
    for (int t = 1; t <= 20; t++) {
        adam_update(&opt, params, 1);
        for (int i = 0; i < 3; i++) {
            const double g = p.grad.data[i];
            const double step = prev[i] - p.value.data[i];
            /* lr * g / (|g| + eps / sqrt(1 - b2^t)) */
            const double expect = 0.001 * g / (fabs(g) + 1e-7 / sqrt(1.0 - pow(0.999, t)));
            assert_close(step, expect, 2e-8, 1e-4);
            prev[i] = p.value.data[i];
        }
    }
    assert_close(p.value.data[0], -0.02, 1e-6, 0);
    assert_close(p.value.data[1], 0.02, 1e-6, 0);
    adam_free(&opt);
    param_free(&p);
}

static float uniform(uint32_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)(test_xorshift32(s) >> 8) / 16777216.0f;
}

/*
 * The threaded, vector pass gives the bits of the formula run one element
 * at a time. W (700, 100) is large enough for the thread team and its
 * AVX2 copy (adam.c), and its 4096-float blocks cut rows; b (37,) is below
 * the team's threshold. Six steps of random gradients, W's rows 0, 41 and
 * 699 all zero in the even ones; after each, p, m and v must equal, byte for byte, a plain
 * float32 loop over the textbook's formula (no subnormals arise here, so
 * the pass's flushing changes nothing).
 */
static void test_pass_same_bits_as_elementwise(void **state)
{
    (void)state;
    enum { V = 700, H = 100, NW = V * H, NB = 37, STEPS = 6 };
    Param w, b;
    param_init(&w, "W", 2, (int[]){V, H}, true);
    param_init(&b, "b", 1, (int[]){NB}, false);
    Param *params[2] = {&w, &b};
    float *ref_p[2], *ref_m[2], *ref_v[2];
    const int n[2] = {NW, NB};
    uint32_t seed = 12345u;
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < n[k]; i++) params[k]->value.data[i] = uniform(&seed, -0.5f, 0.5f);
        ref_p[k] = malloc(sizeof(float) * (size_t)n[k]);
        ref_m[k] = calloc((size_t)n[k], sizeof(float));
        ref_v[k] = calloc((size_t)n[k], sizeof(float));
        assert_non_null(ref_p[k]);
        assert_non_null(ref_m[k]);
        assert_non_null(ref_v[k]);
        memcpy(ref_p[k], params[k]->value.data, sizeof(float) * (size_t)n[k]);
    }
    Adam opt;
    adam_init(&opt, params, 2, 0.001f, 0.9f, 0.999f);
    const float c1 = 1.0f - 0.9f, c2 = 1.0f - 0.999f;
    for (int t = 1; t <= STEPS; t++) {
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < n[k]; i++) params[k]->grad.data[i] = uniform(&seed, -0.1f, 0.1f);
        if (t % 2 == 0)
            for (int j = 0; j < H; j++) w.grad.data[j] = w.grad.data[41 * H + j] = w.grad.data[699 * H + j] = 0.0f;
        adam_update(&opt, params, 2);
        const float lr_t = adam_lr_t(0.001f, 0.9f, 0.999f, t);
        for (int k = 0; k < 2; k++) {
            const float *g = params[k]->grad.data;
            for (int i = 0; i < n[k]; i++) {
                ref_m[k][i] += c1 * (g[i] - ref_m[k][i]);
                ref_v[k][i] += c2 * (g[i] * g[i] - ref_v[k][i]);
                ref_p[k][i] -= lr_t * ref_m[k][i] / (sqrtf(ref_v[k][i]) + 1e-7f);
            }
            assert_memory_equal(params[k]->value.data, ref_p[k], sizeof(float) * (size_t)n[k]);
            assert_memory_equal(opt.m[k].data, ref_m[k], sizeof(float) * (size_t)n[k]);
            assert_memory_equal(opt.v[k].data, ref_v[k], sizeof(float) * (size_t)n[k]);
        }
    }
    /* the last step's zero-gradient rows still had momentum: m decayed, not reset */
    assert_true(opt.m[0].data[41 * H] != 0.0f);
    adam_free(&opt);
    for (int k = 0; k < 2; k++) {
        free(ref_p[k]);
        free(ref_m[k]);
        free(ref_v[k]);
    }
    param_free(&w);
    param_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_steps_by_hand),
        cmocka_unit_test(test_zero_grad_still_moves),
        cmocka_unit_test(test_several_params),
        cmocka_unit_test(test_bias_correction_constant_grad),
        cmocka_unit_test(test_pass_same_bits_as_elementwise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
