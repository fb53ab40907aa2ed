/*
 * test_npy.c — 2-D float32 .npy files (datasets/npy.h): the header bytes
 * exactly as numpy.save writes them, 64-byte alignment for many shapes, a
 * bit-exact round trip, the header variants other NumPy versions and
 * writers produce, one malformed file per error, and saves that fail
 * without touching the file already there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datasets/npy.h"
#include "tests/testutil.h"

/*
 * numpy.save(f, numpy.arange(6, dtype='<f4').reshape(2, 3)), byte for byte
 * (NumPy 1.24.2): magic, version 1.0, header length 118 ('v', 0), the dict,
 * 20 spaces of room for shape[0] to grow to 21 digits and 38 of padding to
 * 128 bytes, '\n', then 0..5 as little-endian float32.
 */
static const char numpy_2x3[] =
    "\x93NUMPY\x01\x00" "v\x00"
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    "                    "                   /* 20 */
    "                                      " /* 38 */
    "\n"
    "\x00\x00\x00\x00" "\x00\x00\x80\x3f" "\x00\x00\x00\x40"
    "\x00\x00\x40\x40" "\x00\x00\x80\x40" "\x00\x00\xa0\x40";

/* The header bytes (and the data) are numpy.save's for a (2, 3) float32 array. */
static void test_header_bytes_as_numpy(void **state)
{
    TestTmpdir *f = *state;
    const float data[6] = {0, 1, 2, 3, 4, 5};
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "a.npy"));
    DlfsError err = {0};
    assert_int_equal(npy_save_float32_2d(path, data, 2, 3, &err), DLFS_OK);
    size_t len;
    unsigned char *bytes = test_read_bytes(path, &len);
    assert_int_equal(sizeof numpy_2x3 - 1, 128 + 24);  /* the literal itself */
    assert_int_equal(len, sizeof numpy_2x3 - 1);
    assert_memory_equal(bytes, numpy_2x3, len);
    free(bytes);
    assert_false(test_path_exists(test_tmpdir_path(f, "a.npy.tmp")));
}

/* Header length and data offset for many shapes: a multiple of 64, and NumPy's layout rule. */
static void test_alignment_and_round_trip(void **state)
{
    TestTmpdir *f = *state;
    static const int shapes[][2] = {{1, 1}, {2, 3}, {7, 12345}, {10000, 100}, {1, 65536}, {123, 1}, {3, 1000001}};
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "a.npy"));
    uint32_t seed = 99;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        const int rows = shapes[k][0], cols = shapes[k][1];
        const size_t n = (size_t)rows * (size_t)cols;
        float *data = malloc(n * sizeof *data);
        assert_non_null(data);
        /* Random bits: every float32, NaN payloads and infinities included, must come back. */
        for (size_t i = 0; i < n; i++) {
            const uint32_t bits = test_xorshift32(&seed);
            memcpy(&data[i], &bits, sizeof bits);
        }
        DlfsError err = {0};
        assert_int_equal(npy_save_float32_2d(path, data, rows, cols, &err), DLFS_OK);

        size_t len;
        unsigned char *bytes = test_read_bytes(path, &len);
        const size_t header_len = (size_t)bytes[8] | (size_t)bytes[9] << 8;
        assert_int_equal((10 + header_len) % 64, 0);
        assert_int_equal(len, 10 + header_len + 4 * n);
        assert_int_equal(bytes[10 + header_len - 1], '\n');
        /* The dict, then 21 - digits(rows) spaces, then padding: only spaces up to the '\n'. */
        char dict[128];
        const int dict_len = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }",
                                      rows, cols);
        assert_memory_equal(bytes + 10, dict, (size_t)dict_len);
        const int rows_digits = snprintf(NULL, 0, "%d", rows);
        const size_t hlen = (size_t)dict_len + (size_t)(21 - rows_digits) + 1;
        assert_int_equal(header_len, hlen + (64 - (10 + hlen) % 64));
        for (size_t i = 10 + (size_t)dict_len; i < 10 + header_len - 1; i++) assert_int_equal(bytes[i], ' ');
        assert_memory_equal(bytes, "\x93NUMPY\x01\x00", 8);
        /* Little-endian data, whatever the machine. */
        const uint32_t first = (uint32_t)bytes[10 + header_len] | (uint32_t)bytes[11 + header_len] << 8 |
                               (uint32_t)bytes[12 + header_len] << 16 | (uint32_t)bytes[13 + header_len] << 24;
        uint32_t want;
        memcpy(&want, &data[0], sizeof want);
        assert_int_equal(first, want);
        free(bytes);

        Tensor T;
        if (npy_load_float32_2d(path, &T, &err) != DLFS_OK) fail_msg("(%d, %d): %s", rows, cols, err.msg);
        assert_int_equal(T.ndim, 2);
        assert_int_equal(T.shape[0], rows);
        assert_int_equal(T.shape[1], cols);
        assert_memory_equal(T.data, data, n * sizeof *data);
        tensor_free(&T);
        free(data);
    }
}

