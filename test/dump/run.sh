#!/usr/bin/env bash
# pg_dump / pg_restore round trip of a database that uses medaid: its
# configuration rows, cnid columns and indexes come back unchanged.  Runs
# inside a server (PGHOST etc. set): make test-dump.  Ends with
# "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
out=build/dump
mkdir -p "$out"

psql -X -q -v ON_ERROR_STOP=1 -d postgres \
	-c 'DROP DATABASE IF EXISTS medaid_dump_src' -c 'DROP DATABASE IF EXISTS medaid_dump_dst' \
	-c 'CREATE DATABASE medaid_dump_src' -c 'CREATE DATABASE medaid_dump_dst'
# a county login: roles live outside the dump (pg_dumpall --roles-only)
psql -X -q -d postgres -c 'DROP ROLE IF EXISTS medaid_dump_county' -c 'CREATE ROLE medaid_dump_county IN ROLE medaid_county' 2>/dev/null ||
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE ROLE medaid_dump_county'
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d medaid_dump_src <<'SQL'
CREATE EXTENSION medaid;
GRANT medaid_county TO medaid_dump_county;
INSERT INTO medaid.region_access (role, region_prefix) VALUES ('medaid_dump_county', '370102');
\copy medaid.region (code, name, level, parent_code, is_gbt2260) FROM 'data/regions/region.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.category_favourability VALUES ('37', 2026, 'jiance', 1);
SELECT medaid.open_batch('civil_affairs', '2026-10-01', 'delta') AS b \gset
CREATE TEMP TABLE f (row_no int, name text, id_number text, category text, event text, event_date date, region text);
\copy f FROM 'demo/roster_civil_2026-10.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.roster_staging SELECT :b, * FROM f;
SELECT medaid.close_batch(:b, (SELECT count(*) FROM f));
SELECT * FROM medaid.reconcile(:b);
SELECT medaid.mark_reviewed('370102', '2026-10-01');
INSERT INTO medaid.income_baseline VALUES ('37', 2025, 40000.00, 'test');
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid) VALUES
 ('S1', '11010519491231002X', '2026-01-05', '370102', 90000.00, 10000.00),
 ('S2', '440524188001010014', '2026-02-05', '370102', 10.00, 0),
 ('S3', '440524188001010014', '2026-03-05', '370102', 10.00, 0);
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-02-01');
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, reverses) VALUES
 ('S1R', '11010519491231002X', '2026-03-06', '370102', -90000.00, -10000.00, 'S1');
SELECT * FROM medaid.run_monthly_warnings('2026-02-01');
-- enrolments with subsidies granted at insert: a restore keeps the grants
INSERT INTO medaid.resident_contribution VALUES ('37', 2026, 380.00, 'test');
INSERT INTO medaid.subsidy_rule VALUES ('37', 2026, 'dibao', 200.00, 'test');
INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on)
SELECT p.id_number, 2026, p.region, '2026-01-10' FROM medaid.person p ORDER BY p.id_number LIMIT 20;
CREATE TABLE person (id medaid.cnid PRIMARY KEY, name text);
CREATE INDEX person_id_hash ON person USING hash (id);
INSERT INTO person VALUES ('11010519491231002X', '张三'), ('440524188001010014', '李四'),
	('130503670401001', '王五');
SQL

