/*
 * test_evaluation.c — the word-vector benchmarks (evaluation/): the
 * case-insensitive vocabulary view, the Google analogy test by 3CosAdd
 * (evaluation/analogy.h) and word-pair similarity by Spearman's rho
 * (evaluation/wordsim.h).
 *
 * The vectors are 2-D, so cos(w, q) is the cosine of the angle between
 * them and 3CosAdd picks, among the words not excluded, the one whose
 * direction is nearest the query's. Every expected answer is worked out
 * below from the angles. The question and pair files are written into a
 * fresh temporary directory per test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/status.h"
#include "common/vocab.h"
#include "evaluation/analogy.h"
#include "evaluation/lower_vocab.h"
#include "evaluation/wordsim.h"
#include "tests/testutil.h"

#define PI 3.14159265358979323846

/* ---- fixture: a temporary directory holding q.txt and p.txt ---------------- */

/* Writes text to the fixture's directory as name; returns its path (test_tmpdir_path's buffer). */
static const char *write_file(const TestTmpdir *f, const char *name, const char *text)
{
    const char *path = test_tmpdir_path(f, name);
    test_write_file(path, text, strlen(text));
    return path;
}

/* ---- toy vocabularies --------------------------------------------------------- */

#define MAX_WORDS 16

/* A vocabulary of 2-D vectors, each given by its angle in degrees and its length. */
typedef struct Toy {
    Vocab vocab;
    float W[MAX_WORDS * 2];  /* (V, 2) */
    int V;
} Toy;

typedef struct ToyWord {
    const char *word;
    double degrees;
    double length;
} ToyWord;

static void toy_init(Toy *t, const ToyWord *words, int V)
{
    assert_true(V <= MAX_WORDS);
    vocab_init(&t->vocab);
    t->V = V;
    for (int i = 0; i < V; i++) {
        assert_int_equal(vocab_add(&t->vocab, words[i].word), i);
        t->W[2 * i] = (float)(words[i].length * cos(words[i].degrees * PI / 180.0));
        t->W[2 * i + 1] = (float)(words[i].length * sin(words[i].degrees * PI / 180.0));
    }
}

static void toy_free(Toy *t)
{
    vocab_free(&t->vocab);
}

/*
 * The capitals: directions paris 0°, rome 30°, germany 60°, france 90°,
 * italy 110°, berlin 150°. paris and france are not unit length (3 and 2)
 * and rome is 0.5, so that only the normalised 3CosAdd of word2vec.c and
 * gensim gives the answers below:
 *
 * paris:france = rome:?  b̂ − â + ĉ = (0,1) − (1,0) + (0.866,0.5) = (−0.134, 1.5),
 *   at 95.1°. Nearest: france (5.1°) and rome, paris are excluded (b, c, a);
 *   then italy (14.9°), germany (35.1°), berlin (54.9°). Answer: italy.
 *   Unnormalised, (0,2) − (3,0) + (0.433,0.25) = (−2.567, 2.25) is at 138.8°,
 *   which would give berlin (11.2°).
 * rome:paris = germany:?  paris + germany − rome is at 30°, exactly rome's
 *   direction: a would win. Without a, b = paris, c = germany: france (60°
 *   away), italy (80°), berlin (120°). Answer: france.
 * germany:germany = italy:?  the query is italy itself (110°): c would
 *   win. Without germany and italy: france (20° away), berlin (40°).
 *   Answer: france.
 */
static const ToyWord capitals[] = {
    {"paris", 0.0, 3.0},    {"france", 90.0, 2.0}, {"rome", 30.0, 0.5},
    {"italy", 110.0, 1.0},  {"germany", 60.0, 1.0}, {"berlin", 150.0, 1.0},
};
enum { N_CAPITALS = sizeof capitals / sizeof capitals[0] };

/* Runs the one-question file ": s\n<question>\n" and returns 1 if it is answered correctly. */
static int answered(TestTmpdir *f, const Toy *t, const char *question)
{
    char text[256];
    snprintf(text, sizeof text, ": s\n%s\n", question);
    const char *path = write_file(f, "q.txt", text);
    AnalogyResult r;
    analogy_result_init(&r);
    DlfsError err = {0};
    assert_int_equal(analogy_accuracy(&r, path, &t->vocab, t->W, t->V, 2, 0, &err), DLFS_OK);
    assert_int_equal(r.n_sections, 1);
    assert_int_equal(r.sections[0].covered, 1);
    const int correct = (int)r.sections[0].correct;
    analogy_result_free(&r);
    return correct;
}

