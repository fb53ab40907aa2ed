/*
 * test_gradcheck.c — the gradient checker (gradcheck/gradcheck.h) and its
 * cases (gradcheck/cases.h): every layer and model passes for many seeds;
 * the checker catches a backward that is 1% off and an Embedding backward
 * that overwrites instead of adding for repeated ids; its error figures
 * are right on a function whose gradient is known exactly; values are
 * restored bit for bit; model checks freeze the negatives. A FAIL row
 * names its worst element and hints at a missing 1/B or at `=` instead of
 * `+=` exactly when the numbers say so; a PASS row is one line as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/rng.h"
#include "gradcheck/cases.h"
#include "gradcheck/gradcheck.h"
#include "layers/embedding.h"
#include "tests/testutil.h"

enum { N_SEEDS = 10 };

/* Every case, for seeds 1..N_SEEDS: every row passes. */
static void test_every_case_passes(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= N_SEEDS; seed++) {
        for (int i = 0; i < gradcheck_case_count(); i++) {
            GradCheckResult results[GRADCHECK_MAX_TENSORS];
            const int n = gradcheck_run_case(i, seed, results);
            assert_true(n >= 1);
            for (int k = 0; k < n; k++) {
                if (!results[k].pass) gradcheck_print_result(stdout, &results[k]);
                assert_true(results[k].pass);
                assert_true(results[k].max_rel <= GRADCHECK_RTOL);
                assert_string_equal(results[k].problem, gradcheck_case_name(i));
            }
        }
    }
}

/* A problem whose analytic gradients are scaled by `factor` after the real backward. */
typedef struct Tampered {
    GradCheckProblem inner;
    float factor;
} Tampered;

static float tampered_loss(void *ctx)
{
    Tampered *t = ctx;
    return t->inner.loss(t->inner.ctx);
}

static void tampered_gradients(void *ctx)
{
    Tampered *t = ctx;
    t->inner.gradients(t->inner.ctx);
    for (int k = 0; k < t->inner.n_tensors; k++) {
        float *g = (float *)t->inner.tensors[k].grad;
        for (size_t i = 0; i < t->inner.tensors[k].size; i++) g[i] *= t->factor;
    }
}

/* Case i with every analytic gradient times factor: every tensor must FAIL. */
static void check_tampered_fails(int i, uint64_t seed, float factor)
{
    Tampered t = {.factor = factor};
    gradcheck_case_build(i, seed, &t.inner);
    GradCheckProblem p = t.inner;
    p.ctx = &t;
    p.loss = tampered_loss;
    p.gradients = tampered_gradients;
    GradCheckResult results[GRADCHECK_MAX_TENSORS];
    const int n_fail = gradcheck_run(&p, results);
    for (int k = 0; k < p.n_tensors; k++) {
        if (results[k].pass) {
            printf("# not caught: %s %s seed %llu factor %g\n", results[k].problem,
                   results[k].tensor, (unsigned long long)seed, factor);
        }
        assert_false(results[k].pass);
        /* |1.01a - a| / (2.01|a|) ~ 0.005 on elements above the noise floor */
        assert_true(results[k].max_rel > 3.0 * GRADCHECK_RTOL);
        /* 1% off is neither a factor of B nor a dropped occurrence: no hint */
        if (results[k].hint != GRADCHECK_HINT_NONE) gradcheck_print_result(stdout, &results[k]);
        assert_int_equal(results[k].hint, GRADCHECK_HINT_NONE);
    }
    assert_int_equal(n_fail, p.n_tensors);
    gradcheck_case_free(i, &t.inner);
}

static void test_catches_one_percent_off(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= N_SEEDS; seed++) {
        for (int i = 0; i < gradcheck_case_count(); i++) {
            check_tampered_fails(i, seed, 1.01f);
            check_tampered_fails(i, seed, 0.99f);
        }
    }
}

/*
 * Every case whose problem has a batch B >= 2, with every analytic
 * gradient times B (a forgotten 1/B) and times 1/B (one too many): every
 * tensor FAILs with the matching hint, whose line names 1/B.
 */
