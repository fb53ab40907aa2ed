/*
 * test_dense_reference.c — the library's "textbook-exact" training steps
 * against a plain dense reference written here (issue 6).
 *
 * The library avoids V * H work per step: Embedding gradients are
 * row-tracked (common/param.h: param_zero_grad zeroes only the touched
 * rows), CBOW's 2w Embedding layers and SkipGram's 2w loss layers add into
 * one shared Param instead of the textbook's remove_duplicate, and Adam is
 * one dense pass (training/adam.h). The reference below does none of that. Per
 * step it zeroes full (V, H) gradients, runs the textbook's forward and
 * backward as plain loops in double (ch04/cbow.py, ch04/skip_gram.py,
 * ch04/negative_sampling_layer.py, common/layers.py), adds every repeated
 * id's contribution, and applies the textbook's Adam (common/optimizer.py)
 * to every element of both matrices:
 *
 *   CBOW      h = (1 / 2w) sum_i W_in[contexts[b, i]]
 *   SkipGram  h = W_in[target[b]]; one output loss per context position
 *   NEGSAMP   per label column, for the positive (t = 1) and each of its
 *             negatives (t = 0): s = W_out[id] . h, y = sigmoid(s), loss +=
 *             mean over the batch of -log y or -log(1 - y); ds = (y - t) / B,
 *             dW_out[id] += ds h, dh += ds W_out[id]
 *   SOFTMAX   s = h @ W_out (H, V), loss += mean over the batch of
 *             -log softmax(s)[label]; ds = (softmax(s) - onehot) / B
 *   backward  CBOW dW_in[contexts[b, i]] += dh / 2w; SkipGram dW_in[target] += dh
 *   Adam      lr_t = lr sqrt(1 - b2^t) / (1 - b1^t); m += (1 - b1)(g - m);
 *             v += (1 - b2)(g^2 - v); p -= lr_t m / (sqrt(v) + 1e-7)
 *
 * The library model and the reference start from the same weights (copied
 * after cbow_init / skip_gram_init), see the same minibatches (an Rng
 * shuffle of create_contexts_target's rows, as training/trainer.c does), and
 * the reference uses the negatives the library drew (read from the model
 * after forward). After every backward the library's gradients must equal
 * the reference's dense ones (also zero where the reference is zero, which
 * catches a row left stale by the row-tracked zeroing); the losses must
 * agree at every step and every weight after N_STEPS Adam steps.
 *
 * Negative control: a second reference whose row scatters ASSIGN (dW[id] =
 * d, the last write wins) instead of adding, run on the same batches and
 * draws, must end clearly away from the library in every run. The batches
 * are checked to repeat W_in rows (and, with negative sampling, W_out rows)
 * within one batch, so the test exercises exactly the sums the library
 * computes without remove_duplicate. Each case runs three seeds of shuffled
 * batches, and one fixed batch that repeats ids on purpose at every step.
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
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/util.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "models/word2vec.h"
#include "tests/testutil.h"

/* vocabulary, hidden size, window (contexts 2w wide), negatives, batch, steps */
enum { V = 12, H = 4, WIN = 2, CTX = 2 * WIN, S = 3, B = 6, N_STEPS = 50 };
enum { NW = V * H };   /* elements of W_in (V, H) and of W_out ((V, H) or (H, V)) */

/* Every id in [0, 12) with uneven counts: 0 is frequent (11 times, like
 * "the"), 1 and 2 common, 10 and 11 once each. */
static const int32_t corpus[] = {
    0, 1, 2, 0, 3, 4, 0, 5, 1, 6, 0, 2, 7, 8, 0, 1, 9, 0, 3, 10,
    0, 2, 11, 1, 0, 4, 6, 0, 1, 2, 5, 0, 7, 3, 0, 1, 9, 8, 2, 1,
};
enum { CORPUS_SIZE = sizeof corpus / sizeof corpus[0] };

/* The textbook's Adam defaults (common/optimizer.py), in double. */
static const double LR = 0.001, BETA1 = 0.9, BETA2 = 0.999, ADAM_EPS_REF = 1e-7;

