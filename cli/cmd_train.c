/*
 * cmd_train.c — `dlfs2 train`: the textbook's ch04/train.py.
 *
 * Loads PTB's train split (or any whitespace-tokenised text file), takes
 * create_contexts_target's (contexts, target) pairs (each minibatch's made
 * from the corpus as it is drawn, trainer_fit_corpus), builds CBOW or
 * SkipGram with negative sampling (or, with --loss, the full or the
 * hierarchical softmax), and trains with one of the textbook's
 * optimizers (common/optimizer.py; Adam by default, as train.py) through
 * the Trainer, which prints the textbook's progress lines. Writes OUT/loss.csv
 * (one row per printed line) and OUT/vectors.txt (W_in in word2vec's text
 * format) or, with --format binary, OUT/vectors.bin (word2vec's binary
 * format); with --save-npy also OUT/W_in.npy and OUT/W_out.npy, the model's
 * weight matrices for NumPy. The textbook pickles word_vecs to
 * cbow_params.pkl instead.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/train_setup.h"
#include "recipe/preset.h"
#include "recipe/subword_model.h"
#include "recipe/word2vec_stream.h"
#include "cli/train_mpi.h"
#include "common/blas.h"
#include "common/clock.h"
#include "common/threads.h"
#include "common/check.h"
#include "training/checkpoint.h"
#include "training/fast_trainer.h"
#include "common/fs.h"
#include "training/model.h"
#include "training/optimizer.h"
#include "plot/plot.h"
#include "common/rng.h"
#include "common/tensor.h"
#include "training/trainer.h"
#include "common/util.h"
#include "common/vocab.h"
#include "datasets/npy.h"
#include "datasets/ptb.h"
#include "datasets/token_stream.h"
#include "datasets/vectors.h"
#include "layers/subword.h"
#include "layers/subword_embedding.h"
#include "models/cbow.h"
#include "models/skip_gram.h"
#include "models/word2vec.h"

/* Caps that keep sizes far from int overflow; the textbook uses 5, 100, 100, 5. */
#define MAX_WINDOW 1024
#define MAX_HIDDEN 65536
#define MAX_BATCH (1 << 20)
#define MAX_SAMPLE_SIZE 1024
#define MAX_EPOCHS 1000000

typedef struct TrainOptions {
    bool skipgram;          /* --model skipgram */
    Word2VecLoss loss;      /* --loss */
    int window;             /* --window */
    int hidden;             /* --hidden */
    int batch;              /* --batch */
    int epochs;             /* --epochs */
    OptimizerKind optimizer; /* --optimizer */
    double lr;              /* --lr; the optimizer's textbook default unless lr_given */
    bool lr_given;          /* --lr was on the command line */
    double max_grad;        /* --max-grad, 0 = no clipping */
    int sample_size;        /* --sample-size */
    double power;           /* --power; the preset's subword_power with --subwords unless power_given */
    bool power_given;       /* --power was on the command line */
    bool replace;           /* --replace */
    long max_iters;         /* --max-iters, 0 = no limit */
    int eval_interval;      /* --eval-interval, 0 = never */
    uint64_t seed;          /* --seed */
    const char *corpus;     /* --corpus: "ptb" or a file */
    bool lowercase;         /* --lowercase: fold the corpus to lower case first */
    const char *vocab;      /* --vocab FILE: the vocabulary of `dlfs2 vocab`, NULL = the corpus's own */
    const char *data_dir;   /* --data-dir, NULL = the data folder's default (datasets/data.h) */
    const char *out_dir;    /* --out */
    VectorsFormat format;   /* --format: OUT/vectors.txt or OUT/vectors.bin */
    bool save_npy;          /* --save-npy: also OUT/W_in.npy, OUT/W_out.npy */
    int threads;            /* --threads; 0 when not given: threads_use_default() (common/threads.h) */
    bool fast;              /* --fast (or --preset word2vec) */
    bool preset_word2vec;   /* --preset word2vec */
    double sample;          /* --sample, subsampling threshold; 0 = off */
    int min_count;          /* --min-count */
    bool train_eos;         /* --train-eos: <eos> is trained as each sentence's last word (fastText's </s>) */
    bool dynamic_window;    /* shrunk windows (--preset word2vec) */
    bool sentences;         /* windows stop at <eos>, which is not trained (--preset word2vec) */
    bool shared_negatives;  /* --shared-negatives: one draw of negatives per minibatch (HogBatch) */
    int local_out_ms;       /* --local-out-sync MS: each thread's own W_out, merged every MS ms; 0 = off;
                               -1 = the default (20 for SkipGram under the preset, else off) */
    bool subwords;          /* --subwords MIN-MAX: subword input vectors (fastText's n-grams) */
    int minn, maxn;         /* its range of n-gram lengths in characters */
    long buckets;           /* --buckets N: the n-gram hash buckets (2000000) */
    int subword_update;     /* --subword-update: 0 exact (the layer path's), 1 fastText's; -1 = the
                               default (fastText's with --preset word2vec, else exact) */
    bool buckets_given;
    bool sample_given, min_count_given, optimizer_given;
    const char *plot;       /* --plot FILE (.png or .svg), NULL = none */
    long checkpoint_every;  /* --checkpoint-every N iterations, 0 = only on a signal */
    const char *resume;     /* --resume DIR, NULL = a new run */
    bool run_option_given;  /* an option other than --threads, --checkpoint-every, --resume */
    bool checkpoint_every_given, epochs_given, max_iters_given;
    TrainMpiSync sync;      /* --sync-every, --sync-words, --sync-partial (mpirun -np P > 1) */
    bool sync_given;
    TrainMpi *mpi;          /* this process's place in an MPI job (not an option) */
} TrainOptions;

/* The mean losses of the progress lines, for --plot (the textbook's trainer.loss_list). */
typedef struct LossCurve {
    double *loss;           /* (n,) owned */
    int n;
} LossCurve;

/* Copies the records' losses into curve (which must be empty). */
static void loss_curve_copy(LossCurve *curve, const LossRecord *records, size_t n)
{
    curve->loss = dlfs_calloc(n ? n : 1, sizeof *curve->loss);
    curve->n = (int)n;
    for (size_t i = 0; i < n; i++) curve->loss[i] = records[i].loss;
}

enum {
    OPT_MODEL = CLI_OPT_LONG_BASE, OPT_WINDOW, OPT_HIDDEN, OPT_BATCH, OPT_EPOCHS, OPT_LR,
    OPT_SAMPLE_SIZE, OPT_POWER, OPT_REPLACE, OPT_SHARED_NEGATIVES, OPT_LOCAL_OUT_SYNC, OPT_MAX_ITERS, OPT_EVAL_INTERVAL, OPT_SEED,
    OPT_CORPUS, OPT_DATA_DIR, OPT_OUT, OPT_OPTIMIZER, OPT_MAX_GRAD, OPT_FORMAT, OPT_SAVE_NPY,
    OPT_LOSS, OPT_THREADS, OPT_FAST, OPT_PRESET, OPT_SAMPLE, OPT_MIN_COUNT, OPT_TRAIN_EOS, OPT_PLOT,
    OPT_CHECKPOINT_EVERY, OPT_RESUME, OPT_LOWERCASE, OPT_VOCAB, OPT_SYNC_EVERY, OPT_SYNC_WORDS,
    OPT_SYNC_PARTIAL, OPT_SUBWORDS, OPT_BUCKETS, OPT_SUBWORD_UPDATE,
};

static const struct option train_options[] = {
    {"model", required_argument, NULL, OPT_MODEL},
    {"loss", required_argument, NULL, OPT_LOSS},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"hidden", required_argument, NULL, OPT_HIDDEN},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"optimizer", required_argument, NULL, OPT_OPTIMIZER},
    {"lr", required_argument, NULL, OPT_LR},
    {"max-grad", required_argument, NULL, OPT_MAX_GRAD},
    {"sample-size", required_argument, NULL, OPT_SAMPLE_SIZE},
    {"power", required_argument, NULL, OPT_POWER},
    {"replace", no_argument, NULL, OPT_REPLACE},
    {"shared-negatives", no_argument, NULL, OPT_SHARED_NEGATIVES},
    {"local-out-sync", required_argument, NULL, OPT_LOCAL_OUT_SYNC},
    {"max-iters", required_argument, NULL, OPT_MAX_ITERS},
    {"eval-interval", required_argument, NULL, OPT_EVAL_INTERVAL},
    {"seed", required_argument, NULL, OPT_SEED},
    {"corpus", required_argument, NULL, OPT_CORPUS},
    {"lowercase", no_argument, NULL, OPT_LOWERCASE},
    {"vocab", required_argument, NULL, OPT_VOCAB},
    {"data-dir", required_argument, NULL, OPT_DATA_DIR},
    {"out", required_argument, NULL, OPT_OUT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"save-npy", no_argument, NULL, OPT_SAVE_NPY},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"fast", no_argument, NULL, OPT_FAST},
    {"preset", required_argument, NULL, OPT_PRESET},
    {"sample", required_argument, NULL, OPT_SAMPLE},
    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
    {"train-eos", no_argument, NULL, OPT_TRAIN_EOS},
    {"sync-every", required_argument, NULL, OPT_SYNC_EVERY},
    {"sync-words", required_argument, NULL, OPT_SYNC_WORDS},
    {"sync-partial", required_argument, NULL, OPT_SYNC_PARTIAL},
    {"subwords", required_argument, NULL, OPT_SUBWORDS},
    {"buckets", required_argument, NULL, OPT_BUCKETS},
    {"subword-update", required_argument, NULL, OPT_SUBWORD_UPDATE},
    {"plot", required_argument, NULL, OPT_PLOT},
    {"checkpoint-every", required_argument, NULL, OPT_CHECKPOINT_EVERY},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

