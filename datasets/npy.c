/*
 * npy.c — 2-D float32 arrays in NumPy's .npy format (see npy.h), after
 * numpy/lib/format.py: _write_array_header / _wrap_header for writing,
 * read_array_header_1_0 / _2_0 for reading. Python's ast.literal_eval of the
 * header dict is replaced by a parser of just the dicts NumPy writes.
 */
#include "datasets/npy.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/fs.h"
#include "datasets/f32le.h"

#define NPY_MAGIC "\x93NUMPY"
enum {
    NPY_MAGIC_LEN = 6,
    NPY_ALIGN = 64,             /* numpy.lib.format.ARRAY_ALIGN */
    NPY_GROWTH_DIGITS = 21,     /* numpy.lib.format.GROWTH_AXIS_MAX_DIGITS */
    NPY_MAX_HEADER = 1 << 20,   /* larger headers are refused before parsing */
};

int npy_save_float32_2d(const char *path, const float *data, int rows, int cols, DlfsError *err)
{
    DLFS_ASSERT(rows >= 1 && cols >= 1);

    /* The header NumPy writes: the dict, spare room for shape[0] to grow to 21 digits, then spaces and '\n' up
     * to a multiple of 64 bytes counted from the start of the file. */
    char header[256];
    int n = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows,
                     cols);
    const int rows_digits = snprintf(NULL, 0, "%d", rows);
    for (int k = 0; k < NPY_GROWTH_DIGITS - rows_digits; k++) header[n++] = ' ';
    const int prefix = NPY_MAGIC_LEN + 2 + 2;  /* magic, version, uint16 length */
    const int pad = NPY_ALIGN - (prefix + n + 1) % NPY_ALIGN;
    for (int k = 0; k < pad; k++) header[n++] = ' ';
    header[n++] = '\n';
    DLFS_ASSERT(n < (int)sizeof header && (prefix + n) % NPY_ALIGN == 0);

    AtomicFile af;
    int rc = atomic_file_open(&af, path, err);
    if (rc) return rc;
    const unsigned char lead[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 0xFF),
                                    (unsigned char)(n >> 8)};
    fwrite(lead, 1, sizeof lead, af.fp);
    fwrite(header, 1, (size_t)n, af.fp);
    const size_t row_bytes = 4 * (size_t)cols;
    unsigned char *bytes = dlfs_malloc(row_bytes);
    for (int i = 0; i < rows && !ferror(af.fp); i++) {
        const float *row = data + (size_t)i * (size_t)cols;
        for (int j = 0; j < cols; j++) put_f32_le(row[j], bytes + 4 * (size_t)j);
        fwrite(bytes, 1, row_bytes, af.fp);
    }
    free(bytes);
    return atomic_file_commit(&af, err);
}

/* ---- reading the header dict ------------------------------------------------ */

/* A cursor over the NUL-terminated header text; why holds the first complaint. */
typedef struct Scan {
    const char *p;
    char why[160];
} Scan;

static void skip_space(Scan *s)
{
    while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r') s->p++;
}

/* Consumes c after optional space, or records what was found instead. */
static int accept(Scan *s, char c, const char *what)
{
    skip_space(s);
    if (*s->p == c) {
        s->p++;
        return 1;
    }
    if (!s->why[0]) snprintf(s->why, sizeof s->why, "expected %s, found '%.12s'", what, s->p);
    return 0;
}

/* A Python string literal in single or double quotes, without escapes, into out. */
static int scan_string(Scan *s, char *out, size_t size)
{
    skip_space(s);
    const char quote = *s->p;
    if (quote != '\'' && quote != '"') {
        snprintf(s->why, sizeof s->why, "expected a quoted string, found '%.12s'", s->p);
        return 0;
    }
    const char *start = ++s->p;
    while (*s->p && *s->p != quote && *s->p != '\\') s->p++;
    if (*s->p != quote || (size_t)(s->p - start) >= size) {
        snprintf(s->why, sizeof s->why, "bad string at '%.12s'", start - 1);
        return 0;
    }
    memcpy(out, start, (size_t)(s->p - start));
    out[s->p - start] = '\0';
    s->p++;
    return 1;
}

