-- normalize_name: full-width to half-width, no white space, one middle dot
SET search_path = medaid, public;

SELECT raw, normalize_name(raw) AS normalized,
	   encode(convert_to(normalize_name(raw), 'UTF8'), 'hex') AS utf8
FROM (VALUES
	('张三'),
	(' 张 三 '),
	(E'张\u3000三'),
	(E'张\u00A0三\t'),
	(E'\uFEFF张三\u200B'),
	('阿不都·热合曼'),
	('阿不都・热合曼'),
	('阿不都•热合曼'),
	('阿不都‧热合曼'),
	('阿不都∙热合曼'),
	('阿不都．热合曼'),
	('阿不都.热合曼'),
	('ＬＩ　Ｍｉｎｇ'),
	('王（小）'),
	('')
) AS v(raw);

-- the look-alikes all match one another after normalising
SELECT count(DISTINCT normalize_name(n)) AS distinct_forms
FROM unnest(ARRAY['阿不都·热合曼', '阿不都・热合曼', '阿不都 • 热合曼', '阿不都‧热合曼',
				  '阿不都∙热合曼', '阿不都．热合曼', '阿不都.热合曼', '阿不都⋅热合曼']) n;

-- idempotent
SELECT count(*) FILTER (WHERE normalize_name(normalize_name(n)) <> normalize_name(n)) AS not_idempotent
FROM unnest(ARRAY['阿不都 ·热合曼', 'ＡＢＣ．ｄ', E'a\u3000b', '']) n;

SELECT normalize_name(NULL) IS NULL AS null_in_null_out;
