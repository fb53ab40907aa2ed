/*
 * checkpoint.h — the whole state of a textbook-mode training run in one
 * file, so that `dlfs2 train --resume DIR` continues it bit for bit.
 *
 * What is saved: the command line that started the run (the
 * hyperparameters), the vocabulary and a SHA-256 of the corpus ids (to
 * refuse other data), the RNG state, the trainer's position (epoch,
 * iteration within it, the shuffle order, the running loss sums, the loss
 * records so far, the seconds trained), every parameter, and the
 * optimizer's state (Adam's m, v and step count, or the state of the other
 * kinds).
 *
 * The file (all integers and floats little-endian):
 *   "DLFS2CKP"  u32 version (CHECKPOINT_VERSION)  u32 flags (0)  u64 L
 *   L bytes of sections, each: 4-byte tag, u64 length, that many bytes
 *   32 bytes: SHA-256 of everything before them
 * Sections, each exactly once, in any order: ARGS, CORP, VOCB, RNG_, POS_,
 * PERM, LOSS, PARM, OPTM (checkpoint.c documents each). A reader rejects a
 * wrong magic, another version, a length that disagrees with the file's
 * size, a checksum mismatch, and any section whose contents do not add up
 * (sizes, counts, ids out of range, a shuffle order that is not a
 * permutation, non-finite numbers), each with a one-line message.
 *
 * Writing is atomic (common/fs.h AtomicFile: a temporary file, fsync,
 * rename), so an interruption leaves the previous checkpoint whole.
 */
#ifndef DLFS2_TRAINING_CHECKPOINT_H
#define DLFS2_TRAINING_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "optimizer.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../common/tensor.h"
#include "trainer.h"
#include "../common/vocab.h"

DLFS2_API_BEGIN

#define CHECKPOINT_VERSION 1u
#define CHECKPOINT_MAGIC "DLFS2CKP"

/* One saved tensor: a parameter, or a piece of optimizer state. */
typedef struct CheckpointTensor {
    char *name;             /* "W_in", or "adam.m:W_in", ...; owned */
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    size_t size;            /* product of shape */
    float *data;            /* (size,) owned */
} CheckpointTensor;

/* A checkpoint as read from a file; everything owned (checkpoint_free). */
typedef struct Checkpoint {
    int argc;               /* the command line's arguments after "train" */
    char **argv;
    unsigned char corpus_sha256[32];
    uint64_t corpus_size;   /* tokens */
    int n_words;            /* the vocabulary, in id order */
    char **words;
    uint64_t rng[4];
    int current_epoch, iter_in_epoch, loss_count;
    long total_iters;
    double total_loss, elapsed_s;
    int32_t *perm;          /* (perm_size,) a permutation of 0 .. perm_size - 1 */
    size_t perm_size;
    LossRecord *loss_list;  /* (n_loss,) */
    size_t n_loss;
    int n_params;
    CheckpointTensor *params;
    int optimizer_kind;     /* an OptimizerKind */
    int optimizer_iter, adam_iter;
    int n_state;
    CheckpointTensor *state;
} Checkpoint;

/* What checkpoint_save writes: everything borrowed for the call. */
typedef struct CheckpointSource {
    int argc;               /* the arguments to save (no NULL entries; none may contain a NUL) */
    char *const *argv;
    const unsigned char *corpus_sha256;  /* (32,) corpus_sha256() of the corpus */
    uint64_t corpus_size;
    const Vocab *vocab;
    const Rng *rng;
    const Trainer *trainer; /* its position, perm, loss records and model->params */
    const Optimizer *optimizer;
} CheckpointSource;

/* SHA-256 of corpus (n,) int32 as little-endian bytes, into out (32 bytes). */
void corpus_sha256(const int32_t *corpus, size_t n, unsigned char out[32]);

/*
 * Writes src to path atomically (path.tmp, fsync, rename). Refuses a state
 * whose params hold a NaN or an infinity, so the last good checkpoint stays.
 * Errors: DLFS_ERR_NUMERIC (non-finite params; nothing written),
 * DLFS_ERR_IO (cannot write; path untouched), DLFS_ERR_ARG (a trainer that
 * has not started: no shuffle order).
 */
int checkpoint_save(const char *path, const CheckpointSource *src, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Parses a checkpoint held in memory (n bytes) into *c (zeroed first).
 * Errors: DLFS_ERR_FORMAT (bad magic, size or section; the message says
 * which), DLFS_ERR_CHECKSUM (the SHA-256 does not match: the file is
 * damaged); *c is then empty. Free with checkpoint_free either way.
 */
int checkpoint_parse(const unsigned char *data, size_t n, Checkpoint *c, DlfsError *err) DLFS_WARN_UNUSED;

/* Reads the file at path and parses it; DLFS_ERR_IO when it cannot be read. */
int checkpoint_load(const char *path, Checkpoint *c, DlfsError *err) DLFS_WARN_UNUSED;

void checkpoint_free(Checkpoint *c);

/*
 * Puts c's state into a run built from c's command line: trainer (its
 * position, perm, loss records; its model's params by name), optimizer
 * and rng. vocab must be the one the corpus gave, and data_size the number
 * of training rows. Checks first and changes nothing on error:
 * DLFS_ERR_FORMAT when the vocabulary, the corpus, the params' names or
 * shapes, the optimizer kind or its state's shapes, or the shuffle order's
 * size differ from the run's (the message names the first difference).
 */
int checkpoint_restore(const Checkpoint *c, const Vocab *vocab, const unsigned char *corpus_sha256,
                       uint64_t corpus_size, size_t data_size, Trainer *trainer, Optimizer *optimizer,
                       Rng *rng, DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
