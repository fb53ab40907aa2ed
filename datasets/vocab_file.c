/*
 * vocab_file.c — the vocabulary pass and word2vec.c's vocabulary file (see
 * vocab_file.h). word2vec.c: LearnVocabFromTrainFile, SortVocab (count
 * order, "</s>" kept first), SaveVocab, ReadVocab.
 */
#include "datasets/vocab_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/fs.h"
#include "common/textfile.h"
#include "datasets/ptb.h"
#include "datasets/token_stream.h"

int vocab_count_corpus(const char *path, unsigned flags, size_t chunk, Vocab *vocab, int64_t **counts,
                       DlfsError *err)
{
    *counts = NULL;
    TokenStream s;
    int rc = token_stream_open(&s, path, flags, chunk, err);
    if (rc) return rc;
    size_t cap = 1024;
    int64_t *c = dlfs_malloc(cap * sizeof *c);
    const char *word;
    size_t len;
    while ((rc = token_stream_next(&s, &word, &len, err)) == 1) {
        int32_t id = vocab_get(vocab, word);
        if (id < 0) {
            if (vocab->size >= CORPUS_MAX_WORDS) {
                char shown[104];
                rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                               "%s:%zu: word '%s' would be word %ld, more than the %ld distinct words a "
                               "vocabulary may hold here (word ids are int32_t)",
                               s.name, s.line, text_quote(shown, sizeof shown, word, len), (long)vocab->size + 1,
                               (long)CORPUS_MAX_WORDS);
                break;
            }
            id = vocab_add(vocab, word);
            if ((size_t)id == cap) {
                cap *= 2;
                c = dlfs_realloc(c, cap * sizeof *c);
            }
            c[id] = 0;
        }
        c[id]++;
    }
    token_stream_close(&s);
    if (rc < 0) {
        free(c);
        vocab_free(vocab);
        vocab_init(vocab);
        return rc;
    }
    *counts = c;
    return DLFS_OK;
}

/* A word for sorting: its count and id (first appearance). */
typedef struct Ranked {
    int64_t count;
    int32_t id;
} Ranked;

