#!/usr/bin/env bash
# medaid's tables distributed by ID number on Citus (docs/citus.md).  Skips
# cleanly, and passes, where the citus extension is not installed.  Runs
# against the server in PG* (superuser); where citus is installed but not
# preloaded it starts its own throwaway cluster with pg_virtualenv.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

available=$(psql -X -Atq -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'citus'" 2>/dev/null || echo 0)
if [ "$available" != 1 ]; then
	echo "skipped: the citus extension is not installed on this server (docs/citus.md)"
	tap_summary
	exit
fi
preloaded=$(psql -X -Atq -d postgres -c "SELECT current_setting('shared_preload_libraries') ~ '(^|,) *citus'")
if [ "$preloaded" != t ]; then
	if [ -n "${MEDAID_CITUS_REEXEC:-}" ]; then
		echo "test-citus: citus is still not preloaded" >&2
		exit 1
	fi
	export MEDAID_CITUS_REEXEC=1
	exec pg_virtualenv -t -o "shared_preload_libraries=citus" bash "$0"
fi

db=medaid_citus
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" || exit 1
q() { psql -X -Atq -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# a small province, before distribution
q <<'SQL' || { not_ok setup; tap_summary; exit; }
CREATE EXTENSION citus;
CREATE EXTENSION medaid;
SELECT citus_set_coordinator_host('localhost', current_setting('port')::int);
INSERT INTO medaid.income_baseline VALUES ('37', 2025, 40000.00, 'test');
CREATE TEMP TABLE p AS
SELECT g, c AS id FROM generate_series(1, 2000) g,
	LATERAL (SELECT x AS c FROM (SELECT '370102' || to_char(date '1950-01-01' + g, 'YYYYMMDD') || '001' || d AS x
								 FROM unnest(string_to_array('0123456789X', NULL)) d) y
			 WHERE medaid.cnid_is_valid(x) LIMIT 1) z;
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-02-01');
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid)
SELECT 'S' || s, p.id::medaid.cnid, date '2026-01-01' + (s % 59), '370102', (s % 997) * 10.00, (s % 997) * 4.00
FROM generate_series(1, 40000) s JOIN p ON p.g = 1 + s % 2000;
CREATE TABLE public.before AS
SELECT id_number::text AS id, (medaid.annual_burden(settle_date, burden, 20000.00)).* FROM medaid.settlement GROUP BY id_number;
SQL

# distribute by ID number, colocated; configuration as reference tables
if q <<'SQL'
-- settlement's statement trigger stays with the coordinator's table (docs/citus.md, "Not yet")
SET citus.enable_unsafe_triggers = on;
SELECT create_distributed_table('medaid.person', 'id_number');
SELECT create_distributed_table('medaid.settlement', 'id_number', colocate_with => 'medaid.person');
SELECT create_distributed_table('medaid.burden_year', 'id_number', colocate_with => 'medaid.person');
SELECT create_distributed_table('medaid.category_period', 'id_number', colocate_with => 'medaid.person');
SELECT create_reference_table('medaid.income_baseline');
SELECT create_reference_table('medaid.threshold_ratio');
SQL
then ok "person, settlement, burden_year and category_period distributed by id_number, colocated"
else not_ok "distribution"; fi

after=$(q -c "SELECT count(*) FROM (SELECT id_number::text AS id, (medaid.annual_burden(settle_date, burden, 20000.00)).* FROM medaid.settlement GROUP BY id_number) a FULL JOIN public.before b USING (id) WHERE a IS DISTINCT FROM b" 2>&1)
is "annual_burden per person is the same after distribution" "$after" 0
plan=$(q -c "EXPLAIN (COSTS OFF) SELECT id_number, medaid.annual_burden(settle_date, burden, 20000.00) FROM medaid.settlement GROUP BY id_number" 2>&1)
pushed=$(grep -c 'Custom Scan (Citus' <<<"$plan")
coord_agg=$(sed -n '1,/Custom Scan (Citus/p' <<<"$plan" | grep -c 'Aggregate')
is "the per-person aggregate runs in a Citus scan" "$((pushed > 0))" 1
is "with no aggregation left on the coordinator (pushed down whole)" "$coord_agg" 0
union=$(q -c "SELECT count(*) FROM (SELECT u.id, (medaid.burden_state_result(u.state, NULL, 20000.00)).* FROM (SELECT id_number::text AS id, medaid.burden_state_union(st) AS state FROM (SELECT id_number, extract(month FROM settle_date) AS m, medaid.burden_state(settle_date, burden, settlement_id, region) AS st FROM medaid.settlement GROUP BY 1, 2) x GROUP BY 1) u) a FULL JOIN public.before b USING (id) WHERE a IS DISTINCT FROM b" 2>&1)
is "burden_state_union of per-month states gives annual_burden's result" "$union" 0

psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
tap_summary
