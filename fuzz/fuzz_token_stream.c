/*
 * fuzz_token_stream.c — libFuzzer target for the streamed tokenizer
 * (datasets/token_stream.h) with small chunks, checked against
 * corpus_load_file_flags (datasets/ptb.h: the same stream with its default
 * chunk, which holds any fuzz input whole), which fuzz_corpus checks
 * against a reference of its own. The first input byte chooses the chunk
 * (bits 0-3: 1..15 bytes, or 0 for the default), folding to lower case
 * (bit 4) and a gzip reading (bit 5); the rest is the corpus:
 *   - the stream fails exactly when the loader does, with a
 *     format error naming the file in one line; with the default chunk
 *     (which holds any fuzz input) the message is the same, except for
 *     input that begins with gzip's magic bytes 1f 8b (never UTF-8 text),
 *     which the stream reads as gzip data;
 *   - otherwise it yields the same tokens;
 *   - the corpus compressed with zlib reads the same through the stream;
 *   - the corpus read as if it were gzip data (bit 5) fails only with a
 *     format error (never a crash or a hang), or reads as text when zlib
 *     finds no gzip header.
 * Crashes, leaks and undefined behaviour are reported by the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "datasets/ptb.h"
#include "datasets/token_stream.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stream's reading of path as ids into vocab (first appearance); returns the status. */
static int stream(const char *path, unsigned flags, size_t chunk, Int32Array *out, Vocab *vocab, DlfsError *err)
{
    TokenStream s;
    int rc = token_stream_open(&s, path, flags, chunk, err);
    FUZZ_CHECK(rc == DLFS_OK);
    size_t cap = 64, n = 0;
    int32_t *ids = malloc(cap * sizeof *ids);
    FUZZ_CHECK(ids != NULL);
    const char *w;
    size_t len;
    while ((rc = token_stream_next(&s, &w, &len, err)) == 1) {
        FUZZ_CHECK(len >= 1 && len <= CORPUS_MAX_WORD_BYTES && strlen(w) == len);
        if (n == cap) {
            ids = realloc(ids, (cap *= 2) * sizeof *ids);
            FUZZ_CHECK(ids != NULL);
        }
        ids[n++] = vocab_add(vocab, w);
    }
    token_stream_close(&s);
    out->data = ids;
    out->size = n;
    return rc;
}

static void check_same_tokens(const Int32Array *a, const Vocab *va, const Int32Array *b, const Vocab *vb)
{
    FUZZ_CHECK(a->size == b->size);
    FUZZ_CHECK(a->size == 0 || memcmp(a->data, b->data, a->size * sizeof *a->data) == 0);
    FUZZ_CHECK(va->size == vb->size);
    for (int32_t i = 0; i < va->size; i++) FUZZ_CHECK(strcmp(vocab_word(va, i), vocab_word(vb, i)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int allowed[] = {DLFS_ERR_FORMAT, 0};
    if (size < 1) return 0;
    const size_t chunk = data[0] & 15u;
    const unsigned flags = (data[0] & 16u) ? CORPUS_LOWERCASE : 0u;
    const int as_gzip = (data[0] & 32u) != 0;
    data++;
    size--;
    const char *path = fuzz_path("corpus.txt");
    fuzz_write_file(path, data, size);

    if (as_gzip) {
        const char *gz = fuzz_path("raw.gz");
        fuzz_write_file(gz, data, size);
        Int32Array c = {0};
        Vocab v;
        vocab_init(&v);
        DlfsError err = {0};
        const int rc = stream(gz, flags, chunk, &c, &v, &err);
        if (rc != DLFS_OK) fuzz_check_error(rc, &err, gz, allowed);
        free(c.data);
        vocab_free(&v);
        return 0;
    }

    Int32Array ref = {0}, got = {0};
    Vocab vr, vg;
    vocab_init(&vr);
    vocab_init(&vg);
    DlfsError er = {0}, eg = {0};
    const int rr = corpus_load_file_flags(path, flags, &ref, &vr, &er);
    const int rg = stream(path, flags, chunk, &got, &vg, &eg);
    FUZZ_CHECK((rr == DLFS_OK) == (rg == DLFS_OK));
    if (rg != DLFS_OK) {
        fuzz_check_error(rg, &eg, path, allowed);
        /* (text beginning with gzip's magic 1f 8b, never UTF-8, is read as gzip data) */
        const int gzip_magic = size >= 2 && data[0] == 0x1F && data[1] == 0x8B;
        if (chunk == 0 && !gzip_magic) FUZZ_CHECK(strcmp(er.msg, eg.msg) == 0);
    } else {
        check_same_tokens(&ref, &vr, &got, &vg);
    }
    free(got.data);
    vocab_free(&vg);

    /* the same corpus gzip-compressed */
    const char *gz = fuzz_path("corpus.txt.gz");
    gzFile f = gzopen(gz, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(size == 0 || gzwrite(f, data, (unsigned)size) == (int)size);
    FUZZ_CHECK(gzclose(f) == Z_OK);
    vocab_init(&vg);
    const int rz = stream(gz, flags, chunk, &got, &vg, &eg);
    FUZZ_CHECK((rz == DLFS_OK) == (rr == DLFS_OK));
    if (rz != DLFS_OK) fuzz_check_error(rz, &eg, gz, allowed);
    else check_same_tokens(&ref, &vr, &got, &vg);
    free(got.data);
    vocab_free(&vg);
    int32_array_free(&ref);
    vocab_free(&vr);
    return 0;
}
