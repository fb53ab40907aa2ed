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
# A ranking (three or more words, each followed by its score, best first:
# a run of lines " word: 0.995", or one line "label  w1 0.995 w2 0.994 ...")
# may also differ in the order of its words where their scores are close,
# since a near-tie (cosines of 0.99497 and 0.99496) can flip with the
# summation order of another CPU's BLAS or vector width:
#   - the scores are still compared place by place, as above;
#   - a word at another place must stand there with a score close to its
#     expected one;
#   - one word at most may be new (a tie at the cut-off): its score must be
#     close to the expected last score, and the expected word it replaces
#     must have had a score close to the last score got.
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

# a number as the skeleton above finds one, alone
function is_num(t) { return t ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }

# a line of a ranking run: " word: 0.995"
function is_entry(line) { return line ~ /^ [^ ]+: -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }

# ranking_match(E, A): lines E and A differ only as a ranking may (see the
# top). Tokens are compared place by place: equal text, or two close
# numbers, or two words each followed by a number: a ranking's words,
# then checked as a set against their scores.
function ranking_match(e, a,    et, at, ne, na, k, n, ew, se, aw, sa, i, j, gone, added) {
    ne = split(e, et, /[ \t]+/); na = split(a, at, /[ \t]+/)
    if (ne != na) return 0
    n = 0
    for (k = 1; k <= ne; k++) {
        if (is_num(et[k]) || is_num(at[k])) {
            if (!is_num(et[k]) || !is_num(at[k]) || !close_enough(et[k], at[k])) return 0
        } else if (k < ne && is_num(et[k + 1]) && is_num(at[k + 1])) {
            n++; ew[n] = et[k]; se[n] = et[k + 1]; aw[n] = at[k]; sa[n] = at[k + 1]
        } else if (et[k] != at[k]) {
            return 0
        }
    }
    if (n < 3) return 0                     # "loss 2.5" is not a ranking
    for (i = 2; i <= n; i++)                # best first, in both
        if (se[i] + 0 > se[i - 1] + 0 || sa[i] + 0 > sa[i - 1] + 0) return 0
    gone = added = 0
    for (i = 1; i <= n; i++) {              # each expected word: moved, or cut off at a tie
        if (ew[i] == aw[i]) continue
        for (j = 1; j <= n && aw[j] != ew[i]; j++) ;
        if (j <= n) {
            if (!close_enough(se[i], sa[j])) return 0
        } else if (++gone > 1 || !close_enough(se[i], sa[n])) {
            return 0
        }
    }
    for (j = 1; j <= n; j++) {              # each word new to the ranking: in at a tie
        for (i = 1; i <= n && ew[i] != aw[j]; i++) ;
        if (i > n && (++added > 1 || !close_enough(se[n], sa[j]))) return 0
    }
    return 1
}

# join(L, N, OUT, FROM): copies the lines L[1..N] into OUT, each run of
# ranking lines joined into one (tab-separated); FROM[i] = the first line
# of L that OUT[i] came from. Returns the number of lines in OUT.
function join(l, n, out, from,    i, m) {
    m = 0
    for (i = 1; i <= n; i++) {
        if (is_entry(l[i]) && i > 1 && is_entry(l[i - 1])) {
            out[m] = out[m] "\t" l[i]
        } else {
            out[++m] = l[i]
            from[m] = i
        }
    }
    return m
}

function report(msg) {
    bad++
    if (bad <= 10) print msg
}

BEGIN { if (rel == "") rel = 0.01 }

FNR == NR { want[++nw] = $0; next }
{ got[++ng] = $0 }

END {
    mw = join(want, nw, w, wfrom)
    mg = join(got, ng, g, gfrom)
    for (i = 1; i <= mw && i <= mg; i++) {
        split("", en); split("", an)
        es = skeleton(w[i], en)
        as = skeleton(g[i], an)
        ok = (es == as && en[0] == an[0])
        for (j = 1; ok && j <= en[0]; j++)
            if (!close_enough(en[j], an[j])) ok = 0
        if (!ok) ok = ranking_match(w[i], g[i])
        if (!ok) {
            gsub(/\t/, "\n", w[i]); gsub(/\t/, "\n", g[i])
            report("line " wfrom[i] ": expected: " w[i] "\nline " gfrom[i] ":      got: " g[i])
        }
    }
    if (nw != ng) report("expected " nw " lines, got " ng)
    if (bad > 10) print "... and " (bad - 10) " more"
    exit bad > 0
}
