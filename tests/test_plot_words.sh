#!/bin/sh
# test_plot_words.sh — TAP tests of `dlfs2 plot-words` (cli/cmd_plot_words.c)
# on a hand-made vectors file: a PNG of the asked size (read from its IHDR
# chunk) and the default size, an SVG that carries the asked words, the
# printed coordinates (the map's sign rule makes them exact), a word found
# lower-cased, --help, and the errors: a missing vectors file, an unknown word (all
# of them named, nothing written), fewer than 2 words, no --out, a bad
# --size or file name; the default word list on a vocabulary that holds
# only some of it. Needs gnuplot (gnuplot-nox).
#
#     sh tests/test_plot_words.sh DLFS2

DLFS2=${1:?usage: sh tests/test_plot_words.sh DLFS2}
PLAN=31
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}
. "$SRC/tests/tap.sh"

# png_size FILE: "W H" from a PNG's IHDR chunk (bytes 16..23, big-endian)
png_size() {
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4,
                                                   (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'
}

# 3-D vectors; king, queen and man lie on one line, at 1, 2 and 6 along
# (1, 0, 0). Of the default list it holds only two and january.
V=$WORK/vectors.txt
cat >"$V" <<'EOF'
7 3
king 1 0 0
queen 2 0 0
man 6 0 0
woman 0 1 0
one 0 0 1
two 0 0 2
january 1 1 1
EOF

expect "--help: exit 0" 0 help plot-words --help
check "--help prints the usage" grep -q '^Usage: dlfs2 plot-words' "$WORK/help.out"

expect "a PNG of the asked size: exit 0" 0 png plot-words --vectors "$V" --words king,queen,man,woman \
    --out "$WORK/map.png" --size 320x240
check "the PNG is 320 x 240 pixels" test "$(png_size "$WORK/map.png")" = "320 240"
check "no .tmp file is left" test ! -e "$WORK/map.png.tmp"
check "one line per word, then the variance and the file" test "$(wc -l <"$WORK/png.out")" -eq 6
check "the last line names the file and its size" \
    grep -qx "wrote $WORK/map.png (320 x 240, 4 words)" "$WORK/png.out"

expect "the default size: exit 0" 0 default plot-words --vectors "$V" --words king,queen --out "$WORK/d.png"
check "the default PNG is 800 x 600 pixels" test "$(png_size "$WORK/d.png")" = "800 600"

expect "an SVG: exit 0" 0 svg plot-words --vectors "$V" --words 'King, queen ,man,,woman,january' \
    --out "$WORK/map.svg" --size 500x400
check "the SVG is 500 x 400" grep -q '^ *width="500" height="400"' "$WORK/map.svg"
for w in king queen man woman january; do
    check "the SVG carries '$w'" grep -q ">$w<" "$WORK/map.svg"
done

# --raw on the line: centred 1, 2, 6 -> -2, -1, 3 (3 is the farthest: positive); axis 2 is 0
expect "--raw: exit 0" 0 raw plot-words --vectors "$V" --words king,queen,man --raw --out "$WORK/raw.svg"
check "--raw: the coordinates along the line" \
    test "$(head -3 "$WORK/raw.out" | tr '\n' ' ')" = "king -2.0000 0.0000 queen -1.0000 0.0000 man 3.0000 0.0000 "
check "--raw: axis 1 shows all the variance" grep -qx "axis 1 shows 100.0% of the variance, axis 2 0.0%" "$WORK/raw.out"

expect "a missing vectors file: exit 1" 1 missing plot-words --vectors "$WORK/none.txt" --out "$WORK/m.png"
check "the message names the file" grep -q "none.txt" "$WORK/missing.err"

expect "unknown words: exit 1" 1 unknown plot-words --vectors "$V" --words king,zebra,queen,yak --out "$WORK/u.png"
check "the message names every unknown word" grep -q "'zebra', 'yak'" "$WORK/unknown.err"
check "nothing is written for unknown words" test ! -e "$WORK/u.png"

expect "one word: exit 2" 2 one plot-words --vectors "$V" --words king --out "$WORK/o.png"
expect "the same word twice: exit 2" 2 twice plot-words --vectors "$V" --words king,King --out "$WORK/t.png"
expect "no --out: exit 2" 2 noout plot-words --vectors "$V" --words king,queen
expect "a .jpg --out: exit 2" 2 jpg plot-words --vectors "$V" --words king,queen --out "$WORK/a.jpg"
expect "a bad --size: exit 2" 2 size plot-words --vectors "$V" --words king,queen --out "$WORK/s.png" --size 800
expect "a --size too small: exit 2" 2 small plot-words --vectors "$V" --words king,queen --out "$WORK/s.png" \
    --size 8x600

# the default list: this vocabulary holds two and january of it; the others are named in a note
run deflist plot-words --vectors "$V" --out "$WORK/def.svg"
check "the default words the vocabulary holds: exit 0 and a note naming the others" \
    sh -c "[ $rc -eq 0 ] && grep -q 'left out:.* three' '$WORK/deflist.err' && grep -qx 'wrote $WORK/def.svg (800 x 600, 2 words)' '$WORK/deflist.out'"
tap_done
