#!/bin/sh
# test_fast.sh — TAP tests of `dlfs2 train --fast` and `--preset word2vec`
# (training/fast_trainer.h, models/word2vec_data.h): usage errors; on a tiny
# corpus, one thread twice gives the same bytes, two threads give a whole
# vectors file, the preset runs for CBOW and SkipGram (absent context ids;
# SkipGram with and without --shared-negatives the same bytes twice)
# and an epoch that subsampling leaves shorter than a batch is an error; on
# the real PTB when present, the loss of --fast and of the preset falls.
#
#     sh tests/test_fast.sh path/to/build/dlfs2
#
# Environment as tests/test_cli.sh (DLFS2_SOURCE_ROOT, DLFS2_DATA).

DLFS2=${1:?usage: sh tests/test_fast.sh PATH/TO/dlfs2}
PLAN=92

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

TINY=$WORK/tiny.txt
tiny_corpus "$TINY"
# Vocabulary: you say goodbye and i hello . <eos>; 88 pairs at window 1
V=8
H=5
SMALL="--corpus $TINY --window 1 --hidden $H --batch 5 --sample-size 2 --eval-interval 5"

# --- usage errors ---------------------------------------------------------------
expect "--sample without --fast: exit 2" 2 u-sample train --corpus "$TINY" --sample 1e-3 --out "$WORK/u"
check "--sample without --fast: the message says it needs --fast" \
    grep -q '^dlfs2: --sample and --min-count need --fast (or --preset word2vec)$' "$WORK/u-sample.err"
expect "--min-count without --fast: exit 2" 2 u-min train --corpus "$TINY" --min-count 3 --out "$WORK/u"
check "--min-count without --fast: the message says it needs --fast" \
    grep -q '^dlfs2: --sample and --min-count need --fast' "$WORK/u-min.err"
expect "--train-eos without the preset: exit 2" 2 u-eos train --corpus "$TINY" --fast --train-eos --out "$WORK/u"
check "--train-eos without the preset: the message says it needs sentences" \
    grep -q '^dlfs2: --train-eos needs sentences that end at <eos> (--preset word2vec)$' "$WORK/u-eos.err"
expect "--preset foo: exit 2" 2 u-preset train --corpus "$TINY" --preset foo --out "$WORK/u"
check "--preset foo: the message names the presets" \
    grep -q "^dlfs2: --preset: expected word2vec, got 'foo'$" "$WORK/u-preset.err"
expect "--preset word2vec --model skipgram --loss softmax: exit 2" 2 u-sgsoft train --corpus "$TINY" \
    --preset word2vec --model skipgram --loss softmax --out "$WORK/u"
check "skipgram + softmax under the preset: the message asks for --loss negsamp" \
    grep -q '^dlfs2: .*SkipGram need --loss negsamp$' "$WORK/u-sgsoft.err"
expect "--threads 0: exit 2" 2 u-threads train --corpus "$TINY" --fast --threads 0 --out "$WORK/u"
check "--threads 0: the message gives the range" \
    grep -q "^dlfs2: --threads: expected an integer in \[1, [0-9]*\], got '0'$" "$WORK/u-threads.err"
expect "--fast --optimizer momentum: exit 2" 2 u-mom train --corpus "$TINY" --fast --optimizer momentum --out "$WORK/u"
check "--fast --optimizer momentum: the message names the two it takes" \
    grep -q '^dlfs2: --fast trains with lazy Adam (--optimizer adam) or SGD with linear decay (--optimizer sgd), not momentum$' "$WORK/u-mom.err"
expect "--fast --max-grad 1: exit 2" 2 u-clip train --corpus "$TINY" --fast --max-grad 1 --out "$WORK/u"
expect "--preset word2vec --optimizer adam: exit 2" 2 u-padam train --corpus "$TINY" --preset word2vec --optimizer adam --out "$WORK/u"
check "usage errors train nothing and write nothing" sh -c "[ ! -e '$WORK/u' ] && \
    ! grep -q 'iter' '$WORK/u-sample.out' '$WORK/u-min.out' '$WORK/u-preset.out' '$WORK/u-sgsoft.out' '$WORK/u-threads.out'"

# --- --fast on the tiny corpus ----------------------------------------------------
# 88 pairs, batch 5: 17 steps an epoch, 51 in 3 epochs, a record every 5 steps
for r in a b; do
    expect "--fast --threads 1, run $r: exit 0" 0 "f1$r" train $SMALL --fast --epochs 3 --threads 1 \
        --out "$WORK/f1$r"
