// %% [markdown]
// # Chapter 4, one step further: subword embeddings (fastText)
//
// fastText (Bojanowski et al., 2017, "Enriching Word Vectors with Subword
// Information") is the best-known successor of chapter 4's word2vec, and
// its core is the chapter's own Embedding layer used differently: a word's
// vector is not one row of `W_in` but the **mean of several rows**, the
// word's own row and one row per character n-gram of the word. `walked`,
// `walking` and `talked` share rows (`<wa`, `alk`, `ed>`, ...), so the
// suffix `ed>` learns about the past tense from every verb, and a word
// never seen in training still gets a vector from its n-grams.
//
// The parts are in the library: `layers/subword.h` (the n-grams, the hash,
// the table of each word's rows) and `layers/subword_embedding.h` (the
// layer: forward is a mean, backward is `np.add.at`); `docs/subwords.md`
// describes them.
//
// Run it with `./build/notebooks-c/ch04_4_subwords`. Options:
// - `--full`: section 4 trains 10 epochs per model (the recipe)
//   instead of the quick mode's 2 (five times as long);
// - `--epochs N`: section 4's epochs, whatever the mode;
// - `--seed N` (default 1): the minibatch of section 3 and the trainings.
//
// Section 4 scores the vectors on the Google analogy questions of the data
// folder (`dlfs2 fetch eval`); without them it says so and goes on.

// %%
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/clock.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/util.h"
#include "common/vocab.h"
#include "evaluation/analogy.h"
#include "layers/subword.h"
#include "layers/subword_embedding.h"
#include "models/word2vec.h"
#include "notebooks-c/lab.h"
#include "recipe/data.h"
#include "recipe/model_build.h"
#include "recipe/preset.h"
#include "recipe/word2vec_stream.h"
#include "training/fast_trainer.h"

#define PROG "ch04_4_subwords"
#define MINN 3
#define MAXN 6
#define BUCKETS 2000000     /* fastText's default -bucket */
#define HIDDEN 100          /* the preset's vector size */

// %% [markdown]
// ## 1. The n-grams of a word
//
// The word is wrapped in boundary symbols, `<where>`, so that a prefix
// (`<wh`) differs from the same letters inside a word (`wh` in
// `somewhere`). Its n-grams are the substrings of `n` characters, 3 to 6
// by default (`-minn 3 -maxn 6`), listed as fastText's `computeSubwords`
// lists them: by start position, then by length. The whole `<word>` is one
// of them when it is short enough (`<at>`).
//
// `n` counts **characters**, not bytes: `é` is two bytes in UTF-8 (a lead
// byte and a continuation byte `10xxxxxx`), one character. The line end
// `<eos>` (fastText's `</s>`) gets no n-grams, only its own row.

// %%
/* Prints word's n-grams (minn..maxn characters) and how many there are. */
static void print_ngrams(const char *word, int minn, int maxn)
{
    char text[1024];
    subword_ngrams_text(word, minn, maxn, text, sizeof text);
    const int64_t n = subword_each_ngram(word, minn, maxn, NULL, NULL);
    printf("%s (%zu bytes), n = %d..%d: %" PRId64 " n-grams: %s\n", word, strlen(word), minn, maxn, n, text);
}

static void section_ngrams(const SubwordTable *table, const Vocab *vocab)
{
    printf("== 1. The n-grams of a word ==\n");
    print_ngrams("where", MINN, MAXN);
    print_ngrams("at", MINN, MAXN);
    print_ngrams("caf\xc3\xa9", MINN, MAXN);      /* café: 4 characters, 5 bytes */
    print_ngrams("caf\xc3\xa9", 3, 3);
    int count = 0;
    const int32_t eos = vocab_get(vocab, "<eos>");
    const int32_t *rows = subword_table_word_rows(table, eos, &count);
    printf("<eos> (id %d) in PTB's table: %d row (its own, row %d): no n-grams\n", (int)eos, count, (int)rows[0]);
    const int32_t where = vocab_get(vocab, "where");
    rows = subword_table_word_rows(table, where, &count);
    printf("where (id %d) in PTB's table: %d rows: its own row %d and one per n-gram:", (int)where, count,
           (int)rows[0]);
    for (int k = 1; k < count; k++) printf(" %d", (int)rows[k]);
    printf("\n");
}

