/*
 * test_param.c — a Param over caller-owned memory (common/param.h
 * param_init_borrowed): the layers read the caller's floats, an optimizer
 * step writes into them in place, row tracking works as for an owned Param,
 * and param_free frees the gradient but leaves the caller's array (a stack
 * array here: freeing it would crash, and ASan names it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/param.h"
#include "layers/embedding.h"
#include "training/optimizer.h"

/* W (3, 2) = [[0, 1], [2, 3], [4, 5]] in the caller's array; Embedding reads it */
static void test_borrowed_value_is_the_callers_array(void **state)
{
    (void)state;
    float w[6] = {0, 1, 2, 3, 4, 5};
    Param W;
    param_init_borrowed(&W, "W", w, 2, (const int[]){3, 2}, true);
    assert_ptr_equal(W.value.data, w);
    assert_int_equal(W.value.ndim, 2);
    assert_int_equal(W.value.shape[0], 3);
    assert_int_equal(W.value.shape[1], 2);
    assert_int_equal(W.value.size, 6);
    assert_int_equal(W.grad.size, 6);
    for (int i = 0; i < 6; i++) assert_true(W.grad.data[i] == 0.0f);

    Embedding embed;
    embedding_init(&embed, &W);
    float out[4];
    embedding_forward(&embed, out, (const int32_t[]){2, 0}, 2);
    assert_true(out[0] == 4.0f && out[1] == 5.0f && out[2] == 0.0f && out[3] == 1.0f);

    /* backward: rows 2 and 0 touched, as for an owned row-tracked Param */
    embedding_backward(&embed, (const float[]){1, 2, 3, 4});
    assert_int_equal(W.n_touched, 2);
    assert_true(W.grad.data[4] == 1.0f && W.grad.data[5] == 2.0f);
    assert_true(W.grad.data[0] == 3.0f && W.grad.data[1] == 4.0f);

    /* SGD with lr 0.5: w -= 0.5 * grad, in the caller's array */
    OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_SGD);
    cfg.lr = 0.5f;
    Optimizer opt;
    Param *params[1] = {&W};
    optimizer_init(&opt, &cfg, params, 1);
    optimizer_update(&opt, params, 1);
    optimizer_free(&opt);
    const float want[6] = {-1.5f, -1.0f, 2.0f, 3.0f, 3.5f, 4.0f};
    for (int i = 0; i < 6; i++) assert_true(w[i] == want[i]);

    param_zero_grad(&W);
    assert_int_equal(W.n_touched, 0);
    for (int i = 0; i < 6; i++) assert_true(W.grad.data[i] == 0.0f);

    /* param_free leaves w alone (a stack array: freeing it would abort) */
    param_free(&W);
    assert_null(W.value.data);
    for (int i = 0; i < 6; i++) assert_true(w[i] == want[i]);
}

/* A borrowed owner shared by a replica (the fast trainer's threads): both free cleanly. */
static void test_borrowed_value_shared(void **state)
{
    (void)state;
    float w[4] = {1, 2, 3, 4};
    Param owner, replica;
    param_init_borrowed(&owner, "W", w, 2, (const int[]){2, 2}, false);
    param_init(&replica, "W", 2, (const int[]){2, 2}, false);
    param_share_value(&replica, &owner);
    assert_ptr_equal(replica.value.data, w);
    replica.value.data[3] = 40.0f;
    assert_true(w[3] == 40.0f);
    param_free(&replica);
    param_free(&owner);
    assert_true(w[0] == 1.0f && w[3] == 40.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_borrowed_value_is_the_callers_array),
        cmocka_unit_test(test_borrowed_value_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
