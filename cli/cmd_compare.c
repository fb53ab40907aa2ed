/*
 * cmd_compare.c — `dlfs2 compare`: the chapter's comparison, measured.
 *
 * Trains the same model (CBOW or SkipGram) three times on the same data
 * with the same seed, batch and optimizer, once per output loss: the full
 * softmax over all V words (chapter 3's output side, textbook §4.1 on why
 * it is slow), negative sampling (§4.2) and word2vec.c's hierarchical
 * softmax (Mikolov et al. 2013, §2.1). For each it measures the time per
 * iteration, the seconds per epoch (measured when whole epochs ran, else
 * extrapolated from ms/iter), words per second, the size of the
 * parameters, and the quality of the resulting W_in: analogy accuracy
 * (3CosAdd, as `dlfs2 accuracy`) and WordSim-353 Spearman rho (as `dlfs2
 * wordsim`). Writes DIR/compare.csv, DIR/loss_curves.csv and a plot of the
 * three loss curves (DIR/loss_curves.png, or .svg).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/train_setup.h"
#include "common/blas.h"
#include "common/clock.h"
#include "common/threads.h"
#include "datasets/data.h"
#include "common/check.h"
#include "common/fs.h"
#include "training/optimizer.h"
#include "plot/plot.h"
#include "common/rng.h"
#include "training/trainer.h"
#include "evaluation/analogy.h"
#include "evaluation/wordsim.h"
#include "models/word2vec.h"

#define MAX_WINDOW 1024
#define MAX_HIDDEN 65536
#define MAX_BATCH (1 << 20)
#define MAX_SAMPLE_SIZE 1024
#define DEFAULT_MAX_ITERS 2000

/* The losses in the order of compare.csv's rows. */
static const Word2VecLoss compared[] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_NEGSAMP,
                                        WORD2VEC_LOSS_HSOFTMAX};
enum { N_COMPARED = sizeof compared / sizeof compared[0] };

typedef struct CompareOptions {
    bool skipgram;          /* --model */
    int epochs;             /* --epochs, 0 = not given */
    long max_iters;         /* --max-iters, 0 = not given */
    uint64_t seed;          /* --seed */
    const char *questions;  /* --questions, else the data folder's when it is there; NULL = no analogy column */
    const char *pairs;      /* --pairs, likewise; NULL = no wordsim column */
    char questions_found[4096];  /* the data folder's questions-words.txt, when found */
    char pairs_found[4096];      /* the data folder's wordsim353.tsv, when found */
    const char *out_dir;    /* --out */
    const char *corpus;     /* --corpus */
    const char *data_dir;   /* --data-dir */
    int window, hidden, batch, sample_size, eval_interval;
    OptimizerKind optimizer;
    double lr;
    bool lr_given;
    bool svg;               /* --plot-format svg */
    bool verbose;           /* --verbose: the trainer's progress lines */
    int threads;            /* --threads; 0 when not given: threads_use_default() (common/threads.h) */
} CompareOptions;

/* What one loss's run gave. */
typedef struct CompareRow {
    Word2VecLoss loss;
    long iters;
    double train_s;         /* wall-clock seconds in trainer_fit */
    double final_loss;      /* the last recorded mean loss */
    double ms_per_iter;
    double s_per_epoch;
    bool epoch_measured;    /* s_per_epoch from whole epochs, not extrapolated */
    double words_per_s;     /* targets (corpus words) per second */
    double param_mib;       /* the model's params, float32, in MiB */
    double analogy;         /* NaN when not evaluated */
    double wordsim;         /* NaN when not evaluated */
    LossRecord *curve;      /* (n_curve,) owned */
    size_t n_curve;
} CompareRow;

enum {
    OPT_MODEL = CLI_OPT_LONG_BASE, OPT_EPOCHS, OPT_MAX_ITERS, OPT_SEED, OPT_QUESTIONS, OPT_PAIRS,
    OPT_OUT, OPT_CORPUS, OPT_DATA_DIR, OPT_WINDOW, OPT_HIDDEN, OPT_BATCH, OPT_SAMPLE_SIZE,
    OPT_OPTIMIZER, OPT_LR, OPT_EVAL_INTERVAL, OPT_PLOT_FORMAT, OPT_VERBOSE, OPT_THREADS,
};

