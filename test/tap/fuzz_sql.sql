-- The C input functions fuzzed through SQL: random strings into the cnid,
-- category and name functions, random and mutated bytea into the burden
-- state readers, random field bytes into cnid and category binary input
-- (COPY ... FORMAT binary).  Nothing may crash the backend (the test goes on
-- running), raise an unexpected SQLSTATE, or accept what an independent SQL
-- reference refuses.
--
-- Random but replayable: the seed is printed (diag) and is in every test's
-- description.  Replay with
--     FUZZ_SQL_SEED=0.123 pg_prove test/tap/fuzz_sql.sql
-- or  pg_prove -S fuzz_seed=0.123 test/tap/fuzz_sql.sql
-- Sizes (psql variables): fuzz_rows strings (20000), fuzz_bytea burden
-- states (5000), fuzz_recv binary fields (1000); test/fuzz_sql/run.sh runs this
-- file many times with large sizes.
\i test/support/tap_setup.sql
\if :{?fuzz_seed}
\else
\set fuzz_seed `printf '%s' "${FUZZ_SQL_SEED:-}"`
\endif
\if :{?fuzz_rows}
\else
\set fuzz_rows 20000
\endif
\if :{?fuzz_bytea}
\else
\set fuzz_bytea 5000
\endif
\if :{?fuzz_recv}
\else
\set fuzz_recv 1000
\endif
SELECT CASE WHEN :'fuzz_seed' = '' THEN round((random() * 2 - 1)::numeric, 9)::text
			ELSE :'fuzz_seed' END AS fuzz_seed \gset
SELECT format(' [seed %s]', :'fuzz_seed') AS fuzz_tag \gset
BEGIN;
\i test/support/cnid_check_plpgsql.sql
SELECT plan(42);
SELECT diag(format('fuzz seed %s: %s strings, %s burden states, %s binary fields; replay with FUZZ_SQL_SEED=%s',
				   :'fuzz_seed', :'fuzz_rows', :'fuzz_bytea', :'fuzz_recv', :'fuzz_seed'));
CREATE TEMP TABLE fz_param AS
SELECT (:'fuzz_rows')::int AS nrows, (:'fuzz_bytea')::int AS nbytea, (:'fuzz_recv')::int AS nrecv;
SELECT setseed(:'fuzz_seed'::float8);

-------------------------------------------------------------------------------
-- Helpers
-------------------------------------------------------------------------------

-- Helpers that run a query of their own per row say WHERE pg_temp.serial():
-- a parallel-unsafe call, so that with debug_parallel_query (or
-- force_parallel_mode) = regress they do not start a worker on every row.
CREATE FUNCTION pg_temp.serial() RETURNS boolean
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE AS $$ BEGIN RETURN true; END $$;

