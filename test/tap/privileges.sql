-- Roles, row-level security, masking and audit (docs/rules.md §6, issue 6): as each
-- role, what it can and cannot read and do.  Everything happens inside one
-- transaction that is rolled back, roles included.
\i test/support/tap_setup.sql
SET datestyle = ISO;
BEGIN;
SELECT plan(77);

-- run a query as a role and return its rows as text (the caller stays the
-- superuser that records the results)
CREATE FUNCTION pg_temp.as_role(r name, q text) RETURNS TABLE (x text) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('SET ROLE %I', r);
	RETURN QUERY EXECUTE format('SELECT t.c::text FROM (%s) t(c)', q);
	RESET ROLE;
EXCEPTION WHEN OTHERS THEN
	RESET ROLE;
	RAISE;
END
$$;
\i test/support/role_helpers.sql
-- a query's plan as a role
CREATE FUNCTION pg_temp.explain_as(r name, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	line text;
	plan text := '';
BEGIN
	EXECUTE format('SET ROLE %I', r);
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		plan := plan || line || E'\n';
	END LOOP;
	RESET ROLE;
	RETURN plan;
END
$$;
CREATE ROLE t_admin IN ROLE medaid_admin;
CREATE ROLE t_etl IN ROLE medaid_etl;
CREATE ROLE t_analyst IN ROLE medaid_analyst;
CREATE ROLE t_analyst_full IN ROLE medaid_analyst, medaid_full_id;
CREATE ROLE t_civil IN ROLE medaid_civil_affairs;
CREATE ROLE t_rural IN ROLE medaid_rural;
CREATE ROLE t_county IN ROLE medaid_county;
CREATE ROLE t_city IN ROLE medaid_county;
CREATE ROLE t_nobody;

SELECT pg_temp.mkid('370102', 1) AS a, pg_temp.mkid('370103', 2) AS b, pg_temp.mkid('370203', 3) AS c,
	   pg_temp.mkid('370102', 4) AS x \gset

-- the administrator keeps the configuration and the region mapping
SELECT lives_ok(format($$SELECT pg_temp.do_as('t_admin', %L)$$, $q$
	WITH a AS (INSERT INTO medaid.region_access (role, region_prefix) VALUES
		('t_county', '370102'), ('t_city', '3701'), ('t_civil', '370102'), ('t_rural', '370102'),
		('t_analyst', '3701'), ('t_analyst_full', '37') RETURNING 1),
	i AS (INSERT INTO medaid.income_baseline (province, year, per_capita_income) VALUES ('37', 2025, 40000.00) RETURNING 1),
	c AS (INSERT INTO medaid.resident_contribution VALUES ('37', 2026, 380.00, 'test') RETURNING 1),
	r AS (INSERT INTO medaid.subsidy_rule VALUES ('37', 2026, 'dibao_edge', 200.00, 'test') RETURNING 1)
	SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM i) + (SELECT count(*) FROM c) + (SELECT count(*) FROM r)$q$),
	'admin maps roles to regions and sets the income baseline');

-- ETL does the whole monthly job as medaid_etl
SELECT lives_ok(format($$SELECT pg_temp.do_as('t_etl', %L)$$, format($q$
	WITH b AS (SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'delta') AS id),
	s AS (INSERT INTO medaid.roster_staging SELECT b.id, v.* FROM b, (VALUES
		(1, '甲', %L, 'dibao_edge', 'add', '2026-01-02'::date, '370102'),
		(2, '乙', %L, 'dibao_edge', 'add', '2026-01-02'::date, '370103'),
		(3, '丙', %L, 'dibao_edge', 'add', '2026-01-02'::date, '370203'),
		(4, '丁', '370102198013010011', 'dibao', 'add', '2026-01-02'::date, '370102'),
		(5, '戊', '370103198013010011', 'dibao', 'add', '2026-01-02'::date, '370103')) v RETURNING 1)
	SELECT count(*) FROM s$q$, :'a', :'b', :'c')),
	'ETL opens a batch and stages its rows');
SELECT is(pg_temp.do_as('t_etl', $$SELECT medaid.close_batch((SELECT max(batch_id) FROM medaid.batch), 5)::text$$),
	'5', 'ETL closes the batch for loading: its file declares 5 rows');
