/*
 * test_word_map.c — the 2-D PCA projection of word vectors
 * (evaluation/word_map.h) on hand-made vectors whose principal components
 * are known: points on a line, points on a plane spanned by two orthonormal
 * directions with uncorrelated spreads (the larger spread must come first),
 * rows of different lengths that unit_rows makes equal, the sign rule, and
 * the errors.
 *
 * The directions are e1 = (1, 1, 1, 1)/2, e2 = (1, -1, 1, -1)/2 and
 * e3 = (1, 1, -1, -1)/2 (orthonormal, exact in float), and the offset
 * a = (1, -2, 0.5, 3): every vector is exact in float, so the coordinates
 * are compared to 1e-9.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "common/status.h"
#include "evaluation/word_map.h"
#include "tests/testutil.h"

enum { H = 4 };

static const float e1[H] = {0.5f, 0.5f, 0.5f, 0.5f};
static const float e2[H] = {0.5f, -0.5f, 0.5f, -0.5f};
static const float e3[H] = {0.5f, 0.5f, -0.5f, -0.5f};
static const float offset[H] = {1.0f, -2.0f, 0.5f, 3.0f};

/* row = offset + s e1 + t e2 + u e3 */
static void make_row(float *row, float s, float t, float u)
{
    for (int k = 0; k < H; k++) row[k] = offset[k] + s * e1[k] + t * e2[k] + u * e3[k];
}

/*
 * Points on a line: offset + t e1 with t = {0, 1, 2, 5}. Centred, t - 2 =
 * {-2, -1, 0, 3}: that is axis 1 (the farthest point, 3, is positive), axis
 * 2 is 0 everywhere, the variance along axis 1 is 14/3 and is all of it.
 */
static void test_line(void **state)
{
    (void)state;
    const float t[] = {0, 1, 2, 5};
    float W[4 * H];
    for (int i = 0; i < 4; i++) make_row(W + i * H, t[i], 0, 0);
    const int32_t ids[] = {0, 1, 2, 3};
    double x[4], y[4];
    WordMapVariance var;
    DlfsError err = {0};
    assert_int_equal(word_map_project(W, H, ids, 4, false, x, y, &var, &err), DLFS_OK);
    const double want_x[] = {-2, -1, 0, 3};
    for (int i = 0; i < 4; i++) {
        assert_close(x[i], want_x[i], 1e-9, 0);
        assert_close(y[i], 0.0, 1e-9, 0);
    }
    assert_close(var.axis[0], 14.0 / 3, 1e-9, 0);
    assert_close(var.axis[1], 0.0, 1e-9, 0);
    assert_close(var.total, 14.0 / 3, 1e-9, 0);
}

/*
 * Points on a plane: offset + s e1 + t e2 + u e3, s = {-3, 4, 0, -1}
 * (variance 26/3), t = {1, 1, -3, 1} (variance 4), u = {5, 2, 0, -7}/8
 * (variance 78/64/3 = 0.40625): each centred and the three uncorrelated
 * (s·t = s·u = t·u = 0), so axis 1 is s and axis 2 is t, with their signs
 * set so the farthest point is positive: s as it is (4), t negated (-3
 * becomes 3). The third direction's spread is left out of the map but
 * counts in the total. Then the same rows in another order.
 */
static void test_plane_and_variance_order(void **state)
{
    (void)state;
    const float s[] = {-3, 4, 0, -1}, t[] = {1, 1, -3, 1}, u[] = {0.625f, 0.25f, 0, -0.875f};
    float W[5 * H];
    make_row(W, 100, 100, 100);   /* row 0: not chosen */
    for (int i = 0; i < 4; i++) make_row(W + (i + 1) * H, s[i], t[i], u[i]);
    const int32_t ids[] = {1, 2, 3, 4};
    double x[4], y[4];
    WordMapVariance var;
    DlfsError err = {0};
    assert_int_equal(word_map_project(W, H, ids, 4, false, x, y, &var, &err), DLFS_OK);
    for (int i = 0; i < 4; i++) {
        assert_close(x[i], s[i], 1e-9, 0);
        assert_close(y[i], -t[i], 1e-9, 0);
    }
    assert_close(var.axis[0], 26.0 / 3, 1e-9, 0);
    assert_close(var.axis[1], 4.0, 1e-9, 0);
    assert_true(var.axis[0] >= var.axis[1]);
    assert_close(var.total, 26.0 / 3 + 4.0 + 0.40625, 1e-9, 0);

    /* Each column has mean 0. */
    double mx = 0, my = 0;
    for (int i = 0; i < 4; i++) {
        mx += x[i];
        my += y[i];
    }
    assert_close(mx, 0.0, 1e-9, 0);
    assert_close(my, 0.0, 1e-9, 0);

    /* The same points from other rows and in another order: the same coordinates, reordered. */
    const int32_t reordered[] = {3, 1, 4, 2};
    double x2[4], y2[4];
    assert_int_equal(word_map_project(W, H, reordered, 4, false, x2, y2, NULL, &err), DLFS_OK);
    const int from[] = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++) {
        assert_close(x2[i], x[from[i]], 1e-9, 0);
        assert_close(y2[i], y[from[i]], 1e-9, 0);
    }
}

