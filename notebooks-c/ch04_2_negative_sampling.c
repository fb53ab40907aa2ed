// %% [markdown]
// # Chapter 4.2: negative sampling, piece by piece
//
// The C twin of the textbook's §4.2 and `ch04/negative_sampling_layer.py`.
// The CBOW of chapter 3 ends in a MatMul over all V words and a softmax over
// all V scores: with PTB's V = 10,000 that is the slow part. Negative sampling
// replaces it with a few yes/no questions: "is the target word `say`?" (answer:
// yes) and "is it `the`? is it `of`? ..." for a handful of sampled wrong words
// (answer: no). Each question needs one row of `W_out` and one dot product.
//
// The pieces, in the order the textbook builds them: EmbeddingDot (a score per
// question), the sigmoid and the binary cross-entropy (SigmoidWithLoss), the
// UnigramSampler that picks the wrong words, and NegativeSamplingLoss, which puts
// them together. Every section prints its numbers next to the same numbers
// worked out another way.
//
// Run it with `./build/notebooks-c/ch04_2_negative_sampling` (option: `--seed N`,
// default 1, for the random draws of sections 4 and 5). It reads PTB from the
// data folder (`--data-dir DIR`, else `$DLFS2_DATA`, else `~/.cache/dlfs2`),
// downloading it when missing, as `dlfs2 train` does.

// %%
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/optimizer.h"
#include "common/param.h"
#include "plot/plot.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/vocab.h"
#include "layers/embedding_dot.h"
#include "layers/negative_sampling_loss.h"
#include "layers/sigmoid.h"
#include "layers/sigmoid_with_loss.h"
#include "layers/unigram_sampler.h"
#include "models/word2vec_data.h"
#include "lab.h"

#define PROG "ch04_2_negative_sampling"

/* What sections 4 and 5 share: PTB's training corpus and the sampler built on it. */
typedef struct Ptb {
    Int32Array corpus;          /* (929589,) word ids */
    Vocab vocab;                /* V = 10,000 */
    int64_t *counts;            /* (V,) occurrences of each word */
    UnigramSampler sampler;     /* power 0.75, 5 negatives per target, without replacement */
} Ptb;

static void section_1(void);
static void section_2(void);
static void section_3(void);
static int section_4(Ptb *ptb, Rng *rng);
static int section_5(const Ptb *ptb, Rng *rng);

int main(int argc, char **argv)
{
    long long seed = 1;
    const LabOption opts[] = {
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
    };
    const int parsed = lab_parse_args(PROG, argc, argv, opts, 1);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;

    Rng rng;
    rng_seed(&rng, (uint64_t)seed);
    Ptb ptb = {0};
    vocab_init(&ptb.vocab);

    section_1();
    section_2();
    section_3();
    int status = section_4(&ptb, &rng);
    if (status == 0) status = section_5(&ptb, &rng);

    unigram_sampler_free(&ptb.sampler);
    free(ptb.counts);
    int32_array_free(&ptb.corpus);
    vocab_free(&ptb.vocab);
    return status == 0 ? 0 : 1;
}

// %% [markdown]
// ## 1. EmbeddingDot: one score per (hidden vector, word) pair
//
// For row n of a batch, EmbeddingDot takes the hidden vector h[n] and a word id
// idx[n], and scores them with the dot product of that word's row of W_out:
//
//     out[n] = W[idx[n]] · h[n]
//
// The textbook's example in §4.2.4: W is 0..20 as a 7 × 3 matrix, three
// rows of h, and the ids 0, 3, 1. Backward sends dout[n] two ways: to the hidden
// vector, dh[n] = dout[n] · W[idx[n]], and into the word's row of the gradient,
// dW[idx[n]] += dout[n] · h[n]. The other rows of dW stay zero: that is what
// makes the layer cheap. (Here dW is W's `grad`; its Param remembers which rows
// backward touched.)

// %%
static void print_row(const char *label, const float *v, int n)
{
    printf("%s [", label);
    for (int k = 0; k < n; k++) printf(k ? " %6.1f" : "%6.1f", v[k]);
    printf("]\n");
}

