/* fs.c — file-system helpers (see fs.h). */
#include "common/fs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int make_dirs(const char *dir, DlfsError *err)
{
    char path[4096];
    struct stat st;
    const size_t len = strlen(dir);
    if (len == 0 || len >= sizeof path)
        return dlfs_fail(err, DLFS_ERR_ARG, "bad directory path (%zu bytes)", len);
    memcpy(path, dir, len + 1);
    /* Start after the first byte so that "/" itself is never created. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0') continue;
        const char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            const int e = errno;
            if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
                return dlfs_fail(err, DLFS_ERR_IO, "cannot create directory %s: %s", path, strerror(e));
        }
        *p = saved;
        if (saved == '\0') break;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return dlfs_fail(err, DLFS_ERR_IO, "cannot create directory %s: it exists and is not a directory", dir);
    return DLFS_OK;
}
