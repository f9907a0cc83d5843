# The helpers every shell test shares; source it (". test/lib.sh").
#
# For a suite (test/*/run.sh), one check per line and one summary:
#
#   ok DESCRIPTION             "ok N - DESCRIPTION"
#   not_ok DESCRIPTION         "not ok N - DESCRIPTION", listed again at the end
#   check DESCRIPTION CMD...   ok when the command succeeds, else not_ok
#   is DESCRIPTION GOT WANT    ok when GOT = WANT, else not_ok showing both
#   tap_add PASSED FAILED      counts checks run elsewhere (a psql TAP file)
#   tap_summary                the failed checks, then "N passed, N failed";
#                              returns 1 on a failure: end a suite with it
#
# For the runner (scripts/test, test/server.sh), which adds each suite's
# counts to $MEDAID_RESULTS: record, suite, summary.

tap_passed=0
tap_failed=0
tap_failed_names=()

ok() {
	tap_passed=$((tap_passed + 1))
	echo "ok $((tap_passed + tap_failed)) - $*"
}

not_ok() {
	tap_failed=$((tap_failed + 1))
	tap_failed_names+=("$*")
	echo "not ok $((tap_passed + tap_failed)) - $*"
}

check() {
	local description=$1
	shift
	if "$@"; then ok "$description"; else not_ok "$description"; fi
}

is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got: $2, want: $3)"; fi
}

tap_add() {
	tap_passed=$((tap_passed + $1))
	tap_failed=$((tap_failed + $2))
}

tap_summary() {
	if [ ${#tap_failed_names[@]} -gt 0 ]; then
		echo "failed:"
		printf '  %s\n' "${tap_failed_names[@]}"
	fi
	echo "$tap_passed passed, $tap_failed failed"
	[ "$tap_failed" -eq 0 ]
}

# record pass|fail COUNT NAME
record() {
	echo "$1 $2 $3" >> "$MEDAID_RESULTS"
}

# suite NAME COMMAND...: run a command, its output shown as it comes, and
# count the tests it says it ran ("N passed, N failed", pg_regress's
# "... ok", prove's "Tests=N", TAP lines); otherwise it counts as one
# test.  The closing line gives the counts and the time taken.
suite() {
	local name=$1 log rc passed failed t0=$SECONDS
	shift
	log=$(mktemp)
	echo "=== $name"
	{ "$@" 2>&1 < /dev/null || echo $? > "$log.rc"; } | tee "$log"
	rc=$(cat "$log.rc" 2> /dev/null || echo 0)
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
		if [ "$rc" -eq 0 ]; then passed=1; failed=0; else passed=0; failed=1; fi
	fi
	if [ "$rc" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then
		failed=1
	fi
	record pass "$passed" "$name"
	[ "${failed:-0}" -gt 0 ] && record fail "$failed" "$name"
	echo "--- $name: $passed passed, ${failed:-0} failed ($((SECONDS - t0)) s)"
	rm -f "$log" "$log.rc"
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
