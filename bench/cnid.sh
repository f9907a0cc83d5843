#!/usr/bin/env bash
# bench/cnid.sh: medaid's cnid_check against a floor query and against the
# PL/pgSQL reference implementation, plus btree size of cnid against text.
#
#   make bench-cnid                       (or: bash bench/cnid.sh)
#   BENCH_ROWS=200000 bash bench/cnid.sh
#
# Needs medaid installed (make install).  With PGHOST unset it re-runs
# itself under `pg_virtualenv -t`; with PGHOST etc. set it uses that
# server.  It (re)creates the database medaid_bench there.
#
# Environment: BENCH_ROWS (1000000), BENCH_SAMPLE (100000: rows the slow
# PL/pgSQL reference is timed and cross-checked on), BENCH_REPS (3: best
# of), BENCH_SEED (0.42).
#
# Timing: server-side, clock_timestamp() around EXECUTE in a PL/pgSQL loop
# (medaid_bench.run_all): no client transfer, planning (well under 1 ms)
# included.  Queries run round-robin, best of BENCH_REPS each, with
# max_parallel_workers_per_gather = 0 and jit = off.
#
# Output: a table and a summary on stdout, the same as Markdown in
# bench/out/cnid.md.  Exits non-zero only when the C and PL/pgSQL
# implementations disagree on a row (or on an error), never on a missed goal.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rows=${BENCH_ROWS:-1000000}
sample=${BENCH_SAMPLE:-100000}
reps=${BENCH_REPS:-3}
seed=${BENCH_SEED:-0.42}
for v in rows sample reps; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "cnid.sh: BENCH_${v^^} must be a positive integer, not '${!v}'" >&2
		exit 2
	fi
done
if ! [[ $seed =~ ^-?(0|1)?(\.[0-9]+)?$ ]]; then
	echo "cnid.sh: BENCH_SEED must be a number in [-1, 1], not '$seed'" >&2
	exit 2
fi
((sample > rows)) && sample=$rows
db=medaid_bench

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
q() { psql_db -At -F $'\t' -c "$1"; }

progress "database $db on ${PGHOST}:${PGPORT:-5432}"
bench_newdb "$db"
psql_db -f "$here/cnid_setup.sql"

progress "generating $rows rows"
psql_db -v rows="$rows" -v sample="$sample" -v seed="$seed" -f "$here/cnid_data.sql"
psql_db -c "INSERT INTO medaid_bench.info
	SELECT 'rows_messy', count(*) FROM messy UNION ALL
	SELECT 'rows_valid', count(*) FROM messy_valid UNION ALL
	SELECT 'rows_sample', count(*) FROM messy_sample UNION ALL
	SELECT 'messy_bytes', pg_table_size('messy')"

progress "timing (best of $reps, round-robin)"
psql_db -v reps="$reps" -f "$here/cnid_measure.sql"

progress "cross-checking C against PL/pgSQL on $sample rows"
psql_db -f "$here/cnid_check.sql"

progress "index sizes"
psql_db -f "$here/cnid_index.sql"

# ---------------------------------------------------------------- report
info() { q "SELECT value FROM medaid_bench.info WHERE key = '$1'"; }

