/*
 * test_checkpoint.c — training/checkpoint.h: a tiny CBOW on the textbook's
 * sentence trained 2N steps straight, and N steps + checkpoint to a file +
 * a fresh run restored from it + N steps, give bit-identical params,
 * optimizer state and RNG; the same for an epoch boundary, for another
 * optimizer, and for the pairs made per minibatch (trainer_fit_corpus,
 * dlfs2 train's way), whose checkpoints resume on the arrays and the other
 * way round. A checkpoint damaged in each part (magic, version, flags, the
 * length, a payload byte, the checksum, a truncation, sizes that lie under
 * a valid checksum, a shuffle order that is not a permutation) is refused
 * with a message, and one for another model or corpus is refused by restore
 * without changing anything. A state with a NaN in its params is never saved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/checkpoint.h"
#include "training/model.h"
#include "training/optimizer.h"
#include "common/rng.h"
#include "common/status.h"
#include "training/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "models/cbow.h"
#include "tests/testutil.h"

enum { BATCH = 3 };

/* One run: the sentence, a CBOW (window 1, H 5), an optimizer, a trainer. */
typedef struct Run {
    Vocab vocab;
    Int32Array corpus, contexts, target;
    CBOW cbow;
    Model model;
    Optimizer opt;
    Trainer trainer;
    Rng rng;
    unsigned char sha[32];
    bool from_corpus;       /* train with trainer_fit_corpus (pairs made per minibatch) */
} Run;

static void run_init(Run *r, OptimizerKind kind, int hidden)
{
    memset(r, 0, sizeof *r);
    DlfsError err = {0};
    vocab_init(&r->vocab);
    assert_int_equal(preprocess("You say goodbye and I say hello. You say hello and I say goodbye.",
                                &r->corpus, &r->vocab, &err), DLFS_OK);
    assert_int_equal(create_contexts_target(r->corpus.data, r->corpus.size, 1, &r->contexts, &r->target,
                                            &err), DLFS_OK);
    rng_seed(&r->rng, 7);
    Word2VecConfig cfg = word2vec_default_config(r->vocab.size);
    cfg.hidden_size = hidden;
    cfg.window_size = 1;
    cfg.sample_size = 2;
    cfg.max_batch = BATCH;
    assert_int_equal(cbow_init(&r->cbow, &cfg, r->corpus.data, r->corpus.size, &r->rng, &err), DLFS_OK);
    cbow_as_model(&r->cbow, &r->model);
    OptimizerConfig oc = optimizer_default_config(kind);
    optimizer_init(&r->opt, &oc, r->model.params, r->model.n_params);
    trainer_init(&r->trainer, &r->model, &r->opt);
    r->trainer.log = NULL;
    r->trainer.eval_interval = 2;
    corpus_sha256(r->corpus.data, r->corpus.size, r->sha);
}

static void run_free(Run *r)
{
    trainer_free(&r->trainer);
    optimizer_free(&r->opt);
    cbow_free(&r->cbow);
    int32_array_free(&r->contexts);
    int32_array_free(&r->target);
    int32_array_free(&r->corpus);
    vocab_free(&r->vocab);
}

/* Trains until total_iters reaches `until` (or `epochs` more epochs end). */
static void run_fit(Run *r, int epochs, long until)
{
    DlfsError err = {0};
    r->trainer.max_iters = until;
    if (r->from_corpus)
        assert_int_equal(trainer_fit_corpus(&r->trainer, r->corpus.data, r->corpus.size, 1, epochs, BATCH,
                                            &r->rng, &err), DLFS_OK);
    else
        assert_int_equal(trainer_fit(&r->trainer, r->contexts.data, r->target.data, r->target.size, epochs,
                                     BATCH, &r->rng, &err), DLFS_OK);
}

static char *const saved_argv[] = {"--model", "cbow", "--seed", "7"};

static CheckpointSource source_of(Run *r)
{
    return (CheckpointSource){.argc = 4, .argv = saved_argv, .corpus_sha256 = r->sha,
                              .corpus_size = r->corpus.size, .vocab = &r->vocab, .rng = &r->rng,
                              .trainer = &r->trainer, .optimizer = &r->opt};
}

