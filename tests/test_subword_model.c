/*
 * test_subword_model.c — the subword model file (recipe/subword_model.h):
 * save -> load gives back the table, the words and W byte for byte; a
 * vocabulary word's vector is the mean of its rows; an unseen word's vector
 * worked out by hand from its n-grams; the header bytes at the offsets
 * docs/subwords.md gives; damaged files (truncated, a flipped byte, wrong
 * magic, sizes that lie, a bucket list that does not match the settings, a
 * NaN, a repeated word) refused with their messages; a refused save keeps
 * the old file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/vocab.h"
#include "layers/subword.h"
#include "recipe/subword_model.h"
#include "tests/testutil.h"

enum { H = 3 };

/* A tiny model: words ab, cd, <eos>; n-grams of 3 characters; 2,000,000 buckets. */
typedef struct Tiny {
    Vocab vocab;
    SubwordTable table;
    float *W;   /* (table.n_rows, H): W[r][k] = r + k / 10 */
} Tiny;

static void tiny_init(Tiny *t)
{
    vocab_init(&t->vocab);
    vocab_add(&t->vocab, "ab");
    vocab_add(&t->vocab, "cd");
    vocab_add(&t->vocab, "<eos>");
    DlfsError err = {0};
    assert_int_equal(subword_table_init(&t->table, &t->vocab, "<eos>", 3, 3, 2000000, &err), DLFS_OK);
    /* <ab> gives <ab ab>, <cd> gives <cd cd>: four buckets, no collision */
    assert_int_equal(t->table.n_used, 4);
    assert_int_equal(t->table.n_rows, 7);
    assert_int_equal(t->table.used_buckets[0], (int32_t)(subword_hash("<ab", 3) % 2000000));
    assert_int_equal(t->table.used_buckets[3], (int32_t)(subword_hash("cd>", 3) % 2000000));
    t->W = malloc(7 * H * sizeof *t->W);
    for (int r = 0; r < 7; r++)
        for (int k = 0; k < H; k++) t->W[r * H + k] = (float)r + (float)k / 10.0f;
}

static void tiny_free(Tiny *t)
{
    free(t->W);
    subword_table_free(&t->table);
    vocab_free(&t->vocab);
}

/* The bytes of the tiny model's file, saved to dir/name; *len their count. */
static unsigned char *tiny_bytes(const TestTmpdir *dir, const char *name, size_t *len)
{
    Tiny t;
    tiny_init(&t);
    DlfsError err = {0};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(dir, name));
    assert_int_equal(subword_model_save(path, &t.vocab, &t.table, t.W, H, &err), DLFS_OK);
    tiny_free(&t);
    return test_read_bytes(path, len);
}

static void put_u32_at(unsigned char *p, uint32_t x)
{
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(x >> (8 * i));
}

static uint32_t get_u32_at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Rewrites the last 4 bytes: the CRC-32 of the others, so a change reaches the checks after it. */
static void reseal(unsigned char *b, size_t len)
{
    put_u32_at(b + len - 4, (uint32_t)crc32(0, b, (uInt)(len - 4)));
}

/* Parsing b must fail with status and a message holding want; m must be left empty. */
static void expect_refused(const unsigned char *b, size_t len, int status, const char *want)
{
    SubwordModel m;
    DlfsError err = {0};
    assert_int_equal(subword_model_parse(&m, b, len, "m.bin", &err), status);
    assert_contains(err.msg, want);
    assert_contains(err.msg, "m.bin");
    assert_null(m.W);
    assert_int_equal(m.vocab.size, 0);
    assert_null(m.table.rows);
}

