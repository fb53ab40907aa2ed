/*
 * test_hierarchical_softmax_loss.c — the Huffman tree (layers/huffman_tree.h,
 * word2vec.c `CreateBinaryTree`) and the HierarchicalSoftmaxLoss layer
 * (layers/hierarchical_softmax_loss.h; Mikolov et al. 2013, §2.1).
 *
 * Tree: codes and points worked out by hand for the CLRS counts, the order
 * of equal counts, two words, errors, counting a corpus, and on random
 * counts the properties every Huffman code has (prefix-free, Kraft
 * equality, the optimal weighted length, frequent words no longer).
 * Layer: a tiny case by hand, the loss at W = 0, a numerical gradient check
 * that catches a 1% error and a dropped repeated target, backward adding
 * into what is there, and P(w | h) summing to 1 over the vocabulary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "common/param.h"
#include "common/rng.h"
#include "layers/hierarchical_softmax_loss.h"
#include "tests/testutil.h"

/* ------------------------------------------------------------ the tree */

/* Word w's code and points are exactly code[0..len) and points[0..len). */
static void expect_path(const HuffmanTree *t, int w, int len, const char *code, const int32_t *points)
{
    assert_int_equal(t->code_length[w], len);
    assert_int_equal(t->offset[w + 1] - t->offset[w], len);
    for (int d = 0; d < len; d++) {
        assert_int_equal(t->codes[t->offset[w] + d], code[d] - '0');
        assert_int_equal(t->points[t->offset[w] + d], points[d]);
    }
}

/* sum_w counts[w] * code_length[w] */
static int64_t weighted_length(const HuffmanTree *t, const int64_t *counts)
{
    int64_t s = 0;
    for (int w = 0; w < t->vocab_size; w++) s += counts[w] * t->code_length[w];
    return s;
}

/*
 * The CLRS example (Cormen et al., §16.3): a:45 b:13 c:12 d:16 e:9 f:5, as
 * ids 0..5 in that (unsorted) order. V = 6, inner nodes 0..4, root 4.
 * Leaf queue, rarest first: f5 e9 c12 b13 d16 a45. Each merge takes the
 * smaller head twice (a leaf only if strictly smaller than the inner head);
 * the first pick is branch 0, the second branch 1:
 *   n0 = f5  (0) + e9  (1) = 14    inner queue empty: two leaves
 *   n1 = c12 (0) + b13 (1) = 25    12 < 14, then 13 < 14
 *   n2 = n0  (0) + d16 (1) = 30    16 > 14: n0; then 16 < 25: d
 *   n3 = n1  (0) + n2  (1) = 55    45 > 25: n1; 45 > 30: n2
 *   n4 = a45 (0) + n3  (1) = 100   45 < 55: a; leaves used up: n3
 * Codes from the root down, and the inner nodes they pass:
 *   a: 0       points 4          d: 111   points 4 3 2
 *   b: 101     points 4 3 1      e: 1101  points 4 3 2 0
 *   c: 100     points 4 3 1      f: 1100  points 4 3 2 0
 * Weighted length 45*1 + (13 + 12 + 16)*3 + (9 + 5)*4 = 224, CLRS's figure.
 */
static void test_clrs_codes_by_hand(void **state)
{
    (void)state;
    const int64_t counts[6] = {45, 13, 12, 16, 9, 5};
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, counts, 6, &err), DLFS_OK);
    assert_int_equal(t.vocab_size, 6);
    assert_int_equal(t.max_code_length, 4);
    expect_path(&t, 0, 1, "0", (const int32_t[]){4});
    expect_path(&t, 1, 3, "101", (const int32_t[]){4, 3, 1});
    expect_path(&t, 2, 3, "100", (const int32_t[]){4, 3, 1});
    expect_path(&t, 3, 3, "111", (const int32_t[]){4, 3, 2});
    expect_path(&t, 4, 4, "1101", (const int32_t[]){4, 3, 2, 0});
    expect_path(&t, 5, 4, "1100", (const int32_t[]){4, 3, 2, 0});
    const int32_t expect_offset[7] = {0, 1, 4, 7, 10, 14, 18};
    assert_memory_equal(t.offset, expect_offset, sizeof expect_offset);
    assert_int_equal(weighted_length(&t, counts), 224);
    /* a more frequent word never has the longer code */
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++)
            if (counts[i] > counts[j]) assert_true(t.code_length[i] <= t.code_length[j]);
    huffman_tree_free(&t);
    assert_null(t.codes);
    huffman_tree_free(&t);   /* twice is fine */
}

