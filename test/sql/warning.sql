-- settlements and monthly high-cost warnings (docs/rules.md §4, §7)
SET search_path = medaid, public;
SET datestyle = ISO;
\set SHOW_CONTEXT never
SET client_min_messages = warning;
-- a database of its own: no rows from the other tests
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;

INSERT INTO income_baseline (province, year, per_capita_income) VALUES
	('37', 2025, 40000.00), ('37', 2026, 42000.00), ('44', 2025, 50000.00);

-- categories on the months' last days
SELECT open_batch('civil_affairs', '2026-01-01', 'delta') AS c1 \gset
INSERT INTO roster_staging VALUES
 (:c1, 1, '李四', '440524188001010014', 'dibao_edge', 'add', '2026-01-03', '370103'),
 (:c1, 2, '张三', '11010519491231002X', 'dibao', 'add', '2026-01-05', '370102'),
 (:c1, 3, '王五', '370102195001010011', 'tekun', 'add', '2026-01-05', '370102'),
 (:c1, 4, '赵六', '130503196704010016', 'zhongbing', 'add', '2026-01-05', '370104');
SELECT medaid.close_batch(:c1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c1)) \g /dev/null
SELECT applied FROM reconcile(:c1);
SELECT open_batch('civil_affairs', '2026-02-01', 'delta') AS c2 \gset
INSERT INTO roster_staging VALUES
 (:c2, 1, '赵六', '130503196704010016', 'dibao_edge', 'add', '2026-02-10', '370104');
SELECT medaid.close_batch(:c2, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c2)) \g /dev/null
SELECT applied FROM reconcile(:c2);
SELECT open_batch('rural', '2026-01-01', 'delta') AS r1 \gset
INSERT INTO roster_staging VALUES
 (:r1, 1, '王五', '370102195001010011', 'jiance', 'add', '2026-01-05', '370102');
SELECT medaid.close_batch(:r1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :r1)) \g /dev/null
SELECT applied FROM reconcile(:r1);

-- settlements: rows of months without partitions wait in the default one
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid) VALUES
 ('A1', '440524188001010014', '2026-01-10', '370103', 30000.00, 10000.00, 0, 0),  -- dibao_edge: 20000.00 burden
 ('A2', '440524188001010014', '2026-01-20', '370103', 0.01, 0, 0, 0),             -- 20000.01 > 20000: crosses
 ('B1', '11010519491231002X', '2026-01-10', '370102', 90000.00, 0, 0, 0),          -- dibao only: no warning
 ('C1', '370102195001010011', '2026-01-11', '370102', 30000.00, 0, 5000.00, 0),    -- tekun + jiance: 50 %
 ('D1', '130503196704010016', '2026-01-11', '370104', 25000.00, 0, 0, 0),          -- zhongbing in January: none
 ('E1', '320102198001010016', '2026-01-15', '440101', 70000.00, 0, 0, 0),          -- ordinary, insured in 44
 ('E2', '320102198001010016', '2026-02-15', '370102', 5000.00, 0, 0, 0),           -- latest region now 37
 ('F1', '830000199201300022', '2026-01-31', '370102', 60000.00, 0, 0, 0),          -- ordinary: exactly 60000 is not over
 ('F2', '830000199201300022', '2026-12-31', '370102', 0.01, 0, 0, 0);
-- a reversal counts on its own date
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses) VALUES
 ('A1R', '440524188001010014', '2026-02-05', '370103', -30000.00, -10000.00, 0, 0, 'A1');
SELECT settlement_id, burden FROM settlement ORDER BY settlement_id;

-- bad loads are refused whole, with the reason
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('A1', '440524188001010014', '2026-03-10', '370103', 1.00);
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('G1', '440524188001010014', '2026-03-10', '370103', 1.00), ('G1', '440524188001010014', '2026-03-11', '370103', 1.00);
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X1', '440524188001010014', '2026-03-10', '370103', -90000.00, 'B1');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X2', '11010519491231002X', '2026-03-10', '370102', -1.00, 'B1');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, fund_paid, reverses) VALUES
 ('X3', '440524188001010014', '2026-03-10', '370103', -30000.00, -10000.00, 'A1');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X4', '440524188001010014', '2026-03-10', '370103', -1.00, 'NOPE');
-- a reversal of a reversal, of itself, dated before its original, and two
-- reversals of one settlement in one load
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, fund_paid, reverses) VALUES
 ('X6', '440524188001010014', '2026-03-10', '370103', 30000.00, 10000.00, 'A1R');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X7', '440524188001010014', '2026-03-10', '370103', -1.00, 'X7');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X8', '11010519491231002X', '2026-01-09', '370102', -90000.00, 'B1');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X9', '11010519491231002X', '2026-03-10', '370102', -90000.00, 'B1'),
 ('X10', '11010519491231002X', '2026-03-11', '370102', -90000.00, 'B1');
