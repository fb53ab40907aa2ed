/*
 * word2vec_filter.h — step 1 of word2vec_make_epoch for one token, written
 * once for the two places that make word2vec.c's rows: the in-memory epoch
 * (models/word2vec_data.c) and the streamed one (recipe/word2vec_stream.c),
 * whose rows must be the same draw for draw. Private to the library (not
 * installed): inline, since both call it for every token of every epoch.
 */
#ifndef DLFS2_MODELS_WORD2VEC_FILTER_H
#define DLFS2_MODELS_WORD2VEC_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/rng.h"
#include "models/word2vec_data.h"

/*
 * Whether token id stays in its sentence (models/word2vec_data.h,
 * word2vec_make_epoch step 1): a sentence end only with
 * cfg->train_sentence_end; a word with counts[id] < cfg->min_count (when
 * min_count > 1) never, without a draw; otherwise, when cfg->sample > 0,
 * iff one rng_uniform draw u < keep[id] (keep (V,): word2vec_keep_probability
 * per word), else always. counts (V,) and keep are read; keep may be NULL
 * when sample <= 0.
 */
static inline bool word2vec_keeps_token(const Word2VecDataConfig *cfg, const int64_t *counts, const double *keep,
                                        int32_t id, Rng *rng)
{
    const bool end = id == cfg->sentence_end;
    return (!end || cfg->train_sentence_end) && !(cfg->min_count > 1 && counts[id] < (int64_t)cfg->min_count) &&
           (!(cfg->sample > 0) || rng_uniform(rng) < keep[id]);
}

#endif
