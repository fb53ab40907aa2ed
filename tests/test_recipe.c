/*
 * test_recipe.c — the run recipe in the library (recipe/): the model by
 * name, the thread replicas that borrow the owner's weights, sampler and
 * Huffman tree, the corpus and its pairs from a text file (errors as status
 * codes, not prints), the epochs' rows, and the word2vec preset as data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "common/status.h"
#include "recipe/data.h"
#include "recipe/model_build.h"
#include "recipe/preset.h"
#include "tests/testutil.h"

static void test_kind_by_name(void **state)
{
    (void)state;
    RecipeModelKind k = RECIPE_SKIPGRAM;
    assert_int_equal(recipe_model_kind_parse("cbow", &k), DLFS_OK);
    assert_int_equal(k, RECIPE_CBOW);
    assert_int_equal(recipe_model_kind_parse("skipgram", &k), DLFS_OK);
    assert_int_equal(k, RECIPE_SKIPGRAM);
    k = RECIPE_CBOW;
    assert_int_equal(recipe_model_kind_parse("skip-gram", &k), DLFS_OK);
    assert_int_equal(k, RECIPE_SKIPGRAM);
    assert_int_equal(recipe_model_kind_parse("glove", &k), DLFS_ERR_ARG);
    assert_string_equal(recipe_model_kind_name(RECIPE_CBOW), "cbow");
    assert_string_equal(recipe_model_kind_name(RECIPE_SKIPGRAM), "skipgram");
}

/* "the cat sat on the mat <eos> " n times: V = 6, ids in order of first appearance. */
static void write_text(const char *path, int n)
{
    size_t cap = (size_t)n * 32 + 1, len = 0;
    char *text = malloc(cap);
    for (int i = 0; i < n; i++) len += (size_t)snprintf(text + len, cap - len, "the cat sat on the mat\n");
    test_write_file(path, text, len);
    free(text);
}

static void test_data_from_file(void **state)
{
    const TestTmpdir *t = *state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(t, "text.txt"));
    write_text(path, 10);
    RecipeData d;
    DlfsError err = {0};
    assert_int_equal(recipe_data_load(&d, path, NULL, 0, &err), DLFS_OK);
    assert_string_equal(d.ptb_dir, "");   /* a text file, not PTB */
    assert_int_equal(d.corpus.size, 70);  /* 6 words + <eos> per line */
    assert_int_equal(d.vocab.size, 6);
    assert_int_equal(recipe_data_pairs(&d, 2, &err), DLFS_OK);
    assert_int_equal(d.data_size, 66);
    /* row 0: target corpus[2] = "sat", contexts the, cat, on, the */
    assert_int_equal(d.target.data[0], 2);
    const int32_t ctx0[4] = {0, 1, 3, 0};
    assert_memory_equal(d.contexts.data, ctx0, sizeof ctx0);

    /* the textbook's rows every epoch */
    RecipeEpochs e;
    assert_int_equal(recipe_epochs_init(&e, &d, NULL, 1, &err), DLFS_OK);
    const int32_t *c, *tg;
    size_t n = 0;
    assert_int_equal(recipe_epochs_next(&e, 0, &c, &tg, &n, &err), DLFS_OK);
    assert_ptr_equal(c, d.contexts.data);
    assert_ptr_equal(tg, d.target.data);
    assert_int_equal(n, 66);
    assert_int_equal(e.calls, 1);
    recipe_epochs_free(&e);

    /* the preset's rows: <eos> ends the sentences and is never a target; words seen
     * fewer than 5 times would go (none here); drawn anew each epoch */
    const Word2VecDataConfig pc = recipe_preset_data_config(&recipe_preset_word2vec, 2, &d.vocab);
    assert_int_equal(pc.sentence_end, vocab_get(&d.vocab, "<eos>"));
    assert_int_equal(recipe_epochs_init(&e, &d, &pc, 1, &err), DLFS_OK);
    assert_int_equal(recipe_epochs_next(&e, 0, &c, &tg, &n, &err), DLFS_OK);
    assert_true(n > 0 && n <= 60);
    for (size_t i = 0; i < n; i++) assert_int_not_equal(tg[i], pc.sentence_end);
    assert_int_equal(recipe_epochs_next(&e, 1, &c, &tg, &n, &err), DLFS_OK);
    assert_int_equal(e.calls, 2);
    recipe_epochs_free(&e);
    recipe_data_free(&d);

    /* recipe_data_window: the same count and window, no arrays; the fast
     * trainer's textbook rows are then made by the RecipeEpochs, equal */
    RecipeData lazy;
    assert_int_equal(recipe_data_load(&lazy, path, NULL, 0, &err), DLFS_OK);
    assert_int_equal(recipe_data_window(&lazy, 2, &err), DLFS_OK);
    assert_int_equal(lazy.data_size, 66);
    assert_int_equal(lazy.window, 2);
    assert_null(lazy.contexts.data);
    assert_null(lazy.target.data);
    assert_int_equal(recipe_epochs_init(&e, &lazy, NULL, 1, &err), DLFS_OK);
    assert_int_equal(recipe_epochs_next(&e, 0, &c, &tg, &n, &err), DLFS_OK);
    assert_int_equal(n, 66);
    assert_ptr_equal(c, e.contexts);
    assert_memory_equal(c, ctx0, sizeof ctx0);
    assert_int_equal(tg[0], 2);
    /* the last row, 65: corpus[65 .. 69] = sat on [the] mat <eos> */
    const int32_t ctx65[4] = {2, 3, 4, 5};
    assert_memory_equal(c + 65 * 4, ctx65, sizeof ctx65);
    assert_int_equal(tg[65], 0);
    RecipeData eager;
    assert_int_equal(recipe_data_load(&eager, path, NULL, 0, &err), DLFS_OK);
    assert_int_equal(recipe_data_pairs(&eager, 2, &err), DLFS_OK);
    assert_int_equal(eager.window, 2);
    assert_memory_equal(c, eager.contexts.data, 66 * 4 * sizeof(int32_t));
    assert_memory_equal(tg, eager.target.data, 66 * sizeof(int32_t));
    recipe_data_free(&eager);
    recipe_epochs_free(&e);
    recipe_data_free(&lazy);
}

