-- Incremental monthly warnings (33号 §四): a year of a synthetic province,
-- month by month, with late settlements, reversals, people born and insured
-- in other provinces, categories that start, end and are back-dated during
-- the year, a threshold change, and the year boundary.  After every run the
-- stored warnings must equal warning_check's computation of everyone from
-- the settlements; each month says whether it ran incrementally.
SET search_path = medaid, public;
SET datestyle = ISO;
\set SHOW_CONTEXT never
SET client_min_messages = warning;
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;
SELECT setseed(0.4242);

-- ID numbers from a birth region, a birth date and a sequence number
CREATE FUNCTION pg_temp.id18(region int, born date, seq int) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	WITH b AS (SELECT lpad(region::text, 6, '0') || to_char(born, 'YYYYMMDD') || lpad(seq::text, 3, '0') AS body)
	SELECT body || substr('10X98765432', (SELECT sum(substr(body, i, 1)::int * (2 ^ (18 - i))::bigint % 11)
										  FROM generate_series(1, 17) i)::int % 11 + 1, 1)
	FROM b
$$;
CREATE TEMP TABLE people AS
SELECT n, pg_temp.id18((ARRAY[440524, 370102, 320102])[n % 3 + 1], date '1950-01-01' + n * 53, n % 1000)::cnid AS id,
	   '某' || chr(19968 + n) AS name,
	   CASE WHEN n % 4 = 0 THEN '370103' ELSE '370102' END AS home
FROM generate_series(1, 300) n;
SELECT count(DISTINCT id) AS people, count(*) FILTER (WHERE left(cnid_region(id), 2) <> '37') AS born_elsewhere FROM people;

INSERT INTO income_baseline (province, year, per_capita_income) VALUES
	('37', 2025, 40000.00), ('37', 2026, 42000.00), ('44', 2025, 50000.00), ('44', 2026, 52000.00);

-- categories: dibao_edge, tekun (civil affairs) and jiance (rural) from January
SELECT open_batch('civil_affairs', '2026-01-01', 'delta') AS c \gset
INSERT INTO roster_staging
SELECT :c, row_number() OVER (), name, id::text, cat, 'add', d, home
FROM (SELECT name, id, home, 'dibao_edge' AS cat, date '2026-01-01' + n % 20 AS d FROM people WHERE n % 5 = 0
	  UNION ALL
	  SELECT name, id, home, 'tekun', date '2026-01-01' FROM people WHERE n % 11 = 0) x;
SELECT medaid.close_batch(:c, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:c);
SELECT open_batch('rural', '2026-01-01', 'delta') AS r \gset
INSERT INTO roster_staging
SELECT :r, row_number() OVER (), name, id::text, 'jiance', 'add', date '2026-01-03', home FROM people WHERE n % 7 = 0;
SELECT medaid.close_batch(:r, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :r)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:r);

-- one month: its settlements (some people twice, some reversals of
-- earlier settlements, some late settlements of two months before), then
-- the run and the check
CREATE TEMP TABLE months (k int, mode text, warned bigint, new_warnings bigint, continuing bigint, differences bigint,
						  reference_differences bigint);