/* Writes magic, version major.0, the header (its length field as the version wants) and data. */
static void write_npy(const char *path, int major, const char *header, const void *data, size_t data_len)
{
    const size_t hlen = strlen(header);
    unsigned char *buf = malloc(12 + hlen + data_len);
    assert_non_null(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    size_t n = 8;
    buf[n++] = (unsigned char)(hlen & 0xFF);
    buf[n++] = (unsigned char)(hlen >> 8);
    if (major >= 2) {
        buf[n++] = (unsigned char)(hlen >> 16);
        buf[n++] = (unsigned char)(hlen >> 24);
    }
    memcpy(buf + n, header, hlen);
    if (data_len) memcpy(buf + n + hlen, data, data_len);
    test_write_file(path, buf, n + hlen + data_len);
    free(buf);
}

/* 0..5 as little-endian float32. */
static const char data_0_5[] = "\x00\x00\x00\x00" "\x00\x00\x80\x3f" "\x00\x00\x00\x40"
                               "\x00\x00\x40\x40" "\x00\x00\x80\x40" "\x00\x00\xa0\x40";

/* Headers from other NumPy versions and writers: versions 2.0 and 3.0, 16-byte alignment, other key order,
 * double quotes, no trailing comma, Python 2's "3L". */
static void test_load_header_variants(void **state)
{
    TestTmpdir *f = *state;
    static const struct {
        int major;
        const char *header;
    } cases[] = {
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }          \n"},
        {2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }                                    \n"},
        {3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }                                    \n"},
        {1, "{'shape': (2, 3), 'fortran_order': False, 'descr': '<f4'}\n"},
        {1, "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,3)}\n"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }\n"},
        {1, "{'descr':'<f4','fortran_order':False,'shape':( 2 , 3 , ),}\n"},
    };
    const char *path = test_tmpdir_path(f, "v.npy");
    const float want[6] = {0, 1, 2, 3, 4, 5};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        write_npy(path, cases[k].major, cases[k].header, data_0_5, sizeof data_0_5 - 1);
        Tensor T;
        DlfsError err = {0};
        if (npy_load_float32_2d(path, &T, &err) != DLFS_OK) fail_msg("case %zu: %s", k, err.msg);
        assert_int_equal(T.shape[0], 2);
        assert_int_equal(T.shape[1], 3);
        assert_memory_equal(T.data, want, sizeof want);
        tensor_free(&T);
    }
}

/* One defect per file; each is a format error naming the path, and leaves out empty. */
static void test_load_malformed(void **state)
{
    TestTmpdir *f = *state;
    static const struct {
        int major;          /* 0: write raw bytes instead */
        const char *header; /* or the raw bytes */
        size_t raw_len;
        size_t data_len;    /* bytes of data_0_5 after the header */
        const char *what;
    } cases[] = {
#define RAW(bytes, what) {0, bytes, sizeof bytes - 1, 0, what}
        RAW("", "not a .npy file"),
        RAW("\x93NUMP", "not a .npy file"),
        RAW("\x93NUMPX\x01\x00\x10\x00", "not a .npy file"),
        RAW("PK\x03\x04 a zip, maybe an .npz", "not a .npy file"),
        RAW("\x93NUMPY\x01\x00\x10", "ends in the header length"),
        RAW("\x93NUMPY\x09\x00\x10\x00", "unknown .npy format version 9.0"),
        RAW("\x93NUMPY\x01\x00\x40\x00{'descr'", "header of 64 bytes runs past the end of the file (18 bytes)"),
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }  ", 0, 24, "does not end in a newline"},
        {1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", 0, 24, "descr '<f8' is not '<f4'"},
        {1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }\n", 0, 24, "descr '>f4' is not '<f4'"},
        {1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }\n", 0, 24, "descr '|u1'"},
        {1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", 0, 24, "fortran_order is True"},
        {1, "{'descr': '<f4', 'fortran_order': Nope, 'shape': (2, 3), }\n", 0, 24, "fortran_order is 'Nope"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }\n", 0, 24, "shape (6,) is not 2-D"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }\n", 0, 24, "shape (1, 2, 3) is not 2-D"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\n", 0, 4, "shape () is not 2-D"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }\n", 0, 0, "shape (0, 3): each axis"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 99999999999), }\n", 0, 24, "each axis must be in [1,"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }\n", 0, 24, "expected an integer, found '-3"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }\n", 0, 24, "expected ',' or ')' in the shape"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), \n", 0, 24, "bad header dict"},
        {1, "{'descr': '<f4', 'fortran_order': False}\n", 0, 24, "no 'shape' key"},
        {1, "{'fortran_order': False, 'shape': (2, 3)}\n", 0, 24, "no 'descr' key"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}\n", 0, 24, "unexpected key 'x'"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} junk\n", 0, 24, "'junk\n' after the dict"},
        {1, "['<f4', False, (2, 3)]\n", 0, 24, "expected '{'"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 0, 20,
         "20 bytes of data, shape (2, 3) float32 needs 24 (truncated?)"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 0, 0,
         "0 bytes of data, shape (2, 3) float32 needs 24"},
        {1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 5), }\n", 0, 24,
         "24 bytes of data, 4 more than shape (1, 5) float32 needs"},