// %% [markdown]
// ## 2. Hashing
//
// There are too many distinct n-grams to give each a row of its own, so
// fastText hashes each into one of `buckets` rows (2,000,000 by default)
// with the 32-bit FNV-1a hash: start from 2166136261, and for each byte
// `h = (h ^ byte) * 16777619` (modulo 2^32). The bucket is `h % buckets`.
// (fastText's bytes are signed `char`: a byte >= 0x80 enters sign-extended,
// 0xC3 as 0xFFFFFFC3; `subword_hash` does the same, so its buckets are
// fastText's.)
//
// Two n-grams may land in one bucket and then share a row: a collision.
// With 2,000,000 buckets they are rare; with 1,000 they are everywhere.
// The model does not mind much: a shared row is the mean of two meanings.
//
// fastText's input matrix has `nwords + buckets` rows, most of which no
// word of the vocabulary ever uses. dlfs2's `SubwordTable` keeps a row
// only for the buckets the vocabulary's n-grams use.

// %%
/* FNV-1a of one n-gram, step by step, checked against subword_hash. */
static void hash_by_hand(const char *ngram)
{
    uint32_t h = 2166136261u;
    printf("FNV-1a of \"%s\": start h = %" PRIu32 "\n", ngram, h);
    for (size_t i = 0; ngram[i] != '\0'; i++) {
        const uint32_t byte = (uint32_t)(int8_t)ngram[i];   /* sign-extended, as fastText's char */
        const uint32_t x = h ^ byte;
        h = x * 16777619u;                                  /* modulo 2^32 */
        printf("  byte '%c' = %" PRIu32 ": h ^ %" PRIu32 " = %" PRIu32 ", * 16777619 = %" PRIu32 "\n", ngram[i],
               byte, byte, x, h);
    }
    printf("subword_hash(\"%s\") = %" PRIu32 " (%s); bucket = %" PRIu32 " %% %d = %" PRIu32 "\n", ngram,
           subword_hash(ngram, strlen(ngram)), subword_hash(ngram, strlen(ngram)) == h ? "the same" : "DIFFERENT",
           h, BUCKETS, h % BUCKETS);
}

/* The first collision among a vocabulary's n-grams at a small bucket count. */
typedef struct Collision {
    int64_t buckets;
    char (*first)[32];          /* (buckets,) the first n-gram seen in each bucket, "" if none */
    const char *word;           /* the word being listed */
    char *owner;                /* (buckets * 64) the word of each first n-gram */
    bool found;
    char a[32], b[32], word_a[64], word_b[64];
    uint32_t bucket;
} Collision;

static void find_collision(void *ctx, const char *ngram, size_t len, uint32_t hash)
{
    Collision *c = ctx;
    if (c->found || len >= 32) return;
    const uint32_t b = hash % (uint32_t)c->buckets;
    if (c->first[b][0] == '\0') {
        memcpy(c->first[b], ngram, len);
        c->first[b][len] = '\0';
        snprintf(c->owner + (size_t)b * 64, 64, "%s", c->word);
    } else if (strlen(c->first[b]) != len || memcmp(c->first[b], ngram, len) != 0) {
        c->found = true;
        c->bucket = b;
        snprintf(c->a, sizeof c->a, "%s", c->first[b]);
        snprintf(c->word_a, sizeof c->word_a, "%s", c->owner + (size_t)b * 64);
        memcpy(c->b, ngram, len);
        c->b[len] = '\0';
        snprintf(c->word_b, sizeof c->word_b, "%s", c->word);
    }
}

