-------------------------------------------------------------------------------
-- The monthly push to civil affairs and rural revitalisation, the cities'
-- own lists, follow-up of warned people, settlement summaries
-------------------------------------------------------------------------------

CREATE TABLE medaid.warning_route (
	category text NOT NULL CHECK (category IN ('tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing', 'ordinary')),
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	PRIMARY KEY (category, dept)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.warning_route', '');
COMMENT ON TABLE medaid.warning_route IS
'which department receives the warnings of a category (configuration, kept by pg_dump); a category without rows goes to both civil_affairs and rural (33号 §四: 每月推送至民政和乡村振兴部门)';
COMMENT ON COLUMN medaid.warning_route.category IS 'the warning''s category, or ordinary';
COMMENT ON COLUMN medaid.warning_route.dept IS 'civil_affairs or rural';

CREATE TABLE medaid.warning_push (
	month date NOT NULL,
	id_number medaid.cnid NOT NULL,
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	pushed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	pushed_by name NOT NULL DEFAULT SESSION_USER,
	region text,
	PRIMARY KEY (id_number, month, dept)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.warning_push', '');
COMMENT ON TABLE medaid.warning_push IS 'every warning pushed to a department: when and by whom';
COMMENT ON COLUMN medaid.warning_push.month IS 'the warning''s month';
COMMENT ON COLUMN medaid.warning_push.id_number IS 'the person';
COMMENT ON COLUMN medaid.warning_push.dept IS 'the department it went to';
COMMENT ON COLUMN medaid.warning_push.pushed_at IS 'when';
COMMENT ON COLUMN medaid.warning_push.pushed_by IS 'who';
COMMENT ON COLUMN medaid.warning_push.region IS 'the person''s region in the register when pushed, else the warning''s (insured place): the department''s staff of that region see the push and its warning (row-level security)';

CREATE VIEW medaid.warning_pending AS
	SELECT w.month, d.dept, medaid.cnid_mask(w.id_number) AS id_masked, w.category, w.annual_burden,
		   w.threshold, w.first_crossed_on, w.is_new, w.region
	FROM medaid.warning w
	CROSS JOIN (VALUES ('civil_affairs'), ('rural')) AS d(dept)
	WHERE (EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category AND r.dept = d.dept)
		   OR NOT EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category))
	  AND NOT EXISTS (SELECT FROM medaid.warning_push p
					  WHERE p.id_number OPERATOR(medaid.=) w.id_number AND p.month = w.month AND p.dept = d.dept);
COMMENT ON VIEW medaid.warning_pending IS 'warnings a department should have and has not yet been pushed (IDs masked)';
COMMENT ON COLUMN medaid.warning_pending.month IS 'the warning''s month';
COMMENT ON COLUMN medaid.warning_pending.dept IS 'the department still to receive it';
COMMENT ON COLUMN medaid.warning_pending.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_pending.category IS 'the warning''s category';
COMMENT ON COLUMN medaid.warning_pending.annual_burden IS 'burden of the year up to the month''s end';
COMMENT ON COLUMN medaid.warning_pending.threshold IS 'the threshold';
COMMENT ON COLUMN medaid.warning_pending.first_crossed_on IS 'the day the threshold was first exceeded';
COMMENT ON COLUMN medaid.warning_pending.is_new IS 'new this month';
COMMENT ON COLUMN medaid.warning_pending.region IS 'the insured place';

CREATE FUNCTION medaid.push_warnings(month date, dept text)
	RETURNS TABLE (id_number medaid.cnid, category text, annual_burden numeric, threshold numeric,
				   first_crossed_on date, is_new boolean, region text)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	m date;
	n bigint;
	pushed_ids medaid.cnid[];
