-------------------------------------------------------------------------------
-- Reconciliation of a batch (33号 §一-§三): every staged row judged once,
-- applied, duplicate or anomaly, and the anomalies returned to the department
--
-- medaid.reconcile checks the batch, locks, and runs its steps in order, in
-- the caller's transaction (all or nothing):
--   reconcile_judge           judges every staged row: normalises it, sets
--                             aside missing, invalid and false records
--                             (rule 1, 去假: reconcile_judge_fields, into
--                             pg_temp.medaid_judge_fields) and names that
--                             do not match (rule 2); in a snapshot also
--                             further rows of one person and category
--                             (rule 4, 剔重) and rows for categories
--                             already held (unchanged)
--   reconcile_apply_delta     applies a delta batch's events in order of
--                             date and row; reconcile_delta_event judges
--                             each against the register as the earlier
--                             ones left it, and ends what it ends
--   reconcile_apply_snapshot  applies a snapshot: ends the categories it
--                             omits, starts those not held (a change of
--                             category is both); holds the exits instead of
--                             applying them when the snapshot would empty
--                             a roster (reconcile_snapshot_hold, in
--                             06_snapshot_holds)
--   reconcile_record          records: the outcomes, the anomaly returns
--                             (回传) opened and closed, the counts on the
--                             batch, the audit log
-- The rules are numbered as in docs/reference.md ("Judging a row").  The
-- steps hand the judged rows on in the temporary table pg_temp.medaid_judged
-- (one row per staged row with its outcome and reason, NULL while it is to
-- be applied), which reconcile_judge creates and reconcile_record drops.
-- They are SECURITY INVOKER and run only from reconcile, as medaid_owner:
-- nobody else may execute them (16_privileges).
-------------------------------------------------------------------------------

CREATE FUNCTION medaid.reconcile(batch_id bigint,
		OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint,
		OUT exits bigint, OUT rows_staged bigint, OUT already_reconciled boolean)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
BEGIN
	-- waits for a close_batch or reconcile of the batch still running; in
	-- REPEATABLE READ or SERIALIZABLE a batch closed since the snapshot
	-- cannot be locked: refuse, saying how to run it
	BEGIN
		SELECT * INTO b FROM medaid.batch x WHERE x.batch_id = reconcile.batch_id FOR UPDATE;
	EXCEPTION WHEN serialization_failure THEN
		RAISE EXCEPTION 'batch % changed after this transaction''s snapshot', reconcile.batch_id
			USING ERRCODE = 'serialization_failure',
				  DETAIL = format('The batch was closed or reconciled since the snapshot of this %s transaction was taken; its rows as this snapshot sees them may not be all of them. Nothing was changed.',
								  current_setting('transaction_isolation')),
				  HINT = 'Run reconcile in its own READ COMMITTED transaction.';
	END;
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
	IF b.loading_ended_at IS NULL THEN
		RAISE EXCEPTION 'batch % is not closed for loading', b.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'A batch is judged only once its loading has ended, and only as a whole (docs/rules.md §7): rows still to come would be judged missing, and a snapshot would end their categories.',
				  HINT = format('When every row of the department''s file is loaded: SELECT medaid.close_batch(%s, <rows the file declares>);', b.batch_id);
	END IF;
	-- one reconciliation at a time: batches apply in the order they are reconciled
	PERFORM pg_advisory_xact_lock(hashtext('medaid.reconcile'));

	rows_staged := medaid.reconcile_judge(b.batch_id);
	-- exactly the rows close_batch counted, or nothing: a snapshot older
	-- than the close misses rows (and a superuser may have changed some)
	IF rows_staged <> b.rows_loaded AND current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'batch % was closed with % rows, but reconcile sees %', b.batch_id, b.rows_loaded, rows_staged
			USING ERRCODE = 'serialization_failure',
				  DETAIL = format('This %s transaction sees %s rows of the batch, close_batch counted %s; judging part of a batch would end the categories of people it does not see. Nothing was changed.',
								  current_setting('transaction_isolation'), rows_staged, b.rows_loaded),
				  HINT = 'Run reconcile in its own READ COMMITTED transaction.';
	ELSIF rows_staged <> b.rows_loaded THEN
		RAISE EXCEPTION 'batch % was closed with % rows, but reconcile sees %', b.batch_id, b.rows_loaded, rows_staged
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Rows of the batch were added or removed after close_batch counted them (only a superuser can); judging other rows than the counted ones could end the categories of people the file names. Nothing was changed.',
				  HINT = 'Open a new batch with medaid.open_batch for the department''s file.';
	END IF;
	IF b.mode = 'delta' THEN
		PERFORM medaid.reconcile_apply_delta(b.batch_id);
		exits := 0;
	ELSE
		exits := medaid.reconcile_apply_snapshot(b.batch_id);
	END IF;
	SELECT r.applied, r.duplicates, r.anomalies INTO applied, duplicates, anomalies
	FROM medaid.reconcile_record(b.batch_id, reconcile.rows_staged, reconcile.exits) r;
	already_reconciled := false;
