-- bench/province.sql: a synthetic province for the monthly cycle
-- (bench/cycle.sh): people, both departments' rosters for a year (an
-- initial snapshot and twelve monthly delta files each) and a year of
-- settlements, generated month by month on demand.  Set-based: statements
-- over generate_series and whole tables (CREATE TABLE AS, UPDATE ... FROM),
-- nothing row by row (100 000 people: about 6 s on 2 CPUs).
--
-- Needs medaid installed in the database and medaid.region loaded with the
-- bundled county list (scripts/load-regions, or data/regions/region.csv):
-- the counties are its Shandong (37) rows of level county.  Everything it
-- makes lives in schema medaid_gen (dropped and made again), plus the ID
-- helpers of bench/id_helpers.sql in schema medaid_bench (made if missing).
--
--   psql -v people=40000 -v settlements=400000 -v seed=1 -f bench/province.sql
--
-- psql variables (all optional):
--   people       1000000   people in the province
--   settlements  20000000  original settlements a year: settlements/12 a
--                          month, plus that month's reversals
--   seed         1         an integer; the same seed and sizes give the same
--                          province, byte for byte
--   year         2026      the year simulated, months 1-12; month 0 is
--                          December of year - 1: the departments' initial
--                          snapshots and that month's settlements (the
--                          past that January's reversals and late rows
--                          refer to)
--   csv_month    (unset)   also write that month's three files (0..12)
--                          into csv_dir
--   csv_dir      .         where (relative to psql's working directory; no spaces)
--   csv_only     (unset)   set: skip generating (medaid_gen must exist
--                          from an earlier run) and only write the files
--
-- The files, in the formats of demo/: settlements_YYYY-MM.csv with the nine
-- columns `COPY medaid.settlement FROM` takes (header, the month's originals
-- and reversals), and roster_civil_affairs_YYYY-MM.csv and
-- roster_rural_YYYY-MM.csv (row_no,name,id_number,category,event,event_date,
-- region: a department's file before it has a batch id).  E.g. March from
-- an existing medaid_gen:
--
--   psql -v csv_only=1 -v csv_month=3 -v csv_dir=/tmp -f bench/province.sql
--
-- and the same by hand, for one file:
--
--   COPY (SELECT * FROM medaid_gen.settlements(3)) TO STDOUT WITH (FORMAT csv, HEADER) \g /tmp/s.csv
--
-- What is generated
-- -----------------
-- medaid_gen.county: the Shandong counties of medaid.region (development
--   zones included), each with a log-normal weight (sigma 0.8; zones a
--   third): the biggest county is over ten times the median one.
-- medaid_gen.people: people p = 0 .. people-1, each living in a county drawn
--   by weight.  Ages 0-95 (85 % under 65).  ID numbers valid and unique:
--   the address code is the county's (a zone's residents carry the first
--   GB/T code of their city) for 88 %, another Shandong county for 11 %
--   and another province's county for 1 % (registered elsewhere); the
--   sequence number makes (address, birth date) unique, its parity is the
--   sex.  Chinese names (surnames by frequency, given names by sex, 0.05 %
--   minority names with a middle dot).  The insured place (参保地) is the
--   county for 95 %, another county (by weight) for 5 %: always in
--   Shandong, so the one income row of province 37 gives every threshold.
--   Categories on December's last day, ~15 % of people:
--     civil_affairs 11.0 %: dibao 5.0, dibao_edge 3.5, zhongbing 1.3, tekun 1.2
--     rural          5.0 %: jiance 4.2, fanpin 0.8 (a fifth of them also
--                    on the civil roster, so ~15 % are recipients)
--   and the people each department adds during the year: 1 % of its
--   initial roster a month, drawn from the others.  A sickness score
--   (log-normal, higher with age and for zhongbing, tekun and other
--   recipients) puts each person in one of six classes; a person of class
--   c settles 3^(c-1) times as often as one of class 1 (class shares
--   35/30/20/10/4/1 %): a class-6 person has some twenty times the
--   average number of settlements, a class-1 person a tenth of it.
-- medaid_gen.spell: each person's time on a department's roster in the
--   year: the category from month from_m (0: the initial snapshot, with
--   the approval date since 2014), at most one change to another category
--   of the department (0.3 % a month), an exit (0.7 % a month).
-- medaid_gen.roster: the raw rows of both departments' files: month 0 a
--   snapshot of everyone on the roster, months 1-12 the adds, changes and
--   exits dated in the month (from February 3 % of them dated in the
--   month before: late records).  Messy as sent: ID numbers as 15-digit
--   legacy numbers (3 % of the rows of people born before 2000), full-width
--   digits (1 %), with spaces or hyphens (2 %), a lowercase x (30 % of the
--   rows whose check character is X), a wrong check character (0.3 %,
--   anomaly id_check_character); names missing (0.1 %, anomaly
--   missing_name), with spaces inside or after (1.5 %), minority names'
--   dots in other forms; the category as slug (70 %) or Chinese name; the
--   event as 'add' or 'ADD' or ' Add '.  A row whose ID is refused names
--   nobody, so later rows of that person can be anomalies too
--   (exit_never_held), as in life.  Rows sorted by county, then ID.
-- medaid_gen.settlements(k): month k's file (0: December of the year
--   before), computed on demand (not stored; medaid_gen.originals(k, false)
--   is its originals): per_month originals JS<yyyymm><g> for people drawn
--   by class, dated in the month (from month 1, 0.5 % dated in the month
--   before: late), insured place the person's; costs log-normal: 97 %
--   outpatient (median 150 yuan, capped at 20 000), 3 % inpatient (median
--   9 000), and 2 % of inpatient stays very large (up to 3 000 000).  The
--   fund pays 50-70 % of outpatient and 55-75 % of inpatient costs,
--   critical-illness insurance 60 % of what the fund leaves above 15 000;
--   assistance a share of the rest for recipients (by their initial
--   category).  fund_paid + critical_paid <= total on every original.  Then
--   the reversals CX<yyyymm><g> of 1 % of month k-1's originals (from month
--   1): the same person and place, every amount negated, dated in month k
--   (on or after the original).  About 13 microseconds a row (a month of
--   168 000 rows: 2.1 s on 2 CPUs, with jit off).
-- medaid_gen.month_settlement: empty; bench/cycle.sh stages each month's
--   rows in it before timing their load.

