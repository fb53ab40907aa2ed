/*
 * bench_peers.c — `dlfs2 bench --peers`: dlfs2's word2vec preset against
 * the programs it is measured with, on the same file, the same recipe and
 * the same machine, in one run (issue 21).
 *
 * The systems, for CBOW and SkipGram (--model):
 *   dlfs2       `dlfs2 train --preset word2vec --model M --epochs E
 *               --threads N --seed S --out TMP/dlfs2` (this program as a
 *               child: bench_run_self);
 *   gensim      Word2Vec with the same recipe (sg, vector_size 100, window
 *               5, negative 5, sample 1e-3, min_count 5, alpha 0.05 / 0.025,
 *               workers N, epochs E, seed S) in bench_python(), when it can
 *               import gensim; its vectors saved in word2vec's text format;
 *   word2vec.c  --word2vec PATH, Mikolov's program, with its flags for the
 *               same recipe (no seed option: its runs differ only by how
 *               its threads interleave);
 *   fastText    --fasttext PATH, the `fasttext` CLI without subwords
 *               (-minn 0 -maxn 0), writing PREFIX.vec;
 *   with --subwords MIN-MAX (issue 22) two more rows: dlfs2-sub, the
 *   preset with --subwords MIN-MAX, and fastText-sub, fastText with
 *   -minn MIN -maxn MAX (when --fasttext is given), compared with each
 *   other only.
 * Every run is a child process, and its time is the whole process's wall
 * time (reading the corpus and writing the vectors included) from wait4,
 * with its peak RSS. The systems run in turn, round after round (dlfs2,
 * gensim, word2vec.c, fastText, dlfs2, ...), so a machine that gets busier
 * or quieter during the run moves them all alike; --rounds R rounds, or
 * with --seeds N one round per seed 1..N. After each run its vectors file
 * is scored here (evaluation/analogy.h on questions-words.txt,
 * evaluation/wordsim.h on wordsim353.tsv, found in the data folder as
 * `dlfs2 accuracy` and `dlfs2 wordsim` find them), untimed.
 *
 * Printed: the load average at start, one line per run, then per model a
 * table (median, min and max seconds; words/s per thread = PTB tokens x
 * epochs / median / threads; peak RSS; analogy and rho as mean ± sd over
 * the rounds), the ratio of dlfs2's median to each peer's with the median
 * of the round-by-round ratios, and issue 21's targets, each "met", "not
 * met" or "not measured". Everything is written in a temporary folder in
 * $TMPDIR (else /tmp), removed afterwards.
 */
#define _GNU_SOURCE /* getloadavg, nftw's FTW_DEPTH */
#include "cli/bench_peers.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/bench_external.h"
#include "cli/cli.h"
#include "cli/train_setup.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/threads.h"
#include "common/vocab.h"
#include "datasets/data.h"
#include "datasets/ptb.h"
#include "datasets/vectors.h"
#include "evaluation/analogy.h"
#include "evaluation/wordsim.h"
#include "recipe/model_build.h"
#include "recipe/preset.h"

enum { MAX_ROUNDS = 99, MAX_EPOCHS = 1000 };
/* dlfs2's two rows (the preset, and with --shared-negatives), then the peers from SYS_GENSIM on */
enum { SYS_DLFS2, SYS_DLFS2_SHARED, SYS_GENSIM, SYS_WORD2VEC, SYS_FASTTEXT, SYS_DLFS2_SUB, SYS_FASTTEXT_SUB, N_SYSTEMS };
static const char *const system_names[N_SYSTEMS] = {"dlfs2",    "dlfs2-shared", "gensim",      "word2vec.c",
                                                     "fastText", "dlfs2-sub",    "fastText-sub"};

/* Issue 21's targets: dlfs2's median time over the peer's, at most. */
#define CBOW_GENSIM_TARGET 0.5
#define CBOW_WORD2VEC_TARGET 0.2
#define SKIPGRAM_GENSIM_TARGET 0.5
/* Issue 22's: dlfs2-sub's median time and peak memory over fastText-sub's, at most. */
#define SUBWORDS_TIME_TARGET 0.5
#define SUBWORDS_MEMORY_TARGET 0.5

typedef struct PeersOptions {
    bool model[2];              /* --model: [RECIPE_CBOW], [RECIPE_SKIPGRAM] */
    int epochs;                 /* --epochs (10) */
    int threads;                /* --threads */
    int rounds;                 /* --rounds (3), or --seeds */
    bool rounds_given;
    int seeds;                  /* --seeds N: round r uses seed r; 0 = not given, every round seed 1 */
    const char *word2vec;       /* --word2vec PATH, NULL = skipped */
    const char *fasttext;       /* --fasttext PATH, NULL = skipped */
    const char *data_dir;       /* --data-dir, passed on to dlfs2 train */
    bool shared;                /* --shared-negatives: also the dlfs2-shared row */
    const char *subwords;       /* --subwords MIN-MAX as given, NULL = no subword rows */
    char minn[12], maxn[12];    /* its two numbers, for fastText's -minn and -maxn */
} PeersOptions;

/* One run of one system. */
typedef struct PeerRun {
    double wall_s;              /* the child's wall time */
    double peak_mib;            /* its ru_maxrss */
    double analogy;             /* accuracy over the covered questions; NaN = not measured */
    double rho;                 /* WordSim-353 Spearman; NaN = not measured */
} PeerRun;

