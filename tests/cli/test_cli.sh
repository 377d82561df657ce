#!/bin/sh
# The lttsync command: formats, exit statuses, and each kind of bad input.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
EX="$top_srcdir/examples/three-hosts.csv"

empty() {
	if [ ! -s "$1" ]; then ok "$2"; else ko "$2: $1 not empty"; fi
}
csv() { printf '%b' "$1" >"$work/in.csv"; }

run "--help" 0 --help
contains "$work/out" "--messages" "help lists --messages"
run "--version" 0 --version
contains "$work/out" "lttsync [0-9][0-9]*\.[0-9][0-9]*\.[0-9]" "version printed"
run "no arguments" 1
contains "$work/err" "give trace folders" "says what is missing"
run "bad format" 1 --messages "$EX" --format xml
contains "$work/err" "unknown format" "names the bad format"
run "a path that is not a trace" 2 --messages "$EX" "$work"
contains "$work/err" "no CTF trace" "names the path that is not a trace"

run "example, text" 0 --messages "$EX"
contains "$work/out" "^reference: " "text report names the reference"
contains "$work/out" "^reference: bravo" "the chain's middle host is the reference"
contains "$work/out" "^alpha  *accurate" "alpha synchronized accurately"
contains "$work/out" "^charlie  *accurate" "charlie synchronized accurately"
cp "$work/out" "$work/text"

run "example, json" 0 --messages "$EX" --format json
contains "$work/out" '"reference": "' "json has the reference"
contains "$work/out" '"quality": "reference", "slope": "1", "offset_ns": "0"' "reference host: slope 1 offset 0"
contains "$work/out" '"hosts": \["alpha", "bravo"\], "messages": \[60, 60\]' "pair message counts"
if command -v python3 >/dev/null 2>&1; then
	if python3 - "$work/out" <<'PY'
import json, sys
from fractions import Fraction as F
r = json.load(open(sys.argv[1]))
assert r["reference"] in ("alpha", "bravo", "charlie")
hosts = {h["host"]: h for h in r["hosts"]}
assert set(hosts) == {"alpha", "bravo", "charlie"}
# examples/make-three-hosts.py: host clock = E + off + floor((1 + ppm*1e-6) * T)
truth = {"alpha": (0, 0), "bravo": (1234567890, 35), "charlie": (-1800000000000, -80)}
E = 1700000000 * 10**9
def true_ref(name, t):
    off, ppm = truth[name]
    T = (t - E - off) / (1 + F(ppm, 10**6))
    roff, rppm = truth[r["reference"]]
    return E + roff + (1 + F(rppm, 10**6)) * T
for name, h in hosts.items():
    digits = h["slope"].replace("-", "").replace(".", "").lstrip("0")
    assert len(digits) >= 20 or h["quality"] == "reference", h
    slope, off = F(h["slope"]), F(h["offset_ns"])
    pivot, pref = F(h["pivot_ns"]), F(h["pivot_ref_ns"])
    assert abs(slope * pivot + off - pref) < 1, "pivot form agrees"
    lo, hi = h["bounds_ns"]
    tr = true_ref(name, pivot)
    assert lo - 1 <= tr <= hi + 1, (name, float(tr - lo), float(hi - tr))
    assert abs(pref - tr) <= h["bounds_width_ns"] + 1, (name, float(pref - tr))
for p in r["pairs"]:
    assert p["quality"] == "accurate", p
    assert float(p["slope_min"]) < float(p["slope_max"])
PY
	then ok "json parses, pivot form consistent, truth inside the bounds, estimate within their width"
	else ko "json content"; fi
fi

run "output file" 0 --messages "$EX" --output "$work/report.txt"
empty "$work/out" "nothing on stdout with --output"
if cmp -s "$work/report.txt" "$work/text"; then ok "--output holds the same report"; else ko "--output differs"; fi
if ls "$work" | grep -q 'report.txt.tmp'; then ko "temporary file left"; else ok "no temporary file left"; fi
run "unwritable output" 1 --messages "$EX" --output "$work/no/such/dir/r.txt"

ln -s report.txt "$work/link.txt"
run "output through a symbolic link" 0 --messages "$EX" --output "$work/link.txt"
if [ -L "$work/link.txt" ] && cmp -s "$work/report.txt" "$work/text"; then ok "link kept, target rewritten"; else ko "symlink output"; fi
mkfifo "$work/fifo"
cat "$work/fifo" >"$work/from-fifo" &
reader=$!
run "output to a FIFO" 0 --messages "$EX" --output "$work/fifo"
wait "$reader"
if [ -p "$work/fifo" ] && cmp -s "$work/from-fifo" "$work/text"; then ok "FIFO written in place, not replaced"; else ko "FIFO output"; fi

