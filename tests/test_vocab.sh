#!/bin/sh
# test_vocab.sh — TAP tests of the vocabulary pass (issue 19): `dlfs2 vocab`
# writes word2vec.c's vocabulary format (count and first-appearance
# order, --min-count, --max-vocab) from a file, a .gz or standard input,
# with one clear line for a bad corpus; `dlfs2 train --vocab` reuses it
# (ids in the file's order, words outside skipped, a vocabulary without
# <eos> or of another corpus refused), giving byte-identical results with a
# first-order vocabulary; --min-count leaves its rare words out of
# vectors.txt. With the real PTB: --order first gives the same training,
# textbook and --preset word2vec, and min-count 5 leaves out 141 words.
#
#     sh tests/test_vocab.sh path/to/build/dlfs2

DLFS2=${1:?usage: sh tests/test_vocab.sh PATH/TO/dlfs2}
PLAN=36

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

CORPUS=$WORK/tiny.txt
tiny_corpus "$CORPUS"
NL='
'

# --- dlfs2 vocab: options ------------------------------------------------------
expect "vocab --help: exit 0" 0 help vocab --help
check "vocab --help names --order count|first" grep -q -- '--order count|first' "$WORK/help.out"
expect "vocab without --corpus: usage error" 2 nocorpus vocab --out "$WORK/v.txt"
expect "vocab --order bogus: usage error" 2 badorder vocab --corpus "$CORPUS" --out "$WORK/v.txt" --order bogus
expect "vocab --min-count 0: usage error" 2 badmin vocab --corpus "$CORPUS" --out "$WORK/v.txt" --min-count 0

# --- dlfs2 vocab: the file -------------------------------------------------------
expect "vocab on the tiny corpus: exit 0" 0 count vocab --corpus "$CORPUS" --out "$WORK/count.txt"
check "count order: <eos> first, then say (20), then the others (10) by first appearance" \
    test "$(cat "$WORK/count.txt")" = "<eos> 10${NL}say 20${NL}you 10${NL}goodbye 10${NL}and 10${NL}i 10${NL}hello 10${NL}. 10"
check "it says 8 words, count order" grep -qx 'vocabulary: 8 words of 8, count order' "$WORK/count.out"
expect "vocab --order first: exit 0" 0 first vocab --corpus "$CORPUS" --out "$WORK/first.txt" --order first
check "first order: the textbook's word_to_id order, <eos> last" \
    test "$(cut -d ' ' -f 1 "$WORK/first.txt" | tr '\n' ' ')" = "you say goodbye and i hello . <eos> "
expect "vocab --max-vocab 3 --min-count 11: exit 0" 0 cut vocab --corpus "$CORPUS" --out "$WORK/cut.txt" \
    --max-vocab 3 --min-count 11
check "only <eos> (always kept) and say are left" test "$(cat "$WORK/cut.txt")" = "<eos> 10${NL}say 20"
gzip -c "$CORPUS" >"$WORK/tiny.txt.gz"
expect "vocab from a .gz: exit 0" 0 gz vocab --corpus "$WORK/tiny.txt.gz" --out "$WORK/gz.txt"
check "the .gz gives the same file" cmp -s "$WORK/gz.txt" "$WORK/count.txt"
"$DLFS2" vocab --corpus - --out "$WORK/stdin.txt" <"$WORK/tiny.txt.gz" >"$WORK/stdin.out" 2>&1
check "standard input (gzip) gives the same file" cmp -s "$WORK/stdin.txt" "$WORK/count.txt"

# --- dlfs2 vocab: bad corpora -----------------------------------------------------
head -c 40 "$WORK/tiny.txt.gz" >"$WORK/trunc.gz"
expect "a truncated .gz: runtime error" 1 trunc vocab --corpus "$WORK/trunc.gz" --out "$WORK/t.txt"
check "... one line naming the file: truncated gzip data" \
    test "$(grep -c 'trunc.gz: truncated gzip data' "$WORK/trunc.err")" = 1
printf 'fine words\nends mid \346\227' >"$WORK/mid.txt"
expect "a corpus ending mid UTF-8 sequence: runtime error" 1 mid vocab --corpus "$WORK/mid.txt" --out "$WORK/t.txt"
check "... the line and offset of the cut sequence" grep -q 'mid.txt:2: byte 0xE6 at offset 20 is not UTF-8' "$WORK/mid.err"
check "... and no vocabulary file is written" test ! -e "$WORK/t.txt"

# --- dlfs2 train --vocab ----------------------------------------------------------
SMALL="--window 1 --hidden 4 --batch 4 --epochs 2 --eval-interval 5 --threads 1"
# shellcheck disable=SC2086
expect "train without --vocab: exit 0" 0 plain train --corpus "$CORPUS" $SMALL --out "$WORK/plain"
# shellcheck disable=SC2086
expect "train --vocab (first order): exit 0" 0 tfirst train --corpus "$CORPUS" --vocab "$WORK/first.txt" $SMALL \
    --out "$WORK/tfirst"
