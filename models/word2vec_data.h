/*
 * word2vec_data.h — one epoch of (contexts, target) training rows made the
 * way word2vec.c (Mikolov et al., 2013; the original C tool, TrainModelThread)
 * makes them, for the "--preset word2vec" recipe of `dlfs2 train --fast`:
 *
 *   - sentences: a sentence-end token (word2vec.c's </s>, PTB's <eos>) ends
 *     a sentence, is never a target or a context, and no window crosses it;
 *   - min-count: the tokens of words seen fewer than min_count times are
 *     removed before windows are formed (word2vec.c drops them from the
 *     vocabulary, so ReadWordIndex skips them);
 *   - subsampling of frequent words: each remaining token is kept with
 *     word2vec_keep_probability, and windows are formed over the kept
 *     tokens only, so a discarded token brings farther words into range;
 *   - dynamic window: per target a shrink b is drawn uniformly in [0, w) and
 *     only the offsets |o| <= w - b are used, so near words count more.
 *
 * The rows have the textbook's layout (common/util.h create_contexts_target,
 * textbook §3.3.1): contexts (rows, 2w) int32, column i the word at offset
 * i - w (i < w) or i - w + 1 (i >= w); a column with no word is -1.
 *
 * Differences from word2vec.c: its 1000-word cap on a sentence
 * (MAX_SENTENCE_LENGTH) is not applied here (with sentence_end = -1 the
 * whole corpus is one sentence; the streamed rows of
 * recipe/word2vec_stream.h, which `--preset word2vec` trains on, apply it); the total in the keep probability is the corpus
 * length n, where word2vec.c's train_words leaves out the words under
 * min_count; draws come from the explicit Rng (common/rng.h), not from
 * word2vec.c's linear congruential next_random, and the keep test uses a
 * 53-bit uniform where word2vec.c uses 16 bits.
 */
#ifndef DLFS2_MODELS_WORD2VEC_DATA_H
#define DLFS2_MODELS_WORD2VEC_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/rng.h"
#include "../common/status.h"

DLFS2_API_BEGIN

/* How one epoch's rows are made; every field is checked by word2vec_make_epoch. */
typedef struct Word2VecDataConfig {
    int window;             /* w >= 1: contexts are 2w columns, as create_contexts_target */
    bool dynamic_window;    /* per target, draw b uniform in [0, w) and use only offsets |o| <= w - b (word2vec.c) */
    double sample;          /* subsampling threshold t (word2vec.c -sample, e.g. 1e-3); <= 0 = keep every token */
    int min_count;          /* tokens of words with count < min_count are dropped (word2vec.c -min-count); <= 1 = keep all */
    int32_t sentence_end;   /* id that ends a sentence (PTB's <eos>): it is dropped, and no window crosses it; -1 = none */
    bool train_sentence_end;/* keep the sentence_end token as its sentence's last word, a word like any other
                               (min count, subsampling), as fastText trains on its </s>; false */
} Word2VecDataConfig;

/*
 * Checks cfg for a vocabulary of V words, as word2vec_make_epoch and the
 * streamed rows (recipe/word2vec_stream.h) take it: DLFS_OK, or
 * DLFS_ERR_ARG (message in err) when V < 1, window < 1, sample is NaN, or
 * sentence_end is neither -1 nor in [0, V).
 */
int word2vec_data_config_check(const Word2VecDataConfig *cfg, int V, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * word2vec.c's probability of keeping one token of a word seen `count`
 * times among `total` tokens, with threshold `sample` (t):
 *
 *     keep = min(1, (sqrt(count / (t * total)) + 1) * t * total / count)
 *          = min(1, sqrt(t / f) + t / f),        f = count / total
 *
 * (word2vec.c TrainModelThread: `ran = (sqrt(cn / (sample * train_words)) +
 * 1) * (sample * train_words) / cn`, the token discarded when ran < u). It
 * is not the paper's 1 - P(discard) = sqrt(t / f) (Mikolov et al., 2013,
 * "Distributed Representations of Words and Phrases", eq. 5): the extra
 * t / f keeps a little more of each word. Words with f <= t * (3 + sqrt 5)
 * / 2 (about 2.6 t) are always kept. Returns a value in (0, 1]; 1 when
 * sample <= 0 (or NaN), count <= 0 or total <= 0. Computed in double.
 */
double word2vec_keep_probability(int64_t count, int64_t total, double sample);