END
$$;
COMMENT ON FUNCTION medaid.reconcile(bigint) IS
'judge and apply every staged row of a batch once (docs/rules.md §7), only once close_batch has ended its loading and only if the transaction sees exactly the rows it counted (else 55000 or 40001, nothing changed): returns applied, duplicates, anomalies, exits (categories a snapshot ended by omission), rows_staged, and already_reconciled when called again (which changes nothing); all or nothing; runs its steps reconcile_judge, reconcile_apply_delta or reconcile_apply_snapshot, and reconcile_record';

-- Part of step 1: every staged row normalised, and rule 1 (a missing or
-- invalid field), into pg_temp.medaid_judge_fields.
CREATE FUNCTION medaid.reconcile_judge_fields(batch_id bigint) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_start date;
	m_end date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_judge_fields.batch_id;
	m_start := b.period;
	m_end := (b.period + interval '1 month')::date - 1;

	IF to_regclass('pg_temp.medaid_judge_fields') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_judge_fields;
	END IF;
	-- The rows were just loaded: without fresh statistics the planner takes
	-- the batch for a handful of rows and probes indexes a million times.
	-- (Only the owner may ANALYZE; others get the plans the statistics give.)
	IF pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = 'medaid.roster_staging'::regclass), 'USAGE') THEN
		ANALYZE medaid.roster_staging;
	END IF;

	CREATE TEMP TABLE medaid_judge_fields ON COMMIT DROP AS
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
	)
	-- rule 1: a missing or invalid field
	SELECT f.*,
		   CASE
			WHEN f.name IS NULL OR f.name = '' THEN 'missing_name'
			WHEN char_length(f.name) > 100 THEN 'name_too_long'
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
	FROM f;
END
$$;
COMMENT ON FUNCTION medaid.reconcile_judge_fields(bigint) IS
'part of step 1 of reconcile, for it alone (run by reconcile_judge, as reconcile''s owner; SECURITY INVOKER): every staged row of the batch normalised (name, ID, category, event, effective date, region, beside the raw fields) into the temporary table medaid_judge_fields, with the reason of rule 1 (a missing or invalid field, 去假) or NULL; ANALYZEs roster_staging first when its owner may';

