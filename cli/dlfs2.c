/*
 * dlfs2.c — the dlfs2 program: subcommand dispatch and the option helpers
 * its subcommands share.
 *
 *     dlfs2 train    ch04/train.py: train CBOW or skip-gram (cli/cmd_train.c)
 *     dlfs2 eval     ch04/eval.py: similar words and analogies (cli/cmd_eval.c)
 *     dlfs2 similar  common/util.py most_similar for one word, or one per line of stdin
 *     dlfs2 analogy  common/util.py analogy for one question, or one per line of stdin
 *     dlfs2 accuracy the Google analogy test (cli/cmd_benchmark.c)
 *     dlfs2 wordsim  word-pair similarity: Spearman's rho (WordSim-353)
 *     dlfs2 convert  word vectors from word2vec's text format to binary or back
 *     dlfs2 gradcheck  numerical against analytic gradients of every layer and model
 *     dlfs2 compare  softmax vs negative sampling vs hierarchical softmax (cli/cmd_compare.c)
 *     dlfs2 bench    where the time of a training iteration goes (cli/cmd_bench.c)
 *     dlfs2 fetch    download PTB and the evaluation sets into the data folder (cli/cmd_fetch.c)
 *     dlfs2 plot-words  a word map: vectors onto 2 principal components (cli/cmd_plot_words.c)
 *     dlfs2 vector   the vector of any word from a subword model file (cli/cmd_vector.c)
 *
 * Exit status: 0 ok, 1 runtime error, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/threads.h"

typedef struct Command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*usage)(void);
} Command;

static const Command commands[] = {
    {"train", cmd_train, usage_train},
    {"eval", cmd_eval, usage_eval},
    {"similar", cmd_similar, usage_similar},
    {"analogy", cmd_analogy, usage_analogy},
    {"accuracy", cmd_accuracy, usage_accuracy},
    {"wordsim", cmd_wordsim, usage_wordsim},
    {"convert", cmd_convert, usage_convert},
    {"gradcheck", cmd_gradcheck, usage_gradcheck},
    {"compare", cmd_compare, usage_compare},
    {"bench", cmd_bench, usage_bench},
    {"fetch", cmd_fetch, usage_fetch},
    {"plot-words", cmd_plot_words, usage_plot_words},
    {"vocab", cmd_vocab, usage_vocab},
    {"vector", cmd_vector, usage_vector},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static void usage_main(void)
{
    fputs("Usage: dlfs2 COMMAND [OPTIONS]\n"
          "\n"
          "word2vec with negative sampling, after chapter 4 of \"Deep Learning from Scratch 2\".\n"
          "\n"
          "Commands:\n"
          "  train     train CBOW or skip-gram word vectors on PTB or a text file (ch04/train.py)\n"
          "  eval      the textbook's ch04/eval.py: similar words and analogies\n"
          "  similar   the words most similar to WORD\n"
          "  analogy   answer A:B = C:?\n"
          "  accuracy  the Google analogy test: accuracy on questions-words.txt\n"
          "  wordsim   word similarity: Spearman's rho on WordSim-353-style pairs\n"
          "  convert   word vectors from word2vec's text format to binary, or back\n"
          "  gradcheck check every layer's and model's backward against numerical gradients\n"
          "  compare   softmax vs negative sampling vs hierarchical softmax: time, loss, quality\n"
          "  bench     time each part of a training iteration; bandwidth, sgemm and gensim\n"
          "  fetch     download PTB (ptb) and the evaluation sets (eval) into the data folder\n"
          "  plot-words  a word map: the vectors of chosen words in 2-D (PCA), drawn with labels\n"
          "  vocab     the vocabulary pass: count a corpus's words into a vocabulary file\n"
          "  vector    the vectors of words, seen in training or not, from a subword model\n"
          "  help      show this help, or `dlfs2 help COMMAND` for a command's\n"
          "\n"
          "Run 'dlfs2 COMMAND --help' for the options of a command.\n"
          "Exit status: 0 ok, 1 runtime error, 2 usage error.\n",
          stdout);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dlfs2: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_getopt_error(const char *cmd, int c, char **argv)
{
    /* A long option has been stepped over (optind is past it). optopt is
     * 0 for an unknown long option, the option's value for a long option
     * given "=VALUE" it does not take ('h' or >= CLI_OPT_LONG_BASE), and
     * the letter for an unknown letter option ('h' is the only one). */
    const char *arg = optind > 0 ? argv[optind - 1] : "?";
    if (c == ':')
        cli_error("%s: option '%s' needs a value (see 'dlfs2 %s --help')", cmd, arg, cmd);
    else if (optopt > 0 && optopt < CLI_OPT_LONG_BASE && optopt != 'h')
        cli_error("%s: unknown option '-%c' (see 'dlfs2 %s --help')", cmd, optopt, cmd);
    else if (optopt != 0)
        cli_error("%s: option '%.*s' takes no value (see 'dlfs2 %s --help')", cmd,
                  (int)strcspn(arg, "="), arg, cmd);
    else
        cli_error("%s: unknown or ambiguous option '%s' (see 'dlfs2 %s --help')", cmd, arg, cmd);
    return CLI_EXIT_USAGE;
}

