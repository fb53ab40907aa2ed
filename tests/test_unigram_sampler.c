/*
 * test_unigram_sampler.c — the UnigramSampler (layers/unigram_sampler.h;
 * textbook §4.2.6, ch04/negative_sampling_layer.py `UnigramSampler`).
 *
 * Statistical tests use fixed seeds, so they are deterministic; each
 * compares a Pearson chi-square statistic with the chi-square critical value
 * at p = 0.001 for its degrees of freedom (k - 1 for k categories):
 *   df 8: 26.124   df 9: 27.877
 * unigram_sampler_pack's one-number draws are checked the same way.
 * A sampler off by a few percent on any word fails them at these sample sizes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "common/status.h"
#include "layers/unigram_sampler.h"
#include "tests/testutil.h"

#define CHI2_DF8_P001 26.124
#define CHI2_DF9_P001 27.877

/* corpus with word w appearing counts[w] times, in runs; caller frees. */
static int32_t *make_corpus(const int *counts, int V, size_t *n)
{
    size_t total = 0;
    for (int w = 0; w < V; w++) total += (size_t)counts[w];
    int32_t *c = malloc(total * sizeof *c);
    assert_non_null(c);
    size_t k = 0;
    for (int w = 0; w < V; w++)
        for (int i = 0; i < counts[w]; i++) c[k++] = w;
    *n = total;
    return c;
}

/* Pearson's statistic sum (obs - exp)^2 / exp over the words with expect > 0. */
static double chi2(const long *observed, const double *expected_p, int V, long n)
{
    double s = 0.0;
    for (int w = 0; w < V; w++) {
        if (expected_p[w] == 0.0) {
            assert_int_equal(observed[w], 0);
            continue;
        }
        const double e = expected_p[w] * (double)n;
        s += ((double)observed[w] - e) * ((double)observed[w] - e) / e;
    }
    return s;
}

/* counts 1, 2, 4, 8 (plus an unused id 4): p = c^0.75 / sum c^0.75 with
 * c^0.75 = 1, 1.681793, 2.828427, 4.756828; sum 10.267048. */
static void test_word_p_by_hand(void **state)
{
    (void)state;
    const int counts[5] = {1, 2, 4, 8, 0};
    size_t n;
    int32_t *corpus = make_corpus(counts, 5, &n);
    UnigramSampler s;
    DlfsError err = {0};
    assert_int_equal(unigram_sampler_init(&s, corpus, n, 5, 0.75f, 2, false, &err), DLFS_OK);
    const double expect[5] = {0.0973989758, 0.1638048992, 0.2754859050, 0.4633102200, 0.0};
    for (int w = 0; w < 5; w++) assert_close(s.word_p[w], expect[w], 1e-9, 0);
    assert_int_equal(s.n_nonzero, 4);
    assert_int_equal(s.vocab_size, 5);

    /* The alias table represents p exactly: P(w) = (keep_w + sum of the
     * cells aliasing to w of 1 - keep) / V. */
    double implied[5] = {0};
    for (int i = 0; i < 5; i++) {
        implied[i] += s.alias_prob[i] / 5.0;
        if (s.alias[i] != i) implied[s.alias[i]] += (1.0 - s.alias_prob[i]) / 5.0;
    }
    for (int w = 0; w < 5; w++) assert_close(implied[w], s.word_p[w], 1e-12, 0);

    /* power 1 gives plain frequencies, power 0 uniform over seen words */
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, n, 5, 1.0f, 2, false, &err), DLFS_OK);
    for (int w = 0; w < 5; w++) assert_close(s.word_p[w], counts[w] / 15.0, 1e-12, 0);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, n, 5, 0.0f, 2, false, &err), DLFS_OK);
    for (int w = 0; w < 4; w++) assert_close(s.word_p[w], 0.25, 1e-12, 0);
    assert_true(s.word_p[4] == 0.0);
    unigram_sampler_free(&s);
    free(corpus);
}