\set ON_ERROR_STOP on
\if :{?people}
\else
\set people 1000000
\endif
\if :{?settlements}
\else
\set settlements 20000000
\endif
\if :{?seed}
\else
\set seed 1
\endif
\if :{?year}
\else
\set year 2026
\endif
\if :{?csv_dir}
\else
\set csv_dir .
\endif

-- JIT would cost more than it saves on these one-off statements
SET jit = off;

\if :{?csv_only}
\else

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS medaid_gen CASCADE;
CREATE SCHEMA medaid_gen;
CREATE SCHEMA IF NOT EXISTS medaid_bench;
SELECT to_regprocedure('medaid_bench.id18(bigint)') IS NULL AS need_id_helpers \gset
\if :need_id_helpers
\ir id_helpers.sql
\endif

CREATE TABLE medaid_gen.config AS
SELECT :people::bigint AS people, :settlements::bigint AS settlements,
	   (:settlements / 12)::bigint AS per_month, :seed::bigint AS seed, :year::int AS year;
ANALYZE medaid_gen.config;
SELECT people >= 1000 AND per_month >= 100 AND year BETWEEN 2001 AND 2099 AS sizes_ok FROM medaid_gen.config \gset
\if :sizes_ok
\else
\warn 'province.sql: needs people >= 1000, settlements >= 1200 and a year in 2001..2099'
SELECT 1/0 AS province_sizes;
\endif

-- A uniform number in [0, 1) from a key and a salt (53 bits of a 64-bit
-- hash), and a standard normal one (Box-Muller).  Salts are seed * 100 + n.
CREATE FUNCTION medaid_gen.u(x bigint, salt bigint) RETURNS float8
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (hashint8extended($1, $2) & 9007199254740991)::float8 / 9007199254740992
$$;
CREATE FUNCTION medaid_gen.z(x bigint, salt bigint) RETURNS float8
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT sqrt(-2 * ln(1 - medaid_gen.u($1, $2))) * cos(2 * pi() * medaid_gen.u($1, $2 + 50))
$$;

-- The counties and their weights
CREATE TABLE medaid_gen.county AS
SELECT row_number() OVER (ORDER BY code)::int AS idx, code, parent_code AS city, is_gbt2260,
	   exp(0.8 * medaid_gen.z(code::bigint, :seed * 100 + 1)) * CASE WHEN is_gbt2260 THEN 1 ELSE 1.0 / 3 END AS weight
FROM medaid.region WHERE level = 'county' AND code LIKE '37%' AND code ~ '^[0-9]{6}$';
SELECT count(*) >= 10 AS counties_ok FROM medaid_gen.county \gset
\if :counties_ok
\else
\warn 'province.sql: medaid.region has no Shandong counties; load data/regions/region.csv first (scripts/load-regions)'
SELECT 1/0 AS province_counties;
\endif
ALTER TABLE medaid_gen.county ADD PRIMARY KEY (idx),
	ADD COLUMN cum_lo float8, ADD COLUMN id_code text, ADD COLUMN gbt_idx int;
UPDATE medaid_gen.county c SET cum_lo = x.cum_lo
FROM (SELECT idx, (sum(weight) OVER (ORDER BY idx) - weight) / sum(weight) OVER () AS cum_lo FROM medaid_gen.county) x
WHERE x.idx = c.idx;
-- the address code of residents' ID numbers: the county's, or for a zone the
-- first GB/T county of its city (else of the province)
UPDATE medaid_gen.county c
SET id_code = CASE WHEN c.is_gbt2260 THEN c.code
				   ELSE coalesce((SELECT min(g.code) FROM medaid_gen.county g WHERE g.city = c.city AND g.is_gbt2260),
								 (SELECT min(g.code) FROM medaid_gen.county g WHERE g.is_gbt2260)) END;
