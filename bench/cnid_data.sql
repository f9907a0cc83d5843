-- bench/cnid_data.sql: generate :rows messy ID strings into messy(raw text),
-- all in one INSERT ... SELECT generate_series.  Needs cnid_setup.sql.
-- psql variables: rows, sample, seed.
--
-- The mix (share of rows):
--   70.0%  clean 18-character numbers: 85% Shandong (37xxxx) address
--          codes, 15% other provinces and 81/82/83; births 1930-2020
--    8.0%  15-digit legacy numbers (births 1930-1999)
--    8.0%  valid but messy: lowercase x (2%), full-width digits (2%),
--          spaces incl. U+3000/U+00A0 (2%), hyphens and dashes (2%)
--   14.0%  invalid: wrong check character (4%), impossible birth date
--          (2.5%), future birth date (0.5%), bad length (2.5%), letters
--          and other characters (2%), unknown province (1%), empty or
--          only separators (1%), NULL (0.5%)

SELECT setseed(:seed) \g /dev/null

CREATE TABLE messy (raw text);

INSERT INTO messy (raw)
SELECT CASE
	WHEN u < 0.70 THEN v
	WHEN u < 0.78 THEN b15
	-- valid, messy
	WHEN u < 0.80 THEN medaid_bench.digits(medaid_bench.with_x(body))
		|| CASE WHEN k < 0.8 THEN 'x' ELSE 'ｘ' END
	WHEN u < 0.82 THEN CASE
		WHEN k < 0.6 THEN translate(v, '0123456789X', '０１２３４５６７８９Ｘ')
		ELSE translate(left(v, 6), '0123456789', '０１２３４５６７８９') || substr(v, 7) END
	WHEN u < 0.84 THEN CASE
		WHEN k < 0.4 THEN left(v, 6) || ' ' || substr(v, 7, 8) || ' ' || substr(v, 15)
		WHEN k < 0.7 THEN '  ' || v || ' '
		WHEN k < 0.85 THEN left(v, 6) || chr(12288) || substr(v, 7)		-- U+3000
		ELSE left(v, 6) || chr(160) || substr(v, 7) || E'\t' END		-- U+00A0
	WHEN u < 0.86 THEN CASE
		WHEN k < 0.5 THEN left(v, 6) || '-' || substr(v, 7, 8) || '-' || substr(v, 15)
		WHEN k < 0.7 THEN left(v, 6) || chr(8211) || substr(v, 7, 8) || chr(8211) || substr(v, 15)
		WHEN k < 0.85 THEN left(v, 6) || chr(65293) || substr(v, 7)	-- full-width hyphen
		ELSE left(v, 3) || '-' || substr(v, 4, 3) || ' - ' || substr(v, 7) END
	-- invalid
	WHEN u < 0.90 THEN medaid_bench.digits(body)
		|| medaid_bench.wrong_chk(body, 1 + floor(k * 10)::int)
	WHEN u < 0.925 THEN medaid_bench.id18(region * 100000000000 + 1000 * CASE
		WHEN k < 0.25 THEN ymd / 10000 * 10000 + 1300 + ymd % 100		-- month 13
		WHEN k < 0.40 THEN ymd / 10000 * 10000 + ymd % 100				-- month 00
		WHEN k < 0.55 THEN ymd / 100 * 100 + 32							-- day 32
		WHEN k < 0.65 THEN ymd / 100 * 100								-- day 00
		WHEN k < 0.75 THEN ymd / 10000 * 10000 + 230					-- 30 February
		WHEN k < 0.80 THEN ymd / 10000 * 10000 + 431					-- 31 April
		WHEN k < 0.90 THEN (ARRAY[1900, 1931, 1949, 1970, 1989, 1999, 2001, 2019])
			[1 + floor(random() * 8)::int] * 10000 + 229				-- 29 Feb, not leap
		ELSE 17990000 + ymd % 10000 END									-- before 1800
		+ seq)
	WHEN u < 0.93 THEN medaid_bench.id18(region * 100000000000 + 1000 *
		((2031 + floor(k * 60)::bigint) * 10000
		 + CASE WHEN ymd % 10000 = 229 THEN 228 ELSE ymd % 10000 END) + seq)
	WHEN u < 0.955 THEN CASE
		WHEN k < 0.4 THEN left(v, 17)
		WHEN k < 0.7 THEN v || floor(random() * 10)::int::text
		WHEN k < 0.85 THEN left(v, 16)
		WHEN k < 0.95 THEN left(v, 14)
		ELSE left(v, 8) END
	WHEN u < 0.975 THEN CASE
		WHEN k < 0.4 THEN overlay(v PLACING substr('AOIlSBZ', 1 + floor(random() * 7)::int, 1)
								  FROM 1 + floor(random() * 17)::int FOR 1)
		WHEN k < 0.6 THEN regexp_replace(v, '0', 'O')
		WHEN k < 0.8 THEN v || '号'
		WHEN k < 0.9 THEN overlay(v PLACING 'X' FROM 1 + floor(random() * 17)::int FOR 1)
		ELSE '身份证' || v END
	WHEN u < 0.985 THEN medaid_bench.id18(
		((ARRAY[0, 10, 19, 20, 24, 39, 48, 66, 90, 99])[1 + floor(k * 10)::int] * 10000
		 + region % 10000) * 100000000000 + ymd * 1000 + seq)
	WHEN u < 0.995 THEN CASE
		WHEN k < 0.4 THEN ''
		WHEN k < 0.7 THEN '   '
		WHEN k < 0.9 THEN '-'
		ELSE chr(12288) END
	ELSE NULL
