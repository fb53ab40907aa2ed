// %% [markdown]
// # Chapter 4.1: the Embedding layer
//
// The C twin of the textbook's §4.1 ("improving the input side"), the
// `Embedding` class of `common/layers.py` and how `ch04/cbow.py` uses it.
// Chapter 3's CBOW fed each context word in as a one-hot vector and
// multiplied it by `W_in`. The product only picks out one row of `W_in`,
// so chapter 4 replaces it with a layer that picks out the row directly.
// This lab shows that the two give the same result and compares their cost,
// then looks at the two details the backward pass must get right: ids that
// repeat within a minibatch, and several layers that share one `W_in`.
//
// Run it with `./build/notebooks-c/ch04_1_embedding` (`--seed N`, default 1,
// for the random values of section 4). It needs no data and runs in
// milliseconds.

// %%
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/param.h"
#include "common/rng.h"
#include "gradcheck/gradcheck.h"
#include "layers/embedding.h"
#include "layers/matmul.h"
#include "lab.h"

enum { V = 7, H = 3 };      /* the textbook's toy W: 7 words, 3 dimensions */

/* Prints one row of H floats as "[  6.0   7.0   8.0]". */
static void print_row(const float *row)
{
    printf("[");
    for (int k = 0; k < H; k++) printf(k ? " %5.1f" : "%5.1f", row[k]);
    printf("]");
}

/* Prints a (rows, H) matrix, one "  label N: [...]" line per row. */
static void print_matrix(const char *label, const float *m, int rows)
{
    for (int r = 0; r < rows; r++) {
        printf("  %s%d: ", label, r);
        print_row(m + (size_t)r * H);
        printf("\n");
    }
}

/* max_i |a_i - b_i| over n floats. */
static double max_abs_diff(const float *a, const float *b, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* n written with thousands separators, "1,000,000", into buf (32 bytes). */
static const char *with_commas(long long n, char *buf)
{
    char digits[32];
    const int len = snprintf(digits, sizeof digits, "%lld", n);
    int j = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    return buf;
}

// %% [markdown]
// ## 1. One-hot times W just picks a row
//
// The textbook's example: `W = np.arange(21).reshape(7, 3)`, a (7, 3) matrix
// holding 0..20. `W[2]` is row 2, and `W[[1, 0, 3, 0]]` takes rows 1, 0, 3
// and 0 again, one per id. That is all `embedding_forward` does: it copies
// row `idx[b]` of W into row b of its output.
//
// Chapter 3 got the same rows another way: the one-hot vector of id 2 (a 1
// at position 2, zeros elsewhere) times W. Here it goes through the MatMul
// layer, over the same W, and comes out as row 2. The one-hot rows of
// {1, 0, 3, 0} give `W[[1, 0, 3, 0]]` the same way.
//
// The difference is the cost. A one-hot vector times W is a (1, V) by (V, H)
// product: V·H multiply-adds per word, all but H of them by zero. The row
// costs H copies. The table computes both for PTB (V = 10,000, H = 100, the
// sizes of chapter 4's training) and for the vocabulary of a million words
// that the textbook uses as its example. The ratio is V. The backward pass
// has the same imbalance: MatMul's dW = xᵀ·dout is V·H multiply-adds again,
// while Embedding adds H numbers into one row of dW.

// %%
static void section_one_hot(Param *W)
{
    printf("== 1. One-hot times W just picks a row ==\n");
    for (int i = 0; i < V * H; i++) W->value.data[i] = (float)i;   /* np.arange(21).reshape(7, 3) */
    printf("W (7, 3):\n");
    print_matrix("row ", W->value.data, V);

    Embedding embed;
    embedding_init(&embed, W);
    const int32_t id2[1] = {2};
    float row2[H];
    embedding_forward(&embed, row2, id2, 1);
    printf("\nW[2] (embedding_forward, idx = {2}):\n  ");
    print_row(row2);
    printf("\n");

    enum { B = 4 };
    const int32_t idx[B] = {1, 0, 3, 0};
    float rows[B * H];
    embedding_forward(&embed, rows, idx, B);
    printf("W[[1, 0, 3, 0]] (embedding_forward, idx = {1, 0, 3, 0}):\n");
    print_matrix("out ", rows, B);

    /* the chapter-3 way: one-hot rows times W through MatMul */
    MatMul matmul;
    matmul_init(&matmul, W);
    float one_hot2[V] = {0}, product2[H];
    one_hot2[2] = 1.0f;
    matmul_forward(&matmul, product2, one_hot2, 1);
    printf("\none-hot(2) = [");
    for (int v = 0; v < V; v++) printf(v ? " %.0f" : "%.0f", one_hot2[v]);
    printf("]\none-hot(2) @ W (MatMul): ");
    print_row(product2);
    printf("\nmax |one-hot(2) @ W - W[2]| = %.1f\n", max_abs_diff(product2, row2, H));

    float one_hot[B * V] = {0}, product[B * H];
    for (int b = 0; b < B; b++) one_hot[b * V + idx[b]] = 1.0f;
    matmul_forward(&matmul, product, one_hot, B);
    printf("max |one-hot({1, 0, 3, 0}) @ W - W[[1, 0, 3, 0]]| = %.1f\n",
           max_abs_diff(product, rows, B * H));

    /* the cost per word, computed */
    const struct { const char *name; long long V, H; } sizes[] = {
        {"PTB", 10000, 100},
        {"textbook example", 1000000, 100},
    };
    printf("\ncost per word: multiply-adds of one-hot @ W against floats copied for one row\n");
    printf("%-17s %10s %5s %14s %9s %10s\n", "", "V", "H", "one-hot @ W", "row copy", "ratio");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const long long matmul_ops = sizes[s].V * sizes[s].H, copies = sizes[s].H;
        char a[32], b[32], c[32];
        printf("%-17s %10s %5lld %14s %9lld %10s\n", sizes[s].name, with_commas(sizes[s].V, a),
               sizes[s].H, with_commas(matmul_ops, b), copies, with_commas(matmul_ops / copies, c));
    }
}

