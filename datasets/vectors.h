/*
 * vectors.h — word vectors in word2vec's text format, as word2vec.c and
 * gensim's KeyedVectors.save_word2vec_format(binary=False) write it:
 *
 *     V H\n
 *     word v1 v2 ... vH\n      (V lines, row i = the word with id i)
 *
 * Floats are written with 9 significant digits ("%.9g"), enough for a
 * float32 to read back bit-exact.
 */
#ifndef DLFS2_DATASETS_VECTORS_H
#define DLFS2_DATASETS_VECTORS_H

#include "common/status.h"
#include "common/tensor.h"
#include "common/vocab.h"

/*
 * Writes W (V, H) float32, row i labelled vocab_word(vocab, i), to path.
 * V must equal vocab->size. The file is written to path.tmp, flushed and
 * renamed, so an existing file at path survives a failure. Errors:
 * DLFS_ERR_IO (message names the path); DLFS_ERR_ARG for an empty word or
 * one holding whitespace and DLFS_ERR_NUMERIC for a NaN or infinite value,
 * both refused before anything is written (the file could not be read back).
 */
int vectors_save_text(const char *path, const Vocab *vocab, const float *W, int V, int H,
                      DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads a word2vec text file into vocab (which must be empty) and W, which
 * it allocates as (V, H) (free with tensor_free; W must not own data on
 * entry). Accepts a UTF-8 byte-order mark, CRLF line ends, trailing spaces
 * (word2vec.c writes one after every value), blank lines at the end, and a
 * missing final newline. Errors: DLFS_ERR_IO (cannot open), DLFS_ERR_FORMAT
 * (bad header, wrong number of values, a value that is not a finite
 * number, fewer or more rows than the header says, a repeated word: the
 * message names "path:line:"). On failure vocab and W are left empty.
 */
int vectors_load_text(const char *path, Vocab *vocab, Tensor *W, DlfsError *err) DLFS_WARN_UNUSED;

#endif
