#!/bin/sh
# The text report against generated traces with known clocks
# (lttsync-gen's truth.json): per host the offset from the reference at
# its pivot, in readable units and the right direction, the drift in
# ppm, the pivot as a UTC date, the parent and hop count; the JSON
# report of the same run gives the same parents and hops. And a chain of
# hosts: the report names one parent per host, never a whole path.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
command -v python3 >/dev/null 2>&1 || { echo "python3 needed"; exit 77; }

# A chain of 5 hosts with offsets up to 30 s (some ahead of the
# reference, some behind), and a star of 4 with offsets below 1 ms.
"$GEN" -q -n 5 -d 10 -t chain -s 3 --max-offset-ns 30000000000 "$work/chain" >/dev/null
"$GEN" -q -n 4 -d 10 -t star -s 5 --max-offset-ns 800000 "$work/star" >/dev/null

check_text() { # DIR LABEL
	run "$2: text report" 0 "$1"
	cp "$work/out" "$work/$2.txt"
	run "$2: json report" 0 "$1" --format json
	cp "$work/out" "$work/$2.json"
	if python3 - "$1/truth.json" "$work/$2.txt" "$work/$2.json" >"$work/py.log" 2>&1 <<'PY'
import json, re, sys, time
from fractions import Fraction as F
truth = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
rep = json.load(open(sys.argv[3]))
clocks = {h["name"]: (F(h["base_ns"]), F(h["rate"])) for h in truth["hosts"]}
ref = rep["reference"]
assert text[0] == "reference: " + ref, text[0]
hosts = {h["host"]: h for h in rep["hosts"]}
units = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9}
row_re = re.compile(r"^(\S+)\s+(\S+)\s+(\d+(?:\.\d+)?) (ns|us|ms|s)(?: (behind|ahead of) (\S+))?"
                    r"\s+([+-]\d+\.\d{3}) ppm\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\s+(\S+)\s+(\S+)\s+(\S+)$")
rows = {}
for line in text[3:]:
    if not line:
        break
    m = row_re.match(line)
    assert m, "unreadable row: " + line
    rows[m.group(1)] = m
assert set(rows) == set(hosts), (set(rows), set(hosts))
worst = {}
for name, m in rows.items():
    h = hosts[name]
    pivot = int(h["pivot_ns"])
    # Truth: the reference's reading at the instant the host reads pivot.
    b, r = clocks[name]
    br, rr = clocks[ref]
    T = (pivot - b) / r
    true_off = br + rr * T - pivot
    shown = F(m.group(3)) * units[m.group(4)]
    if m.group(5) == "ahead of":
        shown = -shown
    if m.group(5):
        assert m.group(6) == ref, line
    else:
        assert shown == 0, m.group(0)
    # The printed digits: half a unit of the last one, plus the bounds.
    decimals = len(m.group(3).split(".")[1]) if "." in m.group(3) else 0
    tol = F(units[m.group(4)], 2 * 10**decimals) + (h["bounds_width_ns"] or 0) + 2
    assert abs(shown - true_off) <= tol, (name, float(shown), float(true_off), float(tol))
    true_ppm = (rr / r - 1) * 10**6
    # The slope is known within the pairs' slope bounds along the path.
    pairs = {frozenset(p["hosts"]): p for p in rep["pairs"]}
    n, width = name, 0.0
    while hosts[n]["parent"] is not None:
        p = pairs[frozenset((n, hosts[n]["parent"]))]
        width += p["slope_max"] - p["slope_min"]
        n = hosts[n]["parent"]
    tol_ppm = F(width * 1e6) + F(1, 1000)
    assert abs(F(m.group(7)) - true_ppm) <= tol_ppm, (name, m.group(7), float(true_ppm), float(tol_ppm))
    assert m.group(8) == time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(pivot // 10**9)), name
    # The pivot lies within the run, on the host's clock.
    start, dur = truth["start_epoch_ns"], truth["duration_ns"]
    assert b - 10**9 <= pivot <= b + r * dur + 10**9, (name, pivot)
    assert m.group(10) == (h["parent"] or "-"), (name, m.group(10), h["parent"])
    assert m.group(11) == str(h["hops"]), (name, m.group(11), h["hops"])
    worst[name] = (float(shown - true_off), float(F(m.group(7)) - true_ppm))
# Parents lead to the reference in `hops` steps.
for name, h in hosts.items():
    n, k = name, 0
    while hosts[n]["parent"] is not None:
        n, k = hosts[n]["parent"], k + 1
    assert n == ref and k == h["hops"], (name, n, k)
print("offset and drift errors:", worst)
PY
	then ok "$2: offsets, drifts, dates, parents and hops agree with the true clocks"
	else ko "$2: text report against the truth"; sed 's/^/  /' "$work/py.log" | tail -5; fi
}
check_text "$work/chain" chain
check_text "$work/star" star
contains "$work/chain.txt" " ahead of " "chain: some host ahead of the reference"
contains "$work/chain.txt" " behind " "chain: some host behind the reference"
contains "$work/star.txt" "[0-9] us \(behind\|ahead of\) " "star: sub-millisecond offsets in us"
contains "$work/chain.txt" "[0-9] s \(behind\|ahead of\) " "chain: offsets of seconds in s"
lacks "$work/chain.txt" "[0-9]\{20\}\| > " "no 22-digit slope nor path in the text"

# A chain of 300 hosts by messages: one parent per host, hops growing.
python3 - "$work/long.csv" <<'PY'
import sys
T, T2 = 1700000000000000000, 1700000000500000000
with open(sys.argv[1], "w") as f:
    for i in range(299):
        for k in (0, 1000):
            f.write(f"h{i},{T + k},h{i + 1},{T + 50000 - 1000 * i + k}\n")
            f.write(f"h{i + 1},{T2 - 1000 * i + k},h{i},{T2 + 60000 + k}\n")
PY
run "chain of 300 hosts, json" 0 --messages "$work/long.csv" --reference h0 --format json
cp "$work/out" "$work/long.json"
run "chain of 300 hosts, text" 0 --messages "$work/long.csv" --reference h0
contains "$work/out" "^h299 .* h298  *299$" "the last host: parent h298, 299 hops"
contains "$work/long.json" '"host": "h299".*"parent": "h298", "hops": 299' "json: parent and hops"
lacks "$work/long.json" '"path"' "json: no path"
# Linear: the text of a 300-host chain stays under 300 bytes a host.
check "chain text report linear in hosts" test "$(wc -c <"$work/out")" -lt 90000
finish
