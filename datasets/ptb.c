/*
 * ptb.c — the Penn Treebank loader (see ptb.h). Mirrors the textbook's
 * dataset/ptb.py: load_data reads ptb.<split>.txt with every newline turned
 * into "<eos>" and ids given in order of first appearance in ptb.train.txt
 * (load_vocab), and _download fetches a missing file. Unlike ptb.py the
 * download goes to a temporary file that must match a known SHA-256
 * (OpenSSL EVP) before it is renamed into place, so a broken download never
 * looks like data.
 */
#include "datasets/ptb.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <unicase.h>

#include "common/check.h"
#include "common/fs.h"
#include "common/textfile.h"

enum { PTB_PATH_MAX = 4096 };

static const struct {
    const char *split;
    const char *sha256;
} PTB_FILES[] = {
    {"train", "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf"},
    {"valid", "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2"},
    {"test", "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0"},
};

const char *ptb_sha256(const char *split)
{
    if (!split) return NULL;
    for (size_t i = 0; i < sizeof PTB_FILES / sizeof PTB_FILES[0]; i++)
        if (strcmp(split, PTB_FILES[i].split) == 0) return PTB_FILES[i].sha256;
    return NULL;
}

int ptb_data_dir(char *out, size_t out_size, const char *explicit_dir, DlfsError *err)
{
    const char *env;
    int n;
    if (explicit_dir) {
        if (!*explicit_dir) return dlfs_fail(err, DLFS_ERR_ARG, "the data directory is an empty string");
        n = snprintf(out, out_size, "%s", explicit_dir);
    } else if ((env = getenv("DLFS2_DATA")) && *env) {
        n = snprintf(out, out_size, "%s", env);
    } else if ((env = getenv("XDG_CACHE_HOME")) && env[0] == '/') {
        /* The XDG spec says to ignore an empty or relative XDG_CACHE_HOME. */
        n = snprintf(out, out_size, "%s/dlfs2/ptb", env);
    } else if ((env = getenv("HOME")) && *env) {
        n = snprintf(out, out_size, "%s/.cache/dlfs2/ptb", env);
    } else {
        if (out_size) out[0] = '\0';
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "cannot choose a data directory: neither HOME nor XDG_CACHE_HOME is set "
                         "(use --data-dir or DLFS2_DATA)");
    }
    if (n < 0 || (size_t)n >= out_size) {
        if (out_size) out[0] = '\0';
        return dlfs_fail(err, DLFS_ERR_ARG, "the data directory path is too long (%d bytes, room for %zu)",
                         n, out_size ? out_size - 1 : 0);
    }
    return DLFS_OK;
}

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

