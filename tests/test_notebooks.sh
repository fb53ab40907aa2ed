#!/bin/sh
# test_notebooks.sh — TAP tests of the notebook programs (notebooks-c/):
# ch03_simple_cbow, the textbook's ch03/train.py: its output format (one
# progress line per epoch, one vector line per word in id order, the final
# loss and the loss on all six examples), the same seed giving the same
# bytes, usage errors, and the full 1000-epoch run ending below a loss of 1
# but above the floor 2 ln 2 / 6; and gradient_check, the
# gradient-check lab: the real backwards PASS, the two wrong ones FAIL.
#
#     sh tests/test_notebooks.sh path/to/ch03_simple_cbow path/to/gradient_check
#
# Meson runs it with protocol 'tap'. Failure details are "# " lines.

CH03=${1:?usage: sh tests/test_notebooks.sh PATH/TO/ch03_simple_cbow PATH/TO/gradient_check}
GRADCHECK_LAB=${2:?usage: sh tests/test_notebooks.sh PATH/TO/ch03_simple_cbow PATH/TO/gradient_check}
PLAN=22

. "${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/tests/tap.sh"
LAB_OUT_DIR=$WORK   # where the labs write their plots
export LAB_OUT_DIR

# --- a short run ------------------------------------------------------------
"$CH03" --epochs 5 --seed 3 >"$WORK/a.out" 2>"$WORK/a.err"
rc=$?
if [ "$rc" -eq 0 ]; then pass "--epochs 5 --seed 3: exit 0"; else
    fail "--epochs 5 --seed 3: exit 0"
    echo "# exit $rc"
    show "$WORK/a.err"
fi
check "five progress lines, epochs 1..5 of 2 iterations" \
    test "$(grep -c '^| epoch [1-5] |  iter 1 / 2 | time [0-9]*\[s\] | loss [0-9]\.[0-9][0-9]$' "$WORK/a.out")" -eq 5
# the words in id order, each with 5 numbers
grep -v '^|' "$WORK/a.out" | grep -v '^final loss' | grep -v '^loss on all' | grep -v '^== .* ==$' | grep -v '^\[plot\] ' | grep -v '^$' | sed 's/ \[.*//' | tr '\n' ' ' >"$WORK/words"
check "one vector line per word, in id order" test "$(cat "$WORK/words")" = "you say goodbye and i hello . "
check "every vector has 5 numbers" \
    test "$(grep -c '^[a-z.]* \[-\{0,1\}[0-9]\.[0-9]*\( -\{0,1\}[0-9]\.[0-9]*\)\{4\}\]$' "$WORK/a.out")" -eq 7
check "after the vectors, 'final loss: X.XX', the loss on all six examples, then the loss plot" \
    test "$(grep -v '^$' "$WORK/a.out" | tail -n 4 | sed 's/[0-9]/9/g' | tr '\n' '|')" = \
    "final loss: 9.99|loss on all 9 examples: 9.9999|== The loss curve ==|[plot] loss.png|"
loss5=$(sed -n 's/^loss on all 6 examples: //p' "$WORK/a.out")
check "after 5 epochs the loss on all six examples is still ln 7 = 1.9459" \
    awk -v l="$loss5" 'BEGIN { exit !(l != "" && l + 0 > 1.944 && l + 0 <= 1.9459) }'
# five epochs barely move weights of 0.01: the loss is still ln 7 = 1.95
check "after 5 epochs the loss is still ln 7" test "$(grep '^final loss' "$WORK/a.out")" = "final loss: 1.95"

"$CH03" --epochs 5 --seed 3 >"$WORK/b.out" 2>&1
"$CH03" --epochs 5 --seed 4 >"$WORK/c.out" 2>&1
check "the same seed gives the same output" cmp -s "$WORK/a.out" "$WORK/b.out"
check "another seed gives other vectors" sh -c "! cmp -s '$WORK/a.out' '$WORK/c.out'"

# --- usage errors -------------------------------------------------------------
"$CH03" --epochs x >/dev/null 2>"$WORK/e1.err"
rc1=$?
"$CH03" --bogus >/dev/null 2>"$WORK/e2.err"
rc2=$?
check "bad arguments: exit 2 with a message" \
    test "$rc1" -eq 2 -a "$rc2" -eq 2 -a -s "$WORK/e1.err" -a -s "$WORK/e2.err"

# --- the textbook's run: 1000 epochs, seed 1 ------------------------------------
"$CH03" >"$WORK/full.out" 2>"$WORK/full.err"
rc=$?
check "the default run (1000 epochs): exit 0" test "$rc" -eq 0
final=$(sed -n 's/^final loss: //p' "$WORK/full.out")
echo "# default run: final loss $final (first line: $(head -n 1 "$WORK/full.out"))"
check "the default run ends below a loss of 1" \
    awk -v f="$final" 'BEGIN { exit !(f != "" && f + 0 < 1.0) }'
# (say, and) and (and, say) average to one input with two targets: no mean can go below 2 ln 2 / 6
loss=$(sed -n 's/^loss on all 6 examples: //p' "$WORK/full.out")
check "the default run's loss on all six examples stays above the floor 2 ln 2 / 6 = 0.2310" \
    awk -v l="$loss" 'BEGIN { exit !(l != "" && l + 0 >= 0.2310) }'

