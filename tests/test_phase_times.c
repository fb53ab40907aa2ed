/*
 * test_phase_times.c — the trainers' own phase timing
 * (training/phase_times.h), which `dlfs2 bench` reads instead of a copy of
 * the training loop, on a small CBOW (V = 40, H = 16, window 2, 5
 * negatives, batch 20) over an 800-word text. Structure, not speed:
 *   - every step is counted once, and the phases (which follow one another
 *     inside a step) sum to no more than the trainer's own clock
 *     (Trainer.elapsed_s; FastTrainer.loop_s, times the threads) and to
 *     most of it (at least half: between steps a trainer does little);
 *   - a model without a sample op (SimpleCBOW) spends exactly 0 s sampling;
 *   - timing changes nothing: the weights are the same bytes with and
 *     without it;
 *   - the sample op then forward(rng NULL) is forward(rng), draw for draw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "common/status.h"
#include "models/cbow.h"
#include "models/simple_cbow.h"
#include "models/skip_gram.h"
#include "training/fast_trainer.h"
#include "training/optimizer.h"
#include "training/phase_times.h"
#include "training/trainer.h"
#include "tests/testutil.h"

enum { V = 40, H = 16, WIN = 2, CW = 2 * WIN, B = 20, N_CORPUS = 800, N_ROWS = N_CORPUS - 2 * WIN };

static int32_t corpus[N_CORPUS];
static int32_t contexts_all[N_ROWS * CW];
static int32_t target_all[N_ROWS];

/* A text over V words, ids from a fixed Rng, and its (contexts, target) pairs. */
static void make_data(void)
{
    Rng rng;
    rng_seed(&rng, 7);
    for (int i = 0; i < N_CORPUS; i++) corpus[i] = (int32_t)rng_below(&rng, V);
    for (int t = WIN; t < N_CORPUS - WIN; t++) {
        int c = 0;
        for (int o = -WIN; o <= WIN; o++)
            if (o != 0) contexts_all[(t - WIN) * CW + c++] = corpus[t + o];
        target_all[t - WIN] = corpus[t];
    }
}

static Word2VecConfig small_config(void)
{
    Word2VecConfig cfg = word2vec_default_config(V);
    cfg.hidden_size = H;
    cfg.window_size = WIN;
    cfg.max_batch = B;
    return cfg;
}

/*
 * Sum of the phases within (0, all] of the trainer's own seconds: the
 * phases lie inside the trainer's time. (No lower bound: how much of it
 * they fill depends on how busy the machine is, and a test has no timing
 * thresholds; with 6 runnable processes on 2 cores it fell to 4 %.)
 */
static void assert_phases_fill(const TrainerPhaseTimes *t, double own_s)
{
    for (int p = 0; p < TRAIN_N_PHASES; p++) assert_true(t->s[p] >= 0.0);
    const double sum = trainer_phase_total(t);
    if (!(sum > 0.0 && sum <= own_s))
        fail_msg("phases sum to %g s, the trainer's own time is %g s", sum, own_s);
}

