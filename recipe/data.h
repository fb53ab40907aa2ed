/*
 * data.h — the run recipe's data (textbook ch04/train.py's first lines:
 * `corpus, word_to_id, id_to_word = ptb.load_data('train')`, then
 * `contexts, target = create_contexts_target(corpus, window_size)`), and
 * the rows of each epoch the FastTrainer asks for: the textbook's pairs
 * every epoch, or word2vec.c's rows drawn anew (models/word2vec_data.h).
 *
 * Library code: errors come back as status codes with a message in a
 * DlfsError (common/status.h); nothing is printed. `dlfs2 train`,
 * `compare` and `bench` and the labs build on it.
 */
#ifndef DLFS2_RECIPE_DATA_H
#define DLFS2_RECIPE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../common/tensor.h"
#include "../common/vocab.h"
#include "../models/word2vec_data.h"

DLFS2_API_BEGIN

/* The loaded text and what training needs from it. */
typedef struct RecipeData {
    Vocab vocab;
    Int32Array corpus;      /* (N,) word ids in [0, V) */
    Int32Array contexts;    /* (N - 2w, 2w) after recipe_data_pairs; empty after recipe_data_window */
    Int32Array target;      /* (N - 2w,) after recipe_data_pairs; empty after recipe_data_window */
    size_t data_size;       /* N - 2w, after recipe_data_window or recipe_data_pairs */
    int window;             /* w, after recipe_data_window or recipe_data_pairs */
    char ptb_dir[4096];     /* the PTB data folder the corpus came from; "" for a text file */
    int64_t *counts;        /* (V,) each word's count, after recipe_data_count; else NULL */
    int64_t tokens;         /* after recipe_data_count: the sum of counts, the tokens of an epoch */
    char path[4096 + 32];   /* after recipe_data_count: the file to read ("-": standard input) */
} RecipeData;

/*
 * Loads corpus into d (zeroed first): "ptb" is PTB's train split from the
 * data folder data_dir (NULL: the default, datasets/data.h), downloaded if
 * missing; anything else is the path of a whitespace-tokenised text file.
 * flags: 0 or CORPUS_LOWERCASE (datasets/ptb.h). Errors: the data folder's,
 * the download's and the reader's (DLFS_ERR_IO, _FORMAT, _NOT_FOUND, _NET,
 * _CHECKSUM), with a message naming the folder or file. Free with
 * recipe_data_free, also after a failure.
 */
int recipe_data_load(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                     DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The file a --corpus names, into path (size bytes): corpus itself, or for
 * "ptb" PTB's ptb.train.txt in the data folder data_dir (NULL: the
 * default), downloaded if missing; then ptb_dir (ptb_dir_size bytes, may
 * be NULL) gets PTB's folder, else "". Errors: the data folder's and the
 * download's, and DLFS_ERR_ARG when the path does not fit.
 */
