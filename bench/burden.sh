#!/usr/bin/env bash
# bench/burden.sh: a year of settlements for a province, loaded month by
# month, each month followed by its warning run; then the burden aggregate
# against sum(numeric) and count(*) over the whole year.
#
#   make bench-burden                     (or: bash bench/burden.sh)
#   BENCH_PEOPLE=100000 BENCH_SETTLEMENTS=1000000 bash bench/burden.sh
#
# Needs medaid installed (make install).  With PGHOST unset it re-runs itself
# under `pg_virtualenv -t`; with PGHOST etc. set it uses that server and
# (re)creates the database medaid_bench_burden there.
#
# Environment: BENCH_PEOPLE (1000000), BENCH_SETTLEMENTS (10000000 over the
# year, an equal number dated in each month), BENCH_REPEAT (3: runs of each
# aggregate query, the median reported), BENCH_KEEP (set: keep the database),
# BENCH_MONTHS (12: load and run this many months, then stop), BENCH_EXPLAIN
# (set: run the last month again with auto_explain, plans to
# bench/out/burden_plans.txt).
#
# The data: BENCH_PEOPLE people (a twentieth born outside Shandong), 15 % of
# them dibao_edge or jiance (threshold 20 000 yuan), the rest ordinary
# (60 000); each month BENCH_SETTLEMENTS/12 settlements of people drawn at
# random, 2 % of them large, 1 % of the previous month's reversed, and
# 0.5 % dated in the month before (late).  Each month's rows are INSERTed
# through settlement (its trigger keeps burden_year), VACUUM ANALYZE runs
# (as autovacuum would between loading and the month's end; not timed), then
# run_monthly_warnings(month) is timed, and warning_check(month) must find no
# difference (the bench exits non-zero otherwise).
#
# Measured, each in the same run:
#   - December's warning run against January's (goal: <= 1.5x: the run costs
#     what changed, not the year);
#   - annual_burden(settle_date, burden, threshold) grouped by person and
#     year against sum(burden) with the same grouping (goal: no slower) and
#     count(*) with the same grouping (the floor; goal: within 1.3x), each
#     result consumed by an outer count(*) FILTER so that PostgreSQL cannot
#     drop it; work_mem 1GB for all three (no spill for any); the plan is
#     PostgreSQL's choice and printed, with the workers it launched.
# Output: stdout and bench/out/burden.md.  Exits non-zero on an error or a
# warning_check difference, never on a missed goal.
set -euo pipefail

BENCH_SERVER_OPTS=(-o "shared_buffers=1GB" -o "max_wal_size=8GB")
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$here"
people=${BENCH_PEOPLE:-1000000}
settlements=${BENCH_SETTLEMENTS:-10000000}
repeat=${BENCH_REPEAT:-3}
for v in "$people" "$settlements" "$repeat"; do
	if ! [[ $v =~ ^[1-9][0-9]*$ ]]; then
		echo "burden.sh: BENCH_PEOPLE, BENCH_SETTLEMENTS and BENCH_REPEAT must be positive integers" >&2
		exit 2
	fi
done
if ((people < 100 || settlements < 1200)); then
	echo "burden.sh: at least 100 people and 1200 settlements" >&2
	exit 2
fi
per_month=$((settlements / 12))
out=$outdir/burden.md
db=medaid_bench_burden
export PGDATABASE=$db

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