-- Step 1: every staged row judged, into pg_temp.medaid_judged.
CREATE FUNCTION medaid.reconcile_judge(batch_id bigint, OUT rows_staged bigint)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_end date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_judge.batch_id;
	m_end := (b.period + interval '1 month')::date - 1;

	IF to_regclass('pg_temp.medaid_judged') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_judged;
	END IF;

	-- every row normalised, and rule 1 (reconcile_judge_fields)
	PERFORM medaid.reconcile_judge_fields(b.batch_id);

	-- Rule 2 for every row, and in a snapshot rule 4 and "unchanged", in one
	-- pass: a million-row snapshot is judged without rewriting rows.
	CREATE TEMP TABLE medaid_judged ON COMMIT DROP AS
	WITH creators AS (
		-- the rows that can give a new ID its name: those that passed rule 1
		-- and start a category (every one of a snapshot; add and change in a
		-- delta, not an exit, which a new ID never held)
		SELECT x.*, x.field_reason IS NULL AND (b.mode = 'snapshot' OR x.event IN ('add', 'change')) AS creator
		FROM pg_temp.medaid_judge_fields x
	), names AS (
		-- rule 2: the name held for the ID; for a new ID, the name on its
		-- first creating row (by date, then row), held from that row on: a
		-- row before it (a delta's exit, rejected as never held) holds none
		SELECT x.*,
			   CASE WHEN x.field_reason IS NOT NULL THEN x.field_reason
					WHEN p.name IS NOT NULL THEN CASE WHEN x.name <> p.name THEN 'name_mismatch' END
					WHEN first_value(x.creator) OVER first_creator
					 AND (x.eff_date, x.row_no) >= (first_value(x.eff_date) OVER first_creator, first_value(x.row_no) OVER first_creator)
					 AND x.name <> first_value(x.name) OVER first_creator THEN 'name_mismatch'
			   END AS early_reason
		FROM creators x
		LEFT JOIN medaid.person p ON p.id_number OPERATOR(medaid.=) x.id
		WINDOW first_creator AS (PARTITION BY x.id ORDER BY x.creator DESC, x.eff_date, x.row_no)
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
	DROP TABLE pg_temp.medaid_judge_fields;
	rows_staged := (SELECT count(*) FROM medaid_judged);
END
$$;
COMMENT ON FUNCTION medaid.reconcile_judge(bigint) IS
'step 1 of reconcile, for it alone (as its owner; SECURITY INVOKER): judges every staged row of the batch into the temporary table medaid_judged (normalised fields; anomalies for missing or invalid fields, false records 去假 and names that do not match; in a snapshot, duplicates for further rows 剔重 and categories already held); returns the rows staged';

-- Step 2 of a delta batch: its events in order of date and row.
CREATE FUNCTION medaid.reconcile_apply_delta(batch_id bigint)
	RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	r record;
	ev record;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_apply_delta.batch_id;
	-- a held snapshot of the department waits for its decision first
	PERFORM medaid.snapshot_hold_wait(b.dept, b.batch_id);
	CREATE INDEX ON medaid_judged (id);
	ANALYZE medaid_judged;

	FOR r IN SELECT * FROM medaid_judged WHERE outcome IS NULL ORDER BY eff_date, row_no LOOP
		ev := medaid.reconcile_delta_event(b, r.row_no, r.id, r.category, r.event, r.eff_date);
		IF ev.starts THEN
			INSERT INTO medaid.person AS p (id_number, name, region, first_batch_id, first_row_no, last_batch_id, last_row_no)
			VALUES (r.id, r.name, r.region, b.batch_id, r.row_no, b.batch_id, r.row_no)
			ON CONFLICT (id_number) DO NOTHING;
			INSERT INTO medaid.category_period (id_number, category, dept, valid_from, valid_to,
												started_batch_id, started_row_no)
			VALUES (r.id, r.category, b.dept, r.eff_date,
					(SELECT min(p.valid_from) FROM medaid.category_period p
					 WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category
					   AND p.valid_from > r.eff_date),
					b.batch_id, r.row_no);
		END IF;
		IF ev.outcome = 'applied' THEN
			UPDATE medaid.person p SET region = r.region, last_batch_id = b.batch_id, last_row_no = r.row_no
			WHERE p.id_number OPERATOR(medaid.=) r.id;
			INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
			VALUES (b.batch_id, r.row_no, r.id, r.category, r.event, r.eff_date, r.region);
		END IF;
		UPDATE medaid_judged j SET outcome = ev.outcome, reason = ev.reason WHERE j.row_no = r.row_no;
	END LOOP;
END
$$;
COMMENT ON FUNCTION medaid.reconcile_apply_delta(bigint) IS
'step 2 of reconcile, for it alone, for a delta batch (as its owner; SECURITY INVOKER): applies the accepted rows of medaid_judged in order of event date and row, each judged by reconcile_delta_event; an applied add or change starts its category, and every applied event updates the person and is logged in roster_change';

-- One event of a delta batch, judged against the register as the earlier
-- events of the batch left it.  An exit or a change ends periods here; what
-- an applied event starts, reconcile_apply_delta inserts.
CREATE FUNCTION medaid.reconcile_delta_event(b medaid.batch, row_no integer, id medaid.cnid,
		category medaid.category, event text, d date,
		OUT outcome text, OUT reason text, OUT starts boolean)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_variable
DECLARE
	extra_row boolean;
	n_ended integer;
	was_active boolean;
BEGIN
	outcome := 'applied';
	reason := event;
	-- an extra row of an event an earlier row of the batch already
	-- carried (applied or duplicate; an anomaly carries nothing)
	extra_row := EXISTS (SELECT FROM medaid_judged x
						 WHERE x.id OPERATOR(medaid.=) id AND x.category OPERATOR(medaid.=) category
						   AND x.event = event AND x.eff_date = d
						   AND x.outcome IN ('applied', 'duplicate')
						   AND (x.eff_date, x.row_no) < (d, row_no));
	IF extra_row AND event <> 'exit' THEN
		outcome := 'duplicate';
		reason := 'duplicate_row';
	ELSIF event = 'add' THEN
		IF EXISTS (SELECT FROM medaid.category_period p
				   WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category
					 AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)) THEN
			outcome := 'duplicate';
			reason := 'already_active';
		END IF;
	ELSIF event = 'exit' THEN
		IF NOT EXISTS (SELECT FROM medaid.category_period p
					   WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category) THEN
			outcome := 'anomaly';
			reason := 'exit_never_held';
		ELSIF extra_row THEN
			outcome := 'duplicate';
			reason := 'duplicate_row';
		ELSE
			UPDATE medaid.category_period p
			SET valid_to = d, ended_batch_id = b.batch_id, ended_row_no = row_no
			WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category
			  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d);
			IF NOT FOUND THEN
				outcome := 'duplicate';
				reason := 'not_active';
			END IF;
		END IF;
	ELSE
		-- change: the person's other categories from this department end at d
		UPDATE medaid.category_period p
		SET valid_to = d, ended_batch_id = b.batch_id, ended_row_no = row_no
		WHERE p.id_number OPERATOR(medaid.=) id AND p.dept = b.dept
		  AND p.category OPERATOR(medaid.<>) category
		  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d);
		GET DIAGNOSTICS n_ended = ROW_COUNT;
		was_active := EXISTS (SELECT FROM medaid.category_period p
							  WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category
								AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d));
		IF was_active AND n_ended = 0 THEN
			outcome := 'duplicate';
			reason := 'already_active';
		END IF;
	END IF;
	-- an applied add starts its category; an applied change, unless active
	starts := outcome = 'applied' AND event IN ('add', 'change') AND NOT coalesce(was_active AND event = 'change', false);
