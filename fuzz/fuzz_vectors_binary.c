/*
 * fuzz_vectors_binary.c — libFuzzer target for vectors_load_binary
 * (datasets/vectors.h): word2vec's binary format, "V H\n" then V records of
 * a word, a space, H little-endian float32 and an optional newline. Any
 * outcome is fine but a crash, a leak, undefined behaviour or a broken
 * promise:
 *   - failure: a format error, one clean line naming the file, vocab and W
 *     left empty; vectors_load fails too unless the text reader takes the
 *     file;
 *   - success: W (V, H) of finite values, V distinct words; vectors_load
 *     reads it too, the same vectors unless the file is also valid text
 *     (which vectors.h says is read as text);
 *   - what was read saves in both formats and reads back bit for bit.
 */
#include <stddef.h>
#include <stdint.h>

#include "datasets/vectors.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/fuzz_vectors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int allowed[] = {DLFS_ERR_FORMAT, 0};
    const char *path = fuzz_path("in.bin");
    fuzz_write_file(path, data, size);

    Vocab vocab, v2, v3;
    vocab_init(&vocab);
    vocab_init(&v2);
    vocab_init(&v3);
    Tensor W = {0}, W2 = {0}, W3 = {0};
    DlfsError err = {0}, err2 = {0}, err3 = {0};
    const int rc = vectors_load_binary(path, &vocab, &W, &err);
    const int rc2 = vectors_load(path, &v2, &W2, &err2);
    const int rc3 = vectors_load_text(path, &v3, &W3, &err3);
    if (rc2 != DLFS_OK) {
        fuzz_check_error(rc2, &err2, path, allowed);
        fuzz_check_cleared(&v2, &W2);
    }
    if (rc3 != DLFS_OK) fuzz_check_cleared(&v3, &W3);

    if (rc != DLFS_OK) {
        fuzz_check_error(rc, &err, path, allowed);
        fuzz_check_cleared(&vocab, &W);
        /* Detection tries both readers: it succeeds exactly when one of them does. */
        FUZZ_CHECK((rc2 == DLFS_OK) == (rc3 == DLFS_OK));
    } else {
        fuzz_check_vectors(&vocab, &W);
        FUZZ_CHECK(rc2 == DLFS_OK);
        if (rc3 != DLFS_OK) fuzz_check_same(&vocab, &W, &v2, &W2);
        fuzz_check_round_trip(VECTORS_TEXT, &vocab, &W);
        fuzz_check_round_trip(VECTORS_BINARY, &vocab, &W);
    }
    if (rc2 == DLFS_OK && rc3 == DLFS_OK) fuzz_check_same(&v3, &W3, &v2, &W2);

    vocab_free(&vocab);
    vocab_free(&v2);
    vocab_free(&v3);
    tensor_free(&W);
    tensor_free(&W2);
    tensor_free(&W3);
    return 0;
}
