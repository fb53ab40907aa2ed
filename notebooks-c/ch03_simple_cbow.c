// %% [markdown]
// # Chapter 3: training the simple CBOW
//
// The C twin of the textbook's `ch03/train.py` (§3.4). One sentence, seven words:
// the simple CBOW model of `ch03/simple_cbow.py` learns to guess the middle word
// from the word on its left and the word on its right, and its input weights
// become the word vectors.
//
// Run it with `./build/notebooks-c/ch03_simple_cbow` (options: `--seed N`,
// default 1; `--epochs N`, default 1000, the textbook's). It writes the loss
// curve to `loss.png` in `$LAB_OUT_DIR` (or the current folder).

// %%
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "training/optimizer.h"
#include "training/model.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "training/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "models/simple_cbow.h"
#include "notebooks-c/lab.h"

int main(int argc, char **argv)
{
    long long seed = 1, epochs = 1000;
    const LabOption options[] = {
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
        {.name = "--epochs", .min = 1, .max = 1000000, .value = &epochs, .help = "N"},
    };
    const int parsed = lab_parse_args("ch03_simple_cbow", argc, argv, options, 2);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;

    // %% [markdown]
    // ## The data
    //
    // `preprocess` lower-cases the text, splits off the full stop and gives every
    // word an id in order of first appearance: you 0, say 1, goodbye 2, and 3, i 4,
    // hello 5, `.` 6. `create_contexts_target` with window 1 pairs every inner word
    // (the target) with its two neighbours (the contexts): six examples.
    // The textbook then turns both into one-hot vectors; here the ids go to the
    // model, which makes the one-hot rows itself.

    // %%
    const int window_size = 1, hidden_size = 5, batch_size = 3;
    const char *text = "You say goodbye and I say hello.";
    DlfsError err = {0};
    Vocab vocab;
    vocab_init(&vocab);
    Int32Array corpus = {0}, contexts = {0}, target = {0};
    int status = preprocess(text, &corpus, &vocab, &err);
    if (status == DLFS_OK)
        status = create_contexts_target(corpus.data, corpus.size, window_size, &contexts, &target, &err);
    if (status != DLFS_OK) {
        fprintf(stderr, "ch03_simple_cbow: %s\n", err.msg);
        vocab_free(&vocab);
        int32_array_free(&corpus);
        return 1;
    }

    // %% [markdown]
    // ## Model, optimizer, trainer
    //
    // SimpleCBOW with V = 7 and H = 5: `W_in` (7, 5) and `W_out` (5, 7), both
    // 0.01 * N(0, 1). Adam with the textbook's defaults (lr 0.001, β1 0.9, β2
    // 0.999). The trainer shuffles the six examples every epoch, runs two
    // minibatches of three, and prints one progress line per epoch (every 20
    // iterations, and there are only two). The loss starts at ln 7 ≈ 1.95: with
    // tiny weights every word is equally likely.

    // %%
    Rng rng;
    rng_seed(&rng, (uint64_t)seed);
    SimpleCBOW cbow;
    simple_cbow_init(&cbow, vocab.size, hidden_size, window_size, batch_size, &rng);
    Model model;
    simple_cbow_as_model(&cbow, &model);
    const OptimizerConfig adam_config = optimizer_default_config(OPTIMIZER_ADAM);
    Optimizer optimizer;
    optimizer_init(&optimizer, &adam_config, model.params, model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &model, &optimizer);
    printf("== Model, optimizer, trainer ==\n");   /* where this section's output starts */
    status = trainer_fit(&trainer, contexts.data, target.data, target.size, (int)epochs, batch_size,
                         &rng, &err);
    if (status != DLFS_OK) fprintf(stderr, "ch03_simple_cbow: %s\n", err.msg);

    // %% [markdown]
    // ## The word vectors
    //
    // The rows of `W_in`, one per word in id order (the textbook prints
    // `model.word_vecs`). With one sentence they mean little yet; chapter 4 trains
    // the same idea on PTB. Then the last loss the trainer recorded, and the
    // loss of the trained model on all six examples (a forward pass, no
    // update). A record is the mean of the two minibatches since the one
    // before, the second of one epoch and the first of the next, which need
    // not hold each example once: late in training the records jump between a
    // few values, while the loss on all six examples is the model's true
    // loss on the data.

    // %%
    if (status == DLFS_OK) {
        printf("\n== The word vectors ==\n");
        for (int32_t id = 0; id < vocab.size; id++) {
            printf("%s [", vocab_word(&vocab, id));
            for (int k = 0; k < hidden_size; k++)
                printf(k ? " %.6f" : "%.6f", cbow.W_in.value.data[(size_t)id * hidden_size + k]);
            printf("]\n");
        }
        if (trainer.n_loss > 0) printf("final loss: %.2f\n", trainer.loss_list[trainer.n_loss - 1].loss);
        double sum = 0.0;   /* the six examples in order, in minibatches of at most three */
        for (size_t row = 0; row < target.size; row += (size_t)batch_size) {
            const int B = target.size - row < (size_t)batch_size ? (int)(target.size - row) : batch_size;
            sum += B * (double)model.ops->forward(model.self, contexts.data + row * 2 * window_size,
                                                   target.data + row, B, NULL);
        }
        printf("loss on all %zu examples: %.4f\n", target.size, sum / (double)target.size);
    }

    // %% [markdown]
    // ## The loss curve
    //
    // The textbook's `trainer.plot()`: one point per progress line, the mean
    // loss of the iterations since the previous line. Here that is one point
    // per epoch (an epoch has two iterations, fewer than the 20 between
    // lines), so the x axis counts epochs; the textbook's plot would say
    // "iterations (x20)". It falls from ln 7 ≈ 1.95 and flattens, but not
    // to 0 (Try this, 1).

    // %%
    if (status == DLFS_OK && trainer.n_loss > 0) {
        printf("\n== The loss curve ==\n");
        if (lab_plot_loss("ch03_simple_cbow", "loss.png", &trainer) != 0) status = DLFS_ERR_IO;
    }

    trainer_free(&trainer);
    optimizer_free(&optimizer);
    simple_cbow_free(&cbow);
    int32_array_free(&contexts);
    int32_array_free(&target);
    int32_array_free(&corpus);
    vocab_free(&vocab);
    return status == DLFS_OK ? 0 : 1;
}

