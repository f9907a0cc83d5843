-- snapshots that would empty a roster (docs/rules.md §7): every row judged
-- and returned, the adds applied, the implied exits held for the batch
-- until an administrator confirms or discards them
SET search_path = medaid, public;
SET datestyle = ISO;
\set SHOW_CONTEXT never
-- a fresh install: batch ids from 1
SET client_min_messages = warning;
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;

-- a valid ID of a county, the n-th born 1980-01-01, and a name for it
CREATE FUNCTION pg_temp.mkid(region text, n integer) RETURNS text LANGUAGE sql AS $$
	SELECT c FROM (SELECT region || '19800101' || lpad(n::text, 3, '0') || d AS c
				   FROM unnest(string_to_array('0123456789X', NULL)) d) x
	WHERE medaid.cnid_is_valid(c) LIMIT 1
$$;
CREATE FUNCTION pg_temp.mkname(n integer) RETURNS text LANGUAGE sql AS $$ SELECT '张' || chr(19968 + n) $$;
-- the civil-affairs categories active on a day, per county
CREATE FUNCTION pg_temp.active_on(d date) RETURNS TABLE (region text, active bigint) LANGUAGE sql AS $$
	SELECT pe.region, count(*) FROM category_period p JOIN person pe USING (id_number)
	WHERE p.dept = 'civil_affairs' AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)
	GROUP BY pe.region ORDER BY pe.region
$$;
CREATE ROLE medaid_regress_admin IN ROLE medaid_admin;

-- January: civil affairs adds 30 people in 370102 and 6 in 370103
SELECT open_batch('civil_affairs', '2026-01-01', 'delta') AS b1 \gset
INSERT INTO roster_staging
SELECT :b1, n, pg_temp.mkname(n), pg_temp.mkid(CASE WHEN n <= 30 THEN '370102' ELSE '370103' END, n),
	   'dibao', 'add', '2026-01-05', CASE WHEN n <= 30 THEN '370102' ELSE '370103' END
FROM generate_series(1, 36) n;
SELECT close_batch(:b1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b1)) \g /dev/null
SELECT applied, exits FROM reconcile(:b1);

-- an empty snapshot: held, nothing ended
SELECT open_batch('civil_affairs', '2026-02-01', 'snapshot') AS b2 \gset
SELECT close_batch(:b2, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b2)) \g /dev/null
SELECT * FROM reconcile(:b2);
SELECT * FROM pg_temp.active_on('2026-03-01');
SELECT count(*) AS changes FROM roster_change WHERE batch_id = :b2;
SELECT batch_id = :b2 AS b2, dept, period, state, reason, region, active, exits, share, max_share, max_exits,
	   over_limit, batch_exits, decided_at IS NULL AS undecided
FROM held_snapshot ORDER BY batch_id, region;
SELECT exits FROM batch WHERE batch_id = :b2;

-- while it is held: another department's batches apply, this one's wait
SELECT open_batch('rural', '2026-02-01', 'delta') AS b3 \gset
INSERT INTO roster_staging VALUES (:b3, 1, pg_temp.mkname(1), pg_temp.mkid('370102', 1), 'jiance', 'add', '2026-02-03', '370102');
SELECT close_batch(:b3, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b3)) \g /dev/null
SELECT applied FROM reconcile(:b3);
SELECT open_batch('civil_affairs', '2026-02-01', 'delta') AS b4 \gset
INSERT INTO roster_staging VALUES (:b4, 1, pg_temp.mkname(31), pg_temp.mkid('370102', 31), 'dibao', 'add', '2026-02-10', '370102');
SELECT close_batch(:b4, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b4)) \g /dev/null
SELECT * FROM reconcile(:b4);
SELECT reconciled_at IS NULL AS still_open FROM batch WHERE batch_id = :b4;

