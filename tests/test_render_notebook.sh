#!/bin/sh
# test_render_notebook.sh — TAP tests of notebooks-c/render_notebook.py on a
# made-up lab whose output exercises every placement rule: a marker printed by
# a cell of its own section, markers printed by main() for other sections, a
# section without code, a marker that matches no heading, output before the
# first marker, a plot, blank lines at a section's ends. Then the checks that
# tests/test_rendered_notebooks.sh relies on, each shown to fail on a notebook
# edited by hand.
#
#     sh tests/test_render_notebook.sh
#
# Needs nbformat in $DLFS2_PYTHON (default /usr/bin/python3, Debian's
# python3-nbformat); without it the whole test is skipped ("1..0 # SKIP").
# Meson runs it with protocol 'tap'.

SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}
PY=${DLFS2_PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import nbformat' 2>/dev/null; then
    echo "1..0 # SKIP no nbformat in $PY (Debian: apt-get install python3-nbformat)"
    exit 0
fi
PLAN=11
. "$SRC/tests/tap.sh"
RENDER="$PY $SRC/notebooks-c/render_notebook.py"
cd "$WORK" || exit 1

# the made-up lab: cells 0 md (title), 1 code (intro), 2 md "## 1.", 3 code,
# 4 md "## 2.", 5 code, 6 md "## 3." (no code follows), 7 md "## 4.", 8 code (main)
cat >t.c <<'EOF'
// %% [markdown]
// # A made-up lab
//
// Its introduction.

// %%
#include <stdio.h>

// %% [markdown]
// ## 1. First
// %%
static void first(void) { printf("== 1. First ==\n"); }
// %% [markdown]
// ## 2. Second
// %%
static void second(void) { }
// %% [markdown]
// ## 3. Third, with no code
// %% [markdown]
// ## 4. Fourth
// %%
int main(void)
{
    printf("== 2. second ==\n== 3. third ==\n== 4. Fourth ==\n== 9. nowhere ==\n");
}
EOF
printf '%s\n' 'before any marker' '== 1. First ==' 'a 1.50' '' '== 2. second ==' 'b 2.00' \
    '[plot] p.png' 'c' '== 3. third ==' 'd' '== 4. Fourth ==' 'e' '== 9. nowhere ==' 'f' >t.out
# a 2 x 1 PNG, grey
"$PY" -c '
import struct, sys, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"\x00\x80\x80")) + chunk(b"IEND", b""))
open("p.png", "wb").write(png)
'

$RENDER build t.c t.out . t.ipynb 2>build.err
rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c '^dlfs2: ' build.err)" -eq 2 ] &&
    grep -q "output before the first marker; its output goes to code cell 1" build.err &&
    grep -q "'== 9. nowhere ==' matches no '## ' heading; its output goes to code cell 8" build.err; then
    pass "build: exit 0, one warning for the output before the first marker, one for the unmatched marker"
else
    fail "build: exit 0, one warning for the output before the first marker, one for the unmatched marker"
    echo "# exit $rc"
    show build.err
fi

# which cell holds which output: "lab cell: markers"
"$PY" -c '
import sys, nbformat
nb = nbformat.read("t.ipynb", as_version=4)
cells = [c for c in nb.cells if c.metadata.get("dlfs2") != "note"]
for i, c in enumerate(cells):
    if c.cell_type == "code" and c.metadata.get("dlfs2"):
        print(i, ", ".join(str(r["marker"]) for r in c.metadata["dlfs2"]), len(c.outputs))
' >placement 2>&1
cat >placement.want <<'EOF'
1 None 1
3 == 1. First == 1
5 == 2. second ==, == 3. third == 4
8 == 4. Fourth ==, == 9. nowhere == 2
EOF
# 5: "b 2.00", the plot, "c" (three outputs for section 2), "d" (one for 3)
if cmp -s placement placement.want; then
    pass "build: every output on the cell the rules name"
else
    fail "build: every output on the cell the rules name"
    echo "# got (lab cell, markers, outputs):"
    show placement
fi

check "build: the note cell comes second, after the title" "$PY" -c '
import nbformat, sys
nb = nbformat.read("t.ipynb", as_version=4)
sys.exit(not (nb.cells[1].metadata.get("dlfs2") == "note" and "notebooks-c/t.c" in nb.cells[1].source
              and nb.cells[0].source.startswith("# A made-up lab")))'

check "build: markdown without //, C language, execution_count null, the title in the metadata" "$PY" -c '
import nbformat, sys
nb = nbformat.read("t.ipynb", as_version=4)
code = [c for c in nb.cells if c.cell_type == "code"]
sys.exit(not (nb.cells[0].source == "# A made-up lab\n\nIts introduction."
              and nb.metadata.language_info.name == "c" and "kernelspec" not in nb.metadata
              and all(c.execution_count is None for c in code)
              and nb.metadata.title == "A made-up lab" and nb.nbformat == 4))'

