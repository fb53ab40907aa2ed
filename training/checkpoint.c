/*
 * checkpoint.c — training state to a file and back (see checkpoint.h).
 *
 * The sections (each a 4-byte tag, a u64 length, then):
 *   ARGS  u32 argc, then argc strings
 *   CORP  32-byte SHA-256 of the corpus ids, u64 tokens
 *   VOCB  u32 V, then V strings (the words in id order)
 *   RNG_  4 x u64
 *   POS_  i32 current_epoch, i32 iter_in_epoch, i64 total_iters, f64 total_loss,
 *         i32 loss_count, f64 elapsed_s
 *   PERM  u64 n, n x i32
 *   LOSS  u64 n, n x (i32 epoch, i32 iter, f64 elapsed_s, f32 loss)
 *   PARM  u32 n, n tensors
 *   OPTM  u32 kind, i32 iter, i32 adam_iter, u32 n, n tensors
 * A string is a u32 length and its bytes (no NUL); a tensor is a string
 * (its name), u32 ndim, ndim x u32 shape, then the floats.
 */
#include "training/checkpoint.h"

#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/fs.h"

enum { HEADER_SIZE = 24, DIGEST_SIZE = 32 };

/* ---- writing: a growing little-endian byte buffer ------------------------ */

typedef struct Buf {
    unsigned char *data;
    size_t len, cap;
} Buf;

static unsigned char *buf_grow(Buf *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        b->data = dlfs_realloc(b->data, cap);
        b->cap = cap;
    }
    unsigned char *p = b->data + b->len;
    b->len += n;
    return p;
}

static void put_u32(Buf *b, uint32_t x)
{
    unsigned char *p = buf_grow(b, 4);
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(x >> (8 * i));
}

static void put_u64(Buf *b, uint64_t x)
{
    unsigned char *p = buf_grow(b, 8);
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(x >> (8 * i));
}

static void put_f64(Buf *b, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    put_u64(b, u);
}

static void put_f32(Buf *b, float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    put_u32(b, u);
}

static void put_str(Buf *b, const char *s)
{
    const size_t n = strlen(s);
    DLFS_ASSERT(n <= UINT32_MAX);
    put_u32(b, (uint32_t)n);
    memcpy(buf_grow(b, n), s, n);
}

static void put_floats(Buf *b, const float *x, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(buf_grow(b, 4 * n), x, 4 * n);
#else
    for (size_t i = 0; i < n; i++) put_f32(b, x[i]);
#endif
}

static void put_tensor(Buf *b, const char *prefix, const char *name, const Tensor *t)
{
    const size_t len = strlen(prefix) + strlen(name) + 1;
    char *full = dlfs_malloc(len);
    snprintf(full, len, "%s%s", prefix, name);
    put_str(b, full);
    free(full);
    put_u32(b, (uint32_t)t->ndim);
    for (int d = 0; d < t->ndim; d++) put_u32(b, (uint32_t)t->shape[d]);
    put_floats(b, t->data, t->size);
}

/* Starts a section: its tag and a length patched by section_end. */
static size_t section_begin(Buf *b, const char tag[4])
{
    memcpy(buf_grow(b, 4), tag, 4);
    put_u64(b, 0);
    return b->len;
}

static void section_end(Buf *b, size_t start)
{
    const uint64_t n = b->len - start;
    for (int i = 0; i < 8; i++) b->data[start - 8 + i] = (unsigned char)(n >> (8 * i));
}

static void sha256(const unsigned char *data, size_t n, unsigned char out[DIGEST_SIZE])
{
    unsigned int len = 0;
    const int ok = EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
    DLFS_ASSERT(ok == 1 && len == DIGEST_SIZE);
}

void corpus_sha256(const int32_t *corpus, size_t n, unsigned char out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    DLFS_ASSERT(md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1);
    unsigned char chunk[4096];
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        const uint32_t u = (uint32_t)corpus[i];
        for (int k = 0; k < 4; k++) chunk[used++] = (unsigned char)(u >> (8 * k));
        if (used == sizeof chunk) {
            DLFS_ASSERT(EVP_DigestUpdate(md, chunk, used) == 1);
            used = 0;
        }
    }
    unsigned int len = 0;
    DLFS_ASSERT(EVP_DigestUpdate(md, chunk, used) == 1 && EVP_DigestFinal_ex(md, out, &len) == 1 &&
                len == 32);
    EVP_MD_CTX_free(md);
}

