// %% [markdown]
// # Gradient check: is my backward right?
//
// Every layer in dlfs2 has a `forward` and a `backward`. Forward is easy to
// get right; backward is where the bugs hide: a missing `1/N`, a sign, a
// gradient written with `=` where it must be added with `+=`. A wrong
// backward does not crash. Training just gets worse, and nothing tells you.
//
// The check: a gradient is a slope, so measure the slope numerically and
// compare. Move one input x_i a little to each side, run forward only, and
// see how much the loss changes:
//
//     dL/dx_i  ≈  (L(x + h e_i) - L(x - h e_i)) / 2h
//
// This lab checks a layer by hand, then with dlfs2's gradcheck facility
// (gradcheck/gradcheck.h), then shows what the check prints for two wrong
// backwards: a FAIL row names the worst element and, when the numbers
// point at a classic mistake, adds a hint. The same check runs for every
// layer and model with `dlfs2 gradcheck all`.
//
// Run it: `./build/notebooks-c/gradient_check`

// %%
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/param.h"
#include "common/rng.h"
#include "gradcheck/gradcheck.h"
#include "layers/embedding.h"
#include "layers/sigmoid_with_loss.h"
#include "notebooks-c/lab.h"

enum { N = 4 };

/* The layer under test and its fixed inputs: scores x, labels t. */
typedef struct Lab {
    SigmoidWithLoss layer;
    float x[N];
    int32_t t[N];
    float dx[N];
    int bug;                /* 0: the real backward; 1: a backward that forgets 1/N */
} Lab;

static float lab_loss(void *ctx)
{
    Lab *lab = ctx;
    return sigmoid_with_loss_forward(&lab->layer, lab->x, lab->t, N);
}

// %% [markdown]
// ## 1. One element by hand
//
// SigmoidWithLoss computes y = sigmoid(x) and the binary cross-entropy
// averaged over the N rows. Its backward claims dL/dx_n = (y_n - t_n) / N.
// Take x_0, move it by h = 1e-3 each way, and compare.

// %%
static void by_hand(Lab *lab)
{
    const double h = 1e-3;
    const float saved = lab->x[0];
    lab->x[0] = saved + (float)h;
    const double up = lab_loss(lab);
    lab->x[0] = saved - (float)h;
    const double down = lab_loss(lab);
    lab->x[0] = saved;
    const double numerical = (up - down) / (2 * h);

    const double y = 1.0 / (1.0 + exp(-(double)saved));
    const double analytic = (y - lab->t[0]) / N;
    printf("x_0 = %.4f, t_0 = %d\n", saved, lab->t[0]);
    printf("numerical  (L(x+h) - L(x-h)) / 2h = %+.6f\n", numerical);
    printf("analytic   (y_0 - t_0) / N        = %+.6f\n", analytic);
    printf("difference                        = %.2e\n", fabs(numerical - analytic));
}

// %% [markdown]
// They agree to about 1e-5, not exactly. Two errors meet here: the loss is
// float32, so L(x+h) and L(x-h) each carry rounding of about 1e-7 · |L|,
// which dividing by 2h = 0.002 magnifies; and the curve is not a straight
// line, which the two-point formula ignores (an error of order h^2). A
// smaller h makes the first worse, a larger h the second. That
// is why dlfs2's checker uses the five-point formula with h = 0.01, whose
// truncation error is tiny, and compares in double precision.
//
// ## 2. With the gradcheck facility
//
// A `GradCheckProblem` is a loss function, a gradients function (zero the
// grads, forward, backward with dout = 1) and the tensors to check. The
// checker perturbs every element of every tensor and reports the worst
// absolute error |a - n| and relative error |a - n| / max(|a| + |n|, tiny).
// The problem also says its batch size B (`.batch`), so that the check can
// recognise a gradient that is off by exactly a factor of B.

// %%
static void lab_gradients(void *ctx)
{
    Lab *lab = ctx;
    memset(lab->dx, 0, sizeof lab->dx);
    (void)sigmoid_with_loss_forward(&lab->layer, lab->x, lab->t, N);
    sigmoid_with_loss_backward(&lab->layer, lab->dx, 1.0f);
    if (lab->bug == 1)      /* the bug: dx = y - t, the 1/N forgotten */
        for (int n = 0; n < N; n++) lab->dx[n] *= N;
}

static void check(Lab *lab, const char *title)
{
    GradCheckProblem p = {.name = "SigmoidWithLoss", .ctx = lab, .loss = lab_loss,
                          .gradients = lab_gradients, .batch = N};
    gradcheck_add_tensor(&p, "x", lab->x, lab->dx, 1, (const int[]){N});
    GradCheckResult r;
    gradcheck_run(&p, &r);
    printf("%s\n", title);
    gradcheck_print_header(stdout);
    gradcheck_print_result(stdout, &r);
    if (r.pass)     /* a FAIL row names its worst element itself */
        printf("worst element x[%zu]: analytic %+.6f, numerical %+.6f\n", r.worst_index,
               r.worst_analytic, r.worst_numerical);
    printf("\n");
}

