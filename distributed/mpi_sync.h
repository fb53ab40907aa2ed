/*
 * mpi_sync.h — data-parallel training across MPI ranks (issue 20), the
 * scheme of Intel's pWord2Vec MPI version (Ji et al., "Parallelizing
 * Word2Vec in Shared and Distributed Memory", 2016; pWord2Vec_mpi.cpp):
 * every rank trains Hogwild on its own part of the corpus
 * (recipe/word2vec_stream.h word2vec_stream_init_part), and every so often
 * the ranks pause and average their models with MPI_Allreduce(MPI_SUM)
 * divided by the number of ranks. Open MPI does the communication; dlfs2
 * writes no networking of its own.
 *
 * Design (docs/distributed.md):
 * - The syncing happens between steps, on the rank's thread 0 (the one
 *   that called MPI_Init_thread, so MPI_THREAD_FUNNELED is enough): before
 *   it takes its next batch, when a sync is due it copies the rows to
 *   average into a buffer, reduces the buffer across the ranks and copies
 *   the mean back. The rank's other threads go on training meanwhile
 *   (Hogwild, as they do between themselves); what they write to a row
 *   while it is being averaged is overwritten, as in pWord2Vec.
 * - Due: every cfg.every_s seconds of the rank's clock (pWord2Vec's
 *   -sync-period, 0.1 s by default), or, for runs that must repeat to the
 *   byte, every cfg.every_words corpus words read by the rank (--sync-words).
 * - Every sync also sums, across the ranks, each rank's part of the epoch
 *   read, whether its part is over, and its stop flag; so every rank knows
 *   the global word count (SGD's rate follows it: epoch_fraction), and a
 *   Ctrl-C on one rank stops them all at the same sync.
 * - At the end of its part of an epoch a rank keeps taking part in syncs
 *   (with its model as it is) until every rank's part is over; the last of
 *   these leaves the same weights on every rank. So every rank makes the
 *   same number of MPI calls whatever its speed, and none waits forever on
 *   a rank that has finished.
 * - cfg.partial > 0 is pWord2Vec's frequency-prioritised sync: rows of a
 *   word-indexed param (V rows) in order of falling count; sync k (1-based,
 *   counted over the run) averages the partial << ctz(k) most frequent
 *   (the top partial every sync, the top 2 partial every second, ...; all
 *   V once that reaches V, and at the end of every epoch). Params whose
 *   rows are not words (the hierarchical softmax's inner nodes) are
 *   averaged whole at every sync.
 * Errors of MPI calls come back as DLFS_ERR_IO with MPI's message
 * (MPI_ERRORS_RETURN is set on the communicator); a rank that dies makes
 * Open MPI's mpirun end the job.
 */
#ifndef DLFS2_DISTRIBUTED_MPI_SYNC_H
#define DLFS2_DISTRIBUTED_MPI_SYNC_H

#include <mpi.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/param.h"
#include "common/status.h"
#include "training/fast_trainer.h"

/* When the ranks average their models. */
typedef struct MpiSyncConfig {
    double every_s;         /* seconds between syncs (pWord2Vec's -sync-period: 0.1), if every_words is 0 */
    int64_t every_words;    /* > 0: corpus words read by a rank between syncs instead (reproducible) */
    int partial;            /* > 0: frequency-prioritised syncs from this many rows (pWord2Vec: 1024); 0: all rows */
} MpiSyncConfig;

/* A rank's side of the averaging; fields read-only to callers. */
typedef struct MpiSync {
    MPI_Comm comm;
    int rank, size;
    Param **params;         /* (n_params,) borrowed: the weights averaged (models[0]'s) */
    int n_params;
    int V;                  /* rows of a word-indexed param */
    int32_t *order;         /* (V,) word ids by falling count (ties by id); owned */
    MpiSyncConfig cfg;
    FastStream inner;       /* the rank's rows */
    int64_t total;          /* corpus words in an epoch (all ranks) */
    volatile sig_atomic_t *stop;   /* the trainer's stop flag (may be NULL): or-ed across ranks */
    float *buf;             /* packing buffer; owned */
    size_t buf_cap;
    /* this epoch */
    double local_at_sync;   /* this rank's part of the epoch read at the last sync (of total) */
    double global_at_sync;  /* all ranks' part read at the last sync */
    double run_tokens_at_sync, global_run_tokens_at_sync;
    double next_words;      /* words of this rank's part at which the next sync is due */
    double next_time;       /* or the time */
    /* counts, for the benchmark */
    long syncs;             /* syncs in all (1-based k of the partial rule) */
    double sync_s;          /* seconds inside syncs (waiting for the other ranks included) */
    double floats;          /* floats reduced by this rank in all */
} MpiSync;

/*
 * Prepares rank's averaging over comm of params[0 .. n_params) (the
 * weights of the rank's models[0]; rows of a param with V rows are words
 * by id), with counts (V,) int64 (the vocabulary's: the order of the
 * partial syncs; their sum is an epoch's words), around inner (the rank's
 * part of the corpus as a FastStream, which must outlive s) and cfg. stop:
 * the trainer's stop flag, or NULL. Sets MPI_ERRORS_RETURN on comm. Errors:
 * DLFS_ERR_ARG (cfg out of range: every_s <= 0 without every_words,
 * every_words < 0, partial < 0); DLFS_ERR_IO (an MPI call failed).
 * Free with mpi_sync_free, also after a failure.
 */
int mpi_sync_init(MpiSync *s, MPI_Comm comm, Param **params, int n_params, const int64_t *counts, int V,
                  const FastStream *inner, const MpiSyncConfig *cfg, volatile sig_atomic_t *stop,
                  DlfsError *err);
void mpi_sync_free(MpiSync *s);

/*
 * One sync, a collective call of every rank of comm: sums (done, this
 * rank's part of the epoch read, its words read in the run, its stop
 * flag) across the ranks, and replaces the rows due of every param by
 * their mean over the ranks: (sum over ranks) * (1 / size), in float. The
 * rows due: all when cfg.partial is 0, full is true (it must be the same
 * on every rank) or every rank passed done (*all_done, decided from the
 * sums, so all ranks agree); else the partial rule of sync k. Errors:
 * DLFS_ERR_IO with MPI's message.
 */
int mpi_sync_average(MpiSync *s, bool done, bool full, bool *all_done, DlfsError *err);

/*
 * The FastStream that trains inner's rows and syncs as described at the
 * top (fast_trainer_fit_stream): begin_epoch rewinds inner; next_batch
 * syncs on thread 0 when due; epoch_fraction is the global part of the
 * epoch read (at the last sync, plus this rank's words since times size);
 * tokens_read the global words likewise; end_epoch syncs until every
 * rank's part is over.
 */
FastStream mpi_sync_source(MpiSync *s);

/*
 * Rank root's values of params[0 .. n) into every rank's (MPI_Bcast): the
 * same initial weights everywhere. Errors: DLFS_ERR_IO with MPI's message.
 */
int mpi_broadcast_params(MPI_Comm comm, int root, Param **params, int n, DlfsError *err);

/*
 * Whether every rank of comm passed the same hash of `what` (e.g. the
 * vocabulary and its counts): DLFS_OK, or DLFS_ERR_FORMAT naming the first
 * rank whose hash differs from rank 0's (on every rank), or DLFS_ERR_IO.
 */
int mpi_check_same(MPI_Comm comm, uint64_t hash, const char *what, DlfsError *err);

#endif
