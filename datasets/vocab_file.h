/*
 * vocab_file.h — the vocabulary pass (`dlfs2 vocab`, issue 19): a corpus
 * counted in one streamed reading (datasets/token_stream.h), the words
 * chosen by --min-count and --max-vocab, and word2vec.c's vocabulary file
 * (its -save-vocab / -read-vocab format) written and read back.
 *
 * The format: one word a line, "word count\n" (a single space between),
 * UTF-8, no header. In count order (word2vec.c's) the sentence end comes
 * first, as word2vec.c writes "</s>" first; here it is "<eos>", the token
 * every line end of the corpus becomes. Then the other words, most frequent
 * first, words of equal count in order of first appearance in the corpus.
 * In first-appearance order the words, "<eos>" included, come as they first
 * appear in the corpus, which gives the ids of the textbook's word_to_id
 * (dataset/ptb.py). A reader gives word ids in the file's line order.
 */
#ifndef DLFS2_DATASETS_VOCAB_FILE_H
#define DLFS2_DATASETS_VOCAB_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"
#include "../common/vocab.h"

DLFS2_API_BEGIN

/* The sentence end's word: the token of a line end (datasets/ptb.h), word2vec.c's "</s>". */
#define VOCAB_SENTENCE_END "<eos>"

/* The order of a vocabulary file's lines. */
typedef enum VocabOrder {
    VOCAB_ORDER_COUNT = 0,  /* the sentence end, then most frequent first, ties by first appearance */
    VOCAB_ORDER_FIRST = 1,  /* first appearance in the corpus */
} VocabOrder;

/*
 * Counts the words of the corpus at path ("-": standard input; a gzip file
 * too) in one streamed reading (token_stream.h, chunks of chunk bytes, 0
 * for the default): vocab (empty on entry) gets the words in order of first
 * appearance, *counts (V,) int64 (malloc'ed; free with free()) how often
 * each occurs. flags: 0 or CORPUS_LOWERCASE. Errors: token_stream_next's,
 * and DLFS_ERR_FORMAT for more than CORPUS_MAX_WORDS distinct words. On
 * failure *counts is NULL and vocab empty.
 */
int vocab_count_corpus(const char *path, unsigned flags, size_t chunk, Vocab *vocab, int64_t **counts,
                       DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The words to write, as ids of vocab (V words in first-appearance order,
 * counts (V,)), into *ids (malloc'ed, *n of them; free with free()): the
 * words seen at least min_count times (the sentence end is always kept, as
 * word2vec.c keeps "</s>"), then of those the max_vocab most frequent
 * (the sentence end counted, and kept; ties by first appearance; 0 = no
 * limit), in the given order. *n may be 0 when nothing is left.
 */
void vocab_select(const Vocab *vocab, const int64_t *counts, int64_t min_count, int32_t max_vocab,
                  VocabOrder order, int32_t **ids, int32_t *n);

/*
 * Writes the words ids[0..n) of vocab with their counts, "word count\n"
 * each, to path, atomically (a failure leaves an earlier file as it was).
 * When the first word begins with U+FEFF the file begins with a
 * byte-order mark, so that a reader keeps the word whole.
 * Errors: DLFS_ERR_IO with the path.
 */
int vocab_file_write(const char *path, const Vocab *vocab, const int64_t *counts, const int32_t *ids,
                     int32_t n, DlfsError *err) DLFS_WARN_UNUSED;

/* Flags of vocab_file_read. */
enum {
    /* the file must be in count order: no count above the one on the line before, the
     * first line excepted when it is the sentence end */
    VOCAB_FILE_COUNT_ORDER = 1u << 0,
};

/*
 * Reads a vocabulary file into vocab (empty on entry; ids in line order)
 * and, when counts is not NULL, *counts (V,) int64 (malloc'ed; free with
 * free()). Accepts a UTF-8 byte-order mark, CRLF line ends, a missing final
 * newline, a tab or several blanks between word and count. Errors:
 * DLFS_ERR_IO (cannot open or read), DLFS_ERR_FORMAT with "path:line: what"
 * (or "path: what"): an empty file; a line that is not "word count" (an
 * empty line included); a count that is not a whole number 0 ..
 * INT64_MAX; a word that is not UTF-8 or longer than
 * CORPUS_MAX_WORD_BYTES; a word twice (both lines named); with
 * VOCAB_FILE_COUNT_ORDER a count above the one before. On failure vocab is
 * empty and *counts NULL.
 */
int vocab_file_read(const char *path, unsigned flags, Vocab *vocab, int64_t **counts,
                    DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
