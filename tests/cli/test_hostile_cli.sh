#!/bin/sh
# Hostile and broken inputs to the lttsync command: one check per row of
# doc/hostile-inputs.md (named by its C-row id, e.g. "C12").
#
# A row whose behaviour is a known defect is run and counted as "known"
# (not as a failure) while the defect stands; if it starts behaving as
# documented it is counted as passed and "FIXED" is printed, so the row
# can be turned into an ordinary check. Last line: "N passed, N failed".
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
known=0

# known NAME COMMAND...: the command checks the documented (wanted)
# behaviour; today it fails because of a reported defect.
known() {
	name=$1
	shift
	if "$@"; then pass=$((pass + 1)); echo "ok: $name (FIXED: make it an ordinary check)"; else
		known=$((known + 1)); echo "known: $name"; fi
}
csv() { printf '%b' "$1" >"$work/in.csv"; }
GOOD='a,100,b,250\nb,300,a,410\na,1000,b,1150\nb,1200,a,1320\n'

# ---- CSV (--messages) --------------------------------------------------
csv "$(echo "$GOOD" | sed 's/\\n/\\r\\n/g')"
run "C14 CRLF line endings" 0 --messages "$work/in.csv"
contains "$work/out" "^b  *accurate" "C14 CRLF: b accurate"

csv "\357\273\277$GOOD"
run "C15 UTF-8 BOM: runs" 0 --messages "$work/in.csv"
bom_ok() { "$LTTSYNC" --messages "$work/in.csv" >"$work/out" 2>&1 &&
	! grep -q "$(printf '\357\273\277')" "$work/out"; }
if bom_ok; then ok "C15 BOM stripped, a single host a"; else ko "C15 BOM"; fi

csv "\357\273\277send_host,send_ns,recv_host,recv_ns\n$GOOD"
bom_header_ok() { "$LTTSYNC" --messages "$work/in.csv" >/dev/null 2>&1; }
if bom_header_ok; then ok "C16 BOM before the header accepted"; else ko "C16 BOM before the header refused"; fi

csv "a,100,b,250,\nb,300,a,410\n"
run "C17 trailing comma" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: expected 4" "C17 names line 1, says why"

csv " a , 100 ,b,\t250\nb,300,a,410\na,1000,b,1150\nb,1200,a,1320\n"
run "C18 spaces and tabs around fields" 0 --messages "$work/in.csv"
contains "$work/out" "^a  *reference\|^a  *accurate" "C18 host ' a ' read as a"

csv "${GOOD}send_host,send_ns,recv_host,recv_ns\n"
run "C19 header in the wrong place" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:5: send_ns 'send_ns'" "C19 names line 5"

awk 'BEGIN { printf "a,1,b,2,"; for (i = 0; i < 2000000; i++) printf "9"; printf "\n" }' >"$work/in.csv"
run "C20 a 2 MB line" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: line longer than 65536 bytes" "C20 long line rejected by its line number"
awk 'BEGIN { for (i = 0; i < 4097; i++) printf "x"; printf ",1,b,2\n" }' >"$work/in.csv"
run "C20 host name of 4097 bytes" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: host name longer than 4096 bytes" "C20 name limit stated"
awk 'BEGIN { for (i = 0; i < 4096; i++) n = n "x"; printf "%s,1,b,2\nb,3,%s,4\n", n, n }' >"$work/in.csv"
run "C20 host name of 4096 bytes accepted" 0 --messages "$work/in.csv"

printf 'a,1,b,2\na,3\000,b,4\n' >"$work/in.csv"
run "C21 NUL byte" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:2: NUL" "C21 NUL reported with its line"

E=$(printf '\033')
printf 'a\001\033[31m,100,b,250\nb,300,a\001\033[31m,410\na\001\033[31m,1000,b,1150\nb,1200,a\001\033[31m,1320\n' >"$work/in.csv"
run "C22 control characters in a host name" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: host name with control character 0x01" "C22 refused, naming the line"
no_raw_escape() { ! grep -q "$E" "$work/out" && ! grep -q "$E" "$work/err"; }
if no_raw_escape; then ok "C22 no raw escape sequence printed"; else ko "C22 raw escape printed"; fi

csv ",1,b,2\n"
run "C23 empty host name" 1 --messages "$work/in.csv"
contains "$work/err" "empty host" "C23 says why"

# C24: a million hosts: 500,000 one-way pairs; each pair incomplete.
awk 'BEGIN { for (i = 0; i < 500000; i++) printf "s%d,%d,r%d,%d\n", i, 1000 + i, i, 2000 + i }' >"$work/million.csv"
# (AddressSanitizer reserves terabytes of address space: no limit there.)
if [ -n "${SANITIZER_FLAGS:-}" ]; then lim=unlimited; else lim=4194304; fi
( ulimit -v "$lim" 2>/dev/null; exec "$LTTSYNC" --messages "$work/million.csv" ) >"$work/out" 2>"$work/err"
st=$?
if [ "$st" -eq 2 ]; then ok "C24 a million hosts: finishes, exit 2, under 4 GiB of address space"; else
	ko "C24 a million hosts: exit $st"; head -3 "$work/err"; fi
