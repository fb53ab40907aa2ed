/*
 * bench_vocab.c — `dlfs2 bench --vocab-sizes V1,V2,...`: the chapter's
 * claim measured at its own scale (textbook §4.1: with V = 1,000,000 and
 * H = 100 the product with W_out and the softmax's V exps dominate a
 * step; §4.2: negative sampling makes the cost independent of V).
 *
 * For each vocabulary size V and each output loss of CBOW (the full
 * softmax, negative sampling, hierarchical softmax: models/word2vec.h) it
 * builds the model through the run recipe (recipe/model_build.h) on a
 * SYNTHETIC corpus and times training steps (forward + backward + Adam
 * update) in the trainers' own loops, read from their phase timing
 * (training/phase_times.h), in two modes:
 *  - textbook: the textbook's Trainer (training/trainer.h) with its dense
 *    Adam, which reads and writes all V x H weights of W_in and W_out on
 *    every step whatever the loss;
 *  - fast: the FastTrainer of `dlfs2 train --fast` (training/fast_trainer.h)
 *    on one thread, whose lazy Adam updates only the rows a step touched
 *    (the softmax's dense (H, V) W_out is still updated whole).
 * One untimed step first, then --steps steps timed one by one; ms/step and
 * its breakdown are the median step's (a busy machine's preemptions hit
 * single steps, and the median leaves them out).
 *
 * The corpus is made up: word r (id r, 0-based) occurs max(1, round(V / (r
 * + 1))) times (Zipf's law with exponent 1, every word at least once, about
 * V (ln V + 0.58) tokens), shuffled with the seed. The sampler's alias
 * table and the Huffman tree are built from these counts as from a real
 * corpus; the steps' rows are (contexts, target) windows at random
 * positions of it. What a step costs does not depend on what the words
 * mean, only on V, H, B and, for the hierarchical softmax, the lengths of
 * the targets' codes, which this Zipf distribution makes about log2 V.
 */
#define _GNU_SOURCE /* getloadavg */
#include "cli/bench_vocab.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common/blas.h"
#include "common/check.h"
#include "common/rng.h"
#include "models/word2vec.h"
#include "plot/plot.h"
#include "recipe/model_build.h"
#include "training/fast_trainer.h"
#include "training/optimizer.h"
#include "training/phase_times.h"
#include "training/trainer.h"

enum { MIN_V = 10, MAX_V = 10000000, MAX_HIDDEN = 10000, MAX_BATCH = 100000, MAX_STEPS = 100000 };
enum { WARMUP_STEPS = 1 };

/* The losses in the order of the table and the plot. */
static const Word2VecLoss losses[] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_NEGSAMP,
                                      WORD2VEC_LOSS_HSOFTMAX};
enum { N_LOSSES = sizeof losses / sizeof losses[0] };
enum { L_SOFTMAX, L_NEGSAMP, L_HSOFTMAX };
enum { MODE_TEXTBOOK, MODE_FAST, N_MODES };
static const char *const mode_names[N_MODES] = {"textbook", "fast"};

/* What one (V, loss, mode) measured: per step, in ms. */
typedef struct Cell {
    double phase_ms[TRAIN_N_PHASES];
    double ms;
} Cell;

/* The Huffman codes of one V (hierarchical softmax). */
typedef struct CodeStats {
    int longest;
    double mean_words;      /* over the V words */
    double mean_tokens;     /* over the corpus' tokens: what a target's path costs on average */
} CodeStats;

void bench_vocab_defaults(BenchVocabOptions *o)
{
    *o = (BenchVocabOptions){.hidden = 100, .batch = 100, .steps = 3};
}

