#!/bin/sh
# test_bad_input.sh — TAP tests of what dlfs2 does with bad corpus and
# word-vector files (issue 8): each is refused with exit 1 and exactly one
# line on stderr, "dlfs2: FILE...: why", and nothing already written is
# touched. What tests/test_cli.sh covers (a missing or short-rowed vectors
# file, a missing file to convert) is not repeated here.
#
#     sh tests/test_bad_input.sh path/to/build/dlfs2
#
# Corpus files (dlfs2 train --corpus FILE): empty, binary, not UTF-8 (refused
# with the byte's offset: the textbook's Python reads UTF-8 and gensim reads
# the words of a vectors file as strict UTF-8), one enormous word, a missing
# final newline (valid), a byte-order mark (skipped), a stream without end
# (/dev/zero: read a chunk at a time, refused at its first NUL byte). A vocabulary too large
# for the int32_t ids is caught by the same reader's limit, tested with a
# small limit in tests/test_readers.c (2^31 words do not fit in a test).
# Vector files (dlfs2 similar / eval / convert --vectors FILE): truncated,
# another format, a header that disagrees with the rows about V or H, absurd
# sizes; words that are not UTF-8 are read as bytes, as word2vec.c writes
# them (it cuts words at 100 bytes, inside a character if need be).

DLFS2=${1:?usage: sh tests/test_bad_input.sh PATH/TO/dlfs2}
PLAN=46

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"

# refused DESC NAME TEXT ARGS...: dlfs2 ARGS exits 1 with exactly one stderr
# line, which starts with "dlfs2: " and contains TEXT (a fixed string).
refused() {
    desc=$1 name=$2 text=$3
    shift 3
    run "$name" "$@"
    err=$WORK/$name.err
    if [ "$rc" -eq 1 ] && [ "$(wc -l <"$err")" -eq 1 ] && grep -q '^dlfs2: ' "$err" &&
        grep -qF -- "$text" "$err"; then
        pass "$desc"
    else
        fail "$desc"
        echo "# dlfs2 $*: exit $rc, expected 1 and one 'dlfs2: ' line holding: $text"
        show "$err"
    fi
}

# --- corpus files -------------------------------------------------------------
OUT=$WORK/out
mkdir -p "$OUT"
printf 'earlier\n' >"$OUT/vectors.txt"
printf 'earlier\n' >"$OUT/loss.csv"
cp "$OUT/vectors.txt" "$WORK/sentinel"
C=$WORK/empty.txt
: >"$C"
refused "empty corpus: exit 1, 'no tokens'" empty "$C: no tokens" train --corpus "$C" --out "$OUT"
C=$WORK/blank.txt
printf ' \t\r\n\n \n' >"$C"
# only newlines: three "<eos>" tokens, one word: a valid corpus, too small for the defaults
run blank train --corpus "$C" --window 1 --out "$OUT"
check "corpus of blank lines: exit 2 (too small for the options), one message" \
    sh -c 'test "$1" -eq 2 && test "$(wc -l <"$2")" -eq 1 && grep -q "^dlfs2: --" "$2"' - "$rc" \
    "$WORK/blank.err"

# binary: an ELF program (7f 'E' 'L' 'F' 02 01 01 00: a NUL first); gzip's magic (1f 8b) is read as gzip
C=$WORK/program
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000>\000' >"$C"
refused "an ELF program as corpus: exit 1, NUL byte named by offset" elf "$C:1: NUL byte at offset 7 (not a text file?)" \
    train --corpus "$C" --out "$OUT"
C=$WORK/corpus.txt.gz
printf '\037\213\010\000\000\000\000\000\000\003you say\n' >"$C"
refused "broken gzip corpus (a header, then text): exit 1, the gzip data named corrupt" gz \
    "$C: corrupt gzip data after 0 bytes of text: invalid stored block lengths" train --corpus "$C" --out "$OUT"
C=$WORK/photo.jpg
printf '\377\330\377\340 JFIF' >"$C"
refused "JPEG as corpus: exit 1, first byte not UTF-8" jpg "$C:1: byte 0xFF at offset 0 is not UTF-8" \
    train --corpus "$C" --out "$OUT"

