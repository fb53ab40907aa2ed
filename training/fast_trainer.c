/* fast_trainer.c — threads over minibatches, row-sparse updates (see fast_trainer.h). */
#include "training/fast_trainer.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/check.h"
#include "common/clock.h"
#include "common/util.h"
#include "training/phase_mark.h"
#include "common/simd.h"
#include "common/fpu.h"
#include "training/optimizer_span.h"

enum { FAST_CHUNK = 64 };

FastTrainerConfig fast_trainer_default_config(void)
{
    return (FastTrainerConfig){
        .threads = 1, .batch_size = 100, .epochs = 10, .max_iters = 0, .eval_interval = 20,
        .optimizer = FAST_LAZY_ADAM, .lr = 0.001f, .min_lr_ratio = 1e-4f, .beta1 = 0.9f,
        .beta2 = 0.999f, .shuffle = true, .log = stdout, .csv = NULL, .stop = NULL,
        .local_param = -1, .local_sync_s = 0.02,
    };
}

void fast_trainer_init(FastTrainer *self, const FastTrainerConfig *cfg, Model *models)
{
    DLFS_ASSERT(cfg->threads >= 1 && cfg->batch_size >= 1 && cfg->epochs >= 0 && cfg->lr > 0.0f);
    DLFS_ASSERT(cfg->min_lr_ratio >= 0.0f && cfg->min_lr_ratio <= 1.0f);
    DLFS_ASSERT(cfg->beta1 >= 0.0f && cfg->beta1 < 1.0f && cfg->beta2 >= 0.0f && cfg->beta2 < 1.0f);
    DLFS_ASSERT(cfg->local_param < models[0].n_params && (cfg->local_param < 0 || cfg->local_sync_s > 0.0));
    memset(self, 0, sizeof *self);
    self->cfg = *cfg;
    self->models = models;
    self->n_params = models[0].n_params;
    for (int t = 0; t < cfg->threads; t++) {
        DLFS_ASSERT(models[t].n_params == self->n_params);
        DLFS_ASSERT(cfg->batch_size <= models[t].max_batch);
        for (int i = 0; i < self->n_params; i++)
            DLFS_ASSERT(models[t].params[i]->value.data == models[0].params[i]->value.data);
    }
    if (cfg->optimizer == FAST_LAZY_ADAM) {
        self->m = dlfs_calloc((size_t)self->n_params, sizeof *self->m);
        self->v = dlfs_calloc((size_t)self->n_params, sizeof *self->v);
        for (int i = 0; i < self->n_params; i++) {
            const Tensor *value = &models[0].params[i]->value;
            tensor_init(&self->m[i], value->ndim, value->shape);
            tensor_init(&self->v[i], value->ndim, value->shape);
        }
    }
}

void fast_trainer_free(FastTrainer *self)
{
    for (int i = 0; self->m && i < self->n_params; i++) {
        tensor_free(&self->m[i]);
        tensor_free(&self->v[i]);
    }
    free(self->m);
    free(self->v);
    free(self->loss_list);
    memset(self, 0, sizeof *self);
}

SIMD_CLONES
void fast_trainer_apply_update(FastTrainer *self, Model *model, float step_lr, float lr_t)
{
    /* the formulas are textbook mode's (training/optimizer_span.h); the lazy
     * pass zeroes each span's gradient in the same loop */
    const bool adam = self->cfg.optimizer == FAST_LAZY_ADAM;
    const float beta1 = self->cfg.beta1, beta2 = self->cfg.beta2;
    for (int i = 0; i < model->n_params; i++) {
        Param *p = model->params[i];
        float *value = p->value.data, *grad = p->grad.data;
        float *m = adam ? self->m[i].data : NULL, *v = adam ? self->v[i].data : NULL;
        if (!p->row_touched) {
            if (adam)
                adam_step_span(value, grad, m, v, p->value.size, lr_t, beta1, beta2, true);
            else
                sgd_step_span(value, grad, p->value.size, step_lr, true);
            continue;
        }
        const size_t row = (size_t)param_row_size(p);
        for (int k = 0; k < p->n_touched; k++) {
            const size_t off = (size_t)p->touched_rows[k] * row;
            if (adam)
                adam_step_span(value + off, grad + off, m + off, v + off, row, lr_t, beta1, beta2, true);
            else
                sgd_step_span(value + off, grad + off, row, step_lr, true);
            p->row_touched[p->touched_rows[k]] = 0;
        }
        p->n_touched = 0;
    }
}