END
FROM (
	SELECT b.*, medaid_bench.id18(body) AS v
	FROM (
		SELECT u, k, region, ymd, seq,
			region * 100000000000 + ymd * 1000 + seq AS body,
			lpad(region::text, 6, '0') || lpad(ymd15::text, 6, '0') || lpad(seq::text, 3, '0') AS b15
		FROM (
			SELECT random() AS u, random() AS k,
				CASE WHEN random() < 0.85
					 THEN sd[1 + floor(random() * cardinality(sd))::int]
					 ELSE od[1 + floor(random() * cardinality(od))::int] END AS region,
				-- 1930-01-01 .. 2020-12-31 (33238 days); 1930-01-01 .. 1999-12-31 (25567)
				to_char(date '1930-01-01' + floor(random() * 33238)::int, 'YYYYMMDD')::bigint AS ymd,
				to_char(date '1930-01-01' + floor(random() * 25567)::int, 'YYMMDD')::bigint AS ymd15,
				floor(random() * 1000)::bigint AS seq
			FROM generate_series(1, :rows) AS g,
				(SELECT '{370102,370103,370104,370105,370112,370181,370202,370203,370211,
						  370212,370281,370302,370303,370402,370502,370602,370613,370702,
						  370705,370781,370802,370811,370902,371002,371082,371102,371302,
						  371311,371402,371502,371602,371702}'::bigint[] AS sd,
						'{110101,110105,120101,130102,140105,210102,220102,230102,310101,
						  310115,320102,320505,330106,340102,350203,410105,420106,430104,
						  440106,440305,450103,500103,510107,530102,610113,650102,
						  810000,820000,830000}'::bigint[] AS od) AS codes
		) a
		OFFSET 0
	) b
	OFFSET 0
) c;

VACUUM (ANALYZE) messy;

-- The fixed sample that the slow PL/pgSQL reference is timed (and checked)
-- on: the first :sample rows, already a random mix.
CREATE TABLE messy_sample AS SELECT raw FROM messy LIMIT :sample;
VACUUM (ANALYZE) messy_sample;

-- The valid subset, for the raw::medaid.cnid cast (which raises on the rest).
CREATE TABLE messy_valid AS
	SELECT raw FROM messy WHERE (medaid.cnid_check(raw)).ok;
VACUUM (ANALYZE) messy_valid;
