/*
 * test_optimizer_passes.c — the two passes of one optimizer formula: the
 * dense pass of textbook mode (adam_update, optimizer_update's SGD) and the
 * row-sparse ("lazy") pass of --fast (fast_trainer_apply_update), against
 * a double-precision reference of the textbook's formulas (common/optimizer.py):
 *
 *     Adam:  lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)
 *            m += (1 - b1)(g - m);  v += (1 - b2)(g^2 - v)
 *            p -= lr_t * m / (sqrt(v) + 1e-7)
 *     SGD:   p -= lr * g
 *
 * on a (6, 3) Param over three steps whose gradients touch rows {1, 4},
 * {1, 2}, {1, 4}. The dense pass updates every element every step (row 2
 * goes on moving with its momentum in step 3); the lazy pass updates only
 * the rows a step touched, with lr_t of the global step, and leaves every
 * other row, its m and its v, bit for bit. Row 1, touched in every step,
 * comes out of both passes with the same bits: one formula, two passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "common/param.h"
#include "training/adam.h"
#include "training/fast_trainer.h"
#include "training/model.h"
#include "training/optimizer.h"
#include "tests/testutil.h"

enum { V = 6, H = 3, N = V * H, STEPS = 3, MAX_ROWS = 2 };

static const float LR = 0.01f, B1 = 0.9f, B2 = 0.999f;

/* The rows each step's gradient touches, and the initial weights. */
static const int32_t step_rows[STEPS][MAX_ROWS] = {{1, 4}, {1, 2}, {1, 4}};

static float init_value(int i)
{
    return 0.1f * (float)(i % 7) - 0.3f;
}

/* The gradient of step t (1-based) at element i of a touched row. */
static float grad_value(int t, int i)
{
    const float g = 0.02f * (float)(1 + (i * 5 + t * 3) % 7);
    return (i + t) % 2 ? g : -g;
}

static bool touched(int t, int row)
{
    for (int k = 0; k < MAX_ROWS; k++)
        if (step_rows[t - 1][k] == row) return true;
    return false;
}

/* Writes step t's gradient into p->grad (zero elsewhere), marking its rows. */
static void set_grad(Param *p, int t)
{
    memset(p->grad.data, 0, N * sizeof(float));
    for (int k = 0; k < MAX_ROWS; k++) {
        const int32_t row = step_rows[t - 1][k];
        for (int j = 0; j < H; j++) p->grad.data[row * H + j] = grad_value(t, row * H + j);
        if (p->row_touched) param_mark_row(p, row);
    }
}

/* The reference: Adam (or SGD when sgd) in double over STEPS steps, every
 * row (dense) or the touched rows only (lazy). */
static void reference(double *p, double *m, double *v, bool lazy, bool sgd)
{
    for (int i = 0; i < N; i++) {
        p[i] = init_value(i);
        m[i] = v[i] = 0.0;
    }
    const double b1 = B1, b2 = B2, lr = LR;
    for (int t = 1; t <= STEPS; t++) {
        const double lr_t = lr * sqrt(1.0 - pow(b2, t)) / (1.0 - pow(b1, t));
        for (int i = 0; i < N; i++) {
            const bool row_touched = touched(t, i / H);
            if (lazy && !row_touched) continue;
            const double g = row_touched ? grad_value(t, i) : 0.0;
            if (sgd) {
                p[i] -= lr * g;
                continue;
            }
            m[i] += (1.0 - b1) * (g - m[i]);
            v[i] += (1.0 - b2) * (g * g - v[i]);
            p[i] -= lr_t * m[i] / (sqrt(v[i]) + 1e-7);
        }
    }
}

static void assert_close_double(const float *got, const double *want, int n, double atol, double rtol)
{
    for (int i = 0; i < n; i++) assert_close(got[i], want[i], atol, rtol);
}

/* A FastTrainer over one Model whose only param is p (threads 1, batch 1). */
static void lazy_setup(FastTrainer *tr, Model *model, Param **params, FastOptimizerKind kind)
{
    *model = (Model){.name = "p", .params = params, .n_params = 1, .context_width = 1, .max_batch = 1};
    FastTrainerConfig cfg = fast_trainer_default_config();
    cfg.batch_size = 1;
    cfg.optimizer = kind;
    cfg.lr = LR;
    cfg.beta1 = B1;
    cfg.beta2 = B2;
    cfg.log = NULL;
    fast_trainer_init(tr, &cfg, model);
}

static void param_setup(Param *p, bool track_rows)
{
    param_init(p, "p", 2, (int[]){V, H}, track_rows);
    for (int i = 0; i < N; i++) p->value.data[i] = init_value(i);
}

/*
 * adam_lr_t: the bias correction folded into lr, by hand for steps 1 and 2:
 * 0.01 sqrt(1 - 0.999) / (1 - 0.9) and 0.01 sqrt(1 - 0.999^2) / (1 - 0.9^2),
 * with lr and the betas as float32 holds them (0.00999999978,
 * 0.899999976, 0.999000013): 0.00316225648 and 0.00235315153 (0.00316227766
 * and 0.00235316725 with the decimal betas: 1 - 0.999f is 1.3e-5 short of
 * 0.001).
 */
