/*
 * test_token_stream.c — the streamed tokenizer (datasets/token_stream.h)
 * against the in-memory reader (datasets/ptb.h corpus_load_file): the same
 * tokens and the same error messages for every chunk size from 1 byte up,
 * so chunk ends fall inside words, inside UTF-8 sequences and at line
 * ends; plain files, gzip files and standard input; --lowercase; truncated
 * and corrupt gzip data. The reference is the in-memory reader ptb.c had
 * before its loaders read through the stream (a copy kept below); the
 * loaders (corpus_load_file_flags) are checked against it too. On the real
 * PTB: ptb_load_data's ids (train, valid) and corpus_load_file's of a .gz
 * equal the old reader's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include <cmocka.h>
#include <unicase.h>
#include <zlib.h>

#include "datasets/ptb.h"
#include "datasets/token_stream.h"
#include "common/fs.h"
#include "common/textfile.h"
#include "common/check.h"
#include "tests/testutil.h"

/* ---- the reference: the in-memory reader ptb.c had before it read through
 * the stream (kept here unchanged, as it was at 0442a3f, so the streamed
 * loaders are checked against the old one's ids and messages) ---------- */

static int ref_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Why text[0..len) cannot be a corpus before it is split: a NUL byte (binary
 * data) or a byte that is not UTF-8, whichever comes first; DLFS_OK when
 * neither is there.
 */
static int ref_check_text(const char *path, const char *text, size_t len, DlfsError *err)
{
    const char *nul = memchr(text, '\0', len);
    const size_t nul_at = nul ? (size_t)(nul - text) : len;
    const size_t bad_at = text_utf8_bad_offset(text, nul_at);
    const size_t at = bad_at < nul_at ? bad_at : nul_at;
    if (at == len) return DLFS_OK;
    size_t line = 1;
    for (const char *q = text; q < text + at; q++) line += *q == '\n';
    if (at == nul_at)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: NUL byte at offset %zu (not a text file?)", path, line, at);
    return dlfs_fail(err, DLFS_ERR_FORMAT,
                     "%s:%zu: byte 0x%02X at offset %zu is not UTF-8 (not a text file, or another encoding: "
                     "convert it with iconv -t UTF-8)",
                     path, line, (unsigned)(unsigned char)text[at], at);
}

/*
 * The id of word (found on line of path) into *id: its id in vocab, else,
 * with vocab_source NULL, a new id while vocab has fewer than max_words
 * words. Errors (DLFS_ERR_FORMAT): the vocabulary is full, or word is not
 * in vocab_source's vocabulary.
 */
static int ref_word_id(const char *path, size_t line, const char *word, const char *vocab_source, int32_t max_words,
                   Vocab *vocab, int32_t *id, DlfsError *err)
{
    char shown[104];
    *id = vocab_get(vocab, word);
    if (*id >= 0) return DLFS_OK;
    if (vocab_source)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: word '%s' is not in the vocabulary of %s", path, line,
                         text_quote(shown, sizeof shown, word, strlen(word)), vocab_source);
    if (vocab->size >= max_words)
        return dlfs_fail(err, DLFS_ERR_FORMAT,
                         "%s:%zu: word '%s' would be word %ld, more than the %ld distinct words a vocabulary may "
                         "hold here (word ids are int32_t)",
                         path, line, text_quote(shown, sizeof shown, word, strlen(word)), (long)vocab->size + 1,
                         (long)max_words);
    *id = vocab_add(vocab, word);
    return DLFS_OK;
}

/*
 * Turns text[0..len) (text[len] == '\0', writable) into ids. With
 * vocab_source NULL new words join vocab while it has fewer than max_words
 * words; otherwise vocab is frozen and an unknown word is a format error
 * naming vocab_source (valid and test may only use train's words).
 */
