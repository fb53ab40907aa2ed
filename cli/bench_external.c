/*
 * bench_external.c — the programs `dlfs2 bench` compares dlfs2 with:
 * gensim's Word2Vec (a Python script run with /usr/bin/python3, or
 * $DLFS2_PYTHON) and
 * word2vec.c's compiled program, run with posix_spawn on PTB's
 * ptb.train.txt with the word2vec preset's recipe (recipe/preset.h) or the
 * textbook comparison's settings (see bench_external.h).
 */
#define _DEFAULT_SOURCE /* wait4 */
#include "cli/bench_external.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/train_setup.h"
#include "common/clock.h"
#include "recipe/preset.h"

extern char **environ;

/* the python3 that runs gensim unless $DLFS2_PYTHON names another (bench_python) */
#define PYTHON "/usr/bin/python3"

/*
 * Spawns argv with the program at path (posix_spawn: no shell, no PATH
 * search), its output to log or nowhere, waits for it and measures it (see
 * bench_run_program); name says what it is in a message.
 */
static int run_program(const char *path, const char *name, char *const argv[], const char *log,
                       double *wall_s, double *peak_mib, int *status)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (log) {
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    }
    pid_t pid;
    const double start = dlfs_now_s();
    const int err = posix_spawn(&pid, path, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err != 0) {
        cli_error("bench: cannot start %s: %s", name, strerror(err));
        return CLI_EXIT_RUNTIME;
    }
    struct rusage ru;
    while (wait4(pid, status, 0, &ru) < 0)
        if (errno != EINTR) {
            cli_error("bench: waiting for %s: %s", name, strerror(errno));
            return CLI_EXIT_RUNTIME;
        }
    *wall_s = dlfs_now_s() - start;
    *peak_mib = (double)ru.ru_maxrss / 1024.0;   /* Linux gives KiB */
    return CLI_EXIT_OK;
}

int bench_run_program(const char *path, char *const argv[], const char *log, double *wall_s,
                      double *peak_mib, int *status)
{
    return run_program(path, path, argv, log, wall_s, peak_mib, status);
}

int bench_run_self(char *const argv[], const char *log, double *wall_s, double *peak_mib, int *status)
{
    char name[256];
    snprintf(name, sizeof name, "dlfs2 %s", argv[1]);
    return run_program("/proc/self/exe", name, argv, log, wall_s, peak_mib, status);
}

const char *bench_program_problem(const char *path)
{
    struct stat st;
    return stat(path, &st) != 0      ? strerror(errno)
           : !S_ISREG(st.st_mode)    ? "not a regular file"
           : access(path, X_OK) != 0 ? strerror(errno)
                                     : NULL;
}

const char *bench_python(void)
{
    const char *p = getenv("DLFS2_PYTHON");
    return p != NULL && p[0] != '\0' ? p : PYTHON;
}

bool bench_gensim_importable(char *why, size_t size)
{
    char out[1024];
    char *check_argv[] = {(char *)bench_python(), "-c", "import gensim", NULL};
    const int status = bench_spawn_capture(check_argv, true, out, sizeof out);
    if (status < 0) {
        snprintf(why, size, "cannot run %s: %s", bench_python(), strerror(errno));
        return false;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, size, "%s cannot import gensim (install python3-gensim)", bench_python());
        return false;
    }
    return true;
}

/* "s" unless n is 1, for "%d thread%s". */
static const char *plural(long n)
{
    return n == 1 ? "" : "s";
}

int bench_spawn_capture(char *const argv[], bool quiet, char *out, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    if (quiet) posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int err = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        errno = err;
        return -1;
    }
    size_t len = 0;
    for (;;) {
        char buf[4096];
        ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        size_t keep = (size_t)got < size - 1 - len ? (size_t)got : size - 1 - len;
        memcpy(out + len, buf, keep);
        len += keep;
    }
    out[len] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

/*
 * gensim's side. The data file comes in as sys.argv[1], never pasted into
 * the program text; then workers, sample, min_count, alpha and whether to
 * append '<eos>'. The tokens are dlfs2's: each line split on whitespace,
 * '<eos>' appended (ptb.py's replace('\n', '<eos>')) for the textbook
 * comparison; but each line is one gensim sentence, so windows stop at line
 * ends, where dlfs2's textbook windows run on. For the word2vec preset's
 * comparison no '<eos>' is appended: a line is a sentence, as dlfs2's
 * preset ends sentences at <eos> and never trains it. Only model.train is
 * timed. Prints: version, V, words in the sentences, seconds, and the words
 * trained after min_count and subsampling (train's effective word count).
 */
