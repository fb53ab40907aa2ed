/* subword.c — fastText's character n-grams, their hash and the compact subword table; see subword.h. */
#include "layers/subword.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

#define FNV_OFFSET 2166136261u   /* FNV-1a's 32-bit offset basis */
#define FNV_PRIME 16777619u      /* and prime */

/* One FNV-1a step on a byte, sign-extended as fastText's (int8_t) cast does. */
static inline uint32_t fnv_step(uint32_t h, char c)
{
    h ^= (uint32_t)(int32_t)(int8_t)c;
    return h * FNV_PRIME;
}

/* A UTF-8 continuation byte (10xxxxxx): part of the character before it. */
static inline int is_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

uint32_t subword_hash(const char *s, size_t len)
{
    uint32_t h = FNV_OFFSET;
    for (size_t i = 0; i < len; i++) h = fnv_step(h, s[i]);
    return h;
}

int subword_check_settings(int minn, int maxn, int64_t buckets, DlfsError *err)
{
    if (minn < 1)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "subword range %d-%d: the shortest n-gram must be at least 1 character",
                         minn, maxn);
    if (maxn < minn)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "subword range %d-%d is reversed or empty: it needs min <= max", minn,
                         maxn);
    if (buckets < 1)
        return dlfs_fail(err, DLFS_ERR_ARG, "buckets %lld: there must be at least 1 bucket",
                         (long long)buckets);
    if (buckets > SUBWORD_MAX_BUCKETS)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "buckets %lld: at most %d (bucket ids are 32-bit, as in fastText)",
                         (long long)buckets, SUBWORD_MAX_BUCKETS);
    return DLFS_OK;
}

int64_t subword_each_ngram(const char *word, int minn, int maxn, SubwordNgramFn fn, void *ctx)
{
    DLFS_ASSERT(minn >= 1 && maxn >= minn);
    /* "<" word ">": the boundary symbols are part of the n-grams */
    const size_t len = strlen(word), n_bytes = len + 2;
    char *w = dlfs_malloc(n_bytes);
    w[0] = '<';
    memcpy(w + 1, word, len);
    w[n_bytes - 1] = '>';

    int64_t count = 0;
    for (size_t i = 0; i < n_bytes; i++) {
        if (is_continuation(w[i])) continue;   /* not the start of a character */
        /* grow the n-gram from i one character at a time, hashing as it grows */
        uint32_t h = FNV_OFFSET;
        size_t j = i;
        for (int n = 1; j < n_bytes && n <= maxn; n++) {
            h = fnv_step(h, w[j++]);
            while (j < n_bytes && is_continuation(w[j])) h = fnv_step(h, w[j++]);
            /* a lone "<" (starts at 0) or ">" (ends at the end) is not an n-gram */
            const int boundary_only = n == 1 && (i == 0 || j == n_bytes);
            if (n >= minn && !boundary_only) {
                count++;
                if (fn) fn(ctx, w + i, j - i, h);
            }
        }
    }
    free(w);
    return count;
}

/* ------------------------------------------------------------ as text */

typedef struct TextCtx {
    char *out;
    size_t size;
    size_t len;   /* the whole text's length so far */
} TextCtx;

static void text_put(TextCtx *t, const char *s, size_t n)
{
    if (t->len + 1 < t->size) {   /* room for some of it, keeping one byte for the NUL */
        const size_t room = t->size - 1 - t->len;
        memcpy(t->out + t->len, s, n < room ? n : room);
    }
    t->len += n;
}

static void text_ngram(void *ctx, const char *ngram, size_t len, uint32_t hash)
{
    (void)hash;
    TextCtx *t = ctx;
    if (t->len > 0) text_put(t, " ", 1);
    text_put(t, ngram, len);
}

