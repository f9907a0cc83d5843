-- What a region-limited role learns about people outside its regions
-- (docs/rules.md §6; docs/reference.md, "What a region-limited role cannot
-- learn"): nothing from plans, row counts, estimates or the cumulative
-- statistics, on every table and view it can read, and its own lookups by ID
-- stay index scans (person_lookup and the other *_of functions).  Two
-- counties; an ID of the other county ("hidden") must look exactly like an
-- ID nobody has ("absent").  Everything is rolled back, roles included.
\i test/support/tap_setup.sql
SET datestyle = ISO;
SET jit = off;
BEGIN;
SELECT * FROM no_plan();
-- the counters read below are this backend's: no parallel workers (as when
-- the suite forces parallel mode)
SET LOCAL max_parallel_workers = 0;

-- a valid ID number of a region, the n-th (distinct for n < 500 000)
CREATE FUNCTION pg_temp.mkid(region text, n integer) RETURNS text LANGUAGE sql AS $$
	SELECT c FROM (SELECT region || to_char(date '1960-01-01' + n / 500, 'YYYYMMDD') || lpad((n % 500)::text, 3, '0') || d AS c
				   FROM unnest(string_to_array('0123456789X', NULL)) d) x
	WHERE medaid.cnid_is_valid(c) LIMIT 1
$$;

-- a query's plan as a role, or its error, the given ID written ? and its
-- 17-digit body # (so that the plans of two IDs compare); with analysed, index scans forced where
-- there is one
CREATE FUNCTION pg_temp.plan_as(r name, q text, id text, analysed boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	plan text := '';
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', r);
	SET LOCAL enable_seqscan = off;
	SET LOCAL enable_bitmapscan = off;
	FOR line IN EXECUTE CASE WHEN analysed THEN 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) '
							 ELSE 'EXPLAIN ' END || q LOOP
		plan := plan || regexp_replace(replace(line, id, '?'), '[0-9]{17}', '#', 'g') || E'\n';
	END LOOP;
	RESET ROLE;
	RESET enable_seqscan;
	RESET enable_bitmapscan;
	RETURN plan;
EXCEPTION WHEN OTHERS THEN
	-- an error is compared too (the same error for both IDs)
	RESET ROLE;
	RETURN 'ERROR ' || SQLSTATE || ': ' || replace(SQLERRM, id, '?');
END
$$;

