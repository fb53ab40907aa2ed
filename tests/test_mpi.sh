#!/bin/sh
# test_mpi.sh — TAP tests of `mpirun -np P dlfs2 train --preset word2vec`
# (issue 20: distributed/mpi_sync.h, cli/train_mpi.h): two ranks write one
# set of vectors; --sync-words runs repeat byte for byte; ranks with
# different vocabularies, textbook mode, plain --fast, --max-iters and a .gz
# corpus are refused; a rank killed mid-run ends the job; --sync-partial
# runs; and the averaging itself (tests/test_mpi_sync.c under mpirun -np 2).
# The mpirun tests are skipped ("# SKIP no MPI") when the build has no MPI
# or mpirun is not on PATH; a build without MPI is checked to refuse a launch
# of 2 processes (OMPI_COMM_WORLD_SIZE=2).
#
#     sh tests/test_mpi.sh path/to/build/dlfs2 mpi=yes|no [path/to/test_mpi_sync]
#
# Environment as tests/test_cli.sh (DLFS2_SOURCE_ROOT). Every mpirun is
# bounded by timeout(1); as root, mpirun gets --allow-run-as-root.

DLFS2=${1:?usage: sh tests/test_mpi.sh PATH/TO/dlfs2 mpi=yes|no [PATH/TO/test_mpi_sync]}
MPI_BUILT=${2:-mpi=no}
SYNC_TEST=${3:-}
PLAN=34

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

TINY=$WORK/tiny.txt
tiny_corpus "$TINY"

# --- without mpirun: the sync flags need the preset --------------------------------------
expect "--sync-every without --preset word2vec: exit 2" 2 u-every train --corpus "$TINY" --sync-every 1 \
    --out "$WORK/u"
check "--sync-every without the preset: the message names the preset" \
    grep -q '^dlfs2: --sync-every, --sync-words and --sync-partial apply to mpirun runs of --preset word2vec' \
    "$WORK/u-every.err"

# --- a build without MPI refuses a launch of more than one process ----------------------
# (what mpirun -np 2 sets; in a build with MPI this would make dlfs2 join a job)
if [ "$MPI_BUILT" = mpi=no ]; then
    OMPI_COMM_WORLD_SIZE=2 "$DLFS2" train --corpus "$TINY" --preset word2vec --out "$WORK/nompi" \
        >"$WORK/nompi.out" 2>"$WORK/nompi.err"
    rc=$?
    check "without MPI in the build, OMPI_COMM_WORLD_SIZE=2: exit 2, nothing written" \
        sh -c "[ $rc -eq 2 ] && [ ! -e '$WORK/nompi' ]"
    check "without MPI in the build: the message says so and how to build with it" \
        grep -q '^dlfs2: this dlfs2 was built without MPI, so under mpirun each of the 2 processes would train alone .*-Dmpi=enabled' \
        "$WORK/nompi.err"
else
    skip "a build without MPI refuses OMPI_COMM_WORLD_SIZE=2" "this build has MPI"
    skip "a build without MPI: the message" "this build has MPI"
fi

why=
if [ "$MPI_BUILT" != mpi=yes ]; then
    why="no MPI (this dlfs2 was built without it)"
elif ! command -v mpirun >/dev/null 2>&1; then
    why="no MPI (mpirun is not on PATH)"
elif ! command -v timeout >/dev/null 2>&1; then
    why="no timeout(1) to bound mpirun"
fi
if [ -n "$why" ]; then
    while [ "$n" -lt "$PLAN" ]; do skip "mpirun test" "$why"; done
    exit 0
fi

