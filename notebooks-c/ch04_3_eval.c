// %% [markdown]
// # Chapter 4: evaluating the word vectors
//
// The C twin of the textbook's `ch04/eval.py` (§4.3.2). Once CBOW is trained,
// its word vectors are put to two tests: which words lie nearest to a word
// (`most_similar`), and whether "king is to man as queen is to ?" can be
// answered by adding and subtracting vectors (`analogy`). Both are the
// textbook's `common/util.py` functions and print as it does.
//
// Run it with `./build/notebooks-c/ch04_3_eval`. Options:
// - `--vectors FILE`: evaluate these vectors (word2vec text or binary
//   format), e.g. `cbow_vectors.txt` from `ch04_3_train --full` or
//   `out/vectors.txt` from `dlfs2 train`. Without it the lab trains its own
//   in a few seconds (section 1).
// - `--questions FILE`, `--pairs FILE`: the two benchmarks of section 4
//   (the Google analogy questions `questions-words.txt` and WordSim-353's
//   `wordsim353.tsv`); by default the data folder's, which
//   `dlfs2 fetch eval` downloads (section 4 says so when they are missing).
// - `--seed N` (default 1) and `--epochs N` (default 3): for the lab's own
//   training.
//
// Section 5 draws the vectors as word maps (`word_map_a.png`,
// `word_map_b.png` in `$LAB_OUT_DIR`); section 6 explains why the analogies
// differ from the ones printed in the book.

// %%
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/check.h"
#include "common/clock.h"
#include "plot/plot.h"
#include "training/fast_trainer.h"
#include "training/model.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/util.h"
#include "common/vocab.h"
#include "datasets/vectors.h"
#include "evaluation/analogy.h"
#include "evaluation/word_map.h"
#include "evaluation/wordsim.h"
#include "models/word2vec.h"
#include "models/word2vec_data.h"
#include "notebooks-c/lab.h"
#include "recipe/data.h"
#include "recipe/model_build.h"
#include "recipe/preset.h"
#include "recipe/word2vec_stream.h"

#define PROG "ch04_3_eval"
#define TOP 5

/* The vectors under test: row i of W (V, H) is the vector of vocab word i. */
typedef struct WordVectors {
    Vocab vocab;
    Tensor W;
} WordVectors;

// %% [markdown]
// ## 1. The word vectors
//
// The textbook's `eval.py` loads `cbow_params.pkl`, which `train.py` wrote
// after 10 epochs of Adam: a couple of minutes here (run `ch04_3_train
// --full`, then this lab with `--vectors cbow_vectors.txt`). Without
// `--vectors` the lab makes its own vectors in a few seconds with
// word2vec.c's recipe (Mikolov et al. 2013), on the same CBOW, Embedding
// and negative-sampling layers:
//
// - SGD with a learning rate of 0.05 per example, falling linearly to
//   almost 0 with the words read over the run (word2vec.c's
//   `word_count_actual`), instead of Adam (and no shuffling: the rows go
//   in corpus order);
// - subsampling: each occurrence of a frequent word is dropped with a
//   probability that grows with its frequency (threshold 1e-3), so `the`,
//   `<unk>` and `N` stop dominating; words seen fewer than 5 times are
//   left out;
// - a dynamic window: for each target the window shrinks at random to
//   1..5 words a side, so near words count more;
// - `<eos>` ends a sentence and no window crosses it;
// - every context row gets the whole gradient of `h`, not 1/10 of it.
//
// As word2vec.c, the lab keeps no copy of the text's word ids: a first
// pass counts each word (the vocabulary, the sampler's table, who is
// subsampled), then each epoch reads the text again and makes the rows as
// the words pass (`recipe/word2vec_stream.h`). Subsampling and the windows
// are drawn anew every epoch, so after each epoch a line says how many
// rows it trained: whole batches of 100, the last few rows that fill no
// batch are dropped. Three epochs on one thread, so the output is the same
// on every run. It is what `dlfs2 train --fast --preset word2vec --epochs 3
// --threads 1` does, and gives the same vectors, byte for byte.

