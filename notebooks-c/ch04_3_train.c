// %% [markdown]
// # Chapter 4: training CBOW on PTB
//
// The C twin of the textbook's `ch04/train.py` (§4.3.1). Chapter 3's CBOW
// guessed the middle word of a seven-word sentence; here the same idea runs on
// the Penn Treebank (PTB): 929,589 words, a vocabulary of 10,000. The two
// changes of §4.1 and §4.2 make that fast enough: an Embedding layer takes
// the rows of `W_in` instead of multiplying one-hot vectors, and negative
// sampling replaces the softmax over all 10,000 words by 1 + 5 yes/no
// questions.
//
// The settings are the textbook's: window 5, hidden size 100, batch 100,
// Adam (lr 0.001), 5 negative samples, 10 epochs.
//
// Run it with `./build/notebooks-c/ch04_3_train`. **By default it stops after
// 500 iterations** (a few seconds; the loss is still near 2.7 and the vectors
// mean little yet). `--full` trains the textbook's 10 epochs (92,950
// iterations, a couple of minutes); `--iters N` stops after N iterations;
// `--seed N` (default 1) draws other initial weights, shuffles and negatives.
// It writes the loss curve `ch04_3_loss.png` and the word vectors
// `cbow_vectors.txt` into `$LAB_OUT_DIR` (or the current folder);
// `ch04_3_eval --vectors cbow_vectors.txt` evaluates them. PTB is read from
// the data folder (`--data-dir DIR`, else `$DLFS2_DATA`, else
// `~/.cache/dlfs2`), and downloaded there when missing.

// %%
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "training/model.h"
#include "training/optimizer.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "training/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "datasets/vectors.h"
#include "models/cbow.h"
#include "models/word2vec.h"
#include "notebooks-c/lab.h"

#define PROG "ch04_3_train"
#define QUICK_ITERS 500

/* Prints example `row` as words: its 2w contexts around a "[target]". */
static void print_example(const Vocab *vocab, const Int32Array *contexts, const Int32Array *target,
                          size_t row, int window)
{
    const int32_t *c = contexts->data + row * 2 * (size_t)window;
    printf("example %zu:", row);
    for (int i = 0; i < 2 * window; i++) {
        if (i == window) printf(" [%s]", vocab_word(vocab, target->data[row]));
        printf(" %s", vocab_word(vocab, c[i]));
    }
    printf("\n");
}

/* Each parameter's shape and size, then the totals in floats and bytes. */
static void print_sizes(const Model *model)
{
    size_t total = 0;
    for (int i = 0; i < model->n_params; i++) {
        const Tensor *v = &model->params[i]->value;
        printf("%-6s (%d, %d)  %zu floats\n", model->params[i]->name, v->shape[0], v->shape[1], v->size);
        total += v->size;
    }
    printf("parameters: %zu floats, %zu bytes (%.1f MB)\n", total, total * sizeof(float),
           (double)(total * sizeof(float)) / 1e6);
    printf("Adam's m and v: another %zu bytes\n", 2 * total * sizeof(float));
}

/* x with the fewest digits that read back as the same float32, as NumPy prints a float32. */
static void format_score(float x, char *buf, size_t size)
{
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, size, "%.*g", digits, (double)x);
        if (strtof(buf, NULL) == x) break;
    }
}

/* util.most_similar(query, ..., top=5), printed as the textbook prints it. */
static void print_most_similar(const char *query, const Vocab *vocab, const float *W, int V, int H)
{
    SimilarWord best[5];
    DlfsError err = {0};
    const int n = most_similar(query, vocab, W, V, H, 5, best, &err);
    if (n < 0) {
        printf("%s is not found\n", query);
        return;
    }
    printf("\n[query] %s\n", query);
    char score[32];
    for (int i = 0; i < n; i++) {
        format_score(best[i].similarity, score, sizeof score);
        printf(" %s: %s\n", vocab_word(vocab, best[i].id), score);
    }
}