timings=$(q "
	SELECT q.label, q.dataset, i.value::bigint,
		   round(min(r.ms)::numeric, 1),
		   round((min(r.ms) * 1e6 / i.value::bigint)::numeric, 1),
		   string_agg(round(r.ms::numeric, 1)::text, ' / ' ORDER BY r.rep)
	FROM medaid_bench.query q
		JOIN medaid_bench.run r USING (ord)
		JOIN medaid_bench.info i ON i.key = 'rows_' || q.dataset
	GROUP BY q.ord, q.label, q.dataset, i.value
	ORDER BY q.ord")

# ns/row of query ord n
ns() { q "SELECT min(r.ms) * 1e6 / i.value::bigint
	FROM medaid_bench.run r JOIN medaid_bench.query q USING (ord)
		JOIN medaid_bench.info i ON i.key = 'rows_' || q.dataset
	WHERE ord = $1 GROUP BY i.value"; }
fmt() { LC_ALL=C printf "%.${2:-1}f" "$1"; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }

ns_floor=$(ns 1) ns_c=$(ns 2) ns_vfloor=$(ns 3) ns_cast=$(ns 4)
ns_sfloor=$(ns 5) ns_sc=$(ns 6) ns_ref=$(ns 7)
r_floor=$(div "$ns_c" "$ns_floor")
r_ref=$(div "$ns_ref" "$ns_sc")
r_cast=$(div "$ns_cast" "$ns_vfloor")
idx_cnid=$(info index_cnid_bytes) idx_text=$(info index_text_bytes) idx_rows=$(info index_rows)
r_idx=$(div "$idx_cnid" "$idx_text")
checked=$(info checked_rows) disagreements=$(info disagreements)
cache_hit=$(info cache_Hit) cache_read=$(info cache_Read)

cpu=$( (grep -m1 '^model name' /proc/cpuinfo || true) | sed 's/^[^:]*: *//')
cpus=$(nproc)
pgver=$(q "SELECT version()")
sbuf=$(q "SHOW shared_buffers")
messy_mb=$(awk -v b="$(info messy_bytes)" 'BEGIN { printf "%.1f", b / 1048576 }')
mix=$(q "SELECT outcome, n, round(100.0 * n / sum(n) OVER (), 1) FROM medaid_bench.mix ORDER BY n DESC")
when=$(date -u '+%Y-%m-%d %H:%M UTC')

goal() { # value op limit
	if awk -v v="$1" -v l="$3" "BEGIN { exit !(v $2 l) }"; then echo met; else echo MISSED; fi
}
g_floor=$(goal "$r_floor" '<=' 1.5)
g_ref=$(goal "$r_ref" '>=' 50)
g_idx=$(goal "$r_idx" '<=' 0.60)

{
	echo
	echo "medaid cnid benchmark  ($when)"
	echo "machine: $cpus CPUs, $cpu"
	echo "server:  $pgver"
	echo "         shared_buffers $sbuf; messy is $messy_mb MB; floor scan: shared hit $cache_hit, read $cache_read blocks"
	echo "method:  best of $reps (round-robin), server-side clock_timestamp() around EXECUTE, parallel workers off, JIT off"
	echo "data:    $rows rows (seed $seed); PL/pgSQL timed on the first $sample rows (sample), the cast on the valid subset"
	echo
	printf '%-42s %-7s %9s %10s %9s   %s\n' query data rows 'best ms' 'ns/row' 'runs (ms)'
	while IFS=$'\t' read -r label dataset n best nsrow runs; do
		printf '%-42s %-7s %9s %10s %9s   %s\n' "$label" "$dataset" "$n" "$best" "$nsrow" "$runs"
	done <<<"$timings"
	echo
	echo "outcomes (cnid_check over messy):"
	while IFS=$'\t' read -r outcome n pct; do
		printf '  %-26s %9s  %5s%%\n' "$outcome" "$n" "$pct"
	done <<<"$mix"
	echo
	echo "cross-check on $checked sample rows: $disagreements disagreements (ok/reason/canonical, upgraded when ok)"
	echo "btree on $idx_rows valid ids: cnid $idx_cnid bytes, text $idx_text bytes"
	echo
	printf '%-36s %7sx   (goal <= 1.5x, %s)   %s vs %s ns/row, +%s ns/row\n' 'cnid_check vs floor (length):' \
		"$(fmt "$r_floor" 2)" "$g_floor" "$(fmt "$ns_c")" "$(fmt "$ns_floor")" "$(fmt "$(sub "$ns_c" "$ns_floor")")"
	printf '%-36s %7sx   (goal >= 50x, %s)   %s vs %s ns/row (sample)\n' 'PL/pgSQL vs cnid_check:' \
		"$(fmt "$r_ref" 1)" "$g_ref" "$(fmt "$ns_ref")" "$(fmt "$ns_sc")"
	printf '%-36s %7s    (goal <= 0.60, %s)   %s vs %s bytes\n' 'cnid index / text index size:' \
		"$(fmt "$r_idx" 2)" "$g_idx" "$idx_cnid" "$idx_text"
	printf '%-36s %7sx   (no goal)   %s vs %s ns/row (valid subset)\n' 'raw::cnid vs floor (length):' \
		"$(fmt "$r_cast" 2)" "$(fmt "$ns_cast")" "$(fmt "$ns_vfloor")"
	echo
}

{
	echo "# medaid cnid benchmark"
	echo
	echo "$when. $cpus CPUs, $cpu; $pgver; shared_buffers $sbuf."
	echo "$rows rows (seed $seed), best of $reps round-robin runs, server-side"
	echo "\`clock_timestamp()\` around \`EXECUTE\`, parallel workers off, JIT off."
	echo "The PL/pgSQL reference is timed on the first $sample rows (sample); the cast on the valid subset."
	echo
	echo "| | value | goal | | detail |"
	echo "|---|---:|---|---|---|"
	echo "| cnid_check vs floor (length) | $(fmt "$r_floor" 2)x | <= 1.5x | $g_floor | $(fmt "$ns_c") vs $(fmt "$ns_floor") ns/row |"
	echo "| PL/pgSQL vs cnid_check | $(fmt "$r_ref" 1)x | >= 50x | $g_ref | $(fmt "$ns_ref") vs $(fmt "$ns_sc") ns/row (sample) |"
	echo "| cnid index / text index size | $(fmt "$r_idx" 2) | <= 0.60 | $g_idx | $idx_cnid vs $idx_text bytes, $idx_rows ids |"
	echo "| raw::cnid vs floor (length) | $(fmt "$r_cast" 2)x | | | $(fmt "$ns_cast") vs $(fmt "$ns_vfloor") ns/row (valid subset) |"
	echo "| C vs PL/pgSQL disagreements | $disagreements | 0 | $([[ $disagreements == 0 ]] && echo met || echo MISSED) | $checked sample rows |"
	echo
	echo "| query | data | rows | best ms | ns/row | runs (ms) |"
	echo "|---|---|---:|---:|---:|---|"
	while IFS=$'\t' read -r label dataset n best nsrow runs; do
		echo "| \`$label\` | $dataset | $n | $best | $nsrow | $runs |"
	done <<<"$timings"
	echo
	echo "| outcome (cnid_check over messy) | rows | % |"
	echo "|---|---:|---:|"
	while IFS=$'\t' read -r outcome n pct; do
		echo "| $outcome | $n | $pct |"
	done <<<"$mix"
} >"$outdir/cnid.md"
progress "wrote $outdir/cnid.md"

if [[ $disagreements != 0 ]]; then
	echo "C and PL/pgSQL disagree on $disagreements rows; the first 20:" >&2
	psql_db -c "SELECT * FROM medaid_bench.disagree LIMIT 20" >&2
	exit 1
fi
