/*
 * test_word2vec_stream.c — word2vec.c's rows made as the corpus is read
 * (recipe/word2vec_stream.h), against the in-memory rows of
 * models/word2vec_data.h word2vec_make_epoch:
 *  - one thread: the rows of two epochs are make_epoch's, row for row and
 *    draw for draw (subsampling, rare words, shrunk windows, sentence ends,
 *    a one-word line, empty lines), from a file and from its .gz, in
 *    batches of 1 and of 7 (the tail of each epoch dropped);
 *  - three threads over byte ranges that fall at line ends, and over a .gz
 *    (one shared reader): together the rows of make_epoch, each once
 *    (compared as sorted lists), and every token of the epoch counted;
 *  - a line of 9000 words: sentences cut at 1000 kept tokens and at a
 *    block's end (8192 tokens), no window across a cut;
 *  - errors: a truncated .gz mid-epoch, standard input read twice, bad
 *    counts and settings;
 *  - on the real PTB (skipped without it): the preset's rows of one epoch
 *    are make_epoch's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/status.h"
#include "datasets/vocab_file.h"
#include "models/word2vec_data.h"
#include "recipe/data.h"
#include "recipe/preset.h"
#include "recipe/word2vec_stream.h"
#include "tests/testutil.h"

/* Rows of one source: (n, C) contexts and (n,) targets, growing. */
typedef struct Rows {
    int32_t *contexts, *target;
    size_t n, cap, C;
} Rows;

static void rows_add(Rows *r, const int32_t *contexts, const int32_t *target, size_t n)
{
    if (r->n + n > r->cap) {
        r->cap = 2 * (r->n + n);
        r->contexts = realloc(r->contexts, r->cap * r->C * sizeof *r->contexts);
        r->target = realloc(r->target, r->cap * sizeof *r->target);
        assert_non_null(r->contexts);
        assert_non_null(r->target);
    }
    memcpy(r->contexts + r->n * r->C, contexts, n * r->C * sizeof *contexts);
    memcpy(r->target + r->n, target, n * sizeof *target);
    r->n += n;
}

static void rows_free(Rows *r)
{
    free(r->contexts);
    free(r->target);
    memset(r, 0, sizeof *r);
}

/* A text of `lines` lines of 0 to 11 words from 40 (word i about 1/(i+1) of the time), seeded. */
static void write_text(const char *path, int lines, uint32_t seed)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    uint32_t s = seed;
    for (int l = 0; l < lines; l++) {
        const int n = l == 3 ? 1 : (int)(test_xorshift32(&s) % 12);   /* line 4: one word */
        for (int k = 0; k < n; k++) {
            int w = 0;
            while (w < 39 && test_xorshift32(&s) % 3 != 0) w++;
            fprintf(f, "%sw%d", k ? " " : "", w);
        }
        fputc('\n', f);
    }
    assert_int_equal(fclose(f), 0);
}

