/* vocab_sweep.c — one CBOW step per loss and vocabulary size on a synthetic Zipf corpus (see the header). */
#include "recipe/vocab_sweep.h"

#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "common/rng.h"
#include "recipe/model_build.h"
#include "training/fast_trainer.h"
#include "training/optimizer.h"
#include "training/trainer.h"

const char *vocab_sweep_mode_name(VocabSweepMode mode)
{
    return mode == VOCAB_SWEEP_TEXTBOOK ? "textbook" : "fast";
}

size_t vocab_sweep_count(int V, int r)
{
    const size_t c = ((size_t)V + (size_t)(r + 1) / 2) / (size_t)(r + 1);   /* round(V / (r + 1)) */
    return c < 1 ? 1 : c;
}

void vocab_sweep_data_init(VocabSweepData *d, int V, int window, size_t n_rows, uint64_t seed)
{
    DLFS_ASSERT(V >= 10 && window >= 1 && n_rows >= 1);
    memset(d, 0, sizeof *d);
    d->V = V;
    d->window = window;
    size_t N = 0;
    for (int r = 0; r < V; r++) N += vocab_sweep_count(V, r);
    d->corpus = dlfs_malloc(N * sizeof *d->corpus);
    size_t pos = 0;
    for (int r = 0; r < V; r++)
        for (size_t k = vocab_sweep_count(V, r); k > 0; k--) d->corpus[pos++] = r;
    Rng rng;
    rng_seed(&rng, seed);
    for (size_t i = N - 1; i > 0; i--) {   /* Fisher-Yates */
        const size_t j = (size_t)rng_below(&rng, (uint64_t)i + 1);
        const int32_t t = d->corpus[i];
        d->corpus[i] = d->corpus[j];
        d->corpus[j] = t;
    }
    d->n_tokens = N;
    DLFS_ASSERT(N > 2 * (size_t)window);
    const size_t w = (size_t)window;
    d->n_rows = n_rows;
    d->contexts = dlfs_malloc(n_rows * 2 * w * sizeof *d->contexts);
    d->target = dlfs_malloc(n_rows * sizeof *d->target);
    for (size_t i = 0; i < n_rows; i++) {
        const size_t p = w + (size_t)rng_below(&rng, (uint64_t)(N - 2 * w));
        d->target[i] = d->corpus[p];
        int32_t *ctx = d->contexts + i * 2 * w;
        for (size_t k = 0; k < w; k++) {
            ctx[k] = d->corpus[p - w + k];
            ctx[w + k] = d->corpus[p + 1 + k];
        }
    }
}

void vocab_sweep_data_free(VocabSweepData *d)
{
    free(d->corpus);
    free(d->contexts);
    free(d->target);
    memset(d, 0, sizeof *d);
}

/* A FastEpochFn handing out d's rows every epoch. */
static int rows_next(void *ctx, int epoch, const int32_t **contexts, const int32_t **target, size_t *n,
                     DlfsError *err)
{
    (void)epoch;
    (void)err;
    const VocabSweepData *d = ctx;
    *contexts = d->contexts;
    *target = d->target;
    *n = d->n_rows;
    return DLFS_OK;
}

/* Orders steps' phase times by their totals (qsort). */
static int compare_totals(const void *pa, const void *pb)
{
    const double a = trainer_phase_total(pa), b = trainer_phase_total(pb);
    return (a > b) - (a < b);
}

/* The median step of times (steps,), each one step's phases; sorts times. */
static void set_median(VocabSweepStep *step, TrainerPhaseTimes *times, int steps)
{
    qsort(times, (size_t)steps, sizeof *times, compare_totals);
    const TrainerPhaseTimes *t = &times[steps / 2];
    for (int p = 0; p < TRAIN_N_PHASES; p++) step->phase_ms[p] = 1e3 * t->s[p];
    step->ms = 1e3 * trainer_phase_total(t);
}

