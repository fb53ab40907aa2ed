/*
 * vectors.c — word vectors in word2vec's text and binary formats (see
 * vectors.h): the layouts word2vec.c writes with -binary 0 and -binary 1
 * ("V H" header, then per word "word v1 ... vH\n" or "word " + H raw
 * float32 + "\n") and gensim reads with
 * KeyedVectors.load_word2vec_format(binary=False / True). It stands in for
 * the pickle the textbook's ch04/train.py writes (word_vecs, word_to_id,
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
#include <strings.h>

#include "common/check.h"
#include "common/fs.h"
#include "common/textfile.h"
#include "datasets/f32le.h"

int vectors_format_parse(const char *name, VectorsFormat *format)
{
    if (strcmp(name, "text") == 0)
        *format = VECTORS_TEXT;
    else if (strcmp(name, "binary") == 0)
        *format = VECTORS_BINARY;
    else
        return DLFS_ERR_ARG;
    return DLFS_OK;
}

const char *vectors_format_name(VectorsFormat format)
{
    return format == VECTORS_BINARY ? "binary" : "text";
}

int vectors_format_from_path(const char *path, VectorsFormat *format)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return DLFS_ERR_ARG;  /* no extension, or a dot file like ".bin" */
    if (strcasecmp(dot, ".bin") == 0)
        *format = VECTORS_BINARY;
    else if (strcasecmp(dot, ".txt") == 0)
        *format = VECTORS_TEXT;
    else
        return DLFS_ERR_ARG;
    return DLFS_OK;
}

/* Refuses, before any file is touched, what could not be read back: either format. */
static int check_savable(const char *path, const Vocab *vocab, const float *W, int V, int H, DlfsError *err)
{
    char shown[104];  /* the word at fault, for a message */
    for (int i = 0; i < V; i++) {
        const char *word = vocab_word(vocab, i);
        if (!*word) return dlfs_fail(err, DLFS_ERR_ARG, "cannot save %s: word %d is empty", path, i);
        for (const char *c = word; *c; c++)
            if (text_is_blank(*c) || *c == '\n')
                return dlfs_fail(err, DLFS_ERR_ARG, "cannot save %s: word %d ('%s') contains whitespace", path, i,
                                 text_quote(shown, sizeof shown, word, strlen(word)));
    }
    for (size_t k = 0; k < (size_t)V * (size_t)H; k++)
        if (!isfinite(W[k])) {
            const char *word = vocab_word(vocab, (int32_t)(k / (size_t)H));
            return dlfs_fail(err, DLFS_ERR_NUMERIC, "cannot save %s: row %zu ('%s') value %zu is %g", path,
                             k / (size_t)H, text_quote(shown, sizeof shown, word, strlen(word)),
                             k % (size_t)H + 1, (double)W[k]);
        }
    return DLFS_OK;
}

/* Both writers' start: refuses what could not be read back, opens path.tmp in af, writes the "V H" header. */
static int save_begin(AtomicFile *af, const char *path, const Vocab *vocab, const float *W, int V, int H,
                      DlfsError *err)
{
    DLFS_ASSERT(V >= 1 && H >= 1 && V == vocab->size);
    int rc = check_savable(path, vocab, W, V, H, err);
    if (rc) return rc;
    rc = atomic_file_open(af, path, err);
    if (rc) return rc;
    fprintf(af->fp, "%d %d\n", V, H);
    return DLFS_OK;
}

/*
 * Rows [first, first + n) of the text format into buf (room for
 * text_rows_size's bytes): the word, then " %.9g" per value (9
 * significant digits read back to the same float32), then a line end.
 * Returns the bytes written.
 */
static size_t format_text_rows(char *buf, const Vocab *vocab, const float *W, int H, int first, int n)
{
    char *p = buf;
    for (int i = first; i < first + n; i++) {
        const char *word = vocab_word(vocab, i);
        const size_t len = strlen(word);
        memcpy(p, word, len);
        p += len;
        const float *row = W + (size_t)i * (size_t)H;
        for (int j = 0; j < H; j++) p += sprintf(p, " %.9g", (double)row[j]);
        *p++ = '\n';
    }
    return (size_t)(p - buf);
}

