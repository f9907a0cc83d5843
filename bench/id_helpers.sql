-- bench/id_helpers.sql: ID numbers from 17-digit bodies, shared by the
-- benchmarks (\ir after CREATE SCHEMA medaid_bench).

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
