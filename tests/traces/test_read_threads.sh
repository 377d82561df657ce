#!/bin/sh
# Stream files decoded by several threads hand out exactly what one
# thread does: the records lttsync-decoder writes (packets in order,
# statistics, status) with --threads 2 and 3 against none, on traces of
# every layout with 4 stream files each, a stream file changed (it fails
# midway) and the real traces; and the report of lttsync reading
# in-process with --jobs 2 and 3 (the decoder made unavailable) against
# --jobs 0.
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

"$LTTSYNC" --jobs 0 --format json "$work/t" >"$work/r0.json" 2>"$work/e0"
st0=$?
for n in 2 3; do
	LTTSYNC_DECODER="$work/none" "$LTTSYNC" --jobs "$n" --format json "$work/t" \
		>"$work/rn.json" 2>"$work/en"
	stn=$?
	if [ "$st0" -eq "$stn" ] && cmp -s "$work/r0.json" "$work/rn.json"; then
		ok "in-process, --jobs $n: the same report as --jobs 0 (exit $stn)"
	else
		ko "in-process, --jobs $n: exit $stn against $st0, or another report"
		diff "$work/r0.json" "$work/rn.json" | head -5
	fi
	contains "$work/en" "decoded in the calling process" "in-process, --jobs $n: said so"
done
finish
