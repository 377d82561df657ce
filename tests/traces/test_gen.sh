#!/bin/sh
# lttsync-gen, the synthetic trace writer: every layout is read back by
# babeltrace2 without a word on stderr, with the counts truth.json gives
# and the field values each layout must show; the segments a matcher can
# pair (found here from babeltrace2's output alone) are exactly the ones
# truth.json counts and --messages lists, timestamps included. Also:
# determinism, reading one stream without the muxer, usage errors.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
GEN=${LTTSYNC_GEN:-$GEN}
RUN_PROGRAM=$GEN
if ! command -v babeltrace2 >/dev/null 2>&1; then
	echo "SKIP: babeltrace2 is not installed"
	exit 77
fi

same() { # GOT EXPECTED DESCRIPTION
	if [ "$1" = "$2" ]; then ok "$3 ($1)"; else ko "$3: got '$1', expected '$2'"; fi
}

# host_field TRUTH HOST FIELD: a number from the host's entry
host_field() {
	sed -n "/\"name\": \"$2\"/,/}/p" "$1" | grep -o "\"$3\": [0-9-]*" |
		head -n 1 | sed 's/.*: //'
}
# seg_field TRUTH FIELD: a number from "segments"
seg_field() {
	sed -n '/"segments"/,$p' "$1" | grep -o "\"$2\": [0-9]*" | head -n 1 |
		sed 's/.*: //'
}
hosts_of() { grep -o '"name": "[^"]*"' "$1" | sed 's/.*: "//; s/"$//'; }
layout_of() {
	sed -n "/\"name\": \"$2\"/p" "$1" | grep -o '"layout": "[^"]*"' |
		sed 's/.*: "//; s/"$//'
}

# keys LAYOUT HOST < babeltrace2 --clock-seconds text: one line per TCP
# send/receive: "seq ack flags dir host ns", flags in canonical order.
keys() {
	awk -v layout="$1" -v host="$2" '
	function hex(s,   i, v) {
		v = 0
		s = substr(s, 3)
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1
		return v
	}
	function num(s) { return s ~ /^0x/ ? hex(s) : s + 0 }
	function field(name,   s) {
		if (!match($0, "[ {]" name " = (0x[0-9A-F]+|[0-9]+)"))
			return ""
		s = substr($0, RSTART, RLENGTH)
		sub(/.* = /, "", s)
		return s
	}
	function rev8(v,   i, o) {
		o = 0
		for (i = 0; i < 8; i++)
			if (int(v / 2 ^ i) % 2)
				o += 2 ^ (7 - i)
		return o
	}
	{
		dir = ""
		if ($0 ~ / (net_dev_queue|inet_sock_local_out): /)
			dir = "s"
		else if ($0 ~ / (net_if_receive_skb|netif_receive_skb|inet_sock_local_in): /)
			dir = "r"
		seq = field("seq")
		if (dir == "" || seq == "")
			next
		fl = num(field("flags"))
		fl = layout == "addons-a" ? rev8(int(fl / 256)) : fl % 256
		ts = substr($1, 2, length($1) - 2)
		sub(/\./, "", ts)
		printf "%.0f %.0f %d %s %s %s\n", num(seq), num(field("ack_seq")), fl, dir, host, ts
	}'
}

# pairs: keys seen once sent and once received, on two hosts, as CSV rows
pairs() {
	awk '{
		k = $1 " " $2 " " $3
		if ($4 == "s") { ns[k]++; sh[k] = $5; st[k] = $6 }
		else { nr[k]++; rh[k] = $5; rt[k] = $6 }
	}
	END {
		for (k in ns)
			if (ns[k] == 1 && nr[k] == 1 && sh[k] != rh[k])
				print sh[k] "," st[k] "," rh[k] "," rt[k]
	}' | sort
}

