#!/bin/sh
# lttsync --messages on files of many batches (the reader thread hands
# the session its messages 16384 at a time): the report is the same
# whichever parser reads the lines; a host first named late is declared;
# an error on the last line, or the first of two errors in the middle
# (one found by the parser, one by the session), is named by its line,
# exit 1 and no report.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"

N=200000
# N messages between 3 hosts, each way of each pair in turn: b's clock
# is a's + 1 ms, c's a's - 2 ms, latencies 20-59 us; host d from line
# 180001 on.
awk -v n="$N" 'BEGIN {
	split("a b c", h, " "); off["a"] = 0; off["b"] = 1000000; off["c"] = -2000000
	for (i = 0; i < n; i++) {
		s = h[i % 3 + 1]; r = h[(i + 1 + int(i / 3) % 2) % 3 + 1]
		if (i >= 180000 && i % 7 == 0) { s = "d"; off["d"] = 500000 }
		if (i >= 180000 && i % 7 == 1) r = "d"
		t = 1000000000000 + i * 1000
		printf "%s,%.0f,%s,%.0f\n", s, t + off[s], r, t + 20000 + (i * 7919) % 40000 + off[r]
	}
}' >"$work/m.csv"

run "$N messages" 0 --messages "$work/m.csv" -f json -o "$work/r.json"
contains "$work/r.json" '"d"' "host d, first named on line 180001, is in the report"

# The same messages, every line through the general parser (blanks
# around the fields, the first host quoted).
sed 's/^\([^,]*\),\([^,]*\),/ "\1" , \2 ,/' "$work/m.csv" >"$work/slow.csv"
run "the same through the general parser" 0 --messages "$work/slow.csv" -f json -o "$work/r_slow.json"
check "the two reports are the same" cmp -s "$work/r.json" "$work/r_slow.json"

# An error on the last line, many batches after the first.
cp "$work/m.csv" "$work/last.csv"
echo "a,12x,b,5" >>"$work/last.csv"
rm -f "$work/r_last.json"
run "error on the last line" 1 --messages "$work/last.csv" -f json -o "$work/r_last.json"
contains "$work/err" "last.csv:$((N + 1)): send_ns '12x'" "named by its line ($((N + 1)))"
check "no report" test ! -e "$work/r_last.json"

# A line the session refuses (same sender and receiver) at line 150000,
# a malformed one at 170000: the first is the error.
awk 'NR == 150000 { print "c,1,c,2"; next } NR == 170000 { print "b,1"; next } { print }' \
	"$work/m.csv" >"$work/two.csv"
run "session error then parse error" 1 --messages "$work/two.csv" -f json -o "$work/r_two.json"
contains "$work/err" "two.csv:150000: sender and receiver are the same host 'c'" \
	"the session's error, on the earlier line"
# And the other way round.
awk 'NR == 150000 { print "b,1"; next } NR == 170000 { print "c,1,c,2"; next } { print }' \
	"$work/m.csv" >"$work/two.csv"
run "parse error then session error" 1 --messages "$work/two.csv" -f json -o "$work/r_two.json"
contains "$work/err" "two.csv:150000: expected 4 comma-separated fields" \
	"the parser's error, on the earlier line"
check "no report" test ! -e "$work/r_two.json"

# A host name with a NUL byte, first named on line 120000.
{ head -n 119999 "$work/m.csv"; printf 'x\000y,1,a,2\n'; tail -n +120001 "$work/m.csv"; } >"$work/nul.csv"
run "NUL byte in a new host name" 1 --messages "$work/nul.csv" -f json -o "$work/r_nul.json"
contains "$work/err" "nul.csv:120000: NUL byte in line" "named by its line"

# The session's memory limit, reached while the reader is batches ahead.
rm -f "$work/r_lim.json"
run "memory limit" 1 --memory-limit 20000 --messages "$work/m.csv" -f json -o "$work/r_lim.json"
contains "$work/err" "m.csv:[0-9]*: cannot record message: memory limit reached" "named by its line"
check "no report" test ! -e "$work/r_lim.json"

# The same from a FIFO whose writer then stays silent: the reader is
# blocked in a read that never returns, and must still be stopped.
mkfifo "$work/fifo"
( cat "$work/m.csv"; sleep 60 ) >"$work/fifo" &
writer=$!
start=$(date +%s)
run "memory limit, FIFO held open" 1 --memory-limit 20000 --messages "$work/fifo" -f json -o "$work/r_fifo.json"
check "stopped within 20 s (the reader's read interrupted)" test $(( $(date +%s) - start )) -lt 20
contains "$work/err" "fifo:[0-9]*: cannot record message: memory limit reached" "named by its line"
kill "$writer" 2>/dev/null
pkill -P "$writer" sleep 2>/dev/null
wait "$writer" 2>/dev/null
finish
