/*
 * bench_scale.c — `dlfs2 bench --scale`: memory and speed against the
 * corpus's size (issue 19, part 5).
 *
 * From a base corpus (PTB's train split, or --corpus FILE) it writes, in a
 * temporary folder, one corpus per scale k: the base's lines shuffled
 * (a fixed seed, a new order for each of the k copies) and written k times.
 * On each it runs this same program (/proc/self/exe) twice as a child:
 * (a) textbook mode, `dlfs2 train --corpus C --max-iters N`, and (b) fast
 * mode, `dlfs2 train --corpus C --fast --preset word2vec --epochs 1
 * --threads T` (the whole epoch). A child's peak RSS is wait4's ru_maxrss;
 * its rate is parsed from what train prints ("corpus size: W", "iterations
 * per epoch: I", "trained N iterations in S s (R words/s"). Textbook mode's
 * seconds per epoch are estimated as I / (N / S) (the '*'); fast mode's are
 * the epoch's measured S. Then the targets, as measured, each
 * "met" or "not met". The folder is removed afterwards.
 */
#define _GNU_SOURCE /* getloadavg */
#include "cli/bench_scale.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/bench_external.h"
#include "cli/cli.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/threads.h"
#include "datasets/ptb.h"


enum { MAX_SCALES = 16, MAX_SCALE = 1000, SCALE_SEED = 1 };
#define FAST_TARGET_MB 100.0
#define TEXTBOOK_TARGET_MB 300.0
#define RATE_TARGET 0.10

typedef struct ScaleOptions {
    int scales[MAX_SCALES];     /* --scales, ascending as given */
    int n_scales;
    const char *corpus;         /* --corpus FILE; NULL = PTB's train split */
    const char *data_dir;       /* --data-dir (PTB's folder) */
    int max_iters;              /* --max-iters of the textbook runs */
    int threads;                /* --threads of the fast runs */
} ScaleOptions;

/* One child run. */
typedef struct ScaleRun {
    long words;                 /* "corpus size:" */
    long iters_per_epoch;       /* "iterations per epoch:" (textbook's) */
    long iters;                 /* "trained N iterations" */
    double train_s;             /* "in S s" */
    double words_per_s;         /* fast: "(R words/s"; textbook: iters * 100 / train_s (targets) */
    double s_per_epoch;         /* textbook: estimated; fast: train_s */
    double peak_mib;            /* wait4's ru_maxrss */
    double wall_s;              /* the whole child: loading the corpus included */
} ScaleRun;

enum { OPT_SCALE = CLI_OPT_LONG_BASE, OPT_SCALES, OPT_CORPUS, OPT_MAX_ITERS, OPT_THREADS, OPT_DATA_DIR };

static const struct option scale_options[] = {
    {"scale", no_argument, NULL, OPT_SCALE},
    {"scales", required_argument, NULL, OPT_SCALES},
    {"corpus", required_argument, NULL, OPT_CORPUS},
    {"max-iters", required_argument, NULL, OPT_MAX_ITERS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage_scale(void)
{
    fputs("Usage: dlfs2 bench --scale [--scales 1,5,20] [--corpus FILE] [--max-iters N]\n"
          "                           [--threads N] [--data-dir DIR]\n"
          "\n"
          "Makes corpora of each scale times the base corpus (PTB's train split, or\n"
          "FILE): its lines shuffled with a fixed seed and repeated, in a temporary\n"
          "folder in $TMPDIR (else /tmp), removed afterwards. On each it runs 'dlfs2\n"
          "train' as a child process, in textbook mode for --max-iters iterations and\n"
          "with --fast --preset word2vec for one whole epoch, and prints per run: the\n"
          "corpus's words, the mode, the peak RSS (MiB, the child's ru_maxrss), words\n"
          "per second (textbook: targets, 100 per iteration), seconds per epoch\n"
          "(textbook: estimated from its rate, marked '*') and the child's wall seconds;\n"
          "then the issue's targets on the largest corpus (fast <= 100 MB, textbook\n"
          "<= 300 MB, fast words/s within 10 % of the smallest corpus's), each 'met' or\n"
          "'not met'. The load average before it starts is printed first.\n"
          "\n"
          "Options:\n"
          "  --scales LIST   comma-separated multiples of the base corpus (1,5,20)\n"
          "  --corpus FILE   the base corpus (PTB's train split)\n"
          "  --max-iters N   iterations of each textbook run (2000)\n"
          "  --threads N     threads of the fast runs (the CPUs this process may use)\n"
          "  --data-dir DIR  the data folder holding PTB (as for 'dlfs2 train')\n"
          "  -h, --help      show this help\n",
          stdout);
}

bool bench_scale_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return false;
        if (strcmp(argv[i], "--scale") == 0) return true;
    }
    return false;
}

