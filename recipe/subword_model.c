/*
 * subword_model.c — the subword model file (see subword_model.h and
 * docs/subwords.md "The model file"): written in one pass through an
 * AtomicFile with a running zlib CRC-32, read whole and checked field by
 * field with a bounds-checked cursor before anything is allocated.
 */
#include "recipe/subword_model.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/check.h"
#include "common/fs.h"
#include "common/tensor.h"
#include "datasets/f32le.h"
#include "layers/subword_embedding.h"

enum {
    MAGIC_SIZE = 8,
    HEADER_SIZE = MAGIC_SIZE + 4 * 8,   /* magic, version, V, H, minn, maxn, buckets, n_used, eos */
    CRC_SIZE = 4,
};

/*
 * The most FNV steps the reader spends listing the words' n-grams (each
 * word costs about its bytes times min(maxn, its characters + 2)): far
 * above any real table (INT32_MAX listed rows of n-grams 3-6 take about
 * 2^32), it only stops a crafted file with a long word and a huge maxn from
 * taking hours.
 */
#define MAX_NGRAM_WORK ((uint64_t)1 << 36)

/* A word can be written and read back: non-empty, no whitespace (nor NUL: C strings hold none). */
static bool word_ok(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0' || strchr(" \t\n\v\f\r", s[i]) != NULL) return false;
    return true;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct Writer {
    FILE *fp;
    uLong crc;
    bool ok;     /* false after the first short write */
    int errno_;  /* its errno */
} Writer;

static void put_bytes(Writer *w, const void *p, size_t n)
{
    if (!w->ok || n == 0) return;
    w->crc = crc32_z(w->crc, p, n);
    if (fwrite(p, 1, n, w->fp) != n) {
        w->ok = false;
        w->errno_ = errno;
    }
}

static void put_u32(Writer *w, uint32_t x)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) b[i] = (unsigned char)(x >> (8 * i));
    put_bytes(w, b, 4);
}

static void put_floats(Writer *w, const float *x, size_t n)
{
    unsigned char buf[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        put_f32_le(x[i], buf + used);
        used += 4;
        if (used == sizeof buf) {
            put_bytes(w, buf, used);
            used = 0;
        }
    }
    put_bytes(w, buf, used);
}

int subword_model_save(const char *path, const Vocab *vocab, const SubwordTable *table,
                       const float *W_in, int H, DlfsError *err)
{
    if (vocab->size != table->V || vocab->size < 1)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "cannot save %s: the vocabulary has %d words, the subword table %d", path,
                         (int)vocab->size, (int)table->V);
    if (H < 1) return dlfs_fail(err, DLFS_ERR_ARG, "cannot save %s: hidden size %d", path, H);
    for (int32_t id = 0; id < vocab->size; id++) {
        const char *word = vocab_word(vocab, id);
        if (!word_ok(word, strlen(word)))
            return dlfs_fail(err, DLFS_ERR_ARG,
                             "cannot save %s: word %d is empty or holds whitespace", path, (int)id);
    }
    const size_t n_floats = (size_t)table->n_rows * (size_t)H;
    if (!dlfs_floats_all_finite(W_in, n_floats))
        return dlfs_fail(err, DLFS_ERR_NUMERIC,
                         "cannot save %s: W_in holds a NaN or an infinity", path);

    AtomicFile af;
    int rc = atomic_file_open(&af, path, err);
    if (rc != DLFS_OK) return rc;
    Writer w = {.fp = af.fp, .crc = crc32_z(0, NULL, 0), .ok = true};
    put_bytes(&w, SUBWORD_MODEL_MAGIC, MAGIC_SIZE);
    put_u32(&w, SUBWORD_MODEL_VERSION);
    put_u32(&w, (uint32_t)table->V);
    put_u32(&w, (uint32_t)H);
    put_u32(&w, (uint32_t)table->minn);
    put_u32(&w, (uint32_t)table->maxn);
    put_u32(&w, (uint32_t)table->buckets);
    put_u32(&w, (uint32_t)table->n_used);
    put_u32(&w, (uint32_t)table->eos);   /* -1 as 0xFFFFFFFF */
    for (int32_t id = 0; id < vocab->size; id++) {
        const char *word = vocab_word(vocab, id);
        const size_t n = strlen(word);
        DLFS_ASSERT(n <= UINT32_MAX);
        put_u32(&w, (uint32_t)n);
        put_bytes(&w, word, n);
    }
    for (int32_t j = 0; j < table->n_used; j++) put_u32(&w, (uint32_t)table->used_buckets[j]);
    put_floats(&w, W_in, n_floats);
    put_u32(&w, (uint32_t)w.crc);
    if (!w.ok) {
        atomic_file_abort(&af);
        return dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: %s", path, strerror(w.errno_));
    }
    return atomic_file_commit(&af, err);
}

