/*
 * bench_external.h — the external programs of `dlfs2 bench`: gensim's
 * Word2Vec and word2vec.c's program, timed on the same PTB file and
 * compared with the rows of dlfs2's table (see bench_external.c).
 */
#ifndef DLFS2_CLI_BENCH_EXTERNAL_H
#define DLFS2_CLI_BENCH_EXTERNAL_H

/* What one row of dlfs2's table measured, for the comparisons. */
typedef struct BenchTimes {
    double s_per_epoch;     /* seconds per epoch */
    int threads;            /* threads it trained on */
    int batch;              /* rows per step */
    int epochs;             /* the word2vec row: whole epochs timed */
    double rows;            /* the word2vec row: rows trained over them */
} BenchTimes;

typedef struct BenchExternal {
    int threads;            /* --threads: gensim's workers, word2vec.c's -threads */
    int epochs;             /* --epochs: word2vec.c's -iter */
    const char *word2vec;   /* --word2vec: word2vec.c's program; NULL = not run */
    BenchTimes textbook;    /* CBOW negsamp, mode textbook */
    BenchTimes fast;        /* CBOW negsamp, mode fast */
    BenchTimes word2vec_row;/* CBOW negsamp, mode word2vec (the preset) */
} BenchExternal;

/*
 * When /usr/bin/python3 can import gensim, trains gensim's Word2Vec CBOW
 * for one epoch on ptb_dir/ptb.train.txt twice, with the textbook
 * comparison's settings and with the word2vec preset's recipe, and prints
 * each time against x's rows; else prints why it is skipped. Returns an
 * exit status (cli.h): the script failing is a runtime error.
 */
int bench_gensim(const BenchExternal *x, const char *ptb_dir);

/*
 * Runs word2vec.c's program (x->word2vec) on ptb_dir/ptb.train.txt with the
 * word2vec preset's recipe for x->epochs epochs (-iter), its vectors thrown
 * away (-output /dev/null), and prints its wall time against the word2vec
 * row's. word2vec.c reads the file itself: a line ends a sentence (its
 * </s>), as the preset's <eos> does. Its time is the whole process's:
 * reading the corpus and counting the words (well under a second for PTB)
 * included. Returns an exit status: a program that cannot start or fails
 * is a runtime error.
 */
int bench_word2vec_c(const BenchExternal *x, const char *ptb_dir);

/*
 * Runs this dlfs2 program (/proc/self/exe) with argv (argv[0] "dlfs2",
 * NULL-terminated) as a child and waits for it: its standard output and
 * error go to the file log (created or truncated), or nowhere when log is
 * NULL. On return *wall_s is its wall time, *peak_mib its peak resident
 * memory (wait4's ru_maxrss, MiB) and *status its wait status. Returns
 * CLI_EXIT_OK when it ran (whatever its exit status: the caller reads
 * *status and names the command it ran), CLI_EXIT_RUNTIME, with a message
 * printed, when it could not be started or waited for. `bench --contention`
 * and `bench --scale` time `dlfs2 train` so.
 */
int bench_run_self(char *const argv[], const char *log, double *wall_s, double *peak_mib, int *status);

#endif
