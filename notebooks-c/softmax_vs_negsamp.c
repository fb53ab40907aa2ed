// %% [markdown]
// # Softmax vs negative sampling: what chapter 4 buys
//
// Chapter 3's CBOW ends in a MatMul over every word of the vocabulary and a
// softmax (`ch03/simple_cbow.py`): each training example scores all V words to
// find the one that fits. With the seven words of "You say goodbye and I say
// hello." that costs nothing. With PTB's 10,000 words it is most of the work
// (textbook §4.1). §4.2 replaces that output side with negative sampling: score
// the target and a few sampled wrong words, each as a yes/no question
// (`ch04/cbow.py`).
//
// This lab trains both CBOWs on PTB with the textbook's settings, the same seed
// and the same data, and measures what the change buys; then it times one step
// of each at vocabularies of 1,000 to 100,000 words, on the way to the
// chapter's 1,000,000.
//
// Run it with `./build/notebooks-c/softmax_vs_negsamp` (options: `--iters N`,
// iterations per model, default 200; `--full` for one whole epoch each, about
// a minute for the softmax model on an idle machine; `--seed N`, default 1).
// PTB comes from the data folder (`--data-dir DIR`, else `$DLFS2_DATA`, else
// `~/.cache/dlfs2`), downloaded when missing.

// %%
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"
#include "training/optimizer.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "training/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "lab.h"
#include "recipe/model_build.h"
#include "models/word2vec.h"
#include "recipe/vocab_sweep.h"

#define PROG "softmax_vs_negsamp"

enum { QUICK_ITERS = 200, TIMING_REPS = 20, N_RUNS = 2 };

/* One of the two models and what its training gave. */
typedef struct Run {
    Word2VecLoss loss;
    const char *label;
    const char *objective;  /* what its loss is, for the plot's legend */
    RecipeModel m;          /* CBOW with this loss, built by the run recipe (recipe/model_build.h) */
    LossRecord *curve;      /* (n_curve,) the trainer's loss_list, kept after the trainer */
    size_t n_curve;
    long iters;
    double step_ms;         /* one whole training step, measured over the run */
    double fwd_bwd_ms;      /* zero grads + forward + backward alone */
} Run;

// %% [markdown]
// ## 1. The cost on paper
//
// Both models start the same way: the hidden vector h is the mean of the 2w = 10
// context rows of `W_in`. They differ in what they do with h.
//
// - **Softmax** (chapter 3): a score for every word, `h · W_out[:, j]` for all V
//   columns of `W_out` (H, V), then V exponentials for the softmax. That is V·H
//   multiply-adds per example.
// - **Negative sampling** (§4.2): a score for the target and for k = 5 sampled
//   negatives, each `h · W_out[j]` with a row of `W_out` (V, H), and a sigmoid
//   each. That is (1 + k)·H multiply-adds per example.
//
// The backward pass of each costs about twice its forward (one product for dh,
// one for dW_out), so the ratio stays the same. The parameters are the same size
// in both: W_in and W_out hold V·H numbers each, only stored the other way round.

// %%
static void cost_on_paper(const Word2VecConfig *cfg)
{
    const long V = cfg->vocab_size, H = cfg->hidden_size, k = cfg->sample_size;
    const long context = 2L * cfg->window_size;
    const long softmax = V * H, negsamp = (1 + k) * H;
    printf("V = %ld words, H = %ld, window %d (%ld context words), k = %ld negatives, batch %d\n\n",
           V, H, cfg->window_size, context, k, cfg->max_batch);
    printf("per example, forward pass         multiply-adds        exp\n");
    printf("input side (both): mean of %2ld rows  %12ld %10d\n", context, context * H, 0);
    printf("softmax: all V scores              %12ld %10ld\n", softmax, V);
    printf("negative sampling: 1 + k scores    %12ld %10ld\n", negsamp, 1 + k);
    printf("on the output side the softmax does %.0f times the work\n\n",
           (double)softmax / (double)negsamp);
    printf("parameters (float32)      W_in            W_out\n");
    printf("softmax                   %ld (V, H)  %ld (H, V)\n", V * H, V * H);
    printf("negative sampling         %ld (V, H)  %ld (V, H)\n", V * H, V * H);
    printf("Adam updates all %ld of them on every step in both: %ld per example at batch %d\n",
           2 * V * H, 2 * V * H / cfg->max_batch, cfg->max_batch);
}