/* The textbook's Trainer and dense Adam: each step a fit that goes on for one more step. */
static int time_textbook(Model *model, const VocabSweepData *d, int B, int steps, Rng *rng,
                         VocabSweepStep *step, DlfsError *err)
{
    const OptimizerConfig opt_cfg = optimizer_default_config(OPTIMIZER_ADAM);   /* lr 0.001 */
    Optimizer opt;
    optimizer_init(&opt, &opt_cfg, model->params, model->n_params);
    Trainer trainer;
    trainer_init(&trainer, model, &opt);
    trainer.eval_interval = 0;
    trainer.log = NULL;
    TrainerPhaseTimes *times = dlfs_calloc((size_t)steps, sizeof *times);
    int status = DLFS_OK;
    for (int k = -VOCAB_SWEEP_WARMUP; k < steps && status == DLFS_OK; k++) {
        trainer.max_iters = VOCAB_SWEEP_WARMUP + k + 1;   /* fit goes on in the epoch it began */
        trainer.phase_times = k >= 0 ? &times[k] : NULL;
        status = trainer_fit(&trainer, d->contexts, d->target, d->n_rows, 1, B, rng, err);
    }
    if (status == DLFS_OK) set_median(step, times, steps);
    free(times);
    trainer_free(&trainer);
    optimizer_free(&opt);
    return status;
}

/* The FastTrainer (lazy Adam) on one thread: each step a fit of one step. */
static int time_fast(Model *model, VocabSweepData *d, int B, int steps, Rng *rng, VocabSweepStep *step,
                     DlfsError *err)
{
    FastTrainerConfig tc = fast_trainer_default_config();   /* lazy Adam, lr 0.001, shuffled */
    tc.threads = 1;
    tc.batch_size = B;
    tc.epochs = 1;   /* each fit starts at epoch 0 */
    tc.eval_interval = 0;
    tc.log = NULL;
    FastTrainer trainer;
    fast_trainer_init(&trainer, &tc, model);
    TrainerPhaseTimes *times = dlfs_calloc((size_t)steps, sizeof *times);
    int status = DLFS_OK;
    for (int k = -VOCAB_SWEEP_WARMUP; k < steps && status == DLFS_OK; k++) {
        trainer.cfg.max_iters = trainer.total_iters + 1;
        trainer.cfg.phase_times = k >= 0 ? &times[k] : NULL;
        status = fast_trainer_fit(&trainer, rows_next, d, rng, err);
    }
    if (status == DLFS_OK) set_median(step, times, steps);
    free(times);
    fast_trainer_free(&trainer);
    return status;
}

int vocab_sweep_time(const VocabSweepData *d, Word2VecLoss loss, int H, int B, int steps, uint64_t seed,
                     VocabSweepResult *out, DlfsError *err)
{
    memset(out, 0, sizeof *out);
    if (H < 1 || B < 1 || steps < 1 || d->n_rows < (size_t)(VOCAB_SWEEP_WARMUP + steps) * (size_t)B)
        return dlfs_fail(err, DLFS_ERR_ARG, "the sweep needs H, B, steps >= 1 and (warmup + steps) B rows");
    Word2VecConfig cfg = word2vec_default_config(d->V);
    cfg.window_size = d->window;
    cfg.hidden_size = H;
    cfg.max_batch = B;
    cfg.loss = loss;
    Rng rng;
    rng_seed(&rng, seed);
    RecipeModel m;
    int status = recipe_model_build(&m, RECIPE_CBOW, &cfg, d->corpus, d->n_tokens, &rng, err);
    if (status == DLFS_OK && loss == WORD2VEC_LOSS_HSOFTMAX) {
        const HuffmanTree *tree = &m.cbow.output.tree;
        double words = 0.0, tokens = 0.0;
        for (int w = 0; w < tree->vocab_size; w++) words += tree->code_length[w];
        for (size_t i = 0; i < d->n_tokens; i++) tokens += tree->code_length[d->corpus[i]];
        out->longest_code = tree->max_code_length;
        out->mean_code_words = words / tree->vocab_size;
        out->mean_code_tokens = tokens / (double)d->n_tokens;
    }
    if (status == DLFS_OK)
        status = time_textbook(&m.model, d, B, steps, &rng, &out->step[VOCAB_SWEEP_TEXTBOOK], err);
    if (status == DLFS_OK)
        status = time_fast(&m.model, (VocabSweepData *)d, B, steps, &rng, &out->step[VOCAB_SWEEP_FAST], err);
    recipe_model_free(&m);
    return status;
}
