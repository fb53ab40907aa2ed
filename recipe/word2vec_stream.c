/* word2vec_stream.c — word2vec.c's rows made as the corpus is read (see word2vec_stream.h). */
#include "recipe/word2vec_stream.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "models/word2vec_filter.h"

/*
 * The ids one reader (a thread's byte range, or the shared reader) gave in
 * the first epoch, kept to be given again in the later epochs instead of
 * reading, splitting and looking up the same text again: the same ids in
 * the same order, so the same blocks, rows and draws. Kept only for a plain
 * file of at most Word2VecStream.cache_max_bytes, and used only when the
 * first epoch read every reader to its end.
 */
typedef struct IdCache {
    int32_t *ids;           /* (len,) owned; NULL when not kept */
    size_t len, cap;        /* ids kept; at most cap (the file's bytes + 1) */
    size_t alloc_len;       /* ids allocated */
    size_t pos;             /* the next id to give in a replayed epoch */
    int64_t skipped;        /* tokens outside the vocabulary in one epoch of the reader */
    bool filling;           /* the first epoch is being kept */
    bool complete;          /* the first epoch was read to the end: later epochs replay it */
    bool replaying;         /* this epoch gives the kept ids */
} IdCache;

/* One thread's reader and the rows of its current sentence. */
typedef struct Word2VecStreamThread {
    TokenStream in;         /* its byte range (ranged streams) */
    IdCache cache;          /* its range's ids; thread 0's also serves the shared reader */
    int32_t *block;         /* (WORD2VEC_STREAM_BLOCK,) the ids of its current block */
    size_t block_len, block_pos;
    bool done;              /* its part of the epoch has no more tokens */
    int32_t *sentence;      /* (WORD2VEC_STREAM_MAX_SENTENCE,) the kept tokens of a sentence */
    int32_t *contexts;      /* (WORD2VEC_STREAM_MAX_SENTENCE, 2w) that sentence's rows */
    int32_t *target;        /* (WORD2VEC_STREAM_MAX_SENTENCE,) */
    size_t rows, row_pos;   /* rows made, rows handed out */
    Rng rng;                /* its draws: subsampling and shrunk windows */
    char pad[64];           /* the next thread's fields on another cache line */
} Word2VecStreamThread;

/*
 * The word -> id table of the stream: open addressing with linear probing
 * over a power of two >= 1.5 V slots, each holding the upper 32 bits of the
 * word's FNV-1a hash, its id (-1: empty) and its first 8 bytes, so a
 * lookup of a word of up to 8 bytes reads one slot and no string. It gives vocab_get's
 * ids (it is built from the vocabulary's words); it is here because the
 * stream looks up every token of every epoch, and on PTB the Vocab's
 * chained table (uthash) cost about an eighth of a one-thread epoch.
 */
typedef struct Word2VecStreamSlot {
    uint32_t tag;
    int32_t id;
    char head[8];           /* the word's first 8 bytes, zero-padded: most words are whole here,
                               so a lookup reads one slot, not the vocabulary's string too */
} Word2VecStreamSlot;

static uint64_t word_hash(const char *word, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a, 64 bits */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)word[i]) * 0x100000001b3ULL;
    return h ^ (h >> 29);   /* the low bits index the table: mix the high ones in */
}

static void slots_build(Word2VecStream *s)
{
    uint64_t n = 16;
    while (n < (uint64_t)s->V + (uint64_t)s->V / 2) n *= 2;   /* at most 2/3 full */
    s->slots = dlfs_malloc(n * sizeof *s->slots);
    for (uint64_t i = 0; i < n; i++) s->slots[i] = (Word2VecStreamSlot){.tag = 0, .id = -1};
    s->slot_mask = n - 1;
    for (int32_t id = 0; id < s->V; id++) {
        const char *w = vocab_word(s->vocab, id);
        const size_t len = strlen(w);
        const uint64_t h = word_hash(w, len);
        uint64_t i = h & s->slot_mask;
        while (s->slots[i].id >= 0) i = (i + 1) & s->slot_mask;
        s->slots[i] = (Word2VecStreamSlot){.tag = (uint32_t)(h >> 32), .id = id};
        memcpy(s->slots[i].head, w, len < 8 ? len : 8);
    }
}