snapshot() {
	psql -X -Atq -v ON_ERROR_STOP=1 -d "$1" <<'SQL'
SELECT 'region ' || count(*) || ' ' || md5(string_agg(r::text, ',' ORDER BY code)) FROM medaid.region r;
SELECT 'favourability ' || string_agg(f::text, ',') FROM medaid.category_favourability f;
SELECT 'batch ' || string_agg(b::text, ',' ORDER BY batch_id) FROM (SELECT batch_id, dept, period, mode, applied, duplicates, anomalies FROM medaid.batch) b;
SELECT 'staging ' || count(*) || ' ' || md5(string_agg(s::text, ',' ORDER BY batch_id, row_no)) FROM medaid.roster_staging s;
SELECT 'register ' || count(*) || ' ' || md5(string_agg(p::text, ',' ORDER BY id_number)) FROM medaid.person p;
SELECT 'periods ' || count(*) || ' ' || md5(string_agg(p::text, ',' ORDER BY period_id)) FROM medaid.category_period p;
SELECT 'outcomes ' || count(*) || ' ' || md5(string_agg(r::text, ',' ORDER BY batch_id, row_no)) FROM medaid.roster_result r;
SELECT 'changes ' || count(*) || ' ' || md5(string_agg(c::text, ',' ORDER BY batch_id, row_no, id_number::text, category::text)) FROM medaid.roster_change c;
SELECT 'returns ' || count(*) || ' ' || md5(string_agg(a::text, ',' ORDER BY batch_id, row_no)) FROM medaid.anomaly_return a;
SELECT 'reviews ' || count(*) FROM medaid.monthly_review;
SELECT 'settlements ' || string_agg(s.settlement_id || '@' || s.tableoid::regclass::text, ',' ORDER BY s.settlement_id) FROM medaid.settlement s;
SELECT 'settlement keys ' || string_agg(k::text, ',' ORDER BY settlement_id) FROM medaid.settlement_key k;
SELECT 'warnings ' || string_agg(w::text, ',' ORDER BY id_number::text) FROM medaid.warning w;
SELECT 'warning runs ' || count(*) FROM medaid.warning_run;
SELECT 'burden states ' || string_agg(b::text, ',' ORDER BY id_number::text, year) FROM medaid.burden_year b;
SELECT 'enrolments ' || count(*) || ' ' || md5(string_agg(e::text, ',' ORDER BY enrollment_id)) FROM medaid.enrollment e;
SELECT 'subsidy config ' || (SELECT string_agg(c::text, ',') FROM medaid.resident_contribution c) || ' ' || (SELECT string_agg(r::text, ',') FROM medaid.subsidy_rule r);
SELECT 'rates ' || string_agg(r::text, ',' ORDER BY year, region) FROM medaid.participation_rate r;
SELECT 'next batch id ' || nextval('medaid.batch_id_seq');
SELECT 'person ' || string_agg(id::text || ':' || name, ',' ORDER BY id) FROM public.person;
SELECT 'index ' || indexdef FROM pg_indexes WHERE tablename = 'person' ORDER BY 1;
SELECT 'extension ' || extversion FROM pg_extension WHERE extname = 'medaid';
SELECT 'region access ' || string_agg(a::text, ',' ORDER BY role, region_prefix) FROM medaid.region_access a;
SELECT 'audit ' || count(*) || ' ' || md5(string_agg(a::text, ',' ORDER BY audit_id)) FROM medaid.audit_log a;
SELECT 'next audit id ' || nextval('medaid.audit_log_id_seq');
SELECT 'row security ' || string_agg(c.relname || ':' || c.relrowsecurity || '/' || c.relforcerowsecurity, ',' ORDER BY c.relname)
FROM pg_class c WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p');
SELECT 'policies ' || count(*) || ' ' || md5(string_agg(p::text, ',' ORDER BY tablename, policyname)) FROM pg_policies p WHERE schemaname = 'medaid';
SELECT 'owners and privileges ' || md5(string_agg(c.relname || ':' || c.relowner::regrole || ':' || coalesce(c.relacl::text, '-'), ',' ORDER BY c.relname))
FROM pg_class c WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S');
SELECT 'function privileges ' || md5(string_agg(p.oid::regprocedure::text || ':' || p.proowner::regrole || ':' || coalesce(p.proacl::text, '-'), ',' ORDER BY p.oid::regprocedure::text))
FROM pg_proc p WHERE p.pronamespace = 'medaid'::regnamespace;
SQL
}

pg_dump -Fc -d medaid_dump_src -f "$out/src.dump"
pg_restore --exit-on-error -d medaid_dump_dst "$out/src.dump"
snapshot medaid_dump_src > "$out/src.txt"
snapshot medaid_dump_dst > "$out/dst.txt"
check "pg_dump/pg_restore: $(head -1 "$out/src.txt" | cut -d' ' -f1-2) rows and all data came back" \
	diff -u "$out/src.txt" "$out/dst.txt"
check "the snapshot compared has its 18 or more lines" test "$(grep -c . "$out/src.txt")" -ge 18
# pg_dump wrote no privileges of medaid's own objects (the install script
# sets them) and no policies (idem)
check "the dump carries no privileges or policies of medaid's own objects" \
	bash -c "! pg_restore -l '$out/src.dump' | grep -E ' (ACL|POLICY) medaid '"
is "the county login still sees its county only" \
	"$(psql -X -Atq -v ON_ERROR_STOP=1 -d medaid_dump_dst -c 'SET ROLE medaid_dump_county' \
		-c "SELECT string_agg(DISTINCT region, ',') FROM medaid.person")" 370102
# and the restored database goes on working: a new batch reconciles
check "the restored database goes on working: a new batch reconciles, its burden states carry on, warnings agree with warning_check" \
	psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d medaid_dump_dst <<'SQL'
SELECT medaid.open_batch('rural', '2026-11-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging VALUES (:b, 1, '钱一', '11010519491231002X', 'jiance', 'add', '2026-11-02', '370102');
SELECT medaid.close_batch(:b, 1);
SELECT applied FROM medaid.reconcile(:b);
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('S4', '440524188001010014', '2026-02-20', '370102', 5.00), ('S5', '440524188001010014', '2026-04-20', '370102', 5.00);
SELECT * FROM medaid.run_monthly_warnings('2026-02-01');
-- the restored burden states carry on: March runs from February, and
-- both agree with a computation from the settlements
SELECT mode FROM medaid.run_monthly_warnings('2026-03-01');
SELECT count(*) = 0 AS agree FROM medaid.warning_check('2026-02-01') \gset
\if :agree
\else
\echo 'restored database: the February warnings differ from warning_check'
SELECT 1 / 0;
\endif
SELECT count(*) = 0 AS agree FROM medaid.warning_check('2026-03-01') \gset
\if :agree
\else
\echo 'restored database: the March warnings differ from warning_check'
SELECT 1 / 0;
\endif
SQL
psql -X -q -d postgres -c 'DROP DATABASE medaid_dump_src' -c 'DROP DATABASE medaid_dump_dst' -c 'DROP ROLE medaid_dump_county'
tap_summary
