-- a database that is not UTF-8 (EUC_CN): IDs, names and categories read the same
SET client_min_messages = warning;
DROP DATABASE IF EXISTS medaid_regress_euc;
CREATE DATABASE medaid_regress_euc TEMPLATE template0 ENCODING 'EUC_CN' LC_COLLATE 'C' LC_CTYPE 'C';
\c medaid_regress_euc
SET client_encoding = 'UTF8';
CREATE EXTENSION medaid;
SET search_path = medaid, public;
SHOW server_encoding;
SELECT '１１０１０５ １９４９-１２３１００２ｘ'::cnid AS full_width,
	   E'110105\u300019491231002x'::cnid AS ideographic_space;
SELECT (cnid_check('１１０１０５１９４９１２３１００２１')).reason;
SELECT cnid_mask('１１０１０５１９４９１２３１００２１');
-- EUC_CN has no U+00B7: the middle dots all become its own ・
SELECT normalize_name('阿不都・热合曼 ') AS name, normalize_name('ＬＩ　Ｍｉｎｇ') AS latin;
SELECT count(DISTINCT normalize_name(n)) AS one_form
FROM unnest(ARRAY['阿不都.热合曼', '阿不都．热合曼', '阿不都・热合曼', '阿不都 ・ 热合曼']) n;
SELECT '低保对象'::category, category_label('jiance');
SELECT '11010519491231002A'::cnid;
\c contrib_regression
DROP DATABASE medaid_regress_euc;