static void test_hints_factor_of_b(void **state)
{
    (void)state;
    int checked = 0;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        for (int i = 0; i < gradcheck_case_count(); i++) {
            for (int inverse = 0; inverse <= 1; inverse++) {
                Tampered t;
                gradcheck_case_build(i, seed, &t.inner);
                const int batch = t.inner.batch;
                assert_true(batch >= 2);
                t.factor = inverse ? 1.0f / (float)batch : (float)batch;
                GradCheckProblem p = t.inner;
                p.ctx = &t;
                p.loss = tampered_loss;
                p.gradients = tampered_gradients;
                GradCheckResult results[GRADCHECK_MAX_TENSORS];
                assert_int_equal(gradcheck_run(&p, results), p.n_tensors);
                for (int k = 0; k < p.n_tensors; k++) {
                    if (results[k].hint != (inverse ? GRADCHECK_HINT_OVER_B : GRADCHECK_HINT_TIMES_B))
                        gradcheck_print_result(stdout, &results[k]);
                    assert_int_equal(results[k].hint,
                                     inverse ? GRADCHECK_HINT_OVER_B : GRADCHECK_HINT_TIMES_B);
                    assert_int_equal(results[k].batch, batch);
                    checked++;
                }
                gradcheck_case_free(i, &t.inner);
            }
        }
    }
    assert_true(checked >= 3 * 2 * gradcheck_case_count());
}

/* What gradcheck_print_result writes for r, in a static buffer. */
static const char *printed(const GradCheckResult *r)
{
    static char text[2048];
    FILE *fp = fmemopen(text, sizeof text, "w");
    assert_non_null(fp);
    gradcheck_print_result(fp, r);
    fclose(fp);
    return text;
}

/*
 * L(x) = (1/B) sum_i c_i x_i over B = 4 elements, whose backward forgets
 * the 1/B (dL/dx_i = c_i / 4, claimed c_i). Every element is off by the
 * same factor, so the first, x[0], is the worst: analytic c_0 = 2,
 * numerical 0.5; the hint: a missing or extra 1/B, B = 4.
 */
enum { MEAN_B = 4 };

typedef struct Mean {
    float x[MEAN_B];
    float grad[MEAN_B];
    int divide;             /* 1: the right backward */
} Mean;

static const double mean_c[MEAN_B] = {2.0, -1.0, 0.5, 1.5};

static float mean_loss(void *ctx)
{
    Mean *m = ctx;
    double s = 0.0;
    for (int i = 0; i < MEAN_B; i++) s += mean_c[i] * m->x[i];
    return (float)(s / MEAN_B);
}

static void mean_gradients(void *ctx)
{
    Mean *m = ctx;
    for (int i = 0; i < MEAN_B; i++) m->grad[i] = (float)(mean_c[i] / (m->divide ? MEAN_B : 1));
}

