#!/usr/bin/env bash
# Fault tests (docs/design/security-plan.md §8): a backend killed in the
# middle of a medaid function loses and half-applies nothing.
#
# Runs against the server of the libpq variables (PGHOST, PGPORT, ...) as a
# superuser, and only on a throwaway cluster: SIGKILL of a backend makes
# the postmaster restart every backend and run crash recovery.  It refuses
# a cluster that is not pg_virtualenv's (cluster_name */regress or a data
# directory under pg_virtualenv.*) unless FAULT_ANY_CLUSTER=1.
#
#   pg_virtualenv -t make test-fault                         # short mode (CI)
#   FAULT_ROUNDS=50 FAULT_ROWS=200000 pg_virtualenv -t bash test/fault/run.sh
#                                                            # long mode (make fault)
#
# The functions under test (each a "case"):
#
#   reconcile_delta      reconcile(b) of a delta batch (rural, October)
#   reconcile_snapshot   reconcile(b) of a snapshot batch (civil affairs, November)
#   load_settlements     load_settlements(l) of staged September rows, some bad;
#                        it makes September's partition
#   copy_settlement      \copy of October's settlements into settlement
#   run_monthly_warnings run_monthly_warnings('2026-09-01'), incremental
#   push_warnings        push_warnings('2026-09-01', 'civil_affairs')
#   copy_enrollment      \copy of enrolments for 2027 into enrollment
#   ensure_partitions    ensure_settlement_partitions('2026-09-01', '2026-10-01')
#                        with September's and October's rows waiting in the
#                        default partition
#
# Each case starts from its own prepared database (a copy of one base
# database: test/fault/base_demo.sql, from the demo data, in short mode;
# test/fault/base_gen.sql with FAULT_ROWS people in long mode).  A twin,
# another copy, runs the call once undisturbed.  Then, in further copies,
# the victim (psql, application_name=medaid_victim) runs it and is killed.
# (The twin, the reruns and the third calls run under the same name, which
# audit_log records.)
#
#   short mode  At a lock point: session C holds a lock the victim needs
#               part-way through; once pg_stat_activity shows the victim
#               waiting on a Lock, blocked by C, it is killed: once with
#               pg_terminate_backend (SIGTERM), once with kill -9, sent
#               through COPY TO PROGRAM so that it reaches the server's own
#               process on the server's host; the postmaster then restarts
#               every backend and runs crash recovery, and the test waits
#               until the server accepts connections again.  The lock
#               points, and what the victim has written by then:
#     reconcile_delta      LOCK burden_year IN EXCLUSIVE MODE: the first
#                          category_period write (its mark_changed trigger)
#     reconcile_snapshot   LOCK anomaly_return IN EXCLUSIVE MODE: periods
#                          ended and started, people, changes, outcomes and
#                          burden states written; the anomaly returns next
#     load_settlements     LOCK burden_year: the September partition made and
#                          attached, the rows and their settlement_key rows in
#     copy_settlement      LOCK burden_year: the rows and their keys in
#     run_monthly_warnings LOCK warning_run IN EXCLUSIVE MODE: the month's
#                          warnings deleted and inserted, the run record next
#     push_warnings        C inserts (uncommitted) the push of the month's
#                          last warning in the table's order: the victim has
#                          inserted the others and waits on C's transaction
#     copy_enrollment      C holds the advisory lock enrollment_grant takes
#                          for subsidised rows: the unsubsidised rows before
#                          the first subsidised one are in
#     ensure_partitions    LOCK settlement_default IN ACCESS SHARE MODE: the
#                          first partition created, its month's rows moved
#                          out of the default partition, its indexes made;
#                          ATTACH PARTITION waits
#               The lock points follow the SQL (the tables each function
#               writes in turn, enrollment_grant's lock key): if it changes,
#               the test says which lock the victim waited for instead, or
#               that it never waited.
#   long mode   FAULT_ROUNDS rounds over the cases in turn, SIGTERM and
#               SIGKILL alternating by turn, each killing at a random delay
#               instead of at a lock point: from 0.1 s to 95 % of the twin's
#               own time (FAULT_MAX_DELAY_MS caps it; FAULT_SEED repeats a
#               run).  A round whose call finished first, or committed just
#               before the kill, must equal the twin.
#
# Asserted after each kill:
#   - the victim did not finish (its psql failed); in short mode it waited
#     at the intended lock, blocked by C, having written (a transaction id,
#     and locks for writing on the tables named above);
#   - every table of schema medaid (each partition, the default one, and
#     any table added later, such as audit_log) has the same rows as before
#     the call (count and a hash of the rows: test/fault/snapshot.sql), the
#     same relations exist (no partition left behind, none missing), the
#     same triggers are enabled; no sequence went back; amcheck finds every
#     btree index of the schema consistent with its heap and every heap page
#     sound; after SIGTERM and a checkpoint no file of a relation the call
#     made (a partition, its indexes) is left in the database's directory
#     (after SIGKILL such files are reported, not failed: crash recovery
#     leaves them, with the rows written into them);
#   - it is still to do: the batch or load open (reconciled_at, loaded_at
#     NULL, no outcome, no partition), the month not run or pushed, the
#     enrolments or settlements not in;
#   - the call run again succeeds and returns the twin's output, and leaves
#     the twin's database: every table, relation, trigger and sequence.
#     Columns that record when, in which transaction or from where
#     (timestamp, timestamptz, xid, xid8, pg_lsn, inet, cidr) are compared
#     as NULL or not: they differ between two runs however correct.  Nothing
#     else is left out.  Before the rerun the sequences are set back to
#     their values before the call (setval): sequences are not
#     transactional, so the killed transaction's values are lost, and after
#     crash recovery a sequence may be up to 32 ahead; from the same values
#     the rerun must hand out the twin's ids (period_id, enrollment_id,
#     run_id, audit_id, burden_change_seq stamps) to the same rows;
#   - short mode: a third call changes nothing where the function is
#     idempotent (reconcile, load_settlements, run_monthly_warnings but its
#     run record, push_warnings, ensure_settlement_partitions), or is
#     refused and changes nothing (the same settlements again: 23505).
#     Tables that record each call (FAULT_CALL_LOGS, default warning_run and
#     audit_log) may gain rows but lose or change none.  A second COPY of
#     the same enrolments records second enrolments by design: not called.
#     (Long mode checks the database before it equals the twin's, so a
#     third call would do what it does here.)
#
# Prints "N passed, N failed" last; exits non-zero on a failure.  Drops its
# databases (fault_*) and working files unless FAULT_KEEP=1.  FAULT_CASES
# runs some cases only.

