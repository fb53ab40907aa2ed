/*
 * status.h — status codes for everything that depends on the outside world.
 *
 * Functions that read files, parse formats or arguments, download, or train
 * (NaN) return DLFS_OK (0) or one of the negative codes below, and fill a
 * caller-owned DlfsError with a one-line message that names the file, line
 * or value at fault. Only programs print messages and choose exit codes.
 */
#ifndef DLFS2_COMMON_STATUS_H
#define DLFS2_COMMON_STATUS_H

#include "api.h"

DLFS2_API_BEGIN

#if defined(__GNUC__)
#define DLFS_WARN_UNUSED __attribute__((warn_unused_result))
#define DLFS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define DLFS_WARN_UNUSED
#define DLFS_PRINTF(fmt, args)
#endif

enum {
    DLFS_OK = 0,
    DLFS_ERR_IO = -1,        /* a file could not be opened, read or written */
    DLFS_ERR_FORMAT = -2,    /* a file or string is malformed */
    DLFS_ERR_NOT_FOUND = -3, /* a word, file or key does not exist */
    DLFS_ERR_ARG = -4,       /* an argument is out of range */
    DLFS_ERR_NET = -5,       /* a download failed */
    DLFS_ERR_CHECKSUM = -6,  /* downloaded data has the wrong SHA-256 */
    DLFS_ERR_NUMERIC = -7,   /* a loss or gradient is NaN or infinite */
};

/* A human-readable message for the last failure; msg is "" on success. */
typedef struct DlfsError {
    int status;
    char msg[512];
} DlfsError;

/*
 * Records status and a printf-style message in err (which may be NULL) and
 * returns status, so callers can write `return dlfs_fail(err, ...)`.
 */
int dlfs_fail(DlfsError *err, int status, const char *fmt, ...) DLFS_PRINTF(3, 4);

/* A short name for a status code ("io error", "format error", ...). */
const char *dlfs_status_name(int status);

DLFS2_API_END

#endif
