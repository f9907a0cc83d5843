-- A synthetic province of thousands of people -- messy IDs and names, late
-- rows, people holding categories from both departments, changes and
-- exits, delta and snapshot batches from civil affairs and rural
-- revitalisation -- reconciles batch by batch to exactly the outcomes and
-- timelines of docs/rules.md §7 / docs/reference.md, as computed by an independent,
-- row-by-row reference model (test/support/roster_reference.sql) on the
-- rows of a deterministic generator (test/support/roster_province.sql).
\i test/support/tap_setup.sql
SET datestyle = ISO;
BEGIN;
\i test/support/roster_reference.sql
\i test/support/roster_province.sql
SELECT plan(69);

-- the model applies every snapshot's exits: here no county trips the hold
-- (its March snapshot of civil affairs would, by the defaults; holds are
-- test/sql/held_snapshot.sql's)
INSERT INTO medaid.snapshot_hold_limit (dept, region_prefix, max_share, max_exits)
VALUES ('civil_affairs', '', 1, 0), ('rural', '', 1, 0);

CREATE TEMP TABLE province AS SELECT * FROM medaid_province.generate(people => 3000, seed => 0.2026);

-- everything reconcile writes, as one checksum
CREATE FUNCTION pg_temp.medaid_state() RETURNS text LANGUAGE sql AS $$
	SELECT md5(concat_ws('|',
		(SELECT string_agg(concat_ws(',', p.period_id, p.id_number, p.category, p.valid_from, p.valid_to,
									 p.started_batch_id, p.started_row_no, p.ended_batch_id, p.ended_row_no), ';'
						   ORDER BY p.period_id) FROM medaid.category_period p),
		(SELECT string_agg(concat_ws(',', p.id_number, p.name, p.region, p.first_batch_id, p.first_row_no,
									 p.last_batch_id, p.last_row_no), ';' ORDER BY p.id_number) FROM medaid.person p),
		(SELECT string_agg(concat_ws(',', r.batch_id, r.row_no, r.outcome, r.reason, r.id_number, r.category), ';'
						   ORDER BY r.batch_id, r.row_no) FROM medaid.roster_result r),
		(SELECT string_agg(concat_ws(',', c.batch_id, c.row_no, c.id_number, c.category, c.change,
									 c.effective_date, c.region), ';'
						   ORDER BY c.batch_id, c.row_no, c.id_number, c.category, c.change, c.effective_date)
		 FROM medaid.roster_change c),
		(SELECT string_agg(concat_ws(',', a.batch_id, a.row_no, a.reason, a.closed_at, a.closed_by_batch_id,
									 a.closed_by_row_no), ';' ORDER BY a.batch_id, a.row_no) FROM medaid.anomaly_return a),
		(SELECT string_agg(concat_ws(',', b.batch_id, b.reconciled_at, b.rows_staged, b.applied, b.duplicates,
									 b.anomalies, b.exits), ';' ORDER BY b.batch_id) FROM medaid.batch b)))
$$;

-- medaid's periods and the model's, non-empty ones only, as text rows
CREATE FUNCTION pg_temp.period_diff() RETURNS TABLE (side text, id_number text, category text, valid_from date, valid_to date)
	LANGUAGE sql AS $$
	WITH m AS (
		SELECT p.id_number::text, p.category::text, p.valid_from, p.valid_to FROM medaid.category_period p
		WHERE p.valid_to IS NULL OR p.valid_to > p.valid_from
	), r AS (
		SELECT p.id::text, p.category::text, p.valid_from, p.valid_to FROM medaid_model.period p
		WHERE p.valid_to IS NULL OR p.valid_to > p.valid_from
	)
	(SELECT 'only medaid', * FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM r) x)
	UNION ALL
	(SELECT 'only model', * FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM m) y)
	ORDER BY 2, 3, 4, 1
$$;