#undef RAW
    };
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(f, "bad.npy"));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        if (cases[k].major == 0)
            test_write_file(path, cases[k].header, cases[k].raw_len);
        else
            write_npy(path, cases[k].major, cases[k].header, data_0_5, cases[k].data_len);
        Tensor T = {0};
        DlfsError err = {0};
        const int rc = npy_load_float32_2d(path, &T, &err);
        if (rc != DLFS_ERR_FORMAT) fail_msg("case %zu: status %d (%s), expected a format error", k, rc, err.msg);
        char where[PATH_MAX + 64];
        snprintf(where, sizeof where, "%s: ", path);
        if (!strstr(err.msg, where) || !strstr(err.msg, cases[k].what))
            fail_msg("case %zu: \"%s\" lacks \"%s\" or \"%s\"", k, err.msg, where, cases[k].what);
        assert_null(T.data);
        assert_int_equal(T.size, 0);
    }
}

/* A failed save leaves the existing file alone and no temporary file behind; a missing file is an io error. */
static void test_io_errors(void **state)
{
    TestTmpdir *f = *state;
    const float data[2] = {1.0f, 2.0f};
    DlfsError err = {0};
    assert_int_equal(npy_save_float32_2d("/nonexistent-dir/a.npy", data, 1, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "/nonexistent-dir/a.npy");

    char keep[PATH_MAX + 32], keep_tmp[PATH_MAX + 40];
    snprintf(keep, sizeof keep, "%s", test_tmpdir_path(f, "keep.npy"));
    snprintf(keep_tmp, sizeof keep_tmp, "%s.tmp", keep);
    test_write_file(keep, "precious\n", 9);
    assert_int_equal(mkdir(keep_tmp, 0777), 0);
    assert_int_equal(npy_save_float32_2d(keep, data, 1, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, keep);
    size_t len;
    unsigned char *bytes = test_read_bytes(keep, &len);
    assert_int_equal(len, 9);
    assert_memory_equal(bytes, "precious\n", 9);
    free(bytes);

    /* The rename fails (path is a directory): the written path.tmp is removed. */
    char sub[PATH_MAX + 32], sub_tmp[PATH_MAX + 40];
    snprintf(sub, sizeof sub, "%s", test_tmpdir_path(f, "sub"));
    snprintf(sub_tmp, sizeof sub_tmp, "%s.tmp", sub);
    assert_int_equal(mkdir(sub, 0777), 0);
    assert_int_equal(npy_save_float32_2d(sub, data, 1, 2, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "rename");
    assert_false(test_path_exists(sub_tmp));

    Tensor T;
    assert_int_equal(npy_load_float32_2d(test_tmpdir_path(f, "none.npy"), &T, &err), DLFS_ERR_IO);
    assert_contains(err.msg, "none.npy");
    assert_null(T.data);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_tmpdir_setup, test_tmpdir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_header_bytes_as_numpy),
        T(test_alignment_and_round_trip),
        T(test_load_header_variants),
        T(test_load_malformed),
        T(test_io_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