n=$(grep -c ' disconnected ' "$work/out")
if [ "$n" -eq 999999 ]; then ok "C24 999999 hosts reported disconnected"; else ko "C24 $n disconnected"; fi
rm -f "$work/million.csv"

csv "a,9223372036854775807,b,1\n"
run "C25 INT64_MAX" 1 --messages "$work/in.csv"
contains "$work/err" "within +-2^62" "C25 range stated"
csv "a,-9223372036854775808,b,1\n"
run "C25 INT64_MIN" 1 --messages "$work/in.csv"
csv "a,-4611686018427387904,b,-4611686018427387884\na,4611686018427387884,b,4611686018427387904\nb,-4611686018427387894,a,-4611686018427387894\nb,4611686018427387899,a,4611686018427387899\n"
run "C25 +-2^62 exactly" 0 --messages "$work/in.csv"
contains "$work/out" "^b  *accurate" "C25 +-2^62: accurate"

csv "a,5000,b,5000\nb,5000,a,5000\na,5000,b,5000\nb,5000,a,5000\n"
run "C26 identical timestamps everywhere" 2 --messages "$work/in.csv"
contains "$work/out" "disconnected" "C26 a host is disconnected"

csv "a,0,b,1100\na,1000,b,2100\nb,900,a,0\nb,1900,a,1000\nb,1700,a,500\n"
run "C27 negative latency: pair fails" 2 --messages "$work/in.csv"
contains "$work/out" "fail .*violation 50.0 ns, 3 contradicting" "C27 fail, e* 50 ns, 3 contradicting"

csv "a,1000,b,1000\nb,1000,a,500\n"
run "C27b contradiction at one instant" 2 --messages "$work/in.csv"
# Documented (doc/algorithm.md): quality is per orientation; the only
# bounds here have slope <= 0, never used for a host.
contains "$work/out" "^b  *disconnected" "C27b the host is not synchronized by a decreasing relation"

csv "a,1000,b,5000\nb,5100,a,1100\na,2000,b,4000\nb,4100,a,2100\na,3000,b,3000\nb,3100,a,3100\n"
run "C28 clock running backwards" 2 --messages "$work/in.csv"
contains "$work/out" "^b  *disconnected" "C28 b not synchronized"

# ---- CSV: line cap, end of input, quoted host names (M-ids) -------------
# M1: a line of 100 MB between good ones, under a 100 MB address-space
# limit: refused by its number, nothing read as an end of input.
{ printf 'a,100,b,250\nb,300,a,410\n'; head -c 100000000 /dev/zero | tr '\0' x
  printf ',1,b,2\na,1000,b,1150\nb,1200,a,1320\n'; } >"$work/in.csv"
run "M1 a 100 MB line" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:3: line longer than 65536 bytes" "M1 names line 3 and the cap"
empty_out() { [ ! -s "$work/out" ]; }
check "M1 no report" empty_out
if [ -z "${SANITIZER_FLAGS:-}" ]; then
	( ulimit -v 100000 2>/dev/null; exec "$LTTSYNC" --messages "$work/in.csv" ) >"$work/out" 2>"$work/err"
	st=$?
	if [ "$st" -eq 1 ]; then ok "M1 under ulimit -v 100000: exit 1"; else ko "M1 under ulimit -v 100000: exit $st"; fi
	contains "$work/err" "in.csv:3: line longer than 65536 bytes" "M1 under the limit: the same error"
fi
rm -f "$work/in.csv"

# M8: out of memory while reading is an error naming the line, never an
# end of input: address-space limits from 4 MB up to the first one the run
# fits in. Each run either cannot start (the loader, or glib aborting
# before the file is read), or exits 1 with "FILE:LINE: out of memory",
# or exits 0 with the whole result; never a report with less.
if [ -z "${SANITIZER_FLAGS:-}" ]; then
	csv "$GOOD"
	lim=4000 oom=0 silent=0 fits=0
	while [ "$lim" -le 200000 ] && [ "$fits" -eq 0 ]; do
		( ulimit -v "$lim" 2>/dev/null; exec "$LTTSYNC" --messages "$work/in.csv" ) >"$work/out" 2>"$work/err"
		st=$?
		# (A shell in libtool's wrapper may fail first: exit 2, no report.)
		if [ "$st" -eq 0 ] && grep -q "^b  *accurate" "$work/out"; then fits=1
		elif [ -s "$work/out" ] || [ "$st" -eq 0 ]; then silent=$((silent + 1))
		elif [ "$st" -eq 1 ] && grep -q "in.csv:1: out of memory" "$work/err"; then oom=$((oom + 1)); fi
		lim=$((lim + 200))
	done
	if [ "$silent" -eq 0 ] && [ "$fits" -eq 1 ]; then ok "M8 no limit gives a partial result (fits at $((lim - 200)) KiB)"; else
		ko "M8 $silent runs with a partial result, fits $fits"; fi
	if [ "$oom" -gt 0 ]; then ok "M8 $oom limits: \"in.csv:1: out of memory\", exit 1"; else
		skip "M8 no limit fell between starting and reading (the reader's out-of-memory error not reached)"; fi