/*
 * Tolerances, |lib - ref| <= atol + rtol * |ref|. The library runs in
 * float32, the reference in double, so the two drift apart by rounding
 * alone. The bounds hold the measured worst cases (printed on the
 * "# measured" lines) with a margin of more than 10x, and are tiny against
 * the errors this test is for: Adam moves a weight by up to lr = 1e-3 per
 * step whatever the size of its gradient, so a lost, doubled or stale row
 * gradient puts that weight ~1e-4 to 1e-3 off; the overwrite control ends
 * 1e-2 to 5e-2 away.
 *  - weights (|W| <= ~0.1 after moving up to 5e-2): float32 rounding of the
 *    weights (ulp ~ 7e-9 at 0.1) and of Adam's m / sqrt(v) accumulates over
 *    50 steps; measured at most 6e-8. The library's 1 - beta2 is
 *    1.0f - 0.999f = 9.99987e-4 (1.3e-5 relative below the textbook's 0.001,
 *    see test_adam.c), which changes each step by ~6.5e-6 relative: at most
 *    ~3e-7 in all, but far less in practice. atol 1e-6, rtol 1e-5.
 *  - gradients (elements up to 0.14; a few sums cancel to ~1e-8, below atol,
 *    and are checked through the weights instead): float32 sums of a few
 *    products on weights that differ by the drift above; measured at most
 *    3e-8. atol 1e-7, rtol 1e-4.
 *  - loss: a float32 sum of 4 (CBOW) to 16 (SkipGram) terms of ~0.7, ulp
 *    ~1e-6 at 11; measured at most 1.4e-6. atol 1e-5, rtol 1e-5.
 */
static const double PARAM_ATOL = 1e-6, PARAM_RTOL = 1e-5;
static const double GRAD_ATOL = 1e-7, GRAD_RTOL = 1e-4;
static const double LOSS_ATOL = 1e-5, LOSS_RTOL = 1e-5;

/* ---------------------------------------------------------- comparisons */

/* The largest |a - b| seen, and the largest |a - b| / (atol + rtol |b|) (<= 1 passes). */
typedef struct Diff {
    double max_abs;
    double worst;
} Diff;

static void diff_add(Diff *d, double a, double b, double atol, double rtol)
{
    const double e = fabs(a - b);
    const double r = e / (atol + rtol * fabs(b));
    if (!(e <= d->max_abs)) d->max_abs = e;   /* also NaN */
    if (!(r <= d->worst)) d->worst = r;
}

/* diff_add over a (n,) float32 against b (n,) double. */
static void diff_array(Diff *d, const float *a, const double *b, size_t n, double atol, double rtol)
{
    for (size_t i = 0; i < n; i++) diff_add(d, a[i], b[i], atol, rtol);
}

/* ------------------------------------------------------ dense reference */

typedef struct DenseRef {
    bool skip_gram;     /* SkipGram; else CBOW */
    bool softmax;       /* full softmax, W_out (H, V); else negative sampling, W_out (V, H) */
    bool overwrite;     /* negative control: row scatters assign instead of add */
    double W_in[NW];    /* (V, H) */
    double W_out[NW];   /* (V, H) or (H, V) */
    double dW_in[NW];   /* zeroed densely every step */
    double dW_out[NW];
    double m_in[NW], v_in[NW], m_out[NW], v_out[NW];
    int t;              /* Adam steps taken */
} DenseRef;

static void ref_init(DenseRef *r, bool skip_gram, bool softmax, bool overwrite, const float *W_in,
                     const float *W_out)
{
    memset(r, 0, sizeof *r);
    r->skip_gram = skip_gram;
    r->softmax = softmax;
    r->overwrite = overwrite;
    for (int j = 0; j < NW; j++) {
        r->W_in[j] = W_in[j];
        r->W_out[j] = W_out[j];
    }
}

/* dW[row, :] += coef * d (np.add.at), or = coef * d in the overwrite control. */
static void scatter_row(const DenseRef *r, double *dW, int32_t row, const double *d, double coef)
{
    double *g = dW + (size_t)row * H;
    for (int k = 0; k < H; k++) g[k] = (r->overwrite ? 0.0 : g[k]) + coef * d[k];
}

