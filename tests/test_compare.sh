#!/bin/sh
# test_compare.sh — TAP tests of the three output losses on the command line:
# `dlfs2 train --loss softmax|hsoftmax` on a tiny corpus (the header line,
# the shape of W_out.npy) and `dlfs2 compare` (usage errors; on a tiny
# corpus: the table, compare.csv, loss_curves.csv and the plot as PNG and
# SVG; on the real PTB when present: the softmax's first loss ln 10000).
#
#     sh tests/test_compare.sh path/to/build/dlfs2
#
# Environment as tests/test_cli.sh (DLFS2_SOURCE_ROOT, DLFS2_DATA).

DLFS2=${1:?usage: sh tests/test_compare.sh PATH/TO/dlfs2}
PLAN=35

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

TINY=$WORK/tiny.txt
tiny_corpus "$TINY"
# Vocabulary: you say goodbye and i hello . <eos>
V=8
H=5

# npy_shape FILE: the shape tuple of a .npy header, e.g. "(5, 8)".
npy_shape() {
    head -c 128 "$1" | tr -d '\000' | LC_ALL=C sed -n "s/.*'shape': \(([0-9, ]*)\).*/\1/p"
}

# --- train --loss -------------------------------------------------------------
expect "train --loss bogus: exit 2" 2 badloss train --corpus "$TINY" --loss bogus
check "train --loss bogus: the message lists the losses" \
    grep -q "expected negsamp, softmax or hsoftmax, got 'bogus'" "$WORK/badloss.err"
for loss in softmax hsoftmax; do
    expect "train --loss $loss on a tiny corpus: exit 0" 0 "tr-$loss" train --corpus "$TINY" \
        --loss $loss --window 1 --hidden $H --batch 3 --epochs 30 --out "$WORK/tr-$loss" --save-npy
    check "train --loss $loss: the header names the loss" \
        grep -q "^model: CBOW, loss $loss, window 1" "$WORK/tr-$loss.out"
done
check "softmax W_out.npy is (H, V) = ($H, $V)" test "$(npy_shape "$WORK/tr-softmax/W_out.npy")" = "($H, $V)"
check "hsoftmax W_out.npy is (V - 1, H) = ($((V - 1)), $H)" \
    test "$(npy_shape "$WORK/tr-hsoftmax/W_out.npy")" = "($((V - 1)), $H)"
check "negative-sampling options are not printed for softmax" \
    sh -c "! grep -q 'sample size' '$WORK/tr-softmax.out'"

# --- compare: usage ----------------------------------------------------------
run help compare --help
check "compare --help: usage, exit 0" sh -c "[ $rc -eq 0 ] && grep -q '^Usage: dlfs2 compare' '$WORK/help.out'"
expect "compare --epochs with --max-iters: exit 2" 2 both compare --corpus "$TINY" --epochs 1 --max-iters 5
expect "compare --max-iters 0: exit 2" 2 zero compare --corpus "$TINY" --max-iters 0
expect "compare --plot-format gif: exit 2" 2 gif compare --corpus "$TINY" --plot-format gif
expect "compare with a missing --questions file: exit 1" 1 noq compare --corpus "$TINY" \
    --questions "$WORK/none.txt" --out "$WORK/noq"
check "a missing --questions file is found before training" \
    sh -c "! grep -q 'training' '$WORK/noq.out' && [ ! -e '$WORK/noq' ]"

# --- compare on the tiny corpus ----------------------------------------------
printf ': family\nyou i say say\n: gram-test\ngoodbye hello you i\n' >"$WORK/q.txt"
printf 'you i 9\nsay hello 3\ngoodbye hello 6\nand . 1\n' >"$WORK/p.txt"
OUT=$WORK/cmp
expect "compare on a tiny corpus: exit 0" 0 cmp compare --corpus "$TINY" --window 1 --hidden $H \
    --batch 3 --sample-size 2 --max-iters 116 --eval-interval 4 --lr 0.05 --questions "$WORK/q.txt" \
    --pairs "$WORK/p.txt" --out "$OUT"
CSV=$OUT/compare.csv
check "compare.csv has the header" test "$(head -n 1 "$CSV")" = \
    "loss,final_loss,ms_per_iter,s_per_epoch,words_per_s,param_mib,analogy,wordsim"
check "compare.csv has the rows softmax, negsamp, hsoftmax in order" \
    test "$(tail -n +2 "$CSV" | cut -d, -f1 | tr '\n' ' ')" = "softmax negsamp hsoftmax "
# every field numeric; param_mib = 2 V H floats for softmax and negsamp, (2V - 1) H for hsoftmax
check "compare.csv: every field a number" awk -F, 'NR > 1 {
        if (NF != 8) exit 1
        for (i = 2; i <= 8; i++) if ($i !~ /^-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$/) exit 1
        if ($3 <= 0 || $4 <= 0 || $5 <= 0) exit 1
    }' "$CSV"
check "compare.csv: param_mib is the size of W_in and W_out" awk -F, -v V=$V -v H=$H 'NR > 1 {
        rows = ($1 == "hsoftmax") ? 2 * V - 1 : 2 * V
        want = rows * H * 4 / 1048576
        if ($6 - want > 1e-4 || want - $6 > 1e-4) exit 1
    }' "$CSV"
