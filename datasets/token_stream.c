/*
 * token_stream.c — a corpus as a stream of tokens in bounded memory (see
 * token_stream.h): zlib's gzread (which reads plain files as they are)
 * into one buffer of a chunk plus the longest word, each chunk checked as
 * UTF-8 when it arrives, words cut in the buffer as datasets/ptb.c cuts
 * them in the whole text.
 */
#include "datasets/token_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <unicase.h>
#include <zlib.h>

#include "common/check.h"
#include "common/textfile.h"
#include "datasets/ptb.h"

struct TokenStreamInput {
    gzFile gz;  /* token_stream_open's reader, or NULL */
    int fd;     /* token_stream_open_range's plain file (read with read(2)), when gz is NULL */
};

/* A run of raw bytes that folds to more than CORPUS_MAX_WORD_BYTES for sure:
 * no character's lower case is shorter than a third of it (U+212A KELVIN
 * SIGN, 3 bytes, folds to 'k'). */
#define RAW_LIMIT_LOWER (3 * CORPUS_MAX_WORD_BYTES)
/* The bytes of a too-long word kept for its message (text_quote shows 20). */
#define SHOWN_PREFIX 64

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int stop(TokenStream *s, int status)
{
    s->status = status;
    return status;
}

/* The part of opening both ways share: s takes in (owned) and reads it in chunks of chunk bytes. */
static void stream_start(TokenStream *s, const char *name, struct TokenStreamInput *in, unsigned flags, size_t chunk)
{
    s->name = dlfs_malloc(strlen(name) + 1);
    strcpy(s->name, name);
    s->in = in;
    s->flags = flags;
    s->chunk = chunk ? chunk : TOKEN_STREAM_CHUNK;
    const size_t raw_limit = (flags & CORPUS_LOWERCASE) ? RAW_LIMIT_LOWER : CORPUS_MAX_WORD_BYTES;
    s->cap = s->chunk + raw_limit + 8;
    s->buf = dlfs_malloc(s->cap + 1);
    s->word_cap = CORPUS_MAX_WORD_BYTES + 1;
    s->word = dlfs_malloc(s->word_cap);
    s->line = 1;
    s->end = UINT64_MAX;
}

int token_stream_open(TokenStream *s, const char *path, unsigned flags, size_t chunk, DlfsError *err)
{
    memset(s, 0, sizeof *s);
    const int is_stdin = strcmp(path, "-") == 0;
    const int fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY);
    if (fd < 0)
        return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: %s", is_stdin ? "standard input" : path,
                         strerror(errno));
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        close(fd);
        return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: no memory for the reader",
                         is_stdin ? "standard input" : path);
    }
    gzbuffer(gz, 64 * 1024);
    struct TokenStreamInput *in = dlfs_malloc(sizeof *in);
    in->gz = gz;
    stream_start(s, is_stdin ? "standard input" : path, in, flags, chunk);
    return DLFS_OK;
}

int token_stream_file_size(const char *path, uint64_t *size, DlfsError *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return dlfs_fail(err, DLFS_ERR_ARG, "%s is not a plain file (byte ranges need one)", path);
    *size = (uint64_t)st.st_size;
    return DLFS_OK;
}

/* Reads up to n bytes at offset at of fd into p; the count, 0 at the end, -1 on error (errno). */
static ssize_t pread_full(int fd, void *p, size_t n, uint64_t at)
{
    size_t done = 0;
    while (done < n) {
        const ssize_t got = pread(fd, (char *)p + done, n - done, (off_t)(at + done));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return -1;
        if (got == 0) break;
        done += (size_t)got;
    }
    return (ssize_t)done;
}