SELECT is(pg_temp.do_as('t_etl',
	$$SELECT applied || '/' || anomalies FROM medaid.reconcile((SELECT max(batch_id) FROM medaid.batch))$$),
	'3/2', 'ETL reconciles: 3 applied, 2 anomalies returned');
SELECT lives_ok(format($$SELECT pg_temp.do_as('t_etl', %L)$$, format($q$
	WITH b AS (SELECT medaid.open_batch('rural', '2026-01-01', 'delta') AS id),
	s AS (INSERT INTO medaid.roster_staging SELECT b.id, v.* FROM b, (VALUES
		(1, '己', '370102198013010011', 'jiance', 'add', '2026-01-02'::date, '370102')) v RETURNING 1)
	SELECT count(*) FROM s$q$)), 'ETL stages a rural batch');
SELECT is(pg_temp.do_as('t_etl', $$SELECT medaid.close_batch((SELECT max(batch_id) FROM medaid.batch), 1)::text$$),
	'1', 'ETL closes the rural batch');
SELECT is(pg_temp.do_as('t_etl',
	$$SELECT anomalies FROM medaid.reconcile((SELECT max(batch_id) FROM medaid.batch))$$),
	'1', 'ETL reconciles it: its row is an anomaly for rural');
SELECT lives_ok(format($$SELECT pg_temp.do_as('t_etl', %L)$$, format($q$
	WITH s AS (INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total) VALUES
		('S1', %L, '2026-01-10', '370102', 90000.00),
		('S2', %L, '2026-01-11', '370103', 90000.00),
		('S3', %L, '2026-01-12', '370203', 90000.00),
		('S4', %L, '2026-01-13', '370203', 10.00),
		('S5', %L, '2026-01-14', '370102', 70000.00) RETURNING 1)
	SELECT count(*) FROM s$q$, :'a', :'b', :'c', :'a', :'x')), 'ETL inserts settlements');
SELECT is(pg_temp.do_as('t_etl',
	$$SELECT warned FROM medaid.run_monthly_warnings('2026-01-01')$$), '4', 'ETL runs the month: 4 warnings');
SELECT is(pg_temp.do_as('t_etl',
	$$SELECT count(*) FROM medaid.push_warnings('2026-01-01', 'civil_affairs')$$), '4', 'ETL pushes them to civil affairs');
SELECT lives_ok(format($$SELECT pg_temp.do_as('t_etl', %L)$$, format($q$
	WITH e AS (INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on) VALUES
		(%L, 2026, '370102', '2026-01-05'), (%L, 2026, '370103', '2026-01-05'), (%L, 2026, '370203', '2026-01-05')
		RETURNING 1)
	SELECT count(*) FROM e$q$, :'a', :'b', :'c')), 'ETL enrols');

-- ETL may not change the register or read the audit
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_etl', 'SELECT count(*) FROM medaid.audit_log')$$, '42501', NULL,
	'ETL cannot read the audit log');
SELECT throws_ok($$SELECT pg_temp.do_as('t_etl', 'WITH u AS (UPDATE medaid.category_period SET valid_to = NULL RETURNING 1) SELECT count(*) FROM u')$$,
	'42501', NULL, 'ETL cannot update categories');
SELECT throws_ok($$SELECT pg_temp.do_as('t_etl', 'WITH u AS (INSERT INTO medaid.region_access VALUES (''t_etl'', ''37'') RETURNING 1) SELECT count(*) FROM u')$$,
	'42501', NULL, 'ETL cannot map itself to regions');

-- county staff of 370102: only their people, and rows placed in their county
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT DISTINCT region FROM medaid.person')$$,
	ARRAY['370102'], 'county sees only the people registered in its county');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT settlement_id FROM medaid.settlement')$$,
	ARRAY['S1', 'S4', 'S5'], 'county sees its settlements and those of its people settled elsewhere');