# meson test sets MALLOC_PERTURB_; with it, Open MPI 4.1.4's mpirun itself
# now and then crashes (SIGSEGV in pmix_server_log_fn, after "ORTE_ERROR_LOG:
# Out of resource ... show_help.c") when two ranks call MPI_Abort at once.
unset MALLOC_PERTURB_
MPIRUN="mpirun --oversubscribe"
[ "$(id -u)" -eq 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
# Open MPI's own allocations may be reported as leaks under LeakSanitizer (an
# ASan build); other ASan checks stay on. Harmless in a build without ASan.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS
# Open MPI's shared-memory transport copies large messages between processes
# with CMA (process_vm_readv), which containers often forbid; plain copies do.
: "${OMPI_MCA_btl_vader_single_copy_mechanism:=none}"
export OMPI_MCA_btl_vader_single_copy_mechanism

# mpirun_run NAME ARGS...: timeout 120 mpirun ARGS, output in $WORK/NAME.out and .err, status in $rc.
mpirun_run() {
    name=$1
    shift
    timeout 120 $MPIRUN "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
}

# mpi_expect DESC STATUS NAME ARGS...: mpirun -np 2 dlfs2 ARGS must exit with STATUS.
mpi_expect() {
    desc=$1 want=$2 name=$3
    shift 3
    mpirun_run "$name" -np 2 "$DLFS2" "$@"
    if [ "$rc" -eq "$want" ]; then pass "$desc"; else
        fail "$desc"
        echo "# mpirun -np 2 dlfs2 $*: exit $rc, expected $want; stderr:"
        show "$WORK/$name.err"
    fi
}

# A corpus of 400 lines of 8 words out of 30 (w10 .. w39), the same on every
# run; every line 32 bytes, so each of 2 ranks (one thread each) reads 200
# lines, as many words as the other.
SMALL=$WORK/small.txt
awk 'BEGIN { s = 7; for (l = 0; l < 400; l++) { line = "";
    for (k = 0; k < 8; k++) { s = (s * 1103515245 + 12345) % 2147483648; line = line (k ? " " : "") "w" 10 + int(s / 65536) % 30 }
    print line } }' >"$SMALL"
RUN="--corpus $SMALL --preset word2vec --sample 0 --window 2 --hidden 5 --batch 5 --sample-size 2 --epochs 2"

# --- two ranks, one set of outputs ------------------------------------------------------
mpi_expect "mpirun -np 2: exit 0" 0 two train $RUN --threads 1 --out "$WORK/two"
check "mpirun -np 2: vectors.txt's header is V H (31 words with <eos>, hidden 5)" \
    sh -c "[ \"\$(head -n 1 '$WORK/two/vectors.txt')\" = '31 5' ] && [ \$(wc -l <'$WORK/two/vectors.txt') -eq 32 ]"
check "mpirun -np 2: loss.csv is written" sh -c "[ \$(wc -l <'$WORK/two/loss.csv') -gt 1 ]"
check "mpirun -np 2: one 'mpi: 2 ranks' line (rank 0's)" \
    sh -c "[ \$(grep -c '^mpi: 2 ranks, [0-9]* syncs, .* MB averaged by each rank$' '$WORK/two.out') -eq 1 ]"
check "mpirun -np 2: one header and one 'wrote' line for the vectors (rank 1 is quiet)" \
    sh -c "[ \$(grep -c '^corpus: ' '$WORK/two.out') -eq 1 ] && [ \$(grep -c '^wrote .*vectors.txt' '$WORK/two.out') -eq 1 ]"
check "mpirun -np 2: the job's files are rank 0's: nothing else in the output folder" \
    sh -c "[ \"\$(ls '$WORK/two' | tr '\n' ' ')\" = 'loss.csv vectors.txt ' ]"

# --- reproducible with --sync-words ------------------------------------------------------
for r in a b; do
    mpi_expect "--sync-words 100 --threads 1 --seed 5, run $r: exit 0" 0 "w$r" train $RUN --threads 1 \
        --sync-words 100 --seed 5 --out "$WORK/w$r"
