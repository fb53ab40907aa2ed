/*
 * cmd_benchmark.c — `dlfs2 accuracy` and `dlfs2 wordsim`: the standard
 * word-vector benchmarks over word vectors in word2vec's text or binary format
 * (datasets/vectors.h). `accuracy` is word2vec.c's compute-accuracy and
 * gensim's evaluate_word_analogies on the Google analogy questions
 * (evaluation/analogy.h); `wordsim` is gensim's evaluate_word_pairs on
 * WordSim-353-style pairs (evaluation/wordsim.h). Without --questions /
 * --pairs they read the data folder's eval/ files (datasets/data.h), which
 * `dlfs2 fetch eval` downloads; they never download themselves.
 *
 * The last line of each is meant for scripts:
 *
 *     accuracy: 0.0163 (77/4716 covered of 19544; semantic 0.0115, syntactic 0.0176)
 *     spearman: 0.1465 (237/353 pairs)
 *
 * `wordsim --model FILE` reads a subword model (recipe/subword_model.h)
 * instead: the vocabulary's words get the mean of their rows, and a word of
 * the pairs outside the vocabulary (case-insensitively) gets the mean of its
 * lower-cased form's n-gram rows, so it is used instead of skipped.
 */
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/tensor.h"
#include "common/vocab.h"
#include "datasets/data.h"
#include "datasets/vectors.h"
#include "common/check.h"
#include "evaluation/analogy.h"
#include "evaluation/lower_vocab.h"
#include "evaluation/wordsim.h"
#include "recipe/subword_model.h"

#define DEFAULT_VECTORS "out/vectors.txt"

typedef struct BenchmarkOptions {
    const char *vectors;   /* --vectors FILE */
    const char *model;     /* --model FILE (wordsim only), NULL: none */
    const char *data;      /* --questions FILE or --pairs FILE; NULL = the data folder's */
    const char *data_dir;  /* --data-dir DIR; NULL = datasets/data.h's default */
    char data_buf[4096];   /* the data folder's file, when data is NULL */
} BenchmarkOptions;

enum { OPT_VECTORS = CLI_OPT_LONG_BASE, OPT_DATA, OPT_DATA_DIR, OPT_MODEL };

void usage_accuracy(void)
{
    fputs("Usage: dlfs2 accuracy [--questions FILE] [--vectors FILE] [--data-dir DIR]\n"
          "\n"
          "The Google analogy test (questions-words.txt), as word2vec's compute-accuracy\n"
          "and gensim's evaluate_word_analogies run it: for every question 'a b c d' whose\n"
          "four words are in the vocabulary (looked up case-insensitively), the answer is\n"
          "the word w other than a, b, c with the highest cos(w, b - a + c) on unit-length\n"
          "vectors (3CosAdd); it is correct when it is d. Questions with a word outside the\n"
          "vocabulary are skipped. Sections named gram* are syntactic, the others semantic.\n"
          "\n"
          "Prints a line per section (accuracy = correct/covered, and the section's total),\n"
          "the semantic, syntactic and overall totals, and last a line\n"
          "  accuracy: 0.0163 (77/4716 covered of 19544; semantic 0.0115, syntactic 0.0176)\n"
          "(0.0000 where nothing is covered).\n"
          "\n"
          "Options:\n"
          "  --questions FILE  the questions: ': section' lines and 'a b c d' lines\n"
          "                    (default DATA/eval/questions-words.txt: `dlfs2 fetch eval`)\n"
          "  --vectors FILE    word vectors, word2vec text or binary (" DEFAULT_VECTORS ")\n"
          "  --data-dir DIR    the data folder DATA (default $DLFS2_DATA, else\n"
          "                    ${XDG_CACHE_HOME:-~/.cache}/dlfs2); nothing is downloaded\n"
          "  -h, --help        show this help\n",
          stdout);
}

void usage_wordsim(void)
{
    fputs("Usage: dlfs2 wordsim [--pairs FILE] [--vectors FILE | --model FILE] [--data-dir DIR]\n"
          "\n"
          "Word similarity, as gensim's evaluate_word_pairs: Spearman's rank correlation\n"
          "(ties get the average of their ranks) between the cosine similarity of the two\n"
          "words' vectors and the human score, over the pairs whose two words are in the\n"
          "vocabulary (looked up case-insensitively); also Pearson's r of the raw values.\n"
          "\n"
          "Prints pearson, the number of pairs skipped, and last a line\n"
          "  spearman: 0.1465 (237/353 pairs)\n"
          "(pairs used / pairs in the file; 'nan' when fewer than 2 pairs are used).\n"
          "\n"
          "Options:\n"
          "  --pairs FILE     'word1 word2 score' lines, tab- or space-separated, '#' comments\n"
          "                   (default DATA/eval/wordsim353.tsv: `dlfs2 fetch eval`)\n"
          "  --vectors FILE   word vectors, word2vec text or binary (" DEFAULT_VECTORS ")\n"
          "  --model FILE     a subword model (dlfs2 train --subwords) instead of --vectors:\n"
          "                   a word outside the vocabulary gets the mean of the n-gram rows\n"
          "                   of its lower-cased form, so its pairs are used, not skipped\n"
          "  --data-dir DIR   the data folder DATA (default $DLFS2_DATA, else\n"
          "                   ${XDG_CACHE_HOME:-~/.cache}/dlfs2); nothing is downloaded\n"
          "  -h, --help       show this help\n",
          stdout);
}