// %% [markdown]
// ## 3. A deliberately wrong backward
//
// Now the same layer with a backward that forgets to divide by N. The loss
// is unchanged (forward is right), so training would still run, only with
// gradients N times too large. The check sees it at once: analytic and
// numerical differ by a factor N, the relative error is about
// (N - 1) / (N + 1) = 0.6. The FAIL row names the worst element, and since
// analytic / numerical is the batch size, the hint says what to look for:
// a missing (or extra) 1/B.

// %% [markdown]
// ## 4. The chapter-4 bug: an Embedding that overwrites
//
// Embedding's backward must add dout into the rows of W it took
// (`np.add.at`), because the same word can appear twice in a minibatch.
// Writing `dW[idx] = dout` instead keeps only the last copy. With distinct
// ids both versions are right, so a test on distinct ids would not notice;
// with a repeated id the check fails on exactly that row. Told which ids
// gather W's rows (`gradcheck_set_row_ids`), the check sees that only the
// row of the repeated id is wrong and hints at `=` instead of `+=`.

// %%
enum { V = 5, H = 3, B = 4 };

typedef struct EmbeddingLab {
    Param W;
    Embedding layer;
    int32_t idx[B];
    float out[B * H];
    float R[B * H];         /* L = sum(R * out), so dout = R */
    int overwrite;
} EmbeddingLab;

static float embedding_loss(void *ctx)
{
    EmbeddingLab *e = ctx;
    embedding_forward(&e->layer, e->out, e->idx, B);
    double s = 0.0;
    for (int i = 0; i < B * H; i++) s += (double)e->R[i] * e->out[i];
    return (float)s;
}

static void embedding_gradients(void *ctx)
{
    EmbeddingLab *e = ctx;
    param_zero_grad(&e->W);
    embedding_forward(&e->layer, e->out, e->idx, B);
    if (!e->overwrite) {
        embedding_backward(&e->layer, e->R);
        return;
    }
    for (int b = 0; b < B; b++) {     /* the bug: dW[idx[b]] = dout[b] */
        param_mark_row(&e->W, e->idx[b]);
        memcpy(e->W.grad.data + (size_t)e->idx[b] * H, e->R + (size_t)b * H, sizeof(float) * H);
    }
}

static void check_embedding(EmbeddingLab *e, const char *title)
{
    GradCheckProblem p = {.name = "Embedding", .ctx = e, .loss = embedding_loss,
                          .gradients = embedding_gradients, .batch = B};
    gradcheck_add_param(&p, &e->W);
    gradcheck_set_row_ids(&p, 0, e->idx, B);     /* W's rows are gathered by idx */
    GradCheckResult r;
    gradcheck_run(&p, &r);
    printf("%s\n", title);
    gradcheck_print_header(stdout);
    gradcheck_print_result(stdout, &r);
    if (r.pass)     /* a FAIL row names its worst element itself */
        printf("worst element W[%zu, %zu]: analytic %+.6f, numerical %+.6f\n", r.worst_index / H,
               r.worst_index % H, r.worst_analytic, r.worst_numerical);
    printf("\n");
}

// %%
int main(int argc, char **argv)
{
    const int parsed = lab_parse_args("gradient_check", argc, argv, NULL, 0);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;
    Rng rng;
    rng_seed(&rng, 1);
    Lab lab = {.t = {1, 0, 0, 1}};
    sigmoid_with_loss_init(&lab.layer, N);
    for (int n = 0; n < N; n++) lab.x[n] = (float)rng_normal(&rng);

    printf("== 1. one element by hand ==\n");
    by_hand(&lab);
    printf("\n== 2. the whole layer with gradcheck ==\n");
    check(&lab, "SigmoidWithLoss, the real backward:");
    printf("== 3. a backward that forgets 1/N ==\n");
    lab.bug = 1;
    check(&lab, "SigmoidWithLoss, dx = y - t:");
    sigmoid_with_loss_free(&lab.layer);

    printf("== 4. Embedding with the repeated id 3 ==\n");
    EmbeddingLab e = {.idx = {3, 1, 3, 0}};
    param_init(&e.W, "W", 2, (const int[]){V, H}, true);
    for (int i = 0; i < V * H; i++) e.W.value.data[i] = (float)rng_normal(&rng);
    for (int i = 0; i < B * H; i++) e.R[i] = (float)rng_normal(&rng);
    embedding_init(&e.layer, &e.W);
    check_embedding(&e, "ids {3, 1, 3, 0}, backward adds (np.add.at):");
    e.overwrite = 1;
    check_embedding(&e, "ids {3, 1, 3, 0}, backward overwrites (dW[idx] = dout):");
    param_free(&e.W);
    return 0;
}

// %% [markdown]
// Row 3 of W is where both copies of id 3 belong: the overwriting backward
// kept only the second, so its analytic gradient is one dout row short.
//
// ## Try this
// 1. Change the SigmoidWithLoss bug to a 1% error (`*= 1.01f`). Does the
//    check still FAIL? By how much does the relative error exceed the 1e-3
//    threshold? (It should be about 0.005: |1.01a - a| / 2.01|a|.)
// 2. In `by_hand`, try h = 1e-1, 1e-5 and 1e-7. Which gives the smallest
//    difference, and why do both ends get worse?
// 3. Run `./build/dlfs2 gradcheck all` and find the row for NegativeSamplingLoss.
//    Which tensors does it check, and why is the target id not one of them?