static void test_round_trip(void **state)
{
    const TestTmpdir *dir = *state;
    Tiny t;
    tiny_init(&t);
    DlfsError err = {0};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(dir, "m.bin"));
    assert_int_equal(subword_model_save(path, &t.vocab, &t.table, t.W, H, &err), DLFS_OK);

    SubwordModel m;
    assert_int_equal(subword_model_load(&m, path, &err), DLFS_OK);
    assert_int_equal(m.H, H);
    assert_int_equal(m.vocab.size, 3);
    for (int32_t i = 0; i < 3; i++)
        assert_string_equal(vocab_word(&m.vocab, i), vocab_word(&t.vocab, i));
    assert_int_equal(m.table.V, 3);
    assert_int_equal(m.table.minn, 3);
    assert_int_equal(m.table.maxn, 3);
    assert_int_equal(m.table.buckets, 2000000);
    assert_int_equal(m.table.n_used, 4);
    assert_int_equal(m.table.n_rows, 7);
    assert_int_equal(m.table.eos, 2);
    assert_memory_equal(m.table.offsets, t.table.offsets, 4 * sizeof *m.table.offsets);
    assert_memory_equal(m.table.rows, t.table.rows, (size_t)t.table.offsets[3] * sizeof *m.table.rows);
    assert_memory_equal(m.table.used_buckets, t.table.used_buckets, 4 * sizeof(int32_t));
    assert_memory_equal(m.W, t.W, 7 * H * sizeof *m.W);

    /* saving the loaded model again gives the same bytes */
    size_t len1 = 0, len2 = 0;
    unsigned char *b1 = test_read_bytes(path, &len1);
    char path2[PATH_MAX];
    snprintf(path2, sizeof path2, "%s", test_tmpdir_path(dir, "m2.bin"));
    assert_int_equal(subword_model_save(path2, &m.vocab, &m.table, m.W, m.H, &err), DLFS_OK);
    unsigned char *b2 = test_read_bytes(path2, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(b1, b2, len1);
    free(b1);
    free(b2);
    subword_model_free(&m);
    assert_null(m.W);
    subword_model_free(&m);   /* safe on a zeroed model */
    tiny_free(&t);
}

/* The layout of docs/subwords.md "The model file", byte by byte for the tiny model. */
static void test_layout(void **state)
{
    size_t len = 0;
    unsigned char *b = tiny_bytes(*state, "m.bin", &len);
    /* header 40, words 4+2 + 4+2 + 4+5, 4 buckets, 7x3 floats, CRC */
    assert_int_equal(len, 40 + 21 + 16 + 7 * H * 4 + 4);
    assert_memory_equal(b, "DLFS2SUB", 8);
    /* version, V, H, minn, maxn, buckets, n_used at 8, 12, ..., 32 */
    const uint32_t want[7] = {1, 3, H, 3, 3, 2000000, 4};
    for (int i = 0; i < 7; i++) assert_int_equal(get_u32_at(b + 8 + 4 * i), want[i]);
    assert_int_equal(get_u32_at(b + 36), 2);   /* eos: <eos> is word 2 */
    assert_int_equal(get_u32_at(b + 40), 2);
    assert_memory_equal(b + 44, "ab", 2);
    assert_int_equal(get_u32_at(b + 46), 2);
    assert_memory_equal(b + 50, "cd", 2);
    assert_int_equal(get_u32_at(b + 52), 5);
    assert_memory_equal(b + 56, "<eos>", 5);
    assert_int_equal(get_u32_at(b + 61), subword_hash("<ab", 3) % 2000000);
    assert_int_equal(get_u32_at(b + 73), subword_hash("cd>", 3) % 2000000);
    float w;
    memcpy(&w, b + 77 + 4 * (4 * H + 2), 4);   /* row 4, column 2 */
    assert_true(w == 4.0f + 2.0f / 10.0f);
    assert_int_equal(get_u32_at(b + len - 4), (uint32_t)crc32(0, b, (uInt)(len - 4)));
    free(b);
}