/* The optimizer's state tensors in a fixed order, with the prefix of their saved names. */
static int optimizer_state(const Optimizer *opt, const Tensor **out, const char **prefix, int max)
{
    int n = 0;
    if (opt->cfg.kind == OPTIMIZER_ADAM) {
        for (int i = 0; i < opt->adam.n_params && n < max; i++, n++) {
            out[n] = &opt->adam.m[i];
            prefix[n] = "adam.m:";
        }
        for (int i = 0; i < opt->adam.n_params && n < max; i++, n++) {
            out[n] = &opt->adam.v[i];
            prefix[n] = "adam.v:";
        }
    } else if (opt->state != NULL) {
        for (int i = 0; i < opt->n_params && n < max; i++, n++) {
            out[n] = &opt->state[i];
            prefix[n] = "state:";
        }
    }
    return n;
}

int checkpoint_save(const char *path, const CheckpointSource *src, DlfsError *err)
{
    const Trainer *t = src->trainer;
    const Model *model = t->model;
    if (t->perm == NULL)
        return dlfs_fail(err, DLFS_ERR_ARG, "cannot save a checkpoint before training has started");
    for (int i = 0; i < model->n_params; i++) {
        const Tensor *v = &model->params[i]->value;
        if (!dlfs_floats_all_finite(v->data, v->size))
            return dlfs_fail(err, DLFS_ERR_NUMERIC,
                             "%s holds a NaN or an infinity: no checkpoint written (the last good one "
                             "is kept)", model->params[i]->name);
    }

    Buf b = {0};
    memcpy(buf_grow(&b, 8), CHECKPOINT_MAGIC, 8);
    put_u32(&b, CHECKPOINT_VERSION);
    put_u32(&b, 0);
    put_u64(&b, 0);   /* L, patched below */

    size_t s = section_begin(&b, "ARGS");
    put_u32(&b, (uint32_t)src->argc);
    for (int i = 0; i < src->argc; i++) put_str(&b, src->argv[i]);
    section_end(&b, s);

    s = section_begin(&b, "CORP");
    memcpy(buf_grow(&b, 32), src->corpus_sha256, 32);
    put_u64(&b, src->corpus_size);
    section_end(&b, s);

    s = section_begin(&b, "VOCB");
    put_u32(&b, (uint32_t)src->vocab->size);
    for (int32_t id = 0; id < src->vocab->size; id++) put_str(&b, vocab_word(src->vocab, id));
    section_end(&b, s);

    s = section_begin(&b, "RNG_");
    for (int i = 0; i < 4; i++) put_u64(&b, src->rng->s[i]);
    section_end(&b, s);

    s = section_begin(&b, "POS_");
    put_u32(&b, (uint32_t)t->current_epoch);
    put_u32(&b, (uint32_t)t->iter_in_epoch);
    put_u64(&b, (uint64_t)t->total_iters);
    put_f64(&b, t->total_loss);
    put_u32(&b, (uint32_t)t->loss_count);
    put_f64(&b, t->elapsed_s);
    section_end(&b, s);

    s = section_begin(&b, "PERM");
    put_u64(&b, t->perm_size);
    for (size_t i = 0; i < t->perm_size; i++) put_u32(&b, (uint32_t)t->perm[i]);
    section_end(&b, s);

    s = section_begin(&b, "LOSS");
    put_u64(&b, t->n_loss);
    for (size_t i = 0; i < t->n_loss; i++) {
        put_u32(&b, (uint32_t)t->loss_list[i].epoch);
        put_u32(&b, (uint32_t)t->loss_list[i].iter);
        put_f64(&b, t->loss_list[i].elapsed_s);
        put_f32(&b, t->loss_list[i].loss);
    }
    section_end(&b, s);

    s = section_begin(&b, "PARM");
    put_u32(&b, (uint32_t)model->n_params);
    for (int i = 0; i < model->n_params; i++)
        put_tensor(&b, "", model->params[i]->name, &model->params[i]->value);
    section_end(&b, s);

    const Optimizer *opt = src->optimizer;
    const Tensor *state[2 * 64];
    const char *prefix[2 * 64];
    DLFS_ASSERT(model->n_params <= 64);
    const int n_state = optimizer_state(opt, state, prefix, 2 * 64);
    s = section_begin(&b, "OPTM");
    put_u32(&b, (uint32_t)opt->cfg.kind);
    put_u32(&b, (uint32_t)opt->iter);
    put_u32(&b, (uint32_t)opt->adam.iter);
    put_u32(&b, (uint32_t)n_state);
    for (int i = 0; i < n_state; i++) {
        const int p = i % model->n_params;
        put_tensor(&b, prefix[i], model->params[p]->name, state[i]);
    }
    section_end(&b, s);

    const uint64_t L = b.len - HEADER_SIZE;
    for (int i = 0; i < 8; i++) b.data[16 + i] = (unsigned char)(L >> (8 * i));
    unsigned char digest[DIGEST_SIZE];
    sha256(b.data, b.len, digest);
    memcpy(buf_grow(&b, DIGEST_SIZE), digest, DIGEST_SIZE);

    AtomicFile af;
    int status = atomic_file_open(&af, path, err);
    if (status == DLFS_OK) {
        if (fwrite(b.data, 1, b.len, af.fp) != b.len) {
            const int e = errno;
            atomic_file_abort(&af);
            status = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: %s", path, strerror(e));
        } else {
            status = atomic_file_commit(&af, err);
        }
    }
    free(b.data);
    return status;
}