-- an original and its reversal in one load: checked against each other
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('Y1', '11010519491231002X', '2026-03-01', '370102', 100.00, NULL),
 ('Y1R', '11010519491231002X', '2026-03-02', '370102', -99.00, 'Y1');
BEGIN;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('Y2R', '11010519491231002X', '2026-03-02', '370102', -100.00, 'Y2'),
 ('Y2', '11010519491231002X', '2026-03-01', '370102', 100.00, NULL);
SELECT settlement_id, reversed_by FROM settlement_key WHERE settlement_id LIKE 'Y2%' ORDER BY 1;
ROLLBACK;
-- several broken: the first by id is named
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X12', '11010519491231002X', '2026-03-10', '370102', -1.00, 'NOPE2'),
 ('X11', '11010519491231002X', '2026-03-10', '370102', -1.00, 'NOPE1');
-- the same checks with the trigger's statements planned generically (as
-- a session that loads many files plans them after its fifth)
SET plan_cache_mode = force_generic_plan;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('X8', '11010519491231002X', '2026-01-09', '370102', -90000.00, 'B1');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('Y1', '11010519491231002X', '2026-03-01', '370102', 100.00, NULL),
 ('Y1R', '11010519491231002X', '2026-03-02', '370102', -99.00, 'Y1');
BEGIN;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, reverses) VALUES
 ('Y2R', '11010519491231002X', '2026-03-02', '370102', -100.00, 'Y2'),
 ('Y2', '11010519491231002X', '2026-03-01', '370102', 100.00, NULL);
SELECT settlement_id, reversed_by FROM settlement_key WHERE settlement_id LIKE 'Y2%' ORDER BY 1;
ROLLBACK;
RESET plan_cache_mode;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('X5', '440524188001010014', '2026-03-10', '370103', 1.001);
UPDATE settlement SET total = 1 WHERE settlement_id = 'B1';
DELETE FROM settlement WHERE settlement_id = 'B1';

-- January
SELECT * FROM run_monthly_warnings('2026-01-31');
SELECT count(*) AS differences FROM warning_check('2026-01-31');
SELECT month, id_number, category, annual_burden, threshold, first_crossed_on, is_new, province
FROM warning WHERE month = '2026-01-01' ORDER BY id_number;
-- February: the reversal takes 李四 under; 赵六 turned dibao_edge; 320102… is
-- now insured in 37, so the threshold is 37's
SELECT * FROM run_monthly_warnings('2026-02-01');
SELECT count(*) AS differences FROM warning_check('2026-02-01');
SELECT month, id_number, category, annual_burden, threshold, first_crossed_on, is_new, province
FROM warning WHERE month = '2026-02-01' ORDER BY id_number;
-- again: the same rows, another run recorded
SELECT * FROM run_monthly_warnings('2026-02-14');
SELECT count(*) AS february_rows FROM warning WHERE month = '2026-02-01';
SELECT month, mode, base_run_id IS NOT NULL AS has_base, people_assessed, warned, new_warnings, continuing, carried,
	   run_by = session_user AS by_me
FROM warning_run ORDER BY run_id;
-- December: a settlement on the year's last day
SELECT * FROM run_monthly_warnings('2026-12-01');
SELECT count(*) AS differences FROM warning_check('2026-12-01');
SELECT id_number, annual_burden, first_crossed_on, is_new FROM warning WHERE month = '2026-12-01' ORDER BY id_number;
-- a new year starts from nothing; its threshold needs the previous year's income
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('H1', '830000199201300022', '2027-01-02', '370102', 70000.00),
 ('H2', '320102198001010016', '2027-01-02', '440101', 70000.00);
SELECT * FROM run_monthly_warnings('2027-01-01');
DELETE FROM income_baseline WHERE province = '44';
INSERT INTO income_baseline VALUES ('44', 2026, 52000.00);
SELECT * FROM run_monthly_warnings('2027-01-01');
SELECT id_number, category, annual_burden, threshold, is_new FROM warning WHERE month = '2027-01-01' ORDER BY id_number;
SELECT count(*) AS differences FROM warning_check('2027-01-01');