# The whole script is one block, read before it runs: an edit of this file
# during a long run does not change the run.
{
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${FAULT_ROUNDS:-0}
if [ "$rounds" -gt 0 ]; then
	mode=long
	rows=${FAULT_ROWS:-200000}
	seed=${FAULT_SEED:-$RANDOM}
	RANDOM=$seed
else
	mode=short
	rows=0
fi
call_logs=${FAULT_CALL_LOGS:-warning_run audit_log}
cases=${FAULT_CASES:-reconcile_delta reconcile_snapshot load_settlements copy_settlement run_monthly_warnings push_warnings copy_enrollment ensure_partitions}
# working files (the prepared data, snapshots, outputs): a directory of
# our own, kept with FAULT_KEEP=1
out=$(mktemp -d -t medaid-fault.XXXXXX)
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
export PGDATABASE=postgres
unset PGAPPNAME

# ok, not_ok, tap_summary
. test/lib.sh

# processes this script started in the background, ended on exit
bg_pids=()
cleanup() {
	local p
	for p in "${bg_pids[@]}"; do
		kill "$p" 2> /dev/null || true
	done
	if [ "${FAULT_KEEP:-}" = 1 ]; then
		echo "# working files kept in $out"
	else
		rm -rf "$out"
	fi
}
trap cleanup EXIT

q() { # db sql...: one value per line, unaligned
	local db=$1
	shift
	psql -X -At -v ON_ERROR_STOP=1 -d "$db" "$@"
}

# --- the server must be a throwaway one, and we a superuser -----------------
where=$(q postgres -c "SELECT current_setting('cluster_name') || ' ' || current_setting('data_directory')")
super=$(q postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
case "$where" in
	*/regress\ * | *pg_virtualenv*) ;;
	*)
		if [ "${FAULT_ANY_CLUSTER:-}" != 1 ]; then
			echo "test-fault: refusing to kill backends of cluster '$where': run it under pg_virtualenv -t (or FAULT_ANY_CLUSTER=1)" >&2
			exit 2
		fi
		;;
esac
[ "$super" = t ] || { echo "test-fault: needs a superuser" >&2; exit 2; }
echo "test-fault: $mode mode on $where$([ $mode = long ] && echo ", $rounds rounds, $rows rows, FAULT_SEED=$seed")"