/*
 * Parses `dlfs2 CMD [--DATA FILE] [--vectors FILE] [--data-dir DIR]`;
 * without --DATA, the data folder's default_name (datasets/data.h; not
 * downloaded: a missing file is a runtime error naming where it was looked
 * for and `dlfs2 fetch eval`). Returns -1 after printing the help (exit 0),
 * 0 to go on, CLI_EXIT_USAGE or CLI_EXIT_RUNTIME.
 */
static int parse_benchmark_args(const char *cmd, const char *data_option, const char *default_name,
                                void (*usage)(void), int argc, char **argv, BenchmarkOptions *o)
{
    const struct option options[] = {
        {"vectors", required_argument, NULL, OPT_VECTORS},
        {data_option, required_argument, NULL, OPT_DATA},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"help", no_argument, NULL, 'h'},
        {"model", required_argument, NULL, OPT_MODEL},
        {NULL, 0, NULL, 0},
    };
    const bool model_ok = usage == usage_wordsim;   /* accuracy has no --model */
    bool vectors_given = false;
    memset(o, 0, sizeof *o);
    o->vectors = DEFAULT_VECTORS;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return -1;
        case OPT_VECTORS: o->vectors = optarg; vectors_given = true; break;
        case OPT_MODEL:
            if (!model_ok) {
                cli_error("%s: unknown or ambiguous option '--model' (see 'dlfs2 %s --help')", cmd, cmd);
                return CLI_EXIT_USAGE;
            }
            o->model = optarg;
            break;
        case OPT_DATA: o->data = optarg; break;
        case OPT_DATA_DIR:
            if (!*optarg) {
                cli_error("%s: --data-dir: expected a folder, got an empty argument", cmd);
                return CLI_EXIT_USAGE;
            }
            o->data_dir = optarg;
            break;
        default: return cli_getopt_error(cmd, c, argv);
        }
    }
    if (optind < argc) {
        cli_error("%s: unexpected argument '%s' (see 'dlfs2 %s --help')", cmd, argv[optind], cmd);
        return CLI_EXIT_USAGE;
    }
    if (vectors_given && o->model) {
        cli_error("%s: --vectors and --model name two sources: give one (see 'dlfs2 %s --help')",
                  cmd, cmd);
        return CLI_EXIT_USAGE;
    }
    if (!o->data) {
        DlfsError err = {0};
        if (data_file(o->data_buf, sizeof o->data_buf, o->data_dir, DATA_SET_EVAL, default_name, &err) !=
            DLFS_OK) {
            cli_error("%s: %s (or pass --%s FILE)", cmd, err.msg, data_option);
            return CLI_EXIT_RUNTIME;
        }
        o->data = o->data_buf;
    }
    return 0;
}

