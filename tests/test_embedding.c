/*
 * test_embedding.c — the Embedding layer (layers/embedding.h; textbook
 * §4.1.3, common/layers.py `Embedding`): forward gathers rows; backward adds
 * with np.add.at semantics (repeated ids sum), accumulates across calls and
 * across layers sharing one Param; row tracking zeroes exactly the touched
 * rows; contract violations abort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/param.h"
#include "layers/embedding.h"
#include "tests/testutil.h"

enum { V = 4, H = 3 };

/* W[i][k] = 10 i + k: every value names its row and column. */
static void make_w(Param *W)
{
    param_init(W, "W", 2, (int[]){V, H}, true);
    for (int i = 0; i < V; i++)
        for (int k = 0; k < H; k++) W->value.data[i * H + k] = (float)(10 * i + k);
}

static void test_forward_gathers_rows(void **state)
{
    (void)state;
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    const int32_t idx[5] = {2, 0, 3, 3, 1};
    float out[5 * H];
    memset(out, 0xff, sizeof out);
    embedding_forward(&e, out, idx, 5);
    const float expect[5 * H] = {20, 21, 22, 0, 1, 2, 30, 31, 32, 30, 31, 32, 10, 11, 12};
    assert_memory_equal(out, expect, sizeof expect);   /* a gather is exact */
    assert_int_equal(e.B, 5);
    assert_ptr_equal(e.idx, idx);
    /* forward touches no gradient */
    for (size_t i = 0; i < W.grad.size; i++) assert_true(W.grad.data[i] == 0.0f);
    assert_int_equal(W.n_touched, 0);
    param_free(&W);
}

/* idx {0, 2, 0, 0}: row 0 gets dout rows 0 + 2 + 3, row 2 gets dout row 1. */
static void test_backward_repeated_ids_add_up(void **state)
{
    (void)state;
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    const int32_t idx[4] = {0, 2, 0, 0};
    float out[4 * H];
    embedding_forward(&e, out, idx, 4);
    const float dout[4 * H] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    embedding_backward(&e, dout);
    const float expect[V * H] = {
        1 + 7 + 10, 2 + 8 + 11, 3 + 9 + 12,   /* 18 21 24: not just the last (10 11 12) */
        0, 0, 0,
        4, 5, 6,
        0, 0, 0,
    };
    assert_memory_equal(W.grad.data, expect, sizeof expect);
    assert_int_equal(W.n_touched, 2);
    assert_int_equal(W.row_touched[0], 1);
    assert_int_equal(W.row_touched[1], 0);
    assert_int_equal(W.row_touched[2], 1);
    assert_int_equal(W.row_touched[3], 0);
    param_free(&W);
}

/* A second backward adds to the first: nobody zeroes in between. */
static void test_backward_accumulates_across_calls(void **state)
{
    (void)state;
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    float out[2 * H];
    const int32_t idx1[2] = {1, 3};
    embedding_forward(&e, out, idx1, 2);
    const float d1[2 * H] = {1, 1, 1, 2, 2, 2};
    embedding_backward(&e, d1);
    const int32_t idx2[2] = {3, 0};
    embedding_forward(&e, out, idx2, 2);
    const float d2[2 * H] = {0.5f, 0.25f, 0.125f, -1, -2, -3};
    embedding_backward(&e, d2);
    const float expect[V * H] = {
        -1, -2, -3,
        1, 1, 1,
        0, 0, 0,
        2.5f, 2.25f, 2.125f,
    };
    assert_memory_equal(W.grad.data, expect, sizeof expect);
    assert_int_equal(W.n_touched, 3);   /* rows 1, 3, 0 */
    param_free(&W);
}

/* Two layers over one Param (CBOW's context layers) sum into one grad. */
static void test_shared_param_two_layers(void **state)
{
    (void)state;
    Param W;
    make_w(&W);
    Embedding e1, e2;
    embedding_init(&e1, &W);
    embedding_init(&e2, &W);
    assert_ptr_equal(e1.params[0], e2.params[0]);
    assert_ptr_equal(e1.grads[0], &W.grad);
    float out1[2 * H], out2[2 * H];
    const int32_t idx1[2] = {0, 1};
    const int32_t idx2[2] = {1, 2};
    embedding_forward(&e1, out1, idx1, 2);
    embedding_forward(&e2, out2, idx2, 2);
    const float d1[2 * H] = {1, 2, 3, 4, 5, 6};
    const float d2[2 * H] = {10, 20, 30, 40, 50, 60};
    embedding_backward(&e2, d2);
    embedding_backward(&e1, d1);
    const float expect[V * H] = {
        1, 2, 3,
        4 + 10, 5 + 20, 6 + 30,
        40, 50, 60,
        0, 0, 0,
    };
    assert_memory_equal(W.grad.data, expect, sizeof expect);
    assert_int_equal(W.n_touched, 3);
    param_free(&W);
}

/*
 * param_zero_grad on a row-tracked Param zeroes the touched rows and
 * nothing else: a sentinel planted in an untouched row survives bitwise.
 */
