/*
 * phase_times.h — where the time of a training step goes, measured inside
 * the trainers' own loops (training/trainer.h, training/fast_trainer.h), so
 * that `dlfs2 bench` times the code that trains instead of a copy of it.
 *
 * A trainer given a TrainerPhaseTimes adds, for every step it runs, the
 * wall seconds of each phase, in the order they run:
 *
 *   BATCH     making the minibatch: the rows gathered from the shuffled
 *             order (and, in the Trainer, the gradients zeroed)
 *   SAMPLE    the model's sample op (the negatives); 0 for a model without
 *   FORWARD   forward -> loss
 *   BACKWARD  backward (gradients added)
 *   UPDATE    the optimizer: the Trainer's clip_grads and optimizer_update;
 *             the FastTrainer's step rate and row-sparse update (which also
 *             zeroes the gradients it applied)
 *
 * The phases follow one another without gaps, so their sum is the step's
 * wall time from gathering to update; what a trainer does between steps
 * (the epoch's shuffle and rows, progress lines, NaN checks, hooks) is in
 * no phase. With several threads the seconds of all threads add up. A NULL
 * pointer (the default) times nothing: one branch per phase.
 */
#ifndef DLFS2_TRAINING_PHASE_TIMES_H
#define DLFS2_TRAINING_PHASE_TIMES_H

#include "../common/api.h"

DLFS2_API_BEGIN

typedef enum TrainPhase {
    TRAIN_PHASE_BATCH,
    TRAIN_PHASE_SAMPLE,
    TRAIN_PHASE_FORWARD,
    TRAIN_PHASE_BACKWARD,
    TRAIN_PHASE_UPDATE,
    TRAIN_N_PHASES
} TrainPhase;

typedef struct TrainerPhaseTimes {
    double s[TRAIN_N_PHASES];   /* seconds in each phase, summed over the steps (and threads) */
    long steps;                 /* steps timed (a step whose loss was not finite is not counted) */
} TrainerPhaseTimes;

/* The sum of t's phases, in seconds. */
static inline double trainer_phase_total(const TrainerPhaseTimes *t)
{
    double sum = 0.0;
    for (int p = 0; p < TRAIN_N_PHASES; p++) sum += t->s[p];
    return sum;
}

DLFS2_API_END

#endif
