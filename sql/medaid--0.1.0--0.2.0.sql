-- medaid 0.1.0 -> 0.2.0.  0.2.0 is not released yet: every change to the
-- install script (sql/parts/) after 0.1.0 is repeated here, and
-- test/upgrade/run.sh checks that an upgraded database equals a fresh
-- install of 0.2.0, catalog and data.  test/upgrade/draft.sh drafts the
-- function definitions and comments below from the two catalogs.

\echo Use "ALTER EXTENSION medaid UPDATE TO '0.2.0'" to load this file. \quit

-------------------------------------------------------------------------------
-- Region-limited roles learn nothing of other regions from plans
-- (14_region_lookups, docs/rules.md §6): no medaid function is LEAKPROOF,
-- so a condition on id_number or a category runs after row-level security
-------------------------------------------------------------------------------

ALTER FUNCTION medaid.category_cmp(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_eq(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_ge(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_gt(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_hash(medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_hash_extended(medaid.category,bigint) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_le(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_lt(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_ne(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_ordinal(medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_body(medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_cmp(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_eq(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_ge(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_gt(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_hash(medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_hash_extended(medaid.cnid,bigint) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_le(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_lt(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_ne(medaid.cnid,medaid.cnid) NOT LEAKPROOF;

-- lookups by ID with the region in the index condition, and no statistics
-- of the region columns nor of the lookup indexes' cnid_body
CREATE INDEX person_region_lookup ON medaid.person (medaid.cnid_body(id_number), region);
CREATE INDEX roster_change_region_lookup ON medaid.roster_change (medaid.cnid_body(id_number), category, region);
CREATE INDEX enrollment_person ON medaid.enrollment (id_number, year);
ALTER INDEX medaid.person_region_lookup ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX medaid.roster_change_region_lookup ALTER COLUMN 1 SET STATISTICS 0;
ALTER TABLE medaid.person ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.roster_change ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.anomaly_return ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.monthly_review ALTER COLUMN region SET STATISTICS 0;
-- settlement's existing partitions with it (SET STATISTICS recurses)
ALTER TABLE medaid.settlement ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.warning ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.warning ALTER COLUMN province SET STATISTICS 0;
ALTER TABLE medaid.warning_push ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.city_warning ALTER COLUMN city SET STATISTICS 0;
ALTER TABLE medaid.enrollment ALTER COLUMN region SET STATISTICS 0;
-- a target of 0 stops gathering, but keeps what was gathered: remove it
DELETE FROM pg_catalog.pg_statistic s
USING pg_catalog.pg_attribute a, pg_catalog.pg_class c
WHERE s.starelid OPERATOR(pg_catalog.=) a.attrelid AND s.staattnum OPERATOR(pg_catalog.=) a.attnum
  AND c.oid OPERATOR(pg_catalog.=) a.attrelid AND c.relnamespace OPERATOR(pg_catalog.=) 'medaid'::pg_catalog.regnamespace
  AND a.attstattarget OPERATOR(pg_catalog.=) 0;

-------------------------------------------------------------------------------
-- New functions: the region lookups, the steps of reconcile, the warning
-- run and the settlement load, enrollment_subsidy's categories
-------------------------------------------------------------------------------

CREATE FUNCTION medaid.region_ranges(who name)
 RETURNS TABLE(lo text, hi text)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	pats text[] := medaid.region_patterns(who);
BEGIN
	RETURN QUERY
	SELECT rpad(x.pre, 6, '0'), rpad(x.pre, 6, '9')
	FROM (SELECT DISTINCT rtrim(p, '%') AS pre FROM unnest(pats) p) x
	WHERE NOT EXISTS (SELECT FROM unnest(pats) q
					  WHERE rtrim(q, '%') <> x.pre AND starts_with(x.pre, rtrim(q, '%')))
	ORDER BY 1;
END
$function$
;

CREATE FUNCTION medaid.registered_in_regions(id medaid.cnid, who name)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	r record;
	found_one boolean := false;
BEGIN
	-- every range is probed, whatever the earlier ones found: the counters
	-- of a call do not depend on which region holds the person
	FOR r IN SELECT * FROM medaid.region_ranges(who) LOOP
		IF EXISTS (SELECT FROM medaid.person p
				   WHERE medaid.cnid_body(p.id_number) OPERATOR(pg_catalog.=) medaid.cnid_body(id)
					 AND p.region >= r.lo AND p.region <= r.hi) THEN
			found_one := true;
		END IF;
	END LOOP;
	RETURN found_one;
END
$function$
;

CREATE FUNCTION medaid.category_periods_of(id medaid.cnid)
 RETURNS SETOF medaid.category_period
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT c.* FROM medaid.category_period c
					 WHERE c.id_number OPERATOR(medaid.=) id ORDER BY c.valid_from, c.period_id;
	END IF;
END
$function$
;

CREATE FUNCTION medaid.enrollments_of(id medaid.cnid)
 RETURNS SETOF medaid.enrollment
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT e.* FROM medaid.enrollment e
					 WHERE e.id_number OPERATOR(medaid.=) id ORDER BY e.year, e.enrollment_id;
	END IF;
END
$function$
;

CREATE FUNCTION medaid.person_lookup(id medaid.cnid)
 RETURNS SETOF medaid.person
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT p.* FROM medaid.person p WHERE p.id_number OPERATOR(medaid.=) id;
	END IF;
END
$function$
;

CREATE FUNCTION medaid.reconcile_apply_delta(batch_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	r record;
	ev record;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_apply_delta.batch_id;
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
$function$
;

CREATE FUNCTION medaid.reconcile_apply_snapshot(batch_id bigint, OUT exits bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_end date;
	m_next date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_apply_snapshot.batch_id;
	m_next := (b.period + interval '1 month')::date;
	m_end := m_next - 1;
	IF NOT EXISTS (SELECT FROM medaid_judged WHERE outcome IS DISTINCT FROM 'anomaly') THEN
		RAISE EXCEPTION 'snapshot batch % has no acceptable rows (% staged)', b.batch_id, (SELECT count(*) FROM medaid_judged)
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'A snapshot ends every category of the department it omits; an empty or wholly rejected snapshot would end them all.',
				  HINT = 'Check the file loaded into roster_staging for this batch; nothing was applied.';
	END IF;
	ANALYZE medaid_judged;

	-- rows for categories held on the month's last day were judged
	-- "unchanged" (reconcile_judge).  Categories of the department the
	-- snapshot omits end on the first day of the next month; a person whose
	-- rows are all anomalies keeps them
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
END
$function$
;

CREATE FUNCTION medaid.reconcile_delta_event(b medaid.batch, row_no integer, id medaid.cnid, category medaid.category, event text, d date, OUT outcome text, OUT reason text, OUT starts boolean)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE FUNCTION medaid.reconcile_judge(batch_id bigint, OUT rows_staged bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_start date;
	m_end date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_judge.batch_id;
	m_start := b.period;
	m_end := (b.period + interval '1 month')::date - 1;

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
END
$function$
;

CREATE FUNCTION medaid.reconcile_record(batch_id bigint, rows_staged bigint, exits bigint, OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE FUNCTION medaid.roster_changes_of(id medaid.cnid)
 RETURNS SETOF medaid.roster_change
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	who name := medaid.caller();
	everything constant medaid.category[] := ARRAY['tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing']::medaid.category[];
	cats medaid.category[];
	r record;
BEGIN
	-- the categories whose changes the caller's policies show: all for
	-- county staff, a department's own for its staff
	SELECT array_agg(c) INTO cats
	FROM unnest(everything) c
	WHERE pg_has_role(who, 'medaid_county', 'USAGE')
	   OR (pg_has_role(who, 'medaid_civil_affairs', 'USAGE') AND medaid.category_dept(c) = 'civil_affairs')
	   OR (pg_has_role(who, 'medaid_rural', 'USAGE') AND medaid.category_dept(c) = 'rural');
	IF cats IS NULL THEN
		RETURN;
	END IF;
	FOR r IN SELECT * FROM medaid.region_ranges(who) LOOP
		RETURN QUERY SELECT c.* FROM medaid.roster_change c
					 WHERE medaid.cnid_body(c.id_number) OPERATOR(pg_catalog.=) medaid.cnid_body(id)
					   AND c.category OPERATOR(medaid.=) ANY (cats)
					   AND c.region >= r.lo AND c.region <= r.hi
					 ORDER BY c.effective_date, c.batch_id, c.row_no;
	END LOOP;
END
$function$
;

CREATE FUNCTION medaid.settlement_load_judge_ids()
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
BEGIN
	-- the same id twice in the file: the first row stands
	UPDATE medaid_settlement_rows r SET reason = 'duplicate_in_load'
	FROM (SELECT x.row_no, row_number() OVER (PARTITION BY x.sid ORDER BY x.row_no) AS n
		  FROM medaid_settlement_rows x WHERE x.reason IS NULL) d
	WHERE r.row_no = d.row_no AND d.n > 1;
	UPDATE medaid_settlement_rows r SET reason = 'duplicate_settlement_id'
	FROM medaid.settlement_key k WHERE r.reason IS NULL AND k.settlement_id = r.sid;
	-- reversals: of a settlement loaded before or accepted in this file
	UPDATE medaid_settlement_rows r SET reason = v.why
	FROM (SELECT x.row_no,
				 CASE
				  WHEN o.sid IS NULL THEN 'reversal_not_found'
				  WHEN o.id OPERATOR(medaid.<>) x.id THEN 'reversal_other_person'
				  WHEN o.reverses IS NOT NULL THEN 'reversal_of_reversal'
				  WHEN x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
					   OR x.assistance_paid <> -o.assistance_paid THEN 'reversal_amounts'
				  WHEN x.settle_date < o.settle_date THEN 'reversal_before_original'
				 END AS why
		  FROM medaid_settlement_rows x
		  LEFT JOIN LATERAL (
			SELECT y.sid, y.id, y.reverses, y.total, y.fund_paid, y.critical_paid, y.assistance_paid, y.settle_date
			FROM medaid_settlement_rows y WHERE y.sid = x.reverses AND y.reason IS NULL
			UNION ALL
			SELECT s.settlement_id, s.id_number, s.reverses, s.total, s.fund_paid, s.critical_paid, s.assistance_paid, s.settle_date
			FROM medaid.settlement_key k JOIN medaid.settlement s
			  ON s.settlement_id = k.settlement_id AND s.settle_date = k.settle_date
			WHERE k.settlement_id = x.reverses
			LIMIT 1) o ON true
		  WHERE x.reason IS NULL AND x.reverses IS NOT NULL) v
	WHERE r.row_no = v.row_no AND v.why IS NOT NULL;
	UPDATE medaid_settlement_rows r SET reason = 'reversed_twice'
	FROM (SELECT x.row_no,
				 row_number() OVER (PARTITION BY x.reverses ORDER BY x.row_no) AS n,
				 EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = x.reverses AND k.reversed_by IS NOT NULL) AS done
		  FROM medaid_settlement_rows x WHERE x.reason IS NULL AND x.reverses IS NOT NULL) d
	WHERE r.row_no = d.row_no AND (d.n > 1 OR d.done);
	-- an original refused above takes its reversal with it
	UPDATE medaid_settlement_rows r SET reason = 'reversal_not_found'
	WHERE r.reason IS NULL AND r.reverses IS NOT NULL
	  AND NOT EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = r.reverses)
	  AND NOT EXISTS (SELECT FROM medaid_settlement_rows y WHERE y.sid = r.reverses AND y.reason IS NULL);
END
$function$
;

CREATE FUNCTION medaid.settlement_load_judge_rows(load_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
BEGIN
	IF to_regclass('pg_temp.medaid_settlement_rows') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_settlement_rows;
	END IF;
	CREATE TEMP TABLE medaid_settlement_rows ON COMMIT DROP AS
	WITH f AS (
		SELECT s.row_no, nullif(btrim(s.settlement_id), '') AS sid, s.id_number AS raw_id,
			   medaid.cnid_try(s.id_number) AS id,
			   btrim(s.settle_date) AS d, btrim(s.region) AS region,
			   btrim(s.total) AS total, coalesce(nullif(btrim(s.fund_paid), ''), '0') AS fund,
			   coalesce(nullif(btrim(s.critical_paid), ''), '0') AS critical,
			   coalesce(nullif(btrim(s.assistance_paid), ''), '0') AS assist,
			   nullif(btrim(s.reverses), '') AS reverses
		FROM medaid.settlement_staging s WHERE s.load_id = settlement_load_judge_rows.load_id
	), g AS (
		SELECT f.*,
			   CASE
				WHEN f.sid IS NULL THEN 'missing_settlement_id'
				WHEN f.id IS NULL THEN 'id_' || medaid.cnid_invalid_reason(f.raw_id)
				WHEN f.d IS NULL OR f.d !~ '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
					 OR substr(f.d, 9, 2)::int > extract(day FROM (substr(f.d, 1, 8) || '01')::date + interval '1 month - 1 day')
					THEN 'bad_date'
				WHEN f.d::date > CURRENT_DATE THEN 'future_date'
				WHEN f.region IS NULL OR f.region !~ '^[0-9]{6}$' THEN 'bad_region'
				WHEN f.total IS NULL OR f.total !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$'
					 OR f.fund !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' OR f.critical !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$'
					 OR f.assist !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' THEN 'bad_amount'
				WHEN f.reverses IS NULL AND (f.total::numeric < 0 OR f.fund::numeric < 0
											 OR f.critical::numeric < 0 OR f.assist::numeric < 0) THEN 'negative_amount'
				WHEN f.reverses IS NULL AND f.fund::numeric + f.critical::numeric > f.total::numeric THEN 'paid_more_than_total'
			   END AS reason
		FROM f
	)
	SELECT g.row_no, g.sid, g.raw_id, g.id, g.region, g.reverses,
		   CASE WHEN g.reason IS NULL THEN g.d::date END AS settle_date,
		   CASE WHEN g.reason IS NULL THEN g.total::numeric END AS total,
		   CASE WHEN g.reason IS NULL THEN g.fund::numeric END AS fund_paid,
		   CASE WHEN g.reason IS NULL THEN g.critical::numeric END AS critical_paid,
		   CASE WHEN g.reason IS NULL THEN g.assist::numeric END AS assistance_paid,
		   g.reason
	FROM g;
END
$function$
;

CREATE FUNCTION medaid.settlement_load_write(load_id bigint, OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	first_month date;
	last_month date;
BEGIN
	SELECT min(date_trunc('month', x.settle_date))::date, max(x.settle_date)
	INTO first_month, last_month FROM medaid_settlement_rows x WHERE x.reason IS NULL;
	IF first_month IS NOT NULL AND last_month <= first_month + interval '20 years' THEN
		PERFORM medaid.ensure_settlement_partitions(first_month, last_month);
	END IF;
	INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid,
								   critical_paid, assistance_paid, reverses)
	SELECT x.sid, x.id, x.settle_date, x.region, x.total, x.fund_paid, x.critical_paid, x.assistance_paid, x.reverses
	FROM medaid_settlement_rows x WHERE x.reason IS NULL
	ORDER BY x.settle_date, x.row_no;
	INSERT INTO medaid.settlement_rejected (load_id, row_no, reason, id_masked)
	SELECT settlement_load_write.load_id, x.row_no, x.reason, CASE WHEN x.raw_id IS NOT NULL THEN medaid.cnid_mask(x.raw_id) END
	FROM medaid_settlement_rows x WHERE x.reason IS NOT NULL;

	SELECT count(*), count(*) FILTER (WHERE x.reason IS NULL), count(*) FILTER (WHERE x.reason IS NOT NULL)
	INTO rows_staged, accepted, rejected FROM medaid_settlement_rows x;
	UPDATE medaid.settlement_load x SET loaded_at = now(), rows_staged = settlement_load_write.rows_staged,
		accepted = settlement_load_write.accepted, rejected = settlement_load_write.rejected
	WHERE x.load_id = settlement_load_write.load_id;
	INSERT INTO medaid.audit_log (action, load_id, counts)
	VALUES ('settlement_load', settlement_load_write.load_id,
			jsonb_build_object('rows_staged', settlement_load_write.rows_staged, 'accepted', settlement_load_write.accepted,
							   'rejected', settlement_load_write.rejected));
END
$function$
;

CREATE FUNCTION medaid.settlements_of(id medaid.cnid, from_date date DEFAULT '-infinity'::date, to_date date DEFAULT 'infinity'::date)
 RETURNS SETOF medaid.settlement
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT s.* FROM medaid.settlement s
					 WHERE s.id_number OPERATOR(medaid.=) id AND s.settle_date >= from_date AND s.settle_date <= to_date
					 ORDER BY s.settle_date, s.settlement_id;
	END IF;
END
$function$
;

CREATE FUNCTION medaid.warning_run_people(month_start date, base_watermark bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
DECLARE
	m_start date := month_start;
	m_end date := (month_start + interval '1 month')::date - 1;
	prev_end date := month_start - 1;
	y integer := extract(year FROM month_start)::integer;
BEGIN
	-- who is computed: everyone with settlements this year (full); or
	-- (incremental) those with settlements dated in the month, those whose
	-- settlements or categories changed since the base run, and those whose
	-- categories start or end in the month.  Anyone else has the same
	-- settlements up to the month's end as up to the previous month's, the
	-- same latest region and the same categories: the same warning or none.
	IF to_regclass('pg_temp.medaid_todo') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_todo;
	END IF;
	IF base_watermark IS NOT NULL THEN
		-- settlements dated in the month were loaded after the base run
		-- (stamped later) or before it (their last_day is in the month or
		-- after): both through burden_year's indexes, not the month's rows
		-- Each state is read here once, for the region, the total and the
		-- count up to the month's end; the first day over the threshold is
		-- read again only for the people warned.
		CREATE TEMP TABLE medaid_todo ON COMMIT DROP AS
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end) AS region, r.total, r.settlements
		FROM medaid.burden_year b
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.year = y AND (b.changed_seq > base_watermark OR b.last_day >= m_start)
		UNION ALL
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end), r.total, r.settlements
		FROM (SELECT DISTINCT p.id_number FROM medaid.category_period p
			  WHERE (p.valid_from > prev_end AND p.valid_from <= m_end)
				 OR (p.valid_to > prev_end AND p.valid_to <= m_end)) c
		JOIN medaid.burden_year b ON b.id_number OPERATOR(medaid.=) c.id_number AND b.year = y
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.changed_seq <= base_watermark AND b.last_day < m_start;
	ELSE
		CREATE TEMP TABLE medaid_todo ON COMMIT DROP AS
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end) AS region, r.total, r.settlements
		FROM medaid.burden_year b
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.year = y;
	END IF;
	CREATE UNIQUE INDEX ON pg_temp.medaid_todo (id_number);
	ANALYZE pg_temp.medaid_todo;
END
$function$
;

CREATE FUNCTION medaid.warning_run_thresholds(month_start date)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
DECLARE
	m_end date := (month_start + interval '1 month')::date - 1;
	y integer := extract(year FROM month_start)::integer;
	missing record;
BEGIN
	IF to_regclass('pg_temp.medaid_assessed') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_assessed;
	END IF;
	-- the ratio that applies, from the categories active on the month's last
	-- day: among those with a ratio the lowest (equal ratios: the more
	-- favourable in the region's order); none active: ordinary; only
	-- categories without a ratio: no warning.  Joined, not looked up person
	-- by person.
	CREATE TEMP TABLE medaid_assessed ON COMMIT DROP AS
	WITH latest AS (
		-- the threshold's province: the latest settlement of the year so far
		SELECT t.id_number, t.region FROM medaid_todo t
	), active AS (
		SELECT p.id_number, p.category, r.ratio
		FROM medaid.category_period p
		JOIN medaid.threshold_ratio_effective r ON r.category = p.category::text
		WHERE p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_end)
	), joined AS (
		SELECT l.id_number, l.region, a.category, a.ratio,
			   count(a.category) OVER (PARTITION BY l.id_number) AS n_active,
			   count(*) OVER (PARTITION BY l.id_number, a.ratio) AS n_same_ratio
		FROM latest l
		LEFT JOIN active a ON a.id_number OPERATOR(medaid.=) l.id_number
		WHERE l.region IS NOT NULL
	), chosen AS (
		SELECT DISTINCT ON (j.id_number) j.id_number, j.region, j.n_active, j.category, j.ratio
		FROM joined j
		ORDER BY j.id_number, j.ratio NULLS LAST,
				 CASE WHEN j.n_same_ratio > 1 AND j.ratio IS NOT NULL
					  THEN medaid.category_rank(j.category, j.region, m_end) END,
				 medaid.category_ordinal(j.category)
	)
	SELECT c.id_number, c.region, substr(c.region, 1, 2) AS province,
		   CASE WHEN c.n_active = 0 THEN 'ordinary' ELSE c.category::text END AS category,
		   CASE WHEN c.n_active = 0 THEN o.ratio ELSE c.ratio END AS ratio
	FROM chosen c
	CROSS JOIN (SELECT r.ratio FROM medaid.threshold_ratio_effective r WHERE r.category = 'ordinary') o
	WHERE CASE WHEN c.n_active = 0 THEN o.ratio ELSE c.ratio END IS NOT NULL;

	-- a missing income is an error naming the province and the year
	SELECT a.province INTO missing
	FROM medaid_assessed a
	WHERE NOT EXISTS (SELECT FROM medaid.income_baseline b WHERE b.province = a.province AND b.year = y - 1)
	LIMIT 1;
	IF FOUND THEN
		PERFORM medaid.burden_threshold(missing.province, y, 1);
	END IF;
END
$function$
;

CREATE FUNCTION medaid.warning_run_write(month_start date, base_run_id bigint, stamp bigint, digest text, OUT people_assessed bigint, OUT warned bigint, OUT new_warnings bigint, OUT continuing bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	m_start date := month_start;
	m_end date := (month_start + interval '1 month')::date - 1;
	prev_start date := (month_start - interval '1 month')::date;
	y integer := extract(year FROM month_start)::integer;
	incremental boolean := warning_run_write.base_run_id IS NOT NULL;
	carried bigint := 0;
	mode text := CASE WHEN warning_run_write.base_run_id IS NOT NULL THEN 'incremental' ELSE 'full' END;
	this_run bigint;
BEGIN
	DELETE FROM medaid.warning w WHERE w.month = m_start;
	INSERT INTO medaid.warning (month, id_number, category, annual_burden, threshold, first_crossed_on,
								is_new, province, region, settlements)
	SELECT m_start, g.id_number, g.category, g.total, g.threshold,
		   (SELECT (medaid.burden_state_result(s.state, m_end, g.threshold)).first_crossed_on
			FROM medaid.burden_year s WHERE s.id_number OPERATOR(medaid.=) g.id_number AND s.year = y),
		   m_start = make_date(y, 1, 1)
		   OR NOT EXISTS (SELECT FROM medaid.warning p
						  WHERE p.id_number OPERATOR(medaid.=) g.id_number AND p.month = prev_start),
		   g.province, g.region, g.settlements
	FROM (SELECT a.id_number, a.category, a.province, a.region, a.ratio * i.per_capita_income AS threshold,
				 t.total, t.settlements
		  FROM medaid_assessed a
		  JOIN medaid_todo t ON t.id_number OPERATOR(medaid.=) a.id_number
		  JOIN medaid.income_baseline i ON i.province = a.province AND i.year = y - 1) g
	WHERE g.total > g.threshold;

	-- the others warned last month changed nothing: their warning goes on
	IF incremental THEN
		INSERT INTO medaid.warning (month, id_number, category, annual_burden, threshold, first_crossed_on,
									is_new, province, region, settlements)
		SELECT m_start, p.id_number, p.category, p.annual_burden, p.threshold, p.first_crossed_on,
			   false, p.province, p.region, p.settlements
		FROM medaid.warning p
		WHERE p.month = prev_start
		  AND NOT EXISTS (SELECT FROM medaid_todo t WHERE t.id_number OPERATOR(medaid.=) p.id_number);
		GET DIAGNOSTICS carried = ROW_COUNT;
	END IF;

	SELECT count(*) INTO people_assessed FROM medaid_assessed;
	SELECT count(*), count(*) FILTER (WHERE w.is_new), count(*) FILTER (WHERE NOT w.is_new)
	INTO warned, new_warnings, continuing
	FROM medaid.warning w WHERE w.month = m_start;
	INSERT INTO medaid.warning_run (month, mode, base_run_id, people_assessed, warned, new_warnings,
									continuing, carried, watermark, config_digest)
	VALUES (m_start, mode, warning_run_write.base_run_id, people_assessed, warned,
			new_warnings, continuing, carried,
			CASE WHEN current_setting('transaction_isolation') = 'read committed' THEN stamp END, digest)
	RETURNING run_id INTO this_run;
	INSERT INTO medaid.audit_log (action, run_id, month, counts)
	VALUES ('warning_run', this_run, m_start,
			jsonb_build_object('mode', mode, 'people_assessed', people_assessed, 'warned', warned,
							   'new', new_warnings, 'continuing', continuing, 'carried', carried));
END
$function$
;

CREATE FUNCTION medaid.warnings_of(id medaid.cnid)
 RETURNS SETOF medaid.warning
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT w.* FROM medaid.warning w WHERE w.id_number OPERATOR(medaid.=) id ORDER BY w.month;
	END IF;
END
$function$
;

CREATE FUNCTION medaid.enrollment_categories(id medaid.cnid, year integer, region text, on_date date)
 RETURNS TABLE(slug text, has_rule boolean, rule_amount numeric, ord bigint)
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
	-- the order: the region's for the year (category_rank, inline: the
	-- longest prefix with rows for the year, else the default order, which
	-- also breaks ties); the rule: per category the longest prefix with a
	-- row for the year
	SELECT h.category::pg_catalog.text, rule.found IS NOT NULL, rule.amount,
		   pg_catalog.row_number() OVER (ORDER BY
			CASE WHEN ord.prefix IS NULL THEN medaid.category_ordinal(h.category)
				 ELSE coalesce(o.rank, 1000 OPERATOR(pg_catalog.+) medaid.category_ordinal(h.category)) END,
			medaid.category_ordinal(h.category))
	FROM (SELECT DISTINCT p.category
		  FROM medaid.category_period p
		  WHERE p.id_number OPERATOR(medaid.=) enrollment_categories.id
			AND p.valid_from OPERATOR(pg_catalog.<=) enrollment_categories.on_date
			AND (p.valid_to IS NULL OR p.valid_to OPERATOR(pg_catalog.>) enrollment_categories.on_date)) h
	LEFT JOIN (
		SELECT f.region_prefix FROM medaid.category_favourability f
		WHERE f.year OPERATOR(pg_catalog.=) enrollment_categories.year
		  AND f.region_prefix OPERATOR(pg_catalog.=) ANY (ARRAY[enrollment_categories.region,
				pg_catalog.left(enrollment_categories.region, 4), pg_catalog.left(enrollment_categories.region, 2)])
		ORDER BY pg_catalog.length(f.region_prefix) DESC LIMIT 1) ord(prefix) ON true
	LEFT JOIN medaid.category_favourability o
	  ON o.region_prefix OPERATOR(pg_catalog.=) ord.prefix AND o.year OPERATOR(pg_catalog.=) enrollment_categories.year
		 AND o.category OPERATOR(medaid.=) h.category
	LEFT JOIN LATERAL (
		SELECT true AS found, s.amount
		FROM medaid.subsidy_rule s
		WHERE s.year OPERATOR(pg_catalog.=) enrollment_categories.year AND s.category OPERATOR(medaid.=) h.category
		  AND s.region_prefix OPERATOR(pg_catalog.=) ANY (ARRAY[enrollment_categories.region,
				pg_catalog.left(enrollment_categories.region, 4), pg_catalog.left(enrollment_categories.region, 2)])
		ORDER BY pg_catalog.length(s.region_prefix) DESC LIMIT 1) rule ON true
$function$
;

-------------------------------------------------------------------------------
-- Changed functions: reconcile, run_monthly_warnings and load_settlements
-- call their steps; ensure_settlement_partitions keeps no statistics of a
-- new partition's regions; settlement_accept cites docs/bench/plans.md;
-- enrollment_subsidy reads enrollment_categories (inlined)
-------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION medaid.settlement_accept()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	bad record;
	s bigint;
	originals text[];
	reversals bigint;
BEGIN
	-- one id twice in this statement, or already held
	SELECT x.settlement_id, count(*) AS times INTO bad
	FROM new_rows x GROUP BY x.settlement_id HAVING count(*) > 1 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'duplicate settlement_id %', quote_literal(bad.settlement_id)
			USING ERRCODE = 'unique_violation',
				  DETAIL = format('The rows loaded carry it %s times; a settlement is loaded once.', bad.times);
	END IF;
	SELECT x.settlement_id INTO bad
	FROM new_rows x JOIN medaid.settlement_key k ON k.settlement_id = x.settlement_id LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'duplicate settlement_id %', quote_literal(bad.settlement_id)
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A settlement with this id is already loaded.',
				  HINT = 'Correct a settlement with a reversal (a negative row whose reverses names it) and a new settlement.';
	END IF;
	-- every id, first: the originals of this statement's reversals are then
	-- found the same way as those loaded before
	INSERT INTO medaid.settlement_key (settlement_id, id_number, settle_date)
	SELECT x.settlement_id, x.id_number, x.settle_date FROM new_rows x;
	-- a reversal negates an existing settlement of the same person, once.
	-- The originals are looked up by id (settlement_key, then the one
	-- partition of their date) from the array of the ids reversals name:
	-- they cost the month's reversals, not the history and not reversals x
	-- originals (the statement's rows have no statistics, and a join planned
	-- on guesses became a nested loop over both).
	SELECT array_agg(DISTINCT x.reverses), count(*) INTO originals, reversals
	FROM new_rows x WHERE x.reverses IS NOT NULL;
	IF originals IS NOT NULL THEN
		-- The originals are found first, each by its key and then in the one
		-- partition of its date (LATERAL ... LIMIT 1: the planner may not
		-- turn it into a hash join that reads every partition), and kept
		-- (MATERIALIZED: a join planned with them inside would look them all
		-- up again for every reversal); then hashed against the reversals.
		-- Each choice was seen to go wrong otherwise (docs/bench/plans.md).
		WITH o AS MATERIALIZED (
			SELECT s.*
			FROM medaid.settlement_key k
			CROSS JOIN LATERAL (
				SELECT s.settlement_id, s.id_number, s.reverses, s.total, s.fund_paid, s.critical_paid,
					   s.assistance_paid, s.settle_date
				FROM medaid.settlement s
				WHERE s.settlement_id = k.settlement_id AND s.settle_date = k.settle_date
				LIMIT 1
			) s
			WHERE k.settlement_id = ANY (originals)
		)
		SELECT x.settlement_id, x.reverses,
			   CASE
				WHEN o.settlement_id IS NULL THEN 'it names no settlement'
				WHEN o.id_number OPERATOR(medaid.<>) x.id_number THEN 'it names a settlement of another person'
				WHEN o.reverses IS NOT NULL THEN 'it names a reversal'
				WHEN x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
					 OR x.assistance_paid <> -o.assistance_paid THEN 'its amounts do not negate the original''s'
				WHEN x.settle_date < o.settle_date THEN 'it is dated before the original'
			   END AS why
		INTO bad
		FROM new_rows x
		LEFT JOIN o ON o.settlement_id = x.reverses
		WHERE x.reverses IS NOT NULL
		  AND (o.settlement_id IS NULL OR o.id_number OPERATOR(medaid.<>) x.id_number OR o.reverses IS NOT NULL
			   OR x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
			   OR x.assistance_paid <> -o.assistance_paid OR x.settle_date < o.settle_date)
		-- ORDER BY: the first broken one by id, and a plan costed for all the
		-- reversals (a bare LIMIT 1 favours a nested loop that expects to
		-- find one at once)
		ORDER BY x.settlement_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'broken reversal %: %', quote_literal(bad.settlement_id), bad.why
				USING ERRCODE = 'foreign_key_violation',
					  DETAIL = format('It reverses %s. A reversal is a row of the same person whose amounts are the original''s, negated, dated on or after it.',
									  quote_literal(bad.reverses));
		END IF;
		-- an original is reversed once
		SELECT k.settlement_id AS reverses INTO bad
		FROM medaid.settlement_key k
		WHERE k.settlement_id = ANY (originals) AND k.reversed_by IS NOT NULL
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'settlement % is already reversed', quote_literal(bad.reverses)
				USING ERRCODE = 'unique_violation';
		END IF;
		-- every original exists (checked above): fewer originals than
		-- reversals means two of them name one
		IF cardinality(originals) <> reversals THEN
			RAISE EXCEPTION 'a settlement is reversed twice in one load'
				USING ERRCODE = 'unique_violation';
		END IF;
		UPDATE medaid.settlement_key k SET reversed_by = x.settlement_id
		FROM new_rows x
		WHERE k.settlement_id = ANY (originals) AND x.reverses = k.settlement_id;
	END IF;
	-- the running burden state of each person and year loaded; the lock
	-- before the stamp: a warning run that has seen this stamp waits for
	-- this transaction (see run_monthly_warnings)
	LOCK TABLE medaid.burden_year IN ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	INSERT INTO medaid.burden_year AS b (id_number, year, state, last_day, changed_seq)
	SELECT x.id_number, extract(year FROM x.settle_date)::integer,
		   medaid.burden_state(x.settle_date, x.burden, x.settlement_id, x.region), max(x.settle_date), s
	FROM new_rows x
	GROUP BY 1, 2
	ON CONFLICT (id_number, year) DO UPDATE
		SET state = medaid.burden_state_merge(b.state, excluded.state),
			last_day = greatest(b.last_day, excluded.last_day), changed_seq = excluded.changed_seq;
	INSERT INTO medaid.audit_log (action, counts, detail)
	SELECT 'settlement_insert', jsonb_build_object('rows', count(*), 'reversals', count(x.reverses)),
		   jsonb_build_object('first_date', min(x.settle_date), 'last_date', max(x.settle_date))
	FROM new_rows x;
	RETURN NULL;
END
$function$
;

CREATE OR REPLACE FUNCTION medaid.enrollment_subsidy(id medaid.cnid, year integer, region text, on_date date, scheme text DEFAULT 'resident'::text)
 RETURNS TABLE(subsidy_category text, subsidy_amount numeric, contribution numeric, subsidy_status text)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_variable
DECLARE
	y integer := enrollment_subsidy.year;
	r text := enrollment_subsidy.region;
	contrib numeric;
	configured boolean;
	c record;
	amount numeric;
	best_slug text;
	best_amount numeric;
	best_status text;
BEGIN
	PERFORM medaid.enrollment_fields_check(y, r, on_date, scheme);

	-- the contribution in force: the longest prefix with a row for the year
	SELECT x.amount INTO contrib
	FROM medaid.resident_contribution x
	WHERE x.year = y AND x.region_prefix IN (r, left(r, 4), left(r, 2))
	ORDER BY length(x.region_prefix) DESC LIMIT 1;
	-- a province with no contribution of any year (another province, or
	-- nothing configured yet) grants nothing here; one configured for some
	-- years but not this one is an error below
	configured := contrib IS NOT NULL
		OR EXISTS (SELECT FROM medaid.resident_contribution x WHERE starts_with(x.region_prefix, left(r, 2)));

	-- every category held on the day, in the region's order, with its rule
	FOR c IN
		SELECT x.slug, x.has_rule, x.rule_amount
		FROM medaid.enrollment_categories(id, y, r, on_date) x ORDER BY x.ord
	LOOP
		IF best_slug IS NULL THEN
			-- the most favourable in the region's order: the category marked
			-- where no amount is compared (employee scheme, unconfigured)
			best_slug := c.slug;
		END IF;
		IF scheme = 'employee' OR NOT configured THEN
			CONTINUE;
		END IF;
		IF c.slug NOT IN ('tekun', 'zhongbing') AND NOT c.has_rule THEN
			RAISE EXCEPTION 'no subsidy rule for % in region % for %', c.slug, r, y
				USING ERRCODE = 'no_data_found',
					  DETAIL = format('ID %s holds %s on %s; dibao, fanpin, dibao_edge and jiance receive a fixed amount set per region and year (20号 §一).',
									  medaid.cnid_mask(id), c.slug, on_date),
					  HINT = format('INSERT INTO medaid.subsidy_rule (region_prefix, year, category, amount) VALUES (%L, %s, %L, ...);',
									left(r, 2), y, c.slug);
		END IF;
		IF contrib IS NULL AND (c.slug = 'tekun' OR c.has_rule) THEN
			RAISE EXCEPTION 'no resident contribution for region % in %', r, y
				USING ERRCODE = 'no_data_found',
					  DETAIL = format('ID %s holds %s on %s: its subsidy is the personal contribution in force for the insured place and year, or a fixed amount capped by it (20号 §一).',
									  medaid.cnid_mask(id), c.slug, on_date),
					  HINT = format('INSERT INTO medaid.resident_contribution (region_prefix, year, amount) VALUES (%L, %s, ...);',
									left(r, 2), y);
		END IF;
		amount := CASE WHEN c.slug = 'tekun' THEN contrib
					   WHEN NOT c.has_rule THEN 0
					   ELSE least(coalesce(c.rule_amount, contrib), contrib) END;
		-- 待遇从优、就高不就低 (33号 §二): the highest amount wins; in a tie
		-- the earlier in the order
		IF best_amount IS NULL OR amount > best_amount THEN
			best_slug := c.slug;
			best_amount := amount;
			best_status := CASE WHEN c.has_rule OR c.slug = 'tekun' THEN 'granted' ELSE 'no_rule' END;
		END IF;
	END LOOP;

	-- yuan with two decimals (round only sets the scale); no amount was
	-- compared without a category, for employees or unconfigured (contrib NULL)
	RETURN QUERY SELECT coalesce(best_slug, 'ordinary'), coalesce(round(best_amount, 2), 0.00),
		CASE WHEN scheme = 'resident' THEN round(contrib, 2) END,
		CASE WHEN scheme = 'employee' THEN 'employee' WHEN best_slug IS NULL THEN 'ordinary'
			 WHEN NOT configured THEN 'unconfigured' ELSE best_status END;
END
$function$
;

CREATE OR REPLACE FUNCTION medaid.ensure_settlement_partitions(from_month date, to_month date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	m date;
	part text;
	made integer := 0;
BEGIN
	IF from_month IS NULL OR to_month IS NULL OR from_month > to_month THEN
		RAISE EXCEPTION 'invalid range of months: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF to_month > from_month + interval '20 years' THEN
		RAISE EXCEPTION 'too many months: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'At most 20 years at a time.';
	END IF;
	-- one at a time: two loads making the same month would collide (42P07)
	PERFORM pg_advisory_xact_lock(hashtext('medaid.ensure_settlement_partitions'));
	m := date_trunc('month', from_month)::date;
	WHILE m <= to_month LOOP
		part := format('settlement_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
		IF to_regclass(format('medaid.%I', part)) IS NULL THEN
			-- rows of the month waiting in the default partition move in
			EXECUTE format('CREATE TABLE medaid.%I (LIKE medaid.settlement INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)', part);
			ALTER TABLE medaid.settlement_default DISABLE TRIGGER USER;
			EXECUTE format('WITH moved AS (DELETE FROM medaid.settlement_default WHERE settle_date >= %L AND settle_date < %L RETURNING *)
							INSERT INTO medaid.%I (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses)
							SELECT settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses FROM moved',
						   m, (m + interval '1 month')::date, part);
			ALTER TABLE medaid.settlement_default ENABLE TRIGGER USER;
			EXECUTE format('CREATE INDEX %I ON medaid.%I (id_number, settle_date)', part || '_person', part);
			EXECUTE format('CREATE INDEX %I ON medaid.%I (settlement_id)', part || '_id', part);
			-- no statistics of regions (14_region_lookups)
			EXECUTE format('ALTER TABLE medaid.%I ALTER COLUMN region SET STATISTICS 0', part);
			EXECUTE format('ALTER TABLE medaid.settlement ATTACH PARTITION medaid.%I FOR VALUES FROM (%L) TO (%L)',
						   part, m, (m + interval '1 month')::date);
			EXECUTE format('CREATE TRIGGER settlement_partition_guard BEFORE INSERT ON medaid.%I FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_partition_guard()', part);
			EXECUTE format('COMMENT ON TABLE medaid.%I IS %L', part, format('settlements of %s', to_char(m, 'YYYY-MM')));
			made := made + 1;
		END IF;
		m := (m + interval '1 month')::date;
	END LOOP;
	IF made > 0 THEN
		INSERT INTO medaid.audit_log (action, month, counts, detail)
		VALUES ('partition_create', date_trunc('month', from_month)::date, jsonb_build_object('made', made),
				jsonb_build_object('to_month', date_trunc('month', to_month)::date));
	END IF;
	RETURN made;
END
$function$
;

CREATE OR REPLACE FUNCTION medaid.load_settlements(load_id bigint, OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	l medaid.settlement_load%ROWTYPE;
BEGIN
	SELECT * INTO l FROM medaid.settlement_load x WHERE x.load_id = load_settlements.load_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'settlement load % does not exist', load_settlements.load_id
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Open one with medaid.open_settlement_load().';
	END IF;
	IF l.loaded_at IS NOT NULL THEN
		rows_staged := l.rows_staged; accepted := l.accepted; rejected := l.rejected;
		RETURN;
	END IF;
	-- the steps: each row on its own, against the others and the loaded
	-- settlements, then the good ones loaded and the refused recorded
	PERFORM medaid.settlement_load_judge_rows(l.load_id);
	PERFORM medaid.settlement_load_judge_ids();
	SELECT w.rows_staged, w.accepted, w.rejected INTO rows_staged, accepted, rejected
	FROM medaid.settlement_load_write(l.load_id) w;
	DROP TABLE pg_temp.medaid_settlement_rows;
END
$function$
;

CREATE OR REPLACE FUNCTION medaid.reconcile(batch_id bigint, OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint, OUT exits bigint, OUT rows_staged bigint, OUT already_reconciled boolean)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
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

	rows_staged := medaid.reconcile_judge(b.batch_id);
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
$function$
;

CREATE OR REPLACE FUNCTION medaid.run_monthly_warnings(month date, OUT month_computed date, OUT people_assessed bigint, OUT warned bigint, OUT new_warnings bigint, OUT continuing bigint, OUT mode text)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	m_start date;
	prev_start date;
	y integer;
	stamp bigint;
	digest text;
	base record;
	base_run_id bigint;
	base_watermark bigint;
BEGIN
	IF run_monthly_warnings.month IS NULL OR NOT isfinite(run_monthly_warnings.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(run_monthly_warnings.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Give any day of the month to compute.';
	END IF;
	m_start := date_trunc('month', run_monthly_warnings.month)::date;
	prev_start := (m_start - interval '1 month')::date;
	y := extract(year FROM m_start)::integer;
	-- one run of a month at a time
	PERFORM pg_advisory_xact_lock(hashtext('medaid.run_monthly_warnings'), y * 100 + extract(month FROM m_start)::integer);
	-- Loads and category changes take ROW EXCLUSIVE on burden_year before
	-- they take a stamp: once this lock is held, every stamp up to it is
	-- committed (and seen by this run's statements, in READ COMMITTED), and
	-- every later change gets a larger one.
	LOCK TABLE medaid.burden_year IN SHARE MODE;
	stamp := nextval('medaid.burden_change_seq');
	digest := medaid.warning_config_digest(y);

	-- incremental when the previous month of the year was computed, with the
	-- same configuration, and its warnings are still those of its last run
	IF m_start > make_date(y, 1, 1) THEN
		SELECT r.run_id, r.watermark, r.config_digest, r.warned INTO base
		FROM medaid.warning_run r WHERE r.month = prev_start
		ORDER BY r.run_id DESC LIMIT 1;
		IF FOUND AND base.watermark IS NOT NULL AND base.config_digest = digest
		   AND base.warned = (SELECT count(*) FROM medaid.warning p WHERE p.month = prev_start) THEN
			base_run_id := base.run_id;
			base_watermark := base.watermark;
		END IF;
	END IF;

	-- the steps: whom to compute, their thresholds, the month's warnings
	PERFORM medaid.warning_run_people(m_start, base_watermark);
	PERFORM medaid.warning_run_thresholds(m_start);
	SELECT w.people_assessed, w.warned, w.new_warnings, w.continuing
	INTO people_assessed, warned, new_warnings, continuing
	FROM medaid.warning_run_write(m_start, base_run_id, stamp, digest) w;
	mode := CASE WHEN base_run_id IS NOT NULL THEN 'incremental' ELSE 'full' END;
	month_computed := m_start;
	DROP TABLE pg_temp.medaid_assessed;
	DROP TABLE pg_temp.medaid_todo;
END
$function$
;

-------------------------------------------------------------------------------
-- Owners and privileges of the new functions (16_privileges)
-------------------------------------------------------------------------------

-- the internal steps: medaid_owner's alone
DO $steps$
DECLARE
	fn text;
BEGIN
	FOREACH fn IN ARRAY ARRAY['medaid.reconcile_judge(bigint)', 'medaid.reconcile_apply_delta(bigint)',
			'medaid.reconcile_delta_event(medaid.batch, integer, medaid.cnid, medaid.category, text, date)',
			'medaid.reconcile_apply_snapshot(bigint)', 'medaid.reconcile_record(bigint, bigint, bigint)',
			'medaid.warning_run_people(date, bigint)', 'medaid.warning_run_thresholds(date)',
			'medaid.warning_run_write(date, bigint, bigint, text)', 'medaid.settlement_load_judge_rows(bigint)',
			'medaid.settlement_load_judge_ids()', 'medaid.settlement_load_write(bigint)']
	LOOP
		EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO medaid_owner', fn);
		EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
	END LOOP;
END
$steps$;

-- the region lookups: SECURITY DEFINER, owned by medaid_owner, for the
-- region-limited roles; registered_in_regions is medaid's own
ALTER FUNCTION medaid.person_lookup(medaid.cnid) OWNER TO medaid_owner;
ALTER FUNCTION medaid.category_periods_of(medaid.cnid) OWNER TO medaid_owner;
ALTER FUNCTION medaid.settlements_of(medaid.cnid, date, date) OWNER TO medaid_owner;
ALTER FUNCTION medaid.warnings_of(medaid.cnid) OWNER TO medaid_owner;
ALTER FUNCTION medaid.enrollments_of(medaid.cnid) OWNER TO medaid_owner;
ALTER FUNCTION medaid.roster_changes_of(medaid.cnid) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.registered_in_regions(medaid.cnid, name), medaid.person_lookup(medaid.cnid),
	medaid.category_periods_of(medaid.cnid), medaid.settlements_of(medaid.cnid, date, date),
	medaid.warnings_of(medaid.cnid), medaid.enrollments_of(medaid.cnid), medaid.roster_changes_of(medaid.cnid)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.registered_in_regions(medaid.cnid, name) TO medaid_owner;
GRANT EXECUTE ON FUNCTION medaid.person_lookup(medaid.cnid), medaid.category_periods_of(medaid.cnid),
	medaid.settlements_of(medaid.cnid, date, date), medaid.warnings_of(medaid.cnid), medaid.enrollments_of(medaid.cnid)
	TO medaid_county;
GRANT EXECUTE ON FUNCTION medaid.roster_changes_of(medaid.cnid) TO medaid_county, medaid_civil_affairs, medaid_rural;

-------------------------------------------------------------------------------
-- Comments: of the new functions, and those that cite docs/rules.md
-------------------------------------------------------------------------------

COMMENT ON FUNCTION medaid.category_periods_of(medaid.cnid) IS 'the category periods of a person registered in the caller''s regions (all of them, as the policy shows), by valid_from, through an index; none for anyone else';
COMMENT ON FUNCTION medaid.enrollments_of(medaid.cnid) IS 'the enrolments of a person registered in the caller''s regions, by year, through an index; none for anyone else (enrolments placed in the caller''s regions of people registered elsewhere are found by region)';
COMMENT ON FUNCTION medaid.load_settlements(bigint) IS 'judge every staged row of a settlement load: load the good ones into settlement (making partitions as needed), record each refused row with its reason in settlement_rejected; returns the counts; again changes nothing. Its steps: settlement_load_judge_rows, settlement_load_judge_ids, settlement_load_write';
COMMENT ON FUNCTION medaid.person_lookup(medaid.cnid) IS 'the register''s row of a person registered in the caller''s regions, through an index; no row for anyone else (the same for an ID of another county as for an ID nobody has)';
COMMENT ON FUNCTION medaid.reconcile(bigint) IS 'judge and apply every staged row of a batch once (docs/rules.md §7): returns applied, duplicates, anomalies, exits (categories a snapshot ended by omission), rows_staged, and already_reconciled when called again (which changes nothing); all or nothing; runs its steps reconcile_judge, reconcile_apply_delta or reconcile_apply_snapshot, and reconcile_record';
COMMENT ON FUNCTION medaid.reconcile_apply_delta(bigint) IS 'step 2 of reconcile, for it alone, for a delta batch (as its owner; SECURITY INVOKER): applies the accepted rows of medaid_judged in order of event date and row, each judged by reconcile_delta_event; an applied add or change starts its category, and every applied event updates the person and is logged in roster_change';
COMMENT ON FUNCTION medaid.reconcile_apply_snapshot(bigint) IS 'step 2 of reconcile, for it alone, for a snapshot (as its owner; SECURITY INVOKER): refuses a snapshot with no acceptable row (55000); ends on the next month''s first day the categories of the department it omits (but for people whose rows are all anomalies), starts those its accepted rows name and are not held; returns the categories ended by omission';
COMMENT ON FUNCTION medaid.reconcile_delta_event(medaid.batch,integer,medaid.cnid,medaid.category,pg_catalog.text,pg_catalog.date) IS 'part of step 2 of reconcile, for it alone (run by reconcile_apply_delta, as reconcile''s owner; SECURITY INVOKER): the outcome and reason of one delta event (batch, row, ID, category, event, date) against the register as the earlier events left it, and whether it starts its category; an applied exit ends the period active on the date, a change the person''s other categories of the department';
COMMENT ON FUNCTION medaid.reconcile_judge(bigint) IS 'step 1 of reconcile, for it alone (as its owner; SECURITY INVOKER): judges every staged row of the batch into the temporary table medaid_judged (normalised fields; anomalies for missing or invalid fields, false records 去假 and names that do not match; in a snapshot, duplicates for further rows 剔重 and categories already held); returns the rows staged';
COMMENT ON FUNCTION medaid.reconcile_record(bigint,bigint,bigint) IS 'step 3 of reconcile, for it alone (as its owner; SECURITY INVOKER): writes every row''s outcome to roster_result, returns the anomalies to their department (回传) and closes the earlier returns a row now accepted corrects, checks that every row has one outcome, stores the counts on the batch, writes the audit log (reconcile, anomaly_return) and drops medaid_judged; given the rows staged and the exits, returns applied, duplicates, anomalies';
COMMENT ON FUNCTION medaid.region_ranges(pg_catalog.name) IS 'the caller''s regions (region_patterns) as ranges of 6-digit region codes, lo <= region <= hi, none inside another: what an index condition on a region column needs';
COMMENT ON FUNCTION medaid.registered_in_regions(medaid.cnid,pg_catalog.name) IS 'whether the person with this ID is registered (person.region) in the regions of a role, probing the index person_region_lookup with the region in its condition, so that a person of another region is never fetched; for medaid''s own lookups';
COMMENT ON FUNCTION medaid.roster_changes_of(medaid.cnid) IS 'the roster changes of a person that the caller''s policies show (placed in the caller''s regions; for a department, of its own categories), through the index roster_change_region_lookup with region and category in its condition, so that no other row is fetched';
COMMENT ON FUNCTION medaid.run_monthly_warnings(pg_catalog.date) IS 'compute month M''s warnings (docs/rules.md §7): replaces the month''s rows of warning, records the run; idempotent. When the previous month of the year ran with the same configuration it computes only the people changed since, from their burden states, and carries the other warnings on; otherwise everyone. Either way the result is the same as computing everyone from the settlements (warning_check compares). Its steps: warning_run_people, warning_run_thresholds, warning_run_write';
COMMENT ON FUNCTION medaid.settlement_load_judge_ids() IS 'step 2 of load_settlements, for it alone (docs/rules.md §4): refuses, in pg_temp.medaid_settlement_rows, the good rows whose id is already in the file (duplicate_in_load: the first stands) or loaded (duplicate_settlement_id), and the reversals that negate no settlement of the file or loaded before as the rules ask (reversal_not_found, reversal_other_person, reversal_of_reversal, reversal_amounts, reversal_before_original, reversed_twice)';
COMMENT ON FUNCTION medaid.settlement_load_judge_rows(bigint) IS 'step 1 of load_settlements, for it alone (docs/rules.md §4): every staged row of the load, each on its own, into pg_temp.medaid_settlement_rows: its fields parsed, and the reason it is refused (missing_settlement_id, id_<cnid reason>, bad_date, future_date, bad_region, bad_amount, negative_amount, paid_more_than_total), NULL when it is good';
COMMENT ON FUNCTION medaid.settlement_load_write(bigint) IS 'step 3 of load_settlements, for it alone (docs/rules.md §4): the good rows of pg_temp.medaid_settlement_rows into settlement (making the partitions of their months), each refused row with its reason and masked ID into settlement_rejected; records the counts in the load''s row and the audit log, and returns them';
COMMENT ON FUNCTION medaid.settlements_of(medaid.cnid,pg_catalog.date,pg_catalog.date) IS 'the settlements, dated from_date to to_date (both included), of a person registered in the caller''s regions (all of them, wherever settled, as the policy shows), through an index; none for anyone else: settlements placed in the caller''s regions of people registered elsewhere are found by region (SELECT ... FROM medaid.settlement WHERE region = ...)';
COMMENT ON FUNCTION medaid.warning_run_people(pg_catalog.date,bigint) IS 'step 1 of run_monthly_warnings, for it alone (docs/rules.md §4): the people the run of the month starting month_start computes, into pg_temp.medaid_todo with their latest region, burden and settlements up to the month''s end: everyone with settlements in the year when base_watermark is NULL (full), else those changed since the base run of that watermark or whose categories start or end in the month (incremental)';
COMMENT ON FUNCTION medaid.warning_run_thresholds(pg_catalog.date) IS 'step 2 of run_monthly_warnings, for it alone (docs/rules.md §4): the thresholds of the people in pg_temp.medaid_todo, into pg_temp.medaid_assessed: the categories active on the month''s last day, the ratio that applies (ordinary when none is active; none: no warning), the province of the latest settlement; a province without the income of the year before is an error naming it and the year';
COMMENT ON FUNCTION medaid.warning_run_write(pg_catalog.date,bigint,bigint,pg_catalog.text) IS 'step 3 of run_monthly_warnings, for it alone (docs/rules.md §4): replaces the month''s warnings with those of pg_temp.medaid_assessed over their threshold and, when base_run_id is not NULL (incremental), the base month''s warnings of everyone not computed, carried; is_new against the warnings of the month before; records the run (with stamp as its watermark in READ COMMITTED, and the configuration digest) and its audit entry; returns the counts';
COMMENT ON FUNCTION medaid.warnings_of(medaid.cnid) IS 'the warnings of a person registered in the caller''s regions, by month, through an index; none for anyone else (warnings placed in the caller''s regions of people registered elsewhere are found by region)';
COMMENT ON VIEW medaid.participation_ledger IS 'the participation ledger (参保台账, 20号 §一): one row per recipient and year (a category held on at least one day of the year, docs/rules.md §7), with the most favourable category held that year, the region of the latest applied roster row and the enrolment, wherever it was made';
COMMENT ON COLUMN medaid.participation_ledger.enrolled IS 'whether enrollment has a row for the person and year, in any region or scheme, with or without subsidy (docs/rules.md §7)';
COMMENT ON COLUMN medaid.participation_ledger.region IS 'the region of the recipient''s latest applied roster row (docs/rules.md §7)';
COMMENT ON FUNCTION medaid.enrollment_categories(medaid.cnid,integer,pg_catalog.text,pg_catalog.date) IS 'the categories a person holds on a day as the register knows them now (as the caller may read it), for enrollment_subsidy: each with whether the insured place has a fixed-amount rule for it in the year (the longest prefix with a row) and the rule''s amount, and ord, its place in the region''s order for the year (1 the most favourable; the default order breaks ties); no rows when an argument is NULL';