/* A bound on format_text_rows's bytes for rows [first, first + n): " %.9g" is at most 16 characters. */
static size_t text_rows_size(const Vocab *vocab, int H, int first, int n)
{
    size_t size = 0;
    for (int i = first; i < first + n; i++) size += strlen(vocab_word(vocab, i)) + 16 * (size_t)H + 1;
    return size;
}

enum { TEXT_CHUNK_ROWS = 256 };   /* rows formatted at a time by one thread */

int vectors_save_text(const char *path, const Vocab *vocab, const float *W, int V, int H, DlfsError *err)
{
    AtomicFile af;
    const int rc = save_begin(&af, path, vocab, W, V, H, err);
    if (rc) return rc;
    /* the rows are formatted by the OpenMP threads, chunk by chunk, and written in order:
     * the same bytes as one fprintf per value, in about 1 / threads of the time */
    const int chunks = (V + TEXT_CHUNK_ROWS - 1) / TEXT_CHUNK_ROWS;
    FILE *fp = af.fp;
#pragma omp parallel
    {
        char *buf = NULL;
        size_t cap = 0;
#pragma omp for ordered schedule(static, 1)
        for (int c = 0; c < chunks; c++) {
            const int first = c * TEXT_CHUNK_ROWS, n = first + TEXT_CHUNK_ROWS <= V ? TEXT_CHUNK_ROWS : V - first;
            const size_t need = text_rows_size(vocab, H, first, n);
            if (need > cap) {
                free(buf);
                cap = need;
                buf = dlfs_malloc(cap);
            }
            const size_t len = format_text_rows(buf, vocab, W, H, first, n);
            DLFS_ASSERT(len <= need);
#pragma omp ordered
            if (!ferror(fp)) fwrite(buf, 1, len, fp);
        }
        free(buf);
    }
    return atomic_file_commit(&af, err);
}

int vectors_save_binary(const char *path, const Vocab *vocab, const float *W, int V, int H, DlfsError *err)
{
    AtomicFile af;
    const int rc = save_begin(&af, path, vocab, W, V, H, err);
    if (rc) return rc;
    const size_t row_bytes = 4 * (size_t)H;
    unsigned char *bytes = dlfs_malloc(row_bytes);
    for (int i = 0; i < V && !ferror(af.fp); i++) {
        const float *row = W + (size_t)i * (size_t)H;
        for (int j = 0; j < H; j++) put_f32_le(row[j], bytes + 4 * (size_t)j);
        fputs(vocab_word(vocab, i), af.fp);
        fputc(' ', af.fp);
        fwrite(bytes, 1, row_bytes, af.fp);
        fputc('\n', af.fp);
    }
    free(bytes);
    return atomic_file_commit(&af, err);
}

