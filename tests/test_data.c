/*
 * test_data.c — the data folder (datasets/data.h) and the checked download
 * (datasets/download.h): the lookup order (--data-dir over $DLFS2_DATA over
 * the cache), the layout DATA/ptb and DATA/eval and the older one (DATA is
 * the PTB folder, eval/ inside or beside it), the compiled-in SHA-256 sums,
 * downloads through file:// URLs (kept only with the right SHA-256, nothing
 * left behind otherwise), the offline message, and data_fetch_file on the
 * real evaluation files (those last tests are left out when they are absent).
 * No network: every URL is file://.
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

#include "datasets/data.h"
#include "datasets/download.h"
#include "tests/testutil.h"

static const char *const ENV_NAMES[] = {"DLFS2_DATA", "DLFS2_PTB_URL", "DLFS2_EVAL_URL", "XDG_CACHE_HOME",
                                        "HOME"};
enum { N_ENV = sizeof ENV_NAMES / sizeof ENV_NAMES[0] };

/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/* SHA-256 of no bytes. */
#define SHA256_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Per test: a fresh empty directory (removed afterwards) and the environment to restore. */
typedef struct Fixture {
    char dir[PATH_MAX];
    char *saved_env[N_ENV];
} Fixture;

/* The real evaluation files' folder (resolved), or "" when absent. */
static char real_eval[PATH_MAX];

#define write_text(path, s) test_write_file((path), (s), sizeof(s) - 1)

static const char *join(char *buf, size_t size, const char *dir, const char *name)
{
    const int n = snprintf(buf, size, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < size);
    return buf;
}

static void make_dir(const char *path)
{
    assert_int_equal(mkdir(path, 0777), 0);
}

/* The whole file at path is text. */
static void assert_file_text(const char *path, const char *text)
{
    size_t n;
    char *got = (char *)test_read_bytes(path, &n);
    assert_int_equal(n, strlen(text));
    assert_memory_equal(got, text, n);
    free(got);
}

