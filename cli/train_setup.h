/*
 * train_setup.h — what `dlfs2 train` and `dlfs2 compare` share: loading the
 * corpus into the textbook's (contexts, target) pairs (ch04/train.py's
 * preprocessing), and building CBOW or SkipGram behind the Model interface.
 *
 * These are program helpers: on failure they print one "dlfs2: ..." line
 * and return a CLI_EXIT_* status.
 */
#ifndef DLFS2_CLI_TRAIN_SETUP_H
#define DLFS2_CLI_TRAIN_SETUP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/model.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/tensor.h"
#include "common/vocab.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "models/word2vec.h"

/* The loaded text and what training needs from it. */
typedef struct TrainData {
    Vocab vocab;
    Int32Array corpus;      /* (N,) */
    Int32Array contexts;    /* (N - 2w, 2w) */
    Int32Array target;      /* (N - 2w,) */
    size_t data_size;       /* N - 2w */
} TrainData;

/*
 * Loads corpus ("ptb": PTB's train split from data_dir, NULL for
 * ptb_data_dir's default, downloaded if missing; else a whitespace-tokenised
 * text file), prints which, and makes (contexts, target) with window w.
 * Fails (usage) if fewer than batch pairs result. Free with train_data_free,
 * also after a failure.
 */
int train_data_load(TrainData *d, const char *corpus, const char *data_dir, int window, int batch);
void train_data_free(TrainData *d);

/* One of the two models behind the Model interface. */
typedef struct TrainModel {
    bool skipgram;
    CBOW cbow;
    SkipGram skip_gram;
    bool initialised;       /* the chosen model's init has run (free it) */
    Model model;
    Param *W_in;            /* the word vectors, (V, H) */
} TrainModel;

/*
 * Builds CBOW (or SkipGram) from cfg (vocab_size must be d's) on d's
 * corpus, drawing the weights from rng. Sampler and tree errors are usage
 * errors. Free with train_model_free, also after a failure.
 */
int train_model_build(TrainModel *m, bool skipgram, const Word2VecConfig *cfg, const TrainData *d,
                      Rng *rng);
void train_model_free(TrainModel *m);

/* "dir/name", allocated; free with free(). */
char *cli_path_join(const char *dir, const char *name);

/* Monotonic wall-clock seconds. */
double cli_now_s(void);

#endif