fi

# M2: an endless input without a newline: refused at once.
start=$(date +%s)
run "M2 --messages /dev/zero" 1 --messages /dev/zero
contains "$work/err" "/dev/zero:1: NUL byte in line" "M2 says why, line 1"
fast_enough() { [ $(($(date +%s) - start)) -le 10 ]; }
check "M2 fails within 10 s" fast_enough
head -c 3000000 /dev/zero | tr '\0' 7 >"$work/in.csv"
run "M2 3 MB of digits, no newline" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: line longer than 65536 bytes" "M2 digits: the cap"

# M3: a read error is an error, not the end of the input.
run "M3 --messages on a folder" 1 --messages "$work"
contains "$work/err" "read error: Is a directory" "M3 says why"

# M4: the cap is 65536 bytes a line, comments included; a message with
# two 4096-byte names, every byte a quote written doubled, fits.
awk 'BEGIN { printf "#"; for (i = 1; i < 65536; i++) printf "c"; printf "\na,1,b,2\nb,3,a,4\n" }' >"$work/in.csv"
run "M4 a comment of 65536 bytes" 0 --messages "$work/in.csv"
awk 'BEGIN { printf "#"; for (i = 0; i < 65536; i++) printf "c"; printf "\na,1,b,2\nb,3,a,4\n" }' >"$work/in.csv"
run "M4 a comment of 65537 bytes" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: line longer than 65536 bytes" "M4 names line 1"
awk 'BEGIN { for (i = 0; i < 4096; i++) q = q "\"\""; printf "\"%s\",1,b,2\nb,3,\"%s\",4\n", q, q }' >"$work/in.csv"
run "M4 4096-byte names of quotes, quoted" 0 --messages "$work/in.csv"

# M5: quoted host names: commas, a leading '#', surrounding spaces, quotes.
csv '"a,b",100,"#c",250\n"#c",300,"a,b",410\n "a,b" , 1000 ," d ",1150\n" d ",1200,"a,b",1320\n"a,b",1400,"e""f",1550\n"e""f",1600,"a,b",1710\n'
run "M5 quoted host names" 0 --messages "$work/in.csv" --format json
contains "$work/out" '"reference": "a,b"' "M5 a,b read whole"
contains "$work/out" '"host": "#c", "quality": "approximate"' "M5 #c read (not a comment)"
contains "$work/out" '"host": " d ", "quality": "approximate"' "M5 ' d ' keeps its spaces"
contains "$work/out" '"host": "e\\"f", "quality": "approximate"' "M5 a doubled quote read as one"
csv 'a,1,"b,2\n'
run "M5 unterminated quote" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: unterminated quoted field" "M5 says why"
csv 'a,1,"b"x,2\n'
run "M5 text after a closing quote" 1 --messages "$work/in.csv"
contains "$work/err" "in.csv:1: text after the closing quote" "M5 says why"
csv 'a"b,100,c,250\nc,300,a"b,410\n'
run "M5 a quote inside an unquoted name" 0 --messages "$work/in.csv" --format json
contains "$work/out" '"host": "a\\"b"' "M5 kept as written"

# M6: --matches-out round trip: the matches of a run, read back, give the
# same report, whatever the host names.
awk 'BEGIN { n[0] = "x,y"; n[1] = "#z"; n[2] = " w "; n[3] = "q\"\"r"; n[4] = "plain"
	for (i = 0; i < 200; i++) { a = i % 5; b = (i + 1 + int(i / 5) % 4) % 5; t = 1000 * i
		printf "\"%s\",%d,\"%s\",%d\n", n[a], t, n[b], t + 100 + (i * 37) % 50 } }' >"$work/in.csv"
run "M6 a run with odd host names" 0 --messages "$work/in.csv" --format json --matches-out "$work/m.csv"
cp "$work/out" "$work/report1"
run "M6 its --matches-out read back" 0 --messages "$work/m.csv" --format json
if cmp -s "$work/out" "$work/report1"; then ok "M6 the same report"; else ko "M6 reports differ"; diff "$work/report1" "$work/out" | head -5; fi
contains "$work/m.csv" '^plain,' "M6 plain names written plain"
contains "$work/m.csv" '^"#z",' "M6 a leading # quoted"

