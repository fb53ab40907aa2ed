/*
 * use_dlfs2.c — a program outside the dlfs2 tree, built by tests/test_install.sh
 * against the installed headers and library only, including nothing of dlfs2
 * but the umbrella header <dlfs2/dlfs2.h>:
 *
 *     cc $(pkg-config --cflags dlfs2) use_dlfs2.c $(pkg-config --libs dlfs2)
 *
 * It runs an Embedding forward and backward with a repeated id (the
 * np.add.at lesson of §4.1), one SigmoidWithLoss, and the library's gradient
 * check of CBOW, and checks the numbers; it also wraps an array of its own
 * in a Param (param_init_borrowed). It prints "use_dlfs2: version V" (the
 * header's DLFS2_VERSION_STRING, which the test compares with pkg-config's
 * version). Exit 0 and "use_dlfs2: ok" when all are right; 1 and a line
 * saying what was wrong otherwise.
 */
#include <math.h>
#include <stdio.h>

#include <dlfs2/dlfs2.h>

#if !defined(DLFS2_VERSION_MAJOR) || !defined(DLFS2_VERSION_MINOR) || !defined(DLFS2_VERSION_PATCH)
#error "<dlfs2/dlfs2.h> must define the version macros"
#endif

static int failures;

static void expect(int ok, const char *what)
{
    if (!ok) {
        printf("use_dlfs2: wrong: %s\n", what);
        failures++;
    }
}

int main(void)
{
    /* W (3, 2) = [[0, 1], [2, 3], [4, 5]]; ids {2, 0, 2} */
    Param W;
    param_init(&W, "W", 2, (const int[]){3, 2}, true);
    for (int i = 0; i < 6; i++) W.value.data[i] = (float)i;
    Embedding embed;
    embedding_init(&embed, &W);
    const int32_t idx[3] = {2, 0, 2};
    float out[6];
    embedding_forward(&embed, out, idx, 3);
    expect(out[0] == 4.0f && out[1] == 5.0f && out[2] == 0.0f && out[5] == 5.0f,
           "Embedding forward gathers rows 2, 0, 2");
    const float dout[6] = {1, 1, 10, 10, 100, 100};
    embedding_backward(&embed, dout);
    /* row 2 gets dout rows 0 and 2 added: 101; row 0 gets 10; row 1 nothing */
    expect(W.grad.data[4] == 101.0f && W.grad.data[0] == 10.0f && W.grad.data[2] == 0.0f,
           "Embedding backward adds repeated ids");
    param_free(&W);

    /* a Param over the program's own array: SGD (lr 1) writes into it, param_free leaves it */
    float mine[4] = {1, 2, 3, 4};
    Param B;
    param_init_borrowed(&B, "B", mine, 2, (const int[]){2, 2}, false);
    for (int i = 0; i < 4; i++) B.grad.data[i] = 0.5f;
    OptimizerConfig sgd = optimizer_default_config(OPTIMIZER_SGD);
    sgd.lr = 1.0f;
    Optimizer opt;
    Param *params[1] = {&B};
    optimizer_init(&opt, &sgd, params, 1);
    optimizer_update(&opt, params, 1);
    optimizer_free(&opt);
    param_free(&B);
    expect(mine[0] == 0.5f && mine[3] == 3.5f, "a borrowed Param is updated in the caller's array");

    /* sigmoid(0) = 0.5: loss ln 2 for either label */
    SigmoidWithLoss swl;
    sigmoid_with_loss_init(&swl, 2);
    const float x[2] = {0.0f, 0.0f};
    const int32_t t[2] = {1, 0};
    expect(fabsf(sigmoid_with_loss_forward(&swl, x, t, 2) - logf(2.0f)) < 1e-6f,
           "SigmoidWithLoss at x = 0 is ln 2");
    sigmoid_with_loss_free(&swl);

    const int cbow = gradcheck_case_find("CBOW");
    expect(cbow >= 0, "the CBOW gradient-check case exists");
    if (cbow >= 0) {
        GradCheckResult results[GRADCHECK_MAX_TENSORS];
        const int n = gradcheck_run_case(cbow, 1, results);
        for (int k = 0; k < n; k++) expect(results[k].pass, "CBOW passes the gradient check");
    }

    printf("use_dlfs2: version %s\n", DLFS2_VERSION_STRING);
    expect(DLFS2_VERSION_NUMBER ==
               DLFS2_VERSION_MAJOR * 10000 + DLFS2_VERSION_MINOR * 100 + DLFS2_VERSION_PATCH,
           "DLFS2_VERSION_NUMBER");
    if (failures) return 1;
    printf("use_dlfs2: ok\n");
    return 0;
}
