/*
 * test_trainer.c — the textbook's Trainer (training/trainer.h;
 * common/trainer.py `Trainer.fit`) driving a tiny CBOW on "You say goodbye
 * and I say hello." (window 1: 6 examples). A spy model wraps the CBOW to
 * see every minibatch and loss, so the test can check the printed lines
 * exactly, the number of iterations, which examples each epoch visits, the
 * averaging behind loss_list, max_iters, the zeroing of gradients before
 * each step, argument errors, what happens on a NaN loss, and max_grad
 * (clip_grads between backward and the update). trainer_fit_corpus, which
 * makes each minibatch's pairs from the corpus, gives bit-identical
 * training to trainer_fit on the arrays (CBOW and SkipGram, window 2, a
 * dropped tail, a stop mid-epoch and a second fit), and its own errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/model.h"
#include "training/optimizer.h"
#include "common/rng.h"
#include "common/status.h"
#include "training/trainer.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "common/util.h"
#include "tests/testutil.h"

enum { MAX_CALLS = 256, N = 6, W = 2 };

/* The tiny data set: contexts (6, 2), target (6,), all six rows distinct. */
static const int32_t ctx_data[N * W] = {0, 2, 1, 3, 2, 4, 3, 1, 4, 5, 1, 6};
static const int32_t tgt_data[N] = {1, 2, 3, 4, 1, 5};
static const int32_t corpus[8] = {0, 1, 2, 3, 4, 1, 5, 6};

typedef struct Spy {
    CBOW cbow;
    Model inner;                /* the CBOW's own interface */
    Model model;                /* the spy's, given to the trainer */
    int calls;
    float losses[MAX_CALLS];
    int32_t rows[MAX_CALLS][8]; /* which data rows each call saw */
    int batch[MAX_CALLS];
    bool grads_dirty;           /* a forward found a non-zero gradient */
    int nan_at;                 /* the call that returns NaN, or -1 */
    float *snapshot;            /* W_in at the start of the NaN call */
    /* The latest step, all params concatenated (n_floats each): */
    size_t n_floats;
    float *values_before;       /* the values when forward was called */
    float *grads_after_backward; /* the grads as the model's backward left them */
} Spy;

/* Copies every param's value (or grad) into dst, one after the other. */
static void spy_gather(const Model *m, float *dst, bool grads)
{
    for (int i = 0; i < m->n_params; i++) {
        const Tensor *t = grads ? &m->params[i]->grad : &m->params[i]->value;
        memcpy(dst, t->data, t->size * sizeof(float));
        dst += t->size;
    }
}

static int row_of(const int32_t *c, int32_t t)
{
    for (int r = 0; r < N; r++)
        if (ctx_data[r * W] == c[0] && ctx_data[r * W + 1] == c[1] && tgt_data[r] == t) return r;
    return -1;
}

static float spy_forward(void *self, const int32_t *contexts, const int32_t *target, int B, Rng *rng)
{
    Spy *s = self;
    for (int i = 0; i < s->inner.n_params; i++) {
        const Param *p = s->inner.params[i];
        if (p->n_touched != 0) s->grads_dirty = true;
        for (size_t j = 0; j < p->grad.size; j++)
            if (p->grad.data[j] != 0.0f) s->grads_dirty = true;
    }
    assert_true(s->calls < MAX_CALLS);
    s->batch[s->calls] = B;
    for (int b = 0; b < B && b < 8; b++) s->rows[s->calls][b] = row_of(contexts + b * W, target[b]);
    if (s->calls == s->nan_at) {
        s->snapshot = malloc(s->cbow.W_in.value.size * sizeof(float));
        assert_non_null(s->snapshot);
        memcpy(s->snapshot, s->cbow.W_in.value.data, s->cbow.W_in.value.size * sizeof(float));
    }
    spy_gather(&s->inner, s->values_before, false);
    float loss = s->inner.ops->forward(s->inner.self, contexts, target, B, rng);
    if (s->calls == s->nan_at) loss = NAN;
    s->losses[s->calls++] = loss;
    return loss;
}