SELECT set_eq(format($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT id_number FROM medaid.category_period')$$),
	ARRAY[:'a'], 'county sees its people''s categories only');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT region FROM medaid.enrollment')$$,
	ARRAY['370102'], 'county sees its enrolments');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT id_number FROM medaid.warning')$$,
	ARRAY[:'a', :'x'], 'county sees the warnings of its people and those settled in it');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_county',
	format('SELECT count(*) FROM medaid.person WHERE id_number = %L', :'b'))), '0',
	'county cannot find another county''s person by ID');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_county',
	format('SELECT medaid.category_on(%L, ''2026-01-31'') IS NULL', :'b'))), 'true',
	'category_on of another county''s person gives nothing');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_county',
	format('SELECT count(*) FROM medaid.category_timeline(%L)', :'b'))), '0',
	'category_timeline of another county''s person is empty');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT DISTINCT region FROM medaid.participation_rate')$$,
	ARRAY['370102'], 'county sees only its own participation rate');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT DISTINCT region FROM medaid.participation_ledger')$$,
	ARRAY['370102'], 'the participation ledger shows only its people');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_county',
	'SELECT count(*) FROM pg_stats WHERE schemaname = ''medaid'' AND tablename = ''person'''))::integer, 0,
	'county reads no statistics of the register');
SELECT lives_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT region FROM medaid.mark_reviewed(''370102'', ''2026-01-01'')')$$,
	'county signs off its own county');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT region FROM medaid.mark_reviewed(''370103'', ''2026-01-01'')')$$,
	'42501', NULL, 'county cannot sign off another county');
SELECT throws_ok($$SELECT pg_temp.do_as('t_county', 'WITH u AS (UPDATE medaid.warning SET threshold = 0 RETURNING 1) SELECT count(*) FROM u')$$,
	'42501', NULL, 'county cannot change warnings');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT count(*) FROM medaid.warning_masked')$$,
	'42501', NULL, 'county does not read the analysts'' views');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT count(*) FROM medaid.reconcile(1)')$$,
	'42501', NULL, 'county cannot reconcile');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT medaid.close_batch(1, 0)')$$,
	'42501', NULL, 'county cannot close a batch');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT count(*) FROM medaid.region_access')$$,
	'42501', NULL, 'county cannot read the region mapping');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT count(*) FROM medaid.burden_year')$$,
	'42501', NULL, 'county cannot read burden states');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_county', 'SELECT medaid.burden_state_result(''\x00''::bytea, ''2026-01-01'', 1)')$$,
	'42501', NULL, 'county cannot feed bytes to the burden state readers');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_county',
	'SELECT count(*) FROM medaid.person WHERE medaid.cnid_region(id_number) <> ''370102'' OR region <> ''370102'''))::integer, 0,
	'a query of its own over the register finds no one outside the county');

SELECT matches(pg_temp.explain_as('t_county', 'SELECT count(*) FROM medaid.person'),
	'InitPlan 1 .*Filter: \(region ~~ ANY \(\$0\)\)',
	'the region patterns are computed once per query (an InitPlan), not per row');