BEGIN
	IF push_warnings.dept IS NULL OR push_warnings.dept NOT IN ('civil_affairs', 'rural') THEN
		RAISE EXCEPTION 'invalid department: %', coalesce(quote_literal(push_warnings.dept), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Warnings go to civil_affairs (民政) and rural (乡村振兴).';
	END IF;
	IF push_warnings.month IS NULL OR NOT isfinite(push_warnings.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(push_warnings.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	m := date_trunc('month', push_warnings.month)::date;
	WITH due AS (
		SELECT w.* FROM medaid.warning w
		WHERE w.month = m
		  AND (EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category AND r.dept = push_warnings.dept)
			   OR NOT EXISTS (SELECT FROM medaid.warning_route r WHERE r.category = w.category))
		  AND NOT EXISTS (SELECT FROM medaid.warning_push p
						  WHERE p.id_number OPERATOR(medaid.=) w.id_number AND p.month = w.month AND p.dept = push_warnings.dept)
	), pushed AS (
		-- a push running at the same time has delivered a row already: it
		-- is not delivered twice (and no unique violation names the person)
		INSERT INTO medaid.warning_push (month, id_number, dept, region)
		SELECT m, d.id_number, push_warnings.dept, COALESCE(pe.region, d.region)
		FROM due d LEFT JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) d.id_number
		ON CONFLICT (id_number, month, dept) DO NOTHING
		RETURNING warning_push.id_number
	)
	SELECT array_agg(p.id_number) INTO pushed_ids FROM pushed p;
	n := coalesce(cardinality(pushed_ids), 0);
	-- the pushed rows' warnings, looked up by ID in one pass (a join of the
	-- pushed rows to the month's warnings, planned on statistics that do
	-- not yet know the month, became a nested loop: quadratic)
	RETURN QUERY
	SELECT w.id_number, w.category, w.annual_burden, w.threshold, w.first_crossed_on, w.is_new, w.region
	FROM medaid.warning w
	WHERE w.month = m AND w.id_number OPERATOR(medaid.=) ANY (pushed_ids)
	ORDER BY w.region, w.annual_burden DESC;
	INSERT INTO medaid.audit_log (action, month, dept, counts)
	VALUES ('warning_push', m, push_warnings.dept, jsonb_build_object('pushed', n));
END
$$;
COMMENT ON FUNCTION medaid.push_warnings(date, text) IS
'push a month''s warnings to a department: returns those not yet pushed to it (by warning_route) and records the push (who, when); pushing again returns only what is new since';