/* Appends a record and prints it as the textbook's line; called in a critical section. */
static void record(FastTrainer *self, int epoch, long iter, long max_iters, double elapsed, float loss)
{
    trainer_record_loss(&self->loss_list, &self->n_loss, &self->cap_loss, self->cfg.log, self->cfg.csv,
                        (LossRecord){epoch, (int)iter, elapsed, loss}, max_iters);
}

/* SGD's rate per example at the run's progress in [0, 1]: linear decay, floored at lr * min_lr_ratio. */
static double sgd_rate(const FastTrainerConfig *c, double progress)
{
    double rate = c->lr * (1.0 - progress);
    if (rate < c->lr * c->min_lr_ratio) rate = c->lr * c->min_lr_ratio;
    return rate;
}

/*
 * One step on model's batch (bc, bt) of B rows at the run's progress in
 * [0, 1]; returns the loss. With SGD and a model's fused sgd_step op:
 * sample, then the fused step, which moves the weights itself. Otherwise
 * sample, forward and (for a finite loss) backward, then the update of
 * the touched rows: SGD at the rate of the progress, or lazy Adam at the
 * next global step. A non-finite loss stops the run: on the layer path
 * its gradients are never applied; the fused step has already moved the
 * weights. Times the phases into times.
 */
static float train_step(FastTrainer *self, Model *model, const int32_t *bc, const int32_t *bt, int B, Rng *rng,
                        double progress, TrainerPhaseTimes *times, double *mark)
{
    const FastTrainerConfig *c = &self->cfg;
    const bool sgd = c->optimizer == FAST_SGD_LINEAR;
    /* sample then forward(NULL) draws what forward(rng) would (training/model.h) */
    Rng *forward_rng = rng;
    if (model->ops->sample) {
        model->ops->sample(model->self, bc, bt, B, rng);
        forward_rng = NULL;
        trainer_phase_mark(times, TRAIN_PHASE_SAMPLE, mark);
    }
    if (sgd && model->ops->sgd_step) {
        /* word2vec.c's step: scores, gradients and the update in one pass, timed
         * as the forward phase (docs/fast-mode.md) */
        const float loss = model->ops->sgd_step(model->self, bc, bt, B, (float)sgd_rate(c, progress));
        trainer_phase_mark(times, TRAIN_PHASE_FORWARD, mark);
        if (times && isfinite(loss)) times->steps++;
        return loss;
    }
    const float loss = model->ops->forward(model->self, bc, bt, B, forward_rng);
    trainer_phase_mark(times, TRAIN_PHASE_FORWARD, mark);
    if (!isfinite(loss)) return loss;
    model->ops->backward(model->self);
    trainer_phase_mark(times, TRAIN_PHASE_BACKWARD, mark);
    float step_lr = 0.0f, lr_t = 0.0f;
    if (sgd) {
        step_lr = (float)(sgd_rate(c, progress) * c->batch_size);
    } else {
        long tt;
#pragma omp atomic capture
        tt = ++self->step;
        lr_t = adam_lr_t(c->lr, c->beta1, c->beta2, tt);
    }
    fast_trainer_apply_update(self, model, step_lr, lr_t);
    trainer_phase_mark(times, TRAIN_PHASE_UPDATE, mark);
    if (times) times->steps++;
    return loss;
}

/*
 * The end of a thread's loop: its FPU mode back, its Rng state into its
 * slot of rngs, its phase times added into cfg.phase_times.
 */
static void thread_done(FastTrainer *self, FpuState fpu, Rng *slot, const Rng *rng, const TrainerPhaseTimes *times)
{
    fpu_restore(fpu);
    *slot = *rng;
    if (!times) return;
#pragma omp critical(fast_trainer_times)
    {
        for (int p = 0; p < TRAIN_N_PHASES; p++) self->cfg.phase_times->s[p] += times->s[p];
        self->cfg.phase_times->steps += times->steps;
    }
}

/*
 * The params checked, as the textbook's Trainer does, once the threads
 * have joined (once an epoch: fast_trainer.h says why): DLFS_ERR_NUMERIC
 * naming the first param with a NaN or an infinity, else DLFS_OK and
 * *last_checked = the steps in all.
 */
static int check_params(FastTrainer *self, int epoch, long epoch_finished, long *last_checked, DlfsError *err)
{
    const int bad = trainer_first_non_finite(&self->models[0]);
    if (bad >= 0)
        return dlfs_fail(err, DLFS_ERR_NUMERIC,
                         "%s holds a NaN or an infinity after epoch %d, step %ld "
                         "(it was finite after step %ld in all): training diverged",
                         self->models[0].params[bad]->name, epoch + 1, epoch_finished, *last_checked);
    *last_checked = self->total_iters;
    return DLFS_OK;
}

