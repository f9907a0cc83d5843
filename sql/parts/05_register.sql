-------------------------------------------------------------------------------
-- The register, rosters and reconciliation (33号 §一-§三)
-------------------------------------------------------------------------------

CREATE SEQUENCE medaid.batch_id_seq;
COMMENT ON SEQUENCE medaid.batch_id_seq IS 'batch ids';
CREATE TABLE medaid.batch (
	batch_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.batch_id_seq'),
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	period date NOT NULL CHECK (period OPERATOR(pg_catalog.=) pg_catalog.date_trunc('month', period)::date),
	mode text NOT NULL CHECK (mode IN ('delta', 'snapshot')),
	opened_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	opened_by name NOT NULL DEFAULT SESSION_USER,
	reconciled_at timestamptz,
	reconciled_by name,
	rows_staged bigint,
	applied bigint,
	duplicates bigint,
	anomalies bigint,
	exits bigint,
	loading_ended_at timestamptz,
	loading_ended_by name,
	rows_loaded bigint,
	-- a batch is closed for loading all at once, and only a closed batch is reconciled
	CONSTRAINT batch_loading_ended CHECK ((loading_ended_at IS NULL) = (rows_loaded IS NULL)
										  AND (loading_ended_at IS NULL) = (loading_ended_by IS NULL)),
	CONSTRAINT batch_reconciled_closed CHECK (reconciled_at IS NULL OR loading_ended_at IS NOT NULL)
);
COMMENT ON TABLE medaid.batch IS 'one push of a roster by a department for a month (open_batch opens one, close_batch ends its loading, reconcile applies it once)';
COMMENT ON COLUMN medaid.batch.batch_id IS 'the batch''s id: the batch_id of its rows in roster_staging';
COMMENT ON COLUMN medaid.batch.dept IS 'the sending department: civil_affairs (民政) or rural (乡村振兴)';
COMMENT ON COLUMN medaid.batch.period IS 'the month pushed, as its first day';
COMMENT ON COLUMN medaid.batch.mode IS 'delta (add / exit / change events) or snapshot (the whole roster on the month''s last day)';
COMMENT ON COLUMN medaid.batch.opened_at IS 'when open_batch was called';
COMMENT ON COLUMN medaid.batch.opened_by IS 'who opened it';
COMMENT ON COLUMN medaid.batch.loading_ended_at IS 'when close_batch ended its loading; NULL while rows may still be loaded';
COMMENT ON COLUMN medaid.batch.loading_ended_by IS 'who closed it for loading';
COMMENT ON COLUMN medaid.batch.rows_loaded IS 'the rows committed to the batch when close_batch ended its loading (the count the department''s file declared); reconcile judges exactly these';
COMMENT ON COLUMN medaid.batch.reconciled_at IS 'when reconcile applied it; NULL while open';
COMMENT ON COLUMN medaid.batch.reconciled_by IS 'who reconciled it';
COMMENT ON COLUMN medaid.batch.rows_staged IS 'rows judged';
COMMENT ON COLUMN medaid.batch.applied IS 'rows applied';
COMMENT ON COLUMN medaid.batch.duplicates IS 'rows that changed nothing';
COMMENT ON COLUMN medaid.batch.anomalies IS 'rows set aside and returned to the department';
COMMENT ON COLUMN medaid.batch.exits IS 'categories a snapshot ended because it omitted them (no staged row of their own)';

CREATE TABLE medaid.roster_staging (
	batch_id bigint NOT NULL REFERENCES medaid.batch,
	row_no integer NOT NULL,
	name text,
	id_number text,
	category text,
	event text,
	event_date date,
	region text,
	PRIMARY KEY (batch_id, row_no)
);
COMMENT ON TABLE medaid.roster_staging IS 'COPY target for roster rows, as the department sent them; closed to changes once close_batch ends its batch''s loading';
COMMENT ON COLUMN medaid.roster_staging.batch_id IS 'the batch (open_batch)';
COMMENT ON COLUMN medaid.roster_staging.row_no IS 'the row''s number in the file, unique within the batch';
COMMENT ON COLUMN medaid.roster_staging.name IS 'name (姓名), as sent';
COMMENT ON COLUMN medaid.roster_staging.id_number IS 'ID number (身份证号码), as sent';
COMMENT ON COLUMN medaid.roster_staging.category IS 'category: slug or Chinese name';
COMMENT ON COLUMN medaid.roster_staging.event IS 'add, exit or change in a delta batch; empty in a snapshot';
COMMENT ON COLUMN medaid.roster_staging.event_date IS 'the department''s date of the event (benefits follow it); in a snapshot the start of a new category, the month''s first day when empty';
COMMENT ON COLUMN medaid.roster_staging.region IS 'the person''s 6-digit county code';