// %% [markdown]
// ## 2. Backward with a repeated id
//
// Forward copied row `idx[b]` of W to row b of the output, so backward sends
// row b of dout back to row `idx[b]` of dW, and every other row of dW is
// zero. When an id occurs twice in the minibatch, both of its dout rows
// belong to the same row of W, and the gradient of that row is their sum.
// The textbook writes this as `np.add.at(dW, self.idx, dout)`; in
// `embedding_backward` it is `dW[idx[b]] += dout[b]`.
//
// The tempting shortcut `dW[self.idx] = dout` assigns instead, and when an id
// repeats, only the last of its rows is kept. Below, `backward_overwrite`
// makes that mistake on purpose. With idx = {1, 0, 3, 0}, id 0 comes twice.
// dout row n is 10(n + 1) + (0, 1, 2), so the rows are easy to tell apart
// in the result.

// %%
/* The wrong backward: dW[idx[n]] = dout[n] (assign, not add). dW (V, H) zeroed first. */
static void backward_overwrite(float *dW, const int32_t *idx, const float *dout, int B)
{
    memset(dW, 0, sizeof(float) * V * H);
    for (int n = 0; n < B; n++)
        memcpy(dW + (size_t)idx[n] * H, dout + (size_t)n * H, sizeof(float) * H);   /* = not += */
}

