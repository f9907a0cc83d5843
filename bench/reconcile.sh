#!/usr/bin/env bash
# bench/reconcile.sh: reconciling a civil-affairs snapshot of BENCH_ROWS rows
# against a register of BENCH_ROWS people, against COPYing the same file into
# roster_staging in the same session; the backend's peak memory and the temp
# files written meanwhile.
#
#   make bench-reconcile                  (or: bash bench/reconcile.sh)
#   BENCH_ROWS=200000 bash bench/reconcile.sh
#   BENCH_SWEEP=0 bash bench/reconcile.sh  (BENCH_ROWS only, not /4 and /2)
#
# Needs medaid installed (make install).  With PGHOST unset it re-runs itself
# under `pg_virtualenv -t`, with pg_stat_statements preloaded for the
# per-statement breakdown; with PGHOST etc. set it uses that server (the
# breakdown is then skipped unless pg_stat_statements is preloaded there, and
# memory is only measured when the server runs on this host and /proc of
# its backends is readable).  It (re)creates the database
# medaid_bench_reconcile there, once per size.
#
# Environment: BENCH_ROWS (1000000: people in the register and rows in each
# snapshot), BENCH_SWEEP (1: also runs BENCH_ROWS/4 and BENCH_ROWS/2 first,
# each in a fresh database, to show how time and memory grow; about 3
# minutes in all at 1000000 on 2 CPUs; 0: BENCH_ROWS only), BENCH_SEED (0.42),
# BENCH_EXPLAIN (0; 1 logs the plans of reconcile's statements with
# auto_explain, ANALYZE and BUFFERS but no per-node timing, 2 with per-node
# timing, to bench/out/reconcile_plans_<rows>.txt; the timed run then carries
# the instrumentation's overhead), BENCH_EXPLAIN_MIN_MS (10: plans of
# statements faster than this are not logged, e.g. the per-row foreign-key
# checks), BENCH_MEM_INTERVAL (0.1 s: RssAnon sampling).
#
# Each size: generate rows people and the two snapshot files (January: all of
# them; February: 96.5% unchanged, 1% cosmetic variants, 1% omitted, 1%
# another category, 0.5% anomalies, 1% new people; see reconcile_data.sql),
# written to bench/out/reconcile_2026-0{1,2}.csv.  January is loaded (\copy +
# reconcile: the register's initial load, timed and reported as setup),
# medaid's tables are VACUUM ANALYZEd (as autovacuum would have in the month
# between), then February is loaded and timed: \copy ... FROM the file (the
# way docs/reference.md loads a roster), then SELECT * FROM medaid.reconcile,
# in one psql session, wall clock by clock_timestamp() around each (commit
# included), a CHECKPOINT before each (not timed); the backend's CPU time is
# reported beside the wall clock.  Server settings are the defaults (work_mem
# 4MB, JIT and parallel query as configured) and printed.
#
# Output: a table and a summary on stdout, the same as Markdown in
# bench/out/reconcile.md.  Exits non-zero when reconcile's outcome counts
# differ from the ones the data was built to give (or on an error), never on
# a missed goal.
set -euo pipefail

BENCH_SERVER_OPTS=(-o "shared_preload_libraries=pg_stat_statements")
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rows=${BENCH_ROWS:-1000000}
sweep=${BENCH_SWEEP:-1}
seed=${BENCH_SEED:-0.42}
explain=${BENCH_EXPLAIN:-0}
explain_min_ms=${BENCH_EXPLAIN_MIN_MS:-10}
if ! [[ $rows =~ ^[1-9][0-9]*$ ]] || ((rows < 400)); then
	echo "reconcile.sh: BENCH_ROWS must be an integer >= 400, not '$rows'" >&2
	exit 2
fi
if ! [[ $sweep =~ ^[01]$ && $explain =~ ^[012]$ && $explain_min_ms =~ ^[0-9]+$ ]]; then
	echo "reconcile.sh: BENCH_SWEEP must be 0 or 1, BENCH_EXPLAIN 0, 1 or 2, BENCH_EXPLAIN_MIN_MS a number of ms" >&2
	exit 2
fi
if ! [[ $seed =~ ^-?(0|1)?(\.[0-9]+)?$ ]]; then
	echo "reconcile.sh: BENCH_SEED must be a number in [-1, 1], not '$seed'" >&2
	exit 2