-- each batch in order: open, stage, reconcile; the model on the same rows;
-- then reconcile again
CREATE TEMP TABLE run (
	batch_no integer PRIMARY KEY,
	batch_id bigint,
	dept text, period date, mode text,
	m_applied bigint, m_duplicates bigint, m_anomalies bigint, m_exits bigint, m_rows bigint,
	r_applied bigint, r_duplicates bigint, r_anomalies bigint, r_exits bigint, r_rows bigint, r_already boolean,
	r_error text,
	period_diffs bigint, period_examples text,
	again_already boolean, again_same_counts boolean, again_error text,
	state_before text, state_after text,
	medaid_ms numeric, model_ms numeric
);

DO $$
DECLARE
	b medaid_province.batch;
	bid bigint;
	r record;
	m medaid_model.counts;
	t0 timestamptz;
	t1 timestamptz;
	t2 timestamptz;
BEGIN
	FOR b IN SELECT * FROM medaid_province.batch ORDER BY batch_no LOOP
		bid := medaid.open_batch(b.dept, b.period, b.mode);
		INSERT INTO medaid.roster_staging (batch_id, row_no, name, id_number, category, event, event_date, region)
		SELECT bid, s.row_no, s.name, s.id_number, s.category, s.event, s.event_date, s.region
		FROM medaid_province.roster_staging s WHERE s.batch_id = b.batch_no;
		PERFORM medaid.close_batch(bid, (SELECT count(*) FROM medaid_province.roster_staging s WHERE s.batch_id = b.batch_no));
		INSERT INTO run (batch_no, batch_id, dept, period, mode) VALUES (b.batch_no, bid, b.dept, b.period, b.mode);

		t0 := clock_timestamp();
		BEGIN
			SELECT * INTO r FROM medaid.reconcile(bid);
			UPDATE run SET r_applied = r.applied, r_duplicates = r.duplicates, r_anomalies = r.anomalies,
						   r_exits = r.exits, r_rows = r.rows_staged, r_already = r.already_reconciled
			WHERE batch_no = b.batch_no;
		EXCEPTION WHEN OTHERS THEN
			UPDATE run SET r_error = SQLSTATE || ' ' || SQLERRM WHERE batch_no = b.batch_no;
		END;
		t1 := clock_timestamp();
		m := medaid_model.reconcile(bid, b.dept, b.period, b.mode);
		t2 := clock_timestamp();
		UPDATE run SET m_applied = m.applied, m_duplicates = m.duplicates, m_anomalies = m.anomalies,
					   m_exits = m.exits, m_rows = m.rows_staged,
					   medaid_ms = round(extract(epoch FROM t1 - t0) * 1000),
					   model_ms = round(extract(epoch FROM t2 - t1) * 1000)
		WHERE batch_no = b.batch_no;

		UPDATE run SET period_diffs = (SELECT count(*) FROM pg_temp.period_diff()),
					   period_examples = (SELECT string_agg(format('%s: %s %s [%s, %s)', x.side, x.id_number, x.category,
																  x.valid_from, coalesce(x.valid_to::text, '')), E'\n')
										  FROM (SELECT * FROM pg_temp.period_diff() LIMIT 10) x)
		WHERE batch_no = b.batch_no;

		UPDATE run SET state_before = pg_temp.medaid_state() WHERE batch_no = b.batch_no;
		BEGIN
			SELECT * INTO r FROM medaid.reconcile(bid);
			UPDATE run u SET again_already = r.already_reconciled,
							 again_same_counts = (r.applied, r.duplicates, r.anomalies, r.exits, r.rows_staged)
								IS NOT DISTINCT FROM (u.r_applied, u.r_duplicates, u.r_anomalies, u.r_exits, u.r_rows)
			WHERE batch_no = b.batch_no;
		EXCEPTION WHEN OTHERS THEN
			UPDATE run SET again_error = SQLSTATE || ' ' || SQLERRM WHERE batch_no = b.batch_no;
		END;
		UPDATE run SET state_after = pg_temp.medaid_state() WHERE batch_no = b.batch_no;
	END LOOP;
END
$$;