/* What the runs share: the files, the temporary folder, which systems run. */
typedef struct PeersSetup {
    char corpus[4200];          /* ptb.train.txt */
    long tokens;                /* its words plus its line ends (dlfs2's <eos>): PTB's corpus size */
    char questions[4096];       /* questions-words.txt, "" when not found */
    char pairs[4096];           /* wordsim353.tsv, "" when not found */
    char eval_why[4400];        /* why the scores are not measured, when they are not */
    char dir[4096];             /* the temporary folder */
    bool on[N_SYSTEMS];         /* the system runs (dlfs2 always) */
} PeersSetup;

enum {
    OPT_PEERS = CLI_OPT_LONG_BASE, OPT_MODEL, OPT_EPOCHS, OPT_THREADS, OPT_ROUNDS, OPT_SEEDS,
    OPT_WORD2VEC, OPT_FASTTEXT, OPT_DATA_DIR, OPT_SHARED, OPT_SUBWORDS,
};

static const struct option peers_options[] = {
    {"peers", no_argument, NULL, OPT_PEERS},
    {"model", required_argument, NULL, OPT_MODEL},
    {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"rounds", required_argument, NULL, OPT_ROUNDS},
    {"seeds", required_argument, NULL, OPT_SEEDS},
    {"word2vec", required_argument, NULL, OPT_WORD2VEC},
    {"fasttext", required_argument, NULL, OPT_FASTTEXT},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"shared-negatives", no_argument, NULL, OPT_SHARED},
    {"subwords", required_argument, NULL, OPT_SUBWORDS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage_peers(void)
{
    fputs("Usage: dlfs2 bench --peers [--model cbow|skipgram|both] [--epochs N] [--threads N]\n"
          "                           [--rounds R] [--seeds N] [--word2vec PATH]\n"
          "                           [--fasttext PATH] [--data-dir DIR]\n"
          "                           [--shared-negatives] [--subwords MIN-MAX]\n"
          "\n"
          "Times dlfs2's word2vec preset against its peers on PTB's train split with the\n"
          "same recipe (window 5, 5 negatives, sample 1e-3, min count 5, 100 dimensions,\n"
          "alpha 0.05 for CBOW and 0.025 for SkipGram, --epochs, --threads):\n"
          "  dlfs2       dlfs2 train --preset word2vec --model M --epochs E --threads N\n"
          "              --seed S --out TMP (this program)\n"
          "  gensim      Word2Vec(sg=0|1, vector_size=100, window=5, negative=5, hs=0,\n"
          "              sample=1e-3, min_count=5, alpha, workers=N, epochs=E, seed=S), one\n"
          "              sentence per line, when /usr/bin/python3 ($DLFS2_PYTHON if set)\n"
          "              can import gensim (Debian: python3-gensim)\n"
          "  word2vec.c  PATH -cbow 1|0 -size 100 -window 5 -negative 5 -hs 0 -sample 0.001\n"
          "              -min-count 5 -alpha A -threads N -iter E (it has no seed option)\n"
          "  dlfs2-shared  (with --shared-negatives) the dlfs2 row's command with\n"
          "              --shared-negatives added\n"
          "  fastText    PATH cbow|skipgram -minn 0 -maxn 0 -t 0.001 -minCount 5 -ws 5\n"
          "              -neg 5 -epoch E -dim 100 -thread N -lr A -seed S (no subwords)\n"
          "A peer that is not given or cannot import gensim is reported as skipped; a\n"
          "--word2vec or --fasttext PATH that cannot run is an error (exit 1) before\n"
          "anything runs.\n"
          "\n"
          "The systems run in turn, round after round (dlfs2, gensim, word2vec.c,\n"
          "fastText, dlfs2, ...), each as a child process timed whole (its wall time,\n"
          "reading the corpus and writing the vectors included; its peak RSS). After\n"
          "each run its vectors are scored in this process: analogy accuracy on\n"
          "questions-words.txt and WordSim-353 Spearman rho, from DATA/eval as\n"
          "'dlfs2 accuracy' and 'dlfs2 wordsim' find them (not measured when missing:\n"
          "'dlfs2 fetch eval'). Printed: the load average at start, a line per run,\n"
          "then per model the median, min and max seconds, words/s per thread (PTB's\n"
          "tokens x epochs / median / threads), peak RSS, analogy and rho as mean ± sd\n"
          "over the rounds (sd: the sample standard deviation, 0 for one round); the\n"
          "ratio of dlfs2's median to each peer's and the median of the round-by-round\n"
          "ratios; last issue 21's targets (CBOW <= 0.5x gensim's time and <= 0.2x\n"
          "word2vec.c's, SkipGram <= 0.5x gensim's; analogy and rho each >= the best\n"
          "peer's mean - its sd), each 'met', 'not met' or 'not measured', and with\n"
          "--shared-negatives the same lines for dlfs2-shared. Files go to a\n"
          "temporary folder in $TMPDIR (else /tmp), removed afterwards.\n"
          "\n"
          "Options:\n"
          "  --model M       cbow, skipgram or both (both)\n"
          "  --epochs N      epochs of every run (10)\n"
          "  --threads N     threads of every run (the CPUs this process may use)\n"
          "  --rounds R      runs of each system per model (3)\n"
          "  --seeds N       one round per seed 1..N (instead of --rounds; without it\n"
          "                  every round uses seed 1); word2vec.c gets no seed\n"
          "  --word2vec PATH word2vec.c's compiled 'word2vec' program (not run unless given)\n"
          "  --fasttext PATH the 'fasttext' program (Debian: /usr/bin/fasttext; not run\n"
          "                  unless given)\n"
          "  --data-dir DIR  the data folder: PTB in DIR/ptb, downloaded if missing; the\n"
          "                  evaluation sets in DIR/eval (as for 'dlfs2 train')\n"
          "  --shared-negatives  also run dlfs2 with --shared-negatives (the dlfs2-shared\n"
          "                  row, after dlfs2's in each round), with its ratios and targets\n"
          "  --subwords MIN-MAX  also run dlfs2 with --subwords MIN-MAX (the dlfs2-sub row)\n"
          "                  and, with --fasttext, fastText with -minn MIN -maxn MAX (the\n"
          "                  fastText-sub row): their ratio of times and of peak memory and\n"
          "                  issue 22's targets (dlfs2-sub's analogy and rho >= fastText-sub's\n"
          "                  means; its time and its peak memory <= 0.5x fastText-sub's)\n"
          "  -h, --help      show this help\n",
          stdout);
}

bool bench_peers_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) return false;
        if (strcmp(argv[i], "--peers") == 0) return true;
    }
    return false;
}