static void test_fail_row_names_worst_and_missing_1_over_b(void **state)
{
    (void)state;
    Mean m = {.x = {0.5f, -1.0f, 2.0f, 0.25f}, .divide = 0};
    GradCheckProblem p = {.name = "Mean", .ctx = &m, .loss = mean_loss,
                          .gradients = mean_gradients, .batch = MEAN_B};
    gradcheck_add_tensor(&p, "x", m.x, m.grad, 1, (const int[]){MEAN_B});
    GradCheckResult r;
    assert_int_equal(gradcheck_run(&p, &r), 1);
    assert_false(r.pass);
    /* every element has rel (4 - 1) / (4 + 1) = 0.6: the first is the worst */
    assert_close(r.max_rel, 0.6, 1e-4, 0);
    assert_int_equal(r.worst_index, 0);
    assert_close(r.worst_analytic, 2.0, 1e-7, 0);
    assert_close(r.worst_numerical, 0.5, 1e-4, 0);
    assert_int_equal(r.hint, GRADCHECK_HINT_TIMES_B);
    const char *text = printed(&r);
    char row[256];
    snprintf(row, sizeof row,
             "Mean                    x        (4,)         %12.3e %12.3e  FAIL  x[0]: analytic +2, "
             "numerical %+.6g\n",
             r.max_abs, r.max_rel, r.worst_numerical);
    assert_memory_equal(text, row, strlen(row));
    assert_string_equal(text + strlen(row),
                        "  hint: analytic = 4.00 x numerical, and B = 4: a missing or extra 1/B "
                        "(backward forgot to divide by B, or forward divides by B once too often)\n");

    /* the right backward: one PASS line, as before the hints */
    m.divide = 1;
    assert_int_equal(gradcheck_run(&p, &r), 0);
    assert_int_equal(r.hint, GRADCHECK_HINT_NONE);
    snprintf(row, sizeof row, "Mean                    x        (4,)         %12.3e %12.3e  PASS\n",
             r.max_abs, r.max_rel);
    assert_string_equal(printed(&r), row);

    /* without a batch size there is no 1/B hint, only the worst element */
    m.divide = 0;
    p.batch = 0;
    assert_int_equal(gradcheck_run(&p, &r), 1);
    assert_int_equal(r.hint, GRADCHECK_HINT_NONE);
    assert_null(strstr(printed(&r), "hint"));
    assert_non_null(strstr(printed(&r), "FAIL  x[0]: analytic +2, numerical +0.5"));
}

/* ----------------------- an Embedding whose backward forgets to add */

enum { V = 5, H = 3, B = 4 };

typedef struct OverwritingEmbedding {
    Param W;
    Embedding layer;
    int32_t idx[B];
    float out[B * H];
    float R[B * H];
    int overwrite;      /* 1: dW[idx[b]] = dout[b] (the bug); 0: the real backward */
} OverwritingEmbedding;

static float overwriting_loss(void *ctx)
{
    OverwritingEmbedding *c = ctx;
    embedding_forward(&c->layer, c->out, c->idx, B);
    double s = 0.0;
    for (int i = 0; i < B * H; i++) s += (double)c->R[i] * c->out[i];
    return (float)s;
}

static void overwriting_gradients(void *ctx)
{
    OverwritingEmbedding *c = ctx;
    param_zero_grad(&c->W);
    embedding_forward(&c->layer, c->out, c->idx, B);
    if (!c->overwrite) {
        embedding_backward(&c->layer, c->R);
        return;
    }
    for (int b = 0; b < B; b++) {
        param_mark_row(&c->W, c->idx[b]);
        memcpy(c->W.grad.data + (size_t)c->idx[b] * H, c->R + (size_t)b * H, H * sizeof(float));
    }
}

/* The check of an Embedding (overwriting or not) on idx; R_out, if not NULL, gets dout (B, H). */
static GradCheckResult check_embedding(int overwrite, const int32_t *idx, float *R_out)
{
    OverwritingEmbedding c;
    memset(&c, 0, sizeof c);
    Rng rng;
    rng_seed(&rng, 7);
    param_init(&c.W, "W", 2, (const int[]){V, H}, true);
    for (int i = 0; i < V * H; i++) c.W.value.data[i] = (float)rng_normal(&rng);
    for (int i = 0; i < B * H; i++) c.R[i] = (float)rng_normal(&rng);
    memcpy(c.idx, idx, sizeof c.idx);
    embedding_init(&c.layer, &c.W);
    c.overwrite = overwrite;
    GradCheckProblem p = {.name = "Embedding", .ctx = &c, .loss = overwriting_loss,
                          .gradients = overwriting_gradients, .batch = B};
    gradcheck_add_param(&p, &c.W);
    gradcheck_set_row_ids(&p, 0, c.idx, B);
    GradCheckResult r;
    (void)gradcheck_run(&p, &r);
    if (R_out) memcpy(R_out, c.R, sizeof c.R);
    param_free(&c.W);
    return r;
}