static void section_hashing(const SubwordTable *table, const Vocab *vocab)
{
    printf("\n== 2. Hashing ==\n");
    hash_by_hand("ing");

    Collision c = {.buckets = 1000};
    c.first = dlfs_calloc((size_t)c.buckets, sizeof *c.first);
    c.owner = dlfs_calloc((size_t)c.buckets, 64);
    for (int32_t w = 0; w < (int32_t)vocab->size && !c.found; w++) {
        c.word = vocab_word(vocab, w);
        if (strcmp(c.word, "<eos>") != 0) subword_each_ngram(c.word, MINN, MAXN, find_collision, &c);
    }
    if (c.found)
        printf("\nat %" PRId64 " buckets, PTB's words in id order: \"%s\" (of %s) and \"%s\" (of %s) both land "
               "in bucket %" PRIu32 "\n",
               c.buckets, c.a, c.word_a, c.b, c.word_b, c.bucket);
    free(c.first);
    free(c.owner);

    const int64_t listed = table->offsets[table->V];
    const double mb = (double)table->n_rows * HIDDEN * 4 / 1e6;
    const double ft_mb = ((double)table->V + BUCKETS) * HIDDEN * 4 / 1e6;
    printf("\nPTB's table, n-grams %d-%d, %d buckets:\n", MINN, MAXN, BUCKETS);
    printf("  %d words list %" PRId64 " rows (%.1f a word on average, their own included)\n", (int)table->V,
           listed, (double)listed / table->V);
    printf("  they use %d of the %d buckets (%.1f%%)\n", (int)table->n_used, BUCKETS,
           100.0 * table->n_used / BUCKETS);
    printf("  W_in: %d rows x %d = %.1f MB; fastText's %d + %d rows = %.1f MB\n", (int)table->n_rows, HIDDEN, mb,
           (int)table->V, BUCKETS, ft_mb);
}

// %% [markdown]
// ## 3. Why np.add.at matters even more here
//
// Chapter 4's Embedding backward must add (`np.add.at(dW, idx, dout)`),
// not assign (`dW[idx] = dout`), because one word may appear twice in a
// minibatch. With subwords it is no longer an edge case: every word that
// ends in `ing` names the row of `ing>`, every word that starts with `th`
// names `<th`, and in one minibatch of PTB's CBOW rows (100 targets, 10
// context words each, the textbook's batch) the most shared n-gram rows are
// named dozens of times. Every one of those names brings a contribution
// `dout[n] / c` (c: the number of rows of that word), and they must add up.
//
// Below, one minibatch drawn at random from PTB's CBOW rows
// (`create_contexts_target`, window 5): how many times some n-gram rows
// are named by its 1,000 context words, then the gradient of W_in computed
// twice: by `subword_embedding_backward` (which adds) and by a
// deliberately wrong backward that overwrites, `dW[r] = dout[n] / c`. The
// wrong one keeps only the last contribution of each row.

// %%
/* A wrong SubwordEmbedding backward: dW[r] = dout[n] / c (overwrites) for each row r of word idx[n]. */
static void overwrite_backward(const SubwordTable *table, const int32_t *idx, int N, const float *dout, int H,
                               float *dW)
{
    for (int n = 0; n < N; n++) {
        int c = 0;
        const int32_t *rows = subword_table_word_rows(table, idx[n], &c);
        for (int k = 0; k < c; k++)
            for (int j = 0; j < H; j++) dW[(size_t)rows[k] * H + j] = dout[(size_t)n * H + j] / (float)c;
    }
}

/* The first n-gram of the batch's words whose row is row, into out (size bytes); "?" if none. */
typedef struct RowName {
    const SubwordTable *table;
    int32_t row;
    char *out;
    size_t size;
    bool found;
} RowName;

static void match_row(void *ctx, const char *ngram, size_t len, uint32_t hash)
{
    RowName *r = ctx;
    if (r->found) return;
    if (subword_table_bucket_row(r->table, (int32_t)(hash % (uint32_t)r->table->buckets)) == r->row) {
        snprintf(r->out, r->size, "%.*s", (int)len, ngram);
        r->found = true;
    }
}

static double row_norm(const float *x, int H)
{
    double s = 0;
    for (int j = 0; j < H; j++) s += (double)x[j] * x[j];
    return sqrt(s);
}

