#!/bin/sh
# test_subwords.sh — TAP tests of `dlfs2 train --subwords MIN-MAX --buckets N`
# (issue 22: CBOW and SkipGram with fastText's subword input vectors): the
# bad ranges, bucket counts and flag combinations are usage errors with their
# messages; a table whose W_in would not fit in memory is refused before it is
# allocated; on a tiny corpus textbook mode, --fast, the preset (CBOW and
# SkipGram, one and two threads) train and write every word's vector, one
# thread twice gives the same bytes, and --save-npy's W_in has the table's rows.
#
#     sh tests/test_subwords.sh path/to/build/dlfs2
#
# Environment as tests/test_cli.sh (DLFS2_SOURCE_ROOT, DLFS2_DATA).

DLFS2=${1:?usage: sh tests/test_subwords.sh PATH/TO/dlfs2}
PLAN=40

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

TINY=$WORK/tiny.txt
tiny_corpus "$TINY"
# Vocabulary: you say goodbye and i hello . <eos>
V=8
SMALL="--corpus $TINY --window 1 --hidden 5 --batch 5 --sample-size 2 --eval-interval 5"

# --- usage errors ---------------------------------------------------------------
expect "--subwords 3-: exit 2" 2 u-open train $SMALL --subwords 3- --out "$WORK/u"
check "--subwords 3-: the message asks for MIN-MAX" \
    grep -q "^dlfs2: --subwords: expected a range of n-gram lengths MIN-MAX such as 3-6, got '3-'$" "$WORK/u-open.err"
expect "--subwords 6-3: exit 2" 2 u-rev train $SMALL --subwords 6-3 --out "$WORK/u"
check "--subwords 6-3: the message says reversed" grep -q "^dlfs2: --subwords 6-3 .*reversed" "$WORK/u-rev.err"
expect "--subwords 0-2: exit 2" 2 u-zero train $SMALL --subwords 0-2 --out "$WORK/u"
check "--subwords 0-2: the message says at least 1 character" \
    grep -q "^dlfs2: --subwords 0-2 .*at least 1 character" "$WORK/u-zero.err"
expect "--buckets 0: exit 2" 2 u-b0 train $SMALL --subwords 3-6 --buckets 0 --out "$WORK/u"
check "--buckets 0: the message says at least 1 bucket" grep -q "^dlfs2: .*buckets 0: there must be at least 1 bucket" "$WORK/u-b0.err"
expect "--buckets 3000000000: exit 2" 2 u-bbig train $SMALL --subwords 3-6 --buckets 3000000000 --out "$WORK/u"
expect "--buckets without --subwords: exit 2" 2 u-bonly train $SMALL --buckets 10 --out "$WORK/u"
check "--buckets without --subwords: the message asks for --subwords" \
    grep -q "^dlfs2: --buckets and --subword-update need --subwords MIN-MAX$" "$WORK/u-bonly.err"
expect "--subword-update foo: exit 2" 2 u-upd train $SMALL --subwords 3-6 --subword-update foo --out "$WORK/u"
expect "--subwords with --shared-negatives: exit 2" 2 u-shared train $SMALL --preset word2vec --subwords 3-6 \
    --shared-negatives --out "$WORK/u"
check "--subwords with --shared-negatives: the message says why" \
    grep -q "^dlfs2: --shared-negatives is not available with --subwords" "$WORK/u-shared.err"

# 3000 distinct 30-letter words: ~370,000 n-gram rows; at --hidden 65536 W_in would be ~97 GB
awk 'BEGIN { srand(7); for (i = 0; i < 3000; i++) { w = ""; for (k = 0; k < 30; k++) w = w sprintf("%c", 97 + int(rand() * 26)); printf "%s%s", w, (i % 10 == 9 ? "\n" : " ") } }' >"$WORK/long.txt"
expect "a W_in too large for memory: exit 2" 2 u-mem train --corpus "$WORK/long.txt" --window 1 --batch 5 \
    --hidden 65536 --subwords 3-6 --max-iters 1 --out "$WORK/u"
check "a W_in too large for memory: refused with the bytes it needs, before training" sh -c "
    grep -q '^dlfs2: --subwords 3-6 --hidden 65536: ' '$WORK/u-mem.err' &&
    ! grep -q '^trained' '$WORK/u-mem.out'"
check "usage errors train nothing and write nothing" test ! -e "$WORK/u"

# --- training on the tiny corpus ---------------------------------------------------
expect "textbook mode (Adam) with --subwords 2-3: exit 0" 0 tb train $SMALL --subwords 2-3 --epochs 2 \
    --save-npy --out "$WORK/tb"
check "textbook mode: the header names the subwords and the exact update" \
    grep -q ', subwords 2-3 (2000000 buckets, exact update)$' "$WORK/tb.out"
