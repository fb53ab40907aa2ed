/*
 * vocab.h — the vocabulary: the textbook's word_to_id dict and id_to_word
 * list (common/util.py `preprocess`, dataset/ptb.py). Ids are given in
 * order of first appearance. word_to_id is a uthash table.
 */
#ifndef DLFS2_COMMON_VOCAB_H
#define DLFS2_COMMON_VOCAB_H

#include <stdint.h>

#include "api.h"

DLFS2_API_BEGIN

struct VocabEntry;

typedef struct Vocab {
    struct VocabEntry *word_to_id;  /* word -> id hash table; owned */
    char **id_to_word;              /* (size,) NUL-terminated words; owned */
    int32_t size;                   /* number of words, ids 0 .. size-1 */
    int32_t capacity;
} Vocab;

/* An empty vocabulary. Free with vocab_free. */
void vocab_init(Vocab *v);
void vocab_free(Vocab *v);

/*
 * The id of word, adding it with the next id if new. word is copied. A
 * vocabulary holds at most INT32_MAX words (ids are int32_t): adding one
 * more stops the program (DLFS_ASSERT), so readers of outside files check
 * first (datasets/ptb.h corpus_load_file_max).
 */
int32_t vocab_add(Vocab *v, const char *word);

/* The id of word, or -1 when it is not in the vocabulary. */
int32_t vocab_get(const Vocab *v, const char *word);

/* The word with the given id (0 <= id < size); owned by v. */
const char *vocab_word(const Vocab *v, int32_t id);

DLFS2_API_END

#endif