static void test_vectors(void **state)
{
    size_t len = 0;
    unsigned char *b = tiny_bytes(*state, "m.bin", &len);
    SubwordModel m;
    DlfsError err = {0};
    assert_int_equal(subword_model_parse(&m, b, len, "m.bin", &err), DLFS_OK);
    free(b);
    float out[H];
    /* ab: rows 0 (itself), 3 (<ab), 4 (ab>): mean r = 7/3, plus k/10 */
    assert_int_equal(subword_model_vector(&m, "ab", out), 3);
    for (int k = 0; k < H; k++) assert_close(out[k], 7.0 / 3.0 + k / 10.0, 1e-6, 0);
    /* <eos>: only its own row 2 */
    assert_int_equal(subword_model_vector(&m, "<eos>", out), 1);
    for (int k = 0; k < H; k++) assert_close(out[k], 2.0 + k / 10.0, 1e-6, 0);
    /* abcd, unseen: <ab abc bcd cd>: rows 3 and 6, mean 4.5 */
    assert_int_equal(subword_model_vector(&m, "abcd", out), 2);
    for (int k = 0; k < H; k++) assert_close(out[k], 4.5 + k / 10.0, 1e-6, 0);
    /* cab: <ca cab ab>: only ab> (row 4) */
    assert_int_equal(subword_model_vector(&m, "cab", out), 1);
    for (int k = 0; k < H; k++) assert_close(out[k], 4.0 + k / 10.0, 1e-6, 0);
    /* xyz: no n-gram with a row */
    assert_int_equal(subword_model_vector(&m, "xyz", out), 0);
    for (int k = 0; k < H; k++) assert_true(out[k] == 0.0f);
    subword_model_free(&m);
}

static void test_damaged(void **state)
{
    size_t len = 0;
    unsigned char *b = tiny_bytes(*state, "m.bin", &len);
    unsigned char *d = malloc(len);

    /* truncated: the last bytes read as the CRC no longer match */
    expect_refused(b, len - 10, DLFS_ERR_FORMAT, "checksum mismatch");
    expect_refused(b, 30, DLFS_ERR_FORMAT, "truncated");
    expect_refused(b, 0, DLFS_ERR_FORMAT, "not a dlfs2 subword model");
    /* a flipped byte anywhere after the version */
    for (size_t at = 12; at < len; at += 7) {
        memcpy(d, b, len);
        d[at] ^= 0x10;
        expect_refused(d, len, DLFS_ERR_FORMAT, "checksum mismatch");
    }
    /* wrong magic, wrong version */
    memcpy(d, b, len);
    d[0] = 'X';
    expect_refused(d, len, DLFS_ERR_FORMAT, "not a dlfs2 subword model");
    memcpy(d, b, len);
    put_u32_at(d + 8, 2);
    expect_refused(d, len, DLFS_ERR_FORMAT, "version 2");

    /* sizes that lie (resealed, so only the sizes are wrong) */
    const struct {
        size_t at;
        uint32_t value;
        const char *want;
    } lies[] = {
        {12, 1000000000, "sizes larger than the file"},   /* V */
        {16, 2000000000, "sizes larger than the file"},   /* H */
        {16, 0, "bad sizes"},                             /* H */
        {12, 0, "bad sizes"},                             /* V */
        {32, 1000000, "sizes larger than the file"},      /* n_used */
        {32, 3000000, "bad sizes"},                       /* n_used > buckets */
        {20, 4, "bad n-gram settings"},                   /* minn 4 > maxn 3 */
        {24, 0, "bad n-gram settings"},                   /* maxn 0 */
        {28, 0, "bad n-gram settings"},                   /* buckets 0 */
        {36, 3, "line-end word"},                         /* eos 3 of 3 words */
        {40, 200, "ends inside the words"},               /* the first word's length */
        {16, 4, "sizes larger than the file"},            /* H 4: W is too short */
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        memcpy(d, b, len);
        put_u32_at(d + lies[i].at, lies[i].value);
        reseal(d, len);
        expect_refused(d, len, DLFS_ERR_FORMAT, lies[i].want);
    }

    /* settings that do not match the bucket list */
    const struct {
        size_t at;
        uint32_t value;
        const char *want;
    } mismatch[] = {
        {24, 4, "do not match"},        /* maxn 4: more buckets */
        {28, 1999999, "do not match"},  /* another bucket count */
        {61, 12345, "do not match"},    /* a bucket id */
        {36, 0xFFFFFFFFu, "do not match"},   /* no line end: <eos> gets n-grams */
    };
    for (size_t i = 0; i < sizeof mismatch / sizeof mismatch[0]; i++) {
        memcpy(d, b, len);
        put_u32_at(d + mismatch[i].at, mismatch[i].value);
        reseal(d, len);
        expect_refused(d, len, DLFS_ERR_FORMAT, mismatch[i].want);
    }

    /* a repeated word, an empty one, one with a space, a NaN in W */
    memcpy(d, b, len);
    memcpy(d + 50, "ab", 2);   /* cd -> ab */
    reseal(d, len);
    expect_refused(d, len, DLFS_ERR_FORMAT, "word 1 repeats word 0");
    memcpy(d, b, len);
    d[51] = ' ';
    reseal(d, len);
    expect_refused(d, len, DLFS_ERR_FORMAT, "whitespace");
    memcpy(d, b, len);
    const float nan_value = NAN;
    memcpy(d + 77 + 4 * 5, &nan_value, 4);
    reseal(d, len);
    expect_refused(d, len, DLFS_ERR_FORMAT, "NaN");
    memcpy(d, b, len);
    const float inf_value = INFINITY;
    memcpy(d + len - 8, &inf_value, 4);
    reseal(d, len);
    expect_refused(d, len, DLFS_ERR_FORMAT, "NaN or an infinity");

    /* a byte more than the sizes say */
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, b, len - 4);
    longer[len - 4] = 0;
    reseal(longer, len + 1);
    expect_refused(longer, len + 1, DLFS_ERR_FORMAT, "after the words");
    free(longer);
    free(d);
    free(b);
}