-- ISO 7064 MOD 11-2 check character of 17 digits
CREATE FUNCTION pg_temp.check_char(b17 text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT substr('10X98765432', sum(substr(b17, i, 1)::int * (ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[i])::int % 11 + 1, 1)
	FROM generate_series(1, 17) i WHERE pg_temp.serial()
$$;

-- what the ID parser drops, as a regular expression class (GB 11643 input
-- rules as medaid documents them), and the folding of what it keeps
CREATE FUNCTION pg_temp.sep_class() RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT '[ \t\n\r\v\f\u00A0\u3000\u200B\uFEFF\u2010-\u2015\u2212\uFE63\uFF0D-]'
$$;
CREATE FUNCTION pg_temp.id_norm(s text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT translate(regexp_replace(s, pg_temp.sep_class(), '', 'g'),
					 '０１２３４５６７８９xｘＸ', '0123456789XXX')
$$;
-- the masked form of raw input, from its normalised form: first 6 kept and
-- the last 4 of 18 characters or more, of fewer only those past the 14th
-- (control characters shown as ?), at most 12 * between; all * up to 10
-- characters
CREATE FUNCTION pg_temp.mask_ref(n text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN length(n) <= 10 THEN repeat('*', length(n))
				ELSE regexp_replace(left(n, 6), '[\u0001-\u001F\u007F-\u009F]', '?', 'g')
					 || repeat('*', least(length(n) - 6 - k, 12))
					 || regexp_replace(right(n, k), '[\u0001-\u001F\u007F-\u009F]', '?', 'g') END
	FROM (SELECT CASE WHEN length(n) >= 18 THEN 4 WHEN length(n) > 14 THEN length(n) - 14 ELSE 0 END AS k) x
$$;

-- normalize_name's documented rules: white space (Unicode White_Space and the
-- zero-width ones) and control characters removed, look-alike middle dots to
-- U+00B7, full-width ASCII forms to ASCII
CREATE TEMP TABLE fz_name_map AS
SELECT E'.\u00B7\u0387\u2022\u2024\u2027\u2219\u22C5\u30FB\uFE52\uFF0E\uFF65'
		   || string_agg(chr(c), '' ORDER BY c) AS src,
	   repeat(E'\u00B7', 12) || string_agg(chr(c - 65248), '' ORDER BY c) AS dst
FROM generate_series(65281, 65374) c;
CREATE FUNCTION pg_temp.name_ref(s text) RETURNS text
	LANGUAGE sql STABLE AS $$
	SELECT translate(regexp_replace(s, '[\u0001-\u0020\u007F\u0085\u00A0\u1680\u2000-\u200B\u2028\u2029\u202F\u205F\u2060\u3000\uFEFF]', '', 'g'),
					 m.src, m.dst)
	FROM fz_name_map m
$$;

-- category input: ASCII white space and U+3000 trimmed, slugs compared
-- ASCII-case-insensitively, Chinese names exactly
CREATE TEMP TABLE fz_categories (slug text, label text);
INSERT INTO fz_categories VALUES
	('tekun', '特困人员'), ('dibao', '低保对象'), ('fanpin', '返贫致贫人口'),
	('dibao_edge', '低保边缘家庭成员'), ('jiance', '防止返贫监测帮扶对象'), ('zhongbing', '因病致贫重病患者');
CREATE FUNCTION pg_temp.category_ref(s text) RETURNS text
	LANGUAGE sql STABLE AS $$
	SELECT c.slug FROM fz_categories c,
		(SELECT regexp_replace(s, '^[ \t\r\n\u3000]+|[ \t\r\n\u3000]+$', '', 'g') AS t) q
	WHERE translate(q.t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = c.slug
	   OR q.t = c.label
$$;

-- one random character of the fuzz alphabet (for mutations; the bulk
-- generator below inlines the same choice)
CREATE FUNCTION pg_temp.fz_char() RETURNS text
	LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN c < 35 THEN chr(48 + floor(random() * 10)::int)
				WHEN c < 45 THEN chr(65296 + floor(random() * 10)::int)
				WHEN c < 49 THEN (ARRAY['x', 'X', E'\uFF58', E'\uFF38'])[1 + floor(random() * 4)::int]
				WHEN c < 53 THEN ' '
				WHEN c < 56 THEN (ARRAY[E'\u00A0', E'\u3000'])[1 + floor(random() * 2)::int]
				WHEN c < 60 THEN (ARRAY['-', E'\uFF0D', E'\u2010', E'\u2011', E'\u2012', E'\u2013', E'\u2014', E'\u2015', E'\u2212', E'\uFE63'])[1 + floor(random() * 10)::int]
				WHEN c < 64 THEN (ARRAY[E'\t', E'\n', E'\r', E'\x0B', E'\f', E'\u200B', E'\uFEFF', E'\u0085'])[1 + floor(random() * 8)::int]
				WHEN c < 72 THEN chr(32 + floor(random() * 95)::int)
				WHEN c < 82 THEN chr(CASE WHEN x >= 55296 THEN x + 2048 ELSE x END)
				WHEN c < 87 THEN chr(65536 + floor(random() * 1048576)::int)
				WHEN c < 91 THEN chr(768 + floor(random() * 112)::int)
				ELSE chr(1 + floor(random() * 31)::int) END
	FROM (SELECT floor(random() * 100)::int AS c, 1 + floor(random() * 63485)::int AS x) q
$$;

-- decoration that keeps an ID valid: separators between characters,
-- full-width digits, any form of X
CREATE FUNCTION pg_temp.decorate(id text) RETURNS text
	LANGUAGE sql VOLATILE AS $$
	SELECT string_agg(
		CASE WHEN random() < 0.12
			 THEN (ARRAY[' ', ' ', '-', E'\t', E'\n', E'\r', E'\x0B', E'\f', E'\u00A0', E'\u3000', E'\u200B', E'\uFEFF', E'\uFF0D',
						 E'\u2010', E'\u2011', E'\u2012', E'\u2013', E'\u2014', E'\u2015', E'\u2212', E'\uFE63'])[1 + floor(random() * 21)::int]
			 ELSE '' END
		|| CASE WHEN ch = 'X' THEN (ARRAY['x', 'X', E'\uFF58', E'\uFF38'])[1 + floor(random() * 4)::int]
				WHEN ch ~ '^[0-9]$' AND random() < 0.25 THEN chr(ascii(ch) + 65248)
				ELSE ch END
		|| CASE WHEN i = length(id) AND random() < 0.1 THEN ' ' ELSE '' END,
		'' ORDER BY i)
	FROM (SELECT i, substr(id, i, 1) AS ch FROM generate_series(1, length(id)) i) q
$$;

-- random bytes, of a given length
CREATE FUNCTION pg_temp.rand_bytes(n int) RETURNS bytea
	LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(string_agg(set_byte('\x00'::bytea, 0, floor(random() * 256)::int), ''::bytea), ''::bytea)
	FROM generate_series(1, n)
$$;
-- one random bit flipped
CREATE FUNCTION pg_temp.flip_bit(b bytea) RETURNS bytea
	LANGUAGE sql VOLATILE AS $$
	SELECT set_bit(b, k, 1 - get_bit(b, k)) FROM (SELECT floor(random() * length(b) * 8)::int AS k) q
$$;

-- every cnid function on one input, in subtransactions: the cast's value or
-- error, then what the functions that never raise give (or their error).
-- (PL/pgSQL helpers called per row only assign: with parallel mode forced,
-- RETURN or IF of an expression can start a parallel worker on every call.)
CREATE TYPE pg_temp.fz_verdict AS (
	cast_v medaid.cnid, cast_state text, cast_msg text,
	try_v medaid.cnid, valid boolean, reason text, detail text, upgraded boolean, mask text,
	category text, name text, nr_state text, nr_msg text);
CREATE FUNCTION pg_temp.judge(s text) RETURNS pg_temp.fz_verdict
	LANGUAGE plpgsql AS $$
DECLARE
	r pg_temp.fz_verdict;
BEGIN
	BEGIN
		r.cast_v := s::medaid.cnid;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS r.cast_state = RETURNED_SQLSTATE, r.cast_msg = MESSAGE_TEXT;
	END;
	BEGIN
		r.try_v := medaid.cnid_try(s);
		r.valid := medaid.cnid_is_valid(s);
		r.reason := medaid.cnid_invalid_reason(s);
		r.detail := medaid.cnid_invalid_detail(s);
		r.upgraded := medaid.cnid_is_upgraded(s);
		r.mask := medaid.cnid_mask(s);
		r.category := medaid.category_from_text(s)::text;
		r.name := medaid.normalize_name(s);
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS r.nr_state = RETURNED_SQLSTATE, r.nr_msg = MESSAGE_TEXT;
	END;
	RETURN r;
END
$$;
CREATE FUNCTION pg_temp.cast_category(s text, OUT v medaid.category, OUT state text)
	LANGUAGE plpgsql AS $$
BEGIN
	v := s::medaid.category;
EXCEPTION WHEN OTHERS THEN
	state := SQLSTATE;
END
$$;

-------------------------------------------------------------------------------
-- Strings
-------------------------------------------------------------------------------

-- valid 17-digit bodies: known province (or a foreigner's 9 + province),
-- birth date from 1800 to yesterday (half of them 19xx, which also have a
-- 15-digit form), any sequence number
CREATE TEMP TABLE fz_valid AS
SELECT g, body, body || pg_temp.check_char(body) AS id,
	   CASE WHEN substr(body, 7, 2) = '19' AND left(body, 1) <> '9'
			THEN left(body, 6) || substr(body, 9, 9) END AS id15
FROM (SELECT g, CASE WHEN random() < 0.06 THEN '9' || p || lpad(floor(random() * 1000)::int::text, 3, '0')
					 ELSE p || lpad(floor(random() * 10000)::int::text, 4, '0') END
				|| to_char(CASE WHEN random() < 0.5
								THEN date '1900-01-01' + floor(random() * 36524)::int
								ELSE date '1800-01-01' + floor(random() * (current_date - date '1800-01-01'))::int END, 'YYYYMMDD')
				|| lpad(floor(random() * 1000)::int::text, 3, '0') AS body
	  FROM (SELECT g, (ARRAY['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
							 '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
							 '71', '81', '82', '83'])[1 + floor(random() * 35)::int] AS p
			FROM generate_series(1, greatest((SELECT nrows FROM fz_param) * 3 / 20, 100)) g) q) q;

-- the inputs: kind says how each was made
--   random    strings of the weighted alphabet, 0 to 4000 characters
--   digits    strings of the characters IDs are made of, 14 to 23 long
--   valid     a valid ID (18 or 15 digits) decorated: all must be accepted
--   subst     a valid ID with one character changed: all must be refused
--   swap      a valid ID with two adjacent characters swapped: refused
--             when they differ, the same ID when they do not
--   mutate    a valid ID changed some other way
--   edge      a few fixed cases
CREATE TEMP TABLE fz_str (g int, kind text, s text, base text);

INSERT INTO fz_str
WITH l AS (
	SELECT g, CASE WHEN r < 0.35 THEN floor(random() * 25)::int
				   WHEN r < 0.60 THEN 13 + floor(random() * 8)::int
				   WHEN r < 0.85 THEN 25 + floor(random() * 176)::int
				   WHEN r < 0.95 THEN 200 + floor(random() * 801)::int
				   ELSE 1000 + floor(random() * 3001)::int END AS len
	FROM (SELECT g, random() AS r
		  FROM generate_series(1, (SELECT nrows FROM fz_param) / 2) g) s)
SELECT g, 'random', (SELECT coalesce(string_agg(
		CASE WHEN c < 35 THEN chr(48 + floor(random() * 10)::int)
			 WHEN c < 45 THEN chr(65296 + floor(random() * 10)::int)
			 WHEN c < 49 THEN (ARRAY['x', 'X', E'\uFF58', E'\uFF38'])[1 + floor(random() * 4)::int]
			 WHEN c < 53 THEN ' '
			 WHEN c < 56 THEN (ARRAY[E'\u00A0', E'\u3000'])[1 + floor(random() * 2)::int]
			 WHEN c < 60 THEN (ARRAY['-', E'\uFF0D', E'\u2010', E'\u2011', E'\u2012', E'\u2013', E'\u2014', E'\u2015', E'\u2212', E'\uFE63'])[1 + floor(random() * 10)::int]
			 WHEN c < 64 THEN (ARRAY[E'\t', E'\n', E'\r', E'\x0B', E'\f', E'\u200B', E'\uFEFF', E'\u0085'])[1 + floor(random() * 8)::int]
			 WHEN c < 72 THEN chr(32 + floor(random() * 95)::int)
			 WHEN c < 82 THEN chr(CASE WHEN x >= 55296 THEN x + 2048 ELSE x END)
			 WHEN c < 87 THEN chr(65536 + floor(random() * 1048576)::int)
			 WHEN c < 91 THEN chr(768 + floor(random() * 112)::int)
			 ELSE chr(1 + floor(random() * 31)::int) END, ''), '')
	FROM (SELECT floor(random() * 100)::int AS c, 1 + floor(random() * 63485)::int AS x
		  FROM generate_series(1, l.len)) q), NULL
FROM l;

-- strings of what IDs are made of (digits, X, separators, in every form),
-- about as long as one: they get past the character and length checks
INSERT INTO fz_str
SELECT 5000000 + g, 'digits', (SELECT string_agg(
		CASE WHEN c < 75 THEN chr(48 + floor(random() * 10)::int)
			 WHEN c < 85 THEN chr(65296 + floor(random() * 10)::int)
			 WHEN c < 89 THEN (ARRAY['x', 'X', E'\uFF58', E'\uFF38'])[1 + floor(random() * 4)::int]
			 ELSE (ARRAY[' ', '-', E'\t', E'\u3000', E'\u00A0', E'\uFF0D', E'\u2014', E'\u200B', E'\uFEFF', E'\x0B'])[1 + floor(random() * 10)::int] END, '')
	FROM (SELECT floor(random() * 100)::int AS c FROM generate_series(1, 14 + floor(random() * 9)::int + g * 0)) q)
	|| CASE WHEN random() < 0.3 THEN pg_temp.check_char(lpad(floor(random() * 1e17)::bigint::text, 17, '0')) ELSE '' END, NULL
FROM generate_series(1, (SELECT nrows FROM fz_param) / 10) g;

INSERT INTO fz_str
SELECT 1000000 + g, 'valid', pg_temp.decorate(CASE WHEN id15 IS NOT NULL AND random() < 0.3 THEN id15 ELSE id END), id
FROM fz_valid;

INSERT INTO fz_str
SELECT 2000000 + g, 'subst',
	   CASE WHEN random() < 0.5 THEN t ELSE pg_temp.decorate(t) END, id
FROM (SELECT g, id, overlay(id placing
			CASE WHEN k = 18
				 THEN substr('0123456789X', (strpos('0123456789X', right(id, 1)) + floor(random() * 10)::int) % 11 + 1, 1)
				 ELSE ((substr(id, k, 1)::int + 1 + floor(random() * 9)::int) % 10)::text END
			from k for 1) AS t
	  FROM (SELECT g, id, 1 + floor(random() * 18)::int AS k FROM fz_valid) q) q;

INSERT INTO fz_str
SELECT 3000000 + g, 'swap',
	   CASE WHEN random() < 0.5 THEN t ELSE pg_temp.decorate(t) END, id
FROM (SELECT g, id, overlay(id placing substr(id, k + 1, 1) || substr(id, k, 1) from k for 2) AS t
	  FROM (SELECT g, id, 1 + floor(random() * 17)::int AS k FROM fz_valid WHERE g % 2 = 0) q) q;

INSERT INTO fz_str
SELECT 4000000 + g, 'mutate', CASE op
	WHEN 0 THEN overlay(id placing '' from k for 1)									-- a character dropped
	WHEN 1 THEN overlay(id placing (floor(random() * 10)::int)::text from k for 0)	-- a digit added
	WHEN 2 THEN overlay(id placing pg_temp.fz_char() from k for 0)					-- any character added
	WHEN 3 THEN overlay(id placing pg_temp.fz_char() from k for 1)					-- any character replaced
	WHEN 4 THEN overlay(id placing lpad(floor(random() * 10000)::int::text, 4, '0')
							|| lpad(floor(random() * 20)::int::text, 2, '0')
							|| lpad(floor(random() * 40)::int::text, 2, '0') from 7 for 8) -- any birth date
	WHEN 5 THEN overlay(id placing to_char(current_date + 1 + floor(random() * 20000)::int, 'YYYYMMDD') from 7 for 8)
	WHEN 6 THEN overlay(id placing lpad(floor(random() * 100)::int::text, 2, '0') from 1 for 2)	-- any province
	WHEN 7 THEN left(id, 6) || substr(id, 9, 9)										-- 15 digits of any year
	WHEN 8 THEN overlay(id placing 'X' from k for 1)
	WHEN 9 THEN id || id
	WHEN 10 THEN left(id, 17)
	WHEN 11 THEN pg_temp.decorate(overlay(id placing pg_temp.fz_char() from k for 0))
	WHEN 12 THEN left(id, 17) || pg_temp.check_char(left(id, 17)) || pg_temp.fz_char()
	ELSE repeat(pg_temp.fz_char(), 1 + floor(random() * 3)::int) || id
	END, id
FROM (SELECT g, id, floor(random() * 14)::int AS op, 1 + floor(random() * 18)::int AS k
	  FROM fz_valid WHERE g % 4 <> 3) q;

INSERT INTO fz_str VALUES
	(-1, 'edge', '', NULL), (-2, 'edge', ' ', NULL), (-3, 'edge', E'\u3000-\u00A0', NULL),
	(-4, 'edge', repeat('1', 100000), NULL), (-5, 'edge', repeat(E'\uFF11', 100000), NULL),
	(-6, 'edge', repeat(chr(128512), 20000), NULL), (-7, 'edge', repeat(E'\u0301', 5000), NULL),
	(-8, 'edge', '11010519491231002X' || repeat(' ', 10000), NULL),
	(-9, 'edge', repeat('-', 10000) || '11010519491231002X', NULL),
	(-10, 'edge', E'\uFF11\uFF11\uFF10\uFF11\uFF10\uFF15\uFF11\uFF19\uFF14\uFF19\uFF11\uFF12\uFF13\uFF11\uFF10\uFF10\uFF12\uFF58', NULL),
	(-11, 'edge', '000000000000000000', NULL), (-12, 'edge', '99999999999999999X', NULL),
	(-13, 'edge', '110105000000000000', NULL), (-14, 'edge', '110105999912310000', NULL),
	(-15, 'edge', '11010518000101000' || pg_temp.check_char('11010518000101000'), NULL),
	(-16, 'edge', '11010517991231000' || pg_temp.check_char('11010517991231000'), NULL),
	(-17, 'edge', '11010520000229000' || pg_temp.check_char('11010520000229000'), NULL),
	(-18, 'edge', '11010519000229000' || pg_temp.check_char('11010519000229000'), NULL),
	(-19, 'edge', '110105' || to_char(current_date, 'YYYYMMDD') || '000'
				  || pg_temp.check_char('110105' || to_char(current_date, 'YYYYMMDD') || '000'), NULL),
	(-20, 'edge', '110105' || to_char(current_date + 1, 'YYYYMMDD') || '000'
				  || pg_temp.check_char('110105' || to_char(current_date + 1, 'YYYYMMDD') || '000'), NULL),
	(-21, 'edge', '110105491231002', NULL), (-22, 'edge', '11010549123100X', NULL);

-- every function on every input
CREATE TEMP TABLE fz_judged AS
SELECT f.g, f.kind, f.s, f.base, j.*,
	   pg_temp.mask_ref(f.norm) AS ref_mask, f.norm,
	   r.canonical AS ref_canonical, r.ok AS ref_ok, r.reason AS ref_reason, r.upgraded AS ref_upgraded
FROM (SELECT f.*, pg_temp.id_norm(f.s) AS norm FROM fz_str f OFFSET 0) f	-- OFFSET 0: norm computed once
	 CROSS JOIN LATERAL pg_temp.judge(f.s) j
	 CROSS JOIN LATERAL medaid_ref.cnid_check(f.s) r;

-- a few failing inputs, quoted, for the diagnostics
CREATE FUNCTION pg_temp.examples(what text, q text) RETURNS SETOF text
	LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format('SELECT diag(%L || '': '' || x) FROM (%s LIMIT 5) e(x)', what, q);
END
$$;

SELECT cmp_ok((SELECT count(*) FROM fz_judged WHERE valid)::int, '>=',
			  (SELECT count(*) FROM fz_valid)::int, 'the sample holds many valid numbers' || :'fuzz_tag');
SELECT cmp_ok((SELECT count(DISTINCT reason) FROM fz_judged)::int, '>=', 7,
			  'the sample exercises every reason' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged WHERE nr_state IS NOT NULL), 0::bigint,
		  'cnid_try, cnid_is_valid, cnid_invalid_reason/detail, cnid_is_upgraded, cnid_mask(text), category_from_text, normalize_name never raise' || :'fuzz_tag');
SELECT pg_temp.examples('raised', $$SELECT quote_literal(s) || ' ' || nr_state || ' ' || nr_msg FROM fz_judged WHERE nr_state IS NOT NULL$$);

SELECT is((SELECT count(*) FROM fz_judged WHERE cast_state IS NOT NULL AND cast_state <> '22P02'), 0::bigint,
		  '::cnid refuses only with 22P02' || :'fuzz_tag');
SELECT pg_temp.examples('other SQLSTATE', $$SELECT quote_literal(s) || ' ' || cast_state || ' ' || cast_msg FROM fz_judged WHERE cast_state <> '22P02'$$);

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE (cast_state IS NULL) IS DISTINCT FROM (try_v IS NOT NULL)
			  OR valid IS DISTINCT FROM (try_v IS NOT NULL)
			  OR (reason IS NULL) IS DISTINCT FROM valid
			  OR (detail IS NULL) IS DISTINCT FROM valid
			  OR cast_v IS DISTINCT FROM try_v), 0::bigint,
		  'the cast succeeds exactly when cnid_try is not NULL, cnid_is_valid, and reason and detail are NULL; with the same value' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged WHERE valid IS DISTINCT FROM ref_ok OR reason IS DISTINCT FROM ref_reason), 0::bigint,
		  'C and the PL/pgSQL reference agree on every verdict and reason' || :'fuzz_tag');
SELECT pg_temp.examples('disagrees', $$SELECT quote_literal(s) || ' C ' || coalesce(reason, 'ok') || ' ref ' || coalesce(ref_reason, 'ok')
										FROM fz_judged WHERE valid IS DISTINCT FROM ref_ok OR reason IS DISTINCT FROM ref_reason$$);

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE valid AND (try_v::text IS DISTINCT FROM ref_canonical
							OR try_v::text !~ '^[0-9]{17}[0-9X]$'
							OR try_v::text::medaid.cnid IS DISTINCT FROM try_v
							OR right(try_v::text, 1) <> pg_temp.check_char(left(try_v::text, 17))
							OR lpad(medaid.cnid_body(try_v)::text, 17, '0') <> left(try_v::text, 17)
							OR medaid.cnid_send(try_v) <> '\x01'::bytea || int8send(medaid.cnid_body(try_v))
							OR medaid.cnid_region(try_v) <> left(try_v::text, 6)
							OR medaid.cnid_birth_date(try_v) <> to_date(substr(try_v::text, 7, 8), 'YYYYMMDD')
							OR medaid.cnid_birth_date(try_v) > current_date)), 0::bigint,
		  'every accepted value is 18 characters with its check character, the reference''s canonical form, and parses back to itself' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged WHERE upgraded IS DISTINCT FROM (valid AND ref_upgraded)), 0::bigint,
		  'cnid_is_upgraded is true exactly for the valid 15-digit numbers the reference upgrades' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE cast_state = '22P02' AND cast_msg IS DISTINCT FROM format('invalid ID number "%s": %s', ref_mask, reason)), 0::bigint,
		  'the error message shows the input only masked, and the reason' || :'fuzz_tag');
