#!/bin/sh
# test_subword_cli.sh — TAP tests of `dlfs2 vector` (cli/cmd_vector.c) and
# of `similar --model` / `analogy --model` (cli/cmd_eval.c) on the tiny
# model tests/make_subword_model.c writes (cat cats dog dogs walk walked
# <eos>, n-grams 3-4, H 4): a vocabulary word's vector is its line of the
# vectors the model implies; the unseen word catdog gets the mean of its 6
# n-gram rows (<ca <cat cat dog dog> og>: the others, catd atd atdo tdo
# tdog, are in no vocabulary word); --model answers as --vectors does for
# vocabulary words, and marks an unseen query word; the errors: a word with
# no n-gram row (the others still printed, exit 1), --model and --vectors
# together, no --model, no word, a damaged model file; `wordsim --model`
# uses the pair of an unseen word that has n-gram rows, skips the one
# without, and `accuracy` has no --model.
#
#     sh tests/test_subword_cli.sh DLFS2 MAKE_SUBWORD_MODEL

DLFS2=${1:?usage: sh tests/test_subword_cli.sh DLFS2 MAKE_SUBWORD_MODEL}
MAKE=${2:?usage: sh tests/test_subword_cli.sh DLFS2 MAKE_SUBWORD_MODEL}
PLAN=34
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}
. "$SRC/tests/tap.sh"

M=$WORK/tiny.model
V=$WORK/tiny.txt
check "make_subword_model writes the model and its vectors" "$MAKE" "$M" "$V"

expect "vector --help: exit 0" 0 help vector --help
check "vector --help prints the usage" grep -q '^Usage: dlfs2 vector --model FILE WORD' "$WORK/help.out"
run main --help
check "dlfs2 --help lists vector" grep -q '^  vector ' "$WORK/main.out"

expect "vector cats walked: exit 0" 0 vec vector --model "$M" cats walked
grep -E '^(cats|walked) ' "$V" >"$WORK/vec.want"
check "vector: vocabulary words print their lines of the vectors file" cmp -s "$WORK/vec.out" "$WORK/vec.want"

expect "vector of an unseen word: exit 0" 0 unseen vector --model "$M" catdog
check "vector: catdog is one line of the word and 4 values" \
    awk 'NF != 5 || $1 != "catdog" { bad = 1 } END { exit bad || NR != 1 }' "$WORK/unseen.out"

expect "vector with a word without n-gram rows: exit 1" 1 none vector --model "$M" cats xyzq dog
check "vector: the message names the word" \
    grep -qx "dlfs2: vector: 'xyzq' has no n-gram in the model" "$WORK/none.err"
grep -E '^(cats|dog) ' "$V" >"$WORK/none.want"
check "vector: the other words are still printed" cmp -s "$WORK/none.out" "$WORK/none.want"

expect "vector without --model: usage error" 2 nomodel vector cats
expect "vector without a word: usage error" 2 noword vector --model "$M"
expect "vector with a missing model file: exit 1" 1 missing vector --model "$WORK/absent.model" cats

# a damaged model: one byte flipped in the middle
size=$(wc -c <"$M")
cp "$M" "$WORK/bad.model"
printf '\377' | dd of="$WORK/bad.model" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect "vector with a damaged model: exit 1" 1 bad vector --model "$WORK/bad.model" cats
check "the damaged model's message says checksum mismatch" grep -q 'checksum mismatch' "$WORK/bad.err"

expect "similar --model cats: exit 0" 0 sim_m similar --model "$M" cats
run sim_v similar --vectors "$V" cats
check "similar --model answers as --vectors on its vectors" cmp -s "$WORK/sim_m.out" "$WORK/sim_v.out"

expect "similar --model catdog (unseen): exit 0" 0 sim_u similar --model "$M" catdog
check "similar: the unseen word is marked with its 6 n-gram rows" \
    grep -qx '(catdog is not in the vocabulary: its vector is the mean of 6 n-gram rows)' "$WORK/sim_u.out"
check "similar: the vocabulary words are the candidates (--top 5: 5 answers)" \
    test "$(grep -c '^ [a-z<>]*: ' "$WORK/sim_u.out")" -eq 5

expect "analogy --model cat cats dog: exit 0" 0 an_m analogy --model "$M" cat cats dog
run an_v analogy --vectors "$V" cat cats dog
check "analogy --model answers as --vectors on its vectors" cmp -s "$WORK/an_m.out" "$WORK/an_v.out"

expect "analogy --model with an unseen word: exit 0" 0 an_u analogy --model "$M" cat cats catdog
check "analogy: the unseen word is marked" grep -q '^(catdog is not in the vocabulary' "$WORK/an_u.out"

expect "similar --model with a word without rows: exit 1" 1 sim_none similar --model "$M" xyzq
expect "similar --model and --vectors together: usage error" 2 both similar --model "$M" --vectors "$V" cats

P=$WORK/pairs.tsv
printf '# tiny pairs\ncat\tdogs\t5\ncats\tcatdog\t3\nwalk\txyzq\t2\nWalked\twalk\t8\n' >"$P"
expect "wordsim --vectors: exit 0" 0 ws_v wordsim --vectors "$V" --pairs "$P"
check "wordsim --vectors uses the 2 pairs of vocabulary words" grep -q '^spearman: .* (2/4 pairs)$' "$WORK/ws_v.out"
expect "wordsim --model: exit 0" 0 ws_m wordsim --model "$M" --pairs "$P"
check "wordsim --model uses catdog's pair too (3/4)" grep -q '^spearman: .* (3/4 pairs)$' "$WORK/ws_m.out"
check "wordsim --model counts the unseen words" \
    grep -qx 'unseen words: 1 with the mean of their n-gram rows, 1 with no row (skipped)' "$WORK/ws_m.out"
expect "wordsim --model and --vectors together: usage error" 2 ws_both wordsim --model "$M" --vectors "$V" --pairs "$P"
expect "accuracy has no --model: usage error" 2 acc_m accuracy --model "$M" --questions "$P"

tap_done
