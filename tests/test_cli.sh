#!/bin/sh
# test_cli.sh — TAP tests of the dlfs2 program (cli/): exit codes, usage
# errors, training on a tiny corpus (the textbook's "you say goodbye and i
# say hello ."), the output files, eval / similar / analogy (also with
# queries on stdin), the binary and .npy outputs and convert, the benchmarks
# accuracy / wordsim on hand-made files (and on the real questions-words.txt
# and wordsim353.tsv when the data folder or ../shared/datasets/eval has them), and, when the
# real PTB is present, the first iterations of ch04/train.py's run.
#
#     sh tests/test_cli.sh path/to/build/dlfs2
#
# Meson runs it with protocol 'tap'. Failure details are "# " lines.
# Environment: DLFS2_SOURCE_ROOT (set by Meson); DLFS2_DATA (optional) or
# $DLFS2_SOURCE_ROOT/../shared/datasets/ptb holding ptb.train.txt (or
# $DLFS2_DATA/ptb); DLFS2_EVAL (optional), $DLFS2_DATA/eval, $DLFS2_DATA/../eval
# or $DLFS2_SOURCE_ROOT/../shared/datasets/eval holding questions-words.txt and
# wordsim353.tsv.

DLFS2=${1:?usage: sh tests/test_cli.sh PATH/TO/dlfs2}
PLAN=112

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

# --- help and usage errors -------------------------------------------------
for args in "--help" "help" "train --help" "eval --help" "similar --help" "analogy --help" \
        "accuracy --help" "wordsim --help" "convert --help"; do
    # shellcheck disable=SC2086
    run help $args
    if [ "$rc" -eq 0 ] && grep -q '^Usage: dlfs2' "$WORK/help.out"; then
        pass "dlfs2 $args prints usage, exit 0"
    else
        fail "dlfs2 $args prints usage, exit 0"
        echo "# exit $rc, expected 0 and a 'Usage: dlfs2' line on stdout; stderr:"
        show "$WORK/help.err"
    fi
done

expect "no command: exit 2" 2 noargs
expect "unknown command: exit 2" 2 badcmd frobnicate
expect "unknown option: exit 2" 2 badopt train --bogus
expect "--window 0: exit 2" 2 win0 train --window 0
expect "--hidden x: exit 2" 2 hidx train --hidden x
expect "--lr -1: exit 2" 2 lrneg train --lr -1
expect "--model foo: exit 2" 2 badmodel train --model foo
expect "--window without a value: exit 2" 2 noval train --window
expect "analogy with two words: exit 2" 2 ananoword analogy a b --vectors "$WORK/none.txt"

# --- training on a tiny corpus ---------------------------------------------
TINY=$WORK/tiny.txt
tiny_corpus "$TINY"
# Vocabulary: you say goodbye and i hello . <eos>
V=8
H=5
OUT1=$WORK/run1/a/b
OUT2=$WORK/run2
train_tiny() {
    out=$1
    shift
    run "$(basename "$out")" train --corpus "$TINY" --window 1 --hidden $H --batch 3 \
        --epochs 50 --sample-size 2 --out "$out" --seed 1 "$@"
}

train_tiny "$OUT1"
LOG=$WORK/b.out
if [ "$rc" -eq 0 ]; then pass "train on a tiny corpus: exit 0"; else
    fail "train on a tiny corpus: exit 0"
    echo "# exit $rc"
    show "$WORK/b.err"
fi

VEC=$OUT1/vectors.txt
CSV=$OUT1/loss.csv
check "vectors.txt header is '$V $H'" test "$(head -n 1 "$VEC" 2>/dev/null)" = "$V $H"
check "vectors.txt has V + 1 lines" test "$(wc -l 2>/dev/null <"$VEC")" -eq $((V + 1))
check "loss.csv header" test "$(head -n 1 "$CSV" 2>/dev/null)" = "epoch,iter,elapsed_s,loss"

grep '^| epoch' "$LOG" >"$WORK/progress.txt"
lines=$(wc -l <"$WORK/progress.txt")
bad=$(grep -Evc '^\| epoch [0-9]+ \|  iter [0-9]+ / [0-9]+ \| time [0-9]+\[s\] \| loss [0-9]+\.[0-9][0-9]$' \
    "$WORK/progress.txt")