-- run a query as a role: its rows as text
CREATE FUNCTION pg_temp.as_role(r name, q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', r);
	RETURN QUERY EXECUTE format('SELECT t::text FROM (%s) t', q);
	RESET ROLE;
EXCEPTION WHEN OTHERS THEN
	RESET ROLE;
	RAISE;
END
$$;

-- the cumulative statistics of this transaction over medaid's tables and
-- indexes (pg_stat_xact_user_tables, what any role may read), one row per
-- counter
CREATE TEMP TABLE counters_before (k text PRIMARY KEY, v bigint);
CREATE FUNCTION pg_temp.counters() RETURNS TABLE (k text, v bigint) LANGUAGE sql AS $$
	SELECT t.relname || '.' || c.k, c.v
	FROM pg_stat_xact_user_tables t,
		 LATERAL (VALUES ('seq_scan', t.seq_scan), ('seq_tup_read', t.seq_tup_read),
						 ('idx_scan', t.idx_scan), ('idx_tup_fetch', t.idx_tup_fetch)) c(k, v)
	WHERE t.schemaname = 'medaid'
	UNION ALL
	-- (PostgreSQL 15 has no pg_stat_xact_user_indexes: its functions)
	SELECT i.relname || '.' || c.k, c.v
	FROM pg_class i,
		 LATERAL (VALUES ('idx_scan', pg_stat_get_xact_numscans(i.oid)),
						 ('idx_tup_read', pg_stat_get_xact_tuples_returned(i.oid)),
						 ('idx_tup_fetch', pg_stat_get_xact_tuples_fetched(i.oid))) c(k, v)
	WHERE i.relnamespace = 'medaid'::regnamespace AND i.relkind = 'i'
$$;
-- what the counters moved by since the last call, as text
CREATE FUNCTION pg_temp.counters_moved() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	moved text;
BEGIN
	SELECT string_agg(n.k || '+' || (n.v - COALESCE(b.v, 0)), ' ' ORDER BY n.k) INTO moved
	FROM pg_temp.counters() n LEFT JOIN counters_before b ON b.k = n.k
	WHERE n.v IS DISTINCT FROM COALESCE(b.v, 0);
	DELETE FROM counters_before;
	INSERT INTO counters_before SELECT * FROM pg_temp.counters();
	RETURN COALESCE(moved, '');
END
$$;

CREATE ROLE t_leak_county IN ROLE medaid_county;
CREATE ROLE t_leak_civil IN ROLE medaid_civil_affairs;
CREATE ROLE t_leak_rural IN ROLE medaid_rural;
INSERT INTO medaid.region_access (role, region_prefix) VALUES
	('t_leak_county', '370102'), ('t_leak_civil', '370102'), ('t_leak_rural', '370102');
INSERT INTO medaid.income_baseline (province, year, per_capita_income) VALUES ('37', 2025, 40000.00);
INSERT INTO medaid.resident_contribution VALUES ('37', 2026, 380.00, 'test');
INSERT INTO medaid.subsidy_rule VALUES ('37', 2026, 'dibao_edge', 200.00, 'test'), ('37', 2026, 'jiance', 100.00, 'test');

-- 2000 people, half in 370102 (even n), half in 370103 (odd n); each has a
-- civil affairs category, a settlement over the threshold (a warning,
-- pushed to civil affairs) and an enrolment; 200 of them a rural category
-- too, and 200 a returned anomaly
SET LOCAL ROLE medaid_etl;
SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'delta') AS b1 \gset
INSERT INTO medaid.roster_staging
SELECT :b1, n, 'n' || n, pg_temp.mkid(r, n), 'dibao_edge', 'add', '2026-01-02', r
FROM generate_series(1, 2000) n, LATERAL (SELECT CASE WHEN n % 2 = 0 THEN '370102' ELSE '370103' END AS r) x;
INSERT INTO medaid.roster_staging
SELECT :b1, 10000 + n, 'm' || n, pg_temp.mkid(r, n), 'dibao_edge', 'add', '2026-01-02', r
FROM generate_series(1, 200) n, LATERAL (SELECT CASE WHEN n % 2 = 0 THEN '370102' ELSE '370103' END AS r) x;
SELECT medaid.close_batch(:b1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b1)) \g /dev/null
SELECT anomalies AS anomalies1 FROM medaid.reconcile(:b1) \gset
SELECT medaid.open_batch('rural', '2026-01-01', 'delta') AS b2 \gset
INSERT INTO medaid.roster_staging
SELECT :b2, n, 'n' || n, pg_temp.mkid(r, n), 'jiance', 'add', '2026-01-03', r
FROM generate_series(1, 200) n, LATERAL (SELECT CASE WHEN n % 2 = 0 THEN '370102' ELSE '370103' END AS r) x;
SELECT medaid.close_batch(:b2, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b2)) \g /dev/null
SELECT applied AS applied2 FROM medaid.reconcile(:b2) \gset
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total)
SELECT 'S' || n, pg_temp.mkid(r, n), '2026-01-10', r, 90000.00
FROM generate_series(1, 2000) n, LATERAL (SELECT CASE WHEN n % 2 = 0 THEN '370102' ELSE '370103' END AS r) x;
SELECT warned FROM medaid.run_monthly_warnings('2026-01-01') \gset
SELECT count(*) AS pushed FROM medaid.push_warnings('2026-01-01', 'civil_affairs') \gset
INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on)
SELECT pg_temp.mkid(r, n), 2026, r, '2026-01-05'
FROM generate_series(1, 2000) n, LATERAL (SELECT CASE WHEN n % 2 = 0 THEN '370102' ELSE '370103' END AS r) x;
RESET ROLE;
ANALYZE;

SELECT is(:anomalies1::integer + :applied2::integer + :warned::integer + :pushed::integer, 200 + 200 + 2000 + 2000,
	'the data: 200 anomalies returned, 200 rural categories, 2000 warnings pushed');

-- own: a person of 370102; hidden: of 370103; absent: an ID nobody has
SELECT pg_temp.mkid('370102', 2) AS own, pg_temp.mkid('370103', 1) AS hidden,
	   pg_temp.mkid('370103', 300001) AS absent, pg_temp.mkid('370103', 300003) AS warm \gset