// %%
/* Reads a vectors file into wv (empty). Returns 0, or -1 after a message. */
static int load_vectors(WordVectors *wv, const char *path)
{
    DlfsError err = {0};
    if (vectors_load(path, &wv->vocab, &wv->W, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return -1;
    }
    printf("vectors: %s (%d words, %d dimensions)\n", path, (int)wv->vocab.size, wv->W.shape[1]);
    return 0;
}

/*
 * The FastStream of the training (recipe/word2vec_stream.h) with a line
 * after each epoch: the stream makes the rows as it reads the corpus, so
 * an epoch's rows are known only once it is over. The trainer prints no
 * line of its own (its progress lines carry the words per second); these
 * are its loss records of the epoch and what the epoch read and trained.
 */
typedef struct EpochLines {
    Word2VecStream *ws;
    FastStream inner;       /* ws's own FastStream */
    const FastTrainer *trainer;
    int epoch;              /* the epoch begun last, -1 before the first */
    double rows_before;     /* trainer->total_rows when it began */
    long iters_before;      /* trainer->total_iters when it began */
    size_t n_loss_before;   /* trainer->n_loss when it began */
} EpochLines;

/* Prints the lines of the epoch e->epoch, which has just ended. */
static void print_epoch(const EpochLines *e)
{
    const FastTrainer *t = e->trainer;
    for (size_t i = e->n_loss_before; i < t->n_loss; i++)
        printf("| epoch %d |  iter %d | time %d[s] | loss %.2f\n", t->loss_list[i].epoch, t->loss_list[i].iter,
               (int)t->loss_list[i].elapsed_s, t->loss_list[i].loss);
    const double rows = t->total_rows - e->rows_before;
    const double words = (double)e->ws->epoch_tokens;
    printf("epoch %d: %.0f rows in %ld steps from the %.0f words read (%.1f%%)\n", e->epoch + 1, rows,
           t->total_iters - e->iters_before, words, 100.0 * rows / words);
}

/* A FastStream's begin_epoch: the lines of the epoch before, then the stream's own. */
static int begin_epoch(void *ctx, int epoch, DlfsError *err)
{
    EpochLines *e = ctx;
    if (e->epoch >= 0) print_epoch(e);
    e->epoch = epoch;
    e->rows_before = e->trainer->total_rows;
    e->iters_before = e->trainer->total_iters;
    e->n_loss_before = e->trainer->n_loss;
    return e->inner.begin_epoch(e->inner.ctx, epoch, err);
}

/* The other three calls of the FastStream: the stream's own. */
static int next_batch(void *ctx, int thread, int32_t *contexts, int32_t *target, int B, DlfsError *err)
{
    const EpochLines *e = ctx;
    return e->inner.next_batch(e->inner.ctx, thread, contexts, target, B, err);
}

static double epoch_fraction(void *ctx)
{
    const EpochLines *e = ctx;
    return e->inner.epoch_fraction(e->inner.ctx);
}

static int64_t tokens_read(void *ctx)
{
    const EpochLines *e = ctx;
    return e->inner.tokens_read(e->inner.ctx);
}

/*
 * `dlfs2 train --fast --preset word2vec --epochs EPOCHS --threads 1 --seed
 * SEED`: PTB's train split, CBOW with negative sampling trained with
 * word2vec.c's recipe on one thread, built by the run recipe the command
 * uses (recipe/: the data counted, the model from the counts, the corpus
 * read as a stream, the preset's settings). Fills wv (empty) with the
 * vocabulary and a copy of W_in. Returns 0, or -1 after a message.
 */
static int train_vectors(WordVectors *wv, uint64_t seed, int epochs)
{
    const RecipePreset *preset = &recipe_preset_word2vec;   /* recipe/preset.h */
    RecipeData d;
    RecipeModel m = {0};
    Word2VecStream ws;
    memset(&ws, 0, sizeof ws);
    DlfsError err = {0};
    /* the vocabulary and each word's count, from one pass over the text; no ids are kept */
    int status = recipe_data_count(&d, "ptb", lab_common_options.data_dir, 0, NULL, &err);
    const int V = (int)d.vocab.size;
    Word2VecConfig cfg = word2vec_default_config(V);   /* H 100, window 5, 5 negatives */
    recipe_preset_model_config(preset, &cfg);           /* word2vec.c's CBOW update */
    Rng rng;
    rng_seed(&rng, seed);
    if (status == DLFS_OK) status = recipe_model_build_counts(&m, RECIPE_CBOW, &cfg, d.counts, &rng, &err);
    const Word2VecDataConfig data_cfg = recipe_preset_data_config(preset, cfg.window_size, &d.vocab);
    /* the rows, drawn from an Rng seeded seed + 1 as the text is read again each epoch */
    if (status == DLFS_OK)
        status = word2vec_stream_init(&ws, d.path, 0, &d.vocab, d.counts, &data_cfg, 1, seed, &err);
    if (status == DLFS_OK) {
        FastTrainerConfig tc = fast_trainer_default_config();
        tc.threads = 1;
        tc.epochs = epochs;
        recipe_preset_fast_config(preset, RECIPE_CBOW, &tc);   /* SGD from 0.05, rows in corpus order */
        tc.eval_interval = 2000;
        tc.log = NULL;              /* print_epoch prints the loss records */
        FastTrainer trainer;
        fast_trainer_init(&trainer, &tc, &m.model);
        EpochLines lines = {.ws = &ws, .inner = word2vec_stream_source(&ws), .trainer = &trainer, .epoch = -1};
        const FastStream source = {.begin_epoch = begin_epoch, .next_batch = next_batch,
                                   .epoch_fraction = epoch_fraction, .tokens_read = tokens_read, .ctx = &lines};
        Rng rngs[1] = {rng};        /* the negatives continue the model's stream */
        const double start = dlfs_now_s();
        status = fast_trainer_fit_stream(&trainer, &source, rngs, &err);
        if (status == DLFS_OK) {
            print_epoch(&lines);
            printf("trained %ld iterations in %.1f[s]\n", trainer.total_iters, dlfs_now_s() - start);
        }
        fast_trainer_free(&trainer);
    }
    if (status == DLFS_OK) {
        wv->vocab = d.vocab;        /* the vocabulary moves to wv */
        vocab_init(&d.vocab);
        tensor_init_2d(&wv->W, V, cfg.hidden_size);
        memcpy(wv->W.data, m.W_in->value.data, wv->W.size * sizeof(float));
    } else {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
    }
    word2vec_stream_free(&ws);
    recipe_model_free(&m);
    recipe_data_free(&d);
    return status == DLFS_OK ? 0 : -1;
}

// %% [markdown]
// ## 2. most_similar
//
// The five words whose vectors have the highest cosine similarity to the
// query's, for eval.py's four queries. Trained on nothing but which words
// appear near which, the vectors put pronouns next to pronouns, spans of
// time next to spans of time and carmakers next to carmakers.

// %%
static const char *const queries[] = {"you", "year", "car", "toyota"};

/* x with the fewest digits that read back as the same float32, as NumPy prints a float32. */
static void format_score(float x, char *buf, size_t size)
{
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, size, "%.*g", digits, (double)x);
        if (strtof(buf, NULL) == x) break;
    }
    if (strpbrk(buf, ".eni") == NULL && strlen(buf) + 3 <= size) strcat(buf, ".0");
}

