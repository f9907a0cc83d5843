-- The installed catalog: the public names of docs/rules.md §8 that exist so far, a
-- comment on every object, volatility labelled honestly, configuration
-- tables registered for pg_dump.
\i test/support/tap_setup.sql
BEGIN;
SELECT plan(28);

SELECT has_schema('medaid');
SELECT has_type('medaid', 'cnid', 'type cnid');
SELECT is((SELECT typlen::int FROM pg_type WHERE oid = 'medaid.cnid'::regtype), 8, 'cnid is 8 bytes');
SELECT ok((SELECT typbyval FROM pg_type WHERE oid = 'medaid.cnid'::regtype), 'cnid is passed by value');
SELECT has_function('medaid', 'cnid_check', ARRAY['text']);
SELECT has_function('medaid', 'cnid_birth_date', ARRAY['medaid.cnid']);
SELECT has_function('medaid', 'cnid_sex', ARRAY['medaid.cnid']);
SELECT has_function('medaid', 'cnid_region', ARRAY['medaid.cnid']);
SELECT has_function('medaid', 'cnid_mask', ARRAY['medaid.cnid']);
SELECT has_function('medaid', 'cnid_age', ARRAY['medaid.cnid', 'date']);
SELECT has_function('medaid', 'normalize_name', ARRAY['text']);
SELECT has_table('medaid', 'region', 'table region');

-- every member object a user can see carries a comment
CREATE TEMP VIEW members AS
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS object,
	   obj_description(d.objid, d.classid::regclass::name) AS comment
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'medaid'
WHERE d.deptype = 'e'
  AND d.classid::regclass::text IN ('pg_proc', 'pg_type', 'pg_class', 'pg_operator',
									'pg_opclass', 'pg_opfamily', 'pg_cast')
  AND NOT (d.classid = 'pg_type'::regclass
		   AND EXISTS (SELECT FROM pg_type t WHERE t.oid = d.objid
					   AND (t.typelem <> 0 AND t.typlen = -1 OR t.typrelid <> 0)))
  AND NOT (d.classid = 'pg_class'::regclass
		   AND EXISTS (SELECT FROM pg_class c WHERE c.oid = d.objid AND c.relkind IN ('i', 'S', 't')));
SELECT is_empty('SELECT object FROM members WHERE comment IS NULL', 'every object has a COMMENT');

-- every column of every table and view carries a comment
SELECT is_empty($$
	SELECT c.relname || '.' || a.attname
	FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
	WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'v', 'p', 'm') AND NOT c.relispartition
	  AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL$$,
	'every column has a COMMENT (partitions take their parent''s)');

-- nothing that reads a table is IMMUTABLE; everything is parallel safe
-- unless it writes
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.provolatile = 'i'
	  AND p.prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('sql', 'plpgsql'))
	  AND EXISTS (SELECT FROM pg_class c
				  WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'v', 'p', 'm')
					AND p.prosrc ~ ('\m' || c.relname || '\M'))$$,
	'no IMMUTABLE function reads a table');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.proparallel <> 's'
	  AND p.provolatile <> 'v'$$,
	'every non-volatile function is PARALLEL SAFE');
SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'medaid.cnid_in(cstring)'::regprocedure), 's'::"char",
		  'cnid input is STABLE (birth dates after today are refused)');
SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'medaid.cnid_check(text)'::regprocedure), 's'::"char",
		  'cnid_check is STABLE');
SELECT ok((SELECT NOT proisstrict FROM pg_proc WHERE oid = 'medaid.cnid_check(text)'::regprocedure),
		  'cnid_check takes NULL (reason missing)');

-- configuration tables are kept by pg_dump
SELECT is_empty($$
	SELECT c.relname FROM pg_class c
	WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'S')
	  AND c.oid <> ALL ((SELECT extconfig FROM pg_extension WHERE extname = 'medaid')::oid[])$$,
	'every table (partitioned tables: their partitions) and sequence of medaid is registered with pg_extension_config_dump, so pg_dump keeps its rows');

-- and the install script puts no rows in them: a restore would collide
SELECT is_empty($$
	SELECT c.relname FROM pg_class c
	WHERE c.oid = ANY ((SELECT extconfig FROM pg_extension WHERE extname = 'medaid')::oid[])
	  AND c.relkind IN ('r', 'p')
	  AND (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text::int > 0$$,
	'a fresh install leaves every table kept by pg_dump empty');

-- security (docs/rules.md §6): definer functions pinned and owned by medaid_owner,
-- personal data under forced row-level security, nothing for PUBLIC
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.prosecdef
	  AND NOT ('search_path=pg_catalog, pg_temp' = ANY (coalesce(p.proconfig, '{}')))$$,
	'every SECURITY DEFINER function pins search_path = pg_catalog, pg_temp');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.prosecdef AND p.proowner <> 'medaid_owner'::regrole$$,
	'every SECURITY DEFINER function is owned by medaid_owner, never by a superuser');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text FROM pg_proc p
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
	  AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')$$,
	'every PL/pgSQL function pins its search_path');
SELECT is_empty($$
	SELECT c.relname FROM pg_class c
	WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
	  AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
				  AND (a.atttypid = 'medaid.cnid'::regtype OR a.attname = 'id_number'))
	  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)$$,
	'every table that holds ID numbers has forced row-level security');
SELECT is_empty($$
	SELECT c.relname FROM pg_class c
	WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S')
	  AND c.relowner <> 'medaid_owner'::regrole
	  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')$$,
	'medaid_owner owns every table, view and sequence (partitions made later too)');
SELECT is_empty($$
	SELECT c.relname FROM pg_class c, aclexplode(c.relacl) a
	WHERE c.relnamespace = 'medaid'::regnamespace AND a.grantee = 0$$,
	'PUBLIC holds no privilege on any medaid table, view or sequence');
SELECT is_empty($$
	SELECT p.oid::regprocedure::text || ' to ' || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
	FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
	WHERE p.pronamespace = 'medaid'::regnamespace AND p.proname LIKE 'reconcile\_%'
	  AND (a.grantee <> p.proowner OR p.proowner <> 'medaid_owner'::regrole)$$,
	'reconcile''s steps are owned by medaid_owner and granted to no one, PUBLIC neither');

SELECT * FROM finish();
ROLLBACK;