-- Locking a row takes UPDATE privilege, which the loaders do not have on
-- medaid.batch: the guard locks through this definer function.
CREATE FUNCTION medaid.roster_staging_lock(batch_ids bigint[])
	RETURNS TABLE (batch_id bigint, loading_ended_at timestamptz, reconciled_at timestamptz, rows_loaded bigint)
	LANGUAGE sql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT x.batch_id, x.loading_ended_at, x.reconciled_at, x.rows_loaded
	FROM medaid.batch x
	WHERE x.batch_id OPERATOR(pg_catalog.=) ANY (batch_ids)
	ORDER BY x.batch_id
	FOR KEY SHARE OF x
$$;
COMMENT ON FUNCTION medaid.roster_staging_lock(bigint[]) IS
'for roster_staging_guard: locks the given batches FOR KEY SHARE until the transaction ends (in order of batch_id) and returns their state of loading; executable by medaid_etl, whose loads it guards';

CREATE FUNCTION medaid.roster_staging_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	b record;
	ids bigint[];
BEGIN
	-- Lock the batch rows (FOR KEY SHARE, in order of batch_id) until this
	-- transaction ends: close_batch and reconcile lock their batch FOR
	-- UPDATE, so they wait for every transaction still loading into it, and
	-- a load that reaches this point after a close sees the batch closed
	-- (READ COMMITTED reads the locked row's newest version; REPEATABLE READ
	-- fails to serialize).
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT DISTINCT n.batch_id FROM new_rows n);
	ELSIF TG_OP = 'UPDATE' THEN
		ids := ARRAY(SELECT n.batch_id FROM new_rows n UNION SELECT o.batch_id FROM old_rows o);
	ELSE
		ids := ARRAY(SELECT DISTINCT o.batch_id FROM old_rows o);
	END IF;
	FOR b IN SELECT * FROM medaid.roster_staging_lock(ids) LOOP
		-- superusers pass: pg_restore reloads the rows of closed and
		-- reconciled batches, and a superuser could disable the trigger anyway
		IF b.loading_ended_at IS NULL OR (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
			CONTINUE;
		END IF;
		IF b.reconciled_at IS NOT NULL THEN
			RAISE EXCEPTION 'batch % is already reconciled', b.batch_id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'Rows of a reconciled batch are its record and cannot change.',
					  HINT = 'Open a new batch with medaid.open_batch for corrections.';
		END IF;
		RAISE EXCEPTION 'batch % is closed for loading', b.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('medaid.close_batch ended its loading with %s rows: reconcile judges exactly those, so they cannot be added to, changed or removed.', b.rows_loaded),
				  HINT = 'Reconcile it as it is, or open a new batch with medaid.open_batch for the corrected file.';
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.roster_staging_guard() IS 'statement trigger: locks the batches of the rows FOR KEY SHARE (close_batch and reconcile wait for open loads) and refuses to add, change or remove rows of a batch closed for loading or reconciled (superusers pass, for pg_restore)';
CREATE TRIGGER roster_staging_guard_insert AFTER INSERT ON medaid.roster_staging
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.roster_staging_guard();
CREATE TRIGGER roster_staging_guard_update AFTER UPDATE ON medaid.roster_staging
	REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.roster_staging_guard();
CREATE TRIGGER roster_staging_guard_delete AFTER DELETE ON medaid.roster_staging
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.roster_staging_guard();

CREATE TABLE medaid.person (
	id_number medaid.cnid PRIMARY KEY,
	name text NOT NULL,
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	first_batch_id bigint NOT NULL,
	first_row_no integer NOT NULL,
	last_batch_id bigint NOT NULL,
	last_row_no integer NOT NULL
);
-- region lookups (14_region_lookups): the region in the index condition
-- no statistics on cnid_body(id_number): int8 comparisons are leakproof, so
-- the planner would estimate a county's conditions on it from all IDs
CREATE INDEX person_region_lookup ON medaid.person (medaid.cnid_body(id_number), region);
ALTER INDEX medaid.person_region_lookup ALTER COLUMN 1 SET STATISTICS 0;
COMMENT ON TABLE medaid.person IS 'the register of recipients, one row per ID number';
COMMENT ON COLUMN medaid.person.id_number IS 'ID number';
COMMENT ON COLUMN medaid.person.name IS 'name, normalised (normalize_name), as first applied; later rows with another name are anomalies';
COMMENT ON COLUMN medaid.person.region IS 'the region of the person''s latest applied roster row (§7)';
COMMENT ON COLUMN medaid.person.first_batch_id IS 'the batch that first applied a row for the person';
COMMENT ON COLUMN medaid.person.first_row_no IS 'that row';
COMMENT ON COLUMN medaid.person.last_batch_id IS 'the batch of the latest applied row';
COMMENT ON COLUMN medaid.person.last_row_no IS 'that row';

CREATE SEQUENCE medaid.category_period_id_seq;
COMMENT ON SEQUENCE medaid.category_period_id_seq IS 'category period ids';
CREATE TABLE medaid.category_period (
	period_id bigint NOT NULL DEFAULT pg_catalog.nextval('medaid.category_period_id_seq'),
	id_number medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	dept text NOT NULL,
	valid_from date NOT NULL,
	valid_to date,
	started_batch_id bigint NOT NULL,
	started_row_no integer NOT NULL,
	ended_batch_id bigint,
	ended_row_no integer,
	PRIMARY KEY (id_number, period_id),
	CHECK (valid_to IS NULL OR valid_to >= valid_from),
	CHECK (dept OPERATOR(pg_catalog.=) medaid.category_dept(category))
);
CREATE INDEX category_period_person ON medaid.category_period (id_number, category, valid_from);
CREATE INDEX category_period_dept ON medaid.category_period (dept, valid_to);
COMMENT ON TABLE medaid.category_period IS
'the history of each person''s categories: active on day d when valid_from <= d < valid_to; periods of one person and category never overlap (a statement trigger checks it); ended periods are kept';
COMMENT ON COLUMN medaid.category_period.period_id IS 'the period''s id';
COMMENT ON COLUMN medaid.category_period.id_number IS 'ID number';
COMMENT ON COLUMN medaid.category_period.category IS 'the category held';
COMMENT ON COLUMN medaid.category_period.dept IS 'the department that supplies it';
COMMENT ON COLUMN medaid.category_period.valid_from IS 'first day held (the department''s date)';
COMMENT ON COLUMN medaid.category_period.valid_to IS 'first day no longer held; NULL while open';
COMMENT ON COLUMN medaid.category_period.started_batch_id IS 'the batch whose row started the period';
COMMENT ON COLUMN medaid.category_period.started_row_no IS 'that row';
COMMENT ON COLUMN medaid.category_period.ended_batch_id IS 'the batch that ended it';
COMMENT ON COLUMN medaid.category_period.ended_row_no IS 'the row that ended it; NULL when a snapshot ended it by omission';

-- No two periods of one person and category overlap.  A GiST exclusion
-- constraint says it in one line but costs ~100-300 us a row (measured);
-- this statement trigger checks the rows a statement wrote against their
-- neighbours through the btree index, and serialises writers with the lock
-- reconcile takes, so that concurrent writers cannot both pass.
CREATE FUNCTION medaid.category_period_no_overlap() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	bad record;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('medaid.reconcile'));
	SELECT n.id_number, n.category, n.valid_from, n.valid_to, p.valid_from AS other_from, p.valid_to AS other_to
	INTO bad
	FROM new_rows n
	JOIN medaid.category_period p
	  ON p.id_number OPERATOR(medaid.=) n.id_number AND p.category OPERATOR(medaid.=) n.category
	 AND p.period_id <> n.period_id
	 AND p.valid_from < COALESCE(n.valid_to, 'infinity'::date)
	 AND n.valid_from < COALESCE(p.valid_to, 'infinity'::date)
	 AND n.valid_from < COALESCE(n.valid_to, 'infinity'::date)
	 AND p.valid_from < COALESCE(p.valid_to, 'infinity'::date)
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'overlapping periods of category % for ID %', bad.category, medaid.cnid_mask(bad.id_number)
			USING ERRCODE = 'exclusion_violation',
				  DETAIL = format('[%s, %s) overlaps [%s, %s).', bad.valid_from, coalesce(bad.valid_to::text, ''),
								  bad.other_from, coalesce(bad.other_to::text, '')),
				  HINT = 'A person holds a category at most once on any day: end the earlier period first.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.category_period_no_overlap() IS
