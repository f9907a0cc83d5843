-- Free text a caller sets is stored with its ID numbers masked
-- (mask_id_runs, the log redaction's scanner): mark_reviewed's note in
-- monthly_review and the audit log, application_name and role names in
-- the audit log.
SET datestyle = ISO;
-- the function: plain, with spaces and hyphens, full-width, with a
-- trailing X, two IDs, short numbers left alone
SELECT medaid.mask_id_runs(t) FROM (VALUES
	('checked 110101199003077782 ok'),
	('checked 110101 19900307 7782 ok'),
	('checked 110101  19900307  7782 ok'),
	(E'checked 110101\t19900307\n7782 ok'),
	('checked 110101-1990-0307-7782 ok'),
	('checked １１０１０１１９９００３０７７７８２ ok'),
	('checked １１０１０１　１９９００３０７　７７８２ ok'),
	('11010519491231002X and 11010519491231002x'),
	('a 15-digit one: 110101900307778'),
	('phone 13812345678, case 2026-0042, 14 digits 12345678901234'),
	('')) v(t);
SELECT medaid.mask_id_runs(NULL) IS NULL AS strict;
BEGIN;
SET LOCAL application_name = 'loader 110101 19900307 7782';
SELECT region, note FROM medaid.mark_reviewed('370102', '2026-01-01', 'called 110101199003077782 back');
SELECT region, note FROM medaid.mark_reviewed('370103', '2026-01-01', 'called １１０１０１　１９９００３０７　７７８２ back');
SELECT region, note FROM medaid.monthly_review ORDER BY region;
SELECT action, region, application_name, detail->>'note' AS note
FROM medaid.audit_log WHERE action = 'review_signoff' ORDER BY audit_id;
-- a role name holding an ID: login and acting_role masked too
CREATE ROLE "r110101199003077782";
GRANT medaid_county TO "r110101199003077782";
INSERT INTO medaid.region_access (role, region_prefix) VALUES ('r110101199003077782', '370104');
SET LOCAL ROLE "r110101199003077782";
SELECT region FROM medaid.mark_reviewed('370104', '2026-01-01');
RESET ROLE;
SELECT acting_role, application_name FROM medaid.audit_log WHERE action = 'review_signoff' AND region = '370104';
SELECT count(*) AS full_ids FROM medaid.audit_log a
WHERE concat_ws(' ', a.login, a.acting_role, a.application_name, a.detail) ~ '[0-9０-９]([^0-9０-９*]{0,3}[0-9０-９]){14}';
ROLLBACK;