# invalid UTF-8: Latin-1 "café" on line 2, at byte offset 23
C=$WORK/latin1.txt
printf 'you say goodbye\nand caf\351 .\n' >"$C"
refused "Latin-1 corpus: exit 1, line and byte offset named" latin1 \
    "$C:2: byte 0xE9 at offset 23 is not UTF-8 (not a text file, or another encoding: convert it with iconv -t UTF-8)" \
    train --corpus "$C" --out "$OUT"
C=$WORK/surrogate.txt
printf 'you \355\240\200 say\n' >"$C"
refused "UTF-8-encoded surrogate: exit 1" surrogate "$C:1: byte 0xED at offset 4 is not UTF-8" \
    train --corpus "$C" --out "$OUT"

# one enormous word: 10 MB without whitespace after a normal line
C=$WORK/huge.txt
tiny_corpus "$C"
head -c 10000000 /dev/zero | tr '\0' 'a' >>"$C"
refused "a 10 MB word: exit 1, its size, offset and the limit" huge \
    "$C:11: a word of 10000000 bytes at offset 340 ('aaaaaaaaaaaaaaaaaaaa...'), longer than the 1024 allowed" \
    train --corpus "$C" --out "$OUT"
check "... and the message stays short" test "$(wc -c <"$WORK/huge.err")" -lt 400

# a stream that never ends: read a chunk at a time (datasets/token_stream.h), refused at its first NUL
refused "--corpus /dev/zero: exit 1, the NUL byte named" devzero \
    "/dev/zero:1: NUL byte at offset 0 (not a text file?)" \
    train --corpus /dev/zero --out "$OUT"

# nothing was written by any refused run
check "refused corpora: the vectors.txt already in --out is untouched" cmp -s "$WORK/sentinel" "$OUT/vectors.txt"
check "refused corpora: the loss.csv already in --out is untouched" cmp -s "$WORK/sentinel" "$OUT/loss.csv"

C=$WORK/missing.txt
refused "missing corpus: exit 1, 'cannot open'" missing "cannot open $C" train --corpus "$C" --out "$OUT"
refused "a directory as corpus: exit 1, 'cannot read'" dir "cannot read $WORK" train --corpus "$WORK" --out "$OUT"

# valid: no newline at the end; the last line ends without "<eos>"
C=$WORK/nonl.txt
tiny_corpus "$C"
printf 'you say goodbye and i say hello .' >>"$C"
run nonl train --corpus "$C" --window 1 --hidden 5 --batch 3 --sample-size 2 --epochs 2 --out "$WORK/nonl"
check "corpus without a final newline: trains, exit 0" test "$rc" -eq 0
check "... 98 tokens (10 lines of 8 words and <eos>, then 8 words), vocabulary of 8" \
    grep -q '^corpus size: 98, vocab size: 8,' "$WORK/nonl.out"
check "... vectors.txt written, 8 words of 5" test "$(head -n 1 "$WORK/nonl/vectors.txt" 2>/dev/null)" = "8 5"
C=$WORK/oneline.txt
printf 'you say goodbye and i say hello .' >"$C"
run oneline train --corpus "$C" --window 1 --hidden 5 --batch 3 --sample-size 2 --epochs 2 --out "$WORK/oneline"
check "one line, no newline at all: trains on 7 words, no <eos>" \
    sh -c 'test "$1" -eq 0 && grep -q "^corpus size: 8, vocab size: 7," "$2" && ! grep -q "^<eos> " "$3"' - \
    "$rc" "$WORK/oneline.out" "$WORK/oneline/vectors.txt"

# valid: a UTF-8 byte-order mark (Windows editors) is skipped, not made part of the first word
C=$WORK/bom.txt
printf '\357\273\277' >"$C"
tiny_corpus "$WORK/plain.txt"
cat "$WORK/plain.txt" >>"$C"
run bom train --corpus "$C" --window 1 --hidden 5 --batch 3 --sample-size 2 --epochs 2 --out "$WORK/bom"
check "corpus with a byte-order mark: trains, first word 'you'" \
    sh -c 'test "$1" -eq 0 && test "$(sed -n "2s/ .*//p" "$2")" = you' - "$rc" "$WORK/bom/vectors.txt"

