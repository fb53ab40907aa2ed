#!/bin/sh
# test_labs.sh — TAP tests of every lab in notebooks-c/, in its quick mode:
# render.sh --run-only runs each lab once (as `meson compile -C build render`
# does), then, per lab:
#   1. it ran (exit 0);
#   2. its output matches notebooks-c/expected/NAME.txt, numbers within a
#      tolerance (compare_output.awk: rel 1e-2 or one unit in the last
#      printed digit; integers exact; times "N[s]" not compared; near-tied
#      words of a ranking in either order), so a changed layer that changes
#      a lab's result fails here;
#   3. every plot it printed ("[plot] FILE") is a PNG or SVG image of
#      640 x 480 pixels (skipped for a lab that draws none);
#   4. this run renders as a notebook (render_notebook.py build): it validates,
#      holds the lab's cells, every section's output on its cell and every plot
#      embedded (render_notebook.py check), and its outputs give back exactly
#      what the lab printed (render_notebook.py text);
#   5. the notebook kept in the repository, notebooks/NAME.ipynb, matches this
#      run under compare_output.awk's rules (so a lab whose output changed
#      fails here until `meson compile -C build lab-expected` renders it anew).
# Cases 4 and 5 need nbformat in $DLFS2_PYTHON (default /usr/bin/python3,
# Debian's python3-nbformat) and are skipped without it.
#
#     sh tests/test_labs.sh NAME PROGRAM [NAME PROGRAM ...]
#
# The labs that read PTB (those calling lab_load_ptb) find it in $DLFS2_DATA
# (or ../shared/datasets/ptb beside the source); without it their cases are
# skipped, and the other labs still run. The evaluation files likewise
# (find_eval). Meson runs it with protocol 'tap'.

[ $# -ge 2 ] || { echo "usage: sh tests/test_labs.sh NAME PROGRAM [NAME PROGRAM ...]" >&2; exit 2; }
PLAN=$(($# / 2 * 5))
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}
. "$SRC/tests/tap.sh"
NB=$SRC/notebooks-c
PY=${DLFS2_PYTHON:-/usr/bin/python3}
has_nbformat=0
"$PY" -c 'import nbformat' 2>/dev/null && has_nbformat=1

# a lab that calls lab_load_ptb needs PTB; without it (no $DLFS2_DATA, no
# ../shared/datasets/ptb) its five cases are skipped and the others still run.
# The labs see a data folder of the layout `dlfs2 fetch` makes: $WORK/data
# with ptb/ and eval/ linked to what was found. A lab that reads the data
# folder's evaluation files (lab_eval_file) prints other lines without them:
# its output is compared only when they are there.
find_ptb
find_eval
mkdir -p "$WORK/data"
if [ -n "$PTB" ]; then ln -s "$(cd "$PTB" && pwd)" "$WORK/data/ptb"; fi
if [ -n "$EVAL" ]; then ln -s "$(cd "$EVAL" && pwd)" "$WORK/data/eval"; fi
DLFS2_DATA=$WORK/data
export DLFS2_DATA

# render.sh runs each lab: NAME.out, NAME.err and the plots in $WORK/nb
OUT=$WORK/nb
mkdir -p "$OUT"

# png_size FILE: "W H" from a PNG's IHDR chunk (bytes 16..23, big-endian)
png_size() {
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", (($1 * 256 + $2) * 256 + $3) * 256 + $4,
                                                   (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'
}

# plots_ok NAME: every "[plot] FILE" line of NAME.out names a 640 x 480 image in $OUT
plots_ok() {
    grep '^\[plot\] ' "$OUT/$1.out" | sed 's/^\[plot\] //' | while IFS= read -r f; do
        case $f in
        *.png)
            if ! head -c 8 "$OUT/$f" 2>/dev/null | od -An -c | grep -q 'P   N   G'; then
                echo "# $f: not a PNG"; echo bad
            elif [ "$(png_size "$OUT/$f")" != "640 480" ]; then
                echo "# $f: $(png_size "$OUT/$f") pixels, expected 640 480"; echo bad
            fi ;;
        *.svg)
            if ! grep -q '<svg[^>]*width="640' "$OUT/$f" 2>/dev/null ||
               ! grep -q '<svg[^>]*height="480' "$OUT/$f"; then
                echo "# $f: not an SVG of 640 x 480"; echo bad
            fi ;;
        *) echo "# $f: neither .png nor .svg"; echo bad ;;
        esac
    done | tee "$WORK/plots.log" | grep '^#'
    ! grep -q '^bad$' "$WORK/plots.log"
}