main() {
set -euo pipefail
echo "# burden benchmark"
echo
echo "people: $people; settlements: $settlements ($per_month a month); $(nproc) CPUs"
echo "server: $(q -Atc 'SHOW server_version'); shared_buffers $(q -Atc 'SHOW shared_buffers'), max_parallel_workers_per_gather $(q -Atc 'SHOW max_parallel_workers_per_gather'), jit $(q -Atc 'SHOW jit')"
echo "code: git $(git -C "$here/.." describe --always --dirty 2>/dev/null || echo unknown)"
echo

t0=$(now)
q <<SQL
SET client_min_messages = warning;
CREATE EXTENSION medaid;
CREATE SCHEMA medaid_bench;
\ir id_helpers.sql
INSERT INTO medaid.income_baseline VALUES ('37', 2025, 40000.00, 'bench'), ('44', 2025, 50000.00, 'bench');
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-12-01') AS made \gset
-- people: a twentieth born in 44 (Guangdong), the others in Jinan's counties
CREATE TABLE medaid_bench.people AS
SELECT p, medaid_bench.id18(
		(CASE WHEN p % 20 = 0 THEN 440524 ELSE 370101 + p % 5 END)::bigint * 100000000000
		+ to_char(date '1940-01-01' + p % 25000, 'YYYYMMDD')::bigint * 1000 + p / 25000 % 1000)::medaid.cnid AS id,
	   '3701' || lpad((2 + p % 5)::text, 2, '0') AS region
FROM generate_series(0, $people - 1) p;
ALTER TABLE medaid_bench.people ADD PRIMARY KEY (p);
-- 15 % in a category with a threshold of 50 % (the rest ordinary, 150 %)
INSERT INTO medaid.category_period (id_number, category, dept, valid_from, started_batch_id, started_row_no)
SELECT id, c, medaid.category_dept(c), date '2025-06-01', 0, p
FROM medaid_bench.people, LATERAL (SELECT (CASE WHEN p % 2 = 0 THEN 'dibao_edge' ELSE 'jiance' END)::medaid.category AS c) x
WHERE p % 100 < 15;
ANALYZE medaid_bench.people;
SQL
echo "setup (people, categories): $(secs "$t0" "$(now)") s"
echo

# one month: its settlements, reversals of 1 % of the previous month's, late
# rows dated in the previous month
load_month() {
	local k=$1
	q <<SQL
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid)
SELECT 'S$k-' || g, pe.id,
	   CASE WHEN $k > 1 AND g % 200 = 0 THEN make_date(2026, $k, 1) - 1 - (h2 % 28)::int
			ELSE make_date(2026, $k, 1) + (h2 % 28)::int END,
	   pe.region, t, round(t * 0.5, 2), round(t * 0.1, 2), 0
FROM generate_series(1, $per_month) g,
	 LATERAL (SELECT abs(hashint8(g::bigint * 12 + $k)::bigint) AS h1, abs(hashint8(g::bigint * 12 + $k + 7777777)::bigint) AS h2) h,
	 LATERAL (SELECT round((50 + (h2 / 32 % 500000) / 100.0) * CASE WHEN h2 % 50 = 0 THEN 20 ELSE 1 END, 2) AS t) a
	 JOIN medaid_bench.people pe ON true
WHERE pe.p = h.h1 % $people;
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses)
SELECT s.settlement_id || 'R', s.id_number, make_date(2026, $k, 1) + 1, s.region, -s.total, -s.fund_paid, -s.critical_paid, -s.assistance_paid, s.settlement_id
FROM medaid.settlement s
WHERE $k > 1 AND s.settlement_id LIKE 'S$((k - 1))-%' AND s.reverses IS NULL
  AND s.settle_date >= make_date(2026, $k, 1) - interval '1 month' AND s.settle_date < make_date(2026, $k, 1)
  AND abs(hashtext(s.settlement_id)::bigint) % 100 = 0;
SQL
}

echo "| month | load s | warning run s | mode | people computed | warned | new | carried | check |"
echo "|---|---|---|---|---|---|---|---|---|"
declare -A run
for k in $(seq 1 "${BENCH_MONTHS:-12}"); do
	m=$(printf '2026-%02d-01' "$k")
	t0=$(now)
	load_month "$k"
	t1=$(now)
	q -c 'VACUUM ANALYZE medaid.burden_year' -c 'VACUUM ANALYZE medaid.settlement' -c 'VACUUM ANALYZE medaid.settlement_key' -c 'CHECKPOINT'
	t2=$(now)
	res=$(q -At -F ' ' -c "SELECT people_assessed, warned, new_warnings, mode FROM medaid.run_monthly_warnings('$m')")
	t3=$(now)
	read -r assessed warned new mode <<<"$res"
	carried=$(q -Atc "SELECT carried FROM medaid.warning_run WHERE month = '$m' ORDER BY run_id DESC LIMIT 1")
	diffs=$(q -Atc "SELECT count(*) FROM medaid.warning_check('$m')")
	run[$k]=$(secs "$t2" "$t3")
	echo "| $m | $(secs "$t0" "$t1") | ${run[$k]} | $mode | $assessed | $warned | $new | $carried | $diffs differences |"
	if [[ $diffs != 0 ]]; then
		echo "burden.sh: warning_check found $diffs differences for $m" >&2
		exit 1
	fi
