/*
 * test_million.c — every part at a vocabulary of a million words (issue 19
 * part 3; textbook §4.1's V = 1,000,000), each in a few seconds:
 *  - the sampler, built from the Zipf counts (unigram_sampler_init_counts):
 *    p ∝ count^0.75 in double to 1e-12 for the most frequent and the rarest
 *    words, the alias table giving back exactly p for every
 *    word, and 4 million draws with a fixed seed following p (the 20 most
 *    frequent words each, and the rare half of the vocabulary as a whole,
 *    within 4 standard deviations; a chi-square over 40 rank buckets);
 *    rows without replacement over the million words;
 *  - the Huffman codes of a Zipf count list: prefix-free, the Kraft sum
 *    sum 2^-len exactly 1, lengths within word2vec.c's MAX_CODE_LENGTH 40
 *    and never shorter for a rarer word, every path starting at the root;
 *    and a million-word vocabulary of which only 1000 words occur (999,000
 *    counts of 0), which chained the zero-count words into one path of
 *    999,000 decisions before (refused: more than 2^31 decisions in all);
 *  - a few training steps of CBOW with each output loss at H 8 on the
 *    synthetic Zipf corpus, built from its counts
 *    (recipe_model_build_counts): the first loss as worked out by hand (ln V
 *    for the softmax, 6 ln 2 for negative sampling, ln 2 times the targets'
 *    mean code length for the hierarchical softmax, the weights being ~0), and
 *    the loss going down on the same rows;
 *  - the vectors files (text and binary) written and read back at V = 1e6,
 *    H = 4, word for word and bit for bit;
 *  - a checkpoint of a textbook run at V = 1e6, H = 4 restored into a fresh
 *    run: the same params, Adam state, RNG and position;
 *  - the analogy evaluation over the million rows finding the one row that
 *    answers, the last id.
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

#include "common/rng.h"
#include "common/status.h"
#include "common/vocab.h"
#include "datasets/vectors.h"
#include "evaluation/analogy.h"
#include "layers/huffman_tree.h"
#include "layers/unigram_sampler.h"
#include "models/cbow.h"
#include "models/word2vec.h"
#include "recipe/model_build.h"
#include "training/checkpoint.h"
#include "training/optimizer.h"
#include "training/trainer.h"
#include "tests/testutil.h"

enum { V = 1000000 };

/* The Zipf list: word r occurs max(1, round(100000 / (r + 1))) times (about 2.1 M tokens). */
static int64_t zipf_count(int r)
{
    const double c = round(100000.0 / (double)(r + 1));
    return c < 1.0 ? 1 : (int64_t)c;
}

/* The corpus of those counts, shuffled with seed: (*n,) ids. */
static int32_t *zipf_corpus(size_t *n, uint64_t seed)
{
    size_t N = 0;
    for (int r = 0; r < V; r++) N += (size_t)zipf_count(r);
    int32_t *corpus = malloc(N * sizeof *corpus);
    assert_non_null(corpus);
    size_t pos = 0;
    for (int r = 0; r < V; r++)
        for (int64_t k = zipf_count(r); k > 0; k--) corpus[pos++] = r;
    Rng rng;
    rng_seed(&rng, seed);
    for (size_t i = N - 1; i > 0; i--) {
        const size_t j = (size_t)rng_below(&rng, (uint64_t)i + 1);
        const int32_t t = corpus[i];
        corpus[i] = corpus[j];
        corpus[j] = t;
    }
    *n = N;
    return corpus;
}

/* ------------------------------------------------------------ the sampler */

