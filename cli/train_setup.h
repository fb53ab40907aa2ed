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
#include <stdint.h>

#include "training/model.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/tensor.h"
#include "common/vocab.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "models/word2vec.h"
#include "models/word2vec_data.h"

/* The loaded text and what training needs from it. */
typedef struct TrainData {
    Vocab vocab;
    Int32Array corpus;      /* (N,) */
    Int32Array contexts;    /* (N - 2w, 2w) */
    Int32Array target;      /* (N - 2w,) */
    size_t data_size;       /* N - 2w */
} TrainData;

/*
 * Loads corpus ("ptb": PTB's train split from the data folder data_dir
 * (ptb_data_dir; NULL for the default), downloaded if missing; else a
 * whitespace-tokenised text file), prints which, and makes (contexts,
 * target) with window w.
 * Fails (usage) if fewer than batch pairs result. Free with train_data_free,
 * also after a failure.
 */
int train_data_load(TrainData *d, const char *corpus, const char *data_dir, int window, int batch);

/*
 * train_data_load with corpus flags (datasets/ptb.h: CORPUS_LOWERCASE, or
 * 0, which is train_data_load); a folded corpus is named so on its line.
 */
int train_data_load_flags(TrainData *d, const char *corpus, const char *data_dir, unsigned flags,
                          int window, int batch);
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

/*
 * --fast: the model of each of T threads over one set of weights
 * (training/fast_trainer.h). models[0] is m's model, the owner of the weights;
 * models[t], t >= 1, are copies built from the same config whose params
 * share m's values (param_share_value) with gradients and buffers of their
 * own. rngs[0] continues rng; rngs[t] is seeded seed ^ (golden ratio * t),
 * a stream of negatives per thread.
 */
typedef struct TrainThreads {
    int T;
    TrainModel *reps;       /* (T,) the copies; reps[0] unused */
    Model *models;          /* (T,) */
    Rng *rngs;              /* (T,) */
} TrainThreads;

/*
 * Builds the T - 1 copies of m (borrowed; it must outlive f). Returns an
 * exit status; free with train_threads_free, also after a failure.
 */
int train_threads_build(TrainThreads *f, int T, TrainModel *m, const Rng *rng, const TrainData *d,
                        uint64_t seed);
void train_threads_free(TrainThreads *f);

/*
 * --fast: where fast_trainer_fit gets each epoch's rows (train_epochs_next
 * is a FastEpochFn; pass the TrainEpochs as its ctx): d's (contexts,
 * target) every epoch, or, with a Word2VecDataConfig, word2vec_make_epoch's
 * rows drawn anew every epoch from Rng(seed + 1).
 */
typedef struct TrainEpochs {
    const TrainData *d;     /* borrowed */
    bool redraw;            /* rows drawn anew every epoch */
    Word2VecDataConfig cfg;
    int64_t *counts;        /* (V,) */
    Rng rng;                /* the rows' own, so they do not depend on the threads */
    int32_t *contexts;      /* (corpus size, 2w) */
    int32_t *target;        /* (corpus size,) */
    int calls;              /* epochs handed out */
    double make_s;          /* seconds spent in word2vec_make_epoch */
} TrainEpochs;

/* cfg NULL: the textbook's rows. Returns an exit status; free with train_epochs_free either way. */
int train_epochs_init(TrainEpochs *e, const TrainData *d, const Word2VecDataConfig *cfg, uint64_t seed);
void train_epochs_free(TrainEpochs *e);
int train_epochs_next(void *ctx, int epoch, const int32_t **contexts, const int32_t **target,
                      size_t *n, DlfsError *err);

/* "dir/name", allocated; free with free(). */
char *cli_path_join(const char *dir, const char *name);


#endif
