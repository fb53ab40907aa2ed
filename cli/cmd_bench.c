/*
 * cmd_bench.c — `dlfs2 bench`: where the time of a training iteration goes
 * (the benchmark of issue 6).
 *
 * For CBOW and SkipGram with negative sampling and CBOW with the full
 * softmax, all with the textbook's settings (ch04/train.py: window 5,
 * hidden 100, batch 100, Adam lr 0.001; NegativeSamplingLoss: sample_size
 * 5, power 0.75, without replacement), it trains with the textbook's
 * Trainer (training/trainer.h) and reads the trainer's own timing of each
 * phase of every step (training/phase_times.h): the sampler, forward,
 * backward, the optimizer, and the rest (making the batch, zeroing the
 * gradients). No training loop is copied here: what is timed is the code
 * that trains. It prints ms per iteration and the breakdown, seconds per
 * epoch (extrapolated), words per second and the peak RSS.
 *
 * Then it measures two references on the same machine in the same run and
 * says how close the iteration comes to them: the memory bandwidth of a
 * streaming pass shaped like the dense Adam update (against the optimizer
 * time), and the throughput of a large cblas_sgemm (against the softmax
 * row's forward + backward, which is three products over the (H, V) W_out).
 * Last, the external programs (cli/bench_external.c): when
 * /usr/bin/python3 can import gensim, gensim's Word2Vec CBOW for one epoch
 * on the same PTB tokens; given --word2vec PATH, word2vec.c's binary
 * (Mikolov's original tool) for the word2vec row's epochs with the same
 * recipe; each with the ratio of the times.
 *
 * Rows of mode "textbook" are the textbook-exact mode. Rows of mode "fast"
 * are `dlfs2 train --fast` (training/fast_trainer.h) for the same three
 * models, measured twice: the breakdown columns by fast_trainer_fit's own
 * phase timing on ONE thread (sampling, forward, backward, then the lazy
 * Adam update of the touched rows, which also zeroes their gradients), and
 * ms/iter, s/epoch and words/s as the real multi-threaded rate of
 * fast_trainer_fit over --iters steps. The last row, mode "word2vec", is
 * `dlfs2 train --preset word2vec` (CBOW, recipe/preset.h) timed over
 * --epochs whole epochs through fast_trainer_fit_stream, its rows made as
 * the corpus is read, inside the threads' step loops
 * (recipe/word2vec_stream.h); gensim is then also run with the same
 * recipe and the two per-epoch times compared.
 */
#include <cblas.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/bench_contention.h"
#include "cli/bench_external.h"
#include "cli/bench_peers.h"
#include "cli/bench_scale.h"
#include "cli/bench_vocab.h"
#include "cli/cli.h"
#include "cli/train_setup.h"
#include "common/blas.h"
#include "common/check.h"
#include "common/clock.h"
#include "common/rng.h"
#include "common/threads.h"
#include "models/word2vec.h"
#include "recipe/data.h"
#include "recipe/model_build.h"
#include "recipe/preset.h"
#include "recipe/word2vec_stream.h"
#include "training/fast_trainer.h"
#include "training/optimizer.h"
#include "training/phase_times.h"
#include "training/trainer.h"

#define MAX_ITERS 100000000
#define MAX_EPOCHS 1000

/* Dense Adam reads p, g, m, v and writes p, m, v: 7 floats per parameter. */
#define ADAM_BYTES_PER_PARAM 28.0
/* The streaming reference: four float arrays of 128 MiB (512 MiB in all), best of 5 passes. */
#define STREAM_FLOATS ((size_t)32 << 20)
#define STREAM_REPEATS 5
/* The sgemm reference: (n, n) @ (n, n) float32, best of 3 after one untimed call. */
#define SGEMM_N 2048
#define SGEMM_REPEATS 3

typedef struct BenchOptions {
    int iters;              /* --iters: timed iterations per row */
    int warmup;             /* --warmup: untimed iterations before them */
    const char *data_dir;   /* --data-dir, NULL = the data folder's default (datasets/data.h) */
    uint64_t seed;          /* --seed */
    int threads;            /* --threads */
    int epochs;             /* --epochs: whole epochs of the word2vec-preset row */
    bool gensim;            /* not --no-gensim */
    const char *word2vec;   /* --word2vec: word2vec.c's binary to compare with; NULL = none */
    bool contention;        /* --contention: bench_contention instead of the table */
    int rounds;             /* --rounds, for --contention */
    bool iters_given;       /* --iters was given (--contention's default differs) */
    BenchVocabOptions vocab; /* --vocab-sizes and its options: the sweep (cli/bench_vocab.h) */
} BenchOptions;

/* One row of the table: a model, its output loss and the mode. */
typedef struct BenchCase {
    const char *model;      /* "CBOW" or "SkipGram" */
    bool skipgram;
    Word2VecLoss loss;
} BenchCase;

static const BenchCase cases[] = {
    {"CBOW", false, WORD2VEC_LOSS_NEGSAMP},
    {"SkipGram", true, WORD2VEC_LOSS_NEGSAMP},
    {"CBOW", false, WORD2VEC_LOSS_SOFTMAX},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };
/* The table: the cases in mode textbook, the cases in mode fast, the word2vec-preset row. */
enum { ROW_FAST = N_CASES, ROW_WORD2VEC = 2 * N_CASES, N_ROWS };
static const BenchCase word2vec_case = {"CBOW", false, WORD2VEC_LOSS_NEGSAMP};

/* The parts of an iteration, in the order they run: the trainers' phases (training/phase_times.h);
 * "other" is TRAIN_PHASE_BATCH (making the batch, zeroing the gradients). */