enum { V10 = 10 };
static const int counts10[V10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

static void init10(UnigramSampler *s, int sample_size, bool replace)
{
    size_t n;
    int32_t *corpus = make_corpus(counts10, V10, &n);
    DlfsError err = {0};
    assert_int_equal(unigram_sampler_init(s, corpus, n, V10, 0.75f, sample_size, replace, &err), DLFS_OK);
    free(corpus);
}

static void p10(double *p)
{
    double total = 0.0;
    for (int w = 0; w < V10; w++) total += p[w] = pow(counts10[w], 0.75);
    for (int w = 0; w < V10; w++) p[w] /= total;
}

/* 200,000 single draws over 10 words follow p: chi2 (df 9) < 27.877. */
static void test_single_draws_follow_p(void **state)
{
    (void)state;
    UnigramSampler s;
    init10(&s, 3, false);
    double p[V10];
    p10(p);
    Rng rng;
    rng_seed(&rng, 2024);
    enum { N = 200000 };
    long obs[V10] = {0};
    for (int i = 0; i < N; i++) {
        const int32_t w = unigram_sampler_draw(&s, &rng);
        assert_true(w >= 0 && w < V10);
        obs[w]++;
    }
    assert_true(chi2(obs, p, V10, N) < CHI2_DF9_P001);
    /* the test has power: the same draws against plain frequencies (power 1) fail */
    double freq[V10];
    for (int w = 0; w < V10; w++) freq[w] = counts10[w] / 55.0;
    assert_true(chi2(obs, freq, V10, N) > 10 * CHI2_DF9_P001);
    unigram_sampler_free(&s);
}

/*
 * Without replacement: no row holds its target or a repeat, over many rows
 * with random targets; and for a fixed target t the first column follows
 * p(w) / (1 - p(t)) and the second the successive-sampling law
 * P(w) = sum_u q(u) p(w) / (1 - p(t) - p(u)), q(u) = p(u) / (1 - p(t)),
 * as np.random.choice(replace=False) with p[t] = 0 (chi2, df 8).
 */
static void test_without_replacement(void **state)
{
    (void)state;
    enum { S = 4, B = 50000 };
    UnigramSampler s;
    init10(&s, S, false);
    Rng rng;
    rng_seed(&rng, 99);
    int32_t *target = malloc(B * sizeof *target);
    int32_t *neg = malloc((size_t)B * S * sizeof *neg);
    assert_non_null(target);
    assert_non_null(neg);

    for (int b = 0; b < B; b++) target[b] = (int32_t)rng_below(&rng, V10);
    unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
    for (int b = 0; b < B; b++) {
        const int32_t *row = neg + (size_t)b * S;
        for (int i = 0; i < S; i++) {
            assert_true(row[i] >= 0 && row[i] < V10);
            assert_int_not_equal(row[i], target[b]);
            for (int j = 0; j < i; j++) assert_int_not_equal(row[i], row[j]);
        }
    }

    const int32_t t = 9;   /* the heaviest word, so rejections are frequent */
    for (int b = 0; b < B; b++) target[b] = t;
    unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
    double p[V10], first[V10] = {0}, second[V10] = {0};
    p10(p);
    for (int w = 0; w < V10; w++)
        if (w != t) first[w] = p[w] / (1.0 - p[t]);
    for (int u = 0; u < V10; u++) {
        if (u == t) continue;
        for (int w = 0; w < V10; w++)
            if (w != t && w != u) second[w] += first[u] * p[w] / (1.0 - p[t] - p[u]);
    }
    long obs0[V10] = {0}, obs1[V10] = {0};
    for (int b = 0; b < B; b++) {
        obs0[neg[(size_t)b * S + 0]]++;
        obs1[neg[(size_t)b * S + 1]]++;
    }
    assert_int_equal(obs0[t], 0);
    assert_true(chi2(obs0, first, V10, B) < CHI2_DF8_P001);
    assert_true(chi2(obs1, second, V10, B) < CHI2_DF8_P001);
    /* the second column is NOT distributed like the first (power check) */
    assert_true(chi2(obs1, first, V10, B) > CHI2_DF8_P001);

    free(target);
    free(neg);
    unigram_sampler_free(&s);
}

/* With replacement: every draw follows p, the target included. */
static void test_with_replacement(void **state)
{
    (void)state;
    enum { S = 5, B = 40000 };
    UnigramSampler s;
    init10(&s, S, true);
    assert_true(s.replace);
    Rng rng;
    rng_seed(&rng, 5);
    int32_t *target = malloc(B * sizeof *target);
    int32_t *neg = malloc((size_t)B * S * sizeof *neg);
    assert_non_null(target);
    assert_non_null(neg);
    for (int b = 0; b < B; b++) target[b] = 9;
    unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
    long obs[V10] = {0};
    long repeats = 0;
    for (int b = 0; b < B; b++) {
        const int32_t *row = neg + (size_t)b * S;
        for (int i = 0; i < S; i++) {
            obs[row[i]]++;
            for (int j = 0; j < i; j++) repeats += row[i] == row[j];
        }
    }
    double p[V10];
    p10(p);
    assert_true(obs[9] > 0);     /* the target may appear, ~18% of draws */
    assert_true(repeats > 0);    /* and repeats within a row */
    assert_true(chi2(obs, p, V10, (long)B * S) < CHI2_DF9_P001);
    free(target);
    free(neg);
    unigram_sampler_free(&s);
}

/* One word holds nearly all the mass: rejection alone would take ~1e6 draws
 * per word, so the exact fallback must finish the rows. */
static void test_fallback_terminates(void **state)
{
    (void)state;
    enum { V = 7, S = 5, B = 60 };
    const int counts[V] = {1000000, 1, 1, 1, 1, 1, 1};
    size_t n;
    int32_t *corpus = make_corpus(counts, V, &n);
    UnigramSampler s;
    DlfsError err = {0};
    assert_int_equal(unigram_sampler_init(&s, corpus, n, V, 1.0f, S, false, &err), DLFS_OK);
    free(corpus);
    Rng rng;
    rng_seed(&rng, 3);
    int32_t target[B], neg[B * S];
    for (int t = 0; t < V; t++) {
        for (int b = 0; b < B; b++) target[b] = t;
        unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
        long seen[V] = {0};
        for (int b = 0; b < B; b++) {
            const int32_t *row = neg + (size_t)b * S;
            for (int i = 0; i < S; i++) {
                assert_true(row[i] >= 0 && row[i] < V);
                assert_int_not_equal(row[i], t);
                for (int j = 0; j < i; j++) assert_int_not_equal(row[i], row[j]);
                seen[row[i]]++;
            }
        }
        if (t == 0) {
            /* 5 of the 6 equally likely rare words per row: each appears in
             * 5/6 of the rows, and every one of them shows up. */
            for (int w = 1; w < V; w++) assert_true(seen[w] > B / 2 && seen[w] < B);
        } else {
            assert_int_equal(seen[0], B);   /* the heavy word is always taken */
        }
    }
    unigram_sampler_free(&s);
}

static void test_init_errors(void **state)
{
    (void)state;
    UnigramSampler s;
    DlfsError err = {0};
    const int32_t corpus[6] = {0, 1, 2, 1, 0, 2};   /* 3 distinct words in V = 5 */

    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 3, false, &err), DLFS_ERR_ARG);
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_true(strlen(err.msg) > 0);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 4, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 2, false, &err), DLFS_OK);
    unigram_sampler_free(&s);
    /* with replacement a row may repeat words, so 3 distinct words suffice for 4 */
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 4, true, &err), DLFS_OK);
    unigram_sampler_free(&s);

    const int32_t too_big[3] = {0, 5, 1};
    err.msg[0] = '\0';
    assert_int_equal(unigram_sampler_init(&s, too_big, 3, 5, 0.75f, 1, false, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "5"));
    unigram_sampler_free(&s);
    const int32_t negative[3] = {0, 1, -1};
    assert_int_equal(unigram_sampler_init(&s, negative, 3, 5, 0.75f, 1, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 0, 5, 0.75f, 1, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 0, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, -1.0f, 1, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    /* err may be NULL */
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 3, false, NULL), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
}


