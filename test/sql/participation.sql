-- participation: subsidies granted at enrolment, the annual lock, the
-- participation ledger, suspected uninsured and rates (docs/rules.md §5, §7; 20号 §一,
-- 33号 §二)
SET search_path = medaid, public;
SET datestyle = ISO;
\set SHOW_CONTEXT never
SET client_min_messages = warning;
-- a database of its own: no rows from the other tests
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;

-- the people (synthetic IDs)
\set p01 '370102194101010030'
\set p02 '370102194201010054'
\set p03 '370102194301010078'
\set p04 '370102194401010091'
\set p05 '37010219450101011X'
\set p06 '370102194601010133'
\set p07 '370102194701010157'
\set p08 '370102194801010170'
\set p09 '370102194901010194'
\set p10 '370102195001010214'
\set p11 '370102195101010238'
\set p12 '370102195201010251'
\set p13 '370102195301010275'
\set p14 '370102195401010299'
\set p15 '370102195501010317'
\set p16 '370102195601010330'
\set p17 '370102195701010354'
\set p18 '370102195801010378'
\set p19 '370102195901010391'
\set p20 '370102196001010411'
\set p21 '370102196101010435'
\set p22 '370102196201010459'
\set p23 '370102196301010472'
\set p24 '370102196401010496'

-- subsidy configuration (test figures): the province's contribution and
-- fixed amounts, Jinan (3701) raises dibao, county 370103 raises jiance
INSERT INTO resident_contribution (region_prefix, year, amount) VALUES ('37', 2026, 380.00), ('37', 2027, 400.00);
INSERT INTO subsidy_rule (region_prefix, year, category, amount)
SELECT '37', y, c::category, a
FROM (VALUES (2026), (2027)) v(y),
	 (VALUES ('dibao', 200), ('fanpin', 200), ('dibao_edge', 150), ('jiance', 100)) w(c, a);
INSERT INTO subsidy_rule (region_prefix, year, category, amount) VALUES
	('3701', 2026, 'dibao', 250), ('370103', 2026, 'jiance', 300);
-- tekun is always the full contribution; amounts are yuan with two decimals
INSERT INTO subsidy_rule (region_prefix, year, category, amount) VALUES ('37', 2026, 'tekun', 380);
INSERT INTO subsidy_rule (region_prefix, year, category, amount) VALUES ('37', 2025, 'dibao', 1.005);
INSERT INTO resident_contribution (region_prefix, year, amount) VALUES ('3701x', 2026, 380);

-- the register at the end of 2025, from both departments
SELECT open_batch('civil_affairs', '2025-12-01', 'delta') AS c1 \gset
INSERT INTO roster_staging VALUES
 (:c1,  1, '甲一', :'p01', 'tekun', 'add', '2025-03-01', '370102'),
 (:c1,  2, '甲二', :'p02', 'dibao', 'add', '2025-01-01', '370102'),
 (:c1,  3, '甲三', :'p03', 'dibao', 'add', '2025-01-01', '370211'),
 (:c1,  4, '甲四', :'p04', 'dibao_edge', 'add', '2025-01-01', '370102'),
 (:c1,  5, '甲五', :'p05', 'dibao_edge', 'add', '2025-01-01', '370103'),
 (:c1,  6, '甲六', :'p06', 'zhongbing', 'add', '2025-01-01', '370102'),
 (:c1,  7, '甲七', :'p07', 'zhongbing', 'add', '2025-01-01', '370102'),
 (:c1,  8, '甲八', :'p08', 'tekun', 'add', '2025-01-01', '370102'),
 (:c1,  9, '甲九', :'p09', 'dibao', 'add', '2025-01-01', '370102'),
 (:c1, 10, '乙十', :'p10', 'dibao', 'add', '2025-06-01', '370102'),
 (:c1, 11, '乙三', :'p13', 'dibao', 'add', '2025-01-01', '370102'),
 (:c1, 12, '乙四', :'p14', 'dibao', 'add', '2025-05-01', '370102'),
 (:c1, 13, '乙八', :'p18', 'dibao', 'add', '2025-01-01', '370105'),
 (:c1, 14, '乙九', :'p19', 'dibao', 'add', '2025-01-01', '370102'),
 (:c1, 15, '丙十', :'p20', 'dibao', 'add', '2025-01-01', '370102'),
 (:c1, 16, '丙三', :'p23', 'dibao', 'add', '2025-01-01', '370102'),
 (:c1, 17, '丙四', :'p24', 'tekun', 'add', '2025-01-01', '370102');
