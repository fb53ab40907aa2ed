/*
 * vectors.c — word vectors in word2vec's text format (see vectors.h): the
 * layout word2vec.c writes with -binary 0 ("V H" header, then one
 * "word v1 ... vH" line per word) and gensim reads with
 * KeyedVectors.load_word2vec_format(binary=False). It stands in for the
 * pickle the textbook's ch04/train.py writes (word_vecs, word_to_id,
 * id_to_word), in a form other tools can read.
 */
#include "datasets/vectors.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/check.h"
#include "common/fs.h"

/* Field separators inside a line. '\r' is one, so CRLF files read like LF files. */
static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int vectors_save_text(const char *path, const Vocab *vocab, const float *W, int V, int H, DlfsError *err)
{
    DLFS_ASSERT(V >= 1 && H >= 1 && V == vocab->size);

    /* Refuse what could not be read back, before any file is touched. */
    for (int i = 0; i < V; i++) {
        const char *word = vocab_word(vocab, i);
        if (!*word) return dlfs_fail(err, DLFS_ERR_ARG, "cannot save %s: word %d is empty", path, i);
        for (const char *c = word; *c; c++)
            if (is_blank(*c) || *c == '\n')
                return dlfs_fail(err, DLFS_ERR_ARG, "cannot save %s: word %d ('%.100s') contains whitespace",
                                 path, i, word);
    }
    for (size_t k = 0; k < (size_t)V * (size_t)H; k++)
        if (!isfinite(W[k]))
            return dlfs_fail(err, DLFS_ERR_NUMERIC, "cannot save %s: row %zu ('%.100s') value %zu is %g", path,
                             k / (size_t)H, vocab_word(vocab, (int32_t)(k / (size_t)H)), k % (size_t)H + 1,
                             (double)W[k]);

    int rc;
    int tmp_created = 0;
    FILE *fp = NULL;
    const size_t path_len = strlen(path);
    char *tmp_path = dlfs_malloc(path_len + sizeof ".tmp");
    memcpy(tmp_path, path, path_len);
    memcpy(tmp_path + path_len, ".tmp", sizeof ".tmp");

    fp = fopen(tmp_path, "w");
    if (!fp) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot create %s: %s", path, tmp_path, strerror(errno));
        goto fail;
    }
    tmp_created = 1;

    fprintf(fp, "%d %d\n", V, H);
    for (int i = 0; i < V && !ferror(fp); i++) {
        fputs(vocab_word(vocab, i), fp);
        const float *row = W + (size_t)i * (size_t)H;
        /* %.9g: 9 significant digits read back to the same float32. */
        for (int j = 0; j < H; j++) fprintf(fp, " %.9g", (double)row[j]);
        fputc('\n', fp);
    }
    if (ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot write %s: %s", path, tmp_path, strerror(errno));
        goto fail;
    }
    FILE *closing = fp;
    fp = NULL;
    if (fclose(closing) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot write %s: %s", path, tmp_path, strerror(errno));
        goto fail;
    }
    if (rename(tmp_path, path) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_IO, "cannot save %s: cannot rename %s to it: %s", path, tmp_path,
                       strerror(errno));
        goto fail;
    }
    tmp_created = 0;
    rc = DLFS_OK;

fail:
    if (fp) fclose(fp);
    if (tmp_created) unlink(tmp_path);
    free(tmp_path);
    return rc;
}

/* The next line of [*cur, end), NUL-terminated in place (its '\n' is overwritten); NULL at the end. */
static char *next_line(char **cur, char *end)
{
    char *line = *cur;
    if (line >= end) return NULL;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    if (nl) {
        *nl = '\0';
        *cur = nl + 1;
    } else {
        *cur = end;  /* a missing final newline: *end is already '\0' */
    }
    return line;
}

/* The next blank-separated field of a NUL-terminated line, NUL-terminated in place; NULL when none is left. */
static char *next_field(char **cur)
{
    char *p = *cur;
    while (*p && is_blank(*p)) p++;
    if (!*p) {
        *cur = p;
        return NULL;
    }
    char *field = p;
    while (*p && !is_blank(*p)) p++;
    if (*p) *p++ = '\0';
    *cur = p;
    return field;
}

