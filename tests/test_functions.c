/*
 * test_functions.c — the textbook's common/functions.py helpers
 * (layers/functions.h): sigmoid, softplus, relu, softmax and cross_entropy_error on
 * hand-worked numbers, large inputs that must not overflow, in-place use,
 * and the textbook's 1e-7 inside the log; and the float one-hot rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "layers/functions.h"
#include "tests/testutil.h"

/* sigmoid(0) = 0.5, sigmoid(2) = 1 / (1 + e^-2) = 0.880797078, sigmoid(-2) = 0.119202922. */
static void test_sigmoid_array(void **state)
{
    (void)state;
    const float x[5] = {0.0f, 2.0f, -2.0f, 100.0f, -100.0f};
    float y[5];
    sigmoid_array(y, x, 5);
    const float expect[5] = {0.5f, 0.880797078f, 0.119202922f, 1.0f, 0.0f};
    assert_close_array(y, expect, 5, 1e-7, 1e-6);
    assert_true(y[4] >= 0.0f && y[4] < 1e-40f);   /* e^-100, no NaN */
    for (int i = 0; i < 5; i++) assert_true(y[i] == sigmoid(x[i]));

    /* in place */
    float z[5] = {0.0f, 2.0f, -2.0f, 100.0f, -100.0f};
    sigmoid_array(z, z, 5);
    assert_memory_equal(z, y, sizeof y);
    /* n = 0 touches nothing */
    float untouched[1] = {7.0f};
    sigmoid_array(untouched, untouched, 0);
    assert_true(untouched[0] == 7.0f);
}

/*
 * dlfs_softplus(0) = ln 2 = 0.693147181, dlfs_softplus(2) = ln(1 + e^2) = 2.126928011,
 * dlfs_softplus(-2) = ln(1 + e^-2) = 0.126928011; dlfs_softplus(z) - dlfs_softplus(-z) = z.
 * At +-1000 the plain formula overflows (inf) or rounds to 0; this does not.
 */
static void test_softplus(void **state)
{
    (void)state;
    assert_close(dlfs_softplus(0.0), 0.693147181, 1e-9, 0);
    assert_close(dlfs_softplus(2.0), 2.126928011, 1e-9, 0);
    assert_close(dlfs_softplus(-2.0), 0.126928011, 1e-9, 0);
    assert_true(dlfs_softplus(1000.0) == 1000.0);
    assert_close(dlfs_softplus(-1000.0), 0.0, 1e-300, 0);
    assert_close(dlfs_softplus(-40.0), exp(-40.0), 0, 1e-12);   /* log1p keeps the tiny value */
    for (double z = -5.0; z <= 5.0; z += 0.75) assert_close(dlfs_softplus(z) - dlfs_softplus(-z), z, 1e-12, 0);
}

static void test_relu(void **state)
{
    (void)state;
    const float x[6] = {-2.0f, -0.0f, 0.0f, 0.5f, 3.0f, -1e30f};
    float y[6];
    relu(y, x, 6);
    const float expect[6] = {0.0f, 0.0f, 0.0f, 0.5f, 3.0f, 0.0f};
    assert_memory_equal(y, expect, sizeof expect);   /* exact, and -0 becomes +0 */
    float z[6] = {-2.0f, -0.0f, 0.0f, 0.5f, 3.0f, -1e30f};
    relu(z, z, 6);
    assert_memory_equal(z, expect, sizeof expect);
}

/*
 * softmax([1, 2, 3]) = (e^-2, e^-1, 1) / 1.503214724
 *                    = (0.0900305732, 0.244728471, 0.665240956).
 * Adding a constant to a row changes nothing, so [1000, 1001, 1002] (whose
 * plain exp overflows float) gives the same; equal scores give 1/C each.
 */
static void test_softmax_values(void **state)
{
    (void)state;
    const float x[4 * 3] = {
        1.0f, 2.0f, 3.0f,
        1000.0f, 1001.0f, 1002.0f,
        -5.0f, -5.0f, -5.0f,
        -1000.0f, 0.0f, 1000.0f,
    };
    float y[4 * 3];
    softmax(y, x, 4, 3);
    const float expect[4 * 3] = {
        0.0900305732f, 0.244728471f, 0.665240956f,
        0.0900305732f, 0.244728471f, 0.665240956f,
        1.0f / 3, 1.0f / 3, 1.0f / 3,
        0.0f, 0.0f, 1.0f,
    };
    assert_close_array(y, expect, 12, 1e-7, 1e-6);
    for (int i = 0; i < 12; i++) assert_true(isfinite(y[i]));
    for (int n = 0; n < 4; n++) assert_close(y[3 * n] + y[3 * n + 1] + y[3 * n + 2], 1.0, 2e-7, 0);

    /* in place, one row (the textbook's 1-D case) */
    float z[3] = {1.0f, 2.0f, 3.0f};
    softmax(z, z, 1, 3);
    assert_close_array(z, expect, 3, 1e-7, 1e-6);
}

