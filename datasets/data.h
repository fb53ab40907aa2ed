/*
 * data.h — the data folder: where every dlfs2 program (the CLI, the labs,
 * the tests) finds PTB and the evaluation sets, which files they are, their
 * SHA-256 sums, and where `dlfs2 fetch` downloads them from.
 *
 *     DATA = --data-dir DIR, else $DLFS2_DATA, else ${XDG_CACHE_HOME:-$HOME/.cache}/dlfs2
 *     DATA/ptb/   ptb.train.txt ptb.valid.txt ptb.test.txt   (the textbook's dataset/ptb.py)
 *     DATA/eval/  questions-words.txt wordsim353.tsv          (word2vec's and gensim's test sets)
 *
 * Older layout, still read: a DATA that itself holds ptb.train.txt is the
 * PTB folder (DLFS2_DATA used to point there), and the evaluation files are
 * then looked for in DATA/eval/ and in the sibling DATA/../eval/. The old
 * default cache ~/.cache/dlfs2/ptb is DATA/ptb of the new default.
 *
 * Sources (a URL prefix each, also file://): $DLFS2_PTB_URL, else
 * DATA_PTB_DEFAULT_URL (the copy the textbook's ptb.py downloads);
 * $DLFS2_EVAL_URL, else DATA_EVAL_DEFAULT_URL (gensim's test data at the
 * 4.4.0 tag; questions-words.txt there is the same file as word2vec's
 * own). The sums are compiled in and are the only ones accepted.
 */
#ifndef DLFS2_DATASETS_DATA_H
#define DLFS2_DATASETS_DATA_H

#include <stddef.h>

#include "../common/api.h"
#include "../common/status.h"

DLFS2_API_BEGIN

/* The textbook's PTB source (dataset/ptb.py's url_base). */
#define DATA_PTB_DEFAULT_URL "https://raw.githubusercontent.com/tomsercu/lstm/master/data/"
/* gensim's test data, tag 4.4.0: questions-words.txt and wordsim353.tsv. */
#define DATA_EVAL_DEFAULT_URL "https://raw.githubusercontent.com/piskvorky/gensim/4.4.0/gensim/test/test_data/"

/* A data set: a folder of DATA. */
typedef enum DataSet {
    DATA_SET_PTB,   /* DATA/ptb */
    DATA_SET_EVAL,  /* DATA/eval */
} DataSet;

/* One file of a data set. */
typedef struct DataFile {
    DataSet set;
    const char *name;    /* the file name, e.g. "ptb.train.txt" */
    const char *sha256;  /* its SHA-256, 64 lowercase hex digits */
} DataFile;

/* What data_fetch_file did. */
typedef enum DataFetchResult {
    DATA_FETCH_PRESENT,     /* the file was there with the right SHA-256: not downloaded */
    DATA_FETCH_DOWNLOADED,  /* downloaded and checked */
} DataFetchResult;

/* "ptb" or "eval": the set's folder name in DATA and its name in `dlfs2 fetch SET`. */
const char *data_set_name(DataSet set);

/* The set called name ("ptb", "eval") into *set. Errors: DLFS_ERR_ARG (another name). */
int data_set_from_name(const char *name, DataSet *set) DLFS_WARN_UNUSED;

/* The files of set, in a fixed order, into *files (static); returns their number. */
size_t data_set_files(DataSet set, const DataFile **files);

/* The file of set called name, or NULL when set has none of that name. */
const DataFile *data_file_info(DataSet set, const char *name);

/*
 * The URL prefix set is downloaded from: $DLFS2_PTB_URL / $DLFS2_EVAL_URL
 * when set and non-empty, else the default. A file's URL is the prefix,
 * a '/' when the prefix lacks one, and the file name.
 */
const char *data_set_url(DataSet set);

/* f's URL: data_set_url(f->set), a '/' when it lacks one, and f->name. Malloc'ed; free with free(). */
char *data_file_url(const DataFile *f);

/*
 * DATA into out (out_size bytes): explicit_dir when non-NULL, else
 * $DLFS2_DATA (when non-empty), else ${XDG_CACHE_HOME:-$HOME/.cache}/dlfs2
 * (an empty or relative XDG_CACHE_HOME is ignored, as the XDG spec says).
 * Trailing slashes are dropped ("/" stays). The folder need not exist.
 * Errors: DLFS_ERR_ARG when explicit_dir is "", the path does not fit, or
 * neither HOME nor XDG_CACHE_HOME is set.
 */
int data_dir(char *out, size_t out_size, const char *explicit_dir, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The folder set's files belong in, into out: for PTB, DATA itself when it
 * holds ptb.train.txt (the older layout), else DATA/ptb; for eval,
 * DATA/eval. This is where a download puts a missing file. Errors: those of
 * data_dir.
 */
int data_set_dir(char *out, size_t out_size, const char *explicit_dir, DataSet set,
                 DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The path of set's file name into out: the first of its places that holds
 * it (data_set_dir, then, for eval in the older layout, DATA/../eval).
 * When none does, out is still the path in data_set_dir (where `dlfs2
 * fetch` would put it) and the result is DLFS_ERR_NOT_FOUND with a message
 * naming the path(s) looked at and the `dlfs2 fetch SET` command that gets
 * the file. Other errors: those of data_dir, DLFS_ERR_ARG (name is not a
 * file of set).
 */
int data_file(char *out, size_t out_size, const char *explicit_dir, DataSet set, const char *name,
              DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Makes sure the file f is in the data folder with its SHA-256 (the work of
 * `dlfs2 fetch`): if data_file finds it, its SHA-256 is checked (*result
 * DATA_FETCH_PRESENT); if not, it is downloaded from data_set_url into the
 * folder of data_set_dir (download_verified; *result DATA_FETCH_DOWNLOADED).
 * The file's path is written to path (path_size bytes) either way.
 * Errors: those of data_file and download_verified; DLFS_ERR_CHECKSUM when
 * a file already there has another SHA-256 (it is left as it is; the
 * message says to move it away); DLFS_ERR_NET's message says which URL
 * failed and where to put the set's files by hand. A failed download
 * leaves nothing behind.
 */
int data_fetch_file(const char *explicit_dir, const DataFile *f, char *path, size_t path_size,
                    DataFetchResult *result, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Downloads f into the folder dir (download_verified from data_set_url),
 * whatever is there. Errors: those of download_verified, with a
 * DLFS_ERR_NET message that says which URL failed, where to put the set's
 * files by hand (dir) and the `dlfs2 fetch SET` command.
 */
int data_download_file(const char *dir, const DataFile *f, DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
