/* status.c — status codes and error messages (see status.h). */
#include "common/status.h"

#include <stdarg.h>
#include <stdio.h>

int dlfs_fail(DlfsError *err, int status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

const char *dlfs_status_name(int status)
{
    switch (status) {
    case DLFS_OK: return "ok";
    case DLFS_ERR_IO: return "io error";
    case DLFS_ERR_FORMAT: return "format error";
    case DLFS_ERR_NOT_FOUND: return "not found";
    case DLFS_ERR_ARG: return "invalid argument";
    case DLFS_ERR_NET: return "download error";
    case DLFS_ERR_CHECKSUM: return "checksum mismatch";
    case DLFS_ERR_NUMERIC: return "numeric error";
    default: return "unknown error";
    }
}
