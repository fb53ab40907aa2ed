/*
 * bench_vocab.h — `dlfs2 bench --vocab-sizes` (see bench_vocab.c): the
 * chapter's claim (textbook §4.1-4.2) measured at its own scale.
 */
#ifndef DLFS2_CLI_BENCH_VOCAB_H
#define DLFS2_CLI_BENCH_VOCAB_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"

enum { BENCH_VOCAB_MAX_SIZES = 16 };

typedef struct BenchVocabOptions {
    bool on;                            /* --vocab-sizes was given: run the sweep */
    int sizes[BENCH_VOCAB_MAX_SIZES];   /* --vocab-sizes V1,V2,...: each in [10, 10^7] */
    int n_sizes;
    int hidden;                         /* --hidden H (100) */
    int batch;                          /* --batch B (100) */
    int steps;                          /* --steps N: timed steps per loss, V and mode (3) */
    const char *plot;                   /* --plot FILE (.png or .svg); NULL = none */
    bool other_given;                   /* --hidden, --batch, --steps or --plot was given */
} BenchVocabOptions;

/* The defaults: off, H 100, B 100, 3 steps, no plot. */
void bench_vocab_defaults(BenchVocabOptions *o);

/*
 * Applies the sweep's option c (one of the BENCH_VOCAB_OPT_* values
 * cmd_bench.c gives them) with its argument arg. Returns 0, or
 * CLI_EXIT_USAGE after printing why.
 */
int bench_vocab_apply_option(BenchVocabOptions *o, int c, const char *arg);

/* The option values, above cmd_bench.c's own. */
enum {
    BENCH_VOCAB_OPT_SIZES = CLI_OPT_LONG_BASE + 0x80,
    BENCH_VOCAB_OPT_HIDDEN,
    BENCH_VOCAB_OPT_BATCH,
    BENCH_VOCAB_OPT_STEPS,
    BENCH_VOCAB_OPT_PLOT,
};

/* The getopt_long entries of the options above, for cmd_bench.c's table. */
#define BENCH_VOCAB_LONG_OPTIONS                                   \
    {"vocab-sizes", required_argument, NULL, BENCH_VOCAB_OPT_SIZES}, \
    {"hidden", required_argument, NULL, BENCH_VOCAB_OPT_HIDDEN},     \
    {"batch", required_argument, NULL, BENCH_VOCAB_OPT_BATCH},       \
    {"steps", required_argument, NULL, BENCH_VOCAB_OPT_STEPS},       \
    {"plot", required_argument, NULL, BENCH_VOCAB_OPT_PLOT}

/* The sweep's lines of `dlfs2 bench --help`. */
void bench_vocab_usage(void);

/*
 * Runs the sweep (see bench_vocab.c) with the weights, rows and negatives
 * drawn from seed, OpenBLAS and OpenMP on `threads` threads, and prints
 * the table. Returns an exit status (cli/cli.h).
 */
int bench_vocab(const BenchVocabOptions *o, uint64_t seed, int threads);

#endif