-- no function of medaid is LEAKPROOF: a leakproof condition runs before
-- row-level security (as an index condition) and counts hidden rows
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ')
		   FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'medaid'
		   JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
		   WHERE d.deptype = 'e' AND p.proleakproof), NULL,
	'no function of medaid is LEAKPROOF');

-- Every table and view each region-limited role can read that has an ID
-- column: the plans (with actual row counts, and plain estimates) of a
-- lookup and of a range over the hidden ID are those of the absent ID.
CREATE TEMP TABLE probe AS
SELECT r.role, c.oid::regclass::text AS rel, q.kind, q.q
FROM (VALUES ('t_leak_county'), ('t_leak_civil'), ('t_leak_rural')) r(role)
JOIN pg_class c ON c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
 AND has_table_privilege(r.role, c.oid, 'SELECT')
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id_number' AND a.atttypid = 'medaid.cnid'::regtype
CROSS JOIN LATERAL (VALUES
	('=', format('SELECT * FROM %s WHERE id_number = %%L', c.oid::regclass)),
	('range', format('SELECT * FROM %s WHERE id_number >= %%L AND id_number <= %%1$L', c.oid::regclass)),
	('order', format('SELECT id_number FROM %s WHERE id_number >= %%L ORDER BY id_number LIMIT 1', c.oid::regclass)),
	('body', format('SELECT * FROM %s WHERE medaid.cnid_body(id_number) >= medaid.cnid_body(%%L) - 1000 AND medaid.cnid_body(id_number) <= medaid.cnid_body(%%1$L) + 1000', c.oid::regclass))
) q(kind, q);

-- and the estimates of a condition on a region column (text, leakproof)
-- are the same for the other county as for a county nobody lives in
INSERT INTO probe
SELECT r.role, c.oid::regclass::text, 'column ' || a.attname,
	   format('SELECT * FROM %s WHERE %I = %%L', c.oid::regclass, a.attname)
FROM (VALUES ('t_leak_county'), ('t_leak_civil'), ('t_leak_rural')) r(role)
JOIN pg_class c ON c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
 AND has_table_privilege(r.role, c.oid, 'SELECT')
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname IN ('region', 'city') AND a.atttypid = 'text'::regtype;

SELECT ok((SELECT count(DISTINCT rel) FROM probe WHERE role = 't_leak_county') >= 10
	  AND (SELECT count(DISTINCT rel) FROM probe WHERE role = 't_leak_civil') >= 4,
	'the probes cover the tables and views each role reads (' ||
	(SELECT string_agg(DISTINCT role || ':' || rel, ' ') FROM probe) || ')');

SELECT is(pg_temp.plan_as(p.role, format(p.q, :'hidden'), :'hidden', true),
		  pg_temp.plan_as(p.role, format(p.q, :'absent'), :'absent', true),
		  format('%s, %s %s: EXPLAIN ANALYZE of a hidden ID is that of an absent one', p.role, p.rel, p.kind))
FROM probe p WHERE p.kind NOT LIKE 'column %' ORDER BY p.role, p.rel, p.kind;
SELECT is(pg_temp.plan_as(p.role, format(p.q, :'hidden'), :'hidden', false),
		  pg_temp.plan_as(p.role, format(p.q, :'absent'), :'absent', false),
		  format('%s, %s %s: the estimates of a hidden ID are those of an absent one', p.role, p.rel, p.kind))
FROM probe p WHERE p.kind NOT LIKE 'column %' ORDER BY p.role, p.rel, p.kind;
SELECT is(pg_temp.plan_as(p.role, format(p.q, left(:'hidden', 6)), left(:'hidden', 6), false),
		  pg_temp.plan_as(p.role, format(p.q, '370199'), '370199', false),
		  format('%s, %s %s: the estimates of another county are those of a county nobody lives in', p.role, p.rel, p.kind))
FROM probe p WHERE p.kind LIKE 'column %' ORDER BY p.role, p.rel, p.kind;

-- the table today's extraction read: a county's lookup by ID is now
-- checked after the policy (a scan of what it may see)
SELECT unalike(pg_temp.plan_as('t_leak_county', format('SELECT * FROM medaid.person WHERE id_number = %L', :'hidden'), :'hidden', true),
	'%Index Cond: (id_number = %', 'a county''s direct SELECT by ID does not probe the register''s index');