check "progress lines in the textbook's format" test "$lines" -gt 0 -a "$bad" -eq 0
rows=$(($(wc -l 2>/dev/null <"$CSV" || echo 1) - 1))
check "loss.csv has one row per progress line ($lines)" test "$rows" -eq "$lines"

first=$(sed -n 2p "$CSV" 2>/dev/null | cut -d, -f4)
last=$(tail -n 1 "$CSV" 2>/dev/null | cut -d, -f4)
if awk -v a="$first" -v b="$last" 'BEGIN { exit !(a != "" && b != "" && b + 0 < a + 0) }'; then
    pass "loss falls ($first -> $last)"
else
    fail "loss falls ($first -> $last)"
fi

train_tiny "$OUT2"
check "same --seed twice gives identical vectors.txt" cmp -s "$VEC" "$OUT2/vectors.txt"

train_tiny "$WORK/run3" --model skipgram --epochs 2
check "train --model skipgram: exit 0" test "$rc" -eq 0
# --optimizer / --max-grad: the textbook's common/optimizer.py and clip_grads
check "default optimizer is adam with lr 0.001" grep -q ', optimizer adam, lr 0.001,' "$LOG"
train_tiny "$WORK/run-sgd" --optimizer sgd --max-iters 3
if [ "$rc" -eq 0 ] && [ "$(head -n 1 "$WORK/run-sgd/vectors.txt" 2>/dev/null)" = "$V $H" ]; then
    pass "train --optimizer sgd --max-iters 3: exit 0, vectors.txt written"
else
    fail "train --optimizer sgd --max-iters 3: exit 0, vectors.txt written"
    echo "# exit $rc"
    show "$WORK/run-sgd.err"
fi
check "--optimizer sgd: summary names sgd with its default lr 0.01" \
    grep -q ', optimizer sgd, lr 0.01,' "$WORK/run-sgd.out"
check "--optimizer sgd --max-iters 3: 3 iterations" grep -q '^trained 3 iterations' "$WORK/run-sgd.out"
train_tiny "$WORK/run-mom" --lr 0.05 --optimizer momentum --max-grad 0.5 --max-iters 2
check "--lr before --optimizer is kept; --max-grad shown" \
    grep -q ', optimizer momentum, lr 0.05, .*, max grad 0.5' "$WORK/run-mom.out"
expect "--optimizer bogus: exit 2" 2 badopt2 train --optimizer bogus
check "--optimizer bogus: the message names the flag and the value" \
    grep -q "^dlfs2: --optimizer: .*'bogus'" "$WORK/badopt2.err"
expect "--max-grad -1: exit 2" 2 badclip train --max-grad -1
expect "--sample-size too large for the vocabulary: exit 2" 2 bigsample \
    train --corpus "$TINY" --window 1 --sample-size $V --out "$WORK/run4"
expect "--batch larger than the data: exit 2" 2 bigbatch \
    train --corpus "$TINY" --window 1 --batch 1000 --out "$WORK/run5"

# --- similar, analogy, eval ------------------------------------------------
answers() { grep -c '^ [^ ].*: ' "$WORK/$1.out"; }
expect "similar say: exit 0" 0 sim similar say --vectors "$VEC"
check "similar say prints [query] and 5 answers" \
    test "$(sed -n 2p "$WORK/sim.out")" = "[query] say" -a "$(answers sim)" -eq 5
expect "similar with options first, --top 3: exit 0" 0 sim3 similar --vectors "$VEC" --top 3 you
check "similar --top 3 prints 3 answers" test "$(answers sim3)" -eq 3
expect "similar on an unknown word: exit 1" 1 simunk similar nosuchword --vectors "$VEC"
check "unknown word message names the word" grep -q "'nosuchword' is not in the vocabulary" \
    "$WORK/simunk.err"
expect "analogy you i say: exit 0" 0 ana analogy you i say --vectors "$VEC"
check "analogy prints its header and answers" \
    test "$(sed -n 2p "$WORK/ana.out")" = "[analogy] you:i = say:?" -a "$(answers ana)" -ge 1
