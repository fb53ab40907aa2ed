/*
 * ptb.h — the Penn Treebank corpus as the textbook loads it (dataset/ptb.py),
 * and any whitespace-tokenised text file read the same way.
 *
 * Reading: every newline becomes the token "<eos>" (ptb.py's
 * replace('\n', '<eos>')), tokens are split on whitespace (space, tab, CR,
 * VT, FF), and ids are given in order of first appearance. For PTB the
 * vocabulary always comes from ptb.train.txt, so ids equal the textbook's
 * word_to_id for every split: 929,589 train tokens and V = 10,000.
 *
 * Where the files live: the data folder's ptb/ (datasets/data.h: DATA =
 * --data-dir, else $DLFS2_DATA, else ${XDG_CACHE_HOME:-$HOME/.cache}/dlfs2;
 * PTB in DATA/ptb, or in DATA itself when it holds ptb.train.txt). A missing
 * file is downloaded with libcurl from the textbook's source (or from the
 * URL prefix in $DLFS2_PTB_URL, which may be a file:// URL), its SHA-256
 * checked against the known sum, and only then renamed into place.
 */
#ifndef DLFS2_DATASETS_PTB_H
#define DLFS2_DATASETS_PTB_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"
#include "../common/tensor.h"
#include "../common/vocab.h"
#include "data.h"

DLFS2_API_BEGIN

/* Where ptb_ensure_file downloads from when $DLFS2_PTB_URL is unset. */
#define PTB_DEFAULT_URL DATA_PTB_DEFAULT_URL

/*
 * Writes PTB's folder into out (out_size bytes): data_set_dir(DATA_SET_PTB)
 * of datasets/data.h, i.e. DATA (explicit_dir when non-NULL, else
 * $DLFS2_DATA when non-empty, else ${XDG_CACHE_HOME:-$HOME/.cache}/dlfs2)
 * when it holds ptb.train.txt, else DATA/ptb. Errors: DLFS_ERR_ARG when
 * explicit_dir is "", the path does not fit, or neither HOME nor
 * XDG_CACHE_HOME is set. The directory need not exist.
 */