static int ref_tokenize(const char *path, char *text, size_t len, const char *vocab_source, int32_t max_words,
                    Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    int rc = ref_check_text(path, text, len, err);
    if (rc) return rc;

    size_t cap = len / 4 + 16, n = 0, line = 1;
    int32_t *ids = dlfs_malloc(cap * sizeof *ids);
    int32_t eos = -1;
    char *p = text;
    char *const end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p += 3;  /* a UTF-8 byte-order mark is no word */
    char shown[104];  /* a word for a message */
    while (p < end) {
        if (ref_is_blank(*p)) {
            p++;
            continue;
        }
        int32_t id;
        if (*p == '\n') {
            /* ptb.py's replace('\n', '<eos>'): "<eos>" gets its id where it first appears. */
            if (eos < 0) {
                rc = ref_word_id(path, line, "<eos>", vocab_source, max_words, vocab, &eos, err);
                if (rc) goto fail;
            }
            id = eos;
            line++;
            p++;
        } else {
            char *word = p;
            while (p < end && !ref_is_blank(*p) && *p != '\n') p++;
            const size_t word_len = (size_t)(p - word);
            if (word_len > CORPUS_MAX_WORD_BYTES) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                               "%s:%zu: a word of %zu bytes at offset %zu ('%s'), longer than the %d allowed "
                               "(is the text split into words by spaces?)",
                               path, line, word_len, (size_t)(word - text), text_quote(shown, 24, word, word_len),
                               CORPUS_MAX_WORD_BYTES);
                goto fail;
            }
            const char saved = *p;  /* p <= end and text[len] is readable */
            *p = '\0';
            rc = ref_word_id(path, line, word, vocab_source, max_words, vocab, &id, err);
            *p = saved;
            if (rc) goto fail;
        }
        if (n == (size_t)INT32_MAX) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: more than %d tokens", path, line, INT32_MAX);
            goto fail;
        }
        if (n == cap) {
            cap *= 2;
            ids = dlfs_realloc(ids, cap * sizeof *ids);
        }
        ids[n++] = id;
    }
    if (n == 0) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: no tokens (the file is empty or only whitespace)", path);
        goto fail;
    }
    corpus->data = dlfs_realloc(ids, n * sizeof *ids);
    corpus->size = n;
    return DLFS_OK;

fail:
    free(ids);
    return rc;
}

/*
 * CORPUS_LOWERCASE: replaces *text (len bytes, NUL-terminated, checked to
 * be UTF-8 without NUL bytes) by its lower-case form, NUL-terminated, and
 * *len by its length. libunistring's u8_tolower does the mapping: Unicode's
 * full case mapping, language-independent, no normalisation. Some letters
 * change length ('İ' becomes "i̇"), so later offsets count in the folded text.
 */
static int ref_fold_lower(const char *path, char **text, size_t *len, DlfsError *err)
{
    int rc = ref_check_text(path, *text, *len, err);  /* u8_tolower needs valid UTF-8 */
    if (rc) return rc;
    size_t n = 0;
    uint8_t *lower = u8_tolower((const uint8_t *)*text, *len, NULL, NULL, NULL, &n);
    if (!lower)
        return dlfs_fail(err, DLFS_ERR_IO, "%s: cannot fold the text to lower case: %s", path, strerror(errno));
    char *folded = dlfs_realloc(lower, n + 1);
    folded[n] = '\0';
    free(*text);
    *text = folded;
    *len = n;
    return DLFS_OK;
}

static int ref_load_tokens(const char *path, const char *vocab_source, int32_t max_words, unsigned flags,
                       Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    char *text = NULL;
    size_t len = 0;
    corpus->data = NULL;
    corpus->size = 0;
    int rc = read_whole_file(path, &text, &len, err);
    if (rc) return rc;
    if (flags & CORPUS_LOWERCASE) rc = ref_fold_lower(path, &text, &len, err);
    if (!rc) rc = ref_tokenize(path, text, len, vocab_source, max_words, corpus, vocab, err);
    free(text);
    return rc;
}


/* The old corpus_load_file_flags. */
static int ref_load(const char *path, unsigned flags, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return ref_load_tokens(path, NULL, CORPUS_MAX_WORDS, flags, corpus, vocab, err);
}