static void gzip_file(const char *from, const char *to, size_t cut)
{
    size_t len;
    unsigned char *bytes = test_read_bytes(from, &len);
    gzFile g = gzopen(to, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, bytes, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
    free(bytes);
    if (cut) {   /* keep only the first `cut` bytes of the .gz */
        unsigned char *gz = test_read_bytes(to, &len);
        assert_true(cut < len);
        test_write_file(to, gz, cut);
        free(gz);
    }
}

/* make_epoch's rows of `epochs` epochs of d's corpus, one Rng(seed + 1) across them. */
static void memory_rows(const RecipeData *d, const int64_t *counts, const Word2VecDataConfig *cfg, int epochs,
                        uint64_t seed, Rows *out)
{
    const size_t n = d->corpus.size, C = 2 * (size_t)cfg->window;
    int32_t *contexts = malloc(n * C * sizeof *contexts), *target = malloc(n * sizeof *target);
    Rng rng;
    rng_seed(&rng, seed + 1);
    DlfsError err = {0};
    out->C = C;
    for (int e = 0; e < epochs; e++) {
        size_t rows = 0;
        assert_int_equal(word2vec_make_epoch(d->corpus.data, n, counts, (int)d->vocab.size, cfg, &rng, contexts,
                                             target, &rows, &err),
                         DLFS_OK);
        rows_add(out, contexts, target, rows);
    }
    free(contexts);
    free(target);
}

/* The stream's rows of thread t for one epoch (begun by the caller), B at a time, in order. */
static void thread_rows(Word2VecStream *s, int t, int B, Rows *out)
{
    const size_t C = 2 * (size_t)s->cfg.window;
    out->C = C;
    int32_t *contexts = malloc((size_t)B * C * sizeof *contexts), *target = malloc((size_t)B * sizeof *target);
    DlfsError err = {0};
    int got;
    while ((got = word2vec_stream_next_batch(s, t, contexts, target, B, &err)) == 1)
        rows_add(out, contexts, target, (size_t)B);
    assert_int_equal(got, 0);
    /* the part stays over */
    assert_int_equal(word2vec_stream_next_batch(s, t, contexts, target, B, &err), 0);
    free(contexts);
    free(target);
}

static void assert_rows_equal(const Rows *a, const Rows *b, size_t n)
{
    assert_true(a->n >= n && b->n >= n);
    assert_int_equal(a->C, b->C);
    for (size_t r = 0; r < n; r++) {
        if (a->target[r] != b->target[r] ||
            memcmp(a->contexts + r * a->C, b->contexts + r * b->C, a->C * sizeof *a->contexts) != 0)
            fail_msg("row %zu differs: target %d vs %d", r, (int)a->target[r], (int)b->target[r]);
    }
}

static bool train_eos;   /* test_config's train_sentence_end (--train-eos) */

static Word2VecDataConfig test_config(const RecipeData *d)
{
    return (Word2VecDataConfig){.window = 2, .dynamic_window = true, .sample = 2e-2, .min_count = 3,
                                .sentence_end = vocab_get(&d->vocab, "<eos>"), .train_sentence_end = train_eos};
}

/* d loaded from path in memory, and counts of its ids (V,), malloc'ed. */
static int64_t *load(RecipeData *d, const char *path)
{
    DlfsError err = {0};
    assert_int_equal(recipe_data_load(d, path, NULL, 0, &err), DLFS_OK);
    int64_t *counts = calloc(d->vocab.size, sizeof *counts);
    assert_int_equal(word2vec_count_words(d->corpus.data, d->corpus.size, (int)d->vocab.size, counts, &err),
                     DLFS_OK);
    return counts;
}

/* One thread: two epochs of rows, B = 1 and B = 7, from path: make_epoch's. */
static void check_one_thread(const char *path, const RecipeData *d, const int64_t *counts, const Rows *want)
{
    const Word2VecDataConfig cfg = test_config(d);
    for (int B = 1; B <= 7; B += 6) {
        Word2VecStream s;
        DlfsError err = {0};
        assert_int_equal(word2vec_stream_init(&s, path, 0, &d->vocab, counts, &cfg, 1, 42, &err), DLFS_OK);
        assert_false(s.ranged);
        size_t want_offset = 0;
        size_t per_epoch[2] = {0};
        /* make_epoch's epochs: find each epoch's row count from a second run */
        {
            Rows one = {0};
            memory_rows(d, counts, &cfg, 1, 42, &one);
            per_epoch[0] = one.n;
            per_epoch[1] = want->n - one.n;
            rows_free(&one);
        }
        for (int e = 0; e < 2; e++) {
            assert_int_equal(word2vec_stream_begin_epoch(&s, e, &err), DLFS_OK);
            Rows epoch = {0};
            thread_rows(&s, 0, B, &epoch);
            /* every row of the epoch but the last per_epoch % B */
            assert_int_equal(epoch.n, per_epoch[e] / (size_t)B * (size_t)B);
            Rows want_epoch = {.contexts = want->contexts + want_offset * want->C,
                               .target = want->target + want_offset, .n = per_epoch[e], .C = want->C};
            assert_rows_equal(&epoch, &want_epoch, epoch.n);
            assert_int_equal(s.epoch_tokens, (int64_t)d->corpus.size);
            want_offset += per_epoch[e];
            rows_free(&epoch);
        }
        assert_int_equal(s.run_tokens, 2 * (int64_t)d->corpus.size);
        assert_int_equal(s.skipped, 0);
        word2vec_stream_free(&s);
    }
}

static void test_one_thread_is_make_epoch(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX], gz[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "text.txt"));
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "text.txt.gz"));
    write_text(txt, 400, 7);
    gzip_file(txt, gz, 0);
    RecipeData d;
    int64_t *counts = load(&d, txt);
    const Word2VecDataConfig cfg = test_config(&d);
    Rows want = {0};
    memory_rows(&d, counts, &cfg, 2, 42, &want);
    /* the text exercises what it should: rare words, drops, and rows */
    int rare = 0;
    for (int32_t v = 0; v < d.vocab.size; v++) rare += counts[v] < cfg.min_count;
    assert_true(rare > 0);
    assert_true(want.n > 200 && want.n < 2 * d.corpus.size);
    check_one_thread(txt, &d, counts, &want);
    check_one_thread(gz, &d, counts, &want);
    rows_free(&want);
    free(counts);
    recipe_data_free(&d);
}

