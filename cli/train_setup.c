/* train_setup.c — corpus loading and model building for train and compare (see train_setup.h). */
#include "cli/train_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/check.h"
#include "common/clock.h"
#include "common/util.h"
#include "datasets/ptb.h"

/* Reads the corpus into d. Prints why on failure; returns an exit status. */
static int load_corpus(TrainData *d, const char *corpus, const char *data_dir, unsigned flags)
{
    DlfsError err = {0};
    const char *folded = (flags & CORPUS_LOWERCASE) ? ", folded to lower case" : "";
    if (strcmp(corpus, "ptb") != 0) {
        if (corpus_load_file_flags(corpus, flags, &d->corpus, &d->vocab, &err) != DLFS_OK) {
            cli_error("%s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        printf("corpus: %s%s\n", corpus, folded);
        return CLI_EXIT_OK;
    }
    char dir[4096];
    if (ptb_data_dir(dir, sizeof dir, data_dir, &err) != DLFS_OK) {
        cli_error("cannot choose the PTB data directory: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    if (ptb_load_data_flags(dir, "train", flags, &d->corpus, &d->vocab, &err) != DLFS_OK) {
        cli_error("cannot load PTB from '%s': %s", dir, err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("corpus: PTB train split (%s)%s\n", dir, folded);
    return CLI_EXIT_OK;
}

/*
 * A hint for a corpus with too few words, into hint (size bytes): when its
 * words are long on average (more than SEGMENT_HINT_BYTES bytes, <eos> not
 * counted; English averages about 5), the text likely has no spaces between
 * words (Japanese, Chinese), which the reader takes for one word per line.
 * "" otherwise. Returns hint.
 */
#define SEGMENT_HINT_BYTES 15
static const char *segmentation_hint(char *hint, size_t size, const TrainData *d)
{
    const int32_t eos = vocab_get(&d->vocab, "<eos>");
    size_t words = 0, bytes = 0;
    for (size_t i = 0; i < d->corpus.size; i++) {
        if (d->corpus.data[i] == eos) continue;
        words++;
        bytes += strlen(vocab_word(&d->vocab, d->corpus.data[i]));
    }
    hint[0] = '\0';
    if (words > 0 && bytes > SEGMENT_HINT_BYTES * words)
        snprintf(hint, size,
                 "; its words are %.0f bytes long on average: text without spaces between words "
                 "(Japanese, Chinese) must be split into words first, e.g. with MeCab "
                 "(mecab -Owakati in.txt > out.txt) or jieba (python3 -m jieba -d ' ' in.txt > out.txt)",
                 (double)bytes / (double)words);
    return hint;
}

int train_data_load(TrainData *d, const char *corpus, const char *data_dir, int window, int batch)
{
    return train_data_load_flags(d, corpus, data_dir, 0, window, batch);
}

int train_data_load_flags(TrainData *d, const char *corpus, const char *data_dir, unsigned flags,
                          int window, int batch)
{
    memset(d, 0, sizeof *d);
    vocab_init(&d->vocab);
    int rc = load_corpus(d, corpus, data_dir, flags);
    if (rc != CLI_EXIT_OK) return rc;
    DlfsError err = {0};
    char hint[320];
    if (create_contexts_target(d->corpus.data, d->corpus.size, window, &d->contexts, &d->target,
                               &err) != DLFS_OK) {
        cli_error("--window %d: %s%s", window, err.msg, segmentation_hint(hint, sizeof hint, d));
        return CLI_EXIT_USAGE;
    }
    d->data_size = d->target.size;
    if ((size_t)batch > d->data_size) {
        cli_error("--batch %d is larger than the %zu (contexts, target) pairs of the corpus%s", batch,
                  d->data_size, segmentation_hint(hint, sizeof hint, d));
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

int train_threads_build(TrainThreads *f, int T, TrainModel *m, const Rng *rng, const TrainData *d,
                        uint64_t seed)
{
    *f = (TrainThreads){.T = T};
    f->reps = dlfs_calloc((size_t)T, sizeof *f->reps);
    f->models = dlfs_calloc((size_t)T, sizeof *f->models);
    f->rngs = dlfs_calloc((size_t)T, sizeof *f->rngs);
    f->models[0] = m->model;
    f->rngs[0] = *rng;
    const Word2VecConfig cfg = m->skipgram ? m->skip_gram.cfg : m->cbow.cfg;
    for (int t = 1; t < T; t++) {
        Rng init_rng;   /* the copies' own weights are dropped at once */
        rng_seed(&init_rng, seed);
        const int rc = train_model_build(&f->reps[t], m->skipgram, &cfg, d, &init_rng);
        if (rc != CLI_EXIT_OK) return rc;
        for (int i = 0; i < m->model.n_params; i++)
            param_share_value(f->reps[t].model.params[i], m->model.params[i]);
        f->models[t] = f->reps[t].model;
        rng_seed(&f->rngs[t], seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)t));
    }
    return CLI_EXIT_OK;
}

void train_threads_free(TrainThreads *f)
{
    for (int t = 1; f->reps && t < f->T; t++) train_model_free(&f->reps[t]);
    free(f->reps);
    free(f->models);
    free(f->rngs);
    memset(f, 0, sizeof *f);
}

int train_epochs_init(TrainEpochs *e, const TrainData *d, const Word2VecDataConfig *cfg, uint64_t seed)
{
    *e = (TrainEpochs){.d = d};
    if (!cfg) return CLI_EXIT_OK;
    const int V = (int)d->vocab.size;
    e->redraw = true;
    e->cfg = *cfg;
    e->counts = dlfs_calloc((size_t)V, sizeof *e->counts);
    e->contexts = dlfs_malloc(d->corpus.size * 2 * (size_t)cfg->window * sizeof *e->contexts);
    e->target = dlfs_malloc(d->corpus.size * sizeof *e->target);
    rng_seed(&e->rng, seed + 1);
    DlfsError err = {0};
    if (word2vec_count_words(d->corpus.data, d->corpus.size, V, e->counts, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

void train_epochs_free(TrainEpochs *e)
{
    free(e->counts);
    free(e->contexts);
    free(e->target);
    memset(e, 0, sizeof *e);
}

int train_epochs_next(void *ctx, int epoch, const int32_t **contexts, const int32_t **target,
                      size_t *n, DlfsError *err)
{
    (void)epoch;
    TrainEpochs *e = ctx;
    e->calls++;
    if (!e->redraw) {
        *contexts = e->d->contexts.data;
        *target = e->d->target.data;
        *n = e->d->data_size;
        return DLFS_OK;
    }
    const double start = dlfs_now_s();
    const int status = word2vec_make_epoch(e->d->corpus.data, e->d->corpus.size, e->counts,
                                           (int)e->d->vocab.size, &e->cfg, &e->rng, e->contexts,
                                           e->target, n, err);
    e->make_s += dlfs_now_s() - start;
    *contexts = e->contexts;
    *target = e->target;
    return status;
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *path = dlfs_malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    return path;
}
