/* word2vec_data.c — word2vec.c's per-epoch training rows (see word2vec_data.h). */
#include "models/word2vec_data.h"
#include "models/word2vec_filter.h"

#include <math.h>
#include <stdlib.h>

#include "common/check.h"

double word2vec_keep_probability(int64_t count, int64_t total, double sample)
{
    if (!(sample > 0) || count <= 0 || total <= 0) return 1.0;
    const double st = sample * (double)total;
    const double c = (double)count;
    const double keep = (sqrt(c / st) + 1.0) * st / c;
    return keep < 1.0 ? keep : 1.0;
}

int word2vec_count_words(const int32_t *corpus, size_t n, int V, int64_t *counts, DlfsError *err)
{
    if (V < 1) return dlfs_fail(err, DLFS_ERR_ARG, "vocabulary size %d: must be >= 1", V);
    for (int v = 0; v < V; v++) counts[v] = 0;
    for (size_t k = 0; k < n; k++) {
        const int32_t id = corpus[k];
        if (id < 0 || id >= V)
            return dlfs_fail(err, DLFS_ERR_ARG, "corpus[%zu] = %d: ids must be in [0, %d)", k,
                             (int)id, V);
        counts[id]++;
    }
    return DLFS_OK;
}

int word2vec_data_config_check(const Word2VecDataConfig *cfg, int V, DlfsError *err)
{
    if (V < 1) return dlfs_fail(err, DLFS_ERR_ARG, "vocabulary size %d: must be >= 1", V);
    if (cfg->window < 1)
        return dlfs_fail(err, DLFS_ERR_ARG, "window %d: must be >= 1", cfg->window);
    if (isnan(cfg->sample)) return dlfs_fail(err, DLFS_ERR_ARG, "sample is NaN");
    if (cfg->sentence_end < -1 || cfg->sentence_end >= V)
        return dlfs_fail(err, DLFS_ERR_ARG, "sentence_end %d: must be -1 or in [0, %d)",
                         (int)cfg->sentence_end, V);
    return DLFS_OK;
}

/* Checks cfg and the ids before anything is drawn or written. */
static int check_args(const int32_t *corpus, size_t n, int V, const Word2VecDataConfig *cfg,
                      DlfsError *err)
{
    const int status = word2vec_data_config_check(cfg, V, err);
    if (status != DLFS_OK) return status;
    for (size_t k = 0; k < n; k++)
        if (corpus[k] < 0 || corpus[k] >= V)
            return dlfs_fail(err, DLFS_ERR_ARG, "corpus[%zu] = %d: ids must be in [0, %d)", k,
                             (int)corpus[k], V);
    return DLFS_OK;
}

int word2vec_window_cut(Rng *rng, int w)
{
    DLFS_ASSERT(w >= 1);
    return (int)(((rng_u64(rng) >> 32) * (uint64_t)w) >> 32);
}

/*
 * Writes the rows of one sentence's kept tokens s[0..L) from contexts row
 * *rows on and advances *rows. See word2vec_make_epoch step 2.
 */
static void emit_sentence(const int32_t *s, size_t L, int w, bool dynamic, Rng *rng,
                          int32_t *contexts, int32_t *target, size_t *rows)
{
    const size_t C = 2 * (size_t)w;
    size_t r = *rows;
    for (size_t p = 0; p < L; p++) {
        /* word2vec.c: b = next_random % window; offsets a - window for a in [b, 2w + 1 - b) */
        const int b = dynamic ? word2vec_window_cut(rng, w) : 0;
        if (L < 2) continue;   /* a lone token has no context: its row would be all -1 */
        /* offsets -left..-1 and 1..right are used: |o| <= w - b, inside the sentence */
        const size_t reach = (size_t)(w - b);   /* >= 1 */
        const size_t left = p < reach ? p : reach;
        const size_t right = L - 1 - p < reach ? L - 1 - p : reach;
        int32_t *row = contexts + r * C;
        for (size_t i = 0; i < C; i++) row[i] = -1;
        /* column i = o + w for o < 0, o + w - 1 for o > 0 (create_contexts_target's order) */
        for (size_t d = 1; d <= left; d++) row[(size_t)w - d] = s[p - d];
        for (size_t d = 1; d <= right; d++) row[(size_t)w + d - 1] = s[p + d];
        target[r] = s[p];
        r++;
    }
    *rows = r;
}

size_t word2vec_sentence_rows(const int32_t *s, size_t L, int w, bool dynamic, Rng *rng,
                              int32_t *contexts, int32_t *target)
{
    size_t rows = 0;
    emit_sentence(s, L, w, dynamic, rng, contexts, target, &rows);
    return rows;
}

int word2vec_make_epoch(const int32_t *corpus, size_t n, const int64_t *counts, int V,
                        const Word2VecDataConfig *cfg, Rng *rng, int32_t *contexts, int32_t *target,
                        size_t *n_out, DlfsError *err)
{
    DLFS_ASSERT(cfg != NULL && n_out != NULL);
    DLFS_ASSERT(n == 0 || (corpus != NULL && counts != NULL && contexts != NULL && target != NULL));
    *n_out = 0;
    int status = check_args(corpus, n, V, cfg, err);
    if (status != DLFS_OK) return status;
    const bool subsample = cfg->sample > 0;
    DLFS_ASSERT(rng != NULL || (!subsample && !cfg->dynamic_window));
    if (n == 0) return DLFS_OK;

    /* the keep probability of every word, once: one sqrt per word, not per token */
    double *keep = NULL;
    if (subsample) {
        keep = dlfs_malloc((size_t)V * sizeof *keep);
        for (int v = 0; v < V; v++)
            keep[v] = word2vec_keep_probability(counts[v], (int64_t)n, cfg->sample);
    }
    int32_t *sentence = dlfs_malloc(n * sizeof *sentence);   /* one sentence's kept tokens */

    size_t rows = 0;
    size_t k = 0;
    while (k < n) {
        /* 1. filter one sentence: drop rare words, subsample the rest (one draw per token) */
        size_t L = 0;
        for (; k < n; k++) {
            const int32_t id = corpus[k];
            if (word2vec_keeps_token(cfg, counts, keep, id, rng)) sentence[L++] = id;
            if (id == cfg->sentence_end) {
                k++;
                break;
            }
        }
        /* 2. its rows, one b draw per kept token */
        emit_sentence(sentence, L, cfg->window, cfg->dynamic_window, rng, contexts, target, &rows);
    }

    free(sentence);
    free(keep);
    *n_out = rows;
    return DLFS_OK;
}