/* The textbook's pairs of a corpus, made per batch (fast_trainer_fit_corpus). */
typedef struct CorpusPairs {
    const int32_t *corpus;
    size_t size;
    int window;
} CorpusPairs;

/* fast_trainer_fit's loop; with pairs, each epoch's rows are pairs's, made per batch. */
static int fit_epochs(FastTrainer *self, FastEpochFn next_epoch, void *ctx, const CorpusPairs *pairs,
                      Rng *rngs, DlfsError *err);

int fast_trainer_fit(FastTrainer *self, FastEpochFn next_epoch, void *ctx, Rng *rngs, DlfsError *err)
{
    return fit_epochs(self, next_epoch, ctx, NULL, rngs, err);
}

int fast_trainer_fit_corpus(FastTrainer *self, const int32_t *corpus, size_t corpus_size, int window, Rng *rngs,
                            DlfsError *err)
{
    size_t n = 0;
    const int status = create_contexts_target_count(corpus_size, window, &n, err);
    if (status != DLFS_OK) return status;
    const CorpusPairs pairs = {corpus, corpus_size, window};
    return fit_epochs(self, NULL, NULL, &pairs, rngs, err);
}

static int fit_epochs(FastTrainer *self, FastEpochFn next_epoch, void *ctx, const CorpusPairs *pairs,
                      Rng *rngs, DlfsError *err)
{
    const FastTrainerConfig *c = &self->cfg;
    const int T = c->threads, B = c->batch_size, width = self->models[0].context_width;
    int32_t *batch_contexts = dlfs_malloc((size_t)T * B * width * sizeof *batch_contexts);
    int32_t *batch_target = dlfs_malloc((size_t)T * B * sizeof *batch_target);
    int32_t *perm = NULL;
    size_t perm_cap = 0;
    int status = DLFS_OK;
    double loss_sum = 0.0;
    long loss_count = 0;
    const double start = dlfs_now_s();
    long last_checked = self->total_iters;   /* params were finite up to here */

    for (int epoch = 0; epoch < c->epochs && status == DLFS_OK; epoch++) {
        if (c->stop && *c->stop) {
            self->stopped = true;
            self->stopped_epoch = epoch + 1;
            break;
        }
        const int32_t *contexts = NULL, *target = NULL;
        size_t n = 0;
        if (pairs)
            n = pairs->size - 2 * (size_t)pairs->window;   /* create_contexts_target's rows */
        else
            status = next_epoch(ctx, epoch, &contexts, &target, &n, err);
        if (status != DLFS_OK) break;
        if (n < (size_t)B || n > INT32_MAX) {
            status = dlfs_fail(err, DLFS_ERR_ARG, "epoch %d has %zu rows: need %d to %d", epoch + 1, n,
                               B, INT32_MAX);
            break;
        }
        const long steps = (long)(n / (size_t)B);
        if (c->shuffle || pairs) {   /* pairs are made from a list of rows: in order when not shuffled */
            if (n > perm_cap) {
                perm_cap = n;
                perm = dlfs_realloc(perm, perm_cap * sizeof *perm);
            }
            for (size_t i = 0; i < n; i++) perm[i] = (int32_t)i;
            if (c->shuffle) rng_shuffle_int32(&rngs[0], perm, n);
        }
        long failed_step = -1;
        float failed_loss = 0.0f;
        long attempts = self->total_iters;   /* steps started, for max_iters */
        long epoch_done = 0;                  /* steps started in this epoch, by all threads */
        long epoch_finished = 0;              /* steps finished in this epoch (progress lines) */

        const double loop_start = dlfs_now_s();
#pragma omp parallel num_threads(T)
        {
            const int t = omp_get_thread_num();
            Model *model = &self->models[t];
            int32_t *bc = batch_contexts + (size_t)t * B * width;
            int32_t *bt = batch_target + (size_t)t * B;
            /* the Rng on this thread's stack: neighbours in rngs[] share a cache
             * line, and every draw writes the state */
            Rng rng = rngs[t];
            TrainerPhaseTimes own_times = {0};   /* this thread's, added to cfg.phase_times below */
            TrainerPhaseTimes *times = c->phase_times ? &own_times : NULL;
            const FpuState fpu = fpu_flush_subnormals();
            /* each thread takes runs of FAST_CHUNK consecutive steps, so two
             * threads are thousands of words apart in the text and touch fewer
             * rows in common (word2vec.c gives each thread its own part of the
             * file), while a thread slowed down by the OS takes fewer runs */
#pragma omp for schedule(dynamic, FAST_CHUNK)
            for (long s = 0; s < steps; s++) {
                long failed_now;
#pragma omp atomic read
                failed_now = failed_step;
                const bool stop = failed_now >= 0 || (c->stop && *c->stop);
                long started, in_epoch;
#pragma omp atomic capture
                started = attempts++;
#pragma omp atomic capture
                in_epoch = epoch_done++;
                if (stop || (c->max_iters > 0 && started >= c->max_iters)) continue;
                double mark = times ? dlfs_now_s() : 0.0;
                if (pairs) {
                    create_contexts_target_rows(pairs->corpus, pairs->size, pairs->window, perm + (size_t)s * B,
                                                (size_t)B, bc, bt);
                } else {
                    for (int b = 0; b < B; b++) {
                        const size_t r = c->shuffle ? (size_t)perm[(size_t)s * B + b] : (size_t)s * B + b;
                        memcpy(bc + (size_t)b * width, contexts + r * width, (size_t)width * sizeof *bc);
                        bt[b] = target[r];
                    }
                }
                trainer_phase_mark(times, TRAIN_PHASE_BATCH, &mark);
                /* progress through the whole run, as word2vec.c's word_count_actual */
                const double progress = ((double)epoch + (double)in_epoch / (double)steps) / c->epochs;
                const float loss = train_step(self, model, bc, bt, B, &rng, progress, times, &mark);
                if (!isfinite(loss)) {
#pragma omp critical(fast_trainer_fail)
                    if (failed_step < 0) {
                        failed_step = s;
                        failed_loss = loss;
                    }
                    continue;
                }
#pragma omp critical(fast_trainer_record)
                {
                    self->total_iters++;
                    self->total_rows += B;
                    epoch_finished++;
                    loss_sum += loss;
                    loss_count++;
                    /* lines at steps 1, 1 + interval, ... of the epoch, as the textbook */
                    if (c->eval_interval > 0 && (epoch_finished - 1) % c->eval_interval == 0) {
                        record(self, epoch + 1, epoch_finished, steps, dlfs_now_s() - start,
                               (float)(loss_sum / (double)loss_count));
                        loss_sum = 0.0;
                        loss_count = 0;
                    }
                }
            }
            thread_done(self, fpu, &rngs[t], &rng, times);
        }
        self->loop_s += dlfs_now_s() - loop_start;
        /* the params are checked, as the textbook's Trainer does, once the
         * threads have joined (once an epoch: fast_trainer.h says why) */
        if (failed_step < 0) {
            status = check_params(self, epoch, epoch_finished, &last_checked, err);
            if (status != DLFS_OK) break;
        }
        if (c->stop && *c->stop && failed_step < 0 && epoch_finished < steps &&
            !(c->max_iters > 0 && self->total_iters >= c->max_iters)) {
            self->stopped = true;
            self->stopped_epoch = epoch + 1;
            break;
        }
        if (failed_step >= 0)
            status = dlfs_fail(err, DLFS_ERR_NUMERIC,
                               "loss is %g at epoch %d, step %ld: training diverged", failed_loss,
                               epoch + 1, failed_step + 1);
        if (c->max_iters > 0 && self->total_iters >= c->max_iters) break;
    }
    free(perm);
    free(batch_contexts);
    free(batch_target);
    return status;
}

