#!/bin/sh
# A downstream program builds against the installed library with nothing
# but `pkg-config --cflags --libs liblttsync`, and runs.
set -u
top_builddir=${top_builddir:-.}
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

if ${MAKE:-make} -C "$top_builddir" install DESTDIR="$dest" >"$dest/install.log" 2>&1; then
	ok "make install"
else
	ko "make install"; tail -20 "$dest/install.log"
	echo "$pass passed, $fail failed"; exit 1
fi
pc=$(find "$dest" -name liblttsync.pc | head -n 1)
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
[ -n "$(find "$dest" -name lttsync.h)" ] && ok "public header installed" || ko "no header"
[ -n "$(find "$dest" -name version.h)" ] && ok "version.h installed" || ko "no version.h"
[ -z "$(find "$dest" -name 'hull.h' -o -name 'session.h')" ] && ok "no internal header installed" || ko "internal header installed"
[ -n "$(find "$dest" -name lttsync.1)" ] && ok "man page installed" || ko "no man page"
[ -n "$(find "$dest" -name lttsync-gen.1)" ] && ok "lttsync-gen man page installed" || ko "no lttsync-gen man page"
docs=$(find "$dest" -path '*/doc/liblttsync/*' -type f | wc -l)
[ -n "$(find "$dest" -path '*/doc/liblttsync/README.md')" ] && [ "$docs" -ge 10 ] &&
	[ -n "$(find "$dest" -path '*/doc/liblttsync/doc/algorithm.md')" ] &&
	ok "user docs installed ($docs files)" || ko "user docs not installed ($docs files)"
pkg-config --print-requires-private liblttsync | grep -q glib-2.0 &&
	ok "glib under Requires.private" || ko "glib not in Requires.private"

cat >"$dest/app.c" <<'C'
#include <stdio.h>
#include <lttsync/lttsync.h>
int main(void)
{
	lttsync_session *s;
	lttsync_host_id a, b;
	lttsync_quality q;

	if (lttsync_session_create(&s) != LTTSYNC_OK)
		return 1;
	lttsync_session_add_host(&a, s, "a");
	lttsync_session_add_host(&b, s, "b");
	lttsync_session_feed_message(s, a, 0, b, 1100);
	lttsync_session_feed_message(s, a, 1000, b, 2100);
	lttsync_session_feed_message(s, b, 900, a, 0);
	lttsync_session_feed_message(s, b, 1900, a, 1000);
	lttsync_session_get_pair_quality(&q, s, a, b);
	printf("%s %s\n", lttsync_version_string(), lttsync_quality_string(q));
	lttsync_session_destroy(s);
	return q == LTTSYNC_QUALITY_ACCURATE ? 0 : 1;
}
C
# shellcheck disable=SC2046
# A library built with sanitizers needs a program built with them too.
# shellcheck disable=SC2086
if ${CC:-cc} -Wall -Werror ${SANITIZER_FLAGS:-} -o "$dest/app" "$dest/app.c" $(pkg-config --cflags --libs liblttsync) 2>"$dest/cc.log"; then
	ok "compiles and links with pkg-config only"
else
	ko "downstream build"; cat "$dest/cc.log"
fi
libdir=$(dirname "$(find "$dest" -name 'liblttsync.so' | head -n 1)")
out=$(LD_LIBRARY_PATH="$libdir" "$dest/app" 2>&1)
[ "$out" = "$(pkg-config --modversion liblttsync) accurate" ] && ok "runs: $out" || ko "run gave '$out'"

# The example analyzer (examples/analyzer.c), built the same way: reads
# the bundled traces, writes and loads the report, maps times both ways,
# shows hulls and matches with their packets.
top_srcdir=${top_srcdir:-.}
# shellcheck disable=SC2046,SC2086
if ${CC:-cc} -Wall -Werror ${SANITIZER_FLAGS:-} -o "$dest/analyzer" \
	"$top_srcdir/examples/analyzer.c" $(pkg-config --cflags --libs liblttsync) 2>"$dest/cc.log"; then
	ok "examples/analyzer.c compiles and links with pkg-config only"
else
	ko "examples/analyzer.c does not build"; cat "$dest/cc.log"
fi
LD_LIBRARY_PATH="$libdir" "$dest/analyzer" "$top_srcdir/examples/traces" \
	"$dest/report.json" >"$dest/analyzer.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && grep -q "^all transforms agree" "$dest/analyzer.out" &&
	ok "the analyzer maps times both ways through its loaded report" ||
	{ ko "analyzer exit $rc"; cat "$dest/analyzer.out"; }
grep -q "vertices (" "$dest/analyzer.out" && ok "the analyzer prints hull vertices" ||
	ko "no hull vertex printed"
grep -q " port [0-9]* -> [0-9]* seq " "$dest/analyzer.out" &&
	ok "the analyzer prints matches with their packets" || ko "no match with its packet"

# The babeltrace2 plugin: in LIBDIR/babeltrace2/plugins (babeltrace2's own
# system path when the prefix is its prefix), loadable from there. An
# instrumented (sanitizer) plugin cannot load into babeltrace2 as is.
plugin=$(find "$dest" -name 'babeltrace-plugin-lttsync.so' | head -n 1)
case "$plugin" in
*/lib/babeltrace2/plugins/*|*/lib/*/babeltrace2/plugins/*) ok "plugin installed in LIBDIR/babeltrace2/plugins" ;;
*) ko "plugin not installed in LIBDIR/babeltrace2/plugins ('$plugin')" ;;
esac
[ -z "$(find "$dest" -name 'babeltrace-plugin-lttsync.la')" ] && ok "no libtool archive beside the plugin" ||
	ko "babeltrace-plugin-lttsync.la installed"
if [ -z "${SANITIZER_FLAGS:-}" ] && command -v babeltrace2 >/dev/null 2>&1 && [ -n "$plugin" ]; then
	LD_LIBRARY_PATH="$libdir" babeltrace2 --plugin-path="$(dirname "$plugin")" \
		list-plugins 2>&1 | grep -q "filter.lttsync.correct" &&
		ok "babeltrace2 loads filter.lttsync.correct from the install prefix" ||
		ko "babeltrace2 does not find filter.lttsync.correct in $(dirname "$plugin")"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