size_t subword_ngrams_text(const char *word, int minn, int maxn, char *out, size_t size)
{
    TextCtx t = {.out = out, .size = size, .len = 0};
    (void)subword_each_ngram(word, minn, maxn, text_ngram, &t);
    if (size > 0) out[t.len < size ? t.len : size - 1] = '\0';
    return t.len;
}

/* ------------------------------------------------------------ buckets */

typedef struct BucketCtx {
    int32_t *out;
    int64_t cap;
    int64_t n;
    uint32_t buckets;
} BucketCtx;

static void bucket_ngram(void *ctx, const char *ngram, size_t len, uint32_t hash)
{
    (void)ngram;
    (void)len;
    BucketCtx *b = ctx;
    if (b->n < b->cap) b->out[b->n] = (int32_t)(hash % b->buckets);
    b->n++;
}

int64_t subword_ngram_buckets(const char *word, int minn, int maxn, int64_t buckets,
                              int32_t *out, int64_t cap)
{
    DLFS_ASSERT(buckets >= 1 && buckets <= SUBWORD_MAX_BUCKETS && cap >= 0);
    DLFS_ASSERT(out != NULL || cap == 0);
    BucketCtx b = {.out = out, .cap = cap, .n = 0, .buckets = (uint32_t)buckets};
    return subword_each_ngram(word, minn, maxn, bucket_ngram, &b);
}

/* -------------------------------------------------------------- table */

/* One n-gram occurrence while building: its bucket and its place in rows. */
typedef struct Occurrence {
    int32_t bucket;
    int32_t pos;
} Occurrence;

