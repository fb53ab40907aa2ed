/*
 * bench_vocab.c — `dlfs2 bench --vocab-sizes V1,V2,...`: the chapter's
 * claim measured at its own scale. For each vocabulary size and each
 * output loss of CBOW (the full softmax, negative sampling, hierarchical
 * softmax) one training step timed on a SYNTHETIC Zipf corpus in the
 * textbook's Trainer (dense Adam) and in the FastTrainer (lazy Adam), by
 * recipe/vocab_sweep.h; here the options, the tables and the plot.
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
#include "models/word2vec.h"
#include "plot/plot.h"
#include "recipe/vocab_sweep.h"
#include "training/phase_times.h"

enum { MIN_V = 10, MAX_V = 10000000, MAX_HIDDEN = 10000, MAX_BATCH = 100000, MAX_STEPS = 100000 };

/* The losses in the order of the table and the plot. */
static const Word2VecLoss losses[] = {WORD2VEC_LOSS_SOFTMAX, WORD2VEC_LOSS_NEGSAMP,
                                      WORD2VEC_LOSS_HSOFTMAX};
enum { N_LOSSES = sizeof losses / sizeof losses[0] };
enum { L_SOFTMAX, L_NEGSAMP, L_HSOFTMAX };
enum { MODE_TEXTBOOK = VOCAB_SWEEP_TEXTBOOK, MODE_FAST = VOCAB_SWEEP_FAST, N_MODES = VOCAB_SWEEP_N_MODES };

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

/* Every loss at vocabulary size V: res[loss]. Returns an exit status. */
static int run_size(const BenchVocabOptions *o, int V, uint64_t seed, VocabSweepResult res[N_LOSSES])
{
    VocabSweepData d;
    const int window = word2vec_default_config(V).window_size;
    vocab_sweep_data_init(&d, V, window, (size_t)(VOCAB_SWEEP_WARMUP + o->steps) * (size_t)o->batch, seed);
    printf("V %d: synthetic corpus of %zu tokens (the most frequent word %zu times)\n", V, d.n_tokens,
           vocab_sweep_count(V, 0));
    fflush(stdout);
    int rc = CLI_EXIT_OK;
    for (int l = 0; l < N_LOSSES && rc == CLI_EXIT_OK; l++) {
        const char *name = word2vec_loss_name(losses[l]);
        printf("V %d %s: building the model and timing...\n", V, name);
        fflush(stdout);
        DlfsError err = {0};
        if (vocab_sweep_time(&d, losses[l], o->hidden, o->batch, o->steps, seed, &res[l], &err) != DLFS_OK) {
            cli_error("bench: V %d %s: %s", V, name, err.msg);
            rc = CLI_EXIT_RUNTIME;
        }
    }
    vocab_sweep_data_free(&d);
    return rc;
}

static void print_tables(const BenchVocabOptions *o, VocabSweepResult (*res)[N_LOSSES])
{
    printf("\nms per CBOW training step, synthetic Zipf corpus, H %d, B %d: the median of %d timed "
           "step%s after %d untimed\n",
           o->hidden, o->batch, o->steps, o->steps == 1 ? "" : "s", VOCAB_SWEEP_WARMUP);
    printf("%9s %-8s %-8s %10s %9s %9s %9s %9s %9s\n", "V", "loss", "mode", "ms/step", "sample",
           "forward", "backward", "update", "other");
    for (int i = 0; i < o->n_sizes; i++)
        for (int l = 0; l < N_LOSSES; l++)
            for (int md = 0; md < N_MODES; md++) {
                const VocabSweepStep *c = &res[i][l].step[md];
                printf("%9d %-8s %-8s %10.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", o->sizes[i],
                       word2vec_loss_name(losses[l]), vocab_sweep_mode_name((VocabSweepMode)md), c->ms,
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
            const double s = res[i][L_SOFTMAX].step[md].ms, n = res[i][L_NEGSAMP].step[md].ms,
                         h = res[i][L_HSOFTMAX].step[md].ms;
            printf("%9d %-8s %16.2f %17.2f %17.2f\n", o->sizes[i], vocab_sweep_mode_name((VocabSweepMode)md), s / n, s / h, h / n);
        }

    printf("\nHuffman codes (hierarchical softmax: one sigmoid per inner node on the target's path)\n");
    printf("%9s %8s %12s %13s %8s\n", "V", "longest", "mean(words)", "mean(tokens)", "log2(V)");
    for (int i = 0; i < o->n_sizes; i++) {
        const VocabSweepResult *h = &res[i][L_HSOFTMAX];
        printf("%9d %8d %12.2f %13.2f %8.2f\n", o->sizes[i], h->longest_code, h->mean_code_words,
               h->mean_code_tokens, log2((double)o->sizes[i]));
    }
}

/* ms/step against V on log-log axes, one line per loss and mode. */
static int draw_plot(const BenchVocabOptions *o, VocabSweepResult (*res)[N_LOSSES])
{
    double x[BENCH_VOCAB_MAX_SIZES], y[N_LOSSES * N_MODES][BENCH_VOCAB_MAX_SIZES];
    char labels[N_LOSSES * N_MODES][64];
    PlotSeries series[N_LOSSES * N_MODES];
    for (int i = 0; i < o->n_sizes; i++) x[i] = o->sizes[i];
    for (int md = 0; md < N_MODES; md++)
        for (int l = 0; l < N_LOSSES; l++) {
            const int s = md * N_LOSSES + l;
            for (int i = 0; i < o->n_sizes; i++) {
                const double ms = res[i][l].step[md].ms;
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
    VocabSweepResult (*res)[N_LOSSES] = dlfs_calloc((size_t)o->n_sizes, sizeof *res);
    int rc = CLI_EXIT_OK;
    for (int i = 0; i < o->n_sizes && rc == CLI_EXIT_OK; i++) rc = run_size(o, o->sizes[i], seed, res[i]);
    if (rc == CLI_EXIT_OK) {
        print_tables(o, res);
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            printf("\npeak RSS: %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
    }
    if (rc == CLI_EXIT_OK && o->plot != NULL) rc = draw_plot(o, res);
    free(res);
    return rc;
}