# M7: the same messages written plainly or in every accepted variant
# (spaces, quotes, signs, leading zeros, CRLF), across several read
# blocks, give the same report.
awk 'BEGIN { for (i = 0; i < 120000; i++) { a = i % 3; b = (a + 1 + i % 2) % 3; t = 1000000000000 + 1000 * i
	printf "h%d,%.0f,h%d,%.0f\n", a, t + a * 7777, b, t + b * 7777 + 100 + (i * 31) % 70 } }' >"$work/plain.csv"
awk -F, '{ if (NR % 4 == 0) printf " \"%s\" , +%s ,%s, 000%s\r\n", $1, $2, $3, $4
	else if (NR % 4 == 1) printf "%s,%s,\"%s\",%s\n", $1, $2, $3, $4
	else print }' "$work/plain.csv" >"$work/odd.csv"
run "M7 3 hosts, 120000 plain lines" 0 --messages "$work/plain.csv" --format json
cp "$work/out" "$work/report1"
run "M7 the same, in varied forms" 0 --messages "$work/odd.csv" --format json
if cmp -s "$work/out" "$work/report1"; then ok "M7 the same report"; else ko "M7 reports differ"; diff "$work/report1" "$work/out" | head -5; fi
rm -f "$work/plain.csv" "$work/odd.csv"

# ---- trace folders ------------------------------------------------------
if [ ! -x "$GEN" ]; then
	skip "trace rows: $GEN not found"
	echo "$pass passed, $fail failed ($known known defects)"
	[ "$fail" -eq 0 ]
	exit
fi
g="$work/g"
"$GEN" -q -n 2 -d 1 "$g" || ko "lttsync-gen failed"
fresh() { rm -rf "$work/t"; cp -R "$g" "$work/t"; }
k0="$work/t/host0/kernel"

fresh
truncate -s 3000 "$k0/channel0_0"
run "C1 truncated stream" 2 "$work/t"
contains "$work/err" "$k0/channel0_0: packet at offset [0-9]* larger than the file (truncated?)" "C1 names the trace, says why"
contains "$work/out" "^host1  *reference" "C1 the other trace still read"
run "C1 truncated stream, libbabeltrace2" 2 --reader babeltrace2 "$work/t"
contains "$work/err" "$k0: cannot open as a CTF trace: Failed to index" "C1 libbabeltrace2 names the trace, says why"

fresh
dd if=/dev/zero of="$k0/channel0_0" bs=1 seek=5000 count=2000 conv=notrunc 2>/dev/null
printf '\377\377\377\377\377\377\377\377' | dd of="$k0/channel0_0" bs=1 seek=5000 conv=notrunc 2>/dev/null
run "C2 corrupted stream bytes" 2 "$work/t"
contains "$work/err" "$k0" "C2 names the trace"

fresh
sed 's/struct/strukt/' "$k0/metadata" >"$work/m" && cp "$work/m" "$k0/metadata"
run "C3 corrupted metadata text" 2 "$work/t"
contains "$work/err" "$k0: cannot open as a CTF trace" "C3 names the trace"

fresh
rm "$k0"/channel0_*
run "C4 metadata only" 2 "$k0"
contains "$work/err" "no usable network events (0 events" "C4 says the trace is empty"

fresh
rm "$k0/metadata"
run "C5 missing metadata: reported, the other host still read" 2 "$work/t"
contains "$work/err" "$k0: not a CTF trace (no metadata file)" "C5 names the folder without metadata"

mkdir "$work/empty"
run "C6 empty folder" 1 "$work/empty"
contains "$work/err" "empty: no CTF trace" "C6 names the folder"

mkdir "$work/rand"
head -c 5000 /dev/urandom >"$work/rand/a"
head -c 5000 /dev/urandom >"$work/rand/metadata.bak"
run "C7 folder of random bytes" 1 "$work/rand"
contains "$work/err" "rand: no CTF trace" "C7 names the folder"
cp "$work/rand/a" "$work/rand/metadata"
run "C7 random bytes named metadata" 1 "$work/rand"
contains "$work/err" "$work/rand" "C7 names the broken trace"

ln -s loopB "$work/loopA"
ln -s loopA "$work/loopB"
run "C8 a symlink loop as the path" 1 "$work/loopA"
contains "$work/err" "loopA: Too many levels of symbolic links" "C8 says why"
fresh
ln -s .. "$work/t/host0/up" # host0/up -> t itself
run "C8 a loop inside a tree" 0 "$work/t"
if [ "$(grep -c '/kernel$' "$work/out")" -eq 2 ]; then ok "C8 each trace read once"; else ko "C8 traces listed: $(grep -c '/kernel$' "$work/out")"; fi

