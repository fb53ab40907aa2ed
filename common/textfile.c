/* textfile.c — line and field splitting for small text files (see textfile.h). */
#include "common/textfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"

int text_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int text_file_init(TextFile *self, const char *path, char *text, size_t len, DlfsError *err)
{
    memset(self, 0, sizeof *self);
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t line = 1;
        for (const char *q = text; q < nul; q++) line += *q == '\n';
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: NUL byte (not a text file?)", path, line);
    }
    self->path = path;
    self->cur = text;
    self->end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) self->cur += 3;
    return DLFS_OK;
}

int text_file_open(TextFile *self, const char *path, DlfsError *err)
{
    memset(self, 0, sizeof *self);
    char *text = NULL;
    size_t len = 0;
    int rc = read_whole_file(path, &text, &len, err);
    if (rc) return rc;
    rc = text_file_init(self, path, text, len, err);
    if (rc) {
        free(text);
        return rc;
    }
    self->text = text;
    return DLFS_OK;
}

void text_file_close(TextFile *self)
{
    free(self->text);
    memset(self, 0, sizeof *self);
}

char *text_file_next_line(TextFile *self)
{
    char *line = self->cur;
    if (!line || line >= self->end) return NULL;
    char *nl = memchr(line, '\n', (size_t)(self->end - line));
    if (nl) {
        *nl = '\0';
        self->cur = nl + 1;
    } else {
        self->cur = self->end;  /* a missing final newline: *end is already '\0' */
    }
    self->lineno++;
    return line;
}

char *text_next_field(char **cur)
{
    char *p = *cur;
    while (*p && text_is_blank(*p)) p++;
    if (!*p) {
        *cur = p;
        return NULL;
    }
    char *field = p;
    while (*p && !text_is_blank(*p)) p++;
    if (*p) *p++ = '\0';
    *cur = p;
    return field;
}

/* The length (1..4) of the well-formed UTF-8 sequence at s[0..n), or 0 when there is none (table 3-7). */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    const unsigned char c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;          /* no overlong forms */
        if (c == 0xED) hi = 0x9F;          /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;          /* no overlong forms */
        if (c == 0xF4) hi = 0x8F;          /* nothing above U+10FFFF */
    } else {
        return 0;                          /* 0x80..0xC1 (a continuation or overlong lead), 0xF5..0xFF */
    }
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF) return 0;
    return len;
}

size_t text_utf8_bad_offset(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        /* ASCII runs, the common case, a byte at a time without the table */
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        const size_t k = utf8_sequence(u + i, len - i);
        if (k == 0) return i;
        i += k;
    }
    return len;
}

/* The character at u[0..n) as a message shows it (text_quote), into piece; returns its length, *k its bytes. */
static size_t quote_piece(const unsigned char *u, size_t n, char piece[17], size_t *k)
{
    size_t len = utf8_sequence(u, n);
    const int control = u[0] < 0x20 || u[0] == 0x7F || (len == 2 && u[0] == 0xC2 && u[1] < 0xA0);
    if (len == 0) len = 1;  /* a byte that is not UTF-8: escaped alone */
    *k = len;
    if (!control && !(len == 1 && u[0] >= 0x80)) {
        memcpy(piece, u, len);
        return len;
    }
    size_t m = 0;
    for (size_t b = 0; b < len; b++) m += (size_t)snprintf(piece + m, 17 - m, "\\x%02X", u[b]);
    return m;
}

char *text_quote(char *out, size_t size, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    const size_t room = size - 1;
    char piece[17];
    size_t k, total = 0;
    for (size_t i = 0; i < len && total <= room; i += k) total += quote_piece(u + i, len - i, piece, &k);
    const size_t limit = total <= room ? room : room - 3;  /* keep room for "..." when it must be cut */
    size_t o = 0;
    for (size_t i = 0; i < len; i += k) {
        const size_t m = quote_piece(u + i, len - i, piece, &k);
        if (o + m > limit) break;
        memcpy(out + o, piece, m);
        o += m;
    }
    if (total > room) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}
