-------------------------------------------------------------------------------
-- Settlements (结算) with reversals (冲销), their burden states, and the
-- settlements a late roster change reaches back over (33号 §四, 20号 §三)
-------------------------------------------------------------------------------

CREATE TABLE medaid.settlement (
	settlement_id text NOT NULL CHECK (settlement_id <> ''),
	id_number medaid.cnid NOT NULL,
	settle_date date NOT NULL CHECK (pg_catalog.isfinite(settle_date)),
	region text NOT NULL CHECK (region ~ '^[0-9]{6}$'),
	total numeric NOT NULL CHECK (total = round(total, 2)),
	fund_paid numeric NOT NULL DEFAULT 0 CHECK (fund_paid = round(fund_paid, 2)),
	critical_paid numeric NOT NULL DEFAULT 0 CHECK (critical_paid = round(critical_paid, 2)),
	assistance_paid numeric NOT NULL DEFAULT 0 CHECK (assistance_paid = round(assistance_paid, 2)),
	reverses text,
	burden numeric GENERATED ALWAYS AS (total - fund_paid - critical_paid) STORED,
	-- only a reversal is negative, and insurance never pays more than the
	-- cost: else a row could lower a burden and hide a warning
	CONSTRAINT settlement_amounts CHECK (reverses IS NOT NULL OR
		(total >= 0 AND fund_paid >= 0 AND critical_paid >= 0 AND assistance_paid >= 0
		 AND fund_paid + critical_paid <= total))
) PARTITION BY RANGE (settle_date);
-- Indexes are made per partition (not on the parent): pg_dump then restores
-- the partitions that ensure_settlement_partitions made, with theirs, without
-- the parent's index making a second copy on ATTACH.
CREATE TABLE medaid.settlement_default PARTITION OF medaid.settlement DEFAULT;
CREATE INDEX settlement_default_person ON medaid.settlement_default (id_number, settle_date);
CREATE INDEX settlement_default_id ON medaid.settlement_default (settlement_id);
COMMENT ON TABLE medaid.settlement IS
'settlements (COPY target), partitioned by month: rows of a month without a partition wait in settlement_default until ensure_settlement_partitions makes one; settlement_id is unique, and a reversal must negate an existing settlement of the same person';
COMMENT ON TABLE medaid.settlement_default IS 'settlements of months that have no partition yet (ensure_settlement_partitions moves them)';
COMMENT ON COLUMN medaid.settlement.settlement_id IS 'the settlement''s id, unique';
COMMENT ON COLUMN medaid.settlement.id_number IS 'the insured person';
COMMENT ON COLUMN medaid.settlement.settle_date IS 'the settlement date; a reversal counts on its own date';
COMMENT ON COLUMN medaid.settlement.region IS 'the insured place (参保地), 6 digits: its first two give the threshold''s province';
COMMENT ON COLUMN medaid.settlement.total IS 'total cost, yuan with two decimals';
COMMENT ON COLUMN medaid.settlement.fund_paid IS 'basic medical insurance fund payment';
COMMENT ON COLUMN medaid.settlement.critical_paid IS 'critical-illness insurance payment';
COMMENT ON COLUMN medaid.settlement.assistance_paid IS 'medical-assistance payment';
COMMENT ON COLUMN medaid.settlement.reverses IS 'for a reversal (冲销): the settlement_id it negates';
COMMENT ON COLUMN medaid.settlement.burden IS 'personal burden after basic insurance and critical-illness insurance: total - fund_paid - critical_paid';

