/* word2vec.c — settings shared by CBOW and SkipGram (see word2vec.h). */
#include "models/word2vec.h"

#include <string.h>

#include "common/check.h"
#include "common/status.h"

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
        .loss = WORD2VEC_LOSS_NEGSAMP,
    };
}

void word2vec_check_config(const Word2VecConfig *cfg)
{
    DLFS_ASSERT(cfg->vocab_size >= 1 && cfg->hidden_size >= 1);
    DLFS_ASSERT(cfg->window_size >= 1 && cfg->sample_size >= 1 && cfg->max_batch >= 1);
    DLFS_ASSERT(cfg->power >= 0.0f);
    DLFS_ASSERT(cfg->loss == WORD2VEC_LOSS_NEGSAMP || cfg->loss == WORD2VEC_LOSS_SOFTMAX ||
                cfg->loss == WORD2VEC_LOSS_HSOFTMAX);
    DLFS_ASSERT(cfg->loss != WORD2VEC_LOSS_HSOFTMAX || cfg->vocab_size >= 2);
    DLFS_ASSERT(cfg->subwords == NULL || cfg->subwords->V == cfg->vocab_size);
    DLFS_ASSERT(cfg->subwords == NULL || !cfg->shared_negatives);
}

int word2vec_in_rows(const Word2VecConfig *cfg)
{
    return cfg->subwords ? cfg->subwords->n_rows : cfg->vocab_size;
}

static const char *const loss_names[] = {"negsamp", "softmax", "hsoftmax"};

const char *word2vec_loss_name(Word2VecLoss loss)
{
    DLFS_ASSERT((unsigned)loss < sizeof loss_names / sizeof loss_names[0]);
    return loss_names[loss];
}

int word2vec_loss_parse(const char *name, Word2VecLoss *loss)
{
    for (size_t i = 0; i < sizeof loss_names / sizeof loss_names[0]; i++) {
        if (strcmp(name, loss_names[i]) == 0) {
            *loss = (Word2VecLoss)i;
            return DLFS_OK;
        }
    }
    return DLFS_ERR_ARG;
}

void word2vec_w_out_shape(const Word2VecConfig *cfg, int shape[2])
{
    const int V = cfg->vocab_size, H = cfg->hidden_size;
    switch (cfg->loss) {
    case WORD2VEC_LOSS_SOFTMAX: shape[0] = H; shape[1] = V; break;
    case WORD2VEC_LOSS_HSOFTMAX: shape[0] = V - 1; shape[1] = H; break;
    default: shape[0] = V; shape[1] = H; break;
    }
}

void word2vec_init_params(Param *W_in, Param *W_out, const Word2VecConfig *cfg, Rng *rng)
{
    int shape[2];
    word2vec_w_out_shape(cfg, shape);
    param_init(W_in, "W_in", 2, (int[]){word2vec_in_rows(cfg), cfg->hidden_size}, true);
    param_init(W_out, "W_out", 2, shape, cfg->loss != WORD2VEC_LOSS_SOFTMAX);
    param_fill_randn(W_in, 0.01, rng);
    param_fill_randn(W_out, 0.01, rng);
}

void word2vec_share_params(Param *W_in, Param *W_out, const Param *owner_in, const Param *owner_out,
                           const Word2VecConfig *cfg)
{
    int shape[2];
    word2vec_w_out_shape(cfg, shape);
    param_init(W_in, "W_in", 2, (int[]){word2vec_in_rows(cfg), cfg->hidden_size}, true);
    param_init(W_out, "W_out", 2, shape, cfg->loss != WORD2VEC_LOSS_SOFTMAX);
    param_share_value(W_in, owner_in);
    param_share_value(W_out, owner_out);
}
