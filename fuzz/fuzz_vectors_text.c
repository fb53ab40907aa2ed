/*
 * fuzz_vectors_text.c — libFuzzer target for vectors_load_text
 * (datasets/vectors.h): word2vec's text format, "V H" then V lines of a
 * word and H numbers. Any outcome is fine but a crash, a leak, undefined
 * behaviour or a broken promise:
 *   - failure: a format error (never an I/O error on a readable file), one
 *     clean line naming the file, vocab and W left empty;
 *   - success: W (V, H) of finite values, V distinct words, and
 *     vectors_load (the format detected) reads the same vectors;
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
    const char *path = fuzz_path("in.txt");
    fuzz_write_file(path, data, size);

    Vocab vocab;
    vocab_init(&vocab);
    Tensor W = {0};
    DlfsError err = {0};
    const int rc = vectors_load_text(path, &vocab, &W, &err);
    if (rc != DLFS_OK) {
        fuzz_check_error(rc, &err, path, allowed);
        fuzz_check_cleared(&vocab, &W);
        return 0;
    }
    fuzz_check_vectors(&vocab, &W);

    /* What the program does with --vectors: detect the format; a valid text file is read as text. */
    Vocab v2;
    vocab_init(&v2);
    Tensor W2 = {0};
    FUZZ_CHECK(vectors_load(path, &v2, &W2, &err) == DLFS_OK);
    fuzz_check_same(&vocab, &W, &v2, &W2);
    vocab_free(&v2);
    tensor_free(&W2);

    fuzz_check_round_trip(VECTORS_TEXT, &vocab, &W);
    fuzz_check_round_trip(VECTORS_BINARY, &vocab, &W);
    vocab_free(&vocab);
    tensor_free(&W);
    return 0;
}
