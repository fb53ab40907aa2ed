/* model_build.c — the run recipe's model and its thread replicas (see model_build.h). */
#include "recipe/model_build.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/corpus_counts.h"

int recipe_model_kind_parse(const char *name, RecipeModelKind *kind)
{
    if (strcmp(name, "cbow") == 0) {
        *kind = RECIPE_CBOW;
    } else if (strcmp(name, "skipgram") == 0 || strcmp(name, "skip-gram") == 0) {
        *kind = RECIPE_SKIPGRAM;
    } else {
        return DLFS_ERR_ARG;
    }
    return DLFS_OK;
}

const char *recipe_model_kind_name(RecipeModelKind kind)
{
    return kind == RECIPE_SKIPGRAM ? "skipgram" : "cbow";
}

int recipe_model_build_counts(RecipeModel *m, RecipeModelKind kind, const Word2VecConfig *cfg,
                              const int64_t *counts, Rng *rng, DlfsError *err)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    int status;
    if (kind == RECIPE_SKIPGRAM) {
        status = skip_gram_init_counts(&m->skip_gram, cfg, counts, rng, err);
        m->initialised = true;
        if (status == DLFS_OK) skip_gram_as_model(&m->skip_gram, &m->model);
        m->W_in = &m->skip_gram.W_in;
    } else {
        status = cbow_init_counts(&m->cbow, cfg, counts, rng, err);
        m->initialised = true;
        if (status == DLFS_OK) cbow_as_model(&m->cbow, &m->model);
        m->W_in = &m->cbow.W_in;
    }
    return status;
}

int recipe_model_build(RecipeModel *m, RecipeModelKind kind, const Word2VecConfig *cfg,
                       const int32_t *corpus, size_t corpus_size, Rng *rng, DlfsError *err)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    int64_t *counts = NULL;
    int status = DLFS_OK;
    if (cfg->loss != WORD2VEC_LOSS_SOFTMAX) {   /* the softmax reads no counts (cbow_init) */
        counts = dlfs_malloc((size_t)cfg->vocab_size * sizeof *counts);
        status = corpus_count_ids(corpus, corpus_size, cfg->vocab_size, counts, err);
    }
    if (status == DLFS_OK) status = recipe_model_build_counts(m, kind, cfg, counts, rng, err);
    free(counts);
    return status;
}

void recipe_model_free(RecipeModel *m)
{
    if (!m->initialised) return;
    if (m->kind == RECIPE_SKIPGRAM)
        skip_gram_free(&m->skip_gram);
    else
        cbow_free(&m->cbow);
    m->initialised = false;
}

const Word2VecConfig *recipe_model_config(const RecipeModel *m)
{
    return m->kind == RECIPE_SKIPGRAM ? &m->skip_gram.cfg : &m->cbow.cfg;
}

/* r: a replica of m (built) for another thread. */
static void replica_build(RecipeModel *r, const RecipeModel *m)
{
    memset(r, 0, sizeof *r);
    r->kind = m->kind;
    r->initialised = true;
    if (m->kind == RECIPE_SKIPGRAM) {
        skip_gram_init_shared(&r->skip_gram, &m->skip_gram);
        skip_gram_as_model(&r->skip_gram, &r->model);
        r->W_in = &r->skip_gram.W_in;
    } else {
        cbow_init_shared(&r->cbow, &m->cbow);
        cbow_as_model(&r->cbow, &r->model);
        r->W_in = &r->cbow.W_in;
    }
}

void recipe_threads_build(RecipeThreads *f, int T, RecipeModel *m, const Rng *rng, uint64_t seed)
{
    DLFS_ASSERT(T >= 1 && m->initialised);
    *f = (RecipeThreads){.T = T};
    f->reps = dlfs_calloc((size_t)T, sizeof *f->reps);
    f->models = dlfs_calloc((size_t)T, sizeof *f->models);
    f->rngs = dlfs_calloc((size_t)T, sizeof *f->rngs);
    f->models[0] = m->model;
    f->rngs[0] = *rng;
    for (int t = 1; t < T; t++) {
        replica_build(&f->reps[t], m);
        f->models[t] = f->reps[t].model;
        rng_seed(&f->rngs[t], seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)t));
    }
}

void recipe_threads_free(RecipeThreads *f)
{
    for (int t = 1; f->reps && t < f->T; t++) recipe_model_free(&f->reps[t]);
    free(f->reps);
    free(f->models);
    free(f->rngs);
    memset(f, 0, sizeof *f);
}
