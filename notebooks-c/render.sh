#!/bin/sh
# render.sh — runs each lab in its quick mode and writes it as a Jupyter
# notebook with its outputs and plots, and as an HTML page of that notebook:
#   OUTDIR/NAME.out, NAME.err   what the lab printed on stdout and stderr
#   OUTDIR/NAME.ipynb           the notebook (render_notebook.py build)
#   OUTDIR/NAME.html            its page (nbconvert --to html, the template in
#                               nbconvert/dlfs2: nbconvert's "lab" page with a
#                               small style sheet of our own, about 60 kB a page
#                               less the plots, where the "lab" one is 600 kB)
#   OUTDIR/README.md            the list of the notebooks (render_notebook.py readme)
# and whatever the labs write into LAB_OUT_DIR=OUTDIR: their plots (embedded
# in the notebooks) and files such as ch04_3_train's 13 MB cbow_vectors.txt.
#
#     sh render.sh [--run-only] OUTDIR NAME SOURCE PROGRAM [NAME SOURCE PROGRAM ...]
#
# `meson compile -C build render` runs it for every lab into build/notebooks/;
# update_expected.sh (`meson compile -C build lab-expected`) runs it and copies
# the results into expected/ and ../notebooks/. --run-only: only the runs
# (NAME.out, NAME.err and the plots), as tests/test_labs.sh wants; no Python.
#
# Each program runs in OUTDIR. Each notebook is written right after its lab
# ran, before the next lab can write a plot of the same name. The notebooks
# need Debian's python3-nbformat and jupyter-nbconvert in $DLFS2_PYTHON
# (default /usr/bin/python3, Debian's own Python: a python3 found first on the
# PATH, pyenv's for one, may lack them). Exits 1 if a lab fails or a notebook
# or page cannot be written (the other labs are still rendered), or if the
# Python lacks nbformat or nbconvert (then nothing runs); 2 on a usage error.
set -u
usage="usage: sh render.sh [--run-only] OUTDIR NAME SOURCE PROGRAM [NAME SOURCE PROGRAM ...]"
run_only=0
if [ "${1:-}" = "--run-only" ]; then run_only=1; shift; fi
if [ $# -lt 4 ] || [ $(( ($# - 1) % 3 )) -ne 0 ]; then echo "$usage" >&2; exit 2; fi
OUT=$1
shift
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${DLFS2_PYTHON:-/usr/bin/python3}
if [ "$run_only" -eq 0 ] && ! "$PY" -c 'import nbformat, nbconvert' 2>/dev/null; then
    echo "dlfs2: render: the notebooks need nbformat and nbconvert in $PY" \
        "(Debian: apt-get install python3-nbformat jupyter-nbconvert; or set DLFS2_PYTHON)" >&2
    exit 1
fi
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
status=0
names=
while [ $# -ge 3 ]; do
    name=$1 src=$2 prog=$3
    shift 3
    rm -f "$OUT/$name.ipynb" "$OUT/$name.html"   # no stale notebook may pass for this run
    (cd "$OUT" && LAB_OUT_DIR="$OUT" "$prog" >"$OUT/$name.out" 2>"$OUT/$name.err")
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "dlfs2: render: $name failed (exit $rc); see $OUT/$name.err" >&2
        status=1
        continue
    fi
    [ "$run_only" -eq 1 ] && continue
    if "$PY" "$HERE/render_notebook.py" build "$src" "$OUT/$name.out" "$OUT" "$OUT/$name.ipynb" &&
        "$PY" -m nbconvert --to html --no-prompt --log-level=WARN \
            --TemplateExporter.extra_template_basedirs="$HERE/nbconvert" --template dlfs2 \
            --output-dir "$OUT" "$OUT/$name.ipynb"; then
        echo "wrote $OUT/$name.ipynb and $name.html"
        names="$names $name"
    else
        echo "dlfs2: render: $name: no notebook or page written" >&2
        rm -f "$OUT/$name.ipynb"
        status=1
    fi
done
if [ "$run_only" -eq 0 ] && [ -n "$names" ]; then
    # shellcheck disable=SC2086 # lab names are words (lab_names in meson.build)
    "$PY" "$HERE/render_notebook.py" readme "$OUT/README.md" "$HERE/README.md" $names || status=1
fi
exit $status