static void spy_backward(void *self)
{
    Spy *s = self;
    s->inner.ops->backward(s->inner.self);
    spy_gather(&s->inner, s->grads_after_backward, true);
}

static void spy_free(void *self)
{
    Spy *s = self;
    s->inner.ops->free(s->inner.self);
    free(s->snapshot);
    free(s->values_before);
    free(s->grads_after_backward);
}

static const ModelOps spy_ops = {spy_forward, spy_backward, spy_free, NULL, NULL};

static void spy_init(Spy *s, int max_batch, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->nan_at = -1;
    Word2VecConfig cfg = word2vec_default_config(7);
    cfg.hidden_size = 5;
    cfg.window_size = 1;
    cfg.sample_size = 2;
    cfg.max_batch = max_batch;
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(cbow_init(&s->cbow, &cfg, corpus, 8, &rng, &err), DLFS_OK);
    cbow_as_model(&s->cbow, &s->inner);
    s->model = s->inner;
    s->model.name = "spy";
    s->model.self = s;
    s->model.ops = &spy_ops;
    for (int i = 0; i < s->inner.n_params; i++) s->n_floats += s->inner.params[i]->value.size;
    s->values_before = calloc(s->n_floats, sizeof(float));
    s->grads_after_backward = calloc(s->n_floats, sizeof(float));
    assert_non_null(s->values_before);
    assert_non_null(s->grads_after_backward);
}

/* Everything a test needs: spy model, optimizer, trainer logging to memory. */
typedef struct Fixture {
    Spy spy;
    Optimizer opt;
    Trainer trainer;
    char *log_buf;
    size_t log_len;
    Rng rng;
} Fixture;

/* A fixture whose trainer uses an optimizer built from cfg. */
static void fixture_init_opt(Fixture *f, int max_batch, int eval_interval, const OptimizerConfig *cfg)
{
    spy_init(&f->spy, max_batch, 1);
    optimizer_init(&f->opt, cfg, f->spy.model.params, f->spy.model.n_params);
    trainer_init(&f->trainer, &f->spy.model, &f->opt);
    assert_int_equal(f->trainer.eval_interval, 20);   /* the textbook's default */
    assert_true(f->trainer.log == stdout);
    assert_true(f->trainer.max_grad == 0.0f);         /* no clipping unless asked */
    f->trainer.eval_interval = eval_interval;
    f->log_buf = NULL;
    f->log_len = 0;
    f->trainer.log = open_memstream(&f->log_buf, &f->log_len);
    assert_non_null(f->trainer.log);
    rng_seed(&f->rng, 42);
}

/* A fixture with the textbook's Adam (lr 0.001). */
static void fixture_init(Fixture *f, int max_batch, int eval_interval)
{
    const OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_ADAM);
    fixture_init_opt(f, max_batch, eval_interval, &cfg);
}

/* Closes the log and returns its text (owned by f). */
static const char *fixture_log(Fixture *f)
{
    if (f->trainer.log) {
        fclose(f->trainer.log);
        f->trainer.log = NULL;
    }
    return f->log_buf ? f->log_buf : "";
}

