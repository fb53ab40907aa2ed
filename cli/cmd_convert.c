/*
 * cmd_convert.c — `dlfs2 convert IN OUT [--format text|binary]`: word
 * vectors from one of word2vec's formats to the other (datasets/vectors.h).
 * IN's format is detected (vectors_load); OUT's is --format, else OUT's
 * extension (.txt text, .bin binary). Rows, words and float32 bits are
 * kept, so text -> binary -> text gives back a file dlfs2 wrote byte for
 * byte. The textbook has no counterpart: it only pickles word_vecs.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/tensor.h"
#include "common/vocab.h"
#include "datasets/vectors.h"

enum { OPT_FORMAT = CLI_OPT_LONG_BASE };

static const struct option convert_options[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_convert(void)
{
    fputs("Usage: dlfs2 convert IN OUT [OPTIONS]\n"
          "\n"
          "Reads word vectors from IN, in word2vec's text or binary format (detected), and\n"
          "writes them to OUT in the format --format names, else the one OUT's extension\n"
          "names: .txt text, .bin binary. The values are kept bit for bit.\n"
          "\n"
          "Options:\n"
          "  --format text|binary   OUT's format (needed when OUT ends in neither .txt nor .bin)\n"
          "  -h, --help             show this help\n",
          stdout);
}

typedef struct ConvertOptions {
    const char *paths[2];   /* IN, OUT */
    int n_paths;
    VectorsFormat format;
    bool format_given;      /* --format was on the command line */
} ConvertOptions;

static int add_path(ConvertOptions *o, const char *path)
{
    if (o->n_paths >= 2) {
        cli_error("convert: unexpected argument '%s' (see 'dlfs2 convert --help')", path);
        return CLI_EXIT_USAGE;
    }
    o->paths[o->n_paths++] = path;
    return 0;
}

/* Parses argv into o. Returns -1 after printing the help (exit 0), 0 to go on, or CLI_EXIT_USAGE. */
static int parse_convert_args(int argc, char **argv, ConvertOptions *o)
{
    *o = (ConvertOptions){.format = VECTORS_TEXT};
    opterr = 0;
    int c, rc = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, "-:h", convert_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_convert(); return -1;
        case OPT_FORMAT:
            if (vectors_format_parse(optarg, &o->format) != DLFS_OK) {
                cli_error("--format: expected text or binary, got '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            o->format_given = true;
            break;
        case 1: rc = add_path(o, optarg); break;
        default: return cli_getopt_error("convert", c, argv);
        }
    }
    for (; rc == 0 && optind < argc; optind++) rc = add_path(o, argv[optind]);
    if (rc) return rc;
    if (o->n_paths < 2) {
        cli_error("convert: expected IN and OUT, got %d path%s (see 'dlfs2 convert --help')", o->n_paths,
                  o->n_paths == 1 ? "" : "s");
        return CLI_EXIT_USAGE;
    }
    if (!o->format_given && vectors_format_from_path(o->paths[1], &o->format) != DLFS_OK) {
        cli_error("convert: cannot tell the format of '%s' from its extension (.txt is text, .bin binary); "
                  "pass --format text|binary",
                  o->paths[1]);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cmd_convert(int argc, char **argv)
{
    ConvertOptions o;
    int rc = parse_convert_args(argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;

    Vocab vocab;
    Tensor W;
    DlfsError err = {0};
    vocab_init(&vocab);
    if (vectors_load(o.paths[0], &vocab, &W, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        vocab_free(&vocab);
        return CLI_EXIT_RUNTIME;
    }
    const int V = W.shape[0], H = W.shape[1];
    if (vectors_save(o.paths[1], o.format, &vocab, W.data, V, H, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        rc = CLI_EXIT_RUNTIME;
    } else {
        printf("wrote %s (%s, %d x %d)\n", o.paths[1], vectors_format_name(o.format), V, H);
    }
    tensor_free(&W);
    vocab_free(&vocab);
    return rc;
}