/* The thread-local copies of cfg.local_param (fast_trainer_fit_stream), or param -1: none. */
typedef struct LocalCopies {
    int param;              /* which params[] index; -1 = none */
    float *shared;          /* the param's own values */
    float **local, **base;  /* (T,) each (n,): a thread's copy, and its values at the last merge */
    size_t n;
    int T;
    double sync_s;          /* a thread merges every this many seconds */
} LocalCopies;

void fast_trainer_merge_local(float *restrict shared, float *restrict local, float *restrict base, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const float v = shared[k] + (local[k] - base[k]);
        shared[k] = v;
        local[k] = v;
        base[k] = v;
    }
}

/* The copies of cfg.local_param when the run has more than one thread, else lc->param = -1. */
static void local_copies_init(LocalCopies *lc, const FastTrainer *self)
{
    *lc = (LocalCopies){.param = -1, .T = self->cfg.threads};
    if (lc->T < 2 || self->cfg.local_param < 0) return;
    lc->param = self->cfg.local_param;
    lc->sync_s = self->cfg.local_sync_s;
    lc->shared = self->models[0].params[lc->param]->value.data;
    lc->n = self->models[0].params[lc->param]->value.size;
    lc->local = dlfs_calloc((size_t)lc->T, sizeof *lc->local);
    lc->base = dlfs_calloc((size_t)lc->T, sizeof *lc->base);
    for (int t = 0; t < lc->T; t++) {
        lc->local[t] = dlfs_malloc(lc->n * sizeof(float));
        lc->base[t] = dlfs_malloc(lc->n * sizeof(float));
    }
}