SELECT medaid.close_batch(:c1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c1)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:c1);
SELECT open_batch('rural', '2025-12-01', 'delta') AS r1 \gset
INSERT INTO roster_staging VALUES
 (:r1, 1, '甲四', :'p04', 'jiance', 'add', '2025-01-01', '370102'),
 (:r1, 2, '甲五', :'p05', 'jiance', 'add', '2025-01-01', '370103'),
 (:r1, 3, '乙七', :'p17', 'jiance', 'add', '2025-01-01', '370102'),
 (:r1, 4, '乙八', :'p18', 'jiance', 'add', '2025-01-01', '370105'),
 (:r1, 5, '丙二', :'p22', 'fanpin', 'add', '2025-01-01', '370104');
SELECT medaid.close_batch(:r1, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :r1)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:r1);

-- 2026 enrolments, paid in the concentrated period before the year: the
-- subsidy is granted at INSERT from the categories held on enrolled_on
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES
 (:'p01', 2026, '370102', '2025-11-10'),   -- tekun: the full contribution
 (:'p02', 2026, '370102', '2025-11-10'),   -- dibao in Jinan: the city's 250
 (:'p03', 2026, '370211', '2025-11-10'),   -- dibao in Qingdao: the province's 200
 (:'p04', 2026, '370102', '2025-11-10'),   -- dibao_edge 150 and jiance 100: the higher
 (:'p05', 2026, '370103', '2025-11-10'),   -- dibao_edge 150 and jiance 300 (county rule): jiance
 (:'p06', 2026, '370102', '2025-11-10'),   -- zhongbing: no rule, nothing
 (:'p09', 2026, '320102', '2025-11-10'),   -- dibao, enrolled in Jiangsu: nothing configured there
 (:'p10', 2026, '370102', '2025-11-10'),
 (:'p12', 2026, '370102', '2025-11-10'),   -- not (yet) a recipient: ordinary
 (:'p11', 2026, '370102', '2026-02-01'),
 (:'p17', 2026, '370102', '2025-11-10'),
 (:'p18', 2026, '370105', '2025-11-10'),
 (:'p19', 2026, '370102', '2025-11-10'),
 (:'p20', 2026, '370102', '2025-11-10'),
 (:'p21', 2026, '370102', '2025-11-10'),   -- ordinary, never on a roster
 (:'p22', 2026, '370104', '2025-11-10');
INSERT INTO enrollment (id_number, year, region, enrolled_on, scheme) VALUES
 (:'p08', 2026, '370102', '2025-11-10', 'employee');   -- tekun in the employee scheme
-- a second enrolment of the year gets no second subsidy, also within one statement
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2026, '370103', '2025-12-01');
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES
 (:'p03', 2027, '370211', '2026-11-01'), (:'p03', 2027, '370212', '2026-11-02');
-- a subsidy the insurance system supplies is kept as given
INSERT INTO enrollment (id_number, year, region, enrolled_on, subsidy_category, subsidy_amount, subsidy_status)
VALUES (:'p23', 2026, '370102', '2025-11-10', '低保对象', 123.45, 'supplied');
-- zhongbing is subsidised where a rule grants it
INSERT INTO subsidy_rule (region_prefix, year, category, amount) VALUES ('37', 2026, 'zhongbing', 100);
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p07', 2026, '370102', '2025-11-10');
SELECT id_number, year, region, enrolled_on, scheme, subsidy_category, subsidy_amount, contribution, subsidy_status
FROM enrollment ORDER BY id_number, year, enrolled_on;
-- a preview without enrolling
SELECT * FROM enrollment_subsidy(:'p05', 2026, '370102', '2025-11-10');
SELECT * FROM enrollment_subsidy(:'p05', 2026, '370102', '2025-11-10', 'employee');

-- missing configuration is an error naming category, region and year,
-- never a silent 0; a statement with one such row inserts nothing
BEGIN;
INSERT INTO resident_contribution (region_prefix, year, amount) VALUES ('37', 2028, 420.00);
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES
 (:'p01', 2028, '370102', '2027-11-10'), (:'p22', 2028, '370104', '2027-11-10');