static void test_sampler_million(void **state)
{
    (void)state;
    /* from the counts, as the streamed training builds it (no 2.1 M-token corpus) */
    int64_t *counts = malloc(V * sizeof *counts);
    assert_non_null(counts);
    for (int r = 0; r < V; r++) counts[r] = zipf_count(r);
    UnigramSampler s;
    DlfsError err = {0};
    assert_int_equal(unigram_sampler_init_counts(&s, counts, V, 0.75f, 5, false, &err), DLFS_OK);
    free(counts);
    assert_int_equal(s.n_nonzero, V);

    /* p in long double, independently */
    long double total = 0.0L;
    for (int r = 0; r < V; r++) total += powl((long double)zipf_count(r), 0.75L);
    double worst = 0.0;
    for (int r = 0; r < V; r++) {
        const long double p = powl((long double)zipf_count(r), 0.75L) / total;
        const double rel = (double)fabsl(((long double)s.word_p[r] - p) / p);
        if (rel > worst) worst = rel;
    }
    assert_true(worst < 1e-12);
    /* the rarest word (count 1) is 1 / total, about 2.6e-7 */
    assert_true(fabs(s.word_p[V - 1] * (double)total - 1.0) < 1e-12);

    /* the alias table gives back p: word w's cell kept plus the other cells' aliases onto w */
    double *q = calloc(V, sizeof *q);
    assert_non_null(q);
    for (int i = 0; i < V; i++) {
        assert_true(s.alias_prob[i] >= 0.0 && s.alias_prob[i] <= 1.0);
        assert_true(s.alias[i] >= 0 && s.alias[i] < V);
        q[i] += s.alias_prob[i];
        if (s.alias[i] != i) q[s.alias[i]] += 1.0 - s.alias_prob[i];
    }
    worst = 0.0;
    for (int w = 0; w < V; w++) {
        const double rel = fabs(q[w] / V - s.word_p[w]) / s.word_p[w];
        if (rel > worst) worst = rel;
    }
    assert_true(worst < 1e-9);
    free(q);

    /* 4 million draws: the 20 most frequent words, the rare half, 40 log-spaced rank buckets */
    enum { DRAWS = 4000000, BUCKETS = 40 };
    long *hits = calloc(V, sizeof *hits);
    assert_non_null(hits);
    Rng rng;
    rng_seed(&rng, 2026);
    for (long i = 0; i < DRAWS; i++) hits[unigram_sampler_draw(&s, &rng)]++;
    for (int r = 0; r < 20; r++) {
        const double e = DRAWS * s.word_p[r], sd = sqrt(e * (1.0 - s.word_p[r]));
        assert_true(fabs((double)hits[r] - e) < 4.0 * sd);
    }
    long rare = 0;
    double rare_p = 0.0;
    for (int r = V / 2; r < V; r++) {
        rare += hits[r];
        rare_p += s.word_p[r];
    }
    assert_true(rare_p > 0.1);   /* the rare half holds a real share of the draws */
    assert_true(fabs((double)rare - DRAWS * rare_p) < 4.0 * sqrt(DRAWS * rare_p * (1.0 - rare_p)));
    double chi = 0.0;
    int lo = 0;
    for (int b = 1; b <= BUCKETS; b++) {
        const int hi = b == BUCKETS ? V : (int)round(pow((double)V, (double)b / BUCKETS));
        if (hi <= lo) continue;
        long o = 0;
        double p = 0.0;
        for (int r = lo; r < hi; r++) {
            o += hits[r];
            p += s.word_p[r];
        }
        const double e = DRAWS * p;
        chi += ((double)o - e) * ((double)o - e) / e;
        lo = hi;
    }
    assert_true(chi < 100.0);   /* < 40 degrees of freedom' 0.9999 quantile (about 80) with margin */
    free(hits);

    /* without replacement over the million: 5 distinct words, never the target */
    enum { B = 2000 };
    int32_t target[B], neg[B * 5];
    for (int b = 0; b < B; b++) target[b] = b % 3 == 0 ? 0 : (int32_t)rng_below(&rng, V);
    unigram_sampler_get_negative_sample(&s, neg, target, B, &rng);
    for (int b = 0; b < B; b++)
        for (int i = 0; i < 5; i++) {
            assert_true(neg[b * 5 + i] >= 0 && neg[b * 5 + i] < V);
            assert_int_not_equal(neg[b * 5 + i], target[b]);
            for (int j = 0; j < i; j++) assert_int_not_equal(neg[b * 5 + i], neg[b * 5 + j]);
        }
    unigram_sampler_free(&s);
}

