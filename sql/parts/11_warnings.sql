-------------------------------------------------------------------------------
-- Monthly high-cost warnings (高额费用监测预警, 33号 §四, 20号 §三): the
-- run, the rebuild of burden states, and the check against a full computation
-------------------------------------------------------------------------------

CREATE TABLE medaid.warning (
	month date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
	id_number medaid.cnid NOT NULL,
	category text NOT NULL,
	annual_burden numeric NOT NULL,
	threshold numeric NOT NULL,
	first_crossed_on date NOT NULL,
	is_new boolean NOT NULL,
	province text NOT NULL,
	region text NOT NULL,
	settlements bigint NOT NULL,
	PRIMARY KEY (id_number, month)
);
CREATE INDEX warning_month ON medaid.warning (month);
COMMENT ON TABLE medaid.warning IS
'high-cost warnings: for each month, everyone whose net personal burden of the year up to the month''s last day exceeds their threshold (run_monthly_warnings fills it)';
COMMENT ON COLUMN medaid.warning.month IS 'the month (first day)';
COMMENT ON COLUMN medaid.warning.id_number IS 'the person';
COMMENT ON COLUMN medaid.warning.category IS 'the active category whose ratio set the threshold (lowest ratio; equal ratios: the more favourable), or ordinary';
COMMENT ON COLUMN medaid.warning.annual_burden IS 'net personal burden of the year up to the month''s last day';
COMMENT ON COLUMN medaid.warning.threshold IS 'ratio × the province''s per-capita income of the previous year';
COMMENT ON COLUMN medaid.warning.first_crossed_on IS 'the earliest day of the year on which the burden so far exceeded the threshold';
COMMENT ON COLUMN medaid.warning.is_new IS 'not warned in the previous month of the same year';
COMMENT ON COLUMN medaid.warning.province IS 'the threshold''s province: the first two digits of the region of the person''s latest settlement of the year up to the month''s end';
COMMENT ON COLUMN medaid.warning.region IS 'that settlement''s region (the insured place)';
COMMENT ON COLUMN medaid.warning.settlements IS 'settlements of the year up to the month''s end, reversals included';

CREATE TABLE medaid.warning_run (
	run_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.batch_id_seq'),
	month date NOT NULL,
	run_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	run_by name NOT NULL DEFAULT SESSION_USER,
	mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
	base_run_id bigint,
	people_assessed bigint NOT NULL,
	warned bigint NOT NULL,
	new_warnings bigint NOT NULL,
	continuing bigint NOT NULL,
	carried bigint NOT NULL,
	watermark bigint,
	config_digest text NOT NULL
);
CREATE INDEX warning_run_month ON medaid.warning_run (month, run_id);
COMMENT ON TABLE medaid.warning_run IS 'every run of run_monthly_warnings: month, who, when, how, counts';
COMMENT ON COLUMN medaid.warning_run.run_id IS 'the run';
COMMENT ON COLUMN medaid.warning_run.month IS 'the month computed';
COMMENT ON COLUMN medaid.warning_run.run_at IS 'when';
COMMENT ON COLUMN medaid.warning_run.run_by IS 'who';
COMMENT ON COLUMN medaid.warning_run.mode IS 'full: everyone with settlements in the year was computed; incremental: only the people changed since base_run_id, the others'' warnings carried from it';
COMMENT ON COLUMN medaid.warning_run.base_run_id IS 'incremental: the run of the previous month it started from';
COMMENT ON COLUMN medaid.warning_run.people_assessed IS 'people whose burden this run computed and who have a threshold (full: everyone with settlements in the year up to the month''s end; incremental: those changed since the base run)';
COMMENT ON COLUMN medaid.warning_run.warned IS 'warnings of the month';
COMMENT ON COLUMN medaid.warning_run.new_warnings IS 'of which new';
COMMENT ON COLUMN medaid.warning_run.continuing IS 'of which continuing from the previous month';
COMMENT ON COLUMN medaid.warning_run.carried IS 'of the continuing, those carried unchanged from the base run without computing (incremental)';
COMMENT ON COLUMN medaid.warning_run.watermark IS 'the burden_change_seq stamp the run saw: changes after it are the next month''s to compute; NULL when the next run must be full (run outside READ COMMITTED)';
COMMENT ON COLUMN medaid.warning_run.config_digest IS 'digest of what thresholds depend on (warning_config_digest): a next month with another digest runs full';

