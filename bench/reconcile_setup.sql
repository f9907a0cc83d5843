-- bench/reconcile_setup.sql: helpers for bench/reconcile.sh (run in a fresh
-- database medaid_bench_reconcile).  Everything the bench adds lives in
-- schema medaid_bench.

CREATE EXTENSION medaid;
CREATE SCHEMA medaid_bench;

-- ISO 7064 MOD 11-2 weighted digit sum of a 17-digit body held as bigint:
-- digit i (from the left) times 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
-- One-expression SQL functions, so the planner inlines them.
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

-- The 18-character number of a body: its 17 digits and the check character
-- (the weighted sum mod 11 indexes '10X98765432').
CREATE FUNCTION medaid_bench.id18(b bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT lpad($1::text, 17, '0') || substr('10X98765432', (medaid_bench.wsum($1) % 11)::int + 1, 1)
$$;

-- The same number with a check character k (1..10) steps away from the right one.
CREATE FUNCTION medaid_bench.id18_bad(b bigint, k int) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT lpad($1::text, 17, '0') || substr('10X98765432', ((medaid_bench.wsum($1) + $2) % 11)::int + 1, 1)
$$;

-- Facts the report prints, per run size.
CREATE TABLE medaid_bench.info (rows bigint, key text, value text, PRIMARY KEY (rows, key));

-- The people of one run: rows_n registered in January, rows_n / 100 new in
-- February.  kind decides each one's February row (see reconcile_data.sql).
CREATE TABLE medaid_bench.people (
	i bigint PRIMARY KEY,
	body bigint NOT NULL,
	id text NOT NULL,
	name text NOT NULL,
	region text NOT NULL,
	cat_jan text,			-- NULL for the new people
	cat_feb text,			-- NULL for the omitted
	feb_date date,			-- event_date of a changed or new person's row (NULL: month start)
	kind text NOT NULL
);

-- The two snapshot files, as rows (written out with \copy by reconcile.sh).
CREATE TABLE medaid_bench.snap (
	month date NOT NULL,
	row_no int NOT NULL,
	name text,
	id_number text,
	category text,
	event text,
	event_date date,
	region text,
	PRIMARY KEY (month, row_no)
);

-- reconcile's statements as pg_stat_statements saw them (when it is loaded).
CREATE TABLE medaid_bench.stmt (
	rows bigint NOT NULL,
	label text NOT NULL,
	toplevel boolean,
	calls bigint,
	total_ms float8,
	nrows bigint,
	temp_written_blks bigint,
	shared_hit_blks bigint,
	shared_read_blks bigint,
	shared_dirtied_blks bigint,
	wal_bytes numeric,
	jit_ms float8,
	query text
);