int vectors_save(const char *path, VectorsFormat format, const Vocab *vocab, const float *W, int V, int H,
                 DlfsError *err)
{
    return format == VECTORS_BINARY ? vectors_save_binary(path, vocab, W, V, H, err)
                                    : vectors_save_text(path, vocab, W, V, H, err);
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

/*
 * The header line "V H" at buf[*pos..len), read in place (buf is not
 * changed), as both formats have it; on success *pos is past its '\n'.
 * Errors name "path:1:".
 */
static int parse_header(const char *path, const char *buf, size_t len, size_t *pos, int *V, int *H,
                        DlfsError *err)
{
    const char *p = buf + *pos, *const end = buf + len;
    if (p >= end) return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:1: empty file, expected a header 'V H'", path);
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;

    char fields[2][24];  /* a count needs at most 10 digits; longer is bad anyway */
    int n = 0, too_long = 0;
    for (const char *q = p; q < eol;) {
        while (q < eol && text_is_blank(*q)) q++;
        if (q == eol) break;
        const char *field = q;
        while (q < eol && !text_is_blank(*q)) q++;
        if (n < 2) {
            size_t k = (size_t)(q - field);
            if (k >= sizeof fields[0]) too_long = 1, k = sizeof fields[0] - 1;
            memcpy(fields[n], field, k);
            fields[n][k] = '\0';
        }
        n++;
    }
    if (n != 2 || too_long || !parse_count(fields[0], V) || !parse_count(fields[1], H)) {
        /* The line for the message, without its trailing blanks, control bytes escaped. */
        size_t k = (size_t)(eol - p);
        while (k > 0 && text_is_blank(p[k - 1])) k--;
        char shown[48];
        text_quote(shown, sizeof shown, p, k);
        return dlfs_fail(err, DLFS_ERR_FORMAT, "%s:1: bad header '%s', expected 'V H' (two positive integers)",
                         path, shown);
    }
    *pos = nl ? (size_t)(nl + 1 - buf) : len;
    return DLFS_OK;
}

/* After a failed read: vocab and W empty again. */
static void clear_outputs(Vocab *vocab, Tensor *W)
{
    tensor_free(W);
    vocab_free(vocab);
    vocab_init(vocab);
}

/* The text reader over the file's bytes text[0..len) (text[len] == '\0'), which it cuts up in place. */
static int parse_text(const char *path, char *text, size_t len, Vocab *vocab, Tensor *W, DlfsError *err)
{
    TextFile tf;  /* borrows text; skips a UTF-8 byte-order mark */
    int rc = text_file_init(&tf, path, text, len, err);
    if (rc) goto fail;

    /* Header: "V H", read uncut by parse_header (shared with the binary reader); then its line is skipped. */
    int V = 0, H = 0;
    size_t pos = (size_t)(tf.cur - text);
    rc = parse_header(path, text, len, &pos, &V, &H, err);
    if (rc) goto fail;
    (void)text_file_next_line(&tf);  /* the header line, line 1 */
    /* Every value takes at least 2 bytes (a separator and a digit): catches absurd headers before allocating. */
    if ((double)V * (2.0 * H + 1.0) > (double)len) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                       "%s:1: header says V=%d words of H=%d values, more than the file's %zu bytes can hold",
                       path, V, H, len);
        goto fail;
    }
    tensor_init_2d(W, V, H);

    char *line;
    for (int r = 0; r < V; r++) {
        line = text_file_next_line(&tf);
        if (!line) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: expected V=%d rows after the header, found %d", path,
                           tf.lineno + 1, V, r);
            goto fail;
        }
        const size_t lineno = tf.lineno;
        char *word = text_next_field(&line);
        if (!word) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: empty line, expected a word and H=%d values", path,
                           lineno, H);
            goto fail;
        }
        char shown[104];  /* the word or value at fault, for a message */
        const int32_t seen = vocab_get(vocab, word);
        if (seen >= 0) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: word '%s' repeats line %d", path, lineno,
                           text_quote(shown, sizeof shown, word, strlen(word)), (int)seen + 2);
            goto fail;
        }
        float *row = W->data + (size_t)r * (size_t)H;
        int count = 0;
        for (char *field; (field = text_next_field(&line)); count++) {
            if (count >= H) continue;  /* only counted, for the message below */
            char *stop;
            const float x = strtof(field, &stop);
            if (stop == field || *stop) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: value %d ('%s') is not a number", path, lineno,
                               count + 1, text_quote(shown, 44, field, strlen(field)));
                goto fail;
            }
            /* Overflow gives inf; underflow (a subnormal) is a real float32 and is kept. */
            if (!isfinite(x)) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: value %d ('%s') is not a finite float32",
                               path, lineno, count + 1, text_quote(shown, 44, field, strlen(field)));
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
    while ((line = text_file_next_line(&tf))) {
        if (text_next_field(&line)) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:%zu: more rows than the header's V=%d", path, tf.lineno, V);
            goto fail;
        }
    }
    return DLFS_OK;

fail:
    clear_outputs(vocab, W);
    return rc;
}

