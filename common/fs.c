/* fs.c — file-system helpers (see fs.h). */
#include "common/fs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/check.h"

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

int read_whole_file(const char *path, char **out, size_t *out_len, DlfsError *err)
{
    *out = NULL;
    *out_len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: %s", path, strerror(errno));

    struct stat st;
    size_t cap = 1 << 16;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size < SIZE_MAX - 1)
        cap = (size_t)st.st_size + 1;
    char *buf = dlfs_malloc(cap);
    size_t len = 0;
    for (;;) {
        const size_t want = cap - 1 - len;  /* keep room for the NUL */
        const size_t got = fread(buf + len, 1, want, fp);
        len += got;
        if (got < want) break;
        /* The buffer is full: grow it only if the file goes on. */
        const int c = getc(fp);
        if (c == EOF) break;
        DLFS_ASSERT(cap <= SIZE_MAX / 2);
        cap *= 2;
        buf = dlfs_realloc(buf, cap);
        buf[len++] = (char)c;
    }
    if (ferror(fp)) {
        const int e = errno;
        fclose(fp);
        free(buf);
        return dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", path, strerror(e));
    }
    fclose(fp);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return DLFS_OK;
}