/*
 * Equal counts. {1, 1, 1, 1}: sorted by id, so the leaf queue from the
 * rarest end is 3 2 1 0.
 *   n0 = w3 (0) + w2 (1) = 2;  n1 = w1 (0) + w0 (1) = 2   (1 < 2 both times)
 *   n2 = n0 (0) + n1 (1) = 4, the root
 *   w0: 11, w1: 10 (points 2 1); w2: 01, w3: 00 (points 2 0).
 * {2, 1, 1}: leaf queue w2 w1 w0.
 *   n0 = w2 (0) + w1 (1) = 2
 *   n1: the leaf w0 (2) ties with n0 (2), and a tie takes the inner node:
 *       n1 = n0 (0) + w0 (1)
 *   w0: 1 (points 1); w1: 01, w2: 00 (points 1 0).
 *   (Ties going to the leaf would give w0 the code 0 and w1 11.)
 */
static void test_equal_counts_order(void **state)
{
    (void)state;
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){1, 1, 1, 1}, 4, &err), DLFS_OK);
    assert_int_equal(t.max_code_length, 2);
    expect_path(&t, 0, 2, "11", (const int32_t[]){2, 1});
    expect_path(&t, 1, 2, "10", (const int32_t[]){2, 1});
    expect_path(&t, 2, 2, "01", (const int32_t[]){2, 0});
    expect_path(&t, 3, 2, "00", (const int32_t[]){2, 0});
    huffman_tree_free(&t);

    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){2, 1, 1}, 3, &err), DLFS_OK);
    assert_int_equal(t.max_code_length, 2);
    expect_path(&t, 0, 1, "1", (const int32_t[]){1});
    expect_path(&t, 1, 2, "01", (const int32_t[]){1, 0});
    expect_path(&t, 2, 2, "00", (const int32_t[]){1, 0});
    huffman_tree_free(&t);

    /* zero counts are words like any other: {0, 0, 5} puts the two zeros under n0 */
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){0, 0, 5}, 3, &err), DLFS_OK);
    expect_path(&t, 0, 2, "01", (const int32_t[]){1, 0});
    expect_path(&t, 1, 2, "00", (const int32_t[]){1, 0});
    expect_path(&t, 2, 1, "1", (const int32_t[]){1});
    huffman_tree_free(&t);
}

/* Two words: one inner node (the root, 0); the rarer word is branch 0. */
static void test_two_words(void **state)
{
    (void)state;
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){3, 7}, 2, &err), DLFS_OK);
    assert_int_equal(t.max_code_length, 1);
    expect_path(&t, 0, 1, "0", (const int32_t[]){0});
    expect_path(&t, 1, 1, "1", (const int32_t[]){0});
    huffman_tree_free(&t);
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){7, 3}, 2, &err), DLFS_OK);
    expect_path(&t, 0, 1, "1", (const int32_t[]){0});
    expect_path(&t, 1, 1, "0", (const int32_t[]){0});
    huffman_tree_free(&t);
    /* a tie: id 1 sorts after id 0, so it is the "rarer" one */
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){4, 4}, 2, &err), DLFS_OK);
    expect_path(&t, 0, 1, "1", (const int32_t[]){0});
    expect_path(&t, 1, 1, "0", (const int32_t[]){0});
    huffman_tree_free(&t);
}

static void test_tree_errors(void **state)
{
    (void)state;
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){5}, 1, &err), DLFS_ERR_ARG);
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_contains(err.msg, "hierarchical softmax needs at least 2 words");
    huffman_tree_free(&t);
    assert_int_equal(huffman_tree_init(&t, NULL, 0, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "at least 2 words, got 0");
    huffman_tree_free(&t);

    err = (DlfsError){0};
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){3, 0, -2, 4}, 4, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "word 2 has a negative count (-2)");
    assert_null(t.codes);
    huffman_tree_free(&t);

    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){INT64_MAX, 1}, 2, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "add up to more than");
    huffman_tree_free(&t);
    /* the largest sum that fits is fine */
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){INT64_MAX - 1, 1}, 2, &err), DLFS_OK);
    huffman_tree_free(&t);

    /* err may be NULL */
    assert_int_equal(huffman_tree_init(&t, (const int64_t[]){1}, 1, NULL), DLFS_ERR_ARG);
    huffman_tree_free(&t);
}

