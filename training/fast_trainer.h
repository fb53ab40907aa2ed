/*
 * fast_trainer.h — `dlfs2 train --fast`: the Trainer's loop made fast the
 * way word2vec.c and gensim are, on the same layers and models.
 *
 * What differs from the textbook's Trainer (training/trainer.h), each a
 * documented choice:
 * - Threads over minibatches ("Hogwild!", Recht et al. 2011, as word2vec.c
 *   and gensim do): each thread runs its own copy of the model (its own
 *   layers, buffers, gradients, sampler and Rng) whose weights are the one
 *   shared set (param_share_value), and applies its own updates to the
 *   shared weights without locks. Updates of two threads to the same row
 *   can interleave; with one thread and a seed a run is deterministic.
 * - Row-sparse updates: only the rows a step's backward touched (the Param's
 *   touched_rows) are updated, so a step costs what it touches, not V * H.
 *   Params without row tracking (the softmax's (H, V) W_out) are updated
 *   densely.
 * - Optimizers: FAST_LAZY_ADAM is Adam on the touched rows only (the
 *   "lazy" or sparse Adam of TensorFlow's LazyAdamOptimizer and PyTorch's
 *   SparseAdam): m and v of an untouched row do not decay, and the bias
 *   correction uses the global step count. FAST_SGD_LINEAR is word2vec.c's
 *   plain SGD with a learning rate falling linearly from lr to
 *   lr * min_lr_ratio over the run; lr is per example (word2vec.c's
 *   -alpha): the layers average the loss over the batch, so a step moves by
 *   lr * batch * (the mean gradient) = lr * (the summed gradient). The
 *   rate follows the schedule of all the epochs; max_iters only stops the
 *   run early (an interrupted run, as the textbook's max_iters).
 * - The data of each epoch comes from a callback, so word2vec's recipe can
 *   draw a new subsample and new window sizes every epoch
 *   (models/word2vec_data.h); rows are shuffled per epoch or kept in
 *   corpus order (word2vec.c). fast_trainer_fit_corpus makes the textbook's
 *   pairs per batch from the ids instead; fast_trainer_fit_stream takes
 *   each thread's batches from a stream (recipe/word2vec_stream.h), which
 *   holds no epoch's rows at all.
 * - The update formulas are textbook mode's own (adam_step_span and
 *   sgd_step_span, training/optimizer_span.h), applied per touched row.
 * - While a thread trains, subnormal floats are flushed to zero on it
 *   (common/fpu.h).
 * - The params are checked to be finite (the textbook's Trainer checks
 *   them with each progress line) after each epoch, once the threads have
 *   joined: a step touches only about B rows, so a scan of all V x H
 *   weights every eval_interval steps would cost several percent of the
 *   run, while the Trainer's dense Adam reads them all on every step anyway.
 *   A NaN or infinity in a row a step reads stops training sooner, through
 *   that step's loss.
 * Progress lines are the textbook's: "iter" counts the steps of the epoch
 * finished so far by all threads, and the loss is the mean over all threads'
 * steps since the last line.
 */
#ifndef DLFS2_TRAINING_FAST_TRAINER_H
#define DLFS2_TRAINING_FAST_TRAINER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/api.h"
#include "model.h"
#include "phase_times.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../common/tensor.h"
#include "trainer.h"

DLFS2_API_BEGIN

typedef enum FastOptimizerKind {
    FAST_LAZY_ADAM,         /* Adam on touched rows (--fast) */
    FAST_SGD_LINEAR,        /* SGD, linear decay (--preset word2vec) */
} FastOptimizerKind;

typedef struct FastTrainerConfig {
    int threads;            /* >= 1: one model copy and one Rng each */
    int batch_size;         /* rows per step, 1 .. each model's max_batch */
    int epochs;             /* >= 0 */
    long max_iters;         /* stop after this many steps in all; 0 = no limit */
    int eval_interval;      /* a progress line every this many steps; 0 = never */
    FastOptimizerKind optimizer;
    float lr;               /* lazy Adam's lr (0.001), or SGD's starting rate per example */
    float min_lr_ratio;     /* SGD: the rate never falls below lr * this (word2vec.c: 1e-4) */
    float beta1, beta2;     /* lazy Adam: 0.9, 0.999 */
    bool shuffle;           /* shuffle the rows every epoch (textbook) or keep their order */
    FILE *log;              /* progress lines; NULL = silent */
    FILE *csv;              /* "epoch,iter,elapsed_s,loss" rows too, if set */
    const volatile sig_atomic_t *stop;  /* a flag a signal handler may set: once it is non-zero
                               the threads start no more steps (see fast_trainer_fit); NULL =
                               never */
    TrainerPhaseTimes *phase_times; /* NULL = none (default); else every step's phases, all
                               threads' together, are added into it at the end of each epoch
                               (training/phase_times.h), e.g. by dlfs2 bench */
    int local_param;        /* fast_trainer_fit_stream with threads > 1: the index in params[]
                               of a param each thread steps on a copy of its own, adding what
                               it changed into the shared values every local_sync_s seconds
                               and at the end of its part of an epoch
                               (fast_trainer_merge_local); -1 = none (default). For W_out of
                               SkipGram, whose rows both threads would otherwise write all
                               over (docs/fast-mode.md) */
    double local_sync_s;    /* > 0; 0.02 */
} FastTrainerConfig;

