/*
 * test_mpi_sync.c — distributed/mpi_sync.h's averaging, run by
 * tests/test_mpi.sh under `mpirun -np 2` (built only with MPI). Each rank
 * fills its params with values of its own, known to both ranks, so each
 * checks the exact float result: (a_0 + a_1) * 0.5f after a full sync; with
 * --sync-partial K, sync k averages the K << ctz(k) most frequent word rows
 * and leaves the others as each rank had them, while a param whose rows are
 * not words is averaged whole; the global counts (parts read, tokens, done,
 * the stop flag) are sums over the ranks. Plain checks, not cmocka (a
 * failing rank must still take part in the collective calls): rank 0 prints
 * "mpi_sync: all N checks passed on both ranks" and every rank exits 0, or
 * the failures go to stderr and the ranks exit 1.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/mpi_sync.h"

enum { V = 6, H = 3, NW = 4, N_PARAMS = 3 };

/* counts: by falling count the word ids are 1, 3, 4, 5, 0, 2 */
static const int64_t counts[V] = {5, 50, 1, 30, 20, 10};
static const int32_t by_count[V] = {1, 3, 4, 5, 0, 2};

static int rank, checks, failures;

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        checks++;                                                                 \
        if (!(cond)) {                                                            \
            failures++;                                                           \
            fprintf(stderr, "rank %d: %s:%d: %s: ", rank, __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                         \
            fputc('\n', stderr);                                                  \
        }                                                                         \
    } while (0)

/* Rank r's value of element i of param p in round `round`: distinct, not
 * simple binary fractions, so a sum in another order or a division by
 * another count would show. */
static float value_of(int r, int p, size_t i, int round)
{
    return (float)(r + 1) * 0.1f * (float)(i + 1) + (float)p * 1.37f - (float)r * 7.3f + (float)round * 0.011f;
}

static void fill(Param **params, int round)
{
    for (int p = 0; p < N_PARAMS; p++)
        for (size_t i = 0; i < params[p]->value.size; i++) params[p]->value.data[i] = value_of(rank, p, i, round);
}

static float mean_of(int p, size_t i, int round)
{
    return (value_of(0, p, i, round) + value_of(1, p, i, round)) * 0.5f;
}

/* Whether word id v is among the first `rows` ids by falling count. */
static int frequent(int v, int rows)
{
    for (int k = 0; k < rows && k < V; k++)
        if (by_count[k] == v) return 1;
    return 0;
}

/* After a sync of `rows` word rows in round `round`: those rows (and all of
 * the non-word param) are the mean, the others this rank's own values. */
static void check_rows(Param **params, int rows, int round, const char *what)
{
    for (int p = 0; p < N_PARAMS; p++) {
        const Param *q = params[p];
        const bool words = q->value.shape[0] == V;
        for (size_t i = 0; i < q->value.size; i++) {
            const int v = (int)(i / H);
            const float want = !words || frequent(v, rows) ? mean_of(p, i, round) : value_of(rank, p, i, round);
            CHECK(q->value.data[i] == want, "%s: %s[%zu] = %.9g, expected %.9g", what, q->name, i,
                  (double)q->value.data[i], (double)want);
        }
    }
}

/* ---- a FastStream stub: only epoch_fraction and tokens_read are used ---- */
typedef struct StubStream {
    double fraction;
    int64_t tokens;
} StubStream;

static int stub_begin(void *ctx, int epoch, DlfsError *err)
{
    (void)ctx;
    (void)epoch;
    (void)err;
    return DLFS_OK;
}

static int stub_next(void *ctx, int thread, int32_t *contexts, int32_t *target, int B, DlfsError *err)
{
    (void)ctx;
    (void)thread;
    (void)contexts;
    (void)target;
    (void)B;
    (void)err;
    return 0;
}

static double stub_fraction(void *ctx) { return ((const StubStream *)ctx)->fraction; }
static int64_t stub_tokens(void *ctx) { return ((const StubStream *)ctx)->tokens; }