static void print_answers(const WordVectors *wv, const SimilarWord *answers, int n)
{
    char score[32];
    for (int i = 0; i < n; i++) {
        format_score(answers[i].similarity, score, sizeof score);
        printf(" %s: %s\n", vocab_word(&wv->vocab, answers[i].id), score);
    }
}

/* util.most_similar(query, word_to_id, id_to_word, word_vecs, top=5), printed as it does. */
static void print_most_similar(const WordVectors *wv, const char *query)
{
    SimilarWord answers[TOP];
    const int n = most_similar(query, &wv->vocab, wv->W.data, wv->W.shape[0], wv->W.shape[1], TOP,
                               answers, NULL);
    if (n < 0) {
        printf("%s is not found\n", query);
        return;
    }
    printf("\n[query] %s\n", query);
    print_answers(wv, answers, n);
}

// %% [markdown]
// ## 3. analogy
//
// "a is to b as c is to ?": the words whose vectors have the largest dot
// product with `normalize(b - a + c)`. The rows are not normalised (as in
// the textbook), so the scores are not cosines and can exceed 1.
//
// PTB is small for this. With the lab's own vectors none of the expected
// answers (woman, went, children, worse) makes the top five, though the
// answers are of the right kind (people for king:man, verbs for take:took,
// comparatives for good:better). The vectors of `ch04_3_train --full` have
// all four in their top five: woman second, the other three fourth or
// fifth (section 6 says why not first).