/* threads 1, batch 100, 10 epochs, lazy Adam (0.001, 0.9, 0.999), shuffled, lines every 20 steps
 * to stdout, no stop flag, no thread-local param (local_sync_s 0.02). */
FastTrainerConfig fast_trainer_default_config(void);

/*
 * One thread's merge of its copy of a param (cfg.local_param): shared +=
 * local - base, then local = base = shared, element by element; shared,
 * local and base are (n,) float32, distinct arrays; no errors. The same
 * delta merge as local SGD's (Stich 2019, "Local SGD converges fast and
 * communicates little"), between threads. base holds the values the copy started from at the last merge,
 * so each thread adds only its own changes; two threads merging at once
 * race on shared as Hogwild's updates do (a change may be lost, none is
 * added twice by one thread).
 */
void fast_trainer_merge_local(float *shared, float *local, float *base, size_t n);

/*
 * Gives the rows of epoch `epoch` (0-based): *contexts (*n, context_width)
 * and *target (*n,) int32, owned by the callback's ctx and valid until its
 * next call. Returns DLFS_OK or an error (filled into err).
 */
typedef int (*FastEpochFn)(void *ctx, int epoch, const int32_t **contexts, const int32_t **target,
                           size_t *n, DlfsError *err);

typedef struct FastTrainer {
    FastTrainerConfig cfg;
    Model *models;          /* (threads,) borrowed; models[0]'s params own the weights */
    int n_params;
    Tensor *m, *v;          /* (n_params,) lazy Adam's state, shaped like the params; owned */
    long step;              /* steps taken in all (lazy Adam's t) */
    LossRecord *loss_list;  /* (n_loss,) owned, as Trainer's */
    size_t n_loss, cap_loss;
    long total_iters;       /* steps run in all */
    double total_rows;      /* rows trained in all */
    double loop_s;          /* wall seconds inside the threads' step loops, in all (the rest
                               of fit: the epochs' rows and shuffles); for dlfs2 bench */
    bool stopped;           /* fit ended early on cfg.stop */
    int stopped_epoch;      /* then: the epoch it stopped in, 1-based */
} FastTrainer;

/*
 * Prepares a trainer over models[0 .. cfg->threads): models of the same kind
 * and sizes, where models[t]->params[i] of every t >= 1 shares its value
 * with models[0]->params[i] (param_share_value) and has its own gradient.
 * Allocates lazy Adam's state. A config out of range is a contract
 * violation. Free with fast_trainer_free.
 */
void fast_trainer_init(FastTrainer *self, const FastTrainerConfig *cfg, Model *models);
void fast_trainer_free(FastTrainer *self);

/*
 * Trains cfg.epochs epochs, asking next_epoch(ctx, ...) for each epoch's
 * rows; rngs (threads,) drive each thread's sampling (and rngs[0] the
 * shuffles). An epoch runs n / batch_size steps (the tail is dropped).
 * When *cfg.stop turns non-zero, each thread finishes the step it is in,
 * starts no other, and fit returns DLFS_OK with self->stopped set: the
 * weights then hold every update finished (Ctrl-C on `dlfs2 train --fast`).
 * Errors: DLFS_ERR_ARG when an epoch has fewer rows than a batch;
 * DLFS_ERR_NUMERIC when a loss is NaN or infinite (the message names the
 * step; that thread's step is not applied, the other threads finish theirs)
 * or, at the end of an epoch (also one cut short by max_iters or the stop
 * flag), a param holds a NaN or an infinity (the message names it, the
 * epoch and step, and the step in all after which it was last seen finite;
 * the params are left as they are, as the Trainer leaves them);
 * the callback's errors.
 */
int fast_trainer_fit(FastTrainer *self, FastEpochFn next_epoch, void *ctx, Rng *rngs,
                     DlfsError *err) DLFS_WARN_UNUSED;