dropdb_() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
}
copydb() { # new template
	dropdb_ "$1"
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $1 TEMPLATE $2"
}
snapshot() { # db raw|norm > file: test/fault/snapshot.sql; in long mode the tables in two sessions
	local f=$out/snap.$$
	q "$1" -v mode="$2" -v part=tables -f test/fault/snapshot.sql > "$f.sql"
	if [ $mode = short ]; then
		q "$1" -f "$f.sql" | LC_ALL=C sort
		q "$1" -v part=catalog -f test/fault/snapshot.sql
		return
	fi
	awk 'NR % 2 == 1' "$f.sql" > "$f.1.sql"
	awk 'NR % 2 == 0' "$f.sql" > "$f.2.sql"
	q "$1" -f "$f.1.sql" > "$f.1" &
	local p1=$!
	q "$1" -f "$f.2.sql" > "$f.2" || return 1
	wait $p1 || return 1
	LC_ALL=C sort "$f.1" "$f.2"
	q "$1" -v part=catalog -f test/fault/snapshot.sql
}
# amcheck DB: the indexes and heaps of schema medaid are sound (amcheck:
# every btree index checked against its heap, every heap page checked)
amcheck() {
	q "$1" -q -c 'CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA public' 2> /dev/null || return 2
	[ "$(q "$1" -c "SELECT count(public.bt_index_check(c.oid, true)) >= 0
						 AND NOT EXISTS (SELECT FROM pg_class h, public.verify_heapam(h.oid) v
										 WHERE h.relnamespace = 'medaid'::regnamespace AND h.relkind = 'r')
					FROM pg_class c JOIN pg_am a ON a.oid = c.relam
					WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind = 'i' AND a.amname = 'btree'" 2>&1)" = t ]
}
# orphan_files DB: "N files, SIZE": relation files in the database's
# directory that belong to no relation
orphan_files() {
	q "$1" -c "SELECT count(*) || ' files, ' || pg_size_pretty(coalesce(sum((pg_stat_file(d || '/' || f)).size), 0))
			   FROM (SELECT 'base/' || oid AS d FROM pg_database WHERE datname = current_database()) b,
					pg_ls_dir(b.d) f
			   WHERE f ~ '^[0-9]+$'
				 AND f::oid NOT IN (SELECT pg_relation_filenode(c.oid) FROM pg_class c
									WHERE pg_relation_filenode(c.oid) IS NOT NULL)"
}
ready() { # wait until the server accepts connections again (crash recovery)
	local i
	for i in $(seq 1 600); do
		if [ "$(q postgres -c 'SELECT NOT pg_is_in_recovery()' 2> /dev/null)" = t ]; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# --- the base database -------------------------------------------------------
for d in $(q postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'fault\_%'"); do
	dropdb_ "$d"
done
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE fault_base'
# FAULT_EXTENSION_RETRIES: where someone may be reinstalling the extension
# meanwhile, try again that many times, a minute apart
for attempt in $(seq 0 "${FAULT_EXTENSION_RETRIES:-0}"); do
	if err=$(q fault_base -c 'CREATE EXTENSION medaid' 2>&1); then
		break
	fi
	if [ "$attempt" = "${FAULT_EXTENSION_RETRIES:-0}" ]; then
		echo "test-fault: CREATE EXTENSION medaid fails: $err" >&2
		exit 1
	fi
	echo "test-fault: CREATE EXTENSION medaid failed ($err); trying again in 60 s"
	sleep 60
done
t0=$SECONDS
if [ $mode = short ]; then
	psql -X -q -v ON_ERROR_STOP=1 -d fault_base -f test/fault/base_demo.sql
else
	psql -X -q -v ON_ERROR_STOP=1 -v rows="$rows" -d fault_base -f test/fault/base_gen.sql
fi
q fault_base -q -c 'CREATE TABLE fault.param (key text PRIMARY KEY, value text)' -c 'VACUUM ANALYZE'
echo "base database: $((SECONDS - t0)) s"

# --- the cases ---------------------------------------------------------------
# prep_sql CASE: what the case's prepared database adds to the base
prep_sql() {
	case $1 in
		reconcile_delta | reconcile_snapshot)
			cat <<-SQL
				SELECT medaid.open_batch(dept, period, mode) AS b FROM fault.roster_batch WHERE file = '${1#reconcile_}' \gset
				INSERT INTO medaid.roster_staging
				SELECT :b, row_no, name, id_number, category, event, event_date, region
				FROM fault.roster_file WHERE file = '${1#reconcile_}';
				SELECT medaid.close_batch(:b, (SELECT count(*) FROM fault.roster_file WHERE file = '${1#reconcile_}')) \g /dev/null
				INSERT INTO fault.param VALUES ('batch', :'b');
			SQL
			;;
		load_settlements)
			cat <<-'SQL'
				SELECT medaid.open_settlement_load() AS l \gset
				INSERT INTO medaid.settlement_staging (load_id, row_no, settlement_id, id_number, settle_date, region,
													   total, fund_paid, critical_paid, assistance_paid, reverses)
				SELECT :l, row_number() OVER (ORDER BY settle_date, settlement_id), *
				FROM (SELECT settlement_id, id_number, settle_date::text AS settle_date, region, total::text,
							 fund_paid::text, critical_paid::text, assistance_paid::text, reverses
					  FROM fault.settlement_file WHERE settle_date < '2026-10-01'
					  UNION ALL SELECT * FROM fault.settlement_bad) s;
				INSERT INTO fault.param VALUES ('load', :'l');
			SQL
			;;
		copy_settlement | run_monthly_warnings | push_warnings)
			cat <<-'SQL'
				INSERT INTO medaid.settlement SELECT * FROM fault.settlement_file WHERE settle_date < '2026-10-01';
				SELECT medaid.ensure_settlement_partitions('2026-09-01', '2026-09-01') \g /dev/null
			SQL
			;;&
		copy_settlement)
			echo "\\copy (SELECT * FROM fault.settlement_file WHERE settle_date >= '2026-10-01' ORDER BY settle_date, settlement_id) TO '$out/settlement.csv' WITH (FORMAT csv, HEADER)"
			;;
		push_warnings)
			cat <<-'SQL'
				SELECT medaid.run_monthly_warnings('2026-09-01') \g /dev/null
				-- the last warning of the month in the table's order: the push
				-- inserts the others before it meets this one
				INSERT INTO fault.param
				SELECT 'push_id', w.id_number::text FROM medaid.warning w WHERE w.month = '2026-09-01'
				ORDER BY w.ctid DESC LIMIT 1;
			SQL
			;;
		copy_enrollment)
			# the rows granted nothing first, then those granted a subsidy:
			# the victim writes the former, then waits for enrollment_grant's
			# lock at the first of the latter
			echo "\\copy (SELECT e.id_number, e.year, e.region, e.enrolled_on, e.scheme FROM fault.enrollment_file e, medaid.enrollment_subsidy(e.id_number::medaid.cnid, e.year, e.region, e.enrolled_on, e.scheme) s ORDER BY s.subsidy_amount > 0, e.row_no) TO '$out/enrollment.csv' WITH (FORMAT csv, HEADER)"
			;;
		ensure_partitions)
			echo "INSERT INTO medaid.settlement SELECT * FROM fault.settlement_file;"
			;;
	esac
}