done
echo
if [[ -n ${BENCH_EXPLAIN:-} ]]; then
	# the last month's run again (it is idempotent), its statements' plans
	# logged with auto_explain; not timed
	last=$(printf '2026-%02d-01' "${BENCH_MONTHS:-12}")
	q -c "LOAD 'auto_explain'" -c 'SET auto_explain.log_min_duration = 100' \
		-c 'SET auto_explain.log_nested_statements = on' -c 'SET auto_explain.log_analyze = on' \
		-c 'SET auto_explain.log_buffers = on' -c 'SET auto_explain.log_level = notice' \
		-c "SELECT mode FROM medaid.run_monthly_warnings('$last')" >"$outdir/burden_plans.txt" 2>&1
	echo "plans of the run of $last (again, with auto_explain): $outdir/burden_plans.txt"
	echo
fi
if [[ ${BENCH_MONTHS:-12} != 12 ]]; then
	echo "stopped after ${BENCH_MONTHS} months (BENCH_MONTHS)"
	return 0
fi
dec_jan=$(ratio "${run[12]}" "${run[1]}")
echo "December's run vs January's: ${dec_jan}x (goal <= 1.5x) — ${run[12]} s vs ${run[1]} s"
echo

q -c 'VACUUM ANALYZE medaid.settlement' -c 'CHECKPOINT'
rows=$(q -Atc 'SELECT count(*) FROM medaid.settlement')
groups=$(q -Atc "SELECT count(*) FROM medaid.burden_year WHERE year = 2026")
echo "the year: $rows settlements (with reversals and late rows) of $groups people"
echo

# the three aggregates: same grouping, same scan, each result consumed
declare -A sql
sql[count]="SELECT count(*) FILTER (WHERE a > 0) FROM (SELECT s.id_number, date_part('year', s.settle_date) AS y, count(*) AS a FROM medaid.settlement s GROUP BY 1, 2) x"
sql[sum]="SELECT count(*) FILTER (WHERE a > 0) FROM (SELECT s.id_number, date_part('year', s.settle_date) AS y, sum(s.burden) AS a FROM medaid.settlement s GROUP BY 1, 2) x"
sql[annual_burden]="SELECT count(*) FILTER (WHERE (a).total > 0) FROM (SELECT s.id_number, date_part('year', s.settle_date) AS y, medaid.annual_burden(s.settle_date, s.burden, 20000.00) AS a FROM medaid.settlement s GROUP BY 1, 2) x"
settings="SET work_mem = '1GB'; SET jit = off;"
echo "plans (work_mem 1GB; PostgreSQL's choice):"
for a in count sum annual_burden; do
	echo
	echo "$a:"
	echo '```'
	q -c "$settings" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql[$a]}" | grep -v '^$'
	echo '```'
done
echo
# time_aggregates NAME EXTRA_SETTINGS: the three queries, interleaved,
# $repeat times each; NAME[a] = the median seconds of aggregate a
time_aggregates() {
	local -n result=$1
	local extra=$2 a i t0
	for a in count sum annual_burden; do : >"$outdir/burden_$a.times"; done
	for i in $(seq 1 "$repeat"); do
		for a in count sum annual_burden; do
			t0=$(now)
			q -At -c "$settings $extra" -c "${sql[$a]}" >/dev/null
			secs "$t0" "$(now)" >>"$outdir/burden_$a.times"
			echo >>"$outdir/burden_$a.times"
		done
	done
	for a in count sum annual_burden; do
		result[$a]=$(grep . "$outdir/burden_$a.times" | median)
		rm -f "$outdir/burden_$a.times"
	done
}
declare -A med ser
time_aggregates med ""
# the same with parallel query off, for a like-for-like serial comparison
time_aggregates ser "SET max_parallel_workers_per_gather = 0;"
echo "| aggregate, grouped by person and year | median of $repeat s, PostgreSQL's plan | parallel query off |"
echo "|---|---|---|"
for a in count sum annual_burden; do echo "| $a | ${med[$a]} | ${ser[$a]} |"; done
echo
echo "serial: annual_burden vs sum $(ratio "${ser[annual_burden]}" "${ser[sum]}")x, vs count $(ratio "${ser[annual_burden]}" "${ser[count]}")x"
echo
echo "annual_burden vs sum(numeric): $(ratio "${med[annual_burden]}" "${med[sum]}")x (goal <= 1.0x)"
echo "annual_burden vs count(*):     $(ratio "${med[annual_burden]}" "${med[count]}")x (goal <= 1.3x)"
echo "December's run vs January's:   ${dec_jan}x (goal <= 1.5x)"
}
set +e
main 2>&1 | tee "$out.tmp"
status=${PIPESTATUS[0]}
set -e
if ((status == 0)); then
	mv "$out.tmp" "$out"
	[[ -n ${BENCH_KEEP:-} ]] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"
fi
exit "$status"