fi
sizes=$rows
((sweep)) && sizes="$((rows / 4)) $((rows / 2)) $rows"

db=medaid_bench_reconcile
export BENCH_MEM_SH=$here/reconcile_mem.sh BENCH_OUT=$outdir

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q() { psql_db -At -F $'\t' -c "$1"; }

results=$outdir/reconcile_results.tsv # rows, key, value of every size
: >"$results"
rm -f "$outdir"/reconcile_statements_*.tsv "$outdir"/reconcile_plans_*.txt "$outdir"/reconcile_mem_*
res() { awk -F '\t' -v r="$1" -v k="$2" '$1 == r && $2 == k { v = $3 } END { print v }' "$results"; }
put() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; }

# one \copy + reconcile of a month's file in one session (reconcile_measure.sql)
measure() { # rows label batch csv
	local n=$1 label=$2 batch=$3 csv=$4 ex=off ext=off plans= errfd=2 rc=0
	# the plans (stderr) into a file of their own; else stderr as it is,
	# not opened again (opening /dev/stderr would truncate a log file it is)
	if [[ $label == feb ]] && ((explain)); then
		ex=on plans=$outdir/reconcile_plans_$n.txt
		((explain == 2)) && ext=on
		exec {errfd}>"$plans"
	fi
	psql_db -v rows="$n" -v label="$label" -v batch="$batch" \
		-v explain="$ex" -v explain_timing="$ext" -v explain_min_ms="$explain_min_ms" \
		-f "$here/reconcile_measure.sql" <"$csv" 2>&"$errfd" || rc=$?
	if [[ -n $plans ]]; then
		exec {errfd}>&-
		((rc == 0)) || tail -20 "$plans" >&2
	fi
	((rc == 0)) || return 1
	local phase f hwm rss anon ns cpu
	for phase in copy reconcile; do
		f=$outdir/reconcile_mem_$label.$phase
		if read -r hwm rss anon ns cpu <"$f" && [[ $hwm != n/a ]]; then
			put "$n" "${label}_${phase}_cpu_s" "$cpu"
			put "$n" "${label}_${phase}_vmhwm_kb" "$hwm"
			put "$n" "${label}_${phase}_rss_max_kb" "$rss"
			put "$n" "${label}_${phase}_anon_max_kb" "$anon"
			put "$n" "${label}_${phase}_mem_samples" "$ns"
		fi
		rm -f "$f"
	done
}

# "COPY x s, reconcile y s" of a step just measured
took() { # rows label
	q "SELECT format('COPY %s s, reconcile %s s', round(c.value::numeric, 2), round(r.value::numeric, 2))
	   FROM medaid_bench.info c, medaid_bench.info r
	   WHERE c.rows = $1 AND c.key = '$2_copy_s' AND r.rows = $1 AND r.key = '$2_reconcile_s'"
}

# a month's snapshot file, carrying its batch_id as roster_staging's first column
write_csv() { # month batch file
	q "COPY (SELECT $2::bigint AS batch_id, row_no, name, id_number, category, event, event_date, region
			 FROM medaid_bench.snap WHERE month = '$1' ORDER BY row_no)
	   TO STDOUT WITH (FORMAT csv, HEADER)" >"$3"
}

code=""

run_size() { # rows
	local n=$1 t bj bf jan=$outdir/reconcile_2026-01.csv feb=$outdir/reconcile_2026-02.csv
	progress "[$n] database $db on ${PGHOST}:${PGPORT:-5432}"
	bench_newdb "$db"
	psql_db -f "$here/reconcile_setup.sql"
	code_version
	put "$n" code "$code"

	progress "[$n] generating $n people and two snapshot files"
	t=$SECONDS
	psql_db -v rows="$n" -v seed="$seed" -f "$here/reconcile_data.sql"
	bj=$(q "SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'snapshot')")
	write_csv 2026-01-01 "$bj" "$jan"
	put "$n" gen_s $((SECONDS - t))
	put "$n" csv_bytes "$(stat -c %s "$jan")"

	progress "[$n] January (setup): \\copy + reconcile into an empty register"
	measure "$n" jan "$bj" "$jan"
	progress "[$n] January: $(took "$n" jan)"

	progress "[$n] VACUUM (ANALYZE) medaid's tables"
	t=$SECONDS
	psql_db -c "VACUUM (ANALYZE) medaid.person, medaid.category_period, medaid.roster_staging,
		medaid.roster_result, medaid.roster_change, medaid.anomaly_return, medaid.batch"
	put "$n" vacuum_s $((SECONDS - t))

	bf=$(q "SELECT medaid.open_batch('civil_affairs', '2026-02-01', 'snapshot')")
	write_csv 2026-02-01 "$bf" "$feb"
	progress "[$n] February (measured): \\copy + reconcile against $n people"
	put "$n" load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
	measure "$n" feb "$bf" "$feb"
	put "$n" load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
	progress "[$n] February: $(took "$n" feb)"

	q "SELECT rows, key, value FROM medaid_bench.info" >>"$results"
	q "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid)))
	   FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
	   WHERE s.nspname = 'medaid' AND c.relkind = 'r'" | { read -r v; put "$n" medaid_size "$v"; }
	q "SELECT label, toplevel, calls, round(total_ms::numeric, 1), nrows, temp_written_blks,
			  shared_hit_blks, shared_read_blks, shared_dirtied_blks, wal_bytes, round(jit_ms::numeric, 1),
			  left(query, 400)
	   FROM medaid_bench.stmt ORDER BY label, total_ms DESC" >"$outdir/reconcile_statements_$n.tsv"
}

