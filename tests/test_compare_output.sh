#!/bin/sh
# test_compare_output.sh — TAP tests of notebooks-c/compare_output.awk, the
# check of a lab's output against its stored one (tests/test_labs.sh): the
# number rules (close floats, exact integers, measurements skipped) and the
# rankings, whose near-ties may come out in another order on another CPU
# but whose words and scores must still agree.
#
#     sh tests/test_compare_output.sh
#
# Needs only awk; DLFS2_SOURCE_ROOT as tests/test_cli.sh.

PLAN=17
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}
. "$SRC/tests/tap.sh"
AWK_PROG=$SRC/notebooks-c/compare_output.awk

# matches DESC EXPECTED ACTUAL: the comparator accepts ACTUAL (both given as text)
matches() {
    printf '%s\n' "$2" >"$WORK/expected.txt"
    printf '%s\n' "$3" >"$WORK/actual.txt"
    if awk -v rel=0.01 -f "$AWK_PROG" "$WORK/expected.txt" "$WORK/actual.txt" >"$WORK/cmp.log"; then
        pass "$1"
    else
        fail "$1"
        show "$WORK/cmp.log"
    fi
}

# differs DESC EXPECTED ACTUAL: the comparator rejects ACTUAL and says which line
differs() {
    printf '%s\n' "$2" >"$WORK/expected.txt"
    printf '%s\n' "$3" >"$WORK/actual.txt"
    if awk -v rel=0.01 -f "$AWK_PROG" "$WORK/expected.txt" "$WORK/actual.txt" >"$WORK/cmp.log"; then
        fail "$1"
        echo "# accepted:"
        show "$WORK/actual.txt"
    elif grep -q '^line [0-9]*: expected: ' "$WORK/cmp.log"; then
        pass "$1"
    else
        fail "$1"
        echo "# rejected without naming a line:"
        show "$WORK/cmp.log"
    fi
}

# --- numbers -----------------------------------------------------------------
matches "a float within 1%" "loss 2.5000" "loss 2.5240"
differs "a float off by 2%" "loss 2.5000" "loss 2.5500"
matches "one unit in the last printed digit" "loss 2.55" "loss 2.54"
differs "an integer that differs" "iter 461 / 9295" "iter 462 / 9295"
matches "a time in brackets is not compared" "time 8[s] (18.59[ms] per iteration)" \
    "time 13[s] (25.10[ms] per iteration)"
differs "other text around the numbers" "loss 2.50" "lost 2.50"
differs "word-number pairs that are not best first: text compared" "loss 2.5 acc 0.5 ppl 9.1" \
    "loss 2.5 acc 0.5 ppm 9.1"

# --- rankings: a run of " word: score" lines (ch04_3_train's near-tie) ----------
RANK=$(printf '[query] you\n says: 0.9954359\n where: 0.99531555\n such: 0.9951593\n n'"'"'t: 0.99497694\n say: 0.9949704\nend')
matches "a ranking as stored" "$RANK" "$RANK"
matches "two near-tied words in the other order" "$RANK" \
    "$(printf '[query] you\n says: 0.9954359\n where: 0.99531555\n such: 0.9951593\n say: 0.99497694\n n'"'"'t: 0.9949704\nend')"
matches "the last word replaced by a near-tied new one" "$RANK" \
    "$(printf '[query] you\n says: 0.9954359\n where: 0.99531555\n such: 0.9951593\n n'"'"'t: 0.99497694\n said: 0.9949704\nend')"
differs "two new words" "$RANK" \
    "$(printf '[query] you\n says: 0.9954359\n where: 0.99531555\n said: 0.9951593\n n'"'"'t: 0.99497694\n went: 0.9949704\nend')"
FAR=$(printf '[query] year\n month: 0.8835229\n week: 0.80090415\n spring: 0.8006364\n summer: 0.7960349\n minute: 0.7141015\nend')
differs "words swapped whose scores are far apart" "$FAR" \
    "$(printf '[query] year\n month: 0.8835229\n week: 0.80090415\n spring: 0.8006364\n minute: 0.7960349\n summer: 0.7141015\nend')"
matches "words swapped whose scores are close" "$FAR" \
    "$(printf '[query] year\n month: 0.8835229\n spring: 0.80090415\n week: 0.8006364\n summer: 0.7960349\n minute: 0.7141015\nend')"
differs "a new word not at a tie with the last score" "$FAR" \
    "$(printf '[query] year\n month: 0.8835229\n week: 0.80090415\n spring: 0.8006364\n summer: 0.7960349\n hour: 0.7600000\nend')"
differs "a ranking's score off by 2% at its place" "$FAR" \
    "$(printf '[query] year\n month: 0.8835229\n week: 0.80090415\n spring: 0.8006364\n summer: 0.7800000\n minute: 0.7141015\nend')"

# --- rankings on one line (softmax_vs_negsamp) ----------------------------------
LINE="  softmax            market 0.995 said 0.995 n't 0.995 this 0.995 not 0.995"
matches "a one-line ranking in another order" "$LINE" \
    "  softmax            said 0.995 market 0.995 n't 0.995 not 0.995 this 0.995"
differs "a one-line ranking under another label" "$LINE" \
    "  negative           said 0.995 market 0.995 n't 0.995 not 0.995 this 0.995"

tap_done
exit 0
