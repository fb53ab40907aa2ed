#!/bin/sh
# test_install.sh — TAP test of `meson install`: the library, its public
# headers and its pkg-config file are installed (into a staging directory
# with --destdir), and a program outside the tree (tests/install/use_dlfs2.c,
# which includes only <dlfs2/dlfs2.h>) builds against them with
# `pkg-config --cflags --libs dlfs2` alone and runs. And the public surface
# (docs/library.md): no implementation header is installed; each installed
# header compiles alone with only -I<includedir> and includes only C's
# standard headers and its own; pkg-config needs no other package's .pc file;
# libdlfs2.so exports exactly the functions the installed headers declare.
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
PLAN=14
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
    for h in dlfs2.h version.h common/api.h common/param.h layers/embedding.h layers/matmul.h \
             training/trainer.h models/cbow.h datasets/vectors.h evaluation/analogy.h \
             gradcheck/gradcheck.h; do
        [ -n "$(find "$1" -path "*/include/dlfs2/$h")" ] || { echo "# missing $h"; exit 1; }
    done' - "$STAGE"
INC=$(find "$STAGE" -path '*/include/dlfs2/dlfs2.h' | head -n 1)
INC=${INC%/dlfs2/dlfs2.h}
HEADERS=$(cd "$INC" && find dlfs2 -name '*.h' | sort)
echo "# installed headers: $(echo "$HEADERS" | wc -l)"

# The implementation headers of docs/library.md stay in the tree.
check "no implementation header is installed" sh -c '
    bad=
    for h in common/simd.h common/fpu.h common/check.h common/blas.h common/fs.h \
             common/textfile.h common/clock.h layers/simd_math.h datasets/f32le.h \
             datasets/download.h evaluation/lower_vocab.h; do
        [ -e "$1/dlfs2/$h" ] && bad="$bad $h"
    done
    [ -z "$bad" ] || { echo "# installed:$bad"; exit 1; }' - "$INC"

# Their #include <...> lines name only C standard headers (no cblas.h,
# xmmintrin.h, omp.h, curl/, openssl/), and their #include "..." lines only
# other installed headers, by a path relative to the including header.
check "installed headers include only C's standard headers and each other" sh -c '
    cd "$1" || exit 1
    bad=
    for h in $2; do
        for s in $(sed -n "s/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p" "$h"); do
            case " assert.h float.h limits.h math.h signal.h stdarg.h stdbool.h stddef.h stdint.h stdio.h stdlib.h string.h " in
                *" $s "*) ;;
                *) bad="$bad $h:<$s>" ;;
            esac
        done
        for q in $(sed -n "s/^[[:space:]]*#[[:space:]]*include[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$h"); do
            [ -f "${h%/*}/$q" ] || bad="$bad $h:\"$q\""
        done
    done
    [ -z "$bad" ] || { echo "# not allowed:$bad"; exit 1; }' - "$INC" "$HEADERS"

# Each compiles alone, as the first include of a file, with -I<includedir>
# and nothing else (no -I<includedir>/dlfs2: "common/param.h" would collide
# with a user's own common/ folder).
check "every installed header compiles alone with only -I<includedir> (C17, -pedantic)" sh -c '
    bad=
    for h in $2; do
        printf "#include <%s>\nint main(void) { return 0; }\n" "$h" > "$3/alone.c"
        cc -std=c17 -Wall -Wextra -pedantic -Werror -fsyntax-only -I"$1" "$3/alone.c" \
            > "$3/alone.log" 2>&1 || { bad="$bad $h"; sed -n "1,5s/^/#   /p" "$3/alone.log"; }
    done
    [ -z "$bad" ] || { echo "# do not compile alone:$bad"; exit 1; }' - "$INC" "$HEADERS" "$WORK"

# In C++ the declarations are extern "C" (DLFS2_API_BEGIN, common/api.h).
if command -v c++ >/dev/null 2>&1; then
    printf '#include <dlfs2/dlfs2.h>\nint main() { return DLFS2_VERSION_MAJOR * 0; }\n' > "$WORK/cxx.cpp"
    check "<dlfs2/dlfs2.h> compiles as C++17 too" \
        c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -I"$INC" "$WORK/cxx.cpp"
