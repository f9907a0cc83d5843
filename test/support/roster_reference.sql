-- An independent, deliberately naive reference model of roster
-- reconciliation (docs/rules.md §7, docs/reference.md "Rosters and reconciliation"),
-- for differential tests of medaid.reconcile.
--
-- It takes a batch's staged rows ONE BY ONE, in the order the rules give
-- (event_date, then row_no), judges each with the rules in the documented
-- order, and keeps its own register and periods in plain tables.  It
-- shares no code with medaid.reconcile: only the primitives that are tested
-- elsewhere (cnid_try, cnid_invalid_reason, cnid_birth_date,
-- normalize_name, category_from_text, category_dept and the category
-- type's order).
--
-- It also keeps the change log (one entry per applied row, one per
-- category a snapshot ends by omission) and the anomaly returns with the
-- batch that closes each.
--
-- Readings of terse rules (docs/reference.md):
-- - a snapshot row without a date sorts, and starts, on the month's first
--   day;
-- - a category that is NULL or blank is missing_category; an event that is
--   NULL or '' is missing_event (delta) or empty (snapshot); a region that
--   is NULL or '' is missing_region; events and regions are otherwise taken
--   as sent (no case folding or trimming);
-- - duplicate_row: "an earlier one" is an earlier row of the same key that
--   itself reached rule 4; a row set aside as an anomaly never makes a
--   later row a duplicate.
-- Where the rules leave a case open (a snapshot row for a category held on
-- its date but not on the month's last day), the model does not guess: it
-- records the row with outcome 'anomaly' and a reason starting with
-- 'MODEL:' and a scenario 'unspecified', so a test sees it instead of
-- passing by luck.
--
-- Use: medaid_model.reconcile(batch_id, dept, period, mode) after the rows
-- are in medaid.roster_staging; medaid_model.category_on(id, d);
-- medaid_model.timeline(id).

CREATE SCHEMA medaid_model;

-- the register: one row per ID, the name of the first applied row, the
-- region of the latest applied row
CREATE TABLE medaid_model.person (
	id medaid.cnid PRIMARY KEY,
	name text NOT NULL,
	region text NOT NULL
);

-- periods: active on d when valid_from <= d < valid_to (NULL = open)
CREATE TABLE medaid_model.period (
	period_no serial PRIMARY KEY,
	id medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	valid_from date NOT NULL,
	valid_to date
);
CREATE INDEX ON medaid_model.period (id, category);

CREATE TABLE medaid_model.outcome (
	batch_id bigint NOT NULL,
	row_no integer NOT NULL,
	outcome text NOT NULL,
	reason text NOT NULL,
	PRIMARY KEY (batch_id, row_no)
);

CREATE TABLE medaid_model.counts (
	batch_id bigint PRIMARY KEY,
	applied bigint,
	duplicates bigint,
	anomalies bigint,
	exits bigint,
	rows_staged bigint
);

-- anomalies returned to the department, and the later batch that closed
-- each: a row of the same department that was applied or a duplicate, for
-- the same ID, or (where the anomaly's ID was not valid) for the same
-- normalised name and region
CREATE TABLE medaid_model.anomaly_return (
	batch_id bigint NOT NULL,
	row_no integer NOT NULL,
	dept text NOT NULL,
	id medaid.cnid,
	name text,
	region text,
	closed_by_batch_id bigint,
	PRIMARY KEY (batch_id, row_no)
);

-- every change made: one per applied row (the category started, or ended
-- by an exit), one per category a snapshot ended by omission (no row)
CREATE TABLE medaid_model.change_log (
	batch_id bigint NOT NULL,
	row_no integer,
	id medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	change text NOT NULL,
	effective_date date NOT NULL
);

-- what a batch exercised (for "the test is not vacuous" checks)
CREATE TABLE medaid_model.scenario (
	batch_id bigint NOT NULL,
	row_no integer,
	what text NOT NULL
);

-- the rows of the batch being judged, with their fields read once
CREATE TABLE medaid_model.work (
	row_no integer PRIMARY KEY,
	name text,
	id medaid.cnid,
	category medaid.category,
	event text,
	d date,
	region text,
	reason text,
	outcome text
);
-- new IDs of the batch: the name of their first row that passes rule 1
-- and could start a category (a snapshot's row, a delta's add or change;
-- a delta's exit of a new ID was never held and holds no name)
CREATE TABLE medaid_model.first_name (
	id medaid.cnid PRIMARY KEY,
	name text NOT NULL
);
-- rows that reached rule 4, for duplicate_row
CREATE TABLE medaid_model.seen (
	id medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	event text,
	d date
);

-- Rule 1: a missing or invalid field, in the documented order; NULL when
-- every field is acceptable.
CREATE FUNCTION medaid_model.field_reason(r medaid.roster_staging, dept text, mode text,
										  m_first date, m_last date)
	RETURNS text LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, medaid
	AS $$
DECLARE
	id medaid.cnid;
	c medaid.category;
	d date;
BEGIN
	IF r.name IS NULL OR medaid.normalize_name(r.name) = '' THEN
		RETURN 'missing_name';
	END IF;
	id := medaid.cnid_try(r.id_number);
	IF id IS NULL THEN
		RETURN 'id_' || medaid.cnid_invalid_reason(r.id_number);
	END IF;
	IF r.category IS NULL OR btrim(r.category) = '' THEN
		RETURN 'missing_category';
	END IF;
	c := medaid.category_from_text(r.category);
	IF c IS NULL THEN
		RETURN 'unknown_category';
	END IF;
	IF medaid.category_dept(c) <> dept THEN
		RETURN 'category_wrong_department';
	END IF;
	IF mode = 'delta' THEN
		IF r.event IS NULL OR r.event = '' THEN
			RETURN 'missing_event';
		END IF;
		IF r.event NOT IN ('add', 'exit', 'change') THEN
			RETURN 'unknown_event';
		END IF;
		IF r.event_date IS NULL THEN
			RETURN 'missing_date';
		END IF;
		d := r.event_date;
	ELSE
		IF r.event IS NOT NULL AND r.event <> '' AND r.event <> 'add' THEN
			RETURN 'event_in_snapshot';
		END IF;
		d := coalesce(r.event_date, m_first);
	END IF;
	IF d > m_last THEN
		RETURN 'date_after_period';
	END IF;
	IF d < medaid.cnid_birth_date(id) THEN
		RETURN 'date_before_birth';
	END IF;
	IF r.region IS NULL OR r.region = '' THEN
		RETURN 'missing_region';
	END IF;
	IF r.region !~ '^[0-9]{6}$' THEN
		RETURN 'invalid_region';
	END IF;
	RETURN NULL;
END
$$;

-- the period of (id, c) active on d, or NULL
CREATE FUNCTION medaid_model.active_period(p_id medaid.cnid, p_c medaid.category, d date)
	RETURNS integer LANGUAGE sql STABLE
	SET search_path = pg_catalog, medaid
	AS $$
	SELECT p.period_no FROM medaid_model.period p
	WHERE p.id = p_id AND p.category = p_c
	  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)
$$;

-- start c on d; a period that starts before a later period of the same
-- category ends where that one begins
CREATE FUNCTION medaid_model.start_period(p_batch bigint, p_row integer, p_id medaid.cnid,
										  p_c medaid.category, d date)
	RETURNS void LANGUAGE plpgsql
	SET search_path = pg_catalog, medaid
	AS $$
DECLARE
	nxt date;
BEGIN
	SELECT min(p.valid_from) INTO nxt FROM medaid_model.period p
	WHERE p.id = p_id AND p.category = p_c AND p.valid_from > d;
	IF nxt IS NOT NULL THEN
		INSERT INTO medaid_model.scenario VALUES (p_batch, p_row, 'clipped_before_later_period');
	END IF;
	INSERT INTO medaid_model.period (id, category, valid_from, valid_to) VALUES (p_id, p_c, d, nxt);
END
$$;

-- end the period p_no on d
CREATE FUNCTION medaid_model.end_period(p_batch bigint, p_row integer, p_no integer, d date)
	RETURNS void LANGUAGE plpgsql
	SET search_path = pg_catalog, medaid
	AS $$
BEGIN
	UPDATE medaid_model.period SET valid_to = d WHERE period_no = p_no;
	IF (SELECT valid_from FROM medaid_model.period WHERE period_no = p_no) = d THEN
		INSERT INTO medaid_model.scenario VALUES (p_batch, p_row, 'period_ended_on_its_first_day');
	END IF;
END
$$;

CREATE FUNCTION medaid_model.reconcile(p_batch bigint, p_dept text, p_period date, p_mode text)
	RETURNS medaid_model.counts LANGUAGE plpgsql
	SET search_path = pg_catalog, medaid
	AS $$
DECLARE
	m_first date := date_trunc('month', p_period)::date;
	m_next date := (date_trunc('month', p_period) + interval '1 month')::date;
	m_last date := m_next - 1;
	s medaid.roster_staging;
	w medaid_model.work;
	pr medaid_model.period;
	ar medaid_model.anomaly_return;
	held text;
	pno integer;
	others integer[];
	o text;
	why text;
	n_exits bigint := 0;
	res medaid_model.counts;
BEGIN
	TRUNCATE medaid_model.work, medaid_model.first_name, medaid_model.seen;

	-- read every row and apply rule 1
	FOR s IN SELECT * FROM medaid.roster_staging x WHERE x.batch_id = p_batch ORDER BY x.row_no LOOP
		INSERT INTO medaid_model.work VALUES (
			s.row_no,
			medaid.normalize_name(s.name),
			medaid.cnid_try(s.id_number),
			medaid.category_from_text(s.category),
			s.event,
			CASE WHEN p_mode = 'snapshot' THEN coalesce(s.event_date, m_first) ELSE s.event_date END,
			s.region,
			medaid_model.field_reason(s, p_dept, p_mode, m_first, m_last),
			NULL);
	END LOOP;

	-- then rules 2 to 5, one row at a time, by date then row
	FOR w IN SELECT * FROM medaid_model.work ORDER BY d NULLS LAST, row_no LOOP
		o := NULL;
		why := NULL;
		IF w.reason IS NOT NULL THEN
			o := 'anomaly';
			why := w.reason;
		ELSE
			SELECT p.name INTO held FROM medaid_model.person p WHERE p.id = w.id;
			IF held IS NULL THEN
				SELECT f.name INTO held FROM medaid_model.first_name f WHERE f.id = w.id;
				IF held IS NULL THEN
					IF p_mode = 'snapshot' OR w.event IN ('add', 'change') THEN
						INSERT INTO medaid_model.first_name VALUES (w.id, w.name);
					END IF;
					held := w.name;
				END IF;
			END IF;

			IF w.name <> held THEN
				o := 'anomaly';
				why := 'name_mismatch';
			ELSIF p_mode = 'delta' AND w.event = 'exit'
				  AND NOT EXISTS (SELECT FROM medaid_model.period p WHERE p.id = w.id AND p.category = w.category) THEN
				o := 'anomaly';
				why := 'exit_never_held';
			ELSIF EXISTS (SELECT FROM medaid_model.seen x
						  WHERE x.id = w.id AND x.category = w.category
							AND (p_mode = 'snapshot' OR (x.event = w.event AND x.d = w.d))) THEN
				o := 'duplicate';
				why := 'duplicate_row';
			ELSE
				-- an earlier row of the same key that was set aside does not
				-- make this one a duplicate
				INSERT INTO medaid_model.scenario
				SELECT p_batch, w.row_no,
					   CASE WHEN x.reason = 'exit_never_held' THEN 'same_key_as_an_earlier_exit_never_held'
							ELSE 'same_key_as_an_earlier_spoilt_row' END
				FROM medaid_model.work x
				WHERE x.outcome = 'anomaly' AND x.id = w.id AND x.category = w.category
				  AND (p_mode = 'snapshot' OR (x.event = w.event AND x.d = w.d))
				  AND (x.d, x.row_no) < (w.d, w.row_no)
				LIMIT 1;
				INSERT INTO medaid_model.seen VALUES (w.id, w.category, w.event, w.d);
				IF p_mode = 'snapshot' THEN
					IF medaid_model.active_period(w.id, w.category, m_last) IS NOT NULL THEN
						o := 'duplicate';
						why := 'unchanged';
					ELSIF medaid_model.active_period(w.id, w.category, w.d) IS NOT NULL THEN
						-- held on the row's date but not on the month's last day:
						-- the rules do not say where the new period starts
						o := 'anomaly';
						why := 'MODEL:unspecified_snapshot_overlap';
						INSERT INTO medaid_model.scenario VALUES (p_batch, w.row_no, 'unspecified');
					ELSE
						PERFORM medaid_model.start_period(p_batch, w.row_no, w.id, w.category, w.d);
						o := 'applied';
						why := 'add';
					END IF;
				ELSIF w.event = 'add' THEN
					IF medaid_model.active_period(w.id, w.category, w.d) IS NOT NULL THEN
						o := 'duplicate';
						why := 'already_active';
					ELSE
						PERFORM medaid_model.start_period(p_batch, w.row_no, w.id, w.category, w.d);
						o := 'applied';
						why := 'add';
					END IF;
				ELSIF w.event = 'exit' THEN
					pno := medaid_model.active_period(w.id, w.category, w.d);
					IF pno IS NULL THEN
						o := 'duplicate';
						why := 'not_active';
					ELSE
						PERFORM medaid_model.end_period(p_batch, w.row_no, pno, w.d);
						o := 'applied';
						why := 'exit';
					END IF;
				ELSE -- change
					SELECT array_agg(p.period_no ORDER BY p.period_no) INTO others
					FROM medaid_model.period p
					WHERE p.id = w.id AND p.category <> w.category
					  AND medaid.category_dept(p.category) = p_dept
					  AND p.valid_from <= w.d AND (p.valid_to IS NULL OR p.valid_to > w.d);
					pno := medaid_model.active_period(w.id, w.category, w.d);
					IF pno IS NOT NULL AND others IS NULL THEN
						o := 'duplicate';
						why := 'already_active';
					ELSE
						IF others IS NOT NULL THEN
							INSERT INTO medaid_model.scenario VALUES (p_batch, w.row_no, 'change_ended_other');
							FOR i IN 1 .. array_length(others, 1) LOOP
								PERFORM medaid_model.end_period(p_batch, w.row_no, others[i], w.d);
							END LOOP;
						END IF;
						IF pno IS NULL THEN
							PERFORM medaid_model.start_period(p_batch, w.row_no, w.id, w.category, w.d);
						ELSE
							INSERT INTO medaid_model.scenario VALUES (p_batch, w.row_no, 'change_to_held_category');
						END IF;
						o := 'applied';
						why := 'change';
					END IF;
				END IF;
				IF o = 'applied' THEN
					IF EXISTS (SELECT FROM medaid_model.person p WHERE p.id = w.id) THEN
						IF (SELECT p.region FROM medaid_model.person p WHERE p.id = w.id) <> w.region THEN
							INSERT INTO medaid_model.scenario VALUES (p_batch, w.row_no, 'region_moved');
						END IF;
						UPDATE medaid_model.person p SET region = w.region WHERE p.id = w.id;
					ELSE
						INSERT INTO medaid_model.person VALUES (w.id, w.name, w.region);
					END IF;
					IF w.d < m_first THEN
						INSERT INTO medaid_model.scenario VALUES (p_batch, w.row_no, 'late_row_applied');
					END IF;
					INSERT INTO medaid_model.change_log
					VALUES (p_batch, w.row_no, w.id, w.category, CASE WHEN p_mode = 'snapshot' THEN 'add' ELSE w.event END, w.d);
				END IF;
			END IF;
		END IF;
		UPDATE medaid_model.work x SET outcome = o, reason = why WHERE x.row_no = w.row_no;
	END LOOP;

	-- a snapshot ends, on the first day of the next month, what a person
	-- holds on the last day and the snapshot does not confirm, unless all
	-- of that person's rows are anomalies
	IF p_mode = 'snapshot' THEN
		FOR pr IN SELECT * FROM medaid_model.period p
				  WHERE medaid.category_dept(p.category) = p_dept
					AND p.valid_from <= m_last AND (p.valid_to IS NULL OR p.valid_to > m_last)
				  ORDER BY p.period_no LOOP
			IF EXISTS (SELECT FROM medaid_model.work x
					   WHERE x.id = pr.id AND x.category = pr.category AND x.outcome <> 'anomaly') THEN
				CONTINUE;  -- confirmed
			END IF;
			IF EXISTS (SELECT FROM medaid_model.work x WHERE x.id = pr.id)
			   AND NOT EXISTS (SELECT FROM medaid_model.work x WHERE x.id = pr.id AND x.outcome <> 'anomaly') THEN
				INSERT INTO medaid_model.scenario VALUES (p_batch, NULL, 'snapshot_all_anomalies_kept');
				CONTINUE;
			END IF;
			UPDATE medaid_model.period SET valid_to = m_next WHERE period_no = pr.period_no;
			INSERT INTO medaid_model.change_log VALUES (p_batch, NULL, pr.id, pr.category, 'exit', m_next);
			IF EXISTS (SELECT FROM medaid_model.work x WHERE x.id = pr.id AND x.outcome = 'anomaly') THEN
				INSERT INTO medaid_model.scenario VALUES (p_batch, NULL, 'snapshot_omitted_beside_anomaly_rows');
			END IF;
			n_exits := n_exits + 1;
			INSERT INTO medaid_model.scenario VALUES (p_batch, NULL,
				CASE WHEN EXISTS (SELECT FROM medaid_model.work x WHERE x.id = pr.id)
					 THEN 'snapshot_omitted_one_of_several' ELSE 'snapshot_omitted_person' END);
		END LOOP;
	END IF;

	INSERT INTO medaid_model.outcome
	SELECT p_batch, x.row_no, x.outcome, x.reason FROM medaid_model.work x;

	-- earlier anomalies of the department that this batch corrects
	FOR ar IN SELECT * FROM medaid_model.anomaly_return a
			  WHERE a.dept = p_dept AND a.closed_by_batch_id IS NULL AND a.batch_id < p_batch
			  ORDER BY a.batch_id, a.row_no LOOP
		IF (ar.id IS NOT NULL AND EXISTS (SELECT FROM medaid_model.work x
										  WHERE x.outcome IN ('applied', 'duplicate') AND x.id = ar.id))
		   OR (ar.id IS NULL AND EXISTS (SELECT FROM medaid_model.work x
										 WHERE x.outcome IN ('applied', 'duplicate')
										   AND x.name = ar.name AND x.region = ar.region)) THEN
			UPDATE medaid_model.anomaly_return a SET closed_by_batch_id = p_batch
			WHERE a.batch_id = ar.batch_id AND a.row_no = ar.row_no;
		END IF;
	END LOOP;
	INSERT INTO medaid_model.anomaly_return (batch_id, row_no, dept, id, name, region)
	SELECT p_batch, x.row_no, p_dept, x.id, x.name, x.region FROM medaid_model.work x WHERE x.outcome = 'anomaly';

	res.batch_id := p_batch;
	res.applied := (SELECT count(*) FROM medaid_model.work WHERE outcome = 'applied');
	res.duplicates := (SELECT count(*) FROM medaid_model.work WHERE outcome = 'duplicate');
	res.anomalies := (SELECT count(*) FROM medaid_model.work WHERE outcome = 'anomaly');
	res.exits := n_exits;
	res.rows_staged := (SELECT count(*) FROM medaid_model.work);
	INSERT INTO medaid_model.counts SELECT res.*;
	RETURN res;
END
$$;

-- the most favourable category active on d (default order), or NULL
CREATE FUNCTION medaid_model.category_on(p_id medaid.cnid, d date)
	RETURNS medaid.category LANGUAGE sql STABLE
	SET search_path = pg_catalog, medaid
	AS $$
	SELECT p.category FROM medaid_model.period p
	WHERE p.id = p_id AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)
	ORDER BY p.category
	LIMIT 1
$$;

-- a person's timeline of category_on: at every date where a non-empty
-- period starts or ends, the most favourable category from there to the
-- next such date; equal neighbours merged, days with none left out
CREATE FUNCTION medaid_model.timeline(p_id medaid.cnid)
	RETURNS TABLE (valid_from date, valid_to date, category medaid.category)
	LANGUAGE plpgsql STABLE
	SET search_path = pg_catalog, medaid
	AS $$
DECLARE
	bounds date[];
	c medaid.category;
	run_from date;
	run_c medaid.category;
BEGIN
	SELECT array_agg(DISTINCT x.d ORDER BY x.d) INTO bounds
	FROM medaid_model.period p, LATERAL (VALUES (p.valid_from), (p.valid_to)) x(d)
	WHERE p.id = p_id AND x.d IS NOT NULL AND (p.valid_to IS NULL OR p.valid_to > p.valid_from);
	IF bounds IS NULL THEN
		RETURN;
	END IF;
	FOR i IN 1 .. array_length(bounds, 1) LOOP
		c := medaid_model.category_on(p_id, bounds[i]);
		IF run_c IS NOT NULL AND c IS NOT DISTINCT FROM run_c THEN
			CONTINUE;  -- the run goes on
		END IF;
		IF run_c IS NOT NULL THEN
			valid_from := run_from; valid_to := bounds[i]; category := run_c;
			RETURN NEXT;
		END IF;
		run_from := bounds[i];
		run_c := c;
	END LOOP;
	IF run_c IS NOT NULL THEN
		valid_from := run_from; valid_to := NULL; category := run_c;
		RETURN NEXT;
	END IF;
END
$$;
