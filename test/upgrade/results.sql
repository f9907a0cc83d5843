-- Every row of every table and view of the extension, as text, sorted:
-- what an upgraded database and a fresh install must agree on.  Columns
-- of a time (when a row was made) are shown only as whether they are set;
-- audit_log's jsonb columns are left out with them (they carry durations).
-- So is how warning_run computed a month: the first run after an upgrade
-- is full by design (warning_config_digest holds the extension version),
-- where the fresh install's is incremental; what it computed must agree.
-- And the audit of October's close_batch: a fresh install closes October's
-- batches with close_batch (audited), an upgrade from 0.1.0 counts its
-- reconciled batches as closed (no audit row), so audit_log leaves out
-- October's close_batch rows and its ids (which those rows shift).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SELECT pg_catalog.format(
	'SELECT %L || '' '' || t FROM (SELECT (%s)::text AS t FROM %s %s) s ORDER BY 1',
	c.oid::regclass::text,
	'ROW(' || string_agg(
		CASE WHEN a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'interval'::regtype)
				  OR (c.relname = 'audit_log' AND a.atttypid = 'jsonb'::regtype)
			 THEN pg_catalog.format('%I IS NULL', a.attname)
			 WHEN c.relname = 'audit_log' AND a.attname = 'audit_id'
			 THEN '''-'''
			 WHEN c.relname = 'warning_run'
				  AND a.attname IN ('mode', 'base_run_id', 'people_assessed', 'carried', 'config_digest')
			 THEN '''-'''
			 ELSE pg_catalog.quote_ident(a.attname) END, ', ' ORDER BY a.attnum) || ')',
	c.oid::regclass,
	CASE WHEN c.relname = 'audit_log' THEN 'WHERE NOT (action = ''close_batch'' AND month < ''2026-11-01'')' ELSE '' END)
FROM pg_catalog.pg_depend d
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'medaid'
JOIN pg_catalog.pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE d.deptype = 'e' AND c.relkind IN ('r', 'p', 'v')
GROUP BY c.oid
ORDER BY c.oid::regclass::text
\gexec