expect "eval on the tiny vocabulary: exit 0" 0 eval eval --vectors "$VEC"
check "eval prints 'is not found' for PTB words" grep -q '^year is not found$' "$WORK/eval.out"
expect "missing --vectors file: exit 1" 1 novec similar say --vectors "$WORK/none.txt"
printf '3 2\nyou 0.1 0.2\nsay 0.3\n' >"$WORK/bad.txt"
expect "malformed vectors file: exit 1" 1 badvec similar you --vectors "$WORK/bad.txt"

# --- accuracy, wordsim ------------------------------------------------------
# 2-D vectors: paris 0° (length 3), rome 30° (0.5), germany 60°, france 90° (2),
# italy 110°, berlin 150°. On unit vectors paris:france = rome:? points to
# 95.1°: france (b) and rome (c) are excluded, italy (14.9° away) wins.
# rome:paris = germany:? points to 30°, rome itself (a, excluded): france wins.
TOYVEC=$WORK/toy.txt
cat >"$TOYVEC" <<'EOF'
6 2
paris 3 0
france 0 2
rome 0.4330127 0.25
italy -0.34202014 0.93969262
germany 0.5 0.8660254
berlin -0.8660254 0.5
EOF
# semantic: right, wrong, out of vocabulary; syntactic: right, out of vocabulary
printf ': capital-common-countries\nparis france rome italy\nParis France Rome Germany\nparis france rome spain\n: gram1-test\nrome paris germany france\ntokyo japan rome italy\n' \
    >"$WORK/q.txt"
expect "accuracy on a hand-made file: exit 0" 0 acc accuracy --vectors "$TOYVEC" --questions "$WORK/q.txt"
check "accuracy: last line '2/3 covered of 5; semantic 1/2, syntactic 1/1'" test "$(tail -n 1 "$WORK/acc.out")" = \
    "accuracy: 0.6667 (2/3 covered of 5; semantic 0.5000, syntactic 1.0000)"
check "accuracy: a line per section with correct/covered and total" \
    grep -Eq '^gram1-test +1\.0000 +1/1 +2$' "$WORK/acc.out"
# cosines: paris-rome 0.866, paris-germany 0.5, paris-france 0, paris-italy -0.342
# (ranks 4 3 2 1); human 9 7 8 2 (ranks 4 2 3 1): Σd² = 2, rho = 1 - 6*2/(4*15) = 0.8
printf '# a comment\nparis\trome\t9\nparis germany 7\r\nPARIS\tFrance\t8\nparis italy 2\nparis zebra 5\n' \
    >"$WORK/p.txt"
expect "wordsim on a hand-made file: exit 0" 0 ws wordsim --pairs "$WORK/p.txt" --vectors "$TOYVEC"
check "wordsim: last line 'spearman: 0.8000 (4/5 pairs)'" \
    test "$(tail -n 1 "$WORK/ws.out")" = "spearman: 0.8000 (4/5 pairs)"
saved_data=${DLFS2_DATA:-}
DLFS2_DATA=$WORK/no-data
export DLFS2_DATA
expect "accuracy without --questions, none in the data folder: exit 1" 1 accnoq accuracy --vectors "$TOYVEC"
DLFS2_DATA=$saved_data  # empty counts as unset
check "... the message names the path looked at and dlfs2 fetch eval" grep -Fq \
    "no questions-words.txt at $WORK/no-data/eval/questions-words.txt; \`dlfs2 fetch eval\` downloads it" \
    "$WORK/accnoq.err"
expect "wordsim with a stray argument: exit 2" 2 wsarg wordsim --pairs "$WORK/p.txt" extra
expect "accuracy on a missing questions file: exit 1" 1 accmiss accuracy --vectors "$TOYVEC" \
    --questions "$WORK/none.txt"
printf 'paris rome 9\nparis rome\n' >"$WORK/badp.txt"
expect "wordsim on a malformed pairs file: exit 1" 1 wsbad wordsim --vectors "$TOYVEC" --pairs "$WORK/badp.txt"
check "the malformed-line message names file:line" grep -q "badp.txt:2: " "$WORK/wsbad.err"

