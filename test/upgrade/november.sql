-- The upgrade test's next months, run on the newest version after the
-- upgrade (and on the fresh install after october.sql): civil affairs'
-- November snapshot, the settlements of November and December, the runs
-- of November and December (incremental from the October run made before
-- the upgrade), their push; each month checked against a computation of
-- everyone from the settlements.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

CREATE TEMP TABLE upgrade_file (row_no int, name text, id_number text, category text,
								event text, event_date date, region text);
\copy upgrade_file FROM 'demo/roster_civil_2026-11.csv' WITH (FORMAT csv, HEADER)
SELECT medaid.open_batch('civil_affairs', '2026-11-01', 'snapshot') AS b \gset
INSERT INTO medaid.roster_staging SELECT :b, * FROM upgrade_file;
SELECT medaid.close_batch(:b, (SELECT count(*) FROM upgrade_file)) \g /dev/null
SELECT * FROM medaid.reconcile(:b) \g /dev/null

CREATE TEMP TABLE upgrade_settlements (LIKE medaid.settlement INCLUDING DEFAULTS);
\copy upgrade_settlements (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses) FROM 'demo/settlements_2026.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses)
SELECT settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses
FROM upgrade_settlements WHERE settle_date >= '2026-11-01' AND settle_date < '2026-12-01'
ORDER BY settle_date, settlement_id;
-- December's through the staging path, with two rows it refuses
SELECT medaid.open_settlement_load() AS l \gset
INSERT INTO medaid.settlement_staging (load_id, row_no, settlement_id, id_number, settle_date, region,
		total, fund_paid, critical_paid, assistance_paid, reverses)
SELECT :l, row_number() OVER (ORDER BY settle_date, settlement_id), settlement_id, id_number::text,
	   settle_date::text, region, total::text, fund_paid::text, critical_paid::text, assistance_paid::text, reverses
FROM upgrade_settlements WHERE settle_date >= '2026-12-01'
UNION ALL SELECT :l, 100000, 'UPGRADE-BAD-1', '110105194912310021', '2026-12-02', '370102', '5.00', '', '', '', ''
UNION ALL SELECT :l, 100001, 'UPGRADE-BAD-2', '11010519491231002X', '2026-12-32', '370102', '5.00', '', '', '', '';
SELECT * FROM medaid.load_settlements(:l) \g /dev/null

SELECT * FROM medaid.run_monthly_warnings('2026-11-01') \g /dev/null
SELECT count(*) FROM medaid.push_warnings('2026-11-01', 'civil_affairs') \g /dev/null
SELECT * FROM medaid.run_monthly_warnings('2026-12-01') \g /dev/null
SELECT count(*) FROM medaid.push_warnings('2026-12-01', 'rural') \g /dev/null

SELECT count(*) = 0 AS agree FROM (
	SELECT * FROM medaid.warning_check('2026-10-01')
	UNION ALL SELECT * FROM medaid.warning_check('2026-11-01')
	UNION ALL SELECT * FROM medaid.warning_check('2026-12-01')) d \gset
\if :agree
\else
\echo 'upgrade test: stored warnings differ from warning_check'
SELECT 1 / 0;
\endif