/* Counting a corpus gives the tree of the counts; ids outside [0, V) are errors. */
static void test_from_corpus(void **state)
{
    (void)state;
    /* counts 3, 1, 4, 0, 2: word 3 never occurs */
    const int32_t corpus[10] = {2, 0, 2, 1, 4, 2, 0, 4, 2, 0};
    HuffmanTree a, b;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init_from_corpus(&a, corpus, 10, 5, &err), DLFS_OK);
    assert_int_equal(huffman_tree_init(&b, (const int64_t[]){3, 1, 4, 0, 2}, 5, &err), DLFS_OK);
    assert_int_equal(a.vocab_size, 5);
    assert_int_equal(a.max_code_length, b.max_code_length);
    assert_memory_equal(a.code_length, b.code_length, 5 * sizeof *a.code_length);
    assert_memory_equal(a.offset, b.offset, 6 * sizeof *a.offset);
    assert_memory_equal(a.codes, b.codes, (size_t)b.offset[5] * sizeof *a.codes);
    assert_memory_equal(a.points, b.points, (size_t)b.offset[5] * sizeof *a.points);
    /* and the tree is not the one of other counts: 4 2 3 1 0 -> lengths differ */
    HuffmanTree c;
    assert_int_equal(huffman_tree_init(&c, (const int64_t[]){4, 2, 3, 1, 0}, 5, &err), DLFS_OK);
    assert_true(memcmp(a.code_length, c.code_length, 5 * sizeof *a.code_length) != 0);
    huffman_tree_free(&a);
    huffman_tree_free(&b);
    huffman_tree_free(&c);

    const int32_t bad[4] = {0, 1, 5, 2};
    assert_int_equal(huffman_tree_init_from_corpus(&a, bad, 4, 5, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "corpus id 5 at position 2 is outside [0, 5)");
    huffman_tree_free(&a);
    const int32_t neg[2] = {-1, 0};
    assert_int_equal(huffman_tree_init_from_corpus(&a, neg, 2, 5, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "corpus id -1 at position 0");
    huffman_tree_free(&a);
    assert_int_equal(huffman_tree_init_from_corpus(&a, corpus, 10, 1, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "at least 2 words");
    huffman_tree_free(&a);
    /* an empty corpus: every count 0, still a tree */
    assert_int_equal(huffman_tree_init_from_corpus(&a, corpus, 0, 3, &err), DLFS_OK);
    assert_int_equal(a.offset[3], 5);   /* lengths 2, 2, 1: two zeros paired, then the third */
    huffman_tree_free(&a);
}

/* The optimal weighted length, by merging the two smallest weights V - 1 times (O(V^2)). */
static int64_t optimal_huffman_cost(const int64_t *counts, int V)
{
    int64_t w[64];
    memcpy(w, counts, (size_t)V * sizeof *w);
    int n = V;
    int64_t cost = 0;
    while (n > 1) {
        int a = 0, b = 1;
        if (w[b] < w[a]) a = 1, b = 0;
        for (int i = 2; i < n; i++) {
            if (w[i] < w[a]) b = a, a = i;
            else if (w[i] < w[b]) b = i;
        }
        const int64_t merged = w[a] + w[b];
        cost += merged;   /* every leaf below the new node is one level deeper */
        const int lo = a < b ? a : b, hi = a < b ? b : a;
        w[lo] = merged;
        w[hi] = w[--n];
    }
    return cost;
}

/* Checks the properties of one tree of counts (V,). */
static void check_tree_properties(const int64_t *counts, int V)
{
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, counts, V, &err), DLFS_OK);
    const int root = V - 2;
    int max_len = 0;
    assert_int_equal(t.offset[0], 0);
    for (int w = 0; w < V; w++) {
        assert_int_equal(t.offset[w + 1] - t.offset[w], t.code_length[w]);
        assert_true(t.code_length[w] >= 1 && t.code_length[w] <= V - 1);
        if (t.code_length[w] > max_len) max_len = t.code_length[w];
        assert_int_equal(t.points[t.offset[w]], root);
        for (int i = t.offset[w]; i < t.offset[w + 1]; i++) {
            assert_true(t.codes[i] <= 1);
            assert_true(t.points[i] >= 0 && t.points[i] <= root);
        }
    }
    assert_int_equal(t.max_code_length, max_len);

    /* Kraft equality sum_w 2^-len_w = 1, exactly: a full binary tree */
    uint64_t kraft = 0;
    for (int w = 0; w < V; w++) kraft += (uint64_t)1 << (max_len - t.code_length[w]);
    assert_true(kraft == (uint64_t)1 << max_len);

    /* prefix-free, and two paths visit the same nodes until they part */
    for (int v = 0; v < V; v++) {
        for (int w = 0; w < V; w++) {
            if (v == w) continue;
            const uint8_t *cv = t.codes + t.offset[v], *cw = t.codes + t.offset[w];
            const int32_t *pv = t.points + t.offset[v], *pw = t.points + t.offset[w];
            const int n = t.code_length[v] < t.code_length[w] ? t.code_length[v] : t.code_length[w];
            int d = 0;
            while (d < n && cv[d] == cw[d]) {
                assert_int_equal(pv[d], pw[d]);
                d++;
            }
            assert_true(d < n);             /* neither code is a prefix of the other */
            assert_int_equal(pv[d], pw[d]); /* they part at one node, by its two branches */
        }
    }

    /* every inner node is on some path, and both its branches are taken */
    int seen[64][2];
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < t.offset[V]; i++) seen[t.points[i]][t.codes[i]] = 1;
    for (int n = 0; n <= root; n++) assert_true(seen[n][0] && seen[n][1]);

    /* optimal, and frequent words no longer */
    assert_true(weighted_length(&t, counts) == optimal_huffman_cost(counts, V));
    for (int i = 0; i < V; i++)
        for (int j = 0; j < V; j++)
            if (counts[i] > counts[j]) assert_true(t.code_length[i] <= t.code_length[j]);
    huffman_tree_free(&t);
}

