/*
 * phase_mark.h — the trainers' own step timing (private: training/trainer.c
 * and training/fast_trainer.c): the clock reads behind TrainerPhaseTimes
 * (training/phase_times.h).
 */
#ifndef DLFS2_TRAINING_PHASE_MARK_H
#define DLFS2_TRAINING_PHASE_MARK_H

#include "common/clock.h"
#include "training/phase_times.h"

/*
 * For the trainers' loops: when t is not NULL, adds the seconds since *mark
 * to t->s[phase] and sets *mark to now. Nothing when t is NULL.
 */
static inline void trainer_phase_mark(TrainerPhaseTimes *t, TrainPhase phase, double *mark)
{
    if (!t) return;
    const double now = dlfs_now_s();
    t->s[phase] += now - *mark;
    *mark = now;
}

#endif