int recipe_corpus_path(const char *corpus, const char *data_dir, char *path, size_t size, char *ptb_dir,
                       size_t ptb_dir_size, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * recipe_data_load with the vocabulary of a vocabulary file
 * (datasets/vocab_file.h, `dlfs2 vocab`): d's vocab is the file's words,
 * ids in its line order (its counts are not used: the sampler counts the
 * corpus as read); the corpus is read as a stream (datasets/token_stream.h)
 * and its tokens outside the vocabulary are skipped (left out of d's
 * corpus, as word2vec.c's -read-vocab does), their number into *skipped.
 * Errors: DLFS_ERR_ARG for the corpus "-" (standard input, which an
 * endless stream would make a corpus without end; `dlfs2 vocab` reads it);
 * vocab_file_read's and the reader's; DLFS_ERR_FORMAT when the file
 * has no line for the sentence end "<eos>", when no word of the corpus
 * other than "<eos>" is in it, or for more than INT32_MAX tokens. Free with
 * recipe_data_free, also after a failure.
 */
int recipe_data_load_vocab(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                           const char *vocab_path, int64_t *skipped, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * For streamed training (recipe/word2vec_stream.h), which never holds the
 * corpus's ids: d's vocab and d->counts (V,), d->tokens their sum, and
 * d->path the file to read, with d->corpus left empty. Without vocab_path
 * the corpus is counted in one streamed reading (vocab_count_corpus: ids
 * in order of first appearance, as recipe_data_load gives them); with it,
 * the vocabulary file gives the words and their counts (word2vec.c's
 * -read-vocab), and the corpus is not read here, so it may be "-"
 * (standard input, read once, by the training). "ptb" is PTB's train
 * split, downloaded if missing, as for recipe_data_load. In a vocabulary
 * without "<eos>", word2vec.c's sentence end "</s>" (the first line of its
 * -save-vocab files) is taken for it (renamed "<eos>", so that the corpus's
 * line ends map to it). Errors: DLFS_ERR_ARG for "-" without vocab_path
 * (counting would use up the input); vocab_count_corpus's,
 * vocab_file_read's and recipe_data_load_vocab's (a file without a
 * sentence end). Free with recipe_data_free, also after a failure.
 */
int recipe_data_count(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                      const char *vocab_path, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Makes d's (contexts, target) pairs with window w (create_contexts_target),
 * 4 * (2w + 1) bytes per word, and sets d->window and d->data_size.
 * Errors (DLFS_ERR_ARG): too short a corpus for the window; the message
 * then ends with recipe_data_hint's advice, if any.
 */
int recipe_data_pairs(RecipeData *d, int window, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * recipe_data_pairs without the arrays: sets d->window and d->data_size
 * (N - 2w) and checks the corpus is long enough, with the same errors and
 * messages. The textbook's Trainer then makes each minibatch's pairs from
 * d->corpus as it goes (training/trainer.h trainer_fit_corpus with
 * d->window), so a run holds the corpus and the permutation, 8 bytes per
 * word, instead of 4 * (2w + 3) with the arrays (52 for w = 5); `dlfs2 train` and
 * `compare` train so.
 */
int recipe_data_window(RecipeData *d, int window, DlfsError *err) DLFS_WARN_UNUSED;
void recipe_data_free(RecipeData *d);

/*
 * A hint for a corpus with too few words, into hint (size bytes): when its
 * words are long on average (more than 15 bytes, <eos> not counted;
 * English averages about 5), the text likely has no spaces between words
 * (Japanese, Chinese), which the reader takes for one word per line; the
 * hint ("; its words are ...") says how to split it. "" otherwise.
 * Returns hint.
 */
const char *recipe_data_hint(char *hint, size_t size, const RecipeData *d);

/*
 * Where fast_trainer_fit gets each epoch's rows (recipe_epochs_next is a
 * FastEpochFn, training/fast_trainer.h; pass the RecipeEpochs as its ctx):
 * d's (contexts, target) every epoch, or, with a Word2VecDataConfig,
 * word2vec_make_epoch's rows drawn anew every epoch from Rng(seed + 1).
 */
typedef struct RecipeEpochs {
    const RecipeData *d;    /* borrowed */
    bool redraw;            /* rows drawn anew every epoch */
    Word2VecDataConfig cfg;
    int64_t *counts;        /* (V,) */
    Rng rng;                /* the rows' own, so they do not depend on the threads */
    int32_t *contexts;      /* (corpus size, 2w) drawn; or (N - 2w, 2w) the textbook's, when d has none */
    int32_t *target;        /* (corpus size,); or (N - 2w,) */
    int calls;              /* epochs handed out */
    double make_s;          /* seconds spent in word2vec_make_epoch */
} RecipeEpochs;

/*
 * cfg NULL: the textbook's pairs with d->window: d's arrays when
 * recipe_data_pairs made them, else made here once (owned by e) after
 * recipe_data_window. Errors (DLFS_ERR_ARG): an id of d's corpus out of
 * range; cfg NULL on a d with neither. Free with recipe_epochs_free, also
 * after a failure.
 */
int recipe_epochs_init(RecipeEpochs *e, const RecipeData *d, const Word2VecDataConfig *cfg,
                       uint64_t seed, DlfsError *err) DLFS_WARN_UNUSED;
void recipe_epochs_free(RecipeEpochs *e);

/* A FastEpochFn over ctx, a RecipeEpochs: word2vec_make_epoch's errors. */
int recipe_epochs_next(void *ctx, int epoch, const int32_t **contexts, const int32_t **target,
                       size_t *n, DlfsError *err);

DLFS2_API_END

#endif
