#!/bin/sh
# test_data_cli.sh — TAP tests of the data folder through the programs
# (datasets/data.h, docs/data.md): `dlfs2 fetch` against file:// URLs (a
# download, "not downloaded again", a checksum mismatch refused with nothing
# left in place, the offline message), the lookup order (--data-dir over
# $DLFS2_DATA over the cache; the older layout where DLFS2_DATA is the PTB
# folder), `dlfs2 accuracy` / `wordsim` without --questions / --pairs, and a
# lab reading PTB from --data-dir. No network: every URL is file://.
#
#     sh tests/test_data_cli.sh path/to/dlfs2 path/to/ch04_3_train
#
# The real files are needed only for the download that must succeed (their
# SHA-256 is compiled in); without them those cases are skipped.

DLFS2=${1:?usage: sh tests/test_data_cli.sh PATH/TO/dlfs2 PATH/TO/ch04_3_train}
LAB_TRAIN=${2:?usage: sh tests/test_data_cli.sh PATH/TO/dlfs2 PATH/TO/ch04_3_train}
PLAN=48

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

find_ptb
find_eval
# from here on nothing may come from the caller's data folder or the network
unset DLFS2_DATA DLFS2_EVAL XDG_CACHE_HOME
HOME=$WORK/home
export HOME
DLFS2_PTB_URL=file:///nonexistent-dlfs2-server/ptb/
DLFS2_EVAL_URL=file:///nonexistent-dlfs2-server/eval/
export DLFS2_PTB_URL DLFS2_EVAL_URL

# no_files DIR: DIR holds no file at all (none hidden either), or does not exist
no_files() { [ -z "$(find "$1" -type f 2>/dev/null)" ]; }

# --- usage ---------------------------------------------------------------------
run help fetch --help
check "fetch --help: exit 0, usage and both default URLs" sh -c '
    test "$1" -eq 0 && grep -q "^Usage: dlfs2 fetch" "$2" &&
    grep -q "tomsercu/lstm/master/data/" "$2" && grep -q "piskvorky/gensim/4.4.0/gensim/test/test_data/" "$2"' \
    - "$rc" "$WORK/help.out"
run mainhelp --help
check "dlfs2 --help lists fetch" grep -q '^  fetch ' "$WORK/mainhelp.out"
expect "fetch without a set: exit 2" 2 noset fetch
expect "fetch bogus: exit 2" 2 bogus fetch bogus
check "... the message lists the sets" grep -q "unknown data set 'bogus' (expected ptb, eval or all)" \
    "$WORK/bogus.err"
expect "fetch --data-dir '': exit 2" 2 emptydir fetch --data-dir "" ptb

# --- offline -------------------------------------------------------------------
D=$WORK/offline
expect "fetch ptb offline: exit 1" 1 offptb fetch --data-dir "$D" ptb
check "... names the URL that failed" grep -Fq "file:///nonexistent-dlfs2-server/ptb/ptb.train.txt" \
    "$WORK/offptb.err"
check "... says where to put the three files by hand" grep -Fq \
    "put ptb.train.txt, ptb.valid.txt and ptb.test.txt into $D/ptb by hand" "$WORK/offptb.err"
check "... and the fetch command for this folder" grep -Fq "\`dlfs2 fetch --data-dir $D ptb\`" "$WORK/offptb.err"
check "... and leaves no file" no_files "$D"
expect "fetch eval offline: exit 1" 1 offeval fetch --data-dir "$D" eval
check "... says where to put questions-words.txt and wordsim353.tsv by hand" grep -Fq \
    "put questions-words.txt and wordsim353.tsv into $D/eval by hand" "$WORK/offeval.err"
# PTB missing when training: the same message (train downloads what is missing)
expect "train with no PTB in the default folder, offline: exit 1" 1 offtrain train --max-iters 1 \
    --out "$WORK/offtrain-out"
check "... names the default folder's ptb/ and a plain dlfs2 fetch ptb" sh -c '
    grep -Fq "into $1/.cache/dlfs2/ptb by hand" "$2" && grep -Fq "\`dlfs2 fetch ptb\`" "$2"' \
    - "$HOME" "$WORK/offtrain.err"

# --- a wrong download and a wrong file already there -----------------------------
S=$WORK/server
mkdir -p "$S/ptb" "$S/eval"
echo "not the penn treebank" >"$S/ptb/ptb.train.txt"
D=$WORK/mismatch
DLFS2_PTB_URL=file://$S/ptb/
expect "fetch ptb from a server with a wrong file: exit 1" 1 badsum fetch --data-dir "$D" ptb
DLFS2_PTB_URL=file:///nonexistent-dlfs2-server/ptb/
check "... the message gives both sums and says it was not kept" sh -c '
    grep -q "has SHA-256 [0-9a-f]\{64\}, expected fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf; it was not kept" "$1"' \
    - "$WORK/badsum.err"