-- GB/T counties numbered 1..n (registered in another Shandong county)
UPDATE medaid_gen.county c SET gbt_idx = x.n
FROM (SELECT idx, row_number() OVER (ORDER BY code)::int AS n FROM medaid_gen.county WHERE is_gbt2260) x
WHERE x.idx = c.idx;
-- counties of other provinces (registered elsewhere, 1 %)
CREATE TABLE medaid_gen.elsewhere AS
SELECT row_number() OVER (ORDER BY code)::int AS n, code
FROM medaid.region WHERE level = 'county' AND is_gbt2260 AND code !~ '^(37|71|81|82)' AND code ~ '^[0-9]{6}$';
INSERT INTO medaid_gen.elsewhere SELECT 1, '410102' WHERE NOT EXISTS (SELECT FROM medaid_gen.elsewhere);

-- Name parts: surnames by frequency (the first ones most common), given
-- names by sex, some minority names with a middle dot
CREATE TABLE medaid_gen.names AS
SELECT '{王,李,张,刘,陈,杨,赵,黄,周,吴,徐,孙,胡,朱,高,林,何,郭,马,罗,
		 梁,宋,郑,谢,韩,唐,冯,于,董,萧,程,曹,袁,邓,许,傅,沈,曾,彭,吕,
		 苏,卢,蒋,蔡,贾,丁,魏,薛,叶,阎,余,潘,杜,戴,夏,钟,汪,田,任,姜,
		 范,方,石,姚,谭,廖,邹,熊,金,陆,郝,孔,白,崔,康,毛,邱,秦,江,史,
		 顾,侯,邵,孟,龙,万,段,雷,钱,汤,尹,黎,易,常,武,乔,贺,赖,龚,文,
		 颜,牛,鲁,綦,逄,宫,隋,栾,毕,房}'::text[] AS sn,
	   '{伟,强,磊,军,洋,勇,杰,涛,明,超,刚,平,辉,建,国,志,海,东,波,斌,
		 鹏,飞,华,庆,峰,林,亮,成,宁,兵,德,福,文,斌,俊,民,祥,利,瑞,昌,
		 春,学,振,立,新,胜,宏,青,广,兴}'::text[] AS gm,
	   '{芳,娜,秀,英,敏,静,丽,艳,娟,霞,兰,桂,玉,红,梅,琳,燕,萍,莉,洁,
		 慧,云,凤,荣,淑,珍,婷,雪,琴,颖,倩,丹,晶,玲,佳,欣,悦,爱,月,翠}'::text[] AS gf,
	   '{阿不都·热合曼,买买提·吐尔逊,古丽娜尔·艾力,热依拉·买买提,艾尔肯·阿不力孜,
		 努尔兰·哈力木,迪丽拜尔·吾斯曼,玉素甫·艾山}'::text[] AS mn;

