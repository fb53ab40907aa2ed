/*
 * util.h — the textbook's helper functions (common/util.py): preprocess,
 * create_contexts_target, cos_similarity, most_similar, analogy, normalize,
 * and the count-based tools of chapter 2: create_co_matrix, ppmi,
 * convert_one_hot. They compute and return; the programs print.
 * (util.clip_grads is in training/optimizer.h, next to its users.)
 */
#ifndef DLFS2_COMMON_UTIL_H
#define DLFS2_COMMON_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "status.h"
#include "tensor.h"
#include "vocab.h"

DLFS2_API_BEGIN

/* One answer of most_similar / analogy. */
typedef struct SimilarWord {
    int32_t id;
    float similarity;
} SimilarWord;

/*
 * util.preprocess(text): lower-cases (ASCII), puts a space before every
 * '.', splits on whitespace, and maps words to ids in order of first
 * appearance. "You say goodbye and I say hello." gives ids 0 1 2 3 4 1 5 6
 * for you say goodbye and i say hello . Fills corpus (N,) int32 (free with
 * int32_array_free) and adds to vocab. Returns DLFS_OK, or DLFS_ERR_FORMAT
 * for a text without words.
 */
int preprocess(const char *text, Int32Array *corpus, Vocab *vocab, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * util.create_contexts_target(corpus, window_size): for every position
 * t in [window, N - window), target[t - window] = corpus[t] and its context
 * row holds corpus[t - window .. t + window] without corpus[t], left to
 * right. Allocates contexts (N - 2*window, 2*window) and target
 * (N - 2*window,). Errors: DLFS_ERR_ARG when window < 1 or the corpus has
 * no more than 2*window words.
 */
int create_contexts_target(const int32_t *corpus, size_t corpus_size, int window,
                           Int32Array *contexts, Int32Array *target, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * How many (contexts, target) pairs create_contexts_target makes of a corpus
 * of corpus_size words with this window: *n = corpus_size - 2*window.
 * Errors (*n = 0): create_contexts_target's, with the same messages.
 */
int create_contexts_target_count(size_t corpus_size, int window, size_t *n, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * create_contexts_target's rows made on demand, without the (N - 2w, 2w)
 * array: for k in [0, n), contexts (n, 2*window) int32 row k and target[k]
 * are what create_contexts_target puts in its row rows[k], i.e. pair
 * i = rows[k] is target corpus[i + window] with contexts corpus[i ..
 * i + 2*window] without it, left to right. contexts and target are the
 * caller's, overwritten. This is how the textbook's Trainer gathers
 * x[batch_idx] from a permutation without materialising x
 * (training/trainer.h trainer_fit_corpus). Contract (abort otherwise):
 * window >= 1, corpus_size > 2*window, every rows[k] in [0, corpus_size -
 * 2*window).
 */
void create_contexts_target_rows(const int32_t *corpus, size_t corpus_size, int window, const int32_t *rows,
                          size_t n, int32_t *contexts, int32_t *target);

/*
 * util.create_co_matrix(corpus, vocab_size, window_size): the co-occurrence
 * counts of §2.3.4. For every position t of corpus (corpus_size,) int32 and
 * every distance d in 1..window_size, co_matrix[corpus[t], corpus[t - d]]
 * and co_matrix[corpus[t], corpus[t + d]] are incremented when that
 * position lies inside the corpus (no wrapping, no padding). The result is
 * symmetric. co_matrix is (vocab_size, vocab_size) int32, row-major,
 * allocated by the caller (vocab_size * vocab_size ints) and overwritten.
 * Contract (abort otherwise): vocab_size >= 1, window_size >= 0 (0 gives
 * all zeros), every id in [0, vocab_size). Counts are int32, as NumPy's.
 */
void create_co_matrix(const int32_t *corpus, size_t corpus_size, int vocab_size, int window_size,
                      int32_t *co_matrix);

/*
 * util.ppmi(C, eps=1e-8): positive pointwise mutual information (§2.4.1).
 * With N the sum of all counts of C (V, V) int32 and S[j] the sum of column
 * j (the textbook's np.sum(C, axis=0); the rows' sums for a symmetric C),
 *
 *     M[i, j] = max(0, log2(C[i, j] * N / (S[j] * S[i]) + eps))
 *
 * computed in double and stored in M (V, V) float32 (caller-allocated,
 * overwritten). Where S[i] * S[j] = 0 (a word that never co-occurs) NumPy
 * divides 0 by 0 and max(0, nan) keeps 0; so does this. Pass eps = 1e-8
 * for the textbook's default. Contract: V >= 1. Allocates
 * V column sums for the call.
 */
void ppmi(const int32_t *C, int V, float *M, float eps);

/*
 * util.convert_one_hot(corpus, vocab_size): row k of one_hot (n, V) int32
 * is all 0 except a 1 at column ids[k]. ids is (n,) int32, or a flattened
 * (N, C) array with n = N * C, whose result is the textbook's (N, C, V)
 * array in row-major order. one_hot is caller-allocated (n * V ints) and
 * overwritten. Contract: vocab_size >= 1, every id in [0, vocab_size).
 */
void convert_one_hot(const int32_t *ids, size_t n, int vocab_size, int32_t *one_hot);

/*
 * util.cos_similarity(x, y, eps=1e-8): x·y / ((|x| + eps)(|y| + eps)), with
 * x, y (H,) float32 — each is divided by its norm plus eps, as the textbook.
 */
float cos_similarity(const float *x, const float *y, int H, float eps);

/*
 * util.normalize(x): divides each row of x (rows, H) float32 in place by
 * its L2 norm (a zero row becomes NaN, as NumPy's division).
 */
void normalize(float *x, int rows, int H);

/*
 * util.most_similar: the `top` words most cos-similar to `query` among the
 * V rows of word_matrix (V, H) float32, the query itself excluded, best
 * first (ties by lower id). Writes up to `top` entries to out and returns
 * how many, or DLFS_ERR_NOT_FOUND (message "'WORD' is not in the
 * vocabulary") when query is unknown. V must equal vocab->size.
 */
int most_similar(const char *query, const Vocab *vocab, const float *word_matrix, int V, int H,
                 int top, SimilarWord *out, DlfsError *err);

/*
 * util.analogy(a, b, c): "a is to b as c is to ?". query = normalize(b - a
 * + c); similarity[i] = word_matrix[i] · query (the rows are NOT normalised,
 * as in the textbook's eval.py); answers a, b, c and NaN scores are
 * skipped. Writes up to `top` entries to out (best first) and returns how
 * many, or DLFS_ERR_NOT_FOUND naming the first unknown word.
 */
int analogy(const char *a, const char *b, const char *c, const Vocab *vocab,
            const float *word_matrix, int V, int H, int top, SimilarWord *out, DlfsError *err);

/*
 * most_similar for a query given as a vector: the `top` rows of word_matrix
 * (V, H) float32 most cos-similar to query (H,) float32 (cos_similarity,
 * eps 1e-8), row `exclude` skipped (-1: none), NaN scores skipped, best
 * first (ties by lower id). Writes up to `top` entries to out and returns
 * how many. most_similar(word) is this with the word's row and id; a
 * subword model's unseen word (recipe/subword_model.h) has a vector but no
 * row.
 */
int most_similar_vector(const float *query, int32_t exclude, const float *word_matrix, int V, int H,
                        int top, SimilarWord *out);

/*
 * analogy for three vectors a, b, c (H,) float32: query = normalize(b - a
 * + c), similarity[i] = word_matrix[i] · query (rows not normalised),
 * the rows exclude[0..3) skipped (an entry -1 skips nothing) as are NaN
 * scores. Writes up to `top` entries to out (best first) and returns how
 * many. analogy(a, b, c) is this with the words' rows and ids.
 */
int analogy_vectors(const float *a, const float *b, const float *c, const int32_t exclude[3],
                    const float *word_matrix, int V, int H, int top, SimilarWord *out);

DLFS2_API_END

#endif