ROLLBACK;
BEGIN;
INSERT INTO resident_contribution (region_prefix, year, amount) VALUES ('37', 2028, 420.00);
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2028, '370102', '2027-11-10');
-- a year whose contribution is missing: an error for a recipient only
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p21', 2029, '370102', '2028-11-10');
SELECT id_number, year, subsidy_category, subsidy_amount, contribution, subsidy_status
FROM enrollment WHERE year >= 2028 ORDER BY year;
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2029, '370102', '2028-11-10');
ROLLBACK;
SELECT count(*) AS rows_after_2027 FROM enrollment WHERE year > 2027;
-- bad enrolments
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2026, '370102', '2024-12-31');
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2026, '370102', '2027-01-01');
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2026, '3701', '2025-11-10');
INSERT INTO enrollment (id_number, year, region, enrolled_on, scheme) VALUES (:'p01', 2026, '370102', '2025-11-10', 'commercial');
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p01', 2026, NULL, '2025-11-10');
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (NULL, 2026, '370102', '2025-11-10');
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES ('370102194101010031', 2026, '370102', '2025-11-10');
INSERT INTO enrollment (id_number, year, region, enrolled_on, subsidy_amount) VALUES (:'p21', 2026, '370102', '2025-11-10', 380);
INSERT INTO enrollment (id_number, year, region, enrolled_on, subsidy_category, subsidy_amount, subsidy_status)
VALUES (:'p21', 2026, '370102', '2025-11-10', 'ordinary', 1.001, 'supplied');
INSERT INTO enrollment (id_number, year, region, enrolled_on, subsidy_category, subsidy_amount, subsidy_status)
VALUES (:'p21', 2026, '370102', '2025-11-10', 'xx', 100, 'supplied');

-- the annual lock (33号 §二): a grant never changes
UPDATE enrollment SET subsidy_amount = 380.00 WHERE id_number = :'p02';
UPDATE enrollment SET region = '370103' WHERE id_number = :'p02';
SELECT subsidy_category, subsidy_amount FROM enrollment WHERE id_number = :'p02';
-- a wrong load is deleted and loaded again
DELETE FROM enrollment WHERE id_number = :'p01' AND region = '370103';
SELECT count(*) AS p01_rows FROM enrollment WHERE id_number = :'p01';

-- 2026 on the rosters: changes, exits, late and new records, a move
SELECT open_batch('civil_affairs', '2026-06-01', 'delta') AS c2 \gset
INSERT INTO roster_staging VALUES
 (:c2,  1, '甲二', :'p02', 'tekun', 'change', '2026-06-01', '370102'),     -- dibao -> tekun mid-year
 (:c2,  2, '乙三', :'p13', 'dibao', 'exit', '2026-03-01', '370102'),       -- ended during 2026
 (:c2,  3, '乙四', :'p14', 'dibao', 'exit', '2026-01-01', '370102'),       -- ended on 1 January: not in 2026
 (:c2,  4, '丙十', :'p20', 'dibao', 'exit', '2026-01-01', '370102'),
 (:c2,  5, '乙九', :'p19', 'zhongbing', 'add', '2026-02-01', '370211'),    -- moved to Qingdao
 (:c2,  6, '乙一', :'p11', 'tekun', 'add', '2025-12-01', '370102'),        -- late: before the enrolment
 (:c2,  7, '乙六', :'p16', 'dibao', 'add', '2026-05-01', '370102'),        -- added and ended the same day
 (:c2,  8, '乙六', :'p16', 'dibao', 'exit', '2026-05-01', '370102'),
 (:c2,  9, '乙七', :'p17', 'tekun', 'add', '2026-02-01', '370102'),        -- tekun for February only
 (:c2, 10, '乙七', :'p17', 'tekun', 'exit', '2026-03-01', '370102');
SELECT medaid.close_batch(:c2, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c2)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:c2);
SELECT open_batch('rural', '2026-12-01', 'delta') AS r2 \gset
INSERT INTO roster_staging VALUES
 (:r2, 1, '乙二', :'p12', 'jiance', 'add', '2026-04-01', '370102'),        -- identified after enrolling
 (:r2, 2, '乙五', :'p15', 'jiance', 'add', '2026-12-31', '370102');        -- the year's last day
SELECT medaid.close_batch(:r2, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :r2)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:r2);
-- a region's own order: jiance before dibao in 370105 for 2026
INSERT INTO category_favourability VALUES ('370105', 2026, 'jiance', 1), ('370105', 2026, 'dibao', 2);

-- the grants made in 2025 stand; the register now answers otherwise
SELECT e.id_number, e.subsidy_category, e.subsidy_amount, s.subsidy_category AS now_category, s.subsidy_amount AS now_amount
FROM enrollment e, enrollment_subsidy(e.id_number, e.year, e.region, e.enrolled_on, e.scheme) s
WHERE e.year = 2026 AND e.id_number IN (:'p02', :'p11', :'p12', :'p20')
ORDER BY e.id_number;

-- 2027: the new category applies from the next year's enrolment (p02);
-- p10 enrolled for 2027 in October 2026 as dibao, became tekun in December:
-- the grant made on enrolled_on stands
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES
 (:'p02', 2027, '370102', '2026-11-15'), (:'p10', 2027, '370102', '2026-10-20');
