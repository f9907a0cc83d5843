-------------------------------------------------------------------------------
-- Reconciliation of a batch (33号 §一-§三): every staged row judged once,
-- applied, duplicate or anomaly, and the anomalies returned to the department
-------------------------------------------------------------------------------

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