CREATE FUNCTION medaid.warning_config_digest(year integer) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT md5(concat_ws('|',
		(SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'medaid'),
		(SELECT string_agg(b.province || ':' || b.per_capita_income::text, ',' ORDER BY b.province)
		 FROM medaid.income_baseline b WHERE b.year = warning_config_digest.year - 1),
		(SELECT string_agg(r.category || ':' || coalesce(r.ratio::text, '-'), ',' ORDER BY r.category)
		 FROM medaid.threshold_ratio_effective r),
		(SELECT string_agg(f.region_prefix || ':' || f.category::text || ':' || f.rank::text, ','
						   ORDER BY f.region_prefix, f.category::text)
		 FROM medaid.category_favourability f WHERE f.year = warning_config_digest.year)))
$$;
COMMENT ON FUNCTION medaid.warning_config_digest(integer) IS
'a digest of everything a year''s thresholds depend on besides people: the extension version, the previous year''s incomes, the threshold ratios, the year''s category orders';

-- The warning run in steps.  run_monthly_warnings checks, locks and picks
-- the mode, then calls them in order; they hand the run's lists on in two
-- temporary tables: pg_temp.medaid_todo (the people computed, with their
-- latest region, burden and settlements up to the month's end) and
-- pg_temp.medaid_assessed (those of them with a threshold).  Only
-- medaid_owner, in whose name run_monthly_warnings runs, may call them.

CREATE FUNCTION medaid.warning_run_people(month_start date, base_watermark bigint) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.warning_run_people(date, bigint) IS
'step 1 of run_monthly_warnings, for it alone (docs/rules.md §4): the people the run of the month starting month_start computes, into pg_temp.medaid_todo with their latest region, burden and settlements up to the month''s end: everyone with settlements in the year when base_watermark is NULL (full), else those changed since the base run of that watermark or whose categories start or end in the month (incremental)';

CREATE FUNCTION medaid.warning_run_thresholds(month_start date) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.warning_run_thresholds(date) IS
'step 2 of run_monthly_warnings, for it alone (docs/rules.md §4): the thresholds of the people in pg_temp.medaid_todo, into pg_temp.medaid_assessed: the categories active on the month''s last day, the ratio that applies (ordinary when none is active; none: no warning), the province of the latest settlement; a province without the income of the year before is an error naming it and the year';

CREATE FUNCTION medaid.warning_run_write(month_start date, base_run_id bigint, stamp bigint, digest text,
		OUT people_assessed bigint, OUT warned bigint, OUT new_warnings bigint, OUT continuing bigint)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.warning_run_write(date, bigint, bigint, text) IS
'step 3 of run_monthly_warnings, for it alone (docs/rules.md §4): replaces the month''s warnings with those of pg_temp.medaid_assessed over their threshold and, when base_run_id is not NULL (incremental), the base month''s warnings of everyone not computed, carried; is_new against the warnings of the month before; records the run (with stamp as its watermark in READ COMMITTED, and the configuration digest) and its audit entry; returns the counts';

CREATE FUNCTION medaid.run_monthly_warnings(month date,
		OUT month_computed date, OUT people_assessed bigint, OUT warned bigint,
		OUT new_warnings bigint, OUT continuing bigint, OUT mode text)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.run_monthly_warnings(date) IS
'compute month M''s warnings (docs/rules.md §7): replaces the month''s rows of warning, records the run; idempotent. When the previous month of the year ran with the same configuration it computes only the people changed since, from their burden states, and carries the other warnings on; otherwise everyone. Either way the result is the same as computing everyone from the settlements (warning_check compares). Its steps: warning_run_people, warning_run_thresholds, warning_run_write';

CREATE FUNCTION medaid.rebuild_burden_state(year integer) RETURNS bigint
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	s bigint;
	n bigint;
BEGIN
	IF rebuild_burden_state.year IS NULL THEN
		RAISE EXCEPTION 'year must not be NULL' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- no load meanwhile; every state rebuilt gets a new stamp, so the next
	-- warning run computes everyone again
	LOCK TABLE medaid.burden_year IN SHARE ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	DELETE FROM medaid.burden_year b WHERE b.year = rebuild_burden_state.year;
	INSERT INTO medaid.burden_year (id_number, year, state, last_day, changed_seq)
	SELECT x.id_number, rebuild_burden_state.year,
		   medaid.burden_state(x.settle_date, x.burden, x.settlement_id, x.region), max(x.settle_date), s
	FROM medaid.settlement x
	WHERE x.settle_date >= make_date(rebuild_burden_state.year, 1, 1)
	  AND x.settle_date < make_date(rebuild_burden_state.year + 1, 1, 1)
	GROUP BY x.id_number;
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO medaid.audit_log (action, counts, detail)
	VALUES ('burden_rebuild', jsonb_build_object('people', n), jsonb_build_object('year', rebuild_burden_state.year));
	RETURN n;
END
$$;
COMMENT ON FUNCTION medaid.rebuild_burden_state(integer) IS
'make the burden states of a year again from its settlements (after a restore of settlements alone, or to check them); returns the people; the next warning runs compute everyone';

CREATE FUNCTION medaid.warning_check(month date)
	RETURNS TABLE (id_number medaid.cnid, stored medaid.warning, computed medaid.warning)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	m_start date := date_trunc('month', warning_check.month)::date;
BEGIN
	IF warning_check.month IS NULL OR NOT isfinite(warning_check.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(warning_check.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- compute the month from the settlements, as a reference
	RETURN QUERY
	WITH m AS (
		SELECT m_start AS m_start, (m_start + interval '1 month')::date - 1 AS m_end,
			   extract(year FROM m_start)::integer AS y
	), latest AS (
		SELECT DISTINCT ON (s.id_number) s.id_number, s.region
		FROM medaid.settlement s, m
		WHERE s.settle_date >= make_date(m.y, 1, 1) AND s.settle_date <= m.m_end
		ORDER BY s.id_number, s.settle_date DESC, s.settlement_id COLLATE "C" DESC
	), assessed AS (
		SELECT x.*, r.ratio
		FROM (SELECT l.id_number, l.region, substr(l.region, 1, 2) AS province,
					 -- person by person, through category_period's index
					 CASE WHEN NOT EXISTS (SELECT FROM medaid.category_period a
										   WHERE a.id_number OPERATOR(medaid.=) l.id_number
											 AND a.valid_from <= m.m_end AND (a.valid_to IS NULL OR a.valid_to > m.m_end))
						  THEN 'ordinary'
						  ELSE (SELECT a.category::text FROM medaid.category_period a
								JOIN medaid.threshold_ratio_effective r ON r.category = a.category::text
								WHERE a.id_number OPERATOR(medaid.=) l.id_number
								  AND a.valid_from <= m.m_end AND (a.valid_to IS NULL OR a.valid_to > m.m_end)
								  AND r.ratio IS NOT NULL
								ORDER BY r.ratio, medaid.category_rank(a.category, l.region, m.m_end),
										 medaid.category_ordinal(a.category)
								LIMIT 1)
					 END AS category
			  FROM latest l, m) x
		JOIN medaid.threshold_ratio_effective r ON r.category = x.category
		WHERE r.ratio IS NOT NULL
	), computed AS (
		SELECT g.id_number, g.category, (g.b).total AS annual_burden, g.threshold, (g.b).first_crossed_on,
			   g.province, g.region, (g.b).settlements
		FROM (SELECT a.id_number, a.category, a.province, a.region, a.ratio * i.per_capita_income AS threshold,
					 medaid.annual_burden(s.settle_date, s.burden, a.ratio * i.per_capita_income) AS b
			  FROM assessed a
			  CROSS JOIN m
			  JOIN medaid.income_baseline i ON i.province = a.province AND i.year = m.y - 1
			  JOIN medaid.settlement s ON s.id_number OPERATOR(medaid.=) a.id_number
			   AND s.settle_date >= make_date(m.y, 1, 1) AND s.settle_date <= m.m_end
			  GROUP BY a.id_number, a.category, a.province, a.region, a.ratio, i.per_capita_income) g
		WHERE (g.b).total > g.threshold
	), c AS (
		SELECT ROW(m.m_start, c.id_number, c.category, c.annual_burden, c.threshold, c.first_crossed_on,
				   m.m_start = make_date(m.y, 1, 1)
				   OR NOT EXISTS (SELECT FROM medaid.warning p
								  WHERE p.id_number OPERATOR(medaid.=) c.id_number
									AND p.month = (m.m_start - interval '1 month')::date),
				   c.province, c.region, c.settlements)::medaid.warning AS w
		FROM computed c, m
	), st AS (
		SELECT w FROM medaid.warning w WHERE w.month = m_start
	)
	SELECT coalesce((st.w).id_number, (c.w).id_number), st.w, c.w
	FROM st FULL JOIN c ON (st.w).id_number OPERATOR(medaid.=) (c.w).id_number
	WHERE st.w IS DISTINCT FROM c.w;
END
$$;
COMMENT ON FUNCTION medaid.warning_check(date) IS
'compare the stored warnings of a month with a computation of everyone from the settlements (annual_burden over settlement, not the burden states): returns the rows that differ, none when they agree; run it after run_monthly_warnings, before later months'' data arrive';
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_default', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_key', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.burden_year', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.burden_change_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.warning', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.warning_run', '');