static const char gensim_script[] =
    "import sys, time\n"
    "import gensim\n"
    "from gensim.models import Word2Vec\n"
    "path, workers = sys.argv[1], int(sys.argv[2])\n"
    "sample, min_count, alpha = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])\n"
    "eos = ['<eos>'] if sys.argv[6] == '1' else []\n"
    "with open(path, encoding='utf-8') as f:\n"
    "    sentences = [line.split() + eos for line in f]\n"
    "model = Word2Vec(vector_size=100, window=5, negative=5, hs=0, sg=0, min_count=min_count,\n"
    "                 sample=sample, alpha=alpha, workers=workers, seed=1, epochs=1)\n"
    "model.build_vocab(sentences)\n"
    "start = time.perf_counter()\n"
    "effective, raw = model.train(sentences, total_examples=model.corpus_count, epochs=1)\n"
    "seconds = time.perf_counter() - start\n"
    "print(gensim.__version__, len(model.wv), sum(len(s) for s in sentences), seconds, effective)\n";

/* One gensim run's settings and results. */
typedef struct GensimRun {
    const char *sample, *min_count, *alpha;   /* Word2Vec's arguments, as text */
    bool eos;               /* '<eos>' appended to every line */
    char version[64];
    long vocab, words, effective;
    double seconds;
} GensimRun;

