/*
 * test_vocab_file.c — the vocabulary pass (datasets/vocab_file.h): counts
 * of a hand-made corpus, the words chosen by min-count and max-vocab in
 * count and first-appearance order (worked out by hand), the file's round
 * trip and each bad input's message; recipe_data_load_vocab (train
 * --vocab): ids from the file, words outside skipped, its errors. On the
 * real PTB: --order first gives ptb_load_data's word_to_id, and the corpus
 * read with that vocabulary is ptb_load_data's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "datasets/ptb.h"
#include "datasets/vocab_file.h"
#include "recipe/data.h"
#include "tests/testutil.h"

/* first appearance: a b <eos> c d e ; counts a 3, b 2, <eos> 3, c 1, d 2, e 2 */
static const char CORPUS[] = "a b\nc a d b\ne d a e\n";

static void count(const TestTmpdir *t, Vocab *v, int64_t **counts)
{
    const char *path = test_tmpdir_path(t, "corpus.txt");
    test_write_file(path, CORPUS, sizeof CORPUS - 1);
    vocab_init(v);
    DlfsError err = {0};
    assert_int_equal(vocab_count_corpus(path, 0, 3, v, counts, &err), DLFS_OK);
}

static void test_count_and_select(void **state)
{
    Vocab v;
    int64_t *c;
    count(*state, &v, &c);
    assert_int_equal(v.size, 6);
    const char *words[] = {"a", "b", "<eos>", "c", "d", "e"};
    const int64_t expect[] = {3, 2, 3, 1, 2, 2};
    for (int i = 0; i < 6; i++) {
        assert_string_equal(vocab_word(&v, i), words[i]);
        assert_int_equal(c[i], expect[i]);
    }
    int32_t *ids, n;
    /* count order: <eos>, then a (3), then b d e (2 each, first appearance), then c */
    vocab_select(&v, c, 1, 0, VOCAB_ORDER_COUNT, &ids, &n);
    const int32_t all[] = {2, 0, 1, 4, 5, 3};
    assert_int_equal(n, 6);
    assert_memory_equal(ids, all, sizeof all);
    free(ids);
    /* first order: the ids themselves */
    vocab_select(&v, c, 1, 0, VOCAB_ORDER_FIRST, &ids, &n);
    const int32_t first[] = {0, 1, 2, 3, 4, 5};
    assert_int_equal(n, 6);
    assert_memory_equal(ids, first, sizeof first);
    free(ids);
    /* min-count 4: only <eos>, which is kept even below it; min-count 3: <eos> and a */
    vocab_select(&v, c, 4, 0, VOCAB_ORDER_COUNT, &ids, &n);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 2);
    free(ids);
    vocab_select(&v, c, 3, 0, VOCAB_ORDER_COUNT, &ids, &n);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], 2);
    assert_int_equal(ids[1], 0);
    free(ids);
    /* max-vocab 4: <eos> a b d (the tie of b d e cut by first appearance), in first order a b <eos> d */
    vocab_select(&v, c, 1, 4, VOCAB_ORDER_COUNT, &ids, &n);
    const int32_t top4[] = {2, 0, 1, 4};
    assert_int_equal(n, 4);
    assert_memory_equal(ids, top4, sizeof top4);
    free(ids);
    vocab_select(&v, c, 1, 4, VOCAB_ORDER_FIRST, &ids, &n);
    const int32_t top4_first[] = {0, 1, 2, 4};
    assert_int_equal(n, 4);
    assert_memory_equal(ids, top4_first, sizeof top4_first);
    free(ids);
    free(c);
    vocab_free(&v);
}