static void test_load_errors_and_save_refusals(void **state)
{
    const TestTmpdir *dir = *state;
    SubwordModel m;
    DlfsError err = {0};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(dir, "absent.bin"));
    assert_int_equal(subword_model_load(&m, path, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "absent.bin");

    /* a damaged file on disk: the message names it */
    size_t len = 0;
    unsigned char *b = tiny_bytes(dir, "m.bin", &len);
    b[len / 2] ^= 1;
    snprintf(path, sizeof path, "%s", test_tmpdir_path(dir, "bad.bin"));
    test_write_file(path, b, len);
    assert_int_equal(subword_model_load(&m, path, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "bad.bin: checksum mismatch");
    free(b);

    /* a refused save leaves the old file as it was */
    Tiny t;
    tiny_init(&t);
    snprintf(path, sizeof path, "%s", test_tmpdir_path(dir, "m.bin"));
    size_t before_len = 0;
    unsigned char *before = test_read_bytes(path, &before_len);
    t.W[5] = NAN;
    assert_int_equal(subword_model_save(path, &t.vocab, &t.table, t.W, H, &err), DLFS_ERR_NUMERIC);
    assert_int_equal(subword_model_save(path, &t.vocab, &t.table, t.W, 0, &err), DLFS_ERR_ARG);
    t.W[5] = 0.0f;
    vocab_add(&t.vocab, "extra");
    assert_int_equal(subword_model_save(path, &t.vocab, &t.table, t.W, H, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "4 words, the subword table 3");
    size_t after_len = 0;
    unsigned char *after = test_read_bytes(path, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    /* a directory that does not exist: an I/O error naming the path */
    snprintf(path, sizeof path, "%s", test_tmpdir_path(dir, "no/such/m.bin"));
    Tiny u;
    tiny_init(&u);
    assert_int_equal(subword_model_save(path, &u.vocab, &u.table, u.W, H, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "no/such/m.bin");
    tiny_free(&u);
    tiny_free(&t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_round_trip),
        T(test_layout),
        T(test_vectors),
        T(test_damaged),
        T(test_load_errors_and_save_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