/*
 * unigram_sampler_pack: each cell's keep is alias_prob as a 32-bit
 * threshold (floor(alias_prob * 2^32), all ones for 1) beside its alias;
 * the packed draws still follow p (chi2, df 9), a word of count 0 is never
 * drawn, and rows without replacement hold neither their target nor a
 * repeat; the draws are not the unpacked ones (one random number each).
 */
static void test_packed_draws(void **state)
{
    (void)state;
    enum { S = 3, N = 200000, B = 20000 };
    UnigramSampler s, plain;
    init10(&s, S, false);
    init10(&plain, S, false);
    unigram_sampler_pack(&s);
    unigram_sampler_pack(&s);   /* idempotent */
    assert_non_null(s.cells);
    assert_null(plain.cells);
    for (int i = 0; i < V10; i++) {
        const double keep = s.alias_prob[i] * 4294967296.0;
        assert_true(s.cells[i].keep == (keep >= 4294967295.0 ? UINT32_MAX : (uint32_t)keep));
        assert_int_equal(s.cells[i].alias, s.alias[i]);
    }
    Rng rng, rng_plain;
    rng_seed(&rng, 2024);
    rng_seed(&rng_plain, 2024);
    double p[V10];
    p10(p);
    long obs[V10] = {0};
    int same = 0;
    for (int i = 0; i < N; i++) {
        const int32_t w = unigram_sampler_draw(&s, &rng);
        assert_true(w >= 0 && w < V10);
        obs[w]++;
        same += w == unigram_sampler_draw(&plain, &rng_plain);
    }
    assert_true(chi2(obs, p, V10, N) < CHI2_DF9_P001);
    assert_true(same < N / 2);   /* independent sequences agree about sum p^2 = 0.13 of the time */

    int32_t target[B], *neg = malloc((size_t)B * S * sizeof *neg);
    assert_non_null(neg);
    for (int b = 0; b < B; b++) target[b] = (int32_t)rng_below(&rng, V10);
    unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < S; i++) {
            assert_int_not_equal(neg[(size_t)b * S + i], target[b]);
            for (int j = 0; j < i; j++) assert_int_not_equal(neg[(size_t)b * S + i], neg[(size_t)b * S + j]);
        }
    free(neg);
    unigram_sampler_free(&s);
    unigram_sampler_free(&plain);

    /* a word of count 0 (id 4) is never drawn */
    const int counts[5] = {1, 2, 4, 8, 0};
    size_t n;
    int32_t *corpus = make_corpus(counts, 5, &n);
    DlfsError err = {0};
    assert_int_equal(unigram_sampler_init(&s, corpus, n, 5, 0.75f, 2, true, &err), DLFS_OK);
    unigram_sampler_pack(&s);
    long seen[5] = {0};
    for (int i = 0; i < N; i++) seen[unigram_sampler_draw(&s, &rng)]++;
    assert_int_equal(seen[4], 0);
    for (int w = 0; w < 4; w++) assert_true(seen[w] > 0);
    unigram_sampler_free(&s);
    free(corpus);
}