int token_stream_open_range(TokenStream *s, const char *path, unsigned flags, size_t chunk, uint64_t start,
                            uint64_t end, DlfsError *err)
{
    memset(s, 0, sizeof *s);
    if (strcmp(path, "-") == 0)
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "standard input cannot be read in byte ranges (it cannot seek): give a file");
    if (start > end)
        return dlfs_fail(err, DLFS_ERR_ARG, "%s: byte range [%llu, %llu) ends before it starts", path,
                         (unsigned long long)start, (unsigned long long)end);
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return dlfs_fail(err, DLFS_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return dlfs_fail(err, DLFS_ERR_ARG, "%s is not a plain file: byte ranges need one (seekable)", path);
    }
    const uint64_t size = (uint64_t)st.st_size;
    unsigned char head[3] = {0};
    const ssize_t head_len = pread_full(fd, head, 3, 0);
    if (head_len < 0) {
        const int e = errno;
        close(fd);
        return dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", path, strerror(e));
    }
    if (head_len >= 2 && head[0] == 0x1F && head[1] == 0x8B) {
        close(fd);
        return dlfs_fail(err, DLFS_ERR_ARG,
                         "%s is gzip data: byte ranges need a plain file (gzip -d it, or read it whole)", path);
    }
    if (end > size) end = size;
    if (start > end) start = end;
    /* the byte-order mark is no token: a range starting in it starts after it, at a token's start */
    const int bom = head_len == 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0;
    int at_boundary = start == 0;
    if (bom && start <= 3) {
        start = 3;
        at_boundary = 1;
    }
    /* a range starting inside a word leaves that word (it began in the range before) */
    unsigned char block[4096];
    while (!at_boundary && start < end) {
        const ssize_t got = pread_full(fd, block, sizeof block, start - 1);
        if (got < 0) {
            const int e = errno;
            close(fd);
            return dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", path, strerror(e));
        }
        if (got == 0) break;
        size_t k = 0;
        while (k < (size_t)got && !is_blank((char)block[k]) && block[k] != '\n') k++;
        if (k < (size_t)got) {
            /* block[k] is byte start - 1 + k: for k = 0 the range starts after a blank or line end;
             * else the byte after the word the range starts in (a blank, or a line end: a token) */
            if (k > 0) start += k - 1;
            at_boundary = 1;
        } else {
            start += (size_t)got;
        }
    }
    if (start > end) start = end;
    if (lseek(fd, (off_t)start, SEEK_SET) < 0) {
        const int e = errno;
        close(fd);
        return dlfs_fail(err, DLFS_ERR_IO, "cannot seek in %s: %s", path, strerror(e));
    }
    struct TokenStreamInput *in = dlfs_malloc(sizeof *in);
    in->gz = NULL;
    in->fd = fd;
    stream_start(s, path, in, flags, chunk);
    s->base = start;
    s->end = end;
    s->ranged = 1;
    s->started = 1;  /* the byte-order mark is behind */
    return DLFS_OK;
}

void token_stream_close(TokenStream *s)
{
    if (s->in && s->in->gz) gzclose(s->in->gz);
    else if (s->in) close(s->in->fd);
    free(s->in);
    free(s->name);
    free(s->buf);
    free(s->word);
    memset(s, 0, sizeof *s);
}

uint64_t token_stream_offset(const TokenStream *s)
{
    return s->base + s->pos;
}

/* 1 when u[0..n) (1 <= n <= 3) can begin a well-formed UTF-8 sequence longer than n bytes. */
static int utf8_prefix(const unsigned char *u, size_t n)
{
    const unsigned char c = u[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (n >= need) return 0;
    if (n >= 2 && (u[1] < lo || u[1] > hi)) return 0;
    for (size_t k = 2; k < n; k++)
        if (u[k] < 0x80 || u[k] > 0xBF) return 0;
    return 1;
}

/*
 * Checks buf[checked..len): NUL bytes and bytes that are not UTF-8 are
 * datasets/ptb.c's format errors (same words, line and offset); before the
 * end of the input a sequence cut off by the buffer's end waits for the
 * next chunk.
 */
static int check_new_bytes(TokenStream *s, DlfsError *err)
{
    const char *p = s->buf + s->checked;
    const size_t n = s->len - s->checked;
    const char *nul = memchr(p, '\0', n);
    const size_t nul_at = nul ? (size_t)(nul - p) : n;
    const size_t bad_at = text_utf8_bad_offset(p, nul_at);
    size_t at = bad_at < nul_at ? bad_at : nul_at;
    const int waits = !s->eof && nul_at == n && bad_at < n && n - bad_at < 4 &&
                      utf8_prefix((const unsigned char *)p + bad_at, n - bad_at);
    for (const char *q = p; q < p + at; q++) s->lines_checked += *q == '\n';
    if (waits || at == n) {
        s->checked += at;
        return DLFS_OK;
    }
    const size_t line = s->lines_checked + 1;
    const unsigned long long offset = (unsigned long long)(s->base + s->checked + at);
    if (at == nul_at)
        return stop(s, dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: NUL byte at offset %llu (not a text file?)",
                                 s->name, line, offset));
    return stop(s, dlfs_fail(err, DLFS_ERR_FORMAT,
                             "%s:%zu: byte 0x%02X at offset %llu is not UTF-8 (not a text file, or another "
                             "encoding: convert it with iconv -t UTF-8)",
                             s->name, line, (unsigned)(unsigned char)p[at], offset));
}

