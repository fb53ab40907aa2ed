/* mpi_sync.c — model averaging across MPI ranks (see mpi_sync.h). */
#include "distributed/mpi_sync.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/clock.h"

/* An MPI call's failure as DLFS_ERR_IO with MPI's words. */
static int mpi_fail(DlfsError *err, int rc, const char *call)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "MPI error %d", rc);
    return dlfs_fail(err, DLFS_ERR_IO, "%s failed: %s", call, msg);
}

/* Ids sorted by falling count, ties by id. */
static const int64_t *sort_counts;
static int by_count(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    if (sort_counts[x] != sort_counts[y]) return sort_counts[x] > sort_counts[y] ? -1 : 1;
    return (x > y) - (x < y);
}

int mpi_sync_init(MpiSync *s, MPI_Comm comm, Param **params, int n_params, const int64_t *counts, int V,
                  const FastStream *inner, const MpiSyncConfig *cfg, volatile sig_atomic_t *stop,
                  DlfsError *err)
{
    memset(s, 0, sizeof *s);
    if (cfg->every_words < 0 || (cfg->every_words == 0 && !(cfg->every_s > 0.0)) || cfg->partial < 0)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "sync settings: every %g s or every %lld words (one > 0), partial %d (>= 0)", cfg->every_s,
                         (long long)cfg->every_words, cfg->partial);
    int rc = MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    if (rc != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Comm_set_errhandler");
    if ((rc = MPI_Comm_rank(comm, &s->rank)) != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Comm_rank");
    if ((rc = MPI_Comm_size(comm, &s->size)) != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Comm_size");
    s->comm = comm;
    s->params = params;
    s->n_params = n_params;
    s->V = V;
    s->cfg = *cfg;
    s->inner = *inner;
    s->stop = stop;
    for (int v = 0; v < V; v++) s->total += counts[v];
    s->order = dlfs_malloc((size_t)V * sizeof *s->order);
    for (int v = 0; v < V; v++) s->order[v] = v;
    sort_counts = counts;
    qsort(s->order, (size_t)V, sizeof *s->order, by_count);
    sort_counts = NULL;
    return DLFS_OK;
}

void mpi_sync_free(MpiSync *s)
{
    free(s->order);
    free(s->buf);
    memset(s, 0, sizeof *s);
}

/* In-place sum of x (n,) float over the ranks, in pieces MPI's int count can hold. */
static int allreduce_floats(MpiSync *s, float *x, size_t n, DlfsError *err)
{
    const size_t piece = (size_t)1 << 28;
    for (size_t off = 0; off < n; off += piece) {
        const size_t m = n - off < piece ? n - off : piece;
        const int rc = MPI_Allreduce(MPI_IN_PLACE, x + off, (int)m, MPI_FLOAT, MPI_SUM, s->comm);
        if (rc != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Allreduce");
    }
    s->floats += (double)n;
    return DLFS_OK;
}

/*
 * The mean over the ranks of `rows` rows of p, `row` floats each: rows
 * order[0 .. rows) when order is given (a word-indexed param, the partial
 * rule), else p's first rows, all of it. The rows go through the buffer, so
 * the rank's other threads write to the weights meanwhile, not to what is
 * being reduced.
 */
static int average(MpiSync *s, Param *p, const int32_t *order, size_t rows, size_t row, DlfsError *err)
{
    const size_t n = rows * row;
    if (n > s->buf_cap) {
        s->buf_cap = n;
        s->buf = dlfs_realloc(s->buf, n * sizeof *s->buf);
    }
    float *w = p->value.data;
    for (size_t k = 0; k < rows; k++)
        memcpy(s->buf + k * row, w + (order ? (size_t)order[k] : k) * row, row * sizeof *w);
    const int status = allreduce_floats(s, s->buf, n, err);
    if (status != DLFS_OK) return status;
    const float inv = 1.0f / (float)s->size;
    for (size_t k = 0; k < rows; k++) {
        float *dst = w + (order ? (size_t)order[k] : k) * row;
        const float *src = s->buf + k * row;
        for (size_t j = 0; j < row; j++) dst[j] = src[j] * inv;
    }
    return DLFS_OK;
}

/* This rank's part of the epoch read, as a part of all ranks' words (inner's fraction). */
static double local_fraction(const MpiSync *s)
{
    return s->inner.epoch_fraction(s->inner.ctx);
}

int mpi_sync_average(MpiSync *s, bool done, bool full, bool *all_done, DlfsError *err)
{
    const double start = dlfs_now_s();
    s->syncs++;
    const double local = local_fraction(s);
    const double run_tokens = (double)s->inner.tokens_read(s->inner.ctx);
    const int stop_here = s->stop && *s->stop;
    double state[4] = {done ? 1.0 : 0.0, local, run_tokens, stop_here ? 1.0 : 0.0};
    int rc = MPI_Allreduce(MPI_IN_PLACE, state, 4, MPI_DOUBLE, MPI_SUM, s->comm);
    if (rc != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Allreduce");
    *all_done = state[0] >= (double)s->size;
    s->local_at_sync = local;
    s->global_at_sync = state[1];
    s->run_tokens_at_sync = run_tokens;
    s->global_run_tokens_at_sync = state[2];
    if (state[3] > 0.0 && s->stop && !*s->stop) *s->stop = SIGINT;   /* a rank was stopped: all stop */
    /* the rows due: all, or the most frequent partial << ctz(k). Every rank must
     * reduce the same rows: k counts the same syncs everywhere, and the end of
     * the epoch (every rank done) is decided from the reduced state, so a rank
     * that has finished its part and one that has not agree */
    int rows = s->V;
    if (s->cfg.partial > 0 && !full && !*all_done) {
        const long k = s->syncs;
        int shift = 0;
        while (shift < 30 && !((k >> shift) & 1)) shift++;
        const long long n = (long long)s->cfg.partial << shift;
        if (n < s->V) rows = (int)n;
    }
    int status = DLFS_OK;
    for (int i = 0; i < s->n_params && status == DLFS_OK; i++) {
        Param *p = s->params[i];
        const bool words = p->value.ndim == 2 && p->value.shape[0] == s->V;
        status = words && rows < s->V
                     ? average(s, p, s->order, (size_t)rows, (size_t)p->value.size / (size_t)s->V, err)
                     : average(s, p, NULL, 1, p->value.size, err);
    }
    s->sync_s += dlfs_now_s() - start;
    return status;
}

/* ---- the FastStream ------------------------------------------------------- */

static void schedule_next(MpiSync *s)
{
    if (s->cfg.every_words > 0)
        s->next_words = local_fraction(s) * (double)s->total + (double)s->cfg.every_words;
    else
        s->next_time = dlfs_now_s() + s->cfg.every_s;
}

static int sync_begin_epoch(void *ctx, int epoch, DlfsError *err)
{
    MpiSync *s = ctx;
    const int status = s->inner.begin_epoch(s->inner.ctx, epoch, err);
    if (status != DLFS_OK) return status;
    s->local_at_sync = 0.0;
    s->global_at_sync = 0.0;
    s->run_tokens_at_sync = (double)s->inner.tokens_read(s->inner.ctx);
    s->global_run_tokens_at_sync = s->run_tokens_at_sync * s->size;
    schedule_next(s);
    return DLFS_OK;
}

static int sync_next_batch(void *ctx, int thread, int32_t *contexts, int32_t *target, int B, DlfsError *err)
{
    MpiSync *s = ctx;
    if (thread == 0) {
        const bool due = s->cfg.every_words > 0 ? local_fraction(s) * (double)s->total >= s->next_words
                                                : dlfs_now_s() >= s->next_time;
        if (due) {
            bool all_done;
            const int status = mpi_sync_average(s, false, false, &all_done, err);
            if (status != DLFS_OK) return status;
            schedule_next(s);
            if (s->stop && *s->stop) return 0;   /* another rank was stopped: this one's part ends here */
        }
    }
    return s->inner.next_batch(s->inner.ctx, thread, contexts, target, B, err);
}

static double sync_epoch_fraction(void *ctx)
{
    const MpiSync *s = ctx;
    return s->global_at_sync + (local_fraction(s) - s->local_at_sync) * (double)s->size;
}

static int64_t sync_tokens_read(void *ctx)
{
    const MpiSync *s = ctx;
    const double local = (double)s->inner.tokens_read(s->inner.ctx);
    return (int64_t)(s->global_run_tokens_at_sync + (local - s->run_tokens_at_sync) * (double)s->size);
}

static int sync_end_epoch(void *ctx, int epoch, DlfsError *err)
{
    MpiSync *s = ctx;
    bool all_done = false;
    while (!all_done) {
        /* partial syncs while some rank trains (all ranks must reduce the same rows); the
         * last, when every rank is done, averages every row, so every rank holds the same weights */
        const int status = mpi_sync_average(s, true, false, &all_done, err);
        if (status != DLFS_OK) return status;
    }
    return s->inner.end_epoch ? s->inner.end_epoch(s->inner.ctx, epoch, err) : DLFS_OK;
}

FastStream mpi_sync_source(MpiSync *s)
{
    return (FastStream){
        .begin_epoch = sync_begin_epoch,
        .next_batch = sync_next_batch,
        .epoch_fraction = sync_epoch_fraction,
        .tokens_read = sync_tokens_read,
        .end_epoch = sync_end_epoch,
        .ctx = s,
    };
}

/* ---- setting up ------------------------------------------------------------ */

int mpi_broadcast_params(MPI_Comm comm, int root, Param **params, int n, DlfsError *err)
{
    const size_t piece = (size_t)1 << 28;
    for (int i = 0; i < n; i++) {
        float *x = params[i]->value.data;
        const size_t size = params[i]->value.size;
        for (size_t off = 0; off < size; off += piece) {
            const size_t m = size - off < piece ? size - off : piece;
            const int rc = MPI_Bcast(x + off, (int)m, MPI_FLOAT, root, comm);
            if (rc != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Bcast");
        }
    }
    return DLFS_OK;
}

int mpi_check_same(MPI_Comm comm, uint64_t hash, const char *what, DlfsError *err)
{
    int size = 0, rc = MPI_Comm_size(comm, &size);
    if (rc != MPI_SUCCESS) return mpi_fail(err, rc, "MPI_Comm_size");
    unsigned long long *all = dlfs_malloc((size_t)size * sizeof *all);
    const unsigned long long mine = hash;
    rc = MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all, 1, MPI_UNSIGNED_LONG_LONG, comm);
    int status = DLFS_OK;
    if (rc != MPI_SUCCESS) {
        status = mpi_fail(err, rc, "MPI_Allgather");
    } else {
        for (int r = 1; r < size; r++)
            if (all[r] != all[0]) {
                status = dlfs_fail(err, DLFS_ERR_FORMAT,
                                   "rank %d's %s differs from rank 0's: every rank must train on the same one", r,
                                   what);
                break;
            }
    }
    free(all);
    return status;
}
