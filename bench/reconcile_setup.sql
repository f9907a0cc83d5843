-- bench/reconcile_setup.sql: helpers for bench/reconcile.sh (run in a fresh
-- database medaid_bench_reconcile).  Everything the bench adds lives in
-- schema medaid_bench.

CREATE EXTENSION medaid;
CREATE SCHEMA medaid_bench;

\ir id_helpers.sql

-- The same number with a check character k (1..10) steps away from the right one.
CREATE FUNCTION medaid_bench.id18_bad(b bigint, k int) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT medaid_bench.digits($1) || medaid_bench.wrong_chk($1, $2)
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