static void assert_same_state(const Run *a, const Run *b)
{
    for (int i = 0; i < a->model.n_params; i++) {
        const Tensor *x = &a->model.params[i]->value, *y = &b->model.params[i]->value;
        assert_int_equal(x->size, y->size);
        assert_memory_equal(x->data, y->data, x->size * sizeof(float));
    }
    if (a->opt.cfg.kind == OPTIMIZER_ADAM)
        for (int i = 0; i < a->model.n_params; i++) {
            assert_memory_equal(a->opt.adam.m[i].data, b->opt.adam.m[i].data, a->opt.adam.m[i].size * 4);
            assert_memory_equal(a->opt.adam.v[i].data, b->opt.adam.v[i].data, a->opt.adam.v[i].size * 4);
        }
    assert_memory_equal(a->rng.s, b->rng.s, sizeof a->rng.s);
    assert_int_equal(a->trainer.total_iters, b->trainer.total_iters);
    assert_int_equal(a->trainer.current_epoch, b->trainer.current_epoch);
    assert_int_equal(a->trainer.n_loss, b->trainer.n_loss);
    for (size_t i = 0; i < a->trainer.n_loss; i++)
        assert_true(a->trainer.loss_list[i].loss == b->trainer.loss_list[i].loss);
}

/*
 * straight: `epochs` epochs; split: stop after `cut` iterations, save,
 * restore into a fresh run, go on. corpus_paths: bit 0 the straight run,
 * bit 1 the first half, bit 2 the resumed half train with
 * trainer_fit_corpus instead of on the arrays.
 */
static void check_resume_paths(void **state, OptimizerKind kind, int epochs, long cut, unsigned corpus_paths)
{
    const char *path = test_tmpdir_path(*state, "checkpoint.bin");
    Run straight, first, second;
    run_init(&straight, kind, 5);
    straight.from_corpus = corpus_paths & 1u;
    run_fit(&straight, epochs, 0);

    run_init(&first, kind, 5);
    first.from_corpus = corpus_paths & 2u;
    run_fit(&first, epochs, cut);
    assert_int_equal(first.trainer.total_iters, cut);
    DlfsError err = {0};
    const CheckpointSource src = source_of(&first);
    assert_int_equal(checkpoint_save(path, &src, &err), DLFS_OK);
    run_free(&first);

    run_init(&second, kind, 5);   /* fresh weights, fresh RNG: all replaced by the checkpoint */
    second.from_corpus = corpus_paths & 4u;
    Checkpoint ck;
    assert_int_equal(checkpoint_load(path, &ck, &err), DLFS_OK);
    assert_int_equal(ck.argc, 4);
    assert_string_equal(ck.argv[3], "7");
    assert_int_equal(ck.total_iters, cut);
    assert_int_equal(checkpoint_restore(&ck, &second.vocab, second.sha, second.corpus.size,
                                        second.target.size, &second.trainer, &second.opt, &second.rng, &err),
                     DLFS_OK);
    checkpoint_free(&ck);
    run_fit(&second, epochs - second.trainer.current_epoch, 0);
    assert_same_state(&straight, &second);
    run_free(&straight);
    run_free(&second);
}

static void check_resume(void **state, OptimizerKind kind, int epochs, long cut)
{
    check_resume_paths(state, kind, epochs, cut, 0u);
}

/* 20 examples, batch 3: 6 iterations per epoch; 4 epochs = 24. */
static void test_resume_mid_epoch_adam(void **state) { check_resume(state, OPTIMIZER_ADAM, 4, 9); }
static void test_resume_at_epoch_end_adam(void **state) { check_resume(state, OPTIMIZER_ADAM, 4, 12); }
static void test_resume_momentum(void **state) { check_resume(state, OPTIMIZER_MOMENTUM, 4, 7); }
static void test_resume_sgd(void **state) { check_resume(state, OPTIMIZER_SGD, 4, 5); }
/* the pairs made per minibatch (dlfs2 train's way) resume the same, and either way's checkpoint
 * resumes in the other: all on the corpus, arrays then corpus, corpus then arrays */
static void test_resume_corpus_path(void **state)
{
    check_resume_paths(state, OPTIMIZER_ADAM, 4, 9, 7u);
    check_resume_paths(state, OPTIMIZER_ADAM, 4, 9, 4u);
    check_resume_paths(state, OPTIMIZER_ADAM, 4, 12, 2u);
}

/* ---- damaged files --------------------------------------------------------- */

/* A valid checkpoint's bytes, after a few Adam steps. */
static unsigned char *valid_bytes(void **state, size_t *n)
{
    const char *path = test_tmpdir_path(*state, "valid.bin");
    Run r;
    run_init(&r, OPTIMIZER_ADAM, 5);
    run_fit(&r, 1, 4);
    DlfsError err = {0};
    const CheckpointSource src = source_of(&r);
    assert_int_equal(checkpoint_save(path, &src, &err), DLFS_OK);
    run_free(&r);
    return test_read_bytes(path, n);
}

