/*
 * cmd_fetch.c — `dlfs2 fetch ptb|eval|all`: downloads the data sets into
 * the data folder (datasets/data.h), each file checked against its
 * compiled-in SHA-256. A file already there with the right sum is not
 * downloaded again; one with another sum is an error and is left alone.
 *
 *     ptb.train.txt: downloaded from https://.../ptb.train.txt, SHA-256 ok: DATA/ptb/ptb.train.txt
 *     ptb.valid.txt: already there, SHA-256 ok, not downloaded again: DATA/ptb/ptb.valid.txt
 *     fetch ptb: 3 files ready
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "datasets/data.h"

enum { OPT_DATA_DIR = CLI_OPT_LONG_BASE };

void usage_fetch(void)
{
    fputs("Usage: dlfs2 fetch [--data-dir DIR] ptb|eval|all ...\n"
          "\n"
          "Downloads data sets into the data folder DATA, checking every file's SHA-256:\n"
          "  ptb   the Penn Treebank as the textbook's dataset/ptb.py gets it:\n"
          "        ptb.train.txt, ptb.valid.txt, ptb.test.txt into DATA/ptb/\n"
          "  eval  the Google analogy questions (questions-words.txt) and WordSim-353\n"
          "        (wordsim353.tsv), as word2vec and gensim publish them, into DATA/eval/\n"
          "  all   both\n"
          "\n"
          "DATA is --data-dir DIR, else $DLFS2_DATA, else ${XDG_CACHE_HOME:-~/.cache}/dlfs2.\n"
          "(A DATA that holds ptb.train.txt itself is the PTB folder, as in older dlfs2;\n"
          "the evaluation files are then also looked for in DATA/../eval/.)\n"
          "A file already there with the right SHA-256 is not downloaded again. A file\n"
          "with another SHA-256 is an error and is left as it is; a download with the\n"
          "wrong SHA-256 is not kept. Stops at the first failure (exit 1).\n"
          "\n"
          "Sources, each a URL prefix (file:// works too): $DLFS2_PTB_URL, else\n"
          "  " DATA_PTB_DEFAULT_URL "\n"
          "and $DLFS2_EVAL_URL, else\n"
          "  " DATA_EVAL_DEFAULT_URL "\n"
          "\n"
          "Options:\n"
          "  --data-dir DIR  the data folder (see above)\n"
          "  -h, --help      show this help\n",
          stdout);
}

/* Fetches every file of set; prints a line per file. Returns an exit status. */
static int fetch_set(const char *explicit_dir, DataSet set)
{
    const DataFile *files;
    const size_t n = data_set_files(set, &files);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        DataFetchResult result;
        DlfsError err = {0};
        if (data_fetch_file(explicit_dir, &files[i], path, sizeof path, &result, &err) != DLFS_OK) {
            cli_error("fetch %s: %s", data_set_name(set), err.msg);
            return CLI_EXIT_RUNTIME;
        }
        if (result == DATA_FETCH_PRESENT) {
            printf("%s: already there, SHA-256 ok, not downloaded again: %s\n", files[i].name, path);
        } else {
            char *url = data_file_url(&files[i]);
            printf("%s: downloaded from %s, SHA-256 ok: %s\n", files[i].name, url, path);
            free(url);
        }
    }
    printf("fetch %s: %zu files ready\n", data_set_name(set), n);
    return CLI_EXIT_OK;
}

int cmd_fetch(int argc, char **argv)
{
    const struct option options[] = {
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *explicit_dir = NULL;  /* --data-dir */
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_fetch(); return CLI_EXIT_OK;
        case OPT_DATA_DIR:
            if (!*optarg) {
                cli_error("fetch: --data-dir: expected a folder, got an empty argument");
                return CLI_EXIT_USAGE;
            }
            explicit_dir = optarg;
            break;
        default: return cli_getopt_error("fetch", c, argv);
        }
    }
    if (optind >= argc) {
        cli_error("fetch: name a data set: ptb, eval or all (see 'dlfs2 fetch --help')");
        return CLI_EXIT_USAGE;
    }
    bool want[2] = {false, false};
    for (int i = optind; i < argc; i++) {
        DataSet set;
        if (strcmp(argv[i], "all") == 0) {
            want[DATA_SET_PTB] = want[DATA_SET_EVAL] = true;
        } else if (data_set_from_name(argv[i], &set) == DLFS_OK) {
            want[set] = true;
        } else {
            cli_error("fetch: unknown data set '%s' (expected ptb, eval or all)", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    char dir[4096];
    DlfsError err = {0};
    if (data_dir(dir, sizeof dir, explicit_dir, &err) != DLFS_OK) {
        cli_error("fetch: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    char ptb_dir[4096];
    const bool old_layout = data_set_dir(ptb_dir, sizeof ptb_dir, explicit_dir, DATA_SET_PTB, &err) == DLFS_OK &&
                            strcmp(ptb_dir, dir) == 0;
    printf("data folder: %s%s\n", dir, old_layout ? " (it holds PTB itself, as in older dlfs2)" : "");
    const DataSet order[] = {DATA_SET_PTB, DATA_SET_EVAL};
    for (size_t k = 0; k < 2; k++) {
        if (!want[order[k]]) continue;
        const int rc = fetch_set(explicit_dir, order[k]);
        if (rc != CLI_EXIT_OK) return rc;
    }
    return CLI_EXIT_OK;
}
