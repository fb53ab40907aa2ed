/*
 * test_util.c — the textbook's helpers (common/util.h; common/util.py):
 * preprocess, create_contexts_target, create_co_matrix, ppmi,
 * convert_one_hot, cos_similarity, normalize, most_similar and analogy on
 * the textbook's sentence and on hand-made embeddings whose answers are
 * known.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "common/rng.h"
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

/*
 * create_contexts_target_rows makes create_contexts_target's rows on demand: two
 * rows of window 2 of the textbook's sentence worked out by hand, then, on
 * a 23-word corpus for windows 1 to 4, every minibatch of 4 rows of a
 * shuffled permutation (the last one short) equals the arrays' rows at
 * those indices; create_contexts_target_count says how many rows there are and
 * fails as create_contexts_target does.
 */
static void test_contexts_target_rows(void **state)
{
    (void)state;
    const int32_t sentence8[8] = {0, 1, 2, 3, 4, 1, 5, 6};
    /* pair 3 is corpus[3 .. 7] = 3 4 [1] 5 6; pair 0 is 0 1 [2] 3 4 */
    const int32_t rows2[2] = {3, 0};
    int32_t c2[8], t2[2];
    create_contexts_target_rows(sentence8, 8, 2, rows2, 2, c2, t2);
    const int32_t expect_c2[8] = {3, 4, 5, 6, 0, 1, 3, 4};
    const int32_t expect_t2[2] = {1, 2};
    assert_memory_equal(c2, expect_c2, sizeof expect_c2);
    assert_memory_equal(t2, expect_t2, sizeof expect_t2);

    enum { N = 23, B = 4 };
    int32_t corpus[N];
    for (int i = 0; i < N; i++) corpus[i] = (i * 7 + 3) % 11;   /* repeated ids, no pattern of period 2w */
    for (int w = 1; w <= 4; w++) {
        DlfsError err = {0};
        size_t n = 0;
        assert_int_equal(create_contexts_target_count(N, w, &n, &err), DLFS_OK);
        assert_int_equal(n, N - 2 * w);
        Int32Array contexts, target;
        assert_int_equal(create_contexts_target(corpus, N, w, &contexts, &target, &err), DLFS_OK);
        assert_int_equal(target.size, n);
        int32_t perm[N];
        for (size_t i = 0; i < n; i++) perm[i] = (int32_t)i;
        Rng rng;
        rng_seed(&rng, 100 + (uint64_t)w);
        rng_shuffle_int32(&rng, perm, n);
        const size_t width = 2 * (size_t)w;
        int32_t bc[B * 8], bt[B];
        size_t batches = 0, last = 0;
        for (size_t start = 0; start < n; start += B, batches++) {
            last = n - start < B ? n - start : B;
            for (size_t k = 0; k < B * width; k++) bc[k] = -1;
            create_contexts_target_rows(corpus, N, w, perm + start, last, bc, bt);
            for (size_t k = 0; k < last; k++) {
                assert_memory_equal(bc + k * width, contexts.data + (size_t)perm[start + k] * width,
                                    width * sizeof(int32_t));
                assert_int_equal(bt[k], target.data[perm[start + k]]);
                assert_int_equal(bt[k], corpus[perm[start + k] + w]);
            }
            for (size_t k = last * width; k < B * width; k++) assert_int_equal(bc[k], -1);  /* untouched */
        }
        assert_int_equal(batches, (n + B - 1) / B);
        assert_true(last < B);   /* 21, 19, 17, 15 rows: the last minibatch is short every time */
        int32_array_free(&contexts);
        int32_array_free(&target);
    }

    /* the count's errors are create_contexts_target's, word for word */
    for (int w = -1; w <= 5; w += 6) {
        DlfsError e1 = {0}, e2 = {0};
        size_t n = 99;
        Int32Array contexts, target;
        const size_t size = w < 0 ? 8 : 10;   /* window -1; window 5 needs more than 10 words */
        assert_int_equal(create_contexts_target_count(size, w, &n, &e1), DLFS_ERR_ARG);
        assert_int_equal(n, 0);
        assert_int_equal(create_contexts_target(corpus, size, w, &contexts, &target, &e2), DLFS_ERR_ARG);
        assert_string_equal(e1.msg, e2.msg);
    }
    DlfsError err = {0};
    size_t n = 0;
    assert_int_equal(create_contexts_target_count(11, 5, &n, &err), DLFS_OK);
    assert_int_equal(n, 1);
}