static int section_add_at(const SubwordTable *table, const Vocab *vocab, const Int32Array *corpus, uint64_t seed)
{
    printf("\n== 3. Why np.add.at matters even more here ==\n");
    const int window = 5, B = 100, C = 2 * window, N = B * C, H = HIDDEN;
    Int32Array contexts = {0}, target = {0};
    DlfsError err = {0};
    if (create_contexts_target(corpus->data, corpus->size, window, &contexts, &target, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return -1;
    }
    /* one minibatch: B rows drawn at random (the trainer shuffles the rows each epoch) */
    Rng rng;
    rng_seed(&rng, seed);
    int32_t *idx = dlfs_malloc((size_t)N * sizeof *idx);
    for (int b = 0; b < B; b++) {
        const size_t r = (size_t)rng_below(&rng, target.size);
        memcpy(idx + (size_t)b * C, contexts.data + r * C, (size_t)C * sizeof *idx);
    }
    /* how many times each row is named by the batch's N context words */
    int *named = dlfs_calloc((size_t)table->n_rows, sizeof *named);
    int64_t total = 0;
    for (int n = 0; n < N; n++) {
        int c = 0;
        const int32_t *rows = subword_table_word_rows(table, idx[n], &c);
        for (int k = 0; k < c; k++) named[rows[k]]++;
        total += c;
    }
    int distinct = 0, shared = 0;
    for (int32_t r = 0; r < table->n_rows; r++) {
        distinct += named[r] > 0;
        shared += named[r] > 1;
    }
    printf("one minibatch: %d rows x %d context words = %d word ids, naming %" PRId64 " rows of W_in\n", B, C, N,
           total);
    printf("  %d distinct rows, %d of them named more than once\n", distinct, shared);

    printf("the n-gram rows named most often in this batch:\n");
    int32_t top_row = -1;
    for (int t = 0; t < 5; t++) {
        int32_t best = -1;
        for (int32_t r = table->V; r < table->n_rows; r++)
            if (named[r] > 0 && (best < 0 || named[r] > named[best])) best = r;
        if (best < 0) break;
        if (t == 0) top_row = best;
        char name[64] = "?";
        RowName rn = {.table = table, .row = best, .out = name, .size = sizeof name};
        for (int n = 0; n < N && !rn.found; n++)
            if (idx[n] != table->eos) subword_each_ngram(vocab_word(vocab, idx[n]), MINN, MAXN, match_row, &rn);
        printf("  %-7s row %6d: named %d times\n", name, (int)best, named[best]);
        named[best] = -named[best];         /* taken; restored below */
    }
    for (int32_t r = 0; r < table->n_rows; r++)
        if (named[r] < 0) named[r] = -named[r];
    printf("and the rows of three common affixes:\n");
    const char *const affixes[] = {"ing>", "<th", "ed>"};
    for (int i = 0; i < 3; i++) {
        const int32_t row =
            subword_table_bucket_row(table, (int32_t)(subword_hash(affixes[i], strlen(affixes[i])) % BUCKETS));
        printf("  %-7s row %6d: named %d times\n", affixes[i], (int)row, row >= 0 ? named[row] : 0);
    }

    /* the gradient both ways, for random W_in and dout */
    Param W;
    const int shape[2] = {table->n_rows, H};
    param_init(&W, "W_in", 2, shape, true);
    param_fill_randn(&W, 0.01, &rng);
    float *out = dlfs_malloc((size_t)N * H * sizeof *out);
    float *dout = dlfs_malloc((size_t)N * H * sizeof *dout);
    for (size_t i = 0; i < (size_t)N * H; i++) dout[i] = (float)rng_normal(&rng);
    SubwordEmbedding layer;
    subword_embedding_init(&layer, &W, table);
    subword_embedding_forward(&layer, out, idx, N);
    subword_embedding_backward(&layer, dout);
    float *dW_wrong = dlfs_calloc((size_t)table->n_rows * H, sizeof *dW_wrong);
    overwrite_backward(table, idx, N, dout, H, dW_wrong);

    /* row top_row by hand: the sum of its contributions, and the last one */
    double *sum = dlfs_calloc((size_t)H, sizeof *sum);
    float *last = dlfs_calloc((size_t)H, sizeof *last);
    int contributions = 0;
    for (int n = 0; n < N; n++) {
        int c = 0;
        const int32_t *rows = subword_table_word_rows(table, idx[n], &c);
        for (int k = 0; k < c; k++)
            if (rows[k] == top_row) {
                contributions++;
                for (int j = 0; j < H; j++) {
                    sum[j] += dout[(size_t)n * H + j] / (float)c;
                    last[j] = dout[(size_t)n * H + j] / (float)c;
                }
            }
    }
    const float *good = W.grad.data + (size_t)top_row * H;
    const float *bad = dW_wrong + (size_t)top_row * H;
    double err_sum = 0, err_last = 0, diff = 0;
    for (int j = 0; j < H; j++) {
        err_sum = fmax(err_sum, fabs(good[j] - sum[j]));
        err_last = fmax(err_last, fabs(bad[j] - last[j]));
        diff += ((double)good[j] - bad[j]) * ((double)good[j] - bad[j]);
    }
    printf("\nthe gradient of row %d (the most named), W_in and dout random:\n", (int)top_row);
    printf("  contributions dout[n] / c to it in this batch: %d\n", contributions);
    printf("  adding (subword_embedding_backward):  |dW[row]| = %.4f, the sum of all %d: %s\n", row_norm(good, H),
           contributions, err_sum < 1e-5 ? "yes" : "NO");
    printf("  overwriting (dW[rows] = g):           |dW[row]| = %.4f, the last one only: %s\n", row_norm(bad, H),
           err_last == 0 ? "yes" : "NO");
    printf("  |difference| = %.4f: the overwrite lost %d of the %d contributions\n", sqrt(diff), contributions - 1,
           contributions);
    int rows_wrong = 0;
    for (int32_t r = 0; r < table->n_rows; r++) {
        if (named[r] < 2) continue;
        for (int j = 0; j < H; j++)
            if (fabsf(W.grad.data[(size_t)r * H + j] - dW_wrong[(size_t)r * H + j]) > 1e-6f) {
                rows_wrong++;
                break;
            }
    }
    printf("  rows whose gradient the overwrite gets wrong: %d (every row named more than once)\n", rows_wrong);

    free(sum);
    free(last);
    free(dW_wrong);
    free(out);
    free(dout);
    param_free(&W);
    free(named);
    free(idx);
    int32_array_free(&contexts);
    int32_array_free(&target);
    return 0;
}

// %% [markdown]
// ## 4. Training with and without subwords
//
// The word2vec preset (`dlfs2 train --fast --preset word2vec`: CBOW,
// negative sampling, SGD from 0.05 falling linearly, subsampling, dynamic
// windows; the lab `ch04_3_eval` explains it) trained twice on PTB with
// the same seed: once as it is, once with subword input vectors, as
// `dlfs2 train --preset word2vec --subwords 3-6` does. With subwords:
//
// - W_in gets one row per word and one per used bucket (section 2), and
//   `Word2VecConfig.subwords` points at the table;
// - the fused SGD step updates as fastText does
//   (`Word2VecConfig.subword_fasttext_update`, the preset's default with
//   subwords): CBOW's h is the mean of all the rows of all the context
//   words, and each of those rows gets the whole error, not 1/c of it
//   (`docs/subwords.md` says why);
// - the word vectors written out are each word's mean of its rows (the
//   layer's forward over every id, fastText's `getWordVector`).
//
// One thing `dlfs2 train --preset word2vec --subwords` does differently:
// it draws the negatives from count^0.5, as fastText does
// (`RecipePreset.subword_power`). Here both runs keep word2vec.c's
// count^0.75, so that the subwords are the only difference between them.
//
// Both run on one thread, so the output is the same on every run. Then the
// Google analogy questions, section by section, as `dlfs2 accuracy`
// prints them (the count of correct answers in brackets). Most of the
// questions PTB covers are syntactic (plurals, tenses, adverbs in -ly,
// comparatives), and a word's spelling carries them: that is where
// subwords help, many times over. The semantic sections (capitals,
// family) gain nothing or lose a little: `brother` and `sister` share no
// spelling, and a country's name says nothing of its capital's.
//
// The quick mode's 2 epochs take the syntactic accuracy from 0.015 to
// 0.33. With `--full` (10 epochs) it goes from 0.072 to 0.576 (adverbs
// 0.016 to 0.879, plurals 0.067 to 0.643, past tenses only 0.062 to 0.165:
// `went` and `took` are not spelled like `go` and `take`), the semantic
// accuracy from 0.034 to 0.024, and the total from 0.064 to 0.464, where
// fastText's own CBOW scores 0.43 to 0.44 on the same questions (issue 22).

// %%
/* One trained model's word vectors and, with subwords, its table and the rows of W_in. */
typedef struct Trained {
    Vocab vocab;
    Tensor W;               /* (V, H) the word vectors */
    bool subwords;
    SubwordTable table;     /* with subwords: each word's rows */
    Tensor rows;            /* with subwords: W_in (table.n_rows, H) */
} Trained;

static void trained_free(Trained *t)
{
    tensor_free(&t->W);
    tensor_free(&t->rows);
    subword_table_free(&t->table);
    vocab_free(&t->vocab);
}

/*
 * `dlfs2 train --fast --preset word2vec --epochs EPOCHS --threads 1 --seed
 * SEED`, with `--subwords 3-6` when subwords: PTB's train split streamed,
 * CBOW built by the run recipe as ch04_3_eval builds it. Fills t (zeroed).
 * Returns 0, or -1 after a message.
 */
static int train(Trained *t, bool subwords, uint64_t seed, int epochs)
{
    const RecipePreset *preset = &recipe_preset_word2vec;   /* recipe/preset.h */
    RecipeData d;
    RecipeModel m = {0};
    Word2VecStream ws;
    memset(&ws, 0, sizeof ws);
    DlfsError err = {0};
    vocab_init(&t->vocab);
    t->subwords = subwords;
    int status = recipe_data_count(&d, "ptb", lab_common_options.data_dir, 0, NULL, &err);
    const int V = (int)d.vocab.size;
    Word2VecConfig cfg = word2vec_default_config(V);   /* H 100, window 5, 5 negatives */
    recipe_preset_model_config(preset, &cfg);           /* word2vec.c's CBOW update */
    if (status == DLFS_OK && subwords) {
        /* as dlfs2 train's build_subwords: every word of the vocabulary, <eos> without n-grams */
        status = subword_table_init(&t->table, &d.vocab, "<eos>", MINN, MAXN, BUCKETS, &err);
        cfg.subwords = &t->table;
        cfg.subword_fasttext_update = true;
    }
    Rng rng;
    rng_seed(&rng, seed);
    if (status == DLFS_OK) status = recipe_model_build_counts(&m, RECIPE_CBOW, &cfg, d.counts, &rng, &err);
    const Word2VecDataConfig data_cfg = recipe_preset_data_config(preset, cfg.window_size, &d.vocab);
    if (status == DLFS_OK)
        status = word2vec_stream_init(&ws, d.path, 0, &d.vocab, d.counts, &data_cfg, 1, seed, &err);
    if (status == DLFS_OK) {
        FastTrainerConfig tc = fast_trainer_default_config();
        tc.threads = 1;
        tc.epochs = epochs;
        recipe_preset_fast_config(preset, RECIPE_CBOW, &tc);   /* SGD from 0.05, rows in corpus order */
        tc.eval_interval = 1000000;
        tc.log = NULL;
        FastTrainer trainer;
        fast_trainer_init(&trainer, &tc, &m.model);
        const FastStream source = word2vec_stream_source(&ws);
        Rng rngs[1] = {rng};
        const double start = dlfs_now_s();
        status = fast_trainer_fit_stream(&trainer, &source, rngs, &err);
        if (status == DLFS_OK)
            printf("%s: W_in %d x %d, %d epochs, %ld iterations in %.1f[s]\n",
                   subwords ? "with subwords 3-6" : "without subwords", m.W_in->value.shape[0], HIDDEN, epochs,
                   trainer.total_iters, dlfs_now_s() - start);
        fast_trainer_free(&trainer);
    }
    if (status == DLFS_OK) {
        tensor_init_2d(&t->W, V, HIDDEN);
        if (subwords) {
            /* each word's mean of its rows: the layer's forward over every id */
            int32_t *ids = dlfs_malloc((size_t)V * sizeof *ids);
            for (int32_t w = 0; w < V; w++) ids[w] = w;
            SubwordEmbedding layer;
            subword_embedding_init(&layer, m.W_in, &t->table);
            subword_embedding_forward(&layer, t->W.data, ids, V);
            free(ids);
            tensor_init_2d(&t->rows, m.W_in->value.shape[0], HIDDEN);
            memcpy(t->rows.data, m.W_in->value.data, t->rows.size * sizeof(float));
        } else {
            memcpy(t->W.data, m.W_in->value.data, t->W.size * sizeof(float));
        }
        t->vocab = d.vocab;     /* the vocabulary moves to t */
        vocab_init(&d.vocab);
    } else {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
    }
    word2vec_stream_free(&ws);
    recipe_model_free(&m);
    recipe_data_free(&d);
    return status == DLFS_OK ? 0 : -1;
}

static void print_pair(const char *name, size_t c0, size_t c1, size_t covered, size_t total)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "%.4f (%zu)", analogy_fraction(c0, covered), c0);
    snprintf(b, sizeof b, "%.4f (%zu)", analogy_fraction(c1, covered), c1);
    printf("%-28s %7zu %7zu  %-14s %s\n", name, total, covered, a, b);
}