else
    skip "<dlfs2/dlfs2.h> compiles as C++17 too" "no c++ compiler"
fi

# pkg-config with the staging directory as sysroot: every -I and -L lands
# inside it; PKG_CONFIG_LIBDIR holds only dlfs2.pc, so no other package's
# .pc file (openblas, libcurl, libcrypto) is visible: a user's build needs none.
export PKG_CONFIG_LIBDIR="${PC%/*}" PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR="$STAGE"
CFLAGS=$(pkg-config --cflags dlfs2) && LIBS=$(pkg-config --libs dlfs2)
echo "# pkg-config --cflags --libs dlfs2: $CFLAGS $LIBS"
check "pkg-config --cflags --libs dlfs2 works with no other package's .pc file and asks nothing of one" \
    sh -c 'pkg-config --cflags --libs dlfs2 >/dev/null && [ -z "$(pkg-config --print-requires dlfs2)" ] &&
           [ -z "$(pkg-config --print-requires-private dlfs2)" ]'
check "pkg-config points only into the installed tree, not the source, and not into include/dlfs2" \
    sh -c 'case "$1" in *"$2"*|*include/dlfs2*) exit 1 ;; *) exit 0 ;; esac' - "$CFLAGS $LIBS" "$(cd "$SRC" && pwd)/"

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
if [ "$rc" -eq 0 ] && grep -q '^use_dlfs2: ok$' "$WORK/run.out" &&
   grep -qx "use_dlfs2: version $(pkg-config --modversion dlfs2)" "$WORK/run.out"; then
    pass "it runs against the installed libdlfs2, gets the right numbers and the version pkg-config gives"
else
    fail "it runs against the installed libdlfs2, gets the right numbers and the version pkg-config gives"
    echo "# exit $rc"
    show "$WORK/run.out"
fi

# The exports: every symbol libdlfs2.so defines for others (nm -D) is a
# function an installed header declares, and every function an installed
# header declares is exported. The names are read from the headers with the
# comments removed (gcc -fpreprocessed), without #define lines and static
# inline functions: in each declaration, the name after its type and before
# a "(" that opens a parameter list (not "(*", a function pointer), and the
# name an extern declaration of a variable ends with (recipe_preset_word2vec).
declared=$WORK/declared.txt exported=$WORK/exported.txt
for h in $HEADERS; do
    gcc -fpreprocessed -dD -E -P -x c "$INC/$h" 2>/dev/null
done | grep -v '^[[:space:]]*#' | tr '\n' ' ' | sed 's/static inline[^{]*{//g; s/;/;\n/g; s/}/}\n/g' |
    sed -n -e 's/^[[:space:]]*[A-Za-z_][A-Za-z0-9_ \*]*[ \*]\([a-z_][a-z0-9_]*\)[[:space:]]*([[:space:]]*[^*[:space:]].*/\1/p' \
           -e 's/^[[:space:]]*extern[[:space:]][^(;]*[ \*]\([a-z_][a-z0-9_]*\)[[:space:]]*;.*/\1/p' |
    sort -u > "$declared"
# (AddressSanitizer adds an __odr_asan.NAME indicator next to each exported
# variable, recipe_preset_word2vec's; it is the sanitizer's, not the API)
nm -D --defined-only "$LIB" | awk '{ print $3 }' | grep -v '^__odr_asan\.' | sort -u > "$exported"
echo "# libdlfs2.so exports $(wc -l < "$exported") symbols; the headers declare $(wc -l < "$declared") functions and variables"
extra=$(comm -23 "$exported" "$declared" | tr '\n' ' ')
missing=$(comm -13 "$exported" "$declared" | tr '\n' ' ')
if [ -z "$extra" ]; then
    pass "nm -D: libdlfs2.so exports nothing that no installed header declares"
else
    fail "nm -D: libdlfs2.so exports nothing that no installed header declares"
    echo "# exported, declared in no installed header: $extra"
fi
if [ -z "$missing" ] && [ -s "$declared" ]; then
    pass "every function an installed header declares is exported"
else
    fail "every function an installed header declares is exported"
    echo "# declared, not exported: $missing"
fi
tap_done
