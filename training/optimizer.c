/* optimizer.c — the textbook's common/optimizer.py and util.clip_grads (see optimizer.h). */
#include "training/optimizer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "training/optimizer_span.h"

/* Below this many elements a thread team costs more than it saves (as adam.c). */
enum { OPTIMIZER_PARALLEL_MIN = 65536 };
/* The floats one sgd_step_span call updates: the unit the threads share out (as adam.c). */
enum { OPTIMIZER_BLOCK = 4096 };
/* The floats a thread takes at a time from the element loops below: long enough runs
 * for the hardware prefetcher of a memory-bound pass. */
enum { OPTIMIZER_CHUNK = 8 * OPTIMIZER_BLOCK };

static const char *const kind_names[OPTIMIZER_N_KINDS] = {
    [OPTIMIZER_SGD] = "sgd",
    [OPTIMIZER_MOMENTUM] = "momentum",
    [OPTIMIZER_NESTEROV] = "nesterov",
    [OPTIMIZER_ADAGRAD] = "adagrad",
    [OPTIMIZER_RMSPROP] = "rmsprop",
    [OPTIMIZER_ADAM] = "adam",
};

static int kind_valid(OptimizerKind kind)
{
    return (int)kind >= 0 && (int)kind < OPTIMIZER_N_KINDS;
}

OptimizerConfig optimizer_default_config(OptimizerKind kind)
{
    DLFS_ASSERT(kind_valid(kind));
    return (OptimizerConfig){
        .kind = kind,
        .lr = kind == OPTIMIZER_ADAM ? 0.001f : 0.01f,
        .momentum = 0.9f,
        .decay_rate = 0.99f,
        .beta1 = 0.9f,
        .beta2 = 0.999f,
    };
}

int optimizer_parse_kind(const char *name, OptimizerKind *kind)
{
    for (int k = 0; k < OPTIMIZER_N_KINDS; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (OptimizerKind)k;
            return DLFS_OK;
        }
    }
    return DLFS_ERR_ARG;
}

const char *optimizer_kind_name(OptimizerKind kind)
{
    DLFS_ASSERT(kind_valid(kind));
    return kind_names[kind];
}

static int has_state(OptimizerKind kind)
{
    return kind == OPTIMIZER_MOMENTUM || kind == OPTIMIZER_NESTEROV || kind == OPTIMIZER_ADAGRAD ||
           kind == OPTIMIZER_RMSPROP;
}

void optimizer_init(Optimizer *self, const OptimizerConfig *cfg, Param *const *params, int n_params)
{
    DLFS_ASSERT(kind_valid(cfg->kind) && n_params >= 1 && cfg->lr > 0.0f);
    if (cfg->kind == OPTIMIZER_MOMENTUM || cfg->kind == OPTIMIZER_NESTEROV)
        DLFS_ASSERT(cfg->momentum >= 0.0f && cfg->momentum < 1.0f);
    if (cfg->kind == OPTIMIZER_RMSPROP) DLFS_ASSERT(cfg->decay_rate >= 0.0f && cfg->decay_rate < 1.0f);
    memset(self, 0, sizeof *self);
    self->cfg = *cfg;
    self->n_params = n_params;
    self->params = dlfs_malloc((size_t)n_params * sizeof *self->params);
    for (int i = 0; i < n_params; i++) self->params[i] = params[i];
    if (cfg->kind == OPTIMIZER_ADAM) {
        adam_init(&self->adam, params, n_params, cfg->lr, cfg->beta1, cfg->beta2);
    } else if (has_state(cfg->kind)) {
        self->state = dlfs_calloc((size_t)n_params, sizeof *self->state);
        for (int i = 0; i < n_params; i++)
            tensor_init(&self->state[i], params[i]->value.ndim, params[i]->value.shape);
    }
}

void optimizer_free(Optimizer *self)
{
    if (self->state) {
        for (int i = 0; i < self->n_params; i++) tensor_free(&self->state[i]);
        free(self->state);
    }
    if (self->cfg.kind == OPTIMIZER_ADAM && self->adam.params) adam_free(&self->adam);
    free(self->params);
    memset(self, 0, sizeof *self);
}

/* The per-element loops. Each reads g, writes p and its own state s. Their
 * blocks are handed out as threads ask (dynamic), as adam.c's: OpenMP's idle
 * threads sleep between steps (common/passive_wait.c), and a thread that
 * wakes late then takes fewer blocks instead of holding up a fixed half.
 * Each element gets the same operations whoever runs it (no reductions):
 * the same bits. clip_grads' sum keeps its static split, which fixes the
 * order in which the threads' partial sums are added. */

/* SGD's formula is sgd_step_span's (training/optimizer_span.h), shared with --fast's. */
static void sgd_step(float *p, float *g, long n, float lr)
{
    const long blocks = (n + OPTIMIZER_BLOCK - 1) / OPTIMIZER_BLOCK;
#pragma omp parallel for schedule(dynamic, OPTIMIZER_CHUNK / OPTIMIZER_BLOCK) if (n >= OPTIMIZER_PARALLEL_MIN)
    for (long b = 0; b < blocks; b++) {
        const long off = b * OPTIMIZER_BLOCK;
        const size_t len = (size_t)(n - off < OPTIMIZER_BLOCK ? n - off : OPTIMIZER_BLOCK);
        sgd_step_span(p + off, g + off, len, lr, false);
    }
}