void usage_train(void)
{
    fputs("Usage: dlfs2 train [OPTIONS]\n"
          "\n"
          "Trains word vectors with negative sampling as ch04/train.py does and writes\n"
          "OUT/vectors.txt (word2vec text format; OUT/vectors.bin with --format binary)\n"
          "and OUT/loss.csv (epoch,iter,elapsed_s,loss).\n"
          "\n"
          "Options (defaults are the textbook's):\n"
          "  --model cbow|skipgram  the model (cbow)\n"
          "  --loss negsamp|softmax|hsoftmax\n"
          "                         the output loss: negative sampling (textbook §4.2), the\n"
          "                         full softmax over all words (chapter 3's MatMul +\n"
          "                         SoftmaxWithLoss, slow), or word2vec.c's hierarchical\n"
          "                         softmax over a Huffman tree (negsamp)\n"
          "  --window N             context words on each side of the target (5)\n"
          "  --hidden N             size H of the word vectors (100)\n"
          "  --batch N              minibatch size (100)\n"
          "  --epochs N             epochs (10)\n"
          "  --optimizer NAME       sgd|momentum|nesterov|adagrad|rmsprop|adam, the\n"
          "                         textbook's common/optimizer.py classes (adam)\n"
          "  --lr X                 learning rate (the optimizer's textbook default:\n"
          "                         0.001 for adam, 0.01 for the others)\n"
          "  --max-grad X           clip the gradients' total L2 norm to X before each\n"
          "                         step (common/util.py clip_grads); 0 = off (0)\n"
          "  --sample-size N        negative samples per target, negsamp only (5)\n"
          "  --power X              exponent on word counts for negative sampling (0.75;\n"
          "                         0.5, fastText's, with --preset word2vec --subwords)\n"
          "  --replace              sample negatives with replacement (the textbook's GPU path)\n"
          "  --shared-negatives     the rows of a minibatch (CBOW) or the contexts of a window\n"
          "                         (SkipGram) share one draw of --sample-size negatives\n"
          "                         (HogBatch, as Intel's pWord2Vec): the products become\n"
          "                         matrix products (sgemm); needs --fast with SGD\n"
          "                         (--preset word2vec or --optimizer sgd) and --loss negsamp\n"
          "                         (docs/fast-mode.md has how it differs and its quality)\n"
          "  --local-out-sync MS    with --preset word2vec and --threads > 1: each thread\n"
          "                         steps on its own copy of W_out and adds its changes\n"
          "                         into the shared one every MS milliseconds (20 for\n"
          "                         SkipGram, whose threads otherwise write all over the\n"
          "                         same W_out; 0 = off, CBOW's default); not under mpirun\n"
          "  --max-iters N          stop after N iterations in all; 0 = no limit (0)\n"
          "  --eval-interval N      print the mean loss every N iterations; 0 = never (20)\n"
          "  --seed N               random seed for initial weights, shuffles, negatives (1)\n"
          "  --corpus ptb|FILE|-    PTB's train split, or a whitespace-tokenised text file,\n"
          "                         plain or gzip (FILE.gz) (ptb; see \"Text of one's own\"\n"
          "                         below); - is standard input, read once: with --preset\n"
          "                         word2vec, --vocab and --epochs 1\n"
          "  --lowercase            fold the corpus to lower case before the vocabulary is\n"
          "                         built, so Hello, hello and HELLO are one word: Unicode's\n"
          "                         case mapping (libunistring), not only A-Z; text without\n"
          "                         case (Japanese, Chinese) is unchanged (off: case is kept)\n"
          "  --vocab VOCAB          the vocabulary of `dlfs2 vocab` instead of the corpus's\n"
          "                         own: word ids in the file's line order; the corpus is\n"
          "                         read as a stream and its words outside VOCAB are\n"
          "                         skipped (their number is printed). VOCAB must hold the\n"
          "                         line end's word <eos> (or word2vec.c's </s>); with\n"
          "                         --preset word2vec its counts are used, as word2vec.c's\n"
          "                         -read-vocab\n"
          ,
          stdout);
    fputs("  --data-dir DIR         the data folder: PTB in DIR/ptb, downloaded if missing\n"
          "                         (default $DLFS2_DATA, else ${XDG_CACHE_HOME:-~/.cache}/dlfs2)\n"
          "  --out DIR              output directory, created if missing (./out)\n"
          "  --format text|binary   word vectors as OUT/vectors.txt in word2vec's text format,\n"
          "                         or as OUT/vectors.bin in its binary format (text)\n"
          "  --save-npy             also write OUT/W_in.npy and OUT/W_out.npy, the model's two\n"
          "                         weight matrices as float32 NumPy files, each saved as the\n"
          "                         model holds it: W_in (V, H); W_out (V, H) for negsamp,\n"
          "                         (H, V) for softmax, (V - 1, H) for hsoftmax (as is, not\n"
          "                         transposed)\n"
          "  --plot FILE            also draw the loss curve (the textbook's trainer.plot())\n"
          "                         into FILE, a .png or .svg image (needs gnuplot)\n"
          "  --subwords MIN-MAX     subword input vectors (fastText; docs/subwords.md): a\n"
          "                         word's input vector is the mean of its own row and one\n"
          "                         row per character n-gram of <word>, MIN to MAX\n"
          "                         characters (fastText's 3-6), hashed into --buckets rows;\n"
          "                         the line end <eos> gets no n-grams. OUT/vectors.* then\n"
          "                         hold each word's mean of its rows (fastText's\n"
          "                         getWordVector); not with --shared-negatives or mpirun\n"
          "  --buckets N            hash buckets of the n-grams, fastText's -bucket; only the\n"
          "                         buckets the vocabulary's n-grams use get a row (2000000)\n"
          "  --subword-update exact|fasttext\n"
          "                         with --subwords and the fused SGD step: the exact\n"
          "                         gradient of the layers (each of a word's c rows gets\n"
          "                         1/c of its error), or fastText's update (CBOW's h is\n"
          "                         the mean over all rows of all context words, every\n"
          "                         input row gets the whole error) (fasttext with\n"
          "                         --preset word2vec, else exact)\n"
          "  --threads N            threads for the optimizer pass, the products and the\n"
          "                         softmax, or of the minibatches with --fast; the\n"
          "                         textbook-exact results do not depend on it. Default:\n"
          "                         $OMP_NUM_THREADS, else the CPUs this process may use\n"
          "                         (affinity mask, cgroup CPU quota), fewer while other\n"
          "                         programs keep them busy (textbook mode measures it)\n"
          "\n",
          stdout);
    fputs("Text of one's own (--corpus FILE): UTF-8, split into words at whitespace only\n"
          "  (spaces, tabs), each line end becoming the word <eos>. Nothing else is done:\n"
          "  punctuation stays glued to words (\"hello.\" and \"hello\" are two words) and\n"
          "  case is kept unless --lowercase. Pre-tokenise the text first, as PTB is, e.g.\n"
          "  with sed to set punctuation apart (crude: \"don't\" becomes \"don ' t\"):\n"
          "    sed -E 's/([[:punct:]])/ \\1 /g' raw.txt > corpus.txt\n"
          "  or with a real tokeniser (NLTK's word_tokenize, spaCy, Moses' tokenizer.perl).\n"
          "  Text without spaces between words (Japanese, Chinese) must be segmented into\n"
          "  words first: mecab -Owakati raw.txt > corpus.txt (MeCab), or\n"
          "  python3 -m jieba -d ' ' raw.txt > corpus.txt (jieba).\n"
          "\n",
          stdout);
    fputs("Checkpoints (textbook mode; see training/checkpoint.h):\n"
          "  --checkpoint-every N   every N iterations write the whole training state to\n"
          "                         OUT/checkpoint.bin (atomically), and once more at the\n"
          "                         end; 0 = only when stopped by a signal (0)\n"
          "  --resume DIR           continue the run whose checkpoint is DIR/checkpoint.bin,\n"
          "                         with its options, writing into DIR; only --threads,\n"
          "                         --checkpoint-every, --epochs and --max-iters (to extend\n"
          "                         or cut the run) may be given with it. The result is\n"
          "                         bit-identical to a run never stopped.\n"
          "  On SIGINT or SIGTERM (Ctrl-C) training finishes the current iteration, writes\n"
          "  OUT/checkpoint.bin and exits with status 130 (SIGINT) or 143 (SIGTERM); a\n"
          "  second signal stops it at once. With --fast, which keeps no checkpoint, each\n"
          "  thread finishes its step and the vectors trained so far and loss.csv are\n"
          "  written before the same exit.\n"
          "\n"
          "Fast mode (results differ from the textbook's arithmetic, as documented in\n"
          "training/fast_trainer.h):\n"
          "  --fast                 threads over minibatches sharing the weights (Hogwild),\n"
          "                         Adam on the touched rows only (lazy Adam), negatives\n"
          "                         drawn with replacement\n"
          "  --preset word2vec      word2vec.c's recipe (implies --fast): SGD with a learning\n"
          "                         rate falling linearly from --lr (default 0.05 for CBOW,\n"
          "                         0.025 for SkipGram, per example) to 1e-4 of it,\n"
          "                         subsampling (--sample 1e-3), windows shrunk at random,\n"
          "                         --min-count 5, windows that stop at <eos>, rows in\n"
          "                         corpus order; the corpus is read as a stream (threads\n"
          "                         each read a part of a plain file), so memory does not\n"
          "                         grow with its length, and --corpus - (standard input,\n"
          "                         with --vocab and --epochs 1) works; progress lines show\n"
          "                         the % done and words/s\n"
          "  --sample X             drop each occurrence of a word seen f times among T with\n"
          "                         probability 1 - (sqrt(f / (X T)) + 1) X T / f; 0 = off\n"
          "                         (0; 1e-3 with --preset word2vec; needs --fast)\n"
          "  --min-count N          ignore the words seen fewer than N times (1; 5 with\n"
          "                         --preset word2vec; needs --fast)\n"
          "  --train-eos            with --preset word2vec: <eos> still ends a sentence but\n"
          "                         is also trained as its last word, a word like any other\n"
          "                         (min count, subsampling), as fastText trains on its </s>\n"
          "                         (off: word2vec.c's, <eos> is never trained)\n"
          "\n"
          "Across machines (mpirun -np P dlfs2 train --preset word2vec, a build with MPI:\n"
          "each rank reads 1/P of the corpus file with --threads threads, and the ranks\n"
          "average their models every so often, as Intel's pWord2Vec; rank 0 prints and\n"
          "writes the files; see docs/distributed.md):\n"
          "  --sync-every S         average the ranks' models every S seconds (0.1)\n"
          "  --sync-words N         ... every N corpus words read by a rank instead: with\n"
          "                         --threads 1 and a seed, runs repeat to the byte\n"
          "  --sync-partial N       frequency-prioritised: the N most frequent rows every\n"
          "                         sync, 2N every second sync, ... (pWord2Vec: 1024); 0 =\n"
          "                         every row every sync (0)\n"
          "  -h, --help             show this help\n",
          stdout);
}

