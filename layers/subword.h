/*
 * subword.h — fastText's character n-grams of a word, their hash, and the
 * subword table of a vocabulary: for each word, the rows of the input
 * matrix whose mean is its vector (Bojanowski et al., 2017, "Enriching
 * Word Vectors with Subword Information", §3.2; fastText's
 * src/dictionary.cc computeSubwords, hash, initNgrams).
 *
 * The n-grams of a word w are the substrings of "<" w ">" (the boundary
 * symbols mark a prefix or a suffix: "<wh" is not "wh") of n characters,
 * minn <= n <= maxn, where a character is a UTF-8 lead byte with the
 * continuation bytes (c & 0xC0) == 0x80 after it, so "café" has 4
 * characters, not 5. They are listed as fastText lists them: by start
 * position, then by length; a 1-gram that is only the "<" or the ">" is
 * left out; the whole "<w>" counts when its length is in range; an n-gram
 * that occurs twice ("aaa" in "<aaaa>") is listed twice. fastText gives the
 * line-end token no n-grams; the table does the same for the word given as
 * `eos`.
 *
 * Each n-gram is hashed with fastText's 32-bit FNV-1a (start 2166136261,
 * per byte h ^= (uint32_t)(int8_t)byte, h *= 16777619: bytes >= 0x80 are
 * sign-extended, as fastText's `char` is on x86 and as its current source
 * casts explicitly) and lands in bucket hash % buckets, so two n-grams may
 * share a bucket (and a row). The same word and settings give the same
 * buckets as fastText.
 *
 * The table (SubwordTable) differs from fastText in memory, not in
 * values: fastText's input matrix has nwords + buckets rows (2,000,000
 * bucket rows by default, 800 MB at dim 100), most of which no word of the
 * vocabulary ever uses. Here only the buckets the vocabulary's n-grams use
 * get a row: word w is row w (0 <= w < V), the j-th bucket in order of
 * first use (word by word, each word's n-grams in the order above) is row
 * V + j. A string outside the vocabulary (an unseen word) is looked up
 * through the same map: its n-grams whose bucket has a row contribute; a
 * bucket no vocabulary word uses has no row here and contributes nothing,
 * where in fastText it contributes its row's random initial value (never
 * trained, since no training word reaches it).
 */
#ifndef DLFS2_LAYERS_SUBWORD_H
#define DLFS2_LAYERS_SUBWORD_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"
#include "../common/vocab.h"

DLFS2_API_BEGIN

/* fastText's defaults (-minn 3 -maxn 6 -bucket 2000000). */
#define SUBWORD_DEFAULT_MINN 3
#define SUBWORD_DEFAULT_MAXN 6
#define SUBWORD_DEFAULT_BUCKETS 2000000

/* The most buckets a table accepts: bucket ids and rows are int32_t, as in fastText. */
#define SUBWORD_MAX_BUCKETS INT32_MAX

/*
 * fastText's hash of the len bytes at s: 32-bit FNV-1a with each byte
 * sign-extended (h ^= (uint32_t)(int8_t)s[i]; h *= 16777619), from
 * 2166136261. The empty string hashes to 2166136261. Pure function.
 */
uint32_t subword_hash(const char *s, size_t len);

/*
 * Checks n-gram settings: 1 <= minn <= maxn, 1 <= buckets <=
 * SUBWORD_MAX_BUCKETS. Returns DLFS_OK, or DLFS_ERR_ARG with a message in
 * err (which may be NULL) naming the bad value ("subword range 6-3 is
 * reversed ...").
 */