/*
 * Moves buf[pos..len) to the front and reads up to a chunk more, then
 * checks it. Sets eof when the input has ended. Errors: DLFS_ERR_IO (a read
 * failed), DLFS_ERR_FORMAT (truncated or corrupt gzip data, and
 * check_new_bytes's).
 */
static int fill(TokenStream *s, DlfsError *err)
{
    DLFS_ASSERT(!s->eof);
    if (s->pos > 0) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->base += s->pos;
        s->len -= s->pos;
        s->checked -= s->pos;
        s->pos = 0;
    }
    size_t want = s->cap - s->len;
    if (want > s->chunk) want = s->chunk;
    DLFS_ASSERT(want > 0);
    if (!s->in->gz) {
        ssize_t n;
        do n = read(s->in->fd, s->buf + s->len, want);
        while (n < 0 && errno == EINTR);
        if (n < 0) return stop(s, dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", s->name, strerror(errno)));
        if (n == 0) s->eof = 1;
        s->len += (size_t)n;
        s->buf[s->len] = '\0';
        return check_new_bytes(s, err);
    }
    const int got = gzread(s->in->gz, s->buf + s->len, (unsigned)want);
    int errnum = Z_OK;
    const char *msg = gzerror(s->in->gz, &errnum);
    /* zlib names the input by its descriptor ("<fd:3>: "); the message names s->name already */
    if (msg && strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ">: ")) msg = strstr(msg, ">: ") + 3;
    if (got < 0 || errnum != Z_OK) {
        if (errnum == Z_ERRNO)
            return stop(s, dlfs_fail(err, DLFS_ERR_IO, "cannot read %s: %s", s->name, strerror(errno)));
        if (errnum == Z_BUF_ERROR)
            return stop(s, dlfs_fail(err, DLFS_ERR_FORMAT,
                                     "%s: truncated gzip data: the compressed stream ends early, after %llu bytes "
                                     "of text (an interrupted download or copy?)",
                                     s->name, (unsigned long long)(s->base + s->len + (got > 0 ? (size_t)got : 0))));
        return stop(s, dlfs_fail(err, errnum == Z_MEM_ERROR ? DLFS_ERR_IO : DLFS_ERR_FORMAT,
                                 "%s: corrupt gzip data after %llu bytes of text: %s", s->name,
                                 (unsigned long long)(s->base + s->len), msg ? msg : "unknown zlib error"));
    }
    if (got == 0) s->eof = 1;
    s->len += (size_t)got;
    s->buf[s->len] = '\0';
    return check_new_bytes(s, err);
}

/* The length of s[0..n) folded to lower case (n > 0, UTF-8); into out (cap bytes) when it fits. */
static size_t fold(const char *p, size_t n, char *out, size_t cap, DlfsError *err, int *rc)
{
    size_t m = cap;
    uint8_t *r = u8_tolower((const uint8_t *)p, n, NULL, NULL, (uint8_t *)out, &m);
    if (!r) {
        *rc = dlfs_fail(err, DLFS_ERR_IO, "cannot fold the text to lower case: %s", strerror(errno));
        return 0;
    }
    if (r != (uint8_t *)out) free(r);
    *rc = DLFS_OK;
    return m;
}

/*
 * A word longer than allowed starts at buf[pos]: reads to its end (its
 * length counted, folded when folding) and returns datasets/ptb.c's error.
 */