/* Parses "1,5,20" into o->scales. Returns 0 or CLI_EXIT_USAGE after a message. */
static int parse_scales(const char *text, ScaleOptions *o)
{
    o->n_scales = 0;
    const char *p = text;
    for (;;) {
        char *end;
        errno = 0;
        const long k = strtol(p, &end, 10);
        if (end == p || errno != 0 || k < 1 || k > MAX_SCALE || (*end != ',' && *end != '\0') ||
            o->n_scales == MAX_SCALES) {
            cli_error("bench: --scales '%s': give up to %d whole numbers 1..%d separated by commas",
                      text, MAX_SCALES, MAX_SCALE);
            return CLI_EXIT_USAGE;
        }
        o->scales[o->n_scales++] = (int)k;
        if (*end == '\0') return 0;
        p = end + 1;
    }
}

/* Parses argv. Returns -1 after the help, 0 to go on, or an exit status. */
static int parse_scale_args(int argc, char **argv, ScaleOptions *o)
{
    *o = (ScaleOptions){.scales = {1, 5, 20}, .n_scales = 3, .max_iters = 2000,
                        .threads = threads_default()};
    optind = 0;   /* glibc: start getopt anew */
    opterr = 0;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "-:h", scale_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_scale(); return -1;
        case OPT_SCALE: break;
        case OPT_SCALES: rc = parse_scales(optarg, o); break;
        case OPT_CORPUS: o->corpus = optarg; break;
        case OPT_MAX_ITERS: rc = cli_parse_int("--max-iters", optarg, 1, 100000000, &o->max_iters); break;
        case OPT_THREADS: rc = cli_parse_int("--threads", optarg, 1, CLI_MAX_THREADS, &o->threads); break;
        case OPT_DATA_DIR: o->data_dir = optarg; break;
        case 1:
            cli_error("bench: unexpected argument '%s' (see 'dlfs2 bench --scale --help')", optarg);
            return CLI_EXIT_USAGE;
        default:
            return cli_getopt_error("bench --scale", c, argv);
        }
        if (rc != 0) return rc;
    }
    return 0;
}

/* Reads the whole of path into *text (NUL-terminated). Returns an exit status. */
static int read_all(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        cli_error("bench: cannot read %s: %s", path, strerror(errno));
        return CLI_EXIT_RUNTIME;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    const bool bad = buf == NULL || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        cli_error("bench: cannot read %s: %s", path, buf == NULL ? "out of memory" : "read error");
        return CLI_EXIT_RUNTIME;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return CLI_EXIT_OK;
}

/*
 * Writes `scale` copies of text's lines to path, each copy in a new order
 * (Fisher-Yates with rng_shuffle_int32, seed SCALE_SEED for every corpus:
 * the smaller corpora's copies begin the larger ones). Returns an exit status.
 */
