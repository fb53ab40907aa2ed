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

#include "common/check.h"
#include "common/textfile.h"
#include "datasets/data.h"
#include "datasets/token_stream.h"

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

/*
 * The id of word (found on line of path) into *id: its id in vocab, else,
 * with vocab_source NULL, a new id while vocab has fewer than max_words
 * words. Errors (DLFS_ERR_FORMAT): the vocabulary is full, or word is not
 * in vocab_source's vocabulary.
 */
static int word_id(const char *path, size_t line, const char *word, size_t len, const char *vocab_source,
                   int32_t max_words, Vocab *vocab, int32_t *id, DlfsError *err)
{
    char shown[104];
    *id = vocab_get(vocab, word);
    if (*id >= 0) return DLFS_OK;
    if (vocab_source)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: word '%s' is not in the vocabulary of %s", path, line,
                         text_quote(shown, sizeof shown, word, len), vocab_source);
    if (vocab->size >= max_words)
        return dlfs_fail(err, DLFS_ERR_FORMAT,
                         "%s:%zu: word '%s' would be word %ld, more than the %ld distinct words a vocabulary may "
                         "hold here (word ids are int32_t)",
                         path, line, text_quote(shown, sizeof shown, word, len), (long)vocab->size + 1,
                         (long)max_words);
    *id = vocab_add(vocab, word);
    return DLFS_OK;
}

/*
 * Reads path through the streamed tokenizer (datasets/token_stream.h: a
 * file or a .gz, one chunk at a time; its checks and messages) into ids.
 * With vocab_source NULL new words join vocab while it has fewer than
 * max_words words; otherwise vocab is frozen and an unknown word is a
 * format error naming vocab_source (valid and test may only use train's
 * words). Memory: the ids (doubling, trimmed at the end), vocab and one
 * chunk. On failure corpus is left empty.
 */
static int load_tokens(const char *path, const char *vocab_source, int32_t max_words, unsigned flags,
                       Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    corpus->data = NULL;
    corpus->size = 0;
    TokenStream s;
    int rc = token_stream_open(&s, path, flags, 0, err);
    if (rc) return rc;
    size_t cap = 1 << 16, n = 0;
    int32_t *ids = dlfs_malloc(cap * sizeof *ids);
    int32_t eos = -1;
    const char *word;
    size_t len;
    while ((rc = token_stream_next(&s, &word, &len, err)) == 1) {
        int32_t id;
        const int is_eos = len == 5 && memcmp(word, "<eos>", 5) == 0;
        /* after a line end's token s.line counts the next line already; the word "<eos>" written
         * out in the text is the same word, on its own line */
        const int line_end = is_eos && s.buf[s.pos - 1] == '\n';
        const size_t line = line_end ? s.line - 1 : s.line;
        if (is_eos && eos >= 0) {
            id = eos;  /* ptb.py's replace('\n', '<eos>'): "<eos>" gets its id where it first appears */
        } else {
            rc = word_id(s.name, line, word, len, vocab_source, max_words, vocab, &id, err);
            if (rc) break;
            if (is_eos) eos = id;
        }
        if (n == (size_t)INT32_MAX) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: more than %d tokens", s.name, line, INT32_MAX);
            break;
        }
        if (n == cap) {
            cap *= 2;
            ids = dlfs_realloc(ids, cap * sizeof *ids);
        }
        ids[n++] = id;
    }
    token_stream_close(&s);
    if (rc) {  /* an error (the stream reports no tokens at all as one) */
        free(ids);
        return rc;
    }
    corpus->data = dlfs_realloc(ids, n * sizeof *ids);
    corpus->size = n;
    return DLFS_OK;
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