SELECT pg_temp.examples('message', $$SELECT quote_literal(s) || ' -> ' || cast_msg FROM fz_judged
									  WHERE cast_state = '22P02' AND cast_msg IS DISTINCT FROM format('invalid ID number "%s": %s', ref_mask, reason)$$);

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE detail IS NOT NULL AND substr(norm, 7, 8) ~ '^[0-9]{8}$' AND strpos(detail, substr(norm, 7, 8)) > 0), 0::bigint,
		  'no detail repeats the hidden birth-date digits' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged WHERE mask IS DISTINCT FROM ref_mask), 0::bigint,
		  'cnid_mask(text) masks every input as documented (first 6 and last 4 of the normalised input)' || :'fuzz_tag');
SELECT pg_temp.examples('mask', $$SELECT quote_literal(s) || ' -> ' || quote_literal(mask) || ' expected ' || quote_literal(ref_mask)
								   FROM fz_judged WHERE mask IS DISTINCT FROM ref_mask$$);

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE valid AND NOT upgraded
			 AND (mask IS DISTINCT FROM medaid.cnid_mask(try_v)
				  OR mask IS DISTINCT FROM left(try_v::text, 6) || '********' || right(try_v::text, 4))), 0::bigint,
		  'the mask of a valid 18-character input is the value''s mask: characters 7-14 hidden' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE valid AND upgraded AND substr(mask, 7, 6) <> '******'), 0::bigint,
		  'the mask of a valid 15-digit input hides its birth date (characters 7-12)' || :'fuzz_tag');

