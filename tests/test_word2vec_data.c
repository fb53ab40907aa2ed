/*
 * test_word2vec_data.c — word2vec.c's per-epoch training rows
 * (models/word2vec_data.h): the keep probability by hand, word counts,
 * create_contexts_target's rows when every option is off, sentence
 * boundaries, min-count, the kept fraction of frequent words, the
 * distribution of the dynamic window, the documented order of the draws,
 * determinism and argument errors; on the real PTB (when present) the
 * <eos> handling, the kept fraction of "the" and the time of one epoch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/util.h"
#include "common/vocab.h"
#include "datasets/ptb.h"
#include "models/word2vec_data.h"
#include "tests/testutil.h"

/* Every option off: no subsampling, fixed window, no min-count, no sentences. */
static Word2VecDataConfig plain_config(int window)
{
    return (Word2VecDataConfig){.window = window, .dynamic_window = false, .sample = 0.0,
                                .min_count = 0, .sentence_end = -1};
}

/* The Rng state as bytes, to check that a call drew nothing. */
static int same_rng(const Rng *a, const Rng *b)
{
    return memcmp(a->s, b->s, sizeof a->s) == 0;
}

/* Room for word2vec_make_epoch's output on n tokens with window w. */
typedef struct Rows {
    int32_t *contexts;   /* (n, 2w) */
    int32_t *target;     /* (n,) */
    size_t n;
} Rows;

static Rows rows_alloc(size_t n, int w)
{
    Rows r = {malloc((n ? n : 1) * 2 * (size_t)w * sizeof(int32_t)),
              malloc((n ? n : 1) * sizeof(int32_t)), 0};
    assert_non_null(r.contexts);
    assert_non_null(r.target);
    return r;
}

static void rows_free(Rows *r)
{
    free(r->contexts);
    free(r->target);
}

/* Counts, then one epoch into r; fails the test on an error. */
static void make_epoch(const int32_t *corpus, size_t n, int V, const Word2VecDataConfig *cfg,
                       Rng *rng, Rows *r)
{
    int64_t *counts = malloc((size_t)V * sizeof *counts);
    assert_non_null(counts);
    DlfsError err = {0};
    if (word2vec_count_words(corpus, n, V, counts, &err) != DLFS_OK) fail_msg("%s", err.msg);
    if (word2vec_make_epoch(corpus, n, counts, V, cfg, rng, r->contexts, r->target, &r->n, &err) !=
        DLFS_OK)
        fail_msg("%s", err.msg);
    free(counts);
}

/* n ids from test_xorshift32: id 0 with probability 0.4, id 1 with 0.1, else uniform in [2, V). */
static int32_t *zipfish_corpus(size_t n, int V, uint32_t seed)
{
    int32_t *c = malloc(n * sizeof *c);
    assert_non_null(c);
    uint32_t s = seed;
    for (size_t k = 0; k < n; k++) {
        const uint32_t r = test_xorshift32(&s) % 1000;
        c[k] = r < 400 ? 0 : r < 500 ? 1 : (int32_t)(2 + test_xorshift32(&s) % (uint32_t)(V - 2));
    }
    return c;
}

/*
 * With f = count / total: keep = sqrt(t / f) + t / f, at most 1.
 *   count 100 of 1e6, t 1e-3: t / f = 10, sqrt 10 + 10 = 13.16 -> 1
 *   count 2000:  t / f = 0.5,  sqrt 0.5 + 0.5 = 1.207 -> 1
 *   count 3000:  t / f = 1/3,  sqrt(1/3) + 1/3 = 0.910684 (the cut is f = 2.618 t)
 *   count 4000:  t / f = 1/4,  1/2 + 1/4 = 0.75 exactly (the paper's sqrt(t / f) gives 0.5)
 *   count 50000: t / f = 1/50, sqrt(0.02) + 0.02 = 0.161421356
 */