// %% [markdown]
// So on paper the softmax's output side is about 1,700 times the work. The last
// line is a cost that both pay alike: the textbook's Adam updates every element
// of every parameter on every step, 20,000 elements per example, thirty times
// negative sampling's output side. Keep it in mind for the measurement.
//
// ## 2. Training both on PTB
//
// The textbook's `ch04/train.py` settings for both: CBOW, window 5, hidden 100,
// batch 100, Adam with lr 0.001. Each model gets the same seed, so both shuffle
// the data the same way and start from the same `W_in`. `train` is the
// textbook's Trainer with its progress lines off; it records the mean loss
// every 20 iterations, and the clock runs around the whole of `trainer_fit`
// (one shuffle of the data, then the steps).
//
// Afterwards `time_fwd_bwd` times the model's own part of a step alone: zeroing
// the gradients, forward and backward on one batch, repeated 20 times and
// without the update, so the trained weights stay as they are.

// %%
/* Trains run->loss's CBOW for `iters` iterations. Returns DLFS_OK or the error in err. */
static int train(Run *run, const Int32Array *corpus, const Int32Array *contexts,
                 const Int32Array *target, int V, long iters, uint64_t seed, bool full,
                 DlfsError *err)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.loss = run->loss;
    Rng rng;
    rng_seed(&rng, seed);
    int status = recipe_model_build(&run->m, RECIPE_CBOW, &cfg, corpus->data, corpus->size, &rng, err);
    if (status != DLFS_OK) return status;
    Model model = run->m.model;

    const OptimizerConfig adam = optimizer_default_config(OPTIMIZER_ADAM);
    Optimizer optimizer;
    optimizer_init(&optimizer, &adam, model.params, model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &model, &optimizer);
    trainer.log = full ? stderr : NULL;   /* --full: progress lines on stderr */
    trainer.max_iters = iters;
    const long per_epoch = (long)(target->size / (size_t)cfg.max_batch);
    const int epochs = (int)((iters + per_epoch - 1) / per_epoch);

    const double start = dlfs_now_s();
    status = trainer_fit(&trainer, contexts->data, target->data, target->size, epochs,
                         cfg.max_batch, &rng, err);
    const double seconds = dlfs_now_s() - start;
    run->iters = trainer.total_iters;
    run->step_ms = run->iters > 0 ? 1e3 * seconds / (double)run->iters : 0.0;
    run->curve = trainer.loss_list;       /* kept: trainer_free would free it */
    run->n_curve = trainer.n_loss;
    trainer.loss_list = NULL;
    trainer.n_loss = 0;
    trainer_free(&trainer);
    optimizer_free(&optimizer);
    return status;
}

/* ms of one zero-grads + forward + backward on the first batch of the data, no update. */
static double time_fwd_bwd(Run *run, const Int32Array *contexts, const Int32Array *target,
                           uint64_t seed)
{
    Model model = run->m.model;
    Rng rng;   /* the negatives' draws; the training's rng is done with */
    rng_seed(&rng, seed);
    const int B = model.max_batch;
    const double start = dlfs_now_s();
    for (int r = 0; r < TIMING_REPS; r++) {
        for (int i = 0; i < model.n_params; i++) param_zero_grad(model.params[i]);
        (void)model.ops->forward(model.self, contexts->data, target->data, B, &rng);
        model.ops->backward(model.self);
    }
    return 1e3 * (dlfs_now_s() - start) / TIMING_REPS;
}

/* Iteration (counted from 1 over all epochs) of a loss record. */
static long record_iter(const LossRecord *r, long per_epoch)
{
    return (long)(r->epoch - 1) * per_epoch + r->iter;
}

static void print_training(const Run *runs, int n, long per_epoch, int V, int k)
{
    printf("%-18s %14s   %s\n", "", "loss at iter 1", "last recorded loss");
    for (int i = 0; i < n; i++) {
        const Run *r = &runs[i];
        if (r->n_curve == 0) continue;
        const LossRecord *last = &r->curve[r->n_curve - 1];
        const long to = record_iter(last, per_epoch);
        const long from =     /* the last record is the mean since the one before it */
            r->n_curve > 1 ? record_iter(&r->curve[r->n_curve - 2], per_epoch) + 1 : to;
        printf("%-18s %14.2f   %.2f (mean over iters %ld-%ld)\n", r->label, r->curve[0].loss,
               last->loss, from, to);
    }
    printf("at the start, ln V = %.2f and (1 + k) ln 2 = %.2f\n\n", log((double)V),
           (1 + k) * log(2.0));
    for (int i = 0; i < n; i++)
        printf("%-18s one step %.2f[ms], of it forward + backward %.2f[ms]\n", runs[i].label,
               runs[i].step_ms, runs[i].fwd_bwd_ms);
    printf("a step of negative sampling is %.1f[x] faster\n", runs[0].step_ms / runs[1].step_ms);
}

