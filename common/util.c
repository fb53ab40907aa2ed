/*
 * util.c — the textbook's common/util.py helpers: preprocess,
 * create_contexts_target, create_co_matrix, ppmi, convert_one_hot,
 * cos_similarity, normalize, most_similar, analogy (and their forms over
 * vectors, most_similar_vector and analogy_vectors).
 */
#include "common/util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"

int preprocess(const char *text, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    /* text.lower().replace('.', ' .').split() */
    const size_t len = strlen(text);
    char *buf = dlfs_malloc(2 * len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '.') buf[n++] = ' ';
        buf[n++] = (char)tolower((unsigned char)text[i]);
    }
    buf[n] = '\0';

    size_t n_words = 0, cap = 16;
    int32_t *ids = dlfs_malloc(cap * sizeof *ids);
    for (char *save = NULL, *w = strtok_r(buf, " \t\r\n\v\f", &save); w;
         w = strtok_r(NULL, " \t\r\n\v\f", &save)) {
        if (n_words == cap) ids = dlfs_realloc(ids, (cap *= 2) * sizeof *ids);
        ids[n_words++] = vocab_add(vocab, w);
    }
    free(buf);
    if (n_words == 0) {
        free(ids);
        corpus->data = NULL;
        corpus->size = 0;
        return dlfs_fail(err, DLFS_ERR_FORMAT, "the text holds no words");
    }
    corpus->data = ids;
    corpus->size = n_words;
    return DLFS_OK;
}

int create_contexts_target_count(size_t corpus_size, int window, size_t *n, DlfsError *err)
{
    *n = 0;
    if (window < 1) return dlfs_fail(err, DLFS_ERR_ARG, "window must be >= 1, got %d", window);
    if (corpus_size <= 2 * (size_t)window)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "window %d needs a corpus of more than %d words, this one has %zu",
                         window, 2 * window, corpus_size);
    *n = corpus_size - 2 * (size_t)window;
    return DLFS_OK;
}

/* Pair i: target corpus[i + w], contexts corpus[i .. i + 2w] without it, left to right. */
static inline void make_pair(const int32_t *corpus, int window, size_t i, int32_t *row, int32_t *target)
{
    const int32_t *span = corpus + i;
    memcpy(row, span, (size_t)window * sizeof *row);
    memcpy(row + window, span + window + 1, (size_t)window * sizeof *row);
    *target = span[window];
}

int create_contexts_target(const int32_t *corpus, size_t corpus_size, int window,
                           Int32Array *contexts, Int32Array *target, DlfsError *err)
{
    contexts->data = target->data = NULL;
    contexts->size = target->size = 0;
    size_t n;
    const int status = create_contexts_target_count(corpus_size, window, &n, err);
    if (status != DLFS_OK) return status;
    const size_t width = 2 * (size_t)window;
    int32_array_init(contexts, n * width);
    int32_array_init(target, n);
    for (size_t i = 0; i < n; i++) make_pair(corpus, window, i, contexts->data + i * width, &target->data[i]);
    return DLFS_OK;
}

void create_contexts_target_rows(const int32_t *corpus, size_t corpus_size, int window, const int32_t *rows,
                          size_t n, int32_t *contexts, int32_t *target)
{
    DLFS_ASSERT(window >= 1 && corpus_size > 2 * (size_t)window);
    const size_t n_pairs = corpus_size - 2 * (size_t)window;
    const size_t width = 2 * (size_t)window;
    for (size_t k = 0; k < n; k++) {
        DLFS_ASSERT(rows[k] >= 0 && (size_t)rows[k] < n_pairs);
        make_pair(corpus, window, (size_t)rows[k], contexts + k * width, &target[k]);
    }
}

void create_co_matrix(const int32_t *corpus, size_t corpus_size, int vocab_size, int window_size,
                      int32_t *co_matrix)
{
    DLFS_ASSERT(vocab_size >= 1 && window_size >= 0);
    const size_t V = (size_t)vocab_size;
    for (size_t t = 0; t < corpus_size; t++) DLFS_ASSERT(corpus[t] >= 0 && corpus[t] < vocab_size);
    memset(co_matrix, 0, V * V * sizeof *co_matrix);
    for (size_t t = 0; t < corpus_size; t++) {
        int32_t *row = co_matrix + (size_t)corpus[t] * V;
        for (size_t d = 1; d <= (size_t)window_size; d++) {
            if (d <= t) row[corpus[t - d]]++;                 /* left neighbour */
            if (d < corpus_size - t) row[corpus[t + d]]++;    /* right: t + d < corpus_size */
        }
    }
}

/* Above this many rows the V * V logarithms are split across threads. */
enum { PPMI_PARALLEL_MIN_ROWS = 256 };

void ppmi(const int32_t *C, int V, float *M, float eps)
{
    DLFS_ASSERT(V >= 1);
    const size_t n = (size_t)V;
    int64_t *S = dlfs_calloc(n, sizeof *S);   /* column sums, np.sum(C, axis=0) */
    int64_t N = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            S[j] += C[i * n + j];
            N += C[i * n + j];
        }