find_eval
if [ -n "$EVAL" ]; then
    expect "accuracy on questions-words.txt: exit 0" 0 accreal accuracy --vectors "$VEC" \
        --questions "$EVAL/questions-words.txt"
    check "accuracy on questions-words.txt: last line format, 'of 19544'" grep -Eq \
        '^accuracy: [01]\.[0-9]{4} \([0-9]+/[0-9]+ covered of 19544; semantic [01]\.[0-9]{4}, syntactic [01]\.[0-9]{4}\)$' \
        "$WORK/accreal.out"
    expect "wordsim on wordsim353.tsv: exit 0" 0 wsreal wordsim --vectors "$VEC" --pairs "$EVAL/wordsim353.tsv"
    check "wordsim on wordsim353.tsv: last line format, '/353 pairs'" grep -Eq \
        '^spearman: (-?[01]\.[0-9]{4}|nan) \([0-9]+/353 pairs\)$' "$WORK/wsreal.out"
else
    for what in "accuracy on questions-words.txt: exit 0" "accuracy: last line, 'of 19544'" \
            "wordsim on wordsim353.tsv: exit 0" "wordsim: last line, '/353 pairs'"; do
        skip "$what" "no questions-words.txt and wordsim353.tsv (set DLFS2_EVAL)"
    done
fi
# --- the binary format, .npy files, convert ----------------------------------
# hexbytes FILE: the file's bytes as hex, one a line.
hexbytes() { od -An -v -tx1 "$1" | tr -s ' \n' '\n\n' | grep -v '^$'; }
# bin_floats FILE H: the float bytes of a word2vec binary file (word, space,
# 4H bytes, newline per record), one hex byte a line.
bin_floats() {
    hexbytes "$1" | awk -v h="$2" '
        state == 0 { if ($1 == "0a") state = 1; next }
        state == 1 { if ($1 == "20") { state = 2; k = 0 }; next }
        state == 2 { print; if (++k == 4 * h) state = 3; next }
        state == 3 { if ($1 != "0a") exit 1; state = 1 }'
}
# same_floats NPY BIN H: the .npy's data (after its 128-byte header) are BIN's floats, in order.
same_floats() {
    hexbytes "$1" | tail -n +129 >"$WORK/npy.hex"
    bin_floats "$2" "$3" >"$WORK/bin.hex" && cmp -s "$WORK/npy.hex" "$WORK/bin.hex" &&
        test "$(wc -l <"$WORK/npy.hex")" -eq $((V * H * 4))
}

train_tiny "$WORK/run-bin" --format binary --save-npy
check "train --format binary --save-npy: exit 0" test "$rc" -eq 0
BIN=$WORK/run-bin/vectors.bin
check "--format binary writes vectors.bin and no vectors.txt" \
    test -f "$BIN" -a ! -e "$WORK/run-bin/vectors.txt"
check "vectors.bin header is '$V $H'" test "$(head -n 1 "$BIN" 2>/dev/null)" = "$V $H"
# header, then per word: its bytes, a space, 4H bytes of float32, a newline
size=$(awk -v h=$H 'NR == 1 { n = length($0) + 1; next } { n += length($1) + 2 + 4 * h } END { print n }' "$VEC")
check "vectors.bin is V records of word, space, 4H bytes, newline ($size bytes)" \
    test "$(wc -c <"$BIN")" -eq "$size"
expect "similar reads vectors.bin: exit 0" 0 simbin similar say --vectors "$BIN"
check "similar on vectors.bin prints what it prints on vectors.txt (same seed)" \
    cmp -s "$WORK/sim.out" "$WORK/simbin.out"
expect "eval reads vectors.bin: exit 0" 0 evalbin eval --vectors "$BIN"
check "eval on vectors.bin prints what it prints on vectors.txt" cmp -s "$WORK/eval.out" "$WORK/evalbin.out"
NPY_HEADER="{'descr': '<f4', 'fortran_order': False, 'shape': ($V, $H), }"
for m in W_in W_out; do
    check "--save-npy: $m.npy says shape ($V, $H) float32 and holds V*H floats" sh -c '
        head -c 128 "$1" | grep -aqF "$2" && test "$(wc -c <"$1")" -eq $((128 + $3))' \
        - "$WORK/run-bin/$m.npy" "$NPY_HEADER" $((V * H * 4))