static void section_1(void)
{
    enum { V = 7, H = 3, B = 3 };
    Param W;
    param_init(&W, "W", 2, (const int[]){V, H}, true);
    for (int i = 0; i < V * H; i++) W.value.data[i] = (float)i;
    const float h[B * H] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    const int32_t idx[B] = {0, 3, 1};
    const float dout[B] = {1.0f, 0.5f, -1.0f};

    EmbeddingDot layer;
    embedding_dot_init(&layer, &W);
    float out[B], dh[B * H] = {0};
    embedding_dot_forward(&layer, out, h, idx, B);
    embedding_dot_backward(&layer, dh, dout);

    printf("== 1. EmbeddingDot ==\n");
    printf("forward: out = [%.1f %.1f %.1f]\n", out[0], out[1], out[2]);
    const float *w1 = W.value.data + idx[1] * H, *h1 = h + 1 * H;
    printf("by hand: out[1] = W[3]·h[1] = %.0f*%.0f + %.0f*%.0f + %.0f*%.0f = %.1f\n",
           w1[0], h1[0], w1[1], h1[1], w1[2], h1[2],
           (double)w1[0] * h1[0] + (double)w1[1] * h1[1] + (double)w1[2] * h1[2]);
    printf("\nbackward with dout = [%.1f %.1f %.1f]:\n", dout[0], dout[1], dout[2]);
    for (int n = 0; n < B; n++) {
        char label[32];
        snprintf(label, sizeof label, "dh[%d] =", n);
        print_row(label, dh + n * H, H);
    }
    for (int v = 0; v < V; v++) {
        char label[32];
        snprintf(label, sizeof label, "dW[%d] =", v);
        print_row(label, W.grad.data + v * H, H);
    }
    printf("by hand: dW[3] = dout[1] * h[1] = %.1f * [%.0f %.0f %.0f] = [%.1f %.1f %.1f]\n",
           dout[1], h1[0], h1[1], h1[2], dout[1] * h1[0], dout[1] * h1[1], dout[1] * h1[2]);
    printf("rows of dW touched by backward: %d of %d\n", W.n_touched, V);
    param_free(&W);
}

// %% [markdown]
// The forward matches the textbook's `[5, 122, 86]`. Rows 2, 4, 5 and 6 of dW
// are zero: no row of the batch asked about those words. With V = 10,000 that is
// almost all of them, where the softmax's MatMul gradient fills every column of
// W_out.
//
// ## 2. The sigmoid and its derivative
//
// A score is any real number; the sigmoid turns it into a probability of "yes":
//
//     y = 1 / (1 + exp(-x)),        dy/dx = y (1 - y)
//
// The derivative needs only y, which is why the Sigmoid layer keeps its output
// for backward. Below, the Sigmoid layer's forward and its backward with dout = 1
// (which is y(1 - y)), next to the central difference (σ(x + ε) - σ(x - ε)) / 2ε
// with ε = 1e-4, computed in double.

// %%
static double sigmoid_double(double x) { return 1.0 / (1.0 + exp(-x)); }

static void section_2(void)
{
    enum { N = 9 };
    float x[N], y[N], dx[N] = {0}, ones[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)(i - 4);
        ones[i] = 1.0f;
    }
    Sigmoid layer;
    sigmoid_init(&layer, N);
    sigmoid_forward(&layer, y, x, N);
    sigmoid_backward(&layer, dx, ones);

    printf("\n== 2. the sigmoid and its derivative ==\n");
    printf("    x        y   y(1-y) (backward)   numerical\n");
    const double eps = 1e-4;
    double worst = 0.0;
    for (int i = 0; i < N; i++) {
        const double numerical = (sigmoid_double(x[i] + eps) - sigmoid_double(x[i] - eps)) / (2 * eps);
        const double diff = fabs(numerical - dx[i]);
        if (diff > worst) worst = diff;
        printf("%5.1f   %.4f   %.6f            %.6f\n", x[i], y[i], dx[i], numerical);
    }
    printf("max |backward - numerical| = %.1e (float32 rounding)\n", worst);
    sigmoid_free(&layer);
}

