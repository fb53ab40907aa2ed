/*
 * test_vectors.c — word vectors in word2vec's text and binary formats
 * (datasets/vectors.h): the exact bytes written, bit-exact save/load round
 * trips over every float32 magnitude in both formats and across them,
 * lenient reading (CRLF, tabs, trailing spaces, no final newline, UTF-8
 * words; binary files as word2vec.c and gensim write them, with or
 * without a newline after each record), format detection, one malformed file per error with
 * its line or record number in the message, and saves that fail without
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

#include <omp.h>

#include "datasets/vectors.h"
#include "tests/testutil.h"

/* The file's bytes, NUL-terminated, malloc'ed. */
static char *read_text(const char *path)
{
    size_t len;
    return (char *)test_read_bytes(path, &len);
}

static void make_vocab(Vocab *v, const char *const *words, int n)
{
    vocab_init(v);
    for (int i = 0; i < n; i++) assert_int_equal(vocab_add(v, words[i]), i);
}

/* ---- saving --------------------------------------------------------------- */

/* The exact bytes: header, one line per word, "%.9g" values, single spaces, no trailing space. */
static void test_save_exact_text(void **state)
{
    TestTmpdir *f = *state;
    const char *words[] = {"a", "b"};
    Vocab v;
    make_vocab(&v, words, 2);
    const float W[6] = {1.0f, -2.5f, 0.1f, 0.0f, FLT_TRUE_MIN, FLT_MAX};
    DlfsError err = {0};
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.txt"));
    assert_int_equal(vectors_save_text(path, &v, W, 2, 3, &err), DLFS_OK);
    char *text = read_text(path);
    assert_string_equal(text, "2 3\na 1 -2.5 0.100000001\nb 0 1.40129846e-45 3.40282347e+38\n");
    free(text);
    assert_false(test_path_exists(test_tmpdir_path(f, "v.txt.tmp")));
    vocab_free(&v);
}

/* NV words w0, w1, ... with UTF-8 and markup ones among them; names holds their bytes. */
enum { NV = 40, NH = 13 };
static void make_round_trip_words(char names[NV][16], const char *words[NV])
{
    for (int i = 0; i < NV; i++) {
        snprintf(names[i], sizeof names[i], "w%d", i);
        words[i] = names[i];
    }
    words[0] = "\xe6\x97\xa5";             /* 日: a UTF-8 first word */
    words[3] = "na\xc3\xafve";             /* naïve */
    words[4] = "\xe6\x97\xa5\xe6\x9c\xac"; /* 日本 */
    words[5] = "<eos>";
}

/* n floats: random bits (every exponent from subnormal to huge, both signs), ordinary weights, specials first. */
static void fill_weights(float *W, size_t n, uint32_t seed)
{
    uint32_t s = seed;
    for (size_t k = 0; k < n; k++) {
        float x;
        if (k % 2) {
            do {
                const uint32_t bits = test_xorshift32(&s);
                memcpy(&x, &bits, sizeof x);
            } while (!isfinite(x));
        } else {
            x = (float)((double)test_xorshift32(&s) / 4294967296.0 * 2.0 - 1.0);  /* ordinary weights */
        }
        W[k] = x;
    }
    const float special[] = {-0.0f, FLT_MIN, -FLT_TRUE_MIN, FLT_MAX, -FLT_MAX, 1.0f / 3.0f, 16777217.0f, 1e-30f};
    assert_true(n >= sizeof special / sizeof special[0]);
    memcpy(W, special, sizeof special);
}

/* T is (NV, NH), bit for bit W, and v2 holds words in order. */
static void assert_loaded(const Tensor *T, const Vocab *v2, const float *W, const char *const *words)
{
    assert_int_equal(T->ndim, 2);
    assert_int_equal(T->shape[0], NV);
    assert_int_equal(T->shape[1], NH);
    assert_int_equal(T->size, NV * NH);
    assert_memory_equal(T->data, W, sizeof(float) * NV * NH);
    assert_true(signbit(T->data[0]));  /* -0 stays -0 */
    assert_int_equal(v2->size, NV);
    for (int i = 0; i < NV; i++) assert_string_equal(vocab_word(v2, i), words[i]);
    assert_int_equal(vocab_get(v2, "na\xc3\xafve"), 3);
}

