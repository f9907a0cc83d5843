-- annual_burden: net burden in exact fen, the first day over the threshold,
-- independent of order, parallel, in windows; thresholds from income
SET search_path = medaid, public;
SET datestyle = ISO;
\set SHOW_CONTEXT never

-- reversals count on their own date; "exceeds" is strictly greater
SELECT (annual_burden(d, b, 100)).*
FROM (VALUES ('2026-03-01'::date, 60.00), ('2026-01-01', 30.5), ('2026-02-01', 20),
			 ('2026-03-05', -60.00), ('2026-04-01', 50.01)) v(d, b);
SELECT (annual_burden(d, b, 100)).*
FROM (VALUES ('2026-01-01'::date, 40.00), ('2026-02-01', 60.00)) v(d, b);
SELECT (annual_burden(d, b, 100)).*
FROM (VALUES ('2026-01-01'::date, 40.00), ('2026-02-01', 60.01)) v(d, b);
-- a threshold with more decimals (ratio × income) compares exactly
SELECT (annual_burden(d, b, 100.005)).*
FROM (VALUES ('2026-01-01'::date, 100.00), ('2026-02-01', 0.01)) v(d, b);
SELECT (annual_burden(d, b, 100.005)).*
FROM (VALUES ('2026-01-01'::date, 100.00)) v(d, b);
-- no threshold: the total only; NULL amounts and dates are skipped
SELECT (annual_burden(d, b, NULL)).*
FROM (VALUES ('2026-01-01'::date, 101.00), (NULL, 5.00), ('2026-01-02', NULL)) v(d, b);
-- no rows: NULL
SELECT annual_burden(d, b, 100) IS NULL AS no_rows FROM (VALUES ('2026-01-01'::date, 1.00)) v(d, b) WHERE false;
-- bad amounts and thresholds are errors, never rounded
SELECT annual_burden(d, b, 100) FROM (VALUES ('2026-01-01'::date, 1.001)) v(d, b);
SELECT annual_burden(d, b, t) FROM (VALUES ('2026-01-01'::date, 1.00, 100), ('2026-01-02', 1.00, 200)) v(d, b, t);
SELECT annual_burden(d, b, 100) FROM (VALUES ('infinity'::date, 1.00)) v(d, b);
SELECT annual_burden(d, b, 100) FROM (VALUES ('2026-01-01'::date, 'NaN'::numeric)) v(d, b);

-- many people and settlements: the same answers in any order, with and
-- without parallel workers, and against plain SQL
CREATE TABLE s AS
SELECT g % 500 AS person,
	   date '2026-01-01' + (g::bigint * 7919 % 365)::int AS d,
	   round(((g::bigint * 104729 % 100000) - 10000) / 100.0, 2) AS amount
FROM generate_series(1, 100000) g;
ANALYZE s;
CREATE TABLE expected AS
SELECT person, sum(amount) AS total, count(*) AS n,
	   (SELECT min(d) FROM (SELECT d, sum(sum(x.amount)) OVER (ORDER BY d) AS run
							FROM s x WHERE x.person = p.person GROUP BY d) r
		WHERE run > 80000) AS first_crossed
FROM s p GROUP BY person;
SELECT count(*) AS people, count(first_crossed) AS crossed FROM expected;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial AS SELECT person, (annual_burden(d, amount, 80000)).* FROM s GROUP BY person;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT person, annual_burden(d, amount, 80000) FROM s GROUP BY person;
CREATE TABLE parallel AS SELECT person, (annual_burden(d, amount, 80000)).* FROM s GROUP BY person;
RESET enable_hashagg;
EXPLAIN (COSTS OFF) SELECT annual_burden(d, amount, 80000) FROM s;
SELECT (annual_burden(d, amount, 50000000)).* FROM s;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT count(*) FILTER (WHERE e.total IS DISTINCT FROM x.total) AS total_wrong,
	   count(*) FILTER (WHERE e.n IS DISTINCT FROM x.settlements) AS count_wrong,
	   count(*) FILTER (WHERE e.first_crossed IS DISTINCT FROM x.first_crossed_on) AS crossed_wrong,
	   count(*) FILTER (WHERE x.total IS DISTINCT FROM y.total OR x.first_crossed_on IS DISTINCT FROM y.first_crossed_on
						OR x.settlements IS DISTINCT FROM y.settlements) AS parallel_differs
FROM expected e JOIN serial x USING (person) JOIN parallel y USING (person);
-- input order does not matter
SELECT count(*) AS order_matters
FROM (SELECT person, (annual_burden(d, amount, 80000 ORDER BY d DESC)).* FROM s GROUP BY person) a
JOIN serial b USING (person)
WHERE a IS DISTINCT FROM b;

-- in a window, the final function runs on every row and the state stays valid
SELECT person, d, amount, (annual_burden(d, amount, 100) OVER w).*
FROM (SELECT * FROM s WHERE person = 7 ORDER BY d LIMIT 5) x
WINDOW w AS (ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY d;
DROP TABLE s, expected, serial, parallel;

-- thresholds: ratio × the province's income of the previous year
INSERT INTO income_baseline (province, year, per_capita_income, source)
VALUES ('37', 2025, 41000.00, 'test figure');
SELECT category, ratio, configured, burden_threshold('37', 2026, ratio) FROM threshold_ratio_effective ORDER BY ratio NULLS LAST, category;
-- a region changes a ratio: the table overrides the default
INSERT INTO threshold_ratio VALUES ('jiance', 0.60), ('zhongbing', 0.40);
SELECT category, ratio, configured FROM threshold_ratio_effective WHERE category IN ('jiance', 'zhongbing', 'dibao_edge') ORDER BY category;
DELETE FROM threshold_ratio;
SELECT burden_threshold('37', 2027, 0.5);
SELECT burden_threshold('44', 2026, 1.5);

-- the trailing 12 months as a moving window: the same as computing each
-- row's frame from scratch
CREATE TABLE t AS
SELECT g % 20 AS person,
	   date '2025-01-01' + (g::bigint * 7919 % 700)::int AS d,
	   round(((g::bigint * 104729 % 200000) - 20000) / 100.0, 2) AS amount
FROM generate_series(1, 4000) g;
CREATE TABLE moving AS
SELECT person, d, amount,
	   (trailing_burden(d, amount, 40000) OVER w).*
FROM t
WINDOW w AS (PARTITION BY person ORDER BY d RANGE BETWEEN interval '1 year' PRECEDING AND CURRENT ROW);
SELECT count(*) AS rows, count(first_crossed_on) AS rows_crossed FROM moving;
SELECT count(*) AS disagreements
FROM (SELECT DISTINCT person, d, total, first_crossed_on, settlements FROM moving) m
CROSS JOIN LATERAL (
	SELECT (annual_burden(x.d, x.amount, 40000)).*
	FROM t x WHERE x.person = m.person AND x.d >= m.d - interval '1 year' AND x.d <= m.d) f
WHERE (m.total, m.first_crossed_on, m.settlements) IS DISTINCT FROM (f.total, f.first_crossed_on, f.settlements);
-- a plain aggregate too
SELECT (trailing_burden(d, amount, 40000)).total = (annual_burden(d, amount, 40000)).total AS same_as_annual FROM t;
DROP TABLE t, moving;

-- totals never wrap: out of range is an error
SELECT annual_burden(date '2026-01-01', 999999999999999.99, NULL) FROM generate_series(1, 100);
