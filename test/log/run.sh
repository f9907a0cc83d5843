#!/usr/bin/env bash
# No full ID number reaches the server log: provoke PostgreSQL into
# writing fixture IDs to the log (unique-violation and failing-row
# DETAILs, COPY CONTEXT lines, STATEMENT lines, QUERY lines, log_statement,
# bind parameters, deadlock reports, auto_explain, RAISE) and grep the
# bytes the log gained, in three modes:
#
#   C  hook off (medaid.redact_log = off), PostgreSQL's default log
#      settings: the fixtures MUST show up, path by path; this proves the
#      battery provokes every leak and that the grep sees it.
#   B  hook off, the recommended settings (log_min_error_statement =
#      panic, log_error_verbosity = terse, log_statement = ddl, durations
#      -1, log_parameter_max_length(_on_error) = 0): no hit.
#   P  hook off, the same settings, only the cases where PostgreSQL's own
#      primary message quotes the value (a CSV line with shifted columns:
#      value "..." is out of range for type integer; '...'::int;
#      '...'::date): the IDs DO reach the log; no setting but
#      log_min_messages hides a primary message.
#   L  hook off, the recommended settings and log_min_messages = log (no
#      ERROR or WARNING in the log at all): no hit, every case run.
#   A  hook on (session_preload_libraries = 'medaid' on the database),
#      everything verbose (log_statement = all, verbose, debug1 messages,
#      debug5 statements, every duration, every parameter, lock waits,
#      auto_explain): no hit, and each path shows the masked number.
#
# Cases where a message itself holds an ID (the application's RAISE, or
# PostgreSQL's own primary message quoting a value) run in A, C and L, and
# PostgreSQL's in P: only the hook masks a message, or keeping errors out
# of the log altogether (log_min_messages = log).
#
# Runs against the server the PG* variables name, as a superuser (under
# test/server.sh: pg_virtualenv -t; alone: make test-log).  It changes log settings with
# ALTER SYSTEM for its run and puts back what postgresql.auto.conf held;
# it creates and drops the database $MEDAID_LOG_DB (medaid_log_test).
# The log is found with pg_current_logfile() when logging_collector is on,
# else pg_lsclusters' log file for the server's port.  Ends with
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

db=${MEDAID_LOG_DB:-medaid_log_test}
work=$(mktemp -d)

# Fixtures: valid numbers, in the forms PostgreSQL will quote.
ID_A=420502198503171237			# cnid primary key, auto_explain, deadlock
ID_A15=420502850317123			# ID_A's 15-digit legacy form
ID_AS='420502 19850317 1237'	# ID_A with spaces
ID_XL=65010219880214271x		# lower-case x, NOT NULL failure
ID_XW=６５０１０２１９８８０２１４２７１Ｘ	# full width, text unique key
ID_B=510107197608290416			# COPY lines, QUERY, deadlock
ID_C=630102199112073586			# failing statements, bind parameters
ID_D=230102197001012330			# RAISE DETAIL / HINT / WARNING
ID_E=450102198211114568			# log_statement, RAISE EXCEPTION message
ID_BAD=420502198503171230		# wrong check character: medaid's own error
ID_A2='420502  19850317  1237'	# ID_A with two separators in a row
ID_F=320102199205051236			# PostgreSQL's primary message: CSV column shifted, ::int
ID_G=440304197506078880			# PostgreSQL's primary message: ::date
# masked as the hook writes them
M_A='420502********1237'
M_A15='420502*****7123'
M_XL='650102********271x'
M_XW='６５０１０２********２７１Ｘ'
M_B='510107********0416'
M_C='630102********3586'
M_D='230102********2330'
M_E='450102********4568'
M_F='320102********1236'
M_G='440304********8880'

printf '%s\n' "$ID_A" "$ID_A15" "$ID_XL" "$ID_XW" "$ID_B" "$ID_C" "$ID_D" "$ID_E" "$ID_BAD" \
	65010219880214271X "$ID_AS" "$ID_A2" "$ID_F" "$ID_G" > "$work/fixtures"
# the same, folded to ASCII without separators, for the normalised log
printf '%s\n' "$ID_A" "$ID_A15" 65010219880214271X "$ID_B" "$ID_C" "$ID_D" "$ID_E" "$ID_BAD" "$ID_F" "$ID_G" \
	> "$work/fixtures.ascii"