static const struct option compare_options[] = {
    {"model", required_argument, NULL, OPT_MODEL},
    {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"max-iters", required_argument, NULL, OPT_MAX_ITERS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"questions", required_argument, NULL, OPT_QUESTIONS},
    {"pairs", required_argument, NULL, OPT_PAIRS},
    {"out", required_argument, NULL, OPT_OUT},
    {"corpus", required_argument, NULL, OPT_CORPUS},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"hidden", required_argument, NULL, OPT_HIDDEN},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"sample-size", required_argument, NULL, OPT_SAMPLE_SIZE},
    {"optimizer", required_argument, NULL, OPT_OPTIMIZER},
    {"lr", required_argument, NULL, OPT_LR},
    {"eval-interval", required_argument, NULL, OPT_EVAL_INTERVAL},
    {"plot-format", required_argument, NULL, OPT_PLOT_FORMAT},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_compare(void)
{
    fputs("Usage: dlfs2 compare [--model cbow|skipgram] [--epochs E | --max-iters N] [--seed S]\n"
          "                     [--questions FILE] [--pairs FILE] [--out DIR] [OPTIONS]\n"
          "\n"
          "Trains the model three times on the same data, seed, batch and optimizer, once\n"
          "per output loss -- softmax (MatMul + SoftmaxWithLoss over all words), negsamp\n"
          "(negative sampling) and hsoftmax (hierarchical softmax over a Huffman tree) --\n"
          "and prints one row each: final loss, ms per iteration, seconds per epoch\n"
          "(measured, or extrapolated from ms/iter and marked '*'), words per second, MiB\n"
          "of parameters, analogy accuracy and WordSim-353 Spearman rho of W_in. Writes\n"
          "DIR/compare.csv (loss,final_loss,ms_per_iter,s_per_epoch,words_per_s,param_mib,\n"
          "analogy,wordsim), DIR/loss_curves.csv (iteration,softmax,negsamp,hsoftmax) and\n"
          "DIR/loss_curves.png, the three curves (gnuplot draws it).\n"
          "\n"
          "Options:\n"
          "  --model cbow|skipgram  the model (cbow)\n"
          "  --epochs E             train E whole epochs each\n"
          "  --max-iters N          train N iterations each (2000 when neither is given)\n"
          "  --seed S               random seed, the same for the three runs (1)\n"
          "  --questions FILE       analogy questions (default: the data folder's\n"
          "                         eval/questions-words.txt when it is there, see\n"
          "                         'dlfs2 fetch eval'; none: no analogy column)\n"
          "  --pairs FILE           word pairs with human scores (default: the data folder's\n"
          "                         eval/wordsim353.tsv when it is there; none: no wordsim)\n"
          "  --out DIR              output directory, created if missing (./out/compare)\n"
          "  --corpus ptb|FILE      PTB's train split, or a whitespace-tokenised text file (ptb)\n"
          "  --data-dir DIR         the data folder: PTB in DIR/ptb (default $DLFS2_DATA, else\n"
          "                         ${XDG_CACHE_HOME:-~/.cache}/dlfs2)\n"
          "  --window N, --hidden N, --batch N, --sample-size N\n"
          "                         as for dlfs2 train (5, 100, 100, 5)\n"
          "  --optimizer NAME       as for dlfs2 train (adam)\n"
          "  --lr X                 learning rate (the optimizer's textbook default)\n"
          "  --eval-interval N      record the mean loss every N iterations (20)\n"
          "  --plot-format png|svg  the plot's format (png)\n"
          "  --verbose              print the trainer's progress lines\n"
          "  --threads N            threads for the optimizer, products and softmax (default:\n"
          "                         the CPUs this process may use, fewer while they are busy)\n"
          "  -h, --help             show this help\n"
          "\n"
          "The loss values are not comparable across the three losses (each is its own\n"
          "objective); the time and quality columns are.\n",
          stdout);
}

static void compare_options_default(CompareOptions *o)
{
    *o = (CompareOptions){
        .skipgram = false, .seed = 1, .out_dir = "out/compare", .corpus = "ptb",
        .window = 5, .hidden = 100, .batch = 100, .sample_size = 5, .eval_interval = 20,
        .optimizer = OPTIMIZER_ADAM, .lr = 0.001, .threads = 0,
    };
}