done
check "W_in.npy holds the rows of vectors.bin" same_floats "$WORK/run-bin/W_in.npy" "$BIN" $H
check "W_out.npy is not W_in.npy" sh -c '! cmp -s "$1/W_in.npy" "$1/W_out.npy"' - "$WORK/run-bin"
expect "train --format bogus: exit 2" 2 badfmt train --format bogus

expect "convert vectors.txt to .bin: exit 0" 0 conv1 convert "$VEC" "$WORK/conv.bin"
check "convert: the .bin is the one train --format binary wrote" cmp -s "$WORK/conv.bin" "$BIN"
expect "convert the .bin to .txt: exit 0" 0 conv2 convert "$WORK/conv.bin" "$WORK/conv.txt"
check "convert txt -> bin -> txt gives back the identical vectors.txt" cmp -s "$VEC" "$WORK/conv.txt"
expect "convert to an unknown extension without --format: exit 2" 2 conv3 convert "$VEC" "$WORK/conv.vec"
check "... says to pass --format and writes nothing" \
    sh -c 'grep -q "pass --format" "$1" && test ! -e "$2"' - "$WORK/conv3.err" "$WORK/conv.vec"
expect "convert --format binary to any name: exit 0" 0 conv4 convert "$VEC" "$WORK/conv.vec" --format binary
check "convert --format binary writes the binary format" cmp -s "$WORK/conv.vec" "$BIN"
expect "convert --format bogus: exit 2" 2 conv5 convert "$VEC" "$WORK/x.bin" --format bogus
expect "convert a missing file: exit 1" 1 conv6 convert "$WORK/none.txt" "$WORK/x.bin"

# --- queries on stdin ----------------------------------------------------------
printf 'say\nnosuchword\n' | "$DLFS2" similar --vectors "$VEC" >"$WORK/sin.out" 2>"$WORK/sin.err"
rc=$?
check "similar, two queries on stdin, one unknown: exit 1" test "$rc" -eq 1
check "... prints the known word's answers as 'similar say' does" cmp -s "$WORK/sim.out" "$WORK/sin.out"
check "... and one message for the unknown word (no prompt: stdin is no terminal)" sh -c '
    test "$(wc -l <"$1")" -eq 1 && grep -Fxq "$2" "$1"' - "$WORK/sin.err" \
    "dlfs2: 'nosuchword' is not in the vocabulary ($V words in $VEC)"
printf 'you i say\n\n' | "$DLFS2" analogy --vectors "$BIN" >"$WORK/ain.out" 2>"$WORK/ain.err"
rc=$?
check "analogy, one query on stdin (and a blank line): exit 0" test "$rc" -eq 0 -a ! -s "$WORK/ain.err"
check "... prints what 'analogy you i say' does" cmp -s "$WORK/ana.out" "$WORK/ain.out"
printf 'you i\n' | "$DLFS2" analogy --vectors "$VEC" >"$WORK/ain2.out" 2>"$WORK/ain2.err"
rc=$?
check "analogy, a line of two words on stdin: exit 1 naming the line" \
    sh -c 'test "$1" -eq 1 && grep -q "^dlfs2: analogy: line 1: expected 3 words, got 2$" "$2"' - "$rc" \
    "$WORK/ain2.err"

# --- gradcheck ---------------------------------------------------------------
expect "gradcheck all: exit 0" 0 gc gradcheck all --seed 3
# a table row: name, tensor, (shape), max abs err, max rel err, PASS or FAIL
ROW='^[A-Za-z-]+ +[A-Za-z_]+ +\(.*\) +[-+.e0-9]+ +[-+.e0-9]+ +(PASS|FAIL)$'
rows=$(grep -cE "$ROW" "$WORK/gc.out")
check "gradcheck all: a PASS row for each required layer and model" sh -c '
    for name in MatMul Affine Sigmoid Softmax SoftmaxWithLoss SigmoidWithLoss Embedding \
            EmbeddingDot SubwordEmbedding NegativeSamplingLoss HierarchicalSoftmaxLoss SimpleCBOW SimpleSkipGram \
            CBOW SkipGram CBOW-softmax CBOW-hsoftmax SkipGram-softmax SkipGram-hsoftmax; do
        grep -qE "^$name +[A-Za-z_]+ +\(.*PASS$" "$1" || exit 1
    done' - "$WORK/gc.out"
