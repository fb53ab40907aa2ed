/*
 * ptb.c — the Penn Treebank loader (see ptb.h). Mirrors the textbook's
 * dataset/ptb.py: load_data reads ptb.<split>.txt with every newline turned
 * into "<eos>" and ids given in order of first appearance in ptb.train.txt
 * (load_vocab), and _download fetches a missing file. Unlike ptb.py the
 * download goes to a temporary file that must match a known SHA-256
 * before it is renamed into place (datasets/download.c), so a broken
 * download never looks like data; the folder and the sums are the data
 * folder's (datasets/data.h).
 */
#include "datasets/ptb.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicase.h>

#include "common/check.h"
#include "common/fs.h"
#include "common/textfile.h"
#include "datasets/data.h"

enum { PTB_PATH_MAX = 4096 };

/* "ptb.<split>.txt"'s entry of the data folder's table, or NULL for another split. */
static const DataFile *ptb_file(const char *split)
{
    if (!split || strlen(split) > 8) return NULL;
    char name[32];
    snprintf(name, sizeof name, "ptb.%s.txt", split);
    return data_file_info(DATA_SET_PTB, name);
}

const char *ptb_sha256(const char *split)
{
    const DataFile *f = ptb_file(split);
    return f ? f->sha256 : NULL;
}

int ptb_data_dir(char *out, size_t out_size, const char *explicit_dir, DlfsError *err)
{
    return data_set_dir(out, out_size, explicit_dir, DATA_SET_PTB, err);
}

int ptb_ensure_file(const char *data_dir, const char *split, DlfsError *err)
{
    const DataFile *f = ptb_file(split);
    if (!f)
        return dlfs_fail(err, DLFS_ERR_ARG, "unknown PTB split '%s' (expected train, valid or test)",
                         split ? split : "(null)");
    if (!data_dir || !*data_dir) return dlfs_fail(err, DLFS_ERR_ARG, "the data directory is an empty string");

    char path[PTB_PATH_MAX];
    int n = snprintf(path, sizeof path, "%s/%s", data_dir, f->name);
    if (n < 0 || (size_t)n >= sizeof path)
        return dlfs_fail(err, DLFS_ERR_ARG, "the data directory path is too long: %s", data_dir);

    struct stat st;
    if (stat(path, &st) == 0) return DLFS_OK;
    if (errno != ENOENT) return dlfs_fail(err, DLFS_ERR_IO, "cannot look at %s: %s", path, strerror(errno));
    return data_download_file(data_dir, f, err);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Why text[0..len) cannot be a corpus before it is split: a NUL byte (binary
 * data) or a byte that is not UTF-8, whichever comes first; DLFS_OK when
 * neither is there.
 */
static int check_text(const char *path, const char *text, size_t len, DlfsError *err)
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
static int word_id(const char *path, size_t line, const char *word, const char *vocab_source, int32_t max_words,
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
static int tokenize(const char *path, char *text, size_t len, const char *vocab_source, int32_t max_words,
                    Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    int rc = check_text(path, text, len, err);
    if (rc) return rc;

    size_t cap = len / 4 + 16, n = 0, line = 1;
    int32_t *ids = dlfs_malloc(cap * sizeof *ids);
    int32_t eos = -1;
    char *p = text;
    char *const end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p += 3;  /* a UTF-8 byte-order mark is no word */
    char shown[104];  /* a word for a message */
    while (p < end) {
        if (is_blank(*p)) {
            p++;
            continue;
        }
        int32_t id;
        if (*p == '\n') {
            /* ptb.py's replace('\n', '<eos>'): "<eos>" gets its id where it first appears. */
            if (eos < 0) {
                rc = word_id(path, line, "<eos>", vocab_source, max_words, vocab, &eos, err);
                if (rc) goto fail;
            }
            id = eos;
            line++;
            p++;
        } else {
            char *word = p;
            while (p < end && !is_blank(*p) && *p != '\n') p++;
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
            rc = word_id(path, line, word, vocab_source, max_words, vocab, &id, err);
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
static int fold_lower(const char *path, char **text, size_t *len, DlfsError *err)
{
    int rc = check_text(path, *text, *len, err);  /* u8_tolower needs valid UTF-8 */
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

static int load_tokens(const char *path, const char *vocab_source, int32_t max_words, unsigned flags,
                       Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    char *text = NULL;
    size_t len = 0;
    corpus->data = NULL;
    corpus->size = 0;
    int rc = read_whole_file(path, &text, &len, err);
    if (rc) return rc;
    if (flags & CORPUS_LOWERCASE) rc = fold_lower(path, &text, &len, err);
    if (!rc) rc = tokenize(path, text, len, vocab_source, max_words, corpus, vocab, err);
    free(text);
    return rc;
}

int corpus_load_file(const char *path, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return load_tokens(path, NULL, CORPUS_MAX_WORDS, 0, corpus, vocab, err);
}

int corpus_load_file_flags(const char *path, unsigned flags, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return load_tokens(path, NULL, CORPUS_MAX_WORDS, flags, corpus, vocab, err);
}

int corpus_load_file_max(const char *path, int32_t max_words, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    DLFS_ASSERT(max_words >= 1);
    return load_tokens(path, NULL, max_words, 0, corpus, vocab, err);
}

int ptb_load_data(const char *data_dir, const char *split, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return ptb_load_data_flags(data_dir, split, 0, corpus, vocab, err);
}

int ptb_load_data_flags(const char *data_dir, const char *split, unsigned flags, Int32Array *corpus, Vocab *vocab,
                        DlfsError *err)
{
    DLFS_ASSERT(vocab->size == 0);
    corpus->data = NULL;
    corpus->size = 0;
    if (!ptb_sha256(split))
        return dlfs_fail(err, DLFS_ERR_ARG, "unknown PTB split '%s' (expected train, valid or test)",
                         split ? split : "(null)");
    const int is_train = strcmp(split, "train") == 0;

    /* Fetch everything first, so a failed download costs no parsing. */
    int rc = ptb_ensure_file(data_dir, "train", err);
    if (rc) return rc;
    if (!is_train) {
        rc = ptb_ensure_file(data_dir, split, err);
        if (rc) return rc;
    }

    char path[PTB_PATH_MAX];
    snprintf(path, sizeof path, "%s/ptb.train.txt", data_dir);  /* fits: ptb_ensure_file checked */
    rc = load_tokens(path, NULL, CORPUS_MAX_WORDS, flags, corpus, vocab, err);
    if (rc) goto fail;
    if (is_train) return DLFS_OK;

    int32_array_free(corpus);
    snprintf(path, sizeof path, "%s/ptb.%s.txt", data_dir, split);
    rc = load_tokens(path, "ptb.train.txt", CORPUS_MAX_WORDS, flags, corpus, vocab, err);
    if (rc) goto fail;
    return DLFS_OK;

fail:
    int32_array_free(corpus);
    vocab_free(vocab);
    vocab_init(vocab);
    return rc;
}
