-------------------------------------------------------------------------------
-- The staging path for settlement files: every row judged, the good ones
-- loaded, the bad ones reported one by one (the whole file is never refused)
-------------------------------------------------------------------------------

CREATE TABLE medaid.settlement_load (
	load_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('medaid.batch_id_seq'),
	opened_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	opened_by name NOT NULL DEFAULT SESSION_USER,
	loaded_at timestamptz,
	rows_staged bigint,
	accepted bigint,
	rejected bigint
);
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_load', '');
COMMENT ON TABLE medaid.settlement_load IS 'loads of settlement files through settlement_staging (open_settlement_load, load_settlements)';
COMMENT ON COLUMN medaid.settlement_load.load_id IS 'the load: the load_id of its rows in settlement_staging';
COMMENT ON COLUMN medaid.settlement_load.opened_at IS 'when it was opened';
COMMENT ON COLUMN medaid.settlement_load.opened_by IS 'who opened it';
COMMENT ON COLUMN medaid.settlement_load.loaded_at IS 'when load_settlements ran; NULL before';
COMMENT ON COLUMN medaid.settlement_load.rows_staged IS 'rows judged';
COMMENT ON COLUMN medaid.settlement_load.accepted IS 'rows loaded into settlement';
COMMENT ON COLUMN medaid.settlement_load.rejected IS 'rows refused (settlement_rejected)';

