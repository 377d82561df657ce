#!/bin/sh
# Every unit test binary, the command through tests/cli/test_cli.sh and
# tests/cli/test_messages_pipe.sh, and
# corrected traces (lttsync --write, then babeltrace2 with the plugin)
# under valgrind memcheck: any error, or a definite leak, fails.
#
# Criterion runs each test in a child process whose valgrind errors do
# not reach the exit status: with --quiet, any "==PID==" line is an error.
# The decoder children are not traced: valgrind and the address-space
# limit they set do not mix, and decode.c is checked in-process
# (tests/traces/test_decode*). Tests that need the x87 80-bit long double
# (valgrind computes it with 64-bit doubles) measure the precision at run
# time and scale or skip; memory is checked either way.
#
# Run by `make check-valgrind`, which sets top_srcdir, top_builddir,
# LIBTOOL and the list of test programs (arguments).
set -u
cd "$top_builddir" || exit 1
flags="--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--show-leak-kinds=definite --trace-children=yes
	--trace-children-skip=*/lttsync-decoder,*/lttsync-gen --quiet
	--suppressions=$top_srcdir/tests/common/valgrind.supp"
vg="$LIBTOOL --mode=execute valgrind $flags"
LTTSYNC_DECODER="$top_builddir/lttsync-decoder"
LTTSYNC_GEN="$top_builddir/lttsync-gen"
LTTSYNC_SHARED_TRACES="${LTTSYNC_SHARED_TRACES:-$top_srcdir/../shared/traces}"
export LTTSYNC_DECODER LTTSYNC_GEN LTTSYNC_SHARED_TRACES top_srcdir top_builddir

fail=0
for t in "$@"; do
	# shellcheck disable=SC2086
	$vg "./$t" >"$t.valgrind" 2>&1
	st=$?
	errs=$(grep -c '^==[0-9]*==' "$t.valgrind")
	echo "valgrind $t (status $st, $errs error lines): $(grep Synthesis "$t.valgrind")"
	if [ "$st" -ne 0 ] || [ "$errs" -ne 0 ]; then
		fail=1
		grep -v '^\[----\]\|^\[RUN\|^\[PASS' "$t.valgrind" | head -60
	fi
done

LTTSYNC_VALGRIND="$vg" sh "$top_srcdir/tests/cli/test_cli.sh" \
	>tests/cli/test_cli.valgrind 2>&1 || fail=1
echo "valgrind tests/cli/test_cli.sh: $(tail -n 1 tests/cli/test_cli.valgrind)"
# The --messages reader thread and the session's thread, their errors.
LTTSYNC_VALGRIND="$vg" sh "$top_srcdir/tests/cli/test_messages_pipe.sh" \
	>tests/cli/test_messages_pipe.valgrind 2>&1 || fail=1
echo "valgrind tests/cli/test_messages_pipe.sh: $(tail -n 1 tests/cli/test_messages_pipe.valgrind)"

# Corrected traces: the sample traces (seconds, not minutes).
out=tests/valgrind-write
rm -rf "$out"
mkdir -p "$out"
# shellcheck disable=SC2086
$vg ./lttsync -f json -o "$out/report.json" --write "$out/traces" \
	"$top_srcdir/examples/traces" >"$out/write.log" 2>&1
st=$?
# shellcheck disable=SC2086
valgrind $flags babeltrace2 --plugin-path=plugin/.libs run \
	--component=a:src.ctf.fs --params="inputs=[\"$top_srcdir/examples/traces/host0/kernel\"]" \
	--component=b:src.ctf.fs --params="inputs=[\"$top_srcdir/examples/traces/host1/kernel\"]" \
	--component=c:filter.lttsync.correct --params="report=\"$out/report.json\"" \
	--component=s:sink.text.pretty --connect=a:c --connect=b:c --connect=c:s \
	>"$out/plugin.txt" 2>"$out/plugin.log"
st2=$?
errs=$(cat "$out/write.log" "$out/plugin.log" | grep -c '^==[0-9]*==')
echo "valgrind lttsync --write (status $st), babeltrace2 + plugin (status $st2, $(wc -l <"$out/plugin.txt") events): $errs error lines"
if [ "$st" -ne 0 ] || [ "$st2" -ne 0 ] || [ "$errs" -ne 0 ]; then
	head -60 "$out/write.log" "$out/plugin.log"
	fail=1
else
	rm -rf "$out"
fi
exit $fail