/* Writes bytes[0..len) gzip-compressed to path. */
static void write_gz(const char *path, const void *bytes, size_t len)
{
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    if (len) assert_int_equal(gzwrite(gz, bytes, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

/*
 * Reads path as a stream with the given chunk and flags into corpus ids
 * (vocab grows in first-appearance order, as corpus_load_file does).
 * Returns the status (DLFS_OK at the end) with the message in *err.
 */
static int stream_ids(const char *path, unsigned flags, size_t chunk, Int32Array *corpus, Vocab *vocab,
                      DlfsError *err)
{
    TokenStream s;
    int rc = token_stream_open(&s, path, flags, chunk, err);
    if (rc) return rc;
    size_t cap = 16, n = 0;
    int32_t *ids = malloc(cap * sizeof *ids);
    const char *w;
    size_t len;
    while ((rc = token_stream_next(&s, &w, &len, err)) == 1) {
        assert_int_equal(strlen(w), len);
        if (n == cap) ids = realloc(ids, (cap *= 2) * sizeof *ids);
        ids[n++] = vocab_add(vocab, w);
    }
    /* after the end (or an error) the same again */
    DlfsError again = {0};
    assert_int_equal(token_stream_next(&s, &w, &len, &again), rc);
    token_stream_close(&s);
    corpus->data = ids;
    corpus->size = n;
    return rc;
}

/* The streamed reading of path equals corpus_load_file_flags's (tokens, or the error message) for chunk. */
static void check_same(const char *path, unsigned flags, size_t chunk)
{
    Int32Array a = {0}, b = {0};
    Vocab va, vb;
    vocab_init(&va);
    vocab_init(&vb);
    DlfsError ea = {0}, eb = {0};
    const int ra = ref_load(path, flags, &a, &va, &ea);
    const int rb = stream_ids(path, flags, chunk, &b, &vb, &eb);
    if (ra != rb || (ra && strcmp(ea.msg, eb.msg) != 0))
        fail_msg("chunk %zu flags %u: in memory %d '%s', streamed %d '%s'", chunk, flags, ra, ea.msg, rb, eb.msg);
    if (ra == DLFS_OK) {
        assert_int_equal(a.size, b.size);
        assert_memory_equal(a.data, b.data, a.size * sizeof *a.data);
        assert_int_equal(va.size, vb.size);
        for (int32_t i = 0; i < va.size; i++) assert_string_equal(vocab_word(&va, i), vocab_word(&vb, i));
    }
    free(b.data);
    vocab_free(&vb);
    if (chunk == 0) {
        /* the loader (corpus_load_file_flags, which reads through the stream) as the old one */
        Int32Array c = {0};
        Vocab vc;
        vocab_init(&vc);
        DlfsError ec = {0};
        const int rc = corpus_load_file_flags(path, flags, &c, &vc, &ec);
        if (ra != rc || (ra && strcmp(ea.msg, ec.msg) != 0))
            fail_msg("flags %u: old loader %d '%s', new loader %d '%s'", flags, ra, ea.msg, rc, ec.msg);
        if (ra == DLFS_OK) {
            assert_int_equal(a.size, c.size);
            assert_memory_equal(a.data, c.data, a.size * sizeof *a.data);
            assert_int_equal(va.size, vc.size);
            for (int32_t i = 0; i < va.size; i++) assert_string_equal(vocab_word(&va, i), vocab_word(&vc, i));
        } else {
            assert_null(c.data);
            assert_int_equal(c.size, 0);
        }
        int32_array_free(&c);
        vocab_free(&vc);
    }
    int32_array_free(&a);
    vocab_free(&va);
}

/* check_same for chunks 1 .. 13, 64 and the default. */
static void check_all_chunks(const char *path, unsigned flags)
{
    for (size_t chunk = 1; chunk <= 13; chunk++) check_same(path, flags, chunk);
    check_same(path, flags, 64);
    check_same(path, flags, 0);
}

static const char TEXT[] =
    "\xEF\xBB\xBF" "the cat  sat\n"
    "on the\tmat\r\n"
    "\n"
    "caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 end\n"
    "   trailing   words\x0b\x0cno-newline";

static void test_same_tokens_every_chunk(void **state)
{
    const TestTmpdir *t = *state;
    const char *path = test_tmpdir_path(t, "text.txt");
    test_write_file(path, TEXT, sizeof TEXT - 1);
    check_all_chunks(path, 0);

    /* hand-counted: 3 + <eos>, 3 + <eos> ('\r' is a blank), <eos>, 5 + <eos>, 3 (\v and \f are blanks) */
    Int32Array c = {0};
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    assert_int_equal(stream_ids(path, 0, 3, &c, &v, &err), DLFS_OK);
    assert_int_equal(c.size, 18);
    assert_string_equal(vocab_word(&v, c.data[0]), "the");  /* the byte-order mark is no word */
    assert_string_equal(vocab_word(&v, c.data[3]), "<eos>");
    assert_string_equal(vocab_word(&v, c.data[9]), "caf\xC3\xA9");
    assert_string_equal(vocab_word(&v, c.data[17]), "no-newline");
    free(c.data);
    vocab_free(&v);
}

static void test_lowercase_same_as_whole_text(void **state)
{
    const TestTmpdir *t = *state;
    const char *path = test_tmpdir_path(t, "case.txt");
    /* Greek final sigma (ΟΔΟΣ -> οδος with ς at the end only), dotted I (2 bytes -> 3),
     * the Kelvin sign (3 bytes -> 'k'), ÉCOLE, and a sigma before a line end */
    static const char text[] = "Hello HELLO hello \xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xA3\xCE\x91\xCE\xA3\n"
                               "\xC4\xB0stanbul \xE2\x84\xAA" "elvin \xC3\x89" "COLE \xCE\x9F\xCE\xA3\n";
    test_write_file(path, text, sizeof text - 1);
    check_all_chunks(path, CORPUS_LOWERCASE);
    Int32Array c = {0};
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    assert_int_equal(stream_ids(path, CORPUS_LOWERCASE, 2, &c, &v, &err), DLFS_OK);
    assert_int_equal(c.size, 11);
    assert_int_equal(c.data[0], c.data[1]);
    assert_int_equal(c.data[1], c.data[2]);
    assert_string_equal(vocab_word(&v, c.data[3]), "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");  /* οδος, final ς */
    assert_string_equal(vocab_word(&v, c.data[4]), "\xCF\x83\xCE\xB1\xCF\x82");          /* σας */
    assert_string_equal(vocab_word(&v, c.data[7]), "kelvin");
    free(c.data);
    vocab_free(&v);
}

static void test_gzip_and_stdin(void **state)
{
    const TestTmpdir *t = *state;
    char plain[PATH_MAX], gz[PATH_MAX];
    snprintf(plain, sizeof plain, "%s", test_tmpdir_path(t, "text.txt"));
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "text.txt.gz"));
    test_write_file(plain, TEXT, sizeof TEXT - 1);
    write_gz(gz, TEXT, sizeof TEXT - 1);
    Int32Array a = {0}, b = {0};
    Vocab va, vb;
    vocab_init(&va);
    vocab_init(&vb);
    DlfsError err = {0};
    assert_int_equal(stream_ids(plain, 0, 5, &a, &va, &err), DLFS_OK);
    for (size_t chunk = 1; chunk <= 9; chunk += 4) {
        assert_int_equal(stream_ids(gz, 0, chunk, &b, &vb, &err), DLFS_OK);
        assert_int_equal(a.size, b.size);
        assert_memory_equal(a.data, b.data, a.size * sizeof *a.data);
        free(b.data);
        vocab_free(&vb);
        vocab_init(&vb);
    }
    /* standard input, gzip too */
    const int saved = dup(STDIN_FILENO);
    const int fd = open(gz, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    assert_int_equal(stream_ids("-", 0, 7, &b, &vb, &err), DLFS_OK);
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.data, b.data, a.size * sizeof *a.data);
    free(a.data);
    free(b.data);
    vocab_free(&va);
    vocab_free(&vb);
}

/* The streamed error for bytes[0..len) as a plain file with every chunk, and the same as in memory. */
static void check_error(const TestTmpdir *t, const char *bytes, size_t len, unsigned flags, const char *expect)
{
    const char *path = test_tmpdir_path(t, "bad.txt");
    test_write_file(path, bytes, len);
    check_all_chunks(path, flags);
    Int32Array c = {0};
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    assert_int_equal(stream_ids(path, flags, 1, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, expect);
    free(c.data);
    vocab_free(&v);
}

static void test_errors_same_as_in_memory(void **state)
{
    const TestTmpdir *t = *state;
    check_error(t, "ok\nbad \xC3\x28 x\n", 12, 0, ":2: byte 0xC3 at offset 7 is not UTF-8");
    check_error(t, "ok\n\nnul \0 x", 11, 0, ":3: NUL byte at offset 8");
    check_error(t, "ends mid \xE6\x97", 11, 0, ":1: byte 0xE6 at offset 9 is not UTF-8");  /* cut off at the end */
    check_error(t, "surrogate \xED\xA0\x80", 13, 0, "byte 0xED at offset 10");
    check_error(t, "", 0, 0, "no tokens (the file is empty or only whitespace)");
    check_error(t, " \t \r ", 5, 0, "no tokens");
    check_error(t, "\xEF\xBB\xBF", 3, 0, "no tokens");
    /* a word of 1025 bytes at offset 3 of line 2, in a long file */
    enum { N = CORPUS_MAX_WORD_BYTES + 1 };
    char *text = malloc(N + 64);
    memcpy(text, "a\nb ", 4);
    memset(text + 4, 'x', N);
    memcpy(text + 4 + N, " tail\n", 6);
    check_error(t, text, N + 10, 0, ":2: a word of 1025 bytes at offset 4 ('xxxxxxxxxxxxxxxxxxxx...')");
    check_error(t, text, N + 4, 0, "a word of 1025 bytes");  /* the file ends in the word */
    /* folded: 342 Kelvin signs (1026 bytes) fold to 342 bytes; 1025 'A's stay too long; 'İ' grows */
    memcpy(text, "A\n", 2);
    memset(text + 2, 'A', N);
    check_error(t, text, N + 2, CORPUS_LOWERCASE, ":2: a word of 1025 bytes at offset 2 ('aaaa");
    for (int i = 0; i < 342; i++) memcpy(text + 3 * i, "\xE2\x84\xAA", 3);
    const char *path = test_tmpdir_path(t, "kelvin.txt");
    test_write_file(path, text, 3 * 342);
    check_all_chunks(path, CORPUS_LOWERCASE);
    for (int i = 0; i < 513; i++) memcpy(text + 2 * i, "\xC4\xB0", 2);  /* 1026 bytes that fold to 1539 */
    check_error(t, text, 2 * 513, CORPUS_LOWERCASE, "a word of 1539 bytes at offset 0 ('i\xCC\x87");
    free(text);
}

static void test_truncated_and_corrupt_gzip(void **state)
{
    const TestTmpdir *t = *state;
    char gz[PATH_MAX];
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "c.gz"));
    /* enough text that the compressed stream has a middle */
    char text[4000];
    for (size_t i = 0; i < sizeof text; i++) text[i] = (char)("abcdefgh \n"[(i * 7 + i / 13) % 10]);
    write_gz(gz, text, sizeof text);
    size_t len;
    unsigned char *bytes = test_read_bytes(gz, &len);
    assert_true(len > 40);
    Int32Array c = {0};
    Vocab v;
    DlfsError err = {0};
    /* truncated: the last 20 bytes (the end of the data and the trailer) gone */
    test_write_file(gz, bytes, len - 20);
    for (size_t chunk = 1; chunk <= 4096; chunk *= 8) {
        vocab_init(&v);
        assert_int_equal(stream_ids(gz, 0, chunk, &c, &v, &err), DLFS_ERR_FORMAT);
        assert_contains(err.msg, gz);
        assert_contains(err.msg, "truncated gzip data");
        free(c.data);
        vocab_free(&v);
    }
    /* corrupt: the stored CRC is wrong */
    bytes[len - 6] ^= 0x55;
    test_write_file(gz, bytes, len);
    vocab_init(&v);
    assert_int_equal(stream_ids(gz, 0, 512, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "corrupt gzip data");
    assert_contains(err.msg, "incorrect data check");
    free(c.data);
    vocab_free(&v);
    /* corrupt deflate data in the middle */
    bytes[len - 6] ^= 0x55;
    for (size_t i = 12; i < 30; i++) bytes[i] = 0xFF;
    test_write_file(gz, bytes, len);
    vocab_init(&v);
    const int rc = stream_ids(gz, 0, 512, &c, &v, &err);
    assert_int_equal(rc, DLFS_ERR_FORMAT);
    assert_contains(err.msg, "gzip data");
    free(c.data);
    vocab_free(&v);
    free(bytes);
    /* a missing file */
    TokenStream s;
    assert_int_equal(token_stream_open(&s, test_tmpdir_path(t, "absent.txt"), 0, 0, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "absent.txt");
    token_stream_close(&s);
}

/* The real PTB: the old reader's ids from ptb_load_data, the stream, a .gz. */
/* ---- byte ranges ---- */

/* The tokens of an open stream appended to *out (each followed by '\n'; no token holds one); the status. */
typedef struct {
    char *data;
    size_t len, cap;
    uint64_t count, hash;  /* tokens, and FNV-1a over data */
} TokenList;

static void list_add(TokenList *l, const char *w, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        l->cap = 2 * (l->len + n + 1) + 64;
        l->data = realloc(l->data, l->cap);
        assert_non_null(l->data);
    }
    memcpy(l->data + l->len, w, n);
    l->data[l->len + n] = '\n';
    for (size_t k = 0; k <= n; k++) {
        l->hash ^= (unsigned char)l->data[l->len + k];
        l->hash *= 1099511628211ULL;
    }
    l->len += n + 1;
    l->count++;
}

static int drain(TokenStream *s, TokenList *l, DlfsError *err)
{
    const char *w;
    size_t n;
    int rc;
    while ((rc = token_stream_next(s, &w, &n, err)) == 1) list_add(l, w, n);
    token_stream_close(s);
    return rc;
}

static void list_init(TokenList *l)
{
    memset(l, 0, sizeof *l);
    l->hash = 14695981039346656037ULL;
}

static int read_range(const char *path, unsigned flags, size_t chunk, uint64_t a, uint64_t b, TokenList *l)
{
    TokenStream s;
    DlfsError err = {0};
    int rc = token_stream_open_range(&s, path, flags, chunk, a, b, &err);
    if (rc) return rc;
    rc = drain(&s, l, &err);
    if (rc) fprintf(stderr, "%s\n", err.msg);
    return rc;
}

static void whole_list(const char *path, unsigned flags, TokenList *l)
{
    TokenStream s;
    DlfsError err = {0};
    list_init(l);
    assert_int_equal(token_stream_open(&s, path, flags, 0, &err), DLFS_OK);
    assert_int_equal(drain(&s, l, &err), 0);
}

/* For every 0 <= a <= b <= size and chunks 1..5: [0,a) [a,b) [b,size) give the whole stream's tokens. */
static void check_every_split(const char *path, const char *text, size_t size, unsigned flags)
{
    test_write_file(path, text, size);
    TokenList whole;
    whole_list(path, flags, &whole);
    assert_true(whole.count > 0);
    for (size_t chunk = 1; chunk <= 5; chunk++)
        for (uint64_t a = 0; a <= size; a++)
            for (uint64_t b = a; b <= size; b++) {
                TokenList l;
                list_init(&l);
                assert_int_equal(read_range(path, flags, chunk, 0, a, &l), 0);
                assert_int_equal(read_range(path, flags, chunk, a, b, &l), 0);
                /* the last range's end beyond the size: to the end */
                assert_int_equal(read_range(path, flags, chunk, b, (b & 1) ? UINT64_MAX : size, &l), 0);
                if (l.len != whole.len || memcmp(l.data, whole.data, whole.len) != 0)
                    fail_msg("chunk %zu, split at %llu and %llu: the ranges' tokens differ from the whole's",
                             chunk, (unsigned long long)a, (unsigned long long)b);
                assert_int_equal(l.count, whole.count);
                free(l.data);
            }
    free(whole.data);
}

static void test_ranges_every_split(void **state)
{
    const TestTmpdir *t = *state;
    const char *path = test_tmpdir_path(t, "range.txt");
    check_every_split(path, TEXT, sizeof TEXT - 1, 0);
    static const char lines[] = "\n\na b\n\n  c\n";
    check_every_split(path, lines, sizeof lines - 1, 0);
    static const char one[] = "x";
    check_every_split(path, one, sizeof one - 1, 0);
    static const char crlf[] = "  \xCE\xA3\xCE\x91\xCF\x83 \xE2\x84\xAA\xC3\x89\r\n\tend  ";
    check_every_split(path, crlf, sizeof crlf - 1, CORPUS_LOWERCASE);
    static const char bom_only_word[] = "\xEF\xBB\xBFword\nnext";
    check_every_split(path, bom_only_word, sizeof bom_only_word - 1, 0);

    /* hand-checked: "ab cd\nef" cut at 1 and 4: [0,1) "ab"; [1,4) "cd"; [4,8) <eos> "ef" */
    static const char small[] = "ab cd\nef";
    test_write_file(path, small, sizeof small - 1);
    TokenList l;
    list_init(&l);
    assert_int_equal(read_range(path, 0, 2, 1, 4, &l), 0);
    assert_int_equal(l.count, 1);
    assert_memory_equal(l.data, "cd\n", 3);
    free(l.data);
    list_init(&l);
    assert_int_equal(read_range(path, 0, 2, 4, 8, &l), 0);
    assert_int_equal(l.count, 2);
    assert_memory_equal(l.data, "<eos>\nef\n", 9);
    free(l.data);
    list_init(&l);
    assert_int_equal(read_range(path, 0, 0, 6, 6, &l), 0);  /* empty: no error */
    assert_int_equal(l.count, 0);
    free(l.data);
    uint64_t size = 0;
    DlfsError err = {0};
    assert_int_equal(token_stream_file_size(path, &size, &err), DLFS_OK);
    assert_int_equal(size, 8);
}

static void test_range_refusals_and_checks(void **state)
{
    const TestTmpdir *t = *state;
    DlfsError err = {0};
    TokenStream s;
    assert_int_equal(token_stream_open_range(&s, "-", 0, 0, 0, 10, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "standard input"));
    token_stream_close(&s);
    char gz[PATH_MAX];
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "r.txt.gz"));
    write_gz(gz, TEXT, sizeof TEXT - 1);
    assert_int_equal(token_stream_open_range(&s, gz, 0, 0, 0, 10, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "gzip"));
    const char *path = test_tmpdir_path(t, "r.txt");
    test_write_file(path, TEXT, sizeof TEXT - 1);
    assert_int_equal(token_stream_open_range(&s, path, 0, 0, 5, 4, &err), DLFS_ERR_ARG);
    assert_int_equal(token_stream_open_range(&s, test_tmpdir_path(t, "absent.txt"), 0, 0, 0, 1, &err),
                     DLFS_ERR_IO);
    uint64_t size;
    assert_int_equal(token_stream_file_size(t->dir, &size, &err), DLFS_ERR_ARG);  /* a folder */
    /* a bad byte in the range read: the offset from the file's start, the line from the range's */
    static const char bad[] = "aa bb\ncc\ndd \xFF\n";
    test_write_file(path, bad, sizeof bad - 1);
    assert_int_equal(token_stream_open_range(&s, path, 0, 3, 6, 20, &err), DLFS_OK);
    TokenList l;
    list_init(&l);
    assert_int_equal(drain(&s, &l, &err), DLFS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, ":2: byte 0xFF at offset 12 is not UTF-8"));
    free(l.data);
    /* a range starting inside a word after the bad byte does not read it: the word's range does */
    list_init(&l);
    assert_int_equal(read_range(path, 0, 0, 13, 14, &l), 0);
    assert_int_equal(l.count, 1);  /* <eos> */
    free(l.data);
}