for n in $sizes; do
	run_size "$n"
done

# ---------------------------------------------------------------- report
fmt() { LC_ALL=C printf "%.${2:-1}f" "$1"; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (b > 0 ? a / b : 0) }'; }
mb() { [[ -n $1 ]] && awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }' || echo n/a; }
mbb() { awk -v b="${1:-0}" 'BEGIN { printf "%.0f", b / 1048576 }'; }
goal() { # value op limit
	if awk -v v="$1" -v l="$3" "BEGIN { exit !(v $2 l) }"; then echo met; else echo MISSED; fi
}

cpu=$( (grep -m1 '^model name' /proc/cpuinfo || true) | sed 's/^[^:]*: *//')
cpus=$(nproc)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
settings=$(q "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name)
	FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', 'hash_mem_multiplier',
		'jit', 'max_parallel_workers_per_gather', 'max_wal_size', 'synchronous_commit', 'autovacuum')")
pgver=$(q "SELECT version()")
pgss=$(q "SELECT current_setting('shared_preload_libraries') ~ 'pg_stat_statements'")
# what PostgreSQL's settings let one reconcile hold privately: CREATE INDEX's
# sort (maintenance_work_mem), the temp table's buffers (temp_buffers), and a
# fixed 32 MB for caches, PL/pgSQL and executor state (sorts and hashes of
# one statement, work_mem x hash_mem_multiplier each, fit in that too)
allow_kb=$(q "SELECT (pg_size_bytes(current_setting('maintenance_work_mem'))
		+ pg_size_bytes(current_setting('temp_buffers')) + 32 * 1048576) / 1024")
code=$(res "$rows" code)
for m in $sizes; do
	[[ $(res "$m" code) == "$(res "$rows" code)" ]] ||
		code+="; CAUTION: medaid was reinstalled during the run, the $m-row run measured $(res "$m" code | grep -o 'git [^;]*\|md5 [0-9a-f]*' | tr '\n' ' ')"
done
allow_what="maintenance_work_mem $(q "SHOW maintenance_work_mem") + temp_buffers $(q "SHOW temp_buffers") + 32 MB"

cpu() { local v; v=$(res "$1" "$2_cpu_s"); echo "${v:-n/a}"; }
cpu_ratio() {
	local a b
	a=$(res "$1" "$2_copy_cpu_s") b=$(res "$1" "$2_reconcile_cpu_s")
	if [[ -n $a && -n $b ]]; then fmt "$(div "$b" "$a")" 2; echo x; else echo n/a; fi
}
# per size: rows, copy s, reconcile s, ratio, VmHWM MB, anon MB, temp MB (February)
table=""
for n in $sizes; do
	c=$(res "$n" feb_copy_s) r=$(res "$n" feb_reconcile_s)
	table+="$n	$(fmt "$c" 2)	$(fmt "$r" 2)	$(fmt "$(div "$r" "$c")" 2)	$(mb "$(res "$n" feb_reconcile_vmhwm_kb)")	$(mb "$(res "$n" feb_reconcile_anon_max_kb)")	$(mbb "$(res "$n" feb_reconcile_temp_bytes)")	$(mb "$(res "$n" feb_copy_vmhwm_kb)")	$(mb "$(res "$n" feb_copy_anon_max_kb)")	$(mbb "$(res "$n" feb_copy_temp_bytes)")	$(res "$n" feb_reconcile_autovac)	$(cpu "$n" feb_copy)	$(cpu "$n" feb_reconcile)	$(cpu_ratio "$n" feb)