static void reseal(unsigned char *b, size_t n)   /* a valid SHA-256 over the changed bytes */
{
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(b, n - 32, b + n - 32, &len, EVP_sha256(), NULL), 1);
}

static void expect_refused(const unsigned char *b, size_t n, int status, const char *words)
{
    Checkpoint ck;
    DlfsError err = {0};
    assert_int_equal(checkpoint_parse(b, n, &ck, &err), status);
    if (strstr(err.msg, words) == NULL) fail_msg("message '%s' lacks '%s'", err.msg, words);
    assert_null(ck.params);
    checkpoint_free(&ck);
}

/* Finds a section's body (after its tag and length) in a checkpoint's bytes. */
static size_t section_at(const unsigned char *b, size_t n, const char *tag)
{
    size_t p = 24;
    while (p + 12 <= n - 32) {
        uint64_t len = 0;
        for (int i = 0; i < 8; i++) len |= (uint64_t)b[p + 4 + i] << (8 * i);
        if (memcmp(b + p, tag, 4) == 0) return p + 12;
        p += 12 + len;
    }
    fail_msg("no section %s", tag);
    return 0;
}

static void test_damaged_header(void **state)
{
    size_t n;
    unsigned char *b = valid_bytes(state, &n);
    Checkpoint ck;
    DlfsError err = {0};
    assert_int_equal(checkpoint_parse(b, n, &ck, &err), DLFS_OK);
    checkpoint_free(&ck);

    unsigned char *c = malloc(n);
    memcpy(c, b, n);
    c[0] = 'X';
    expect_refused(c, n, DLFS_ERR_FORMAT, "not a dlfs2 checkpoint");
    memcpy(c, b, n);
    c[8] = 2;   /* version 2 */
    expect_refused(c, n, DLFS_ERR_FORMAT, "version 2");
    memcpy(c, b, n);
    c[12] = 1;  /* flags */
    expect_refused(c, n, DLFS_ERR_FORMAT, "flags");
    memcpy(c, b, n);
    c[16] ^= 4; /* the length of the sections */
    expect_refused(c, n, DLFS_ERR_FORMAT, "truncated or padded");
    expect_refused(b, n - 1, DLFS_ERR_FORMAT, "truncated or padded");   /* one byte short */
    expect_refused(b, 20, DLFS_ERR_FORMAT, "less than a header");
    expect_refused(b, 0, DLFS_ERR_FORMAT, "not a dlfs2 checkpoint");
    free(c);
    free(b);
}

static void test_damaged_payload_and_checksum(void **state)
{
    size_t n;
    unsigned char *b = valid_bytes(state, &n);
    unsigned char *c = malloc(n);
    const size_t probes[] = {24, 40, n / 2, n - 33, n - 32, n - 1};   /* payload ... checksum */
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        memcpy(c, b, n);
        c[probes[i]] ^= 0x10;
        expect_refused(c, n, DLFS_ERR_CHECKSUM, "checksum mismatch");
    }
    free(c);
    free(b);
}

/* Sizes that lie, under a valid checksum: each caught by the section parser. */
static void test_lying_sizes(void **state)
{
    size_t n;
    unsigned char *b = valid_bytes(state, &n);
    unsigned char *c = malloc(n);

    memcpy(c, b, n);   /* PARM says 2 tensors; make it 3 */
    c[section_at(c, n, "PARM")] = 3;
    reseal(c, n);
    expect_refused(c, n, DLFS_ERR_FORMAT, "PARM");

    memcpy(c, b, n);   /* W_in's first dimension (V = 7) becomes 70: more floats than there are */
    const size_t parm = section_at(c, n, "PARM");
    const size_t shape0 = parm + 4 + 4 + strlen("W_in") + 4;
    assert_int_equal(c[shape0], 7);
    c[shape0] = 70;
    reseal(c, n);
    expect_refused(c, n, DLFS_ERR_FORMAT, "PARM");

    memcpy(c, b, n);   /* the vocabulary claims a billion words */
    const size_t vocb = section_at(c, n, "VOCB");
    c[vocb + 3] = 0x40;
    reseal(c, n);
    expect_refused(c, n, DLFS_ERR_FORMAT, "VOCB");

    memcpy(c, b, n);   /* the shuffle order repeats a row */
    const size_t perm = section_at(c, n, "PERM");
    memcpy(c + perm + 8, c + perm + 12, 4);
    reseal(c, n);
    expect_refused(c, n, DLFS_ERR_FORMAT, "not a permutation");

    memcpy(c, b, n);   /* a NaN in W_in */
    memset(c + shape0 + 8, 0xff, 4);
    reseal(c, n);
    expect_refused(c, n, DLFS_ERR_FORMAT, "NaN");

    memcpy(c, b, n);   /* an unknown section tag */
    memcpy(c + section_at(c, n, "LOSS") - 12, "LOSX", 4);
    reseal(c, n);
    expect_refused(c, n, DLFS_ERR_FORMAT, "unknown section");
    free(c);
    free(b);
}