/* ------------------------------------------------------- the Huffman tree */

/* A code as a left-aligned 64-bit string with its length, for sorting. */
typedef struct Code {
    uint64_t bits;
    int len;
} Code;

static int code_compare(const void *pa, const void *pb)
{
    const Code *a = pa, *b = pb;
    if (a->bits != b->bits) return a->bits < b->bits ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

/* Prefix-free, Kraft sum exactly 1, paths from the root, lengths <= max_len. */
static void check_codes(const HuffmanTree *t, int max_len)
{
    assert_true(t->max_code_length <= max_len && max_len <= 63);
    Code *codes = malloc((size_t)t->vocab_size * sizeof *codes);
    assert_non_null(codes);
    uint64_t kraft = 0;   /* sum of 2^(L - len): 2^L <= 2^63 when the codes are right */
    const int L = t->max_code_length;
    for (int w = 0; w < t->vocab_size; w++) {
        const int len = t->code_length[w];
        assert_true(len >= 1 && len <= L);
        assert_int_equal(t->offset[w + 1] - t->offset[w], len);
        assert_int_equal(t->points[t->offset[w]], t->vocab_size - 2);   /* the root first */
        uint64_t bits = 0;
        for (int d = 0; d < len; d++) {
            const int32_t i = t->offset[w] + d;
            assert_true(t->points[i] >= 0 && t->points[i] <= t->vocab_size - 2);
            assert_true(t->codes[i] <= 1);
            bits |= (uint64_t)t->codes[i] << (63 - d);
        }
        codes[w] = (Code){.bits = bits, .len = len};
        kraft += (uint64_t)1 << (L - len);
    }
    assert_true(kraft == (uint64_t)1 << L);   /* sum 2^-len = 1 exactly */
    qsort(codes, (size_t)t->vocab_size, sizeof *codes, code_compare);
    /* sorted, a code that is a prefix of another is a prefix of the next one */
    for (int i = 0; i + 1 < t->vocab_size; i++) {
        const Code *a = &codes[i], *b = &codes[i + 1];
        const uint64_t mask = ~(uint64_t)0 << (64 - a->len);
        assert_false(a->len <= b->len && (a->bits & mask) == (b->bits & mask));
    }
    free(codes);
}

static void test_huffman_million(void **state)
{
    (void)state;
    int64_t *counts = malloc(V * sizeof *counts);
    assert_non_null(counts);
    for (int r = 0; r < V; r++) counts[r] = zipf_count(r);
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, counts, V, &err), DLFS_OK);
    check_codes(&t, 40);   /* word2vec.c's MAX_CODE_LENGTH */
    for (int r = 1; r < V; r++) assert_true(t.code_length[r] >= t.code_length[r - 1]);
    huffman_tree_free(&t);

    /* a million-word vocabulary of which 1000 words occur: 999,000 counts of 0 */
    for (int r = 1000; r < V; r++) counts[r] = 0;
    assert_int_equal(huffman_tree_init(&t, counts, V, &err), DLFS_OK);
    check_codes(&t, 40);
    /* the zero-count words hang as one balanced subtree, log2(999000) = 19.93 deep: their
     * lengths differ by at most 1, and by 19 or 20 from the subtree's root's depth */
    int lo = t.code_length[1000], hi = lo;
    for (int r = 1000; r < V; r++) {
        if (t.code_length[r] < lo) lo = t.code_length[r];
        if (t.code_length[r] > hi) hi = t.code_length[r];
    }
    printf("# 999000 zero counts: code lengths %d .. %d, longest %d\n", lo, hi, t.max_code_length);
    assert_true(hi - lo <= 1 && lo >= 19);
    assert_int_equal(hi, t.max_code_length);
    huffman_tree_free(&t);
    free(counts);
}

/* -------------------------------------------------- training at a million */