static void section_repeated_ids(Param *W)
{
    printf("== 2. Backward with a repeated id ==\n");
    enum { B = 4 };
    const int32_t idx[B] = {1, 0, 3, 0};
    float out[B * H], dout[B * H];
    for (int n = 0; n < B; n++)
        for (int k = 0; k < H; k++) dout[n * H + k] = (float)(10 * (n + 1) + k);
    printf("idx = {1, 0, 3, 0}\ndout (4, 3):\n");
    print_matrix("dout ", dout, B);

    Embedding embed;
    embedding_init(&embed, W);
    param_zero_grad(W);
    embedding_forward(&embed, out, idx, B);
    embedding_backward(&embed, dout);
    float wrong[V * H];
    backward_overwrite(wrong, idx, dout, B);

    printf("\n%-5s%-21s%-21s%s\n", "row", "dW, adding", "dW, overwriting", "adding - overwriting");
    float diff[V * H];
    for (int i = 0; i < V * H; i++) diff[i] = W->grad.data[i] - wrong[i];
    for (int r = 0; r < V; r++) {
        printf("%3d  ", r);
        print_row(W->grad.data + (size_t)r * H);
        printf("  ");
        print_row(wrong + (size_t)r * H);
        printf("  ");
        print_row(diff + (size_t)r * H);
        printf("\n");
    }

    /* which rows differ, and what they should be */
    for (int r = 0; r < V; r++) {
        if (max_abs_diff(W->grad.data + (size_t)r * H, wrong + (size_t)r * H, H) == 0.0) continue;
        float sum[H] = {0};
        int last = -1;
        printf("\nrow %d differs: idx[n] = %d at n =", r, r);
        for (int n = 0; n < B; n++) {
            if (idx[n] != r) continue;
            printf(" %d", n);
            for (int k = 0; k < H; k++) sum[k] += dout[n * H + k];
            last = n;
        }
        printf("\n  adding:      dW[%d] = the sum of those dout rows, max |dW[%d] - sum| = %.1f\n",
               r, r, max_abs_diff(W->grad.data + (size_t)r * H, sum, H));
        printf("  overwriting: dW[%d] = dout[%d] only, max |dW[%d] - dout[%d]| = %.1f\n",
               r, last, r, last, max_abs_diff(wrong + (size_t)r * H, dout + (size_t)last * H, H));
    }
    param_zero_grad(W);
}

// %% [markdown]
// The overwriting backward lost dout[1]: the difference in row 0 is exactly
// that row, (20, 21, 22). Every other row agrees, because every other id
// occurs once. So a test that uses only distinct ids cannot tell the two
// backwards apart. In a PTB minibatch of 100 contexts, words such as "the"
// and "<unk>" repeat all the time.
//
// ## 3. Two Embedding layers share one W_in
//
// CBOW with window 1 has two Embedding layers, one for the left context
// column and one for the right, and both read the same `W_in`:
// h = 0.5 (W_in[left] + W_in[right]). Its backward gives each layer
// 0.5·dh. In the textbook each layer keeps a private `dW`, zeroes it and
// adds into it (`dW[...] = 0`, then `np.add.at`). The trainer's
// `remove_duplicate` then sees the same `W_in` listed twice and adds the two
// `dW` arrays before the update.
//
// dlfs2 keeps one gradient per weight: `W_in` is one `Param` with one
// `grad`, and both layers hold a pointer to it (models/cbow.c does
// `embedding_init(&in_layers[i], &W_in)` for every context column). Backward
// only adds (`+=`) into that grad and never zeroes it, and the trainer zeroes
// it once per step. The sum that `remove_duplicate` computes afterwards is
// built up during the backward pass instead. Below, the contexts are
// (1, 3) and (2, 2), so the left ids are {1, 2} and the right ids {3, 2}.
// Id 2 occurs in both layers. Each layer's gradient on its own is computed
// first, the textbook's way, and then the sum with both layers adding into
// the one grad.