-- the lookups: nothing for a hidden ID, and the same counters as for an
-- absent one (after a first call that plans them)
CREATE FUNCTION pg_temp.lookups(r name, id text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	res text;
BEGIN
	IF r = 't_leak_county' THEN
		SELECT concat_ws('/', (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.person_lookup(%L)', id))),
			   (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.category_periods_of(%L)', id))),
			   (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.settlements_of(%L)', id))),
			   (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.settlements_of(%L, ''2026-01-01'', ''2026-12-31'')', id))),
			   (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.warnings_of(%L)', id))),
			   (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.enrollments_of(%L)', id))),
			   (SELECT count(*) FROM pg_temp.as_role(r, format('SELECT * FROM medaid.roster_changes_of(%L)', id))))
		INTO res;
	ELSE
		SELECT count(*)::text INTO res FROM pg_temp.as_role(r, format('SELECT * FROM medaid.roster_changes_of(%L)', id));
	END IF;
	RETURN res;
END
$$;

SELECT is(pg_temp.lookups('t_leak_county', :'own'), '1/2/1/1/1/1/2',
	'county: its own person, 2 categories, 1 settlement (twice), 1 warning, 1 enrolment, 2 roster changes');
SELECT is(pg_temp.lookups('t_leak_civil', :'own'), '1', 'civil affairs: its own change of the person');
SELECT is(pg_temp.lookups('t_leak_rural', :'own'), '1', 'rural: its own change of the person');

SELECT string_agg(pg_temp.lookups(r, :'warm'), ' ') AS warmed
FROM (VALUES ('t_leak_county'), ('t_leak_civil'), ('t_leak_rural')) v(r) \gset
SELECT pg_temp.counters_moved() IS NOT NULL AS reset \gset
SELECT is(pg_temp.lookups(r, :'hidden'), CASE r WHEN 't_leak_county' THEN '0/0/0/0/0/0/0' ELSE '0' END,
	r || ': the lookups of a hidden ID find nothing')
FROM (VALUES ('t_leak_county'), ('t_leak_civil'), ('t_leak_rural')) v(r);
SELECT pg_temp.counters_moved() AS hidden_moved \gset
SELECT is(pg_temp.lookups(r, :'absent'), CASE r WHEN 't_leak_county' THEN '0/0/0/0/0/0/0' ELSE '0' END,
	r || ': the lookups of an absent ID find nothing')
FROM (VALUES ('t_leak_county'), ('t_leak_civil'), ('t_leak_rural')) v(r);
SELECT pg_temp.counters_moved() AS absent_moved \gset
SELECT is(:'hidden_moved'::text, :'absent_moved'::text,
	'the lookups leave the same pg_stat_xact counters for a hidden ID as for an absent one');
-- (region_access: the caller's own regions, read by region_patterns)
SELECT unalike(regexp_replace(:'hidden_moved', 'region_access[a-z_]*\.[a-z_]+\+[0-9]+ ?', '', 'g'), '%idx_tup_fetch+%',
	'the lookups of a hidden ID fetch no row of people');

-- the county's own lookups use the indexes: no sequential scan at all
SELECT pg_temp.lookups('t_leak_county', :'own') AS own_again \gset
SELECT pg_temp.counters_moved() AS own_moved \gset
SELECT unalike(regexp_replace(:'own_moved', 'region_access[a-z_]*\.[a-z_]+\+[0-9]+ ?', '', 'g'), '%seq_scan+%',
	'the county''s own lookups scan no table of people sequentially');
SELECT alike(:'own_moved'::text, '%person_region_lookup.idx_scan+%', 'they find the person through person_region_lookup');
SELECT alike(:'own_moved'::text, '%roster_change_region_lookup.idx_scan+%', 'and the roster changes through roster_change_region_lookup');

-- the same plan as the owner's lookup by ID
SELECT alike(pg_temp.plan_as('medaid_owner', format('SELECT * FROM medaid.person WHERE id_number = %L', :'own'), :'own', true),
	'%Index Scan using person_pkey%', 'the owner''s lookup by ID, the lookups'' second step, is an index scan');

SELECT * FROM finish();
ROLLBACK;
