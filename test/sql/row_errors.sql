-- Errors and refusals that say where: the settlement and field of an amount
-- out of range or of assistance above the burden on the direct path, the
-- field of each refused staged row, a name too long for the register.  One
-- transaction, rolled back (the other tests share the database).
SET search_path = medaid, public;
SET datestyle = ISO;
SET client_min_messages = warning;
\set SHOW_CONTEXT never
BEGIN;
-- the direct path: an amount beyond what the burden states hold, naming
-- the settlement and the field (it used to be "burden ... is out of range");
-- 16 digits in a row are masked in the message like an ID
SAVEPOINT s;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('E1', '11010519491231002X', '2026-01-10', '370102', 10.00),
 ('E2', '11010519491231002X', '2026-01-10', '370102', 1000000000000000.00);
ROLLBACK TO s;
SAVEPOINT s;
COPY settlement (settlement_id, id_number, settle_date, region, total, critical_paid) FROM stdin;
E3	11010519491231002X	2026-01-11	370102	10.00	0
E4	11010519491231002X	2026-01-11	370102	30000000000000.00	20000000000000.00
\.
ROLLBACK TO s;
-- assistance far above the total, and above the burden
SAVEPOINT s;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, assistance_paid) VALUES
 ('E5', '11010519491231002X', '2026-01-10', '370102', 100.00, 500000.00);
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid) VALUES
 ('E6', '11010519491231002X', '2026-01-10', '370102', 100.00, 60.00, 10.00, 30.01);
ROLLBACK TO s;
-- assistance equal to the burden is taken, and so is its reversal
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses) VALUES
 ('E7', '11010519491231002X', '2026-01-10', '370102', 100.00, 60.00, 10.00, 30.00, NULL),
 ('E8', '11010519491231002X', '2026-01-12', '370102', -100.00, -60.00, -10.00, -30.00, 'E7');
SELECT settlement_id, total, burden, assistance_paid FROM settlement WHERE settlement_id LIKE 'E%' ORDER BY 1;

-- the staging path: each refused row with its reason and field
SELECT open_settlement_load() AS l \gset
INSERT INTO settlement_staging VALUES
 (:l, 1, 'F1', '11010519491231002X', '2026-01-08', '370102', '10x', '', '', '', NULL),
 (:l, 2, 'F2', '11010519491231002X', '2026-01-08', '370102', '10', '1.234', '', '', NULL),
 (:l, 3, 'F3', '11010519491231002X', '2026-01-08', '370102', '10', '', 'abc', '', NULL),
 (:l, 4, 'F4', '11010519491231002X', '2026-01-08', '370102', '10', '', '', '12345678901234', NULL),
 (:l, 5, 'F5', '11010519491231002X', '2026-01-08', '370102', '10', '', '-1', '', NULL),
 (:l, 6, 'F6', '11010519491231002X', '2026-01-08', '370102', '10', '8', '3', '', NULL),
 (:l, 7, 'F7', '11010519491231002X', '2026-01-08', '370102', '100', '', '', '500000', NULL),
 (:l, 8, 'F8', '11010519491231002X', '2026-01-08', '370102', '100', '60', '10', '30.01', NULL),
 (:l, 9, 'F9', '11010519491231002X', '2026-01-08', '370102', '100', '60', '10', '30', NULL),
 (:l, 10, 'F9', '11010519491231002X', '2026-01-08', '370102', '100', '60', '10', '30', NULL),
 (:l, 11, 'F11', '11010519491231002X', '2026-01-08', '370102', '-100', '', '', '', 'nothing'),
 (:l, 12, 'F12', '11010519491231002Y', '2026-01-08', '370102', '1', '', '', '', NULL),
 (:l, 13, 'F13', '11010519491231002X', '2026-02-30', '370102', '1', '', '', '', NULL),
 (:l, 14, 'F14', '11010519491231002X', '2026-01-08', '3701', '1', '', '', '', NULL),
 (:l, 15, '', '11010519491231002X', '2026-01-08', '370102', '1', '', '', '', NULL);
SELECT * FROM load_settlements(:l);
SELECT row_no, reason, field FROM settlement_rejected WHERE load_id = :l ORDER BY row_no;

-- reconcile: a name longer than 100 characters (after normalising) is an
-- anomaly; 100 are applied
SELECT open_batch('civil_affairs', '2026-01-01', 'delta') AS b \gset
INSERT INTO roster_staging VALUES
 (:b, 1, repeat('张', 10000), '11010519491231002X', 'dibao', 'add', '2026-01-05', '370102'),
 (:b, 2, repeat('李', 101), '440524188001010014', 'dibao', 'add', '2026-01-05', '370103'),
 (:b, 3, repeat('王', 100), '320102199205051236', 'dibao', 'add', '2026-01-05', '370105');
SELECT close_batch(:b, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:b);
SELECT row_no, outcome, reason FROM roster_outcome WHERE batch_id = :b ORDER BY row_no;
SELECT char_length(name) AS name_length FROM person WHERE id_number = '320102199205051236';
ROLLBACK;
