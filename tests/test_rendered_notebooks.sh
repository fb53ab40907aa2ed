#!/bin/sh
# test_rendered_notebooks.sh — TAP tests of the rendered labs kept in the
# repository (notebooks/, written by `meson compile -C build lab-expected`):
#   - notebooks/ holds NAME.ipynb and NAME.html for every lab in lab_names
#     and no others, and README.md links them all, in that order;
# and per lab:
#   1. NAME.ipynb validates (nbformat.validate) and its cells are the lab's
#      current cells (notebooks-c/NAME.c: a changed lab needs a new render);
#   2. every section that printed something has its output on the cell that
#      printed it (render_notebook.py's rules), and every "[plot] FILE" line an
#      embedded PNG that decodes;
#   3. its outputs, rebuilt into the text the lab printed (markers included),
#      match notebooks-c/expected/NAME.txt under compare_output.awk's rules
#      (tests/test_labs.sh compares every fresh run with that file, and with
#      the notebook, so a lab whose output changed fails there or here);
#   4. NAME.html is the page of this notebook: its title, every output line and
#      every image.
#
#     sh tests/test_rendered_notebooks.sh NAME [NAME ...]
#
# Needs nbformat in $DLFS2_PYTHON (default /usr/bin/python3, Debian's
# python3-nbformat); without it the whole test is skipped ("1..0 # SKIP").
# Runs no lab and needs no PTB. Meson runs it with protocol 'tap'.

[ $# -ge 1 ] || { echo "usage: sh tests/test_rendered_notebooks.sh NAME [NAME ...]" >&2; exit 2; }
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}
PY=${DLFS2_PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import nbformat' 2>/dev/null; then
    echo "1..0 # SKIP no nbformat in $PY (Debian: apt-get install python3-nbformat)"
    exit 0
fi
PLAN=$(($# * 4 + 2))
. "$SRC/tests/tap.sh"
NB=$SRC/notebooks
RENDER="$PY $SRC/notebooks-c/render_notebook.py"

# "NAME NAME ..." of the files notebooks/*.EXT, sorted
files_of() {
    for f in "$NB"/*."$1"; do [ -e "$f" ] && basename "$f" ".$1"; done | sort | tr '\n' ' '
}
want=$(for name in "$@"; do echo "$name"; done | sort | tr '\n' ' ')
if [ "$(files_of ipynb)" = "$want" ] && [ "$(files_of html)" = "$want" ]; then
    pass "notebooks/ holds one notebook and one page per lab, no others"
else
    fail "notebooks/ holds one notebook and one page per lab, no others"
    echo "# labs:       $want"
    echo "# notebooks:  $(files_of ipynb)"
    echo "# pages:      $(files_of html)"
    echo "# (meson compile -C build lab-expected writes them)"
fi

# README.md: the labs' notebook links, in the order of lab_names
links=$(grep -o '](\([A-Za-z0-9_]*\)\.ipynb)' "$NB/README.md" 2>/dev/null | sed 's/^](//; s/\.ipynb)$//' | tr '\n' ' ')
pages=$(grep -o '](\([A-Za-z0-9_]*\)\.html)' "$NB/README.md" 2>/dev/null | sed 's/^](//; s/\.html)$//' | tr '\n' ' ')
if [ "$links" = "$* " ] && [ "$pages" = "$* " ]; then
    pass "notebooks/README.md links every notebook and page, in the labs' order"
else
    fail "notebooks/README.md links every notebook and page, in the labs' order"
    echo "# labs:  $*"
    echo "# links: $links"
    echo "# pages: $pages"
fi

for name in "$@"; do
    nb=$NB/$name.ipynb lab=$SRC/notebooks-c/$name.c
    if $RENDER check "$nb" "$lab" --part cells >"$WORK/check.log" 2>&1; then
        pass "$name: notebooks/$name.ipynb validates and holds the lab's current cells"
    else
        fail "$name: notebooks/$name.ipynb validates and holds the lab's current cells"
        sed 's/^/# /' "$WORK/check.log"
        echo "# (after changing a lab: meson compile -C build lab-expected)"
    fi

    if $RENDER check "$nb" "$lab" --part outputs >"$WORK/check.log" 2>&1; then
        pass "$name: every section's output is on its cell, every plot an embedded PNG"
    else
        fail "$name: every section's output is on its cell, every plot an embedded PNG"
        sed 's/^/# /' "$WORK/check.log"
    fi

    if ! $RENDER text "$nb" >"$WORK/text" 2>"$WORK/text.err"; then
        fail "$name: its outputs match notebooks-c/expected/$name.txt"
        sed 's/^/# /' "$WORK/text.err"
    elif awk -v rel=0.01 -f "$SRC/notebooks-c/compare_output.awk" "$SRC/notebooks-c/expected/$name.txt" \
            "$WORK/text" >"$WORK/cmp.log" 2>&1; then
        pass "$name: its outputs match notebooks-c/expected/$name.txt"
    else
        fail "$name: its outputs match notebooks-c/expected/$name.txt"
        echo "# expected: notebooks-c/expected/$name.txt; got: the outputs of notebooks/$name.ipynb"
        sed 's/^/# /' "$WORK/cmp.log"
    fi

    if $RENDER check "$nb" "$lab" --html "$NB/$name.html" --part html >"$WORK/check.log" 2>&1; then
        pass "$name: notebooks/$name.html is the page of this notebook"
    else
        fail "$name: notebooks/$name.html is the page of this notebook"
        sed 's/^/# /' "$WORK/check.log"
    fi
done
tap_done