printf 'caf\303\251,100,b\377,250\nb\377,300,caf\303\251,410\ncaf\303\251,1000,b\377,1150\nb\377,1200,caf\303\251,1320\n' >"$work/in.csv"
run "host names not UTF-8" 0 --messages "$work/in.csv" --format json
contains "$work/out" 'b\\ufffd' "invalid bytes become U+FFFD"
contains "$work/out" 'café' "valid UTF-8 kept"
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$work/out"; then ok "valid JSON"; else ko "invalid JSON"; fi
fi

run "reference chosen" 0 --messages "$EX" --reference charlie
contains "$work/out" "^reference: charlie" "--reference honoured"
run "unknown reference" 1 --messages "$EX" --reference zulu
contains "$work/err" "no such host" "unknown reference explained"

run "missing file" 1 --messages "$work/nope.csv"
contains "$work/err" "nope.csv" "missing file named"

csv "# comment\n\nsend_host,send_ns,recv_host,recv_ns\n  \na,100,b,250\nb,300,a,410\na,1000,b,1150\nb,1200,a,1320\n"
run "header, comments, blank lines" 0 --messages "$work/in.csv"

csv "a,100,b,250\na,1000,b,1150\n"
run "one direction only: unsynchronized" 2 --messages "$work/in.csv"
contains "$work/out" "^b  *disconnected" "report still printed, b disconnected"
contains "$work/out" "^b  *a  *0  *2  incomplete" "the pair is incomplete"
contains "$work/err" "could not be synchronized" "says why the status is 2"

csv "a,100,b,250\nb,300,a,410\nc,5,d,9\n"
run "disconnected hosts" 2 --messages "$work/in.csv" --format json
contains "$work/out" '"quality": "disconnected", "slope": null' "disconnected host has no transform"

csv ""
run "empty file" 2 --messages "$work/in.csv"

bad() { # NAME CONTENT LINE PATTERN
	csv "$2"
	run "bad input: $1" 1 --messages "$work/in.csv"
	contains "$work/err" "in.csv:$3:" "$1: names file and line $3"
	contains "$work/err" "$4" "$1: says why"
	empty "$work/out" "$1: no partial report"
}
bad "three fields" "a,1,b,2\na,1,b\n" 2 "expected 4"
bad "five fields" "a,1,b,2,3\n" 1 "expected 4"
bad "not a number" "a,1,b,2\nb,x,a,3\n" 2 "send_ns 'x'"
bad "trailing garbage" "a,12ns,b,2\n" 1 "send_ns"
bad "float" "a,1,b,2.5\n" 1 "recv_ns"
bad "overflow" "a,99999999999999999999,b,2\n" 1 "send_ns"
bad "beyond 2^62" "a,4611686018427387905,b,2\n" 1 "send_ns"
bad "same host" "a,1,a,2\n" 1 "same host"
bad "empty host" ",1,b,2\n" 1 "empty host"
bad "header twice" "send_host,send_ns,recv_host,recv_ns\nsend_host,send_ns,recv_host,recv_ns\n" 2 "send_ns"
printf 'a,1,b,2\na,3\000,b,4\n' >"$work/in.csv"
run "bad input: NUL byte" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:2: NUL" "NUL byte reported"
head -c 3000 /dev/urandom >"$work/in.csv"
run "bad input: random bytes" 1 --messages "$work/in.csv"

# ---- trace folders ------------------------------------------------------
SHARED=${LTTSYNC_SHARED_TRACES:-$top_srcdir/../shared/traces}
if [ -d "$SHARED/scp" ]; then
	run "real scp traces" 0 "$SHARED/scp" --format json --matches-out "$work/m.csv"
	contains "$work/out" '"hosts": \["VM3", "VM1"\], "messages": \[22, 24\], "quality": "accurate"' "scp: 46 messages, 24 VM1->VM3, 22 VM3->VM1, accurate"
	if [ "$(grep -c , "$work/m.csv")" -eq 47 ]; then ok "--matches-out: header and 46 messages"; else ko "--matches-out has $(grep -c , "$work/m.csv") lines"; fi
	run "replay of --matches-out" 0 --messages "$work/m.csv" --format json
	contains "$work/out" '"messages": \[22, 24\], "quality": "accurate"' "replay gives the same pair"
	run "scp with two traces without network events" 2 "$SHARED/scp" "$SHARED/bug446190" "$SHARED/lttng-2.10-no-net" --format json
	contains "$work/out" '"host": "VM3", "quality": "accurate"' "VM3 still synchronized"
	contains "$work/out" '"host": "lager", "quality": "disconnected"' "lager not synchronized"
	contains "$work/out" '"host": "calista", "quality": "disconnected"' "calista not synchronized"
	contains "$work/err" "bug446190: no usable network events" "lager's trace named, reason given"
	contains "$work/err" "lttng-2.10-no-net: no usable network events" "calista's trace named, reason given"
	run "--host overrides the hostname" 0 --host left="$SHARED/scp/scp_src" "$SHARED/scp/scp_dest"
	contains "$work/out" "^left  *reference\|^left  *accurate" "host named by --host"
