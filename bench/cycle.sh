#!/usr/bin/env bash
# bench/cycle.sh: a province's whole monthly cycle for a year, each step
# timed and its peak memory measured, at several scales: does a month cost
# what the month brings (its settlements, its roster changes), not the
# history before it?
#
#   make bench-cycle                      (or: bash bench/cycle.sh)
#   BENCH_PEOPLE=40000 BENCH_SETTLEMENTS=400000 bash bench/cycle.sh
#   BENCH_SCALES=1 BENCH_MONTHS=3 bash bench/cycle.sh
#
# Needs medaid installed (make install).  With PGHOST unset it re-runs itself
# under `pg_virtualenv -t` (shared_buffers 1GB, max_wal_size 8GB, as
# bench/burden.sh); with PGHOST etc. set it uses that server and (re)creates
# the database medaid_bench_cycle there, once per scale.  Memory is measured
# only when the server runs on this host and /proc of its processes is
# readable (root or the server's user).
#
# Environment: BENCH_PEOPLE (1000000), BENCH_SETTLEMENTS (20000000 original
# settlements a year, a twelfth each month, plus 1 % of the previous month's
# reversed), BENCH_SCALES ("0.25 0.5 1": each multiplies both; the whole
# year runs at each, in a fresh database), BENCH_MONTHS (12: stop after this
# many months), BENCH_SEED (1), BENCH_YEAR (2026), BENCH_MEM_INTERVAL (0.05 s),
# BENCH_LOAD (file: each month's settlements in one statement, as a COPY of
# the month's file; split: its originals, then its reversals, two statements
# in one session, as bench/burden.sh loads them), BENCH_KEEP (set: keep the
# last scale's database).
#
# The province: bench/province.sql (Shandong's counties from the bundled
# region list, ~15 % of people recipients of the six categories, both
# departments' rosters as initial snapshots of December and monthly delta
# files with messy IDs, settlements skewed to the sick with heavy-tailed
# costs, reversals and late rows; see its header).
#
# Per scale: a fresh database; CREATE EXTENSION medaid; the county list
# loaded (scripts/load-regions); the province generated (not timed);
# ensure_settlement_partitions for the year and the December before it; the
# income of the year before for province 37; December's settlements loaded
# (not timed: the past that January's reversals and late rows refer to, so
# that January is a month like the others).  Then, timed each on its own:
#   month 0   reconcile of civil affairs' and rural revitalisation's initial
#             snapshots (December of the year before);
#   months 1-12
#     load        INSERT INTO medaid.settlement SELECT * FROM the month's
#                 generated rows (what COPY does, through the same statement
#                 trigger: ids, reversals, burden states);
#     civil, rural  reconcile of the department's delta batch;
#     warnings    run_monthly_warnings(month);
#     push civil, push rural  push_warnings(month, dept), rows consumed.
# Before each month, not timed: the month's settlements generated into
# medaid_gen.month_settlement, both delta batches opened and staged into
# roster_staging, a CHECKPOINT.  After each month, not timed: VACUUM ANALYZE
# of the tables the month touched (as autovacuum would; the settlement
# partitions of the month and the month before, not the whole history), a
# CHECKPOINT, and warning_check(month), which must return no rows (the
# bench exits non-zero otherwise).
#
# Time: the server's clock_timestamp() before and after the step's statement
# in one psql session (commit included, connection not).  Memory: the sum of
# RssAnon (private memory) of every child of the postmaster (backends,
# parallel workers, autovacuum, background processes) sampled every
# BENCH_MEM_INTERVAL seconds by a background shell loop during the step,
# peak minus the sum just before it (the idle baseline): it includes the
# step's own new backend (about the "connection" figure in the report).
# A step shorter than the interval may end between two samples: its peak
# is then that of the samples taken, possibly none above the baseline.
#
# Output: stdout and bench/out/cycle.md (per scale and step: month 1 and the
# last month, their ratio, and the ratio against the smallest scale; every
# month in detail); raw figures in bench/out/cycle_results.tsv.  Exits
# non-zero on an error or a warning_check difference, never on a ratio.
set -euo pipefail

