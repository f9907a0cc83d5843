-- bench/reconcile_measure.sql: one timed load of a snapshot file, as a user
-- would do it (docs/reference.md "The flow"): \copy into roster_staging,
-- then reconcile, in one psql session.  The file comes on psql's standard
-- input (\copy ... FROM pstdin reads it exactly like \copy ... FROM 'file').
-- psql variables: rows, batch, label (jan, feb), explain (on: auto_explain
-- logs the plans of reconcile's statements that take explain_min_ms or
-- more, with row counts and buffers, to the client as notices),
-- explain_timing (on: with per-node timing too), explain_min_ms.
-- Environment (for \!): BENCH_MEM_SH (reconcile_mem.sh), BENCH_OUT.
--
-- Wall clock: clock_timestamp() in a statement just before and just after
-- each step, so a step's time includes its commit and one client round trip.
-- Not timed: a CHECKPOINT before each step, so neither pays for the other's
-- dirty buffers.  Memory: VmHWM of this backend reset before each step, and
-- its RssAnon sampled during it (reconcile_mem.sh).  Temp files: the
-- database's temp_bytes before and after (stats flushed first).

\set ON_ERROR_STOP 1
SELECT pg_backend_pid() AS pid \gset
\setenv BENCH_PID :pid
\setenv BENCH_STEP :label
SELECT current_setting('shared_preload_libraries') ~ 'pg_stat_statements' AS pgss \gset
\if :pgss
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SET pg_stat_statements.track = 'all';
\endif

-- temp_bytes, temp_files of this database, and autovacuum/autoanalyze runs
-- on medaid's tables, as of now (other backends flush on their own)
CREATE OR REPLACE VIEW pg_temp.now_stats AS
	SELECT d.temp_bytes, d.temp_files,
		   (SELECT sum(t.autovacuum_count + t.autoanalyze_count)
			FROM pg_stat_all_tables t WHERE t.schemaname = 'medaid') AS autovac
	FROM pg_stat_database d WHERE d.datname = current_database();

---------------------------------------------------------------- COPY
CHECKPOINT;
SELECT pg_stat_force_next_flush() \g /dev/null
SELECT temp_bytes AS tb0, temp_files AS tf0 FROM pg_temp.now_stats \gset
\! bash "$BENCH_MEM_SH" start "$BENCH_PID" "$BENCH_OUT/reconcile_mem_$BENCH_STEP.copy" </dev/null
SELECT clock_timestamp() AS t0 \gset
\copy medaid.roster_staging FROM pstdin WITH (FORMAT csv, HEADER)
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS copy_s \gset
\! bash "$BENCH_MEM_SH" stop "$BENCH_PID" "$BENCH_OUT/reconcile_mem_$BENCH_STEP.copy" </dev/null
SELECT pg_stat_force_next_flush() \g /dev/null
SELECT temp_bytes - :tb0 AS copy_temp_bytes, temp_files - :tf0 AS copy_temp_files,
	   temp_bytes AS tb1, temp_files AS tf1 FROM pg_temp.now_stats \gset
-- the end of loading (not timed): the rows the COPY loaded
SELECT medaid.close_batch(:batch, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :batch)) \g /dev/null

---------------------------------------------------------------- reconcile
CHECKPOINT;
SELECT autovac AS av0 FROM pg_temp.now_stats \gset
\if :pgss
SELECT pg_stat_statements_reset() \g /dev/null
\endif
\if :explain
LOAD 'auto_explain';
SET auto_explain.log_min_duration = :explain_min_ms;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_buffers = on;
SET auto_explain.log_timing = :explain_timing;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
\endif
\! bash "$BENCH_MEM_SH" start "$BENCH_PID" "$BENCH_OUT/reconcile_mem_$BENCH_STEP.reconcile" </dev/null
SELECT clock_timestamp() AS t0 \gset
SELECT * FROM medaid.reconcile(:batch) \gset r_
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) AS reconcile_s \gset
\! bash "$BENCH_MEM_SH" stop "$BENCH_PID" "$BENCH_OUT/reconcile_mem_$BENCH_STEP.reconcile" </dev/null
\if :explain
SET client_min_messages = warning;
SET auto_explain.log_min_duration = -1;
\endif
SELECT pg_stat_force_next_flush() \g /dev/null
SELECT temp_bytes - :tb1 AS reconcile_temp_bytes, temp_files - :tf1 AS reconcile_temp_files,
	   autovac - :av0 AS reconcile_autovac FROM pg_temp.now_stats \gset

---------------------------------------------------------------- record
INSERT INTO medaid_bench.info (rows, key, value) VALUES
	(:rows, :'label' || '_copy_s', :'copy_s'),
	(:rows, :'label' || '_copy_temp_bytes', :'copy_temp_bytes'),
	(:rows, :'label' || '_copy_temp_files', :'copy_temp_files'),
	(:rows, :'label' || '_reconcile_s', :'reconcile_s'),
	(:rows, :'label' || '_reconcile_temp_bytes', :'reconcile_temp_bytes'),
	(:rows, :'label' || '_reconcile_temp_files', :'reconcile_temp_files'),
	(:rows, :'label' || '_reconcile_autovac', :'reconcile_autovac'),
	(:rows, :'label' || '_applied', :'r_applied'),
	(:rows, :'label' || '_duplicates', :'r_duplicates'),
	(:rows, :'label' || '_anomalies', :'r_anomalies'),
	(:rows, :'label' || '_exits', :'r_exits'),
	(:rows, :'label' || '_rows_staged', :'r_rows_staged'),
	(:rows, :'label' || '_already_reconciled', :'r_already_reconciled');
INSERT INTO medaid_bench.info (rows, key, value)
SELECT :rows, :'label' || '_reason_' || outcome || '/' || reason, count(*)::text
FROM medaid.roster_result WHERE batch_id = :batch GROUP BY outcome, reason;

-- where reconcile's time went: its statements (pg_stat_statements, when loaded)
\if :pgss
INSERT INTO medaid_bench.stmt (rows, label, toplevel, calls, total_ms, nrows, temp_written_blks,
							   shared_hit_blks, shared_read_blks, shared_dirtied_blks, wal_bytes,
							   jit_ms, query)
SELECT :rows, :'label', toplevel, calls, total_exec_time, rows, temp_blks_written,
	   shared_blks_hit, shared_blks_read, shared_blks_dirtied, wal_bytes,
	   jit_generation_time + jit_inlining_time + jit_optimization_time + jit_emission_time,
	   regexp_replace(query, '\s+', ' ', 'g')
FROM pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND userid = (SELECT oid FROM pg_roles WHERE rolname = current_user);
\endif
