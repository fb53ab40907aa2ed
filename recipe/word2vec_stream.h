/*
 * word2vec_stream.h — word2vec.c's training rows made as the corpus is
 * read (issue 19, "streamed training"): what `dlfs2 train --preset
 * word2vec` trains on. Nothing holds an epoch's rows, nor a large corpus:
 * memory is the vocabulary, its counts and one keep probability per word,
 * plus per thread one read buffer (TOKEN_STREAM_CHUNK, 1 MiB), one block
 * of WORD2VEC_STREAM_BLOCK ids and the rows of one sentence, whatever the
 * corpus's length. A small corpus is read once: when it is a plain file
 * of at most cache_max_bytes (WORD2VEC_STREAM_CACHE_BYTES, 16 MiB), each
 * reader keeps the ids its first epoch gave (4 bytes a token), and when
 * every reader read its whole part in the first epoch, the later epochs
 * take the same ids, in the same order, from memory: the same blocks,
 * rows and draws as reading again, without the splitting and lookup of
 * every token (on PTB most of an epoch's reading). Otherwise, and for a
 * gzip file or standard input, every epoch reads the corpus again. The
 * rows are a FastStream (training/fast_trainer.h).
 *
 * Who reads what (word2vec.c's way where the input allows it):
 * - A plain file with threads > 1: thread t reads the byte range
 *   [t * size / T, (t + 1) * size / T) of the file
 *   (datasets/token_stream.h token_stream_open_range): each token once,
 *   a word cut by a range's end read by the range it starts in.
 * - Otherwise (one thread, a gzip file, standard input "-"): one shared
 *   reader, which the threads take blocks from in turn, under a lock.
 * Every thread takes its tokens a block at a time: up to and including
 * the next sentence end, at most WORD2VEC_STREAM_BLOCK tokens of the
 * vocabulary (tokens outside it are skipped, and counted). A block's end
 * ends a sentence, so the rows do not depend on who reads the blocks.
 *
 * Each block gives the rows of models/word2vec_data.h, drawn from the
 * thread's own Rng as the tokens pass: rare words dropped (counts[id] <
 * min_count), the others kept with word2vec_keep_probability(counts[id],
 * total, sample) (total: the sum of counts), then the sentence's rows by
 * word2vec_sentence_rows (shrunk windows). A sentence ends at the sentence
 * end, at the block's end, or when it holds WORD2VEC_STREAM_MAX_SENTENCE
 * kept tokens (word2vec.c's MAX_SENTENCE_LENGTH, 1000): the next kept
 * token starts a new one, as in word2vec.c. So with one thread, and no
 * sentence cut by the last two rules (PTB's longest line has far fewer
 * than 1000 words), an epoch's rows are word2vec_make_epoch's over the
 * corpus's ids, draw for draw, with the Rng seeded seed + 1 as
 * recipe/data.h RecipeEpochs seeds it; with one thread a file, its .gz
 * and the same bytes on standard input give the same rows. Thread t's
 * Rng is seeded (seed + 1) xor (0xbf58476d1ce4e5b9 * t).
 *
 * Standard input can be read once: a second epoch over it is DLFS_ERR_ARG.
 */
#ifndef DLFS2_RECIPE_WORD2VEC_STREAM_H
#define DLFS2_RECIPE_WORD2VEC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/rng.h"
#include "../common/status.h"
#include "../common/vocab.h"
#include "../datasets/token_stream.h"
#include "../models/word2vec_data.h"
#include "../training/fast_trainer.h"

DLFS2_API_BEGIN

/* Tokens a thread takes at a time (at most; a sentence end ends a block). */
#define WORD2VEC_STREAM_BLOCK 8192
/* Kept tokens in a sentence at most (word2vec.c's MAX_SENTENCE_LENGTH). */
#define WORD2VEC_STREAM_MAX_SENTENCE 1000
/*
 * The largest plain file whose ids the stream keeps after the first epoch
 * (16 MiB; see the top of this file). PTB's train split, 5.1 MB, gives
 * about 0.97 million ids: 3.9 MB kept.
 */
#define WORD2VEC_STREAM_CACHE_BYTES ((uint64_t)16 << 20)

struct Word2VecStreamThread;

