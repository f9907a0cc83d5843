-------------------------------------------------------------------------------
-- Identity numbers: the cnid type (GB 11643-1999)
-------------------------------------------------------------------------------

CREATE TYPE medaid.cnid;

CREATE FUNCTION medaid.cnid_in(cstring) RETURNS medaid.cnid
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_out(medaid.cnid) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_recv(internal) RETURNS medaid.cnid
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_send(medaid.cnid) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE medaid.cnid (
	INPUT = medaid.cnid_in,
	OUTPUT = medaid.cnid_out,
	RECEIVE = medaid.cnid_recv,
	SEND = medaid.cnid_send,
	INTERNALLENGTH = 8,
	PASSEDBYVALUE,
	ALIGNMENT = double,
	STORAGE = plain
);

COMMENT ON TYPE medaid.cnid IS
'Chinese resident identity number (公民身份号码, GB 11643-1999), 8 bytes; input normalises 15-digit, full-width, lowercase x, spaces and hyphens; output is the canonical 18 characters';
COMMENT ON FUNCTION medaid.cnid_in(cstring) IS
'cnid text input: normalises and validates; raises 22P02 with the masked input and the reason (STABLE: birth dates after today are refused)';
COMMENT ON FUNCTION medaid.cnid_out(medaid.cnid) IS 'cnid text output: the canonical 18 characters';
COMMENT ON FUNCTION medaid.cnid_recv(internal) IS 'cnid binary input: a version byte (1), then the 17-digit body as int8; validated like text input';
COMMENT ON FUNCTION medaid.cnid_send(medaid.cnid) IS 'cnid binary output: a version byte (1), then the 17-digit body as int8';

