-------------------------------------------------------------------------------
-- Categories of recipients, most favourable first (待遇从优、就高不就低)
-------------------------------------------------------------------------------

CREATE TYPE medaid.category;

CREATE FUNCTION medaid.category_in(cstring) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_out(medaid.category) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_recv(internal) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_send(medaid.category) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE medaid.category (
	INPUT = medaid.category_in,
	OUTPUT = medaid.category_out,
	RECEIVE = medaid.category_recv,
	SEND = medaid.category_send,
	INTERNALLENGTH = 1,
	PASSEDBYVALUE,
	ALIGNMENT = char,
	STORAGE = plain
);
COMMENT ON TYPE medaid.category IS
'recipient category (1 byte): tekun 特困人员, dibao 低保对象, fanpin 返贫致贫人口, dibao_edge 低保边缘家庭成员, jiance 防止返贫监测帮扶对象, zhongbing 因病致贫重病患者; input takes the slug or the Chinese name; ordered most favourable first';
COMMENT ON FUNCTION medaid.category_in(cstring) IS 'category input: a slug or the Chinese name; 22P02 otherwise';
COMMENT ON FUNCTION medaid.category_out(medaid.category) IS 'category output: the slug';
COMMENT ON FUNCTION medaid.category_recv(internal) IS 'category binary input: one byte, 1 (tekun) to 6 (zhongbing)';
COMMENT ON FUNCTION medaid.category_send(medaid.category) IS 'category binary output: one byte';

