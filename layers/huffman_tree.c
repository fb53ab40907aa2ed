/* huffman_tree.c — word2vec.c's CreateBinaryTree over unsorted ids (see huffman_tree.h). */
#include "layers/huffman_tree.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "layers/corpus_counts.h"

/* A leaf waiting in the leaf queue. */
typedef struct Leaf {
    int64_t count;
    int32_t id;
} Leaf;

/* word2vec.c's vocabulary order: count descending; equal counts by id ascending. */
static int leaf_compare(const void *pa, const void *pb)
{
    const Leaf *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static int check_vocab_size(int V, DlfsError *err)
{
    if (V < 2) return dlfs_fail(err, DLFS_ERR_ARG, "hierarchical softmax needs at least 2 words, got %d", V);
    /* 2V - 1 nodes must be countable in an int */
    if (V > INT32_MAX / 2) return dlfs_fail(err, DLFS_ERR_ARG, "%d words are too many for a Huffman tree", V);
    return DLFS_OK;
}

int huffman_tree_init(HuffmanTree *tree, const int64_t *counts, int V, DlfsError *err)
{
    memset(tree, 0, sizeof *tree);
    int rc = check_vocab_size(V, err);
    if (rc) return rc;
    int64_t total = 0;
    for (int w = 0; w < V; w++) {
        if (counts[w] < 0)
            return dlfs_fail(err, DLFS_ERR_ARG, "word %d has a negative count (%lld)", w, (long long)counts[w]);
        if (counts[w] > INT64_MAX - total)
            return dlfs_fail(err, DLFS_ERR_ARG, "the counts of the %d words add up to more than %lld", V,
                             (long long)INT64_MAX);
        total += counts[w];
    }

    /* Nodes 0 .. V-1 are the leaves (node w is word w), node V + k is inner
     * node k; the root, created last, is node 2V - 2. */
    const int n_nodes = 2 * V - 1, root = 2 * V - 2;
    Leaf *leaves = dlfs_malloc((size_t)V * sizeof *leaves);
    int64_t *node_count = dlfs_malloc((size_t)n_nodes * sizeof *node_count);
    int32_t *parent = dlfs_malloc((size_t)n_nodes * sizeof *parent);
    uint8_t *branch = dlfs_malloc((size_t)n_nodes * sizeof *branch);
    int32_t *depth = dlfs_malloc((size_t)n_nodes * sizeof *depth);
    for (int w = 0; w < V; w++) {
        leaves[w] = (Leaf){.count = counts[w], .id = w};
        node_count[w] = counts[w];
    }
    qsort(leaves, (size_t)V, sizeof *leaves, leaf_compare);

    /* Both queues are ascending: the leaves read from the end of the sorted
     * array, and the inner nodes because each merge's sum is at least the
     * previous one's. So the two smallest nodes are always among the heads. */
    int next_leaf = V - 1;      /* rarest leaf not yet merged, or -1 */
    int next_inner = 0;         /* oldest inner node not yet merged; == k when none waits */
    for (int k = 0; k < V - 1; k++) {
        int32_t pick[2];
        for (int j = 0; j < 2; j++) {
            /* a tie goes to the inner node: the leaf must be strictly smaller; but
             * words of count 0 pair up among themselves first, so that they hang as
             * one balanced subtree (depth log2 of their number) instead of a chain */
            const bool take_leaf =
                next_leaf >= 0 && (next_inner == k || leaves[next_leaf].count < node_count[V + next_inner] ||
                                   (leaves[next_leaf].count == 0 && node_count[V + next_inner] == 0));
            pick[j] = take_leaf ? leaves[next_leaf--].id : V + next_inner++;
        }
        node_count[V + k] = node_count[pick[0]] + node_count[pick[1]];
        parent[pick[0]] = parent[pick[1]] = V + k;
        branch[pick[0]] = 0;    /* the smaller one (first picked) */
        branch[pick[1]] = 1;
    }
    DLFS_ASSERT(next_leaf == -1 && next_inner == V - 2);

    /* A parent is created after its children, so its node number is larger:
     * walking the nodes downwards from the root sees every parent first. */
    depth[root] = 0;
    for (int n = root - 1; n >= 0; n--) depth[n] = depth[parent[n]] + 1;

    tree->vocab_size = V;
    tree->code_length = dlfs_malloc((size_t)V * sizeof *tree->code_length);
    tree->offset = dlfs_malloc((size_t)(V + 1) * sizeof *tree->offset);
    int64_t n_decisions = 0;
    for (int w = 0; w < V; w++) {
        tree->code_length[w] = depth[w];
        if (depth[w] > tree->max_code_length) tree->max_code_length = depth[w];
        n_decisions += depth[w];
    }
    if (n_decisions > INT32_MAX) {
        rc = dlfs_fail(err, DLFS_ERR_ARG, "the Huffman codes of %d words have %lld decisions in all, more than %d",
                       V, (long long)n_decisions, INT32_MAX);
        goto done;
    }
    tree->offset[0] = 0;
    for (int w = 0; w < V; w++) tree->offset[w + 1] = tree->offset[w] + depth[w];

    /* Climb from each leaf to the root, filling its decisions from the last
     * (the branch into the leaf) back to the first (the branch at the root). */
    tree->codes = dlfs_malloc((size_t)n_decisions * sizeof *tree->codes);
    tree->points = dlfs_malloc((size_t)n_decisions * sizeof *tree->points);
    for (int w = 0; w < V; w++) {
        int32_t pos = tree->offset[w + 1];
        for (int n = w; n != root; n = parent[n]) {
            pos--;
            tree->codes[pos] = branch[n];
            tree->points[pos] = parent[n] - V;
        }
        DLFS_ASSERT(pos == tree->offset[w]);
    }

done:
    free(leaves);
    free(node_count);
    free(parent);
    free(branch);
    free(depth);
    return rc;
}

int huffman_tree_init_from_corpus(HuffmanTree *tree, const int32_t *corpus, size_t corpus_size,
                                  int V, DlfsError *err)
{
    memset(tree, 0, sizeof *tree);
    int rc = check_vocab_size(V, err);
    if (rc) return rc;
    int64_t *counts = dlfs_calloc((size_t)V, sizeof *counts);
    rc = corpus_count_ids(corpus, corpus_size, V, counts, err);
    if (rc) goto done;
    rc = huffman_tree_init(tree, counts, V, err);
done:
    free(counts);
    return rc;
}

void huffman_tree_free(HuffmanTree *tree)
{
    free(tree->code_length);
    free(tree->offset);
    free(tree->codes);
    free(tree->points);
    memset(tree, 0, sizeof *tree);
}
