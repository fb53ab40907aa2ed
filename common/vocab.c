/* vocab.c — word_to_id / id_to_word with uthash (see vocab.h). */
#include "common/vocab.h"

#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "common/check.h"

/* uthash reports allocation failure through this hook: abort like dlfs_malloc. */
#undef uthash_fatal
#define uthash_fatal(msg) dlfs_assert_fail(__FILE__, __LINE__, msg)

typedef struct VocabEntry {
    const char *word;   /* points into id_to_word[id] */
    int32_t id;
    UT_hash_handle hh;
} VocabEntry;

void vocab_init(Vocab *v)
{
    memset(v, 0, sizeof *v);
}

void vocab_free(Vocab *v)
{
    VocabEntry *e, *tmp;
    HASH_ITER(hh, v->word_to_id, e, tmp) {
        HASH_DEL(v->word_to_id, e);
        free(e);
    }
    for (int32_t i = 0; i < v->size; i++) free(v->id_to_word[i]);
    free(v->id_to_word);
    memset(v, 0, sizeof *v);
}

int32_t vocab_get(const Vocab *v, const char *word)
{
    VocabEntry *e = NULL;
    VocabEntry *head = v->word_to_id;
    HASH_FIND_STR(head, word, e);
    return e ? e->id : -1;
}

int32_t vocab_add(Vocab *v, const char *word)
{
    const int32_t id = vocab_get(v, word);
    if (id >= 0) return id;
    DLFS_ASSERT(v->size < INT32_MAX);
    if (v->size == v->capacity) {
        /* Doubling, but never past INT32_MAX (2 * 2^30 would overflow int32_t). */
        v->capacity = v->capacity == 0 ? 1024 : v->capacity > INT32_MAX / 2 ? INT32_MAX : v->capacity * 2;
        v->id_to_word = dlfs_realloc(v->id_to_word, (size_t)v->capacity * sizeof *v->id_to_word);
    }
    const size_t len = strlen(word);
    char *copy = dlfs_malloc(len + 1);
    memcpy(copy, word, len + 1);
    v->id_to_word[v->size] = copy;
    VocabEntry *e = dlfs_malloc(sizeof *e);
    e->word = copy;
    e->id = v->size;
    HASH_ADD_KEYPTR(hh, v->word_to_id, e->word, len, e);
    return v->size++;
}

const char *vocab_word(const Vocab *v, int32_t id)
{
    DLFS_ASSERT(id >= 0 && id < v->size);
    return v->id_to_word[id];
}