/* The same with the line end trained as each sentence's last word (--train-eos): make_epoch's rows,
 * which then have <eos> targets. */
static void test_one_thread_is_make_epoch_train_eos(void **state)
{
    train_eos = true;
    test_one_thread_is_make_epoch(state);
    const TestTmpdir *t = *state;
    RecipeData d;
    int64_t *counts = load(&d, test_tmpdir_path(t, "text.txt"));
    const Word2VecDataConfig cfg = test_config(&d);
    Rows want = {0};
    memory_rows(&d, counts, &cfg, 1, 42, &want);
    size_t eos_rows = 0;
    for (size_t r = 0; r < want.n; r++) eos_rows += want.target[r] == cfg.sentence_end;
    assert_true(eos_rows > 0);
    train_eos = false;
    rows_free(&want);
    free(counts);
    recipe_data_free(&d);
}

static int compare_rows(const void *a, const void *b, size_t C)
{
    return memcmp(a, b, (C + 1) * sizeof(int32_t));
}

static size_t sort_C;
static int compare_packed(const void *a, const void *b) { return compare_rows(a, b, sort_C); }

/* r's rows packed (target, contexts...) and sorted, malloc'ed. */
static int32_t *sorted_rows(const Rows *r)
{
    const size_t C = r->C;
    int32_t *p = malloc(r->n * (C + 1) * sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < r->n; i++) {
        p[i * (C + 1)] = r->target[i];
        memcpy(p + i * (C + 1) + 1, r->contexts + i * C, C * sizeof *p);
    }
    sort_C = C;
    qsort(p, r->n, (C + 1) * sizeof *p, compare_packed);
    return p;
}

/* Three threads: together make_epoch's rows (no draws), each once; every token counted. */
static void check_three_threads(const char *path, bool want_ranged, const RecipeData *d, const int64_t *counts)
{
    const Word2VecDataConfig cfg = {.window = 2, .sentence_end = vocab_get(&d->vocab, "<eos>")};
    Rows want = {0};
    memory_rows(d, counts, &cfg, 1, 1, &want);
    int32_t *w = sorted_rows(&want);
    Word2VecStream s;
    DlfsError err = {0};
    assert_int_equal(word2vec_stream_init(&s, path, 0, &d->vocab, counts, &cfg, 3, 1, &err), DLFS_OK);
    assert_int_equal(s.ranged, want_ranged);
    for (int e = 0; e < 2; e++) {
        assert_int_equal(word2vec_stream_begin_epoch(&s, e, &err), DLFS_OK);
        Rows all = {0};
        int parts_with_rows = 0;
        for (int t = 0; t < 3; t++) {   /* thread by thread: the shared reader gives all to the first */
            const size_t before = all.n;
            thread_rows(&s, t, 1, &all);
            parts_with_rows += all.n > before;
        }
        if (want_ranged) assert_int_equal(parts_with_rows, 3);
        assert_int_equal(all.n, want.n);
        int32_t *g = sorted_rows(&all);
        assert_memory_equal(g, w, want.n * (want.C + 1) * sizeof *g);
        free(g);
        assert_int_equal(s.epoch_tokens, (int64_t)d->corpus.size);
        rows_free(&all);
    }
    word2vec_stream_free(&s);
    free(w);
    rows_free(&want);
}

