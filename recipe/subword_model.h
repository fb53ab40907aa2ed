/*
 * subword_model.h — the subword model file: what a trained subword model
 * (issue 22; fastText's model, Bojanowski et al., 2017) needs to give a
 * vector to any word, seen in training or not. It holds the n-gram
 * settings, the vocabulary, the buckets the vocabulary's n-grams use and
 * the input matrix W_in (V + used buckets rows): a word's vector is the
 * mean of its rows (layers/subword_embedding.h subword_word_vector).
 * `dlfs2 train --subwords` writes it; `dlfs2 vector`, `similar --model` and
 * `analogy --model` read it. The layout is in docs/subwords.md ("The model
 * file"):
 *
 *   "DLFS2SUB" u32 version, then u32 V, H, minn, maxn, buckets, n_used,
 *   i32 eos (-1: none), V words (u32 length, bytes), n_used u32 bucket ids,
 *   (V + n_used) * H float32 (W_in, row-major), u32 CRC-32 (zlib's crc32)
 *   of every byte before it; all little-endian.
 *
 * The file stores no row lists: the reader rebuilds the SubwordTable from
 * the words and settings (subword_table_init) and refuses the file when the
 * rebuilt table does not use exactly the stored bucket list, so the rows of
 * W always mean what the writer meant.
 */
#ifndef DLFS2_RECIPE_SUBWORD_MODEL_H
#define DLFS2_RECIPE_SUBWORD_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"
#include "../common/vocab.h"
#include "../layers/subword.h"

DLFS2_API_BEGIN

/* The file's first 8 bytes and the version this library writes and reads. */
#define SUBWORD_MODEL_MAGIC "DLFS2SUB"
#define SUBWORD_MODEL_VERSION 1

/* A model read back from its file (subword_model_load). */
typedef struct SubwordModel {
    Vocab vocab;            /* the words, ids as in training */
    SubwordTable table;     /* rebuilt from vocab and the settings on load */
    int H;                  /* hidden size */
    float *W;               /* (table.n_rows, H) the input rows: words, then used buckets; owned */
} SubwordModel;

/*
 * Writes the settings of table, the words of vocab (ids 0 .. V-1), the
 * table's used buckets and W_in (table->n_rows, H) float32 to path, in the
 * layout above, atomically (common/fs.h AtomicFile: path.tmp, fsync,
 * rename), so a failed save leaves any old file at path intact. table must
 * be the table subword_table_init built from vocab (its eos, if any, is
 * stored by id). Refused before anything is written: DLFS_ERR_ARG when
 * vocab->size != table->V, H < 1, or a word is empty or holds whitespace
 * (it could not be read back); DLFS_ERR_NUMERIC when W_in holds a NaN or an
 * infinity. DLFS_ERR_IO when the file cannot be written (the message names
 * path). Writes in one pass (the CRC is computed as the bytes go out).
 */
int subword_model_save(const char *path, const Vocab *vocab, const SubwordTable *table,
                       const float *W_in, int H, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads the model file at path into m (which need not be initialised; on
 * failure m is left zeroed, nothing allocated). The whole file is read
 * (read_whole_file), then checked as subword_model_parse does. Errors:
 * DLFS_ERR_IO (cannot open or read path), and subword_model_parse's, each
 * message starting with path. Free with subword_model_free.
 */
int subword_model_load(SubwordModel *m, const char *path, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads a model from the size bytes at data (a whole file's bytes; name is
 * used in messages only). Everything is checked before it is trusted, in
 * this order: the magic and version; the CRC-32 of the bytes before the
 * last four ("checksum mismatch"); V >= 1, 1 <= H, the settings
 * (subword_check_settings), n_used <= buckets and V + n_used <= INT32_MAX;
 * that the words, buckets and floats the header announces fit the bytes
 * that follow, before any array is allocated; each word non-empty, free of
 * NUL and whitespace, and distinct; eos -1 or a word id; the work of listing
 * the words' n-grams bounded; the table rebuilt from the words and settings
 * using exactly the stored bucket list, in order ("does not match"); no NaN
 * or infinity in W; no byte left over. Errors: DLFS_ERR_FORMAT (all of the
 * above, the message names what is wrong), DLFS_ERR_ARG when the rebuilt
 * table is refused by subword_table_init. On failure m is zeroed.
 */
int subword_model_parse(SubwordModel *m, const void *data, size_t size, const char *name,
                        DlfsError *err) DLFS_WARN_UNUSED;

/* Frees what subword_model_load allocated; m is zeroed. Safe on a zeroed model. */
void subword_model_free(SubwordModel *m);

/*
 * out (H,) float32 = the vector of any word, in the vocabulary or not: the
 * mean of its rows (subword_word_vector: a vocabulary word's own row and
 * all its n-grams' rows; for any other string the rows of its n-grams
 * whose bucket has a row). Returns the number of rows averaged; 0 = no
 * vector (out is zeros).
 */
int subword_model_vector(const SubwordModel *m, const char *word, float *out);

DLFS2_API_END

#endif
