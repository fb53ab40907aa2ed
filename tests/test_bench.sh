#!/bin/sh
# test_bench.sh — TAP tests of `dlfs2 bench`: usage and usage errors, a
# missing PTB, and on the real PTB when present a short run (3 iterations,
# one epoch of the word2vec preset): a textbook row and a fast row per model
# and the word2vec row, numbers in every field, the breakdown of each row
# adding up to its total (for a fast row, to the one-thread total printed
# below the table), and s/epoch and words/s following from what is printed;
# --word2vec with a stand-in for word2vec.c's program that records its
# arguments: the arguments it gets, the ratio printed, its failure reported;
# --scale on a small generated corpus (1x and 2x, 20 iterations): the table's
# structure, the 2x corpus's words twice the 1x's, the three target lines, the
# temporary folder removed.
# The vocabulary sweep (--vocab-sizes) at small sizes on its synthetic
# corpus: its usage errors, a row per size, loss and mode with numbers whose
# breakdown adds up, the ratios following from the rows, the Huffman codes'
# lengths, and a PNG of the asked size from --plot (when gnuplot is there).
# Nothing here looks at how fast anything is.
#
#     sh tests/test_bench.sh path/to/build/dlfs2
#
# Environment as tests/test_cli.sh (DLFS2_SOURCE_ROOT, DLFS2_DATA).

DLFS2=${1:?usage: sh tests/test_bench.sh PATH/TO/dlfs2}
PLAN=68

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

# rows_well_formed MODE: the 3 rows of MODE in $OUT each have 12 fields: model, loss,
# mode, then 9 numbers (s/epoch with a '*' after it), ms/iter, words/s and peak RSS > 0
# model loss mode ms/iter sampler forward backward optimizer other s/epoch* words/s peak_MiB
rows_well_formed() {
    awk -v mode="$1" '$3 == mode {
            rows++
            if (NF != 12) exit 1
            for (i = 4; i <= 12; i++) {
                x = (i == 10) ? substr($i, 1, length($i) - 1) : $i
                if (x !~ /^[0-9]+(\.[0-9]+)?$/) exit 1
            }
            if ($10 !~ /\*$/ || $4 <= 0 || $11 <= 0 || $12 <= 0) exit 1
        } END { if (rows != 3) exit 1 }' "$OUT"
}

# --- usage -------------------------------------------------------------------
run help bench --help
check "bench --help: usage, exit 0" sh -c "[ $rc -eq 0 ] && grep -q '^Usage: dlfs2 bench' '$WORK/help.out'"
expect "bench --iters 0: exit 2" 2 iters0 bench --iters 0
expect "bench --threads 0: exit 2" 2 threads0 bench --threads 0
expect "bench --epochs 0: exit 2" 2 epochs0 bench --epochs 0
expect "bench with an extra argument: exit 2" 2 extra bench cbow
expect "bench --word2vec with a missing program: exit 2" 2 w2vmissing bench --word2vec "$WORK/nonexistent"
expect "bench --word2vec with a directory: exit 2" 2 w2vdir bench --word2vec "$WORK"

# stand-ins for word2vec.c's program: one writes its arguments to a file, one fails
FAKE_W2V=$WORK/fake-word2vec
printf '#!/bin/sh\necho "$*" >"%s"\nsleep 0.2\n' "$WORK/w2v-args" >"$FAKE_W2V"
FAILING_W2V=$WORK/failing-word2vec
printf '#!/bin/sh\nexit 3\n' >"$FAILING_W2V"
chmod +x "$FAKE_W2V" "$FAILING_W2V"
EMPTY=$WORK/empty-data
DLFS2_PTB_URL=file:///nonexistent/ "$DLFS2" bench --data-dir "$EMPTY" --no-gensim \
    >"$WORK/noptb.out" 2>"$WORK/noptb.err"
rc=$?
check "PTB missing and download failing: exit 1 naming the data dir" \
    sh -c "[ $rc -eq 1 ] && grep -q '^dlfs2: .*$EMPTY' '$WORK/noptb.err'"

# --- the vocabulary sweep (synthetic corpus, no PTB needed) -------------------
expect "bench --vocab-sizes 5: exit 2 (below 10)" 2 vs5 bench --vocab-sizes 5
expect "bench --vocab-sizes 100,,1000: exit 2" 2 vsempty bench --vocab-sizes 100,,1000
expect "bench --vocab-sizes 100 --plot x.txt: exit 2" 2 vsplot bench --vocab-sizes 100 --plot "$WORK/x.txt"
expect "bench --steps 2 without --vocab-sizes: exit 2" 2 vsalone bench --steps 2
expect "bench --vocab-sizes 100 --hidden 0: exit 2" 2 vsh0 bench --vocab-sizes 100 --hidden 0
expect "bench --vocab-sizes 100 --contention: exit 2" 2 vscont bench --vocab-sizes 100 --contention
VS=$WORK/vs.out
expect "bench --vocab-sizes 100,1000 --steps 2 --hidden 8 --batch 20: exit 0" 0 vs \
    bench --vocab-sizes 100,1000 --steps 2 --hidden 8 --batch 20 --threads 1
