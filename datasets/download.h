/*
 * download.h — one file fetched from a URL (libcurl: https, http or
 * file://) and kept only when its SHA-256 (OpenSSL EVP) is the expected
 * one; and the SHA-256 of a file already on disk.
 *
 * The textbook's dataset/ptb.py downloads with urllib and keeps whatever
 * arrives; here the bytes go to a temporary file beside the destination and
 * are renamed into place only after the checksum matched, so a broken or
 * wrong download never looks like data (datasets/data.h says which files
 * and sums).
 */
#ifndef DLFS2_DATASETS_DOWNLOAD_H
#define DLFS2_DATASETS_DOWNLOAD_H

#include "common/status.h"

/*
 * Downloads url into path: creates path's folder (and parents), writes the
 * bytes to a temporary file ".NAME.XXXXXX" in it, checks their SHA-256
 * against sha256 (64 lowercase hex digits) and renames the file to path
 * (mode 0644; an existing file at path is replaced). Redirects are
 * followed; an HTTP status >= 400 is a failure.
 * Errors: DLFS_ERR_ARG (path has no file name or is too long),
 * DLFS_ERR_IO (the folder or the temporary file cannot be created or
 * written), DLFS_ERR_NET ("cannot download NAME from URL: why"),
 * DLFS_ERR_CHECKSUM ("NAME downloaded from URL has SHA-256 X, expected
 * Y; it was not kept"). On any error nothing is left behind: no temporary
 * file, and path as it was.
 */
int download_verified(const char *url, const char *path, const char *sha256, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * The SHA-256 of the file at path as 64 lowercase hex digits and a NUL in
 * hex. Errors: DLFS_ERR_IO (cannot open or read; the message names path).
 */
int sha256_file_hex(const char *path, char hex[65], DlfsError *err) DLFS_WARN_UNUSED;

#endif