-- every row: what medaid said, what the model said, what was sent, and
-- what the generator meant
CREATE TEMP TABLE verdict AS
SELECT u.batch_no, s.row_no, o.outcome, o.reason, mo.outcome AS m_outcome, mo.reason AS m_reason,
	   (SELECT count(*) FROM medaid.roster_outcome x WHERE x.batch_id = s.batch_id AND x.row_no = s.row_no) AS n_outcomes,
	   s.name, s.id_number, s.category, s.event, s.event_date, s.region, i.intent, i.pid
FROM run u
JOIN medaid.roster_staging s ON s.batch_id = u.batch_id
LEFT JOIN medaid.roster_outcome o ON o.batch_id = s.batch_id AND o.row_no = s.row_no
LEFT JOIN medaid_model.outcome mo ON mo.batch_id = s.batch_id AND mo.row_no = s.row_no
LEFT JOIN medaid_province.row_intent i ON i.batch_id = u.batch_no AND i.row_no = s.row_no;
CREATE INDEX ON verdict (batch_no, pid);
ANALYZE verdict;

CREATE TEMP TABLE disagree AS
SELECT * FROM verdict WHERE (outcome, reason) IS DISTINCT FROM (m_outcome, m_reason);

-- 1. outcomes and reasons, row by row
SELECT ok(x.n = 0, format('batch %s (%s %s %s, %s rows): medaid and the model agree on every row''s outcome and reason (%s disagree)',
						  u.batch_no, u.dept, to_char(u.period, 'YYYY-MM'), u.mode, u.m_rows, x.n))
	   || CASE WHEN x.n > 0 THEN E'\n' || diag(x.examples) ELSE '' END
FROM run u,
	 LATERAL (SELECT count(*) AS n,
					 string_agg(format('row %s: medaid %s/%s, model %s/%s; sent (%s, %s, %s, %s, %s, %s) meant %s',
									   d.row_no, d.outcome, d.reason, d.m_outcome, d.m_reason, d.name, d.id_number,
									   d.category, d.event, d.event_date, d.region, d.intent), E'\n')
						 FILTER (WHERE d.k <= 10) AS examples
			  FROM (SELECT *, row_number() OVER (ORDER BY row_no) AS k FROM disagree WHERE batch_no = u.batch_no) d) x
ORDER BY u.batch_no;

-- 2. exactly one outcome per staged row, and none for rows never staged
SELECT is((SELECT count(*) FROM verdict v WHERE v.batch_no = u.batch_no AND v.n_outcomes <> 1)
		  + (SELECT count(*) FROM medaid.roster_outcome o
			 WHERE o.batch_id = u.batch_id
			   AND NOT EXISTS (SELECT FROM medaid.roster_staging s WHERE s.batch_id = o.batch_id AND s.row_no = o.row_no)),
		  0::bigint, format('batch %s: every staged row has exactly one outcome', u.batch_no))
FROM run u ORDER BY u.batch_no;

-- 3. the counts reconcile returns
SELECT is(format('applied %s, duplicates %s, anomalies %s, exits %s, rows %s, already %s, error %s',
				 u.r_applied, u.r_duplicates, u.r_anomalies, u.r_exits, u.r_rows, u.r_already, u.r_error),
		  format('applied %s, duplicates %s, anomalies %s, exits %s, rows %s, already %s, error %s',
				 u.m_applied, u.m_duplicates, u.m_anomalies, u.m_exits, u.m_rows, false, NULL),
		  format('batch %s: reconcile returns the model''s counts', u.batch_no))
FROM run u ORDER BY u.batch_no;

-- 4. the periods after each batch (empty periods aside)
SELECT ok(u.period_diffs = 0, format('batch %s: after it, medaid''s periods are the model''s (%s differ)', u.batch_no, u.period_diffs))
	   || CASE WHEN u.period_diffs > 0 THEN E'\n' || diag(u.period_examples) ELSE '' END
FROM run u ORDER BY u.batch_no;