/* ---- reading: a bounds-checked cursor ------------------------------------ */

typedef struct Cursor {
    const unsigned char *p, *end;
    const char *section;    /* for messages */
    DlfsError *err;
    int status;             /* DLFS_OK until the first problem */
} Cursor;

static bool bad(Cursor *c, const char *what)
{
    if (c->status == DLFS_OK)
        c->status = dlfs_fail(c->err, DLFS_ERR_FORMAT, "checkpoint section %s: %s", c->section, what);
    return false;
}

static bool take(Cursor *c, size_t n, const unsigned char **out)
{
    if (c->status != DLFS_OK) return false;
    if ((size_t)(c->end - c->p) < n) return bad(c, "ends too early (truncated or sizes that disagree)");
    *out = c->p;
    c->p += n;
    return true;
}

static uint64_t get_u64(Cursor *c)
{
    const unsigned char *p;
    if (!take(c, 8, &p)) return 0;
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) x |= (uint64_t)p[i] << (8 * i);
    return x;
}

static uint32_t get_u32(Cursor *c)
{
    const unsigned char *p;
    if (!take(c, 4, &p)) return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A u32 that must be <= max (as a count or an int field). */
static int get_int(Cursor *c, uint32_t max, const char *what)
{
    const uint32_t x = get_u32(c);
    if (c->status == DLFS_OK && x > max) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s is %u, more than %u", what, x, max);
        bad(c, msg);
        return 0;
    }
    return (int)x;
}

