-- test/fault/run.sh, long mode: the base database, generated with :rows
-- people (psql -v rows=N), run from the repository root.  The same shape as
-- test/fault/base_demo.sql at scale: up to the end of August 2026 the
-- January rosters of both departments are reconciled (snapshots), 2 × rows
-- settlements of January to August loaded with their partitions, the
-- warnings of January to August run and August's pushed, rows / 10
-- enrolments of 2026 loaded.  Waiting in schema fault for the functions
-- under test: rural's October delta (about rows / 80 rows), civil affairs'
-- November snapshot (about 0.8 × rows), rows / 2 settlements in September
-- and rows in October, 4 000 enrolments for 2027.  Deterministic (setseed).
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
SELECT setseed(0.2026) \g /dev/null
CREATE SCHEMA fault;

\ir base_config.sql

-- people 1 .. rows * 1.01 (the last 1 % are new in November); ten counties
-- (370181 is a retired code); IDs from 15-digit numbers (born 1935-1989),
-- which cnid upgrades; civil categories for i % 10 < 8, rural for i % 10 >= 7
CREATE TABLE fault.people AS
SELECT i, (r.code || to_char(date '1935-01-01' + (i / 10) % 20000, 'YYMMDD')
		   || lpad(((i / 10) / 20000 % 1000)::text, 3, '0'))::medaid.cnid::text AS id,
	   '测试' || i AS name, r.code AS region,
	   CASE WHEN i % 10 < 8 THEN
			(ARRAY['tekun', 'dibao', 'dibao', 'dibao', 'dibao', 'dibao', 'dibao', 'dibao', 'dibao', 'dibao_edge',
				   'dibao_edge', 'dibao_edge', 'dibao_edge', 'dibao_edge', 'dibao_edge', 'dibao_edge', 'zhongbing',
				   'zhongbing', 'zhongbing', 'zhongbing'])[i * 7 % 20 + 1] END AS civil,
	   CASE WHEN i % 10 >= 7 THEN CASE WHEN i % 3 = 0 THEN 'fanpin' ELSE 'jiance' END END AS rural
FROM generate_series(1, :rows + :rows / 100) i
JOIN (SELECT (ARRAY['370102', '370103', '370112', '370181', '370202', '370211', '370303', '370602',
					'370687', '371702'])[n + 1] AS code, n
	  FROM generate_series(0, 9) n) r ON r.n = i % 10;
CREATE UNIQUE INDEX ON fault.people (i);

CREATE TABLE fault.roster_file (file text, row_no int, name text, id_number text, category text,
								event text, event_date date, region text);
CREATE TABLE fault.roster_batch (file text PRIMARY KEY, dept text, period date, mode text);
INSERT INTO fault.roster_batch VALUES
	('delta', 'rural', '2026-10-01', 'delta'),
	('snapshot', 'civil_affairs', '2026-11-01', 'snapshot');

-- January: a snapshot from each department
SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'snapshot') AS b \gset
INSERT INTO medaid.roster_staging
SELECT :b, row_number() OVER (ORDER BY i), name, id, civil, NULL, date '2026-01-01' + i % 28, region
FROM fault.people WHERE civil IS NOT NULL AND i <= :rows;
SELECT medaid.close_batch(:b, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b)) \g /dev/null
SELECT * FROM medaid.reconcile(:b) \g /dev/null
SELECT medaid.open_batch('rural', '2026-01-01', 'snapshot') AS b \gset
INSERT INTO medaid.roster_staging
SELECT :b, row_number() OVER (ORDER BY i), name, id, rural, NULL, date '2026-01-01' + i % 28, region
FROM fault.people WHERE rural IS NOT NULL AND i <= :rows;
SELECT medaid.close_batch(:b, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b)) \g /dev/null
SELECT * FROM medaid.reconcile(:b) \g /dev/null