"
done
setup=""
for n in $sizes; do
	c=$(res "$n" jan_copy_s) r=$(res "$n" jan_reconcile_s)
	setup+="$n	$(fmt "$c" 2)	$(fmt "$r" 2)	$(fmt "$(div "$r" "$c")" 2)	$(mb "$(res "$n" jan_reconcile_vmhwm_kb)")	$(mb "$(res "$n" jan_reconcile_anon_max_kb)")	$(mbb "$(res "$n" jan_reconcile_temp_bytes)")	$(res "$n" gen_s)	$(res "$n" vacuum_s)	$(res "$n" medaid_size)
"
done

n=$rows
copy_s=$(res "$n" feb_copy_s) rec_s=$(res "$n" feb_reconcile_s)
ratio=$(div "$rec_s" "$copy_s")
g_ratio=$(goal "$ratio" '<=' 3)
mismatch=0
outcomes=""
for k in applied duplicates anomalies exits rows_staged; do
	got=$(res "$n" "feb_$k") want=$(res "$n" "expect_$k")
	[[ $got == "$want" ]] || mismatch=1
	outcomes+="$k	$got	$want
"
done
reasons=$(awk -F '\t' -v r="$n" '$1 == r && $2 ~ /^feb_reason_/ { sub(/^feb_reason_/, "", $2); print $2 "\t" $3 }' "$results" |
	sort -t $'\t' -k2,2nr)

# memory: reconcile's peak private memory (RssAnon) against what the
# settings allow; with the sweep, also how it grew from rows/4
anon=$(res "$n" feb_reconcile_anon_max_kb)
g_mem=n/a mem_growth=""
[[ -n $anon ]] && g_mem=$(goal "$anon" '<=' "$allow_kb")
if ((sweep)); then
	a_s=$(res "$((rows / 4))" feb_reconcile_anon_max_kb)
	[[ -n $a_s && -n $anon ]] &&
		mem_growth="; $(mb "$a_s") MB at $((rows / 4)) rows -> $(mb "$anon") MB at $rows (x$(fmt "$(div "$anon" "$a_s")" 2) for x4 rows)"
fi

top_stmts() { # rows label limit
	[[ -s $outdir/reconcile_statements_$1.tsv ]] || return 0
	awk -F '\t' -v l="$2" -v m="$3" '$1 == l && $2 == "f" && n++ < m' "$outdir/reconcile_statements_$1.tsv"
}
stmt_total() { # rows label
	[[ -s $outdir/reconcile_statements_$1.tsv ]] || return 0
	awk -F '\t' -v l="$2" '$1 == l && $2 == "t" && $12 ~ /medaid\.reconcile/ && !n++ { print $4 }' "$outdir/reconcile_statements_$1.tsv"
}