/* Every bit pattern of a finite float32 comes back identical, UTF-8 words included. */
static void test_round_trip_bit_exact(void **state)
{
    TestTmpdir *f = *state;
    char names[NV][16];
    const char *words[NV];
    make_round_trip_words(names, words);
    Vocab v;
    make_vocab(&v, words, NV);
    float W[NV * NH];
    fill_weights(W, NV * NH, 12345);

    const char *path = test_tmpdir_path(f, "v.txt");
    DlfsError err = {0};
    assert_int_equal(vectors_save_text(path, &v, W, NV, NH, &err), DLFS_OK);

    Vocab v2;
    vocab_init(&v2);
    Tensor T;
    if (vectors_load_text(path, &v2, &T, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_loaded(&T, &v2, W, words);
    tensor_free(&T);
    vocab_free(&v2);
    vocab_free(&v);
}

/*
 * More rows than one formatting chunk (256), written by 1, 2 and 3 OpenMP
 * threads: the file is byte for byte what one fprintf(" %.9g") per value
 * in row order gives.
 */
static void test_save_text_threads_same_bytes(void **state)
{
    TestTmpdir *f = *state;
    enum { V = 700, H = 7 };
    static char names[V][12];
    const char *words[V];
    for (int i = 0; i < V; i++) {
        snprintf(names[i], sizeof names[i], "w%d", i);
        words[i] = names[i];
    }
    Vocab v;
    make_vocab(&v, words, V);
    static float W[V * H];
    fill_weights(W, V * H, 777);
    /* the expected bytes, one value at a time */
    char *expect = NULL;
    size_t expect_len = 0;
    FILE *m = open_memstream(&expect, &expect_len);
    assert_non_null(m);
    fprintf(m, "%d %d\n", V, H);
    for (int i = 0; i < V; i++) {
        fputs(words[i], m);
        for (int j = 0; j < H; j++) fprintf(m, " %.9g", (double)W[i * H + j]);
        fputc('\n', m);
    }
    fclose(m);
    const char *path = test_tmpdir_path(f, "t.txt");
    for (int threads = 1; threads <= 3; threads++) {
        omp_set_num_threads(threads);
        DlfsError err = {0};
        assert_int_equal(vectors_save_text(path, &v, W, V, H, &err), DLFS_OK);
        char *got = read_text(path);
        assert_int_equal(strlen(got), expect_len);
        assert_memory_equal(got, expect, expect_len);
        free(got);
    }
    free(expect);
    vocab_free(&v);
}

/* Saving over an existing file replaces it. */
static void test_save_replaces_existing(void **state)
{
    TestTmpdir *f = *state;
    const char *words[] = {"x"};
    Vocab v;
    make_vocab(&v, words, 1);
    const char *path = test_tmpdir_path(f, "v.txt");
    test_write_file(path, "old contents that are longer than the new ones\n", 47);
    const float W[2] = {0.5f, -4.0f};
    DlfsError err = {0};
    assert_int_equal(vectors_save_text(path, &v, W, 1, 2, &err), DLFS_OK);
    char *text = read_text(path);
    assert_string_equal(text, "1 2\nx 0.5 -4\n");
    free(text);
    vocab_free(&v);
}

/* A failed save, in either format, leaves the existing file alone and no temporary file behind. */
static void test_save_failures_keep_existing(void **state)
{
    TestTmpdir *f = *state;
    const char *words[] = {"x"};
    Vocab v;
    make_vocab(&v, words, 1);
    const float W[2] = {1.0f, 2.0f};
    static const char *const ext[2] = {"txt", "bin"};

    for (int fmt = VECTORS_TEXT; fmt <= VECTORS_BINARY; fmt++) {
        DlfsError err = {0};
        char name[64];
        snprintf(name, sizeof name, "/nonexistent-dir/x.%s", ext[fmt]);
        assert_int_equal(vectors_save(name, (VectorsFormat)fmt, &v, W, 1, 2, &err), DLFS_ERR_IO);
        assert_int_equal(err.status, DLFS_ERR_IO);
        assert_contains(err.msg, name);

        /* path.tmp cannot be created (a directory is in the way; works even as root). */
        char keep[PATH_MAX + 32], keep_tmp[PATH_MAX + 40];
        snprintf(keep, sizeof keep, "%s", test_tmpdir_path(f, fmt == VECTORS_TEXT ? "keep.txt" : "keep.bin"));
        snprintf(keep_tmp, sizeof keep_tmp, "%s.tmp", keep);
        test_write_file(keep, "precious\n", 9);
        assert_int_equal(mkdir(keep_tmp, 0777), 0);
        assert_int_equal(vectors_save(keep, (VectorsFormat)fmt, &v, W, 1, 2, &err), DLFS_ERR_IO);
        assert_contains(err.msg, keep);
        char *text = read_text(keep);
        assert_string_equal(text, "precious\n");
        free(text);

        /* The rename fails (path is a directory): the written path.tmp is removed. */
        char sub[PATH_MAX + 32], sub_tmp[PATH_MAX + 40];
        snprintf(sub, sizeof sub, "%s", test_tmpdir_path(f, fmt == VECTORS_TEXT ? "sub-txt" : "sub-bin"));
        snprintf(sub_tmp, sizeof sub_tmp, "%s.tmp", sub);
        assert_int_equal(mkdir(sub, 0777), 0);
        assert_int_equal(vectors_save(sub, (VectorsFormat)fmt, &v, W, 1, 2, &err), DLFS_ERR_IO);
        assert_contains(err.msg, sub);
        assert_contains(err.msg, "rename");
        assert_false(test_path_exists(sub_tmp));
    }
    vocab_free(&v);
}

/* What could not be read back is refused, in either format, before any file is written. */
static void test_save_refuses_unreadable_output(void **state)
{
    TestTmpdir *f = *state;
    static const struct {
        const char *words[2];
        float W[2];
        int status;
        const char *what;
    } cases[] = {
        {{"ok", "two words"}, {1.0f, 2.0f}, DLFS_ERR_ARG, "word 1 ('two words') contains whitespace"},
        {{"tab\there", "ok"}, {1.0f, 2.0f}, DLFS_ERR_ARG, "word 0 ('tab\\x09here') contains whitespace"},
        {{"line\n", "ok"}, {1.0f, 2.0f}, DLFS_ERR_ARG, "contains whitespace"},
        {{"ok", ""}, {1.0f, 2.0f}, DLFS_ERR_ARG, "word 1 is empty"},
        {{"a", "b"}, {1.0f, NAN}, DLFS_ERR_NUMERIC, "row 1 ('b') value 1 is nan"},
        {{"a", "b"}, {-INFINITY, 0.0f}, DLFS_ERR_NUMERIC, "row 0 ('a') value 1 is -inf"},
    };
    for (int fmt = VECTORS_TEXT; fmt <= VECTORS_BINARY; fmt++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s", test_tmpdir_path(f, fmt == VECTORS_TEXT ? "v.txt" : "v.bin"));
        for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
            Vocab v;
            make_vocab(&v, cases[k].words, 2);
            DlfsError err = {0};
            const int rc = vectors_save(path, (VectorsFormat)fmt, &v, cases[k].W, 2, 1, &err);
            if (rc != cases[k].status || !strstr(err.msg, cases[k].what) || !strstr(err.msg, path))
                fail_msg("%s case %zu: status %d, \"%s\"", vectors_format_name((VectorsFormat)fmt), k, rc,
                         err.msg);
            assert_false(test_path_exists(path));
            vocab_free(&v);
        }
        char tmp[PATH_MAX + 40];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        assert_false(test_path_exists(tmp));
    }
}

/* ---- loading -------------------------------------------------------------- */

/* CRLF, tabs, trailing blanks, a byte-order mark, UTF-8 words and no final newline all read. */
static void test_load_lenient_layouts(void **state)
{
    TestTmpdir *f = *state;
    const char *path = test_tmpdir_path(f, "v.txt");
    static const char text[] = "\xEF\xBB\xBF" "3 2\r\n"
                               "the 1 -2\r\n"
                               "caf\xc3\xa9 0.5 1e-3 \r\n"
                               "\xe6\x97\xa5\xe6\x9c\xac \t3\t-4.25e+2";
    test_write_file(path, text, sizeof text - 1);
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
    test_write_file(path, w2v, sizeof w2v - 1);
    vocab_init(&v);
    if (vectors_load_text(path, &v, &W, &err) != DLFS_OK) fail_msg("%s", err.msg);
    assert_int_equal(v.size, 2);
    assert_true(W.data[0] == 7.0f && W.data[1] == -0.125f);
    tensor_free(&W);
    vocab_free(&v);
}

/* One defect per text file; each is a format error naming the line, and leaves vocab and W empty. */
static void test_load_malformed(void **state)
{
    TestTmpdir *f = *state;
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
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "bad.txt"));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const size_t len = cases[k].len ? cases[k].len : strlen(cases[k].text);
        test_write_file(path, cases[k].text, len);
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

        /* vectors_load takes them for text and says the same, but for the NUL byte, which makes a file binary. */
        if (cases[k].len) continue;
        DlfsError err2 = {0};
        assert_int_equal(vectors_load(path, &v, &W, &err2), DLFS_ERR_FORMAT);
        assert_string_equal(err2.msg, err.msg);
        assert_int_equal(v.size, 0);
        assert_null(W.data);
    }
}