/* Parses "V1,V2,..." into o->sizes. Returns 0 or CLI_EXIT_USAGE after printing why. */
static int parse_sizes(BenchVocabOptions *o, const char *arg)
{
    o->n_sizes = 0;
    const char *p = arg;
    for (;;) {
        const size_t len = strcspn(p, ",");
        char item[32];
        if (len == 0 || len >= sizeof item) {
            cli_error("bench: --vocab-sizes '%s': give sizes separated by commas, e.g. 10000,100000",
                      arg);
            return CLI_EXIT_USAGE;
        }
        if (o->n_sizes == BENCH_VOCAB_MAX_SIZES) {
            cli_error("bench: --vocab-sizes: at most %d sizes", BENCH_VOCAB_MAX_SIZES);
            return CLI_EXIT_USAGE;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        int v;
        if (cli_parse_int("--vocab-sizes", item, MIN_V, MAX_V, &v) != 0) return CLI_EXIT_USAGE;
        o->sizes[o->n_sizes++] = v;
        if (p[len] == '\0') break;
        p += len + 1;
    }
    return 0;
}

int bench_vocab_apply_option(BenchVocabOptions *o, int c, const char *arg)
{
    if (c != BENCH_VOCAB_OPT_SIZES) o->other_given = true;
    switch (c) {
    case BENCH_VOCAB_OPT_SIZES: o->on = true; return parse_sizes(o, arg);
    case BENCH_VOCAB_OPT_HIDDEN: return cli_parse_int("--hidden", arg, 1, MAX_HIDDEN, &o->hidden);
    case BENCH_VOCAB_OPT_BATCH: return cli_parse_int("--batch", arg, 1, MAX_BATCH, &o->batch);
    case BENCH_VOCAB_OPT_STEPS: return cli_parse_int("--steps", arg, 1, MAX_STEPS, &o->steps);
    case BENCH_VOCAB_OPT_PLOT: {
        const char *dot = strrchr(arg, '.');
        if (dot == NULL || (strcasecmp(dot, ".png") != 0 && strcasecmp(dot, ".svg") != 0)) {
            cli_error("bench: --plot %s: the file must end in .png or .svg", arg);
            return CLI_EXIT_USAGE;
        }
        o->plot = arg;
        return 0;
    }
    default: return CLI_EXIT_USAGE;
    }
}

void bench_vocab_usage(void)
{
    fputs("\n"
          "The vocabulary sweep:\n"
          "       dlfs2 bench --vocab-sizes V1,V2,... [--hidden H] [--batch B] [--steps N]\n"
          "                   [--plot FILE] [--seed S] [--threads N]\n"
          "\n"
          "With --vocab-sizes it measures the chapter's claim instead: for each\n"
          "vocabulary size and each output loss of CBOW (softmax, negsamp, hsoftmax) it\n"
          "times training steps (forward + backward + Adam update) on a SYNTHETIC\n"
          "Zipf-distributed corpus (word r occurs max(1, round(V / r)) times; a step's\n"
          "cost does not depend on what the words mean), in the textbook's Trainer\n"
          "(dense Adam over all weights, mode 'textbook') and in the FastTrainer of\n"
          "'train --fast' on one thread (lazy Adam on the rows touched, mode 'fast'),\n"
          "one untimed step then --steps timed ones each, and prints the median step's\n"
          "ms and its breakdown, the ratios between the losses at each size, and the\n"
          "Huffman codes' lengths; --plot draws ms per step against V on log-log axes.\n"
          "Memory grows with V x H: V = 1,000,000 with H = 100 takes about 4 GB.\n"
          "\n"
          "Options of --vocab-sizes:\n"
          "  --vocab-sizes V1,V2,...  vocabulary sizes, each in [10, 10000000], at most 16\n"
          "  --hidden H      hidden size (100)\n"
          "  --batch B       rows per step (100)\n"
          "  --steps N       timed steps per size, loss and mode; the median is shown (3)\n"
          "  --plot FILE     also draw ms/step against V (log-log) into FILE (.png or .svg;\n"
          "                  needs gnuplot)\n",
          stdout);
}

/* How often word r of V occurs in the synthetic corpus. */
static size_t zipf_count(int V, int r)
{
    const double c = round((double)V / (double)(r + 1));
    return c < 1.0 ? 1 : (size_t)c;
}

/* The synthetic corpus of V words (see the file's comment), shuffled with rng. Returns it, (*n,). */
static int32_t *synthetic_corpus(int V, Rng *rng, size_t *n)
{
    size_t N = 0;
    for (int r = 0; r < V; r++) N += zipf_count(V, r);
    int32_t *corpus = dlfs_malloc(N * sizeof *corpus);
    size_t pos = 0;
    for (int r = 0; r < V; r++)
        for (size_t k = zipf_count(V, r); k > 0; k--) corpus[pos++] = r;
    for (size_t i = N - 1; i > 0; i--) {   /* Fisher-Yates */
        const size_t j = (size_t)rng_below(rng, (uint64_t)i + 1);
        const int32_t t = corpus[i];
        corpus[i] = corpus[j];
        corpus[j] = t;
    }
    *n = N;
    return corpus;
}

/* The steps' rows: R (contexts, target) windows of width 2w at random positions of corpus. */
typedef struct Rows {
    int32_t *contexts;  /* (R, 2w) */
    int32_t *target;    /* (R,) */
    size_t R;
} Rows;

static void rows_make(Rows *rows, const int32_t *corpus, size_t N, int w, size_t R, Rng *rng)
{
    rows->R = R;
    rows->contexts = dlfs_malloc(R * 2 * (size_t)w * sizeof *rows->contexts);
    rows->target = dlfs_malloc(R * sizeof *rows->target);
    for (size_t i = 0; i < R; i++) {
        const size_t p = (size_t)w + (size_t)rng_below(rng, (uint64_t)(N - 2 * (size_t)w));
        rows->target[i] = corpus[p];
        int32_t *ctx = rows->contexts + i * 2 * (size_t)w;
        for (int d = 0; d < w; d++) {
            ctx[d] = corpus[p - (size_t)w + (size_t)d];
            ctx[w + d] = corpus[p + 1 + (size_t)d];
        }
    }
}

static void rows_free(Rows *rows)
{
    free(rows->contexts);
    free(rows->target);
    memset(rows, 0, sizeof *rows);
}

/* A FastEpochFn handing out the same rows every epoch. */
static int rows_next(void *ctx, int epoch, const int32_t **contexts, const int32_t **target, size_t *n,
                     DlfsError *err)
{
    (void)epoch;
    (void)err;
    const Rows *rows = ctx;
    *contexts = rows->contexts;
    *target = rows->target;
    *n = rows->R;
    return DLFS_OK;
}

/* Orders steps' phase times by their totals (qsort). */
static int compare_totals(const void *pa, const void *pb)
{
    const double a = trainer_phase_total(pa), b = trainer_phase_total(pb);
    return (a > b) - (a < b);
}

/* The cell of the median step of times (steps,), each one step's phases; sorts times. */
static void cell_set_median(Cell *cell, TrainerPhaseTimes *times, int steps)
{
    qsort(times, (size_t)steps, sizeof *times, compare_totals);
    const TrainerPhaseTimes *t = &times[steps / 2];
    for (int p = 0; p < TRAIN_N_PHASES; p++) cell->phase_ms[p] = 1e3 * t->s[p];
    cell->ms = 1e3 * trainer_phase_total(t);
}

/*
 * The textbook's Trainer and dense Adam on m: one untimed step, then
 * o->steps steps, each timed on its own (a fit that goes on for one more
 * step); the cell is the median step's.
 */
static int time_textbook(RecipeModel *m, const Rows *rows, const BenchVocabOptions *o, Rng *rng,
                         Cell *cell, DlfsError *err)
{
    const OptimizerConfig opt_cfg = optimizer_default_config(OPTIMIZER_ADAM);   /* lr 0.001 */
    Optimizer opt;
    optimizer_init(&opt, &opt_cfg, m->model.params, m->model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &m->model, &opt);
    trainer.eval_interval = 0;
    trainer.log = NULL;
    TrainerPhaseTimes *times = dlfs_calloc((size_t)o->steps, sizeof *times);
    int status = DLFS_OK;
    for (int k = -WARMUP_STEPS; k < o->steps && status == DLFS_OK; k++) {
        trainer.max_iters = WARMUP_STEPS + k + 1;   /* fit goes on in the epoch it began */
        trainer.phase_times = k >= 0 ? &times[k] : NULL;
        status = trainer_fit(&trainer, rows->contexts, rows->target, rows->R, 1, o->batch, rng, err);
    }
    if (status == DLFS_OK) cell_set_median(cell, times, o->steps);
    free(times);
    trainer_free(&trainer);
    optimizer_free(&opt);
    return status;
}

/*
 * The FastTrainer (lazy Adam) on one thread over m: one untimed step, then
 * o->steps steps each timed on its own (a fit of one step); the cell is
 * the median step's.
 */
static int time_fast(RecipeModel *m, Rows *rows, const BenchVocabOptions *o, Rng *rng, Cell *cell,
                     DlfsError *err)
{
    FastTrainerConfig tc = fast_trainer_default_config();   /* lazy Adam, lr 0.001, shuffled */
    tc.threads = 1;
    tc.batch_size = o->batch;
    tc.epochs = 1;   /* each fit starts at epoch 0, of WARMUP_STEPS + steps steps */
    tc.eval_interval = 0;
    tc.log = NULL;
    FastTrainer trainer;
    fast_trainer_init(&trainer, &tc, &m->model);
    TrainerPhaseTimes *times = dlfs_calloc((size_t)o->steps, sizeof *times);
    int status = DLFS_OK;
    for (int k = -WARMUP_STEPS; k < o->steps && status == DLFS_OK; k++) {
        trainer.cfg.max_iters = trainer.total_iters + 1;
        trainer.cfg.phase_times = k >= 0 ? &times[k] : NULL;
        status = fast_trainer_fit(&trainer, rows_next, rows, rng, err);
    }
    if (status == DLFS_OK) cell_set_median(cell, times, o->steps);
    free(times);
    fast_trainer_free(&trainer);
    return status;
}

static void code_stats(const HuffmanTree *tree, const int32_t *corpus, size_t N, CodeStats *s)
{
    double words = 0.0, tokens = 0.0;
    for (int w = 0; w < tree->vocab_size; w++) words += tree->code_length[w];
    for (size_t i = 0; i < N; i++) tokens += tree->code_length[corpus[i]];
    *s = (CodeStats){.longest = tree->max_code_length, .mean_words = words / tree->vocab_size,
                     .mean_tokens = tokens / (double)N};
}

/* Every loss and mode at vocabulary size V: cells[loss][mode]. Returns an exit status. */
static int run_size(const BenchVocabOptions *o, int V, uint64_t seed, Cell cells[N_LOSSES][N_MODES],
                    CodeStats *codes)
{
    Rng rng;
    rng_seed(&rng, seed);
    size_t N;
    int32_t *corpus = synthetic_corpus(V, &rng, &N);
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = o->hidden;
    cfg.max_batch = o->batch;
    Rows rows;
    rows_make(&rows, corpus, N, cfg.window_size, (size_t)(WARMUP_STEPS + o->steps) * (size_t)o->batch,
              &rng);
    printf("V %d: synthetic corpus of %zu tokens (the most frequent word %zu times)\n", V, N,
           zipf_count(V, 0));
    fflush(stdout);
    int rc = CLI_EXIT_OK;
    for (int l = 0; l < N_LOSSES && rc == CLI_EXIT_OK; l++) {
        cfg.loss = losses[l];
        const char *name = word2vec_loss_name(cfg.loss);
        printf("V %d %s: building the model and timing...\n", V, name);
        fflush(stdout);
        DlfsError err = {0};
        rng_seed(&rng, seed);
        RecipeModel m;
        int status = recipe_model_build(&m, RECIPE_CBOW, &cfg, corpus, N, &rng, &err);
        if (status == DLFS_OK && cfg.loss == WORD2VEC_LOSS_HSOFTMAX)
            code_stats(&m.cbow.output.tree, corpus, N, codes);
        if (status == DLFS_OK) status = time_textbook(&m, &rows, o, &rng, &cells[l][MODE_TEXTBOOK], &err);
        if (status == DLFS_OK) status = time_fast(&m, &rows, o, &rng, &cells[l][MODE_FAST], &err);
        if (status != DLFS_OK) {
            cli_error("bench: V %d %s: %s", V, name, err.msg);
            rc = CLI_EXIT_RUNTIME;
        }
        recipe_model_free(&m);
    }
    rows_free(&rows);
    free(corpus);
    return rc;
}

static void print_tables(const BenchVocabOptions *o, Cell (*cells)[N_LOSSES][N_MODES],
                         const CodeStats *codes)
{
    printf("\nms per CBOW training step, synthetic Zipf corpus, H %d, B %d: the median of %d timed "
           "step%s after %d untimed\n",
           o->hidden, o->batch, o->steps, o->steps == 1 ? "" : "s", WARMUP_STEPS);
    printf("%9s %-8s %-8s %10s %9s %9s %9s %9s %9s\n", "V", "loss", "mode", "ms/step", "sample",
           "forward", "backward", "update", "other");
    for (int i = 0; i < o->n_sizes; i++)
        for (int l = 0; l < N_LOSSES; l++)
            for (int md = 0; md < N_MODES; md++) {
                const Cell *c = &cells[i][l][md];
                printf("%9d %-8s %-8s %10.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", o->sizes[i],
                       word2vec_loss_name(losses[l]), mode_names[md], c->ms,
                       c->phase_ms[TRAIN_PHASE_SAMPLE], c->phase_ms[TRAIN_PHASE_FORWARD],
                       c->phase_ms[TRAIN_PHASE_BACKWARD], c->phase_ms[TRAIN_PHASE_UPDATE],
                       c->phase_ms[TRAIN_PHASE_BATCH]);
            }
    printf("textbook = the textbook's Trainer, dense Adam over all V x H weights of W_in and W_out;\n"
           "fast = the FastTrainer of 'train --fast', one thread, lazy Adam on the rows touched\n"
           "  (the softmax's (H, V) W_out is dense and updated whole); other = making the batch\n"
           "  (and, textbook, zeroing the gradients); sample = drawing the negatives\n");

    printf("\nratios of ms/step between the losses at each V\n");
    printf("%9s %-8s %16s %17s %17s\n", "V", "mode", "softmax/negsamp", "softmax/hsoftmax",
           "hsoftmax/negsamp");
    for (int i = 0; i < o->n_sizes; i++)
        for (int md = 0; md < N_MODES; md++) {
            const double s = cells[i][L_SOFTMAX][md].ms, n = cells[i][L_NEGSAMP][md].ms,
                         h = cells[i][L_HSOFTMAX][md].ms;
            printf("%9d %-8s %16.2f %17.2f %17.2f\n", o->sizes[i], mode_names[md], s / n, s / h, h / n);
        }

    printf("\nHuffman codes (hierarchical softmax: one sigmoid per inner node on the target's path)\n");
    printf("%9s %8s %12s %13s %8s\n", "V", "longest", "mean(words)", "mean(tokens)", "log2(V)");
    for (int i = 0; i < o->n_sizes; i++)
        printf("%9d %8d %12.2f %13.2f %8.2f\n", o->sizes[i], codes[i].longest, codes[i].mean_words,
               codes[i].mean_tokens, log2((double)o->sizes[i]));
}

/* ms/step against V on log-log axes, one line per loss and mode. */
static int draw_plot(const BenchVocabOptions *o, Cell (*cells)[N_LOSSES][N_MODES])
{
    double x[BENCH_VOCAB_MAX_SIZES], y[N_LOSSES * N_MODES][BENCH_VOCAB_MAX_SIZES];
    char labels[N_LOSSES * N_MODES][64];
    PlotSeries series[N_LOSSES * N_MODES];
    for (int i = 0; i < o->n_sizes; i++) x[i] = o->sizes[i];
    for (int md = 0; md < N_MODES; md++)
        for (int l = 0; l < N_LOSSES; l++) {
            const int s = md * N_LOSSES + l;
            for (int i = 0; i < o->n_sizes; i++) {
                const double ms = cells[i][l][md].ms;
                y[s][i] = ms > 0.0 ? ms : NAN;   /* a log axis cannot show 0 */
            }
            snprintf(labels[s], sizeof labels[s], "%s, %s", word2vec_loss_name(losses[l]),
                     md == MODE_TEXTBOOK ? "textbook (dense Adam)" : "fast (lazy Adam)");
            series[s] = (PlotSeries){.label = labels[s], .x = x, .y = y[s], .n = o->n_sizes};
        }
    char title[160];
    snprintf(title, sizeof title, "One CBOW training step (synthetic Zipf corpus, H %d, B %d)",
             o->hidden, o->batch);
    const PlotSpec spec = {.title = title, .xlabel = "vocabulary size V", .ylabel = "ms per step",
                           .width = 900, .height = 600, .log_x = true, .log_y = true};
    DlfsError err = {0};
    if (plot_lines(o->plot, &spec, series, N_LOSSES * N_MODES, &err) != DLFS_OK) {
        cli_error("bench: --plot %s: %s", o->plot, err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("\nplot: %s (ms per step against V, log-log; one line per loss and mode)\n", o->plot);
    return CLI_EXIT_OK;
}

int bench_vocab(const BenchVocabOptions *o, uint64_t seed, int threads)
{
    blas_set_threads(threads);
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("load average at start: %.2f %.2f %.2f (runnable processes, 1, 5 and 15 minute means)\n",
               load[0], load[1], load[2]);
    printf("vocabulary sweep: CBOW, window 5, H %d, B %d, %d negatives (power 0.75, without "
           "replacement), Adam lr 0.001, seed %llu, %d thread%s (OpenMP and OpenBLAS)\n",
           o->hidden, o->batch, word2vec_default_config(1).sample_size, (unsigned long long)seed, threads,
           threads == 1 ? "" : "s");
    printf("corpus: SYNTHETIC, Zipf-distributed: word r of V occurs max(1, round(V / r)) times, "
           "shuffled (a step's cost does not depend on what the words mean)\n");
    fflush(stdout);
    Cell (*cells)[N_LOSSES][N_MODES] = dlfs_calloc((size_t)o->n_sizes, sizeof *cells);
    CodeStats codes[BENCH_VOCAB_MAX_SIZES] = {0};
    int rc = CLI_EXIT_OK;
    for (int i = 0; i < o->n_sizes && rc == CLI_EXIT_OK; i++)
        rc = run_size(o, o->sizes[i], seed, cells[i], &codes[i]);
    if (rc == CLI_EXIT_OK) {
        print_tables(o, cells, codes);
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            printf("\npeak RSS: %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
    }
    if (rc == CLI_EXIT_OK && o->plot != NULL) rc = draw_plot(o, cells);
    free(cells);
    return rc;
}
