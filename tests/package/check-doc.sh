#!/bin/sh
# Every public symbol must be documented: run Doxygen on the public headers
# and fail on any warning (undocumented member, bad @param...).
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
if [ -z "${DOXYGEN:-}" ]; then
	echo "doxygen not found"
	exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cat "$top_builddir/doc/Doxyfile"
 echo "OUTPUT_DIRECTORY = $out"
 echo "WARN_LOGFILE = $out/warnings.log") | $DOXYGEN - >/dev/null 2>&1
if [ -s "$out/warnings.log" ]; then
	cat "$out/warnings.log"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
