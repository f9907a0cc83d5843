-- Dates on the direct settlement path (INSERT, COPY into medaid.settlement)
-- follow load_settlements' rule (bad_date: years 1900 to 2999), and
-- ensure_settlement_partitions makes only months of those years, at most
-- 240 at a time, under names no two months share.
SET datestyle = ISO;
SET client_min_messages = warning;
SET search_path = public, medaid;
\set VERBOSITY default
\set SHOW_CONTEXT never
-- one transaction, rolled back (the other tests share the database); each
-- refused statement in a savepoint of its own
BEGIN;
-- the last day of 9999, the first of AD 1, a BC date: refused, naming the row
SAVEPOINT s;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('D1', '11010519491231002X', '2026-01-10', '370102', 10.00),
 ('D2', '11010519491231002X', '9999-12-31', '370102', 10.00);
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('D3', '11010519491231002X', '0001-01-01', '370102', 10.00);
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('D4', '11010519491231002X', '0001-01-01 BC', '370102', 10.00);
ROLLBACK TO s;
SAVEPOINT s;
COPY settlement (settlement_id, id_number, settle_date, region, total) FROM stdin;
D5	11010519491231002X	2026-01-11	370102	10.00
D6	11010519491231002X	1899-12-31	370102	10.00
\.
ROLLBACK TO s;
-- nothing of those statements stayed
SELECT count(*) AS settlements, (SELECT count(*) FROM settlement_key k WHERE k.settlement_id LIKE 'D%') AS keys
FROM settlement WHERE settlement_id LIKE 'D%';
-- the first and last days of the range are accepted
INSERT INTO settlement (settlement_id, id_number, settle_date, region, total) VALUES
 ('D7', '11010519491231002X', '1900-01-01', '370102', 10.00);
SELECT settlement_id, settle_date, tableoid::regclass AS partition FROM settlement WHERE settlement_id LIKE 'D%' ORDER BY 1;
-- partitions: only months of 1900 to 2999
SAVEPOINT s;
SELECT ensure_settlement_partitions('0001-06-01 BC', '0001-07-01');
ROLLBACK TO s;
SAVEPOINT s;
SELECT ensure_settlement_partitions('1899-12-01', '1900-01-31');
ROLLBACK TO s;
SAVEPOINT s;
SELECT ensure_settlement_partitions('2999-12-01', '3000-01-01');
ROLLBACK TO s;
-- at most 240 months in one call, the error names the range
SAVEPOINT s;
SELECT ensure_settlement_partitions('2026-01-01', '2046-01-01');
ROLLBACK TO s;
SELECT ensure_settlement_partitions('1900-01-01', '1900-02-01');
SELECT ensure_settlement_partitions('2999-12-01', '2999-12-31');
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'medaid.settlement'::regclass AND (c.relname LIKE '%y1900%' OR c.relname LIKE '%y2999%' OR c.relname LIKE '%y0001%') ORDER BY 1;
SELECT settlement_id, tableoid::regclass AS partition FROM settlement WHERE settlement_id LIKE 'D%' ORDER BY 1;
ROLLBACK;