-- 5. reconciling the batch again changes nothing
SELECT ok(u.again_already AND u.again_same_counts AND u.again_error IS NULL AND u.state_before = u.state_after,
		  format('batch %s: reconciling it again returns already_reconciled with the same counts and changes nothing', u.batch_no))
	   || CASE WHEN NOT coalesce(u.again_already AND u.again_same_counts AND u.state_before = u.state_after, false)
			   THEN E'\n' || diag(format('already %s, same counts %s, error %s, state unchanged %s',
										 u.again_already, u.again_same_counts, u.again_error, u.state_before = u.state_after))
			   ELSE '' END
FROM run u ORDER BY u.batch_no;

-- after all batches --------------------------------------------------------

SELECT ok((SELECT count(*) FROM pg_temp.period_diff()) = 0,
		  format('after all batches medaid''s %s non-empty periods are the model''s',
				 (SELECT count(*) FROM medaid.category_period WHERE valid_to IS NULL OR valid_to > valid_from)))
	   || coalesce(E'\n' || diag((SELECT string_agg(format('%s: %s %s [%s, %s)', x.side, x.id_number, x.category,
														   x.valid_from, coalesce(x.valid_to::text, '')), E'\n')
								  FROM (SELECT * FROM pg_temp.period_diff() LIMIT 10) x)), '');

CREATE TEMP TABLE register_diff AS
(SELECT 'only medaid' AS side, p.id_number::text AS id, p.name, p.region FROM medaid.person p
 EXCEPT SELECT 'only medaid', m.id::text, m.name, m.region FROM medaid_model.person m)
UNION ALL
(SELECT 'only model', m.id::text, m.name, m.region FROM medaid_model.person m
 EXCEPT SELECT 'only model', p.id_number::text, p.name, p.region FROM medaid.person p);
SELECT ok((SELECT count(*) FROM register_diff) = 0,
		  format('the register agrees: %s people, names of their first applied row, regions of their latest (%s differ)',
				 (SELECT count(*) FROM medaid.person), (SELECT count(*) FROM register_diff)))
	   || coalesce(E'\n' || diag((SELECT string_agg(format('%s: %s %s %s', side, id, name, region), E'\n')
								  FROM (SELECT * FROM register_diff ORDER BY id, side LIMIT 10) x)), '');

-- the change log: one entry per applied row, one per category a snapshot
-- ended by omission
CREATE TEMP TABLE change_diff AS
WITH m AS (SELECT c.batch_id, c.row_no, c.id_number::text AS id, c.category::text, c.change, c.effective_date
		   FROM medaid.roster_change c JOIN run u USING (batch_id)),
r AS (SELECT c.batch_id, c.row_no, c.id::text, c.category::text, c.change, c.effective_date FROM medaid_model.change_log c)
(SELECT 'only medaid' AS side, * FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM r) x)
UNION ALL
(SELECT 'only model', * FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM m) y);
SELECT ok((SELECT count(*) FROM change_diff) = 0,
		  format('roster_change logs every applied row and every snapshot exit with its effective date, as the model does (%s entries, %s differ)',
				 (SELECT count(*) FROM medaid_model.change_log), (SELECT count(*) FROM change_diff)))
	   || coalesce(E'\n' || diag((SELECT string_agg(format('%s: batch %s row %s %s %s %s %s', side, batch_id, row_no, id,
															category, change, effective_date), E'\n')
								  FROM (SELECT * FROM change_diff ORDER BY batch_id, row_no, id LIMIT 10) x)), '');

