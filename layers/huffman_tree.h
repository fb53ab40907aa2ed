/*
 * huffman_tree.h — the binary Huffman tree over the vocabulary that the
 * hierarchical softmax walks (word2vec.c `CreateBinaryTree`; Mikolov et
 * al. 2013, "Distributed Representations of Words and Phrases and their
 * Compositionality", §2.1). Not in the textbook, which stops at negative
 * sampling.
 *
 * The V words are the leaves; the V - 1 inner nodes are numbered 0 .. V-2
 * in the order the merges create them, so the root is V - 2. Word w's path
 * from the root down to its leaf is code_length[w] binary decisions: at
 * inner node points[offset[w] + d] it takes branch codes[offset[w] + d]
 * (0 or 1). Merging the two rarest nodes first makes the code optimal
 * (Huffman 1952): a frequent word gets a code no longer than a rarer one,
 * and sum_w count[w] * code_length[w] is as small as any binary tree allows.
 *
 * The construction follows word2vec.c step for step, so a vocabulary sorted
 * as word2vec.c sorts it gets word2vec.c's codes and points:
 *  - the leaves are taken in order of count descending; ids are not
 *    reordered here, so a permutation is sorted instead, equal counts by
 *    ascending id (deterministic);
 *  - two queues, both ascending: the leaves from the rarest, and the inner
 *    nodes in creation order (their counts never decrease). Each merge picks
 *    the smaller head twice; the leaf wins only when its count is strictly
 *    smaller, so on a tie the inner node goes first;
 *  - the second node picked becomes branch 1 of the new node, the first
 *    branch 0.
 * Zero counts are allowed (words of a vocabulary that the corpus lacks;
 * word2vec.c never has them): among them a tie goes to the leaf, so the
 * zero-count words pair up first and hang as one balanced subtree, about
 * log2(their number) deep, instead of the chain (code lengths 1, 2, ...,
 * k for k such words) the inner-node-first rule would make; the tree is
 * still optimal, and counts >= 1 give word2vec.c's tree exactly. Unlike
 * word2vec.c there is no cap on the code length (its MAX_CODE_LENGTH is
 * 40); a Zipf vocabulary of 1,000,000 words needs about 24.
 */
#ifndef DLFS2_LAYERS_HUFFMAN_TREE_H
#define DLFS2_LAYERS_HUFFMAN_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "../common/api.h"
#include "../common/status.h"

DLFS2_API_BEGIN

typedef struct HuffmanTree {
    int vocab_size;          /* V >= 2 leaves; V - 1 inner nodes numbered 0 .. V-2, root = V-2 */
    int max_code_length;     /* longest code */
    int32_t *code_length;    /* (V,) number of binary decisions on word w's path */
    int32_t *offset;         /* (V + 1,) word w's decisions are [offset[w], offset[w+1]) */
    uint8_t *codes;          /* (offset[V],) the branch taken, 0 or 1, from the root down */
    int32_t *points;         /* (offset[V],) the inner node of each decision, root first */
} HuffmanTree;

/*
 * Builds the tree of counts (V,) int64, word w's count at counts[w]. The
 * tree owns its arrays; free them with huffman_tree_free, also after a
 * failure. Errors (DLFS_ERR_ARG, with a message in err): V < 2 (or V >
 * INT32_MAX / 2, too many nodes to number), a negative count, counts whose
 * sum overflows int64, or more decisions in all than int32 offsets hold
 * (offset[V] > INT32_MAX; it takes tens of thousands of words of count 0,
 * which merge into a chain). Aborts when memory runs out.
 */
int huffman_tree_init(HuffmanTree *tree, const int64_t *counts, int V, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * huffman_tree_init over the counts of the ids in corpus (corpus_size,)
 * int32; words that never occur get count 0. Errors as huffman_tree_init,
 * and DLFS_ERR_ARG for an id outside [0, V).
 */
int huffman_tree_init_from_corpus(HuffmanTree *tree, const int32_t *corpus, size_t corpus_size,
                                  int V, DlfsError *err) DLFS_WARN_UNUSED;

/* Releases the arrays and clears tree; safe on a zeroed or already freed tree. */
void huffman_tree_free(HuffmanTree *tree);

DLFS2_API_END

#endif