static void test_keep_probability(void **state)
{
    (void)state;
    assert_true(word2vec_keep_probability(100, 1000000, 1e-3) == 1.0);
    assert_true(word2vec_keep_probability(2000, 1000000, 1e-3) == 1.0);
    assert_close(word2vec_keep_probability(3000, 1000000, 1e-3), 0.9106836025229591, 1e-14, 0);
    assert_close(word2vec_keep_probability(4000, 1000000, 1e-3), 0.75, 1e-15, 0);
    assert_close(word2vec_keep_probability(50000, 1000000, 1e-3), 0.16142135623730952, 1e-15, 0);
    /* a word that is every token: sqrt(1e-3) + 1e-3 */
    assert_close(word2vec_keep_probability(1000, 1000, 1e-3), 0.032622776601683794, 1e-15, 0);
    /* no subsampling, or nothing to subsample */
    assert_true(word2vec_keep_probability(50000, 1000000, 0.0) == 1.0);
    assert_true(word2vec_keep_probability(50000, 1000000, -1e-3) == 1.0);
    assert_true(word2vec_keep_probability(50000, 1000000, NAN) == 1.0);
    assert_true(word2vec_keep_probability(0, 1000000, 1e-3) == 1.0);
    assert_true(word2vec_keep_probability(5, 0, 1e-3) == 1.0);
}

