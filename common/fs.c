/* fs.c — file-system helpers (see fs.h). */
#include "common/fs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int read_whole_file_max(const char *path, size_t max_stream, char **out, size_t *out_len,
                        DlfsError *err)
{
    DLFS_ASSERT(max_stream >= 1);
    *out = NULL;
    *out_len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp) return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: %s", path, strerror(errno));

    /* a regular file may be as large as memory allows; a stream is capped */
    struct stat st;
    size_t cap = 1 << 16, limit = max_stream;
    if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) {
        limit = SIZE_MAX / 2;
        if (st.st_size > 0 && (uintmax_t)st.st_size < limit) cap = (size_t)st.st_size + 1;
    }
    if (cap > limit) cap = limit + 1;
    int status = DLFS_OK;
    size_t len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        status = dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: no memory for its %zu bytes", path, cap - 1);
        goto fail;
    }
    for (;;) {
        const size_t want = cap - 1 - len;  /* keep room for the NUL */
        const size_t got = fread(buf + len, 1, want, fp);
        len += got;
        if (got < want) break;
        /* The buffer is full: grow it only if the file goes on. */
        const int c = getc(fp);
        if (c == EOF) break;
        if (len >= limit) {
            status = dlfs_fail(err, DLFS_ERR_FORMAT,
                               "cannot read %s: it is not a regular file and goes on past %zu bytes",
                               path, len);
            goto fail;
        }
        const size_t grown = cap <= limit / 2 ? cap * 2 : limit + 1;
        char *p = realloc(buf, grown);
        if (!p) {
            status = dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: no memory for more than %zu bytes",
                               path, len);
            goto fail;
        }
        buf = p;
        cap = grown;
        buf[len++] = (char)c;
    }
    if (ferror(fp)) {
        status = dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    fclose(fp);
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return DLFS_OK;
fail:
    fclose(fp);
    free(buf);
    return status;
}

int read_whole_file(const char *path, char **out, size_t *out_len, DlfsError *err)
{
    return read_whole_file_max(path, READ_WHOLE_FILE_STREAM_MAX, out, out_len, err);
}

int atomic_file_open(AtomicFile *af, const char *path, DlfsError *err)
{
    const size_t len = strlen(path);
    char *tmp_path = dlfs_malloc(len + sizeof ".tmp");
    memcpy(tmp_path, path, len);
    memcpy(tmp_path + len, ".tmp", sizeof ".tmp");
    *af = (AtomicFile){0};
    FILE *fp = fopen(tmp_path, "wb");
    if (!fp) {
        const int rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot create %s: %s", path, tmp_path,
                                 strerror(errno));
        free(tmp_path);
        return rc;
    }
    af->fp = fp;
    af->tmp_path = tmp_path;
    af->path = dlfs_malloc(len + 1);
    memcpy(af->path, path, len + 1);
    return DLFS_OK;
}

void atomic_file_abort(AtomicFile *af)
{
    if (af->fp) fclose(af->fp);
    if (af->tmp_path) unlink(af->tmp_path);
    free(af->tmp_path);
    free(af->path);
    *af = (AtomicFile){0};
}

int atomic_file_commit(AtomicFile *af, DlfsError *err)
{
    DLFS_ASSERT(af->fp != NULL);
    int rc = DLFS_OK;
    FILE *fp = af->fp;
    af->fp = NULL;
    /* errno from the failing call; ferror alone leaves none, so say so. */
    errno = 0;
    const int bad = ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    const int e = errno;
    if (fclose(fp) != 0 || bad) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot write %s: %s", af->path, af->tmp_path,
                       strerror(bad ? (e ? e : EIO) : errno));
    } else if (rename(af->tmp_path, af->path) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot rename %s to it: %s", af->path, af->tmp_path,
                       strerror(errno));
    } else {
        free(af->tmp_path);  /* renamed: nothing left to remove */
        af->tmp_path = NULL;
    }
    atomic_file_abort(af);
    return rc;
}
