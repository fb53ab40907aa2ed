/* textfile.c — line and field splitting for small text files (see textfile.h). */
#include "common/textfile.h"

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