check "textbook mode: the table line gives W_in's rows" \
    grep -q '^subwords: n-grams of 2-3 characters, 2000000 buckets: [0-9]* used, W_in [0-9]* x 5 (8 words' "$WORK/tb.out"
rows=$(sed -n 's/^subwords: .*W_in \([0-9]*\) x 5.*/\1/p' "$WORK/tb.out")
check "textbook mode: W_in.npy has the table's rows, more than the words" sh -c "
    [ '${rows:-0}' -gt $V ] && grep -q 'W_in.npy (${rows:-0} x 5)$' '$WORK/tb.out'"
check "textbook mode: vectors.txt has every word's vector (V x H)" sh -c "
    head -1 '$WORK/tb/vectors.txt' | grep -qx '$V 5' && [ \$(wc -l <'$WORK/tb/vectors.txt') -eq $((V + 1)) ]"
check "OUT/subwords.model is written; dlfs2 vector --model gives vectors.txt's line of a word" sh -c "
    grep -qx 'wrote $WORK/tb/subwords.model' '$WORK/tb.out' &&
    [ \"\$('$DLFS2' vector --model '$WORK/tb/subwords.model' goodbye)\" = \"\$(grep '^goodbye ' '$WORK/tb/vectors.txt')\" ]"
expect "textbook SkipGram, hierarchical softmax, with --subwords: exit 0" 0 tbsg train $SMALL --subwords 2-3 \
    --model skipgram --loss hsoftmax --max-iters 10 --out "$WORK/tbsg"
expect "--fast (lazy Adam) with --subwords, 2 threads: exit 0" 0 fa train $SMALL --fast --threads 2 \
    --subwords 2-3 --epochs 2 --out "$WORK/fa"
expect "--fast --optimizer sgd (exact update) with --subwords: exit 0" 0 fs train $SMALL --fast --optimizer sgd \
    --threads 1 --subwords 2-4 --buckets 50 --epochs 2 --out "$WORK/fs"
check "--fast --optimizer sgd: the exact update by default" grep -q 'exact update)$' "$WORK/fs.out"
for r in a b; do
    expect "preset CBOW with --subwords, 1 thread, run $r: exit 0" 0 "p1$r" train $SMALL --preset word2vec \
        --min-count 1 --sample 0 --threads 1 --subwords 2-3 --epochs 3 --out "$WORK/p1$r"
done
check "preset CBOW with --subwords, 1 thread twice: the same bytes" cmp -s "$WORK/p1a/vectors.txt" "$WORK/p1b/vectors.txt"
check "the preset: fastText's update by default" grep -q "fastText's update)$" "$WORK/p1a.out"
expect "preset CBOW, --subword-update exact: exit 0" 0 pex train $SMALL --preset word2vec --min-count 1 \
    --sample 0 --threads 1 --subwords 2-3 --subword-update exact --epochs 3 --out "$WORK/pex"
check "the exact and fastText's updates give different vectors" sh -c "! cmp -s '$WORK/p1a/vectors.txt' '$WORK/pex/vectors.txt'"
check "the preset with --subwords: fastText's negatives, power 0.5, by default" grep -q ', power 0.5, ' "$WORK/p1a.out"
expect "preset CBOW with --subwords --power 0.75: exit 0" 0 p075 train $SMALL --preset word2vec --min-count 1 \
    --sample 0 --threads 1 --subwords 2-3 --power 0.75 --epochs 3 --out "$WORK/p075"
check "--power 0.75 overrides it, and the draws change the vectors" sh -c "
    grep -q ', power 0.75, ' '$WORK/p075.out' && ! cmp -s '$WORK/p1a/vectors.txt' '$WORK/p075/vectors.txt'"
expect "preset CBOW without --subwords: exit 0" 0 pns train $SMALL --preset word2vec --min-count 1 --sample 0 \
    --threads 1 --epochs 1 --out "$WORK/pns"
check "the preset without --subwords keeps word2vec.c's power 0.75" grep -q ', power 0.75, ' "$WORK/pns.out"
expect "preset SkipGram with --subwords, 2 threads (replicas share the table): exit 0" 0 psg train $SMALL \
    --preset word2vec --model skipgram --min-count 1 --sample 0 --threads 2 --subwords 2-3 --epochs 3 --out "$WORK/psg"
check "preset SkipGram, 2 threads: every word's vector, finite" sh -c "
    head -1 '$WORK/psg/vectors.txt' | grep -qx '$V 5' && [ \$(wc -l <'$WORK/psg/vectors.txt') -eq $((V + 1)) ] &&
    ! grep -qi 'nan\|inf' '$WORK/psg/vectors.txt'"

tap_done
