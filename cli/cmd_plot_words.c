/*
 * cmd_plot_words.c — `dlfs2 plot-words`: a word map, the vectors of a few
 * words projected onto their first two principal components
 * (evaluation/word_map.h) and drawn with the words as labels
 * (plot/plot.h plot_labelled_points), as the textbook plots its
 * chapter-2 word vectors (§2.4.5).
 *
 * Output: one line per word, "word x y" (the coordinates drawn, 4
 * decimals), then a line with each axis's share of the variance and one
 * "wrote FILE (W x H, N words)".
 *
 * Words given with --words must all be in the vocabulary (as is, else
 * lower-cased): an unknown one is an error that names every unknown word,
 * and nothing is drawn. Of the default list, the words a vocabulary lacks
 * are left out with a note on stderr.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "common/check.h"
#include "plot/plot.h"
#include "common/tensor.h"
#include "common/vocab.h"
#include "datasets/vectors.h"
#include "evaluation/lower_vocab.h"
#include "evaluation/word_map.h"

#define DEFAULT_VECTORS "out/vectors.txt"
#define DEFAULT_WIDTH 800
#define DEFAULT_HEIGHT 600
#define MAX_SIZE 10000
#define MIN_SIZE 16

/*
 * The default words: four groups of eight that PTB's vocabulary holds and
 * that trained vectors keep apart (numbers, months, countries, past-tense
 * verbs), so the map shows four clusters.
 */
static const char *const default_words[] = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine",
    "january", "february", "march", "april", "june", "july", "september", "october",
    "japan", "germany", "france", "britain", "china", "canada", "mexico", "italy",
    "said", "went", "took", "made", "sold", "bought", "came", "gave",
};
enum { N_DEFAULT_WORDS = sizeof default_words / sizeof default_words[0] };

enum { OPT_VECTORS = CLI_OPT_LONG_BASE, OPT_WORDS, OPT_OUT, OPT_SIZE, OPT_RAW };