static void local_copies_free(LocalCopies *lc)
{
    for (int t = 0; lc->param >= 0 && t < lc->T; t++) {
        free(lc->local[t]);
        free(lc->base[t]);
    }
    free(lc->local);
    free(lc->base);
}

/*
 * Local: each thread's copy starts from the shared values (an MPI sync or
 * the check may have moved them since the last epoch) and every thread's
 * param points at its copy. Not local: the params point back at the
 * shared values.
 */
static void local_point(const LocalCopies *lc, Model *models, bool local)
{
    if (lc->param < 0) return;
    for (int t = 0; t < lc->T; t++) {
        if (local) {
            memcpy(lc->local[t], lc->shared, lc->n * sizeof(float));
            memcpy(lc->base[t], lc->shared, lc->n * sizeof(float));
        }
        models[t].params[lc->param]->value.data = local ? lc->local[t] : lc->shared;
    }
}

/* The stream's progress line (fast_trainer.h), with the record into loss_list and csv. */
static void record_stream(FastTrainer *self, int epoch, long iter, double done, double words_per_s,
                          double elapsed, float loss)
{
    const LossRecord r = {epoch, (int)iter, elapsed, loss};
    /* the list and the csv as trainer_record_loss keeps them; the line is the stream's */
    trainer_record_loss(&self->loss_list, &self->n_loss, &self->cap_loss, NULL, self->cfg.csv, r, 0);
    if (self->cfg.log) {
        fprintf(self->cfg.log, "| epoch %d |  iter %ld | %.1f%% done | %.0f words/s | time %d[s] | loss %.2f\n",
                epoch, iter, 100.0 * done, words_per_s, (int)elapsed, loss);
        fflush(self->cfg.log);
    }
}