static int group_setup(void **state)
{
    (void)state;
    const char *dir = test_eval_dir();  /* before any test touches DLFS2_DATA */
    if (!dir || !realpath(dir, real_eval)) real_eval[0] = '\0';
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
    for (int i = 0; i < N_ENV; i++) unsetenv(ENV_NAMES[i]);
    setenv("HOME", "/nonexistent-home", 1);
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

/* ---- the table ------------------------------------------------------------- */

/* The sums are those of /work/shared/datasets/{ptb,eval}/SHA256SUMS (and of gensim's and word2vec's files). */
static void test_table(void **state)
{
    (void)state;
    const DataFile *files;
    assert_int_equal(data_set_files(DATA_SET_PTB, &files), 3);
    assert_string_equal(files[0].name, "ptb.train.txt");
    assert_string_equal(files[1].name, "ptb.valid.txt");
    assert_string_equal(files[2].name, "ptb.test.txt");
    assert_string_equal(files[0].sha256, "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf");
    assert_int_equal(data_set_files(DATA_SET_EVAL, &files), 2);
    assert_string_equal(files[0].name, "questions-words.txt");
    assert_string_equal(files[0].sha256, "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36");
    assert_string_equal(files[1].name, "wordsim353.tsv");
    assert_string_equal(files[1].sha256, "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d");
    assert_int_equal(files[1].set, DATA_SET_EVAL);

    assert_ptr_equal(data_file_info(DATA_SET_EVAL, "wordsim353.tsv"), &files[1]);
    assert_null(data_file_info(DATA_SET_PTB, "wordsim353.tsv"));
    assert_null(data_file_info(DATA_SET_EVAL, NULL));

    DataSet set = DATA_SET_PTB;
    assert_int_equal(data_set_from_name("eval", &set), DLFS_OK);
    assert_int_equal(set, DATA_SET_EVAL);
    assert_int_equal(data_set_from_name("ptb", &set), DLFS_OK);
    assert_int_equal(set, DATA_SET_PTB);
    assert_int_equal(data_set_from_name("all", &set), DLFS_ERR_ARG);
    assert_string_equal(data_set_name(DATA_SET_PTB), "ptb");
    assert_string_equal(data_set_name(DATA_SET_EVAL), "eval");
}

static void test_urls(void **state)
{
    (void)state;
    assert_string_equal(data_set_url(DATA_SET_PTB),
                        "https://raw.githubusercontent.com/tomsercu/lstm/master/data/");
    assert_string_equal(data_set_url(DATA_SET_EVAL),
                        "https://raw.githubusercontent.com/piskvorky/gensim/4.4.0/gensim/test/test_data/");
    setenv("DLFS2_EVAL_URL", "file:///x/", 1);
    setenv("DLFS2_PTB_URL", "", 1);  /* empty counts as unset */
    assert_string_equal(data_set_url(DATA_SET_EVAL), "file:///x/");
    assert_string_equal(data_set_url(DATA_SET_PTB), DATA_PTB_DEFAULT_URL);
}

/* ---- where DATA is ---------------------------------------------------------- */

static void test_data_dir_order(void **state)
{
    (void)state;
    char out[256];
    DlfsError err = {0};
    setenv("DLFS2_DATA", "/env/data/", 1);
    setenv("XDG_CACHE_HOME", "/xdg", 1);
    setenv("HOME", "/home/me", 1);

    assert_int_equal(data_dir(out, sizeof out, "/explicit//", &err), DLFS_OK);  /* --data-dir first */
    assert_string_equal(out, "/explicit");
    assert_int_equal(data_dir(out, sizeof out, NULL, &err), DLFS_OK);  /* then $DLFS2_DATA */
    assert_string_equal(out, "/env/data");
    unsetenv("DLFS2_DATA");
    assert_int_equal(data_dir(out, sizeof out, NULL, &err), DLFS_OK);  /* then the cache */
    assert_string_equal(out, "/xdg/dlfs2");
    setenv("XDG_CACHE_HOME", "cache", 1);  /* relative: ignored, as the XDG spec says */
    assert_int_equal(data_dir(out, sizeof out, NULL, &err), DLFS_OK);
    assert_string_equal(out, "/home/me/.cache/dlfs2");
    assert_int_equal(data_dir(out, sizeof out, "/", &err), DLFS_OK);
    assert_string_equal(out, "/");

    /* the sets' folders in the new layout (nothing of this exists) */
    assert_int_equal(data_set_dir(out, sizeof out, NULL, DATA_SET_PTB, &err), DLFS_OK);
    assert_string_equal(out, "/home/me/.cache/dlfs2/ptb");  /* the old default cache, unchanged */
    assert_int_equal(data_set_dir(out, sizeof out, "rel", DATA_SET_EVAL, &err), DLFS_OK);
    assert_string_equal(out, "rel/eval");

    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    assert_int_equal(data_dir(out, sizeof out, NULL, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "HOME");
    assert_string_equal(out, "");
    assert_int_equal(data_dir(out, sizeof out, "", &err), DLFS_ERR_ARG);
    char small[8];
    assert_int_equal(data_dir(small, sizeof small, "/a/long/path", &err), DLFS_ERR_ARG);
    assert_string_equal(small, "");
}

/* A DATA holding ptb.train.txt is the PTB folder (older layout); eval is found in DATA/eval, then beside it. */
static void test_old_layout(void **state)
{
    Fixture *f = *state;
    char ptb[PATH_MAX], eval[PATH_MAX], inner[PATH_MAX], path[PATH_MAX], out[PATH_MAX], want[PATH_MAX];
    make_dir(join(ptb, sizeof ptb, f->dir, "ptb"));
    make_dir(join(eval, sizeof eval, f->dir, "eval"));
    write_text(join(path, sizeof path, ptb, "ptb.train.txt"), "a b\n");
    write_text(join(path, sizeof path, eval, "wordsim353.tsv"), "beside\n");
    setenv("DLFS2_DATA", ptb, 1);
    DlfsError err = {0};

    assert_int_equal(data_set_dir(out, sizeof out, NULL, DATA_SET_PTB, &err), DLFS_OK);
    assert_string_equal(out, ptb);
    assert_int_equal(data_set_dir(out, sizeof out, NULL, DATA_SET_EVAL, &err), DLFS_OK);
    assert_string_equal(out, join(want, sizeof want, ptb, "eval"));

    /* the sibling ../eval */
    assert_int_equal(data_file(out, sizeof out, NULL, DATA_SET_EVAL, "wordsim353.tsv", &err), DLFS_OK);
    assert_string_equal(out, join(want, sizeof want, ptb, "../eval/wordsim353.tsv"));
    assert_file_text(out, "beside\n");
    /* DATA/eval comes first */
    make_dir(join(inner, sizeof inner, ptb, "eval"));
    write_text(join(path, sizeof path, inner, "wordsim353.tsv"), "inside\n");
    assert_int_equal(data_file(out, sizeof out, NULL, DATA_SET_EVAL, "wordsim353.tsv", &err), DLFS_OK);
    assert_string_equal(out, path);

    /* missing in both: the message names both places and the fetch command */
    assert_int_equal(data_file(out, sizeof out, NULL, DATA_SET_EVAL, "questions-words.txt", &err),
                     DLFS_ERR_NOT_FOUND);
    assert_string_equal(out, join(want, sizeof want, inner, "questions-words.txt"));
    assert_contains(err.msg, want);
    assert_contains(err.msg, "../eval/questions-words.txt");
    assert_contains(err.msg, "`dlfs2 fetch eval`");  /* DLFS2_DATA is set: a plain fetch goes there */

    /* --data-dir at the new-style parent: PTB in DATA/ptb, eval in DATA/eval */
    assert_int_equal(data_set_dir(out, sizeof out, f->dir, DATA_SET_PTB, &err), DLFS_OK);
    assert_string_equal(out, ptb);
    assert_int_equal(data_file(out, sizeof out, f->dir, DATA_SET_EVAL, "wordsim353.tsv", &err), DLFS_OK);
    assert_file_text(out, "beside\n");
}

/* data_file in the new layout: found, not found (with the command to fetch it), not a file of the set. */
static void test_data_file(void **state)
{
    Fixture *f = *state;
    char eval[PATH_MAX], path[PATH_MAX], out[PATH_MAX];
    DlfsError err = {0};
    assert_int_equal(data_file(out, sizeof out, f->dir, DATA_SET_EVAL, "questions-words.txt", &err),
                     DLFS_ERR_NOT_FOUND);
    assert_string_equal(out, join(path, sizeof path, f->dir, "eval/questions-words.txt"));
    assert_contains(err.msg, path);
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "`dlfs2 fetch --data-dir %s eval`", f->dir);  /* not the default folder */
    assert_contains(err.msg, cmd);

    make_dir(join(eval, sizeof eval, f->dir, "eval"));
    write_text(join(path, sizeof path, eval, "questions-words.txt"), ": s\na b c d\n");
    assert_int_equal(data_file(out, sizeof out, f->dir, DATA_SET_EVAL, "questions-words.txt", &err), DLFS_OK);
    assert_string_equal(out, path);
    /* $DLFS2_DATA is the same lookup, --data-dir wins over it */
    setenv("DLFS2_DATA", f->dir, 1);
    assert_int_equal(data_file(out, sizeof out, NULL, DATA_SET_EVAL, "questions-words.txt", &err), DLFS_OK);
    assert_string_equal(out, path);
    assert_int_equal(data_file(out, sizeof out, "/nonexistent-data", DATA_SET_EVAL, "questions-words.txt", &err),
                     DLFS_ERR_NOT_FOUND);
    assert_string_equal(out, "/nonexistent-data/eval/questions-words.txt");

    assert_int_equal(data_file(out, sizeof out, f->dir, DATA_SET_EVAL, "ptb.train.txt", &err), DLFS_ERR_ARG);
    /* a folder of that name is not the file */
    make_dir(join(path, sizeof path, eval, "wordsim353.tsv"));
    assert_int_equal(data_file(out, sizeof out, f->dir, DATA_SET_EVAL, "wordsim353.tsv", &err),
                     DLFS_ERR_NOT_FOUND);
}

/* ---- download_verified and sha256_file_hex ---------------------------------- */

static void test_sha256_file(void **state)
{
    Fixture *f = *state;
    char path[PATH_MAX], hex[65];
    DlfsError err = {0};
    write_text(join(path, sizeof path, f->dir, "abc"), "abc");
    assert_int_equal(sha256_file_hex(path, hex, &err), DLFS_OK);
    assert_string_equal(hex, SHA256_ABC);
    write_text(path, "");
    assert_int_equal(sha256_file_hex(path, hex, &err), DLFS_OK);
    assert_string_equal(hex, SHA256_EMPTY);
    assert_int_equal(sha256_file_hex(join(path, sizeof path, f->dir, "none"), hex, &err), DLFS_ERR_IO);
    assert_contains(err.msg, path);
}

static void test_download_ok_and_mismatch(void **state)
{
    Fixture *f = *state;
    char server[PATH_MAX], src[PATH_MAX], url[PATH_MAX + 16], dest_dir[PATH_MAX], dest[PATH_MAX];
    make_dir(join(server, sizeof server, f->dir, "server"));
    write_text(join(src, sizeof src, server, "abc.txt"), "abc");
    snprintf(url, sizeof url, "file://%s", src);
    join(dest_dir, sizeof dest_dir, f->dir, "a/b");  /* parents are made */
    join(dest, sizeof dest, dest_dir, "abc.txt");
    DlfsError err = {0};

    assert_int_equal(download_verified(url, dest, SHA256_EMPTY, &err), DLFS_ERR_CHECKSUM);
    assert_contains(err.msg, SHA256_ABC);    /* what came */
    assert_contains(err.msg, SHA256_EMPTY);  /* what was expected */
    assert_contains(err.msg, url);
    assert_int_equal(test_count_entries(dest_dir), 0);  /* no file, no temporary file */

    /* a file already at the destination survives a wrong download */
    write_text(dest, "old");
    assert_int_equal(download_verified(url, dest, SHA256_EMPTY, &err), DLFS_ERR_CHECKSUM);
    assert_file_text(dest, "old");
    assert_int_equal(test_count_entries(dest_dir), 1);

    assert_int_equal(download_verified(url, dest, SHA256_ABC, &err), DLFS_OK);
    assert_file_text(dest, "abc");
    assert_int_equal(test_count_entries(dest_dir), 1);
    struct stat st;
    assert_int_equal(stat(dest, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);

    char missing[PATH_MAX + 32];
    snprintf(missing, sizeof missing, "file://%s/none.txt", server);
    assert_int_equal(download_verified(missing, join(dest, sizeof dest, dest_dir, "none.txt"), SHA256_ABC, &err),
                     DLFS_ERR_NET);
    assert_contains(err.msg, missing);
    assert_int_equal(test_count_entries(dest_dir), 1);
}

/* ---- data_fetch_file and data_download_file ---------------------------------- */

/* Offline: the message names the URL that failed, the folder to fill by hand, the files and the command. */
static void test_fetch_offline(void **state)
{
    Fixture *f = *state;
    char data[PATH_MAX], eval[PATH_MAX], path[PATH_MAX], want[PATH_MAX + 64];
    join(data, sizeof data, f->dir, "data");
    setenv("DLFS2_EVAL_URL", "file:///nonexistent-dlfs2-server", 1);  /* no final '/': one is added */
    DlfsError err = {0};
    DataFetchResult result;
    const DataFile *wordsim = data_file_info(DATA_SET_EVAL, "wordsim353.tsv");
    assert_int_equal(data_fetch_file(data, wordsim, path, sizeof path, &result, &err), DLFS_ERR_NET);
    assert_contains(err.msg, "file:///nonexistent-dlfs2-server/wordsim353.tsv");
    assert_contains(err.msg, "questions-words.txt and wordsim353.tsv");
    assert_contains(err.msg, join(eval, sizeof eval, data, "eval"));
    assert_contains(err.msg, "by hand");
    snprintf(want, sizeof want, "`dlfs2 fetch --data-dir %s eval`", data);
    assert_contains(err.msg, want);
    assert_int_equal(test_count_entries(eval), 0);

    /* PTB's own message in the default folder: a plain `dlfs2 fetch ptb` */
    setenv("DLFS2_DATA", data, 1);
    setenv("DLFS2_PTB_URL", "file:///nonexistent-dlfs2-server/", 1);
    char ptb[PATH_MAX];
    join(ptb, sizeof ptb, data, "ptb");
    assert_int_equal(data_download_file(ptb, data_file_info(DATA_SET_PTB, "ptb.test.txt"), &err), DLFS_ERR_NET);
    assert_contains(err.msg, "file:///nonexistent-dlfs2-server/ptb.test.txt");
    assert_contains(err.msg, "ptb.train.txt, ptb.valid.txt and ptb.test.txt into ");
    assert_contains(err.msg, ptb);
    assert_contains(err.msg, "`dlfs2 fetch ptb`");
    assert_int_equal(test_count_entries(ptb), 0);
}

/* A file already there with another SHA-256 is refused and left as it is; a wrong download is not kept. */
static void test_fetch_mismatch(void **state)
{
    Fixture *f = *state;
    char data[PATH_MAX], eval[PATH_MAX], path[PATH_MAX], server[PATH_MAX], url[PATH_MAX + 16];
    join(data, sizeof data, f->dir, "data");
    make_dir(data);
    make_dir(join(eval, sizeof eval, data, "eval"));
    write_text(join(path, sizeof path, eval, "questions-words.txt"), "mine\n");
    setenv("DLFS2_EVAL_URL", "file:///nonexistent-dlfs2-server/", 1);
    DlfsError err = {0};
    DataFetchResult result;
    char got[PATH_MAX];
    assert_int_equal(data_fetch_file(data, data_file_info(DATA_SET_EVAL, "questions-words.txt"), got, sizeof got,
                                     &result, &err),
                     DLFS_ERR_CHECKSUM);
    assert_string_equal(got, path);
    assert_contains(err.msg, path);
    assert_contains(err.msg, "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36");
    assert_file_text(path, "mine\n");

    /* a server with the wrong wordsim353.tsv */
    make_dir(join(server, sizeof server, f->dir, "server"));
    write_text(join(path, sizeof path, server, "wordsim353.tsv"), "tiger cat 7.35\n");
    snprintf(url, sizeof url, "file://%s/", server);
    setenv("DLFS2_EVAL_URL", url, 1);
    assert_int_equal(data_fetch_file(data, data_file_info(DATA_SET_EVAL, "wordsim353.tsv"), got, sizeof got,
                                     &result, &err),
                     DLFS_ERR_CHECKSUM);
    assert_contains(err.msg, "it was not kept");
    assert_int_equal(test_count_entries(eval), 1);  /* only the user's questions-words.txt */
}

/* The real evaluation files through file://: downloaded once, then found and not downloaded again. */
static void test_fetch_real_eval(void **state)
{
    Fixture *f = *state;
    assert_true(real_eval[0] != '\0');
    char data[PATH_MAX], url[PATH_MAX + 16], got[PATH_MAX], want[PATH_MAX + 64];
    join(data, sizeof data, f->dir, "new/data");
    snprintf(url, sizeof url, "file://%s/", real_eval);
    setenv("DLFS2_EVAL_URL", url, 1);
    const DataFile *files;
    const size_t n = data_set_files(DATA_SET_EVAL, &files);
    for (size_t i = 0; i < n; i++) {
        DlfsError err = {0};
        DataFetchResult result;
        if (data_fetch_file(data, &files[i], got, sizeof got, &result, &err) != DLFS_OK)
            fail_msg("%s: %s", files[i].name, err.msg);
        assert_int_equal(result, DATA_FETCH_DOWNLOADED);
        snprintf(want, sizeof want, "%s/eval/%s", data, files[i].name);
        assert_string_equal(got, want);
        char hex[65];
        assert_int_equal(sha256_file_hex(got, hex, &err), DLFS_OK);
        assert_string_equal(hex, files[i].sha256);
    }
    snprintf(want, sizeof want, "%s/eval", data);
    assert_int_equal(test_count_entries(want), 2);

    setenv("DLFS2_EVAL_URL", "file:///nonexistent-dlfs2-server/", 1);  /* nothing may be fetched now */
    for (size_t i = 0; i < n; i++) {
        DlfsError err = {0};
        DataFetchResult result = DATA_FETCH_DOWNLOADED;
        assert_int_equal(data_fetch_file(data, &files[i], got, sizeof got, &result, &err), DLFS_OK);
        assert_int_equal(result, DATA_FETCH_PRESENT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_dir_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sha256_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_download_ok_and_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fetch_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fetch_mismatch, setup, teardown),
        /* needs the real evaluation files: last, left out when they are absent */
        cmocka_unit_test_setup_teardown(test_fetch_real_eval, setup, teardown),
    };
    size_t n = sizeof tests / sizeof tests[0];
    group_setup(NULL);
    if (real_eval[0] == '\0') {
        printf("# real questions-words.txt and wordsim353.tsv not found ($DLFS2_EVAL, $DLFS2_DATA, "
               "../shared/datasets/eval, download cache): 1 test not run\n");
        n--;
    }
    return _cmocka_run_group_tests("data", tests, n, NULL, NULL);
}
