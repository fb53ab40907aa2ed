/*
 * test_fast_trainer.c — the fast trainer of `dlfs2 train --fast`
 * (training/fast_trainer.h) driving a tiny CBOW (V = 12, H = 4, window 2,
 * 2 negatives) on a 300-word periodic text in which words 10 and 11 never
 * occur. A spy model wraps each thread's CBOW to see every minibatch, the
 * negatives it drew and the weights before it, so the tests can redo each
 * step by hand:
 *   - one thread and the same seeds give the same bytes, and the records are
 *     the textbook's (epoch, iter, loss of the step; means over eval_interval);
 *   - FAST_SGD_LINEAR: a step moves the rows it touched by
 *     lr * B * decay * (the gradient of the batch-mean loss, from a separate
 *     CBOW on the same batch and negatives), decay = 1 - (e + s / S) / E
 *     floored at min_lr_ratio, and leaves every other row bit for bit;
 *   - FAST_LAZY_ADAM: the weights and the m, v state are a hand-rolled lazy
 *     Adam's (textbook formula, m and v of touched rows only, lr_t from the
 *     global step count); rows never touched keep their initial bytes;
 *   - two threads over one set of weights: the loss falls, the weights stay
 *     finite and shared, total_iters and max_iters count steps of all threads;
 *   - errors: the callback's, an epoch shorter than a batch, a NaN loss, a
 *     NaN or infinite weight in a row no step reads (the params check).
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

#include "training/fast_trainer.h"
#include "training/model.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "models/cbow.h"
#include "tests/testutil.h"

enum {
    V = 12, H = 4, WIN = 2, CW = 2 * WIN, S_NEG = 2, MAXB = 8,
    N_CORPUS = 300, N_ROWS = N_CORPUS - 2 * WIN,
    MAX_HIST = 64,          /* steps a spy keeps in full */
    MAX_THREADS = 2,
};

/* ------------------------------------------------------------------ data */

static int32_t corpus[N_CORPUS];
static int32_t contexts_all[N_ROWS * CW];
static int32_t target_all[N_ROWS];

/* A period-12 text over words 0..9 (3 three times a period): every window
 * of 4 context words names its target, so CBOW can learn it. */
static void make_data(void)
{
    static const int32_t period[12] = {3, 7, 0, 5, 9, 1, 3, 8, 2, 6, 4, 3};
    for (int i = 0; i < N_CORPUS; i++) corpus[i] = period[i % 12];
    /* create_contexts_target: offsets -2, -1, +1, +2 */
    for (int t = WIN; t < N_CORPUS - WIN; t++) {
        const int r = t - WIN;
        int c = 0;
        for (int o = -WIN; o <= WIN; o++)
            if (o != 0) contexts_all[r * CW + c++] = corpus[t + o];
        target_all[r] = corpus[t];
    }
}

static Word2VecConfig tiny_config(void)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = WIN;
    cfg.sample_size = S_NEG;
    cfg.max_batch = MAXB;
    return cfg;
}

/* --------------------------------------------------------------- the spy */

/* One recorded step: the batch, the negatives the model drew, its loss. */
typedef struct Step {
    int B;
    int32_t ctx[MAXB * CW];
    int32_t tgt[MAXB];
    int32_t neg[MAXB * S_NEG];
    float loss;
} Step;

typedef struct Spy {
    CBOW cbow;
    Model inner;                /* the CBOW's own interface */
    Model model;                /* the spy's, given to the trainer */
    long calls;                 /* forwards so far */
    Step hist[MAX_HIST];        /* the first MAX_HIST steps */
    Step last;                  /* the latest step */
    float before_in[V * H];     /* W_in and W_out when the latest forward began */
    float before_out[V * H];
    long nan_at;                /* the call whose loss becomes NaN, or -1 */
    long poison_at;             /* the call before whose forward W_out[11][0] (word 11 never
                                   occurs, so no step reads it) becomes +inf, or -1 */
} Spy;

static float spy_forward(void *self, const int32_t *contexts, const int32_t *target, int B, Rng *rng)
{
    Spy *s = self;
    if (s->calls == s->poison_at) s->cbow.W_out.value.data[11 * H] = INFINITY;
    memcpy(s->before_in, s->cbow.W_in.value.data, sizeof s->before_in);
    memcpy(s->before_out, s->cbow.W_out.value.data, sizeof s->before_out);
    float loss = s->inner.ops->forward(s->inner.self, contexts, target, B, rng);
    if (s->calls == s->nan_at) loss = NAN;
    Step *st = &s->last;
    st->B = B;
    memcpy(st->ctx, contexts, (size_t)B * CW * sizeof *contexts);
    memcpy(st->tgt, target, (size_t)B * sizeof *target);
    memcpy(st->neg, s->cbow.negative_sample, (size_t)B * S_NEG * sizeof *st->neg);
    st->loss = loss;
    if (s->calls < MAX_HIST) s->hist[s->calls] = *st;
    s->calls++;
    return loss;
}

static void spy_backward(void *self)
{
    Spy *s = self;
    s->inner.ops->backward(s->inner.self);
}

static void spy_free(void *self)
{
    Spy *s = self;
    s->inner.ops->free(s->inner.self);
}

static const ModelOps spy_ops = {spy_forward, spy_backward, spy_free, NULL, NULL};

/*
 * T spies (heap, so the Models' self pointers stay valid), each a CBOW
 * initialised from `seed` (the same weights), models[t] their interfaces,
 * with models[1..T) sharing models[0]'s weights as cmd_train.c does.
 */