/* ---- the case-insensitive view ------------------------------------------------ */

/* "Tiger" (0) and "tiger" (2) lower-case alike: the lowest id stands for both. */
static void test_lower_vocab_first_wins(void **state)
{
    (void)state;
    const char *words[] = {"Tiger", "cat", "tiger", "TIGER", "ÉTÉ"};
    Vocab v;
    vocab_init(&v);
    for (int i = 0; i < 5; i++) vocab_add(&v, words[i]);
    LowerVocab lv;
    lower_vocab_init(&lv, &v);
    vocab_free(&v);  /* the view keeps its own copy */

    assert_int_equal(lv.lower.size, 3);  /* tiger, cat, Été-as-is */
    assert_int_equal(lower_vocab_get(&lv, "tiger"), 0);
    assert_int_equal(lower_vocab_get(&lv, "TiGeR"), 0);
    assert_int_equal(lower_vocab_get(&lv, "CAT"), 1);
    assert_int_equal(lower_vocab_get(&lv, "dog"), -1);
    /* only ASCII letters are folded: "ÉTÉ" matches "\xc3\x89t\xc3\x89", not "été" */
    assert_int_equal(lower_vocab_get(&lv, "\xc3\x89t\xc3\x89"), 4);
    assert_int_equal(lower_vocab_get(&lv, "\xc3\xa9t\xc3\xa9"), -1);
    /* the variants of "tiger": 0 -> 2 -> 3 */
    assert_int_equal(lv.canon[0], 0);
    assert_int_equal(lv.canon[2], 0);
    assert_int_equal(lv.canon[3], 0);
    assert_int_equal(lv.canon[1], 1);
    assert_int_equal(lv.next_variant[0], 2);
    assert_int_equal(lv.next_variant[2], 3);
    assert_int_equal(lv.next_variant[3], -1);
    assert_int_equal(lv.next_variant[1], -1);
    lower_vocab_free(&lv);
}

/* ---- analogy: single questions ---------------------------------------------------- */

static void test_analogy_3cosadd_on_unit_vectors(void **state)
{
    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    /* italy, not berlin: the rows are normalised first (see capitals) */
    assert_int_equal(answered(*state, &t, "paris france rome italy"), 1);
    assert_int_equal(answered(*state, &t, "paris france rome berlin"), 0);
    assert_int_equal(answered(*state, &t, "paris france rome germany"), 0);
    toy_free(&t);
}

static void test_analogy_excludes_a_b_c(void **state)
{
    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    /* b (france) would win paris:france = rome:? */
    assert_int_equal(answered(*state, &t, "paris france rome france"), 0);
    /* a (rome) lies exactly on the query of rome:paris = germany:? */
    assert_int_equal(answered(*state, &t, "rome paris germany rome"), 0);
    assert_int_equal(answered(*state, &t, "rome paris germany france"), 1);
    /* c (italy) is the query of germany:germany = italy:? */
    assert_int_equal(answered(*state, &t, "germany germany italy italy"), 0);
    assert_int_equal(answered(*state, &t, "germany germany italy france"), 1);
    toy_free(&t);
}

/* Question words are matched case-insensitively against a lower-case vocabulary. */
static void test_analogy_mixed_case_questions(void **state)
{
    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    assert_int_equal(answered(*state, &t, "Paris France Rome Italy"), 1);
    assert_int_equal(answered(*state, &t, "PARIS france rOME ITALY"), 1);
    assert_int_equal(answered(*state, &t, "Rome Paris Germany France"), 1);
    toy_free(&t);
}

