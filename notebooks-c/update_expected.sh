#!/bin/sh
# update_expected.sh — runs every lab in its quick mode and renders it
# (render.sh), then copies, for every lab that ran and rendered, its output
# over expected/NAME.txt (what tests/test_labs.sh compares each run with) and
# its notebook and page over ../notebooks/NAME.ipynb and NAME.html (the copies
# kept in the repository, which tests/test_rendered_notebooks.sh compares with
# expected/), and, when every lab rendered, the list ../notebooks/README.md.
# The output and the notebook come from the same run. A notebook or page in
# ../notebooks/ of a lab no longer listed is removed. Run it after a
# deliberate change to a lab or a layer, then read
# `git diff notebooks-c/expected notebooks` before committing.
#
#     sh update_expected.sh OUTDIR NAME SOURCE PROGRAM [NAME SOURCE PROGRAM ...]
#
# `meson compile -C build lab-expected` runs it for every lab. It needs what
# render.sh needs (Debian's python3-nbformat and jupyter-nbconvert); without
# them it changes nothing and exits 1.
set -u
OUT=${1:?usage: sh update_expected.sh OUTDIR NAME SOURCE PROGRAM ...}
HERE=$(cd "$(dirname "$0")" && pwd)
NB=$(cd "$HERE/.." && pwd)/notebooks
rm -rf "$OUT"   # a build folder: no stale notebook may pass for a new run
sh "$HERE/render.sh" "$@" >/dev/null
status=$?
shift
mkdir -p "$NB" || exit 1
names=" "
while [ $# -ge 3 ]; do
    name=$1
    shift 3
    names="$names$name "
    if [ -s "$OUT/$name.ipynb" ] && [ -s "$OUT/$name.html" ]; then
        cp "$OUT/$name.out" "$HERE/expected/$name.txt" &&
            cp "$OUT/$name.ipynb" "$OUT/$name.html" "$NB/" &&
            echo "wrote expected/$name.txt, notebooks/$name.ipynb and notebooks/$name.html"
    else
        echo "dlfs2: update_expected: $name failed; expected/$name.txt and notebooks/$name.* left as they were" >&2
    fi
done
if [ "$status" -eq 0 ]; then
    cp "$OUT/README.md" "$NB/README.md" && echo "wrote notebooks/README.md"
fi
for f in "$NB"/*.ipynb "$NB"/*.html; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    case $names in
    *" ${base%.*} "*) ;;
    *) rm -f "$f" && echo "removed notebooks/$base (no such lab)" ;;
    esac
done
exit $status
