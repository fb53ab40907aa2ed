/*
 * cli.h — declarations shared by the files of the dlfs2 program: the
 * subcommands (cli/cmd_train.c, cli/cmd_eval.c, cli/cmd_benchmark.c,
 * cli/cmd_convert.c, cli/cmd_gradcheck.c, cli/cmd_compare.c, cli/cmd_bench.c,
 * cli/cmd_fetch.c, cli/cmd_plot_words.c, cli/cmd_vector.c) and the
 * option helpers in cli/dlfs2.c.
 *
 * Every subcommand takes (argc, argv) with argv[0] the subcommand's name and
 * returns the process exit status: CLI_EXIT_OK, CLI_EXIT_RUNTIME (a file,
 * a word, the data or the numbers went wrong) or CLI_EXIT_USAGE (the command
 * line is wrong). Messages go to stderr as one line starting "dlfs2: ".
 */
#ifndef DLFS2_CLI_CLI_H
#define DLFS2_CLI_CLI_H

#include <stdint.h>

#include "common/status.h"

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_RUNTIME = 1,
    CLI_EXIT_USAGE = 2,
};

/* Value codes of long options that have no one-letter form (above any char). */
enum { CLI_OPT_LONG_BASE = 0x100 };

/* Largest --threads any command accepts. */
enum { CLI_MAX_THREADS = 1024 };

/* The subcommands. */
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_similar(int argc, char **argv);
int cmd_analogy(int argc, char **argv);
int cmd_accuracy(int argc, char **argv);
int cmd_wordsim(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_gradcheck(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_plot_words(int argc, char **argv);
int cmd_vocab(int argc, char **argv);
int cmd_vector(int argc, char **argv);

/* Their usage texts, printed to stdout by --help and by `dlfs2 help CMD`. */
void usage_train(void);
void usage_eval(void);
void usage_similar(void);
void usage_analogy(void);
void usage_accuracy(void);
void usage_wordsim(void);
void usage_convert(void);
void usage_gradcheck(void);
void usage_compare(void);
void usage_bench(void);
void usage_fetch(void);
void usage_plot_words(void);
void usage_vocab(void);
void usage_vector(void);

/* Prints "dlfs2: <message>\n" to stderr. */
void cli_error(const char *fmt, ...) DLFS_PRINTF(1, 2);

/*
 * Reports a getopt_long failure (c is '?' or ':') of subcommand cmd on
 * stderr, naming the offending argument argv[optind - 1]. Returns
 * CLI_EXIT_USAGE.
 */
int cli_getopt_error(const char *cmd, int c, char **argv);

/*
 * Strict number parsing for option `name` (e.g. "--window"): the whole of
 * text must be the number, within [min, max]. On success stores it in *out
 * and returns 0; otherwise prints why and returns CLI_EXIT_USAGE.
 */
int cli_parse_long(const char *name, const char *text, long min, long max, long *out);
int cli_parse_int(const char *name, const char *text, int min, int max, int *out);
int cli_parse_u64(const char *name, const char *text, uint64_t *out);
/* As above for a finite double; min_exclusive makes the range (min, max]. */
int cli_parse_double(const char *name, const char *text, double min, int min_exclusive,
                     double max, double *out);

#endif
