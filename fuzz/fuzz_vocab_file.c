/*
 * fuzz_vocab_file.c — libFuzzer target for the vocabulary file reader
 * (datasets/vocab_file.h vocab_file_read, behind `dlfs2 train --vocab`).
 * Each input is read without and with the count-order check:
 *   - a failure is a format error, one line naming the file, with the
 *     vocabulary left empty;
 *   - a success gives at least one word, each its own id (no duplicates),
 *     each valid UTF-8 of 1..CORPUS_MAX_WORD_BYTES bytes without blanks,
 *     counts >= 0, and with the check no count above the one before (the
 *     first line excepted when it is <eos>); a file the check accepts the
 *     plain reading accepts too;
 *   - written back (vocab_file_write) and read again, it gives the same
 *     words and counts, and the written file is in the canonical form.
 * Crashes, leaks and undefined behaviour are reported by the sanitizers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/textfile.h"
#include "datasets/ptb.h"
#include "datasets/vocab_file.h"
#include "fuzz/fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_read(const Vocab *v, const int64_t *c, unsigned flags)
{
    FUZZ_CHECK(v->size >= 1);
    for (int32_t i = 0; i < v->size; i++) {
        const char *w = vocab_word(v, i);
        const size_t len = strlen(w);
        FUZZ_CHECK(len >= 1 && len <= CORPUS_MAX_WORD_BYTES);
        FUZZ_CHECK(text_utf8_bad_offset(w, len) == len);
        for (size_t k = 0; k < len; k++) FUZZ_CHECK(!text_is_blank(w[k]) && w[k] != '\n');
        FUZZ_CHECK(vocab_get(v, w) == i);
        FUZZ_CHECK(c[i] >= 0);
        if ((flags & VOCAB_FILE_COUNT_ORDER) && i >= 1 && !(i == 1 && strcmp(vocab_word(v, 0), "<eos>") == 0))
            FUZZ_CHECK(c[i] <= c[i - 1]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int allowed[] = {DLFS_ERR_FORMAT, 0};
    const char *path = fuzz_path("vocab.txt");
    const char *again = fuzz_path("again.txt");
    fuzz_write_file(path, data, size);
    int ok_plain = 0;
    for (unsigned flags = 0; flags <= VOCAB_FILE_COUNT_ORDER; flags += VOCAB_FILE_COUNT_ORDER) {
        Vocab v;
        vocab_init(&v);
        int64_t *c = NULL;
        DlfsError err = {0};
        const int rc = vocab_file_read(path, flags, &v, &c, &err);
        if (rc != DLFS_OK) {
            fuzz_check_error(rc, &err, path, allowed);
            FUZZ_CHECK(v.size == 0 && c == NULL);
            FUZZ_CHECK(flags == 0 || !ok_plain || strstr(err.msg, "not in count order") != NULL);
            vocab_free(&v);
            continue;
        }
        if (flags == 0) ok_plain = 1;
        FUZZ_CHECK(ok_plain);
        check_read(&v, c, flags);
        /* the round trip */
        int32_t *ids = malloc((size_t)v.size * sizeof *ids);
        FUZZ_CHECK(ids != NULL);
        for (int32_t i = 0; i < v.size; i++) ids[i] = i;
        FUZZ_CHECK(vocab_file_write(again, &v, c, ids, v.size, &err) == DLFS_OK);
        Vocab r;
        vocab_init(&r);
        int64_t *rc2 = NULL;
        FUZZ_CHECK(vocab_file_read(again, flags, &r, &rc2, &err) == DLFS_OK);
        FUZZ_CHECK(r.size == v.size);
        for (int32_t i = 0; i < v.size; i++) {
            FUZZ_CHECK(strcmp(vocab_word(&r, i), vocab_word(&v, i)) == 0);
            FUZZ_CHECK(rc2[i] == c[i]);
        }
        free(rc2);
        vocab_free(&r);
        free(ids);
        free(c);
        vocab_free(&v);
    }
    return 0;
}
