/*
 * model_adapter.h — what makes a model of this folder a Model of
 * training/model.h, written once (private to models/; not installed).
 *
 * Each model has typed functions (cbow_forward(CBOW *, ...),
 * cbow_backward(CBOW *), cbow_free(CBOW *)); the Model interface calls
 * through void *. The adapters between the two are the same for every
 * model except forward's, so each model states only what differs:
 *
 *     static float cbow_model_forward(void *self, ...)    its forward adapter
 *     MODEL_OPS(cbow, cbow_model_forward, cbow_model_sample);   defines cbow_model_ops
 *     *model = model_adapt("CBOW", self, &cbow_model_ops, self->params, 2,
 *                          2 * window, max_batch);
 *
 * Forward differs: CBOW and SkipGram draw their negatives first
 * (word2vec_output_negatives), the chapter-3 models have nothing to draw;
 * so does the sample op (training/model.h), which only CBOW and SkipGram have.
 */
#ifndef DLFS2_MODELS_MODEL_ADAPTER_H
#define DLFS2_MODELS_MODEL_ADAPTER_H

#include "training/model.h"

/*
 * Defines `static const ModelOps prefix##_model_ops`: forward is the
 * model's own adapter `forward`, sample its sample op (NULL for a model
 * that draws nothing), no fused sgd_step (a model with one, CBOW
 * or SkipGram with negative sampling, copies these ops and sets it); backward and free call the model's
 * prefix##_backward(self) and prefix##_free(self), converting the void *
 * back to the model's type.
 */
#define MODEL_OPS(prefix, forward, sample)                                                                \
    static void prefix##_model_backward(void *self)                                               \
    {                                                                                             \
        prefix##_backward(self);                                                                  \
    }                                                                                             \
    static void prefix##_model_free(void *self)                                                   \
    {                                                                                             \
        prefix##_free(self);                                                                      \
    }                                                                                             \
    static const ModelOps prefix##_model_ops = {forward, prefix##_model_backward, prefix##_model_free, sample, \
                                                NULL}

/*
 * The Model of a model `self` named `name` (static string) behind `ops`:
 * its params (n_params,) owned by the model, contexts 2 * window_size
 * wide, batches of at most max_batch rows.
 */
static inline Model model_adapt(const char *name, void *self, const ModelOps *ops, Param **params,
                                int n_params, int window_size, int max_batch)
{
    return (Model){
        .name = name,
        .self = self,
        .ops = ops,
        .params = params,
        .n_params = n_params,
        .context_width = 2 * window_size,
        .max_batch = max_batch,
    };
}

#endif