int subword_check_settings(int minn, int maxn, int64_t buckets, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Called once per n-gram of a word: `ngram` (len bytes, not
 * NUL-terminated, valid during the call only) and its hash
 * (subword_hash(ngram, len); the bucket is hash % buckets).
 */
typedef void (*SubwordNgramFn)(void *ctx, const char *ngram, size_t len, uint32_t hash);

/*
 * Calls fn(ctx, ...) for each n-gram of "<" word ">" with minn..maxn
 * characters, in fastText's order (see the top of this file). word is
 * NUL-terminated UTF-8 (bytes that are not valid UTF-8 are grouped by the
 * same lead/continuation rule, as fastText does), used as given, without
 * the line-end exception (the caller skips the line-end token). Returns
 * the number of n-grams (fn may be NULL, to count). Contract: 1 <= minn
 * <= maxn (subword_check_settings). Allocates one copy of "<" word ">"
 * (aborts when memory runs out).
 */
int64_t subword_each_ngram(const char *word, int minn, int maxn, SubwordNgramFn fn, void *ctx);

/*
 * The n-grams of word (as subword_each_ngram) as text, separated by one
 * space, in fastText's order: "where" with minn 3, maxn 4 gives
 * "<wh <whe whe wher her here ere ere> re>". Writes at most size bytes
 * into out, NUL-terminated when size > 0 (snprintf's rule), and returns
 * the length of the whole text, so a return >= size means it was cut. For
 * tests, the lab and the programs.
 */
size_t subword_ngrams_text(const char *word, int minn, int maxn, char *out, size_t size);

/*
 * The bucket (hash % buckets) of each n-gram of word, in fastText's order:
 * writes the first min(count, cap) of them into out (cap >= 0; out may be
 * NULL when cap is 0) and returns the count. Contract: settings as
 * subword_check_settings accepts.
 */
int64_t subword_ngram_buckets(const char *word, int minn, int maxn, int64_t buckets,
                              int32_t *out, int64_t cap);

/*
 * The subword table of a vocabulary of V words, in CSR form: word w's rows
 * of the input matrix are rows[offsets[w] .. offsets[w + 1]), first its own
 * row w, then one row per n-gram in fastText's order (repeats included).
 * The input matrix has n_rows = V + n_used rows: 0..V-1 the words,
 * V + j the j-th bucket in order of first use (used_buckets[j]).
 */
typedef struct SubwordTable {
    int32_t V;                  /* words: rows 0 .. V-1, ids of the vocabulary */
    int minn, maxn;             /* n-gram lengths in characters */
    int64_t buckets;            /* fastText's bucket count: bucket = hash % buckets */
    int32_t n_used;             /* buckets some word's n-gram lands in: rows V .. V+n_used-1 */
    int32_t n_rows;             /* V + n_used: the input matrix's rows */
    int32_t eos;                /* id of the word that gets no n-grams, or -1 */
    int64_t *offsets;           /* (V + 1,) offsets[0] = 0; owned */
    int32_t *rows;              /* (offsets[V],) rows of each word, in [0, n_rows); owned */
    int32_t *used_buckets;      /* (n_used,) the bucket of row V + j; owned */
    int32_t *map_buckets;       /* (n_used,) the used buckets, ascending: the lookup map; owned */
    int32_t *map_rows;          /* (n_used,) row of map_buckets[i]; owned */
} SubwordTable;

/*
 * Builds the table of vocab's words (ids 0 .. vocab->size-1) with n-grams
 * of minn..maxn characters hashed into `buckets`; the word `eos` (NULL for
 * none; "<eos>" for PTB's line end) gets only its own row, as fastText's
 * EOS. Refuses, before allocating anything, bad settings
 * (subword_check_settings) and a table whose rows (V + used buckets) or
 * row list (all words' rows) would pass INT32_MAX: DLFS_ERR_ARG with a
 * message in err. Memory: (V + 1) * 8 bytes plus 4 bytes per listed row
 * plus 12 per used bucket, and a temporary 8 bytes per listed n-gram
 * while building. Free with subword_table_free.
 */
int subword_table_init(SubwordTable *t, const Vocab *vocab, const char *eos, int minn, int maxn,
                       int64_t buckets, DlfsError *err) DLFS_WARN_UNUSED;

/* Frees what subword_table_init allocated; t is zeroed. Safe on a zeroed table. */
void subword_table_free(SubwordTable *t);

/*
 * Refuses an input matrix of t->n_rows x hidden float32 (n_rows * hidden *
 * 4 bytes) above max_bytes, a caller's memory budget (UINT64_MAX: none),
 * or too large for size_t: DLFS_ERR_ARG with the bytes it would need and
 * the budget. Call it before allocating the matrix. Contract: hidden >= 1.
 */
int subword_table_check_memory(const SubwordTable *t, int hidden, uint64_t max_bytes,
                               DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The rows of word id w: returns a pointer into t->rows (borrowed, valid
 * until subword_table_free) to *count >= 1 int32 row ids in [0, n_rows):
 * w itself first, then one per n-gram in subword_each_ngram's order
 * (fastText's Dictionary::getSubwords). O(1). Aborts if w is not in [0, V).
 */
const int32_t *subword_table_word_rows(const SubwordTable *t, int32_t w, int *count);

/*
 * The row in [V, n_rows) of bucket b (hash % buckets, as
 * subword_ngram_buckets gives), or -1 when no vocabulary word's n-gram
 * uses it (then the bucket has no row: docs/subwords.md). Binary search,
 * O(log n_used); no errors.
 */
int32_t subword_table_bucket_row(const SubwordTable *t, int32_t bucket);

DLFS2_API_END

#endif
