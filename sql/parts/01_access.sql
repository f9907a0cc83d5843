-- medaid: the newest install script.  The Makefile concatenates
-- sql/parts/*.sql in the order of their numbers into
-- build/medaid--<version>.sql; the parts follow the data:
--
--   01_access            roles, region_access, the audit log
--   02_cnid              the ID-number type cnid (GB 11643-1999)
--   03_names_regions     normalize_name, the county-code table
--   04_categories        the category type, best_category, favourability
--   05_register          batches, roster_staging, person, category_period,
--                        outcomes, changes, anomaly returns, open_batch,
--                        close_batch,
--                        category_on, category_timeline
--   06_reconcile         reconcile and its steps
--   06_snapshot_holds    snapshots that would empty a roster, held until
--                        an administrator confirms or discards their exits
--   07_review            the counties' monthly review
--   08_burden            annual_burden, burden states, thresholds
--   09_settlements       settlement, its partitions, the load trigger,
--                        settlement_reassessment
--   10_settlement_staging  settlement files judged row by row
--   11_warnings          run_monthly_warnings and its steps, warning_check
--   12_push_cities       the push to the departments, cities' lists,
--                        follow-up, settlement summaries
--   13_participation     subsidies, enrolments, ledger, rates
--   14_masked_views      the *_masked views for analysts
--   14_region_lookups    lookups by ID for region-limited roles (person_lookup, ...)
--   15_config_audit      the configuration tables' audit triggers
--   16_privileges        ownership, row-level security, grants
--
-- Every object is schema-qualified.

\echo Use "CREATE EXTENSION medaid" to load this file. \quit

-------------------------------------------------------------------------------
-- Roles (docs/rules.md §6): created once per cluster, NOLOGIN; a DBA grants them to
-- login roles (README, "Roles").  medaid_owner owns the tables, views,
-- sequences and SECURITY DEFINER functions, so that no definer function
-- runs as a superuser; it is granted to no one.
-------------------------------------------------------------------------------

DO $roles$
DECLARE
	r record;
	e record;
BEGIN
	FOR r IN
		SELECT * FROM (VALUES
			('medaid_owner', false, 'medaid: owns medaid''s tables, views and SECURITY DEFINER functions; granted to no one'),
			('medaid_admin', false, 'medaid: configuration, region_access, audit log, maintenance; reads every row with full IDs'),
			('medaid_etl', true, 'medaid: loads rosters, settlements, enrolments and city lists; runs reconcile, warnings and pushes (BYPASSRLS for COPY: act as it with SET ROLE)'),
			('medaid_analyst', false, 'medaid: statistics through the *_masked views and the rate views, for the regions in region_access'),
			('medaid_full_id', false, 'medaid: members see full ID numbers and names in the *_masked views'),
			('medaid_civil_affairs', false, 'medaid: civil affairs (民政) staff: its anomaly returns, roster changes and pushed warnings, settlement summaries, for the regions in region_access'),
			('medaid_rural', false, 'medaid: rural revitalisation (乡村振兴) staff: its anomaly returns, roster changes and pushed warnings, for the regions in region_access'),
			('medaid_county', false, 'medaid: county medical-insurance staff: the register, settlements, warnings and enrolments of the regions in region_access; the monthly sign-off')
		) AS v(name, bypass, note)
	LOOP
		SELECT * INTO e FROM pg_catalog.pg_roles x WHERE x.rolname OPERATOR(pg_catalog.=) r.name;
		IF NOT FOUND THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN %s', r.name,
									  CASE WHEN r.bypass THEN 'BYPASSRLS' ELSE 'NOBYPASSRLS' END);
		ELSIF e.rolsuper OR e.rolcanlogin OR e.rolbypassrls OPERATOR(pg_catalog.<>) r.bypass
			  OR (r.name OPERATOR(pg_catalog.=) 'medaid_owner'
				  AND EXISTS (SELECT FROM pg_catalog.pg_auth_members m WHERE m.roleid OPERATOR(pg_catalog.=) e.oid)) THEN
			RAISE EXCEPTION 'role % exists with other attributes than medaid needs', r.name
				USING ERRCODE = 'duplicate_object',
					  DETAIL = 'medaid''s roles are NOLOGIN, not superuser; only medaid_etl has BYPASSRLS; medaid_owner has no members.',
					  HINT = 'Drop or fix the role, then CREATE EXTENSION medaid again.';
		END IF;
		EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.name, r.note);
	END LOOP;
	IF NOT pg_catalog.pg_has_role('medaid_admin', 'medaid_full_id', 'MEMBER') THEN
		GRANT medaid_full_id TO medaid_admin;
	END IF;
END
$roles$;

-------------------------------------------------------------------------------
-- Who may see which regions, and the audit log (docs/rules.md §6)
-------------------------------------------------------------------------------

CREATE TABLE medaid.region_access (
	role name NOT NULL,
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	granted_by name NOT NULL DEFAULT SESSION_USER,
	granted_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (role, region_prefix)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.region_access', '');
COMMENT ON TABLE medaid.region_access IS
'which regions each role may see (configuration kept by pg_dump, kept by medaid_admin): a login or group role and a province (37), city (3701) or county (370102) prefix; members of the role see the people and rows of those regions';
COMMENT ON COLUMN medaid.region_access.role IS 'a role name (a login, or a group whose members all get the regions); a name that is no role gives nothing';
COMMENT ON COLUMN medaid.region_access.region_prefix IS 'a province (2 digits), city (4) or county (6) code';
COMMENT ON COLUMN medaid.region_access.granted_by IS 'who added the row';
COMMENT ON COLUMN medaid.region_access.granted_at IS 'when';

CREATE FUNCTION medaid.caller() RETURNS name
	LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$ SELECT COALESCE(NULLIF(current_setting('role'), 'none'), SESSION_USER)::name $$;
COMMENT ON FUNCTION medaid.caller() IS
'the role the session acts as (SET ROLE, else the login): who called, also inside medaid''s SECURITY DEFINER functions, where current_user is medaid_owner';

CREATE FUNCTION medaid.region_patterns(who name) RETURNS text[]
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT CASE
		WHEN who IS NULL OR NOT pg_has_role(SESSION_USER, who, 'MEMBER') THEN '{}'::text[]
		WHEN pg_has_role(who, 'medaid_admin', 'USAGE') THEN ARRAY['%']
		ELSE COALESCE((SELECT array_agg(DISTINCT a.region_prefix || '%' ORDER BY a.region_prefix || '%')
					   FROM medaid.region_access a JOIN pg_roles r ON r.rolname = a.role
					   WHERE pg_has_role(who, r.oid, 'USAGE')), '{}'::text[])
	END
$$;
COMMENT ON FUNCTION medaid.region_patterns(name) IS
'the LIKE patterns of the regions a role may see (region_access, through its memberships; every region for medaid_admin and superusers; none for a role the session is not a member of): what the row-level security policies and the regional views filter by';

-- Free text a caller sets (application_name, a review note, role names)
-- is stored with its ID-like digit runs masked, as the server log shows
-- them (src/redact.c): an audit row never holds a full ID.
CREATE FUNCTION medaid.mask_id_runs(t text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.mask_id_runs(text) IS
'free text with every ID-like run (15 or more ASCII or full-width digits, separators between them as the ID parser accepts, a trailing X) masked as the log redaction masks it: first 6 and last 4 characters, one * for each between; for free text medaid stores';

CREATE SEQUENCE medaid.audit_log_id_seq;
COMMENT ON SEQUENCE medaid.audit_log_id_seq IS 'audit log ids';
CREATE TABLE medaid.audit_log (
	audit_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.audit_log_id_seq'),
	at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	login name NOT NULL DEFAULT medaid.mask_id_runs(SESSION_USER)::name,
	acting_role name NOT NULL DEFAULT medaid.mask_id_runs(medaid.caller())::name,
	client_addr inet DEFAULT pg_catalog.inet_client_addr(),
	application_name text DEFAULT medaid.mask_id_runs(pg_catalog.current_setting('application_name')),
	action text NOT NULL CHECK (action IN ('open_batch', 'close_batch', 'reconcile', 'anomaly_return', 'warning_run', 'warning_push',
										   'review_signoff', 'settlement_load', 'settlement_insert', 'partition_create',
										   'burden_rebuild', 'settlement_summary', 'access_change', 'config_change',
										   'audit_purge', 'snapshot_hold', 'snapshot_confirm', 'snapshot_discard')),
	batch_id bigint,
	load_id bigint,
	run_id bigint,
	month date,
	dept text,
	region text,
	counts jsonb NOT NULL DEFAULT '{}',
	detail jsonb
);
CREATE INDEX audit_log_action_at ON medaid.audit_log (action, at);
SELECT pg_catalog.pg_extension_config_dump('medaid.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.audit_log_id_seq', '');
COMMENT ON TABLE medaid.audit_log IS
'who did what, when, to what, with what counts: every reconciliation, anomaly return, snapshot hold and its decision, warning run, push, review sign-off, settlement load, settlement summary, access and configuration change (committed work only; never a full ID); only medaid_admin may read it or delete old rows, nobody may change a row';
COMMENT ON COLUMN medaid.audit_log.audit_id IS 'the entry';
COMMENT ON COLUMN medaid.audit_log.at IS 'when (clock time)';
COMMENT ON COLUMN medaid.audit_log.login IS 'the session''s login role (ID-like digit runs masked: mask_id_runs)';
COMMENT ON COLUMN medaid.audit_log.acting_role IS 'the role it acted as (SET ROLE), else the login (ID-like digit runs masked)';
COMMENT ON COLUMN medaid.audit_log.client_addr IS 'the client''s address; NULL over a Unix socket';
COMMENT ON COLUMN medaid.audit_log.application_name IS 'the client''s application_name, ID-like digit runs masked (mask_id_runs)';
COMMENT ON COLUMN medaid.audit_log.action IS 'what was done: open_batch, close_batch, reconcile, anomaly_return, warning_run, warning_push, review_signoff, settlement_load, settlement_insert, partition_create, burden_rebuild, settlement_summary, access_change, config_change, audit_purge, snapshot_hold, snapshot_confirm, snapshot_discard';
COMMENT ON COLUMN medaid.audit_log.batch_id IS 'the roster batch, for open_batch, close_batch, reconcile, anomaly_return and the snapshot holds';
COMMENT ON COLUMN medaid.audit_log.load_id IS 'the settlement load, for settlement_load';
COMMENT ON COLUMN medaid.audit_log.run_id IS 'the warning run, for warning_run';
COMMENT ON COLUMN medaid.audit_log.month IS 'the month concerned';
COMMENT ON COLUMN medaid.audit_log.dept IS 'the department concerned';
COMMENT ON COLUMN medaid.audit_log.region IS 'the region concerned (review_signoff)';
COMMENT ON COLUMN medaid.audit_log.counts IS 'the counts of the action, e.g. {"applied": 10, "anomalies": 2}';
COMMENT ON COLUMN medaid.audit_log.detail IS 'anything else: the table and operation of a configuration change, the masked ID of a settlement summary';

CREATE FUNCTION medaid.audit_log_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_OP = 'UPDATE' THEN
		RAISE EXCEPTION 'the audit log cannot be changed'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'Audit entries are written by medaid''s functions and never updated.';
	END IF;
	IF NOT pg_has_role(current_user, 'medaid_admin', 'USAGE') THEN
		RAISE EXCEPTION 'only medaid_admin may delete audit entries'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('Role %s is not a member of medaid_admin.', current_user),
				  HINT = 'Old entries are deleted by an administrator, per the retention policy; the deletion is itself audited.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.audit_log_guard() IS
'statement trigger on audit_log: refuses every UPDATE, and DELETE or TRUNCATE by anyone but medaid_admin (medaid''s own functions, which run as medaid_owner, cannot erase it)';
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE OR TRUNCATE ON medaid.audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_log_guard();

CREATE FUNCTION medaid.audit_log_purged() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		INSERT INTO medaid.audit_log (action, detail) VALUES ('audit_purge', '{"truncate": true}');
	ELSE
		INSERT INTO medaid.audit_log (action, counts, detail)
		SELECT 'audit_purge', jsonb_build_object('deleted', count(*)),
			   jsonb_build_object('first_at', min(o.at), 'last_at', max(o.at))
		FROM old_rows o;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.audit_log_purged() IS 'statement trigger on audit_log: records each deletion of old entries (how many, their span)';
CREATE TRIGGER audit_log_purged AFTER DELETE ON medaid.audit_log
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_log_purged();
CREATE TRIGGER audit_log_truncated AFTER TRUNCATE ON medaid.audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_log_purged();

-- configuration and access changes: which table, which operation, by whom
-- (pg_restore, a superuser's session named so, restores them unaudited)
CREATE FUNCTION medaid.audit_config_change() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF current_setting('application_name') = 'pg_restore'
	   AND (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = SESSION_USER) THEN
		RETURN NULL;
	END IF;
	INSERT INTO medaid.audit_log (action, detail)
	VALUES (CASE WHEN TG_TABLE_NAME = 'region_access' THEN 'access_change' ELSE 'config_change' END,
			jsonb_build_object('table', TG_TABLE_NAME, 'operation', TG_OP));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.audit_config_change() IS
'statement trigger on region_access and the configuration tables: records who changed which table how (access_change, config_change)';
CREATE TRIGGER audit_access_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.region_access
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();