#pragma omp parallel for schedule(static) if (V >= PPMI_PARALLEL_MIN_ROWS)
    for (int i = 0; i < V; i++) {
        for (size_t j = 0; j < n; j++) {
            const double denom = (double)S[j] * (double)S[i];
            /* denom 0: NumPy's 0/0 = nan, and max(0, nan) is 0 */
            const double c = C[(size_t)i * n + j];
            const double pmi = denom > 0.0 ? log2(c * (double)N / denom + eps) : 0.0;
            M[(size_t)i * n + j] = pmi > 0.0 ? (float)pmi : 0.0f;
        }
    }
    free(S);
}

void convert_one_hot(const int32_t *ids, size_t n, int vocab_size, int32_t *one_hot)
{
    DLFS_ASSERT(vocab_size >= 1);
    const size_t V = (size_t)vocab_size;
    memset(one_hot, 0, n * V * sizeof *one_hot);
    for (size_t k = 0; k < n; k++) {
        DLFS_ASSERT(ids[k] >= 0 && ids[k] < vocab_size);
        one_hot[k * V + (size_t)ids[k]] = 1;
    }
}

float cos_similarity(const float *x, const float *y, int H, float eps)
{
    double xx = 0.0, yy = 0.0, xy = 0.0;
    for (int k = 0; k < H; k++) {
        xx += (double)x[k] * x[k];
        yy += (double)y[k] * y[k];
        xy += (double)x[k] * y[k];
    }
    return (float)(xy / ((sqrt(xx) + eps) * (sqrt(yy) + eps)));
}

void normalize(float *x, int rows, int H)
{
    for (int r = 0; r < rows; r++) {
        float *row = x + (size_t)r * H;
        double s = 0.0;
        for (int k = 0; k < H; k++) s += (double)row[k] * row[k];
        const float norm = (float)sqrt(s);
        for (int k = 0; k < H; k++) row[k] /= norm;
    }
}

/* Inserts (id, sim) into out[0..*n) kept best first, at most top entries. */
static void top_insert(SimilarWord *out, int *n, int top, int32_t id, float sim)
{
    if (*n == top && !(sim > out[top - 1].similarity)) return;
    int i = *n < top ? (*n)++ : top - 1;
    while (i > 0 && sim > out[i - 1].similarity) {
        out[i] = out[i - 1];
        i--;
    }
    out[i] = (SimilarWord){id, sim};
}

int most_similar_vector(const float *query, int32_t exclude, const float *word_matrix, int V, int H,
                        int top, SimilarWord *out)
{
    DLFS_ASSERT(V >= 0 && top >= 0);
    if (top == 0) return 0;
    int n = 0;
    for (int32_t i = 0; i < V; i++) {
        if (i == exclude) continue;
        const float sim = cos_similarity(word_matrix + (size_t)i * H, query, H, 1e-8f);
        if (isnan(sim)) continue;
        top_insert(out, &n, top, i, sim);
    }
    return n;
}

int most_similar(const char *query, const Vocab *vocab, const float *word_matrix, int V, int H,
                 int top, SimilarWord *out, DlfsError *err)
{
    DLFS_ASSERT(V == vocab->size && top >= 0);
    const int32_t query_id = vocab_get(vocab, query);
    if (query_id < 0) return dlfs_fail(err, DLFS_ERR_NOT_FOUND, "'%s' is not in the vocabulary", query);
    return most_similar_vector(word_matrix + (size_t)query_id * H, query_id, word_matrix, V, H, top,
                               out);
}

int analogy_vectors(const float *a_vec, const float *b_vec, const float *c_vec,
                    const int32_t exclude[3], const float *word_matrix, int V, int H, int top,
                    SimilarWord *out)
{
    DLFS_ASSERT(V >= 0 && top >= 0);
    if (top == 0) return 0;
    float *query_vec = dlfs_malloc((size_t)H * sizeof *query_vec);
    for (int k = 0; k < H; k++) query_vec[k] = b_vec[k] - a_vec[k] + c_vec[k];
    normalize(query_vec, 1, H);
    int n = 0;
    for (int32_t i = 0; i < V; i++) {
        if (i == exclude[0] || i == exclude[1] || i == exclude[2]) continue;
        const float *row = word_matrix + (size_t)i * H;
        double s = 0.0;
        for (int k = 0; k < H; k++) s += (double)row[k] * query_vec[k];
        if (isnan(s)) continue;
        top_insert(out, &n, top, i, (float)s);
    }
    free(query_vec);
    return n;
}

int analogy(const char *a, const char *b, const char *c, const Vocab *vocab,
            const float *word_matrix, int V, int H, int top, SimilarWord *out, DlfsError *err)
{
    DLFS_ASSERT(V == vocab->size && top >= 0);
    const char *words[3] = {a, b, c};
    int32_t ids[3];
    for (int i = 0; i < 3; i++) {
        ids[i] = vocab_get(vocab, words[i]);
        if (ids[i] < 0) return dlfs_fail(err, DLFS_ERR_NOT_FOUND, "'%s' is not in the vocabulary", words[i]);
    }
    return analogy_vectors(word_matrix + (size_t)ids[0] * H, word_matrix + (size_t)ids[1] * H,
                           word_matrix + (size_t)ids[2] * H, ids, word_matrix, V, H, top, out);
}
