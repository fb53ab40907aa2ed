/*
 * cmd_vocab.c — `dlfs2 vocab`: the vocabulary pass of issue 19, word2vec.c's
 * -save-vocab as a command of its own. Streams the corpus once
 * (datasets/token_stream.h: a file, a .gz or standard input, in bounded
 * memory), counts its words and writes word2vec.c's vocabulary file
 * (datasets/vocab_file.h), which `dlfs2 train --vocab` reads back.
 *
 *     corpus: ptb.train.txt (929589 tokens, 5101618 bytes)
 *     vocabulary: 10000 words, 9859 with --min-count 5 (141 left out), count order
 *     wrote vocab.txt
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "datasets/ptb.h"
#include "datasets/vocab_file.h"
#include "recipe/data.h"

enum {
    OPT_CORPUS = CLI_OPT_LONG_BASE, OPT_OUT, OPT_MIN_COUNT, OPT_MAX_VOCAB, OPT_ORDER, OPT_LOWERCASE,
    OPT_DATA_DIR,
};

void usage_vocab(void)
{
    fputs("Usage: dlfs2 vocab --corpus FILE --out VOCAB [OPTIONS]\n"
          "\n"
          "The vocabulary pass (word2vec.c's -save-vocab): reads the corpus once as a\n"
          "stream, in bounded memory, and writes its words with their counts to VOCAB,\n"
          "one \"word count\" a line, for `dlfs2 train --vocab VOCAB`. The corpus is read\n"
          "as `train --corpus` reads it: split at blanks, each line end the word <eos>.\n"
          "\n"
          "Options:\n"
          "  --corpus ptb|FILE      PTB's train split (from the data folder), a text file, a\n"
          "                         gzip-compressed one (FILE.gz), or - for standard input\n"
          "  --out VOCAB            the vocabulary file to write (replaced atomically)\n"
          "  --min-count N          leave out the words seen fewer than N times; <eos> is\n"
          "                         always kept (1)\n"
          "  --max-vocab N          keep only the N most frequent words, <eos> counted and\n"
          "                         kept, ties by first appearance; 0 = all (0)\n"
          "  --order count|first    count: <eos> first (as word2vec.c writes </s> first),\n"
          "                         then the most frequent first, words of equal count in\n"
          "                         order of first appearance; first: order of first\n"
          "                         appearance, the textbook's word_to_id ids (count)\n"
          "  --lowercase            fold the corpus to lower case first (as train's)\n"
          "  --data-dir DIR         the data folder, for --corpus ptb\n"
          "  -h, --help             show this help\n",
          stdout);
}

int cmd_vocab(int argc, char **argv)
{
    const struct option options[] = {
        {"corpus", required_argument, NULL, OPT_CORPUS},
        {"out", required_argument, NULL, OPT_OUT},
        {"min-count", required_argument, NULL, OPT_MIN_COUNT},
        {"max-vocab", required_argument, NULL, OPT_MAX_VOCAB},
        {"order", required_argument, NULL, OPT_ORDER},
        {"lowercase", no_argument, NULL, OPT_LOWERCASE},
        {"data-dir", required_argument, NULL, OPT_DATA_DIR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *corpus = NULL, *out = NULL, *data_dir = NULL;
    int min_count = 1, max_vocab = 0;
    VocabOrder order = VOCAB_ORDER_COUNT;
    unsigned flags = 0;
    opterr = 0;
    int c, rc;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'h': usage_vocab(); return CLI_EXIT_OK;
        case OPT_CORPUS: corpus = optarg; break;
        case OPT_OUT: out = optarg; break;
        case OPT_DATA_DIR: data_dir = optarg; break;
        case OPT_LOWERCASE: flags |= CORPUS_LOWERCASE; break;
        case OPT_MIN_COUNT:
            rc = cli_parse_int("--min-count", optarg, 1, 0x7fffffff, &min_count);
            if (rc) return rc;
            break;
        case OPT_MAX_VOCAB:
            rc = cli_parse_int("--max-vocab", optarg, 0, 0x7fffffff, &max_vocab);
            if (rc) return rc;
            break;
        case OPT_ORDER:
            if (strcmp(optarg, "count") == 0) {
                order = VOCAB_ORDER_COUNT;
            } else if (strcmp(optarg, "first") == 0) {
                order = VOCAB_ORDER_FIRST;
            } else {
                cli_error("--order: expected count or first, got '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        default: return cli_getopt_error("vocab", c, argv);
        }
    }
    if (optind < argc) {
        cli_error("vocab: unexpected argument '%s' (see 'dlfs2 vocab --help')", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (!corpus || !*corpus || !out || !*out) {
        cli_error("vocab: --corpus FILE and --out VOCAB are needed (see 'dlfs2 vocab --help')");
        return CLI_EXIT_USAGE;
    }
    char path[4096 + 32];
    DlfsError err = {0};
    if (recipe_corpus_path(corpus, data_dir, path, sizeof path, NULL, 0, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    Vocab vocab;
    vocab_init(&vocab);
    int64_t *counts = NULL;
    if (vocab_count_corpus(path, flags, 0, &vocab, &counts, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    int64_t tokens = 0;
    for (int32_t i = 0; i < vocab.size; i++) tokens += counts[i];
    printf("corpus: %s (%" PRId64 " tokens)%s\n", strcmp(path, "-") == 0 ? "standard input" : path, tokens,
           (flags & CORPUS_LOWERCASE) ? ", folded to lower case" : "");
    int32_t *ids = NULL, n = 0;
    vocab_select(&vocab, counts, min_count, max_vocab, order, &ids, &n);
    printf("vocabulary: %" PRId32 " words of %" PRId32, n, vocab.size);
    if (min_count > 1 || max_vocab > 0) {
        printf(" (");
        if (min_count > 1) printf("--min-count %d", min_count);
        if (min_count > 1 && max_vocab > 0) printf(", ");
        if (max_vocab > 0) printf("--max-vocab %d", max_vocab);
        printf(")");
    }
    printf(", %s order\n", order == VOCAB_ORDER_COUNT ? "count" : "first-appearance");
    rc = CLI_EXIT_OK;
    if (vocab_file_write(out, &vocab, counts, ids, n, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        rc = CLI_EXIT_RUNTIME;
    } else {
        printf("wrote %s\n", out);
    }
    free(ids);
    free(counts);
    vocab_free(&vocab);
    return rc;
}
