/*
 * cmd_eval.c — `dlfs2 eval`, `dlfs2 similar` and `dlfs2 analogy`: the
 * textbook's ch04/eval.py and the printing of common/util.py's
 * most_similar and analogy, over word vectors in either of word2vec's
 * formats, text or binary (datasets/vectors.h vectors_load), instead of
 * cbow_params.pkl.
 *
 * Output, as the textbook prints it:
 *
 *     [query] you
 *      we: 0.610597
 *     ...
 *     [analogy] king:man = queen:?
 *      woman: 5.0135
 *
 * each block preceded by an empty line. Scores are printed with the fewest
 * digits that read back as the same float32, as NumPy prints a float32.
 *
 * `similar` without WORD and `analogy` without A B C read their queries
 * from stdin, one per line, and answer each in the same format; an unknown
 * word or a line with the wrong number of words prints its one-line
 * message and the next line is read. The exit status at the end of input
 * is 0 if every query was answered, 1 otherwise.
 *
 * `similar --model FILE` and `analogy --model FILE` read a subword model
 * (recipe/subword_model.h) instead of --vectors: the candidates are the
 * vocabulary's words, each with the mean of its rows (its own and its
 * n-grams'), and a query word outside the vocabulary gets the mean of its
 * n-grams' rows (fastText's getWordVector), announced by a line
 *
 *     (WORD is not in the vocabulary: its vector is the mean of N n-gram rows)
 *
 * after the block's first line. A query word with no row at all is an
 * error as an unknown word is.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/check.h"
#include "common/tensor.h"
#include "common/util.h"
#include "common/vocab.h"
#include "datasets/vectors.h"
#include "layers/subword_embedding.h"
#include "recipe/subword_model.h"

#define DEFAULT_VECTORS "out/vectors.txt"
#define DEFAULT_TOP 5
#define MAX_TOP 1000000

/* ch04/eval.py's questions. */
static const char *const eval_queries[] = {"you", "year", "car", "toyota"};
static const char *const eval_analogies[][3] = {
    {"king", "man", "queen"},
    {"take", "took", "go"},
    {"car", "cars", "child"},
    {"good", "better", "bad"},
};

typedef struct EvalOptions {
    const char *vectors;    /* --vectors FILE */
    const char *model;      /* --model FILE (similar, analogy), NULL: none */
    int top;                /* --top N */
    const char *words[3];   /* the positional words */
    size_t n_words;
} EvalOptions;

/* Loaded word vectors. */
typedef struct WordVectors {
    const char *path;
    Vocab vocab;
    Tensor W;               /* (V, H) float32, row i = vocab word i */
    SimilarWord *answers;   /* (top,) scratch for most_similar / analogy */
    int top;                /* min(--top, V) */
    bool has_model;         /* read from --model: the fields below are set */
    SubwordModel model;     /* its vocab moved into vocab above */
} WordVectors;

/* A query word, resolved: a vocabulary word (id >= 0), or with --model an unseen word's vector. */
typedef struct Query {
    const char *word;       /* the vocabulary's spelling, or the word as given */
    int32_t id;             /* vocabulary id, -1 for an unseen word */
    float *vec;             /* (H,) owned, unseen words only */
    int n_rows;             /* rows averaged into vec */
} Query;

enum { OPT_VECTORS = CLI_OPT_LONG_BASE, OPT_TOP, OPT_MODEL };