static void test_adam_lr_t(void **state)
{
    (void)state;
    assert_close(adam_lr_t(0.01f, 0.9f, 0.999f, 1), 0.0031622564789450486, 0, 1e-7);
    assert_close(adam_lr_t(0.01f, 0.9f, 0.999f, 2), 0.0023531515286522166, 0, 1e-7);
    /* large t: the correction fades, lr_t -> lr */
    assert_true(adam_lr_t(0.01f, 0.9f, 0.999f, 100000) == 0.01f);
}

static void test_adam_dense_and_lazy(void **state)
{
    (void)state;
    Param dense, lazy;
    param_setup(&dense, false);
    param_setup(&lazy, true);
    Param *dense_params[1] = {&dense}, *lazy_params[1] = {&lazy};
    Adam adam;
    adam_init(&adam, dense_params, 1, LR, B1, B2);
    FastTrainer tr;
    Model model;
    lazy_setup(&tr, &model, lazy_params, FAST_LAZY_ADAM);

    float row2_after_step2[H];
    for (int t = 1; t <= STEPS; t++) {
        set_grad(&dense, t);
        adam_update(&adam, dense_params, 1);
        set_grad(&lazy, t);
        tr.step = t;    /* what fast_trainer_fit counts */
        fast_trainer_apply_update(&tr, &model, 0.0f, adam_lr_t(LR, B1, B2, tr.step));
        /* the lazy pass zeroes what it applied and forgets the rows */
        for (int i = 0; i < N; i++) assert_true(lazy.grad.data[i] == 0.0f);
        assert_int_equal(lazy.n_touched, 0);
        for (int r = 0; r < V; r++) assert_int_equal(lazy.row_touched[r], 0);
        if (t == 2) memcpy(row2_after_step2, lazy.value.data + 2 * H, sizeof row2_after_step2);
    }

    double p[N], m[N], v[N];
    reference(p, m, v, false, false);
    assert_close_double(dense.value.data, p, N, 1e-7, 1e-5);
    assert_close_double(adam.m[0].data, m, N, 1e-9, 1e-5);
    assert_close_double(adam.v[0].data, v, N, 1e-12, 1e-5);
    reference(p, m, v, true, false);
    assert_close_double(lazy.value.data, p, N, 1e-7, 1e-5);
    assert_close_double(tr.m[0].data, m, N, 1e-9, 1e-5);
    assert_close_double(tr.v[0].data, v, N, 1e-12, 1e-5);

    /* row 1, touched in every step: the same bits from both passes */
    assert_memory_equal(dense.value.data + H, lazy.value.data + H, H * sizeof(float));
    assert_memory_equal(adam.m[0].data + H, tr.m[0].data + H, H * sizeof(float));
    assert_memory_equal(adam.v[0].data + H, tr.v[0].data + H, H * sizeof(float));
    /* rows 0, 3, 5, never touched: the lazy pass leaves them, m and v as they were */
    for (int r = 0; r < V; r++) {
        if (r != 0 && r != 3 && r != 5) continue;
        for (int j = 0; j < H; j++) {
            const int i = r * H + j;
            assert_true(lazy.value.data[i] == init_value(i));
            assert_true(tr.m[0].data[i] == 0.0f && tr.v[0].data[i] == 0.0f);
        }
    }
    /* row 2, touched in step 2 only: lazy leaves it in step 3, dense moves it by its momentum */
    assert_memory_equal(lazy.value.data + 2 * H, row2_after_step2, sizeof row2_after_step2);
    for (int j = 0; j < H; j++) assert_true(fabsf(dense.value.data[2 * H + j] - row2_after_step2[j]) > 1e-4f);

    fast_trainer_free(&tr);
    adam_free(&adam);
    param_free(&dense);
    param_free(&lazy);
}

static void test_sgd_dense_and_lazy(void **state)
{
    (void)state;
    Param dense, lazy;
    param_setup(&dense, false);
    param_setup(&lazy, true);
    Param *dense_params[1] = {&dense}, *lazy_params[1] = {&lazy};
    OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_SGD);
    cfg.lr = LR;
    Optimizer sgd;
    optimizer_init(&sgd, &cfg, dense_params, 1);
    FastTrainer tr;
    Model model;
    lazy_setup(&tr, &model, lazy_params, FAST_SGD_LINEAR);
    for (int t = 1; t <= STEPS; t++) {
        set_grad(&dense, t);
        optimizer_update(&sgd, dense_params, 1);
        set_grad(&lazy, t);
        fast_trainer_apply_update(&tr, &model, LR, 0.0f);
        for (int i = 0; i < N; i++) assert_true(lazy.grad.data[i] == 0.0f);
    }
    double p[N], m[N], v[N];
    reference(p, m, v, false, true);
    assert_close_double(dense.value.data, p, N, 1e-7, 1e-5);
    /* SGD moves only where g != 0: the two passes agree on every bit */
    assert_memory_equal(dense.value.data, lazy.value.data, N * sizeof(float));
    for (int i = 0; i < N; i++)
        if (!touched(1, i / H) && !touched(2, i / H) && !touched(3, i / H))
            assert_true(lazy.value.data[i] == init_value(i));
    fast_trainer_free(&tr);
    optimizer_free(&sgd);
    param_free(&dense);
    param_free(&lazy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adam_lr_t),
        cmocka_unit_test(test_adam_dense_and_lazy),
        cmocka_unit_test(test_sgd_dense_and_lazy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