static void fixture_free(Fixture *f)
{
    fixture_log(f);
    free(f->log_buf);
    trainer_free(&f->trainer);
    optimizer_free(&f->opt);
    f->spy.model.ops->free(f->spy.model.self);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* The line the trainer must print for a record: the textbook's format,
 * '| epoch %d |  iter %d / %d | time %d[s] | loss %.2f' (whole seconds). */
static void expected_line(char *buf, size_t size, const LossRecord *r, int max_iters)
{
    snprintf(buf, size, "| epoch %d |  iter %d / %d | time %d[s] | loss %.2f\n", r->epoch, r->iter,
             max_iters, (int)r->elapsed_s, r->loss);
}

/* eval_interval 1, batch 2: 3 iterations per epoch, a line for each. */
static void test_lines_and_records(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 1);
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 2, 2, &f.rng, &err), DLFS_OK);
    const char *log = fixture_log(&f);

    assert_int_equal(f.spy.calls, 6);
    assert_int_equal(f.trainer.total_iters, 6);
    assert_int_equal(f.trainer.current_epoch, 2);
    assert_int_equal(f.opt.iter, 6);
    assert_int_equal(f.opt.adam.iter, 6);
    assert_false(f.spy.grads_dirty);   /* zeroed before every forward */
    assert_int_equal(f.trainer.n_loss, 6);
    assert_int_equal(count_lines(log), 6);
    /* the first line, literally */
    assert_true(strncmp(log, "| epoch 1 |  iter 1 / 3 | time 0[s] | loss ", 43) == 0);

    const char *p = log;
    for (size_t k = 0; k < 6; k++) {
        const LossRecord *r = &f.trainer.loss_list[k];
        assert_int_equal(r->epoch, (int)k / 3 + 1);
        assert_int_equal(r->iter, (int)k % 3 + 1);
        assert_true(r->elapsed_s >= 0.0 && r->elapsed_s < 5.0);
        assert_close(r->loss, f.spy.losses[k], 1e-6, 0);   /* one iteration per record */
        char line[128];
        expected_line(line, sizeof line, r, 3);
        assert_true(strncmp(p, line, strlen(line)) == 0);
        p += strlen(line);
    }
    assert_true(*p == '\0');

    /* each epoch visits all six examples once, in minibatches of 2 */
    for (int e = 0; e < 2; e++) {
        int seen[N] = {0};
        for (int c = 3 * e; c < 3 * e + 3; c++) {
            assert_int_equal(f.spy.batch[c], 2);
            for (int b = 0; b < 2; b++) {
                assert_true(f.spy.rows[c][b] >= 0);
                seen[f.spy.rows[c][b]]++;
            }
        }
        for (int r = 0; r < N; r++) assert_int_equal(seen[r], 1);
    }
    fixture_free(&f);
}

/*
 * Batch 4 of 6 examples: 6 / 4 = 1 iteration per epoch (the tail of 2 is
 * dropped); with eval_interval 20 a line is printed at iteration 0 of each
 * epoch only.
 */
static void test_tail_dropped_and_iter0_records(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 20);
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 3, 4, &f.rng, &err), DLFS_OK);
    const char *log = fixture_log(&f);
    assert_int_equal(f.spy.calls, 3);
    for (int c = 0; c < 3; c++) assert_int_equal(f.spy.batch[c], 4);
    assert_int_equal(f.trainer.n_loss, 3);
    assert_int_equal(count_lines(log), 3);
    const char *p = log;
    for (int e = 0; e < 3; e++) {
        char line[128];
        expected_line(line, sizeof line, &f.trainer.loss_list[e], 1);
        assert_int_equal(f.trainer.loss_list[e].epoch, e + 1);
        assert_int_equal(f.trainer.loss_list[e].iter, 1);
        assert_true(strncmp(p, line, strlen(line)) == 0);
        p += strlen(line);
    }
    assert_true(strncmp(log, "| epoch 1 |  iter 1 / 1 | time 0[s] | loss ", 43) == 0);
    fixture_free(&f);
}

/*
 * Batch 1 (6 iterations per epoch), eval_interval 4: lines at iterations 0
 * and 4 of each epoch, each the mean loss since the previous line, which
 * carries across the epoch boundary as in the textbook:
 *   (1, 1) L0   (1, 5) mean L1..L4   (2, 1) mean L5, L6   (2, 5) mean L7..L10
 */
static void test_eval_interval_means(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 4);
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 2, 1, &f.rng, &err), DLFS_OK);
    const char *log = fixture_log(&f);
    assert_int_equal(f.spy.calls, 12);
    assert_int_equal(f.trainer.n_loss, 4);
    assert_int_equal(count_lines(log), 4);
    const float *L = f.spy.losses;
    const double expect[4] = {
        L[0],
        ((double)L[1] + L[2] + L[3] + L[4]) / 4,
        ((double)L[5] + L[6]) / 2,
        ((double)L[7] + L[8] + L[9] + L[10]) / 4,
    };
    const int epoch[4] = {1, 1, 2, 2}, iter[4] = {1, 5, 1, 5};
    for (int k = 0; k < 4; k++) {
        assert_int_equal(f.trainer.loss_list[k].epoch, epoch[k]);
        assert_int_equal(f.trainer.loss_list[k].iter, iter[k]);
        assert_close(f.trainer.loss_list[k].loss, expect[k], 1e-6, 1e-6);
    }
    assert_true(strstr(log, "|  iter 5 / 6 |") != NULL);
    fixture_free(&f);
}