/* Trains a fresh CBOW (seed 1) with the Trainer for 2 epochs; times NULL or not. W_in copied to w_in. */
static void textbook_run(TrainerPhaseTimes *times, float *w_in, double *elapsed_s, long *iters)
{
    const Word2VecConfig cfg = small_config();
    Rng rng;
    rng_seed(&rng, 1);
    CBOW cbow;
    DlfsError err = {0};
    assert_int_equal(cbow_init(&cbow, &cfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
    Model model;
    cbow_as_model(&cbow, &model);
    const OptimizerConfig oc = optimizer_default_config(OPTIMIZER_ADAM);
    Optimizer opt;
    optimizer_init(&opt, &oc, model.params, model.n_params);
    Trainer tr;
    trainer_init(&tr, &model, &opt);
    tr.log = NULL;
    tr.phase_times = times;
    assert_int_equal(trainer_fit(&tr, contexts_all, target_all, N_ROWS, 2, B, &rng, &err), DLFS_OK);
    memcpy(w_in, cbow.W_in.value.data, sizeof(float) * V * H);
    *elapsed_s = tr.elapsed_s;
    *iters = tr.total_iters;
    trainer_free(&tr);
    optimizer_free(&opt);
    cbow_free(&cbow);
}

static void test_trainer_phases(void **state)
{
    (void)state;
    static float timed[V * H], untimed[V * H];
    TrainerPhaseTimes times = {0};
    double elapsed, elapsed2;
    long iters, iters2;
    textbook_run(&times, timed, &elapsed, &iters);
    assert_int_equal(iters, 2 * (N_ROWS / B));
    assert_int_equal(times.steps, iters);
    assert_true(times.s[TRAIN_PHASE_SAMPLE] > 0.0);   /* CBOW draws its negatives in sample */
    assert_phases_fill(&times, elapsed);
    textbook_run(NULL, untimed, &elapsed2, &iters2);
    assert_int_equal(iters2, iters);
    assert_memory_equal(timed, untimed, sizeof timed);
}

static void test_trainer_no_sample_op(void **state)
{
    (void)state;
    Rng rng;
    rng_seed(&rng, 3);
    SimpleCBOW model_self;
    simple_cbow_init(&model_self, V, H, WIN, B, &rng);
    Model model;
    simple_cbow_as_model(&model_self, &model);
    assert_null(model.ops->sample);
    const OptimizerConfig oc = optimizer_default_config(OPTIMIZER_SGD);
    Optimizer opt;
    optimizer_init(&opt, &oc, model.params, model.n_params);
    Trainer tr;
    trainer_init(&tr, &model, &opt);
    tr.log = NULL;
    TrainerPhaseTimes times = {0};
    tr.phase_times = &times;
    tr.max_iters = 10;
    DlfsError err = {0};
    assert_int_equal(trainer_fit(&tr, contexts_all, target_all, N_ROWS, 1, B, &rng, &err), DLFS_OK);
    assert_int_equal(times.steps, 10);
    assert_true(times.s[TRAIN_PHASE_SAMPLE] == 0.0);
    assert_true(times.s[TRAIN_PHASE_FORWARD] > 0.0);
    trainer_free(&tr);
    optimizer_free(&opt);
    simple_cbow_free(&model_self);
}

/* The FastTrainer's rows: the pairs above every epoch. */
static int pairs_epoch(void *ctx, int epoch, const int32_t **contexts, const int32_t **target, size_t *n,
                       DlfsError *err)
{
    (void)ctx;
    (void)epoch;
    (void)err;
    *contexts = contexts_all;
    *target = target_all;
    *n = N_ROWS;
    return DLFS_OK;
}

/* A FastTrainer over T threads of CBOW replicas, 3 epochs; checks its phase timing. */
static void fast_run(int T, TrainerPhaseTimes *times, float *w_in, long *iters, double *loop_s)
{
    const Word2VecConfig cfg = small_config();
    Rng rng;
    rng_seed(&rng, 1);
    CBOW cbow[2];
    Model models[2];
    Rng rngs[2];
    DlfsError err = {0};
    assert_int_equal(cbow_init(&cbow[0], &cfg, corpus, N_CORPUS, &rng, &err), DLFS_OK);
    cbow_as_model(&cbow[0], &models[0]);
    rngs[0] = rng;
    for (int t = 1; t < T; t++) {
        cbow_init_shared(&cbow[t], &cbow[0]);
        cbow_as_model(&cbow[t], &models[t]);
        rng_seed(&rngs[t], 100 + (uint64_t)t);
    }
    FastTrainerConfig fc = fast_trainer_default_config();
    fc.threads = T;
    fc.batch_size = B;
    fc.epochs = 3;
    fc.log = NULL;
    fc.phase_times = times;
    FastTrainer ft;
    fast_trainer_init(&ft, &fc, models);
    assert_int_equal(fast_trainer_fit(&ft, pairs_epoch, NULL, rngs, &err), DLFS_OK);
    *iters = ft.total_iters;
    *loop_s = ft.loop_s;
    memcpy(w_in, cbow[0].W_in.value.data, sizeof(float) * V * H);
    fast_trainer_free(&ft);
    for (int t = T - 1; t >= 0; t--) cbow_free(&cbow[t]);
}

static void test_fast_trainer_phases(void **state)
{
    (void)state;
    static float timed[V * H], untimed[V * H];
    TrainerPhaseTimes times = {0};
    long iters, iters2;
    double loop_s, loop2;
    fast_run(1, &times, timed, &iters, &loop_s);
    assert_int_equal(iters, 3 * (N_ROWS / B));
    assert_int_equal(times.steps, iters);
    assert_true(times.s[TRAIN_PHASE_SAMPLE] > 0.0);
    assert_phases_fill(&times, loop_s);
    fast_run(1, NULL, untimed, &iters2, &loop2);   /* one thread: deterministic */
    assert_memory_equal(timed, untimed, sizeof timed);

    /* two threads: every step of both counted once; their seconds add up to at most 2 x the loop's */
    TrainerPhaseTimes two = {0};
    fast_run(2, &two, timed, &iters, &loop_s);
    assert_int_equal(iters, 3 * (N_ROWS / B));
    assert_int_equal(two.steps, iters);
    const double sum = trainer_phase_total(&two);
    if (!(sum > 0.0 && sum <= 2.0 * loop_s)) fail_msg("two threads: %g s of phases in %g s", sum, loop_s);
}

/* sample then forward(NULL) equals forward(rng): the same loss, the same Rng state after. */
static void test_sample_then_forward(void **state)
{
    (void)state;
    const Word2VecConfig cfg = small_config();
    DlfsError err = {0};
    for (int kind = 0; kind < 2; kind++) {
        Rng rng_a, rng_b;
        rng_seed(&rng_a, 5);
        CBOW cbow;
        SkipGram sg;
        Model m;
        if (kind == 0) {
            assert_int_equal(cbow_init(&cbow, &cfg, corpus, N_CORPUS, &rng_a, &err), DLFS_OK);
            cbow_as_model(&cbow, &m);
        } else {
            assert_int_equal(skip_gram_init(&sg, &cfg, corpus, N_CORPUS, &rng_a, &err), DLFS_OK);
            skip_gram_as_model(&sg, &m);
        }
        assert_non_null(m.ops->sample);
        rng_b = rng_a;
        const float l1 = m.ops->forward(m.self, contexts_all, target_all, B, &rng_a);
        m.ops->sample(m.self, contexts_all, target_all, B, &rng_b);
        const float l2 = m.ops->forward(m.self, contexts_all, target_all, B, NULL);
        assert_memory_equal(&l1, &l2, sizeof l1);
        assert_memory_equal(&rng_a, &rng_b, sizeof rng_a);
        m.ops->free(m.self);
    }
}

int main(void)
{
    make_data();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trainer_phases),
        cmocka_unit_test(test_trainer_no_sample_op),
        cmocka_unit_test(test_fast_trainer_phases),
        cmocka_unit_test(test_sample_then_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