/*
 * unigram_sampler_init_counts on a corpus's counts builds the very sampler
 * unigram_sampler_init builds from the corpus: word_p, the alias table and
 * the draws bit for bit (the corpus variant counts and calls it; this pins
 * the counts path against a corpus whose ids are shuffled, with unseen words
 * and counts up to 600).
 */
static void test_counts_equal_corpus(void **state)
{
    (void)state;
    enum { V = 40, B = 50, S = 5 };
    int counts_i[V];
    int64_t counts[V];
    for (int w = 0; w < V; w++) {
        counts_i[w] = w % 7 == 3 ? 0 : 600 / (w + 1);   /* Zipf-like, some words unseen */
        counts[w] = counts_i[w];
    }
    size_t n;
    int32_t *corpus = make_corpus(counts_i, V, &n);
    Rng shuffle;
    rng_seed(&shuffle, 5);
    for (size_t i = n - 1; i > 0; i--) {   /* the order of the ids must not matter */
        const size_t j = (size_t)rng_below(&shuffle, (uint64_t)i + 1);
        const int32_t t = corpus[i];
        corpus[i] = corpus[j];
        corpus[j] = t;
    }
    for (int r = 0; r < 2; r++) {
        const bool replace = r == 1;
        UnigramSampler a, b;
        DlfsError err = {0};
        assert_int_equal(unigram_sampler_init(&a, corpus, n, V, 0.75f, S, replace, &err), DLFS_OK);
        assert_int_equal(unigram_sampler_init_counts(&b, counts, V, 0.75f, S, replace, &err), DLFS_OK);
        assert_int_equal(a.n_nonzero, b.n_nonzero);
        assert_int_equal(b.n_nonzero, V - 6);   /* w = 3, 10, 17, 24, 31, 38 unseen */
        assert_int_equal(b.vocab_size, V);
        assert_int_equal(b.sample_size, S);
        assert_true(b.replace == replace);
        assert_memory_equal(a.word_p, b.word_p, V * sizeof *a.word_p);
        assert_memory_equal(a.alias_prob, b.alias_prob, V * sizeof *a.alias_prob);
        assert_memory_equal(a.alias, b.alias, V * sizeof *a.alias);
        assert_true(b.word_p[3] == 0.0 && b.word_p[0] > b.word_p[1]);
        int32_t target[B], na[B * S], nb[B * S];
        for (int i = 0; i < B; i++) target[i] = (i * 7) % V;
        Rng ra, rb;
        rng_seed(&ra, 9);
        rng_seed(&rb, 9);
        unigram_sampler_get_negative_sample(&a, na, target, B, &ra);
        unigram_sampler_get_negative_sample(&b, nb, target, B, &rb);
        assert_memory_equal(na, nb, sizeof na);
        unigram_sampler_free(&a);
        unigram_sampler_free(&b);
    }
    free(corpus);
}