# valid: a gzip-compressed corpus (read through datasets/token_stream.h) trains as the plain one, both modes
gzip -c "$WORK/plain.txt" >"$WORK/plain.txt.gz"
for mode in textbook fast; do
    set --
    [ "$mode" = fast ] && set -- --fast --threads 1
    run "gz$mode" train --corpus "$WORK/plain.txt.gz" "$@" --window 1 --hidden 5 --batch 3 --sample-size 2 \
        --epochs 2 --out "$WORK/gz$mode"
    gz_rc=$rc
    run "plain$mode" train --corpus "$WORK/plain.txt" "$@" --window 1 --hidden 5 --batch 3 --sample-size 2 \
        --epochs 2 --out "$WORK/plain$mode"
    check "--corpus FILE.gz ($mode): exit 0, the plain file's vectors byte for byte" \
        sh -c 'test "$1" -eq 0 && test "$2" -eq 0 && cmp -s "$3" "$4"' - "$gz_rc" "$rc" "$WORK/gz$mode/vectors.txt" "$WORK/plain$mode/vectors.txt"
done

# --- vector files ---------------------------------------------------------------
# Three words of H = 2, in both formats: 1.0 = 00 00 80 3f, 0.5 = 00 00 00 3f, 0 = 00 00 00 00
TXT=$WORK/v.txt
BIN=$WORK/v.bin
printf '3 2\nyou 1 0\nsay 0.5 1\nhello 1 0.5\n' >"$TXT"
printf '3 2\nyou \000\000\200\077\000\000\000\000\nsay \000\000\000\077\000\000\200\077\nhello \000\000\200\077\000\000\000\077\n' \
    >"$BIN"
expect "the good text file reads: exit 0" 0 vtxt similar you --vectors "$TXT" --top 2
expect "the good binary file reads: exit 0" 0 vbin similar you --vectors "$BIN" --top 2
check "... and both give the same answers" cmp -s "$WORK/vtxt.out" "$WORK/vbin.out"

# truncated
V=$WORK/cut.txt
head -c 20 "$TXT" >"$V"
refused "text file cut inside row 2: exit 1, line 3 named" cuttxt "$V:3: expected H=2 values, found 1" \
    similar you --vectors "$V"
V=$WORK/cut.bin
head -c 40 "$BIN" >"$V"
refused "binary file cut in record 3: exit 1, 'truncated?'" cutbin \
    "$V:record 3: the file ends 4 bytes into the 8 bytes of 'hello''s H=2 float32 values (truncated?)" \
    similar you --vectors "$V"
V=$WORK/cuthdr.bin
head -c 20 "$BIN" >"$V"
refused "binary file cut before its rows could fit: exit 1, the header named" cuthdr \
    "$V:1: header says V=3 words of H=2 values, more than the file's 20 bytes can hold" eval --vectors "$V"

# another format: .npy, gzip, an empty file; control bytes come out escaped
V=$WORK/W_in.npy
printf "\223NUMPY\001\000v\000{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }\n" >"$V"
refused "a .npy file: exit 1, 'bad header', bytes escaped" npy \
    "$V:1: bad header '\\x93NUMPY\\x01\\x00v\\x00{'descr': '<f4', 'fort...', expected 'V H' (two positive integers)" \
    similar you --vectors "$V"
V=$WORK/v.bin.gz
printf '\037\213\010\000\000\000\000\000\000\003\033[2J\n' >"$V"
refused "a gzip'd file: exit 1, 'bad header', no raw escape byte" gz2 "$V:1: bad header '\\x1F\\x8B\\x08\\x00" \
    eval --vectors "$V"
check "... the message holds no control byte" sh -c '! LC_ALL=C grep -q "[[:cntrl:]]" "$1"' - "$WORK/gz2.err"
V=$WORK/e.txt
: >"$V"
refused "empty vectors file: exit 1" evec "$V:1: empty file, expected a header 'V H'" similar you --vectors "$V"

