/*
 * vectors.h — word vectors in word2vec's two formats, as word2vec.c writes
 * them (-binary 0 / -binary 1) and gensim's
 * KeyedVectors.save_word2vec_format(binary=False / True) does:
 *
 *   text:    V H\n
 *            word v1 v2 ... vH\n          (V lines, row i = the word with id i)
 *
 *   binary:  V H\n                        (ASCII decimal, as in text)
 *            word, ' ', H float32 (4·H raw bytes, little-endian), '\n'
 *                                         (V records, row i = the word with id i)
 *
 * Text floats are written with 9 significant digits ("%.9g"), enough for a
 * float32 to read back bit-exact; binary floats are the bits themselves.
 * Words are any bytes but whitespace and NUL (UTF-8 in practice). Every
 * writer replaces its file atomically (common/fs.h AtomicFile). The
 * textbook pickles word_vecs (ch04/train.py, cbow_params.pkl) instead.
 */
#ifndef DLFS2_DATASETS_VECTORS_H
#define DLFS2_DATASETS_VECTORS_H

#include "../common/api.h"
#include "../common/status.h"
#include "../common/tensor.h"
#include "../common/vocab.h"

DLFS2_API_BEGIN

/* The two file formats. */
typedef enum VectorsFormat {
    VECTORS_TEXT,    /* "word v1 ... vH" lines; ".txt" */
    VECTORS_BINARY,  /* word, space, raw float32s; ".bin" */
} VectorsFormat;

/*
 * Parses "text" or "binary" (exactly, lower case) into *format. Returns
 * DLFS_OK, or DLFS_ERR_ARG (leaving *format alone) for any other string.
 */
int vectors_format_parse(const char *name, VectorsFormat *format) DLFS_WARN_UNUSED;

/* The name vectors_format_parse accepts for format ("text", "binary"); static. */
const char *vectors_format_name(VectorsFormat format);

/*
 * The format path's extension names: ".bin" binary, ".txt" text (either in
 * any case, after the last '/'). Returns DLFS_OK, or DLFS_ERR_ARG (leaving
 * *format alone) for any other extension or none: the caller must be told
 * the format.
 */
int vectors_format_from_path(const char *path, VectorsFormat *format) DLFS_WARN_UNUSED;

/*
 * Writes W (V, H) float32, row i labelled vocab_word(vocab, i), to path in
 * word2vec's text format. V must equal vocab->size. The file is written to
 * path.tmp, flushed and renamed, so an existing file at path survives a
 * failure. Errors: DLFS_ERR_IO (message names the path); DLFS_ERR_ARG for an
 * empty word or one holding whitespace and DLFS_ERR_NUMERIC for a NaN or
 * infinite value, both refused before anything is written (the file could
 * not be read back).
 */
int vectors_save_text(const char *path, const Vocab *vocab, const float *W, int V, int H,
                      DlfsError *err) DLFS_WARN_UNUSED;

/*
 * vectors_save_text's contract, in word2vec's binary format, byte for byte
 * what word2vec.c -binary 1 writes: "V H\n", then per word its bytes, a
 * space, the H values as little-endian float32, '\n'. (gensim's
 * save_word2vec_format(binary=True) leaves out that '\n'; gensim, word2vec.c
 * and vectors_load_binary read both.)
 */
int vectors_save_binary(const char *path, const Vocab *vocab, const float *W, int V, int H,
                        DlfsError *err) DLFS_WARN_UNUSED;

/* vectors_save_text or vectors_save_binary, as format says. */
int vectors_save(const char *path, VectorsFormat format, const Vocab *vocab, const float *W, int V,
                 int H, DlfsError *err) DLFS_WARN_UNUSED;

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

/*
 * Reads a word2vec binary file into vocab (which must be empty) and W,
 * which it allocates as (V, H) (free with tensor_free; W must not own data
 * on entry). The header line is read as in text ("V H", blanks and a '\r'
 * allowed). After each record's floats one '\n' (word2vec.c) or "\r\n" is
 * skipped if present; gensim (3.x, 4.x) writes none, and the next word
 * follows the floats directly. If record 1 ends with a
 * newline, every record but the last must (a record without one means the
 * header's H is wrong). Errors: DLFS_ERR_IO (cannot open), DLFS_ERR_FORMAT
 * with the message naming "path:1:" for the header, else "path:record R:"
 * (R = 1 for the first word after the header): a bad header; a V or H
 * more than the file can hold; a file ending before V records or inside
 * one (truncated); an empty word, no space after the word (a whitespace
 * or NUL byte before it); a repeated word; a value that is NaN or
 * infinite; a missing newline as above; bytes after the V-th record. On
 * failure vocab and W are left empty.
 */
int vectors_load_binary(const char *path, Vocab *vocab, Tensor *W, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads path in either format, as vectors_load_text or vectors_load_binary
 * would. The file is binary if it holds a NUL byte (text never does);
 * else the first record after the header line decides: skip its word (the bytes up to the first space or tab; UTF-8 never holds
 * those bytes, so any UTF-8 word is skipped whole), then look at the next
 * 4·H bytes, up to the first '\n' among them. If one of them cannot be
 * part of a number strtof reads or a blank (0-9 + - . e E, the letters of
 * "nan", "inf", "infinity" and hex floats a-f p x in either case, space,
 * tab, \r, \v, \f), the file is binary, else text. That reader goes
 * first; if it finds a format error, the other one is tried and its result
 * kept if it succeeds (so a binary file whose first float starts with byte
 * 0x0A is still read right), else the first reader's error is returned. A
 * file valid in both formats (only possible when its first record's 4·H
 * float bytes all look like number text, which for random float bits has a
 * chance below (42/256)^(4·H)) is read as text. Errors and ownership: as
 * those functions; the message is "path:line:" or "path:record R:" as the
 * reader that reports it writes it.
 */
int vectors_load(const char *path, Vocab *vocab, Tensor *W, DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