// %% [markdown]
// The slope is largest at x = 0, where y = 0.5 and y(1 - y) = 0.25, and fades
// on both sides: a sigmoid that is already sure (|x| large) learns slowly.
//
// ## 3. The binary cross-entropy: SigmoidWithLoss
//
// Each question has a label t: 1 for "yes, this is the target", 0 for "no".
// The loss of one answer y = σ(x) is the cross-entropy of two classes,
//
//     L = -(t log y + (1 - t) log(1 - y)),
//
// averaged over the batch. Put together with the sigmoid, its gradient with
// respect to the score is just (y - t) / N, the same "output minus label" as
// softmax with cross-entropy. Below: the layer's loss and backward, next to
// the formula computed in this lab.

// %%
static void section_3(void)
{
    enum { N = 4 };
    const float x[N] = {2.0f, -1.0f, 0.5f, -3.0f};
    const int32_t t[N] = {1, 0, 0, 1};
    SigmoidWithLoss layer;
    sigmoid_with_loss_init(&layer, N);
    const float loss = sigmoid_with_loss_forward(&layer, x, t, N);
    float dx[N] = {0};
    sigmoid_with_loss_backward(&layer, dx, 1.0f);

    printf("\n== 3. SigmoidWithLoss ==\n");
    printf("    x    t       y   -(t log y + (1-t) log(1-y))   dx (layer)   (y - t)/N\n");
    double sum = 0.0;
    for (int n = 0; n < N; n++) {
        const double y = sigmoid_double(x[n]);
        const double term = -(t[n] * log(y) + (1 - t[n]) * log(1.0 - y));
        sum += term;
        printf("%5.1f   %d   %.4f                        %.4f      %+.4f     %+.4f\n", x[n], t[n], y,
               term, dx[n], (y - t[n]) / N);
    }
    printf("loss: layer %.4f, formula (mean of the terms) %.4f\n", loss, sum / N);

    const float zeros[N] = {0};
    const float loss0 = sigmoid_with_loss_forward(&layer, zeros, t, N);
    printf("\nall scores 0 (tiny weights), same labels: loss %.4f, ln 2 = %.4f\n", loss0, log(2.0));
    sigmoid_with_loss_free(&layer);
}

// %% [markdown]
// Row 4 is confidently wrong (score -3 for a "yes") and costs more than the
// other three together; its gradient is the largest too. With every score 0,
// y = 0.5 whatever the label and each term is -log 0.5 = ln 2 ≈ 0.693: that is
// where a freshly initialised model starts, one ln 2 per question.
//
// ## 4. Which wrong words? The UnigramSampler and its 0.75 power
//
// The negatives are drawn from how often each word occurs, p(w) = count(w) / total,
// so common words get asked about often. word2vec raises the counts to the
// power 0.75 first, which gives rare words a little more:
//
//     p'(w) = count(w)^0.75 / Σ_v count(v)^0.75
//
// The textbook's three-word example: p = 0.7, 0.29, 0.01 becomes 0.642, 0.332,
// 0.027. Then its toy corpus `[0, 1, 2, 3, 4, 1, 2, 3]` with targets `[1, 3, 0]`
// and 2 negatives each. `word_p` is the sampler's p' (power 1 gives plain p).
// Without replacement (the textbook's CPU path) a row never holds its own target
// nor a word twice.