static void test_zero_grad_touched_rows_only(void **state)
{
    (void)state;
    enum { BV = 6 };
    Param W;
    param_init(&W, "W", 2, (int[]){BV, H}, true);
    Embedding e;
    embedding_init(&e, &W);
    float out[5 * H];
    const int32_t idx[5] = {4, 1, 4, 4, 1};
    embedding_forward(&e, out, idx, 5);
    float dout[5 * H];
    for (int i = 0; i < 5 * H; i++) dout[i] = (float)(i + 1);
    embedding_backward(&e, dout);
    assert_int_equal(W.n_touched, 2);   /* distinct rows, not B */
    assert_true(W.touched_rows[0] == 4 && W.touched_rows[1] == 1);

    /* Sentinels in untouched rows 0 and 5 (a gradient no backward wrote). */
    const float sentinel[H] = {42.0f, -0.0f, 1e-30f};
    memcpy(W.grad.data + 0 * H, sentinel, sizeof sentinel);
    memcpy(W.grad.data + 5 * H, sentinel, sizeof sentinel);

    param_zero_grad(&W);
    for (int r = 1; r <= 4; r++)
        for (int k = 0; k < H; k++) assert_true(W.grad.data[r * H + k] == 0.0f);
    assert_memory_equal(W.grad.data + 0 * H, sentinel, sizeof sentinel);
    assert_memory_equal(W.grad.data + 5 * H, sentinel, sizeof sentinel);
    assert_int_equal(W.n_touched, 0);
    for (int r = 0; r < BV; r++) assert_int_equal(W.row_touched[r], 0);

    /* After zeroing, a new backward starts from 0 and tracks afresh. */
    memset(W.grad.data, 0, W.grad.size * sizeof(float));
    const int32_t idx2[1] = {2};
    embedding_forward(&e, out, idx2, 1);
    const float d2[H] = {7, 8, 9};
    embedding_backward(&e, d2);
    assert_int_equal(W.n_touched, 1);
    assert_int_equal(W.touched_rows[0], 2);
    assert_memory_equal(W.grad.data + 2 * H, d2, sizeof d2);
    assert_true(W.grad.data[4 * H] == 0.0f);
    param_free(&W);
}

/* A Param without row tracking is zeroed densely. */
static void test_zero_grad_dense(void **state)
{
    (void)state;
    Param W;
    param_init(&W, "W", 2, (int[]){V, H}, false);
    assert_null(W.row_touched);
    Embedding e;
    embedding_init(&e, &W);
    float out[H];
    const int32_t idx[1] = {3};
    embedding_forward(&e, out, idx, 1);
    const float d[H] = {1, 2, 3};
    embedding_backward(&e, d);
    assert_memory_equal(W.grad.data + 3 * H, d, sizeof d);
    W.grad.data[0] = 5.0f;
    param_zero_grad(&W);
    for (size_t i = 0; i < W.grad.size; i++) assert_true(W.grad.data[i] == 0.0f);
    param_free(&W);
}

/* Runs fn in a child process and checks that it dies of SIGABRT. */
static void expect_abort(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, STDERR_FILENO);
        fn();
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void forward_id_out_of_range(void)
{
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    float out[2 * H];
    const int32_t idx[2] = {1, V};
    embedding_forward(&e, out, idx, 2);
}

static void forward_negative_id(void)
{
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    float out[H];
    const int32_t idx[1] = {-2};   /* -1 is "no word"; anything below is out of range */
    embedding_forward(&e, out, idx, 1);
}

static void backward_before_forward(void)
{
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    const float d[H] = {0};
    embedding_backward(&e, d);
}

/* An id of -1 (no word: a context outside a shrunk window) gathers zeros
 * and gets no gradient, while the other rows of the batch work as usual. */
static void test_absent_id_gives_zeros_and_no_gradient(void **state)
{
    (void)state;
    Param W;
    make_w(&W);
    Embedding e;
    embedding_init(&e, &W);
    const int32_t idx[3] = {1, -1, 1};
    float out[3 * H];
    for (int k = 0; k < 3 * H; k++) out[k] = 99.0f;
    embedding_forward(&e, out, idx, 3);
    for (int k = 0; k < H; k++) {
        assert_float_equal(out[k], W.value.data[H + k], 0.0f);
        assert_float_equal(out[H + k], 0.0f, 0.0f);
        assert_float_equal(out[2 * H + k], W.value.data[H + k], 0.0f);
    }
    float dout[3 * H];
    for (int k = 0; k < 3 * H; k++) dout[k] = (float)(k + 1);
    embedding_backward(&e, dout);
    for (size_t j = 0; j < W.grad.size; j++) {
        const int row = (int)(j / H), k = (int)(j % H);
        const float want = row == 1 ? dout[k] + dout[2 * H + k] : 0.0f;
        assert_float_equal(W.grad.data[j], want, 0.0f);
    }
    assert_int_equal(W.n_touched, 1);
    param_free(&W);
}

static void test_contract_violations_abort(void **state)
{
    (void)state;
    expect_abort(forward_id_out_of_range);
    expect_abort(forward_negative_id);
    expect_abort(backward_before_forward);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_gathers_rows),
        cmocka_unit_test(test_backward_repeated_ids_add_up),
        cmocka_unit_test(test_backward_accumulates_across_calls),
        cmocka_unit_test(test_shared_param_two_layers),
        cmocka_unit_test(test_zero_grad_touched_rows_only),
        cmocka_unit_test(test_zero_grad_dense),
        cmocka_unit_test(test_absent_id_gives_zeros_and_no_gradient),
        cmocka_unit_test(test_contract_violations_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
