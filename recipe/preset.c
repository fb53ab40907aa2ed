/* preset.c — the word2vec preset, as data (see preset.h). */
#include "recipe/preset.h"

#include <string.h>

const RecipePreset recipe_preset_word2vec = {
    .name = "word2vec",
    .optimizer = FAST_SGD_LINEAR,
    .lr_cbow = 0.05,
    .lr_skipgram = 0.025,
    .sample = 1e-3,
    .min_count = 5,
    .dynamic_window = true,
    .sentences = true,
    .context_full_grad = true,
    .replace = false,
    .shuffle = false,
    .packed_draws = true,
    .subword_power = 0.5,
};

const RecipePreset *recipe_preset_find(const char *name)
{
    return strcmp(name, recipe_preset_word2vec.name) == 0 ? &recipe_preset_word2vec : NULL;
}

double recipe_preset_lr(const RecipePreset *p, RecipeModelKind kind)
{
    return kind == RECIPE_SKIPGRAM ? p->lr_skipgram : p->lr_cbow;
}

void recipe_preset_model_config(const RecipePreset *p, Word2VecConfig *cfg)
{
    cfg->context_full_grad = p->context_full_grad;
    cfg->replace = p->replace;
    cfg->packed_draws = p->packed_draws;
}

Word2VecDataConfig recipe_preset_data_config(const RecipePreset *p, int window, const Vocab *vocab)
{
    return (Word2VecDataConfig){
        .window = window, .dynamic_window = p->dynamic_window, .sample = p->sample,
        .min_count = p->min_count, .sentence_end = p->sentences ? vocab_get(vocab, "<eos>") : -1,
    };
}

void recipe_preset_fast_config(const RecipePreset *p, RecipeModelKind kind, FastTrainerConfig *tc)
{
    tc->optimizer = p->optimizer;
    tc->lr = (float)recipe_preset_lr(p, kind);
    tc->shuffle = p->shuffle;
}
