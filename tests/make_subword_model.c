/*
 * make_subword_model.c — writes a tiny subword model file
 * (recipe/subword_model.h) and the word vectors it implies, for the CLI
 * tests of `dlfs2 vector`, `similar --model` and `analogy --model`
 * (tests/test_subword_cli.sh):
 *
 *     make_subword_model MODEL VECTORS
 *
 * The vocabulary is cat cats dog dogs walk walked <eos> (the line end has
 * no n-grams), n-grams of 3 to 4 characters, 100000 buckets, H = 4, and
 * W[r][k] = (7r + 3k) mod 11 - 5, small integers, so every mean is exact
 * to write down. VECTORS gets each word's vector (the mean of its rows) in
 * word2vec's text format: what `similar --vectors` must agree with.
 * Exit status 0, or 1 with a "make_subword_model: " message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/vocab.h"
#include "datasets/vectors.h"
#include "layers/subword.h"
#include "recipe/subword_model.h"

enum { H = 4 };

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: make_subword_model MODEL VECTORS\n", stderr);
        return 2;
    }
    static const char *const words[] = {"cat", "cats", "dog", "dogs", "walk", "walked", "<eos>"};
    Vocab vocab;
    vocab_init(&vocab);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) vocab_add(&vocab, words[i]);
    SubwordTable table;
    DlfsError err = {0};
    int rc = subword_table_init(&table, &vocab, "<eos>", 3, 4, 100000, &err);
    float *W = NULL, *means = NULL;
    if (rc == DLFS_OK) {
        W = malloc((size_t)table.n_rows * H * sizeof *W);
        means = malloc((size_t)vocab.size * H * sizeof *means);
        if (!W || !means) return 1;
        for (int r = 0; r < table.n_rows; r++)
            for (int k = 0; k < H; k++) W[r * H + k] = (float)((7 * r + 3 * k) % 11 - 5);
        rc = subword_model_save(argv[1], &vocab, &table, W, H, &err);
    }
    SubwordModel m = {0};
    if (rc == DLFS_OK) rc = subword_model_load(&m, argv[1], &err);
    if (rc == DLFS_OK) {
        for (int32_t id = 0; id < vocab.size; id++)
            (void)subword_model_vector(&m, vocab_word(&vocab, id), means + (size_t)id * H);
        rc = vectors_save_text(argv[2], &vocab, means, vocab.size, H, &err);
    }
    if (rc != DLFS_OK) fprintf(stderr, "make_subword_model: %s\n", err.msg);
    subword_model_free(&m);
    free(means);
    free(W);
    subword_table_free(&table);
    vocab_free(&vocab);
    return rc == DLFS_OK ? 0 : 1;
}