static void test_random_trees_properties(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 2013);
    int64_t counts[64];
    for (int trial = 0; trial < 300; trial++) {
        const int V = 2 + (int)rng_below(&rng, 49);   /* 2 .. 50 */
        for (int w = 0; w < V; w++) {
            switch (trial % 3) {
            case 0: counts[w] = (int64_t)rng_below(&rng, 100); break;        /* flat, some 0 */
            case 1: counts[w] = (int64_t)rng_below(&rng, 4); break;          /* many ties */
            default: counts[w] = 100000 / (1 + (int64_t)rng_below(&rng, (uint64_t)V)); break;  /* Zipf-like */
            }
        }
        check_tree_properties(counts, V);
    }
    /* all equal, and all zero (the zeros pair up first: a balanced tree, lengths 5 and 6 for
     * 50 words, where the inner-node-first rule made a chain of lengths 1, 2, ..., 49, 49) */
    for (int w = 0; w < 50; w++) counts[w] = 7;
    check_tree_properties(counts, 50);
    for (int w = 0; w < 50; w++) counts[w] = 0;
    check_tree_properties(counts, 50);
    HuffmanTree t;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&t, counts, 50, &err), DLFS_OK);
    assert_int_equal(t.max_code_length, 6);
    assert_int_equal(t.offset[50], 50 * 6 - 14);   /* 2^6 - 50 = 14 words one level up */
    huffman_tree_free(&t);
}

/* ----------------------------------------------------------- the layer */

