/*
 * analogy.h — the Google analogy test (Mikolov et al. 2013,
 * questions-words.txt) as word2vec.c's compute-accuracy and gensim's
 * KeyedVectors.evaluate_word_analogies run it: "a is to b as c is to ?",
 * answered by 3CosAdd over the whole vocabulary.
 *
 * The questions file:
 *
 *     : capital-common-countries      a section; its name is the rest of the line
 *     Athens Greece Baghdad Iraq      a question "a b c d": d is the expected answer
 *
 * Sections whose name starts with "gram" are syntactic, the others
 * semantic (gensim's split). Blank lines are skipped. Words are looked up
 * case-insensitively (evaluation/lower_vocab.h: the lowest-id word of a
 * lower-cased form stands for it, as in gensim).
 */
#ifndef DLFS2_EVALUATION_ANALOGY_H
#define DLFS2_EVALUATION_ANALOGY_H

#include <stddef.h>

#include "../common/api.h"
#include "../common/status.h"
#include "../common/vocab.h"

DLFS2_API_BEGIN

/* Questions scored per cblas_sgemm by default (see analogy_accuracy). */
#define ANALOGY_DEFAULT_CHUNK 512

/* The counts of one ": name" section. */
typedef struct AnalogySection {
    char *name;       /* the section's name without ": "; owned */
    int syntactic;    /* 1 when name starts with "gram", else 0 (semantic) */
    size_t correct;   /* covered questions answered with d */
    size_t covered;   /* questions whose 4 words are all in the vocabulary */
    size_t total;     /* all questions of the section */
} AnalogySection;

/* The counts of a whole questions file. Caller-allocated; analogy_result_init / _free. */
typedef struct AnalogyResult {
    AnalogySection *sections;  /* (n_sections,) in file order; a repeated name is a new entry; owned */
    size_t n_sections;
    size_t capacity;
    size_t correct, covered, total;           /* over all sections */
    size_t semantic_correct, semantic_covered, semantic_total;
    size_t syntactic_correct, syntactic_covered, syntactic_total;
} AnalogyResult;

/* An empty result. Free with analogy_result_free. */
void analogy_result_init(AnalogyResult *self);

/* Releases the sections and leaves self empty, as after analogy_result_init. */
void analogy_result_free(AnalogyResult *self);

/*
 * Runs every question of the file at path against word vectors W (V, H)
 * float32, row i the vector of vocab word i (V == vocab->size), and fills
 * self, which must be empty (as after analogy_result_init).
 *
 * A question with any of its 4 words missing from the vocabulary is
 * counted in total but not covered. For a covered question a b c d, with
 * ŵ = w / |w| (a zero row stays zero),
 *
 *     prediction = argmax over all words w of  ŵ · (b̂ − â + ĉ)
 *
 * which ranks words as cos(w, b̂ − â + ĉ) does (3CosAdd, Levy & Goldberg
 * 2014; gensim's most_similar(positive=[b, c], negative=[a])). The whole
 * vocabulary takes part (gensim's restrict_vocab defaults to the first
 * 300,000 words, compute-accuracy's threshold to 30,000: the same for
 * smaller vocabularies such as PTB's 10,000). a, b and
 * c, and their case variants, are never predicted; the question is
 * correct when the prediction is d or a case variant of d (gensim
 * compares the upper-cased words). Ties go to the lowest id.
 *
 * The covered questions are scored `chunk` at a time: their queries
 * (chunk, H) times the normalised W transposed, one cblas_sgemm giving
 * (chunk, V) scores. chunk = 0 picks ANALOGY_DEFAULT_CHUNK, made smaller
 * when needed so the scores take at most 256 MiB. Allocates a normalised
 * copy of W (V, H) and the chunk's buffers for the call.
 *
 * Errors: DLFS_ERR_IO (cannot read path), DLFS_ERR_FORMAT (a line that is
 * neither ": name" nor 4 words, a ": " line without a name, a question
 * before the first section; the message starts "path:line:"). On error
 * self is left empty.
 */
int analogy_accuracy(AnalogyResult *self, const char *path, const Vocab *vocab, const float *W, int V,
                     int H, int chunk, DlfsError *err) DLFS_WARN_UNUSED;

/* correct / covered, or 0 when covered is 0 (gensim's score of an empty section). */
double analogy_fraction(size_t correct, size_t covered);

DLFS2_API_END

#endif