/* R (contexts, target) windows of width 2w at random positions of corpus. */
static void windows(const int32_t *corpus, size_t N, int w, int R, int32_t *contexts, int32_t *target,
                    Rng *rng)
{
    for (int i = 0; i < R; i++) {
        const size_t p = (size_t)w + (size_t)rng_below(rng, N - 2 * (size_t)w);
        target[i] = corpus[p];
        for (int d = 0; d < w; d++) {
            contexts[(size_t)i * 2 * w + d] = corpus[p - (size_t)w + (size_t)d];
            contexts[(size_t)i * 2 * w + w + d] = corpus[p + 1 + (size_t)d];
        }
    }
}

static void test_training_million(void **state)
{
    (void)state;
    size_t N;
    int32_t *corpus = zipf_corpus(&N, 3);
    enum { B = 32, W = 5, STEPS = 8 };
    int32_t contexts[B * 2 * W], target[B];
    Rng rows_rng;
    rng_seed(&rows_rng, 4);
    windows(corpus, N, W, B, contexts, target, &rows_rng);
    int64_t *counts = malloc(V * sizeof *counts);   /* the corpus's counts */
    assert_non_null(counts);
    for (int r = 0; r < V; r++) counts[r] = zipf_count(r);
    const Word2VecLoss losses[] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_NEGSAMP, WORD2VEC_LOSS_HSOFTMAX};
    for (int l = 0; l < 3; l++) {
        Word2VecConfig cfg = word2vec_default_config(V);
        cfg.hidden_size = 8;
        cfg.max_batch = B;
        cfg.loss = losses[l];
        Rng rng;
        rng_seed(&rng, 5);
        RecipeModel m;
        DlfsError err = {0};
        /* the sampler or tree from the counts, as a streamed run builds them */
        assert_int_equal(recipe_model_build_counts(&m, RECIPE_CBOW, &cfg, counts, &rng, &err), DLFS_OK);
        /* the weights are 0.01 randn: every score is ~1e-3, so each sigmoid is ~1/2, the softmax ~1/V */
        double expected;
        if (cfg.loss == WORD2VEC_LOSS_SOFTMAX) {
            expected = log((double)V);
        } else if (cfg.loss == WORD2VEC_LOSS_NEGSAMP) {
            expected = 6.0 * log(2.0);   /* the target and 5 negatives */
        } else {
            const HuffmanTree *tree = &m.cbow.output.tree;
            double len = 0.0;
            for (int b = 0; b < B; b++) len += tree->code_length[target[b]];
            expected = log(2.0) * len / B;
            assert_true(tree->max_code_length <= 40);
        }
        OptimizerConfig oc = optimizer_default_config(OPTIMIZER_ADAM);
        oc.lr = 0.05f;
        Optimizer opt;
        optimizer_init(&opt, &oc, m.model.params, m.model.n_params);
        float first = 0.0f, last = 0.0f;
        for (int k = 0; k < STEPS; k++) {
            for (int i = 0; i < m.model.n_params; i++) param_zero_grad(m.model.params[i]);
            const float loss = m.model.ops->forward(m.model.self, contexts, target, B, &rng);
            assert_true(isfinite(loss));
            m.model.ops->backward(m.model.self);
            optimizer_update(&opt, m.model.params, m.model.n_params);
            if (k == 0) first = loss;
            last = loss;
        }
        assert_true(fabs(first - expected) < 0.01 * expected);
        assert_true(last < first);
        optimizer_free(&opt);
        recipe_model_free(&m);
    }
    free(counts);
    free(corpus);
}

/* ---------------------------------------------------------- vectors files */

static void million_vocab(Vocab *vocab)
{
    vocab_init(vocab);
    char word[16];
    for (int i = 0; i < V; i++) {
        snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(vocab_add(vocab, word), i);
    }
}

