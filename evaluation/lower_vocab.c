/* lower_vocab.c — the case-insensitive vocabulary view of the benchmarks (see lower_vocab.h). */
#include "evaluation/lower_vocab.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"

void ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

void lower_vocab_init(LowerVocab *self, const Vocab *vocab)
{
    const int32_t V = vocab->size;
    memset(self, 0, sizeof *self);
    vocab_init(&self->lower);
    self->V = V;
    self->first_id = dlfs_malloc((size_t)(V > 0 ? V : 1) * sizeof *self->first_id);
    self->canon = dlfs_malloc((size_t)(V > 0 ? V : 1) * sizeof *self->canon);
    self->next_variant = dlfs_malloc((size_t)(V > 0 ? V : 1) * sizeof *self->next_variant);
    /* last_id[k]: the highest id seen so far of lower-cased word k, to chain the variants. */
    int32_t *last_id = dlfs_malloc((size_t)(V > 0 ? V : 1) * sizeof *last_id);
    size_t buf_size = 64;
    char *buf = dlfs_malloc(buf_size);
    for (int32_t i = 0; i < V; i++) {
        const char *word = vocab_word(vocab, i);
        const size_t len = strlen(word);
        if (len + 1 > buf_size) {
            buf_size = len + 1;
            buf = dlfs_realloc(buf, buf_size);
        }
        memcpy(buf, word, len + 1);
        ascii_lower(buf);
        const int32_t before = self->lower.size;
        const int32_t k = vocab_add(&self->lower, buf);
        self->next_variant[i] = -1;
        if (k == before) {  /* a new lower-cased form: word i is its first variant */
            self->first_id[k] = i;
        } else {
            self->next_variant[last_id[k]] = i;
        }
        last_id[k] = i;
        self->canon[i] = self->first_id[k];
    }
    free(buf);
    free(last_id);
}

void lower_vocab_free(LowerVocab *self)
{
    vocab_free(&self->lower);
    free(self->first_id);
    free(self->canon);
    free(self->next_variant);
    memset(self, 0, sizeof *self);
}

int32_t lower_vocab_get(const LowerVocab *self, const char *word)
{
    char small[128];
    const size_t len = strlen(word);
    char *buf = len < sizeof small ? small : dlfs_malloc(len + 1);
    memcpy(buf, word, len + 1);
    ascii_lower(buf);
    const int32_t k = vocab_get(&self->lower, buf);
    if (buf != small) free(buf);
    return k < 0 ? -1 : self->first_id[k];
}
