/*
 * wordsim.c — word-pair similarity benchmarks (see wordsim.h): read the
 * pairs, cosine-score the ones in the vocabulary, and correlate with the
 * human scores by Spearman's rho with average ranks for ties (and
 * Pearson's r), as gensim's evaluate_word_pairs does with scipy.
 */
#include "evaluation/wordsim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/textfile.h"
#include "evaluation/lower_vocab.h"

void wordsim_rank_average(double *ranks, const double *x, size_t n)
{
    size_t *order = dlfs_malloc((n > 0 ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = i;
    /* Bottom-up merge sort of the indices by x (qsort's comparator could not see x). */
    size_t *tmp = dlfs_malloc((n > 0 ? n : 1) * sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            const size_t mid = lo + width < n ? lo + width : n;
            const size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) tmp[k++] = x[order[j]] < x[order[i]] ? order[j++] : order[i++];
            while (i < mid) tmp[k++] = order[i++];
            while (j < hi) tmp[k++] = order[j++];
        }
        memcpy(order, tmp, n * sizeof *order);
    }
    free(tmp);
    /* Sorted positions i .. j-1 hold equal values: ranks i+1 .. j, whose mean is (i + 1 + j) / 2. */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && x[order[j]] == x[order[i]]) j++;
        const double rank = 0.5 * (double)(i + 1 + j);
        for (size_t k = i; k < j; k++) ranks[order[k]] = rank;
        i = j;
    }
    free(order);
}

double wordsim_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx == 0.0 || syy == 0.0) return NAN;
    const double r = sxy / sqrt(sxx * syy);
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

double wordsim_spearman(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    double *rx = dlfs_malloc(2 * n * sizeof *rx);
    double *ry = rx + n;
    wordsim_rank_average(rx, x, n);
    wordsim_rank_average(ry, y, n);
    const double rho = wordsim_pearson(rx, ry, n);
    free(rx);
    return rho;
}

/* cos(x, y) of two (H,) float32 rows, in double; 0 when either is zero. */
static double cosine(const float *x, const float *y, int H)
{
    double xy = 0.0, xx = 0.0, yy = 0.0;
    for (int j = 0; j < H; j++) {
        xy += (double)x[j] * (double)y[j];
        xx += (double)x[j] * (double)x[j];
        yy += (double)y[j] * (double)y[j];
    }
    return xx > 0.0 && yy > 0.0 ? xy / (sqrt(xx) * sqrt(yy)) : 0.0;
}

/* A growable pair of columns: model (cosine) and human scores of the used pairs. */
typedef struct Columns {
    double *model, *human;
    size_t size, capacity;
} Columns;

static void columns_push(Columns *c, double model, double human)
{
    if (c->size == c->capacity) {
        c->capacity = c->capacity ? 2 * c->capacity : 512;
        c->model = dlfs_realloc(c->model, c->capacity * sizeof *c->model);
        c->human = dlfs_realloc(c->human, c->capacity * sizeof *c->human);
    }
    c->model[c->size] = model;
    c->human[c->size] = human;
    c->size++;
}

int wordsim_evaluate(WordSimResult *self, const char *path, const Vocab *vocab, const float *W, int V, int H,
                     DlfsError *err)
{
    DLFS_ASSERT(V >= 1 && H >= 1 && V == vocab->size);
    memset(self, 0, sizeof *self);

    TextFile file;
    int rc = text_file_open(&file, path, err);
    if (rc) return rc;
    LowerVocab lv;
    lower_vocab_init(&lv, vocab);
    Columns cols = {0};

    for (char *line; (line = text_file_next_line(&file));) {
        char *p = line;
        char *fields[3];
        int n = 0;
        for (char *f; (f = text_next_field(&p));) {
            if (n == 0 && f[0] == '#') break;  /* a comment */
            if (n < 3) fields[n] = f;
            n++;
        }
        if (n == 0) continue;  /* a blank or comment line */
        if (n != 3) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: expected 'word1 word2 score', found %d field%s", path,
                           file.lineno, n, n == 1 ? "" : "s");
            goto fail;
        }
        char *stop;
        const double score = strtod(fields[2], &stop);
        if (stop == fields[2] || *stop || !isfinite(score)) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: score '%.40s' is not a finite number", path,
                           file.lineno, fields[2]);
            goto fail;
        }
        self->total++;
        const int32_t a = lower_vocab_get(&lv, fields[0]);
        const int32_t b = lower_vocab_get(&lv, fields[1]);
        if (a < 0 || b < 0) continue;
        columns_push(&cols, cosine(W + (size_t)a * (size_t)H, W + (size_t)b * (size_t)H, H), score);
    }
    self->used = cols.size;
    self->skipped = self->total - self->used;
    self->spearman = wordsim_spearman(cols.model, cols.human, cols.size);
    self->pearson = wordsim_pearson(cols.model, cols.human, cols.size);
    rc = DLFS_OK;
fail:
    if (rc) memset(self, 0, sizeof *self);
    free(cols.model);
    free(cols.human);
    lower_vocab_free(&lv);
    text_file_close(&file);
    return rc;
}