END
$$;
COMMENT ON FUNCTION medaid.reconcile_delta_event(medaid.batch, integer, medaid.cnid, medaid.category, text, date) IS
'part of step 2 of reconcile, for it alone (run by reconcile_apply_delta, as reconcile''s owner; SECURITY INVOKER): the outcome and reason of one delta event (batch, row, ID, category, event, date) against the register as the earlier events left it, and whether it starts its category; an applied exit ends the period active on the date, a change the person''s other categories of the department';

-- Step 2 of a snapshot: what it omits ends, what is not held starts; the
-- exits wait for an administrator when they would empty a roster.
CREATE FUNCTION medaid.reconcile_apply_snapshot(batch_id bigint, OUT exits bigint)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_end date;
	m_next date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_apply_snapshot.batch_id;
	m_next := (b.period + interval '1 month')::date;
	m_end := m_next - 1;
	-- a held snapshot of the department waits for its decision first
	PERFORM medaid.snapshot_hold_wait(b.dept, b.batch_id);
	ANALYZE medaid_judged;

	-- rows for categories held on the month's last day were judged
	-- "unchanged" (reconcile_judge).  The snapshot implies the end, on the
	-- first day of the next month, of the categories of the department it
	-- omits; a person whose rows are all anomalies keeps them.  Each exit
	-- with the person's register region (docs/rules.md §7, "Places"), as it
	-- stands before this batch's rows move anyone.
	IF to_regclass('pg_temp.medaid_implied_exit') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_implied_exit;
	END IF;
	CREATE TEMP TABLE medaid_implied_exit ON COMMIT DROP AS
	WITH kept AS (
		SELECT DISTINCT x.id, x.category FROM medaid_judged x WHERE x.outcome IS DISTINCT FROM 'anomaly'
	), anomalous_only AS (
		SELECT x.id FROM medaid_judged x WHERE x.id IS NOT NULL
		GROUP BY x.id HAVING bool_and(x.outcome IS NOT DISTINCT FROM 'anomaly')
	)
	SELECT p.id_number, p.period_id, p.category, pe.region
	FROM medaid.category_period p
	JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) p.id_number
	WHERE p.dept = b.dept AND p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_next)
	  AND NOT EXISTS (SELECT FROM kept k WHERE k.id OPERATOR(medaid.=) p.id_number AND k.category OPERATOR(medaid.=) p.category)
	  AND NOT EXISTS (SELECT FROM anomalous_only a WHERE a.id OPERATOR(medaid.=) p.id_number);

	IF medaid.reconcile_snapshot_hold(b.batch_id) THEN
		exits := 0;
	ELSE
		WITH ended AS (
			UPDATE medaid.category_period p
			SET valid_to = m_next, ended_batch_id = b.batch_id, ended_row_no = NULL
			FROM medaid_implied_exit e
			WHERE p.id_number OPERATOR(medaid.=) e.id_number AND p.period_id = e.period_id
			RETURNING p.id_number, p.category, e.region
		)
		INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
		SELECT b.batch_id, NULL, e.id_number, e.category, 'exit', m_next, e.region FROM ended e;
		GET DIAGNOSTICS exits = ROW_COUNT;
	END IF;
	DROP TABLE pg_temp.medaid_implied_exit;

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
END
$$;
COMMENT ON FUNCTION medaid.reconcile_apply_snapshot(bigint) IS
'step 2 of reconcile, for it alone, for a snapshot (as its owner; SECURITY INVOKER): refuses while another snapshot of the department is held (55000); ends on the next month''s first day the categories of the department it omits (but for people whose rows are all anomalies), or holds those exits in snapshot_hold when the snapshot has no acceptable row or they exceed snapshot_hold_limit in a county (docs/rules.md §7); starts the categories its accepted rows name and are not held; returns the categories ended by omission';

