# compare_output.awk — does a lab's output match its expected output?
#
#     awk -v rel=0.01 -f compare_output.awk EXPECTED ACTUAL
#
# Both files must have the same lines. Within a line the text around the
# numbers must be equal, and each number must be close to the expected one:
#   - a number written with a unit in brackets right after it, "3[s]",
#     "12.5[ms]", "6.1[x]", is a measurement (a time, a speed, a ratio of
#     times) and is not compared: it changes from run to run;
#   - an integer (no '.' and no exponent) must be equal;
#   - any other number may differ by rel times its size (default 0.01), or
#     by one unit in its last printed digit, whichever is larger (so a value
#     printed as 2.55 may come out 2.54 or 2.56 after a rounding flip).
# Exits 0 when they match; else prints the first 10 differing lines
# ("line N: expected ... / got ...") and exits 1.

function skeleton(s, nums,    out, n, pre, tok) {
    # measurements first: "3[s]" becomes "<m>[s]"
    gsub(/-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\[[A-Za-z\/%]+\]/, "<m>&", s)
    gsub(/<m>-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/, "<m>", s)
    out = ""; n = 0
    while (match(s, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
        pre = substr(s, 1, RSTART - 1)
        tok = substr(s, RSTART, RLENGTH)
        # a number glued to a letter or '_' on its left is part of a name (W_in2, H100)
        if (pre ~ /[A-Za-z_]$/) {
            out = out pre tok
        } else {
            nums[++n] = tok
            out = out pre "<#>"
        }
        s = substr(s, RSTART + RLENGTH)
    }
    nums[0] = n
    return out s
}

# one unit in the last printed digit of the number text t
function ulp(t,    mant, ex, dec, p) {
    ex = 0
    if (match(t, /[eE][-+]?[0-9]+$/)) { ex = substr(t, RSTART + 1) + 0; mant = substr(t, 1, RSTART - 1) }
    else mant = t
    dec = 0
    p = index(mant, ".")
    if (p) dec = length(mant) - p
    return 10 ^ (ex - dec)
}

function close_enough(e, a,    d, tol) {
    if (e !~ /[.eE]/ && a !~ /[.eE]/) return e + 0 == a + 0
    d = e - a; if (d < 0) d = -d
    tol = rel * (e < 0 ? -e : e)
    if (ulp(e) > tol) tol = ulp(e)
    return d <= tol * (1 + 1e-9)
}

function report(msg) {
    bad++
    if (bad <= 10) print msg
}

BEGIN { if (rel == "") rel = 0.01 }

FNR == NR { want[++nw] = $0; next }
{ got[++ng] = $0 }

END {
    for (i = 1; i <= nw && i <= ng; i++) {
        split("", en); split("", an)
        es = skeleton(want[i], en)
        as = skeleton(got[i], an)
        ok = (es == as && en[0] == an[0])
        for (j = 1; ok && j <= en[0]; j++)
            if (!close_enough(en[j], an[j])) ok = 0
        if (!ok) report("line " i ": expected: " want[i] "\nline " i ":      got: " got[i])
    }
    if (nw != ng) report("expected " nw " lines, got " ng)
    if (bad > 10) print "... and " (bad - 10) " more"
    exit bad > 0
}
