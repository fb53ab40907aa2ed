/*
 * lab.h — what every lab program needs besides the library: its options
 * (and the --threads and --data-dir every lab takes), the folder its
 * plots go to, a plot printed as "[plot] FILE" (the loss curve of
 * trainer.plot() among them), and PTB.
 *
 * Header-only (static inline functions), for the programs in notebooks-c/ only;
 * not part of libdlfs2. Messages go to stderr prefixed with the lab's name.
 */
#ifndef DLFS2_NOTEBOOKS_LAB_H
#define DLFS2_NOTEBOOKS_LAB_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/threads.h"
#include "training/trainer.h"
#include "common/vocab.h"
#include "datasets/data.h"
#include "datasets/ptb.h"

/*
 * One command-line option: "--name" alone (a flag), "--name N" (a whole
 * number) or "--name TEXT" (a file name or other text: set text).
 */
typedef struct LabOption {
    const char *name;       /* with the dashes: "--full" */
    bool is_flag;           /* true: *flag = true when given */
    long long min, max;     /* N's range, inclusive */
    long long *value;       /* for a number; keeps its default when absent */
    bool *flag;             /* for a flag */
    const char *help;       /* shown in the usage line, e.g. "N" or "FILE" */
    const char **text;      /* for a text: points into argv when given, else keeps its default */
} LabOption;

/*
 * The options every lab takes besides its own, which lab_parse_args adds:
 * --threads N (the threads of the products and the optimizer; default the
 * CPUs this process may use, common/threads.h) and --data-dir DIR (where
 * the data sets are, as `dlfs2 --data-dir`; default $DLFS2_DATA, then the
 * cache folder).
 */
typedef struct LabCommonOptions {
    long long threads;      /* 0 until given: the default */
    const char *data_dir;   /* NULL until given */
} LabCommonOptions;

static LabCommonOptions lab_common_options;

/* Prints the usage line of opts[0..n) and the common options to `to`. */
static inline void lab_print_usage(FILE *to, const char *prog, const LabOption *opts, int n)
{
    fprintf(to, "usage: %s", prog);
    for (int k = 0; k < n; k++)
        fprintf(to, " [%s%s%s]", opts[k].name, opts[k].is_flag ? "" : " ", opts[k].is_flag ? "" : opts[k].help);
    fputs(" [--threads N] [--data-dir DIR]\n", to);
}

/*
 * Parses argv against opts[0..n) and the common options (--threads N,
 * --data-dir DIR; lab_common_options), then sets the thread count
 * (common/threads.h: --threads N fixed, else threads_use_default()). Returns 0 on
 * success; on an unknown option, a missing value, a malformed number or
 * one outside [min, max], prints the problem and a usage line to stderr
 * and returns 2 (the exit status for a usage error). "--help" prints the
 * usage line to stdout and returns 1.
 */
static inline int lab_parse_args(const char *prog, int argc, char **argv, const LabOption *opts, int n)
{
    const LabOption common[] = {
        {.name = "--threads", .min = 1, .max = 1024, .value = &lab_common_options.threads, .help = "N"},
        {.name = "--data-dir", .text = &lab_common_options.data_dir, .help = "DIR"},
    };
    const int n_common = (int)(sizeof common / sizeof common[0]);
    for (int i = 1; i < argc; i++) {
        const LabOption *o = NULL;
        for (int k = 0; k < n; k++)
            if (strcmp(argv[i], opts[k].name) == 0) o = &opts[k];
        for (int k = 0; k < n_common; k++)
            if (strcmp(argv[i], common[k].name) == 0) o = &common[k];
        const bool help = strcmp(argv[i], "--help") == 0;
        if (o == NULL || (!o->is_flag && i + 1 >= argc)) {
            if (!help) fprintf(stderr, "%s: unknown or incomplete argument '%s'\n", prog, argv[i]);
            lab_print_usage(help ? stdout : stderr, prog, opts, n);
            return help ? 1 : 2;
        }
        if (o->is_flag) {
            *o->flag = true;
            continue;
        }
        const char *text = argv[++i];
        if (o->text != NULL) {
            if (text[0] == '\0') {
                fprintf(stderr, "%s: %s: expected %s, got an empty argument\n", prog, o->name, o->help);
                return 2;
            }
            *o->text = text;
            continue;
        }
        char *end = NULL;
        errno = 0;
        const long long v = strtoll(text, &end, 10);
        if (text[0] == '\0' || *end != '\0' || errno != 0 || v < o->min || v > o->max) {
            fprintf(stderr, "%s: %s: expected a whole number in [%lld, %lld], got '%s'\n", prog,
                    o->name, o->min, o->max, text);
            return 2;
        }
        *o->value = v;
    }
    if (lab_common_options.threads > 0)
        threads_use_fixed((int)lab_common_options.threads);
    else
        threads_use_default();
    return 0;
}