/* Reads the vectors; prints why on failure. Returns an exit status. */
static int load_vectors(const char *path, Vocab *vocab, Tensor *W)
{
    DlfsError err = {0};
    vocab_init(vocab);
    if (vectors_load(path, vocab, W, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("vectors: %s (%d words, %d dimensions)\n", path, (int)vocab->size, W->shape[1]);
    return CLI_EXIT_OK;
}

/*
 * Reads the subword model at path into vocab and W (V', H): the
 * vocabulary's words with the mean of their rows, then each word of the
 * pairs file that is not in the vocabulary (case-insensitively) and has a
 * vector: its ASCII lower-cased form, with the mean of that form's n-gram
 * rows. Prints the model line and how many words were added; prints why on
 * failure. Returns an exit status.
 */
static int load_model_for_pairs(const char *path, const char *pairs, Vocab *vocab, Tensor *W)
{
    DlfsError err = {0};
    SubwordModel m;
    vocab_init(vocab);
    if (subword_model_load(&m, path, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    FILE *fp = fopen(pairs, "r");
    if (!fp) {
        cli_error("cannot open %s", pairs);
        subword_model_free(&m);
        return CLI_EXIT_RUNTIME;
    }
    const int H = m.H;
    size_t cap = (size_t)m.vocab.size + 64, n_rows = 0;
    float *rows = dlfs_malloc(cap * (size_t)H * sizeof *rows);
    for (int32_t id = 0; id < m.vocab.size; id++) {
        vocab_add(vocab, vocab_word(&m.vocab, id));
        (void)subword_model_vector(&m, vocab_word(&m.vocab, id), rows + n_rows++ * (size_t)H);
    }
    LowerVocab lv;
    lower_vocab_init(&lv, &m.vocab);
    size_t added = 0, no_vector = 0;
    char *line = NULL;
    size_t line_cap = 0;
    while (getline(&line, &line_cap, fp) >= 0) {
        char *save = NULL;
        char *w[2];
        w[0] = strtok_r(line, " \t\r\n\v\f", &save);
        if (!w[0] || w[0][0] == '#') continue;
        w[1] = strtok_r(NULL, " \t\r\n\v\f", &save);
        for (int k = 0; k < 2 && w[k]; k++) {
            if (lower_vocab_get(&lv, w[k]) >= 0) continue;
            ascii_lower(w[k]);
            if (vocab_get(vocab, w[k]) >= 0) continue;   /* added already */
            if (n_rows == cap) rows = dlfs_realloc(rows, (cap *= 2) * (size_t)H * sizeof *rows);
            if (subword_model_vector(&m, w[k], rows + n_rows * (size_t)H) == 0) {
                no_vector++;
                continue;
            }
            vocab_add(vocab, w[k]);
            n_rows++;
            added++;
        }
    }
    free(line);
    fclose(fp);
    lower_vocab_free(&lv);
    printf("model: %s (%d words, %d dimensions, n-grams %d-%d)\n", path, (int)m.vocab.size, H,
           m.table.minn, m.table.maxn);
    printf("unseen words: %zu with the mean of their n-gram rows, %zu with no row (skipped)\n",
           added, no_vector);
    tensor_init_2d(W, (int)n_rows, H);
    memcpy(W->data, rows, n_rows * (size_t)H * sizeof *rows);
    free(rows);
    subword_model_free(&m);
    return CLI_EXIT_OK;
}

/* One row of the accuracy table. */
static void print_row(const char *name, size_t correct, size_t covered, size_t total)
{
    char counts[48];
    snprintf(counts, sizeof counts, "%zu/%zu", correct, covered);
    printf("%-28s %8.4f %15s %7zu\n", name, analogy_fraction(correct, covered), counts, total);
}

static void print_accuracy(const AnalogyResult *r)
{
    printf("%-28s %8s %15s %7s\n", "section", "accuracy", "correct/covered", "total");
    for (size_t i = 0; i < r->n_sections; i++) {
        const AnalogySection *s = &r->sections[i];
        print_row(s->name, s->correct, s->covered, s->total);
    }
    print_row("semantic", r->semantic_correct, r->semantic_covered, r->semantic_total);
    print_row("syntactic", r->syntactic_correct, r->syntactic_covered, r->syntactic_total);
    print_row("total", r->correct, r->covered, r->total);
    printf("skipped: %zu questions with a word outside the vocabulary\n", r->total - r->covered);
    printf("accuracy: %.4f (%zu/%zu covered of %zu; semantic %.4f, syntactic %.4f)\n",
           analogy_fraction(r->correct, r->covered), r->correct, r->covered, r->total,
           analogy_fraction(r->semantic_correct, r->semantic_covered),
           analogy_fraction(r->syntactic_correct, r->syntactic_covered));
}

int cmd_accuracy(int argc, char **argv)
{
    BenchmarkOptions o;
    int rc = parse_benchmark_args("accuracy", "questions", "questions-words.txt", usage_accuracy, argc, argv,
                                  &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;

    Vocab vocab;
    Tensor W = {0};
    AnalogyResult result;
    analogy_result_init(&result);
    rc = load_vectors(o.vectors, &vocab, &W);
    if (rc == CLI_EXIT_OK) {
        DlfsError err = {0};
        printf("questions: %s\n", o.data);
        if (analogy_accuracy(&result, o.data, &vocab, W.data, W.shape[0], W.shape[1], 0, &err) == DLFS_OK) {
            print_accuracy(&result);
        } else {
            cli_error("%s", err.msg);
            rc = CLI_EXIT_RUNTIME;
        }
    }
    analogy_result_free(&result);
    tensor_free(&W);
    vocab_free(&vocab);
    return rc;
}

/* x with 4 decimals, or "nan" (glibc would print "-nan" for a negative NaN). */
static const char *format_corr(double x, char *buf, size_t size)
{
    if (isnan(x))
        snprintf(buf, size, "nan");
    else
        snprintf(buf, size, "%.4f", x);
    return buf;
}

int cmd_wordsim(int argc, char **argv)
{
    BenchmarkOptions o;
    int rc = parse_benchmark_args("wordsim", "pairs", "wordsim353.tsv", usage_wordsim, argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;

    Vocab vocab;
    Tensor W = {0};
    rc = o.model ? load_model_for_pairs(o.model, o.data, &vocab, &W) : load_vectors(o.vectors, &vocab, &W);
    if (rc == CLI_EXIT_OK) {
        DlfsError err = {0};
        WordSimResult r;
        printf("pairs: %s\n", o.data);
        if (wordsim_evaluate(&r, o.data, &vocab, W.data, W.shape[0], W.shape[1], &err) == DLFS_OK) {
            char buf[32];
            printf("pearson: %s\n", format_corr(r.pearson, buf, sizeof buf));
            printf("skipped: %zu pairs with a word outside the vocabulary\n", r.skipped);
            printf("spearman: %s (%zu/%zu pairs)\n", format_corr(r.spearman, buf, sizeof buf), r.used, r.total);
        } else {
            cli_error("%s", err.msg);
            rc = CLI_EXIT_RUNTIME;
        }
    }
    tensor_free(&W);
    vocab_free(&vocab);
    return rc;
}