SELECT is(medaid.cnid_mask(repeat('1', 1000000) || 'abcdefg'), '111111************defg',
		  'the mask of an input of over a million characters keeps its last 4');

SELECT is((SELECT count(*) FROM fz_judged WHERE kind = 'valid' AND (try_v IS NULL OR try_v::text <> base)), 0::bigint,
		  'every decorated valid ID (separators, full-width digits, any X, 15 digits) is accepted as itself' || :'fuzz_tag');
SELECT pg_temp.examples('refused', $$SELECT quote_literal(s) || ' ' || coalesce(reason, 'ok') FROM fz_judged
									  WHERE kind = 'valid' AND (try_v IS NULL OR try_v::text <> base)$$);

SELECT is((SELECT count(*) FROM fz_judged WHERE kind = 'subst' AND (valid OR ref_ok)), 0::bigint,
		  'every single-character substitution of a valid ID is refused' || :'fuzz_tag');
SELECT pg_temp.examples('accepted', $$SELECT quote_literal(s) || ' from ' || base FROM fz_judged WHERE kind = 'subst' AND valid$$);

SELECT is((SELECT count(*) FROM fz_judged
		   WHERE kind = 'swap' AND CASE WHEN pg_temp.id_norm(s) = base THEN try_v IS NULL OR try_v::text <> base
										ELSE valid OR ref_ok END), 0::bigint,
		  'every transposition of two adjacent different characters of a valid ID is refused' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_judged WHERE kind = 'mutate' AND valid AND NOT ref_ok), 0::bigint,
		  'no otherwise mutated ID is accepted that the reference refuses' || :'fuzz_tag');

SELECT ok(medaid.cnid_try(NULL) IS NULL AND NOT medaid.cnid_is_valid(NULL)
		  AND medaid.cnid_invalid_reason(NULL) = 'missing' AND medaid.cnid_is_upgraded(NULL) IS NULL
		  AND medaid.cnid_mask(NULL::text) IS NULL AND NULL::text::medaid.cnid IS NULL
		  AND medaid.category_from_text(NULL) IS NULL AND medaid.normalize_name(NULL) IS NULL,
		  'NULL input: NULL or ''missing'', never an error');

