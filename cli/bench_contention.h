/*
 * bench_contention.h — `dlfs2 bench --contention` (see bench_contention.c).
 */
#ifndef DLFS2_CLI_BENCH_CONTENTION_H
#define DLFS2_CLI_BENCH_CONTENTION_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ContentionOptions {
    int iters;              /* --max-iters of each timed `dlfs2 train` */
    int rounds;             /* rounds of four runs, 1..99 */
    uint64_t seed;          /* --seed of the runs */
    const char *data_dir;   /* --data-dir of the runs; NULL: their default */
} ContentionOptions;

/*
 * Times `dlfs2 train --max-iters o->iters` with the default threads and
 * with --threads 1, first on the machine as it is, then with one busy
 * process per CPU this process may use, o->rounds times, and prints the
 * figures, their medians and the ratios. The busy processes are stopped
 * before it returns (and die with it). Returns an exit status (cli.h).
 */
int bench_contention(const ContentionOptions *o);

#endif