static void test_load_missing_file(void **state)
{
    TestTmpdir *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.txt"));
    Vocab v;
    vocab_init(&v);
    Tensor W;
    DlfsError err = {0};
    assert_int_equal(vectors_load_text(path, &v, &W, &err), DLFS_ERR_IO);
    assert_contains(err.msg, path);
    assert_null(W.data);
    assert_int_equal(v.size, 0);
}

/* ---- binary format --------------------------------------------------------- */

/* float32 bit patterns, little-endian, as 4-byte C string pieces. */
#define F_1 "\x00\x00\x80\x3f"   /* 1.0 */
#define F_M2_5 "\x00\x00\x20\xc0" /* -2.5 */
#define F_0_5 "\x00\x00\x00\x3f"  /* 0.5 */
#define F_0_25 "\x00\x00\x80\x3e" /* 0.25 */
#define F_3 "\x00\x00\x40\x40"    /* 3.0 */
#define F_M1 "\x00\x00\x80\xbf"   /* -1.0 */
#define F_2 "\x00\x00\x00\x40"    /* 2.0 */

/*
 * The binary file for {"the": [1, -2.5], "café": [0.5, 0.25], "日": [3, -1]}
 * as word2vec.c writes it: b"3 2\n", then per word its UTF-8 bytes, b" ",
 * the vector's tobytes() (little-endian float32), b"\n".
 */
