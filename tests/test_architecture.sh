#!/bin/sh
# The include-direction rule of docs/architecture.md: every #include "X/..."
# (or "../X/...") in a file of folder F names F itself or a folder that F's
# row of the table lists. The table is read from docs/architecture.md, between
# its architecture-rule markers, so the rule is written once. TAP output: one
# test per folder of the table, and one for files in folders with no row.
# usage: test_architecture.sh SOURCE_ROOT
root=${1:?usage: test_architecture.sh SOURCE_ROOT}
doc="$root/docs/architecture.md"
rules=$(mktemp)
trap 'rm -f "$rules"' EXIT
# "| `layers` | `common` |" -> "layers common"
sed -n '/<!-- architecture-rule: begin -->/,/<!-- architecture-rule: end -->/p' "$doc" |
    grep '^| `' | tr -d '`|' | awk '{ $1 = $1; print }' > "$rules"
n=$(wc -l < "$rules")
if [ "$n" -lt 2 ]; then
    echo "1..1"
    echo "not ok 1 - no rule table found in $doc"
    exit 1
fi
echo "1..$((n + 1))"
i=0
status=0
while read -r folder allowed; do
    i=$((i + 1))
    bad=""
    for f in "$root/$folder"/*.c "$root/$folder"/*.h; do
        [ -e "$f" ] || continue
        for target in $(sed -n 's@^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(\.\./\)*\([A-Za-z0-9_-]*\)/.*@\2@p' "$f" | sort -u); do
            ok=no
            for a in "$folder" $allowed; do
                [ "$target" = "$a" ] && ok=yes
            done
            [ $ok = yes ] || bad="$bad ${f#"$root/"}->$target"
        done
    done
    if [ -z "$bad" ]; then
        echo "ok $i - $folder includes only from: $folder $allowed"
    else
        echo "not ok $i - $folder includes from a folder its row does not list:$bad"
        status=1
    fi
done < "$rules"
# folders with C files that have no row (tests/ and fuzz/ may include anything)
missing=""
for d in "$root"/*/; do
    d=${d%/}; d=${d##*/}
    case "$d" in tests|fuzz|build*|subprojects) continue ;; esac
    ls "$root/$d"/*.[ch] >/dev/null 2>&1 || continue
    grep -q "^$d " "$rules" || grep -qx "$d" "$rules" || missing="$missing $d"
done
if [ -z "$missing" ]; then
    echo "ok $((n + 1)) - every folder with C files has a row"
else
    echo "not ok $((n + 1)) - folders with C files but no row in docs/architecture.md:$missing"
    status=1
fi
exit $status