/* "you say goodbye and i say hello ." as ids (see test_preprocess_textbook_sentence). */
static const int32_t sentence[8] = {0, 1, 2, 3, 4, 1, 5, 6};

/*
 * Window 1: the textbook's §2.3.4 matrix. Rows/columns are you, say,
 * goodbye, and, i, hello, '.'; e.g. "say" (at 1 and 5) has you, goodbye
 * (around position 1) and i, hello (around 5).
 */
static void test_co_matrix_window1(void **state)
{
    (void)state;
    const int32_t expect[7 * 7] = {
        0, 1, 0, 0, 0, 0, 0,
        1, 0, 1, 0, 1, 1, 0,
        0, 1, 0, 1, 0, 0, 0,
        0, 0, 1, 0, 1, 0, 0,
        0, 1, 0, 1, 0, 0, 0,
        0, 1, 0, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 1, 0,
    };
    int32_t C[7 * 7];
    for (int k = 0; k < 49; k++) C[k] = -5;   /* overwritten, not added to */
    create_co_matrix(sentence, 8, 7, 1, C);
    assert_memory_equal(C, expect, sizeof expect);
}

/*
 * Window 2. "say" at 1 sees you, goodbye, and; at 5 it sees and, i, hello,
 * '.': row say = (1, 0, 1, 2, 1, 1, 1). Every position counts the
 * neighbours inside the corpus: 2 + 3 + 4 * 4 + 3 + 2 = 26 in all.
 * A window wider than the corpus counts every ordered pair of positions
 * once: 8 * 7 = 56, and "say" co-occurs with itself twice. Window 0: zeros.
 */
static void test_co_matrix_wider_windows(void **state)
{
    (void)state;
    int32_t C[7 * 7];
    create_co_matrix(sentence, 8, 7, 2, C);
    const int32_t say[7] = {1, 0, 1, 2, 1, 1, 1};
    assert_memory_equal(C + 7, say, sizeof say);
    long total = 0;
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            total += C[i * 7 + j];
            assert_int_equal(C[i * 7 + j], C[j * 7 + i]);   /* symmetric */
        }
    assert_int_equal(total, 26);

    create_co_matrix(sentence, 8, 7, 10, C);
    total = 0;
    for (int k = 0; k < 49; k++) total += C[k];
    assert_int_equal(total, 56);
    assert_int_equal(C[1 * 7 + 1], 2);
    assert_int_equal(C[0 * 7 + 1], 2);   /* you-say: both "say"s */
    assert_int_equal(C[0 * 7 + 0], 0);

    create_co_matrix(sentence, 8, 7, 0, C);
    for (int k = 0; k < 49; k++) assert_int_equal(C[k], 0);
}

/*
 * PPMI of the window-1 matrix (the textbook's §2.4.1 printout, to 3
 * decimals: 1.807, 0.807, 2.807). N = 14; the column sums are
 * S = (1, 4, 2, 2, 2, 2, 1). By hand:
 *   you-say     log2(1 * 14 / (4 * 1)) = log2(3.5)  = 1.8073549
 *   say-goodbye log2(1 * 14 / (2 * 4)) = log2(1.75) = 0.8073549
 *   goodbye-and log2(1 * 14 / (2 * 2)) = log2(3.5)  = 1.8073549
 *   hello-.     log2(1 * 14 / (1 * 2)) = log2(7)    = 2.8073549
 * and a zero count gives log2(1e-8) < 0, so 0.
 */
static void test_ppmi_textbook(void **state)
{
    (void)state;
    int32_t C[7 * 7];
    create_co_matrix(sentence, 8, 7, 1, C);
    float M[7 * 7];
    for (int k = 0; k < 49; k++) M[k] = -1.0f;
    ppmi(C, 7, M, 1e-8f);
    const float a = 1.8073549f, b = 0.8073549f, c = 2.8073549f;
    const float expect[7 * 7] = {
        0, a, 0, 0, 0, 0, 0,
        a, 0, b, 0, b, b, 0,
        0, b, 0, a, 0, 0, 0,
        0, 0, a, 0, a, 0, 0,
        0, b, 0, a, 0, 0, 0,
        0, b, 0, 0, 0, 0, c,
        0, 0, 0, 0, 0, c, 0,
    };
    assert_close_array(M, expect, 49, 1e-6, 0);
}