/*
 * Zeroes dW_in and dW_out (all V * H elements), then forward and backward
 * (dout = 1) for contexts (B, 2w), target (B,) and, for negative sampling,
 * neg (K, B, S) with K = 1 (CBOW) or 2w (SkipGram). Returns the loss.
 */
static double ref_forward_backward(DenseRef *r, const int32_t *contexts, const int32_t *target,
                                   const int32_t *neg)
{
    memset(r->dW_in, 0, sizeof r->dW_in);
    memset(r->dW_out, 0, sizeof r->dW_out);
    double h[B][H], dh[B][H];
    memset(dh, 0, sizeof dh);
    for (int b = 0; b < B; b++)
        for (int k = 0; k < H; k++) {
            if (r->skip_gram) {
                h[b][k] = r->W_in[target[b] * H + k];
            } else {
                double s = 0.0;
                for (int i = 0; i < CTX; i++) s += r->W_in[contexts[b * CTX + i] * H + k];
                h[b][k] = s / CTX;
            }
        }

    const int K = r->skip_gram ? CTX : 1;   /* label columns */
    double loss = 0.0;
    for (int c = 0; c < K; c++)
        for (int b = 0; b < B; b++) {
            const int32_t label = r->skip_gram ? contexts[b * CTX + c] : target[b];
            if (r->softmax) {
                double s[V], mx = -INFINITY, sum = 0.0;
                for (int v = 0; v < V; v++) {
                    s[v] = 0.0;
                    for (int k = 0; k < H; k++) s[v] += h[b][k] * r->W_out[k * V + v];
                    if (s[v] > mx) mx = s[v];
                }
                for (int v = 0; v < V; v++) sum += exp(s[v] - mx);
                for (int v = 0; v < V; v++) {
                    const double y = exp(s[v] - mx) / sum;
                    if (v == label) loss -= log(y) / B;
                    const double ds = (y - (v == label ? 1.0 : 0.0)) / B;
                    for (int k = 0; k < H; k++) {
                        r->dW_out[k * V + v] += h[b][k] * ds;
                        dh[b][k] += r->W_out[k * V + v] * ds;
                    }
                }
            } else {
                /* column 0: the positive; columns 1..S: its negatives */
                for (int j = 0; j <= S; j++) {
                    const int32_t id = j == 0 ? label : neg[((size_t)c * B + b) * S + (j - 1)];
                    const double t = j == 0 ? 1.0 : 0.0;
                    double s = 0.0;
                    for (int k = 0; k < H; k++) s += r->W_out[id * H + k] * h[b][k];
                    const double y = 1.0 / (1.0 + exp(-s));
                    /* the textbook adds 1e-7 inside the log: ~2e-7 per term here, ignored */
                    loss -= (j == 0 ? log(y) : log(1.0 - y)) / B;
                    const double ds = (y - t) / B;
                    for (int k = 0; k < H; k++) dh[b][k] += ds * r->W_out[id * H + k];
                    scatter_row(r, r->dW_out, id, h[b], ds);
                }
            }
        }

    for (int b = 0; b < B; b++) {
        if (r->skip_gram)
            scatter_row(r, r->dW_in, target[b], dh[b], 1.0);
        else
            for (int i = 0; i < CTX; i++) scatter_row(r, r->dW_in, contexts[b * CTX + i], dh[b], 1.0 / CTX);
    }
    return loss;
}

/* Textbook Adam on every element of W (n,) with gradient g, moments m and v. */
static void ref_adam_one(double *W, const double *g, double *m, double *v, size_t n, double lr_t)
{
    for (size_t j = 0; j < n; j++) {
        m[j] += (1.0 - BETA1) * (g[j] - m[j]);
        v[j] += (1.0 - BETA2) * (g[j] * g[j] - v[j]);
        W[j] -= lr_t * m[j] / (sqrt(v[j]) + ADAM_EPS_REF);
    }
}

static void ref_adam(DenseRef *r)
{
    r->t++;
    const double lr_t = LR * sqrt(1.0 - pow(BETA2, r->t)) / (1.0 - pow(BETA1, r->t));
    ref_adam_one(r->W_in, r->dW_in, r->m_in, r->v_in, NW, lr_t);
    ref_adam_one(r->W_out, r->dW_out, r->m_out, r->v_out, NW, lr_t);
}

/* -------------------------------------------------------- library side */

