/* train_setup.c — corpus loading and model building for train and compare (see train_setup.h). */
#include "cli/train_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/check.h"
#include "common/util.h"
#include "datasets/ptb.h"

/* Reads the corpus into d. Prints why on failure; returns an exit status. */
static int load_corpus(TrainData *d, const char *corpus, const char *data_dir)
{
    DlfsError err = {0};
    if (strcmp(corpus, "ptb") != 0) {
        if (corpus_load_file(corpus, &d->corpus, &d->vocab, &err) != DLFS_OK) {
            cli_error("%s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        printf("corpus: %s\n", corpus);
        return CLI_EXIT_OK;
    }
    char dir[4096];
    if (ptb_data_dir(dir, sizeof dir, data_dir, &err) != DLFS_OK) {
        cli_error("cannot choose the PTB data directory: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    if (ptb_load_data(dir, "train", &d->corpus, &d->vocab, &err) != DLFS_OK) {
        cli_error("cannot load PTB from '%s': %s", dir, err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("corpus: PTB train split (%s)\n", dir);
    return CLI_EXIT_OK;
}

int train_data_load(TrainData *d, const char *corpus, const char *data_dir, int window, int batch)
{
    memset(d, 0, sizeof *d);
    vocab_init(&d->vocab);
    int rc = load_corpus(d, corpus, data_dir);
    if (rc != CLI_EXIT_OK) return rc;
    DlfsError err = {0};
    if (create_contexts_target(d->corpus.data, d->corpus.size, window, &d->contexts, &d->target,
                               &err) != DLFS_OK) {
        cli_error("--window %d: %s", window, err.msg);
        return CLI_EXIT_USAGE;
    }
    d->data_size = d->target.size;
    if ((size_t)batch > d->data_size) {
        cli_error("--batch %d is larger than the %zu (contexts, target) pairs of the corpus", batch,
                  d->data_size);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

void train_data_free(TrainData *d)
{
    int32_array_free(&d->corpus);
    int32_array_free(&d->contexts);
    int32_array_free(&d->target);
    vocab_free(&d->vocab);
}

int train_model_build(TrainModel *m, bool skipgram, const Word2VecConfig *cfg, const TrainData *d,
                      Rng *rng)
{
    memset(m, 0, sizeof *m);
    m->skipgram = skipgram;
    DlfsError err = {0};
    int status;
    if (skipgram) {
        status = skip_gram_init(&m->skip_gram, cfg, d->corpus.data, d->corpus.size, rng, &err);
        m->initialised = true;
        if (status == DLFS_OK) skip_gram_as_model(&m->skip_gram, &m->model);
        m->W_in = &m->skip_gram.W_in;
    } else {
        status = cbow_init(&m->cbow, cfg, d->corpus.data, d->corpus.size, rng, &err);
        m->initialised = true;
        if (status == DLFS_OK) cbow_as_model(&m->cbow, &m->model);
        m->W_in = &m->cbow.W_in;
    }
    if (status != DLFS_OK) {
        cli_error("cannot build the model: %s", err.msg);
        return status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

void train_model_free(TrainModel *m)
{
    if (!m->initialised) return;
    if (m->skipgram)
        skip_gram_free(&m->skip_gram);
    else
        cbow_free(&m->cbow);
    m->initialised = false;
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *path = dlfs_malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    return path;
}

double cli_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
