/*
 * cmd_vector.c — `dlfs2 vector --model FILE WORD...`: the vector of each
 * word from a subword model file (recipe/subword_model.h), in word2vec's
 * text format, one line per word:
 *
 *     word v1 v2 ... vH
 *
 * with the values as datasets/vectors.c writes them ("%.9g", which reads
 * back to the same float32). A word in the vocabulary gets the mean of its
 * own row and its n-grams' rows; any other word the mean of its n-grams'
 * rows that the model has (fastText's getWordVector, print-word-vectors).
 * A word with no row at all prints "dlfs2: vector: 'WORD' has no n-gram in
 * the model" on stderr; the others are still printed, and the exit status
 * is then 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "common/check.h"
#include "recipe/subword_model.h"

enum { OPT_MODEL = CLI_OPT_LONG_BASE };

static const struct option vector_options[] = {
    {"model", required_argument, NULL, OPT_MODEL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_vector(void)
{
    fputs("Usage: dlfs2 vector --model FILE WORD...\n"
          "\n"
          "Prints the vector of each WORD, in the vocabulary or not, one line per word in\n"
          "word2vec's text format (\"word v1 ... vH\"): the mean of the rows of the word and\n"
          "of its character n-grams in the subword model FILE (dlfs2 train --subwords);\n"
          "a word never seen in training gets the mean of its n-grams' rows. A word none\n"
          "of whose n-grams has a row prints a message and the exit status is 1.\n"
          "\n"
          "Options:\n"
          "  --model FILE   the subword model file\n"
          "  -h, --help     show this help\n",
          stdout);
}

int cmd_vector(int argc, char **argv)
{
    const char *model_path = NULL;
    opterr = 0;
    int c;
    /* GNU getopt moves the words after the options; "--" ends the options */
    while ((c = getopt_long(argc, argv, ":h", vector_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_vector(); return CLI_EXIT_OK;
        case OPT_MODEL: model_path = optarg; break;
        default: return cli_getopt_error("vector", c, argv);
        }
    }
    if (model_path == NULL) {
        cli_error("vector: --model FILE is required (see 'dlfs2 vector --help')");
        return CLI_EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_error("vector: expected at least one WORD (see 'dlfs2 vector --help')");
        return CLI_EXIT_USAGE;
    }

    SubwordModel m;
    DlfsError err = {0};
    if (subword_model_load(&m, model_path, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    float *vec = dlfs_malloc((size_t)m.H * sizeof *vec);
    int rc = CLI_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        if (subword_model_vector(&m, argv[i], vec) == 0) {
            fflush(stdout);
            cli_error("vector: '%s' has no n-gram in the model", argv[i]);
            rc = CLI_EXIT_RUNTIME;
            continue;
        }
        fputs(argv[i], stdout);
        for (int k = 0; k < m.H; k++) printf(" %.9g", (double)vec[k]);
        putchar('\n');
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("vector: cannot write the vectors to standard output");
        rc = CLI_EXIT_RUNTIME;
    }
    free(vec);
    subword_model_free(&m);
    return rc;
}