-- waiting: rural's October delta (about rows / 80 rows): exits, changes,
-- adds of new jiance people, and anomalies (an exit of a category never
-- held, a missing date, a mistyped ID)
INSERT INTO fault.roster_file
SELECT 'delta', row_number() OVER (ORDER BY k, i), name, id_number, category, event, event_date, region
FROM (
	SELECT 1 AS k, i, name, id AS id_number, rural AS category, 'exit' AS event, date '2026-10-15' AS event_date, region
	FROM fault.people WHERE rural IS NOT NULL AND i % 100 = 7 AND i <= :rows
	UNION ALL
	SELECT 2, i, name, id, CASE WHEN rural = 'fanpin' THEN 'jiance' ELSE 'fanpin' END, 'change', date '2026-10-10', region
	FROM fault.people WHERE rural IS NOT NULL AND i % 100 = 17 AND i <= :rows
	UNION ALL
	SELECT 3, i, name, id, 'jiance', 'add', date '2026-10-05', region
	FROM fault.people WHERE rural IS NULL AND i % 100 = 6 AND i <= :rows
	UNION ALL
	SELECT 4, i, name, id, 'fanpin', 'exit', date '2026-10-20', region
	FROM fault.people WHERE rural IS NULL AND i % 1000 = 1 AND i <= :rows
	UNION ALL
	SELECT 5, i, name, id, 'jiance', 'add', NULL, region
	FROM fault.people WHERE rural IS NULL AND i % 1000 = 2 AND i <= :rows
	UNION ALL
	SELECT 6, i, name, left(id, 17) || CASE WHEN right(id, 1) = '0' THEN '1' ELSE '0' END, 'jiance', 'add', date '2026-10-06', region
	FROM fault.people WHERE rural IS NULL AND i % 1000 = 3 AND i <= :rows
) d;
-- waiting: civil affairs' November snapshot: 1 % omitted (they exit), 1 %
-- in another category, 1 % new people, 0.5 % anomalies (a mistyped ID, a
-- name that differs), the rest unchanged
INSERT INTO fault.roster_file
SELECT 'snapshot', row_number() OVER (ORDER BY i), name, id_number, category, NULL, NULL, region
FROM (
	SELECT i,
		   CASE WHEN i % 200 = 11 THEN name || '甲' ELSE name END AS name,
		   CASE WHEN i % 200 = 13 THEN left(id, 17) || CASE WHEN right(id, 1) = '0' THEN '1' ELSE '0' END ELSE id END AS id_number,
		   CASE WHEN i % 100 = 5 THEN (CASE civil WHEN 'tekun' THEN 'dibao' WHEN 'dibao' THEN 'dibao_edge'
										   WHEN 'dibao_edge' THEN 'zhongbing' ELSE 'tekun' END)
				ELSE civil END AS category,
		   region
	FROM fault.people
	WHERE civil IS NOT NULL AND i % 100 <> 3
) p;

-- settlements: 2 × rows from January to August (a quarter of rows a
-- month), rows / 2 in September, rows in October;
-- costs heavy-tailed, 2 % large; 1 % of the originals dated up to the 23rd
-- reversed in their month
CREATE TABLE fault.settlement_file (settlement_id text, id_number text, settle_date date, region text, total numeric,
									fund_paid numeric, critical_paid numeric, assistance_paid numeric, reverses text);
CREATE TEMP TABLE s AS
SELECT 'G' || to_char(m, 'YYMM') || '-' || k AS settlement_id, p.id AS id_number,
	   m + (k::bigint * 7919 % extract(day FROM m + interval '1 month - 1 day')::int)::int AS settle_date, p.region,
	   CASE WHEN k % 50 = 0 THEN round((20000 + random() * 80000)::numeric, 2)
			ELSE round(exp(random() * 8)::numeric, 2) END AS total