BENCH_SERVER_OPTS=(-o "shared_buffers=1GB" -o "max_wal_size=8GB")
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
people=${BENCH_PEOPLE:-1000000}
settlements=${BENCH_SETTLEMENTS:-20000000}
scales=${BENCH_SCALES:-0.25 0.5 1}
months=${BENCH_MONTHS:-12}
seed=${BENCH_SEED:-1}
year=${BENCH_YEAR:-2026}
interval=${BENCH_MEM_INTERVAL:-0.05}
load_mode=${BENCH_LOAD:-file}
for v in "$people" "$settlements" "$months" "$seed" "$year"; do
	if ! [[ $v =~ ^[1-9][0-9]*$ ]]; then
		echo "cycle.sh: BENCH_PEOPLE, BENCH_SETTLEMENTS, BENCH_MONTHS, BENCH_SEED and BENCH_YEAR must be positive integers" >&2
		exit 2
	fi
done
if ((months > 12 || year < 2001 || year > 2099)); then
	echo "cycle.sh: BENCH_MONTHS is at most 12, BENCH_YEAR in 2001..2099" >&2
	exit 2
fi
if [[ $load_mode != file && $load_mode != split ]]; then
	echo "cycle.sh: BENCH_LOAD is file or split" >&2
	exit 2
fi
if ! [[ $interval =~ ^[0-9]*\.?[0-9]+$ ]]; then
	echo "cycle.sh: BENCH_MEM_INTERVAL is a number of seconds" >&2
	exit 2
