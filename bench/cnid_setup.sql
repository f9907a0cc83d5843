-- bench/cnid_setup.sql: helpers for bench/cnid.sh (run in a fresh
-- database medaid_bench).  Everything the bench adds lives in schema
-- medaid_bench, apart from the data tables in public.

CREATE EXTENSION medaid;
\ir ../test/support/cnid_check_plpgsql.sql

CREATE SCHEMA medaid_bench;

\ir id_helpers.sql

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
