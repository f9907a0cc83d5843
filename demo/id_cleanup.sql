-- The main job on bundled demo data (for now: the ID clean-up of a messy
-- civil-affairs roster).  Run by scripts/demo-run from the repository root.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS medaid;
SET search_path = public, medaid;

-- the county list flags IDs whose address code is unknown (never rejects)
TRUNCATE medaid.region;
\copy medaid.region (code, name, level, parent_code, is_gbt2260) FROM 'data/regions/region.csv' WITH (FORMAT csv, HEADER)

DROP TABLE IF EXISTS demo_roster;
CREATE TABLE demo_roster (row_no int, name text, id_number text, category text,
						  event text, event_date date, region text);
\copy demo_roster FROM 'demo/roster_messy.csv' WITH (FORMAT csv, HEADER)

DROP TABLE IF EXISTS demo_checked;
CREATE TABLE demo_checked AS
SELECT r.row_no, normalize_name(r.name) AS name, r.id_number AS raw, c.*
FROM demo_roster r, cnid_check(r.id_number) c;

\echo
\echo '== ID clean-up of demo/roster_messy.csv (IDs shown masked) =='
SELECT outcome, count(*) AS rows
FROM (SELECT CASE
		WHEN NOT ok THEN 'rejected: ' || reason
		WHEN upgraded THEN 'valid: upgraded from 15 digits'
		WHEN raw = id::text THEN 'valid: clean'
		ELSE 'valid: normalised (spaces, hyphens, full-width, x)'
	  END AS outcome FROM demo_checked) s
GROUP BY outcome
ORDER BY outcome LIKE 'rejected%', count(*) DESC, outcome;

\echo '== people and duplicates =='
SELECT (SELECT count(*) FROM demo_checked) AS rows_read,
	   (SELECT count(*) FROM demo_checked WHERE ok) AS valid_rows,
	   (SELECT count(DISTINCT id) FROM demo_checked WHERE ok) AS distinct_people,
	   (SELECT count(*) FROM (SELECT id FROM demo_checked WHERE ok GROUP BY id HAVING count(*) > 1) d) AS ids_sent_twice,
	   (SELECT count(*) FROM (SELECT id FROM demo_checked WHERE ok GROUP BY id
							  HAVING bool_or(upgraded) AND NOT bool_and(upgraded)) d) AS sent_as_15_and_18,
	   (SELECT count(*) FROM (SELECT id FROM demo_checked WHERE ok GROUP BY id
							  HAVING count(DISTINCT name) > 1) d) AS same_id_other_name,
	   (SELECT count(DISTINCT id) FROM demo_checked WHERE ok AND cnid_county_known(id) = false) AS county_not_in_list;

\echo '== the same ID under two names (for the department to check) =='
SELECT cnid_mask(id) AS id, string_agg(DISTINCT name, ' / ') AS names,
	   string_agg(row_no::text, ',' ORDER BY row_no) AS rows
FROM demo_checked WHERE ok
GROUP BY id HAVING count(DISTINCT name) > 1
ORDER BY min(row_no);

\echo '== rejected rows, one of each reason =='
SELECT DISTINCT ON (reason) row_no, cnid_mask(raw) AS id_as_sent, reason, detail
FROM demo_checked WHERE NOT ok
ORDER BY reason, row_no;

\echo '== names that differ only in spaces, width or middle dots, matched after normalising =='
SELECT count(*) FILTER (WHERE r.name <> c.name) AS names_changed_by_normalising,
	   count(*) FILTER (WHERE r.name <> c.name AND c.name LIKE '%·%') AS of_which_middle_dots
FROM demo_roster r JOIN demo_checked c USING (row_no);
