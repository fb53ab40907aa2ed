/*
 * fs.h — the file-system helpers the library and the program share.
 */
#ifndef DLFS2_COMMON_FS_H
#define DLFS2_COMMON_FS_H

#include <stddef.h>
#include <stdio.h>

#include "common/status.h"

/*
 * mkdir -p: creates dir and every missing parent (mode 0777 less the
 * umask). Succeeds when dir already is a directory. Errors: DLFS_ERR_ARG
 * (empty or longer than 4095 bytes), DLFS_ERR_IO (a component cannot be
 * created or exists and is not a directory; the message names it).
 */
int make_dirs(const char *dir, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The most read_whole_file takes from a file that is not a regular file (a
 * pipe, a terminal, /dev/zero), whose size is not known in advance: 1 GiB,
 * two hundred times PTB's training split.
 */
#define READ_WHOLE_FILE_STREAM_MAX ((size_t)1 << 30)

/*
 * Reads the whole file at path into *out, a malloc'ed buffer of *out_len
 * bytes plus a terminating NUL (free with free()). A regular file is read
 * at the size fstat gives (and further if it grows meanwhile); anything
 * else is read up to READ_WHOLE_FILE_STREAM_MAX bytes. Errors, each with
 * *out NULL and the path in the message: DLFS_ERR_IO (cannot open or
 * read; memory for the bytes cannot be had), DLFS_ERR_FORMAT (a stream
 * goes on past READ_WHOLE_FILE_STREAM_MAX bytes, as /dev/zero does).
 */
int read_whole_file(const char *path, char **out, size_t *out_len, DlfsError *err) DLFS_WARN_UNUSED;

/* read_whole_file with another limit for streams (max_stream >= 1 bytes); for tests. */
int read_whole_file_max(const char *path, size_t max_stream, char **out, size_t *out_len,
                        DlfsError *err) DLFS_WARN_UNUSED;

/*
 * A file written in place of another all at once: the bytes go to
 * "path.tmp", which atomic_file_commit flushes to disk (fsync) and renames
 * over path, so a reader sees the old file or the whole new one, and a
 * failure leaves an existing file at path alone.
 */
typedef struct AtomicFile {
    FILE *fp;          /* write here (opened "wb"); NULL once committed or aborted */
    char *path;        /* the final path; owned */
    char *tmp_path;    /* path + ".tmp"; owned */
} AtomicFile;

/*
 * Creates path.tmp (replacing one left by an earlier crash) and opens it
 * for writing into af->fp. Errors: DLFS_ERR_IO ("cannot save PATH: cannot
 * create PATH.tmp: why"), with af cleared so atomic_file_abort is a no-op.
 */
int atomic_file_open(AtomicFile *af, const char *path, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Checks af->fp for write errors, flushes, fsyncs, closes and renames
 * path.tmp to path. Errors: DLFS_ERR_IO ("cannot save PATH: cannot write
 * PATH.tmp: why" or "... cannot rename PATH.tmp to it: why"), after which
 * path.tmp is gone and path untouched. Either way af is released.
 */
int atomic_file_commit(AtomicFile *af, DlfsError *err) DLFS_WARN_UNUSED;

/* Closes and removes path.tmp and releases af; a no-op after commit or a failed open. */
void atomic_file_abort(AtomicFile *af);

#endif