done
check "--sync-words 100 --threads 1 twice: byte-identical vectors" cmp -s "$WORK/wa/vectors.txt" "$WORK/wb/vectors.txt"
check "--sync-words 100: the runs synced (more than 2 syncs)" \
    awk '/^mpi: 2 ranks, / { if ($4 + 0 > 2) ok = 1 } END { exit !ok }' "$WORK/wa.out"

# --- ranks that disagree, and what mpirun refuses ----------------------------------------
"$DLFS2" vocab --corpus "$SMALL" --out "$WORK/count.vocab" >/dev/null 2>&1
"$DLFS2" vocab --corpus "$SMALL" --order first --out "$WORK/first.vocab" >/dev/null 2>&1
mpirun_run mpmd -np 1 "$DLFS2" train $RUN --threads 1 --vocab "$WORK/count.vocab" --out "$WORK/mpmd" : \
    -np 1 "$DLFS2" train $RUN --threads 1 --vocab "$WORK/first.vocab" --out "$WORK/mpmd"
check "two vocabularies (MPMD): exit non-zero" [ "$rc" -ne 0 ]
check "two vocabularies: the message says rank 1's differs from rank 0's" \
    grep -q "dlfs2: rank 0: rank 1's vocabulary (its words, their order and counts) differs from rank 0's" \
    "$WORK/mpmd.err"
check "two vocabularies: no vectors written" [ ! -e "$WORK/mpmd/vectors.txt" ]

mpi_expect "mpirun -np 2, textbook mode: exit 2" 2 textbook train --corpus "$TINY" --out "$WORK/r-textbook"
check "textbook mode: the message asks for --preset word2vec" \
    grep -q "dlfs2: under mpirun with 2 processes, train with --preset word2vec .*textbook mode" "$WORK/textbook.err"
mpi_expect "mpirun -np 2, plain --fast: exit 2" 2 fast train --corpus "$TINY" --fast --out "$WORK/r-fast"
check "plain --fast: the message asks for --preset word2vec" \
    grep -q "dlfs2: under mpirun with 2 processes, train with --preset word2vec .*--fast without the preset" \
    "$WORK/fast.err"
mpi_expect "mpirun -np 2, --max-iters: exit 2" 2 maxit train $RUN --max-iters 5 --out "$WORK/r-maxit"
check "--max-iters: the message asks for --epochs" \
    grep -q "dlfs2: --max-iters is not available under mpirun .*use --epochs" "$WORK/maxit.err"
gzip -c "$SMALL" >"$WORK/small.txt.gz"
mpi_expect "mpirun -np 2, a .gz corpus: exit 2" 2 gz train --corpus "$WORK/small.txt.gz" --preset word2vec \
    --out "$WORK/r-gz"
check "a .gz corpus: the message asks to decompress it" \
    grep -q "^dlfs2: under mpirun each rank reads its own byte range of the corpus, so it must be a plain file: .*small.txt.gz is gzip data .*(decompress it first)" "$WORK/gz.err"
check "textbook mode, plain --fast, --max-iters refused: nothing written, no output folder" \
    sh -c "[ ! -e '$WORK/r-textbook' ] && [ ! -e '$WORK/r-fast' ] && [ ! -e '$WORK/r-maxit' ]"
# refused before anything is counted or written: no output folder
check "a .gz corpus refused: no output folder made" sh -c "[ ! -e '$WORK/r-gz' ]"

# --- --sync-partial -------------------------------------------------------------------------
# ranks with parts of the same length (one thread each): their syncs pair up alike
mpi_expect "--sync-partial 2 --sync-words 50: exit 0" 0 partial train $RUN --threads 1 --sync-partial 2 \
    --sync-words 50 --out "$WORK/partial"
check "--sync-partial 2: vectors 31 x 5 written" \
    sh -c "[ \"\$(head -n 1 '$WORK/partial/vectors.txt')\" = '31 5' ] && grep -q '^mpi: 2 ranks, ' '$WORK/partial.out'"
