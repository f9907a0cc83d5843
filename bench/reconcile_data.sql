-- bench/reconcile_data.sql: the people and the two civil-affairs snapshot
-- files of one run, set-based.  Needs reconcile_setup.sql.
-- psql variables: rows (a multiple of 200), seed.
--
-- People i = 0 .. rows-1 are on the January snapshot (one row each, so the
-- register ends up with rows people and rows open periods); the February
-- snapshot has again rows rows:
--   kind          share  February row                          outcome
--   unchanged     96.5%  the same category                     duplicate (unchanged)
--   cosmetic       1.0%  the same, ID padded with spaces and   duplicate (unchanged)
--                        name with a full-width space inside
--   omitted        1.0%  none                                  exit (by omission)
--   changed        1.0%  another category (dibao -> dibao_edge, applied (add) + exit of
--                        dibao_edge/tekun/zhongbing -> dibao)  the old category
--   bad_check      0.25% wrong check character                 anomaly (id_check_character)
--   missing_name   0.125% name NULL or blank                   anomaly (missing_name)
--   name_mismatch  0.125% a different name                     anomaly (name_mismatch)
--   new            1.0%  people i = rows .. rows*1.01-1        applied (add)
-- A person whose only row is an anomaly with a valid ID keeps their
-- category (no exit); a row whose ID is invalid (bad_check) names nobody, so
-- that person counts as omitted and exits.
-- Categories: 82% dibao, 9% dibao_edge, 5% tekun, 4% zhongbing, written as
-- the slug on 70% of rows and as the Chinese name on 30%.  Changed and new
-- rows carry an event_date in February on half of them (else empty =
-- month start).  Each file is sorted by region, then ID number, as a
-- department's export might be; row_no is the line number.
--
-- IDs: 32 Shandong counties, births 1940-01-01 + (i mod 29000) days, sequence
-- number 7 * (i div 29000) + 11 mod 1000: distinct for rows up to 29 million.

SELECT setseed(:seed) \g /dev/null

INSERT INTO medaid_bench.people (i, body, id, name, region, cat_jan, cat_feb, feb_date, kind)
SELECT i, body, medaid_bench.id18(body), name, region::text,
	   CASE WHEN kind <> 'new' THEN cat END,
	   CASE WHEN kind = 'omitted' THEN NULL
			WHEN kind = 'changed' THEN CASE cat WHEN 'dibao' THEN 'dibao_edge' ELSE 'dibao' END
			ELSE cat END,
	   CASE WHEN kind IN ('changed', 'new') AND (i / 100 + i) % 2 = 0 THEN date '2026-02-01' + (i / 2 % 28)::int END,
	   kind
FROM (
	SELECT i, region * 100000000000
			  + to_char(date '1940-01-01' + (i % 29000)::int, 'YYYYMMDD')::bigint * 1000
			  + (7 * (i / 29000) + 11) % 1000 AS body,
		   region,
		   sn[1 + floor(r1 * cardinality(sn))::int] || gn[1 + floor(r2 * cardinality(gn))::int]
			 || CASE WHEN r3 < 0.7 THEN gn[1 + floor(r4 * cardinality(gn))::int] ELSE '' END AS name,
		   CASE WHEN r5 < 0.82 THEN 'dibao' WHEN r5 < 0.91 THEN 'dibao_edge'
				WHEN r5 < 0.96 THEN 'tekun' ELSE 'zhongbing' END AS cat,
		   CASE WHEN i >= :rows THEN 'new'
				WHEN i % 100 = 0 THEN 'omitted'
				WHEN i % 100 = 1 THEN 'changed'
				WHEN i % 100 = 50 THEN 'cosmetic'
				WHEN i % 200 = 2 THEN (ARRAY['bad_check', 'bad_check', 'missing_name', 'name_mismatch'])[1 + (i / 200 % 4)::int]
				ELSE 'unchanged' END AS kind
	FROM (
		SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
			   counties[1 + floor(random() * cardinality(counties))::int] AS region
		FROM generate_series(0, :rows + :rows / 100 - 1) AS i,
			(SELECT '{370102,370103,370104,370105,370112,370181,370202,370203,370211,
					  370212,370281,370302,370303,370402,370502,370602,370613,370702,
					  370705,370781,370802,370811,370902,371002,371082,371102,371302,
					  371311,371402,371502,371602,371702}'::bigint[] AS counties
			) c
		OFFSET 0
	) a,
	(SELECT '{王,李,张,刘,陈,杨,黄,赵,吴,周,徐,孙,马,朱,胡,郭,何,高,林,罗,
			  郑,梁,谢,宋,唐,许,韩,冯,邓,曹,彭,曾,肖,田,董,袁,潘,于,蒋,蔡,
			  余,杜,叶,程,苏,魏,吕,丁,任,沈,姚,卢,姜,崔,钟,谭,陆,汪,范,金}'::text[] AS sn) s,
	(SELECT '{伟,芳,娜,秀,英,敏,静,丽,强,磊,军,洋,勇,艳,杰,娟,涛,明,超,兰,
			  霞,平,刚,桂,华,建,国,玉,文,红,梅,志,春,海,云,凤,荣,淑,德,福}'::text[] AS gn) g
) p;

VACUUM (ANALYZE) medaid_bench.people;

-- How a category is written: slug or Chinese name.
CREATE FUNCTION medaid_bench.cat_text(c text, i bigint) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN $2 % 10 < 7 THEN $1 ELSE medaid.category_label($1::medaid.category) END
$$;

-- January: everyone but the new people, as registered.
INSERT INTO medaid_bench.snap
SELECT date '2026-01-01', row_number() OVER (ORDER BY region, id)::int,
	   name, id, medaid_bench.cat_text(cat_jan, i), NULL, NULL, region
FROM medaid_bench.people WHERE kind <> 'new';

-- February: as described above.
INSERT INTO medaid_bench.snap
SELECT date '2026-02-01', row_number() OVER (ORDER BY region, id)::int,
	   CASE kind
		WHEN 'cosmetic' THEN left(name, 1) || chr(12288) || substr(name, 2)
		WHEN 'missing_name' THEN CASE WHEN i / 800 % 2 = 0 THEN NULL ELSE ' ' END
		WHEN 'name_mismatch' THEN name || '新'
		ELSE name END,
	   CASE kind
		WHEN 'cosmetic' THEN ' ' || id || ' '
		WHEN 'bad_check' THEN medaid_bench.id18_bad(body, 1 + (i % 10)::int)
		ELSE id END,
	   medaid_bench.cat_text(cat_feb, i + 3), NULL, feb_date, region
FROM medaid_bench.people WHERE kind <> 'omitted';

VACUUM (ANALYZE) medaid_bench.snap;

-- What reconciling February should give.
INSERT INTO medaid_bench.info
SELECT :rows, k, v::text FROM (
	SELECT count(*) FILTER (WHERE kind IN ('changed', 'new')) AS applied,
		   count(*) FILTER (WHERE kind IN ('unchanged', 'cosmetic')) AS duplicates,
		   count(*) FILTER (WHERE kind IN ('bad_check', 'missing_name', 'name_mismatch')) AS anomalies,
		   count(*) FILTER (WHERE kind IN ('omitted', 'changed', 'bad_check')) AS exits,
		   count(*) FILTER (WHERE kind <> 'omitted') AS rows_staged
	FROM medaid_bench.people) e,
	LATERAL (VALUES ('expect_applied', applied), ('expect_duplicates', duplicates),
					('expect_anomalies', anomalies), ('expect_exits', exits),
					('expect_rows_staged', rows_staged)) x(k, v);