-- Not LEAKPROOF, for the reason given at cnid_eq: a leakproof condition on
-- category_period.category would become an index condition that counts the
-- hidden people of each category.
CREATE FUNCTION medaid.category_eq(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_ne(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_lt(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_le(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_gt(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_ge(medaid.category, medaid.category) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_cmp(medaid.category, medaid.category) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_hash(medaid.category) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.category_hash_extended(medaid.category, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_eq(medaid.category, medaid.category) IS 'category equality';
COMMENT ON FUNCTION medaid.category_ne(medaid.category, medaid.category) IS 'category inequality';
COMMENT ON FUNCTION medaid.category_lt(medaid.category, medaid.category) IS 'more favourable than (default order)';
COMMENT ON FUNCTION medaid.category_le(medaid.category, medaid.category) IS 'at least as favourable as (default order)';
COMMENT ON FUNCTION medaid.category_gt(medaid.category, medaid.category) IS 'less favourable than (default order)';
COMMENT ON FUNCTION medaid.category_ge(medaid.category, medaid.category) IS 'at most as favourable as (default order)';
COMMENT ON FUNCTION medaid.category_cmp(medaid.category, medaid.category) IS 'category three-way comparison (btree support 1)';
COMMENT ON FUNCTION medaid.category_hash(medaid.category) IS 'category hash (hash support 1)';
COMMENT ON FUNCTION medaid.category_hash_extended(medaid.category, bigint) IS 'category seeded hash (hash support 2)';

CREATE OPERATOR medaid.= (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_eq,
	COMMUTATOR = OPERATOR(medaid.=), NEGATOR = OPERATOR(medaid.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR medaid.<> (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_ne,
	COMMUTATOR = OPERATOR(medaid.<>), NEGATOR = OPERATOR(medaid.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR medaid.< (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_lt,
	COMMUTATOR = OPERATOR(medaid.>), NEGATOR = OPERATOR(medaid.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR medaid.<= (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_le,
	COMMUTATOR = OPERATOR(medaid.>=), NEGATOR = OPERATOR(medaid.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR medaid.> (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_gt,
	COMMUTATOR = OPERATOR(medaid.<), NEGATOR = OPERATOR(medaid.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR medaid.>= (
	LEFTARG = medaid.category, RIGHTARG = medaid.category, FUNCTION = medaid.category_ge,
	COMMUTATOR = OPERATOR(medaid.<=), NEGATOR = OPERATOR(medaid.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR medaid.= (medaid.category, medaid.category) IS 'equal';
COMMENT ON OPERATOR medaid.<> (medaid.category, medaid.category) IS 'not equal';
COMMENT ON OPERATOR medaid.< (medaid.category, medaid.category) IS 'more favourable (default order)';
COMMENT ON OPERATOR medaid.<= (medaid.category, medaid.category) IS 'at least as favourable (default order)';
COMMENT ON OPERATOR medaid.> (medaid.category, medaid.category) IS 'less favourable (default order)';
COMMENT ON OPERATOR medaid.>= (medaid.category, medaid.category) IS 'at most as favourable (default order)';

CREATE OPERATOR CLASS medaid.category_ops
	DEFAULT FOR TYPE medaid.category USING btree AS
		OPERATOR 1 medaid.<,
		OPERATOR 2 medaid.<=,
		OPERATOR 3 medaid.=,
		OPERATOR 4 medaid.>=,
		OPERATOR 5 medaid.>,
		FUNCTION 1 medaid.category_cmp(medaid.category, medaid.category);
CREATE OPERATOR CLASS medaid.category_hash_ops
	DEFAULT FOR TYPE medaid.category USING hash AS
		OPERATOR 1 medaid.=,
		FUNCTION 1 medaid.category_hash(medaid.category),
		FUNCTION 2 medaid.category_hash_extended(medaid.category, bigint);
COMMENT ON OPERATOR CLASS medaid.category_ops USING btree IS 'btree operator class for category (most favourable first)';
COMMENT ON OPERATOR CLASS medaid.category_hash_ops USING hash IS 'hash operator class for category';
COMMENT ON OPERATOR FAMILY medaid.category_ops USING btree IS 'btree operator family for category';
COMMENT ON OPERATOR FAMILY medaid.category_hash_ops USING hash IS 'hash operator family for category';

CREATE CAST (text AS medaid.category) WITH INOUT AS ASSIGNMENT;
CREATE CAST (medaid.category AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS medaid.category) IS 'a slug or Chinese name to a category (22P02 when unknown)';
COMMENT ON CAST (medaid.category AS text) IS 'the slug';

CREATE FUNCTION medaid.category_from_text(raw text) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_from_text(text) IS 'a slug or Chinese name (surrounding spaces ignored, slugs case-insensitive) to a category; NULL when unknown, never raises';

CREATE FUNCTION medaid.category_label(medaid.category) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_label(medaid.category) IS 'the policy''s Chinese name (特困人员, ...)';

CREATE FUNCTION medaid.category_dept(medaid.category) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_dept(medaid.category) IS 'the department that supplies the category: civil_affairs or rural (33号 §一)';

CREATE FUNCTION medaid.category_ordinal(medaid.category) RETURNS smallint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_ordinal(medaid.category) IS 'default favourability, 1 (tekun, most favourable) to 6 (zhongbing)';

CREATE FUNCTION medaid.category_better(medaid.category, medaid.category) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_better(medaid.category, medaid.category) IS 'the more favourable of two (default order); transition and combine function of best_category';

CREATE AGGREGATE medaid.best_category(medaid.category) (
	SFUNC = medaid.category_better,
	STYPE = medaid.category,
	COMBINEFUNC = medaid.category_better,
	SORTOP = OPERATOR(medaid.<),
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.best_category(medaid.category) IS 'the most favourable of its inputs in the default order; combinable, parallel safe';

CREATE FUNCTION medaid.category_rank_step(integer, medaid.category, integer) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_rank_step(integer, medaid.category, integer) IS 'transition of best_category(category, rank): state is rank * 16 + category';
CREATE FUNCTION medaid.category_rank_final(integer) RETURNS medaid.category
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.category_rank_final(integer) IS 'final function of best_category(category, rank)';

CREATE AGGREGATE medaid.best_category(medaid.category, integer) (
	SFUNC = medaid.category_rank_step,
	STYPE = integer,
	FINALFUNC = medaid.category_rank_final,
	COMBINEFUNC = pg_catalog.int4smaller,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE medaid.best_category(medaid.category, integer) IS
'the input with the lowest rank (a region''s configured favourability, see category_rank), ties and NULL ranks in the default order; its state is an integer, so it combines across parallel workers and nodes';

-- A region's own favourability of categories for a year (its benefit levels).
CREATE TABLE medaid.category_favourability (
	region_prefix text NOT NULL CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})$'),
	year integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	category medaid.category NOT NULL,
	rank integer NOT NULL CHECK (rank BETWEEN 0 AND 1000),
	PRIMARY KEY (region_prefix, year, category)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.category_favourability', '');
COMMENT ON TABLE medaid.category_favourability IS
'a region''s own order of categories for a year (configuration, kept by pg_dump): the most specific prefix that has rows for the year decides; categories it does not list come after those it lists, in the default order; no rows means the default order';
COMMENT ON COLUMN medaid.category_favourability.region_prefix IS 'a province (37), city (3701) or county (370102)';
COMMENT ON COLUMN medaid.category_favourability.year IS 'the calendar year the order applies to';
COMMENT ON COLUMN medaid.category_favourability.category IS 'the category ranked';
COMMENT ON COLUMN medaid.category_favourability.rank IS 'lower is more favourable; equal ranks fall back to the default order';

CREATE FUNCTION medaid.category_rank(c medaid.category, region text, on_date date) RETURNS integer
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT CASE WHEN c IS NULL THEN NULL
		   ELSE COALESCE(
			(SELECT COALESCE(
				(SELECT f.rank FROM medaid.category_favourability f
				 WHERE f.region_prefix OPERATOR(pg_catalog.=) best.region_prefix
				   AND f.year OPERATOR(pg_catalog.=) best.year
				   AND f.category OPERATOR(medaid.=) c),
				1000 OPERATOR(pg_catalog.+) medaid.category_ordinal(c))
			 FROM (SELECT f.region_prefix, f.year FROM medaid.category_favourability f
				   WHERE f.year OPERATOR(pg_catalog.=) pg_catalog.date_part('year', on_date)::integer
					 AND pg_catalog.starts_with(COALESCE(region, ''), f.region_prefix)
				   ORDER BY pg_catalog.length(f.region_prefix) DESC LIMIT 1) best),
			medaid.category_ordinal(c)::integer)
		   END
$$;
COMMENT ON FUNCTION medaid.category_rank(medaid.category, text, date) IS
'the favourability rank of a category in a region on a date (lower is better): from category_favourability when the region has an order for that year, else the default order';

