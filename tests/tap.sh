# tap.sh — TAP helpers shared by the shell tests (test_cli.sh,
# test_notebooks.sh); sourced after the script has set PLAN.
#
# It makes a scratch directory $WORK (removed on exit), prints the plan,
# and defines:
#   pass DESC / fail DESC / skip DESC WHY   one numbered TAP line each
#   show FILE                               the first 15 lines of FILE as "# " comments
#   check DESC COMMAND...                   pass when COMMAND succeeds, else fail and say what
#   tap_done                                a "# ran N tests, planned M" line when they differ

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