-- categories: the random strings, and the names and slugs changed a little
CREATE TEMP TABLE fz_cat AS
SELECT s FROM fz_str WHERE kind = 'random' AND g % 4 = 0
UNION ALL
SELECT CASE WHEN random() < 0.7 THEN pad1 ELSE '' END || t || CASE WHEN random() < 0.7 THEN pad2 ELSE '' END
FROM (SELECT (SELECT string_agg((ARRAY[' ', E'\t', E'\r', E'\n', E'\u3000', E'\u00A0', E'\x0B', E'\u200B'])[1 + floor(random() * 8)::int], '')
			  FROM generate_series(0, floor(random() * 3)::int + g * 0)) AS pad1,
			 (SELECT string_agg((ARRAY[' ', E'\t', E'\r', E'\n', E'\u3000', E'\u00A0', E'\f', E'\uFEFF'])[1 + floor(random() * 8)::int], '')
			  FROM generate_series(0, floor(random() * 3)::int + g * 0)) AS pad2,
			 CASE op
				WHEN 0 THEN w
				WHEN 1 THEN (SELECT string_agg(CASE WHEN random() < 0.5 THEN upper(substr(w, i, 1)) ELSE substr(w, i, 1) END, '' ORDER BY i)
							 FROM generate_series(1, length(w)) i)
				WHEN 2 THEN overlay(w placing '' from k for 1)
				WHEN 3 THEN overlay(w placing pg_temp.fz_char() from k for 0)
				WHEN 4 THEN replace(replace(replace(w, 'k', E'\u212A'), 'i', E'\u0131'), 'e', E'\uFF45')
				WHEN 5 THEN upper(w) || E'\u0301'
				WHEN 6 THEN w || w
				ELSE translate(w, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
			 END AS t
	  FROM (SELECT g, floor(random() * 8)::int AS op,
				   CASE WHEN random() < 0.6 THEN c.slug ELSE c.label END AS w,
				   1 + floor(random() * 4)::int AS k
			FROM generate_series(1, greatest((SELECT nrows FROM fz_param) / 8, 60)) g
				 JOIN fz_categories c ON c.slug = (ARRAY['tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing'])[1 + g % 6]) q) q;
CREATE TEMP TABLE fz_cat_judged AS
SELECT s, medaid.category_from_text(s)::text AS got, pg_temp.category_ref(s) AS ref, c.v::text AS cast_v, c.state
FROM fz_cat CROSS JOIN LATERAL pg_temp.cast_category(s) c;

SELECT cmp_ok((SELECT count(*) FROM fz_cat_judged WHERE got IS NOT NULL)::int, '>', 0,
			  'the category sample holds categories' || :'fuzz_tag');
SELECT is((SELECT count(*) FROM fz_cat_judged
		   WHERE got IS DISTINCT FROM ref OR cast_v IS DISTINCT FROM got
			  OR (state IS NOT NULL) IS DISTINCT FROM (got IS NULL) OR state <> '22P02'), 0::bigint,
		  'category_from_text and ::category agree with the reference (trimmed, ASCII-case-insensitive slugs, exact names); refusals are 22P02' || :'fuzz_tag');
SELECT pg_temp.examples('category', $$SELECT quote_literal(s) || ' got ' || coalesce(got, 'NULL') || ' ref ' || coalesce(ref, 'NULL') || ' cast ' || coalesce(cast_v, state)
									   FROM fz_cat_judged WHERE got IS DISTINCT FROM ref OR cast_v IS DISTINCT FROM got$$);

-- names: the same strings, and some with middle dots and full-width forms
CREATE TEMP TABLE fz_names AS
SELECT s FROM fz_str WHERE kind IN ('random', 'edge')
UNION ALL
SELECT (ARRAY['阿依古丽', '买买提', '爱新觉罗', 'Anna', '李'])[1 + floor(random() * 5)::int]
	   || (ARRAY['.', E'\u00B7', E'\u0387', E'\u2022', E'\u2024', E'\u2027', E'\u2219', E'\u22C5', E'\u30FB', E'\uFE52', E'\uFF0E', E'\uFF65', E'\uFF0E\uFF0E', ' . '])[1 + floor(random() * 14)::int]
	   || (ARRAY['艾山', E'\uFF21\uFF4E\uFF4E\uFF41', '热合曼', E'\u3000玉素甫\u3000', E'\u00A0Li\u200B'])[1 + floor(random() * 5)::int]
	   || pg_temp.fz_char()
FROM generate_series(1, greatest((SELECT nrows FROM fz_param) / 10, 50));
CREATE TEMP TABLE fz_names_judged AS
SELECT s, n, pg_temp.name_ref(s) AS ref, medaid.normalize_name(n) AS nn
FROM (SELECT s, medaid.normalize_name(s) AS n FROM fz_names) q;

SELECT is((SELECT count(*) FROM fz_names_judged WHERE n IS NULL OR n IS DISTINCT FROM ref), 0::bigint,
		  'normalize_name is never NULL and agrees with its documented rules' || :'fuzz_tag');
SELECT pg_temp.examples('name', $$SELECT quote_literal(s) || ' -> ' || quote_literal(n) || ' expected ' || quote_literal(ref)
								   FROM fz_names_judged WHERE n IS DISTINCT FROM ref$$);
SELECT is((SELECT count(*) FROM fz_names_judged WHERE nn IS DISTINCT FROM n OR length(n) > length(s)), 0::bigint,
		  'normalize_name is idempotent and never lengthens a name' || :'fuzz_tag');

-- the same functions in parallel workers (a plain table: temporary ones are
-- not read by workers): the same answers as the leader alone
SELECT 'fz_shared_' || pg_backend_pid() AS fz_shared \gset
CREATE SCHEMA :"fz_shared";
CREATE TABLE :"fz_shared".str AS SELECT s FROM fz_str;
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT count(*) || ' ' || sum(hashtext(concat_ws('|', medaid.cnid_try(s)::text, medaid.cnid_invalid_reason(s),
												 medaid.cnid_invalid_detail(s), medaid.cnid_mask(s),
												 medaid.category_from_text(s)::text, medaid.normalize_name(s)))::bigint) AS fz_digest_leader
FROM :"fz_shared".str \gset
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT count(*) || ' ' || sum(hashtext(concat_ws('|', medaid.cnid_try(s)::text, medaid.cnid_invalid_reason(s),
												 medaid.cnid_invalid_detail(s), medaid.cnid_mask(s),
												 medaid.category_from_text(s)::text, medaid.normalize_name(s)))::bigint) AS fz_digest_workers
FROM :"fz_shared".str \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT is(:'fz_digest_workers'::text, :'fz_digest_leader'::text,
		  'parallel workers give the same answers as the leader' || :'fuzz_tag');

-------------------------------------------------------------------------------
-- Burden states (bytea)
-------------------------------------------------------------------------------

-- the readers are not PUBLIC: without them, the section is skipped
SELECT has_function_privilege('medaid.burden_state(date, numeric, text, text)', 'EXECUTE')
	   AND has_function_privilege('medaid.burden_state_merge(bytea, bytea)', 'EXECUTE')
	   AND has_function_privilege('medaid.burden_state_result(bytea, date, numeric)', 'EXECUTE')
	   AND has_function_privilege('medaid.burden_state_region(bytea, date)', 'EXECUTE') AS fz_can_burden \gset
\if :fz_can_burden
-- real states: burden_state over synthetic settlements, one group per
-- person and year; ids and regions of any text, some missing
CREATE TEMP TABLE fz_settle AS
SELECT p, make_date(2000 + p % 30, 1, 1) + floor(random() * 365)::int AS d,
	   CASE WHEN random() < 0.15 THEN -round((random() * 500)::numeric, 2)
			WHEN random() < 0.02 THEN round((random() * 1e12)::numeric, 2)
			ELSE round((random() * 3000)::numeric, 2) END AS burden,
	   CASE WHEN random() < 0.1 THEN NULL
			WHEN random() < 0.2 THEN (SELECT coalesce(string_agg(pg_temp.fz_char(), ''), '') FROM generate_series(1, floor(random() * 6)::int + p * 0))
			ELSE 'S' || lpad(floor(random() * 1e6)::int::text, 7, '0') END AS sid,
	   CASE WHEN random() < 0.1 THEN NULL
			WHEN random() < 0.1 THEN ''
			WHEN random() < 0.2 THEN (ARRAY['济南市历下区', 'Région', E'\U0001F600', 'x'])[1 + floor(random() * 4)::int]
			ELSE (ARRAY['370102', '370103', '110105', '440303', '650102'])[1 + floor(random() * 5)::int] END AS region
FROM generate_series(1, 300) p
	 CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 25)::int + p * 0) k;
CREATE TEMP TABLE fz_real AS
SELECT row_number() OVER (ORDER BY p)::int AS i, p, medaid.burden_state(d, burden, sid, region) AS s
FROM fz_settle GROUP BY p;

-- the same states built by a parallel plan (partial states serialised,
-- combined, deserialised): the same bytes
CREATE TABLE :"fz_shared".settle AS SELECT * FROM fz_settle;
SELECT md5(string_agg(p || ':' || encode(s, 'hex'), ',' ORDER BY p)) AS fz_states_leader FROM fz_real \gset
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT md5(string_agg(p || ':' || encode(s, 'hex'), ',' ORDER BY p)) AS fz_states_workers
FROM (SELECT p, medaid.burden_state(d, burden, sid, region) AS s FROM :"fz_shared".settle GROUP BY p) q \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT is(:'fz_states_workers'::text, :'fz_states_leader'::text,
		  'burden_state gives the same bytes built by parallel workers as in one process' || :'fuzz_tag');