/*
 * A vocabulary with case variants, as gensim treats it:
 *   0 Paris 0°, 1 france 90°, 2 rome 30°, 3 italy 110°, 4 germany 60°,
 *   5 paris 180°, 6 ITALY 100°, 7 FRANCE 92° (all unit length).
 * "paris" means Paris (0, the first); the query of paris:france = rome:?
 * is at 95.1° as above. Excluded: Paris, paris (a), france, FRANCE (b),
 * rome (c) — FRANCE, 3.1° away, would otherwise win. Left: ITALY (4.9°),
 * italy (14.9°), germany (35.1°): the prediction is ITALY, a case variant
 * of italy, so "... italy" is correct and "... germany" is not.
 * Had "paris" meant paris (5, 180°), the query (0,1) − (−1,0) + (0.866,0.5)
 * would lie at 38.8° and germany (21.2° away) would win instead. One
 * question per section shows which question was right.
 */
static void test_analogy_case_variants(void **state)
{
    static const ToyWord words[] = {
        {"Paris", 0.0, 1.0},  {"france", 90.0, 1.0}, {"rome", 30.0, 1.0},  {"italy", 110.0, 1.0},
        {"germany", 60.0, 1.0}, {"paris", 180.0, 1.0}, {"ITALY", 100.0, 1.0}, {"FRANCE", 92.0, 1.0},
    };
    Toy t;
    toy_init(&t, words, 8);
    const char *path = write_file(*state, "q.txt",
                                  ": s1\n"
                                  "paris france rome italy\n"
                                  ": s2\n"
                                  "PARIS France ROME germany\n");
    AnalogyResult r;
    analogy_result_init(&r);
    DlfsError err = {0};
    assert_int_equal(analogy_accuracy(&r, path, &t.vocab, t.W, t.V, 2, 0, &err), DLFS_OK);
    assert_int_equal(r.n_sections, 2);
    assert_int_equal(r.sections[0].correct, 1);
    assert_int_equal(r.sections[0].covered, 1);
    assert_int_equal(r.sections[1].correct, 0);
    assert_int_equal(r.sections[1].covered, 1);
    analogy_result_free(&r);
    toy_free(&t);
}

/* ---- analogy: a whole file ---------------------------------------------------------- */

/*
 * Two sections, answers from the capitals' comment:
 *   capital-common-countries (semantic)     gram3-comparative (syntactic)
 *     paris france rome italy     right       rome paris germany france      right
 *     Paris FRANCE Rome Italy     right       germany germany italy france   right
 *     paris france rome germany   wrong       rome paris germany italy       wrong
 *     paris france rome spain     OOV         germany germany italy berlin   wrong
 *                                             tokyo japan rome italy         OOV
 * semantic 2/3 of 4, syntactic 2/4 of 5, in all 4/7 of 9. Blank lines and
 * CRLF line ends are accepted.
 */
static void test_analogy_sections_and_totals(void **state)
{
    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    const char *path = write_file(*state, "q.txt",
                                  ": capital-common-countries\r\n"
                                  "paris france rome italy\r\n"
                                  "Paris FRANCE Rome Italy\r\n"
                                  "\r\n"
                                  "paris france rome germany\r\n"
                                  "paris france rome spain\r\n"
                                  ":  gram3-comparative \r\n"
                                  "rome paris germany france\r\n"
                                  "germany\tgermany  italy france\r\n"
                                  "rome paris germany italy\r\n"
                                  "germany germany italy berlin\r\n"
                                  "tokyo japan rome italy");
    AnalogyResult r;
    analogy_result_init(&r);
    DlfsError err = {0};
    assert_int_equal(analogy_accuracy(&r, path, &t.vocab, t.W, t.V, 2, 0, &err), DLFS_OK);
    assert_int_equal(r.n_sections, 2);
    assert_string_equal(r.sections[0].name, "capital-common-countries");
    assert_int_equal(r.sections[0].syntactic, 0);
    assert_int_equal(r.sections[0].correct, 2);
    assert_int_equal(r.sections[0].covered, 3);
    assert_int_equal(r.sections[0].total, 4);
    assert_string_equal(r.sections[1].name, "gram3-comparative");
    assert_int_equal(r.sections[1].syntactic, 1);
    assert_int_equal(r.sections[1].correct, 2);
    assert_int_equal(r.sections[1].covered, 4);
    assert_int_equal(r.sections[1].total, 5);
    assert_int_equal(r.semantic_correct, 2);
    assert_int_equal(r.semantic_covered, 3);
    assert_int_equal(r.semantic_total, 4);
    assert_int_equal(r.syntactic_correct, 2);
    assert_int_equal(r.syntactic_covered, 4);
    assert_int_equal(r.syntactic_total, 5);
    assert_int_equal(r.correct, 4);
    assert_int_equal(r.covered, 7);
    assert_int_equal(r.total, 9);
    analogy_result_free(&r);
    assert_int_equal(r.n_sections, 0);
    assert_null(r.sections);
    toy_free(&t);
}