// %% [markdown]
// Three things to read here.
//
// **The losses start where they must.** With tiny random weights every score is
// about 0. The softmax then gives every word probability 1/V, and its loss is
// -ln(1/V) = ln V = 9.21. Negative sampling asks 1 + k = 6 yes/no questions
// per example, each answered "50 %", and adds up their losses: 6 ln 2 = 4.16.
//
// **The losses do not compare.** 9.21 and 4.16 are two different quantities:
// a 10,000-way cross-entropy against a sum of six binary ones. Neither model
// is "better" because its number is lower, and neither fell "more".
//
// **The speed-up is large, but nowhere near 1,700.** Forward + backward is
// where the two models differ: three products of (100 × 100) and
// (100 × 10,000) matrices per step for the softmax, done by BLAS, against a
// few hundred dot products. But a whole step also holds the dense Adam update
// over all 2,000,000 parameters (most of "one step" minus "forward +
// backward"), and that costs the same in both: after negative sampling it is
// most of the step. The times depend on the machine and on what else runs on
// it; on an idle 2-core machine a step takes about 6 ms with the softmax and
// 1 ms with negative sampling. (`dlfs2 train --fast` updates only the rows a
// step touched: the next speed-up.)
//
// ## 3. The loss curves
//
// Both recorded curves, on one plot, x the iteration and y the loss.

// %%
/* Plots the runs' curves into loss_curves.png. Returns 0, or -1 after printing why. */
static int plot_curves(const Run *runs, int n, long per_epoch, uint64_t seed)
{
    double *xs[N_RUNS] = {NULL}, *ys[N_RUNS] = {NULL};
    PlotSeries series[N_RUNS];
    for (int i = 0; i < n; i++) {
        const size_t m = runs[i].n_curve > 0 ? runs[i].n_curve : 1;
        xs[i] = calloc(m, sizeof(double));
        ys[i] = calloc(m, sizeof(double));
        if (xs[i] == NULL || ys[i] == NULL) {
            fprintf(stderr, "%s: out of memory\n", PROG);
            for (int j = 0; j <= i; j++) { free(xs[j]); free(ys[j]); }
            return -1;
        }
        for (size_t r = 0; r < runs[i].n_curve; r++) {
            xs[i][r] = (double)record_iter(&runs[i].curve[r], per_epoch);
            ys[i][r] = runs[i].curve[r].loss;
        }
        series[i] = (PlotSeries){runs[i].objective, xs[i], ys[i], (int)runs[i].n_curve};
    }
    char title[96];
    snprintf(title, sizeof title, "CBOW on PTB, training loss (seed %llu)",
             (unsigned long long)seed);
    const PlotSpec spec = {.title = title, .xlabel = "iteration",
                           .ylabel = "loss (each its own objective)"};
    const int rc = lab_plot(PROG, "loss_curves.png", &spec, series, n);
    for (int i = 0; i < n; i++) {
        free(xs[i]);
        free(ys[i]);
    }
    return rc;
}

// %% [markdown]
// Both fall. The softmax's curve sits higher and drops by more, and neither
// fact says which model learns better word vectors: the two curves measure
// different things on different scales (the legend says which). What does
// compare is measured outside the losses:
//
// - **time** for the same data: the step times of section 2;
// - **the quality of the vectors**, the rows of `W_in`, scored the same way
//   for both: nearest neighbours (next section), analogies and word
//   similarity (`dlfs2 compare`).
//
// ## 4. What you get for the time
//
// The nearest neighbours (cosine similarity, the textbook's `most_similar`) of
// two of the textbook's queries in each model's `W_in`, and what whole epochs
// cost at the speeds measured above (the textbook's `ch04/train.py` trains 10).

