-- Participation (20号 §一, 33号 §二): participation subsidies (参保资助), the
-- participation ledger (参保台账), suspected uninsured, participation rates
-------------------------------------------------------------------------------

-- Subsidy configuration.  Both tables start empty (pg_dump / pg_restore
-- never meets rows the install script made); a region is a province (37),
-- city (3701) or county (370102) prefix, and the longest prefix that has a
-- row decides, like category_favourability.
CREATE TABLE medaid.resident_contribution (
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	amount numeric NOT NULL CHECK (amount > 0 AND amount = round(amount, 2)),
	source text,
	PRIMARY KEY (region_prefix, year)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.resident_contribution', '');
COMMENT ON TABLE medaid.resident_contribution IS
'the personal contribution to resident basic medical insurance (居民医保个人缴费标准) per region and year (configuration, kept by pg_dump): what tekun receive in full (全额资助) and what caps a fixed amount';
COMMENT ON COLUMN medaid.resident_contribution.region_prefix IS 'a province (37), city (3701) or county (370102); for an enrolment the longest prefix of its region with a row for the year decides';
COMMENT ON COLUMN medaid.resident_contribution.year IS 'the insured year';
COMMENT ON COLUMN medaid.resident_contribution.amount IS 'yuan per person and year, two decimals';
COMMENT ON COLUMN medaid.resident_contribution.source IS 'where the figure comes from (the notice that sets it)';

CREATE TABLE medaid.subsidy_rule (
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	category medaid.category NOT NULL CHECK (category OPERATOR(medaid.<>) 'tekun'::medaid.category),
	amount numeric CHECK (amount >= 0 AND amount = round(amount, 2)),
	source text,
	PRIMARY KEY (region_prefix, year, category)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.subsidy_rule', '');
COMMENT ON TABLE medaid.subsidy_rule IS
'the fixed subsidy (定额资助) per region, year and category (configuration, kept by pg_dump): required for dibao, fanpin, dibao_edge and jiance (20号 §一); zhongbing gets a subsidy only where a row grants one; tekun is always the full contribution and has no row';
COMMENT ON COLUMN medaid.subsidy_rule.region_prefix IS 'a province (37), city (3701) or county (370102): per category, the longest prefix of the enrolment''s region with a row for the year and category decides (a city may raise one amount and inherit the others)';
COMMENT ON COLUMN medaid.subsidy_rule.year IS 'the insured year';
COMMENT ON COLUMN medaid.subsidy_rule.category IS 'the category subsidised (not tekun)';
COMMENT ON COLUMN medaid.subsidy_rule.amount IS 'yuan per person and year, two decimals, capped at the contribution; NULL: the full contribution';
COMMENT ON COLUMN medaid.subsidy_rule.source IS 'where the figure comes from';

-- Enrolments (参保), from medical insurance (33号 §一).  The first four
-- columns are docs/rules.md §8's; the subsidy columns are filled once, at
-- INSERT, by enrollment_grant, and never change (the annual lock, 33号 §二).
CREATE SEQUENCE medaid.enrollment_id_seq;
COMMENT ON SEQUENCE medaid.enrollment_id_seq IS 'enrolment ids';
CREATE TABLE medaid.enrollment (
	id_number medaid.cnid NOT NULL,
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	enrolled_on date NOT NULL,
	scheme text NOT NULL DEFAULT 'resident' CHECK (scheme IN ('resident', 'employee')),
	subsidy_category text NOT NULL
		CHECK (subsidy_category IN ('tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing', 'ordinary')),
	subsidy_amount numeric NOT NULL CHECK (subsidy_amount >= 0 AND subsidy_amount = round(subsidy_amount, 2)),
	contribution numeric CHECK (contribution > 0 AND contribution = round(contribution, 2)),
	subsidy_status text NOT NULL
		CHECK (subsidy_status IN ('granted', 'no_rule', 'ordinary', 'employee', 'unconfigured', 'duplicate', 'supplied')),
	enrollment_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.enrollment_id_seq'),
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	loaded_by name NOT NULL DEFAULT SESSION_USER,
	CONSTRAINT enrollment_window
		CHECK (enrolled_on BETWEEN make_date(year - 1, 1, 1) AND make_date(year, 12, 31)),
	CONSTRAINT enrollment_subsidy_capped
		CHECK (subsidy_status = 'supplied' OR subsidy_amount = 0 OR subsidy_amount <= contribution)
);
-- at most one subsidised enrolment per person and year
CREATE UNIQUE INDEX enrollment_one_subsidy ON medaid.enrollment (id_number, year) WHERE subsidy_amount > 0;
CREATE INDEX enrollment_year_person ON medaid.enrollment (year, id_number);
CREATE INDEX enrollment_person ON medaid.enrollment (id_number, year);
SELECT pg_catalog.pg_extension_config_dump('medaid.enrollment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('medaid.enrollment', '');
COMMENT ON TABLE medaid.enrollment IS
'enrolments in basic medical insurance (COPY target: id_number, year, region, enrolled_on[, scheme]); the subsidy is granted once at INSERT from the categories held on enrolled_on and never changes (33号 §二: 已享受的资助待遇暂不调整); any row for a year makes the person enrolled for it';
COMMENT ON COLUMN medaid.enrollment.id_number IS 'ID number of the insured person';
COMMENT ON COLUMN medaid.enrollment.year IS 'the insured year';
COMMENT ON COLUMN medaid.enrollment.region IS 'the insured place (参保地, 6 digits): it grants and pays the subsidy';
COMMENT ON COLUMN medaid.enrollment.enrolled_on IS 'the day of enrolment (contribution paid), from 1 January of year - 1 (the concentrated payment period before the year) to 31 December of year';
COMMENT ON COLUMN medaid.enrollment.scheme IS 'resident (居民基本医保, subsidised) or employee (职工医保: enrolled, no subsidy)';
COMMENT ON COLUMN medaid.enrollment.subsidy_category IS 'the subsidy category marked at enrolment (标识资助类别): of the categories held on enrolled_on, the one with the highest subsidy, ties in the region''s order; ordinary when none';
COMMENT ON COLUMN medaid.enrollment.subsidy_amount IS 'the subsidy granted, yuan (0 when none); fixed for the year';
COMMENT ON COLUMN medaid.enrollment.contribution IS 'the personal contribution in force for region and year at enrolment; NULL when not configured or not applicable';
COMMENT ON COLUMN medaid.enrollment.subsidy_status IS 'granted (by the rules, possibly 0), no_rule (zhongbing without a rule), ordinary (no category on enrolled_on), employee (employee scheme), unconfigured (no contribution of any year for the region''s province), duplicate (the person and year already have a subsidised enrolment), supplied (category and amount given by the loader)';
COMMENT ON COLUMN medaid.enrollment.enrollment_id IS 'the enrolment''s id';
COMMENT ON COLUMN medaid.enrollment.loaded_at IS 'when it was loaded';
COMMENT ON COLUMN medaid.enrollment.loaded_by IS 'who loaded it';

-- The fields of an enrolment, checked with a reason (a CHECK violation
-- would print the whole row, full ID number included).  STABLE, not
-- IMMUTABLE, though it reads no table: the catalog test takes any word that
-- names a medaid table (region) for a read.
CREATE FUNCTION medaid.enrollment_fields_check(year integer, region text, enrolled_on date, scheme text)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF year IS NULL OR region IS NULL OR enrolled_on IS NULL OR scheme IS NULL THEN
		RAISE EXCEPTION 'enrolment without %',
			CASE WHEN year IS NULL THEN 'year' WHEN region IS NULL THEN 'region'
				 WHEN enrolled_on IS NULL THEN 'enrolled_on' ELSE 'scheme' END
			USING ERRCODE = 'not_null_violation',
				  DETAIL = 'An enrolment has an ID number, a year, a region (the insured place), a day of enrolment and a scheme.';
	END IF;
	IF region !~ '^[0-9]{6}$' THEN
		RAISE EXCEPTION 'invalid enrolment region: %', quote_literal(region)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The insured place (参保地) is a 6-digit county code.';
	END IF;
	IF year NOT BETWEEN 2000 AND 2100 THEN
		RAISE EXCEPTION 'invalid enrolment year: %', year
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Years run from 2000 to 2100.';
	END IF;
	IF scheme NOT IN ('resident', 'employee') THEN
		RAISE EXCEPTION 'invalid scheme: %', quote_literal(scheme)
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The scheme is resident (居民基本医保) or employee (职工医保).';
	END IF;
	IF NOT isfinite(enrolled_on) OR enrolled_on < make_date(year - 1, 1, 1) OR enrolled_on > make_date(year, 12, 31) THEN
		RAISE EXCEPTION 'enrolled_on % is outside the enrolment window of %', enrolled_on, year
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('An enrolment for %s is made from %s (the payment period before the year) to %s.',
								  year, make_date(year - 1, 1, 1), make_date(year, 12, 31));
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_fields_check(integer, text, date, text) IS
'raises an error naming the field and value when an enrolment''s year, region, day of enrolment or scheme is missing or invalid (enrolled_on lies from 1 January of year - 1 to 31 December of year); nothing otherwise';

-- The categories a person holds on a day, with what decides their subsidy
-- in the insured place and year, for enrollment_subsidy.  One SELECT in
-- SQL, with no SET and not STRICT, so the planner inlines it into
-- enrollment_subsidy's query (no call per enrolment); hence every name
-- and operator schema-qualified.
CREATE FUNCTION medaid.enrollment_categories(id medaid.cnid, year integer, region text, on_date date)
	RETURNS TABLE (slug text, has_rule boolean, rule_amount numeric, ord bigint)
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.enrollment_categories(medaid.cnid, integer, text, date) IS
'the categories a person holds on a day as the register knows them now (as the caller may read it), for enrollment_subsidy: each with whether the insured place has a fixed-amount rule for it in the year (the longest prefix with a row) and the rule''s amount, and ord, its place in the region''s order for the year (1 the most favourable; the default order breaks ties); no rows when an argument is NULL';

-- The subsidy an enrolment gets, as the register knows it now.
CREATE FUNCTION medaid.enrollment_subsidy(id medaid.cnid, year integer, region text, on_date date,
		scheme text DEFAULT 'resident')
	RETURNS TABLE (subsidy_category text, subsidy_amount numeric, contribution numeric, subsidy_status text)
	LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
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
$$;
COMMENT ON FUNCTION medaid.enrollment_subsidy(medaid.cnid, integer, text, date, text) IS
'the subsidy an enrolment (person, insured year, insured place, day of enrolment, scheme) gets from the categories held that day as the register knows them now: tekun the full contribution, dibao, fanpin, dibao_edge, jiance the fixed amount (capped at the contribution), zhongbing a fixed amount only where configured; the highest amount wins, ties in the region''s order; a missing contribution or rule is an error (P0002) naming the category, region and year; what enrollment_grant stores at INSERT';

-- The grant, once, at INSERT: the subsidy is a fact of the enrolment (即时
-- 标识资助类别), computed from the register as it is then, never again.
CREATE FUNCTION medaid.enrollment_grant() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	g record;
BEGIN
	-- a superuser's row with a status is kept as given, unchecked:
	-- pg_restore reloads grants as they were, whatever order it loads the
	-- register in (and a superuser could disable the trigger anyway)
	IF NEW.subsidy_status IS NOT NULL AND NEW.subsidy_status <> 'supplied'
	   AND (SELECT x.rolsuper FROM pg_roles x WHERE x.rolname = current_user) THEN
		RETURN NEW;
	END IF;
	IF NEW.id_number IS NULL THEN
		RAISE EXCEPTION 'enrolment without id_number'
			USING ERRCODE = 'not_null_violation',
				  DETAIL = 'An enrolment has an ID number, a year, a region (the insured place), a day of enrolment and a scheme.';
	END IF;
	PERFORM medaid.enrollment_fields_check(NEW.year, NEW.region, NEW.enrolled_on, NEW.scheme);

	IF NEW.subsidy_status = 'supplied' THEN
		-- a subsidy the loader supplies: the insurance system's own record;
		-- its category as a slug (Chinese names accepted) or ordinary
		IF lower(btrim(NEW.subsidy_category)) = 'ordinary' THEN
			NEW.subsidy_category := 'ordinary';
		ELSIF medaid.category_from_text(NEW.subsidy_category) IS NOT NULL THEN
			NEW.subsidy_category := medaid.category_from_text(NEW.subsidy_category)::text;
		ELSE
			RAISE EXCEPTION 'invalid subsidy_category: %', coalesce(quote_literal(NEW.subsidy_category), 'NULL')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'A supplied subsidy names its category: a category (slug or Chinese name), or ordinary.';
		END IF;
		IF NEW.subsidy_amount IS NULL OR NEW.subsidy_amount < 0 OR NEW.subsidy_amount <> round(NEW.subsidy_amount, 2)
		   OR NEW.contribution <= 0 OR NEW.contribution <> round(NEW.contribution, 2) THEN
			RAISE EXCEPTION 'invalid supplied subsidy: amount %, contribution %',
				coalesce(NEW.subsidy_amount::text, 'NULL'), coalesce(NEW.contribution::text, 'NULL')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Amounts are yuan with at most two decimals: the subsidy 0 or more, the contribution, if given, more than 0.';
		END IF;
		RETURN NEW;
	ELSIF NEW.subsidy_status IS NOT NULL THEN
		RAISE EXCEPTION 'subsidy_status % cannot be loaded', quote_literal(NEW.subsidy_status)
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'medaid grants the subsidy when the enrolment is inserted; only a superuser (pg_restore) loads grants as given.',
				  HINT = 'Leave subsidy_category, subsidy_amount, contribution and subsidy_status out, or give subsidy_status ''supplied'' with the subsidy the insurance system granted.';
	ELSIF NEW.subsidy_category IS NOT NULL OR NEW.subsidy_amount IS NOT NULL OR NEW.contribution IS NOT NULL THEN
		RAISE EXCEPTION 'subsidy given without subsidy_status ''supplied'''
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'medaid computes subsidy_category, subsidy_amount and contribution when the enrolment is inserted.',
				  HINT = 'Leave them out, or give subsidy_status ''supplied'' with the subsidy the insurance system granted.';
	END IF;

	SELECT * INTO STRICT g
	FROM medaid.enrollment_subsidy(NEW.id_number, NEW.year, NEW.region, NEW.enrolled_on, NEW.scheme);
	NEW.subsidy_category := g.subsidy_category;
	NEW.subsidy_amount := g.subsidy_amount;
	NEW.contribution := g.contribution;
	NEW.subsidy_status := g.subsidy_status;
	-- one subsidy per person and year: a further enrolment (in another
	-- county, a second row) counts as enrolled and gets nothing.  Rows
	-- earlier in the same statement are seen; a session enrolling the same
	-- person and year at once waits here for the other to finish, then
	-- sees its row (in READ COMMITTED), rather than meeting the unique
	-- index enrollment_one_subsidy, whose error would name the person.
	-- One lock for all subsidised enrolments, not one per person: a load of
	-- a county's file would otherwise hold tens of thousands of locks until
	-- it commits and run out of shared memory (53200).  Taken again by the
	-- same transaction it costs nothing; loads granting subsidies take
	-- turns.
	IF NEW.subsidy_amount > 0 THEN
		PERFORM pg_advisory_xact_lock(hashtext('medaid.enrollment'));
	END IF;
	IF NEW.subsidy_amount > 0 AND EXISTS (
			SELECT FROM medaid.enrollment e
			WHERE e.id_number OPERATOR(medaid.=) NEW.id_number AND e.year = NEW.year AND e.subsidy_amount > 0) THEN
		NEW.subsidy_amount := 0.00;
		NEW.subsidy_status := 'duplicate';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_grant() IS
'BEFORE INSERT row trigger of enrollment: checks the fields and grants the subsidy (enrollment_subsidy on enrolled_on) once; a second subsidised enrolment of the person and year gets 0 (duplicate); a row with subsidy_status ''supplied'' is checked and kept; a superuser''s row with another status (pg_restore) is kept as given';
CREATE TRIGGER enrollment_grant BEFORE INSERT ON medaid.enrollment
	FOR EACH ROW EXECUTE FUNCTION medaid.enrollment_grant();

-- The annual lock (33号 §二): 一个自然年度内，资助参保对象身份类别发生变动的，
-- 已享受的资助待遇暂不调整，次年按医疗救助对象类别享受相应资助政策.
CREATE FUNCTION medaid.enrollment_lock() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NEW IS DISTINCT FROM OLD THEN
		RAISE EXCEPTION 'the enrolment of ID % for % cannot change', medaid.cnid_mask(OLD.id_number), OLD.year
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Its subsidy (%s, %s) is fixed for the year: 已享受的资助待遇暂不调整 (33号 §二).',
								  OLD.subsidy_category, OLD.subsidy_amount),
				  HINT = 'A new category applies to the next year''s enrolment; to correct a wrong load, delete the row and insert it again.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION medaid.enrollment_lock() IS
'BEFORE UPDATE row trigger of enrollment: refuses any change (55000); the subsidy granted stays as it was for the year, and a wrong load is deleted and inserted again';
CREATE TRIGGER enrollment_lock BEFORE UPDATE ON medaid.enrollment
	FOR EACH ROW EXECUTE FUNCTION medaid.enrollment_lock();

-- The participation ledger (参保台账, 20号 §一; docs/rules.md §7): one row
-- per recipient and year.  A recipient of year Y holds a category on at
-- least one day of Y (valid_from <= d < valid_to): a non-empty period
-- touches the years from that of valid_from to that of valid_to - 1; an
-- open period runs to the current year or the latest enrolment year,
-- whichever is later (a view cannot be infinite).
--
-- Set-based at province scale: the periods are grouped per person and year
-- first (the categories held as a bit set, bit i-1 for the category of
-- ordinal i), then joined once to person, the region's order and the
-- enrolments.  The most favourable category follows category_rank: the
-- order of the longest prefix of the person's region that has rows for the
-- year (a category it does not list ranks 1000 + ordinal), else the default
-- order; like best_category(category, rank) the lowest rank * 16 + ordinal
-- wins.
CREATE VIEW medaid.participation_ledger AS
	WITH ord AS (
		-- each configured order as an array of six ranks, by ordinal
		SELECT f.region_prefix, f.year,
			   ARRAY[COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'tekun'::medaid.category), 1001),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'dibao'::medaid.category), 1002),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'fanpin'::medaid.category), 1003),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'dibao_edge'::medaid.category), 1004),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'jiance'::medaid.category), 1005),
					 COALESCE(max(f.rank) FILTER (WHERE f.category OPERATOR(medaid.=) 'zhongbing'::medaid.category), 1006)] AS ranks
		FROM medaid.category_favourability f
		GROUP BY f.region_prefix, f.year
	)
	SELECT g.year, g.id_number, pe.region,
		   (ARRAY['tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing'])[LEAST(
				CASE WHEN g.held & 1 <> 0 THEN k.ranks[1] * 16 + 1 END,
				CASE WHEN g.held & 2 <> 0 THEN k.ranks[2] * 16 + 2 END,
				CASE WHEN g.held & 4 <> 0 THEN k.ranks[3] * 16 + 3 END,
				CASE WHEN g.held & 8 <> 0 THEN k.ranks[4] * 16 + 4 END,
				CASE WHEN g.held & 16 <> 0 THEN k.ranks[5] * 16 + 5 END,
				CASE WHEN g.held & 32 <> 0 THEN k.ranks[6] * 16 + 6 END
			) % 16] AS category,
		   array_remove(ARRAY[
				CASE WHEN g.held & 1 <> 0 THEN 'tekun' END,
				CASE WHEN g.held & 2 <> 0 THEN 'dibao' END,
				CASE WHEN g.held & 4 <> 0 THEN 'fanpin' END,
				CASE WHEN g.held & 8 <> 0 THEN 'dibao_edge' END,
				CASE WHEN g.held & 16 <> 0 THEN 'jiance' END,
				CASE WHEN g.held & 32 <> 0 THEN 'zhongbing' END], NULL) AS categories,
		   g.held_at_year_end,
		   e.id_number IS NOT NULL AS enrolled,
		   COALESCE(e.enrollments, 0) AS enrollments,
		   e.region AS enrollment_region,
		   e.enrolled_on,
		   e.subsidy_category,
		   e.subsidy_amount,
		   e.min_region <> pe.region OR e.max_region <> pe.region AS enrolled_elsewhere
	FROM (SELECT y.year, p.id_number,
				 bit_or(1 << (medaid.category_ordinal(p.category) - 1)) AS held,
				 bool_or(p.valid_to IS NULL OR p.valid_to > make_date(y.year, 12, 31)) AS held_at_year_end
		  FROM medaid.category_period p
		  CROSS JOIN (SELECT GREATEST(date_part('year', CURRENT_DATE)::integer,
									  (SELECT max(x.year) FROM medaid.enrollment x)) AS last_year) b
		  CROSS JOIN LATERAL generate_series(
				date_part('year', p.valid_from)::integer,
				CASE WHEN p.valid_to IS NOT NULL THEN date_part('year', p.valid_to - 1)::integer
					 ELSE GREATEST(date_part('year', p.valid_from)::integer, b.last_year) END) AS y(year)
		  WHERE p.valid_to IS NULL OR p.valid_to > p.valid_from
		  GROUP BY y.year, p.id_number) g
	JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) g.id_number
	LEFT JOIN ord o6 ON o6.region_prefix = pe.region AND o6.year = g.year
	LEFT JOIN ord o4 ON o4.region_prefix = left(pe.region, 4) AND o4.year = g.year
	LEFT JOIN ord o2 ON o2.region_prefix = left(pe.region, 2) AND o2.year = g.year
	CROSS JOIN LATERAL (SELECT COALESCE(o6.ranks, o4.ranks, o2.ranks, ARRAY[1, 2, 3, 4, 5, 6]) AS ranks) k
	-- the year's enrolments: at most one is subsidised (enrollment_one_subsidy)
	LEFT JOIN (SELECT x.year, x.id_number, count(*) AS enrollments,
					  COALESCE(max(x.region) FILTER (WHERE x.subsidy_amount > 0), min(x.region)) AS region,
					  min(x.region) AS min_region, max(x.region) AS max_region,
					  min(x.enrolled_on) AS enrolled_on,
					  max(x.subsidy_category) FILTER (WHERE x.subsidy_amount > 0) AS subsidy_category,
					  sum(x.subsidy_amount) AS subsidy_amount
			   FROM medaid.enrollment x
			   GROUP BY x.year, x.id_number) e
	  ON e.year = g.year AND e.id_number OPERATOR(medaid.=) g.id_number;
