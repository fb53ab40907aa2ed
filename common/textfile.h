/*
 * textfile.h — line-by-line reading of small whole-file text formats: the
 * benchmark files (analogy questions, word-pair similarities; used by
 * evaluation/analogy.c and evaluation/wordsim.c) and word2vec's text
 * vectors (datasets/vectors.c).
 *
 * The whole file is read into memory (or handed over already read); lines
 * are cut in place. Fields are
 * separated by any run of spaces, tabs, '\r', '\v' or '\f', so CRLF files
 * read like LF files and tab- or space-separated columns alike.
 */
#ifndef DLFS2_COMMON_TEXTFILE_H
#define DLFS2_COMMON_TEXTFILE_H

#include <stddef.h>

#include "common/status.h"

typedef struct TextFile {
    const char *path;   /* borrowed, for messages */
    char *text;         /* the file's bytes plus a NUL; owned (NULL when borrowed: text_file_init) */
    char *cur;          /* start of the next line */
    char *end;          /* text + length */
    size_t lineno;      /* 1-based number of the line last returned; 0 before the first */
} TextFile;

/*
 * Reads the file at path (borrowed; must outlive self) into self, skipping a
 * UTF-8 byte-order mark. Errors: DLFS_ERR_IO (cannot open or read; the
 * message names the path), DLFS_ERR_FORMAT (a NUL byte: "path:line: NUL
 * byte"). On error self holds nothing to free. Free with text_file_close.
 */
int text_file_open(TextFile *self, const char *path, DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Like text_file_open, over bytes already read: text[0..len) with
 * text[len] == '\0', borrowed (it must outlive self) and cut in place by
 * text_file_next_line. Same checks and errors, less DLFS_ERR_IO; self
 * owns nothing, so text_file_close is not needed (and is harmless).
 */
int text_file_init(TextFile *self, const char *path, char *text, size_t len, DlfsError *err) DLFS_WARN_UNUSED;

/* Releases the text; safe on a closed or zeroed TextFile. */
void text_file_close(TextFile *self);

/*
 * The next line, NUL-terminated in place (its '\n' removed), with
 * self->lineno counting it; NULL at the end of the file. A missing final
 * newline is accepted. The line points into self->text.
 */
char *text_file_next_line(TextFile *self);

/* 1 when c separates fields: ' ', '\t', '\r', '\v' or '\f' (not '\n', which ends the line). */
int text_is_blank(char c);

/*
 * The offset of the first byte of s[0..len) that does not start a
 * well-formed UTF-8 sequence (RFC 3629, the Unicode standard's table 3-7:
 * no overlong forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF;
 * a sequence cut off by the end of s is bad at its first byte), or len when
 * all of s is UTF-8. NUL is U+0000, valid UTF-8.
 */
size_t text_utf8_bad_offset(const char *s, size_t len);

/*
 * Writes s[0..len) to out (size >= 4 bytes, NUL-terminated) for a one-line
 * message: printable ASCII and well-formed UTF-8 as they are; control bytes
 * (below 0x20, 0x7F), C1 controls (U+0080..U+009F) and bytes that are not
 * UTF-8 as "\xNN". When that does not fit in size - 1 bytes, it is cut
 * between characters and ends with "...". Returns out.
 */
char *text_quote(char *out, size_t size, const char *s, size_t len);

/*
 * The next field of a NUL-terminated line, NUL-terminated in place, with
 * *cur advanced past it; NULL when only separators are left.
 */
char *text_next_field(char **cur);

#endif