-- docs/rules.md §7 in plain SQL, with none of medaid's functions: for everyone with
-- settlements in M's year up to its last day, the region of the latest
-- settlement (date, then settlement_id in byte order), the categories active
-- on the last day (lowest ratio; equal ratios: the default order; none:
-- ordinary), the threshold, the net burden and the first day the running
-- total of the days exceeded the threshold
CREATE FUNCTION pg_temp.reference(m date)
	RETURNS TABLE (id_number cnid, category text, annual_burden numeric, threshold numeric,
				   first_crossed_on date, is_new boolean, province text, region text, settlements bigint)
	LANGUAGE sql AS $$
	WITH b AS (SELECT m AS m_start, (m + interval '1 month')::date - 1 AS m_end,
					  make_date(extract(year FROM m)::int, 1, 1) AS y_start),
	s AS (SELECT s.* FROM medaid.settlement s, b WHERE s.settle_date >= b.y_start AND s.settle_date <= b.m_end),
	latest AS (SELECT DISTINCT ON (s.id_number) s.id_number, s.region
			   FROM s ORDER BY s.id_number, s.settle_date DESC, s.settlement_id COLLATE "C" DESC),
	ratio(category, ratio, ord) AS (VALUES ('tekun', NULL::numeric, 1), ('dibao', NULL, 2), ('fanpin', NULL, 3),
		('dibao_edge', 0.50, 4), ('jiance', 0.50, 5), ('zhongbing', NULL, 6)),
	active AS (SELECT p.id_number, p.category::text AS category
			   FROM medaid.category_period p, b
			   WHERE p.valid_from <= b.m_end AND (p.valid_to IS NULL OR p.valid_to > b.m_end)),
	overrides AS (SELECT t.category, t.ratio FROM medaid.threshold_ratio t),
	eff AS (SELECT r.category, CASE WHEN o.category IS NOT NULL THEN o.ratio ELSE r.ratio END AS ratio, r.ord
			FROM ratio r LEFT JOIN overrides o USING (category)),
	chosen AS (
		SELECT l.id_number, l.region,
			   CASE WHEN NOT EXISTS (SELECT FROM active a WHERE a.id_number = l.id_number) THEN 'ordinary'
					ELSE (SELECT e.category FROM active a JOIN eff e USING (category)
						  WHERE a.id_number = l.id_number AND e.ratio IS NOT NULL ORDER BY e.ratio, e.ord LIMIT 1) END AS category
		FROM latest l),
	thresholded AS (
		SELECT c.*, CASE WHEN c.category = 'ordinary'
						 THEN coalesce((SELECT o.ratio FROM overrides o WHERE o.category = 'ordinary'), 1.50)
						 ELSE (SELECT e.ratio FROM eff e WHERE e.category = c.category) END
					* i.per_capita_income AS threshold
		FROM chosen c, b
		JOIN medaid.income_baseline i ON i.year = extract(year FROM b.m_start)::int - 1
		WHERE c.category IS NOT NULL AND i.province = left(c.region, 2)),
	days AS (SELECT s.id_number, s.settle_date, sum(s.burden) AS net, count(*) AS n FROM s GROUP BY 1, 2),
	running AS (SELECT d.*, sum(d.net) OVER (PARTITION BY d.id_number ORDER BY d.settle_date) AS run FROM days d)
	SELECT t.id_number, t.category, sum(r.net), t.threshold,
		   min(r.settle_date) FILTER (WHERE r.run > t.threshold),
		   NOT EXISTS (SELECT FROM medaid.warning w, b WHERE w.id_number = t.id_number
					   AND w.month = (b.m_start - interval '1 month')::date AND b.m_start <> b.y_start),
		   left(t.region, 2), t.region, sum(r.n)
	FROM thresholded t JOIN running r USING (id_number)
	WHERE t.threshold IS NOT NULL
	GROUP BY t.id_number, t.category, t.threshold, t.region
	HAVING sum(r.net) > t.threshold
$$;
CREATE FUNCTION pg_temp.reference_differences(m date) RETURNS bigint
	LANGUAGE sql AS $$
	SELECT count(*) FROM (
		(SELECT id_number, category, annual_burden, threshold, first_crossed_on, is_new, province, region, settlements
		 FROM medaid.warning WHERE month = m
		 EXCEPT ALL SELECT * FROM pg_temp.reference(m))
		UNION ALL
		(SELECT * FROM pg_temp.reference(m)
		 EXCEPT ALL SELECT id_number, category, annual_burden, threshold, first_crossed_on, is_new, province, region, settlements
		 FROM medaid.warning WHERE month = m)) x
$$;
CREATE FUNCTION pg_temp.month(k int) RETURNS void
	LANGUAGE plpgsql AS $$
DECLARE
	m date := make_date(2026, 1, 1) + make_interval(months => k - 1);
	r record;
BEGIN
	INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid)
	SELECT format('S%s-%s-%s', k, p.n, j), p.id, m + (random() * 27)::int,
		   -- a tenth of the people are insured in 44 from July
		   CASE WHEN p.n % 10 = 3 AND k >= 7 THEN '440101' ELSE p.home END,
		   t, round(t * 0.4, 2), CASE WHEN j = 2 THEN round(t * 0.1, 2) ELSE 0 END
	FROM people p, generate_series(1, 2) j, LATERAL (SELECT round((random() * 20000 + 100)::numeric, 2) + p.n * 0 AS t) a
	WHERE random() < CASE WHEN j = 1 THEN 0.45 ELSE 0.15 END;
	-- late arrivals dated two months before
	IF k > 2 THEN
		INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total)
		SELECT format('L%s-%s', k, p.n), p.id, m - 45, p.home, 4000.00
		FROM people p WHERE p.n % 23 = k % 23;
	END IF;
	-- reversals of some of last month's settlements
	INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid,
								   assistance_paid, reverses)
	SELECT s.settlement_id || 'R', s.id_number, m + 2, s.region, -s.total, -s.fund_paid, -s.critical_paid,
		   -s.assistance_paid, s.settlement_id
	FROM medaid.settlement s
	WHERE s.settle_date >= m - interval '1 month' AND s.settle_date < m AND s.reverses IS NULL
	  AND s.settlement_id LIKE 'S%' AND random() < 0.08
	  AND NOT EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = s.settlement_id AND k.reversed_by IS NOT NULL);
	r := medaid.run_monthly_warnings(m);
	INSERT INTO months VALUES (k, r.mode, r.warned, r.new_warnings, r.continuing,
							   (SELECT count(*) FROM medaid.warning_check(m)), pg_temp.reference_differences(m));
END
$$;

SELECT pg_temp.month(k) FROM generate_series(1, 5) k;