typedef struct Lib {
    bool skip_gram;
    CBOW cbow;
    SkipGram sg;
    Model model;
    Optimizer opt;
} Lib;

static void lib_init(Lib *l, bool skip_gram, Word2VecLoss loss, Rng *rng)
{
    memset(l, 0, sizeof *l);
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = WIN;
    cfg.sample_size = S;
    cfg.max_batch = B;
    cfg.loss = loss;
    DlfsError err = {0};
    l->skip_gram = skip_gram;
    if (skip_gram) {
        assert_int_equal(skip_gram_init(&l->sg, &cfg, corpus, CORPUS_SIZE, rng, &err), DLFS_OK);
        skip_gram_as_model(&l->sg, &l->model);
    } else {
        assert_int_equal(cbow_init(&l->cbow, &cfg, corpus, CORPUS_SIZE, rng, &err), DLFS_OK);
        cbow_as_model(&l->cbow, &l->model);
    }
    const OptimizerConfig ocfg = optimizer_default_config(OPTIMIZER_ADAM);
    /* the reference's constants are the textbook's, as the library's default */
    assert_true(ocfg.lr == (float)LR && ocfg.beta1 == (float)BETA1 && ocfg.beta2 == (float)BETA2);
    optimizer_init(&l->opt, &ocfg, l->model.params, l->model.n_params);
    assert_int_equal(l->model.n_params, 2);
    assert_int_equal(l->model.context_width, CTX);
    assert_int_equal((int)l->model.params[0]->value.size, NW);
    assert_int_equal((int)l->model.params[1]->value.size, NW);
}

static void lib_free(Lib *l)
{
    optimizer_free(&l->opt);
    l->model.ops->free(l->model.self);
}

/* The negatives of the last forward: (K, B, S), NULL for the softmax. */
static const int32_t *lib_negatives(const Lib *l)
{
    return l->skip_gram ? l->sg.negative_sample : l->cbow.negative_sample;
}

/* ---------------------------------------------------------------- a run */

typedef struct RunResult {
    Diff loss;                  /* per step */
    Diff grad;                  /* per step, W_in and W_out, after backward */
    Diff param;                 /* after N_STEPS */
    Diff control;               /* library vs the overwrite reference, after N_STEPS */
    double max_move;            /* largest |W - W_init| in the library */
    int moved;                  /* elements of W_in and W_out that moved by > PARAM_ATOL */
    int repeat_target;          /* batches with a target id twice */
    int repeat_in;              /* batches with a W_in row used twice */
    int repeat_out;             /* batches with a W_out row used twice (labels, negatives) */
} RunResult;

/* 1 when some id occurs twice in ids (n,), each in [0, V). */
static int has_repeat(const int32_t *ids, size_t n)
{
    int seen[V] = {0};
    for (size_t i = 0; i < n; i++)
        if (seen[ids[i]]++) return 1;
    return 0;
}

/* Counts into res the kinds of repeated ids the batch holds. */
static void count_repeats(RunResult *res, bool skip_gram, bool softmax, const int32_t *contexts,
                          const int32_t *target, const int32_t *neg)
{
    res->repeat_target += has_repeat(target, B);
    res->repeat_in += skip_gram ? has_repeat(target, B) : has_repeat(contexts, (size_t)B * CTX);
    if (softmax) return;   /* the softmax's W_out gradient is one dense matmul */
    /* the W_out rows one output layer (label column c) touches */
    const int K = skip_gram ? CTX : 1;
    int any = 0;
    for (int c = 0; c < K; c++) {
        int32_t ids[B * (1 + S)];
        for (int b = 0; b < B; b++) {
            ids[b * (1 + S)] = skip_gram ? contexts[b * CTX + c] : target[b];
            for (int j = 0; j < S; j++) ids[b * (1 + S) + 1 + j] = neg[((size_t)c * B + b) * S + j];
        }
        any |= has_repeat(ids, sizeof ids / sizeof ids[0]);
    }
    res->repeat_out += any;
}

/*
 * N_STEPS training steps of the library model (skip_gram, loss) next to the
 * dense reference and the overwrite control, from seed; fills *res and
 * prints the measured differences on a TAP comment line. Each step's
 * minibatch is the next B rows of an Rng shuffle of create_contexts_target's
 * rows, or the rows fixed_rows (B,) when that is not NULL.
 */