# call_sql CASE: the call under test
call_sql() {
	case $1 in
		reconcile_*)
			echo "SELECT value AS b FROM fault.param WHERE key = 'batch' \\gset"
			echo "SELECT * FROM medaid.reconcile(:b);"
			;;
		load_settlements)
			echo "SELECT value AS l FROM fault.param WHERE key = 'load' \\gset"
			echo "SELECT * FROM medaid.load_settlements(:l);"
			;;
		copy_settlement) echo "\\copy medaid.settlement FROM '$out/settlement.csv' WITH (FORMAT csv, HEADER)" ;;
		run_monthly_warnings) echo "SELECT * FROM medaid.run_monthly_warnings('2026-09-01');" ;;
		push_warnings) echo "SELECT * FROM medaid.push_warnings('2026-09-01', 'civil_affairs');" ;;
		copy_enrollment) echo "\\copy medaid.enrollment (id_number, year, region, enrolled_on, scheme) FROM '$out/enrollment.csv' WITH (FORMAT csv, HEADER)" ;;
		ensure_partitions) echo "SELECT medaid.ensure_settlement_partitions('2026-09-01', '2026-10-01');" ;;
	esac
}

# lock_sql CASE: what session C holds (short mode)
lock_sql() {
	case $1 in
		reconcile_delta | load_settlements | copy_settlement) echo 'LOCK TABLE medaid.burden_year IN EXCLUSIVE MODE;' ;;
		reconcile_snapshot) echo 'LOCK TABLE medaid.anomaly_return IN EXCLUSIVE MODE;' ;;
		run_monthly_warnings) echo 'LOCK TABLE medaid.warning_run IN EXCLUSIVE MODE;' ;;
		push_warnings)
			echo "SELECT value AS id FROM fault.param WHERE key = 'push_id' \\gset"
			echo "INSERT INTO medaid.warning_push (month, id_number, dept) VALUES ('2026-09-01', :'id', 'civil_affairs');"
			;;
		copy_enrollment)
			# the lock enrollment_grant takes for subsidised rows
			echo "SELECT pg_advisory_xact_lock(hashtext('medaid.enrollment')) \\g /dev/null"
			;;
		ensure_partitions) echo 'LOCK TABLE medaid.settlement_default IN ACCESS SHARE MODE;' ;;
	esac
}

# lock_wait CASE: the lock the victim must be waiting for ("locktype relation")
lock_wait() {
	case $1 in
		reconcile_delta | load_settlements | copy_settlement) echo 'relation burden_year' ;;
		reconcile_snapshot) echo 'relation anomaly_return' ;;
		run_monthly_warnings) echo 'relation warning_run' ;;
		push_warnings) echo 'transactionid ' ;;
		copy_enrollment) echo 'advisory ' ;;
		ensure_partitions) echo 'relation settlement_default' ;;
	esac
}

# lock_written CASE: tables the victim must hold a lock on at the lock point
# other than for reading (table), or in this mode (table:Mode): it has
# written them (ATTACH PARTITION takes settlement:ShareUpdateExclusiveLock)
lock_written() {
	case $1 in
		reconcile_delta) echo 'category_period' ;;
		reconcile_snapshot) echo 'category_period person roster_change roster_result burden_year' ;;
		load_settlements) echo 'settlement:ShareUpdateExclusiveLock settlement_default:AccessExclusiveLock settlement_key' ;;
		copy_settlement) echo 'settlement_key' ;;
		run_monthly_warnings) echo 'warning' ;;
		push_warnings) echo 'warning_push' ;;
		copy_enrollment) echo 'enrollment' ;;
		ensure_partitions) echo 'settlement_default:RowExclusiveLock settlement_default:ShareRowExclusiveLock' ;;
	esac
}

# open_sql CASE: true while the work is not done (the batch or load open, ...)
open_sql() {
	case $1 in
		reconcile_*)
			echo "SELECT reconciled_at IS NULL AND rows_staged IS NULL FROM medaid.batch
				  WHERE batch_id = (SELECT value::bigint FROM fault.param WHERE key = 'batch')"
			;;
		load_settlements)
			echo "SELECT l.loaded_at IS NULL AND to_regclass('medaid.settlement_y2026m09') IS NULL
					 AND NOT EXISTS (SELECT FROM medaid.settlement_rejected r WHERE r.load_id = l.load_id)
				  FROM medaid.settlement_load l WHERE l.load_id = (SELECT value::bigint FROM fault.param WHERE key = 'load')"
			;;
		copy_settlement) echo "SELECT NOT EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settle_date >= '2026-10-01')" ;;
		run_monthly_warnings)
			echo "SELECT NOT EXISTS (SELECT FROM medaid.warning_run r WHERE r.month = '2026-09-01')
					 AND NOT EXISTS (SELECT FROM medaid.warning w WHERE w.month = '2026-09-01')"
			;;
		push_warnings) echo "SELECT NOT EXISTS (SELECT FROM medaid.warning_push p WHERE p.month = '2026-09-01')" ;;
		copy_enrollment) echo "SELECT NOT EXISTS (SELECT FROM medaid.enrollment e WHERE e.year = 2027)" ;;
		ensure_partitions)
			echo "SELECT to_regclass('medaid.settlement_y2026m09') IS NULL AND to_regclass('medaid.settlement_y2026m10') IS NULL
					 AND (SELECT count(*) FROM medaid.settlement_default) > 0"
			;;
	esac
}