static int apply_option(CompareOptions *o, int c, const char *arg)
{
    switch (c) {
    case OPT_MODEL: {
        RecipeModelKind kind;
        if (recipe_model_kind_parse(arg, &kind) != DLFS_OK) {
            cli_error("--model: expected cbow or skipgram, got '%s'", arg);
            return CLI_EXIT_USAGE;
        }
        o->skipgram = kind == RECIPE_SKIPGRAM;
        return 0;
    }
    case OPT_EPOCHS: return cli_parse_int("--epochs", arg, 1, 1000000, &o->epochs);
    case OPT_THREADS: return cli_parse_int("--threads", arg, 1, CLI_MAX_THREADS, &o->threads);
    case OPT_MAX_ITERS: return cli_parse_long("--max-iters", arg, 1, 0x7fffffffL, &o->max_iters);
    case OPT_SEED: return cli_parse_u64("--seed", arg, &o->seed);
    case OPT_QUESTIONS: o->questions = arg; return 0;
    case OPT_PAIRS: o->pairs = arg; return 0;
    case OPT_OUT: o->out_dir = arg; return 0;
    case OPT_CORPUS: o->corpus = arg; return 0;
    case OPT_DATA_DIR: o->data_dir = arg; return 0;
    case OPT_WINDOW: return cli_parse_int("--window", arg, 1, MAX_WINDOW, &o->window);
    case OPT_HIDDEN: return cli_parse_int("--hidden", arg, 1, MAX_HIDDEN, &o->hidden);
    case OPT_BATCH: return cli_parse_int("--batch", arg, 1, MAX_BATCH, &o->batch);
    case OPT_SAMPLE_SIZE:
        return cli_parse_int("--sample-size", arg, 1, MAX_SAMPLE_SIZE, &o->sample_size);
    case OPT_OPTIMIZER:
        if (optimizer_parse_kind(arg, &o->optimizer) != DLFS_OK) {
            cli_error("--optimizer: expected sgd, momentum, nesterov, adagrad, rmsprop or adam, "
                      "got '%s'", arg);
            return CLI_EXIT_USAGE;
        }
        return 0;
    case OPT_LR: o->lr_given = true; return cli_parse_double("--lr", arg, 0.0, 1, 1e6, &o->lr);
    case OPT_EVAL_INTERVAL:
        return cli_parse_int("--eval-interval", arg, 1, 0x7fffffff, &o->eval_interval);
    case OPT_PLOT_FORMAT:
        if (strcmp(arg, "png") == 0) {
            o->svg = false;
        } else if (strcmp(arg, "svg") == 0) {
            o->svg = true;
        } else {
            cli_error("--plot-format: expected png or svg, got '%s'", arg);
            return CLI_EXIT_USAGE;
        }
        return 0;
    case OPT_VERBOSE: o->verbose = true; return 0;
    default: return CLI_EXIT_USAGE;
    }
}

/* A file the evaluation will read: checked before minutes of training. */
static int check_readable(const char *option, const char *path)
{
    if (path && access(path, R_OK) != 0) {
        cli_error("%s: cannot read '%s': %s", option, path, strerror(errno));
        return CLI_EXIT_RUNTIME;
    }
    return 0;
}

