-- The main job on bundled demo data: the ID clean-up of a messy roster,
-- then the rosters of both departments reconciled month by month.  Run by
-- scripts/demo-run from the repository root.  IDs are shown masked.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS medaid;
SET search_path = public, medaid;

-- the county list flags IDs whose address code is unknown (never rejects)
TRUNCATE medaid.region;
\copy medaid.region (code, name, level, parent_code, is_gbt2260) FROM 'data/regions/region.csv' WITH (FORMAT csv, HEADER)

CREATE TEMP TABLE demo_file (row_no int, name text, id_number text, category text,
							 event text, event_date date, region text);
\copy demo_file FROM 'demo/roster_civil_2026-10.csv' WITH (FORMAT csv, HEADER)

\echo
\echo '== 1. ID clean-up of demo/roster_civil_2026-10.csv =='
SELECT outcome, count(*) AS rows
FROM (SELECT CASE
		WHEN NOT cnid_is_valid(id_number) THEN 'rejected: ' || cnid_invalid_reason(id_number)
		WHEN cnid_is_upgraded(id_number) THEN 'valid: upgraded from 15 digits'
		WHEN id_number = cnid_try(id_number)::text THEN 'valid: clean'
		ELSE 'valid: normalised (spaces, hyphens, full-width, x)'
	  END AS outcome FROM demo_file) s
GROUP BY outcome
ORDER BY outcome LIKE 'rejected%', count(*) DESC, outcome;

SELECT count(*) AS rows_read,
	   count(DISTINCT cnid_try(id_number)) AS distinct_people,
	   (SELECT count(*) FROM (SELECT cnid_try(id_number) FROM demo_file WHERE cnid_is_valid(id_number)
							  GROUP BY 1 HAVING bool_or(cnid_is_upgraded(id_number))
							  AND NOT bool_and(cnid_is_upgraded(id_number))) d) AS sent_as_15_and_18,
	   count(DISTINCT cnid_try(id_number)) FILTER (WHERE cnid_county_known(cnid_try(id_number)) = false) AS county_not_in_list
FROM demo_file;

\echo '== 2. reconciliation, batch by batch =='
CREATE TEMP TABLE demo_batches (batch_id bigint, label text);
-- civil affairs, October, delta
SELECT open_batch('civil_affairs', '2026-10-01', 'delta') AS b \gset
INSERT INTO demo_batches VALUES (:b, 'civil affairs 2026-10 delta');
INSERT INTO roster_staging SELECT :b, * FROM demo_file;
-- the end of loading: the file's row count (docs/rules.md §7)
SELECT close_batch(:b, (SELECT count(*) FROM demo_file)) \g /dev/null
SELECT * FROM reconcile(:b) \g /dev/null
-- rural revitalisation, October, delta
TRUNCATE demo_file;
\copy demo_file FROM 'demo/roster_rural_2026-10.csv' WITH (FORMAT csv, HEADER)
SELECT open_batch('rural', '2026-10-01', 'delta') AS b \gset
INSERT INTO demo_batches VALUES (:b, 'rural 2026-10 delta');
INSERT INTO roster_staging SELECT :b, * FROM demo_file;
-- the end of loading: the file's row count (docs/rules.md §7)
SELECT close_batch(:b, (SELECT count(*) FROM demo_file)) \g /dev/null
SELECT * FROM reconcile(:b) \g /dev/null
-- civil affairs, November, snapshot
TRUNCATE demo_file;
\copy demo_file FROM 'demo/roster_civil_2026-11.csv' WITH (FORMAT csv, HEADER)
SELECT open_batch('civil_affairs', '2026-11-01', 'snapshot') AS b \gset
INSERT INTO demo_batches VALUES (:b, 'civil affairs 2026-11 snapshot');
INSERT INTO roster_staging SELECT :b, * FROM demo_file;
-- the end of loading: the file's row count (docs/rules.md §7)
SELECT close_batch(:b, (SELECT count(*) FROM demo_file)) \g /dev/null
SELECT * FROM reconcile(:b) \g /dev/null

SELECT d.label AS batch, b.rows_staged AS rows, b.applied, b.duplicates, b.anomalies,
	   b.exits AS snapshot_exits
FROM demo_batches d JOIN batch b USING (batch_id) ORDER BY b.batch_id;

