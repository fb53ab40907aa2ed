#!/bin/sh
# test_own_text.sh — TAP tests of `dlfs2 train` on text of one's own:
# --lowercase folds "Hello hello HELLO" into one word (and is a run option
# that a checkpoint keeps: --resume restores it and refuses it given
# again), `train --help` says how text is split (whitespace only,
# punctuation glued to words) and how to pre-tokenise it, and a corpus of
# too few words that look unsegmented (Japanese without spaces) gets the
# MeCab / jieba hint, which an English one does not.
#
#     sh tests/test_own_text.sh path/to/build/dlfs2

DLFS2=${1:?usage: sh tests/test_own_text.sh PATH/TO/dlfs2}
PLAN=21

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

# words of vectors.txt (its first column after the header), sorted
words() { sed 1d "$1" | cut -d ' ' -f 1 | LC_ALL=C sort | tr '\n' ' '; }

# --- --lowercase --------------------------------------------------------------
CORPUS=$WORK/hello.txt
i=0
while [ $i -lt 10 ]; do
    echo "Hello hello HELLO you say goodbye and i"
    i=$((i + 1))
done >"$CORPUS"
SMALL="--window 1 --hidden 4 --batch 4 --epochs 2 --eval-interval 0 --threads 1"

# shellcheck disable=SC2086
expect "train --lowercase: exit 0" 0 lower train --corpus "$CORPUS" --lowercase $SMALL --out "$WORK/lower"
check "the corpus line says it is folded to lower case" \
    grep -qx "corpus: $CORPUS, folded to lower case" "$WORK/lower.out"
check "Hello, hello and HELLO are one word: vocabulary <eos> and goodbye hello i say you" \
    test "$(words "$WORK/lower/vectors.txt")" = "<eos> and goodbye hello i say you "
check "vectors.txt header is '7 4'" test "$(head -n 1 "$WORK/lower/vectors.txt")" = "7 4"
check "corpus size 90 as without the flag (folding merges words, drops none)" \
    grep -q '^corpus size: 90, vocab size: 7,' "$WORK/lower.out"

# shellcheck disable=SC2086
expect "train without --lowercase: exit 0" 0 keep train --corpus "$CORPUS" $SMALL --out "$WORK/keep"
check "without it the case is kept: three words for hello" \
    test "$(words "$WORK/keep/vectors.txt")" = "<eos> HELLO Hello and goodbye hello i say you "
check "without it the corpus line is as before" grep -qx "corpus: $CORPUS" "$WORK/keep.out"

# --- --lowercase in a checkpoint ----------------------------------------------
# stop after 5 of the 44 iterations, resume to the end: the resumed run must
# fold too, and end bit for bit where the run above ended
# shellcheck disable=SC2086
expect "train --lowercase --checkpoint-every 3 --max-iters 5: exit 0" 0 ck1 \
    train --corpus "$CORPUS" --lowercase $SMALL --checkpoint-every 3 --max-iters 5 --out "$WORK/ck"
expect "train --resume (to the end): exit 0" 0 ck2 train --resume "$WORK/ck" --max-iters 0
check "the resumed run folds the corpus too" grep -q ', folded to lower case$' "$WORK/ck2.out"
check "the resumed run ends with the vectors of the run never stopped" \
    cmp -s "$WORK/lower/vectors.txt" "$WORK/ck/vectors.txt"
expect "--lowercase given with --resume: exit 2 (the checkpoint holds it)" 2 ck3 \
    train --resume "$WORK/ck" --lowercase

# --- how text is split: train --help -----------------------------------------
run help train --help
check "train --help: split on whitespace only, punctuation glued to words" \
    sh -c 'tr -s " \n" "  " <"$1" | grep -q "split into words at whitespace only .* punctuation stays glued to words (\"hello.\" and \"hello\" are two words)"' - "$WORK/help.out"
check "train --help: --lowercase, and how to pre-tokenise (sed, MeCab, jieba)" sh -c '
    grep -q "^  --lowercase " "$1" && grep -q "sed -E" "$1" &&
    grep -q "mecab -Owakati" "$1" && grep -q "python3 -m jieba" "$1"' - "$WORK/help.out"

# --- too few words: the segmentation hint --------------------------------------
# Natsume Soseki's first two sentences, unsegmented: 2 "words" and 2 <eos>
printf '\345\220\276\350\274\251\343\201\257\347\214\253\343\201\247\343\201\202\343\202\213\343\200\202\n' >"$WORK/ja.txt"
printf '\345\220\215\345\211\215\343\201\257\343\201\276\343\201\240\347\204\241\343\201\204\343\200\202\n' >>"$WORK/ja.txt"
expect "Japanese without spaces: exit 2" 2 ja train --corpus "$WORK/ja.txt" --out "$WORK/ja"
check "its message: too few words, and the hint to segment first (MeCab, jieba)" sh -c '
    grep -q "^dlfs2: --window 5: window 5 needs a corpus of more than 10 words, this one has 4; its words are [0-9]* bytes long on average: text without spaces between words (Japanese, Chinese) must be split into words first" "$1" &&
    grep -q "mecab -Owakati" "$1" && grep -q "python3 -m jieba -d '"' '"'" "$1"' - "$WORK/ja.err"
echo "a b c" >"$WORK/abc.txt"
expect "three English words: exit 2" 2 abc train --corpus "$WORK/abc.txt" --out "$WORK/abc"
check "their message: too few words, and no segmentation hint" sh -c '
    grep -qx "dlfs2: --window 5: window 5 needs a corpus of more than 10 words, this one has 4" "$1"' \
    - "$WORK/abc.err"
i=0
while [ $i -lt 8 ]; do cat "$WORK/ja.txt"; i=$((i + 1)); done >"$WORK/ja8.txt"
expect "the same text 8 times, fewer pairs than --batch: exit 2" 2 ja8 train --corpus "$WORK/ja8.txt" \
    --out "$WORK/ja8"
check "that message gives the hint too" \
    grep -q "^dlfs2: --batch 100 is larger than the 22 (contexts, target) pairs of the corpus; its words are .* (mecab -Owakati" \
    "$WORK/ja8.err"

tap_done