COMMENT ON VIEW medaid.participation_ledger IS
'the participation ledger (参保台账, 20号 §一): one row per recipient and year (a category held on at least one day of the year, docs/rules.md §7), with the most favourable category held that year, the region of the latest applied roster row and the enrolment, wherever it was made';
COMMENT ON COLUMN medaid.participation_ledger.year IS 'the year';
COMMENT ON COLUMN medaid.participation_ledger.id_number IS 'the recipient (restricted: full ID)';
COMMENT ON COLUMN medaid.participation_ledger.region IS 'the region of the recipient''s latest applied roster row (docs/rules.md §7)';
COMMENT ON COLUMN medaid.participation_ledger.category IS 'the most favourable category held in the year (the region''s configured order for the year, else the default)';
COMMENT ON COLUMN medaid.participation_ledger.categories IS 'every category held on some day of the year, most favourable first (default order)';
COMMENT ON COLUMN medaid.participation_ledger.held_at_year_end IS 'whether a category is still held on 31 December (false: ended during the year)';
COMMENT ON COLUMN medaid.participation_ledger.enrolled IS 'whether enrollment has a row for the person and year, in any region or scheme, with or without subsidy (docs/rules.md §7)';
COMMENT ON COLUMN medaid.participation_ledger.enrollments IS 'the enrolment rows for the year (more than 1: a duplicate enrolment)';
COMMENT ON COLUMN medaid.participation_ledger.enrollment_region IS 'the insured place of the subsidised enrolment, else the lowest code among the year''s enrolments; NULL when not enrolled';
COMMENT ON COLUMN medaid.participation_ledger.enrolled_on IS 'the first day of enrolment for the year';
COMMENT ON COLUMN medaid.participation_ledger.subsidy_category IS 'the category of the subsidy granted for the year, fixed at enrolment (may differ from category: 33号 §二); NULL when none was granted';
COMMENT ON COLUMN medaid.participation_ledger.subsidy_amount IS 'the subsidy granted for the year, yuan (0 when enrolled without one)';
COMMENT ON COLUMN medaid.participation_ledger.enrolled_elsewhere IS 'some enrolment of the year is outside region (in another county or province); NULL when not enrolled';