-- People, with the categories held on December's last day (or the month a
-- department adds them).  u(p, salt) numbers each person's draws.
CREATE TABLE medaid_gen.people AS
WITH ca AS (SELECT array_agg(cum_lo ORDER BY idx) AS cum FROM medaid_gen.county),
nb AS (SELECT count(*) FILTER (WHERE is_gbt2260)::int AS gbt FROM medaid_gen.county),
ne AS (SELECT count(*)::int AS n FROM medaid_gen.elsewhere),
base AS (
	SELECT p, width_bucket(medaid_gen.u(p, :seed * 100 + 2), ca.cum) AS home,
		   width_bucket(medaid_gen.u(p, :seed * 100 + 3), ca.cum) AS other,
		   medaid_gen.u(p, :seed * 100 + 4) AS u_reg,
		   medaid_gen.u(p, :seed * 100 + 5) AS u_age,
		   medaid_gen.u(p, :seed * 100 + 6) AS u_day,
		   medaid_gen.u(p, :seed * 100 + 7) AS u_ins,
		   medaid_gen.u(p, :seed * 100 + 8) AS u_civ,
		   medaid_gen.u(p, :seed * 100 + 9) AS u_rur,
		   medaid_gen.u(p, :seed * 100 + 10) AS u_cat,
		   medaid_gen.u(p, :seed * 100 + 11) AS u_radd,
		   medaid_gen.z(p, :seed * 100 + 12) AS z_sick,
		   nb.gbt, ne.n AS n_else
	FROM generate_series(0, :people - 1) p, ca, nb, ne
), placed AS (
	SELECT b.*, h.code AS county, h.id_code AS home_id_code,
		   CASE WHEN b.u_ins < 0.95 THEN h.code ELSE o.code END AS ins_region,
		   CASE WHEN b.u_reg < 0.88 THEN h.id_code
				WHEN b.u_reg < 0.99 THEN (SELECT g.code FROM medaid_gen.county g
										  WHERE g.gbt_idx = 1 + floor((b.u_reg - 0.88) / 0.11 * b.gbt)::int)
				ELSE (SELECT e.code FROM medaid_gen.elsewhere e
					  WHERE e.n = 1 + floor((b.u_reg - 0.99) / 0.01 * b.n_else)::int) END AS id_region,
		   -- age: 85 % evenly under 65, the rest 65-95, thinning out
		   CASE WHEN b.u_age < 0.85 THEN 65 * b.u_age / 0.85
				ELSE 65 + 30 * power((b.u_age - 0.85) / 0.15, 1.5) END AS age
	FROM base b
	JOIN medaid_gen.county h ON h.idx = b.home
	JOIN medaid_gen.county o ON o.idx = b.other
), dated AS (
	SELECT x.*, (make_date(:year - 1, 11, 30) - floor(x.age * 365.25 + x.u_day * 365)::int) AS birth,
		   -- civil affairs: initial (11 %) or added in month 1..12 (1 % of the
		   -- initial roster a month, from the others)
		   CASE WHEN x.u_civ < 0.110 THEN 0
				WHEN x.u_civ < 0.110 + 12 * 0.0011 THEN 1 + floor((x.u_civ - 0.110) / 0.0011)::int END AS civ_from,
		   CASE WHEN x.u_civ < 0.110 THEN x.u_civ / 0.110
				WHEN x.u_civ < 0.110 + 12 * 0.0011 THEN x.u_cat END AS u_civcat
	FROM placed x
), cat AS (
	SELECT d.*,
		   CASE WHEN d.civ_from IS NULL THEN NULL
				WHEN d.u_civcat < 1.2 / 11 THEN 'tekun'
				WHEN d.u_civcat < 6.2 / 11 THEN 'dibao'
				WHEN d.u_civcat < 9.7 / 11 THEN 'dibao_edge'
				ELSE 'zhongbing' END AS civ_cat,
		   -- rural: initial 5 % in all, a fifth of them on the civil roster
		   -- too; added: 1 % of the initial roster a month
		   CASE WHEN d.u_rur < CASE WHEN d.civ_from = 0 THEN 0.0909 ELSE 0.045 END THEN 0
				WHEN d.u_radd < 12 * 0.0005 THEN 1 + floor(d.u_radd / 0.0005)::int END AS rur_from
	FROM dated d
), withrur AS (
	SELECT c.*,
		   CASE WHEN c.rur_from IS NULL THEN NULL
				WHEN medaid_gen.u(c.p, :seed * 100 + 13) < 0.84 THEN 'jiance' ELSE 'fanpin' END AS rur_cat
	FROM cat c
)
SELECT w.p, w.county, w.ins_region, w.id_region, w.birth, w.civ_from, w.civ_cat, w.rur_from, w.rur_cat,
	   -- the sickness score, in log units
	   1.1 * w.z_sick + 0.03 * (w.age - 40)
	   + CASE coalesce(w.civ_cat, '') WHEN 'zhongbing' THEN 2.5 WHEN 'tekun' THEN 0.9 WHEN 'dibao' THEN 0.5
									  WHEN 'dibao_edge' THEN 0.4 ELSE 0 END
	   + CASE coalesce(w.rur_cat, '') WHEN 'fanpin' THEN 0.7 WHEN 'jiance' THEN 0.4 ELSE 0 END AS sick,
	   -- the share of the burden medical assistance pays (initial category)
	   CASE WHEN w.civ_from = 0 AND w.civ_cat = 'tekun' THEN 0.90
			WHEN w.civ_from = 0 AND w.civ_cat = 'dibao' THEN 0.70
			WHEN w.rur_from = 0 AND w.rur_cat = 'fanpin' THEN 0.70
			WHEN w.civ_from = 0 AND w.civ_cat = 'dibao_edge' THEN 0.60
			WHEN w.civ_from = 0 AND w.civ_cat = 'zhongbing' THEN 0.60
			WHEN w.rur_from = 0 AND w.rur_cat = 'jiance' THEN 0.50
			ELSE 0 END::numeric AS assist_ratio
FROM withrur w;

-- ID numbers: the sequence number makes (address code, birth date) unique;
-- its parity is the sex.  Names by sex.
ALTER TABLE medaid_gen.people ADD COLUMN body bigint, ADD COLUMN id text, ADD COLUMN name text,
	ADD COLUMN cls int, ADD COLUMN cls_rank int;
