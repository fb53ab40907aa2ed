/*
 * bench_external.h — the external programs of `dlfs2 bench`: gensim's
 * Word2Vec and word2vec.c's program, timed on the same PTB file and
 * compared with the rows of dlfs2's table (see bench_external.c).
 */
#ifndef DLFS2_CLI_BENCH_EXTERNAL_H
#define DLFS2_CLI_BENCH_EXTERNAL_H

#include <stdbool.h>
#include <stddef.h>

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
 * When /usr/bin/python3 (or $DLFS2_PYTHON, see bench_python) can import gensim, trains gensim's Word2Vec CBOW
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

/*
 * Like bench_run_self for another program: runs the program at path (an
 * absolute or relative path, no PATH search, no shell) with argv (argv[0]
 * its name, NULL-terminated); output, *wall_s, *peak_mib, *status and the
 * result as bench_run_self's. `bench --peers` times word2vec.c, fastText
 * and gensim's python3 so.
 */
int bench_run_program(const char *path, char *const argv[], const char *log, double *wall_s,
                      double *peak_mib, int *status);

/*
 * Runs argv (argv[0] a path, no shell) with its stdout read into out
 * (NUL-terminated, cut at size - 1 bytes) and its stderr sent to /dev/null
 * when quiet. Returns the wait status, or -1 with errno set when it could
 * not be started.
 */
int bench_spawn_capture(char *const argv[], bool quiet, char *out, size_t size);

/*
 * Why the program at path cannot be run (strerror's text, or "not a
 * regular file"), or NULL when it is an executable regular file. The
 * string is static (strerror's).
 */
const char *bench_program_problem(const char *path);

/* The python3 that runs gensim: $DLFS2_PYTHON when set and non-empty, else /usr/bin/python3. */
const char *bench_python(void);

/*
 * Whether bench_python() can `import gensim`; when not, why (e.g.
 * "/usr/bin/python3 cannot import gensim (install python3-gensim)") into
 * why (size bytes).
 */
bool bench_gensim_importable(char *why, size_t size);

#endif