CREATE VIEW medaid.suspected_uninsured AS
	SELECT l.year, l.id_number, l.region, l.category, l.categories, l.held_at_year_end
	FROM medaid.participation_ledger l
	WHERE NOT l.enrolled;
COMMENT ON VIEW medaid.suspected_uninsured IS
'the recipients of a year with no enrolment for it: suspected uninsured (疑似未参保), to be checked (20号 §一: 重点加强疑似未参保人员核查)';
COMMENT ON COLUMN medaid.suspected_uninsured.year IS 'the year';
COMMENT ON COLUMN medaid.suspected_uninsured.id_number IS 'the recipient (restricted: full ID)';
COMMENT ON COLUMN medaid.suspected_uninsured.region IS 'the region of the latest applied roster row';
COMMENT ON COLUMN medaid.suspected_uninsured.category IS 'the most favourable category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured.categories IS 'every category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured.held_at_year_end IS 'whether a category is still held on 31 December';

-- The ledger's rows of the caller's regions, read as medaid_owner: for the
-- views that run as their owner and filter by region themselves
-- (participation_rate, the *_masked views).  participation_ledger runs as
-- its caller, and inside a view that runs as its owner it still checks its
-- tables as the caller (PostgreSQL 15): analysts and departments, who may
-- not read person or enrollment, got 42501.  The caller is caller() (inside
-- this function current_user is medaid_owner); functions in a view are
-- executed with the caller's privileges, so the readers of those views may
-- execute it (16_privileges), and it shows nothing they may not see.
CREATE FUNCTION medaid.participation_ledger_of_regions() RETURNS SETOF medaid.participation_ledger
	LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT l.* FROM medaid.participation_ledger l
	WHERE l.region LIKE ANY ((SELECT medaid.region_patterns(medaid.caller()))::text[])