static void test_vectors_million(void **state)
{
    enum { H = 4 };
    Vocab vocab;
    million_vocab(&vocab);
    float *W = malloc((size_t)V * H * sizeof *W);
    assert_non_null(W);
    Rng rng;
    rng_seed(&rng, 6);
    for (size_t i = 0; i < (size_t)V * H; i++) W[i] = (float)(rng_uniform(&rng) - 0.5);
    W[(size_t)(V - 1) * H + 3] = 1.25e-30f;   /* a tiny value, kept by both formats */
    char paths[2][4096];   /* test_tmpdir_path's buffer is overwritten by its next call */
    snprintf(paths[0], sizeof paths[0], "%s", test_tmpdir_path(*state, "million.txt"));
    snprintf(paths[1], sizeof paths[1], "%s", test_tmpdir_path(*state, "million.bin"));
    DlfsError err = {0};
    assert_int_equal(vectors_save_text(paths[0], &vocab, W, V, H, &err), DLFS_OK);
    assert_int_equal(vectors_save_binary(paths[1], &vocab, W, V, H, &err), DLFS_OK);
    for (int f = 0; f < 2; f++) {
        Vocab back;
        vocab_init(&back);
        Tensor T = {0};
        assert_int_equal(vectors_load(paths[f], &back, &T, &err), DLFS_OK);
        assert_int_equal(back.size, V);
        assert_int_equal(T.shape[0], V);
        assert_int_equal(T.shape[1], H);
        assert_string_equal(vocab_word(&back, 0), "w0");
        assert_string_equal(vocab_word(&back, V - 1), "w999999");
        for (int i = 0; i < V; i += 9973) assert_int_equal(vocab_get(&back, vocab_word(&vocab, i)), i);
        if (f == 1) {
            assert_memory_equal(T.data, W, (size_t)V * H * sizeof *W);   /* binary: bit for bit */
        } else {
            /* text: %f-style rounding at most half a unit of the written precision */
            double worst = 0.0;
            for (size_t i = 0; i < (size_t)V * H; i++) {
                const double d = fabs((double)T.data[i] - (double)W[i]);
                if (d > worst) worst = d;
            }
            assert_true(worst <= 5e-7);
        }
        tensor_free(&T);
        vocab_free(&back);
    }
    free(W);
    vocab_free(&vocab);
}

/* ------------------------------------------------------------ checkpoints */

/* A textbook run at V = 1e6, H 4: CBOW on the Zipf corpus, Adam, a Trainer. */
typedef struct Run {
    int32_t *corpus;
    size_t N;
    int32_t *contexts, *target;
    CBOW cbow;
    Model model;
    Optimizer opt;
    Trainer trainer;
    Rng rng;
    unsigned char sha[32];
} Run;

enum { RUN_ROWS = 300, RUN_B = 50 };

static void run_init(Run *r, const int32_t *corpus, size_t N, uint64_t seed)
{
    memset(r, 0, sizeof *r);
    r->contexts = malloc(RUN_ROWS * 10 * sizeof *r->contexts);
    r->target = malloc(RUN_ROWS * sizeof *r->target);
    Rng rows;
    rng_seed(&rows, 8);
    windows(corpus, N, 5, RUN_ROWS, r->contexts, r->target, &rows);
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = 4;
    cfg.max_batch = RUN_B;
    rng_seed(&r->rng, seed);
    DlfsError err = {0};
    assert_int_equal(cbow_init(&r->cbow, &cfg, corpus, N, &r->rng, &err), DLFS_OK);
    cbow_as_model(&r->cbow, &r->model);
    const OptimizerConfig oc = optimizer_default_config(OPTIMIZER_ADAM);
    optimizer_init(&r->opt, &oc, r->model.params, r->model.n_params);
    trainer_init(&r->trainer, &r->model, &r->opt);
    r->trainer.log = NULL;
    r->trainer.eval_interval = 2;
    corpus_sha256(corpus, N, r->sha);
}

static void run_free(Run *r)
{
    trainer_free(&r->trainer);
    optimizer_free(&r->opt);
    cbow_free(&r->cbow);
    free(r->contexts);
    free(r->target);
}

static void run_fit(Run *r, long until)
{
    DlfsError err = {0};
    r->trainer.max_iters = until;
    assert_int_equal(trainer_fit(&r->trainer, r->contexts, r->target, RUN_ROWS, 1, RUN_B, &r->rng, &err),
                     DLFS_OK);
}

