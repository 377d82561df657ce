#!/bin/sh
# The shared library must export exactly the symbols of the version script,
# each in its version node, and every one must be declared in the public
# header (and nothing else).
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
lib="$top_builddir/.libs/liblttsync.so"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }

if [ ! -f "$lib" ]; then
	echo "check-symbols: $lib not built"
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n 's/^[[:space:]]*\(lttsync_[a-z0-9_]*\);.*/\1/p' \
	"$top_srcdir/liblttsync/liblttsync.sym" | sort >"$tmp/intended"
${NM:-nm} -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' |
	sed 's/@.*//' | grep -v '^LTTSYNC_' | sort >"$tmp/exported"
sed -n 's/^LTTSYNC_API [^(]*[ *]\(lttsync_[a-z0-9_]*\)(.*/\1/p' \
	"$top_srcdir/include/lttsync/lttsync.h" | sort >"$tmp/declared"

if diff -u "$tmp/intended" "$tmp/exported"; then
	ok "exported symbols are exactly the version script's ($(wc -l <"$tmp/intended"))"
else
	ko "exported symbols differ from liblttsync.sym"
fi
if diff -u "$tmp/intended" "$tmp/declared"; then
	ok "every public declaration is in the version script"
else
	ko "public header and version script differ"
fi
if ${NM:-nm} -D --defined-only "$lib" | grep -q ' lsync_'; then
	ko "internal lsync_ symbols leak"
else
	ok "no internal symbol exported"
fi
# Each symbol carries the version of the node that lists it.
awk '/^LTTSYNC_[0-9.]* *{/ {node = $1} /^[[:space:]]*lttsync_[a-z0-9_]*;/ {
	sub(/^[[:space:]]*/, ""); sub(/;.*/, ""); print $0, node }' \
	"$top_srcdir/liblttsync/liblttsync.sym" | sort >"$tmp/nodes"
objdump -T "$lib" | awk '/ lttsync_/ {print $NF, $(NF-1)}' | sort >"$tmp/versions"
if diff -u "$tmp/nodes" "$tmp/versions"; then
	ok "every symbol versioned by its node in liblttsync.sym"
else
	ko "a symbol is versioned outside its node"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