static void test_round_trip(void **state)
{
    const TestTmpdir *t = *state;
    Vocab v;
    int64_t *c;
    count(t, &v, &c);
    int32_t *ids, n;
    vocab_select(&v, c, 1, 0, VOCAB_ORDER_COUNT, &ids, &n);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(t, "vocab.txt"));
    DlfsError err = {0};
    assert_int_equal(vocab_file_write(path, &v, c, ids, n, &err), DLFS_OK);
    size_t len;
    unsigned char *bytes = test_read_bytes(path, &len);
    assert_string_equal((char *)bytes, "<eos> 3\na 3\nb 2\nd 2\ne 2\nc 1\n");
    free(bytes);
    Vocab r;
    vocab_init(&r);
    int64_t *rc;
    assert_int_equal(vocab_file_read(path, VOCAB_FILE_COUNT_ORDER, &r, &rc, &err), DLFS_OK);
    assert_int_equal(r.size, n);
    for (int32_t i = 0; i < n; i++) {
        assert_string_equal(vocab_word(&r, i), vocab_word(&v, ids[i]));
        assert_int_equal(rc[i], c[ids[i]]);
    }
    free(rc);
    vocab_free(&r);
    free(ids);
    /* first order, read without the order check */
    vocab_select(&v, c, 1, 0, VOCAB_ORDER_FIRST, &ids, &n);
    assert_int_equal(vocab_file_write(path, &v, c, ids, n, &err), DLFS_OK);
    vocab_init(&r);
    assert_int_equal(vocab_file_read(path, 0, &r, NULL, &err), DLFS_OK);
    for (int32_t i = 0; i < n; i++) assert_string_equal(vocab_word(&r, i), vocab_word(&v, i));
    vocab_free(&r);
    /* the same file is not in count order: b 2 then <eos> 3 */
    vocab_init(&r);
    assert_int_equal(vocab_file_read(path, VOCAB_FILE_COUNT_ORDER, &r, NULL, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, ":3: count 3 is above the 2 of the line before");
    assert_int_equal(r.size, 0);
    vocab_free(&r);
    free(ids);
    free(c);
    vocab_free(&v);
    /* a first word that begins with U+FEFF survives (found by fuzz_vocab_file) */
    vocab_init(&v);
    vocab_add(&v, "\xEF\xBB\xBFx");
    const int64_t one = 1;
    const int32_t id0 = 0;
    assert_int_equal(vocab_file_write(path, &v, &one, &id0, 1, &err), DLFS_OK);
    vocab_init(&r);
    assert_int_equal(vocab_file_read(path, 0, &r, NULL, &err), DLFS_OK);
    assert_int_equal(r.size, 1);
    assert_string_equal(vocab_word(&r, 0), "\xEF\xBB\xBFx");
    vocab_free(&r);
    vocab_free(&v);
}