enum {
    PHASE_OTHER = TRAIN_PHASE_BATCH, PHASE_SAMPLER = TRAIN_PHASE_SAMPLE,
    PHASE_FORWARD = TRAIN_PHASE_FORWARD, PHASE_BACKWARD = TRAIN_PHASE_BACKWARD,
    PHASE_OPTIMIZER = TRAIN_PHASE_UPDATE, N_PHASES = TRAIN_N_PHASES
};

/* What one row measured. */
typedef struct BenchRow {
    const BenchCase *c;
    const char *mode;           /* "textbook", "fast" or "word2vec" */
    int batch, hidden, vocab;
    size_t n_params;            /* floats in W_in and W_out */
    bool has_breakdown;         /* phase_ms measured (all but the word2vec row) */
    double phase_s[N_PHASES];   /* seconds over the timed iterations (fast: one thread's) */
    double total_s;             /* their sum */
    double ms_per_iter;         /* textbook: total_s per iteration; fast, word2vec: the threads' rate */
    double phase_ms[N_PHASES];  /* per iteration */
    double s_per_epoch;         /* extrapolated (see extrapolated), or measured over whole epochs */
    bool extrapolated;          /* s_per_epoch from ms_per_iter (the '*') */
    double words_per_s;         /* targets of an epoch / s_per_epoch */
    double peak_rss_mib;        /* getrusage's ru_maxrss after the row */
    /* fast and word2vec: the fast_trainer_fit run */
    int threads;
    long steps;                 /* steps timed, all threads together */
    double loop_s;              /* wall seconds in the threads' step loops over them */
    double one_thread_ms;       /* fast: total_s per iteration, one thread's step */
    double setup_ms;            /* fast: per epoch, fit's work outside the step loop (rows, shuffle) */
    /* word2vec */
    int epochs;
    double fit_s;               /* wall seconds of fast_trainer_fit over the epochs */
    double make_s;              /* of which making the rows outside the step loops: 0, the stream
                                   makes them inside (recipe/word2vec_stream.h) */
    double rows;                /* rows trained: targets kept, all epochs */
} BenchRow;

enum {
    OPT_ITERS = CLI_OPT_LONG_BASE, OPT_WARMUP, OPT_DATA_DIR, OPT_SEED, OPT_THREADS, OPT_EPOCHS,
    OPT_NO_GENSIM, OPT_WORD2VEC, OPT_CONTENTION, OPT_ROUNDS,
};

static const struct option bench_options[] = {
    {"iters", required_argument, NULL, OPT_ITERS},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"seed", required_argument, NULL, OPT_SEED},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"no-gensim", no_argument, NULL, OPT_NO_GENSIM},
    {"word2vec", required_argument, NULL, OPT_WORD2VEC},
    {"contention", no_argument, NULL, OPT_CONTENTION},
    {"rounds", required_argument, NULL, OPT_ROUNDS},
    BENCH_VOCAB_LONG_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_bench(void)
{
    fputs("Usage: dlfs2 bench [--iters N] [--warmup N] [--data-dir DIR] [--seed S]\n"
          "                   [--threads N] [--epochs N] [--no-gensim] [--word2vec PATH]\n"
          "       dlfs2 bench --contention [--iters N] [--rounds N] [--data-dir DIR] [--seed S]\n"
          "       dlfs2 bench --scale [--scales 1,5,20] [--corpus FILE] [--max-iters N]\n"
          "                   (memory and speed against the corpus's size; see\n"
          "                   'dlfs2 bench --scale --help')\n"
          "       dlfs2 bench --peers [--model cbow|skipgram|both] [--epochs 10] [--threads N]\n"
          "                   [--rounds R] [--seeds N] [--word2vec PATH] [--fasttext PATH]\n"
          "                   (dlfs2's word2vec preset against gensim, word2vec.c and\n"
          "                   fastText, round after round; see 'dlfs2 bench --peers --help')\n"
          "\n"
          "Times training iterations on PTB with the textbook's settings (window 5,\n"
          "hidden 100, batch 100, Adam lr 0.001, 5 negatives drawn without replacement\n"
          "with power 0.75) for CBOW and SkipGram with negative sampling and CBOW with\n"
          "the full softmax, and prints per row: ms per iteration and its breakdown into\n"
          "sampler / forward / backward / optimizer / other (making the batch, zeroing\n"
          "the gradients), seconds per epoch (extrapolated), words per second and the\n"
          "peak RSS (mode 'textbook').\n"
          "\n"
          "The same three models in the fast mode of 'dlfs2 train --fast' (mode 'fast'):\n"
          "the breakdown is one thread running the fast step (lazy Adam on the touched\n"
          "rows, negatives with replacement); ms/iter, s/epoch and words/s are the rate\n"
          "of fast_trainer_fit on all --threads over --iters steps. Last, 'dlfs2 train\n"
          "--preset word2vec' (CBOW, mode 'word2vec') timed over --epochs whole epochs.\n"
          "\n"
          "It also measures, in the same run, the memory bandwidth of a streaming pass\n"
          "shaped like the Adam update and the throughput of a large cblas_sgemm, and\n"
          "prints the fraction of each that the Adam step and the softmax layer reach.\n"
          "When /usr/bin/python3 can import gensim, it trains gensim's Word2Vec CBOW\n"
          "for one epoch on the same tokens, once as the textbook rows' comparison and\n"
          "once with the word2vec preset's recipe, and prints the time ratios. Given\n"
          "--word2vec PATH, it runs word2vec.c's binary at PATH with the preset's recipe\n"
          "for --epochs epochs on the same file and prints that ratio too.\n"
          "\n"
          "With --contention it measures the default thread count on a busy machine\n"
          "instead: each round runs 'dlfs2 train --max-iters N' (--iters, 2000) with the\n"
          "default threads and with --threads 1, first on the machine as it is, then\n"
          "while one busy process per CPU this process may use spins; it prints the\n"
          "load average before it starts, each round's wall seconds, their medians and\n"
          "the median ratio default / --threads 1 (--rounds, 3).\n"
          "\n"
          "Options:\n"
          "  --iters N       timed iterations per row (500); with --contention, the\n"
          "                  --max-iters of each training run (2000)\n"
          "  --warmup N      untimed iterations before them (20)\n"
          "  --data-dir DIR  the data folder: PTB in DIR/ptb, downloaded if missing\n"
          "                  (default $DLFS2_DATA, else ${XDG_CACHE_HOME:-~/.cache}/dlfs2)\n"
          "  --seed S        random seed of the weights, batches and negatives (1)\n"
          "  --threads N     OpenMP and OpenBLAS threads, and the fast rows' threads\n"
          "                  (the CPUs this process may use; fixed, never tuned)\n"
          "  --contention    time the default threads against --threads 1, idle and\n"
          "                  with one busy process per CPU (see above)\n"
          "  --rounds N      rounds of --contention (3)\n"
          "  --epochs N      whole epochs of the word2vec-preset row (10)\n"
          "  --no-gensim     do not run gensim\n"
          "  --word2vec PATH also time word2vec.c's 'word2vec' program at PATH (built from\n"
          "                  Mikolov's word2vec.c; not run unless given)\n"
          "  -h, --help      show this help\n",
          stdout);
    bench_vocab_usage();
}

