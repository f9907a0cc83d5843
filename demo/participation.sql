-- Participation in 2026 (20号 §一): subsidies granted at enrolment, the
-- participation ledger (参保台账), rates and the suspected uninsured.  Run
-- from demo/main.sql after its steps (the register of 2026 is reconciled),
-- from the repository root.  IDs are shown masked.
\set ON_ERROR_STOP 1
SET search_path = public, medaid;

\echo '== 10. enrolments of 2026 and the participation subsidies granted (参保资助) =='
-- demo figures, not the official standards: load the real ones for real use
INSERT INTO resident_contribution (region_prefix, year, amount, source)
VALUES ('37', 2026, 380.00, 'demo figure');
INSERT INTO subsidy_rule (region_prefix, year, category, amount, source) VALUES
	('37', 2026, 'dibao', 200.00, 'demo figure'),
	('37', 2026, 'fanpin', 200.00, 'demo figure'),
	('37', 2026, 'dibao_edge', 150.00, 'demo figure'),
	('37', 2026, 'jiance', 100.00, 'demo figure'),
	('3701', 2026, 'dibao', 250.00, 'demo figure: Jinan raises its fixed amount');
-- the subsidy of each row is granted as it is inserted, from the categories
-- held on its enrolled_on
\copy enrollment (id_number, year, region, enrolled_on, scheme) FROM 'demo/enrollments_2026.csv' WITH (FORMAT csv, HEADER)
SELECT subsidy_status AS status, subsidy_category AS category, count(*) AS enrolments,
	   sum(subsidy_amount) AS subsidies
FROM enrollment WHERE year = 2026
GROUP BY subsidy_status, subsidy_category
ORDER BY array_position(ARRAY['granted', 'no_rule', 'duplicate', 'employee', 'unconfigured', 'ordinary', 'supplied'], subsidy_status),
		 subsidy_category;

\echo '== 11. participation rates of 2026 (参保率, target 99 %) =='
SELECT region, region_name, recipients, enrolled, round(100 * rate, 2) AS rate_pct,
	   CASE WHEN meets_target THEN 'yes' ELSE 'BELOW 99 %' END AS meets_target
FROM participation_rate WHERE year = 2026 AND level IN ('province', 'city')
ORDER BY length(region), region;
SELECT count(*) AS counties, count(*) FILTER (WHERE NOT meets_target) AS counties_below_99,
	   sum(uninsured) AS suspected_uninsured
FROM participation_rate WHERE year = 2026 AND level = 'county';
-- the counties below target with the most suspected uninsured
SELECT region, region_name, recipients, enrolled, round(100 * rate, 2) AS rate_pct
FROM participation_rate WHERE year = 2026 AND level = 'county' AND NOT meets_target
ORDER BY uninsured DESC, rate, region LIMIT 5;

\echo '== 12. the suspected uninsured of 2026 (疑似未参保), to be checked =='
SELECT count(*) AS suspected_uninsured FROM suspected_uninsured WHERE year = 2026;
SELECT category, category_label(category::category) AS 名称, count(*) AS people
FROM suspected_uninsured WHERE year = 2026
GROUP BY category ORDER BY category::category;
SELECT cnid_mask(id_number) AS id, region, category, categories
FROM suspected_uninsured WHERE year = 2026 ORDER BY region, id_number LIMIT 5;
-- the ledger: who enrolled where, and the annual lock at work
SELECT count(*) AS recipients,
	   count(*) FILTER (WHERE enrolled) AS enrolled,
	   count(*) FILTER (WHERE enrolled_elsewhere) AS enrolled_in_another_county_or_province,
	   count(*) FILTER (WHERE enrolled AND subsidy_category IS NULL) AS enrolled_without_subsidy_this_year
FROM participation_ledger WHERE year = 2026;
SELECT category AS subsidy_category, sum(enrollments) AS enrolments, sum(amount) AS subsidies
FROM subsidy_funds WHERE year = 2026 AND level = 'province'
GROUP BY category ORDER BY category::category;
