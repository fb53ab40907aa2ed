/*
 * corpus_counts.h — each word's count in a corpus of ids, the one step the
 * corpus builders (unigram_sampler_init, huffman_tree_init_from_corpus and
 * the models' corpus variants) take before calling their counts variant
 * (unigram_sampler_init_counts, huffman_tree_init, ..._init_counts), which
 * the streamed training of issue 19 calls directly with the counts of its
 * vocabulary pass. Private to the library (not installed).
 */
#ifndef DLFS2_LAYERS_CORPUS_COUNTS_H
#define DLFS2_LAYERS_CORPUS_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/status.h"

/*
 * counts[v] = how many times id v occurs in corpus (corpus_size,) int32,
 * for v in [0, V); counts (V,) int64, caller-allocated, is overwritten (V
 * >= 1 is a contract). corpus may be NULL when corpus_size is 0. Returns
 * DLFS_OK, or DLFS_ERR_ARG for an id outside [0, V), with the message
 * "corpus id ID at position I is outside [0, V)" (counts is then
 * unspecified).
 */
int corpus_count_ids(const int32_t *corpus, size_t corpus_size, int V, int64_t *counts,
                     DlfsError *err) DLFS_WARN_UNUSED;

#endif