$$;
COMMENT ON FUNCTION medaid.participation_ledger_of_regions() IS
'the participation_ledger rows of the caller''s regions (region_patterns(caller())), read as medaid_owner: what participation_rate and the masked ledger views are made of';

-- Rates per county (the roster region), rolled up by code prefix to the
-- city (4 digits) and the province (2 digits).
CREATE VIEW medaid.participation_rate WITH (security_barrier = true) AS
	SELECT c.year, c.region, c.recipients, c.enrolled,
		   c.enrolled::numeric / c.recipients AS rate,
		   100 * c.enrolled >= 99 * c.recipients AS meets_target,
		   c.level, c.recipients - c.enrolled AS uninsured, n.name AS region_name
	FROM (SELECT l.year, v.level, v.code AS region, count(*) AS recipients,
				 count(*) FILTER (WHERE l.enrolled) AS enrolled
		  FROM medaid.participation_ledger_of_regions() l
		  CROSS JOIN LATERAL (VALUES ('county', l.region), ('city', left(l.region, 4)),
									 ('province', left(l.region, 2))) AS v(level, code)
		  GROUP BY l.year, v.level, v.code) c
	LEFT JOIN medaid.region n ON n.code = rpad(c.region, 6, '0')
	WHERE c.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.participation_rate IS