check "... byte-identical vectors.txt" cmp -s "$WORK/plain/vectors.txt" "$WORK/tfirst/vectors.txt"
check "... the same losses" test "$(cut -d, -f1,2,4 "$WORK/plain/loss.csv")" = "$(cut -d, -f1,2,4 "$WORK/tfirst/loss.csv")"
# shellcheck disable=SC2086
expect "train --vocab (count order, max 3 words): exit 0" 0 tcut train --corpus "$CORPUS" --vocab "$WORK/cut.txt" \
    --window 1 --hidden 4 --batch 4 --epochs 1 --eval-interval 0 --threads 1 --sample-size 1 --out "$WORK/tcut"
check "... the words outside it are skipped, and counted" \
    grep -qx "vocabulary: $WORK/cut.txt (2 words), 60 corpus tokens outside it skipped" "$WORK/tcut.out"
check "... the vectors in the file's order" test "$(sed 1d "$WORK/tcut/vectors.txt" | cut -d ' ' -f 1 | tr '\n' ' ')" = "<eos> say "
printf 'say 20\nyou 10\n' >"$WORK/noeos.txt"
# shellcheck disable=SC2086
expect "train --vocab without <eos>: runtime error" 1 noeos train --corpus "$CORPUS" --vocab "$WORK/noeos.txt" $SMALL --out "$WORK/x"
check "... it says the sentence end is missing" grep -q 'no line for the sentence end <eos>' "$WORK/noeos.err"
printf '<eos> 5\nzebra 3\n' >"$WORK/other.txt"
# shellcheck disable=SC2086
expect "train --vocab of another corpus: runtime error" 1 other train --corpus "$CORPUS" --vocab "$WORK/other.txt" $SMALL --out "$WORK/x"

# shellcheck disable=SC2086
expect "train --vocab --corpus - (standard input): usage error" 2 stdin train --corpus - --vocab "$WORK/first.txt" $SMALL \
    --out "$WORK/x" </dev/null

# --- --min-count: rare words are not written -------------------------------------
{ cat "$CORPUS"; echo "rare words here"; } >"$WORK/rare.txt"
FAST="--fast --window 1 --hidden 4 --batch 4 --epochs 1 --eval-interval 0 --threads 1"
# shellcheck disable=SC2086
expect "train --fast --min-count 5: exit 0" 0 mc train --corpus "$WORK/rare.txt" $FAST --min-count 5 --out "$WORK/mc"
check "... vectors.txt holds the 8 words seen 5 times or more, not rare words here" \
    test "$(sed 1d "$WORK/mc/vectors.txt" | cut -d ' ' -f 1 | tr '\n' ' ')" = "you say goodbye and i hello . <eos> "

# --- the real PTB ---------------------------------------------------------------
find_ptb
if [ -z "$PTB" ]; then
    for d in "first-order PTB vocabulary: textbook run identical" "... --preset word2vec run identical" \
        "--preset word2vec: 141 words left out of vectors.txt"; do skip "$d" "no PTB"; done
else
    "$DLFS2" vocab --corpus "$PTB/ptb.train.txt" --out "$WORK/ptb.txt" --order first >/dev/null 2>&1
    ok=1
    "$DLFS2" train --corpus ptb --data-dir "$PTB" --max-iters 30 --eval-interval 10 --threads 1 --out "$WORK/p0" >/dev/null 2>&1 || ok=0
    "$DLFS2" train --corpus ptb --data-dir "$PTB" --max-iters 30 --eval-interval 10 --threads 1 --out "$WORK/p1" \
        --vocab "$WORK/ptb.txt" >/dev/null 2>&1 || ok=0
    check "first-order PTB vocabulary: textbook run identical (30 iterations)" \
        sh -c "[ $ok = 1 ] && cmp -s '$WORK/p0/vectors.txt' '$WORK/p1/vectors.txt' && \
               [ \"\$(cut -d, -f1,2,4 '$WORK/p0/loss.csv')\" = \"\$(cut -d, -f1,2,4 '$WORK/p1/loss.csv')\" ]"
    ok=1
    W2V="--preset word2vec --max-iters 300 --eval-interval 100 --threads 1"
    # shellcheck disable=SC2086
    "$DLFS2" train --corpus ptb --data-dir "$PTB" $W2V --out "$WORK/w0" >"$WORK/w0.out" 2>&1 || ok=0
    # shellcheck disable=SC2086
    "$DLFS2" train --corpus ptb --data-dir "$PTB" $W2V --out "$WORK/w1" --vocab "$WORK/ptb.txt" >/dev/null 2>&1 || ok=0
    check "... --preset word2vec run identical (300 iterations)" \
        sh -c "[ $ok = 1 ] && cmp -s '$WORK/w0/vectors.txt' '$WORK/w1/vectors.txt' && \
               [ \"\$(cut -d, -f1,2,4 '$WORK/w0/loss.csv')\" = \"\$(cut -d, -f1,2,4 '$WORK/w1/loss.csv')\" ]"
    check "--preset word2vec: 141 words left out of vectors.txt (9859 x 100)" \
        sh -c "[ \"\$(head -n 1 '$WORK/w0/vectors.txt')\" = '9859 100' ] && \
               grep -q 'vectors.txt (9859 x 100: the 141 words seen fewer than 5 times left out)' '$WORK/w0.out'"
fi
tap_done