static int by_bucket_then_pos(const void *a, const void *b)
{
    const Occurrence *x = a, *y = b;
    if (x->bucket != y->bucket) return x->bucket < y->bucket ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int by_pos(const void *a, const void *b)
{
    const Occurrence *x = a, *y = b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

int subword_table_init(SubwordTable *t, const Vocab *vocab, const char *eos, int minn, int maxn,
                       int64_t buckets, DlfsError *err)
{
    memset(t, 0, sizeof *t);
    int rc = subword_check_settings(minn, maxn, buckets, err);
    if (rc != DLFS_OK) return rc;
    const int32_t V = vocab->size;
    const int32_t eos_id = eos ? vocab_get(vocab, eos) : -1;

    /* first pass: count, so the sizes are checked before anything is allocated */
    int64_t n_listed = V;
    for (int32_t w = 0; w < V; w++) {
        if (w == eos_id) continue;
        n_listed += subword_each_ngram(vocab_word(vocab, w), minn, maxn, NULL, NULL);
        if (n_listed > INT32_MAX)
            return dlfs_fail(err, DLFS_ERR_ARG,
                             "subword table of %d words with n-grams %d-%d: more than %d rows "
                             "listed (at word %d); use a shorter range or fewer words",
                             V, minn, maxn, INT32_MAX, w);
    }

    Occurrence *occ = NULL;
    t->V = V;
    t->minn = minn;
    t->maxn = maxn;
    t->buckets = buckets;
    t->eos = eos_id;
    t->offsets = dlfs_malloc((size_t)(V + 1) * sizeof *t->offsets);
    t->rows = dlfs_malloc((size_t)n_listed * sizeof *t->rows);
    occ = dlfs_malloc((size_t)(n_listed - V) * sizeof *occ);

    /* second pass: each word's own row, then its n-grams' buckets */
    int64_t pos = 0, n_occ = 0;
    for (int32_t w = 0; w < V; w++) {
        t->offsets[w] = pos;
        t->rows[pos++] = w;
        if (w == eos_id) continue;
        const int64_t room = n_listed - pos;
        const int64_t n = subword_ngram_buckets(vocab_word(vocab, w), minn, maxn, buckets,
                                                t->rows + pos, room);
        DLFS_ASSERT(n <= room);
        for (int64_t k = 0; k < n; k++)
            occ[n_occ++] = (Occurrence){.bucket = t->rows[pos + k], .pos = (int32_t)(pos + k)};
        pos += n;
    }
    t->offsets[V] = pos;
    DLFS_ASSERT(pos == n_listed);

    /* the used buckets, each with its first occurrence, numbered in order of first use */
    qsort(occ, (size_t)n_occ, sizeof *occ, by_bucket_then_pos);
    int64_t n_used = 0;
    for (int64_t k = 0; k < n_occ; k++)
        if (k == 0 || occ[k].bucket != occ[k - 1].bucket) occ[n_used++] = occ[k];
    qsort(occ, (size_t)n_used, sizeof *occ, by_pos);
    DLFS_ASSERT((int64_t)V + n_used <= INT32_MAX);   /* n_used <= n_listed - V */
    t->n_used = (int32_t)n_used;
    t->n_rows = V + t->n_used;
    t->used_buckets = dlfs_malloc((size_t)n_used * sizeof *t->used_buckets);
    for (int64_t j = 0; j < n_used; j++) {
        t->used_buckets[j] = occ[j].bucket;
        occ[j].pos = (int32_t)(V + j);   /* now: the bucket's row */
    }
    qsort(occ, (size_t)n_used, sizeof *occ, by_bucket_then_pos);
    t->map_buckets = dlfs_malloc((size_t)n_used * sizeof *t->map_buckets);
    t->map_rows = dlfs_malloc((size_t)n_used * sizeof *t->map_rows);
    for (int64_t i = 0; i < n_used; i++) {
        t->map_buckets[i] = occ[i].bucket;
        t->map_rows[i] = occ[i].pos;
    }
    free(occ);

    /* the buckets in the row lists become rows */
    for (int32_t w = 0; w < V; w++) {
        for (int64_t k = t->offsets[w] + 1; k < t->offsets[w + 1]; k++) {
            const int32_t row = subword_table_bucket_row(t, t->rows[k]);
            DLFS_ASSERT(row >= V);
            t->rows[k] = row;
        }
    }
    return DLFS_OK;
}

void subword_table_free(SubwordTable *t)
{
    free(t->offsets);
    free(t->rows);
    free(t->used_buckets);
    free(t->map_buckets);
    free(t->map_rows);
    memset(t, 0, sizeof *t);
}

int subword_table_check_memory(const SubwordTable *t, int hidden, uint64_t max_bytes,
                               DlfsError *err)
{
    DLFS_ASSERT(hidden >= 1);
    const uint64_t rows = (uint64_t)t->n_rows;
    const uint64_t limit = (uint64_t)SIZE_MAX < max_bytes ? (uint64_t)SIZE_MAX : max_bytes;
    if (rows > 0 && (uint64_t)hidden > UINT64_MAX / 4 / rows)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "subword matrix of %llu rows x %d: too large to address",
                         (unsigned long long)rows, hidden);
    const uint64_t bytes = rows * (uint64_t)hidden * 4;
    if (bytes > limit)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "subword matrix of %d words + %d buckets = %llu rows x %d floats needs "
                         "%llu bytes, more than the %llu allowed",
                         t->V, t->n_used, (unsigned long long)rows, hidden,
                         (unsigned long long)bytes, (unsigned long long)limit);
    return DLFS_OK;
}

const int32_t *subword_table_word_rows(const SubwordTable *t, int32_t w, int *count)
{
    DLFS_ASSERT(w >= 0 && w < t->V);
    *count = (int)(t->offsets[w + 1] - t->offsets[w]);
    return t->rows + t->offsets[w];
}

int32_t subword_table_bucket_row(const SubwordTable *t, int32_t bucket)
{
    int32_t lo = 0, hi = t->n_used;   /* binary search in [lo, hi) */
    while (lo < hi) {
        const int32_t mid = lo + (hi - lo) / 2;
        if (t->map_buckets[mid] < bucket)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n_used && t->map_buckets[lo] == bucket ? t->map_rows[lo] : -1;
}
