#!/bin/sh
# lttsync --plot: the page parsed (tests/cli/check_plot.py): self-contained,
# every <svg> well-formed, one figure per pair, the hull vertices drawn
# against the library's accessor (tests/cli/plot_hulls), the estimate
# between the extreme lines and inside the bounds, contradictions marked
# for a failing pair and only there, thinning said; every figure rendered
# by rsvg-convert when installed. On the bundled example, clocks whose
# rates change (segments, and a failing pair with --segments off),
# generated traces of 3, 2 (a hundred thousand messages) and 50 hosts,
# and the real scp traces when present. Plus the errors.
set -u
. "${top_srcdir:-.}/tests/common/harness.sh"
GEN=${LTTSYNC_GEN:-$GEN}
HULLS="$top_builddir/tests/cli/plot_hulls"
SIM="$top_builddir/tests/common/ratesim_csv"
CHECK="$top_srcdir/tests/cli/check_plot.py"

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is not installed"
	exit 77
fi
command -v rsvg-convert >/dev/null 2>&1 ||
	skip "rsvg-convert not found (Debian: librsvg2-bin): figures not rendered"

# check_page NAME PAGE CSV [SEGMENTS] -- CHECK_ARGS...: the hull counts
# from the accessor over the same messages, then the checker.
check_page() {
	name=$1 page=$2 csv=$3 segs=$4
	shift 5
	# shellcheck disable=SC2046 # host names from the page, one word each
	if ! "$HULLS" "$csv" $segs $(python3 "$CHECK" --host-order "$page") >"$work/hulls"; then
		ko "$name: hull counts from the accessor"
		return
	fi
	if python3 "$CHECK" "$page" --hulls "$work/hulls" "$@" >"$work/check" 2>&1; then
		ok "$name: $(tail -n 1 "$work/check")"
	else
		ko "$name"; sed 's/^/  /' "$work/check" | head -n 10
	fi
	grep '^skip\|^rendered' "$work/check" | sed 's/^/  /'
}

render_dir() { mkdir -p "$work/render/$1" && echo "$work/render/$1"; }

# The bundled example: three hosts, every pair accurate.
run "example, --plot" 0 --messages "$top_srcdir/examples/three-hosts.csv" \
	--plot "$work/three.html"
check_page "example page" "$work/three.html" "$top_srcdir/examples/three-hosts.csv" "" -- \
	--pairs 3 --no-contra --render "$(render_dir three)"
contains "$work/three.html" "Reference: <b>bravo</b>" "the summary names the reference"
contains "$work/three.html" "<td>bravo (1 hop)</td>" "the summary gives each host's parent and hops"
contains "$work/out" "^alpha " "the report is still written"

# Rates that change: segments, and with --segments off a failing pair
# whose contradictions are drawn.
"$SIM" 3 1200 4 "$work/truth" >"$work/rates.csv" || ko "simulated messages written"
run "changing rates, --plot" 0 --messages "$work/rates.csv" --plot "$work/seg.html"
check_page "segmented page" "$work/seg.html" "$work/rates.csv" "" -- \
	--pairs 3 --no-contra
contains "$work/seg.html" 'class="segment"' "segment boundaries drawn"
run "failing pairs, --plot" 2 --messages "$work/rates.csv" --segments off \
	--plot "$work/fail.html"
check_page "failing page" "$work/fail.html" "$work/rates.csv" off -- \
	--pairs 3 --contra --render "$(render_dir fail)"
contains "$work/fail.html" 'class="q-fail">fail<' "the failing pairs are named in the tables"

# Generated traces (read in-process; a worker process would find the
# decoder through this).
export LTTSYNC_DECODER
if "$GEN" -q -n 3 -t chain -d 10 "$work/g3" 2>"$work/err"; then
	run "3 generated hosts, --plot" 0 "$work/g3" --plot "$work/g3.html" \
		--matches-out "$work/g3.csv"
	check_page "3 generated hosts" "$work/g3.html" "$work/g3.csv" "" -- \
		--pairs 2 --no-contra --render "$(render_dir g3)"
	# A memory limit keeps fewer messages: the page says so.
	run "--plot under --memory-limit" 0 "$work/g3" --memory-limit 64K \
		--plot "$work/limit.html"
	contains "$work/limit.html" "The memory limit left" \
		"the page says what the memory limit left out"
	if python3 "$CHECK" "$work/limit.html" --pairs 2 >"$work/check" 2>&1; then
		ok "page under a memory limit: $(tail -n 1 "$work/check")"
	else
		ko "page under a memory limit"; sed 's/^/  /' "$work/check" | head
	fi
