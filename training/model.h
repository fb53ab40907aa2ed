/*
 * model.h — the small interface every trainable model offers, so that one
 * Trainer (and later one gradient checker) serves CBOW, SkipGram and the
 * rest. It is the textbook's duck-typed model: forward -> loss, backward,
 * params (grads are params[i]->grad), plus free. No generic layer vtable:
 * layers take different inputs and are called directly by the models.
 */
#ifndef DLFS2_TRAINING_MODEL_H
#define DLFS2_TRAINING_MODEL_H

#include <stdint.h>

#include "../common/api.h"
#include "../common/param.h"
#include "../common/rng.h"

DLFS2_API_BEGIN

typedef struct ModelOps {
    /*
     * Loss for a minibatch: contexts (B, context_width) int32 and target
     * (B,) int32, both borrowed until backward. A model that samples
     * (negative sampling) draws with rng; with rng == NULL it reuses the
     * draws of the previous call (frozen negatives, for gradient checks).
     */
    float (*forward)(void *self, const int32_t *contexts, const int32_t *target, int B, Rng *rng);
    /* Adds d(loss)/d(param) into every params[i]->grad (dout = 1). */
    void (*backward)(void *self);
    /* Releases what the model's init allocated (not the struct itself). */
    void (*free)(void *self);
    /*
     * Optional (NULL for a model that draws nothing): draws with rng what
     * the next forward on the same contexts and target with rng == NULL
     * uses (the negatives), and nothing else. sample then forward(NULL)
     * equals forward(rng), draw for draw; the trainers call them so, to
     * time the sampling as its own phase (training/phase_times.h).
     */
    void (*sample)(void *self, const int32_t *contexts, const int32_t *target, int B, Rng *rng);
    /*
     * Optional (NULL for a model without one): one step of plain SGD fused
     * with forward and backward, word2vec.c's per-example update, on the
     * draws of the last sample (called for this batch first, where the
     * model has the op). Row by row in
     * order, each row's outputs are scored at the current weights, then the
     * weights it touched move by lr * (label - sigmoid(score)) times the
     * other side's vector (lr per example, not per batch: no division by B),
     * in place, before the next row is scored. No gradient buffer is written
     * and params[i]->grad stays as it was. Returns the loss forward would
     * (each loss term's mean over the batch, summed), computed in float.
     * The weights move whatever the loss (even a NaN). One row (B = 1) gives
     * the weights forward, backward and an SGD update at rate lr would give,
     * to float rounding. The fast trainer with SGD calls sample then this;
     * the textbook Trainer never calls it. A model may do otherwise where
     * its header says so (CBOW's shared negatives score the whole batch
     * first).
     */
    float (*sgd_step)(void *self, const int32_t *contexts, const int32_t *target, int B, float lr);
} ModelOps;

typedef struct Model {
    const char *name;       /* "CBOW", "SkipGram", ... */
    void *self;             /* the concrete model, e.g. a CBOW * */
    const ModelOps *ops;
    Param **params;         /* (n_params,) each shared weight once; owned by the model */
    int n_params;
    int context_width;      /* columns of contexts, 2 * window */
    int max_batch;          /* largest B forward accepts */
} Model;

DLFS2_API_END

#endif