/*
 * counts[v] = how many times id v occurs in corpus (n,) int32, for v in
 * [0, V); counts (V,) int64 is caller-allocated and overwritten (the sum is
 * n). corpus may be NULL when n = 0. Returns DLFS_OK, or DLFS_ERR_ARG when
 * V < 1 or an id lies outside [0, V) (the message gives its position and
 * value; counts is then unspecified).
 */
int word2vec_count_words(const int32_t *corpus, size_t n, int V, int64_t *counts,
                         DlfsError *err) DLFS_WARN_UNUSED;

/*
 * One epoch's (contexts, target) rows from corpus (n,) int32 ids in [0, V),
 * with counts (V,) int64 from word2vec_count_words (its total is taken to
 * be n). contexts (caller-allocated, room for n * 2w int32) receives
 * (*n_out, 2w) row-major; target (room for n int32) receives (*n_out,).
 * Both are overwritten from the start; entries past *n_out rows are left
 * as they were. Nothing is borrowed past the call; scratch (n int32 for
 * one sentence, V doubles of keep probabilities) is allocated once per
 * call and freed before it returns. O(n w) time.
 *
 * Per sentence (the tokens up to the next sentence_end, or to the end of
 * the corpus), in corpus order:
 *   1. filter: sentence_end tokens end the sentence and are dropped (with
 *      train_sentence_end, filtered as below and kept as its last word); when
 *      min_count > 1, tokens of words with counts[id] < min_count are
 *      dropped (no draw); when sample > 0,
 *      every other token takes ONE rng_uniform draw u, in order, and is kept
 *      iff u < word2vec_keep_probability(counts[id], n, sample) (so a word
 *      whose probability is 1 still takes a draw).
 *   2. emit: for each kept token p of the sentence, in order, b =
 *      word2vec_window_cut(rng, w) when dynamic_window (ONE draw per kept token, also
 *      for the lone kept token of a sentence, whose row is not emitted),
 *      else b = 0. Column i of its contexts row is the kept token at offset
 *      o = i - w (i < w) or i - w + 1 (i >= w) when that token is in the
 *      same sentence and |o| <= w - b, else -1; target is p's id.
 * So the Rng stream reads: the keep draws of sentence 1, its b draws, the
 * keep draws of sentence 2, its b draws, ... A row is all -1 exactly when
 * its sentence kept a single token (offset +-1 is always in range), and
 * such rows are not emitted; every other kept token gives one row, so
 * *n_out = (kept tokens) - (sentences with exactly one kept token).
 *
 * With sample <= 0, dynamic_window false, min_count <= 1 and sentence_end
 * -1 no draws are made, and the rows are create_contexts_target's for
 * every position t in [0, n) — including the first and last w, which it
 * leaves out — with -1 where t + o falls outside the corpus.
 *
 * rng may be NULL when no draw is needed (sample <= 0 and !dynamic_window).
 * Returns DLFS_OK with *n_out set; DLFS_ERR_ARG (message in err, nothing
 * written, no draw made, *n_out = 0) when w < 1, V < 1, sample is NaN,
 * sentence_end is not -1 or in [0, V), or an id lies outside [0, V).
 * Sources: word2vec.c TrainModelThread (sentence reading with subsampling;
 * `b = next_random % window` and the loop `for (a = b; a < window * 2 + 1
 * - b; a++)`), textbook util.create_contexts_target for the layout.
 */
int word2vec_make_epoch(const int32_t *corpus, size_t n, const int64_t *counts, int V,
                        const Word2VecDataConfig *cfg, Rng *rng, int32_t *contexts, int32_t *target,
                        size_t *n_out, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Step 2 of word2vec_make_epoch for one sentence: the rows of its kept
 * tokens sentence (L,) int32, written from contexts row 0 (room for L rows
 * of 2 * window int32) and target (room for L); returns the rows written.
 * One word2vec_window_cut(rng, window) draw per token when dynamic_window (rng may
 * then not be NULL), none otherwise; a sentence of one token takes its
 * draw and gives no row. The streamed rows of recipe/word2vec_stream.h are
 * made by it, so they are make_epoch's, sentence for sentence.
 */
size_t word2vec_sentence_rows(const int32_t *sentence, size_t L, int window, bool dynamic_window, Rng *rng,
                              int32_t *contexts, int32_t *target);

/*
 * How much a token's window shrinks, b in [0, w): word2vec.c's
 * next_random % window, here from the top 32 bits of one rng_u64 by
 * Lemire's multiply-shift, (bits * w) >> 32: no division, and each b's
 * chance is off by less than w / 2^32 of itself. w >= 1.
 */
int word2vec_window_cut(Rng *rng, int w);

DLFS2_API_END

#endif