/* Reading text as a vocabulary file fails with a format error whose message holds expect. */
static void check_bad(const TestTmpdir *t, const char *text, size_t len, unsigned flags, const char *expect)
{
    const char *path = test_tmpdir_path(t, "bad.vocab");
    test_write_file(path, text, len);
    Vocab v;
    vocab_init(&v);
    int64_t *c = (int64_t *)&v;  /* must become NULL */
    DlfsError err = {0};
    assert_int_equal(vocab_file_read(path, flags, &v, &c, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, path);
    assert_contains(err.msg, expect);
    assert_null(c);
    assert_int_equal(v.size, 0);
    assert_null(strchr(err.msg, '\n'));
    vocab_free(&v);
}

#define BAD(text, flags, expect) check_bad(t, text, sizeof text - 1, flags, expect)

static void test_bad_inputs(void **state)
{
    const TestTmpdir *t = *state;
    BAD("", 0, ": no words (an empty vocabulary file)");
    BAD("a 1\n\nb 1\n", 0, ":2: expected 'word count', got an empty line");
    BAD("a 1\nb\n", 0, ":2: expected 'word count', got a word without a count");
    BAD("a 1\nb c 2\n", 0, ":2: expected 'word count', got more than two fields");
    BAD("a 1\nb x\n", 0, ":2: the count of 'b' is 'x', not a whole number");
    BAD("a -3\n", 0, ":1: the count of 'a' is '-3', not a whole number");
    BAD("a 1.5\n", 0, ":1: the count of 'a' is '1.5'");
    BAD("a 99999999999999999999\n", 0, ":1: the count of 'a' is '99999999999999999999'");
    BAD("a 2\nb 1\na 1\n", 0, ":3: the word 'a' again (first on line 1)");
    BAD("a 1\n\xC3\x28 1\n", 0, ":2: the word '\\xC3(' is not UTF-8");
    BAD("a 1\nb\0 1\n", 0, ":2: NUL byte");
    BAD("<eos> 1\na 5\nb 6\n", VOCAB_FILE_COUNT_ORDER, ":3: count 6 is above the 5 of the line before");
    BAD("a 5\nb 6\n", VOCAB_FILE_COUNT_ORDER, ":2: count 6 is above the 5");
    /* accepted: <eos> first below the next count, a BOM, CRLF, tabs, no final newline, count 0 */
    const char *path = test_tmpdir_path(t, "ok.vocab");
    static const char ok[] = "\xEF\xBB\xBF<eos> 1\r\nthe\t9\r\nof   0";
    test_write_file(path, ok, sizeof ok - 1);
    Vocab v;
    vocab_init(&v);
    int64_t *c;
    DlfsError err = {0};
    assert_int_equal(vocab_file_read(path, VOCAB_FILE_COUNT_ORDER, &v, &c, &err), DLFS_OK);
    assert_int_equal(v.size, 3);
    assert_string_equal(vocab_word(&v, 1), "the");
    assert_int_equal(c[1], 9);
    assert_int_equal(c[2], 0);
    free(c);
    vocab_free(&v);
    /* a missing file */
    vocab_init(&v);
    assert_int_equal(vocab_file_read(test_tmpdir_path(t, "absent"), 0, &v, &c, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "absent");
    vocab_free(&v);
}

static void test_recipe_data_load_vocab(void **state)
{
    const TestTmpdir *t = *state;
    char corpus[PATH_MAX], vocab[PATH_MAX];
    snprintf(corpus, sizeof corpus, "%s", test_tmpdir_path(t, "corpus.txt"));
    snprintf(vocab, sizeof vocab, "%s", test_tmpdir_path(t, "v.txt"));
    test_write_file(corpus, CORPUS, sizeof CORPUS - 1);
    /* ids from the file's order; c and e are not in it */
    static const char v1[] = "<eos> 3\nd 2\na 3\nb 2\nunused 7\n";
    test_write_file(vocab, v1, sizeof v1 - 1);
    RecipeData d;
    int64_t skipped = -1;
    DlfsError err = {0};
    assert_int_equal(recipe_data_load_vocab(&d, corpus, NULL, 0, vocab, &skipped, &err), DLFS_OK);
    /* a b <eos> [c] a d b <eos> [e] d a [e] <eos> */
    const int32_t expect[] = {2, 3, 0, 2, 1, 3, 0, 1, 2, 0};
    assert_int_equal(skipped, 3);
    assert_int_equal(d.vocab.size, 5);
    assert_int_equal(d.corpus.size, 10);
    assert_memory_equal(d.corpus.data, expect, sizeof expect);
    assert_string_equal(d.ptb_dir, "");
    recipe_data_free(&d);
    /* no sentence end */
    static const char v2[] = "a 3\nb 2\n";
    test_write_file(vocab, v2, sizeof v2 - 1);
    assert_int_equal(recipe_data_load_vocab(&d, corpus, NULL, 0, vocab, &skipped, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "no line for the sentence end <eos>");
    recipe_data_free(&d);
    /* no word of the corpus */
    static const char v3[] = "<eos> 3\nx 2\ny 1\n";
    test_write_file(vocab, v3, sizeof v3 - 1);
    assert_int_equal(recipe_data_load_vocab(&d, corpus, NULL, 0, vocab, &skipped, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "no word of the corpus (but the sentence end) is in the vocabulary");
    recipe_data_free(&d);
    /* a bad vocabulary file */
    static const char v4[] = "<eos> 3\na\n";
    test_write_file(vocab, v4, sizeof v4 - 1);
    assert_int_equal(recipe_data_load_vocab(&d, corpus, NULL, 0, vocab, &skipped, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, ":2: expected 'word count'");
    recipe_data_free(&d);
}

/* The real PTB: first order = ptb_load_data's word_to_id; the corpus read with it = ptb_load_data's. */
static void test_real_ptb_first_order(void **state)
{
    const TestTmpdir *t = *state;
    const char *dir = test_ptb_dir();
    Int32Array ref = {0};
    Vocab vr;
    vocab_init(&vr);
    DlfsError err = {0};
    assert_int_equal(ptb_load_data(dir, "train", &ref, &vr, &err), DLFS_OK);
    char path[PATH_MAX], out[PATH_MAX];
    snprintf(path, sizeof path, "%s/ptb.train.txt", dir);
    snprintf(out, sizeof out, "%s", test_tmpdir_path(t, "ptb.vocab"));
    Vocab v;
    vocab_init(&v);
    int64_t *c;
    assert_int_equal(vocab_count_corpus(path, 0, 0, &v, &c, &err), DLFS_OK);
    int32_t *ids, n;
    vocab_select(&v, c, 1, 0, VOCAB_ORDER_FIRST, &ids, &n);
    assert_int_equal(vocab_file_write(out, &v, c, ids, n, &err), DLFS_OK);
    free(ids);
    /* min-count 5 leaves out 141 words (the number) */
    vocab_select(&v, c, 5, 0, VOCAB_ORDER_COUNT, &ids, &n);
    assert_int_equal(n, 10000 - 141);
    assert_string_equal(vocab_word(&v, ids[0]), "<eos>");
    assert_string_equal(vocab_word(&v, ids[1]), "the");
    free(ids);
    free(c);
    vocab_free(&v);
    RecipeData d;
    int64_t skipped = -1;
    assert_int_equal(recipe_data_load_vocab(&d, path, NULL, 0, out, &skipped, &err), DLFS_OK);
    assert_int_equal(skipped, 0);
    assert_int_equal(d.vocab.size, vr.size);
    for (int32_t i = 0; i < vr.size; i++) assert_string_equal(vocab_word(&d.vocab, i), vocab_word(&vr, i));
    assert_int_equal(d.corpus.size, ref.size);
    assert_memory_equal(d.corpus.data, ref.data, ref.size * sizeof *ref.data);
    recipe_data_free(&d);
    int32_array_free(&ref);
    vocab_free(&vr);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_count_and_select),
        T(test_round_trip),
        T(test_bad_inputs),
        T(test_recipe_data_load_vocab),
        /* the last one needs the real PTB */
        T(test_real_ptb_first_order),
    };
    return run_tests_needing_ptb("vocab_file", tests, sizeof tests / sizeof tests[0], 1, NULL, NULL);
}