static void test_counts_errors(void **state)
{
    (void)state;
    UnigramSampler s;
    DlfsError err = {0}, err_corpus = {0};
    const int64_t three[5] = {2, 2, 2, 0, 0};   /* 3 distinct words in V = 5 */
    assert_int_equal(unigram_sampler_init_counts(&s, three, 5, 0.75f, 2, false, &err), DLFS_OK);
    unigram_sampler_free(&s);

    /* too few distinct words: the corpus variant's message, word for word */
    const int32_t corpus[6] = {0, 1, 2, 1, 0, 2};
    assert_int_equal(unigram_sampler_init_counts(&s, three, 5, 0.75f, 3, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 6, 5, 0.75f, 3, false, &err_corpus), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_string_equal(err.msg, err_corpus.msg);
    assert_non_null(strstr(err.msg, "which has 3"));
    /* with replacement 3 distinct words suffice */
    assert_int_equal(unigram_sampler_init_counts(&s, three, 5, 0.75f, 4, true, &err), DLFS_OK);
    unigram_sampler_free(&s);

    /* a negative count */
    const int64_t negative[5] = {2, 2, -1, 2, 2};
    err.msg[0] = '\0';
    assert_int_equal(unigram_sampler_init_counts(&s, negative, 5, 0.75f, 1, true, &err), DLFS_ERR_ARG);
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "negative"));
    assert_non_null(strstr(err.msg, "word 2"));
    unigram_sampler_free(&s);

    /* all counts zero: the empty corpus's message */
    const int64_t zero[5] = {0, 0, 0, 0, 0};
    assert_int_equal(unigram_sampler_init_counts(&s, zero, 5, 0.75f, 1, true, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init(&s, corpus, 0, 5, 0.75f, 1, true, &err_corpus), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_string_equal(err.msg, err_corpus.msg);
    assert_non_null(strstr(err.msg, "empty corpus"));

    /* the arguments both variants check */
    assert_int_equal(unigram_sampler_init_counts(&s, three, 0, 0.75f, 1, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init_counts(&s, three, 5, 0.75f, 0, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    assert_int_equal(unigram_sampler_init_counts(&s, three, 5, -1.0f, 1, false, &err), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
    /* err may be NULL */
    assert_int_equal(unigram_sampler_init_counts(&s, zero, 5, 0.75f, 1, false, NULL), DLFS_ERR_ARG);
    unigram_sampler_free(&s);
}

static void draw_rows(uint64_t seed, bool replace, int32_t *neg, int B)
{
    UnigramSampler s;
    init10(&s, 3, replace);
    Rng rng;
    rng_seed(&rng, seed);
    int32_t target[64];
    for (int b = 0; b < B; b++) target[b] = b % V10;
    unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
    unigram_sampler_free(&s);
}

static void test_same_seed_same_draws(void **state)
{
    (void)state;
    enum { B = 64, S = 3 };
    int32_t a[B * S], b[B * S], c[B * S];
    for (int r = 0; r < 2; r++) {
        const bool replace = r == 1;
        draw_rows(11, replace, a, B);
        draw_rows(11, replace, b, B);
        draw_rows(12, replace, c, B);
        assert_memory_equal(a, b, sizeof a);
        assert_memory_not_equal(a, c, sizeof a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_p_by_hand),
        cmocka_unit_test(test_single_draws_follow_p),
        cmocka_unit_test(test_without_replacement),
        cmocka_unit_test(test_with_replacement),
        cmocka_unit_test(test_fallback_terminates),
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_counts_equal_corpus),
        cmocka_unit_test(test_counts_errors),
        cmocka_unit_test(test_same_seed_same_draws),
        cmocka_unit_test(test_packed_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
