/*
 * test_ptb.c — the PTB loader (datasets/ptb.h; the textbook's
 * dataset/ptb.py): tokenising with "<eos>" for every newline, ids in order of
 * first appearance, read errors, where the data directory is, downloads
 * through file:// URLs (SHA-256 checked, nothing left behind on failure), and
 * the real corpus's counts and first ids (skipped when the real PTB is absent).
 */
#define _XOPEN_SOURCE 700  /* realpath */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datasets/ptb.h"
#include "tests/testutil.h"

static const char *const ENV_NAMES[] = {"DLFS2_DATA", "DLFS2_PTB_URL", "XDG_CACHE_HOME", "HOME"};
enum { N_ENV = sizeof ENV_NAMES / sizeof ENV_NAMES[0] };

/* Per test: a fresh empty directory (removed afterwards) and the environment to restore. */
typedef struct Fixture {
    char dir[PATH_MAX];
    char *saved_env[N_ENV];
} Fixture;

/* The real PTB directory (resolved, no ".."), or "" when it is absent. */
static char real_ptb[PATH_MAX];

#define write_text(path, s) test_write_file((path), (s), sizeof(s) - 1)

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    unsigned char *x = test_read_bytes(a, &na), *y = test_read_bytes(b, &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

static const char *join(char *buf, size_t size, const char *dir, const char *name)
{
    const int n = snprintf(buf, size, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < size);
    return buf;
}

static int group_setup(void **state)
{
    (void)state;
    const char *dir = test_ptb_dir();  /* before any test touches DLFS2_DATA */
    if (!dir || !realpath(dir, real_ptb)) real_ptb[0] = '\0';
    return 0;
}

static int setup(void **state)
{
    Fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    if (test_make_tmpdir(f->dir, sizeof f->dir) != 0) {
        free(f);
        return -1;
    }
    test_env_save(f->saved_env, ENV_NAMES, N_ENV);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Fixture *f = *state;
    test_env_restore(f->saved_env, ENV_NAMES, N_ENV);
    test_remove_tree(f->dir);
    free(f);
    return 0;
}

/* The first n ids of c are expect[0..n). */
static void assert_prefix(const Int32Array *c, const int32_t *expect, size_t n)
{
    assert_true(c->size >= n);
    for (size_t i = 0; i < n; i++)
        if (c->data[i] != expect[i]) fail_msg("token %zu: id %d, expected %d", i, c->data[i], expect[i]);
}

/* c is exactly expect[0..n). */
static void assert_ids(const Int32Array *c, const int32_t *expect, size_t n)
{
    assert_int_equal(c->size, n);
    assert_prefix(c, expect, n);
}

/* ---- corpus_load_file -------------------------------------------------- */

/* Tabs, CR, VT and FF separate words; every '\n' is "<eos>"; no final newline means no final "<eos>". */
static void test_corpus_tokens_and_eos(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX];
    join(path, sizeof path, f->dir, "tiny.txt");
    write_text(path, "the cat\tsat\r\n on the\vmat \n\fthe end");
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_OK);
    /* the cat sat <eos> on the mat <eos> the end */
    const int32_t expect[] = {0, 1, 2, 3, 4, 0, 5, 3, 0, 6};
    assert_ids(&c, expect, 10);
    const char *words[] = {"the", "cat", "sat", "<eos>", "on", "mat", "end"};
    assert_int_equal(v.size, 7);
    for (int i = 0; i < 7; i++) assert_string_equal(vocab_word(&v, i), words[i]);
    int32_array_free(&c);
    vocab_free(&v);
}

/*
 * PTB lines start and end with a space, so this equals the textbook's
 * open(f).read().replace('\n', '<eos>').strip().split(); blank lines and
 * a leading newline give one "<eos>" each.
 */
static void test_corpus_ptb_layout_and_blank_lines(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX];
    join(path, sizeof path, f->dir, "lines.txt");
    write_text(path, "\n a b \n\n c a \n");
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_OK);
    /* <eos> a b <eos> <eos> c a <eos> */
    const int32_t expect[] = {0, 1, 2, 0, 0, 3, 1, 0};
    assert_ids(&c, expect, 8);
    assert_int_equal(v.size, 4);
    assert_string_equal(vocab_word(&v, 0), "<eos>");
    assert_string_equal(vocab_word(&v, 3), "c");
    int32_array_free(&c);
    vocab_free(&v);
}

