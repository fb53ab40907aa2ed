/*
 * test_util.c — the textbook's helpers (common/util.h; common/util.py):
 * preprocess, create_contexts_target, cos_similarity, normalize,
 * most_similar and analogy on the textbook's sentence and on hand-made
 * embeddings whose answers are known.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "common/status.h"
#include "common/tensor.h"
#include "common/util.h"
#include "common/vocab.h"
#include "tests/testutil.h"

static const char *const text = "You say goodbye and I say hello.";

static void test_preprocess_textbook_sentence(void **state)
{
    (void)state;
    Int32Array corpus;
    Vocab vocab;
    vocab_init(&vocab);
    DlfsError err = {0};
    assert_int_equal(preprocess(text, &corpus, &vocab, &err), DLFS_OK);
    const int32_t expect[8] = {0, 1, 2, 3, 4, 1, 5, 6};
    assert_int_equal(corpus.size, 8);
    assert_memory_equal(corpus.data, expect, sizeof expect);
    const char *words[7] = {"you", "say", "goodbye", "and", "i", "hello", "."};
    assert_int_equal(vocab.size, 7);
    for (int32_t i = 0; i < 7; i++) {
        assert_string_equal(vocab_word(&vocab, i), words[i]);
        assert_int_equal(vocab_get(&vocab, words[i]), i);
    }
    assert_int_equal(vocab_get(&vocab, "You"), -1);   /* lower-cased */
    assert_int_equal(vocab_get(&vocab, "hello."), -1);  /* '.' split off */
    int32_array_free(&corpus);

    /* a second text extends the same vocabulary, ids in order of first appearance */
    assert_int_equal(preprocess("  Hello\tworld.\nSAY\n", &corpus, &vocab, &err), DLFS_OK);
    const int32_t expect2[4] = {5, 7, 6, 1};
    assert_int_equal(corpus.size, 4);
    assert_memory_equal(corpus.data, expect2, sizeof expect2);
    assert_int_equal(vocab.size, 8);
    assert_string_equal(vocab_word(&vocab, 7), "world");
    int32_array_free(&corpus);
    vocab_free(&vocab);
}

static void test_preprocess_no_words(void **state)
{
    (void)state;
    Int32Array corpus;
    Vocab vocab;
    vocab_init(&vocab);
    DlfsError err = {0};
    assert_int_equal(preprocess("", &corpus, &vocab, &err), DLFS_ERR_FORMAT);
    assert_int_equal(err.status, DLFS_ERR_FORMAT);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(preprocess(" \t\n ", &corpus, &vocab, &err), DLFS_ERR_FORMAT);
    assert_int_equal(vocab.size, 0);
    /* a lone '.' is a word, as in the textbook */
    assert_int_equal(preprocess(".", &corpus, &vocab, &err), DLFS_OK);
    assert_int_equal(corpus.size, 1);
    assert_string_equal(vocab_word(&vocab, 0), ".");
    int32_array_free(&corpus);
    vocab_free(&vocab);
}

static void test_contexts_target_window1(void **state)
{
    (void)state;
    const int32_t corpus[8] = {0, 1, 2, 3, 4, 1, 5, 6};
    Int32Array contexts, target;
    DlfsError err = {0};
    assert_int_equal(create_contexts_target(corpus, 8, 1, &contexts, &target, &err), DLFS_OK);
    /* the textbook's §3.3.1 output */
    const int32_t expect_c[12] = {0, 2, 1, 3, 2, 4, 3, 1, 4, 5, 1, 6};
    const int32_t expect_t[6] = {1, 2, 3, 4, 1, 5};
    assert_int_equal(contexts.size, 12);
    assert_int_equal(target.size, 6);
    assert_memory_equal(contexts.data, expect_c, sizeof expect_c);
    assert_memory_equal(target.data, expect_t, sizeof expect_t);
    int32_array_free(&contexts);
    int32_array_free(&target);
}