-- A city's own warning list (各市对照本地监测预警结果复核)
CREATE TABLE medaid.city_warning (
	city text NOT NULL CHECK (city ~ '^[0-9]{4}$'),
	month date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
	id_number medaid.cnid NOT NULL,
	annual_burden numeric NOT NULL,
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	PRIMARY KEY (id_number, month, city)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.city_warning', '');
COMMENT ON TABLE medaid.city_warning IS 'a city''s own warning list for a month (COPY target), compared with the province''s in warning_city_comparison';
COMMENT ON COLUMN medaid.city_warning.city IS 'the city: the first four digits of region codes (3701 Jinan)';
COMMENT ON COLUMN medaid.city_warning.month IS 'the month (first day)';
COMMENT ON COLUMN medaid.city_warning.id_number IS 'the person the city warned';
COMMENT ON COLUMN medaid.city_warning.annual_burden IS 'the burden the city computed';
COMMENT ON COLUMN medaid.city_warning.loaded_at IS 'when the list was loaded';

CREATE VIEW medaid.warning_city_comparison AS
	SELECT coalesce(c.city, substr(p.region, 1, 4)) AS city, coalesce(c.month, p.month) AS month,
		   medaid.cnid_mask(coalesce(c.id_number, p.id_number)) AS id_masked,
		   p.annual_burden AS province_burden, c.annual_burden AS city_burden,
		   CASE WHEN c.id_number IS NULL THEN 'only_province'
				WHEN p.id_number IS NULL THEN 'only_city'
				WHEN p.annual_burden <> c.annual_burden THEN 'amount_differs'
				ELSE 'same'
		   END AS status
	FROM (SELECT w.* FROM medaid.warning w
		  WHERE EXISTS (SELECT FROM medaid.city_warning x
						WHERE x.city = substr(w.region, 1, 4) AND x.month = w.month)) p
	FULL JOIN medaid.city_warning c
	  ON c.id_number OPERATOR(medaid.=) p.id_number AND c.month = p.month AND c.city = substr(p.region, 1, 4);
COMMENT ON VIEW medaid.warning_city_comparison IS
'the province''s warnings against a city''s own list, for the months the city loaded: who is only in one, whose amounts differ (IDs masked)';
COMMENT ON COLUMN medaid.warning_city_comparison.city IS 'the city';
COMMENT ON COLUMN medaid.warning_city_comparison.month IS 'the month';
COMMENT ON COLUMN medaid.warning_city_comparison.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_city_comparison.province_burden IS 'the province''s burden, NULL if the province did not warn';
COMMENT ON COLUMN medaid.warning_city_comparison.city_burden IS 'the city''s burden, NULL if the city did not warn';
COMMENT ON COLUMN medaid.warning_city_comparison.status IS 'only_province, only_city, amount_differs or same';

CREATE VIEW medaid.warning_follow_up AS
	WITH warned AS (
		SELECT w.id_number, min(w.month) AS first_month
		FROM medaid.warning w
		GROUP BY w.id_number, date_part('year', w.month)
	)
	SELECT medaid.cnid_mask(s.id_number) AS id_masked, s.id_number,
		   date_trunc('month', s.settle_date)::date AS month, count(*) AS settlements,
		   sum(s.total) AS total, sum(s.fund_paid) AS fund_paid, sum(s.critical_paid) AS critical_paid,
		   sum(s.assistance_paid) AS assistance_paid, sum(s.burden) AS burden
	FROM warned w
	JOIN medaid.settlement s ON s.id_number OPERATOR(medaid.=) w.id_number
	 AND s.settle_date >= w.first_month
	 AND s.settle_date < make_date(date_part('year', w.first_month)::integer + 1, 1, 1)
	GROUP BY s.id_number, date_trunc('month', s.settle_date);
COMMENT ON VIEW medaid.warning_follow_up IS
'warned people followed month by month from their first warning of the year: settlements, costs, fund, critical-illness and assistance payments, personal burden (20号 §三: 动态跟踪)';
COMMENT ON COLUMN medaid.warning_follow_up.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_follow_up.id_number IS 'the person (restricted: full ID)';
COMMENT ON COLUMN medaid.warning_follow_up.month IS 'the month';
COMMENT ON COLUMN medaid.warning_follow_up.settlements IS 'settlements in it (reversals included)';
COMMENT ON COLUMN medaid.warning_follow_up.total IS 'total cost';
COMMENT ON COLUMN medaid.warning_follow_up.fund_paid IS 'basic insurance fund payments';
COMMENT ON COLUMN medaid.warning_follow_up.critical_paid IS 'critical-illness insurance payments';
COMMENT ON COLUMN medaid.warning_follow_up.assistance_paid IS 'medical-assistance payments';
COMMENT ON COLUMN medaid.warning_follow_up.burden IS 'personal burden';

CREATE FUNCTION medaid.settlement_summary(id medaid.cnid, from_date date DEFAULT NULL, to_date date DEFAULT NULL,
		OUT from_on date, OUT to_on date, OUT settlements bigint, OUT total numeric, OUT fund_paid numeric,
		OUT critical_paid numeric, OUT assistance_paid numeric, OUT burden numeric,
		OUT first_settled_on date, OUT last_settled_on date)
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	pats text[] := medaid.region_patterns(medaid.caller());
	registered boolean;
BEGIN
	from_on := COALESCE(from_date, (COALESCE(to_date, CURRENT_DATE) - interval '1 year')::date + 1);
	to_on := COALESCE(to_date, CURRENT_DATE);
	-- a person registered in the caller's regions: every settlement;
	-- anyone else (an applicant, 33号 §四): those settled in them
	registered := EXISTS (SELECT FROM medaid.person p
						  WHERE p.id_number OPERATOR(medaid.=) settlement_summary.id AND p.region LIKE ANY (pats));
	SELECT count(s.settlement_id), COALESCE(sum(s.total), 0), COALESCE(sum(s.fund_paid), 0),
		   COALESCE(sum(s.critical_paid), 0), COALESCE(sum(s.assistance_paid), 0), COALESCE(sum(s.burden), 0),
		   min(s.settle_date), max(s.settle_date)
	INTO settlement_summary.settlements, settlement_summary.total, settlement_summary.fund_paid,
		 settlement_summary.critical_paid, settlement_summary.assistance_paid, settlement_summary.burden,
		 settlement_summary.first_settled_on, settlement_summary.last_settled_on
	FROM medaid.settlement s
	WHERE s.id_number OPERATOR(medaid.=) settlement_summary.id
	  AND s.settle_date >= settlement_summary.from_on AND s.settle_date <= settlement_summary.to_on
	  AND (registered OR s.region LIKE ANY (pats));
	-- settlement data given to civil affairs is recorded (never the full ID)
	INSERT INTO medaid.audit_log (action, counts, detail)
	VALUES ('settlement_summary', jsonb_build_object('settlements', settlement_summary.settlements),
			jsonb_build_object('id_masked', medaid.cnid_mask(settlement_summary.id),
							   'from', settlement_summary.from_on, 'to', settlement_summary.to_on));
END
$$;
COMMENT ON FUNCTION medaid.settlement_summary(medaid.cnid, date, date) IS
'a person''s settlements and totals over a date range (both ends included), the 12 months up to today by default: what civil affairs asks for to decide 因病致贫重病患者 status (33号 §四); counts only settlements the caller''s regions may see (all of a person registered in them, otherwise those settled in them); every call is audited';