int ptb_data_dir(char *out, size_t out_size, const char *explicit_dir, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The expected SHA-256 (64 lowercase hex digits) of ptb.<split>.txt, for
 * split "train", "valid" or "test"; NULL for any other split.
 */
const char *ptb_sha256(const char *split);

/*
 * Makes sure data_dir/ptb.<split>.txt exists. If it does, nothing is
 * checked or changed. If not, creates data_dir (and parents), downloads
 * <url>/ptb.<split>.txt (url = $DLFS2_PTB_URL or PTB_DEFAULT_URL; the '/'
 * is added only when url lacks it) to a temporary file in data_dir, checks
 * its SHA-256 and renames it into place (mode 0644).
 * Errors: DLFS_ERR_ARG (unknown split), DLFS_ERR_IO (cannot create or
 * write), DLFS_ERR_NET (download failed; the message names the URL, the
 * folder to put the three files in by hand and `dlfs2 fetch ptb`),
 * DLFS_ERR_CHECKSUM (wrong data; nothing is left behind).
 */
int ptb_ensure_file(const char *data_dir, const char *split, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The textbook's ptb.load_data(split): fills corpus (N,) int32 and vocab
 * (which must be empty: vocab_init'ed, nothing added). Builds vocab from
 * ptb.train.txt (downloading it if missing), then reads the split.
 * split: "train", "valid" or "test". On failure corpus and vocab are left
 * empty. Errors: those of ptb_ensure_file and corpus_load_file, and
 * DLFS_ERR_FORMAT when valid/test holds a word that train does not.
 * Free corpus with int32_array_free and vocab with vocab_free.
 */
int ptb_load_data(const char *data_dir, const char *split, Int32Array *corpus, Vocab *vocab,
                  DlfsError *err) DLFS_WARN_UNUSED;

/* Flags of corpus_load_file_flags and ptb_load_data_flags. */
enum {
    /*
     * Fold the text to lower case before it is split into words and the
     * vocabulary is built, with libunistring's u8_tolower: Unicode's full
     * case mapping, not tied to any language or to the process's locale
     * ("Hello HELLO" -> "hello hello", "ÉCOLE" -> "école", a Greek word's
     * final Σ -> ς); scripts without case (Japanese, Chinese, ...) are left as
     * they are, and nothing is normalised (a precomposed "é" and "e" + a
     * combining accent stay two words). PTB is lower case already except
     * its number token "N", which becomes "n".
     */
    CORPUS_LOWERCASE = 1u << 0,
};

/* ptb_load_data with flags (CORPUS_LOWERCASE or 0, which is ptb_load_data). */
int ptb_load_data_flags(const char *data_dir, const char *split, unsigned flags, Int32Array *corpus,
                        Vocab *vocab, DlfsError *err) DLFS_WARN_UNUSED;

/* The longest word a corpus file may hold, in bytes; a longer one is a format error. */
#define CORPUS_MAX_WORD_BYTES 1024

/* The most distinct words corpus_load_file accepts: ids are int32_t, 0 .. INT32_MAX - 1. */
#define CORPUS_MAX_WORDS INT32_MAX

/*
 * Reads a whitespace-tokenised UTF-8 text file into corpus (N,) int32,
 * adding new words to vocab (ids in order of first appearance; vocab may
 * already hold words, whose ids are kept). Every '\n' becomes "<eos>"; a
 * file without a final newline ends without one. A UTF-8 byte-order mark at
 * the start is skipped. The file is read through datasets/token_stream.h
 * (its tokens, checks and messages), a chunk at a time: it may be gzip
 * (recognised by its first bytes 1f 8b), or "-" for standard input; memory
 * is the ids (grown by doubling, trimmed at the end), vocab and one chunk,
 * never the text. Errors: DLFS_ERR_IO (cannot open or read, message
 * names the path), DLFS_ERR_FORMAT ("path:line: why": no tokens at all, a
 * NUL byte or a byte that is not UTF-8 (both named with their offset), a
 * word longer than CORPUS_MAX_WORD_BYTES, more than CORPUS_MAX_WORDS
 * distinct words in vocab, or more than INT32_MAX tokens; truncated or
 * corrupt gzip data, "path: truncated gzip data ..."). On failure
 * corpus is left empty (vocab may have grown).
 *
 * Invalid UTF-8 is refused, not passed through as word2vec.c does: the
 * textbook's Python reads the file as UTF-8 and fails on it too, and the
 * vector files written from such words could not be read by gensim
 * (which decodes words as strict UTF-8).
 */
int corpus_load_file(const char *path, Int32Array *corpus, Vocab *vocab, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * corpus_load_file with flags: CORPUS_LOWERCASE folds the text to lower
 * case (each word as it is read, which gives the words of folding the
 * whole text; see that flag; a byte offset in a later error message then
 * counts in the folded text), 0 is corpus_load_file. Errors: those of
 * corpus_load_file, and DLFS_ERR_IO when there is no memory to fold.
 */
int corpus_load_file_flags(const char *path, unsigned flags, Int32Array *corpus, Vocab *vocab,
                           DlfsError *err) DLFS_WARN_UNUSED;

/*
 * corpus_load_file with room for at most max_words words in vocab
 * (1 <= max_words <= CORPUS_MAX_WORDS): a new word beyond them is
 * DLFS_ERR_FORMAT, "path:line: word 'w' would be word N, more than the M
 * distinct words ...". corpus_load_file is this with CORPUS_MAX_WORDS; the
 * tests use a small limit to reach that error without 2^31 words.
 */
int corpus_load_file_max(const char *path, int32_t max_words, Int32Array *corpus, Vocab *vocab,
                         DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