/* 300 lines of 12 bytes ("aa bb cc dd\n" shapes, letters a..f from seed), so that byte
 * ranges of equal length cut the file at line ends. */
static void write_equal_lines(const char *path, uint32_t seed)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    uint32_t s = seed;
    for (int l = 0; l < 300; l++) {
        for (int k = 0; k < 4; k++)
            fprintf(f, "%c%c%c", 'a' + (char)(test_xorshift32(&s) % 6), 'a' + (char)(test_xorshift32(&s) % 6),
                    k < 3 ? ' ' : '\n');
    }
    assert_int_equal(fclose(f), 0);
}

static void test_three_threads_cover_the_epoch(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX], gz[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "lines.txt"));
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "lines.txt.gz"));
    write_equal_lines(txt, 3);   /* the thirds fall at line ends */
    gzip_file(txt, gz, 0);
    RecipeData d;
    int64_t *counts = load(&d, txt);
    check_three_threads(txt, true, &d, counts);
    check_three_threads(gz, false, &d, counts);
    free(counts);
    recipe_data_free(&d);
}

/* A stream's rows over `epochs` epochs, thread by thread in each, into rows[e]; with
 * rewrite, the file at path is rewritten (seed 99) after the first epoch. cache_max_bytes
 * is set before the first epoch. */
static void stream_epochs(const char *path, const RecipeData *d, const int64_t *counts, int threads,
                          uint64_t cache_max_bytes, int epochs, bool rewrite, Rows *rows, int64_t *epoch_tokens)
{
    const Word2VecDataConfig cfg = test_config(d);
    Word2VecStream s;
    DlfsError err = {0};
    assert_int_equal(word2vec_stream_init(&s, path, 0, &d->vocab, counts, &cfg, threads, 5, &err), DLFS_OK);
    s.cache_max_bytes = cache_max_bytes;
    for (int e = 0; e < epochs; e++) {
        assert_int_equal(word2vec_stream_begin_epoch(&s, e, &err), DLFS_OK);
        for (int t = 0; t < threads; t++) thread_rows(&s, t, 3, &rows[e]);
        epoch_tokens[e] = s.epoch_tokens;
        if (e == 0 && rewrite) write_text(path, 400, 99);
    }
    word2vec_stream_free(&s);
}

/*
 * The later epochs of a small corpus come from the ids its first epoch
 * kept (WORD2VEC_STREAM_CACHE_BYTES): the same rows as reading the file
 * again (cache_max_bytes 0), even when the file changed after the first
 * epoch, which shows they were not read; a file larger than
 * cache_max_bytes, or a first epoch stopped early, reads every epoch. One
 * thread (the shared reader) and three (byte ranges).
 */