/* A header count: a decimal integer in [1, INT_MAX]. */
static int parse_count(const char *s, int *out)
{
    if (!s) return 0;
    char *end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < 1 || v > INT_MAX) return 0;
    *out = (int)v;
    return 1;
}

int vectors_load_text(const char *path, Vocab *vocab, Tensor *W, DlfsError *err)
{
    DLFS_ASSERT(vocab->size == 0);
    memset(W, 0, sizeof *W);

    char *text = NULL;
    size_t len = 0;
    int rc = read_whole_file(path, &text, &len, err);
    if (rc) return rc;

    char *cur = text;
    char *const end = text + len;
    size_t lineno = 0;
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        size_t line = 1;
        for (const char *q = text; q < nul; q++) line += *q == '\n';
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: NUL byte (not a text file?)", path, line);
        goto fail;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) cur += 3;  /* a UTF-8 byte-order mark */

    /* Header: "V H". */
    char *line = next_line(&cur, end);
    lineno = 1;
    if (!line) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:1: empty file, expected a header 'V H'", path);
        goto fail;
    }
    char header[48];  /* for the message: the line before next_field cuts it up */
    snprintf(header, sizeof header, "%s", line);
    for (size_t n = strlen(header); n > 0 && is_blank(header[n - 1]); n--) header[n - 1] = '\0';
    char *f1 = next_field(&line);
    char *f2 = next_field(&line);
    char *f3 = next_field(&line);
    int V = 0, H = 0;
    if (!parse_count(f1, &V) || !parse_count(f2, &H) || f3) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:1: bad header '%s', expected 'V H' (two positive integers)",
                       path, header);
        goto fail;
    }
    /* Every value takes at least 2 bytes (a separator and a digit): catches absurd headers before allocating. */
    if ((double)V * (2.0 * H + 1.0) > (double)len) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                       "%s:1: header says V=%d words of H=%d values, more than the file's %zu bytes can hold",
                       path, V, H, len);
        goto fail;
    }
    tensor_init_2d(W, V, H);

    for (int r = 0; r < V; r++) {
        line = next_line(&cur, end);
        lineno++;
        if (!line) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: expected V=%d rows after the header, found %d", path,
                           lineno, V, r);
            goto fail;
        }
        char *word = next_field(&line);
        if (!word) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: empty line, expected a word and H=%d values", path,
                           lineno, H);
            goto fail;
        }
        const int32_t seen = vocab_get(vocab, word);
        if (seen >= 0) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: word '%.100s' repeats line %d", path, lineno, word,
                           (int)seen + 2);
            goto fail;
        }
        float *row = W->data + (size_t)r * (size_t)H;
        int count = 0;
        for (char *field; (field = next_field(&line)); count++) {
            if (count >= H) continue;  /* only counted, for the message below */
            char *stop;
            const float x = strtof(field, &stop);
            if (stop == field || *stop) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: value %d ('%.40s') is not a number", path, lineno,
                               count + 1, field);
                goto fail;
            }
            /* Overflow gives inf; underflow (a subnormal) is a real float32 and is kept. */
            if (!isfinite(x)) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: value %d ('%.40s') is not a finite float32",
                               path, lineno, count + 1, field);
                goto fail;
            }
            row[count] = x;
        }
        if (count != H) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: expected H=%d values, found %d", path, lineno, H,
                           count);
            goto fail;
        }
        vocab_add(vocab, word);
    }

    /* Blank lines may follow; another row may not. */
    while ((line = next_line(&cur, end))) {
        lineno++;
        if (next_field(&line)) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: more rows than the header's V=%d", path, lineno, V);
            goto fail;
        }
    }
    free(text);
    return DLFS_OK;

fail:
    free(text);
    tensor_free(W);
    vocab_free(vocab);
    vocab_init(vocab);
    return rc;
}