-- the mutated states: m says how each was made
CREATE TEMP TABLE fz_bytea AS
SELECT g, m, CASE m
	WHEN 0 THEN pg_temp.rand_bytes(floor(random() * 64)::int)								-- random bytes
	WHEN 1 THEN '\x01'::bytea || pg_temp.rand_bytes(floor(random() * 80)::int)				-- random after the version
	WHEN 2 THEN pg_temp.flip_bit(b.s)														-- one bit flipped
	WHEN 3 THEN pg_temp.flip_bit(pg_temp.flip_bit(pg_temp.flip_bit(b.s)))					-- three bits flipped
	WHEN 4 THEN substring(b.s from 1 for floor(random() * length(b.s))::int)				-- truncated
	WHEN 5 THEN b.s || pg_temp.rand_bytes(1 + floor(random() * 16)::int)					-- extended
	WHEN 6 THEN set_byte(b.s, floor(random() * length(b.s))::int, floor(random() * 256)::int)	-- a byte replaced
	WHEN 7 THEN substring(b.s from 1 for floor(random() * length(b.s))::int)				-- spliced
				|| substring(o.s from 1 + floor(random() * length(o.s))::int)
	WHEN 8 THEN overlay(b.s placing int4send((ARRAY[0, 1, -1, 2147483647, -2147483648, 16, 255, 65536, length(b.s)])[1 + floor(random() * 9)::int])
						from 1 + 1 + 4 * floor(random() * (length(b.s) - 5) / 4)::int for 4)	-- an int32 field replaced
	WHEN 9 THEN overlay(b.s placing int8send((ARRAY[0, 1, -1, 9223372036854775807, -9223372036854775808, 100000000000000000,
													4611686018427387904, -4611686018427387904])[1 + floor(random() * 8)::int])
						from 22 for 8)															-- the first day's fen
	WHEN 10 THEN b.s || o.s																	-- two states end to end
	WHEN 11 THEN overlay(b.s placing pg_temp.rand_bytes(1 + floor(random() * 4)::int)
						 from length(b.s) - floor(random() * 6)::int for 0)					-- bytes inserted near the end (a region)
	WHEN 12 THEN overlay(b.s placing substring(b.s from 14 for 16) from 14 for 0)			-- a day repeated
	ELSE b.s																				-- as it is
	END AS s,
	o.s AS other,
	make_date(2000 + floor(random() * 31)::int, 1, 1) + floor(random() * 365)::int AS through,
	CASE WHEN random() < 0.2 THEN NULL ELSE round((random() * 20000)::numeric, 2) END AS threshold
FROM (SELECT g, floor(random() * 14)::int AS m,
			 1 + floor(random() * (SELECT count(*) FROM fz_real))::int AS bi,
			 1 + floor(random() * (SELECT count(*) FROM fz_real))::int AS oi
	  FROM generate_series(1, (SELECT nbytea FROM fz_param)) g) q
	 JOIN fz_real b ON b.i = q.bi
	 JOIN fz_real o ON o.i = q.oi;

-- every reader in a subtransaction: the value or the SQLSTATE
CREATE FUNCTION pg_temp.safe_result(s bytea, through date, threshold numeric, OUT r medaid.burden, OUT e text)
	LANGUAGE plpgsql AS $$
BEGIN
	r := medaid.burden_state_result(s, through, threshold);
EXCEPTION WHEN OTHERS THEN
	e := SQLSTATE;
END
$$;
CREATE FUNCTION pg_temp.safe_region(s bytea, through date, OUT r text, OUT e text)
	LANGUAGE plpgsql AS $$
BEGIN
	r := medaid.burden_state_region(s, through);
EXCEPTION WHEN OTHERS THEN
	e := SQLSTATE;
END
$$;
CREATE FUNCTION pg_temp.safe_merge(a bytea, b bytea, OUT r bytea, OUT e text)
	LANGUAGE plpgsql AS $$
BEGIN
	r := medaid.burden_state_merge(a, b);
EXCEPTION WHEN OTHERS THEN
	e := SQLSTATE;
END
$$;
CREATE FUNCTION pg_temp.burden_judge(s bytea, through date, threshold numeric, other bytea,
	OUT r_all medaid.burden, OUT e_all text,
	OUT r_thr medaid.burden, OUT e_thr text,
	OUT region text, OUT e_region text,
	OUT m_left bytea, OUT e_left text,
	OUT m_right bytea, OUT e_right text,
	OUT m_self bytea, OUT e_self text,
	OUT m_other bytea, OUT e_other text)
	LANGUAGE sql AS $$
	SELECT a.r, a.e, t.r, t.e, g.r, g.e, l.r, l.e, rr.r, rr.e, ss.r, ss.e, o.r, o.e
	FROM pg_temp.safe_result(s, NULL, NULL) a, pg_temp.safe_result(s, through, threshold) t,
		 pg_temp.safe_region(s, through) g, pg_temp.safe_merge(s, NULL) l, pg_temp.safe_merge(NULL, s) rr,
		 pg_temp.safe_merge(s, s) ss, pg_temp.safe_merge(s, other) o
$$;

CREATE TEMP TABLE fz_bjudged AS
SELECT b.g, b.m, b.s, b.other, b.through, b.threshold, j.*
FROM fz_bytea b CROSS JOIN LATERAL pg_temp.burden_judge(b.s, b.through, b.threshold, b.other) j;

-- a reference reader of accepted states: the days and the months, decoded
-- in SQL from the documented layout (version, settlements, days as
-- (day, n, fen), months as (month, day, id, region))
CREATE FUNCTION pg_temp.i32(b bytea, o int) RETURNS int
	LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || encode(substring(b from o + 1 for 4), 'hex'))::bit(32)::int $$;
CREATE FUNCTION pg_temp.i64(b bytea, o int) RETURNS bigint
	LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || encode(substring(b from o + 1 for 8), 'hex'))::bit(64)::bigint $$;
CREATE FUNCTION pg_temp.state_days(s bytea) RETURNS TABLE (day date, n int, fen bigint)
	LANGUAGE sql IMMUTABLE AS $$
	SELECT date '2000-01-01' + pg_temp.i32(s, 13 + 16 * i), pg_temp.i32(s, 17 + 16 * i), pg_temp.i64(s, 21 + 16 * i)
	FROM generate_series(0, pg_temp.i32(s, 9) - 1) i WHERE pg_temp.serial()
$$;
CREATE FUNCTION pg_temp.state_months(s bytea) RETURNS TABLE (k int, month int, day date, id bytea, region bytea)
	LANGUAGE sql IMMUTABLE AS $$
	WITH RECURSIVE h AS (SELECT 13 + 16 * pg_temp.i32(s, 9) AS o),
	e(k, o, month, day, id, region, next) AS (
		SELECT 0, h.o + 4, NULL::int, NULL::date, NULL::bytea, NULL::bytea, h.o + 4 FROM h
		UNION ALL
		SELECT e.k + 1, e.next, pg_temp.i32(s, e.next), date '2000-01-01' + pg_temp.i32(s, e.next + 4),
			   substring(s from e.next + 13 for l1),
			   substring(s from e.next + 17 + l1 for pg_temp.i32(s, e.next + 12 + l1)),
			   e.next + 16 + l1 + pg_temp.i32(s, e.next + 12 + l1)
		FROM e CROSS JOIN LATERAL (SELECT pg_temp.i32(s, e.next + 8) AS l1) l
		WHERE e.k < (SELECT pg_temp.i32(s, h.o) FROM h) AND e.k < 100000 AND e.next < length(s))
	SELECT k, month, day, id, region FROM e WHERE k > 0 AND pg_temp.serial()
$$;
CREATE FUNCTION pg_temp.result_ref(s bytea, through date, threshold numeric) RETURNS medaid.burden
	LANGUAGE sql IMMUTABLE AS $$
	SELECT ROW(coalesce(sum(fen), 0) * 0.01, min(day) FILTER (WHERE running > floor(threshold * 100)),
			   coalesce(sum(n), 0))::medaid.burden
	FROM (SELECT day, n, fen, sum(fen) OVER (ORDER BY day) AS running
		  FROM pg_temp.state_days(s) WHERE through IS NULL OR day <= through) d
	WHERE pg_temp.serial()
$$;
CREATE FUNCTION pg_temp.region_ref(s bytea, through date) RETURNS bytea
	LANGUAGE sql IMMUTABLE AS $$
	SELECT region FROM pg_temp.state_months(s)
	WHERE month <= extract(year FROM through)::int * 12 + extract(month FROM through)::int - 1 AND pg_temp.serial()
	ORDER BY k DESC LIMIT 1
