-- Every read docs/reference.md's role table ("### Roles") promises, as a
-- login of each role, with data in several counties: the read works and,
-- for the roles that see "their regions", shows no row of a county outside
-- them.  The list of reads is parsed from the table itself, so the document
-- cannot promise what the grants do not give.  One transaction, rolled back.
\i test/support/tap_setup.sql
SET datestyle = ISO;
BEGIN;

CREATE TEMP TABLE doc (n serial, line text);
\copy doc (line) FROM 'docs/reference.md' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')

-- the rows of the role table: from "### Roles" to the next heading
CREATE TEMP VIEW role_row AS
SELECT d.n, d.line,
	   split_part(d.line, ' | ', 1) AS roles, split_part(d.line, ' | ', 2) AS job, split_part(d.line, ' | ', 3) AS sees
FROM doc d
WHERE d.n > (SELECT min(n) FROM doc WHERE line = '### Roles')
  AND d.n < (SELECT min(n) FROM doc WHERE line LIKE '### %' AND n > (SELECT min(n) FROM doc WHERE line = '### Roles'))
  AND d.line LIKE '| `%';

-- every lower-case name in backquotes of the job and sees cells; those
-- after INSERT, COPY or DELETE are writes
CREATE TEMP VIEW named AS
SELECT r.n, ro.role, r.sees ~ '\m(their|its) regions\M' AS limited, m.name, m.is_write
FROM role_row r
CROSS JOIN LATERAL (SELECT x[1]::name AS role FROM regexp_matches(r.roles, '`([a-z_]+)`', 'g') x) ro
CROSS JOIN LATERAL (
	SELECT x[2] AS name, x[1] IS NOT NULL AS is_write
	FROM regexp_matches(r.job || ' | ' || r.sees, '((?:INSERT|COPY|DELETE)(?:/[A-Z]+)*(?: into)? )?`([a-z_*]+)`', 'g') x) m
-- the owner is granted to no one; medaid_full_id does "nothing by itself"
WHERE ro.role <> 'medaid_owner' AND r.job NOT LIKE 'nothing%';

-- the reads: relations of medaid by those names ("*_masked" is a pattern)
CREATE TEMP VIEW reads AS
SELECT DISTINCT n.role, n.limited, c.relname::text AS rel
FROM named n
JOIN pg_class c ON c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p', 'v')
 AND c.relname LIKE replace(n.name, '*', '%')
WHERE NOT n.is_write;

SELECT plan(4 + (SELECT count(*)::integer * 2 FROM reads));

SELECT is_empty($$
	SELECT n.role || ': ' || n.name FROM named n
	WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.relnamespace = 'medaid'::regnamespace
					  AND c.relname LIKE replace(n.name, '*', '%'))
	  AND NOT EXISTS (SELECT FROM pg_proc p WHERE p.pronamespace = 'medaid'::regnamespace AND p.proname = n.name)
	  AND NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = n.name)$$,
	'every name in the role table is a medaid table, view, function or role');
SELECT set_eq($$SELECT DISTINCT role::text FROM reads$$,
	ARRAY['medaid_admin', 'medaid_etl', 'medaid_analyst', 'medaid_civil_affairs', 'medaid_rural', 'medaid_county'],
	'the role table names reads for each role that has a job');
SELECT set_eq($$SELECT DISTINCT role::text FROM reads WHERE limited$$,
	ARRAY['medaid_analyst', 'medaid_civil_affairs', 'medaid_rural', 'medaid_county'],
	'and says which roles see their regions only');

\i test/support/role_helpers.sql

-- one login per role; the region-limited ones see county 370102 only
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT DISTINCT role FROM reads LOOP
		EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', 'l_' || r.role, r.role);
	END LOOP;
	INSERT INTO medaid.region_access (role, region_prefix)
	SELECT DISTINCT 'l_' || role, '370102' FROM reads WHERE limited;
