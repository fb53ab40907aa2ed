/*
 * test_subword_embedding.c — fastText's character n-grams and hash
 * (layers/subword.h) and the SubwordEmbedding layer
 * (layers/subword_embedding.h): n-gram lists worked out by hand from
 * fastText's computeSubwords rules (boundary symbols, the lone "<" and ">"
 * left out, repeats kept, characters not bytes); FNV-1a values; the compact
 * table of a tiny vocabulary (rows in order of first use, shared n-grams
 * share rows, the line end has only its own row); forward = the mean by
 * hand; backward scatter-adds with repeated rows; a numerical gradient
 * check; vectors of unseen words; the refusals.
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
#include "common/rng.h"
#include "common/vocab.h"
#include "layers/subword.h"
#include "layers/subword_embedding.h"
#include "tests/testutil.h"

/* The n-grams of word as text, checked against want; also their count. */
static void check_ngrams(const char *word, int minn, int maxn, const char *want, int64_t n_want)
{
    char text[512];
    const size_t len = subword_ngrams_text(word, minn, maxn, text, sizeof text);
    assert_string_equal(text, want);
    assert_int_equal(len, strlen(want));
    assert_int_equal(subword_each_ngram(word, minn, maxn, NULL, NULL), n_want);
}

/*
 * "<where>", n = 3..6, by start position then length (fastText's order):
 * from "<": <wh <whe <wher <where; from "w": whe wher where where>;
 * from "h": her here here>; from "e": ere ere>; from "r": re>; "e>" and
 * ">" are too short. The whole "<where>" has 7 characters: out of range.
 */
static void test_ngrams_of_where(void **state)
{
    (void)state;
    check_ngrams("where", 3, 6,
                 "<wh <whe <wher <where whe wher where where> her here here> ere ere> re>", 14);
    /* the same by length: 3-grams <wh whe her ere re>, 4-grams <whe wher here ere>, ... */
    check_ngrams("where", 3, 3, "<wh whe her ere re>", 5);
    check_ngrams("where", 4, 4, "<whe wher here ere>", 4);
    check_ngrams("where", 5, 5, "<wher where here>", 3);
    check_ngrams("where", 6, 6, "<where where>", 2);
    check_ngrams("where", 7, 7, "<where>", 1);   /* the whole word counts when in range */
    check_ngrams("where", 8, 9, "", 0);
}

/* A short word: "<at>" has 4 characters, so it is its own 4-gram. */
static void test_ngrams_of_a_short_word(void **state)
{
    (void)state;
    check_ngrams("at", 3, 6, "<at <at> at>", 3);
    /* 1-grams: "a" and "t" but never the lone "<" or ">" */
    check_ngrams("at", 1, 2, "<a a at t t>", 5);
    check_ngrams("a", 1, 1, "a", 1);
}

/* A word longer than maxn: only n-grams up to maxn characters. */
static void test_ngrams_of_a_long_word(void **state)
{
    (void)state;
    check_ngrams("dictionary", 3, 4,
                 "<di <dic dic dict ict icti cti ctio tio tion ion iona ona onar nar nary ary "
                 "ary> ry>",
                 19);
}

/* Repeats stay: "aaa" occurs twice in "<aaaa>", so it is listed twice (and so is "aaaa>" once). */
static void test_ngrams_repeat(void **state)
{
    (void)state;
    check_ngrams("aaaa", 3, 6, "<aa <aaa <aaaa <aaaa> aaa aaaa aaaa> aaa aaa> aa>", 10);
    check_ngrams("aaaa", 3, 3, "<aa aaa aaa aa>", 4);
}

/* n counts characters: "é" (2 bytes) and each kanji (3 bytes) is one character. */
static void test_ngrams_of_non_ascii_words(void **state)
{
    (void)state;
    check_ngrams("café", 3, 6, "<ca <caf <café <café> caf café café> afé afé> fé>", 10);
    check_ngrams("café", 1, 2, "<c c ca a af f fé é é>", 9);
    check_ngrams("日本語", 2, 3, "<日 <日本 日本 日本語 本語 本語> 語>", 7);
}

/* Cut text: snprintf's rule (NUL-terminated, returns the whole length). */
static void test_ngrams_text_cut(void **state)
{
    (void)state;
    char text[6];
    memset(text, 'x', sizeof text);
    const size_t len = subword_ngrams_text("where", 3, 6, text, sizeof text);
    assert_int_equal(len, 71);   /* strlen of the full list of test_ngrams_of_where */
    assert_string_equal(text, "<wh <");
    assert_int_equal(subword_ngrams_text("where", 3, 6, NULL, 0), 71);
}

