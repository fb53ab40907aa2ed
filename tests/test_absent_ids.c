/*
 * test_absent_ids.c — absent context ids (-1) in the chapter-4 models, as
 * `--preset word2vec` makes them (a context outside a shrunk window or a
 * sentence; models/word2vec_data.h):
 *   - SkipGram with negative sampling (models/word2vec_output.h): a label of
 *     -1 draws no negatives (block k of negative_sample holds column k's
 *     present rows in row order), adds no loss and no gradient; the loss is
 *     (sum over present (row, column) pairs of the pair's NS loss) / B, worked
 *     out here from the weights and the drawn negatives; the gradients match
 *     numerical ones with the negatives frozen; with no -1 the loss is the
 *     textbook's composition of K NegativeSamplingLoss layers, bit for bit.
 *   - CBOW (models/cbow.h): h is the mean of the present context rows; the
 *     loss by hand and a numerical gradient check; context_full_grad gives
 *     every context row the whole dh (not dh / count), which is not the
 *     gradient of the loss.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "training/model.h"
#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "layers/negative_sampling_loss.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "tests/testutil.h"

/* "you say goodbye and i say hello ." twice: 8 distinct words. */
static const int32_t corpus[16] = {0, 1, 2, 3, 4, 1, 5, 6, 0, 1, 2, 3, 4, 1, 5, 6};
enum { V = 8, N_CORPUS = 16, H = 4, S = 2, MAXB = 4 };

static Word2VecConfig tiny_config(int window)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = window;
    cfg.sample_size = S;
    cfg.max_batch = MAXB;
    return cfg;
}

static void fill_normal(Param *p, double scale, Rng *rng)
{
    for (size_t i = 0; i < p->value.size; i++) p->value.data[i] = (float)(scale * rng_normal(rng));
}

static double dot(const float *a, const float *b)
{
    double s = 0.0;
    for (int k = 0; k < H; k++) s += (double)a[k] * b[k];
    return s;
}

/* -log sigmoid(x) = log(1 + e^-x), stable both ways */
static double hand_softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* One positive and its negatives: -log sigmoid(h.W[pos]) - sum log(1 - sigmoid(h.W[neg])). */
static double pair_loss(const float *h, const float *W_out, int32_t pos, const int32_t *neg)
{
    double l = hand_softplus(-dot(h, W_out + (size_t)pos * H));
    for (int j = 0; j < S; j++) l += hand_softplus(dot(h, W_out + (size_t)neg[j] * H));
    return l;
}

/* ------------------------------------------------------------ SkipGram */

enum { SW = 2, SK = 2 * SW };   /* window 2: K = 4 label columns */

typedef struct SgCase {
    SkipGram m;
    Model model;
    int B;
    int32_t contexts[MAXB * SK];
    int32_t target[MAXB];
} SgCase;

static double sg_model_loss(void *p)
{
    SgCase *c = p;
    /* rng NULL: the negatives of the last draw */
    return c->model.ops->forward(c->model.self, c->contexts, c->target, c->B, NULL);
}