static Spy *spies_new(int T, const Word2VecConfig *cfg, uint64_t seed, Model *models)
{
    Spy *spies = calloc((size_t)T, sizeof *spies);
    assert_non_null(spies);
    for (int t = 0; t < T; t++) {
        Spy *s = &spies[t];
        Rng rng;
        rng_seed(&rng, seed);
        DlfsError err = {0};
        assert_int_equal(cbow_init(&s->cbow, cfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
        cbow_as_model(&s->cbow, &s->inner);
        s->model = s->inner;
        s->model.name = "spy";
        s->model.self = s;
        s->model.ops = &spy_ops;
        s->nan_at = -1;
        s->poison_at = -1;
        if (t > 0)
            for (int i = 0; i < s->model.n_params; i++)
                param_share_value(s->model.params[i], spies[0].model.params[i]);
        models[t] = s->model;
    }
    return spies;
}

static void spies_free(Spy *spies, int T)
{
    /* the copies first: their values belong to spies[0] */
    for (int t = T - 1; t >= 0; t--) spies[t].model.ops->free(spies[t].model.self);
    free(spies);
}

/* ---------------------------------------------------------- epoch feeds */

typedef struct Feed {
    int calls;              /* epochs asked for */
    int fail_at;            /* the epoch whose call fails (DLFS_ERR_IO), or -1 */
    int short_at;           /* the epoch that gets only short_n rows, or -1 */
    size_t short_n;
    int stop_at;            /* the epoch whose call sets *stop (as a signal would), or -1 */
    volatile sig_atomic_t *stop;
} Feed;

static int feed_epoch(void *ctx, int epoch, const int32_t **contexts, const int32_t **target,
                      size_t *n, DlfsError *err)
{
    Feed *f = ctx;
    f->calls++;
    if (epoch == f->fail_at) return dlfs_fail(err, DLFS_ERR_IO, "no rows for epoch %d", epoch);
    if (epoch == f->stop_at) *f->stop = 1;
    *contexts = contexts_all;
    *target = target_all;
    *n = epoch == f->short_at ? f->short_n : N_ROWS;
    return DLFS_OK;
}

static Feed feed_plain(void)
{
    return (Feed){.calls = 0, .fail_at = -1, .short_at = -1, .short_n = 0, .stop_at = -1, .stop = NULL};
}

static FastTrainerConfig base_config(int threads, int batch, int epochs, FastOptimizerKind opt)
{
    FastTrainerConfig cfg = fast_trainer_default_config();
    cfg.threads = threads;
    cfg.batch_size = batch;
    cfg.epochs = epochs;
    cfg.optimizer = opt;
    cfg.eval_interval = 1;
    cfg.log = NULL;
    return cfg;
}

static void seed_rngs(Rng *rngs, int T, uint64_t seed)
{
    for (int t = 0; t < T; t++) rng_seed(&rngs[t], seed + 1000u * (uint64_t)t);
}

/* One run from fresh weights (model seed 7): the trainer's status; the final
 * W_in and W_out into w_in, w_out (V * H each) when non-NULL. */
typedef struct Run {
    Spy *spies;
    Model models[MAX_THREADS];
    FastTrainer tr;
    Rng rngs[MAX_THREADS];
    Feed feed;
    DlfsError err;
    int status;
} Run;

static void run_start(Run *r, const FastTrainerConfig *cfg, uint64_t rng_seed_value)
{
    memset(r, 0, sizeof *r);
    const Word2VecConfig mcfg = tiny_config();
    r->spies = spies_new(cfg->threads, &mcfg, 7, r->models);
    fast_trainer_init(&r->tr, cfg, r->models);
    seed_rngs(r->rngs, cfg->threads, rng_seed_value);
    r->feed = feed_plain();
}

static void run_fit(Run *r)
{
    r->status = fast_trainer_fit(&r->tr, feed_epoch, &r->feed, r->rngs, &r->err);
}

static void run_end(Run *r)
{
    const int T = r->tr.cfg.threads;
    fast_trainer_free(&r->tr);
    spies_free(r->spies, T);
}

static float *w_in_of(Run *r)
{
    return r->spies[0].cbow.W_in.value.data;
}

static float *w_out_of(Run *r)
{
    return r->spies[0].cbow.W_out.value.data;
}

/* The CBOW that every run starts from (model seed 7), for references. */
static void reference_cbow(CBOW *ref)
{
    const Word2VecConfig mcfg = tiny_config();
    Rng rng;
    rng_seed(&rng, 7);
    DlfsError err = {0};
    assert_int_equal(cbow_init(ref, &mcfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
}

/* The dense gradients of step st's batch-mean loss at the reference's weights. */
static float reference_grads(CBOW *ref, const Step *st)
{
    tensor_zero(&ref->W_in.grad);
    tensor_zero(&ref->W_out.grad);
    param_zero_grad(&ref->W_in);   /* clears the row marks too */
    param_zero_grad(&ref->W_out);
    const float loss = cbow_forward(ref, st->ctx, st->tgt, st->neg, st->B);
    cbow_backward(ref);
    return loss;
}

/* touched_in[w] / touched_out[w] = 1 for the rows step st reads. */
static void step_rows(const Step *st, uint8_t *touched_in, uint8_t *touched_out)
{
    memset(touched_in, 0, V);
    memset(touched_out, 0, V);
    for (int i = 0; i < st->B * CW; i++)
        if (st->ctx[i] >= 0) touched_in[st->ctx[i]] = 1;
    for (int b = 0; b < st->B; b++) touched_out[st->tgt[b]] = 1;
    for (int i = 0; i < st->B * S_NEG; i++) touched_out[st->neg[i]] = 1;
}

static bool all_finite(const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return false;
    return true;
}

/* ------------------------------------------------------------ the tests */

/* One thread, the same seeds: the same bytes, losses and records. A
 * different sampling seed gives other weights (so the test can see a difference). */
static void check_deterministic(FastOptimizerKind opt, float lr)
{
    FastTrainerConfig cfg = base_config(1, 4, 3, opt);
    cfg.lr = lr;
    Run a, b, c;
    run_start(&a, &cfg, 11);
    run_fit(&a);
    run_start(&b, &cfg, 11);
    run_fit(&b);
    run_start(&c, &cfg, 12);
    run_fit(&c);
    assert_int_equal(a.status, DLFS_OK);
    assert_int_equal(b.status, DLFS_OK);
    assert_int_equal(c.status, DLFS_OK);
    assert_memory_equal(w_in_of(&a), w_in_of(&b), V * H * sizeof(float));
    assert_memory_equal(w_out_of(&a), w_out_of(&b), V * H * sizeof(float));
    assert_memory_not_equal(w_in_of(&a), w_in_of(&c), V * H * sizeof(float));
    assert_int_equal(a.tr.n_loss, b.tr.n_loss);
    for (size_t i = 0; i < a.tr.n_loss; i++) assert_true(a.tr.loss_list[i].loss == b.tr.loss_list[i].loss);
    run_end(&a);
    run_end(&b);
    run_end(&c);
}

static void test_one_thread_deterministic(void **state)
{
    (void)state;
    check_deterministic(FAST_LAZY_ADAM, 0.01f);
    check_deterministic(FAST_SGD_LINEAR, 0.05f);
}

/* With one thread and eval_interval 1 each record is one step: epoch e + 1,
 * iter s + 1 of S = N_ROWS / B (the tail dropped), the step's own loss;
 * with eval_interval 3 each record is the mean of three steps' losses. The
 * log and csv lines are the textbook's. */
static void test_records_one_thread(void **state)
{
    (void)state;
    enum { B = 4, E = 2, S = N_ROWS / B };
    FastTrainerConfig cfg = base_config(1, B, E, FAST_LAZY_ADAM);
    cfg.max_iters = 0;
    Run r;
    run_start(&r, &cfg, 3);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_int_equal(r.tr.total_iters, E * S);
    assert_int_equal(r.tr.step, E * S);
    assert_true(r.tr.total_rows == (double)(E * S * B));
    assert_int_equal(r.feed.calls, E);
    assert_int_equal(r.spies[0].calls, E * S);
    assert_int_equal(r.tr.n_loss, E * S);
    for (size_t i = 0; i < r.tr.n_loss; i++) {
        assert_int_equal(r.tr.loss_list[i].epoch, (int)(i / S) + 1);
        assert_int_equal(r.tr.loss_list[i].iter, (int)(i % S) + 1);
        if (i < MAX_HIST) assert_true(r.tr.loss_list[i].loss == r.spies[0].hist[i].loss);
    }
    /* every step's batch is B whole rows of the data */
    for (int k = 0; k < MAX_HIST; k++) {
        const Step *st = &r.spies[0].hist[k];
        assert_int_equal(st->B, B);
        for (int b = 0; b < B; b++) {
            bool found = false;
            for (int row = 0; row < N_ROWS && !found; row++)
                found = target_all[row] == st->tgt[b] &&
                        memcmp(contexts_all + row * CW, st->ctx + b * CW, CW * sizeof(int32_t)) == 0;
            assert_true(found);
        }
    }
    run_end(&r);

    /* eval_interval 3, a log and a csv */
    char *log_buf = NULL, *csv_buf = NULL;
    size_t log_len = 0, csv_len = 0;
    cfg.eval_interval = 3;
    cfg.epochs = 1;
    cfg.log = open_memstream(&log_buf, &log_len);
    cfg.csv = open_memstream(&csv_buf, &csv_len);
    assert_non_null(cfg.log);
    assert_non_null(cfg.csv);
    run_start(&r, &cfg, 3);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    fclose(cfg.log);
    fclose(cfg.csv);
    /* as the textbook's Trainer: lines at steps 1, 4, 7, ..., each the mean
     * since the line before (step 1 alone, then steps 2-4, 5-7, ...) */
    assert_int_equal(r.tr.n_loss, (S + 2) / 3);
    assert_true(r.tr.loss_list[0].loss == r.spies[0].hist[0].loss);
    assert_int_equal(r.tr.loss_list[0].iter, 1);
    for (size_t i = 1; i < r.tr.n_loss && 3 * i < MAX_HIST; i++) {
        const Step *h = r.spies[0].hist;
        const double mean = ((double)h[3 * i - 2].loss + h[3 * i - 1].loss + h[3 * i].loss) / 3.0;
        assert_true(r.tr.loss_list[i].loss == (float)mean);
        assert_int_equal(r.tr.loss_list[i].iter, (int)(3 * i + 1));
    }
    char want[128];
    snprintf(want, sizeof want, "| epoch 1 |  iter 1 / %d | time 0[s] | loss %.2f\n", S,
             r.tr.loss_list[0].loss);
    assert_true(strncmp(log_buf, want, strlen(want)) == 0);
    snprintf(want, sizeof want, "1,1,");
    assert_true(strncmp(csv_buf, want, strlen(want)) == 0);
    snprintf(want, sizeof want, ",%.6f\n", r.tr.loss_list[0].loss);
    assert_contains(csv_buf, want);
    int lines = 0;
    for (const char *p = log_buf; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, (S + 2) / 3);
    free(log_buf);
    free(csv_buf);
    run_end(&r);
}

/* An epoch of exactly B rows is one step; 2B - 1 rows are one step too (the tail dropped). */
static void test_tail_dropped(void **state)
{
    (void)state;
    enum { B = 5, E = 3 };
    const size_t sizes[2] = {B, 2 * B - 1};
    for (int k = 0; k < 2; k++) {
        FastTrainerConfig cfg = base_config(1, B, E, FAST_SGD_LINEAR);
        Run r;
        run_start(&r, &cfg, 5);
        r.feed.short_at = 1;   /* only the middle epoch is short */
        r.feed.short_n = sizes[k];
        run_fit(&r);
        assert_int_equal(r.status, DLFS_OK);
        assert_int_equal(r.tr.total_iters, 2 * (N_ROWS / B) + 1);
        assert_int_equal(r.spies[0].calls, 2 * (N_ROWS / B) + 1);
        run_end(&r);
    }
}

/*
 * SGD with linear decay, one thread: step g (global, 0-based) of a run of E
 * epochs of S steps each. The weights after g steps (w_a) come from a run
 * stopped by max_iters = g, those after it (w_b) from max_iters = g + 1;
 * the step's gradient from a separate CBOW at w_a on the batch and
 * negatives the spy saw. Expected:
 *     w_b = w_a - (float)(lr * decay * B) * grad,
 *     decay = max(1 - (e + s / S) / E, min_lr_ratio),  e = g / S, s = g % S
 * on the rows the step touched, and w_b = w_a bit for bit on the others.
 */
static void check_sgd_step(int g, int E, float lr, float min_lr_ratio, double want_decay)
{
    enum { B = 4, S = N_ROWS / B };
    FastTrainerConfig cfg = base_config(1, B, E, FAST_SGD_LINEAR);
    cfg.lr = lr;
    cfg.min_lr_ratio = min_lr_ratio;
    cfg.shuffle = true;
    float w_a_in[V * H], w_a_out[V * H];
    CBOW ref;
    reference_cbow(&ref);
    if (g == 0) {
        memcpy(w_a_in, ref.W_in.value.data, sizeof w_a_in);
        memcpy(w_a_out, ref.W_out.value.data, sizeof w_a_out);
    } else {
        Run a;
        cfg.max_iters = g;
        run_start(&a, &cfg, 21);
        run_fit(&a);
        assert_int_equal(a.status, DLFS_OK);
        assert_int_equal(a.tr.total_iters, g);
        memcpy(w_a_in, w_in_of(&a), sizeof w_a_in);
        memcpy(w_a_out, w_out_of(&a), sizeof w_a_out);
        run_end(&a);
    }
    Run b;
    cfg.max_iters = g + 1;
    run_start(&b, &cfg, 21);
    run_fit(&b);
    assert_int_equal(b.status, DLFS_OK);
    assert_int_equal(b.tr.total_iters, g + 1);
    assert_int_equal(b.spies[0].calls, g + 1);
    /* the run to g + 1 passed through w_a: the spy saw it before the last step */
    assert_memory_equal(b.spies[0].before_in, w_a_in, sizeof w_a_in);
    assert_memory_equal(b.spies[0].before_out, w_a_out, sizeof w_a_out);

    const Step *st = &b.spies[0].last;
    memcpy(ref.W_in.value.data, w_a_in, sizeof w_a_in);
    memcpy(ref.W_out.value.data, w_a_out, sizeof w_a_out);
    const float loss = reference_grads(&ref, st);
    assert_true(loss == st->loss);

    /* the decay the caller worked out matches the formula */
    const int e = g / S, s = g % S;
    double decay = 1.0 - ((double)e + (double)s / S) / E;
    if (decay < min_lr_ratio) decay = min_lr_ratio;
    assert_close(decay, want_decay, 1e-12, 0);
    const float step = (float)((double)lr * decay * B);

    uint8_t t_in[V], t_out[V];
    step_rows(st, t_in, t_out);
    const float *w_b[2] = {w_in_of(&b), w_out_of(&b)};
    const float *w_a[2] = {w_a_in, w_a_out};
    const float *grad[2] = {ref.W_in.grad.data, ref.W_out.grad.data};
    const uint8_t *touched[2] = {t_in, t_out};
    int moved = 0;
    for (int p = 0; p < 2; p++) {
        double max_upd = 0.0;
        for (int i = 0; i < V * H; i++) max_upd = fmax(max_upd, fabs((double)step * grad[p][i]));
        assert_true(max_upd > 1e-6);
        for (int w = 0; w < V; w++) {
            const float *rb = w_b[p] + w * H, *ra = w_a[p] + w * H, *rg = grad[p] + w * H;
            if (!touched[p][w]) {
                assert_memory_equal(rb, ra, H * sizeof(float));
                for (int k = 0; k < H; k++) assert_true(rg[k] == 0.0f);
                continue;
            }
            for (int k = 0; k < H; k++) {
                const float want = ra[k] - step * rg[k];
                /* 1e-4 of the largest update: a decay off by one step in S E is 50x that */
                assert_close(rb[k], want, 1e-4 * max_upd + 1e-9, 0);
                moved += rb[k] != ra[k];
            }
        }
    }
    assert_true(moved > 0);
    run_end(&b);
    cbow_free(&ref);
}

static void test_sgd_linear_step(void **state)
{
    (void)state;
    enum { S = N_ROWS / 4 };
    /* the first step: the full rate, step = lr * B */
    check_sgd_step(0, 2, 0.05f, 1e-4f, 1.0);
    /* epoch 2 of 2, step 3 of S: 1 - (1 + 3 / S) / 2 */
    check_sgd_step(S + 3, 2, 0.05f, 1e-4f, 1.0 - (1.0 + 3.0 / S) / 2.0);
    /* the same step with the floor above it: min_lr_ratio 0.9 */
    check_sgd_step(S + 3, 2, 0.05f, 0.9f, (double)0.9f);
    /* epoch 1 of 3, step 10: decay (1 - 10 / S / 3) */
    check_sgd_step(10, 3, 0.05f, 1e-4f, 1.0 - (10.0 / S) / 3.0);
}

/*
 * Lazy Adam, one thread, 40 steps of batch 4, shuffled: the trainer's
 * weights and its m, v equal a hand-rolled lazy Adam's that redoes each
 * step on a separate CBOW with the spy's batches and negatives (textbook
 * common/optimizer.py Adam on the rows the step touched only, lr_t from the
 * global step t). Rows never touched keep their initial bytes (and m = v = 0).
 */
static void test_lazy_adam(void **state)
{
    (void)state;
    enum { B = 4, STEPS = 40 };
    const float lr = 0.01f, beta1 = 0.9f, beta2 = 0.999f;
    FastTrainerConfig cfg = base_config(1, B, 1, FAST_LAZY_ADAM);
    cfg.lr = lr;
    cfg.beta1 = beta1;
    cfg.beta2 = beta2;
    cfg.max_iters = STEPS;
    Run r;
    run_start(&r, &cfg, 31);
    CBOW ref;
    reference_cbow(&ref);
    float init_in[V * H], init_out[V * H];
    memcpy(init_in, ref.W_in.value.data, sizeof init_in);
    memcpy(init_out, ref.W_out.value.data, sizeof init_out);
    assert_memory_equal(w_in_of(&r), init_in, sizeof init_in);
    assert_memory_equal(w_out_of(&r), init_out, sizeof init_out);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_int_equal(r.tr.step, STEPS);
    assert_int_equal(r.spies[0].calls, STEPS);

    float m[2][V * H] = {{0}}, v[2][V * H] = {{0}};
    uint8_t ever[2][V] = {{0}}, last[2][V] = {{0}};
    Param *ps[2] = {&ref.W_in, &ref.W_out};
    for (int t = 1; t <= STEPS; t++) {
        const Step *st = &r.spies[0].hist[t - 1];
        const float loss = reference_grads(&ref, st);
        assert_true(loss == st->loss);
        step_rows(st, last[0], last[1]);
        const float lr_t = (float)(lr * sqrt(1.0 - pow(beta2, t)) / (1.0 - pow(beta1, t)));
        for (int p = 0; p < 2; p++)
            for (int w = 0; w < V; w++) {
                if (!last[p][w]) continue;
                ever[p][w] = 1;
                for (int k = 0; k < H; k++) {
                    const int i = w * H + k;
                    const float g = ps[p]->grad.data[i];
                    m[p][i] += (1.0f - beta1) * (g - m[p][i]);
                    v[p][i] += (1.0f - beta2) * (g * g - v[p][i]);
                    ps[p]->value.data[i] -= lr_t * m[p][i] / (sqrtf(v[p][i]) + 1e-7f);
                }
            }
    }
    const float *got[2] = {w_in_of(&r), w_out_of(&r)};
    const float *init[2] = {init_in, init_out};
    int lazy_rows = 0, untouched_rows = 0;
    for (int p = 0; p < 2; p++) {
        assert_close_array(got[p], ps[p]->value.data, V * H, 1e-6, 1e-5);
        assert_close_array(r.tr.m[p].data, m[p], V * H, 1e-7, 1e-4);
        assert_close_array(r.tr.v[p].data, v[p], V * H, 1e-10, 1e-4);
        for (int w = 0; w < V; w++) {
            if (!ever[p][w]) {
                untouched_rows++;
                assert_memory_equal(got[p] + w * H, init[p] + w * H, H * sizeof(float));
                for (int k = 0; k < H; k++) assert_true(r.tr.m[p].data[w * H + k] == 0.0f);
            }
            /* touched earlier, not in the last step: dense Adam would have moved it
             * by its momentum, lazy Adam must not */
            if (ever[p][w] && !last[p][w]) lazy_rows++;
        }
    }
    /* words 10 and 11 never occur: 2 rows of W_in and 2 of W_out at least */
    assert_true(untouched_rows >= 4);
    assert_true(lazy_rows >= 1);
    /* and the lazy rows did not move in the last step: the weights before it agree there */
    const float *before[2] = {r.spies[0].before_in, r.spies[0].before_out};
    for (int p = 0; p < 2; p++)
        for (int w = 0; w < V; w++)
            if (!last[p][w]) assert_memory_equal(got[p] + w * H, before[p] + w * H, H * sizeof(float));
    cbow_free(&ref);
    run_end(&r);
}

static double mean_record_loss(const FastTrainer *tr, size_t from, size_t to)
{
    double s = 0.0;
    for (size_t i = from; i < to; i++) s += tr->loss_list[i].loss;
    return s / (double)(to - from);
}

/*
 * Two threads (OpenMP) over one set of weights, batch 2 (148 steps an
 * epoch, so both threads get runs of steps), 20 epochs of lazy Adam: every
 * step is counted once, the loss falls far below its start (3 ln 2 = 2.08),
 * the weights are finite, and both models still read the one storage.
 */
static void test_two_threads_train(void **state)
{
    (void)state;
    enum { B = 2, E = 20, S = N_ROWS / B, T = 2 };
    FastTrainerConfig cfg = base_config(T, B, E, FAST_LAZY_ADAM);
    cfg.lr = 0.02f;
    cfg.eval_interval = 37;
    Run r;
    run_start(&r, &cfg, 41);
    float *shared_in = w_in_of(&r), *shared_out = w_out_of(&r);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_int_equal(r.tr.total_iters, E * S);
    assert_int_equal(r.tr.step, E * S);
    assert_true(r.tr.total_rows == (double)(E * S * B));
    assert_int_equal(r.spies[0].calls + r.spies[1].calls, E * S);
    assert_int_equal(r.feed.calls, E);
    assert_int_equal(r.tr.n_loss, (E * S) / 37);
    for (int t = 0; t < T; t++) {
        assert_ptr_equal(r.models[t].params[0]->value.data, shared_in);
        assert_ptr_equal(r.models[t].params[1]->value.data, shared_out);
        assert_true(r.models[t].params[0]->value_shared == (t > 0));
    }
    assert_true(all_finite(shared_in, V * H));
    assert_true(all_finite(shared_out, V * H));
    const double first = mean_record_loss(&r.tr, 0, 2), end = mean_record_loss(&r.tr, r.tr.n_loss - 4, r.tr.n_loss);
    print_message("# two threads: first records %.3f, last records %.3f (%ld + %ld steps)\n", first, end,
                  r.spies[0].calls, r.spies[1].calls);
    assert_true(first > 1.8);
    assert_true(end < 0.5 * first);
    /* each model's gradient is its own, and every touched row was zeroed after its update */
    for (int t = 0; t < T; t++)
        for (int i = 0; i < 2; i++) {
            const Param *p = r.models[t].params[i];
            assert_int_equal(p->n_touched, 0);
            for (size_t j = 0; j < p->grad.size; j++) assert_true(p->grad.data[j] == 0.0f);
        }
    assert_ptr_not_equal(r.models[0].params[0]->grad.data, r.models[1].params[0]->grad.data);
    run_end(&r);

    /* SGD with linear decay on two threads learns too */
    cfg.optimizer = FAST_SGD_LINEAR;
    cfg.lr = 0.25f;   /* per example: 0.05 falls only to 1.7 in 20 epochs */
    run_start(&r, &cfg, 42);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_int_equal(r.tr.total_iters, E * S);
    assert_int_equal(r.tr.step, 0);   /* lazy Adam's count only */
    assert_true(all_finite(w_in_of(&r), V * H));
    assert_true(all_finite(w_out_of(&r), V * H));
    const double sgd_first = mean_record_loss(&r.tr, 0, 2), sgd_end = mean_record_loss(&r.tr, r.tr.n_loss - 4, r.tr.n_loss);
    print_message("# two threads, SGD: first records %.3f, last records %.3f\n", sgd_first, sgd_end);
    assert_true(sgd_end < 0.5 * sgd_first);
    run_end(&r);
}

/* max_iters counts the steps of all threads, across epochs. */
static void test_two_threads_max_iters(void **state)
{
    (void)state;
    enum { B = 2, S = N_ROWS / B, T = 2, MAX = S + 52 };
    FastTrainerConfig cfg = base_config(T, B, 5, FAST_LAZY_ADAM);
    cfg.max_iters = MAX;
    Run r;
    run_start(&r, &cfg, 51);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_int_equal(r.tr.total_iters, MAX);
    assert_int_equal(r.tr.step, MAX);
    assert_int_equal(r.spies[0].calls + r.spies[1].calls, MAX);
    assert_int_equal(r.tr.n_loss, MAX);   /* eval_interval 1 */
    assert_int_equal(r.feed.calls, 2);    /* no third epoch asked for */
    assert_int_equal(r.tr.loss_list[r.tr.n_loss - 1].epoch, 2);
    run_end(&r);

    /* a limit inside the first epoch, one thread */
    cfg.threads = 1;
    cfg.max_iters = 5;
    run_start(&r, &cfg, 51);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_int_equal(r.tr.total_iters, 5);
    assert_int_equal(r.spies[0].calls, 5);
    assert_int_equal(r.feed.calls, 1);
    run_end(&r);
}

/* The callback's error comes back as it is, after the epochs before it trained. */
static void test_callback_error(void **state)
{
    (void)state;
    enum { B = 4, S = N_ROWS / B };
    FastTrainerConfig cfg = base_config(1, B, 3, FAST_LAZY_ADAM);
    Run r;
    run_start(&r, &cfg, 61);
    r.feed.fail_at = 1;
    run_fit(&r);
    assert_int_equal(r.status, DLFS_ERR_IO);
    assert_int_equal(r.err.status, DLFS_ERR_IO);
    assert_string_equal(r.err.msg, "no rows for epoch 1");
    assert_int_equal(r.feed.calls, 2);
    assert_int_equal(r.tr.total_iters, S);
    run_end(&r);

    /* failing at once: nothing trained */
    run_start(&r, &cfg, 61);
    r.feed.fail_at = 0;
    CBOW ref;
    reference_cbow(&ref);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_ERR_IO);
    assert_int_equal(r.tr.total_iters, 0);
    assert_memory_equal(w_in_of(&r), ref.W_in.value.data, V * H * sizeof(float));
    cbow_free(&ref);
    run_end(&r);
}

/*
 * The stop flag (Ctrl-C on `dlfs2 train --fast`): set before fit, nothing
 * is trained; set while epoch 2's rows are made, on 2 threads, no step of
 * epoch 2 starts, and fit returns DLFS_OK with stopped set, epoch 1's steps
 * and records kept.
 */
static void test_stop_flag(void **state)
{
    (void)state;
    enum { B = 4, S = N_ROWS / B };
    volatile sig_atomic_t stop = 1;
    FastTrainerConfig cfg = base_config(1, B, 3, FAST_SGD_LINEAR);
    cfg.stop = &stop;
    Run r;
    run_start(&r, &cfg, 91);
    CBOW ref;
    reference_cbow(&ref);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_true(r.tr.stopped);
    assert_int_equal(r.tr.stopped_epoch, 1);
    assert_int_equal(r.feed.calls, 0);
    assert_int_equal(r.tr.total_iters, 0);
    assert_memory_equal(w_in_of(&r), ref.W_in.value.data, V * H * sizeof(float));
    assert_memory_equal(w_out_of(&r), ref.W_out.value.data, V * H * sizeof(float));
    cbow_free(&ref);
    run_end(&r);

    stop = 0;
    cfg.threads = 2;
    run_start(&r, &cfg, 91);
    r.feed.stop_at = 1;
    r.feed.stop = &stop;
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_true(r.tr.stopped);
    assert_int_equal(r.tr.stopped_epoch, 2);
    assert_int_equal(r.feed.calls, 2);
    assert_int_equal(r.tr.total_iters, S);
    assert_int_equal(r.tr.n_loss, S);   /* a record per step (eval_interval 1), all of epoch 1 */
    assert_int_equal(r.tr.loss_list[S - 1].epoch, 1);
    int calls = 0;
    for (int t = 0; t < 2; t++) calls += r.spies[t].calls;
    assert_int_equal(calls, S);
    run_end(&r);

    /* never set: all 3 epochs, not stopped */
    stop = 0;
    run_start(&r, &cfg, 91);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_false(r.tr.stopped);
    assert_int_equal(r.tr.total_iters, 3 * S);
    run_end(&r);
}

/* An epoch with fewer rows than a batch is DLFS_ERR_ARG (also an empty one). */
static void test_short_epoch(void **state)
{
    (void)state;
    enum { B = 6, S = N_ROWS / B };
    const size_t sizes[2] = {B - 1, 0};
    for (int k = 0; k < 2; k++) {
        FastTrainerConfig cfg = base_config(1, B, 3, FAST_SGD_LINEAR);
        Run r;
        run_start(&r, &cfg, 71);
        r.feed.short_at = 1;
        r.feed.short_n = sizes[k];
        run_fit(&r);
        assert_int_equal(r.status, DLFS_ERR_ARG);
        char want[64];
        snprintf(want, sizeof want, "epoch 2 has %zu rows", sizes[k]);
        assert_contains(r.err.msg, want);
        assert_int_equal(r.tr.total_iters, S);   /* the first epoch only */
        assert_int_equal(r.feed.calls, 2);
        run_end(&r);
    }
}

/*
 * A NaN loss stops training with DLFS_ERR_NUMERIC naming the step. Two
 * ways: the spy turns the loss of call 9 into NaN; or a NaN weight (W_in of
 * the word first read as a context in step k, rows in corpus order) makes
 * the model's own loss NaN at step k. The failing step is not applied and
 * no step runs after it (one thread).
 */
static void test_nan_loss(void **state)
{
    (void)state;
    enum { B = 4 };
    FastTrainerConfig cfg = base_config(1, B, 2, FAST_LAZY_ADAM);
    cfg.shuffle = false;
    Run r;
    run_start(&r, &cfg, 81);
    r.spies[0].nan_at = 9;
    run_fit(&r);
    assert_int_equal(r.status, DLFS_ERR_NUMERIC);
    assert_contains(r.err.msg, "epoch 1, step 10");
    assert_int_equal(r.tr.total_iters, 9);
    assert_int_equal(r.spies[0].calls, 10);
    assert_memory_equal(w_in_of(&r), r.spies[0].before_in, V * H * sizeof(float));
    assert_memory_equal(w_out_of(&r), r.spies[0].before_out, V * H * sizeof(float));
    run_end(&r);

    /* a NaN weight: word 4 (corpus position 10) is first a context in row 6, step 2 */
    int first_row = -1;
    for (int row = 0; row < N_ROWS && first_row < 0; row++)
        for (int c = 0; c < CW; c++)
            if (contexts_all[row * CW + c] == 4) first_row = row;
    const int k = first_row / B + 1;   /* 1-based step */
    assert_int_equal(k, 2);
    FastOptimizerKind kinds[2] = {FAST_LAZY_ADAM, FAST_SGD_LINEAR};
    for (int o = 0; o < 2; o++) {
        cfg.optimizer = kinds[o];
        run_start(&r, &cfg, 82);
        w_in_of(&r)[4 * H + 1] = NAN;
        run_fit(&r);
        assert_int_equal(r.status, DLFS_ERR_NUMERIC);
        char want[64];
        snprintf(want, sizeof want, "epoch 1, step %d:", k);
        assert_contains(r.err.msg, want);
        assert_contains(r.err.msg, "nan");
        assert_int_equal(r.tr.total_iters, k - 1);
        assert_int_equal(r.feed.calls, 1);
        run_end(&r);
    }
}

/*
 * The params are checked, as the textbook's Trainer checks them, after each
 * epoch: a NaN or an infinity in a row no step reads (words 10 and 11 never
 * occur, so no loss sees it) stops training with DLFS_ERR_NUMERIC naming
 * the param, the epoch, its steps and the step in all after which the
 * params were last seen finite; the weight is left as it is. Three ways: a
 * NaN in W_in before the run (epoch 1 runs whole); +inf in W_out during
 * epoch 2 (after epoch 1 was checked); the same with max_iters ending the
 * run inside epoch 2 (the last, cut-short epoch is checked too). Both
 * optimizers.
 */
static void test_nan_param(void **state)
{
    (void)state;
    enum { B = 4, S = N_ROWS / B };
    const FastOptimizerKind kinds[2] = {FAST_LAZY_ADAM, FAST_SGD_LINEAR};
    for (int o = 0; o < 2; o++) {
        FastTrainerConfig cfg = base_config(1, B, 3, kinds[o]);
        Run r;
        char want[160];

        run_start(&r, &cfg, 95);
        w_in_of(&r)[10 * H + 2] = NAN;
        run_fit(&r);
        assert_int_equal(r.status, DLFS_ERR_NUMERIC);
        snprintf(want, sizeof want,
                 "W_in holds a NaN or an infinity after epoch 1, step %d (it was finite after "
                 "step 0 in all): training diverged", S);
        assert_string_equal(r.err.msg, want);
        assert_int_equal(r.tr.total_iters, S);
        assert_int_equal(r.feed.calls, 1);
        assert_true(isnan(w_in_of(&r)[10 * H + 2]));
        run_end(&r);

        run_start(&r, &cfg, 96);
        r.spies[0].poison_at = S + 3;
        run_fit(&r);
        assert_int_equal(r.status, DLFS_ERR_NUMERIC);
        snprintf(want, sizeof want,
                 "W_out holds a NaN or an infinity after epoch 2, step %d (it was finite after "
                 "step %d in all): training diverged", S, S);
        assert_string_equal(r.err.msg, want);
        assert_int_equal(r.tr.total_iters, 2 * S);
        assert_int_equal(r.feed.calls, 2);
        assert_true(isinf(w_out_of(&r)[11 * H]));
        run_end(&r);

        cfg.max_iters = S + 5;
        run_start(&r, &cfg, 97);
        r.spies[0].poison_at = S + 3;
        run_fit(&r);
        assert_int_equal(r.status, DLFS_ERR_NUMERIC);
        snprintf(want, sizeof want, "W_out holds a NaN or an infinity after epoch 2, step 5 (it "
                 "was finite after step %d in all): training diverged", S);
        assert_string_equal(r.err.msg, want);
        assert_int_equal(r.tr.total_iters, S + 5);
        run_end(&r);

        /* the same run without the poison ends well: the check itself is not what stops it */
        run_start(&r, &cfg, 97);
        run_fit(&r);
        assert_int_equal(r.status, DLFS_OK);
        assert_int_equal(r.tr.total_iters, S + 5);
        run_end(&r);
    }
}

/*
 * With two threads the progress lines still count the epoch's finished
 * steps: records at steps 1, 1 + interval, ... of each epoch, in order, as
 * the textbook's Trainer prints them.
 */
static void test_iter_counts_two_threads(void **state)
{
    (void)state;
    enum { B = 2, S = N_ROWS / B, T = 2 };
    FastTrainerConfig cfg = base_config(T, B, 3, FAST_LAZY_ADAM);
    cfg.eval_interval = 5;
    Run r;
    run_start(&r, &cfg, 91);
    run_fit(&r);
    assert_int_equal(r.status, DLFS_OK);
    assert_true(r.tr.n_loss > 3);
    for (size_t i = 0; i < r.tr.n_loss; i++) {
        const LossRecord *b = &r.tr.loss_list[i];
        const LossRecord *a = i > 0 ? &r.tr.loss_list[i - 1] : NULL;
        if (!a || a->epoch != b->epoch)
            assert_int_equal(b->iter, 1);
        else if (b->iter != a->iter + 5)
            fail_msg("record %zu: epoch %d iter %d after iter %d", i, b->epoch, b->iter, a->iter);
    }
    run_end(&r);
}


/* ------------------------------------- pairs made per batch, and streams */

/* fast_trainer_fit_corpus: fast_trainer_fit over the arrays, bit for bit (shuffled or not, both optimizers). */
static void test_fit_corpus_equals_arrays(void **state)
{
    (void)state;
    for (int k = 0; k < 4; k++) {
        FastTrainerConfig cfg = base_config(1, 4, 3, k < 2 ? FAST_LAZY_ADAM : FAST_SGD_LINEAR);
        cfg.lr = k < 2 ? 0.01f : 0.05f;
        cfg.shuffle = k % 2 == 0;
        Run a, b;
        run_start(&a, &cfg, 21);
        run_fit(&a);
        run_start(&b, &cfg, 21);
        b.status = fast_trainer_fit_corpus(&b.tr, corpus, N_CORPUS, WIN, b.rngs, &b.err);
        assert_int_equal(a.status, DLFS_OK);
        assert_int_equal(b.status, DLFS_OK);
        assert_int_equal(a.tr.total_iters, 3 * (N_ROWS / 4));
        assert_int_equal(b.tr.total_iters, a.tr.total_iters);
        assert_memory_equal(w_in_of(&a), w_in_of(&b), V * H * sizeof(float));
        assert_memory_equal(w_out_of(&a), w_out_of(&b), V * H * sizeof(float));
        assert_int_equal(a.tr.n_loss, b.tr.n_loss);
        for (size_t i = 0; i < a.tr.n_loss; i++) assert_true(a.tr.loss_list[i].loss == b.tr.loss_list[i].loss);
        run_end(&a);
        run_end(&b);
    }
    /* a corpus too short for the window */
    FastTrainerConfig cfg = base_config(1, 4, 1, FAST_LAZY_ADAM);
    Run c;
    run_start(&c, &cfg, 1);
    assert_int_equal(fast_trainer_fit_corpus(&c.tr, corpus, 2 * WIN, WIN, c.rngs, &c.err), DLFS_ERR_ARG);
    run_end(&c);
}

/* A FastStream over the arrays, in order: thread t takes the batches t, t + T, ... of an epoch. */
typedef struct TestStream {
    int threads, B, epochs_begun;
    long next[MAX_THREADS];     /* the next batch of each thread */
    long taken;                 /* batches taken this epoch, all threads */
    long fail_batch;            /* next_batch fails (DLFS_ERR_FORMAT) at this batch; -1 = never */
    size_t rows;                /* rows an epoch has */
    int64_t tokens;
} TestStream;

static int ts_begin(void *ctx, int epoch, DlfsError *err)
{
    (void)epoch;
    (void)err;
    TestStream *s = ctx;
    s->epochs_begun++;
    s->taken = 0;
    for (int t = 0; t < s->threads; t++) s->next[t] = t;
    return DLFS_OK;
}

static int ts_next(void *ctx, int thread, int32_t *contexts, int32_t *target, int B, DlfsError *err)
{
    TestStream *s = ctx;
    const long k = s->next[thread];
    if (k == s->fail_batch) return dlfs_fail(err, DLFS_ERR_FORMAT, "batch %ld is corrupt", k);
    if ((size_t)(k + 1) * (size_t)B > s->rows) return 0;
    s->next[thread] += s->threads;
    memcpy(contexts, contexts_all + (size_t)k * B * CW, (size_t)B * CW * sizeof *contexts);
    memcpy(target, target_all + (size_t)k * B, (size_t)B * sizeof *target);
#pragma omp atomic
    s->taken++;
#pragma omp atomic
    s->tokens += B;
    return 1;
}

/* fast_trainer_fit's progress for the step just taken: (batches taken before it) / (batches an epoch) */
static double ts_fraction(void *ctx)
{
    const TestStream *s = ctx;
    return (double)(s->taken - 1) / (double)(s->rows / (size_t)s->B);
}

static int64_t ts_tokens(void *ctx)
{
    const TestStream *s = ctx;
    return s->tokens;
}

static FastStream ts_source(TestStream *s)
{
    return (FastStream){ts_begin, ts_next, ts_fraction, ts_tokens, NULL, s};
}

/* One thread: a stream's fit is fast_trainer_fit's over the same rows in order, bit for bit. */
static void test_fit_stream_one_thread(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        FastTrainerConfig cfg = base_config(1, 4, 3, k == 0 ? FAST_LAZY_ADAM : FAST_SGD_LINEAR);
        cfg.lr = k == 0 ? 0.01f : 0.05f;
        cfg.shuffle = false;
        Run a, b;
        run_start(&a, &cfg, 31);
        run_fit(&a);
        run_start(&b, &cfg, 31);
        TestStream ts = {.threads = 1, .B = 4, .fail_batch = -1, .rows = N_ROWS};
        const FastStream src = ts_source(&ts);
        b.status = fast_trainer_fit_stream(&b.tr, &src, b.rngs, &b.err);
        assert_int_equal(b.status, DLFS_OK);
        assert_int_equal(ts.epochs_begun, 3);
        assert_int_equal(b.tr.total_iters, a.tr.total_iters);
        assert_memory_equal(w_in_of(&a), w_in_of(&b), V * H * sizeof(float));
        assert_memory_equal(w_out_of(&a), w_out_of(&b), V * H * sizeof(float));
        assert_int_equal(a.tr.n_loss, b.tr.n_loss);
        for (size_t i = 0; i < a.tr.n_loss; i++) {
            assert_true(a.tr.loss_list[i].loss == b.tr.loss_list[i].loss);
            assert_int_equal(a.tr.loss_list[i].iter, b.tr.loss_list[i].iter);
        }
        run_end(&a);
        run_end(&b);
    }
}

/* Two threads: every batch trained once; progress lines; max_iters; errors. */
static void test_fit_stream_two_threads(void **state)
{
    (void)state;
    FastTrainerConfig cfg = base_config(2, 4, 2, FAST_SGD_LINEAR);
    cfg.eval_interval = 10;
    FILE *log = tmpfile();
    assert_non_null(log);
    cfg.log = log;
    Run r;
    run_start(&r, &cfg, 41);
    TestStream ts = {.threads = 2, .B = 4, .fail_batch = -1, .rows = N_ROWS};
    FastStream src = ts_source(&ts);
    assert_int_equal(fast_trainer_fit_stream(&r.tr, &src, r.rngs, &r.err), DLFS_OK);
    assert_int_equal(r.tr.total_iters, 2 * (N_ROWS / 4));
    assert_int_equal(ts.tokens, 2 * (N_ROWS / 4) * 4);
    assert_true(all_finite(w_in_of(&r), V * H));
    /* the lines: "| epoch E |  iter I | P% done | W words/s | time S[s] | loss L" at I = 1, 11, ... */
    rewind(log);
    char line[256];
    int lines = 0, e, i, sec;
    double p, w, l;
    while (fgets(line, sizeof line, log)) {
        assert_int_equal(sscanf(line, "| epoch %d |  iter %d | %lf%% done | %lf words/s | time %d[s] | loss %lf", &e,
                                &i, &p, &w, &sec, &l),
                         6);
        assert_int_equal((i - 1) % 10, 0);
        assert_true(p >= 0.0 && p <= 100.0 && w >= 0.0 && l > 0.0);
        lines++;
    }
    assert_int_equal((size_t)lines, r.tr.n_loss);
    assert_int_equal(lines, 2 * ((N_ROWS / 4 - 1) / 10 + 1));
    fclose(log);
    run_end(&r);

    /* max_iters stops it mid-epoch */
    cfg = base_config(2, 4, 2, FAST_LAZY_ADAM);
    cfg.max_iters = 7;
    run_start(&r, &cfg, 41);
    ts = (TestStream){.threads = 2, .B = 4, .fail_batch = -1, .rows = N_ROWS};
    src = ts_source(&ts);
    assert_int_equal(fast_trainer_fit_stream(&r.tr, &src, r.rngs, &r.err), DLFS_OK);
    assert_int_equal(r.tr.total_iters, 7);
    assert_int_equal(ts.epochs_begun, 1);
    run_end(&r);

    /* a reader's error reaches the caller, with its message */
    cfg = base_config(2, 4, 2, FAST_LAZY_ADAM);
    run_start(&r, &cfg, 41);
    ts = (TestStream){.threads = 2, .B = 4, .fail_batch = 9, .rows = N_ROWS};
    src = ts_source(&ts);
    assert_int_equal(fast_trainer_fit_stream(&r.tr, &src, r.rngs, &r.err), DLFS_ERR_FORMAT);
    assert_string_equal(r.err.msg, "batch 9 is corrupt");
    assert_true(r.tr.total_iters < N_ROWS / 4);
    run_end(&r);

    /* an epoch without a whole batch */
    cfg = base_config(2, 4, 2, FAST_LAZY_ADAM);
    run_start(&r, &cfg, 41);
    ts = (TestStream){.threads = 2, .B = 4, .fail_batch = -1, .rows = 3};
    src = ts_source(&ts);
    assert_int_equal(fast_trainer_fit_stream(&r.tr, &src, r.rngs, &r.err), DLFS_ERR_ARG);
    assert_non_null(strstr(r.err.msg, "epoch 1 gave no whole batch of 4 rows"));
    run_end(&r);
}

static int group_setup(void **state)
{
    (void)state;
    make_data();
    return 0;
}

/*
 * fast_trainer_merge_local: each thread adds only its own changes since
 * its last merge; two threads' changes both arrive, and after a merge the
 * thread's copy and base are the shared values.
 */
static void test_merge_local(void **state)
{
    (void)state;
    float shared[3] = {1.0f, 2.0f, -1.0f};
    float base0[3] = {1.0f, 2.0f, -1.0f}, local0[3] = {3.0f, 2.0f, -1.5f};   /* +2, 0, -0.5 */
    float base1[3] = {1.0f, 2.0f, -1.0f}, local1[3] = {0.0f, 2.25f, -1.0f};  /* -1, +0.25, 0 */
    fast_trainer_merge_local(shared, local0, base0, 3);
    assert_true(shared[0] == 3.0f && shared[1] == 2.0f && shared[2] == -1.5f);
    assert_memory_equal(local0, shared, sizeof shared);
    assert_memory_equal(base0, shared, sizeof shared);
    fast_trainer_merge_local(shared, local1, base1, 3);
    assert_true(shared[0] == 2.0f && shared[1] == 2.25f && shared[2] == -1.5f);   /* both threads' changes */
    assert_memory_equal(local1, shared, sizeof shared);
    /* thread 0 merges again with no change of its own: nothing moves, and its copy catches up */
    fast_trainer_merge_local(shared, local0, base0, 3);
    assert_true(shared[0] == 2.0f && shared[1] == 2.25f && shared[2] == -1.5f);
    assert_memory_equal(local0, shared, sizeof shared);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_thread_deterministic),
        cmocka_unit_test(test_records_one_thread),
        cmocka_unit_test(test_tail_dropped),
        cmocka_unit_test(test_merge_local),
        cmocka_unit_test(test_sgd_linear_step),
        cmocka_unit_test(test_lazy_adam),
        cmocka_unit_test(test_two_threads_train),
        cmocka_unit_test(test_two_threads_max_iters),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_short_epoch),
        cmocka_unit_test(test_nan_loss),
        cmocka_unit_test(test_nan_param),
        cmocka_unit_test(test_stop_flag),
        cmocka_unit_test(test_iter_counts_two_threads),
        cmocka_unit_test(test_fit_corpus_equals_arrays),
        cmocka_unit_test(test_fit_stream_one_thread),
        cmocka_unit_test(test_fit_stream_two_threads),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
