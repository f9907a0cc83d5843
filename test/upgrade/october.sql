-- The upgrade test's first months, run on the oldest version: the register
-- of October (both departments' deltas), a year of settlements up to
-- October, the October warnings and their push, a county's sign-off, a
-- city's own list, the enrolments of 2026 with their subsidies.  Written
-- against 0.1.0's interface; test/upgrade/run.sh runs it before ALTER
-- EXTENSION UPDATE, and on a fresh install of the newest version to compare.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
-- free text holding an ID (an ETL job named after a file, a reviewer's
-- note): 0.2.0 stores it masked, and the upgrade masks what 0.1.0 stored
SET application_name = 'etl roster 110105194912310021.csv';

\copy medaid.region (code, name, level, parent_code, is_gbt2260) FROM 'data/regions/region.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.income_baseline (province, year, per_capita_income, source)
VALUES ('37', 2025, 42000.00, 'upgrade test');
INSERT INTO medaid.category_favourability VALUES ('37', 2026, 'jiance', 1);
INSERT INTO medaid.resident_contribution (region_prefix, year, amount, source)
VALUES ('37', 2026, 380.00, 'upgrade test');
INSERT INTO medaid.subsidy_rule (region_prefix, year, category, amount, source) VALUES
	('37', 2026, 'dibao', 200.00, 'upgrade test'),
	('37', 2026, 'fanpin', 200.00, 'upgrade test'),
	('37', 2026, 'dibao_edge', 150.00, 'upgrade test'),
	('37', 2026, 'jiance', 100.00, 'upgrade test');

-- 0.2.0 reconciles a batch only once close_batch has ended its loading;
-- 0.1.0 has no close_batch (its batches upgrade as closed when reconciled)
SELECT to_regprocedure('medaid.close_batch(bigint, bigint)') IS NOT NULL AS has_close_batch \gset
CREATE TEMP TABLE upgrade_file (row_no int, name text, id_number text, category text,
								event text, event_date date, region text);
\copy upgrade_file FROM 'demo/roster_civil_2026-10.csv' WITH (FORMAT csv, HEADER)
SELECT medaid.open_batch('civil_affairs', '2026-10-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging SELECT :b, * FROM upgrade_file;
\if :has_close_batch
SELECT medaid.close_batch(:b, (SELECT count(*) FROM upgrade_file)) \g /dev/null
\endif
SELECT * FROM medaid.reconcile(:b) \g /dev/null
TRUNCATE upgrade_file;
\copy upgrade_file FROM 'demo/roster_rural_2026-10.csv' WITH (FORMAT csv, HEADER)
SELECT medaid.open_batch('rural', '2026-10-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging SELECT :b, * FROM upgrade_file;
\if :has_close_batch
SELECT medaid.close_batch(:b, (SELECT count(*) FROM upgrade_file)) \g /dev/null
\endif
SELECT * FROM medaid.reconcile(:b) \g /dev/null
SELECT medaid.mark_reviewed('370102', '2026-10-01', 'upgrade test: checked 11010519491231002X and 110105 1949 1231 0021') \g /dev/null

-- settlements up to October through the direct path, the rest of the year
-- waits for November's steps
CREATE TEMP TABLE upgrade_settlements (LIKE medaid.settlement INCLUDING DEFAULTS);
\copy upgrade_settlements (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses) FROM 'demo/settlements_2026.csv' WITH (FORMAT csv, HEADER)
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-12-01') \g /dev/null
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses)
SELECT settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses
FROM upgrade_settlements WHERE settle_date < '2026-11-01' ORDER BY settle_date, settlement_id;
SELECT * FROM medaid.run_monthly_warnings('2026-10-01') \g /dev/null
SELECT count(*) FROM medaid.push_warnings('2026-10-01', 'civil_affairs') \g /dev/null
SELECT count(*) FROM medaid.push_warnings('2026-10-01', 'rural') \g /dev/null
-- a city's own list: the province's, one left out, one amount off
INSERT INTO medaid.city_warning (city, month, id_number, annual_burden)
SELECT substr(w.region, 1, 4), w.month, w.id_number,
	   w.annual_burden + CASE WHEN row_number() OVER (ORDER BY w.id_number) = 1 THEN 10 ELSE 0 END
FROM medaid.warning w WHERE w.month = '2026-10-01' ORDER BY w.id_number OFFSET 1;

\copy medaid.enrollment (id_number, year, region, enrolled_on, scheme) FROM 'demo/enrollments_2026.csv' WITH (FORMAT csv, HEADER)
-- statistics, as autovacuum would have gathered them by now
ANALYZE;
