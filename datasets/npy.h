/*
 * npy.h — 2-D float32 arrays in NumPy's .npy format, the file numpy.save
 * writes and numpy.load reads (numpy/lib/format.py, format version 1.0):
 *
 *     "\x93NUMPY" 0x01 0x00           magic and version 1.0
 *     HEADER_LEN                      uint16, little-endian
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (R, C), }
 *                                     ASCII, padded with spaces and a final
 *                                     '\n' to a multiple of 64 bytes in all
 *     R·C float32, little-endian, row-major (C order)
 *
 * It lets the weights of a trained model (W_in, W_out) go to NumPy as they
 * are; the textbook pickles them (ch04/train.py) instead.
 */
#ifndef DLFS2_DATASETS_NPY_H
#define DLFS2_DATASETS_NPY_H

#include "../common/api.h"
#include "../common/status.h"
#include "../common/tensor.h"

DLFS2_API_BEGIN

/*
 * Writes data (rows, cols) float32, row-major, to path as a version 1.0
 * .npy file whose header is byte for byte what numpy.save writes for
 * such an array (NumPy 1.24: the dict in sorted key order, then spaces that
 * leave room for the first axis to grow to 21 digits, then padding to 64
 * bytes and '\n'). rows, cols >= 1 (contract). Values are written as they
 * are, NaN and infinities included. The file is written to path.tmp,
 * flushed and renamed (common/fs.h AtomicFile), so an existing file at path
 * survives a failure. Errors: DLFS_ERR_IO (the message names the path).
 */
int npy_save_float32_2d(const char *path, const float *data, int rows, int cols,
                        DlfsError *err) DLFS_WARN_UNUSED;

/*
 * Reads a .npy file holding a 2-D little-endian float32 C-order array into
 * out, which it allocates as (rows, cols) (free with tensor_free; out must
 * not own data on entry). Reads format versions 1.0, 2.0 and 3.0 (a 4-byte
 * header length), any header alignment, the dict's keys in any order with
 * either quote, and a trailing comma or none. Errors: DLFS_ERR_IO (cannot
 * open), DLFS_ERR_FORMAT ("path: ..."): not a .npy file (wrong magic), an
 * unknown version, a header running past the end of the file or not ending
 * in '\n', a header that is not such a dict, a descr other than '<f4', a
 * fortran_order other than False, a shape that is not 2-D or has an axis
 * of 0 or more than INT_MAX, fewer data bytes than the shape needs
 * (truncated) or more. On failure out is left empty.
 */
int npy_load_float32_2d(const char *path, Tensor *out, DlfsError *err) DLFS_WARN_UNUSED;

DLFS2_API_END

#endif