/* vocab_get(s->vocab, word) through the slots; word has len bytes. */
static int32_t slots_get(const Word2VecStream *s, const char *word, size_t len)
{
    const uint64_t h = word_hash(word, len);
    const uint32_t tag = (uint32_t)(h >> 32);
    char head[8] = {0};
    memcpy(head, word, len < 8 ? len : 8);
    for (uint64_t i = h & s->slot_mask;; i = (i + 1) & s->slot_mask) {
        const Word2VecStreamSlot *slot = &s->slots[i];
        if (slot->id < 0) return -1;
        if (slot->tag != tag || memcmp(slot->head, head, 8) != 0) continue;
        if (len <= 8) {
            /* the head holds the whole word, zero-padded; a longer word's head has no zero */
            if (len == 8 || slot->head[len] == '\0') {
                if (len < 8 || vocab_word(s->vocab, slot->id)[8] == '\0') return slot->id;
            }
            continue;
        }
        const char *w = vocab_word(s->vocab, slot->id) + 8;   /* the rest, past the head */
        size_t k = 8;
        while (k < len && *w == word[k]) w++, k++;
        if (k == len && *w == '\0') return slot->id;
    }
}

int word2vec_stream_init(Word2VecStream *s, const char *path, unsigned flags, const Vocab *vocab,
                         const int64_t *counts, const Word2VecDataConfig *cfg, int threads, uint64_t seed,
                         DlfsError *err)
{
    return word2vec_stream_init_part(s, path, flags, vocab, counts, cfg, threads, 0, 1, seed, err);
}

int word2vec_stream_init_part(Word2VecStream *s, const char *path, unsigned flags, const Vocab *vocab,
                              const int64_t *counts, const Word2VecDataConfig *cfg, int threads, int part,
                              int parts, uint64_t seed, DlfsError *err)
{
    memset(s, 0, sizeof *s);
    s->epoch = -1;
    s->cache_max_bytes = WORD2VEC_STREAM_CACHE_BYTES;
    if (parts < 1 || part < 0 || part >= parts)
        return dlfs_fail(err, DLFS_ERR_ARG, "part %d of %d: must be in [0, %d)", part, parts, parts);
    s->part = part;
    s->parts = parts;
    const int V = (int)vocab->size;
    if (threads < 1) return dlfs_fail(err, DLFS_ERR_ARG, "threads %d: must be >= 1", threads);
    const int checked = word2vec_data_config_check(cfg, V, err);
    if (checked != DLFS_OK) return checked;
    int64_t total = 0;
    for (int v = 0; v < V; v++) {
        if (counts[v] < 0)
            return dlfs_fail(err, DLFS_ERR_ARG, "the count of '%s' is %lld: counts must be >= 0",
                             vocab_word(vocab, v), (long long)counts[v]);
        total += counts[v];
    }
    if (total == 0) return dlfs_fail(err, DLFS_ERR_ARG, "the counts of the vocabulary are all 0: nothing to train on");
    s->path = dlfs_malloc(strlen(path) + 1);
    strcpy(s->path, path);
    s->flags = flags;
    s->vocab = vocab;
    s->counts = counts;
    s->V = V;
    s->cfg = *cfg;
    s->threads = threads;
    s->total = total;
    /* ranges need a plain file; a gzip file or a pipe is read by one shared reader */
    if (strcmp(path, "-") != 0) {
        TokenStream probe;
        DlfsError inner = {0};
        if (token_stream_open_range(&probe, path, flags, 0, 0, 0, &inner) == DLFS_OK) {
            token_stream_close(&probe);
            const int status = token_stream_file_size(path, &s->file_size, err);
            if (status != DLFS_OK) return status;
            s->plain = true;
            s->ranged = threads * parts > 1;
        }
    }
    if (parts > 1 && !s->ranged)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "%s: %d processes cannot share %s: each reads its own byte range of a plain file "
                         "(decompress it first)",
                         strcmp(path, "-") == 0 ? "standard input" : path, parts,
                         strcmp(path, "-") == 0 ? "a pipe" : "a gzip file");
    slots_build(s);
    s->keep = dlfs_malloc((size_t)V * sizeof *s->keep);
    for (int v = 0; v < V; v++) s->keep[v] = word2vec_keep_probability(counts[v], total, cfg->sample);
    omp_lock_t *lock = dlfs_malloc(sizeof *lock);
    omp_init_lock(lock);
    s->lock = lock;
    s->th = dlfs_calloc((size_t)threads, sizeof *s->th);
    const size_t C = 2 * (size_t)cfg->window;
    for (int t = 0; t < threads; t++) {
        Word2VecStreamThread *th = &s->th[t];
        th->block = dlfs_malloc(WORD2VEC_STREAM_BLOCK * sizeof *th->block);
        th->sentence = dlfs_malloc(WORD2VEC_STREAM_MAX_SENTENCE * sizeof *th->sentence);
        th->contexts = dlfs_malloc(WORD2VEC_STREAM_MAX_SENTENCE * C * sizeof *th->contexts);
        th->target = dlfs_malloc(WORD2VEC_STREAM_MAX_SENTENCE * sizeof *th->target);
        /* thread 0's draws are RecipeEpochs's (seed + 1); each part's threads their own */
        const uint64_t k = (uint64_t)part * (uint64_t)threads + (uint64_t)t;
        rng_seed(&th->rng, (seed + 1) ^ (0xbf58476d1ce4e5b9ULL * k));
    }
    return DLFS_OK;
}