check "compare.csv: analogy in [0, 1], wordsim in [-1, 1]" awk -F, 'NR > 1 {
        if ($7 < 0 || $7 > 1 || $8 < -1 || $8 > 1) exit 1 }' "$CSV"
# 29 iterations per epoch (88 pairs, batch 3): 116 iterations are 4 whole epochs,
# a record at every epoch's iterations 1, 5, ..., 29
CURVES=$OUT/loss_curves.csv
check "loss_curves.csv has the header" test "$(head -n 1 "$CURVES")" = "iteration,softmax,negsamp,hsoftmax"
check "loss_curves.csv: 32 records at iterations 1, 5, ..., 29, 30, 34, ..., 116" \
    test "$(tail -n +2 "$CURVES" | cut -d, -f1 | sed -n '1p;8p;9p;$p' | tr '\n' ' ')$(($(wc -l <"$CURVES") - 1))" = "1 29 30 116 32"
# softmax starts at ln V = 2.079 (negsamp at (S + 1) ln 2 = 2.079 too); each ends below half its start
check "loss_curves.csv: softmax starts at ln V and every curve falls" awk -F, 'NR == 2 {
        if ($2 < 2.0 || $2 > 2.16) exit 1
        for (i = 2; i <= 4; i++) first[i] = $i
    } NR > 29 { for (i = 2; i <= 4; i++) last[i] += $i / 4 }
    END { for (i = 2; i <= 4; i++) if (!(last[i] < 0.5 * first[i])) exit 1 }' "$CURVES"
check "the final_loss column is each curve's last value" awk -F, '
    FILENAME ~ /compare/ && FNR > 1 { final[$1] = $2 }
    FILENAME ~ /curves/ && FNR > 1 { s = $2; n = $3; h = $4 }
    END { if ((final["softmax"] - s)^2 > 1e-10 || (final["negsamp"] - n)^2 > 1e-10 ||
              (final["hsoftmax"] - h)^2 > 1e-10) exit 1 }' "$CSV" "$CURVES"
check "the table prints a row per loss and the note" sh -c "
    grep -Eq '^softmax +[0-9.]+ ' '$WORK/cmp.out' && grep -Eq '^negsamp +[0-9.]+ ' '$WORK/cmp.out' &&
    grep -Eq '^hsoftmax +[0-9.]+ ' '$WORK/cmp.out' && grep -q '^Note: final_loss is not comparable' '$WORK/cmp.out'"
check "whole epochs: s/epoch is measured, not marked '*'" sh -c "! grep -q '^\* extrapolated' '$WORK/cmp.out'"
PNG=$OUT/loss_curves.png
check "loss_curves.png is a PNG" sh -c "head -c 8 '$PNG' | od -An -c | grep -q 'P   N   G'"
# IHDR: width and height, big-endian, at bytes 16..23
check "loss_curves.png is 800 x 500" test "$(od -An -tu1 -j16 -N8 "$PNG" | tr -s ' ')" = " 0 0 3 32 0 0 1 244"

expect "compare --plot-format svg: exit 0" 0 cmpsvg compare --corpus "$TINY" --window 1 --hidden $H \
    --batch 3 --sample-size 2 --max-iters 7 --eval-interval 1 --plot-format svg --out "$WORK/cmpsvg" \
    --data-dir "$WORK/no-data"
SVG=$WORK/cmpsvg/loss_curves.svg
check "loss_curves.svg names the axes and the three losses" sh -c "
    grep -q 'iteration' '$SVG' && grep -q 'loss (each its own objective)' '$SVG' &&
    grep -q 'softmax' '$SVG' && grep -q 'negsamp' '$SVG' && grep -q 'hsoftmax' '$SVG'"
check "7 iterations (a quarter epoch): s/epoch extrapolated and marked" \
    grep -q '^\* extrapolated: ms/iter x 29 iterations per epoch' "$WORK/cmpsvg.out"
check "without --questions and --pairs, and none in the data folder, the quality fields are empty" \
    test "$(sed -n 2p "$WORK/cmpsvg/compare.csv" | cut -d, -f7-)" = ","

# --- compare on PTB -------------------------------------------------------------
find_ptb
if [ -z "$PTB" ]; then
    skip "compare on PTB, 21 iterations" "no PTB (set DLFS2_DATA)"
    skip "PTB: softmax starts at ln 10000 = 9.21, negsamp at 6 ln 2 = 4.16" "no PTB"
else
    expect "compare on PTB, 21 iterations: exit 0" 0 cmpptb compare --data-dir "$PTB" \
        --max-iters 21 --eval-interval 20 --out "$WORK/cmpptb"
    check "PTB: softmax starts at ln 10000 = 9.21, negsamp at 6 ln 2 = 4.16" awk -F, 'NR == 2 {
            if ($2 < 9.20 || $2 > 9.22 || $3 < 4.15 || $3 > 4.17) exit 1 }' "$WORK/cmpptb/loss_curves.csv"
fi

tap_done
exit 0