// %%
static int print_neighbours(const Run *runs, int n, const Vocab *vocab)
{
    const char *queries[] = {"you", "year"};
    enum { TOP = 5 };
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        printf("[query] %s\n", queries[q]);
        for (int i = 0; i < n; i++) {
            const RecipeModel *m = &runs[i].m;
            SimilarWord top[TOP];
            DlfsError err = {0};
            const int found = most_similar(queries[q], vocab, m->W_in->value.data, vocab->size,
                                           recipe_model_config(m)->hidden_size, TOP, top, &err);
            if (found < 0) {
                fprintf(stderr, "%s: %s\n", PROG, err.msg);
                return -1;
            }
            printf("  %-18s", runs[i].label);
            for (int j = 0; j < found; j++)
                printf(" %s %.3f", vocab_word(vocab, top[j].id), top[j].similarity);
            printf("\n");
        }
    }
    return 0;
}

static void print_epoch_times(const Run *runs, int n, long per_epoch)
{
    printf("\nat these speeds, %ld iterations per epoch:\n", per_epoch);
    for (int i = 0; i < n; i++)
        printf("  %-18s one epoch %.1f[s], the textbook's 10 epochs %.1f[min]\n", runs[i].label,
               runs[i].step_ms * (double)per_epoch / 1e3,
               runs[i].step_ms * (double)per_epoch * 10 / 6e4);
}

// %% [markdown]
// ## 5. At the chapter's scale
//
// §4.1's argument is about a vocabulary of 1,000,000 words, a hundred times
// PTB's. The cost of a step does not depend on what the words mean, only on V,
// H, B (and, for the hierarchical softmax, on how long the targets' Huffman
// codes are), so a corpus made up for the purpose will do: word r occurs
// max(1, round(V / r)) times (Zipf's law), shuffled. `recipe/vocab_sweep.h`
// builds each CBOW on it through the run recipe and times one training step
// (forward + backward + Adam) in the trainers' own loops, the median of 5:
// once in the textbook's Trainer, whose dense Adam updates all 2·V·H weights on
// every step, and once in the FastTrainer of `dlfs2 train --fast`, whose lazy
// Adam updates only the rows the step touched. The third output side is
// word2vec.c's hierarchical softmax, one sigmoid per inner node on the
// target's path down a Huffman tree, about log2 V of them.
//
// The sizes here, 1,000 to 100,000, take a few seconds; `dlfs2 bench
// --vocab-sizes 10000,100000,1000000 --plot FILE` runs the same code up to a
// million words (about 4 GB of memory).

// %%
enum { SWEEP_N = 3, SWEEP_LOSSES = 3, SWEEP_STEPS = 5 };
static const int sweep_sizes[SWEEP_N] = {1000, 10000, 100000};
static const Word2VecLoss sweep_losses[SWEEP_LOSSES] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_NEGSAMP,
                                                        WORD2VEC_LOSS_HSOFTMAX};

