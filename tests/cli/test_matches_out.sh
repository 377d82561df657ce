#!/bin/sh
# lttsync --matches-out: every matched message with the traces of its two
# events and its packet, checked against what lttsync-gen says it wrote;
# read back with --messages in its full form and in the four-column form;
# names that need quoting (hosts and trace folders) survive the trip.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
GEN=${LTTSYNC_GEN:-$GEN}
HEADER='send_host,send_ns,recv_host,recv_ns,send_trace,recv_trace,family,src_addr,dst_addr,src_port,dst_port,seq,ack_seq,flags'

if ! command -v python3 >/dev/null 2>&1; then
	skip "python3 not found"
	echo "0 passed, 0 failed"
	exit 77
fi

# ---- generated traces, against the truth ---------------------------------
"$GEN" -q -n 3 -t mesh -d 2 -l modules-2.10.5,modules-2.13,modules-2.9 \
	--ipv6-fraction 0.5 -m "$work/truth.csv" "$work/g" || ko "lttsync-gen"
run "generated traces" 0 "$work/g" --format json --output "$work/r_traces.json" \
	--matches-out "$work/m.csv"
if [ "$(head -n 1 "$work/m.csv")" = "$HEADER" ]; then ok "the header names the 14 columns"
else ko "header: $(head -n 1 "$work/m.csv")"; fi

# Every matchable message of the truth, once; each row names the trace
# folder of its sender and of its receiver (OUTDIR/HOST/kernel), an IPv4
# or IPv6 flow whose addresses are those of its two hosts (one per host
# and family, distinct hosts distinct), its ports, and its key.
check "rows: the truth's messages, with their traces and packets" \
	python3 - "$work/m.csv" "$work/truth.csv" "$work/g" <<'PY'
import csv, ipaddress, os, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
truth = [r for r in csv.reader(open(sys.argv[2], newline="")) if r and r[1].isdigit()]
top = os.path.realpath(sys.argv[3])
ok = True
def bad(*a):
    global ok
    ok = False
    print(*a)
if sorted(tuple(r[:4]) for r in rows) != sorted(tuple(r[:4]) for r in truth):
    bad("messages differ from the truth:", len(rows), "rows,", len(truth), "in the truth")
addr = {}
families = set()
for r in rows:
    if len(r) != 14:
        bad("row of", len(r), "fields:", r); continue
    sh, _, rh, _, st, rt, fam, sa, da, sp, dp, seq, ack, fl = r
    for host, trace in ((sh, st), (rh, rt)):
        if os.path.realpath(trace) != os.path.join(top, host, "kernel"):
            bad("trace", trace, "is not", host + "'s")
    if fam not in ("4", "6"):
        bad("family", fam); continue
    families.add(fam)
    for host, a in ((sh, sa), (rh, da)):
        ip = ipaddress.ip_address(a)
        if ip.version != int(fam):
            bad("address", a, "in family", fam)
        if addr.setdefault((host, fam), a) != a:
            bad(host, "has two IPv" + fam, "addresses:", addr[(host, fam)], a)
    if not (0 < int(sp) < 65536 and 0 < int(dp) < 65536):
        bad("ports", sp, dp)
    if not (0 <= int(seq) < 2**32 and 0 <= int(ack) < 2**32 and 0 <= int(fl, 16) < 256):
        bad("key", seq, ack, fl)
    if not fl.startswith("0x"):
        bad("flags", fl)
for fam in families:
    hosts = [a for (h, f), a in addr.items() if f == fam]
    if len(hosts) != len(set(hosts)):
        bad("two hosts share an IPv" + fam, "address")
if families != {"4", "6"}:
    bad("families seen:", families)
print(len(rows), "rows checked")
sys.exit(0 if ok else 1)
PY

