-- An independent PL/pgSQL implementation of medaid's ID rules: what a DBA
-- would write without medaid.  The pgTAP suite checks that medaid's C
-- cnid_check agrees with it on random messy input (a differential test),
-- and bench/cnid.sh times the two against each other.
CREATE SCHEMA IF NOT EXISTS medaid_ref;

CREATE OR REPLACE FUNCTION medaid_ref.cnid_check(raw text,
		today date DEFAULT current_date,
		OUT canonical text, OUT ok boolean, OUT reason text, OUT upgraded boolean)
	LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
	s text;
	body text;
	n int;
	prov int;
	y int;
	m int;
	d int;
	total int := 0;
	chk text;
	w int[] := ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
BEGIN
	ok := false;
	upgraded := false;
	IF raw IS NULL THEN
		reason := 'missing';
		upgraded := NULL;
		RETURN;
	END IF;
	s := regexp_replace(raw,
		E'[ \\t\\n\\r\\v\\f\\u00A0\\u3000\\u200B\\uFEFF\\uFF0D\\u2010-\\u2015\\u2212\\uFE63-]', '', 'g');
	s := translate(s, '０１２３４５６７８９xｘＸ', '0123456789XXX');
	IF s = '' THEN
		reason := 'empty';
		RETURN;
	END IF;
	IF s ~ '[^0-9X]' THEN
		reason := 'bad_character';
		RETURN;
	END IF;
	n := length(s);
	IF n NOT IN (15, 18) THEN
		reason := 'length';
		RETURN;
	END IF;
	IF strpos(left(s, 17), 'X') > 0 OR (n = 15 AND strpos(s, 'X') > 0) THEN
		reason := 'bad_character';
		RETURN;
	END IF;
	IF n = 15 THEN
		body := left(s, 6) || '19' || substr(s, 7, 9);
		upgraded := true;
	ELSE
		body := left(s, 17);
	END IF;
	prov := CASE WHEN n = 18 AND left(body, 1) = '9' THEN substr(body, 2, 2)::int
				 ELSE left(body, 2)::int END;
	IF prov <> ALL (ARRAY[11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
						  41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
						  71, 81, 82, 83]) THEN
		reason := 'province';
		RETURN;
	END IF;
	y := substr(body, 7, 4)::int;
	m := substr(body, 11, 2)::int;
	d := substr(body, 13, 2)::int;
	IF y < 1800 OR m NOT BETWEEN 1 AND 12 OR d < 1
	   OR d > extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN
		reason := 'birth_date';
		RETURN;
	END IF;
	IF make_date(y, m, d) > today THEN
		reason := 'future_birth_date';
		RETURN;
	END IF;
	FOR i IN 1..17 LOOP
		total := total + substr(body, i, 1)::int * w[i];
	END LOOP;
	chk := substr('10X98765432', total % 11 + 1, 1);
	IF n = 18 AND right(s, 1) <> chk THEN
		reason := 'check_character';
		RETURN;
	END IF;
	canonical := body || chk;
	ok := true;
END
$$;