{
	echo
	echo "medaid reconcile benchmark  ($when)"
	echo "machine: $cpus CPUs, $cpu"
	echo "server:  $pgver"
	echo "         $settings (as the bench session sees them; pg_stat_statements loaded: $pgss)"
	echo "code:    $code"
	echo "load:    1/5/15-min load average $(res "$n" load_before) before the measured step, $(res "$n" load_after) after (2 CPUs: other work on the machine shows here)"
	echo "method:  one psql session: CHECKPOINT, \\copy medaid.roster_staging FROM the CSV file (client-side, as in"
	echo "         docs/reference.md), close_batch (not timed), CHECKPOINT, SELECT * FROM medaid.reconcile(batch); wall clock = clock_timestamp()"
	echo "         around each (commit included). VmHWM reset before each step (includes shared_buffers pages touched);"
	echo "         anon = peak RssAnon (private memory) sampled every ${BENCH_MEM_INTERVAL:-0.1} s; temp = temp_bytes delta."
	((explain)) && echo "         BENCH_EXPLAIN=$explain: auto_explain was on during reconcile, its time includes the instrumentation"
	echo
	echo "February snapshot (measured): N rows against a register of N people"
	printf '%9s %8s %11s %6s | %7s %7s %6s | %9s %7s %8s | %8s %7s %8s | %s\n' rows 'copy s' 'reconcile s' ratio \
		'cpu s' 'cpu s' ratio 'VmHWM MB' 'anon MB' 'temp MB' 'copy HWM' 'anon MB' 'temp MB' 'autovac'
	while IFS=$'\t' read -r a b c d e f g h i j k l m o; do
		[[ -n $a ]] && printf '%9s %8s %11s %5sx | %7s %7s %6s | %9s %7s %8s | %8s %7s %8s | %s\n' \
			"$a" "$b" "$c" "$d" "$l" "$m" "$o" "$e" "$f" "$g" "$h" "$i" "$j" "$k"
	done <<<"$table"
	echo "  (wall clock | the backend's CPU time, COPY then reconcile | VmHWM/anon/temp during reconcile | during COPY;"
	echo "   autovac: autovacuum/analyze runs on medaid tables during reconcile)"
	echo
	echo "January snapshot (setup, not the goal): N rows into an empty register"
	printf '%9s %8s %11s %6s | %9s %7s %8s | %6s %8s %s\n' rows 'copy s' 'reconcile s' ratio 'VmHWM MB' 'anon MB' 'temp MB' 'gen s' 'vacuum s' 'medaid tables'
	while IFS=$'\t' read -r a b c d e f g h i j; do
		[[ -n $a ]] && printf '%9s %8s %11s %5sx | %9s %7s %8s | %6s %8s %s\n' "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i" "$j"
	done <<<"$setup"
	echo
	echo "February outcomes at $n rows (reconcile's counts, and what the data was built to give):"
	while IFS=$'\t' read -r k got want; do
		[[ -n $k ]] && printf '  %-12s %9s  (expected %s)%s\n' "$k" "$got" "$want" "$([[ $got == "$want" ]] || echo '  <-- differs')"
	done <<<"$outcomes"
	echo "  by outcome/reason:"
	while IFS=$'\t' read -r k v; do
		[[ -n $k ]] && printf '    %-34s %9s\n' "$k" "$v"
	done <<<"$reasons"
	if [[ -n $(top_stmts "$n" feb 1) ]]; then
		echo
		echo "where February's reconcile went (pg_stat_statements, nested statements, top 10 by time; reconcile total $(fmt "$(stmt_total "$n" feb)" 0) ms):"
		printf '  %9s %8s %9s %8s %7s  %s\n' ms calls rows 'temp MB' 'jit ms' statement
		top_stmts "$n" feb 10 | while IFS=$'\t' read -r _ _ calls ms nr tmp _ _ _ _ jit qt; do
			printf '  %9s %8s %9s %8s %7s  %s\n' "$ms" "$calls" "$nr" "$(awk -v b="$tmp" 'BEGIN { printf "%.0f", b * 8192 / 1048576 }')" "$jit" "${qt:0:100}"
		done
	fi
	echo
	printf '%-32s %6sx   (goal <= 3x, %s)   %s s vs %s s at %s rows; backend CPU time %s vs %s s: %s\n' 'reconcile vs COPY:' \
		"$(fmt "$ratio" 2)" "$g_ratio" "$(fmt "$rec_s" 2)" "$(fmt "$copy_s" 2)" "$n" \
		"$(cpu "$n" feb_reconcile)" "$(cpu "$n" feb_copy)" "$(cpu_ratio "$n" feb)"
	printf '%-32s %6s MB  (goal <= %s MB = %s, %s)   VmHWM %s MB, temp files %s MB%s\n' 'reconcile peak private memory:' \
		"$(mb "$anon")" "$(mb "$allow_kb")" "$allow_what" "$g_mem" "$(mb "$(res "$n" feb_reconcile_vmhwm_kb)")" \
		"$(mbb "$(res "$n" feb_reconcile_temp_bytes)")" "$mem_growth"
	echo
}