static void test_later_epochs_replay_the_first(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "replay.txt"));
    write_text(txt, 400, 11);
    RecipeData d;
    int64_t *counts = load(&d, txt);
    for (int threads = 1; threads <= 3; threads += 2) {
        Rows read[3] = {0}, kept[3] = {0}, small[2] = {0};
        int64_t read_tokens[3], kept_tokens[3], small_tokens[2];
        stream_epochs(txt, &d, counts, threads, 0, 3, false, read, read_tokens);
        stream_epochs(txt, &d, counts, threads, WORD2VEC_STREAM_CACHE_BYTES, 3, true, kept, kept_tokens);
        for (int e = 0; e < 3; e++) {
            assert_true(read[e].n > 100);
            assert_int_equal(kept[e].n, read[e].n);
            assert_rows_equal(&kept[e], &read[e], read[e].n);
            assert_int_equal(kept_tokens[e], (int64_t)d.corpus.size);
            assert_int_equal(read_tokens[e], (int64_t)d.corpus.size);
        }
        write_text(txt, 400, 11);
        /* a limit below the file's size: the second epoch reads the rewritten file */
        stream_epochs(txt, &d, counts, threads, 100, 2, true, small, small_tokens);
        assert_rows_equal(&small[0], &read[0], read[0].n);
        assert_true(small[1].n != read[1].n ||
                    memcmp(small[1].target, read[1].target, read[1].n * sizeof *read[1].target) != 0);
        write_text(txt, 400, 11);
        for (int e = 0; e < 3; e++) {
            rows_free(&read[e]);
            rows_free(&kept[e]);
        }
        rows_free(&small[0]);
        rows_free(&small[1]);
    }
    /* a first epoch stopped after one batch: the second reads the whole file */
    const Word2VecDataConfig cfg = test_config(&d);
    Word2VecStream s;
    DlfsError err = {0};
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, counts, &cfg, 1, 5, &err), DLFS_OK);
    int32_t contexts[3 * 4], target[3];
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_OK);
    assert_int_equal(word2vec_stream_next_batch(&s, 0, contexts, target, 3, &err), 1);
    assert_true(s.epoch_tokens < (int64_t)d.corpus.size);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 1, &err), DLFS_OK);
    Rows rest = {0};
    thread_rows(&s, 0, 3, &rest);
    assert_int_equal(s.epoch_tokens, (int64_t)d.corpus.size);
    rows_free(&rest);
    word2vec_stream_free(&s);
    free(counts);
    recipe_data_free(&d);
}

/* The processes of an MPI job (word2vec_stream_init_part): parts streams of
 * `threads` threads each; their rows together are the corpus's, every row
 * once, each of the parts * threads byte ranges giving some. */
static void check_parts(const char *path, int parts, int threads, const RecipeData *d, const int64_t *counts)
{
    const Word2VecDataConfig cfg = {.window = 2, .sentence_end = vocab_get(&d->vocab, "<eos>")};
    Rows want = {0};
    memory_rows(d, counts, &cfg, 1, 1, &want);
    int32_t *w = sorted_rows(&want);
    DlfsError err = {0};
    for (int e = 0; e < 2; e++) {
        Rows all = {0};
        int ranges_with_rows = 0;
        int64_t tokens = 0;
        for (int p = 0; p < parts; p++) {
            Word2VecStream s;
            assert_int_equal(word2vec_stream_init_part(&s, path, 0, &d->vocab, counts, &cfg, threads, p, parts, 1,
                                                       &err),
                             DLFS_OK);
            assert_true(s.ranged);
            assert_int_equal(s.part, p);
            assert_int_equal(s.parts, parts);
            assert_int_equal(word2vec_stream_begin_epoch(&s, e, &err), DLFS_OK);
            for (int t = 0; t < threads; t++) {
                const size_t before = all.n;
                thread_rows(&s, t, 1, &all);
                ranges_with_rows += all.n > before;
            }
            tokens += s.epoch_tokens;
            word2vec_stream_free(&s);
        }
        assert_int_equal(ranges_with_rows, parts * threads);
        assert_int_equal(tokens, (int64_t)d->corpus.size);
        assert_int_equal(all.n, want.n);
        int32_t *g = sorted_rows(&all);
        assert_memory_equal(g, w, want.n * (want.C + 1) * sizeof *g);
        free(g);
        rows_free(&all);
    }
    free(w);
    rows_free(&want);
}

