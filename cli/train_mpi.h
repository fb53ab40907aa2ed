/*
 * train_mpi.h — `mpirun -np P dlfs2 train --preset word2vec`: the CLI's side
 * of data-parallel training (issue 20; the averaging is
 * distributed/mpi_sync.h). Compiled in every build: without MPI it only
 * notices a launch by mpirun and refuses it, so that P processes do not each
 * train alone and overwrite one another's files.
 */
#ifndef DLFS2_CLI_TRAIN_MPI_H
#define DLFS2_CLI_TRAIN_MPI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "training/fast_trainer.h"
#include "training/model.h"

/* This process's place in an MPI job. */
typedef struct TrainMpi {
    int rank, size;         /* 0 and 1 outside mpirun */
    bool started;           /* MPI_Init_thread was called (MPI_Finalize or MPI_Abort is due) */
    bool shared_error;      /* the failure is one every rank met alike, at the same point (a
                               refused run, different vocabularies): they all finalize */
    void *sync;             /* the MpiSync of the run, once train_mpi_wrap made it; owned */
} TrainMpi;

/*
 * The number of processes a launcher started this one among: Open MPI's
 * OMPI_COMM_WORLD_SIZE, else PMI_SIZE (MPICH, Slurm's srun); 1 when
 * neither is set (or not a number > 1).
 */
int train_mpi_launched_size(void);

/* Whether this dlfs2 was built with MPI (-Dmpi). */
bool train_mpi_built(void);

/*
 * Joins the MPI job when launched with more than one process (MPI_Init_thread,
 * MPI_THREAD_FUNNELED: only the main thread calls MPI), setting rank and
 * size; else rank 0 of 1 and nothing started. Without MPI in the build,
 * a launch of more than one process is refused with a message. Returns an
 * exit status.
 */
int train_mpi_begin(TrainMpi *m);

/*
 * Ends the job's part of this process: MPI_Finalize after rc == 0 or a
 * shared_error (every rank stops at the same point, none waits on
 * another, and each exits with rc); otherwise MPI_Abort(rc), so that the
 * other ranks stop instead of waiting on this one in a collective call.
 * Frees the sync. Harmless when nothing was started.
 */
void train_mpi_end(TrainMpi *m, int rc);

/*
 * Rank 0's weights (model's params) into every rank, then checks that every
 * rank has the same vocabulary and counts (V words, counts (V,)). Prints why
 * and returns an exit status. Harmless with one process.
 */
int train_mpi_share(TrainMpi *m, const Model *model, const char *const *words, const int64_t *counts, int V);

/* Settings of the averaging: --sync-every, --sync-words, --sync-partial. */
typedef struct TrainMpiSync {
    double every_s;
    int64_t every_words;
    int partial;
} TrainMpiSync;

/*
 * *out: the stream to train on: inner itself with one process, else inner
 * wrapped by the averaging of the ranks' models (mpi_sync_source) over
 * model's params, with counts (V,) and the trainer's stop flag. Prints why
 * and returns an exit status.
 */
int train_mpi_wrap(TrainMpi *m, const Model *model, const int64_t *counts, int V, const FastStream *inner,
                   const TrainMpiSync *cfg, volatile sig_atomic_t *stop, FastStream *out);

/* After training, on rank 0: a line with the syncs and the time spent in them. */
void train_mpi_report(const TrainMpi *m, double train_s);

#endif
