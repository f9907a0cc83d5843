-------------------------------------------------------------------------------
-- Masked views for analysts (docs/rules.md §6): IDs shown as cnid_mask gives them;
-- full IDs and names only to members of medaid_full_id.  They run as their
-- owner and filter by the caller's regions themselves (security_barrier:
-- a caller's own function in WHERE sees no row the filter drops).
-------------------------------------------------------------------------------

CREATE VIEW medaid.person_masked WITH (security_barrier = true) AS
	SELECT medaid.cnid_mask(p.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN p.id_number END AS id_number,
		   CASE WHEN f.full_id THEN p.name END AS name,
		   medaid.cnid_sex(p.id_number) AS sex,
		   date_part('year', medaid.cnid_birth_date(p.id_number))::integer AS birth_year,
		   p.region
	FROM medaid.person p
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE p.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.person_masked IS 'the register for analysts: masked IDs, sex, birth year, region; full ID and name for members of medaid_full_id; the caller''s regions only';
COMMENT ON COLUMN medaid.person_masked.id_masked IS 'the ID number, masked (cnid_mask)';
COMMENT ON COLUMN medaid.person_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.person_masked.name IS 'the name for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.person_masked.sex IS 'male or female, from the ID number';
COMMENT ON COLUMN medaid.person_masked.birth_year IS 'the year of birth, from the ID number';
COMMENT ON COLUMN medaid.person_masked.region IS 'the region of the latest applied roster row';

CREATE VIEW medaid.settlement_masked WITH (security_barrier = true) AS
	SELECT s.settlement_id, medaid.cnid_mask(s.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN s.id_number END AS id_number,
		   s.settle_date, s.region, s.total, s.fund_paid, s.critical_paid, s.assistance_paid, s.burden, s.reverses
	FROM medaid.settlement s
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE s.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.settlement_masked IS 'settlements for analysts: masked IDs (full for members of medaid_full_id); settlements of the caller''s regions (insured place)';
COMMENT ON COLUMN medaid.settlement_masked.settlement_id IS 'the settlement''s id';
COMMENT ON COLUMN medaid.settlement_masked.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.settlement_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.settlement_masked.settle_date IS 'the settlement date';
COMMENT ON COLUMN medaid.settlement_masked.region IS 'the insured place';
COMMENT ON COLUMN medaid.settlement_masked.total IS 'total cost';
COMMENT ON COLUMN medaid.settlement_masked.fund_paid IS 'basic insurance fund payment';
COMMENT ON COLUMN medaid.settlement_masked.critical_paid IS 'critical-illness insurance payment';
COMMENT ON COLUMN medaid.settlement_masked.assistance_paid IS 'medical-assistance payment';
COMMENT ON COLUMN medaid.settlement_masked.burden IS 'personal burden';
COMMENT ON COLUMN medaid.settlement_masked.reverses IS 'for a reversal, the settlement it negates';

CREATE VIEW medaid.warning_masked WITH (security_barrier = true) AS
	SELECT w.month, medaid.cnid_mask(w.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN w.id_number END AS id_number,
		   w.category, w.annual_burden, w.threshold, w.first_crossed_on, w.is_new, w.province, w.region, w.settlements
	FROM medaid.warning w
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE w.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.warning_masked IS 'the monthly warnings for analysts: masked IDs (full for members of medaid_full_id); warnings of the caller''s regions';
COMMENT ON COLUMN medaid.warning_masked.month IS 'the month (first day)';
COMMENT ON COLUMN medaid.warning_masked.id_masked IS 'the person, masked';
COMMENT ON COLUMN medaid.warning_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.warning_masked.category IS 'the category the threshold was chosen by, or ordinary';
COMMENT ON COLUMN medaid.warning_masked.annual_burden IS 'the personal burden of the year through the month';
COMMENT ON COLUMN medaid.warning_masked.threshold IS 'the threshold it crossed';
COMMENT ON COLUMN medaid.warning_masked.first_crossed_on IS 'the day the running burden first crossed it';
COMMENT ON COLUMN medaid.warning_masked.is_new IS 'not warned the month before';
COMMENT ON COLUMN medaid.warning_masked.province IS 'the province of the income baseline';
COMMENT ON COLUMN medaid.warning_masked.region IS 'the insured place of the month''s latest settlement';
COMMENT ON COLUMN medaid.warning_masked.settlements IS 'settlements of the year through the month';

CREATE VIEW medaid.participation_ledger_masked WITH (security_barrier = true) AS
	SELECT l.year, medaid.cnid_mask(l.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN l.id_number END AS id_number,
		   l.region, l.category, l.categories, l.held_at_year_end, l.enrolled, l.enrollments,
		   l.enrollment_region, l.enrolled_on, l.subsidy_category, l.subsidy_amount, l.enrolled_elsewhere
	FROM medaid.participation_ledger_of_regions() l
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f;
COMMENT ON VIEW medaid.participation_ledger_masked IS 'the participation ledger for analysts: masked IDs (full for members of medaid_full_id); recipients of the caller''s regions';
COMMENT ON COLUMN medaid.participation_ledger_masked.year IS 'the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.id_masked IS 'the recipient, masked';
COMMENT ON COLUMN medaid.participation_ledger_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.participation_ledger_masked.region IS 'the region of the latest applied roster row';
COMMENT ON COLUMN medaid.participation_ledger_masked.category IS 'the most favourable category held in the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.categories IS 'every category held in the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.held_at_year_end IS 'whether a category is still held on 31 December';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrolled IS 'whether enrolled for the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrollments IS 'the enrolment rows for the year';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrollment_region IS 'the insured place';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrolled_on IS 'the earliest enrolment date';
COMMENT ON COLUMN medaid.participation_ledger_masked.subsidy_category IS 'the subsidy category granted';
COMMENT ON COLUMN medaid.participation_ledger_masked.subsidy_amount IS 'the subsidy granted';
COMMENT ON COLUMN medaid.participation_ledger_masked.enrolled_elsewhere IS 'enrolled in a region other than the roster''s';

CREATE VIEW medaid.suspected_uninsured_masked WITH (security_barrier = true) AS
	SELECT u.year, medaid.cnid_mask(u.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN u.id_number END AS id_number,
		   u.region, u.category, u.categories, u.held_at_year_end
	FROM medaid.participation_ledger_of_regions() u
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE NOT u.enrolled;
COMMENT ON VIEW medaid.suspected_uninsured_masked IS 'the suspected uninsured for analysts: masked IDs (full for members of medaid_full_id); recipients of the caller''s regions';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.year IS 'the year';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.id_masked IS 'the recipient, masked';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.id_number IS 'the full ID number for members of medaid_full_id, else NULL';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.region IS 'the region of the latest applied roster row';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.category IS 'the most favourable category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.categories IS 'every category held in the year';
COMMENT ON COLUMN medaid.suspected_uninsured_masked.held_at_year_end IS 'whether a category is still held on 31 December';