/* A --word2vec or --fasttext path: kept when it can run, else a runtime error (exit 1). */
static int set_program(const char *option, const char *path, const char **out)
{
    const char *why = bench_program_problem(path);
    if (why != NULL) {
        cli_error("bench --peers: %s %s: %s", option, path, why);
        return CLI_EXIT_RUNTIME;
    }
    *out = path;
    return 0;
}

static int set_model(const char *arg, PeersOptions *o)
{
    RecipeModelKind kind;
    if (strcmp(arg, "both") == 0) {
        o->model[RECIPE_CBOW] = o->model[RECIPE_SKIPGRAM] = true;
        return 0;
    }
    if (recipe_model_kind_parse(arg, &kind) != DLFS_OK) {
        cli_error("bench --peers: --model '%s': expected cbow, skipgram or both", arg);
        return CLI_EXIT_USAGE;
    }
    o->model[RECIPE_CBOW] = kind == RECIPE_CBOW;
    o->model[RECIPE_SKIPGRAM] = kind == RECIPE_SKIPGRAM;
    return 0;
}

/* --subwords MIN-MAX: 1 <= MIN <= MAX <= 99 here; dlfs2 train checks the rest. */
static int set_subwords(const char *arg, PeersOptions *o)
{
    int lo = 0, hi = 0, used = 0;
    if (sscanf(arg, "%2d-%2d%n", &lo, &hi, &used) != 2 || arg[used] != '\0' || arg[0] < '0' || arg[0] > '9' ||
        lo < 1 || hi < lo) {
        cli_error("bench --peers: --subwords '%s': expected a range of n-gram lengths MIN-MAX such as 3-6", arg);
        return CLI_EXIT_USAGE;
    }
    o->subwords = arg;
    snprintf(o->minn, sizeof o->minn, "%d", lo);
    snprintf(o->maxn, sizeof o->maxn, "%d", hi);
    return 0;
}

/*
 * Parses argv. Returns -1 after the help, 0 to go on, or an exit status.
 * Usage errors come first: a program path is checked only when the rest
 * parsed.
 */
static int parse_peers_args(int argc, char **argv, PeersOptions *o)
{
    *o = (PeersOptions){.model = {true, true}, .epochs = 10, .threads = threads_default(), .rounds = 3};
    const char *word2vec = NULL, *fasttext = NULL;
    optind = 0;   /* glibc: start getopt anew */
    opterr = 0;
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "-:h", peers_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_peers(); return -1;
        case OPT_PEERS: break;
        case OPT_MODEL: rc = set_model(optarg, o); break;
        case OPT_EPOCHS: rc = cli_parse_int("--epochs", optarg, 1, MAX_EPOCHS, &o->epochs); break;
        case OPT_THREADS: rc = cli_parse_int("--threads", optarg, 1, CLI_MAX_THREADS, &o->threads); break;
        case OPT_ROUNDS:
            o->rounds_given = true;
            rc = cli_parse_int("--rounds", optarg, 1, MAX_ROUNDS, &o->rounds);
            break;
        case OPT_SEEDS: rc = cli_parse_int("--seeds", optarg, 1, MAX_ROUNDS, &o->seeds); break;
        case OPT_WORD2VEC: word2vec = optarg; break;
        case OPT_FASTTEXT: fasttext = optarg; break;
        case OPT_SHARED: o->shared = true; break;
        case OPT_SUBWORDS: rc = set_subwords(optarg, o); break;
        case OPT_DATA_DIR:
            if (!*optarg) {
                cli_error("bench --peers: --data-dir: expected a folder, got an empty argument");
                return CLI_EXIT_USAGE;
            }
            o->data_dir = optarg;
            break;
        case 1:
            cli_error("bench: unexpected argument '%s' (see 'dlfs2 bench --peers --help')", optarg);
            return CLI_EXIT_USAGE;
        default:
            return cli_getopt_error("bench --peers", c, argv);
        }
        if (rc != 0) return rc;
    }
    if (o->seeds > 0) {
        if (o->rounds_given && o->rounds != o->seeds) {
            cli_error("bench --peers: --seeds %d runs %d rounds, one per seed; --rounds %d disagrees",
                      o->seeds, o->seeds, o->rounds);
            return CLI_EXIT_USAGE;
        }
        o->rounds = o->seeds;
    }
    if (word2vec != NULL && (rc = set_program("--word2vec", word2vec, &o->word2vec)) != 0) return rc;
    if (fasttext != NULL && (rc = set_program("--fasttext", fasttext, &o->fasttext)) != 0) return rc;
    return 0;
}