static void test_checkpoint_million(void **state)
{
    const char *path = test_tmpdir_path(*state, "million.ckpt");
    size_t N;
    int32_t *corpus = zipf_corpus(&N, 9);
    Vocab vocab;
    million_vocab(&vocab);
    Run first, second;
    run_init(&first, corpus, N, 10);
    run_fit(&first, 3);
    static char *const argv[] = {"--model", "cbow"};
    const CheckpointSource src = {.argc = 2, .argv = argv, .corpus_sha256 = first.sha, .corpus_size = N,
                                  .vocab = &vocab, .rng = &first.rng, .trainer = &first.trainer,
                                  .optimizer = &first.opt};
    DlfsError err = {0};
    assert_int_equal(checkpoint_save(path, &src, &err), DLFS_OK);

    run_init(&second, corpus, N, 11);   /* other weights and RNG: all replaced */
    Checkpoint ck;
    assert_int_equal(checkpoint_load(path, &ck, &err), DLFS_OK);
    assert_int_equal(ck.n_words, V);
    assert_int_equal(checkpoint_restore(&ck, &vocab, second.sha, N, RUN_ROWS, &second.trainer, &second.opt,
                                        &second.rng, &err),
                     DLFS_OK);
    checkpoint_free(&ck);
    for (int i = 0; i < first.model.n_params; i++) {
        const Tensor *x = &first.model.params[i]->value, *y = &second.model.params[i]->value;
        assert_int_equal(x->size, (size_t)V * 4);
        assert_memory_equal(x->data, y->data, x->size * sizeof(float));
        assert_memory_equal(first.opt.adam.m[i].data, second.opt.adam.m[i].data, x->size * sizeof(float));
        assert_memory_equal(first.opt.adam.v[i].data, second.opt.adam.v[i].data, x->size * sizeof(float));
    }
    assert_memory_equal(first.rng.s, second.rng.s, sizeof first.rng.s);
    assert_int_equal(second.trainer.total_iters, 3);
    /* both go on alike */
    run_fit(&first, 5);
    run_fit(&second, 5);
    assert_memory_equal(first.model.params[0]->value.data, second.model.params[0]->value.data,
                        (size_t)V * 4 * sizeof(float));
    run_free(&first);
    run_free(&second);
    vocab_free(&vocab);
    free(corpus);
}

/* ------------------------------------------------------------- evaluation */

static void test_analogy_million(void **state)
{
    enum { H = 4 };
    Vocab vocab;
    million_vocab(&vocab);
    float *W = malloc((size_t)V * H * sizeof *W);
    assert_non_null(W);
    Rng rng;
    rng_seed(&rng, 12);
    for (size_t i = 0; i < (size_t)V * H; i++) W[i] = (float)(rng_uniform(&rng) - 0.5);
    /* w1 - w0 + w2 = (-1, 1, 1, 0), which w999999 is exactly (cosine 1) */
    const float rows[4][H] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {-1, 1, 1, 0}};
    memcpy(W, rows[0], sizeof rows[0]);
    memcpy(W + H, rows[1], sizeof rows[1]);
    memcpy(W + 2 * H, rows[2], sizeof rows[2]);
    memcpy(W + (size_t)(V - 1) * H, rows[3], sizeof rows[3]);
    const char *path = test_tmpdir_path(*state, "questions.txt");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(": capital-common-countries\nw0 w1 w2 w999999\nw0 w1 w2 w3\n", f);
    fclose(f);
    AnalogyResult res = {0};
    DlfsError err = {0};
    assert_int_equal(analogy_accuracy(&res, path, &vocab, W, V, H, 0, &err), DLFS_OK);
    assert_int_equal(res.covered, 2);
    assert_int_equal(res.correct, 1);   /* the first question; the second's answer is w999999 too */
    analogy_result_free(&res);
    free(W);
    vocab_free(&vocab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sampler_million),
        cmocka_unit_test(test_huffman_million),
        cmocka_unit_test(test_training_million),
        cmocka_unit_test_setup_teardown(test_vectors_million, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_million, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_analogy_million, test_tmpdir_setup, test_tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
