/*
 * test_interpose.c — the library's calls to its own functions cannot be
 * replaced by a program's function of the same name (issue 18, part 5).
 *
 * This program is linked against the SHARED libdlfs2 (the built one, not the
 * folders' static libraries) and defines its own sigmoid, softmax, softplus
 * and read_whole_file, each behaving differently from the library's, as a
 * user's program might. Before libdlfs2 was built with hidden visibility and
 * -Bsymbolic-functions, the dynamic linker bound the library's own calls to
 * them: SigmoidWithLoss's dx at x = 0 came out -0.75 instead of -0.5.
 * The checks here are the library's results, worked out by hand:
 *   SigmoidWithLoss at x = 0, t = 1: y = 0.5, loss = ln 2, dx = y - t = -0.5;
 *   Softmax of (0, ln 3): (1/4, 3/4);
 *   corpus_load_file of "you say goodbye and i say hello .\n": ids
 *   0 1 2 3 4 1 5 6 7, the 8th word "<eos>".
 * The program's own functions are checked too, so the test shows that both
 * definitions are in play. TAP output through cmocka.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dlfs2.h"   /* the umbrella header, as a user includes <dlfs2/dlfs2.h> */

/* ---- the program's own functions, with the library's names ---- */

/* A "sigmoid" of the program's own, half the logistic: 0.25 at 0. */
float sigmoid(float x)
{
    return 0.5f / (1.0f + expf(-x));
}

/* A "softmax" of the program's own that writes 0 everywhere. */
void softmax(float *y, const float *x, int N, int C)
{
    (void)x;
    memset(y, 0, (size_t)N * (size_t)C * sizeof *y);
}

/* A "softplus" of the program's own (the library's helper is dlfs_softplus now). */
double softplus(double z)
{
    (void)z;
    return 100.0;
}

/* The program's own reader, with the library's private helper's name and signature. */
int read_whole_file(const char *path, char **out, size_t *out_len, DlfsError *err);
int read_whole_file(const char *path, char **out, size_t *out_len, DlfsError *err)
{
    (void)path;
    (void)err;
    static const char text[] = "not the file at all\n";
    *out = malloc(sizeof text);
    memcpy(*out, text, sizeof text);
    *out_len = sizeof text - 1;
    return 0;
}

/* ---- the checks ---- */

static void test_programs_own_functions_are_in_play(void **state)
{
    (void)state;
    assert_true(sigmoid(0.0f) == 0.25f);
    float y[2] = {1, 1};
    softmax(y, (const float[]){0, 1}, 1, 2);
    assert_true(y[0] == 0.0f && y[1] == 0.0f);
}

static void test_sigmoid_with_loss_uses_the_librarys_sigmoid(void **state)
{
    (void)state;
    SigmoidWithLoss swl;
    sigmoid_with_loss_init(&swl, 1);
    const float x[1] = {0.0f};
    const int32_t t[1] = {1};
    const float loss = sigmoid_with_loss_forward(&swl, x, t, 1);
    float dx[1] = {0.0f};
    sigmoid_with_loss_backward(&swl, dx, 1.0f);
    printf("# SigmoidWithLoss at x = 0, t = 1: loss %.9g, dx %.9g (the program's sigmoid "
           "would give dx -0.75)\n", (double)loss, (double)dx[0]);
    assert_true(fabsf(loss - logf(2.0f)) < 1e-6f);
    assert_true(dx[0] == -0.5f);
    sigmoid_with_loss_free(&swl);
}

static void test_softmax_layer_uses_the_librarys_softmax(void **state)
{
    (void)state;
    Softmax sm;
    softmax_init(&sm, 1, 2);
    float out[2] = {0, 0};
    softmax_forward(&sm, out, (const float[]){0.0f, logf(3.0f)}, 1);
    printf("# Softmax of (0, ln 3): (%.9g, %.9g)\n", (double)out[0], (double)out[1]);
    assert_true(fabsf(out[0] - 0.25f) < 1e-6f);
    assert_true(fabsf(out[1] - 0.75f) < 1e-6f);
    softmax_free(&sm);
}

static void test_corpus_reader_uses_the_librarys_file_reader(void **state)
{
    (void)state;
    char path[] = "/tmp/dlfs2-interpose-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "you say goodbye and i say hello .\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);

    Int32Array corpus = {0};
    Vocab vocab;
    vocab_init(&vocab);
    DlfsError err = {0};
    const int rc = corpus_load_file(path, &corpus, &vocab, &err);
    unlink(path);
    assert_int_equal(rc, DLFS_OK);
    const int32_t want[9] = {0, 1, 2, 3, 4, 1, 5, 6, 7};
    assert_int_equal(corpus.size, 9);
    for (int i = 0; i < 9; i++) assert_int_equal(corpus.data[i], want[i]);
    assert_string_equal(vocab_word(&vocab, 0), "you");
    assert_string_equal(vocab_word(&vocab, 7), "<eos>");
    int32_array_free(&corpus);
    vocab_free(&vocab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_programs_own_functions_are_in_play),
        cmocka_unit_test(test_sigmoid_with_loss_uses_the_librarys_sigmoid),
        cmocka_unit_test(test_softmax_layer_uses_the_librarys_softmax),
        cmocka_unit_test(test_corpus_reader_uses_the_librarys_file_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