CREATE TABLE medaid.settlement_staging (
	load_id bigint NOT NULL REFERENCES medaid.settlement_load,
	row_no integer NOT NULL,
	settlement_id text,
	id_number text,
	settle_date text,
	region text,
	total text,
	fund_paid text,
	critical_paid text,
	assistance_paid text,
	reverses text,
	PRIMARY KEY (load_id, row_no)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_staging', '');
COMMENT ON TABLE medaid.settlement_staging IS 'COPY target for settlement files as sent, every field text, so that no row can stop the COPY';
COMMENT ON COLUMN medaid.settlement_staging.load_id IS 'the load (open_settlement_load)';
COMMENT ON COLUMN medaid.settlement_staging.row_no IS 'the row''s number in the file';
COMMENT ON COLUMN medaid.settlement_staging.settlement_id IS 'as sent';
COMMENT ON COLUMN medaid.settlement_staging.id_number IS 'as sent';
COMMENT ON COLUMN medaid.settlement_staging.settle_date IS 'as sent: YYYY-MM-DD';
COMMENT ON COLUMN medaid.settlement_staging.region IS 'as sent: 6 digits';
COMMENT ON COLUMN medaid.settlement_staging.total IS 'as sent: yuan, at most two decimals';
COMMENT ON COLUMN medaid.settlement_staging.fund_paid IS 'as sent (empty: 0)';
COMMENT ON COLUMN medaid.settlement_staging.critical_paid IS 'as sent (empty: 0)';
COMMENT ON COLUMN medaid.settlement_staging.assistance_paid IS 'as sent (empty: 0)';
COMMENT ON COLUMN medaid.settlement_staging.reverses IS 'as sent: the settlement_id a reversal negates';

CREATE TABLE medaid.settlement_rejected (
	load_id bigint NOT NULL,
	row_no integer NOT NULL,
	reason text NOT NULL,
	id_masked text,
	field text,
	PRIMARY KEY (load_id, row_no)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.settlement_rejected', '');
COMMENT ON TABLE medaid.settlement_rejected IS 'the rows of a settlement load that were refused, one by one, with the reason';
COMMENT ON COLUMN medaid.settlement_rejected.load_id IS 'the load';
COMMENT ON COLUMN medaid.settlement_rejected.row_no IS 'the row';
COMMENT ON COLUMN medaid.settlement_rejected.reason IS 'missing_settlement_id, id_<cnid reason>, bad_date, future_date, bad_region, bad_amount, negative_amount, paid_more_than_total, assistance_more_than_burden, duplicate_in_load, duplicate_settlement_id, reversal_not_found, reversal_other_person, reversal_of_reversal, reversal_amounts, reversal_before_original, reversed_twice';
COMMENT ON COLUMN medaid.settlement_rejected.id_masked IS 'the ID number as sent, masked';
COMMENT ON COLUMN medaid.settlement_rejected.field IS 'the field the reason is about: settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, ''fund_paid, critical_paid'' (paid_more_than_total) or reverses';

CREATE FUNCTION medaid.open_settlement_load() RETURNS bigint
	LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$ INSERT INTO medaid.settlement_load DEFAULT VALUES RETURNING load_id $$;
COMMENT ON FUNCTION medaid.open_settlement_load() IS 'open a settlement load: returns its load_id for settlement_staging';

-- The load in steps.  load_settlements locks the load and calls them in
-- order; they hand the rows on in pg_temp.medaid_settlement_rows (each
-- staged row parsed, with the reason it is refused, NULL for the good
-- ones).  Only medaid_owner, in whose name load_settlements runs, may call
-- them.

CREATE FUNCTION medaid.settlement_load_judge_rows(load_id bigint) RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
BEGIN
	IF to_regclass('pg_temp.medaid_settlement_rows') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_settlement_rows;
	END IF;
	CREATE TEMP TABLE medaid_settlement_rows ON COMMIT DROP AS
	WITH f AS (
		SELECT s.row_no, nullif(btrim(s.settlement_id), '') AS sid, s.id_number AS raw_id,
			   medaid.cnid_try(s.id_number) AS id,
			   btrim(s.settle_date) AS d, btrim(s.region) AS region,
			   btrim(s.total) AS total, coalesce(nullif(btrim(s.fund_paid), ''), '0') AS fund,
			   coalesce(nullif(btrim(s.critical_paid), ''), '0') AS critical,
			   coalesce(nullif(btrim(s.assistance_paid), ''), '0') AS assist,
			   nullif(btrim(s.reverses), '') AS reverses
		FROM medaid.settlement_staging s WHERE s.load_id = settlement_load_judge_rows.load_id
	), h AS (
		SELECT f.*,
			   -- reason/field: the reason and the field it is about
			   CASE
				WHEN f.sid IS NULL THEN 'missing_settlement_id/settlement_id'
				WHEN f.id IS NULL THEN 'id_' || medaid.cnid_invalid_reason(f.raw_id) || '/id_number'
				WHEN f.d IS NULL OR f.d !~ '^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
					 OR substr(f.d, 9, 2)::int > extract(day FROM (substr(f.d, 1, 8) || '01')::date + interval '1 month - 1 day')
					THEN 'bad_date/settle_date'
				WHEN f.d::date > CURRENT_DATE THEN 'future_date/settle_date'
				WHEN f.region IS NULL OR f.region !~ '^[0-9]{6}$' THEN 'bad_region/region'
				WHEN f.total IS NULL OR f.total !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' THEN 'bad_amount/total'
				WHEN f.fund !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' THEN 'bad_amount/fund_paid'
				WHEN f.critical !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' THEN 'bad_amount/critical_paid'
				WHEN f.assist !~ '^-?[0-9]{1,13}(\.[0-9]{1,2})?$' THEN 'bad_amount/assistance_paid'
				WHEN f.reverses IS NULL AND f.total::numeric < 0 THEN 'negative_amount/total'
				WHEN f.reverses IS NULL AND f.fund::numeric < 0 THEN 'negative_amount/fund_paid'
				WHEN f.reverses IS NULL AND f.critical::numeric < 0 THEN 'negative_amount/critical_paid'
				WHEN f.reverses IS NULL AND f.assist::numeric < 0 THEN 'negative_amount/assistance_paid'
				WHEN f.reverses IS NULL AND f.fund::numeric + f.critical::numeric > f.total::numeric
					THEN 'paid_more_than_total/fund_paid, critical_paid'
				-- assistance pays part of the personal burden, never more
				WHEN f.reverses IS NULL AND f.assist::numeric > f.total::numeric - f.fund::numeric - f.critical::numeric
					THEN 'assistance_more_than_burden/assistance_paid'
			   END AS judged
		FROM f
	), g AS (
		SELECT h.*, split_part(h.judged, '/', 1) AS reason, nullif(split_part(h.judged, '/', 2), '') AS field
		FROM h
	)
	SELECT g.row_no, g.sid, g.raw_id, g.id, g.region, g.reverses,
		   CASE WHEN g.reason IS NULL THEN g.d::date END AS settle_date,
		   CASE WHEN g.reason IS NULL THEN g.total::numeric END AS total,
		   CASE WHEN g.reason IS NULL THEN g.fund::numeric END AS fund_paid,
		   CASE WHEN g.reason IS NULL THEN g.critical::numeric END AS critical_paid,
		   CASE WHEN g.reason IS NULL THEN g.assist::numeric END AS assistance_paid,
		   nullif(g.reason, '') AS reason, g.field
	FROM g;
END
$$;
COMMENT ON FUNCTION medaid.settlement_load_judge_rows(bigint) IS
'step 1 of load_settlements, for it alone (docs/rules.md §4): every staged row of the load, each on its own, into pg_temp.medaid_settlement_rows: its fields parsed, and the reason it is refused (missing_settlement_id, id_<cnid reason>, bad_date, future_date, bad_region, bad_amount, negative_amount, paid_more_than_total, assistance_more_than_burden) with the field it is about, NULL when it is good';

CREATE FUNCTION medaid.settlement_load_judge_ids() RETURNS void
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
BEGIN
	-- the same id twice in the file: the first row stands
	UPDATE medaid_settlement_rows r SET reason = 'duplicate_in_load'
	FROM (SELECT x.row_no, row_number() OVER (PARTITION BY x.sid ORDER BY x.row_no) AS n
		  FROM medaid_settlement_rows x WHERE x.reason IS NULL) d
	WHERE r.row_no = d.row_no AND d.n > 1;
	UPDATE medaid_settlement_rows r SET reason = 'duplicate_settlement_id'
	FROM medaid.settlement_key k WHERE r.reason IS NULL AND k.settlement_id = r.sid;
	-- reversals: of a settlement loaded before or accepted in this file
	UPDATE medaid_settlement_rows r SET reason = v.why
	FROM (SELECT x.row_no,
				 CASE
				  WHEN o.sid IS NULL THEN 'reversal_not_found'
				  WHEN o.id OPERATOR(medaid.<>) x.id THEN 'reversal_other_person'
				  WHEN o.reverses IS NOT NULL THEN 'reversal_of_reversal'
				  WHEN x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
					   OR x.assistance_paid <> -o.assistance_paid THEN 'reversal_amounts'
				  WHEN x.settle_date < o.settle_date THEN 'reversal_before_original'
				 END AS why
		  FROM medaid_settlement_rows x
		  LEFT JOIN LATERAL (
			SELECT y.sid, y.id, y.reverses, y.total, y.fund_paid, y.critical_paid, y.assistance_paid, y.settle_date
			FROM medaid_settlement_rows y WHERE y.sid = x.reverses AND y.reason IS NULL
			UNION ALL
			SELECT s.settlement_id, s.id_number, s.reverses, s.total, s.fund_paid, s.critical_paid, s.assistance_paid, s.settle_date
			FROM medaid.settlement_key k JOIN medaid.settlement s
			  ON s.settlement_id = k.settlement_id AND s.settle_date = k.settle_date
			WHERE k.settlement_id = x.reverses
			LIMIT 1) o ON true
		  WHERE x.reason IS NULL AND x.reverses IS NOT NULL) v
	WHERE r.row_no = v.row_no AND v.why IS NOT NULL;
	UPDATE medaid_settlement_rows r SET reason = 'reversed_twice'
	FROM (SELECT x.row_no,
				 row_number() OVER (PARTITION BY x.reverses ORDER BY x.row_no) AS n,
				 EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = x.reverses AND k.reversed_by IS NOT NULL) AS done
		  FROM medaid_settlement_rows x WHERE x.reason IS NULL AND x.reverses IS NOT NULL) d
	WHERE r.row_no = d.row_no AND (d.n > 1 OR d.done);
	-- an original refused above takes its reversal with it
	UPDATE medaid_settlement_rows r SET reason = 'reversal_not_found'
	WHERE r.reason IS NULL AND r.reverses IS NOT NULL
	  AND NOT EXISTS (SELECT FROM medaid.settlement_key k WHERE k.settlement_id = r.reverses)
	  AND NOT EXISTS (SELECT FROM medaid_settlement_rows y WHERE y.sid = r.reverses AND y.reason IS NULL);
END
$$;
COMMENT ON FUNCTION medaid.settlement_load_judge_ids() IS
'step 2 of load_settlements, for it alone (docs/rules.md §4): refuses, in pg_temp.medaid_settlement_rows, the good rows whose id is already in the file (duplicate_in_load: the first stands) or loaded (duplicate_settlement_id), and the reversals that negate no settlement of the file or loaded before as the rules ask (reversal_not_found, reversal_other_person, reversal_of_reversal, reversal_amounts, reversal_before_original, reversed_twice)';

CREATE FUNCTION medaid.settlement_load_write(load_id bigint,
		OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
#variable_conflict use_column
DECLARE
	first_month date;
	last_month date;
BEGIN
	SELECT min(date_trunc('month', x.settle_date))::date, max(x.settle_date)
	INTO first_month, last_month FROM medaid_settlement_rows x WHERE x.reason IS NULL;
	-- at most the 240 months ensure_settlement_partitions makes in a call;
	-- rows of a wider load wait in settlement_default
	IF first_month IS NOT NULL AND last_month < first_month + interval '20 years' THEN
		PERFORM medaid.ensure_settlement_partitions(first_month, last_month);
	END IF;
	INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total, fund_paid,
								   critical_paid, assistance_paid, reverses)
	SELECT x.sid, x.id, x.settle_date, x.region, x.total, x.fund_paid, x.critical_paid, x.assistance_paid, x.reverses
	FROM medaid_settlement_rows x WHERE x.reason IS NULL
	ORDER BY x.settle_date, x.row_no;
	INSERT INTO medaid.settlement_rejected (load_id, row_no, reason, id_masked, field)
	SELECT settlement_load_write.load_id, x.row_no, x.reason, CASE WHEN x.raw_id IS NOT NULL THEN medaid.cnid_mask(x.raw_id) END,
		   coalesce(x.field, CASE WHEN x.reason LIKE 'duplicate%' THEN 'settlement_id'
								  WHEN x.reason LIKE 'revers%' THEN 'reverses' END)
	FROM medaid_settlement_rows x WHERE x.reason IS NOT NULL;

	SELECT count(*), count(*) FILTER (WHERE x.reason IS NULL), count(*) FILTER (WHERE x.reason IS NOT NULL)
	INTO rows_staged, accepted, rejected FROM medaid_settlement_rows x;
	UPDATE medaid.settlement_load x SET loaded_at = now(), rows_staged = settlement_load_write.rows_staged,
		accepted = settlement_load_write.accepted, rejected = settlement_load_write.rejected
	WHERE x.load_id = settlement_load_write.load_id;
	INSERT INTO medaid.audit_log (action, load_id, counts)
	VALUES ('settlement_load', settlement_load_write.load_id,
			jsonb_build_object('rows_staged', settlement_load_write.rows_staged, 'accepted', settlement_load_write.accepted,
							   'rejected', settlement_load_write.rejected));
END
$$;
COMMENT ON FUNCTION medaid.settlement_load_write(bigint) IS
'step 3 of load_settlements, for it alone (docs/rules.md §4): the good rows of pg_temp.medaid_settlement_rows into settlement (making the partitions of their months), each refused row with its reason and masked ID into settlement_rejected; records the counts in the load''s row and the audit log, and returns them';

CREATE FUNCTION medaid.load_settlements(load_id bigint,
		OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp SET jit = off
	AS $$
#variable_conflict use_column
DECLARE
	l medaid.settlement_load%ROWTYPE;
BEGIN
	SELECT * INTO l FROM medaid.settlement_load x WHERE x.load_id = load_settlements.load_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'settlement load % does not exist', load_settlements.load_id
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Open one with medaid.open_settlement_load().';
	END IF;
	IF l.loaded_at IS NOT NULL THEN
		rows_staged := l.rows_staged; accepted := l.accepted; rejected := l.rejected;
		RETURN;
	END IF;
	-- the steps: each row on its own, against the others and the loaded
	-- settlements, then the good ones loaded and the refused recorded
	PERFORM medaid.settlement_load_judge_rows(l.load_id);
	PERFORM medaid.settlement_load_judge_ids();
	SELECT w.rows_staged, w.accepted, w.rejected INTO rows_staged, accepted, rejected
	FROM medaid.settlement_load_write(l.load_id) w;
	DROP TABLE pg_temp.medaid_settlement_rows;
END
$$;
COMMENT ON FUNCTION medaid.load_settlements(bigint) IS
'judge every staged row of a settlement load: load the good ones into settlement (making partitions as needed), record each refused row with its reason in settlement_rejected; returns the counts; again changes nothing. Its steps: settlement_load_judge_rows, settlement_load_judge_ids, settlement_load_write';

-------------------------------------------------------------------------------