-- monthly partitions, made on demand; waiting rows move in
SELECT tableoid::regclass AS partition, count(*) FROM settlement GROUP BY 1 ORDER BY 1;
SELECT ensure_settlement_partitions('2026-01-01', '2027-01-31');
SELECT tableoid::regclass AS partition, count(*) FROM settlement GROUP BY 1 ORDER BY 1;
SELECT ensure_settlement_partitions('2026-01-01', '2026-02-01');
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('J1', '830000199201300022', '2026-06-02', '370102', 1.00);
SELECT tableoid::regclass AS partition FROM settlement WHERE settlement_id = 'J1';
-- a loader (medaid_etl, not a superuser) loads through settlement; a
-- partition refuses rows put into it directly, which would skip the checks
-- and the burden states, even where a DBA granted INSERT on it
CREATE ROLE regress_medaid_loader IN ROLE medaid_etl;
GRANT INSERT ON settlement_y2026m06, settlement_default TO regress_medaid_loader;
SET ROLE regress_medaid_loader;
INSERT INTO settlement_y2026m06 (settlement_id, id_number, settle_date, region, total) VALUES
 ('J2', '830000199201300022', '2026-06-03', '370102', 1.00);
INSERT INTO settlement_default (settlement_id, id_number, settle_date, region, total) VALUES
 ('J2', '830000199201300022', '2031-06-03', '370102', 1.00);
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('J2', '830000199201300022', '2026-06-03', '370102', 1.00);
RESET ROLE;
SELECT settlement_id, tableoid::regclass AS partition FROM settlement WHERE settlement_id LIKE 'J%' ORDER BY 1;
SELECT (burden_state_result(state, '2026-06-30', NULL)).* FROM burden_year
WHERE id_number = '830000199201300022' AND year = 2026;
DROP OWNED BY regress_medaid_loader;
DROP ROLE regress_medaid_loader;
-- the warnings do not change with where rows are kept
SELECT * FROM run_monthly_warnings('2026-02-01');

-- a late roster row: settlements made since its date are listed for re-assessment
SELECT open_batch('rural', '2026-11-01', 'delta') AS late \gset
INSERT INTO roster_staging VALUES
 (:late, 1, '某人', '830000199201300022', 'jiance', 'add', '2026-06-01', '370102');
SELECT medaid.close_batch(:late, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :late)) \g /dev/null
SELECT applied FROM reconcile(:late);
SELECT batch_id = :late AS this_batch, id_number, category, change, effective_date, settlement_id, settle_date, burden
FROM settlement_reassessment ORDER BY settle_date;

-- the monthly push: every warning to both departments unless routed
SELECT dept, count(*) AS pending FROM warning_pending WHERE month = '2026-02-01' GROUP BY dept ORDER BY dept;
SELECT id_number, category, is_new FROM push_warnings('2026-02-01', 'civil_affairs') ORDER BY id_number;
SELECT count(*) AS pushed_again FROM push_warnings('2026-02-01', 'civil_affairs');
INSERT INTO warning_route VALUES ('jiance', 'rural');
SELECT dept, id_masked, category FROM warning_pending WHERE month = '2026-02-01' ORDER BY dept, id_masked;
SELECT dept, count(*), bool_and(pushed_by = session_user) AS by_me FROM warning_push GROUP BY dept;
SELECT * FROM push_warnings('2026-02-01', 'medical_insurance');

-- a city's own list against the province's
INSERT INTO city_warning (city, month, id_number, annual_burden) VALUES
 ('3701', '2026-02-01', '320102198001010016', 75000.00),
 ('3701', '2026-02-01', '370102195001010011', 24000.00),
 ('3701', '2026-02-01', '11010519491231002X', 90000.00);
SELECT city, month, id_masked, province_burden, city_burden, status
FROM warning_city_comparison ORDER BY status, id_masked;

-- warned people followed month by month
SELECT id_masked, month, settlements, total, fund_paid, critical_paid, assistance_paid, burden
FROM warning_follow_up WHERE id_masked LIKE '440524%' OR id_masked LIKE '320102%' ORDER BY id_masked, month;

-- a settlement summary for civil affairs
SELECT * FROM settlement_summary('440524188001010014', '2026-01-01', '2026-12-31');
SELECT settlements, total FROM settlement_summary('440524188001010014', '2026-01-15', '2026-02-04');
SELECT from_on, to_on, settlements FROM settlement_summary('11010519491231002X', NULL, '2026-06-30');
SELECT to_on = CURRENT_DATE AS to_today, from_on = (CURRENT_DATE - interval '1 year')::date + 1 AS twelve_months
FROM settlement_summary('11010519491231002X');
SELECT settlements, total FROM settlement_summary('110105491231002', '2020-01-01', '2020-12-31');