static void train_options_default(TrainOptions *o)
{
    *o = (TrainOptions){
        .skipgram = false, .loss = WORD2VEC_LOSS_NEGSAMP, .window = 5, .hidden = 100, .batch = 100, .epochs = 10,
        .optimizer = OPTIMIZER_ADAM, .lr = 0.001, .lr_given = false, .max_grad = 0.0,
        .sample_size = 5, .power = 0.75, .replace = false, .max_iters = 0,
        .eval_interval = 20, .seed = 1, .corpus = "ptb", .data_dir = NULL, .out_dir = "out",
        .format = VECTORS_TEXT, .save_npy = false, .threads = 0,
        .min_count = 1, .sync = {.every_s = 0.1, .every_words = 0, .partial = 0}, .local_out_ms = -1,
        .minn = SUBWORD_DEFAULT_MINN, .maxn = SUBWORD_DEFAULT_MAXN, .buckets = SUBWORD_DEFAULT_BUCKETS,
        .subword_update = -1,
    };
}

static int parse_model_name(const char *text, bool *skipgram)
{
    RecipeModelKind kind;
    if (recipe_model_kind_parse(text, &kind) != DLFS_OK) {
        cli_error("--model: expected cbow or skipgram, got '%s'", text);
        return CLI_EXIT_USAGE;
    }
    *skipgram = kind == RECIPE_SKIPGRAM;
    return 0;
}

