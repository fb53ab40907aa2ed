/*
 * vocab_sweep.h — the chapter's claim measured at its own scale (textbook
 * §4.1: with V = 1,000,000 and H = 100 the product with W_out and the
 * softmax's V exps dominate a step; §4.2: negative sampling makes the cost
 * independent of V): one CBOW training step (forward + backward + Adam
 * update) timed per output loss at a vocabulary size V, on a SYNTHETIC
 * corpus made up for the purpose. Used by `dlfs2 bench --vocab-sizes`
 * (cli/bench_vocab.c) and the lab notebooks-c/softmax_vs_negsamp.c.
 *
 * The corpus: word r (id r, 0-based) occurs max(1, round(V / (r + 1)))
 * times (Zipf's law with exponent 1, every word at least once, about
 * V (ln V + 0.58) tokens), shuffled with the seed. The sampler's alias
 * table and the Huffman tree are built from these counts as from a real
 * corpus (recipe/model_build.h); the steps' rows are (contexts, target)
 * windows at random positions of it. What a step costs does not depend on
 * what the words mean, only on V, H, B and, for the hierarchical softmax,
 * the lengths of the targets' codes (about log2 V here).
 *
 * The steps run in the trainers' own loops and are read from their phase
 * timing (training/phase_times.h), in two modes:
 *  - VOCAB_SWEEP_TEXTBOOK: the textbook's Trainer (training/trainer.h)
 *    with its dense Adam, which reads and writes all V x H weights of W_in
 *    and W_out on every step, whatever the loss;
 *  - VOCAB_SWEEP_FAST: the FastTrainer of `dlfs2 train --fast`
 *    (training/fast_trainer.h) on one thread, whose lazy Adam updates only
 *    the rows a step touched (the softmax's dense (H, V) W_out whole).
 * One untimed step first, then `steps` steps timed one by one; the result
 * is the median step (a busy machine's preemptions hit single steps).
 *
 * Private to the programs (not installed). Library code: errors come back
 * as status codes; nothing is printed.
 */
#ifndef DLFS2_RECIPE_VOCAB_SWEEP_H
#define DLFS2_RECIPE_VOCAB_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"
#include "models/word2vec.h"
#include "training/phase_times.h"

/* Untimed steps before the timed ones. */
enum { VOCAB_SWEEP_WARMUP = 1 };

typedef enum VocabSweepMode { VOCAB_SWEEP_TEXTBOOK, VOCAB_SWEEP_FAST, VOCAB_SWEEP_N_MODES } VocabSweepMode;

/* "textbook" or "fast". */
const char *vocab_sweep_mode_name(VocabSweepMode mode);

/* One vocabulary size: its synthetic corpus and the steps' rows. */
typedef struct VocabSweepData {
    int V;
    int window;             /* w: rows are 2w wide (the textbook's 5) */
    int32_t *corpus;        /* (n_tokens,) ids in [0, V), shuffled */
    size_t n_tokens;
    int32_t *contexts;      /* (n_rows, 2w) */
    int32_t *target;        /* (n_rows,) */
    size_t n_rows;
} VocabSweepData;

/* How often word r of V occurs in the synthetic corpus: max(1, round(V / (r + 1))). */
size_t vocab_sweep_count(int V, int r);

/*
 * Makes V's corpus (shuffled with Rng(seed)) and n_rows windows of width
 * 2 * window at random positions of it. V >= 10, window >= 1, n_rows >= 1.
 * Aborts when memory runs out (V = 10^6 takes 57 MB). Free with
 * vocab_sweep_data_free.
 */
void vocab_sweep_data_init(VocabSweepData *d, int V, int window, size_t n_rows, uint64_t seed);
void vocab_sweep_data_free(VocabSweepData *d);

/* One step of each mode, in ms: the median step's phases and their sum. */
typedef struct VocabSweepStep {
    double phase_ms[TRAIN_N_PHASES];
    double ms;
} VocabSweepStep;

typedef struct VocabSweepResult {
    VocabSweepStep step[VOCAB_SWEEP_N_MODES];
    /* the Huffman codes (loss HSOFTMAX only; 0 otherwise) */
    int longest_code;
    double mean_code_words;     /* over the V words */
    double mean_code_tokens;    /* over the corpus' tokens: what a target's path costs on average */
} VocabSweepResult;

/*
 * Builds CBOW (the textbook's window, negatives and power; hidden H,
 * max_batch B, the given loss) on d's corpus with weights from Rng(seed)
 * and times it in both modes on d's rows: VOCAB_SWEEP_WARMUP untimed steps,
 * then `steps` steps (d->n_rows >= (VOCAB_SWEEP_WARMUP + steps) * B). Memory: W_in and W_out with their
 * gradients and Adam's m and v, about 24 V H bytes (4 GB at V = 10^6,
 * H = 100), and the softmax's (B, V) scores. Errors: the model's and the
 * trainers' (DLFS_ERR_ARG, DLFS_ERR_NUMERIC), with the message in err.
 */
int vocab_sweep_time(const VocabSweepData *d, Word2VecLoss loss, int H, int B, int steps, uint64_t seed,
                     VocabSweepResult *out, DlfsError *err) DLFS_WARN_UNUSED;

#endif
