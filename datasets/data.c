/*
 * data.c — the data folder and its files (see data.h): one lookup for every
 * program, the compiled-in SHA-256 sums, and fetching through
 * download_verified (datasets/download.h).
 */
#include "datasets/data.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/check.h"
#include "datasets/download.h"

enum { DATA_PATH_MAX = 4096 };

/* Every file, grouped by set, each set's files in the order `dlfs2 fetch` takes them. */
static const DataFile DATA_FILES[] = {
    {DATA_SET_PTB, "ptb.train.txt", "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf"},
    {DATA_SET_PTB, "ptb.valid.txt", "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2"},
    {DATA_SET_PTB, "ptb.test.txt", "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0"},
    {DATA_SET_EVAL, "questions-words.txt", "8c29b3332afc46f3fb8be04cb5297bf96f39aa7131272dff57869b4485b22a36"},
    {DATA_SET_EVAL, "wordsim353.tsv", "f92a022fc2537793a15bc3a8c162ebcd74990e033a228bb6388cb71e4c0b1e1d"},
};
enum { N_DATA_FILES = sizeof DATA_FILES / sizeof DATA_FILES[0] };

const char *data_set_name(DataSet set)
{
    return set == DATA_SET_PTB ? "ptb" : "eval";
}

int data_set_from_name(const char *name, DataSet *set)
{
    if (name && strcmp(name, "ptb") == 0) {
        *set = DATA_SET_PTB;
        return DLFS_OK;
    }
    if (name && strcmp(name, "eval") == 0) {
        *set = DATA_SET_EVAL;
        return DLFS_OK;
    }
    return DLFS_ERR_ARG;
}

size_t data_set_files(DataSet set, const DataFile **files)
{
    size_t first = N_DATA_FILES, n = 0;
    for (size_t i = 0; i < N_DATA_FILES; i++) {
        if (DATA_FILES[i].set != set) continue;
        if (first == N_DATA_FILES) first = i;
        n++;
    }
    *files = n ? &DATA_FILES[first] : NULL;
    return n;
}

const DataFile *data_file_info(DataSet set, const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < N_DATA_FILES; i++)
        if (DATA_FILES[i].set == set && strcmp(DATA_FILES[i].name, name) == 0) return &DATA_FILES[i];
    return NULL;
}

const char *data_set_url(DataSet set)
{
    const char *env = getenv(set == DATA_SET_PTB ? "DLFS2_PTB_URL" : "DLFS2_EVAL_URL");
    if (env && *env) return env;
    return set == DATA_SET_PTB ? DATA_PTB_DEFAULT_URL : DATA_EVAL_DEFAULT_URL;
}

char *data_file_url(const DataFile *f)
{
    const char *prefix = data_set_url(f->set);
    const size_t prefix_len = strlen(prefix);
    const char *slash = prefix_len && prefix[prefix_len - 1] == '/' ? "" : "/";
    const size_t url_size = prefix_len + 1 + strlen(f->name) + 1;
    char *url = dlfs_malloc(url_size);
    snprintf(url, url_size, "%s%s%s", prefix, slash, f->name);
    return url;
}

int data_dir(char *out, size_t out_size, const char *explicit_dir, DlfsError *err)
{
    const char *env;
    int n;
    if (explicit_dir) {
        if (!*explicit_dir) return dlfs_fail(err, DLFS_ERR_ARG, "the data directory is an empty string");
        n = snprintf(out, out_size, "%s", explicit_dir);
    } else if ((env = getenv("DLFS2_DATA")) && *env) {
        n = snprintf(out, out_size, "%s", env);
    } else if ((env = getenv("XDG_CACHE_HOME")) && env[0] == '/') {
        /* The XDG spec says to ignore an empty or relative XDG_CACHE_HOME. */
        n = snprintf(out, out_size, "%s/dlfs2", env);
    } else if ((env = getenv("HOME")) && *env) {
        n = snprintf(out, out_size, "%s/.cache/dlfs2", env);
    } else {
        if (out_size) out[0] = '\0';
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "cannot choose a data directory: neither HOME nor XDG_CACHE_HOME is set "
                         "(use --data-dir or DLFS2_DATA)");
    }
    if (n < 0 || (size_t)n >= out_size) {
        if (out_size) out[0] = '\0';
        return dlfs_fail(err, DLFS_ERR_ARG, "the data directory path is too long (%d bytes, room for %zu)",
                         n, out_size ? out_size - 1 : 0);
    }
    while (n > 1 && out[n - 1] == '/') out[--n] = '\0';
    return DLFS_OK;
}

