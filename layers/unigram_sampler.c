/* unigram_sampler.c — UnigramSampler with an alias table (see the header). */
#include "layers/unigram_sampler.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/corpus_counts.h"

enum { MAX_REJECTIONS = 1000 };

/* Vose's alias method: O(V) build, exact probabilities. */
static void build_alias_table(UnigramSampler *self)
{
    const int V = self->vocab_size;
    int32_t *small = dlfs_malloc((size_t)V * sizeof *small);
    int32_t *large = dlfs_malloc((size_t)V * sizeof *large);
    double *scaled = dlfs_malloc((size_t)V * sizeof *scaled);
    int n_small = 0, n_large = 0;
    for (int i = 0; i < V; i++) {
        scaled[i] = self->word_p[i] * V;
        if (scaled[i] < 1.0) small[n_small++] = i;
        else large[n_large++] = i;
    }
    while (n_small > 0 && n_large > 0) {
        int32_t s = small[--n_small], l = large[--n_large];
        self->alias_prob[s] = scaled[s];
        self->alias[s] = l;
        scaled[l] = (scaled[l] + scaled[s]) - 1.0;
        if (scaled[l] < 1.0) small[n_small++] = l;
        else large[n_large++] = l;
    }
    /* What is left is 1 up to rounding. */
    while (n_large > 0) {
        int32_t l = large[--n_large];
        self->alias_prob[l] = 1.0;
        self->alias[l] = l;
    }
    while (n_small > 0) {
        int32_t s = small[--n_small];
        self->alias_prob[s] = 1.0;
        self->alias[s] = s;
    }
    free(small);
    free(large);
    free(scaled);
}

/* The checks both builders make first, in this order (their messages). */
static int check_args(int vocab_size, int sample_size, float power, DlfsError *err)
{
    if (vocab_size < 1) return dlfs_fail(err, DLFS_ERR_ARG, "vocabulary size must be >= 1, got %d", vocab_size);
    if (sample_size < 1) return dlfs_fail(err, DLFS_ERR_ARG, "sample_size must be >= 1, got %d", sample_size);
    if (!(power >= 0.0f) || !isfinite(power)) return dlfs_fail(err, DLFS_ERR_ARG, "power must be a finite number >= 0, got %g", power);
    return DLFS_OK;
}

int unigram_sampler_init_counts(UnigramSampler *self, const int64_t *counts, int vocab_size, float power,
                                int sample_size, bool replace, DlfsError *err)
{
    memset(self, 0, sizeof *self);
    int status = check_args(vocab_size, sample_size, power, err);
    if (status != DLFS_OK) return status;
    bool any = false;
    for (int w = 0; w < vocab_size; w++) {
        if (counts[w] < 0)
            return dlfs_fail(err, DLFS_ERR_ARG, "count %" PRId64 " of word %d is negative", counts[w], w);
        any = any || counts[w] > 0;
    }
    if (!any) return dlfs_fail(err, DLFS_ERR_ARG, "cannot build a sampler from an empty corpus");
    self->vocab_size = vocab_size;
    self->sample_size = sample_size;
    self->power = power;
    self->replace = replace;
    self->word_p = dlfs_calloc((size_t)vocab_size, sizeof *self->word_p);
    self->alias_prob = dlfs_calloc((size_t)vocab_size, sizeof *self->alias_prob);
    self->alias = dlfs_calloc((size_t)vocab_size, sizeof *self->alias);

    /*
     * word_p holds the counts first, then count^power, then p. (double)count
     * is exact below 2^53, so p is bit for bit what the textbook-era build
     * made by adding 1.0 into a double per token of the corpus.
     */
    double total = 0.0;
    for (int w = 0; w < vocab_size; w++) {
        if (counts[w] > 0) {
            self->word_p[w] = pow((double)counts[w], power);
            self->n_nonzero++;
        }
        total += self->word_p[w];
    }
    for (int w = 0; w < vocab_size; w++) self->word_p[w] /= total;
    if (!replace && sample_size >= self->n_nonzero)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "sample_size %d needs at least %d distinct words in the corpus, which has %d",
                         sample_size, sample_size + 1, self->n_nonzero);
    build_alias_table(self);
    return DLFS_OK;
}