// %%
static const char *const analogies[][3] = {
    {"king", "man", "queen"},
    {"take", "took", "go"},
    {"car", "cars", "child"},
    {"good", "better", "bad"},
};

/* util.analogy(a, b, c, word_to_id, id_to_word, word_vecs), printed as it does. */
static void print_analogy(const WordVectors *wv, const char *a, const char *b, const char *c)
{
    const char *words[3] = {a, b, c};
    for (int k = 0; k < 3; k++)
        if (vocab_get(&wv->vocab, words[k]) < 0) {
            printf("%s is not found\n", words[k]);
            return;
        }
    SimilarWord answers[TOP];
    const int n = analogy(a, b, c, &wv->vocab, wv->W.data, wv->W.shape[0], wv->W.shape[1], TOP, answers,
                          NULL);
    printf("\n[analogy] %s:%s = %s:?\n", a, b, c);
    if (n > 0) print_answers(wv, answers, n);
}

// %% [markdown]
// ## 4. The benchmarks
//
// Eight questions are anecdotes. The standard tests ask thousands:
// `--questions questions-words.txt` runs the Google analogy test (19,544
// questions; a question counts only when all four words are in the
// vocabulary, and is right when the best answer by cosine is the
// expected word), `--pairs wordsim353.tsv` compares the cosine of 353
// word pairs with people's similarity scores (Spearman's rank
// correlation). `dlfs2 accuracy` and `dlfs2 wordsim` print the same with
// more detail.
//
// Only 4,716 questions are covered: PTB's 10,000 words lack most of the
// cities, countries and currencies they ask about. The lab's own vectors
// answer 2.8 % of them and reach a Spearman's rho of 0.22; the textbook's
// 10 epochs of Adam (`ch04_3_train --full`) 4.4 % and 0.29. Trained on
// billions of words, word2vec answers more than half of the questions
// (Mikolov et al. 2013).

// %%
/* The Google analogy test over the whole file: semantic, syntactic, all. Returns 0 or -1. */
static int run_analogy_test(const WordVectors *wv, const char *path)
{
    AnalogyResult r;
    analogy_result_init(&r);
    DlfsError err = {0};
    if (analogy_accuracy(&r, path, &wv->vocab, wv->W.data, wv->W.shape[0], wv->W.shape[1], 0, &err) !=
        DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return -1;
    }
    printf("analogy questions: %s\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    printf("  semantic   %.4f (%zu/%zu covered of %zu)\n",
           analogy_fraction(r.semantic_correct, r.semantic_covered), r.semantic_correct,
           r.semantic_covered, r.semantic_total);
    printf("  syntactic  %.4f (%zu/%zu covered of %zu)\n",
           analogy_fraction(r.syntactic_correct, r.syntactic_covered), r.syntactic_correct,
           r.syntactic_covered, r.syntactic_total);
    printf("  accuracy   %.4f (%zu/%zu covered of %zu)\n", analogy_fraction(r.correct, r.covered),
           r.correct, r.covered, r.total);
    analogy_result_free(&r);
    return 0;
}

