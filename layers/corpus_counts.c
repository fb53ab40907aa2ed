/* corpus_counts.c — each word's count in a corpus of ids (see corpus_counts.h). */
#include "layers/corpus_counts.h"

#include <string.h>

#include "common/check.h"

int corpus_count_ids(const int32_t *corpus, size_t corpus_size, int V, int64_t *counts,
                     DlfsError *err)
{
    DLFS_ASSERT(V >= 1);
    memset(counts, 0, (size_t)V * sizeof *counts);
    for (size_t i = 0; i < corpus_size; i++) {
        const int32_t id = corpus[i];
        if (id < 0 || id >= V)
            return dlfs_fail(err, DLFS_ERR_ARG, "corpus id %d at position %zu is outside [0, %d)", id, i, V);
        counts[id]++;
    }
    return DLFS_OK;
}
