/*
 * cases.h — the layers and models `dlfs2 gradcheck` checks, each on a
 * small random problem built from a seed.
 *
 * Every case draws O(1) values (weights and inputs ~ N(0, 0.5^2) or
 * N(0, 1), well above the float32 noise floor; see gradcheck.h), freezes
 * its integer inputs (ids, labels, negatives), and checks each float
 * tensor the layer gives a gradient for: its parameters and its inputs.
 * A layer that is not a loss is checked through L = sum_i R_i * out_i with
 * a fixed random R, i.e. backward with dout = R. The Embedding and
 * EmbeddingDot cases repeat an id three times in the batch, and the
 * HierarchicalSoftmaxLoss case a target twice (its path's rows, and the
 * root that every path shares, are written by several rows), so a backward
 * that overwrites instead of adding fails; the SubwordEmbedding case
 * repeats a word three times too, over words that share n-gram rows.
 * Every case gives its batch size (for the 1/B hint), and the Embedding,
 * EmbeddingDot, SubwordEmbedding, CBOW and SkipGram cases the ids that
 * gather their W / W_in rows (for the `=` instead of `+=` hint;
 * gradcheck.h).
 */
#ifndef DLFS2_GRADCHECK_CASES_H
#define DLFS2_GRADCHECK_CASES_H

#include <stdint.h>

#include "../common/api.h"
#include "gradcheck.h"

DLFS2_API_BEGIN

/* Number of cases; they are numbered 0 .. count-1 in table order. */
int gradcheck_case_count(void);

/* Name of case i, as printed and accepted on the command line ("MatMul"); static. */
const char *gradcheck_case_name(int i);

/* The case whose name equals `name` ignoring case, or -1. */
int gradcheck_case_find(const char *name);

/*
 * Builds case i's problem from seed into *p (its state allocated; the
 * problem's loss and gradients may be wrapped, e.g. to show what a wrong
 * backward looks like). Free with gradcheck_case_free(i, p).
 */
void gradcheck_case_build(int i, uint64_t seed, GradCheckProblem *p);
void gradcheck_case_free(int i, GradCheckProblem *p);

/*
 * Builds case i from seed, checks it and writes one result per checked
 * tensor into results (room for GRADCHECK_MAX_TENSORS); the strings in
 * them are static. Returns the number of results written. Everything the
 * case allocates is freed before it returns.
 */
int gradcheck_run_case(int i, uint64_t seed, GradCheckResult *results);

DLFS2_API_END

#endif