check "gradcheck all: no FAIL row, and the summary counts $rows rows" \
    sh -c '! grep -q "FAIL$" "$1" && grep -q "^all $2 rows PASS$" "$1"' - "$WORK/gc.out" "$rows"
expect "gradcheck embedding (any case): exit 0" 0 gc1 gradcheck embedding
check "gradcheck embedding prints only Embedding rows" \
    test "$(grep -cE "$ROW" "$WORK/gc1.out")" -eq 1 -a \
    "$(grep -cE '^Embedding +W +\(' "$WORK/gc1.out")" -eq 1
expect "gradcheck on an unknown name: exit 2" 2 gcbad gradcheck NoSuchLayer
check "the unknown-name message lists the known names" grep -q "NoSuchLayer.*known:.* CBOW" \
    "$WORK/gcbad.err"

# --- PTB ---------------------------------------------------------------------
EMPTY=$WORK/empty-data
DLFS2_PTB_URL=file:///nonexistent/ "$DLFS2" train --data-dir "$EMPTY" --max-iters 1 \
    --out "$WORK/run6" >"$WORK/noptb.out" 2>"$WORK/noptb.err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "^dlfs2: .*$EMPTY" "$WORK/noptb.err"; then
    pass "PTB missing and download failing: exit 1 naming the data dir"
else
    fail "PTB missing and download failing: exit 1 naming the data dir"
    echo "# exit $rc"
    show "$WORK/noptb.err"
fi

# --plot: the textbook's trainer.plot(), one point per progress line
expect "train --plot loss.png: exit 0" 0 plot train --corpus "$TINY" --window 1 --hidden $H --batch 3 \
    --sample-size 2 --epochs 4 --eval-interval 2 --plot "$WORK/plot/loss.png" --out "$WORK/plot"
check "--plot: a PNG of 640 x 480" sh -c "head -c 8 '$WORK/plot/loss.png' | od -An -c | grep -q 'P   N   G' &&
    [ \"\$(od -An -tu1 -j16 -N8 '$WORK/plot/loss.png' | tr -s ' ')\" = ' 0 0 2 128 0 0 1 224' ]"
check "--plot: the vectors and loss.csv are written too" sh -c "[ -s '$WORK/plot/vectors.txt' ] && [ -s '$WORK/plot/loss.csv' ]"
expect "train --plot loss.svg: exit 0" 0 plotsvg train --corpus "$TINY" --window 1 --hidden $H --batch 3 \
    --sample-size 2 --epochs 4 --eval-interval 2 --plot "$WORK/plot/loss.svg" --out "$WORK/plotsvg"
check "--plot svg: the axes are the textbook's" sh -c "grep -q 'iterations (x2)' '$WORK/plot/loss.svg' &&
    grep -q '>loss<' '$WORK/plot/loss.svg'"
expect "train --plot loss.jpg: exit 2" 2 plotjpg train --corpus "$TINY" --plot "$WORK/plot/loss.jpg" --out "$WORK/plotjpg"
check "--plot with another extension: nothing trained" sh -c "[ ! -e '$WORK/plotjpg' ] &&
    grep -q '^dlfs2: --plot: expected a file name ending in .png or .svg' '$WORK/plotjpg.err'"
export DLFS2_GNUPLOT=/nonexistent/gnuplot
expect "train --plot without gnuplot: exit 1" 1 plotnognu train --corpus "$TINY" --window 1 --hidden $H \
    --batch 3 --sample-size 2 --plot "$WORK/nognu/loss.png" --out "$WORK/nognu"
unset DLFS2_GNUPLOT
check "--plot without gnuplot: the vectors are still written" test -s "$WORK/nognu/vectors.txt"

find_ptb
if [ -z "$PTB" ]; then
    skip "train on PTB, 40 iterations" "no PTB (set DLFS2_DATA)"
    skip "PTB progress shows iter 1 / 9295" "no PTB"
else
    expect "train on PTB, 40 iterations: exit 0" 0 ptb \
        train --max-iters 40 --eval-interval 20 --data-dir "$PTB" --out "$WORK/run7"
    check "PTB progress shows iter 1 / 9295" grep -q 'iter 1 / 9295 ' "$WORK/ptb.out"
fi

tap_done
exit 0
