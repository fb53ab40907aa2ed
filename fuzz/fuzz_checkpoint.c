/*
 * fuzz_checkpoint.c — libFuzzer target for checkpoint_parse
 * (training/checkpoint.h), the reader behind `dlfs2 train --resume`.
 *
 * Each input is parsed twice: as it is (almost always stopped by the
 * SHA-256 check, which must then say "checksum mismatch" or name the
 * header problem), and resealed, its last 32 bytes replaced by the SHA-256
 * of the rest, so the mutations reach the section parsers. Any outcome is
 * fine but a crash, a leak, undefined behaviour or a broken promise:
 *   - failure: DLFS_ERR_FORMAT or DLFS_ERR_CHECKSUM, a one-line message, and
 *     the Checkpoint left empty;
 *   - success: every count matches what was read: the shuffle order is a
 *     permutation, each tensor's size is the product of its shape and all
 *     its values are finite, the words are non-empty strings.
 */
#include <math.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "training/checkpoint.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tensors(const CheckpointTensor *t, int n)
{
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(t[i].name != NULL && t[i].ndim >= 1 && t[i].ndim <= TENSOR_MAX_DIMS);
        size_t size = 1;
        for (int d = 0; d < t[i].ndim; d++) {
            FUZZ_CHECK(t[i].shape[d] >= 1);
            size *= (size_t)t[i].shape[d];
        }
        FUZZ_CHECK(size == t[i].size);
        for (size_t k = 0; k < size; k++) FUZZ_CHECK(isfinite(t[i].data[k]));
    }
}

static void parse_and_check(const uint8_t *data, size_t size)
{
    Checkpoint c;
    DlfsError err = {0};
    const int rc = checkpoint_parse(data, size, &c, &err);
    if (rc != DLFS_OK) {
        FUZZ_CHECK(rc == DLFS_ERR_FORMAT || rc == DLFS_ERR_CHECKSUM);
        FUZZ_CHECK(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
        FUZZ_CHECK(c.params == NULL && c.state == NULL && c.perm == NULL && c.words == NULL &&
                   c.argv == NULL && c.loss_list == NULL);
        checkpoint_free(&c);
        return;
    }
    uint8_t *seen = calloc(c.perm_size ? c.perm_size : 1, 1);
    FUZZ_CHECK(seen != NULL);
    for (size_t i = 0; i < c.perm_size; i++) {
        FUZZ_CHECK(c.perm[i] >= 0 && (size_t)c.perm[i] < c.perm_size && !seen[c.perm[i]]);
        seen[c.perm[i]] = 1;
    }
    free(seen);
    for (int i = 0; i < c.n_words; i++) FUZZ_CHECK(c.words[i] != NULL && c.words[i][0] != '\0');
    for (int i = 0; i < c.argc; i++) FUZZ_CHECK(c.argv[i] != NULL);
    check_tensors(c.params, c.n_params);
    check_tensors(c.state, c.n_state);
    checkpoint_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_and_check(data, size);
    if (size < 56) return 0;   /* no room for a header and a checksum */
    uint8_t *sealed = malloc(size);
    FUZZ_CHECK(sealed != NULL);
    memcpy(sealed, data, size);
    unsigned int len = 0;
    FUZZ_CHECK(EVP_Digest(sealed, size - 32, sealed + size - 32, &len, EVP_sha256(), NULL) == 1);
    parse_and_check(sealed, size);
    free(sealed);
    return 0;
}
