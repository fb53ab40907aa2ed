/*
 * test_vectors.c — word vectors in word2vec's text format
 * (datasets/vectors.h): the exact bytes written, a bit-exact save/load
 * round trip over every float32 magnitude, lenient reading (CRLF, tabs,
 * trailing spaces, no final newline, UTF-8 words), one malformed file per
 * error with its line number in the message, and saves that fail without
 * touching the file already there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datasets/vectors.h"
#include "tests/testutil.h"

#define assert_contains(hay, needle)                                                \
    do {                                                                            \
        if (!strstr((hay), (needle)))                                               \
            fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));            \
    } while (0)

/* Per test: a fresh directory, emptied and removed afterwards. */
typedef struct Fixture {
    char dir[PATH_MAX];
} Fixture;

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/dlfs2-test-vectors-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* The tests only make plain files and, in one, a directory named <file>.tmp or "sub". */
static int teardown(void **state)
{
    Fixture *f = *state;
    const char *names[] = {"v.txt", "v.txt.tmp", "bad.txt", "keep.txt", "keep.txt.tmp", "sub", "sub.tmp"};
    char path[PATH_MAX + 32];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, names[i]);
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) rmdir(path);
        else unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static const char *path_in(const Fixture *f, const char *name)
{
    static char buf[PATH_MAX + 32];
    snprintf(buf, sizeof buf, "%s/%s", f->dir, name);
    return buf;
}

