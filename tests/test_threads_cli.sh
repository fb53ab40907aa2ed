#!/bin/sh
# test_threads_cli.sh — TAP tests of how the programs pick and use threads
# (common/threads.h, common/passive_wait.c):
#   - the dlfs2 program and every lab make OpenMP wait passively unless the
#     user set OMP_WAIT_POLICY (OpenMP's own OMP_DISPLAY_ENV report says so);
#   - every lab takes --threads N and --data-dir DIR (its usage line lists
#     them; bad values are usage errors);
#   - dlfs2 train's thread count: the affinity mask (taskset), $OMP_NUM_THREADS
#     and --threads; tuned only when none was given; the same vectors for any
#     count in textbook mode;
#   - dlfs2 bench --contention: its usage errors, and on PTB one short round
#     whose ratios follow from its times.
#
#     sh tests/test_threads_cli.sh DLFS2 [LAB_NAME LAB_PROGRAM ...]
DLFS2=${1:?usage: sh tests/test_threads_cli.sh DLFS2 [LAB_NAME LAB_PROGRAM ...]}
shift
PLAN=$((13 + $# / 2 * 4))
. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"
# the test environment sets it (tests/meson.build); these tests need it unset
unset OMP_WAIT_POLICY OMP_NUM_THREADS

# wait_policy PROGRAM [ENV...]: the wait policy and the spin count libgomp reports for
# PROGRAM --help, as "POLICY SPINS". Its report says PASSIVE also when the variable is
# unset; the spin count tells them apart: 0 when passive, 300000 when unset (libgomp's
# default: idle threads spin about 3 ms before they sleep), 30000000000 when active.
wait_policy() {
    prog=$1
    shift
    env "$@" OMP_DISPLAY_ENV=verbose "$prog" --help 2>&1 >/dev/null |
        sed -n -e "s/^ *OMP_WAIT_POLICY = '\([A-Z]*\)'.*/\1/p" -e "s/^ *GOMP_SPINCOUNT = '\([0-9]*\)'.*/\1/p" |
        tr '\n' ' ' | sed 's/ $//'
}

check "dlfs2: OpenMP waits passively (libgomp's spin count 0)" test "$(wait_policy "$DLFS2")" = "PASSIVE 0"
check "dlfs2: OMP_WAIT_POLICY=active is left as the user set it" \
    test "$(wait_policy "$DLFS2" OMP_WAIT_POLICY=active)" = "ACTIVE 30000000000"

while [ $# -ge 2 ]; do
    name=$1 lab=$2
    shift 2
    check "$name: OpenMP waits passively (libgomp's spin count 0)" test "$(wait_policy "$lab")" = "PASSIVE 0"
    "$lab" --help >"$WORK/$name.help" 2>&1
    check "$name --help: lists [--threads N] [--data-dir DIR]" \
        grep -q -- '\[--threads N\] \[--data-dir DIR\]' "$WORK/$name.help"
    "$lab" --threads 0 >/dev/null 2>"$WORK/$name.err"
    rc=$?
    check "$name --threads 0: usage error (exit 2) naming --threads" \
        sh -c "[ $rc -eq 2 ] && grep -q -- '--threads' '$WORK/$name.err'"
    "$lab" --data-dir >/dev/null 2>"$WORK/$name.err"
    rc=$?
    check "$name --data-dir without a folder: usage error (exit 2)" test "$rc" -eq 2
done

# --- dlfs2 train's count ------------------------------------------------------
tiny_corpus "$WORK/tiny.txt"
ARGS="--corpus $WORK/tiny.txt --window 1 --hidden 4 --batch 4 --sample-size 2 --epochs 2 --eval-interval 0"
header() { sed -n 's/.*, threads \([0-9][0-9]*\)\( (fewer while other programs keep the cores busy)\)\{0,1\}.*/\1\2/p' "$WORK/$1.out"; }
CPUS=$(nproc)

expect "train, default threads: exit 0" 0 def train $ARGS --out "$WORK/def"
if [ "$CPUS" -gt 1 ]; then
    check "train, default: threads = nproc ($CPUS), tuned" \
        test "$(header def)" = "$CPUS (fewer while other programs keep the cores busy)"
else
    check "train, default on one CPU: threads 1, nothing to tune" test "$(header def)" = "1"
fi
if command -v taskset >/dev/null 2>&1; then
    taskset -c 0 "$DLFS2" train $ARGS --out "$WORK/pin" >"$WORK/pin.out" 2>&1
    check "train under taskset -c 0: threads 1" test "$(header pin)" = "1"
else
    skip "train under taskset -c 0: threads 1" "no taskset"
fi
OMP_NUM_THREADS=3 "$DLFS2" train $ARGS --out "$WORK/omp" >"$WORK/omp.out" 2>&1
check "train with OMP_NUM_THREADS=3: threads 3, not tuned" test "$(header omp)" = "3"
expect "train --threads 2: exit 0" 0 two train $ARGS --threads 2 --out "$WORK/two"
check "train --threads 2: threads 2, not tuned" test "$(header two)" = "2"
expect "train --threads 1: exit 0" 0 one train $ARGS --threads 1 --out "$WORK/one"
check "textbook mode: the same vectors on 1, 2 and the default threads" \
    sh -c "cmp -s '$WORK/one/vectors.txt' '$WORK/two/vectors.txt' && cmp -s '$WORK/one/vectors.txt' '$WORK/def/vectors.txt'"

# --- bench --contention -----------------------------------------------------------
expect "bench --contention --rounds 0: exit 2" 2 r0 bench --contention --rounds 0
find_ptb
if [ -n "$PTB" ]; then
    expect "bench --contention --iters 3 --rounds 1: exit 0" 0 cont \
        bench --contention --iters 3 --rounds 1 --data-dir "$PTB"
    # "idle:      default 0.612 s, --threads 1 0.601 s, ratio 1.02x" and "contended: ...":
    # each ratio is the round's default / --threads 1 (one round: its median)
    check "bench --contention: idle and contended lines, ratio = default / --threads 1" \
        awk '/^(idle|contended): / { n++; d = $3; o = $7; r = $10; sub(/x$/, "", r)
                 if (o <= 0 || (d / o - r) > 0.011 + 0.01 * r || (r - d / o) > 0.011 + 0.01 * r) bad = 1 }
             END { exit !(n == 2 && !bad) }' "$WORK/cont.out"
else
    skip "bench --contention --iters 3 --rounds 1: exit 0" "PTB not found"
    skip "bench --contention: idle and contended lines, ratio = default / --threads 1" "PTB not found"
fi
tap_done
