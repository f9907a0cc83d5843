-- test/fault/run.sh, short mode: the base database, from the bundled demo
-- data (demo/*.csv), run from the repository root.  It holds what a
-- province has done up to the end of August 2026: the civil affairs'
-- October delta reconciled, the settlements of January to August in their
-- partitions, the warnings of January to August run and August's pushed,
-- the configuration and part of the enrolments.  What the functions under
-- test will load or apply waits in schema fault (see test/fault/run.sh).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE SCHEMA fault;

\ir base_config.sql

-- the rosters: civil affairs' October delta is reconciled; rural's October
-- delta and civil affairs' November snapshot wait for the tests
CREATE TABLE fault.roster_file (file text, row_no int, name text, id_number text, category text,
								event text, event_date date, region text);
CREATE TEMP TABLE f (row_no int, name text, id_number text, category text, event text, event_date date, region text);
\copy f FROM 'demo/roster_civil_2026-10.csv' WITH (FORMAT csv, HEADER)
INSERT INTO fault.roster_file SELECT 'civil_2026-10', * FROM f;
TRUNCATE f;
\copy f FROM 'demo/roster_rural_2026-10.csv' WITH (FORMAT csv, HEADER)
INSERT INTO fault.roster_file SELECT 'delta', * FROM f;
TRUNCATE f;
\copy f FROM 'demo/roster_civil_2026-11.csv' WITH (FORMAT csv, HEADER)
INSERT INTO fault.roster_file SELECT 'snapshot', * FROM f;
CREATE TABLE fault.roster_batch (file text PRIMARY KEY, dept text, period date, mode text);
INSERT INTO fault.roster_batch VALUES
	('delta', 'rural', '2026-10-01', 'delta'),
	('snapshot', 'civil_affairs', '2026-11-01', 'snapshot');
SELECT medaid.open_batch('civil_affairs', '2026-10-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging SELECT :b, row_no, name, id_number, category, event, event_date, region
FROM fault.roster_file WHERE file = 'civil_2026-10';
SELECT medaid.close_batch(:b, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b)) \g /dev/null
SELECT * FROM medaid.reconcile(:b) \g /dev/null
DELETE FROM fault.roster_file WHERE file = 'civil_2026-10';

-- settlements: January to August loaded; September and October wait
CREATE TABLE fault.settlement_file (settlement_id text, id_number text, settle_date date, region text, total numeric,
									fund_paid numeric, critical_paid numeric, assistance_paid numeric, reverses text);
\copy fault.settlement_file FROM 'demo/settlements_2026.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.settlement SELECT * FROM fault.settlement_file WHERE settle_date < '2026-09-01';
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-08-01') \g /dev/null
DELETE FROM fault.settlement_file WHERE settle_date < '2026-09-01' OR settle_date >= '2026-11-01';
\o /dev/null
SELECT format('SELECT medaid.run_monthly_warnings(%L)', make_date(2026, m, 1)) FROM generate_series(1, 8) m \gexec
\o
SELECT count(*) FROM medaid.push_warnings('2026-08-01', 'civil_affairs') \g /dev/null
SELECT count(*) FROM medaid.push_warnings('2026-08-01', 'rural') \g /dev/null

-- enrolments: the first 600 rows of the file loaded; the others wait, moved
-- on to 2027 (enrolled from November 2026 to January 2027, when the
-- categories of October are held and most get a subsidy)
CREATE TABLE fault.enrollment_file (row_no serial, id_number text, year int, region text, enrolled_on date, scheme text);
\copy fault.enrollment_file (id_number, year, region, enrolled_on, scheme) FROM 'demo/enrollments_2026.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on, scheme)
SELECT id_number, year, region, enrolled_on, scheme FROM fault.enrollment_file WHERE row_no <= 600 ORDER BY row_no;
DELETE FROM fault.enrollment_file WHERE row_no <= 600;
UPDATE fault.enrollment_file SET year = 2027, enrolled_on = date '2026-11-01' + row_no % 90;

-- a few settlement rows a load must refuse, each for its own reason
CREATE TABLE fault.settlement_bad (settlement_id text, id_number text, settle_date text, region text, total text,
								   fund_paid text, critical_paid text, assistance_paid text, reverses text);
INSERT INTO fault.settlement_bad
SELECT 'BAD1', '110105194912310021', '2026-09-02', '370102', '10.00', '0', '0', '0', NULL       -- check character
UNION ALL SELECT 'BAD2', '11010519491231002X', '2026-02-30', '370102', '10.00', '0', '0', '0', NULL  -- no such day
UNION ALL SELECT s.settlement_id, s.id_number::text, '2026-09-03', s.region, '1.00', '0', '0', '0', NULL  -- loaded before
FROM (SELECT * FROM medaid.settlement ORDER BY settlement_id LIMIT 1) s
UNION ALL SELECT 'BAD4', '11010519491231002X', '2026-09-04', '3701', '10.00', '0', '0', '0', NULL       -- region
UNION ALL SELECT 'BAD5', '11010519491231002X', '2026-09-05', '370102', '10.005', '0', '0', '0', NULL;  -- amount
