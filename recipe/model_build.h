/*
 * model_build.h — the run recipe's model (textbook ch04/train.py:
 * `model = CBOW(vocab_size, hidden_size, window_size, corpus)` or SkipGram):
 * built by name behind the Model interface (training/model.h), and, for
 * the FastTrainer's threads (training/fast_trainer.h), its replicas over
 * the one set of weights, sharing the read-only sampler (its alias table)
 * or Huffman tree instead of building their own.
 *
 * Library code: errors come back as status codes; nothing is printed.
 */
#ifndef DLFS2_RECIPE_MODEL_BUILD_H
#define DLFS2_RECIPE_MODEL_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../models/cbow.h"
#include "../models/skip_gram.h"
#include "../models/word2vec.h"
#include "../training/model.h"

DLFS2_API_BEGIN

typedef enum RecipeModelKind {
    RECIPE_CBOW,            /* "cbow": models/cbow.h */
    RECIPE_SKIPGRAM,        /* "skipgram" (or "skip-gram"): models/skip_gram.h */
} RecipeModelKind;

/* The kind named by name ("cbow", "skipgram", "skip-gram"). Errors: DLFS_ERR_ARG for another name. */
int recipe_model_kind_parse(const char *name, RecipeModelKind *kind) DLFS_WARN_UNUSED;

/* "cbow" or "skipgram". */
const char *recipe_model_kind_name(RecipeModelKind kind);

/* One of the two models behind the Model interface. */
typedef struct RecipeModel {
    RecipeModelKind kind;
    CBOW cbow;              /* kind RECIPE_CBOW */
    SkipGram skip_gram;     /* kind RECIPE_SKIPGRAM */
    bool initialised;       /* the chosen model's init has run (free it) */
    Model model;            /* the interface, over cbow or skip_gram */
    Param *W_in;            /* the word vectors, (V, H) */
} RecipeModel;

/*
 * Builds a CBOW or a SkipGram from cfg (its loss among them; vocab_size V)
 * on corpus (corpus_size,) int32 ids in [0, V), drawing W_in then W_out
 * from rng: the ids counted, then recipe_model_build_counts. The struct
 * must not move while the model lives (m->model points into it). Errors
 * (DLFS_ERR_ARG): the models' (an id out of range, an empty corpus, too few
 * distinct words for the negatives). Free with recipe_model_free, also
 * after a failure.
 */
int recipe_model_build(RecipeModel *m, RecipeModelKind kind, const Word2VecConfig *cfg,
                       const int32_t *corpus, size_t corpus_size, Rng *rng,
                       DlfsError *err) DLFS_WARN_UNUSED;

/*
 * As recipe_model_build (the same draws from rng, the same model), from
 * each word's count instead of a corpus: counts (V,) int64, word w's count
 * at counts[w], V = cfg->vocab_size, borrowed for the call only (a streamed
 * corpus's vocabulary pass, issue 19; recipe_model_build counts its corpus
 * and calls this). Not read by the softmax loss (may be NULL there).
 * Errors (DLFS_ERR_ARG): those of cbow_init_counts / skip_gram_init_counts
 * (a negative count, all counts zero, too few words with count > 0 for the
 * negatives). Free with recipe_model_free, also after a failure.
 */
int recipe_model_build_counts(RecipeModel *m, RecipeModelKind kind, const Word2VecConfig *cfg,
                              const int64_t *counts, Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;
void recipe_model_free(RecipeModel *m);

/* m's settings (the cfg it was built from). */
const Word2VecConfig *recipe_model_config(const RecipeModel *m);

/*
 * The models of T threads over one set of weights, as fast_trainer_init
 * takes them: models[0] is the owner's (m, borrowed; it must outlive this);
 * models[t], t >= 1, are replicas (cbow_init_shared, skip_gram_init_shared)
 * whose params share the owner's values, with gradients, layers and buffers
 * of their own and the owner's sampler or Huffman tree; nothing is drawn
 * for them. rngs[0] continues rng; rngs[t] is seeded seed ^ (golden ratio
 * * t), a stream of negatives per thread.
 */
typedef struct RecipeThreads {
    int T;
    RecipeModel *reps;      /* (T,) the replicas; reps[0] unused */
    Model *models;          /* (T,) */
    Rng *rngs;              /* (T,) */
} RecipeThreads;

/* Builds f for T >= 1 threads over m (built). Cannot fail; free with recipe_threads_free. */
void recipe_threads_build(RecipeThreads *f, int T, RecipeModel *m, const Rng *rng, uint64_t seed);
void recipe_threads_free(RecipeThreads *f);

DLFS2_API_END

#endif
