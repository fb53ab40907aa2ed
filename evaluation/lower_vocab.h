/*
 * lower_vocab.h — a case-insensitive view of a vocabulary, for the word
 * benchmarks (evaluation/analogy.h, evaluation/wordsim.h).
 *
 * gensim's evaluate_word_analogies and evaluate_word_pairs (with their
 * default case_insensitive=True) upper-case every vocabulary word and
 * keep, for each upper-cased form, the word that comes first in the
 * vocabulary; word2vec.c's compute-accuracy upper-cases the vocabulary as
 * well. This view does the same with lower case: each word is lower-cased
 * (ASCII letters only; other bytes, e.g. UTF-8, are compared as they are)
 * and, when several vocabulary words lower-case to the same string, the
 * one with the lowest id stands for all of them. The words of one such
 * group are its "case variants".
 */
#ifndef DLFS2_EVALUATION_LOWER_VOCAB_H
#define DLFS2_EVALUATION_LOWER_VOCAB_H

#include <stdint.h>

#include "common/vocab.h"

typedef struct LowerVocab {
    Vocab lower;            /* the distinct lower-cased words; owned */
    int32_t *first_id;      /* (lower.size,) the lowest vocabulary id of each lower-cased word */
    int32_t *canon;         /* (V,) canon[i]: the lowest id among word i's case variants */
    int32_t *next_variant;  /* (V,) the next higher id among word i's case variants, or -1 */
    int32_t V;              /* size of the vocabulary it was made from */
} LowerVocab;

/*
 * Builds the view of vocab (V words), which it copies: vocab may be freed
 * afterwards. Walking next_variant from canon[i] visits all of word i's
 * case variants in increasing id order. Free with lower_vocab_free.
 */
void lower_vocab_init(LowerVocab *self, const Vocab *vocab);

/* Releases the view's memory and zeroes self. */
void lower_vocab_free(LowerVocab *self);

/*
 * The vocabulary id standing for word, looked up case-insensitively: the
 * lowest id whose word lower-cases to word's lower-cased form; -1 when none
 * does. word is not modified.
 */
int32_t lower_vocab_get(const LowerVocab *self, const char *word);

/* Lower-cases the ASCII letters of s in place. */
void ascii_lower(char *s);

#endif
