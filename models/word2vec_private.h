/*
 * word2vec_private.h — the step CBOW and SkipGram build their output side
 * with, for a config they have already checked, so that one construction
 * (cbow_init, skip_gram_init) runs word2vec_check_config once while every
 * public entry still checks its input. Private to models/ (not installed).
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
 * word2vec_output_init (models/word2vec_output.h) without its
 * word2vec_check_config: cfg must have passed it (contract, not checked
 * again). Everything else as word2vec_output_init.
 */
int word2vec_output_init_unchecked(Word2VecOutput *self, const Word2VecConfig *cfg, int K,
                                   Param *W_out, const int32_t *corpus, size_t corpus_size,
                                   DlfsError *err) DLFS_WARN_UNUSED;

#endif