'the participation rate per region and year (20号 §一: 参保率稳定在99%以上): recipients by the region of their latest applied roster row, those enrolled for the year wherever they enrolled; per county, city (4-digit prefix) and province (2-digit prefix); regions below 99 % flagged; the rows of the caller''s regions (a county sees its own row, a city its row and its counties'')';
COMMENT ON COLUMN medaid.participation_rate.year IS 'the year';
COMMENT ON COLUMN medaid.participation_rate.region IS 'a county (370102), city (3701) or province (37) code';
COMMENT ON COLUMN medaid.participation_rate.recipients IS 'recipients of the year in the region';
COMMENT ON COLUMN medaid.participation_rate.enrolled IS 'of them, those enrolled for the year (anywhere)';
COMMENT ON COLUMN medaid.participation_rate.rate IS 'enrolled / recipients, not rounded';
COMMENT ON COLUMN medaid.participation_rate.meets_target IS 'rate >= 99 % (compared exactly: 100 * enrolled >= 99 * recipients)';
COMMENT ON COLUMN medaid.participation_rate.level IS 'county, city or province';
COMMENT ON COLUMN medaid.participation_rate.uninsured IS 'recipients - enrolled: the suspected uninsured';
COMMENT ON COLUMN medaid.participation_rate.region_name IS 'the name from medaid.region (code padded to 6 digits), NULL when not loaded';