/* "a/b" into out; DLFS_ERR_ARG when it does not fit. */
static int join(char *out, size_t size, const char *a, const char *b, DlfsError *err)
{
    const int n = snprintf(out, size, "%s/%s", a, b);
    if (n < 0 || (size_t)n >= size) {
        if (size) out[0] = '\0';
        return dlfs_fail(err, DLFS_ERR_ARG, "the data path %s/%s is too long (room for %zu bytes)", a, b,
                         size ? size - 1 : 0);
    }
    return DLFS_OK;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* DATA holds ptb.train.txt itself: the older layout, DATA is the PTB folder. */
static bool is_ptb_folder(const char *data)
{
    char probe[DATA_PATH_MAX];
    const int n = snprintf(probe, sizeof probe, "%s/ptb.train.txt", data);
    return n > 0 && (size_t)n < sizeof probe && is_file(probe);
}

int data_set_dir(char *out, size_t out_size, const char *explicit_dir, DataSet set, DlfsError *err)
{
    char data[DATA_PATH_MAX];
    int rc = data_dir(data, sizeof data, explicit_dir, err);
    if (rc) {
        if (out_size) out[0] = '\0';
        return rc;
    }
    if (set == DATA_SET_PTB && is_ptb_folder(data)) {
        if (strlen(data) >= out_size)
            return dlfs_fail(err, DLFS_ERR_ARG, "the data path %s is too long (room for %zu bytes)", data,
                             out_size ? out_size - 1 : 0);
        strcpy(out, data);
        return DLFS_OK;
    }
    return join(out, out_size, data, data_set_name(set), err);
}

/* The set's file names as "a, b and c" into out. */
static void list_names(DataSet set, char *out, size_t size)
{
    const DataFile *files;
    const size_t n = data_set_files(set, &files);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
        const int k = snprintf(out + used, size - used, "%s%s", sep, files[i].name);
        if (k < 0) break;
        used += (size_t)k;
    }
}

/*
 * The command that fetches set into the data folder data, into out:
 * "`dlfs2 fetch SET`" when data is where a plain `dlfs2 fetch` would put it
 * (data_dir's choice in this environment), else "`dlfs2 fetch --data-dir
 * DATA SET`".
 */
static void fetch_command(DataSet set, const char *data, char *out, size_t size)
{
    char plain[DATA_PATH_MAX];
    if (data_dir(plain, sizeof plain, NULL, NULL) == DLFS_OK && strcmp(plain, data) == 0)
        snprintf(out, size, "`dlfs2 fetch %s`", data_set_name(set));
    else
        snprintf(out, size, "`dlfs2 fetch --data-dir %.*s %s`", (int)(size > 40 ? size - 40 : 0), data,
                 data_set_name(set));
}