/*
 * FNV-1a as fastText: h = 2166136261; per byte h ^= (uint32_t)(int8_t)c;
 * h *= 16777619 (mod 2^32). Computed with this Python, bytes >= 0x80
 * taken as c - 256 and masked to 32 bits:
 *     def h(b):
 *         x = 2166136261
 *         for c in b:
 *             x ^= (c - 256 if c >= 128 else c) & 0xffffffff
 *             x = (x * 16777619) & 0xffffffff
 *         return x
 * "a" by hand: 0x811C9DC5 ^ 0x61 = 0x811C9DA4, times 0x01000193 mod 2^32
 * = 0xE40C292C = 3826002220 (the published FNV-1a of "a").
 */
static void test_hash_values(void **state)
{
    (void)state;
    assert_int_equal(subword_hash("", 0), 2166136261u);
    assert_int_equal(subword_hash("a", 1), 3826002220u);
    assert_int_equal(subword_hash("<wh", 3), 1048167652u);
    assert_int_equal(subword_hash("where", 5), 90969176u);
    assert_int_equal(subword_hash("café>", strlen("café>")), 1520761685u);
    /* "é" = C3 A9: sign-extended gives 1023043777; without the int8_t cast it would be 513665217 */
    assert_int_equal(subword_hash("é", 2), 1023043777u);
    assert_int_not_equal(subword_hash("é", 2), 513665217u);
    /* the n-gram walk hashes as it grows: the same values as hashing each n-gram */
    int32_t b[4];
    assert_int_equal(subword_ngram_buckets("where", 3, 3, 2000000, b, 4), 5);   /* room for 4 */
    assert_int_equal(b[0], (int32_t)(1048167652u % 2000000u));   /* "<wh" */
    assert_int_equal(subword_ngram_buckets("where", 3, 6, 2000000, NULL, 0), 14);
}

/* ------------------------------------------------------------- table */

/*
 * Vocabulary {0 "ab", 1 "<eos>", 2 "abb"}, n-grams of 2 characters:
 * "ab" -> <a ab b>, "abb" -> <a ab bb b>. Buckets (mod 2000000, from the
 * hashes of the Python above): <a 1008750, ab 271946, b> 1146561,
 * bb 1826565. Rows in order of first use: <a 3, ab 4, b> 5, bb 6.
 */
static void make_vocab(Vocab *v, const char *const *words, int n)
{
    vocab_init(v);
    for (int i = 0; i < n; i++) assert_int_equal(vocab_add(v, words[i]), i);
}

static const char *const small_words[] = {"ab", "<eos>", "abb"};

static void check_rows(const SubwordTable *t, int32_t w, const int32_t *want, int n)
{
    int count;
    const int32_t *rows = subword_table_word_rows(t, w, &count);
    assert_int_equal(count, n);
    assert_memory_equal(rows, want, (size_t)n * sizeof *want);
}

static void test_table_compacts_and_shares(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 2000000, &err), DLFS_OK);
    assert_int_equal(t.V, 3);
    assert_int_equal(t.n_used, 4);
    assert_int_equal(t.n_rows, 7);
    assert_int_equal(t.eos, 1);
    check_rows(&t, 0, (const int32_t[]){0, 3, 4, 5}, 4);
    check_rows(&t, 1, (const int32_t[]){1}, 1);   /* the line end: its own row only */
    check_rows(&t, 2, (const int32_t[]){2, 3, 4, 6, 5}, 5);
    const int32_t used[4] = {1008750, 271946, 1146561, 1826565};
    assert_memory_equal(t.used_buckets, used, sizeof used);
    assert_int_equal(subword_table_bucket_row(&t, 271946), 4);
    assert_int_equal(subword_table_bucket_row(&t, 1826565), 6);
    assert_int_equal(subword_table_bucket_row(&t, 5), -1);          /* unused: no row */
    assert_int_equal(subword_table_bucket_row(&t, 1999999), -1);
    subword_table_free(&t);
    assert_null(t.rows);

    /* without an eos word, "<eos>" gets its n-grams: << <e eo os s> >> (rows 6..11), bb is 12 */
    assert_int_equal(subword_table_init(&t, &v, NULL, 2, 2, 2000000, &err), DLFS_OK);
    assert_int_equal(t.eos, -1);
    check_rows(&t, 1, (const int32_t[]){1, 6, 7, 8, 9, 10, 11}, 7);
    check_rows(&t, 2, (const int32_t[]){2, 3, 4, 12, 5}, 5);
    subword_table_free(&t);
    vocab_free(&v);
}