static const char w2v_3x2[] = "3 2\n"
                              "the " F_1 F_M2_5 "\n"
                              "caf\xc3\xa9 " F_0_5 F_0_25 "\n"
                              "\xe6\x97\xa5 " F_3 F_M1 "\n";
/*
 * The same as gensim's KeyedVectors.save_word2vec_format(binary=True)
 * writes it (gensim 3.x and 4.x; checked with 4.2.0): no b"\n" after a
 * record's floats, the next word follows them directly.
 */
static const char gensim_3x2[] = "3 2\n"
                                 "the " F_1 F_M2_5 "caf\xc3\xa9 " F_0_5 F_0_25 "\xe6\x97\xa5 " F_3 F_M1;
static const char *const gensim_words[3] = {"the", "caf\xc3\xa9", "\xe6\x97\xa5"};
static const float gensim_W[6] = {1.0f, -2.5f, 0.5f, 0.25f, 3.0f, -1.0f};

/* vocab and W hold gensim_words and gensim_W exactly. */
static void assert_gensim_3x2(const Vocab *v, const Tensor *W)
{
    assert_int_equal(v->size, 3);
    for (int i = 0; i < 3; i++) assert_string_equal(vocab_word(v, i), gensim_words[i]);
    assert_int_equal(W->ndim, 2);
    assert_int_equal(W->shape[0], 3);
    assert_int_equal(W->shape[1], 2);
    assert_memory_equal(W->data, gensim_W, sizeof gensim_W);
}

typedef int (*LoadFn)(const char *, Vocab *, Tensor *, DlfsError *);

/* Writes len bytes to path and reads them back with load; fails the test on an error. */
static void load_bytes(const char *path, const char *bytes, size_t len, LoadFn load, Vocab *v, Tensor *W)
{
    test_write_file(path, bytes, len);
    vocab_init(v);
    DlfsError err = {0};
    if (load(path, v, W, &err) != DLFS_OK) fail_msg("%s", err.msg);
}