# ---- read back --------------------------------------------------------------
# The full form and its first four columns give the same report, whose
# hosts are those of the run on the traces.
run "the full form read back" 0 --messages "$work/m.csv" --format json
cp "$work/out" "$work/r_full.json"
cut -d, -f1-4 "$work/m.csv" >"$work/m4.csv"
run "the four-column form read back" 0 --messages "$work/m4.csv" --format json
if cmp -s "$work/out" "$work/r_full.json"; then ok "both forms: the same report"
else ko "the two forms give different reports"; diff "$work/r_full.json" "$work/out" | head -5; fi
check "the replay's transforms are the traces'" python3 - "$work/r_traces.json" "$work/r_full.json" <<'PY'
import json, sys
def hosts(p):
    return {h["host"]: (h["quality"], h.get("slope"), h.get("offset_ns"))
            for h in json.load(open(p))["hosts"]}
a, b = hosts(sys.argv[1]), hosts(sys.argv[2])
print(a == b and "same" or (a, b))
sys.exit(0 if a == b else 1)
PY
printf '%s\n' "$HEADER" >"$work/h.csv"
run "the header alone: read, no message" 2 --messages "$work/h.csv"
contains "$work/err" "no message in the input" "the header alone: no message, no error"
printf 'a,1,b,2,,,,,,,,,\n' >"$work/bad.csv"
run "13 fields refused" 1 --messages "$work/bad.csv"
contains "$work/err" "bad.csv:1: expected 4 comma-separated fields" "13 fields: says what is expected"
printf 'a,1,b,2,x\n' >"$work/bad.csv"
run "5 fields refused" 1 --messages "$work/bad.csv"

# ---- messages read, not matched: the packet columns are empty ---------------
EX="$top_srcdir/examples/three-hosts.csv"
run "messages in, matches out" 0 --messages "$EX" --matches-out "$work/m2.csv"
check "rows of read messages: 14 fields, the last 10 empty" python3 - "$work/m2.csv" "$EX" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
src = [r for r in csv.reader(open(sys.argv[2], newline="")) if r and not r[0].startswith("#") and r[1].strip().lstrip("-").isdigit()]
ok = len(rows) == len(src) and all(len(r) == 14 and not any(r[4:]) for r in rows)
print(len(rows), "rows,", len(src), "messages read")
sys.exit(0 if ok else 1)
PY

# ---- quoting ------------------------------------------------------------------
# Host names and trace folders holding commas, quotes, a leading '#',
# surrounding spaces; a folder name with a newline is written with '?'
# (a line holds one message).
TR="$top_srcdir/examples/traces"
mkdir -p "$work/odd"
cp -R "$TR/host0" "$work/odd/#a, \"b\" "
cp -R "$TR/host1" "$work/odd/c
d"
cp -R "$TR/host2" "$work/odd/plain"
run "odd names" 0 --host ' #h0, "q" '="$work/odd/#a, \"b\" " --host 'h1,x'="$work/odd/c
d" "$work/odd" --matches-out "$work/m3.csv"
sed '/^trace of host/,/^$/d' "$work/out" >"$work/report3"
contains "$work/m3.csv" '^"h1,x",[0-9]*," #h0, ""q"" ",[0-9]*,' "host names quoted as before"
check "trace folders quoted, the newline written as ?" python3 - "$work/m3.csv" "$work/odd" <<'PY'
import csv, os, sys
lines = open(sys.argv[1], newline="").read().split("\n")
rows = list(csv.reader(lines[1:-1]))
top = sys.argv[2]
want = {" #h0, \"q\" ": os.path.join(top, "#a, \"b\" "), "h1,x": os.path.join(top, "c?d")}
ok = len(lines) - 2 == len(rows) > 0
for r in rows:
    for host, trace in ((r[0], r[4]), (r[2], r[5])):
        if host in want and os.path.dirname(trace) != want[host]:
            ok = False
            print("trace", repr(trace), "for", repr(host))
sys.exit(0 if ok else 1)
PY
run "odd names read back" 0 --messages "$work/m3.csv"
if cmp -s "$work/out" "$work/report3"; then ok "odd names: the same report"; else
	ko "odd names: reports differ"; diff "$work/report3" "$work/out" | head -5; fi

finish