'statement trigger: no two periods of one person and category overlap (23P01); empty periods overlap nothing';
CREATE TRIGGER category_period_no_overlap_insert AFTER INSERT ON medaid.category_period
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_no_overlap();
CREATE TRIGGER category_period_no_overlap_update AFTER UPDATE ON medaid.category_period
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_no_overlap();

CREATE TABLE medaid.roster_result (
	batch_id bigint NOT NULL,
	row_no integer NOT NULL,
	outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'anomaly')),
	reason text NOT NULL,
	id_number medaid.cnid,
	category medaid.category,
	PRIMARY KEY (batch_id, row_no)
);
COMMENT ON TABLE medaid.roster_result IS 'the outcome of every staged row of every reconciled batch (written by reconcile alone, which keeps its references to batch; no foreign keys, so a million rows cost no million checks)';
COMMENT ON COLUMN medaid.roster_result.batch_id IS 'the batch';
COMMENT ON COLUMN medaid.roster_result.row_no IS 'the row';
COMMENT ON COLUMN medaid.roster_result.outcome IS 'applied, duplicate or anomaly';
COMMENT ON COLUMN medaid.roster_result.reason IS 'why (see the reason codes in docs/reference.md)';
COMMENT ON COLUMN medaid.roster_result.id_number IS 'the ID when the row''s ID number was valid';
COMMENT ON COLUMN medaid.roster_result.category IS 'the category when the row''s category was known';