/* Words already in the vocabulary keep their ids; new ones continue after them. */
static void test_corpus_keeps_existing_vocab(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX];
    join(path, sizeof path, f->dir, "more.txt");
    write_text(path, "the new the\n");
    Vocab v;
    vocab_init(&v);
    vocab_add(&v, "x");
    vocab_add(&v, "the");
    Int32Array c;
    DlfsError err = {0};
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_OK);
    const int32_t expect[] = {1, 2, 1, 3};
    assert_ids(&c, expect, 4);
    assert_int_equal(v.size, 4);
    assert_string_equal(vocab_word(&v, 2), "new");
    assert_string_equal(vocab_word(&v, 3), "<eos>");
    int32_array_free(&c);
    vocab_free(&v);
}

static void test_corpus_read_errors(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX];
    Int32Array c = {(int32_t *)&c, 99};  /* garbage the loader must clear */
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};

    join(path, sizeof path, f->dir, "missing.txt");
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_ERR_IO);
    assert_int_equal(err.status, DLFS_ERR_IO);
    assert_contains(err.msg, path);
    assert_null(c.data);
    assert_int_equal(c.size, 0);

    /* A directory opens but does not read. */
    assert_int_equal(corpus_load_file(f->dir, &c, &v, &err), DLFS_ERR_IO);
    assert_contains(err.msg, f->dir);
    assert_null(c.data);
    assert_int_equal(v.size, 0);
    vocab_free(&v);
}

static void test_corpus_format_errors(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX];
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};

    join(path, sizeof path, f->dir, "empty.txt");
    write_text(path, "");
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "no tokens");
    assert_null(c.data);
    assert_int_equal(c.size, 0);

    join(path, sizeof path, f->dir, "blank.txt");
    write_text(path, " \t\r \f\v ");
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "no tokens");
    assert_null(c.data);

    /* A NUL byte on line 2. */
    join(path, sizeof path, f->dir, "binary.txt");
    write_text(path, "a b\nc\0d\n");
    assert_int_equal(corpus_load_file(path, &c, &v, &err), DLFS_ERR_FORMAT);
    char where[PATH_MAX + 8];
    snprintf(where, sizeof where, "%s:2:", path);
    assert_contains(err.msg, where);
    assert_contains(err.msg, "NUL");
    assert_null(c.data);
    assert_int_equal(c.size, 0);
    vocab_free(&v);
}

/* ---- ptb_data_dir and ptb_sha256 ---------------------------------------- */

static void test_data_dir_precedence(void **state)
{
    (void)state;
    char out[256];
    DlfsError err = {0};
    setenv("DLFS2_DATA", "/env/data", 1);
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    setenv("HOME", "/home/me", 1);

    /* PTB is DATA/ptb (no ptb.train.txt in these made-up folders: not the older layout) */
    assert_int_equal(ptb_data_dir(out, sizeof out, "/explicit/dir", &err), DLFS_OK);
    assert_string_equal(out, "/explicit/dir/ptb");
    assert_int_equal(ptb_data_dir(out, sizeof out, NULL, &err), DLFS_OK);
    assert_string_equal(out, "/env/data/ptb");

    setenv("DLFS2_DATA", "", 1);  /* empty counts as unset */
    assert_int_equal(ptb_data_dir(out, sizeof out, NULL, &err), DLFS_OK);
    assert_string_equal(out, "/xdg/dlfs2/ptb");
    unsetenv("DLFS2_DATA");
    assert_int_equal(ptb_data_dir(out, sizeof out, NULL, &err), DLFS_OK);
    assert_string_equal(out, "/xdg/dlfs2/ptb");

    unsetenv("XDG_CACHE_HOME");
    assert_int_equal(ptb_data_dir(out, sizeof out, NULL, &err), DLFS_OK);
    assert_string_equal(out, "/home/me/.cache/dlfs2/ptb");
    setenv("XDG_CACHE_HOME", "relative/cache", 1);  /* the XDG spec says to ignore it */
    assert_int_equal(ptb_data_dir(out, sizeof out, NULL, &err), DLFS_OK);
    assert_string_equal(out, "/home/me/.cache/dlfs2/ptb");

    /* The explicit directory wins even with nothing else set. */
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_int_equal(ptb_data_dir(out, sizeof out, "rel/dir", &err), DLFS_OK);
    assert_string_equal(out, "rel/dir/ptb");
}