static void run_comparison(bool skip_gram, Word2VecLoss loss, uint64_t seed,
                           const int32_t *fixed_rows, RunResult *res)
{
    memset(res, 0, sizeof *res);
    const bool softmax = loss == WORD2VEC_LOSS_SOFTMAX;
    Rng rng;
    rng_seed(&rng, seed);
    Lib *lib = malloc(sizeof *lib);
    DenseRef *ref = malloc(sizeof *ref), *ctl = malloc(sizeof *ctl);
    assert_non_null(lib);
    assert_non_null(ref);
    assert_non_null(ctl);
    lib_init(lib, skip_gram, loss, &rng);
    Param *W_in = lib->model.params[0], *W_out = lib->model.params[1];
    ref_init(ref, skip_gram, softmax, false, W_in->value.data, W_out->value.data);
    ref_init(ctl, skip_gram, softmax, true, W_in->value.data, W_out->value.data);
    float W_in0[NW], W_out0[NW];
    memcpy(W_in0, W_in->value.data, sizeof W_in0);
    memcpy(W_out0, W_out->value.data, sizeof W_out0);

    Int32Array contexts, target;
    DlfsError err = {0};
    assert_int_equal(create_contexts_target(corpus, CORPUS_SIZE, WIN, &contexts, &target, &err),
                     DLFS_OK);
    const size_t n_rows = target.size;
    assert_int_equal(n_rows, CORPUS_SIZE - 2 * WIN);
    int32_t *perm = malloc(n_rows * sizeof *perm);
    assert_non_null(perm);
    for (size_t i = 0; i < n_rows; i++) perm[i] = (int32_t)i;
    const int iters_per_epoch = (int)(n_rows / B);

    int32_t batch_contexts[B * CTX], batch_target[B];
    for (int step = 0; step < N_STEPS; step++) {
        /* as training/trainer.c: shuffle once per epoch, then consecutive slices */
        const int it = step % iters_per_epoch;
        if (it == 0) rng_shuffle_int32(&rng, perm, n_rows);
        for (int b = 0; b < B; b++) {
            const int32_t row = fixed_rows ? fixed_rows[b] : perm[it * B + b];
            memcpy(batch_contexts + b * CTX, contexts.data + (size_t)row * CTX, sizeof(int32_t) * CTX);
            batch_target[b] = target.data[row];
        }

        for (int i = 0; i < lib->model.n_params; i++) param_zero_grad(lib->model.params[i]);
        const float lib_loss = lib->model.ops->forward(lib->model.self, batch_contexts, batch_target, B,
                                                       &rng);
        lib->model.ops->backward(lib->model.self);
        const int32_t *neg = lib_negatives(lib);
        assert_true(softmax == (neg == NULL));
        count_repeats(res, skip_gram, softmax, batch_contexts, batch_target, neg);

        const double ref_loss = ref_forward_backward(ref, batch_contexts, batch_target, neg);
        ref_forward_backward(ctl, batch_contexts, batch_target, neg);
        diff_add(&res->loss, lib_loss, ref_loss, LOSS_ATOL, LOSS_RTOL);
        diff_array(&res->grad, W_in->grad.data, ref->dW_in, NW, GRAD_ATOL, GRAD_RTOL);
        diff_array(&res->grad, W_out->grad.data, ref->dW_out, NW, GRAD_ATOL, GRAD_RTOL);

        optimizer_update(&lib->opt, lib->model.params, lib->model.n_params);
        ref_adam(ref);
        ref_adam(ctl);
    }

    diff_array(&res->param, W_in->value.data, ref->W_in, NW, PARAM_ATOL, PARAM_RTOL);
    diff_array(&res->param, W_out->value.data, ref->W_out, NW, PARAM_ATOL, PARAM_RTOL);
    diff_array(&res->control, W_in->value.data, ctl->W_in, NW, PARAM_ATOL, PARAM_RTOL);
    diff_array(&res->control, W_out->value.data, ctl->W_out, NW, PARAM_ATOL, PARAM_RTOL);
    for (int j = 0; j < NW; j++) {
        const double d_in = fabs((double)W_in->value.data[j] - W_in0[j]);
        const double d_out = fabs((double)W_out->value.data[j] - W_out0[j]);
        res->moved += (d_in > PARAM_ATOL) + (d_out > PARAM_ATOL);
        if (d_in > res->max_move) res->max_move = d_in;
        if (d_out > res->max_move) res->max_move = d_out;
    }

    printf("# measured %s %s %s batches, seed %llu: max |diff| loss %.3g, grad %.3g, param %.3g "
           "(worst/tol %.3g, %.3g, %.3g); overwrite control param %.3g (%.3g x tol); "
           "max move %.3g, %d of %d moved; repeats target %d, W_in %d, W_out %d of %d batches\n",
           skip_gram ? "SkipGram" : "CBOW", word2vec_loss_name(loss), fixed_rows ? "fixed" : "shuffled",
           (unsigned long long)seed,
           res->loss.max_abs, res->grad.max_abs, res->param.max_abs, res->loss.worst,
           res->grad.worst, res->param.worst, res->control.max_abs, res->control.worst,
           res->max_move, res->moved, 2 * NW, res->repeat_target, res->repeat_in, res->repeat_out,
           N_STEPS);

    free(perm);
    int32_array_free(&contexts);
    int32_array_free(&target);
    lib_free(lib);
    free(lib);
    free(ref);
    free(ctl);
}