static void test_count_words(void **state)
{
    (void)state;
    const int32_t corpus[8] = {0, 1, 2, 3, 4, 1, 5, 6};
    int64_t counts[8];
    for (int v = 0; v < 8; v++) counts[v] = 77;   /* overwritten */
    DlfsError err = {0};
    assert_int_equal(word2vec_count_words(corpus, 8, 8, counts, &err), DLFS_OK);
    const int64_t expect[8] = {1, 2, 1, 1, 1, 1, 1, 0};
    assert_memory_equal(counts, expect, sizeof expect);
    assert_int_equal(word2vec_count_words(NULL, 0, 8, counts, &err), DLFS_OK);
    for (int v = 0; v < 8; v++) assert_int_equal(counts[v], 0);

    assert_int_equal(word2vec_count_words(corpus, 8, 6, counts, &err), DLFS_ERR_ARG);   /* id 6 */
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_contains(err.msg, "corpus[7] = 6");
    const int32_t negative[3] = {0, -1, 2};
    assert_int_equal(word2vec_count_words(negative, 3, 8, counts, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "corpus[1] = -1");
    assert_int_equal(word2vec_count_words(corpus, 8, 0, counts, NULL), DLFS_ERR_ARG);
}

/*
 * Every option off on 10 tokens with w = 2: one row per token. Rows 2..7
 * are create_contexts_target's 6 rows byte for byte; the first and last
 * two tokens, which it leaves out, are targets here with -1 columns:
 *   t=0 (0): -1 -1 | 1 2      t=8 (2): 5 6 | 7 -1
 *   t=1 (1): -1  0 | 2 3      t=9 (7): 6 2 | -1 -1
 * No draw is made (rng untouched; NULL is accepted too).
 */
static void test_equals_create_contexts_target(void **state)
{
    (void)state;
    const int32_t corpus[10] = {0, 1, 2, 3, 4, 1, 5, 6, 2, 7};
    const int w = 2, V = 8;
    Int32Array cct_contexts, cct_target;
    DlfsError err = {0};
    assert_int_equal(create_contexts_target(corpus, 10, w, &cct_contexts, &cct_target, &err), DLFS_OK);
    assert_int_equal(cct_target.size, 10 - 2 * w);

    const Word2VecDataConfig cfg = plain_config(w);
    Rng rng, before;
    rng_seed(&rng, 3);
    before = rng;
    Rows r = rows_alloc(10, w);
    make_epoch(corpus, 10, V, &cfg, &rng, &r);
    assert_true(same_rng(&rng, &before));
    assert_int_equal(r.n, 10);
    assert_memory_equal(r.target, corpus, sizeof corpus);
    /* the middle rows are create_contexts_target's */
    assert_memory_equal(r.contexts + 2 * (2 * w), cct_contexts.data, 6 * 2 * w * sizeof(int32_t));
    assert_memory_equal(r.target + 2, cct_target.data, 6 * sizeof(int32_t));
    /* the edge rows it leaves out */
    const int32_t head[2][4] = {{-1, -1, 1, 2}, {-1, 0, 2, 3}};
    const int32_t tail[2][4] = {{5, 6, 7, -1}, {6, 2, -1, -1}};
    assert_memory_equal(r.contexts, head, sizeof head);
    assert_memory_equal(r.contexts + 8 * (2 * w), tail, sizeof tail);

    /* the same without an Rng */
    Rows r2 = rows_alloc(10, w);
    make_epoch(corpus, 10, V, &cfg, NULL, &r2);
    assert_int_equal(r2.n, 10);
    assert_memory_equal(r2.contexts, r.contexts, 10 * 2 * w * sizeof(int32_t));

    /* window 1 on the textbook's sentence: the §3.3.1 rows plus the two ends */
    const int32_t you_say[8] = {0, 1, 2, 3, 4, 1, 5, 6};
    const Word2VecDataConfig cfg1 = plain_config(1);
    make_epoch(you_say, 8, 7, &cfg1, NULL, &r2);
    const int32_t expect_c[16] = {-1, 1, 0, 2, 1, 3, 2, 4, 3, 1, 4, 5, 1, 6, 5, -1};
    assert_int_equal(r2.n, 8);
    assert_memory_equal(r2.contexts, expect_c, sizeof expect_c);
    assert_memory_equal(r2.target, you_say, sizeof you_say);

    rows_free(&r);
    rows_free(&r2);
    int32_array_free(&cct_contexts);
    int32_array_free(&cct_target);
}

/*
 * eos = 8. Sentences: [] (a leading eos), [0 1 2], [3 4], [] (two eos in a
 * row), [5] (a lone token: no row), [6 7 0 1] (no final eos). w = 2.
 */
static void test_sentence_boundaries(void **state)
{
    (void)state;
    const int32_t corpus[15] = {8, 0, 1, 2, 8, 3, 4, 8, 8, 5, 8, 6, 7, 0, 1};
    Word2VecDataConfig cfg = plain_config(2);
    cfg.sentence_end = 8;
    Rows r = rows_alloc(15, 2);
    make_epoch(corpus, 15, 9, &cfg, NULL, &r);
    const int32_t expect_t[9] = {0, 1, 2, 3, 4, 6, 7, 0, 1};
    const int32_t expect_c[9][4] = {
        {-1, -1, 1, 2}, {-1, 0, 2, -1}, {0, 1, -1, -1},
        {-1, -1, 4, -1}, {-1, 3, -1, -1},
        {-1, -1, 7, 0}, {-1, 6, 0, 1}, {6, 7, 1, -1}, {7, 0, -1, -1},
    };
    assert_int_equal(r.n, 9);
    assert_memory_equal(r.target, expect_t, sizeof expect_t);
    assert_memory_equal(r.contexts, expect_c, sizeof expect_c);
    rows_free(&r);
}

/*
 * train_sentence_end (--train-eos, fastText's </s>): the same corpus, each
 * eos kept as its sentence's last word and trained like any other, windows
 * still stopping at it. Sentences: [8] (the leading eos alone: no row),
 * [0 1 2 8], [3 4 8], [8] (alone), [5 8], [6 7 0 1] (no final eos). w = 2.
 * With min_count 3 (eos seen 4 times, 0 and 1 twice) the eos stays while
 * the rare words go, and the eos still ends its sentence.
 */
static void test_sentence_end_trained(void **state)
{
    (void)state;
    const int32_t corpus[15] = {8, 0, 1, 2, 8, 3, 4, 8, 8, 5, 8, 6, 7, 0, 1};
    Word2VecDataConfig cfg = plain_config(2);
    cfg.sentence_end = 8;
    cfg.train_sentence_end = true;
    Rows r = rows_alloc(15, 2);
    make_epoch(corpus, 15, 9, &cfg, NULL, &r);
    const int32_t expect_t[13] = {0, 1, 2, 8, 3, 4, 8, 5, 8, 6, 7, 0, 1};
    const int32_t expect_c[13][4] = {
        {-1, -1, 1, 2}, {-1, 0, 2, 8}, {0, 1, 8, -1}, {1, 2, -1, -1},
        {-1, -1, 4, 8}, {-1, 3, 8, -1}, {3, 4, -1, -1},
        {-1, -1, 8, -1}, {-1, 5, -1, -1},
        {-1, -1, 7, 0}, {-1, 6, 0, 1}, {6, 7, 1, -1}, {7, 0, -1, -1},
    };
    assert_int_equal(r.n, 13);
    assert_memory_equal(r.target, expect_t, sizeof expect_t);
    assert_memory_equal(r.contexts, expect_c, sizeof expect_c);

    cfg.min_count = 3;   /* only the eos (4 times) is frequent enough: each sentence is [8] alone */
    make_epoch(corpus, 15, 9, &cfg, NULL, &r);
    assert_int_equal(r.n, 0);
    cfg.min_count = 2;   /* 0, 1 (twice each) and the eos stay: [8], [0 1 8], [8], [8], [8], [0 1] */
    make_epoch(corpus, 15, 9, &cfg, NULL, &r);
    const int32_t expect_t2[5] = {0, 1, 8, 0, 1};
    const int32_t expect_c2[5][4] = {
        {-1, -1, 1, 8}, {-1, 0, 8, -1}, {0, 1, -1, -1}, {-1, -1, 1, -1}, {-1, 0, -1, -1},
    };
    assert_int_equal(r.n, 5);
    assert_memory_equal(r.target, expect_t2, sizeof expect_t2);
    assert_memory_equal(r.contexts, expect_c2, sizeof expect_c2);
    rows_free(&r);
}

/*
 * The same with subsampling and the dynamic window on random sentences
 * that alternate between ids [0, 50) and [50, 100) (eos = 100): a context
 * from the neighbouring sentence would be in the other half.
 */
static void test_sentence_boundaries_random(void **state)
{
    (void)state;
    const size_t n = 20000;
    const int V = 101, w = 5;
    int32_t *corpus = malloc(n * sizeof *corpus);
    assert_non_null(corpus);
    uint32_t s = 12345;
    size_t k = 0, n_eos = 0;
    int half = 0;
    while (k < n) {
        const size_t len = 1 + test_xorshift32(&s) % 15;
        for (size_t j = 0; j < len && k < n; j++)
            corpus[k++] = (int32_t)(half * 50 + (int)(test_xorshift32(&s) % 50));
        if (k < n) {
            corpus[k++] = 100;
            n_eos++;
        }
        half ^= 1;
    }
    const Word2VecDataConfig cfg = {.window = w, .dynamic_window = true, .sample = 1e-2,
                                    .min_count = 0, .sentence_end = 100};
    Rng rng;
    rng_seed(&rng, 9);
    Rows r = rows_alloc(n, w);
    make_epoch(corpus, n, V, &cfg, &rng, &r);
    assert_true(r.n > 0 && r.n < n - n_eos);
    for (size_t i = 0; i < r.n; i++) {
        const int32_t t = r.target[i];
        assert_true(t >= 0 && t < 100);
        int filled = 0;
        for (int c = 0; c < 2 * w; c++) {
            const int32_t id = r.contexts[i * 2 * w + (size_t)c];
            if (id == -1) continue;
            filled++;
            assert_true(id >= 0 && id < 100);
            assert_int_equal(id / 50, t / 50);
        }
        assert_true(filled >= 1);   /* all -1 rows are not emitted */
    }
    rows_free(&r);
    free(corpus);
}

/*
 * Counts 0:2 1:2 2:2 4:1 5:1. min_count 2 drops 4 and 5 everywhere and the
 * window closes over the gaps (as word2vec.c, which never reads them):
 * kept 0 1 2 0 1 2 with w = 1. min_count 0 and 1 keep every token;
 * min_count 3 drops them all.
 */
static void test_min_count(void **state)
{
    (void)state;
    const int32_t corpus[8] = {0, 1, 4, 2, 0, 1, 5, 2};
    Word2VecDataConfig cfg = plain_config(1);
    cfg.min_count = 2;
    Rows r = rows_alloc(8, 1);
    make_epoch(corpus, 8, 6, &cfg, NULL, &r);
    const int32_t expect_t[6] = {0, 1, 2, 0, 1, 2};
    const int32_t expect_c[12] = {-1, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, -1};
    assert_int_equal(r.n, 6);
    assert_memory_equal(r.target, expect_t, sizeof expect_t);
    assert_memory_equal(r.contexts, expect_c, sizeof expect_c);

    cfg.min_count = 1;
    make_epoch(corpus, 8, 6, &cfg, NULL, &r);
    assert_int_equal(r.n, 8);
    assert_memory_equal(r.target, corpus, sizeof corpus);
    cfg.min_count = 0;
    make_epoch(corpus, 8, 6, &cfg, NULL, &r);
    assert_int_equal(r.n, 8);
    cfg.min_count = 3;
    make_epoch(corpus, 8, 6, &cfg, NULL, &r);
    assert_int_equal(r.n, 0);
    rows_free(&r);
}

/*
 * 200,000 tokens: id 0 is 40 %, id 1 10 %, ids 2..999 ~100 each. With
 * t = 1e-3 (t * total = 200) id 0 keeps ~5.3 %, id 1 ~11 %, and the rest
 * (f = 5e-4 < 2.6 t) all. Each token is kept independently, so the kept
 * count of a word is Binomial(count, keep): within 4 standard errors.
 * With one sentence every kept token is a target.
 */
static void test_subsampling_fraction(void **state)
{
    (void)state;
    const size_t n = 200000;
    const int V = 1000, w = 2;
    int32_t *corpus = zipfish_corpus(n, V, 2024);
    int64_t *counts = malloc((size_t)V * sizeof *counts);
    assert_non_null(counts);
    DlfsError err = {0};
    assert_int_equal(word2vec_count_words(corpus, n, V, counts, &err), DLFS_OK);

    Word2VecDataConfig cfg = plain_config(w);
    cfg.sample = 1e-3;
    Rng rng;
    rng_seed(&rng, 77);
    Rows r = rows_alloc(n, w);
    assert_int_equal(word2vec_make_epoch(corpus, n, counts, V, &cfg, &rng, r.contexts, r.target,
                                         &r.n, &err), DLFS_OK);
    int64_t *kept = calloc((size_t)V, sizeof *kept);
    assert_non_null(kept);
    for (size_t i = 0; i < r.n; i++) kept[r.target[i]]++;
    for (int v = 0; v < 2; v++) {
        const double p = word2vec_keep_probability(counts[v], (int64_t)n, 1e-3);
        const double mean = (double)counts[v] * p;
        const double sd = sqrt((double)counts[v] * p * (1 - p));
        assert_true(p < (v == 0 ? 0.06 : 0.12));
        if (fabs((double)kept[v] - mean) > 4 * sd)
            fail_msg("id %d: kept %lld of %lld, expected %.1f +- %.1f", v, (long long)kept[v],
                     (long long)counts[v], mean, sd);
    }
    for (int v = 2; v < V; v++) {
        assert_true(word2vec_keep_probability(counts[v], (int64_t)n, 1e-3) == 1.0);
        assert_int_equal(kept[v], counts[v]);
    }
    free(kept);
    rows_free(&r);
    free(counts);
    free(corpus);
}

/*
 * One sentence of 50,000 tokens, w = 5, dynamic window, no subsampling.
 * Away from the ends every offset exists, so the effective window of row
 * p (largest |o| with a column) is w - b_p, and the columns are exactly
 * the offsets |o| <= w - b_p. The documented draw order says b_p is the
 * p-th word2vec_window_cut(rng, w) from the seed: replayed exactly. The effective
 * windows are uniform over 1..5: each ~10,000, sd ~89; within 4 sd.
 */
static void test_dynamic_window(void **state)
{
    (void)state;
    const size_t n = 50000;
    const int V = 1000, w = 5;
    int32_t *corpus = malloc(n * sizeof *corpus);
    assert_non_null(corpus);
    uint32_t s = 99;
    for (size_t k = 0; k < n; k++) corpus[k] = (int32_t)(test_xorshift32(&s) % (uint32_t)V);
    Word2VecDataConfig cfg = plain_config(w);
    cfg.dynamic_window = true;
    Rng rng, replay;
    rng_seed(&rng, 5);
    rng_seed(&replay, 5);
    Rows r = rows_alloc(n, w);
    make_epoch(corpus, n, V, &cfg, &rng, &r);
    assert_int_equal(r.n, n);
    assert_memory_equal(r.target, corpus, n * sizeof *corpus);

    size_t hist[6] = {0};
    for (size_t p = 0; p < n; p++) {
        const int b = word2vec_window_cut(&replay, w);
        if (p < (size_t)w || p >= n - (size_t)w) continue;
        const int32_t *row = r.contexts + p * 2 * (size_t)w;
        int eff = 0;
        for (int i = 0; i < 2 * w; i++) {
            const int o = i < w ? i - w : i - w + 1;
            const int d = o < 0 ? -o : o;
            if (row[i] != -1) {
                if (d > eff) eff = d;
                assert_int_equal(row[i], corpus[(ptrdiff_t)p + o]);
            } else {
                assert_true(d > w - b);
            }
        }
        assert_int_equal(eff, w - b);
        hist[eff]++;
    }
    assert_true(same_rng(&rng, &replay));   /* exactly n draws */
    const double m = (double)(n - 2 * (size_t)w), expect = m / w, sd = sqrt(m * 0.2 * 0.8);
    for (int e = 1; e <= w; e++)
        if (fabs((double)hist[e] - expect) > 4 * sd)
            fail_msg("effective window %d: %zu rows, expected %.0f +- %.0f", e, hist[e], expect, sd);
    rows_free(&r);
    free(corpus);
}

/*
 * The draw order documented in the header, replayed on 3 sentences with
 * a rare word (min_count 2: no draw), subsampling and the dynamic window:
 * per sentence, one rng_uniform per remaining token, then one word2vec_window_cut(w)
 * per kept token. The expected rows are built here from the kept lists.
 */
static void test_draw_order(void **state)
{
    (void)state;
    enum { N = 40, V = 6, W = 3, EOS = 5 };
    const int32_t corpus[N] = {0, 0, 1, 0, 2, 0, 0, 1, 3, 0, 5, 0, 1, 0, 0, 2, 0, 4, 0, 1,
                               0, 0, 2, 5, 1, 0, 0, 0, 0, 1, 0, 2, 0, 0, 1, 0, 3, 0, 0, 0};
    int64_t counts[V];
    DlfsError err = {0};
    assert_int_equal(word2vec_count_words(corpus, N, V, counts, &err), DLFS_OK);
    assert_int_equal(counts[4], 1);
    const Word2VecDataConfig cfg = {.window = W, .dynamic_window = true, .sample = 0.05,
                                    .min_count = 2, .sentence_end = EOS};
    double keep[V];
    for (int v = 0; v < V; v++) keep[v] = word2vec_keep_probability(counts[v], N, 0.05);
    assert_true(keep[0] < 0.5 && keep[3] == 1.0);   /* 0 is 24 of 40: thinned; 3 (2 of 40) kept */

    for (uint64_t seed = 1; seed <= 20; seed++) {
        Rng rng, replay;
        rng_seed(&rng, seed);
        rng_seed(&replay, seed);
        int32_t contexts[N * 2 * W], target[N];
        size_t n_out;
        assert_int_equal(word2vec_make_epoch(corpus, N, counts, V, &cfg, &rng, contexts, target,
                                             &n_out, &err), DLFS_OK);
        size_t row = 0, k = 0;
        while (k < N) {
            int32_t sent[N];
            size_t L = 0;
            for (; k < N && corpus[k] != EOS; k++)
                if (corpus[k] != 4 && rng_uniform(&replay) < keep[corpus[k]]) sent[L++] = corpus[k];
            k++;
            for (size_t p = 0; p < L; p++) {
                const int b = word2vec_window_cut(&replay, W);
                if (L == 1) continue;
                assert_true(row < n_out);
                assert_int_equal(target[row], sent[p]);
                for (int i = 0; i < 2 * W; i++) {
                    const int o = i < W ? i - W : i - W + 1;
                    const long q = (long)p + o;
                    const int32_t id = (abs(o) <= W - b && q >= 0 && q < (long)L) ? sent[q] : -1;
                    assert_int_equal(contexts[row * 2 * W + (size_t)i], id);
                }
                row++;
            }
        }
        assert_int_equal(n_out, row);
        assert_true(same_rng(&rng, &replay));
    }
}

/* Same seed, same rows; another seed, other rows. */
static void test_determinism(void **state)
{
    (void)state;
    const size_t n = 10000;
    const int V = 300, w = 4;
    int32_t *corpus = zipfish_corpus(n, V, 7);
    for (size_t k = 17; k < n; k += 23) corpus[k] = 2;   /* id 2 as the sentence end */
    const Word2VecDataConfig cfg = {.window = w, .dynamic_window = true, .sample = 1e-3,
                                    .min_count = 3, .sentence_end = 2};
    Rows a = rows_alloc(n, w), b = rows_alloc(n, w), c = rows_alloc(n, w);
    Rng rng;
    rng_seed(&rng, 42);
    make_epoch(corpus, n, V, &cfg, &rng, &a);
    rng_seed(&rng, 42);
    make_epoch(corpus, n, V, &cfg, &rng, &b);
    rng_seed(&rng, 43);
    make_epoch(corpus, n, V, &cfg, &rng, &c);
    assert_true(a.n > 0);
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.target, b.target, a.n * sizeof(int32_t));
    assert_memory_equal(a.contexts, b.contexts, a.n * 2 * (size_t)w * sizeof(int32_t));
    const size_t m = a.n < c.n ? a.n : c.n;
    assert_true(a.n != c.n || memcmp(a.target, c.target, m * sizeof(int32_t)) != 0 ||
                memcmp(a.contexts, c.contexts, m * 2 * (size_t)w * sizeof(int32_t)) != 0);
    rows_free(&a);
    rows_free(&b);
    rows_free(&c);
    free(corpus);
}

