/* data.c — the run recipe's corpus, pairs and epochs' rows (see data.h). */
#include "recipe/data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/clock.h"
#include "common/util.h"
#include "datasets/ptb.h"
#include "datasets/token_stream.h"
#include "datasets/vocab_file.h"

/* Training holds its corpus, so it reads a file, not a stream without end. */
static int refuse_stdin(DlfsError *err)
{
    return dlfs_fail(err, DLFS_ERR_ARG,
                     "the corpus '-' (standard input) is read by `dlfs2 vocab` and by the streamed "
                     "`dlfs2 train --preset word2vec --vocab VOCAB --epochs 1`; this mode holds its "
                     "corpus, so it reads a file (a .gz too)");
}

int recipe_data_load(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                     DlfsError *err)
{
    memset(d, 0, sizeof *d);
    vocab_init(&d->vocab);
    if (strcmp(corpus, "-") == 0) return refuse_stdin(err);
    if (strcmp(corpus, "ptb") != 0)
        return corpus_load_file_flags(corpus, flags, &d->corpus, &d->vocab, err);
    DlfsError inner = {0};
    int status = ptb_data_dir(d->ptb_dir, sizeof d->ptb_dir, data_dir, &inner);
    if (status != DLFS_OK)
        return dlfs_fail(err, status, "cannot choose the PTB data directory: %s", inner.msg);
    status = ptb_load_data_flags(d->ptb_dir, "train", flags, &d->corpus, &d->vocab, &inner);
    if (status != DLFS_OK)
        return dlfs_fail(err, status, "cannot load PTB from '%s': %s", d->ptb_dir, inner.msg);
    return DLFS_OK;
}

int recipe_corpus_path(const char *corpus, const char *data_dir, char *path, size_t size, char *ptb_dir,
                       size_t ptb_dir_size, DlfsError *err)
{
    if (ptb_dir && ptb_dir_size) ptb_dir[0] = '\0';
    int n;
    if (strcmp(corpus, "ptb") != 0) {
        n = snprintf(path, size, "%s", corpus);
    } else {
        char dir[4096];
        DlfsError inner = {0};
        int status = ptb_data_dir(dir, sizeof dir, data_dir, &inner);
        if (status != DLFS_OK)
            return dlfs_fail(err, status, "cannot choose the PTB data directory: %s", inner.msg);
        status = ptb_ensure_file(dir, "train", &inner);
        if (status != DLFS_OK) return dlfs_fail(err, status, "cannot load PTB from '%s': %s", dir, inner.msg);
        if (ptb_dir && ptb_dir_size) snprintf(ptb_dir, ptb_dir_size, "%s", dir);
        n = snprintf(path, size, "%s/ptb.train.txt", dir);
    }
    if (n < 0 || (size_t)n >= size) return dlfs_fail(err, DLFS_ERR_ARG, "the corpus path is too long: %s", corpus);
    return DLFS_OK;
}

/*
 * A vocabulary of word2vec.c (its -save-vocab files begin with its
 * sentence end "</s>") and none of "<eos>": "</s>" becomes "<eos>", the
 * token the reader makes of every line end, at the same id.
 */
static void adopt_word2vec_sentence_end(Vocab *vocab)
{
    if (vocab_get(vocab, VOCAB_SENTENCE_END) >= 0 || vocab_get(vocab, "</s>") < 0) return;
    Vocab renamed;
    vocab_init(&renamed);
    for (int32_t id = 0; id < (int32_t)vocab->size; id++) {
        const char *word = vocab_word(vocab, id);
        vocab_add(&renamed, strcmp(word, "</s>") == 0 ? VOCAB_SENTENCE_END : word);
    }
    vocab_free(vocab);
    *vocab = renamed;
}

/* The vocabulary file's words (and counts), with a sentence end. */
static int read_vocab_file(const char *vocab_path, Vocab *vocab, int64_t **counts, DlfsError *err)
{
    const int status = vocab_file_read(vocab_path, 0, vocab, counts, err);
    if (status != DLFS_OK) return status;
    adopt_word2vec_sentence_end(vocab);
    if (vocab_get(vocab, VOCAB_SENTENCE_END) < 0)
        return dlfs_fail(err, DLFS_ERR_FORMAT,
                         "%s: no line for the sentence end " VOCAB_SENTENCE_END
                         " (the token of every line end; word2vec.c calls it </s>): not a vocabulary of "
                         "`dlfs2 vocab`",
                         vocab_path);
    return DLFS_OK;
}