/*
 * Nothing covered: all counts but total are 0 and the fractions are 0, not
 * NaN. Empty sections are kept; "telegrams" contains "gram" but does not
 * start with it, so it is semantic.
 */
static void test_analogy_nothing_covered(void **state)
{
    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    const char *path = write_file(*state, "q.txt", ": family\nboy girl brother sister\n: gram2-opposite\n: telegrams\n");
    AnalogyResult r;
    analogy_result_init(&r);
    DlfsError err = {0};
    assert_int_equal(analogy_accuracy(&r, path, &t.vocab, t.W, t.V, 2, 0, &err), DLFS_OK);
    assert_int_equal(r.n_sections, 3);
    assert_int_equal(r.sections[0].syntactic, 0);
    assert_int_equal(r.sections[1].syntactic, 1);
    assert_int_equal(r.sections[2].syntactic, 0);
    assert_int_equal(r.semantic_total, 1);
    assert_int_equal(r.total, 1);
    assert_int_equal(r.covered, 0);
    assert_int_equal(r.sections[1].total, 0);
    assert_true(analogy_fraction(r.correct, r.covered) == 0.0);
    assert_true(analogy_fraction(1, 4) == 0.25);
    analogy_result_free(&r);
    toy_free(&t);
}

/*
 * More questions than one sgemm chunk. 1000 questions, each in its own
 * section named for its expected outcome, cycling through
 *   paris france rome italy       right  (prediction italy)
 *   germany germany italy france  right  (france)
 *   paris france rome germany     wrong  (italy)
 *   rome paris germany france     right  (france)
 *   paris france rome spain       oov
 *   rome paris germany italy      wrong  (france)
 * so neighbouring covered questions have different predictions: a row
 * scored against the wrong question, or a chunk's tail left out, changes
 * some section. 1000 = 166 cycles + 4 (right, right, wrong, right), so
 * 166*5 + 4 = 834 covered and 166*3 + 3 = 501 right. The default chunk
 * (512, so a second, partial chunk of 322), chunks of 1, 7 and 64
 * questions (partial last chunks of 1 and 2, holding a right question) and
 * one chunk larger than the file.
 */
static void test_analogy_chunks(void **state)
{
    static const char *const cycle[][2] = {
        {"right", "paris france rome italy"},  {"right", "germany germany italy france"},
        {"wrong", "paris france rome germany"}, {"right", "rome paris germany france"},
        {"oov", "paris france rome spain"},     {"wrong", "rome paris germany italy"},
    };
    enum { N = 1000 };
    char *text = malloc(N * 48);
    if (text == NULL) abort();   /* (assert_non_null does not tell GCC that text is not NULL) */
    size_t len = 0;
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(text + len, ": %s\n%s\n", cycle[i % 6][0], cycle[i % 6][1]);
    const char *path = write_file(*state, "q.txt", text);
    free(text);

    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    const int chunks[] = {0, 1, 7, 64, 2000};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        AnalogyResult r;
        analogy_result_init(&r);
        DlfsError err = {0};
        assert_int_equal(analogy_accuracy(&r, path, &t.vocab, t.W, t.V, 2, chunks[k], &err), DLFS_OK);
        assert_int_equal(r.n_sections, N);
        for (size_t i = 0; i < r.n_sections; i++) {
            const AnalogySection *s = &r.sections[i];
            const int oov = strcmp(s->name, "oov") == 0, right = strcmp(s->name, "right") == 0;
            if (s->total != 1 || s->covered != (size_t)!oov || s->correct != (size_t)right)
                fail_msg("chunk %d: question %zu (%s) gave %zu/%zu of %zu", chunks[k], i + 1, s->name,
                         s->correct, s->covered, s->total);
        }
        assert_int_equal(r.correct, 501);
        assert_int_equal(r.covered, 834);
        assert_int_equal(r.total, N);
        analogy_result_free(&r);
    }
    toy_free(&t);
}

