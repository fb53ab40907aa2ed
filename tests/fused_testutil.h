/*
 * fused_testutil.h — what the tests of the fused SGD steps
 * (test_cbow_fused.c, test_skip_gram_fused.c) share: the check that a fused
 * step wrote no gradient, the one-thread SGD trainer whose
 * fast_trainer_apply_update is the layer path's update, and weights far
 * from their 0.01 * N(0, 1) start (so the sigmoids are far from 1/2).
 * Include after <cmocka.h> and tests/testutil.h.
 */
#ifndef DLFS2_TESTS_FUSED_TESTUTIL_H
#define DLFS2_TESTS_FUSED_TESTUTIL_H

#include "common/param.h"
#include "common/rng.h"
#include "training/fast_trainer.h"

/* Every gradient of p is still zero and no row is marked: the fused steps write no gradient. */
static inline void assert_no_grad(const Param *p)
{
    assert_int_equal(p->n_touched, 0);
    for (size_t i = 0; i < p->grad.size; i++) assert_true(p->grad.data[i] == 0.0f);
}

/* A silent SGD config for batches of `batch` rows (its rate is given to apply_update directly). */
static inline FastTrainerConfig sgd_config(int batch)
{
    FastTrainerConfig tc = fast_trainer_default_config();
    tc.optimizer = FAST_SGD_LINEAR;
    tc.batch_size = batch;
    tc.lr = 0.05f;
    tc.log = NULL;
    return tc;
}

/* W_in and W_out drawn anew as 0.7 * N(0, 1) from rng. */
static inline void spread_weights(Param *W_in, Param *W_out, Rng *rng)
{
    for (size_t i = 0; i < W_in->value.size; i++) W_in->value.data[i] = (float)(0.7 * rng_normal(rng));
    for (size_t i = 0; i < W_out->value.size; i++) W_out->value.data[i] = (float)(0.7 * rng_normal(rng));
}

/* a's W_in and W_out equal b's byte for byte. */
static inline void assert_same_weights(const Param *a_in, const Param *a_out, const Param *b_in, const Param *b_out)
{
    assert_memory_equal(a_in->value.data, b_in->value.data, a_in->value.size * sizeof(float));
    assert_memory_equal(a_out->value.data, b_out->value.data, a_out->value.size * sizeof(float));
}

/* a's W_in and W_out equal b's to float tolerance (absolute 1e-6, relative 1e-5; testutil.h). */
static inline void assert_close_weights(const Param *a_in, const Param *a_out, const Param *b_in,
                                        const Param *b_out)
{
    assert_close_array(a_in->value.data, b_in->value.data, a_in->value.size, 1e-6, 1e-5);
    assert_close_array(a_out->value.data, b_out->value.data, a_out->value.size, 1e-6, 1e-5);
}

#endif