-- only the administrator decides, and only for a held batch
SET ROLE medaid_etl;
SELECT * FROM confirm_snapshot(:b2);
RESET ROLE;
SET ROLE medaid_regress_admin;
SELECT * FROM confirm_snapshot(:b1);
SELECT * FROM confirm_snapshot(:b4);
SELECT * FROM discard_snapshot_exits(12345);
-- discarded: nothing ends; discarding again changes nothing; no confirming it then
SELECT * FROM discard_snapshot_exits(:b2);
SELECT * FROM discard_snapshot_exits(:b2);
SELECT * FROM confirm_snapshot(:b2);
RESET ROLE;
SELECT state, decided_by, exits_applied FROM snapshot_hold WHERE batch_id = :b2;
SELECT * FROM pg_temp.active_on('2026-03-01');
-- the waiting batch applies now
SELECT close_batch(:b4, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b4)) \g /dev/null
SELECT applied FROM reconcile(:b4);

-- a snapshot whose rows are all anomalies: every row has its outcome, the
-- returns go back, nothing ends, held (its five people keep what they hold)
SELECT open_batch('civil_affairs', '2026-03-01', 'snapshot') AS b5 \gset
INSERT INTO roster_staging VALUES
 (:b5, 1, '别人', pg_temp.mkid('370102', 1), 'dibao', NULL, NULL, '370102'),
 (:b5, 2, pg_temp.mkname(2), pg_temp.mkid('370102', 2), 'dibao', NULL, NULL, '3701'),
 (:b5, 3, pg_temp.mkname(3), pg_temp.mkid('370102', 3), 'dibao', 'exit', NULL, '370102'),
 (:b5, 4, pg_temp.mkname(4), pg_temp.mkid('370102', 4), 'jiance', NULL, NULL, '370102'),
 (:b5, 5, pg_temp.mkname(5), pg_temp.mkid('370102', 5), 'dibao', NULL, '2026-04-02', '370102'),
 (:b5, 6, pg_temp.mkname(6), '370102198001010', 'dibao', NULL, NULL, '370102');
SELECT close_batch(:b5, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b5)) \g /dev/null
SELECT * FROM reconcile(:b5);
SELECT row_no, outcome, reason FROM roster_outcome WHERE batch_id = :b5 ORDER BY row_no;
SELECT row_no, dept, reason, id_masked, closed_at IS NULL AS open FROM anomaly_queue WHERE batch_id = :b5 ORDER BY row_no;
SELECT * FROM pg_temp.active_on('2026-04-01');
SELECT reason, region, active, exits, share, over_limit, batch_exits FROM held_snapshot WHERE batch_id = :b5 ORDER BY region;
SET ROLE medaid_regress_admin;
SELECT * FROM discard_snapshot_exits(:b5);
RESET ROLE;

-- a truncated file: the first 15 of 370102's 31 people, and 370103 but
-- one.  Held, with the counts; the snapshot's new person applies
SELECT open_batch('civil_affairs', '2026-04-01', 'snapshot') AS b6 \gset
INSERT INTO roster_staging
SELECT :b6, n, pg_temp.mkname(n), pg_temp.mkid(CASE WHEN n <= 31 THEN '370102' ELSE '370103' END, n),
	   'dibao', NULL, NULL, CASE WHEN n <= 31 THEN '370102' ELSE '370103' END
FROM generate_series(1, 36) n WHERE n <= 15 OR n > 31;
INSERT INTO roster_staging VALUES (:b6, 40, pg_temp.mkname(40), pg_temp.mkid('370103', 40), 'dibao', NULL, '2026-04-03', '370103');
SELECT close_batch(:b6, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b6)) \g /dev/null
SELECT * FROM reconcile(:b6);
SELECT outcome, reason, count(*) FROM roster_outcome WHERE batch_id = :b6 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT reason, region, active, exits, share, max_share, max_exits, over_limit, batch_exits
FROM held_snapshot WHERE batch_id = :b6 ORDER BY region;
SELECT * FROM pg_temp.active_on('2026-05-01');
-- a settlement of one held person, loaded while the exits wait
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total)
VALUES ('HS1', pg_temp.mkid('370102', 20), '2026-05-06', '370102', 1000.00);

