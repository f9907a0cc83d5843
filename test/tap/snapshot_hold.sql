-- Held snapshots (docs/rules.md §6, §7): who may read the holds and the
-- limits, who may confirm or discard.  One transaction, rolled back (its
-- dead rows in category_period stay in the database the pgTAP files share:
-- the file is named to run after leak.sql, whose counters they would move).
\i test/support/tap_setup.sql
SET datestyle = ISO;
BEGIN;
SELECT plan(16);

CREATE FUNCTION pg_temp.do_as(r name, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SET ROLE %I', r);
	EXECUTE q INTO v;
	RESET ROLE;
	RETURN v;
EXCEPTION WHEN OTHERS THEN
	RESET ROLE;
	RAISE;
END
$$;
CREATE FUNCTION pg_temp.mkid(region text, n integer) RETURNS text LANGUAGE sql AS $$
	SELECT c FROM (SELECT region || '19800101' || lpad(n::text, 3, '0') || d AS c
				   FROM unnest(string_to_array('0123456789X', NULL)) d) x
	WHERE medaid.cnid_is_valid(c) LIMIT 1
$$;

CREATE ROLE t_admin IN ROLE medaid_admin;
CREATE ROLE t_etl IN ROLE medaid_etl;
CREATE ROLE t_county IN ROLE medaid_county;
CREATE ROLE t_civil IN ROLE medaid_civil_affairs;
INSERT INTO medaid.region_access (role, region_prefix) VALUES ('t_county', '370102'), ('t_civil', '370102');

-- 12 people, then a snapshot that names none of them: held
SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'delta') AS b1 \gset
INSERT INTO medaid.roster_staging
SELECT :b1, n, '张' || chr(19968 + n), pg_temp.mkid('370102', n), 'dibao', 'add', '2026-01-05', '370102'
FROM generate_series(1, 12) n;
SELECT medaid.close_batch(:b1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b1)) \g /dev/null
SELECT applied FROM medaid.reconcile(:b1);
SELECT medaid.open_batch('civil_affairs', '2026-02-01', 'snapshot') AS b2 \gset
SET client_min_messages = error;
SELECT medaid.close_batch(:b2, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b2)) \g /dev/null
SELECT pg_temp.do_as('t_etl', format('SELECT exits FROM medaid.reconcile(%s)', :b2));
RESET client_min_messages;

SELECT is(pg_temp.do_as('t_etl', 'SELECT count(*) FROM medaid.held_snapshot WHERE state = ''held'''), '1',
	'ETL reads why its batches wait (held_snapshot)');
SELECT is(pg_temp.do_as('t_admin', 'SELECT sum(exits) FROM medaid.held_snapshot'), '12',
	'the administrator reads held_snapshot');
SELECT is(pg_temp.do_as('t_admin', 'SELECT count(*) FROM medaid.snapshot_held_exit'), '12',
	'the administrator reads the held exits (full IDs)');
SELECT throws_ok($$SELECT pg_temp.do_as('t_etl', 'SELECT count(*) FROM medaid.snapshot_held_exit')$$, '42501', NULL,
	'ETL does not read the held exits');
SELECT throws_ok($$SELECT pg_temp.do_as('t_county', 'SELECT count(*) FROM medaid.held_snapshot')$$, '42501', NULL,
	'county staff do not read held_snapshot');
SELECT throws_ok($$SELECT pg_temp.do_as('t_civil', 'SELECT count(*) FROM medaid.snapshot_held_exit')$$, '42501', NULL,
	'the department does not read the held exits');

-- the limits: everyone of medaid reads them, the administrator keeps them
SELECT is(pg_temp.do_as('t_county', 'SELECT count(*) FROM medaid.snapshot_hold_limit'), '0',
	'county staff read the limits');
SELECT throws_ok($$SELECT pg_temp.do_as('t_etl', 'WITH i AS (INSERT INTO medaid.snapshot_hold_limit VALUES (''civil_affairs'', '''', 1, 1000) RETURNING 1) SELECT count(*) FROM i')$$,
	'42501', NULL, 'ETL cannot change the limits');
SELECT is(pg_temp.do_as('t_admin', 'WITH i AS (INSERT INTO medaid.snapshot_hold_limit VALUES (''civil_affairs'', ''37'', 0.3, 20) RETURNING 1) SELECT count(*) FROM i'),
	'1', 'the administrator sets the limits');
SELECT ok(EXISTS (SELECT FROM medaid.audit_log WHERE action = 'config_change' AND acting_role = 't_admin'
				  AND detail->>'table' = 'snapshot_hold_limit'), 'a change of the limits is audited');

-- only the administrator decides
SELECT throws_ok(format($$SELECT pg_temp.do_as('t_etl', 'SELECT exits FROM medaid.confirm_snapshot(%s)')$$, :b2),
	'42501', NULL, 'ETL cannot confirm a held snapshot');
SELECT throws_ok(format($$SELECT pg_temp.do_as('t_county', 'SELECT exits_discarded FROM medaid.discard_snapshot_exits(%s)')$$, :b2),
	'42501', NULL, 'county staff cannot discard held exits');
SELECT throws_ok(format($$SELECT pg_temp.do_as('t_etl', 'SELECT (medaid.snapshot_hold_lock(%s, ''confirm'')).state')$$, :b2),
	'42501', NULL, 'nobody runs snapshot_hold_lock itself');
SELECT is(pg_temp.do_as('t_admin', format('SELECT exits FROM medaid.confirm_snapshot(%s)', :b2)), '12',
	'the administrator confirms: 12 exits');
SELECT is((SELECT acting_role::text || ' ' || (counts->>'exits') FROM medaid.audit_log WHERE action = 'snapshot_confirm'),
	't_admin 12', 'the confirmation is audited under the role that did it');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace
	  AND p.proname IN ('confirm_snapshot', 'discard_snapshot_exits', 'snapshot_hold_lock', 'snapshot_hold_wait')
	  AND (p.proowner <> 'medaid_owner'::regrole
		   OR has_function_privilege('medaid_etl', p.oid, 'EXECUTE') OR has_function_privilege('medaid_county', p.oid, 'EXECUTE')
		   OR has_function_privilege('medaid_civil_affairs', p.oid, 'EXECUTE') OR has_function_privilege('medaid_analyst', p.oid, 'EXECUTE')
		   OR (p.proname LIKE 'snapshot\_hold\_%' AND has_function_privilege('medaid_admin', p.oid, 'EXECUTE')))$$,
	'only medaid_admin executes confirm_snapshot and discard_snapshot_exits, nobody snapshot_hold_lock or snapshot_hold_wait; medaid_owner owns them');

SELECT * FROM finish();
ROLLBACK;