# Every setting a mode touches; what postgresql.auto.conf held is put back.
GUCS="medaid.redact_log log_statement log_error_verbosity log_min_messages log_min_error_statement
log_min_duration_statement log_min_duration_sample log_parameter_max_length
log_parameter_max_length_on_error log_lock_waits"

admin() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"
}

# ---- where the log is
logfile=
find_log() {
	local port f dir
	port=$(admin -c 'SHOW port')
	if [ "$(admin -c 'SHOW logging_collector')" = on ]; then
		f=$(admin -c "SELECT coalesce(pg_current_logfile('stderr'), pg_current_logfile())")
		if [ -n "$f" ] && [ "${f#/}" = "$f" ]; then
			dir=$(admin -c 'SHOW data_directory')
			f=$dir/$f
		fi
	else
		f=$(pg_lsclusters -h 2>/dev/null | awk -v p="$port" '$3 == p { print $7; exit }')
	fi
	if [ -z "$f" ] || [ ! -r "$f" ]; then
		echo "cannot find or read the server log (port $port, got '${f:-}')" >&2
		return 1
	fi
	logfile=$f
}

logsize() {
	stat -c %s "$logfile"
}

# ---- settings
declare -A saved=()
save_settings() {
	local name value
	while IFS='|' read -r name value; do
		[ -n "$name" ] && saved[$name]=$value
	done < <(admin -c "SELECT name, setting FROM pg_file_settings
		WHERE sourcefile LIKE '%postgresql.auto.conf' AND name = ANY (string_to_array('$(echo $GUCS)', ' '))")
}

# ALTER SYSTEM for every name in $GUCS: SET to the value in the named
# associative array, or RESET when it has none; then reload.  One -c per
# statement: ALTER SYSTEM refuses to run in a multi-statement string.
# Not ON_ERROR_STOP, so one failure does not keep the rest from being put
# back; wait_settings checks that a mode took effect.
alter_system() {
	local -n values=$1
	local args=(-c "LOAD 'medaid'") name
	for name in $GUCS; do
		if [ -n "${values[$name]+x}" ]; then
			args+=(-c "ALTER SYSTEM SET $name = '${values[$name]//\'/\'\'}'")
		else
			args+=(-c "ALTER SYSTEM RESET $name")
		fi
	done
	psql -X -q -At -d postgres "${args[@]}" -c 'SELECT pg_reload_conf()' > /dev/null || true
}

# apply_settings NAME=VALUE...: names not given are reset
apply_settings() {
	local kv
	declare -A want=()
	for kv in "$@"; do
		want[${kv%%=*}]=${kv#*=}
	done
	alter_system want
}

restore_settings() {
	alter_system saved
}

# wait until a new session sees log_statement and medaid.redact_log as given
wait_settings() {
	local want="$1|$2" got= i
	for i in $(seq 50); do
		got=$(psql -X -At -d "$db" -c "SELECT current_setting('log_statement') || '|' ||
			current_setting('medaid.redact_log', true) || '|' ||
			coalesce((SELECT vartype FROM pg_settings WHERE name = 'medaid.redact_log'), 'not loaded')" 2>&1) || true
		[ "$got" = "$want|bool" ] && return 0
		sleep 0.2
	done
	echo "settings not applied: want $want|bool, got $got" >&2
	return 1
}

cleanup() {
	set +e
	jobs -p | xargs -r kill 2> /dev/null
	restore_settings
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" > /dev/null
	rm -rf "$work"
}

# ---- the database
setup() {
	admin -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" > /dev/null || return 1
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" > /dev/null <<SQL || return 1
CREATE EXTENSION medaid;
CREATE TABLE people (id_number medaid.cnid PRIMARY KEY, name text NOT NULL);
CREATE TABLE people_text (id_number text UNIQUE, region text NOT NULL);
CREATE TABLE loads (n int, id_number text, amount numeric CHECK (amount >= 0));
CREATE TABLE counts (n int, d date, id_number text);
CREATE FUNCTION say_person(id text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	RAISE NOTICE 'notice for person %', id;
	RAISE WARNING 'warning for person %', id;
END \$\$;
CREATE FUNCTION refuse_person(id text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	RAISE EXCEPTION 'no person %', id;
END \$\$;
CREATE FUNCTION refuse_detail(id text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	RAISE EXCEPTION 'no such person' USING DETAIL = 'person ' || id, HINT = 'check person ' || id;
END \$\$;
CREATE FUNCTION dynamic_fail(id text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	EXECUTE format('SELECT 1 / 0 WHERE %L IS NOT NULL', id);
END \$\$;
CREATE FUNCTION dynamic_bad(id text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	EXECUTE format('SELECT no_such_column WHERE %L IS NOT NULL', id);
END \$\$;
INSERT INTO people VALUES ('$ID_A', 'a'), ('$ID_B', 'b');
INSERT INTO people_text VALUES ('$ID_XW', 'r');
ALTER DATABASE $db SET session_preload_libraries = 'medaid';
ALTER DATABASE $db SET search_path = public, medaid;
SQL
	printf '%s\n' 'SELECT count(*) FROM people WHERE id_number = :id::medaid.cnid;' \
		'SELECT 1 / 0 WHERE :id::text IS NOT NULL;' > "$work/bind.sql"
}

# ---- the battery: run in a mode, client output to $work/client-$mode
battery() {
	local mode=$1 out=$work/client-$1
	local pgbench
	pgbench="$("${PG_CONFIG:-pg_config}" --bindir)/pgbench"

	: > "$out"
	if [ "$mode" = P ]; then
		battery_primary >> "$out" 2>&1
		return
	fi
	psql -X -d "$db" >> "$out" 2>&1 <<SQL || true
-- unique violations: cnid key, full-width text key
INSERT INTO people VALUES ('$ID_A', 'again');
INSERT INTO people_text VALUES ('$ID_XW', 'again');
-- NOT NULL: Failing row contains
INSERT INTO people_text VALUES ('$ID_XL', NULL);
-- COPY: a CHECK failure and an extra column, both quote the line
COPY loads FROM stdin;
1	$ID_B	-5
\.
COPY loads FROM stdin;
2	$ID_B	5	surplus
\.
-- COPY and a statement with two separators in a row (the parser accepts them)
COPY loads FROM stdin;
3	$ID_A2	-5
\.
SELECT 1 / 0 WHERE '$ID_A2' IS NOT NULL;
-- failing statements with literal IDs: 18, 15 digits, spaced
SELECT 1 / 0 WHERE '$ID_C' IS NOT NULL;
SELECT 1 / 0 WHERE '$ID_A15' IS NOT NULL;
SELECT 1 / 0 WHERE '$ID_AS' IS NOT NULL;
-- the ID in RAISE's DETAIL and HINT
SELECT refuse_detail('$ID_D');
-- the ID only in a dynamic query: CONTEXT "SQL statement", and QUERY
SELECT dynamic_fail(n) FROM (SELECT id_number::text AS n FROM people WHERE name <> 'a' ORDER BY 1 LIMIT 1) s;
SELECT dynamic_bad(n) FROM (SELECT id_number::text AS n FROM people WHERE name <> 'a' ORDER BY 1 LIMIT 1) s;
-- medaid's own errors: masked already, no statement, no context in the log
SELECT '$ID_BAD'::medaid.cnid;
COPY people (id_number, name) FROM stdin;
$ID_BAD	x
\.
-- log_statement / durations
SELECT count(*) FROM people WHERE id_number = '$ID_E';
SQL

	# extended protocol: bind parameters in log_statement's DETAIL and the
	# error CONTEXT (log_parameter_max_length_on_error is USERSET)
	PGOPTIONS='-c log_parameter_max_length_on_error=-1' \
		"$pgbench" -n -M extended -t 1 -f "$work/bind.sql" -D "id=$ID_C" "$db" >> "$out" 2>&1 || true

	# a deadlock: its DETAIL quotes both statements
	psql -X -d "$db" > "$work/s1" 2>&1 <<SQL &
BEGIN;
UPDATE people SET name = 'a' WHERE id_number = '$ID_A';
SELECT pg_sleep(1);
UPDATE people SET name = 'b' WHERE id_number = '$ID_B';
COMMIT;
SQL
	psql -X -d "$db" > "$work/s2" 2>&1 <<SQL &
BEGIN;
UPDATE people SET name = 'b' WHERE id_number = '$ID_B';
SELECT pg_sleep(1);
UPDATE people SET name = 'a' WHERE id_number = '$ID_A';
COMMIT;
SQL
	wait
	cat "$work/s1" "$work/s2" >> "$out"

	if [ "$mode" != B ]; then
		# the application's own message quotes the ID: only the hook helps
		psql -X -d "$db" >> "$out" 2>&1 <<SQL || true
SELECT say_person('$ID_D');
SELECT refuse_person(n) FROM (SELECT '$ID_E'::text AS n) s;
SQL
		battery_primary >> "$out" 2>&1
	fi
	if [ "$mode" = A ]; then
		psql -X -d "$db" >> "$out" 2>&1 <<SQL || true
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_verbose = on;
SELECT name FROM people WHERE id_number = '$ID_A';
SQL
	fi
}

# PostgreSQL's own primary message quotes the value: a CSV line whose
# columns are shifted (the ID lands in an integer column), casts
battery_primary() {
	psql -X -d "$db" <<SQL || true
COPY counts FROM stdin WITH (FORMAT csv);
$ID_F,2026-01-01,x
\.
SELECT '$ID_F'::int;
SELECT '$ID_G'::date;
SQL
}

# ---- the new log bytes of a mode, up to its end marker
capture() {
	local mode=$1 start=$2 i
	psql -X -q -d "$db" -c "DO \$\$ BEGIN RAISE LOG 'medaid test-log: end of mode %', '$mode'; END \$\$" > /dev/null
	for i in $(seq 100); do
		if tail -c +"$((start + 1))" "$logfile" | grep -aq "medaid test-log: end of mode $mode"; then
			tail -c +"$((start + 1))" "$logfile" > "$work/log-$mode"
			return 0
		fi
		sleep 0.1
	done
	tail -c +"$((start + 1))" "$logfile" > "$work/log-$mode"
	return 1
}

# the log with separators dropped and full-width digits and X folded
normalise() {
	perl -pe 's/\xEF\xBC([\x90-\x99])/chr(ord($1) - 0x90 + 0x30)/ge;
		s/\xEF\xBC\xB8/X/g; s/\xEF\xBD\x98/x/g;
		s/ |-|\xC2\xA0|\xE3\x80\x80|\xEF\xBC\x8D//g' "$1"
}

# count and show the lines of a mode's log holding an ID
hits() {
	local mode=$1 f=$work/log-$1 fixed regex norm
	fixed=$(grep -a -c -F -f "$work/fixtures" "$f" || true)
	regex=$(grep -a -c -E '[0-9]{17}[0-9Xx]' "$f" || true)
	norm=$(normalise "$f" | grep -a -c -i -F -f "$work/fixtures.ascii" || true)
	echo "# mode $mode: $(wc -c < "$f") new log bytes; lines with a fixture: $fixed," \
		"matching [0-9]{17}[0-9Xx]: $regex, with a fixture once separators are dropped: $norm"
	if [ "$fixed" -gt 0 ] || [ "$regex" -gt 0 ]; then
		grep -a -n -F -f "$work/fixtures" "$f" | head -${HITS_SHOWN:-40} | sed 's/^/#   /'
	fi
	hits_fixed=$fixed hits_regex=$regex hits_norm=$norm
}

in_log() {						# in_log MODE -F|-E PATTERN
	grep -a -q "$2" -e "$3" "$work/log-$1"
}

not_in_log() {
	! in_log "$@"
}

in_client() {
	grep -a -q -F -e "$2" "$work/client-$1"
}

# run_mode MODE SETTING=VALUE...
run_mode() {
	local mode=$1 start
	shift
	apply_settings "$@"
	check "mode $mode: settings applied, medaid loaded in new sessions" \
		wait_settings "$(printf '%s\n' "$@" | sed -n 's/^log_statement=//p')" \
		"$(printf '%s\n' "$@" | sed -n 's/^medaid.redact_log=//p')"
	start=$(logsize)
	battery "$mode"
	check "mode $mode: battery ran (end marker in the log)" capture "$mode" "$start"
	if [ "$(logsize)" -lt "$start" ]; then
		not_ok "mode $mode: the log shrank (rotated?) during the run"
	fi
	hits "$mode"
}

trap cleanup EXIT
if ! find_log; then
	not_ok "find the server log"
	tap_summary
	exit 1
fi
echo "# server log: $logfile"
save_settings
if ! setup; then
	not_ok "create database $db with the medaid extension"
	tap_summary
	exit 1
fi

# PostgreSQL's defaults, spelled out in case postgresql.conf differs
defaults=(log_statement=none log_error_verbosity=default log_min_messages=warning
	log_min_error_statement=error log_min_duration_statement=-1 log_min_duration_sample=-1
	log_parameter_max_length=-1 log_parameter_max_length_on_error=0 log_lock_waits=off)

# C: the hook off, defaults: every path leaks
run_mode C medaid.redact_log=off "${defaults[@]}"
check "mode C: hits required (the test sees leaks)" test "$hits_fixed" -gt 0 -a "$hits_regex" -gt 0
check "mode C: unique violation DETAIL (cnid key)" in_log C -F "Key (id_number)=($ID_A)"
check "mode C: unique violation DETAIL (full-width text key)" in_log C -F "Key (id_number)=($ID_XW)"
check "mode C: Failing row contains" in_log C -F "Failing row contains ($ID_XL, null)"
check "mode C: COPY CONTEXT line (CHECK failure)" in_log C -E "COPY loads, line 1: \"1.$ID_B.-5\""
check "mode C: COPY CONTEXT line (extra column)" in_log C -E "COPY loads, line 1: \"2.$ID_B.5.surplus\""
check "mode C: STATEMENT line, 18 digits" in_log C -F "STATEMENT:  SELECT 1 / 0 WHERE '$ID_C'"
check "mode C: STATEMENT line, 15 digits" in_log C -F "STATEMENT:  SELECT 1 / 0 WHERE '$ID_A15'"
check "mode C: STATEMENT line, spaced" in_log C -F "STATEMENT:  SELECT 1 / 0 WHERE '$ID_AS'"
check "mode C: RAISE DETAIL and HINT" in_log C -F "HINT:  check person $ID_D"
check "mode C: CONTEXT SQL statement" in_log C -F "CONTEXT:  SQL statement \"SELECT 1 / 0 WHERE '$ID_B'"
check "mode C: QUERY line" in_log C -F "QUERY:  SELECT no_such_column WHERE '$ID_B'"
check "mode C: bind parameters in CONTEXT" in_log C -F "\$1 = '$ID_C'"
check "mode C: deadlock DETAIL" in_log C -E "Process [0-9]+: UPDATE people .*($ID_A|$ID_B)"
check "mode C: RAISE WARNING message" in_log C -F "warning for person $ID_D"
check "mode C: RAISE EXCEPTION message" in_log C -F "no person $ID_E"
check "mode C: COPY CONTEXT line, two separators in a row" in_log C -E "COPY loads, line 1: \"3.$ID_A2.-5\""
check "mode C: STATEMENT line, two separators in a row" in_log C -F "STATEMENT:  SELECT 1 / 0 WHERE '$ID_A2'"
check "mode C: CSV column shifted: the primary message" in_log C -F "value \"$ID_F\" is out of range for type integer"
check "mode C: ::date: the primary message" in_log C -F "\"$ID_G\""

# B: the hook off, the recommended settings: nothing leaks
# (README's recommended settings, but log_min_messages)
recommended=(log_statement=ddl log_error_verbosity=terse log_min_error_statement=panic
	log_min_duration_statement=-1 log_min_duration_sample=-1 log_parameter_max_length=0
	log_parameter_max_length_on_error=0 log_lock_waits=on)
run_mode B medaid.redact_log=off log_min_messages=warning "${recommended[@]}"
check "mode B: no fixture in the log" test "$hits_fixed" -eq 0
check "mode B: nothing matches [0-9]{17}[0-9Xx]" test "$hits_regex" -eq 0
check "mode B: no fixture once separators are dropped" test "$hits_norm" -eq 0
check "mode B: the errors were logged (terse)" in_log B -F 'duplicate key value violates unique constraint "people_pkey"'

# P: the recommended settings do not hide PostgreSQL's own primary messages
run_mode P medaid.redact_log=off log_min_messages=warning "${recommended[@]}"
check "mode P: without the hook, a CSV column shifted puts the ID into the primary message" \
	in_log P -F "value \"$ID_F\" is out of range for type integer"
check "mode P: so does '...'::int" in_log P -E "ERROR: +value \"$ID_F\" is out of range for type integer"
check "mode P: and '...'::date" in_log P -E "ERROR: +.*\"$ID_G\""

# L: the recommended settings and log_min_messages = log: nothing leaks,
# and no error is logged at all
run_mode L medaid.redact_log=off log_min_messages=log "${recommended[@]}"
check "mode L: no fixture in the log" test "$hits_fixed" -eq 0
check "mode L: nothing matches [0-9]{17}[0-9Xx]" test "$hits_regex" -eq 0
check "mode L: no fixture once separators are dropped" test "$hits_norm" -eq 0
check "mode L: no error was logged" not_in_log L -F 'duplicate key value violates unique constraint'

# A: the hook on, everything verbose: nothing leaks, every path masked
run_mode A medaid.redact_log=on log_statement=all log_error_verbosity=verbose log_min_messages=debug1 \
	log_min_error_statement=debug5 log_min_duration_statement=0 log_min_duration_sample=0 \
	log_parameter_max_length=-1 log_parameter_max_length_on_error=-1 log_lock_waits=on
check "mode A: no fixture in the log" test "$hits_fixed" -eq 0
check "mode A: nothing matches [0-9]{17}[0-9Xx]" test "$hits_regex" -eq 0
check "mode A: no fixture once separators are dropped" test "$hits_norm" -eq 0
check "mode A: unique violation DETAIL masked (cnid key)" in_log A -F "Key (id_number)=($M_A)"
check "mode A: unique violation DETAIL masked (full-width key)" in_log A -F "Key (id_number)=($M_XW)"
check "mode A: Failing row contains, masked" in_log A -F "Failing row contains ($M_XL, null)"
# the numbers of the columns next to the ID, parted by separators only
# (tab, and the amount's minus), are masked with it: a run is masked whole
check "mode A: COPY CONTEXT masked (CHECK failure)" in_log A -F "COPY loads, line 1: \"151010**********4165\""
check "mode A: COPY CONTEXT masked (extra column)" in_log A -F "COPY loads, line 1: \"251010**********4165	surplus\""
check "mode A: no STATEMENT line for statements with an ID" not_in_log A -F "STATEMENT:  SELECT 1 / 0 WHERE '"
check "mode A: log_statement masked, 18 digits" in_log A -F "statement: SELECT 1 / 0 WHERE '$M_C'"
check "mode A: log_statement masked, 15 digits" in_log A -F "statement: SELECT 1 / 0 WHERE '$M_A15'"
check "mode A: log_statement masked, spaced" in_log A -F "statement: SELECT 1 / 0 WHERE '$M_A'"
check "mode A: log_statement masked, a query that succeeds" in_log A -F "statement: SELECT count(*) FROM people WHERE id_number = '$M_E'"
check "mode A: RAISE DETAIL and HINT masked" in_log A -F "HINT:  check person $M_D"
check "mode A: CONTEXT SQL statement masked" in_log A -F "CONTEXT:  SQL statement \"SELECT 1 / 0 WHERE '$M_B'"
check "mode A: QUERY line masked" in_log A -F "QUERY:  SELECT no_such_column WHERE '$M_B'"
check "mode A: bind parameters masked" in_log A -F "\$1 = '$M_C'"
check "mode A: deadlock DETAIL masked" in_log A -E "Process [0-9]+: UPDATE people .*(${M_A//\*/\\*}|${M_B//\*/\\*})"
check "mode A: RAISE NOTICE masked" in_log A -F "notice for person $M_D"
check "mode A: RAISE EXCEPTION masked" in_log A -F "no person $M_E"
check "mode A: auto_explain masked" in_log A -F "id_number = '$M_A'::cnid"
check "mode A: COPY CONTEXT masked, two separators in a row" in_log A -F "COPY loads, line 1: \"342050**********2375\""
check "mode A: log_statement masked, two separators in a row" in_log A -F "statement: SELECT 1 / 0 WHERE '$M_A'"
check "mode A: CSV column shifted: the primary message masked" in_log A -F "value \"$M_F\" is out of range for type integer"
check "mode A: ::date: the primary message masked" in_log A -F "\"$M_G\""
# what the client gets: DETAIL as PostgreSQL wrote it, the message masked
check "mode A: the client still gets the full DETAIL" in_client A "Key (id_number)=($ID_A) already exists."
check "mode A: the client gets the message masked" in_client A "no person $M_E"
check "mode A: the client gets a context the log leaves out as sent" \
	in_client A "COPY people, line 1, column id_number: \"$ID_BAD\""

if [ "$tap_failed" -gt 0 ]; then
	for f in "$work"/client-*; do
		echo "# client output, mode ${f##*-}:"
		sed 's/^/#   /' "$f"
	done
fi
tap_summary
