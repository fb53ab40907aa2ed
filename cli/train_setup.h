/*
 * train_setup.h — the CLI's side of the run recipe (recipe/): what `dlfs2
 * train`, `compare` and `bench` share around it. The recipe returns status
 * codes; these wrappers print its message as one "dlfs2: ..." line (with
 * the flag at fault, where one is), print which corpus was read, and
 * return a CLI_EXIT_* status.
 */
#ifndef DLFS2_CLI_TRAIN_SETUP_H
#define DLFS2_CLI_TRAIN_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"
#include "models/word2vec.h"
#include "models/word2vec_data.h"
#include "recipe/data.h"
#include "recipe/model_build.h"

/*
 * recipe_data_load and recipe_data_window with window w (the pairs are
 * not made: trainer_fit_corpus makes each minibatch's, and
 * recipe_epochs_init the fast trainer's), printing "corpus: ..." on
 * success; fails (usage) when the window does not fit or fewer than batch
 * pairs result, (runtime) when the corpus cannot be read.
 * flags: datasets/ptb.h's CORPUS_LOWERCASE, or 0; a folded corpus is named
 * so on its line. Free with recipe_data_free, also after a failure.
 */
int train_data_load(RecipeData *d, const char *corpus, const char *data_dir, int window, int batch);
int train_data_load_flags(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                          int window, int batch);

/*
 * train_data_load_flags with the vocabulary file vocab (`train --vocab`,
 * recipe_data_load_vocab): prints "vocabulary: VOCAB (V words), N corpus
 * tokens outside it skipped" after the corpus line.
 */
int train_data_load_vocab(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                          const char *vocab, int window, int batch);

/*
 * recipe_data_count for the streamed run (`train --preset word2vec`): the
 * vocabulary and counts from vocab (a file, or NULL: one counting pass over
 * the corpus), the corpus not loaded. Prints the corpus line, and with
 * vocab "vocabulary: VOCAB (V words, N tokens counted in it)". Returns an
 * exit status (usage for DLFS_ERR_ARG, e.g. "-" without vocab; runtime
 * otherwise). Free with recipe_data_free, also after a failure.
 */
int train_data_count(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags, const char *vocab);

/*
 * recipe_model_build on d's corpus, or recipe_model_build_counts on d's
 * counts when d was counted (train_data_count); its errors are usage errors
 * (DLFS_ERR_ARG) or runtime ones. Free with recipe_model_free, also after
 * a failure.
 */
int train_model_build(RecipeModel *m, bool skipgram, const Word2VecConfig *cfg, const RecipeData *d,
                      Rng *rng);

/* recipe_epochs_init; its errors are usage errors. Free with recipe_epochs_free either way. */
int train_epochs_init(RecipeEpochs *e, const RecipeData *d, const Word2VecDataConfig *cfg, uint64_t seed);

/* "dir/name", allocated; free with free(). */
char *cli_path_join(const char *dir, const char *name);

#endif