# the header disagrees with the rows
V=$WORK/v4.txt
sed '1s/.*/4 2/' "$TXT" >"$V"
refused "text header says V=4 for 3 rows: exit 1" v4 "$V:5: expected V=4 rows after the header, found 3" \
    similar you --vectors "$V"
V=$WORK/v2.txt
sed '1s/.*/2 2/' "$TXT" >"$V"
refused "text header says V=2 for 3 rows: exit 1" v2 "$V:4: more rows than the header's V=2" eval --vectors "$V"
V=$WORK/h3.txt
sed '1s/.*/3 3/' "$TXT" >"$V"
refused "text header says H=3 for rows of 2: exit 1" h3 "$V:2: expected H=3 values, found 2" similar you --vectors "$V"
V=$WORK/h1.txt
sed '1s/.*/3 1/' "$TXT" >"$V"
refused "text header says H=1 for rows of 2: exit 1" h1 "$V:2: expected H=1 values, found 2" similar you --vectors "$V"
V=$WORK/v4.bin
{ printf '4 2\n'; tail -c +5 "$BIN"; } >"$V"
refused "binary header says V=4 for 3 records: exit 1" v4b "$V:record 4: the file ends after 3 of the header's V=4 records" \
    similar you --vectors "$V"
V=$WORK/v2.bin
{ printf '2 2\n'; tail -c +5 "$BIN"; } >"$V"
refused "binary header says V=2 for 3 records: exit 1" v2b "$V:record 3: 15 more bytes after the header's V=2 records" \
    similar you --vectors "$V"
V=$WORK/h1.bin
{ printf '3 1\n'; tail -c +5 "$BIN"; } >"$V"
refused "binary header says H=1 for records of 2: exit 1, a hint about H" h1b "does the header's H match the data?" \
    similar you --vectors "$V"
V=$WORK/h3.bin
{ printf '3 3\n'; tail -c +5 "$BIN"; } >"$V"
refused "binary header says H=3 for records of 2: exit 1" h3b "$V:" similar you --vectors "$V"
V=$WORK/huge.txt
printf '2147483647 2147483647\nyou 1 0\n' >"$V"
refused "header of INT_MAX x INT_MAX: exit 1 before allocating" hugehdr \
    "header says V=2147483647 words of H=2147483647 values, more than the file's 30 bytes can hold" \
    similar you --vectors "$V"
V=$WORK/over.txt
printf '99999999999 2\nyou 1 0\n' >"$V"
refused "V beyond int: exit 1, 'bad header'" overhdr "$V:1: bad header '99999999999 2'" similar you --vectors "$V"
V=$WORK/neg.txt
printf -- '-3 2\nyou 1 0\n' >"$V"
refused "negative V: exit 1, 'bad header'" neghdr "$V:1: bad header '-3 2'" similar you --vectors "$V"

# nothing damaged: convert from a bad file leaves the output file there alone
printf 'earlier\n' >"$WORK/conv.txt"
refused "convert from a truncated file: exit 1" conv "$WORK/cut.bin:record 3:" convert "$WORK/cut.bin" "$WORK/conv.txt"
check "... and the file already at the output is untouched" cmp -s "$WORK/sentinel" "$WORK/conv.txt"

# words that are not UTF-8 (word2vec.c cuts words at 100 bytes, inside a character if need be) read as bytes
V=$WORK/latin1v.txt
printf '3 2\nyou 1 0\ncaf\351 0.5 1\nhello 1 0.5\n' >"$V"
expect "vectors with a Latin-1 word: read as bytes, exit 0" 0 latin1v similar you --vectors "$V" --top 2
V=$WORK/dupv.txt
printf '3 2\ncaf\351 1 0\nsay 0.5 1\ncaf\351 1 0.5\n' >"$V"
refused "a repeated non-UTF-8 word: exit 1, the byte escaped in the message" dupv \
    "$V:4: word 'caf\\xE9' repeats line 2" similar say --vectors "$V"

tap_done
exit 0