# read_all DIR LABEL: each host's trace through babeltrace2, its counts
# against truth.json; leaves DIR/<host>.txt and DIR/keys
read_all() {
	dir=$1 label=$2 truth=$1/truth.json
	: >"$dir/keys"
	for h in $(hosts_of "$truth"); do
		lay=$(layout_of "$truth" "$h")
		babeltrace2 --clock-seconds "$dir/$h/kernel" >"$dir/$h.txt" 2>"$dir/$h.err"
		st=$?
		if [ "$st" -eq 0 ] && [ ! -s "$dir/$h.err" ]; then
			ok "$label: babeltrace2 reads $h ($lay) silently"
		else
			ko "$label: babeltrace2 on $h: exit $st"
			head -c 800 "$dir/$h.err" | sed 's/^/  /'
		fi
		same "$(wc -l <"$dir/$h.txt" | tr -d ' ')" \
			"$(host_field "$truth" "$h" events)" "$label: $h event count"
		same "$(grep -c -E ' (net_dev_queue|inet_sock_local_out): ' "$dir/$h.txt")" \
			"$(host_field "$truth" "$h" send_events)" "$label: $h send events"
		same "$(grep -c -E ' (net_if_receive_skb|netif_receive_skb|inet_sock_local_in): ' "$dir/$h.txt")" \
			"$(host_field "$truth" "$h" receive_events)" "$label: $h receive events"
		keys "$lay" "$h" <"$dir/$h.txt" >"$dir/$h.keys"
		same "$(grep -c ' s ' "$dir/$h.keys")" \
			"$(host_field "$truth" "$h" tcp_send_events)" "$label: $h TCP keys sent"
		same "$(grep -c ' r ' "$dir/$h.keys")" \
			"$(host_field "$truth" "$h" tcp_receive_events)" "$label: $h TCP keys received"
		cat "$dir/$h.keys" >>"$dir/keys"
	done
}

# check_pairs DIR CSV LABEL: decoded pairs == truth == --messages
check_pairs() {
	pairs <"$1/keys" >"$1/pairs"
	tail -n +2 "$2" | sort >"$1/expected"
	same "$(wc -l <"$1/pairs" | tr -d ' ')" "$(seg_field "$1/truth.json" matched_possible)" \
		"$3: pairs found in the traces = matched_possible"
	if cmp -s "$1/pairs" "$1/expected"; then
		ok "$3: pairs and their timestamps = --messages"
	else
		ko "$3: decoded pairs differ from --messages"
		diff "$1/pairs" "$1/expected" | head -5 | sed 's/^/  /'
	fi
}

# ---- usage -----------------------------------------------------------------
run "--help" 0 --help
contains "$work/out" "--layouts" "help lists --layouts"
contains "$work/out" "addons-b" "help lists the layouts"
run "--version" 0 --version
contains "$work/out" "^lttsync-gen [0-9]" "version printed"
run "no OUTDIR" 1
contains "$work/err" "output folder" "says what is missing"
run "unknown layout" 1 --layouts modules-9.9 "$work/x"
contains "$work/err" "unknown layout 'modules-9.9'" "names the bad layout"
run "bad number" 1 --hosts zero "$work/x"
contains "$work/err" "invalid value for --hosts" "names the bad option"
run "unknown option" 1 --frobnicate "$work/x"
contains "$work/err" "unknown option" "says the option is unknown"
run "bad topology" 1 --topology ring "$work/x"
run "fraction above 1" 1 --retransmit-fraction 1.5 "$work/x"
run "packet size not a multiple of 8" 1 --packet-size 1001 "$work/x"
mkdir "$work/full" && : >"$work/full/file"
run "non-empty OUTDIR" 1 "$work/full"
contains "$work/err" "not empty" "refuses to write over files"