/*
 * fast_trainer_fit over the textbook's pairs of corpus (corpus_size,) int32
 * with window w every epoch (common/util.h create_contexts_target: N - 2w
 * rows, shuffled when cfg.shuffle), each batch's made from the corpus as
 * it is drawn (create_contexts_target_rows, as the textbook's Trainer does
 * in trainer_fit_corpus), so a run holds the ids and the permutation, 8
 * bytes per word, instead of 4 * (2w + 1) more for the pairs. The results
 * are fast_trainer_fit's over create_contexts_target's arrays, bit for bit
 * (the same permutation draws, the same rows). The model's context_width
 * must be 2w. Errors: create_contexts_target's (too short a corpus),
 * fast_trainer_fit's.
 */
int fast_trainer_fit_corpus(FastTrainer *self, const int32_t *corpus, size_t corpus_size, int window, Rng *rngs,
                            DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Rows read as a stream (recipe/word2vec_stream.h): each thread fills its
 * own batches from its own part of the corpus, so nothing holds an epoch's
 * rows, or the corpus.
 */
typedef struct FastStream {
    /* Before epoch `epoch` (0-based), on the calling thread, the workers
     * idle: rewinds every thread's part. DLFS_OK or an error (into err). */
    int (*begin_epoch)(void *ctx, int epoch, DlfsError *err);
    /* On worker `thread` (0 .. threads - 1), concurrently with the others:
     * fills contexts (B, context_width) and target (B,) int32 with its
     * next B rows. Returns 1 for a batch; 0 when its part of the epoch is
     * over (the fewer than B rows left are dropped); or an error (into err,
     * which is that thread's own). */
    int (*next_batch)(void *ctx, int thread, int32_t *contexts, int32_t *target, int B, DlfsError *err);
    /* Thread-safe, cheap: the part of the current epoch read so far in
     * [0, 1] (tokens read / tokens in an epoch), for SGD's rate and the
     * progress lines. */
    double (*epoch_fraction)(void *ctx);
    /* Thread-safe: the corpus tokens read since the run began, all
     * threads, for the words/s of the progress lines. */
    int64_t (*tokens_read)(void *ctx);
    /* Optional (NULL: none): after epoch `epoch`'s threads have joined,
     * before the params are checked, on the calling thread: e.g. the last
     * model averaging of the epoch across MPI ranks (distributed/mpi_sync.h).
     * DLFS_OK or an error (into err). */
    int (*end_epoch)(void *ctx, int epoch, DlfsError *err);
    void *ctx;
} FastStream;

/*
 * fast_trainer_fit over a FastStream: each thread trains the batches its
 * next_batch gives until its part of the epoch is over; an epoch ends when
 * every thread's has. FAST_SGD_LINEAR's rate falls with the run's
 * progress, (epoch + epoch_fraction()) / epochs, as word2vec.c's alpha
 * with word_count_actual. The progress lines cannot know the steps of an
 * epoch before it ends, so they read
 *
 *     | epoch E |  iter I | P% done | W words/s | time S[s] | loss L
 *
 * (I: the steps of the epoch finished by all threads; P: of the whole run;
 * W: corpus tokens read per second since the run began, as word2vec.c's
 * progress line), at steps 1, 1 + eval_interval, ... of each epoch; the
 * csv rows and loss_list are fast_trainer_fit's. cfg.shuffle is not used
 * (a stream is read in order). max_iters, the stop flag and the NaN
 * checks are fast_trainer_fit's. Errors: fast_trainer_fit's; DLFS_ERR_ARG
 * when an epoch gives no whole batch; the first error of a next_batch
 * (the other threads then stop after their step) or of begin_epoch.
 */
int fast_trainer_fit_stream(FastTrainer *self, const FastStream *stream, Rng *rngs,
                            DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The update of one step, as fast_trainer_fit applies it after a thread's
 * backward: model's gradients (model one of self->models) go into the
 * shared weights, touched rows only (every element of a param without row
 * tracking), and those gradients are zeroed. FAST_LAZY_ADAM uses lr_t
 * (adam_lr_t(lr, beta1, beta2, t), training/adam.h: lr * sqrt(1 - beta2^t)
 * / (1 - beta1^t), as adam_update) and self->m, self->v; FAST_SGD_LINEAR
 * moves by step_lr * grad (step_lr = the decayed rate * batch). Public so
 * that `dlfs2 bench` can time one thread's step phase by phase.
 */
void fast_trainer_apply_update(FastTrainer *self, Model *model, float step_lr, float lr_t);

DLFS2_API_END

#endif