/* A corpus read as rows; see the top of this file. Fields are read-only to callers. */
typedef struct Word2VecStream {
    char *path;                 /* the corpus ("-": standard input); owned */
    unsigned flags;             /* CORPUS_LOWERCASE or 0 */
    const Vocab *vocab;         /* borrowed: word -> id */
    const int64_t *counts;      /* (V,) borrowed */
    int V;
    Word2VecDataConfig cfg;
    int threads;
    int part, parts;            /* this process reads part `part` of `parts` (MPI ranks); 0 of 1 */
    bool ranged;                /* each thread its own byte range of a plain file */
    uint64_t file_size;         /* when plain */
    int64_t total;              /* tokens in an epoch: the sum of counts */
    double *keep;               /* (V,) keep probabilities; owned */
    struct Word2VecStreamSlot *slots;  /* word -> id, open addressing (every epoch looks up
                                   every token: faster than the Vocab's chained table); owned */
    uint64_t slot_mask;         /* slots - 1 (a power of two >= 1.5 V) */
    TokenStream shared;         /* the shared reader, when not ranged */
    void *lock;                 /* the shared reader's omp_lock_t; owned */
    int epoch;                  /* the epoch begun last, -1 before the first */
    int64_t epoch_tokens;       /* tokens read in this epoch, all threads (atomic) */
    int64_t run_tokens;         /* tokens read since init, all threads (atomic) */
    int64_t skipped;            /* tokens outside the vocabulary, since init (atomic) */
    struct Word2VecStreamThread *th;   /* (threads,) owned */
    bool plain;                 /* the corpus is a plain file (file_size is its size) */
    uint64_t cache_max_bytes;   /* a plain file of at most this many bytes is read once, its ids kept
                                   for the later epochs (init: WORD2VEC_STREAM_CACHE_BYTES; 0: read
                                   every epoch); the one field a caller may set, before the first epoch */
} Word2VecStream;

/*
 * Prepares the rows of the corpus at path ("-": standard input; plain or
 * gzip) for threads >= 1 threads: vocab and counts (V,) (the counts of
 * vocab's words in the corpus, e.g. from datasets/vocab_file.h
 * vocab_count_corpus or vocab_file_read; both borrowed, they must outlive
 * s) and cfg (models/word2vec_data.h: window, dynamic_window, sample,
 * min_count, sentence_end) as word2vec_make_epoch takes them. Opens
 * nothing yet (word2vec_stream_begin_epoch does). Errors: DLFS_ERR_ARG
 * (cfg out of range, as word2vec_make_epoch checks it; threads < 1;
 * counts summing to 0 or a negative count); DLFS_ERR_IO (the file's size
 * cannot be read). Free with word2vec_stream_free, also after a failure.
 */
int word2vec_stream_init(Word2VecStream *s, const char *path, unsigned flags, const Vocab *vocab,
                         const int64_t *counts, const Word2VecDataConfig *cfg, int threads, uint64_t seed,
                         DlfsError *err) DLFS_WARN_UNUSED;
/*
 * word2vec_stream_init for one of `parts` processes (MPI ranks) that share
 * the corpus: this one reads part `part` (0 <= part < parts) of a plain
 * file, its threads the byte ranges part * threads + t of parts * threads
 * equal ranges, so the processes' threads together read every token once.
 * parts 1 is word2vec_stream_init. Errors: word2vec_stream_init's;
 * DLFS_ERR_ARG for parts > 1 over a gzip file or standard input (one
 * reader cannot be split between processes: decompress the file), or a
 * part out of range.
 */
int word2vec_stream_init_part(Word2VecStream *s, const char *path, unsigned flags, const Vocab *vocab,
                              const int64_t *counts, const Word2VecDataConfig *cfg, int threads, int part,
                              int parts, uint64_t seed, DlfsError *err) DLFS_WARN_UNUSED;
void word2vec_stream_free(Word2VecStream *s);

/*
 * Rewinds every thread's reader for epoch `epoch` (0-based). Errors: the
 * reader's open errors; DLFS_ERR_ARG for a second epoch over standard
 * input. A FastStream's begin_epoch (ctx: the Word2VecStream).
 */
int word2vec_stream_begin_epoch(void *ctx, int epoch, DlfsError *err);

/*
 * Thread `thread`'s next B rows into contexts (B, 2w) and target (B,)
 * int32, in the layout of word2vec_make_epoch. Returns 1, or 0 when its
 * part of the epoch is over (the fewer than B rows left are dropped), or
 * the reader's error (DLFS_ERR_IO, DLFS_ERR_FORMAT: a corrupt or truncated
 * gzip, bytes that are not UTF-8, ...). Threads may call it concurrently,
 * each with its own thread number. A FastStream's next_batch.
 */
int word2vec_stream_next_batch(void *ctx, int thread, int32_t *contexts, int32_t *target, int B,
                               DlfsError *err);

/* The FastStream over s (training/fast_trainer.h fast_trainer_fit_stream). */
FastStream word2vec_stream_source(Word2VecStream *s);

DLFS2_API_END

#endif
