/* word2vec.c — settings shared by CBOW and SkipGram (see word2vec.h). */
#include "models/word2vec.h"

#include "common/check.h"

Word2VecConfig word2vec_default_config(int vocab_size)
{
    return (Word2VecConfig){
        .vocab_size = vocab_size,
        .hidden_size = 100,
        .window_size = 5,
        .sample_size = 5,
        .power = 0.75f,
        .replace = false,
        .max_batch = 100,
    };
}

void word2vec_check_config(const Word2VecConfig *cfg)
{
    DLFS_ASSERT(cfg->vocab_size >= 1 && cfg->hidden_size >= 1);
    DLFS_ASSERT(cfg->window_size >= 1 && cfg->sample_size >= 1 && cfg->max_batch >= 1);
    DLFS_ASSERT(cfg->power >= 0.0f);
}