static void test_catches_embedding_that_overwrites(void **state)
{
    (void)state;
    const int32_t repeated[B] = {3, 1, 3, 0};
    const int32_t distinct[B] = {3, 1, 2, 0};
    /* the correct backward passes */
    assert_true(check_embedding(0, repeated, NULL).pass);
    /* overwriting is harmless while the ids are distinct ... */
    assert_true(check_embedding(1, distinct, NULL).pass);
    /* ... and caught as soon as one repeats: row 3 misses dout[0] */
    float R[B * H];
    GradCheckResult r = check_embedding(1, repeated, R);
    assert_false(r.pass);
    assert_int_equal(r.worst_index / H, 3);
    assert_true(r.max_rel > 0.01);
    /* the worst element: row 3 holds dout[2] only (the last copy written), where
     * the numerical gradient is dout[0] + dout[2] */
    const size_t col = r.worst_index % H;
    assert_close(r.worst_analytic, R[2 * H + col], 0, 0);
    assert_close(r.worst_numerical, (double)R[0 * H + col] + R[2 * H + col], 1e-4, 1e-4);
    assert_int_equal(r.worst_row_hits, 2);
    assert_int_equal(r.hint, GRADCHECK_HINT_OVERWRITE);
    const char *text = printed(&r);
    char row[128];
    snprintf(row, sizeof row, "FAIL  W[3,%zu]: analytic %+.6g, numerical %+.6g\n", col,
             r.worst_analytic, r.worst_numerical);
    assert_non_null(strstr(text, row));
    assert_non_null(strstr(text, "\n  hint: row 3 of W is gathered by 2 ids of the batch, and only "
                                 "such rows are wrong: `=` instead of `+=`"));
}

/* ------------------------ the figures on a known gradient, restoring */

enum { LIN_N = 6 };

/* L(x) = sum_i c_i x_i + 0.5 x_0^2 in double; the claimed gradient has one wrong element. */
typedef struct Known {
    float x[LIN_N];
    float grad[LIN_N];
    double c[LIN_N];
} Known;

static float known_loss(void *ctx)
{
    Known *k = ctx;
    double s = 0.5 * (double)k->x[0] * k->x[0];
    for (int i = 0; i < LIN_N; i++) s += k->c[i] * k->x[i];
    return (float)s;
}

static void known_gradients(void *ctx)
{
    Known *k = ctx;
    for (int i = 0; i < LIN_N; i++) k->grad[i] = (float)k->c[i];
    k->grad[0] += k->x[0];
    k->grad[4] += 0.25f;    /* the planted error */
}

static void test_error_figures(void **state)
{
    (void)state;
    Known k = {.x = {0.5f, -1.0f, 2.0f, 0.25f, 1.5f, -0.75f},
               .c = {1.0, -2.0, 0.5, 3.0, 1.0, -1.0}};
    float saved[LIN_N];
    memcpy(saved, k.x, sizeof saved);
    GradCheckProblem p = {.name = "Known", .ctx = &k, .loss = known_loss,
                          .gradients = known_gradients};
    gradcheck_add_tensor(&p, "x", k.x, k.grad, 1, (const int[]){LIN_N});
    GradCheckResult r;
    assert_int_equal(gradcheck_run(&p, &r), 1);
    assert_false(r.pass);
    assert_int_equal(r.worst_index, 4);
    /* a = 1.25, n = 1: abs 0.25, rel 0.25 / 2.25 */
    assert_close(r.max_abs, 0.25, 2e-4, 0);
    assert_close(r.max_rel, 0.25 / 2.25, 2e-4, 0);
    assert_close(r.worst_analytic, 1.25, 1e-6, 0);
    assert_close(r.worst_numerical, 1.0, 2e-4, 0);
    assert_string_equal(r.tensor, "x");
    assert_int_equal(r.ndim, 1);
    assert_int_equal(r.shape[0], LIN_N);
    /* every value restored bit for bit */
    assert_memory_equal(k.x, saved, sizeof saved);
}

