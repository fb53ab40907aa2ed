#!/bin/sh
# test_checkpoint.sh — TAP tests of `dlfs2 train --checkpoint-every N`,
# `--resume DIR` and stopping on a signal, on a small corpus with one thread:
# a run cut short and resumed gives the same bytes as one run (also after
# SIGINT and after SIGKILL between checkpoints); --fast, which keeps no
# checkpoint, stopped by SIGINT or SIGTERM writes the vectors it has trained
# and its loss.csv; a diverging run stops with
# a message and keeps its last good checkpoint and the loss.csv and vectors
# of an earlier run; damaged checkpoints and
# wrong option mixes are refused with a message and a non-zero exit.
#
#     sh tests/test_checkpoint.sh path/to/dlfs2
#
# Meson runs it with protocol 'tap'. Failure details are "# " lines.

DLFS2=${1:?usage: sh tests/test_checkpoint.sh PATH/TO/dlfs2}
DLFS2=$(cd "$(dirname "$DLFS2")" && pwd)/$(basename "$DLFS2")   # one test runs it from /
PLAN=30

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

# 13 words, 30 lines: 450 tokens, 446 rows, 111 iterations per epoch at batch 4
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
    echo "you say goodbye and i say hello . the cat sat on the mat"
done >"$WORK/corpus.txt"
ARGS="--corpus $WORK/corpus.txt --window 2 --hidden 8 --batch 4 --sample-size 2 --eval-interval 10 --threads 1"

# --- N straight vs N/2 + resume + N/2 -------------------------------------------
# shellcheck disable=SC2086
expect "straight run of 4 epochs: exit 0" 0 straight train $ARGS --epochs 4 --out "$WORK/straight"
# shellcheck disable=SC2086
expect "the same run cut at 250 iterations, checkpoint every 50: exit 0" 0 cut train $ARGS --epochs 4 \
    --max-iters 250 --checkpoint-every 50 --out "$WORK/resumed"
check "the cut run wrote checkpoint.bin" test -s "$WORK/resumed/checkpoint.bin"
expect "--resume with --max-iters 0 (no limit) and 2 threads: exit 0" 0 resume train --resume "$WORK/resumed" \
    --max-iters 0 --threads 2
check "it says where it resumed" grep -q "^resumed from .*checkpoint.bin: epoch 3, 28 iterations into it, 250 iterations in all$" \
    "$WORK/resume.out"
check "resumed vectors are byte-identical to the straight run's" \
    cmp -s "$WORK/straight/vectors.txt" "$WORK/resumed/vectors.txt"
check "resumed loss.csv has the same records (times aside)" sh -c "
    cut -d, -f1,2,4 '$WORK/straight/loss.csv' >'$WORK/a.csv' && cut -d, -f1,2,4 '$WORK/resumed/loss.csv' >'$WORK/b.csv' &&
    cmp -s '$WORK/a.csv' '$WORK/b.csv'"
check "resume from another folder works (absolute paths saved)" sh -c "
    cd / && '$DLFS2' train --resume '$WORK/resumed' --max-iters 0 >/dev/null 2>&1"

# wait_for FILE: until FILE exists and is not empty (at most 30 s)
wait_for() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
}

# --- SIGINT: finish the iteration, write a checkpoint, exit 130 -------------------
# a longer run (333,000 iterations, a second or more); its first checkpoint says it is under way
LONG="--hidden 32 --epochs 3000 --eval-interval 0 --checkpoint-every 2000"
# shellcheck disable=SC2086
"$DLFS2" train $ARGS $LONG --out "$WORK/long" >/dev/null 2>&1
# shellcheck disable=SC2086
"$DLFS2" train $ARGS $LONG --out "$WORK/int" >"$WORK/int.out" 2>"$WORK/int.err" &
pid=$!
wait_for "$WORK/int/checkpoint.bin"
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT: exit 130" test "$rc" -eq 130
check "SIGINT: one message naming the signal and how to resume" \
    grep -q "^dlfs2: stopped by SIGINT after epoch [0-9]*, iteration [0-9]* ([0-9]* in all); wrote .*checkpoint.bin; continue with: dlfs2 train --resume " \
    "$WORK/int.err"