static int parse_loss_name(const char *text, Word2VecLoss *loss)
{
    if (word2vec_loss_parse(text, loss) != DLFS_OK) {
        cli_error("--loss: expected negsamp, softmax or hsoftmax, got '%s'", text);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int parse_optimizer_name(const char *text, OptimizerKind *kind)
{
    if (optimizer_parse_kind(text, kind) != DLFS_OK) {
        cli_error("--optimizer: expected sgd, momentum, nesterov, adagrad, rmsprop or adam, got '%s'",
                  text);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int parse_format_name(const char *text, VectorsFormat *format)
{
    if (vectors_format_parse(text, format) != DLFS_OK) {
        cli_error("--format: expected text or binary, got '%s'", text);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/*
 * --subwords MIN-MAX: two decimal numbers and a dash ("3-6"); the range
 * itself is checked once --buckets is known (subword_check_settings).
 */
static int parse_subwords(const char *text, TrainOptions *o)
{
    const char *dash = strchr(text, '-');
    char *end = NULL;
    long lo = -1, hi = -1;
    if (dash && dash != text && dash[1] != '\0') {
        errno = 0;
        lo = strtol(text, &end, 10);
        if (end != dash || errno) lo = -1;
        hi = strtol(dash + 1, &end, 10);
        if (*end != '\0' || errno || dash[1] == '-' || dash[1] == '+') hi = -1;
    }
    if (lo < 0 || hi < 0 || text[0] == '-' || text[0] == '+' || lo > INT_MAX || hi > INT_MAX) {
        cli_error("--subwords: expected a range of n-gram lengths MIN-MAX such as 3-6, got '%s'", text);
        return CLI_EXIT_USAGE;
    }
    o->subwords = true;
    o->minn = (int)lo;
    o->maxn = (int)hi;
    return 0;
}

/* Applies one option c with value arg to o. Returns 0 or CLI_EXIT_USAGE. */
static int apply_option(TrainOptions *o, int c, const char *arg)
{
    if (c != OPT_THREADS && c != OPT_CHECKPOINT_EVERY && c != OPT_RESUME && c != OPT_EPOCHS &&
        c != OPT_MAX_ITERS)
        o->run_option_given = true;
    if (c == OPT_EPOCHS) o->epochs_given = true;
    if (c == OPT_MAX_ITERS) o->max_iters_given = true;
    switch (c) {
    case OPT_MODEL: return parse_model_name(arg, &o->skipgram);
    case OPT_LOSS: return parse_loss_name(arg, &o->loss);
    case OPT_WINDOW: return cli_parse_int("--window", arg, 1, MAX_WINDOW, &o->window);
    case OPT_HIDDEN: return cli_parse_int("--hidden", arg, 1, MAX_HIDDEN, &o->hidden);
    case OPT_BATCH: return cli_parse_int("--batch", arg, 1, MAX_BATCH, &o->batch);
    case OPT_EPOCHS: return cli_parse_int("--epochs", arg, 1, MAX_EPOCHS, &o->epochs);
    case OPT_OPTIMIZER: o->optimizer_given = true; return parse_optimizer_name(arg, &o->optimizer);
    case OPT_LR: o->lr_given = true; return cli_parse_double("--lr", arg, 0.0, 1, 1e6, &o->lr);
    case OPT_MAX_GRAD: return cli_parse_double("--max-grad", arg, 0.0, 0, 1e6, &o->max_grad);
    case OPT_SAMPLE_SIZE:
        return cli_parse_int("--sample-size", arg, 1, MAX_SAMPLE_SIZE, &o->sample_size);
    case OPT_POWER: o->power_given = true; return cli_parse_double("--power", arg, 0.0, 0, 100.0, &o->power);
    case OPT_REPLACE: o->replace = true; return 0;
    case OPT_SHARED_NEGATIVES: o->shared_negatives = true; return 0;
    case OPT_LOCAL_OUT_SYNC: return cli_parse_int("--local-out-sync", arg, 0, 60000, &o->local_out_ms);
    case OPT_MAX_ITERS: return cli_parse_long("--max-iters", arg, 0, 0x7fffffffL, &o->max_iters);
    case OPT_EVAL_INTERVAL:
        return cli_parse_int("--eval-interval", arg, 0, 0x7fffffff, &o->eval_interval);
    case OPT_SEED: return cli_parse_u64("--seed", arg, &o->seed);
    case OPT_CORPUS: o->corpus = arg; return 0;
    case OPT_LOWERCASE: o->lowercase = true; return 0;
    case OPT_VOCAB:
        if (arg[0] == '\0') {
            cli_error("--vocab: expected a vocabulary file, got ''");
            return CLI_EXIT_USAGE;
        }
        o->vocab = arg;
        return 0;
    case OPT_DATA_DIR: o->data_dir = arg; return 0;
    case OPT_OUT: o->out_dir = arg; return 0;
    case OPT_FORMAT: return parse_format_name(arg, &o->format);
    case OPT_SAVE_NPY: o->save_npy = true; return 0;
    case OPT_THREADS: return cli_parse_int("--threads", arg, 1, CLI_MAX_THREADS, &o->threads);
    case OPT_FAST: o->fast = true; return 0;
    case OPT_PLOT: {
        const char *dot = strrchr(arg, '.');
        if (!dot || (strcasecmp(dot, ".png") != 0 && strcasecmp(dot, ".svg") != 0)) {
            cli_error("--plot: expected a file name ending in .png or .svg, got '%s'", arg);
            return CLI_EXIT_USAGE;
        }
        o->plot = arg;
        return 0;
    }
    case OPT_CHECKPOINT_EVERY:
        o->checkpoint_every_given = true;
        return cli_parse_long("--checkpoint-every", arg, 0, 0x7fffffffL, &o->checkpoint_every);
    case OPT_RESUME:
        if (arg[0] == '\0') {
            cli_error("--resume: expected a directory, got ''");
            return CLI_EXIT_USAGE;
        }
        o->resume = arg;
        return 0;
    case OPT_PRESET:
        if (recipe_preset_find(arg) != &recipe_preset_word2vec) {
            cli_error("--preset: expected word2vec, got '%s'", arg);
            return CLI_EXIT_USAGE;
        }
        o->preset_word2vec = true;
        return 0;
    case OPT_SAMPLE:
        o->sample_given = true;
        return cli_parse_double("--sample", arg, 0.0, 0, 1.0, &o->sample);
    case OPT_TRAIN_EOS: o->train_eos = true; return 0;
    case OPT_MIN_COUNT:
        o->min_count_given = true;
        return cli_parse_int("--min-count", arg, 1, 0x7fffffff, &o->min_count);
    case OPT_SYNC_EVERY:
        o->sync_given = true;
        return cli_parse_double("--sync-every", arg, 0.0, 1, 86400.0, &o->sync.every_s);
    case OPT_SYNC_WORDS: {
        o->sync_given = true;
        long n = 0;
        const int rc = cli_parse_long("--sync-words", arg, 1, 0x7fffffffL, &n);
        o->sync.every_words = n;
        return rc;
    }
    case OPT_SYNC_PARTIAL:
        o->sync_given = true;
        return cli_parse_int("--sync-partial", arg, 0, 1 << 24, &o->sync.partial);
    case OPT_SUBWORDS: return parse_subwords(arg, o);
    case OPT_BUCKETS:
        o->buckets_given = true;
        return cli_parse_long("--buckets", arg, LONG_MIN, LONG_MAX, &o->buckets);
    case OPT_SUBWORD_UPDATE:
        if (strcmp(arg, "exact") == 0 || strcmp(arg, "fasttext") == 0) {
            o->subword_update = strcmp(arg, "fasttext") == 0;
            return 0;
        }
        cli_error("--subword-update: expected exact or fasttext, got '%s'", arg);
        return CLI_EXIT_USAGE;
    default: return CLI_EXIT_USAGE;
    }
}

/* Whether --fast draws each epoch's rows anew (models/word2vec_data.h) rather than the textbook's. */
static bool redraws_rows(const TrainOptions *o)
{
    return o->sample > 0.0 || o->min_count > 1 || o->dynamic_window || o->sentences;
}

/* --preset word2vec reads the corpus as a stream (recipe/word2vec_stream.h): its rows keep corpus order. */
static bool streams_corpus(const TrainOptions *o)
{
    return o->preset_word2vec && !recipe_preset_word2vec.shuffle;
}

/* Whether the threads step on their own copies of W_out (--local-out-sync; one process only). */
static bool local_out(const TrainOptions *o, int threads)
{
    return o->local_out_ms > 0 && threads > 1 && streams_corpus(o) && !(o->mpi && o->mpi->size > 1);
}

/*
 * Parses argv into o. Returns -1 after printing the help (exit 0), 0 to go
 * on, or CLI_EXIT_USAGE.
 */
static int parse_train_args(int argc, char **argv, TrainOptions *o)
{
    train_options_default(o);
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "-:h", train_options, NULL)) != -1) {
        if (c == 'h') {
            usage_train();
            return -1;
        }
        if (c == '?' || c == ':') return cli_getopt_error("train", c, argv);
        if (c == 1) {
            cli_error("train: unexpected argument '%s' (see 'dlfs2 train --help')", optarg);
            return CLI_EXIT_USAGE;
        }
        int rc = apply_option(o, c, optarg);
        if (rc != 0) return rc;
    }
    if (optind < argc) {
        cli_error("train: unexpected argument '%s' (see 'dlfs2 train --help')", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (o->out_dir[0] == '\0') {
        cli_error("--out: expected a directory, got ''");
        return CLI_EXIT_USAGE;
    }
    /* --lr and --optimizer in either order: the default follows the optimizer */
    if (!o->lr_given) o->lr = optimizer_default_config(o->optimizer).lr;
    if (o->preset_word2vec) {
        if (o->optimizer_given && o->optimizer != OPTIMIZER_SGD) {
            cli_error("--preset word2vec trains with SGD (linear decay); --optimizer %s does not apply",
                      optimizer_kind_name(o->optimizer));
            return CLI_EXIT_USAGE;
        }
        const RecipePreset *p = &recipe_preset_word2vec;   /* recipe/preset.h */
        o->optimizer = OPTIMIZER_SGD;   /* p->optimizer, FAST_SGD_LINEAR */
        o->fast = true;
        o->dynamic_window = p->dynamic_window;
        o->sentences = p->sentences;
        if (!o->sample_given) o->sample = p->sample;
        if (!o->min_count_given) o->min_count = p->min_count;
    }
    /* SGD in fast mode is word2vec.c's, with its per-example rates */
    if (o->fast && o->optimizer == OPTIMIZER_SGD && !o->lr_given)
        o->lr = recipe_preset_lr(&recipe_preset_word2vec, o->skipgram ? RECIPE_SKIPGRAM : RECIPE_CBOW);
    if (o->fast && o->optimizer != OPTIMIZER_ADAM && o->optimizer != OPTIMIZER_SGD) {
        cli_error("--fast trains with lazy Adam (--optimizer adam) or SGD with linear decay "
                  "(--optimizer sgd), not %s", optimizer_kind_name(o->optimizer));
        return CLI_EXIT_USAGE;
    }
    if (o->fast && o->max_grad > 0.0) {
        cli_error("--max-grad is not available with --fast (each thread steps on its own gradients)");
        return CLI_EXIT_USAGE;
    }
    if (!o->fast && (o->sample_given || o->min_count_given)) {
        cli_error("--sample and --min-count need --fast (or --preset word2vec)");
        return CLI_EXIT_USAGE;
    }
    if (o->train_eos && !o->sentences) {
        cli_error("--train-eos needs sentences that end at <eos> (--preset word2vec)");
        return CLI_EXIT_USAGE;
    }
    /* --fast draws with replacement (the textbook's GPU path); the word2vec
     * preset keeps the textbook's sampler, which never draws the target, as
     * word2vec.c skips a negative equal to the target */
    if (o->fast && !o->preset_word2vec) o->replace = true;
    if (o->fast && (o->checkpoint_every > 0 || o->resume)) {
        cli_error("--checkpoint-every and --resume work with the textbook trainer, not with --fast");
        return CLI_EXIT_USAGE;
    }
    if (o->sync_given && !streams_corpus(o)) {
        cli_error("--sync-every, --sync-words and --sync-partial apply to mpirun runs of --preset word2vec");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(o->corpus, "-") == 0 && streams_corpus(o) && o->epochs != 1) {
        cli_error("--corpus - (standard input) can be read only once: train on it with --epochs 1");
        return CLI_EXIT_USAGE;
    }
    if (o->shared_negatives &&
        !(o->fast && o->optimizer == OPTIMIZER_SGD && o->loss == WORD2VEC_LOSS_NEGSAMP)) {
        cli_error("--shared-negatives needs the fused SGD step: --preset word2vec, or --fast --optimizer sgd, "
                  "with --loss negsamp");
        return CLI_EXIT_USAGE;
    }
    if (o->local_out_ms > 0 && !streams_corpus(o)) {
        cli_error("--local-out-sync applies to --preset word2vec");
        return CLI_EXIT_USAGE;
    }
    if (o->local_out_ms < 0) o->local_out_ms = o->skipgram && streams_corpus(o) ? 20 : 0;
    if ((o->buckets_given || o->subword_update >= 0) && !o->subwords) {
        cli_error("--buckets and --subword-update need --subwords MIN-MAX");
        return CLI_EXIT_USAGE;
    }
    if (o->subwords) {
        DlfsError err = {0};
        if (subword_check_settings(o->minn, o->maxn, o->buckets, &err) != DLFS_OK) {
            cli_error("--subwords %d-%d --buckets %ld: %s", o->minn, o->maxn, o->buckets, err.msg);
            return CLI_EXIT_USAGE;
        }
        if (o->shared_negatives) {
            cli_error("--shared-negatives is not available with --subwords (its matrix products take one row "
                      "per word)");
            return CLI_EXIT_USAGE;
        }
        if (o->subword_update < 0) o->subword_update = o->preset_word2vec ? 1 : 0;
        /* fastText's negatives, count^0.5 (docs/subwords.md) */
        if (o->preset_word2vec && !o->power_given) o->power = recipe_preset_word2vec.subword_power;
    }
    const bool redraw = redraws_rows(o);
    if (o->skipgram && redraw && o->loss != WORD2VEC_LOSS_NEGSAMP) {
        cli_error("--preset word2vec, --sample and --min-count with SkipGram need --loss negsamp");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* The settings of the chosen model, from the options. */
static Word2VecConfig model_config(const TrainOptions *o, const RecipeData *d)
{
    Word2VecConfig cfg = word2vec_default_config(d->vocab.size);
    cfg.hidden_size = o->hidden;
    cfg.window_size = o->window;
    cfg.sample_size = o->sample_size;
    cfg.power = (float)o->power;
    cfg.replace = o->replace;
    cfg.max_batch = o->batch;
    cfg.loss = o->loss;
    cfg.context_full_grad = o->preset_word2vec && recipe_preset_word2vec.context_full_grad;
    cfg.shared_negatives = o->shared_negatives;
    cfg.subword_fasttext_update = o->subwords && o->subword_update == 1;
    return cfg;   /* cfg.subwords: the caller's table (build_subwords); --fast: replace was set with it */
}

static void print_header(const TrainOptions *o, const RecipeData *d)
{
    if (d->counts)
        printf("corpus size: %lld, vocab size: %d (streamed: each epoch's rows are drawn as the corpus "
               "is read)\n",
               (long long)d->tokens, (int)d->vocab.size);
    else
        printf("corpus size: %zu, vocab size: %d, data_size: %zu, iterations per epoch: %zu\n",
               d->corpus.size, (int)d->vocab.size, d->data_size, d->data_size / (size_t)o->batch);
    if (o->fast && redraws_rows(o) && !d->counts)
        printf("(--fast draws each epoch's rows anew: the iterations per epoch are fewer than this)\n");
    const char *fast_kind = o->optimizer == OPTIMIZER_SGD ? " (linear decay, per example)" : " (lazy)";
    printf("model: %s, loss %s, window %d, hidden %d, batch %d, epochs %d, optimizer %s%s, lr %g",
           o->skipgram ? "SkipGram" : "CBOW", word2vec_loss_name(o->loss), o->window, o->hidden,
           o->batch, o->epochs, optimizer_kind_name(o->optimizer), o->fast ? fast_kind : "", o->lr);
    if (o->mpi && o->mpi->size > 1) {
        if (o->lr_given)
            printf(" (as given; without --lr: the preset's x %g for %d ranks)", (o->mpi->size + 1) / 2.0,
                   o->mpi->size);
        else
            printf(" (the preset's x (P + 1) / 2 = %g for %d ranks: averaging slows each rank's steps)",
                   (o->mpi->size + 1) / 2.0, o->mpi->size);
    }
    if (o->loss == WORD2VEC_LOSS_NEGSAMP)
        printf(", sample size %d, power %g, %s replacement", o->sample_size, o->power,
               o->replace ? "with" : "without");
    if (o->shared_negatives && o->skipgram) printf(", shared negatives (one draw per window)");
    else if (o->shared_negatives) printf(", shared negatives (one draw per minibatch of %d)", o->batch);
    if (local_out(o, o->threads)) printf(", W_out per thread (merged every %d ms)", o->local_out_ms);
    printf(", seed %llu, threads %d%s", (unsigned long long)o->seed, o->threads,
           threads_auto() && !o->fast ? " (fewer while other programs keep the cores busy)" : "");
    if (o->preset_word2vec)
        printf(", fast: word2vec preset (sample %g, min count %d, shrunk windows, sentences end "
               "at <eos>, CBOW contexts get the whole dh)", o->sample, o->min_count);
    else if (o->fast)
        printf(", fast (Hogwild threads, touched rows only%s%s)", o->sample > 0.0 ? ", subsampling" : "",
               o->min_count > 1 ? ", min count" : "");
    if (o->train_eos) printf(", <eos> trained as each sentence's last word");
    if (o->max_grad > 0.0) printf(", max grad %g", o->max_grad);
    if (o->max_iters > 0) printf(", max iters %ld", o->max_iters);
    if (o->subwords)
        printf(", subwords %d-%d (%ld buckets, %s update)", o->minn, o->maxn, o->buckets,
               o->subword_update == 1 ? "fastText's" : "exact");
    printf("\n");
}

/*
 * Opens OUT/loss.csv as an AtomicFile (the rows go to OUT/loss.csv.tmp
 * until it is committed) and writes its header. Prints why on failure.
 */
static int open_loss_csv(AtomicFile *csv, const char *path)
{
    DlfsError err = {0};
    if (atomic_file_open(csv, path, &err) != DLFS_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    fputs("epoch,iter,elapsed_s,loss\n", csv->fp);
    return CLI_EXIT_OK;
}

/* ---- checkpoints and signals (textbook mode) ------------------------------ */

/* The signal that asked training to stop, or 0. */
static volatile sig_atomic_t stop_signal = 0;

static void on_stop_signal(int sig) { stop_signal = sig; }

/*
 * SIGINT and SIGTERM set stop_signal, once: SA_RESETHAND puts the default
 * back, so a second signal ends the program at once.
 */
static void catch_stop_signals(struct sigaction old[2])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

static void restore_signals(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
}

/* An owned argument list. */
typedef struct ArgList {
    int argc;
    char **argv;            /* (argc + 1,) NULL-terminated */
} ArgList;

static void args_add(ArgList *a, const char *fmt, ...) DLFS_PRINTF(2, 3);
static void args_add(ArgList *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    DLFS_ASSERT(n >= 0);
    char *s = dlfs_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    a->argv = dlfs_realloc(a->argv, (size_t)(a->argc + 2) * sizeof *a->argv);
    a->argv[a->argc++] = s;
    a->argv[a->argc] = NULL;
}

/* Appends an option and its value: "--name", then the value formatted as printf does. */
static void args_add_option(ArgList *a, const char *name, const char *fmt, ...) DLFS_PRINTF(3, 4);
static void args_add_option(ArgList *a, const char *name, const char *fmt, ...)
{
    char value[4096];
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    DLFS_ASSERT(n >= 0 && (size_t)n < sizeof value);
    args_add(a, "%s", name);
    args_add(a, "%s", value);
}

static void args_free(ArgList *a)
{
    for (int i = 0; i < a->argc; i++) free(a->argv[i]);
    free(a->argv);
    a->argc = 0;
    a->argv = NULL;
}

/* path made absolute (against the current directory when relative); owned. */
static char *absolute_path(const char *path)
{
    char cwd[PATH_MAX];
    const bool relative = path[0] != '/' && getcwd(cwd, sizeof cwd) != NULL;
    char *out = dlfs_malloc((relative ? strlen(cwd) + 1 : 0) + strlen(path) + 1);
    sprintf(out, "%s%s%s", relative ? cwd : "", relative ? "/" : "", path);
    return out;
}

/*
 * The options that define a run, as arguments `train` parses back to the
 * same options (with absolute paths, so a resume works from any folder).
 * --out, --threads and --resume are left out: they are the resume's own.
 */
static void options_to_args(const TrainOptions *o, ArgList *a)
{
    args_add_option(a, "--model", "%s", o->skipgram ? "skipgram" : "cbow");
    args_add_option(a, "--loss", "%s", word2vec_loss_name(o->loss));
    args_add_option(a, "--window", "%d", o->window);
    args_add_option(a, "--hidden", "%d", o->hidden);
    args_add_option(a, "--batch", "%d", o->batch);
    args_add_option(a, "--epochs", "%d", o->epochs);
    args_add_option(a, "--optimizer", "%s", optimizer_kind_name(o->optimizer));
    args_add_option(a, "--lr", "%.17g", o->lr);
    args_add_option(a, "--max-grad", "%.17g", o->max_grad);
    args_add_option(a, "--sample-size", "%d", o->sample_size);
    args_add_option(a, "--power", "%.17g", o->power);
    if (o->replace) args_add(a, "--replace");
    args_add_option(a, "--max-iters", "%ld", o->max_iters);
    args_add_option(a, "--eval-interval", "%d", o->eval_interval);
    args_add_option(a, "--seed", "%llu", (unsigned long long)o->seed);
    args_add_option(a, "--format", "%s", vectors_format_name(o->format));
    if (o->save_npy) args_add(a, "--save-npy");
    if (o->lowercase) args_add(a, "--lowercase");
    args_add_option(a, "--checkpoint-every", "%ld", o->checkpoint_every);
    if (o->subwords) {
        args_add_option(a, "--subwords", "%d-%d", o->minn, o->maxn);
        args_add_option(a, "--buckets", "%ld", o->buckets);
        args_add_option(a, "--subword-update", "%s", o->subword_update == 1 ? "fasttext" : "exact");
    }
    /* paths: "ptb" stays as it is; files and folders become absolute */
    const char *path_option[] = {"--corpus", "--data-dir", "--plot", "--vocab"};
    const char *path_value[] = {strcmp(o->corpus, "ptb") == 0 ? NULL : o->corpus, o->data_dir, o->plot, o->vocab};
    if (!path_value[0]) args_add_option(a, "--corpus", "ptb");
    for (int i = 0; i < 4; i++) {
        if (!path_value[i]) continue;
        char *abs = absolute_path(path_value[i]);
        args_add(a, "%s", path_option[i]);
        args_add(a, "%s", abs);
        free(abs);
    }
}

/* What the trainer's after_step hook needs to write OUT/checkpoint.bin. */
typedef struct CheckpointHook {
    long every;             /* --checkpoint-every */
    char *path;             /* OUT/checkpoint.bin, owned */
    ArgList args;           /* options_to_args, owned */
    CheckpointSource src;
    unsigned char sha[32];  /* of the corpus */
    long saved_at;          /* total_iters of the last checkpoint written, -1 = none */
} CheckpointHook;

static int write_checkpoint(CheckpointHook *h, const Trainer *t, DlfsError *err)
{
    const int status = checkpoint_save(h->path, &h->src, err);
    if (status == DLFS_OK) h->saved_at = t->total_iters;
    return status;
}

/* Trainer.after_step: a checkpoint every `every` iterations, and a stop on a signal. */
static int checkpoint_after_step(void *ctx, Trainer *t, DlfsError *err)
{
    CheckpointHook *h = ctx;
    if (stop_signal != 0) {
        const int status = write_checkpoint(h, t, err);
        return status == DLFS_OK ? TRAINER_STOP : status;
    }
    if (h->every > 0 && t->total_iters % h->every == 0) return write_checkpoint(h, t, err);
    return TRAINER_CONTINUE;
}

/* Runs the chosen optimizer + Trainer over d, logging to csv. Returns an exit status. */
static int run_training(const TrainOptions *o, const RecipeData *d, RecipeModel *m, Rng *rng,
                        FILE *csv, LossCurve *curve, const Checkpoint *resume_from)
{
    OptimizerConfig cfg = optimizer_default_config(o->optimizer);
    cfg.lr = (float)o->lr;
    Optimizer opt;
    optimizer_init(&opt, &cfg, m->model.params, m->model.n_params);
    Trainer trainer;
    trainer_init(&trainer, &m->model, &opt);
    trainer.max_grad = (float)o->max_grad;
    trainer.eval_interval = o->eval_interval;
    trainer.max_iters = o->max_iters;
    trainer.log = stdout;
    trainer.csv = csv;
    CheckpointHook hook = {.every = o->checkpoint_every, .saved_at = -1};
    hook.path = cli_path_join(o->out_dir, "checkpoint.bin");
    options_to_args(o, &hook.args);
    corpus_sha256(d->corpus.data, d->corpus.size, hook.sha);
    hook.src = (CheckpointSource){
        .argc = hook.args.argc, .argv = hook.args.argv, .corpus_sha256 = hook.sha,
        .corpus_size = d->corpus.size, .vocab = &d->vocab, .rng = rng, .trainer = &trainer,
        .optimizer = &opt,
    };
    trainer.after_step = checkpoint_after_step;
    trainer.hook_ctx = &hook;

    DlfsError err = {0};
    int rc = CLI_EXIT_OK;
    if (resume_from) {
        if (checkpoint_restore(resume_from, &d->vocab, hook.sha, d->corpus.size, d->data_size, &trainer,
                               &opt, rng, &err) != DLFS_OK) {
            cli_error("cannot resume from %s: %s", hook.path, err.msg);
            rc = CLI_EXIT_RUNTIME;
            goto done;
        }
        for (size_t i = 0; i < trainer.n_loss; i++) {   /* loss.csv as it was at the checkpoint */
            loss_record_write_csv(csv, &trainer.loss_list[i]);
        }
        printf("resumed from %s: epoch %d, %d iterations into it, %ld iterations in all\n", hook.path,
               trainer.current_epoch + 1, trainer.iter_in_epoch, trainer.total_iters);
    }
    const int epochs = o->epochs > trainer.current_epoch ? o->epochs - trainer.current_epoch : 0;
    struct sigaction old[2];
    catch_stop_signals(old);
    double start = dlfs_now_s();
    int status = trainer_fit_corpus(&trainer, d->corpus.data, d->corpus.size, d->window, epochs, o->batch,
                                    rng, &err);
    double elapsed = dlfs_now_s() - start;
    if (status == DLFS_OK && !trainer.stopped && o->checkpoint_every > 0 &&
        hook.saved_at != trainer.total_iters)
        status = write_checkpoint(&hook, &trainer, &err);   /* the finished state */
    restore_signals(old);
    if (status != DLFS_OK) {
        cli_error("training failed: %s", err.msg);
        if (hook.saved_at >= 0 || resume_from)
            cli_error("the last good checkpoint is kept: %s", hook.path);
        rc = status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
    } else if (trainer.stopped) {
        const int sig = stop_signal;
        cli_error("stopped by %s after epoch %d, iteration %d (%ld in all); wrote %s; continue with: "
                  "dlfs2 train --resume %s", sig == SIGINT ? "SIGINT" : "SIGTERM", trainer.current_epoch + 1,
                  trainer.iter_in_epoch, trainer.total_iters, hook.path, o->out_dir);
        rc = 128 + sig;
    } else {
        printf("trained %ld iterations in %.1f s\n", trainer.total_iters, elapsed);
        if (hook.saved_at >= 0) printf("wrote %s\n", hook.path);
    }
    loss_curve_copy(curve, trainer.loss_list, trainer.n_loss);
done:
    args_free(&hook.args);
    free(hook.path);
    trainer_free(&trainer);
    optimizer_free(&opt);
    return rc;
}

/*
 * --fast: one model per thread over m's weights, trained by the
 * FastTrainer. Returns an exit status.
 */
static int run_fast_training(const TrainOptions *o, const RecipeData *d, RecipeModel *m, Rng *rng,
                             FILE *csv, LossCurve *curve)
{
    const int T = o->threads;
    const int rank = o->mpi ? o->mpi->rank : 0, ranks = o->mpi ? o->mpi->size : 1;
    RecipeThreads threads;
    RecipeEpochs epochs;
    /* each rank its own negatives (rank 0's are a single process's) */
    const uint64_t rank_seed = o->seed + (uint64_t)rank * 0x632be59bd9b4e019ULL;
    if (rank > 0) rng_seed(rng, rank_seed);
    recipe_threads_build(&threads, T, m, rng, rank_seed);
    int rc = CLI_EXIT_OK;
    const bool redraw = redraws_rows(o);
    const Word2VecDataConfig data_cfg = {
        .window = o->window, .dynamic_window = o->dynamic_window, .sample = o->sample,
        .min_count = o->min_count, .sentence_end = o->sentences ? vocab_get(&d->vocab, "<eos>") : -1,
        .train_sentence_end = o->train_eos,
    };
    /* streamed (d counted, not loaded) or the rows of each epoch in memory */
    const bool stream = d->counts != NULL;
    Word2VecStream ws;
    memset(&epochs, 0, sizeof epochs);
    if (stream) {
        DlfsError err = {0};
        const int status = word2vec_stream_init_part(&ws, d->path, o->lowercase ? CORPUS_LOWERCASE : 0u,
                                                     &d->vocab, d->counts, &data_cfg, T, rank, ranks, o->seed, &err);
        if (status != DLFS_OK) {
            cli_error("%s", err.msg);
            rc = status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
        }
        if (o->epochs == 1) ws.cache_max_bytes = 0;   /* no later epoch to give the kept ids */
    } else if (redraw) {
        rc = train_epochs_init(&epochs, d, &data_cfg, o->seed);
    }   /* else the textbook's pairs, made per batch from d's ids (fast_trainer_fit_corpus) */
    if (rc == CLI_EXIT_OK) {
        FastTrainerConfig cfg = fast_trainer_default_config();
        cfg.threads = T;
        cfg.batch_size = o->batch;
        cfg.epochs = o->epochs;
        cfg.max_iters = o->max_iters;
        cfg.eval_interval = o->eval_interval;
        cfg.optimizer = o->optimizer == OPTIMIZER_SGD ? FAST_SGD_LINEAR : FAST_LAZY_ADAM;
        cfg.lr = (float)o->lr;
        cfg.shuffle = o->preset_word2vec ? recipe_preset_word2vec.shuffle : true;
        cfg.log = stdout;
        cfg.csv = csv;
        cfg.stop = &stop_signal;
        if (local_out(o, T)) {   /* W_out, params[1] of CBOW and SkipGram */
            cfg.local_param = 1;
            cfg.local_sync_s = o->local_out_ms / 1000.0;
        }
        FastTrainer trainer;
        fast_trainer_init(&trainer, &cfg, threads.models);
        DlfsError err = {0};
        struct sigaction old[2];
        catch_stop_signals(old);
        const double start = dlfs_now_s();
        const FastStream rows = stream ? word2vec_stream_source(&ws) : (FastStream){0};
        FastStream source = rows;
        if (stream && o->mpi) {
            const int rc_wrap = train_mpi_wrap(o->mpi, &m->model, d->counts, (int)d->vocab.size, &rows, &o->sync,
                                               &stop_signal, &source);
            if (rc_wrap != CLI_EXIT_OK) {
                recipe_threads_free(&threads);
                word2vec_stream_free(&ws);
                return rc_wrap;
            }
        }
        const int status =
            stream   ? fast_trainer_fit_stream(&trainer, &source, threads.rngs, &err)
            : redraw ? fast_trainer_fit(&trainer, recipe_epochs_next, &epochs, threads.rngs, &err)
                     : fast_trainer_fit_corpus(&trainer, d->corpus.data, d->corpus.size, d->window, threads.rngs,
                                               &err);
        const double elapsed = dlfs_now_s() - start;
        restore_signals(old);
        if (status != DLFS_OK) {
            cli_error("training failed: %s", err.msg);
            if (stream && ws.skipped > ws.run_tokens)
                cli_error("%lld of the corpus's tokens were outside the vocabulary %s and %lld in it: a "
                          "vocabulary of another corpus?",
                          (long long)ws.skipped, o->vocab ? o->vocab : "", (long long)ws.run_tokens);
            rc = status == DLFS_ERR_ARG ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
        } else if (trainer.stopped) {
            const int sig = stop_signal;
            cli_error("stopped by %s in epoch %d after %ld iterations in all; --fast keeps no "
                      "checkpoint, so the vectors trained so far are written",
                      sig == SIGINT ? "SIGINT" : "SIGTERM", trainer.stopped_epoch, trainer.total_iters);
            rc = 128 + sig;
        } else {
            printf("trained %ld iterations in %.1f s (%.0f words/s, %d threads)\n", trainer.total_iters,
                   elapsed, trainer.total_rows / (elapsed > 0.0 ? elapsed : 1e-9), T);
            if (o->mpi) train_mpi_report(o->mpi, elapsed);
        }
        if (stream && ws.skipped > 0)
            printf("%lld corpus tokens outside the vocabulary were skipped\n", (long long)ws.skipped);
        loss_curve_copy(curve, trainer.loss_list, trainer.n_loss);
        fast_trainer_free(&trainer);
    }
    recipe_threads_free(&threads);
    recipe_epochs_free(&epochs);
    if (stream) word2vec_stream_free(&ws);
    return rc;
}

/*
 * Writes the word vectors W_words (V, H) (W_in, or with subwords each
 * word's mean of its rows) to OUT/vectors.txt or OUT/vectors.bin. With min_count > 1
 * (--min-count, --preset word2vec) only the words seen at least min_count
 * times in the corpus are written, in id order, as word2vec.c writes only
 * the words it kept: the others were never trained, and their random
 * initial rows would be scored by the evaluation. Returns an exit status.
 */
static int save_vectors(const char *path, VectorsFormat format, const RecipeData *d, const float *W_words, int V,
                        int H, int min_count)
{
    DlfsError err = {0};
    int status;
    int kept = V;
    if (min_count <= 1) {
        status = vectors_save(path, format, &d->vocab, W_words, V, H, &err);
    } else {
        int64_t *counts = dlfs_calloc((size_t)V, sizeof *counts);
        if (d->counts)
            memcpy(counts, d->counts, (size_t)V * sizeof *counts);
        else
            for (size_t i = 0; i < d->corpus.size; i++) counts[d->corpus.data[i]]++;
        Vocab vocab;
        vocab_init(&vocab);
        float *W = dlfs_malloc((size_t)V * (size_t)H * sizeof *W);
        kept = 0;
        for (int id = 0; id < V; id++) {
            if (counts[id] < min_count) continue;
            vocab_add(&vocab, vocab_word(&d->vocab, id));
            memcpy(W + (size_t)kept * (size_t)H, W_words + (size_t)id * (size_t)H, (size_t)H * sizeof *W);
            kept++;
        }
        status = vectors_save(path, format, &vocab, W, kept, H, &err);
        free(W);
        vocab_free(&vocab);
        free(counts);
    }
    if (status != DLFS_OK) {
        cli_error("cannot save the word vectors: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    if (kept == V)
        printf("wrote %s (%d x %d)\n", path, V, H);
    else
        printf("wrote %s (%d x %d: the %d words seen fewer than %d times left out)\n", path, kept, H, V - kept,
               min_count);
    return CLI_EXIT_OK;
}

/*
 * The word vectors of m into vec_path (save_vectors): W_in's rows, or with
 * subwords (cfg.subwords) each vocabulary word's mean of its rows, the
 * SubwordEmbedding layer's forward over every id (fastText's
 * getWordVector); then OUT/subwords.model, the n-gram rows and settings for
 * words outside the vocabulary. Returns an exit status.
 */
static int save_word_vectors(const TrainOptions *o, const char *vec_path, const RecipeData *d, RecipeModel *m)
{
    const Word2VecConfig *cfg = recipe_model_config(m);
    const int H = m->W_in->value.shape[1];
    const int min_count = o->fast ? o->min_count : 1;
    if (!cfg->subwords) return save_vectors(vec_path, o->format, d, m->W_in->value.data, m->W_in->value.shape[0], H,
                                            min_count);
    const SubwordTable *table = cfg->subwords;
    const int V = table->V;
    float *words = dlfs_malloc((size_t)V * (size_t)H * sizeof *words);
    int32_t *ids = dlfs_malloc((size_t)V * sizeof *ids);
    for (int32_t w = 0; w < V; w++) ids[w] = w;
    SubwordEmbedding layer;
    subword_embedding_init(&layer, m->W_in, table);
    subword_embedding_forward(&layer, words, ids, V);
    int rc = save_vectors(vec_path, o->format, d, words, V, H, min_count);
    free(ids);
    free(words);
    /* the model's n-gram rows and settings, for vectors of any word (dlfs2 vector, similar --model) */
    if (rc == CLI_EXIT_OK) {
        char *model_path = cli_path_join(o->out_dir, "subwords.model");
        DlfsError err = {0};
        if (subword_model_save(model_path, &d->vocab, table, m->W_in->value.data, H, &err) != DLFS_OK) {
            cli_error("cannot save the subword model: %s", err.msg);
            rc = CLI_EXIT_RUNTIME;
        } else {
            printf("wrote %s\n", model_path);
        }
        free(model_path);
    }
    return rc;
}

/*
 * Writes the model's W_in and W_out, each as it holds it (W_out's shape
 * depends on the loss), to OUT/W_in.npy and OUT/W_out.npy. Returns an exit
 * status.
 */
static int save_npy_params(const char *out_dir, const Model *model)
{
    int saved = 0;
    for (int i = 0; i < model->n_params; i++) {
        const Param *p = model->params[i];
        if (strcmp(p->name, "W_in") != 0 && strcmp(p->name, "W_out") != 0) continue;
        DLFS_ASSERT(p->value.ndim == 2);
        const int rows = p->value.shape[0], cols = p->value.shape[1];
        char name[16];
        snprintf(name, sizeof name, "%s.npy", p->name);
        char *path = cli_path_join(out_dir, name);
        DlfsError err = {0};
        const int status = npy_save_float32_2d(path, p->value.data, rows, cols, &err);
        if (status == DLFS_OK) printf("wrote %s (%d x %d)\n", path, rows, cols);
        free(path);
        if (status != DLFS_OK) {
            cli_error("cannot save the weights: %s", err.msg);
            return CLI_EXIT_RUNTIME;
        }
        saved++;
    }
    DLFS_ASSERT(saved == 2);  /* every model here has a W_in and a W_out */
    return CLI_EXIT_OK;
}

/*
 * --plot: the textbook's trainer.plot(): the mean losses of the progress
 * lines against their index, "iterations (x eval_interval)". Returns an
 * exit status; the files already written stay.
 */
static int plot_loss_curve(const char *path, const LossCurve *curve, int eval_interval)
{
    if (curve->n < 1) {
        cli_error("--plot: no loss was recorded (--eval-interval 0 prints none)");
        return CLI_EXIT_RUNTIME;
    }
    double *x = dlfs_calloc((size_t)curve->n, sizeof *x);
    for (int i = 0; i < curve->n; i++) x[i] = i;
    char xlabel[64];
    snprintf(xlabel, sizeof xlabel, "iterations (x%d)", eval_interval);
    const PlotSeries series = {.label = "train", .x = x, .y = curve->loss, .n = curve->n};
    const PlotSpec spec = {.xlabel = xlabel, .ylabel = "loss", .width = 640, .height = 480};
    DlfsError err = {0};
    const int status = plot_lines(path, &spec, &series, 1, &err);
    free(x);
    if (status != DLFS_OK) {
        cli_error("--plot: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    printf("wrote %s\n", path);
    return CLI_EXIT_OK;
}

/* Trains on prepared data and writes the output files. Returns an exit status. */
static int train_and_save(const TrainOptions *o, const RecipeData *d, RecipeModel *m, Rng *rng,
                          const Checkpoint *resume_from)
{
    DlfsError err = {0};
    if (o->mpi && o->mpi->rank > 0) {
        /* the other ranks train; rank 0 writes the files (their weights are the same after the last sync) */
        LossCurve none = {0};
        const int rc_rank = run_fast_training(o, d, m, rng, NULL, &none);
        free(none.loss);
        return rc_rank;
    }
    if (make_dirs(o->out_dir, &err) != DLFS_OK) {
        cli_error("cannot create the output directory: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    char *csv_path = cli_path_join(o->out_dir, "loss.csv");
    char *vec_path = cli_path_join(o->out_dir, o->format == VECTORS_BINARY ? "vectors.bin" : "vectors.txt");
    int rc = CLI_EXIT_RUNTIME;
    LossCurve curve = {0};
    /* loss.csv replaces the one in OUT only when the run ends well or is
     * stopped by a signal (its rows then match the checkpoint); a failed run
     * leaves the earlier loss.csv, like the earlier vectors, as it was */
    AtomicFile csv;
    rc = open_loss_csv(&csv, csv_path);
    if (rc != CLI_EXIT_OK) goto done;
    rc = o->fast ? run_fast_training(o, d, m, rng, csv.fp, &curve)
                 : run_training(o, d, m, rng, csv.fp, &curve, resume_from);
    const bool stopped = rc == 128 + SIGINT || rc == 128 + SIGTERM;
    if (rc == CLI_EXIT_OK || stopped) {
        if (atomic_file_commit(&csv, &err) != DLFS_OK) {
            cli_error("%s", err.msg);
            rc = CLI_EXIT_RUNTIME;
        }
    } else {
        atomic_file_abort(&csv);
    }
    /* a stopped textbook run resumes from its checkpoint; a stopped --fast
     * run has none, so it writes what it has trained */
    if (rc != CLI_EXIT_OK && !(stopped && o->fast)) goto done;
    const int run_rc = rc;
    rc = save_word_vectors(o, vec_path, d, m);
    if (rc == CLI_EXIT_OK && o->save_npy) rc = save_npy_params(o->out_dir, &m->model);
    if (rc == CLI_EXIT_OK) printf("wrote %s\n", csv_path);
    if (rc == CLI_EXIT_OK && o->plot) rc = plot_loss_curve(o->plot, &curve, o->eval_interval);
    if (rc == CLI_EXIT_OK) rc = run_rc;
done:
    free(curve.loss);
    free(csv_path);
    free(vec_path);
    return rc;
}

/*
 * --resume DIR: reads DIR/checkpoint.bin into *ck and parses its saved
 * options into *o (whose strings then live in *args), with --out DIR and
 * the --threads and --checkpoint-every given now. Returns an exit status.
 */
static int load_resume(const TrainOptions *given, Checkpoint *ck, ArgList *args, TrainOptions *o)
{
    if (given->run_option_given) {
        cli_error("--resume takes the run's options from its checkpoint; only --threads, "
                  "--checkpoint-every, --epochs and --max-iters may be given with it");
        return CLI_EXIT_USAGE;
    }
    char *path = cli_path_join(given->resume, "checkpoint.bin");
    DlfsError err = {0};
    const int status = checkpoint_load(path, ck, &err);
    free(path);
    if (status != DLFS_OK) {
        cli_error("cannot resume: %s", err.msg);
        return CLI_EXIT_RUNTIME;
    }
    args_add(args, "train");
    for (int i = 0; i < ck->argc; i++) args_add(args, "%s", ck->argv[i]);
    args_add(args, "--out");
    args_add(args, "%s", given->resume);
    if (given->threads > 0) args_add_option(args, "--threads", "%d", given->threads);
    if (given->checkpoint_every_given) args_add_option(args, "--checkpoint-every", "%ld", given->checkpoint_every);
    if (given->epochs_given) args_add_option(args, "--epochs", "%d", given->epochs);
    if (given->max_iters_given) args_add_option(args, "--max-iters", "%ld", given->max_iters);
    optind = 0;   /* getopt starts afresh */
    const int rc = parse_train_args(args->argc, args->argv, o);
    if (rc != 0) {
        cli_error("cannot resume: the checkpoint's options are not valid (see above)");
        return CLI_EXIT_RUNTIME;
    }
    o->resume = given->resume;
    return CLI_EXIT_OK;
}

/*
 * Under mpirun with more than one process: only the streamed mode, which
 * reads a part of the corpus per rank, is data-parallel; without --lr the
 * preset's rate is multiplied by (ranks + 1) / 2; ranks other than 0
 * print nothing on stdout (rank 0 speaks for the job). Returns an exit
 * status.
 */
static int check_mpi_run(TrainOptions *o, TrainMpi *mpi)
{
    /* every rank refuses alike (the same options): rank 0 says why, and they all finalize */
    mpi->shared_error = true;
    if (o->subwords) {
        if (mpi->rank == 0)
            cli_error("--subwords is not available under mpirun (the ranks' row syncs take one row per word)");
        return CLI_EXIT_USAGE;
    }
    if (!streams_corpus(o)) {
        if (mpi->rank == 0)
            cli_error("under mpirun with %d processes, train with --preset word2vec (each rank reads its own part "
                      "of the corpus and the ranks average their models); %s",
                      mpi->size,
                      o->fast ? "--fast without the preset shuffles every pair of the whole corpus, one process's "
                                "work"
                              : "textbook mode's exact shuffle of every pair is one process's");
        return CLI_EXIT_USAGE;
    }
    if (o->max_iters > 0) {
        if (mpi->rank == 0)
            cli_error("--max-iters is not available under mpirun (each rank would stop at its own step): use "
                      "--epochs");
        return CLI_EXIT_USAGE;
    }
    /* each rank reads its byte range of a plain file: a .gz or a pipe is refused before anything is
     * counted or written */
    if (strcmp(o->corpus, "ptb") != 0) {
        TokenStream probe;
        DlfsError inner = {0};
        const int status = strcmp(o->corpus, "-") == 0
                               ? DLFS_ERR_ARG
                               : token_stream_open_range(&probe, o->corpus, 0, 0, 0, 0, &inner);
        token_stream_close(&probe);
        if (status == DLFS_ERR_ARG) {
            if (mpi->rank == 0)
                cli_error("under mpirun each rank reads its own byte range of the corpus, so it must be a plain "
                          "file: %s is %s (decompress it first)",
                          o->corpus, strcmp(o->corpus, "-") == 0 ? "standard input" : "gzip data or not a plain file");
            return CLI_EXIT_USAGE;
        }
    }
    mpi->shared_error = false;
    /* averaging P models divides each rank's steps by P; the preset's rate times (P + 1) / 2 gave
     * one process's quality on PTB (10 epochs) and on 20x PTB (one epoch) at P = 2, and on PTB at
     * P = 4, where the rate times P fell short on 20x PTB (docs/distributed.md); a rate given is
     * used as it is */
    if (!o->lr_given) o->lr *= (mpi->size + 1) / 2.0;
    if (mpi->rank > 0 && !freopen("/dev/null", "w", stdout)) {
        cli_error("rank %d: cannot quiet its standard output", mpi->rank);
        return CLI_EXIT_RUNTIME;
    }
    return CLI_EXIT_OK;
}

/*
 * The memory the run may give W_in: the machine's physical memory divided
 * by the copies of a (rows, H) matrix it keeps: the value, a gradient per
 * thread (each replica has its own), and Adam's two moments in textbook
 * mode and lazy Adam.
 */
static uint64_t w_in_budget(const TrainOptions *o)
{
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return UINT64_MAX;
    const uint64_t copies = 1 + (uint64_t)(o->fast ? o->threads : 1) + (o->optimizer == OPTIMIZER_ADAM ? 2 : 0);
    return (uint64_t)pages * (uint64_t)page / copies;
}

/*
 * --subwords: the subword table of d's vocabulary (every word of it, ids
 * as the model's; the line end <eos>, or word2vec.c's </s> in a --vocab
 * file, gets no n-grams), refused before the model is allocated when its
 * W_in would not fit in memory (w_in_budget). Prints its size. Returns an
 * exit status; free the table with subword_table_free either way.
 */
static int build_subwords(const TrainOptions *o, const RecipeData *d, SubwordTable *table)
{
    DlfsError err = {0};
    const char *eos = vocab_get(&d->vocab, "<eos>") >= 0 ? "<eos>" : "</s>";
    if (subword_table_init(table, &d->vocab, eos, o->minn, o->maxn, o->buckets, &err) != DLFS_OK) {
        cli_error("--subwords %d-%d --buckets %ld: %s", o->minn, o->maxn, o->buckets, err.msg);
        return CLI_EXIT_USAGE;
    }
    if (subword_table_check_memory(table, o->hidden, w_in_budget(o), &err) != DLFS_OK) {
        cli_error("--subwords %d-%d --hidden %d: %s", o->minn, o->maxn, o->hidden, err.msg);
        return CLI_EXIT_USAGE;
    }
    printf("subwords: n-grams of %d-%d characters, %ld buckets: %d used, W_in %d x %d (%d words, %lld rows "
           "listed)\n",
           o->minn, o->maxn, o->buckets, (int)table->n_used, (int)table->n_rows, o->hidden, (int)table->V,
           (long long)table->offsets[table->V]);
    return CLI_EXIT_OK;
}

int cmd_train(int argc, char **argv)
{
    TrainOptions given, o;
    int rc = parse_train_args(argc, argv, &given);
    if (rc != 0) return rc < 0 ? CLI_EXIT_OK : rc;
    Checkpoint ck = {0};
    ArgList resume_args = {0};
    o = given;
    if (given.resume) {
        rc = load_resume(&given, &ck, &resume_args, &o);
        if (rc != CLI_EXIT_OK) goto done_args;
    }
    /* --threads N: N; else the CPUs this process may use, tuned down while
     * other programs keep them busy (common/threads.h) */
    if (o.threads > 0)
        threads_use_fixed(o.threads);
    else
        o.threads = threads_use_default();

    /* mpirun -np P: this process's rank (cli/train_mpi.h) */
    TrainMpi mpi;
    RecipeData d;
    RecipeModel m = {0};
    SubwordTable table = {0};   /* --subwords; the model borrows it */
    memset(&d, 0, sizeof d);
    vocab_init(&d.vocab);
    rc = train_mpi_begin(&mpi);
    if (rc == CLI_EXIT_OK && mpi.size > 1) rc = check_mpi_run(&o, &mpi);
    if (rc != CLI_EXIT_OK) goto done_mpi;
    o.mpi = &mpi;
    Rng rng;
    rng_seed(&rng, o.seed);
    if (streams_corpus(&o))
        rc = train_data_count(&d, o.corpus, o.data_dir, o.lowercase ? CORPUS_LOWERCASE : 0u, o.vocab);
    else if (o.vocab)
        rc = train_data_load_vocab(&d, o.corpus, o.data_dir, o.lowercase ? CORPUS_LOWERCASE : 0u, o.vocab,
                                   o.window, o.batch);
    else
        rc = train_data_load_flags(&d, o.corpus, o.data_dir, o.lowercase ? CORPUS_LOWERCASE : 0u,
                                   o.window, o.batch);
    if (rc == CLI_EXIT_OK) {
        print_header(&o, &d);
        Word2VecConfig cfg = model_config(&o, &d);
        if (o.subwords) {
            rc = build_subwords(&o, &d, &table);
            cfg.subwords = &table;
        }
        if (rc == CLI_EXIT_OK) rc = train_model_build(&m, o.skipgram, &cfg, &d, &rng);
    }
    /* every rank: rank 0's initial weights, and the same vocabulary checked */
    if (rc == CLI_EXIT_OK && mpi.size > 1)
        rc = train_mpi_share(&mpi, &m.model, (const char *const *)d.vocab.id_to_word, d.counts, (int)d.vocab.size);
    if (rc == CLI_EXIT_OK) rc = train_and_save(&o, &d, &m, &rng, o.resume ? &ck : NULL);
done_mpi:
    recipe_model_free(&m);
    subword_table_free(&table);
    recipe_data_free(&d);
    train_mpi_end(&mpi, rc);
done_args:
    checkpoint_free(&ck);
    args_free(&resume_args);
    return rc;
}