-- June: dibao_edge ends mid-month for some; July: jiance starts for others
SELECT open_batch('civil_affairs', '2026-06-01', 'delta') AS c \gset
INSERT INTO roster_staging
SELECT :c, row_number() OVER (), name, id::text, 'dibao_edge', 'exit', date '2026-06-15', home FROM people WHERE n % 10 = 0;
SELECT medaid.close_batch(:c, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:c);
SELECT pg_temp.month(6);
SELECT open_batch('rural', '2026-07-01', 'delta') AS r \gset
INSERT INTO roster_staging
SELECT :r, row_number() OVER (), name, id::text, 'jiance', 'add', date '2026-07-01', home FROM people WHERE n % 13 = 0 AND n % 7 <> 0;
SELECT medaid.close_batch(:r, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :r)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:r);
SELECT pg_temp.month(7);
-- August: the threshold ratios change, so August runs in full
INSERT INTO threshold_ratio VALUES ('jiance', 0.40);
SELECT pg_temp.month(8);
SELECT pg_temp.month(9);
-- October: a late roster row reaches back to March
SELECT open_batch('civil_affairs', '2026-10-01', 'delta') AS c \gset
INSERT INTO roster_staging
SELECT :c, row_number() OVER (), name, id::text, 'dibao_edge', 'add', date '2026-03-01', home FROM people WHERE n % 17 = 0 AND n % 5 <> 0;
SELECT medaid.close_batch(:c, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:c);
SELECT pg_temp.month(k) FROM generate_series(10, 12) k;
-- the next year starts in full
SELECT pg_temp.month(13);

SELECT k, mode, warned > 0 AS some_warned, differences, reference_differences FROM months ORDER BY k;
SELECT count(*) FILTER (WHERE warned > 0) AS months_with_warnings, sum(differences) AS differences,
	   count(*) FILTER (WHERE continuing > 0) AS months_with_continuing FROM months;
-- incremental runs computed fewer people than there were, and carried the rest
SELECT bool_and(r.people_assessed < (SELECT count(*) FROM burden_year b WHERE b.year = 2026)) AS fewer_computed,
	   sum(r.carried) > 0 AS some_carried
FROM warning_run r WHERE r.mode = 'incremental';

-- a month run again after later months changed nothing, with late rows since
SELECT mode FROM run_monthly_warnings('2026-11-01');
SELECT count(*) AS differences FROM warning_check('2026-11-01');
-- a month whose previous month never ran runs in full
DELETE FROM warning_run WHERE month = '2026-10-01';
SELECT mode FROM run_monthly_warnings('2026-11-01');
SELECT count(*) AS differences FROM warning_check('2026-11-01');
-- warnings of the previous month changed by hand: full again
SELECT mode FROM run_monthly_warnings('2026-12-01');
DELETE FROM warning WHERE month = '2026-11-01' AND id_number = (SELECT id_number FROM warning WHERE month = '2026-11-01' ORDER BY id_number LIMIT 1);
SELECT mode FROM run_monthly_warnings('2026-12-01');
SELECT count(*) AS differences FROM warning_check('2026-12-01');

-- the states equal states made again from the settlements
CREATE TEMP TABLE kept AS SELECT id_number, year, state FROM burden_year;
SELECT rebuild_burden_state(2026) AS people_2026, rebuild_burden_state(2027) AS people_2027;
SELECT count(*) AS states, count(*) FILTER (WHERE k.state IS DISTINCT FROM b.state) AS different
FROM kept k FULL JOIN burden_year b USING (id_number, year);
-- after a rebuild the next run computes everyone again, and agrees
SELECT mode FROM run_monthly_warnings('2026-12-01');
SELECT count(*) AS differences FROM warning_check('2026-12-01');

-- the check itself sees a changed warning, a missing one and an extra one
UPDATE warning SET annual_burden = annual_burden + 0.01
WHERE (month, id_number) = (SELECT month, id_number FROM warning WHERE month = '2026-12-01' ORDER BY id_number LIMIT 1);
DELETE FROM warning
WHERE (month, id_number) = (SELECT month, id_number FROM warning WHERE month = '2026-12-01' ORDER BY id_number DESC LIMIT 1);
INSERT INTO warning (month, id_number, category, annual_burden, threshold, first_crossed_on, is_new, province, region, settlements)
SELECT '2026-12-01', id, 'ordinary', 1, 0, '2026-12-01', true, '37', '370102', 1
FROM people p WHERE NOT EXISTS (SELECT FROM warning w WHERE w.month = '2026-12-01' AND w.id_number = p.id) LIMIT 1;
SELECT (stored).annual_burden IS NOT NULL AS stored, (computed).annual_burden IS NOT NULL AS computed,
	   (stored).annual_burden - (computed).annual_burden AS burden_difference
FROM warning_check('2026-12-01') ORDER BY 1, 2;
-- and so does the plain-SQL reference
SELECT pg_temp.reference_differences('2026-12-01') AS reference_differences;