// %%
static int toy_sampler(Rng *rng)
{
    const double p3[3] = {0.7, 0.29, 0.01};
    double p3_new[3], sum = 0.0;
    for (int i = 0; i < 3; i++) sum += p3_new[i] = pow(p3[i], 0.75);
    printf("p = [%.2f %.2f %.2f] -> p^0.75 normalised = [%.5f %.5f %.5f]\n\n", p3[0], p3[1], p3[2],
           p3_new[0] / sum, p3_new[1] / sum, p3_new[2] / sum);

    enum { V = 5, S = 2, B = 3 };
    const int32_t corpus[] = {0, 1, 2, 3, 4, 1, 2, 3};
    const int32_t target[B] = {1, 3, 0};
    UnigramSampler plain = {0}, powered = {0};
    DlfsError err = {0};
    if (unigram_sampler_init(&plain, corpus, 8, V, 1.0f, S, false, &err) != DLFS_OK ||
        unigram_sampler_init(&powered, corpus, 8, V, 0.75f, S, false, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        unigram_sampler_free(&plain);
        unigram_sampler_free(&powered);
        return -1;
    }
    printf("toy corpus [0 1 2 3 4 1 2 3]:\n");
    printf("word  count  p (power 1)  p (power 0.75)\n");
    for (int w = 0; w < V; w++) {
        int count = 0;
        for (int i = 0; i < 8; i++) count += corpus[i] == w;
        printf("%4d  %5d      %.5f         %.5f\n", w, count, plain.word_p[w], powered.word_p[w]);
    }
    int32_t negative[B * S];
    unigram_sampler_get_negative_sample(&powered, negative, target, B, rng);
    printf("\nnegatives (sample_size 2, without replacement):\n");
    for (int b = 0; b < B; b++)
        printf("target %d -> [%d %d]\n", target[b], negative[b * S], negative[b * S + 1]);
    int hits = 0;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < S; i++) hits += negative[b * S + i] == target[b];
    printf("negatives equal to their row's target: %d\n", hits);
    unigram_sampler_free(&plain);
    unigram_sampler_free(&powered);
    return 0;
}

// %% [markdown]
// By hand: 1 and 2^0.75 = 1.682 over 2 · 1 + 3 · 1.682 = 7.045 gives 0.142 and
// 0.239, against plain 0.125 and 0.25: the two rare words went up, the common
// ones down.
//
// Now the real thing. PTB's training set has 929,589 words and V = 10,000;
// sort the words by count and compare p and p^0.75 for the top five and a few
// rare ones (rank 1 is the most frequent word).

// %%
/* A word and its count, for sorting: count descending, then id ascending. */
typedef struct WordCount {
    int64_t count;
    int32_t id;
} WordCount;

static int by_count(const void *a, const void *b)
{
    const WordCount *u = a, *v = b;
    if (u->count != v->count) return u->count > v->count ? -1 : 1;
    return (u->id > v->id) - (u->id < v->id);
}