void word2vec_stream_free(Word2VecStream *s)
{
    for (int t = 0; s->th && t < s->threads; t++) {
        Word2VecStreamThread *th = &s->th[t];
        token_stream_close(&th->in);
        free(th->cache.ids);
        free(th->block);
        free(th->sentence);
        free(th->contexts);
        free(th->target);
    }
    free(s->th);
    token_stream_close(&s->shared);
    if (s->lock) {
        omp_destroy_lock(s->lock);
        free(s->lock);
    }
    free(s->keep);
    free(s->slots);
    free(s->path);
    memset(s, 0, sizeof *s);
}

int word2vec_stream_begin_epoch(void *ctx, int epoch, DlfsError *err)
{
    Word2VecStream *s = ctx;
    if (strcmp(s->path, "-") == 0 && s->epoch >= 0)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "standard input can be read once: epoch %d would read it again (train on it with "
                         "--epochs 1, or give the corpus as a file)",
                         epoch + 1);
    const bool first = s->epoch < 0;
    s->epoch = epoch;
    s->epoch_tokens = 0;
    token_stream_close(&s->shared);
    const int readers = s->ranged ? s->threads : 1;
    bool replay = !first;
    for (int t = 0; t < s->threads; t++) {
        Word2VecStreamThread *th = &s->th[t];
        token_stream_close(&th->in);
        th->block_len = th->block_pos = 0;
        th->rows = th->row_pos = 0;
        th->done = false;
        IdCache *c = &th->cache;
        if (t >= readers) continue;
        if (first) {
            /* a plain file's tokens are at most its bytes: its ids fit in file_size + 1 */
            c->cap = (size_t)s->file_size + 1;
            c->filling = s->plain && s->file_size <= s->cache_max_bytes;
        } else if (c->filling || !c->complete) {
            /* its ids were not kept, or the first epoch stopped before its end: read */
            free(c->ids);
            *c = (IdCache){0};
        }
        c->pos = 0;
        replay = replay && c->complete;
    }
    if (replay) {
        /* every reader gives its kept ids (read_block); what they skipped, as reading would */
        for (int t = 0; t < readers; t++) {
            s->th[t].cache.replaying = true;
            s->skipped += s->th[t].cache.skipped;
        }
        return DLFS_OK;
    }
    for (int t = 0; t < readers && !first; t++) {   /* some reader cannot replay: all read */
        free(s->th[t].cache.ids);
        s->th[t].cache = (IdCache){0};
    }
    if (!s->ranged) return token_stream_open(&s->shared, s->path, s->flags, 0, err);
    const uint64_t T = (uint64_t)s->threads * (uint64_t)s->parts;
    for (int t = 0; t < s->threads; t++) {
        /* range k of T: [k * size / T, (k + 1) * size / T) without overflow for any size */
        const uint64_t k = (uint64_t)s->part * (uint64_t)s->threads + (uint64_t)t;
        const uint64_t size = s->file_size, q = size / T, r = size % T;
        const uint64_t start = q * k + r * k / T;
        const uint64_t end = q * (k + 1) + r * (k + 1) / T;
        const int status = token_stream_open_range(&s->th[t].in, s->path, s->flags, 0, start, end, err);
        if (status != DLFS_OK) return status;
    }
    return DLFS_OK;
}

/*
 * Adds a block of n ids (and the tokens skipped before them) to c in the
 * first epoch; the reader's status 0 (its end) completes it. Gives the
 * cache up when the reader fails (or, which a file of the size measured
 * cannot do, its ids outgrow c->cap).
 */
static void cache_keep(IdCache *c, const int32_t *ids, size_t n, int64_t skipped, int status)
{
    if (status < 0 || c->len + n > c->cap) {
        free(c->ids);
        *c = (IdCache){0};
        return;
    }
    if (c->len + n > c->alloc_len) {
        size_t grow = c->alloc_len ? 2 * c->alloc_len : (size_t)1 << 16;
        while (grow < c->len + n) grow *= 2;
        if (grow > c->cap) grow = c->cap;
        c->ids = dlfs_realloc(c->ids, grow * sizeof *c->ids);
        c->alloc_len = grow;
    }
    if (n > 0) memcpy(c->ids + c->len, ids, n * sizeof *ids);
    c->len += n;
    c->skipped += skipped;
    if (status == 0) {
        c->filling = false;
        c->complete = true;
    }
}