/*
 * Rows of create_contexts_target's output (row r is corpus position r + 2)
 * for a batch that repeats ids on purpose: row 2 twice (target 3, contexts
 * 2 0 4 0: word 0 twice in one row), target 0 three times (rows 1, 4, 8),
 * and word 0 also a context of row 6 (0 5 6 0).
 */
static const int32_t repeat_rows[B] = {2, 1, 4, 2, 6, 8};

/*
 * The checks every run must pass: agreement at every step and at the end,
 * real movement, repeated ids in (nearly) every batch, and an overwrite
 * control far outside the tolerance.
 */
static void assert_agrees(const RunResult *res, bool softmax)
{
    assert_true(res->loss.worst <= 1.0);
    assert_true(res->grad.worst <= 1.0);
    assert_true(res->param.worst <= 1.0);
    /* the weights moved far beyond the tolerance: agreeing was not trivial */
    assert_true(res->max_move >= 1e-2);
    assert_true(res->moved >= NW);
    /* the batches repeat ids, and adding their gradients is what agrees */
    assert_true(res->repeat_in >= N_STEPS / 2);
    assert_true(res->repeat_target >= N_STEPS / 2);
    if (!softmax) assert_int_equal(res->repeat_out, N_STEPS);
    assert_true(res->control.worst >= 100.0);
    assert_true(res->control.max_abs >= 1e-3);
}

/* Three seeds of shuffled batches and one run of the fixed repeating batch. */
static void check_model(bool skip_gram, Word2VecLoss loss)
{
    const bool softmax = loss == WORD2VEC_LOSS_SOFTMAX;
    RunResult res;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        run_comparison(skip_gram, loss, seed, NULL, &res);
        assert_agrees(&res, softmax);
    }
    run_comparison(skip_gram, loss, 4, repeat_rows, &res);
    assert_agrees(&res, softmax);
    assert_int_equal(res.repeat_target, N_STEPS);
    assert_int_equal(res.repeat_in, N_STEPS);
}

/* ---------------------------------------------------------------- tests */

static void test_cbow_negsamp(void **state)
{
    (void)state;
    check_model(false, WORD2VEC_LOSS_NEGSAMP);
}

static void test_skip_gram_negsamp(void **state)
{
    (void)state;
    check_model(true, WORD2VEC_LOSS_NEGSAMP);
}

static void test_cbow_softmax(void **state)
{
    (void)state;
    check_model(false, WORD2VEC_LOSS_SOFTMAX);
}

static void test_skip_gram_softmax(void **state)
{
    (void)state;
    check_model(true, WORD2VEC_LOSS_SOFTMAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cbow_negsamp),
        cmocka_unit_test(test_skip_gram_negsamp),
        cmocka_unit_test(test_cbow_softmax),
        cmocka_unit_test(test_skip_gram_softmax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
