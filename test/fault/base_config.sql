-- test/fault/run.sh: the configuration both base databases share
-- (test/fault/base_demo.sql, test/fault/base_gen.sql): the region list, an
-- income low enough that people are warned, the 2026-2027 contributions
-- and subsidy rules.  Included with \ir, run from the repository root.
\copy medaid.region (code, name, level, parent_code, is_gbt2260) FROM 'data/regions/region.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.income_baseline (province, year, per_capita_income, source)
VALUES ('37', 2025, 15000.00, 'test figure, low: many warned');
INSERT INTO medaid.resident_contribution (region_prefix, year, amount, source)
SELECT '37', y, 380.00, 'test figure' FROM generate_series(2026, 2027) y;
INSERT INTO medaid.subsidy_rule (region_prefix, year, category, amount, source)
SELECT r.prefix, y, r.category::medaid.category, r.amount, 'test figure'
FROM generate_series(2026, 2027) y,
	 (VALUES ('37', 'dibao', 200.00), ('37', 'fanpin', 200.00), ('37', 'dibao_edge', 150.00),
			 ('37', 'jiance', 100.00), ('3701', 'dibao', 250.00)) r(prefix, category, amount);