/* The folder plots and files go to: $LAB_OUT_DIR when set and not empty, else ".". */
static inline const char *lab_out_dir(void)
{
    const char *dir = getenv("LAB_OUT_DIR");
    return dir != NULL && dir[0] != '\0' ? dir : ".";
}

/*
 * lab_out_dir()/file into out (size bytes). Returns 0, or -1 (with a
 * message) when it does not fit.
 */
static inline int lab_out_path(const char *prog, const char *file, char *out, size_t size)
{
    const int len = snprintf(out, size, "%s/%s", lab_out_dir(), file);
    if (len < 0 || (size_t)len >= size) {
        fprintf(stderr, "%s: the path %s/%s is too long\n", prog, lab_out_dir(), file);
        return -1;
    }
    return 0;
}

/*
 * Draws series with plot_lines into lab_out_dir()/file (a bare name ending
 * in .png or .svg) and prints "[plot] file" on stdout, which the rendered
 * notebook shows as the image. Returns 0, or -1 after printing why (e.g.
 * gnuplot missing) on stderr; nothing is printed on stdout then.
 */
static inline int lab_plot(const char *prog, const char *file, const PlotSpec *spec,
                    const PlotSeries *series, int n_series)
{
    char path[4096];
    if (lab_out_path(prog, file, path, sizeof path) != 0) return -1;
    DlfsError err = {0};
    if (plot_lines(path, spec, series, n_series, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return -1;
    }
    printf("[plot] %s\n", file);
    fflush(stdout);
    return 0;
}

/*
 * The textbook's trainer.plot() from its records: the mean loss of each of
 * the n progress lines in records (a trainer's loss_list), into
 * lab_out_dir()/file via lab_plot. The x axis is the line's index,
 * "iterations (x eval_interval)" as the textbook labels it; but when there
 * are two or more lines and each is the first iteration of an epoch (an
 * epoch has no more iterations than eval_interval, as in chapter 3), one
 * line per epoch, the x axis is the epoch (1, 2, ...), labelled "epochs".
 * Returns 0, or -1 after a message.
 */
static inline int lab_plot_records(const char *prog, const char *file, const LossRecord *records,
                                   size_t n_records, int eval_interval)
{
    const int n = (int)n_records;
    double *x = malloc((size_t)(n > 0 ? n : 1) * sizeof *x);
    double *y = malloc((size_t)(n > 0 ? n : 1) * sizeof *y);
    int status = -1;
    if (x == NULL || y == NULL) {
        fprintf(stderr, "%s: out of memory\n", prog);
    } else {
        bool per_epoch = n >= 2;
        for (int i = 0; i < n; i++) per_epoch = per_epoch && records[i].iter == 1;
        for (int i = 0; i < n; i++) {
            x[i] = per_epoch ? records[i].epoch : i;
            y[i] = records[i].loss;
        }
        char xlabel[64];
        if (per_epoch)
            snprintf(xlabel, sizeof xlabel, "epochs");
        else
            snprintf(xlabel, sizeof xlabel, "iterations (x%d)", eval_interval);
        const PlotSeries series = {.label = "train", .x = x, .y = y, .n = n};
        const PlotSpec spec = {.xlabel = xlabel, .ylabel = "loss"};
        status = lab_plot(prog, file, &spec, &series, 1);
    }
    free(x);
    free(y);
    return status;
}

/* lab_plot_records of trainer's loss_list and eval_interval. */
static inline int lab_plot_loss(const char *prog, const char *file, const Trainer *trainer)
{
    return lab_plot_records(prog, file, trainer->loss_list, trainer->n_loss, trainer->eval_interval);
}

/*
 * The textbook's ptb.load_data(split) from the data folder's PTB
 * (datasets/data.h: --data-dir, else $DLFS2_DATA, else the cache folder;
 * downloaded when missing, as ptb.py does). corpus and vocab must be empty
 * (vocab_init'ed). Returns 0, or -1 after printing the error (it names the
 * folder and `dlfs2 fetch ptb`); corpus and vocab are left empty then.
 */
static inline int lab_load_ptb(const char *prog, const char *split, Int32Array *corpus, Vocab *vocab)
{
    char dir[4096];
    DlfsError err = {0};
    if (ptb_data_dir(dir, sizeof dir, lab_common_options.data_dir, &err) != DLFS_OK ||
        ptb_load_data(dir, split, corpus, vocab, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", prog, err.msg);
        return -1;
    }
    return 0;
}

/*
 * The data folder's evaluation file name ("questions-words.txt" or
 * "wordsim353.tsv"; datasets/data.h, --data-dir as lab_load_ptb) into out
 * (size bytes) when it is there: returns out. NULL when it is not (nothing
 * is printed or downloaded; `dlfs2 fetch eval` gets it).
 */
static inline const char *lab_eval_file(const char *name, char *out, size_t size)
{
    return data_file(out, size, lab_common_options.data_dir, DATA_SET_EVAL, name, NULL) == DLFS_OK ? out
                                                                                                   : NULL;
}

#endif