/*
 * Fills th's block: the ids of the vocabulary's next tokens, up to and
 * including a sentence end, at most WORD2VEC_STREAM_BLOCK. Returns the
 * ids read (0: the part is over) or the reader's error.
 */
static int read_block(Word2VecStream *s, Word2VecStreamThread *th, DlfsError *err)
{
    TokenStream *in = s->ranged ? &th->in : &s->shared;
    IdCache *c = s->ranged ? &th->cache : &s->th[0].cache;
    const int32_t end = s->cfg.sentence_end;
    int status = 0;
    size_t n = 0;
    int64_t skipped = 0;
    if (!s->ranged) omp_set_lock(s->lock);
    if (c->replaying) {
        /* a later epoch: the first epoch's ids, cut into blocks by the same rule */
        while (n < WORD2VEC_STREAM_BLOCK && c->pos < c->len) {
            const int32_t id = c->ids[c->pos++];
            th->block[n++] = id;
            if (id == end) break;
        }
    } else {
        while (n < WORD2VEC_STREAM_BLOCK) {
            const char *word;
            size_t len;
            status = token_stream_next(in, &word, &len, err);
            if (status != 1) break;
            const int32_t id = slots_get(s, word, len);
            if (id < 0) {
                skipped++;
                continue;
            }
            th->block[n++] = id;
            if (id == end) break;
        }
        if (c->filling) cache_keep(c, th->block, n, skipped, status);
    }
    if (!s->ranged) omp_unset_lock(s->lock);
    if (status < 0) return status;
#pragma omp atomic
    s->epoch_tokens += (int64_t)n;
#pragma omp atomic
    s->run_tokens += (int64_t)n;
    if (skipped) {
#pragma omp atomic
        s->skipped += skipped;
    }
    th->block_len = n;
    th->block_pos = 0;
    return (int)n;
}

/*
 * Makes the rows of th's next sentence (see the top of word2vec_stream.h).
 * Returns 1 (rows made, perhaps none), 0 (the part is over) or an error.
 */
static int next_sentence(Word2VecStream *s, Word2VecStreamThread *th, DlfsError *err)
{
    if (th->block_pos == th->block_len) {
        const int n = read_block(s, th, err);
        if (n < 0) return n;
        if (n == 0) return 0;
    }
    const Word2VecDataConfig *cfg = &s->cfg;
    size_t L = 0;
    while (th->block_pos < th->block_len) {
        const int32_t id = th->block[th->block_pos++];
        if (word2vec_keeps_token(cfg, s->counts, s->keep, id, &th->rng)) th->sentence[L++] = id;
        if (id == cfg->sentence_end || L == WORD2VEC_STREAM_MAX_SENTENCE) break;
    }
    th->rows = word2vec_sentence_rows(th->sentence, L, cfg->window, cfg->dynamic_window, &th->rng,
                                      th->contexts, th->target);
    th->row_pos = 0;
    return 1;
}

int word2vec_stream_next_batch(void *ctx, int thread, int32_t *contexts, int32_t *target, int B,
                               DlfsError *err)
{
    Word2VecStream *s = ctx;
    DLFS_ASSERT(thread >= 0 && thread < s->threads && B >= 1);
    Word2VecStreamThread *th = &s->th[thread];
    const size_t C = 2 * (size_t)s->cfg.window;
    int filled = 0;
    while (filled < B) {
        if (th->row_pos == th->rows) {
            if (th->done) return 0;
            const int status = next_sentence(s, th, err);
            if (status < 0) return status;
            if (status == 0) {
                th->done = true;
                return 0;
            }
            continue;
        }
        size_t take = th->rows - th->row_pos;
        if (take > (size_t)(B - filled)) take = (size_t)(B - filled);
        memcpy(contexts + (size_t)filled * C, th->contexts + th->row_pos * C, take * C * sizeof *contexts);
        memcpy(target + filled, th->target + th->row_pos, take * sizeof *target);
        th->row_pos += take;
        filled += (int)take;
    }
    return 1;
}

static double epoch_fraction(void *ctx)
{
    Word2VecStream *s = ctx;
    int64_t n;
#pragma omp atomic read
    n = s->epoch_tokens;
    return (double)n / (double)s->total;
}

static int64_t tokens_read(void *ctx)
{
    Word2VecStream *s = ctx;
    int64_t n;
#pragma omp atomic read
    n = s->run_tokens;
    return n;
}

FastStream word2vec_stream_source(Word2VecStream *s)
{
    return (FastStream){
        .begin_epoch = word2vec_stream_begin_epoch,
        .next_batch = word2vec_stream_next_batch,
        .epoch_fraction = epoch_fraction,
        .tokens_read = tokens_read,
        .end_epoch = NULL,
        .ctx = s,
    };
}