static double get_f64(Cursor *c)
{
    const uint64_t u = get_u64(c);
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static float get_f32(Cursor *c)
{
    const uint32_t u = get_u32(c);
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static char *get_str(Cursor *c)
{
    const uint32_t n = get_u32(c);
    const unsigned char *p;
    if (!take(c, n, &p)) return NULL;
    if (memchr(p, '\0', n) != NULL) {
        bad(c, "a string holds a NUL byte");
        return NULL;
    }
    char *s = dlfs_malloc((size_t)n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Checks that n items of `size` bytes each can still be read (before allocating them). */
static bool room_for(Cursor *c, uint64_t n, size_t size)
{
    if (c->status != DLFS_OK) return false;
    if (n > (uint64_t)(c->end - c->p) / size) return bad(c, "a count is larger than the data that follows");
    return true;
}

static bool get_tensor(Cursor *c, CheckpointTensor *t)
{
    t->name = get_str(c);
    t->ndim = get_int(c, TENSOR_MAX_DIMS, "a tensor's number of dimensions");
    if (c->status != DLFS_OK) return false;
    if (t->ndim < 1) return bad(c, "a tensor has no dimensions");
    uint64_t size = 1;
    for (int d = 0; d < t->ndim; d++) {
        t->shape[d] = get_int(c, INT32_MAX, "a tensor dimension");
        if (c->status == DLFS_OK && t->shape[d] < 1) return bad(c, "a tensor dimension is 0");
        size *= (uint64_t)t->shape[d];
        if (size > (uint64_t)1 << 40) return bad(c, "a tensor is impossibly large");
    }
    if (!room_for(c, size, 4)) return false;
    t->size = (size_t)size;
    t->data = dlfs_malloc(t->size * sizeof *t->data);
    const unsigned char *p = NULL;
    if (!take(c, 4 * t->size, &p)) return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(t->data, p, 4 * t->size);
#else
    for (size_t i = 0; i < t->size; i++) {
        const uint32_t u = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                           (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        memcpy(&t->data[i], &u, 4);
    }
#endif
    if (!dlfs_floats_all_finite(t->data, t->size)) return bad(c, "a tensor holds a NaN or an infinity");
    return true;
}

static void parse_args(Cursor *c, Checkpoint *k)
{
    const int argc = get_int(c, 4096, "the number of arguments");
    if (!room_for(c, (uint64_t)argc, 4)) return;
    k->argv = dlfs_calloc((size_t)argc + 1, sizeof *k->argv);
    for (int i = 0; i < argc && c->status == DLFS_OK; i++) {
        k->argv[i] = get_str(c);
        if (k->argv[i] != NULL) k->argc = i + 1;
    }
}

static void parse_corp(Cursor *c, Checkpoint *k)
{
    const unsigned char *p;
    if (take(c, 32, &p)) memcpy(k->corpus_sha256, p, 32);
    k->corpus_size = get_u64(c);
}

static void parse_vocb(Cursor *c, Checkpoint *k)
{
    const int V = get_int(c, INT32_MAX, "the vocabulary size");
    if (!room_for(c, (uint64_t)V, 4)) return;
    k->words = dlfs_calloc(V ? (size_t)V : 1, sizeof *k->words);
    for (int i = 0; i < V && c->status == DLFS_OK; i++) {
        k->words[i] = get_str(c);
        if (k->words[i] != NULL) k->n_words = i + 1;
        if (k->words[i] != NULL && k->words[i][0] == '\0') bad(c, "a word is empty");
    }
}

static void parse_rng(Cursor *c, Checkpoint *k)
{
    for (int i = 0; i < 4; i++) k->rng[i] = get_u64(c);
    if (c->status == DLFS_OK && !(k->rng[0] | k->rng[1] | k->rng[2] | k->rng[3]))
        bad(c, "the RNG state is all zeros, which xoshiro256 never reaches");
}

static void parse_pos(Cursor *c, Checkpoint *k)
{
    k->current_epoch = get_int(c, INT32_MAX, "the epoch");
    k->iter_in_epoch = get_int(c, INT32_MAX, "the iteration");
    const uint64_t total = get_u64(c);
    k->total_loss = get_f64(c);
    k->loss_count = get_int(c, INT32_MAX, "the loss count");
    k->elapsed_s = get_f64(c);
    if (c->status != DLFS_OK) return;
    if (total > (uint64_t)INT64_MAX / 2) {
        bad(c, "the number of iterations is impossibly large");
        return;
    }
    k->total_iters = (long)total;
    if (!isfinite(k->total_loss) || !isfinite(k->elapsed_s) || k->elapsed_s < 0.0)
        bad(c, "the loss sum or the seconds are not finite");
}

static void parse_perm(Cursor *c, Checkpoint *k)
{
    const uint64_t n = get_u64(c);
    if (!room_for(c, n, 4)) return;
    if (n > INT32_MAX) {
        bad(c, "the shuffle order is longer than 2^31 - 1 rows");
        return;
    }
    k->perm = dlfs_malloc((n ? n : 1) * sizeof *k->perm);
    k->perm_size = (size_t)n;
    uint8_t *seen = dlfs_calloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++) {
        const uint32_t x = get_u32(c);
        if (x >= n || seen[x]) {
            bad(c, "the shuffle order is not a permutation of the rows");
            break;
        }
        seen[x] = 1;
        k->perm[i] = (int32_t)x;
    }
    free(seen);
}

static void parse_loss(Cursor *c, Checkpoint *k)
{
    const uint64_t n = get_u64(c);
    if (!room_for(c, n, 20)) return;
    k->loss_list = dlfs_malloc((n ? n : 1) * sizeof *k->loss_list);
    k->n_loss = (size_t)n;
    for (size_t i = 0; i < n; i++) {
        LossRecord *r = &k->loss_list[i];
        r->epoch = get_int(c, INT32_MAX, "a record's epoch");
        r->iter = get_int(c, INT32_MAX, "a record's iteration");
        r->elapsed_s = get_f64(c);
        r->loss = get_f32(c);
    }
}

static void parse_tensors(Cursor *c, CheckpointTensor **out, int *n_out, int max)
{
    const int n = get_int(c, (uint32_t)max, "the number of tensors");
    if (!room_for(c, (uint64_t)n, 12)) return;
    *out = dlfs_calloc(n ? (size_t)n : 1, sizeof **out);
    for (int i = 0; i < n && c->status == DLFS_OK; i++) {
        *n_out = i + 1;
        get_tensor(c, &(*out)[i]);
    }
}

static void parse_parm(Cursor *c, Checkpoint *k) { parse_tensors(c, &k->params, &k->n_params, 64); }

static void parse_optm(Cursor *c, Checkpoint *k)
{
    k->optimizer_kind = get_int(c, OPTIMIZER_ADAM, "the optimizer kind");
    k->optimizer_iter = get_int(c, INT32_MAX, "the optimizer's step count");
    k->adam_iter = get_int(c, INT32_MAX, "Adam's step count");
    parse_tensors(c, &k->state, &k->n_state, 128);
}

static const struct {
    char tag[5];
    void (*parse)(Cursor *c, Checkpoint *k);
} sections[] = {
    {"ARGS", parse_args}, {"CORP", parse_corp}, {"VOCB", parse_vocb},
    {"RNG_", parse_rng},  {"POS_", parse_pos},  {"PERM", parse_perm},
    {"LOSS", parse_loss}, {"PARM", parse_parm}, {"OPTM", parse_optm},
};
enum { N_SECTIONS = sizeof sections / sizeof sections[0] };

int checkpoint_parse(const unsigned char *data, size_t n, Checkpoint *k, DlfsError *err)
{
    memset(k, 0, sizeof *k);
    if (n < 8 || memcmp(data, CHECKPOINT_MAGIC, 8) != 0)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "not a dlfs2 checkpoint (it does not start with %s)",
                         CHECKPOINT_MAGIC);
    if (n < HEADER_SIZE + DIGEST_SIZE)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "checkpoint truncated: %zu bytes, less than a header", n);
    Cursor h = {.p = data + 8, .end = data + HEADER_SIZE, .section = "header", .err = err};
    const uint32_t version = get_u32(&h), flags = get_u32(&h);
    const uint64_t L = get_u64(&h);
    if (version != CHECKPOINT_VERSION)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "checkpoint format version %u; this dlfs2 reads version %u",
                         version, CHECKPOINT_VERSION);
    if (flags != 0) return dlfs_fail(err, DLFS_ERR_FORMAT, "checkpoint flags %u; expected 0", flags);
    if (L != n - HEADER_SIZE - DIGEST_SIZE)
        return dlfs_fail(err, DLFS_ERR_FORMAT,
                         "checkpoint truncated or padded: its header says %llu bytes of sections, the "
                         "file holds %zu", (unsigned long long)L, n - HEADER_SIZE - DIGEST_SIZE);
    unsigned char digest[DIGEST_SIZE];
    sha256(data, n - DIGEST_SIZE, digest);
    if (memcmp(digest, data + n - DIGEST_SIZE, DIGEST_SIZE) != 0)
        return dlfs_fail(err, DLFS_ERR_CHECKSUM, "checkpoint checksum mismatch: the file is damaged");

    Cursor all = {.p = data + HEADER_SIZE, .end = data + n - DIGEST_SIZE, .section = "list", .err = err};
    bool seen[N_SECTIONS] = {false};
    while (all.status == DLFS_OK && all.p < all.end) {
        const unsigned char *tag;
        if (!take(&all, 4, &tag)) break;
        const uint64_t len = get_u64(&all);
        const unsigned char *body;
        if (!room_for(&all, len, 1) || !take(&all, (size_t)len, &body)) break;
        int s = 0;
        while (s < N_SECTIONS && memcmp(tag, sections[s].tag, 4) != 0) s++;
        if (s == N_SECTIONS) {
            char shown[4 * 4 + 1];   /* the tag, its odd bytes as \xNN: the message stays one line */
            size_t used = 0;
            for (int i = 0; i < 4; i++)
                used += (size_t)snprintf(shown + used, sizeof shown - used,
                                         tag[i] >= 0x20 && tag[i] < 0x7f && tag[i] != '\\' ? "%c" : "\\x%02x",
                                         tag[i]);
            dlfs_fail(err, DLFS_ERR_FORMAT, "checkpoint: unknown section '%s'", shown);
            all.status = DLFS_ERR_FORMAT;
            break;
        }
        if (seen[s]) {
            all.status = dlfs_fail(err, DLFS_ERR_FORMAT, "checkpoint: section %s appears twice",
                                   sections[s].tag);
            break;
        }
        seen[s] = true;
        Cursor c = {.p = body, .end = body + len, .section = sections[s].tag, .err = err};
        sections[s].parse(&c, k);
        if (c.status == DLFS_OK && c.p != c.end) bad(&c, "has bytes left over (sizes that disagree)");
        all.status = c.status;
    }
    for (int s = 0; all.status == DLFS_OK && s < N_SECTIONS; s++)
        if (!seen[s])
            all.status = dlfs_fail(err, DLFS_ERR_FORMAT, "checkpoint: section %s is missing", sections[s].tag);
    if (all.status == DLFS_OK && k->current_epoch < 0) bad(&all, "negative epoch");
    if (all.status != DLFS_OK) checkpoint_free(k);
    return all.status;
}

int checkpoint_load(const char *path, Checkpoint *k, DlfsError *err)
{
    memset(k, 0, sizeof *k);
    char *data = NULL;
    size_t n = 0;
    int status = read_whole_file(path, &data, &n, err);
    if (status != DLFS_OK) return status;
    status = checkpoint_parse((const unsigned char *)data, n, k, err);
    free(data);
    if (status != DLFS_OK) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        dlfs_fail(err, status, "%s: %s", path, msg);
    }
    return status;
}

