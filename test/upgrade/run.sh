#!/usr/bin/env bash
# Walk the upgrade chain with data in the tables.  For every released
# version older than the newest: install it, run a month of the cycle on it
# (test/upgrade/october.sql: reconciled batches, settlements and burden
# states, warnings and their push, a sign-off, a city's list, enrolments),
# ALTER EXTENSION UPDATE step by step to the newest, run the next months on
# the result (test/upgrade/november.sql), and compare with a fresh install
# of the newest fed the same files: the catalog (test/support/
# catalog_snapshot.sql) and every row of every table and view of the
# extension (test/upgrade/results.sql) must be the same.  Runs inside a
# server (PGHOST etc. set): make test-upgrade.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

newest=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" medaid.control)
sharedir=$(pg_config --sharedir)/extension
# every version that has a full install script installed
mapfile -t versions < <(ls "$sharedir" | sed -n 's/^medaid--\([0-9][0-9.]*\)\.sql$/\1/p' | sort -V)
out=build/upgrade
mkdir -p "$out"
same() {	# same FILE-EXPECTED FILE-GOT: no difference, else its start shown
	if ! diff -u "$1" "$2" > "$2.diff"; then
		echo "# $2 differs from $1 (see $2.diff):"
		head -40 "$2.diff" | sed 's/^/#   /'
		return 1
	fi
}
sql() {	# sql DB ARGS...
	local db=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
newdb() {
	sql postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
}

newdb medaid_fresh
sql medaid_fresh -c 'CREATE EXTENSION medaid'
sql medaid_fresh -f test/upgrade/october.sql
sql medaid_fresh -f test/upgrade/november.sql
sql medaid_fresh -f test/support/catalog_snapshot.sql > "$out/fresh.txt"
sql medaid_fresh -f test/upgrade/results.sql > "$out/fresh-results.txt"
# the newest version installs from the extension's default
test "$(sql medaid_fresh -Atc "SELECT extversion FROM pg_extension WHERE extname = 'medaid'")" = "$newest"
echo "# fresh $newest: $(wc -l < "$out/fresh.txt") catalog lines, $(wc -l < "$out/fresh-results.txt") rows"

for v in "${versions[@]}"; do
	[ "$v" = "$newest" ] && continue
	db="medaid_from_${v//./_}"
	newdb "$db"
	sql "$db" -c "CREATE EXTENSION medaid VERSION '$v'"
	sql "$db" -f test/upgrade/october.sql
	# step through every version above v, one at a time
	path=$v
	for next in "${versions[@]}"; do
		if [ "$(printf '%s\n%s\n' "$v" "$next" | sort -V | head -1)" = "$v" ] && [ "$next" != "$v" ]; then
			sql "$db" -c "ALTER EXTENSION medaid UPDATE TO '$next'"
			path="$path -> $next"
		fi
	done
	# statistics of the columns the newest keeps none of (region columns,
	# so that estimates tell nothing of other counties): gone, not just
	# no longer gathered (october.sql ends with ANALYZE)
	is "upgrade $path: no statistics left of the columns whose target is 0" \
		"$(sql "$db" -Atc "SELECT count(*) FROM pg_statistic s JOIN pg_attribute a ON a.attrelid = s.starelid
			AND a.attnum = s.staattnum JOIN pg_class c ON c.oid = a.attrelid
			WHERE c.relnamespace = 'medaid'::regnamespace AND a.attstattarget = 0")" 0
	sql "$db" -f test/upgrade/november.sql
	sql "$db" -f test/support/catalog_snapshot.sql > "$out/from-$v.txt"
	sql "$db" -f test/upgrade/results.sql > "$out/from-$v-results.txt"
	check "upgrade $path: the catalog equals a fresh install's" same "$out/fresh.txt" "$out/from-$v.txt"
	check "upgrade $path: every row of every table and view equals a fresh install's" \
		same "$out/fresh-results.txt" "$out/from-$v-results.txt"
	sql postgres -c "DROP DATABASE $db"
done
if [ $((tap_passed + tap_failed)) -eq 0 ]; then
	not_ok "no released version older than $newest to upgrade from"
fi
sql postgres -c 'DROP DATABASE medaid_fresh'
tap_summary