/* Times every loss at every size, prints the table, plots ms/step against V. Returns 0 or -1. */
static int vocab_sweep(uint64_t seed)
{
    static VocabSweepResult res[SWEEP_N][SWEEP_LOSSES];
    const Word2VecConfig cfg = word2vec_default_config(1);   /* window 5, H 100, B 100 */
    printf("synthetic Zipf corpus; CBOW, H %d, B %d; each time the median of %d steps\n",
           cfg.hidden_size, cfg.max_batch, SWEEP_STEPS);
    for (int i = 0; i < SWEEP_N; i++) {
        VocabSweepData d;
        const size_t rows = (size_t)(VOCAB_SWEEP_WARMUP + SWEEP_STEPS) * (size_t)cfg.max_batch;
        vocab_sweep_data_init(&d, sweep_sizes[i], cfg.window_size, rows, seed);
        for (int l = 0; l < SWEEP_LOSSES; l++) {
            DlfsError err = {0};
            if (vocab_sweep_time(&d, sweep_losses[l], cfg.hidden_size, cfg.max_batch, SWEEP_STEPS, seed,
                                 &res[i][l], &err) != DLFS_OK) {
                fprintf(stderr, "%s: V %d: %s\n", PROG, sweep_sizes[i], err.msg);
                vocab_sweep_data_free(&d);
                return -1;
            }
        }
        printf("V %6d: %zu tokens; Huffman codes longest %d, mean over the tokens %.2f\n", sweep_sizes[i],
               d.n_tokens, res[i][2].longest_code, res[i][2].mean_code_tokens);
        vocab_sweep_data_free(&d);
    }
    /* times unpadded: the lab's expected output compares the text around them */
    printf("\none step (forward + backward + Adam):\n");
    for (int i = 0; i < SWEEP_N; i++)
        for (int l = 0; l < SWEEP_LOSSES; l++)
            printf("V %6d  %-9s textbook (dense Adam) %.3f[ms], fast (lazy Adam) %.3f[ms]\n", sweep_sizes[i],
                   word2vec_loss_name(sweep_losses[l]), res[i][l].step[VOCAB_SWEEP_TEXTBOOK].ms,
                   res[i][l].step[VOCAB_SWEEP_FAST].ms);
    for (int i = 0; i < SWEEP_N; i++) {
        const VocabSweepStep *s = res[i][0].step, *n = res[i][1].step;
        printf("V %6d: softmax / negsamp: textbook %.1f[x], fast %.1f[x]\n", sweep_sizes[i],
               s[VOCAB_SWEEP_TEXTBOOK].ms / n[VOCAB_SWEEP_TEXTBOOK].ms, s[VOCAB_SWEEP_FAST].ms / n[VOCAB_SWEEP_FAST].ms);
    }

    double x[SWEEP_N], y[SWEEP_LOSSES * 2][SWEEP_N];
    PlotSeries series[SWEEP_LOSSES * 2];
    static char labels[SWEEP_LOSSES * 2][48];
    for (int i = 0; i < SWEEP_N; i++) x[i] = sweep_sizes[i];
    for (int md = 0; md < 2; md++)
        for (int l = 0; l < SWEEP_LOSSES; l++) {
            const int k = md * SWEEP_LOSSES + l;
            for (int i = 0; i < SWEEP_N; i++) {
                const double ms = res[i][l].step[md].ms;
                y[k][i] = ms > 0.0 ? ms : NAN;   /* a log axis cannot show 0 */
            }
            snprintf(labels[k], sizeof labels[k], "%s, %s", word2vec_loss_name(sweep_losses[l]),
                     md == VOCAB_SWEEP_TEXTBOOK ? "dense Adam" : "lazy Adam");
            series[k] = (PlotSeries){labels[k], x, y[k], SWEEP_N};
        }
    const PlotSpec spec = {.title = "One CBOW step against V (synthetic Zipf corpus)",
                           .xlabel = "vocabulary size V", .ylabel = "ms per step", .log_x = true,
                           .log_y = true};
    return lab_plot(PROG, "vocab_sweep.png", &spec, series, SWEEP_LOSSES * 2);
}