/* max_iters stops in the middle of an epoch; eval_interval 0 prints nothing. */
static void test_max_iters(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 0);
    f.trainer.max_iters = 4;
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 10, 2, &f.rng, &err), DLFS_OK);
    const char *log = fixture_log(&f);
    assert_int_equal(f.spy.calls, 4);
    assert_int_equal(f.trainer.total_iters, 4);
    assert_int_equal(f.opt.iter, 4);
    assert_int_equal(f.trainer.current_epoch, 1);   /* epoch 2 was cut short */
    assert_int_equal(f.trainer.n_loss, 0);
    assert_string_equal(log, "");
    fixture_free(&f);
}

/* A second fit goes on counting epochs (the textbook's self.current_epoch). */
static void test_second_fit_continues_epochs(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 20);
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 3, &f.rng, &err), DLFS_OK);
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 3, &f.rng, &err), DLFS_OK);
    const char *log = fixture_log(&f);
    assert_int_equal(f.trainer.current_epoch, 2);
    assert_int_equal(f.trainer.n_loss, 2);
    assert_int_equal(f.trainer.loss_list[1].epoch, 2);
    assert_non_null(strstr(log, "\n| epoch 2 |  iter 1 / 2 | time "));
    fixture_free(&f);
}

static void test_csv_and_silent_log(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 1);
    fclose(f.trainer.log);
    f.trainer.log = NULL;   /* silent */
    char *csv_buf = NULL;
    size_t csv_len = 0;
    f.trainer.csv = open_memstream(&csv_buf, &csv_len);
    assert_non_null(f.trainer.csv);
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 2, &f.rng, &err), DLFS_OK);
    fclose(f.trainer.csv);
    f.trainer.csv = NULL;
    assert_int_equal(f.trainer.n_loss, 3);
    assert_int_equal(count_lines(csv_buf), 3);
    const char *p = csv_buf;
    for (int k = 0; k < 3; k++) {
        int epoch = 0, iter = 0, used = 0;
        double elapsed = -1, loss = -1;
        assert_int_equal(sscanf(p, "%d,%d,%lf,%lf\n%n", &epoch, &iter, &elapsed, &loss, &used), 4);
        assert_int_equal(epoch, 1);
        assert_int_equal(iter, k + 1);
        assert_true(elapsed >= 0.0);
        assert_close(loss, f.trainer.loss_list[k].loss, 1e-6, 0);
        p = strchr(p, '\n') + 1;
    }
    free(csv_buf);
    fixture_free(&f);
}

static void test_argument_errors(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 8, 1);
    DlfsError err = {0};
    /* batch larger than the data (but within max_batch) */
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 7, &f.rng, &err), DLFS_ERR_ARG);
    assert_int_equal(err.status, DLFS_ERR_ARG);
    assert_true(strlen(err.msg) > 0);
    /* batch larger than the model's max_batch */
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 9, &f.rng, &err), DLFS_ERR_ARG);
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 0, &f.rng, &err), DLFS_ERR_ARG);
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, -2, &f.rng, NULL), DLFS_ERR_ARG);
    /* a negative or NaN max_grad */
    f.trainer.max_grad = -1.0f;
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 2, &f.rng, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "max_grad"));
    f.trainer.max_grad = NAN;
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 2, &f.rng, &err), DLFS_ERR_ARG);
    f.trainer.max_grad = 0.0f;
    const char *log = fixture_log(&f);
    assert_int_equal(f.spy.calls, 0);
    assert_int_equal(f.opt.iter, 0);
    assert_string_equal(log, "");
    /* the full batch (data_size == batch_size) is fine */
    f.trainer.log = NULL;
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 1, 6, &f.rng, &err), DLFS_OK);
    assert_int_equal(f.spy.calls, 1);
    fixture_free(&f);
}

