/*
 * simple_cbow.h — the chapter-3 CBOW (textbook §3.2–3.4, ch03/simple_cbow.py):
 * one-hot context words through MatMul layers and a softmax over the whole
 * vocabulary, generalised from the textbook's window 1 to any window w.
 *
 *   onehot_i = one-hot of contexts[:, i]                  (B, V), i < 2w
 *   h        = (1 / 2w) * sum_i onehot_i @ W_in           2w MatMuls sharing W_in
 *   score    = h @ W_out                                  (B, V)
 *   loss     = SoftmaxWithLoss(score, target)             mean over the batch
 *
 * For w = 1 this is the textbook's h = (h0 + h1) * 0.5. The word vectors
 * are the rows of W_in (the textbook's word_vecs).
 *
 * Slow by design, as in the textbook: every MatMul multiplies a (B, V)
 * one-hot matrix, O(B V H) work where a row lookup would do (the point
 * chapter 4's Embedding and negative sampling make), and the one-hot
 * buffer alone holds 2w * max_batch * V floats. Fine for the 7-word
 * example; on PTB-sized V use models/cbow.h.
 */
#ifndef DLFS2_MODELS_SIMPLE_CBOW_H
#define DLFS2_MODELS_SIMPLE_CBOW_H

#include <stdint.h>

#include "../common/api.h"
#include "../training/model.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../layers/matmul.h"
#include "../layers/softmax_with_loss.h"

DLFS2_API_BEGIN

typedef struct SimpleCBOW {
    int V, H, window_size, max_batch;
    Param W_in;                 /* (V, H) the word vectors */
    Param W_out;                /* (H, V) */
    Param *params[2];           /* {&W_in, &W_out} */
    MatMul *in_layers;          /* (2w,) all on W_in */
    MatMul out_layer;           /* on W_out */
    SoftmaxWithLoss loss_layer;
    float *onehot;              /* (2w, max_batch, V) one-hot of each context column */
    float *h;                   /* (max_batch, H) */
    float *h_i;                 /* (max_batch, H) one in_layer's output */
    float *dh;                  /* (max_batch, H) */
    float *score;               /* (max_batch, V) */
    float *dscore;              /* (max_batch, V) */
    int B;                      /* batch size of the last forward; 0 before any */
} SimpleCBOW;

/*
 * Builds the model for ids in [0, vocab_size), hidden size H, window w
 * (contexts 2w wide) and batches up to max_batch rows, all >= 1
 * (contract). W_in (V, H) is drawn 0.01 * N(0, 1) from rng first, then
 * W_out (H, V), float32, as the textbook. Allocates everything forward and
 * backward need. Free with simple_cbow_free.
 */
void simple_cbow_init(SimpleCBOW *self, int vocab_size, int hidden_size, int window_size,
                      int max_batch, Rng *rng);
void simple_cbow_free(SimpleCBOW *self);

/*
 * Loss (mean cross-entropy, nats) for contexts (B, 2w) int32 and target
 * (B,) int32, ids in [0, V) (aborts otherwise), 1 <= B <= max_batch. The
 * ids are turned into one-hot rows here (the textbook's convert_one_hot,
 * float 0/1); the inputs need not outlive the call.
 */
float simple_cbow_forward(SimpleCBOW *self, const int32_t *contexts, const int32_t *target, int B);

/*
 * Backward of the last forward with dout = 1: ADDS into W_in.grad and
 * W_out.grad (the 2w in_layers all add into W_in.grad, the textbook's
 * remove_duplicate sum). Aborts if no forward came first.
 */
void simple_cbow_backward(SimpleCBOW *self);

/*
 * Fills *model with this SimpleCBOW behind the Model interface (name
 * "SimpleCBOW", params {W_in, W_out}, context_width 2w). Its forward is
 * simple_cbow_forward and ignores rng: nothing is sampled.
 */
void simple_cbow_as_model(SimpleCBOW *self, Model *model);

DLFS2_API_END

#endif
