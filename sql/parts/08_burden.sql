-------------------------------------------------------------------------------
-- Burden (33号 §四, 20号 §三): the annual_burden aggregate and thresholds
-------------------------------------------------------------------------------

CREATE TYPE medaid.burden AS (total numeric, first_crossed_on date, settlements bigint);
COMMENT ON TYPE medaid.burden IS 'the result of annual_burden';
COMMENT ON COLUMN medaid.burden.total IS 'net personal burden, yuan with two decimals';
COMMENT ON COLUMN medaid.burden.first_crossed_on IS 'the earliest day on which the running net burden of the days up to it exceeded the threshold; NULL if it never did or there is no threshold';
COMMENT ON COLUMN medaid.burden.settlements IS 'settlements counted (reversals included)';

CREATE FUNCTION medaid.annual_burden_step(internal, date, numeric, numeric) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.annual_burden_final(internal) RETURNS medaid.burden
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.annual_burden_step(internal, date, numeric, numeric) IS 'annual_burden transition: adds the settlement''s amount, in fen, to its day';
COMMENT ON FUNCTION medaid.annual_burden_combine(internal, internal) IS 'annual_burden combine: merges two partial states';
COMMENT ON FUNCTION medaid.annual_burden_serialize(internal) IS 'annual_burden serialization: a version byte, the count, the threshold, the days';
COMMENT ON FUNCTION medaid.annual_burden_deserialize(bytea, internal) IS 'annual_burden deserialization: checks the version and sizes before reading';
COMMENT ON FUNCTION medaid.annual_burden_final(internal) IS 'annual_burden final: sorts the days and runs the total; leaves the state usable';