/* A non-negative Python int (an old "L" suffix allowed) up to INT_MAX; an axis of 0 is read and refused later. */
static int scan_int(Scan *s, long long *out)
{
    skip_space(s);
    if (*s->p < '0' || *s->p > '9') {
        snprintf(s->why, sizeof s->why, "expected an integer, found '%.12s'", s->p);
        return 0;
    }
    long long v = 0;
    while (*s->p >= '0' && *s->p <= '9') {
        if (v <= (long long)INT_MAX) v = v * 10 + (*s->p - '0');
        s->p++;
    }
    if (*s->p == 'L') s->p++;
    *out = v;
    return 1;
}

/* The parts of the header dict that matter. */
typedef struct NpyHeader {
    char descr[32];
    int fortran_order;      /* -1: missing */
    int ndim;               /* -1: missing */
    long long shape[8];     /* (ndim,), each <= INT_MAX + 9 (larger values are cut off there) */
    int have_descr;
} NpyHeader;

/* A shape tuple "(a, b, ...)", "(a,)" or "()". */
static int scan_shape(Scan *s, NpyHeader *h)
{
    if (!accept(s, '(', "'(' starting the shape")) return 0;
    h->ndim = 0;
    skip_space(s);
    while (*s->p != ')') {
        long long v;
        if (!scan_int(s, &v)) return 0;
        if (h->ndim >= (int)(sizeof h->shape / sizeof h->shape[0])) {
            snprintf(s->why, sizeof s->why, "shape has more than %d axes", (int)(sizeof h->shape / sizeof h->shape[0]));
            return 0;
        }
        h->shape[h->ndim++] = v;
        skip_space(s);
        if (*s->p == ',') {
            s->p++;
            skip_space(s);
        } else if (*s->p != ')') {
            snprintf(s->why, sizeof s->why, "expected ',' or ')' in the shape, found '%.12s'", s->p);
            return 0;
        }
    }
    s->p++;
    return 1;
}

/* The dict NumPy writes: {'descr': STR, 'fortran_order': BOOL, 'shape': TUPLE}, in any order. */
static int scan_dict(Scan *s, NpyHeader *h)
{
    *h = (NpyHeader){.fortran_order = -1, .ndim = -1};
    if (!accept(s, '{', "'{'")) return 0;
    for (;;) {
        skip_space(s);
        if (*s->p == '}') break;
        char key[32];
        if (!scan_string(s, key, sizeof key) || !accept(s, ':', "':' after a key")) return 0;
        skip_space(s);
        if (strcmp(key, "descr") == 0) {
            if (!scan_string(s, h->descr, sizeof h->descr)) return 0;
            h->have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (strncmp(s->p, "False", 5) == 0) {
                h->fortran_order = 0;
                s->p += 5;
            } else if (strncmp(s->p, "True", 4) == 0) {
                h->fortran_order = 1;
                s->p += 4;
            } else {
                snprintf(s->why, sizeof s->why, "fortran_order is '%.12s', expected True or False", s->p);
                return 0;
            }
        } else if (strcmp(key, "shape") == 0) {
            if (!scan_shape(s, h)) return 0;
        } else {
            snprintf(s->why, sizeof s->why, "unexpected key '%s'", key);
            return 0;
        }
        skip_space(s);
        if (*s->p == ',') {
            s->p++;
        } else if (*s->p != '}') {
            snprintf(s->why, sizeof s->why, "expected ',' or '}' after a value, found '%.12s'", s->p);
            return 0;
        }
    }
    s->p++;
    skip_space(s);
    if (*s->p) {
        snprintf(s->why, sizeof s->why, "'%.12s' after the dict", s->p);
        return 0;
    }
    const char *missing = !h->have_descr ? "descr" : h->fortran_order < 0 ? "fortran_order" : h->ndim < 0 ? "shape" : NULL;
    if (missing) {
        snprintf(s->why, sizeof s->why, "no '%s' key", missing);
        return 0;
    }
    return 1;
}