-- a city-mapped county role sees the city
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_city', 'SELECT DISTINCT region FROM medaid.person')$$,
	ARRAY['370102', '370103'], 'a city mapping sees the city''s counties');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_city', 'SELECT region FROM medaid.participation_rate WHERE level <> ''county''')$$,
	ARRAY['3701'], 'a city mapping sees its city rate, not the province''s');

-- the departments: their own returns and pushed warnings
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_civil', 'SELECT dept || '':'' || region FROM medaid.anomaly_queue')$$,
	ARRAY['civil_affairs:370102'], 'civil affairs sees its own returns in its county');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_rural', 'SELECT dept || '':'' || region FROM medaid.anomaly_queue')$$,
	ARRAY['rural:370102'], 'rural sees its own returns');
SELECT set_eq($$SELECT * FROM pg_temp.as_role('t_civil', 'SELECT id_number FROM medaid.warning')$$,
	ARRAY[:'a', :'x'], 'civil affairs sees the warnings pushed to it of its county''s people and of those settled there');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_rural', 'SELECT count(*) FROM medaid.warning'))::integer, 0,
	'rural sees no warning: none was pushed to it');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_civil',
	format('SELECT settlements FROM medaid.settlement_summary(%L, ''2026-01-01'', ''2026-12-31'')', :'a'))), '2',
	'civil affairs gets the settlement summary of a person of its county');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_civil',
	format('SELECT settlements FROM medaid.settlement_summary(%L, ''2026-01-01'', ''2026-12-31'')', :'b'))), '0',
	'and nothing of a person of another county');
SELECT is((SELECT detail->>'id_masked' FROM medaid.audit_log WHERE action = 'settlement_summary' ORDER BY audit_id DESC LIMIT 1),
	medaid.cnid_mask(:'b'::medaid.cnid), 'each summary is audited with the masked ID');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_rural', 'SELECT count(*) FROM medaid.settlement_summary(''11010519491231002X'')')$$,
	'42501', NULL, 'rural asks for no settlement summaries');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_civil', 'SELECT count(*) FROM medaid.person')$$,
	'42501', NULL, 'civil affairs does not read the register');

-- analysts: masked IDs, their regions; full IDs only with medaid_full_id
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_analyst',
	'SELECT count(*) FILTER (WHERE id_number IS NOT NULL) || ''/'' || count(*) FROM medaid.warning_masked')), '0/2',
	'analyst: warnings of the city, no full ID');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_analyst',
	'SELECT bool_and(id_masked ~ ''^[0-9]{6}\*{8}[0-9]{3}[0-9X]$'') FROM medaid.warning_masked')), 'true',
	'analyst: IDs masked as cnid_mask gives them');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_analyst',
	'SELECT count(*) FILTER (WHERE name IS NOT NULL) FROM medaid.person_masked'))::integer, 0,
	'analyst: no names');
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_analyst_full',
	'SELECT count(*) FILTER (WHERE id_number IS NOT NULL) || ''/'' || count(*) FROM medaid.warning_masked')), '4/4',
	'analyst with medaid_full_id: full IDs, the whole province');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_analyst', 'SELECT count(*) FROM medaid.warning')$$,
	'42501', NULL, 'analyst cannot read warning itself');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_analyst', 'SELECT count(*) FROM medaid.suspected_uninsured')$$,
	'42501', NULL, 'analyst cannot read suspected_uninsured itself');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_analyst_full', 'SELECT count(*) FROM medaid.settlement')$$,
	'42501', NULL, 'analyst cannot read settlement itself');

-- PUBLIC: the type and pure functions, no personal data
SELECT is((SELECT string_agg(x, ',') FROM pg_temp.as_role('t_nobody', 'SELECT (medaid.cnid_check(''11010519491231002X'')).ok')),
	'true', 'anyone may check an ID number');
SELECT is_empty($$
	SELECT c.relname FROM pg_class c
	WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S')
	  AND (has_table_privilege('t_nobody', c.oid, 'SELECT') OR has_table_privilege('t_nobody', c.oid, 'INSERT'))$$,
	'PUBLIC reads and writes no medaid table, view or sequence');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.prosecdef
	  AND has_function_privilege('t_nobody', p.oid, 'EXECUTE')
	  AND p.proname NOT IN ('region_patterns')$$,
	'PUBLIC runs no SECURITY DEFINER function but region_patterns');

-- the internal steps of reconcile, run_monthly_warnings and
-- load_settlements: their owner's alone, SECURITY INVOKER, search_path
-- pinned; ETL runs them only through the functions they are steps of
CREATE TEMP VIEW steps AS
SELECT p.oid, p.proname || '(' || oidvectortypes(p.proargtypes) || ')' AS fn, p.proowner, p.prosecdef, p.proconfig
FROM pg_proc p
WHERE p.pronamespace = 'medaid'::regnamespace
  AND obj_description(p.oid, 'pg_proc') ~ '^(part of )?step [0-9]+ of [a-z_]+, for it alone';
SELECT set_eq($$SELECT p.proname::text FROM steps s JOIN pg_proc p ON p.oid = s.oid$$,
	ARRAY['reconcile_judge_fields', 'reconcile_judge', 'reconcile_apply_delta', 'reconcile_delta_event',
		  'reconcile_apply_snapshot', 'reconcile_snapshot_hold', 'reconcile_record', 'warning_run_people', 'warning_run_thresholds', 'warning_run_write',
		  'settlement_load_judge_rows', 'settlement_load_judge_ids', 'settlement_load_write'],
	'the steps of reconcile, the warning run and the settlement load say so in their comments');
SELECT is_empty($$
	SELECT s.fn FROM steps s
	WHERE s.proowner <> 'medaid_owner'::regrole OR s.prosecdef
	   OR NOT ('search_path=pg_catalog, pg_temp' = ANY (coalesce(s.proconfig, '{}')))$$,
	'the steps are owned by medaid_owner, run as their caller, and pin search_path');
SELECT is_empty($$
	SELECT s.fn || ' by ' || r.rolname FROM steps s CROSS JOIN pg_roles r
	WHERE NOT r.rolsuper AND r.oid <> s.proowner AND has_function_privilege(r.oid, s.oid, 'EXECUTE')$$,
	'no role but their owner may execute the steps');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_etl', 'SELECT medaid.reconcile_judge(1)')$$,
	'42501', NULL, 'ETL cannot run reconcile_judge itself');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_etl', 'SELECT medaid.reconcile_apply_delta(1)')$$,
	'42501', NULL, 'ETL cannot run reconcile_apply_delta itself');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_etl',
	'SELECT medaid.reconcile_delta_event(NULL::medaid.batch, 1, NULL, NULL, ''add'', NULL)')$$,
	'42501', NULL, 'ETL cannot run reconcile_delta_event itself');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_etl', 'SELECT medaid.reconcile_apply_snapshot(1)')$$,
	'42501', NULL, 'ETL cannot run reconcile_apply_snapshot itself');
SELECT throws_ok($$SELECT * FROM pg_temp.as_role('t_etl', 'SELECT medaid.reconcile_record(1, 0, 0)')$$,
	'42501', NULL, 'ETL cannot run reconcile_record itself');
SELECT throws_ok($$SELECT pg_temp.do_as('t_etl', 'SELECT medaid.warning_run_people(''2026-01-01'', NULL)::text')$$,
	'42501', NULL, 'ETL cannot call a step of the warning run itself');
SELECT throws_ok($$SELECT pg_temp.do_as('t_etl', 'SELECT (medaid.settlement_load_write(1)).accepted::text')$$,
	'42501', NULL, 'ETL cannot call a step of the settlement load itself');

-- the audit: who did what, with counts
SELECT set_eq($$SELECT DISTINCT action FROM medaid.audit_log WHERE login = current_user AND acting_role = 't_etl'$$,
	ARRAY['open_batch', 'close_batch', 'reconcile', 'anomaly_return', 'settlement_insert', 'warning_run', 'warning_push'],
	'every step of the ETL job is audited under the role that did it');
SELECT is((SELECT counts FROM medaid.audit_log WHERE action = 'reconcile' ORDER BY audit_id LIMIT 1),
	'{"exits": 0, "applied": 3, "anomalies": 2, "duplicates": 0, "rows_staged": 5}'::jsonb, 'the reconcile entry has its counts');
SELECT is((SELECT counts->>'pushed' FROM medaid.audit_log WHERE action = 'warning_push'), '4', 'the push entry counts the warnings');
SELECT ok(EXISTS (SELECT FROM medaid.audit_log WHERE action = 'review_signoff' AND region = '370102' AND acting_role = 't_county'),
	'the sign-off is audited');
SELECT ok(EXISTS (SELECT FROM medaid.audit_log WHERE action = 'access_change' AND acting_role = 't_admin'),
	'the region mapping change is audited');
SELECT is_empty($$SELECT audit_id FROM medaid.audit_log
	WHERE (SELECT string_agg(x, ',') FROM (SELECT unnest(ARRAY[counts::text, detail::text]) x) y) ~ '[0-9]{17}[0-9X]'$$,
	'no audit entry holds a full ID number');
SELECT throws_ok($$SELECT pg_temp.do_as('t_admin', 'WITH u AS (UPDATE medaid.audit_log SET login = ''x'' RETURNING 1) SELECT count(*) FROM u')$$,
	'42501', NULL, 'nobody changes an audit entry, not even the administrator');
SELECT throws_ok($$WITH u AS (UPDATE medaid.audit_log SET login = 'x' RETURNING 1) SELECT count(*) FROM u$$,
	'42501', 'the audit log cannot be changed', 'not even a superuser, by UPDATE');
SELECT is(pg_temp.do_as('t_admin',
	'WITH d AS (DELETE FROM medaid.audit_log WHERE action = ''open_batch'' RETURNING 1) SELECT count(*) FROM d'), '2',
	'the administrator deletes old entries');
SELECT is((SELECT counts->>'deleted' FROM medaid.audit_log WHERE action = 'audit_purge' AND acting_role = 't_admin'), '2',
	'and the deletion is itself audited');

SELECT * FROM finish();
ROLLBACK;