# the rows: "      100 softmax  textbook      0.120     0.000 ..." V loss mode then 6 numbers
check "sweep: the corpus is labelled synthetic, the load average is printed" sh -c "
    grep -q '^corpus: SYNTHETIC, Zipf-distributed' '$VS' && grep -Eq '^load average at start: [0-9.]+ [0-9.]+ [0-9.]+' '$VS' &&
    grep -q 'H 8, B 20: the median of 2 timed steps after 1 untimed' '$VS'"
check "sweep: a row per V, loss and mode, 6 numbers each" awk '
    $3 == "textbook" || $3 == "fast" {
        if (NF != 9 || ($1 != 100 && $1 != 1000)) exit 1
        if ($2 != "softmax" && $2 != "negsamp" && $2 != "hsoftmax") exit 1
        for (i = 4; i <= 9; i++) if ($i !~ /^[0-9]+\.[0-9]+$/) exit 1
        if ($4 <= 0) exit 1
        seen[$1 " " $2 " " $3]++; rows++
    } END { if (rows != 12 || length(seen) != 12) exit 1 }' "$VS"
# ms/step is the median step's total: its 5 phases, each rounded to 0.001
check "sweep: sample + forward + backward + update + other = ms/step" awk '
    $3 == "textbook" || $3 == "fast" {
        d = $5 + $6 + $7 + $8 + $9 - $4
        if (d > 0.0031 || d < -0.0031) { print "# " $0 ": off by " d; exit 1 }
        rows++
    } END { if (rows != 12) exit 1 }' "$VS"
# "      100 textbook             1.45              1.45              1.00"
check "sweep: the ratios are the rows' ms/step divided" awk '
    function near(r, printed, a, b) {
        d = r - printed; if (d < 0) d = -d
        return d <= 0.005 + r * (0.0005 / a + 0.0005 / b) + 0.0001
    }
    ($3 == "textbook" || $3 == "fast") && NF == 9 { ms[$1 " " $2 " " $3] = $4 }
    ($2 == "textbook" || $2 == "fast") && NF == 5 {
        s = ms[$1 " softmax " $2]; n = ms[$1 " negsamp " $2]; h = ms[$1 " hsoftmax " $2]
        if (s == "" || n == "" || h == "") exit 1
        # each ms is rounded to 0.001 and each ratio to 0.01
        if (!near(s / n, $3, s, n) || !near(s / h, $4, s, h) || !near(h / n, $5, h, n)) {
            print "# " $0; exit 1
        }
        lines++
    } END { if (lines != 4) exit 1 }' "$VS"
# the synthetic counts of V = 100 (word r: round(100 / r), at least 1) give these Huffman codes
check "sweep: the Huffman codes of the synthetic corpus: 516 and 7449 tokens, longest 9 and 13" sh -c "
    grep -q '^V 100: synthetic corpus of 516 tokens (the most frequent word 100 times)' '$VS' &&
    grep -q '^V 1000: synthetic corpus of 7449 tokens' '$VS' &&
    grep -Eq '^ +100 +9 +[0-9.]+ +[0-9.]+ +6\.64\$' '$VS' && grep -Eq '^ +1000 +13 +[0-9.]+ +[0-9.]+ +9\.97\$' '$VS'"
