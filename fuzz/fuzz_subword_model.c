/*
 * fuzz_subword_model.c — libFuzzer target for subword_model_parse
 * (recipe/subword_model.h), the reader behind `dlfs2 vector`,
 * `similar --model` and `analogy --model`.
 *
 * Each input is parsed twice: as it is (almost always stopped by the
 * CRC-32, which must then say so or name the header problem), and
 * resealed, its last 4 bytes replaced by the CRC-32 of the rest, so the
 * mutations reach the size, word, bucket and float checks. Any outcome is
 * fine but a crash, a leak, undefined behaviour or a broken promise:
 *   - failure: DLFS_ERR_FORMAT or DLFS_ERR_ARG, a one-line message, the
 *     model left zeroed;
 *   - success: the table has the file's words, W has n_rows * H finite
 *     values, and every word's vector uses at least its own row.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fuzz/fuzz_util.h"
#include "recipe/subword_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_and_check(const uint8_t *data, size_t size)
{
    SubwordModel m;
    DlfsError err = {0};
    const int rc = subword_model_parse(&m, data, size, "input", &err);
    if (rc != DLFS_OK) {
        FUZZ_CHECK(rc == DLFS_ERR_FORMAT || rc == DLFS_ERR_ARG);
        FUZZ_CHECK(err.status == rc && err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
        FUZZ_CHECK(m.W == NULL && m.vocab.size == 0 && m.table.rows == NULL && m.H == 0);
        return;
    }
    FUZZ_CHECK(m.H >= 1 && m.vocab.size >= 1 && m.table.V == m.vocab.size);
    FUZZ_CHECK(m.table.n_rows == m.table.V + m.table.n_used);
    const size_t n = (size_t)m.table.n_rows * (size_t)m.H;
    for (size_t i = 0; i < n; i++) FUZZ_CHECK(isfinite(m.W[i]));
    float *out = malloc((size_t)m.H * sizeof *out);
    FUZZ_CHECK(out != NULL);
    for (int32_t id = 0; id < m.vocab.size && id < 64; id++) {
        FUZZ_CHECK(vocab_word(&m.vocab, id)[0] != '\0');
        FUZZ_CHECK(subword_model_vector(&m, vocab_word(&m.vocab, id), out) >= 1);
    }
    free(out);
    subword_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_and_check(data, size);
    if (size < 8) return 0;
    uint8_t *sealed = malloc(size);
    FUZZ_CHECK(sealed != NULL);
    memcpy(sealed, data, size);
    const uint32_t crc = (uint32_t)crc32(0, sealed, (uInt)(size - 4));
    for (int i = 0; i < 4; i++) sealed[size - 4 + i] = (uint8_t)(crc >> (8 * i));
    parse_and_check(sealed, size);
    free(sealed);
    return 0;
}