SELECT open_batch('civil_affairs', '2026-12-01', 'delta') AS c3 \gset
INSERT INTO roster_staging VALUES (:c3, 1, '乙十', :'p10', 'tekun', 'change', '2026-12-01', '370102');
SELECT medaid.close_batch(:c3, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c3)) \g /dev/null
SELECT applied FROM reconcile(:c3);
SELECT id_number, year, subsidy_category, subsidy_amount, contribution, subsidy_status
FROM enrollment WHERE id_number IN (:'p02', :'p10') ORDER BY id_number, year;
-- COPY is the loaders' way in: the same grant for every row
COPY enrollment (id_number, year, region, enrolled_on, scheme) FROM stdin WITH (FORMAT csv);
370102194401010091,2027,370102,2026-11-20,resident
37010219450101011X,2027,370103,2026-11-20,employee
\.
SELECT id_number, subsidy_category, subsidy_amount, subsidy_status FROM enrollment
WHERE year = 2027 AND id_number IN (:'p04', :'p05') ORDER BY id_number;

-- the participation ledger (参保台账)
SELECT year, id_number, region, category, categories, held_at_year_end, enrolled, enrollments,
	   enrollment_region, enrolled_on, subsidy_category, subsidy_amount, enrolled_elsewhere
FROM participation_ledger WHERE year = 2026 ORDER BY id_number;
-- who is a recipient of which year: a period counts in every year it has a day in
SELECT id_number, array_agg(year ORDER BY year) AS years, array_agg(category ORDER BY year) AS categories
FROM participation_ledger WHERE year BETWEEN 2025 AND 2027
  AND id_number IN (:'p02', :'p13', :'p14', :'p15', :'p16', :'p17', :'p18', :'p20', :'p21')
GROUP BY id_number ORDER BY id_number;
SELECT count(*) AS p16_rows FROM participation_ledger WHERE id_number = :'p16';
SELECT * FROM suspected_uninsured WHERE year = 2026 ORDER BY id_number;

-- rates on counties of their own: exactly 99 % meets the target, less does not
SELECT open_batch('civil_affairs', '2026-01-01', 'delta') AS c4 \gset
INSERT INTO roster_staging
SELECT :'c4', row_number() OVER (ORDER BY county, n), '丁' || n,
	   (SELECT body || c FROM unnest('{0,1,2,3,4,5,6,7,8,9,X}'::text[]) c WHERE cnid_is_valid(body || c)),
	   'dibao', 'add', '2026-01-05', county
FROM (SELECT county, n, county || to_char(date '1980-01-01' + n, 'YYYYMMDD') || '002' AS body
	  FROM (VALUES ('371302', 100), ('371303', 99), ('371304', 1)) v(county, people),
		   generate_series(1, people) n) s;
SELECT medaid.close_batch(:c4, (SELECT count(*) FROM medaid.roster_staging WHERE batch_id = :c4)) \g /dev/null
SELECT applied, anomalies FROM reconcile(:c4);
INSERT INTO enrollment (id_number, year, region, enrolled_on)
SELECT id_number, 2026, region, '2026-02-01'
FROM (SELECT id_number, region, row_number() OVER (PARTITION BY region ORDER BY id_number) AS n
	  FROM person WHERE region LIKE '3713%') s
WHERE n <= CASE region WHEN '371302' THEN 99 WHEN '371303' THEN 98 ELSE 1 END;
INSERT INTO region (code, name, level, parent_code) VALUES
	('370000', '山东省', 'province', NULL), ('371300', '临沂市', 'city', '370000'), ('371302', '兰山区', 'county', '371300');
SELECT year, region, recipients, enrolled, rate, meets_target, level, uninsured, region_name
FROM participation_rate WHERE year IN (2025, 2026) ORDER BY year, length(region), region;

-- the ledger, suspected list and rates against docs/rules.md §7 taken literally:
-- every day of every year, category_rank for the region's order
CREATE TEMP TABLE reference AS
WITH held AS (
	SELECT DISTINCT date_part('year', d)::integer AS year, p.id_number, p.category
	FROM category_period p
	JOIN generate_series(date '2025-01-01', date '2027-12-31', interval '1 day') d
	  ON p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)
)
SELECT h.year, h.id_number, pe.region,
	   (array_agg(h.category ORDER BY category_rank(h.category, pe.region, make_date(h.year, 1, 1)), h.category))[1]::text AS category,
	   EXISTS (SELECT FROM enrollment e WHERE e.id_number = h.id_number AND e.year = h.year) AS enrolled