FROM generate_series(1, 10) mm
CROSS JOIN LATERAL (SELECT make_date(2026, mm, 1) AS m) mo
CROSS JOIN LATERAL generate_series(1, CASE WHEN mm <= 8 THEN :rows / 4 WHEN mm = 9 THEN :rows / 2 ELSE :rows END) k
JOIN fault.people p ON p.i = 1 + (k::bigint * 104729 + mm * 7) % :rows;
INSERT INTO fault.settlement_file
SELECT settlement_id, id_number, settle_date, region, total, round(total * 0.6, 2),
	   CASE WHEN total > 10000 THEN round(total * 0.1, 2) ELSE 0 END, 0, NULL
FROM s;
INSERT INTO fault.settlement_file
SELECT settlement_id || 'R', id_number, settle_date + 3, region, -total, -fund_paid, -critical_paid, -assistance_paid, settlement_id
FROM fault.settlement_file
WHERE extract(day FROM settle_date) <= 23 AND hashtext(settlement_id) % 100 = 0;
INSERT INTO medaid.settlement SELECT * FROM fault.settlement_file WHERE settle_date < '2026-09-01' ORDER BY settle_date, settlement_id;
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-08-01') \g /dev/null
DELETE FROM fault.settlement_file WHERE settle_date < '2026-09-01';
\o /dev/null
SELECT format('SELECT medaid.run_monthly_warnings(%L)', make_date(2026, m, 1)) FROM generate_series(1, 8) m \gexec
\o
SELECT count(*) FROM medaid.push_warnings('2026-08-01', 'civil_affairs') \g /dev/null
SELECT count(*) FROM medaid.push_warnings('2026-08-01', 'rural') \g /dev/null

-- enrolments: rows / 10 for 2026 loaded, 2 000 a statement; 4 000 for 2027
-- waiting.  (enrollment_grant takes an advisory lock per subsidised person
-- and holds it to the end of the transaction: with the default
-- max_locks_per_transaction a statement of some 10 000 subsidised rows runs
-- out of shared memory.)
\o /dev/null
SELECT format($q$INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on, scheme)
				 SELECT id, 2026, region, date '2026-02-01' + i %% 28, CASE WHEN i %% 25 = 0 THEN 'employee' ELSE 'resident' END
				 FROM fault.people WHERE i > %s AND i <= %s ORDER BY i$q$, k, least(k + 2000, :rows / 10))
FROM generate_series(0, :rows / 10 - 1, 2000) k \gexec
\o
CREATE TABLE fault.enrollment_file (row_no serial, id_number text, year int, region text, enrolled_on date, scheme text);
INSERT INTO fault.enrollment_file (id_number, year, region, enrolled_on, scheme)
SELECT id, 2027, region, date '2026-11-01' + i % 60, CASE WHEN i % 25 = 0 THEN 'employee' ELSE 'resident' END
FROM fault.people WHERE i % 4 = 1 AND i <= :rows ORDER BY i LIMIT 4000;

-- settlement rows a load must refuse, each for its own reason
CREATE TABLE fault.settlement_bad (settlement_id text, id_number text, settle_date text, region text, total text,
								   fund_paid text, critical_paid text, assistance_paid text, reverses text);
INSERT INTO fault.settlement_bad
SELECT 'BAD1', '110105194912310021', '2026-09-02', '370102', '10.00', '0', '0', '0', NULL
UNION ALL SELECT 'BAD2', '11010519491231002X', '2026-02-30', '370102', '10.00', '0', '0', '0', NULL
UNION ALL SELECT s.settlement_id, s.id_number::text, '2026-09-03', s.region, '1.00', '0', '0', '0', NULL
FROM (SELECT * FROM medaid.settlement ORDER BY settlement_id LIMIT 1) s
UNION ALL SELECT 'BAD4', '11010519491231002X', '2026-09-04', '3701', '10.00', '0', '0', '0', NULL
UNION ALL SELECT 'BAD5', '11010519491231002X', '2026-09-05', '370102', '10.005', '0', '0', '0', NULL;
DROP TABLE fault.people;