/* "(2, 3)" for a message. */
static void format_shape(const NpyHeader *h, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "(");
    for (int i = 0; i < h->ndim && n < size; i++)
        n += (size_t)snprintf(out + n, size - n, i ? ", %lld" : "%lld", h->shape[i]);
    if (n < size) snprintf(out + n, size - n, h->ndim == 1 ? ",)" : ")");
}

int npy_load_float32_2d(const char *path, Tensor *out, DlfsError *err)
{
    memset(out, 0, sizeof *out);
    char *buf = NULL, *text = NULL;
    size_t len = 0;
    int rc = read_whole_file(path, &buf, &len, err);
    if (rc) return rc;
    const unsigned char *b = (const unsigned char *)buf;

    if (len < NPY_MAGIC_LEN + 2 || memcmp(buf, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: not a .npy file (no \\x93NUMPY magic)", path);
        goto fail;
    }
    const int major = b[6], minor = b[7];
    size_t start, header_len;
    if (major == 1 && minor == 0 && len >= 10) {
        header_len = (size_t)b[8] | (size_t)b[9] << 8;
        start = 10;
    } else if ((major == 2 || major == 3) && minor == 0 && len >= 12) {
        header_len = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
        start = 12;
    } else if (major >= 1 && major <= 3 && minor == 0) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: the file ends in the header length (%zu bytes)", path, len);
        goto fail;
    } else {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: unknown .npy format version %d.%d (1.0, 2.0, 3.0 are read)", path,
                       major, minor);
        goto fail;
    }
    if (header_len > len - start) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: header of %zu bytes runs past the end of the file (%zu bytes)",
                       path, header_len, len);
        goto fail;
    }
    if (header_len == 0 || header_len > NPY_MAX_HEADER || buf[start + header_len - 1] != '\n') {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: header of %zu bytes does not end in a newline", path, header_len);
        goto fail;
    }
    text = dlfs_malloc(header_len + 1);
    memcpy(text, buf + start, header_len);
    text[header_len] = '\0';
    if (strlen(text) != header_len) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: header holds a NUL byte", path);
        goto fail;
    }

    Scan s = {.p = text};
    NpyHeader h;
    if (!scan_dict(&s, &h)) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: bad header dict: %s", path, s.why);
        goto fail;
    }
    if (strcmp(h.descr, "<f4") != 0) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: descr '%s' is not '<f4' (little-endian float32)", path, h.descr);
        goto fail;
    }
    if (h.fortran_order) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: fortran_order is True; only C order (row-major) is read", path);
        goto fail;
    }
    char shape[128];
    format_shape(&h, shape, sizeof shape);
    if (h.ndim != 2) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: shape %s is not 2-D", path, shape);
        goto fail;
    }
    if (h.shape[0] < 1 || h.shape[1] < 1 || h.shape[0] > INT_MAX || h.shape[1] > INT_MAX) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: shape %s: each axis must be in [1, %d]", path, shape, INT_MAX);
        goto fail;
    }
    const size_t data_start = start + header_len;
    const size_t have = len - data_start;
    const double need = 4.0 * (double)h.shape[0] * (double)h.shape[1];
    if ((double)have < need) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: %zu bytes of data, shape %s float32 needs %.0f (truncated?)", path,
                       have, shape, need);
        goto fail;
    }
    if ((double)have > need) {
        rc = dlfs_fail(err, DLFS_ERR_FORMAT, "%s: %zu bytes of data, %zu more than shape %s float32 needs", path,
                       have, have - (size_t)need, shape);
        goto fail;
    }
    tensor_init_2d(out, (int)h.shape[0], (int)h.shape[1]);
    for (size_t k = 0; k < out->size; k++) out->data[k] = get_f32_le(b + data_start + 4 * k);
    free(text);
    free(buf);
    return DLFS_OK;

fail:
    free(text);
    free(buf);
    tensor_free(out);
    return rc;
}
