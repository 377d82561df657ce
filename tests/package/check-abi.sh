#!/bin/sh
# The built library must keep the ABI of every release: compare it with
# each committed libabigail baseline (abi/liblttsync-X.Y.abi, made by
# abidw at the release) and fail on any incompatible change. Added
# functions are compatible and pass.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
lib="$top_builddir/.libs/liblttsync.so"
command -v abidiff >/dev/null 2>&1 || { echo "abidiff not found (abigail-tools)"; exit 77; }
pass=0
fail=0

# abidiff's status bits: 1 error, 2 usage, 4 ABI change, 8 incompatible
# (removed symbols). A changed type under an existing function is only
# "change" to abidiff but breaks callers compiled against the release:
# count it. Only added functions are allowed.
check_release() { # $1: baseline file
	release=$(basename "$1" .abi | sed 's/^liblttsync-//')
	out=$(abidiff "$1" "$lib")
	rc=$?
	echo "$out"
	removed_or_changed=$(echo "$out" | sed -n 's/.*changes summary: \([0-9]*\) Removed, \([0-9]*\) Changed.*/\1 \2/p' |
		awk '{n += $1 + $2} END {print n + 0}')
	if [ $((rc & 3)) -ne 0 ]; then
		echo "FAIL: abidiff failed against $release (status $rc)"; fail=$((fail + 1))
	elif [ $((rc & 8)) -ne 0 ] || [ "$removed_or_changed" -ne 0 ]; then
		echo "FAIL: incompatible ABI change against the $release baseline"; fail=$((fail + 1))
	else
		echo "ok: ABI compatible with $release (abidiff status $rc)"; pass=$((pass + 1))
	fi
}

for base in "$top_srcdir"/abi/liblttsync-*.abi; do
	check_release "$base"
done
[ "$pass" -ge 2 ] || { echo "FAIL: fewer than two release baselines in abi/"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