fi
read -r -a scale_list <<<"$scales"
if ((${#scale_list[@]} == 0)); then
	echo "cycle.sh: BENCH_SCALES is empty" >&2
	exit 2
fi
for s in "${scale_list[@]}"; do
	if ! [[ $s =~ ^[0-9]*\.?[0-9]+$ ]]; then
		echo "cycle.sh: BENCH_SCALES holds numbers, not '$s'" >&2
		exit 2
	fi
	n=$(awk -v a="$people" -v s="$s" 'BEGIN { printf "%.0f", a * s }')
	m=$(awk -v a="$settlements" -v s="$s" 'BEGIN { printf "%.0f", a * s }')
	if ((n < 1000 || m < 1200)); then
		echo "cycle.sh: scale $s gives $n people and $m settlements: at least 1000 and 1200" >&2
		exit 2
	fi
done
# the smallest scale is the reference of the "vs smallest" ratios
smallest=$(printf '%s\n' "${scale_list[@]}" | sort -g | head -1)

out=$outdir/cycle.md
results=$outdir/cycle_results.tsv
db=medaid_bench_cycle
export PGDATABASE=$db

q() { psql -X -q -v ON_ERROR_STOP=1 -At -F ' ' "$@"; }
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# ------------------------------------------------------------------ memory
# The postmaster's pid (first line of postmaster.pid in the data directory);
# its children are read from /proc/PID/task/PID/children (else pgrep -P).
pm_pid="" mem_ok=0 kids_file=""
mem_init() {
	local dd
	dd=$(q -d postgres -c "SELECT current_setting('data_directory')" 2>/dev/null) || return 0
	pm_pid=$(head -1 "$dd/postmaster.pid" 2>/dev/null) || return 0
	[[ $pm_pid =~ ^[0-9]+$ && -r /proc/$pm_pid/status ]] || return 0
	kids_file=/proc/$pm_pid/task/$pm_pid/children
	[[ -r $kids_file ]] || kids_file=""
	anon_sum
	((anon > 0)) && mem_ok=1
	return 0
}
# anon = the sum of RssAnon (kB) of the postmaster's children; builtins only
# (no fork), so that sampling every 50 ms costs little CPU
anon_sum() {
	local pid l kids=() lines=()
	anon=0
	if [[ -n $kids_file ]]; then
		read -r -a kids 2>/dev/null <"$kids_file" || true
	else
		mapfile -t kids < <(pgrep -P "$pm_pid" || true)
	fi
	for pid in "${kids[@]}"; do
		mapfile -t lines 2>/dev/null <"/proc/$pid/status" || continue
		for l in "${lines[@]}"; do
			if [[ $l == RssAnon:* ]]; then
				l=${l#RssAnon:}
				l=${l%kB}
				anon=$((anon + l))
				break
			fi
		done
	done
}
memf=$outdir/cycle_mem.$$
mem_loop=""
mem_start() {
	((mem_ok)) || return 0
	rm -f "$memf" "$memf.stop"
	(
		peak=0 n=0
		while [[ ! -e $memf.stop ]]; do
			anon_sum
			((anon > peak)) && peak=$anon
			n=$((n + 1))
			sleep "$interval"
		done
		anon_sum
		((anon > peak)) && peak=$anon
		echo "$peak $((n + 1))" >"$memf"
	) </dev/null &
	mem_loop=$!
}
# mem_stop: peak and samples into mem_peak, mem_samples
mem_stop() {
	mem_peak="" mem_samples=0
	((mem_ok)) || return 0
	touch "$memf.stop"
	wait "$mem_loop" || true
	read -r mem_peak mem_samples <"$memf" || mem_peak=""
	rm -f "$memf" "$memf.stop"
}

# ------------------------------------------------------------------ steps
# results: scale, month, step, seconds, peak kB above baseline, baseline kB,
# samples, what the step returned
put() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }

# step SCALE MONTH NAME SQL: SQL in one psql session between two
# clock_timestamp() readings, the cluster's memory sampled meanwhile
step() {
	local scale=$1 month=$2 name=$3 sql=$4 base res secs info delta
	anon_sum
	base=$anon
	mem_start
	if ! res=$(q <<SQL
SELECT extract(epoch FROM clock_timestamp()) AS medaid_t0 \gset
$sql
SELECT 'elapsed', round(extract(epoch FROM clock_timestamp()) - :medaid_t0, 3);
SQL
	); then
		mem_stop
		echo "cycle.sh: step $name of month $month failed" >&2
		return 1
	fi
	mem_stop
	secs=$(sed -n 's/^elapsed //p' <<<"$res")
	info=$( (grep -v '^elapsed ' <<<"$res" || true) | tr '\n' ' ' | sed 's/ *$//')
	delta=""
	[[ -n $mem_peak ]] && delta=$((mem_peak > base ? mem_peak - base : 0))
	put "$scale" "$month" "$name" "$secs" "$delta" "$base" "$mem_samples" "$info"
	last_info=$info
}

# the settlement partition of month k (0: December of the year before)
part() { # month
	if (($1 == 0)); then printf 'medaid.settlement_y%dm12' $((year - 1)); else printf 'medaid.settlement_y%dm%02d' "$year" "$1"; fi
}
# the tables a month touches, for VACUUM ANALYZE: its settlement partition
# and the month before's (late rows, reversed settlements)
touched() { # month
	local k=$1 t="medaid.settlement_key, medaid.burden_year, medaid.person, medaid.category_period,
		medaid.roster_staging, medaid.roster_result, medaid.roster_change, medaid.anomaly_return, medaid.batch,
		medaid.warning, medaid.warning_run, medaid.warning_push, medaid.audit_log"
	t+=", $(part "$k")"
	((k >= 1)) && t+=", $(part $((k - 1)))"
	echo "$t"
}

run_scale() { # scale
	local s=$1 n st k m b0 bc br t0 tw rows diffs timed vac
	n=$(awk -v a="$people" -v s="$s" 'BEGIN { printf "%.0f", a * s }')
	st=$(awk -v a="$settlements" -v s="$s" 'BEGIN { printf "%.0f", a * s }')
	tw=$(date +%s.%N)
	progress "scale $s: $n people, $st settlements a year; database $db on ${PGHOST}:${PGPORT:-5432}"
	bench_newdb "$db"
	q -c 'CREATE EXTENSION medaid'
	"$here/../scripts/load-regions" >/dev/null
	code_version
	put "$s" - code "" "" "" "" "$code"
	put "$s" - size "" "" "" "" "$n $st"

	t0=$(date +%s.%N)
	q -v people="$n" -v settlements="$st" -v seed="$seed" -v year="$year" -f "$here/province.sql" >/dev/null
	put "$s" - generate "$(secs_since "$t0")" "" "" "" \
		"$(q -c "SELECT (SELECT count(*) FROM medaid_gen.roster WHERE month = 0 AND dept = 'civil_affairs') || ' ' ||
						(SELECT count(*) FROM medaid_gen.roster WHERE month = 0 AND dept = 'rural') || ' ' ||
						(SELECT count(*) FROM medaid_gen.roster WHERE month > 0)")"
	progress "scale $s: generated in $(secs_since "$t0") s"
	t0=$(date +%s.%N)
	rows=$(q <<SQL
SET jit = off;
SELECT medaid.ensure_settlement_partitions(make_date($year - 1, 12, 1), make_date($year, 12, 1)) \g /dev/null
INSERT INTO medaid.income_baseline (province, year, per_capita_income, source)
VALUES ('37', $year - 1, 42000.00, 'bench/cycle.sh: a demo figure, not the official statistic');
INSERT INTO medaid.settlement SELECT * FROM medaid_gen.settlements(0);
SELECT count(*) FROM medaid.settlement;
SQL
	)
	put "$s" 0 stage "$(secs_since "$t0")" "" "" "" "$rows"
	progress "scale $s: December's $rows settlements loaded in $(secs_since "$t0") s (not timed)"

	# month 0: the departments' initial snapshots of December
	m=$(printf '%d-12-01' $((year - 1)))
	for dept in civil_affairs rural; do
		b0=$(q -c "SELECT medaid.open_batch('$dept', '$m', 'snapshot')")
		q -c "INSERT INTO medaid.roster_staging (batch_id, row_no, name, id_number, category, event, event_date, region)
			  SELECT $b0, row_no, name, id_number, category, event, event_date, region
			  FROM medaid_gen.roster WHERE dept = '$dept' AND month = 0"
		q -c "SELECT medaid.close_batch($b0, (SELECT count(*) FROM medaid_gen.roster WHERE dept = '$dept' AND month = 0))" >/dev/null
		q -c CHECKPOINT
		step "$s" 0 "snapshot ${dept%%_*}" \
			"SELECT applied, duplicates, anomalies, exits, rows_staged FROM medaid.reconcile($b0);"
		progress "scale $s: $dept snapshot reconciled (applied duplicates anomalies exits rows): $last_info"
	done
	q -c "VACUUM (ANALYZE) $(touched 0)" -c CHECKPOINT

	for k in $(seq 1 "$months"); do
		m=$(printf '%d-%02d-01' "$year" "$k")
		t0=$(date +%s.%N)
		read -r bc br rows < <(q <<SQL
SET jit = off;
TRUNCATE medaid_gen.month_settlement;
INSERT INTO medaid_gen.month_settlement SELECT * FROM medaid_gen.settlements($k);
SELECT medaid.open_batch('civil_affairs', '$m', 'delta') AS bc \gset
SELECT medaid.open_batch('rural', '$m', 'delta') AS br \gset
INSERT INTO medaid.roster_staging (batch_id, row_no, name, id_number, category, event, event_date, region)
SELECT CASE dept WHEN 'rural' THEN :br ELSE :bc END, row_no, name, id_number, category, event, event_date, region
FROM medaid_gen.roster WHERE month = $k;
SELECT medaid.close_batch(:bc, (SELECT count(*) FROM medaid_gen.roster WHERE month = $k AND dept <> 'rural')) \g /dev/null
SELECT medaid.close_batch(:br, (SELECT count(*) FROM medaid_gen.roster WHERE month = $k AND dept = 'rural')) \g /dev/null
SELECT :bc, :br, count(*) || ' (' || count(reverses) || ' reversals)' FROM medaid_gen.month_settlement;
CHECKPOINT;
SQL
		)
		if [[ -z $rows ]]; then
			echo "cycle.sh: staging month $k failed" >&2
			return 1
		fi
		put "$s" "$k" stage "$(secs_since "$t0")" "" "" "" "$rows"
		if [[ $load_mode == file ]]; then
			step "$s" "$k" load "INSERT INTO medaid.settlement SELECT * FROM medaid_gen.month_settlement;"
		else
			step "$s" "$k" load "INSERT INTO medaid.settlement SELECT * FROM medaid_gen.month_settlement WHERE reverses IS NULL;
INSERT INTO medaid.settlement SELECT * FROM medaid_gen.month_settlement WHERE reverses IS NOT NULL;"
		fi
		step "$s" "$k" "reconcile civil" \
			"SELECT applied, duplicates, anomalies, exits, rows_staged FROM medaid.reconcile($bc);"
		step "$s" "$k" "reconcile rural" \
			"SELECT applied, duplicates, anomalies, exits, rows_staged FROM medaid.reconcile($br);"
		step "$s" "$k" warnings \
			"SELECT mode, people_assessed, warned, new_warnings FROM medaid.run_monthly_warnings('$m');"
		step "$s" "$k" "push civil" "SELECT count(*) FROM medaid.push_warnings('$m', 'civil_affairs');"
		step "$s" "$k" "push rural" "SELECT count(*) FROM medaid.push_warnings('$m', 'rural');"
		t0=$(date +%s.%N)
		q -c "VACUUM (ANALYZE) $(touched "$k")" -c CHECKPOINT
		vac=$(secs_since "$t0")
		t0=$(date +%s.%N)
		diffs=$(q -c "SELECT count(*) FROM medaid.warning_check('$m')")
		put "$s" "$k" check "$(secs_since "$t0")" "" "" "" "$diffs"
		put "$s" "$k" vacuum "$vac" "" "" "" ""
		timed=$(awk -F '\t' -v s="$s" -v k="$k" '$1 == s && $2 == k && $3 !~ /^(stage|check|vacuum)$/ { t += $4 }
			END { printf "%.2f", t }' "$results")
		progress "scale $s: $m: $rows settlements; steps $timed s; $(awk -F '\t' -v s="$s" -v k="$k" \
			'$1 == s && $2 == k && $3 == "warnings" { print "warnings " $8 }' "$results"); warning_check: $diffs differences"
		if [[ $diffs != 0 ]]; then
			echo "cycle.sh: warning_check found $diffs differences for $m at scale $s" >&2
			return 1
		fi
	done
	put "$s" - db_size "" "" "" "" "$(q -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
	put "$s" - wall "$(secs_since "$tw")" "" "" "" ""
}

# ------------------------------------------------------------------ report
r() { # scale month step column(4 secs, 5 peak kB, 8 info)
	awk -F '\t' -v s="$1" -v k="$2" -v n="$3" -v c="$4" '$1 == s && $2 == k && $3 == n { v = $c } END { print v }' "$results"
}
fmt_s() { [[ -n $1 ]] && LC_ALL=C printf '%.2f' "$1" || echo n/a; }
fmt_mb() { [[ -n $1 ]] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo n/a; }
ratio() { # a b
	if [[ -n $1 && -n $2 ]] && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	else
		echo n/a
	fi
}
# ratios of memory are only meaningful above a few MB: below 1 MB, n/a
ratio_mem() { # a b (kB)
	if [[ -n $1 && -n $2 ]] && ((${2:-0} >= 1024)); then ratio "$1" "$2"; else echo n/a; fi
}
month_sum() { # scale month: seconds of the timed steps, max peak
	awk -F '\t' -v s="$1" -v k="$2" '$1 == s && $2 == k && $3 !~ /^(stage|check|vacuum)$/ {
		t += $4; if ($5 != "" && $5 + 0 > p) p = $5 + 0; any = 1 }
		END { if (any) printf "%.3f\t%s\n", t, p }' "$results"
}

report() {
	local steps=(load "reconcile civil" "reconcile rural" warnings "push civil" "push rural")
	local last=$months s n st a b ma mb step ref_t ref_m dt
	local cpu mem_total pgver settings when
	cpu=$( (grep -m1 '^model name' /proc/cpuinfo || true) | sed 's/^[^:]*: *//')
	mem_total=$(awk '$1 == "MemTotal:" { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)
	pgver=$(q -d postgres -c "SELECT version()")
	settings=$(q -d postgres -c "SELECT string_agg(name || ' ' || setting || coalesce(unit, ''), ', ' ORDER BY name)
		FROM (SELECT name, CASE WHEN unit = '8kB' THEN pg_size_pretty(setting::bigint * 8192) ELSE setting END AS setting,
					 CASE WHEN unit IN ('8kB') THEN NULL ELSE unit END AS unit
			  FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'hash_mem_multiplier',
				'effective_cache_size', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'jit',
				'max_parallel_workers_per_gather', 'max_parallel_workers', 'max_worker_processes', 'autovacuum')) x")
	when=$(date -u '+%Y-%m-%d %H:%M UTC')
	echo "# medaid monthly cycle benchmark"
	echo
	echo "$when. Machine: $(nproc) CPUs ($cpu), $mem_total memory; load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)."
	echo "Server: $pgver."
	echo "Settings: $settings."
	echo "Code: $(r "${scale_list[0]}" - code 8)."
	echo "Sizes: BENCH_PEOPLE=$people BENCH_SETTLEMENTS=$settings_year a year, scales ${scale_list[*]}, seed $seed, year $year, $months months; settlements loaded as BENCH_LOAD=$load_mode (file: one statement a month, originals and reversals, as a COPY of the month's file; split: originals, then reversals)."
	if ((mem_ok)); then
		echo "Memory: peak minus idle baseline of the summed RssAnon of the postmaster's children, sampled every $interval s; a connection that idles 0.3 s shows ${conn_mb} MB; a step shorter than the interval may be missed (0.0)."
	else
		echo "Memory: not measured (the server's processes are not readable from here)."
	fi
	echo
	echo "Seconds (wall clock by the server's clock, commit included) and peak memory (MB) of each step, month 1 and month $last:"
	echo "ratio $last/1 should be about 1 (a month costs what it brings, not the history); \"vs $smallest\" is month $last against the"
	echo "smallest scale at month $last, beside the ratio of the data (the month's settlements and roster rows grow with the scale)."
	echo
	echo "| step | scale | people | month 1 s | month $last s | $last/1 | vs $smallest (data) | month 1 MB | month $last MB | $last/1 | vs $smallest |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for step in "snapshot civil" "snapshot rural"; do
		for s in "${scale_list[@]}"; do
			read -r n st <<<"$(r "$s" - size 8)"
			a=$(r "$s" 0 "$step" 4) ma=$(r "$s" 0 "$step" 5)
			ref_t=$(r "$smallest" 0 "$step" 4) ref_m=$(r "$smallest" 0 "$step" 5)
			echo "| $step (month 0) | $s | $n | $(fmt_s "$a") | | | $(ratio "$a" "$ref_t")× ($(ratio "$s" "$smallest")×) | $(fmt_mb "$ma") | | | $(ratio_mem "$ma" "$ref_m")× |"
		done
	done
	for step in "${steps[@]}" month; do
		for s in "${scale_list[@]}"; do
			read -r n st <<<"$(r "$s" - size 8)"
			if [[ $step == month ]]; then
				IFS=$'\t' read -r a ma <<<"$(month_sum "$s" 1)"
				IFS=$'\t' read -r b mb <<<"$(month_sum "$s" "$last")"
				IFS=$'\t' read -r ref_t ref_m <<<"$(month_sum "$smallest" "$last")"
			else
				a=$(r "$s" 1 "$step" 4) ma=$(r "$s" 1 "$step" 5)
				b=$(r "$s" "$last" "$step" 4) mb=$(r "$s" "$last" "$step" 5)
				ref_t=$(r "$smallest" "$last" "$step" 4) ref_m=$(r "$smallest" "$last" "$step" 5)
			fi
			echo "| $([[ $step == month ]] && echo '**the month** (sum; peak: max)' || echo "$step") | $s | $n | $(fmt_s "$a") | $(fmt_s "$b") | $(ratio "$b" "$a")× | $(ratio "$b" "$ref_t")× ($(ratio "$s" "$smallest")×) | $(fmt_mb "$ma") | $(fmt_mb "$mb") | $(ratio_mem "$mb" "$ma")× | $(ratio_mem "$mb" "$ref_m")× |"
		done
	done
	echo
	echo "Wall time per scale (the timed steps, and what was not timed: generating the province and each month's rows, staging, VACUUM ANALYZE, warning_check):"
	echo
	echo "| scale | people | settlements a year | generate province s | stage months s | timed steps s | VACUUM ANALYZE s | warning_check s | whole scale s | database |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in "${scale_list[@]}"; do
		read -r n st <<<"$(r "$s" - size 8)"
		echo "| $s | $n | $st | $(r "$s" - generate 4) | $(awk -F '\t' -v s="$s" '$1 == s && $3 == "stage" { t += $4 } END { printf "%.1f", t }' "$results") | $(awk -F '\t' -v s="$s" '$1 == s && $2 != "-" && $3 !~ /^(stage|check|vacuum)$/ { t += $4 } END { printf "%.1f", t }' "$results") | $(awk -F '\t' -v s="$s" '$1 == s && $3 == "vacuum" { t += $4 } END { printf "%.1f", t }' "$results") | $(awk -F '\t' -v s="$s" '$1 == s && $3 == "check" { t += $4 } END { printf "%.1f", t }' "$results") | $(r "$s" - wall 4) | $(r "$s" - db_size 8) |"
	done
	for s in "${scale_list[@]}"; do
		read -r n st <<<"$(r "$s" - size 8)"
		read -r a b dt <<<"$(r "$s" - generate 8)"
		echo
		echo "## Scale $s: $n people, $st settlements a year"
		echo
		echo "Initial snapshots: civil affairs $a rows, rural $b rows; $dt delta rows over the year."
		echo "Each cell: seconds / peak MB. Reconcile: applied duplicates anomalies exits rows; warnings: mode, people computed, warned, new."
		echo
		echo "| month | settlements | load | reconcile civil | | reconcile rural | | warnings | | push civil | push rural | month s | check |"
		echo "|---|---:|---:|---:|---|---:|---|---:|---|---:|---:|---:|---|"
		echo "| 0 (snapshots) | $(r "$s" 0 stage 8) (not timed) | | $(fmt_s "$(r "$s" 0 "snapshot civil" 4)") / $(fmt_mb "$(r "$s" 0 "snapshot civil" 5)") | $(r "$s" 0 "snapshot civil" 8) | $(fmt_s "$(r "$s" 0 "snapshot rural" 4)") / $(fmt_mb "$(r "$s" 0 "snapshot rural" 5)") | $(r "$s" 0 "snapshot rural" 8) | | | | | | |"
		for k in $(seq 1 "$last"); do
			cell() { echo "$(fmt_s "$(r "$s" "$k" "$1" 4)") / $(fmt_mb "$(r "$s" "$k" "$1" 5)")"; }
			IFS=$'\t' read -r a ma <<<"$(month_sum "$s" "$k")"
			echo "| $k | $(r "$s" "$k" stage 8) | $(cell load) | $(cell "reconcile civil") | $(r "$s" "$k" "reconcile civil" 8) | $(cell "reconcile rural") | $(r "$s" "$k" "reconcile rural" 8) | $(cell warnings) | $(r "$s" "$k" warnings 8) | $(cell "push civil") ($(r "$s" "$k" "push civil" 8)) | $(cell "push rural") ($(r "$s" "$k" "push rural" 8)) | $(fmt_s "$a") | $(r "$s" "$k" check 8) differences |"
		done
	done
}

main() {
	set -euo pipefail
	: >"$results"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	settings_year=$settlements
	mem_init
	conn_mb=n/a
	for s in "${scale_list[@]}"; do
		run_scale "$s"
	done
	if ((mem_ok)); then
		# what a connection that idles for 0.3 s shows
		step conn - connection "SELECT pg_sleep(0.3);"
		conn_mb=$(fmt_mb "$(r conn - connection 5)")
	fi
	progress "report: $out"
	report
}

set +e
(main) >"$out.tmp"
status=$?
set -e
if ((status == 0)); then
	mv "$out.tmp" "$out"
	cat "$out"
	[[ -n ${BENCH_KEEP:-} ]] || psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"
else
	cat "$out.tmp" >&2
fi
exit "$status"
