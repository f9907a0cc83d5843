-- A hostile search_path: look-alike operators and functions in a schema
-- that comes first on the caller's path change nothing medaid computes
-- (every function pins its search_path and names its own operators).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS medaid CASCADE;
CREATE EXTENSION medaid;
CREATE SCHEMA hostile;
-- look-alikes that would change answers if any function resolved them
CREATE FUNCTION hostile.cnid_eq_always(medaid.cnid, medaid.cnid) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hostile.= (LEFTARG = medaid.cnid, RIGHTARG = medaid.cnid, FUNCTION = hostile.cnid_eq_always);
CREATE FUNCTION hostile.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT timestamptz '1999-01-01'$$;
CREATE FUNCTION hostile.lower(text) RETURNS text LANGUAGE sql AS $$SELECT 'x'$$;
CREATE FUNCTION hostile.upper(text) RETURNS text LANGUAGE sql AS $$SELECT 'x'$$;
CREATE FUNCTION hostile.btrim(text) RETURNS text LANGUAGE sql AS $$SELECT 'x'$$;
CREATE FUNCTION hostile.substr(text, integer, integer) RETURNS text LANGUAGE sql AS $$SELECT '99'$$;
CREATE FUNCTION hostile.left(text, integer) RETURNS text LANGUAGE sql AS $$SELECT '99'$$;
CREATE FUNCTION hostile.count(anyelement) RETURNS bigint LANGUAGE sql AS $$SELECT 42::bigint$$;
CREATE FUNCTION hostile.textnum(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.textnum);
RESET client_min_messages;
SET search_path = hostile, public;
SET datestyle = ISO;
SELECT medaid.open_batch('civil_affairs', '2026-01-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging VALUES (:b, 1, '李四', '440524188001010014', 'dibao_edge', 'add', '2026-01-03', '370103'),
 (:b, 2, '张三', '11010519491231002X', 'dibao', 'add', '2026-01-03', '370102');
SELECT medaid.close_batch(:b, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :b)) \g /dev/null
SELECT applied, duplicates, anomalies FROM medaid.reconcile(:b);
SELECT medaid.category_on('440524188001010014', '2026-02-01'), medaid.category_on('11010519491231002X', '2026-02-01');
INSERT INTO medaid.income_baseline VALUES ('37', 2025, 40000, 't');
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total) VALUES ('a', '440524188001010014', '2026-01-05', '370103', 90000), ('b', '11010519491231002X', '2026-01-06', '370102', 1);
SELECT month_computed, warned, mode FROM medaid.run_monthly_warnings('2026-01-01');
SELECT id_number::text, category, annual_burden FROM medaid.warning ORDER BY 1;
SELECT count(*) AS differences FROM medaid.warning_check('2026-01-01');
SELECT count(*) AS pushed FROM medaid.push_warnings('2026-01-01', 'rural');
SELECT (medaid.cnid_check(' 440524 18800101 0014 ')).*;
SELECT medaid.normalize_name(' 李  四 ');
SELECT * FROM medaid.category_timeline('440524188001010014');
SELECT settlements, total FROM medaid.settlement_summary('440524188001010014', '2026-01-01', '2026-12-31');
INSERT INTO medaid.resident_contribution VALUES ('37', 2026, 380.00, 't');
INSERT INTO medaid.subsidy_rule VALUES ('37', 2026, 'dibao', 200.00, 't');
INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on) VALUES ('11010519491231002X', 2026, '370102', '2026-01-10');
SELECT subsidy_category, subsidy_amount, subsidy_status FROM medaid.enrollment;
SELECT year, region, recipients, enrolled, meets_target FROM medaid.participation_rate ORDER BY region;
SELECT region, month FROM medaid.mark_reviewed('370103', '2026-01-01');
SET search_path = public;
SET client_min_messages = warning;
DROP SCHEMA hostile CASCADE;
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;