int unigram_sampler_init(UnigramSampler *self, const int32_t *corpus, size_t corpus_size,
                         int vocab_size, float power, int sample_size, bool replace,
                         DlfsError *err)
{
    memset(self, 0, sizeof *self);
    if (vocab_size < 1) return dlfs_fail(err, DLFS_ERR_ARG, "vocabulary size must be >= 1, got %d", vocab_size);
    if (corpus_size == 0) return dlfs_fail(err, DLFS_ERR_ARG, "cannot build a sampler from an empty corpus");
    int status = check_args(vocab_size, sample_size, power, err);
    if (status != DLFS_OK) return status;
    int64_t *counts = dlfs_malloc((size_t)vocab_size * sizeof *counts);
    status = corpus_count_ids(corpus, corpus_size, vocab_size, counts, err);
    if (status == DLFS_OK)
        status = unigram_sampler_init_counts(self, counts, vocab_size, power, sample_size, replace, err);
    free(counts);
    return status;
}

void unigram_sampler_free(UnigramSampler *self)
{
    free(self->word_p);
    free(self->alias_prob);
    free(self->alias);
    free(self->cells);
    memset(self, 0, sizeof *self);
}

int32_t unigram_sampler_draw(const UnigramSampler *self, Rng *rng)
{
    if (self->cells) {
        const uint64_t r = rng_u64(rng);
        const uint32_t cell = (uint32_t)(((r >> 32) * (uint64_t)self->vocab_size) >> 32);
        const UnigramCell c = self->cells[cell];
        return (uint32_t)r < c.keep ? (int32_t)cell : c.alias;
    }
    const int32_t cell = (int32_t)rng_below(rng, (uint64_t)self->vocab_size);
    return rng_uniform(rng) < self->alias_prob[cell] ? cell : self->alias[cell];
}

void unigram_sampler_pack(UnigramSampler *self)
{
    if (self->cells) return;
    const int V = self->vocab_size;
    self->cells = dlfs_malloc((size_t)V * sizeof *self->cells);
    for (int i = 0; i < V; i++) {
        /* keep with probability alias_prob[i]: 32 random bits below keep; a
         * probability of 1 keeps every draw (its alias is the cell itself) */
        const double keep = self->alias_prob[i] * 4294967296.0;
        self->cells[i].keep = keep >= 4294967295.0 ? UINT32_MAX : (uint32_t)keep;
        self->cells[i].alias = self->alias[i];
    }
}

static bool in_row(const int32_t *row, int n, int32_t w)
{
    for (int i = 0; i < n; i++)
        if (row[i] == w) return true;
    return false;
}

/* Exact O(V) draw from p restricted to words not in row[0..n) and not target. */
static int32_t draw_excluding(const UnigramSampler *self, const int32_t *row, int n,
                              int32_t target, Rng *rng)
{
    double mass = 0.0;
    for (int w = 0; w < self->vocab_size; w++)
        if (w != target && !in_row(row, n, w)) mass += self->word_p[w];
    double u = rng_uniform(rng) * mass;
    int32_t last = -1;
    for (int w = 0; w < self->vocab_size; w++) {
        if (w == target || in_row(row, n, w) || self->word_p[w] == 0.0) continue;
        last = w;
        u -= self->word_p[w];
        if (u < 0.0) return w;
    }
    DLFS_ASSERT(last >= 0);   /* guaranteed by the check in init */
    return last;              /* rounding left u just above 0 */
}

void unigram_sampler_draw_row(const UnigramSampler *self, int32_t *row, int32_t exclude, Rng *rng)
{
    const int S = self->sample_size;
    if (self->replace) {
        for (int i = 0; i < S; i++) row[i] = unigram_sampler_draw(self, rng);
        return;
    }
    int n = 0, rejections = 0;
    while (n < S) {
        if (rejections >= MAX_REJECTIONS) {
            row[n] = draw_excluding(self, row, n, exclude, rng);
            n++;
            continue;
        }
        const int32_t w = unigram_sampler_draw(self, rng);
        if (w == exclude || in_row(row, n, w)) {
            rejections++;
            continue;
        }
        row[n++] = w;
        rejections = 0;
    }
}

void unigram_sampler_get_negative_sample(const UnigramSampler *self, int32_t *negative_sample,
                                         const int32_t *target, int B, Rng *rng)
{
    for (int b = 0; b < B; b++) {
        DLFS_ASSERT(target[b] >= 0 && target[b] < self->vocab_size);
        unigram_sampler_draw_row(self, negative_sample + (size_t)b * self->sample_size, target[b], rng);
    }
}