# Parts of different lengths: rank 0's half of the bytes holds 300 lines of
# short words, rank 1's 100 of long ones. Rank 1's part ends first and it
# keeps syncing (done) while rank 0, mid-epoch, syncs 2 << ctz(k) rows: both
# must reduce the same rows (the end of the epoch's full sync is decided from
# the reduced done flags), else MPI_Allreduce fails with MPI_ERR_TRUNCATE.
UNEVEN=$WORK/uneven.txt
awk 'BEGIN { for (l = 0; l < 400; l++) { line = "";
    for (k = 0; k < 8; k++) { w = (l * 8 + k) % 20; line = line (k ? " " : "") (l < 300 ? "s" w : "longword" w "xxxxxxxxxxxxxxxxxxxxxx") }
    print line } }' >"$UNEVEN"
mpi_expect "--sync-partial 2, ranks' parts of different lengths: exit 0" 0 uneven train --corpus "$UNEVEN" \
    --preset word2vec --sample 0 --window 2 --hidden 5 --batch 5 --sample-size 2 --epochs 2 --threads 1 \
    --sync-partial 2 --sync-words 50 --out "$WORK/uneven"
check "... vectors 41 x 5" sh -c "[ \"\$(head -n 1 '$WORK/uneven/vectors.txt')\" = '41 5' ]"

# --- a rank killed mid-run ---------------------------------------------------------------------
# Many epochs over the small corpus at hidden 100: far longer than the test
# waits. When rank 0 has printed its first progress line, rank 1 (found by its
# command line, which names this test's folder, and OMPI_COMM_WORLD_RANK=1)
# gets SIGKILL; mpirun must then exit non-zero within 30 s.
timeout 300 $MPIRUN -np 2 "$DLFS2" train --corpus "$SMALL" --preset word2vec --sample 0 --hidden 100 \
    --epochs 100000 --threads 1 --out "$WORK/killed" >"$WORK/killed.out" 2>"$WORK/killed.err" &
job=$!
i=0
while [ $i -lt 600 ] && ! grep -q '^| epoch ' "$WORK/killed.out" 2>/dev/null && kill -0 $job 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
victim=
for p in /proc/[0-9]*; do
    if grep -q "$WORK/killed" "$p/cmdline" 2>/dev/null &&
        tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then
        victim=${p#/proc/}
        break
    fi
done
if [ -n "$victim" ]; then
    kill -KILL "$victim"
    start=$(date +%s)
    while kill -0 $job 2>/dev/null && [ $(($(date +%s) - start)) -le 30 ]; do sleep 0.2; done
    if kill -0 $job 2>/dev/null; then
        fail "a rank killed mid-run: mpirun ends within 30 s"
        kill $job 2>/dev/null
        wait $job
    else
        pass "a rank killed mid-run: mpirun ends within 30 s"
    fi
    wait $job
    krc=$?
    check "a rank killed mid-run: mpirun exits non-zero (exit $krc)" [ "$krc" -ne 0 ]
else
    fail "a rank killed mid-run: rank 1's process was found running"
    echo "# rank 0's output:"
    show "$WORK/killed.out"
    show "$WORK/killed.err"
    kill $job 2>/dev/null
    wait $job
    skip "a rank killed mid-run: mpirun exits non-zero" "no rank was killed"
fi

# --- the averaging itself (tests/test_mpi_sync.c) ------------------------------------------------
if [ -n "$SYNC_TEST" ]; then
    mpirun_run sync -np 2 "$SYNC_TEST"
    if [ "$rc" -eq 0 ] && grep -q '^mpi_sync: all [0-9]* checks passed on both ranks$' "$WORK/sync.out"; then
        pass "test_mpi_sync under mpirun -np 2: the means, the partial rows and all_done"
    else
        fail "test_mpi_sync under mpirun -np 2: the means, the partial rows and all_done"
        echo "# exit $rc"
        show "$WORK/sync.out"
        show "$WORK/sync.err"
    fi
else
    skip "test_mpi_sync under mpirun -np 2" "not built"
fi

tap_done
