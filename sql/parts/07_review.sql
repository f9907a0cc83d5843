-------------------------------------------------------------------------------
-- Monthly review by county staff (每月10号前复核上月数据)
-------------------------------------------------------------------------------

CREATE TABLE medaid.monthly_review (
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	month date NOT NULL CHECK (month OPERATOR(pg_catalog.=) pg_catalog.date_trunc('month', month)::date),
	reviewed_by name NOT NULL DEFAULT SESSION_USER,
	reviewed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	note text,
	PRIMARY KEY (region, month)
);
COMMENT ON TABLE medaid.monthly_review IS 'sign-offs of the monthly review of a county''s new, exited and changed records';
COMMENT ON COLUMN medaid.monthly_review.region IS 'the county';
COMMENT ON COLUMN medaid.monthly_review.month IS 'the month reviewed (first day): the period of the batches whose changes were reviewed';
COMMENT ON COLUMN medaid.monthly_review.reviewed_by IS 'who signed off';
COMMENT ON COLUMN medaid.monthly_review.reviewed_at IS 'when';
COMMENT ON COLUMN medaid.monthly_review.note IS 'the reviewer''s note, ID-like digit runs masked (mask_id_runs)';

CREATE VIEW medaid.review_status WITH (security_barrier = true) AS
	SELECT c.region, c.month, c.adds, c.exits, c.changes,
		   (c.month + interval '1 month' + interval '9 days')::date AS due_on,
		   r.reviewed_at, r.reviewed_by,
		   r.reviewed_at IS NULL AND CURRENT_DATE >= (c.month + interval '1 month' + interval '9 days')::date AS overdue
	FROM (SELECT ch.region, b.period AS month,
				 count(*) FILTER (WHERE ch.change = 'add') AS adds,
				 count(*) FILTER (WHERE ch.change = 'exit') AS exits,
				 count(*) FILTER (WHERE ch.change = 'change') AS changes
		  FROM medaid.roster_change ch JOIN medaid.batch b ON b.batch_id = ch.batch_id
		  GROUP BY ch.region, b.period) c
	LEFT JOIN medaid.monthly_review r ON r.region = c.region AND r.month = c.month
	WHERE c.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);
COMMENT ON VIEW medaid.review_status IS
'per county and month: the adds, exits and changes reconciliation made, the review due before the 10th of the next month, whether it was done, and which counties are overdue (the counties of the caller''s regions)';
COMMENT ON COLUMN medaid.review_status.region IS 'the county';
COMMENT ON COLUMN medaid.review_status.month IS 'the month of the batches (first day)';
COMMENT ON COLUMN medaid.review_status.adds IS 'categories started';
COMMENT ON COLUMN medaid.review_status.exits IS 'categories ended (exits and snapshot omissions)';
COMMENT ON COLUMN medaid.review_status.changes IS 'changes of category';
COMMENT ON COLUMN medaid.review_status.due_on IS 'the 10th of the next month: the review is due before it';
COMMENT ON COLUMN medaid.review_status.reviewed_at IS 'when it was signed off; NULL if not yet';
COMMENT ON COLUMN medaid.review_status.reviewed_by IS 'who signed off';
COMMENT ON COLUMN medaid.review_status.overdue IS 'not signed off and the 10th has come';

CREATE FUNCTION medaid.mark_reviewed(region text, month date, note text DEFAULT NULL)
	RETURNS medaid.monthly_review
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	result medaid.monthly_review;
BEGIN
	IF region IS NULL OR region !~ '^[0-9]{6}$' THEN
		RAISE EXCEPTION 'invalid county code: %', coalesce(quote_literal(region), 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'A county code has 6 digits.';
	END IF;
	IF month IS NULL OR NOT isfinite(month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Give any day of the month reviewed.';
	END IF;
	-- a county signs off its own regions only (region_access)
	IF NOT mark_reviewed.region LIKE ANY (medaid.region_patterns(medaid.caller())) THEN
		RAISE EXCEPTION 'permission denied to sign off region %', mark_reviewed.region
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = format('Role %s is not mapped to region %s in medaid.region_access.', medaid.caller(), mark_reviewed.region),
				  HINT = 'An administrator maps roles to regions in medaid.region_access.';
	END IF;
	INSERT INTO medaid.monthly_review AS m (region, month, note)
	VALUES (mark_reviewed.region, date_trunc('month', mark_reviewed.month)::date, medaid.mask_id_runs(mark_reviewed.note))
	ON CONFLICT (region, month) DO UPDATE
		SET reviewed_by = SESSION_USER, reviewed_at = now(), note = EXCLUDED.note
	RETURNING m.* INTO result;
	INSERT INTO medaid.audit_log (action, month, region, detail)
	VALUES ('review_signoff', result.month, result.region,
			CASE WHEN result.note IS NOT NULL THEN jsonb_build_object('note', result.note) END);
	RETURN result;
END
$$;
COMMENT ON FUNCTION medaid.mark_reviewed(text, date, text) IS
'sign off a county''s review of a month (who and when are recorded; signing again updates them)';
SELECT pg_catalog.pg_extension_config_dump('medaid.monthly_review', '');