/* WordSim-353: Spearman's rho of cosine against the human scores. Returns 0 or -1. */
static int run_wordsim_test(const WordVectors *wv, const char *path)
{
    WordSimResult r;
    DlfsError err = {0};
    if (wordsim_evaluate(&r, path, &wv->vocab, wv->W.data, wv->W.shape[0], wv->W.shape[1], &err) !=
        DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return -1;
    }
    printf("word pairs: %s\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    if (isnan(r.spearman))  /* fewer than 2 pairs known, or constant scores */
        printf("  spearman   nan (%zu/%zu pairs)\n", r.used, r.total);
    else
        printf("  spearman   %.4f (%zu/%zu pairs; pearson %.4f)\n", r.spearman, r.used, r.total, r.pearson);
    return 0;
}

// %% [markdown]
// ## 5. A word map
//
// The textbook draws its chapter-2 vectors on a plane (§2.4.5, `U, S, V =
// np.linalg.svd(W)`, then each word at `(U[id, 0], U[id, 1])`). Chapter 4's
// vectors have 100 dimensions; `word_map_project` (evaluation/word_map.h)
// keeps the two along which the chosen words spread most: principal
// component analysis. The vectors are scaled to length 1 (the cosine
// geometry `most_similar` uses) and centred on their mean, the covariance's
// two leading eigenvectors come from LAPACK (`dsyevd`, shipped in
// OpenBLAS), and each word is drawn at its coordinates along them.
//
// **Map A**: numbers, months, countries and verbs in the past tense, eight
// each (the words `dlfs2 plot-words` draws by default). Each group gathers
// in a region of its own (with the lab's own vectors: numbers lower left,
// months at the top, countries on the right, the verbs in the middle): the
// vectors learned from nothing but neighbours which words are the same kind
// of word. The printed centres say where each group lies.
//
// **Map B**: eight verbs and their past tenses. Every arrow from a verb to
// its past tense points roughly the same way (every printed offset goes
// left, by 0.4 to 1.0, and far less up or down): that shared direction is
// what `analogy` adds when it answers take:took = go:?.
//
// Two axes show a small share of 100 dimensions (the share of the variance
// is printed), so a map shows some of the structure, never all of it.

// %%
static const char *const map_groups[4][8] = {
    {"two", "three", "four", "five", "six", "seven", "eight", "nine"},
    {"january", "february", "march", "april", "june", "july", "september", "october"},
    {"japan", "germany", "france", "britain", "china", "canada", "mexico", "italy"},
    {"said", "went", "took", "made", "sold", "bought", "came", "gave"},
};
static const char *const map_group_names[4] = {"numbers", "months", "countries", "past tenses"};
static const char *const map_tenses[8][2] = {
    {"say", "said"}, {"go", "went"}, {"take", "took"}, {"make", "made"},
    {"come", "came"}, {"give", "gave"}, {"buy", "bought"}, {"sell", "sold"},
};

/*
 * Projects words[0..n) of wv with word_map_project (unit rows) into x, y (n,)
 * and draws them labelled into lab_out_dir()/file, printing "[plot] file" and
 * the axes' shares. Returns 0, or -1 after a message (a word missing from
 * the vocabulary included).
 */
static int draw_word_map(const WordVectors *wv, const char *const *words, int n, const char *file,
                         const char *title, double *x, double *y)
{
    int32_t ids[64];
    DLFS_ASSERT(n <= 64);
    for (int i = 0; i < n; i++) {
        ids[i] = vocab_get(&wv->vocab, words[i]);
        if (ids[i] < 0) {
            fprintf(stderr, "%s: '%s' is not in the vocabulary\n", PROG, words[i]);
            return -1;
        }
    }
    WordMapVariance var;
    DlfsError err = {0};
    if (word_map_project(wv->W.data, wv->W.shape[1], ids, n, true, x, y, &var, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return -1;
    }
    char xlabel[64], ylabel[64], path[4096];
    snprintf(xlabel, sizeof xlabel, "axis 1 (%.0f%% of the variance)", 100.0 * var.axis[0] / var.total);
    snprintf(ylabel, sizeof ylabel, "axis 2 (%.0f%% of the variance)", 100.0 * var.axis[1] / var.total);
    const PlotSpec spec = {.title = title, .xlabel = xlabel, .ylabel = ylabel};
    if (lab_out_path(PROG, file, path, sizeof path) != 0) return -1;
    if (plot_labelled_points(path, &spec, x, y, words, n, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return -1;
    }
    printf("%s: axis 1 shows %.0f%% of the variance, axis 2 %.0f%%\n", file, 100.0 * var.axis[0] / var.total,
           100.0 * var.axis[1] / var.total);
    printf("[plot] %s\n", file);
    return 0;
}

/* Map A with each group's centre, map B with each verb's offset to its past tense. Returns 0 or -1. */
static int run_word_maps(const WordVectors *wv)
{
    const char *words[32];
    double x[32], y[32];
    for (int g = 0; g < 4; g++)
        for (int k = 0; k < 8; k++) words[8 * g + k] = map_groups[g][k];
    if (draw_word_map(wv, words, 32, "word_map_a.png", "map A: four kinds of word", x, y) != 0) return -1;
    for (int g = 0; g < 4; g++) {
        double cx = 0, cy = 0;
        for (int k = 0; k < 8; k++) {
            cx += x[8 * g + k] / 8;
            cy += y[8 * g + k] / 8;
        }
        printf("  %-12s centre (%.2f, %.2f)\n", map_group_names[g], cx, cy);
    }
    printf("\n");
    for (int i = 0; i < 8; i++) {
        words[2 * i] = map_tenses[i][0];
        words[2 * i + 1] = map_tenses[i][1];
    }
    if (draw_word_map(wv, words, 16, "word_map_b.png", "map B: verbs and their past tenses", x, y) != 0)
        return -1;
    for (int i = 0; i < 8; i++)
        printf("  %-5s -> %-7s (%.2f, %.2f)\n", map_tenses[i][0], map_tenses[i][1],
               x[2 * i + 1] - x[2 * i], y[2 * i + 1] - y[2 * i]);
    return 0;
}

// %% [markdown]
// ## 6. Why the analogies differ from the book
//
// The book prints woman, went, children and more first for its four
// analogies. `dlfs2 train` with the textbook's settings (seed 1, 10 epochs)
// puts a.m, eurodollars, a.m and more first, with woman 2nd, went 5th and
// children 4th. Nothing is broken. What is at work, measured on 2026-12-07
// (`docs/analogies.md` has the tables and the commands):
//
// - **The book shows one run.** `ch04/train.py` seeds no random generator,
//   so every run of it draws other initial weights, shuffles and negatives,
//   and the book prints what the `cbow_params.pkl` of its authors' run
//   answers. dlfs2 draws from another generator: its runs are other runs
//   of the same recipe, never that one.
// - **Runs differ, a little.** Textbook mode, seeds 1, 2, 3: woman 2nd in
//   all three; went 5th, 3rd, 5th; children 4th, 3rd, 4th; more 1st, 2nd,
//   1st.
// - **Long vectors win the dot product.** `analogy` ranks every word by
//   `W[i] · q` with the rows not normalised, as the textbook's `util.py`
//   does, so a long vector scores high for any query roughly its way. In
//   all three seeds a.m has the longest of the 10,000 vectors (eurodollars
//   the 5th longest in two): rare words (21 and 11 times in PTB's training
//   text) that always stand in the same phrase ("at N a.m" at a line's end,
//   "london late eurodollars N N"). Adam moves every weight by about its
//   learning rate per step, however small the gradient, so a rare word that
//   is pushed the same way every time grows long (the likely reason).
//   Ranked by cosine instead (rows normalised, as the benchmarks of section
//   4 count), seed 1 puts went and children first and woman 4th.
// - **The recipe matters more than the seed.** word2vec.c's recipe
//   (`dlfs2 train --fast --preset word2vec`, 10 epochs on 2 threads, the
//   corpus read as a stream) over 10 seeds: woman first in 3 (2nd to 4th
//   in six more, 7th once), went first in 3 (8th at worst), children 3rd
//   to 19th, more first in 7 (2nd in the others). This lab's own vectors
//   (the same recipe, 3 epochs on one thread) rank the book's answers as
//   printed below.
//
// And more is not even the right answer to good:better = bad:?; worse is,
// 5th or 6th in the textbook runs and 6th to 11th with the preset. Four
// questions are anecdotes: the analogy benchmark of section 4, thousands of
// questions, moves little between seeds (textbook mode 4.3 % to 4.6 %, the
// preset 5.2 % to 6.5 %).

// %%
/* The book's printed first answers (its cbow_params.pkl) to the four analogies of section 3. */
static const char *const book_answers[] = {"woman", "went", "children", "more"};

/* For each analogy of section 3, where the book's first answer ranks among these vectors' answers. */
static int print_book_ranks(const WordVectors *wv)
{
    const int V = wv->W.shape[0];
    SimilarWord *all = dlfs_malloc((size_t)V * sizeof *all);
    for (size_t q = 0; q < sizeof analogies / sizeof analogies[0]; q++) {
        const char *const *a = analogies[q];
        const int n = analogy(a[0], a[1], a[2], &wv->vocab, wv->W.data, V, wv->W.shape[1], V, all, NULL);
        int rank = -1;
        for (int i = 0; i < n && rank < 0; i++)
            if (strcmp(vocab_word(&wv->vocab, all[i].id), book_answers[q]) == 0) rank = i + 1;
        printf("%s:%s = %s:?  first here: %s; the book's %s: ", a[0], a[1], a[2],
               n > 0 ? vocab_word(&wv->vocab, all[0].id) : "-", book_answers[q]);
        if (rank > 0)
            printf("rank %d\n", rank);
        else
            printf("not found\n");
    }
    free(all);
    return 0;
}

// %% [markdown]
// ## The program
//
// Options, then the four sections in order.

// %%
int main(int argc, char **argv)
{
    const char *vectors_path = NULL, *questions_path = NULL, *pairs_path = NULL;
    long long seed = 1, epochs = 3;
    const LabOption options[] = {
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
        {.name = "--epochs", .min = 1, .max = 100, .value = &epochs, .help = "N"},
        {.name = "--vectors", .text = &vectors_path, .help = "FILE"},
        {.name = "--questions", .text = &questions_path, .help = "FILE"},
        {.name = "--pairs", .text = &pairs_path, .help = "FILE"},
    };
    const int parsed = lab_parse_args(PROG, argc, argv, options, 5);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;
    /* without --questions / --pairs: the data folder's files, when they are there */
    char questions_buf[4096], pairs_buf[4096];
    if (questions_path == NULL) questions_path = lab_eval_file("questions-words.txt", questions_buf, 4096);
    if (pairs_path == NULL) pairs_path = lab_eval_file("wordsim353.tsv", pairs_buf, 4096);

    WordVectors wv = {0};
    vocab_init(&wv.vocab);
    printf("== 1. The word vectors ==\n");
    int status = vectors_path != NULL ? load_vectors(&wv, vectors_path)
                                      : train_vectors(&wv, (uint64_t)seed, (int)epochs);
    if (status == 0) {
        printf("\n== 2. most_similar ==\n");
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) print_most_similar(&wv, queries[i]);

        printf("\n== 3. analogy ==\n");
        for (size_t i = 0; i < sizeof analogies / sizeof analogies[0]; i++)
            print_analogy(&wv, analogies[i][0], analogies[i][1], analogies[i][2]);

        printf("\n== 4. The benchmarks ==\n");
        if (questions_path != NULL)
            status = run_analogy_test(&wv, questions_path);
        else
            printf("analogy test: no questions-words.txt in the data folder "
                   "(dlfs2 fetch eval, or --questions FILE)\n");
        if (pairs_path != NULL && status == 0)
            status = run_wordsim_test(&wv, pairs_path);
        else if (pairs_path == NULL)
            printf("word similarity: no wordsim353.tsv in the data folder (dlfs2 fetch eval, or --pairs FILE)\n");
    }
    if (status == 0) {
        printf("\n== 5. A word map ==\n");
        status = run_word_maps(&wv);
    }
    if (status == 0) {
        printf("\n== 6. Why the analogies differ from the book ==\n");
        status = print_book_ranks(&wv);
    }

    tensor_free(&wv.W);
    vocab_free(&wv.vocab);
    return status == 0 ? 0 : 1;
}

// %% [markdown]
// ## Try this
//
// 1. Run `ch04_3_train --full` (a couple of minutes), then this lab with
//    `--vectors cbow_vectors.txt`. Which of the eight answers change? Which
//    vectors score higher on the two benchmarks?
// 2. Add your own words to `queries` (a company, a month, a verb). Where do
//    the neighbours stop making sense?
// 3. Train with `--epochs 1` and `--epochs 10`. How do the analogy answers
//    and the benchmark scores move? And the word maps?
// 4. Draw your own map with `dlfs2 plot-words --vectors FILE --words ...
//    --out map.png` (e.g. `cbow_vectors.txt` of `ch04_3_train --full`):
//    pronouns, carmakers, or man, woman, king, queen, boy, girl.