/* The bytes written are word2vec.c's, byte for byte. */
static void test_save_binary_exact_bytes(void **state)
{
    TestTmpdir *f = *state;
    Vocab v;
    make_vocab(&v, gensim_words, 3);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.bin"));
    DlfsError err = {0};
    assert_int_equal(vectors_save_binary(path, &v, gensim_W, 3, 2, &err), DLFS_OK);
    size_t len;
    unsigned char *bytes = test_read_bytes(path, &len);
    assert_int_equal(len, sizeof w2v_3x2 - 1);
    assert_memory_equal(bytes, w2v_3x2, len);
    free(bytes);
    assert_false(test_path_exists(test_tmpdir_path(f, "v.bin.tmp")));

    /* vectors_save picks the writer by format. */
    assert_int_equal(vectors_save(path, VECTORS_TEXT, &v, gensim_W, 3, 2, &err), DLFS_OK);
    char *text = read_text(path);
    assert_string_equal(text, "3 2\nthe 1 -2.5\ncaf\xc3\xa9 0.5 0.25\n\xe6\x97\xa5 3 -1\n");
    free(text);
    vocab_free(&v);
}

/* word2vec.c's and gensim's files (without the newline after a record), and CRLF, all read. */
static void test_load_gensim_and_word2vec_binary(void **state)
{
    TestTmpdir *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.bin"));
    static const char crlf[] = "3 2\r\n"
                               "the " F_1 F_M2_5 "\r\n"
                               "caf\xc3\xa9 " F_0_5 F_0_25 "\r\n"
                               "\xe6\x97\xa5 " F_3 F_M1 "\r\n";
    static const struct {
        const char *bytes;
        size_t len;
    } files[] = {
        {w2v_3x2, sizeof w2v_3x2 - 1},
        {w2v_3x2, sizeof w2v_3x2 - 2}, /* without the last '\n' */
        {gensim_3x2, sizeof gensim_3x2 - 1},
        {crlf, sizeof crlf - 1},
    };
    const LoadFn loaders[2] = {vectors_load_binary, vectors_load};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        for (int l = 0; l < 2; l++) {
            Vocab v;
            Tensor W;
            load_bytes(path, files[k].bytes, files[k].len, loaders[l], &v, &W);
            assert_gensim_3x2(&v, &W);
            tensor_free(&W);
            vocab_free(&v);
        }
    }
}

/* Every bit pattern of a finite float32 comes back identical through the binary format, UTF-8 words included. */
static void test_binary_round_trip_bit_exact(void **state)
{
    TestTmpdir *f = *state;
    char names[NV][16];
    const char *words[NV];
    make_round_trip_words(names, words);
    Vocab v;
    make_vocab(&v, words, NV);
    float W[NV * NH];
    fill_weights(W, NV * NH, 777);

    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.bin"));
    DlfsError err = {0};
    assert_int_equal(vectors_save_binary(path, &v, W, NV, NH, &err), DLFS_OK);
    const LoadFn loaders[2] = {vectors_load_binary, vectors_load};
    for (int l = 0; l < 2; l++) {
        Vocab v2;
        vocab_init(&v2);
        Tensor T;
        if (loaders[l](path, &v2, &T, &err) != DLFS_OK) fail_msg("%s", err.msg);
        assert_loaded(&T, &v2, W, words);
        tensor_free(&T);
        vocab_free(&v2);
    }
    vocab_free(&v);
}

