-- A sorted description of every object of the medaid extension, used to
-- compare a fresh install with one reached through the upgrade chain.
\pset format unaligned
\pset tuples_only on
WITH members AS (
	SELECT d.classid, d.objid, d.objsubid
	FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
	WHERE e.extname = 'medaid' AND d.deptype = 'e'
)
SELECT line FROM (
	SELECT pg_describe_object(classid, objid, objsubid)
		   || ' | comment: ' || coalesce(obj_description(objid, classid::regclass::name), '-') AS line
	FROM members
	UNION ALL
	SELECT 'function ' || p.oid::regprocedure || ' | returns ' || pg_get_function_result(p.oid)
		   || ' | args ' || pg_get_function_arguments(p.oid)
		   || ' | ' || p.provolatile::text || p.proparallel::text || CASE WHEN p.proisstrict THEN ' strict' ELSE '' END
		   || CASE WHEN p.prosecdef THEN ' definer' ELSE '' END
		   || CASE WHEN p.proleakproof THEN ' leakproof' ELSE '' END
		   || ' | config ' || coalesce(array_to_string(p.proconfig, ','), '-')
		   || ' | acl ' || coalesce(p.proacl::text, '-')
		   || ' | ' || md5(p.prosrc)
	FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	UNION ALL
	SELECT 'column ' || c.oid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
		   || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
		   || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
		   || CASE WHEN a.attstattarget >= 0 THEN ' statistics ' || a.attstattarget ELSE '' END
		   || ' | comment: ' || coalesce(col_description(c.oid, a.attnum), '-')
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
	UNION ALL
	SELECT 'constraint ' || con.conrelid::regclass || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
	FROM members m JOIN pg_constraint con ON m.classid = 'pg_class'::regclass AND con.conrelid = m.objid
	UNION ALL
	SELECT 'index ' || pg_get_indexdef(i.indexrelid)
		   || coalesce(' | statistics ' || (SELECT string_agg(a.attnum || ':' || a.attstattarget, ',' ORDER BY a.attnum)
											FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0), '')
	FROM members m JOIN pg_index i ON m.classid = 'pg_class'::regclass AND i.indrelid = m.objid
	UNION ALL
	-- settlement's monthly partitions are made by ensure_settlement_partitions,
	-- not members: their indexes, triggers and statistics as well
	SELECT 'partition ' || c.oid::regclass || ' ' || pg_get_expr(c.relpartbound, c.oid)
		   || ' | ' || coalesce((SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY 1)
								 FROM pg_index i WHERE i.indrelid = c.oid), '-')
		   || ' | ' || coalesce((SELECT string_agg(pg_get_triggerdef(t.oid), '; ' ORDER BY 1)
								 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '-')
		   || ' | ' || coalesce((SELECT string_agg(a.attname || ':' || a.attstattarget, ',' ORDER BY a.attnum)
								 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attstattarget >= 0), '-')
	FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
	WHERE h.inhparent = 'medaid.settlement'::regclass
	UNION ALL
	SELECT 'view ' || c.oid::regclass || ' ' || md5(pg_get_viewdef(c.oid))
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid AND c.relkind IN ('v', 'm')
	UNION ALL
	SELECT 'relation ' || c.oid::regclass || ' kind ' || c.relkind::text || ' rls ' || c.relrowsecurity || c.relforcerowsecurity
		   || ' acl ' || coalesce(c.relacl::text, '-') || ' options ' || coalesce(c.reloptions::text, '-')
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	UNION ALL
	SELECT 'policy ' || pol.polrelid::regclass || ' ' || pol.polname || ' ' || pol.polcmd::text
		   || ' ' || coalesce(pg_get_expr(pol.polqual, pol.polrelid), '-')
		   || ' ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '-')
	FROM members m JOIN pg_policy pol ON m.classid = 'pg_class'::regclass AND pol.polrelid = m.objid
	UNION ALL
	SELECT 'trigger ' || pg_get_triggerdef(t.oid)
	FROM members m JOIN pg_trigger t ON m.classid = 'pg_class'::regclass AND t.tgrelid = m.objid AND NOT t.tgisinternal
	UNION ALL
	SELECT 'config ' || x::regclass || ' ' || coalesce(cond, '')
	FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(x, cond)
	WHERE e.extname = 'medaid'
) s
ORDER BY line;