/*
 * V 3 with counts {2, 1, 1}: w0 code 1 (points 1), w1 code 01 (points 1 0),
 * w2 code 00 (test_equal_counts_order). H 2, W rows n0 = (1, 0), n1 = (0, 1).
 * Row 0: target w1, h = (1, 2):
 *   at n1: x = 2, code 0, t = 1: dlfs_softplus(-2) = 0.126928011
 *   at n0: x = 1, code 1, t = 0: dlfs_softplus(1)  = 1.313261688
 *   -log P(w1) = 1.440189699; P(w1) = sigmoid(2) (1 - sigmoid(1)) = 0.236882818
 * Row 1: target w0, h = (-1, 0.5):
 *   at n1: x = 0.5, code 1, t = 0: dlfs_softplus(0.5) = 0.974076984
 * loss = (1.440189699 + 0.974076984) / 2 = 1.207133341
 * backward, g = (y - t) / B:
 *   row 0: n1: (0.880797078 - 1) / 2 = -0.059601461, n0: 0.731058579 / 2 = 0.365529289
 *   row 1: n1: 0.622459331 / 2 = 0.311229666
 *   dh[0] = 0.365529289 n0 - 0.059601461 n1 = (0.365529289, -0.059601461)
 *   dh[1] = 0.311229666 n1 = (0, 0.311229666)
 *   dW[n0] = 0.365529289 (1, 2) = (0.365529289, 0.731058579)
 *   dW[n1] = -0.059601461 (1, 2) + 0.311229666 (-1, 0.5) = (-0.370831127, 0.036411911)
 */
static void test_tiny_case_by_hand(void **state)
{
    (void)state;
    HuffmanTree tree;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&tree, (const int64_t[]){2, 1, 1}, 3, &err), DLFS_OK);
    Param W;
    param_init(&W, "W", 2, (int[]){2, 2}, true);
    const float w[4] = {1, 0, 0, 1};
    memcpy(W.value.data, w, sizeof w);
    HierarchicalSoftmaxLoss hs;
    hierarchical_softmax_loss_init(&hs, &W, &tree, 4);
    const float h[4] = {1, 2, -1, 0.5f};
    const int32_t target[2] = {1, 0};
    assert_close(hierarchical_softmax_loss_forward(&hs, h, target, 2), 1.207133341, 1e-6, 0);
    /* y along each path, root first */
    assert_close(hs.y[0 * tree.max_code_length + 0], 0.880797078, 1e-7, 0);
    assert_close(hs.y[0 * tree.max_code_length + 1], 0.731058579, 1e-7, 0);
    assert_close(hs.y[1 * tree.max_code_length + 0], 0.622459331, 1e-7, 0);

    float dh[4] = {0, 0, 0, 0};
    hierarchical_softmax_loss_backward(&hs, dh, 1.0f);
    const float expect_dh[4] = {0.365529289f, -0.059601461f, 0.0f, 0.311229666f};
    assert_close_array(dh, expect_dh, 4, 1e-7, 0);
    const float expect_dW[4] = {0.365529289f, 0.731058579f, -0.370831127f, 0.036411911f};
    assert_close_array(W.grad.data, expect_dW, 4, 1e-7, 0);
    assert_int_equal(W.n_touched, 2);

    /* B = 1, row 0 alone: the loss is -log P(w1) */
    assert_close(hierarchical_softmax_loss_forward(&hs, h, target, 1), 1.440189699, 1e-6, 0);
    assert_close(exp(-hierarchical_softmax_loss_forward(&hs, h, target, 1)), 0.236882818, 1e-7, 0);
    hierarchical_softmax_loss_free(&hs);
    param_free(&W);
    huffman_tree_free(&tree);
}

