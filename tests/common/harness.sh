# SPDX-License-Identifier: MIT
# Shared by the shell tests (sourced): counters, checks and a temporary
# folder. Set LTTSYNC_VALGRIND to run the command under valgrind.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
LTTSYNC="$top_builddir/lttsync"
GEN="$top_builddir/lttsync-gen"
SHARED=${LTTSYNC_SHARED_TRACES:-$top_srcdir/../shared/traces}
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
skip() { echo "skip: $1"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() { check_desc=$1; shift; if "$@"; then ok "$check_desc"; else ko "$check_desc"; fi; }

# run NAME EXPECTED_STATUS ARGS...: the command (RUN_PROGRAM, default
# lttsync) with stdout in $work/out, stderr in $work/err. A hang is a
# failure too (exit 124), not a stuck suite.
run() {
	name=$1 expect=$2
	shift 2
	timeout 300 ${LTTSYNC_VALGRIND:-} "${RUN_PROGRAM:-$LTTSYNC}" "$@" >"$work/out" 2>"$work/err"
	st=$?
	if [ "$st" -eq "$expect" ]; then ok "$name (exit $st)"; else
		ko "$name: exit $st, expected $expect"; sed 's/^/  /' "$work/err" | head -5; fi
}
contains() { # FILE PATTERN DESCRIPTION
	if grep -q -- "$2" "$1"; then ok "$3"; else ko "$3: no '$2' in $1"; sed 's/^/  /' "$1" | head -10; fi
}
lacks() { # FILE PATTERN DESCRIPTION
	if grep -q -- "$2" "$1"; then ko "$3: '$2' in $1"; else ok "$3"; fi
}
# The closing line every test prints, and the exit status.
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}