UPDATE medaid_gen.people pe
SET body = x.body, id = medaid_bench.id18(x.body), cls = x.cls,
	name = CASE WHEN medaid_gen.u(pe.p, :seed * 100 + 20) < 0.0005
				THEN n.mn[1 + floor(medaid_gen.u(pe.p, :seed * 100 + 21) * cardinality(n.mn))::int]
				ELSE n.sn[1 + floor(power(medaid_gen.u(pe.p, :seed * 100 + 22), 1.6) * cardinality(n.sn))::int]
					 || CASE WHEN x.body % 2 = 1
							 THEN n.gm[1 + floor(medaid_gen.u(pe.p, :seed * 100 + 23) * cardinality(n.gm))::int]
								  || CASE WHEN medaid_gen.u(pe.p, :seed * 100 + 24) < 0.75
										  THEN n.gm[1 + floor(medaid_gen.u(pe.p, :seed * 100 + 25) * cardinality(n.gm))::int] ELSE '' END
							 ELSE n.gf[1 + floor(medaid_gen.u(pe.p, :seed * 100 + 23) * cardinality(n.gf))::int]
								  || CASE WHEN medaid_gen.u(pe.p, :seed * 100 + 24) < 0.75
										  THEN n.gf[1 + floor(medaid_gen.u(pe.p, :seed * 100 + 25) * cardinality(n.gf))::int] ELSE '' END
						END END
FROM (
	SELECT p, id_region::bigint * 100000000000 + to_char(birth, 'YYYYMMDD')::bigint * 1000
			  + 2 * ((abs(hashtext(id_region || birth::text)::bigint) + row_number() OVER (PARTITION BY id_region, birth ORDER BY p) - 1) % 500)
			  + (medaid_gen.u(p, :seed * 100 + 14) < 0.5)::int AS body,
		   -- classes by the score's quantiles: 35/30/20/10/4/1 %
		   CASE WHEN q < 0.35 THEN 1 WHEN q < 0.65 THEN 2 WHEN q < 0.85 THEN 3
				WHEN q < 0.95 THEN 4 WHEN q < 0.99 THEN 5 ELSE 6 END AS cls
	FROM (SELECT p, id_region, birth, percent_rank() OVER (ORDER BY sick, p) AS q FROM medaid_gen.people) r
) x, medaid_gen.names n
WHERE x.p = pe.p;
UPDATE medaid_gen.people pe SET cls_rank = x.r
FROM (SELECT p, (row_number() OVER (PARTITION BY cls ORDER BY p) - 1)::int AS r FROM medaid_gen.people) x
WHERE x.p = pe.p;
VACUUM FULL medaid_gen.people;
ALTER TABLE medaid_gen.people ADD PRIMARY KEY (p), ADD UNIQUE (body), ADD UNIQUE (cls, cls_rank);
ANALYZE medaid_gen.people;

-- Draw weights: class c settles 3^(c-1) times as often as class 1
CREATE TABLE medaid_gen.class AS
SELECT cls, count(*)::int AS n, power(3, cls - 1)::float8 AS w FROM medaid_gen.people GROUP BY cls;
ALTER TABLE medaid_gen.class ADD PRIMARY KEY (cls), ADD COLUMN cum_lo float8;
UPDATE medaid_gen.class c SET cum_lo = x.cum_lo
FROM (SELECT cls, (sum(n * w) OVER (ORDER BY cls) - n * w) / sum(n * w) OVER () AS cum_lo FROM medaid_gen.class) x
WHERE x.cls = c.cls;


-- The day of an event of month k (NULL: none) whose spell's previous event
-- was in month prev (NULL: none): in month k, or (3 %, from February, when
-- prev is two months back or more) in the month before, a late record.
CREATE FUNCTION medaid_gen.event_day(year int, k int, prev int, u_late float8, u_day float8) RETURNS date
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN $2 IS NULL THEN NULL
				WHEN $2 >= 2 AND ($3 IS NULL OR $3 <= $2 - 2) AND $4 < 0.03
				THEN make_date($1, $2 - 1, 1) + floor($5 * (make_date($1, $2, 1) - make_date($1, $2 - 1, 1)))::int
				ELSE make_date($1, $2, 1) + floor($5 * ((make_date($1, $2, 1) + interval '1 month')::date - make_date($1, $2, 1)))::int END
$$;