check "build: the plot is p.png itself as image/png, with text/plain '[plot] p.png'" "$PY" -c '
import base64, nbformat, sys
nb = nbformat.read("t.ipynb", as_version=4)
images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "display_data"]
sys.exit(not (len(images) == 1 and base64.b64decode(images[0].data["image/png"]) == open("p.png", "rb").read()
              and images[0].data["text/plain"] == "[plot] p.png"))'

$RENDER text t.ipynb >t.text 2>&1
check "text: gives back the lab's output byte for byte (markers, blank lines, plot line)" cmp -s t.text t.out

$RENDER check t.ipynb t.c >check.log 2>&1
rc=$?
check "check: the notebook just built passes" test "$rc" -eq 0 -a ! -s check.log

# by hand: "a 1.50" made "a 1.60" (beyond compare_output.awk's tolerance), and "a 1.51" (within)
sed 's/"a 1\.50\\n"/"a 1.60\\n"/' t.ipynb >edited.ipynb
sed 's/"a 1\.50\\n"/"a 1.51\\n"/' t.ipynb >close.ipynb
$RENDER text edited.ipynb >edited.text 2>&1
$RENDER text close.ipynb >close.text 2>&1
awk -v rel=0.01 -f "$SRC/notebooks-c/compare_output.awk" t.out edited.text >cmp.log 2>&1
rc=$?
awk -v rel=0.01 -f "$SRC/notebooks-c/compare_output.awk" t.out close.text >/dev/null 2>&1
rc_close=$?
if ! cmp -s t.ipynb edited.ipynb && [ "$rc" -eq 1 ] && grep -q '^line 3: expected: a 1.50$' cmp.log &&
    [ "$rc_close" -eq 0 ]; then
    pass "an output edited by hand (1.50 -> 1.60) no longer matches the lab's output; 1.51 still does"
else
    fail "an output edited by hand (1.50 -> 1.60) no longer matches the lab's output; 1.51 still does"
    echo "# compare_output.awk exit $rc (1.60), $rc_close (1.51):"
    show cmp.log
fi

# by hand: one base64 character of the PNG changed -> its CRC no longer holds
"$PY" -c '
import json
nb = json.load(open("t.ipynb"))
for c in nb["cells"]:
    for o in c.get("outputs", []):
        if "image/png" in o.get("data", {}):
            s = o["data"]["image/png"]
            o["data"]["image/png"] = s[:30] + ("A" if s[30] != "A" else "B") + s[31:]
json.dump(nb, open("badpng.ipynb", "w"))
'
$RENDER check badpng.ipynb t.c --part outputs >check.log 2>&1
rc=$?
check "check: a PNG edited by hand fails (bad CRC)" sh -c "[ $rc -eq 1 ] && grep -q 'bad CRC\|IDAT\|IHDR' check.log"

# by hand: a code cell's line changed; and a stream output moved to another cell
sed 's/static void second(void) { }/static void second(void) { return; }/' t.ipynb >cell.ipynb
$RENDER check cell.ipynb t.c --part cells >check.log 2>&1
rc=$?
"$PY" -c '
import nbformat
nb = nbformat.read("t.ipynb", as_version=4)
code = [c for c in nb.cells if c.cell_type == "code"]
code[1].outputs, code[0].outputs = [], code[0].outputs + code[1].outputs   # section 1 output onto the intro cell
code[1].metadata["dlfs2"], code[0].metadata["dlfs2"] = [], code[0].metadata["dlfs2"] + code[1].metadata["dlfs2"]
nbformat.write(nb, "moved.ipynb")
'
$RENDER check moved.ipynb t.c --part outputs >moved.log 2>&1
rc_moved=$?
if [ "$rc" -eq 1 ] && grep -q "is not the lab's code cell" check.log &&
    [ "$rc_moved" -eq 1 ] && grep -q "== 1. First ==: on the lab's cell 1, not on cell 3" moved.log; then
    pass "check: a code cell that is not the lab's, an output on the wrong cell, each fail"
else
    fail "check: a code cell that is not the lab's, an output on the wrong cell, each fail"
    echo "# exit $rc and $rc_moved:"
    show check.log
    show moved.log
fi

# errors: a plot the lab printed but did not write; no arguments
rm -f p.png
$RENDER build t.c t.out . missing.ipynb 2>missing.err
rc=$?
$RENDER 2>usage.err
rc_usage=$?
if [ "$rc" -eq 1 ] && grep -q '^dlfs2: .*p\.png.*the lab printed .\[plot\] p\.png' missing.err && [ ! -e missing.ipynb ] &&
    [ "$rc_usage" -eq 2 ] && grep -q '^dlfs2: ' usage.err; then
    pass "errors: a missing plot exits 1 naming it, writing nothing; no arguments exit 2"
else
    fail "errors: a missing plot exits 1 naming it, writing nothing; no arguments exit 2"
    echo "# exit $rc and $rc_usage"
    show missing.err
    show usage.err
fi
tap_done
