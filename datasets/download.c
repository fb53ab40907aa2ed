/*
 * download.c — a file from a URL, kept only with the expected SHA-256 (see
 * download.h). The bytes are hashed as they arrive (curl's write callback
 * feeds both the temporary file and the digest), so the check costs no
 * second read.
 */
#include "datasets/download.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "common/fs.h"

enum { DOWNLOAD_PATH_MAX = 4096 };

/* What curl's write callback needs: the temp file and the running digest. */
typedef struct Download {
    FILE *fp;
    EVP_MD_CTX *md;
    int write_errno;    /* errno of a failed write to the temp file, else 0 */
    int digest_failed;  /* EVP_DigestUpdate failed */
} Download;

static size_t download_write(char *data, size_t size, size_t nmemb, void *userdata)
{
    Download *d = userdata;
    const size_t n = size * nmemb;
    if (n == 0) return 0;
    if (fwrite(data, 1, n, d->fp) != n) {
        d->write_errno = errno ? errno : EIO;
        return 0;  /* makes curl stop with CURLE_WRITE_ERROR */
    }
    if (EVP_DigestUpdate(d->md, data, n) != 1) {
        d->digest_failed = 1;
        return 0;
    }
    return n;
}

/* digest (32 bytes) as 64 lowercase hex digits and a NUL. */
static void to_hex(const unsigned char *digest, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

int download_verified(const char *url, const char *path, const char *sha256, DlfsError *err)
{
    char dir[DOWNLOAD_PATH_MAX], tmp_path[DOWNLOAD_PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    if (!*name) return dlfs_fail(err, DLFS_ERR_ARG, "the download path '%s' names no file", path);
    const size_t dir_len = slash ? (size_t)(slash - path) : 1;
    if (dir_len >= sizeof dir) return dlfs_fail(err, DLFS_ERR_ARG, "the download path is too long: %s", path);
    if (!slash)
        strcpy(dir, ".");
    else if (dir_len == 0)
        strcpy(dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)dir_len, path);
    const int n = snprintf(tmp_path, sizeof tmp_path, "%s/.%s.XXXXXX", dir, name);
    if (n < 0 || (size_t)n >= sizeof tmp_path)
        return dlfs_fail(err, DLFS_ERR_ARG, "the download path is too long: %s", path);

    int rc = make_dirs(dir, err);
    if (rc) return rc;

    int fd = -1, tmp_created = 0, curl_inited = 0;
    Download d = {0};
    CURL *curl = NULL;
    char curl_msg[CURL_ERROR_SIZE] = "";

    fd = mkstemp(tmp_path);
    if (fd < 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        goto fail;
    }
    tmp_created = 1;
    /* mkstemp makes it 0600; the data sets are public data, readable like any downloaded file. */
    if (fchmod(fd, 0644) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot write %s: %s", tmp_path, strerror(errno));
        goto fail;
    }
    d.fp = fdopen(fd, "wb");
    if (!d.fp) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot write %s: %s", tmp_path, strerror(errno));
        goto fail;
    }
    fd = -1;  /* owned by d.fp now */

    d.md = EVP_MD_CTX_new();
    if (!d.md || EVP_DigestInit_ex(d.md, EVP_sha256(), NULL) != 1) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot compute SHA-256: OpenSSL's EVP_sha256 is unavailable");
        goto fail;
    }

    /* Reference-counted, so this is a no-op when the program already called it. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        rc = dlfs_fail(err, DLFS_ERR_NET, "cannot initialise libcurl");
        goto fail;
    }
    curl_inited = 1;
    curl = curl_easy_init();
    if (!curl) {
        rc = dlfs_fail(err, DLFS_ERR_NET, "cannot initialise libcurl");
        goto fail;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, download_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &d);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_msg);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);       /* HTTP >= 400 is an error, not data */
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);   /* give up after 60 s without data */
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "dlfs2");
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
#endif

    const CURLcode cc = curl_easy_perform(curl);
    if (d.write_errno) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot write %s: %s", tmp_path, strerror(d.write_errno));
        goto fail;
    }
    if (d.digest_failed) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot compute SHA-256 of %s", url);
        goto fail;
    }
    if (cc != CURLE_OK) {
        rc = dlfs_fail(err, DLFS_ERR_NET, "cannot download %s from %s: %s", name, url,
                       curl_msg[0] ? curl_msg : curl_easy_strerror(cc));
        goto fail;
    }

    if (fflush(d.fp) != 0 || fsync(fileno(d.fp)) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot write %s: %s", tmp_path, strerror(errno));
        goto fail;
    }
    FILE *fp = d.fp;
    d.fp = NULL;
    if (fclose(fp) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot write %s: %s", tmp_path, strerror(errno));
        goto fail;
    }

    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_DigestFinal_ex(d.md, digest, &digest_len) != 1 || digest_len != 32) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot compute SHA-256 of %s", url);
        goto fail;
    }
    char hex[65];
    to_hex(digest, hex);
    if (strcmp(hex, sha256) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_CHECKSUM, "%s downloaded from %s has SHA-256 %s, expected %s; it was not kept",
                       name, url, hex, sha256);
        goto fail;
    }
    if (rename(tmp_path, path) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot rename %s to %s: %s", tmp_path, path, strerror(errno));
        goto fail;
    }
    tmp_created = 0;
    rc = DLFS_OK;

fail:
    if (curl) curl_easy_cleanup(curl);
    if (curl_inited) curl_global_cleanup();
    EVP_MD_CTX_free(d.md);
    if (d.fp) fclose(d.fp);
    if (fd >= 0) close(fd);
    if (tmp_created) unlink(tmp_path);
    return rc;
}

int sha256_file_hex(const char *path, char hex[65], DlfsError *err)
{
    hex[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (!fp) return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    int rc = DLFS_OK;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot compute SHA-256: OpenSSL's EVP_sha256 is unavailable");
        goto fail;
    }
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (EVP_DigestUpdate(md, buf, n) != 1) {
            rc = dlfs_fail(err, DLFS_ERR_IO, "cannot compute SHA-256 of %s", path);
            goto fail;
        }
    }
    if (ferror(fp)) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", path, strerror(errno ? errno : EIO));
        goto fail;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_DigestFinal_ex(md, digest, &digest_len) != 1 || digest_len != 32) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot compute SHA-256 of %s", path);
        goto fail;
    }
    to_hex(digest, hex);

fail:
    EVP_MD_CTX_free(md);
    fclose(fp);
    return rc;
}