/* Random rows of many widths: every row sums to 1 and keeps the order of x. */
static void test_softmax_rows_sum_to_one(void **state)
{
    (void)state;
    enum { N = 5, C = 37 };
    float x[N * C], y[N * C];
    for (int i = 0; i < N * C; i++) x[i] = (float)(30.0 * sin(0.7 * i) + (i % C == 3 ? 200.0 : 0.0));
    softmax(y, x, N, C);
    for (int n = 0; n < N; n++) {
        double s = 0.0;
        for (int c = 0; c < C; c++) {
            const float v = y[n * C + c];
            assert_true(v >= 0.0f && v <= 1.0f);
            s += v;
            if (c > 0 && x[n * C + c] > x[n * C + c - 1]) assert_true(v >= y[n * C + c - 1]);
        }
        assert_close(s, 1.0, 1e-6, 0);
        assert_close(y[n * C + 3], 1.0, 1e-6, 0);   /* 200 above the rest */
    }
}

/*
 * y = [[0.1, 0.2, 0.7], [0.5, 0.4, 0.1]], t = [2, 0]:
 *   -(log(0.7 + 1e-7) + log(0.5 + 1e-7)) / 2 = 0.524910899
 * A probability of exactly 0 costs -log(1e-7) = 16.1180957, and one of 1e-7
 * costs -log(2e-7) = 15.4249485: the textbook's 1e-7 is inside the log.
 */
static void test_cross_entropy_error(void **state)
{
    (void)state;
    const float y[3 * 3] = {
        0.1f, 0.2f, 0.7f,
        0.5f, 0.4f, 0.1f,
        0.0f, 1.0f, 0.0f,
    };
    const int32_t t[3] = {2, 0, 0};
    assert_close(cross_entropy_error(y, t, 2, 3), 0.524910899, 1e-7, 0);
    /* the third row's true class has probability 0: mean of 0.357, 0.693, 16.118 */
    assert_close(cross_entropy_error(y, t, 3, 3), 5.72263915, 1e-6, 0);
    assert_close(cross_entropy_error(y + 6, t + 2, 1, 3), 16.1180957, 1e-6, 0);
    const float tiny[2] = {1e-7f, 1.0f - 1e-7f};
    const int32_t zero[1] = {0};
    assert_close(cross_entropy_error(tiny, zero, 1, 2), 15.4249485, 1e-6, 0);
    /* a certain right answer costs -log(1 + 1e-7) ≈ -1e-7, not 0 */
    const int32_t one[1] = {1};
    const float sure[2] = {0.0f, 1.0f};
    assert_close(cross_entropy_error(sure, one, 1, 2), -1e-7, 1e-9, 0);
}

/* One-hot labels give exactly what their ids give. */
static void test_cross_entropy_error_onehot(void **state)
{
    (void)state;
    const float y[3 * 4] = {
        0.1f, 0.2f, 0.3f, 0.4f,
        0.25f, 0.25f, 0.25f, 0.25f,
        0.0f, 0.0f, 0.0f, 1.0f,
    };
    const int32_t ids[3] = {1, 3, 0};
    const int32_t onehot[3 * 4] = {
        0, 1, 0, 0,
        0, 0, 0, 1,
        1, 0, 0, 0,
    };
    const float a = cross_entropy_error(y, ids, 3, 4);
    assert_true(cross_entropy_error_onehot(y, onehot, 3, 4) == a);
    assert_close(a, -(log(0.2 + 1e-7) + log(0.25 + 1e-7) + log(1e-7)) / 3, 1e-6, 0);
    for (int n = 0; n < 3; n++) assert_int_equal(one_hot_to_id(onehot + 4 * n, 4), ids[n]);
}

/* Ids 2, 0, 2 into (3, 4) rows, from a plain array and from column 1 of a (3, 2) matrix. */
static void test_one_hot_float(void **state)
{
    (void)state;
    const float expect[3 * 4] = {
        0, 0, 1, 0,
        1, 0, 0, 0,
        0, 0, 1, 0,
    };
    float out[3 * 4];
    for (int i = 0; i < 12; i++) out[i] = 5.0f;   /* every element is written */
    const int32_t ids[3] = {2, 0, 2};
    one_hot_float(out, ids, 3, 1, 4);
    assert_memory_equal(out, expect, sizeof expect);
    const int32_t matrix[3 * 2] = {3, 2, 1, 0, 3, 2};
    for (int i = 0; i < 12; i++) out[i] = 5.0f;
    one_hot_float(out, matrix + 1, 3, 2, 4);
    assert_memory_equal(out, expect, sizeof expect);
    /* and back: each row's id */
    int32_t rows[3 * 4];
    for (int i = 0; i < 12; i++) rows[i] = (int32_t)out[i];
    for (int n = 0; n < 3; n++) assert_int_equal(one_hot_to_id(rows + 4 * n, 4), ids[n]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigmoid_array),
        cmocka_unit_test(test_softplus),
        cmocka_unit_test(test_relu),
        cmocka_unit_test(test_softmax_values),
        cmocka_unit_test(test_softmax_rows_sum_to_one),
        cmocka_unit_test(test_cross_entropy_error),
        cmocka_unit_test(test_cross_entropy_error_onehot),
        cmocka_unit_test(test_one_hot_float),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