static void test_contexts_target_window2_and_errors(void **state)
{
    (void)state;
    const int32_t corpus[8] = {0, 1, 2, 3, 4, 1, 5, 6};
    Int32Array contexts, target;
    DlfsError err = {0};
    assert_int_equal(create_contexts_target(corpus, 8, 2, &contexts, &target, &err), DLFS_OK);
    const int32_t expect_c[16] = {0, 1, 3, 4, 1, 2, 4, 1, 2, 3, 1, 5, 3, 4, 5, 6};
    const int32_t expect_t[4] = {2, 3, 4, 1};
    assert_int_equal(contexts.size, 16);
    assert_int_equal(target.size, 4);
    assert_memory_equal(contexts.data, expect_c, sizeof expect_c);
    assert_memory_equal(target.data, expect_t, sizeof expect_t);
    int32_array_free(&contexts);
    int32_array_free(&target);

    /* window 3 leaves 2 rows; window 4 needs more than 8 words */
    assert_int_equal(create_contexts_target(corpus, 8, 3, &contexts, &target, &err), DLFS_OK);
    assert_int_equal(target.size, 2);
    int32_array_free(&contexts);
    int32_array_free(&target);
    assert_int_equal(create_contexts_target(corpus, 8, 4, &contexts, &target, &err), DLFS_ERR_ARG);
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_true(strlen(err.msg) > 0);
    assert_int_equal(create_contexts_target(corpus, 8, 100, &contexts, &target, &err), DLFS_ERR_ARG);
    assert_int_equal(create_contexts_target(corpus, 8, 0, &contexts, &target, &err), DLFS_ERR_ARG);
    assert_int_equal(create_contexts_target(corpus, 8, -1, &contexts, &target, NULL), DLFS_ERR_ARG);
}

static void test_cos_similarity(void **state)
{
    (void)state;
    const float a[2] = {3, 4}, b[2] = {4, 3}, c[2] = {-4, 3}, d[2] = {-6, -8}, zero[2] = {0, 0};
    assert_close(cos_similarity(a, b, 2, 1e-8f), 24.0 / 25.0, 1e-6, 0);
    assert_close(cos_similarity(a, c, 2, 1e-8f), 0.0, 1e-7, 0);
    assert_close(cos_similarity(a, d, 2, 1e-8f), -1.0, 1e-6, 0);
    assert_close(cos_similarity(a, a, 2, 1e-8f), 1.0, 1e-6, 0);
    /* eps is added to each norm: 24 / ((5 + 1)(5 + 1)) */
    assert_close(cos_similarity(a, b, 2, 1.0f), 24.0 / 36.0, 1e-6, 0);
    /* a zero vector gives 0 / (eps (5 + eps)) = 0, not NaN */
    const float s = cos_similarity(zero, a, 2, 1e-8f);
    assert_false(isnan(s));
    assert_true(s == 0.0f);
    assert_true(cos_similarity(zero, zero, 2, 1e-8f) == 0.0f);
}

static void test_normalize(void **state)
{
    (void)state;
    float x[9] = {1, 2, 2, 0, -3, 4, 0, 0, 0};
    normalize(x, 3, 3);
    const float expect[6] = {1.0f / 3, 2.0f / 3, 2.0f / 3, 0, -0.6f, 0.8f};
    assert_close_array(x, expect, 6, 1e-7, 0);
    /* a zero row becomes NaN, as NumPy's 0 / 0 */
    for (int k = 6; k < 9; k++) assert_true(isnan(x[k]));
}

/* Builds a vocabulary of n words in order. */
static void make_vocab(Vocab *v, const char *const *words, int n)
{
    vocab_init(v);
    for (int i = 0; i < n; i++) assert_int_equal(vocab_add(v, words[i]), i);
}

/*
 * Query "q" = (1, 0). Cosines: same (2, 0) 1; near (1, 0.1) 0.995;
 * diag (1, 1) and diag2 (1, 1) 0.707 (a tie: lower id first); up (0, 1) 0;
 * back (-1, 0) -1.
 */
static void test_most_similar(void **state)
{
    (void)state;
    const char *const words[7] = {"diag", "back", "q", "up", "near", "same", "diag2"};
    const float m[7 * 2] = {1, 1, -1, 0, 1, 0, 0, 1, 1, 0.1f, 2, 0, 1, 1};
    Vocab v;
    make_vocab(&v, words, 7);
    SimilarWord out[10];
    DlfsError err = {0};
    int n = most_similar("q", &v, m, 7, 2, 3, out, &err);
    assert_int_equal(n, 3);
    assert_int_equal(out[0].id, 5);
    assert_int_equal(out[1].id, 4);
    assert_int_equal(out[2].id, 0);
    assert_close(out[0].similarity, 1.0, 1e-6, 0);
    assert_close(out[1].similarity, 1.0 / sqrt(1.01), 1e-6, 0);
    assert_close(out[2].similarity, sqrt(0.5), 1e-6, 0);

    /* top larger than V - 1: everything but the query, best first */
    n = most_similar("q", &v, m, 7, 2, 10, out, &err);
    assert_int_equal(n, 6);
    const int32_t order[6] = {5, 4, 0, 6, 3, 1};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(out[i].id, order[i]);
        assert_int_not_equal(out[i].id, 2);
    }
    assert_close(out[5].similarity, -1.0, 1e-6, 0);

    /* another query: "up" = (0, 1): diag, diag2 0.707; near 0.0995; q, same 0 ... */
    n = most_similar("up", &v, m, 7, 2, 2, out, &err);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].id, 0);
    assert_int_equal(out[1].id, 6);

    err.msg[0] = '\0';
    assert_int_equal(most_similar("zebra", &v, m, 7, 2, 3, out, &err), DLFS_ERR_NOT_FOUND);
    assert_int_equal(err.status, DLFS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "zebra"));
    vocab_free(&v);
}