if [ "$(id -u)" -eq 0 ]; then
	skip "C9 unreadable files: running as root, chmod 000 is not enforced"
else
	fresh
	chmod 000 "$k0/metadata"
	run "C9 unreadable metadata" 2 "$work/t"
	contains "$work/err" "$k0" "C9 names the trace"
	chmod 644 "$k0/metadata"
	chmod 000 "$work/t/host1/kernel/channel0_0"
	run "C9 unreadable stream" 2 "$work/t"
	contains "$work/err" "host1/kernel" "C9 names the trace"
	chmod 000 "$work/t"
	run "C9 unreadable folder" 1 "$work/t"
	chmod 755 "$work/t"
fi

run "C10 the same folder twice" 0 "$g" "$g"
if [ "$(grep -c '/kernel$' "$work/out")" -eq 2 ]; then ok "C10 read once"; else ko "C10 read twice"; fi

run "C11 the same traces by two paths: runs" 0 "$g" "$g/./"
two_paths_ok() { "$LTTSYNC" "$g" "$g/./" >"$work/out" 2>&1 && [ "$(grep -c '/kernel$' "$work/out")" -eq 2 ]; }
if two_paths_ok; then ok "C11 a trace reached by two paths is read once"; else ko "C11 two paths"; fi

run "C12 --host at an empty folder" 2 --host x="$work/empty" "$g"
contains "$work/err" "empty: no CTF trace" "C12 names it"
contains "$work/out" "^host1  *accurate" "C12 the others synchronized"
run "C12 --host at a plain file" 2 --host x="$work/rand/a" "$g"
contains "$work/err" "rand/a: not a folder" "C12 says not a folder"
run "C12 --host at a missing path" 2 --host x="$work/nope" "$g"
contains "$work/err" "nope: No such file" "C12 says missing"

run "C13 output to a folder" 1 "$g" --output "$work/empty"
contains "$work/err" "Is a directory" "C13 says why"
if [ -w /dev/full ]; then
	run "C13 output to a full device" 1 "$g" --output /dev/full
	contains "$work/err" "No space left" "C13 full device reported"
	run "C13 --matches-out to a full device" 1 "$g" --matches-out /dev/full
fi
run "C13 output in a missing folder" 1 "$g" --output "$work/no/dir/r"
if [ "$(id -u)" -ne 0 ]; then
	mkdir "$work/ro" && chmod 555 "$work/ro"
	run "C13 output in a read-only folder" 1 "$g" --output "$work/ro/r"
fi

fresh
sed 's/offset = [0-9]\{19\};/offset = 9223372036854775000;/' "$k0/metadata" >"$work/m" && cp "$work/m" "$k0/metadata"
run "C29 clock offset near INT64_MAX" 2 "$work/t"
contains "$work/err" "$k0: cannot open as a CTF trace: Cannot convert clock cycles" "C29 names the trace"

fresh
sed 's/offset = [0-9]\{19\};/offset = 5000000000000000000;/' "$k0/metadata" >"$work/m" && cp "$work/m" "$k0/metadata"
run "C30 clock offset past 2^62" 2 "$work/t"
contains "$work/err" "timestamp out of range" "C30 says why"
names_trace() { grep -q "$k0.*out of range" "$work/err"; }
if names_trace; then ok "C30 the message names the trace"; else ko "C30 the message names no trace"; fi