int recipe_data_count(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                      const char *vocab_path, DlfsError *err)
{
    memset(d, 0, sizeof *d);
    vocab_init(&d->vocab);
    const bool piped = strcmp(corpus, "-") == 0;
    if (piped && !vocab_path)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "the corpus '-' (standard input) can be read only once, by the training: give its "
                         "vocabulary with --vocab (made by `dlfs2 vocab --corpus - --out VOCAB`)");
    int status;
    if (piped)
        snprintf(d->path, sizeof d->path, "-");
    else if ((status = recipe_corpus_path(corpus, data_dir, d->path, sizeof d->path, d->ptb_dir,
                                          sizeof d->ptb_dir, err)) != DLFS_OK)
        return status;
    status = vocab_path ? read_vocab_file(vocab_path, &d->vocab, &d->counts, err)
                        : vocab_count_corpus(d->path, flags, 0, &d->vocab, &d->counts, err);
    if (status != DLFS_OK) return status;
    d->tokens = 0;
    for (int32_t v = 0; v < d->vocab.size; v++) d->tokens += d->counts[v];
    if (d->tokens == 0)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s: every count is 0: no word to train on",
                         vocab_path ? vocab_path : d->path);
    return DLFS_OK;
}

int recipe_data_load_vocab(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                           const char *vocab_path, int64_t *skipped, DlfsError *err)
{
    memset(d, 0, sizeof *d);
    vocab_init(&d->vocab);
    *skipped = 0;
    if (strcmp(corpus, "-") == 0) return refuse_stdin(err);
    int status = read_vocab_file(vocab_path, &d->vocab, NULL, err);
    if (status != DLFS_OK) return status;
    const int32_t eos = vocab_get(&d->vocab, VOCAB_SENTENCE_END);
    char path[4096 + 32];
    status = recipe_corpus_path(corpus, data_dir, path, sizeof path, d->ptb_dir, sizeof d->ptb_dir, err);
    if (status != DLFS_OK) return status;
    TokenStream s;
    status = token_stream_open(&s, path, flags, 0, err);
    if (status != DLFS_OK) return status;
    size_t cap = 1 << 16, n = 0, words = 0;
    int32_t *ids = dlfs_malloc(cap * sizeof *ids);
    const char *word;
    while ((status = token_stream_next(&s, &word, NULL, err)) == 1) {
        const int32_t id = vocab_get(&d->vocab, word);
        if (id < 0) {
            (*skipped)++;
            continue;
        }
        if (n == (size_t)INT32_MAX) {
            status = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: more than %d tokens", s.name, INT32_MAX);
            break;
        }
        if (n == cap) {
            cap *= 2;
            ids = dlfs_realloc(ids, cap * sizeof *ids);
        }
        ids[n++] = id;
        words += id != eos;
    }
    token_stream_close(&s);
    if (status == DLFS_OK && words == 0)
        status = dlfs_fail(err, DLFS_ERR_FORMAT,
                           "%s: no word of the corpus (but the sentence end) is in the vocabulary %s: "
                           "a vocabulary of another corpus?",
                           path, vocab_path);
    if (status < 0) {
        free(ids);
        return status;
    }
    d->corpus.data = dlfs_realloc(ids, n * sizeof *ids);
    d->corpus.size = n;
    return DLFS_OK;
}