CREATE VIEW medaid.roster_outcome AS
	SELECT r.batch_id, r.row_no, r.outcome, r.reason
	FROM medaid.roster_result r;
COMMENT ON VIEW medaid.roster_outcome IS 'one row per staged row of each reconciled batch: outcome (applied, duplicate, anomaly) and reason';
COMMENT ON COLUMN medaid.roster_outcome.batch_id IS 'the batch';
COMMENT ON COLUMN medaid.roster_outcome.row_no IS 'the row';
COMMENT ON COLUMN medaid.roster_outcome.outcome IS 'applied, duplicate or anomaly';
COMMENT ON COLUMN medaid.roster_outcome.reason IS 'the reason code';

CREATE TABLE medaid.roster_change (
	batch_id bigint NOT NULL,
	row_no integer,
	id_number medaid.cnid NOT NULL,
	category medaid.category NOT NULL,
	change text NOT NULL CHECK (change IN ('add', 'exit', 'change')),
	effective_date date NOT NULL,
	region text NOT NULL
);
CREATE INDEX roster_change_batch ON medaid.roster_change (batch_id);
CREATE INDEX roster_change_person ON medaid.roster_change (id_number, effective_date);
CREATE INDEX roster_change_region_lookup ON medaid.roster_change (medaid.cnid_body(id_number), category, region);
ALTER INDEX medaid.roster_change_region_lookup ALTER COLUMN 1 SET STATISTICS 0;
COMMENT ON TABLE medaid.roster_change IS
'every change reconciliation made to a category: the new, exited and changed records that counties review monthly, and the windows for re-assessing settlements';
COMMENT ON COLUMN medaid.roster_change.batch_id IS 'the batch';
COMMENT ON COLUMN medaid.roster_change.row_no IS 'the staged row; NULL for a category a snapshot ended by omission';
COMMENT ON COLUMN medaid.roster_change.id_number IS 'ID number';
COMMENT ON COLUMN medaid.roster_change.category IS 'for add and change the category started, for exit the one ended';
COMMENT ON COLUMN medaid.roster_change.change IS 'add, exit or change';
COMMENT ON COLUMN medaid.roster_change.effective_date IS 'the department''s date: benefits change from it';
COMMENT ON COLUMN medaid.roster_change.region IS 'the person''s county code';