/*
 * Rows 2 e1, 5 e1, 3 e2, 0.5 e2, 4 e2 (no offset). With unit_rows they are
 * e1, e1, e2, e2, e2: mean (2 e1 + 3 e2)/5, so the e1 rows sit at
 * 0.6 (e1 - e2) and the e2 rows at -0.4 (e1 - e2) from it; |e1 - e2| = √2.
 * One direction only: axis 1 = {0.6√2, 0.6√2, -0.4√2, ...}, axis 2 = 0.
 * Without unit_rows the lengths differ and the map is another one.
 */
static void test_unit_rows(void **state)
{
    (void)state;
    const float scale[] = {2, 5, 3, 0.5f, 4};
    float W[5 * H];
    for (int i = 0; i < 5; i++)
        for (int k = 0; k < H; k++) W[i * H + k] = scale[i] * (i < 2 ? e1[k] : e2[k]);
    const int32_t ids[] = {0, 1, 2, 3, 4};
    double x[5], y[5];
    WordMapVariance var;
    DlfsError err = {0};
    assert_int_equal(word_map_project(W, H, ids, 5, true, x, y, &var, &err), DLFS_OK);
    const double r = sqrt(2.0);
    const double want[] = {0.6 * r, 0.6 * r, -0.4 * r, -0.4 * r, -0.4 * r};
    for (int i = 0; i < 5; i++) {
        assert_close(x[i], want[i], 1e-9, 0);
        assert_close(y[i], 0.0, 1e-9, 0);
    }
    /* variance: (2 (0.72) + 3 (0.32)) / 4 = 0.6 */
    assert_close(var.axis[0], 0.6, 1e-9, 0);
    assert_close(var.total, 0.6, 1e-9, 0);

    double raw_x[5], raw_y[5];
    assert_int_equal(word_map_project(W, H, ids, 5, false, raw_x, raw_y, &var, &err), DLFS_OK);
    assert_true(var.axis[1] > 1.0);   /* lengths 2..5 spread along e1 and along e2 */
    assert_true(fabs(raw_x[0] - x[0]) > 0.1);
}

/* H = 1: the one axis there is, and a second axis of zeros. */
static void test_one_dimension(void **state)
{
    (void)state;
    const float W[] = {1, 2, 6};
    const int32_t ids[] = {0, 1, 2};
    double x[3], y[3];
    WordMapVariance var;
    DlfsError err = {0};
    assert_int_equal(word_map_project(W, 1, ids, 3, false, x, y, &var, &err), DLFS_OK);
    const double want[] = {-2, -1, 3};
    for (int i = 0; i < 3; i++) {
        assert_close(x[i], want[i], 1e-9, 0);
        assert_close(y[i], 0.0, 0, 0);
    }
    assert_close(var.axis[0], 7.0, 1e-9, 0);
    assert_close(var.axis[1], 0.0, 0, 0);
}

/* Fewer than 2 words; a NaN or an infinity in a chosen row (one in a row not chosen is fine). */
static void test_errors(void **state)
{
    (void)state;
    float W[3 * H];
    for (int i = 0; i < 3; i++) make_row(W + i * H, (float)i, 0, 0);
    W[2 * H + 1] = NAN;
    double x[3] = {7, 7, 7}, y[3] = {7, 7, 7};
    DlfsError err = {0};
    const int32_t one[] = {0};
    assert_int_equal(word_map_project(W, H, one, 1, true, x, y, NULL, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "at least 2 words, got 1");
    const int32_t with_nan[] = {0, 2, 1};
    assert_int_equal(word_map_project(W, H, with_nan, 3, false, x, y, NULL, &err), DLFS_ERR_NUMERIC);
    assert_contains(err.msg, "id 2");
    assert_true(x[0] == 7 && y[2] == 7);   /* untouched */
    W[2 * H + 1] = INFINITY;
    assert_int_equal(word_map_project(W, H, with_nan, 3, true, x, y, NULL, &err), DLFS_ERR_NUMERIC);
    const int32_t finite[] = {0, 1};
    assert_int_equal(word_map_project(W, H, finite, 2, false, x, y, NULL, &err), DLFS_OK);
    /* two points: the one farther from their mean along the axis is positive; here a tie: the first */
    assert_close(fabs(x[0]), 0.5, 1e-9, 0);
    assert_close(x[0], -x[1], 1e-9, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_plane_and_variance_order),
        cmocka_unit_test(test_unit_rows),
        cmocka_unit_test(test_one_dimension),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