/* The values of every param of f's model, concatenated, into dst. */
static void gather_values(Fixture *f, float *dst)
{
    spy_gather(&f->spy.inner, dst, false);
}

/*
 * max_grad (the textbook's fit(max_grad=...)): between backward and the
 * update the trainer calls clip_grads, so with SGD (lr 1) a step moves
 * the params by exactly -lr * rate * g, where g is what backward left,
 * norm = |g| over all params together and rate = max_grad / (norm + 1e-6).
 * Two full-batch steps; the second one is checked. The norm is ~0.008
 * (weights of 0.01 N(0, 1)); with max_grad 1e-3 the step's length is
 * lr * max_grad; with max_grad 1e6 (above the norm) or 0 (off) the step
 * is -lr * g unscaled.
 */
static void test_max_grad_clips(void **state)
{
    (void)state;
    OptimizerConfig cfg = optimizer_default_config(OPTIMIZER_SGD);
    cfg.lr = 1.0f;
    const float max_grads[3] = {1e-3f, 1e6f, 0.0f};
    for (int k = 0; k < 3; k++) {
        Fixture f;
        fixture_init_opt(&f, 6, 1, &cfg);
        fixture_log(&f);   /* closes the log: silent from here */
        f.trainer.max_grad = max_grads[k];
        DlfsError err = {0};
        assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 2, 6, &f.rng, &err), DLFS_OK);
        assert_int_equal(f.spy.calls, 2);
        assert_int_equal(f.opt.iter, 2);
        assert_false(f.spy.grads_dirty);   /* clipped grads are still zeroed before each step */

        const size_t n = f.spy.n_floats;
        const float *before = f.spy.values_before, *g = f.spy.grads_after_backward;
        float *after = malloc(n * sizeof(float)), *expect = malloc(n * sizeof(float));
        assert_non_null(after);
        assert_non_null(expect);
        gather_values(&f, after);
        double norm = 0.0;
        for (size_t j = 0; j < n; j++) norm += (double)g[j] * g[j];
        norm = sqrt(norm);
        assert_true(norm > 5e-3);   /* so that max_grad 1e-3 scales by less than 0.2 */
        const double rate = k == 0 ? max_grads[0] / (norm + 1e-6) : 1.0;
        if (k == 0) assert_true(rate < 0.2);
        for (size_t j = 0; j < n; j++) expect[j] = (float)(before[j] - rate * g[j]);
        assert_close_array(after, expect, n, 2e-9, 1e-6);

        double step = 0.0;
        for (size_t j = 0; j < n; j++) {
            const double d = (double)after[j] - before[j];
            step += d * d;
        }
        step = sqrt(step);   /* |delta| / lr with lr 1: the norm of the gradient SGD used */
        if (k == 0)
            assert_close(step, 1e-3, 0, 1e-3);
        else
            assert_close(step, norm, 0, 1e-3);
        /* clip_grads scales the grads in place, as the textbook's */
        float *g_now = malloc(n * sizeof(float));
        assert_non_null(g_now);
        spy_gather(&f.spy.inner, g_now, true);
        for (size_t j = 0; j < n; j++) expect[j] = (float)(rate * g[j]);
        assert_close_array(g_now, expect, n, 1e-12, 1e-6);
        free(g_now);
        free(after);
        free(expect);
        fixture_free(&f);
    }
}

/* A NaN loss at the third step: DLFS_ERR_NUMERIC naming epoch 1, iteration
 * 3, and the parameters stay as after step 2. */
static void test_nan_loss(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 1);
    f.spy.nan_at = 2;
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&f.trainer, ctx_data, tgt_data, N, 3, 2, &f.rng, &err), DLFS_ERR_NUMERIC);
    assert_int_equal(err.status, DLFS_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "epoch 1"));
    assert_non_null(strstr(err.msg, "iteration 3"));
    assert_int_equal(f.spy.calls, 3);
    assert_int_equal(f.opt.iter, 2);
    assert_int_equal(f.trainer.total_iters, 2);
    assert_int_equal(f.trainer.n_loss, 2);
    assert_non_null(f.spy.snapshot);
    assert_memory_equal(f.spy.cbow.W_in.value.data, f.spy.snapshot,
                        f.spy.cbow.W_in.value.size * sizeof(float));
    fixture_free(&f);
}