-- anomalies go back to their department and close when a later batch of
-- that department accepts the person (by ID; by name and region when the
-- ID was not valid), recording a row that does
CREATE TEMP TABLE return_diff AS
WITH m AS (SELECT a.batch_id, a.row_no, a.dept, a.closed_by_batch_id FROM medaid.anomaly_return a JOIN run u USING (batch_id)),
r AS (SELECT a.batch_id, a.row_no, a.dept, a.closed_by_batch_id FROM medaid_model.anomaly_return a)
(SELECT 'only medaid' AS side, * FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM r) x)
UNION ALL
(SELECT 'only model', * FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM m) y)
UNION ALL
SELECT 'closed by a row that does not correct it', a.batch_id, a.row_no, a.dept, a.closed_by_batch_id
FROM medaid.anomaly_return a JOIN run u USING (batch_id)
WHERE a.closed_by_batch_id IS NOT NULL
  AND NOT EXISTS (SELECT FROM medaid.roster_result r
				  JOIN medaid.roster_staging s ON s.batch_id = r.batch_id AND s.row_no = r.row_no
				  JOIN medaid.batch b ON b.batch_id = r.batch_id
				  WHERE r.batch_id = a.closed_by_batch_id AND r.row_no = a.closed_by_row_no
					AND b.dept = a.dept AND r.outcome IN ('applied', 'duplicate')
					AND CASE WHEN a.id_number IS NOT NULL THEN r.id_number = a.id_number
							 ELSE medaid.normalize_name(s.name) = medaid.normalize_name(a.name) AND s.region = a.region END);
SELECT ok((SELECT count(*) FROM return_diff) = 0,
		  format('every anomaly is returned to its department and closed by the batch the model closes it with (%s returns, %s closed, %s differ)',
				 (SELECT count(*) FROM medaid_model.anomaly_return),
				 (SELECT count(*) FROM medaid_model.anomaly_return WHERE closed_by_batch_id IS NOT NULL),
				 (SELECT count(*) FROM return_diff)))
	   || coalesce(E'\n' || diag((SELECT string_agg(format('%s: batch %s row %s %s closed by %s', side, batch_id, row_no, dept,
															closed_by_batch_id), E'\n')
								  FROM (SELECT * FROM return_diff ORDER BY batch_id, row_no LIMIT 10) x)), '');

-- category_on for everyone on dates across the months, and around every
-- date a row of theirs applied
CREATE TEMP TABLE probe AS
SELECT DISTINCT x.id, x.d FROM (
	SELECT p.id, d
	FROM (SELECT id FROM medaid_model.person UNION SELECT id_number FROM medaid.person) p,
		 unnest(ARRAY['2025-08-15', '2025-10-01', '2025-11-20', '2025-12-31', '2026-01-01', '2026-01-10',
					  '2026-01-20', '2026-01-31', '2026-02-01', '2026-02-14', '2026-02-28', '2026-03-01',
					  '2026-03-15', '2026-03-31', '2026-04-01', '2026-04-15', '2026-04-30', '2026-05-01',
					  '2026-05-31', '2026-06-01', '2026-06-15', '2026-06-30', '2026-07-01', '2027-01-01']::date[]) d
	UNION ALL
	SELECT r.id_number, v.d + k
	FROM medaid.roster_result r
	JOIN run u ON u.batch_id = r.batch_id
	JOIN medaid.roster_staging s ON s.batch_id = r.batch_id AND s.row_no = r.row_no,
		 LATERAL (SELECT coalesce(s.event_date, u.period) AS d) v,
		 generate_series(-1, 1) k
	WHERE r.outcome = 'applied'
) x;
CREATE TEMP TABLE on_diff AS
SELECT id::text AS id, d, medaid.category_on(id, d)::text AS got, medaid_model.category_on(id, d)::text AS want
FROM probe;
DELETE FROM on_diff WHERE got IS NOT DISTINCT FROM want;
SELECT ok((SELECT count(*) FROM on_diff) = 0,
		  format('category_on agrees with the model on %s (person, day) pairs, %s of them with a category (%s differ)',
				 (SELECT count(*) FROM probe),
				 (SELECT count(*) FROM probe WHERE medaid_model.category_on(id, d) IS NOT NULL),
				 (SELECT count(*) FROM on_diff)))
	   || coalesce(E'\n' || diag((SELECT string_agg(format('%s on %s: medaid %s, model %s', id, d, got, want), E'\n')
								  FROM (SELECT * FROM on_diff ORDER BY id, d LIMIT 10) x)), '');

