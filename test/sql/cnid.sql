-- cnid: input normalisation, canonical output, accessors
SET search_path = medaid, public;

-- the standard's own example (born 1880) and the forms real input takes
SELECT raw, raw::cnid AS id
FROM (VALUES
	('440524188001010014'),
	('11010519491231002X'),
	('11010519491231002x'),
	('１１０１０５１９４９１２３１００２ｘ'),
	('１１０１０５１９４９１２３１００２Ｘ'),
	(' 110105 19491231 002X '),
	(E'110105\u00A019491231\u3000002X'),
	('110105-19491231-002X'),
	(E'110105\uFF0D19491231\uFF0D002x'),
	('110105491231002'),
	('130503670401001'),
	('810000199408230021'),
	('830000199201300022'),
	('110105180001010010'),
	('110105200002290013')
) AS v(raw);

-- the 15- and 18-digit forms of one person are one value
SELECT '110105491231002'::cnid = '11010519491231002X'::cnid AS same_person;

-- accessors
SELECT id, cnid_birth_date(id), cnid_sex(id), cnid_region(id), cnid_kind(id),
	   cnid_mask(id), cnid_age(id, date '2026-11-24') AS age
FROM (VALUES ('11010519491231002X'::cnid), ('440524188001010014'),
			 ('130503196704010016'), ('830000199201300022')) AS v(id);

-- a foreigner's permanent residence number: 9, issuing province 37, nation 156
SELECT cnid_kind(id), cnid_region(id), cnid_birth_date(id)
FROM (SELECT (x || substr('10X98765432', (
		SELECT sum(substr(x, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])::int % 11 + 1
		FROM generate_series(1, 17) i), 1))::cnid AS id
	  FROM (VALUES ('93715619850201001')) AS v(x)) s;

-- age: the day before and on a birthday, and 29 February
SELECT cnid_age('11010519491231002X', '2025-12-30') AS before_birthday,
	   cnid_age('11010519491231002X', '2025-12-31') AS on_birthday,
	   cnid_age('110105200002290013', '2001-02-28') AS leapling_feb28,
	   cnid_age('110105200002290013', '2001-03-01') AS leapling_mar1;
SELECT cnid_age('11010519491231002X', '1949-12-30');
SELECT cnid_age('11010519491231002X', 'infinity');

-- cnid_check never raises: every reason code
SELECT raw, (c).ok, (c).reason, (c).id, (c).upgraded, (c).detail
FROM (SELECT raw, cnid_check(raw) AS c FROM (VALUES
	(NULL),
	(''),
	(' - '),
	('11010519491231002A'),
	('1101051949X231002X'),
	('1101051949123100'),
	('000105194912310021'),
	('990105194912310021'),
	('110105179912310010'),
	('110105190002290010'),
	('110105491331002'),
	('110105209912310010'),
	('110105194912310021'),
	('110105491231002'),
	('張三')
) AS v(raw)) s;

-- the masks used for raw input in messages and views
SELECT raw, cnid_mask(raw) FROM (VALUES
	('110105194912310021'), ('110105491231002'), ('abc'), ('1101051949'),
	(' 1101 0519 4912 3100 2x '), ('11010519491231002X11010519491231002X')) AS v(raw);

-- casts both ways
SELECT '11010519491231002x'::text::cnid::text AS round_trip;
CREATE TEMP TABLE assigned (id cnid);
INSERT INTO assigned SELECT '110105491231002'::text;
SELECT id FROM assigned;

-- the pieces of cnid_check, and its inlining into them
SELECT raw, cnid_try(raw), cnid_is_valid(raw), cnid_invalid_reason(raw),
	   cnid_invalid_detail(raw), cnid_is_upgraded(raw)
FROM (VALUES (NULL), ('110105491231002'), ('11010519491231002X'), ('110105194912310021')) AS v(raw);
CREATE TEMP TABLE raws AS SELECT '110105491231002'::text AS raw;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FILTER (WHERE (cnid_check(raw)).ok) FROM raws;
