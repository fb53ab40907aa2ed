/*
 * wordsim.h — word-similarity benchmarks in the WordSim-353 layout (Finkelstein
 * et al. 2002), as gensim's KeyedVectors.evaluate_word_pairs runs them: how
 * well the cosine similarity of two words' vectors ranks the pairs the way
 * people scored them, as Spearman's rank correlation (and Pearson's r).
 *
 * The pairs file: lines starting with '#' and blank lines are skipped;
 * every other line is "word1 word2 score", separated by tabs or any other
 * white space (CRLF line ends are fine), the score a finite number:
 *
 *     # The WordSimilarity-353 Test Collection
 *     tiger	cat	7.35
 *
 * Words are looked up case-insensitively (evaluation/lower_vocab.h: the
 * lowest-id word of a lower-cased form stands for it, as in gensim).
 */
#ifndef DLFS2_EVALUATION_WORDSIM_H
#define DLFS2_EVALUATION_WORDSIM_H

#include <stddef.h>

#include "../common/api.h"
#include "../common/status.h"
#include "../common/vocab.h"

DLFS2_API_BEGIN

/* The figures of one pairs file. Holds no memory: nothing to free. */
typedef struct WordSimResult {
    size_t total;     /* pairs in the file */
    size_t used;      /* pairs whose two words are both in the vocabulary */
    size_t skipped;   /* total - used: pairs with a word outside the vocabulary */
    double spearman;  /* Spearman's rho of (cosine, score) over the used pairs; NaN if undefined */
    double pearson;   /* Pearson's r of the same values; NaN if undefined */
} WordSimResult;

/*
 * Scores every pair of the file at path with word vectors W (V, H)
 * float32, row i the vector of vocab word i (V == vocab->size): for each
 * used pair, cos(x, y) = x·y / (|x| |y|) in double (0 when either vector is
 * zero) against the human score, then wordsim_spearman and
 * wordsim_pearson over the used pairs (scipy.stats.spearmanr and
 * pearsonr, which gensim reports). The correlations are NaN when fewer
 * than 2 pairs are used or either column is constant, as scipy's.
 * Errors: DLFS_ERR_IO (cannot read path), DLFS_ERR_FORMAT (a line that
 * is not 2 words and a finite number; the message starts "path:line:").
 * On error *self is zeroed.
 */
int wordsim_evaluate(WordSimResult *self, const char *path, const Vocab *vocab, const float *W, int V, int H,
                     DlfsError *err) DLFS_WARN_UNUSED;

/*
 * ranks (n,) = the 1-based ascending ranks of x (n,) double, tied values
 * sharing the mean of the ranks they span (scipy.stats.rankdata's
 * "average"): x = {10, 20, 20, 5} gives {2, 3.5, 3.5, 1}. x must hold no
 * NaN. Allocates n indices for the call.
 */
void wordsim_rank_average(double *ranks, const double *x, size_t n);

/*
 * Pearson's r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²) of x, y (n,) double,
 * clipped to [-1, 1]; NaN when n < 2 or x or y is constant.
 */
double wordsim_pearson(const double *x, const double *y, size_t n);

/*
 * Spearman's rho: wordsim_pearson of wordsim_rank_average(x) and
 * wordsim_rank_average(y), which handles ties (scipy.stats.spearmanr). NaN as
 * wordsim_pearson. Allocates 2n doubles for the call.
 */
double wordsim_spearman(const double *x, const double *y, size_t n);

DLFS2_API_END

#endif