static void free_tensors(CheckpointTensor *t, int n)
{
    for (int i = 0; i < n; i++) {
        free(t[i].name);
        free(t[i].data);
    }
    free(t);
}

void checkpoint_free(Checkpoint *k)
{
    if (k->argv)
        for (int i = 0; i < k->argc; i++) free(k->argv[i]);
    free(k->argv);
    if (k->words)
        for (int i = 0; i < k->n_words; i++) free(k->words[i]);
    free(k->words);
    free(k->perm);
    free(k->loss_list);
    free_tensors(k->params, k->n_params);
    free_tensors(k->state, k->n_state);
    memset(k, 0, sizeof *k);
}

/* ---- restoring ------------------------------------------------------------ */

static int same_shape(const CheckpointTensor *s, const Tensor *t)
{
    if (s->ndim != t->ndim) return 0;
    for (int d = 0; d < t->ndim; d++)
        if (s->shape[d] != t->shape[d]) return 0;
    return 1;
}

int checkpoint_restore(const Checkpoint *k, const Vocab *vocab, const unsigned char *sha,
                       uint64_t corpus_size, size_t data_size, Trainer *trainer, Optimizer *optimizer,
                       Rng *rng, DlfsError *err)
{
    if (k->n_words != vocab->size)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the checkpoint's vocabulary has %d words, the corpus gives %d",
                         k->n_words, (int)vocab->size);
    for (int i = 0; i < k->n_words; i++)
        if (strcmp(k->words[i], vocab_word(vocab, i)) != 0)
            return dlfs_fail(err, DLFS_ERR_FORMAT, "word %d is '%s' in the checkpoint, '%s' in the corpus", i,
                             k->words[i], vocab_word(vocab, i));
    if (k->corpus_size != corpus_size || memcmp(k->corpus_sha256, sha, 32) != 0)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the corpus has changed since the checkpoint was written");
    if (k->perm_size != data_size)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the checkpoint's shuffle order has %zu rows, the data %zu",
                         k->perm_size, data_size);
    const Model *model = trainer->model;
    if (k->n_params != model->n_params)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the checkpoint has %d parameters, the model %d", k->n_params,
                         model->n_params);
    for (int i = 0; i < k->n_params; i++) {
        const Param *p = model->params[i];
        if (strcmp(k->params[i].name, p->name) != 0 || !same_shape(&k->params[i], &p->value))
            return dlfs_fail(err, DLFS_ERR_FORMAT, "parameter %d is %s in the checkpoint, not shaped as the "
                             "model's %s", i, k->params[i].name, p->name);
    }
    if (k->optimizer_kind != (int)optimizer->cfg.kind)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the checkpoint's optimizer is %s, the run's %s",
                         optimizer_kind_name((OptimizerKind)k->optimizer_kind),
                         optimizer_kind_name(optimizer->cfg.kind));
    const Tensor *state[128];
    const char *prefix[128];
    const int n_state = optimizer_state(optimizer, state, prefix, 128);
    if (k->n_state != n_state)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the checkpoint has %d optimizer tensors, the run %d",
                         k->n_state, n_state);
    for (int i = 0; i < n_state; i++)
        if (!same_shape(&k->state[i], state[i]))
            return dlfs_fail(err, DLFS_ERR_FORMAT, "optimizer tensor %s is not shaped as the run's",
                             k->state[i].name);
    if (k->loss_count > 0 && trainer->eval_interval > 0 && k->loss_count > trainer->eval_interval)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the checkpoint's loss count %d exceeds the interval %d",
                         k->loss_count, trainer->eval_interval);

    for (int i = 0; i < k->n_params; i++)
        memcpy(model->params[i]->value.data, k->params[i].data, k->params[i].size * sizeof(float));
    for (int i = 0; i < n_state; i++)
        memcpy(state[i]->data, k->state[i].data, k->state[i].size * sizeof(float));
    optimizer->iter = k->optimizer_iter;
    optimizer->adam.iter = k->adam_iter;
    memcpy(rng->s, k->rng, sizeof rng->s);
    free(trainer->perm);
    trainer->perm = dlfs_malloc((k->perm_size ? k->perm_size : 1) * sizeof *trainer->perm);
    memcpy(trainer->perm, k->perm, k->perm_size * sizeof *trainer->perm);
    trainer->perm_size = k->perm_size;
    trainer->current_epoch = k->current_epoch;
    trainer->iter_in_epoch = k->iter_in_epoch;
    trainer->total_iters = k->total_iters;
    trainer->total_loss = k->total_loss;
    trainer->loss_count = k->loss_count;
    trainer->elapsed_s = k->elapsed_s;
    free(trainer->loss_list);
    trainer->cap_loss = k->n_loss ? k->n_loss : 1;
    trainer->loss_list = dlfs_malloc(trainer->cap_loss * sizeof *trainer->loss_list);
    memcpy(trainer->loss_list, k->loss_list, k->n_loss * sizeof *trainer->loss_list);
    trainer->n_loss = k->n_loss;
    return DLFS_OK;
}