/* One bucket: every n-gram shares it, so one n-gram row, listed once per n-gram. */
static void test_table_one_bucket(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 1, &err), DLFS_OK);
    assert_int_equal(t.n_used, 1);
    assert_int_equal(t.n_rows, 4);
    check_rows(&t, 0, (const int32_t[]){0, 3, 3, 3}, 4);
    check_rows(&t, 2, (const int32_t[]){2, 3, 3, 3, 3}, 5);
    subword_table_free(&t);
    vocab_free(&v);
}

/* W[r] = (r, -2r): a row's values name it. */
static void make_w(Param *W, int rows)
{
    param_init(W, "W", 2, (const int[]){rows, 2}, true);
    for (int r = 0; r < rows; r++) {
        W->value.data[2 * r] = (float)r;
        W->value.data[2 * r + 1] = (float)(-2 * r);
    }
}

/*
 * Forward, the mean by hand: "abb" rows 2 3 4 6 5 -> (20/5, -40/5) =
 * (4, -8); -1 -> zeros; "ab" rows 0 3 4 5 -> (12/4, -24/4) = (3, -6);
 * "<eos>" row 1 -> (1, -2).
 */
static void test_forward_is_the_mean(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 2000000, &err), DLFS_OK);
    Param W;
    make_w(&W, t.n_rows);
    SubwordEmbedding e;
    subword_embedding_init(&e, &W, &t);
    const int32_t idx[4] = {2, -1, 0, 1};
    float out[8];
    memset(out, 0xff, sizeof out);
    subword_embedding_forward(&e, out, idx, 4);
    const float want[8] = {4, -8, 0, 0, 3, -6, 1, -2};
    assert_close_array(out, want, 8, 1e-6, 0.0);
    assert_int_equal(e.N, 4);
    assert_int_equal(W.n_touched, 0);   /* forward writes no gradient */
    param_free(&W);
    subword_table_free(&t);
    vocab_free(&v);
}

/*
 * Backward, idx {0, 2, 0} with dout rows d0 (1, 2), d1 (5, 10), d2 (3, -1):
 * "ab" has 4 rows, "abb" 5. Row 0 ("ab"): (d0 + d2)/4 = (1, 0.25); row 2
 * ("abb"): d1/5 = (1, 2); rows 3, 4, 5 (<a ab b>, in both words):
 * (d0 + d2)/4 + d1/5 = (2, 2.25); row 6 (bb): d1/5 = (1, 2); row 1: 0.
 */
static void test_backward_scatter_adds(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 2000000, &err), DLFS_OK);
    Param W;
    make_w(&W, t.n_rows);
    SubwordEmbedding e;
    subword_embedding_init(&e, &W, &t);
    const int32_t idx[3] = {0, 2, 0};
    float out[6];
    subword_embedding_forward(&e, out, idx, 3);
    const float dout[6] = {1, 2, 5, 10, 3, -1};
    subword_embedding_backward(&e, dout);
    const float want[14] = {1, 0.25f, 0, 0, 1, 2, 2, 2.25f, 2, 2.25f, 2, 2.25f, 1, 2};
    assert_close_array(W.grad.data, want, 14, 1e-6, 0.0);
    assert_int_equal(W.n_touched, 6);   /* every row but the line end's */
    /* a second backward adds again */
    subword_embedding_backward(&e, dout);
    for (int i = 0; i < 14; i++) assert_close(W.grad.data[i], 2.0 * want[i], 1e-6, 0.0);
    param_free(&W);
    subword_table_free(&t);
    vocab_free(&v);
}

/*
 * "aaaa" with 3-grams: <aa aaa aaa aa>, buckets mod 10: 5 0 0 3, so rows
 * 0 (the word), 1 (bucket 5), 2 (bucket 0) twice, 3 (bucket 3). dout
 * (5, 10) over 5 rows: rows 0, 1, 3 get (1, 2), row 2 gets it twice, (2, 4).
 */
