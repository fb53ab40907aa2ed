/*
 * bench_peers.h — `dlfs2 bench --peers` (see bench_peers.c).
 */
#ifndef DLFS2_CLI_BENCH_PEERS_H
#define DLFS2_CLI_BENCH_PEERS_H

#include <stdbool.h>

/* Whether argv[1..argc) holds "--peers": `dlfs2 bench` then runs cmd_bench_peers. */
bool bench_peers_requested(int argc, char **argv);

/*
 * `dlfs2 bench --peers [--model cbow|skipgram|both] [--epochs E]
 * [--threads N] [--rounds R] [--seeds N] [--word2vec PATH] [--fasttext PATH]
 * [--data-dir DIR]`: argv as cmd_bench's (argv[0] "bench"). On PTB's train
 * split, for each model asked, runs round after round dlfs2's word2vec
 * preset (a child of this program), gensim with the same recipe (when
 * bench_python() can import it), word2vec.c and fastText without subwords
 * (when given), each as a child process timed whole; scores every result's
 * vectors in this process (analogy accuracy, WordSim-353 rho); prints the
 * medians, words/s per thread, the time ratios, the scores' means and
 * standard deviations and issue 21's targets. Returns an exit status
 * (cli.h): a --word2vec or --fasttext path that cannot run is a runtime
 * error before anything runs, and so is a run that fails.
 */
int cmd_bench_peers(int argc, char **argv);

#endif