/* The text must be non-empty and must not start with white space (strtol would skip it). */
static int is_blank_start(const char *text)
{
    return text[0] == '\0' || strchr(" \t\n\v\f\r", text[0]) != NULL;
}

int cli_parse_long(const char *name, const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = is_blank_start(text) ? 0 : strtol(text, &end, 10);
    if (is_blank_start(text) || *end != '\0' || errno == ERANGE || value < min || value > max) {
        cli_error("%s: expected an integer in [%ld, %ld], got '%s'", name, min, max, text);
        return CLI_EXIT_USAGE;
    }
    *out = value;
    return 0;
}

int cli_parse_int(const char *name, const char *text, int min, int max, int *out)
{
    long value;
    int rc = cli_parse_long(name, text, min, max, &value);
    if (rc == 0) *out = (int)value;
    return rc;
}

int cli_parse_u64(const char *name, const char *text, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    int bad = is_blank_start(text) || text[0] == '-' || text[0] == '+';
    unsigned long long value = bad ? 0 : strtoull(text, &end, 10);
    if (bad || *end != '\0' || errno == ERANGE) {
        cli_error("%s: expected an integer in [0, %llu], got '%s'", name,
                  (unsigned long long)UINT64_MAX, text);
        return CLI_EXIT_USAGE;
    }
    *out = (uint64_t)value;
    return 0;
}

int cli_parse_double(const char *name, const char *text, double min, int min_exclusive,
                     double max, double *out)
{
    char *end = NULL;
    int ok = !is_blank_start(text);
    double value = ok ? strtod(text, &end) : 0.0;
    ok = ok && *end == '\0' && isfinite(value) && value <= max &&
         (min_exclusive ? value > min : value >= min);
    if (!ok) {
        cli_error("%s: expected a number in %c%g, %g], got '%s'", name,
                  min_exclusive ? '(' : '[', min, max, text);
        return CLI_EXIT_USAGE;
    }
    *out = value;
    return 0;
}

static const Command *find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

/* `dlfs2 help [COMMAND]`. */
static int run_help(int argc, char **argv)
{
    if (argc < 3) {
        usage_main();
        return CLI_EXIT_OK;
    }
    const Command *cmd = find_command(argv[2]);
    if (!cmd) {
        cli_error("help: unknown command '%s' (see 'dlfs2 --help')", argv[2]);
        return CLI_EXIT_USAGE;
    }
    cmd->usage();
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    /* Progress lines appear as they are printed, also through a pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        cli_error("no command given (see 'dlfs2 --help')");
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage_main();
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) return run_help(argc, argv);
    const Command *cmd = find_command(name);
    if (!cmd) {
        if (name[0] == '-')
            cli_error("unknown option '%s' (see 'dlfs2 --help')", name);
        else
            cli_error("unknown command '%s' (see 'dlfs2 --help')", name);
        return CLI_EXIT_USAGE;
    }
    /* every command runs on the CPUs this process may use (common/threads.h);
     * those that take --threads set their own */
    threads_use_fixed(threads_default());
    int rc = cmd->run(argc - 1, argv + 1);
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CLI_EXIT_OK) {
        cli_error("cannot write to standard output");
        rc = CLI_EXIT_RUNTIME;
    }
    return rc;
}
