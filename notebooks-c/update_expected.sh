#!/bin/sh
# update_expected.sh — runs every lab in its quick mode (render.sh) and
# copies each one's output over expected/NAME.txt, the file tests/test_labs.sh
# compares the lab's output with. Run it after a deliberate change to a lab
# or a layer, then read `git diff notebooks-c/expected` before committing.
#
#     sh update_expected.sh OUTDIR NAME SOURCE PROGRAM [NAME SOURCE PROGRAM ...]
#
# `meson compile -C build lab-expected` runs it for every lab.
set -u
OUT=${1:?usage: sh update_expected.sh OUTDIR NAME SOURCE PROGRAM ...}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$OUT"   # a build folder: no stale NAME.md may pass for a new run
sh "$HERE/render.sh" "$@" >/dev/null
status=$?
shift
while [ $# -ge 3 ]; do
    name=$1
    shift 3
    if [ -s "$OUT/$name.md" ]; then
        cp "$OUT/$name.out" "$HERE/expected/$name.txt" && echo "wrote $HERE/expected/$name.txt"
    else
        echo "update_expected: $name failed; expected/$name.txt left as it was" >&2
    fi
done
exit $status