-- Step 3: the record of the batch.
CREATE FUNCTION medaid.reconcile_record(batch_id bigint, rows_staged bigint, exits bigint,
		OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	n_accepted bigint;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_record.batch_id;

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
	SET reconciled_at = now(), reconciled_by = session_user, rows_staged = reconcile_record.rows_staged,
		applied = reconcile_record.applied, duplicates = reconcile_record.duplicates,
		anomalies = reconcile_record.anomalies, exits = reconcile_record.exits
	WHERE x.batch_id = b.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('reconcile', b.batch_id, b.period, b.dept,
			jsonb_build_object('rows_staged', reconcile_record.rows_staged, 'applied', reconcile_record.applied,
							   'duplicates', reconcile_record.duplicates, 'anomalies', reconcile_record.anomalies,
							   'exits', reconcile_record.exits)),
		   ('anomaly_return', b.batch_id, b.period, b.dept,
			jsonb_build_object('returned', reconcile_record.anomalies,
							   'closed', (SELECT count(*) FROM medaid.anomaly_return a
										  WHERE a.closed_by_batch_id = b.batch_id)));
	DROP TABLE pg_temp.medaid_judged;
END
$$;
COMMENT ON FUNCTION medaid.reconcile_record(bigint, bigint, bigint) IS
'step 3 of reconcile, for it alone (as its owner; SECURITY INVOKER): writes every row''s outcome to roster_result, returns the anomalies to their department (回传) and closes the earlier returns a row now accepted corrects, checks that every row has one outcome, stores the counts on the batch, writes the audit log (reconcile, anomaly_return) and drops medaid_judged; given the rows staged and the exits, returns applied, duplicates, anomalies';
