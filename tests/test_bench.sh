#!/bin/sh
# test_bench.sh — TAP tests of `dlfs2 bench`: usage and usage errors, a
# missing PTB, and on the real PTB when present a short run (3 iterations):
# a row per model, and the breakdown of each row adding up to its total.
# Nothing here looks at how fast anything is.
#
#     sh tests/test_bench.sh path/to/build/dlfs2
#
# Environment as tests/test_cli.sh (DLFS2_SOURCE_ROOT, DLFS2_DATA).

DLFS2=${1:?usage: sh tests/test_bench.sh PATH/TO/dlfs2}
PLAN=11

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

# --- usage -------------------------------------------------------------------
run help bench --help
check "bench --help: usage, exit 0" sh -c "[ $rc -eq 0 ] && grep -q '^Usage: dlfs2 bench' '$WORK/help.out'"
expect "bench --iters 0: exit 2" 2 iters0 bench --iters 0
expect "bench --threads 0: exit 2" 2 threads0 bench --threads 0
expect "bench with an extra argument: exit 2" 2 extra bench cbow
EMPTY=$WORK/empty-data
DLFS2_PTB_URL=file:///nonexistent/ "$DLFS2" bench --data-dir "$EMPTY" --no-gensim \
    >"$WORK/noptb.out" 2>"$WORK/noptb.err"
rc=$?
check "PTB missing and download failing: exit 1 naming the data dir" \
    sh -c "[ $rc -eq 1 ] && grep -q '^dlfs2: .*$EMPTY' '$WORK/noptb.err'"

# --- a short run on PTB ------------------------------------------------------
find_ptb
if [ -z "$PTB" ]; then
    for t in "bench on PTB, 3 iterations: exit 0" "a row per model, mode textbook" \
        "every row: 9 numbers after model, loss, mode" \
        "every row: sampler + forward + backward + optimizer + other = ms/iter" \
        "every row: s/epoch = ms/iter x 9295 / 1000" "the references and the gensim line are printed"; do
        skip "$t" "no PTB (set DLFS2_DATA)"
    done
else
    OUT=$WORK/bench.out
    expect "bench on PTB, 3 iterations: exit 0" 0 bench bench --data-dir "$PTB" --iters 3 \
        --warmup 1 --no-gensim
    check "a row per model, mode textbook" sh -c "
        grep -Eq '^CBOW +negsamp +textbook ' '$OUT' && grep -Eq '^SkipGram +negsamp +textbook ' '$OUT' &&
        grep -Eq '^CBOW +softmax +textbook ' '$OUT' && [ \$(grep -Ec ' textbook ' '$OUT') -eq 3 ]"
    # model loss mode ms/iter sampler forward backward optimizer other s/epoch* words/s peak_MiB
    check "every row: 9 numbers after model, loss, mode" awk '$3 == "textbook" {
            rows++
            if (NF != 12) exit 1
            for (i = 4; i <= 12; i++) {
                x = (i == 10) ? substr($i, 1, length($i) - 1) : $i
                if (x !~ /^[0-9]+(\.[0-9]+)?$/) exit 1
            }
            if ($10 !~ /\*$/ || $4 <= 0 || $11 <= 0 || $12 <= 0) exit 1
        } END { if (rows != 3) exit 1 }' "$OUT"
    # each of the 6 printed values is rounded to 0.001 ms: 6 half-units at most
    check "every row: sampler + forward + backward + optimizer + other = ms/iter" awk '
        $3 == "textbook" {
            rows++
            d = $5 + $6 + $7 + $8 + $9 - $4
            if (d > 0.0031 || d < -0.0031) { print "# " $1 " " $2 ": off by " d; exit 1 }
        } END { if (rows != 3) exit 1 }' "$OUT"
    # s/epoch (0.1 s) from ms/iter (0.001 ms) x 9295 iterations per epoch
    check "every row: s/epoch = ms/iter x 9295 / 1000" awk '$3 == "textbook" {
            rows++
            d = substr($10, 1, length($10) - 1) - $4 * 9295 / 1000
            if (d > 0.056 || d < -0.056) exit 1
        } END { if (rows != 3) exit 1 }' "$OUT"
    check "the references and the gensim line are printed" sh -c "
        grep -Eq '^memory bandwidth: [0-9.]+ GB/s' '$OUT' &&
        [ \$(grep -Ec '^  (CBOW|SkipGram) +(negsamp|softmax) +28 B x 2000000 / ' '$OUT') -eq 3 ] &&
        grep -Eq '^sgemm throughput: [0-9.]+ GFLOP/s' '$OUT' &&
        grep -Eq '^  CBOW softmax: 3 x 2 x 100 x 100 x 10000 / ' '$OUT' &&
        grep -q '^gensim: skipped (--no-gensim)' '$OUT'"
fi

tap_done
exit 0
