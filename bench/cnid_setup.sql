-- bench/cnid_setup.sql: helpers for bench/cnid.sh (run in a fresh
-- database medaid_bench).  Everything the bench adds lives in schema
-- medaid_bench, apart from the data tables in public.

CREATE EXTENSION medaid;
\ir ../test/support/cnid_check_plpgsql.sql

CREATE SCHEMA medaid_bench;

-- ISO 7064 MOD 11-2 weighted digit sum of a 17-digit body held as bigint:
-- digit i (from the left) times 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
-- A one-expression SQL function, so the planner inlines it.
CREATE FUNCTION medaid_bench.wsum(b bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT  7 * ($1 / 10000000000000000 % 10) +  9 * ($1 / 1000000000000000 % 10)
		 + 10 * ($1 / 100000000000000 % 10)   +  5 * ($1 / 10000000000000 % 10)
		 +  8 * ($1 / 1000000000000 % 10)     +  4 * ($1 / 100000000000 % 10)
		 +  2 * ($1 / 10000000000 % 10)       +  1 * ($1 / 1000000000 % 10)
		 +  6 * ($1 / 100000000 % 10)         +  3 * ($1 / 10000000 % 10)
		 +  7 * ($1 / 1000000 % 10)           +  9 * ($1 / 100000 % 10)
		 + 10 * ($1 / 10000 % 10)             +  5 * ($1 / 1000 % 10)
		 +  8 * ($1 / 100 % 10)               +  4 * ($1 / 10 % 10)
		 +  2 * ($1 % 10)
$$;

-- The 17 digits of a body as text.
CREATE FUNCTION medaid_bench.digits(b bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT lpad($1::text, 17, '0')
$$;

-- The check character: the weighted sum mod 11 indexes '10X98765432'.
CREATE FUNCTION medaid_bench.chk(b bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT substr('10X98765432', (medaid_bench.wsum($1) % 11)::int + 1, 1)
$$;

-- A check character that is wrong for b: k in 1..10 steps away.
CREATE FUNCTION medaid_bench.wrong_chk(b bigint, k int) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT substr('10X98765432', ((medaid_bench.wsum($1) + $2) % 11)::int + 1, 1)
$$;

-- The 18-character number of a body.
CREATE FUNCTION medaid_bench.id18(b bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT medaid_bench.digits($1) || medaid_bench.chk($1)
$$;

-- A body near b whose check character is X (so the number can be written
-- with a lowercase x): only the last one or two sequence digits change.
-- The last digit has weight 2 and 2 * 6 = 1 (mod 11), so the last digit d
-- must be 6 * (2 - sum of the other 16) mod 11; when that is 10, bump the
-- 16th digit (weight 4) by one without carry and solve again.
CREATE FUNCTION medaid_bench.with_x(b bigint) RETURNS bigint
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN d1 < 10 THEN p1 * 10 + d1
				ELSE p2 * 10 + (6 * (13 - medaid_bench.wsum(p2 * 10) % 11)) % 11 END
	FROM (SELECT p1, (6 * (13 - medaid_bench.wsum(p1 * 10) % 11)) % 11 AS d1,
				 p1 + CASE WHEN p1 % 10 < 9 THEN 1 ELSE -1 END AS p2
		  FROM (SELECT $1 / 10 AS p1) a) b
$$;

-- Timing: one run of a query that returns a single bigint, timed on the
-- server with clock_timestamp() around EXECUTE (planning, a fraction of a
-- millisecond, is included; no rows travel to the client).
CREATE TABLE medaid_bench.query (
	ord int PRIMARY KEY,
	label text NOT NULL,
	dataset text NOT NULL,
	sql text NOT NULL
);
CREATE TABLE medaid_bench.run (
	ord int NOT NULL,
	rep int NOT NULL,
	ms float8 NOT NULL,
	result bigint
);

CREATE FUNCTION medaid_bench.run_all(reps int) RETURNS void
	LANGUAGE plpgsql AS $$
DECLARE
	q record;
	t0 timestamptz;
	res bigint;
BEGIN
	-- Round-robin, so drift (other load, CPU clock) hits every query alike.
	FOR rep IN 1..reps LOOP
		FOR q IN SELECT * FROM medaid_bench.query ORDER BY ord LOOP
			t0 := clock_timestamp();
			EXECUTE q.sql INTO res;
			INSERT INTO medaid_bench.run
				VALUES (q.ord, rep,
						extract(epoch FROM clock_timestamp() - t0) * 1000, res);
		END LOOP;
	END LOOP;
END
$$;

-- EXPLAIN (ANALYZE, BUFFERS) of a query, as JSON.
CREATE FUNCTION medaid_bench.explain_json(q text) RETURNS json
	LANGUAGE plpgsql AS $$
DECLARE
	j json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ' || q INTO j;
	RETURN j;
END
$$;

-- Facts the report prints.
CREATE TABLE medaid_bench.info (key text PRIMARY KEY, value text);