static const struct option plot_words_options[] = {
    {"vectors", required_argument, NULL, OPT_VECTORS},
    {"words", required_argument, NULL, OPT_WORDS},
    {"out", required_argument, NULL, OPT_OUT},
    {"size", required_argument, NULL, OPT_SIZE},
    {"raw", no_argument, NULL, OPT_RAW},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_plot_words(void)
{
    fputs("Usage: dlfs2 plot-words --out FILE.png [OPTIONS]\n"
          "\n"
          "Draws a word map: the vectors of the chosen words projected onto their first\n"
          "two principal components (PCA: the rows scaled to length 1, centred on their\n"
          "mean, then the two directions along which they spread most, from LAPACK),\n"
          "each point labelled with its word, as the textbook plots its chapter-2\n"
          "vectors. Prints each word's coordinates and the share of the variance each\n"
          "axis shows.\n"
          "\n"
          "Options:\n"
          "  --vectors FILE   word vectors in word2vec text or binary format (" DEFAULT_VECTORS ")\n"
          "  --words LIST     comma-separated words, at least 2, e.g. --words king,queen,man,woman;\n"
          "                   each must be in the vocabulary (as given, else lower-cased), else\n"
          "                   nothing is drawn and the unknown words are named. Default: 32\n"
          "                   words in four groups: two..nine; january february march april\n"
          "                   june july september october; japan germany france britain china\n"
          "                   canada mexico italy; said went took made sold bought came gave\n"
          "                   (those missing from the vocabulary are left out, with a note)\n"
          "  --out FILE       the image to write, .png or .svg (required)\n"
          "  --size WxH       its size in pixels, each in [16, 10000] (800x600)\n"
          "  --raw            project the vectors as they are, not scaled to length 1\n"
          "  -h, --help       show this help\n",
          stdout);
}

typedef struct PlotWordsOptions {
    const char *vectors;
    const char *words;   /* --words, NULL for the default list */
    const char *out;
    int width, height;
    bool raw;
} PlotWordsOptions;

/* "WxH" (or "WXH") with both in [MIN_SIZE, MAX_SIZE]. Returns 0 or CLI_EXIT_USAGE after a message. */
static int parse_size(const char *text, int *width, int *height)
{
    const char *x = strpbrk(text, "xX");
    char w_text[16];
    const size_t w_len = x ? (size_t)(x - text) : 0;
    if (!x || w_len == 0 || w_len >= sizeof w_text) {
        cli_error("--size: expected WIDTHxHEIGHT in pixels, e.g. 800x600, got '%s'", text);
        return CLI_EXIT_USAGE;
    }
    memcpy(w_text, text, w_len);
    w_text[w_len] = '\0';
    int rc = cli_parse_int("--size (width)", w_text, MIN_SIZE, MAX_SIZE, width);
    if (rc == 0) rc = cli_parse_int("--size (height)", x + 1, MIN_SIZE, MAX_SIZE, height);
    return rc;
}

/* Whether path ends in .png or .svg (either case), the formats plot_labelled_points writes. */
static bool has_image_suffix(const char *path)
{
    const size_t n = strlen(path);
    return n >= 4 && (strcasecmp(path + n - 4, ".png") == 0 || strcasecmp(path + n - 4, ".svg") == 0);
}

/* Parses argv into o. Returns -1 after printing the help (exit 0), 0 to go on, or CLI_EXIT_USAGE. */
static int parse_plot_words_args(int argc, char **argv, PlotWordsOptions *o)
{
    *o = (PlotWordsOptions){.vectors = DEFAULT_VECTORS, .width = DEFAULT_WIDTH, .height = DEFAULT_HEIGHT};
    opterr = 0;
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "-:h", plot_words_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_plot_words(); return -1;
        case OPT_VECTORS: o->vectors = optarg; break;
        case OPT_WORDS: o->words = optarg; break;
        case OPT_OUT: o->out = optarg; break;
        case OPT_SIZE: rc = parse_size(optarg, &o->width, &o->height); break;
        case OPT_RAW: o->raw = true; break;
        case 1:
            cli_error("plot-words: unexpected argument '%s' (see 'dlfs2 plot-words --help')", optarg);
            return CLI_EXIT_USAGE;
        default: return cli_getopt_error("plot-words", c, argv);
        }
    }
    if (rc == 0 && optind < argc) {
        cli_error("plot-words: unexpected argument '%s' (see 'dlfs2 plot-words --help')", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (rc == 0 && !o->out) {
        cli_error("plot-words: --out FILE is required (see 'dlfs2 plot-words --help')");
        return CLI_EXIT_USAGE;
    }
    if (rc == 0 && !has_image_suffix(o->out)) {
        cli_error("plot-words: --out: expected a file name ending in .png or .svg, got '%s'", o->out);
        return CLI_EXIT_USAGE;
    }
    return rc;
}

/* The id of word in vocab: as it is, else its ASCII lower-case form (PTB is lower-case); -1 when neither. */
static int32_t find_word(const Vocab *vocab, const char *word)
{
    int32_t id = vocab_get(vocab, word);
    if (id >= 0) return id;
    char *lower = dlfs_malloc(strlen(word) + 1);
    strcpy(lower, word);
    ascii_lower(lower);
    id = vocab_get(vocab, lower);
    free(lower);
    return id;
}

/* Adds id to ids[0..*n) unless it is there already. */
static void add_id(int32_t *ids, int *n, int32_t id)
{
    for (int i = 0; i < *n; i++)
        if (ids[i] == id) return;
    ids[(*n)++] = id;
}

/*
 * The words of --words (list, comma-separated; blanks around a word and
 * empty items are ignored) as ids into ids (room for strlen(list) + 1),
 * each once, in the order given. Returns CLI_EXIT_OK; CLI_EXIT_USAGE when
 * fewer than 2 words are given; CLI_EXIT_RUNTIME when a word is unknown
 * (the message names all of them).
 */
static int ids_of_list(const char *list, const Vocab *vocab, const char *path, int32_t *ids, int *n)
{
    char *copy = dlfs_malloc(strlen(list) + 1);
    strcpy(copy, list);
    char *unknown = NULL;
    size_t unknown_len = 0;
    FILE *u = open_memstream(&unknown, &unknown_len);
    DLFS_ASSERT(u != NULL);
    int n_given = 0, n_unknown = 0;
    *n = 0;
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        w += strspn(w, " \t");
        size_t len = strlen(w);
        while (len > 0 && (w[len - 1] == ' ' || w[len - 1] == '\t')) w[--len] = '\0';
        if (len == 0) continue;
        n_given++;
        const int32_t id = find_word(vocab, w);
        if (id < 0)
            fprintf(u, "%s'%s'", n_unknown++ ? ", " : "", w);
        else
            add_id(ids, n, id);
    }
    DLFS_ASSERT(fclose(u) == 0);
    int rc = CLI_EXIT_OK;
    if (n_given < 2) {
        cli_error("plot-words: --words needs at least 2 words, got %d", n_given);
        rc = CLI_EXIT_USAGE;
    } else if (n_unknown > 0) {
        cli_error("plot-words: not in the vocabulary of %s (%d words): %s", path, (int)vocab->size, unknown);
        rc = CLI_EXIT_RUNTIME;
    } else if (*n < 2) {
        cli_error("plot-words: --words needs at least 2 different words, got %d", *n);
        rc = CLI_EXIT_USAGE;
    }
    free(unknown);
    free(copy);
    return rc;
}