else
	echo "skip: $SHARED not found (real traces are not part of a clone)"
fi
# --matches-out of traces whose host names need quoting, read back with
# --messages: the same transforms (the report without its trace table).
TR="$top_srcdir/examples/traces"
run "odd host names from --host" 0 --host ' #h0, "q" '="$TR/host0" --host 'h1,x'="$TR/host1" \
	"$TR" --matches-out "$work/m.csv"
sed '/^trace of host/,/^$/d' "$work/out" >"$work/report1"
contains "$work/m.csv" '^"h1,x",[0-9]*," #h0, ""q"" ",[0-9]*,' "--matches-out quotes the names that need it"
run "replay of --matches-out with odd host names" 0 --messages "$work/m.csv"
if cmp -s "$work/out" "$work/report1"; then ok "replay: the same report"; else
	ko "replay: reports differ"; diff "$work/report1" "$work/out" | head -5; fi
run "bad --max-pending" 1 --max-pending 0 --messages "$EX"
contains "$work/err" "positive integer" "--max-pending explained"
run "--max-pending accepted" 0 --max-pending 10 --messages "$EX"
run "bad --memory-limit" 1 --memory-limit 12X --messages "$EX"
contains "$work/err" "at least 4096" "--memory-limit explained"
run "--memory-limit with a suffix" 0 --memory-limit 64M --messages "$EX"
run "not a trace folder" 1 "$work"
contains "$work/err" "no CTF trace" "names the folder"
mkdir -p "$work/bad"
head -c 2000 /dev/urandom >"$work/bad/metadata"
run "random bytes as a trace" 1 "$work/bad"
contains "$work/err" "$work/bad" "names the broken trace"
run "bad --host" 1 --host "=x" "$work"
run "missing trace folder" 1 "$work/does-not-exist"

# --reader: our reader by default, libbabeltrace2 on request; the JSON
# report says which read each trace, and both give the same report
# otherwise.
run "bad --reader" 1 --reader fast "$top_srcdir/examples/traces"
contains "$work/err" "auto or babeltrace2" "bad --reader explained"
for r in auto babeltrace2; do
	for j in 0 2; do
		run "--reader $r --jobs $j" 0 --reader "$r" --jobs "$j" --format json \
			"$top_srcdir/examples/traces"
		sed 's/"reader": "[a-z0-9]*"/"reader": R/g' "$work/out" >"$work/reader-$r-$j"
	done
	# (--reader auto --jobs 2 reads in-process with threads, babeltrace2
	# in workers)
	check "--reader $r: same report with --jobs 0 and --jobs 2" \
		cmp -s "$work/reader-$r-0" "$work/reader-$r-2"
done
run "--reader auto names our reader" 0 --format json "$top_srcdir/examples/traces"
contains "$work/out" '"reader": "lttsync"' "JSON names our reader"
run "--reader babeltrace2 names it" 0 --reader babeltrace2 --format json \
	"$top_srcdir/examples/traces"
contains "$work/out" '"reader": "babeltrace2"' "JSON names libbabeltrace2"
check "both readers: the same report but for the reader" \
	cmp -s "$work/reader-auto-0" "$work/reader-babeltrace2-0"

# lttsync-decoder spools its output while the pipe is full (the library
# reads the decoders merged by time): a reader that waits gets the same
# bytes as one that does not (a few MB: far more than a pipe holds, and
# past 2 MiB, where the spool moves to huge pages).
if [ -x "${LTTSYNC_DECODER:-}" ] && [ -x "${LTTSYNC_GEN:-}" ]; then
	"$LTTSYNC_GEN" -q -n 2 -d 8 -r 2000 "$work/spool"
	"$LTTSYNC_DECODER" "$work/spool/host0/kernel" >"$work/dec-direct"
	"$LTTSYNC_DECODER" "$work/spool/host0/kernel" | { sleep 2; cat; } >"$work/dec-slow"
	check "decoder output large enough for a huge-page spool" \
		test "$(wc -c <"$work/dec-direct")" -gt 3000000
	check "decoder output through a full pipe is unchanged" \
		cmp -s "$work/dec-direct" "$work/dec-slow"
else
	skip "spooling decoder (LTTSYNC_DECODER or LTTSYNC_GEN not set)"
fi

finish
