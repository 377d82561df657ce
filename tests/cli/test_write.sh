#!/bin/sh
# Corrected traces: `lttsync --write` and the babeltrace2 plugin
# (filter.lttsync.correct), on generated traces with known clocks and on
# the real scp pair. See doc/correcting.md.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
PLUGINS="$top_builddir/plugin/.libs"
command -v python3 >/dev/null 2>&1 || { echo "python3 needed"; exit 77; }
command -v babeltrace2 >/dev/null 2>&1 || { echo "babeltrace2 needed"; exit 77; }

# Matched messages of the traces under $1 (CSV in $2); prints "N INVERSIONS".
inversions() {
	"$LTTSYNC" --matches-out "$2" "$1" >/dev/null 2>&1
	[ -f "$2" ] || { echo 0 0; return; }
	awk -F, 'NR > 1 { n++; if ($4 + 0 <= $2 + 0) bad++ } END { print n + 0, bad + 0 }' "$2"
}

# babeltrace2 run: one src.ctf.fs per trace folder, all into the filter.
plugin_run() { # PARAMS, over $TRACES; output in $work/plugin.txt, errors in $work/plugin.err
	params=$1
	set -f # the generated arguments hold brackets
	LD_PRELOAD="$BT_PRELOAD" babeltrace2 --plugin-path="$PLUGINS" run $(i=0; for t in $TRACES; do
		i=$((i + 1)); printf -- '--component=s%d:src.ctf.fs --params=inputs=["%s"] --connect=s%d:c ' $i "$t" $i
	done) --component=c:filter.lttsync.correct --params="$params" \
		--component=out:sink.text.pretty --params=clock-seconds=true,no-delta=true \
		--connect=c:out >"$work/plugin.txt" 2>"$work/plugin.err"
	st=$?
	set +f
	return $st
}

sorted_text() { sort "$1" >"$1.sorted"; }

# An instrumented plugin (--enable-sanitizers) loads into babeltrace2 only
# with the sanitizer runtime preloaded.
BT_PRELOAD=""
case "${SANITIZER_FLAGS:-}" in
*address*) BT_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so) ;;
esac

# ---- generated traces: four layouts, a mesh, known clocks ----------------
gen="$work/gen" out="$work/corrected"
"$GEN" -q -n 4 -t mesh -l modules-2.10.5,addons-a,modules-2.13,experimental \
	-d 5 "$gen" || { ko "lttsync-gen"; finish; exit 1; }
run "W1 --write on 4 generated traces" 0 --format json -o "$work/r.json" --write "$out" "$gen"
check "W1 one folder per trace, named by host" \
	test "$(ls "$out" | tr '\n' ' ')" = "host0 host1 host2 host3 "
check "W1 no temporary folder left" test -z "$(ls -A "$out" | grep '^\.')"
lacks "$work/out" "Created CTF trace" "W1 sink.ctf.fs kept quiet"
python3 "$top_srcdir/tests/cli/check_corrected.py" "$gen" "$out" "$work/r.json" >"$work/py.log" 2>&1
st=$?
cat "$work/py.log"
check "W2 same events and fields per stream, monotonic, within the reported bounds of the truth" \
	test "$st" -eq 0
python3 "$top_srcdir/tests/cli/check_marked.py" "$work/r.json" "$out" \
	"$gen"/host0/kernel "$gen"/host1/kernel "$gen"/host2/kernel "$gen"/host3/kernel \
	>"$work/mark.log" 2>&1
st=$?
cat "$work/mark.log"
check "W2b corrected traces marked: derived clock UUIDs, lttsync_reference and lttsync_transform, the rest unchanged" \
	test "$st" -eq 0
set -- $(inversions "$gen" "$work/m0.csv")
before=$1
set -- $(inversions "$out" "$work/m1.csv")
check "W3 every message matched again after correction ($1 of $before)" \
	test "$1" -eq "$before" -a "$before" -gt 100