SHARED=${LTTSYNC_SHARED_TRACES:-$top_srcdir/../shared/traces}
if [ -d "$SHARED/scp" ]; then
	cp -R "$SHARED/scp" "$work/scp"
	f=$(ls "$work"/scp/scp_src/*_0 2>/dev/null | head -1)
	if [ -n "$f" ]; then
		truncate -s $(( $(wc -c <"$f") / 2 )) "$f"
		run "C31 real trace, a stream cut in half" 2 "$work/scp"
		contains "$work/err" "scp_src" "C31 names the trace"
	else
		skip "C31: no stream file in $SHARED/scp/scp_src"
	fi
else
	skip "C31: $SHARED not found"
fi

# ---- babeltrace2 crashing (worker processes) -----------------------------
# The fuzz regression inputs (fuzz/fuzz_trace.c format): byte 0 flags,
# bytes 1-2 the metadata length, the metadata, then one stream file.
unpack() { # INPUT FOLDER
	mkdir -p "$2"
	len=$(od -An -tu1 -j1 -N2 "$1" | awk '{ print $1 + 256 * $2 }')
	tail -c +4 "$1" | head -c "$len" >"$2/metadata"
	tail -c +$((4 + len)) "$1" >"$2/channel0_0"
}
regr="$top_srcdir/fuzz/regressions/trace-babeltrace"
unpack "$regr/ctf-meta-translate-variant-assert" "$work/bt-abort"
run "C32 babeltrace2 aborts on one trace" 2 --host bad="$work/bt-abort" "$top_srcdir/examples/traces"
contains "$work/err" "bt-abort: babeltrace2 crashed decoding the trace (signal 6" "C32 names the trace and the signal"
contains "$work/out" "^host2  *accurate" "C32 the other traces synchronized"
unpack "$regr/ctf-metadata-out-of-memory" "$work/bt-oom"
run "C33 babeltrace2 runs out of memory on one trace" 2 --memory-limit 64M --reader babeltrace2 \
	--host bad="$work/bt-oom" "$top_srcdir/examples/traces"
contains "$work/err" "bt-oom: babeltrace2 ran out of memory" "C33 names the trace"
contains "$work/out" "^host2  *accurate" "C33 the other traces synchronized"
run "C34 --jobs 0 and --jobs 2: same report" 0 -j 0 "$top_srcdir/examples/traces"
cp "$work/out" "$work/out-j0"
run "C34 --jobs 2" 0 --jobs 2 "$top_srcdir/examples/traces"
if cmp -s "$work/out" "$work/out-j0"; then ok "C34 identical reports"; else ko "C34 reports differ"; fi
run "C35 --jobs not a number" 1 --jobs x "$top_srcdir/examples/traces"
contains "$work/err" "jobs expects an integer" "C35 explained"
# (libbabeltrace2 reads in workers; our reader, in-process from the start)
LTTSYNC_DECODER=/nonexistent/lttsync-decoder run "C36 decoder missing: decoded in-process" 0 \
	--reader babeltrace2 "$top_srcdir/examples/traces"
contains "$work/err" "note: .*decoded in the calling process: cannot start /nonexistent/lttsync-decoder" "C36 says so"

# ---- a capped pending table -----------------------------------------------
# Four hosts, clocks up to 10.9 s apart, 60 s at 1000 segments/s a flow:
# with 50,000 pending keys the table overflows. No matched message may
# have a true latency below the generator's minimum (truth.json clocks).
"$GEN" -q -n 4 -d 60 -r 1000 "$work/gbig" >/dev/null
true_latencies_ok() { # TRUTH MATCHES
	python3 - "$1" "$2" <<'PY'
import csv, json, sys
from fractions import Fraction
t = json.load(open(sys.argv[1]))
clock = {h["name"]: (h["base_ns"], Fraction(h["rate"])) for h in t["hosts"]}
def true_ns(host, ns):
    base, rate = clock[host]
    return (ns - base) / rate
bad = 0
for r in csv.reader(open(sys.argv[2])):
    if r[0] == "send_host":
        continue
    if true_ns(r[2], int(r[3])) - true_ns(r[0], int(r[1])) < t["min_latency_ns"] - 1000:
        bad += 1
sys.exit(1 if bad else 0)
PY
}
run "C37 capped table, hosts 10.9 s apart" 0 --max-pending 50000 \
	--matches-out "$work/m.csv" "$work/gbig"
lacks "$work/out" " fail " "C37 no pair fails"
check "C37 no matched message of impossible latency" true_latencies_ok "$work/gbig/truth.json" "$work/m.csv"
run "C37 the same cap in the calling process (-j 0)" 0 -j 0 --max-pending 50000 \
	--matches-out "$work/m0.csv" "$work/gbig"
check "C37 no matched message of impossible latency (-j 0)" true_latencies_ok "$work/gbig/truth.json" "$work/m0.csv"
# Workers merge every trace's first batch first, as -j 0 does: every
# pair's lead is learned at once, and both find as many. Which keys a
# capped table evicts depends on the order of the feed, which is the
# same both ways (libbabeltrace2 reads in workers): the same messages.
run "C37 the cap with workers, libbabeltrace2" 0 --reader babeltrace2 \
	--max-pending 50000 --matches-out "$work/m.csv" "$work/gbig"
run "C37 the same cap in the calling process, libbabeltrace2" 0 -j 0 --reader babeltrace2 \
	--max-pending 50000 --matches-out "$work/m0.csv" "$work/gbig"
within_a_thousandth() { awk -v a="$(wc -l <"$1")" -v b="$(wc -l <"$2")" \
	'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d * 1000 <= b) }'; }
check "C37 workers find as many messages as -j 0 ($(wc -l <"$work/m.csv") and $(wc -l <"$work/m0.csv"))" \
	within_a_thousandth "$work/m.csv" "$work/m0.csv"
check "C37 workers and -j 0 find the same messages" cmp -s "$work/m.csv" "$work/m0.csv"
rm -rf "$work/gbig"

# ---- one host name, two machines; copies of a trace ------------------------
"$GEN" -q -n 2 -d 1 "$work/g2" >/dev/null
for j in 0 2; do
	run "C38 two clocks under one host name (-j $j)" 2 -j $j --host host1="$work/g2/host0" "$work/g2/host1"
	contains "$work/err" "host .host1. is already .*, whose clock differs (UUID" "C38 refused, naming both traces (-j $j)"
done
run "C38 a single trace: no message in the input" 2 "$work/g2/host0"
contains "$work/err" "no message in the input" "C38 says so"
mkdir -p "$work/g2copy" && cp -R "$work/g2/host0" "$work/g2/host1" "$work/g2copy/" &&
	cp -R "$work/g2/host1" "$work/g2copy/host1copy"
run "C39 a byte-identical copy of a trace" 2 "$work/g2copy"
contains "$work/err" "host1copy/kernel: a copy of .*g2copy/host1/kernel (identical metadata" "C39 names the copy and its original"
contains "$work/out" "^host1  *accurate" "C39 the original synchronized"
mkdir -p "$work/g2twice/a" "$work/g2twice/b" && cp -R "$work/g2/host1/kernel" "$work/g2twice/a/" &&
	cp -R "$work/g2/host1/kernel" "$work/g2twice/b/" && cp -R "$work/g2/host0" "$work/g2twice/"
# The same packets under another trace UUID: not a byte-identical copy.
m="$work/g2twice/b/kernel/metadata"
uuid=$(grep -a -m1 -o 'uuid = "[0-9a-f-]*"' "$m" | cut -d'"' -f2)
case $uuid in *0) other=${uuid%?}1 ;; *) other=${uuid%?}0 ;; esac
sed -i "s/$uuid/$other/" "$m"
run "C39 the same traffic traced twice" 2 "$work/g2twice"
contains "$work/err" "note: [0-9]* of [0-9]* packet events dropped as ambiguous" "C39 ambiguous events counted and explained"

# ---- control characters in paths ------------------------------------------
esc_dir="$work/e$(printf '\033]0;owned\007\001')x"
mkdir -p "$esc_dir" && cp -R "$work/g2copy/." "$esc_dir/"
run "C40 control characters in a trace path" 2 "$esc_dir"
no_raw_controls() { ! grep -q "$(printf '[\033\007\001]')" "$work/out" "$work/err"; }
check "C40 no raw control character printed" no_raw_controls
contains "$work/err" 'e\\x1b]0;owned\\x07\\x01x/host1copy/kernel: a copy of' "C40 escaped as \\xNN on stderr"
contains "$work/out" 'e\\x1b]0;owned\\x07\\x01x/host0/kernel$' "C40 escaped in the report"
lacks "$work/out" 'host1copy/kernel: .*host1copy/kernel: a copy' "C40 a failed trace's row names its path once"

# ---- output paths ----------------------------------------------------------
run "C41 --output and --matches-out the same file" 1 -o "$work/same" --matches-out "$work/./same" "$work/g2"
contains "$work/err" "name the same file" "C41 refused, saying why"
check "C41 nothing written" test ! -e "$work/same"
ln -s "$work/target.txt" "$work/dangling"
run "C42 --output to a dangling symbolic link" 0 -o "$work/dangling" "$work/g2"
check "C42 the link is kept" test -L "$work/dangling"
check "C42 its target holds the report" grep -q "^reference: " "$work/target.txt"

# ---- long messages -----------------------------------------------------------
deep="$work/long/$(printf 'd%.0s' $(seq 200))"
for i in $(seq 14); do deep="$deep/$(printf 'd%.0s' $(seq 200))"; done
mkdir -p "$deep" && cp -R "$work/g2/host0/kernel" "$deep/" && truncate -s 3000 "$deep/kernel/channel0_0"
run "C43 a damaged trace 3 KB deep" 2 "$work/long" "$work/g2/host1"
contains "$work/err" "dd/kernel/channel0_0: packet at offset [0-9]* larger than the file (truncated?)$" \
	"C43 the whole reason after the long path"
run "C43 the same, libbabeltrace2" 2 --reader babeltrace2 "$work/long" "$work/g2/host1"
contains "$work/err" "dd/kernel: cannot open as a CTF trace: Failed to index CTF stream file 'channel0_0'.*Cannot create trace for .\\..\\.$" \
	"C43 libbabeltrace2's whole reason after the long path"
missing=""
for i in $(seq 200); do missing="$missing $work/missing-$(printf 'x%.0s' $(seq 240))-$i"; done
run "C43 200 missing paths of 300 bytes" 1 $missing
check "C43 each missing path named whole" test "$(grep -c -- '-[0-9]*: No such file or directory$' "$work/err")" -ge 50
contains "$work/err" "(and [0-9]* more paths without a trace)$" "C43 the rest counted, not cut mid-path"

# ---- decoders that misbehave ------------------------------------------------
# (shell stand-ins for lttsync-decoder, or wrappers around the real one)
printf '#!/bin/sh\nsleep 40 &\nexit 0\n' >"$work/dec-leaves-child" && chmod +x "$work/dec-leaves-child"
start=$(date +%s)
LTTSYNC_DECODER="$work/dec-leaves-child" run "C44 a decoder exits, its child holding the pipe" 1 \
	--reader babeltrace2 "$work/g2"
check "C44 no wait for the child (under 30 s)" test $(( $(date +%s) - start )) -lt 30
contains "$work/err" "host0/kernel: lttsync-decoder exited with status 0 before its result" "C44 names the trace"

cp -R "$work/g2" "$work/spin"
# content_size 0xFFFFFFF8 in the first metadata packet header: babeltrace2
# spins forever (our reader declines it: the call reads in workers).
printf '\370\377\377\377' | dd of="$work/spin/host0/kernel/metadata" bs=1 seek=24 conv=notrunc 2>/dev/null
LTTSYNC_DECODER_TIMEOUT=3 run "C45 babeltrace2 spinning on corrupt metadata" 2 "$work/spin"
contains "$work/err" "spin/host0/kernel: lttsync-decoder wrote nothing for 3 s" "C45 the trace fails, named"
"$LTTSYNC" "$work/spin" >/dev/null 2>&1 &
pid=$!
sleep 2
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
sleep 1
no_orphan() { ! pgrep -f "lttsync-decoder.*$work/spin" >/dev/null; }
check "C45 the decoder dies with lttsync (no orphan)" no_orphan

"$GEN" -q -n 2 -d 20 -r 1000 "$work/g20" >/dev/null
# host0's decoder is killed mid-trace: once it has written 200 kB of its
# 2 MB of packets (its write count in /proc), whatever the machine's speed.
{
	echo '#!/bin/sh'
	echo 'case "$*" in *host0*) ( while kill -0 $$ 2>/dev/null && [ "$(awk '"'"'/^wchar/ { print $2 }'"'"' /proc/$$/io 2>/dev/null || echo 0)" -lt 200000 ]; do sleep 0.01; done; kill -9 $$ 2>/dev/null ) >/dev/null 2>&1 & ;; esac'
	echo "exec \"$LTTSYNC_DECODER\" \"\$@\""
} >"$work/dec-killed"
chmod +x "$work/dec-killed"
LTTSYNC_DECODER="$work/dec-killed" run "C46 a decoder killed by SIGKILL" 2 --reader babeltrace2 "$work/g20"
contains "$work/err" "host0/kernel: lttsync-decoder was killed (signal 9" "C46 said killed, not crashed"
stats_consistent() { # the killed trace's row: events >= network >= tcp used
	awk '/host0\/kernel/ && !($2 >= $3 && $3 >= $4 && $4 > 0) { bad = 1 } END { exit bad }' "$work/out"
}
check "C46 statistics of the killed trace consistent" stats_consistent
rm -rf "$work/g20"

# ---- special files and links while searching ---------------------------------
cp -R "$work/g2" "$work/fifo" && mkfifo "$work/fifo/host0/kernel/channel0_9"
for j in 0 2; do
	run "C47 a stream file that is a FIFO (-j $j)" 2 -j $j "$work/fifo"
	contains "$work/err" "fifo/host0/kernel: channel0_9 is a FIFO, not a stream file" "C47 the trace fails, named (-j $j)"
done
mkdir -p "$work/links" && cp -R "$work/g2/host0" "$work/links/" && ln -s / "$work/links/root" &&
	ln -s "$work/g2/host1" "$work/links/elsewhere" && ln -s .. "$work/links/up"
start=$(date +%s)
run "C48 links to /, to a parent and to a trace elsewhere" 0 "$work/links"
check "C48 / is not searched (under 20 s)" test $(( $(date +%s) - start )) -lt 20
contains "$work/out" "^host1  *accurate" "C48 the linked trace is read"
check "C48 two traces, nothing from behind / or .." test "$(grep -c '/kernel$' "$work/out")" -eq 2

# ---- few file descriptors ---------------------------------------------------
"$GEN" -q -n 60 -t star -d 1 "$work/star" >/dev/null
for j in 64 0; do
	( ulimit -n 64 && exec "$LTTSYNC" -j $j "$work/star" ) >"$work/out" 2>"$work/err"
	check "C49 60 traces under ulimit -n 64 (-j $j): exit 0" test $? -eq 0
	check "C49 60 hosts synchronized (-j $j)" test "$(grep -c '^host[0-9]*  *\(accurate\|reference\)' "$work/out")" -eq 60
done
rm -rf "$work/star"

echo "$known known defects (see doc/hostile-inputs.md)"
finish