/* W = 0: every decision is a coin flip, the loss is (mean code length) ln 2 and dh = 0. */
static void test_zero_weights_loss(void **state)
{
    (void)state;
    HuffmanTree tree;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&tree, (const int64_t[]){45, 13, 12, 16, 9, 5}, 6, &err), DLFS_OK);
    enum { H = 3, B = 4 };
    Param W;
    param_init(&W, "W", 2, (int[]){5, H}, false);
    HierarchicalSoftmaxLoss hs;
    hierarchical_softmax_loss_init(&hs, &W, &tree, B);
    float h[B * H];
    for (int i = 0; i < B * H; i++) h[i] = (float)(i % 5) - 2.0f;
    /* lengths 1 (a), 4 (e), 3 (b), 4 (f): mean 3 */
    const int32_t target[B] = {0, 4, 1, 5};
    assert_close(hierarchical_softmax_loss_forward(&hs, h, target, B), 3.0 * log(2.0), 1e-6, 0);
    float dh[B * H];
    memset(dh, 0, sizeof dh);
    hierarchical_softmax_loss_backward(&hs, dh, 1.0f);
    for (int i = 0; i < B * H; i++) assert_true(dh[i] == 0.0f);
    /* dW[root] = sum_b (0.5 - t) h[b] / B: branch 0 at the root for a (t = 1), 1 for the others */
    for (int k = 0; k < H; k++) {
        const double expect = (-0.5 * h[0 * H + k] + 0.5 * (h[1 * H + k] + h[2 * H + k] + h[3 * H + k])) / B;
        assert_close(W.grad.data[4 * H + k], expect, 1e-6, 0);
    }
    hierarchical_softmax_loss_free(&hs);
    param_free(&W);
    huffman_tree_free(&tree);
}

/*
 * A random problem on V 7 words. Counts {30, 3, 12, 4, 7, 20, 9} give
 *   w0 11 (5 4)     w1 0000 (5 3 1 0)   w2 101 (5 4 2)   w3 0001 (5 3 1 0)
 *   w4 001 (5 3 1)  w5 01 (5 3)         w6 100 (5 4 2)
 * (code (points)); the targets 3 0 3 5 4 use every inner node but 2.
 */
enum { GV = 7, GH = 4, GB = 5 };
static const int64_t g_counts[GV] = {30, 3, 12, 4, 7, 20, 9};

typedef struct GradCtx {
    HuffmanTree tree;
    Param W;
    HierarchicalSoftmaxLoss hs;
    float h[GB * GH];
    int32_t target[GB];
} GradCtx;

static double loss_of(void *p)
{
    GradCtx *g = p;
    return hierarchical_softmax_loss_forward(&g->hs, g->h, g->target, GB);
}

static void setup_ctx(GradCtx *g, uint64_t seed, bool track_rows)
{
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&g->tree, g_counts, GV, &err), DLFS_OK);
    Rng rng;
    rng_seed(&rng, seed);
    param_init(&g->W, "W", 2, (int[]){GV - 1, GH}, track_rows);
    for (size_t i = 0; i < g->W.value.size; i++) g->W.value.data[i] = (float)(0.7 * rng_normal(&rng));
    for (int i = 0; i < GB * GH; i++) g->h[i] = (float)(0.7 * rng_normal(&rng));
    /* word 3 (a longest path) twice */
    const int32_t target[GB] = {3, 0, 3, 5, 4};
    memcpy(g->target, target, sizeof target);
    hierarchical_softmax_loss_init(&g->hs, &g->W, &g->tree, GB);
}

static void free_ctx(GradCtx *g)
{
    hierarchical_softmax_loss_free(&g->hs);
    param_free(&g->W);
    huffman_tree_free(&g->tree);
}