static void test_parts_cover_the_epoch(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX], gz[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "parts.txt"));
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "parts.txt.gz"));
    write_equal_lines(txt, 5);   /* quarters (75 lines) and thirds (100 lines) fall at line ends */
    gzip_file(txt, gz, 0);
    RecipeData d;
    int64_t *counts = load(&d, txt);
    check_parts(txt, 2, 2, &d, counts);
    check_parts(txt, 3, 1, &d, counts);
    /* a .gz, or standard input, cannot be split between processes; a part out of range */
    const Word2VecDataConfig cfg = {.window = 2, .sentence_end = vocab_get(&d.vocab, "<eos>")};
    Word2VecStream w;
    DlfsError err = {0};
    assert_int_equal(word2vec_stream_init_part(&w, gz, 0, &d.vocab, counts, &cfg, 1, 1, 2, 1, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "decompress"));
    word2vec_stream_free(&w);
    assert_int_equal(word2vec_stream_init_part(&w, "-", 0, &d.vocab, counts, &cfg, 1, 0, 2, 1, &err), DLFS_ERR_ARG);
    word2vec_stream_free(&w);
    assert_int_equal(word2vec_stream_init_part(&w, txt, 0, &d.vocab, counts, &cfg, 1, 2, 2, 1, &err), DLFS_ERR_ARG);
    word2vec_stream_free(&w);
    /* one part of a .gz is the plain init */
    assert_int_equal(word2vec_stream_init_part(&w, gz, 0, &d.vocab, counts, &cfg, 1, 0, 1, 1, &err), DLFS_OK);
    word2vec_stream_free(&w);
    free(counts);
    recipe_data_free(&d);
}

static void test_long_line_is_cut(void **state)
{
    const TestTmpdir *t = *state;
    const char *path = test_tmpdir_path(t, "long.txt");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int k = 0; k < 9000; k++) fprintf(f, "%sx%d", k ? " " : "", k % 50);
    fputc('\n', f);
    assert_int_equal(fclose(f), 0);
    RecipeData d;
    int64_t *counts = load(&d, path);
    const Word2VecDataConfig cfg = {.window = 3, .sentence_end = vocab_get(&d.vocab, "<eos>")};
    Word2VecStream s;
    DlfsError err = {0};
    assert_int_equal(word2vec_stream_init(&s, path, 0, &d.vocab, counts, &cfg, 1, 1, &err), DLFS_OK);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_OK);
    Rows r = {0};
    thread_rows(&s, 0, 1, &r);
    assert_int_equal(r.n, 9000);   /* every token a row: no sentence of one token */
    /* a row's left reach (columns 0..2: offsets -3..-1) and right reach (3..5: +1..+3) */
    for (size_t i = 0; i < r.n; i++) {
        const int32_t *row = r.contexts + i * 6;
        /* the sentence starts: every 1000 kept tokens within a block, and at the block's start 8192 */
        const size_t start = i < 8192 ? i / 1000 * 1000 : 8192;
        const size_t end = i < 8000 ? start + 1000 : (i < 8192 ? 8192 : 9000);
        for (int o = 1; o <= 3; o++) {
            const bool left = i >= start + (size_t)o, right = i + (size_t)o < end;
            if ((row[3 - o] >= 0) != left) fail_msg("row %zu: offset -%d %s", i, o, left ? "missing" : "crosses a cut");
            if ((row[2 + o] >= 0) != right) fail_msg("row %zu: offset +%d %s", i, o, right ? "missing" : "crosses a cut");
            if (left) assert_int_equal(row[3 - o], (int32_t)((i - (size_t)o) % 50));
        }
        assert_int_equal(r.target[i], (int32_t)(i % 50));
    }
    rows_free(&r);
    word2vec_stream_free(&s);
    free(counts);
    recipe_data_free(&d);
}