static int long_word(TokenStream *s, DlfsError *err)
{
    const int lower = (s->flags & CORPUS_LOWERCASE) != 0;
    const unsigned long long offset = (unsigned long long)((int64_t)(s->base + s->pos) + s->fold_shift);
    const size_t line = s->line;
    /* the shown start: SHOWN_PREFIX bytes cut before a continuation byte (the word has more) */
    size_t k = SHOWN_PREFIX;
    while (k > 0 && ((unsigned char)s->buf[s->pos + k] & 0xC0) == 0x80) k--;
    char prefix[4 * SHOWN_PREFIX];
    size_t prefix_len = k;
    int rc = DLFS_OK;
    if (lower) {
        prefix_len = fold(s->buf + s->pos, k, prefix, sizeof prefix, err, &rc);
        if (rc) return stop(s, rc);
        if (prefix_len > sizeof prefix) prefix_len = 0;  /* cannot happen: 4 bytes per character at most */
    } else {
        memcpy(prefix, s->buf + s->pos, k);
    }
    size_t total = 0;
    for (;;) {
        size_t q = s->pos;
        while (q < s->checked && !is_blank(s->buf[q]) && s->buf[q] != '\n') q++;
        if (q > s->pos) {
            if (lower) {
                /* pieces cut at character boundaries fold to the lengths of the whole: without a
                 * language only the final sigma looks around, and σ and ς are both 2 bytes */
                size_t done = s->pos;
                char scratch[256];
                while (done < q) {
                    size_t piece = q - done > 1024 ? 1024 : q - done;
                    while (done + piece < q && ((unsigned char)s->buf[done + piece] & 0xC0) == 0x80) piece--;
                    total += fold(s->buf + done, piece, scratch, sizeof scratch, err, &rc);
                    if (rc) return stop(s, rc);
                    done += piece;
                }
            } else {
                total += q - s->pos;
            }
        }
        s->pos = q;
        if (q < s->checked || s->eof) break;
        rc = fill(s, err);
        if (rc) return rc;
    }
    char shown[104];
    return stop(s, dlfs_fail(err, DLFS_ERR_FORMAT,
                             "%s:%zu: a word of %zu bytes at offset %llu ('%s'), longer than the %d allowed "
                             "(is the text split into words by spaces?)",
                             s->name, line, total, offset, text_quote(shown, 24, prefix, prefix_len),
                             CORPUS_MAX_WORD_BYTES));
}

int token_stream_next(TokenStream *s, const char **word, size_t *len, DlfsError *err)
{
    if (s->status)
        return dlfs_fail(err, s->status, "%s: the reading stopped at an earlier error", s->name);
    int rc;
    if (!s->started) {
        while (!s->eof && s->checked - s->pos < 3) {
            rc = fill(s, err);
            if (rc) return rc;
        }
        if (s->checked - s->pos >= 3 && memcmp(s->buf + s->pos, "\xEF\xBB\xBF", 3) == 0) s->pos += 3;
        s->started = 1;
    }
    const int lower = (s->flags & CORPUS_LOWERCASE) != 0;
    const size_t raw_limit = lower ? RAW_LIMIT_LOWER : CORPUS_MAX_WORD_BYTES;
    for (;;) {
        if (s->base + s->pos >= s->end) break;  /* a token from here on starts after the range */
        if (s->pos == s->checked) {
            if (s->eof) break;
            rc = fill(s, err);
            if (rc) return rc;
            continue;
        }
        const char c = s->buf[s->pos];
        if (is_blank(c)) {
            s->pos++;
            continue;
        }
        size_t n;
        if (c == '\n') {
            memcpy(s->word, "<eos>", 6);
            n = 5;
            s->pos++;
            s->line++;
        } else {
            size_t q = s->pos;
            while (q < s->checked && !is_blank(s->buf[q]) && s->buf[q] != '\n') q++;
            const size_t raw = q - s->pos;
            if (raw > raw_limit) return long_word(s, err);
            if (q == s->checked && !s->eof) {
                rc = fill(s, err);  /* the word may go on: read more, then cut it again */
                if (rc) return rc;
                continue;
            }
            if (lower) {
                n = fold(s->buf + s->pos, raw, s->word, s->word_cap - 1, err, &rc);
                if (rc) return stop(s, rc);
                if (n > CORPUS_MAX_WORD_BYTES) return long_word(s, err);
                s->fold_shift += (int64_t)n - (int64_t)raw;
            } else {
                memcpy(s->word, s->buf + s->pos, raw);
                n = raw;
            }
            s->word[n] = '\0';
            s->pos = q;
        }
        s->tokens++;
        if (word) *word = s->word;
        if (len) *len = n;
        return 1;
    }
    if (s->tokens == 0 && !s->ranged)
        return stop(s, dlfs_fail(err, DLFS_ERR_FORMAT, "%s: no tokens (the file is empty or only whitespace)",
                                 s->name));
    return 0;
}