-- Spells on the rosters: from month from_m (0: the initial snapshot, dated
-- start_date) in category cat1; a change to cat2 in month ch_m; an exit in
-- month ex_m.  The months of a change and of an exit are geometric (0.3 %
-- and 0.7 % a month); a change on or after the exit does not happen.
CREATE TABLE medaid_gen.spell AS
WITH s AS (
	SELECT pe.p, d.dept, d.cat1, d.from_m, d.salt, pe.birth
	FROM medaid_gen.people pe
	CROSS JOIN LATERAL (VALUES ('civil_affairs', pe.civ_cat, pe.civ_from, :seed * 100 + 30),
							   ('rural', pe.rur_cat, pe.rur_from, :seed * 100 + 40)) d(dept, cat1, from_m, salt)
	WHERE d.from_m IS NOT NULL
), m AS (
	SELECT s.*,
		   s.from_m + greatest(1, ceil(ln(1 - medaid_gen.u(s.p, s.salt)) / ln(1 - 0.003)))::int AS ch,
		   s.from_m + greatest(1, ceil(ln(1 - medaid_gen.u(s.p, s.salt + 1)) / ln(1 - 0.007)))::int AS ex
	FROM s
), e AS (
	SELECT m.p, m.dept, m.cat1, m.from_m, m.birth, m.salt,
		   CASE WHEN m.ch <= 12 AND m.ch < m.ex THEN m.ch END AS ch_m,
		   CASE WHEN m.ex <= 12 THEN m.ex END AS ex_m
	FROM m
)
SELECT e.p, e.dept, e.cat1, e.from_m, e.ch_m, e.ex_m,
	   CASE WHEN e.ch_m IS NULL THEN NULL
			WHEN e.dept = 'rural' THEN CASE e.cat1 WHEN 'jiance' THEN 'fanpin' ELSE 'jiance' END
			ELSE CASE e.cat1
				WHEN 'dibao' THEN CASE WHEN medaid_gen.u(e.p, e.salt + 2) < 0.8 THEN 'dibao_edge' ELSE 'tekun' END
				WHEN 'dibao_edge' THEN CASE WHEN medaid_gen.u(e.p, e.salt + 2) < 0.7 THEN 'dibao' ELSE 'zhongbing' END
				ELSE 'dibao' END END AS cat2,
	   -- the initial approval date: since 2014 (and since birth), before December
	   CASE WHEN e.from_m = 0
			THEN least(greatest(e.birth, date '2014-01-01'
								+ floor(medaid_gen.u(e.p, e.salt + 3) * (make_date(:year - 1, 12, 1) - date '2014-01-01'))::int),
					   make_date(:year - 1, 11, 30))
			ELSE medaid_gen.event_day(:year, e.from_m, NULL, medaid_gen.u(e.p, e.salt + 4), medaid_gen.u(e.p, e.salt + 5)) END AS start_date,
	   medaid_gen.event_day(:year, e.ch_m, e.from_m, medaid_gen.u(e.p, e.salt + 6), medaid_gen.u(e.p, e.salt + 7)) AS ch_date,
	   medaid_gen.event_day(:year, e.ex_m, coalesce(e.ch_m, e.from_m), medaid_gen.u(e.p, e.salt + 8), medaid_gen.u(e.p, e.salt + 9)) AS ex_date
FROM e;
ALTER TABLE medaid_gen.spell ADD PRIMARY KEY (p, dept);

-- How a row's fields are sent.  The ID number of body b, messy: u1 picks
-- the form, u2 the variant.
CREATE FUNCTION medaid_gen.raw_id(b bigint, u1 float8, u2 float8) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
		WHEN $2 < 0.003 THEN medaid_bench.digits($1) || medaid_bench.wrong_chk($1, 1 + floor($3 * 10)::int)
		ELSE (SELECT CASE WHEN $3 < 0.3 THEN lower(r) ELSE r END
			  FROM (SELECT CASE
					WHEN $2 < 0.033 AND $1 / 10000000 % 10000 < 2000
						THEN substr(id, 1, 6) || substr(id, 9, 9)
					WHEN $2 < 0.043 THEN translate(id, '0123456789X', '０１２３４５６７８９Ｘ')
					WHEN $2 < 0.063 THEN CASE
						WHEN $3 < 0.4 THEN substr(id, 1, 6) || ' ' || substr(id, 7, 8) || ' ' || substr(id, 15)
						WHEN $3 < 0.7 THEN substr(id, 1, 6) || '-' || substr(id, 7, 8) || '-' || substr(id, 15)
						WHEN $3 < 0.9 THEN ' ' || id || ' '
						ELSE id || chr(12288) END
					ELSE id END AS r
					FROM (SELECT medaid_bench.id18($1) AS id) i) x)
	END
$$;
-- A name: missing (0.1 %), a full-width space after the surname (1 %), a
-- trailing space (0.5 %), a minority name's dot in another form (half).
CREATE FUNCTION medaid_gen.raw_name(n text, u1 float8, u2 float8) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN $2 < 0.0005 THEN NULL
				WHEN $2 < 0.001 THEN ' '
				WHEN $2 < 0.011 THEN left($1, 1) || chr(12288) || substr($1, 2)
				WHEN $2 < 0.016 THEN $1 || ' '
				WHEN strpos($1, '·') > 0 AND $3 < 0.5 THEN replace($1, '·', CASE WHEN $3 < 0.25 THEN '・' ELSE '.' END)
				ELSE $1 END
$$;