/*
 * C = [[4, 1, 0], [1, 1, 0], [0, 0, 0]]: N = 7, S = (5, 2, 0).
 *   M[0, 0] = log2(4 * 7 / 25) = log2(1.12) = 0.1634987
 *   M[0, 1] = log2(1 * 7 / 10) = log2(0.7) = -0.515 < 0, so 0
 *   M[1, 1] = log2(1 * 7 / 4) = log2(1.75) = 0.8073549
 *   row and column 2: S = 0, NumPy's 0/0 = nan, max(0, nan) = 0 (no NaN)
 * With eps = 1 the eps is inside the log: M[0, 1] = log2(0.7 + 1) = 0.7655347.
 *
 * S is the column sums, as the textbook's np.sum(C, axis=0), which matters
 * only for a C that is not symmetric: C = [[0, 2, 0], [0, 0, 1], [3, 0, 0]],
 * N = 6, S = (3, 2, 1) (the row sums would be (2, 1, 3)):
 *   M[0, 1] = log2(2 * 6 / (2 * 3)) = 1        (row sums: log2(6))
 *   M[1, 2] = log2(1 * 6 / (1 * 2)) = log2(3) = 1.5849625
 *   M[2, 0] = log2(3 * 6 / (3 * 1)) = log2(6) = 2.5849625
 */
static void test_ppmi_clipping_and_empty_word(void **state)
{
    (void)state;
    const int32_t C[9] = {4, 1, 0, 1, 1, 0, 0, 0, 0};
    float M[9];
    ppmi(C, 3, M, 1e-8f);
    const float expect[9] = {0.1634987f, 0, 0, 0, 0.8073549f, 0, 0, 0, 0};
    assert_close_array(M, expect, 9, 1e-6, 0);
    for (int k = 0; k < 9; k++) assert_false(isnan(M[k]));
    ppmi(C, 3, M, 1.0f);
    assert_close(M[1], 0.7655347, 1e-6, 0);
    assert_close(M[3], 0.7655347, 1e-6, 0);
    assert_close(M[4], log2(2.75), 1e-6, 0);
    assert_true(M[8] == 0.0f);

    const int32_t D[9] = {0, 2, 0, 0, 0, 1, 3, 0, 0};
    ppmi(D, 3, M, 1e-8f);
    const float expect_d[9] = {0, 1.0f, 0, 0, 0, 1.5849625f, 2.5849625f, 0, 0};
    assert_close_array(M, expect_d, 9, 1e-6, 0);
}

/* One-hot rows of the corpus (8,) and of the window-1 contexts (6, 2) -> (6, 2, 7). */
static void test_convert_one_hot(void **state)
{
    (void)state;
    int32_t oh[12 * 7];
    for (int k = 0; k < 12 * 7; k++) oh[k] = 9;   /* overwritten */
    convert_one_hot(sentence, 8, 7, oh);
    for (int r = 0; r < 8; r++) {
        int ones = 0;
        for (int j = 0; j < 7; j++) {
            assert_true(oh[r * 7 + j] == 0 || oh[r * 7 + j] == 1);
            ones += oh[r * 7 + j];
        }
        assert_int_equal(ones, 1);
        assert_int_equal(oh[r * 7 + sentence[r]], 1);
    }
    const int32_t say_row[7] = {0, 1, 0, 0, 0, 0, 0};
    assert_memory_equal(oh + 5 * 7, say_row, sizeof say_row);   /* position 5 is "say" */
    assert_int_equal(oh[8 * 7], 9);   /* nothing written past n * V */

    /* contexts (6, 2) flattened: element [2][1] is row 5 and holds id 4 ("i") */
    const int32_t contexts[12] = {0, 2, 1, 3, 2, 4, 3, 1, 4, 5, 1, 6};
    convert_one_hot(contexts, 12, 7, oh);
    const int32_t i_row[7] = {0, 0, 0, 0, 1, 0, 0};
    assert_memory_equal(oh + (2 * 2 + 1) * 7, i_row, sizeof i_row);
    long total = 0;
    for (int k = 0; k < 12 * 7; k++) total += oh[k];
    assert_int_equal(total, 12);
    assert_int_equal(oh[11 * 7 + 6], 1);   /* last context id: '.' */
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
        cmocka_unit_test(test_contexts_target_rows),
        cmocka_unit_test(test_co_matrix_window1),
        cmocka_unit_test(test_co_matrix_wider_windows),
        cmocka_unit_test(test_ppmi_textbook),
        cmocka_unit_test(test_ppmi_clipping_and_empty_word),
        cmocka_unit_test(test_convert_one_hot),
        cmocka_unit_test(test_cos_similarity),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_most_similar),
        cmocka_unit_test(test_most_similar_skips_nan),
        cmocka_unit_test(test_analogy),
        cmocka_unit_test(test_analogy_rows_not_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