static int write_corpus(const char *path, char *text, size_t len, int scale)
{
    size_t n_lines = 0;
    for (size_t i = 0; i < len; i++) n_lines += text[i] == '\n';
    if (len > 0 && text[len - 1] != '\n') n_lines++;
    if (n_lines == 0 || n_lines > INT32_MAX) {
        cli_error("bench: the base corpus has %s lines", n_lines == 0 ? "no" : "too many");
        return CLI_EXIT_RUNTIME;
    }
    char **starts = malloc(n_lines * sizeof *starts);
    size_t *lens = malloc(n_lines * sizeof *lens);
    int32_t *perm = malloc(n_lines * sizeof *perm);
    FILE *f = starts && lens && perm ? fopen(path, "wb") : NULL;
    int rc = CLI_EXIT_OK;
    if (f == NULL) {
        cli_error("bench: cannot write %s: %s", path, starts && lens && perm ? strerror(errno) : "out of memory");
        rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    size_t line = 0;
    for (size_t i = 0; i < len; line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        const size_t end = nl != NULL ? (size_t)(nl - text) : len;
        starts[line] = text + i;
        lens[line] = end - i;
        i = end + 1;
    }
    Rng rng;
    rng_seed(&rng, SCALE_SEED);
    for (int k = 0; k < scale; k++) {
        for (size_t i = 0; i < n_lines; i++) perm[i] = (int32_t)i;
        rng_shuffle_int32(&rng, perm, n_lines);
        for (size_t i = 0; i < n_lines; i++) {
            fwrite(starts[perm[i]], 1, lens[perm[i]], f);
            fputc('\n', f);
        }
    }
    if (ferror(f) | (fclose(f) != 0)) {
        cli_error("bench: cannot write %s (disk full?)", path);
        rc = CLI_EXIT_RUNTIME;
    }
done:
    free(starts);
    free(lens);
    free(perm);
    return rc;
}

/* Parses train's output in log into r. Returns false when a line is missing. */
static bool parse_train_output(const char *log, bool fast, ScaleRun *r)
{
    char *text;
    size_t len;
    if (read_all(log, &text, &len) != CLI_EXIT_OK) return false;
    bool ok = false;
    const char *p = strstr(text, "corpus size: ");
    const char *q = strstr(text, "iterations per epoch: ");
    const char *t = strstr(text, "\ntrained ");
    /* the streamed fast mode cannot know its iterations per epoch before it ends */
    if (p && t && sscanf(p, "corpus size: %ld", &r->words) == 1 &&
        (fast || (q && sscanf(q, "iterations per epoch: %ld", &r->iters_per_epoch) == 1)) &&
        sscanf(t, "\ntrained %ld iterations in %lf s", &r->iters, &r->train_s) == 2 &&
        r->iters > 0 && r->train_s >= 0.0) {
        /* train prints tenths of a second: "0.0" is under 0.05 s, and that bound is used */
        if (r->train_s < 0.05) r->train_s = 0.05;
        if (fast) {
            const char *w = strchr(t + 1, '(');
            ok = w != NULL && sscanf(w, "(%lf words/s", &r->words_per_s) == 1;
            r->s_per_epoch = r->train_s;
        } else {
            const double it_per_s = (double)r->iters / r->train_s;
            r->words_per_s = 100.0 * it_per_s;   /* targets: batch 100 per iteration */
            r->s_per_epoch = (double)r->iters_per_epoch / it_per_s;
            ok = true;
        }
    }
    free(text);
    return ok;
}

/*
 * Runs `dlfs2 train --corpus corpus --out DIR/out ...` (fast or textbook),
 * its stdout and stderr into DIR/train.log, and fills r. Returns an exit status.
 */
static int run_train(const ScaleOptions *o, const char *dir, const char *corpus, bool fast, ScaleRun *r)
{
    char out[4200], log[4200], iters[32], threads[32];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(log, sizeof log, "%s/train.log", dir);
    snprintf(iters, sizeof iters, "%d", o->max_iters);
    snprintf(threads, sizeof threads, "%d", o->threads);
    char *argv[20];
    int argc = 0;
    argv[argc++] = "dlfs2";
    argv[argc++] = "train";
    argv[argc++] = "--corpus";
    argv[argc++] = (char *)corpus;
    argv[argc++] = "--out";
    argv[argc++] = out;
    argv[argc++] = "--eval-interval";
    argv[argc++] = "0";
    if (fast) {
        argv[argc++] = "--fast";
        argv[argc++] = "--preset";
        argv[argc++] = "word2vec";
        argv[argc++] = "--epochs";
        argv[argc++] = "1";
        argv[argc++] = "--threads";
        argv[argc++] = threads;
    } else {
        argv[argc++] = "--max-iters";
        argv[argc++] = iters;
    }
    argv[argc] = NULL;

    int status = 0;
    if (bench_run_self(argv, log, &r->wall_s, &r->peak_mib, &status) != CLI_EXIT_OK) return CLI_EXIT_RUNTIME;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("bench: 'dlfs2 train --corpus %s%s' failed (%s %d); run it by hand to see why",
                  corpus, fast ? " --fast --preset word2vec --epochs 1" : " --max-iters N",
                  WIFEXITED(status) ? "exit" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return CLI_EXIT_RUNTIME;
    }
    if (!parse_train_output(log, fast, r)) {
        cli_error("bench: cannot read the rate from dlfs2 train's output (%s)", log);
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

/* Removes what run_train and write_corpus leave in dir, and dir. */
static void remove_dir(const char *dir)
{
    static const char *const files[] = {"out/vectors.txt", "out/loss.csv", "out/loss.csv.tmp", "out",
                                        "train.log", "corpus.txt"};
    char path[4200];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (unlink(path) != 0 && errno == EISDIR) rmdir(path);
        rmdir(path);
    }
    rmdir(dir);
}

static double mb(double mib)
{
    return mib * 1048576.0 / 1e6;
}

static void print_targets(const ScaleOptions *o, ScaleRun (*runs)[2], int last)
{
    const ScaleRun *tb = &runs[last][0], *fast = &runs[last][1], *fast0 = &runs[0][1];
    const int k = o->scales[last];
    printf("\ntargets (issue 19), on the largest corpus (%dx, %ld words):\n", k, fast->words);
    printf("fast peak RSS <= %.0f MB: %.1f MB (%.1f MiB): %s\n", FAST_TARGET_MB, mb(fast->peak_mib),
           fast->peak_mib, mb(fast->peak_mib) <= FAST_TARGET_MB ? "met" : "not met");
    printf("textbook peak RSS <= %.0f MB: %.1f MB (%.1f MiB): %s\n", TEXTBOOK_TARGET_MB,
           mb(tb->peak_mib), tb->peak_mib, mb(tb->peak_mib) <= TEXTBOOK_TARGET_MB ? "met" : "not met");
    const double change = fast->words_per_s / fast0->words_per_s - 1.0;
    printf("fast words/s within %.0f %% of the smallest corpus's (%dx): %.0f vs %.0f (%+.1f %%): %s\n",
           100.0 * RATE_TARGET, o->scales[0], fast->words_per_s, fast0->words_per_s, 100.0 * change,
           fabs(change) <= RATE_TARGET ? "met" : "not met");
}

int cmd_bench_scale(int argc, char **argv)
{
    ScaleOptions o;
    int rc = parse_scale_args(argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;

    char base[4200];
    if (o.corpus != NULL) {
        snprintf(base, sizeof base, "%s", o.corpus);
    } else {
        DlfsError err = {0};
        char dir[4096];
        if (ptb_data_dir(dir, sizeof dir, o.data_dir, &err) != 0 || ptb_ensure_file(dir, "train", &err) != 0) {
            cli_error("bench: %s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        snprintf(base, sizeof base, "%s/ptb.train.txt", dir);
    }
    char *text;
    size_t len;
    rc = read_all(base, &text, &len);
    if (rc != CLI_EXIT_OK) return rc;

    double load[3] = {0.0, 0.0, 0.0};
    printf("scale: base corpus %s; scales", base);
    for (int i = 0; i < o.n_scales; i++) printf("%s%dx", i ? ", " : " ", o.scales[i]);
    printf("\ntextbook: dlfs2 train --max-iters %d; fast: dlfs2 train --fast --preset word2vec "
           "--epochs 1 --threads %d\n", o.max_iters, o.threads);
    if (getloadavg(load, 3) == 3)
        printf("load average before: %.2f %.2f %.2f (runnable processes, 1, 5 and 15 minute means)\n",
               load[0], load[1], load[2]);
    fflush(stdout);

    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/dlfs2-scale-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        free(text);
        cli_error("bench: cannot make a folder in %s: %s", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp",
                  strerror(errno));
        return CLI_EXIT_RUNTIME;
    }
    char corpus[4200];
    snprintf(corpus, sizeof corpus, "%s/corpus.txt", dir);
    ScaleRun runs[MAX_SCALES][2];
    memset(runs, 0, sizeof runs);
    int done = 0;
    for (; done < o.n_scales && rc == CLI_EXIT_OK; done++) {
        printf("%dx: writing the corpus, training...\n", o.scales[done]);
        fflush(stdout);
        rc = write_corpus(corpus, text, len, o.scales[done]);
        for (int fast = 0; fast < 2 && rc == CLI_EXIT_OK; fast++)
            rc = run_train(&o, dir, corpus, fast == 1, &runs[done][fast]);
        unlink(corpus);
    }
    free(text);
    remove_dir(dir);
    if (rc != CLI_EXIT_OK) return rc;

    printf("\n%-6s %10s %-9s %9s %11s %9s %8s\n", "scale", "words", "mode", "peak_MiB", "words/s",
           "s/epoch", "wall_s");
    for (int i = 0; i < o.n_scales; i++)
        for (int fast = 0; fast < 2; fast++) {
            const ScaleRun *r = &runs[i][fast];
            printf("%-6d %10ld %-9s %9.1f %11.0f %8.1f%s %8.1f\n", o.scales[i], r->words,
                   fast ? "fast" : "textbook", r->peak_mib, r->words_per_s, r->s_per_epoch,
                   fast ? " " : "*", r->wall_s);
        }
    printf("textbook: words/s are targets trained (100 per iteration) over the %d iterations' time;\n"
           "* s/epoch estimated: iterations per epoch / iterations per second. fast: one whole\n"
           "epoch timed, words/s as train prints it. wall_s: the whole child, loading included.\n",
           o.max_iters);
    print_targets(&o, runs, o.n_scales - 1);
    return CLI_EXIT_OK;
}