int main(int argc, char **argv)
{
    long long seed = 1, iters = -1;
    bool full = false;
    const LabOption options[] = {
        {.name = "--full", .is_flag = true, .flag = &full},
        {.name = "--iters", .min = 0, .max = INT32_MAX, .value = &iters, .help = "N"},
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
    };
    const int parsed = lab_parse_args(PROG, argc, argv, options, 3);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;
    const bool quick = iters < 0 && !full;
    if (iters < 0) iters = full ? 0 : QUICK_ITERS;   /* 0: no limit, all 10 epochs */

    // %% [markdown]
    // ## 1. PTB and the (contexts, target) pairs
    //
    // `ptb.load_data('train')` gives the corpus as word ids (every line ends
    // with the word `<eos>`) and the vocabulary. `create_contexts_target` with
    // window 5 turns every position but the first and last five into one
    // example: the target word and the 10 words around it. The example below
    // shows one as words, the target in brackets. With batches of 100 an
    // epoch is 9,295 iterations.

    // %%
    const int window_size = 5, hidden_size = 100, batch_size = 100, max_epoch = 10;
    DlfsError err = {0};
    Vocab vocab;
    vocab_init(&vocab);
    Int32Array corpus = {0}, contexts = {0}, target = {0};
    if (lab_load_ptb(PROG, "train", &corpus, &vocab) != 0) return 1;
    int status = create_contexts_target(corpus.data, corpus.size, window_size, &contexts, &target, &err);
    if (status != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        int32_array_free(&corpus);
        vocab_free(&vocab);
        return 1;
    }
    printf("== 1. PTB and the (contexts, target) pairs ==\n");
    printf("corpus size: %zu, vocab size: %d\n", corpus.size, (int)vocab.size);
    printf("contexts: (%zu, %d), target: (%zu,)\n", target.size, 2 * window_size, target.size);
    print_example(&vocab, &contexts, &target, 0, window_size);
    print_example(&vocab, &contexts, &target, 100, window_size);
    printf("iterations per epoch: %zu\n", target.size / (size_t)batch_size);

    // %% [markdown]
    // ## 2. The model: CBOW with negative sampling
    //
    // `CBOW(vocab_size, hidden_size, window_size, corpus)` of `ch04/cbow.py`:
    // ten Embedding layers share `W_in`, and their mean `h` goes to a
    // NegativeSamplingLoss over `W_out`, which draws 5 negatives per target
    // from the unigram distribution raised to the power 0.75 (the sampler is
    // built from the corpus's word counts). Both weights are
    // 0.01 * N(0, 1): V × H = 1,000,000 floats each.
    //
    // With weights that small every score is near 0 and every sigmoid near
    // 0.5, so each of the 1 + 5 yes/no questions costs ln 2: the first loss
    // should be 6 ln 2.

    // %%
    Rng rng;
    rng_seed(&rng, (uint64_t)seed);
    Word2VecConfig cfg = word2vec_default_config(vocab.size);
    cfg.hidden_size = hidden_size;
    cfg.window_size = window_size;
    cfg.max_batch = batch_size;
    CBOW cbow;
    status = cbow_init(&cbow, &cfg, corpus.data, corpus.size, &rng, &err);
    if (status != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        cbow_free(&cbow);
        int32_array_free(&contexts);
        int32_array_free(&target);
        int32_array_free(&corpus);
        vocab_free(&vocab);
        return 1;
    }
    Model model;
    cbow_as_model(&cbow, &model);
    printf("\n== 2. The model ==\n");
    printf("CBOW: V %d, H %d, window %d, negative sampling (%d samples, power %g)\n", cfg.vocab_size,
           cfg.hidden_size, cfg.window_size, cfg.sample_size, (double)cfg.power);
    print_sizes(&model);
    printf("loss at the start: about (1 + %d) ln 2 = %.2f\n", cfg.sample_size,
           (1 + cfg.sample_size) * log(2.0));

    // %% [markdown]
    // ## 3. Training with the Trainer
    //
    // `Trainer(model, Adam())` and `trainer.fit(contexts, target, max_epoch=10,
    // batch_size=100)`: every epoch shuffles the examples, and every 20
    // iterations a line prints the mean loss since the last line.
    //
    // **Quick mode**: `trainer.max_iters` stops the run after 500 iterations,
    // 0.05 of the first epoch. The loss falls from 4.16 to about 2.7 in that
    // time. With `--full` the run goes on for all 10 epochs: about 2.2 after
    // the first, about 1.5 at the end.

    // %%
    const OptimizerConfig adam_config = optimizer_default_config(OPTIMIZER_ADAM);
    Optimizer optimizer;
    optimizer_init(&optimizer, &adam_config, model.params, model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &model, &optimizer);
    trainer.max_iters = (long)iters;
    printf("\n== 3. Training ==\n");
    if (iters > 0)
        printf("%sstopping after %lld of the %zu iterations (--full runs them all)\n",
               quick ? "quick mode: " : "", iters, max_epoch * (target.size / (size_t)batch_size));
    const double start = dlfs_now_s();
    status = trainer_fit(&trainer, contexts.data, target.data, target.size, max_epoch, batch_size, &rng,
                         &err);
    const double elapsed = dlfs_now_s() - start;
    if (status != DLFS_OK) fprintf(stderr, "%s: %s\n", PROG, err.msg);
    else
        printf("trained %ld iterations in %.1f[s] (%.2f[ms] per iteration)\n", trainer.total_iters,
               elapsed, 1e3 * elapsed / (double)(trainer.total_iters ? trainer.total_iters : 1));

    // %% [markdown]
    // ## 4. The loss curve
    //
    // The textbook's `trainer.plot()`: one point per progress line, so the
    // x axis counts in units of 20 iterations. The quick run shows the steep
    // start only. The full run's curve falls below 2.6 within the first 2,000
    // iterations, then slowly, with a step down at the start of every epoch:
    // from there on the model meets examples it has trained on before.

    // %%
    if (status == DLFS_OK && trainer.n_loss > 0) {
        printf("\n== 4. The loss curve ==\n");
        printf("last recorded loss: %.2f\n", trainer.loss_list[trainer.n_loss - 1].loss);
        if (lab_plot_loss(PROG, "ch04_3_loss.png", &trainer) != 0) status = DLFS_ERR_IO;
    }

    // %% [markdown]
    // ## 5. Saving the word vectors
    //
    // The rows of `W_in` are the word vectors. The textbook pickles them with
    // the two dictionaries into `cbow_params.pkl`; here they go into
    // `cbow_vectors.txt` in word2vec's text format (a line `V H`, then a line
    // `word v1 ... vH` per word in id order), which `ch04_3_eval`,
    // `dlfs2 eval` and gensim read.
    //
    // A first look: the words nearest to "you" by cosine similarity
    // (`most_similar`, next lab). After 500 iterations the vectors have mostly
    // moved together, all in one common direction, so every cosine is near 1
    // and the neighbours are noise; after `--full` they are we, i, they.

    // %%
    if (status == DLFS_OK) {
        printf("\n== 5. Saving the word vectors ==\n");
        const int V = cbow.W_in.value.shape[0], H = cbow.W_in.value.shape[1];
        char path[4096];
        if (lab_out_path(PROG, "cbow_vectors.txt", path, sizeof path) != 0) {
            status = DLFS_ERR_IO;
        } else if ((status = vectors_save_text(path, &vocab, cbow.W_in.value.data, V, H, &err)) != DLFS_OK) {
            fprintf(stderr, "%s: %s\n", PROG, err.msg);
        } else {
            printf("wrote cbow_vectors.txt (%d words x %d)\n", V, H);
            print_most_similar("you", &vocab, cbow.W_in.value.data, V, H);
        }
    }

    trainer_free(&trainer);
    optimizer_free(&optimizer);
    cbow_free(&cbow);
    int32_array_free(&contexts);
    int32_array_free(&target);
    int32_array_free(&corpus);
    vocab_free(&vocab);
    return status == DLFS_OK ? 0 : 1;
}

// %% [markdown]
// ## Try this
//
// 1. Run `--iters 9295` (one epoch, 10 to 30 s) and then
//    `ch04_3_eval --vectors cbow_vectors.txt`. Which of the textbook's
//    queries already give sensible neighbours?
// 2. Change `batch_size` to 1000 (and nothing else). An epoch has ten times
//    fewer iterations: after one epoch (`--iters 929`), is the loss higher or
//    lower than after one epoch of batch 100, and how long did it take?
// 3. Set `cfg.sample_size` to 1 and to 20. The first loss changes (why?);
//    what happens to the time per iteration?