/* Each bad argument: DLFS_ERR_ARG with a message, *n_out = 0, nothing written, nothing drawn. */
static void expect_arg_error(const int32_t *corpus, size_t n, const int64_t *counts, int V,
                             const Word2VecDataConfig *cfg, const char *needle)
{
    Rng rng, before;
    rng_seed(&rng, 1);
    before = rng;
    int32_t contexts[64], target[16];
    for (int i = 0; i < 64; i++) contexts[i] = 123;
    for (int i = 0; i < 16; i++) target[i] = 123;
    size_t n_out = 99;
    DlfsError err = {0};
    assert_int_equal(word2vec_make_epoch(corpus, n, counts, V, cfg, &rng, contexts, target, &n_out,
                                         &err), DLFS_ERR_ARG);
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_contains(err.msg, needle);
    assert_int_equal(n_out, 0);
    assert_true(same_rng(&rng, &before));
    for (int i = 0; i < 64; i++) assert_int_equal(contexts[i], 123);
    for (int i = 0; i < 16; i++) assert_int_equal(target[i], 123);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const int32_t good[6] = {0, 1, 2, 3, 1, 0};
    const int64_t counts[4] = {2, 2, 1, 1};
    Word2VecDataConfig cfg = {.window = 2, .dynamic_window = true, .sample = 1e-3,
                              .min_count = 0, .sentence_end = -1};
    const int32_t too_big[6] = {0, 1, 2, 4, 1, 0};
    const int32_t negative[6] = {0, 1, 2, 3, -1, 0};
    expect_arg_error(too_big, 6, counts, 4, &cfg, "corpus[3] = 4");
    expect_arg_error(negative, 6, counts, 4, &cfg, "corpus[4] = -1");
    expect_arg_error(good, 6, counts, 0, &cfg, "vocabulary size 0");
    cfg.window = 0;
    expect_arg_error(good, 6, counts, 4, &cfg, "window 0");
    cfg.window = 2;
    cfg.sentence_end = 4;
    expect_arg_error(good, 6, counts, 4, &cfg, "sentence_end 4");
    cfg.sentence_end = -2;
    expect_arg_error(good, 6, counts, 4, &cfg, "sentence_end -2");
    cfg.sentence_end = -1;
    cfg.sample = NAN;
    expect_arg_error(good, 6, counts, 4, &cfg, "NaN");

    /* an empty corpus is fine: no rows */
    cfg.sample = 1e-3;
    Rng rng;
    rng_seed(&rng, 1);
    size_t n_out = 5;
    DlfsError err = {0};
    assert_int_equal(word2vec_make_epoch(NULL, 0, NULL, 4, &cfg, &rng, NULL, NULL, &n_out, &err),
                     DLFS_OK);
    assert_int_equal(n_out, 0);
}