-- the staging path: a whole file, bad rows reported one by one
SELECT open_settlement_load() AS ld \gset
INSERT INTO settlement_staging VALUES
 (:ld, 1, 'K1', '440524188001010014', '2026-07-01', '370103', '100.00', '50', '', '', NULL),
 (:ld, 2, 'K2', '110105194912310021', '2026-07-01', '370102', '100.00', '0', '0', '0', NULL),
 (:ld, 3, 'K3', '440524188001010014', '2026-02-30', '370103', '100.00', '0', '0', '0', NULL),
 (:ld, 4, 'K4', '440524188001010014', '2026-07-01', '3701', '100.00', '0', '0', '0', NULL),
 (:ld, 5, 'K5', '440524188001010014', '2026-07-01', '370103', '100.001', '0', '0', '0', NULL),
 (:ld, 6, 'K1', '440524188001010014', '2026-07-02', '370103', '1.00', '0', '0', '0', NULL),
 (:ld, 7, 'B1', '440524188001010014', '2026-07-02', '370103', '1.00', '0', '0', '0', NULL),
 (:ld, 8, 'K1R', '440524188001010014', '2026-07-05', '370103', '-100.00', '-50', '0', '0', 'K1'),
 (:ld, 9, 'K1R2', '440524188001010014', '2026-07-06', '370103', '-100.00', '-50', '0', '0', 'K1'),
 (:ld, 10, 'K6', '440524188001010014', '2026-07-06', '370103', '-1.00', '0', '0', '0', 'B1'),
 (:ld, 11, 'K7', '440524188001010014', '2026-07-06', '370103', '-1.00', '0', '0', '0', 'NONE'),
 (:ld, 12, NULL, '440524188001010014', '2026-07-06', '370103', '1.00', '0', '0', '0', NULL),
 (:ld, 13, 'K8', '440524188001010014', '2026-08-06', '370103', 'abc', '0', '0', '0', NULL),
 (:ld, 14, 'K9', '440524188001010014', '2099-08-06', '370103', '5.00', '0', '0', '0', NULL),
 (:ld, 15, 'K10', '440524188001010014', '2026-08-06', '370103', '5.00', '', NULL, '0', NULL);
SELECT * FROM load_settlements(:ld);
SELECT * FROM load_settlements(:ld);
SELECT row_no, reason, id_masked FROM settlement_rejected WHERE load_id = :ld ORDER BY row_no;
SELECT settlement_id, settle_date, total, fund_paid, burden, reverses FROM settlement
WHERE settlement_id IN ('K1', 'K1R', 'K9', 'K10') ORDER BY settlement_id;
SELECT (SELECT count(*) FROM settlement_staging WHERE load_id = :ld) AS staged,
	   (SELECT accepted + rejected FROM settlement_load WHERE load_id = :ld) AS accounted_for;

-- dates no calendar reading can hold, negative originals, payments above cost
SELECT open_settlement_load() AS ld2 \gset
INSERT INTO settlement_staging VALUES
 (:ld2, 1, 'M1', '440524188001010014', '0000-01-01', '370103', '1.00', '0', '0', '0', NULL),
 (:ld2, 2, 'M2', '440524188001010014', '2026-03-01', '370103', '-5000.00', '0', '0', '0', NULL),
 (:ld2, 3, 'M3', '440524188001010014', '2026-03-01', '370103', '100.00', '90', '20', '0', NULL),
 (:ld2, 4, 'M4', '440524188001010014', '2026-03-01', '370103', '100.00', '90', '10', '0', NULL);
SELECT * FROM load_settlements(:ld2);
SELECT row_no, reason FROM settlement_rejected WHERE load_id = :ld2 ORDER BY row_no;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('M5', '440524188001010014', '2026-03-01', '370103', -1.00);

-- between equal ratios the region's own order picks the warning's category
SELECT open_batch('rural', '2026-12-01', 'delta') AS eq \gset
INSERT INTO roster_staging VALUES
 (:eq, 1, '李四', '440524188001010014', 'jiance', 'add', '2026-12-01', '370103');
SELECT medaid.close_batch(:eq, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :eq)) \g /dev/null
SELECT applied FROM reconcile(:eq);
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('M6', '440524188001010014', '2026-12-02', '370103', 30000.00);
SELECT warned FROM run_monthly_warnings('2026-12-01');
SELECT category FROM warning WHERE month = '2026-12-01' AND id_number = '440524188001010014';
INSERT INTO category_favourability VALUES ('37', 2026, 'jiance', 1), ('37', 2026, 'dibao_edge', 2);
SELECT warned FROM run_monthly_warnings('2026-12-01');
SELECT category FROM warning WHERE month = '2026-12-01' AND id_number = '440524188001010014';