static void test_errors(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX], gz[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "e.txt"));
    snprintf(gz, sizeof gz, "%s", test_tmpdir_path(t, "e.txt.gz"));
    write_text(txt, 150000, 11);   /* about 3 MB: more than one read chunk before the cut */
    RecipeData d;
    int64_t *counts = load(&d, txt);
    const Word2VecDataConfig cfg = test_config(&d);
    Word2VecStream s;
    DlfsError err = {0};
    int32_t contexts[4 * 8], target[8];

    /* a .gz cut short: the rows before the cut, then the reader's error */
    size_t len;
    gzip_file(txt, gz, 0);
    free(test_read_bytes(gz, &len));
    gzip_file(txt, gz, len / 2);
    assert_int_equal(word2vec_stream_init(&s, gz, 0, &d.vocab, counts, &cfg, 1, 1, &err), DLFS_OK);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_OK);
    int got, batches = 0;
    while ((got = word2vec_stream_next_batch(&s, 0, contexts, target, 8, &err)) == 1) batches++;
    assert_int_equal(got, DLFS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "truncated gzip"));
    assert_true(batches > 10);
    word2vec_stream_free(&s);

    /* standard input: one epoch, not two (it is /dev/null here, so nothing waits on a terminal) */
    assert_non_null(freopen("/dev/null", "r", stdin));
    assert_int_equal(word2vec_stream_init(&s, "-", 0, &d.vocab, counts, &cfg, 2, 1, &err), DLFS_OK);
    assert_false(s.ranged);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_OK);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 1, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "standard input can be read once"));
    word2vec_stream_free(&s);

    /* a missing file: at the epoch's start */
    assert_int_equal(word2vec_stream_init(&s, test_tmpdir_path(t, "none.txt"), 0, &d.vocab, counts, &cfg, 1, 1,
                                          &err),
                     DLFS_OK);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_ERR_IO);
    word2vec_stream_free(&s);

    /* bad counts and settings */
    const int V = (int)d.vocab.size;
    int64_t *bad = calloc((size_t)V, sizeof *bad);
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, bad, &cfg, 1, 1, &err), DLFS_ERR_ARG);
    word2vec_stream_free(&s);
    bad[1] = -1;
    bad[0] = 5;
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, bad, &cfg, 1, 1, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "counts must be >= 0"));
    word2vec_stream_free(&s);
    free(bad);
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, counts, &cfg, 0, 1, &err), DLFS_ERR_ARG);
    word2vec_stream_free(&s);
    Word2VecDataConfig c = cfg;
    c.window = 0;
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, counts, &c, 1, 1, &err), DLFS_ERR_ARG);
    word2vec_stream_free(&s);
    c = cfg;
    c.sentence_end = V;
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, counts, &c, 1, 1, &err), DLFS_ERR_ARG);
    word2vec_stream_free(&s);
    free(counts);
    recipe_data_free(&d);
}

/* A vocabulary of word2vec.c ("</s>" first) reads with "</s>" as the sentence end "<eos>". */
static void test_word2vec_c_vocabulary(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX], voc[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "c.txt"));
    snprintf(voc, sizeof voc, "%s", test_tmpdir_path(t, "c.vocab"));
    const char text[] = "a b\nb c\n";
    test_write_file(txt, text, sizeof text - 1);
    const char vocab[] = "</s> 2\nb 2\na 1\nc 1\n";
    test_write_file(voc, vocab, sizeof vocab - 1);
    RecipeData d;
    DlfsError err = {0};
    assert_int_equal(recipe_data_count(&d, txt, NULL, 0, voc, &err), DLFS_OK);
    assert_int_equal(vocab_get(&d.vocab, "<eos>"), 0);
    assert_int_equal(vocab_get(&d.vocab, "</s>"), -1);
    assert_int_equal(d.tokens, 6);
    recipe_data_free(&d);
    /* without --vocab, the corpus is counted: first-appearance ids, as the loader gives them */
    assert_int_equal(recipe_data_count(&d, txt, NULL, 0, NULL, &err), DLFS_OK);
    assert_int_equal(vocab_get(&d.vocab, "a"), 0);
    assert_int_equal(vocab_get(&d.vocab, "<eos>"), 2);
    assert_int_equal(d.counts[1], 2);
    assert_int_equal(d.tokens, 6);
    assert_int_equal(d.corpus.size, 0);
    recipe_data_free(&d);
    /* standard input needs a vocabulary */
    assert_int_equal(recipe_data_count(&d, "-", NULL, 0, NULL, &err), DLFS_ERR_ARG);
    recipe_data_free(&d);
}

/* The stream's word -> id table around 8 bytes (a slot holds a word's first 8): every word of
 * the vocabulary found, the words that are not (sharing a head, one byte longer or shorter) skipped. */
