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

-- amounts of every shape convert exactly (numeric's stored digits are read
-- directly when they can be, through text when they cannot)
CREATE TABLE shapes AS
SELECT g, (CASE WHEN g % 2 = 0 THEN 1 ELSE -1 END) * round((random() * 10 ^ (g % 16))::numeric, (g % 3)) AS v
FROM generate_series(1, 20000) g;
INSERT INTO shapes VALUES (-1, 0), (-2, 0.10), (-3, 10000), (-4, 100000000), (-5, 999999999999999.99),
	(-6, 0.01), (-7, -0.01), (-8, 12345678.90), (-9, 1.5), (-10, 0.000), (-11, 1e14), (-12, 100.00000);
SELECT count(*) AS amounts,
	   count(*) FILTER (WHERE (b).total IS DISTINCT FROM v) AS wrong
FROM (SELECT g, v, annual_burden(date '2026-01-01', v, NULL) AS b FROM shapes GROUP BY g, v) x;
-- a threshold with more decimals: over it exactly when the amount is greater
SELECT count(*) AS thresholds,
	   count(*) FILTER (WHERE ((b).first_crossed_on IS NOT NULL) IS DISTINCT FROM (v > t)) AS wrong
FROM (SELECT g, v, t, annual_burden(date '2026-01-01', v, t) AS b
	  FROM (SELECT g, v, v + (random() - 0.5)::numeric(10, 4) / 100 AS t FROM shapes) y GROUP BY g, v, t) x;
SELECT annual_burden(date '2026-01-01', 0.0001, NULL);
-- (the message's 17-digit run is masked like an ID number: see log_redact.c)
SELECT annual_burden(date '2026-01-01', 1e16, NULL);
DROP TABLE shapes;

-- burden_state: the stored form of a person's year, read back as
-- annual_burden would compute it up to any day, with the latest region
CREATE TABLE s AS
SELECT g, g % 300 AS person,
	   date '2026-01-01' + (g::bigint * 7919 % 365)::int AS d,
	   round(((g::bigint * 104729 % 100000) - 10000) / 100.0, 2) AS amount,
	   'S' || (g % 7) || '-' || g AS settlement_id,
	   (ARRAY['370102', '370103', '440101'])[g % 3 + 1] AS region
FROM generate_series(1, 30000) g;
ANALYZE s;
CREATE TABLE st AS SELECT person, burden_state(d, amount, settlement_id, region) AS state FROM s GROUP BY person;
SELECT count(*) AS people,
	   count(*) FILTER (WHERE burden_state_result(st.state, NULL, 80000) IS DISTINCT FROM a.b) AS whole_year_wrong
FROM st JOIN (SELECT person, annual_burden(d, amount, 80000) AS b FROM s GROUP BY person) a USING (person);
SELECT count(*) AS checks,
	   count(*) FILTER (WHERE burden_state_result(st.state, c.through, 30000) IS DISTINCT FROM
		   (SELECT coalesce(annual_burden(x.d, x.amount, 30000), ROW(0.00, NULL, 0)::burden)
			FROM s x WHERE x.person = st.person AND x.d <= c.through)) AS through_wrong,
	   count(*) FILTER (WHERE burden_state_region(st.state, c.through) IS DISTINCT FROM
		   (SELECT x.region FROM s x
			WHERE x.person = st.person AND x.d < date_trunc('month', c.through) + interval '1 month'
			ORDER BY x.d DESC, x.settlement_id COLLATE "C" DESC LIMIT 1)) AS region_wrong
FROM st CROSS JOIN (VALUES (date '2026-01-01'), ('2026-01-31'), ('2026-06-15'), ('2026-06-30'), ('2026-12-31'), ('2025-12-31')) c(through);
-- order, splitting and merging, and parallel workers give the same bytes
SELECT count(*) AS order_matters
FROM st JOIN (SELECT person, burden_state(d, amount, settlement_id, region ORDER BY g DESC) AS state FROM s GROUP BY person) r
  USING (person)
WHERE st.state IS DISTINCT FROM r.state;
SELECT count(*) AS merge_differs
FROM st
JOIN (SELECT person, burden_state(d, amount, settlement_id, region) FILTER (WHERE g % 2 = 0) AS a,
			 burden_state(d, amount, settlement_id, region) FILTER (WHERE g % 2 = 1) AS b
	  FROM s GROUP BY person) h USING (person)
WHERE st.state IS DISTINCT FROM burden_state_merge(h.a, h.b) OR st.state IS DISTINCT FROM burden_state_merge(h.b, h.a);
-- partial states (four per person, as four nodes would make) combine
-- into the same bytes with the aggregate burden_state_union
SELECT count(*) AS union_differs
FROM st
JOIN (SELECT person, burden_state_union(state) AS state
	  FROM (SELECT person, g % 4 AS part, burden_state(d, amount, settlement_id, region) AS state
			FROM s GROUP BY person, g % 4) p
	  GROUP BY person) u USING (person)
WHERE st.state IS DISTINCT FROM u.state;
SELECT burden_state_merge(NULL, NULL) IS NULL AS none,
	   burden_state_merge((SELECT state FROM st WHERE person = 1), NULL) = (SELECT state FROM st WHERE person = 1) AS one;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT person, burden_state(d, amount, settlement_id, region) FROM s GROUP BY person;
SELECT count(*) AS parallel_differs
FROM st JOIN (SELECT person, burden_state(d, amount, settlement_id, region) AS state FROM s GROUP BY person) p USING (person)
WHERE st.state IS DISTINCT FROM p.state;
RESET enable_hashagg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- no settlements up to the day: nothing, and no region
SELECT burden_state_result(state, '2025-12-31', 1), burden_state_region(state, '2025-12-31') FROM st WHERE person = 1;
-- a stored state is checked before it is trusted
SELECT burden_state_result('\x00'::bytea, NULL, NULL);
SELECT burden_state_result('\x02000000000000000000000000000000000000'::bytea, NULL, NULL);
SELECT burden_state_result(substr(state, 1, length(state) - 1), NULL, NULL) FROM st WHERE person = 1;
SELECT burden_state_result(state || '\x00'::bytea, NULL, NULL) FROM st WHERE person = 1;
-- two days swapped
SELECT burden_state_result(overlay(state PLACING substr(state, 30, 16) || substr(state, 14, 16) FROM 14 FOR 32), NULL, NULL)
FROM st WHERE person = 1;
-- a count that does not add up
SELECT burden_state_result(set_byte(state, 8, get_byte(state, 8) + 1), NULL, NULL) FROM st WHERE person = 1;
SELECT burden_state_merge(state, '\x01'::bytea) FROM st WHERE person = 1;
-- random bytes never crash a reader
DO $$
DECLARE
	b bytea;
	accepted int := 0;
BEGIN
	FOR i IN 1..2000 LOOP
		SELECT decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') INTO b
		FROM generate_series(1, 1 + (random() * 60)::int);
		b := set_byte(b, 0, 1);		-- the right version, so the reader goes further
		BEGIN
			PERFORM burden_state_result(b, NULL, NULL);
			accepted := accepted + 1;
		EXCEPTION WHEN invalid_binary_representation THEN
			NULL;
		END;
	END LOOP;
	RAISE NOTICE 'random states accepted: %', accepted;
END
$$;
DROP TABLE s, st;