-- The final function sorts and merges the days in place, which keeps their
-- content: the state stays valid for further transitions (window frames).
CREATE AGGREGATE medaid.annual_burden(settle_date date, burden numeric, threshold numeric) (
	SFUNC = medaid.annual_burden_step,
	STYPE = internal,
	FINALFUNC = medaid.annual_burden_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = medaid.annual_burden_combine,
	SERIALFUNC = medaid.annual_burden_serialize,
	DESERIALFUNC = medaid.annual_burden_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.annual_burden(date, numeric, numeric) IS
'net personal burden of a group of settlements (group by person and year) and the first day its running total exceeded the threshold (strictly greater); independent of input order; amounts in exact fen; parallel safe';

CREATE FUNCTION medaid.annual_burden_inverse(internal, date, numeric, numeric) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.annual_burden_inverse(internal, date, numeric, numeric) IS
'moving-aggregate inverse of trailing_burden: takes a settlement that leaves the window frame back out';

-- The same computation with moving-aggregate support, for window frames
-- such as the trailing 12 months: each row entering or leaving the frame
-- costs one step, not a recomputation of the frame.
CREATE AGGREGATE medaid.trailing_burden(settle_date date, burden numeric, threshold numeric) (
	SFUNC = medaid.annual_burden_step,
	STYPE = internal,
	FINALFUNC = medaid.annual_burden_final,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = medaid.annual_burden_combine,
	SERIALFUNC = medaid.annual_burden_serialize,
	DESERIALFUNC = medaid.annual_burden_deserialize,
	MSFUNC = medaid.annual_burden_step,
	MINVFUNC = medaid.annual_burden_inverse,
	MSTYPE = internal,
	MFINALFUNC = medaid.annual_burden_final,
	MFINALFUNC_MODIFY = READ_ONLY,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.trailing_burden(date, numeric, numeric) IS
'annual_burden with moving-aggregate support: as a window function over a frame such as RANGE BETWEEN interval ''1 year'' PRECEDING AND CURRENT ROW (ordered by settle_date) it gives the trailing-12-month burden of every row, each row entering or leaving the frame costing one step';

-- The stored burden state: one bytea per person and year (burden_year),
-- which settlement loads update, so that a monthly warning run reads one row
-- per person instead of the year's settlements.
CREATE FUNCTION medaid.burden_state_step(internal, date, numeric, text, text) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.burden_state_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION medaid.burden_state_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.burden_state_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_step(internal, date, numeric, text, text) IS 'burden_state transition: adds the settlement to its day and, if it is the latest of its month, keeps its region';
COMMENT ON FUNCTION medaid.burden_state_combine(internal, internal) IS 'burden_state combine: merges two partial states';
COMMENT ON FUNCTION medaid.burden_state_serialize(internal) IS 'burden_state serialization and final value: the stored form (version, settlements, days, each month''s latest settlement)';
COMMENT ON FUNCTION medaid.burden_state_deserialize(bytea, internal) IS 'burden_state deserialization: checks the version, sizes and order before reading';

CREATE AGGREGATE medaid.burden_state(settle_date date, burden numeric, settlement_id text, region text) (
	SFUNC = medaid.burden_state_step,
	STYPE = internal,
	FINALFUNC = medaid.burden_state_serialize,
	FINALFUNC_MODIFY = READ_ONLY,
	COMBINEFUNC = medaid.burden_state_combine,
	SERIALFUNC = medaid.burden_state_serialize,
	DESERIALFUNC = medaid.burden_state_deserialize,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.burden_state(date, numeric, text, text) IS
'the stored burden state of a group of settlements (group by person and year): per day the settlements and net burden in fen, per month the latest settlement''s region; independent of input order; parallel safe';

CREATE FUNCTION medaid.burden_state_merge(a bytea, b bytea) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_merge(bytea, bytea) IS
'the burden state of both states'' settlements (NULL counts as none); checks both';

CREATE FUNCTION medaid.burden_state_result(state bytea, through date, threshold numeric) RETURNS medaid.burden
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_result(bytea, date, numeric) IS
'what annual_burden gives for the state''s settlements dated up to and including through (NULL: all): the net burden, the first day the running total exceeded the threshold, the settlements';

CREATE FUNCTION medaid.burden_state_region(state bytea, month date) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.burden_state_region(bytea, date) IS
'the region of the state''s latest settlement up to the end of the month holding the date (by date, then settlement_id in byte order); NULL if none';

-- A state that is not internal: partial states made apart (on Citus
-- workers, per partition, per load) combine into one, across nodes too.
CREATE AGGREGATE medaid.burden_state_union(bytea) (
	SFUNC = medaid.burden_state_merge,
	STYPE = bytea,
	COMBINEFUNC = medaid.burden_state_merge,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.burden_state_union(bytea) IS
'the burden state of all the states'' settlements (burden_state_merge as an aggregate, bytea state): combines partial burden states made on different nodes or partitions; burden_state_result reads the whole';

CREATE TABLE medaid.income_baseline (
	province text NOT NULL CHECK (province ~ '^[0-9]{2}$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	per_capita_income numeric NOT NULL CHECK (per_capita_income > 0 AND per_capita_income = round(per_capita_income, 2)),
	source text,
	PRIMARY KEY (province, year)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.income_baseline', '');
COMMENT ON TABLE medaid.income_baseline IS
'each province''s per-capita disposable income of all residents (全省居民人均可支配收入) by year (configuration, kept by pg_dump): the threshold of year Y uses year Y-1';
COMMENT ON COLUMN medaid.income_baseline.province IS 'the province: the first two digits of a region code (37 Shandong)';
COMMENT ON COLUMN medaid.income_baseline.year IS 'the year the income was earned';
COMMENT ON COLUMN medaid.income_baseline.per_capita_income IS 'yuan, two decimals';
COMMENT ON COLUMN medaid.income_baseline.source IS 'where the figure comes from (statistical communiqué)';

-- The ratios of 33号 §四 are the defaults in threshold_ratio_effective; rows
-- here override them.  The table starts empty, so that pg_dump / pg_restore
-- never meets rows the install script made.
CREATE TABLE medaid.threshold_ratio (
	category text PRIMARY KEY CHECK (category IN ('tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing', 'ordinary')),
	ratio numeric CHECK (ratio > 0)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.threshold_ratio', '');
COMMENT ON TABLE medaid.threshold_ratio IS
'overrides of the burden threshold ratios (configuration, kept by pg_dump); without a row a category keeps the notices'' ratio (see threshold_ratio_effective)';
COMMENT ON COLUMN medaid.threshold_ratio.category IS 'a category slug, or ordinary';
COMMENT ON COLUMN medaid.threshold_ratio.ratio IS 'the share of the province''s previous-year per-capita income; NULL: no burden warning for this category';

CREATE VIEW medaid.threshold_ratio_effective AS
	SELECT d.category,
		   CASE WHEN t.category IS NOT NULL THEN t.ratio ELSE d.ratio END AS ratio,
		   t.category IS NOT NULL AS configured
	FROM (VALUES ('tekun', NULL::numeric), ('dibao', NULL), ('fanpin', NULL),
				 ('dibao_edge', 0.50), ('jiance', 0.50), ('zhongbing', NULL),
				 ('ordinary', 1.50)) AS d(category, ratio)
	LEFT JOIN medaid.threshold_ratio t ON t.category = d.category;
COMMENT ON VIEW medaid.threshold_ratio_effective IS
'the threshold ratio in force per category: 50 % for dibao_edge and jiance, 150 % for ordinary insured persons, none (already assisted) for tekun, dibao, fanpin, zhongbing (33号 §四, 20号 §三), unless threshold_ratio overrides it';
COMMENT ON COLUMN medaid.threshold_ratio_effective.category IS 'a category slug, or ordinary';
COMMENT ON COLUMN medaid.threshold_ratio_effective.ratio IS 'the share of income; NULL: no burden warning';
COMMENT ON COLUMN medaid.threshold_ratio_effective.configured IS 'whether a row of threshold_ratio sets it';

CREATE FUNCTION medaid.burden_threshold(province text, year integer, ratio numeric) RETURNS numeric
	LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	income numeric;
BEGIN
	IF ratio IS NULL THEN
		RETURN NULL;
	END IF;
	SELECT b.per_capita_income INTO income
	FROM medaid.income_baseline b
	WHERE b.province = burden_threshold.province AND b.year = burden_threshold.year - 1;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no per-capita income for province % in %', coalesce(province, 'NULL'), burden_threshold.year - 1
			USING ERRCODE = 'no_data_found',
				  DETAIL = format('The threshold of %s is a share of the province''s per-capita disposable income of %s.',
								  burden_threshold.year, burden_threshold.year - 1),
				  HINT = format('INSERT INTO medaid.income_baseline (province, year, per_capita_income) VALUES (%L, %s, ...);',
								province, burden_threshold.year - 1);
	END IF;
	RETURN income * ratio;
END
$$;
COMMENT ON FUNCTION medaid.burden_threshold(text, integer, numeric) IS
'ratio × the province''s per-capita income of the previous year; NULL ratio gives NULL; a missing income is an error that names the province and the year, never a fallback';