static void test_real_ptb(void **state)
{
    const TestTmpdir *t = *state;
    const char *dir = test_ptb_dir();
    Int32Array ref = {0}, got = {0};
    Vocab vr, vg;
    vocab_init(&vr);
    vocab_init(&vg);
    DlfsError err = {0};
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ptb.train.txt", dir);
    assert_int_equal(ref_load(path, 0, &ref, &vr, &err), DLFS_OK);  /* the old in-memory loader */
    /* ptb_load_data (through the stream now): the old loader's ids and word_to_id */
    assert_int_equal(ptb_load_data(dir, "train", &got, &vg, &err), DLFS_OK);
    assert_int_equal(got.size, ref.size);
    assert_memory_equal(ref.data, got.data, ref.size * sizeof *ref.data);
    assert_int_equal(vg.size, vr.size);
    for (int32_t i = 0; i < vr.size; i++) assert_string_equal(vocab_word(&vr, i), vocab_word(&vg, i));
    int32_array_free(&got);
    vocab_free(&vg);
    /* valid, with train's vocabulary, as the old loader read it */
    {
        Int32Array rv = {0};
        char vpath[PATH_MAX];
        snprintf(vpath, sizeof vpath, "%s/ptb.valid.txt", dir);
        assert_int_equal(ref_load_tokens(vpath, "ptb.train.txt", CORPUS_MAX_WORDS, 0, &rv, &vr, &err), DLFS_OK);
        vocab_init(&vg);
        assert_int_equal(ptb_load_data(dir, "valid", &got, &vg, &err), DLFS_OK);
        assert_int_equal(got.size, 73760);
        assert_int_equal(got.size, rv.size);
        assert_memory_equal(rv.data, got.data, rv.size * sizeof *rv.data);
        assert_int_equal(vg.size, 10000);
        int32_array_free(&rv);
        int32_array_free(&got);
        vocab_free(&vg);
        vocab_init(&vg);
    }
    assert_int_equal(stream_ids(path, 0, 4093, &got, &vg, &err), DLFS_OK);
    assert_int_equal(got.size, 929589);
    assert_int_equal(vg.size, 10000);
    assert_memory_equal(ref.data, got.data, ref.size * sizeof *ref.data);
    free(got.data);
    vocab_free(&vg);
    size_t len;
    unsigned char *bytes = test_read_bytes(path, &len);
    char gz[PATH_MAX];
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "ptb.train.txt.gz"));
    write_gz(gz, bytes, len);
    free(bytes);
    vocab_init(&vg);
    assert_int_equal(stream_ids(gz, 0, 0, &got, &vg, &err), DLFS_OK);
    assert_int_equal(got.size, ref.size);
    assert_memory_equal(ref.data, got.data, ref.size * sizeof *ref.data);
    free(got.data);
    vocab_free(&vg);
    /* corpus_load_file reads the .gz (train --corpus FILE.gz) */
    vocab_init(&vg);
    assert_int_equal(corpus_load_file(gz, &got, &vg, &err), DLFS_OK);
    assert_int_equal(got.size, ref.size);
    assert_memory_equal(ref.data, got.data, ref.size * sizeof *ref.data);
    assert_int_equal(vg.size, 10000);
    int32_array_free(&got);
    vocab_free(&vg);
    int32_array_free(&ref);
    vocab_free(&vr);

    /* byte ranges: train cut into 2 and into 7 equal ranges gives the whole stream's tokens */
    TokenList whole;
    whole_list(path, 0, &whole);
    assert_int_equal(whole.count, 929589);
    uint64_t size = 0;
    assert_int_equal(token_stream_file_size(path, &size, &err), DLFS_OK);
    const int parts[] = {2, 7};
    for (size_t i = 0; i < 2; i++) {
        TokenList l;
        list_init(&l);
        for (int k = 0; k < parts[i]; k++) {
            const uint64_t n = (uint64_t)parts[i];
            const uint64_t a = size * (uint64_t)k / n, b = size * (uint64_t)(k + 1) / n;
            assert_int_equal(read_range(path, 0, 0, a, b, &l), 0);
        }
        assert_int_equal(l.count, whole.count);
        assert_true(l.hash == whole.hash);
        assert_int_equal(l.len, whole.len);
        free(l.data);
    }
    free(whole.data);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_same_tokens_every_chunk),
        T(test_lowercase_same_as_whole_text),
        T(test_gzip_and_stdin),
        T(test_errors_same_as_in_memory),
        T(test_truncated_and_corrupt_gzip),
        T(test_ranges_every_split),
        T(test_range_refusals_and_checks),
        /* the last one needs the real PTB */
        T(test_real_ptb),
    };
    return run_tests_needing_ptb("token_stream", tests, sizeof tests / sizeof tests[0], 1, NULL, NULL);
}