int ptb_ensure_file(const char *data_dir, const char *split, DlfsError *err)
{
    const char *expected = ptb_sha256(split);
    if (!expected)
        return dlfs_fail(err, DLFS_ERR_ARG, "unknown PTB split '%s' (expected train, valid or test)",
                         split ? split : "(null)");
    if (!data_dir || !*data_dir) return dlfs_fail(err, DLFS_ERR_ARG, "the data directory is an empty string");

    char name[32], path[PTB_PATH_MAX], tmp_path[PTB_PATH_MAX];
    snprintf(name, sizeof name, "ptb.%s.txt", split);
    int n = snprintf(path, sizeof path, "%s/%s", data_dir, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return dlfs_fail(err, DLFS_ERR_ARG, "the data directory path is too long: %s", data_dir);

    struct stat st;
    if (stat(path, &st) == 0) return DLFS_OK;
    if (errno != ENOENT) return dlfs_fail(err, DLFS_ERR_IO, "cannot look at %s: %s", path, strerror(errno));

    int rc = make_dirs(data_dir, err);
    if (rc) return rc;

    int fd = -1, tmp_created = 0, curl_inited = 0;
    char *url = NULL;
    Download d = {0};
    CURL *curl = NULL;
    char curl_msg[CURL_ERROR_SIZE] = "";

    const char *prefix = getenv("DLFS2_PTB_URL");
    if (!prefix || !*prefix) prefix = PTB_DEFAULT_URL;
    const size_t prefix_len = strlen(prefix);
    const char *slash = prefix[prefix_len - 1] == '/' ? "" : "/";
    url = dlfs_malloc(prefix_len + strlen(slash) + strlen(name) + 1);
    sprintf(url, "%s%s%s", prefix, slash, name);

    n = snprintf(tmp_path, sizeof tmp_path, "%s/.%s.XXXXXX", data_dir, name);
    if (n < 0 || (size_t)n >= sizeof tmp_path) {
        rc = dlfs_fail(err, DLFS_ERR_ARG, "the data directory path is too long: %s", data_dir);
        goto fail;
    }
    fd = mkstemp(tmp_path);
    if (fd < 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot create a temporary file in %s: %s", data_dir, strerror(errno));
        goto fail;
    }
    tmp_created = 1;
    /* mkstemp makes it 0600; the cached corpus is public data, readable like any downloaded file. */
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
        rc = dlfs_fail(err, DLFS_ERR_NET,
                       "cannot download %s from %s: %s; put ptb.train.txt, ptb.valid.txt and ptb.test.txt "
                       "into %s (or point --data-dir / DLFS2_DATA at them)",
                       name, url, curl_msg[0] ? curl_msg : curl_easy_strerror(cc), data_dir);
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
    for (unsigned int i = 0; i < digest_len; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    if (strcmp(hex, expected) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_CHECKSUM,
                       "%s downloaded from %s has SHA-256 %s, expected %s; it was not kept", name, url, hex,
                       expected);
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
    free(url);
    return rc;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Why text[0..len) cannot be a corpus before it is split: a NUL byte (binary
 * data) or a byte that is not UTF-8, whichever comes first; DLFS_OK when
 * neither is there.
 */
static int check_text(const char *path, const char *text, size_t len, DlfsError *err)
{
    const char *nul = memchr(text, '\0', len);
    const size_t nul_at = nul ? (size_t)(nul - text) : len;
    const size_t bad_at = text_utf8_bad_offset(text, nul_at);
    const size_t at = bad_at < nul_at ? bad_at : nul_at;
    if (at == len) return DLFS_OK;
    size_t line = 1;
    for (const char *q = text; q < text + at; q++) line += *q == '\n';
    if (at == nul_at)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: NUL byte at offset %zu (not a text file?)", path, line, at);
    return dlfs_fail(err, DLFS_ERR_FORMAT,
                     "%s:%zu: byte 0x%02X at offset %zu is not UTF-8 (not a text file, or another encoding: "
                     "convert it with iconv -t UTF-8)",
                     path, line, (unsigned)(unsigned char)text[at], at);
}

/*
 * The id of word (found on line of path) into *id: its id in vocab, else,
 * with vocab_source NULL, a new id while vocab has fewer than max_words
 * words. Errors (DLFS_ERR_FORMAT): the vocabulary is full, or word is not
 * in vocab_source's vocabulary.
 */
static int word_id(const char *path, size_t line, const char *word, const char *vocab_source, int32_t max_words,
                   Vocab *vocab, int32_t *id, DlfsError *err)
{
    char shown[104];
    *id = vocab_get(vocab, word);
    if (*id >= 0) return DLFS_OK;
    if (vocab_source)
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: word '%s' is not in the vocabulary of %s", path, line,
                         text_quote(shown, sizeof shown, word, strlen(word)), vocab_source);
    if (vocab->size >= max_words)
        return dlfs_fail(err, DLFS_ERR_FORMAT,
                         "%s:%zu: word '%s' would be word %ld, more than the %ld distinct words a vocabulary may "
                         "hold here (word ids are int32_t)",
                         path, line, text_quote(shown, sizeof shown, word, strlen(word)), (long)vocab->size + 1,
                         (long)max_words);
    *id = vocab_add(vocab, word);
    return DLFS_OK;
}

/*
 * Turns text[0..len) (text[len] == '\0', writable) into ids. With
 * vocab_source NULL new words join vocab while it has fewer than max_words
 * words; otherwise vocab is frozen and an unknown word is a format error
 * naming vocab_source (valid and test may only use train's words).
 */
static int tokenize(const char *path, char *text, size_t len, const char *vocab_source, int32_t max_words,
                    Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    int rc = check_text(path, text, len, err);
    if (rc) return rc;

    size_t cap = len / 4 + 16, n = 0, line = 1;
    int32_t *ids = dlfs_malloc(cap * sizeof *ids);
    int32_t eos = -1;
    char *p = text;
    char *const end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) p += 3;  /* a UTF-8 byte-order mark is no word */
    char shown[104];  /* a word for a message */
    while (p < end) {
        if (is_blank(*p)) {
            p++;
            continue;
        }
        int32_t id;
        if (*p == '\n') {
            /* ptb.py's replace('\n', '<eos>'): "<eos>" gets its id where it first appears. */
            if (eos < 0) {
                rc = word_id(path, line, "<eos>", vocab_source, max_words, vocab, &eos, err);
                if (rc) goto fail;
            }
            id = eos;
            line++;
            p++;
        } else {
            char *word = p;
            while (p < end && !is_blank(*p) && *p != '\n') p++;
            const size_t word_len = (size_t)(p - word);
            if (word_len > CORPUS_MAX_WORD_BYTES) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                               "%s:%zu: a word of %zu bytes at offset %zu ('%s'), longer than the %d allowed "
                               "(is the text split into words by spaces?)",
                               path, line, word_len, (size_t)(word - text), text_quote(shown, 24, word, word_len),
                               CORPUS_MAX_WORD_BYTES);
                goto fail;
            }
            const char saved = *p;  /* p <= end and text[len] is readable */
            *p = '\0';
            rc = word_id(path, line, word, vocab_source, max_words, vocab, &id, err);
            *p = saved;
            if (rc) goto fail;
        }
        if (n == (size_t)INT32_MAX) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: more than %d tokens", path, line, INT32_MAX);
            goto fail;
        }
        if (n == cap) {
            cap *= 2;
            ids = dlfs_realloc(ids, cap * sizeof *ids);
        }
        ids[n++] = id;
    }
    if (n == 0) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: no tokens (the file is empty or only whitespace)", path);
        goto fail;
    }
    corpus->data = dlfs_realloc(ids, n * sizeof *ids);
    corpus->size = n;
    return DLFS_OK;