// %%
int main(int argc, char **argv)
{
    long long iters = 0, seed = 1;
    bool full = false;
    const LabOption opts[] = {
        {.name = "--iters", .min = 1, .max = 100000000, .value = &iters, .help = "N"},
        {.name = "--full", .is_flag = true, .flag = &full},
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
    };
    const int parsed = lab_parse_args(PROG, argc, argv, opts, 3);
    if (parsed != 0) return parsed == 1 ? 0 : 2;

    int status = 1;
    Vocab vocab;
    vocab_init(&vocab);
    Int32Array corpus = {0}, contexts = {0}, target = {0};
    Run runs[N_RUNS] = {
        {.loss = WORD2VEC_LOSS_SOFTMAX, .label = "softmax",
         .objective = "softmax: one V-way cross-entropy"},
        {.loss = WORD2VEC_LOSS_NEGSAMP, .label = "negative sampling",
         .objective = "negative sampling: sum of 1 + k binary ones"},
    };
    DlfsError err = {0};
    if (lab_load_ptb(PROG, "train", &corpus, &vocab) != 0) goto done;
    const Word2VecConfig cfg = word2vec_default_config(vocab.size);
    if (create_contexts_target(corpus.data, corpus.size, cfg.window_size, &contexts, &target,
                               &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        goto done;
    }
    const long per_epoch = (long)(target.size / (size_t)cfg.max_batch);
    if (iters == 0) iters = full ? per_epoch : QUICK_ITERS;

    printf("== 1. The cost on paper ==\n");
    cost_on_paper(&cfg);

    printf("== 2. Training both on PTB ==\n");
    printf("PTB train: %zu words, %zu examples, %ld iterations per epoch\n", corpus.size,
           target.size, per_epoch);
    printf("CBOW, Adam lr %.3f, seed %lld, %lld iterations each\n\n",
           (double)optimizer_default_config(OPTIMIZER_ADAM).lr, seed, iters);
    fflush(stdout);
    for (int i = 0; i < N_RUNS; i++) {
        if (train(&runs[i], &corpus, &contexts, &target, vocab.size, (long)iters, (uint64_t)seed,
                  full, &err) != DLFS_OK) {
            fprintf(stderr, "%s: %s: %s\n", PROG, runs[i].label, err.msg);
            goto done;
        }
        runs[i].fwd_bwd_ms = time_fwd_bwd(&runs[i], &contexts, &target, (uint64_t)seed);
    }
    print_training(runs, N_RUNS, per_epoch, vocab.size, cfg.sample_size);

    printf("== 3. The loss curves ==\n");
    if (plot_curves(runs, N_RUNS, per_epoch, (uint64_t)seed) != 0) goto done;

    printf("== 4. What you get for the time ==\n");
    if (print_neighbours(runs, N_RUNS, &vocab) != 0) goto done;
    print_epoch_times(runs, N_RUNS, per_epoch);

    printf("== 5. At the chapter's scale ==\n");
    fflush(stdout);
    if (vocab_sweep((uint64_t)seed) != 0) goto done;
    status = 0;

done:
    for (int i = 0; i < N_RUNS; i++) {
        recipe_model_free(&runs[i].m);
        free(runs[i].curve);
    }
    int32_array_free(&contexts);
    int32_array_free(&target);
    int32_array_free(&corpus);
    vocab_free(&vocab);
    return status;
}

// %% [markdown]
// In the quick run each model has seen 200 batches, about 2 % of one epoch,
// and every cosine is close to 1: all the word vectors still point almost the
// same way (the first thing both models learn is a push that all words
// share), so the order of the neighbours is noise. That is expected, and it is
// the same for both. `--full` trains one epoch each; the neighbours start to
// mean something, more so after the textbook's 10 epochs.
//
// Section 5 shows the chapter's claim growing with V (on a busy machine a
// single time can jump; `dlfs2 bench --vocab-sizes` takes the median of more
// steps with `--steps N`). The softmax's step grows with V: from 10,000 words
// on, about ten times the time for ten times the words (three products with
// the (H, V) W_out and V exps per example; at 1,000 words everything still
// fits in the caches), whichever optimizer. Negative
// sampling's forward and backward stay the same size at every V, but in the
// textbook's Trainer its step still grows with V: the dense Adam reads and
// writes all 2·V·H weights, and at 100,000 words that is nearly the whole
// step. Only with the lazy update (`--fast`) does the step stay flat, and the
// ratio between the two output sides approach the cost on paper. The
// hierarchical softmax's path, the codes' mean length over the tokens, grows
// by about 2 for each tenfold V: log V. At V = 1,000,000 (`dlfs2 bench
// --vocab-sizes 10000,100000,1000000`, docs/benchmarks.md) a softmax step
// takes seconds, and negative sampling's with the lazy update under a
// millisecond.
//
// For the full measurement, with analogy accuracy and WordSim-353 scores of
// both models (and a third output side, word2vec.c's hierarchical softmax),
// run `build/dlfs2 compare --epochs 1` (after `build/dlfs2 fetch eval`, which
// puts the two benchmarks' files into the data folder).
//
// ## Try this
//
// 1. Section 1 says negative sampling's output side grows with k. Set
//    `cfg.sample_size = 20` in `train` (20 negatives instead of 5) and run
//    again. How much slower is its step, and why so little? (Look at the
//    Adam line of section 1.)
// 2. Add a third run, `{.loss = WORD2VEC_LOSS_HSOFTMAX, .label = "hierarchical
//    softmax", .objective = "hierarchical softmax"}`, and make `N_RUNS` 3:
//    word2vec.c's other answer, about ten yes/no questions per example along
//    a Huffman tree of the word counts.
//    Where does its step time fall? Its first loss is neither ln V nor
//    6 ln 2: why is it about the entropy of PTB's word counts (in nats)?
// 3. Section 5's sizes are in `sweep_sizes`. Add 300,000 (about 1.2 GB):
//    does the softmax's step still grow tenfold per tenfold V, and where does
//    its time go (`res[i][l].step[md].phase_ms`, indexed by
//    `TRAIN_PHASE_FORWARD` ... in `training/phase_times.h`)?
// 4. Put the two losses on one scale: after training, score the
//    negative-sampling model as a softmax would (the scores `h · W_out[j]` for
//    all V words, then the V-way cross-entropy of the target) on one batch,
//    and compare it with the softmax model's loss. Which is lower, and does
//    it say anything about the vectors?