check "SIGINT: no vectors written for the unfinished run" test ! -e "$WORK/int/vectors.txt"
check "SIGINT: loss.csv is in place (its rows match the checkpoint), no loss.csv.tmp left" sh -c "
    [ \"\$(head -n 1 '$WORK/int/loss.csv')\" = epoch,iter,elapsed_s,loss ] && [ ! -e '$WORK/int/loss.csv.tmp' ]"
run int_resume train --resume "$WORK/int"
check "SIGINT: resumed, it finishes with the vectors of an uninterrupted run" \
    sh -c "[ $rc -eq 0 ] && cmp -s '$WORK/long/vectors.txt' '$WORK/int/vectors.txt'"

# --- --fast stopped by a signal: no checkpoint, the vectors trained so far ------------
# fast_stop NAME SIGNAL: a long --fast run (its progress lines say it is under way), then SIGNAL
fast_stop() {
    # shellcheck disable=SC2086
    "$DLFS2" train $ARGS --fast --epochs 100000 --eval-interval 1 --out "$WORK/$1" >"$WORK/$1.out" 2>"$WORK/$1.err" &
    pid=$!
    i=0
    while ! grep -q '^| epoch' "$WORK/$1.out" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    kill "-$2" "$pid"
    wait "$pid"
    rc=$?
}
fast_stop fastint INT
check "--fast, SIGINT: exit 130" test "$rc" -eq 130
check "--fast, SIGINT: one message naming the signal and saying no checkpoint is kept" \
    grep -q "^dlfs2: stopped by SIGINT in epoch [0-9]* after [0-9]* iterations in all; --fast keeps no checkpoint, so the vectors trained so far are written$" \
    "$WORK/fastint.err"
check "--fast, SIGINT: vectors.txt written, as many words and columns as a finished run's" sh -c "
    [ \"\$(head -n 1 '$WORK/fastint/vectors.txt')\" = \"\$(head -n 1 '$WORK/straight/vectors.txt')\" ] &&
    [ \$(wc -l <'$WORK/fastint/vectors.txt') -eq \$(wc -l <'$WORK/straight/vectors.txt') ] &&
    [ ! -e '$WORK/fastint/checkpoint.bin' ]"
check "--fast, SIGINT: loss.csv is in place with the rows printed, no loss.csv.tmp left" sh -c "
    [ \"\$(head -n 1 '$WORK/fastint/loss.csv')\" = epoch,iter,elapsed_s,loss ] &&
    [ \$(grep -c '^| epoch' '$WORK/fastint.out') -eq \$((\$(wc -l <'$WORK/fastint/loss.csv') - 1)) ] &&
    [ ! -e '$WORK/fastint/loss.csv.tmp' ]"
fast_stop fastterm TERM
check "--fast, SIGTERM: exit 143, vectors.txt and loss.csv written" sh -c "
    [ $rc -eq 143 ] && grep -q '^dlfs2: stopped by SIGTERM in epoch ' '$WORK/fastterm.err' &&
    [ -s '$WORK/fastterm/vectors.txt' ] && [ -s '$WORK/fastterm/loss.csv' ] && [ ! -e '$WORK/fastterm/loss.csv.tmp' ]"

# --- SIGKILL between checkpoints: resume from the last one -------------------------
# shellcheck disable=SC2086
"$DLFS2" train $ARGS $LONG --out "$WORK/kill" >/dev/null 2>&1 &
pid=$!
wait_for "$WORK/kill/checkpoint.bin"
sleep 0.1
kill -KILL "$pid"
wait "$pid"
rc=$?
check "SIGKILL: the run died (exit 137) after writing a checkpoint" \
    sh -c "[ $rc -eq 137 ] && [ -s '$WORK/kill/checkpoint.bin' ] && [ ! -e '$WORK/kill/vectors.txt' ]"
run kill_resume train --resume "$WORK/kill"
check "SIGKILL: resumed from the last checkpoint, the vectors equal an uninterrupted run's" \
    sh -c "[ $rc -eq 0 ] && cmp -s '$WORK/long/vectors.txt' '$WORK/kill/vectors.txt'"

# --- divergence ---------------------------------------------------------------
mkdir -p "$WORK/nan"
printf 'earlier\n' >"$WORK/nan/loss.csv"
printf 'earlier\n' >"$WORK/nan/vectors.txt"
# shellcheck disable=SC2086
expect "SGD at lr 1e6 diverges: exit 1" 1 nan train $ARGS --optimizer sgd --lr 1000000 --checkpoint-every 2 \
    --out "$WORK/nan"
check "divergence: the message names the epoch and iteration" \
    grep -q "^dlfs2: training failed: .* at epoch 1, iteration [0-9]*.*training diverged" "$WORK/nan.err"
check "divergence: the earlier loss.csv and vectors.txt are untouched, no loss.csv.tmp left" sh -c "
    [ \"\$(cat '$WORK/nan/loss.csv')\" = earlier ] && [ \"\$(cat '$WORK/nan/vectors.txt')\" = earlier ] &&
    [ ! -e '$WORK/nan/loss.csv.tmp' ]"
check "divergence: the last good checkpoint is kept and still loads" sh -c "
    grep -q 'the last good checkpoint is kept' '$WORK/nan.err' &&
    it=\$('$DLFS2' train --resume '$WORK/nan' --max-iters 1 2>&1 | sed -n 's/.* \\([0-9]*\\) iterations in all\$/\\1/p') &&
    [ -n \"\$it\" ] && [ \"\$it\" -ge 2 ]"

# --- damaged checkpoints and wrong mixes ------------------------------------------
mkdir -p "$WORK/bad"
cp "$WORK/resumed/checkpoint.bin" "$WORK/bad/checkpoint.bin"
printf 'X' | dd of="$WORK/bad/checkpoint.bin" bs=1 seek=5000 conv=notrunc 2>/dev/null
expect "a flipped byte: exit 1" 1 bad1 train --resume "$WORK/bad"
check "a flipped byte: 'checksum mismatch', naming the file" \
    grep -q "^dlfs2: cannot resume: .*checkpoint.bin: checkpoint checksum mismatch" "$WORK/bad1.err"
head -c 3000 "$WORK/resumed/checkpoint.bin" >"$WORK/bad/checkpoint.bin"
expect "a truncated checkpoint: exit 1 ('truncated')" 1 bad2 train --resume "$WORK/bad"
grep -q "truncated" "$WORK/bad2.err" || echo "# no 'truncated' in: $(cat "$WORK/bad2.err")"
expect "no checkpoint in the folder: exit 1" 1 bad3 train --resume "$WORK/nothing-here"
expect "--resume with a run option (--hidden): exit 2" 2 mix1 train --resume "$WORK/resumed" --hidden 4
expect "--checkpoint-every with --fast: exit 2" 2 mix2 train --fast --checkpoint-every 10 --out "$WORK/x"

tap_done
