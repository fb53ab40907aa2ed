/*
 * bench_scale.h — `dlfs2 bench --scale` (see bench_scale.c).
 */
#ifndef DLFS2_CLI_BENCH_SCALE_H
#define DLFS2_CLI_BENCH_SCALE_H

#include <stdbool.h>

/* Whether argv[1..argc) holds "--scale": `dlfs2 bench` then runs cmd_bench_scale. */
bool bench_scale_requested(int argc, char **argv);

/*
 * `dlfs2 bench --scale [--scales 1,5,20] [--corpus FILE] [--max-iters N]
 * [--threads N] [--data-dir DIR]`: argv as cmd_bench's (argv[0] "bench").
 * Makes corpora of each scale times the base corpus in a temporary folder,
 * trains on each in child processes of this program (textbook mode
 * --max-iters N; fast mode, the word2vec preset, one whole epoch), prints
 * one row per run (words, mode, peak RSS from wait4, rate, s/epoch) and the
 * issue's targets. Returns an exit status (cli.h).
 */
int cmd_bench_scale(int argc, char **argv);

#endif