static int ptb_samplers(Ptb *ptb, Rng *rng)
{
    if (lab_load_ptb(PROG, "train", &ptb->corpus, &ptb->vocab) != 0) return -1;
    const int V = ptb->vocab.size;
    DlfsError err = {0};
    UnigramSampler plain = {0};
    ptb->counts = malloc(sizeof(int64_t) * (size_t)V);
    WordCount *by_rank = malloc(sizeof(WordCount) * (size_t)V);   /* [r - 1]: rank r */
    double *x = malloc(sizeof(double) * (size_t)V), *y1 = malloc(sizeof(double) * (size_t)V),
           *y075 = malloc(sizeof(double) * (size_t)V);
    int status = -1;
    if (!ptb->counts || !by_rank || !x || !y1 || !y075) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        goto done;
    }
    if (word2vec_count_words(ptb->corpus.data, ptb->corpus.size, V, ptb->counts, &err) != DLFS_OK ||
        unigram_sampler_init(&plain, ptb->corpus.data, ptb->corpus.size, V, 1.0f, 5, true, &err) != DLFS_OK ||
        unigram_sampler_init(&ptb->sampler, ptb->corpus.data, ptb->corpus.size, V, 0.75f, 5, false,
                             &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        goto done;
    }
    for (int32_t w = 0; w < V; w++) by_rank[w] = (WordCount){ptb->counts[w], w};
    qsort(by_rank, (size_t)V, sizeof by_rank[0], by_count);

    const double *p1 = plain.word_p, *p075 = ptb->sampler.word_p;
    printf("PTB train: %zu words, V = %d\n", ptb->corpus.size, V);
    printf(" rank  word          count    p (power 1)   p (power 0.75)   ratio\n");
    const int shown[] = {1, 2, 3, 4, 5, 100, 1000, 5000, 10000};
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        const int r = shown[i];
        if (r > V) continue;
        const int32_t w = by_rank[r - 1].id;
        printf("%5d  %-12s %6lld      %.3e        %.3e   %5.2f\n", r, vocab_word(&ptb->vocab, w),
               (long long)ptb->counts[w], p1[w], p075[w], p075[w] / p1[w]);
    }

    /* The empirical check: independent draws (with replacement) from p^0.75. */
    enum { DRAWS = 100000, TOP = 5 };
    int64_t *drawn = calloc((size_t)V, sizeof(int64_t));
    if (!drawn) {
        fprintf(stderr, "%s: out of memory\n", PROG);
        goto done;
    }
    for (int i = 0; i < DRAWS; i++) drawn[unigram_sampler_draw(&ptb->sampler, rng)]++;
    printf("\n%d draws from p^0.75 (unigram_sampler_draw):\n", DRAWS);
    printf(" rank  word          drawn   frequency   p^0.75    (std. error)\n");
    for (int r = 1; r <= TOP; r++) {
        const int32_t w = by_rank[r - 1].id;
        printf("%5d  %-12s %6lld     %.5f    %.5f   (%.5f)\n", r, vocab_word(&ptb->vocab, w),
               (long long)drawn[w], (double)drawn[w] / DRAWS, p075[w],
               sqrt(p075[w] * (1 - p075[w]) / DRAWS));
    }
    double rare1 = 0.0, rare075 = 0.0;
    int64_t rare_drawn = 0;
    for (int r = V / 2 + 1; r <= V; r++) {
        const int32_t w = by_rank[r - 1].id;
        rare1 += p1[w];
        rare075 += p075[w];
        rare_drawn += drawn[w];
    }
    printf("the rarer half (ranks %d-%d) together: power 1 %.5f, power 0.75 %.5f, drawn %.5f\n",
           V / 2 + 1, V,
           rare1, rare075, (double)rare_drawn / DRAWS);
    free(drawn);

    /* The plot: each word's probability against its rank, both powers. */
    for (int r = 1; r <= V; r++) {
        x[r - 1] = r;
        y1[r - 1] = p1[by_rank[r - 1].id];
        y075[r - 1] = p075[by_rank[r - 1].id];
    }
    const PlotSeries series[2] = {
        {.label = "p ∝ count (power 1)", .x = x, .y = y1, .n = V},
        {.label = "p ∝ count^0.75", .x = x, .y = y075, .n = V},
    };
    const PlotSpec spec = {.title = "PTB: the probability of drawing each word as a negative",
                           .xlabel = "frequency rank (1 = most frequent word)",
                           .ylabel = "probability", .log_x = true, .log_y = true};
    printf("\n");
    (void)lab_plot(PROG, "sampler.png", &spec, series, 2);
    status = 0;
done:
    unigram_sampler_free(&plain);
    free(by_rank);
    free(x);
    free(y1);
    free(y075);
    return status;
}

static int section_4(Ptb *ptb, Rng *rng)
{
    printf("\n== 4. the UnigramSampler's 0.75 power ==\n");
    if (toy_sampler(rng) != 0) return -1;
    printf("\n");
    return ptb_samplers(ptb, rng);
}

// %% [markdown]
// The power takes from the top and gives to the bottom: "the" falls from 5.5 %
// of the draws to 1.8 % (ratio 0.32), a word seen once rises about 5-fold (from
// 1.1e-6 to 5.2e-6), and the rarer half of the vocabulary goes from 4.6 % of the
// draws to 12.9 %. The 100,000 draws agree with p^0.75 to within a standard
// error or two. On log-log axes the power 0.75 tilts the curve flatter; the two
// lines cross near rank 150, where words stop losing and start gaining. (These
// draws were with replacement, the textbook's GPU path; section 5 uses the
// sampler without replacement, its CPU path.)
//
// ## 5. One step of NegativeSamplingLoss
//
// Now all of it at PTB's size: W_out (V, H) = (10,000, 100) initialised as
// 0.01 · N(0, 1); four targets (words of chapter 3's sentence that PTB has),
// five negatives each from the sampler above. The hidden vectors h would come
// from W_in; here they are random with entries N(0, 1) / √H, so |h| ≈ 1. The loss is the sum of 1 + 5 SigmoidWithLoss
// means, so at init it is close to 6 · ln 2.
//
// Then backward (into W_out's grad, and dh, which in a model flows on to W_in),
// one SGD step with lr = 1 on W_out, and forward again with the SAME h, targets
// and negatives. In dlfs2 the layer does not draw its negatives: the caller does
// and passes them in, so reusing them is just passing them again.

