/*
 * dlfs2.h — the whole public API of libdlfs2 in one include:
 *
 *     #include <dlfs2/dlfs2.h>
 *     cc prog.c $(pkg-config --cflags --libs dlfs2)
 *
 * Installed as <includedir>/dlfs2/dlfs2.h beside the folders' public
 * headers (<dlfs2/layers/embedding.h>, ...), which may also be included one
 * by one. Every header reaches the others by a relative path
 * ("../common/param.h"), so -I<includedir> is all a compiler needs. What is
 * public and what stays private: docs/library.md.
 */
#ifndef DLFS2_DLFS2_H
#define DLFS2_DLFS2_H

#include "version.h"

#include "common/param.h"
#include "common/rng.h"
#include "common/status.h"
#include "common/tensor.h"
#include "common/threads.h"
#include "common/util.h"
#include "common/vocab.h"
#include "layers/affine.h"
#include "layers/embedding.h"
#include "layers/embedding_dot.h"
#include "layers/functions.h"
#include "layers/hierarchical_softmax_loss.h"
#include "layers/huffman_tree.h"
#include "layers/matmul.h"
#include "layers/negative_sampling_loss.h"
#include "layers/sigmoid.h"
#include "layers/sigmoid_with_loss.h"
#include "layers/softmax.h"
#include "layers/softmax_with_loss.h"
#include "layers/subword.h"
#include "layers/subword_embedding.h"
#include "layers/unigram_sampler.h"
#include "training/adam.h"
#include "training/checkpoint.h"
#include "training/fast_trainer.h"
#include "training/model.h"
#include "training/optimizer.h"
#include "training/phase_times.h"
#include "training/trainer.h"
#include "models/cbow.h"
#include "models/simple_cbow.h"
#include "models/simple_skip_gram.h"
#include "models/skip_gram.h"
#include "models/word2vec.h"
#include "models/word2vec_data.h"
#include "models/word2vec_output.h"
#include "datasets/data.h"
#include "datasets/npy.h"
#include "datasets/ptb.h"
#include "datasets/token_stream.h"
#include "datasets/vectors.h"
#include "datasets/vocab_file.h"
#include "evaluation/analogy.h"
#include "evaluation/word_map.h"
#include "evaluation/wordsim.h"
#include "gradcheck/cases.h"
#include "gradcheck/gradcheck.h"
#include "recipe/data.h"
#include "recipe/model_build.h"
#include "recipe/preset.h"
#include "recipe/subword_model.h"
#include "recipe/word2vec_stream.h"

#endif
