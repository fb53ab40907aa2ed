/*
 * word2vec_private.h — the steps CBOW and SkipGram build their output side
 * with: for a config they have already checked, so that
 * cbow_init_counts and skip_gram_init_counts run word2vec_check_config once
 * while every public entry still checks its input; and the counting of a
 * corpus that each corpus variant does before calling its counts variant.
 * Private to models/ (not installed).
 */
#ifndef DLFS2_MODELS_WORD2VEC_PRIVATE_H
#define DLFS2_MODELS_WORD2VEC_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/param.h"
#include "common/status.h"
#include "models/word2vec.h"
#include "models/word2vec_output.h"

/*
 * word2vec_output_init_counts (models/word2vec_output.h) without its
 * word2vec_check_config: cfg must have passed it (contract, not checked
 * again). Everything else as word2vec_output_init_counts.
 */
int word2vec_output_init_counts_unchecked(Word2VecOutput *self, const Word2VecConfig *cfg, int K,
                                          Param *W_out, const int64_t *counts,
                                          DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The step every corpus variant (word2vec_output_init, cbow_init,
 * skip_gram_init) takes before its counts variant: *counts = a new (V,)
 * int64 array of the counts of the ids of corpus (corpus_size,) int32, V =
 * cfg->vocab_size, which the caller frees; NULL for the SOFTMAX loss, which
 * reads no counts (and so, as before, checks no ids). Errors (DLFS_ERR_ARG,
 * *counts NULL): an id outside [0, V) ("corpus id ID at position I is
 * outside [0, V)", layers/corpus_counts.h).
 */
int word2vec_count_corpus(const Word2VecConfig *cfg, const int32_t *corpus, size_t corpus_size,
                          int64_t **counts, DlfsError *err) DLFS_WARN_UNUSED;

#endif
