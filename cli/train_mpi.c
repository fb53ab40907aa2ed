/* train_mpi.c — the CLI's side of training across MPI ranks (see train_mpi.h). */
#include "cli/train_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/check.h"

#ifdef DLFS2_HAVE_MPI
#include <mpi.h>

#include "distributed/mpi_sync.h"
#endif

int train_mpi_launched_size(void)
{
    const char *names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (!v || !*v) continue;
        char *end;
        const long n = strtol(v, &end, 10);
        if (*end == '\0' && n > 1 && n < 1 << 24) return (int)n;
        return 1;
    }
    return 1;
}

bool train_mpi_built(void)
{
#ifdef DLFS2_HAVE_MPI
    return true;
#else
    return false;
#endif
}

int train_mpi_begin(TrainMpi *m)
{
    memset(m, 0, sizeof *m);
    m->size = 1;
    const int launched = train_mpi_launched_size();
    if (launched <= 1) return CLI_EXIT_OK;
#ifndef DLFS2_HAVE_MPI
    cli_error("this dlfs2 was built without MPI, so under mpirun each of the %d processes would train alone "
              "and write the same files: build it with Open MPI (apt-get install libopenmpi-dev openmpi-bin; "
              "meson setup build -Dmpi=enabled) or run one process",
              launched);
    return CLI_EXIT_USAGE;
#else
    /* a rank waiting in a collective call yields its CPU instead of spinning on it (students share
     * machines; docs/distributed.md measured it), unless the user set it otherwise */
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        cli_error("MPI_Init_thread failed");
        return CLI_EXIT_RUNTIME;
    }
    m->started = true;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &m->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m->size);
    if (provided < MPI_THREAD_FUNNELED) {
        cli_error("rank %d: the MPI library gives thread level %d, below MPI_THREAD_FUNNELED", m->rank, provided);
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
#endif
}

void train_mpi_end(TrainMpi *m, int rc)
{
#ifdef DLFS2_HAVE_MPI
    if (m->sync) {
        mpi_sync_free(m->sync);
        free(m->sync);
    }
    if (m->started) {
        fflush(stdout);
        fflush(stderr);
        if (rc != 0 && !m->shared_error)
            MPI_Abort(MPI_COMM_WORLD, rc);
        else
            MPI_Finalize();
    }
#else
    (void)rc;
#endif
    memset(m, 0, sizeof *m);
}

#ifdef DLFS2_HAVE_MPI
/* FNV-1a over bytes, continuing h. */
static uint64_t fnv1a(uint64_t h, const void *bytes, size_t n)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}
#endif

int train_mpi_share(TrainMpi *m, const Model *model, const char *const *words, const int64_t *counts, int V)
{
    if (m->size <= 1) return CLI_EXIT_OK;
#ifdef DLFS2_HAVE_MPI
    DlfsError err = {0};
    uint64_t h = 0xcbf29ce484222325ULL;
    for (int v = 0; v < V; v++) {
        h = fnv1a(h, words[v], strlen(words[v]) + 1);
        h = fnv1a(h, &counts[v], sizeof counts[v]);
    }
    int status = mpi_check_same(MPI_COMM_WORLD, h, "vocabulary (its words, their order and counts)", &err);
    if (status == DLFS_OK) status = mpi_broadcast_params(MPI_COMM_WORLD, 0, model->params, model->n_params, &err);
    if (status != DLFS_OK) {
        /* a mismatch is seen by every rank alike: rank 0 says it, and they all finalize */
        m->shared_error = status == DLFS_ERR_FORMAT;
        if (status != DLFS_ERR_FORMAT || m->rank == 0) cli_error("rank %d: %s", m->rank, err.msg);
        return status == DLFS_ERR_FORMAT ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    }
#else
    (void)model;
    (void)words;
    (void)counts;
    (void)V;
#endif
    return CLI_EXIT_OK;
}

int train_mpi_wrap(TrainMpi *m, const Model *model, const int64_t *counts, int V, const FastStream *inner,
                   const TrainMpiSync *cfg, volatile sig_atomic_t *stop, FastStream *out)
{
    *out = *inner;
    if (m->size <= 1) return CLI_EXIT_OK;
#ifdef DLFS2_HAVE_MPI
    MpiSync *s = dlfs_calloc(1, sizeof *s);
    m->sync = s;
    const MpiSyncConfig sc = {.every_s = cfg->every_s, .every_words = cfg->every_words, .partial = cfg->partial};
    DlfsError err = {0};
    const int status = mpi_sync_init(s, MPI_COMM_WORLD, model->params, model->n_params, counts, V, inner, &sc, stop,
                                     &err);
    if (status != DLFS_OK) {
        cli_error("rank %d: %s", m->rank, err.msg);
        return status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    }
    *out = mpi_sync_source(s);
#else
    (void)model;
    (void)counts;
    (void)V;
    (void)cfg;
    (void)stop;
#endif
    return CLI_EXIT_OK;
}

void train_mpi_report(const TrainMpi *m, double train_s)
{
#ifdef DLFS2_HAVE_MPI
    const MpiSync *s = m->sync;
    if (!s || m->rank != 0) return;
    printf("mpi: %d ranks, %ld syncs, %.2f s in them on rank 0 (%.1f %% of the training), %.1f MB averaged "
           "by each rank\n",
           m->size, s->syncs, s->sync_s, train_s > 0.0 ? 100.0 * s->sync_s / train_s : 0.0,
           s->floats * 4.0 / 1e6);
    /* the last sync summed every rank's words: the job's rate, as word2vec.c counts words */
    printf("job: %.0f corpus words read by %d ranks in %.1f s: %.0f words/s\n", s->global_run_tokens_at_sync,
           m->size, train_s, train_s > 0.0 ? s->global_run_tokens_at_sync / train_s : 0.0);
#else
    (void)m;
    (void)train_s;
#endif
}
