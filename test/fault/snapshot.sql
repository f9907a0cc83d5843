-- test/fault/run.sh: a snapshot of everything medaid keeps in a database,
-- one line per item, for diff.  Two parts:
--
--   psql -At -v mode=raw|norm -v part=tables -f this
--     prints one query per table (largest first), which test/fault/run.sh
--     runs in two sessions at once; each prints
--   table <relation> <rows> <hash>  every table of schema medaid (relkind r:
--                                   plain tables and each partition, the
--                                   default one included): the number of
--                                   rows and the sum of the first 60 bits of
--                                   each row's md5 (of its text form), which
--                                   does not depend on the rows' order and
--                                   needs no sort (2 × faster at 400 000
--                                   rows than md5 of the sorted rows).  A
--                                   table created later (audit_log, ...) is
--                                   included as is.
--
--   psql -At -v part=catalog -f this
--   rel <name> <relkind> [bound]    every relation of the schema (tables,
--                                   partitions and their bounds, indexes,
--                                   sequences, views): a partition left
--                                   behind or missing shows here
--   trigger <table> <name> <state>  user triggers and whether enabled
--                                   (ensure_settlement_partitions disables
--                                   the default partition's for a moment)
--   seq <sequence> <last> <called>  every sequence of the schema
--
-- mode=raw: every column as stored.  mode=norm, for comparing two databases
-- that did the same work at different times: columns of the types that
-- record when or in which transaction or from where (timestamp,
-- timestamptz, xid, xid8, pg_lsn, inet, cidr) become "is it NULL".
SELECT :'part' = 'tables' AS tables \gset
\if :tables
SELECT format($q$SELECT 'table %1$s ' || count(*) || ' ' || coalesce(sum(('x' || left(md5(x), 15))::bit(60)::bigint)::text, '-') FROM (SELECT %2$s AS x FROM %3$s t) s;$q$,
			  c.relname,
			  CASE WHEN :'mode' = 'raw' THEN 't::text'
				   ELSE 'ROW(' || (SELECT string_agg(CASE WHEN a.atttypid = ANY ('{timestamp,timestamptz,xid,xid8,pg_lsn,inet,cidr}'::regtype[])
														  THEN format('t.%I IS NULL', a.attname)
														  ELSE format('t.%I', a.attname) END, ', ' ORDER BY a.attnum)
								   FROM pg_attribute a
								   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) || ')::text'
			  END,
			  c.oid::regclass)
FROM pg_class c
WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind = 'r'
ORDER BY pg_relation_size(c.oid) DESC, c.relname COLLATE "C";
\else
SELECT 'rel ' || c.relname || ' ' || c.relkind::text
	   || coalesce(' partition of ' || i.inhparent::regclass::text || ' ' || pg_get_expr(c.relpartbound, c.oid), '')
FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
WHERE c.relnamespace = 'medaid'::regnamespace
ORDER BY c.relname COLLATE "C";
SELECT 'trigger ' || c.relname || ' ' || t.tgname || ' ' || t.tgenabled::text
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'medaid'::regnamespace AND NOT t.tgisinternal
ORDER BY c.relname COLLATE "C", t.tgname COLLATE "C";
SELECT format($q$SELECT 'seq %1$s ' || last_value || ' ' || is_called FROM %2$s$q$, c.relname, c.oid::regclass)
FROM pg_class c
WHERE c.relnamespace = 'medaid'::regnamespace AND c.relkind = 'S'
ORDER BY c.relname COLLATE "C"
\gexec
\endif
