/* trainer.c — the textbook's Trainer.fit (common/trainer.py); see trainer.h. */
#include "training/trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/check.h"
#include "common/clock.h"
#include "training/phase_mark.h"
#include "common/threads.h"
#include "common/util.h"

void trainer_init(Trainer *self, Model *model, Optimizer *optimizer)
{
    memset(self, 0, sizeof *self);
    self->model = model;
    self->optimizer = optimizer;
    self->eval_interval = 20;
    self->log = stdout;
}

void trainer_free(Trainer *self)
{
    free(self->loss_list);
    free(self->perm);
    self->loss_list = NULL;
    self->n_loss = self->cap_loss = 0;
    self->perm = NULL;
    self->perm_size = 0;
}

void loss_record_write_csv(FILE *csv, const LossRecord *r)
{
    fprintf(csv, "%d,%d,%.3f,%.6f\n", r->epoch, r->iter, r->elapsed_s, r->loss);
}

void trainer_record_loss(LossRecord **list, size_t *n, size_t *cap, FILE *log, FILE *csv,
                         LossRecord r, long max_iters)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 256;
        *list = dlfs_realloc(*list, *cap * sizeof **list);
    }
    (*list)[(*n)++] = r;
    if (log) {
        fprintf(log, "| epoch %d |  iter %d / %ld | time %d[s] | loss %.2f\n", r.epoch, r.iter,
                max_iters, (int)r.elapsed_s, r.loss);
        fflush(log);
    }
    if (csv) {
        loss_record_write_csv(csv, &r);
        fflush(csv);
    }
}

static void record(Trainer *self, int epoch, int iter, int max_iters, double elapsed, float loss)
{
    trainer_record_loss(&self->loss_list, &self->n_loss, &self->cap_loss, self->log, self->csv,
                        (LossRecord){epoch, iter, elapsed, loss}, max_iters);
}

int trainer_first_non_finite(const Model *model)
{
    for (int i = 0; i < model->n_params; i++) {
        const Tensor *t = &model->params[i]->value;
        if (!dlfs_floats_all_finite(t->data, t->size)) return i;
    }
    return -1;
}

/*
 * Where a minibatch's rows come from: the (contexts, target) arrays, or
 * the corpus, whose pairs are made as the minibatch asks for them.
 */
typedef struct PairSource {
    const int32_t *contexts;    /* (data_size, width), or NULL: made from corpus */
    const int32_t *target;      /* (data_size,) */
    const int32_t *corpus;      /* (corpus_size,) when contexts is NULL */
    size_t corpus_size;
    int window;                 /* width / 2 */
} PairSource;

/* x[batch_idx], t[batch_idx] (trainer.py): rows (B,) of src into contexts (B, width), target (B,). */
static void gather_rows(const PairSource *src, int width, const int32_t *rows, int B, int32_t *contexts,
                        int32_t *target)
{
    if (!src->contexts) {
        create_contexts_target_rows(src->corpus, src->corpus_size, src->window, rows, (size_t)B, contexts,
                                    target);
        return;
    }
    for (int b = 0; b < B; b++) {
        memcpy(contexts + (size_t)b * width, src->contexts + (size_t)rows[b] * width,
               (size_t)width * sizeof *contexts);
        target[b] = src->target[rows[b]];
    }
}