static void test_lookup_near_eight_bytes(void **state)
{
    const TestTmpdir *t = *state;
    char txt[PATH_MAX], voc[PATH_MAX];
    snprintf(txt, sizeof txt, "%s", test_tmpdir_path(t, "w.txt"));
    snprintf(voc, sizeof voc, "%s", test_tmpdir_path(t, "w.vocab"));
    const char vocab[] = "<eos> 4\nabcdefg 1\nabcdefgh 1\nabcdefghi 1\nabcdefghijklmnop 1\nx 1\n";
    test_write_file(voc, vocab, sizeof vocab - 1);
    /* known: 7, 8, 9, 16 bytes and x; unknown: heads shared, one byte off either way */
    const char text[] = "abcdefg abcdefgh abcdefghi abcdefghijklmnop x\n"
                        "abcdef abcdefgx abcdefghx abcdefghij abcdefghijklmno abcdefghijklmnopq\n"
                        "abcdefgh\0"; /* the NUL is not written: sizeof - 2 below */
    test_write_file(txt, text, sizeof text - 2);
    RecipeData d;
    DlfsError err = {0};
    assert_int_equal(recipe_data_count(&d, txt, NULL, 0, voc, &err), DLFS_OK);
    const Word2VecDataConfig cfg = {.window = 1, .sentence_end = vocab_get(&d.vocab, "<eos>")};
    Word2VecStream s;
    assert_int_equal(word2vec_stream_init(&s, txt, 0, &d.vocab, d.counts, &cfg, 1, 1, &err), DLFS_OK);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_OK);
    Rows r = {0};
    thread_rows(&s, 0, 1, &r);
    /* line 1: 5 known words, 5 rows; line 2: none known; line 3: one word alone, no row */
    assert_int_equal(r.n, 5);
    for (int k = 0; k < 5; k++) assert_int_equal(r.target[k], k + 1);   /* ids in the file's order */
    assert_int_equal(s.skipped, 6);
    assert_int_equal(s.epoch_tokens, 5 + 1 + 1 + 1);   /* line 1 and its <eos>, line 2's <eos>, line 3's word */
    rows_free(&r);
    word2vec_stream_free(&s);
    recipe_data_free(&d);
}

static void test_ptb_preset_rows(void **state)
{
    (void)state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ptb.train.txt", test_ptb_dir());
    RecipeData d, c;
    DlfsError err = {0};
    int64_t *counts = load(&d, path);
    /* the streamed run's vocabulary and counts are the loader's */
    assert_int_equal(recipe_data_count(&c, "ptb", test_ptb_dir(), 0, NULL, &err), DLFS_OK);
    assert_int_equal(c.vocab.size, d.vocab.size);
    for (int32_t v = 0; v < d.vocab.size; v++) {
        assert_string_equal(vocab_word(&c.vocab, v), vocab_word(&d.vocab, v));
        assert_int_equal(c.counts[v], counts[v]);
    }
    assert_int_equal(c.tokens, (int64_t)d.corpus.size);
    const Word2VecDataConfig cfg = recipe_preset_data_config(&recipe_preset_word2vec, 5, &d.vocab);
    Rows want = {0}, got = {0};
    memory_rows(&d, counts, &cfg, 1, 1, &want);
    Word2VecStream s;
    assert_int_equal(word2vec_stream_init(&s, path, 0, &c.vocab, c.counts, &cfg, 1, 1, &err), DLFS_OK);
    assert_int_equal(word2vec_stream_begin_epoch(&s, 0, &err), DLFS_OK);
    thread_rows(&s, 0, 100, &got);
    assert_int_equal(got.n, want.n / 100 * 100);
    assert_rows_equal(&got, &want, got.n);
    word2vec_stream_free(&s);
    rows_free(&want);
    rows_free(&got);
    free(counts);
    recipe_data_free(&c);
    recipe_data_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_one_thread_is_make_epoch, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_one_thread_is_make_epoch_train_eos, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_three_threads_cover_the_epoch, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_parts_cover_the_epoch, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_later_epochs_replay_the_first, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_long_line_is_cut, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_errors, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_word2vec_c_vocabulary, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_lookup_near_eight_bytes, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test(test_ptb_preset_rows),
    };
    return run_tests_needing_ptb("word2vec_stream", tests, sizeof tests / sizeof tests[0], 1, NULL, NULL);
}
