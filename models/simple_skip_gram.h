/*
 * simple_skip_gram.h — the chapter-3 skip-gram (textbook §3.5.2,
 * ch03/simple_skip_gram.py): the target word predicts each of its 2w
 * context words through one softmax over the vocabulary, generalised from
 * the textbook's window 1 to any window w.
 *
 *   h      = onehot(target) @ W_in                        (B, H)
 *   s      = h @ W_out                                    (B, V)
 *   loss   = sum_c SoftmaxWithLoss_c(s, contexts[:, c])   c < 2w, each a batch mean
 *
 * For w = 1 this is the textbook's l1 + l2. Backward sums the 2w score
 * gradients (ds = dl1 + dl2), then goes through W_out and W_in.
 *
 * Slow by design, as in the textbook: the one-hot (B, V) @ (V, H) product
 * is O(B V H) where a row lookup would do. Fine for the 7-word example;
 * on PTB-sized V use models/skip_gram.h.
 */
#ifndef DLFS2_MODELS_SIMPLE_SKIP_GRAM_H
#define DLFS2_MODELS_SIMPLE_SKIP_GRAM_H

#include <stdint.h>

#include "../common/api.h"
#include "../training/model.h"
#include "../common/param.h"
#include "../common/rng.h"
#include "../layers/matmul.h"
#include "../layers/softmax_with_loss.h"

DLFS2_API_BEGIN

typedef struct SimpleSkipGram {
    int V, H, window_size, max_batch;
    Param W_in;                 /* (V, H) the word vectors */
    Param W_out;                /* (H, V) */
    Param *params[2];           /* {&W_in, &W_out} */
    MatMul in_layer;            /* on W_in */
    MatMul out_layer;           /* on W_out */
    SoftmaxWithLoss *loss_layers;   /* (2w,) one per context column, all on s */
    float *onehot;              /* (max_batch, V) one-hot of target */
    float *h;                   /* (max_batch, H) */
    float *dh;                  /* (max_batch, H) */
    float *score;               /* (max_batch, V) s */
    float *dscore;              /* (max_batch, V) ds */
    int32_t *context_col;       /* (max_batch,) one column of contexts */
    int B;                      /* batch size of the last forward; 0 before any */
} SimpleSkipGram;

/*
 * Builds the model for ids in [0, vocab_size), hidden size H, window w
 * (contexts 2w wide) and batches up to max_batch rows, all >= 1
 * (contract). W_in (V, H) is drawn 0.01 * N(0, 1) from rng first, then
 * W_out (H, V), float32, as the textbook. Free with simple_skip_gram_free.
 */
void simple_skip_gram_init(SimpleSkipGram *self, int vocab_size, int hidden_size, int window_size,
                           int max_batch, Rng *rng);
void simple_skip_gram_free(SimpleSkipGram *self);

/*
 * Loss for contexts (B, 2w) int32 and target (B,) int32, ids in [0, V)
 * (aborts otherwise), 1 <= B <= max_batch: the sum over the 2w context
 * columns of their mean cross-entropies (nats). The inputs need not
 * outlive the call.
 */
float simple_skip_gram_forward(SimpleSkipGram *self, const int32_t *contexts, const int32_t *target,
                               int B);

/*
 * Backward of the last forward with dout = 1 for every loss layer: ADDS
 * into W_in.grad and W_out.grad. Aborts if no forward came first.
 */
void simple_skip_gram_backward(SimpleSkipGram *self);

/*
 * Fills *model with this SimpleSkipGram behind the Model interface (name
 * "SimpleSkipGram", params {W_in, W_out}, context_width 2w). Its forward
 * is simple_skip_gram_forward and ignores rng: nothing is sampled.
 */
void simple_skip_gram_as_model(SimpleSkipGram *self, Model *model);

DLFS2_API_END

#endif
