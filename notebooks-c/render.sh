#!/bin/sh
# render.sh — runs each lab and writes it as Markdown with its outputs and
# plots (render.awk): OUTDIR/NAME.md, with the plots beside it.
#
#     sh render.sh OUTDIR NAME SOURCE PROGRAM [NAME SOURCE PROGRAM ...]
#
# `meson compile -C build render` runs it for every lab into build/notebooks/.
# Each program runs in its quick mode, in OUTDIR, with LAB_OUT_DIR=OUTDIR
# (where the labs write their plots). Exits 1 if a lab fails; the others
# are still rendered.
set -u
OUT=${1:?usage: sh render.sh OUTDIR NAME SOURCE PROGRAM ...}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)
status=0
while [ $# -ge 3 ]; do
    name=$1 src=$2 prog=$3
    shift 3
    if (cd "$OUT" && LAB_OUT_DIR="$OUT" "$prog" >"$OUT/$name.out" 2>"$OUT/$name.err"); then
        awk -f "$HERE/render.awk" "$OUT/$name.out" "$src" | cat -s >"$OUT/$name.md.tmp" &&
            mv "$OUT/$name.md.tmp" "$OUT/$name.md" && echo "wrote $OUT/$name.md"
    else
        echo "render: $name failed (exit $?); see $OUT/$name.err" >&2
        status=1
    fi
done
exit $status
