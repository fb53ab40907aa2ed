/* adam.c — the textbook's Adam (see adam.h). */
#include "training/adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/fpu.h"
#include "common/simd.h"
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
 * adam_step_span over one block, compiled for AVX2 and for the baseline
 * x86-64, the CPU's copy picked once (common/simd.h): 8 floats per square
 * root and division instead of 4. Those two bound the pass, not memory
 * (docs/benchmarks.md, issue 21: 1.2 ms for 2 x 10^6 floats on one thread
 * 4 wide, 0.8 ms 8 wide). It has no reduction, so each element gets the
 * same IEEE operations in the same order at either width: the same bits.
 */
SIMD_CLONES static void adam_block(float *p, float *g, float *m, float *v, size_t n, float lr_t,
                                   float beta1, float beta2)
{
    adam_step_span(p, g, m, v, n, lr_t, beta1, beta2, false);
}

void adam_update(Adam *self, Param *const *params, int n_params)
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
     * (common/fpu.h) while it runs the pass. The params share no element,
     * so a thread goes on to the next param's blocks without waiting for
     * the others (nowait); the team meets once, at the end. The blocks are
     * handed out 8 at a time as threads ask: OpenMP's idle threads sleep
     * between steps (common/passive_wait.c) and wake some time after the
     * first thread starts, which then takes more blocks instead of waiting
     * for a late thread's fixed half (docs/benchmarks.md). Each element
     * gets the same operations whoever runs it: the same bits. */
#pragma omp parallel if (total >= ADAM_PARALLEL_MIN)
    {
        const FpuState fpu = fpu_flush_subnormals();
        for (int i = 0; i < n_params; i++) {
            float *p = params[i]->value.data;
            float *g = params[i]->grad.data;
            float *m = self->m[i].data;
            float *v = self->v[i].data;
            const long n = (long)params[i]->value.size;
            const long blocks = (n + ADAM_BLOCK - 1) / ADAM_BLOCK;
#pragma omp for schedule(dynamic, 8) nowait
            for (long b = 0; b < blocks; b++) {
                const long off = b * ADAM_BLOCK;
                const size_t len = (size_t)(n - off < ADAM_BLOCK ? n - off : ADAM_BLOCK);
                adam_block(p + off, g + off, m + off, v + off, len, lr_t, beta1, beta2);
            }
        }
        fpu_restore(fpu);
    }
}