# third CASE: what a further call does: same (changes nothing), refused
# (fails with this text, changes nothing) or none (not called)
third() {
	case $1 in
		copy_settlement) echo 'refused duplicate settlement_id' ;;
		copy_enrollment) echo 'none' ;;
		*) echo 'same' ;;
	esac
}

# compare WHAT A B [PREFIXES]: the lines of two snapshots with these
# prefixes (default table rel trigger) are the same
compare() {
	local what=$1 a=$2 b=$3 prefixes=${4:-table rel trigger} p pat=''
	for p in $prefixes; do pat="$pat${pat:+|}^$p "; done
	if diff <(grep -E "$pat" "$a") <(grep -E "$pat" "$b") > "$out/diff" 2>&1; then
		ok "$what"
	else
		not_ok "$what"
		sed -n '1,40p' "$out/diff"
	fi
}
# lines of a snapshot without the tables that log calls
without_logs() {
	local t pat='^$'
	for t in $call_logs; do pat="$pat|^table $t "; done
	grep -Ev "$pat" "$1"
}
# the rows of a table in two databases that differ (for a failure's report)
show_rows() { # db1 db2 table
	diff <(q "$1" -c "SELECT t::text FROM medaid.$3 t ORDER BY 1") \
		<(q "$2" -c "SELECT t::text FROM medaid.$3 t ORDER BY 1") | sed -n '1,20p' || true
}
differing_tables() { # snapshot1 snapshot2
	diff <(grep '^table ' "$1") <(grep '^table ' "$2") | sed -n 's/^[<>] table \([^ ]*\) .*/\1/p' | sort -u | head -3
}

sequences_not_back() { # before after
	awk 'NR == FNR && /^seq / {v[$2] = $3; next}
		 /^seq / && ($2 in v) && $3 + 0 < v[$2] + 0 {print "sequence " $2 " went back from " v[$2] " to " $3; bad = 1}
		 END {exit bad}' "$1" "$2"
}
reset_sequences() { # db snapshot: setval each sequence to its value in the snapshot
	awk '/^seq / {printf "SELECT setval(\047medaid.%s\047, %s, %s);\n", $2, $3, $4}' "$2" |
		q "$1" -q -f - > /dev/null
}

