-- category: slugs and Chinese names, favourability order, best_category
SET search_path = medaid, public;

SELECT c::category AS category, category_label(c::category), category_dept(c::category),
	   category_ordinal(c::category)
FROM unnest(ARRAY['tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing']) c;
SELECT '特困人员'::category, '低保对象'::category, '返贫致贫人口'::category,
	   '低保边缘家庭成员'::category, '防止返贫监测帮扶对象'::category, '因病致贫重病患者'::category;
SELECT category_from_text(' DiBao '), category_from_text(E'\u3000低保对象'), category_from_text('ordinary') IS NULL AS unknown_is_null;
SELECT 'ordinary'::category;
SELECT 'dibao'::category < 'fanpin'::category AS dibao_more_favourable,
	   'zhongbing'::category > 'jiance' AS zhongbing_least;
SELECT array_agg(c ORDER BY c) FROM unnest('{jiance,tekun,zhongbing,dibao_edge,fanpin,dibao}'::category[]) c;

-- best_category: the most favourable, NULLs ignored; with a rank, the lowest rank
SELECT best_category(c) FROM unnest('{jiance,dibao_edge,zhongbing}'::category[]) c;
SELECT best_category(c) FROM unnest(ARRAY[NULL, 'jiance', NULL]::category[]) c;
SELECT best_category(c) IS NULL AS empty_is_null FROM unnest('{}'::category[]) c;
SELECT best_category(c, r) FROM (VALUES ('dibao'::category, 5), ('jiance', 1), ('tekun', 3)) v(c, r);
SELECT best_category(c, r) FROM (VALUES ('dibao'::category, 2), ('jiance', 2)) v(c, r);
SELECT best_category(c, NULL) FROM unnest('{jiance,fanpin}'::category[]) c;

-- the aggregates run in parallel workers and combine
CREATE TABLE cats AS
SELECT (ARRAY['zhongbing','jiance','dibao_edge','fanpin','dibao'])[1 + g % 5]::category AS c, g
FROM generate_series(1, 200000) g;
INSERT INTO cats VALUES ('tekun', 123457);
ANALYZE cats;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT best_category(c) FROM cats;
SELECT best_category(c), best_category(c, CASE WHEN c = 'tekun' THEN 9 ELSE 1 END) FROM cats;
SELECT g % 3 AS k, best_category(c) FROM cats WHERE c <> 'tekun' GROUP BY 1 ORDER BY 1;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE cats;

-- a region's own order for a year: the most specific prefix wins
INSERT INTO category_favourability VALUES
	('37', 2026, 'fanpin', 1), ('37', 2026, 'dibao', 2),
	('370102', 2026, 'jiance', 1);
SELECT region, category_rank('dibao', region, '2026-06-01') AS dibao,
	   category_rank('fanpin', region, '2026-06-01') AS fanpin,
	   category_rank('jiance', region, '2026-06-01') AS jiance,
	   category_rank('tekun', region, '2026-06-01') AS tekun
FROM unnest(ARRAY['370101', '370102', '440101']) region;
SELECT category_rank('dibao', '370101', '2025-06-01') AS other_year_default;
DELETE FROM category_favourability;

-- binary send/recv and the operator classes
SELECT category_send('jiance');
SELECT opc.opcname, amvalidate(opc.oid)
FROM pg_opclass opc WHERE opc.opcnamespace = 'medaid'::regnamespace AND opc.opcname LIKE 'category%'
ORDER BY 1;