if command -v "${DLFS2_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    expect "sweep --plot FILE.png: exit 0" 0 vsp bench --vocab-sizes 100,200 --steps 1 --hidden 4 \
        --threads 1 --plot "$WORK/sweep.png"
    check "sweep --plot: a 900 x 600 PNG, named in the output" sh -c "
        [ \"\$(od -An -tx1 -j16 -N8 '$WORK/sweep.png' | tr -d ' ')\" = 0000038400000258 ] &&
        grep -q '^plot: $WORK/sweep.png (ms per step against V, log-log' '$WORK/vsp.out'"
else
    skip "sweep --plot FILE.png: exit 0" "no gnuplot"
    skip "sweep --plot: a 900 x 600 PNG, named in the output" "no gnuplot"
fi

# --- bench --scale on a generated corpus (structure only) ---------------------
run scalehelp bench --scale --help
check "bench --scale --help: usage, exit 0" sh -c "[ $rc -eq 0 ] && grep -q '^Usage: dlfs2 bench --scale' '$WORK/scalehelp.out'"
expect "bench --scale --scales 0: exit 2" 2 scales0 bench --scale --scales 0
expect "bench --scale --scales 1,x: exit 2" 2 scalesx bench --scale --scales 1,x
expect "bench --scale with a missing corpus: exit 1" 1 scalenone bench --scale --corpus "$WORK/nonexistent"
# 400 lines of 12 words from a vocabulary of 40: 4800 words + 400 <eos> = 5200 tokens
SCALE_CORPUS=$WORK/scale-corpus.txt
awk 'BEGIN { for (i = 0; i < 400; i++) { l = ""; for (j = 0; j < 12; j++) l = l (j ? " " : "") "w" ((i * 7 + j * 13) % 40); print l } }' \
    >"$SCALE_CORPUS"
mkdir "$WORK/scale-tmp"
TMPDIR=$WORK/scale-tmp "$DLFS2" bench --scale --scales 1,2 --corpus "$SCALE_CORPUS" --max-iters 20 \
    --threads 1 >"$WORK/scale.out" 2>"$WORK/scale.err"
rc=$?
check "bench --scale --scales 1,2 on a small corpus: exit 0, the load average printed" sh -c "
    [ $rc -eq 0 ] && grep -Eq '^load average before: [0-9.]+ [0-9.]+ [0-9.]+ ' '$WORK/scale.out'"
# scale words mode peak_MiB words/s s/epoch wall_s: 1x 5200 words, 2x 10400; textbook's s/epoch has a '*'
check "bench --scale: a textbook and a fast row per scale, 7 fields, words = scale x 5200" awk '
    $3 == "textbook" || $3 == "fast" {
        rows++
        if (NF != 7 || $2 != $1 * 5200) exit 1
        for (i = 4; i <= 7; i++) {
            x = (i == 6 && $3 == "textbook") ? substr($i, 1, length($i) - 1) : $i
            if (x !~ /^[0-9]+(\.[0-9]+)?$/) exit 1
        }
        if ($3 == "textbook" && $6 !~ /\*$/) exit 1
        if ($4 <= 0 || $5 <= 0) exit 1
        seen[$1 " " $3] = 1
    } END { if (rows != 4 || !(("1 textbook") in seen) || !(("2 fast") in seen)) exit 1 }' "$WORK/scale.out"
check "bench --scale: the three targets, each met or not met" sh -c "
    grep -Eq '^targets \(issue 19\), on the largest corpus \(2x, 10400 words\):$' '$WORK/scale.out' &&
    grep -Eq '^fast peak RSS <= 100 MB: [0-9.]+ MB \([0-9.]+ MiB\): (met|not met)$' '$WORK/scale.out' &&
    grep -Eq '^textbook peak RSS <= 300 MB: [0-9.]+ MB \([0-9.]+ MiB\): (met|not met)$' '$WORK/scale.out' &&
    grep -Eq '^fast words/s within 10 % of the smallest corpus.s \(1x\): [0-9]+ vs [0-9]+ \([-+][0-9.]+ %\): (met|not met)$' '$WORK/scale.out'"
check "bench --scale: its temporary folder is removed" sh -c "[ -z \"\$(ls -A '$WORK/scale-tmp')\" ]"

# --- bench --peers with stand-in programs on a tiny data folder ---------------
# The data folder: the --scale corpus as DATA/ptb/ptb.train.txt (5200 tokens), two
# analogy questions and three WordSim pairs. The stand-ins for word2vec.c, fastText
# and gensim's python3 ($DLFS2_PYTHON) append "NAME ARGS" to one log and write, where
# the real program would, vectors whose scores are worked out by hand: w0 (1,0),
# w1 (0,1), w2 (1,1), w3 (-1,2), w4 (1,-2). w1 - w0 + w2, unit rows: (-0.29, 1.71);
# of w3 and w4 (a, b, c excluded) w3 scores 1.66 and w4 -1.66, so "w0 w1 w2 w3" is
# right and "w0 w1 w2 w4" wrong: accuracy 0.5000. cos(w0, .) = 0.71 (w2), 0.45 (w4),
# 0 (w1) in the order of the human scores 9, 5, 1: rho 1.0000.
PEERS_DATA=$WORK/peers-data
mkdir -p "$PEERS_DATA/ptb" "$PEERS_DATA/eval" "$WORK/peers-tmp"
cp "$SCALE_CORPUS" "$PEERS_DATA/ptb/ptb.train.txt"
printf ': capital-common-countries\nw0 w1 w2 w3\nw0 w1 w2 w4\n' >"$PEERS_DATA/eval/questions-words.txt"
printf 'w0\tw2\t9.0\nw0\tw4\t5.0\nw0\tw1\t1.0\n' >"$PEERS_DATA/eval/wordsim353.tsv"
PEERS_LOG=$WORK/peers.log
VECS='5 2\nw0 1 0 \nw1 0 1 \nw2 1 1 \nw3 -1 2 \nw4 1 -2 \n'
FAKE_PEER_W2V=$WORK/peer-word2vec
FAKE_FASTTEXT=$WORK/peer-fasttext
FAKE_PYTHON=$WORK/peer-python
NO_GENSIM=$WORK/python-without-gensim
cat >"$FAKE_PEER_W2V" <<EOS
#!/bin/sh
echo "word2vec.c \$*" >>'$PEERS_LOG'
while [ \$# -gt 1 ]; do [ "\$1" = -output ] && out=\$2; shift; done
printf '$VECS' >"\$out"
sleep 0.2
EOS
cat >"$FAKE_FASTTEXT" <<EOS
#!/bin/sh
echo "fastText \$*" >>'$PEERS_LOG'
while [ \$# -gt 1 ]; do [ "\$1" = -output ] && out=\$2; shift; done
printf '$VECS' >"\$out.vec"
sleep 0.2
EOS
cat >"$FAKE_PYTHON" <<EOS
#!/bin/sh
[ "\$2" = "import gensim" ] && exit 0
shift 2
echo "gensim \$*" >>'$PEERS_LOG'
printf '$VECS' >"\$2"
sleep 0.2
EOS
printf '#!/bin/sh\nexit 1\n' >"$NO_GENSIM"
chmod +x "$FAKE_PEER_W2V" "$FAKE_FASTTEXT" "$FAKE_PYTHON" "$NO_GENSIM"

run peershelp bench --peers --help
check "bench --peers --help: usage, exit 0" sh -c "[ $rc -eq 0 ] && grep -q '^Usage: dlfs2 bench --peers' '$WORK/peershelp.out'"
expect "bench --peers --model foo: exit 2" 2 peersmodel bench --peers --model foo
expect "bench --peers --seeds 2 --rounds 3: exit 2" 2 peersseeds bench --peers --seeds 2 --rounds 3
expect "bench --peers --word2vec with a missing program: exit 1" 1 peersw2v bench --peers \
    --data-dir "$PEERS_DATA" --word2vec "$WORK/nonexistent"
check "bench --peers --word2vec missing: refused before anything runs" sh -c "
    grep -q '^dlfs2: bench --peers: --word2vec $WORK/nonexistent: No such file' '$WORK/peersw2v.err' &&
    [ ! -s '$WORK/peersw2v.out' ]"
expect "bench --peers --fasttext with a folder: exit 1" 1 peersft bench --peers --data-dir "$PEERS_DATA" \
    --fasttext "$WORK"

P=$WORK/peers.out
DLFS2_PYTHON=$FAKE_PYTHON TMPDIR=$WORK/peers-tmp "$DLFS2" bench --peers --data-dir "$PEERS_DATA" --epochs 1 \
    --threads 1 --rounds 2 --word2vec "$FAKE_PEER_W2V" --fasttext "$FAKE_FASTTEXT" >"$P" 2>"$WORK/peers.err"
rc=$?
check "bench --peers --rounds 2 with the stand-ins: exit 0, the load average and 5200 tokens printed" sh -c "
    [ $rc -eq 0 ] && grep -Eq '^load average at start: [0-9.]+ [0-9.]+ [0-9.]+ ' '$P' &&
    grep -q '^peers: $PEERS_DATA/ptb/ptb.train.txt (5200 tokens: words and line ends); 1 epoch, 1 thread, 2 rounds, seed 1' '$P' &&
    ! grep -q skipped '$P'"
# the run lines: per model, round 1 then round 2, each dlfs2 gensim word2vec.c fastText
check "bench --peers --rounds 2: each system twice, in turn (the run lines)" sh -c "
    [ \"\$(awk '\$2 == \"round\" { printf \"%s %s %s %s;\", \$1, \$3, \$6, (\$6 == \"dlfs2\" ? \"\" : \"\") }' '$P')\" = \
'CBOW 1/2, dlfs2 ;CBOW 1/2, gensim ;CBOW 1/2, word2vec.c ;CBOW 1/2, fastText ;CBOW 2/2, dlfs2 ;CBOW 2/2, gensim ;CBOW 2/2, word2vec.c ;CBOW 2/2, fastText ;SkipGram 1/2, dlfs2 ;SkipGram 1/2, gensim ;SkipGram 1/2, word2vec.c ;SkipGram 1/2, fastText ;SkipGram 2/2, dlfs2 ;SkipGram 2/2, gensim ;SkipGram 2/2, word2vec.c ;SkipGram 2/2, fastText ;' ]"
check "bench --peers --rounds 2: the stand-ins ran in turn, twice per model" sh -c "
    [ \"\$(cut -d' ' -f1 '$PEERS_LOG' | tr '\n' ' ')\" = 'gensim word2vec.c fastText gensim word2vec.c fastText gensim word2vec.c fastText gensim word2vec.c fastText ' ]"
# the vectors go into the temporary folder TMPDIR/dlfs2-peers-XXXXXX
TMPRE="$WORK/peers-tmp/dlfs2-peers-[A-Za-z0-9]{6}"
CORPUS_ARG="$PEERS_DATA/ptb/ptb.train.txt"
check "bench --peers: word2vec.c gets the recipe (-cbow 1, then -cbow 0 and -alpha 0.025)" sh -c "
    [ \$(grep -c '^word2vec.c ' '$PEERS_LOG') -eq 4 ] &&
    [ \$(grep -Ec '^word2vec.c -train $CORPUS_ARG -output $TMPRE/word2vec.txt -cbow 1 -size 100 -window 5 -negative 5 -hs 0 -sample 0.001 -min-count 5 -alpha 0.05 -threads 1 -iter 1 -binary 0\$' '$PEERS_LOG') -eq 2 ] &&
    [ \$(grep -Ec '^word2vec.c -train $CORPUS_ARG -output $TMPRE/word2vec.txt -cbow 0 -size 100 -window 5 -negative 5 -hs 0 -sample 0.001 -min-count 5 -alpha 0.025 -threads 1 -iter 1 -binary 0\$' '$PEERS_LOG') -eq 2 ]"
check "bench --peers: fastText gets the recipe without subwords" sh -c "
    [ \$(grep -Ec '^fastText cbow -input $CORPUS_ARG -output $TMPRE/fasttext -minn 0 -maxn 0 -t 0.001 -minCount 5 -ws 5 -neg 5 -epoch 1 -dim 100 -thread 1 -lr 0.05 -seed 1\$' '$PEERS_LOG') -eq 2 ] &&
    [ \$(grep -Ec '^fastText skipgram -input $CORPUS_ARG -output $TMPRE/fasttext -minn 0 -maxn 0 -t 0.001 -minCount 5 -ws 5 -neg 5 -epoch 1 -dim 100 -thread 1 -lr 0.025 -seed 1\$' '$PEERS_LOG') -eq 2 ]"
# gensim's script: corpus, output, sg, workers, epochs, seed, alpha, sample, min_count
check "bench --peers: gensim gets the recipe (sg 0 and 1)" sh -c "
    [ \$(grep -Ec '^gensim $CORPUS_ARG $TMPRE/gensim.txt 0 1 1 1 0.05 0.001 5\$' '$PEERS_LOG') -eq 2 ] &&
    [ \$(grep -Ec '^gensim $CORPUS_ARG $TMPRE/gensim.txt 1 1 1 1 0.025 0.001 5\$' '$PEERS_LOG') -eq 2 ]"
check "bench --peers: its temporary folder is removed" sh -c "[ -z \"\$(ls -A '$WORK/peers-tmp')\" ]"
# "dlfs2 / gensim: 0.250 (median 0.050 s / 0.200 s); median of the rounds' ratios 0.248"
# each median is rounded to 0.001 s, the ratio to 0.001
check "bench --peers: the ratios are the printed medians divided" awk '
    $1 == "dlfs2" && $2 == "/" && $5 == "(median" {
        a = $6; b = $9
        if (b < 0.2) { print "# " $3 " took " b " s, less than its sleep"; exit 1 }
        r = a / b
        tol = 0.0005 + r * (0.0005 / a + 0.0005 / b) + 0.00001
        if ($4 - r > tol || r - $4 > tol) { print "# " $0 ": from the medians " r; exit 1 }
        lines++
    } END { if (lines != 6) exit 1 }' "$P"
# "dlfs2  0.050  0.040  0.060  104000  13.5  0.0000 ± 0.0000  -1.0000 ± 0.0000": words/s per
# thread = 5200 x 1 epoch / median / 1 thread (the median rounded to 0.001 s)
check "bench --peers: a row per system and model, words/s per thread = 5200 / median" awk '
    ($1 == "dlfs2" || $1 == "gensim" || $1 == "word2vec.c" || $1 == "fastText") && NF == 12 && $8 == "±" {
        if ($3 > $2 || $2 > $4) exit 1
        w = 5200 / $2; d = $5 - w; if (d < 0) d = -d
        if (d > 0.5 + w * 0.0005 / $2 + 1) { print "# " $0 ": words/s from the median " w; exit 1 }
        rows++
    } END { if (rows != 8) exit 1 }' "$P"
check "bench --peers: the stand-ins' vectors score analogy 0.5000 and rho 1.0000 in every round" sh -c "
    [ \$(grep -Ec '^(gensim|word2vec.c|fastText) +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9.]+  0.5000 ± 0.0000   1.0000 ± 0.0000 *\$' '$P') -eq 6 ] &&
    [ \$(grep -Ec ': (gensim|word2vec.c|fastText) .* analogy 0.5000, rho 1.0000\$' '$P') -eq 12 ]"
check "bench --peers: the 7 targets, each met or not met" sh -c "
    grep -Eq '^CBOW: dlfs2 <= 0.5x gensim.s time: [0-9.]+x: (met|not met)\$' '$P' &&
    grep -Eq '^CBOW: dlfs2 <= 0.2x word2vec.c.s time: [0-9.]+x: (met|not met)\$' '$P' &&
    grep -Eq '^SkipGram: dlfs2 <= 0.5x gensim.s time: [0-9.]+x: (met|not met)\$' '$P' &&
    [ \$(grep -Ec '^(CBOW|SkipGram): dlfs2.s (analogy|WordSim-353 rho) >= the best peer.s mean - its sd: -?[0-9.]+ vs (0.5000|1.0000) \(gensim (0.5000|1.0000) - 0.0000\): (met|not met)\$' '$P') -eq 4 ]"

: >"$PEERS_LOG"
DLFS2_PYTHON=$FAKE_PYTHON "$DLFS2" bench --peers --data-dir "$PEERS_DATA" --epochs 1 --threads 1 --seeds 2 \
    --model skipgram --fasttext "$FAKE_FASTTEXT" >"$WORK/seeds.out" 2>"$WORK/seeds.err"
rc=$?
check "bench --peers --seeds 2: seeds 1 and 2 to gensim and fastText, word2vec.c skipped, CBOW not run" sh -c "
    [ $rc -eq 0 ] && [ \"\$(awk '{ print \$1, \$NF }' '$PEERS_LOG' | tr '\n' ' ')\" = 'gensim 5 fastText 1 gensim 5 fastText 2 ' ] &&
    [ \$(grep -Ec '^gensim .* 1 1 1 1 0.025 0.001 5\$' '$PEERS_LOG') -eq 1 ] &&
    [ \$(grep -Ec '^gensim .* 1 1 1 2 0.025 0.001 5\$' '$PEERS_LOG') -eq 1 ] &&
    grep -q '^SkipGram round 2/2, seed 2: dlfs2 ' '$WORK/seeds.out' &&
    grep -q '^word2vec.c: skipped: not given (--word2vec PATH)\$' '$WORK/seeds.out' &&
    grep -q '^CBOW: dlfs2 <= 0.5x gensim.s time: not measured (CBOW not run)\$' '$WORK/seeds.out' &&
    grep -q '^SkipGram: dlfs2 <= 0.5x gensim.s time: [0-9.]*x' '$WORK/seeds.out'"
DLFS2_PYTHON=$FAKE_PYTHON "$DLFS2" bench --peers --data-dir "$PEERS_DATA" --epochs 1 --threads 1 --rounds 1 \
    --model cbow --shared-negatives >"$WORK/shared.out" 2>"$WORK/shared.err"
rc=$?
check "bench --peers --shared-negatives: the dlfs2-shared row after dlfs2's, its ratio and its targets" sh -c "
    [ $rc -eq 0 ] &&
    [ \"\$(awk '\$2 == \"round\" { printf \"%s;\", \$6 }' '$WORK/shared.out')\" = 'dlfs2;dlfs2-shared;gensim;' ] &&
    grep -Eq '^dlfs2-shared +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9.]+  -?[0-9.]+ ± 0.0000 ' '$WORK/shared.out' &&
    grep -Eq '^dlfs2 / dlfs2-shared: [0-9.]+ \(median ' '$WORK/shared.out' &&
    grep -Eq '^dlfs2-shared / gensim: [0-9.]+ \(median ' '$WORK/shared.out' &&
    grep -Eq '^CBOW: dlfs2-shared <= 0.5x gensim.s time: [0-9.]+x: (met|not met)\$' '$WORK/shared.out' &&
    grep -Eq '^CBOW: dlfs2-shared.s analogy >= the best peer.s mean - its sd: -?[0-9.]+ vs 0.5000 \(gensim 0.5000 - 0.0000\): (met|not met)\$' '$WORK/shared.out' &&
    grep -Eq '^CBOW: dlfs2 <= 0.5x gensim.s time: [0-9.]+x: (met|not met)\$' '$WORK/shared.out'"
: >"$PEERS_LOG"
DLFS2_PYTHON=$FAKE_PYTHON "$DLFS2" bench --peers --data-dir "$PEERS_DATA" --epochs 1 --threads 1 --rounds 1 \
    --model skipgram --fasttext "$FAKE_FASTTEXT" --subwords 3-6 >"$WORK/sub.out" 2>"$WORK/sub.err"
rc=$?
check "bench --peers --subwords 3-6: dlfs2-sub and fastText-sub rows, their ratios and issue 22's targets" sh -c "
    [ $rc -eq 0 ] &&
    [ \"\$(awk '\$2 == \"round\" { printf \"%s;\", \$6 }' '$WORK/sub.out')\" = 'dlfs2;gensim;fastText;dlfs2-sub;fastText-sub;' ] &&
    grep -Eq '^fastText skipgram .* -minn 0 -maxn 0 ' '$PEERS_LOG' &&
    grep -Eq '^fastText skipgram .* -minn 3 -maxn 6 ' '$PEERS_LOG' &&
    grep -Eq '^dlfs2-sub +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9.]+  -?[0-9.]+ ± 0.0000 ' '$WORK/sub.out' &&
    grep -Eq '^dlfs2-sub / fastText-sub: [0-9.]+ \(median ' '$WORK/sub.out' &&
    ! grep -Eq '^dlfs2 / (dlfs2-sub|fastText-sub):' '$WORK/sub.out' &&
    grep -Eq '^SkipGram: dlfs2-sub.s analogy >= fastText-sub.s mean: -?[0-9.]+ vs 0.5000: (met|not met)\$' '$WORK/sub.out' &&
    grep -Eq '^SkipGram: dlfs2-sub.s WordSim-353 rho >= fastText-sub.s mean: -?[0-9.]+ vs 1.0000: (met|not met)\$' '$WORK/sub.out' &&
    grep -Eq '^SkipGram: dlfs2-sub.s time <= 0.5x fastText-sub.s: [0-9.]+x \([0-9.]+ s / [0-9.]+ s\): (met|not met)\$' '$WORK/sub.out' &&
    grep -Eq '^SkipGram: dlfs2-sub.s peak memory <= 0.5x fastText-sub.s: [0-9.]+x \([0-9.]+ MiB / [0-9.]+ MiB\): (met|not met)\$' '$WORK/sub.out' &&
    grep -q '^CBOW: dlfs2-sub.s analogy >= fastText-sub.s mean: not measured (not run)\$' '$WORK/sub.out'"
expect "bench --peers --subwords 6-3: exit 2" 2 peerssub bench --peers --subwords 6-3
DLFS2_PYTHON=$NO_GENSIM "$DLFS2" bench --peers --data-dir "$PEERS_DATA" --epochs 1 --threads 1 --rounds 1 \
    --model cbow >"$WORK/alone.out" 2>"$WORK/alone.err"
rc=$?
check "bench --peers without peers: each skipped once, the targets not measured" sh -c "
    [ $rc -eq 0 ] && [ \$(grep -Ec '^(gensim|word2vec.c|fastText): skipped: ' '$WORK/alone.out') -eq 3 ] &&
    grep -q '^gensim: skipped: $NO_GENSIM cannot import gensim (install python3-gensim)\$' '$WORK/alone.out' &&
    grep -q '^fastText: skipped: not given (--fasttext PATH)\$' '$WORK/alone.out' &&
    grep -q '^CBOW: dlfs2 <= 0.2x word2vec.c.s time: not measured (word2vec.c skipped)\$' '$WORK/alone.out' &&
    grep -q '^CBOW: dlfs2.s analogy >= the best peer.s mean - its sd: not measured (no peer ran)\$' '$WORK/alone.out' &&
    [ \$(grep -c ' round ' '$WORK/alone.out') -eq 1 ]"
DLFS2_PYTHON=$NO_GENSIM "$DLFS2" bench --peers --data-dir "$PEERS_DATA" --epochs 2 --threads 1 --rounds 2 \
    --model cbow --word2vec "$FAKE_PEER_W2V" >"$WORK/w2vone.out" 2>"$WORK/w2vone.err"
rc=$?
check "bench --peers --threads 1 --epochs 2 with word2vec.c: its one-epoch warning, and the note on its sd" sh -c "
    [ $rc -eq 0 ] &&
    grep -q '^word2vec.c: warning: with -threads 1, tmikolov.s word2vec.c trains its first epoch only\$' '$WORK/w2vone.out' &&
    grep -Eq '^CBOW: dlfs2.s WordSim-353 rho >= the best peer.s mean - its sd: -?[0-9.]+ vs 1.0000 \(word2vec.c 1.0000 - 0.0000\): (met|not met)\$' '$WORK/w2vone.out' &&
    [ \$(grep -c '^  (word2vec.c has no seed: its sd is the spread of one random stream' '$WORK/w2vone.out') -eq 2 ] &&
    ! grep -q 'trains its first epoch only' '$P' && ! grep -q 'word2vec.c has no seed: its sd' '$P'"

# --- a short run on PTB ------------------------------------------------------
find_ptb
if [ -z "$PTB" ]; then
    for t in "bench on PTB, 3 iterations: exit 0" "a row per model, mode textbook" \
        "every row: 9 numbers after model, loss, mode" \
        "every row: sampler + forward + backward + optimizer + other = ms/iter" \
        "every row: s/epoch = ms/iter x 9295 / 1000" "the references and the gensim line are printed" \
        "a fast row per model and the word2vec row" "fast rows: 9 numbers after model, loss, mode" \
        "fast rows: sampler + forward + backward + optimizer + other = the one-thread ms/iter" \
        "fast rows: s/epoch and words/s from ms/iter and the time outside the step loops" \
        "word2vec row: 4 numbers, no breakdown" \
        "word2vec row: s/epoch = fit time / epochs, words/s = rows / fit time" \
        "--word2vec: word2vec.c's program gets the preset's recipe on ptb.train.txt" \
        "--word2vec: the ratio is the word2vec row's time / word2vec.c's" \
        "--word2vec with a failing program: exit 1 naming its status"; do
        skip "$t" "no PTB (set DLFS2_DATA)"
    done
else
    OUT=$WORK/bench.out
    expect "bench on PTB, 3 iterations: exit 0" 0 bench bench --data-dir "$PTB" --iters 3 \
        --warmup 1 --epochs 1 --no-gensim --threads 2 --word2vec "$FAKE_W2V"
    check "a row per model, mode textbook" sh -c "
        grep -Eq '^CBOW +negsamp +textbook ' '$OUT' && grep -Eq '^SkipGram +negsamp +textbook ' '$OUT' &&
        grep -Eq '^CBOW +softmax +textbook ' '$OUT' && [ \$(grep -Ec ' textbook ' '$OUT') -eq 3 ]"
    check "every row: 9 numbers after model, loss, mode" rows_well_formed textbook
    # each of the 6 printed values is rounded to 0.001 ms: 6 half-units at most
    check "every row: sampler + forward + backward + optimizer + other = ms/iter" awk '
        $3 == "textbook" {
            rows++
            d = $5 + $6 + $7 + $8 + $9 - $4
            if (d > 0.0031 || d < -0.0031) { print "# " $1 " " $2 ": off by " d; exit 1 }
        } END { if (rows != 3) exit 1 }' "$OUT"
    # s/epoch (0.1 s) from ms/iter (0.001 ms) x 9295 iterations per epoch
    check "every row: s/epoch = ms/iter x 9295 / 1000" awk '$3 == "textbook" {
            rows++
            d = substr($10, 1, length($10) - 1) - $4 * 9295 / 1000
            if (d > 0.056 || d < -0.056) exit 1
        } END { if (rows != 3) exit 1 }' "$OUT"
    check "the references and the gensim line are printed" sh -c "
        grep -Eq '^memory bandwidth: [0-9.]+ GB/s' '$OUT' &&
        [ \$(grep -Ec '^  (CBOW|SkipGram) +(negsamp|softmax) +28 B x 2000000 / ' '$OUT') -eq 3 ] &&
        grep -Eq '^sgemm throughput: [0-9.]+ GFLOP/s' '$OUT' &&
        grep -Eq '^  CBOW softmax: 3 x 2 x 100 x 100 x 10000 / ' '$OUT' &&
        grep -q '^gensim: skipped (--no-gensim)' '$OUT'"

    # --- the fast rows and the word2vec row ---
    check "a fast row per model and the word2vec row" sh -c "
        grep -Eq '^CBOW +negsamp +fast ' '$OUT' && grep -Eq '^SkipGram +negsamp +fast ' '$OUT' &&
        grep -Eq '^CBOW +softmax +fast ' '$OUT' && [ \$(grep -Ec '^[A-Za-z]+ +[a-z]+ +fast ' '$OUT') -eq 3 ] &&
        [ \$(grep -Ec '^CBOW +negsamp +word2vec ' '$OUT') -eq 1 ]"
    check "fast rows: 9 numbers after model, loss, mode" rows_well_formed fast
    # the breakdown is one thread's step: its sum is the "one thread X ms/iter"
    # printed below the table ("  CBOW     negsamp fast: one thread 1.053 ms/iter; ...")
    check "fast rows: sampler + forward + backward + optimizer + other = the one-thread ms/iter" awk '
        $3 == "fast" { sum[$1 " " $2] = $5 + $6 + $7 + $8 + $9 }
        $3 == "fast:" && $4 == "one" && $5 == "thread" && $7 == "ms/iter;" {
            k = $1 " " $2
            if (!(k in sum)) { print "# no row for " k; exit 1 }
            d = sum[k] - $6
            if (d > 0.0031 || d < -0.0031) { print "# " k ": off by " d; exit 1 }
            lines++
        } END { if (lines != 3) exit 1 }' "$OUT"
    # "...; 2 threads 1.331 ms/iter (0.79x); outside the loops 7.3 ms/epoch":
    # s/epoch = (ms/iter x 9295 + outside) / 1000 (0.1 s), words/s = 100 x 9295 / s/epoch
    check "fast rows: s/epoch and words/s from ms/iter and the time outside the step loops" awk '
        $3 == "fast" { ms[$1 " " $2] = $4; spe[$1 " " $2] = substr($10, 1, length($10) - 1); wps[$1 " " $2] = $11 }
        $3 == "fast:" && $NF == "ms/epoch" {
            k = $1 " " $2
            if (!(k in ms) || $(NF - 4) != "outside") exit 1
            s = (ms[k] * 9295 + $(NF - 1)) / 1000
            d = spe[k] - s
            if (d > 0.056 || d < -0.056) { print "# " k ": s/epoch off by " d; exit 1 }
            r = wps[k] * s / (100 * 9295) - 1
            if (r > 0.02 || r < -0.02) { print "# " k ": words/s off by " r; exit 1 }
            lines++
        } END { if (lines != 3) exit 1 }' "$OUT"
    check "word2vec row: 4 numbers, no breakdown" awk '$3 == "word2vec" {
            rows++
            if (NF != 12) exit 1
            for (i = 5; i <= 9; i++) if ($i != "-") exit 1
            for (i = 4; i <= 12; i++) if (i < 5 || i > 9) if ($i !~ /^[0-9]+(\.[0-9]+)?$/) exit 1
            if ($4 <= 0 || $11 <= 0 || $12 <= 0) exit 1
        } END { if (rows != 1) exit 1 }' "$OUT"
    # "  CBOW     negsamp word2vec: 1 epoch in 0.450 s (making the rows 0.030 s), 648100 rows in 6481 steps"
    check "word2vec row: s/epoch = fit time / epochs, words/s = rows / fit time" awk '
        $3 == "word2vec" { ms = $4; spe = $10; wps = $11 }
        $3 == "word2vec:" && $NF == "steps" {
            if ($4 != 1 || $5 != "epoch" || $6 != "in") exit 1
            fit = $7; rows = $14; steps = $17
            d = spe - fit / $4
            if (d > 0.051 || d < -0.051) { print "# s/epoch off by " d; exit 1 }
            r = wps * fit / rows - 1
            if (r > 0.01 || r < -0.01) { print "# words/s off by " r; exit 1 }
            if (rows != 100 * steps) { print "# " rows " rows in " steps " steps of 100"; exit 1 }
            # the step loops run inside fit: ms/iter x steps <= fit time
            if (ms * steps / 1000 > fit + 0.001 + 0.0005 * steps / 1000) { print "# ms/iter too large"; exit 1 }
            lines++
        } END { if (lines != 1) exit 1 }' "$OUT"

    # --- word2vec.c, played by the stand-in ---
    check "--word2vec: word2vec.c's program gets the preset's recipe on ptb.train.txt" sh -c "
        [ \"\$(cat '$WORK/w2v-args')\" = '-train $PTB/ptb.train.txt -output /dev/null -cbow 1 -size 100 -window 5 -negative 5 -hs 0 -sample 0.001 -min-count 5 -alpha 0.05 -threads 2 -iter 1 -binary 1' ]"
    # "  -threads 2 -iter 1: 0.21 s for 1 epoch = 0.21 s/epoch (the process's wall time,"
    # "dlfs2 CBOW negsamp word2vec: 0.45 s/epoch = 2.14 x word2vec.c's time"
    # each printed value is rounded to 0.01: the ratio of the two printed times may
    # differ from the printed ratio by 0.005 plus what the times' rounding moves it
    check "--word2vec: the ratio is the word2vec row's time / word2vec.c's" awk '
        $1 == "-threads" && $7 == "for" { w2v = $5 }
        $4 == "word2vec:" && $10 == "word2vec.c'"'"'s" {
            if (w2v < 0.2) { print "# word2vec.c took " w2v " s, less than its sleep"; exit 1 }
            r = $5 / w2v
            tol = 0.005 + r * (0.005 / $5 + 0.005 / w2v) + 0.0001
            if ($8 - r > tol || r - $8 > tol) { print "# ratio " $8 ", from the times " r; exit 1 }
            lines++
        } END { if (lines != 1) exit 1 }' "$OUT"
    run w2vfail bench --data-dir "$PTB" --iters 1 --warmup 0 --epochs 1 --no-gensim --word2vec "$FAILING_W2V"
    check "--word2vec with a failing program: exit 1 naming its status" sh -c "
        [ $rc -eq 1 ] && grep -q '^dlfs2: word2vec.c: .*failing-word2vec exited with status 3' '$WORK/w2vfail.err'"
fi

tap_done
exit 0
