-------------------------------------------------------------------------------
-- Names
-------------------------------------------------------------------------------

CREATE FUNCTION medaid.normalize_name(text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.normalize_name(text) IS
'a name for matching: full-width forms to half-width, all white space removed, look-alike middle dots (U+002E, U+00B7, U+0387, U+2022, U+2024, U+2027, U+2219, U+22C5, U+30FB, U+FE52, U+FF0E, U+FF65) to U+00B7';

-------------------------------------------------------------------------------
-- Regions (GB/T 2260 address codes): optional, only ever used to flag
-------------------------------------------------------------------------------

CREATE TABLE medaid.region (
	code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
	name text NOT NULL,
	level text NOT NULL CHECK (level IN ('province', 'city', 'county')),
	parent_code text CHECK (parent_code ~ '^[0-9]{6}$'),
	is_gbt2260 boolean NOT NULL DEFAULT true
);
SELECT pg_catalog.pg_extension_config_dump('medaid.region', '');
COMMENT ON TABLE medaid.region IS
'address codes (configuration, kept by pg_dump): load with scripts/load-regions; an ID whose county is missing here is flagged, never rejected';
COMMENT ON COLUMN medaid.region.code IS '6-digit address code: 370000 province, 370100 city, 370102 county';
COMMENT ON COLUMN medaid.region.name IS 'official name';
COMMENT ON COLUMN medaid.region.level IS 'province, city or county';
COMMENT ON COLUMN medaid.region.parent_code IS 'the enclosing region; NULL for a province';
COMMENT ON COLUMN medaid.region.is_gbt2260 IS 'false for development zones and other codes outside GB/T 2260';

CREATE FUNCTION medaid.cnid_county_known(id medaid.cnid) RETURNS boolean
	LANGUAGE sql STABLE STRICT PARALLEL SAFE
	AS $$
	SELECT CASE
		WHEN medaid.cnid_kind(id) OPERATOR(pg_catalog.<>) 'resident' THEN NULL
		WHEN NOT EXISTS (SELECT FROM medaid.region) THEN NULL
		ELSE EXISTS (SELECT FROM medaid.region r
					 WHERE r.code OPERATOR(pg_catalog.=) medaid.cnid_region(id))
	END
$$;
COMMENT ON FUNCTION medaid.cnid_county_known(medaid.cnid) IS
'whether the ID''s address code is in medaid.region: NULL when the table is empty or the number is a permit or a foreigner''s, so an unknown county is a flag to look at, never a rejection';