#define SEGMENT_HINT_BYTES 15
const char *recipe_data_hint(char *hint, size_t size, const RecipeData *d)
{
    const int32_t eos = vocab_get(&d->vocab, "<eos>");
    size_t words = 0, bytes = 0;
    for (size_t i = 0; i < d->corpus.size; i++) {
        if (d->corpus.data[i] == eos) continue;
        words++;
        bytes += strlen(vocab_word(&d->vocab, d->corpus.data[i]));
    }
    hint[0] = '\0';
    if (words > 0 && bytes > SEGMENT_HINT_BYTES * words)
        snprintf(hint, size,
                 "; its words are %.0f bytes long on average: text without spaces between words "
                 "(Japanese, Chinese) must be split into words first, e.g. with MeCab "
                 "(mecab -Owakati in.txt > out.txt) or jieba (python3 -m jieba -d ' ' in.txt > out.txt)",
                 (double)bytes / (double)words);
    return hint;
}

/* create_contexts_target's errors, with recipe_data_hint's advice */
static int pairs_error(const RecipeData *d, int status, const DlfsError *inner, DlfsError *err)
{
    char hint[320];
    return dlfs_fail(err, status, "%s%s", inner->msg, recipe_data_hint(hint, sizeof hint, d));
}

int recipe_data_window(RecipeData *d, int window, DlfsError *err)
{
    DlfsError inner = {0};
    const int status = create_contexts_target_count(d->corpus.size, window, &d->data_size, &inner);
    if (status != DLFS_OK) return pairs_error(d, status, &inner, err);
    d->window = window;
    return DLFS_OK;
}

int recipe_data_pairs(RecipeData *d, int window, DlfsError *err)
{
    DlfsError inner = {0};
    const int status = create_contexts_target(d->corpus.data, d->corpus.size, window, &d->contexts,
                                              &d->target, &inner);
    if (status != DLFS_OK) return pairs_error(d, status, &inner, err);
    d->data_size = d->target.size;
    d->window = window;
    return DLFS_OK;
}

void recipe_data_free(RecipeData *d)
{
    int32_array_free(&d->corpus);
    int32_array_free(&d->contexts);
    int32_array_free(&d->target);
    vocab_free(&d->vocab);
    free(d->counts);
    d->counts = NULL;
}

int recipe_epochs_init(RecipeEpochs *e, const RecipeData *d, const Word2VecDataConfig *cfg,
                       uint64_t seed, DlfsError *err)
{
    *e = (RecipeEpochs){.d = d};
    if (!cfg) {
        if (d->contexts.data) return DLFS_OK;
        if (d->window < 1)
            return dlfs_fail(err, DLFS_ERR_ARG,
                             "the textbook's pairs need recipe_data_window or recipe_data_pairs first");
        Int32Array contexts, target;
        const int status = create_contexts_target(d->corpus.data, d->corpus.size, d->window, &contexts,
                                                  &target, err);
        e->contexts = contexts.data;
        e->target = target.data;
        return status;
    }
    const int V = (int)d->vocab.size;
    e->redraw = true;
    e->cfg = *cfg;
    e->counts = dlfs_calloc((size_t)V, sizeof *e->counts);
    e->contexts = dlfs_malloc(d->corpus.size * 2 * (size_t)cfg->window * sizeof *e->contexts);
    e->target = dlfs_malloc(d->corpus.size * sizeof *e->target);
    rng_seed(&e->rng, seed + 1);
    return word2vec_count_words(d->corpus.data, d->corpus.size, V, e->counts, err);
}

void recipe_epochs_free(RecipeEpochs *e)
{
    free(e->counts);
    free(e->contexts);
    free(e->target);
    memset(e, 0, sizeof *e);
}

int recipe_epochs_next(void *ctx, int epoch, const int32_t **contexts, const int32_t **target,
                       size_t *n, DlfsError *err)
{
    (void)epoch;
    RecipeEpochs *e = ctx;
    e->calls++;
    if (!e->redraw) {
        *contexts = e->contexts ? e->contexts : e->d->contexts.data;
        *target = e->target ? e->target : e->d->target.data;
        *n = e->d->data_size;
        return DLFS_OK;
    }
    const double start = dlfs_now_s();
    const int status = word2vec_make_epoch(e->d->corpus.data, e->d->corpus.size, e->counts,
                                           (int)e->d->vocab.size, &e->cfg, &e->rng, e->contexts,
                                           e->target, n, err);
    e->make_s += dlfs_now_s() - start;
    *contexts = e->contexts;
    *target = e->target;
    return status;
}
