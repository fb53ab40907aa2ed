/*
 * analogy.c — the Google analogy test (see analogy.h): read the questions,
 * look their words up case-insensitively, and answer the covered ones by
 * 3CosAdd, a chunk of questions per cblas_sgemm.
 *
 * word2vec.c's compute-accuracy loops over the vocabulary once per
 * question; gensim calls most_similar once per question. Stacking a chunk
 * of queries into a matrix turns the Q·V dot products into one GEMM
 * (queries (m, H) × Ŵᵀ (H, V) → scores (m, V)), which is what makes the
 * 19,544 questions take about a second on a 10,000-word vocabulary.
 */
#include "evaluation/analogy.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/blas.h"
#include "common/check.h"
#include "common/textfile.h"
#include "evaluation/lower_vocab.h"

/* The scores of one chunk take at most this many floats (256 MiB) when chunk = 0. */
#define MAX_SCORE_FLOATS ((size_t)1 << 26)

/* A covered question: the ids standing for its words (the lowest id of their case variants). */
typedef struct Question {
    int32_t a, b, c, d;
    size_t section;   /* index into AnalogyResult.sections */
} Question;

typedef struct QuestionList {
    Question *items;
    size_t size, capacity;
} QuestionList;

void analogy_result_init(AnalogyResult *self)
{
    memset(self, 0, sizeof *self);
}

void analogy_result_free(AnalogyResult *self)
{
    for (size_t i = 0; i < self->n_sections; i++) free(self->sections[i].name);
    free(self->sections);
    memset(self, 0, sizeof *self);
}

double analogy_fraction(size_t correct, size_t covered)
{
    return covered > 0 ? (double)correct / (double)covered : 0.0;
}

static void add_section(AnalogyResult *self, const char *name)
{
    if (self->n_sections == self->capacity) {
        self->capacity = self->capacity ? 2 * self->capacity : 16;
        self->sections = dlfs_realloc(self->sections, self->capacity * sizeof *self->sections);
    }
    AnalogySection *s = &self->sections[self->n_sections++];
    const size_t len = strlen(name);
    *s = (AnalogySection){.name = dlfs_malloc(len + 1), .syntactic = strncmp(name, "gram", 4) == 0};
    memcpy(s->name, name, len + 1);
}

static void push_question(QuestionList *list, Question q)
{
    if (list->size == list->capacity) {
        list->capacity = list->capacity ? 2 * list->capacity : 1024;
        list->items = dlfs_realloc(list->items, list->capacity * sizeof *list->items);
    }
    list->items[list->size++] = q;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Reads the questions file: fills the sections' and self's totals and
 * `covered`, and lists the covered questions.
 */
static int read_questions(AnalogyResult *self, QuestionList *list, const char *path, const LowerVocab *lv,
                          DlfsError *err)
{
    TextFile file;
    int rc = text_file_open(&file, path, err);
    if (rc) return rc;
    for (char *line; (line = text_file_next_line(&file));) {
        char *p = line;
        while (is_blank(*p)) p++;
        if (!*p) continue;  /* a blank line */
        if (*p == ':') {    /* ": name" (gensim: line.lstrip(': ').strip()) */
            char *name = p + 1;
            while (is_blank(*name)) name++;
            char *end = name + strlen(name);
            while (end > name && is_blank(end[-1])) *--end = '\0';
            if (!*name) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: section line ':' without a name", path,
                               file.lineno);
                goto fail;
            }
            add_section(self, name);
            continue;
        }
        char *words[4];
        int n = 0;
        for (char *w; (w = text_next_field(&p));) {
            if (n < 4) words[n] = w;
            n++;
        }
        if (n != 4) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                           "%s:%zu: expected a question 'a b c d' (4 words) or a section ': name', found %d "
                           "word%s",
                           path, file.lineno, n, n == 1 ? "" : "s");
            goto fail;
        }
        if (self->n_sections == 0) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: question before the first section line ': name'",
                           path, file.lineno);
            goto fail;
        }
        const size_t si = self->n_sections - 1;
        AnalogySection *s = &self->sections[si];
        s->total++;
        int32_t ids[4];
        int known = 1;
        for (int k = 0; k < 4; k++) {
            ids[k] = lower_vocab_get(lv, words[k]);
            known = known && ids[k] >= 0;
        }
        if (!known) continue;
        s->covered++;
        push_question(list, (Question){.a = ids[0], .b = ids[1], .c = ids[2], .d = ids[3], .section = si});
    }
    rc = DLFS_OK;
fail:
    text_file_close(&file);
    return rc;
}

