/*
 * word2vec.h — the settings shared by the chapter-4 models (CBOW and
 * SkipGram with negative sampling), with the textbook's defaults
 * (ch04/train.py: window 5, hidden 100, batch 100; NegativeSamplingLoss:
 * power 0.75, sample_size 5).
 */
#ifndef DLFS2_MODELS_WORD2VEC_H
#define DLFS2_MODELS_WORD2VEC_H

#include <stdbool.h>

/* What both chapter-4 models are built from; word2vec_default_config gives the textbook's. */
typedef struct Word2VecConfig {
    int vocab_size;         /* V */
    int hidden_size;        /* H, 100 */
    int window_size;        /* w, 5: contexts are 2w wide */
    int sample_size;        /* negatives per target, 5 */
    float power;            /* sampler exponent, 0.75 */
    bool replace;           /* sampler with replacement (the textbook's GPU path); false */
    int max_batch;          /* largest minibatch, 100 */
} Word2VecConfig;

/* The textbook's settings for a vocabulary of vocab_size words. */
Word2VecConfig word2vec_default_config(int vocab_size);

/* Aborts (contract) unless every size is >= 1 and power >= 0. */
void word2vec_check_config(const Word2VecConfig *cfg);

#endif