int data_file(char *out, size_t out_size, const char *explicit_dir, DataSet set, const char *name,
              DlfsError *err)
{
    if (out_size) out[0] = '\0';
    if (!data_file_info(set, name))
        return dlfs_fail(err, DLFS_ERR_ARG, "'%s' is not a file of the %s data set", name ? name : "(null)",
                         data_set_name(set));
    char data[DATA_PATH_MAX], home[DATA_PATH_MAX], sibling[DATA_PATH_MAX] = "";
    int rc = data_dir(data, sizeof data, explicit_dir, err);
    if (rc) return rc;
    rc = data_set_dir(home, sizeof home, explicit_dir, set, err);
    if (rc) return rc;
    rc = join(out, out_size, home, name, err);
    if (rc) return rc;
    if (is_file(out)) return DLFS_OK;

    /* the older layout: DATA is the PTB folder, eval/ may sit beside it */
    if (set == DATA_SET_EVAL && is_ptb_folder(data)) {
        char dir[DATA_PATH_MAX];
        rc = join(dir, sizeof dir, data, "../eval", err);
        if (rc == DLFS_OK) rc = join(sibling, sizeof sibling, dir, name, err);
        if (rc) return rc;
        if (is_file(sibling)) {
            if (strlen(sibling) >= out_size)
                return dlfs_fail(err, DLFS_ERR_ARG, "the data path %s is too long (room for %zu bytes)",
                                 sibling, out_size ? out_size - 1 : 0);
            strcpy(out, sibling);
            return DLFS_OK;
        }
    }
    char command[DATA_PATH_MAX + 64];
    fetch_command(set, data, command, sizeof command);
    if (sibling[0])
        return dlfs_fail(err, DLFS_ERR_NOT_FOUND, "no %s at %s nor at %s; %s downloads it", name, out, sibling,
                         command);
    return dlfs_fail(err, DLFS_ERR_NOT_FOUND, "no %s at %s; %s downloads it", name, out, command);
}

int data_download_file(const char *dir, const DataFile *f, DlfsError *err)
{
    char path[DATA_PATH_MAX];
    int rc = join(path, sizeof path, dir, f->name, err);
    if (rc) return rc;
    char *url = data_file_url(f);
    rc = download_verified(url, path, f->sha256, err);
    if (rc == DLFS_ERR_NET) {
        /* the hand-made way in, after the cause (cut to keep the hint inside the message) */
        char names[160];
        list_names(f->set, names, sizeof names);
        char why[200];
        snprintf(why, sizeof why, "%.*s", (int)sizeof why - 1, err ? err->msg : "");
        /* DATA is dir's parent when dir is DATA/<set>, else (PTB's older layout) dir itself */
        char data[DATA_PATH_MAX], command[DATA_PATH_MAX + 64];
        snprintf(data, sizeof data, "%s", dir);
        const size_t len = strlen(data), set_len = strlen(data_set_name(f->set));
        if (len > set_len && data[len - set_len - 1] == '/' &&
            strcmp(data + len - set_len, data_set_name(f->set)) == 0)
            data[len - set_len - 1] = '\0';
        fetch_command(f->set, data, command, sizeof command);
        rc = dlfs_fail(err, DLFS_ERR_NET,
                       "%s. Offline, put %s into %s by hand (or point --data-dir / DLFS2_DATA at a "
                       "folder holding %s/); online, %s gets them",
                       why, names, dir, data_set_name(f->set), command);
    }
    free(url);
    return rc;
}

int data_fetch_file(const char *explicit_dir, const DataFile *f, char *path, size_t path_size,
                    DataFetchResult *result, DlfsError *err)
{
    DlfsError lookup = {0};
    int rc = data_file(path, path_size, explicit_dir, f->set, f->name, &lookup);
    if (rc == DLFS_OK) {
        char hex[65];
        rc = sha256_file_hex(path, hex, err);
        if (rc) return rc;
        if (strcmp(hex, f->sha256) != 0)
            return dlfs_fail(err, DLFS_ERR_CHECKSUM,
                             "%s is there but has SHA-256 %s, expected %s; it was left as it is "
                             "(move it away and fetch again)",
                             path, hex, f->sha256);
        *result = DATA_FETCH_PRESENT;
        return DLFS_OK;
    }
    if (rc != DLFS_ERR_NOT_FOUND) {
        if (err) *err = lookup;
        return rc;
    }
    char dir[DATA_PATH_MAX];
    rc = data_set_dir(dir, sizeof dir, explicit_dir, f->set, err);
    if (rc) return rc;
    rc = data_download_file(dir, f, err);
    if (rc) return rc;
    *result = DATA_FETCH_DOWNLOADED;
    return DLFS_OK;
}