static void sg_case_init(SgCase *c, const int32_t *contexts, const int32_t *target, int B, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    const Word2VecConfig cfg = tiny_config(SW);
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(skip_gram_init(&c->m, &cfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
    fill_normal(&c->m.W_in, 1.0, &rng);
    fill_normal(&c->m.W_out, 1.0, &rng);
    skip_gram_as_model(&c->m, &c->model);
    c->B = B;
    memcpy(c->contexts, contexts, (size_t)B * SK * sizeof *contexts);
    memcpy(c->target, target, (size_t)B * sizeof *target);
}

/* The loss by hand: (1/B) * sum over present (b, k) of the pair's NS loss,
 * the negatives of (b, k) being entry i of block k, i = b's rank among the
 * present rows of column k. Also checks the block layout. */
static double sg_hand_loss(const SgCase *c)
{
    const int B = c->B;
    const float *W_in = c->m.W_in.value.data, *W_out = c->m.W_out.value.data;
    double total = 0.0;
    for (int k = 0; k < SK; k++) {
        const int32_t *block = c->m.negative_sample + (size_t)k * B * S;
        int i = 0;
        for (int b = 0; b < B; b++) {
            const int32_t label = c->contexts[b * SK + k];
            if (label < 0) continue;
            const int32_t *neg = block + (size_t)i * S;
            for (int j = 0; j < S; j++) {
                assert_true(neg[j] >= 0 && neg[j] < V);
                assert_int_not_equal(neg[j], label);   /* the textbook's sampler: never the label */
            }
            total += pair_loss(W_in + (size_t)c->target[b] * H, W_out, label, neg);
            i++;
        }
    }
    return total / B;
}

/* Draws with an rng, checks what was drawn and the loss by hand. */
static float sg_draw_and_check(SgCase *c, Rng *rng)
{
    const int B = c->B;
    const size_t total = (size_t)SK * B * S;
    for (size_t i = 0; i < total; i++) c->m.negative_sample[i] = -7;   /* sentinel */
    const float loss = c->model.ops->forward(c->model.self, c->contexts, c->target, B, rng);
    /* block k: its present rows' draws first, nothing drawn for the absent ones */
    for (int k = 0; k < SK; k++) {
        int present = 0;
        for (int b = 0; b < B; b++) present += c->contexts[b * SK + k] >= 0;
        const int32_t *block = c->m.negative_sample + (size_t)k * B * S;
        for (int i = 0; i < B * S; i++) {
            if (i < present * S)
                assert_true(block[i] >= 0 && block[i] < V);
            else
                assert_int_equal(block[i], -7);
        }
    }
    assert_close(loss, sg_hand_loss(c), 1e-5, 1e-5);
    /* frozen negatives: the same loss again */
    assert_true((float)sg_model_loss(c) == loss);
    return loss;
}

/* Copies of the gradients after one backward of the frozen forward. */
static void sg_grads(SgCase *c, float *dW_in, float *dW_out)
{
    tensor_zero(&c->m.W_in.grad);
    tensor_zero(&c->m.W_out.grad);
    param_zero_grad(&c->m.W_in);
    param_zero_grad(&c->m.W_out);
    sg_model_loss(c);
    c->model.ops->backward(c->model.self);
    memcpy(dW_in, c->m.W_in.grad.data, V * H * sizeof(float));
    memcpy(dW_out, c->m.W_out.grad.data, V * H * sizeof(float));
}

/*
 * Column 0 and 3 full (the textbook path), column 1 all absent, column 2
 * with one absent row; then a batch with a row whose labels are all absent.
 */
static void test_skip_gram_absent_loss_and_gradients(void **state)
{
    (void)state;
    const int32_t ctx1[4 * SK] = {
        1, -1, 3, 4,
        5, -1, -1, 0,
        0, -1, 6, 5,
        2, -1, 2, 6,
    };
    const int32_t tgt1[4] = {1, 2, 1, 6};
    const int32_t ctx2[3 * SK] = {
        -1, -1, -1, -1,
        1, 2, -1, 3,
        4, -1, -1, -1,
    };
    const int32_t tgt2[3] = {7, 0, 5};   /* word 7 is never a corpus word: no output row */
    const int32_t *ctxs[2] = {ctx1, ctx2};
    const int32_t *tgts[2] = {tgt1, tgt2};
    const int Bs[2] = {4, 3};
    for (int cs = 0; cs < 2; cs++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            SgCase c;
            sg_case_init(&c, ctxs[cs], tgts[cs], Bs[cs], seed);
            Rng rng;
            rng_seed(&rng, 100 + seed);
            sg_draw_and_check(&c, &rng);

            float dW_in[V * H], dW_out[V * H];
            sg_grads(&c, dW_in, dW_out);
            const double e_in = gradient_check_float32(c.m.W_in.value.data, dW_in, V * H, sg_model_loss, &c);
            const double e_out = gradient_check_float32(c.m.W_out.value.data, dW_out, V * H, sg_model_loss, &c);
            if (e_in > 1.0 || e_out > 1.0)
                print_message("# case %d seed %d: gradient errors %g %g\n", cs, (int)seed, e_in, e_out);
            assert_true(e_in <= 1.0);
            assert_true(e_out <= 1.0);
            /* only targets with a present label have a W_in gradient */
            for (int w = 0; w < V; w++) {
                bool has = false;
                for (int b = 0; b < c.B; b++)
                    if (c.target[b] == w)
                        for (int k = 0; k < SK; k++) has = has || c.contexts[b * SK + k] >= 0;
                for (int h = 0; h < H; h++) assert_true((dW_in[w * H + h] != 0.0f) == has);
            }
            /* and only W_out rows that are present labels or their negatives */
            bool out_row[V] = {false};
            for (int k = 0; k < SK; k++) {
                int i = 0;
                for (int b = 0; b < c.B; b++) {
                    const int32_t label = c.contexts[b * SK + k];
                    if (label < 0) continue;
                    out_row[label] = true;
                    for (int j = 0; j < S; j++) out_row[c.m.negative_sample[((size_t)k * c.B + i) * S + j]] = true;
                    i++;
                }
            }
            for (int w = 0; w < V; w++)
                if (!out_row[w])
                    for (int h = 0; h < H; h++) assert_true(dW_out[w * H + h] == 0.0f);
            skip_gram_free(&c.m);
        }
}

/* The absent pairs weigh nothing and the others are divided by B: adding a
 * row with every label absent to a batch scales the loss and the gradients
 * by B / (B + 1). */
static void test_skip_gram_absent_row_scales(void **state)
{
    (void)state;
    const int32_t ctx_a[2 * SK] = {1, 2, 3, 4, 5, 6, 0, 2};
    const int32_t tgt_a[2] = {3, 0};
    int32_t ctx_b[3 * SK];
    memcpy(ctx_b, ctx_a, sizeof ctx_a);
    for (int k = 0; k < SK; k++) ctx_b[2 * SK + k] = -1;
    const int32_t tgt_b[3] = {3, 0, 4};
    SgCase a, b;
    sg_case_init(&a, ctx_a, tgt_a, 2, 9);
    sg_case_init(&b, ctx_b, tgt_b, 3, 9);
    Rng ra, rb;
    rng_seed(&ra, 5);
    rng_seed(&rb, 5);
    const float la = sg_draw_and_check(&a, &ra);
    const float lb = sg_draw_and_check(&b, &rb);
    /* the present rows are the same, so the draws are the same */
    for (int k = 0; k < SK; k++)
        assert_memory_equal(a.m.negative_sample + (size_t)k * 2 * S, b.m.negative_sample + (size_t)k * 3 * S,
                            2 * S * sizeof(int32_t));
    assert_close(lb, la * 2.0 / 3.0, 1e-6, 1e-6);
    float ga_in[V * H], ga_out[V * H], gb_in[V * H], gb_out[V * H];
    sg_grads(&a, ga_in, ga_out);
    sg_grads(&b, gb_in, gb_out);
    for (int i = 0; i < V * H; i++) {
        assert_close(gb_in[i], ga_in[i] * 2.0 / 3.0, 1e-7, 1e-5);
        assert_close(gb_out[i], ga_out[i] * 2.0 / 3.0, 1e-7, 1e-5);
    }
    skip_gram_free(&a.m);
    skip_gram_free(&b.m);
}

/* With no -1 the loss is the textbook's: K NegativeSamplingLoss layers on
 * the label columns (bit for bit) and the hand formula. */
static void test_skip_gram_no_absent_is_textbook(void **state)
{
    (void)state;
    const int32_t ctx[3 * SK] = {1, 2, 3, 4, 5, 6, 0, 2, 0, 0, 6, 1};
    const int32_t tgt[3] = {3, 0, 4};
    SgCase c;
    sg_case_init(&c, ctx, tgt, 3, 13);
    Rng rng;
    rng_seed(&rng, 77);
    const float loss = sg_draw_and_check(&c, &rng);
    float h[3 * H];
    for (int b = 0; b < 3; b++) memcpy(h + b * H, c.m.W_in.value.data + tgt[b] * H, H * sizeof(float));
    NegativeSamplingLoss ns;
    negative_sampling_loss_init(&ns, &c.m.W_out, S, 3);
    float expect = 0.0f;
    for (int k = 0; k < SK; k++) {
        int32_t col[3];
        for (int b = 0; b < 3; b++) col[b] = ctx[b * SK + k];
        expect += negative_sampling_loss_forward(&ns, h, col, c.m.negative_sample + (size_t)k * 3 * S, 3);
    }
    assert_true(loss == expect);
    negative_sampling_loss_free(&ns);
    skip_gram_free(&c.m);
}

/* ----------------------------------------------------------------- CBOW */

enum { CW = 2, CK = 2 * CW, CB = 3 };

typedef struct CbowCase {
    CBOW m;
    int32_t contexts[CB * CK];
    int32_t target[CB];
    int32_t neg[CB * S];
} CbowCase;

static double cbow_case_loss(void *p)
{
    CbowCase *c = p;
    return cbow_forward(&c->m, c->contexts, c->target, c->neg, CB);
}

static void cbow_case_init(CbowCase *c, bool full_grad, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    Word2VecConfig cfg = tiny_config(CW);
    cfg.context_full_grad = full_grad;
    Rng rng;
    rng_seed(&rng, seed);
    DlfsError err = {0};
    assert_int_equal(cbow_init(&c->m, &cfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
    fill_normal(&c->m.W_in, 1.0, &rng);
    fill_normal(&c->m.W_out, 1.0, &rng);
    /* 3, 1 and 4 contexts present; word 0 twice in row 2; word 7 never a context */
    const int32_t contexts[CB * CK] = {
        1, -1, 3, 4,
        -1, -1, 5, -1,
        0, 2, 0, 6,
    };
    const int32_t target[CB] = {2, 3, 5};
    const int32_t neg[CB * S] = {0, 6, 1, 1, 4, 2};
    memcpy(c->contexts, contexts, sizeof contexts);
    memcpy(c->target, target, sizeof target);
    memcpy(c->neg, neg, sizeof neg);
}

static int row_count(const int32_t *ctx_row)
{
    int n = 0;
    for (int i = 0; i < CK; i++) n += ctx_row[i] >= 0;
    return n;
}

/* h = mean of the present rows; loss by hand; numerical gradients. */
static void test_cbow_absent(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        CbowCase c;
        cbow_case_init(&c, false, seed);
        const float loss = (float)cbow_case_loss(&c);
        float h[CB * H];
        double expect = 0.0;
        for (int b = 0; b < CB; b++) {
            const int n = row_count(c.contexts + b * CK);
            for (int k = 0; k < H; k++) {
                double s = 0.0;
                for (int i = 0; i < CK; i++) {
                    const int32_t id = c.contexts[b * CK + i];
                    if (id >= 0) s += c.m.W_in.value.data[id * H + k];
                }
                h[b * H + k] = (float)(s / n);
            }
            expect += pair_loss(h + b * H, c.m.W_out.value.data, c.target[b], c.neg + b * S);
        }
        assert_close_array(c.m.h, h, CB * H, 1e-6, 1e-6);
        /* row 1 has one context: h is that row itself, exactly */
        assert_memory_equal(c.m.h + 1 * H, c.m.W_in.value.data + 5 * H, H * sizeof(float));
        assert_close(loss, expect / CB, 1e-5, 1e-5);

        cbow_backward(&c.m);
        float dW_in[V * H], dW_out[V * H];
        memcpy(dW_in, c.m.W_in.grad.data, sizeof dW_in);
        memcpy(dW_out, c.m.W_out.grad.data, sizeof dW_out);
        assert_true(gradient_check_float32(c.m.W_in.value.data, dW_in, V * H, cbow_case_loss, &c) <= 1.0);
        assert_true(gradient_check_float32(c.m.W_out.value.data, dW_out, V * H, cbow_case_loss, &c) <= 1.0);
        for (int k = 0; k < H; k++) assert_true(dW_in[7 * H + k] == 0.0f);
        cbow_free(&c.m);
    }
}

/*
 * context_full_grad: the same loss and W_out gradient, and W_in's gradient
 * row w = sum over the (b, i) with contexts[b, i] = w of dh[b] (not
 * dh[b] / count[b]). With B = 1 that is count times the mean version's rows.
 * It is not the loss's gradient, which the gradient check sees.
 */
static void test_cbow_full_grad(void **state)
{
    (void)state;
    CbowCase mean, full;
    cbow_case_init(&mean, false, 21);
    cbow_case_init(&full, true, 21);
    assert_memory_equal(mean.m.W_in.value.data, full.m.W_in.value.data, V * H * sizeof(float));
    const float lm = (float)cbow_case_loss(&mean), lf = (float)cbow_case_loss(&full);
    assert_true(lm == lf);
    cbow_backward(&mean.m);
    cbow_backward(&full.m);
    assert_memory_equal(mean.m.W_out.grad.data, full.m.W_out.grad.data, V * H * sizeof(float));
    /* mean.m.dh is dh / count per row; full.m.dh is dh */
    float want_full[V * H] = {0}, want_mean[V * H] = {0};
    for (int b = 0; b < CB; b++) {
        const int n = row_count(mean.contexts + b * CK);
        for (int k = 0; k < H; k++) assert_close(full.m.dh[b * H + k], mean.m.dh[b * H + k] * n, 1e-7, 1e-6);
        for (int i = 0; i < CK; i++) {
            const int32_t id = mean.contexts[b * CK + i];
            if (id < 0) continue;
            for (int k = 0; k < H; k++) {
                want_full[id * H + k] += full.m.dh[b * H + k];
                want_mean[id * H + k] += mean.m.dh[b * H + k];
            }
        }
    }
    assert_close_array(full.m.W_in.grad.data, want_full, V * H, 1e-7, 1e-5);
    assert_close_array(mean.m.W_in.grad.data, want_mean, V * H, 1e-7, 1e-5);
    /* rows 1, 3, 4 come from row 0 only (3 contexts): exactly 3 times the mean version's */
    const int32_t only_row0[3] = {1, 3, 4};
    for (int j = 0; j < 3; j++)
        for (int k = 0; k < H; k++) {
            const int i = only_row0[j] * H + k;
            assert_true(mean.m.W_in.grad.data[i] != 0.0f);
            assert_close(full.m.W_in.grad.data[i], 3.0 * mean.m.W_in.grad.data[i], 1e-7, 1e-5);
        }
    /* not the gradient of the loss */
    float dW_in[V * H];
    memcpy(dW_in, full.m.W_in.grad.data, sizeof dW_in);
    assert_true(gradient_check_float32(full.m.W_in.value.data, dW_in, V * H, cbow_case_loss, &full) > 1.0);
    cbow_free(&mean.m);
    cbow_free(&full.m);
}

/* B = 1 with a repeated context: full-grad rows = count * mean rows. */
static void test_cbow_full_grad_one_row(void **state)
{
    (void)state;
    const int32_t contexts[CK] = {3, -1, 6, 3};
    const int32_t target[1] = {2};
    const int32_t neg[S] = {0, 5};
    CBOW m[2];
    for (int f = 0; f < 2; f++) {
        Word2VecConfig cfg = tiny_config(CW);
        cfg.context_full_grad = f == 1;
        Rng rng;
        rng_seed(&rng, 3);
        DlfsError err = {0};
        assert_int_equal(cbow_init(&m[f], &cfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
        fill_normal(&m[f].W_in, 1.0, &rng);
        fill_normal(&m[f].W_out, 1.0, &rng);
        (void)cbow_forward(&m[f], contexts, target, neg, 1);
        cbow_backward(&m[f]);
    }
    for (int i = 0; i < V * H; i++) assert_close(m[1].W_in.grad.data[i], 3.0 * m[0].W_in.grad.data[i], 1e-7, 1e-5);
    /* the row of word 3 holds two shares */
    for (int k = 0; k < H; k++) assert_close(m[1].W_in.grad.data[3 * H + k], 2.0 * m[1].W_in.grad.data[6 * H + k], 1e-7, 1e-5);
    assert_true(m[0].W_in.grad.data[3 * H] != 0.0f);
    cbow_free(&m[0]);
    cbow_free(&m[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skip_gram_absent_loss_and_gradients),
        cmocka_unit_test(test_skip_gram_absent_row_scales),
        cmocka_unit_test(test_skip_gram_no_absent_is_textbook),
        cmocka_unit_test(test_cbow_absent),
        cmocka_unit_test(test_cbow_full_grad),
        cmocka_unit_test(test_cbow_full_grad_one_row),
    };
    return cmocka_run_group_tests_name("absent_ids", tests, NULL, NULL);
}