# ---- each layout -------------------------------------------------------------
for lay in modules-2.9 modules-2.10.5 modules-2.13 modules-2.6 experimental \
	addons-a addons-b old; do
	d="$work/$lay"
	run "$lay: generate" 0 --hosts 3 --layouts "$lay" --duration 2 --rate 150 \
		--cpus 2 --packet-size 4096 --seed 7 --udp-fraction 0.2 \
		--icmp-fraction 0.2 --ipv6-fraction 0.4 --messages "$d.csv" "$d"
	contains "$work/out" "3 hosts" "$lay: summary line"
	read_all "$d" "$lay"
	check_pairs "$d" "$d.csv" "$lay"
	t="$d/all.txt"
	cat "$d"/host*.txt >"$t"
	case $lay in
	modules-2.9)
		contains "$t" 'network_header_type = ( "_ipv4" : container = 1 )' "$lay: _ipv4 label"
		contains "$t" 'network_header_type = ( "_ipv6" : container = 2 )' "$lay: _ipv6 label"
		contains "$t" 'protocol = ( "_tcp" : container = 6 )' "$lay: protocol enum selects tcp"
		contains "$t" 'data_offset = 8, reserved = 0, flags = 0x18, ' "$lay: PSH|ACK, data offset 8"
		contains "$t" 'saddr = \[ \[0\] = 10, \[1\] = 0, ' "$lay: IPv4 source address"
		lacks "$t" 'transport_header_type' "$lay: no transport_header_type"
		contains "$t" ' net_if_receive_skb: ' "$lay: receive event name" ;;
	modules-2.10.5)
		contains "$t" 'transport_header_type = ( "_tcp" : container = 1 )' "$lay: explicit transport_header_type"
		contains "$t" 'nexthdr = ( "_tcp" : container = 6 )' "$lay: IPv6 nexthdr enum"
		contains "$t" 'saddr = \[ \[0\] = 0xFD00, ' "$lay: IPv6 source address"
		lacks "$t" '"_udp"' "$lay: no UDP option" ;;
	modules-2.13)
		contains "$t" 'transport_header_type = ( "_udp" : container = 2 ), transport_header = { { source_port = ' "$lay: UDP header"
		contains "$t" 'transport_header_type = ( "_icmp" : container = 3 ), transport_header = { { type = ' "$lay: ICMP header"
		contains "$t" 'protocol = ( "_udp" : container = 17 )' "$lay: protocol enum has _udp" ;;
	modules-2.6)
		contains "$t" ' netif_receive_skb: ' "$lay: receive spelled netif_receive_skb"
		lacks "$t" ' net_if_receive_skb: ' "$lay: no net_if_receive_skb"
		contains "$t" 'protocol = ( "_tcp" : container = 6 )' "$lay: protocol enum selects tcp" ;;
	experimental)
		contains "$t" 'transport_header_type = ( "_thtype_tcp" : container = 1 ), transport_fields = { { source_port = ' "$lay: transport_fields / thtype_tcp"
		contains "$t" ', flags = 0x18, window = ' "$lay: 8-bit flags" ;;
	addons-a)
		contains "$t" ' inet_sock_local_out: { cpu_id = [0-9]* }, { sk = 0x' "$lay: send event"
		contains "$t" 'flags = 0x1808 }' "$lay: PSH|ACK doff 8 reads 0x1808"
		contains "$t" 'flags = 0x808 }' "$lay: ACK doff 8 reads 0x808" ;;
	addons-b)
		contains "$t" ' inet_sock_local_in: ' "$lay: receive event"
		contains "$t" 'flags = 0x8018 }' "$lay: PSH|ACK doff 8 reads 0x8018"
		contains "$t" 'flags = 0x8010 }' "$lay: ACK doff 8 reads 0x8010" ;;
	old)
		contains "$t" 'net_dev_queue: { cpu_id = [0-9]* }, { skbaddr = [0-9]*, len = [0-9]*, name = "eth0" }$' "$lay: skbaddr, len, name only"
		lacks "$t" 'seq = ' "$lay: no TCP fields"
		same "$(seg_field "$d/truth.json" matched_possible)" 0 "$lay: nothing matchable" ;;
	esac
	contains "$t" ' sched_switch: ' "$lay: noise events interleaved"
done