static void test_numerical_gradient(void **state)
{
    (void)state;
    GradCtx g;
    setup_ctx(&g, 11, true);
    expect_path(&g.tree, 3, 4, "0001", (const int32_t[]){5, 3, 1, 0});
    expect_path(&g.tree, 0, 2, "11", (const int32_t[]){5, 4});
    assert_int_equal(g.tree.max_code_length, 4);
    const float loss = hierarchical_softmax_loss_forward(&g.hs, g.h, g.target, GB);
    assert_true(isfinite(loss));
    float dh[GB * GH];
    memset(dh, 0, sizeof dh);
    hierarchical_softmax_loss_backward(&g.hs, dh, 1.0f);
    float dW[(GV - 1) * GH];
    memcpy(dW, g.W.grad.data, sizeof dW);

    assert_true(gradient_check_float32(g.h, dh, GB * GH, loss_of, &g) <= 1.0);
    assert_true(gradient_check_float32(g.W.value.data, dW, (GV - 1) * GH, loss_of, &g) <= 1.0);

    /* a 1% error in either gradient is caught */
    float bad_dh[GB * GH], bad_dW[(GV - 1) * GH];
    for (int i = 0; i < GB * GH; i++) bad_dh[i] = dh[i] * 1.01f;
    for (int i = 0; i < (GV - 1) * GH; i++) bad_dW[i] = dW[i] * 1.01f;
    assert_true(gradient_check_float32(g.h, bad_dh, GB * GH, loss_of, &g) > 1.0);
    assert_true(gradient_check_float32(g.W.value.data, bad_dW, (GV - 1) * GH, loss_of, &g) > 1.0);

    /* and so is a backward that lets row 2 (target 3 again) overwrite row 0's
     * contribution: subtract row 0's g * h[0] along word 3's path */
    memcpy(bad_dW, dW, sizeof dW);
    for (int32_t i = g.tree.offset[3], d = 0; i < g.tree.offset[4]; i++, d++) {
        const int32_t n = g.tree.points[i];
        double x = 0.0;
        for (int k = 0; k < GH; k++) x += (double)g.W.value.data[n * GH + k] * g.h[k];
        const double gd = (1.0 / (1.0 + exp(-x)) - (g.tree.codes[i] ? 0.0 : 1.0)) / GB;
        for (int k = 0; k < GH; k++) bad_dW[n * GH + k] -= (float)(gd * g.h[k]);
    }
    assert_true(gradient_check_float32(g.W.value.data, bad_dW, (GV - 1) * GH, loss_of, &g) > 1.0);

    /* the rows marked are exactly the inner nodes on the targets' paths */
    int on_path[GV - 1] = {0};
    for (int b = 0; b < GB; b++)
        for (int32_t i = g.tree.offset[g.target[b]]; i < g.tree.offset[g.target[b] + 1]; i++)
            on_path[g.tree.points[i]] = 1;
    int n_on_path = 0;
    for (int n = 0; n < GV - 1; n++) {
        assert_int_equal(g.W.row_touched[n], on_path[n]);
        n_on_path += on_path[n];
        if (!on_path[n])
            for (int k = 0; k < GH; k++) assert_true(g.W.grad.data[n * GH + k] == 0.0f);
    }
    assert_int_equal(g.W.n_touched, n_on_path);
    assert_int_equal(n_on_path, GV - 2);   /* all but inner node 2 */
    free_ctx(&g);
}

/*
 * backward adds into dh and W's grad; dout scales; a W without row tracking
 * gets the same numbers; the target array is copied at forward.
 */
static void test_backward_adds(void **state)
{
    (void)state;
    GradCtx a, b;
    setup_ctx(&a, 21, true);
    setup_ctx(&b, 21, false);
    (void)hierarchical_softmax_loss_forward(&a.hs, a.h, a.target, GB);
    float dh_a[GB * GH];
    memset(dh_a, 0, sizeof dh_a);
    hierarchical_softmax_loss_backward(&a.hs, dh_a, 1.0f);

    (void)hierarchical_softmax_loss_forward(&b.hs, b.h, b.target, GB);
    for (int i = 0; i < GB; i++) b.target[i] = 0;   /* scribble: the layer kept its copy */
    float dh_b[GB * GH], pre_dh[GB * GH], pre_dW[(GV - 1) * GH];
    for (int i = 0; i < GB * GH; i++) dh_b[i] = pre_dh[i] = 0.25f * (float)(i % 7) - 0.5f;
    for (size_t i = 0; i < b.W.grad.size; i++) b.W.grad.data[i] = pre_dW[i] = 0.1f * (float)(i % 5) + 1.0f;
    hierarchical_softmax_loss_backward(&b.hs, dh_b, 2.0f);
    for (int i = 0; i < GB * GH; i++) assert_close(dh_b[i], pre_dh[i] + 2.0 * dh_a[i], 1e-6, 1e-6);
    for (size_t i = 0; i < b.W.grad.size; i++)
        assert_close(b.W.grad.data[i], pre_dW[i] + 2.0 * a.W.grad.data[i], 1e-6, 1e-6);
    assert_null(b.W.row_touched);
    free_ctx(&a);
    free_ctx(&b);
}

/*
 * The same (target, h) row twice in a batch of 2: the loss is that of the
 * row alone, each dh row is half of the alone one, and W's grad equals the
 * alone one, the two halves adding up (a backward that assigned would give
 * half of it).
 */