/* ---- reading ------------------------------------------------------------- */

typedef struct Cursor {
    const unsigned char *p, *end;
    const char *name;
    DlfsError *err;
} Cursor;

static uint32_t get_u32(Cursor *c)
{
    DLFS_ASSERT(c->end - c->p >= 4);   /* every caller checked the room first */
    const unsigned char *p = c->p;
    c->p += 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static size_t left(const Cursor *c) { return (size_t)(c->end - c->p); }

/* The characters of word (UTF-8 lead bytes, as subword.h counts them). */
static uint64_t count_chars(const char *s, size_t n)
{
    uint64_t chars = 0;
    for (size_t i = 0; i < n; i++) chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

int subword_model_parse(SubwordModel *m, const void *data, size_t size, const char *name,
                        DlfsError *err)
{
    memset(m, 0, sizeof *m);
    vocab_init(&m->vocab);
    const unsigned char *bytes = data;
    int rc = DLFS_ERR_FORMAT;

    if (size < HEADER_SIZE + CRC_SIZE || memcmp(bytes, SUBWORD_MODEL_MAGIC, MAGIC_SIZE) != 0) {
        if (size >= MAGIC_SIZE && memcmp(bytes, SUBWORD_MODEL_MAGIC, MAGIC_SIZE) == 0)
            dlfs_fail(err, rc, "%s: truncated: %zu bytes, less than a header", name, size);
        else
            dlfs_fail(err, rc, "%s: not a dlfs2 subword model file (no " SUBWORD_MODEL_MAGIC
                      " magic)", name);
        goto fail;
    }
    Cursor c = {.p = bytes + MAGIC_SIZE, .end = bytes + size - CRC_SIZE, .name = name, .err = err};
    const uint32_t version = get_u32(&c);
    if (version != SUBWORD_MODEL_VERSION) {
        dlfs_fail(err, rc, "%s: version %u, this dlfs2 reads version %d", name, version,
                  SUBWORD_MODEL_VERSION);
        goto fail;
    }
    const unsigned char *tail = bytes + size - CRC_SIZE;
    const uint32_t stored_crc = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 |
                                (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
    const uint32_t crc = (uint32_t)crc32_z(crc32_z(0, NULL, 0), bytes, size - CRC_SIZE);
    if (crc != stored_crc) {
        dlfs_fail(err, rc, "%s: checksum mismatch (CRC-32 %08x, the file says %08x): the file "
                  "is damaged or truncated", name, crc, stored_crc);
        goto fail;
    }

    const uint32_t V = get_u32(&c), H = get_u32(&c), minn = get_u32(&c), maxn = get_u32(&c);
    const uint32_t buckets = get_u32(&c), n_used = get_u32(&c);
    const int32_t eos = (int32_t)get_u32(&c);
    if (V < 1 || V > INT32_MAX || H < 1 || H > INT32_MAX) {
        dlfs_fail(err, rc, "%s: bad sizes: %u words, hidden size %u", name, V, H);
        goto fail;
    }
    if (minn > INT32_MAX || maxn > INT32_MAX ||
        subword_check_settings((int)minn, (int)maxn, buckets, NULL) != DLFS_OK) {
        dlfs_fail(err, rc, "%s: bad n-gram settings: n-grams %u-%u, %u buckets", name, minn, maxn,
                  buckets);
        goto fail;
    }
    if (n_used > buckets || (uint64_t)V + n_used > INT32_MAX) {
        dlfs_fail(err, rc, "%s: bad sizes: %u used buckets of %u, %u words", name, n_used, buckets,
                  V);
        goto fail;
    }
    if (eos < -1 || eos >= (int32_t)V) {
        dlfs_fail(err, rc, "%s: the line-end word's id %d is not a word of the %u", name, (int)eos,
                  V);
        goto fail;
    }
    /* the least each part takes: a length per word and a byte, the buckets, the floats */
    const uint64_t n_rows = (uint64_t)V + n_used;
    if ((uint64_t)V * 5 > left(&c) || (uint64_t)n_used * 4 > left(&c) - (uint64_t)V * 5 ||
        H > (left(&c) - (uint64_t)V * 5 - (uint64_t)n_used * 4) / 4 / n_rows) {
        dlfs_fail(err, rc, "%s: sizes larger than the file: %u words, %u buckets and (%llu, %u) "
                  "floats do not fit in %zu bytes", name, V, n_used, (unsigned long long)n_rows, H,
                  size);
        goto fail;
    }

    uint64_t work = 0;
    for (uint32_t i = 0; i < V; i++) {
        if (left(&c) < 4) goto short_file;
        const uint32_t n = get_u32(&c);
        if (n > left(&c)) goto short_file;
        const char *word = (const char *)c.p;
        if (!word_ok(word, n)) {
            dlfs_fail(err, rc, "%s: word %u is empty or holds whitespace or a NUL byte", name, i);
            goto fail;
        }
        char *copy = dlfs_malloc((size_t)n + 1);
        memcpy(copy, word, n);
        copy[n] = '\0';
        const int32_t id = vocab_add(&m->vocab, copy);
        free(copy);
        if (id != (int32_t)i) {
            dlfs_fail(err, rc, "%s: word %u repeats word %d", name, i, (int)id);
            goto fail;
        }
        const uint64_t chars = count_chars(word, n) + 2;
        work += ((uint64_t)n + 2) * (chars < maxn ? chars : maxn);
        if (work > MAX_NGRAM_WORK) {
            dlfs_fail(err, rc, "%s: the words' n-grams (%u-%u) would take too long to list: "
                      "the words or maxn are too long", name, minn, maxn);
            goto fail;
        }
        c.p += n;
    }
    if ((uint64_t)n_used * 4 + n_rows * H * 4 != left(&c)) {
        dlfs_fail(err, rc, "%s: after the words, %zu bytes where the buckets and W take %llu", name,
                  left(&c), (unsigned long long)((uint64_t)n_used * 4 + n_rows * H * 4));
        goto fail;
    }

    rc = subword_table_init(&m->table, &m->vocab, eos >= 0 ? vocab_word(&m->vocab, eos) : NULL,
                            (int)minn, (int)maxn, buckets, err);
    if (rc != DLFS_OK) {
        DlfsError why = *err;
        dlfs_fail(err, rc, "%s: %s", name, why.msg);
        goto fail;
    }
    rc = DLFS_ERR_FORMAT;
    if ((uint32_t)m->table.n_used != n_used) {
        dlfs_fail(err, rc, "%s: the buckets do not match the words and settings: the file lists "
                  "%u, n-grams %u-%u of its words use %d", name, n_used, minn, maxn,
                  (int)m->table.n_used);
        goto fail;
    }
    for (uint32_t j = 0; j < n_used; j++) {
        const uint32_t b = get_u32(&c);
        if (b != (uint32_t)m->table.used_buckets[j]) {
            dlfs_fail(err, rc, "%s: the buckets do not match the words and settings: row %llu is "
                      "bucket %u in the file, %d from the words", name,
                      (unsigned long long)V + j, b, (int)m->table.used_buckets[j]);
            goto fail;
        }
    }
    const size_t n_floats = (size_t)n_rows * H;
    m->W = dlfs_malloc(n_floats * sizeof *m->W);
    for (size_t i = 0; i < n_floats; i++) m->W[i] = get_f32_le(c.p + 4 * i);
    if (!dlfs_floats_all_finite(m->W, n_floats)) {
        dlfs_fail(err, rc, "%s: W holds a NaN or an infinity", name);
        goto fail;
    }
    m->H = (int)H;
    return DLFS_OK;

short_file:
    dlfs_fail(err, rc, "%s: sizes larger than the file: it ends inside the words", name);
fail:
    subword_model_free(m);
    return rc;
}

int subword_model_load(SubwordModel *m, const char *path, DlfsError *err)
{
    memset(m, 0, sizeof *m);
    char *data = NULL;
    size_t size = 0;
    int rc = read_whole_file(path, &data, &size, err);
    if (rc != DLFS_OK) return rc;
    rc = subword_model_parse(m, data, size, path, err);
    free(data);
    return rc;
}

void subword_model_free(SubwordModel *m)
{
    free(m->W);
    subword_table_free(&m->table);
    vocab_free(&m->vocab);
    memset(m, 0, sizeof *m);
}

int subword_model_vector(const SubwordModel *m, const char *word, float *out)
{
    return subword_word_vector(&m->table, &m->vocab, m->W, m->H, word, out);
}