/* The binary reader over the file's bytes buf[0..len); buf is not changed. */
static int parse_binary(const char *path, const char *buf, size_t len, Vocab *vocab, Tensor *W, DlfsError *err)
{
    int V = 0, H = 0;
    size_t pos = 0;
    char *word = NULL;
    size_t word_cap = 0;
    char shown[44];
    int rc = parse_header(path, buf, len, &pos, &V, &H, err);
    if (rc) goto fail;
    /* A record takes at least 4H + 2 bytes (a 1-byte word, the space, the floats). */
    if ((double)V * (4.0 * H + 2.0) > (double)(len - pos)) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                       "%s:1: header says V=%d words of H=%d values, more than the file's %zu bytes can hold",
                       path, V, H, len);
        goto fail;
    }
    tensor_init_2d(W, V, H);
    const size_t row_bytes = 4 * (size_t)H;
    int newline_ends = -1;  /* record 1 ended with a newline (1) or not (0) */

    for (int r = 0; r < V; r++) {
        const int rec = r + 1;
        if (pos >= len) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:record %d: the file ends after %d of the header's V=%d records",
                           path, rec, r, V);
            goto fail;
        }
        /* The word: the bytes up to a space, none of them whitespace or NUL. */
        size_t stop = pos;
        while (stop < len && buf[stop] != ' ' && buf[stop] != '\n' && buf[stop] != '\0' &&
               !text_is_blank(buf[stop]))
            stop++;
        const size_t word_len = stop - pos;
        text_quote(shown, sizeof shown, buf + pos, word_len);
        if (stop >= len) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:record %d: the file ends in the word '%s' (truncated?)", path,
                           rec, shown);
            goto fail;
        }
        const char *hint = rec > 1 ? " (does the header's H match the data?)" : "";
        if (word_len == 0 && buf[stop] == ' ') {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:record %d: empty word (a space at offset %zu)", path, rec,
                           stop);
            goto fail;
        }
        if (word_len == 0) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:record %d: expected a word, found byte 0x%02x at offset %zu%s",
                           path, rec, (unsigned)(unsigned char)buf[stop], stop, hint);
            goto fail;
        }
        if (buf[stop] != ' ') {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                           "%s:record %d: no space after the word '%s': byte 0x%02x at offset %zu%s", path, rec,
                           shown, (unsigned)(unsigned char)buf[stop], stop, hint);
            goto fail;
        }
        if (word_len + 1 > word_cap) {
            word_cap = 2 * (word_len + 1);
            word = dlfs_realloc(word, word_cap);
        }
        memcpy(word, buf + pos, word_len);
        word[word_len] = '\0';
        const int32_t seen = vocab_get(vocab, word);
        if (seen >= 0) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:record %d: word '%s' repeats record %d", path, rec, shown,
                           (int)seen + 1);
            goto fail;
        }
        pos = stop + 1;

        /* The values. */
        if (len - pos < row_bytes) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                           "%s:record %d: the file ends %zu bytes into the %zu bytes of '%s''s H=%d float32 values "
                           "(truncated?)",
                           path, rec, len - pos, row_bytes, shown, H);
            goto fail;
        }
        const unsigned char *bytes = (const unsigned char *)buf + pos;
        float *row = W->data + (size_t)r * (size_t)H;
        for (int j = 0; j < H; j++) {
            row[j] = get_f32_le(bytes + 4 * (size_t)j);
            if (!isfinite(row[j])) {
                rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s:record %d: value %d of '%s' is not a finite float32 (%g)",
                               path, rec, j + 1, shown, (double)row[j]);
                goto fail;
            }
        }
        pos += row_bytes;

        /* The record's end: '\n' or "\r\n", or nothing in very old word2vec.c files. */
        int newline = 0;
        if (pos < len && buf[pos] == '\n') {
            pos += 1;
            newline = 1;
        } else if (len - pos >= 2 && buf[pos] == '\r' && buf[pos + 1] == '\n') {
            pos += 2;
            newline = 1;
        }
        if (newline_ends < 0) {
            newline_ends = newline;
        } else if (newline_ends && !newline && pos < len) {
            rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                           "%s:record %d: no newline after the values of '%s', though record 1 has one (does the "
                           "header's H=%d match the data?)",
                           path, rec, shown, H);
            goto fail;
        }
        vocab_add(vocab, word);
    }
    if (pos < len) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT,
                       "%s:record %d: %zu more bytes after the header's V=%d records (does the header match the "
                       "data?)",
                       path, V + 1, len - pos, V);
        goto fail;
    }
    free(word);
    return DLFS_OK;