SELECT o.outcome, o.reason, count(*) AS rows
FROM roster_outcome o JOIN demo_batches d USING (batch_id)
GROUP BY o.outcome, o.reason
ORDER BY array_position(ARRAY['applied', 'duplicate', 'anomaly'], o.outcome), count(*) DESC;

\echo '== 3. anomalies returned to the departments (回传), a sample =='
SELECT dept, count(*) FILTER (WHERE closed_at IS NULL) AS open,
	   count(*) FILTER (WHERE closed_at IS NOT NULL) AS corrected_later
FROM anomaly_queue GROUP BY dept ORDER BY dept;
SELECT DISTINCT ON (reason) dept, batch_id, row_no, reason, id_masked, name
FROM anomaly_queue WHERE closed_at IS NULL ORDER BY reason, batch_id, row_no;

\echo '== 4. the register on 2026-11-30: most favourable category (待遇从优) =='
SELECT coalesce(c::text, '(none: ordinary)') AS category, category_label(c) AS 名称, count(*) AS people
FROM (SELECT category_on(id_number, '2026-11-30') AS c FROM person) s
GROUP BY c ORDER BY c NULLS LAST;
SELECT count(*) AS people_on_both_rosters
FROM (SELECT id_number FROM category_period GROUP BY id_number HAVING count(DISTINCT dept) = 2) s;

\echo '== 5. one person on both rosters: the timeline of the category that applies =='
SELECT cnid_mask(t.id) AS id, x.valid_from, x.valid_to, x.category, category_label(x.category) AS 名称
FROM (SELECT id_number AS id FROM category_period GROUP BY id_number
	  HAVING count(DISTINCT dept) = 2 ORDER BY id_number LIMIT 1) t,
	 category_timeline(t.id) x;

\echo '== 6. monthly review (before the 10th): counties with changes, and overdue =='
SELECT month, count(*) AS counties, sum(adds) AS adds, sum(exits) AS exits, sum(changes) AS changes,
	   count(*) FILTER (WHERE reviewed_at IS NOT NULL) AS reviewed,
	   count(*) FILTER (WHERE overdue) AS overdue
FROM review_status GROUP BY month ORDER BY month;

\echo '== 7. settlements of 2026 and the monthly high-cost warnings (高额费用监测预警) =='
-- a demo figure, not the official statistic: load the real one for real use
INSERT INTO income_baseline (province, year, per_capita_income, source)
VALUES ('37', 2025, 42000.00, 'demo figure');
\copy settlement FROM 'demo/settlements_2026.csv' WITH (FORMAT csv, HEADER)
SELECT ensure_settlement_partitions('2026-01-01', '2026-12-01') AS partitions_made \g /dev/null
SELECT count(*) AS settlements, count(*) FILTER (WHERE reverses IS NOT NULL) AS reversals,
	   count(DISTINCT id_number) AS people, sum(burden) AS personal_burden
FROM settlement;
SELECT m.month_computed AS month, m.people_assessed, m.warned, m.new_warnings, m.continuing
FROM (VALUES (date '2026-10-01'), (date '2026-11-01')) AS v(d), run_monthly_warnings(v.d) m;

SELECT category, threshold, count(*) AS warned, count(*) FILTER (WHERE is_new) AS new
FROM warning WHERE month = '2026-11-01'
GROUP BY category, threshold ORDER BY threshold, category;

\echo '== 8. November''s warnings, largest burdens first (pushed to civil affairs and rural) =='
SELECT cnid_mask(w.id_number) AS id, w.category, w.annual_burden, w.threshold, w.first_crossed_on,
	   CASE WHEN w.is_new THEN 'new' ELSE 'continuing' END AS status, w.region
FROM warning w WHERE w.month = '2026-11-01'
ORDER BY w.annual_burden DESC LIMIT 10;

\echo '== 9. the monthly push to civil affairs and rural revitalisation =='
SELECT 'civil_affairs' AS dept, count(*) AS pushed FROM push_warnings('2026-11-01', 'civil_affairs')
UNION ALL
SELECT 'rural', count(*) FROM push_warnings('2026-11-01', 'rural');
SELECT count(*) AS still_pending FROM warning_pending WHERE month = '2026-11-01';
\i demo/participation.sql
