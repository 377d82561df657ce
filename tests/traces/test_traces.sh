#!/bin/sh
# Ground truth through the whole path: write traces of simulated hosts with
# known clocks (lttsync-gen), synchronize them with the command, and check
# its JSON against truth.json: every host synchronized, the true reference
# time inside the reported bounds, the estimate within the bound width;
# every pair of trace layouts synchronizes.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
GEN=${LTTSYNC_GEN:-$GEN}
command -v python3 >/dev/null 2>&1 || { echo "python3 needed"; exit 77; }

# sync_check NAME EXPECTED_STATUS GEN_ARGS...: generate, synchronize, compare
sync_check() {
	name=$1 expect=$2
	shift 2
	rm -rf "$work/t"
	if ! "$GEN" -q "$@" "$work/t" >"$work/gen.log" 2>&1; then
		ko "$name: lttsync-gen failed"; cat "$work/gen.log"; return
	fi
	"$LTTSYNC" "$work/t" --format json >"$work/r.json" 2>"$work/err"
	st=$?
	[ "$st" -eq "$expect" ] && ok "$name: exit $st" || { ko "$name: exit $st"; cat "$work/err"; }
	if python3 - "$work/t/truth.json" "$work/r.json" >"$work/py.log" 2>&1 <<'PY'
import json, sys
from fractions import Fraction as F
truth = {h["name"]: h for h in json.load(open(sys.argv[1]))["hosts"]}
rep = json.load(open(sys.argv[2]))
ref = rep["reference"]
def clock(h):
    return F(truth[h]["base_ns"]), F(truth[h]["rate"])
br, rr = clock(ref)
checked = 0
for h in rep["hosts"]:
    if truth[h["host"]]["layout"] == "old":
        assert h["quality"] == "disconnected", h
        continue
    assert h["quality"] in ("reference", "accurate"), (h["host"], h["quality"])
    bh, rh = clock(h["host"])
    pivot = F(h["pivot_ns"])
    true_ref = br + rr * (pivot - bh) / rh
    lo, hi = h["bounds_ns"]
    assert lo - 1 <= true_ref <= hi + 1, (h["host"], float(true_ref - lo), float(hi - true_ref))
    est = F(h["slope"]) * pivot + F(h["offset_ns"])
    assert abs(est - F(h["pivot_ref_ns"])) < 1, "pivot form agrees"
    assert abs(est - true_ref) <= h["bounds_width_ns"] + 1, (h["host"], float(est - true_ref))
    # elsewhere in the trace: the estimate stays near the truth (drift bound)
    for k in (-4, 4):
        t = pivot + k * 10**9
        err = F(h["slope"]) * t + F(h["offset_ns"]) - (br + rr * (t - bh) / rh)
        assert abs(err) < 10**6, (h["host"], k, float(err))
    checked += 1
for p in rep["pairs"]:
    layouts = {truth[x]["layout"] for x in p["hosts"]}
    if "old" not in layouts:
        assert p["quality"] == "accurate", p
print("hosts checked:", checked)
PY
	then ok "$name: truth inside the bounds, estimates within the width ($(tail -n 1 "$work/py.log"))"
	else ko "$name: ground truth"; cat "$work/py.log"; fi
}

sync_check "2 hosts, modules-2.10.5 and addons-b" 0 -n 2 -l modules-2.10.5,addons-b -d 5 -s 11 \
	--max-offset-ns 7200000000000 --max-drift-ppm 200
sync_check "3 hosts, mixed layouts, chain" 0 -n 3 -l modules-2.9,addons-a,modules-2.13 -t chain -d 5 -s 12
sync_check "8 hosts, star, IPv6, retransmissions" 0 -n 8 -l modules-2.13,modules-2.10.5 -t star -d 4 -s 13 \
	--ipv6-fraction 0.5 --retransmit-fraction 0.05
sync_check "every pair of layouts (mesh of 7 layouts)" 0 -n 7 \
	-l modules-2.9,modules-2.10.5,modules-2.13,modules-2.6,experimental,addons-a,addons-b \
	-t mesh -d 3 -s 14
sync_check "a host traced without headers stays unsynchronized" 2 -n 3 -l modules-2.10.5,old -t mesh -d 3 -s 15

finish