/*
 * trainer_fit_corpus makes each minibatch from the corpus; against
 * trainer_fit on create_contexts_target's arrays it must be bit-identical:
 * CBOW and SkipGram (negative sampling, Adam) on a 41-word corpus with
 * window 2 (37 pairs, batch 7: 5 iterations per epoch and a dropped tail
 * of 2), 3 epochs. The corpus run stops after 7 iterations (mid-epoch 2)
 * and a second fit finishes it, as a resumed run does. Same losses, same
 * params, same Adam moments, same shuffle order, same RNG state.
 */
typedef struct PathRun {
    CBOW cbow;
    SkipGram sg;
    Model model;
    Optimizer opt;
    Trainer trainer;
    Rng rng;
} PathRun;

enum { PC_N = 41, PC_V = 9, PC_W = 2, PC_B = 7 };

static void path_run_init(PathRun *r, const int32_t *corpus41, bool skipgram)
{
    memset(r, 0, sizeof *r);
    Word2VecConfig cfg = word2vec_default_config(PC_V);
    cfg.hidden_size = 4;
    cfg.window_size = PC_W;
    cfg.sample_size = 2;
    cfg.max_batch = PC_B;
    rng_seed(&r->rng, 11);
    DlfsError err = {0};
    if (skipgram) {
        assert_int_equal(skip_gram_init(&r->sg, &cfg, corpus41, PC_N, &r->rng, &err), DLFS_OK);
        skip_gram_as_model(&r->sg, &r->model);
    } else {
        assert_int_equal(cbow_init(&r->cbow, &cfg, corpus41, PC_N, &r->rng, &err), DLFS_OK);
        cbow_as_model(&r->cbow, &r->model);
    }
    assert_int_equal(r->model.context_width, 2 * PC_W);
    const OptimizerConfig oc = optimizer_default_config(OPTIMIZER_ADAM);
    optimizer_init(&r->opt, &oc, r->model.params, r->model.n_params);
    trainer_init(&r->trainer, &r->model, &r->opt);
    r->trainer.log = NULL;
    r->trainer.eval_interval = 2;
}

static void path_run_free(PathRun *r)
{
    trainer_free(&r->trainer);
    optimizer_free(&r->opt);
    r->model.ops->free(r->model.self);
}