static void test_backward_repeated_row_within_a_word(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, (const char *const[]){"aaaa"}, 1);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 3, 3, 10, &err), DLFS_OK);
    check_rows(&t, 0, (const int32_t[]){0, 1, 2, 2, 3}, 5);
    assert_memory_equal(t.used_buckets, ((const int32_t[]){5, 0, 3}), 3 * sizeof(int32_t));
    Param W;
    make_w(&W, t.n_rows);
    SubwordEmbedding e;
    subword_embedding_init(&e, &W, &t);
    float out[2];
    const int32_t idx[1] = {0};
    subword_embedding_forward(&e, out, idx, 1);
    /* rows 0 1 2 2 3: (8/5, -16/5) */
    assert_close_array(out, (const float[]){1.6f, -3.2f}, 2, 1e-6, 0.0);
    subword_embedding_backward(&e, (const float[]){5, 10});
    assert_close_array(W.grad.data, (const float[]){1, 2, 1, 2, 2, 4, 1, 2}, 8, 1e-6, 0.0);
    param_free(&W);
    subword_table_free(&t);
    vocab_free(&v);
}

/* ------------------------------------------------- gradient check */

enum { GC_H = 3, GC_N = 6 };

typedef struct GradCase {
    SubwordEmbedding layer;
    int32_t idx[GC_N];
    float out[GC_N * GC_H];
    float R[GC_N * GC_H];
} GradCase;

static double grad_case_loss(void *ctx)
{
    GradCase *c = ctx;
    subword_embedding_forward(&c->layer, c->out, c->idx, GC_N);
    double s = 0.0;
    for (int i = 0; i < GC_N * GC_H; i++) s += (double)c->R[i] * c->out[i];
    return s;
}

/* Numerical vs analytic on words sharing n-grams, 20 buckets (collisions), a repeated id and a -1. */
static void test_gradient_check(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, (const char *const[]){"where", "here", "<eos>", "her"}, 4);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 4, 20, &err), DLFS_OK);
    Param W;
    param_init(&W, "W", 2, (const int[]){t.n_rows, GC_H}, true);
    Rng rng;
    rng_seed(&rng, 7);
    for (size_t i = 0; i < W.value.size; i++) W.value.data[i] = (float)rng_normal(&rng);
    GradCase c = {.idx = {0, 1, 3, 0, -1, 2}};
    for (int i = 0; i < GC_N * GC_H; i++) c.R[i] = (float)rng_normal(&rng);
    subword_embedding_init(&c.layer, &W, &t);
    (void)grad_case_loss(&c);
    subword_embedding_backward(&c.layer, c.R);
    assert_true(gradient_check_float32(W.value.data, W.grad.data, W.value.size, grad_case_loss,
                                       &c) <= 1.0);
    /* and it would catch the sum instead of the mean (fastText's update): every row times c */
    float *wrong = malloc(W.grad.size * sizeof *wrong);
    memset(wrong, 0, W.grad.size * sizeof *wrong);
    for (int n = 0; n < GC_N; n++) {
        if (c.idx[n] < 0) continue;
        int count;
        const int32_t *rows = subword_table_word_rows(&t, c.idx[n], &count);
        for (int k = 0; k < count; k++)
            for (int i = 0; i < GC_H; i++) wrong[rows[k] * GC_H + i] += c.R[n * GC_H + i];
    }
    assert_true(gradient_check_float32(W.value.data, wrong, W.value.size, grad_case_loss, &c) >
                1.0);
    free(wrong);
    param_free(&W);
    subword_table_free(&t);
    vocab_free(&v);
}

/* -------------------------------------------------- unseen words */

static void test_word_vectors(void **state)
{
    (void)state;
    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    DlfsError err;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 2000000, &err), DLFS_OK);
    Param W;
    make_w(&W, t.n_rows);
    float out[2];
    /* a vocabulary word: its row list, as forward */
    assert_int_equal(subword_word_vector(&t, &v, W.value.data, 2, "abb", out), 5);
    assert_close_array(out, (const float[]){4, -8}, 2, 1e-6, 0.0);
    /* unseen "abbb": <a ab bb bb b> -> rows 3 4 6 6 5, no own row: (24/5, -48/5) */
    assert_int_equal(subword_word_vector(&t, &v, W.value.data, 2, "abbb", out), 5);
    assert_close_array(out, (const float[]){4.8f, -9.6f}, 2, 1e-6, 0.0);
    /* unseen "bab": <b ba ab b> -> only ab (4) and b> (5) have rows: (4.5, -9) */
    assert_int_equal(subword_word_vector(&t, &v, W.value.data, 2, "bab", out), 2);
    assert_close_array(out, (const float[]){4.5f, -9}, 2, 1e-6, 0.0);
    /* nothing known: no vector, zeros */
    out[0] = out[1] = 7;
    assert_int_equal(subword_word_vector(&t, &v, W.value.data, 2, "zz", out), 0);
    assert_close_array(out, (const float[]){0, 0}, 2, 0.0, 0.0);
    /* no vocabulary: "ab" is then unseen, its n-grams only: rows 3 4 5 */
    assert_int_equal(subword_word_vector(&t, NULL, W.value.data, 2, "ab", out), 3);
    assert_close_array(out, (const float[]){4, -8}, 2, 1e-6, 0.0);
    param_free(&W);
    subword_table_free(&t);
    vocab_free(&v);
}