/* Each malformed file: DLFS_ERR_FORMAT naming path:line:, and the result left empty. */
static void test_analogy_malformed(void **state)
{
    TestTmpdir *f = *state;
    static const struct {
        const char *text;
        const char *line;   /* ":N:" */
        const char *words;  /* in the message */
    } cases[] = {
        {": s\nparis france rome italy\nparis france rome\n", ":3:", "found 3 words"},
        {": s\n\nparis france rome italy berlin\n", ":3:", "found 5 words"},
        {"paris france rome italy\n", ":1:", "before the first section"},
        {": s\nparis france rome italy\n:   \r\n", ":3:", "without a name"},
        {": s\nparis\n", ":2:", "found 1 word"},
    };
    Toy t;
    toy_init(&t, capitals, N_CAPITALS);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *path = write_file(f, "q.txt", cases[k].text);
        AnalogyResult r;
        analogy_result_init(&r);
        DlfsError err = {0};
        assert_int_equal(analogy_accuracy(&r, path, &t.vocab, t.W, t.V, 2, 0, &err), DLFS_ERR_FORMAT);
        char where[PATH_MAX + 32];
        snprintf(where, sizeof where, "%s%s", path, cases[k].line);
        assert_contains(err.msg, where);
        assert_contains(err.msg, cases[k].words);
        assert_int_equal(r.n_sections, 0);
        assert_null(r.sections);
        assert_int_equal(r.total, 0);
    }
    AnalogyResult r;
    analogy_result_init(&r);
    DlfsError err = {0};
    char missing[PATH_MAX + 16];
    snprintf(missing, sizeof missing, "%s/none.txt", f->dir);
    assert_int_equal(analogy_accuracy(&r, missing, &t.vocab, t.W, t.V, 2, 0, &err), DLFS_ERR_IO);
    assert_contains(err.msg, missing);
    toy_free(&t);
}

/* ---- correlations -------------------------------------------------------------------- */

/* Average ranks: {10, 20, 20, 5} -> {2, 3.5, 3.5, 1}; {3, 1, 3, 3, 2}: the 3s share ranks 3..5 -> 4. */
static void test_rank_average_ties(void **state)
{
    (void)state;
    const double x1[] = {10, 20, 20, 5}, want1[] = {2, 3.5, 3.5, 1};
    const double x2[] = {3, 1, 3, 3, 2}, want2[] = {4, 1, 4, 4, 2};
    double r[5];
    wordsim_rank_average(r, x1, 4);
    for (int i = 0; i < 4; i++) assert_true(r[i] == want1[i]);
    wordsim_rank_average(r, x2, 5);
    for (int i = 0; i < 5; i++) assert_true(r[i] == want2[i]);
}

/*
 * Without ties Spearman is 1 − 6 Σd² / (n(n²−1)): x = 1..5, y = {2,1,4,3,5},
 * d = {1,1,1,1,0}, 1 − 6·4/120 = 0.8. Pearson of 1..5 with itself is 1,
 * and NaN for n < 2 or a constant column (scipy's nan).
 */
static void test_correlations_by_hand(void **state)
{
    (void)state;
    const double x[] = {1, 2, 3, 4, 5}, y[] = {2, 1, 4, 3, 5}, c[] = {7, 7, 7, 7, 7};
    assert_close(wordsim_spearman(x, y, 5), 0.8, 1e-12, 0);
    assert_close(wordsim_pearson(x, y, 5), 0.8, 1e-12, 0);  /* y is a permutation of x: same formula */
    assert_close(wordsim_pearson(x, x, 5), 1.0, 1e-15, 0);
    assert_true(isnan(wordsim_pearson(x, y, 1)));
    assert_true(isnan(wordsim_spearman(x, y, 1)));
    assert_true(isnan(wordsim_pearson(x, c, 5)));
    assert_true(isnan(wordsim_spearman(c, y, 5)));
}

/* ---- wordsim ----------------------------------------------------------------------------- */