/* The analogy test of both vectors, section by section, side by side. Returns 0 or -1. */
static int accuracy_by_section(const Trained *plain, const Trained *sub, const char *path)
{
    AnalogyResult r[2];
    const Trained *t[2] = {plain, sub};
    DlfsError err = {0};
    int status = 0;
    for (int i = 0; i < 2; i++) {
        analogy_result_init(&r[i]);
        if (status == 0 && analogy_accuracy(&r[i], path, &t[i]->vocab, t[i]->W.data, t[i]->W.shape[0], HIDDEN, 0,
                                            &err) != DLFS_OK) {
            fprintf(stderr, "%s: %s\n", PROG, err.msg);
            status = -1;
        }
    }
    if (status == 0) {
        printf("\nanalogy accuracy (correct) by section, %s:\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
        printf("%-28s %7s %7s  %-14s %s\n", "section", "total", "covered", "without", "with subwords");
        for (size_t s = 0; s < r[0].n_sections; s++) {
            const AnalogySection *a = &r[0].sections[s], *b = &r[1].sections[s];
            print_pair(a->name, a->correct, b->correct, a->covered, a->total);
        }
        print_pair("semantic", r[0].semantic_correct, r[1].semantic_correct, r[0].semantic_covered,
                   r[0].semantic_total);
        print_pair("syntactic", r[0].syntactic_correct, r[1].syntactic_correct, r[0].syntactic_covered,
                   r[0].syntactic_total);
        print_pair("total", r[0].correct, r[1].correct, r[0].covered, r[0].total);
    }
    analogy_result_free(&r[0]);
    analogy_result_free(&r[1]);
    return status;
}

// %% [markdown]
// ## 5. Vectors for an unseen word
//
// A word2vec model has nothing to say about a word outside its vocabulary.
// With subwords, any string has n-grams, and those whose bucket has a row
// give it a vector: the mean of those rows (`subword_word_vector`,
// fastText's `getWordVector`; dlfs2's table has rows only for the buckets
// PTB's words use, so an n-gram no PTB word has is left out). Below, three
// words PTB's text never uses, their vectors, and the vocabulary words
// nearest to them by cosine, as `dlfs2 similar` ranks them. The neighbours
// share a stem or a suffix with the word: its spelling is all the model
// knows of it. After the quick mode's 2 epochs the suffix dominates
// (`walkings`: bookings, hearings, feelings); with `--full` the stem comes
// through too (`walkings`: wings, walking, bookings; `chinaware`:
// child-care, china, chinese, aware; `unsinkable`: unstable, liable,
// unable).

// %%
#define TOP 6

/* The TOP words of t nearest to vec (H,) by cosine (common/util.h's cos_similarity), best first. */
static int nearest(const Trained *t, const float *vec, SimilarWord *out)
{
    int n = 0;
    for (int32_t w = 0; w < t->W.shape[0]; w++) {
        const float s = cos_similarity(vec, t->W.data + (size_t)w * HIDDEN, HIDDEN, 1e-8f);
        int pos = n < TOP ? n++ : TOP;
        while (pos > 0 && out[pos - 1].similarity < s) {
            if (pos < TOP) out[pos] = out[pos - 1];
            pos--;
        }
        if (pos < TOP) out[pos] = (SimilarWord){.id = w, .similarity = s};
    }
    return n;
}

static void section_unseen(const Trained *plain, const Trained *sub)
{
    printf("\n== 5. Vectors for an unseen word ==\n");
    const char *const words[] = {"walkings", "chinaware", "unsinkable"};
    float vec[HIDDEN];
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *w = words[i];
        printf("\n[query] %s: in the vocabulary: %s", w, vocab_get(&sub->vocab, w) >= 0 ? "yes" : "no");
        printf(" (without subwords: %s)\n", vocab_get(&plain->vocab, w) >= 0 ? "a vector" : "no vector");
        const int64_t n = subword_each_ngram(w, MINN, MAXN, NULL, NULL);
        const int used = subword_word_vector(&sub->table, &sub->vocab, sub->rows.data, HIDDEN, w, vec);
        printf("%" PRId64 " n-grams, %d of them with a row: the vector is their mean\n", n, used);
        if (used == 0) continue;
        SimilarWord top[TOP];
        const int k = nearest(sub, vec, top);
        for (int j = 0; j < k; j++)
            printf(" %s: %.4f\n", vocab_word(&sub->vocab, top[j].id), (double)top[j].similarity);
    }
}