check "... and nothing is left in place (no file, no temporary file)" no_files "$D"
mkdir -p "$D/eval"
echo "my own questions" >"$D/eval/questions-words.txt"
expect "fetch eval with a wrong questions-words.txt already there: exit 1" 1 badold fetch --data-dir "$D" eval
check "... names it, and leaves it as it was" sh -c '
    grep -Fq "$1/eval/questions-words.txt is there but has SHA-256" "$2" &&
    test "$(cat "$1/eval/questions-words.txt")" = "my own questions"' - "$D" "$WORK/badold.err"

# --- the real files through file:// --------------------------------------------------
if [ -n "$PTB" ] && [ -n "$EVAL" ]; then
    PTB_ABS=$(cd "$PTB" && pwd)
    EVAL_ABS=$(cd "$EVAL" && pwd)
    D=$WORK/fetched
    DLFS2_PTB_URL=file://$PTB_ABS/
    DLFS2_EVAL_URL=file://$EVAL_ABS  # no final '/': one is added
    expect "fetch all from file:// copies: exit 0" 0 fetch1 fetch --data-dir "$D" all
    DLFS2_PTB_URL=file:///nonexistent-dlfs2-server/ptb/
    DLFS2_EVAL_URL=file:///nonexistent-dlfs2-server/eval/
    check "... prints a 'downloaded' line for each of the 5 files" \
        test "$(grep -c '^[a-z0-9.-]*: downloaded from file://.*, SHA-256 ok: ' "$WORK/fetch1.out")" -eq 5
    check "... and 'fetch ptb: 3 files ready', 'fetch eval: 2 files ready'" sh -c '
        grep -qx "fetch ptb: 3 files ready" "$1" && grep -qx "fetch eval: 2 files ready" "$1"' - "$WORK/fetch1.out"
    check "... into DATA/ptb and DATA/eval, byte for byte, nothing else" sh -c '
        for f in ptb.train.txt ptb.valid.txt ptb.test.txt; do cmp -s "$1/ptb/$f" "$2/$f" || exit 1; done
        for f in questions-words.txt wordsim353.tsv; do cmp -s "$1/eval/$f" "$3/$f" || exit 1; done
        test "$(find "$1" -type f | wc -l)" -eq 5' - "$D" "$PTB_ABS" "$EVAL_ABS"
    # the sources are unreachable again: nothing may be downloaded now
    expect "fetch all again (offline): exit 0" 0 fetch2 fetch --data-dir "$D" all
    check "... every file 'already there, SHA-256 ok, not downloaded again'" \
        test "$(grep -c ': already there, SHA-256 ok, not downloaded again: ' "$WORK/fetch2.out")" -eq 5
    # the older layout: DLFS2_DATA is the PTB folder, eval/ beside it
    DLFS2_DATA=$D/ptb
    export DLFS2_DATA
    expect "fetch all with DLFS2_DATA at the PTB folder itself: exit 0" 0 fetch3 fetch all
    unset DLFS2_DATA
    check "... finds PTB there and eval beside it" sh -c '
        grep -Fq "data folder: $1/ptb (it holds PTB itself, as in older dlfs2)" "$2" &&
        grep -Fq "wordsim353.tsv: already there, SHA-256 ok, not downloaded again: $1/ptb/../eval/wordsim353.tsv" "$2"' \
        - "$D" "$WORK/fetch3.out"
else
    for t in "fetch all from file:// copies: exit 0" "... a 'downloaded' line for each file" \
        "... 'N files ready' lines" "... byte for byte" "fetch all again: exit 0" "... not downloaded again" \
        "fetch all with DLFS2_DATA at the PTB folder: exit 0" "... PTB there and eval beside it"; do
        skip "$t" "needs the real PTB and evaluation files (set DLFS2_DATA)"
    done
fi

# --- the lookup order, seen through accuracy's "questions:" line -----------------------
VEC=$WORK/vec.txt
printf '4 2\nparis 1 0\nfrance 0 1\nrome 1 1\nitaly 0 2\n' >"$VEC"
# make_eval DIR: DIR/eval/questions-words.txt and wordsim353.tsv (tiny, hand-made)
make_eval() {
    mkdir -p "$1/eval"
    printf ': capital\nparis france rome italy\n' >"$1/eval/questions-words.txt"
    printf 'paris france 5\nparis rome 7\nfrance rome 3\n' >"$1/eval/wordsim353.tsv"
}
for d in explicit env xdg home/.cache/dlfs2; do make_eval "$WORK/order/$d"; done
# questions_from NAME: the path accuracy said it read
questions_from() { sed -n 's/^questions: //p' "$WORK/$1.out"; }

XDG_CACHE_HOME=$WORK/order/xdg-parent
mkdir -p "$XDG_CACHE_HOME"
ln -s "$WORK/order/xdg" "$XDG_CACHE_HOME/dlfs2"
export XDG_CACHE_HOME
HOME=$WORK/order/home
DLFS2_DATA=$WORK/order/env
export DLFS2_DATA
expect "accuracy --data-dir DIR without --questions: exit 0" 0 ord1 accuracy --vectors "$VEC" \
    --data-dir "$WORK/order/explicit"