int fast_trainer_fit_stream(FastTrainer *self, const FastStream *stream, Rng *rngs, DlfsError *err)
{
    const FastTrainerConfig *c = &self->cfg;
    const int T = c->threads, B = c->batch_size, width = self->models[0].context_width;
    int32_t *batch_contexts = dlfs_malloc((size_t)T * B * width * sizeof *batch_contexts);
    int32_t *batch_target = dlfs_malloc((size_t)T * B * sizeof *batch_target);
    DlfsError *thread_err = dlfs_calloc((size_t)T, sizeof *thread_err);
    int status = DLFS_OK;
    double loss_sum = 0.0;
    long loss_count = 0;
    const double start = dlfs_now_s();
    const int64_t tokens_at_start = stream->tokens_read(stream->ctx);
    long last_checked = self->total_iters;   /* params were finite up to here */
    LocalCopies lc;
    local_copies_init(&lc, self);

    for (int epoch = 0; epoch < c->epochs && status == DLFS_OK; epoch++) {
        if (c->stop && *c->stop) {
            self->stopped = true;
            self->stopped_epoch = epoch + 1;
            break;
        }
        status = stream->begin_epoch(stream->ctx, epoch, err);
        if (status != DLFS_OK) break;
        long failed_step = -1;
        float failed_loss = 0.0f;
        int read_status = DLFS_OK;            /* the first next_batch error */
        int read_thread = -1;
        long epoch_finished = 0;              /* steps finished in this epoch (progress lines) */
        long attempts = self->total_iters;    /* steps started, for max_iters */
        local_point(&lc, self->models, true);

        const double loop_start = dlfs_now_s();
#pragma omp parallel num_threads(T)
        {
            const int t = omp_get_thread_num();
            Model *model = &self->models[t];
            int32_t *bc = batch_contexts + (size_t)t * B * width;
            int32_t *bt = batch_target + (size_t)t * B;
            Rng rng = rngs[t];   /* on this thread's stack, as in fast_trainer_fit */
            double last_sync = dlfs_now_s();
            TrainerPhaseTimes own_times = {0};
            TrainerPhaseTimes *times = c->phase_times ? &own_times : NULL;
            const FpuState fpu = fpu_flush_subnormals();
            for (;;) {
                long failed_now;
                int read_now;
#pragma omp atomic read
                failed_now = failed_step;
#pragma omp atomic read
                read_now = read_status;
                if (failed_now >= 0 || read_now != DLFS_OK || (c->stop && *c->stop)) break;
                long started;
#pragma omp atomic capture
                started = attempts++;
                if (c->max_iters > 0 && started >= c->max_iters) break;
                double mark = times ? dlfs_now_s() : 0.0;
                const int got = stream->next_batch(stream->ctx, t, bc, bt, B, &thread_err[t]);
                if (got < 0) {
#pragma omp critical(fast_trainer_fail)
                    if (read_status == DLFS_OK) {
                        read_status = got;
                        read_thread = t;
                    }
                    break;
                }
                if (got == 0) break;
                trainer_phase_mark(times, TRAIN_PHASE_BATCH, &mark);
                /* the fraction of the epoch read, with this batch (one thread: the value
                 * after the step would be the same; with more, any order is one) */
                double fraction = stream->epoch_fraction(stream->ctx);
                if (fraction > 1.0) fraction = 1.0;
                const float loss = train_step(self, model, bc, bt, B, &rng, ((double)epoch + fraction) / c->epochs,
                                              times, &mark);
                if (lc.param >= 0 && dlfs_now_s() - last_sync >= lc.sync_s) {   /* its changes so far */
                    fast_trainer_merge_local(lc.shared, lc.local[t], lc.base[t], lc.n);
                    last_sync = dlfs_now_s();
                }
                if (!isfinite(loss)) {
#pragma omp critical(fast_trainer_fail)
                    if (failed_step < 0) {
                        failed_step = epoch_finished;
                        failed_loss = loss;
                    }
                    break;
                }
#pragma omp critical(fast_trainer_record)
                {
                    self->total_iters++;
                    self->total_rows += B;
                    epoch_finished++;
                    loss_sum += loss;
                    loss_count++;
                    if (c->eval_interval > 0 && (epoch_finished - 1) % c->eval_interval == 0) {
                        const double now = dlfs_now_s() - start;
                        const double words = (double)(stream->tokens_read(stream->ctx) - tokens_at_start);
                        record_stream(self, epoch + 1, epoch_finished, ((double)epoch + fraction) / c->epochs,
                                      now > 0.0 ? words / now : 0.0, now, (float)(loss_sum / (double)loss_count));
                        loss_sum = 0.0;
                        loss_count = 0;
                    }
                }
            }
            if (lc.param >= 0) {   /* the rest of its changes, one thread at a time */
#pragma omp critical(fast_trainer_local)
                fast_trainer_merge_local(lc.shared, lc.local[t], lc.base[t], lc.n);
            }
            thread_done(self, fpu, &rngs[t], &rng, times);
        }
        local_point(&lc, self->models, false);
        self->loop_s += dlfs_now_s() - loop_start;
        if (read_status != DLFS_OK) {
            *err = thread_err[read_thread];
            status = read_status;
            break;
        }
        if (stream->end_epoch && failed_step < 0) {
            status = stream->end_epoch(stream->ctx, epoch, err);
            if (status != DLFS_OK) break;
        }
        if (failed_step < 0) {
            status = check_params(self, epoch, epoch_finished, &last_checked, err);
            if (status != DLFS_OK) break;
        }
        if (failed_step >= 0) {
            status = dlfs_fail(err, DLFS_ERR_NUMERIC, "loss is %g at epoch %d, step %ld: training diverged",
                               failed_loss, epoch + 1, failed_step + 1);
            break;
        }
        const bool cut = (c->stop && *c->stop) || (c->max_iters > 0 && self->total_iters >= c->max_iters);
        if (epoch_finished == 0 && !cut) {
            status = dlfs_fail(err, DLFS_ERR_ARG,
                               "epoch %d gave no whole batch of %d rows: the corpus is too short for the batch",
                               epoch + 1, B);
            break;
        }
        if (c->stop && *c->stop && !(c->max_iters > 0 && self->total_iters >= c->max_iters)) {
            self->stopped = true;
            self->stopped_epoch = epoch + 1;
            break;
        }
        if (c->max_iters > 0 && self->total_iters >= c->max_iters) break;
    }
    local_copies_free(&lc);
    free(thread_err);
    free(batch_contexts);
    free(batch_target);
    return status;
}
