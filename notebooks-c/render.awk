# render.awk — one lab as Markdown: its cells in order, each section followed
# by the output the program printed for it.
#
#     awk -f render.awk LAB.out LAB.c > LAB.md
#
# LAB.c is a percent-format notebook: "// %% [markdown]" starts a cell of
# "//" comment lines (Markdown), "// %%" a cell of C code; either may be
# indented. A section starts at a Markdown heading "## TITLE". LAB.out is
# what the program printed; a line "== TITLE ==" starts the output of the
# section with that title. Titles match by a leading number ("== 2. x =="
# goes with "## 2. Something"), else by the text, case and spaces ignored.
# Output before any marker goes after the lab's introduction (before the
# first section); a marker that matches no section goes at the end. A line
# "[plot] FILE" in the output becomes an image link ![FILE](FILE).

function key(title,    t) {
    t = tolower(title)
    gsub(/^[ \t]+|[ \t]+$/, "", t)
    gsub(/[ \t]+/, " ", t)
    if (match(t, /^[0-9]+\./)) return substr(t, 1, RLENGTH)
    return t
}

function emit_output(k,    n, i, line, in_text) {
    if (!(k in out_len) || (k in emitted)) return
    emitted[k] = 1
    n = out_len[k]
    # drop blank lines at both ends
    lo = 1; while (lo <= n && out[k, lo] ~ /^[ \t]*$/) lo++
    hi = n; while (hi >= lo && out[k, hi] ~ /^[ \t]*$/) hi--
    if (lo > hi) return
    print ""
    print "**Output**"
    print ""
    in_text = 0
    for (i = lo; i <= hi; i++) {
        line = out[k, i]
        if (line ~ /^\[plot\] /) {
            if (in_text) { print "```"; in_text = 0 }
            file = substr(line, 8)
            print ""
            print "![" file "](" file ")"
            print ""
            continue
        }
        if (!in_text) { print "```text"; in_text = 1 }
        print line
    }
    if (in_text) print "```"
}

function flush_code(    i, lo, hi) {
    lo = 1; while (lo <= ncode && code[lo] ~ /^[ \t]*$/) lo++
    hi = ncode; while (hi >= lo && code[hi] ~ /^[ \t]*$/) hi--
    if (lo <= hi) {
        print ""
        print "```c"
        for (i = lo; i <= hi; i++) print code[i]
        print "```"
    }
    ncode = 0
}

# pass 1: the program's output, split by markers
FNR == NR {
    if (match($0, /^== .* ==$/)) {
        cur = key(substr($0, 4, length($0) - 6))
        if (!(cur in out_len)) { out_len[cur] = 0; order[++norder] = cur }
        next
    }
    k = (cur == "") ? "__intro__" : cur
    if (!(k in out_len)) { out_len[k] = 0; if (k != "__intro__") order[++norder] = k }
    out[k, ++out_len[k]] = $0
    next
}

# pass 2: the notebook
/^[ \t]*\/\/ %% \[markdown\]/ { flush_code(); mode = "md"; newcell = 1; next }
/^[ \t]*\/\/ %%/ { flush_code(); mode = "code"; next }
mode == "md" {
    line = $0
    sub(/^[ \t]*\/\/ ?/, "", line)
    if (line ~ /^## /) {
        emit_output(section == "" ? "__intro__" : section)
        section = key(substr(line, 4))
        print ""
    } else if (started && newcell) {
        print ""
    }
    print line
    started = 1
    newcell = 0
    next
}
mode == "code" { code[++ncode] = $0; next }
{ next }   # lines before the first cell marker

END {
    flush_code()
    emit_output(section == "" ? "__intro__" : section)
    emit_output("__intro__")
    for (i = 1; i <= norder; i++) emit_output(order[i])
}