/* A NaN row (e.g. a normalised zero row) is skipped, not ranked. */
static void test_most_similar_skips_nan(void **state)
{
    (void)state;
    const char *const words[4] = {"a", "b", "c", "nan"};
    float m[4 * 2] = {1, 0, 1, 1, 0, 1, NAN, NAN};
    Vocab v;
    make_vocab(&v, words, 4);
    SimilarWord out[4];
    DlfsError err = {0};
    const int n = most_similar("a", &v, m, 4, 2, 4, out, &err);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].id, 1);
    assert_int_equal(out[1].id, 2);
    vocab_free(&v);
}

/*
 * man (1,0,0), king (1,0,1), woman (0,1,0), queen (0,1,1), prince
 * (0.9,0,0.9), apple (0,0,-1). query = normalize(king - man + woman) =
 * (0, 1, 1)/sqrt2. Scores (rows not normalised): queen 2/sqrt2 = 1.41421,
 * king and woman 0.70711 (excluded as b and c), prince 0.63640, man 0
 * (excluded as a), apple -0.70711.
 */
static void test_analogy(void **state)
{
    (void)state;
    const char *const words[6] = {"man", "king", "woman", "queen", "prince", "apple"};
    const float m[6 * 3] = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0.9f, 0, 0.9f, 0, 0, -1};
    Vocab v;
    make_vocab(&v, words, 6);
    SimilarWord out[6];
    DlfsError err = {0};
    int n = analogy("man", "king", "woman", &v, m, 6, 3, 5, out, &err);
    assert_int_equal(n, 3);   /* 6 words less a, b, c */
    assert_int_equal(out[0].id, 3);
    assert_string_equal(vocab_word(&v, out[0].id), "queen");
    assert_int_equal(out[1].id, 4);
    assert_int_equal(out[2].id, 5);
    assert_close(out[0].similarity, sqrt(2.0), 1e-6, 0);
    assert_close(out[1].similarity, 0.9 / sqrt(2.0), 1e-6, 0);
    assert_close(out[2].similarity, -sqrt(0.5), 1e-6, 0);

    n = analogy("man", "king", "woman", &v, m, 6, 3, 1, out, &err);
    assert_int_equal(n, 1);
    assert_int_equal(out[0].id, 3);

    err.msg[0] = '\0';
    assert_int_equal(analogy("man", "emperor", "woman", &v, m, 6, 3, 5, out, &err), DLFS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "emperor"));
    assert_int_equal(analogy("boy", "king", "girl", &v, m, 6, 3, 5, out, &err), DLFS_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "boy"));
    vocab_free(&v);
}

/* The rows are not normalised (the textbook's analogy): a long vector
 * pointing roughly the right way beats a short one pointing exactly. */
static void test_analogy_rows_not_normalised(void **state)
{
    (void)state;
    const char *const words[5] = {"man", "king", "woman", "queen", "giant"};
    const float m[5 * 3] = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 5, 2};
    Vocab v;
    make_vocab(&v, words, 5);
    SimilarWord out[2];
    DlfsError err = {0};
    const int n = analogy("man", "king", "woman", &v, m, 5, 3, 2, out, &err);
    assert_int_equal(n, 2);
    assert_int_equal(out[0].id, 4);              /* 7 / sqrt2 = 4.95 */
    assert_close(out[0].similarity, 7.0 / sqrt(2.0), 1e-5, 0);
    assert_int_equal(out[1].id, 3);              /* 1.414, though its cosine is 1 */
    vocab_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preprocess_textbook_sentence),
        cmocka_unit_test(test_preprocess_no_words),
        cmocka_unit_test(test_contexts_target_window1),
        cmocka_unit_test(test_contexts_target_window2_and_errors),
        cmocka_unit_test(test_cos_similarity),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_most_similar),
        cmocka_unit_test(test_most_similar_skips_nan),
        cmocka_unit_test(test_analogy),
        cmocka_unit_test(test_analogy_rows_not_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