/* e (1,0), n (0,1), d (1,1), w (−1,0), t (3,4): cos(e,e) 1, cos(e,d) 1/√2, cos(e,n) 0, cos(e,w) −1, cos(e,t) 0.6. */
static const ToyWord axes[] = {
    {"e", 0.0, 1.0}, {"n", 90.0, 1.0}, {"d", 45.0, 1.4142135623730951}, {"w", 180.0, 1.0}, {"t", 53.13010235415598, 5.0},
};

static WordSimResult wordsim_ok(TestTmpdir *f, const Toy *t, const char *text)
{
    const char *path = write_file(f, "p.txt", text);
    WordSimResult r;
    DlfsError err = {0};
    const int rc = wordsim_evaluate(&r, path, &t->vocab, t->W, t->V, 2, &err);
    if (rc != DLFS_OK) fail_msg("wordsim_evaluate: %s", err.msg);
    return r;
}

/*
 * Ties on both sides, worked by hand. The pairs (model cosine, human score):
 *   e e (1, 9)   e d (s, 7)   d e (s, 8)   e n (0, 5)   n e (0, 5)   e w (−1, 1)   with s = 1/√2
 * (cos is symmetric, so e d and d e tie exactly, as e n and n e).
 * Model ranks:  −1 → 1; the two 0s share 2,3 → 2.5; the two s share 4,5 → 4.5; 1 → 6
 *   x = {6, 4.5, 4.5, 2.5, 2.5, 1}
 * Human ranks:  1 → 1; the two 5s → 2.5; 7 → 4; 8 → 5; 9 → 6
 *   y = {6, 4, 5, 2.5, 2.5, 1}
 * Both means are 3.5: dx = {2.5, 1, 1, −1, −1, −2.5}, dy = {2.5, .5, 1.5, −1, −1, −2.5};
 * Σdx·dy = 6.25 + .5 + 1.5 + 1 + 1 + 6.25 = 16.5, Σdx² = 16.5, Σdy² = 17,
 * rho = 16.5 / √(16.5·17) = √(16.5/17) = 0.98518436614...
 * Pearson of the raw values: x̄ = s/3, ȳ = 35/6; Sxy = Σxy − 6x̄ȳ = 8 + 15s − 35s/3
 * = 8 + 10s/3; Sxx = 3 − 6s²/9 = 8/3; Syy = 245 − 35²/6 = 245/6;
 * r = (8 + 10s/3) / √(8/3 · 245/6) = 10.3570226 / 10.4349839 = 0.99252885...
 * The file has a comment, blank lines, CRLF, tabs and runs of spaces, and
 * mixed case.
 */
static void test_wordsim_spearman_with_ties(void **state)
{
    Toy t;
    toy_init(&t, axes, 5);
    WordSimResult r = wordsim_ok(*state, &t,
                                 "# Word 1\tWord 2\tHuman (mean)\r\n"
                                 "e\te\t9\r\n"
                                 "E\tD\t7.0\r\n"
                                 "\r\n"
                                 "d   e 8\r\n"
                                 "  # an indented comment\n"
                                 "e\tn\t5\n"
                                 "N\te\t5.00\n"
                                 "e w 1");
    assert_int_equal(r.total, 6);
    assert_int_equal(r.used, 6);
    assert_int_equal(r.skipped, 0);
    assert_close(r.spearman, sqrt(16.5 / 17.0), 1e-12, 0);
    assert_close(r.spearman, 0.985184366, 1e-9, 0);
    const double s = 1.0 / sqrt(2.0);
    assert_close(r.pearson, (8.0 + 10.0 * s / 3.0) / sqrt(8.0 / 3.0 * 245.0 / 6.0), 1e-7, 0);
    assert_close(r.pearson, 0.992528854, 1e-7, 0);
    toy_free(&t);
}

/*
 * cos {1, 0.6, 0, −1} against human 5 + 5·cos = {10, 8, 5, 0}: both +1;
 * against 5 − 5·cos: both −1. Against {10, 9, 8, 0} (same order, not
 * linear): Spearman 1 but Pearson 11.35 / √(2.27 · 62.75) = 0.95099026
 * (x̄ = 0.15, ȳ = 6.75, Sxy = 15.4 − 4.05, Sxx = 2.36 − 0.09, Syy = 245 − 182.25).
 */