static void write_file(const char *path, const char *bytes, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* The file's bytes, NUL-terminated, malloc'ed. */
static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int c;
    while ((c = getc(fp)) != EOF) {
        if (len + 1 >= cap) {
            cap = cap ? 2 * cap : 256;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        buf[len++] = (char)c;
    }
    fclose(fp);
    if (!buf) buf = malloc(1);
    assert_non_null(buf);
    buf[len] = '\0';
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static void make_vocab(Vocab *v, const char *const *words, int n)
{
    vocab_init(v);
    for (int i = 0; i < n; i++) assert_int_equal(vocab_add(v, words[i]), i);
}

/* xorshift32: the test's own deterministic randomness. */
static uint32_t next_u32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* ---- saving --------------------------------------------------------------- */

/* The exact bytes: header, one line per word, "%.9g" values, single spaces, no trailing space. */
static void test_save_exact_text(void **state)
{
    Fixture *f = *state;
    const char *words[] = {"a", "b"};
    Vocab v;
    make_vocab(&v, words, 2);
    const float W[6] = {1.0f, -2.5f, 0.1f, 0.0f, FLT_TRUE_MIN, FLT_MAX};
    DlfsError err = {0};
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", path_in(f, "v.txt"));
    assert_int_equal(vectors_save_text(path, &v, W, 2, 3, &err), DLFS_OK);
    char *text = read_text(path);
    assert_string_equal(text, "2 3\na 1 -2.5 0.100000001\nb 0 1.40129846e-45 3.40282347e+38\n");
    free(text);
    assert_false(exists(path_in(f, "v.txt.tmp")));
    vocab_free(&v);
}

/* Every bit pattern of a finite float32 comes back identical, UTF-8 words included. */
static void test_round_trip_bit_exact(void **state)
{
    Fixture *f = *state;
    enum { NV = 40, NH = 13 };
    char names[NV][16];
    const char *words[NV];
    for (int i = 0; i < NV; i++) {
        snprintf(names[i], sizeof names[i], "w%d", i);
        words[i] = names[i];
    }
    words[3] = "na\xc3\xafve";        /* naïve */
    words[4] = "\xe6\x97\xa5\xe6\x9c\xac"; /* 日本 */
    words[5] = "<eos>";
    Vocab v;
    make_vocab(&v, words, NV);

    float W[NV * NH];
    uint32_t s = 12345;
    for (int k = 0; k < NV * NH; k++) {
        float x;
        if (k % 2) {
            /* Random bits: every exponent from subnormal to huge, both signs. */
            do {
                const uint32_t bits = next_u32(&s);
                memcpy(&x, &bits, sizeof x);
            } while (!isfinite(x));
        } else {
            x = (float)((double)next_u32(&s) / 4294967296.0 * 2.0 - 1.0);  /* ordinary weights */
        }
        W[k] = x;
    }
    const float special[] = {-0.0f, FLT_MIN, -FLT_TRUE_MIN, FLT_MAX, -FLT_MAX, 1.0f / 3.0f, 16777217.0f, 1e-30f};
    memcpy(W, special, sizeof special);

    const char *path = path_in(f, "v.txt");
    DlfsError err = {0};
    assert_int_equal(vectors_save_text(path, &v, W, NV, NH, &err), DLFS_OK);

    Vocab v2;
    vocab_init(&v2);
    Tensor T;
    if (vectors_load_text(path, &v2, &T, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_int_equal(T.ndim, 2);
    assert_int_equal(T.shape[0], NV);
    assert_int_equal(T.shape[1], NH);
    assert_int_equal(T.size, NV * NH);
    assert_memory_equal(T.data, W, sizeof W);
    assert_true(signbit(T.data[0]));  /* -0 stays -0 */
    assert_int_equal(v2.size, NV);
    for (int i = 0; i < NV; i++) assert_string_equal(vocab_word(&v2, i), words[i]);
    assert_int_equal(vocab_get(&v2, "na\xc3\xafve"), 3);
    tensor_free(&T);
    vocab_free(&v2);
    vocab_free(&v);
}

/* Saving over an existing file replaces it. */
static void test_save_replaces_existing(void **state)
{
    Fixture *f = *state;
    const char *words[] = {"x"};
    Vocab v;
    make_vocab(&v, words, 1);
    const char *path = path_in(f, "v.txt");
    write_file(path, "old contents that are longer than the new ones\n", 47);
    const float W[2] = {0.5f, -4.0f};
    DlfsError err = {0};
    assert_int_equal(vectors_save_text(path, &v, W, 1, 2, &err), DLFS_OK);
    char *text = read_text(path);
    assert_string_equal(text, "1 2\nx 0.5 -4\n");
    free(text);
    vocab_free(&v);
}

/* A failed save leaves the existing file alone and no temporary file behind. */
static void test_save_failures_keep_existing(void **state)
{
    Fixture *f = *state;
    const char *words[] = {"x"};
    Vocab v;
    make_vocab(&v, words, 1);
    const float W[2] = {1.0f, 2.0f};
    DlfsError err = {0};

    assert_int_equal(vectors_save_text("/nonexistent-dir/x.txt", &v, W, 1, 2, &err), DLFS_ERR_IO);
    assert_int_equal(err.status, DLFS_ERR_IO);
    assert_contains(err.msg, "/nonexistent-dir/x.txt");

    /* path.tmp cannot be created (a directory is in the way; works even as root). */
    char keep[PATH_MAX + 32], keep_tmp[PATH_MAX + 32];
    snprintf(keep, sizeof keep, "%s", path_in(f, "keep.txt"));
    snprintf(keep_tmp, sizeof keep_tmp, "%s", path_in(f, "keep.txt.tmp"));
    write_file(keep, "precious\n", 9);
    assert_int_equal(mkdir(keep_tmp, 0777), 0);
    assert_int_equal(vectors_save_text(keep, &v, W, 1, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, keep);
    char *text = read_text(keep);
    assert_string_equal(text, "precious\n");
    free(text);

    /* The rename fails (path is a directory): the written path.tmp is removed. */
    char sub[PATH_MAX + 32];
    snprintf(sub, sizeof sub, "%s", path_in(f, "sub"));
    assert_int_equal(mkdir(sub, 0777), 0);
    assert_int_equal(vectors_save_text(sub, &v, W, 1, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, sub);
    assert_false(exists(path_in(f, "sub.tmp")));
    vocab_free(&v);
}

/* What could not be read back is refused before any file is written. */
static void test_save_refuses_unreadable_output(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", path_in(f, "v.txt"));
    DlfsError err = {0};

    const char *spaced[] = {"ok", "two words"};
    Vocab v;
    make_vocab(&v, spaced, 2);
    const float W[2] = {1.0f, 2.0f};
    assert_int_equal(vectors_save_text(path, &v, W, 2, 1, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "two words");
    assert_false(exists(path));
    vocab_free(&v);

    const char *fine[] = {"a", "b"};
    make_vocab(&v, fine, 2);
    const float Wnan[2] = {1.0f, NAN};
    assert_int_equal(vectors_save_text(path, &v, Wnan, 2, 1, &err), DLFS_ERR_NUMERIC);
    assert_contains(err.msg, "'b'");
    assert_false(exists(path));
    assert_false(exists(path_in(f, "v.txt.tmp")));
    vocab_free(&v);
}

/* ---- loading -------------------------------------------------------------- */

/* CRLF, tabs, trailing blanks, a byte-order mark, UTF-8 words and no final newline all read. */
static void test_load_lenient_layouts(void **state)
{
    Fixture *f = *state;
    const char *path = path_in(f, "v.txt");
    static const char text[] = "\xEF\xBB\xBF" "3 2\r\n"
                               "the 1 -2\r\n"
                               "caf\xc3\xa9 0.5 1e-3 \r\n"
                               "\xe6\x97\xa5\xe6\x9c\xac \t3\t-4.25e+2";
    write_file(path, text, sizeof text - 1);
    Vocab v;
    vocab_init(&v);
    Tensor W;
    DlfsError err = {0};
    if (vectors_load_text(path, &v, &W, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_int_equal(v.size, 3);
    assert_string_equal(vocab_word(&v, 0), "the");
    assert_string_equal(vocab_word(&v, 1), "caf\xc3\xa9");
    assert_string_equal(vocab_word(&v, 2), "\xe6\x97\xa5\xe6\x9c\xac");
    assert_int_equal(W.shape[0], 3);
    assert_int_equal(W.shape[1], 2);
    const float expect[6] = {1.0f, -2.0f, 0.5f, 1e-3f, 3.0f, -425.0f};
    assert_memory_equal(W.data, expect, sizeof expect);
    tensor_free(&W);
    vocab_free(&v);

    /* word2vec.c's own layout: a space after every value; blank lines at the end are ignored. */
    static const char w2v[] = "2 1\nx 7 \ny -0.125 \n\n \n";
    write_file(path, w2v, sizeof w2v - 1);
    vocab_init(&v);
    if (vectors_load_text(path, &v, &W, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_int_equal(v.size, 2);
    assert_true(W.data[0] == 7.0f && W.data[1] == -0.125f);
    tensor_free(&W);
    vocab_free(&v);
}

/* One defect per file; each is a format error naming the line, and leaves vocab and W empty. */
static void test_load_malformed(void **state)
{
    Fixture *f = *state;
    static const struct {
        const char *text;
        size_t len;      /* 0: strlen(text) */
        const char *at;  /* ":LINE:" */
        const char *what;
    } cases[] = {
        {"", 0, ":1:", "empty"},
        {"3\na 1\n", 0, ":1:", "bad header '3'"},
        {"x 2\na 1 2\n", 0, ":1:", "bad header 'x 2'"},
        {"0 2\n", 0, ":1:", "bad header"},
        {"2 -1\na\nb\n", 0, ":1:", "bad header"},
        {"2 2 2\na 1 2\nb 3 4\n", 0, ":1:", "bad header"},
        {"99999 1000\na 1 2\n", 0, ":1:", "V=99999"},
        {"2 2\na 1 2\nb 3\n", 0, ":3:", "expected H=2 values, found 1"},
        {"2 2\na 1 2 5\nb 3 4\n", 0, ":2:", "expected H=2 values, found 3"},
        {"2 2\na 1 2\nb 3 4\nc 5 6\n", 0, ":4:", "more rows"},
        {"3 2\na 1 2\nb 3 4\n", 0, ":4:", "expected V=3 rows"},
        {"3 2\na 1 2\nb 3 4", 0, ":4:", "found 2"},
        {"2 2\na 1 2\n\nb 3 4\n", 0, ":3:", "empty line"},
        {"2 2\na 1 2\nb 3 4x\n", 0, ":3:", "value 2 ('4x') is not a number"},
        {"2 2\na 1 2\nb abc 4\n", 0, ":3:", "value 1 ('abc')"},
        {"2 2\na 1 nan\nb 3 4\n", 0, ":2:", "not a finite"},
        {"2 2\na 1 2\nb -inf 4\n", 0, ":3:", "not a finite"},
        {"2 2\na 1 2\nb 1e39 4\n", 0, ":3:", "not a finite"},
        {"3 1\na 1\nb 2\na 3\n", 0, ":4:", "word 'a' repeats line 2"},
        {"2 2\na 1 2\nb 3\0 4\n", 17, ":3:", "NUL"},
    };
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", path_in(f, "bad.txt"));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const size_t len = cases[k].len ? cases[k].len : strlen(cases[k].text);
        write_file(path, cases[k].text, len);
        Vocab v;
        vocab_init(&v);
        Tensor W = {0};
        DlfsError err = {0};
        const int rc = vectors_load_text(path, &v, &W, &err);
        if (rc != DLFS_ERR_FORMAT) fail_msg("case %zu: status %d (%s), expected a format error", k, rc, err.msg);
        char where[PATH_MAX + 64];
        snprintf(where, sizeof where, "%s%s", path, cases[k].at);
        if (!strstr(err.msg, where) || !strstr(err.msg, cases[k].what))
            fail_msg("case %zu: \"%s\" lacks \"%s\" or \"%s\"", k, err.msg, where, cases[k].what);
        assert_int_equal(v.size, 0);
        assert_null(v.word_to_id);
        assert_null(W.data);
        assert_int_equal(W.size, 0);
    }
}

static void test_load_missing_file(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", path_in(f, "v.txt"));
    Vocab v;
    vocab_init(&v);
    Tensor W;
    DlfsError err = {0};
    assert_int_equal(vectors_load_text(path, &v, &W, &err), DLFS_ERR_IO);
    assert_contains(err.msg, path);
    assert_null(W.data);
    assert_int_equal(v.size, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_save_exact_text),
        T(test_round_trip_bit_exact),
        T(test_save_replaces_existing),
        T(test_save_failures_keep_existing),
        T(test_save_refuses_unreadable_output),
        T(test_load_lenient_layouts),
        T(test_load_malformed),
        T(test_load_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