int main(int argc, char **argv)
{
    int provided = 0, size = 0;
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2) {
        if (rank == 0) fprintf(stderr, "test_mpi_sync: run it under mpirun -np 2 (got %d ranks)\n", size);
        MPI_Finalize();
        return 1;
    }

    Param w_in, w_out, inner;
    const int word_shape[2] = {V, H}, node_shape[2] = {NW, H};
    param_init(&w_in, "W_in", 2, word_shape, true);
    param_init(&w_out, "W_out", 2, word_shape, true);
    param_init(&inner, "W_nodes", 2, node_shape, false);   /* rows that are not words: averaged whole */
    Param *params[N_PARAMS] = {&w_in, &w_out, &inner};
    StubStream stub = {.fraction = rank == 0 ? 0.25 : 0.125, .tokens = rank == 0 ? 100 : 300};
    const FastStream src = {stub_begin, stub_next, stub_fraction, stub_tokens, NULL, &stub};
    volatile sig_atomic_t stop = 0;
    DlfsError err = {0};
    bool all_done = true;

    /* bad settings */
    MpiSync s;
    const MpiSyncConfig bad = {.every_s = 0.0, .every_words = 0, .partial = 0};
    CHECK(mpi_sync_init(&s, MPI_COMM_WORLD, params, N_PARAMS, counts, V, &src, &bad, &stop, &err) == DLFS_ERR_ARG,
          "every_s 0 without every_words");
    mpi_sync_free(&s);

    /* a full sync: every element the mean of the two ranks' */
    const MpiSyncConfig full_cfg = {.every_s = 0.1, .every_words = 0, .partial = 0};
    CHECK(mpi_sync_init(&s, MPI_COMM_WORLD, params, N_PARAMS, counts, V, &src, &full_cfg, &stop, &err) == DLFS_OK,
          "%s", err.msg);
    CHECK(s.rank == rank && s.size == 2 && s.total == 116, "rank %d size %d total %lld", s.rank, s.size,
          (long long)s.total);
    for (int k = 0; k < V; k++) CHECK(s.order[k] == by_count[k], "order[%d] = %d, expected %d", k, s.order[k], by_count[k]);
    fill(params, 0);
    CHECK(mpi_sync_average(&s, false, true, &all_done, &err) == DLFS_OK, "%s", err.msg);
    check_rows(params, V, 0, "full sync");
    CHECK(!all_done, "all_done after a sync where no rank was done");
    CHECK(s.syncs == 1, "syncs %ld", s.syncs);
    CHECK(s.floats == (double)(2 * V * H + NW * H), "floats %g", s.floats);
    /* the global counts: sums over the ranks */
    CHECK(s.global_at_sync == 0.375 && s.local_at_sync == stub.fraction, "global %g local %g", s.global_at_sync,
          s.local_at_sync);
    CHECK(s.global_run_tokens_at_sync == 400.0, "global tokens %g", s.global_run_tokens_at_sync);
    /* the FastStream's view: the global part read (nothing read since the sync) and the words */
    const FastStream wrapped = mpi_sync_source(&s);
    CHECK(wrapped.epoch_fraction(wrapped.ctx) == 0.375, "epoch_fraction %g", wrapped.epoch_fraction(wrapped.ctx));
    /* with partial 0, full false is a full sync too */
    fill(params, 1);
    CHECK(mpi_sync_average(&s, false, false, &all_done, &err) == DLFS_OK, "%s", err.msg);
    check_rows(params, V, 1, "sync with partial 0");

    /* all_done: only when both ranks pass done */
    CHECK(mpi_sync_average(&s, rank == 0, false, &all_done, &err) == DLFS_OK, "%s", err.msg);
    CHECK(!all_done, "all_done when only rank 0 is done");
    CHECK(mpi_sync_average(&s, rank == 1, false, &all_done, &err) == DLFS_OK, "%s", err.msg);
    CHECK(!all_done, "all_done when only rank 1 is done");
    CHECK(mpi_sync_average(&s, true, false, &all_done, &err) == DLFS_OK, "%s", err.msg);
    CHECK(all_done, "not all_done when both ranks are");
    /* a stop on rank 1 reaches rank 0 */
    stop = rank == 1 ? SIGTERM : 0;
    CHECK(mpi_sync_average(&s, false, false, &all_done, &err) == DLFS_OK, "%s", err.msg);
    CHECK(stop != 0, "rank 1's stop flag did not reach rank %d", rank);
    stop = 0;
    mpi_sync_free(&s);

    /* partial 2: sync 1 averages the 2 most frequent word rows (ids 1, 3),
     * sync 2 the 4 most frequent (1, 3, 4, 5), sync 3 the 2, sync 4 all (8 >= V);
     * the non-word param whole every time; full = true: all rows */
    const MpiSyncConfig part_cfg = {.every_s = 0.0, .every_words = 10, .partial = 2};
    CHECK(mpi_sync_init(&s, MPI_COMM_WORLD, params, N_PARAMS, counts, V, &src, &part_cfg, &stop, &err) == DLFS_OK,
          "%s", err.msg);
    const int want_rows[4] = {2, 4, 2, V};
    for (int k = 0; k < 4; k++) {
        char what[64];
        snprintf(what, sizeof what, "partial 2, sync %d", k + 1);
        fill(params, 10 + k);
        CHECK(mpi_sync_average(&s, false, false, &all_done, &err) == DLFS_OK, "%s", err.msg);
        check_rows(params, want_rows[k], 10 + k, what);
    }
    fill(params, 20);
    CHECK(mpi_sync_average(&s, false, true, &all_done, &err) == DLFS_OK, "%s", err.msg);
    check_rows(params, V, 20, "partial 2, full");
    /* floats: 2 + 4 + 2 + 6 + 6 word rows of H in each of 2 params, and the node param 5 times */
    CHECK(s.floats == (double)((2 + 4 + 2 + V + V) * H * 2 + 5 * NW * H), "floats %g", s.floats);
    mpi_sync_free(&s);

    /* mpi_check_same: equal hashes pass, a different one on rank 1 is named */
    CHECK(mpi_check_same(MPI_COMM_WORLD, 42, "thing", &err) == DLFS_OK, "%s", err.msg);
    const int same = mpi_check_same(MPI_COMM_WORLD, rank == 1 ? 43 : 42, "thing", &err);
    CHECK(same == DLFS_ERR_FORMAT && strstr(err.msg, "rank 1") && strstr(err.msg, "differs from rank 0's"),
          "status %d: %s", same, err.msg);
    /* mpi_broadcast_params: rank 0's values everywhere */
    fill(params, 30);
    CHECK(mpi_broadcast_params(MPI_COMM_WORLD, 0, params, N_PARAMS, &err) == DLFS_OK, "%s", err.msg);
    for (int p = 0; p < N_PARAMS; p++)
        for (size_t i = 0; i < params[p]->value.size; i++)
            CHECK(params[p]->value.data[i] == value_of(0, p, i, 30), "broadcast %s[%zu]", params[p]->name, i);

    for (int p = 0; p < N_PARAMS; p++) param_free(params[p]);
    int mine[2] = {checks, failures}, sum[2] = {0, 0};
    MPI_Allreduce(mine, sum, 2, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) {
        if (sum[1] == 0)
            printf("mpi_sync: all %d checks passed on both ranks\n", sum[0]);
        else
            printf("mpi_sync: %d of %d checks failed (see stderr)\n", sum[1], sum[0]);
    }
    MPI_Finalize();
    return sum[1] == 0 ? 0 : 1;
}