/*
 * The real PTB train split (929,589 tokens, 42,068 <eos>) with the
 * word2vec preset's rows (w 5, dynamic, t 1e-3): no <eos> anywhere,
 * fewer rows than words, "the" (50,770 of 929,589: keep 0.1536) kept
 * within 5 standard errors, and the time of one epoch (printed).
 */
static void test_real_ptb_epoch(void **state)
{
    (void)state;
    Int32Array corpus;
    Vocab vocab;
    vocab_init(&vocab);
    DlfsError err = {0};
    if (ptb_load_data(test_ptb_dir(), "train", &corpus, &vocab, &err) != DLFS_OK)
        fail_msg("%s", err.msg);
    const size_t n = corpus.size;
    const int V = vocab.size, w = 5;
    assert_int_equal(n, 929589);
    const int32_t eos = vocab_get(&vocab, "<eos>"), the = vocab_get(&vocab, "the");
    assert_true(eos >= 0 && the >= 0);
    int64_t *counts = malloc((size_t)V * sizeof *counts);
    assert_non_null(counts);
    assert_int_equal(word2vec_count_words(corpus.data, n, V, counts, &err), DLFS_OK);
    assert_int_equal(counts[eos], 42068);
    assert_int_equal(counts[the], 50770);

    const Word2VecDataConfig cfg = {.window = w, .dynamic_window = true, .sample = 1e-3,
                                    .min_count = 5, .sentence_end = eos};
    Rows r = rows_alloc(n, w);
    Rng rng;
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        rng_seed(&rng, 1);
        const double t0 = dlfs_now_s();
        assert_int_equal(word2vec_make_epoch(corpus.data, n, counts, V, &cfg, &rng, r.contexts,
                                             r.target, &r.n, &err), DLFS_OK);
        const double dt = dlfs_now_s() - t0;
        if (dt < best) best = dt;
    }
    printf("# word2vec_make_epoch on PTB train (%zu tokens): %zu rows, best of 3 %.1f ms\n", n, r.n,
           best * 1e3);
    assert_true(r.n > 0 && r.n < n - 42068);
    size_t kept_the = 0;
    for (size_t i = 0; i < r.n; i++) {
        assert_int_not_equal(r.target[i], eos);
        kept_the += r.target[i] == the;
    }
    for (size_t i = 0; i < r.n * 2 * (size_t)w; i++) assert_int_not_equal(r.contexts[i], eos);
    const double p = word2vec_keep_probability(50770, (int64_t)n, 1e-3);
    assert_close(p, 0.153623551563978, 1e-12, 0);
    const double mean = 50770 * p, sd = sqrt(50770 * p * (1 - p));
    /* a lone kept token of a sentence has no row: a little below mean is expected */
    if (fabs((double)kept_the - mean) > 5 * sd)
        fail_msg("\"the\": %zu rows, expected about %.0f +- %.0f", kept_the, mean, sd);

    rows_free(&r);
    free(counts);
    int32_array_free(&corpus);
    vocab_free(&vocab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keep_probability),
        cmocka_unit_test(test_count_words),
        cmocka_unit_test(test_equals_create_contexts_target),
        cmocka_unit_test(test_sentence_boundaries),
        cmocka_unit_test(test_sentence_end_trained),
        cmocka_unit_test(test_sentence_boundaries_random),
        cmocka_unit_test(test_min_count),
        cmocka_unit_test(test_subsampling_fraction),
        cmocka_unit_test(test_dynamic_window),
        cmocka_unit_test(test_draw_order),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_bad_arguments),
        /* the last one needs the real PTB */
        cmocka_unit_test(test_real_ptb_epoch),
    };
    return run_tests_needing_ptb("word2vec_data", tests, sizeof tests / sizeof tests[0], 1, NULL,
                                 NULL);
}