// %% [markdown]
// ## The program
//
// Options, PTB and its table (sections 1 to 3), then the two trainings
// (sections 4 and 5).

// %%
int main(int argc, char **argv)
{
    long long seed = 1, epochs = 0;
    bool full = false;
    const LabOption options[] = {
        {.name = "--full", .is_flag = true, .flag = &full},
        {.name = "--epochs", .min = 1, .max = 100, .value = &epochs, .help = "N"},
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
    };
    const int parsed = lab_parse_args(PROG, argc, argv, options, 3);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;
    if (epochs == 0) epochs = full ? 10 : 2;
    char questions_buf[4096];
    const char *questions = lab_eval_file("questions-words.txt", questions_buf, sizeof questions_buf);

    Int32Array corpus = {0};
    Vocab vocab;
    vocab_init(&vocab);
    if (lab_load_ptb(PROG, "train", &corpus, &vocab) != 0) return 1;
    SubwordTable table = {0};
    DlfsError err = {0};
    if (subword_table_init(&table, &vocab, "<eos>", MINN, MAXN, BUCKETS, &err) != DLFS_OK) {
        fprintf(stderr, "%s: %s\n", PROG, err.msg);
        return 1;
    }
    section_ngrams(&table, &vocab);
    section_hashing(&table, &vocab);
    int status = section_add_at(&table, &vocab, &corpus, (uint64_t)seed);
    subword_table_free(&table);
    int32_array_free(&corpus);
    vocab_free(&vocab);

    Trained plain = {0}, sub = {0};
    if (status == 0) {
        printf("\n== 4. Training with and without subwords ==\n");
        status = train(&plain, false, (uint64_t)seed, (int)epochs);
        if (status == 0) status = train(&sub, true, (uint64_t)seed, (int)epochs);
        if (status == 0 && questions != NULL)
            status = accuracy_by_section(&plain, &sub, questions);
        else if (status == 0)
            printf("analogy test: no questions-words.txt in the data folder (dlfs2 fetch eval)\n");
    }
    if (status == 0) section_unseen(&plain, &sub);
    trained_free(&plain);
    trained_free(&sub);
    return status == 0 ? 0 : 1;
}

// %% [markdown]
// ## Try this
//
// 1. Change `MINN` and `MAXN` to 3 and 3 (trigrams only), or 2 and 4. How
//    many rows does PTB's table get, and how do the syntactic sections of
//    section 4 move?
// 2. Set `BUCKETS` to 10,000. How many collisions are there now, and what
//    do they cost in analogy accuracy?
// 3. Train with `--full` and ask section 5 about your own made-up words
//    (`unbuyable`, `japanization`). When do the neighbours stop making
//    sense?