// %%
static int section_5(const Ptb *ptb, Rng *rng)
{
    enum { B = 4, H = 100, S = 5 };
    const int V = ptb->vocab.size;
    const char *words[B] = {"you", "say", "and", "i"};
    int32_t target[B];
    for (int b = 0; b < B; b++) {
        target[b] = vocab_get(&ptb->vocab, words[b]);
        if (target[b] < 0) {
            fprintf(stderr, "%s: '%s' is not in PTB's vocabulary\n", PROG, words[b]);
            return -1;
        }
    }

    Param W_out;
    param_init(&W_out, "W_out", 2, (const int[]){V, H}, true);
    param_fill_randn(&W_out, 0.01, rng);
    float h[B * H], dh[B * H] = {0};
    for (int i = 0; i < B * H; i++) h[i] = (float)(rng_normal(rng) / sqrt(H));
    int32_t negative[B * S];
    unigram_sampler_get_negative_sample(&ptb->sampler, negative, target, B, rng);

    NegativeSamplingLoss layer;
    negative_sampling_loss_init(&layer, &W_out, S, B);
    const float loss_before = negative_sampling_loss_forward(&layer, h, target, negative, B);
    float pos_before[B];
    memcpy(pos_before, layer.score, sizeof pos_before);     /* row 0 of score: the positives */

    printf("\n== 5. one NegativeSamplingLoss step ==\n");
    printf("targets and their %d negatives:\n", S);
    for (int b = 0; b < B; b++) {
        printf("  %-8s ->", vocab_word(&ptb->vocab, target[b]));
        for (int i = 0; i < S; i++) printf(" %s", vocab_word(&ptb->vocab, negative[b * S + i]));
        printf("\n");
    }
    printf("loss at init: %.4f   (1 + %d) * ln 2 = %.4f\n", loss_before, S, (1 + S) * log(2.0));

    negative_sampling_loss_backward(&layer, dh, 1.0f);
    printf("rows of W_out with a gradient: %d of %d\n", W_out.n_touched, V);

    OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_SGD);
    cfg.lr = 1.0f;
    Optimizer sgd;
    Param *params[1] = {&W_out};
    optimizer_init(&sgd, &cfg, params, 1);
    optimizer_update(&sgd, params, 1);

    const float loss_after = negative_sampling_loss_forward(&layer, h, target, negative, B);
    printf("after one SGD step (lr %.1f), same h, targets and negatives: loss %.4f (%+.4f)\n",
           cfg.lr, loss_after, loss_after - loss_before);
    printf("positive scores W_out[target]·h, before -> after:\n");
    for (int b = 0; b < B; b++)
        printf("  %-8s %+.4f -> %+.4f\n", vocab_word(&ptb->vocab, target[b]), pos_before[b],
               layer.score[b]);

    optimizer_free(&sgd);
    negative_sampling_loss_free(&layer);
    param_free(&W_out);
    return 0;
}

// %% [markdown]
// The loss fell, and every positive score rose: one step pulled each target's
// row of W_out toward its h and pushed the negatives' rows away. Only
// B · (1 + S) = 24 rows at most had a gradient (fewer when a word repeats); the
// softmax version would have computed all 10,000 scores per row and updated all
// of W_out. That is the whole speed-up of §4.2; §4.3 trains the model with it.
//
// ## Try this
// 1. In section 5, draw the negatives with replacement (a sampler built with
//    `replace = true`, the textbook's GPU path). How often does a row hold its
//    own target as a "negative" with 5 draws? Which words does it happen to?
// 2. Set the power to 0 and to 0.5 in section 4. What does power 0 mean for
//    the negatives, and what happens to the "the" row of the table?
// 3. Take ten SGD steps in section 5 instead of one. Does the loss keep
//    falling? What does it approach, and why is that a problem that fresh
//    negatives every step avoid?
