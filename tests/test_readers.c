/*
 * test_readers.c — how the readers of outside files answer bad input
 * (issue 8): the UTF-8 check and the quoting of bytes in messages
 * (common/textfile.h), and the corpus reader's limits (datasets/ptb.h):
 * invalid UTF-8 named by offset, a byte-order mark skipped, the longest
 * word allowed, a vocabulary full before the id type is (through
 * corpus_load_file_max, since 2^31 words will not fit in a test), and
 * messages from both readers that stay on one line; CORPUS_LOWERCASE's
 * folding beyond A-Z; and read_whole_file's
 * limit on streams (common/fs.h), so /dev/zero is an error, not a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "common/fs.h"
#include "common/textfile.h"
#include "datasets/ptb.h"
#include "datasets/vectors.h"
#include "tests/testutil.h"

/* ---- common/textfile.h: text_utf8_bad_offset, text_quote ---------------- */

#define BYTES(s) (s), sizeof(s) - 1

/* Well-formed sequences at every length and range edge, and each kind of bad one. */
static void test_utf8_bad_offset(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        size_t bad;  /* the expected offset; len when valid */
    } cases[] = {
        {BYTES(""), 0},
        {BYTES("plain ascii\n"), 12},
        {BYTES("a\0b"), 3},                       /* NUL is U+0000 */
        {BYTES("caf\xC3\xA9"), 5},                /* U+00E9 */
        {BYTES("\xC2\x80\xDF\xBF"), 4},           /* U+0080, U+07FF */
        {BYTES("\xE0\xA0\x80\xEF\xBF\xBF"), 6},   /* U+0800, U+FFFF */
        {BYTES("\xED\x9F\xBF\xEE\x80\x80"), 6},   /* U+D7FF, U+E000 around the surrogates */
        {BYTES("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), 8},  /* U+10000, U+10FFFF */
        {BYTES("ab\x80"), 2},                     /* a lone continuation byte */
        {BYTES("ab\xC0\xAF"), 2},                 /* overlong '/' */
        {BYTES("\xC1\xBF"), 0},                   /* overlong */
        {BYTES("x\xE0\x9F\xBF"), 1},              /* overlong 3-byte form */
        {BYTES("xy\xED\xA0\x80"), 2},             /* surrogate U+D800 */
        {BYTES("\xF0\x8F\xBF\xBF"), 0},           /* overlong 4-byte form */
        {BYTES("a\xF4\x90\x80\x80"), 1},          /* U+110000 */
        {BYTES("a\xF5\x80\x80\x80"), 1},
        {BYTES("a\xFF"), 1},
        {BYTES("\xE3\x81"), 0},                   /* cut off by the end */
        {BYTES("ok \xE3\x81\x82 \xE3\x81 ok"), 7},  /* cut off by a space */
        {BYTES("\xC3\xA9\xC3"), 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const size_t got = text_utf8_bad_offset(cases[k].s, cases[k].len);
        if (got != cases[k].bad) fail_msg("case %zu: offset %zu, expected %zu", k, got, cases[k].bad);
    }
}

static void test_quote(void **state)
{
    (void)state;
    char out[24];
    assert_string_equal(text_quote(out, sizeof out, BYTES("word")), "word");
    assert_string_equal(text_quote(out, sizeof out, BYTES("")), "");
    /* UTF-8 as it is; control bytes, C1 controls and bytes that are not UTF-8 escaped */
    assert_string_equal(text_quote(out, sizeof out, BYTES("caf\xC3\xA9")), "caf\xC3\xA9");
    assert_string_equal(text_quote(out, sizeof out, BYTES("a\nb\tc\x1B")), "a\\x0Ab\\x09c\\x1B");
    assert_string_equal(text_quote(out, sizeof out, BYTES("\x7F\xC2\x9B\xC2\xA0")), "\\x7F\\xC2\\x9B\xC2\xA0");
    assert_string_equal(text_quote(out, sizeof out, BYTES("\xFF\xE3\x81")), "\\xFF\\xE3\\x81");
    /* exactly 23 bytes fit; 24 are cut to 20 and "..." */
    assert_string_equal(text_quote(out, sizeof out, BYTES("abcdefghijklmnopqrstuvw")), "abcdefghijklmnopqrstuvw");
    assert_string_equal(text_quote(out, sizeof out, BYTES("abcdefghijklmnopqrstuvwx")), "abcdefghijklmnopqrst...");
    /* a cut never splits a character or an escape */
    assert_string_equal(text_quote(out, sizeof out, BYTES("abcdefghijklmnopqrs\xE3\x81\x82xyz")),
                        "abcdefghijklmnopqrs...");
    assert_string_equal(text_quote(out, sizeof out, BYTES("abcdefghijklmnopq\x01xyzzzz")), "abcdefghijklmnopq...");
    char tiny[4];
    assert_string_equal(text_quote(tiny, sizeof tiny, BYTES("abcd")), "...");
    assert_string_equal(text_quote(tiny, sizeof tiny, BYTES("abc")), "abc");
}

/* ---- datasets/ptb.h: corpus_load_file ------------------------------------ */

/* Loads bytes[0..len) written to a file as a corpus; the caller frees corpus and vocab. */
static int load_bytes(const TestTmpdir *t, const char *bytes, size_t len, int32_t max_words, Int32Array *corpus,
                      Vocab *vocab, DlfsError *err)
{
    const char *path = test_tmpdir_path(t, "corpus.txt");
    test_write_file(path, bytes, len);
    vocab_init(vocab);
    return corpus_load_file_max(path, max_words, corpus, vocab, err);
}

/* The message is "PATH:LINE: ..." followed by what, and one line without control bytes. */
static void assert_message(const TestTmpdir *t, const DlfsError *err, const char *line, const char *what)
{
    char where[PATH_MAX + 32];
    snprintf(where, sizeof where, "%s%s", test_tmpdir_path(t, "corpus.txt"), line);
    if (strncmp(err->msg, where, strlen(where)) != 0) fail_msg("\"%s\" does not start with \"%s\"", err->msg, where);
    assert_contains(err->msg, what);
    for (const unsigned char *c = (const unsigned char *)err->msg; *c; c++)
        if (*c < 0x20 || *c == 0x7F) fail_msg("control byte 0x%02x in \"%s\"", *c, err->msg);
}

static void test_corpus_rejects_invalid_utf8(void **state)
{
    const TestTmpdir *t = *state;
    Int32Array c;
    Vocab v;
    DlfsError err = {0};
    /* Latin-1 "café" on line 2, at offset 13 */
    assert_int_equal(load_bytes(t, BYTES("you say\nand caf\xE9 .\n"), CORPUS_MAX_WORDS, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":2: ", "byte 0xE9 at offset 15 is not UTF-8");
    assert_contains(err.msg, "iconv");
    assert_null(c.data);
    assert_int_equal(c.size, 0);
    vocab_free(&v);

    /* a surrogate: the first byte of the sequence is named */
    assert_int_equal(load_bytes(t, BYTES("a \xED\xA0\x80 b"), CORPUS_MAX_WORDS, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":1: ", "byte 0xED at offset 2 is not UTF-8");
    vocab_free(&v);

    /* a NUL byte before the bad byte is named first, and the other way round */
    assert_int_equal(load_bytes(t, BYTES("a\0 \xFF"), CORPUS_MAX_WORDS, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":1: ", "NUL byte at offset 1");
    vocab_free(&v);
    assert_int_equal(load_bytes(t, BYTES("\n\xFF \0"), CORPUS_MAX_WORDS, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":2: ", "byte 0xFF at offset 1 is not UTF-8");
    vocab_free(&v);
}

/* UTF-8 words of every length read as they are; a byte-order mark at the start is no word. */
static void test_corpus_utf8_and_bom(void **state)
{
    const TestTmpdir *t = *state;
    Int32Array c;
    Vocab v;
    DlfsError err = {0};
    assert_int_equal(load_bytes(t, BYTES("\xEF\xBB\xBF" "caf\xC3\xA9 \xE3\x81\x82 \xF0\x9F\x98\x80 caf\xC3\xA9"),
                                CORPUS_MAX_WORDS, &c, &v, &err),
                     DLFS_OK);
    assert_int_equal(c.size, 4);
    assert_int_equal(v.size, 3);
    assert_string_equal(vocab_word(&v, 0), "caf\xC3\xA9");
    assert_string_equal(vocab_word(&v, 1), "\xE3\x81\x82");
    assert_string_equal(vocab_word(&v, 2), "\xF0\x9F\x98\x80");
    assert_int_equal(c.data[3], 0);
    int32_array_free(&c);
    vocab_free(&v);

    /* a byte-order mark anywhere else is a character like any other */
    assert_int_equal(load_bytes(t, BYTES("a \xEF\xBB\xBF" "b"), CORPUS_MAX_WORDS, &c, &v, &err), DLFS_OK);
    assert_int_equal(v.size, 2);
    assert_string_equal(vocab_word(&v, 1), "\xEF\xBB\xBF" "b");
    int32_array_free(&c);
    vocab_free(&v);
}

/*
 * CORPUS_LOWERCASE: "Hello hello HELLO" is one word; letters beyond A-Z
 * fold too (É -> é, Greek, fullwidth Ａ); text without case is left as it
 * is; a byte-order mark is still no word; and text that is not UTF-8 is
 * refused with the same message as without the flag.
 */
static void test_corpus_lowercase(void **state)
{
    const TestTmpdir *t = *state;
    const char *path = test_tmpdir_path(t, "corpus.txt");
    Int32Array c;
    Vocab v;
    DlfsError err = {0};
    static const char text[] = "\xEF\xBB\xBF" "Hello hello HELLO\n"
                               "\xC3\x89" "cole " "\xC3\xA9" "cole "        /* École école */
                               "\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91 "  /* ΣΟΦΙΑ */
                               "\xEF\xBC\xA1 "                         /* fullwidth Ａ */
                               "\xE6\x9D\xB1\xE4\xBA\xAC\n";            /* 東京 */
    test_write_file(path, BYTES(text));

    /* without the flag: three hellos */
    vocab_init(&v);
    assert_int_equal(corpus_load_file_flags(path, 0, &c, &v, &err), DLFS_OK);
    assert_int_equal(c.size, 10);
    assert_int_equal(v.size, 9);
    int32_array_free(&c);
    vocab_free(&v);

    vocab_init(&v);
    assert_int_equal(corpus_load_file_flags(path, CORPUS_LOWERCASE, &c, &v, &err), DLFS_OK);
    assert_int_equal(c.size, 10);
    static const char *const words[] = {
        "hello", "<eos>", "\xC3\xA9" "cole",
        "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1",   /* σοφια */
        "\xEF\xBD\x81",                                /* fullwidth ａ */
        "\xE6\x9D\xB1\xE4\xBA\xAC",
    };
    assert_int_equal(v.size, 6);
    for (int i = 0; i < 6; i++) assert_string_equal(vocab_word(&v, i), words[i]);
    static const int32_t ids[] = {0, 0, 0, 1, 2, 2, 3, 4, 5, 1};
    assert_memory_equal(c.data, ids, sizeof ids);
    int32_array_free(&c);
    vocab_free(&v);

    /* not UTF-8: the same error, the same offset, as without the flag */
    test_write_file(path, BYTES("You say\nAnd caf\xE9 .\n"));
    vocab_init(&v);
    assert_int_equal(corpus_load_file_flags(path, CORPUS_LOWERCASE, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":2: ", "byte 0xE9 at offset 15 is not UTF-8");
    assert_null(c.data);
    vocab_free(&v);
}

static void test_corpus_word_length(void **state)
{
    const TestTmpdir *t = *state;
    const size_t n = CORPUS_MAX_WORD_BYTES + 1;
    char *text = malloc(n + 8);
    memcpy(text, "a\nb ", 4);
    memset(text + 4, 'x', n);
    Int32Array c;
    Vocab v;
    DlfsError err = {0};

    /* CORPUS_MAX_WORD_BYTES is allowed */
    assert_int_equal(load_bytes(t, text, 4 + n - 1, CORPUS_MAX_WORDS, &c, &v, &err), DLFS_OK);
    assert_int_equal(c.size, 4);
    assert_int_equal(strlen(vocab_word(&v, 3)), CORPUS_MAX_WORD_BYTES);
    int32_array_free(&c);
    vocab_free(&v);

    /* one more byte is not: line, length, offset, the word's start and the limit */
    assert_int_equal(load_bytes(t, text, 4 + n, CORPUS_MAX_WORDS, &c, &v, &err), DLFS_ERR_FORMAT);
    char what[128];
    snprintf(what, sizeof what, "a word of %zu bytes at offset 4 ('xxxxxxxxxxxxxxxxxxxx...'), longer than the %d allowed",
             n, CORPUS_MAX_WORD_BYTES);
    assert_message(t, &err, ":2: ", what);
    assert_null(c.data);
    vocab_free(&v);
    free(text);
}

/* The vocabulary's limit (CORPUS_MAX_WORDS, the id type's) tried with a small one. */
static void test_corpus_vocabulary_limit(void **state)
{
    const TestTmpdir *t = *state;
    Int32Array c;
    Vocab v;
    DlfsError err = {0};
    /* "<eos>" counts: a b <eos> a c -> 4 words */
    assert_int_equal(load_bytes(t, BYTES("a b\na c\n"), 4, &c, &v, &err), DLFS_OK);
    assert_int_equal(v.size, 4);
    assert_int_equal(c.size, 6);
    int32_array_free(&c);
    vocab_free(&v);

    assert_int_equal(load_bytes(t, BYTES("a b\na c\n"), 3, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":2: ", "word 'c' would be word 4, more than the 3 distinct words");
    assert_contains(err.msg, "int32_t");
    assert_null(c.data);
    assert_int_equal(c.size, 0);
    vocab_free(&v);

    /* "<eos>" itself can be the word too many */
    assert_int_equal(load_bytes(t, BYTES("a b\n"), 2, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_message(t, &err, ":1: ", "word '<eos>' would be word 3");
    vocab_free(&v);

    /* corpus_load_file is the same reader with the id type's limit */
    const char *path = test_tmpdir_path(t, "corpus.txt");
    vocab_init(&v);
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_OK);
    assert_int_equal(v.size, 3);
    int32_array_free(&c);
    vocab_free(&v);
}

/* ---- messages on one line --------------------------------------------------- */

/* Bytes from the file that reach a message are escaped: no newline, no terminal escape. */
static void test_messages_escape_file_bytes(void **state)
{
    const TestTmpdir *t = *state;
    static const struct {
        const char *bytes;
        size_t len;
        const char *what;
    } cases[] = {
        {BYTES("\x1B[2J 1\n"), "bad header '\\x1B[2J 1'"},
        {BYTES("\x93NUMPY\x01\x00v\x00{}\n"), "bad header '\\x93NUMPY\\x01\\x00v\\x00{}'"},
        {BYTES("2 1\nw\x1B[31m 1\nw\x1B[31m 2\n"), ":3: word 'w\\x1B[31m' repeats line 2"},
        {BYTES("2 1\n\xC2\x9B\xFF 1\n\xC2\x9B\xFF 2\n"), "word '\\xC2\\x9B\\xFF' repeats line 2"},
        {BYTES("2 1\nw 1\nv \x1B" "2\n"), ":3: value 1 ('\\x1B2') is not a number"},
        {BYTES("1 1\n\x1B\x07\x01\x02\x00\x03\x04"), "no space after the word '\\x1B\\x07\\x01\\x02': byte 0x00"},
    };
    const char *path = test_tmpdir_path(t, "vectors");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        test_write_file(path, cases[k].bytes, cases[k].len);
        Vocab v;
        vocab_init(&v);
        Tensor W = {0};
        DlfsError err = {0};
        assert_int_equal(vectors_load(path, &v, &W, &err), DLFS_ERR_FORMAT);
        if (!strstr(err.msg, cases[k].what)) fail_msg("case %zu: \"%s\" lacks \"%s\"", k, err.msg, cases[k].what);
        for (const unsigned char *c = (const unsigned char *)err.msg; *c; c++)
            if (*c < 0x20 || *c == 0x7F) fail_msg("case %zu: control byte 0x%02x in \"%s\"", k, *c, err.msg);
        assert_int_equal(v.size, 0);
        assert_null(W.data);
    }
}

/* ---- common/fs.h: read_whole_file's limit on streams -------------------- */

/* A stream stops at the limit with an error; a regular file is read whole whatever the limit. */
static void test_read_whole_file_stream_limit(void **state)
{
    const TestTmpdir *t = *state;
    char *buf = (char *)1;
    size_t len = 7;
    DlfsError err = {0};

    /* /dev/zero never ends: refused past the limit, nothing returned */
    assert_int_equal(read_whole_file_max("/dev/zero", 1000, &buf, &len, &err), DLFS_ERR_FORMAT);
    assert_string_equal(err.msg, "cannot read /dev/zero: it is not a regular file and goes on past 1000 bytes");
    assert_null(buf);
    assert_int_equal(len, 0);
    /* past the default limit too (1 GiB of zeros, read in doubling steps) */
    assert_int_equal(read_whole_file("/dev/zero", &buf, &len, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "goes on past 1073741824 bytes");
    assert_null(buf);

    /* a stream of exactly the limit is read; one byte more is not */
    const char *fifo = test_tmpdir_path(t, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    for (size_t n = 999; n <= 1001; n++) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "head -c %zu /dev/zero > '%s' &", n, fifo);
        assert_int_equal(system(cmd), 0);
        const int rc = read_whole_file_max(fifo, 1000, &buf, &len, &err);
        if (n <= 1000) {
            assert_int_equal(rc, DLFS_OK);
            assert_int_equal(len, n);
            assert_int_equal(buf[n], '\0');
            free(buf);
        } else {
            assert_int_equal(rc, DLFS_ERR_FORMAT);
            assert_contains(err.msg, "goes on past 1000 bytes");
        }
    }

    /* a regular file over the stream limit is read whole */
    const char *path = test_tmpdir_path(t, "big.txt");
    char bytes[3000];
    for (size_t k = 0; k < sizeof bytes; k++) bytes[k] = (char)('a' + k % 26);
    test_write_file(path, bytes, sizeof bytes);
    assert_int_equal(read_whole_file_max(path, 1000, &buf, &len, &err), DLFS_OK);
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(buf, bytes, sizeof bytes);
    free(buf);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_bad_offset),
        cmocka_unit_test(test_quote),
        T(test_corpus_rejects_invalid_utf8),
        T(test_corpus_utf8_and_bom),
        T(test_corpus_lowercase),
        T(test_corpus_word_length),
        T(test_corpus_vocabulary_limit),
        T(test_messages_escape_file_bytes),
        T(test_read_whole_file_stream_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