/* Trains gensim for one epoch on path with g's settings. Returns an exit status. */
static int gensim_train(const char *path, const char *workers, GensimRun *g)
{
    char out[1024];
    char *train_argv[] = {(char *)bench_python(), "-c", (char *)gensim_script, (char *)path, (char *)workers,
                          (char *)g->sample, (char *)g->min_count, (char *)g->alpha,
                          g->eos ? "1" : "0", NULL};
    const int status = bench_spawn_capture(train_argv, false, out, sizeof out);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        sscanf(out, "%63s %ld %ld %lf %ld", g->version, &g->vocab, &g->words, &g->seconds,
               &g->effective) != 5 || !(g->seconds > 0.0)) {
        cli_error("gensim: the training script failed");
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

int bench_gensim(const BenchExternal *x, const char *ptb_dir)
{
    char why[4200];
    if (!bench_gensim_importable(why, sizeof why)) {
        printf("\ngensim: skipped: %s\n", why);
        return CLI_EXIT_OK;
    }
    char *path = cli_path_join(ptb_dir, "ptb.train.txt");
    char workers[16];
    snprintf(workers, sizeof workers, "%d", x->threads);
    const BenchTimes *cbow = &x->textbook, *fast = &x->fast, *w2v = &x->word2vec_row;
    GensimRun g = {.sample = "0", .min_count = "1", .alpha = "0.025", .eos = true};
    printf("\ngensim: training Word2Vec CBOW for one epoch...\n");
    fflush(stdout);
    int rc = gensim_train(path, workers, &g);
    if (rc != CLI_EXIT_OK) goto done;
    printf("gensim %s Word2Vec: CBOW, vector_size 100, window 5, negative 5, hs 0, min_count 1,\n"
           "  sample 0, %s workers, 1 epoch: V %ld, %ld words, %.2f s/epoch (training only),\n"
           "  %.0f words/s\n",
           g.version, workers, g.vocab, g.words, g.seconds, (double)g.words / g.seconds);
    printf("dlfs2 CBOW negsamp textbook: %.1f s/epoch = %.1f x gensim's time\n", cbow->s_per_epoch,
           cbow->s_per_epoch / g.seconds);
    printf("  (gensim: one sentence per PTB line with '<eos>' appended, so windows stop at line\n"
           "  ends; a window shrunk at random to 1..5; SGD with a decaying learning rate on the\n"
           "  rows touched; negatives with replacement; threads over sentences. dlfs2 textbook:\n"
           "  one token stream, window 5, Adam over all parameters every step)\n");
    printf("dlfs2 CBOW negsamp fast: %.1f s/epoch = %.1f x gensim's time\n", fast->s_per_epoch,
           fast->s_per_epoch / g.seconds);
    printf("  (dlfs2 fast: the textbook's rows, window 5, lazy Adam on the rows touched,\n"
           "  %d thread%s over minibatches of %d)\n",
           fast->threads, plural(fast->threads), fast->batch);

    const RecipePreset *preset = &recipe_preset_word2vec;
    char sample[32], min_count[16], alpha[32];
    snprintf(sample, sizeof sample, "%g", preset->sample);
    snprintf(min_count, sizeof min_count, "%d", preset->min_count);
    snprintf(alpha, sizeof alpha, "%g", recipe_preset_lr(preset, RECIPE_CBOW));
    GensimRun p = {.sample = sample, .min_count = min_count, .alpha = alpha, .eos = false};
    printf("\ngensim: training Word2Vec CBOW for one epoch with the word2vec preset's recipe...\n");
    fflush(stdout);
    rc = gensim_train(path, workers, &p);
    if (rc != CLI_EXIT_OK) goto done;
    printf("gensim %s Word2Vec: CBOW, vector_size 100, window 5, negative 5, hs 0, min_count %s,\n"
           "  sample %s, alpha %s, %s workers, 1 epoch, one sentence per PTB line without '<eos>':\n"
           "  V %ld, %ld words (%ld trained after min_count and subsampling), %.2f s/epoch\n"
           "  (training only), %.0f trained words/s\n",
           p.version, min_count, sample, alpha, workers, p.vocab, p.words, p.effective, p.seconds,
           (double)p.effective / p.seconds);
    printf("dlfs2 CBOW negsamp word2vec: %.2f s/epoch = %.2f x gensim's time (%.0f rows/epoch)\n",
           w2v->s_per_epoch, w2v->s_per_epoch / p.seconds, w2v->rows / w2v->epochs);
    printf("  (the same recipe: sentences = PTB lines, min count 5, subsampling, shrunk windows,\n"
           "  SGD with a linearly decaying rate, the mean of the context rows. dlfs2: minibatches\n"
           "  of %d rows over %d thread%s, negatives without replacement, s/epoch the mean of %d\n"
           "  epoch%s including making the rows; gensim: one word at a time, negatives with\n"
           "  replacement, one epoch)\n",
           w2v->batch, w2v->threads, plural(w2v->threads), w2v->epochs, plural(w2v->epochs));
done:
    free(path);
    return rc;
}

int bench_word2vec_c(const BenchExternal *x, const char *ptb_dir)
{
    const BenchTimes *w2v = &x->word2vec_row;
    const RecipePreset *preset = &recipe_preset_word2vec;
    char *path = cli_path_join(ptb_dir, "ptb.train.txt");
    char threads[16], epochs[16], sample[32], min_count[16], alpha[32];
    snprintf(threads, sizeof threads, "%d", x->threads);
    snprintf(epochs, sizeof epochs, "%d", x->epochs);
    snprintf(sample, sizeof sample, "%g", preset->sample);
    snprintf(min_count, sizeof min_count, "%d", preset->min_count);
    snprintf(alpha, sizeof alpha, "%g", recipe_preset_lr(preset, RECIPE_CBOW));
    char *argv[] = {(char *)x->word2vec, "-train", path, "-output", "/dev/null", "-cbow", "1",
                    "-size", "100", "-window", "5", "-negative", "5", "-hs", "0", "-sample", sample,
                    "-min-count", min_count, "-alpha", alpha, "-threads", threads, "-iter", epochs,
                    "-binary", "1", NULL};
    printf("\nword2vec.c: training CBOW for %s epoch%s with the word2vec preset's recipe...\n",
           epochs, plural(x->epochs));
    fflush(stdout);
    char out[256];   /* its progress lines, not used */
    const double start = dlfs_now_s();
    const int status = bench_spawn_capture(argv, false, out, sizeof out);
    const double seconds = dlfs_now_s() - start;
    int rc = CLI_EXIT_OK;
    if (status < 0) {
        cli_error("word2vec.c: cannot run %s: %s", x->word2vec, strerror(errno));
        rc = CLI_EXIT_RUNTIME;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status))
            cli_error("word2vec.c: %s exited with status %d", x->word2vec, WEXITSTATUS(status));
        else
            cli_error("word2vec.c: %s was killed by signal %d", x->word2vec, WTERMSIG(status));
        rc = CLI_EXIT_RUNTIME;
    } else {
        printf("word2vec.c (%s):\n  -cbow 1 -size 100 -window 5 -negative 5 -hs 0 -sample %s "
               "-min-count %s -alpha %s\n  -threads %s -iter %s: %.2f s for %s epoch%s = %.2f "
               "s/epoch (the process's wall time,\n  reading the corpus included)\n",
               x->word2vec, sample, min_count, alpha, threads, epochs, seconds, epochs,
               plural(x->epochs), seconds / x->epochs);
        printf("dlfs2 CBOW negsamp word2vec: %.2f s/epoch = %.2f x word2vec.c's time\n",
               w2v->s_per_epoch, w2v->s_per_epoch * x->epochs / seconds);
        printf("  (the same recipe; word2vec.c: one word at a time, negatives with replacement\n"
               "  skipping the target, %s thread%s over parts of the file)\n",
               threads, plural(x->threads));
    }
    free(path);
    return rc;
}