-- confirmed: the exits apply on the first day of the next month, logged
-- as the snapshot's exits; confirming again changes nothing; no discarding then
SET ROLE medaid_regress_admin;
SELECT * FROM confirm_snapshot(:b6);
SELECT * FROM confirm_snapshot(:b6);
SELECT * FROM discard_snapshot_exits(:b6);
RESET ROLE;
SELECT * FROM pg_temp.active_on('2026-05-01');
SELECT change, effective_date, region, row_no, count(*) FROM roster_change WHERE batch_id = :b6 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3;
SELECT count(*) AS ended_by_b6, min(valid_to), max(valid_to), bool_and(ended_row_no IS NULL) AS by_omission
FROM category_period WHERE ended_batch_id = :b6;
SELECT exits FROM batch WHERE batch_id = :b6;
SELECT close_batch(:b6, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b6)) \g /dev/null
SELECT * FROM reconcile(:b6);
SELECT state, exits_applied, decided_by FROM held_snapshot WHERE batch_id = :b6 LIMIT 1;
-- the settlement loaded before the confirmation is to be re-assessed
SELECT batch_id = :b6 AS b6, change, effective_date, settlement_id FROM settlement_reassessment;

-- a small legitimate snapshot, within the limits: applied as today
SELECT open_batch('civil_affairs', '2026-05-01', 'snapshot') AS b7 \gset
INSERT INTO roster_staging
SELECT :b7, n, pg_temp.mkname(n), pg_temp.mkid(CASE WHEN n <= 31 THEN '370102' ELSE '370103' END, n),
	   'dibao', NULL, NULL, CASE WHEN n <= 31 THEN '370102' ELSE '370103' END
FROM generate_series(1, 40) n WHERE n BETWEEN 3 AND 15 OR n > 31;
SELECT close_batch(:b7, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b7)) \g /dev/null
SELECT * FROM reconcile(:b7);
SELECT count(*) AS holds FROM snapshot_hold WHERE batch_id = :b7;
SELECT * FROM pg_temp.active_on('2026-06-01');

-- a region's own limits: the most specific prefix decides
INSERT INTO snapshot_hold_limit VALUES ('civil_affairs', '', 0.5, 100), ('civil_affairs', '3701', 0.05, 1),
	('civil_affairs', '370103', 0.9, 100);
SELECT open_batch('civil_affairs', '2026-06-01', 'snapshot') AS b8 \gset
INSERT INTO roster_staging
SELECT :b8, n, pg_temp.mkname(n), pg_temp.mkid(CASE WHEN n <= 31 THEN '370102' ELSE '370103' END, n),
	   'dibao', NULL, NULL, CASE WHEN n <= 31 THEN '370102' ELSE '370103' END
FROM generate_series(1, 40) n WHERE n BETWEEN 5 AND 15 OR n BETWEEN 35 AND 40;
SELECT close_batch(:b8, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b8)) \g /dev/null
SELECT * FROM reconcile(:b8);
SELECT reason, region, active, exits, share, max_share, max_exits, over_limit FROM held_snapshot WHERE batch_id = :b8 ORDER BY region;
SET ROLE medaid_regress_admin;
SELECT * FROM discard_snapshot_exits(:b8);
RESET ROLE;
DELETE FROM snapshot_hold_limit;

-- every staged row has exactly one outcome, held batches too
SELECT b.batch_id, b.mode, (SELECT count(*) FROM roster_staging s WHERE s.batch_id = b.batch_id) AS staged,
	   (SELECT count(*) FROM roster_outcome o WHERE o.batch_id = b.batch_id) AS with_outcome
FROM batch b ORDER BY b.batch_id;

-- the audit: holds, decisions, the limits' changes
SELECT action, batch_id, dept, counts, detail FROM audit_log
WHERE action IN ('snapshot_hold', 'snapshot_confirm', 'snapshot_discard')
   OR (action = 'config_change' AND detail->>'table' = 'snapshot_hold_limit')
ORDER BY audit_id;

DROP ROLE medaid_regress_admin;
-- and a fresh install for the tests after this one
SET client_min_messages = warning;
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;