-- the whole timeline of every person
CREATE TEMP TABLE timeline_diff AS
WITH ids AS (SELECT id FROM medaid_model.person UNION SELECT id_number FROM medaid.person),
m AS (SELECT i.id::text, t.valid_from, t.valid_to, t.category::text FROM ids i, medaid.category_timeline(i.id) t),
r AS (SELECT i.id::text, t.valid_from, t.valid_to, t.category::text FROM ids i, medaid_model.timeline(i.id) t)
(SELECT 'only medaid' AS side, * FROM (SELECT * FROM m EXCEPT ALL SELECT * FROM r) x)
UNION ALL
(SELECT 'only model', * FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM m) y);
SELECT ok((SELECT count(*) FROM timeline_diff) = 0,
		  format('category_timeline agrees with the model for every person (%s differ)', (SELECT count(*) FROM timeline_diff)))
	   || coalesce(E'\n' || diag((SELECT string_agg(format('%s: %s %s [%s, %s)', side, id, category, valid_from,
															coalesce(valid_to::text, '')), E'\n')
								  FROM (SELECT * FROM timeline_diff ORDER BY id, valid_from, side LIMIT 10) x)), '');

-- every batch reconciled again at the end: still nothing changes
CREATE TEMP TABLE again AS SELECT pg_temp.medaid_state() AS before;
CREATE TEMP TABLE again_results AS
SELECT u.batch_no, r.* FROM run u, medaid.reconcile(u.batch_id) r ORDER BY u.batch_no;
SELECT ok((SELECT bool_and(already_reconciled) FROM again_results)
		  AND (SELECT count(*) FROM again_results) = (SELECT count(*) FROM run)
		  AND (SELECT before FROM again) = pg_temp.medaid_state(),
		  'after all batches, reconciling each one again returns already_reconciled and changes nothing');

SELECT is((SELECT count(*) FROM medaid.snapshot_hold), 0::bigint, 'no snapshot of the province was held');

-- the test is not vacuous -------------------------------------------------

SELECT ok((SELECT persons FROM province) >= 3000 AND (SELECT staged_rows FROM province) BETWEEN 10000 AND 20000
		  AND (SELECT count(DISTINCT (dept, mode)) FROM run) = 4,
		  format('the province: %s people, %s rows in %s batches, delta and snapshot from both departments',
				 (SELECT persons FROM province), (SELECT staged_rows FROM province), (SELECT batches FROM province)));

CREATE TEMP TABLE reasons_doc (reason text);
INSERT INTO reasons_doc VALUES
	('add'), ('exit'), ('change'), ('already_active'), ('not_active'), ('unchanged'), ('duplicate_row'),
	('name_mismatch'), ('exit_never_held'), ('missing_name'), ('id_missing'), ('id_empty'),
	('id_bad_character'), ('id_length'), ('id_province'), ('id_birth_date'), ('id_future_birth_date'),
	('id_check_character'), ('missing_category'), ('unknown_category'), ('category_wrong_department'),
	('missing_event'), ('unknown_event'), ('event_in_snapshot'), ('missing_date'), ('date_after_period'),
	('date_before_birth'), ('missing_region'), ('invalid_region');
SELECT is((SELECT array_agg(reason ORDER BY reason) FROM reasons_doc
		   WHERE reason NOT IN (SELECT o.reason FROM medaid.roster_outcome o JOIN run u USING (batch_id))),
		  NULL, 'medaid gave every reason code of the reference on this province');
SELECT is((SELECT array_agg(reason ORDER BY reason) FROM reasons_doc
		   WHERE reason NOT IN (SELECT reason FROM medaid_model.outcome)),
		  NULL, 'the model gave every reason code of the reference on this province');
SELECT is((SELECT array_agg(DISTINCT o.reason) FROM medaid.roster_outcome o JOIN run u USING (batch_id)
		   WHERE o.reason NOT IN (SELECT reason FROM reasons_doc)),
		  NULL, 'medaid gave no reason code the reference does not list');

