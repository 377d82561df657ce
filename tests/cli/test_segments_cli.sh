#!/bin/sh
# lttsync on clocks whose rates change: the JSON report's segments applied
# by a reader (exact decimal arithmetic) against the true clocks, and the
# --segments and --verbose options.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
SIM="$top_builddir/tests/common/ratesim_csv"

"$SIM" 3 1200 4 "$work/truth" >"$work/m.csv" || ko "simulated messages written"
run "changing rates, json" 0 --messages "$work/m.csv" --reference host0 --format json
cp "$work/out" "$work/report.json"
if command -v python3 >/dev/null 2>&1; then
	if python3 - "$work/report.json" "$work/truth" <<'PY'
import json, sys
from decimal import Decimal as D, getcontext
getcontext().prec = 80
r = json.load(open(sys.argv[1]))
hosts = {h["host"]: h for h in r["hosts"]}
for name, h in hosts.items():
    segs = h["segments"]
    assert segs and segs[0]["from_ns"] is None, name
    froms = [s["from_ns"] for s in segs[1:]]
    assert froms == sorted(set(froms)), name
    if name != "host0":
        assert h["quality"] == "accurate", (name, h["quality"])
        assert len(segs) > 1, name
    # continuous and increasing at every knot
    for a, b in zip(segs, segs[1:]):
        t = D(b["from_ns"])
        va = D(a["slope"]) * t + D(a["offset_ns"])
        vb = D(b["slope"]) * t + D(b["offset_ns"])
        assert abs(va - vb) < 1, (name, t, va - vb)
        assert D(b["slope"]) > 0
def apply(segs, t):
    s = segs[0]
    for g in segs[1:]:
        if g["from_ns"] <= t:
            s = g
    return D(s["slope"]) * t + D(s["offset_ns"])
errs = []
for line in open(sys.argv[2]):
    name, t, truth = line.strip().split(",")
    errs.append(abs(apply(hosts[name]["segments"], int(t)) - D(truth)))
errs.sort()
p99, mx = errs[len(errs) * 99 // 100], errs[-1]
print("error of the JSON segments: p99 %.1f us, max %.1f us" % (p99 / 1000, mx / 1000))
assert mx <= 2000000 and p99 <= 100000
PY
	then ok "JSON segments: continuous, increasing, within 2 ms of the truth"
	else ko "JSON segments against the truth"; fi
else
	skip "python3 not found: JSON segments not checked"
fi

run "changing rates, text" 0 --messages "$work/m.csv"
contains "$work/out" "^host1: [0-9]* segments" "text report counts the segments"
lacks "$work/out" "from (ns)" "no segment table without --verbose"
run "changing rates, --verbose" 0 --messages "$work/m.csv" --verbose
contains "$work/out" "from (ns)" "--verbose lists the segments"
run "--segments off: one line fails" 2 --messages "$work/m.csv" --segments off
contains "$work/out" "^host1  *fail" "one line per host fails"
run "--segments on" 0 --messages "$work/m.csv" --segments on
run "--segments with a bad value" 1 --messages "$work/m.csv" --segments maybe
contains "$work/err" "on or off" "says what --segments expects"

EX="$top_srcdir/examples/three-hosts.csv"
run "one line: segments on" 0 --messages "$EX" --format json
cp "$work/out" "$work/on.json"
run "one line: segments off" 0 --messages "$EX" --format json --segments off
check "data one line explains: the same report either way" cmp -s "$work/on.json" "$work/out"
contains "$work/on.json" '"segments": \[{"from_ns": null' "one segment, from the beginning"
finish