END
$$;
CREATE ROLE l_etl2 IN ROLE medaid_etl;
SELECT pg_temp.mkid('370102', 1) AS a, pg_temp.mkid('370103', 2) AS b, pg_temp.mkid('370203', 3) AS c,
	   pg_temp.mkid('370102', 4) AS u, pg_temp.mkid('370103', 5) AS v \gset

-- data in three counties: roster (with anomalies for both departments),
-- settlements, a late change over them, warnings pushed and compared with
-- a city list, enrolments, sign-offs
INSERT INTO medaid.income_baseline (province, year, per_capita_income) VALUES ('37', 2025, 40000.00);
INSERT INTO medaid.resident_contribution VALUES ('37', 2026, 380.00, 'test');
INSERT INTO medaid.subsidy_rule VALUES ('37', 2026, 'dibao_edge', 200.00, 'test');
SELECT pg_temp.do_as('l_etl2', format($q$
	WITH b AS (SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'delta') AS id),
	s AS (INSERT INTO medaid.roster_staging SELECT b.id, v.* FROM b, (VALUES
		(1, '甲', %L, 'dibao_edge', 'add', '2026-01-02'::date, '370102'),
		(2, '乙', %L, 'dibao_edge', 'add', '2026-01-02'::date, '370103'),
		(3, '丙', %L, 'dibao_edge', 'add', '2026-01-02'::date, '370203'),
		(4, '丁', '370102198013010011', 'dibao', 'add', '2026-01-02'::date, '370102'),
		(5, '戊', '370103198013010011', 'dibao', 'add', '2026-01-02'::date, '370103'),
		(6, '辛', %L, 'dibao', 'add', '2026-01-02'::date, '370102'),
		(7, '壬', %L, 'dibao', 'add', '2026-01-02'::date, '370103')) v RETURNING 1)
	SELECT count(*) FROM s$q$, :'a', :'b', :'c', :'u', :'v')) IS NOT NULL AS staged \gset
SELECT medaid.close_batch(max(batch_id), (SELECT count(*) FROM medaid.roster_staging s WHERE s.batch_id = max(b.batch_id))) FROM medaid.batch b \g /dev/null
SELECT pg_temp.do_as('l_etl2', $$SELECT applied FROM medaid.reconcile((SELECT max(batch_id) FROM medaid.batch))$$) AS applied \gset
SELECT pg_temp.do_as('l_etl2', $q$
	WITH b AS (SELECT medaid.open_batch('rural', '2026-01-01', 'delta') AS id),
	s AS (INSERT INTO medaid.roster_staging SELECT b.id, v.* FROM b, (VALUES
		(1, '己', '370102198013010011', 'jiance', 'add', '2026-01-02'::date, '370102'),
		(2, '庚', '370103198013010011', 'jiance', 'add', '2026-01-02'::date, '370103')) v RETURNING 1)
	SELECT count(*) FROM s$q$) AS staged \gset
SELECT medaid.close_batch(max(batch_id), (SELECT count(*) FROM medaid.roster_staging s WHERE s.batch_id = max(b.batch_id))) FROM medaid.batch b \g /dev/null
SELECT pg_temp.do_as('l_etl2', $$SELECT anomalies FROM medaid.reconcile((SELECT max(batch_id) FROM medaid.batch))$$) AS anomalies \gset
SELECT pg_temp.do_as('l_etl2', format($q$
	WITH s AS (INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total) VALUES
		('S1', %L, '2026-01-10', '370102', 90000.00),
		('S2', %L, '2026-01-11', '370103', 90000.00),
		('S3', %L, '2026-01-12', '370203', 90000.00) RETURNING 1)
	SELECT count(*) FROM s$q$, :'a', :'b', :'c')) AS settled \gset
