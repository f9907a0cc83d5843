-- medaid's C parser agrees with an independent PL/pgSQL implementation of
-- the same rules (test/support/cnid_check_plpgsql.sql) on random messy input,
-- and its results keep the properties the type promises.
\i test/support/tap_setup.sql
BEGIN;
\i test/support/cnid_check_plpgsql.sql
SELECT plan(9);

SELECT setseed(0.4242);
-- valid bodies, then each mangled one way: left as is, typed as 15 digits,
-- lowercase / full-width / spaced / hyphenated, a digit changed, a date
-- broken, a character dropped or added, a letter put in, a future year.
CREATE TEMP TABLE bodies AS
SELECT g, (ARRAY['37','37','37','11','44','65','81','83','99','00'])[1 + floor(random() * 10)::int]
		  || lpad(floor(random() * 10000)::int::text, 4, '0')
		  || to_char(date '1890-01-01' + floor(random() * 50000)::int, 'YYYYMMDD')
		  || lpad(floor(random() * 1000)::int::text, 3, '0') AS body
FROM generate_series(1, 20000) g;
CREATE TEMP TABLE messy AS
WITH full18 AS (
	SELECT g, body, body || substr('10X98765432', (
		SELECT sum(substr(body, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])::int % 11 + 1
		FROM generate_series(1, 17) i), 1) AS id
	FROM bodies)
SELECT g, CASE g % 12
	WHEN 0 THEN id
	WHEN 1 THEN left(body, 6) || substr(body, 9, 9)
	WHEN 2 THEN lower(id)
	WHEN 3 THEN translate(id, '0123456789X', '０１２３４５６７８９ｘ')
	WHEN 4 THEN left(id, 6) || ' ' || substr(id, 7, 8) || E'\u3000' || right(id, 4)
	WHEN 5 THEN left(id, 6) || '-' || substr(id, 7, 8) || E'\uFF0D' || right(id, 4)
	WHEN 6 THEN overlay(id placing ((substr(id, 1 + g % 17, 1)::int + 1 + g % 9) % 10)::text from 1 + g % 17 for 1)
	WHEN 7 THEN overlay(id placing lpad((g % 40)::text, 2, '0') from 13 for 2)
	WHEN 8 THEN overlay(id placing '' from 1 + g % 18 for 1)
	WHEN 9 THEN id || (g % 10)::text
	WHEN 10 THEN overlay(id placing chr(65 + g % 26) from 1 + g % 18 for 1)
	ELSE overlay(id placing (2030 + g % 50)::text from 7 for 4)
	END AS raw
FROM full18;
INSERT INTO messy VALUES (0, NULL), (-1, ''), (-2, ' - ');

CREATE TEMP TABLE verdicts AS
SELECT m.g, m.raw, c.id, c.ok, c.reason, c.upgraded,
	   r.canonical AS ref_canonical, r.ok AS ref_ok, r.reason AS ref_reason, r.upgraded AS ref_upgraded
FROM messy m, medaid.cnid_check(m.raw) c, medaid_ref.cnid_check(m.raw) r;

SELECT is((SELECT count(*) FROM verdicts), 20003::bigint, 'every input judged');
SELECT cmp_ok((SELECT count(DISTINCT reason) FROM verdicts WHERE NOT ok)::int, '>=', 8,
			  'the sample exercises every reason');
SELECT cmp_ok((SELECT count(*) FROM verdicts WHERE ok)::int, '>', 5000, 'the sample has many valid numbers');
SELECT is((SELECT count(*) FROM verdicts WHERE ok IS DISTINCT FROM ref_ok OR reason IS DISTINCT FROM ref_reason),
		  0::bigint, 'C and PL/pgSQL agree on every verdict and reason');
SELECT is((SELECT count(*) FROM verdicts WHERE ok AND id::text IS DISTINCT FROM ref_canonical),
		  0::bigint, 'C and PL/pgSQL agree on every canonical form');
SELECT is((SELECT count(*) FROM verdicts WHERE ok AND upgraded IS DISTINCT FROM ref_upgraded),
		  0::bigint, 'C and PL/pgSQL agree on which numbers were upgraded');
SELECT is((SELECT count(*) FROM verdicts WHERE ok AND (medaid.cnid_check(id::text)).id IS DISTINCT FROM id),
		  0::bigint, 'canonical output parses back to the same value');
SELECT is((SELECT count(*) FROM verdicts WHERE ok <> (id IS NOT NULL) OR ok <> (reason IS NULL)),
		  0::bigint, 'id is set exactly when ok, reason exactly when not');
SELECT is((SELECT count(*) FROM verdicts v WHERE NOT ok AND strpos(coalesce((SELECT c.detail FROM medaid.cnid_check(v.raw) c), ''), substr(translate(v.raw, ' -', ''), 7, 8)) > 0
			AND length(translate(v.raw, ' -', '')) >= 17),
		  0::bigint, 'no detail repeats the hidden birth-date digits');

SELECT * FROM finish();
ROLLBACK;