FROM held h JOIN person pe ON pe.id_number = h.id_number
GROUP BY h.year, h.id_number, pe.region;
SELECT year, count(*) AS recipients, count(*) FILTER (WHERE NOT enrolled) AS suspected FROM reference GROUP BY year ORDER BY year;
SELECT count(*) AS ledger_differences FROM (
	(SELECT * FROM reference
	 EXCEPT SELECT year, id_number, region, category, enrolled FROM participation_ledger WHERE year BETWEEN 2025 AND 2027)
	UNION ALL
	(SELECT year, id_number, region, category, enrolled FROM participation_ledger WHERE year BETWEEN 2025 AND 2027
	 EXCEPT SELECT * FROM reference)) x;
SELECT count(*) AS suspected_differences FROM (
	(SELECT year, id_number, region, category FROM reference WHERE NOT enrolled
	 EXCEPT SELECT year, id_number, region, category FROM suspected_uninsured WHERE year BETWEEN 2025 AND 2027)
	UNION ALL
	(SELECT year, id_number, region, category FROM suspected_uninsured WHERE year BETWEEN 2025 AND 2027
	 EXCEPT SELECT year, id_number, region, category FROM reference WHERE NOT enrolled)) x;
SELECT count(*) AS rate_differences FROM (
	(SELECT r.year, v.code, count(*)::bigint, count(*) FILTER (WHERE r.enrolled)::bigint,
			count(*) FILTER (WHERE r.enrolled)::numeric / count(*) >= 0.99
	 FROM reference r, LATERAL (VALUES (r.region), (left(r.region, 4)), (left(r.region, 2))) v(code)
	 GROUP BY r.year, v.code
	 EXCEPT SELECT year, region, recipients, enrolled, meets_target FROM participation_rate WHERE year BETWEEN 2025 AND 2027)
	UNION ALL
	(SELECT year, region, recipients, enrolled, meets_target FROM participation_rate WHERE year BETWEEN 2025 AND 2027
	 EXCEPT
	 SELECT r.year, v.code, count(*)::bigint, count(*) FILTER (WHERE r.enrolled)::bigint,
			count(*) FILTER (WHERE r.enrolled)::numeric / count(*) >= 0.99
	 FROM reference r, LATERAL (VALUES (r.region), (left(r.region, 4)), (left(r.region, 2))) v(code)
	 GROUP BY r.year, v.code)) x;

-- subsidy funds by the granting region, year and category
SELECT * FROM subsidy_funds WHERE level <> 'county' ORDER BY year, level DESC, region, category;

-- a loader that is not a superuser enrols; it cannot load grants of its own
-- (medaid_etl has no UPDATE on enrollment; granted here to reach the lock)
CREATE ROLE regress_medaid_enroller IN ROLE medaid_etl;
GRANT UPDATE ON enrollment TO regress_medaid_enroller;
SET ROLE regress_medaid_enroller;
INSERT INTO enrollment (id_number, year, region, enrolled_on) VALUES (:'p24', 2026, '370102', '2025-11-10');
INSERT INTO enrollment (id_number, year, region, enrolled_on, subsidy_category, subsidy_amount, subsidy_status)
VALUES (:'p24', 2027, '370102', '2026-11-10', 'tekun', 400.00, 'granted');
UPDATE enrollment SET enrolled_on = '2025-11-11' WHERE id_number = :'p24';
RESET ROLE;
SELECT year, subsidy_category, subsidy_amount, subsidy_status FROM enrollment WHERE id_number = :'p24';
DROP OWNED BY regress_medaid_enroller;
DROP ROLE regress_medaid_enroller;

-- everything works with medaid off the search path
SET search_path = public;
SELECT * FROM medaid.enrollment_subsidy('370102194101010030', 2027, '370102', '2026-11-10');
INSERT INTO medaid.enrollment (id_number, year, region, enrolled_on) VALUES ('370102194101010030', 2027, '370102', '2026-11-10');
UPDATE medaid.enrollment SET subsidy_amount = 0 WHERE year = 2027 AND enrolled_on = '2026-11-10';
SELECT count(*) FROM medaid.participation_ledger WHERE year = 2026;
SELECT count(*) FROM medaid.suspected_uninsured WHERE year = 2026;
SELECT region, rate, meets_target FROM medaid.participation_rate WHERE year = 2026 AND level = 'province';
SELECT sum(amount) FROM medaid.subsidy_funds WHERE year = 2027 AND level = 'province';

-- leave an empty extension to the tests that follow
RESET search_path;
SET client_min_messages = warning;
DROP EXTENSION medaid CASCADE;
CREATE EXTENSION medaid;
RESET client_min_messages;