/* text -> binary -> text -> binary through vectors_load: the same bits, the same files. */
static void test_text_binary_conversions(void **state)
{
    TestTmpdir *f = *state;
    char names[NV][16];
    const char *words[NV];
    make_round_trip_words(names, words);
    Vocab v;
    make_vocab(&v, words, NV);
    float W[NV * NH];
    fill_weights(W, NV * NH, 4242);

    char t1[PATH_MAX + 32], b1[PATH_MAX + 32], t2[PATH_MAX + 32], b2[PATH_MAX + 32];
    snprintf(t1, sizeof t1, "%s", test_tmpdir_path(f, "t1.txt"));
    snprintf(b1, sizeof b1, "%s", test_tmpdir_path(f, "b1.bin"));
    snprintf(t2, sizeof t2, "%s", test_tmpdir_path(f, "t2.txt"));
    snprintf(b2, sizeof b2, "%s", test_tmpdir_path(f, "b2.bin"));
    const char *chain[4] = {t1, b1, t2, b2};
    DlfsError err = {0};
    assert_int_equal(vectors_save_text(t1, &v, W, NV, NH, &err), DLFS_OK);
    for (int k = 0; k < 3; k++) {
        Vocab v2;
        vocab_init(&v2);
        Tensor T;
        if (vectors_load(chain[k], &v2, &T, &err) != DLFS_OK) fail_msg("%s", err.msg);
        assert_loaded(&T, &v2, W, words);
        const VectorsFormat to = k % 2 == 0 ? VECTORS_BINARY : VECTORS_TEXT;
        assert_int_equal(vectors_save(chain[k + 1], to, &v2, T.data, NV, NH, &err), DLFS_OK);
        tensor_free(&T);
        vocab_free(&v2);
    }
    size_t n1, n2;
    unsigned char *x = test_read_bytes(t1, &n1), *y = test_read_bytes(t2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(x, y, n1);
    free(x);
    free(y);
    x = test_read_bytes(b1, &n1);
    y = test_read_bytes(b2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(x, y, n1);
    size_t expect_len = strlen("40 13\n");
    for (int i = 0; i < NV; i++) expect_len += strlen(words[i]) + 1 + 4 * NH + 1;
    assert_int_equal(n1, expect_len);
    free(x);
    free(y);
    vocab_free(&v);
}

/* vectors_load tells the formats apart, also in the cases its first guess gets wrong. */
static void test_load_detects_format(void **state)
{
    TestTmpdir *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.vec"));
    Vocab v;
    Tensor W;

    /* Text: CRLF, a UTF-8 first word, a tab, a trailing space, no final newline. */
    static const char text[] = "3 2\r\n"
                               "\xe6\x97\xa5\t1 -2.5 \r\n"
                               "caf\xc3\xa9 0.5 0.25\r\n"
                               "the 3 -1";
    load_bytes(path, text, sizeof text - 1, vectors_load, &v, &W);
    assert_int_equal(v.size, 3);
    assert_string_equal(vocab_word(&v, 0), "\xe6\x97\xa5");
    assert_string_equal(vocab_word(&v, 2), "the");
    assert_memory_equal(W.data, gensim_W, sizeof gensim_W);
    tensor_free(&W);
    vocab_free(&v);

    /* Binary without a NUL byte whose first float's first byte is '\n' (0x3f80010a): it looks like an
     * empty text row, the text reader fails, the binary reader is tried and succeeds. */
    static const char nl_first[] = "2 1\nab \x0a\x01\x80\x3f\ncd \x03\x02\x01\x40\n";
    load_bytes(path, nl_first, sizeof nl_first - 1, vectors_load, &v, &W);
    const uint32_t bits[2] = {0x3f80010au, 0x40010203u};
    float expect[2];
    memcpy(expect, bits, sizeof expect);
    assert_int_equal(v.size, 2);
    assert_string_equal(vocab_word(&v, 1), "cd");
    assert_memory_equal(W.data, expect, sizeof expect);
    tensor_free(&W);
    vocab_free(&v);

    /* Text holding hex floats ('x', 'p' are number text): read as text. */
    static const char hex[] = "1 2\nab 0x1p-3 -0X1.8P1\n";
    load_bytes(path, hex, sizeof hex - 1, vectors_load, &v, &W);
    assert_true(W.data[0] == 0.125f && W.data[1] == -3.0f);
    tensor_free(&W);
    vocab_free(&v);

    /* The documented ambiguity: the float bytes "1234" are also the text "1234"; text wins. */
    static const char both[] = "1 1\nab 1234\n";
    load_bytes(path, both, sizeof both - 1, vectors_load, &v, &W);
    assert_true(W.data[0] == 1234.0f);
    tensor_free(&W);
    vocab_free(&v);
    load_bytes(path, both, sizeof both - 1, vectors_load_binary, &v, &W);
    const uint32_t ascii = 0x34333231u; /* "1234" little-endian */
    float as_float;
    memcpy(&as_float, &ascii, sizeof as_float);
    assert_true(W.data[0] == as_float);
    tensor_free(&W);
    vocab_free(&v);

    /* A malformed file reports the error of the format it looks like. */
    DlfsError err = {0};
    static const char bad_text[] = "2 2\na 1 nan\nb 3 4\n";
    test_write_file(path, bad_text, sizeof bad_text - 1);
    vocab_init(&v);
    assert_int_equal(vectors_load(path, &v, &W, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, ":2: value 2 ('nan') is not a finite float32");
    static const char bad_bin[] = "3 1\nab " F_1 "\ncd " F_1 "\nab " F_2 "\n";
    test_write_file(path, bad_bin, sizeof bad_bin - 1);
    assert_int_equal(vectors_load(path, &v, &W, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, ":record 3: word 'ab' repeats record 1");
    assert_int_equal(v.size, 0);
    assert_null(W.data);
}

/* One defect per binary file; each is a format error naming the record (or line 1), and leaves vocab and W
 * empty. vectors_load gives the same message, except for a file whose first record has no space: that
 * looks like text, and the text reader's message names line 2. */
static void test_load_binary_malformed(void **state)
{
    TestTmpdir *f = *state;
#define CASE(bytes, at, what) {bytes, sizeof bytes - 1, at, what}
    static const struct {
        const char *bytes;
        size_t len;
        const char *at;
        const char *what;
    } cases[] = {
        CASE("", ":1:", "empty file"),
        CASE("2\nab " F_1 F_2 "\n", ":1:", "bad header '2'"),
        CASE("0 2\nab " F_1 F_2 "\n", ":1:", "bad header '0 2'"),
        CASE("2 x\nab " F_1 F_2 "\n", ":1:", "bad header '2 x'"),
        CASE("99 2\nab " F_1 F_2 "\n", ":1:", "V=99 words of H=2 values, more than the file's"),
        /* the header lies about V: fewer records, or more data */
        CASE("3 2\nabcdefgh " F_1 F_2 "\nbcdefghi " F_1 F_2 "\n", ":record 3:",
             "the file ends after 2 of the header's V=3 records"),
        CASE("1 2\nab " F_1 F_2 "\nxy " F_1 F_2 "\n", ":record 2:", "12 more bytes after the header's V=1 records"),
        /* the header lies about H */
        CASE("2 1\nab " F_1 F_2 "\ncd " F_1 F_2 "\n", ":record 2:",
             "expected a word, found byte 0x00 at offset 11 (does the header's H match the data?)"),
        CASE("2 3\nabcdefgh " F_1 F_2 "\nbcdefghi " F_1 F_2 "\n", ":record 2:",
             "the file ends 9 bytes into the 12 bytes of 'efghi''s H=3 float32 values (truncated?)"),
        /* truncated */
        CASE("2 2\nabcdefghij " F_1 F_2 "\nb " F_1 "\x00\x00", ":record 2:",
             "the file ends 6 bytes into the 8 bytes of 'b''s H=2"),
        CASE("1 2\nabcdefghijkl", ":record 1:", "the file ends in the word 'abcdefghijkl' (truncated?)"),
#define LOOKS_LIKE_TEXT 10
        /* the word and its space */
        CASE("2 2\nab" F_1 F_2 "\ncd " F_1 F_2 "\n", ":record 1:", "no space after the word 'ab': byte 0x00 at offset 6"),
        CASE("2 1\na\tb " F_1 "\ncd " F_1 "\n", ":record 1:", "no space after the word 'a': byte 0x09"),
        CASE("2 2\n " F_1 F_2 "\ncd " F_1 F_2 "\n", ":record 1:", "empty word (a space at offset 4)"),
        CASE("2 1\nab " F_1 "\n\ncd " F_1 "\n", ":record 2:", "expected a word, found byte 0x0a at offset 12"),
        CASE("3 1\nab " F_1 "\ncd " F_1 "\nab " F_2 "\n", ":record 3:", "word 'ab' repeats record 1"),
        /* the values */
        CASE("2 1\nab " F_1 "\ncd \x00\x00\xc0\x7f\n", ":record 2:", "value 1 of 'cd' is not a finite float32 (nan)"),
        CASE("2 2\nab " F_1 "\x00\x00\x80\xff\ncd " F_1 F_1 "\n", ":record 1:", "value 2 of 'ab' is not a finite float32 (-inf)"),
        /* a record without the newline record 1 has */
        CASE("3 1\nab " F_1 "\ncd " F_1 "ef " F_1 "\n", ":record 2:",
             "no newline after the values of 'cd', though record 1 has one (does the header's H=1 match the data?)"),
    };
#undef CASE
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "bad.bin"));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        test_write_file(path, cases[k].bytes, cases[k].len);
        char msg[2][sizeof((DlfsError *)0)->msg];
        const LoadFn loaders[2] = {vectors_load_binary, vectors_load};
        for (int l = 0; l < 2; l++) {
            Vocab v;
            vocab_init(&v);
            Tensor W = {0};
            DlfsError err = {0};
            const int rc = loaders[l](path, &v, &W, &err);
            if (rc != DLFS_ERR_FORMAT) fail_msg("case %zu/%d: status %d (%s), expected a format error", k, l, rc, err.msg);
            char where[PATH_MAX + 64];
            snprintf(where, sizeof where, "%s%s", path, cases[k].at);
            if (l == 1 && k == LOOKS_LIKE_TEXT) {
                snprintf(where, sizeof where, "%s:2: expected H=2 values, found 0", path);
                if (!strstr(err.msg, where)) fail_msg("case %zu/%d: \"%s\" lacks \"%s\"", k, l, err.msg, where);
            } else if (!strstr(err.msg, where) || !strstr(err.msg, cases[k].what))
                fail_msg("case %zu/%d: \"%s\" lacks \"%s\" or \"%s\"", k, l, err.msg, where, cases[k].what);
            assert_int_equal(v.size, 0);
            assert_null(v.word_to_id);
            assert_null(W.data);
            assert_int_equal(W.size, 0);
            snprintf(msg[l], sizeof msg[l], "%s", err.msg);
        }
        if (k != LOOKS_LIKE_TEXT) assert_string_equal(msg[0], msg[1]);
    }
#undef LOOKS_LIKE_TEXT
}

/* The format names, their parsing, and the format an extension implies. */
static void test_format_helpers(void **state)
{
    (void)state;
    VectorsFormat fmt = VECTORS_TEXT;
    assert_int_equal(vectors_format_parse("binary", &fmt), DLFS_OK);
    assert_int_equal(fmt, VECTORS_BINARY);
    assert_int_equal(vectors_format_parse("text", &fmt), DLFS_OK);
    assert_int_equal(fmt, VECTORS_TEXT);
    const char *bad[] = {"bin", "Binary", "txt", "", "text "};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        fmt = VECTORS_BINARY;
        assert_int_equal(vectors_format_parse(bad[k], &fmt), DLFS_ERR_ARG);
        assert_int_equal(fmt, VECTORS_BINARY); /* left alone */
    }
    assert_string_equal(vectors_format_name(VECTORS_TEXT), "text");
    assert_string_equal(vectors_format_name(VECTORS_BINARY), "binary");

    static const struct {
        const char *path;
        int rc;
        VectorsFormat fmt;
    } paths[] = {
        {"out/vectors.bin", DLFS_OK, VECTORS_BINARY},
        {"VECTORS.BIN", DLFS_OK, VECTORS_BINARY},
        {"a.b/vectors.txt", DLFS_OK, VECTORS_TEXT},
        {"x.Txt", DLFS_OK, VECTORS_TEXT},
        {"vectors.vec", DLFS_ERR_ARG, VECTORS_TEXT},
        {"vectors.bin.gz", DLFS_ERR_ARG, VECTORS_TEXT},
        {"vectors", DLFS_ERR_ARG, VECTORS_TEXT},
        {"dir.bin/vectors", DLFS_ERR_ARG, VECTORS_TEXT},
        {"dir/.bin", DLFS_ERR_ARG, VECTORS_TEXT},
        {"vectors.", DLFS_ERR_ARG, VECTORS_TEXT},
    };
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        fmt = paths[k].rc == DLFS_OK ? (VectorsFormat)!paths[k].fmt : VECTORS_TEXT;
        const int rc = vectors_format_from_path(paths[k].path, &fmt);
        if (rc != paths[k].rc || fmt != paths[k].fmt) fail_msg("%s: status %d, format %d", paths[k].path, rc, fmt);
    }
}

static void test_load_binary_missing_file(void **state)
{
    TestTmpdir *f = *state;
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "v.bin"));
    const LoadFn loaders[2] = {vectors_load_binary, vectors_load};
    for (int l = 0; l < 2; l++) {
        Vocab v;
        vocab_init(&v);
        Tensor W;
        DlfsError err = {0};
        assert_int_equal(loaders[l](path, &v, &W, &err), DLFS_ERR_IO);
        assert_contains(err.msg, path);
        assert_null(W.data);
        assert_int_equal(v.size, 0);
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_save_exact_text),
        T(test_round_trip_bit_exact),
        T(test_save_text_threads_same_bytes),
        T(test_save_replaces_existing),
        T(test_save_failures_keep_existing),
        T(test_save_refuses_unreadable_output),
        T(test_load_lenient_layouts),
        T(test_load_malformed),
        T(test_load_missing_file),
        T(test_save_binary_exact_bytes),
        T(test_load_gensim_and_word2vec_binary),
        T(test_binary_round_trip_bit_exact),
        T(test_text_binary_conversions),
        T(test_load_detects_format),
        T(test_load_binary_malformed),
        T(test_format_helpers),
        T(test_load_binary_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
