/*
 * trainer.h — the textbook's Trainer (common/trainer.py `Trainer.fit`).
 *
 * Per epoch: shuffle the rows with a random permutation, run
 * data_size / batch_size minibatches (the tail is dropped, as in the
 * textbook), and for each: zero the grads once, forward, backward,
 * clip_grads when max_grad is set (the textbook's fit(max_grad=...)), one
 * optimizer step. Every eval_interval iterations (and at iteration 0 of
 * each epoch) it prints the mean loss since the last print as the
 * textbook's line
 *
 *     | epoch 1 |  iter 1 / 9295 | time 0[s] | loss 4.16
 *
 * and records it in loss_list (the textbook's trainer.loss_list).
 */
#ifndef DLFS2_TRAINING_TRAINER_H
#define DLFS2_TRAINING_TRAINER_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/api.h"
#include "model.h"
#include "optimizer.h"
#include "phase_times.h"
#include "../common/rng.h"
#include "../common/status.h"

DLFS2_API_BEGIN

/* One printed line. */
typedef struct LossRecord {
    int epoch;              /* 1-based, as printed */
    int iter;               /* 1-based within the epoch, as printed */
    double elapsed_s;       /* wall-clock seconds since fit started */
    float loss;             /* mean loss over the iterations since the last record */
} LossRecord;

/*
 * Called by trainer_fit after every finished iteration (the update applied,
 * the progress line printed), e.g. to write a checkpoint or to stop on a
 * signal. Returns TRAINER_CONTINUE, TRAINER_STOP (fit returns DLFS_OK at
 * once with self->stopped set), or a negative DLFS_ERR_* code, which fit
 * returns (with err filled by the hook).
 */
typedef struct Trainer Trainer;
typedef int (*TrainerHook)(void *ctx, Trainer *self, DlfsError *err);
enum { TRAINER_CONTINUE = 0, TRAINER_STOP = 1 };

struct Trainer {
    Model *model;           /* borrowed */
    Optimizer *optimizer;   /* borrowed; built for model->params */
    float max_grad;         /* 0 = no clipping; else clip_grads(max_grad) before each
                               update, as the textbook's fit(max_grad=...); default 0 */
    int eval_interval;      /* print every this many iterations; default 20; 0 = never */
    long max_iters;         /* stop after this many iterations in all; 0 = no limit */
    FILE *log;              /* progress lines go here; NULL = silent; default stdout */
    FILE *csv;              /* if set, each record is also written as "epoch,iter,elapsed_s,loss" */
    TrainerPhaseTimes *phase_times; /* NULL = none (default); else every step's phases are added
                               into it (training/phase_times.h), e.g. by dlfs2 bench */
    TrainerHook after_step; /* NULL = none */
    void *hook_ctx;         /* passed to after_step */
    LossRecord *loss_list;  /* (n_loss,) owned */
    size_t n_loss;
    size_t cap_loss;
    /* Where training stands: all of it goes into a checkpoint (training/checkpoint.h),
       and fit continues from it, so a run stopped and resumed equals one run. */
    int current_epoch;      /* epochs finished */
    int iter_in_epoch;      /* iterations finished in the current epoch; when > 0, fit
                               continues this epoch without shuffling again */
    long total_iters;       /* iterations run in all */
    int32_t *perm;          /* (perm_size,) the shuffle order of the rows (x[perm] in
                               trainer.py), owned; NULL before the first fit */
    size_t perm_size;
    double total_loss;      /* sum of the losses since the last progress line */
    int loss_count;         /* how many */
    double elapsed_s;       /* training seconds before this fit (from a checkpoint) */
    bool stopped;           /* after_step returned TRAINER_STOP */
};

/*
 * Writes r as one row "epoch,iter,elapsed_s,loss" of loss.csv (seconds
 * to 3 decimals, loss to 6), the format `dlfs2 train` documents.
 */
void loss_record_write_csv(FILE *csv, const LossRecord *r);

/*
 * The progress record of both trainers (this one and training/fast_trainer.h):
 * appends r to *list, which holds *n records in room for *cap (grown by
 * doubling; the caller owns it and frees it with free()), prints r as the
 * textbook's line "| epoch E |  iter I / max_iters | time T[s] | loss L"
 * to log and as "epoch,iter,elapsed_s,loss" to csv, each unless NULL, and
 * flushes them. Aborts when memory runs out.
 */
void trainer_record_loss(LossRecord **list, size_t *n, size_t *cap, FILE *log, FILE *csv,
                         LossRecord r, long max_iters);

/*
 * The index in model->params of the first parameter whose value holds a
 * NaN or an infinity, or -1 when all are finite: the check both trainers
 * make (this one with each progress line, training/fast_trainer.h after
 * each epoch). Reads every element (split across threads when large).
 */
int trainer_first_non_finite(const Model *model);

/*
 * A trainer with the textbook's defaults (eval_interval 20, log stdout, no
 * clipping). model and optimizer are borrowed and must outlive the trainer;
 * the optimizer must have been initialised with model->params.
 */
void trainer_init(Trainer *self, Model *model, Optimizer *optimizer);
void trainer_free(Trainer *self);

/*
 * Trains max_epoch more epochs (current_epoch goes on counting, as the
 * textbook's), on contexts (data_size,
 * model->context_width) int32 and target (data_size,) int32, with
 * minibatches of batch_size rows (1 <= batch_size <= model->max_batch and
 * <= data_size). rng drives the shuffles and the model's sampling.
 *
 * A fresh trainer starts at epoch 0. A trainer whose position (current_epoch,
 * iter_in_epoch, perm, total_iters, the loss sums) was restored from a
 * checkpoint continues from there (an epoch left half done counts as one of
 * the max_epoch), with the rng, params and optimizer state restored too:
 * the result is then bit-identical to an uninterrupted run.
 * Stops early after max_iters iterations in all if set, or when after_step
 * says so. Every eval_interval iterations, with the progress line, the
 * params are checked to be finite.
 *
 * Errors: DLFS_ERR_ARG for sizes out of range, a negative or NaN max_grad,
 * or a restored perm of another size; DLFS_ERR_NUMERIC when a loss is NaN
 * or infinite (the message names the epoch and iteration; the parameters
 * are those after the last good step, as the failing step is not applied)
 * or a parameter is (the message names the iterations it happened
 * between); after_step's errors.
 */
int trainer_fit(Trainer *self, const int32_t *contexts, const int32_t *target, size_t data_size,
                int max_epoch, int batch_size, Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * trainer_fit on create_contexts_target(corpus, window)'s pairs without
 * making them: only corpus (corpus_size,) int32 (borrowed for the call)
 * and the permutation of its corpus_size - 2*window pairs are held, and
 * each minibatch's rows are made from the corpus as it is drawn
 * (common/util.h create_contexts_target_rows): 4 bytes per pair for the
 * permutation instead of 4 * (2*window + 1) for the arrays. The shuffles,
 * minibatches, losses and parameters are bit-identical to trainer_fit on
 * create_contexts_target's arrays, and a checkpoint of either resumes in
 * the other (the position is the same: perm over the same pairs).
 *
 * Errors: trainer_fit's; DLFS_ERR_ARG when 2*window is not
 * model->context_width, or create_contexts_target's (window < 1, a corpus
 * of no more than 2*window words).
 */
int trainer_fit_corpus(Trainer *self, const int32_t *corpus, size_t corpus_size, int window,
                       int max_epoch, int batch_size, Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