static int apply_option(BenchOptions *o, int c, const char *arg)
{
    switch (c) {
    case OPT_ITERS:
        o->iters_given = true;
        return cli_parse_int("--iters", arg, 1, MAX_ITERS, &o->iters);
    case OPT_CONTENTION: o->contention = true; return 0;
    case OPT_ROUNDS: return cli_parse_int("--rounds", arg, 1, 99, &o->rounds);
    case OPT_WARMUP: return cli_parse_int("--warmup", arg, 0, MAX_ITERS, &o->warmup);
    case OPT_DATA_DIR: o->data_dir = arg; return 0;
    case OPT_SEED: return cli_parse_u64("--seed", arg, &o->seed);
    case OPT_THREADS: return cli_parse_int("--threads", arg, 1, CLI_MAX_THREADS, &o->threads);
    case OPT_EPOCHS: return cli_parse_int("--epochs", arg, 1, MAX_EPOCHS, &o->epochs);
    case OPT_NO_GENSIM: o->gensim = false; return 0;
    case OPT_WORD2VEC: {
        const char *why = bench_program_problem(arg);
        if (why != NULL) {
            cli_error("bench: --word2vec %s: %s (give the path of word2vec.c's compiled program)",
                      arg, why);
            return CLI_EXIT_USAGE;
        }
        o->word2vec = arg;
        return 0;
    }
    default:
        if (c >= BENCH_VOCAB_OPT_SIZES) return bench_vocab_apply_option(&o->vocab, c, arg);
        return CLI_EXIT_USAGE;
    }
}