-- Subsidy funds (20号 §一: 资助参保资金足额拨付到位) by the region that grants
-- them (the insured place), year and subsidy category.
CREATE VIEW medaid.subsidy_funds WITH (security_barrier = true) AS
	SELECT e.year, v.code AS region, v.level, e.subsidy_category AS category,
		   count(*) AS enrollments, sum(e.subsidy_amount) AS amount
	FROM medaid.enrollment e
	CROSS JOIN LATERAL (VALUES ('county', e.region), ('city', left(e.region, 4)),
							   ('province', left(e.region, 2))) AS v(level, code)
	WHERE e.subsidy_amount > 0 AND v.code LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
	GROUP BY e.year, v.level, v.code, e.subsidy_category;
COMMENT ON VIEW medaid.subsidy_funds IS
'participation subsidies granted, per insured place (county, city, province), year and subsidy category: the funds to pay before the concentrated payment period ends (20号 §一); the rows of the caller''s regions';
COMMENT ON COLUMN medaid.subsidy_funds.year IS 'the insured year';
COMMENT ON COLUMN medaid.subsidy_funds.region IS 'a county (370102), city (3701) or province (37) code of the insured place';
COMMENT ON COLUMN medaid.subsidy_funds.level IS 'county, city or province';
COMMENT ON COLUMN medaid.subsidy_funds.category IS 'the subsidy category';
COMMENT ON COLUMN medaid.subsidy_funds.enrollments IS 'subsidised enrolments';
COMMENT ON COLUMN medaid.subsidy_funds.amount IS 'their subsidies, yuan';

