/*
 * testutil.h — helpers shared by the cmocka tests: close-enough array
 * comparisons, numerical gradients in double precision, where the real
 * PTB lives, and a per-test temporary directory with small file helpers.
 *
 * Include after <stdarg.h>, <stddef.h>, <setjmp.h> and <cmocka.h>.
 */
#ifndef DLFS2_TESTS_TESTUTIL_H
#define DLFS2_TESTS_TESTUTIL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Fails the test unless the string hay contains the string needle. */
#define assert_contains(hay, needle)                                                \
    do {                                                                            \
        if (!strstr((hay), (needle)))                                               \
            fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));            \
    } while (0)

/* Fails the test unless |a[i] - b[i]| <= atol + rtol * |b[i]| for every i. */
void assert_close_array(const float *a, const float *b, size_t n, double atol, double rtol);

/* Fails the test unless |a - b| <= atol + rtol * |b|. */
void assert_close(double a, double b, double atol, double rtol);

/* A scalar loss of the current parameter values; ctx is the test's state. */
typedef double (*loss_fn)(void *ctx);

/*
 * Central difference (f(x + h) - f(x - h)) / 2h for element x[i], in double;
 * x[i] is restored afterwards.
 */
double numerical_gradient(float *x, size_t i, double h, loss_fn f, void *ctx);

/*
 * Compares analytic[0..n) with numerical gradients of f w.r.t. x[0..n) and
 * returns the largest relative error |a - n| / max(|a| + |n|, 1e-8) over
 * elements whose |a| + |n| exceeds abs_floor (smaller ones are compared
 * absolutely: their |a - n| must stay below abs_floor, else returns 1).
 */
double gradient_max_rel_error(float *x, const float *analytic, size_t n, double h, double abs_floor,
                              loss_fn f, void *ctx);

/*
 * Gradient check suited to a float32 loss. The loss comes back rounded to
 * a few ulps, ~|L| * FLT_EPSILON, so a central difference carries about
 * |L| * FLT_EPSILON / 2h of noise whatever the gradient: a purely relative
 * test cannot be both reliable on small elements and sharp on large ones.
 * Returns max_i |a_i - n_i| / (atol + rtol |n_i|) with h = 1e-2,
 * rtol = 1e-3 and atol = 4 |L| eps / 2h (n from numerical_gradient);
 * <= 1 passes. On 300 random NegativeSamplingLoss/CBOW/SkipGram cases it
 * gave at most 0.4, and with every analytic element 1% off at least 6.5.
 */
double gradient_check_float32(float *x, const float *analytic, size_t n, loss_fn f, void *ctx);

/*
 * The directory holding the real ptb.{train,valid,test}.txt: the first of
 * $DLFS2_DATA, $DLFS2_DATA/ptb, $DLFS2_SOURCE_ROOT/../shared/datasets/ptb
 * and the download cache (${XDG_CACHE_HOME:-$HOME/.cache}/dlfs2/ptb) that
 * has ptb.train.txt; NULL when none has (tests then skip). The string is
 * static.
 */
const char *test_ptb_dir(void);

/*
 * The directory holding the real questions-words.txt and wordsim353.tsv:
 * the first of $DLFS2_EVAL, $DLFS2_DATA/eval, $DLFS2_DATA/../eval,
 * $DLFS2_SOURCE_ROOT/../shared/datasets/eval and the download cache's
 * dlfs2/eval that has both; NULL when none has. The string is static.
 */
const char *test_eval_dir(void);

/*
 * Runs the cmocka group tests[0..n) and returns its status, but when
 * test_ptb_dir() finds no real PTB it leaves out the LAST n_real tests
 * (those that need it) and says so on a TAP comment line. (cmocka 1.1
 * reports skip() as "not ok # SKIP", which Meson 1.0 counts as a failure.)
 */
int run_tests_needing_ptb(const char *group, const struct CMUnitTest *tests, size_t n,
                          size_t n_real, CMFixtureFunction group_setup,
                          CMFixtureFunction group_teardown);

/* The path of a file under tests/data ($DLFS2_SOURCE_ROOT/tests/data/name); static buffer. */
const char *test_data_path(const char *name);

/* xorshift32 (Marsaglia): the next value of the state *s, which it advances; *s must not be 0. */
uint32_t test_xorshift32(uint32_t *s);

/* ---- a temporary directory per test ---------------------------------------- */

/* A fresh directory under $TMPDIR (or /tmp), removed with all it holds afterwards. */
typedef struct TestTmpdir {
    char dir[PATH_MAX];
} TestTmpdir;

/*
 * Makes a fresh directory $TMPDIR/dlfs2-test-XXXXXX (/tmp when $TMPDIR is
 * unset or empty) and writes its path into dir[0..size). Returns 0, or -1
 * when it cannot be made.
 */
int test_make_tmpdir(char *dir, size_t size);

/* Removes path: a file, or a directory with everything below it. Errors are ignored. */
void test_remove_tree(const char *path);

/*
 * cmocka setup: *state becomes a malloc'ed TestTmpdir whose directory was
 * just made (test_make_tmpdir). Returns 0, or -1 on failure.
 */
int test_tmpdir_setup(void **state);

/* cmocka teardown for test_tmpdir_setup: removes the directory and all it holds, frees *state. */
int test_tmpdir_teardown(void **state);

/* t->dir/name, in a static buffer that the next call overwrites. */
const char *test_tmpdir_path(const TestTmpdir *t, const char *name);

/* Writes bytes[0..len) to path (created or truncated); fails the test on any error. */
void test_write_file(const char *path, const void *bytes, size_t len);

/*
 * The whole file's bytes, malloc'ed (the caller frees) with a '\0' after
 * the last one; *len gets their count. Fails the test on any error.
 */
unsigned char *test_read_bytes(const char *path, size_t *len);

/* 1 when something (a file, directory or link) is at path, else 0. */
int test_path_exists(const char *path);

/* Entries in dir besides . and ..; -1 when it cannot be opened. */
int test_count_entries(const char *dir);

/*
 * Saves the values of the environment variables names[0..n) into saved
 * (n slots; strdup'ed, NULL for an unset one), for test_env_restore.
 */
void test_env_save(char **saved, const char *const *names, int n);

/* Sets names[0..n) back to saved (unsetting those that were unset) and frees saved's strings. */
void test_env_restore(char **saved, const char *const *names, int n);

#endif
