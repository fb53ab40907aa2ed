/*
 * fs.h — the file-system helpers the library and the program share.
 */
#ifndef DLFS2_COMMON_FS_H
#define DLFS2_COMMON_FS_H

#include <stddef.h>

#include "common/status.h"

/*
 * mkdir -p: creates dir and every missing parent (mode 0777 less the
 * umask). Succeeds when dir already is a directory. Errors: DLFS_ERR_ARG
 * (empty or longer than 4095 bytes), DLFS_ERR_IO (a component cannot be
 * created or exists and is not a directory; the message names it).
 */
int make_dirs(const char *dir, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads the whole file at path into *out, a malloc'ed buffer of *out_len
 * bytes plus a terminating NUL (free with free()). Errors: DLFS_ERR_IO
 * (cannot open or read; the message names the path), with *out NULL.
 */
int read_whole_file(const char *path, char **out, size_t *out_len, DlfsError *err) DLFS_WARN_UNUSED;

#endif