# start_bg VAR APP DB OUT SQLFILE: a psql in the background; its pid in VAR
start_bg() {
	PGAPPNAME=$2 psql -X -At -v ON_ERROR_STOP=1 -d "$3" -f "$5" > "$4" 2>&1 &
	printf -v "$1" '%s' $!
	bg_pids+=($!)
}
# backend pid of the session with this application_name, waiting for it
backend_of() { # app [wait_event]
	local i pid
	for i in $(seq 1 300); do
		pid=$(q postgres -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1'
							 ${2:+AND wait_event = '$2'} LIMIT 1")
		if [ -n "$pid" ]; then
			echo "$pid"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# kill_backend PID TERM|KILL: 0 once it is killed (and, for KILL, the
# cluster has been through crash recovery); 2 when it had ended before
# (long mode's random kill may come after the call finished); 1 otherwise
kill_backend() {
	local pid=$1 sig=$2 witness wpid i
	if [ "$sig" = TERM ]; then
		[ "$(q postgres -c "SELECT pg_terminate_backend($pid, 60000)" 2> /dev/null)" = t ] && return 0
		gone "$pid" && return 2
		return 1
	fi
	# a witness session: the crash restart ends it, which tells that the
	# postmaster has seen the kill before we wait for recovery
	echo 'SELECT pg_sleep(600);' > "$out/witness.sql"
	start_bg witness medaid_fault_witness postgres "$out/witness.out" "$out/witness.sql"
	wpid=$(backend_of medaid_fault_witness PgSleep) || return 1
	# kill -9 from the server's own account, on the server's host
	if ! q postgres -c "COPY (SELECT 1) TO PROGRAM 'kill -9 $pid'" > "$out/kill.out" 2>&1 &&
		grep -q 'failed' "$out/kill.out" && gone "$pid"; then
		q postgres -c "SELECT pg_terminate_backend($wpid)" > /dev/null || true
		wait "$witness" || true
		return 2
	fi
	for i in $(seq 1 600); do
		kill -0 "$witness" 2> /dev/null || break
		sleep 0.1
	done
	if kill -0 "$witness" 2> /dev/null; then
		q postgres -c "SELECT pg_terminate_backend($wpid)" > /dev/null || true
		wait "$witness" || true
		echo "no crash restart after kill -9 $pid"
		return 1
	fi
	wait "$witness" || true
	ready
}
gone() { # pid: no longer a backend
	[ "$(q postgres -c "SELECT count(*) FROM pg_stat_activity WHERE pid = $1")" = 0 ]
}

# --- one case: prepared database, twin, victims -----------------------------
prepare() { # case
	local c=$1
	copydb "fault_p_$c" fault_base
	prep_sql "$c" > "$out/$c.prep.sql"
	q "fault_p_$c" -q -f "$out/$c.prep.sql"
	q "fault_p_$c" -q -c 'VACUUM ANALYZE'
	call_sql "$c" > "$out/$c.call.sql"
	snapshot "fault_p_$c" raw > "$out/$c.before"
	# the twin: the same call, undisturbed
	copydb "fault_t_$c" "fault_p_$c"
	local t1 t2
	t1=$(date +%s.%N)
	if ! PGAPPNAME=medaid_victim psql -X -At -v ON_ERROR_STOP=1 -d "fault_t_$c" -f "$out/$c.call.sql" > "$out/$c.twin.out" 2>&1; then
		not_ok "$c: the twin's undisturbed call fails: $(head -3 "$out/$c.twin.out")"
		return 1
	fi
	t2=$(date +%s.%N)
	twin_seconds=$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.2f", b - a}')
	snapshot "fault_t_$c" norm > "$out/$c.twin"
	if diff -q <(grep '^table ' "$out/$c.before") <(snapshot "fault_t_$c" raw | grep '^table ') > /dev/null; then
		not_ok "$c: the twin's call changed nothing: nothing to half-apply"
		return 1
	fi
	echo "# $c: twin ran in ${twin_seconds} s: $(tr '\n' ' ' < "$out/$c.twin.out" | cut -c1-100)"
}

# after_kill CASE DB TAG SIG: the killed call left everything as before,
# and the rerun gives the twin's result
after_kill() {
	local c=$1 db=$2 tag=$3 sig=$4
	snapshot "$db" raw > "$out/$c.after"
	compare "$tag: every table, partition and trigger as before the call" "$out/$c.before" "$out/$c.after"
	local t
	for t in $(differing_tables "$out/$c.before" "$out/$c.after"); do
		echo "# rows of $t: < before (fault_p_$c), > after the kill ($db)"
		show_rows "fault_p_$c" "$db" "$t"
	done
	if sequences_not_back "$out/$c.before" "$out/$c.after"; then
		ok "$tag: no sequence went back"
	else
		not_ok "$tag: a sequence went back"
	fi
	local a=0
	amcheck "$db" || a=$?
	case $a in
		0) ok "$tag: indexes and heaps sound (amcheck)" ;;
		2) echo "# $tag: amcheck not available, not checked" ;;
		*) not_ok "$tag: indexes and heaps sound (amcheck)" ;;
	esac
	# files of relations the killed transaction made (a partition, its
	# indexes): the abort after SIGTERM empties them and the next checkpoint
	# removes them; crash recovery does not (PostgreSQL leaves the files of
	# a crashed transaction's new relations, their rows in them), so after
	# SIGKILL they are only reported
	local orphans
	q postgres -q -c CHECKPOINT
	orphans=$(orphan_files "$db")
	if [ "$sig" = TERM ]; then
		if [ "${orphans%% *}" = 0 ]; then
			ok "$tag: no file of a relation it made left on disk after a checkpoint"
		else
			not_ok "$tag: no file of a relation it made left on disk after a checkpoint: $orphans"
		fi
	elif [ "${orphans%% *}" != 0 ]; then
		echo "# $tag: $orphans left on disk by the crash (PostgreSQL does not remove them)"
	fi
	if [ "$(q "$db" -c "$(open_sql "$c")")" = t ]; then
		ok "$tag: still to do (batch or load open, nothing of it in)"
	else
		not_ok "$tag: still to do (batch or load open, nothing of it in)"
	fi
	rerun "$c" "$db" "$tag"
}

# rerun CASE DB TAG: call again; the result and the database are the twin's
rerun() {
	local c=$1 db=$2 tag=$3
	reset_sequences "$db" "$out/$c.before"
	if PGAPPNAME=medaid_victim psql -X -At -v ON_ERROR_STOP=1 -d "$db" -f "$out/$c.call.sql" > "$out/$c.rerun.out" 2>&1; then
		ok "$tag: the call run again succeeds"
	else
		not_ok "$tag: the call run again succeeds: $(head -3 "$out/$c.rerun.out")"
		return
	fi
	if diff "$out/$c.twin.out" "$out/$c.rerun.out" > "$out/diff"; then
		ok "$tag: the rerun returns what the twin's call returned"
	else
		not_ok "$tag: the rerun returns what the twin's call returned"
		sed -n '1,20p' "$out/diff"
	fi
	snapshot "$db" norm > "$out/$c.rerun"
	compare "$tag: after the rerun every table, partition, trigger and sequence is the twin's" \
		"$out/$c.twin" "$out/$c.rerun" 'table rel trigger seq'
	local t
	for t in $(differing_tables "$out/$c.twin" "$out/$c.rerun"); do
		echo "# rows of $t: < twin (fault_t_$c), > rerun ($db)"
		show_rows "fault_t_$c" "$db" "$t"
	done
	third_call "$c" "$db" "$tag"
}

