-- cnid: bad input raises 22P02 with the input masked and the reason in DETAIL
SET search_path = medaid, public;

SELECT 'abc'::cnid;
SELECT '11010519491231002A'::cnid;
SELECT '1101051949X231002X'::cnid;
SELECT E'110105\u300019491231002X\u3000\u3000x'::cnid;
SELECT '1101051949123100'::cnid;
SELECT '000105194912310021'::cnid;
SELECT '990105194912310021'::cnid;
SELECT '110105194913010010'::cnid;
SELECT '110105491331002'::cnid;
SELECT '110105209912310010'::cnid;
SELECT '110105194912310021'::cnid;
SELECT ' - '::cnid;

-- the SQLSTATE, and no full ID number anywhere in the error
DO $$
DECLARE
	st text; msg text; det text; hnt text;
BEGIN
	PERFORM '110105194912310021'::medaid.cnid;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RAISE NOTICE 'sqlstate %, full number in message: %, in detail: %, in hint: %',
		st, strpos(msg, '110105194912310021') > 0,
		strpos(det, '19491231') > 0, strpos(coalesce(hnt, ''), '19491231') > 0;
END $$;

-- COPY into a cnid column stops at a bad row and names the line
CREATE TEMP TABLE ids (id cnid);
COPY ids FROM stdin;
11010519491231002X
110105194912310021
\.
SELECT count(*) FROM ids;