stmt_md() { # label title limit
	[[ -n $(top_stmts "$n" "$1" 1) ]] || return 0
	echo
	echo "Where $2 went at $n rows (pg_stat_statements, nested statements by time; reconcile total $(fmt "$(stmt_total "$n" "$1")" 0) ms):"
	echo
	echo "| ms | calls | rows | temp MB | shared hit | shared read | WAL MB | JIT ms | statement |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	top_stmts "$n" "$1" "$3" | while IFS=$'\t' read -r _ _ calls ms nr tmp hit rd _ wal jit qt; do
		qt=${qt//|/\\|}
		echo "| $ms | $calls | $nr | $(awk -v b="$tmp" 'BEGIN { printf "%.0f", b * 8192 / 1048576 }') | $hit | $rd | $(mbb "$wal") | $jit | \`${qt:0:160}\` |"
	done
}

{
	echo "# medaid reconcile benchmark"
	echo
	echo "$when. $cpus CPUs, $cpu; $pgver."
	echo "Settings (as the bench session sees them; PGOPTIONS can change them): $settings; pg_stat_statements loaded: $pgss."
	echo "Code: $code."
	echo "Load average (1/5/15 min) $(res "$n" load_before) before the measured step, $(res "$n" load_after) after."
	echo
	echo "One psql session per month: \`CHECKPOINT\`; \`\\copy medaid.roster_staging FROM\` the CSV file"
	echo "(client-side, as in docs/reference.md); \`medaid.close_batch\` (not timed); \`CHECKPOINT\`; \`SELECT * FROM medaid.reconcile(batch)\`."
	echo "Wall clock by \`clock_timestamp()\` around each step, commit included; CPU = the backend's user + system time (/proc/PID/stat), less sensitive to other load."
	echo "VmHWM is reset (\`/proc/PID/clear_refs\`) before each step and includes the shared_buffers pages the backend"
	echo "touched; *anon* is the peak RssAnon (private memory) sampled every ${BENCH_MEM_INTERVAL:-0.1} s; *temp* is"
	echo "the database's temp_bytes delta. February: 96.5% unchanged, 1% cosmetic variants of unchanged rows,"
	echo "1% omitted, 1% another category, 0.5% anomalies, 1% new people (bench/reconcile_data.sql)."
	((explain)) && echo "BENCH_EXPLAIN=$explain: auto_explain was on during reconcile; its time includes the instrumentation."
	echo
	echo "| | value | goal | |"
	echo "|---|---:|---|---|"
	echo "| reconcile vs COPY, $n rows (wall clock) | $(fmt "$ratio" 2)x | <= 3x | $g_ratio |"
	echo "| the same in the backend's CPU time | $(cpu_ratio "$n" feb) | | |"
	echo "| reconcile peak private memory (RssAnon), $n rows | $(mb "$anon") MB | <= $(mb "$allow_kb") MB ($allow_what) | $g_mem |"
	[[ -n $mem_growth ]] && echo "" && echo "Peak private memory${mem_growth#;}."
	echo
	echo "February snapshot (measured), N rows against a register of N people:"
	echo
	echo "| rows | COPY s | reconcile s | ratio | COPY CPU s | reconcile CPU s | CPU ratio | reconcile VmHWM MB | reconcile anon MB | reconcile temp MB | COPY VmHWM MB | COPY anon MB | COPY temp MB | autovacuum runs during reconcile |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	while IFS=$'\t' read -r a b c d e f g h i j k l m o; do
		[[ -n $a ]] && echo "| $a | $b | $c | ${d}x | $l | $m | $o | $e | $f | $g | $h | $i | $j | $k |"
	done <<<"$table"
	echo
	echo "January snapshot (setup: into an empty register):"
	echo
	echo "| rows | COPY s | reconcile s | ratio | reconcile VmHWM MB | reconcile anon MB | reconcile temp MB | data gen s | VACUUM ANALYZE s | medaid tables |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	while IFS=$'\t' read -r a b c d e f g h i j; do
		[[ -n $a ]] && echo "| $a | $b | $c | ${d}x | $e | $f | $g | $h | $i | $j |"
	done <<<"$setup"
	echo
	echo "February outcomes at $n rows:"
	echo
	echo "| count | reconcile | expected |"
	echo "|---|---:|---:|"
	while IFS=$'\t' read -r k got want; do
		[[ -n $k ]] && echo "| $k | $got | $want |"
	done <<<"$outcomes"
	echo
	echo "| outcome/reason | rows |"
	echo "|---|---:|"
	while IFS=$'\t' read -r k v; do
		[[ -n $k ]] && echo "| $k | $v |"
	done <<<"$reasons"
	stmt_md feb "February's reconcile" 15
	stmt_md jan "January's reconcile (setup)" 5
} >"$outdir/reconcile.md"
progress "wrote $outdir/reconcile.md"

if ((mismatch)); then
	echo "reconcile's outcome counts differ from the ones the data was built to give (see above)" >&2
	exit 1
fi