# third_call CASE DB TAG
third_call() {
	local c=$1 db=$2 tag=$3 how t
	how=$(third "$c")
	# long mode: the database is the twin's (checked), so a third call
	# would do what it does in short mode
	[ "$how" = none ] || [ $mode = long ] && return 0
	snapshot "$db" raw > "$out/$c.second"
	for t in $call_logs; do
		q "$db" -q -c "DROP TABLE IF EXISTS fault.keep_$t" \
			-c "CREATE TABLE fault.keep_$t AS SELECT t::text AS r FROM medaid.$t t" 2> /dev/null || true
	done
	local rc=0
	PGAPPNAME=medaid_victim psql -X -At -v ON_ERROR_STOP=1 -d "$db" -f "$out/$c.call.sql" > "$out/$c.third.out" 2>&1 || rc=$?
	case $how in
		same)
			if [ $rc = 0 ]; then
				ok "$tag: a third call succeeds"
			else
				not_ok "$tag: a third call succeeds: $(head -3 "$out/$c.third.out")"
			fi
			;;
		refused*)
			if [ $rc != 0 ] && grep -q "${how#refused }" "$out/$c.third.out"; then
				ok "$tag: a third call is refused (${how#refused })"
			else
				not_ok "$tag: a third call is refused (${how#refused }): rc $rc, $(head -3 "$out/$c.third.out")"
			fi
			;;
	esac
	snapshot "$db" raw > "$out/$c.third"
	compare "$tag: the third call changes no table, partition or trigger (but those logging calls: $call_logs)" \
		<(without_logs "$out/$c.second") <(without_logs "$out/$c.third")
	for t in $call_logs; do
		[ "$(q "$db" -c "SELECT to_regclass('fault.keep_$t') IS NOT NULL")" = t ] || continue
		local lost
		lost=$(q "$db" -c "SELECT count(*) FROM (SELECT r FROM fault.keep_$t EXCEPT ALL SELECT t::text FROM medaid.$t t) d")
		if [ "$lost" = 0 ]; then
			ok "$tag: the third call changes or removes no row of $t"
		else
			not_ok "$tag: the third call changes or removes no row of $t ($lost rows)"
		fi
	done
}

# victim_lock_point CASE SIG: short mode's kill at the lock point
victim_lock_point() {
	local c=$1 sig=$2 db=fault_v tag="$1, SIG$2 at the lock point"
	local cbg cpid vbg vpid line i expect written w rc
	copydb $db "fault_p_$c"
	{
		echo 'BEGIN;'
		lock_sql "$c"
		echo 'SELECT pg_sleep(600);'
	} > "$out/$c.lock.sql"
	start_bg cbg medaid_fault_lock $db "$out/$c.lock.out" "$out/$c.lock.sql"
	if ! cpid=$(backend_of medaid_fault_lock PgSleep); then
		not_ok "$tag: session C takes its lock: $(cat "$out/$c.lock.out")"
		kill "$cbg" 2> /dev/null || true
		return
	fi
	start_bg vbg medaid_victim $db "$out/$c.victim.out" "$out/$c.call.sql"
	expect=$(lock_wait "$c")
	line=''
	for i in $(seq 1 600); do
		line=$(q $db -c "SELECT l.locktype || ' ' || coalesce(c.relname, '') || '|' || a.pid || '|' || (a.backend_xid IS NOT NULL)::text
							  || '|' || array_to_string(pg_blocking_pids(a.pid), ',')
						 FROM pg_stat_activity a
						 JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
						 LEFT JOIN pg_class c ON c.oid = l.relation
						 WHERE a.application_name = 'medaid_victim' AND a.backend_type = 'client backend'
						   AND a.wait_event_type = 'Lock'")
		[ -n "$line" ] && break
		kill -0 "$vbg" 2> /dev/null || break
		sleep 0.05
	done
	if [ -z "$line" ]; then
		not_ok "$tag: the victim waits at the lock point ($expect): it $(kill -0 "$vbg" 2> /dev/null && echo 'never waited' || echo "finished: $(head -3 "$out/$c.victim.out")")"
		kill "$vbg" 2> /dev/null || true
		q postgres -c "SELECT pg_terminate_backend($cpid)" > /dev/null
		wait "$cbg" "$vbg" 2> /dev/null || true
		return
	fi
	vpid=$(echo "$line" | cut -d'|' -f2)
	if [ "$(echo "$line" | cut -d'|' -f1)" = "$expect" ] && [ "$(echo "$line" | cut -d'|' -f4)" = "$cpid" ]; then
		ok "$tag: the victim waits for $expect, blocked by C"
	else
		not_ok "$tag: the victim waits for $expect, blocked by C: it waits for $line (C is $cpid)"
	fi
	# the tables it holds locks on other than for reading; relations it
	# created (temp tables, a partition being made) are not visible yet
	written=$(q $db -c "SELECT string_agg(c.relname || ':' || l.mode, ' ' ORDER BY c.relname, l.mode)
						FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
						WHERE l.pid = $vpid AND l.granted AND l.locktype = 'relation'
						  AND l.mode NOT IN ('AccessShareLock', 'RowShareLock') AND c.relkind IN ('r', 'p')
						  AND c.relnamespace = 'medaid'::regnamespace")
	echo "# $tag: the victim holds $written and $(q $db -c "SELECT count(*) FROM pg_locks l
		WHERE l.pid = $vpid AND l.locktype = 'relation' AND NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = l.relation)") locks on relations it created"
	local missing=''
	for w in $(lock_written "$c"); do
		case " $written " in
			*" $w:"* | *" $w "*) ;;
			*) missing="$missing $w" ;;
		esac
	done
	if [ -z "$missing" ] && [ "$(echo "$line" | cut -d'|' -f3)" = true ]; then
		ok "$tag: the victim has written (transaction id; write locks on $(lock_written "$c"))"
	else
		not_ok "$tag: the victim has written (transaction id; write locks on $(lock_written "$c")): missing$missing"
	fi
	if kill_backend "$vpid" "$sig"; then
		ok "$tag: killed$([ "$sig" = KILL ] && echo ', the cluster recovered')"
	else
		not_ok "$tag: killed"
	fi
	rc=0
	wait "$vbg" || rc=$?
	if [ $rc != 0 ]; then
		ok "$tag: the victim's call failed ($(grep -m1 -E 'FATAL|server closed|terminat' "$out/$c.victim.out" || head -1 "$out/$c.victim.out"))"
	else
		not_ok "$tag: the victim's call failed: it succeeded: $(head -3 "$out/$c.victim.out")"
	fi
	if [ "$sig" = TERM ]; then
		q postgres -c "SELECT pg_terminate_backend($cpid, 60000)" > /dev/null || true
	fi
	wait "$cbg" 2> /dev/null || true
	after_kill "$c" $db "$tag" "$sig"
	[ "${FAULT_KEEP:-}" = 1 ] || dropdb_ $db
}