CREATE TABLE medaid.anomaly_return (
	batch_id bigint NOT NULL REFERENCES medaid.batch,
	row_no integer NOT NULL,
	dept text NOT NULL,
	reason text NOT NULL,
	id_number medaid.cnid,
	id_masked text,
	name text,
	category text,
	event text,
	event_date date,
	region text,
	returned_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	closed_at timestamptz,
	closed_by_batch_id bigint REFERENCES medaid.batch,
	closed_by_row_no integer,
	PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX anomaly_return_open ON medaid.anomaly_return (dept, id_number) WHERE closed_at IS NULL;
COMMENT ON TABLE medaid.anomaly_return IS
'anomalies returned to the department that sent them (回传): open until a later batch of that department sends the record again and it is accepted, then closed with a link to that row';
COMMENT ON COLUMN medaid.anomaly_return.batch_id IS 'the batch of the anomalous row';
COMMENT ON COLUMN medaid.anomaly_return.row_no IS 'the row';
COMMENT ON COLUMN medaid.anomaly_return.dept IS 'the department it goes back to';
COMMENT ON COLUMN medaid.anomaly_return.reason IS 'the reason code';
COMMENT ON COLUMN medaid.anomaly_return.id_number IS 'the ID when valid (restricted: full ID)';
COMMENT ON COLUMN medaid.anomaly_return.id_masked IS 'the ID number as sent, masked';
COMMENT ON COLUMN medaid.anomaly_return.name IS 'the name as sent';
COMMENT ON COLUMN medaid.anomaly_return.category IS 'the category as sent';
COMMENT ON COLUMN medaid.anomaly_return.event IS 'the event as sent';
COMMENT ON COLUMN medaid.anomaly_return.event_date IS 'the date as sent';
COMMENT ON COLUMN medaid.anomaly_return.region IS 'the region as sent';
COMMENT ON COLUMN medaid.anomaly_return.returned_at IS 'when it was returned (the batch''s reconciliation)';
COMMENT ON COLUMN medaid.anomaly_return.closed_at IS 'when a later batch corrected it; NULL while open';
COMMENT ON COLUMN medaid.anomaly_return.closed_by_batch_id IS 'the correcting batch';
COMMENT ON COLUMN medaid.anomaly_return.closed_by_row_no IS 'the correcting row';

CREATE VIEW medaid.anomaly_queue AS
	SELECT a.dept, a.batch_id, a.row_no, a.reason, a.id_masked, a.name, a.category,
		   a.event, a.event_date, a.region, a.returned_at, a.closed_at,
		   a.closed_by_batch_id, a.closed_by_row_no
	FROM medaid.anomaly_return a;
COMMENT ON VIEW medaid.anomaly_queue IS 'the anomaly returns for wide reading: IDs masked';
COMMENT ON COLUMN medaid.anomaly_queue.dept IS 'the department it goes back to';
COMMENT ON COLUMN medaid.anomaly_queue.batch_id IS 'the batch of the anomalous row';
COMMENT ON COLUMN medaid.anomaly_queue.row_no IS 'the row';
COMMENT ON COLUMN medaid.anomaly_queue.reason IS 'the reason code';
COMMENT ON COLUMN medaid.anomaly_queue.id_masked IS 'the ID number as sent, masked';
COMMENT ON COLUMN medaid.anomaly_queue.name IS 'the name as sent';
COMMENT ON COLUMN medaid.anomaly_queue.category IS 'the category as sent';
COMMENT ON COLUMN medaid.anomaly_queue.event IS 'the event as sent';
COMMENT ON COLUMN medaid.anomaly_queue.event_date IS 'the date as sent';
COMMENT ON COLUMN medaid.anomaly_queue.region IS 'the region as sent';
COMMENT ON COLUMN medaid.anomaly_queue.returned_at IS 'when it was returned';
COMMENT ON COLUMN medaid.anomaly_queue.closed_at IS 'when a later batch corrected it; NULL while open';
COMMENT ON COLUMN medaid.anomaly_queue.closed_by_batch_id IS 'the correcting batch';
COMMENT ON COLUMN medaid.anomaly_queue.closed_by_row_no IS 'the correcting row';

CREATE FUNCTION medaid.open_batch(dept text, period date, mode text) RETURNS bigint
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	id bigint;
BEGIN
	IF dept IS NULL OR dept NOT IN ('civil_affairs', 'rural') THEN
		RAISE EXCEPTION 'invalid department: %', coalesce(quote_literal(dept), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Rosters come from civil_affairs (民政) or rural (乡村振兴); medical_insurance holds enrolments and settlements.';
	END IF;
	IF mode IS NULL OR mode NOT IN ('delta', 'snapshot') THEN
		RAISE EXCEPTION 'invalid batch mode: %', coalesce(quote_literal(mode), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A batch is delta (add / exit / change events) or snapshot (the whole roster).';
	END IF;
	IF period IS NULL OR NOT isfinite(period) THEN
		RAISE EXCEPTION 'invalid batch period: %', coalesce(period::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The period is the month pushed: any day of it.';
	END IF;
	INSERT INTO medaid.batch (dept, period, mode)
	VALUES (dept, date_trunc('month', period)::date, mode)
	RETURNING batch_id INTO id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, detail)
	VALUES ('open_batch', id, date_trunc('month', period)::date, dept, jsonb_build_object('mode', mode));
	RETURN id;
END
$$;
COMMENT ON FUNCTION medaid.open_batch(text, date, text) IS
'open a batch: dept civil_affairs or rural, period any day of the month pushed, mode delta or snapshot; returns its batch_id for roster_staging';

CREATE FUNCTION medaid.close_batch(batch_id bigint, expected_rows bigint) RETURNS bigint
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	n bigint;
BEGIN
	IF expected_rows IS NULL OR expected_rows < 0 THEN
		RAISE EXCEPTION 'invalid expected_rows for batch %: %', close_batch.batch_id, coalesce(expected_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'expected_rows is the number of rows the department''s file declares.';
	END IF;
	-- waits for every transaction still loading rows into the batch (they
	-- hold FOR KEY SHARE on it: roster_staging_guard); loads that come later
	-- wait for this one and are then refused
	SELECT * INTO b FROM medaid.batch x WHERE x.batch_id = close_batch.batch_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'batch % does not exist', close_batch.batch_id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Open a batch with medaid.open_batch and COPY its rows into medaid.roster_staging.';
	END IF;
	IF b.loading_ended_at IS NOT NULL THEN
		IF b.rows_loaded <> expected_rows THEN
			RAISE EXCEPTION 'batch % was closed with % rows, not %', b.batch_id, b.rows_loaded, expected_rows
				USING ERRCODE = 'cardinality_violation',
					  DETAIL = format('close_batch ended its loading with %s rows (the rows_loaded of medaid.batch); nothing was changed.', b.rows_loaded),
					  HINT = 'Open a new batch with medaid.open_batch for a different file.';
		END IF;
		RETURN b.rows_loaded;
	END IF;
	-- a statement of its own: in READ COMMITTED a snapshot taken after the
	-- lock, which sees every row the loads that held the batch committed
	n := (SELECT count(*) FROM medaid.roster_staging s WHERE s.batch_id = b.batch_id);
	IF n <> expected_rows THEN
		RAISE EXCEPTION 'batch % has % rows loaded, but its file declares %', b.batch_id, n, expected_rows
			USING ERRCODE = 'cardinality_violation',
				  DETAIL = format('%s rows of batch %s are committed in medaid.roster_staging (as this transaction sees them, %s); the department''s file declares %s. The batch stays open for loading.',
								  n, b.batch_id, current_setting('transaction_isolation'), expected_rows),
				  HINT = 'Load the missing rows (or delete the extra ones) and call close_batch again, in its own READ COMMITTED transaction: an older snapshot does not see rows committed since.';
	END IF;
	UPDATE medaid.batch x SET loading_ended_at = now(), loading_ended_by = session_user, rows_loaded = n
	WHERE x.batch_id = b.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('close_batch', b.batch_id, b.period, b.dept, jsonb_build_object('rows_loaded', n));
	RETURN n;
END
$$;
COMMENT ON FUNCTION medaid.close_batch(bigint, bigint) IS
'end the loading of a batch (docs/rules.md §7): waits for the transactions still loading into it, counts its committed rows and refuses (21000, naming both counts) unless they are the expected_rows the department''s file declares; records when, who and how many, audited; returns the rows; called again with the same count it changes nothing';

CREATE FUNCTION medaid.category_on(id medaid.cnid, d date) RETURNS medaid.category
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT medaid.best_category(p.category, medaid.category_rank(p.category, pe.region, d))
	FROM medaid.category_period p
	JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) p.id_number
	WHERE p.id_number OPERATOR(medaid.=) id
	  AND p.valid_from OPERATOR(pg_catalog.<=) d
	  AND (p.valid_to IS NULL OR p.valid_to OPERATOR(pg_catalog.>) d)
$$;
COMMENT ON FUNCTION medaid.category_on(medaid.cnid, date) IS
'the most favourable category a person holds on a date (the region''s configured order, else the default), or NULL';

CREATE FUNCTION medaid.category_timeline(id medaid.cnid)
	RETURNS TABLE (valid_from date, valid_to date, category medaid.category)
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	WITH bounds AS (
		SELECT DISTINCT b.d
		FROM medaid.category_period p,
			 LATERAL (VALUES (p.valid_from), (p.valid_to)) AS b(d)
		WHERE p.id_number OPERATOR(medaid.=) id AND b.d IS NOT NULL
		  AND (p.valid_to IS NULL OR p.valid_to OPERATOR(pg_catalog.>) p.valid_from)
	), segments AS (
		SELECT s.d AS seg_from, pg_catalog.lead(s.d) OVER (ORDER BY s.d) AS seg_to
		FROM bounds s
	), best AS (
		SELECT g.seg_from, g.seg_to, medaid.category_on(id, g.seg_from) AS category
		FROM segments g
	), runs AS (
		-- (a null-safe comparison written out: IS DISTINCT FROM would look
		-- the operator up on the caller's search_path)
		SELECT x.*, pg_catalog.count(*) FILTER (WHERE x.starts) OVER (ORDER BY x.seg_from) AS run
		FROM (SELECT p.*,
					 CASE WHEN p.category IS NULL OR p.before IS NULL THEN (p.category IS NULL) <> (p.before IS NULL)
						  ELSE p.category OPERATOR(medaid.<>) p.before END AS starts
			  FROM (SELECT e.*, pg_catalog.lag(e.category) OVER (ORDER BY e.seg_from) AS before
					FROM best e) p) x
	)
	SELECT pg_catalog.min(r.seg_from), (pg_catalog.array_agg(r.seg_to ORDER BY r.seg_from DESC))[1], r.category
	FROM runs r
	WHERE r.category IS NOT NULL
	GROUP BY r.run, r.category
	ORDER BY 1
$$;
COMMENT ON FUNCTION medaid.category_timeline(medaid.cnid) IS
'a person''s whole timeline of most favourable category: periods (valid_from, valid_to NULL when open) in which category_on is the same';

-------------------------------------------------------------------------------
-- pg_dump keeps the data of these tables and sequences (they are members of
-- the extension, whose data pg_dump would otherwise leave out)
-------------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('medaid.batch_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.category_period_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.batch', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.roster_staging', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.person', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.category_period', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.roster_result', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.roster_change', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.anomaly_return', '');