else
	ko "lttsync-gen, 3 hosts"
fi
if "$GEN" -q -n 2 -d 60 -r 2000 "$work/g2" 2>"$work/err"; then
	run "100000 messages, --plot" 0 "$work/g2" --plot "$work/g2.html" \
		--matches-out "$work/g2.csv"
	check_page "100000 messages, thinned" "$work/g2.html" "$work/g2.csv" "" -- \
		--pairs 1 --no-contra --thinned
	size=$(wc -c <"$work/g2.html")
	check "thinned page under 1 MB ($size bytes)" [ "$size" -lt 1000000 ]
	rm -rf "$work/g2"
else
	ko "lttsync-gen, 2 hosts"
fi
if "$GEN" -q -n 50 -t chain -d 2 "$work/g50" 2>"$work/err"; then
	run "50 generated hosts, --plot" 0 "$work/g50" --plot "$work/g50.html" \
		--matches-out "$work/g50.csv"
	check_page "50 generated hosts" "$work/g50.html" "$work/g50.csv" "" -- \
		--pairs 49 --no-contra
	n=$(grep -c '<details class="pair"' "$work/g50.html")
	check "50 hosts: 49 collapsible pair figures ($n)" [ "$n" -eq 49 ]
	rm -rf "$work/g50"
else
	ko "lttsync-gen, 50 hosts"
fi

# The real scp traces (two hosts), when present.
if [ -d "$SHARED/scp" ]; then
	run "scp traces, --plot" 0 "$SHARED/scp" --plot "$work/scp.html" \
		--matches-out "$work/scp.csv"
	check_page "scp page" "$work/scp.html" "$work/scp.csv" "" -- \
		--pairs 1 --no-contra --render "$(render_dir scp)"
else
	skip "real traces not found in $SHARED: scp page not checked"
fi

# Host names that are markup are escaped (the checker refuses any
# <script>); a pair with one direction only has its figure too, drawn
# against a baseline; a host without a path has no correction figure.
t=1700000000000000000
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	t=$((t + 1000000))
	echo "\"<script>x&y'\",$t,\"b\"\"z\",$((t + 500000 + i))"
	echo "\"b\"\"z\",$((t + 200000)),\"<script>x&y'\",$((t + 300000 + i))"
	echo "c,$t,d,$((t + 77777))"
done >"$work/odd.csv"
run "markup host names, --plot" 2 --messages "$work/odd.csv" --plot "$work/odd.html"
if python3 "$CHECK" "$work/odd.html" --pairs 2 --render "$(render_dir odd)" >"$work/check" 2>&1; then
	ok "markup host names escaped: $(tail -n 1 "$work/check")"
else
	ko "markup host names escaped"; sed 's/^/  /' "$work/check" | head
fi
contains "$work/odd.html" "<summary>c – d: incomplete</summary>" "the incomplete pair is listed"
contains "$work/odd.html" 'class="baseline"' "the incomplete pair is drawn against a baseline"
contains "$work/odd.html" "No transform: no usable path" "a disconnected host is said so"

# Errors: a page that cannot be written, one file for two outputs.
run "--plot into a missing folder" 1 --messages "$top_srcdir/examples/three-hosts.csv" \
	--plot "$work/no/such/dir/p.html"
contains "$work/err" "p.html" "the error names the page"
run "--plot and --output the same file" 1 --messages "$top_srcdir/examples/three-hosts.csv" \
	--plot "$work/same" --output "$work/same"
run "--plot without an argument" 1 --messages "$top_srcdir/examples/three-hosts.csv" --plot
finish