while [ $# -ge 2 ]; do
    name=$1 prog=$2
    shift 2
    if [ -z "$PTB" ] && grep -q 'lab_load_ptb(' "$NB/$name.c"; then
        for what in "runs in its quick mode" "matches its expected output" "plots are 640 x 480 images" \
            "renders as a notebook with every section's output" "notebooks/$name.ipynb matches this run"; do
            skip "$name: $what" "it reads PTB, and there is none (set DLFS2_DATA)"
        done
        continue
    fi
    sh "$NB/render.sh" --run-only "$OUT" "$name" "$NB/$name.c" "$prog" >/dev/null 2>"$WORK/render.err"
    rc=$?
    if [ "$rc" -eq 0 ] && [ -f "$OUT/$name.out" ]; then pass "$name: runs in its quick mode"; else
        fail "$name: runs in its quick mode"
        echo "# render.sh exit $rc; the lab's stderr:"
        show "$OUT/$name.err"
    fi

    if [ -z "$EVAL" ] && grep -q 'lab_eval_file(' "$NB/$name.c"; then
        skip "$name: matches its expected output" \
            "it reads questions-words.txt and wordsim353.tsv, and there are none (set DLFS2_EVAL)"
    elif [ ! -f "$NB/expected/$name.txt" ]; then
        fail "$name: matches its expected output"
        echo "# no notebooks-c/expected/$name.txt (meson compile -C build lab-expected writes it)"
    elif awk -v rel=0.01 -f "$NB/compare_output.awk" "$NB/expected/$name.txt" "$OUT/$name.out" \
            >"$WORK/cmp.log" 2>&1; then
        pass "$name: matches its expected output"
    else
        fail "$name: matches its expected output"
        sed 's/^/# /' "$WORK/cmp.log"
    fi

    if ! grep -q '^\[plot\] ' "$OUT/$name.out" 2>/dev/null; then
        skip "$name: plots are 640 x 480 images" "it draws none"
    else
        check "$name: plots are 640 x 480 images" plots_ok "$name"
    fi

    if [ "$has_nbformat" -eq 0 ]; then
        skip "$name: renders as a notebook with every section's output" "no nbformat in $PY"
        skip "$name: notebooks/$name.ipynb matches this run" "no nbformat in $PY"
        continue
    fi
    if "$PY" "$NB/render_notebook.py" build "$NB/$name.c" "$OUT/$name.out" "$OUT" "$OUT/$name.ipynb" \
            >"$WORK/nb.log" 2>&1 &&
        "$PY" "$NB/render_notebook.py" check "$OUT/$name.ipynb" "$NB/$name.c" >>"$WORK/nb.log" 2>&1 &&
        "$PY" "$NB/render_notebook.py" text "$OUT/$name.ipynb" 2>>"$WORK/nb.log" | cmp -s - "$OUT/$name.out"; then
        pass "$name: renders as a notebook with every section's output"
    else
        fail "$name: renders as a notebook with every section's output"
        sed 's/^/# /' "$WORK/nb.log"
    fi

    if [ -z "$EVAL" ] && grep -q 'lab_eval_file(' "$NB/$name.c"; then
        skip "$name: notebooks/$name.ipynb matches this run" \
            "it reads questions-words.txt and wordsim353.tsv, and there are none"
    elif ! "$PY" "$NB/render_notebook.py" text "$SRC/notebooks/$name.ipynb" >"$WORK/kept.txt" 2>"$WORK/nb.log"; then
        fail "$name: notebooks/$name.ipynb matches this run"
        sed 's/^/# /' "$WORK/nb.log"
    elif awk -v rel=0.01 -f "$NB/compare_output.awk" "$WORK/kept.txt" "$OUT/$name.out" >"$WORK/cmp.log" 2>&1; then
        pass "$name: notebooks/$name.ipynb matches this run"
    else
        fail "$name: notebooks/$name.ipynb matches this run"
        echo "# expected: the outputs of notebooks/$name.ipynb; got: this run"
        sed 's/^/# /' "$WORK/cmp.log"
    fi
done
tap_done