$$;

CREATE FUNCTION pg_temp.overflows(s bytea, through date) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(bool_or(running NOT BETWEEN -9223372036854775808 AND 9223372036854775807), false)
	FROM (SELECT sum(fen::numeric) OVER (ORDER BY day) AS running
		  FROM pg_temp.state_days(s) WHERE through IS NULL OR day <= through) d
	WHERE pg_temp.serial()
$$;
-- whether bytes are text: no NUL, valid in the database encoding.  (PL/pgSQL
-- helpers called per row only assign: with parallel mode forced, RETURN or
-- IF of an expression can start a parallel worker on every call.)
CREATE FUNCTION pg_temp.is_text(b bytea) RETURNS boolean
	LANGUAGE plpgsql AS $$
DECLARE
	ok boolean;
BEGIN
	ok := position('\x00'::bytea IN b) = 0 AND convert_from(b, pg_catalog.getdatabaseencoding()) IS NOT NULL;
	RETURN ok;
EXCEPTION WHEN OTHERS THEN
	RETURN false;
END
$$;

CREATE TEMP TABLE fz_accepted AS
SELECT j.*, pg_temp.result_ref(s, NULL, NULL) AS ref_all, pg_temp.result_ref(s, through, threshold) AS ref_thr,
	   pg_temp.region_ref(s, through) AS ref_region
FROM fz_bjudged j WHERE e_region IS NULL;

SELECT is((SELECT count(*) FROM fz_bjudged b JOIN fz_real r ON r.s = b.s WHERE b.e_region IS NOT NULL OR b.e_left IS NOT NULL), 0::bigint,
		  'the states burden_state builds are accepted' || :'fuzz_tag');
SELECT cmp_ok((SELECT count(*) FROM fz_bjudged WHERE e_region IS NOT NULL)::int, '>', (SELECT nbytea FROM fz_param) / 4,
			  'most mutated states are refused' || :'fuzz_tag');
SELECT cmp_ok((SELECT count(*) FROM fz_bjudged WHERE e_region IS NULL AND s NOT IN (SELECT s FROM fz_real))::int, '>', 0,
			  'some mutated states are accepted (and checked below)' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_bjudged
		   WHERE e_all NOT IN ('22P03', '22003') OR e_thr NOT IN ('22P03', '22003') OR e_region NOT IN ('22P03')
			  OR e_left NOT IN ('22P03') OR e_right NOT IN ('22P03')
			  OR e_self NOT IN ('22P03', '22003') OR e_other NOT IN ('22P03', '22003')), 0::bigint,
		  'the burden state readers refuse only with 22P03 (corrupt) or 22003 (a total out of range)' || :'fuzz_tag');
SELECT pg_temp.examples('SQLSTATE', $$SELECT s::text || ' ' || concat_ws(' ', e_all, e_thr, e_region, e_left, e_right, e_self, e_other)
									   FROM fz_bjudged WHERE e_all NOT IN ('22P03', '22003') OR e_thr NOT IN ('22P03', '22003')
										  OR e_region NOT IN ('22P03') OR e_left NOT IN ('22P03') OR e_right NOT IN ('22P03')
										  OR e_self NOT IN ('22P03', '22003') OR e_other NOT IN ('22P03', '22003')$$);

SELECT is((SELECT count(*) FROM fz_bjudged
		   WHERE (e_region IS NULL) IS DISTINCT FROM (e_left IS NULL)
			  OR (e_region IS NULL) IS DISTINCT FROM (e_right IS NULL)
			  OR (e_region IS NULL) IS DISTINCT FROM (e_all IS DISTINCT FROM '22P03')
			  OR (e_region IS NULL) IS DISTINCT FROM (e_thr IS DISTINCT FROM '22P03')
			  OR (e_region IS NULL) IS DISTINCT FROM (e_self IS DISTINCT FROM '22P03')
			  OR (e_region IS NULL) IS DISTINCT FROM (e_other IS DISTINCT FROM '22P03')), 0::bigint,
		  'every reader accepts the same states' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_accepted WHERE m_left IS DISTINCT FROM s OR m_right IS DISTINCT FROM s), 0::bigint,
		  'an accepted state is canonical: merging it with NULL gives its own bytes' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_accepted
		   WHERE (e_all IS NULL AND r_all IS DISTINCT FROM ref_all)
			  OR (e_thr IS NULL AND r_thr IS DISTINCT FROM ref_thr)
			  OR (e_all IS NOT DISTINCT FROM '22003') IS DISTINCT FROM pg_temp.overflows(s, NULL)
			  OR (e_thr IS NOT DISTINCT FROM '22003') IS DISTINCT FROM pg_temp.overflows(s, through)), 0::bigint,
		  'burden_state_result of an accepted state is what its days add up to (total, first crossing, settlements), or 22003 when a running total leaves int8' || :'fuzz_tag');
SELECT pg_temp.examples('result', $$SELECT s::text || ' ' || through || ' ' || coalesce(threshold::text, 'NULL') || ' got ' || r_thr::text || ' ref ' || ref_thr::text
									 FROM fz_accepted WHERE e_thr IS NULL AND r_thr IS DISTINCT FROM ref_thr$$);

SELECT is((SELECT count(*) FROM fz_accepted WHERE textsend(region) IS DISTINCT FROM ref_region), 0::bigint,
		  'burden_state_region of an accepted state is its latest region up to the month' || :'fuzz_tag');

-- what merging gives, read back by every reader again
CREATE TEMP TABLE fz_merged AS
SELECT a.g, a.m_self AS merged, a.r_all AS r_before, a.region AS region_before, a.e_all AS e_before, j.*
FROM fz_accepted a CROSS JOIN LATERAL pg_temp.burden_judge(a.m_self, a.through, NULL, NULL) j
WHERE a.e_self IS NULL;
SELECT is((SELECT count(*) FROM fz_merged
		   WHERE e_region IS NOT NULL OR e_left IS NOT NULL OR m_left IS DISTINCT FROM merged
			  OR textsend(region) IS DISTINCT FROM textsend(region_before)
			  OR (e_all IS NULL AND e_before IS NULL
				  AND ((r_all).total IS DISTINCT FROM 2 * (r_before).total
					   OR (r_all).settlements IS DISTINCT FROM 2 * (r_before).settlements))), 0::bigint,
		  'merging an accepted state with itself gives an accepted state: totals and settlements doubled, the same regions' || :'fuzz_tag');
CREATE TEMP TABLE fz_merged_other AS
SELECT a.g, a.r_all AS r_before, o.r AS r_other, j.r AS r_merged, j.e AS e_merged
FROM fz_accepted a
	 CROSS JOIN LATERAL pg_temp.safe_result(a.other, NULL, NULL) o
	 CROSS JOIN LATERAL pg_temp.safe_result(a.m_other, NULL, NULL) j
WHERE a.e_other IS NULL AND a.e_all IS NULL;
SELECT is((SELECT count(*) FROM fz_merged_other
		   WHERE e_merged IS DISTINCT FROM NULL AND e_merged <> '22003'
			  OR e_merged IS NULL AND ((r_merged).settlements IS DISTINCT FROM (r_before).settlements + (r_other).settlements
									   OR (r_merged).total IS DISTINCT FROM (r_before).total + (r_other).total)), 0::bigint,
		  'merging an accepted state with another gives an accepted state: totals and settlements added' || :'fuzz_tag');

SELECT is((SELECT count(*) FROM fz_accepted a, pg_temp.state_months(a.s) m WHERE NOT pg_temp.is_text(m.region)), 0::bigint,
		  'every region of an accepted state is text: no NUL, valid in the database encoding' || :'fuzz_tag');

SELECT throws_ok($$SELECT medaid.burden_state_result(medaid.burden_state_merge(x, x), NULL, NULL)
				  FROM (SELECT '\x01'::bytea || int8send(2147483647) || int4send(1) || int4send(8770) || int4send(2147483647)
							   || int8send(100) || int4send(0) AS x) q$$,
				 '22003', 'too many settlements on one day',
				 'merging a state with a day of 2^31 - 1 settlements with itself is refused, not wrapped');

