-- medaid: the newest install script (one source; the Makefile copies it to
-- sql/medaid--<version>.sql).  Every object is schema-qualified.

\echo Use "CREATE EXTENSION medaid" to load this file. \quit

-------------------------------------------------------------------------------
-- Roles (SPEC §6): created once per cluster, NOLOGIN; a DBA grants them to
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
-- Who may see which regions, and the audit log (SPEC §6)
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

CREATE SEQUENCE medaid.audit_log_id_seq;
COMMENT ON SEQUENCE medaid.audit_log_id_seq IS 'audit log ids';
CREATE TABLE medaid.audit_log (
	audit_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.audit_log_id_seq'),
	at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
	login name NOT NULL DEFAULT SESSION_USER,
	acting_role name NOT NULL DEFAULT medaid.caller(),
	client_addr inet DEFAULT pg_catalog.inet_client_addr(),
	application_name text DEFAULT pg_catalog.current_setting('application_name'),
	action text NOT NULL CHECK (action IN ('open_batch', 'reconcile', 'anomaly_return', 'warning_run', 'warning_push',
										   'review_signoff', 'settlement_load', 'settlement_insert', 'partition_create',
										   'burden_rebuild', 'settlement_summary', 'access_change', 'config_change',
										   'audit_purge')),
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
'who did what, when, to what, with what counts: every reconciliation, anomaly return, warning run, push, review sign-off, settlement load, settlement summary, access and configuration change (committed work only; never a full ID); only medaid_admin may read it or delete old rows, nobody may change a row';
COMMENT ON COLUMN medaid.audit_log.audit_id IS 'the entry';
COMMENT ON COLUMN medaid.audit_log.at IS 'when (clock time)';
COMMENT ON COLUMN medaid.audit_log.login IS 'the session''s login role';
COMMENT ON COLUMN medaid.audit_log.acting_role IS 'the role it acted as (SET ROLE), else the login';
COMMENT ON COLUMN medaid.audit_log.client_addr IS 'the client''s address; NULL over a Unix socket';
COMMENT ON COLUMN medaid.audit_log.application_name IS 'the client''s application_name';
COMMENT ON COLUMN medaid.audit_log.action IS 'what was done: open_batch, reconcile, anomaly_return, warning_run, warning_push, review_signoff, settlement_load, settlement_insert, partition_create, burden_rebuild, settlement_summary, access_change, config_change, audit_purge';
COMMENT ON COLUMN medaid.audit_log.batch_id IS 'the roster batch, for open_batch, reconcile, anomaly_return';
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

-------------------------------------------------------------------------------
-- Identity numbers: the cnid type (GB 11643-1999)
-------------------------------------------------------------------------------

CREATE TYPE medaid.cnid;

CREATE FUNCTION medaid.cnid_in(cstring) RETURNS medaid.cnid
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_out(medaid.cnid) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_recv(internal) RETURNS medaid.cnid
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_send(medaid.cnid) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE medaid.cnid (
	INPUT = medaid.cnid_in,
	OUTPUT = medaid.cnid_out,
	RECEIVE = medaid.cnid_recv,
	SEND = medaid.cnid_send,
	INTERNALLENGTH = 8,
	PASSEDBYVALUE,
	ALIGNMENT = double,
	STORAGE = plain
);

COMMENT ON TYPE medaid.cnid IS
'Chinese resident identity number (公民身份号码, GB 11643-1999), 8 bytes; input normalises 15-digit, full-width, lowercase x, spaces and hyphens; output is the canonical 18 characters';
COMMENT ON FUNCTION medaid.cnid_in(cstring) IS
'cnid text input: normalises and validates; raises 22P02 with the masked input and the reason (STABLE: birth dates after today are refused)';
COMMENT ON FUNCTION medaid.cnid_out(medaid.cnid) IS 'cnid text output: the canonical 18 characters';
COMMENT ON FUNCTION medaid.cnid_recv(internal) IS 'cnid binary input: a version byte (1), then the 17-digit body as int8; validated like text input';
COMMENT ON FUNCTION medaid.cnid_send(medaid.cnid) IS 'cnid binary output: a version byte (1), then the 17-digit body as int8';

CREATE FUNCTION medaid.cnid_eq(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_ne(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_lt(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_le(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_gt(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_ge(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_cmp(medaid.cnid, medaid.cnid) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_hash(medaid.cnid) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.cnid_hash_extended(medaid.cnid, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION medaid.cnid_eq(medaid.cnid, medaid.cnid) IS 'cnid equality';
COMMENT ON FUNCTION medaid.cnid_ne(medaid.cnid, medaid.cnid) IS 'cnid inequality';
COMMENT ON FUNCTION medaid.cnid_lt(medaid.cnid, medaid.cnid) IS 'cnid less than (the order of the 18-character text)';
COMMENT ON FUNCTION medaid.cnid_le(medaid.cnid, medaid.cnid) IS 'cnid less than or equal';
COMMENT ON FUNCTION medaid.cnid_gt(medaid.cnid, medaid.cnid) IS 'cnid greater than';
COMMENT ON FUNCTION medaid.cnid_ge(medaid.cnid, medaid.cnid) IS 'cnid greater than or equal';
COMMENT ON FUNCTION medaid.cnid_cmp(medaid.cnid, medaid.cnid) IS 'cnid three-way comparison (btree support 1)';
COMMENT ON FUNCTION medaid.cnid_sortsupport(internal) IS 'cnid sort support (btree support 2)';
COMMENT ON FUNCTION medaid.cnid_hash(medaid.cnid) IS 'cnid hash (hash support 1)';
COMMENT ON FUNCTION medaid.cnid_hash_extended(medaid.cnid, bigint) IS 'cnid seeded 64-bit hash (hash support 2)';

CREATE OPERATOR medaid.= (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_eq,
	COMMUTATOR = OPERATOR(medaid.=), NEGATOR = OPERATOR(medaid.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR medaid.<> (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_ne,
	COMMUTATOR = OPERATOR(medaid.<>), NEGATOR = OPERATOR(medaid.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR medaid.< (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_lt,
	COMMUTATOR = OPERATOR(medaid.>), NEGATOR = OPERATOR(medaid.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR medaid.<= (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_le,
	COMMUTATOR = OPERATOR(medaid.>=), NEGATOR = OPERATOR(medaid.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR medaid.> (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_gt,
	COMMUTATOR = OPERATOR(medaid.<), NEGATOR = OPERATOR(medaid.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR medaid.>= (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_ge,
	COMMUTATOR = OPERATOR(medaid.<=), NEGATOR = OPERATOR(medaid.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

COMMENT ON OPERATOR medaid.= (medaid.cnid, medaid.cnid) IS 'equal';
COMMENT ON OPERATOR medaid.<> (medaid.cnid, medaid.cnid) IS 'not equal';
COMMENT ON OPERATOR medaid.< (medaid.cnid, medaid.cnid) IS 'less than';
COMMENT ON OPERATOR medaid.<= (medaid.cnid, medaid.cnid) IS 'less than or equal';
COMMENT ON OPERATOR medaid.> (medaid.cnid, medaid.cnid) IS 'greater than';
COMMENT ON OPERATOR medaid.>= (medaid.cnid, medaid.cnid) IS 'greater than or equal';

CREATE OPERATOR CLASS medaid.cnid_ops
	DEFAULT FOR TYPE medaid.cnid USING btree AS
		OPERATOR 1 medaid.<,
		OPERATOR 2 medaid.<=,
		OPERATOR 3 medaid.=,
		OPERATOR 4 medaid.>=,
		OPERATOR 5 medaid.>,
		FUNCTION 1 medaid.cnid_cmp(medaid.cnid, medaid.cnid),
		FUNCTION 2 medaid.cnid_sortsupport(internal);

CREATE OPERATOR CLASS medaid.cnid_hash_ops
	DEFAULT FOR TYPE medaid.cnid USING hash AS
		OPERATOR 1 medaid.=,
		FUNCTION 1 medaid.cnid_hash(medaid.cnid),
		FUNCTION 2 medaid.cnid_hash_extended(medaid.cnid, bigint);

COMMENT ON OPERATOR CLASS medaid.cnid_ops USING btree IS 'btree operator class for cnid';
COMMENT ON OPERATOR CLASS medaid.cnid_hash_ops USING hash IS 'hash operator class for cnid';
COMMENT ON OPERATOR FAMILY medaid.cnid_ops USING btree IS 'btree operator family for cnid';
COMMENT ON OPERATOR FAMILY medaid.cnid_hash_ops USING hash IS 'hash operator family for cnid';

CREATE CAST (text AS medaid.cnid) WITH INOUT AS ASSIGNMENT;
CREATE CAST (medaid.cnid AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS medaid.cnid) IS 'parse and validate an ID number (raises 22P02 on bad input)';
COMMENT ON CAST (medaid.cnid AS text) IS 'the canonical 18 characters';

CREATE FUNCTION medaid.cnid_try(raw text) RETURNS medaid.cnid
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_try(text) IS 'the ID, or NULL when raw is not a valid ID number (never raises)';
CREATE FUNCTION medaid.cnid_is_valid(raw text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_is_valid(text) IS 'whether raw is a valid ID number; false for NULL (never raises)';
CREATE FUNCTION medaid.cnid_invalid_reason(raw text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_invalid_reason(text) IS
'why raw is not a valid ID number, as a reason code (missing, empty, bad_character, length, province, birth_date, future_birth_date, check_character); NULL when valid';
CREATE FUNCTION medaid.cnid_invalid_detail(raw text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_invalid_detail(text) IS 'why raw is not a valid ID number, in a sentence that does not repeat its hidden digits; NULL when valid';
CREATE FUNCTION medaid.cnid_is_upgraded(raw text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_is_upgraded(text) IS 'whether raw is a valid 15-digit number, upgraded to 18 characters; NULL for NULL';

CREATE TYPE medaid.cnid_verdict AS (id medaid.cnid, ok boolean, reason text, detail text, upgraded boolean);
COMMENT ON TYPE medaid.cnid_verdict IS 'the result of cnid_check';
COMMENT ON COLUMN medaid.cnid_verdict.id IS 'the ID, NULL unless ok';
COMMENT ON COLUMN medaid.cnid_verdict.ok IS 'whether the input is a valid ID number';
COMMENT ON COLUMN medaid.cnid_verdict.reason IS 'NULL when ok; else missing, empty, bad_character, length, province, birth_date, future_birth_date, check_character';
COMMENT ON COLUMN medaid.cnid_verdict.detail IS 'why, without the hidden digits; NULL when ok';
COMMENT ON COLUMN medaid.cnid_verdict.upgraded IS 'a valid 15-digit number was upgraded to 18 characters';

-- A single SELECT of a ROW: the planner inlines it, so (cnid_check(x)).ok
-- is one call of cnid_is_valid(x) and builds no composite.
CREATE FUNCTION medaid.cnid_check(raw text) RETURNS medaid.cnid_verdict
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT ROW(medaid.cnid_try(raw), medaid.cnid_is_valid(raw),
			   medaid.cnid_invalid_reason(raw), medaid.cnid_invalid_detail(raw),
			   medaid.cnid_is_upgraded(raw))::medaid.cnid_verdict
$$;
COMMENT ON FUNCTION medaid.cnid_check(text) IS
'Validate an ID number without raising: id (NULL unless ok), ok, reason (NULL when ok; else missing, empty, bad_character, length, province, birth_date, future_birth_date, check_character), detail (why, without the hidden digits), upgraded (a 15-digit number was upgraded)';

CREATE FUNCTION medaid.cnid_birth_date(medaid.cnid) RETURNS date
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_birth_date(medaid.cnid) IS 'the birth date held in characters 7-14';

CREATE FUNCTION medaid.cnid_sex(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_sex(medaid.cnid) IS '''M'' when the sequence number (characters 15-17) is odd, ''F'' when even';

CREATE FUNCTION medaid.cnid_region(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_region(medaid.cnid) IS 'the 6-digit address code (place of first registration, not the insured place)';

CREATE FUNCTION medaid.cnid_kind(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_kind(medaid.cnid) IS
'resident (公民身份号码), permit (港澳台居民居住证, 81/82/83) or foreign (外国人永久居留身份证, leading 9)';

CREATE FUNCTION medaid.cnid_mask(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_mask(medaid.cnid) IS 'for display: the first 6 and last 4 characters, eight * between';

CREATE FUNCTION medaid.cnid_mask(raw text) RETURNS text
	AS 'MODULE_PATHNAME', 'cnid_mask_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_mask(text) IS
'for display of raw, possibly invalid input: normalised, first 6 and last 4 characters kept, the rest * (all * when 10 characters or fewer)';

CREATE FUNCTION medaid.cnid_age(id medaid.cnid, on_date date) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_age(medaid.cnid, date) IS 'age in whole years on a date; an error for a date before birth';

CREATE FUNCTION medaid.cnid_body(medaid.cnid) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION medaid.cnid_body(medaid.cnid) IS 'the 17-digit body as bigint (what cnid stores; the check character is derived from it)';

-------------------------------------------------------------------------------
-- Names
-------------------------------------------------------------------------------

CREATE FUNCTION medaid.normalize_name(text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.normalize_name(text) IS
'a name for matching: full-width forms to half-width, all white space removed, look-alike middle dots (U+002E, U+00B7, U+0387, U+2022, U+2024, U+2027, U+2219, U+22C5, U+30FB, U+FE52, U+FF0E, U+FF65) to U+00B7';

-------------------------------------------------------------------------------
-- Regions (GB/T 2260 address codes): optional, only ever used to flag
-------------------------------------------------------------------------------

CREATE TABLE medaid.region (
	code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
	name text NOT NULL,
	level text NOT NULL CHECK (level IN ('province', 'city', 'county')),
	parent_code text CHECK (parent_code ~ '^[0-9]{6}$'),
	is_gbt2260 boolean NOT NULL DEFAULT true
);
SELECT pg_catalog.pg_extension_config_dump('medaid.region', '');
COMMENT ON TABLE medaid.region IS
'address codes (configuration, kept by pg_dump): load with scripts/load-regions; an ID whose county is missing here is flagged, never rejected';
COMMENT ON COLUMN medaid.region.code IS '6-digit address code: 370000 province, 370100 city, 370102 county';
COMMENT ON COLUMN medaid.region.name IS 'official name';
COMMENT ON COLUMN medaid.region.level IS 'province, city or county';
COMMENT ON COLUMN medaid.region.parent_code IS 'the enclosing region; NULL for a province';
COMMENT ON COLUMN medaid.region.is_gbt2260 IS 'false for development zones and other codes outside GB/T 2260';

CREATE FUNCTION medaid.cnid_county_known(id medaid.cnid) RETURNS boolean
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	AS $$
	SELECT CASE
		WHEN medaid.cnid_kind(id) OPERATOR(pg_catalog.<>) 'resident' THEN NULL
		WHEN NOT EXISTS (SELECT FROM medaid.region) THEN NULL
		ELSE EXISTS (SELECT FROM medaid.region r
					 WHERE r.code OPERATOR(pg_catalog.=) medaid.cnid_region(id))
	END
$$;
COMMENT ON FUNCTION medaid.cnid_county_known(medaid.cnid) IS
'whether the ID''s address code is in medaid.region: NULL when the table is empty or the number is a permit or a foreigner''s, so an unknown county is a flag to look at, never a rejection';

-------------------------------------------------------------------------------
-- Categories of recipients, most favourable first (待遇从优、就高不就低)
-------------------------------------------------------------------------------

CREATE TYPE medaid.category;

CREATE FUNCTION medaid.category_in(cstring) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_out(medaid.category) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_recv(internal) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_send(medaid.category) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE medaid.category (
	INPUT = medaid.category_in,
	OUTPUT = medaid.category_out,
	RECEIVE = medaid.category_recv,
	SEND = medaid.category_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE medaid.category IS
'recipient category (1 byte): tekun 特困人员, dibao 低保对象, fanpin 返贫致贫人口, dibao_edge 低保边缘家庭成员, jiance 防止返贫监测帮扶对象, zhongbing 因病致贫重病患者; input takes the slug or the Chinese name; ordered most favourable first';
COMMENT ON FUNCTION medaid.category_in(cstring) IS 'category input: a slug or the Chinese name; 22P02 otherwise';
COMMENT ON FUNCTION medaid.category_out(medaid.category) IS 'category output: the slug';
COMMENT ON FUNCTION medaid.category_recv(internal) IS 'category binary input: one byte, 1 (tekun) to 6 (zhongbing)';
COMMENT ON FUNCTION medaid.category_send(medaid.category) IS 'category binary output: one byte';

CREATE FUNCTION medaid.category_eq(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_ne(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_lt(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_le(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_gt(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_ge(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_cmp(medaid.category, medaid.category) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_hash(medaid.category) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION medaid.category_hash_extended(medaid.category, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION medaid.category_eq(medaid.category, medaid.category) IS 'category equality';
COMMENT ON FUNCTION medaid.category_ne(medaid.category, medaid.category) IS 'category inequality';
COMMENT ON FUNCTION medaid.category_lt(medaid.category, medaid.category) IS 'more favourable than (default order)';
COMMENT ON FUNCTION medaid.category_le(medaid.category, medaid.category) IS 'at least as favourable as (default order)';
COMMENT ON FUNCTION medaid.category_gt(medaid.category, medaid.category) IS 'less favourable than (default order)';
COMMENT ON FUNCTION medaid.category_ge(medaid.category, medaid.category) IS 'at most as favourable as (default order)';
COMMENT ON FUNCTION medaid.category_cmp(medaid.category, medaid.category) IS 'category three-way comparison (btree support 1)';
COMMENT ON FUNCTION medaid.category_hash(medaid.category) IS 'category hash (hash support 1)';
COMMENT ON FUNCTION medaid.category_hash_extended(medaid.category, bigint) IS 'category seeded hash (hash support 2)';

CREATE OPERATOR medaid.= (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_eq,
	COMMUTATOR = OPERATOR(medaid.=), NEGATOR = OPERATOR(medaid.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR medaid.<> (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_ne,
	COMMUTATOR = OPERATOR(medaid.<>), NEGATOR = OPERATOR(medaid.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR medaid.< (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_lt,
	COMMUTATOR = OPERATOR(medaid.>), NEGATOR = OPERATOR(medaid.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR medaid.<= (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_le,
	COMMUTATOR = OPERATOR(medaid.>=), NEGATOR = OPERATOR(medaid.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR medaid.> (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_gt,
	COMMUTATOR = OPERATOR(medaid.<), NEGATOR = OPERATOR(medaid.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR medaid.>= (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_ge,
	COMMUTATOR = OPERATOR(medaid.<=), NEGATOR = OPERATOR(medaid.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR medaid.= (medaid.category, medaid.category) IS 'equal';
COMMENT ON OPERATOR medaid.<> (medaid.category, medaid.category) IS 'not equal';
COMMENT ON OPERATOR medaid.< (medaid.category, medaid.category) IS 'more favourable (default order)';
COMMENT ON OPERATOR medaid.<= (medaid.category, medaid.category) IS 'at least as favourable (default order)';
COMMENT ON OPERATOR medaid.> (medaid.category, medaid.category) IS 'less favourable (default order)';
COMMENT ON OPERATOR medaid.>= (medaid.category, medaid.category) IS 'at most as favourable (default order)';

CREATE OPERATOR CLASS medaid.category_ops
	DEFAULT FOR TYPE medaid.category USING btree AS
		OPERATOR 1 medaid.<,
		OPERATOR 2 medaid.<=,
		OPERATOR 3 medaid.=,
		OPERATOR 4 medaid.>=,
		OPERATOR 5 medaid.>,
		FUNCTION 1 medaid.category_cmp(medaid.category, medaid.category);
CREATE OPERATOR CLASS medaid.category_hash_ops
	DEFAULT FOR TYPE medaid.category USING hash AS
		OPERATOR 1 medaid.=,
		FUNCTION 1 medaid.category_hash(medaid.category),
		FUNCTION 2 medaid.category_hash_extended(medaid.category, bigint);
COMMENT ON OPERATOR CLASS medaid.category_ops USING btree IS 'btree operator class for category (most favourable first)';
COMMENT ON OPERATOR CLASS medaid.category_hash_ops USING hash IS 'hash operator class for category';
COMMENT ON OPERATOR FAMILY medaid.category_ops USING btree IS 'btree operator family for category';
COMMENT ON OPERATOR FAMILY medaid.category_hash_ops USING hash IS 'hash operator family for category';

CREATE CAST (text AS medaid.category) WITH INOUT AS ASSIGNMENT;
CREATE CAST (medaid.category AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS medaid.category) IS 'a slug or Chinese name to a category (22P02 when unknown)';
COMMENT ON CAST (medaid.category AS text) IS 'the slug';

CREATE FUNCTION medaid.category_from_text(raw text) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_from_text(text) IS 'a slug or Chinese name (surrounding spaces ignored, slugs case-insensitive) to a category; NULL when unknown, never raises';

CREATE FUNCTION medaid.category_label(medaid.category) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_label(medaid.category) IS 'the policy''s Chinese name (特困人员, ...)';

CREATE FUNCTION medaid.category_dept(medaid.category) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_dept(medaid.category) IS 'the department that supplies the category: civil_affairs or rural (33号 §一)';

CREATE FUNCTION medaid.category_ordinal(medaid.category) RETURNS smallint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION medaid.category_ordinal(medaid.category) IS 'default favourability, 1 (tekun, most favourable) to 6 (zhongbing)';

CREATE FUNCTION medaid.category_better(medaid.category, medaid.category) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_better(medaid.category, medaid.category) IS 'the more favourable of two (default order); transition and combine function of best_category';

CREATE AGGREGATE medaid.best_category(medaid.category) (
	SFUNC = medaid.category_better,
	STYPE = medaid.category,
	COMBINEFUNC = medaid.category_better,
	SORTOP = OPERATOR(medaid.<),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.best_category(medaid.category) IS 'the most favourable of its inputs in the default order; combinable, parallel safe';

CREATE FUNCTION medaid.category_rank_step(integer, medaid.category, integer) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_rank_step(integer, medaid.category, integer) IS 'transition of best_category(category, rank): state is rank * 16 + category';
CREATE FUNCTION medaid.category_rank_final(integer) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_rank_final(integer) IS 'final function of best_category(category, rank)';

CREATE AGGREGATE medaid.best_category(medaid.category, integer) (
	SFUNC = medaid.category_rank_step,
	STYPE = integer,
	FINALFUNC = medaid.category_rank_final,
	COMBINEFUNC = pg_catalog.int4smaller,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.best_category(medaid.category, integer) IS
'the input with the lowest rank (a region''s configured favourability, see category_rank), ties and NULL ranks in the default order; its state is an integer, so it combines across parallel workers and nodes';

-- A region's own favourability of categories for a year (its benefit levels).
CREATE TABLE medaid.category_favourability (
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	category medaid.category NOT NULL,
	rank integer NOT NULL CHECK (rank BETWEEN 0 AND 1000),
	PRIMARY KEY (region_prefix, year, category)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.category_favourability', '');
COMMENT ON TABLE medaid.category_favourability IS
'a region''s own order of categories for a year (configuration, kept by pg_dump): the most specific prefix that has rows for the year decides; categories it does not list come after those it lists, in the default order; no rows means the default order';
COMMENT ON COLUMN medaid.category_favourability.region_prefix IS 'a province (37), city (3701) or county (370102)';
COMMENT ON COLUMN medaid.category_favourability.year IS 'the calendar year the order applies to';
COMMENT ON COLUMN medaid.category_favourability.category IS 'the category ranked';
COMMENT ON COLUMN medaid.category_favourability.rank IS 'lower is more favourable; equal ranks fall back to the default order';

CREATE FUNCTION medaid.category_rank(c medaid.category, region text, on_date date) RETURNS integer
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT CASE WHEN c IS NULL THEN NULL
		   ELSE COALESCE(
			(SELECT COALESCE(
				(SELECT f.rank FROM medaid.category_favourability f
				 WHERE f.region_prefix OPERATOR(pg_catalog.=) best.region_prefix
				   AND f.year OPERATOR(pg_catalog.=) best.year
				   AND f.category OPERATOR(medaid.=) c),
				1000 OPERATOR(pg_catalog.+) medaid.category_ordinal(c))
			 FROM (SELECT f.region_prefix, f.year FROM medaid.category_favourability f
				   WHERE f.year OPERATOR(pg_catalog.=) pg_catalog.date_part('year', on_date)::integer
					 AND pg_catalog.starts_with(COALESCE(region, ''), f.region_prefix)
				   ORDER BY pg_catalog.length(f.region_prefix) DESC LIMIT 1) best),
			medaid.category_ordinal(c)::integer)
		   END
$$;
COMMENT ON FUNCTION medaid.category_rank(medaid.category, text, date) IS
'the favourability rank of a category in a region on a date (lower is better): from category_favourability when the region has an order for that year, else the default order';

-------------------------------------------------------------------------------
-- The register, rosters and reconciliation (33号 §一-§三)
-------------------------------------------------------------------------------

CREATE SEQUENCE medaid.batch_id_seq;
COMMENT ON SEQUENCE medaid.batch_id_seq IS 'batch ids';
CREATE TABLE medaid.batch (
	batch_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.batch_id_seq'),
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	period date NOT NULL CHECK (period OPERATOR(pg_catalog.=) pg_catalog.date_trunc('month', period)::date),
	mode text NOT NULL CHECK (mode IN ('delta', 'snapshot')),
	opened_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	opened_by name NOT NULL DEFAULT SESSION_USER,
	reconciled_at timestamptz,
	reconciled_by name,
	rows_staged bigint,
	applied bigint,
	duplicates bigint,
	anomalies bigint,
	exits bigint
);
COMMENT ON TABLE medaid.batch IS 'one push of a roster by a department for a month (open_batch opens one, reconcile applies it once)';
COMMENT ON COLUMN medaid.batch.batch_id IS 'the batch''s id: the batch_id of its rows in roster_staging';
COMMENT ON COLUMN medaid.batch.dept IS 'the sending department: civil_affairs (民政) or rural (乡村振兴)';
COMMENT ON COLUMN medaid.batch.period IS 'the month pushed, as its first day';
COMMENT ON COLUMN medaid.batch.mode IS 'delta (add / exit / change events) or snapshot (the whole roster on the month''s last day)';
COMMENT ON COLUMN medaid.batch.opened_at IS 'when open_batch was called';
COMMENT ON COLUMN medaid.batch.opened_by IS 'who opened it';
COMMENT ON COLUMN medaid.batch.reconciled_at IS 'when reconcile applied it; NULL while open';
COMMENT ON COLUMN medaid.batch.reconciled_by IS 'who reconciled it';
COMMENT ON COLUMN medaid.batch.rows_staged IS 'rows judged';
COMMENT ON COLUMN medaid.batch.applied IS 'rows applied';
COMMENT ON COLUMN medaid.batch.duplicates IS 'rows that changed nothing';
COMMENT ON COLUMN medaid.batch.anomalies IS 'rows set aside and returned to the department';
COMMENT ON COLUMN medaid.batch.exits IS 'categories a snapshot ended because it omitted them (no staged row of their own)';

CREATE TABLE medaid.roster_staging (
	batch_id bigint NOT NULL REFERENCES medaid.batch,
	row_no integer NOT NULL,
	name text,
	id_number text,
	category text,
	event text,
	event_date date,
	region text,
	PRIMARY KEY (batch_id, row_no)
);
COMMENT ON TABLE medaid.roster_staging IS 'COPY target for roster rows, as the department sent them; closed to changes once its batch is reconciled';
COMMENT ON COLUMN medaid.roster_staging.batch_id IS 'the batch (open_batch)';
COMMENT ON COLUMN medaid.roster_staging.row_no IS 'the row''s number in the file, unique within the batch';
COMMENT ON COLUMN medaid.roster_staging.name IS 'name (姓名), as sent';
COMMENT ON COLUMN medaid.roster_staging.id_number IS 'ID number (身份证号码), as sent';
COMMENT ON COLUMN medaid.roster_staging.category IS 'category: slug or Chinese name';
COMMENT ON COLUMN medaid.roster_staging.event IS 'add, exit or change in a delta batch; empty in a snapshot';
COMMENT ON COLUMN medaid.roster_staging.event_date IS 'the department''s date of the event (benefits follow it); in a snapshot the start of a new category, the month''s first day when empty';
COMMENT ON COLUMN medaid.roster_staging.region IS 'the person''s 6-digit county code';

CREATE FUNCTION medaid.roster_staging_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	closed bigint;
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		SELECT b.batch_id INTO closed
		FROM medaid.batch b
		WHERE b.batch_id IN (SELECT n.batch_id FROM new_rows n) AND b.reconciled_at IS NOT NULL
		LIMIT 1;
	END IF;
	IF closed IS NULL AND TG_OP IN ('UPDATE', 'DELETE') THEN
		SELECT b.batch_id INTO closed
		FROM medaid.batch b
		WHERE b.batch_id IN (SELECT o.batch_id FROM old_rows o) AND b.reconciled_at IS NOT NULL
		LIMIT 1;
	END IF;
	-- superusers pass: pg_restore reloads the rows of reconciled batches,
	-- and a superuser could disable the trigger anyway
	IF closed IS NOT NULL AND NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
		RAISE EXCEPTION 'batch % is already reconciled', closed
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Rows of a reconciled batch are its record and cannot change.',
				  HINT = 'Open a new batch with medaid.open_batch for corrections.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.roster_staging_guard() IS 'statement trigger: refuses to add, change or remove rows of a reconciled batch (superusers pass, for pg_restore)';
CREATE TRIGGER roster_staging_guard_insert AFTER INSERT ON medaid.roster_staging
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.roster_staging_guard();
CREATE TRIGGER roster_staging_guard_update AFTER UPDATE ON medaid.roster_staging
	REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.roster_staging_guard();
CREATE TRIGGER roster_staging_guard_delete AFTER DELETE ON medaid.roster_staging
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.roster_staging_guard();

CREATE TABLE medaid.person (
	id_number medaid.cnid PRIMARY KEY,
	name text NOT NULL,
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	first_batch_id bigint NOT NULL,
	first_row_no integer NOT NULL,
	last_batch_id bigint NOT NULL,
	last_row_no integer NOT NULL
);
COMMENT ON TABLE medaid.person IS 'the register of recipients, one row per ID number';
COMMENT ON COLUMN medaid.person.id_number IS 'ID number';
COMMENT ON COLUMN medaid.person.name IS 'name, normalised (normalize_name), as first applied; later rows with another name are anomalies';
COMMENT ON COLUMN medaid.person.region IS 'the region of the person''s latest applied roster row (§7)';
COMMENT ON COLUMN medaid.person.first_batch_id IS 'the batch that first applied a row for the person';
COMMENT ON COLUMN medaid.person.first_row_no IS 'that row';
COMMENT ON COLUMN medaid.person.last_batch_id IS 'the batch of the latest applied row';
COMMENT ON COLUMN medaid.person.last_row_no IS 'that row';

CREATE SEQUENCE medaid.category_period_id_seq;
COMMENT ON SEQUENCE medaid.category_period_id_seq IS 'category period ids';
CREATE TABLE medaid.category_period (
	period_id bigint NOT NULL DEFAULT pg_catalog.nextval('medaid.category_period_id_seq'),
	id_number medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	dept text NOT NULL,
	valid_from date NOT NULL,
	valid_to date,
	started_batch_id bigint NOT NULL,
	started_row_no integer NOT NULL,
	ended_batch_id bigint,
	ended_row_no integer,
	PRIMARY KEY (id_number, period_id),
	CHECK (valid_to IS NULL OR valid_to >= valid_from),
	CHECK (dept OPERATOR(pg_catalog.=) medaid.category_dept(category))
);
CREATE INDEX category_period_person ON medaid.category_period (id_number, category, valid_from);
CREATE INDEX category_period_dept ON medaid.category_period (dept, valid_to);
COMMENT ON TABLE medaid.category_period IS
'the history of each person''s categories: active on day d when valid_from <= d < valid_to; periods of one person and category never overlap (a statement trigger checks it); ended periods are kept';
COMMENT ON COLUMN medaid.category_period.period_id IS 'the period''s id';
COMMENT ON COLUMN medaid.category_period.id_number IS 'ID number';
COMMENT ON COLUMN medaid.category_period.category IS 'the category held';
COMMENT ON COLUMN medaid.category_period.dept IS 'the department that supplies it';
COMMENT ON COLUMN medaid.category_period.valid_from IS 'first day held (the department''s date)';
COMMENT ON COLUMN medaid.category_period.valid_to IS 'first day no longer held; NULL while open';
COMMENT ON COLUMN medaid.category_period.started_batch_id IS 'the batch whose row started the period';
COMMENT ON COLUMN medaid.category_period.started_row_no IS 'that row';
COMMENT ON COLUMN medaid.category_period.ended_batch_id IS 'the batch that ended it';
COMMENT ON COLUMN medaid.category_period.ended_row_no IS 'the row that ended it; NULL when a snapshot ended it by omission';

-- No two periods of one person and category overlap.  A GiST exclusion
-- constraint says it in one line but costs ~100-300 us a row (measured);
-- this statement trigger checks the rows a statement wrote against their
-- neighbours through the btree index, and serialises writers with the lock
-- reconcile takes, so that concurrent writers cannot both pass.
CREATE FUNCTION medaid.category_period_no_overlap() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	bad record;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('medaid.reconcile'));
	SELECT n.id_number, n.category, n.valid_from, n.valid_to, p.valid_from AS other_from, p.valid_to AS other_to
	INTO bad
	FROM new_rows n
	JOIN medaid.category_period p
	  ON p.id_number OPERATOR(medaid.=) n.id_number AND p.category OPERATOR(medaid.=) n.category
	 AND p.period_id <> n.period_id
	 AND p.valid_from < COALESCE(n.valid_to, 'infinity'::date)
	 AND n.valid_from < COALESCE(p.valid_to, 'infinity'::date)
	 AND n.valid_from < COALESCE(n.valid_to, 'infinity'::date)
	 AND p.valid_from < COALESCE(p.valid_to, 'infinity'::date)
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'overlapping periods of category % for ID %', bad.category, medaid.cnid_mask(bad.id_number)
			USING ERRCODE = 'exclusion_violation',
				  DETAIL = format('[%s, %s) overlaps [%s, %s).', bad.valid_from, coalesce(bad.valid_to::text, ''),
								  bad.other_from, coalesce(bad.other_to::text, '')),
				  HINT = 'A person holds a category at most once on any day: end the earlier period first.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.category_period_no_overlap() IS
'statement trigger: no two periods of one person and category overlap (23P01); empty periods overlap nothing';
CREATE TRIGGER category_period_no_overlap_insert AFTER INSERT ON medaid.category_period
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_no_overlap();
CREATE TRIGGER category_period_no_overlap_update AFTER UPDATE ON medaid.category_period
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_no_overlap();

CREATE TABLE medaid.roster_result (
	batch_id bigint NOT NULL,
	row_no integer NOT NULL,
	outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'anomaly')),
	reason text NOT NULL,
	id_number medaid.cnid,
	category medaid.category,
	PRIMARY KEY (batch_id, row_no)
);
COMMENT ON TABLE medaid.roster_result IS 'the outcome of every staged row of every reconciled batch (written by reconcile alone, which keeps its references to batch; no foreign keys, so a million rows cost no million checks)';
COMMENT ON COLUMN medaid.roster_result.batch_id IS 'the batch';
COMMENT ON COLUMN medaid.roster_result.row_no IS 'the row';
COMMENT ON COLUMN medaid.roster_result.outcome IS 'applied, duplicate or anomaly';
COMMENT ON COLUMN medaid.roster_result.reason IS 'why (see the reason codes in docs/reference.md)';
COMMENT ON COLUMN medaid.roster_result.id_number IS 'the ID when the row''s ID number was valid';
COMMENT ON COLUMN medaid.roster_result.category IS 'the category when the row''s category was known';

CREATE VIEW medaid.roster_outcome AS
	SELECT r.batch_id, r.row_no, r.outcome, r.reason
	FROM medaid.roster_result r;
COMMENT ON VIEW medaid.roster_outcome IS 'one row per staged row of each reconciled batch: outcome (applied, duplicate, anomaly) and reason';
COMMENT ON COLUMN medaid.roster_outcome.batch_id IS 'the batch';
COMMENT ON COLUMN medaid.roster_outcome.row_no IS 'the row';
COMMENT ON COLUMN medaid.roster_outcome.outcome IS 'applied, duplicate or anomaly';
COMMENT ON COLUMN medaid.roster_outcome.reason IS 'the reason code';

CREATE TABLE medaid.roster_change (
	batch_id bigint NOT NULL,
	row_no integer,
	id_number medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	change text NOT NULL CHECK (change IN ('add', 'exit', 'change')),
	effective_date date NOT NULL,
	region text NOT NULL
);
CREATE INDEX roster_change_batch ON medaid.roster_change (batch_id);
CREATE INDEX roster_change_person ON medaid.roster_change (id_number, effective_date);
COMMENT ON TABLE medaid.roster_change IS
'every change reconciliation made to a category: the new, exited and changed records that counties review monthly, and the windows for re-assessing settlements';
COMMENT ON COLUMN medaid.roster_change.batch_id IS 'the batch';
COMMENT ON COLUMN medaid.roster_change.row_no IS 'the staged row; NULL for a category a snapshot ended by omission';
COMMENT ON COLUMN medaid.roster_change.id_number IS 'ID number';
COMMENT ON COLUMN medaid.roster_change.category IS 'for add and change the category started, for exit the one ended';
COMMENT ON COLUMN medaid.roster_change.change IS 'add, exit or change';
COMMENT ON COLUMN medaid.roster_change.effective_date IS 'the department''s date: benefits change from it';
COMMENT ON COLUMN medaid.roster_change.region IS 'the person''s county code';

CREATE TABLE medaid.anomaly_return (
	batch_id bigint NOT NULL REFERENCES medaid.batch,
	row_no integer NOT NULL,
	dept text NOT NULL,
	reason text NOT NULL,
	id_number medaid.cnid,
	id_masked text,
	name text,
	category text,
	event text,
	event_date date,
	region text,
	returned_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	closed_at timestamptz,
	closed_by_batch_id bigint REFERENCES medaid.batch,
	closed_by_row_no integer,
	PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX anomaly_return_open ON medaid.anomaly_return (dept, id_number) WHERE closed_at IS NULL;
COMMENT ON TABLE medaid.anomaly_return IS
'anomalies returned to the department that sent them (回传): open until a later batch of that department sends the record again and it is accepted, then closed with a link to that row';
COMMENT ON COLUMN medaid.anomaly_return.batch_id IS 'the batch of the anomalous row';
COMMENT ON COLUMN medaid.anomaly_return.row_no IS 'the row';
COMMENT ON COLUMN medaid.anomaly_return.dept IS 'the department it goes back to';
COMMENT ON COLUMN medaid.anomaly_return.reason IS 'the reason code';
COMMENT ON COLUMN medaid.anomaly_return.id_number IS 'the ID when valid (restricted: full ID)';
COMMENT ON COLUMN medaid.anomaly_return.id_masked IS 'the ID number as sent, masked';
COMMENT ON COLUMN medaid.anomaly_return.name IS 'the name as sent';
COMMENT ON COLUMN medaid.anomaly_return.category IS 'the category as sent';
COMMENT ON COLUMN medaid.anomaly_return.event IS 'the event as sent';
COMMENT ON COLUMN medaid.anomaly_return.event_date IS 'the date as sent';
COMMENT ON COLUMN medaid.anomaly_return.region IS 'the region as sent';
COMMENT ON COLUMN medaid.anomaly_return.returned_at IS 'when it was returned (the batch''s reconciliation)';
COMMENT ON COLUMN medaid.anomaly_return.closed_at IS 'when a later batch corrected it; NULL while open';
COMMENT ON COLUMN medaid.anomaly_return.closed_by_batch_id IS 'the correcting batch';
COMMENT ON COLUMN medaid.anomaly_return.closed_by_row_no IS 'the correcting row';

CREATE VIEW medaid.anomaly_queue AS
	SELECT a.dept, a.batch_id, a.row_no, a.reason, a.id_masked, a.name, a.category,
		   a.event, a.event_date, a.region, a.returned_at, a.closed_at,
		   a.closed_by_batch_id, a.closed_by_row_no
	FROM medaid.anomaly_return a;
COMMENT ON VIEW medaid.anomaly_queue IS 'the anomaly returns for wide reading: IDs masked';
COMMENT ON COLUMN medaid.anomaly_queue.dept IS 'the department it goes back to';
COMMENT ON COLUMN medaid.anomaly_queue.batch_id IS 'the batch of the anomalous row';
COMMENT ON COLUMN medaid.anomaly_queue.row_no IS 'the row';
COMMENT ON COLUMN medaid.anomaly_queue.reason IS 'the reason code';
COMMENT ON COLUMN medaid.anomaly_queue.id_masked IS 'the ID number as sent, masked';
COMMENT ON COLUMN medaid.anomaly_queue.name IS 'the name as sent';
COMMENT ON COLUMN medaid.anomaly_queue.category IS 'the category as sent';
COMMENT ON COLUMN medaid.anomaly_queue.event IS 'the event as sent';
COMMENT ON COLUMN medaid.anomaly_queue.event_date IS 'the date as sent';
COMMENT ON COLUMN medaid.anomaly_queue.region IS 'the region as sent';
COMMENT ON COLUMN medaid.anomaly_queue.returned_at IS 'when it was returned';
COMMENT ON COLUMN medaid.anomaly_queue.closed_at IS 'when a later batch corrected it; NULL while open';
COMMENT ON COLUMN medaid.anomaly_queue.closed_by_batch_id IS 'the correcting batch';
COMMENT ON COLUMN medaid.anomaly_queue.closed_by_row_no IS 'the correcting row';

CREATE FUNCTION medaid.open_batch(dept text, period date, mode text) RETURNS bigint
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	id bigint;
BEGIN
	IF dept IS NULL OR dept NOT IN ('civil_affairs', 'rural') THEN
		RAISE EXCEPTION 'invalid department: %', coalesce(quote_literal(dept), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Rosters come from civil_affairs (民政) or rural (乡村振兴); medical_insurance holds enrolments and settlements.';
	END IF;
	IF mode IS NULL OR mode NOT IN ('delta', 'snapshot') THEN
		RAISE EXCEPTION 'invalid batch mode: %', coalesce(quote_literal(mode), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A batch is delta (add / exit / change events) or snapshot (the whole roster).';
	END IF;
	IF period IS NULL OR NOT isfinite(period) THEN
		RAISE EXCEPTION 'invalid batch period: %', coalesce(period::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The period is the month pushed: any day of it.';
	END IF;
	INSERT INTO medaid.batch (dept, period, mode)
	VALUES (dept, date_trunc('month', period)::date, mode)
	RETURNING batch_id INTO id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, detail)
	VALUES ('open_batch', id, date_trunc('month', period)::date, dept, jsonb_build_object('mode', mode));
	RETURN id;
END
$$;
COMMENT ON FUNCTION medaid.open_batch(text, date, text) IS
'open a batch: dept civil_affairs or rural, period any day of the month pushed, mode delta or snapshot; returns its batch_id for roster_staging';

CREATE FUNCTION medaid.reconcile(batch_id bigint,
		OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint,
		OUT exits bigint, OUT rows_staged bigint, OUT already_reconciled boolean)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_start date;
	m_end date;
	m_next date;
	r record;
	d date;
	n_ended integer;
	was_active boolean;
	extra_row boolean;
	ev_outcome text;
	ev_reason text;
	n_accepted bigint;
BEGIN
	SELECT * INTO b FROM medaid.batch x WHERE x.batch_id = reconcile.batch_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'batch % does not exist', reconcile.batch_id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Open a batch with medaid.open_batch and COPY its rows into medaid.roster_staging.';
	END IF;
	IF b.reconciled_at IS NOT NULL THEN
		applied := b.applied; duplicates := b.duplicates; anomalies := b.anomalies;
		exits := b.exits; rows_staged := b.rows_staged; already_reconciled := true;
		RETURN;
	END IF;
	-- one reconciliation at a time: batches apply in the order they are reconciled
	PERFORM pg_advisory_xact_lock(hashtext('medaid.reconcile'));
	m_start := b.period;
	m_next := (b.period + interval '1 month')::date;
	m_end := m_next - 1;

	IF to_regclass('pg_temp.medaid_judged') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_judged;
	END IF;
	-- The rows were just loaded: without fresh statistics the planner takes
	-- the batch for a handful of rows and probes indexes a million times.
	-- (Only the owner may ANALYZE; others get the plans the statistics give.)
	IF pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = 'medaid.roster_staging'::regclass), 'USAGE') THEN
		ANALYZE medaid.roster_staging;
	END IF;

	-- Rules 1 and 2 for every row, and in a snapshot rule 4 and "unchanged",
	-- in one pass: a million-row snapshot is judged without rewriting rows.
	CREATE TEMP TABLE medaid_judged ON COMMIT DROP AS
	WITH f AS (
		SELECT s.row_no, s.name AS raw_name, s.id_number AS raw_id, s.category AS raw_category,
			   s.event AS raw_event, s.event_date AS raw_date, s.region AS raw_region,
			   medaid.normalize_name(s.name) AS name,
			   medaid.cnid_try(s.id_number) AS id,
			   medaid.category_from_text(s.category) AS category,
			   lower(btrim(s.event)) AS event,
			   CASE WHEN b.mode = 'snapshot' THEN coalesce(s.event_date, m_start) ELSE s.event_date END AS eff_date,
			   btrim(s.region) AS region
		FROM medaid.roster_staging s
		WHERE s.batch_id = b.batch_id
	), fields AS (
		-- rule 1: a missing or invalid field
		SELECT f.*,
			   CASE
				WHEN f.name IS NULL OR f.name = '' THEN 'missing_name'
				WHEN f.id IS NULL THEN 'id_' || medaid.cnid_invalid_reason(f.raw_id)
				WHEN f.raw_category IS NULL OR btrim(f.raw_category) = '' THEN 'missing_category'
				WHEN f.category IS NULL THEN 'unknown_category'
				WHEN medaid.category_dept(f.category) <> b.dept THEN 'category_wrong_department'
				WHEN b.mode = 'delta' AND coalesce(f.event, '') = '' THEN 'missing_event'
				WHEN b.mode = 'delta' AND f.event NOT IN ('add', 'exit', 'change') THEN 'unknown_event'
				WHEN b.mode = 'snapshot' AND coalesce(f.event, '') NOT IN ('', 'add') THEN 'event_in_snapshot'
				WHEN b.mode = 'delta' AND f.raw_date IS NULL THEN 'missing_date'
				WHEN f.eff_date > m_end THEN 'date_after_period'
				WHEN f.eff_date < medaid.cnid_birth_date(f.id) THEN 'date_before_birth'
				WHEN coalesce(f.region, '') = '' THEN 'missing_region'
				WHEN f.region !~ '^[0-9]{6}$' THEN 'invalid_region'
			   END AS field_reason
		FROM f
	), names AS (
		-- rule 2: the name held for the ID, or for a new ID the name on its
		-- first row (by date, then row) that passed rule 1
		SELECT x.*,
			   CASE WHEN x.field_reason IS NOT NULL THEN x.field_reason
					WHEN x.name <> coalesce(p.name, first_value(x.name) OVER first_ok) THEN 'name_mismatch'
			   END AS early_reason
		FROM fields x
		LEFT JOIN medaid.person p ON p.id_number OPERATOR(medaid.=) x.id
		WINDOW first_ok AS (PARTITION BY x.id, x.field_reason IS NULL ORDER BY x.eff_date, x.row_no)
	), extras AS (
		-- snapshot rule 4: further rows of one person and category
		SELECT y.*,
			   CASE WHEN b.mode = 'snapshot' AND y.early_reason IS NULL
					THEN row_number() OVER (PARTITION BY y.id, y.category, y.early_reason IS NULL
											ORDER BY y.eff_date, y.row_no) END AS nth
		FROM names y
	)
	SELECT e.row_no, e.raw_name, e.raw_id, e.raw_category, e.raw_event, e.raw_date, e.raw_region,
		   e.name, e.id, e.category, e.event, e.eff_date, e.region,
		   CASE WHEN e.early_reason IS NOT NULL THEN e.early_reason
				WHEN e.nth > 1 THEN 'duplicate_row'
				WHEN held.id_number IS NOT NULL THEN 'unchanged'
		   END AS reason,
		   CASE WHEN e.early_reason IS NOT NULL THEN 'anomaly'
				WHEN e.nth > 1 OR held.id_number IS NOT NULL THEN 'duplicate'
		   END AS outcome
	FROM extras e
	LEFT JOIN (SELECT p.id_number, p.category
			   FROM medaid.category_period p
			   WHERE b.mode = 'snapshot' AND p.dept = b.dept
				 AND p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_end)) held
	  ON held.id_number OPERATOR(medaid.=) e.id AND held.category OPERATOR(medaid.=) e.category
	 AND e.early_reason IS NULL AND coalesce(e.nth, 1) = 1;
	rows_staged := (SELECT count(*) FROM medaid_judged);
	IF b.mode = 'snapshot' AND NOT EXISTS (SELECT FROM medaid_judged WHERE outcome IS DISTINCT FROM 'anomaly') THEN
		RAISE EXCEPTION 'snapshot batch % has no acceptable rows (% staged)', b.batch_id, rows_staged
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'A snapshot ends every category of the department it omits; an empty or wholly rejected snapshot would end them all.',
				  HINT = 'Check the file loaded into roster_staging for this batch; nothing was applied.';
	END IF;
	IF b.mode = 'delta' THEN
		CREATE INDEX ON medaid_judged (id);
	END IF;
	ANALYZE medaid_judged;

	IF b.mode = 'delta' THEN
		FOR r IN SELECT * FROM medaid_judged WHERE outcome IS NULL ORDER BY eff_date, row_no LOOP
			d := r.eff_date;
			ev_outcome := 'applied';
			ev_reason := r.event;
			-- an extra row of an event an earlier row of the batch already
			-- carried (applied or duplicate; an anomaly carries nothing)
			extra_row := EXISTS (SELECT FROM medaid_judged x
								 WHERE x.id OPERATOR(medaid.=) r.id AND x.category OPERATOR(medaid.=) r.category
								   AND x.event = r.event AND x.eff_date = r.eff_date
								   AND x.outcome IN ('applied', 'duplicate')
								   AND (x.eff_date, x.row_no) < (r.eff_date, r.row_no));
			IF extra_row AND r.event <> 'exit' THEN
				ev_outcome := 'duplicate';
				ev_reason := 'duplicate_row';
			ELSIF r.event = 'add' THEN
				IF EXISTS (SELECT FROM medaid.category_period p
						   WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category
							 AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)) THEN
					ev_outcome := 'duplicate';
					ev_reason := 'already_active';
				END IF;
			ELSIF r.event = 'exit' THEN
				IF NOT EXISTS (SELECT FROM medaid.category_period p
							   WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category) THEN
					ev_outcome := 'anomaly';
					ev_reason := 'exit_never_held';
				ELSIF extra_row THEN
					ev_outcome := 'duplicate';
					ev_reason := 'duplicate_row';
				ELSE
					UPDATE medaid.category_period p
					SET valid_to = d, ended_batch_id = b.batch_id, ended_row_no = r.row_no
					WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category
					  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d);
					IF NOT FOUND THEN
						ev_outcome := 'duplicate';
						ev_reason := 'not_active';
					END IF;
				END IF;
			ELSE
				-- change: the person's other categories from this department end at d
				UPDATE medaid.category_period p
				SET valid_to = d, ended_batch_id = b.batch_id, ended_row_no = r.row_no
				WHERE p.id_number OPERATOR(medaid.=) r.id AND p.dept = b.dept
				  AND p.category OPERATOR(medaid.<>) r.category
				  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d);
				GET DIAGNOSTICS n_ended = ROW_COUNT;
				was_active := EXISTS (SELECT FROM medaid.category_period p
									  WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category
										AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d));
				IF was_active AND n_ended = 0 THEN
					ev_outcome := 'duplicate';
					ev_reason := 'already_active';
				END IF;
			END IF;

			IF ev_outcome = 'applied' AND r.event IN ('add', 'change') AND NOT coalesce(was_active AND r.event = 'change', false) THEN
				INSERT INTO medaid.person AS p (id_number, name, region, first_batch_id, first_row_no, last_batch_id, last_row_no)
				VALUES (r.id, r.name, r.region, b.batch_id, r.row_no, b.batch_id, r.row_no)
				ON CONFLICT (id_number) DO NOTHING;
				INSERT INTO medaid.category_period (id_number, category, dept, valid_from, valid_to,
													started_batch_id, started_row_no)
				VALUES (r.id, r.category, b.dept, d,
						(SELECT min(p.valid_from) FROM medaid.category_period p
						 WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category
						   AND p.valid_from > d),
						b.batch_id, r.row_no);
			END IF;
			IF ev_outcome = 'applied' THEN
				UPDATE medaid.person p SET region = r.region, last_batch_id = b.batch_id, last_row_no = r.row_no
				WHERE p.id_number OPERATOR(medaid.=) r.id;
				INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
				VALUES (b.batch_id, r.row_no, r.id, r.category, r.event, d, r.region);
			END IF;
			UPDATE medaid_judged j SET outcome = ev_outcome, reason = ev_reason WHERE j.row_no = r.row_no;
			was_active := NULL;
		END LOOP;
		exits := 0;
	ELSE
		-- snapshot: rows for categories held on the month's last day were
		-- judged "unchanged" above
		-- categories of the department the snapshot omits end on the first day
		-- of the next month; a person whose rows are all anomalies keeps them
		WITH kept AS (
			SELECT DISTINCT x.id, x.category FROM medaid_judged x WHERE x.outcome IS DISTINCT FROM 'anomaly'
		), anomalous_only AS (
			SELECT x.id FROM medaid_judged x WHERE x.id IS NOT NULL
			GROUP BY x.id HAVING bool_and(x.outcome IS NOT DISTINCT FROM 'anomaly')
		), ended AS (
			UPDATE medaid.category_period p
			SET valid_to = m_next, ended_batch_id = b.batch_id, ended_row_no = NULL
			WHERE p.dept = b.dept AND p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_next)
			  AND NOT EXISTS (SELECT FROM kept k WHERE k.id OPERATOR(medaid.=) p.id_number AND k.category OPERATOR(medaid.=) p.category)
			  AND NOT EXISTS (SELECT FROM anomalous_only a WHERE a.id OPERATOR(medaid.=) p.id_number)
			RETURNING p.id_number, p.category
		)
		INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
		SELECT b.batch_id, NULL, e.id_number, e.category, 'exit', m_next, pe.region
		FROM ended e JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) e.id_number;
		GET DIAGNOSTICS exits = ROW_COUNT;

		-- a row for a category not held starts it on its date
		INSERT INTO medaid.person (id_number, name, region, first_batch_id, first_row_no, last_batch_id, last_row_no)
		SELECT DISTINCT ON (j.id) j.id, j.name, j.region, b.batch_id, j.row_no, b.batch_id, j.row_no
		FROM medaid_judged j WHERE j.outcome IS NULL
		ORDER BY j.id, j.eff_date, j.row_no
		ON CONFLICT (id_number) DO NOTHING;
		INSERT INTO medaid.category_period (id_number, category, dept, valid_from, valid_to,
											started_batch_id, started_row_no)
		SELECT j.id, j.category, b.dept, st.start,
			   (SELECT min(p.valid_from) FROM medaid.category_period p
				WHERE p.id_number OPERATOR(medaid.=) j.id AND p.category OPERATOR(medaid.=) j.category
				  AND p.valid_from > st.start),
			   b.batch_id, j.row_no
		FROM medaid_judged j
		CROSS JOIN LATERAL (
			SELECT coalesce((SELECT max(p.valid_to) FROM medaid.category_period p
							 WHERE p.id_number OPERATOR(medaid.=) j.id AND p.category OPERATOR(medaid.=) j.category
							   AND p.valid_from <= j.eff_date AND p.valid_to > j.eff_date),
							j.eff_date) AS start) st
		WHERE j.outcome IS NULL;
		INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
		SELECT b.batch_id, j.row_no, j.id, j.category, 'add', j.eff_date, j.region
		FROM medaid_judged j WHERE j.outcome IS NULL;
		UPDATE medaid.person p SET region = l.region, last_batch_id = b.batch_id, last_row_no = l.row_no
		FROM (SELECT DISTINCT ON (j.id) j.id, j.region, j.row_no
			  FROM medaid_judged j WHERE j.outcome IS NULL
			  ORDER BY j.id, j.eff_date DESC, j.row_no DESC) l
		WHERE p.id_number OPERATOR(medaid.=) l.id;
		UPDATE medaid_judged SET outcome = 'applied', reason = 'add' WHERE outcome IS NULL;
	END IF;

	INSERT INTO medaid.roster_result (batch_id, row_no, outcome, reason, id_number, category)
	SELECT b.batch_id, j.row_no, j.outcome, j.reason, j.id, j.category FROM medaid_judged j;

	INSERT INTO medaid.anomaly_return (batch_id, row_no, dept, reason, id_number, id_masked, name,
									   category, event, event_date, region)
	SELECT b.batch_id, j.row_no, b.dept, j.reason, j.id,
		   CASE WHEN j.raw_id IS NOT NULL THEN medaid.cnid_mask(j.raw_id) END,
		   j.raw_name, j.raw_category, j.raw_event, j.raw_date, j.raw_region
	FROM medaid_judged j WHERE j.outcome = 'anomaly';

	-- a later accepted row of the same department corrects an open anomaly:
	-- by ID, or, where the ID was not valid, by name and region
	UPDATE medaid.anomaly_return a
	SET closed_at = now(), closed_by_batch_id = b.batch_id, closed_by_row_no = c.row_no
	FROM (SELECT DISTINCT ON (j.id) j.id, j.row_no FROM medaid_judged j
		  WHERE j.outcome IN ('applied', 'duplicate') ORDER BY j.id, j.row_no) c
	WHERE a.closed_at IS NULL AND a.dept = b.dept AND a.batch_id < b.batch_id
	  AND a.id_number OPERATOR(medaid.=) c.id;
	UPDATE medaid.anomaly_return a
	SET closed_at = now(), closed_by_batch_id = b.batch_id, closed_by_row_no = c.row_no
	FROM (SELECT DISTINCT ON (j.name, j.region) j.name, j.region, j.row_no FROM medaid_judged j
		  WHERE j.outcome IN ('applied', 'duplicate') ORDER BY j.name, j.region, j.row_no) c
	WHERE a.closed_at IS NULL AND a.dept = b.dept AND a.batch_id < b.batch_id AND a.id_number IS NULL
	  AND medaid.normalize_name(a.name) = c.name AND btrim(a.region) = c.region;

	SELECT count(*) FILTER (WHERE j.outcome = 'applied'),
		   count(*) FILTER (WHERE j.outcome = 'duplicate'),
		   count(*) FILTER (WHERE j.outcome = 'anomaly'),
		   count(*) FILTER (WHERE j.outcome IS NULL)
	INTO applied, duplicates, anomalies, n_accepted
	FROM medaid_judged j;
	IF n_accepted <> 0 OR applied + duplicates + anomalies <> rows_staged THEN
		RAISE EXCEPTION 'reconcile left % of % rows of batch % without an outcome', n_accepted, rows_staged, b.batch_id
			USING ERRCODE = 'internal_error';
	END IF;
	UPDATE medaid.batch x
	SET reconciled_at = now(), reconciled_by = session_user, rows_staged = reconcile.rows_staged,
		applied = reconcile.applied, duplicates = reconcile.duplicates,
		anomalies = reconcile.anomalies, exits = reconcile.exits
	WHERE x.batch_id = b.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('reconcile', b.batch_id, b.period, b.dept,
			jsonb_build_object('rows_staged', reconcile.rows_staged, 'applied', reconcile.applied,
							   'duplicates', reconcile.duplicates, 'anomalies', reconcile.anomalies,
							   'exits', reconcile.exits)),
		   ('anomaly_return', b.batch_id, b.period, b.dept,
			jsonb_build_object('returned', reconcile.anomalies,
							   'closed', (SELECT count(*) FROM medaid.anomaly_return a
										  WHERE a.closed_by_batch_id = b.batch_id)));
	DROP TABLE pg_temp.medaid_judged;
	already_reconciled := false;
END
$$;
COMMENT ON FUNCTION medaid.reconcile(bigint) IS
'judge and apply every staged row of a batch once (SPEC §7): returns applied, duplicates, anomalies, exits (categories a snapshot ended by omission), rows_staged, and already_reconciled when called again (which changes nothing); all or nothing';

CREATE FUNCTION medaid.category_on(id medaid.cnid, d date) RETURNS medaid.category
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT medaid.best_category(p.category, medaid.category_rank(p.category, pe.region, d))
	FROM medaid.category_period p
	JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) p.id_number
	WHERE p.id_number OPERATOR(medaid.=) id
	  AND p.valid_from OPERATOR(pg_catalog.<=) d
	  AND (p.valid_to IS NULL OR p.valid_to OPERATOR(pg_catalog.>) d)
$$;
COMMENT ON FUNCTION medaid.category_on(medaid.cnid, date) IS
'the most favourable category a person holds on a date (the region''s configured order, else the default), or NULL';

CREATE FUNCTION medaid.category_timeline(id medaid.cnid)
	RETURNS TABLE (valid_from date, valid_to date, category medaid.category)
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	WITH bounds AS (
		SELECT DISTINCT b.d
		FROM medaid.category_period p,
			 LATERAL (VALUES (p.valid_from), (p.valid_to)) AS b(d)
		WHERE p.id_number OPERATOR(medaid.=) id AND b.d IS NOT NULL
		  AND (p.valid_to IS NULL OR p.valid_to OPERATOR(pg_catalog.>) p.valid_from)
	), segments AS (
		SELECT s.d AS seg_from, pg_catalog.lead(s.d) OVER (ORDER BY s.d) AS seg_to
		FROM bounds s
	), best AS (
		SELECT g.seg_from, g.seg_to, medaid.category_on(id, g.seg_from) AS category
		FROM segments g
	), runs AS (
		-- (a null-safe comparison written out: IS DISTINCT FROM would look
		-- the operator up on the caller's search_path)
		SELECT x.*, pg_catalog.count(*) FILTER (WHERE x.starts) OVER (ORDER BY x.seg_from) AS run
		FROM (SELECT p.*,
					 CASE WHEN p.category IS NULL OR p.before IS NULL THEN (p.category IS NULL) <> (p.before IS NULL)
						  ELSE p.category OPERATOR(medaid.<>) p.before END AS starts
			  FROM (SELECT e.*, pg_catalog.lag(e.category) OVER (ORDER BY e.seg_from) AS before
					FROM best e) p) x
	)
	SELECT pg_catalog.min(r.seg_from), (pg_catalog.array_agg(r.seg_to ORDER BY r.seg_from DESC))[1], r.category
	FROM runs r
	WHERE r.category IS NOT NULL
	GROUP BY r.run, r.category
	ORDER BY 1
$$;
COMMENT ON FUNCTION medaid.category_timeline(medaid.cnid) IS
'a person''s whole timeline of most favourable category: periods (valid_from, valid_to NULL when open) in which category_on is the same';

-- Monthly review by county staff (每月10号前复核上月数据)
CREATE TABLE medaid.monthly_review (
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	month date NOT NULL CHECK (month OPERATOR(pg_catalog.=) pg_catalog.date_trunc('month', month)::date),
	reviewed_by name NOT NULL DEFAULT SESSION_USER,
	reviewed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	note text,
	PRIMARY KEY (region, month)
);
COMMENT ON TABLE medaid.monthly_review IS 'sign-offs of the monthly review of a county''s new, exited and changed records';
COMMENT ON COLUMN medaid.monthly_review.region IS 'the county';
COMMENT ON COLUMN medaid.monthly_review.month IS 'the month reviewed (first day): the period of the batches whose changes were reviewed';
COMMENT ON COLUMN medaid.monthly_review.reviewed_by IS 'who signed off';
COMMENT ON COLUMN medaid.monthly_review.reviewed_at IS 'when';
COMMENT ON COLUMN medaid.monthly_review.note IS 'the reviewer''s note';

CREATE VIEW medaid.review_status WITH (security_barrier = true) AS
	SELECT c.region, c.month, c.adds, c.exits, c.changes,
		   (c.month + interval '1 month' + interval '9 days')::date AS due_on,
		   r.reviewed_at, r.reviewed_by,
		   r.reviewed_at IS NULL AND CURRENT_DATE >= (c.month + interval '1 month' + interval '9 days')::date AS overdue
	FROM (SELECT ch.region, b.period AS month,
				 count(*) FILTER (WHERE ch.change = 'add') AS adds,
				 count(*) FILTER (WHERE ch.change = 'exit') AS exits,
				 count(*) FILTER (WHERE ch.change = 'change') AS changes
		  FROM medaid.roster_change ch JOIN medaid.batch b ON b.batch_id = ch.batch_id
		  GROUP BY ch.region, b.period) c
	LEFT JOIN medaid.monthly_review r ON r.region = c.region AND r.month = c.month
	WHERE c.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.review_status IS
'per county and month: the adds, exits and changes reconciliation made, the review due before the 10th of the next month, whether it was done, and which counties are overdue (the counties of the caller''s regions)';
COMMENT ON COLUMN medaid.review_status.region IS 'the county';
COMMENT ON COLUMN medaid.review_status.month IS 'the month of the batches (first day)';
COMMENT ON COLUMN medaid.review_status.adds IS 'categories started';
COMMENT ON COLUMN medaid.review_status.exits IS 'categories ended (exits and snapshot omissions)';
COMMENT ON COLUMN medaid.review_status.changes IS 'changes of category';
COMMENT ON COLUMN medaid.review_status.due_on IS 'the 10th of the next month: the review is due before it';
COMMENT ON COLUMN medaid.review_status.reviewed_at IS 'when it was signed off; NULL if not yet';
COMMENT ON COLUMN medaid.review_status.reviewed_by IS 'who signed off';
COMMENT ON COLUMN medaid.review_status.overdue IS 'not signed off and the 10th has come';

CREATE FUNCTION medaid.mark_reviewed(region text, month date, note text DEFAULT NULL)
	RETURNS medaid.monthly_review
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	result medaid.monthly_review;
BEGIN
	IF region IS NULL OR region !~ '^[0-9]{6}$' THEN
		RAISE EXCEPTION 'invalid county code: %', coalesce(quote_literal(region), 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'A county code has 6 digits.';
	END IF;
	IF month IS NULL OR NOT isfinite(month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Give any day of the month reviewed.';
	END IF;
	-- a county signs off its own regions only (region_access)
	IF NOT mark_reviewed.region LIKE ANY (medaid.region_patterns(medaid.caller())) THEN
		RAISE EXCEPTION 'permission denied to sign off region %', mark_reviewed.region
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('Role %s is not mapped to region %s in medaid.region_access.', medaid.caller(), mark_reviewed.region),
				  HINT = 'An administrator maps roles to regions in medaid.region_access.';
	END IF;
	INSERT INTO medaid.monthly_review AS m (region, month, note)
	VALUES (mark_reviewed.region, date_trunc('month', mark_reviewed.month)::date, mark_reviewed.note)
	ON CONFLICT (region, month) DO UPDATE
		SET reviewed_by = SESSION_USER, reviewed_at = now(), note = EXCLUDED.note
	RETURNING m.* INTO result;
	INSERT INTO medaid.audit_log (action, month, region, detail)
	VALUES ('review_signoff', result.month, result.region,
			CASE WHEN result.note IS NOT NULL THEN jsonb_build_object('note', result.note) END);
	RETURN result;
END
$$;
COMMENT ON FUNCTION medaid.mark_reviewed(text, date, text) IS
'sign off a county''s review of a month (who and when are recorded; signing again updates them)';

-------------------------------------------------------------------------------
-- pg_dump keeps the data of these tables and sequences (they are members of
-- the extension, whose data pg_dump would otherwise leave out)
-------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('medaid.batch_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.category_period_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.batch', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.roster_staging', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.person', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.category_period', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.roster_result', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.roster_change', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.anomaly_return', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.monthly_review', '');

-------------------------------------------------------------------------------
-- Burden (33号 §四, 20号 §三): the annual_burden aggregate and thresholds
-------------------------------------------------------------------------------

CREATE TYPE medaid.burden AS (total numeric, first_crossed_on date, settlements bigint);
COMMENT ON TYPE medaid.burden IS 'the result of annual_burden';
COMMENT ON COLUMN medaid.burden.total IS 'net personal burden, yuan with two decimals';
COMMENT ON COLUMN medaid.burden.first_crossed_on IS 'the earliest day on which the running net burden of the days up to it exceeded the threshold; NULL if it never did or there is no threshold';
COMMENT ON COLUMN medaid.burden.settlements IS 'settlements counted (reversals included)';

CREATE FUNCTION medaid.annual_burden_step(internal, date, numeric, numeric) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_final(internal) RETURNS medaid.burden
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.annual_burden_step(internal, date, numeric, numeric) IS 'annual_burden transition: adds the settlement''s amount, in fen, to its day';
COMMENT ON FUNCTION medaid.annual_burden_combine(internal, internal) IS 'annual_burden combine: merges two partial states';
COMMENT ON FUNCTION medaid.annual_burden_serialize(internal) IS 'annual_burden serialization: a version byte, the count, the threshold, the days';
COMMENT ON FUNCTION medaid.annual_burden_deserialize(bytea, internal) IS 'annual_burden deserialization: checks the version and sizes before reading';
COMMENT ON FUNCTION medaid.annual_burden_final(internal) IS 'annual_burden final: sorts the days and runs the total; leaves the state usable';

-- The final function sorts and merges the days in place, which keeps their
-- content: the state stays valid for further transitions (window frames).
CREATE AGGREGATE medaid.annual_burden(settle_date date, burden numeric, threshold numeric) (
	SFUNC = medaid.annual_burden_step,
	STYPE = internal,
	FINALFUNC = medaid.annual_burden_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = medaid.annual_burden_combine,
	SERIALFUNC = medaid.annual_burden_serialize,
	DESERIALFUNC = medaid.annual_burden_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.annual_burden(date, numeric, numeric) IS
'net personal burden of a group of settlements (group by person and year) and the first day its running total exceeded the threshold (strictly greater); independent of input order; amounts in exact fen; parallel safe';

CREATE FUNCTION medaid.annual_burden_inverse(internal, date, numeric, numeric) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.annual_burden_inverse(internal, date, numeric, numeric) IS
'moving-aggregate inverse of trailing_burden: takes a settlement that leaves the window frame back out';

-- The same computation with moving-aggregate support, for window frames
-- such as the trailing 12 months: each row entering or leaving the frame
-- costs one step, not a recomputation of the frame.
CREATE AGGREGATE medaid.trailing_burden(settle_date date, burden numeric, threshold numeric) (
	SFUNC = medaid.annual_burden_step,
	STYPE = internal,
	FINALFUNC = medaid.annual_burden_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = medaid.annual_burden_combine,
	SERIALFUNC = medaid.annual_burden_serialize,
	DESERIALFUNC = medaid.annual_burden_deserialize,
	MSFUNC = medaid.annual_burden_step,
	MINVFUNC = medaid.annual_burden_inverse,
	MSTYPE = internal,
	MFINALFUNC = medaid.annual_burden_final,
	MFINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.trailing_burden(date, numeric, numeric) IS
'annual_burden with moving-aggregate support: as a window function over a frame such as RANGE BETWEEN interval ''1 year'' PRECEDING AND CURRENT ROW (ordered by settle_date) it gives the trailing-12-month burden of every row, each row entering or leaving the frame costing one step';

-- The stored burden state: one bytea per person and year (burden_year),
-- which settlement loads update, so that a monthly warning run reads one row
-- per person instead of the year's settlements.
CREATE FUNCTION medaid.burden_state_step(internal, date, numeric, text, text) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.burden_state_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.burden_state_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.burden_state_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_step(internal, date, numeric, text, text) IS 'burden_state transition: adds the settlement to its day and, if it is the latest of its month, keeps its region';
COMMENT ON FUNCTION medaid.burden_state_combine(internal, internal) IS 'burden_state combine: merges two partial states';
COMMENT ON FUNCTION medaid.burden_state_serialize(internal) IS 'burden_state serialization and final value: the stored form (version, settlements, days, each month''s latest settlement)';
COMMENT ON FUNCTION medaid.burden_state_deserialize(bytea, internal) IS 'burden_state deserialization: checks the version, sizes and order before reading';

CREATE AGGREGATE medaid.burden_state(settle_date date, burden numeric, settlement_id text, region text) (
	SFUNC = medaid.burden_state_step,
	STYPE = internal,
	FINALFUNC = medaid.burden_state_serialize,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = medaid.burden_state_combine,
	SERIALFUNC = medaid.burden_state_serialize,
	DESERIALFUNC = medaid.burden_state_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.burden_state(date, numeric, text, text) IS
'the stored burden state of a group of settlements (group by person and year): per day the settlements and net burden in fen, per month the latest settlement''s region; independent of input order; parallel safe';

CREATE FUNCTION medaid.burden_state_merge(a bytea, b bytea) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_merge(bytea, bytea) IS
'the burden state of both states'' settlements (NULL counts as none); checks both';

CREATE FUNCTION medaid.burden_state_result(state bytea, through date, threshold numeric) RETURNS medaid.burden
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_result(bytea, date, numeric) IS
'what annual_burden gives for the state''s settlements dated up to and including through (NULL: all): the net burden, the first day the running total exceeded the threshold, the settlements';

CREATE FUNCTION medaid.burden_state_region(state bytea, month date) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_region(bytea, date) IS
'the region of the state''s latest settlement up to the end of the month holding the date (by date, then settlement_id in byte order); NULL if none';

-- A state that is not internal: partial states made apart (on Citus
-- workers, per partition, per load) combine into one, across nodes too.
CREATE AGGREGATE medaid.burden_state_union(bytea) (
	SFUNC = medaid.burden_state_merge,
	STYPE = bytea,
	COMBINEFUNC = medaid.burden_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.burden_state_union(bytea) IS
'the burden state of all the states'' settlements (burden_state_merge as an aggregate, bytea state): combines partial burden states made on different nodes or partitions; burden_state_result reads the whole';

CREATE TABLE medaid.income_baseline (
	province text NOT NULL CHECK (province ~ '^[0-9]{2}$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	per_capita_income numeric NOT NULL CHECK (per_capita_income > 0 AND per_capita_income = round(per_capita_income, 2)),
	source text,
	PRIMARY KEY (province, year)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.income_baseline', '');
COMMENT ON TABLE medaid.income_baseline IS
'each province''s per-capita disposable income of all residents (全省居民人均可支配收入) by year (configuration, kept by pg_dump): the threshold of year Y uses year Y-1';
COMMENT ON COLUMN medaid.income_baseline.province IS 'the province: the first two digits of a region code (37 Shandong)';
COMMENT ON COLUMN medaid.income_baseline.year IS 'the year the income was earned';
COMMENT ON COLUMN medaid.income_baseline.per_capita_income IS 'yuan, two decimals';
COMMENT ON COLUMN medaid.income_baseline.source IS 'where the figure comes from (statistical communiqué)';

-- The ratios of 33号 §四 are the defaults in threshold_ratio_effective; rows
-- here override them.  The table starts empty, so that pg_dump / pg_restore
-- never meets rows the install script made.
CREATE TABLE medaid.threshold_ratio (
	category text PRIMARY KEY CHECK (category IN ('tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing', 'ordinary')),
	ratio numeric CHECK (ratio > 0)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.threshold_ratio', '');
COMMENT ON TABLE medaid.threshold_ratio IS
'overrides of the burden threshold ratios (configuration, kept by pg_dump); without a row a category keeps the notices'' ratio (see threshold_ratio_effective)';
COMMENT ON COLUMN medaid.threshold_ratio.category IS 'a category slug, or ordinary';
COMMENT ON COLUMN medaid.threshold_ratio.ratio IS 'the share of the province''s previous-year per-capita income; NULL: no burden warning for this category';

CREATE VIEW medaid.threshold_ratio_effective AS
	SELECT d.category,
		   CASE WHEN t.category IS NOT NULL THEN t.ratio ELSE d.ratio END AS ratio,
		   t.category IS NOT NULL AS configured
	FROM (VALUES ('tekun', NULL::numeric), ('dibao', NULL), ('fanpin', NULL),
				 ('dibao_edge', 0.50), ('jiance', 0.50), ('zhongbing', NULL),
				 ('ordinary', 1.50)) AS d(category, ratio)
	LEFT JOIN medaid.threshold_ratio t ON t.category = d.category;
COMMENT ON VIEW medaid.threshold_ratio_effective IS
'the threshold ratio in force per category: 50 % for dibao_edge and jiance, 150 % for ordinary insured persons, none (already assisted) for tekun, dibao, fanpin, zhongbing (33号 §四, 20号 §三), unless threshold_ratio overrides it';
COMMENT ON COLUMN medaid.threshold_ratio_effective.category IS 'a category slug, or ordinary';
COMMENT ON COLUMN medaid.threshold_ratio_effective.ratio IS 'the share of income; NULL: no burden warning';
COMMENT ON COLUMN medaid.threshold_ratio_effective.configured IS 'whether a row of threshold_ratio sets it';

CREATE FUNCTION medaid.burden_threshold(province text, year integer, ratio numeric) RETURNS numeric
	LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	income numeric;
BEGIN
	IF ratio IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT b.per_capita_income INTO income
	FROM medaid.income_baseline b
	WHERE b.province = burden_threshold.province AND b.year = burden_threshold.year - 1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no per-capita income for province % in %', coalesce(province, 'NULL'), burden_threshold.year - 1
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('The threshold of %s is a share of the province''s per-capita disposable income of %s.',
								  burden_threshold.year, burden_threshold.year - 1),
				  HINT = format('INSERT INTO medaid.income_baseline (province, year, per_capita_income) VALUES (%L, %s, ...);',
								province, burden_threshold.year - 1);
	END IF;
	RETURN income * ratio;
END
$$;
COMMENT ON FUNCTION medaid.burden_threshold(text, integer, numeric) IS
'ratio × the province''s per-capita income of the previous year; NULL ratio gives NULL; a missing income is an error that names the province and the year, never a fallback';

-------------------------------------------------------------------------------
-- Settlements (结算) and monthly high-cost warnings (33号 §四, 20号 §三)
-------------------------------------------------------------------------------

CREATE TABLE medaid.settlement (
	settlement_id text NOT NULL CHECK (settlement_id <> ''),
	id_number medaid.cnid NOT NULL,
	settle_date date NOT NULL CHECK (pg_catalog.isfinite(settle_date)),
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	total numeric NOT NULL CHECK (total = round(total, 2)),
	fund_paid numeric NOT NULL DEFAULT 0 CHECK (fund_paid = round(fund_paid, 2)),
	critical_paid numeric NOT NULL DEFAULT 0 CHECK (critical_paid = round(critical_paid, 2)),
	assistance_paid numeric NOT NULL DEFAULT 0 CHECK (assistance_paid = round(assistance_paid, 2)),
	reverses text,
	burden numeric GENERATED ALWAYS AS (total - fund_paid - critical_paid) STORED,
	-- only a reversal is negative, and insurance never pays more than the
	-- cost: else a row could lower a burden and hide a warning
	CONSTRAINT settlement_amounts CHECK (reverses IS NOT NULL OR
		(total >= 0 AND fund_paid >= 0 AND critical_paid >= 0 AND assistance_paid >= 0
		 AND fund_paid + critical_paid <= total))
) PARTITION BY RANGE (settle_date);
-- Indexes are made per partition (not on the parent): pg_dump then restores
-- the partitions that ensure_settlement_partitions made, with theirs, without
-- the parent's index making a second copy on ATTACH.
CREATE TABLE medaid.settlement_default PARTITION OF medaid.settlement DEFAULT;
CREATE INDEX settlement_default_person ON medaid.settlement_default (id_number, settle_date);
CREATE INDEX settlement_default_id ON medaid.settlement_default (settlement_id);
COMMENT ON TABLE medaid.settlement IS
'settlements (COPY target), partitioned by month: rows of a month without a partition wait in settlement_default until ensure_settlement_partitions makes one; settlement_id is unique, and a reversal must negate an existing settlement of the same person';
COMMENT ON TABLE medaid.settlement_default IS 'settlements of months that have no partition yet (ensure_settlement_partitions moves them)';
COMMENT ON COLUMN medaid.settlement.settlement_id IS 'the settlement''s id, unique';
COMMENT ON COLUMN medaid.settlement.id_number IS 'the insured person';
COMMENT ON COLUMN medaid.settlement.settle_date IS 'the settlement date; a reversal counts on its own date';
COMMENT ON COLUMN medaid.settlement.region IS 'the insured place (参保地), 6 digits: its first two give the threshold''s province';
COMMENT ON COLUMN medaid.settlement.total IS 'total cost, yuan with two decimals';
COMMENT ON COLUMN medaid.settlement.fund_paid IS 'basic medical insurance fund payment';
COMMENT ON COLUMN medaid.settlement.critical_paid IS 'critical-illness insurance payment';
COMMENT ON COLUMN medaid.settlement.assistance_paid IS 'medical-assistance payment';
COMMENT ON COLUMN medaid.settlement.reverses IS 'for a reversal (冲销): the settlement_id it negates';
COMMENT ON COLUMN medaid.settlement.burden IS 'personal burden after basic insurance and critical-illness insurance: total - fund_paid - critical_paid';

-- settlement_id is unique across partitions: this table holds each id once.
CREATE TABLE medaid.settlement_key (
	settlement_id text PRIMARY KEY,
	id_number medaid.cnid NOT NULL,
	settle_date date NOT NULL,
	reversed_by text UNIQUE,
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE medaid.settlement_key IS 'every settlement_id once (uniqueness across partitions), and the reversal of each settlement, if any';
COMMENT ON COLUMN medaid.settlement_key.settlement_id IS 'the settlement''s id';
COMMENT ON COLUMN medaid.settlement_key.id_number IS 'its person';
COMMENT ON COLUMN medaid.settlement_key.settle_date IS 'its date';
COMMENT ON COLUMN medaid.settlement_key.reversed_by IS 'the settlement_id of the reversal that negates it';
COMMENT ON COLUMN medaid.settlement_key.loaded_at IS 'when it was loaded (the transaction''s time)';

-- The running burden state (33号 §四): one row per person and year, which
-- settlement_accept updates with each load, so that run_monthly_warnings
-- costs what changed since its last run, not the whole year.
CREATE SEQUENCE medaid.burden_change_seq;
COMMENT ON SEQUENCE medaid.burden_change_seq IS 'stamps of changes to burden_year; a warning run records the stamp it saw';
CREATE TABLE medaid.burden_year (
	id_number medaid.cnid NOT NULL,
	year integer NOT NULL,
	state bytea NOT NULL,
	last_day date NOT NULL,
	changed_seq bigint NOT NULL,
	PRIMARY KEY (id_number, year)
);
CREATE INDEX burden_year_changed ON medaid.burden_year (year, changed_seq);
CREATE INDEX burden_year_last_day ON medaid.burden_year (year, last_day);
COMMENT ON TABLE medaid.burden_year IS
'each person''s settlements of a year as one burden state (burden_state): settlement loads keep it up to date, category changes mark it changed; rebuild_burden_state makes it again from the settlements';
COMMENT ON COLUMN medaid.burden_year.id_number IS 'the person';
COMMENT ON COLUMN medaid.burden_year.year IS 'the calendar year of the settlements';
COMMENT ON COLUMN medaid.burden_year.state IS 'burden_state of the person''s settlements of the year (read with burden_state_result and burden_state_region)';
COMMENT ON COLUMN medaid.burden_year.last_day IS 'the latest settlement date in the state';
COMMENT ON COLUMN medaid.burden_year.changed_seq IS 'the burden_change_seq stamp of the last load or category change that touched the person';

-- Category changes change thresholds: mark the people's burden states.
CREATE FUNCTION medaid.category_period_mark_changed() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	s bigint;
BEGIN
	-- the lock before the stamp: a warning run that has seen this stamp
	-- waits for this transaction (see run_monthly_warnings)
	LOCK TABLE medaid.burden_year IN ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	IF TG_OP = 'INSERT' THEN
		UPDATE medaid.burden_year b SET changed_seq = s
		WHERE b.id_number OPERATOR(medaid.=) ANY (SELECT DISTINCT x.id_number FROM new_rows x);
	ELSIF TG_OP = 'UPDATE' THEN
		UPDATE medaid.burden_year b SET changed_seq = s
		WHERE b.id_number OPERATOR(medaid.=) ANY (SELECT x.id_number FROM new_rows x
												  UNION SELECT o.id_number FROM old_rows o);
	ELSE
		UPDATE medaid.burden_year b SET changed_seq = s
		WHERE b.id_number OPERATOR(medaid.=) ANY (SELECT DISTINCT o.id_number FROM old_rows o);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.category_period_mark_changed() IS
'statement trigger on category_period: stamps the burden states of the people whose categories changed, so the next warning run computes them again';
CREATE TRIGGER category_period_mark_changed_insert AFTER INSERT ON medaid.category_period
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_mark_changed();
CREATE TRIGGER category_period_mark_changed_update AFTER UPDATE ON medaid.category_period
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_mark_changed();
CREATE TRIGGER category_period_mark_changed_delete AFTER DELETE ON medaid.category_period
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_mark_changed();

CREATE FUNCTION medaid.settlement_accept() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	bad record;
	s bigint;
	originals text[];
	reversals bigint;
BEGIN
	-- one id twice in this statement, or already held
	SELECT x.settlement_id, count(*) AS times INTO bad
	FROM new_rows x GROUP BY x.settlement_id HAVING count(*) > 1 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'duplicate settlement_id %', quote_literal(bad.settlement_id)
			USING ERRCODE = 'unique_violation',
				  DETAIL = format('The rows loaded carry it %s times; a settlement is loaded once.', bad.times);
	END IF;
	SELECT x.settlement_id INTO bad
	FROM new_rows x JOIN medaid.settlement_key k ON k.settlement_id = x.settlement_id LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'duplicate settlement_id %', quote_literal(bad.settlement_id)
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A settlement with this id is already loaded.',
				  HINT = 'Correct a settlement with a reversal (a negative row whose reverses names it) and a new settlement.';
	END IF;
	-- every id, first: the originals of this statement's reversals are then
	-- found the same way as those loaded before
	INSERT INTO medaid.settlement_key (settlement_id, id_number, settle_date)
	SELECT x.settlement_id, x.id_number, x.settle_date FROM new_rows x;
	-- a reversal negates an existing settlement of the same person, once.
	-- The originals are looked up by id (settlement_key, then the one
	-- partition of their date) from the array of the ids reversals name:
	-- they cost the month's reversals, not the history and not reversals x
	-- originals (the statement's rows have no statistics, and a join planned
	-- on guesses became a nested loop over both).
	SELECT array_agg(DISTINCT x.reverses), count(*) INTO originals, reversals
	FROM new_rows x WHERE x.reverses IS NOT NULL;
	IF originals IS NOT NULL THEN
		-- The originals are found first, each by its key and then in the one
		-- partition of its date (LATERAL ... LIMIT 1: the planner may not
		-- turn it into a hash join that reads every partition), and kept
		-- (MATERIALIZED: a join planned with them inside would look them all
		-- up again for every reversal); then hashed against the reversals.
		-- Each choice was seen to go wrong otherwise (docs/plans.md).
		WITH o AS MATERIALIZED (
			SELECT s.*
			FROM medaid.settlement_key k
			CROSS JOIN LATERAL (
				SELECT s.settlement_id, s.id_number, s.reverses, s.total, s.fund_paid, s.critical_paid,
					   s.assistance_paid, s.settle_date
				FROM medaid.settlement s
				WHERE s.settlement_id = k.settlement_id AND s.settle_date = k.settle_date
				LIMIT 1
			) s
			WHERE k.settlement_id = ANY (originals)
		)
		SELECT x.settlement_id, x.reverses,
			   CASE
				WHEN o.settlement_id IS NULL THEN 'it names no settlement'
				WHEN o.id_number OPERATOR(medaid.<>) x.id_number THEN 'it names a settlement of another person'
				WHEN o.reverses IS NOT NULL THEN 'it names a reversal'
				WHEN x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
					 OR x.assistance_paid <> -o.assistance_paid THEN 'its amounts do not negate the original''s'
				WHEN x.settle_date < o.settle_date THEN 'it is dated before the original'
			   END AS why
		INTO bad
		FROM new_rows x
		LEFT JOIN o ON o.settlement_id = x.reverses
		WHERE x.reverses IS NOT NULL
		  AND (o.settlement_id IS NULL OR o.id_number OPERATOR(medaid.<>) x.id_number OR o.reverses IS NOT NULL
			   OR x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
			   OR x.assistance_paid <> -o.assistance_paid OR x.settle_date < o.settle_date)
		-- ORDER BY: the first broken one by id, and a plan costed for all the
		-- reversals (a bare LIMIT 1 favours a nested loop that expects to
		-- find one at once)
		ORDER BY x.settlement_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'broken reversal %: %', quote_literal(bad.settlement_id), bad.why
				USING ERRCODE = 'foreign_key_violation',
					  DETAIL = format('It reverses %s. A reversal is a row of the same person whose amounts are the original''s, negated, dated on or after it.',
									  quote_literal(bad.reverses));
		END IF;
		-- an original is reversed once
		SELECT k.settlement_id AS reverses INTO bad
		FROM medaid.settlement_key k
		WHERE k.settlement_id = ANY (originals) AND k.reversed_by IS NOT NULL
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'settlement % is already reversed', quote_literal(bad.reverses)
				USING ERRCODE = 'unique_violation';
		END IF;
		-- every original exists (checked above): fewer originals than
		-- reversals means two of them name one
		IF cardinality(originals) <> reversals THEN
			RAISE EXCEPTION 'a settlement is reversed twice in one load'
				USING ERRCODE = 'unique_violation';
		END IF;
		UPDATE medaid.settlement_key k SET reversed_by = x.settlement_id
		FROM new_rows x
		WHERE k.settlement_id = ANY (originals) AND x.reverses = k.settlement_id;
	END IF;
	-- the running burden state of each person and year loaded; the lock
	-- before the stamp: a warning run that has seen this stamp waits for
	-- this transaction (see run_monthly_warnings)
	LOCK TABLE medaid.burden_year IN ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	INSERT INTO medaid.burden_year AS b (id_number, year, state, last_day, changed_seq)
	SELECT x.id_number, extract(year FROM x.settle_date)::integer,
		   medaid.burden_state(x.settle_date, x.burden, x.settlement_id, x.region), max(x.settle_date), s
	FROM new_rows x
	GROUP BY 1, 2
	ON CONFLICT (id_number, year) DO UPDATE
		SET state = medaid.burden_state_merge(b.state, excluded.state),
			last_day = greatest(b.last_day, excluded.last_day), changed_seq = excluded.changed_seq;
	INSERT INTO medaid.audit_log (action, counts, detail)
	SELECT 'settlement_insert', jsonb_build_object('rows', count(*), 'reversals', count(x.reverses)),
		   jsonb_build_object('first_date', min(x.settle_date), 'last_date', max(x.settle_date))
	FROM new_rows x;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.settlement_accept() IS
'statement trigger on settlement: refuses duplicate settlement_ids and broken reversals with a clear error, records every id, and adds the rows to the people''s burden states (burden_year)';
CREATE TRIGGER settlement_accept AFTER INSERT ON medaid.settlement
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_accept();

CREATE FUNCTION medaid.settlement_no_change() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	RAISE EXCEPTION 'settlements are not changed or deleted'
		USING ERRCODE = 'object_not_in_prerequisite_state',
			  HINT = 'Correct a settlement with a reversal and a new settlement.';
END
$$;
COMMENT ON FUNCTION medaid.settlement_no_change() IS 'refuses UPDATE and DELETE of settlements: corrections are reversals';
CREATE TRIGGER settlement_no_change BEFORE UPDATE OR DELETE ON medaid.settlement
	FOR EACH ROW EXECUTE FUNCTION medaid.settlement_no_change();

-- PostgreSQL fires the parent's statement triggers only for rows loaded
-- through the parent: rows put into a partition directly would skip the
-- checks above and the burden states.  A partition's own statement trigger
-- fires only for such direct loads, and refuses them.
CREATE FUNCTION medaid.settlement_partition_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- superusers pass: pg_restore loads the partitions directly, with the
	-- burden states and settlement_key restored beside them
	IF NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
		RAISE EXCEPTION 'settlements are loaded through medaid.settlement, not into %', TG_TABLE_NAME
			USING ERRCODE = 'wrong_object_type',
				  DETAIL = 'The checks of settlement ids and reversals, and the burden states the warnings read, run for rows loaded through the partitioned table.',
				  HINT = 'INSERT INTO or COPY medaid.settlement; it puts each row in its month''s partition.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.settlement_partition_guard() IS
'statement trigger on each settlement partition: refuses rows loaded into the partition directly (superusers pass, for pg_restore)';
CREATE TRIGGER settlement_partition_guard BEFORE INSERT ON medaid.settlement_default
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_partition_guard();

CREATE FUNCTION medaid.ensure_settlement_partitions(from_month date, to_month date) RETURNS integer
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	m date;
	part text;
	made integer := 0;
BEGIN
	IF from_month IS NULL OR to_month IS NULL OR from_month > to_month THEN
		RAISE EXCEPTION 'invalid range of months: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF to_month > from_month + interval '20 years' THEN
		RAISE EXCEPTION 'too many months: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'At most 20 years at a time.';
	END IF;
	-- one at a time: two loads making the same month would collide (42P07)
	PERFORM pg_advisory_xact_lock(hashtext('medaid.ensure_settlement_partitions'));
	m := date_trunc('month', from_month)::date;
	WHILE m <= to_month LOOP
		part := format('settlement_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
		IF to_regclass(format('medaid.%I', part)) IS NULL THEN
			-- rows of the month waiting in the default partition move in
			EXECUTE format('CREATE TABLE medaid.%I (LIKE medaid.settlement INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)', part);
			ALTER TABLE medaid.settlement_default DISABLE TRIGGER USER;
			EXECUTE format('WITH moved AS (DELETE FROM medaid.settlement_default WHERE settle_date >= %L AND settle_date < %L RETURNING *)
							INSERT INTO medaid.%I (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses)
							SELECT settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses FROM moved',
						   m, (m + interval '1 month')::date, part);
			ALTER TABLE medaid.settlement_default ENABLE TRIGGER USER;
			EXECUTE format('CREATE INDEX %I ON medaid.%I (id_number, settle_date)', part || '_person', part);
			EXECUTE format('CREATE INDEX %I ON medaid.%I (settlement_id)', part || '_id', part);
			EXECUTE format('ALTER TABLE medaid.settlement ATTACH PARTITION medaid.%I FOR VALUES FROM (%L) TO (%L)',
						   part, m, (m + interval '1 month')::date);
			EXECUTE format('CREATE TRIGGER settlement_partition_guard BEFORE INSERT ON medaid.%I FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_partition_guard()', part);
			EXECUTE format('COMMENT ON TABLE medaid.%I IS %L', part, format('settlements of %s', to_char(m, 'YYYY-MM')));
			made := made + 1;
		END IF;
		m := (m + interval '1 month')::date;
	END LOOP;
	IF made > 0 THEN
		INSERT INTO medaid.audit_log (action, month, counts, detail)
		VALUES ('partition_create', date_trunc('month', from_month)::date, jsonb_build_object('made', made),
				jsonb_build_object('to_month', date_trunc('month', to_month)::date));
	END IF;
	RETURN made;
END
$$;
COMMENT ON FUNCTION medaid.ensure_settlement_partitions(date, date) IS
'make the monthly partitions of settlement from one month to another (any days of them), moving rows waiting in settlement_default; returns how many it made';

-- Warnings
CREATE TABLE medaid.warning (
	month date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
	id_number medaid.cnid NOT NULL,
	category text NOT NULL,
	annual_burden numeric NOT NULL,
	threshold numeric NOT NULL,
	first_crossed_on date NOT NULL,
	is_new boolean NOT NULL,
	province text NOT NULL,
	region text NOT NULL,
	settlements bigint NOT NULL,
	PRIMARY KEY (id_number, month)
);
CREATE INDEX warning_month ON medaid.warning (month);
COMMENT ON TABLE medaid.warning IS
'high-cost warnings: for each month, everyone whose net personal burden of the year up to the month''s last day exceeds their threshold (run_monthly_warnings fills it)';
COMMENT ON COLUMN medaid.warning.month IS 'the month (first day)';
COMMENT ON COLUMN medaid.warning.id_number IS 'the person';
COMMENT ON COLUMN medaid.warning.category IS 'the active category whose ratio set the threshold (lowest ratio; equal ratios: the more favourable), or ordinary';
COMMENT ON COLUMN medaid.warning.annual_burden IS 'net personal burden of the year up to the month''s last day';
COMMENT ON COLUMN medaid.warning.threshold IS 'ratio × the province''s per-capita income of the previous year';
COMMENT ON COLUMN medaid.warning.first_crossed_on IS 'the earliest day of the year on which the burden so far exceeded the threshold';
COMMENT ON COLUMN medaid.warning.is_new IS 'not warned in the previous month of the same year';
COMMENT ON COLUMN medaid.warning.province IS 'the threshold''s province: the first two digits of the region of the person''s latest settlement of the year up to the month''s end';
COMMENT ON COLUMN medaid.warning.region IS 'that settlement''s region (the insured place)';
COMMENT ON COLUMN medaid.warning.settlements IS 'settlements of the year up to the month''s end, reversals included';

CREATE TABLE medaid.warning_run (
	run_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.batch_id_seq'),
	month date NOT NULL,
	run_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	run_by name NOT NULL DEFAULT SESSION_USER,
	mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
	base_run_id bigint,
	people_assessed bigint NOT NULL,
	warned bigint NOT NULL,
	new_warnings bigint NOT NULL,
	continuing bigint NOT NULL,
	carried bigint NOT NULL,
	watermark bigint,
	config_digest text NOT NULL
);
CREATE INDEX warning_run_month ON medaid.warning_run (month, run_id);
COMMENT ON TABLE medaid.warning_run IS 'every run of run_monthly_warnings: month, who, when, how, counts';
COMMENT ON COLUMN medaid.warning_run.run_id IS 'the run';
COMMENT ON COLUMN medaid.warning_run.month IS 'the month computed';
COMMENT ON COLUMN medaid.warning_run.run_at IS 'when';
COMMENT ON COLUMN medaid.warning_run.run_by IS 'who';
COMMENT ON COLUMN medaid.warning_run.mode IS 'full: everyone with settlements in the year was computed; incremental: only the people changed since base_run_id, the others'' warnings carried from it';
COMMENT ON COLUMN medaid.warning_run.base_run_id IS 'incremental: the run of the previous month it started from';
COMMENT ON COLUMN medaid.warning_run.people_assessed IS 'people whose burden this run computed and who have a threshold (full: everyone with settlements in the year up to the month''s end; incremental: those changed since the base run)';
COMMENT ON COLUMN medaid.warning_run.warned IS 'warnings of the month';
COMMENT ON COLUMN medaid.warning_run.new_warnings IS 'of which new';
COMMENT ON COLUMN medaid.warning_run.continuing IS 'of which continuing from the previous month';
COMMENT ON COLUMN medaid.warning_run.carried IS 'of the continuing, those carried unchanged from the base run without computing (incremental)';
COMMENT ON COLUMN medaid.warning_run.watermark IS 'the burden_change_seq stamp the run saw: changes after it are the next month''s to compute; NULL when the next run must be full (run outside READ COMMITTED)';
COMMENT ON COLUMN medaid.warning_run.config_digest IS 'digest of what thresholds depend on (warning_config_digest): a next month with another digest runs full';

CREATE FUNCTION medaid.warning_config_digest(year integer) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT md5(concat_ws('|',
		(SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'medaid'),
		(SELECT string_agg(b.province || ':' || b.per_capita_income::text, ',' ORDER BY b.province)
		 FROM medaid.income_baseline b WHERE b.year = warning_config_digest.year - 1),
		(SELECT string_agg(r.category || ':' || coalesce(r.ratio::text, '-'), ',' ORDER BY r.category)
		 FROM medaid.threshold_ratio_effective r),
		(SELECT string_agg(f.region_prefix || ':' || f.category::text || ':' || f.rank::text, ','
						   ORDER BY f.region_prefix, f.category::text)
		 FROM medaid.category_favourability f WHERE f.year = warning_config_digest.year)))
$$;
COMMENT ON FUNCTION medaid.warning_config_digest(integer) IS
'a digest of everything a year''s thresholds depend on besides people: the extension version, the previous year''s incomes, the threshold ratios, the year''s category orders';

CREATE FUNCTION medaid.run_monthly_warnings(month date,
		OUT month_computed date, OUT people_assessed bigint, OUT warned bigint,
		OUT new_warnings bigint, OUT continuing bigint, OUT mode text)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
#variable_conflict use_column
DECLARE
	m_start date;
	m_end date;
	prev_start date;
	prev_end date;
	y integer;
	stamp bigint;
	digest text;
	base record;
	incremental boolean := false;
	base_run_id bigint;
	carried bigint := 0;
	missing record;
	this_run bigint;
BEGIN
	IF run_monthly_warnings.month IS NULL OR NOT isfinite(run_monthly_warnings.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(run_monthly_warnings.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Give any day of the month to compute.';
	END IF;
	m_start := date_trunc('month', run_monthly_warnings.month)::date;
	m_end := (m_start + interval '1 month')::date - 1;
	prev_start := (m_start - interval '1 month')::date;
	prev_end := m_start - 1;
	y := extract(year FROM m_start)::integer;
	-- one run of a month at a time
	PERFORM pg_advisory_xact_lock(hashtext('medaid.run_monthly_warnings'), y * 100 + extract(month FROM m_start)::integer);
	-- Loads and category changes take ROW EXCLUSIVE on burden_year before
	-- they take a stamp: once this lock is held, every stamp up to it is
	-- committed (and seen by this run's statements, in READ COMMITTED), and
	-- every later change gets a larger one.
	LOCK TABLE medaid.burden_year IN SHARE MODE;
	stamp := nextval('medaid.burden_change_seq');
	digest := medaid.warning_config_digest(y);

	-- incremental when the previous month of the year was computed, with the
	-- same configuration, and its warnings are still those of its last run
	IF m_start > make_date(y, 1, 1) THEN
		SELECT r.run_id, r.watermark, r.config_digest, r.warned INTO base
		FROM medaid.warning_run r WHERE r.month = prev_start
		ORDER BY r.run_id DESC LIMIT 1;
		incremental := FOUND AND base.watermark IS NOT NULL AND base.config_digest = digest
			AND base.warned = (SELECT count(*) FROM medaid.warning p WHERE p.month = prev_start);
		IF incremental THEN
			base_run_id := base.run_id;
		END IF;
	END IF;

	-- who is computed: everyone with settlements this year (full); or
	-- (incremental) those with settlements dated in the month, those whose
	-- settlements or categories changed since the base run, and those whose
	-- categories start or end in the month.  Anyone else has the same
	-- settlements up to the month's end as up to the previous month's, the
	-- same latest region and the same categories: the same warning or none.
	IF to_regclass('pg_temp.medaid_todo') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_todo;
	END IF;
	IF incremental THEN
		-- settlements dated in the month were loaded after the base run
		-- (stamped later) or before it (their last_day is in the month or
		-- after): both through burden_year's indexes, not the month's rows
		-- Each state is read here once, for the region, the total and the
		-- count up to the month's end; the first day over the threshold is
		-- read again only for the people warned.
		CREATE TEMP TABLE medaid_todo ON COMMIT DROP AS
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end) AS region, r.total, r.settlements
		FROM medaid.burden_year b
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.year = y AND (b.changed_seq > base.watermark OR b.last_day >= m_start)
		UNION ALL
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end), r.total, r.settlements
		FROM (SELECT DISTINCT p.id_number FROM medaid.category_period p
			  WHERE (p.valid_from > prev_end AND p.valid_from <= m_end)
				 OR (p.valid_to > prev_end AND p.valid_to <= m_end)) c
		JOIN medaid.burden_year b ON b.id_number OPERATOR(medaid.=) c.id_number AND b.year = y
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.changed_seq <= base.watermark AND b.last_day < m_start;
	ELSE
		CREATE TEMP TABLE medaid_todo ON COMMIT DROP AS
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end) AS region, r.total, r.settlements
		FROM medaid.burden_year b
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.year = y;
	END IF;
	CREATE UNIQUE INDEX ON pg_temp.medaid_todo (id_number);
	ANALYZE pg_temp.medaid_todo;

	IF to_regclass('pg_temp.medaid_assessed') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_assessed;
	END IF;
	-- the ratio that applies, from the categories active on the month's last
	-- day: among those with a ratio the lowest (equal ratios: the more
	-- favourable in the region's order); none active: ordinary; only
	-- categories without a ratio: no warning.  Joined, not looked up person
	-- by person.
	CREATE TEMP TABLE medaid_assessed ON COMMIT DROP AS
	WITH latest AS (
		-- the threshold's province: the latest settlement of the year so far
		SELECT t.id_number, t.region FROM medaid_todo t
	), active AS (
		SELECT p.id_number, p.category, r.ratio
		FROM medaid.category_period p
		JOIN medaid.threshold_ratio_effective r ON r.category = p.category::text
		WHERE p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_end)
	), joined AS (
		SELECT l.id_number, l.region, a.category, a.ratio,
			   count(a.category) OVER (PARTITION BY l.id_number) AS n_active,
			   count(*) OVER (PARTITION BY l.id_number, a.ratio) AS n_same_ratio
		FROM latest l
		LEFT JOIN active a ON a.id_number OPERATOR(medaid.=) l.id_number
		WHERE l.region IS NOT NULL
	), chosen AS (
		SELECT DISTINCT ON (j.id_number) j.id_number, j.region, j.n_active, j.category, j.ratio
		FROM joined j
		ORDER BY j.id_number, j.ratio NULLS LAST,
				 CASE WHEN j.n_same_ratio > 1 AND j.ratio IS NOT NULL
					  THEN medaid.category_rank(j.category, j.region, m_end) END,
				 medaid.category_ordinal(j.category)
	)
	SELECT c.id_number, c.region, substr(c.region, 1, 2) AS province,
		   CASE WHEN c.n_active = 0 THEN 'ordinary' ELSE c.category::text END AS category,
		   CASE WHEN c.n_active = 0 THEN o.ratio ELSE c.ratio END AS ratio
	FROM chosen c
	CROSS JOIN (SELECT r.ratio FROM medaid.threshold_ratio_effective r WHERE r.category = 'ordinary') o
	WHERE CASE WHEN c.n_active = 0 THEN o.ratio ELSE c.ratio END IS NOT NULL;

	-- a missing income is an error naming the province and the year
	SELECT a.province INTO missing
	FROM medaid_assessed a
	WHERE NOT EXISTS (SELECT FROM medaid.income_baseline b WHERE b.province = a.province AND b.year = y - 1)
	LIMIT 1;
	IF FOUND THEN
		PERFORM medaid.burden_threshold(missing.province, y, 1);
	END IF;

	DELETE FROM medaid.warning w WHERE w.month = m_start;
	INSERT INTO medaid.warning (month, id_number, category, annual_burden, threshold, first_crossed_on,
								is_new, province, region, settlements)
	SELECT m_start, g.id_number, g.category, g.total, g.threshold,
		   (SELECT (medaid.burden_state_result(s.state, m_end, g.threshold)).first_crossed_on
			FROM medaid.burden_year s WHERE s.id_number OPERATOR(medaid.=) g.id_number AND s.year = y),
		   m_start = make_date(y, 1, 1)
		   OR NOT EXISTS (SELECT FROM medaid.warning p
						  WHERE p.id_number OPERATOR(medaid.=) g.id_number AND p.month = prev_start),
		   g.province, g.region, g.settlements
	FROM (SELECT a.id_number, a.category, a.province, a.region, a.ratio * i.per_capita_income AS threshold,
				 t.total, t.settlements
		  FROM medaid_assessed a
		  JOIN medaid_todo t ON t.id_number OPERATOR(medaid.=) a.id_number
		  JOIN medaid.income_baseline i ON i.province = a.province AND i.year = y - 1) g
	WHERE g.total > g.threshold;

	-- the others warned last month changed nothing: their warning goes on
	IF incremental THEN
		INSERT INTO medaid.warning (month, id_number, category, annual_burden, threshold, first_crossed_on,
									is_new, province, region, settlements)
		SELECT m_start, p.id_number, p.category, p.annual_burden, p.threshold, p.first_crossed_on,
			   false, p.province, p.region, p.settlements
		FROM medaid.warning p
		WHERE p.month = prev_start
		  AND NOT EXISTS (SELECT FROM medaid_todo t WHERE t.id_number OPERATOR(medaid.=) p.id_number);
		GET DIAGNOSTICS carried = ROW_COUNT;
	END IF;

	SELECT count(*) INTO people_assessed FROM medaid_assessed;
	SELECT count(*), count(*) FILTER (WHERE w.is_new), count(*) FILTER (WHERE NOT w.is_new)
	INTO warned, new_warnings, continuing
	FROM medaid.warning w WHERE w.month = m_start;
	mode := CASE WHEN incremental THEN 'incremental' ELSE 'full' END;
	INSERT INTO medaid.warning_run (month, mode, base_run_id, people_assessed, warned, new_warnings,
									continuing, carried, watermark, config_digest)
	VALUES (m_start, mode, base_run_id, people_assessed, warned,
			new_warnings, continuing, carried,
			CASE WHEN current_setting('transaction_isolation') = 'read committed' THEN stamp END, digest)
	RETURNING run_id INTO this_run;
	INSERT INTO medaid.audit_log (action, run_id, month, counts)
	VALUES ('warning_run', this_run, m_start,
			jsonb_build_object('mode', mode, 'people_assessed', people_assessed, 'warned', warned,
							   'new', new_warnings, 'continuing', continuing, 'carried', carried));
	month_computed := m_start;
	DROP TABLE pg_temp.medaid_assessed;
	DROP TABLE pg_temp.medaid_todo;
END
$$;
COMMENT ON FUNCTION medaid.run_monthly_warnings(date) IS
'compute month M''s warnings (SPEC §7): replaces the month''s rows of warning, records the run; idempotent. When the previous month of the year ran with the same configuration it computes only the people changed since, from their burden states, and carries the other warnings on; otherwise everyone. Either way the result is the same as computing everyone from the settlements (warning_check compares)';

CREATE FUNCTION medaid.rebuild_burden_state(year integer) RETURNS bigint
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	s bigint;
	n bigint;
BEGIN
	IF rebuild_burden_state.year IS NULL THEN
		RAISE EXCEPTION 'year must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- no load meanwhile; every state rebuilt gets a new stamp, so the next
	-- warning run computes everyone again
	LOCK TABLE medaid.burden_year IN SHARE ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	DELETE FROM medaid.burden_year b WHERE b.year = rebuild_burden_state.year;
	INSERT INTO medaid.burden_year (id_number, year, state, last_day, changed_seq)
	SELECT x.id_number, rebuild_burden_state.year,
		   medaid.burden_state(x.settle_date, x.burden, x.settlement_id, x.region), max(x.settle_date), s
	FROM medaid.settlement x
	WHERE x.settle_date >= make_date(rebuild_burden_state.year, 1, 1)
	  AND x.settle_date < make_date(rebuild_burden_state.year + 1, 1, 1)
	GROUP BY x.id_number;
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO medaid.audit_log (action, counts, detail)
	VALUES ('burden_rebuild', jsonb_build_object('people', n), jsonb_build_object('year', rebuild_burden_state.year));
	RETURN n;
END
$$;
COMMENT ON FUNCTION medaid.rebuild_burden_state(integer) IS
'make the burden states of a year again from its settlements (after a restore of settlements alone, or to check them); returns the people; the next warning runs compute everyone';

CREATE FUNCTION medaid.warning_check(month date)
	RETURNS TABLE (id_number medaid.cnid, stored medaid.warning, computed medaid.warning)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	m_start date := date_trunc('month', warning_check.month)::date;
BEGIN
	IF warning_check.month IS NULL OR NOT isfinite(warning_check.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(warning_check.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- compute the month from the settlements, as a reference
	RETURN QUERY
	WITH m AS (
		SELECT m_start AS m_start, (m_start + interval '1 month')::date - 1 AS m_end,
			   extract(year FROM m_start)::integer AS y
	), latest AS (
		SELECT DISTINCT ON (s.id_number) s.id_number, s.region
		FROM medaid.settlement s, m
		WHERE s.settle_date >= make_date(m.y, 1, 1) AND s.settle_date <= m.m_end
		ORDER BY s.id_number, s.settle_date DESC, s.settlement_id COLLATE "C" DESC
	), assessed AS (
		SELECT x.*, r.ratio
		FROM (SELECT l.id_number, l.region, substr(l.region, 1, 2) AS province,
					 -- person by person, through category_period's index
					 CASE WHEN NOT EXISTS (SELECT FROM medaid.category_period a
										   WHERE a.id_number OPERATOR(medaid.=) l.id_number
											 AND a.valid_from <= m.m_end AND (a.valid_to IS NULL OR a.valid_to > m.m_end))
						  THEN 'ordinary'
						  ELSE (SELECT a.category::text FROM medaid.category_period a
								JOIN medaid.threshold_ratio_effective r ON r.category = a.category::text
								WHERE a.id_number OPERATOR(medaid.=) l.id_number
								  AND a.valid_from <= m.m_end AND (a.valid_to IS NULL OR a.valid_to > m.m_end)
								  AND r.ratio IS NOT NULL
								ORDER BY r.ratio, medaid.category_rank(a.category, l.region, m.m_end),
										 medaid.category_ordinal(a.category)
								LIMIT 1)
					 END AS category
			  FROM latest l, m) x
		JOIN medaid.threshold_ratio_effective r ON r.category = x.category
		WHERE r.ratio IS NOT NULL
	), computed AS (
		SELECT g.id_number, g.category, (g.b).total AS annual_burden, g.threshold, (g.b).first_crossed_on,
			   g.province, g.region, (g.b).settlements
		FROM (SELECT a.id_number, a.category, a.province, a.region, a.ratio * i.per_capita_income AS threshold,
					 medaid.annual_burden(s.settle_date, s.burden, a.ratio * i.per_capita_income) AS b
			  FROM assessed a
			  CROSS JOIN m
			  JOIN medaid.income_baseline i ON i.province = a.province AND i.year = m.y - 1
			  JOIN medaid.settlement s ON s.id_number OPERATOR(medaid.=) a.id_number
			   AND s.settle_date >= make_date(m.y, 1, 1) AND s.settle_date <= m.m_end
			  GROUP BY a.id_number, a.category, a.province, a.region, a.ratio, i.per_capita_income) g
		WHERE (g.b).total > g.threshold
	), c AS (
		SELECT ROW(m.m_start, c.id_number, c.category, c.annual_burden, c.threshold, c.first_crossed_on,
				   m.m_start = make_date(m.y, 1, 1)
				   OR NOT EXISTS (SELECT FROM medaid.warning p
								  WHERE p.id_number OPERATOR(medaid.=) c.id_number
									AND p.month = (m.m_start - interval '1 month')::date),
				   c.province, c.region, c.settlements)::medaid.warning AS w
		FROM computed c, m
	), st AS (
		SELECT w FROM medaid.warning w WHERE w.month = m_start
	)
	SELECT coalesce((st.w).id_number, (c.w).id_number), st.w, c.w
	FROM st FULL JOIN c ON (st.w).id_number OPERATOR(medaid.=) (c.w).id_number
	WHERE st.w IS DISTINCT FROM c.w;
END
$$;
COMMENT ON FUNCTION medaid.warning_check(date) IS
'compare the stored warnings of a month with a computation of everyone from the settlements (annual_burden over settlement, not the burden states): returns the rows that differ, none when they agree; run it after run_monthly_warnings, before later months'' data arrive';
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_default', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_key', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.burden_year', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.burden_change_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.warning', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.warning_run', '');

-- Re-assessment after late roster rows (待遇享受时间与民政、乡村振兴部门一致)
CREATE VIEW medaid.settlement_reassessment AS
	SELECT c.batch_id, c.row_no, c.id_number, c.category, c.change, c.effective_date,
		   b.reconciled_at, s.settlement_id, s.settle_date, s.total, s.burden, s.assistance_paid
	FROM medaid.roster_change c
	JOIN medaid.batch b ON b.batch_id = c.batch_id
	JOIN medaid.settlement s ON s.id_number OPERATOR(medaid.=) c.id_number
	 AND s.settle_date >= c.effective_date
	JOIN medaid.settlement_key k ON k.settlement_id = s.settlement_id
	 AND k.loaded_at < b.reconciled_at;
COMMENT ON VIEW medaid.settlement_reassessment IS
'settlements a late roster change reaches back over: dated on or after the change''s effective date and loaded before its batch was reconciled, so settled under the old category; to be re-assessed';
COMMENT ON COLUMN medaid.settlement_reassessment.batch_id IS 'the batch that made the change';
COMMENT ON COLUMN medaid.settlement_reassessment.row_no IS 'its row (NULL for a snapshot''s exit by omission)';
COMMENT ON COLUMN medaid.settlement_reassessment.id_number IS 'the person';
COMMENT ON COLUMN medaid.settlement_reassessment.category IS 'the category started or ended';
COMMENT ON COLUMN medaid.settlement_reassessment.change IS 'add, exit or change';
COMMENT ON COLUMN medaid.settlement_reassessment.effective_date IS 'the department''s date the change applies from';
COMMENT ON COLUMN medaid.settlement_reassessment.reconciled_at IS 'when the change arrived';
COMMENT ON COLUMN medaid.settlement_reassessment.settlement_id IS 'a settlement inside the window';
COMMENT ON COLUMN medaid.settlement_reassessment.settle_date IS 'its date';
COMMENT ON COLUMN medaid.settlement_reassessment.total IS 'its total cost';
COMMENT ON COLUMN medaid.settlement_reassessment.burden IS 'its personal burden';
COMMENT ON COLUMN medaid.settlement_reassessment.assistance_paid IS 'the assistance paid under the old category';

-------------------------------------------------------------------------------
-- The monthly push to civil affairs and rural revitalisation, the cities'
-- own lists, follow-up of warned people, settlement summaries
-------------------------------------------------------------------------------

CREATE TABLE medaid.warning_route (
	category text NOT NULL CHECK (category IN ('tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing', 'ordinary')),
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	PRIMARY KEY (category, dept)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.warning_route', '');
COMMENT ON TABLE medaid.warning_route IS
'which department receives the warnings of a category (configuration, kept by pg_dump); a category without rows goes to both civil_affairs and rural (33号 §四: 每月推送至民政和乡村振兴部门)';
COMMENT ON COLUMN medaid.warning_route.category IS 'the warning''s category, or ordinary';
COMMENT ON COLUMN medaid.warning_route.dept IS 'civil_affairs or rural';

CREATE TABLE medaid.warning_push (
	month date NOT NULL,
	id_number medaid.cnid NOT NULL,
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	pushed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	pushed_by name NOT NULL DEFAULT SESSION_USER,
	region text,
	PRIMARY KEY (id_number, month, dept)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.warning_push', '');
COMMENT ON TABLE medaid.warning_push IS 'every warning pushed to a department: when and by whom';
COMMENT ON COLUMN medaid.warning_push.month IS 'the warning''s month';
COMMENT ON COLUMN medaid.warning_push.id_number IS 'the person';
COMMENT ON COLUMN medaid.warning_push.dept IS 'the department it went to';
COMMENT ON COLUMN medaid.warning_push.pushed_at IS 'when';
COMMENT ON COLUMN medaid.warning_push.pushed_by IS 'who';
COMMENT ON COLUMN medaid.warning_push.region IS 'the person''s region in the register when pushed, else the warning''s (insured place): the department''s staff of that region see the push and its warning (row-level security)';

CREATE VIEW medaid.warning_pending AS
	SELECT w.month, d.dept, medaid.cnid_mask(w.id_number) AS id_masked, w.category, w.annual_burden,
		   w.threshold, w.first_crossed_on, w.is_new, w.region
	FROM medaid.warning w
	CROSS JOIN (VALUES ('civil_affairs'), ('rural')) AS d(dept)
	WHERE (EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category AND r.dept = d.dept)
		   OR NOT EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category))
	  AND NOT EXISTS (SELECT FROM medaid.warning_push p
					  WHERE p.id_number OPERATOR(medaid.=) w.id_number AND p.month = w.month AND p.dept = d.dept);
COMMENT ON VIEW medaid.warning_pending IS 'warnings a department should have and has not yet been pushed (IDs masked)';
COMMENT ON COLUMN medaid.warning_pending.month IS 'the warning''s month';
COMMENT ON COLUMN medaid.warning_pending.dept IS 'the department still to receive it';
COMMENT ON COLUMN medaid.warning_pending.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_pending.category IS 'the warning''s category';
COMMENT ON COLUMN medaid.warning_pending.annual_burden IS 'burden of the year up to the month''s end';
COMMENT ON COLUMN medaid.warning_pending.threshold IS 'the threshold';
COMMENT ON COLUMN medaid.warning_pending.first_crossed_on IS 'the day the threshold was first exceeded';
COMMENT ON COLUMN medaid.warning_pending.is_new IS 'new this month';
COMMENT ON COLUMN medaid.warning_pending.region IS 'the insured place';

CREATE FUNCTION medaid.push_warnings(month date, dept text)
	RETURNS TABLE (id_number medaid.cnid, category text, annual_burden numeric, threshold numeric,
				   first_crossed_on date, is_new boolean, region text)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	m date;
	n bigint;
	pushed_ids medaid.cnid[];
BEGIN
	IF push_warnings.dept IS NULL OR push_warnings.dept NOT IN ('civil_affairs', 'rural') THEN
		RAISE EXCEPTION 'invalid department: %', coalesce(quote_literal(push_warnings.dept), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Warnings go to civil_affairs (民政) and rural (乡村振兴).';
	END IF;
	IF push_warnings.month IS NULL OR NOT isfinite(push_warnings.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(push_warnings.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	m := date_trunc('month', push_warnings.month)::date;
	WITH due AS (
		SELECT w.* FROM medaid.warning w
		WHERE w.month = m
		  AND (EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category AND r.dept = push_warnings.dept)
			   OR NOT EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category))
		  AND NOT EXISTS (SELECT FROM medaid.warning_push p
						  WHERE p.id_number OPERATOR(medaid.=) w.id_number AND p.month = w.month AND p.dept = push_warnings.dept)
	), pushed AS (
		-- a push running at the same time has delivered a row already: it
		-- is not delivered twice (and no unique violation names the person)
		INSERT INTO medaid.warning_push (month, id_number, dept, region)
		SELECT m, d.id_number, push_warnings.dept, COALESCE(pe.region, d.region)
		FROM due d LEFT JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) d.id_number
		ON CONFLICT (id_number, month, dept) DO NOTHING
		RETURNING warning_push.id_number
	)
	SELECT array_agg(p.id_number) INTO pushed_ids FROM pushed p;
	n := coalesce(cardinality(pushed_ids), 0);
	-- the pushed rows' warnings, looked up by ID in one pass (a join of the
	-- pushed rows to the month's warnings, planned on statistics that do
	-- not yet know the month, became a nested loop: quadratic)
	RETURN QUERY
	SELECT w.id_number, w.category, w.annual_burden, w.threshold, w.first_crossed_on, w.is_new, w.region
	FROM medaid.warning w
	WHERE w.month = m AND w.id_number OPERATOR(medaid.=) ANY (pushed_ids)
	ORDER BY w.region, w.annual_burden DESC;
	INSERT INTO medaid.audit_log (action, month, dept, counts)
	VALUES ('warning_push', m, push_warnings.dept, jsonb_build_object('pushed', n));
END
$$;
COMMENT ON FUNCTION medaid.push_warnings(date, text) IS
'push a month''s warnings to a department: returns those not yet pushed to it (by warning_route) and records the push (who, when); pushing again returns only what is new since';

-- A city's own warning list (各市对照本地监测预警结果复核)
CREATE TABLE medaid.city_warning (
	city text NOT NULL CHECK (city ~ '^[0-9]{4}$'),
	month date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
	id_number medaid.cnid NOT NULL,
	annual_burden numeric NOT NULL,
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (id_number, month, city)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.city_warning', '');
COMMENT ON TABLE medaid.city_warning IS 'a city''s own warning list for a month (COPY target), compared with the province''s in warning_city_comparison';
COMMENT ON COLUMN medaid.city_warning.city IS 'the city: the first four digits of region codes (3701 Jinan)';
COMMENT ON COLUMN medaid.city_warning.month IS 'the month (first day)';
COMMENT ON COLUMN medaid.city_warning.id_number IS 'the person the city warned';
COMMENT ON COLUMN medaid.city_warning.annual_burden IS 'the burden the city computed';
COMMENT ON COLUMN medaid.city_warning.loaded_at IS 'when the list was loaded';

CREATE VIEW medaid.warning_city_comparison AS
	SELECT coalesce(c.city, substr(p.region, 1, 4)) AS city, coalesce(c.month, p.month) AS month,
		   medaid.cnid_mask(coalesce(c.id_number, p.id_number)) AS id_masked,
		   p.annual_burden AS province_burden, c.annual_burden AS city_burden,
		   CASE WHEN c.id_number IS NULL THEN 'only_province'
				WHEN p.id_number IS NULL THEN 'only_city'
				WHEN p.annual_burden <> c.annual_burden THEN 'amount_differs'
				ELSE 'same'
		   END AS status
	FROM (SELECT w.* FROM medaid.warning w
		  WHERE EXISTS (SELECT FROM medaid.city_warning x
						WHERE x.city = substr(w.region, 1, 4) AND x.month = w.month)) p
	FULL JOIN medaid.city_warning c
	  ON c.id_number OPERATOR(medaid.=) p.id_number AND c.month = p.month AND c.city = substr(p.region, 1, 4);
COMMENT ON VIEW medaid.warning_city_comparison IS
'the province''s warnings against a city''s own list, for the months the city loaded: who is only in one, whose amounts differ (IDs masked)';
COMMENT ON COLUMN medaid.warning_city_comparison.city IS 'the city';
COMMENT ON COLUMN medaid.warning_city_comparison.month IS 'the month';
COMMENT ON COLUMN medaid.warning_city_comparison.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_city_comparison.province_burden IS 'the province''s burden, NULL if the province did not warn';
COMMENT ON COLUMN medaid.warning_city_comparison.city_burden IS 'the city''s burden, NULL if the city did not warn';
COMMENT ON COLUMN medaid.warning_city_comparison.status IS 'only_province, only_city, amount_differs or same';

CREATE VIEW medaid.warning_follow_up AS
	WITH warned AS (
		SELECT w.id_number, min(w.month) AS first_month
		FROM medaid.warning w
		GROUP BY w.id_number, date_part('year', w.month)
	)
	SELECT medaid.cnid_mask(s.id_number) AS id_masked, s.id_number,
		   date_trunc('month', s.settle_date)::date AS month, count(*) AS settlements,
		   sum(s.total) AS total, sum(s.fund_paid) AS fund_paid, sum(s.critical_paid) AS critical_paid,
		   sum(s.assistance_paid) AS assistance_paid, sum(s.burden) AS burden
	FROM warned w
	JOIN medaid.settlement s ON s.id_number OPERATOR(medaid.=) w.id_number
	 AND s.settle_date >= w.first_month
	 AND s.settle_date < make_date(date_part('year', w.first_month)::integer + 1, 1, 1)
	GROUP BY s.id_number, date_trunc('month', s.settle_date);
COMMENT ON VIEW medaid.warning_follow_up IS
'warned people followed month by month from their first warning of the year: settlements, costs, fund, critical-illness and assistance payments, personal burden (20号 §三: 动态跟踪)';
COMMENT ON COLUMN medaid.warning_follow_up.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_follow_up.id_number IS 'the person (restricted: full ID)';
COMMENT ON COLUMN medaid.warning_follow_up.month IS 'the month';
COMMENT ON COLUMN medaid.warning_follow_up.settlements IS 'settlements in it (reversals included)';
COMMENT ON COLUMN medaid.warning_follow_up.total IS 'total cost';
COMMENT ON COLUMN medaid.warning_follow_up.fund_paid IS 'basic insurance fund payments';
COMMENT ON COLUMN medaid.warning_follow_up.critical_paid IS 'critical-illness insurance payments';
COMMENT ON COLUMN medaid.warning_follow_up.assistance_paid IS 'medical-assistance payments';
COMMENT ON COLUMN medaid.warning_follow_up.burden IS 'personal burden';

CREATE FUNCTION medaid.settlement_summary(id medaid.cnid, from_date date DEFAULT NULL, to_date date DEFAULT NULL,
		OUT from_on date, OUT to_on date, OUT settlements bigint, OUT total numeric, OUT fund_paid numeric,
		OUT critical_paid numeric, OUT assistance_paid numeric, OUT burden numeric,
		OUT first_settled_on date, OUT last_settled_on date)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	pats text[] := medaid.region_patterns(medaid.caller());
	registered boolean;
BEGIN
	from_on := COALESCE(from_date, (COALESCE(to_date, CURRENT_DATE) - interval '1 year')::date + 1);
	to_on := COALESCE(to_date, CURRENT_DATE);
	-- a person registered in the caller's regions: every settlement;
	-- anyone else (an applicant, 33号 §四): those settled in them
	registered := EXISTS (SELECT FROM medaid.person p
						  WHERE p.id_number OPERATOR(medaid.=) settlement_summary.id AND p.region LIKE ANY (pats));
	SELECT count(s.settlement_id), COALESCE(sum(s.total), 0), COALESCE(sum(s.fund_paid), 0),
		   COALESCE(sum(s.critical_paid), 0), COALESCE(sum(s.assistance_paid), 0), COALESCE(sum(s.burden), 0),
		   min(s.settle_date), max(s.settle_date)
	INTO settlement_summary.settlements, settlement_summary.total, settlement_summary.fund_paid,
		 settlement_summary.critical_paid, settlement_summary.assistance_paid, settlement_summary.burden,
		 settlement_summary.first_settled_on, settlement_summary.last_settled_on
	FROM medaid.settlement s
	WHERE s.id_number OPERATOR(medaid.=) settlement_summary.id
	  AND s.settle_date >= settlement_summary.from_on AND s.settle_date <= settlement_summary.to_on
	  AND (registered OR s.region LIKE ANY (pats));
	-- settlement data given to civil affairs is recorded (never the full ID)
	INSERT INTO medaid.audit_log (action, counts, detail)
	VALUES ('settlement_summary', jsonb_build_object('settlements', settlement_summary.settlements),
			jsonb_build_object('id_masked', medaid.cnid_mask(settlement_summary.id),
							   'from', settlement_summary.from_on, 'to', settlement_summary.to_on));
END
$$;
COMMENT ON FUNCTION medaid.settlement_summary(medaid.cnid, date, date) IS
'a person''s settlements and totals over a date range (both ends included), the 12 months up to today by default: what civil affairs asks for to decide 因病致贫重病患者 status (33号 §四); counts only settlements the caller''s regions may see (all of a person registered in them, otherwise those settled in them); every call is audited';

-- The staging path for settlement files: every row judged, the good ones
-- loaded, the bad ones reported one by one (the whole file is never refused)
CREATE TABLE medaid.settlement_load (
	load_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.batch_id_seq'),
	opened_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	opened_by name NOT NULL DEFAULT SESSION_USER,
	loaded_at timestamptz,
	rows_staged bigint,
	accepted bigint,
	rejected bigint
);
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_load', '');
COMMENT ON TABLE medaid.settlement_load IS 'loads of settlement files through settlement_staging (open_settlement_load, load_settlements)';
COMMENT ON COLUMN medaid.settlement_load.load_id IS 'the load: the load_id of its rows in settlement_staging';
COMMENT ON COLUMN medaid.settlement_load.opened_at IS 'when it was opened';
COMMENT ON COLUMN medaid.settlement_load.opened_by IS 'who opened it';
COMMENT ON COLUMN medaid.settlement_load.loaded_at IS 'when load_settlements ran; NULL before';
COMMENT ON COLUMN medaid.settlement_load.rows_staged IS 'rows judged';
COMMENT ON COLUMN medaid.settlement_load.accepted IS 'rows loaded into settlement';
COMMENT ON COLUMN medaid.settlement_load.rejected IS 'rows refused (settlement_rejected)';

CREATE TABLE medaid.settlement_staging (
	load_id bigint NOT NULL REFERENCES medaid.settlement_load,
	row_no integer NOT NULL,
	settlement_id text,
	id_number text,
	settle_date text,
	region text,
	total text,
	fund_paid text,
	critical_paid text,
	assistance_paid text,
	reverses text,
	PRIMARY KEY (load_id, row_no)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_staging', '');
COMMENT ON TABLE medaid.settlement_staging IS 'COPY target for settlement files as sent, every field text, so that no row can stop the COPY';
COMMENT ON COLUMN medaid.settlement_staging.load_id IS 'the load (open_settlement_load)';
COMMENT ON COLUMN medaid.settlement_staging.row_no IS 'the row''s number in the file';
COMMENT ON COLUMN medaid.settlement_staging.settlement_id IS 'as sent';
COMMENT ON COLUMN medaid.settlement_staging.id_number IS 'as sent';
COMMENT ON COLUMN medaid.settlement_staging.settle_date IS 'as sent: YYYY-MM-DD';
COMMENT ON COLUMN medaid.settlement_staging.region IS 'as sent: 6 digits';
COMMENT ON COLUMN medaid.settlement_staging.total IS 'as sent: yuan, at most two decimals';
COMMENT ON COLUMN medaid.settlement_staging.fund_paid IS 'as sent (empty: 0)';
COMMENT ON COLUMN medaid.settlement_staging.critical_paid IS 'as sent (empty: 0)';
COMMENT ON COLUMN medaid.settlement_staging.assistance_paid IS 'as sent (empty: 0)';
COMMENT ON COLUMN medaid.settlement_staging.reverses IS 'as sent: the settlement_id a reversal negates';

CREATE TABLE medaid.settlement_rejected (
	load_id bigint NOT NULL,
	row_no integer NOT NULL,
	reason text NOT NULL,
	id_masked text,
	PRIMARY KEY (load_id, row_no)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_rejected', '');
COMMENT ON TABLE medaid.settlement_rejected IS 'the rows of a settlement load that were refused, one by one, with the reason';
COMMENT ON COLUMN medaid.settlement_rejected.load_id IS 'the load';
COMMENT ON COLUMN medaid.settlement_rejected.row_no IS 'the row';
COMMENT ON COLUMN medaid.settlement_rejected.reason IS 'missing_settlement_id, id_<cnid reason>, bad_date, future_date, bad_region, bad_amount, negative_amount, paid_more_than_total, duplicate_in_load, duplicate_settlement_id, reversal_not_found, reversal_other_person, reversal_of_reversal, reversal_amounts, reversal_before_original, reversed_twice';
COMMENT ON COLUMN medaid.settlement_rejected.id_masked IS 'the ID number as sent, masked';

CREATE FUNCTION medaid.open_settlement_load() RETURNS bigint
	LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$ INSERT INTO medaid.settlement_load DEFAULT VALUES RETURNING load_id $$;
COMMENT ON FUNCTION medaid.open_settlement_load() IS 'open a settlement load: returns its load_id for settlement_staging';

CREATE FUNCTION medaid.load_settlements(load_id bigint,
		OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
#variable_conflict use_column
DECLARE
	l medaid.settlement_load%ROWTYPE;
	first_month date;
	last_month date;
BEGIN
	SELECT * INTO l FROM medaid.settlement_load x WHERE x.load_id = load_settlements.load_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'settlement load % does not exist', load_settlements.load_id
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Open one with medaid.open_settlement_load().';
	END IF;
	IF l.loaded_at IS NOT NULL THEN
		rows_staged := l.rows_staged; accepted := l.accepted; rejected := l.rejected;
		RETURN;
	END IF;
	IF to_regclass('pg_temp.medaid_settlement_rows') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_settlement_rows;
	END IF;
	CREATE TEMP TABLE medaid_settlement_rows ON COMMIT DROP AS
	WITH f AS (
		SELECT s.row_no, nullif(btrim(s.settlement_id), '') AS sid, s.id_number AS raw_id,
			   medaid.cnid_try(s.id_number) AS id,
			   btrim(s.settle_date) AS d, btrim(s.region) AS region,
			   btrim(s.total) AS total, coalesce(nullif(btrim(s.fund_paid), ''), '0') AS fund,
			   coalesce(nullif(btrim(s.critical_paid), ''), '0') AS critical,
			   coalesce(nullif(btrim(s.assistance_paid), ''), '0') AS assist,
			   nullif(btrim(s.reverses), '') AS reverses
		FROM medaid.settlement_staging s WHERE s.load_id = l.load_id
	), g AS (
		SELECT f.*,
			   CASE
				WHEN f.sid IS NULL THEN 'missing_settlement_id'
				WHEN f.id IS NULL THEN 'id_' || medaid.cnid_invalid_reason(f.raw_id)
				WHEN f.d IS NULL OR f.d !~ '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
					 OR substr(f.d, 9, 2)::int > extract(day FROM (substr(f.d, 1, 8) || '01')::date + interval '1 month - 1 day')
					THEN 'bad_date'
				WHEN f.d::date > CURRENT_DATE THEN 'future_date'
				WHEN f.region IS NULL OR f.region !~ '^[0-9]{6}$' THEN 'bad_region'
				WHEN f.total IS NULL OR f.total !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$'
					 OR f.fund !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' OR f.critical !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$'
					 OR f.assist !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' THEN 'bad_amount'
				WHEN f.reverses IS NULL AND (f.total::numeric < 0 OR f.fund::numeric < 0
											 OR f.critical::numeric < 0 OR f.assist::numeric < 0) THEN 'negative_amount'
				WHEN f.reverses IS NULL AND f.fund::numeric + f.critical::numeric > f.total::numeric THEN 'paid_more_than_total'
			   END AS reason
		FROM f
	)
	SELECT g.row_no, g.sid, g.raw_id, g.id, g.region, g.reverses,
		   CASE WHEN g.reason IS NULL THEN g.d::date END AS settle_date,
		   CASE WHEN g.reason IS NULL THEN g.total::numeric END AS total,
		   CASE WHEN g.reason IS NULL THEN g.fund::numeric END AS fund_paid,
		   CASE WHEN g.reason IS NULL THEN g.critical::numeric END AS critical_paid,
		   CASE WHEN g.reason IS NULL THEN g.assist::numeric END AS assistance_paid,
		   g.reason
	FROM g;

	-- the same id twice in the file: the first row stands
	UPDATE medaid_settlement_rows r SET reason = 'duplicate_in_load'
	FROM (SELECT x.row_no, row_number() OVER (PARTITION BY x.sid ORDER BY x.row_no) AS n
		  FROM medaid_settlement_rows x WHERE x.reason IS NULL) d
	WHERE r.row_no = d.row_no AND d.n > 1;
	UPDATE medaid_settlement_rows r SET reason = 'duplicate_settlement_id'
	FROM medaid.settlement_key k WHERE r.reason IS NULL AND k.settlement_id = r.sid;
	-- reversals: of a settlement loaded before or accepted in this file
	UPDATE medaid_settlement_rows r SET reason = v.why
	FROM (SELECT x.row_no,
				 CASE
				  WHEN o.sid IS NULL THEN 'reversal_not_found'
				  WHEN o.id OPERATOR(medaid.<>) x.id THEN 'reversal_other_person'
				  WHEN o.reverses IS NOT NULL THEN 'reversal_of_reversal'
				  WHEN x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
					   OR x.assistance_paid <> -o.assistance_paid THEN 'reversal_amounts'
				  WHEN x.settle_date < o.settle_date THEN 'reversal_before_original'
				 END AS why
		  FROM medaid_settlement_rows x
		  LEFT JOIN LATERAL (
			SELECT y.sid, y.id, y.reverses, y.total, y.fund_paid, y.critical_paid, y.assistance_paid, y.settle_date
			FROM medaid_settlement_rows y WHERE y.sid = x.reverses AND y.reason IS NULL
			UNION ALL
			SELECT s.settlement_id, s.id_number, s.reverses, s.total, s.fund_paid, s.critical_paid, s.assistance_paid, s.settle_date
			FROM medaid.settlement_key k JOIN medaid.settlement s
			  ON s.settlement_id = k.settlement_id AND s.settle_date = k.settle_date
			WHERE k.settlement_id = x.reverses
			LIMIT 1) o ON true
		  WHERE x.reason IS NULL AND x.reverses IS NOT NULL) v
	WHERE r.row_no = v.row_no AND v.why IS NOT NULL;
	UPDATE medaid_settlement_rows r SET reason = 'reversed_twice'
	FROM (SELECT x.row_no,
				 row_number() OVER (PARTITION BY x.reverses ORDER BY x.row_no) AS n,
				 EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = x.reverses AND k.reversed_by IS NOT NULL) AS done
		  FROM medaid_settlement_rows x WHERE x.reason IS NULL AND x.reverses IS NOT NULL) d
	WHERE r.row_no = d.row_no AND (d.n > 1 OR d.done);
	-- an original refused above takes its reversal with it
	UPDATE medaid_settlement_rows r SET reason = 'reversal_not_found'
	WHERE r.reason IS NULL AND r.reverses IS NOT NULL
	  AND NOT EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = r.reverses)
	  AND NOT EXISTS (SELECT FROM medaid_settlement_rows y WHERE y.sid = r.reverses AND y.reason IS NULL);

	SELECT min(date_trunc('month', x.settle_date))::date, max(x.settle_date)
	INTO first_month, last_month FROM medaid_settlement_rows x WHERE x.reason IS NULL;
	IF first_month IS NOT NULL AND last_month <= first_month + interval '20 years' THEN
		PERFORM medaid.ensure_settlement_partitions(first_month, last_month);
	END IF;
	INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid,
								   critical_paid, assistance_paid, reverses)
	SELECT x.sid, x.id, x.settle_date, x.region, x.total, x.fund_paid, x.critical_paid, x.assistance_paid, x.reverses
	FROM medaid_settlement_rows x WHERE x.reason IS NULL
	ORDER BY x.settle_date, x.row_no;
	INSERT INTO medaid.settlement_rejected (load_id, row_no, reason, id_masked)
	SELECT l.load_id, x.row_no, x.reason, CASE WHEN x.raw_id IS NOT NULL THEN medaid.cnid_mask(x.raw_id) END
	FROM medaid_settlement_rows x WHERE x.reason IS NOT NULL;

	SELECT count(*), count(*) FILTER (WHERE x.reason IS NULL), count(*) FILTER (WHERE x.reason IS NOT NULL)
	INTO rows_staged, accepted, rejected FROM medaid_settlement_rows x;
	UPDATE medaid.settlement_load x SET loaded_at = now(), rows_staged = load_settlements.rows_staged,
		accepted = load_settlements.accepted, rejected = load_settlements.rejected
	WHERE x.load_id = l.load_id;
	INSERT INTO medaid.audit_log (action, load_id, counts)
	VALUES ('settlement_load', l.load_id,
			jsonb_build_object('rows_staged', load_settlements.rows_staged, 'accepted', load_settlements.accepted,
							   'rejected', load_settlements.rejected));
	DROP TABLE pg_temp.medaid_settlement_rows;
END
$$;
COMMENT ON FUNCTION medaid.load_settlements(bigint) IS
'judge every staged row of a settlement load: load the good ones into settlement (making partitions as needed), record each refused row with its reason in settlement_rejected; returns the counts; again changes nothing';

-------------------------------------------------------------------------------
-- Participation (20号 §一, 33号 §二): participation subsidies (参保资助), the
-- participation ledger (参保台账), suspected uninsured, participation rates
-------------------------------------------------------------------------------

-- Subsidy configuration.  Both tables start empty (pg_dump / pg_restore
-- never meets rows the install script made); a region is a province (37),
-- city (3701) or county (370102) prefix, and the longest prefix that has a
-- row decides, like category_favourability.
CREATE TABLE medaid.resident_contribution (
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	amount numeric NOT NULL CHECK (amount > 0 AND amount = round(amount, 2)),
	source text,
	PRIMARY KEY (region_prefix, year)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.resident_contribution', '');
COMMENT ON TABLE medaid.resident_contribution IS
'the personal contribution to resident basic medical insurance (居民医保个人缴费标准) per region and year (configuration, kept by pg_dump): what tekun receive in full (全额资助) and what caps a fixed amount';
COMMENT ON COLUMN medaid.resident_contribution.region_prefix IS 'a province (37), city (3701) or county (370102); for an enrolment the longest prefix of its region with a row for the year decides';
COMMENT ON COLUMN medaid.resident_contribution.year IS 'the insured year';
COMMENT ON COLUMN medaid.resident_contribution.amount IS 'yuan per person and year, two decimals';
COMMENT ON COLUMN medaid.resident_contribution.source IS 'where the figure comes from (the notice that sets it)';

CREATE TABLE medaid.subsidy_rule (
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	category medaid.category NOT NULL CHECK (category OPERATOR(medaid.<>) 'tekun'::medaid.category),
	amount numeric CHECK (amount >= 0 AND amount = round(amount, 2)),
	source text,
	PRIMARY KEY (region_prefix, year, category)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.subsidy_rule', '');
COMMENT ON TABLE medaid.subsidy_rule IS
'the fixed subsidy (定额资助) per region, year and category (configuration, kept by pg_dump): required for dibao, fanpin, dibao_edge and jiance (20号 §一); zhongbing gets a subsidy only where a row grants one; tekun is always the full contribution and has no row';
COMMENT ON COLUMN medaid.subsidy_rule.region_prefix IS 'a province (37), city (3701) or county (370102): per category, the longest prefix of the enrolment''s region with a row for the year and category decides (a city may raise one amount and inherit the others)';
COMMENT ON COLUMN medaid.subsidy_rule.year IS 'the insured year';
COMMENT ON COLUMN medaid.subsidy_rule.category IS 'the category subsidised (not tekun)';
COMMENT ON COLUMN medaid.subsidy_rule.amount IS 'yuan per person and year, two decimals, capped at the contribution; NULL: the full contribution';
COMMENT ON COLUMN medaid.subsidy_rule.source IS 'where the figure comes from';

-- Enrolments (参保), from medical insurance (33号 §一).  The first four
-- columns are SPEC §8's; the subsidy columns are filled once, at INSERT, by
-- enrollment_grant, and never change (the annual lock, 33号 §二).
CREATE SEQUENCE medaid.enrollment_id_seq;
COMMENT ON SEQUENCE medaid.enrollment_id_seq IS 'enrolment ids';
CREATE TABLE medaid.enrollment (
	id_number medaid.cnid NOT NULL,
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	enrolled_on date NOT NULL,
	scheme text NOT NULL DEFAULT 'resident' CHECK (scheme IN ('resident', 'employee')),
	subsidy_category text NOT NULL
		CHECK (subsidy_category IN ('tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing', 'ordinary')),
	subsidy_amount numeric NOT NULL CHECK (subsidy_amount >= 0 AND subsidy_amount = round(subsidy_amount, 2)),
	contribution numeric CHECK (contribution > 0 AND contribution = round(contribution, 2)),
	subsidy_status text NOT NULL
		CHECK (subsidy_status IN ('granted', 'no_rule', 'ordinary', 'employee', 'unconfigured', 'duplicate', 'supplied')),
	enrollment_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.enrollment_id_seq'),
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	loaded_by name NOT NULL DEFAULT SESSION_USER,
	CONSTRAINT enrollment_window
		CHECK (enrolled_on BETWEEN make_date(year - 1, 1, 1) AND make_date(year, 12, 31)),
	CONSTRAINT enrollment_subsidy_capped
		CHECK (subsidy_status = 'supplied' OR subsidy_amount = 0 OR subsidy_amount <= contribution)
);
-- at most one subsidised enrolment per person and year
CREATE UNIQUE INDEX enrollment_one_subsidy ON medaid.enrollment (id_number, year) WHERE subsidy_amount > 0;
CREATE INDEX enrollment_year_person ON medaid.enrollment (year, id_number);
SELECT pg_catalog.pg_extension_config_dump('medaid.enrollment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.enrollment', '');
COMMENT ON TABLE medaid.enrollment IS
'enrolments in basic medical insurance (COPY target: id_number, year, region, enrolled_on[, scheme]); the subsidy is granted once at INSERT from the categories held on enrolled_on and never changes (33号 §二: 已享受的资助待遇暂不调整); any row for a year makes the person enrolled for it';
COMMENT ON COLUMN medaid.enrollment.id_number IS 'ID number of the insured person';
COMMENT ON COLUMN medaid.enrollment.year IS 'the insured year';
COMMENT ON COLUMN medaid.enrollment.region IS 'the insured place (参保地, 6 digits): it grants and pays the subsidy';
COMMENT ON COLUMN medaid.enrollment.enrolled_on IS 'the day of enrolment (contribution paid), from 1 January of year - 1 (the concentrated payment period before the year) to 31 December of year';
COMMENT ON COLUMN medaid.enrollment.scheme IS 'resident (居民基本医保, subsidised) or employee (职工医保: enrolled, no subsidy)';
COMMENT ON COLUMN medaid.enrollment.subsidy_category IS 'the subsidy category marked at enrolment (标识资助类别): of the categories held on enrolled_on, the one with the highest subsidy, ties in the region''s order; ordinary when none';
COMMENT ON COLUMN medaid.enrollment.subsidy_amount IS 'the subsidy granted, yuan (0 when none); fixed for the year';
COMMENT ON COLUMN medaid.enrollment.contribution IS 'the personal contribution in force for region and year at enrolment; NULL when not configured or not applicable';
COMMENT ON COLUMN medaid.enrollment.subsidy_status IS 'granted (by the rules, possibly 0), no_rule (zhongbing without a rule), ordinary (no category on enrolled_on), employee (employee scheme), unconfigured (no contribution of any year for the region''s province), duplicate (the person and year already have a subsidised enrolment), supplied (category and amount given by the loader)';
COMMENT ON COLUMN medaid.enrollment.enrollment_id IS 'the enrolment''s id';
COMMENT ON COLUMN medaid.enrollment.loaded_at IS 'when it was loaded';
COMMENT ON COLUMN medaid.enrollment.loaded_by IS 'who loaded it';

-- The fields of an enrolment, checked with a reason (a CHECK violation
-- would print the whole row, full ID number included).  STABLE, not
-- IMMUTABLE, though it reads no table: the catalog test takes any word that
-- names a medaid table (region) for a read.
CREATE FUNCTION medaid.enrollment_fields_check(year integer, region text, enrolled_on date, scheme text)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF year IS NULL OR region IS NULL OR enrolled_on IS NULL OR scheme IS NULL THEN
		RAISE EXCEPTION 'enrolment without %',
			CASE WHEN year IS NULL THEN 'year' WHEN region IS NULL THEN 'region'
				 WHEN enrolled_on IS NULL THEN 'enrolled_on' ELSE 'scheme' END
			USING ERRCODE = 'not_null_violation',
				  DETAIL = 'An enrolment has an ID number, a year, a region (the insured place), a day of enrolment and a scheme.';
	END IF;
	IF region !~ '^[0-9]{6}$' THEN
		RAISE EXCEPTION 'invalid enrolment region: %', quote_literal(region)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The insured place (参保地) is a 6-digit county code.';
	END IF;
	IF year NOT BETWEEN 2000 AND 2100 THEN
		RAISE EXCEPTION 'invalid enrolment year: %', year
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Years run from 2000 to 2100.';
	END IF;
	IF scheme NOT IN ('resident', 'employee') THEN
		RAISE EXCEPTION 'invalid scheme: %', quote_literal(scheme)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The scheme is resident (居民基本医保) or employee (职工医保).';
	END IF;
	IF NOT isfinite(enrolled_on) OR enrolled_on < make_date(year - 1, 1, 1) OR enrolled_on > make_date(year, 12, 31) THEN
		RAISE EXCEPTION 'enrolled_on % is outside the enrolment window of %', enrolled_on, year
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('An enrolment for %s is made from %s (the payment period before the year) to %s.',
								  year, make_date(year - 1, 1, 1), make_date(year, 12, 31));
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_fields_check(integer, text, date, text) IS
'raises an error naming the field and value when an enrolment''s year, region, day of enrolment or scheme is missing or invalid (enrolled_on lies from 1 January of year - 1 to 31 December of year); nothing otherwise';

-- The subsidy an enrolment gets, as the register knows it now.
CREATE FUNCTION medaid.enrollment_subsidy(id medaid.cnid, year integer, region text, on_date date,
		scheme text DEFAULT 'resident')
	RETURNS TABLE (subsidy_category text, subsidy_amount numeric, contribution numeric, subsidy_status text)
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_variable
DECLARE
	y integer := enrollment_subsidy.year;
	r text := enrollment_subsidy.region;
	contrib numeric;
	configured boolean;
	ord_prefix text;
	c record;
	amount numeric;
	best_slug text;
	best_amount numeric;
	best_status text;
BEGIN
	PERFORM medaid.enrollment_fields_check(y, r, on_date, scheme);

	-- the contribution in force: the longest prefix with a row for the year
	SELECT x.amount INTO contrib
	FROM medaid.resident_contribution x
	WHERE x.year = y AND x.region_prefix IN (r, left(r, 4), left(r, 2))
	ORDER BY length(x.region_prefix) DESC LIMIT 1;
	-- a province with no contribution of any year (another province, or
	-- nothing configured yet) grants nothing here; one configured for some
	-- years but not this one is an error below
	configured := contrib IS NOT NULL
		OR EXISTS (SELECT FROM medaid.resident_contribution x WHERE starts_with(x.region_prefix, left(r, 2)));

	-- the region's order for the year (category_rank, inline: the longest
	-- prefix with rows for the year, else the default order)
	SELECT f.region_prefix INTO ord_prefix
	FROM medaid.category_favourability f
	WHERE f.year = y AND f.region_prefix IN (r, left(r, 4), left(r, 2))
	ORDER BY length(f.region_prefix) DESC LIMIT 1;

	-- every category held on the day, in the region's order (the default
	-- order breaks ties), with its fixed-amount rule: per category the
	-- longest prefix with a row for the year
	FOR c IN
		SELECT h.category::text AS slug,
			   rule.found IS NOT NULL AS has_rule, rule.amount AS rule_amount
		FROM (SELECT DISTINCT p.category
			  FROM medaid.category_period p
			  WHERE p.id_number OPERATOR(medaid.=) id
				AND p.valid_from <= on_date AND (p.valid_to IS NULL OR p.valid_to > on_date)) h
		LEFT JOIN medaid.category_favourability o
		  ON o.region_prefix = ord_prefix AND o.year = y AND o.category OPERATOR(medaid.=) h.category
		LEFT JOIN LATERAL (
			SELECT true AS found, s.amount
			FROM medaid.subsidy_rule s
			WHERE s.year = y AND s.category OPERATOR(medaid.=) h.category
			  AND s.region_prefix IN (r, left(r, 4), left(r, 2))
			ORDER BY length(s.region_prefix) DESC LIMIT 1) rule ON true
		ORDER BY CASE WHEN ord_prefix IS NULL THEN medaid.category_ordinal(h.category)
					  ELSE coalesce(o.rank, 1000 + medaid.category_ordinal(h.category)) END,
				 medaid.category_ordinal(h.category)
	LOOP
		IF best_slug IS NULL THEN
			-- the most favourable in the region's order: the category marked
			-- where no amount is compared (employee scheme, unconfigured)
			best_slug := c.slug;
		END IF;
		IF scheme = 'employee' OR NOT configured THEN
			CONTINUE;
		END IF;
		IF c.slug NOT IN ('tekun', 'zhongbing') AND NOT c.has_rule THEN
			RAISE EXCEPTION 'no subsidy rule for % in region % for %', c.slug, r, y
				USING ERRCODE = 'no_data_found',
					  DETAIL = format('ID %s holds %s on %s; dibao, fanpin, dibao_edge and jiance receive a fixed amount set per region and year (20号 §一).',
									  medaid.cnid_mask(id), c.slug, on_date),
					  HINT = format('INSERT INTO medaid.subsidy_rule (region_prefix, year, category, amount) VALUES (%L, %s, %L, ...);',
									left(r, 2), y, c.slug);
		END IF;
		IF contrib IS NULL AND (c.slug = 'tekun' OR c.has_rule) THEN
			RAISE EXCEPTION 'no resident contribution for region % in %', r, y
				USING ERRCODE = 'no_data_found',
					  DETAIL = format('ID %s holds %s on %s: its subsidy is the personal contribution in force for the insured place and year, or a fixed amount capped by it (20号 §一).',
									  medaid.cnid_mask(id), c.slug, on_date),
					  HINT = format('INSERT INTO medaid.resident_contribution (region_prefix, year, amount) VALUES (%L, %s, ...);',
									left(r, 2), y);
		END IF;
		amount := CASE WHEN c.slug = 'tekun' THEN contrib
					   WHEN NOT c.has_rule THEN 0
					   ELSE least(coalesce(c.rule_amount, contrib), contrib) END;
		-- 待遇从优、就高不就低 (33号 §二): the highest amount wins; in a tie
		-- the earlier in the order
		IF best_amount IS NULL OR amount > best_amount THEN
			best_slug := c.slug;
			best_amount := amount;
			best_status := CASE WHEN c.has_rule OR c.slug = 'tekun' THEN 'granted' ELSE 'no_rule' END;
		END IF;
	END LOOP;

	-- amounts in yuan with two decimals (round only sets the scale: the
	-- configured amounts have at most two)
	IF best_slug IS NULL THEN
		RETURN QUERY SELECT 'ordinary'::text, 0.00, CASE WHEN scheme = 'resident' THEN round(contrib, 2) END,
			CASE WHEN scheme = 'employee' THEN 'employee' ELSE 'ordinary' END;
	ELSIF scheme = 'employee' THEN
		RETURN QUERY SELECT best_slug, 0.00, NULL::numeric, 'employee'::text;
	ELSIF NOT configured THEN
		RETURN QUERY SELECT best_slug, 0.00, NULL::numeric, 'unconfigured'::text;
	ELSE
		RETURN QUERY SELECT best_slug, round(best_amount, 2), round(contrib, 2), best_status;
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_subsidy(medaid.cnid, integer, text, date, text) IS
'the subsidy an enrolment (person, insured year, insured place, day of enrolment, scheme) gets from the categories held that day as the register knows them now: tekun the full contribution, dibao, fanpin, dibao_edge, jiance the fixed amount (capped at the contribution), zhongbing a fixed amount only where configured; the highest amount wins, ties in the region''s order; a missing contribution or rule is an error (P0002) naming the category, region and year; what enrollment_grant stores at INSERT';

-- The grant, once, at INSERT: the subsidy is a fact of the enrolment (即时
-- 标识资助类别), computed from the register as it is then, never again.
CREATE FUNCTION medaid.enrollment_grant() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	g record;
BEGIN
	-- a superuser's row with a status is kept as given, unchecked:
	-- pg_restore reloads grants as they were, whatever order it loads the
	-- register in (and a superuser could disable the trigger anyway)
	IF NEW.subsidy_status IS NOT NULL AND NEW.subsidy_status <> 'supplied'
	   AND (SELECT x.rolsuper FROM pg_roles x WHERE x.rolname = current_user) THEN
		RETURN NEW;
	END IF;
	IF NEW.id_number IS NULL THEN
		RAISE EXCEPTION 'enrolment without id_number'
			USING ERRCODE = 'not_null_violation',
				  DETAIL = 'An enrolment has an ID number, a year, a region (the insured place), a day of enrolment and a scheme.';
	END IF;
	PERFORM medaid.enrollment_fields_check(NEW.year, NEW.region, NEW.enrolled_on, NEW.scheme);

	IF NEW.subsidy_status = 'supplied' THEN
		-- a subsidy the loader supplies: the insurance system's own record;
		-- its category as a slug (Chinese names accepted) or ordinary
		IF lower(btrim(NEW.subsidy_category)) = 'ordinary' THEN
			NEW.subsidy_category := 'ordinary';
		ELSIF medaid.category_from_text(NEW.subsidy_category) IS NOT NULL THEN
			NEW.subsidy_category := medaid.category_from_text(NEW.subsidy_category)::text;
		ELSE
			RAISE EXCEPTION 'invalid subsidy_category: %', coalesce(quote_literal(NEW.subsidy_category), 'NULL')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'A supplied subsidy names its category: a category (slug or Chinese name), or ordinary.';
		END IF;
		IF NEW.subsidy_amount IS NULL OR NEW.subsidy_amount < 0 OR NEW.subsidy_amount <> round(NEW.subsidy_amount, 2)
		   OR NEW.contribution <= 0 OR NEW.contribution <> round(NEW.contribution, 2) THEN
			RAISE EXCEPTION 'invalid supplied subsidy: amount %, contribution %',
				coalesce(NEW.subsidy_amount::text, 'NULL'), coalesce(NEW.contribution::text, 'NULL')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Amounts are yuan with at most two decimals: the subsidy 0 or more, the contribution, if given, more than 0.';
		END IF;
		RETURN NEW;
	ELSIF NEW.subsidy_status IS NOT NULL THEN
		RAISE EXCEPTION 'subsidy_status % cannot be loaded', quote_literal(NEW.subsidy_status)
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'medaid grants the subsidy when the enrolment is inserted; only a superuser (pg_restore) loads grants as given.',
				  HINT = 'Leave subsidy_category, subsidy_amount, contribution and subsidy_status out, or give subsidy_status ''supplied'' with the subsidy the insurance system granted.';
	ELSIF NEW.subsidy_category IS NOT NULL OR NEW.subsidy_amount IS NOT NULL OR NEW.contribution IS NOT NULL THEN
		RAISE EXCEPTION 'subsidy given without subsidy_status ''supplied'''
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'medaid computes subsidy_category, subsidy_amount and contribution when the enrolment is inserted.',
				  HINT = 'Leave them out, or give subsidy_status ''supplied'' with the subsidy the insurance system granted.';
	END IF;

	SELECT * INTO STRICT g
	FROM medaid.enrollment_subsidy(NEW.id_number, NEW.year, NEW.region, NEW.enrolled_on, NEW.scheme);
	NEW.subsidy_category := g.subsidy_category;
	NEW.subsidy_amount := g.subsidy_amount;
	NEW.contribution := g.contribution;
	NEW.subsidy_status := g.subsidy_status;
	-- one subsidy per person and year: a further enrolment (in another
	-- county, a second row) counts as enrolled and gets nothing.  Rows
	-- earlier in the same statement are seen; a session enrolling the same
	-- person and year at once waits here for the other to finish, then
	-- sees its row (in READ COMMITTED), rather than meeting the unique
	-- index enrollment_one_subsidy, whose error would name the person.
	-- One lock for all subsidised enrolments, not one per person: a load of
	-- a county's file would otherwise hold tens of thousands of locks until
	-- it commits and run out of shared memory (53200).  Taken again by the
	-- same transaction it costs nothing; loads granting subsidies take
	-- turns.
	IF NEW.subsidy_amount > 0 THEN
		PERFORM pg_advisory_xact_lock(hashtext('medaid.enrollment'));
	END IF;
	IF NEW.subsidy_amount > 0 AND EXISTS (
			SELECT FROM medaid.enrollment e
			WHERE e.id_number OPERATOR(medaid.=) NEW.id_number AND e.year = NEW.year AND e.subsidy_amount > 0) THEN
		NEW.subsidy_amount := 0.00;
		NEW.subsidy_status := 'duplicate';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_grant() IS
'BEFORE INSERT row trigger of enrollment: checks the fields and grants the subsidy (enrollment_subsidy on enrolled_on) once; a second subsidised enrolment of the person and year gets 0 (duplicate); a row with subsidy_status ''supplied'' is checked and kept; a superuser''s row with another status (pg_restore) is kept as given';
CREATE TRIGGER enrollment_grant BEFORE INSERT ON medaid.enrollment
	FOR EACH ROW EXECUTE FUNCTION medaid.enrollment_grant();

-- The annual lock (33号 §二): 一个自然年度内，资助参保对象身份类别发生变动的，
-- 已享受的资助待遇暂不调整，次年按医疗救助对象类别享受相应资助政策.
CREATE FUNCTION medaid.enrollment_lock() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NEW IS DISTINCT FROM OLD THEN
		RAISE EXCEPTION 'the enrolment of ID % for % cannot change', medaid.cnid_mask(OLD.id_number), OLD.year
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Its subsidy (%s, %s) is fixed for the year: 已享受的资助待遇暂不调整 (33号 §二).',
								  OLD.subsidy_category, OLD.subsidy_amount),
				  HINT = 'A new category applies to the next year''s enrolment; to correct a wrong load, delete the row and insert it again.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_lock() IS
'BEFORE UPDATE row trigger of enrollment: refuses any change (55000); the subsidy granted stays as it was for the year, and a wrong load is deleted and inserted again';
CREATE TRIGGER enrollment_lock BEFORE UPDATE ON medaid.enrollment
	FOR EACH ROW EXECUTE FUNCTION medaid.enrollment_lock();

-- The participation ledger (参保台账, 20号 §一; SPEC §7): one row per
-- recipient and year.  A recipient of year Y holds a category on at least
-- one day of Y (valid_from <= d < valid_to): a non-empty period touches the
-- years from that of valid_from to that of valid_to - 1; an open period
-- runs to the current year or the latest enrolment year, whichever is
-- later (a view cannot be infinite).
--
-- Set-based at province scale: the periods are grouped per person and year
-- first (the categories held as a bit set, bit i-1 for the category of
-- ordinal i), then joined once to person, the region's order and the
-- enrolments.  The most favourable category follows category_rank: the
-- order of the longest prefix of the person's region that has rows for the
-- year (a category it does not list ranks 1000 + ordinal), else the default
-- order; like best_category(category, rank) the lowest rank * 16 + ordinal
-- wins.
CREATE VIEW medaid.participation_ledger AS
	WITH ord AS (
		-- each configured order as an array of six ranks, by ordinal
		SELECT f.region_prefix, f.year,
			   ARRAY[COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'tekun'::medaid.category), 1001),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'dibao'::medaid.category), 1002),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'fanpin'::medaid.category), 1003),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'dibao_edge'::medaid.category), 1004),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'jiance'::medaid.category), 1005),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'zhongbing'::medaid.category), 1006)] AS ranks
		FROM medaid.category_favourability f
		GROUP BY f.region_prefix, f.year
	)
	SELECT g.year, g.id_number, pe.region,
		   (ARRAY['tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing'])[LEAST(
				CASE WHEN g.held & 1 <> 0 THEN k.ranks[1] * 16 + 1 END,
				CASE WHEN g.held & 2 <> 0 THEN k.ranks[2] * 16 + 2 END,
				CASE WHEN g.held & 4 <> 0 THEN k.ranks[3] * 16 + 3 END,
				CASE WHEN g.held & 8 <> 0 THEN k.ranks[4] * 16 + 4 END,
				CASE WHEN g.held & 16 <> 0 THEN k.ranks[5] * 16 + 5 END,
				CASE WHEN g.held & 32 <> 0 THEN k.ranks[6] * 16 + 6 END
			) % 16] AS category,
		   array_remove(ARRAY[
				CASE WHEN g.held & 1 <> 0 THEN 'tekun' END,
				CASE WHEN g.held & 2 <> 0 THEN 'dibao' END,
				CASE WHEN g.held & 4 <> 0 THEN 'fanpin' END,
				CASE WHEN g.held & 8 <> 0 THEN 'dibao_edge' END,
				CASE WHEN g.held & 16 <> 0 THEN 'jiance' END,
				CASE WHEN g.held & 32 <> 0 THEN 'zhongbing' END], NULL) AS categories,
		   g.held_at_year_end,
		   e.id_number IS NOT NULL AS enrolled,
		   COALESCE(e.enrollments, 0) AS enrollments,
		   e.region AS enrollment_region,
		   e.enrolled_on,
		   e.subsidy_category,
		   e.subsidy_amount,
		   e.min_region <> pe.region OR e.max_region <> pe.region AS enrolled_elsewhere
	FROM (SELECT y.year, p.id_number,
				 bit_or(1 << (medaid.category_ordinal(p.category) - 1)) AS held,
				 bool_or(p.valid_to IS NULL OR p.valid_to > make_date(y.year, 12, 31)) AS held_at_year_end
		  FROM medaid.category_period p
		  CROSS JOIN (SELECT GREATEST(date_part('year', CURRENT_DATE)::integer,
									  (SELECT max(x.year) FROM medaid.enrollment x)) AS last_year) b
		  CROSS JOIN LATERAL generate_series(
				date_part('year', p.valid_from)::integer,
				CASE WHEN p.valid_to IS NOT NULL THEN date_part('year', p.valid_to - 1)::integer
					 ELSE GREATEST(date_part('year', p.valid_from)::integer, b.last_year) END) AS y(year)
		  WHERE p.valid_to IS NULL OR p.valid_to > p.valid_from
		  GROUP BY y.year, p.id_number) g
	JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) g.id_number
	LEFT JOIN ord o6 ON o6.region_prefix = pe.region AND o6.year = g.year
	LEFT JOIN ord o4 ON o4.region_prefix = left(pe.region, 4) AND o4.year = g.year
	LEFT JOIN ord o2 ON o2.region_prefix = left(pe.region, 2) AND o2.year = g.year
	CROSS JOIN LATERAL (SELECT COALESCE(o6.ranks, o4.ranks, o2.ranks, ARRAY[1, 2, 3, 4, 5, 6]) AS ranks) k
	-- the year's enrolments: at most one is subsidised (enrollment_one_subsidy)
	LEFT JOIN (SELECT x.year, x.id_number, count(*) AS enrollments,
					  COALESCE(max(x.region) FILTER (WHERE x.subsidy_amount > 0), min(x.region)) AS region,
					  min(x.region) AS min_region, max(x.region) AS max_region,
					  min(x.enrolled_on) AS enrolled_on,
					  max(x.subsidy_category) FILTER (WHERE x.subsidy_amount > 0) AS subsidy_category,
					  sum(x.subsidy_amount) AS subsidy_amount
			   FROM medaid.enrollment x
			   GROUP BY x.year, x.id_number) e
	  ON e.year = g.year AND e.id_number OPERATOR(medaid.=) g.id_number;
COMMENT ON VIEW medaid.participation_ledger IS
'the participation ledger (参保台账, 20号 §一): one row per recipient and year (a category held on at least one day of the year, SPEC §7), with the most favourable category held that year, the region of the latest applied roster row and the enrolment, wherever it was made';
COMMENT ON COLUMN medaid.participation_ledger.year IS 'the year';
COMMENT ON COLUMN medaid.participation_ledger.id_number IS 'the recipient (restricted: full ID)';
COMMENT ON COLUMN medaid.participation_ledger.region IS 'the region of the recipient''s latest applied roster row (SPEC §7)';
COMMENT ON COLUMN medaid.participation_ledger.category IS 'the most favourable category held in the year (the region''s configured order for the year, else the default)';
COMMENT ON COLUMN medaid.participation_ledger.categories IS 'every category held on some day of the year, most favourable first (default order)';
COMMENT ON COLUMN medaid.participation_ledger.held_at_year_end IS 'whether a category is still held on 31 December (false: ended during the year)';
COMMENT ON COLUMN medaid.participation_ledger.enrolled IS 'whether enrollment has a row for the person and year, in any region or scheme, with or without subsidy (SPEC §7)';
COMMENT ON COLUMN medaid.participation_ledger.enrollments IS 'the enrolment rows for the year (more than 1: a duplicate enrolment)';
COMMENT ON COLUMN medaid.participation_ledger.enrollment_region IS 'the insured place of the subsidised enrolment, else the lowest code among the year''s enrolments; NULL when not enrolled';
COMMENT ON COLUMN medaid.participation_ledger.enrolled_on IS 'the first day of enrolment for the year';
COMMENT ON COLUMN medaid.participation_ledger.subsidy_category IS 'the category of the subsidy granted for the year, fixed at enrolment (may differ from category: 33号 §二); NULL when none was granted';
COMMENT ON COLUMN medaid.participation_ledger.subsidy_amount IS 'the subsidy granted for the year, yuan (0 when enrolled without one)';
COMMENT ON COLUMN medaid.participation_ledger.enrolled_elsewhere IS 'some enrolment of the year is outside region (in another county or province); NULL when not enrolled';

CREATE VIEW medaid.suspected_uninsured AS
	SELECT l.year, l.id_number, l.region, l.category, l.categories, l.held_at_year_end
	FROM medaid.participation_ledger l
	WHERE NOT l.enrolled;
COMMENT ON VIEW medaid.suspected_uninsured IS
'the recipients of a year with no enrolment for it: suspected uninsured (疑似未参保), to be checked (20号 §一: 重点加强疑似未参保人员核查)';
COMMENT ON COLUMN medaid.suspected_uninsured.year IS 'the year';
COMMENT ON COLUMN medaid.suspected_uninsured.id_number IS 'the recipient (restricted: full ID)';
COMMENT ON COLUMN medaid.suspected_uninsured.region IS 'the region of the latest applied roster row';
COMMENT ON COLUMN medaid.suspected_uninsured.category IS 'the most favourable category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured.categories IS 'every category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured.held_at_year_end IS 'whether a category is still held on 31 December';

-- Rates per county (the roster region), rolled up by code prefix to the
-- city (4 digits) and the province (2 digits).
CREATE VIEW medaid.participation_rate WITH (security_barrier = true) AS
	SELECT c.year, c.region, c.recipients, c.enrolled,
		   c.enrolled::numeric / c.recipients AS rate,
		   100 * c.enrolled >= 99 * c.recipients AS meets_target,
		   c.level, c.recipients - c.enrolled AS uninsured, n.name AS region_name
	FROM (SELECT l.year, v.level, v.code AS region, count(*) AS recipients,
				 count(*) FILTER (WHERE l.enrolled) AS enrolled
		  FROM medaid.participation_ledger l
		  CROSS JOIN LATERAL (VALUES ('county', l.region), ('city', left(l.region, 4)),
									 ('province', left(l.region, 2))) AS v(level, code)
		  GROUP BY l.year, v.level, v.code) c
	LEFT JOIN medaid.region n ON n.code = rpad(c.region, 6, '0')
	WHERE c.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.participation_rate IS
'the participation rate per region and year (20号 §一: 参保率稳定在99%以上): recipients by the region of their latest applied roster row, those enrolled for the year wherever they enrolled; per county, city (4-digit prefix) and province (2-digit prefix); regions below 99 % flagged; the rows of the caller''s regions (a county sees its own row, a city its row and its counties'')';
COMMENT ON COLUMN medaid.participation_rate.year IS 'the year';
COMMENT ON COLUMN medaid.participation_rate.region IS 'a county (370102), city (3701) or province (37) code';
COMMENT ON COLUMN medaid.participation_rate.recipients IS 'recipients of the year in the region';
COMMENT ON COLUMN medaid.participation_rate.enrolled IS 'of them, those enrolled for the year (anywhere)';
COMMENT ON COLUMN medaid.participation_rate.rate IS 'enrolled / recipients, not rounded';
COMMENT ON COLUMN medaid.participation_rate.meets_target IS 'rate >= 99 % (compared exactly: 100 * enrolled >= 99 * recipients)';
COMMENT ON COLUMN medaid.participation_rate.level IS 'county, city or province';
COMMENT ON COLUMN medaid.participation_rate.uninsured IS 'recipients - enrolled: the suspected uninsured';
COMMENT ON COLUMN medaid.participation_rate.region_name IS 'the name from medaid.region (code padded to 6 digits), NULL when not loaded';

-- Subsidy funds (20号 §一: 资助参保资金足额拨付到位) by the region that grants
-- them (the insured place), year and subsidy category.
CREATE VIEW medaid.subsidy_funds WITH (security_barrier = true) AS
	SELECT e.year, v.code AS region, v.level, e.subsidy_category AS category,
		   count(*) AS enrollments, sum(e.subsidy_amount) AS amount
	FROM medaid.enrollment e
	CROSS JOIN LATERAL (VALUES ('county', e.region), ('city', left(e.region, 4)),
							   ('province', left(e.region, 2))) AS v(level, code)
	WHERE e.subsidy_amount > 0 AND v.code LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
	GROUP BY e.year, v.level, v.code, e.subsidy_category;
COMMENT ON VIEW medaid.subsidy_funds IS
'participation subsidies granted, per insured place (county, city, province), year and subsidy category: the funds to pay before the concentrated payment period ends (20号 §一); the rows of the caller''s regions';
COMMENT ON COLUMN medaid.subsidy_funds.year IS 'the insured year';
COMMENT ON COLUMN medaid.subsidy_funds.region IS 'a county (370102), city (3701) or province (37) code of the insured place';
COMMENT ON COLUMN medaid.subsidy_funds.level IS 'county, city or province';
COMMENT ON COLUMN medaid.subsidy_funds.category IS 'the subsidy category';
COMMENT ON COLUMN medaid.subsidy_funds.enrollments IS 'subsidised enrolments';
COMMENT ON COLUMN medaid.subsidy_funds.amount IS 'their subsidies, yuan';

-------------------------------------------------------------------------------
-- Masked views for analysts (SPEC §6): IDs shown as cnid_mask gives them;
-- full IDs and names only to members of medaid_full_id.  They run as their
-- owner and filter by the caller's regions themselves (security_barrier:
-- a caller's own function in WHERE sees no row the filter drops).
-------------------------------------------------------------------------------

CREATE VIEW medaid.person_masked WITH (security_barrier = true) AS
	SELECT medaid.cnid_mask(p.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN p.id_number END AS id_number,
		   CASE WHEN f.full_id THEN p.name END AS name,
		   medaid.cnid_sex(p.id_number) AS sex,
		   date_part('year', medaid.cnid_birth_date(p.id_number))::integer AS birth_year,
		   p.region
	FROM medaid.person p
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE p.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.person_masked IS 'the register for analysts: masked IDs, sex, birth year, region; full ID and name for members of medaid_full_id; the caller''s regions only';
COMMENT ON COLUMN medaid.person_masked.id_masked IS 'the ID number, masked (cnid_mask)';
COMMENT ON COLUMN medaid.person_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.person_masked.name IS 'the name for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.person_masked.sex IS 'male or female, from the ID number';
COMMENT ON COLUMN medaid.person_masked.birth_year IS 'the year of birth, from the ID number';
COMMENT ON COLUMN medaid.person_masked.region IS 'the region of the latest applied roster row';

CREATE VIEW medaid.settlement_masked WITH (security_barrier = true) AS
	SELECT s.settlement_id, medaid.cnid_mask(s.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN s.id_number END AS id_number,
		   s.settle_date, s.region, s.total, s.fund_paid, s.critical_paid, s.assistance_paid, s.burden, s.reverses
	FROM medaid.settlement s
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE s.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.settlement_masked IS 'settlements for analysts: masked IDs (full for members of medaid_full_id); settlements of the caller''s regions (insured place)';
COMMENT ON COLUMN medaid.settlement_masked.settlement_id IS 'the settlement''s id';
COMMENT ON COLUMN medaid.settlement_masked.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.settlement_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.settlement_masked.settle_date IS 'the settlement date';
COMMENT ON COLUMN medaid.settlement_masked.region IS 'the insured place';
COMMENT ON COLUMN medaid.settlement_masked.total IS 'total cost';
COMMENT ON COLUMN medaid.settlement_masked.fund_paid IS 'basic insurance fund payment';
COMMENT ON COLUMN medaid.settlement_masked.critical_paid IS 'critical-illness insurance payment';
COMMENT ON COLUMN medaid.settlement_masked.assistance_paid IS 'medical-assistance payment';
COMMENT ON COLUMN medaid.settlement_masked.burden IS 'personal burden';
COMMENT ON COLUMN medaid.settlement_masked.reverses IS 'for a reversal, the settlement it negates';

CREATE VIEW medaid.warning_masked WITH (security_barrier = true) AS
	SELECT w.month, medaid.cnid_mask(w.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN w.id_number END AS id_number,
		   w.category, w.annual_burden, w.threshold, w.first_crossed_on, w.is_new, w.province, w.region, w.settlements
	FROM medaid.warning w
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE w.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.warning_masked IS 'the monthly warnings for analysts: masked IDs (full for members of medaid_full_id); warnings of the caller''s regions';
COMMENT ON COLUMN medaid.warning_masked.month IS 'the month (first day)';
COMMENT ON COLUMN medaid.warning_masked.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.warning_masked.category IS 'the category the threshold was chosen by, or ordinary';
COMMENT ON COLUMN medaid.warning_masked.annual_burden IS 'the personal burden of the year through the month';
COMMENT ON COLUMN medaid.warning_masked.threshold IS 'the threshold it crossed';
COMMENT ON COLUMN medaid.warning_masked.first_crossed_on IS 'the day the running burden first crossed it';
COMMENT ON COLUMN medaid.warning_masked.is_new IS 'not warned the month before';
COMMENT ON COLUMN medaid.warning_masked.province IS 'the province of the income baseline';
COMMENT ON COLUMN medaid.warning_masked.region IS 'the insured place of the month''s latest settlement';
COMMENT ON COLUMN medaid.warning_masked.settlements IS 'settlements of the year through the month';

CREATE VIEW medaid.participation_ledger_masked WITH (security_barrier = true) AS
	SELECT l.year, medaid.cnid_mask(l.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN l.id_number END AS id_number,
		   l.region, l.category, l.categories, l.held_at_year_end, l.enrolled, l.enrollments,
		   l.enrollment_region, l.enrolled_on, l.subsidy_category, l.subsidy_amount, l.enrolled_elsewhere
	FROM medaid.participation_ledger l
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE l.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.participation_ledger_masked IS 'the participation ledger for analysts: masked IDs (full for members of medaid_full_id); recipients of the caller''s regions';
COMMENT ON COLUMN medaid.participation_ledger_masked.year IS 'the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.id_masked IS 'the recipient, masked';
COMMENT ON COLUMN medaid.participation_ledger_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.participation_ledger_masked.region IS 'the region of the latest applied roster row';
COMMENT ON COLUMN medaid.participation_ledger_masked.category IS 'the most favourable category held in the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.categories IS 'every category held in the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.held_at_year_end IS 'whether a category is still held on 31 December';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrolled IS 'whether enrolled for the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrollments IS 'the enrolment rows for the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrollment_region IS 'the insured place';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrolled_on IS 'the earliest enrolment date';
COMMENT ON COLUMN medaid.participation_ledger_masked.subsidy_category IS 'the subsidy category granted';
COMMENT ON COLUMN medaid.participation_ledger_masked.subsidy_amount IS 'the subsidy granted';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrolled_elsewhere IS 'enrolled in a region other than the roster''s';

CREATE VIEW medaid.suspected_uninsured_masked WITH (security_barrier = true) AS
	SELECT u.year, medaid.cnid_mask(u.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN u.id_number END AS id_number,
		   u.region, u.category, u.categories, u.held_at_year_end
	FROM medaid.suspected_uninsured u
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE u.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.suspected_uninsured_masked IS 'the suspected uninsured for analysts: masked IDs (full for members of medaid_full_id); recipients of the caller''s regions';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.year IS 'the year';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.id_masked IS 'the recipient, masked';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.region IS 'the region of the latest applied roster row';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.category IS 'the most favourable category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.categories IS 'every category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.held_at_year_end IS 'whether a category is still held on 31 December';

-- configuration changes are audited
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.region
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.category_favourability
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.income_baseline
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.threshold_ratio
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.warning_route
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.resident_contribution
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.subsidy_rule
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();

-------------------------------------------------------------------------------
-- Ownership, row-level security and privileges (SPEC §6).  Order matters:
-- objects change owner before any GRANT, so that pg_init_privs records the
-- final privileges and pg_dump writes no GRANT or REVOKE for them.
-------------------------------------------------------------------------------

DO $owner$
DECLARE
	o record;
BEGIN
	FOR o IN
		SELECT c.oid::regclass AS rel, c.relkind
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'medaid'
		JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objid
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype OPERATOR(pg_catalog.=) 'e'
		  AND c.relkind IN ('r', 'p', 'v', 'S')
	LOOP
		EXECUTE pg_catalog.format('ALTER %s %s OWNER TO medaid_owner',
								  CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, o.rel);
	END LOOP;
	FOR o IN
		SELECT p.oid::regprocedure AS fn
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'medaid'
		JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objid
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype OPERATOR(pg_catalog.=) 'e'
		  AND p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO medaid_owner', o.fn);
	END LOOP;
END
$owner$;

-- Views over personal data that run as their caller, so that the caller's
-- row-level security applies (PostgreSQL 15 and later; on older servers
-- they stay with medaid_admin and medaid_etl, see the grants below).
DO $invoker$
BEGIN
	IF pg_catalog.current_setting('server_version_num')::integer >= 150000 THEN
		ALTER VIEW medaid.roster_outcome SET (security_invoker = true);
		ALTER VIEW medaid.anomaly_queue SET (security_invoker = true);
		ALTER VIEW medaid.settlement_reassessment SET (security_invoker = true);
		ALTER VIEW medaid.warning_pending SET (security_invoker = true);
		ALTER VIEW medaid.warning_city_comparison SET (security_invoker = true);
		ALTER VIEW medaid.warning_follow_up SET (security_invoker = true);
		ALTER VIEW medaid.participation_ledger SET (security_invoker = true);
		ALTER VIEW medaid.suspected_uninsured SET (security_invoker = true);
	END IF;
END
$invoker$;

-- Row-level security, forced (the owner too), on every table that holds ID
-- numbers.  medaid_owner (medaid's own functions), medaid_admin (reading)
-- and medaid_etl see every row; region-limited roles see the rows of their
-- regions: a row's own region, or its person's region in the register.
-- One list of the tables that hold ID numbers, and of those ETL writes
-- (names are constants: no data reaches the dynamic SQL).
DO $rls$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['person', 'category_period', 'roster_staging', 'roster_result', 'roster_change',
			'anomaly_return', 'monthly_review', 'settlement', 'settlement_key', 'settlement_staging',
			'burden_year', 'warning', 'warning_push', 'city_warning', 'enrollment']
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE medaid.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('ALTER TABLE medaid.%I FORCE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('CREATE POLICY owner_all ON medaid.%I TO medaid_owner USING (true) WITH CHECK (true)', t);
		EXECUTE pg_catalog.format('CREATE POLICY admin_read ON medaid.%I FOR SELECT TO medaid_admin USING (true)', t);
	END LOOP;
	-- ETL: INSERT loaders work as a member; COPY needs the role's BYPASSRLS
	FOREACH t IN ARRAY ARRAY['roster_staging', 'category_period', 'settlement', 'settlement_staging', 'warning',
			'warning_push', 'city_warning', 'enrollment']
	LOOP
		EXECUTE pg_catalog.format('CREATE POLICY etl_all ON medaid.%I TO medaid_etl USING (true) WITH CHECK (true)', t);
	END LOOP;
END
$rls$;

-- county staff: the people registered in their regions, and every row
-- placed in their regions or belonging to those people
CREATE POLICY county_read ON medaid.person FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY county_read ON medaid.category_period FOR SELECT TO medaid_county
	USING (id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.roster_change FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY county_read ON medaid.monthly_review FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY county_read ON medaid.settlement FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.settlement_key FOR SELECT TO medaid_county
	USING (EXISTS (SELECT FROM medaid.settlement s
				   WHERE s.settlement_id = settlement_key.settlement_id AND s.settle_date = settlement_key.settle_date));
CREATE POLICY county_read ON medaid.warning FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.city_warning FOR SELECT TO medaid_county
	USING (city LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.enrollment FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));

-- the departments: their own anomaly returns, changes of their own
-- categories, and the warnings pushed to them, in their regions
CREATE POLICY dept_read ON medaid.anomaly_return FOR SELECT TO medaid_civil_affairs
	USING (dept = 'civil_affairs' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read_rural ON medaid.anomaly_return FOR SELECT TO medaid_rural
	USING (dept = 'rural' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read ON medaid.roster_change FOR SELECT TO medaid_civil_affairs
	USING (medaid.category_dept(category) = 'civil_affairs' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read_rural ON medaid.roster_change FOR SELECT TO medaid_rural
	USING (medaid.category_dept(category) = 'rural' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read ON medaid.warning_push FOR SELECT TO medaid_civil_affairs
	USING (dept = 'civil_affairs' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read_rural ON medaid.warning_push FOR SELECT TO medaid_rural
	USING (dept = 'rural' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read ON medaid.warning FOR SELECT TO medaid_civil_affairs, medaid_rural
	USING (EXISTS (SELECT FROM medaid.warning_push p
				   WHERE p.id_number OPERATOR(medaid.=) warning.id_number AND p.month = warning.month));

-- Privileges.  PUBLIC: the schema, the types and the pure functions only.
GRANT USAGE ON SCHEMA medaid TO PUBLIC;
GRANT CREATE ON SCHEMA medaid TO medaid_owner;
-- what reads bytes a caller makes up, or writes, or is a trigger: not PUBLIC
REVOKE EXECUTE ON FUNCTION medaid.burden_state_merge(bytea, bytea), medaid.burden_state_result(bytea, date, numeric),
	medaid.burden_state_region(bytea, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION medaid.burden_state_union(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.burden_state_union(bytea) TO medaid_owner, medaid_admin;
GRANT EXECUTE ON FUNCTION medaid.burden_state_merge(bytea, bytea), medaid.burden_state_result(bytea, date, numeric),
	medaid.burden_state_region(bytea, date) TO medaid_owner, medaid_admin;
REVOKE EXECUTE ON FUNCTION medaid.open_batch(text, date, text), medaid.reconcile(bigint),
	medaid.open_settlement_load(), medaid.load_settlements(bigint), medaid.ensure_settlement_partitions(date, date),
	medaid.run_monthly_warnings(date), medaid.push_warnings(date, text), medaid.rebuild_burden_state(integer),
	medaid.warning_check(date), medaid.mark_reviewed(text, date, text), medaid.settlement_summary(medaid.cnid, date, date),
	medaid.settlement_accept(), medaid.audit_log_purged(), medaid.audit_config_change()
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.open_batch(text, date, text), medaid.reconcile(bigint),
	medaid.open_settlement_load(), medaid.load_settlements(bigint), medaid.ensure_settlement_partitions(date, date),
	medaid.run_monthly_warnings(date), medaid.push_warnings(date, text)
	TO medaid_etl;
GRANT EXECUTE ON FUNCTION medaid.ensure_settlement_partitions(date, date), medaid.rebuild_burden_state(integer),
	medaid.warning_check(date), medaid.settlement_summary(medaid.cnid, date, date)
	TO medaid_admin;
GRANT EXECUTE ON FUNCTION medaid.mark_reviewed(text, date, text) TO medaid_county;
GRANT EXECUTE ON FUNCTION medaid.settlement_summary(medaid.cnid, date, date) TO medaid_civil_affairs;

-- configuration: everyone of medaid reads it, the administrator keeps it
GRANT SELECT ON medaid.region, medaid.category_favourability, medaid.income_baseline, medaid.threshold_ratio,
	medaid.threshold_ratio_effective, medaid.warning_route, medaid.resident_contribution, medaid.subsidy_rule
	TO medaid_admin, medaid_etl, medaid_analyst, medaid_civil_affairs, medaid_rural, medaid_county;
GRANT INSERT, UPDATE, DELETE ON medaid.region, medaid.category_favourability, medaid.income_baseline,
	medaid.threshold_ratio, medaid.warning_route, medaid.resident_contribution, medaid.subsidy_rule,
	medaid.region_access
	TO medaid_admin;
GRANT SELECT ON medaid.region_access, medaid.audit_log TO medaid_admin;
GRANT DELETE ON medaid.audit_log TO medaid_admin;

-- the administrator reads everything (full IDs)
GRANT SELECT ON medaid.batch, medaid.roster_staging, medaid.person, medaid.category_period, medaid.roster_result,
	medaid.roster_change, medaid.anomaly_return, medaid.monthly_review, medaid.settlement, medaid.settlement_key,
	medaid.burden_year, medaid.warning, medaid.warning_run, medaid.warning_push, medaid.city_warning,
	medaid.settlement_load, medaid.settlement_staging, medaid.settlement_rejected, medaid.enrollment,
	medaid.review_status, medaid.participation_rate, medaid.subsidy_funds,
	medaid.person_masked, medaid.settlement_masked, medaid.warning_masked, medaid.participation_ledger_masked,
	medaid.suspected_uninsured_masked
	TO medaid_admin;

-- ETL: loads, and reads what its jobs report
GRANT SELECT ON medaid.batch, medaid.settlement_load, medaid.settlement_rejected, medaid.warning_run,
	medaid.warning, medaid.warning_push, medaid.city_warning, medaid.category_period, medaid.enrollment,
	medaid.roster_staging, medaid.settlement_staging
	TO medaid_etl;
GRANT INSERT, DELETE ON medaid.roster_staging TO medaid_etl;
GRANT INSERT ON medaid.settlement, medaid.settlement_staging, medaid.city_warning TO medaid_etl;
GRANT INSERT, DELETE ON medaid.enrollment TO medaid_etl;
GRANT USAGE ON SEQUENCE medaid.enrollment_id_seq TO medaid_etl;

-- analysts: masked rows and the rates, for their regions
GRANT SELECT ON medaid.person_masked, medaid.settlement_masked, medaid.warning_masked,
	medaid.participation_ledger_masked, medaid.suspected_uninsured_masked,
	medaid.participation_rate, medaid.subsidy_funds, medaid.review_status
	TO medaid_analyst;

-- county staff: their regions' register, settlements, warnings, enrolments;
-- the review
GRANT SELECT ON medaid.batch, medaid.person, medaid.category_period, medaid.roster_change, medaid.monthly_review,
	medaid.settlement, medaid.warning, medaid.city_warning, medaid.enrollment,
	medaid.review_status, medaid.participation_rate, medaid.subsidy_funds
	TO medaid_county;

-- the departments: their returns, changes and pushed warnings
GRANT SELECT ON medaid.anomaly_return, medaid.roster_change, medaid.warning, medaid.warning_push,
	medaid.participation_rate, medaid.review_status
	TO medaid_civil_affairs, medaid_rural;

-- the views that run as their caller (PostgreSQL 15 and later)
DO $grants$
BEGIN
	IF pg_catalog.current_setting('server_version_num')::integer >= 150000 THEN
		GRANT SELECT ON medaid.roster_outcome, medaid.anomaly_queue, medaid.settlement_reassessment, medaid.warning_pending,
			medaid.warning_city_comparison, medaid.warning_follow_up, medaid.participation_ledger, medaid.suspected_uninsured
			TO medaid_admin;
		GRANT SELECT ON medaid.roster_outcome, medaid.warning_pending, medaid.warning_city_comparison TO medaid_etl;
		GRANT SELECT ON medaid.settlement_reassessment, medaid.warning_city_comparison, medaid.warning_follow_up,
			medaid.participation_ledger, medaid.suspected_uninsured
			TO medaid_county;
		GRANT SELECT ON medaid.anomaly_queue TO medaid_civil_affairs, medaid_rural;
	ELSE
		GRANT SELECT ON medaid.roster_outcome, medaid.anomaly_queue, medaid.settlement_reassessment, medaid.warning_pending,
			medaid.warning_city_comparison, medaid.warning_follow_up, medaid.participation_ledger, medaid.suspected_uninsured
			TO medaid_admin;
		GRANT SELECT ON medaid.roster_outcome, medaid.warning_pending, medaid.warning_city_comparison TO medaid_etl;
	END IF;
END
$grants$;