// %% [markdown]
// ## Try this
//
// 1. Run it with `--seed 2` and `--seed 3`, then add `--epochs 5000` and
//    `--epochs 20000`. Look at loss.png and at the loss on all six examples
//    each time: where does it flatten? It cannot reach 0. SimpleCBOW feeds
//    the model the *mean* of the two context vectors, so the contexts (say,
//    and) of "goodbye" and (and, say) of "i" are the same input h. The best
//    the model can do for that h is probability 1/2 for each of goodbye and
//    i: a loss of ln 2 on both examples, and 0 on the other four, so the
//    mean over the six examples cannot go below 2 · ln 2 / 6 ≈ 0.231.
//    Seeds 1, 2, 3 give a loss on all six examples of 0.571, 0.320, 0.582
//    after 1000 epochs, 0.2315, 0.2314, 0.2315 after 5000 and 0.2310 after
//    20,000: the floor itself (the trainer's records average about 0.232
//    there, as they mix minibatches of two epochs).
//    What would you change in the model so the two contexts differ
//    (hint: concatenate instead of averaging)?
// 2. Set `hidden_size` to 2 and to 20. How do the final loss and the curve
//    change?
// 3. Replace Adam by SGD (`optimizer_default_config(OPTIMIZER_SGD)`, lr 1.0).
//    How many epochs does it need to reach the loss Adam reaches here?
