#!/bin/sh
# test_install.sh — TAP test of `meson install`: the library, its headers
# and its pkg-config file are installed (into a staging directory with
# --destdir), and a program outside the tree (tests/install/use_dlfs2.c)
# builds against them with `pkg-config --cflags --libs dlfs2` alone and runs.
# First, `meson compile -C BUILD dlfs2` names one target, the program (the
# library's target is libdlfs2), as README tells students to run it.
#
#     sh tests/test_install.sh MESON BUILD_DIR SANITIZE
#
# SANITIZE is the build's b_sanitize ("none", or e.g. "address,undefined":
# a sanitized library needs the program built with the same runtime).

MESON=${1:?usage: sh tests/test_install.sh MESON BUILD_DIR SANITIZE}
BUILD=${2:?usage: sh tests/test_install.sh MESON BUILD_DIR SANITIZE}
SANITIZE=${3:-none}
PLAN=7
SRC=${DLFS2_SOURCE_ROOT:-$(dirname "$0")/..}

. "$SRC/tests/tap.sh"

# Everything is built already (meson test builds first; this test runs
# alone), so this only resolves the name: before, the library and the
# program were both "dlfs2" and Meson refused with "ambiguous name".
if "$MESON" compile -C "$BUILD" dlfs2 >"$WORK/compile.log" 2>&1; then
    pass "meson compile -C BUILD dlfs2 builds the program"
else
    fail "meson compile -C BUILD dlfs2 builds the program"
    show "$WORK/compile.log"
fi

STAGE=$WORK/stage
if "$MESON" install -C "$BUILD" --destdir "$STAGE" --no-rebuild >"$WORK/install.log" 2>&1; then
    pass "meson install --destdir: exit 0"
else
    fail "meson install --destdir: exit 0"
    show "$WORK/install.log"
fi

PC=$(find "$STAGE" -name dlfs2.pc | head -n 1)
LIB=$(find "$STAGE" -name 'libdlfs2.so' | head -n 1)
check "dlfs2.pc and libdlfs2.so are installed" test -n "$PC" -a -n "$LIB"
check "headers are installed under include/dlfs2/<folder>/" sh -c '
    for h in common/param.h layers/embedding.h layers/matmul.h models/cbow.h \
             datasets/vectors.h evaluation/analogy.h gradcheck/gradcheck.h; do
        [ -n "$(find "$1" -path "*/include/dlfs2/$h")" ] || { echo "# missing $h"; exit 1; }
    done' - "$STAGE"

# pkg-config with the staging directory as sysroot: every -I and -L lands inside it
export PKG_CONFIG_PATH="${PC%/*}" PKG_CONFIG_SYSROOT_DIR="$STAGE"
CFLAGS=$(pkg-config --cflags dlfs2) && LIBS=$(pkg-config --libs dlfs2)
echo "# pkg-config --cflags --libs dlfs2: $CFLAGS $LIBS"
check "pkg-config points only into the installed tree, not the source" \
    sh -c 'case "$1" in *"$2"*) exit 1 ;; *) exit 0 ;; esac' - "$CFLAGS $LIBS" "$(cd "$SRC" && pwd)/"

SAN=
[ "$SANITIZE" != none ] && SAN="-fsanitize=$SANITIZE"
# shellcheck disable=SC2086
if cc -std=c17 -Wall -Wextra -Werror $SAN $CFLAGS "$SRC/tests/install/use_dlfs2.c" \
    -o "$WORK/use_dlfs2" $LIBS -lm >"$WORK/cc.log" 2>&1; then
    pass "an out-of-tree program builds with pkg-config --cflags --libs dlfs2"
else
    fail "an out-of-tree program builds with pkg-config --cflags --libs dlfs2"
    show "$WORK/cc.log"
fi
LD_LIBRARY_PATH="${LIB%/*}" "$WORK/use_dlfs2" >"$WORK/run.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^use_dlfs2: ok$' "$WORK/run.out"; then
    pass "it runs against the installed libdlfs2 and gets the right numbers"
else
    fail "it runs against the installed libdlfs2 and gets the right numbers"
    echo "# exit $rc"
    show "$WORK/run.out"
fi
tap_done