-- None of these is LEAKPROOF, though none raises or has side effects: the
-- planner runs a leakproof condition before row-level security (as an index
-- condition, or with the statistics of hidden rows), and then EXPLAIN
-- (ANALYZE)'s "Rows Removed by Filter" and the estimates of plain EXPLAIN
-- count hidden rows: a binary search over id_number ranges would list every
-- ID a region-limited role may not see (docs/reference.md, "What a region-
-- limited role cannot learn").  Under RLS a condition on an ID is so checked
-- after the policy; lookups by ID for those roles are person_lookup and the
-- other *_of functions (14_region_lookups), which use an index.
CREATE FUNCTION medaid.cnid_eq(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_ne(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_lt(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_le(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_gt(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_ge(medaid.cnid, medaid.cnid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_cmp(medaid.cnid, medaid.cnid) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_hash(medaid.cnid) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION medaid.cnid_hash_extended(medaid.cnid, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION medaid.cnid_eq(medaid.cnid, medaid.cnid) IS 'cnid equality';
COMMENT ON FUNCTION medaid.cnid_ne(medaid.cnid, medaid.cnid) IS 'cnid inequality';
COMMENT ON FUNCTION medaid.cnid_lt(medaid.cnid, medaid.cnid) IS 'cnid less than (the order of the 18-character text)';
COMMENT ON FUNCTION medaid.cnid_le(medaid.cnid, medaid.cnid) IS 'cnid less than or equal';
COMMENT ON FUNCTION medaid.cnid_gt(medaid.cnid, medaid.cnid) IS 'cnid greater than';
COMMENT ON FUNCTION medaid.cnid_ge(medaid.cnid, medaid.cnid) IS 'cnid greater than or equal';
COMMENT ON FUNCTION medaid.cnid_cmp(medaid.cnid, medaid.cnid) IS 'cnid three-way comparison (btree support 1)';
COMMENT ON FUNCTION medaid.cnid_sortsupport(internal) IS 'cnid sort support (btree support 2)';
COMMENT ON FUNCTION medaid.cnid_hash(medaid.cnid) IS 'cnid hash (hash support 1)';
COMMENT ON FUNCTION medaid.cnid_hash_extended(medaid.cnid, bigint) IS 'cnid seeded 64-bit hash (hash support 2)';

CREATE OPERATOR medaid.= (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_eq,
	COMMUTATOR = OPERATOR(medaid.=), NEGATOR = OPERATOR(medaid.<>),
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR medaid.<> (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_ne,
	COMMUTATOR = OPERATOR(medaid.<>), NEGATOR = OPERATOR(medaid.=),
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR medaid.< (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_lt,
	COMMUTATOR = OPERATOR(medaid.>), NEGATOR = OPERATOR(medaid.>=),
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR medaid.<= (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_le,
	COMMUTATOR = OPERATOR(medaid.>=), NEGATOR = OPERATOR(medaid.>),
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR medaid.> (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_gt,
	COMMUTATOR = OPERATOR(medaid.<), NEGATOR = OPERATOR(medaid.<=),
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR medaid.>= (
	LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = medaid.cnid_ge,
	COMMUTATOR = OPERATOR(medaid.<=), NEGATOR = OPERATOR(medaid.<),
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

COMMENT ON OPERATOR medaid.= (medaid.cnid, medaid.cnid) IS 'equal';
COMMENT ON OPERATOR medaid.<> (medaid.cnid, medaid.cnid) IS 'not equal';
COMMENT ON OPERATOR medaid.< (medaid.cnid, medaid.cnid) IS 'less than';
COMMENT ON OPERATOR medaid.<= (medaid.cnid, medaid.cnid) IS 'less than or equal';
COMMENT ON OPERATOR medaid.> (medaid.cnid, medaid.cnid) IS 'greater than';
COMMENT ON OPERATOR medaid.>= (medaid.cnid, medaid.cnid) IS 'greater than or equal';

CREATE OPERATOR CLASS medaid.cnid_ops
	DEFAULT FOR TYPE medaid.cnid USING btree AS
		OPERATOR 1 medaid.<,
		OPERATOR 2 medaid.<=,
		OPERATOR 3 medaid.=,
		OPERATOR 4 medaid.>=,
		OPERATOR 5 medaid.>,
		FUNCTION 1 medaid.cnid_cmp(medaid.cnid, medaid.cnid),
		FUNCTION 2 medaid.cnid_sortsupport(internal);

CREATE OPERATOR CLASS medaid.cnid_hash_ops
	DEFAULT FOR TYPE medaid.cnid USING hash AS
		OPERATOR 1 medaid.=,
		FUNCTION 1 medaid.cnid_hash(medaid.cnid),
		FUNCTION 2 medaid.cnid_hash_extended(medaid.cnid, bigint);

COMMENT ON OPERATOR CLASS medaid.cnid_ops USING btree IS 'btree operator class for cnid';
COMMENT ON OPERATOR CLASS medaid.cnid_hash_ops USING hash IS 'hash operator class for cnid';
COMMENT ON OPERATOR FAMILY medaid.cnid_ops USING btree IS 'btree operator family for cnid';
COMMENT ON OPERATOR FAMILY medaid.cnid_hash_ops USING hash IS 'hash operator family for cnid';

CREATE CAST (text AS medaid.cnid) WITH INOUT AS ASSIGNMENT;
CREATE CAST (medaid.cnid AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS medaid.cnid) IS 'parse and validate an ID number (raises 22P02 on bad input)';
COMMENT ON CAST (medaid.cnid AS text) IS 'the canonical 18 characters';

CREATE FUNCTION medaid.cnid_try(raw text) RETURNS medaid.cnid
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_try(text) IS 'the ID, or NULL when raw is not a valid ID number (never raises)';
CREATE FUNCTION medaid.cnid_is_valid(raw text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_is_valid(text) IS 'whether raw is a valid ID number; false for NULL (never raises)';
CREATE FUNCTION medaid.cnid_invalid_reason(raw text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_invalid_reason(text) IS
'why raw is not a valid ID number, as a reason code (missing, empty, bad_character, length, province, birth_date, future_birth_date, check_character); NULL when valid';
CREATE FUNCTION medaid.cnid_invalid_detail(raw text) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_invalid_detail(text) IS 'why raw is not a valid ID number, in a sentence that does not repeat its hidden digits; NULL when valid';
CREATE FUNCTION medaid.cnid_is_upgraded(raw text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_is_upgraded(text) IS 'whether raw is a valid 15-digit number, upgraded to 18 characters; NULL for NULL';

CREATE TYPE medaid.cnid_verdict AS (id medaid.cnid, ok boolean, reason text, detail text, upgraded boolean);
COMMENT ON TYPE medaid.cnid_verdict IS 'the result of cnid_check';
COMMENT ON COLUMN medaid.cnid_verdict.id IS 'the ID, NULL unless ok';
COMMENT ON COLUMN medaid.cnid_verdict.ok IS 'whether the input is a valid ID number';
COMMENT ON COLUMN medaid.cnid_verdict.reason IS 'NULL when ok; else missing, empty, bad_character, length, province, birth_date, future_birth_date, check_character';
COMMENT ON COLUMN medaid.cnid_verdict.detail IS 'why, without the hidden digits; NULL when ok';
COMMENT ON COLUMN medaid.cnid_verdict.upgraded IS 'a valid 15-digit number was upgraded to 18 characters';

-- A single SELECT of a ROW: the planner inlines it, so (cnid_check(x)).ok
-- is one call of cnid_is_valid(x) and builds no composite.
CREATE FUNCTION medaid.cnid_check(raw text) RETURNS medaid.cnid_verdict
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$
	SELECT ROW(medaid.cnid_try(raw), medaid.cnid_is_valid(raw),
			   medaid.cnid_invalid_reason(raw), medaid.cnid_invalid_detail(raw),
			   medaid.cnid_is_upgraded(raw))::medaid.cnid_verdict
$$;
COMMENT ON FUNCTION medaid.cnid_check(text) IS
'Validate an ID number without raising: id (NULL unless ok), ok, reason (NULL when ok; else missing, empty, bad_character, length, province, birth_date, future_birth_date, check_character), detail (why, without the hidden digits), upgraded (a 15-digit number was upgraded)';

CREATE FUNCTION medaid.cnid_birth_date(medaid.cnid) RETURNS date
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_birth_date(medaid.cnid) IS 'the birth date held in characters 7-14';

CREATE FUNCTION medaid.cnid_sex(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_sex(medaid.cnid) IS '''M'' when the sequence number (characters 15-17) is odd, ''F'' when even';

CREATE FUNCTION medaid.cnid_region(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_region(medaid.cnid) IS 'the 6-digit address code (place of first registration, not the insured place)';

CREATE FUNCTION medaid.cnid_kind(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_kind(medaid.cnid) IS
'resident (公民身份号码), permit (港澳台居民居住证, 81/82/83) or foreign (外国人永久居留身份证, leading 9)';

CREATE FUNCTION medaid.cnid_mask(medaid.cnid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_mask(medaid.cnid) IS 'for display: the first 6 and last 4 characters, eight * between';

CREATE FUNCTION medaid.cnid_mask(raw text) RETURNS text
	AS 'MODULE_PATHNAME', 'cnid_mask_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_mask(text) IS
'for display of raw, possibly invalid input: normalised, first 6 and last 4 characters kept, the rest * (all * when 10 characters or fewer)';

CREATE FUNCTION medaid.cnid_age(id medaid.cnid, on_date date) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_age(medaid.cnid, date) IS 'age in whole years on a date; an error for a date before birth';

CREATE FUNCTION medaid.cnid_body(medaid.cnid) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION medaid.cnid_body(medaid.cnid) IS 'the 17-digit body as bigint (what cnid stores; the check character is derived from it)';