/* Restoring into another model or corpus changes nothing and says why. */
static void test_restore_mismatch(void **state)
{
    const char *path = test_tmpdir_path(*state, "checkpoint.bin");
    Run a, other;
    run_init(&a, OPTIMIZER_ADAM, 5);
    run_fit(&a, 1, 4);
    DlfsError err = {0};
    const CheckpointSource src = source_of(&a);
    assert_int_equal(checkpoint_save(path, &src, &err), DLFS_OK);
    Checkpoint ck;
    assert_int_equal(checkpoint_load(path, &ck, &err), DLFS_OK);

    run_init(&other, OPTIMIZER_ADAM, 6);   /* H = 6, not 5 */
    const float before = other.model.params[0]->value.data[0];
    assert_int_equal(checkpoint_restore(&ck, &other.vocab, other.sha, other.corpus.size, other.target.size,
                                        &other.trainer, &other.opt, &other.rng, &err), DLFS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "W_in"));
    assert_true(other.model.params[0]->value.data[0] == before);
    assert_int_equal(other.trainer.total_iters, 0);
    run_free(&other);

    run_init(&other, OPTIMIZER_ADAM, 5);
    other.sha[0] ^= 1;   /* another corpus */
    assert_int_equal(checkpoint_restore(&ck, &other.vocab, other.sha, other.corpus.size, other.target.size,
                                        &other.trainer, &other.opt, &other.rng, &err), DLFS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "corpus has changed"));
    run_free(&other);

    run_init(&other, OPTIMIZER_SGD, 5);   /* another optimizer */
    assert_int_equal(checkpoint_restore(&ck, &other.vocab, other.sha, other.corpus.size, other.target.size,
                                        &other.trainer, &other.opt, &other.rng, &err), DLFS_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "optimizer"));
    run_free(&other);
    checkpoint_free(&ck);
    run_free(&a);
}

/* A NaN in the params: no checkpoint, and the one already there is unchanged. */
static void test_no_checkpoint_from_nan(void **state)
{
    const char *path = test_tmpdir_path(*state, "checkpoint.bin");
    Run r;
    run_init(&r, OPTIMIZER_ADAM, 5);
    run_fit(&r, 1, 4);
    DlfsError err = {0};
    const CheckpointSource src = source_of(&r);
    assert_int_equal(checkpoint_save(path, &src, &err), DLFS_OK);
    size_t n0;
    unsigned char *before = test_read_bytes(path, &n0);
    r.model.params[1]->value.data[3] = NAN;
    assert_int_equal(checkpoint_save(path, &src, &err), DLFS_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "W_out"));
    size_t n1;
    unsigned char *after = test_read_bytes(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
    run_free(&r);
}

/* The trainer notices a parameter gone NaN at its next progress line. */
static void test_fit_stops_on_nan_param(void **state)
{
    (void)state;
    Run r;
    run_init(&r, OPTIMIZER_ADAM, 5);
    run_fit(&r, 1, 2);
    r.model.params[0]->value.data[0] = INFINITY;   /* a word whose row the loss may never read */
    DlfsError err = {0};
    r.trainer.max_iters = 0;
    assert_int_equal(trainer_fit(&r.trainer, r.contexts.data, r.target.data, r.target.size, 2, BATCH, &r.rng,
                                 &err), DLFS_ERR_NUMERIC);
    assert_non_null(strstr(err.msg, "W_in"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_resume_mid_epoch_adam, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_resume_at_epoch_end_adam, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_resume_momentum, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_resume_sgd, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_resume_corpus_path, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_header, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_payload_and_checksum, test_tmpdir_setup,
                                        test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_lying_sizes, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_restore_mismatch, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_no_checkpoint_from_nan, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test(test_fit_stops_on_nan_param),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