static void test_data_dir_errors(void **state)
{
    (void)state;
    char out[256];
    DlfsError err = {0};
    unsetenv("DLFS2_DATA");
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_int_equal(ptb_data_dir(out, sizeof out, NULL, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "HOME");

    setenv("HOME", "/home/me", 1);
    char small[10];
    assert_int_equal(ptb_data_dir(small, sizeof small, NULL, &err), DLFS_ERR_ARG);  /* 26 bytes needed */
    assert_string_equal(small, "");
    assert_int_equal(ptb_data_dir(out, sizeof out, "", &err), DLFS_ERR_ARG);
}

static void test_sha256_table(void **state)
{
    (void)state;
    assert_string_equal(ptb_sha256("train"), "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf");
    assert_string_equal(ptb_sha256("valid"), "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2");
    assert_string_equal(ptb_sha256("test"), "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0");
    assert_null(ptb_sha256("ptb.train.txt"));
    assert_null(ptb_sha256(""));
    assert_null(ptb_sha256(NULL));
}

/* ---- ptb_ensure_file ------------------------------------------------------ */

/* An existing file is neither checked nor replaced, and nothing is fetched. */
static void test_ensure_existing_file_untouched(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX];
    join(path, sizeof path, f->dir, "ptb.train.txt");
    write_text(path, "not the real ptb\n");
    setenv("DLFS2_PTB_URL", "file:///nonexistent-dlfs2-dir/", 1);
    DlfsError err = {0};
    assert_int_equal(ptb_ensure_file(f->dir, "train", &err), DLFS_OK);
    size_t n;
    char *text = (char *)test_read_bytes(path, &n);
    assert_string_equal(text, "not the real ptb\n");
    free(text);
    assert_int_equal(test_count_entries(f->dir), 1);

    assert_int_equal(ptb_ensure_file(f->dir, "bogus", &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "bogus");
}

/* file://<real PTB>/ stands in for the web: all three files arrive, byte for byte, in a new nested dir. */
static void test_download_file_url(void **state)
{
    Fixture *f = *state;
    assert_true(real_ptb[0] != '\0');   /* run only when the real PTB is there */
    char data[PATH_MAX], url[PATH_MAX + 16], got[PATH_MAX], src[PATH_MAX];
    join(data, sizeof data, f->dir, "cache/dlfs2/ptb");  /* parents do not exist yet */
    snprintf(url, sizeof url, "file://%s/", real_ptb);
    setenv("DLFS2_PTB_URL", url, 1);
    DlfsError err = {0};
    const char *splits[] = {"train", "valid", "test"};
    for (int i = 0; i < 3; i++) {
        if (i == 2) {  /* a prefix without the final '/' works too */
            snprintf(url, sizeof url, "file://%s", real_ptb);
            setenv("DLFS2_PTB_URL", url, 1);
        }
        const int rc = ptb_ensure_file(data, splits[i], &err);
        if (rc) fail_msg("%s: %s", splits[i], err.msg);
        char name[32];
        snprintf(name, sizeof name, "ptb.%s.txt", splits[i]);
        assert_same_file(join(got, sizeof got, data, name), join(src, sizeof src, real_ptb, name));
    }
    assert_int_equal(test_count_entries(data), 3);  /* no temporary file left */

    /* And they load: a second call finds the files and fetches nothing. */
    setenv("DLFS2_PTB_URL", "file:///nonexistent-dlfs2-dir/", 1);
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    assert_int_equal(ptb_load_data(data, "valid", &c, &v, &err), DLFS_OK);
    assert_int_equal(c.size, 73760);
    int32_array_free(&c);
    vocab_free(&v);
}

/* A file with the wrong SHA-256 is refused and leaves nothing behind. */
static void test_download_checksum_mismatch(void **state)
{
    Fixture *f = *state;
    char src[PATH_MAX], data[PATH_MAX], path[PATH_MAX], url[PATH_MAX + 16];
    join(src, sizeof src, f->dir, "fake-server");
    assert_int_equal(mkdir(src, 0777), 0);
    write_text(join(path, sizeof path, src, "ptb.train.txt"), " this is not the penn treebank \n");
    snprintf(url, sizeof url, "file://%s/", src);
    setenv("DLFS2_PTB_URL", url, 1);
    join(data, sizeof data, f->dir, "data");

    DlfsError err = {0};
    assert_int_equal(ptb_ensure_file(data, "train", &err), DLFS_ERR_CHECKSUM);
    assert_contains(err.msg, "ptb.train.txt");
    assert_contains(err.msg, ptb_sha256("train"));
    assert_int_equal(test_count_entries(data), 0);

    /* ptb_load_data passes the error on and leaves its outputs empty. */
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    assert_int_equal(ptb_load_data(data, "train", &c, &v, &err), DLFS_ERR_CHECKSUM);
    assert_null(c.data);
    assert_int_equal(c.size, 0);
    assert_int_equal(v.size, 0);
    assert_int_equal(test_count_entries(data), 0);
}

/* An unreachable source is a network error that says where to put the files by hand. */
static void test_download_unreachable(void **state)
{
    Fixture *f = *state;
    char data[PATH_MAX];
    join(data, sizeof data, f->dir, "data");
    setenv("DLFS2_PTB_URL", "file:///nonexistent-dir/", 1);
    DlfsError err = {0};
    assert_int_equal(ptb_ensure_file(data, "valid", &err), DLFS_ERR_NET);
    assert_int_equal(err.status, DLFS_ERR_NET);
    assert_contains(err.msg, "file:///nonexistent-dir/ptb.valid.txt");
    assert_contains(err.msg, data);
    assert_contains(err.msg, "ptb.train.txt, ptb.valid.txt and ptb.test.txt");
    assert_contains(err.msg, "DLFS2_DATA");
    assert_contains(err.msg, "dlfs2 fetch --data-dir ");  /* data is not the default folder */
    assert_int_equal(test_count_entries(data), 0);
}

/* A data directory that cannot be created (a file is in the way) is an I/O error naming it. */
static void test_ensure_cannot_create_dir(void **state)
{
    Fixture *f = *state;
    char blocker[PATH_MAX], data[PATH_MAX];
    write_text(join(blocker, sizeof blocker, f->dir, "blocker"), "x");
    join(data, sizeof data, blocker, "sub");
    setenv("DLFS2_PTB_URL", "file:///nonexistent-dir/", 1);
    DlfsError err = {0};
    assert_int_equal(ptb_ensure_file(data, "train", &err), DLFS_ERR_IO);
    assert_contains(err.msg, blocker);
}

/* ---- ptb_load_data on a hand-made data directory -------------------------- */

static void make_tiny_ptb(const char *dir, const char *valid)
{
    char path[PATH_MAX];
    write_text(join(path, sizeof path, dir, "ptb.train.txt"), " b a b \n a c \n");
    test_write_file(join(path, sizeof path, dir, "ptb.valid.txt"), valid, strlen(valid));
    write_text(join(path, sizeof path, dir, "ptb.test.txt"), " a \n");
    setenv("DLFS2_PTB_URL", "file:///nonexistent-dir/", 1);  /* nothing may be fetched */
}

/* The vocabulary always comes from train, so every split uses train's ids. */
static void test_load_data_ids_from_train(void **state)
{
    Fixture *f = *state;
    make_tiny_ptb(f->dir, " c b \n");
    Int32Array c;
    Vocab v;
    DlfsError err = {0};

    vocab_init(&v);
    assert_int_equal(ptb_load_data(f->dir, "train", &c, &v, &err), DLFS_OK);
    const int32_t train[] = {0, 1, 0, 2, 1, 3, 2};  /* b a b <eos> a c <eos> */
    assert_ids(&c, train, 7);
    assert_int_equal(v.size, 4);
    int32_array_free(&c);
    vocab_free(&v);

    vocab_init(&v);
    assert_int_equal(ptb_load_data(f->dir, "valid", &c, &v, &err), DLFS_OK);
    const int32_t valid[] = {3, 0, 2};  /* c b <eos> */
    assert_ids(&c, valid, 3);
    assert_int_equal(v.size, 4);
    assert_string_equal(vocab_word(&v, 3), "c");
    int32_array_free(&c);
    vocab_free(&v);

    vocab_init(&v);
    assert_int_equal(ptb_load_data(f->dir, "test", &c, &v, &err), DLFS_OK);
    const int32_t test[] = {1, 2};  /* a <eos> */
    assert_ids(&c, test, 2);
    int32_array_free(&c);
    vocab_free(&v);

    vocab_init(&v);
    assert_int_equal(ptb_load_data(f->dir, "dev", &c, &v, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "dev");
    assert_null(c.data);
}

/* A valid/test word that train lacks is a format error naming the word and its line. */
static void test_load_data_unknown_word(void **state)
{
    Fixture *f = *state;
    make_tiny_ptb(f->dir, " a \n b zebra \n");
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    assert_int_equal(ptb_load_data(f->dir, "valid", &c, &v, &err), DLFS_ERR_FORMAT);
    assert_contains(err.msg, "ptb.valid.txt:2:");
    assert_contains(err.msg, "'zebra'");
    assert_null(c.data);
    assert_int_equal(c.size, 0);
    assert_int_equal(v.size, 0);
    assert_null(v.word_to_id);
}

/* ---- the real PTB -------------------------------------------------------- */

static size_t count_id(const Int32Array *c, int32_t id)
{
    size_t n = 0;
    for (size_t i = 0; i < c->size; i++) n += c->data[i] == id;
    return n;
}

/* Numbers from the textbook's ptb.load_data('train') (word_to_id, len(corpus)). */
static void test_real_train(void **state)
{
    (void)state;
    assert_true(real_ptb[0] != '\0');   /* run only when the real PTB is there */
    Int32Array c;
    Vocab v;
    vocab_init(&v);
    DlfsError err = {0};
    const int rc = ptb_load_data(real_ptb, "train", &c, &v, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_int_equal(c.size, 929589);
    assert_int_equal(v.size, 10000);
    assert_int_equal(vocab_get(&v, "aer"), 0);
    assert_int_equal(vocab_get(&v, "banknote"), 1);
    assert_int_equal(vocab_get(&v, "berlitz"), 2);
    assert_int_equal(vocab_get(&v, "<eos>"), 24);  /* the first line has 24 words */
    assert_int_equal(vocab_get(&v, "the"), 32);
    assert_int_equal(vocab_get(&v, "<unk>"), 26);
    assert_string_equal(vocab_word(&v, 9999), "unilab");
    for (int32_t i = 0; i < 5; i++) assert_int_equal(c.data[i], i);
    assert_int_equal(c.data[c.size - 1], 24);
    assert_int_equal(count_id(&c, 24), 42068);  /* one per line */
    int32_array_free(&c);
    vocab_free(&v);
}

static void test_real_valid_and_test(void **state)
{
    (void)state;
    assert_true(real_ptb[0] != '\0');   /* run only when the real PTB is there */
    const struct {
        const char *split;
        size_t size, lines;
        int32_t first[3];
    } cases[] = {
        {"valid", 73760, 3370, {2211, 396, 1129}},  /* consumers may want */
        {"test", 82430, 3761, {142, 78, 54}},       /* no it was */
    };
    for (int k = 0; k < 2; k++) {
        Int32Array c;
        Vocab v;
        vocab_init(&v);
        DlfsError err = {0};
        const int rc = ptb_load_data(real_ptb, cases[k].split, &c, &v, &err);
        if (rc) fail_msg("%s: %s", cases[k].split, err.msg);
        assert_int_equal(c.size, cases[k].size);
        assert_int_equal(v.size, 10000);  /* train's vocabulary, nothing added */
        assert_int_equal(vocab_get(&v, "aer"), 0);
        assert_prefix(&c, cases[k].first, 3);
        assert_int_equal(c.data[c.size - 1], 24);
        assert_int_equal(count_id(&c, 24), cases[k].lines);
        int32_array_free(&c);
        vocab_free(&v);
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_corpus_tokens_and_eos),
        T(test_corpus_ptb_layout_and_blank_lines),
        T(test_corpus_keeps_existing_vocab),
        T(test_corpus_read_errors),
        T(test_corpus_format_errors),
        T(test_data_dir_precedence),
        T(test_data_dir_errors),
        T(test_sha256_table),
        T(test_ensure_existing_file_untouched),
        T(test_download_checksum_mismatch),
        T(test_download_unreachable),
        T(test_ensure_cannot_create_dir),
        T(test_load_data_ids_from_train),
        T(test_load_data_unknown_word),
        /* the last three need the real PTB */
        T(test_download_file_url),
        T(test_real_train),
        T(test_real_valid_and_test),
    };
    return run_tests_needing_ptb("ptb", tests, sizeof tests / sizeof tests[0], 3, group_setup, NULL);
}
