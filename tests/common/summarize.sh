#!/bin/sh
# Print the closing summary of every test log under $1 (and its
# folders, one level down: tests/unit, tests/api...) and a total line
# "N passed, N failed" (Criterion synthesis lines and our shell tests'
# "N passed, N failed" lines are added up).
dir=${1:-tests}
passed=0
failed=0
for log in "$dir"/*.log "$dir"/*/*.log; do
	[ -f "$log" ] || continue
	line=$(grep -E '^\[====\] Synthesis:|^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	name=${log#"$dir"/}
	name=${name%.log}
	if [ -z "$line" ]; then
		res=$(sed -n 's/^:test-result: //p' "${log%.log}.trs" 2>/dev/null | head -n 1)
		echo "$name: $res"
		case "$res" in PASS) passed=$((passed + 1)) ;; SKIP) ;; *) failed=$((failed + 1)) ;; esac
		continue
	fi
	echo "$name: $line"
	case "$line" in
	*Synthesis*)
		p=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
		f=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
		c=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0} + ${c:-0}))
		;;
	*)
		p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
		f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		;;
	esac
done
echo "Total: $passed passed, $failed failed"