CREATE TEMP TABLE exercised AS
SELECT what, count(*) AS n FROM medaid_model.scenario GROUP BY what
UNION ALL
SELECT 'person holding categories of both departments on one day', count(DISTINCT a.id)
FROM medaid_model.period a JOIN medaid_model.period b ON a.id = b.id
WHERE medaid.category_dept(a.category) = 'civil_affairs' AND medaid.category_dept(b.category) = 'rural'
  AND a.valid_from < coalesce(b.valid_to, 'infinity') AND b.valid_from < coalesce(a.valid_to, 'infinity')
  AND a.valid_from < coalesce(a.valid_to, 'infinity') AND b.valid_from < coalesce(b.valid_to, 'infinity')
UNION ALL
SELECT 'person holding two categories of one department on one day', count(DISTINCT a.id)
FROM medaid_model.period a JOIN medaid_model.period b ON a.id = b.id AND a.category < b.category
WHERE medaid.category_dept(a.category) = medaid.category_dept(b.category)
  AND a.valid_from < coalesce(b.valid_to, 'infinity') AND b.valid_from < coalesce(a.valid_to, 'infinity')
UNION ALL
SELECT 'applied row with a 15-digit ID', count(*) FROM verdict
WHERE outcome = 'applied' AND length(id_number) = 15
UNION ALL
SELECT 'applied row with a full-width, spaced or hyphenated ID', count(*) FROM verdict
WHERE outcome = 'applied' AND id_number !~ '^[0-9]{17}[0-9X]$' AND length(id_number) <> 15
UNION ALL
SELECT 'applied row with a name that normalising changed', count(*) FROM verdict
WHERE outcome = 'applied' AND name <> medaid.normalize_name(name)
UNION ALL
SELECT 'applied row with a Chinese category name', count(*) FROM verdict
WHERE outcome = 'applied' AND category ~ '[^a-zA-Z_ ]'
UNION ALL
SELECT 'exact copy of a row', count(*) FROM verdict WHERE intent LIKE '%/copy'
UNION ALL
SELECT 'row numbers out of date order', count(*) FROM verdict a
WHERE EXISTS (SELECT FROM verdict b WHERE b.batch_no = a.batch_no AND b.pid = a.pid
			  AND b.row_no < a.row_no AND b.event_date > a.event_date);
SELECT is((SELECT array_agg(w ORDER BY w) FROM unnest(ARRAY[
			'late_row_applied', 'clipped_before_later_period', 'change_ended_other', 'change_to_held_category',
			'period_ended_on_its_first_day', 'snapshot_all_anomalies_kept', 'snapshot_omitted_person',
			'snapshot_omitted_one_of_several', 'snapshot_omitted_beside_anomaly_rows', 'region_moved',
			'same_key_as_an_earlier_exit_never_held', 'same_key_as_an_earlier_spoilt_row',
			'person holding categories of both departments on one day',
			'person holding two categories of one department on one day',
			'applied row with a 15-digit ID', 'applied row with a full-width, spaced or hyphenated ID',
			'applied row with a name that normalising changed', 'applied row with a Chinese category name',
			'exact copy of a row', 'row numbers out of date order']) w
		   WHERE NOT EXISTS (SELECT FROM exercised e WHERE e.what = w AND e.n >= 5)),
		  NULL, 'the province exercised every scenario at least 5 times: '
				|| (SELECT string_agg(format('%s %s', what, n), ', ' ORDER BY what) FROM exercised WHERE what <> 'unspecified'));
SELECT is((SELECT count(*) FROM medaid_model.scenario WHERE what = 'unspecified'), 0::bigint,
		  'the province never met a case the rules leave open');

SELECT diag(format('batch %s %s %s %s: %s rows; medaid %s ms, model %s ms',
				   batch_no, dept, to_char(period, 'YYYY-MM'), mode, m_rows, medaid_ms, model_ms))
FROM run ORDER BY batch_no;

SELECT * FROM finish();
ROLLBACK;
