/* train_setup.c — the CLI's side of the run recipe: messages and exit statuses (see train_setup.h). */
#include "cli/train_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/check.h"
#include "datasets/ptb.h"

int train_data_load(RecipeData *d, const char *corpus, const char *data_dir, int window, int batch)
{
    return train_data_load_flags(d, corpus, data_dir, 0, window, batch);
}

/* The corpus line, the pairs and the batch check of a loaded d. */
static int data_loaded(RecipeData *d, const char *corpus, unsigned flags, const char *vocab, int64_t skipped,
                       int window, int batch);

int train_data_load_flags(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                          int window, int batch)
{
    DlfsError err = {0};
    if (recipe_data_load(d, corpus, data_dir, flags, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    return data_loaded(d, corpus, flags, NULL, 0, window, batch);
}

int train_data_load_vocab(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags,
                          const char *vocab, int window, int batch)
{
    DlfsError err = {0};
    int64_t skipped = 0;
    const int status = recipe_data_load_vocab(d, corpus, data_dir, flags, vocab, &skipped, &err);
    if (status != DLFS_OK) {
        cli_error("--vocab: %s", err.msg);
        return status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    }
    return data_loaded(d, corpus, flags, vocab, skipped, window, batch);
}

/* The "corpus: ..." line of a loaded or counted d. */
static void print_corpus_line(const RecipeData *d, const char *corpus, unsigned flags)
{
    const char *folded = (flags & CORPUS_LOWERCASE) ? ", folded to lower case" : "";
    if (d->ptb_dir[0] != '\0')
        printf("corpus: PTB train split (%s)%s\n", d->ptb_dir, folded);
    else
        printf("corpus: %s%s\n", strcmp(corpus, "-") == 0 ? "standard input" : corpus, folded);
}

int train_data_count(RecipeData *d, const char *corpus, const char *data_dir, unsigned flags, const char *vocab)
{
    DlfsError err = {0};
    const int status = recipe_data_count(d, corpus, data_dir, flags, vocab, &err);
    if (status != DLFS_OK) {
        cli_error("%s%s", vocab ? "--vocab: " : "", err.msg);
        return status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    }
    print_corpus_line(d, corpus, flags);
    if (vocab)
        printf("vocabulary: %s (%d words, %lld tokens counted in it)\n", vocab, (int)d->vocab.size,
               (long long)d->tokens);
    return CLI_EXIT_OK;
}

static int data_loaded(RecipeData *d, const char *corpus, unsigned flags, const char *vocab, int64_t skipped,
                       int window, int batch)
{
    DlfsError err = {0};
    print_corpus_line(d, corpus, flags);
    if (vocab)
        printf("vocabulary: %s (%d words), %lld corpus tokens outside it skipped\n", vocab, (int)d->vocab.size,
               (long long)skipped);
    if (recipe_data_window(d, window, &err) != DLFS_OK) {
        cli_error("--window %d: %s", window, err.msg);
        return CLI_EXIT_USAGE;
    }
    if ((size_t)batch > d->data_size) {
        char hint[320];
        cli_error("--batch %d is larger than the %zu (contexts, target) pairs of the corpus%s", batch,
                  d->data_size, recipe_data_hint(hint, sizeof hint, d));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int train_model_build(RecipeModel *m, bool skipgram, const Word2VecConfig *cfg, const RecipeData *d,
                      Rng *rng)
{
    DlfsError err = {0};
    const RecipeModelKind kind = skipgram ? RECIPE_SKIPGRAM : RECIPE_CBOW;
    const int status = d->counts ? recipe_model_build_counts(m, kind, cfg, d->counts, rng, &err)
                                 : recipe_model_build(m, kind, cfg, d->corpus.data, d->corpus.size, rng, &err);
    if (status != DLFS_OK) {
        cli_error("cannot build the model: %s", err.msg);
        return status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

int train_epochs_init(RecipeEpochs *e, const RecipeData *d, const Word2VecDataConfig *cfg, uint64_t seed)
{
    DlfsError err = {0};
    if (recipe_epochs_init(e, d, cfg, seed, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *path = dlfs_malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    return path;
}
