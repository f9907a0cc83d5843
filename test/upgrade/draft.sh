#!/usr/bin/env bash
# A draft of the upgrade script from the last release to the newest: the
# statements that bring a fresh install of version FROM (default: the
# newest frozen sql/medaid--X.Y.Z.sql) to the newest install script's
# functions and comments.  It prints new and changed functions whole
# (pg_get_functiondef: bodies byte for byte), their owners and privileges,
# functions to drop, and COMMENT ON for every comment that differs; any
# other difference (a table, a column, a view, a policy) it lists as a
# line to write by hand.  Paste what fits into sql/medaid--FROM--NEW.sql,
# write the rest (data conversions above all), and let test/upgrade
# compare the result with a fresh install.  Runs inside a server (PGHOST
# etc. set), with both versions installed (make install).
#
#   test/upgrade/draft.sh [FROM] > /tmp/draft.sql
set -euo pipefail
cd "$(dirname "$0")/../.."
from=${1:-$(ls sql | sed -n 's/^medaid--\([0-9][0-9.]*\)\.sql$/\1/p' | sort -V | tail -1)}
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -d postgres -c 'SET client_min_messages = warning' \
	-c 'DROP DATABASE IF EXISTS medaid_draft_old' -c 'DROP DATABASE IF EXISTS medaid_draft_new' \
	-c 'CREATE DATABASE medaid_draft_old' -c 'CREATE DATABASE medaid_draft_new'
q -d medaid_draft_old -c "CREATE EXTENSION medaid VERSION '$from'"
q -d medaid_draft_new -c 'CREATE EXTENSION medaid'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# what the old version has: its functions (whole definitions, owner,
# privileges) and every member object's comment
q -d medaid_draft_old -c "\\copy (SELECT p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid)), p.proowner::regrole::text, coalesce(p.proacl::text, '') FROM pg_proc p WHERE p.pronamespace = 'medaid'::regnamespace AND p.prokind <> 'a') TO '$tmp/functions'"
cat > "$tmp/comments.sql" <<'SQL'
SELECT i.type, i.identity, coalesce(d.description, '') AS comment
FROM pg_depend x
JOIN pg_extension e ON e.oid = x.refobjid AND e.extname = 'medaid'
CROSS JOIN LATERAL pg_identify_object(x.classid, x.objid, 0) i
LEFT JOIN pg_description d ON d.classoid = x.classid AND d.objoid = x.objid AND d.objsubid = 0
WHERE x.deptype = 'e'
UNION ALL
SELECT CASE c.relkind WHEN 'v' THEN 'view column' ELSE 'table column' END,
	   c.oid::regclass::text || '.' || quote_ident(a.attname), coalesce(col_description(c.oid, a.attnum), '')
FROM pg_depend x
JOIN pg_extension e ON e.oid = x.refobjid AND e.extname = 'medaid'
JOIN pg_class c ON x.classid = 'pg_class'::regclass AND c.oid = x.objid AND c.relkind IN ('r', 'p', 'v')
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE x.deptype = 'e'
SQL
q -d medaid_draft_old -c "\\copy ($(cat "$tmp/comments.sql")) TO '$tmp/comments'"
q -d medaid_draft_new -At <<SQL
CREATE TEMP TABLE old_function (sig text, def_md5 text, owner text, acl text);
CREATE TEMP TABLE old_comment (type text, identity text, comment text);
\\copy old_function FROM '$tmp/functions'
\\copy old_comment FROM '$tmp/comments'
CREATE TEMP VIEW new_function AS
	SELECT p.oid, p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) AS def,
		   p.proowner::regrole::text AS owner, coalesce(p.proacl::text, '') AS acl
	FROM pg_proc p WHERE p.pronamespace = 'medaid'::regnamespace AND p.prokind <> 'a';
SELECT '-- upgrade draft: medaid $from -> ' || extversion FROM pg_extension WHERE extname = 'medaid';
SELECT '-- removed: ' || o.sig || E'\nDROP FUNCTION ' || o.sig || ';'
FROM old_function o WHERE NOT EXISTS (SELECT FROM new_function n WHERE n.sig = o.sig) ORDER BY o.sig;
SELECT CASE WHEN o.sig IS NULL THEN '-- new: ' ELSE '-- changed: ' END || n.sig || E'\n' || n.def || ';'
	   || CASE WHEN o.sig IS NULL OR o.owner <> n.owner THEN E'\nALTER FUNCTION ' || n.sig || ' OWNER TO ' || n.owner || ';' ELSE '' END
	   || CASE WHEN o.sig IS NULL OR o.acl <> n.acl
			   THEN E'\n-- privileges wanted: ' || coalesce(nullif(n.acl, ''), 'the default (PUBLIC may execute)')
					|| E'\nREVOKE ALL ON FUNCTION ' || n.sig || ' FROM PUBLIC;' ELSE '' END
FROM new_function n LEFT JOIN old_function o ON o.sig = n.sig
WHERE o.sig IS NULL OR o.def_md5 <> md5(n.def) OR o.owner <> n.owner OR o.acl <> n.acl
ORDER BY o.sig IS NOT NULL, n.sig;
WITH new_comment AS ($(cat "$tmp/comments.sql"))
SELECT CASE WHEN n.type IN ('function', 'aggregate', 'table', 'view', 'type', 'sequence', 'index', 'trigger', 'policy',
							'table column', 'view column', 'operator', 'operator class', 'cast', 'schema')
			THEN 'COMMENT ON ' || CASE WHEN n.type LIKE '% column' THEN 'COLUMN' ELSE upper(n.type) END || ' '
				 || n.identity || ' IS ' || coalesce(quote_literal(nullif(n.comment, '')), 'NULL') || ';'
			ELSE '-- by hand: the comment of ' || n.type || ' ' || n.identity END
FROM new_comment n LEFT JOIN old_comment o ON o.type = n.type AND o.identity = n.identity
WHERE n.comment <> coalesce(o.comment, '')
ORDER BY n.type, n.identity;
SQL
# the rest of the catalog, compared line by line
q -d medaid_draft_old -f test/support/catalog_snapshot.sql > "$tmp/old.txt"
q -d medaid_draft_new -f test/support/catalog_snapshot.sql > "$tmp/new.txt"
diff "$tmp/old.txt" "$tmp/new.txt" | grep -E '^> ' | grep -vE '^> (function |.* \| comment: )' | sed 's/^> /-- by hand: /' || true
q -d postgres -c 'DROP DATABASE medaid_draft_old' -c 'DROP DATABASE medaid_draft_new'
