/*
 * fuzz_vectors.h — the checks fuzz_vectors_text and fuzz_vectors_binary
 * share: what a successful read of word vectors promises, and that writing
 * them back and reading that gives the same vectors.
 */
#ifndef DLFS2_FUZZ_FUZZ_VECTORS_H
#define DLFS2_FUZZ_FUZZ_VECTORS_H

#include "common/tensor.h"
#include "common/vocab.h"
#include "datasets/vectors.h"

/*
 * A successful read: W is (V, H) with V == vocab->size, every value finite,
 * every word non-empty, free of whitespace and NUL, and found again under
 * its own id by vocab_get.
 */
void fuzz_check_vectors(const Vocab *vocab, const Tensor *W);

/* A failed read left vocab and W empty, as vectors.h promises. */
void fuzz_check_cleared(const Vocab *vocab, const Tensor *W);

/* The same words in the same order, and the same bits in W. */
void fuzz_check_same(const Vocab *va, const Tensor *Wa, const Vocab *vb, const Tensor *Wb);

/*
 * Saves vocab and W in format to a scratch file and reads it back with
 * that format's reader: the same vectors. vectors_load must read it too.
 */
void fuzz_check_round_trip(VectorsFormat format, const Vocab *vocab, const Tensor *W);

#endif