/* The default words the vocabulary holds, into ids (room for N_DEFAULT_WORDS); a note names the others. */
static int ids_of_default(const Vocab *vocab, const char *path, int32_t *ids, int *n)
{
    *n = 0;
    int missing = 0;
    for (int i = 0; i < N_DEFAULT_WORDS; i++) {
        const int32_t id = find_word(vocab, default_words[i]);
        if (id >= 0) {
            add_id(ids, n, id);
            continue;
        }
        if (missing++ == 0) fprintf(stderr, "dlfs2: plot-words: note: not in the vocabulary of %s, left out:", path);
        fprintf(stderr, " %s", default_words[i]);
    }
    if (missing > 0) fputc('\n', stderr);
    if (*n < 2) {
        cli_error("plot-words: only %d of the default words are in the vocabulary of %s; choose some with --words",
                  *n, path);
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

int cmd_plot_words(int argc, char **argv)
{
    PlotWordsOptions o;
    int rc = parse_plot_words_args(argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;

    DlfsError err = {0};
    Vocab vocab;
    vocab_init(&vocab);
    Tensor W = {0};
    int32_t *ids = NULL;
    double *x = NULL, *y = NULL;
    const char **labels = NULL;
    int n = 0;
    if (vectors_load(o.vectors, &vocab, &W, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    ids = dlfs_malloc((o.words ? strlen(o.words) + 1 : (size_t)N_DEFAULT_WORDS) * sizeof *ids);
    rc = o.words ? ids_of_list(o.words, &vocab, o.vectors, ids, &n) : ids_of_default(&vocab, o.vectors, ids, &n);
    if (rc != CLI_EXIT_OK) goto done;

    const int H = W.shape[1];
    x = dlfs_malloc((size_t)n * sizeof *x);
    y = dlfs_malloc((size_t)n * sizeof *y);
    WordMapVariance var;
    if (word_map_project(W.data, H, ids, n, !o.raw, x, y, &var, &err) != DLFS_OK) {
        cli_error("plot-words: %s", err.msg);
        rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    labels = dlfs_malloc((size_t)n * sizeof *labels);
    for (int i = 0; i < n; i++) {
        labels[i] = vocab_word(&vocab, ids[i]);
        printf("%s %.4f %.4f\n", labels[i], x[i], y[i]);
    }
    const double share[2] = {var.total > 0 ? 100.0 * var.axis[0] / var.total : 0.0,
                             var.total > 0 ? 100.0 * var.axis[1] / var.total : 0.0};
    printf("axis 1 shows %.1f%% of the variance, axis 2 %.1f%%\n", share[0], share[1]);

    char title[512], xlabel[64], ylabel[64];
    const char *base = strrchr(o.vectors, '/') ? strrchr(o.vectors, '/') + 1 : o.vectors;
    snprintf(title, sizeof title, "%d words of %.400s, first two principal components%s", n, base,
             o.raw ? " (raw vectors)" : "");
    snprintf(xlabel, sizeof xlabel, "axis 1 (%.1f%% of the variance)", share[0]);
    snprintf(ylabel, sizeof ylabel, "axis 2 (%.1f%% of the variance)", share[1]);
    const PlotSpec spec = {.title = title, .xlabel = xlabel, .ylabel = ylabel, .width = o.width,
                           .height = o.height};
    if (plot_labelled_points(o.out, &spec, x, y, labels, n, &err) != DLFS_OK) {
        cli_error("plot-words: %s", err.msg);
        rc = CLI_EXIT_RUNTIME;
        goto done;
    }
    printf("wrote %s (%d x %d, %d words)\n", o.out, o.width, o.height, n);

done:
    free(labels);
    free(x);
    free(y);
    free(ids);
    tensor_free(&W);
    vocab_free(&vocab);
    return rc;
}