static void test_wordsim_perfect_correlations(void **state)
{
    Toy t;
    toy_init(&t, axes, 5);
    WordSimResult r = wordsim_ok(*state, &t, "e e 10\ne t 8\ne n 5\ne w 0\n");
    assert_int_equal(r.used, 4);
    assert_close(r.spearman, 1.0, 1e-12, 0);
    assert_close(r.pearson, 1.0, 1e-6, 0);  /* cos(e, t) is 0.6 within float32 */
    r = wordsim_ok(*state, &t, "e e 0\ne t 2\ne n 5\ne w 10\n");
    assert_close(r.spearman, -1.0, 1e-12, 0);
    assert_close(r.pearson, -1.0, 1e-6, 0);
    r = wordsim_ok(*state, &t, "e e 10\ne t 9\ne n 8\ne w 0\n");
    assert_close(r.spearman, 1.0, 1e-12, 0);
    assert_close(r.pearson, 11.35 / sqrt(2.27 * 62.75), 1e-6, 0);
    toy_free(&t);
}

/* Pairs with a word outside the vocabulary are skipped and counted; the rest give the same rho as alone. */
static void test_wordsim_oov_pairs(void **state)
{
    Toy t;
    toy_init(&t, axes, 5);
    WordSimResult r = wordsim_ok(*state, &t,
                                 "e e 9\nzebra e 3\ne d 7\nd e 8\ne Zebra 2\ne n 5\nn e 5\nyak zebra 1\ne w 1\n");
    assert_int_equal(r.total, 9);
    assert_int_equal(r.used, 6);
    assert_int_equal(r.skipped, 3);
    assert_close(r.spearman, sqrt(16.5 / 17.0), 1e-12, 0);
    /* one pair used: no correlation */
    r = wordsim_ok(*state, &t, "e n 3\nzebra e 4\n");
    assert_int_equal(r.used, 1);
    assert_int_equal(r.skipped, 1);
    assert_true(isnan(r.spearman));
    assert_true(isnan(r.pearson));
    toy_free(&t);
}

static void test_wordsim_malformed(void **state)
{
    TestTmpdir *f = *state;
    static const struct {
        const char *text;
        const char *line;
        const char *why;
    } cases[] = {
        {"# c\ne n 5\ne n\n", ":3:", "found 2 fields"},
        {"e n 5 6\n", ":1:", "found 4 fields"},
        {"e n 5\n\ne n five\n", ":3:", "'five' is not a finite number"},
        {"e n 5\ne n 5x\n", ":2:", "'5x'"},
        {"e n nan\n", ":1:", "'nan'"},
        {"e n inf\n", ":1:", "'inf'"},
        {"e n 1e999\n", ":1:", "'1e999'"},
    };
    Toy t;
    toy_init(&t, axes, 5);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *path = write_file(f, "p.txt", cases[k].text);
        WordSimResult r;
        DlfsError err = {0};
        assert_int_equal(wordsim_evaluate(&r, path, &t.vocab, t.W, t.V, 2, &err), DLFS_ERR_FORMAT);
        char where[PATH_MAX + 32];
        snprintf(where, sizeof where, "%s%s", path, cases[k].line);
        assert_contains(err.msg, where);
        assert_contains(err.msg, cases[k].why);
        assert_int_equal(r.total, 0);
    }
    WordSimResult r;
    DlfsError err = {0};
    char missing[PATH_MAX + 16];
    snprintf(missing, sizeof missing, "%s/none.tsv", f->dir);
    assert_int_equal(wordsim_evaluate(&r, missing, &t.vocab, t.W, t.V, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, missing);
    toy_free(&t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_vocab_first_wins),
        T(test_analogy_3cosadd_on_unit_vectors),
        T(test_analogy_excludes_a_b_c),
        T(test_analogy_mixed_case_questions),
        T(test_analogy_case_variants),
        T(test_analogy_sections_and_totals),
        T(test_analogy_nothing_covered),
        T(test_analogy_chunks),
        T(test_analogy_malformed),
        cmocka_unit_test(test_rank_average_ties),
        cmocka_unit_test(test_correlations_by_hand),
        T(test_wordsim_spearman_with_ties),
        T(test_wordsim_perfect_correlations),
        T(test_wordsim_oov_pairs),
        T(test_wordsim_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