SELECT pg_temp.do_as('l_etl2', format($q$
	WITH b AS (SELECT medaid.open_batch('civil_affairs', '2026-02-01', 'delta') AS id),
	s AS (INSERT INTO medaid.roster_staging SELECT b.id, v.* FROM b, (VALUES
		(1, '甲', %L, 'dibao_edge', 'exit', '2026-01-05'::date, '370102'),
		(2, '乙', %L, 'dibao_edge', 'exit', '2026-01-05'::date, '370103'),
		(3, '丙', %L, 'dibao_edge', 'exit', '2026-01-05'::date, '370203')) v RETURNING 1)
	SELECT count(*) FROM s$q$, :'a', :'b', :'c')) AS staged \gset
SELECT medaid.close_batch(max(batch_id), (SELECT count(*) FROM medaid.roster_staging s WHERE s.batch_id = max(b.batch_id))) FROM medaid.batch b \g /dev/null
SELECT pg_temp.do_as('l_etl2', $$SELECT applied FROM medaid.reconcile((SELECT max(batch_id) FROM medaid.batch))$$) AS applied \gset
SELECT pg_temp.do_as('l_etl2', $$SELECT warned FROM medaid.run_monthly_warnings('2026-01-01')$$) AS warned \gset
SELECT pg_temp.do_as('l_etl2', $$SELECT count(*) FROM medaid.push_warnings('2026-01-01', 'civil_affairs')$$) AS pushed \gset
SELECT pg_temp.do_as('l_etl2', format($q$
	WITH e AS (INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on) VALUES
		(%L, 2026, '370102', '2026-01-03'), (%L, 2026, '370103', '2026-01-03'), (%L, 2026, '370203', '2026-01-03')
		RETURNING 1),
	c AS (INSERT INTO medaid.city_warning (city, month, id_number, annual_burden) VALUES
		('3701', '2026-01-01', %L, 1.00), ('3701', '2026-01-01', %L, 1.00), ('3702', '2026-01-01', %L, 1.00)
		RETURNING 1)
	SELECT (SELECT count(*) FROM e) + (SELECT count(*) FROM c)$q$, :'a', :'b', :'c', :'a', :'b', :'c')) AS loaded \gset
-- the settlements were loaded before the late change (one transaction has
-- one now(): move the load times back)
UPDATE medaid.settlement_key SET loaded_at = loaded_at - interval '1 day';
SELECT region FROM medaid.mark_reviewed('370102', '2026-01-01') \gset
SELECT region FROM medaid.mark_reviewed('370103', '2026-01-01') \gset

-- each read as each role: it works, and a region-limited role's rows name
-- no other county (its code, or an ID number of a person registered there,
-- masked or not: both begin with the county code)
CREATE TEMP TABLE seen (role name, rel text, rows text);
CREATE FUNCTION pg_temp.whole(rel text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SELECT coalesce(string_agg(t::text, E''\n''), '''') FROM medaid.%I t', rel) INTO v;
	RETURN v;
END
$$;
SELECT lives_ok(format('INSERT INTO seen SELECT %L, %L, pg_temp.do_as(%L, %L)', r.role, r.rel, 'l_' || r.role,
					   format('SELECT coalesce(string_agg(t::text, E''\n''), '''') FROM medaid.%I t', r.rel)),
				format('%s reads %s', r.role, r.rel))
FROM reads r ORDER BY r.role, r.rel;
SELECT ok(CASE WHEN NOT r.limited THEN s.role IS NOT NULL
			   ELSE s.rows !~ '370103|370203' END,
		  format('%s: %s', r.role, CASE WHEN r.limited THEN 'no row of another county in ' || r.rel ELSE 'read ' || r.rel END))
FROM reads r LEFT JOIN seen s ON s.role = r.role AND s.rel = r.rel
ORDER BY r.role, r.rel;

-- and the check is not empty: read as the superuser, the relations the
-- region-limited roles read do hold rows of the other counties (but batch,
-- which has no region)
SELECT is_empty($$
	SELECT DISTINCT r.rel FROM reads r
	WHERE r.limited AND r.rel <> 'batch' AND pg_temp.whole(r.rel) !~ '370103|370203'$$,
	'every relation a region-limited role reads holds rows of another county, which it does not see');

SELECT * FROM finish();
ROLLBACK;