fail:
    free(ids);
    return rc;
}

/*
 * CORPUS_LOWERCASE: replaces *text (len bytes, NUL-terminated, checked to
 * be UTF-8 without NUL bytes) by its lower-case form, NUL-terminated, and
 * *len by its length. libunistring's u8_tolower does the mapping: Unicode's
 * full case mapping, language-independent, no normalisation. Some letters
 * change length ('İ' becomes "i̇"), so later offsets count in the folded text.
 */
static int fold_lower(const char *path, char **text, size_t *len, DlfsError *err)
{
    int rc = check_text(path, *text, *len, err);  /* u8_tolower needs valid UTF-8 */
    if (rc) return rc;
    size_t n = 0;
    uint8_t *lower = u8_tolower((const uint8_t *)*text, *len, NULL, NULL, NULL, &n);
    if (!lower)
        return dlfs_fail(err, DLFS_ERR_IO, "%s: cannot fold the text to lower case: %s", path, strerror(errno));
    char *folded = dlfs_realloc(lower, n + 1);
    folded[n] = '\0';
    free(*text);
    *text = folded;
    *len = n;
    return DLFS_OK;
}

static int load_tokens(const char *path, const char *vocab_source, int32_t max_words, unsigned flags,
                       Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    char *text = NULL;
    size_t len = 0;
    corpus->data = NULL;
    corpus->size = 0;
    int rc = read_whole_file(path, &text, &len, err);
    if (rc) return rc;
    if (flags & CORPUS_LOWERCASE) rc = fold_lower(path, &text, &len, err);
    if (!rc) rc = tokenize(path, text, len, vocab_source, max_words, corpus, vocab, err);
    free(text);
    return rc;
}

int corpus_load_file(const char *path, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return load_tokens(path, NULL, CORPUS_MAX_WORDS, 0, corpus, vocab, err);
}

int corpus_load_file_flags(const char *path, unsigned flags, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return load_tokens(path, NULL, CORPUS_MAX_WORDS, flags, corpus, vocab, err);
}

int corpus_load_file_max(const char *path, int32_t max_words, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    DLFS_ASSERT(max_words >= 1);
    return load_tokens(path, NULL, max_words, 0, corpus, vocab, err);
}

int ptb_load_data(const char *data_dir, const char *split, Int32Array *corpus, Vocab *vocab, DlfsError *err)
{
    return ptb_load_data_flags(data_dir, split, 0, corpus, vocab, err);
}

int ptb_load_data_flags(const char *data_dir, const char *split, unsigned flags, Int32Array *corpus, Vocab *vocab,
                        DlfsError *err)
{
    DLFS_ASSERT(vocab->size == 0);
    corpus->data = NULL;
    corpus->size = 0;
    if (!ptb_sha256(split))
        return dlfs_fail(err, DLFS_ERR_ARG, "unknown PTB split '%s' (expected train, valid or test)",
                         split ? split : "(null)");
    const int is_train = strcmp(split, "train") == 0;

    /* Fetch everything first, so a failed download costs no parsing. */
    int rc = ptb_ensure_file(data_dir, "train", err);
    if (rc) return rc;
    if (!is_train) {
        rc = ptb_ensure_file(data_dir, split, err);
        if (rc) return rc;
    }

    char path[PTB_PATH_MAX];
    snprintf(path, sizeof path, "%s/ptb.train.txt", data_dir);  /* fits: ptb_ensure_file checked */
    rc = load_tokens(path, NULL, CORPUS_MAX_WORDS, flags, corpus, vocab, err);
    if (rc) goto fail;
    if (is_train) return DLFS_OK;

    int32_array_free(corpus);
    snprintf(path, sizeof path, "%s/ptb.%s.txt", data_dir, split);
    rc = load_tokens(path, "ptb.train.txt", CORPUS_MAX_WORDS, flags, corpus, vocab, err);
    if (rc) goto fail;
    return DLFS_OK;

fail:
    int32_array_free(corpus);
    vocab_free(vocab);
    vocab_init(vocab);
    return rc;
}