# victim_random CASE SIG: long mode's kill at a random delay, from 100 ms
# (or 5 % of the twin's time, when shorter) to 95 % of the twin's time
# (FAULT_MAX_DELAY_MS caps it)
victim_random() {
	local c=$1 sig=$2 db=fault_v vbg vpid ms rc=0 lo hi k=0
	read -r lo hi < <(awk -v s="$twin_seconds" -v cap="${FAULT_MAX_DELAY_MS:-0}" 'BEGIN {
		t = int(s * 1000); lo = 100; if (t * 0.05 < lo) lo = int(t * 0.05) + 1
		hi = int(t * 0.95); if (cap > 0 && hi > cap) hi = cap; if (hi <= lo) hi = lo + 50; print lo, hi}')
	ms=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
	local tag="$c, SIG$sig after ${ms} ms"
	copydb $db "fault_p_$c"
	start_bg vbg medaid_victim $db "$out/$c.victim.out" "$out/$c.call.sql"
	sleep "$(awk -v m="$ms" 'BEGIN {printf "%.3f", m / 1000}')"
	vpid=$(q postgres -c "SELECT pid FROM pg_stat_activity
						  WHERE application_name = 'medaid_victim' AND backend_type = 'client backend' AND state = 'active'")
	if [ -n "$vpid" ]; then
		kill_backend "$vpid" "$sig" || k=$?
		[ $k = 1 ] && not_ok "$tag: killed"
	fi
	wait "$vbg" || rc=$?
	snapshot $db raw > "$out/$c.after"
	if [ $rc != 0 ] && diff -q <(grep -E '^(table|rel|trigger) ' "$out/$c.before") \
			<(grep -E '^(table|rel|trigger) ' "$out/$c.after") > /dev/null; then
		killed_rounds=$((killed_rounds + 1))
		ok "$tag: killed in the call, nothing applied"
		after_kill "$c" $db "$tag" "$sig"
	else
		# finished (or committed just before the kill): all of it, as the twin
		finished_rounds=$((finished_rounds + 1))
		snapshot $db norm > "$out/$c.rerun"
		compare "$tag: the call $([ $rc = 0 ] && echo 'finished first' || echo 'committed before the kill'): all of it, as the twin" \
			"$out/$c.twin" "$out/$c.rerun"
		third_call "$c" $db "$tag"
	fi
	[ "${FAULT_KEEP:-}" = 1 ] || dropdb_ $db
}

t_start=$SECONDS
killed_rounds=0
finished_rounds=0
if [ $mode = short ]; then
	for c in $cases; do
		t0=$SECONDS
		if prepare "$c"; then
			victim_lock_point "$c" TERM
			victim_lock_point "$c" KILL
		fi
		[ "${FAULT_KEEP:-}" = 1 ] || { dropdb_ "fault_p_$c"; dropdb_ "fault_t_$c"; }
		echo "# $c: $((SECONDS - t0)) s"
	done
else
	case_list=($cases)
	ncases=${#case_list[@]}
	declare -A prepared=()
	declare -A twin_s=()
	for r in $(seq 0 $((rounds - 1))); do
		c=${case_list[$((r % ncases))]}
		sig=$([ $(((r / ncases) % 2)) = 0 ] && echo TERM || echo KILL)
		if [ -z "${prepared[$c]:-}" ]; then
			prepare "$c" || { prepared[$c]=failed; continue; }
			prepared[$c]=yes
			twin_s[$c]=$twin_seconds
		fi
		[ "${prepared[$c]}" = yes ] || continue
		twin_seconds=${twin_s[$c]}
		victim_random "$c" "$sig"
	done
	echo "# rounds: $killed_rounds killed in the call, $finished_rounds finished first"
	if [ "${FAULT_KEEP:-}" != 1 ]; then
		for c in $cases; do dropdb_ "fault_p_$c"; dropdb_ "fault_t_$c"; done
	fi
fi
[ "${FAULT_KEEP:-}" = 1 ] || dropdb_ fault_base
echo "# $mode mode: $((SECONDS - t_start)) s after the base database"
tap_summary
exit
}