# ---- all layouts together: flags normalised alike ---------------------------
d="$work/mixed"
run "mixed: generate" 0 --hosts 8 --topology mesh --layouts \
	modules-2.9,modules-2.10.5,modules-2.13,modules-2.6,experimental,addons-a,addons-b,old \
	--duration 3 --rate 40 --retransmit-fraction 0.05 --segmentation-fraction 0.05 \
	--packet-size 8192 --messages "$d.csv" "$d"
read_all "$d" mixed
check_pairs "$d" "$d.csv" mixed
check "mixed: some retransmissions" test "$(seg_field "$d/truth.json" retransmitted)" -gt 0
check "mixed: some segmentation" test "$(seg_field "$d/truth.json" segment_pieces)" -gt 0
check "mixed: some loopback" test "$(seg_field "$d/truth.json" loopback)" -gt 0
check "mixed: some one-sided" test "$(seg_field "$d/truth.json" one_sided)" -gt 0
contains "$d/truth.json" '"reference_clock": "host clock = floor(base_ns + rate \* T)"' "truth.json names the clock model"
contains "$d/truth.json" '"base_ns": [0-9]*, "rate": "[01]\.[0-9]*", "offset_ns": -\{0,1\}[0-9]*, "drift_ppm": ' "truth.json host clock fields"
contains "$d/host0.txt" ' name = "lo"' "loopback device traced"

# The ground truth explains the traces: mapped through truth.json, every
# matchable segment arrives at least min_latency_ns after it left.
if command -v python3 >/dev/null 2>&1; then
	if python3 - "$d/truth.json" "$d.csv" <<'PY'
import json, sys
from fractions import Fraction
t = json.load(open(sys.argv[1]))
h = {x["name"]: (x["base_ns"], Fraction(x["rate"])) for x in t["hosts"]}
lat = t["min_latency_ns"]
rows = open(sys.argv[2]).read().split("\n")[1:-1]
true = lambda n, v: (v - h[n][0]) / h[n][1]
bad = [r for r in rows for a, s, b, q in [r.split(",")]
       if true(b, int(q)) - true(a, int(s)) < lat - 2]
sys.exit(1 if bad or not rows else 0)
PY
	then ok "truth.json clocks: every pair is causal, latency >= min"
	else ko "truth.json clocks do not explain the pairs"; fi
fi

# ---- determinism ----------------------------------------------------------------
run "seed 5, first run" 0 -q -n 3 -l modules-2.13,addons-a -d 2 -s 5 "$work/d1"
run "seed 5, second run" 0 -q -n 3 -l modules-2.13,addons-a -d 2 -s 5 "$work/d2"
run "seed 6" 0 -q -n 3 -l modules-2.13,addons-a -d 2 -s 6 "$work/d3"
differ=0
for f in $(cd "$work/d1" && find . -type f | sort); do
	cmp -s "$work/d1/$f" "$work/d2/$f" || differ=$((differ + 1))
done
same "$differ" 0 "same seed: identical files"
check "same seed: as many files" test "$(find "$work/d1" -type f | wc -l)" -eq \
	"$(find "$work/d2" -type f | wc -l)"
check "other seed: other traces" test -n "$(diff -rq "$work/d1" "$work/d3")"

# ---- one stream, no muxer ---------------------------------------------------------
d="$work/single"
run "one CPU: generate" 0 -q -n 2 -l addons-a,modules-2.10.5 -c 1 -d 2 "$d"
for h in host0 host1; do
	babeltrace2 run --component src:source.ctf.fs \
		--params "inputs=[\"$d/$h/kernel\"]" \
		--component sink:sink.text.pretty --connect src:sink \
		>"$work/run.txt" 2>"$work/run.err"
	st=$?
	if [ "$st" -eq 0 ] && [ ! -s "$work/run.err" ]; then
		ok "single stream $h: read without muxer, silently"
	else
		ko "single stream $h: exit $st"
		head -c 600 "$work/run.err" | sed 's/^/  /'
	fi
	same "$(wc -l <"$work/run.txt" | tr -d ' ')" \
		"$(host_field "$d/truth.json" "$h" events)" "single stream $h: event count"
done

finish