check "W3 no causality inversion in the corrected traces ($2 of $1)" test "$2" -eq 0
babeltrace2 --clock-seconds --no-delta "$out"/* >"$work/merged.txt" 2>"$work/bt.err"
check "W4 babeltrace2 reads the corrected traces merged" test $? -eq 0
cut -c2-21 "$work/merged.txt" >"$work/times"
check "W4 merged output in time order" sort -c "$work/times"

# ---- the plugin on the same traces ----------------------------------------
if [ -f "$PLUGINS/babeltrace-plugin-lttsync.so" ]; then
	TRACES=$(for h in host0 host1 host2 host3; do printf '%s ' "$gen/$h/kernel"; done)
	plugin_run "report=\"$work/r.json\""
	check "P1 babeltrace2 with filter.lttsync.correct and a report" test $? -eq 0
	check "P1 $(wc -l <"$work/plugin.txt") events out" test "$(wc -l <"$work/plugin.txt")" -gt 40000
	sorted_text "$work/plugin.txt"
	sort "$work/merged.txt" >"$work/merged.sorted"
	check "P1 same events and times as lttsync --write" \
		cmp -s "$work/plugin.txt.sorted" "$work/merged.sorted"
	cut -c2-21 "$work/plugin.txt" >"$work/times"
	check "P1 the filter merges its inputs in corrected time order" sort -c "$work/times"
	cp "$work/plugin.txt.sorted" "$work/by-report"
	params=$(python3 - "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("transforms={" + ",".join('%s={slope="%s",pivot="%s",pivot-ref="%s"}'
      % (h["host"], h["slope"], h["pivot_ns"], h["pivot_ref_ns"]) for h in r["hosts"]) + "}")
PY
)
	plugin_run "$params"
	check "P2 babeltrace2 with transforms as parameters" test $? -eq 0
	sorted_text "$work/plugin.txt"
	check "P2 transforms given as parameters: same output as the report" \
		cmp -s "$work/plugin.txt.sorted" "$work/by-report"
	plugin_run "report=\"$work/nope.json\""
	check "P3 a missing report fails" test $? -ne 0
	contains "$work/plugin.err" "nope.json" "P3 the error names the report"
	echo '{"hosts": 3}' >"$work/bad.json"
	plugin_run "report=\"$work/bad.json\""
	contains "$work/plugin.err" "hosts. is a number, not an array" "P4 a JSON file that is no report is refused"
	plugin_run "report=\"$work/r.json\",colour=1"
	contains "$work/plugin.err" "unknown parameter .colour." "P5 an unknown parameter is refused"
	plugin_run "report=\"$work/r.json\",host=\"nosuch\""
	contains "$work/plugin.err" "no transform for this host" "P6 a host without a transform fails clearly"
	plugin_run 'transforms={host0={slope="-1",offset="0"}}'
	contains "$work/plugin.err" "bad transform" "P7 a negative slope is refused"
	python3 - "$work/r.json" "$work/num.json" "$work/twice.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
num = json.loads(json.dumps(r))
num["hosts"][0]["slope"] = float(num["hosts"][0]["slope"])
json.dump(num, open(sys.argv[2], "w"))
r["hosts"].append(dict(r["hosts"][0]))
json.dump(r, open(sys.argv[3], "w"))
PY
	plugin_run "report=\"$work/num.json\""
	contains "$work/plugin.err" "host .host0.: .slope. is not a string" "P12 a slope written as a JSON number is named as such"
	plugin_run "report=\"$work/twice.json\""
	contains "$work/plugin.err" "host .host0. appears twice" "P13 a host listed twice in a report is refused"
	plugin_run "report=\"/dev/zero\""
	contains "$work/plugin.err" "report ./dev/zero.: larger than 512 MiB" "P15 a report that never ends is refused at 512 MiB"
	"$GEN" -q -n 2 -d 1 "$work/u8" >/dev/null
	python3 -c 'import sys; p = sys.argv[1]; b = open(p, "rb").read()
open(p, "wb").write(b.replace(b"hostname = \"host0\"", b"hostname = \"hos\xff0\""))' "$work/u8/host0/kernel/metadata"
	"$LTTSYNC" -f json -o "$work/u8.json" "$work/u8" 2>/dev/null
	check "P16 a host name that is not UTF-8 synchronized" grep -q '"host": "hos\\ufffd0"' "$work/u8.json"
	TRACES="$work/u8/host0/kernel $work/u8/host1/kernel" plugin_run "report=\"$work/u8.json\""
	check "P16 the filter finds its transform in that report" test $? -eq 0 -a -s "$work/plugin.txt"
	cp -R "$gen/host0/kernel" "$work/nohost"
	sed -i 's/hostname = "/hostnamX = "/' "$work/nohost/metadata"
	TRACES="$work/nohost" plugin_run "report=\"$work/r.json\""
	contains "$work/plugin.err" "has no hostname in its environment" \
		"P14 a trace without a hostname is told so"
else
	ko "P: the plugin was not built ($PLUGINS)"
fi

# Identity and a pure shift over real traces: every event kept, every time
# moved by exactly the offset. babeltrace2 2.0.4 prints a stale earlier
# string for a string field decoded empty; the filter copies the decoded
# (empty) value: such lines are the only differences allowed.
one_trace() { # TRACE PARAMS OUT
	LD_PRELOAD="$BT_PRELOAD" babeltrace2 --plugin-path="$PLUGINS" run \
		--component=s:src.ctf.fs --params="inputs=[\"$1\"]" \
		--component=c:filter.lttsync.correct --params="$2" \
		--component=o:sink.text.pretty --params=clock-seconds=true,no-delta=true \
		--connect=s:c --connect=c:o >"$3" 2>"$work/one.err"
}
for name in bug446190 lttng-2.10-no-net; do
	[ -f "$PLUGINS/babeltrace-plugin-lttsync.so" ] && [ -d "$SHARED/$name" ] ||
		{ skip "P8 $name: no plugin or no trace"; continue; }
	babeltrace2 --clock-seconds --no-delta "$SHARED/$name" >"$work/orig.txt" 2>/dev/null
	one_trace "$SHARED/$name" 'host="X",transforms={X={slope="1",offset="0"}}' "$work/id.txt"
	check "P8 $name: identity keeps all $(wc -l <"$work/orig.txt") events" \
		test "$(wc -l <"$work/id.txt")" -eq "$(wc -l <"$work/orig.txt")" -a -s "$work/id.txt"
	check "P8 $name: identical but for babeltrace2's stale empty strings" \
		test "$(diff "$work/orig.txt" "$work/id.txt" | grep '^>' | grep -vc '= ""')" -eq 0
	one_trace "$SHARED/$name" 'host="X",transforms={X={slope="1",offset="-1234567"}}' "$work/shift.txt"
	python3 - "$work/id.txt" "$work/shift.txt" <<'PY'
import sys
def times(path):
    return [int(l[1:11]) * 10**9 + int(l[12:21]) for l in open(path)]
a, b = times(sys.argv[1]), times(sys.argv[2])
sys.exit(0 if a and len(a) == len(b) and all(y - x == -1234567 for x, y in zip(a, b)) else 1)
PY
	check "P9 $name: offset -1234567 ns moves every event by exactly that" test $? -eq 0
done

if [ -f "$PLUGINS/babeltrace-plugin-lttsync.so" ]; then
	one_trace "$gen/host0/kernel" 'host="X",transforms={X={slope="1",offset="-9000000000000000000"}}' \
		"$work/early.txt"
	check "P10 a time moved before the clock's origin stops the graph" test $? -ne 0
	contains "$work/one.err" "corrects to .* outside the" "P10 says why"
	one_trace "$gen/host0/kernel" 'host="X",transforms={X={slope="100",offset="0"}}' \
		"$work/late.txt"
	check "P11 a corrected time beyond int64 stops the graph" test $? -ne 0
	contains "$work/one.err" "the corrected time overflows" "P11 says why"
fi

# ---- refusals ------------------------------------------------------------
run "W5 an existing output trace is not overwritten" 1 --write "$out" "$gen"
contains "$work/err" "exists; not overwritten" "W5 says so"
check "W5 no temporary folder left after a failure" test -z "$(ls -A "$out" | grep '^\.')"
run "W6 --write needs trace folders" 1 --messages "$top_srcdir/examples/three-hosts.csv" \
	--write "$work/w6"
"$GEN" -q -n 3 -l modules-2.10.5,modules-2.10.5,old -d 2 "$work/gen-old" >/dev/null
run "W7 a host that cannot be synchronized: exit 2" 2 --write "$work/w7" "$work/gen-old"
contains "$work/err" "not synchronized, not written" "W7 the unsynchronized trace is named"
check "W7 the others are written" test -d "$work/w7/host0" -a -d "$work/w7/host1" \
	-a ! -e "$work/w7/host2"
# Two traces with one hostname: host0's own, and host2's trace without
# usable network events made a second trace of host0 (its hostname and
# clock UUID host0's). A trace without network events is still written
# with its host's transform.
mkdir -p "$work/gen-old/extra" && cp -r "$work/gen-old/host2/kernel" "$work/gen-old/extra/copy"
m="$work/gen-old/extra/copy/metadata"
clock_uuid() { grep -a -o 'uuid = "[0-9a-f-]*"' "$1" | sed -n 2p | cut -d'"' -f2; }
sed -i -e "s/$(clock_uuid "$m")/$(clock_uuid "$work/gen-old/host0/kernel/metadata")/" \
	-e 's/hostname = "host2"/hostname = "host0"/' "$m"
"$GEN" -q -n 2 -d 1 "$work/g2" >/dev/null
run "W10 hosts a/b and a_b" 0 --write "$work/w10" --host "a/b=$work/g2/host0" \
	--host "a_b=$work/g2/host1"
check "W10 each in its own folder (a%2Fb, a_b)" test -d "$work/w10/a%2Fb" -a -d "$work/w10/a_b"
"$GEN" -q -n 2 -d 20 -r 1000 "$work/g20" >/dev/null
"$LTTSYNC" --write "$work/w11" "$work/g20" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ] && ! ls -a "$work/w11" 2>/dev/null | grep -q '^\.lttsync-write-'; do
	sleep 0.1; i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid"
st=$?
check "W11 SIGTERM while writing: the signal ends lttsync (status $st)" test "$st" -eq 143
check "W11 no temporary or partial folder left" test -z "$(ls -A "$work/w11" 2>/dev/null | grep '^\.')"
# A file system filling up, as a file size limit with SIGXFSZ ignored
# (writes fail with EFBIG): babeltrace2's sink.ctf.fs then crashes tearing
# down, in the child process that writes.
( ulimit -f 2000 && trap '' XFSZ && exec "$LTTSYNC" --write "$work/w12" "$work/g20" ) \
	>"$work/out" 2>"$work/err"
st=$?
check "W12 writing onto a full file system: exit 1 (status $st)" test "$st" -eq 1
contains "$work/err" "lttsync: --write: .*g20/host[01]/kernel: " "W12 the trace is named"
check "W12 no temporary or partial folder left" test -z "$(ls -A "$work/w12" 2>/dev/null)"
contains "$work/out" "^reference: " "W12 the report was printed"
rm -rf "$work/g20"
run "W9 two traces of one host" 2 --write "$work/w9" "$work/gen-old"
check "W9 written as HOST-1 and HOST-2" test -d "$work/w9/host0-1" -a -d "$work/w9/host0-2" \
	-a ! -e "$work/w9/host0"
: >"$work/file"
run "W8 OUTDIR that is a file" 1 --write "$work/file" "$gen"

# ---- the real scp pair -------------------------------------------------------
if [ -d "$SHARED/scp" ]; then
	run "S1 --write on the scp pair" 0 --write "$work/scp" "$SHARED/scp"
	set -- $(inversions "$SHARED/scp" "$work/s0.csv")
	before=$2
	set -- $(inversions "$work/scp" "$work/s1.csv")
	check "S1 46 messages matched in the corrected scp traces ($1)" test "$1" -eq 46
	check "S1 no causality inversion ($2, $before before correction)" test "$2" -eq 0 -a "$before" -gt 0
	babeltrace2 --clock-seconds --no-delta "$work/scp"/* >"$work/scp.txt" 2>"$work/bt.err"
	check "S2 babeltrace2 reads the corrected scp pair (its muxer refuses the originals)" \
		test $? -eq 0
	check "S2 all $(wc -l <"$work/scp.txt") events of both hosts" test "$(wc -l <"$work/scp.txt")" -eq 196500
	cut -c2-21 "$work/scp.txt" >"$work/times"
	check "S2 in time order" sort -c "$work/times"
else
	skip "S: $SHARED/scp not found"
fi

finish
