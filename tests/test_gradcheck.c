/*
 * test_gradcheck.c — the gradient checker (gradcheck/gradcheck.h) and its
 * cases (gradcheck/cases.h): every layer and model passes for many seeds;
 * the checker catches a backward that is 1% off and an Embedding backward
 * that overwrites instead of adding for repeated ids; its error figures
 * are right on a function whose gradient is known exactly; values are
 * restored bit for bit; model checks freeze the negatives.
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

static GradCheckResult check_embedding(int overwrite, const int32_t *idx)
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
                          .gradients = overwriting_gradients};
    gradcheck_add_param(&p, &c.W);
    GradCheckResult r;
    (void)gradcheck_run(&p, &r);
    param_free(&c.W);
    return r;
}

static void test_catches_embedding_that_overwrites(void **state)
{
    (void)state;
    const int32_t repeated[B] = {3, 1, 3, 0};
    const int32_t distinct[B] = {3, 1, 2, 0};
    /* the correct backward passes */
    assert_true(check_embedding(0, repeated).pass);
    /* overwriting is harmless while the ids are distinct ... */
    assert_true(check_embedding(1, distinct).pass);
    /* ... and caught as soon as one repeats: row 3 misses dout[0] */
    GradCheckResult r = check_embedding(1, repeated);
    assert_false(r.pass);
    assert_int_equal(r.worst_index / H, 3);
    assert_true(r.max_rel > 0.01);
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
        cmocka_unit_test(test_every_case_passes),
        cmocka_unit_test(test_catches_one_percent_off),
    };
    return cmocka_run_group_tests_name("gradcheck", tests, NULL, NULL);
}
