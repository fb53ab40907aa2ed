# tap.sh — TAP helpers shared by the shell tests (test_cli.sh,
# test_notebooks.sh); sourced after the script has set PLAN.
#
# It makes a scratch directory $WORK (removed on exit), prints the plan,
# and defines:
#   pass DESC / fail DESC / skip DESC WHY   one numbered TAP line each
#   show FILE                               the first 15 lines of FILE as "# " comments
#   check DESC COMMAND...                   pass when COMMAND succeeds, else fail and say what
#   tap_done                                a "# ran N tests, planned M" line when they differ
# and, for scripts that set DLFS2 to the program under test:
#   tiny_corpus FILE                        the textbook's sentence, 10 lines of it (90 tokens
#                                           with <eos>, vocabulary of 8)
#   find_ptb                                sets PTB to the directory holding ptb.train.txt
#                                           ($DLFS2_DATA, $DLFS2_DATA/ptb or ../shared/datasets/ptb),
#                                           or to ""
#   find_eval                               sets EVAL to the directory holding questions-words.txt
#                                           and wordsim353.tsv ($DLFS2_EVAL, $DLFS2_DATA/eval,
#                                           $DLFS2_DATA/../eval or ../shared/datasets/eval), or to ""
#   run NAME ARGS...                        dlfs2 ARGS, output in $WORK/NAME.out and .err, status in $rc
#   expect DESC STATUS NAME ARGS...         run, and pass when it exits with STATUS (and, for a
#                                           non-zero STATUS, prints a "dlfs2: " line on stderr)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dlfs2-test.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' HUP INT PIPE TERM

echo "1..$PLAN"
n=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
show() { [ -f "$1" ] && sed -n '1,15s/^/#   /p' "$1"; }

check() {
    desc=$1
    shift
    if "$@"; then pass "$desc"; else fail "$desc"; echo "# failed: $*"; fi
}

tap_done() {
    if [ "$n" -ne "$PLAN" ]; then echo "# ran $n tests, planned $PLAN"; fi
}

# run NAME ARGS...: runs dlfs2, output in $WORK/NAME.out and .err, status in $rc.
run() {
    name=$1
    shift
    "$DLFS2" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
}

# expect DESC STATUS NAME ARGS...: dlfs2 ARGS must exit with STATUS; a usage
# or runtime error must also print one "dlfs2: " line on stderr.
expect() {
    desc=$1 want=$2 name=$3
    shift 3
    run "$name" "$@"
    if [ "$rc" -ne "$want" ]; then
        fail "$desc"
        echo "# dlfs2 $*: exit $rc, expected $want; stderr:"
        show "$WORK/$name.err"
        return 1
    fi
    if [ "$want" -ne 0 ] && ! grep -q '^dlfs2: ' "$WORK/$name.err"; then
        fail "$desc"
        echo "# dlfs2 $*: no 'dlfs2: ' message on stderr:"
        show "$WORK/$name.err"
        return 1
    fi
    pass "$desc"
}

# tiny_corpus FILE: "you say goodbye and i say hello ." ten times, one per line.
tiny_corpus() {
    i=0
    while [ $i -lt 10 ]; do
        echo "you say goodbye and i say hello ."
        i=$((i + 1))
    done >"$1"
}

# find_ptb: PTB=the first of $DLFS2_DATA (the PTB folder itself, or a data
# folder with ptb/ in it) and $DLFS2_SOURCE_ROOT/../shared/datasets/ptb that
# holds ptb.train.txt, or "" when none does.
find_ptb() {
    PTB=
    for dir in "${DLFS2_DATA:-}" "${DLFS2_DATA:+$DLFS2_DATA/ptb}" "${DLFS2_SOURCE_ROOT:-.}/../shared/datasets/ptb"; do
        if [ -n "$dir" ] && [ -f "$dir/ptb.train.txt" ]; then PTB=$dir; break; fi
    done
}

# find_eval: EVAL=the first of $DLFS2_EVAL, $DLFS2_DATA/eval, $DLFS2_DATA/../eval
# and $DLFS2_SOURCE_ROOT/../shared/datasets/eval that holds questions-words.txt
# and wordsim353.tsv, or "" when none does.
find_eval() {
    EVAL=
    for dir in "${DLFS2_EVAL:-}" "${DLFS2_DATA:+$DLFS2_DATA/eval}" "${DLFS2_DATA:+$DLFS2_DATA/../eval}" \
            "${DLFS2_SOURCE_ROOT:-.}/../shared/datasets/eval"; do
        if [ -n "$dir" ] && [ -f "$dir/questions-words.txt" ] && [ -f "$dir/wordsim353.tsv" ]; then
            EVAL=$dir
            break
        fi
    done
}
