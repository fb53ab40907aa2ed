/*
 * preset.h — `dlfs2 train --preset word2vec`: word2vec.c's recipe
 * (Mikolov et al. 2013) on the textbook's CBOW and layers, written once, as
 * data. `dlfs2 train`, `dlfs2 bench` (its word2vec row, gensim's and
 * word2vec.c's runs) and the eval lab read it from here.
 */
#ifndef DLFS2_RECIPE_PRESET_H
#define DLFS2_RECIPE_PRESET_H

#include <stdbool.h>

#include "../common/api.h"
#include "../common/vocab.h"
#include "../models/word2vec.h"
#include "../models/word2vec_data.h"
#include "model_build.h"
#include "../training/fast_trainer.h"

DLFS2_API_BEGIN

typedef struct RecipePreset {
    const char *name;           /* as --preset spells it */
    FastOptimizerKind optimizer;/* FAST_SGD_LINEAR: SGD, the rate falling linearly over the run */
    double lr_cbow;             /* SGD's starting rate per example for CBOW (word2vec.c's -alpha) */
    double lr_skipgram;         /* ... and for SkipGram */
    double sample;              /* subsampling threshold (word2vec.c's -sample) */
    int min_count;              /* words seen fewer times are left out (-min-count) */
    bool dynamic_window;        /* windows shrunk at random to 1..w a side */
    bool sentences;             /* <eos> ends a sentence: no window crosses it, it is never trained */
    bool context_full_grad;     /* every CBOW context row gets the whole dh, not 1/(2w) of it */
    bool replace;               /* negatives with replacement (false: the textbook's sampler,
                                   never the target, as word2vec.c skips it) */
    bool shuffle;               /* rows shuffled every epoch (false: corpus order, as word2vec.c) */
    bool packed_draws;          /* the sampler draws from one random number (unigram_sampler_pack) */
    double subword_power;       /* the negatives' exponent with subword input vectors: fastText's
                                   count^0.5 (word2vec.c's 0.75 otherwise, the Word2VecConfig default) */
} RecipePreset;

/*
 * word2vec: SGD from 0.05 (CBOW) or 0.025 (SkipGram) per example, falling
 * linearly; subsampling 1e-3; min count 5; shrunk windows; sentences end
 * at <eos>; CBOW contexts get the whole dh; negatives without replacement,
 * each draw from one random number; rows in corpus order. With subwords
 * (`--subwords`), negatives drawn from count^0.5 as fastText draws them
 * (docs/subwords.md measures why).
 */
extern const RecipePreset recipe_preset_word2vec;

/* The preset called name ("word2vec"), or NULL. */
const RecipePreset *recipe_preset_find(const char *name);

/* The preset's starting learning rate for the model kind. */
double recipe_preset_lr(const RecipePreset *p, RecipeModelKind kind);

/* Sets the model settings the preset changes in *cfg (context_full_grad, replace, packed_draws). */
void recipe_preset_model_config(const RecipePreset *p, Word2VecConfig *cfg);

/*
 * The rows of each epoch under the preset, for a window w over vocab's
 * corpus: its subsampling, min count, shrunk windows and sentence ends
 * (vocab's "<eos>", or none when the preset or the vocabulary has none).
 */
Word2VecDataConfig recipe_preset_data_config(const RecipePreset *p, int window, const Vocab *vocab);

/* Sets the trainer settings the preset changes in *tc (optimizer, lr, shuffle). */
void recipe_preset_fast_config(const RecipePreset *p, RecipeModelKind kind, FastTrainerConfig *tc);

DLFS2_API_END

#endif