static void test_repeated_targets_accumulate(void **state)
{
    (void)state;
    GradCtx g;
    setup_ctx(&g, 31, true);
    float h2[2 * GH];
    memcpy(h2, g.h, GH * sizeof *h2);
    memcpy(h2 + GH, g.h, GH * sizeof *h2);
    const int32_t t2[2] = {3, 3};

    const float alone = hierarchical_softmax_loss_forward(&g.hs, g.h, t2, 1);
    float dh1[GH] = {0};
    hierarchical_softmax_loss_backward(&g.hs, dh1, 1.0f);
    float dW1[(GV - 1) * GH];
    memcpy(dW1, g.W.grad.data, sizeof dW1);
    param_zero_grad(&g.W);

    assert_close(hierarchical_softmax_loss_forward(&g.hs, h2, t2, 2), alone, 1e-6, 1e-6);
    float dh2[2 * GH] = {0};
    hierarchical_softmax_loss_backward(&g.hs, dh2, 1.0f);
    for (int k = 0; k < GH; k++) {
        assert_close(dh2[k], 0.5 * dh1[k], 1e-7, 1e-6);
        assert_close(dh2[GH + k], 0.5 * dh1[k], 1e-7, 1e-6);
    }
    assert_close_array(g.W.grad.data, dW1, (GV - 1) * GH, 1e-7, 1e-6);
    bool nonzero = false;
    for (int i = 0; i < (GV - 1) * GH; i++) nonzero |= dW1[i] != 0.0f;
    assert_true(nonzero);
    free_ctx(&g);
}

/*
 * P(w | h) = exp(-loss) for a batch of one; over all V words it sums to 1,
 * and equals the product of sigmoid(x) or 1 - sigmoid(x) read from y.
 */
static void test_probabilities_sum_to_one(void **state)
{
    (void)state;
    enum { V = 37, H = 6 };
    Rng rng;
    rng_seed(&rng, 99);
    int64_t counts[V];
    for (int w = 0; w < V; w++) counts[w] = 1 + (int64_t)rng_below(&rng, 1000);
    HuffmanTree tree;
    DlfsError err = {0};
    assert_int_equal(huffman_tree_init(&tree, counts, V, &err), DLFS_OK);
    assert_true(tree.max_code_length > 5);
    Param W;
    param_init(&W, "W", 2, (int[]){V - 1, H}, true);
    for (size_t i = 0; i < W.value.size; i++) W.value.data[i] = (float)rng_normal(&rng);
    HierarchicalSoftmaxLoss hs;
    hierarchical_softmax_loss_init(&hs, &W, &tree, 1);
    for (int trial = 0; trial < 3; trial++) {
        float h[H];
        for (int k = 0; k < H; k++) h[k] = (float)rng_normal(&rng);
        double sum = 0.0, max_p = 0.0;
        for (int32_t w = 0; w < V; w++) {
            const double p = exp(-(double)hierarchical_softmax_loss_forward(&hs, h, &w, 1));
            double from_y = 1.0;
            for (int32_t i = tree.offset[w], d = 0; i < tree.offset[w + 1]; i++, d++)
                from_y *= tree.codes[i] ? 1.0 - hs.y[d] : hs.y[d];
            assert_close(from_y, p, 1e-7, 1e-4);
            sum += p;
            if (p > max_p) max_p = p;
        }
        assert_close(sum, 1.0, 1e-5, 0);
        assert_true(max_p < 0.99);   /* not one word taking everything */
    }
    hierarchical_softmax_loss_free(&hs);
    param_free(&W);
    huffman_tree_free(&tree);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clrs_codes_by_hand),
        cmocka_unit_test(test_equal_counts_order),
        cmocka_unit_test(test_two_words),
        cmocka_unit_test(test_tree_errors),
        cmocka_unit_test(test_from_corpus),
        cmocka_unit_test(test_random_trees_properties),
        cmocka_unit_test(test_tiny_case_by_hand),
        cmocka_unit_test(test_zero_weights_loss),
        cmocka_unit_test(test_numerical_gradient),
        cmocka_unit_test(test_backward_adds),
        cmocka_unit_test(test_repeated_targets_accumulate),
        cmocka_unit_test(test_probabilities_sum_to_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
