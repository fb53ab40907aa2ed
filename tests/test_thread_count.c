/*
 * test_thread_count.c — the dense passes that OpenMP threads share give the
 * same bits whatever the number of threads and however the work falls to
 * them. The optimizers hand out their blocks as threads ask (schedule
 * dynamic: a thread that wakes late takes fewer, docs/shared-machines.md),
 * so which thread runs which element changes from run to run; the
 * arithmetic of each element must not. Checked for every optimizer of
 * optimizer.h over three steps, and for SoftmaxWithLoss forward and
 * backward (rows split in fixed shares, losses added in row order), each
 * with 1 thread and with 3 (more threads than this machine's 2 cores, so
 * that the work is shared unevenly), on sizes above the passes' thresholds
 * for threads, with a last block shorter than the others. The results are
 * also checked against the formula (SGD by hand, softmax rows summing to 1
 * and dx = (y - t) / N), so that a pass that did nothing would fail too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "common/param.h"
#include "layers/softmax_with_loss.h"
#include "training/optimizer.h"
#include "tests/testutil.h"

/* (701, 100): 70,100 floats, above the optimizers' 65,536; 17 blocks of 4,096 and one of 452. */
enum { ROWS = 701, COLS = 100, SIZE = ROWS * COLS, STEPS = 3 };
/* (60, 1200) scores: 72,000, above SoftmaxWithLoss's 65,536. */
enum { SN = 60, SC = 1200 };

/* A reproducible float in [-scale, scale) from (i, t). */
static float hashed(size_t i, int t, float scale)
{
    uint32_t x = (uint32_t)(i * 2654435761u) ^ (uint32_t)(t * 40503u + 17u);
    x ^= x >> 15;
    x *= 2246822519u;
    x ^= x >> 13;
    return scale * ((float)(x & 0xffffff) / 8388608.0f - 1.0f);
}

/* STEPS steps of the optimizer `kind` on one (ROWS, COLS) Param, on `threads` threads; p out. */
static void run_optimizer(OptimizerKind kind, int threads, float *p_out)
{
    const int shape[2] = {ROWS, COLS};
    Param p;
    param_init(&p, "W", 2, shape, false);
    for (size_t i = 0; i < SIZE; i++) p.value.data[i] = hashed(i, 0, 0.5f);
    Param *params[1] = {&p};
    OptimizerConfig cfg = optimizer_default_config(kind);
    Optimizer opt;
    optimizer_init(&opt, &cfg, params, 1);
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    for (int t = 1; t <= STEPS; t++) {
        for (size_t i = 0; i < SIZE; i++) p.grad.data[i] = hashed(i, t, 0.1f);
        optimizer_update(&opt, params, 1);
    }
    omp_set_num_threads(before);
    memcpy(p_out, p.value.data, SIZE * sizeof *p_out);
    optimizer_free(&opt);
    param_free(&p);
}

static void test_optimizers_any_thread_count(void **state)
{
    (void)state;
    const OptimizerKind kinds[] = {OPTIMIZER_SGD,     OPTIMIZER_MOMENTUM, OPTIMIZER_NESTEROV,
                                   OPTIMIZER_ADAGRAD, OPTIMIZER_RMSPROP,  OPTIMIZER_ADAM};
    float *one = malloc(SIZE * sizeof *one), *three = malloc(SIZE * sizeof *three);
    assert_non_null(one);
    assert_non_null(three);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        run_optimizer(kinds[k], 1, one);
        run_optimizer(kinds[k], 3, three);
        assert_memory_equal(one, three, SIZE * sizeof *one);
        /* every element moved, the last block's included */
        for (size_t i = 0; i < SIZE; i += 997) assert_true(one[i] != hashed(i, 0, 0.5f));
        assert_true(one[SIZE - 1] != hashed(SIZE - 1, 0, 0.5f));
    }
    /* SGD by hand: p - lr (g1 + g2 + g3), each step rounded in float */
    run_optimizer(OPTIMIZER_SGD, 3, three);
    const float lr = optimizer_default_config(OPTIMIZER_SGD).lr;
    for (size_t i = 0; i < SIZE; i += 1009) {
        float want = hashed(i, 0, 0.5f);
        for (int t = 1; t <= STEPS; t++) want -= lr * hashed(i, t, 0.1f);
        assert_true(three[i] == want);
    }
    free(one);
    free(three);
}

/* SoftmaxWithLoss forward and backward on `threads` threads: the loss, y and dx out. */
static float run_softmax(int threads, float *y, float *dx)
{
    float *x = malloc((size_t)SN * SC * sizeof *x);
    int32_t t[SN];
    assert_non_null(x);
    for (size_t i = 0; i < (size_t)SN * SC; i++) x[i] = hashed(i, 5, 4.0f);
    for (int n = 0; n < SN; n++) t[n] = (int32_t)((n * 37) % SC);
    SoftmaxWithLoss s;
    softmax_with_loss_init(&s, SN, SC);
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    const float loss = softmax_with_loss_forward(&s, x, t, SN);
    memset(dx, 0, (size_t)SN * SC * sizeof *dx);
    softmax_with_loss_backward(&s, dx, 1.0f);
    omp_set_num_threads(before);
    memcpy(y, s.y, (size_t)SN * SC * sizeof *y);
    softmax_with_loss_free(&s);
    free(x);
    return loss;
}

static void test_softmax_with_loss_any_thread_count(void **state)
{
    (void)state;
    const size_t n = (size_t)SN * SC;
    float *y1 = malloc(n * sizeof *y1), *dx1 = malloc(n * sizeof *dx1);
    float *y3 = malloc(n * sizeof *y3), *dx3 = malloc(n * sizeof *dx3);
    assert_true(y1 && dx1 && y3 && dx3);
    const float loss1 = run_softmax(1, y1, dx1);
    const float loss3 = run_softmax(3, y3, dx3);
    assert_true(loss1 == loss3);
    assert_memory_equal(y1, y3, n * sizeof *y1);
    assert_memory_equal(dx1, dx3, n * sizeof *dx1);
    /* each row of y is a distribution; dx = (y - onehot) / N */
    for (int r = 0; r < SN; r++) {
        double sum = 0.0;
        for (int c = 0; c < SC; c++) sum += y3[(size_t)r * SC + c];
        assert_close(sum, 1.0, 1e-5, 0.0);
        const int32_t label = (int32_t)((r * 37) % SC);
        assert_close(dx3[(size_t)r * SC + label], (y3[(size_t)r * SC + label] - 1.0) / SN, 1e-7, 1e-5);
    }
    assert_true(loss3 > 0.0f && isfinite(loss3));
    free(y1);
    free(dx1);
    free(y3);
    free(dx3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optimizers_any_thread_count),
        cmocka_unit_test(test_softmax_with_loss_any_thread_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