/* Parses argv into o. Returns -1 after printing the help, 0 to go on, or an exit status. */
static int parse_bench_args(int argc, char **argv, BenchOptions *o)
{
    *o = (BenchOptions){.iters = 500, .warmup = 20, .seed = 1, .threads = threads_default(),
                        .epochs = 10, .gensim = true, .rounds = 3};
    bench_vocab_defaults(&o->vocab);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-:h", bench_options, NULL)) != -1) {
        if (c == 'h') {
            usage_bench();
            return -1;
        }
        if (c == '?' || c == ':') return cli_getopt_error("bench", c, argv);
        if (c == 1) {
            cli_error("bench: unexpected argument '%s' (see 'dlfs2 bench --help')", optarg);
            return CLI_EXIT_USAGE;
        }
        int rc = apply_option(o, c, optarg);
        if (rc != 0) return rc;
    }
    if (optind < argc) {
        cli_error("bench: unexpected argument '%s' (see 'dlfs2 bench --help')", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (o->vocab.other_given && !o->vocab.on) {
        cli_error("bench: --hidden, --batch, --steps and --plot go with --vocab-sizes");
        return CLI_EXIT_USAGE;
    }
    if (o->vocab.on && o->contention) {
        cli_error("bench: --vocab-sizes and --contention are two different benchmarks; give one");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* "s" unless n is 1, for "%d thread%s". */
static const char *plural(long n)
{
    return n == 1 ? "" : "s";
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return NAN;
    return (double)ru.ru_maxrss / 1024.0;   /* Linux gives KiB */
}

/* Epochs enough for fits of o->warmup + o->iters steps in all, each fit starting anew or going on. */
static int epochs_for(const BenchOptions *o, const RecipeData *d, int batch)
{
    return (int)(((long)o->warmup + o->iters) / (long)(d->data_size / (size_t)batch) + 1);
}

/* The row's phases from times (over o->iters steps): per iteration, their sum, the rate. */
static void set_breakdown(BenchRow *row, const TrainerPhaseTimes *times, const BenchOptions *o)
{
    for (int p = 0; p < TRAIN_N_PHASES; p++) {
        row->phase_s[p] = times->s[p];
        row->phase_ms[p] = 1e3 * row->phase_s[p] / o->iters;
    }
    row->total_s = trainer_phase_total(times);
}

/*
 * A textbook row: trainer_fit_corpus (training/trainer.h) on the row's model, the
 * textbook's Adam, o->warmup steps untimed, then o->iters steps timed by
 * the trainer's own phase timing (training/phase_times.h). Returns an exit
 * status.
 */
static int run_row(const BenchOptions *o, const RecipeData *d, const BenchCase *c, BenchRow *row)
{
    Word2VecConfig cfg = word2vec_default_config((int)d->vocab.size);   /* the textbook's */
    cfg.loss = c->loss;
    Rng rng;
    rng_seed(&rng, o->seed);
    RecipeModel m;
    int rc = train_model_build(&m, c->skipgram, &cfg, d, &rng);
    if (rc != CLI_EXIT_OK) {
        recipe_model_free(&m);
        return rc;
    }
    const OptimizerConfig opt_cfg = optimizer_default_config(OPTIMIZER_ADAM);   /* lr 0.001 */
    Optimizer opt;
    optimizer_init(&opt, &opt_cfg, m.model.params, m.model.n_params);
    const int B = cfg.max_batch;
    const size_t iters_per_epoch = d->data_size / (size_t)B;
    Trainer trainer;
    trainer_init(&trainer, &m.model, &opt);
    trainer.eval_interval = 0;
    trainer.log = NULL;
    TrainerPhaseTimes times = {0};
    const int epochs = epochs_for(o, d, B);
    DlfsError err = {0};
    int status = DLFS_OK;
    if (o->warmup > 0) {
        trainer.max_iters = o->warmup;
        status = trainer_fit_corpus(&trainer, d->corpus.data, d->corpus.size, d->window, epochs, B, &rng,
                                    &err);
    }
    trainer.max_iters = (long)o->warmup + o->iters;   /* fit goes on where the warmup stopped */
    trainer.phase_times = &times;
    if (status == DLFS_OK)
        status = trainer_fit_corpus(&trainer, d->corpus.data, d->corpus.size, d->window, epochs, B, &rng,
                                    &err);
    if (status != DLFS_OK) {
        cli_error("%s %s: %s", c->model, word2vec_loss_name(c->loss), err.msg);
        rc = CLI_EXIT_RUNTIME;
    } else {
        *row = (BenchRow){.c = c, .mode = "textbook", .batch = B, .hidden = cfg.hidden_size,
                          .vocab = cfg.vocab_size, .has_breakdown = true, .extrapolated = true};
        for (int i = 0; i < m.model.n_params; i++) row->n_params += m.model.params[i]->value.size;
        set_breakdown(row, &times, o);
        row->ms_per_iter = 1e3 * row->total_s / o->iters;
        row->s_per_epoch = row->ms_per_iter * (double)iters_per_epoch / 1e3;
        row->words_per_s = (double)B * o->iters / row->total_s;
        row->peak_rss_mib = peak_rss_mib();
    }
    trainer_free(&trainer);
    optimizer_free(&opt);
    recipe_model_free(&m);
    return rc;
}

/* The fast rows' models: m, the owner of the weights drawn from Rng(seed), and its replicas. */
typedef struct FastModels {
    RecipeModel m;
    RecipeThreads th;       /* th.models[0] is m's model (recipe/model_build.h) */
} FastModels;

/* Builds f for o->threads threads. Returns an exit status; free with fast_models_free either way. */
static int fast_models_build(FastModels *f, const BenchOptions *o, const RecipeData *d, bool skipgram,
                             const Word2VecConfig *cfg)
{
    memset(f, 0, sizeof *f);
    Rng rng;
    rng_seed(&rng, o->seed);
    const int rc = train_model_build(&f->m, skipgram, cfg, d, &rng);
    if (rc == CLI_EXIT_OK) recipe_threads_build(&f->th, o->threads, &f->m, &rng, o->seed);
    return rc;
}

static void fast_models_free(FastModels *f)
{
    recipe_threads_free(&f->th);
    recipe_model_free(&f->m);
    memset(f, 0, sizeof *f);
}

/* What the timed fit of fit_fast took. */
typedef struct FitTiming {
    double fit_s;           /* wall seconds of fast_trainer_fit */
    double loop_s;          /* of which inside the threads' step loops */
    long steps;             /* steps run */
    int calls;              /* epochs it asked for */
} FitTiming;

/*
 * fast_trainer_fit over the textbook's rows on the trainer's threads:
 * o->warmup steps untimed, then o->iters steps (the trainer's
 * cfg.max_iters) on the same trainer and weights, timed into *t, their
 * phases added into times (NULL: none). Returns an exit status.
 */
static int fit_fast(const BenchOptions *o, const RecipeData *d, const BenchCase *c, FastTrainer *trainer,
                    Rng *rngs, TrainerPhaseTimes *times, FitTiming *t)
{
    RecipeEpochs data;
    (void)train_epochs_init(&data, d, NULL, o->seed);   /* the textbook's rows: cannot fail */
    DlfsError err = {0};
    int status = DLFS_OK;
    if (o->warmup > 0) {
        trainer->cfg.max_iters = trainer->total_iters + o->warmup;
        status = fast_trainer_fit(trainer, recipe_epochs_next, &data, rngs, &err);
    }
    data.calls = 0;
    const long iters0 = trainer->total_iters;
    const double loop0 = trainer->loop_s;
    trainer->cfg.max_iters = iters0 + o->iters;   /* fit stops once total_iters reaches it */
    trainer->cfg.phase_times = times;
    const double start = dlfs_now_s();
    if (status == DLFS_OK) status = fast_trainer_fit(trainer, recipe_epochs_next, &data, rngs, &err);
    *t = (FitTiming){.fit_s = dlfs_now_s() - start, .loop_s = trainer->loop_s - loop0,
                     .steps = trainer->total_iters - iters0, .calls = data.calls};
    trainer->cfg.phase_times = NULL;
    recipe_epochs_free(&data);
    if (status != DLFS_OK) {
        cli_error("%s %s fast: %s", c->model, word2vec_loss_name(c->loss), err.msg);
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

/*
 * A fast row. The breakdown: fast_trainer_fit on ONE thread (OpenMP, and
 * so the split products, set to one thread) over f.th.models[0], timed by
 * the trainer's own phase timing. The rate: fast_trainer_fit on all
 * o->threads threads over the same weights; ms/iter is the wall time of
 * the threads' step loops per step; s/epoch adds, once, what fit did
 * outside them per epoch it started (handing out the rows, the shuffle).
 * Returns an exit status.
 */
static int run_fast_row(const BenchOptions *o, const RecipeData *d, const BenchCase *c, BenchRow *row)
{
    Word2VecConfig cfg = word2vec_default_config((int)d->vocab.size);
    cfg.loss = c->loss;
    cfg.replace = true;   /* --fast draws with replacement */
    FastModels f;
    int rc = fast_models_build(&f, o, d, c->skipgram, &cfg);
    if (rc != CLI_EXIT_OK) {
        fast_models_free(&f);
        return rc;
    }
    FastTrainerConfig tc = fast_trainer_default_config();   /* lazy Adam, lr 0.001, shuffled */
    tc.batch_size = cfg.max_batch;
    tc.epochs = epochs_for(o, d, tc.batch_size);   /* each fit starts at epoch 0 */
    tc.eval_interval = 0;
    tc.log = NULL;
    *row = (BenchRow){.c = c, .mode = "fast", .batch = tc.batch_size, .hidden = cfg.hidden_size,
                      .vocab = cfg.vocab_size, .has_breakdown = true, .extrapolated = true};
    for (int i = 0; i < f.m.model.n_params; i++) row->n_params += f.m.model.params[i]->value.size;

    TrainerPhaseTimes times = {0};
    FitTiming t;
    tc.threads = 1;
    FastTrainer one;
    fast_trainer_init(&one, &tc, f.th.models);
    blas_set_threads(1);
    rc = fit_fast(o, d, c, &one, f.th.rngs, &times, &t);
    blas_set_threads(o->threads);
    fast_trainer_free(&one);
    if (rc == CLI_EXIT_OK) {
        set_breakdown(row, &times, o);
        row->one_thread_ms = 1e3 * row->total_s / o->iters;
    }

    tc.threads = o->threads;
    FastTrainer trainer;
    fast_trainer_init(&trainer, &tc, f.th.models);
    if (rc == CLI_EXIT_OK) rc = fit_fast(o, d, c, &trainer, f.th.rngs, NULL, &t);
    if (rc == CLI_EXIT_OK) {
        const size_t iters_per_epoch = d->data_size / (size_t)tc.batch_size;
        row->threads = o->threads;
        row->steps = t.steps;
        row->loop_s = t.loop_s;
        row->setup_ms = 1e3 * (t.fit_s - row->loop_s) / t.calls;
        row->ms_per_iter = 1e3 * row->loop_s / (double)row->steps;
        row->s_per_epoch = (row->ms_per_iter * (double)iters_per_epoch + row->setup_ms) / 1e3;
        row->words_per_s = (double)tc.batch_size * (double)iters_per_epoch / row->s_per_epoch;
    }
    row->peak_rss_mib = peak_rss_mib();
    fast_trainer_free(&trainer);
    fast_models_free(&f);
    return rc;
}
/*
 * The word2vec-preset row: `dlfs2 train --preset word2vec` for CBOW
 * (recipe/preset.h: SGD from lr 0.05 falling with the tokens read,
 * subsampling 1e-3, min count 5, shrunk windows, sentences ending at <eos>,
 * every context row given the whole dh, the textbook's sampler without
 * replacement, rows in corpus order), o->epochs whole epochs on all threads,
 * timed from outside. As train does it: the vocabulary and counts from one
 * counting pass over PTB's train split (recipe_data_count, not timed), the
 * model from the counts (recipe_model_build_counts), and the corpus read as
 * a stream by fast_trainer_fit_stream (recipe/word2vec_stream.h), which
 * makes the rows inside the threads' step loops: make_s is 0 and the
 * making counts in ms/iter. Returns an exit status.
 */
static int run_word2vec_row(const BenchOptions *o, BenchRow *row)
{
    const RecipePreset *preset = &recipe_preset_word2vec;
    RecipeData d;
    FastModels f;
    Word2VecStream ws;
    memset(&f, 0, sizeof f);
    memset(&ws, 0, sizeof ws);
    DlfsError err = {0};
    int rc = CLI_EXIT_OK;
    int status = recipe_data_count(&d, "ptb", o->data_dir, 0, NULL, &err);
    const int V = (int)d.vocab.size;
    Word2VecConfig cfg = word2vec_default_config(V);   /* window 5, hidden 100, batch 100, ... */
    recipe_preset_model_config(preset, &cfg);
    Rng rng;
    rng_seed(&rng, o->seed);
    if (status == DLFS_OK) status = recipe_model_build_counts(&f.m, RECIPE_CBOW, &cfg, d.counts, &rng, &err);
    if (status == DLFS_OK) {
        recipe_threads_build(&f.th, o->threads, &f.m, &rng, o->seed);
        const Word2VecDataConfig data_cfg = recipe_preset_data_config(preset, cfg.window_size, &d.vocab);
        status = word2vec_stream_init(&ws, d.path, 0, &d.vocab, d.counts, &data_cfg, o->threads, o->seed, &err);
        if (o->epochs == 1) ws.cache_max_bytes = 0;   /* as dlfs2 train: no later epoch to replay */
    }
    if (status != DLFS_OK) {
        cli_error("CBOW negsamp word2vec: %s", err.msg);
        rc = status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
        goto done;
    }
    FastTrainerConfig tc = fast_trainer_default_config();
    tc.threads = o->threads;
    tc.batch_size = cfg.max_batch;
    tc.epochs = o->epochs;
    tc.eval_interval = 0;
    recipe_preset_fast_config(preset, RECIPE_CBOW, &tc);
    tc.log = NULL;
    FastTrainer trainer;
    fast_trainer_init(&trainer, &tc, f.th.models);
    const FastStream source = word2vec_stream_source(&ws);
    const double start = dlfs_now_s();
    status = fast_trainer_fit_stream(&trainer, &source, f.th.rngs, &err);
    const double fit_s = dlfs_now_s() - start;
    *row = (BenchRow){.c = &word2vec_case, .mode = "word2vec", .batch = tc.batch_size,
                      .hidden = cfg.hidden_size, .vocab = V, .threads = o->threads,
                      .steps = trainer.total_iters, .loop_s = trainer.loop_s, .epochs = o->epochs,
                      .fit_s = fit_s, .make_s = 0.0, .rows = trainer.total_rows};
    fast_trainer_free(&trainer);
    if (status != DLFS_OK) {
        cli_error("CBOW negsamp word2vec: %s", err.msg);
        rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    for (int i = 0; i < f.m.model.n_params; i++) row->n_params += f.m.model.params[i]->value.size;
    row->ms_per_iter = 1e3 * row->loop_s / (double)row->steps;
    row->s_per_epoch = fit_s / o->epochs;
    row->words_per_s = row->rows / fit_s;
    row->peak_rss_mib = peak_rss_mib();
done:
    word2vec_stream_free(&ws);
    fast_models_free(&f);
    recipe_data_free(&d);
    return rc;
}

static void print_row(const BenchRow *r)
{
    printf("%-8s %-7s %-8s %9.3f ", r->c->model, word2vec_loss_name(r->c->loss), r->mode,
           r->ms_per_iter);
    if (r->has_breakdown)
        printf("%8.3f %8.3f %8.3f %9.3f %8.3f ", r->phase_ms[PHASE_SAMPLER], r->phase_ms[PHASE_FORWARD],
               r->phase_ms[PHASE_BACKWARD], r->phase_ms[PHASE_OPTIMIZER], r->phase_ms[PHASE_OTHER]);
    else
        printf("%8s %8s %8s %9s %8s ", "-", "-", "-", "-", "-");
    printf("%8.1f%c %9.0f %9.1f\n", r->s_per_epoch, r->extrapolated ? '*' : ' ', r->words_per_s,
           r->peak_rss_mib);
}

static void print_table(const BenchOptions *o, const RecipeData *d, const BenchRow *rows)
{
    const size_t iters_per_epoch = d->data_size / (size_t)rows[0].batch;
    printf("\n%d timed iterations per row after %d warmup, batch %d, hidden %d, V %d, seed %llu, "
           "%d threads\n",
           o->iters, o->warmup, rows[0].batch, rows[0].hidden, rows[0].vocab,
           (unsigned long long)o->seed, o->threads);
    printf("%-8s %-7s %-8s %9s %8s %8s %8s %9s %8s %9s %9s %9s\n", "model", "loss", "mode",
           "ms/iter", "sampler", "forward", "backward", "optimizer", "other", "s/epoch", "words/s",
           "peak MiB");
    for (int i = 0; i < N_ROWS; i++) print_row(&rows[i]);
    printf("* extrapolated: ms/iter x %zu iterations per epoch / 1000\n", iters_per_epoch);
    printf("other = making the batch + zeroing the gradients; peak MiB = ru_maxrss after the row\n");

    const BenchRow *fast = &rows[ROW_FAST];
    printf("\nfast rows: 'dlfs2 train --fast' (training/fast_trainer.h: Hogwild threads over\n"
           "  minibatches, lazy Adam lr 0.001 on the rows touched, negatives with replacement)\n"
           "  sampler .. other: ONE thread through fast_trainer_fit, timed by the trainer itself\n"
           "    (optimizer = the lazy Adam update, which also zeroes the gradients it applied;\n"
           "    other = making the batch); their sum is the one-thread ms/iter below\n"
           "  ms/iter, s/epoch, words/s: %d thread%s through fast_trainer_fit, %ld steps after %d\n"
           "    untimed: ms/iter = wall time of the threads' step loops / steps; s/epoch* =\n"
           "    (ms/iter x %zu + fit's time outside the loops per epoch: rows, shuffle) / 1000;\n"
           "    words/s = %d x %zu / s/epoch\n",
           fast->threads, plural(fast->threads), fast->steps, o->warmup, iters_per_epoch, fast->batch,
           iters_per_epoch);
    for (int i = ROW_FAST; i < ROW_FAST + N_CASES; i++) {
        const BenchRow *r = &rows[i];
        printf("  %-8s %-7s fast: one thread %.3f ms/iter; %d thread%s %.3f ms/iter (%.2fx); "
               "outside the loops %.1f ms/epoch\n",
               r->c->model, word2vec_loss_name(r->c->loss), r->one_thread_ms, r->threads,
               plural(r->threads), r->ms_per_iter, r->one_thread_ms / r->ms_per_iter, r->setup_ms);
    }

    const BenchRow *w = &rows[ROW_WORD2VEC];
    printf("\nword2vec row: 'dlfs2 train --preset word2vec' (CBOW; SGD from lr %g falling linearly,\n"
           "  subsampling %g, min count %d, windows shrunk at random, sentences end at <eos>,\n"
           "  every context row gets the whole dh, negatives without replacement, rows in corpus\n"
           "  order), %d whole epoch%s through fast_trainer_fit_stream on %d thread%s, the corpus\n"
           "  read as a stream as train reads it, no breakdown (-): ms/iter = wall time of the\n"
           "  threads' step loops / steps, making the rows included (the stream makes them inside\n"
           "  the loops, so 'making the rows' below is 0); s/epoch = wall time of fit / epochs\n"
           "  (measured, not extrapolated); words/s = rows trained / wall time of fit\n",
           recipe_preset_lr(&recipe_preset_word2vec, RECIPE_CBOW), recipe_preset_word2vec.sample,
           recipe_preset_word2vec.min_count, w->epochs, plural(w->epochs), w->threads,
           plural(w->threads));
    printf("  CBOW     negsamp word2vec: %d epoch%s in %.3f s (making the rows %.3f s), %.0f rows "
           "in %ld steps\n",
           w->epochs, plural(w->epochs), w->fit_s, w->make_s, w->rows, w->steps);
}

/*
 * The memory-bandwidth reference: a pass over four float arrays p, g, m, v
 * of STREAM_FLOATS each that reads all four and writes p, m, v, as dense
 * Adam does, with cheap arithmetic so that memory is the limit, split
 * across the OpenMP threads as adam.c splits its pass. Every written array
 * is read first, so no write-allocate traffic goes uncounted. Returns the
 * best of STREAM_REPEATS passes in GB/s (28 bytes per element).
 */
static double measure_bandwidth(void)
{
    const long n = (long)STREAM_FLOATS;
    float *p = dlfs_malloc((size_t)n * sizeof *p), *g = dlfs_malloc((size_t)n * sizeof *g);
    float *m = dlfs_malloc((size_t)n * sizeof *m), *v = dlfs_malloc((size_t)n * sizeof *v);
    /* first touch by the threads that will stream the same pages */
#pragma omp parallel for simd schedule(static)
    for (long j = 0; j < n; j++) {
        p[j] = 1.0f;
        g[j] = (float)(j & 1023) * 1e-3f;
        m[j] = 0.0f;
        v[j] = 0.0f;
    }
    double best = INFINITY;
    for (int rep = 0; rep < STREAM_REPEATS; rep++) {
        const double start = dlfs_now_s();
#pragma omp parallel for simd schedule(static)
        for (long j = 0; j < n; j++) {
            m[j] = 0.9f * m[j] + 0.1f * g[j];
            v[j] = 0.999f * v[j] + 0.001f * g[j];
            p[j] -= 1e-3f * (m[j] - v[j]);
        }
        const double s = dlfs_now_s() - start;
        if (s < best) best = s;
    }
    /* read the result back so that the passes cannot be optimised away */
    volatile float sink = p[n / 3] + m[n / 2] + v[n - 1];
    (void)sink;
    free(p);
    free(g);
    free(m);
    free(v);
    return ADAM_BYTES_PER_PARAM * (double)n / best / 1e9;
}

/* The sgemm reference: C = A B with (SGEMM_N, SGEMM_N) float32 matrices. Returns GFLOP/s. */
static double measure_sgemm(void)
{
    const int n = SGEMM_N;
    const size_t nn = (size_t)n * n;
    float *a = dlfs_malloc(nn * sizeof *a), *b = dlfs_malloc(nn * sizeof *b);
    float *c = dlfs_malloc(nn * sizeof *c);
    for (size_t i = 0; i < nn; i++) {
        a[i] = (float)(i % 17) * 0.01f;
        b[i] = (float)(i % 13) * 0.01f;
    }
    double best = INFINITY;
    for (int rep = 0; rep <= SGEMM_REPEATS; rep++) {   /* rep 0 warms up, untimed */
        const double start = dlfs_now_s();
        blas_sgemm(CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        const double s = dlfs_now_s() - start;
        if (rep > 0 && s < best) best = s;
    }
    volatile float sink = c[nn / 2];
    (void)sink;
    free(a);
    free(b);
    free(c);
    return 2.0 * n * (double)n * n / best / 1e9;
}

static void print_references(const BenchRow *rows)
{
    printf("\nReferences measured in this run:\n");
    const double gbps = measure_bandwidth();
    printf("memory bandwidth: %.1f GB/s (an Adam-shaped stream: read p, g, m, v, write p, m, v;\n"
           "  4 x %zu MiB arrays, best of %d)\n",
           gbps, STREAM_FLOATS * sizeof(float) >> 20, STREAM_REPEATS);
    printf("Adam pass: fraction = 28 B x n_params / optimizer time per iteration / bandwidth\n"
           "  (dense Adam reads p, g, m, v and writes p, m, v: 7 x 4 bytes per parameter)\n");
    for (int i = 0; i < N_CASES; i++) {
        const BenchRow *r = &rows[i];
        const double bytes = ADAM_BYTES_PER_PARAM * (double)r->n_params;
        const double achieved = bytes / (r->phase_ms[PHASE_OPTIMIZER] / 1e3) / 1e9;
        printf("  %-8s %-7s 28 B x %zu / %.3f ms = %.1f GB/s = %.0f%% of %.1f GB/s\n", r->c->model,
               word2vec_loss_name(r->c->loss), r->n_params, r->phase_ms[PHASE_OPTIMIZER], achieved,
               100.0 * achieved / gbps, gbps);
    }
    printf("  (the Adam state p, g, m, v is %.1f MiB; what fits in the last-level cache can\n"
           "  beat the streaming rate, so a fraction above 100%% is possible)\n",
           4.0 * sizeof(float) * (double)rows[0].n_params / (1024.0 * 1024.0));

    const double gflops = measure_sgemm();
    printf("sgemm throughput: %.1f GFLOP/s (blas_sgemm %d x %d x %d, best of %d)\n", gflops,
           SGEMM_N, SGEMM_N, SGEMM_N, SGEMM_REPEATS);
    for (int i = 0; i < N_CASES; i++) {
        const BenchRow *r = &rows[i];
        if (r->c->loss != WORD2VEC_LOSS_SOFTMAX) continue;
        const double flops = 3.0 * 2.0 * r->batch * (double)r->hidden * r->vocab;
        const double fb_ms = r->phase_ms[PHASE_FORWARD] + r->phase_ms[PHASE_BACKWARD];
        const double achieved = flops / (fb_ms / 1e3) / 1e9;
        printf("softmax layer: fraction = 3 x 2 x B x H x V flops / (forward + backward time) / sgemm\n"
               "  (forward h W_out, backward dh and dW_out)\n"
               "  %s %s: 3 x 2 x %d x %d x %d / %.3f ms = %.1f GFLOP/s = %.0f%% of %.1f GFLOP/s\n",
               r->c->model, word2vec_loss_name(r->c->loss), r->batch, r->hidden, r->vocab, fb_ms,
               achieved, 100.0 * achieved / gflops, gflops);
    }
}

int cmd_bench(int argc, char **argv)
{
    if (bench_scale_requested(argc, argv)) return cmd_bench_scale(argc, argv);   /* cli/bench_scale.c */
    if (bench_peers_requested(argc, argv)) return cmd_bench_peers(argc, argv);   /* cli/bench_peers.c */
    BenchOptions o;
    int rc = parse_bench_args(argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    if (o.contention) {
        const ContentionOptions c = {.iters = o.iters_given ? o.iters : 2000, .rounds = o.rounds,
                                     .seed = o.seed, .data_dir = o.data_dir};
        return bench_contention(&c);
    }
    if (o.vocab.on) return bench_vocab(&o.vocab, o.seed, o.threads);
    /* every thread is OpenMP's; OpenBLAS runs on the calling thread (common/blas.h) */
    blas_set_threads(o.threads);

    const Word2VecConfig textbook = word2vec_default_config(1);
    RecipeData d;
    rc = train_data_load(&d, "ptb", o.data_dir, textbook.window_size, textbook.max_batch);
    BenchRow rows[N_ROWS];
    memset(rows, 0, sizeof rows);
    if (rc == CLI_EXIT_OK)
        printf("corpus size: %zu, vocab size: %d, data_size: %zu, iterations per epoch: %zu\n"
               "threads: %d (OpenMP; OpenBLAS one per OpenMP thread); %s\n",
               d.corpus.size, (int)d.vocab.size, d.data_size, d.data_size / (size_t)textbook.max_batch,
               o.threads, openblas_get_config());
    for (int i = 0; i < N_CASES && rc == CLI_EXIT_OK; i++) {
        printf("%s %s: timing...\n", cases[i].model, word2vec_loss_name(cases[i].loss));
        fflush(stdout);
        rc = run_row(&o, &d, &cases[i], &rows[i]);
    }
    for (int i = 0; i < N_CASES && rc == CLI_EXIT_OK; i++) {
        printf("%s %s fast: timing...\n", cases[i].model, word2vec_loss_name(cases[i].loss));
        fflush(stdout);
        rc = run_fast_row(&o, &d, &cases[i], &rows[ROW_FAST + i]);
    }
    if (rc == CLI_EXIT_OK) {
        printf("CBOW negsamp word2vec: timing %d epoch%s...\n", o.epochs, plural(o.epochs));
        fflush(stdout);
        rc = run_word2vec_row(&o, &rows[ROW_WORD2VEC]);
    }
    if (rc == CLI_EXIT_OK) {
        print_table(&o, &d, rows);
        print_references(rows);
    }
    const BenchRow *fast = &rows[ROW_FAST], *w2v = &rows[ROW_WORD2VEC];
    const BenchExternal x = {
        .threads = o.threads, .epochs = o.epochs, .word2vec = o.word2vec,
        .textbook = {.s_per_epoch = rows[0].s_per_epoch},
        .fast = {.s_per_epoch = fast->s_per_epoch, .threads = fast->threads, .batch = fast->batch},
        .word2vec_row = {.s_per_epoch = w2v->s_per_epoch, .threads = w2v->threads, .batch = w2v->batch,
                         .epochs = w2v->epochs, .rows = w2v->rows},
    };
    /* the folder PTB was read from (recipe_data_load) holds ptb.train.txt */
    if (rc == CLI_EXIT_OK && o.gensim)
        rc = bench_gensim(&x, d.ptb_dir);
    else if (rc == CLI_EXIT_OK)
        printf("\ngensim: skipped (--no-gensim)\n");
    if (rc == CLI_EXIT_OK && o.word2vec != NULL)
        rc = bench_word2vec_c(&x, d.ptb_dir);
    recipe_data_free(&d);
    return rc;
}
