-- bench/cnid_check.sql: the C cnid_check and the PL/pgSQL reference must
-- agree on ok, reason and the canonical number for every row of the sample
-- (and on upgraded where both accept).  Disagreements go to
-- medaid_bench.disagree; cnid.sh prints them and fails when there are any.
CREATE TABLE medaid_bench.disagree AS
SELECT s.raw,
	   c.ok AS c_ok, c.reason AS c_reason, c.id::text AS c_canonical, c.upgraded AS c_upgraded,
	   r.ok AS r_ok, r.reason AS r_reason, r.canonical AS r_canonical, r.upgraded AS r_upgraded
FROM messy_sample s
	CROSS JOIN LATERAL medaid.cnid_check(s.raw) c
	CROSS JOIN LATERAL medaid_ref.cnid_check(s.raw) r
WHERE c.ok IS DISTINCT FROM r.ok
   OR c.reason IS DISTINCT FROM r.reason
   OR c.id::text IS DISTINCT FROM r.canonical
   OR (c.ok AND r.ok AND c.upgraded IS DISTINCT FROM r.upgraded);

INSERT INTO medaid_bench.info
SELECT 'checked_rows', count(*) FROM messy_sample
UNION ALL
SELECT 'disagreements', count(*) FROM medaid_bench.disagree;

-- The mix as cnid_check sees it, over all of messy.
CREATE TABLE medaid_bench.mix AS
SELECT coalesce(c.reason, CASE WHEN c.upgraded THEN 'ok (15-digit, upgraded)' ELSE 'ok' END) AS outcome,
	   count(*) AS n
FROM messy CROSS JOIN LATERAL medaid.cnid_check(raw) c
GROUP BY 1;