// %%
static void section_shared(Param *W_in)
{
    printf("== 3. Two Embedding layers share one W_in ==\n");
    enum { B = 2 };
    const int32_t left[B] = {1, 2}, right[B] = {3, 2};
    Embedding in_layers[2];
    embedding_init(&in_layers[0], W_in);
    embedding_init(&in_layers[1], W_in);
    printf("both layers' W is W_in: %s\n",
           in_layers[0].params[0] == W_in && in_layers[1].params[0] == W_in ? "yes" : "no");

    /* forward: h = 0.5 (W_in[left] + W_in[right]) */
    float h[B * H], out[B * H];
    embedding_forward(&in_layers[0], h, left, B);
    embedding_forward(&in_layers[1], out, right, B);
    for (int i = 0; i < B * H; i++) h[i] = 0.5f * (h[i] + out[i]);

    /* backward: each layer gets 0.5 dh */
    const float dh[B * H] = {1, 2, 3, 4, 5, 6};
    float dh_half[B * H];
    for (int i = 0; i < B * H; i++) dh_half[i] = 0.5f * dh[i];
    printf("left ids {1, 2}, right ids {3, 2}\ndh (2, 3):\n");
    print_matrix("dh ", dh, B);
    printf("each layer's dout = 0.5 dh:\n");
    print_matrix("dout ", dh_half, B);

    /* the textbook's way: each layer alone into a zeroed dW, then the sum */
    float alone[2][V * H], summed[V * H];
    for (int l = 0; l < 2; l++) {
        param_zero_grad(W_in);
        embedding_backward(&in_layers[l], dh_half);
        memcpy(alone[l], W_in->grad.data, sizeof alone[l]);
    }
    for (int i = 0; i < V * H; i++) summed[i] = alone[0][i] + alone[1][i];

    /* dlfs2's way: zero once, both layers add into W_in.grad */
    param_zero_grad(W_in);
    for (int l = 0; l < 2; l++) embedding_backward(&in_layers[l], dh_half);

    printf("\n%-5s%-21s%-21s%-21s%s\n", "row", "left layer alone", "right layer alone",
           "left + right", "W_in.grad");
    for (int r = 0; r < V; r++) {
        printf("%3d  ", r);
        print_row(alone[0] + (size_t)r * H);
        printf("  ");
        print_row(alone[1] + (size_t)r * H);
        printf("  ");
        print_row(summed + (size_t)r * H);
        printf("  ");
        print_row(W_in->grad.data + (size_t)r * H);
        printf("\n");
    }
    printf("max |W_in.grad - (left + right)| = %.1f\n",
           max_abs_diff(W_in->grad.data, summed, V * H));

    /* the other half of the contract: zero once per step */
    printf("\nrows of W_in.grad written since the last zeroing: %d of %d (ids", W_in->n_touched, V);
    for (int i = 0; i < W_in->n_touched; i++) printf(" %d", W_in->touched_rows[i]);
    printf(")\n");
    for (int l = 0; l < 2; l++) embedding_backward(&in_layers[l], dh_half);
    printf("a second backward without zeroing: row 2 = ");
    print_row(W_in->grad.data + 2 * H);
    float twice[H];
    for (int k = 0; k < H; k++) twice[k] = 2.0f * summed[2 * H + k];
    printf("\n  twice the gradient: max |row 2 - 2 (left + right)[2]| = %.1f\n",
           max_abs_diff(W_in->grad.data + 2 * H, twice, H));
    param_zero_grad(W_in);
    for (int l = 0; l < 2; l++) embedding_backward(&in_layers[l], dh_half);
    printf("param_zero_grad, then backward:     row 2 = ");
    print_row(W_in->grad.data + 2 * H);
    printf("\n");
    param_zero_grad(W_in);
}

// %% [markdown]
// The numbers are the same both ways. Two things make that hold. First,
// every backward in dlfs2 adds (MatMul's and EmbeddingDot's too), so it does
// not matter how many layers point at a weight, or in which order they run.
// Second, the gradient is zeroed exactly once per step. Without that, a
// second step's backward adds on top of the first (row 2 doubled above).
// `param_zero_grad` clears only the rows that were written since the last
// zeroing, here 3 of 7. For the textbook's PTB minibatch (100 contexts of
// window 5) that is at most 1,000 rows of the 10,000.
//
// ## 4. The numerical check agrees
//
// Finally the gradcheck facility (gradcheck/gradcheck.h; see the
// gradient_check lab) checks the whole input side as a function of `W_in`:
// L = sum(R · h) with h = 0.5 (W_in[left] + W_in[right]). The left ids are
// {1, 2, 1} and the right ids {3, 2, 2}: id 1 repeats within one layer, and
// id 2 occurs in both layers and twice in the right one. W_in and R are
// drawn from N(0, 1) with `--seed`. The second row checks a backward with
// the textbook's `dW[...] = 0` moved onto the shared grad, which zeroes it
// between the two layers and keeps only the right layer's part. It FAILs on
// a row that only the left layer touches.

// %%
enum { CHECK_B = 3 };

typedef struct SharedCheck {
    Param W_in;
    Embedding in_layers[2];
    int32_t ids[2][CHECK_B];     /* left column, right column */
    float h[CHECK_B * H], out[CHECK_B * H];
    float R[CHECK_B * H];        /* L = sum(R * h), so dh = R */
    int zero_between;            /* 1: the bug, W_in.grad zeroed before each layer's backward */
} SharedCheck;

static void shared_forward(SharedCheck *c)
{
    embedding_forward(&c->in_layers[0], c->h, c->ids[0], CHECK_B);
    embedding_forward(&c->in_layers[1], c->out, c->ids[1], CHECK_B);
    for (int i = 0; i < CHECK_B * H; i++) c->h[i] = 0.5f * (c->h[i] + c->out[i]);
}