-- settlement_id is unique across partitions: this table holds each id once.
CREATE TABLE medaid.settlement_key (
	settlement_id text PRIMARY KEY,
	id_number medaid.cnid NOT NULL,
	settle_date date NOT NULL,
	reversed_by text UNIQUE,
	loaded_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE medaid.settlement_key IS 'every settlement_id once (uniqueness across partitions), and the reversal of each settlement, if any';
COMMENT ON COLUMN medaid.settlement_key.settlement_id IS 'the settlement''s id';
COMMENT ON COLUMN medaid.settlement_key.id_number IS 'its person';
COMMENT ON COLUMN medaid.settlement_key.settle_date IS 'its date';
COMMENT ON COLUMN medaid.settlement_key.reversed_by IS 'the settlement_id of the reversal that negates it';
COMMENT ON COLUMN medaid.settlement_key.loaded_at IS 'when it was loaded (the transaction''s time)';

-- The running burden state (33号 §四): one row per person and year, which
-- settlement_accept updates with each load, so that run_monthly_warnings
-- costs what changed since its last run, not the whole year.
CREATE SEQUENCE medaid.burden_change_seq;
COMMENT ON SEQUENCE medaid.burden_change_seq IS 'stamps of changes to burden_year; a warning run records the stamp it saw';
CREATE TABLE medaid.burden_year (
	id_number medaid.cnid NOT NULL,
	year integer NOT NULL,
	state bytea NOT NULL,
	last_day date NOT NULL,
	changed_seq bigint NOT NULL,
	PRIMARY KEY (id_number, year)
);
CREATE INDEX burden_year_changed ON medaid.burden_year (year, changed_seq);
CREATE INDEX burden_year_last_day ON medaid.burden_year (year, last_day);
COMMENT ON TABLE medaid.burden_year IS
'each person''s settlements of a year as one burden state (burden_state): settlement loads keep it up to date, category changes mark it changed; rebuild_burden_state makes it again from the settlements';
COMMENT ON COLUMN medaid.burden_year.id_number IS 'the person';
COMMENT ON COLUMN medaid.burden_year.year IS 'the calendar year of the settlements';
COMMENT ON COLUMN medaid.burden_year.state IS 'burden_state of the person''s settlements of the year (read with burden_state_result and burden_state_region)';
COMMENT ON COLUMN medaid.burden_year.last_day IS 'the latest settlement date in the state';
COMMENT ON COLUMN medaid.burden_year.changed_seq IS 'the burden_change_seq stamp of the last load or category change that touched the person';

-- Category changes change thresholds: mark the people's burden states.
CREATE FUNCTION medaid.category_period_mark_changed() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	s bigint;
BEGIN
	-- the lock before the stamp: a warning run that has seen this stamp
	-- waits for this transaction (see run_monthly_warnings)
	LOCK TABLE medaid.burden_year IN ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	IF TG_OP = 'INSERT' THEN
		UPDATE medaid.burden_year b SET changed_seq = s
		WHERE b.id_number OPERATOR(medaid.=) ANY (SELECT DISTINCT x.id_number FROM new_rows x);
	ELSIF TG_OP = 'UPDATE' THEN
		UPDATE medaid.burden_year b SET changed_seq = s
		WHERE b.id_number OPERATOR(medaid.=) ANY (SELECT x.id_number FROM new_rows x
												  UNION SELECT o.id_number FROM old_rows o);
	ELSE
		UPDATE medaid.burden_year b SET changed_seq = s
		WHERE b.id_number OPERATOR(medaid.=) ANY (SELECT DISTINCT o.id_number FROM old_rows o);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.category_period_mark_changed() IS
'statement trigger on category_period: stamps the burden states of the people whose categories changed, so the next warning run computes them again';
CREATE TRIGGER category_period_mark_changed_insert AFTER INSERT ON medaid.category_period
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_mark_changed();
CREATE TRIGGER category_period_mark_changed_update AFTER UPDATE ON medaid.category_period
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_mark_changed();
CREATE TRIGGER category_period_mark_changed_delete AFTER DELETE ON medaid.category_period
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.category_period_mark_changed();

CREATE FUNCTION medaid.settlement_accept() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	bad record;
	s bigint;
	originals text[];
	reversals bigint;
BEGIN
	-- What load_settlements refuses row by row, refused here for the whole
	-- statement, in one pass over its rows: dates outside 1900 to 2999
	-- (bad_date: 9999-12-31, 0001-01-01 and BC dates, whose months have no
	-- partition name of their own, settlement_y0001m01 being 1 BC and AD 1);
	-- amounts of 14 digits or more before the point (bad_amount: the burden
	-- states below would overflow with an error that names no row); and
	-- assistance above the personal burden it pays part of
	-- (assistance_more_than_burden).  The first kind found is named, at its
	-- first settlement_id.
	SELECT x.settlement_id, x.settle_date, x.burden,
		   CASE WHEN x.settle_date < date '1900-01-01' OR x.settle_date > date '2999-12-31' THEN 1
				WHEN greatest(abs(x.total), abs(x.fund_paid), abs(x.critical_paid), abs(x.assistance_paid))
					 >= 10000000000000 THEN 2
				ELSE 3 END AS kind,
		   CASE WHEN abs(x.total) >= 10000000000000 THEN 'total'
				WHEN abs(x.fund_paid) >= 10000000000000 THEN 'fund_paid'
				WHEN abs(x.critical_paid) >= 10000000000000 THEN 'critical_paid'
				ELSE 'assistance_paid' END AS field,
		   CASE WHEN abs(x.total) >= 10000000000000 THEN x.total
				WHEN abs(x.fund_paid) >= 10000000000000 THEN x.fund_paid
				WHEN abs(x.critical_paid) >= 10000000000000 THEN x.critical_paid
				ELSE x.assistance_paid END AS amount
	INTO bad
	FROM new_rows x
	WHERE x.settle_date < date '1900-01-01' OR x.settle_date > date '2999-12-31'
	   OR greatest(abs(x.total), abs(x.fund_paid), abs(x.critical_paid), abs(x.assistance_paid)) >= 10000000000000
	   OR (x.reverses IS NULL AND x.assistance_paid > x.burden)
	ORDER BY 4, x.settlement_id
	LIMIT 1;
	IF FOUND AND bad.kind = 1 THEN
		RAISE EXCEPTION 'settlement %: settle_date % is out of range', quote_literal(bad.settlement_id), bad.settle_date
			USING ERRCODE = 'datetime_field_overflow',
				  DETAIL = 'A settlement is dated from 1900-01-01 to 2999-12-31 (load_settlements refuses other dates as bad_date).',
				  HINT = 'Correct the date in the source; a BC date is usually a sign that year and day were swapped.';
	ELSIF FOUND AND bad.kind = 2 THEN
		RAISE EXCEPTION 'settlement %: % % is out of range', quote_literal(bad.settlement_id), bad.field, bad.amount
			USING ERRCODE = 'numeric_value_out_of_range',
				  DETAIL = 'An amount has at most 13 digits before the point (load_settlements refuses more as bad_amount).';
	ELSIF FOUND THEN
		RAISE EXCEPTION 'settlement %: assistance_paid % is more than the personal burden %', quote_literal(bad.settlement_id),
			bad.amount, bad.burden
			USING ERRCODE = 'check_violation',
				  DETAIL = 'Medical assistance pays part of the burden left after basic and critical-illness insurance (total - fund_paid - critical_paid), never more (load_settlements: assistance_more_than_burden).';
	END IF;
	-- one id twice in this statement, or already held
	SELECT x.settlement_id, count(*) AS times INTO bad
	FROM new_rows x GROUP BY x.settlement_id HAVING count(*) > 1 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'duplicate settlement_id %', quote_literal(bad.settlement_id)
			USING ERRCODE = 'unique_violation',
				  DETAIL = format('The rows loaded carry it %s times; a settlement is loaded once.', bad.times);
	END IF;
	SELECT x.settlement_id INTO bad
	FROM new_rows x JOIN medaid.settlement_key k ON k.settlement_id = x.settlement_id LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'duplicate settlement_id %', quote_literal(bad.settlement_id)
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A settlement with this id is already loaded.',
				  HINT = 'Correct a settlement with a reversal (a negative row whose reverses names it) and a new settlement.';
	END IF;
	-- every id, first: the originals of this statement's reversals are then
	-- found the same way as those loaded before
	INSERT INTO medaid.settlement_key (settlement_id, id_number, settle_date)
	SELECT x.settlement_id, x.id_number, x.settle_date FROM new_rows x;
	-- a reversal negates an existing settlement of the same person, once.
	-- The originals are looked up by id (settlement_key, then the one
	-- partition of their date) from the array of the ids reversals name:
	-- they cost the month's reversals, not the history and not reversals x
	-- originals (the statement's rows have no statistics, and a join planned
	-- on guesses became a nested loop over both).
	SELECT array_agg(DISTINCT x.reverses), count(*) INTO originals, reversals
	FROM new_rows x WHERE x.reverses IS NOT NULL;
	IF originals IS NOT NULL THEN
		-- The originals are found first, each by its key and then in the one
		-- partition of its date (LATERAL ... LIMIT 1: the planner may not
		-- turn it into a hash join that reads every partition), and kept
		-- (MATERIALIZED: a join planned with them inside would look them all
		-- up again for every reversal); then hashed against the reversals.
		-- Each choice was seen to go wrong otherwise (docs/bench/plans.md).
		WITH o AS MATERIALIZED (
			SELECT s.*
			FROM medaid.settlement_key k
			CROSS JOIN LATERAL (
				SELECT s.settlement_id, s.id_number, s.reverses, s.total, s.fund_paid, s.critical_paid,
					   s.assistance_paid, s.settle_date
				FROM medaid.settlement s
				WHERE s.settlement_id = k.settlement_id AND s.settle_date = k.settle_date
				LIMIT 1
			) s
			WHERE k.settlement_id = ANY (originals)
		)
		SELECT x.settlement_id, x.reverses,
			   CASE
				WHEN o.settlement_id IS NULL THEN 'it names no settlement'
				WHEN o.id_number OPERATOR(medaid.<>) x.id_number THEN 'it names a settlement of another person'
				WHEN o.reverses IS NOT NULL THEN 'it names a reversal'
				WHEN x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
					 OR x.assistance_paid <> -o.assistance_paid THEN 'its amounts do not negate the original''s'
				WHEN x.settle_date < o.settle_date THEN 'it is dated before the original'
			   END AS why
		INTO bad
		FROM new_rows x
		LEFT JOIN o ON o.settlement_id = x.reverses
		WHERE x.reverses IS NOT NULL
		  AND (o.settlement_id IS NULL OR o.id_number OPERATOR(medaid.<>) x.id_number OR o.reverses IS NOT NULL
			   OR x.total <> -o.total OR x.fund_paid <> -o.fund_paid OR x.critical_paid <> -o.critical_paid
			   OR x.assistance_paid <> -o.assistance_paid OR x.settle_date < o.settle_date)
		-- ORDER BY: the first broken one by id, and a plan costed for all the
		-- reversals (a bare LIMIT 1 favours a nested loop that expects to
		-- find one at once)
		ORDER BY x.settlement_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'broken reversal %: %', quote_literal(bad.settlement_id), bad.why
				USING ERRCODE = 'foreign_key_violation',
					  DETAIL = format('It reverses %s. A reversal is a row of the same person whose amounts are the original''s, negated, dated on or after it.',
									  quote_literal(bad.reverses));
		END IF;
		-- an original is reversed once
		SELECT k.settlement_id AS reverses INTO bad
		FROM medaid.settlement_key k
		WHERE k.settlement_id = ANY (originals) AND k.reversed_by IS NOT NULL
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'settlement % is already reversed', quote_literal(bad.reverses)
				USING ERRCODE = 'unique_violation';
		END IF;
		-- every original exists (checked above): fewer originals than
		-- reversals means two of them name one
		IF cardinality(originals) <> reversals THEN
			RAISE EXCEPTION 'a settlement is reversed twice in one load'
				USING ERRCODE = 'unique_violation';
		END IF;
		UPDATE medaid.settlement_key k SET reversed_by = x.settlement_id
		FROM new_rows x
		WHERE k.settlement_id = ANY (originals) AND x.reverses = k.settlement_id;
	END IF;
	-- the running burden state of each person and year loaded; the lock
	-- before the stamp: a warning run that has seen this stamp waits for
	-- this transaction (see run_monthly_warnings)
	LOCK TABLE medaid.burden_year IN ROW EXCLUSIVE MODE;
	s := nextval('medaid.burden_change_seq');
	INSERT INTO medaid.burden_year AS b (id_number, year, state, last_day, changed_seq)
	SELECT x.id_number, extract(year FROM x.settle_date)::integer,
		   medaid.burden_state(x.settle_date, x.burden, x.settlement_id, x.region), max(x.settle_date), s
	FROM new_rows x
	GROUP BY 1, 2
	ON CONFLICT (id_number, year) DO UPDATE
		SET state = medaid.burden_state_merge(b.state, excluded.state),
			last_day = greatest(b.last_day, excluded.last_day), changed_seq = excluded.changed_seq;
	INSERT INTO medaid.audit_log (action, counts, detail)
	SELECT 'settlement_insert', jsonb_build_object('rows', count(*), 'reversals', count(x.reverses)),
		   jsonb_build_object('first_date', min(x.settle_date), 'last_date', max(x.settle_date))
	FROM new_rows x;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.settlement_accept() IS
'statement trigger on settlement: refuses dates outside 1900-01-01 to 2999-12-31, amounts of more than 13 digits, assistance above the personal burden, duplicate settlement_ids and broken reversals with a clear error, records every id, and adds the rows to the people''s burden states (burden_year)';
CREATE TRIGGER settlement_accept AFTER INSERT ON medaid.settlement
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_accept();

CREATE FUNCTION medaid.settlement_no_change() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	RAISE EXCEPTION 'settlements are not changed or deleted'
		USING ERRCODE = 'object_not_in_prerequisite_state',
			  HINT = 'Correct a settlement with a reversal and a new settlement.';
END
$$;
COMMENT ON FUNCTION medaid.settlement_no_change() IS 'refuses UPDATE and DELETE of settlements: corrections are reversals';
CREATE TRIGGER settlement_no_change BEFORE UPDATE OR DELETE ON medaid.settlement
	FOR EACH ROW EXECUTE FUNCTION medaid.settlement_no_change();

-- PostgreSQL fires the parent's statement triggers only for rows loaded
-- through the parent: rows put into a partition directly would skip the
-- checks above and the burden states.  A partition's own statement trigger
-- fires only for such direct loads, and refuses them.
CREATE FUNCTION medaid.settlement_partition_guard() RETURNS trigger
	LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- superusers pass: pg_restore loads the partitions directly, with the
	-- burden states and settlement_key restored beside them
	IF NOT (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
		RAISE EXCEPTION 'settlements are loaded through medaid.settlement, not into %', TG_TABLE_NAME
			USING ERRCODE = 'wrong_object_type',
				  DETAIL = 'The checks of settlement ids and reversals, and the burden states the warnings read, run for rows loaded through the partitioned table.',
				  HINT = 'INSERT INTO or COPY medaid.settlement; it puts each row in its month''s partition.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION medaid.settlement_partition_guard() IS
'statement trigger on each settlement partition: refuses rows loaded into the partition directly (superusers pass, for pg_restore)';
CREATE TRIGGER settlement_partition_guard BEFORE INSERT ON medaid.settlement_default
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_partition_guard();

CREATE FUNCTION medaid.ensure_settlement_partitions(from_month date, to_month date) RETURNS integer
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	m date;
	part text;
	made integer := 0;
BEGIN
	IF from_month IS NULL OR to_month IS NULL OR from_month > to_month THEN
		RAISE EXCEPTION 'invalid range of months: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the months of the dates settlements may have (settlement_accept):
	-- 4-digit years AD, so that no two months share a partition name
	IF from_month < date '1900-01-01' OR to_month > date '2999-12-31' THEN
		RAISE EXCEPTION 'months out of range: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Settlements are dated from 1900-01-01 to 2999-12-31; partitions are made for those months only.';
	END IF;
	-- a bound on what one call makes (each partition is a table, two
	-- indexes and a trigger, under an exclusive lock of settlement)
	IF (extract(year FROM to_month) * 12 + extract(month FROM to_month))
	   - (extract(year FROM from_month) * 12 + extract(month FROM from_month)) + 1 > 240 THEN
		RAISE EXCEPTION 'too many months: % to %', from_month, to_month
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('The range spans %s months; one call makes the partitions of at most 240 months (20 years).',
								  (extract(year FROM to_month) * 12 + extract(month FROM to_month))
								  - (extract(year FROM from_month) * 12 + extract(month FROM from_month)) + 1),
				  HINT = 'Call it again for the following months.';
	END IF;
	-- one at a time: two loads making the same month would collide (42P07)
	PERFORM pg_advisory_xact_lock(hashtext('medaid.ensure_settlement_partitions'));
	m := date_trunc('month', from_month)::date;
	WHILE m <= to_month LOOP
		part := format('settlement_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
		IF to_regclass(format('medaid.%I', part)) IS NULL THEN
			-- rows of the month waiting in the default partition move in
			EXECUTE format('CREATE TABLE medaid.%I (LIKE medaid.settlement INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)', part);
			ALTER TABLE medaid.settlement_default DISABLE TRIGGER USER;
			EXECUTE format('WITH moved AS (DELETE FROM medaid.settlement_default WHERE settle_date >= %L AND settle_date < %L RETURNING *)
							INSERT INTO medaid.%I (settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses)
							SELECT settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, reverses FROM moved',
						   m, (m + interval '1 month')::date, part);
			ALTER TABLE medaid.settlement_default ENABLE TRIGGER USER;
			EXECUTE format('CREATE INDEX %I ON medaid.%I (id_number, settle_date)', part || '_person', part);
			EXECUTE format('CREATE INDEX %I ON medaid.%I (settlement_id)', part || '_id', part);
			-- no statistics of regions (14_region_lookups)
			EXECUTE format('ALTER TABLE medaid.%I ALTER COLUMN region SET STATISTICS 0', part);
			EXECUTE format('ALTER TABLE medaid.settlement ATTACH PARTITION medaid.%I FOR VALUES FROM (%L) TO (%L)',
						   part, m, (m + interval '1 month')::date);
			EXECUTE format('CREATE TRIGGER settlement_partition_guard BEFORE INSERT ON medaid.%I FOR EACH STATEMENT EXECUTE FUNCTION medaid.settlement_partition_guard()', part);
			EXECUTE format('COMMENT ON TABLE medaid.%I IS %L', part, format('settlements of %s', to_char(m, 'YYYY-MM')));
			made := made + 1;
		END IF;
		m := (m + interval '1 month')::date;
	END LOOP;
	IF made > 0 THEN
		INSERT INTO medaid.audit_log (action, month, counts, detail)
		VALUES ('partition_create', date_trunc('month', from_month)::date, jsonb_build_object('made', made),
				jsonb_build_object('to_month', date_trunc('month', to_month)::date));
	END IF;
	RETURN made;
END
$$;
COMMENT ON FUNCTION medaid.ensure_settlement_partitions(date, date) IS
'make the monthly partitions of settlement from one month to another (any days of them; at most 240 months, within 1900-01 to 2999-12), moving rows waiting in settlement_default; returns how many it made';

-- Re-assessment after late roster rows (待遇享受时间与民政、乡村振兴部门一致)
-- (the exits of a held snapshot arrive when they are confirmed)
CREATE VIEW medaid.settlement_reassessment AS
	SELECT c.batch_id, c.row_no, c.id_number, c.category, c.change, c.effective_date,
		   coalesce(h.decided_at, b.reconciled_at) AS reconciled_at,
		   s.settlement_id, s.settle_date, s.total, s.burden, s.assistance_paid
	FROM medaid.roster_change c
	JOIN medaid.batch b ON b.batch_id = c.batch_id
	LEFT JOIN medaid.snapshot_hold h ON h.batch_id = c.batch_id AND c.row_no IS NULL AND h.state = 'confirmed'
	JOIN medaid.settlement s ON s.id_number OPERATOR(medaid.=) c.id_number
	 AND s.settle_date >= c.effective_date
	JOIN medaid.settlement_key k ON k.settlement_id = s.settlement_id
	 AND k.loaded_at < coalesce(h.decided_at, b.reconciled_at);
COMMENT ON VIEW medaid.settlement_reassessment IS
'settlements a late roster change reaches back over: dated on or after the change''s effective date and loaded before its batch was reconciled, so settled under the old category; to be re-assessed';
COMMENT ON COLUMN medaid.settlement_reassessment.batch_id IS 'the batch that made the change';
COMMENT ON COLUMN medaid.settlement_reassessment.row_no IS 'its row (NULL for a snapshot''s exit by omission)';
COMMENT ON COLUMN medaid.settlement_reassessment.id_number IS 'the person';
COMMENT ON COLUMN medaid.settlement_reassessment.category IS 'the category started or ended';
COMMENT ON COLUMN medaid.settlement_reassessment.change IS 'add, exit or change';
COMMENT ON COLUMN medaid.settlement_reassessment.effective_date IS 'the department''s date the change applies from';
COMMENT ON COLUMN medaid.settlement_reassessment.reconciled_at IS 'when the change arrived: its batch''s reconciliation, or for the exits of a held snapshot their confirmation';
COMMENT ON COLUMN medaid.settlement_reassessment.settlement_id IS 'a settlement inside the window';
COMMENT ON COLUMN medaid.settlement_reassessment.settle_date IS 'its date';
COMMENT ON COLUMN medaid.settlement_reassessment.total IS 'its total cost';
COMMENT ON COLUMN medaid.settlement_reassessment.burden IS 'its personal burden';
COMMENT ON COLUMN medaid.settlement_reassessment.assistance_paid IS 'the assistance paid under the old category';
