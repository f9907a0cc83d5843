-------------------------------------------------------------------------------
-- Lookups by ID for region-limited roles (docs/rules.md §6).  Under
-- row-level security a condition on id_number is checked after the policy
-- (the cnid operators are not LEAKPROOF, see 02_cnid), so a county's direct
-- SELECT ... WHERE id_number = ... is correct but scans what it may see.
-- These SECURITY DEFINER functions look the ID up through an index and
-- return what the caller's policies show, and never fetch a row the caller
-- may not see: the region is part of the index condition
-- (person_region_lookup, roster_change_region_lookup), so the cumulative
-- statistics (pg_stat_xact_user_tables.idx_tup_fetch, readable by anyone)
-- of an ID of another county are those of an ID nobody has.
-------------------------------------------------------------------------------

-- No statistics of the region columns of the tables region-limited roles
-- read.  Text comparisons are leakproof, so the planner estimates a
-- county's condition region = '370103' from the statistics of all rows,
-- hidden ones included: plain EXPLAIN would give roughly how many people,
-- settlements or warnings another county has.  Without statistics every
-- region gets the same default estimate.  (ensure_settlement_partitions does
-- the same for each new partition of settlement.)
ALTER TABLE medaid.person ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.roster_change ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.anomaly_return ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.monthly_review ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.settlement ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.warning ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.warning ALTER COLUMN province SET STATISTICS 0;
ALTER TABLE medaid.warning_push ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.city_warning ALTER COLUMN city SET STATISTICS 0;
ALTER TABLE medaid.enrollment ALTER COLUMN region SET STATISTICS 0;

-- (PL/pgSQL, whose plans are kept for the session: a SQL function with SET
-- is not inlined and is planned again at every call, ~0.2 ms)
CREATE FUNCTION medaid.region_ranges(who name) RETURNS TABLE (lo text, hi text)
	LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.region_ranges(name) IS
'the caller''s regions (region_patterns) as ranges of 6-digit region codes, lo <= region <= hi, none inside another: what an index condition on a region column needs';

-- whether a person is registered in the regions of who, found through
-- person_region_lookup alone: a person of another region is never fetched
CREATE FUNCTION medaid.registered_in_regions(id medaid.cnid, who name) RETURNS boolean
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.registered_in_regions(medaid.cnid, name) IS
'whether the person with this ID is registered (person.region) in the regions of a role, probing the index person_region_lookup with the region in its condition, so that a person of another region is never fetched; for medaid''s own lookups';

CREATE FUNCTION medaid.person_lookup(id medaid.cnid) RETURNS SETOF medaid.person
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT p.* FROM medaid.person p WHERE p.id_number OPERATOR(medaid.=) id;
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.person_lookup(medaid.cnid) IS
'the register''s row of a person registered in the caller''s regions, through an index; no row for anyone else (the same for an ID of another county as for an ID nobody has)';

CREATE FUNCTION medaid.category_periods_of(id medaid.cnid) RETURNS SETOF medaid.category_period
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT c.* FROM medaid.category_period c
					 WHERE c.id_number OPERATOR(medaid.=) id ORDER BY c.valid_from, c.period_id;
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.category_periods_of(medaid.cnid) IS
'the category periods of a person registered in the caller''s regions (all of them, as the policy shows), by valid_from, through an index; none for anyone else';

CREATE FUNCTION medaid.settlements_of(id medaid.cnid, from_date date DEFAULT '-infinity', to_date date DEFAULT 'infinity')
	RETURNS SETOF medaid.settlement
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT s.* FROM medaid.settlement s
					 WHERE s.id_number OPERATOR(medaid.=) id AND s.settle_date >= from_date AND s.settle_date <= to_date
					 ORDER BY s.settle_date, s.settlement_id;
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.settlements_of(medaid.cnid, date, date) IS
'the settlements, dated from_date to to_date (both included), of a person registered in the caller''s regions (all of them, wherever settled, as the policy shows), through an index; none for anyone else: settlements placed in the caller''s regions of people registered elsewhere are found by region (SELECT ... FROM medaid.settlement WHERE region = ...)';

CREATE FUNCTION medaid.warnings_of(id medaid.cnid) RETURNS SETOF medaid.warning
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT w.* FROM medaid.warning w WHERE w.id_number OPERATOR(medaid.=) id ORDER BY w.month;
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.warnings_of(medaid.cnid) IS
'the warnings of a person registered in the caller''s regions, by month, through an index; none for anyone else (warnings placed in the caller''s regions of people registered elsewhere are found by region)';

CREATE FUNCTION medaid.enrollments_of(id medaid.cnid) RETURNS SETOF medaid.enrollment
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT e.* FROM medaid.enrollment e
					 WHERE e.id_number OPERATOR(medaid.=) id ORDER BY e.year, e.enrollment_id;
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.enrollments_of(medaid.cnid) IS
'the enrolments of a person registered in the caller''s regions, by year, through an index; none for anyone else (enrolments placed in the caller''s regions of people registered elsewhere are found by region)';

CREATE FUNCTION medaid.roster_changes_of(id medaid.cnid) RETURNS SETOF medaid.roster_change
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.roster_changes_of(medaid.cnid) IS
'the roster changes of a person that the caller''s policies show (placed in the caller''s regions; for a department, of its own categories), through the index roster_change_region_lookup with region and category in its condition, so that no other row is fetched';
