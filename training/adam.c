/* adam.c — the textbook's Adam (see adam.h). */
#include "training/adam.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/fpu.h"
#include "training/optimizer_span.h"

/* Below this many elements a thread team costs more than it saves. */
enum { ADAM_PARALLEL_MIN = 65536 };
/* The floats one adam_step_span call updates: the unit the threads share out. */
enum { ADAM_BLOCK = 4096 };

float adam_lr_t(float lr, float beta1, float beta2, long iter)
{
    const double t = (double)iter;
    return (float)(lr * sqrt(1.0 - pow(beta2, t)) / (1.0 - pow(beta1, t)));
}

void adam_init(Adam *self, Param *const *params, int n_params, float lr, float beta1, float beta2)
{
    DLFS_ASSERT(n_params >= 1 && lr > 0.0f);
    DLFS_ASSERT(beta1 >= 0.0f && beta1 < 1.0f && beta2 >= 0.0f && beta2 < 1.0f);
    memset(self, 0, sizeof *self);
    self->lr = lr;
    self->beta1 = beta1;
    self->beta2 = beta2;
    self->n_params = n_params;
    self->params = dlfs_malloc((size_t)n_params * sizeof *self->params);
    self->m = dlfs_calloc((size_t)n_params, sizeof *self->m);
    self->v = dlfs_calloc((size_t)n_params, sizeof *self->v);
    for (int i = 0; i < n_params; i++) {
        self->params[i] = params[i];
        tensor_init(&self->m[i], params[i]->value.ndim, params[i]->value.shape);
        tensor_init(&self->v[i], params[i]->value.ndim, params[i]->value.shape);
    }
}

void adam_free(Adam *self)
{
    for (int i = 0; i < self->n_params; i++) {
        tensor_free(&self->m[i]);
        tensor_free(&self->v[i]);
    }
    free(self->m);
    free(self->v);
    free(self->params);
    memset(self, 0, sizeof *self);
}

/*
 * The Adam pass on one block of floats, [off, off + len) of a parameter.
 * touched (the Param's row_touched, rows of row_size floats) or NULL: with
 * it, the runs of rows not touched take adam_step_span_zero_grad (their
 * gradient is zero, so it is not read), the touched rows adam_step_span;
 * the same bits either way (optimizer_span.h).
 *
 * Compiled for AVX2, AVX and the baseline, the CPU's picked once
 * (target_clones, as common/simd.h's SIMD_CLONES, with AVX added: the lab
 * machines offer AVX without AVX2): 8 floats per sqrt and division instead
 * of 4. There is no reduction here, so every element gets the same IEEE
 * operations in the same order with any vector width.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("avx2", "avx", "default")))
#endif
static void adam_block(float *p, float *g, float *m, float *v, long off, long len,
                       const uint8_t *touched, long row_size, float lr_t, float beta1, float beta2)
{
    const long end = off + len;
    if (!touched) {
        adam_step_span(p + off, g + off, m + off, v + off, (size_t)len, lr_t, beta1, beta2, false);
        return;
    }
    for (long j = off; j < end;) {
        /* the run of rows from j's on that are all touched or all not */
        const bool hit = touched[j / row_size] != 0;
        long k = (j / row_size + 1) * row_size;
        while (k < end && (touched[k / row_size] != 0) == hit) k += row_size;
        if (k > end) k = end;
        if (hit)
            adam_step_span(p + j, g + j, m + j, v + j, (size_t)(k - j), lr_t, beta1, beta2, false);
        else
            adam_step_span_zero_grad(p + j, m + j, v + j, (size_t)(k - j), lr_t, beta1, beta2);
        j = k;
    }
}

/* adam_update (rows false) and adam_update_touched (rows true). */
static void update(Adam *self, Param *const *params, int n_params, bool rows)
{
    DLFS_ASSERT(n_params == self->n_params);
    self->iter++;
    const float lr_t = adam_lr_t(self->lr, self->beta1, self->beta2, self->iter);
    const float beta1 = self->beta1, beta2 = self->beta2;
    long total = 0;
    for (int i = 0; i < n_params; i++) {
        DLFS_ASSERT(params[i] == self->params[i]);
        total += (long)params[i]->value.size;
    }
    /* one thread team for all the params; each thread flushes subnormals
     * (common/fpu.h) while it runs the pass. The params' loops share no
     * element, so a thread goes on to the next param's blocks without
     * waiting for the others (nowait); the team waits once, at the end. */
#pragma omp parallel if (total >= ADAM_PARALLEL_MIN)
    {
        const FpuState fpu = fpu_flush_subnormals();
        for (int i = 0; i < n_params; i++) {
            Param *pa = params[i];
            float *p = pa->value.data;
            float *g = pa->grad.data;
            float *m = self->m[i].data;
            float *v = self->v[i].data;
            const uint8_t *touched = rows ? pa->row_touched : NULL;
            const long row_size = touched ? (long)param_row_size(pa) : 0;
            const long n = (long)pa->value.size;
            const long blocks = (n + ADAM_BLOCK - 1) / ADAM_BLOCK;
#pragma omp for schedule(static) nowait
            for (long b = 0; b < blocks; b++) {
                const long off = b * ADAM_BLOCK;
                const long len = n - off < ADAM_BLOCK ? n - off : ADAM_BLOCK;
                adam_block(p, g, m, v, off, len, touched, row_size, lr_t, beta1, beta2);
            }
        }
        fpu_restore(fpu);
    }
}

void adam_update(Adam *self, Param *const *params, int n_params)
{
    update(self, params, n_params, false);
}

void adam_update_touched(Adam *self, Param *const *params, int n_params)
{
    update(self, params, n_params, true);
}