static int fit(Trainer *self, const PairSource *src, size_t data_size, int max_epoch, int batch_size,
               Rng *rng, DlfsError *err)
{
    Model *model = self->model;
    const int width = model->context_width;
    if (batch_size < 1 || batch_size > model->max_batch)
        return dlfs_fail(err, DLFS_ERR_ARG, "batch size must be in [1, %d], got %d", model->max_batch, batch_size);
    if (data_size < (size_t)batch_size)
        return dlfs_fail(err, DLFS_ERR_ARG, "batch size %d is larger than the %zu training examples",
                         batch_size, data_size);
    if (data_size > INT32_MAX)
        return dlfs_fail(err, DLFS_ERR_ARG, "%zu training examples is more than %d", data_size, INT32_MAX);
    if (max_epoch < 0) return dlfs_fail(err, DLFS_ERR_ARG, "epochs must be >= 0, got %d", max_epoch);
    if (!(self->max_grad >= 0.0f))
        return dlfs_fail(err, DLFS_ERR_ARG, "max_grad must be >= 0 (0 = no clipping), got %g",
                         (double)self->max_grad);
    const int max_iters = (int)(data_size / (size_t)batch_size);   /* the tail is dropped */
    if (self->perm != NULL && self->perm_size != data_size)
        return dlfs_fail(err, DLFS_ERR_ARG, "the saved shuffle order has %zu rows, the data %zu",
                         self->perm_size, data_size);
    if (self->iter_in_epoch < 0 || self->iter_in_epoch > max_iters)
        return dlfs_fail(err, DLFS_ERR_ARG, "the saved position, iteration %d, is not in [0, %d]",
                         self->iter_in_epoch, max_iters);

    if (self->perm == NULL) {
        self->perm = dlfs_malloc(data_size * sizeof *self->perm);
        self->perm_size = data_size;
        for (size_t i = 0; i < data_size; i++) self->perm[i] = (int32_t)i;
        self->iter_in_epoch = 0;
    }
    int32_t *perm = self->perm;
    int32_t *batch_contexts = dlfs_malloc((size_t)batch_size * width * sizeof *batch_contexts);
    int32_t *batch_target = dlfs_malloc((size_t)batch_size * sizeof *batch_target);

    int status = DLFS_OK;
    TrainerPhaseTimes *times = self->phase_times;
    self->stopped = false;
    long last_checked = self->total_iters;   /* params were finite up to here */
    const double start = dlfs_now_s() - self->elapsed_s;
    const int end_epoch = self->current_epoch + max_epoch;
    for (; self->current_epoch < end_epoch; self->current_epoch++, self->iter_in_epoch = 0) {
        /* stop before the shuffle, so a checkpoint here resumes with it */
        if (self->max_iters > 0 && self->total_iters >= self->max_iters) goto done;
        /* x = x[permutation]: shuffling the running permutation is the same */
        if (self->iter_in_epoch == 0) rng_shuffle_int32(rng, perm, data_size);
        for (int iters = self->iter_in_epoch; iters < max_iters; iters++) {
            if (self->max_iters > 0 && self->total_iters >= self->max_iters) goto done;
            threads_tune_step();    /* common/threads.h: no-op unless the count is tuned */
            double mark = times ? dlfs_now_s() : 0.0;
            gather_rows(src, width, perm + (size_t)iters * batch_size, batch_size, batch_contexts,
                        batch_target);
            for (int i = 0; i < model->n_params; i++) param_zero_grad(model->params[i]);
            trainer_phase_mark(times, TRAIN_PHASE_BATCH, &mark);
            /* sample then forward(NULL) draws what forward(rng) would (training/model.h) */
            Rng *forward_rng = rng;
            if (model->ops->sample) {
                model->ops->sample(model->self, batch_contexts, batch_target, batch_size, rng);
                forward_rng = NULL;
                trainer_phase_mark(times, TRAIN_PHASE_SAMPLE, &mark);
            }
            const float loss = model->ops->forward(model->self, batch_contexts, batch_target, batch_size,
                                                   forward_rng);
            trainer_phase_mark(times, TRAIN_PHASE_FORWARD, &mark);
            if (!isfinite(loss)) {
                status = dlfs_fail(err, DLFS_ERR_NUMERIC,
                                   "loss is %g at epoch %d, iteration %d: training diverged "
                                   "(the parameters are kept from the step before)",
                                   loss, self->current_epoch + 1, iters + 1);
                goto done;
            }
            model->ops->backward(model->self);
            trainer_phase_mark(times, TRAIN_PHASE_BACKWARD, &mark);
            if (self->max_grad > 0.0f) clip_grads(model->params, model->n_params, self->max_grad);
            optimizer_update(self->optimizer, model->params, model->n_params);
            trainer_phase_mark(times, TRAIN_PHASE_UPDATE, &mark);
            if (times) times->steps++;
            self->total_loss += loss;
            self->loss_count++;
            self->total_iters++;
            self->iter_in_epoch = iters + 1;
            self->elapsed_s = dlfs_now_s() - start;
            if (self->eval_interval > 0 && iters % self->eval_interval == 0) {
                const int bad = trainer_first_non_finite(model);
                if (bad >= 0) {
                    status = dlfs_fail(err, DLFS_ERR_NUMERIC,
                                       "%s holds a NaN or an infinity after epoch %d, iteration %d "
                                       "(it was finite after iteration %ld in all): training diverged",
                                       model->params[bad]->name, self->current_epoch + 1, iters + 1,
                                       last_checked);
                    goto done;
                }
                last_checked = self->total_iters;
                record(self, self->current_epoch + 1, iters + 1, max_iters, self->elapsed_s,
                       (float)(self->total_loss / self->loss_count));
                self->total_loss = 0.0;
                self->loss_count = 0;
            }
            if (self->after_step) {
                const int r = self->after_step(self->hook_ctx, self, err);
                if (r < 0) {
                    status = r;
                    goto done;
                }
                if (r == TRAINER_STOP) {
                    self->stopped = true;
                    goto done;
                }
            }
        }
    }
done:
    free(batch_contexts);
    free(batch_target);
    return status;
}

int trainer_fit(Trainer *self, const int32_t *contexts, const int32_t *target, size_t data_size,
                int max_epoch, int batch_size, Rng *rng, DlfsError *err)
{
    const PairSource src = {.contexts = contexts, .target = target};
    return fit(self, &src, data_size, max_epoch, batch_size, rng, err);
}

int trainer_fit_corpus(Trainer *self, const int32_t *corpus, size_t corpus_size, int window,
                       int max_epoch, int batch_size, Rng *rng, DlfsError *err)
{
    size_t data_size;
    const int status = create_contexts_target_count(corpus_size, window, &data_size, err);
    if (status != DLFS_OK) return status;
    if (2 * (int64_t)window != self->model->context_width)
        return dlfs_fail(err, DLFS_ERR_ARG, "window %d does not fit the model's %d context columns", window,
                         self->model->context_width);
    const PairSource src = {.corpus = corpus, .corpus_size = corpus_size, .window = window};
    return fit(self, &src, data_size, max_epoch, batch_size, rng, err);
}