/* Wn = W with every row divided by its L2 norm (computed in double); zero rows stay zero. */
static void normalize_rows(float *Wn, const float *W, int V, int H)
{
    for (int i = 0; i < V; i++) {
        const float *w = W + (size_t)i * (size_t)H;
        float *out = Wn + (size_t)i * (size_t)H;
        double ss = 0.0;
        for (int j = 0; j < H; j++) ss += (double)w[j] * (double)w[j];
        const double inv = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
        for (int j = 0; j < H; j++) out[j] = (float)((double)w[j] * inv);
    }
}

/* Sets the scores of id's case variants (id is the lowest of them) to -inf. */
static void exclude_variants(float *scores, const LowerVocab *lv, int32_t id)
{
    for (int32_t v = id; v >= 0; v = lv->next_variant[v]) scores[v] = -INFINITY;
}

/*
 * Answers the n covered questions, `rows` at a time; correct[k] = 1 when
 * question k's prediction is a case variant of its d.
 */
static void answer_questions(unsigned char *correct, const Question *q, size_t n, const LowerVocab *lv,
                             const float *Wn, int V, int H, int rows)
{
    float *Q = dlfs_malloc((size_t)rows * (size_t)H * sizeof *Q);
    float *S = dlfs_malloc((size_t)rows * (size_t)V * sizeof *S);
    for (size_t start = 0; start < n; start += (size_t)rows) {
        const int m = n - start < (size_t)rows ? (int)(n - start) : rows;
        for (int r = 0; r < m; r++) {
            const Question *qr = &q[start + (size_t)r];
            const float *a = Wn + (size_t)qr->a * (size_t)H;
            const float *b = Wn + (size_t)qr->b * (size_t)H;
            const float *c = Wn + (size_t)qr->c * (size_t)H;
            float *out = Q + (size_t)r * (size_t)H;
            for (int j = 0; j < H; j++) out[j] = b[j] - a[j] + c[j];
        }
        /* S (m, V) = Q (m, H) · Wnᵀ (H, V) */
        blas_sgemm(CblasNoTrans, CblasTrans, m, V, H, 1.0f, Q, H, Wn, H, 0.0f, S, V);
#pragma omp parallel for schedule(static)
        for (int r = 0; r < m; r++) {
            const Question *qr = &q[start + (size_t)r];
            float *scores = S + (size_t)r * (size_t)V;
            exclude_variants(scores, lv, qr->a);
            exclude_variants(scores, lv, qr->b);
            exclude_variants(scores, lv, qr->c);
            int32_t best = -1;
            float best_score = -INFINITY;
            for (int32_t w = 0; w < V; w++) {
                if (scores[w] > best_score) {  /* strict: ties go to the lowest id */
                    best_score = scores[w];
                    best = w;
                }
            }
            correct[start + (size_t)r] = best >= 0 && lv->canon[best] == qr->d;
        }
    }
    free(S);
    free(Q);
}

int analogy_accuracy(AnalogyResult *self, const char *path, const Vocab *vocab, const float *W, int V, int H,
                     int chunk, DlfsError *err)
{
    DLFS_ASSERT(V >= 1 && H >= 1 && V == vocab->size && chunk >= 0);
    DLFS_ASSERT(self->n_sections == 0 && self->sections == NULL);

    LowerVocab lv;
    lower_vocab_init(&lv, vocab);
    QuestionList list = {0};
    int rc = read_questions(self, &list, path, &lv, err);
    if (rc) goto fail;

    if (list.size > 0) {
        int rows = chunk;
        if (rows == 0) {
            const size_t cap = MAX_SCORE_FLOATS / (size_t)V;
            rows = cap < ANALOGY_DEFAULT_CHUNK ? (int)(cap > 0 ? cap : 1) : ANALOGY_DEFAULT_CHUNK;
        }
        if ((size_t)rows > list.size) rows = (int)list.size;
        float *Wn = dlfs_malloc((size_t)V * (size_t)H * sizeof *Wn);
        normalize_rows(Wn, W, V, H);
        unsigned char *correct = dlfs_calloc(list.size, 1);
        answer_questions(correct, list.items, list.size, &lv, Wn, V, H, rows);
        for (size_t k = 0; k < list.size; k++) self->sections[list.items[k].section].correct += correct[k];
        free(correct);
        free(Wn);
    }

    for (size_t i = 0; i < self->n_sections; i++) {
        const AnalogySection *s = &self->sections[i];
        self->correct += s->correct;
        self->covered += s->covered;
        self->total += s->total;
        if (s->syntactic) {
            self->syntactic_correct += s->correct;
            self->syntactic_covered += s->covered;
            self->syntactic_total += s->total;
        } else {
            self->semantic_correct += s->correct;
            self->semantic_covered += s->covered;
            self->semantic_total += s->total;
        }
    }
    rc = DLFS_OK;
fail:
    free(list.items);
    lower_vocab_free(&lv);
    if (rc) analogy_result_free(self);
    return rc;
}
