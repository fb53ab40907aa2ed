/* fuzz_vectors.c — the shared checks of the word-vector fuzz targets (see fuzz_vectors.h). */
#include "fuzz/fuzz_vectors.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/fuzz_util.h"

void fuzz_check_vectors(const Vocab *vocab, const Tensor *W)
{
    FUZZ_CHECK(W->data != NULL && W->ndim == 2);
    const int V = W->shape[0], H = W->shape[1];
    FUZZ_CHECK(V >= 1 && H >= 1);
    FUZZ_CHECK(V == vocab->size);
    FUZZ_CHECK(W->size == (size_t)V * (size_t)H);
    for (size_t k = 0; k < W->size; k++) FUZZ_CHECK(isfinite(W->data[k]));
    for (int32_t i = 0; i < vocab->size; i++) {
        const char *word = vocab_word(vocab, i);
        FUZZ_CHECK(word[0] != '\0');
        FUZZ_CHECK(strpbrk(word, " \t\n\r\v\f") == NULL);
        FUZZ_CHECK(vocab_get(vocab, word) == i);
    }
}

void fuzz_check_cleared(const Vocab *vocab, const Tensor *W)
{
    FUZZ_CHECK(vocab->size == 0 && vocab->word_to_id == NULL && vocab->id_to_word == NULL);
    FUZZ_CHECK(W->data == NULL && W->size == 0);
}

void fuzz_check_same(const Vocab *va, const Tensor *Wa, const Vocab *vb, const Tensor *Wb)
{
    FUZZ_CHECK(va->size == vb->size);
    for (int32_t i = 0; i < va->size; i++) FUZZ_CHECK(strcmp(vocab_word(va, i), vocab_word(vb, i)) == 0);
    FUZZ_CHECK(Wa->ndim == 2 && Wb->ndim == 2);
    FUZZ_CHECK(Wa->shape[0] == Wb->shape[0] && Wa->shape[1] == Wb->shape[1]);
    FUZZ_CHECK(memcmp(Wa->data, Wb->data, Wa->size * sizeof *Wa->data) == 0);
}

void fuzz_check_round_trip(VectorsFormat format, const Vocab *vocab, const Tensor *W)
{
    const char *path = fuzz_path(format == VECTORS_BINARY ? "saved.bin" : "saved.txt");
    DlfsError err = {0};
    const int rc = vectors_save(path, format, vocab, W->data, W->shape[0], W->shape[1], &err);
    if (rc) fprintf(stderr, "cannot save what was read: %s\n", err.msg);
    FUZZ_CHECK(rc == DLFS_OK);
    Vocab v2;
    vocab_init(&v2);
    Tensor W2 = {0};
    const int rc2 = format == VECTORS_BINARY ? vectors_load_binary(path, &v2, &W2, &err)
                                             : vectors_load_text(path, &v2, &W2, &err);
    if (rc2) fprintf(stderr, "cannot read back what was saved: %s\n", err.msg);
    FUZZ_CHECK(rc2 == DLFS_OK);
    fuzz_check_same(vocab, W, &v2, &W2);
    vocab_free(&v2);
    tensor_free(&W2);
    /*
     * Detection reads it too; a binary file is read as binary unless its first
     * record's float bytes all look like number text (vectors.h), so only a
     * text file must come back the same through it.
     */
    const int rc3 = vectors_load(path, &v2, &W2, &err);
    FUZZ_CHECK(rc3 == DLFS_OK);
    if (format == VECTORS_TEXT) fuzz_check_same(vocab, W, &v2, &W2);
    vocab_free(&v2);
    tensor_free(&W2);
}
