/*
 * subword_embedding.h — the SubwordEmbedding layer: the Embedding layer
 * (textbook §4.1.3) used as fastText uses it (Bojanowski et al., 2017,
 * "Enriching Word Vectors with Subword Information"; fastText's
 * src/model.cc computeHidden, src/fasttext.cc getWordVector).
 *
 * A word's vector is not one row of W but the mean of several: the word's
 * own row and one row per character n-gram of "<word>" (layers/subword.h,
 * the SubwordTable lists them). For word id w with rows r_1 .. r_c:
 *
 * forward:  out[n, :] = (1/c) * sum_k W[r_k, :]
 * backward: dW[r_k, :] += dout[n, :] / c for every k  (np.add.at)
 *
 * Why backward must ADD, even more than in Embedding: an n-gram row is
 * shared by every word that contains the n-gram ("ing>" by hundreds of
 * words in one minibatch), a word may list one row twice ("aaa" in
 * "<aaaa>"), and two n-grams may hash to one bucket. Every one of those
 * occurrences gives the row a contribution; they must all add up.
 *
 * This backward is the exact gradient of the mean (each of the c rows
 * gets 1/c of dout). fastText's own training (Model::update for cbow and
 * skipgram) adds the whole gradient, not 1/c of it, to every row of the
 * input (it divides by the count only for supervised models): a step c
 * times larger on each row than the exact gradient's, as if the rows were
 * summed in backward while averaged in forward. A training loop that wants
 * fastText's update scales dout by c, or updates the rows itself.
 *
 * The matrix W has table->n_rows = V + used buckets rows: only the buckets
 * some vocabulary word uses (layers/subword.h says how this differs from
 * fastText's full bucket matrix).
 */
#ifndef DLFS2_LAYERS_SUBWORD_EMBEDDING_H
#define DLFS2_LAYERS_SUBWORD_EMBEDDING_H

#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "../common/vocab.h"
#include "subword.h"

DLFS2_API_BEGIN

typedef struct SubwordEmbedding {
    Param *params[1];           /* {W}: (V + n_used, H) float32, borrowed from the model */
    Tensor *grads[1];           /* {&W->grad} */
    const SubwordTable *table;  /* each word's rows; borrowed */
    const int32_t *idx;         /* (N,) word ids of the last forward; borrowed */
    int N;                      /* batch size of the last forward; 0 before any */
} SubwordEmbedding;

/*
 * Makes a SubwordEmbedding over W (table->n_rows, H) with the rows of
 * table; both must outlive the layer. Aborts when W's rows are not
 * table->n_rows.
 */
void subword_embedding_init(SubwordEmbedding *self, Param *W, const SubwordTable *table);

/*
 * out: (N, H) float32, written: out[n] = the mean of W's rows of word
 * idx[n] (its own row and its n-grams' rows, repeats counted), summed in
 * the table's order and multiplied by 1/c as fastText's computeHidden
 * does. idx: (N,) int32, each in [0, V) or -1 (no word: a zero row, and
 * backward skips it, as Embedding); borrowed until the matching backward.
 * Aborts on any other id. Cost: N * H * (rows per word).
 */
void subword_embedding_forward(SubwordEmbedding *self, float *out, const int32_t *idx, int N);

/*
 * Adds dout[n] * (1/c) (dout: (N, H) float32) into the grad of each of the
 * c rows of word idx[n] (rows repeated within a word or across words add
 * up; ids of -1 are skipped) and marks those rows touched (common/param.h).
 * The exact gradient of forward's mean. Aborts if no forward came first.
 */
void subword_embedding_backward(SubwordEmbedding *self, const float *dout);

/*
 * The vector of any string, in the vocabulary or not (fastText's
 * getWordVector): out (H,) = the mean of the rows of W (table->n_rows, H)
 * that the word has: for a word of vocab (vocab may be NULL: every word
 * is then unseen; when given it must be the table's vocabulary, same
 * size), its row list (its own row and all its n-grams); for any other
 * string, the rows of its n-grams whose bucket has a row in the table (an
 * unseen word has no row of its own, and a bucket no vocabulary word uses
 * has none either: it is skipped). Returns the number of rows averaged;
 * 0 means no vector (out is zeros). Allocates a copy of the word while it
 * lists the n-grams.
 */
int subword_word_vector(const SubwordTable *table, const Vocab *vocab, const float *W, int H,
                        const char *word, float *out);

DLFS2_API_END

#endif
