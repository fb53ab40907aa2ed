// %% [markdown]
// # Chapter 3: training the simple CBOW
//
// The C twin of the textbook's `ch03/train.py` (§3.4). One sentence, seven words:
// the simple CBOW model of `ch03/simple_cbow.py` learns to guess the middle word
// from the word on its left and the word on its right, and its input weights
// become the word vectors.
//
// Run it with `./build/notebooks-c/ch03_simple_cbow` (options: `--seed N`,
// default 1; `--epochs N`, default 1000, the textbook's).

// %%
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/optimizer.h"
#include "common/model.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "models/simple_cbow.h"

/* Parses a whole decimal number in [min, max]; 0 on success. */
static int parse_number(const char *name, const char *text, unsigned long long min,
                        unsigned long long max, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0 || v < min || v > max) {
        fprintf(stderr, "ch03_simple_cbow: %s: expected a number in [%llu, %llu], got '%s'\n",
                name, min, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1, epochs = 1000;
    for (int i = 1; i < argc; i++) {
        int bad = 0;
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            bad = parse_number("--seed", argv[++i], 0, UINT64_MAX, &seed);
        else if (strcmp(argv[i], "--epochs") == 0 && i + 1 < argc)
            bad = parse_number("--epochs", argv[++i], 1, 1000000, &epochs);
        else {
            fprintf(stderr, "ch03_simple_cbow: unknown or incomplete argument '%s'\n"
                            "usage: ch03_simple_cbow [--seed N] [--epochs N]\n", argv[i]);
            bad = -1;
        }
        if (bad) return 2;
    }

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
    // the same idea on PTB. The last line is the last loss the trainer recorded.

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