done
check "--fast --threads 1 twice: the same vectors, byte for byte" cmp -s "$WORK/f1a/vectors.txt" "$WORK/f1b/vectors.txt"
check "--fast --threads 1 twice: the same losses" sh -c "cut -d, -f1,2,4 '$WORK/f1a/loss.csv' >'$WORK/la' &&
    cut -d, -f1,2,4 '$WORK/f1b/loss.csv' >'$WORK/lb' && cmp -s '$WORK/la' '$WORK/lb'"
check "--fast: the header says lazy Adam, Hogwild threads, with replacement" sh -c "
    grep -q 'optimizer adam (lazy)' '$WORK/f1a.out' &&
    grep -q 'fast (Hogwild threads, touched rows only)' '$WORK/f1a.out' && grep -q 'with replacement' '$WORK/f1a.out'"
check "--fast --epochs 3: 51 iterations, 12 records (iterations 1, 6, 11, 16 of each epoch)" sh -c "
    grep -q '^trained 51 iterations in .*, 1 threads)$' '$WORK/f1a.out' &&
    [ \$(tail -n +2 '$WORK/f1a/loss.csv' | wc -l) -eq 12 ] &&
    [ \"\$(tail -n 1 '$WORK/f1a/loss.csv' | cut -d, -f1,2)\" = '3,16' ]"
check "--fast: the first loss is (S + 1) ln 2 = 2.079" awk -F, 'NR == 2 { if ($4 < 2.07 || $4 > 2.09) exit 1 }' \
    "$WORK/f1a/loss.csv"
expect "--fast --seed 2: exit 0" 0 f1s train $SMALL --fast --epochs 3 --threads 1 --seed 2 --out "$WORK/f1s"
check "another seed gives other vectors" sh -c "[ -s '$WORK/f1a/vectors.txt' ] && [ -s '$WORK/f1s/vectors.txt' ] &&
    ! cmp -s '$WORK/f1a/vectors.txt' '$WORK/f1s/vectors.txt'"

expect "--fast --threads 2: exit 0" 0 f2 train $SMALL --fast --epochs 3 --threads 2 --out "$WORK/f2"
check "--threads 2: vectors.txt is '$V $H' and $V rows of a word and $H finite numbers" awk -v V=$V -v H=$H '
    NR == 1 { if ($0 != V " " H) exit 1; next }
    { if (NF != H + 1) exit 1
      for (i = 2; i <= NF; i++) if ($i !~ /^-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$/) exit 1
      if (!($1 in words)) distinct++
      words[$1] = 1 }
    END { if (NR != V + 1 || distinct != V) exit 1 }' "$WORK/f2/vectors.txt"
check "--threads 2: 51 iterations over both threads" grep -q '^trained 51 iterations in .*, 2 threads)$' "$WORK/f2.out"

# --- --preset word2vec on the tiny corpus -------------------------------------------
# --sample 0: subsampling at 1e-3 would keep about 1 token in 10 of a 90-token text
PRESET="--corpus $TINY --preset word2vec --sample 0 --window 2 --hidden $H --batch 5 --sample-size 2 --epochs 100 --eval-interval 16"
for r in a b; do
    expect "--preset word2vec --threads 1, run $r: exit 0" 0 "p$r" train $PRESET --threads 1 --out "$WORK/p$r"
done
check "--preset word2vec --threads 1 twice: the same vectors" cmp -s "$WORK/pa/vectors.txt" "$WORK/pb/vectors.txt"
check "--preset word2vec: the header names the recipe" \
    grep -q 'optimizer sgd (linear decay, per example), lr 0.05.*fast: word2vec preset (sample 0, min count 5, shrunk windows, sentences end at <eos>, CBOW contexts get the whole dh)' \
    "$WORK/pa.out"
check "--preset word2vec: lr 0.05 for CBOW, without replacement" sh -c "
    grep -q 'lr 0.05,' '$WORK/pa.out' && grep -q 'without replacement' '$WORK/pa.out'"
# <eos> is dropped: 8 tokens a line, 80 rows an epoch, 16 steps, 1600 in 100 epochs
check "--preset word2vec: 1600 iterations (80 rows an epoch once <eos> is dropped)" \
    grep -q '^trained 1600 iterations' "$WORK/pa.out"
# measured (seed 1): 2.08 at the first record, 0.35 at the last
check "--preset word2vec: the loss falls from 3 ln 2 by more than 1" awk -F, '
    NR == 2 { first = $4 } NR > 1 { last = $4 }
    END { if (!(first > 2.0 && first < 2.1 && last < first - 1.0)) exit 1 }' "$WORK/pa/loss.csv"
expect "--preset word2vec --model skipgram (absent labels): exit 0" 0 psg train $PRESET --model skipgram \
    --threads 2 --out "$WORK/psg"
check "--preset word2vec --model skipgram: lr 0.025 and finite losses" sh -c "
    grep -q 'lr 0.025,' '$WORK/psg.out' &&
    awk -F, 'NR > 1 && \$4 !~ /^[0-9]+\.[0-9]+\$/ { exit 1 }' '$WORK/psg/loss.csv'"
# SkipGram's fused step and its shared negatives (one draw per window): reproducible at --threads 1
for run in sga sgb; do
    expect "--preset word2vec --model skipgram --threads 1 ($run): exit 0" 0 $run train $PRESET --model skipgram \
        --threads 1 --out "$WORK/$run"
done
check "--preset word2vec --model skipgram --threads 1 twice: the same vectors" \
    cmp -s "$WORK/sga/vectors.txt" "$WORK/sgb/vectors.txt"
for run in sha shb; do
    expect "--preset word2vec --model skipgram --shared-negatives ($run): exit 0" 0 $run train $PRESET \
        --model skipgram --shared-negatives --threads 1 --out "$WORK/$run"
done
check "--shared-negatives with SkipGram: the header says one draw per window" \
    grep -q ', shared negatives (one draw per window),' "$WORK/sha.out"
check "--shared-negatives with SkipGram --threads 1 twice: the same vectors, and not the per-pair draws' ones" sh -c "
    cmp -s '$WORK/sha/vectors.txt' '$WORK/shb/vectors.txt' && ! cmp -s '$WORK/sha/vectors.txt' '$WORK/sga/vectors.txt'"
check "--shared-negatives with SkipGram: finite losses that fall" awk -F, '
    NR == 2 { first = $4 } NR > 1 { if ($4 !~ /^[0-9]+\.[0-9]+$/) exit 1; last = $4 }
    END { if (!(last < first)) exit 1 }' "$WORK/sha/loss.csv"
# SkipGram's threads step on their own W_out by default, merged every 20 ms (--local-out-sync)
expect "--preset word2vec --model skipgram --threads 2: exit 0" 0 sgt2 train $PRESET --model skipgram \
    --threads 2 --out "$WORK/sgt2"
check "--preset word2vec --model skipgram --threads 2: the header says W_out per thread, finite losses" sh -c "
    grep -q ', W_out per thread (merged every 20 ms),' '$WORK/sgt2.out' &&
    awk -F, 'NR > 1 && \$4 !~ /^[0-9]+\.[0-9]+\$/ { exit 1 }' '$WORK/sgt2/loss.csv'"
expect "--local-out-sync 0 with SkipGram --threads 2: exit 0" 0 sgt0 train $PRESET --model skipgram \
    --threads 2 --local-out-sync 0 --out "$WORK/sgt0"
check "--local-out-sync 0, --threads 1 and CBOW: no W_out per thread" sh -c "
    ! grep -q 'W_out per thread' '$WORK/sgt0.out' && ! grep -q 'W_out per thread' '$WORK/sga.out' &&
    ! grep -q 'W_out per thread' '$WORK/pa.out'"
expect "--local-out-sync without the preset: exit 2" 2 lonp train $SMALL --fast --local-out-sync 5 --out "$WORK/lonp"
# CBOW's shared negatives (one draw per minibatch): reproducible at --threads 1
for run in cha chb; do
    expect "--preset word2vec --shared-negatives, CBOW ($run): exit 0" 0 $run train $PRESET --shared-negatives \
        --threads 1 --out "$WORK/$run"
done
check "--shared-negatives with CBOW: the header says one draw per minibatch of 5" \
    grep -q ', shared negatives (one draw per minibatch of 5),' "$WORK/cha.out"
check "--shared-negatives with CBOW --threads 1 twice: the same vectors, not the per-row draws' ones" sh -c "
    cmp -s '$WORK/cha/vectors.txt' '$WORK/chb/vectors.txt' && ! cmp -s '$WORK/cha/vectors.txt' '$WORK/pa/vectors.txt'"
expect "--shared-negatives with the textbook's Adam: exit 2" 2 shadam train $SMALL --shared-negatives --out "$WORK/shadam"
expect "--shared-negatives with --loss hsoftmax: exit 2" 2 shhs train $SMALL --fast --optimizer sgd --loss hsoftmax \
    --shared-negatives --out "$WORK/shhs"
# the hierarchical softmax's fused SGD steps (CBOW and SkipGram): reproducible at --threads 1
for m in cbow skipgram; do
    for run in a b; do
        expect "--fast --optimizer sgd --loss hsoftmax --model $m ($run): exit 0" 0 hs$m$run train $SMALL --fast \
            --optimizer sgd --loss hsoftmax --model $m --epochs 3 --threads 1 --out "$WORK/hs$m$run"
    done
    check "--fast --optimizer sgd --loss hsoftmax --model $m --threads 1 twice: the same vectors" \
        cmp -s "$WORK/hs${m}a/vectors.txt" "$WORK/hs${m}b/vectors.txt"
done
# subsampling at 1e-3 keeps about 8 of the 80 tokens: far fewer rows than a batch of 50
expect "--preset word2vec: an epoch shorter than the batch: exit 2" 2 pshort train --corpus "$TINY" \
    --preset word2vec --window 2 --hidden $H --batch 50 --sample-size 2 --threads 1 --out "$WORK/pshort"
check "an epoch shorter than the batch: the message names the epoch and the batch" \
    grep -q '^dlfs2: training failed: epoch 1 gave no whole batch of 50 rows' "$WORK/pshort.err"

# --- the preset reads its corpus as a stream: a file, its .gz, standard input -----------
STREAM="--preset word2vec --sample 0 --window 2 --hidden $H --batch 5 --sample-size 2 --eval-interval 4 --threads 1"
gzip -c "$TINY" >"$WORK/tiny.txt.gz"
"$DLFS2" vocab --corpus "$TINY" --out "$WORK/tiny.vocab" --order first >/dev/null 2>&1
expect "stream: a plain file, 3 epochs: exit 0" 0 sfile train --corpus "$TINY" $STREAM --epochs 3 --out "$WORK/sfile"
expect "stream: its .gz, 3 epochs: exit 0" 0 sgz train --corpus "$WORK/tiny.txt.gz" $STREAM --epochs 3 --out "$WORK/sgz"
check "stream: --threads 1, the file and its .gz give the same vectors" \
    cmp -s "$WORK/sfile/vectors.txt" "$WORK/sgz/vectors.txt"
check "stream: the header says so, and no iterations per epoch" sh -c "
    grep -q '^corpus size: 90, vocab size: 8 (streamed: ' '$WORK/sfile.out' &&
    ! grep -q 'iterations per epoch' '$WORK/sfile.out'"
check "stream: progress lines with the % done and words/s" sh -c "
    grep -Eq '^\| epoch 1 \|  iter 1 \| [0-9]+\.[0-9]% done \| [0-9]+ words/s \| time [0-9]+\[s\] \| loss [0-9]+\.[0-9]{2}$' '$WORK/sfile.out' &&
    grep -Eq '^\| epoch 3 \|  iter 13 \| (9[0-9]|100)\.[0-9]% done \| ' '$WORK/sfile.out'"
expect "stream: the file with --vocab: exit 0" 0 sfv train --corpus "$TINY" --vocab "$WORK/tiny.vocab" $STREAM \
    --epochs 1 --out "$WORK/sfv"
expect "stream: standard input with --vocab: exit 0" 0 sin train --corpus - --vocab "$WORK/tiny.vocab" $STREAM \
    --epochs 1 --out "$WORK/sin" <"$TINY"
check "stream: --threads 1, the file and standard input give the same vectors" \
    cmp -s "$WORK/sfv/vectors.txt" "$WORK/sin/vectors.txt"
check "stream: standard input's corpus line" grep -q '^corpus: standard input$' "$WORK/sin.out"
expect "stream: standard input without --vocab: exit 2" 2 sinv train --corpus - $STREAM --epochs 1 \
    --out "$WORK/sinv" <"$TINY"
check "stream: ... the message asks for --vocab" grep -q "give its vocabulary with --vocab" "$WORK/sinv.err"
expect "stream: standard input for 2 epochs: exit 2" 2 sin2 train --corpus - --vocab "$WORK/tiny.vocab" $STREAM \
    --epochs 2 --out "$WORK/sin2" <"$TINY"
expect "stream: two threads over byte ranges: exit 0" 0 s2 train --corpus "$TINY" $STREAM --threads 2 --epochs 3 \
    --out "$WORK/s2"
check "stream: two threads: the 8 words in vectors.txt, 2 threads named" sh -c "
    [ \"\$(head -n 1 '$WORK/s2/vectors.txt')\" = '8 $H' ] && grep -q '^trained [0-9]* iterations.*, 2 threads)$' '$WORK/s2.out'"
# a .gz cut in half: the counting pass finds it; with --vocab, training does
head -c 40 "$WORK/tiny.txt.gz" >"$WORK/cut.gz"
expect "stream: a truncated .gz: exit 1" 1 scut train --corpus "$WORK/cut.gz" $STREAM --epochs 1 --out "$WORK/scut"
check "stream: ... the message says truncated gzip" grep -q 'truncated gzip' "$WORK/scut.err"
expect "stream: a truncated .gz with --vocab: exit 1" 1 scutv train --corpus "$WORK/cut.gz" --vocab "$WORK/tiny.vocab" \
    $STREAM --epochs 1 --out "$WORK/scutv"
check "stream: ... training failed: truncated gzip" grep -q '^dlfs2: training failed: .*truncated gzip' "$WORK/scutv.err"
# word2vec.c's vocabulary (</s> first, its sentence end) of another corpus
printf '</s> 10\nzebra 5\nyak 3\n' >"$WORK/other.vocab"
expect "stream: a vocabulary of another corpus: exit 2" 2 sother train --corpus "$TINY" --vocab "$WORK/other.vocab" \
    $STREAM --epochs 1 --out "$WORK/sother"
check "stream: ... the message says so" grep -q 'outside the vocabulary .*other.vocab.*another corpus' "$WORK/sother.err"

# --- PTB ------------------------------------------------------------------------------
find_ptb
if [ -z "$PTB" ]; then
    for t in "--fast on PTB, 2000 iterations: exit 0" "--fast on PTB: 20 records, 2000 iterations" \
        "--fast on PTB: the loss falls from about 4.1 by more than 1" \
        "--preset word2vec --epochs 1 on PTB: exit 0" "--preset word2vec on PTB: fewer rows than tokens" \
        "--preset word2vec on PTB: the loss falls from 6 ln 2 by more than 1" \
        "--preset word2vec on PTB: vectors.txt has the 9859 words seen 5 times or more"; do
        skip "$t" "no PTB (set DLFS2_DATA)"
    done
else
    expect "--fast on PTB, 2000 iterations: exit 0" 0 ptbf train --data-dir "$PTB" --fast \
        --max-iters 2000 --eval-interval 100 --out "$WORK/ptbf"
    check "--fast on PTB: 20 records, 2000 iterations" sh -c "
        [ \$(tail -n +2 '$WORK/ptbf/loss.csv' | wc -l) -eq 20 ] && grep -q '^trained 2000 iterations' '$WORK/ptbf.out'"
    # measured (2 threads, seed 1): 4.13 at the first record, 2.52 at the last
    check "--fast on PTB: the loss falls from about 4.1 by more than 1" awk -F, '
        NR == 2 { first = $4 } NR > 1 { last = $4 }
        END { if (!(first > 3.6 && first < 4.2 && last < first - 1.0)) exit 1 }' "$WORK/ptbf/loss.csv"
    expect "--preset word2vec --epochs 1 on PTB: exit 0" 0 ptbp train --data-dir "$PTB" --preset word2vec \
        --epochs 1 --eval-interval 100 --out "$WORK/ptbp"
    # subsampling and <eos> leave about 650k of the 930k tokens (6481 steps, seed 1)
    check "--preset word2vec on PTB: fewer rows than tokens" awk '
        /^trained [0-9]+ iterations/ { n = $2 } END { if (!(n > 4000 && n < 9000)) exit 1 }' "$WORK/ptbp.out"
    # measured: 4.16 (6 ln 2) at the first record, 2.43 at the last
    check "--preset word2vec on PTB: the loss falls from 6 ln 2 by more than 1" awk -F, '
        NR == 2 { first = $4 } NR > 1 { last = $4 }
        END { if (!(first > 4.1 && first < 4.2 && last < first - 1.0)) exit 1 }' "$WORK/ptbp/loss.csv"
    check "--preset word2vec on PTB: vectors.txt has the 9859 words seen 5 times or more" sh -c "
        [ \"\$(head -n 1 '$WORK/ptbp/vectors.txt')\" = '9859 100' ] && [ \$(wc -l <'$WORK/ptbp/vectors.txt') -eq 9860 ]"
fi

tap_done
exit 0