/* The words of the file at path plus its line ends (a last line without '\n' counts as one). */
static int count_tokens(const char *path, long *tokens)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        cli_error("bench --peers: cannot read %s: %s", path, strerror(errno));
        return CLI_EXIT_RUNTIME;
    }
    long n = 0;
    bool in_word = false, line_open = false;
    for (int ch; (ch = getc(f)) != EOF;) {
        if (ch == '\n') {
            n++;
            line_open = false;
            in_word = false;
        } else {
            line_open = true;
            const bool space = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
            if (!space && !in_word) n++;
            in_word = !space;
        }
    }
    const bool bad = ferror(f);
    fclose(f);
    if (bad) {
        cli_error("bench --peers: cannot read %s", path);
        return CLI_EXIT_RUNTIME;
    }
    *tokens = n + (line_open ? 1 : 0);
    return CLI_EXIT_OK;
}

/* PTB's train split (downloaded if missing), the evaluation files, the temporary folder. */
static int peers_setup(const PeersOptions *o, PeersSetup *s)
{
    DlfsError err = {0};
    char ptb[4096];
    if (ptb_data_dir(ptb, sizeof ptb, o->data_dir, &err) != DLFS_OK ||
        ptb_ensure_file(ptb, "train", &err) != DLFS_OK) {
        cli_error("bench --peers: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    snprintf(s->corpus, sizeof s->corpus, "%s/ptb.train.txt", ptb);
    int rc = count_tokens(s->corpus, &s->tokens);
    if (rc != CLI_EXIT_OK) return rc;
    err = (DlfsError){0};
    if (data_file(s->questions, sizeof s->questions, o->data_dir, DATA_SET_EVAL, "questions-words.txt", &err) !=
            DLFS_OK ||
        data_file(s->pairs, sizeof s->pairs, o->data_dir, DATA_SET_EVAL, "wordsim353.tsv", &err) != DLFS_OK) {
        snprintf(s->eval_why, sizeof s->eval_why, "%s", err.msg);
        s->questions[0] = s->pairs[0] = '\0';
    }
    const char *tmp = getenv("TMPDIR");
    tmp = tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp";
    snprintf(s->dir, sizeof s->dir, "%s/dlfs2-peers-XXXXXX", tmp);
    if (mkdtemp(s->dir) == NULL) {
        cli_error("bench --peers: cannot make a folder in %s: %s", tmp, strerror(errno));
        s->dir[0] = '\0';
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Removes the temporary folder and all in it. */
static void remove_tree(const char *dir)
{
    if (dir[0] != '\0') nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Scores the vectors at path into r (analogy accuracy over the covered
 * questions, WordSim-353 Spearman rho); NaN when the evaluation files were
 * not found. Returns an exit status: unreadable vectors are a runtime error.
 */
static int score_vectors(const PeersSetup *s, const char *system, const char *path, PeerRun *r)
{
    r->analogy = r->rho = NAN;
    if (s->questions[0] == '\0') return CLI_EXIT_OK;
    Vocab vocab;
    vocab_init(&vocab);
    Tensor W = {0};
    AnalogyResult a;
    analogy_result_init(&a);
    WordSimResult w;
    DlfsError err = {0};
    int rc = CLI_EXIT_OK;
    if (vectors_load(path, &vocab, &W, &err) != DLFS_OK ||
        analogy_accuracy(&a, s->questions, &vocab, W.data, W.shape[0], W.shape[1], 0, &err) != DLFS_OK ||
        wordsim_evaluate(&w, s->pairs, &vocab, W.data, W.shape[0], W.shape[1], &err) != DLFS_OK) {
        cli_error("bench --peers: %s's vectors: %s", system, err.msg);
        rc = CLI_EXIT_RUNTIME;
    } else {
        r->analogy = analogy_fraction(a.correct, a.covered);
        r->rho = w.spearman;
    }
    analogy_result_free(&a);
    tensor_free(&W);
    vocab_free(&vocab);
    return rc;
}

/*
 * gensim's side: argv[1..] = corpus, output, sg, workers, epochs, seed,
 * alpha, sample, min_count. One sentence per line, split on whitespace (no
 * '<eos>': a line is a sentence, as the preset's <eos> ends one).
 */
static const char gensim_script[] =
    "import sys\n"
    "from gensim.models import Word2Vec\n"
    "path, out = sys.argv[1], sys.argv[2]\n"
    "sg, workers, epochs, seed = (int(a) for a in sys.argv[3:7])\n"
    "alpha, sample, min_count = float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])\n"
    "with open(path, encoding='utf-8') as f:\n"
    "    sentences = [line.split() for line in f]\n"
    "model = Word2Vec(sentences, vector_size=100, window=5, negative=5, hs=0, sg=sg,\n"
    "                 min_count=min_count, sample=sample, alpha=alpha, workers=workers,\n"
    "                 seed=seed, epochs=epochs)\n"
    "model.wv.save_word2vec_format(out, binary=False)\n";

/* The recipe's values as text, for the command lines. */
typedef struct RecipeText {
    char epochs[16], threads[16], seed[16], sample[32], min_count[16], alpha[32];
    const char *model;          /* "cbow" or "skipgram" */
    bool skipgram;
} RecipeText;

/* Appends to argv (at *n) the NULL-terminated list of strings. */
static void push(char **argv, int *n, const char *first, ...);

/*
 * Runs system sys once (t: the round's model and seed) and scores its
 * vectors into r. Returns an exit status: a run that cannot start or fails
 * is a runtime error.
 */
static int run_system(const PeersOptions *o, const PeersSetup *s, int sys, const RecipeText *t, PeerRun *r)
{
    char out[4300], vectors[4400], log[4300];
    snprintf(log, sizeof log, "%s/%s.log", s->dir, system_names[sys]);
    char *argv[64];
    int n = 0;
    const char *path = NULL;   /* the program; NULL: this one */
    switch (sys) {
    case SYS_DLFS2:
    case SYS_DLFS2_SHARED:
    case SYS_DLFS2_SUB:
        snprintf(out, sizeof out, "%s/%s", s->dir, system_names[sys]);
        snprintf(vectors, sizeof vectors, "%s/vectors.txt", out);
        push(argv, &n, "dlfs2", "train", "--preset", "word2vec", "--model", t->model, "--epochs", t->epochs,
             "--threads", t->threads, "--seed", t->seed, "--out", out, NULL);
        if (sys == SYS_DLFS2_SHARED) push(argv, &n, "--shared-negatives", NULL);
        if (sys == SYS_DLFS2_SUB) push(argv, &n, "--subwords", o->subwords, NULL);
        if (o->data_dir != NULL) push(argv, &n, "--data-dir", o->data_dir, NULL);
        break;
    case SYS_GENSIM:
        path = bench_python();
        snprintf(vectors, sizeof vectors, "%s/gensim.txt", s->dir);
        push(argv, &n, path, "-c", gensim_script, s->corpus, vectors, t->skipgram ? "1" : "0", t->threads,
             t->epochs, t->seed, t->alpha, t->sample, t->min_count, NULL);
        break;
    case SYS_WORD2VEC:
        path = o->word2vec;
        snprintf(vectors, sizeof vectors, "%s/word2vec.txt", s->dir);
        push(argv, &n, path, "-train", s->corpus, "-output", vectors, "-cbow", t->skipgram ? "0" : "1",
             "-size", "100", "-window", "5", "-negative", "5", "-hs", "0", "-sample", t->sample, "-min-count",
             t->min_count, "-alpha", t->alpha, "-threads", t->threads, "-iter", t->epochs, "-binary", "0",
             NULL);
        break;
    default:   /* SYS_FASTTEXT, SYS_FASTTEXT_SUB: it writes PREFIX.vec (and PREFIX.bin) */
        path = o->fasttext;
        snprintf(out, sizeof out, "%s/fasttext", s->dir);
        snprintf(vectors, sizeof vectors, "%s.vec", out);
        push(argv, &n, path, t->skipgram ? "skipgram" : "cbow", "-input", s->corpus, "-output", out, "-minn",
             sys == SYS_FASTTEXT_SUB ? o->minn : "0", "-maxn", sys == SYS_FASTTEXT_SUB ? o->maxn : "0", "-t", t->sample, "-minCount", t->min_count, "-ws", "5", "-neg", "5", "-epoch",
             t->epochs, "-dim", "100", "-thread", t->threads, "-lr", t->alpha, "-seed", t->seed, NULL);
        break;
    }
    argv[n] = NULL;
    int status = 0;
    int rc = path == NULL ? bench_run_self(argv, log, &r->wall_s, &r->peak_mib, &status)
                          : bench_run_program(path, argv, log, &r->wall_s, &r->peak_mib, &status);
    if (rc != CLI_EXIT_OK) return rc;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        cli_error("bench --peers: %s (%s) failed (%s %d); the end of its output:", system_names[sys],
                  path != NULL ? path : "dlfs2 train", WIFEXITED(status) ? "exit" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        FILE *f = fopen(log, "r");
        if (f != NULL) {   /* the last 2 KiB of its output, for the reason */
            if (fseek(f, -2048, SEEK_END) != 0) rewind(f);
            char line[512];
            while (fgets(line, sizeof line, f) != NULL) fprintf(stderr, "  %s", line);
            fclose(f);
        }
        return CLI_EXIT_RUNTIME;
    }
    return score_vectors(s, system_names[sys], vectors, r);
}

static void push(char **argv, int *n, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *)) argv[(*n)++] = (char *)a;
    va_end(ap);
}

/* The median of x (n,), n >= 1 (the mean of the two middle values for an even n). */
static double median(const double *x, int n)
{
    double v[MAX_ROUNDS];
    memcpy(v, x, (size_t)n * sizeof *v);
    for (int i = 1; i < n; i++)   /* insertion sort: n <= MAX_ROUNDS */
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            const double tmp = v[j];
            v[j] = v[j - 1];
            v[j - 1] = tmp;
        }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Mean and sample standard deviation (n - 1; 0 for n = 1) of x (n,); NaN in x gives NaN. */
static void mean_sd(const double *x, int n, double *mean, double *sd)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += x[i];
    *mean = sum / n;
    double ss = 0.0;
    for (int i = 0; i < n; i++) ss += (x[i] - *mean) * (x[i] - *mean);
    *sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
}

/* One system's figures for one model, over the rounds. */
typedef struct PeerSummary {
    double median_s, min_s, max_s, words_per_s_thread, peak_mib;
    double analogy_mean, analogy_sd, rho_mean, rho_sd;
} PeerSummary;

static PeerSummary summarize(const PeersOptions *o, const PeersSetup *s, const PeerRun *runs)
{
    double wall[MAX_ROUNDS], analogy[MAX_ROUNDS], rho[MAX_ROUNDS];
    PeerSummary m = {.min_s = INFINITY, .max_s = 0.0, .peak_mib = 0.0};
    for (int r = 0; r < o->rounds; r++) {
        wall[r] = runs[r].wall_s;
        analogy[r] = runs[r].analogy;
        rho[r] = runs[r].rho;
        m.min_s = fmin(m.min_s, wall[r]);
        m.max_s = fmax(m.max_s, wall[r]);
        m.peak_mib = fmax(m.peak_mib, runs[r].peak_mib);
    }
    m.median_s = median(wall, o->rounds);
    m.words_per_s_thread = (double)s->tokens * o->epochs / m.median_s / o->threads;
    mean_sd(analogy, o->rounds, &m.analogy_mean, &m.analogy_sd);
    mean_sd(rho, o->rounds, &m.rho_mean, &m.rho_sd);
    return m;
}

/* "0.0612 ± 0.0050", or "-" when not measured. */
static const char *format_score(double mean, double sd, char *buf, size_t size)
{
    if (isnan(mean))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.4f ± %.4f", mean, sd);
    return buf;
}

static const char *model_title(RecipeModelKind kind)
{
    return kind == RECIPE_CBOW ? "CBOW" : "SkipGram";
}

/* The table, the ratios. sum[sys] for the systems that ran. */
static void print_model(const PeersOptions *o, const PeersSetup *s, RecipeModelKind kind,
                        PeerRun (*runs)[MAX_ROUNDS], const PeerSummary *sum)
{
    printf("\n%s: %d round%s, %d epoch%s, %d thread%s, %ld tokens per epoch\n", model_title(kind), o->rounds,
           o->rounds == 1 ? "" : "s", o->epochs, o->epochs == 1 ? "" : "s", o->threads,
           o->threads == 1 ? "" : "s", s->tokens);
    printf("%-12s %9s %9s %9s %14s %9s  %-17s  %-17s\n", "system", "median_s", "min_s", "max_s",
           "words/s/thread", "peak_MiB", "analogy", "rho");
    for (int sys = 0; sys < N_SYSTEMS; sys++) {
        if (!s->on[sys]) continue;
        const PeerSummary *m = &sum[sys];
        char a[48], r[48];
        printf("%-12s %9.3f %9.3f %9.3f %14.0f %9.1f  %-17s  %-17s\n", system_names[sys], m->median_s, m->min_s,
               m->max_s, m->words_per_s_thread, m->peak_mib,
               format_score(m->analogy_mean, m->analogy_sd, a, sizeof a),
               format_score(m->rho_mean, m->rho_sd, r, sizeof r));
    }
    for (int mine = SYS_DLFS2; mine < N_SYSTEMS; mine++) {
        if (!s->on[mine] || (mine >= SYS_GENSIM && mine != SYS_DLFS2_SUB)) continue;
        /* the word-level rows against each other and the word-level peers; dlfs2-sub against fastText-sub */
        for (int sys = mine + 1; sys < N_SYSTEMS; sys++) {
            if (!s->on[sys] || (mine == SYS_DLFS2_SUB) != (sys == SYS_FASTTEXT_SUB) || sys == SYS_DLFS2_SUB)
                continue;
            double ratios[MAX_ROUNDS];
            for (int r = 0; r < o->rounds; r++) ratios[r] = runs[mine][r].wall_s / runs[sys][r].wall_s;
            printf("%s / %s: %.3f (median %.3f s / %.3f s); median of the rounds' ratios %.3f\n",
                   system_names[mine], system_names[sys], sum[mine].median_s / sum[sys].median_s,
                   sum[mine].median_s, sum[sys].median_s, median(ratios, o->rounds));
        }
    }
}

/* A time target: mine's (a dlfs2 row's) median over sys's at most target. */
static void print_time_target(const PeersOptions *o, const PeersSetup *s, RecipeModelKind kind, int mine, int sys,
                              double target, const PeerSummary *sum)
{
    printf("%s: %s <= %.1fx %s's time: ", model_title(kind), system_names[mine], target, system_names[sys]);
    if (!o->model[kind])
        printf("not measured (%s not run)\n", model_title(kind));
    else if (!s->on[sys])
        printf("not measured (%s skipped)\n", system_names[sys]);
    else {
        const double ratio = sum[mine].median_s / sum[sys].median_s;
        printf("%.3fx: %s\n", ratio, ratio <= target ? "met" : "not met");
    }
}

/* A quality target: mine's (a dlfs2 row's) mean >= the best peer's mean - that peer's sd. */
static void print_quality_target(const PeersOptions *o, const PeersSetup *s, RecipeModelKind kind, int mine,
                                 bool rho, const PeerSummary *sum)
{
    const char *what = rho ? "WordSim-353 rho" : "analogy";
    printf("%s: %s's %s >= the best peer's mean - its sd: ", model_title(kind), system_names[mine], what);
    if (!o->model[kind]) {
        printf("not measured (%s not run)\n", model_title(kind));
        return;
    }
    if (s->questions[0] == '\0') {
        printf("not measured (no evaluation data)\n");
        return;
    }
    int best = -1;
    for (int sys = SYS_GENSIM; sys <= SYS_FASTTEXT; sys++) {   /* the peers without subwords */
        if (!s->on[sys]) continue;
        const double mean = rho ? sum[sys].rho_mean : sum[sys].analogy_mean;
        if (!isnan(mean) && (best < 0 || mean > (rho ? sum[best].rho_mean : sum[best].analogy_mean))) best = sys;
    }
    if (best < 0) {
        printf("not measured (no peer ran)\n");
        return;
    }
    const double score = rho ? sum[mine].rho_mean : sum[mine].analogy_mean;
    const double mean = rho ? sum[best].rho_mean : sum[best].analogy_mean;
    const double sd = rho ? sum[best].rho_sd : sum[best].analogy_sd;
    printf("%.4f vs %.4f (%s %.4f - %.4f): %s\n", score, mean - sd, system_names[best], mean, sd,
           score >= mean - sd ? "met" : "not met");
    if (best == SYS_WORD2VEC && o->rounds > 1)
        printf("  (word2vec.c has no seed: its sd is the spread of one random stream over thread\n"
               "  timings, not over seeds; docs/fast-mode.md measures it with seeds)\n");
}

/*
 * Issue 22's targets for one model: dlfs2-sub's analogy and rho each at
 * least fastText-sub's mean, its median time and its peak memory at most
 * 0.5x fastText-sub's.
 */
static void print_subword_targets(const PeersOptions *o, const PeersSetup *s, RecipeModelKind kind,
                                  const PeerSummary *sum)
{
    const PeerSummary *mine = &sum[SYS_DLFS2_SUB], *ft = &sum[SYS_FASTTEXT_SUB];
    const char *why = !o->model[kind] ? "not run" : !s->on[SYS_FASTTEXT_SUB] ? "fastText-sub skipped" : NULL;
    for (int what = 0; what < 4; what++) {
        static const char *const names[4] = {"analogy >= fastText-sub's mean", "WordSim-353 rho >= fastText-sub's mean",
                                             "time <= 0.5x fastText-sub's", "peak memory <= 0.5x fastText-sub's"};
        printf("%s: dlfs2-sub's %s: ", model_title(kind), names[what]);
        if (why != NULL) {
            printf("not measured (%s)\n", why);
            continue;
        }
        switch (what) {
        case 0:
        case 1: {
            const double a = what == 0 ? mine->analogy_mean : mine->rho_mean;
            const double b = what == 0 ? ft->analogy_mean : ft->rho_mean;
            if (isnan(a) || isnan(b))
                printf("not measured (no evaluation data)\n");
            else
                printf("%.4f vs %.4f: %s\n", a, b, a >= b ? "met" : "not met");
            break;
        }
        case 2: {
            const double r = mine->median_s / ft->median_s;
            printf("%.3fx (%.3f s / %.3f s): %s\n", r, mine->median_s, ft->median_s,
                   r <= SUBWORDS_TIME_TARGET ? "met" : "not met");
            break;
        }
        default: {
            const double r = mine->peak_mib / ft->peak_mib;
            printf("%.3fx (%.1f MiB / %.1f MiB): %s\n", r, mine->peak_mib, ft->peak_mib,
                   r <= SUBWORDS_MEMORY_TARGET ? "met" : "not met");
            break;
        }
        }
    }
}

/* Says which systems run and why the others do not. */
static void choose_systems(const PeersOptions *o, PeersSetup *s)
{
    s->on[SYS_DLFS2] = true;
    s->on[SYS_DLFS2_SHARED] = o->shared;
    char why[4200];
    s->on[SYS_GENSIM] = bench_gensim_importable(why, sizeof why);
    if (s->on[SYS_GENSIM])
        printf("gensim: %s\n", bench_python());
    else
        printf("gensim: skipped: %s\n", why);
    s->on[SYS_WORD2VEC] = o->word2vec != NULL;
    if (s->on[SYS_WORD2VEC]) {
        printf("word2vec.c: %s (it has no seed option: its runs differ only by how its threads interleave)\n",
               o->word2vec);
        if (o->threads == 1 && o->epochs > 1)
            printf("word2vec.c: warning: with -threads 1, tmikolov's word2vec.c trains its first epoch only\n"
                   "  (its end-of-file flag is never cleared between epochs): its time and scores here are\n"
                   "  one epoch's (docs/fast-mode.md)\n");
    } else
        printf("word2vec.c: skipped: not given (--word2vec PATH)\n");
    s->on[SYS_FASTTEXT] = o->fasttext != NULL;
    if (s->on[SYS_FASTTEXT])
        printf("fastText: %s (without subwords: -minn 0 -maxn 0)\n", o->fasttext);
    else
        printf("fastText: skipped: not given (--fasttext PATH)\n");
    s->on[SYS_DLFS2_SUB] = o->subwords != NULL;
    s->on[SYS_FASTTEXT_SUB] = o->subwords != NULL && o->fasttext != NULL;
    if (o->subwords != NULL)
        printf("subwords: dlfs2-sub (--subwords %s) and %s\n", o->subwords,
               s->on[SYS_FASTTEXT_SUB] ? "fastText-sub (-minn MIN -maxn MAX)" : "no fastText-sub (--fasttext PATH)");
    if (s->questions[0] != '\0')
        printf("scores: analogy accuracy on %s, WordSim-353 rho on %s\n", s->questions, s->pairs);
    else
        printf("scores: not measured: %s\n", s->eval_why);
}

int cmd_bench_peers(int argc, char **argv)
{
    PeersOptions o;
    int rc = parse_peers_args(argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    PeersSetup s = {0};
    rc = peers_setup(&o, &s);
    if (rc != CLI_EXIT_OK) {
        remove_tree(s.dir);
        return rc;
    }
    const RecipePreset *preset = &recipe_preset_word2vec;
    printf("peers: %s (%ld tokens: words and line ends); %d epoch%s, %d thread%s, %d round%s, %s\n", s.corpus,
           s.tokens, o.epochs, o.epochs == 1 ? "" : "s", o.threads, o.threads == 1 ? "" : "s", o.rounds,
           o.rounds == 1 ? "" : "s", o.seeds > 0 ? "round r with seed r" : "seed 1");
    printf("recipe: window 5, negative 5, sample %g, min count %d, 100 dimensions, alpha %g (CBOW) / %g "
           "(SkipGram)\n",
           preset->sample, preset->min_count, recipe_preset_lr(preset, RECIPE_CBOW),
           recipe_preset_lr(preset, RECIPE_SKIPGRAM));
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("load average at start: %.2f %.2f %.2f (runnable processes, 1, 5 and 15 minute means)\n", load[0],
               load[1], load[2]);
    choose_systems(&o, &s);
    fflush(stdout);

    static PeerRun runs[2][N_SYSTEMS][MAX_ROUNDS];
    PeerSummary sum[2][N_SYSTEMS];
    memset(sum, 0, sizeof sum);
    for (int kind = RECIPE_CBOW; kind <= RECIPE_SKIPGRAM && rc == CLI_EXIT_OK; kind++) {
        if (!o.model[kind]) continue;
        RecipeText t = {.model = recipe_model_kind_name((RecipeModelKind)kind), .skipgram = kind == RECIPE_SKIPGRAM};
        snprintf(t.epochs, sizeof t.epochs, "%d", o.epochs);
        snprintf(t.threads, sizeof t.threads, "%d", o.threads);
        snprintf(t.sample, sizeof t.sample, "%g", preset->sample);
        snprintf(t.min_count, sizeof t.min_count, "%d", preset->min_count);
        snprintf(t.alpha, sizeof t.alpha, "%g", recipe_preset_lr(preset, (RecipeModelKind)kind));
        for (int r = 0; r < o.rounds && rc == CLI_EXIT_OK; r++) {
            const int seed = o.seeds > 0 ? r + 1 : 1;
            snprintf(t.seed, sizeof t.seed, "%d", seed);
            for (int sys = 0; sys < N_SYSTEMS && rc == CLI_EXIT_OK; sys++) {
                if (!s.on[sys]) continue;
                PeerRun *run = &runs[kind][sys][r];
                rc = run_system(&o, &s, sys, &t, run);
                if (rc != CLI_EXIT_OK) break;
                char a[32] = "-", w[32] = "-";
                if (!isnan(run->analogy)) snprintf(a, sizeof a, "%.4f", run->analogy);
                if (!isnan(run->rho)) snprintf(w, sizeof w, "%.4f", run->rho);
                printf("%s round %d/%d, seed %d: %-10s %8.3f s, peak %7.1f MiB, analogy %s, rho %s\n",
                       model_title((RecipeModelKind)kind), r + 1, o.rounds, seed, system_names[sys], run->wall_s,
                       run->peak_mib, a, w);
                fflush(stdout);
            }
        }
        for (int sys = 0; sys < N_SYSTEMS && rc == CLI_EXIT_OK; sys++)
            if (s.on[sys]) sum[kind][sys] = summarize(&o, &s, runs[kind][sys]);
    }
    remove_tree(s.dir);
    if (rc != CLI_EXIT_OK) return rc;

    for (int kind = RECIPE_CBOW; kind <= RECIPE_SKIPGRAM; kind++)
        if (o.model[kind]) print_model(&o, &s, (RecipeModelKind)kind, runs[kind], sum[kind]);
    printf("times: each run's whole process (reading the corpus, writing the vectors); words/s per thread\n"
           "= %ld tokens x %d epoch%s / median / %d thread%s; scores: mean ± sample sd over the rounds\n",
           s.tokens, o.epochs, o.epochs == 1 ? "" : "s", o.threads, o.threads == 1 ? "" : "s");

    printf("\ntargets (issue 21), from this run's medians and means:\n");
    for (int mine = SYS_DLFS2; mine < SYS_GENSIM; mine++) {
        if (!s.on[mine]) continue;
        print_time_target(&o, &s, RECIPE_CBOW, mine, SYS_GENSIM, CBOW_GENSIM_TARGET, sum[RECIPE_CBOW]);
        print_time_target(&o, &s, RECIPE_CBOW, mine, SYS_WORD2VEC, CBOW_WORD2VEC_TARGET, sum[RECIPE_CBOW]);
        print_time_target(&o, &s, RECIPE_SKIPGRAM, mine, SYS_GENSIM, SKIPGRAM_GENSIM_TARGET, sum[RECIPE_SKIPGRAM]);
        for (int kind = RECIPE_CBOW; kind <= RECIPE_SKIPGRAM; kind++)
            for (int rho = 0; rho < 2; rho++)
                print_quality_target(&o, &s, (RecipeModelKind)kind, mine, rho == 1, sum[kind]);
    }
    if (s.on[SYS_DLFS2_SUB]) {
        printf("\ntargets (issue 22, subwords %s), from this run's medians, peaks and means:\n", o.subwords);
        for (int kind = RECIPE_CBOW; kind <= RECIPE_SKIPGRAM; kind++)
            print_subword_targets(&o, &s, (RecipeModelKind)kind, sum[kind]);
    }
    return CLI_EXIT_OK;
}
