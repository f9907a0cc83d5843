# Helpers shared by scripts/test and scripts/test-server: each suite adds
# its counts of passed and failed tests to $MEDAID_RESULTS.

# record pass|fail COUNT NAME
record() {
	echo "$1 $2 $3" >> "$MEDAID_RESULTS"
}

# suite NAME COMMAND...: run a command whose output may say how many tests
# it ran ("N passed, N failed", pg_regress's "... ok", prove's "Tests=N");
# otherwise it counts as one test.
suite() {
	local name=$1 log rc=0 passed failed
	shift
	log=$(mktemp)
	echo "=== $name"
	"$@" > "$log" 2>&1 || rc=$?
	cat "$log"
	passed=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\1/p' "$log" | tail -1)
	failed=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*/\2/p' "$log" | tail -1)
	if [ -z "$passed" ] && grep -q '^Files=[0-9]*, Tests=' "$log"; then
		local total
		total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log")
		failed=$(sed -n 's/.*Failed: \([0-9][0-9]*\)).*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
		passed=$((total - failed))
	fi
	if [ -z "$passed" ] && grep -qE '\.\.\. (ok|FAILED|failed)' "$log"; then
		passed=$(grep -cE '\.\.\. ok' "$log" || true)
		failed=$(grep -cE '\.\.\. (FAILED|failed)' "$log" || true)
	fi
	if [ -z "$passed" ] && grep -qE '^(not )?ok [0-9]+ ' "$log"; then
		passed=$(grep -cE '^ok [0-9]+ ' "$log" || true)
		failed=$(grep -cE '^not ok [0-9]+ ' "$log" || true)
	fi
	if [ -z "$passed" ]; then
		if [ $rc -eq 0 ]; then passed=1; failed=0; else passed=0; failed=1; fi
	fi
	if [ $rc -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
		failed=1
	fi
	record pass "$passed" "$name"
	[ "${failed:-0}" -gt 0 ] && record fail "$failed" "$name"
	echo "--- $name: $passed passed, ${failed:-0} failed"
	rm -f "$log"
	return 0
}

summary() {
	local p f
	p=$(awk '$1 == "pass" {s += $2} END {print s + 0}' "$MEDAID_RESULTS")
	f=$(awk '$1 == "fail" {s += $2} END {print s + 0}' "$MEDAID_RESULTS")
	if [ "$f" -gt 0 ]; then
		echo "failed suites:"
		awk '$1 == "fail" {$1 = ""; $2 = ""; print "  " $0}' "$MEDAID_RESULTS" | sort -u
	fi
	echo "tests: $p passed, $f failed"
	[ "$f" -eq 0 ]
}