static void test_data_errors(void **state)
{
    const TestTmpdir *t = *state;
    RecipeData d;
    DlfsError err = {0};
    /* a missing file: a status and a message naming it, nothing printed */
    const char *missing = test_tmpdir_path(t, "missing.txt");
    char missing_copy[PATH_MAX];
    snprintf(missing_copy, sizeof missing_copy, "%s", missing);
    assert_true(recipe_data_load(&d, missing_copy, NULL, 0, &err) < 0);
    assert_contains(err.msg, "missing.txt");
    recipe_data_free(&d);

    /* a window larger than the text: DLFS_ERR_ARG */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", test_tmpdir_path(t, "short.txt"));
    test_write_file(path, "one two three\n", 14);
    assert_int_equal(recipe_data_load(&d, path, NULL, 0, &err), DLFS_OK);
    assert_int_equal(recipe_data_pairs(&d, 5, &err), DLFS_ERR_ARG);
    DlfsError err_window = {0};
    assert_int_equal(recipe_data_window(&d, 5, &err_window), DLFS_ERR_ARG);
    assert_string_equal(err_window.msg, err.msg);   /* the same message either way */
    /* no window set: the fast trainer's textbook rows cannot be made */
    RecipeEpochs e;
    assert_int_equal(recipe_epochs_init(&e, &d, NULL, 1, &err), DLFS_ERR_ARG);
    recipe_epochs_free(&e);
    char hint[320];
    assert_string_equal(recipe_data_hint(hint, sizeof hint, &d), "");   /* short English words */
    recipe_data_free(&d);

    /* words of 20 bytes on average: the hint about unsegmented text */
    snprintf(path, sizeof path, "%s", test_tmpdir_path(t, "long.txt"));
    test_write_file(path, "aaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbb\n", 42);
    assert_int_equal(recipe_data_load(&d, path, NULL, 0, &err), DLFS_OK);
    assert_contains(recipe_data_hint(hint, sizeof hint, &d), "20 bytes long on average");
    assert_int_equal(recipe_data_pairs(&d, 5, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "20 bytes long on average");
    assert_int_equal(recipe_data_window(&d, 5, &err), DLFS_ERR_ARG);
    assert_contains(err.msg, "20 bytes long on average");
    recipe_data_free(&d);
}

enum { NC = 400, V = 20 };

static void make_corpus(int32_t *corpus)
{
    Rng rng;
    rng_seed(&rng, 11);
    for (int i = 0; i < NC; i++) corpus[i] = (int32_t)rng_below(&rng, V);
}

/* Replicas share the owner's weights, sampler or tree; forward gives the owner's loss. */
static void test_threads_share(void **state)
{
    (void)state;
    static int32_t corpus[NC];
    make_corpus(corpus);
    const Word2VecLoss losses[] = {WORD2VEC_LOSS_NEGSAMP, WORD2VEC_LOSS_HSOFTMAX, WORD2VEC_LOSS_SOFTMAX};
    for (int kind = 0; kind < 2; kind++) {
        for (int l = 0; l < 3; l++) {
            Word2VecConfig cfg = word2vec_default_config(V);
            cfg.hidden_size = 8;
            cfg.window_size = 2;
            cfg.max_batch = 10;
            cfg.loss = losses[l];
            Rng rng;
            rng_seed(&rng, 3);
            RecipeModel m;
            DlfsError err = {0};
            assert_int_equal(recipe_model_build(&m, (RecipeModelKind)kind, &cfg, corpus, NC, &rng, &err),
                             DLFS_OK);
            assert_string_equal(m.model.name, kind == RECIPE_CBOW ? "CBOW" : "SkipGram");
            assert_ptr_equal(m.W_in, m.model.params[0]);
            assert_int_equal(recipe_model_config(&m)->loss, cfg.loss);
            RecipeThreads th;
            recipe_threads_build(&th, 3, &m, &rng, 42);
            assert_memory_equal(&th.rngs[0], &rng, sizeof rng);
            Rng r1;
            rng_seed(&r1, 42 ^ 0x9e3779b97f4a7c15ULL);
            assert_memory_equal(&th.rngs[1], &r1, sizeof r1);
            for (int t = 1; t < 3; t++) {
                const RecipeModel *r = &th.reps[t];
                for (int i = 0; i < m.model.n_params; i++) {
                    assert_ptr_equal(th.models[t].params[i]->value.data, m.model.params[i]->value.data);
                    assert_ptr_not_equal(th.models[t].params[i]->grad.data, m.model.params[i]->grad.data);
                }
                const Word2VecOutput *own = kind == RECIPE_CBOW ? &m.cbow.output : &m.skip_gram.output;
                const Word2VecOutput *rep = kind == RECIPE_CBOW ? &r->cbow.output : &r->skip_gram.output;
                if (cfg.loss == WORD2VEC_LOSS_NEGSAMP) {
                    assert_ptr_equal(rep->sampler.alias, own->sampler.alias);
                    assert_ptr_equal(rep->sampler.alias_prob, own->sampler.alias_prob);
                }
                if (cfg.loss == WORD2VEC_LOSS_HSOFTMAX)
                    assert_ptr_equal(rep->hs_layers[0].tree, &own->tree);
                assert_ptr_not_equal(rep->W_out, own->W_out);
            }
            /* the same batch and draws give the owner's loss on a replica */
            int32_t ctx[10 * 4], tgt[10];
            for (int b = 0; b < 10; b++) {
                tgt[b] = corpus[b + 2];
                for (int k = 0; k < 4; k++) ctx[b * 4 + k] = corpus[b + (k < 2 ? k : k + 1)];
            }
            Rng a, b;
            rng_seed(&a, 9);
            b = a;
            const float l0 = th.models[0].ops->forward(th.models[0].self, ctx, tgt, 10, &a);
            const float l2 = th.models[2].ops->forward(th.models[2].self, ctx, tgt, 10, &b);
            assert_memory_equal(&l0, &l2, sizeof l0);
            /* the model built from the corpus's counts is the same model: weights and loss */
            int64_t counts[V] = {0};
            for (int i = 0; i < NC; i++) counts[corpus[i]]++;
            RecipeModel mc;
            Rng rc;
            rng_seed(&rc, 3);
            assert_int_equal(recipe_model_build_counts(&mc, (RecipeModelKind)kind, &cfg, counts, &rc, &err),
                             DLFS_OK);
            for (int i = 0; i < m.model.n_params; i++)
                assert_memory_equal(mc.model.params[i]->value.data, m.model.params[i]->value.data,
                                    m.model.params[i]->value.size * sizeof(float));
            rng_seed(&rc, 9);
            const float lc = mc.model.ops->forward(mc.model.self, ctx, tgt, 10, &rc);
            assert_memory_equal(&l0, &lc, sizeof l0);
            recipe_model_free(&mc);
            counts[0] = -1;
            if (cfg.loss != WORD2VEC_LOSS_SOFTMAX) {
                assert_int_equal(recipe_model_build_counts(&mc, (RecipeModelKind)kind, &cfg, counts, &rc, &err),
                                 DLFS_ERR_ARG);
                recipe_model_free(&mc);
            }
            recipe_threads_free(&th);
            recipe_model_free(&m);
        }
    }
}

static void test_preset_is_data(void **state)
{
    (void)state;
    const RecipePreset *p = recipe_preset_find("word2vec");
    assert_ptr_equal(p, &recipe_preset_word2vec);
    assert_null(recipe_preset_find("glove"));
    assert_string_equal(p->name, "word2vec");
    assert_true(recipe_preset_lr(p, RECIPE_CBOW) == 0.05);
    assert_true(recipe_preset_lr(p, RECIPE_SKIPGRAM) == 0.025);
    assert_true(p->sample == 1e-3);
    assert_int_equal(p->min_count, 5);
    Word2VecConfig cfg = word2vec_default_config(10);
    cfg.replace = true;
    recipe_preset_model_config(p, &cfg);
    assert_true(cfg.context_full_grad);
    assert_false(cfg.replace);
    FastTrainerConfig tc = fast_trainer_default_config();
    recipe_preset_fast_config(p, RECIPE_CBOW, &tc);
    assert_int_equal(tc.optimizer, FAST_SGD_LINEAR);
    assert_true(tc.lr == 0.05f);
    assert_false(tc.shuffle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_by_name),
        cmocka_unit_test_setup_teardown(test_data_from_file, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_data_errors, test_tmpdir_setup, test_tmpdir_teardown),
        cmocka_unit_test(test_threads_share),
        cmocka_unit_test(test_preset_is_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