static void test_corpus_path_bit_identical(void **state)
{
    (void)state;
    int32_t corpus41[PC_N];
    for (int i = 0; i < PC_N; i++) corpus41[i] = (i * 5 + i / 7) % PC_V;
    Int32Array contexts, target;
    DlfsError err = {0};
    assert_int_equal(create_contexts_target(corpus41, PC_N, PC_W, &contexts, &target, &err), DLFS_OK);
    assert_int_equal(target.size, 37);
    for (int skipgram = 0; skipgram <= 1; skipgram++) {
        PathRun a, b;
        path_run_init(&a, corpus41, skipgram);
        path_run_init(&b, corpus41, skipgram);
        assert_int_equal(trainer_fit(&a.trainer, contexts.data, target.data, target.size, 3, PC_B, &a.rng,
                                     &err), DLFS_OK);
        b.trainer.max_iters = 7;
        assert_int_equal(trainer_fit_corpus(&b.trainer, corpus41, PC_N, PC_W, 3, PC_B, &b.rng, &err),
                         DLFS_OK);
        assert_int_equal(b.trainer.total_iters, 7);
        assert_int_equal(b.trainer.iter_in_epoch, 2);
        b.trainer.max_iters = 0;
        assert_int_equal(trainer_fit_corpus(&b.trainer, corpus41, PC_N, PC_W, 3 - b.trainer.current_epoch,
                                            PC_B, &b.rng, &err), DLFS_OK);
        assert_int_equal(a.trainer.total_iters, 15);
        assert_int_equal(b.trainer.total_iters, 15);
        assert_int_equal(b.trainer.current_epoch, 3);
        assert_int_equal(a.trainer.n_loss, b.trainer.n_loss);
        for (size_t i = 0; i < a.trainer.n_loss; i++) {
            assert_int_equal(a.trainer.loss_list[i].iter, b.trainer.loss_list[i].iter);
            assert_memory_equal(&a.trainer.loss_list[i].loss, &b.trainer.loss_list[i].loss, sizeof(float));
        }
        for (int i = 0; i < a.model.n_params; i++) {
            const Tensor *x = &a.model.params[i]->value, *y = &b.model.params[i]->value;
            assert_memory_equal(x->data, y->data, x->size * sizeof(float));
            const size_t bytes = a.opt.adam.m[i].size * sizeof(float);
            assert_memory_equal(a.opt.adam.m[i].data, b.opt.adam.m[i].data, bytes);
            assert_memory_equal(a.opt.adam.v[i].data, b.opt.adam.v[i].data, bytes);
        }
        assert_int_equal(a.trainer.perm_size, 37);
        assert_int_equal(b.trainer.perm_size, 37);
        assert_memory_equal(a.trainer.perm, b.trainer.perm, 37 * sizeof(int32_t));
        assert_memory_equal(a.rng.s, b.rng.s, sizeof a.rng.s);
        /* and training did move the weights (the comparison is not of two untouched models) */
        PathRun fresh;
        path_run_init(&fresh, corpus41, skipgram);
        const Tensor *w0 = &fresh.model.params[0]->value, *w1 = &b.model.params[0]->value;
        assert_true(memcmp(w0->data, w1->data, w0->size * sizeof(float)) != 0);
        path_run_free(&fresh);
        path_run_free(&a);
        path_run_free(&b);
    }
    int32_array_free(&contexts);
    int32_array_free(&target);
}

/* trainer_fit_corpus's own errors: the window against the model and the corpus. */
static void test_corpus_path_errors(void **state)
{
    (void)state;
    Fixture f;
    fixture_init(&f, 6, 1);
    DlfsError err = {0};
    /* the spy's CBOW has window 1 (2 context columns) */
    assert_int_equal(trainer_fit_corpus(&f.trainer, corpus, 8, 2, 1, 2, &f.rng, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "window 2 does not fit the model's 2 context columns"));
    assert_int_equal(trainer_fit_corpus(&f.trainer, corpus, 8, 0, 1, 2, &f.rng, &err), DLFS_ERR_ARG);
    assert_string_equal(err.msg, "window must be >= 1, got 0");
    assert_int_equal(trainer_fit_corpus(&f.trainer, corpus, 2, 1, 1, 1, &f.rng, &err), DLFS_ERR_ARG);
    assert_string_equal(err.msg, "window 1 needs a corpus of more than 2 words, this one has 2");
    /* batch larger than the corpus's 6 pairs: trainer_fit's check */
    assert_int_equal(trainer_fit_corpus(&f.trainer, corpus, 8, 1, 1, 6, &f.rng, &err), DLFS_OK);
    assert_int_equal(f.spy.calls, 1);
    assert_int_equal(f.spy.batch[0], 6);
    fixture_free(&f);
    fixture_init(&f, 8, 1);
    assert_int_equal(trainer_fit_corpus(&f.trainer, corpus, 8, 1, 1, 7, &f.rng, &err), DLFS_ERR_ARG);
    assert_non_null(strstr(err.msg, "larger than the 6 training examples"));
    assert_int_equal(f.spy.calls, 0);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_records),
        cmocka_unit_test(test_tail_dropped_and_iter0_records),
        cmocka_unit_test(test_eval_interval_means),
        cmocka_unit_test(test_max_iters),
        cmocka_unit_test(test_second_fit_continues_epochs),
        cmocka_unit_test(test_csv_and_silent_log),
        cmocka_unit_test(test_argument_errors),
        cmocka_unit_test(test_max_grad_clips),
        cmocka_unit_test(test_nan_loss),
        cmocka_unit_test(test_corpus_path_bit_identical),
        cmocka_unit_test(test_corpus_path_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