-- burden_state_union (an aggregate of burden_state_merge), where it exists:
-- groups of accepted states give what merging them one by one gives
SELECT to_regprocedure('medaid.burden_state_union(bytea)') IS NOT NULL
	   AND has_function_privilege('medaid.burden_state_union(bytea)', 'EXECUTE') AS fz_has_union \gset
\if :fz_has_union
CREATE FUNCTION pg_temp.union_vs_fold(states bytea[], OUT u bytea, OUT ue text, OUT f bytea, OUT fe text)
	LANGUAGE plpgsql AS $$
DECLARE
	x bytea;
BEGIN
	BEGIN
		u := (SELECT medaid.burden_state_union(s) FROM unnest(states) s);
	EXCEPTION WHEN OTHERS THEN
		ue := SQLSTATE;
	END;
	BEGIN
		FOREACH x IN ARRAY states LOOP
			f := medaid.burden_state_merge(f, x);
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		fe := SQLSTATE;
		f := NULL;
	END;
END
$$;
CREATE TEMP TABLE fz_union AS
SELECT k, (pg_temp.union_vs_fold(states)).*
FROM (SELECT g % greatest((SELECT count(*) FROM fz_accepted)::int / 5, 1) AS k, array_agg(s ORDER BY g) AS states
	  FROM fz_accepted GROUP BY 1) q;
SELECT is((SELECT count(*) FROM fz_union WHERE u IS DISTINCT FROM f OR ue IS DISTINCT FROM fe), 0::bigint,
		  'burden_state_union of accepted states is what merging them one by one gives' || :'fuzz_tag');
\else
SELECT skip('no burden_state_union here (or no right to run it)', 1);
\endif
\else
SELECT skip('burden_state and its readers are not executable by ' || current_user, 14);
\endif

-------------------------------------------------------------------------------
-- Binary input (COPY ... FORMAT binary): cnid_recv, category_recv
-------------------------------------------------------------------------------

-- field bytes: random, near the valid form, and valid
CREATE TEMP TABLE fz_recv AS
SELECT g, 'cnid' AS typ, CASE m
	WHEN 0 THEN pg_temp.rand_bytes(floor(random() * 12)::int)
	WHEN 1 THEN '\x01'::bytea || pg_temp.rand_bytes(8)
	WHEN 2 THEN '\x01'::bytea || int8send(floor(random() * 1e17)::bigint)
	WHEN 3 THEN pg_temp.flip_bit(v)
	WHEN 4 THEN substring(v from 1 for floor(random() * 9)::int)
	WHEN 5 THEN v || pg_temp.rand_bytes(1 + floor(random() * 3)::int)
	WHEN 6 THEN set_byte(v, 0, floor(random() * 256)::int)
	WHEN 7 THEN '\x01'::bytea || int8send((ARRAY[-1, 0, 100000000000000000, 99999999999999999, -9223372036854775808, 9223372036854775807,
											 11010518000101000, 11010517991231999])[1 + floor(random() * 8)::int])
	ELSE v END AS field
FROM (SELECT q.g, floor(random() * 10)::int AS m, '\x01'::bytea || int8send(left(v.id, 17)::bigint) AS v
	  FROM (SELECT g, 1 + floor(random() * (SELECT count(*) FROM fz_valid))::int AS vi
			FROM generate_series(1, (SELECT nrecv FROM fz_param)) g) q
		   JOIN fz_valid v ON v.g = q.vi) q
UNION ALL
SELECT -g, 'category', CASE WHEN random() < 0.6 THEN set_byte('\x00'::bytea, 0, floor(random() * 9)::int)
							ELSE pg_temp.rand_bytes(floor(random() * 3)::int) END
FROM generate_series(1, greatest((SELECT nrecv FROM fz_param) / 5, 20)) g;

CREATE TEMP TABLE fz_recv_cnid (v medaid.cnid);
CREATE TEMP TABLE fz_recv_category (v medaid.category);
-- one field through COPY: written as one bytea column, read back as the type
CREATE FUNCTION pg_temp.recv_try(typ text, field bytea, path text, OUT sent bytea, OUT state text)
	LANGUAGE plpgsql AS $$
DECLARE
	copy_out text;
	copy_in text;
	send text;
	clear text;
BEGIN
	copy_out := format('COPY (SELECT %L::bytea FROM pg_temp.fz_param) TO %L (FORMAT binary)', field, path);
	copy_in := format('COPY pg_temp.fz_recv_%s FROM %L (FORMAT binary)', typ, path);
	send := format('SELECT medaid.%s_send(v) FROM pg_temp.fz_recv_%s', typ, typ);
	clear := format('DELETE FROM pg_temp.fz_recv_%s', typ);
	EXECUTE copy_out;
	BEGIN
		EXECUTE copy_in;
		EXECUTE send INTO sent;
		EXECUTE clear;
	EXCEPTION WHEN OTHERS THEN
		state := SQLSTATE;
	END;
END
$$;

-- server-side COPY files: superuser (or pg_read/write_server_files) only
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
	   OR (pg_has_role('pg_write_server_files', 'member') AND pg_has_role('pg_read_server_files', 'member')) AS fz_can_copy,
	   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
	   OR pg_has_role('pg_execute_server_program', 'member') AS fz_can_rm,
	   '/tmp/medaid_fuzz_sql_' || pg_backend_pid() || '.bin' AS fz_path,
	   'rm -f /tmp/medaid_fuzz_sql_' || pg_backend_pid() || '.bin' AS fz_path_rm \gset
\if :fz_can_copy
CREATE TEMP TABLE fz_recv_judged AS
SELECT r.*, t.sent, t.state FROM fz_recv r CROSS JOIN LATERAL pg_temp.recv_try(r.typ, r.field, :'fz_path') t;
\if :fz_can_rm
COPY (SELECT 1 WHERE false) TO PROGRAM :'fz_path_rm';
\endif
SELECT is((SELECT count(*) FROM fz_recv_judged WHERE state NOT IN ('22P03', '08P01')), 0::bigint,
		  'binary input refuses only with 22P03 or 08P01 (too short)' || :'fuzz_tag');
SELECT is((SELECT count(*) FROM fz_recv_judged
		   WHERE typ = 'cnid'
			 AND (state IS NULL) IS DISTINCT FROM
				 (length(field) = 9 AND get_byte(field, 0) = 1
				  AND pg_temp.i64(field, 1) BETWEEN 0 AND 99999999999999999
				  AND (medaid_ref.cnid_check(lpad(pg_temp.i64(field, 1)::text, 17, '0')
											 || pg_temp.check_char(lpad(pg_temp.i64(field, 1)::text, 17, '0')))).ok)), 0::bigint,
		  'cnid binary input accepts exactly version 1 and a body the reference accepts' || :'fuzz_tag');
SELECT pg_temp.examples('cnid_recv', $$SELECT field::text || ' ' || coalesce(state, 'accepted') FROM fz_recv_judged
										WHERE typ = 'cnid' AND (state IS NULL) IS DISTINCT FROM
										(length(field) = 9 AND get_byte(field, 0) = 1 AND pg_temp.i64(field, 1) BETWEEN 0 AND 99999999999999999
										 AND (medaid_ref.cnid_check(lpad(pg_temp.i64(field, 1)::text, 17, '0')
																	|| pg_temp.check_char(lpad(pg_temp.i64(field, 1)::text, 17, '0')))).ok)$$);
SELECT is((SELECT count(*) FROM fz_recv_judged
		   WHERE typ = 'category'
			 AND (state IS NULL) IS DISTINCT FROM (length(field) = 1 AND get_byte(field, 0) BETWEEN 1 AND 6)), 0::bigint,
		  'category binary input accepts exactly one byte from 1 to 6' || :'fuzz_tag');
SELECT is((SELECT count(*) FROM fz_recv_judged WHERE state IS NULL AND sent IS DISTINCT FROM field), 0::bigint,
		  'what binary input accepts, binary output gives back' || :'fuzz_tag');
\else
SELECT skip('server-side COPY files need superuser or pg_read_server_files and pg_write_server_files', 4);
\endif

SELECT * FROM finish();
ROLLBACK;
