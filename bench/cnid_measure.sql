-- bench/cnid_measure.sql: time every query, best of :reps runs, in one
-- session with parallel query and JIT off (per-row cost, not fixed
-- compilation cost).  Needs cnid_setup.sql and cnid_data.sql.
SET max_parallel_workers_per_gather = 0;
SET jit = off;

-- Each query consumes the function's result (count ... FILTER).  cnid_check
-- is inlined: naming one column of it calls one C function per row; query
-- 8 reads all five columns, the cost of the full verdict.
INSERT INTO medaid_bench.query VALUES
	(1, 'floor: length(raw) > 0', 'messy',
	 'SELECT count(*) FILTER (WHERE length(raw) > 0) FROM messy'),
	(2, 'medaid.cnid_check(raw).ok', 'messy',
	 'SELECT count(*) FILTER (WHERE (medaid.cnid_check(raw)).ok) FROM messy'),
	(3, 'floor: length(raw) > 0', 'valid',
	 'SELECT count(*) FILTER (WHERE length(raw) > 0) FROM messy_valid'),
	(4, 'raw::medaid.cnid', 'valid',
	 'SELECT count(*) FILTER (WHERE raw::medaid.cnid IS NOT NULL) FROM messy_valid'),
	(5, 'floor: length(raw) > 0', 'sample',
	 'SELECT count(*) FILTER (WHERE length(raw) > 0) FROM messy_sample'),
	(6, 'medaid.cnid_check(raw).ok', 'sample',
	 'SELECT count(*) FILTER (WHERE (medaid.cnid_check(raw)).ok) FROM messy_sample'),
	(7, 'medaid_ref.cnid_check(raw).ok (PL/pgSQL)', 'sample',
	 'SELECT count(*) FILTER (WHERE (medaid_ref.cnid_check(raw)).ok) FROM messy_sample'),
	(8, 'cnid_check(raw) c, all five columns', 'messy',
	 'SELECT count(*) FILTER (WHERE c.ok OR c.id IS NOT NULL OR c.reason IS NOT NULL OR c.detail IS NOT NULL OR c.upgraded) FROM messy, medaid.cnid_check(raw) c');

-- Cache: load the tables into shared buffers (pg_prewarm, when it is
-- there) and scan them once; warm up each function (library load, PL/pgSQL
-- compilation) on a few rows.
SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_prewarm') AS have_prewarm \gset
\if :have_prewarm
CREATE EXTENSION pg_prewarm;
SELECT pg_prewarm('messy'), pg_prewarm('messy_valid'), pg_prewarm('messy_sample') \g /dev/null
\endif
SELECT count(*) FROM messy \g /dev/null
SELECT count(*) FROM messy_valid \g /dev/null
SELECT count(*) FILTER (WHERE (medaid.cnid_check(raw)).ok),
	   count(*) FILTER (WHERE (medaid_ref.cnid_check(raw)).ok),
	   count(*) FILTER (WHERE raw::medaid.cnid IS NOT NULL)
	FROM (SELECT raw FROM messy_valid LIMIT 1000) s \g /dev/null

SELECT medaid_bench.run_all(:reps) \g /dev/null

-- Was the floor scan served from shared buffers?  (one extra run)
INSERT INTO medaid_bench.info
SELECT 'cache_' || k, j -> 0 -> 'Plan' ->> ('Shared ' || k || ' Blocks')
FROM medaid_bench.explain_json(
		'SELECT count(*) FILTER (WHERE length(raw) > 0) FROM messy') AS j,
	 unnest(ARRAY['Hit', 'Read']) AS k;
