#!/bin/sh
# The built library must keep the 0.1 ABI: compare it with the committed
# libabigail baseline (abi/liblttsync-0.1.abi, made by abidw) and fail on
# any incompatible change. Added functions are compatible and pass.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
lib="$top_builddir/.libs/liblttsync.so"
base="$top_srcdir/abi/liblttsync-0.1.abi"
command -v abidiff >/dev/null 2>&1 || { echo "abidiff not found (abigail-tools)"; exit 77; }
out=$(abidiff "$base" "$lib")
rc=$?
echo "$out"
# abidiff's status bits: 1 error, 2 usage, 4 ABI change, 8 incompatible
# (removed symbols). A changed type under an existing function is only
# "change" to abidiff but breaks callers compiled against 0.1: count it.
# Only added functions are allowed.
removed_or_changed=$(echo "$out" | sed -n 's/.*changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' |
	awk '{n += $1 + $2} END {print n + 0}')
if [ $((rc & 3)) -ne 0 ]; then
	echo "abidiff failed (status $rc)"; echo "0 passed, 1 failed"; exit 1
elif [ $((rc & 8)) -ne 0 ] || [ "$removed_or_changed" -ne 0 ]; then
	echo "incompatible ABI change against the 0.1 baseline"; echo "0 passed, 1 failed"; exit 1
fi
echo "ok: ABI compatible with 0.1 (abidiff status $rc)"
echo "1 passed, 0 failed"