/* Count order: most first, then by id (first appearance). */
static int by_count(const void *a, const void *b)
{
    const Ranked *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int by_id(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void vocab_select(const Vocab *vocab, const int64_t *counts, int64_t min_count, int32_t max_vocab,
                  VocabOrder order, int32_t **ids, int32_t *n)
{
    const int32_t V = vocab->size;
    const int32_t eos = vocab_get(vocab, VOCAB_SENTENCE_END);
    int32_t *out = dlfs_malloc(((size_t)V + 1) * sizeof *out);
    Ranked *rest = dlfs_malloc(((size_t)V + 1) * sizeof *rest);
    int32_t k = 0, m = 0;
    if (eos >= 0) out[k++] = eos;  /* the sentence end first, always kept */
    for (int32_t id = 0; id < V; id++)
        if (id != eos && counts[id] >= min_count) rest[m++] = (Ranked){counts[id], id};
    qsort(rest, (size_t)m, sizeof *rest, by_count);
    for (int32_t i = 0; i < m; i++) out[k++] = rest[i].id;
    free(rest);
    if (max_vocab > 0 && k > max_vocab) k = max_vocab;  /* the first max_vocab in count order */
    if (order == VOCAB_ORDER_FIRST) qsort(out, (size_t)k, sizeof *out, by_id);
    *ids = out;
    *n = k;
}

int vocab_file_write(const char *path, const Vocab *vocab, const int64_t *counts, const int32_t *ids,
                     int32_t n, DlfsError *err)
{
    AtomicFile af;
    int rc = atomic_file_open(&af, path, err);
    if (rc) return rc;
    /* a first word that begins with U+FEFF would be read back as a byte-order mark
     * and lose it: a byte-order mark first keeps it */
    if (n > 0 && strncmp(vocab_word(vocab, ids[0]), "\xEF\xBB\xBF", 3) == 0) fputs("\xEF\xBB\xBF", af.fp);
    for (int32_t i = 0; i < n; i++)
        fprintf(af.fp, "%s %" PRId64 "\n", vocab_word(vocab, ids[i]), counts[ids[i]]);
    return atomic_file_commit(&af, err);
}

/* A count: decimal digits only, 0 .. INT64_MAX. */
static int parse_count(const char *s, int64_t *out)
{
    if (*s < '0' || *s > '9') return 0;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        const int d = *s - '0';
        if (v > (INT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int vocab_file_read(const char *path, unsigned flags, Vocab *vocab, int64_t **counts, DlfsError *err)
{
    if (counts) *counts = NULL;
    TextFile tf;
    int rc = text_file_open(&tf, path, err);
    if (rc) return rc;
    size_t cap = 1024;
    int64_t *c = dlfs_malloc(cap * sizeof *c);
    size_t *lines = dlfs_malloc(cap * sizeof *lines);  /* each word's line, for the duplicate message */
    char shown[104], *line;
    rc = DLFS_OK;
    while ((line = text_file_next_line(&tf))) {
        const size_t ln = tf.lineno;
        char *cur = line;
        const char *word = text_next_field(&cur);
        const char *count = word ? text_next_field(&cur) : NULL;
        const char *extra = count ? text_next_field(&cur) : NULL;
        if (!word || !count || extra) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: expected 'word count', got %s", path, ln,
                           !word ? "an empty line"
                                 : !count ? "a word without a count"
                                          : "more than two fields (a word holds no blanks)");
            goto fail;
        }
        const size_t wlen = strlen(word);
        const size_t bad = text_utf8_bad_offset(word, wlen);
        if (bad < wlen) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: the word '%s' is not UTF-8 (byte 0x%02X)", path, ln,
                           text_quote(shown, sizeof shown, word, wlen), (unsigned)(unsigned char)word[bad]);
            goto fail;
        }
        if (wlen > CORPUS_MAX_WORD_BYTES) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: a word of %zu bytes ('%s'), longer than the %d allowed",
                           path, ln, wlen, text_quote(shown, 24, word, wlen), CORPUS_MAX_WORD_BYTES);
            goto fail;
        }
        int64_t v;
        if (!parse_count(count, &v)) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: the count of '%s' is '%s', not a whole number 0 .. %" PRId64,
                           path, ln, text_quote(shown, 48, word, wlen), text_quote(shown + 48, 56, count, strlen(count)),
                           INT64_MAX);
            goto fail;
        }
        const int32_t seen = vocab_get(vocab, word);
        if (seen >= 0) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: the word '%s' again (first on line %zu)", path, ln,
                           text_quote(shown, sizeof shown, word, wlen), lines[seen]);
            goto fail;
        }
        const int32_t V = vocab->size;
        if ((flags & VOCAB_FILE_COUNT_ORDER) && V > 0 && v > c[V - 1] &&
            !(V == 1 && strcmp(vocab_word(vocab, 0), VOCAB_SENTENCE_END) == 0)) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                           "%s:%zu: count %" PRId64 " is above the %" PRId64
                           " of the line before: not in count order (most frequent first)",
                           path, ln, v, c[V - 1]);
            goto fail;
        }
        if (V >= CORPUS_MAX_WORDS) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: more than %ld words", path, ln, (long)CORPUS_MAX_WORDS);
            goto fail;
        }
        const int32_t id = vocab_add(vocab, word);
        if ((size_t)id == cap) {
            cap *= 2;
            c = dlfs_realloc(c, cap * sizeof *c);
            lines = dlfs_realloc(lines, cap * sizeof *lines);
        }
        c[id] = v;
        lines[id] = ln;
    }
    if (vocab->size == 0) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: no words (an empty vocabulary file)", path);
        goto fail;
    }
    text_file_close(&tf);
    free(lines);
    if (counts)
        *counts = c;
    else
        free(c);
    return DLFS_OK;

fail:
    text_file_close(&tf);
    free(lines);
    free(c);
    vocab_free(vocab);
    vocab_init(vocab);
    return rc;
}