# --- the gradient-check lab ---------------------------------------------------
"$GRADCHECK_LAB" >"$WORK/gc.out" 2>"$WORK/gc.err"
rc=$?
check "gradient_check: exit 0" test "$rc" -eq 0
# the table rows in order: real SigmoidWithLoss, its 1/N bug, real Embedding, overwriting Embedding
verdicts=$(grep -E '^(SigmoidWithLoss|Embedding) ' "$WORK/gc.out" |
    awk '{ for (i = 2; i <= NF; i++) if ($i == "PASS" || $i == "FAIL") { print $1 ":" $i; break } }' |
    tr '\n' ' ')
check "gradient_check: PASS, FAIL, PASS, FAIL in that order" \
    test "$verdicts" = "SigmoidWithLoss:PASS SigmoidWithLoss:FAIL Embedding:PASS Embedding:FAIL "
# forgetting 1/N (N = 4) makes the analytic gradient 4x the numerical one: rel err (4-1)/(4+1)
check "gradient_check: the 1/N bug shows max rel err 0.6 and its worst element" \
    grep -qE '^SigmoidWithLoss +x +\(4,\) +[0-9.e+-]+ +6\.000e-01 +FAIL  x\[0\]: analytic -0\.131885, numerical -0\.0329[0-9]*$' "$WORK/gc.out"
check "gradient_check: ... and the hint names a missing or extra 1/B" \
    grep -q '^  hint: analytic = 4\.00 x numerical, and B = 4: a missing or extra 1/B ' "$WORK/gc.out"
check "gradient_check: the overwriting Embedding is caught on row 3, the repeated id" \
    grep -qE '^Embedding .* FAIL  W\[3,0\]: analytic -0\.104349, numerical \+0\.4668' "$WORK/gc.out"
check "gradient_check: ... and the hint says \`=\` instead of \`+=\`" \
    grep -q '^  hint: row 3 of W is gathered by 2 ids of the batch, .*: `=` instead of `+=` ' "$WORK/gc.out"
# --- rendering: notebooks-c/render.sh (what `meson compile -C build render` runs) ---
# gradient_check's main() prints all four markers, and section 3 has no code
# cell. render_notebook.py's rules put section 1's output on by_hand's cell,
# 2's and 3's on the cell of lab_gradients and check (section 3 has no code of
# its own: the last code cell before it), and 4's on main's, which is in
# section 4. Needs nbformat and nbconvert in $DLFS2_PYTHON (/usr/bin/python3).
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}/notebooks-c
PY=${DLFS2_PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import nbformat, nbconvert' 2>/dev/null; then
    for what in "gradient_check.ipynb and .html are written" "each section's output on the cell the rules name" \
        "the code cells, the FAIL rows and the exercises are in the notebook and the page"; do
        skip "render: $what" "no nbformat and nbconvert in $PY"
    done
else
    sh "$SRC/render.sh" "$WORK/nb" gradient_check "$SRC/gradient_check.c" "$GRADCHECK_LAB" >"$WORK/render.out" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$WORK/nb/gradient_check.ipynb" ] && [ -s "$WORK/nb/gradient_check.html" ]; then
        pass "render: gradient_check.ipynb and .html are written"
    else
        fail "render: gradient_check.ipynb and .html are written"
        echo "# render.sh exit $rc:"
        show "$WORK/render.out"
    fi
    # one line per code cell with output: its first line, then the markers of what it holds
    "$PY" -c '
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
for c in nb.cells:
    if c.cell_type == "code" and c.outputs:
        print(c.source.split("\n")[0] + ": " + ", ".join(r["marker"] for r in c.metadata["dlfs2"]))
' "$WORK/nb/gradient_check.ipynb" >"$WORK/placement" 2>&1
    {
        echo 'static void by_hand(Lab *lab): == 1. one element by hand =='
        echo 'static void lab_gradients(void *ctx): == 2. the whole layer with gradcheck ==, == 3. a backward that forgets 1/N =='
        echo 'int main(int argc, char **argv): == 4. Embedding with the repeated id 3 =='
    } >"$WORK/placement.want"
    if cmp -s "$WORK/placement" "$WORK/placement.want"; then
        pass "render: each section's output on the cell the rules name"
    else
        fail "render: each section's output on the cell the rules name"
        show "$WORK/placement"
    fi
    # the notebook: by_hand's code, both FAIL rows in the outputs, the exercises; the page: the same
    check "render: the code cells, the FAIL rows and the exercises are in the notebook and the page" "$PY" -c '
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
page = open(sys.argv[2], encoding="utf-8").read()
code = [c.source for c in nb.cells if c.cell_type == "code"]
text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
md = [c.source for c in nb.cells if c.cell_type == "markdown"]
sys.exit(not (any("static void by_hand(Lab *lab)" in s for s in code)
              and text.count(" FAIL  ") == 2 and any("## Try this" in s for s in md)
              and "by_hand" in page and page.count(" FAIL  ") == 2 and ">Try this<" in page))
' "$WORK/nb/gradient_check.ipynb" "$WORK/nb/gradient_check.html"
fi

tap_done
