/*
 * fuzz_corpus.c — libFuzzer target for corpus_load_file (datasets/ptb.h),
 * the reader of `dlfs2 train --corpus FILE`. The input is checked against a
 * reference reading written here independently of datasets/ptb.c:
 *   - it must be refused (a format error, one clean line naming the file,
 *     corpus left empty) exactly when it holds a NUL byte, a byte that is not
 *     UTF-8, a word longer than CORPUS_MAX_WORD_BYTES, or no token at all;
 *   - otherwise token i (a run of bytes between blanks " \t\r\v\f", or
 *     "<eos>" for each '\n'; a leading byte-order mark is skipped) is
 *     vocab_word(corpus[i]), ids are given in order of first appearance, and
 *     every id is < vocab->size;
 *   - corpus_load_file_max with room for 3 words gives the same, or a format
 *     error exactly when the reading has more than 3 distinct words;
 *   - input beginning with 1f 8b is read as gzip data (the loader reads
 *     through datasets/token_stream.h): a format error or a reading.
 * Crashes, leaks and undefined behaviour are reported by the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/ptb.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when s[0..n) is UTF-8: every sequence decodes to a scalar value in its shortest form. */
static int is_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const uint8_t c = s[i];
        int more;
        uint32_t cp, min;
        if (c < 0x80) { more = 0; cp = c; min = 0; }
        else if ((c & 0xE0) == 0xC0) { more = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { more = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { more = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if (n - i <= (size_t)more) return 0;
        for (int k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += (size_t)more + 1;
    }
    return 1;
}

static int is_blank(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The reference reading: tokens as (start, length) pairs; length 0 means "<eos>". */
typedef struct Token {
    size_t start, len;
} Token;

/* Splits data into tokens (malloc'ed, *n of them); returns 0 when a word is too long. */
static int split(const uint8_t *data, size_t size, Token **out, size_t *n)
{
    Token *t = malloc((size + 1) * sizeof *t);
    FUZZ_CHECK(t != NULL);
    size_t i = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, k = 0;
    int ok = 1;
    while (i < size) {
        if (is_blank(data[i])) {
            i++;
        } else if (data[i] == '\n') {
            t[k++] = (Token){i, 0};
            i++;
        } else {
            const size_t start = i;
            while (i < size && !is_blank(data[i]) && data[i] != '\n') i++;
            if (i - start > CORPUS_MAX_WORD_BYTES) ok = 0;
            t[k++] = (Token){start, i - start};
        }
    }
    *out = t;
    *n = k;
    return ok;
}

/* Checks corpus and vocab (which started empty) against the reference tokens; returns the distinct words. */
static int32_t check_reading(const uint8_t *data, const Token *t, size_t n, const Int32Array *corpus,
                             const Vocab *vocab)
{
    FUZZ_CHECK(corpus->size == n && corpus->data != NULL);
    int32_t next = 0;  /* the id the next new word gets */
    for (size_t i = 0; i < n; i++) {
        const int32_t id = corpus->data[i];
        FUZZ_CHECK(id >= 0 && id < vocab->size);
        FUZZ_CHECK(id <= next);
        if (id == next) next++;
        const char *w = vocab_word(vocab, id);
        if (t[i].len == 0) FUZZ_CHECK(strcmp(w, "<eos>") == 0);
        else FUZZ_CHECK(strlen(w) == t[i].len && memcmp(w, data + t[i].start, t[i].len) == 0);
    }
    FUZZ_CHECK(vocab->size == next);
    for (int32_t id = 0; id < vocab->size; id++) FUZZ_CHECK(vocab_get(vocab, vocab_word(vocab, id)) == id);
    return next;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int allowed[] = {DLFS_ERR_FORMAT, 0};
    const char *path = fuzz_path("corpus.txt");
    fuzz_write_file(path, data, size);

    /* Input beginning with gzip's magic bytes 1f 8b (never UTF-8 text) is
     * read as gzip data (datasets/token_stream.h): a format error or a
     * reading, never a crash or a hang; the reference below is for text. */
    if (size >= 2 && data[0] == 0x1F && data[1] == 0x8B) {
        Int32Array c = {0};
        Vocab v;
        vocab_init(&v);
        DlfsError e = {0};
        const int rz = corpus_load_file(path, &c, &v, &e);
        if (rz != DLFS_OK) {
            fuzz_check_error(rz, &e, path, allowed);
            FUZZ_CHECK(c.data == NULL && c.size == 0);
        }
        int32_array_free(&c);
        vocab_free(&v);
        return 0;
    }

    Token *tokens;
    size_t n;
    const int words_ok = split(data, size, &tokens, &n);
    const int expect_ok = memchr(data, '\0', size) == NULL && is_utf8(data, size) && words_ok && n > 0;

    Int32Array corpus = {0};
    Vocab vocab;
    vocab_init(&vocab);
    DlfsError err = {0};
    const int rc = corpus_load_file(path, &corpus, &vocab, &err);
    if (rc != DLFS_OK) fuzz_check_error(rc, &err, path, allowed);
    FUZZ_CHECK((rc == DLFS_OK) == expect_ok);
    int32_t distinct = 0;
    if (rc == DLFS_OK) distinct = check_reading(data, tokens, n, &corpus, &vocab);
    else FUZZ_CHECK(corpus.data == NULL && corpus.size == 0);
    int32_array_free(&corpus);
    vocab_free(&vocab);

    /* The same with room for 3 words. */
    enum { MAX_WORDS = 3 };
    vocab_init(&vocab);
    const int rc3 = corpus_load_file_max(path, MAX_WORDS, &corpus, &vocab, &err);
    if (rc3 != DLFS_OK) {
        fuzz_check_error(rc3, &err, path, allowed);
        FUZZ_CHECK(corpus.data == NULL && corpus.size == 0);
        FUZZ_CHECK(vocab.size <= MAX_WORDS);
    }
    FUZZ_CHECK((rc3 == DLFS_OK) == (expect_ok && distinct <= MAX_WORDS));
    if (rc3 == DLFS_OK) check_reading(data, tokens, n, &corpus, &vocab);
    if (expect_ok && distinct > MAX_WORDS) FUZZ_CHECK(strstr(err.msg, "would be word 4,") != NULL);
    int32_array_free(&corpus);
    vocab_free(&vocab);

    /* Folded to lower case (train --lowercase): the same tokens, never more
     * distinct words. Folding changes a word's length in bytes (U+1E9E is 3
     * bytes, its lower case 2), so a word at the limit may pass one way and
     * not the other: apart from that, refused exactly where the plain reading is. */
    vocab_init(&vocab);
    const int rcl = corpus_load_file_flags(path, CORPUS_LOWERCASE, &corpus, &vocab, &err);
    if (rcl != DLFS_OK) {
        fuzz_check_error(rcl, &err, path, allowed);
        FUZZ_CHECK(corpus.data == NULL && corpus.size == 0);
        FUZZ_CHECK(!expect_ok || strstr(err.msg, " bytes at offset ") != NULL);
    } else if (expect_ok) {
        FUZZ_CHECK(corpus.size == n);
        FUZZ_CHECK(vocab.size <= distinct);
    } else {
        FUZZ_CHECK(!words_ok);
    }
    int32_array_free(&corpus);
    vocab_free(&vocab);
    free(tokens);
    return 0;
}