/* ----------------------------------------------------- refusals */

static void test_refusals(void **state)
{
    (void)state;
    DlfsError err;
    assert_int_equal(subword_check_settings(3, 6, 2000000, &err), DLFS_OK);
    assert_int_equal(subword_check_settings(0, 6, 100, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "at least 1 character");
    assert_int_equal(subword_check_settings(6, 3, 100, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "subword range 6-3 is reversed or empty");
    assert_int_equal(subword_check_settings(3, 6, 0, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "buckets 0");
    assert_int_equal(subword_check_settings(3, 6, (int64_t)INT32_MAX + 1, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "buckets 2147483648: at most 2147483647");
    assert_int_equal(subword_check_settings(3, 6, INT32_MAX, &err), DLFS_OK);

    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 4, 2, 100, &err), DLFS_ERR_ARG);
    assert_null(t.offsets);   /* nothing allocated */
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 0, &err), DLFS_ERR_ARG);
    assert_null(t.rows);
    subword_table_free(&t);   /* safe on the zeroed table */

    /* the matrix budget: 7 rows x 100 floats = 2800 bytes */
    assert_int_equal(subword_table_init(&t, &v, "<eos>", 2, 2, 2000000, &err), DLFS_OK);
    assert_int_equal(subword_table_check_memory(&t, 100, 2800, &err), DLFS_OK);
    assert_int_equal(subword_table_check_memory(&t, 100, 2799, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "3 words + 4 buckets = 7 rows x 100 floats needs 2800 bytes");
    assert_int_equal(subword_table_check_memory(&t, 100, UINT64_MAX, &err), DLFS_OK);
    subword_table_free(&t);
    vocab_free(&v);
}

/* --------------------------------------------------- contract aborts */

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

static void layer_with(void (*body)(SubwordEmbedding *e), int w_rows)
{
    Vocab v;
    make_vocab(&v, small_words, 3);
    SubwordTable t;
    DlfsError err;
    if (subword_table_init(&t, &v, "<eos>", 2, 2, 2000000, &err) != DLFS_OK) _exit(3);
    Param W;
    make_w(&W, w_rows);
    SubwordEmbedding e;
    subword_embedding_init(&e, &W, &t);
    body(&e);
}

static void forward_bad_id(SubwordEmbedding *e)
{
    float out[4];
    subword_embedding_forward(e, out, (const int32_t[]){0, 3}, 2);
}

static void backward_first(SubwordEmbedding *e) { subword_embedding_backward(e, (const float[]){1, 1}); }
static void nothing(SubwordEmbedding *e) { (void)e; }

static void id_out_of_range(void) { layer_with(forward_bad_id, 7); }
static void backward_before_forward(void) { layer_with(backward_first, 7); }
static void matrix_of_wrong_rows(void) { layer_with(nothing, 6); }

static void test_contract_violations_abort(void **state)
{
    (void)state;
    expect_abort(id_out_of_range);
    expect_abort(backward_before_forward);
    expect_abort(matrix_of_wrong_rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ngrams_of_where),
        cmocka_unit_test(test_ngrams_of_a_short_word),
        cmocka_unit_test(test_ngrams_of_a_long_word),
        cmocka_unit_test(test_ngrams_repeat),
        cmocka_unit_test(test_ngrams_of_non_ascii_words),
        cmocka_unit_test(test_ngrams_text_cut),
        cmocka_unit_test(test_hash_values),
        cmocka_unit_test(test_table_compacts_and_shares),
        cmocka_unit_test(test_table_one_bucket),
        cmocka_unit_test(test_forward_is_the_mean),
        cmocka_unit_test(test_backward_scatter_adds),
        cmocka_unit_test(test_backward_repeated_row_within_a_word),
        cmocka_unit_test(test_gradient_check),
        cmocka_unit_test(test_word_vectors),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_contract_violations_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