/* A NaN gradient never passes, even where the numbers cannot be compared. */
static void nan_gradients(void *ctx)
{
    Known *k = ctx;
    known_gradients(k);
    k->grad[4] = k->c[4];
    k->grad[2] = NAN;
}

static void test_nan_fails(void **state)
{
    (void)state;
    Known k = {.x = {0.5f, -1.0f, 2.0f, 0.25f, 1.5f, -0.75f},
               .c = {1.0, -2.0, 0.5, 3.0, 1.0, -1.0}};
    GradCheckProblem p = {.name = "Known", .ctx = &k, .loss = known_loss,
                          .gradients = nan_gradients};
    gradcheck_add_tensor(&p, "x", k.x, k.grad, 1, (const int[]){LIN_N});
    GradCheckResult r;
    assert_int_equal(gradcheck_run(&p, &r), 1);
    assert_false(r.pass);
}

/* The case names are unique and found again ignoring case; unknown names are not. */
static void test_case_names(void **state)
{
    (void)state;
    /* the list, in the table's order */
    const char *required[] = {"MatMul", "Affine", "Sigmoid", "Softmax", "SoftmaxWithLoss",
                              "SigmoidWithLoss", "Embedding", "EmbeddingDot",
                              "NegativeSamplingLoss", "HierarchicalSoftmaxLoss", "SimpleCBOW",
                              "SimpleSkipGram", "CBOW", "SkipGram"};
    int last = -1;
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        const int i = gradcheck_case_find(required[r]);
        assert_true(i > last);
        last = i;
    }
    for (int i = 0; i < gradcheck_case_count(); i++) {
        assert_int_equal(gradcheck_case_find(gradcheck_case_name(i)), i);
        char lower[64];
        snprintf(lower, sizeof lower, "%s", gradcheck_case_name(i));
        for (char *s = lower; *s; s++) *s = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
        assert_int_equal(gradcheck_case_find(lower), i);
    }
    assert_int_equal(gradcheck_case_find("NoSuchLayer"), -1);
    assert_int_equal(gradcheck_case_find("all"), -1);
}

/* A model problem's loss is a fixed function: the negatives are drawn once. */
static void test_model_negatives_frozen(void **state)
{
    (void)state;
    const int i = gradcheck_case_find("CBOW");
    GradCheckProblem p;
    gradcheck_case_build(i, 3, &p);
    const float first = p.loss(p.ctx);
    for (int rep = 0; rep < 5; rep++) assert_true(p.loss(p.ctx) == first);
    gradcheck_case_free(i, &p);
}

/* The same seed gives the same figures; another seed another problem. */
static void test_seed_reproducible(void **state)
{
    (void)state;
    const int i = gradcheck_case_find("SkipGram");
    GradCheckResult a[GRADCHECK_MAX_TENSORS], b[GRADCHECK_MAX_TENSORS], c[GRADCHECK_MAX_TENSORS];
    const int n = gradcheck_run_case(i, 5, a);
    assert_int_equal(gradcheck_run_case(i, 5, b), n);
    assert_int_equal(gradcheck_run_case(i, 6, c), n);
    for (int k = 0; k < n; k++) {
        assert_true(a[k].max_abs == b[k].max_abs && a[k].max_rel == b[k].max_rel);
        assert_true(a[k].max_abs != c[k].max_abs);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_figures),
        cmocka_unit_test(test_nan_fails),
        cmocka_unit_test(test_case_names),
        cmocka_unit_test(test_model_negatives_frozen),
        cmocka_unit_test(test_seed_reproducible),
        cmocka_unit_test(test_catches_embedding_that_overwrites),
        cmocka_unit_test(test_fail_row_names_worst_and_missing_1_over_b),
        cmocka_unit_test(test_hints_factor_of_b),
        cmocka_unit_test(test_every_case_passes),
        cmocka_unit_test(test_catches_one_percent_off),
    };
    return cmocka_run_group_tests_name("gradcheck", tests, NULL, NULL);
}