static void momentum_step(float *restrict p, const float *restrict g, float *restrict v, long n,
                          float lr, float momentum)
{
#pragma omp parallel for simd schedule(dynamic, OPTIMIZER_CHUNK) if (n >= OPTIMIZER_PARALLEL_MIN)
    for (long j = 0; j < n; j++) {
        v[j] = momentum * v[j] - lr * g[j];
        p[j] += v[j];
    }
}

/* momentum2 = momentum^2 and lr_1m = (1 + momentum) * lr, each rounded once. */
static void nesterov_step(float *restrict p, const float *restrict g, float *restrict v, long n,
                          float lr, float momentum, float momentum2, float lr_1m)
{
#pragma omp parallel for simd schedule(dynamic, OPTIMIZER_CHUNK) if (n >= OPTIMIZER_PARALLEL_MIN)
    for (long j = 0; j < n; j++) {
        v[j] *= momentum;
        v[j] -= lr * g[j];
        p[j] += momentum2 * v[j];
        p[j] -= lr_1m * g[j];
    }
}

static void adagrad_step(float *restrict p, const float *restrict g, float *restrict h, long n,
                         float lr)
{
#pragma omp parallel for simd schedule(dynamic, OPTIMIZER_CHUNK) if (n >= OPTIMIZER_PARALLEL_MIN)
    for (long j = 0; j < n; j++) {
        h[j] += g[j] * g[j];
        p[j] -= lr * g[j] / (sqrtf(h[j]) + OPTIMIZER_EPS);
    }
}

/* one_minus_decay = 1 - decay, rounded once. */
static void rmsprop_step(float *restrict p, const float *restrict g, float *restrict h, long n,
                         float lr, float decay, float one_minus_decay)
{
#pragma omp parallel for simd schedule(dynamic, OPTIMIZER_CHUNK) if (n >= OPTIMIZER_PARALLEL_MIN)
    for (long j = 0; j < n; j++) {
        h[j] *= decay;
        h[j] += one_minus_decay * g[j] * g[j];
        p[j] -= lr * g[j] / (sqrtf(h[j]) + OPTIMIZER_EPS);
    }
}

void optimizer_update(Optimizer *self, Param *const *params, int n_params)
{
    DLFS_ASSERT(n_params == self->n_params);
    for (int i = 0; i < n_params; i++) DLFS_ASSERT(params[i] == self->params[i]);
    self->iter++;
    const OptimizerConfig *c = &self->cfg;
    if (c->kind == OPTIMIZER_ADAM) {
        adam_update(&self->adam, params, n_params);
        return;
    }
    const double m = c->momentum;
    const float momentum2 = (float)(m * m);
    const float lr_1m = (float)((1.0 + m) * c->lr);
    const float one_minus_decay = (float)(1.0 - (double)c->decay_rate);
    for (int i = 0; i < n_params; i++) {
        float *p = params[i]->value.data;
        float *g = params[i]->grad.data;
        float *s = self->state ? self->state[i].data : NULL;
        const long n = (long)params[i]->value.size;
        switch (c->kind) {
        case OPTIMIZER_SGD: sgd_step(p, g, n, c->lr); break;
        case OPTIMIZER_MOMENTUM: momentum_step(p, g, s, n, c->lr, c->momentum); break;
        case OPTIMIZER_NESTEROV: nesterov_step(p, g, s, n, c->lr, c->momentum, momentum2, lr_1m); break;
        case OPTIMIZER_ADAGRAD: adagrad_step(p, g, s, n, c->lr); break;
        case OPTIMIZER_RMSPROP: rmsprop_step(p, g, s, n, c->lr, c->decay_rate, one_minus_decay); break;
        case OPTIMIZER_ADAM: break;   /* handled above */
        }
    }
}

float clip_grads(Param *const *params, int n_params, float max_norm)
{
    DLFS_ASSERT(n_params >= 0 && max_norm >= 0.0f);
    double total = 0.0;
    for (int i = 0; i < n_params; i++) {
        const float *g = params[i]->grad.data;
        const long n = (long)params[i]->grad.size;
        double sum = 0.0;
#pragma omp parallel for simd schedule(static) reduction(+ : sum) if (n >= OPTIMIZER_PARALLEL_MIN)
        for (long j = 0; j < n; j++) sum += (double)g[j] * g[j];
        total += sum;
    }
    const double norm = sqrt(total);
    const double rate = max_norm / (norm + 1e-6);
    if (rate < 1.0) {
        const float r = (float)rate;
        for (int i = 0; i < n_params; i++) {
            float *g = params[i]->grad.data;
            const long n = (long)params[i]->grad.size;
#pragma omp parallel for simd schedule(dynamic, OPTIMIZER_CHUNK) if (n >= OPTIMIZER_PARALLEL_MIN)
            for (long j = 0; j < n; j++) g[j] *= r;
        }
    }
    return (float)norm;
}