-- The departments' files as rows: month 0 the snapshot (every spell from
-- month 0, dated its approval), months 1-12 the adds, changes and exits.
CREATE TABLE medaid_gen.roster AS
WITH ev AS (
	SELECT s.dept, s.from_m AS month, s.p, s.cat1 AS cat, CASE WHEN s.from_m > 0 THEN 'add' END AS event,
		   s.start_date AS d, 1 AS kind
	FROM medaid_gen.spell s
	UNION ALL
	SELECT s.dept, s.ch_m, s.p, s.cat2, 'change', s.ch_date, 2 FROM medaid_gen.spell s WHERE s.ch_m IS NOT NULL
	UNION ALL
	SELECT s.dept, s.ex_m, s.p, coalesce(s.cat2, s.cat1), 'exit', s.ex_date, 3 FROM medaid_gen.spell s WHERE s.ex_m IS NOT NULL
), r AS (
	SELECT ev.*, pe.county, pe.name, pe.body, pe.id,
		   ((ev.p * 64 + ev.month * 4 + ev.kind) * 2 + (ev.dept = 'rural')::int) AS key
	FROM ev JOIN medaid_gen.people pe ON pe.p = ev.p
)
SELECT r.dept, r.month, row_number() OVER (PARTITION BY r.dept, r.month ORDER BY r.county, r.id, r.kind)::int AS row_no,
	   medaid_gen.raw_name(r.name, medaid_gen.u(r.key, :seed * 100 + 50), medaid_gen.u(r.key, :seed * 100 + 51)) AS name,
	   medaid_gen.raw_id(r.body, medaid_gen.u(r.key, :seed * 100 + 52), medaid_gen.u(r.key, :seed * 100 + 53)) AS id_number,
	   CASE WHEN medaid_gen.u(r.key, :seed * 100 + 54) < 0.7 THEN r.cat
			ELSE medaid.category_label(r.cat::medaid.category) END AS category,
	   CASE WHEN r.event IS NULL THEN NULL
			WHEN medaid_gen.u(r.key, :seed * 100 + 55) < 0.97 THEN r.event
			WHEN medaid_gen.u(r.key, :seed * 100 + 55) < 0.985 THEN upper(r.event)
			ELSE ' ' || initcap(r.event) || ' ' END AS event,
	   r.d AS event_date, r.county AS region
FROM r;
ALTER TABLE medaid_gen.roster ADD PRIMARY KEY (dept, month, row_no);
ANALYZE medaid_gen.spell;
ANALYZE medaid_gen.roster;

-- Month k's original settlements (reversed_only: just the 1 % that month
-- k+1 reverses), a pure function of the seed, k and the row number g.
-- Month 0 is December of the year before (no late rows).
CREATE FUNCTION medaid_gen.originals(k int, reversed_only boolean)
	RETURNS TABLE (g bigint, settlement_id text, id_number text, settle_date date, region text,
				   total numeric, fund_paid numeric, critical_paid numeric, assistance_paid numeric)
	LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT d.g, 'JS' || to_char(d.m0, 'YYYYMM') || lpad(d.g::text, 9, '0'), pe.id,
		   CASE WHEN $1 > 0 AND d.u_late < 0.005
				THEN d.mp + floor(d.u_day * (d.m0 - d.mp))::int
				ELSE d.m0 + floor(d.u_day * (d.mn - d.m0))::int END,
		   pe.ins_region, t.total, f.fund, cr.crit,
		   round((t.total - f.fund - cr.crit) * pe.assist_ratio, 2)
	FROM (
		SELECT x.g, m.m0, m.mp, m.mn,
			   cl.c[width_bucket(medaid_gen.u(kk.key, kk.s + 31), cl.cum)] AS cls,
			   cl.n[width_bucket(medaid_gen.u(kk.key, kk.s + 31), cl.cum)] AS n,
			   medaid_gen.u(kk.key, kk.s + 32) AS u_rank,
			   medaid_gen.u(kk.key, kk.s + 33) AS u_day,
			   medaid_gen.u(kk.key, kk.s + 34) AS u_late,
			   medaid_gen.u(kk.key, kk.s + 35) < 0.03 AS inpatient,
			   medaid_gen.u(kk.key, kk.s + 36) AS u_big,
			   medaid_gen.u(kk.key, kk.s + 37) AS u_fund,
			   medaid_gen.z(kk.key, kk.s + 38) AS z1,
			   medaid_gen.z(kk.key, kk.s + 39) AS z2
		FROM medaid_gen.config c
		CROSS JOIN (SELECT array_agg(cls ORDER BY cls) AS c, array_agg(n ORDER BY cls) AS n,
						   array_agg(cum_lo ORDER BY cls) AS cum FROM medaid_gen.class) cl
		CROSS JOIN LATERAL (SELECT make_date(c.year, 1, 1) + make_interval(months => $1 - 1) AS m) mm
		CROSS JOIN LATERAL (SELECT mm.m::date AS m0, (mm.m - interval '1 month')::date AS mp,
								   (mm.m + interval '1 month')::date AS mn) m
		CROSS JOIN LATERAL generate_series(1::bigint, c.per_month) x(g)
		CROSS JOIN LATERAL (SELECT $1 * 10000000000::bigint + x.g AS key, c.seed * 100 AS s) kk
		WHERE NOT $2 OR medaid_gen.u(kk.key, kk.s + 60) < 0.01
	) d
	JOIN medaid_gen.people pe ON pe.cls = d.cls AND pe.cls_rank = floor(d.u_rank * d.n)::int
	-- outpatient: median 150 yuan, at most 20 000; inpatient: median 9 000,
	-- 2 % of stays 5-100 times that, at most 3 000 000
	CROSS JOIN LATERAL (SELECT CASE WHEN d.inpatient
		THEN least(3000000, greatest(100, round((exp(ln(9000) + 0.9 * d.z1)
										 * CASE WHEN d.u_big < 0.02 THEN exp(1.5 + abs(d.z2)) ELSE 1 END)::numeric, 2)))
		ELSE least(20000, greatest(1, round(exp(ln(150) + 1.0 * d.z1)::numeric, 2))) END AS total) t
	CROSS JOIN LATERAL (SELECT round(t.total * ((CASE WHEN d.inpatient THEN 0.55 ELSE 0.50 END) + 0.20 * d.u_fund)::numeric, 2) AS fund) f
	CROSS JOIN LATERAL (SELECT CASE WHEN t.total - f.fund > 15000 THEN round((t.total - f.fund - 15000) * 0.6, 2) ELSE 0.00 END AS crit) cr