check "... --data-dir comes first" test "$(questions_from ord1)" = "$WORK/order/explicit/eval/questions-words.txt"
expect "accuracy with DLFS2_DATA: exit 0" 0 ord2 accuracy --vectors "$VEC"
check "... DLFS2_DATA next" test "$(questions_from ord2)" = "$WORK/order/env/eval/questions-words.txt"
unset DLFS2_DATA
expect "accuracy with XDG_CACHE_HOME: exit 0" 0 ord3 accuracy --vectors "$VEC"
check "... then \$XDG_CACHE_HOME/dlfs2" \
    test "$(questions_from ord3)" = "$WORK/order/xdg-parent/dlfs2/eval/questions-words.txt"
unset XDG_CACHE_HOME
expect "accuracy with only HOME: exit 0" 0 ord4 accuracy --vectors "$VEC"
check "... then ~/.cache/dlfs2" test "$(questions_from ord4)" = "$WORK/order/home/.cache/dlfs2/eval/questions-words.txt"
# france - paris + rome = (0, 2): italy, the one word left
check "... and the question was answered: 1/1 covered of 1" grep -q '^accuracy: 1\.0000 (1/1 covered of 1;' \
    "$WORK/ord4.out"
# the older layout: DLFS2_DATA=the PTB folder, eval/ beside it
mkdir -p "$WORK/order/old/ptb"
echo "a b" >"$WORK/order/old/ptb/ptb.train.txt"
make_eval "$WORK/order/old"
DLFS2_DATA=$WORK/order/old/ptb
export DLFS2_DATA
expect "wordsim with DLFS2_DATA at a PTB folder: exit 0" 0 ord5 wordsim --vectors "$VEC"
unset DLFS2_DATA
check "... reads ../eval/wordsim353.tsv beside it" \
    grep -Fqx "pairs: $WORK/order/old/ptb/../eval/wordsim353.tsv" "$WORK/ord5.out"
check "... and uses its 3 pairs" grep -q '^spearman: .* (3/3 pairs)$' "$WORK/ord5.out"

# --- no evaluation files: a message, never a download ------------------------------------
HOME=$WORK/empty-home
expect "wordsim without --pairs and no data: exit 1" 1 nopairs wordsim --vectors "$VEC"
check "... names the path looked at and dlfs2 fetch eval" grep -Fqx \
    "dlfs2: wordsim: no wordsim353.tsv at $HOME/.cache/dlfs2/eval/wordsim353.tsv; \`dlfs2 fetch eval\` downloads it (or pass --pairs FILE)" \
    "$WORK/nopairs.err"
check "... and downloads nothing" no_files "$HOME"
expect "accuracy --data-dir X without --questions and no data: exit 1" 1 noq accuracy --vectors "$VEC" \
    --data-dir "$WORK/nothing"
check "... names X's file and the fetch command for X" grep -Fq \
    "no questions-words.txt at $WORK/nothing/eval/questions-words.txt; \`dlfs2 fetch --data-dir $WORK/nothing eval\`" \
    "$WORK/noq.err"

# --- a lab takes --data-dir ------------------------------------------------------------
FAKE=$WORK/fake-data
mkdir -p "$FAKE/ptb" "$WORK/lab-out"
# 40 lines of 10 words out of 30: enough (contexts, target) pairs for one batch of 100
awk 'BEGIN { for (l = 0; l < 40; l++) { s = ""; for (i = 0; i < 10; i++) s = s " w" (l * 7 + i * 3) % 30; print s } }' \
    >"$FAKE/ptb/ptb.train.txt"
LAB_OUT_DIR=$WORK/lab-out "$LAB_TRAIN" --data-dir "$FAKE" --iters 1 --threads 1 >"$WORK/lab.out" 2>"$WORK/lab.err"
rc=$?
check "ch04_3_train --data-dir DIR --iters 1 on a made-up PTB in DIR/ptb: exit 0" test "$rc" -eq 0
check "... it read DIR/ptb/ptb.train.txt (440 tokens, 31 words)" \
    grep -qx 'corpus size: 440, vocab size: 31' "$WORK/lab.out"
"$LAB_TRAIN" --data-dir "$WORK/no-ptb" --iters 1 >"$WORK/lab2.out" 2>"$WORK/lab2.err"
rc=$?
check "ch04_3_train --data-dir EMPTY, offline: exit 1 naming EMPTY/ptb and dlfs2 fetch" sh -c '
    test "$1" -eq 1 && grep -Fq "into $2/ptb by hand" "$3" && grep -Fq "\`dlfs2 fetch --data-dir $2 ptb\`" "$3"' \
    - "$rc" "$WORK/no-ptb" "$WORK/lab2.err"

tap_done
exit 0