fail:
    free(word);
    clear_outputs(vocab, W);
    return rc;
}

/* Reads the file at path whole and parses it as format: the two readers' shared front end. */
static int load_as(const char *path, VectorsFormat format, Vocab *vocab, Tensor *W, DlfsError *err)
{
    DLFS_ASSERT(vocab->size == 0);
    memset(W, 0, sizeof *W);
    char *buf = NULL;
    size_t len = 0;
    int rc = read_whole_file(path, &buf, &len, err);
    if (rc) return rc;
    rc = format == VECTORS_BINARY ? parse_binary(path, buf, len, vocab, W, err)
                                  : parse_text(path, buf, len, vocab, W, err);
    free(buf);
    return rc;
}

int vectors_load_text(const char *path, Vocab *vocab, Tensor *W, DlfsError *err)
{
    return load_as(path, VECTORS_TEXT, vocab, W, err);
}

int vectors_load_binary(const char *path, Vocab *vocab, Tensor *W, DlfsError *err)
{
    return load_as(path, VECTORS_BINARY, vocab, W, err);
}

/*
 * A byte a text file's numbers and separators may be made of: what strtof
 * reads (digits, sign, point, exponent, "nan", "inf", "infinity", hex
 * floats like "0x1p-3"; letters in either case) and blanks.
 */
static int is_number_text(unsigned char c)
{
    return (c != '\0' && strchr("0123456789+-.aAbBcCdDeEfFiInNpPtTxXyY", c)) || text_is_blank((char)c);
}

/* The format the file looks like, from its first record after the header (at buf[pos]): the rule in vectors.h. */
static VectorsFormat guess_format(const char *buf, size_t len, size_t pos, int H)
{
    if (memchr(buf, '\0', len)) return VECTORS_BINARY;  /* never in text */
    while (pos < len && buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n') pos++;
    if (pos >= len || buf[pos] == '\n') return VECTORS_TEXT;  /* no space: not binary; the text reader says why */
    pos++;
    const size_t n = len - pos < 4 * (size_t)H ? len - pos : 4 * (size_t)H;
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)buf[pos + i];
        if (c == '\n') break;
        if (!is_number_text(c)) return VECTORS_BINARY;
    }
    return VECTORS_TEXT;
}

int vectors_load(const char *path, Vocab *vocab, Tensor *W, DlfsError *err)
{
    DLFS_ASSERT(vocab->size == 0);
    memset(W, 0, sizeof *W);
    char *buf = NULL;
    size_t len = 0;
    int rc = read_whole_file(path, &buf, &len, err);
    if (rc) return rc;

    size_t pos = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    int V, H;
    rc = parse_header(path, buf, len, &pos, &V, &H, err);  /* the same in both formats */
    if (rc) goto done;
    /* The first reader's error is the one reported; the other's is dropped. */
    DlfsError first = {0}, other = {0};
    if (guess_format(buf, len, pos, H) == VECTORS_BINARY) {
        rc = parse_binary(path, buf, len, vocab, W, &first);
        if (rc == DLFS_ERR_FORMAT && parse_text(path, buf, len, vocab, W, &other) == DLFS_OK) rc = DLFS_OK;
    } else {
        rc = parse_text(path, buf, len, vocab, W, &first);
        if (rc == DLFS_ERR_FORMAT) {
            /* The text reader cut buf up: read the file again for the binary one. */
            free(buf);
            buf = NULL;
            if (read_whole_file(path, &buf, &len, &other) == DLFS_OK &&
                parse_binary(path, buf, len, vocab, W, &other) == DLFS_OK)
                rc = DLFS_OK;
        }
    }
    if (rc != DLFS_OK && err) *err = first;
done:
    free(buf);
    return rc;
}
