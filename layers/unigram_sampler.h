/*
 * unigram_sampler.h — the UnigramSampler (textbook §4.2.6,
 * ch04/negative_sampling_layer.py `UnigramSampler`): draws negative
 * examples from the unigram distribution raised to `power`,
 *
 *     p(w) = count(w)^power / sum_v count(v)^power,   power = 0.75,
 *
 * which lifts rare words a little (Mikolov et al., 2013).
 *
 * Each draw is O(1): an alias table (Walker 1977, built with Vose's 1991
 * method in O(V)) gives exactly p(w); word2vec.c instead rounds p into a
 * table of 1e8 cells. Two modes:
 *
 *  - without replacement (the default, the textbook's CPU path): per target,
 *    sample_size distinct words, never the target. Draws equal to the
 *    target or to a word already in the row are rejected and redrawn, which
 *    gives each new word with probability p(w) / (mass of the words still
 *    allowed): the same successive-sampling distribution as the textbook's
 *    np.random.choice(V, sample_size, replace=False, p=p with p[target]=0),
 *    without its O(V) copy and renormalisation per row. If a row rejects
 *    1000 draws in a row (only when a few words hold nearly all the mass)
 *    it finishes that row by exact O(V) inverse-CDF sampling over the
 *    allowed words, so it always terminates.
 *  - with replacement (the textbook's GPU path): sample_size independent
 *    draws from p per row; the target itself can be drawn, as there.
 */
#ifndef DLFS2_LAYERS_UNIGRAM_SAMPLER_H
#define DLFS2_LAYERS_UNIGRAM_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/rng.h"
#include "../common/status.h"

DLFS2_API_BEGIN

/* One cell of the alias table packed for unigram_sampler_pack's draws: 8 bytes, one load. */
typedef struct UnigramCell {
    uint32_t keep;          /* keep the cell's own word when 32 random bits are below this */
    int32_t alias;          /* otherwise this word */
} UnigramCell;

typedef struct UnigramSampler {
    int vocab_size;         /* V */
    int sample_size;        /* negatives per target */
    float power;            /* exponent on the counts, 0.75 in the textbook */
    bool replace;           /* true: with replacement (GPU path) */
    double *word_p;         /* (V,) normalised count^power; owned */
    double *alias_prob;     /* (V,) alias table: keep cell i with this probability */
    int32_t *alias;         /* (V,) alias table: otherwise take alias[i] */
    int n_nonzero;          /* words with p > 0 */
    UnigramCell *cells;     /* (V,) the packed table (unigram_sampler_pack), owned; NULL: none */
} UnigramSampler;

/*
 * Counts the ids of corpus (corpus_size,) int32, each in [0, vocab_size),
 * and builds p and the alias table from the counts
 * (unigram_sampler_init_counts). power >= 0. Errors (DLFS_ERR_ARG, with a
 * message in err): an id out of range, an empty corpus, sample_size < 1, or
 * without replacement sample_size >= the number of distinct words in the
 * corpus (then a row could not hold sample_size words other than its
 * target). Free with unigram_sampler_free, also after a failure.
 */
int unigram_sampler_init(UnigramSampler *self, const int32_t *corpus, size_t corpus_size,
                         int vocab_size, float power, int sample_size, bool replace,
                         DlfsError *err) DLFS_WARN_UNUSED;
/*
 * Builds p and the alias table from counts (vocab_size,) int64, word w's
 * count at counts[w] (a vocabulary pass's counts, or a corpus's:
 * unigram_sampler_init counts its ids and calls this); counts is borrowed
 * for the call only. p(w) = counts[w]^power / sum_v counts[v]^power, in
 * double; for counts below 2^53 the sampler is bit for bit the one
 * unigram_sampler_init builds from a corpus with these counts. power >= 0.
 * Errors (DLFS_ERR_ARG, with a message in err): vocab_size < 1,
 * sample_size < 1, a bad power, a negative count, all counts zero
 * ("cannot build a sampler from an empty corpus"), or without replacement
 * sample_size >= the number of words with count > 0. Free with
 * unigram_sampler_free, also after a failure.
 */
int unigram_sampler_init_counts(UnigramSampler *self, const int64_t *counts, int vocab_size, float power,
                                int sample_size, bool replace, DlfsError *err) DLFS_WARN_UNUSED;
void unigram_sampler_free(UnigramSampler *self);

/*
 * One draw from p in O(1): a cell below V from one random number (exactly,
 * rng_below) and the cell's coin from a second (rng_uniform, in double);
 * after unigram_sampler_pack, both from one 64-bit random number.
 */
int32_t unigram_sampler_draw(const UnigramSampler *self, Rng *rng);

/*
 * From now on every draw of self (unigram_sampler_draw and the functions
 * below) takes one 64-bit random number r instead of two: the cell is
 * (r >> 32) * V >> 32 (Lemire's multiply-shift, without its rejection: a
 * cell's chance is off by less than V / 2^32 of itself, 2.3e-6 at
 * V = 10,000) and the coin compares r's low 32 bits with the cell's keep
 * probability rounded down to a multiple of 2^-32; the table is packed
 * into 8-byte cells (alias_prob as a 32-bit threshold beside alias), one
 * load a draw. word2vec.c's own draw is coarser (p rounded into a table of
 * 1e8 cells). The draws differ from the unpacked ones, so a run's results
 * change; --preset word2vec packs its sampler (docs/fast-mode.md has the
 * time it saves), the textbook's runs do not. Idempotent; the table is
 * freed with the sampler.
 */
void unigram_sampler_pack(UnigramSampler *self);

/*
 * One row of negatives: fills row (sample_size,) int32 in the mode chosen
 * at init: with replacement, sample_size independent draws; without, a
 * draw equal to `exclude` or already in the row is drawn again (after
 * 1,000 rejections in a row, one exact draw from p restricted to the words
 * left). exclude: a word id in [0, V), or -1 for none (the shared-negatives
 * sets of models/word2vec_output.h). No errors (init checked sample_size
 * against the distinct words). Textbook ch04/negative_sampling_layer.py
 * UnigramSampler.get_negative_sample, one row of it.
 */
void unigram_sampler_draw_row(const UnigramSampler *self, int32_t *row, int32_t exclude, Rng *rng);

/*
 * Fills negative_sample (B, sample_size) int32, row b for target[b], in the
 * mode chosen at init (unigram_sampler_draw_row, excluding target[b]).
 * target: (B,) int32 in [0, V).
 */
void unigram_sampler_get_negative_sample(const UnigramSampler *self, int32_t *negative_sample,
                                         const int32_t *target, int B, Rng *rng);

DLFS2_API_END

#endif