static float shared_loss(void *ctx)
{
    SharedCheck *c = ctx;
    shared_forward(c);
    double s = 0.0;
    for (int i = 0; i < CHECK_B * H; i++) s += (double)c->R[i] * c->h[i];
    return (float)s;
}

static void shared_gradients(void *ctx)
{
    SharedCheck *c = ctx;
    float dout[CHECK_B * H];
    for (int i = 0; i < CHECK_B * H; i++) dout[i] = 0.5f * c->R[i];
    param_zero_grad(&c->W_in);
    shared_forward(c);
    for (int l = 0; l < 2; l++) {
        if (c->zero_between) param_zero_grad(&c->W_in);   /* the bug */
        embedding_backward(&c->in_layers[l], dout);
    }
}

static void section_gradcheck(uint64_t seed)
{
    printf("== 4. The numerical check agrees ==\n");
    SharedCheck c = {.ids = {{1, 2, 1}, {3, 2, 2}}};
    param_init(&c.W_in, "W_in", 2, (const int[]){V, H}, true);
    Rng rng;
    rng_seed(&rng, seed);
    param_fill_randn(&c.W_in, 1.0, &rng);
    for (int i = 0; i < CHECK_B * H; i++) c.R[i] = (float)rng_normal(&rng);
    embedding_init(&c.in_layers[0], &c.W_in);
    embedding_init(&c.in_layers[1], &c.W_in);

    GradCheckProblem p = {.name = "Embedding x2, shared", .ctx = &c, .loss = shared_loss,
                          .gradients = shared_gradients};
    gradcheck_add_param(&p, &c.W_in);
    shared_forward(&c);
    for (int i = 0; i < CHECK_B * H; i++) p.noise_scale += fabs((double)c.R[i] * c.h[i]);

    GradCheckResult r[2];
    gradcheck_run(&p, &r[0]);
    c.zero_between = 1;
    p.name = "zeroed between layers";
    gradcheck_run(&p, &r[1]);
    gradcheck_print_header(stdout);
    for (int i = 0; i < 2; i++) gradcheck_print_result(stdout, &r[i]);
    printf("worst element of the second: W_in[%zu, %zu], analytic %+.4f, numerical %+.4f\n",
           r[1].worst_index / H, r[1].worst_index % H, r[1].worst_analytic, r[1].worst_numerical);
    param_free(&c.W_in);
}

// %%
int main(int argc, char **argv)
{
    long long seed = 1;
    const LabOption opts[] = {
        {.name = "--seed", .min = 0, .max = INT64_MAX, .value = &seed, .help = "N"},
    };
    const int parsed = lab_parse_args("ch04_1_embedding", argc, argv, opts, 1);
    if (parsed != 0) return parsed == 1 ? 0 : parsed;

    Param W;        /* sections 1 and 2: the textbook's toy W, dense (MatMul needs that) */
    param_init(&W, "W", 2, (const int[]){V, H}, false);
    section_one_hot(&W);
    printf("\n");
    section_repeated_ids(&W);
    param_free(&W);

    Param W_in;     /* section 3: row-tracked, as the models' W_in */
    param_init(&W_in, "W_in", 2, (const int[]){V, H}, true);
    for (int i = 0; i < V * H; i++) W_in.value.data[i] = (float)i;
    printf("\n");
    section_shared(&W_in);
    param_free(&W_in);

    printf("\n");
    section_gradcheck((uint64_t)seed);
    return 0;
}

// %% [markdown]
// ## Try this
// 1. Make every id in section 2 distinct (idx = {1, 0, 3, 2}). Do the
//    adding and overwriting backwards still differ? Then pick idx with one
//    id three times and predict its row of dW before you run it.
// 2. In `shared_gradients`, zero the grad only before the first layer's
//    backward (`if (c->zero_between && l == 0)`). Does the second check still
//    FAIL? Why is zeroing before the first backward harmless, and zeroing
//    before any later one not?
// 3. Time `matmul_forward` on a (100, 10,000) one-hot batch against
//    `embedding_forward` on 100 ids with W (10,000, 100) (clock_gettime; print
//    as `N[ms]`). How close is the measured ratio to the 10,000 of section 1,
//    and what does the BLAS gain back?