static const struct option eval_options[] = {
    {"vectors", required_argument, NULL, OPT_VECTORS},
    {"model", required_argument, NULL, OPT_MODEL},
    {"top", required_argument, NULL, OPT_TOP},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define VECTORS_HELP \
    "  --vectors FILE   word vectors in word2vec text or binary format (" DEFAULT_VECTORS ")\n"
#define TOP_HELP                                                    \
    "  --top N          how many answers to print (5)\n"            \
    "  -h, --help       show this help\n"
#define VECTOR_OPTIONS_HELP VECTORS_HELP TOP_HELP

#define MODEL_OPTION_HELP                                                                   \
    "  --model FILE     a subword model (dlfs2 train --subwords) instead of --vectors: a\n"    \
    "                   word outside the vocabulary gets the mean of its n-gram rows\n"

void usage_eval(void)
{
    fputs("Usage: dlfs2 eval [OPTIONS]\n"
          "\n"
          "The textbook's ch04/eval.py: the words most similar to you, year, car, toyota,\n"
          "then the analogies king:man = queen:?, take:took = go:?, car:cars = child:?,\n"
          "good:better = bad:?. A word missing from the vocabulary prints 'WORD is not found'.\n"
          "\n"
          "Options:\n" VECTORS_HELP
          "  --model FILE     a subword model (dlfs2 train --subwords) instead of --vectors: the\n"
          "                   vocabulary's words with the mean of their rows\n" TOP_HELP,
          stdout);
}

void usage_similar(void)
{
    fputs("Usage: dlfs2 similar [WORD] [OPTIONS]\n"
          "\n"
          "Prints the words whose vectors have the highest cosine similarity to WORD's\n"
          "(common/util.py most_similar).\n"
          "\n"
          "Without WORD, reads one word per line from standard input and answers each the\n"
          "same way; an unknown word prints its message and the next line is read. The\n"
          "exit status at the end of input is 0 if every query was answered, else 1.\n"
          "\n"
          "Options:\n" VECTORS_HELP MODEL_OPTION_HELP TOP_HELP,
          stdout);
}

void usage_analogy(void)
{
    fputs("Usage: dlfs2 analogy [A B C] [OPTIONS]\n"
          "\n"
          "Answers \"A is to B as C is to ?\": the words closest to normalize(B - A + C)\n"
          "by dot product (common/util.py analogy).\n"
          "\n"
          "Without A B C, reads three words per line from standard input and answers each\n"
          "the same way; an unknown word prints its message and the next line is read. The\n"
          "exit status at the end of input is 0 if every query was answered, else 1.\n"
          "\n"
          "Options:\n" VECTORS_HELP MODEL_OPTION_HELP TOP_HELP,
          stdout);
}

/* Adds a positional word to o. Returns 0 or CLI_EXIT_USAGE when there are too many. */
static int add_word(const char *cmd, EvalOptions *o, size_t n_words, const char *word)
{
    if (o->n_words >= n_words) {
        cli_error("%s: unexpected argument '%s' (see 'dlfs2 %s --help')", cmd, word, cmd);
        return CLI_EXIT_USAGE;
    }
    o->words[o->n_words++] = word;
    return 0;
}

/*
 * Parses the options of subcommand cmd, which takes exactly n_words words,
 * or none when or_none (the queries then come from stdin). Returns -1 after
 * printing the help (exit 0), 0 to go on, or CLI_EXIT_USAGE.
 */
static int parse_eval_args(const char *cmd, void (*usage)(void), size_t n_words, bool or_none,
                           int argc, char **argv, EvalOptions *o)
{
    *o = (EvalOptions){.vectors = DEFAULT_VECTORS, .top = DEFAULT_TOP};
    opterr = 0;
    int c, rc = 0;
    bool vectors_given = false;
    while (rc == 0 && (c = getopt_long(argc, argv, "-:h", eval_options, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return -1;
        case OPT_VECTORS: o->vectors = optarg; vectors_given = true; break;
        case OPT_MODEL: o->model = optarg; break;
        case OPT_TOP: rc = cli_parse_int("--top", optarg, 1, MAX_TOP, &o->top); break;
        case 1: rc = add_word(cmd, o, n_words, optarg); break;
        default: return cli_getopt_error(cmd, c, argv);
        }
    }
    for (; rc == 0 && optind < argc; optind++) rc = add_word(cmd, o, n_words, argv[optind]);
    if (rc == 0 && vectors_given && o->model) {
        cli_error("%s: --vectors and --model name two sources: give one (see 'dlfs2 %s --help')",
                  cmd, cmd);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0 && o->n_words < n_words && !(or_none && o->n_words == 0)) {
        cli_error("%s: expected %zu word%s, got %zu (see 'dlfs2 %s --help')", cmd, n_words,
                  n_words == 1 ? "" : "s", o->n_words, cmd);
        rc = CLI_EXIT_USAGE;
    }
    return rc;
}

/* Reads the vectors file into wv. Prints why on failure; returns an exit status. */
static int load_vectors(const EvalOptions *o, WordVectors *wv)
{
    DlfsError err = {0};
    *wv = (WordVectors){.path = o->model ? o->model : o->vectors};
    vocab_init(&wv->vocab);
    if (o->model) {
        if (subword_model_load(&wv->model, o->model, &err) != DLFS_OK) {
            cli_error("%s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        wv->has_model = true;
        /* the candidates: every vocabulary word's vector, the mean of its rows */
        const SubwordModel *m = &wv->model;
        tensor_init_2d(&wv->W, m->vocab.size, m->H);
        for (int32_t id = 0; id < m->vocab.size; id++)
            (void)subword_model_vector(m, vocab_word(&m->vocab, id), wv->W.data + (size_t)id * m->H);
        vocab_free(&wv->vocab);
        wv->vocab = wv->model.vocab;
        memset(&wv->model.vocab, 0, sizeof wv->model.vocab);
    } else if (vectors_load(o->vectors, &wv->vocab, &wv->W, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    wv->top = o->top < wv->vocab.size ? o->top : (int)wv->vocab.size;
    wv->answers = dlfs_malloc((size_t)(wv->top > 0 ? wv->top : 1) * sizeof *wv->answers);
    return CLI_EXIT_OK;
}

static void word_vectors_free(WordVectors *wv)
{
    free(wv->answers);
    wv->answers = NULL;
    tensor_free(&wv->W);
    vocab_free(&wv->vocab);
    if (wv->has_model) subword_model_free(&wv->model);
}

/* Writes x with the fewest significant digits that read back as the same float32. */
static void format_score(float x, char *buf, size_t size)
{
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, size, "%.*g", digits, (double)x);
        if (strtof(buf, NULL) == x) break;
    }
    if (strpbrk(buf, ".eni") == NULL && strlen(buf) + 3 <= size) strcat(buf, ".0");
}

static void print_answers(const WordVectors *wv, int n)
{
    char score[32];
    for (int i = 0; i < n; i++) {
        format_score(wv->answers[i].similarity, score, sizeof score);
        printf(" %s: %s\n", vocab_word(&wv->vocab, wv->answers[i].id), score);
    }
}

/* most_similar for a word known to be in the vocabulary, printed as util.py does. */
static void print_similar(WordVectors *wv, const char *query)
{
    printf("\n[query] %s\n", query);
    int n = most_similar(query, &wv->vocab, wv->W.data, wv->W.shape[0], wv->W.shape[1], wv->top,
                         wv->answers, NULL);
    if (n > 0) print_answers(wv, n);
}

/* analogy for three words known to be in the vocabulary, printed as util.py does. */
static void print_analogy(WordVectors *wv, const char *a, const char *b, const char *c)
{
    printf("\n[analogy] %s:%s = %s:?\n", a, b, c);
    int n = analogy(a, b, c, &wv->vocab, wv->W.data, wv->W.shape[0], wv->W.shape[1], wv->top,
                    wv->answers, NULL);
    if (n > 0) print_answers(wv, n);
}

/* The note under a block's first line for a query word outside the vocabulary (--model). */
static void print_unseen(const Query *q)
{
    if (q->id < 0)
        printf("(%s is not in the vocabulary: its vector is the mean of %d n-gram row%s)\n", q->word,
               q->n_rows, q->n_rows == 1 ? "" : "s");
}

/* The vector of a resolved query: its row, or the unseen word's own. */
static const float *query_vec(const WordVectors *wv, const Query *q)
{
    return q->id >= 0 ? wv->W.data + (size_t)q->id * wv->W.shape[1] : q->vec;
}

/* print_similar for a resolved query, which may be an unseen word (--model). */
static void print_similar_query(WordVectors *wv, const Query *q)
{
    if (q->id >= 0) {
        print_similar(wv, q->word);
        return;
    }
    printf("\n[query] %s\n", q->word);
    print_unseen(q);
    int n = most_similar_vector(q->vec, -1, wv->W.data, wv->W.shape[0], wv->W.shape[1], wv->top,
                                wv->answers);
    if (n > 0) print_answers(wv, n);
}

/* print_analogy for resolved queries, any of which may be an unseen word (--model). */
static void print_analogy_query(WordVectors *wv, const Query q[3])
{
    if (q[0].id >= 0 && q[1].id >= 0 && q[2].id >= 0) {
        print_analogy(wv, q[0].word, q[1].word, q[2].word);
        return;
    }
    printf("\n[analogy] %s:%s = %s:?\n", q[0].word, q[1].word, q[2].word);
    for (int k = 0; k < 3; k++) print_unseen(&q[k]);
    const int32_t exclude[3] = {q[0].id, q[1].id, q[2].id};
    int n = analogy_vectors(query_vec(wv, &q[0]), query_vec(wv, &q[1]), query_vec(wv, &q[2]),
                            exclude, wv->W.data, wv->W.shape[0], wv->W.shape[1], wv->top,
                            wv->answers);
    if (n > 0) print_answers(wv, n);
}

/*
 * The vocabulary's spelling of word: word itself, else its ASCII lower-case
 * form (PTB is lower-case). NULL, after printing why, when neither is known.
 */
static const char *vocab_spelling(const WordVectors *wv, const char *word)
{
    int32_t id = vocab_get(&wv->vocab, word);
    if (id < 0) {
        char *lower = dlfs_malloc(strlen(word) + 1);
        for (size_t i = 0; (lower[i] = (char)tolower((unsigned char)word[i])) != '\0'; i++) {}
        id = vocab_get(&wv->vocab, lower);
        free(lower);
    }
    return id < 0 ? NULL : vocab_word(&wv->vocab, id);
}

/*
 * Resolves word into q: a vocabulary word (vocab_spelling), else with
 * --model the word as given with the mean of its n-grams' rows. Returns
 * false, after printing why, when it has neither.
 */
static bool resolve_query(const WordVectors *wv, const char *word, Query *q)
{
    *q = (Query){.word = vocab_spelling(wv, word), .id = -1};
    if (q->word) {
        q->id = vocab_get(&wv->vocab, q->word);
        return true;
    }
    if (!wv->has_model) {
        cli_error("'%s' is not in the vocabulary (%d words in %s)", word, (int)wv->vocab.size,
                  wv->path);
        return false;
    }
    q->word = word;
    q->vec = dlfs_malloc((size_t)wv->model.H * sizeof *q->vec);
    q->n_rows = subword_word_vector(&wv->model.table, &wv->vocab, wv->model.W, wv->model.H, word,
                                    q->vec);
    if (q->n_rows == 0) {
        cli_error("'%s' is not in the vocabulary and has no n-gram in the model %s", word,
                  wv->path);
        free(q->vec);
        q->vec = NULL;
        return false;
    }
    return true;
}

static void query_free(Query *q)
{
    free(q->vec);
    q->vec = NULL;
}

/* ch04/eval.py: unknown words print "WORD is not found" and are skipped. */
static void run_eval(WordVectors *wv)
{
    for (size_t i = 0; i < sizeof eval_queries / sizeof eval_queries[0]; i++) {
        if (vocab_get(&wv->vocab, eval_queries[i]) < 0)
            printf("%s is not found\n", eval_queries[i]);
        else
            print_similar(wv, eval_queries[i]);
    }
    printf("--------------------------------------------------\n");
    for (size_t i = 0; i < sizeof eval_analogies / sizeof eval_analogies[0]; i++) {
        const char *const *q = eval_analogies[i];
        int missing = -1;
        for (int k = 2; k >= 0; k--)
            if (vocab_get(&wv->vocab, q[k]) < 0) missing = k;
        if (missing >= 0)
            printf("%s is not found\n", q[missing]);
        else
            print_analogy(wv, q[0], q[1], q[2]);
    }
}

/*
 * Answers the queries on stdin, n_words words a line (blank lines are
 * skipped), each as the one-shot form does: print_similar for one word,
 * print_analogy for three. An unknown word or a line with another number
 * of words prints one message and the next line is read. prompt goes to
 * stderr before each line when stdin is a terminal. Returns CLI_EXIT_OK if
 * every query was answered, else CLI_EXIT_RUNTIME.
 */
static int run_stdin_queries(WordVectors *wv, const char *cmd, size_t n_words, const char *prompt)
{
    const bool tty = isatty(STDIN_FILENO);
    int rc = CLI_EXIT_OK;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    for (;;) {
        if (tty) {
            fputs(prompt, stderr);
            fflush(stderr);
        }
        if (getline(&line, &cap, stdin) < 0) break;
        lineno++;
        const char *words[3] = {NULL, NULL, NULL};
        size_t n = 0;
        char *save = NULL;
        for (char *w = strtok_r(line, " \t\r\n\v\f", &save); w; w = strtok_r(NULL, " \t\r\n\v\f", &save)) {
            if (n < 3) words[n] = w;
            n++;
        }
        if (n == 0) continue;
        if (n != n_words) {
            cli_error("%s: line %ld: expected %zu word%s, got %zu", cmd, lineno, n_words,
                      n_words == 1 ? "" : "s", n);
            rc = CLI_EXIT_RUNTIME;
            continue;
        }
        Query q[3] = {{0}, {0}, {0}};
        bool known = true;
        for (size_t k = 0; k < n_words && known; k++) known = resolve_query(wv, words[k], &q[k]);
        if (known && n_words == 1)
            print_similar_query(wv, &q[0]);
        else if (known)
            print_analogy_query(wv, q);
        for (size_t k = 0; k < n_words; k++) query_free(&q[k]);
        if (!known) rc = CLI_EXIT_RUNTIME;
    }
    if (ferror(stdin)) {
        cli_error("%s: cannot read standard input: %s", cmd, strerror(errno));
        rc = CLI_EXIT_RUNTIME;
    }
    if (tty) fputc('\n', stderr);
    free(line);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    EvalOptions o;
    WordVectors wv;
    int rc = parse_eval_args("eval", usage_eval, 0, false, argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    rc = load_vectors(&o, &wv);
    if (rc == CLI_EXIT_OK) run_eval(&wv);
    word_vectors_free(&wv);
    return rc;
}

int cmd_similar(int argc, char **argv)
{
    EvalOptions o;
    WordVectors wv;
    int rc = parse_eval_args("similar", usage_similar, 1, true, argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    rc = load_vectors(&o, &wv);
    if (rc == CLI_EXIT_OK && o.n_words == 0) {
        rc = run_stdin_queries(&wv, "similar", 1, "word> ");
        word_vectors_free(&wv);
        return rc;
    }
    Query q = {0};
    if (rc == CLI_EXIT_OK && resolve_query(&wv, o.words[0], &q))
        print_similar_query(&wv, &q);
    else if (rc == CLI_EXIT_OK)
        rc = CLI_EXIT_RUNTIME;
    query_free(&q);
    word_vectors_free(&wv);
    return rc;
}

int cmd_analogy(int argc, char **argv)
{
    EvalOptions o;
    WordVectors wv;
    int rc = parse_eval_args("analogy", usage_analogy, 3, true, argc, argv, &o);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    rc = load_vectors(&o, &wv);
    if (rc == CLI_EXIT_OK && o.n_words == 0) {
        rc = run_stdin_queries(&wv, "analogy", 3, "a b c> ");
        word_vectors_free(&wv);
        return rc;
    }
    Query q[3] = {{0}, {0}, {0}};
    for (int k = 0; k < 3 && rc == CLI_EXIT_OK; k++)
        if (!resolve_query(&wv, o.words[k], &q[k])) rc = CLI_EXIT_RUNTIME;
    if (rc == CLI_EXIT_OK) print_analogy_query(&wv, q);
    for (int k = 0; k < 3; k++) query_free(&q[k]);
    word_vectors_free(&wv);
    return rc;
}