$$;

-- Month k's file: its originals, then its reversals of 1 % of month k-1's
-- originals (the same person and place, amounts negated, dated in month k);
-- month 0 (December of the year before) has no reversals.
CREATE FUNCTION medaid_gen.settlements(k int)
	RETURNS TABLE (settlement_id text, id_number text, settle_date date, region text, total numeric,
				   fund_paid numeric, critical_paid numeric, assistance_paid numeric, reverses text)
	LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT o.settlement_id, o.id_number, o.settle_date, o.region, o.total, o.fund_paid, o.critical_paid,
		   o.assistance_paid, NULL::text
	FROM medaid_gen.originals($1, false) o
	UNION ALL
	SELECT 'CX' || to_char(m.m0, 'YYYYMM') || lpad(o.g::text, 9, '0'), o.id_number,
		   m.m0 + floor(medaid_gen.u($1 * 10000000000::bigint + o.g, c.seed * 100 + 61)
						* ((m.m0 + interval '1 month')::date - m.m0))::int,
		   o.region, -o.total, -o.fund_paid, -o.critical_paid, -o.assistance_paid, o.settlement_id
	FROM medaid_gen.config c
	CROSS JOIN LATERAL (SELECT (make_date(c.year, 1, 1) + make_interval(months => $1 - 1))::date AS m0) m
	CROSS JOIN LATERAL medaid_gen.originals(greatest($1 - 1, 0), true) o
	WHERE $1 > 0
$$;

-- A month's settlements, staged by bench/cycle.sh before it loads them
CREATE TABLE medaid_gen.month_settlement (
	settlement_id text, id_number text, settle_date date, region text, total numeric,
	fund_paid numeric, critical_paid numeric, assistance_paid numeric, reverses text
);

-- What was made
SELECT c.people, c.settlements, c.per_month, c.seed, c.year,
	   (SELECT count(*) FROM medaid_gen.county) AS counties,
	   (SELECT count(DISTINCT p) FROM medaid_gen.spell WHERE from_m = 0) AS recipients_initially,
	   (SELECT count(*) FROM medaid_gen.roster WHERE month = 0 AND dept = 'civil_affairs') AS civil_snapshot,
	   (SELECT count(*) FROM medaid_gen.roster WHERE month = 0 AND dept = 'rural') AS rural_snapshot,
	   (SELECT count(*) FROM medaid_gen.roster WHERE month > 0) AS delta_rows
FROM medaid_gen.config c;

\endif

-- The files of one month, when asked
\if :{?csv_month}
SELECT :csv_month::int BETWEEN 0 AND 12 AS csv_ok,
	   format('%s/settlements_%s.csv', :'csv_dir',
			  to_char(make_date(year, 1, 1) + make_interval(months => :csv_month::int - 1), 'YYYY-MM')) AS csv_s,
	   format('%s/roster_civil_affairs_%s.csv', :'csv_dir',
			  to_char(make_date(year, 1, 1) + make_interval(months => :csv_month::int - 1), 'YYYY-MM')) AS csv_c,
	   format('%s/roster_rural_%s.csv', :'csv_dir',
			  to_char(make_date(year, 1, 1) + make_interval(months => :csv_month::int - 1), 'YYYY-MM')) AS csv_r
FROM medaid_gen.config \gset
\if :csv_ok
\else
\warn 'province.sql: csv_month is a month 0..12'
SELECT 1/0 AS province_csv_month;
\endif
COPY (SELECT * FROM medaid_gen.settlements(:csv_month)) TO STDOUT WITH (FORMAT csv, HEADER) \g :csv_s
\echo wrote :csv_s
COPY (SELECT row_no, name, id_number, category, event, event_date, region FROM medaid_gen.roster
	  WHERE dept = 'civil_affairs' AND month = :csv_month ORDER BY row_no) TO STDOUT WITH (FORMAT csv, HEADER) \g :csv_c
\echo wrote :csv_c
COPY (SELECT row_no, name, id_number, category, event, event_date, region FROM medaid_gen.roster
	  WHERE dept = 'rural' AND month = :csv_month ORDER BY row_no) TO STDOUT WITH (FORMAT csv, HEADER) \g :csv_r
\echo wrote :csv_r
\endif
