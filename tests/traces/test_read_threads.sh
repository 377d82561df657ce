#!/bin/sh
# Stream files decoded by several threads hand out exactly what one
# thread does: the records lttsync-decoder writes (packets in order,
# statistics, status) with --threads 2 and 3 against none, on traces of
# every layout with 4 stream files each, a stream file changed (it fails
# midway) and the real traces; and the reports of lttsync (below).
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
GEN=${LTTSYNC_GEN:-$GEN}
DECODER="$top_builddir/lttsync-decoder"
[ -x "$DECODER" ] || { echo "lttsync-decoder not built"; exit 77; }

# same_records TRACE: the decoder's output with threads, byte for byte
same_records() {
	"$DECODER" "$1" >"$work/d1" 2>/dev/null
	st1=$?
	for n in 2 3; do
		"$DECODER" --threads "$n" "$1" >"$work/dn" 2>/dev/null
		stn=$?
		if [ "$st1" -eq "$stn" ] && cmp -s "$work/d1" "$work/dn"; then
			ok "$1: --threads $n writes the same records (exit $stn)"
		else
			ko "$1: --threads $n: exit $stn against $st1, or other records"
		fi
	done
}

if ! "$GEN" -q -n 4 -t mesh -l modules-2.9,modules-2.13,addons-a,experimental \
	--cpus 4 --packet-size 8192 -d 3 -r 200 --ipv6-fraction 0.4 \
	--udp-fraction 0.2 "$work/t" >"$work/gen.log" 2>&1; then
	ko "lttsync-gen failed"; cat "$work/gen.log"; finish
fi
for h in "$work"/t/*/kernel; do
	same_records "$h"
done
# Bytes changed in the middle of a stream file: the trace fails there,
# after the same packets.
cp -r "$work/t/host0" "$work/bad"
f="$work/bad/kernel/channel0_1"
size=$(wc -c <"$f")
head -c 200 /dev/zero | tr '\0' '\377' |
	dd of="$f" bs=1 seek=$((size / 2 + 1000)) conv=notrunc 2>/dev/null
"$LTTSYNC" --jobs 0 "$work/bad/kernel" "$work/t/host1/kernel" >/dev/null 2>"$work/ebad"
contains "$work/ebad" "unknown event class" "the changed trace fails midway"
same_records "$work/bad/kernel"
for d in "$SHARED"/scp/scp_src "$SHARED"/bug446190; do
	[ -d "$d" ] && same_records "$d"
done

# The report of lttsync reading in-process (the default with --jobs 2 and
# 3: a decoder that would fail is never started) against --jobs 0; and in
# workers, with our reader in each, when the call has a trace our reader
# declines (metadata only, no packet), against --jobs 0 on the same
# paths, also with a pending table that overflows (the feed is the same
# packet for packet).
printf '#!/bin/sh\nexit 1\n' >"$work/fails" && chmod +x "$work/fails"
"$LTTSYNC" --jobs 0 --format json "$work/t" >"$work/r0.json" 2>"$work/e0"
st0=$?
for n in 2 3; do
	LTTSYNC_DECODER="$work/fails" "$LTTSYNC" --jobs "$n" --format json "$work/t" \
		>"$work/rn.json" 2>"$work/en"
	stn=$?
	if [ "$st0" -eq "$stn" ] && cmp -s "$work/r0.json" "$work/rn.json"; then
		ok "in-process, --jobs $n: the same report as --jobs 0 (exit $stn)"
	else
		ko "in-process, --jobs $n: exit $stn against $st0, or another report"
		diff "$work/r0.json" "$work/rn.json" | head -5
	fi
	lacks "$work/en" "lttsync-decoder" "in-process, --jobs $n: no decoder started"
done
mkdir -p "$work/declined"
{
	echo '/* CTF 1.8 */'
	echo 'typealias integer { size = 32; align = 8; signed = false; } := uint32_t;'
	echo 'trace { major = 1; minor = 8; byte_order = le; packet.header := struct { uint32_t magic; }; };'
	echo 'env { hostname = "declined"; };'
	echo 'callsite { name = "x"; func = "f"; file = "a.c"; line = 1; ip = 0; };'
	echo 'stream { event.header := struct { uint32_t id; }; };'
	echo 'event { name = "e"; id = 0; fields := struct { uint32_t v; }; };'
} >"$work/declined/metadata"
printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$work/started" "$DECODER" >"$work/logged"
chmod +x "$work/logged"
for pending in "" "--max-pending 64"; do
	"$LTTSYNC" --jobs 0 $pending --format json "$work/t" "$work/declined" \
		>"$work/w0.json" 2>"$work/ew0"
	st0=$?
	rm -f "$work/started"
	LTTSYNC_DECODER="$work/logged" "$LTTSYNC" --jobs 8 $pending --format json \
		"$work/t" "$work/declined" >"$work/wn.json" 2>"$work/ewn"
	stn=$?
	check "workers${pending:+, $pending}: a decoder for each of the 5 traces" \
		test "$(cat "$work/started" 2>/dev/null | wc -l)" -eq 5
	if [ "$st0" -eq "$stn" ] && cmp -s "$work/w0.json" "$work/wn.json"; then
		ok "workers${pending:+, $pending}: the same report as --jobs 0 (exit $stn)"
	else
		ko "workers${pending:+, $pending}: exit $stn against $st0, or another report"
		diff "$work/w0.json" "$work/wn.json" | head -5
	fi
	cp "$work/wn.json" "$work/w-${pending:+small}.json"
done
differ() { ! cmp -s "$1" "$2"; }
check "--max-pending 64 loses messages (the order of the feed matters)" \
	differ "$work/w-.json" "$work/w-small.json"
finish