/* Parses argv into o. Returns -1 after printing the help, 0 to go on, or an exit status. */
static int parse_compare_args(int argc, char **argv, CompareOptions *o)
{
    compare_options_default(o);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-:h", compare_options, NULL)) != -1) {
        if (c == 'h') {
            usage_compare();
            return -1;
        }
        if (c == '?' || c == ':') return cli_getopt_error("compare", c, argv);
        if (c == 1) {
            cli_error("compare: unexpected argument '%s' (see 'dlfs2 compare --help')", optarg);
            return CLI_EXIT_USAGE;
        }
        int rc = apply_option(o, c, optarg);
        if (rc != 0) return rc;
    }
    if (optind < argc) {
        cli_error("compare: unexpected argument '%s' (see 'dlfs2 compare --help')", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (o->epochs > 0 && o->max_iters > 0) {
        cli_error("compare: give --epochs or --max-iters, not both");
        return CLI_EXIT_USAGE;
    }
    if (o->epochs == 0 && o->max_iters == 0) o->max_iters = DEFAULT_MAX_ITERS;
    if (o->out_dir[0] == '\0') {
        cli_error("--out: expected a directory, got ''");
        return CLI_EXIT_USAGE;
    }
    if (!o->lr_given) o->lr = optimizer_default_config(o->optimizer).lr;
    /* without --questions / --pairs, the data folder's files when they are there */
    DlfsError err = {0};
    if (o->questions == NULL && data_file(o->questions_found, sizeof o->questions_found, o->data_dir,
                                          DATA_SET_EVAL, "questions-words.txt", &err) == DLFS_OK)
        o->questions = o->questions_found;
    if (o->pairs == NULL && data_file(o->pairs_found, sizeof o->pairs_found, o->data_dir, DATA_SET_EVAL,
                                      "wordsim353.tsv", &err) == DLFS_OK)
        o->pairs = o->pairs_found;
    int rc = check_readable("--questions", o->questions);
    if (rc == 0) rc = check_readable("--pairs", o->pairs);
    return rc;
}

static double params_mib(const Model *model)
{
    size_t n = 0;
    for (int i = 0; i < model->n_params; i++) n += model->params[i]->value.size;
    return (double)n * sizeof(float) / (1024.0 * 1024.0);
}

/* Fills row->analogy and row->wordsim from W_in. Returns an exit status. */
static int evaluate(const CompareOptions *o, const RecipeData *d, const Param *W_in, CompareRow *row)
{
    const int V = W_in->value.shape[0], H = W_in->value.shape[1];
    DlfsError err = {0};
    row->analogy = row->wordsim = NAN;
    if (o->questions) {
        AnalogyResult result;
        analogy_result_init(&result);
        if (analogy_accuracy(&result, o->questions, &d->vocab, W_in->value.data, V, H, 0, &err) !=
            DLFS_OK) {
            cli_error("cannot evaluate analogies: %s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        row->analogy = analogy_fraction(result.correct, result.covered);
        analogy_result_free(&result);
    }
    if (o->pairs) {
        WordSimResult result;
        if (wordsim_evaluate(&result, o->pairs, &d->vocab, W_in->value.data, V, H, &err) != DLFS_OK) {
            cli_error("cannot evaluate word similarity: %s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        row->wordsim = result.spearman;
    }
    return CLI_EXIT_OK;
}

/* Trains and evaluates one loss into row. Returns an exit status. */
static int run_one(const CompareOptions *o, const RecipeData *d, CompareRow *row)
{
    const char *name = word2vec_loss_name(row->loss);
    Word2VecConfig cfg = word2vec_default_config((int)d->vocab.size);
    cfg.hidden_size = o->hidden;
    cfg.window_size = o->window;
    cfg.sample_size = o->sample_size;
    cfg.max_batch = o->batch;
    cfg.loss = row->loss;

    Rng rng;
    rng_seed(&rng, o->seed);
    RecipeModel m;
    int rc = train_model_build(&m, o->skipgram, &cfg, d, &rng);
    if (rc != CLI_EXIT_OK) {
        recipe_model_free(&m);
        return rc;
    }
    OptimizerConfig opt_cfg = optimizer_default_config(o->optimizer);
    opt_cfg.lr = (float)o->lr;
    Optimizer opt;
    optimizer_init(&opt, &opt_cfg, m.model.params, m.model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &m.model, &opt);
    trainer.eval_interval = o->eval_interval;
    trainer.log = o->verbose ? stdout : NULL;

    const size_t iters_per_epoch = d->data_size / (size_t)o->batch;
    int epochs = o->epochs;
    if (o->max_iters > 0) {
        trainer.max_iters = o->max_iters;
        epochs = (int)(((size_t)o->max_iters + iters_per_epoch - 1) / iters_per_epoch);
    }
    printf("%s: training %s...\n", name, o->skipgram ? "SkipGram" : "CBOW");
    fflush(stdout);
    DlfsError err = {0};
    const double start = dlfs_now_s();
    int status = trainer_fit_corpus(&trainer, d->corpus.data, d->corpus.size, d->window, epochs,
                                    o->batch, &rng, &err);
    row->train_s = dlfs_now_s() - start;
    if (status != DLFS_OK) {
        cli_error("%s: training failed: %s", name, err.msg);
        rc = status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
        goto done;
    }
    row->iters = trainer.total_iters;
    row->ms_per_iter = 1e3 * row->train_s / (double)row->iters;
    row->epoch_measured = row->iters % (long)iters_per_epoch == 0;
    row->s_per_epoch = row->epoch_measured
                           ? row->train_s / (double)(row->iters / (long)iters_per_epoch)
                           : row->ms_per_iter * (double)iters_per_epoch / 1e3;
    row->words_per_s = (double)row->iters * o->batch / row->train_s;
    row->param_mib = params_mib(&m.model);
    row->n_curve = trainer.n_loss;
    row->curve = trainer.loss_list;     /* taken over from the trainer */
    trainer.loss_list = NULL;
    trainer.n_loss = 0;
    row->final_loss = row->n_curve ? row->curve[row->n_curve - 1].loss : NAN;
    rc = evaluate(o, d, m.W_in, row);
    printf("%s: %ld iterations in %.1f s (%.2f ms/iter), final loss %.3f\n", name, row->iters,
           row->train_s, row->ms_per_iter, row->final_loss);
done:
    trainer_free(&trainer);
    optimizer_free(&opt);
    recipe_model_free(&m);
    return rc;
}

/* "%.4f" of x, or "n/a" when it was not measured; into buf. */
static const char *fmt_quality(char *buf, size_t size, double x, bool csv)
{
    if (isnan(x))
        snprintf(buf, size, "%s", csv ? "" : "n/a");
    else
        snprintf(buf, size, "%.4f", x);
    return buf;
}

static void print_table(const CompareOptions *o, const RecipeData *d, const CompareRow *rows)
{
    printf("\n%s on %s, %ld iterations of batch %d, seed %llu, optimizer %s\n",
           o->skipgram ? "SkipGram" : "CBOW", strcmp(o->corpus, "ptb") == 0 ? "PTB" : o->corpus,
           rows[0].iters, o->batch, (unsigned long long)o->seed, optimizer_kind_name(o->optimizer));
    printf("%-9s %10s %11s %11s %11s %9s %8s %8s\n", "loss", "final_loss", "ms/iter", "s/epoch",
           "words/s", "param MiB", "analogy", "wordsim");
    bool any_extrapolated = false;
    for (int i = 0; i < N_COMPARED; i++) {
        const CompareRow *r = &rows[i];
        char analogy[32], wordsim[32];
        any_extrapolated |= !r->epoch_measured;
        printf("%-9s %10.3f %11.3f %10.1f%s %11.0f %9.2f %8s %8s\n", word2vec_loss_name(r->loss),
               r->final_loss, r->ms_per_iter, r->s_per_epoch, r->epoch_measured ? " " : "*",
               r->words_per_s, r->param_mib,
               fmt_quality(analogy, sizeof analogy, r->analogy, false),
               fmt_quality(wordsim, sizeof wordsim, r->wordsim, false));
    }
    if (any_extrapolated)
        printf("* extrapolated: ms/iter x %zu iterations per epoch\n", d->data_size / (size_t)o->batch);
    printf("Note: final_loss is not comparable across the rows. negsamp's is 1 + %d binary\n"
           "cross-entropies, not a probability of the target; softmax's and hsoftmax's are\n"
           "both -log P(target | context), but under different models (the Huffman tree\n"
           "starts hsoftmax at about the unigram entropy, softmax at ln V), so none of the\n"
           "three says how good the vectors are. The time and quality columns are\n"
           "comparable: analogy and wordsim score the same thing, the word vectors W_in,\n"
           "the same way.\n",
           o->sample_size);
}

/* Writes DIR/compare.csv. Returns an exit status. */
static int write_compare_csv(const char *path, const CompareRow *rows)
{
    AtomicFile af;
    DlfsError err = {0};
    if (atomic_file_open(&af, path, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    fputs("loss,final_loss,ms_per_iter,s_per_epoch,words_per_s,param_mib,analogy,wordsim\n", af.fp);
    for (int i = 0; i < N_COMPARED; i++) {
        const CompareRow *r = &rows[i];
        char analogy[32], wordsim[32];
        fprintf(af.fp, "%s,%.6f,%.6g,%.6g,%.6g,%.6g,%s,%s\n", word2vec_loss_name(r->loss),
                r->final_loss, r->ms_per_iter, r->s_per_epoch, r->words_per_s, r->param_mib,
                fmt_quality(analogy, sizeof analogy, r->analogy, true),
                fmt_quality(wordsim, sizeof wordsim, r->wordsim, true));
    }
    if (atomic_file_commit(&af, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("wrote %s\n", path);
    return CLI_EXIT_OK;
}

/* Global 1-based iteration of a record. */
static double record_iteration(const LossRecord *r, size_t iters_per_epoch)
{
    return (double)((size_t)(r->epoch - 1) * iters_per_epoch + (size_t)r->iter);
}

/* Writes DIR/loss_curves.csv: one row per record, one column per loss. Returns an exit status. */
static int write_curves_csv(const char *path, const CompareRow *rows, size_t iters_per_epoch)
{
    AtomicFile af;
    DlfsError err = {0};
    if (atomic_file_open(&af, path, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    fputs("iteration", af.fp);
    for (int i = 0; i < N_COMPARED; i++) fprintf(af.fp, ",%s", word2vec_loss_name(rows[i].loss));
    fputc('\n', af.fp);
    /* same data, batch and interval: the three runs record at the same iterations */
    for (size_t k = 0; k < rows[0].n_curve; k++) {
        fprintf(af.fp, "%.0f", record_iteration(&rows[0].curve[k], iters_per_epoch));
        for (int i = 0; i < N_COMPARED; i++) {
            DLFS_ASSERT(rows[i].n_curve == rows[0].n_curve);
            fprintf(af.fp, ",%.6f", (double)rows[i].curve[k].loss);
        }
        fputc('\n', af.fp);
    }
    if (atomic_file_commit(&af, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("wrote %s\n", path);
    return CLI_EXIT_OK;
}

/* Draws the three curves into path. Returns an exit status. */
static int plot_curves(const char *path, const CompareOptions *o, const CompareRow *rows,
                       size_t iters_per_epoch)
{
    double *xy[N_COMPARED][2] = {{NULL}};
    PlotSeries series[N_COMPARED];
    for (int i = 0; i < N_COMPARED; i++) {
        const size_t n = rows[i].n_curve;
        xy[i][0] = dlfs_calloc(n ? n : 1, sizeof(double));
        xy[i][1] = dlfs_calloc(n ? n : 1, sizeof(double));
        for (size_t k = 0; k < n; k++) {
            xy[i][0][k] = record_iteration(&rows[i].curve[k], iters_per_epoch);
            xy[i][1][k] = rows[i].curve[k].loss;
        }
        series[i] = (PlotSeries){word2vec_loss_name(rows[i].loss), xy[i][0], xy[i][1], (int)n};
    }
    char title[128];
    snprintf(title, sizeof title, "%s: training loss by output layer (seed %llu)",
             o->skipgram ? "SkipGram" : "CBOW", (unsigned long long)o->seed);
    const PlotSpec spec = {.title = title, .xlabel = "iteration",
                           .ylabel = "loss (each its own objective)", .width = 800, .height = 500};
    DlfsError err = {0};
    int rc = CLI_EXIT_OK;
    if (plot_lines(path, &spec, series, N_COMPARED, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        rc = CLI_EXIT_RUNTIME;
    } else {
        printf("wrote %s\n", path);
    }
    for (int i = 0; i < N_COMPARED; i++) {
        free(xy[i][0]);
        free(xy[i][1]);
    }
    return rc;
}

/* Writes the three output files; every one is tried. Returns an exit status. */
static int write_outputs(const CompareOptions *o, const RecipeData *d, const CompareRow *rows)
{
    DlfsError err = {0};
    if (make_dirs(o->out_dir, &err) != DLFS_OK) {
        cli_error("cannot create the output directory: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    const size_t iters_per_epoch = d->data_size / (size_t)o->batch;
    char *csv_path = cli_path_join(o->out_dir, "compare.csv");
    char *curves_path = cli_path_join(o->out_dir, "loss_curves.csv");
    char *plot_path = cli_path_join(o->out_dir, o->svg ? "loss_curves.svg" : "loss_curves.png");
    int rc = write_compare_csv(csv_path, rows);
    int rc2 = write_curves_csv(curves_path, rows, iters_per_epoch);
    int rc3 = plot_curves(plot_path, o, rows, iters_per_epoch);
    free(csv_path);
    free(curves_path);
    free(plot_path);
    return rc != CLI_EXIT_OK ? rc : rc2 != CLI_EXIT_OK ? rc2 : rc3;
}

int cmd_compare(int argc, char **argv)
{
    CompareOptions o;
    int rc = parse_compare_args(argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    if (o.threads > 0)
        threads_use_fixed(o.threads);
    else
        o.threads = threads_use_default();

    RecipeData d;
    CompareRow rows[N_COMPARED];
    memset(rows, 0, sizeof rows);
    rc = train_data_load(&d, o.corpus, o.data_dir, o.window, o.batch);
    if (rc == CLI_EXIT_OK)
        printf("corpus size: %zu, vocab size: %d, data_size: %zu, iterations per epoch: %zu\n",
               d.corpus.size, (int)d.vocab.size, d.data_size, d.data_size / (size_t)o.batch);
    for (int i = 0; i < N_COMPARED && rc == CLI_EXIT_OK; i++) {
        rows[i].loss = compared[i];
        rc = run_one(&o, &d, &rows[i]);
    }
    if (rc == CLI_EXIT_OK) {
        print_table(&o, &d, rows);
        rc = write_outputs(&o, &d, rows);
    }
    for (int i = 0; i < N_COMPARED; i++) free(rows[i].curve);
    recipe_data_free(&d);
    return rc;
}
