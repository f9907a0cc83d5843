-- medaid 0.1.0 -> 0.2.0.  0.2.0 is not released yet: every change to the
-- install script (sql/parts/) after 0.1.0 is repeated here, and
-- test/upgrade/run.sh checks that an upgraded database equals a fresh
-- install of 0.2.0, catalog and data.  test/upgrade/draft.sh drafts the
-- function definitions and comments below from the two catalogs.

\echo Use "ALTER EXTENSION medaid UPDATE TO '0.2.0'" to load this file. \quit

-------------------------------------------------------------------------------
-- Region-limited roles learn nothing of other regions from plans
-- (14_region_lookups, docs/rules.md §6): no medaid function is LEAKPROOF,
-- so a condition on id_number or a category runs after row-level security
-------------------------------------------------------------------------------

ALTER FUNCTION medaid.category_cmp(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_eq(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_ge(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_gt(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_hash(medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_hash_extended(medaid.category,bigint) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_le(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_lt(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_ne(medaid.category,medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.category_ordinal(medaid.category) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_body(medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_cmp(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_eq(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_ge(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_gt(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_hash(medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_hash_extended(medaid.cnid,bigint) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_le(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_lt(medaid.cnid,medaid.cnid) NOT LEAKPROOF;
ALTER FUNCTION medaid.cnid_ne(medaid.cnid,medaid.cnid) NOT LEAKPROOF;

-- lookups by ID with the region in the index condition, and no statistics
-- of the region columns nor of the lookup indexes' cnid_body
CREATE INDEX person_region_lookup ON medaid.person (medaid.cnid_body(id_number), region);
CREATE INDEX roster_change_region_lookup ON medaid.roster_change (medaid.cnid_body(id_number), category, region);
CREATE INDEX enrollment_person ON medaid.enrollment (id_number, year);
ALTER INDEX medaid.person_region_lookup ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX medaid.roster_change_region_lookup ALTER COLUMN 1 SET STATISTICS 0;
ALTER TABLE medaid.person ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.roster_change ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.anomaly_return ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.monthly_review ALTER COLUMN region SET STATISTICS 0;
-- settlement's existing partitions with it (SET STATISTICS recurses)
ALTER TABLE medaid.settlement ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.warning ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.warning ALTER COLUMN province SET STATISTICS 0;
ALTER TABLE medaid.warning_push ALTER COLUMN region SET STATISTICS 0;
ALTER TABLE medaid.city_warning ALTER COLUMN city SET STATISTICS 0;
ALTER TABLE medaid.enrollment ALTER COLUMN region SET STATISTICS 0;
-- a target of 0 stops gathering, but keeps what was gathered: remove it
DELETE FROM pg_catalog.pg_statistic s
USING pg_catalog.pg_attribute a, pg_catalog.pg_class c
WHERE s.starelid OPERATOR(pg_catalog.=) a.attrelid AND s.staattnum OPERATOR(pg_catalog.=) a.attnum
  AND c.oid OPERATOR(pg_catalog.=) a.attrelid AND c.relnamespace OPERATOR(pg_catalog.=) 'medaid'::pg_catalog.regnamespace
  AND a.attstattarget OPERATOR(pg_catalog.=) 0;

-------------------------------------------------------------------------------
-- Free text a caller sets is stored masked (mask_id_runs): audit_log's
-- login, acting_role and application_name; mark_reviewed's note
-------------------------------------------------------------------------------
CREATE FUNCTION medaid.mask_id_runs(t text)
 RETURNS text
 LANGUAGE c
 IMMUTABLE PARALLEL SAFE STRICT
AS '$libdir/medaid', $function$mask_id_runs$function$
;
ALTER TABLE medaid.audit_log
	ALTER COLUMN login SET DEFAULT (medaid.mask_id_runs((SESSION_USER)::text))::name,
	ALTER COLUMN acting_role SET DEFAULT (medaid.mask_id_runs((medaid.caller())::text))::name,
	ALTER COLUMN application_name SET DEFAULT medaid.mask_id_runs(pg_catalog.current_setting('application_name'));
-- what 0.1.0 stored unmasked: the audit log refuses updates (its guard
-- trigger), so the guard stands aside for this one
UPDATE medaid.monthly_review SET note = medaid.mask_id_runs(note)
WHERE note IS DISTINCT FROM medaid.mask_id_runs(note);
ALTER TABLE medaid.audit_log DISABLE TRIGGER audit_log_guard;
UPDATE medaid.audit_log
SET application_name = medaid.mask_id_runs(application_name),
	login = medaid.mask_id_runs(login::text)::name,
	acting_role = medaid.mask_id_runs(acting_role::text)::name,
	detail = CASE WHEN detail ? 'note'
				  THEN pg_catalog.jsonb_set(detail, '{note}', pg_catalog.to_jsonb(medaid.mask_id_runs(detail OPERATOR(pg_catalog.->>) 'note')))
				  ELSE detail END
WHERE application_name IS DISTINCT FROM medaid.mask_id_runs(application_name)
   OR login::text IS DISTINCT FROM medaid.mask_id_runs(login::text)
   OR acting_role::text IS DISTINCT FROM medaid.mask_id_runs(acting_role::text)
   OR (detail ? 'note' AND detail OPERATOR(pg_catalog.->>) 'note' IS DISTINCT FROM medaid.mask_id_runs(detail OPERATOR(pg_catalog.->>) 'note'));
ALTER TABLE medaid.audit_log ENABLE TRIGGER audit_log_guard;
-- the audit log's new actions: close_batch and the snapshot holds
ALTER TABLE medaid.audit_log DROP CONSTRAINT audit_log_action_check,
	ADD CONSTRAINT audit_log_action_check CHECK (action IN ('open_batch', 'close_batch', 'reconcile', 'anomaly_return', 'warning_run', 'warning_push',
										   'review_signoff', 'settlement_load', 'settlement_insert', 'partition_create',
										   'burden_rebuild', 'settlement_summary', 'access_change', 'config_change',
										   'audit_purge', 'snapshot_hold', 'snapshot_confirm', 'snapshot_discard'));

-------------------------------------------------------------------------------
-- Batches end their loading with close_batch (docs/rules.md §7): batches
-- 0.1.0 reconciled count as closed with the rows they judged; open ones stay
-- open and need close_batch
-------------------------------------------------------------------------------
ALTER TABLE medaid.batch ADD COLUMN loading_ended_at timestamptz, ADD COLUMN loading_ended_by name,
	ADD COLUMN rows_loaded bigint;
UPDATE medaid.batch SET loading_ended_at = reconciled_at, loading_ended_by = coalesce(reconciled_by, opened_by),
	rows_loaded = rows_staged
WHERE reconciled_at IS NOT NULL;
ALTER TABLE medaid.batch
	ADD CONSTRAINT batch_loading_ended CHECK ((loading_ended_at IS NULL) = (rows_loaded IS NULL)
											  AND (loading_ended_at IS NULL) = (loading_ended_by IS NULL)),
	ADD CONSTRAINT batch_reconciled_closed CHECK (reconciled_at IS NULL OR loading_ended_at IS NOT NULL);

-------------------------------------------------------------------------------
-- A refused settlement row names its field (settlement_rejected.field);
-- rows refused by 0.1.0 have none
-------------------------------------------------------------------------------
ALTER TABLE medaid.settlement_rejected ADD COLUMN field text;

-------------------------------------------------------------------------------
-- Held snapshots: 06_snapshot_holds.sql as it is (all of it new), its
-- audit trigger, row-level security and privileges
-------------------------------------------------------------------------------
-------------------------------------------------------------------------------
-- Held snapshots (docs/rules.md §7, "Snapshots that would empty a roster"):
-- a snapshot with no acceptable row, or whose exits would end more than a
-- share and more than a number of its department's active categories in a
-- county, has its rows judged, recorded and returned as any other, its adds
-- applied, and the exits it implies held for the whole batch: an
-- administrator confirms them (confirm_snapshot) or discards them
-- (discard_snapshot_exits).  Until then the department's later batches are
-- refused (reconcile_apply_delta, reconcile_apply_snapshot).
-------------------------------------------------------------------------------

-- The limits.  The table starts empty (pg_dump / pg_restore never meets
-- rows the install script made): without a row a department has the
-- defaults, 20 % and 10.
CREATE TABLE medaid.snapshot_hold_limit (
	dept text NOT NULL CHECK (dept IN ('civil_affairs', 'rural')),
	region_prefix text NOT NULL DEFAULT '' CHECK (region_prefix ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6})?$'),
	max_share numeric NOT NULL CHECK (max_share >= 0 AND max_share <= 1),
	max_exits integer NOT NULL CHECK (max_exits >= 0),
	PRIMARY KEY (dept, region_prefix)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.snapshot_hold_limit', '');
COMMENT ON TABLE medaid.snapshot_hold_limit IS
'when a snapshot''s exits are held (configuration, kept by pg_dump, kept by medaid_admin): a county trips the hold when the snapshot would end more than max_share and more than max_exits of the department''s categories active there; per county the longest region_prefix with a row for the department decides; without one, 0.20 and 10 (docs/rules.md §7)';
COMMENT ON COLUMN medaid.snapshot_hold_limit.dept IS 'the department whose snapshots it limits: civil_affairs or rural';
COMMENT ON COLUMN medaid.snapshot_hold_limit.region_prefix IS 'a province (37), city (3701) or county (370102); empty: every region of the department';
COMMENT ON COLUMN medaid.snapshot_hold_limit.max_share IS 'the share of the county''s active categories of the department (0 to 1) that the exits must exceed';
COMMENT ON COLUMN medaid.snapshot_hold_limit.max_exits IS 'the number of exits in the county that they must exceed too';

CREATE TABLE medaid.snapshot_hold (
	batch_id bigint PRIMARY KEY REFERENCES medaid.batch,
	dept text NOT NULL,
	period date NOT NULL,
	reason text NOT NULL CHECK (reason IN ('no_acceptable_row', 'over_limit')),
	exits bigint NOT NULL,
	held_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	state text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'confirmed', 'discarded')),
	decided_at timestamptz,
	decided_by name,
	exits_applied bigint,
	CHECK ((state OPERATOR(pg_catalog.=) 'held') = (decided_at IS NULL))
);
-- one held snapshot per department: its later batches wait for it
CREATE UNIQUE INDEX snapshot_hold_one_per_dept ON medaid.snapshot_hold (dept) WHERE state OPERATOR(pg_catalog.=) 'held';
SELECT pg_catalog.pg_extension_config_dump('medaid.snapshot_hold', '');
COMMENT ON TABLE medaid.snapshot_hold IS
'the snapshot batches whose exits reconcile held instead of applying (docs/rules.md §7), and what the administrator decided';
COMMENT ON COLUMN medaid.snapshot_hold.batch_id IS 'the snapshot batch';
COMMENT ON COLUMN medaid.snapshot_hold.dept IS 'its department';
COMMENT ON COLUMN medaid.snapshot_hold.period IS 'its month (first day); the exits are dated the first day of the next month';
COMMENT ON COLUMN medaid.snapshot_hold.reason IS 'no_acceptable_row (empty, or every row an anomaly) or over_limit (a county over snapshot_hold_limit)';
COMMENT ON COLUMN medaid.snapshot_hold.exits IS 'the exits held: categories the snapshot omitted (snapshot_held_exit)';
COMMENT ON COLUMN medaid.snapshot_hold.held_at IS 'when reconcile held them';
COMMENT ON COLUMN medaid.snapshot_hold.state IS 'held (waiting), confirmed (applied by confirm_snapshot) or discarded (dropped by discard_snapshot_exits)';
COMMENT ON COLUMN medaid.snapshot_hold.decided_at IS 'when it was confirmed or discarded; NULL while held';
COMMENT ON COLUMN medaid.snapshot_hold.decided_by IS 'who decided (the role acted as)';
COMMENT ON COLUMN medaid.snapshot_hold.exits_applied IS 'the categories confirm_snapshot ended; NULL otherwise';

CREATE TABLE medaid.snapshot_hold_county (
	batch_id bigint NOT NULL REFERENCES medaid.snapshot_hold,
	region text NOT NULL,
	active bigint NOT NULL,
	exits bigint NOT NULL,
	max_share numeric NOT NULL,
	max_exits integer NOT NULL,
	over_limit boolean NOT NULL,
	PRIMARY KEY (batch_id, region)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.snapshot_hold_county', '');
COMMENT ON TABLE medaid.snapshot_hold_county IS
'per held snapshot and county with exits: the counts and limits the hold was decided on';
COMMENT ON COLUMN medaid.snapshot_hold_county.batch_id IS 'the held snapshot batch';
COMMENT ON COLUMN medaid.snapshot_hold_county.region IS 'the county: the register region of the people (person.region, before the batch)';
COMMENT ON COLUMN medaid.snapshot_hold_county.active IS 'the department''s categories active there on the month''s last day, before the batch';
COMMENT ON COLUMN medaid.snapshot_hold_county.exits IS 'how many of them the snapshot would end';
COMMENT ON COLUMN medaid.snapshot_hold_county.max_share IS 'the share limit in force for the county (snapshot_hold_limit, default 0.20)';
COMMENT ON COLUMN medaid.snapshot_hold_county.max_exits IS 'the number limit in force (default 10)';
COMMENT ON COLUMN medaid.snapshot_hold_county.over_limit IS 'exits > max_exits and exits > max_share × active';

-- No foreign keys (a truncated million-row file holds half a million
-- exits): reconcile writes it, with its hold, alone.
CREATE TABLE medaid.snapshot_held_exit (
	batch_id bigint NOT NULL,
	id_number medaid.cnid NOT NULL,
	period_id bigint NOT NULL,
	category medaid.category NOT NULL,
	region text NOT NULL,
	PRIMARY KEY (batch_id, id_number, period_id)
);
SELECT pg_catalog.pg_extension_config_dump('medaid.snapshot_held_exit', '');
COMMENT ON TABLE medaid.snapshot_held_exit IS
'the exits a held snapshot implies, one per category period it would end (kept after the decision, as its record; written by reconcile alone, which keeps its references to snapshot_hold and category_period)';
COMMENT ON COLUMN medaid.snapshot_held_exit.batch_id IS 'the held snapshot batch';
COMMENT ON COLUMN medaid.snapshot_held_exit.id_number IS 'ID number';
COMMENT ON COLUMN medaid.snapshot_held_exit.period_id IS 'the category_period it would end';
COMMENT ON COLUMN medaid.snapshot_held_exit.category IS 'its category';
COMMENT ON COLUMN medaid.snapshot_held_exit.region IS 'the person''s county when held: the region of the exit''s roster_change on confirmation';

CREATE VIEW medaid.held_snapshot AS
	SELECT h.batch_id, h.dept, h.period, h.state, h.reason, h.held_at, c.region, c.active, c.exits,
		   pg_catalog.round(c.exits::numeric OPERATOR(pg_catalog./) c.active, 4) AS share,
		   c.max_share, c.max_exits, c.over_limit, h.exits AS batch_exits,
		   h.decided_at, h.decided_by, h.exits_applied
	FROM medaid.snapshot_hold h
	JOIN medaid.snapshot_hold_county c ON c.batch_id OPERATOR(pg_catalog.=) h.batch_id;
COMMENT ON VIEW medaid.held_snapshot IS
'each held snapshot (and those decided) per county with exits: the department''s active categories there, how many the snapshot would end, the share and the limits; state held until an administrator runs confirm_snapshot or discard_snapshot_exits';
COMMENT ON COLUMN medaid.held_snapshot.batch_id IS 'the snapshot batch';
COMMENT ON COLUMN medaid.held_snapshot.dept IS 'its department';
COMMENT ON COLUMN medaid.held_snapshot.period IS 'its month (first day)';
COMMENT ON COLUMN medaid.held_snapshot.state IS 'held, confirmed or discarded';
COMMENT ON COLUMN medaid.held_snapshot.reason IS 'no_acceptable_row or over_limit';
COMMENT ON COLUMN medaid.held_snapshot.held_at IS 'when reconcile held it';
COMMENT ON COLUMN medaid.held_snapshot.region IS 'the county';
COMMENT ON COLUMN medaid.held_snapshot.active IS 'the department''s categories active in the county on the month''s last day, before the batch';
COMMENT ON COLUMN medaid.held_snapshot.exits IS 'how many of them the snapshot would end';
COMMENT ON COLUMN medaid.held_snapshot.share IS 'exits / active, to four decimals';
COMMENT ON COLUMN medaid.held_snapshot.max_share IS 'the share limit in force';
COMMENT ON COLUMN medaid.held_snapshot.max_exits IS 'the number limit in force';
COMMENT ON COLUMN medaid.held_snapshot.over_limit IS 'whether this county is over both limits';
COMMENT ON COLUMN medaid.held_snapshot.batch_exits IS 'the exits held in all counties';
COMMENT ON COLUMN medaid.held_snapshot.decided_at IS 'when it was confirmed or discarded';
COMMENT ON COLUMN medaid.held_snapshot.decided_by IS 'who decided';
COMMENT ON COLUMN medaid.held_snapshot.exits_applied IS 'the categories the confirmation ended';

-- A department's batches wait while one of its snapshots is held.
CREATE FUNCTION medaid.snapshot_hold_wait(dept text, batch_id bigint) RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	held record;
BEGIN
	SELECT h.batch_id, h.period INTO held FROM medaid.snapshot_hold h WHERE h.dept = snapshot_hold_wait.dept AND h.state = 'held';
	IF FOUND THEN
		RAISE EXCEPTION 'batch % of % cannot be reconciled while snapshot batch % is held', snapshot_hold_wait.batch_id, dept, held.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Snapshot batch %s (%s) holds the exits it implies until an administrator confirms or discards them; the department''s batches apply in order.', held.batch_id, to_char(held.period, 'YYYY-MM')),
				  HINT = format('Nothing was applied. After medaid.confirm_snapshot(%s) or medaid.discard_snapshot_exits(%s) (see medaid.held_snapshot), reconcile this batch again.', held.batch_id, held.batch_id);
	END IF;
END
$$;
COMMENT ON FUNCTION medaid.snapshot_hold_wait(text, bigint) IS
'for reconcile_apply_delta and reconcile_apply_snapshot alone (as reconcile''s owner; SECURITY INVOKER): refuses (55000) to reconcile a batch of a department (the text) while one of its snapshots is held';

-- The hold of a batch, locked, for confirm_snapshot and discard_snapshot_exits
-- (as their owner; SECURITY INVOKER): a batch that does not exist or has no
-- hold is refused here.
CREATE FUNCTION medaid.snapshot_hold_lock(batch_id bigint, verb text) RETURNS medaid.snapshot_hold
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	h medaid.snapshot_hold%ROWTYPE;
BEGIN
	-- serialised with reconciliation: the register stays as the hold left it
	PERFORM pg_advisory_xact_lock(hashtext('medaid.reconcile'));
	SELECT * INTO b FROM medaid.batch x WHERE x.batch_id = snapshot_hold_lock.batch_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'batch % does not exist', coalesce(snapshot_hold_lock.batch_id::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'medaid.held_snapshot lists the held snapshot batches.';
	END IF;
	SELECT * INTO h FROM medaid.snapshot_hold x WHERE x.batch_id = b.batch_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'batch % has no held exits to %', b.batch_id, verb
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = CASE WHEN b.mode = 'delta' THEN format('Batch %s is a delta batch: only a snapshot''s exits are held.', b.batch_id)
								WHEN b.reconciled_at IS NULL THEN format('Snapshot batch %s is not reconciled yet.', b.batch_id)
								ELSE format('Snapshot batch %s was reconciled with its exits applied (%s): they were within the limits (docs/rules.md §7).', b.batch_id, b.exits) END,
				  HINT = 'medaid.held_snapshot lists the held snapshot batches.';
	END IF;
	RETURN h;
END
$$;
COMMENT ON FUNCTION medaid.snapshot_hold_lock(bigint, text) IS
'for confirm_snapshot and discard_snapshot_exits alone (as their owner; SECURITY INVOKER): takes reconcile''s lock and locks the hold of a batch, which it returns; refuses a batch that does not exist (22023) or has no hold (55000); the text is the verb of the error message';

-- Part of step 2 of a snapshot (reconcile_apply_snapshot): whether the
-- exits it implies (pg_temp.medaid_implied_exit) are held instead of
-- applied, and if so the hold recorded.
CREATE FUNCTION medaid.reconcile_snapshot_hold(batch_id bigint)
	RETURNS boolean
	LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_end date;
	acceptable boolean;
	n_implied bigint;
	held boolean;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_snapshot_hold.batch_id;
	m_end := (b.period + interval '1 month')::date - 1;
	acceptable := EXISTS (SELECT FROM medaid_judged WHERE outcome IS DISTINCT FROM 'anomaly');
	n_implied := (SELECT count(*) FROM medaid_implied_exit);

	-- per county with exits: the department's categories active on the
	-- month's last day, the exits, and the limits (snapshot_hold_limit:
	-- the longest prefix of the county with a row for the department, else
	-- 20 % and 10)
	IF to_regclass('pg_temp.medaid_hold_county') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_hold_county;
	END IF;
	CREATE TEMP TABLE medaid_hold_county ON COMMIT DROP AS
	WITH ex AS (
		SELECT e.region, count(*) AS exits FROM medaid_implied_exit e GROUP BY e.region
	), act AS (
		SELECT pe.region, count(*) AS active
		FROM medaid.category_period p
		JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) p.id_number
		WHERE n_implied > 0 AND p.dept = b.dept AND p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_end)
		GROUP BY pe.region
	)
	SELECT x.*, x.exits > x.max_exits AND x.exits > x.max_share * x.active AS over_limit
	FROM (SELECT ex.region, act.active, ex.exits,
				 coalesce(l.max_share, 0.20) AS max_share, coalesce(l.max_exits, 10) AS max_exits
		  FROM ex
		  JOIN act ON act.region = ex.region
		  LEFT JOIN LATERAL (SELECT c.max_share, c.max_exits FROM medaid.snapshot_hold_limit c
							 WHERE c.dept = b.dept AND starts_with(ex.region, c.region_prefix)
							 ORDER BY length(c.region_prefix) DESC LIMIT 1) l ON true) x;

	held := n_implied > 0 AND (NOT acceptable OR EXISTS (SELECT FROM medaid_hold_county c WHERE c.over_limit));
	IF held THEN
		-- held, for the whole batch: nothing of them applies until an
		-- administrator confirms (confirm_snapshot) or discards them
		INSERT INTO medaid.snapshot_hold (batch_id, dept, period, reason, exits)
		VALUES (b.batch_id, b.dept, b.period, CASE WHEN acceptable THEN 'over_limit' ELSE 'no_acceptable_row' END, n_implied);
		INSERT INTO medaid.snapshot_hold_county (batch_id, region, active, exits, max_share, max_exits, over_limit)
		SELECT b.batch_id, c.region, c.active, c.exits, c.max_share, c.max_exits, c.over_limit FROM medaid_hold_county c;
		INSERT INTO medaid.snapshot_held_exit (batch_id, id_number, period_id, category, region)
		SELECT b.batch_id, e.id_number, e.period_id, e.category, e.region FROM medaid_implied_exit e;
		INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts, detail)
		VALUES ('snapshot_hold', b.batch_id, b.period, b.dept,
				jsonb_build_object('exits_held', n_implied,
								   'counties', (SELECT count(*) FROM medaid_hold_county),
								   'counties_over_limit', (SELECT count(*) FROM medaid_hold_county c WHERE c.over_limit)),
				jsonb_build_object('reason', CASE WHEN acceptable THEN 'over_limit' ELSE 'no_acceptable_row' END));
		RAISE WARNING 'snapshot batch %: the % exits it implies are held, not applied', b.batch_id, n_implied
			USING DETAIL = CASE WHEN acceptable
							   THEN format('They would end more than the limits of the department''s active categories in %s of %s counties.',
										   (SELECT count(*) FROM medaid_hold_county c WHERE c.over_limit),
										   (SELECT count(*) FROM medaid_hold_county))
							   ELSE 'The snapshot has no acceptable row: it would end every category of the department it omits.' END,
				  HINT = format('Its rows have their outcomes and its anomalies are returned. An administrator confirms the exits with medaid.confirm_snapshot(%s) or discards them with medaid.discard_snapshot_exits(%s) (see medaid.held_snapshot); until then the department''s later batches wait.', b.batch_id, b.batch_id);
	END IF;
	DROP TABLE pg_temp.medaid_hold_county;
	RETURN held;
END
$$;
COMMENT ON FUNCTION medaid.reconcile_snapshot_hold(bigint) IS
'part of step 2 of reconcile, for it alone (run by reconcile_apply_snapshot, as reconcile''s owner; SECURITY INVOKER): for the exits a snapshot implies (the temporary table medaid_implied_exit, which it reads, and medaid_judged), counts per county with exits the department''s active categories, the exits and the limits of snapshot_hold_limit; when the snapshot has no acceptable row or a county is over its limits, records the hold (snapshot_hold, snapshot_hold_county, snapshot_held_exit, the audit log), warns, and returns true: the exits are then not applied; returns false otherwise';

CREATE FUNCTION medaid.confirm_snapshot(batch_id bigint, OUT exits bigint, OUT already_confirmed boolean)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	h medaid.snapshot_hold%ROWTYPE;
	m_next date;
BEGIN
	h := medaid.snapshot_hold_lock(confirm_snapshot.batch_id, 'confirm');
	IF h.state = 'confirmed' THEN
		exits := h.exits_applied;
		already_confirmed := true;
		RETURN;
	ELSIF h.state = 'discarded' THEN
		RAISE EXCEPTION 'the held exits of snapshot batch % were discarded', h.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Role %s discarded them; a discarded hold is not confirmed later.', h.decided_by),
				  HINT = 'The department sends its roster again as a new snapshot batch.';
	END IF;
	-- the exits as reconcile would have made them: on the first day of the
	-- next month, logged with the county they were held in
	m_next := (h.period + interval '1 month')::date;
	WITH ended AS (
		UPDATE medaid.category_period p
		SET valid_to = m_next, ended_batch_id = h.batch_id, ended_row_no = NULL
		FROM medaid.snapshot_held_exit e
		WHERE e.batch_id = h.batch_id
		  AND p.id_number OPERATOR(medaid.=) e.id_number AND p.period_id = e.period_id
		  AND (p.valid_to IS NULL OR p.valid_to > m_next)
		RETURNING p.id_number, p.category, e.region
	)
	INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
	SELECT h.batch_id, NULL, e.id_number, e.category, 'exit', m_next, e.region FROM ended e;
	GET DIAGNOSTICS exits = ROW_COUNT;
	UPDATE medaid.snapshot_hold x
	SET state = 'confirmed', decided_at = now(), decided_by = medaid.caller(), exits_applied = confirm_snapshot.exits
	WHERE x.batch_id = h.batch_id;
	UPDATE medaid.batch x SET exits = confirm_snapshot.exits WHERE x.batch_id = h.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('snapshot_confirm', h.batch_id, h.period, h.dept,
			jsonb_build_object('exits', confirm_snapshot.exits, 'exits_held', h.exits));
	already_confirmed := false;
END
$$;
COMMENT ON FUNCTION medaid.confirm_snapshot(bigint) IS
'confirm a held snapshot (medaid_admin; docs/rules.md §7): its held exits apply, on the first day of the month after the batch''s, logged in roster_change as the snapshot''s exits, and counted in the batch''s exits; returns exits and already_confirmed when called again (which changes nothing); refuses a batch with no hold or whose hold was discarded (55000); audited (snapshot_confirm)';

CREATE FUNCTION medaid.discard_snapshot_exits(batch_id bigint, OUT exits_discarded bigint, OUT already_discarded boolean)
	LANGUAGE plpgsql SECURITY DEFINER VOLATILE SET search_path = pg_catalog, pg_temp
	AS $$
#variable_conflict use_column
DECLARE
	h medaid.snapshot_hold%ROWTYPE;
BEGIN
	h := medaid.snapshot_hold_lock(discard_snapshot_exits.batch_id, 'discard');
	exits_discarded := h.exits;
	IF h.state = 'discarded' THEN
		already_discarded := true;
		RETURN;
	ELSIF h.state = 'confirmed' THEN
		RAISE EXCEPTION 'the held exits of snapshot batch % were confirmed', h.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('Role %s confirmed them: %s categories ended.', h.decided_by, h.exits_applied),
				  HINT = 'A category ended by mistake starts again with the department''s next snapshot or a delta add.';
	END IF;
	UPDATE medaid.snapshot_hold x
	SET state = 'discarded', decided_at = now(), decided_by = medaid.caller()
	WHERE x.batch_id = h.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('snapshot_discard', h.batch_id, h.period, h.dept, jsonb_build_object('exits_discarded', h.exits));
	already_discarded := false;
END
$$;
COMMENT ON FUNCTION medaid.discard_snapshot_exits(bigint) IS
'discard the held exits of a snapshot (medaid_admin; docs/rules.md §7): none of them applies, the batch''s adds and outcomes stay, and the department''s later batches may be reconciled; returns exits_discarded and already_discarded when called again (which changes nothing); refuses a batch with no hold or whose hold was confirmed (55000); audited (snapshot_discard)';

CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.snapshot_hold_limit
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
ALTER TABLE medaid.snapshot_hold_limit OWNER TO medaid_owner;
ALTER TABLE medaid.snapshot_hold OWNER TO medaid_owner;
ALTER TABLE medaid.snapshot_hold_county OWNER TO medaid_owner;
ALTER TABLE medaid.snapshot_held_exit OWNER TO medaid_owner;
ALTER VIEW medaid.held_snapshot OWNER TO medaid_owner;
ALTER FUNCTION medaid.confirm_snapshot(bigint) OWNER TO medaid_owner;
ALTER FUNCTION medaid.discard_snapshot_exits(bigint) OWNER TO medaid_owner;
-- held snapshots (docs/rules.md §7): the limits are configuration, read by
-- everyone of medaid and kept by the administrator; the holds are the
-- administrator's to decide; ETL reads why its batches wait.  The held
-- exits hold ID numbers: forced row-level security, as the tables above.
ALTER TABLE medaid.snapshot_held_exit ENABLE ROW LEVEL SECURITY;
ALTER TABLE medaid.snapshot_held_exit FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON medaid.snapshot_held_exit TO medaid_owner USING (true) WITH CHECK (true);
CREATE POLICY admin_read ON medaid.snapshot_held_exit FOR SELECT TO medaid_admin USING (true);
-- (snapshot_hold_lock and snapshot_hold_wait: in the list of internal
-- functions above)
REVOKE EXECUTE ON FUNCTION medaid.confirm_snapshot(bigint), medaid.discard_snapshot_exits(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.confirm_snapshot(bigint), medaid.discard_snapshot_exits(bigint) TO medaid_admin;
GRANT SELECT ON medaid.snapshot_hold_limit
	TO medaid_admin, medaid_etl, medaid_analyst, medaid_civil_affairs, medaid_rural, medaid_county;
GRANT INSERT, UPDATE, DELETE ON medaid.snapshot_hold_limit TO medaid_admin;
GRANT SELECT ON medaid.snapshot_hold, medaid.snapshot_hold_county, medaid.snapshot_held_exit, medaid.held_snapshot
	TO medaid_admin;
GRANT SELECT ON medaid.snapshot_hold, medaid.held_snapshot TO medaid_etl;
-- settlement_reassessment, which county staff read as themselves, dates a
-- confirmed hold's exits by the confirmation
GRANT SELECT ON medaid.snapshot_hold TO medaid_county;

-------------------------------------------------------------------------------
-- New functions: the region lookups, the steps of reconcile, the warning
-- run and the settlement load, close_batch, enrollment_subsidy's categories,
-- the ledger of the caller's regions
-------------------------------------------------------------------------------
CREATE FUNCTION medaid.region_ranges(who name)
 RETURNS TABLE(lo text, hi text)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	pats text[] := medaid.region_patterns(who);
BEGIN
	RETURN QUERY
	SELECT rpad(x.pre, 6, '0'), rpad(x.pre, 6, '9')
	FROM (SELECT DISTINCT rtrim(p, '%') AS pre FROM unnest(pats) p) x
	WHERE NOT EXISTS (SELECT FROM unnest(pats) q
					  WHERE rtrim(q, '%') <> x.pre AND starts_with(x.pre, rtrim(q, '%')))
	ORDER BY 1;
END
$function$
;
CREATE FUNCTION medaid.registered_in_regions(id medaid.cnid, who name)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	r record;
	found_one boolean := false;
BEGIN
	-- every range is probed, whatever the earlier ones found: the counters
	-- of a call do not depend on which region holds the person
	FOR r IN SELECT * FROM medaid.region_ranges(who) LOOP
		IF EXISTS (SELECT FROM medaid.person p
				   WHERE medaid.cnid_body(p.id_number) OPERATOR(pg_catalog.=) medaid.cnid_body(id)
					 AND p.region >= r.lo AND p.region <= r.hi) THEN
			found_one := true;
		END IF;
	END LOOP;
	RETURN found_one;
END
$function$
;
CREATE FUNCTION medaid.participation_ledger_of_regions()
 RETURNS SETOF medaid.participation_ledger
 LANGUAGE sql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
	SELECT l.* FROM medaid.participation_ledger l
	WHERE l.region LIKE ANY ((SELECT medaid.region_patterns(medaid.caller()))::text[])
$function$
;
CREATE FUNCTION medaid.category_periods_of(id medaid.cnid)
 RETURNS SETOF medaid.category_period
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT c.* FROM medaid.category_period c
					 WHERE c.id_number OPERATOR(medaid.=) id ORDER BY c.valid_from, c.period_id;
	END IF;
END
$function$
;
CREATE FUNCTION medaid.close_batch(batch_id bigint, expected_rows bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	n bigint;
BEGIN
	IF expected_rows IS NULL OR expected_rows < 0 THEN
		RAISE EXCEPTION 'invalid expected_rows for batch %: %', close_batch.batch_id, coalesce(expected_rows::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'expected_rows is the number of rows the department''s file declares.';
	END IF;
	-- waits for every transaction still loading rows into the batch (they
	-- hold FOR KEY SHARE on it: roster_staging_guard); loads that come later
	-- wait for this one and are then refused
	SELECT * INTO b FROM medaid.batch x WHERE x.batch_id = close_batch.batch_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'batch % does not exist', close_batch.batch_id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Open a batch with medaid.open_batch and COPY its rows into medaid.roster_staging.';
	END IF;
	IF b.loading_ended_at IS NOT NULL THEN
		IF b.rows_loaded <> expected_rows THEN
			RAISE EXCEPTION 'batch % was closed with % rows, not %', b.batch_id, b.rows_loaded, expected_rows
				USING ERRCODE = 'cardinality_violation',
					  DETAIL = format('close_batch ended its loading with %s rows (the rows_loaded of medaid.batch); nothing was changed.', b.rows_loaded),
					  HINT = 'Open a new batch with medaid.open_batch for a different file.';
		END IF;
		RETURN b.rows_loaded;
	END IF;
	-- a statement of its own: in READ COMMITTED a snapshot taken after the
	-- lock, which sees every row the loads that held the batch committed
	n := (SELECT count(*) FROM medaid.roster_staging s WHERE s.batch_id = b.batch_id);
	IF n <> expected_rows THEN
		RAISE EXCEPTION 'batch % has % rows loaded, but its file declares %', b.batch_id, n, expected_rows
			USING ERRCODE = 'cardinality_violation',
				  DETAIL = format('%s rows of batch %s are committed in medaid.roster_staging (as this transaction sees them, %s); the department''s file declares %s. The batch stays open for loading.',
								  n, b.batch_id, current_setting('transaction_isolation'), expected_rows),
				  HINT = 'Load the missing rows (or delete the extra ones) and call close_batch again, in its own READ COMMITTED transaction: an older snapshot does not see rows committed since.';
	END IF;
	UPDATE medaid.batch x SET loading_ended_at = now(), loading_ended_by = session_user, rows_loaded = n
	WHERE x.batch_id = b.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('close_batch', b.batch_id, b.period, b.dept, jsonb_build_object('rows_loaded', n));
	RETURN n;
END
$function$
;
CREATE FUNCTION medaid.enrollment_categories(id medaid.cnid, year integer, region text, on_date date)
 RETURNS TABLE(slug text, has_rule boolean, rule_amount numeric, ord bigint)
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
	-- the order: the region's for the year (category_rank, inline: the
	-- longest prefix with rows for the year, else the default order, which
	-- also breaks ties); the rule: per category the longest prefix with a
	-- row for the year
	SELECT h.category::pg_catalog.text, rule.found IS NOT NULL, rule.amount,
		   pg_catalog.row_number() OVER (ORDER BY
			CASE WHEN ord.prefix IS NULL THEN medaid.category_ordinal(h.category)
				 ELSE coalesce(o.rank, 1000 OPERATOR(pg_catalog.+) medaid.category_ordinal(h.category)) END,
			medaid.category_ordinal(h.category))
	FROM (SELECT DISTINCT p.category
		  FROM medaid.category_period p
		  WHERE p.id_number OPERATOR(medaid.=) enrollment_categories.id
			AND p.valid_from OPERATOR(pg_catalog.<=) enrollment_categories.on_date
			AND (p.valid_to IS NULL OR p.valid_to OPERATOR(pg_catalog.>) enrollment_categories.on_date)) h
	LEFT JOIN (
		SELECT f.region_prefix FROM medaid.category_favourability f
		WHERE f.year OPERATOR(pg_catalog.=) enrollment_categories.year
		  AND f.region_prefix OPERATOR(pg_catalog.=) ANY (ARRAY[enrollment_categories.region,
				pg_catalog.left(enrollment_categories.region, 4), pg_catalog.left(enrollment_categories.region, 2)])
		ORDER BY pg_catalog.length(f.region_prefix) DESC LIMIT 1) ord(prefix) ON true
	LEFT JOIN medaid.category_favourability o
	  ON o.region_prefix OPERATOR(pg_catalog.=) ord.prefix AND o.year OPERATOR(pg_catalog.=) enrollment_categories.year
		 AND o.category OPERATOR(medaid.=) h.category
	LEFT JOIN LATERAL (
		SELECT true AS found, s.amount
		FROM medaid.subsidy_rule s
		WHERE s.year OPERATOR(pg_catalog.=) enrollment_categories.year AND s.category OPERATOR(medaid.=) h.category
		  AND s.region_prefix OPERATOR(pg_catalog.=) ANY (ARRAY[enrollment_categories.region,
				pg_catalog.left(enrollment_categories.region, 4), pg_catalog.left(enrollment_categories.region, 2)])
		ORDER BY pg_catalog.length(s.region_prefix) DESC LIMIT 1) rule ON true
$function$
;
CREATE FUNCTION medaid.enrollments_of(id medaid.cnid)
 RETURNS SETOF medaid.enrollment
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT e.* FROM medaid.enrollment e
					 WHERE e.id_number OPERATOR(medaid.=) id ORDER BY e.year, e.enrollment_id;
	END IF;
END
$function$
;
CREATE FUNCTION medaid.person_lookup(id medaid.cnid)
 RETURNS SETOF medaid.person
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT p.* FROM medaid.person p WHERE p.id_number OPERATOR(medaid.=) id;
	END IF;
END
$function$
;
CREATE FUNCTION medaid.reconcile_apply_delta(batch_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	r record;
	ev record;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_apply_delta.batch_id;
	-- a held snapshot of the department waits for its decision first
	PERFORM medaid.snapshot_hold_wait(b.dept, b.batch_id);
	CREATE INDEX ON medaid_judged (id);
	ANALYZE medaid_judged;

	FOR r IN SELECT * FROM medaid_judged WHERE outcome IS NULL ORDER BY eff_date, row_no LOOP
		ev := medaid.reconcile_delta_event(b, r.row_no, r.id, r.category, r.event, r.eff_date);
		IF ev.starts THEN
			INSERT INTO medaid.person AS p (id_number, name, region, first_batch_id, first_row_no, last_batch_id, last_row_no)
			VALUES (r.id, r.name, r.region, b.batch_id, r.row_no, b.batch_id, r.row_no)
			ON CONFLICT (id_number) DO NOTHING;
			INSERT INTO medaid.category_period (id_number, category, dept, valid_from, valid_to,
												started_batch_id, started_row_no)
			VALUES (r.id, r.category, b.dept, r.eff_date,
					(SELECT min(p.valid_from) FROM medaid.category_period p
					 WHERE p.id_number OPERATOR(medaid.=) r.id AND p.category OPERATOR(medaid.=) r.category
					   AND p.valid_from > r.eff_date),
					b.batch_id, r.row_no);
		END IF;
		IF ev.outcome = 'applied' THEN
			UPDATE medaid.person p SET region = r.region, last_batch_id = b.batch_id, last_row_no = r.row_no
			WHERE p.id_number OPERATOR(medaid.=) r.id;
			INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
			VALUES (b.batch_id, r.row_no, r.id, r.category, r.event, r.eff_date, r.region);
		END IF;
		UPDATE medaid_judged j SET outcome = ev.outcome, reason = ev.reason WHERE j.row_no = r.row_no;
	END LOOP;
END
$function$
;
CREATE FUNCTION medaid.reconcile_apply_snapshot(batch_id bigint, OUT exits bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_end date;
	m_next date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_apply_snapshot.batch_id;
	m_next := (b.period + interval '1 month')::date;
	m_end := m_next - 1;
	-- a held snapshot of the department waits for its decision first
	PERFORM medaid.snapshot_hold_wait(b.dept, b.batch_id);
	ANALYZE medaid_judged;

	-- rows for categories held on the month's last day were judged
	-- "unchanged" (reconcile_judge).  The snapshot implies the end, on the
	-- first day of the next month, of the categories of the department it
	-- omits; a person whose rows are all anomalies keeps them.  Each exit
	-- with the person's register region (docs/rules.md §7, "Places"), as it
	-- stands before this batch's rows move anyone.
	IF to_regclass('pg_temp.medaid_implied_exit') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_implied_exit;
	END IF;
	CREATE TEMP TABLE medaid_implied_exit ON COMMIT DROP AS
	WITH kept AS (
		SELECT DISTINCT x.id, x.category FROM medaid_judged x WHERE x.outcome IS DISTINCT FROM 'anomaly'
	), anomalous_only AS (
		SELECT x.id FROM medaid_judged x WHERE x.id IS NOT NULL
		GROUP BY x.id HAVING bool_and(x.outcome IS NOT DISTINCT FROM 'anomaly')
	)
	SELECT p.id_number, p.period_id, p.category, pe.region
	FROM medaid.category_period p
	JOIN medaid.person pe ON pe.id_number OPERATOR(medaid.=) p.id_number
	WHERE p.dept = b.dept AND p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_next)
	  AND NOT EXISTS (SELECT FROM kept k WHERE k.id OPERATOR(medaid.=) p.id_number AND k.category OPERATOR(medaid.=) p.category)
	  AND NOT EXISTS (SELECT FROM anomalous_only a WHERE a.id OPERATOR(medaid.=) p.id_number);

	IF medaid.reconcile_snapshot_hold(b.batch_id) THEN
		exits := 0;
	ELSE
		WITH ended AS (
			UPDATE medaid.category_period p
			SET valid_to = m_next, ended_batch_id = b.batch_id, ended_row_no = NULL
			FROM medaid_implied_exit e
			WHERE p.id_number OPERATOR(medaid.=) e.id_number AND p.period_id = e.period_id
			RETURNING p.id_number, p.category, e.region
		)
		INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
		SELECT b.batch_id, NULL, e.id_number, e.category, 'exit', m_next, e.region FROM ended e;
		GET DIAGNOSTICS exits = ROW_COUNT;
	END IF;
	DROP TABLE pg_temp.medaid_implied_exit;

	-- a row for a category not held starts it on its date
	INSERT INTO medaid.person (id_number, name, region, first_batch_id, first_row_no, last_batch_id, last_row_no)
	SELECT DISTINCT ON (j.id) j.id, j.name, j.region, b.batch_id, j.row_no, b.batch_id, j.row_no
	FROM medaid_judged j WHERE j.outcome IS NULL
	ORDER BY j.id, j.eff_date, j.row_no
	ON CONFLICT (id_number) DO NOTHING;
	INSERT INTO medaid.category_period (id_number, category, dept, valid_from, valid_to,
										started_batch_id, started_row_no)
	SELECT j.id, j.category, b.dept, st.start,
		   (SELECT min(p.valid_from) FROM medaid.category_period p
			WHERE p.id_number OPERATOR(medaid.=) j.id AND p.category OPERATOR(medaid.=) j.category
			  AND p.valid_from > st.start),
		   b.batch_id, j.row_no
	FROM medaid_judged j
	CROSS JOIN LATERAL (
		SELECT coalesce((SELECT max(p.valid_to) FROM medaid.category_period p
						 WHERE p.id_number OPERATOR(medaid.=) j.id AND p.category OPERATOR(medaid.=) j.category
						   AND p.valid_from <= j.eff_date AND p.valid_to > j.eff_date),
						j.eff_date) AS start) st
	WHERE j.outcome IS NULL;
	INSERT INTO medaid.roster_change (batch_id, row_no, id_number, category, change, effective_date, region)
	SELECT b.batch_id, j.row_no, j.id, j.category, 'add', j.eff_date, j.region
	FROM medaid_judged j WHERE j.outcome IS NULL;
	UPDATE medaid.person p SET region = l.region, last_batch_id = b.batch_id, last_row_no = l.row_no
	FROM (SELECT DISTINCT ON (j.id) j.id, j.region, j.row_no
		  FROM medaid_judged j WHERE j.outcome IS NULL
		  ORDER BY j.id, j.eff_date DESC, j.row_no DESC) l
	WHERE p.id_number OPERATOR(medaid.=) l.id;
	UPDATE medaid_judged SET outcome = 'applied', reason = 'add' WHERE outcome IS NULL;
END
$function$
;
CREATE FUNCTION medaid.reconcile_delta_event(b medaid.batch, row_no integer, id medaid.cnid, category medaid.category, event text, d date, OUT outcome text, OUT reason text, OUT starts boolean)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_variable
DECLARE
	extra_row boolean;
	n_ended integer;
	was_active boolean;
BEGIN
	outcome := 'applied';
	reason := event;
	-- an extra row of an event an earlier row of the batch already
	-- carried (applied or duplicate; an anomaly carries nothing)
	extra_row := EXISTS (SELECT FROM medaid_judged x
						 WHERE x.id OPERATOR(medaid.=) id AND x.category OPERATOR(medaid.=) category
						   AND x.event = event AND x.eff_date = d
						   AND x.outcome IN ('applied', 'duplicate')
						   AND (x.eff_date, x.row_no) < (d, row_no));
	IF extra_row AND event <> 'exit' THEN
		outcome := 'duplicate';
		reason := 'duplicate_row';
	ELSIF event = 'add' THEN
		IF EXISTS (SELECT FROM medaid.category_period p
				   WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category
					 AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d)) THEN
			outcome := 'duplicate';
			reason := 'already_active';
		END IF;
	ELSIF event = 'exit' THEN
		IF NOT EXISTS (SELECT FROM medaid.category_period p
					   WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category) THEN
			outcome := 'anomaly';
			reason := 'exit_never_held';
		ELSIF extra_row THEN
			outcome := 'duplicate';
			reason := 'duplicate_row';
		ELSE
			UPDATE medaid.category_period p
			SET valid_to = d, ended_batch_id = b.batch_id, ended_row_no = row_no
			WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category
			  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d);
			IF NOT FOUND THEN
				outcome := 'duplicate';
				reason := 'not_active';
			END IF;
		END IF;
	ELSE
		-- change: the person's other categories from this department end at d
		UPDATE medaid.category_period p
		SET valid_to = d, ended_batch_id = b.batch_id, ended_row_no = row_no
		WHERE p.id_number OPERATOR(medaid.=) id AND p.dept = b.dept
		  AND p.category OPERATOR(medaid.<>) category
		  AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d);
		GET DIAGNOSTICS n_ended = ROW_COUNT;
		was_active := EXISTS (SELECT FROM medaid.category_period p
							  WHERE p.id_number OPERATOR(medaid.=) id AND p.category OPERATOR(medaid.=) category
								AND p.valid_from <= d AND (p.valid_to IS NULL OR p.valid_to > d));
		IF was_active AND n_ended = 0 THEN
			outcome := 'duplicate';
			reason := 'already_active';
		END IF;
	END IF;
	-- an applied add starts its category; an applied change, unless active
	starts := outcome = 'applied' AND event IN ('add', 'change') AND NOT coalesce(was_active AND event = 'change', false);
END
$function$
;
CREATE FUNCTION medaid.reconcile_judge(batch_id bigint, OUT rows_staged bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_end date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_judge.batch_id;
	m_end := (b.period + interval '1 month')::date - 1;

	IF to_regclass('pg_temp.medaid_judged') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_judged;
	END IF;

	-- every row normalised, and rule 1 (reconcile_judge_fields)
	PERFORM medaid.reconcile_judge_fields(b.batch_id);

	-- Rule 2 for every row, and in a snapshot rule 4 and "unchanged", in one
	-- pass: a million-row snapshot is judged without rewriting rows.
	CREATE TEMP TABLE medaid_judged ON COMMIT DROP AS
	WITH creators AS (
		-- the rows that can give a new ID its name: those that passed rule 1
		-- and start a category (every one of a snapshot; add and change in a
		-- delta, not an exit, which a new ID never held)
		SELECT x.*, x.field_reason IS NULL AND (b.mode = 'snapshot' OR x.event IN ('add', 'change')) AS creator
		FROM pg_temp.medaid_judge_fields x
	), names AS (
		-- rule 2: the name held for the ID; for a new ID, the name on its
		-- first creating row (by date, then row), held from that row on: a
		-- row before it (a delta's exit, rejected as never held) holds none
		SELECT x.*,
			   CASE WHEN x.field_reason IS NOT NULL THEN x.field_reason
					WHEN p.name IS NOT NULL THEN CASE WHEN x.name <> p.name THEN 'name_mismatch' END
					WHEN first_value(x.creator) OVER first_creator
					 AND (x.eff_date, x.row_no) >= (first_value(x.eff_date) OVER first_creator, first_value(x.row_no) OVER first_creator)
					 AND x.name <> first_value(x.name) OVER first_creator THEN 'name_mismatch'
			   END AS early_reason
		FROM creators x
		LEFT JOIN medaid.person p ON p.id_number OPERATOR(medaid.=) x.id
		WINDOW first_creator AS (PARTITION BY x.id ORDER BY x.creator DESC, x.eff_date, x.row_no)
	), extras AS (
		-- snapshot rule 4: further rows of one person and category
		SELECT y.*,
			   CASE WHEN b.mode = 'snapshot' AND y.early_reason IS NULL
					THEN row_number() OVER (PARTITION BY y.id, y.category, y.early_reason IS NULL
											ORDER BY y.eff_date, y.row_no) END AS nth
		FROM names y
	)
	SELECT e.row_no, e.raw_name, e.raw_id, e.raw_category, e.raw_event, e.raw_date, e.raw_region,
		   e.name, e.id, e.category, e.event, e.eff_date, e.region,
		   CASE WHEN e.early_reason IS NOT NULL THEN e.early_reason
				WHEN e.nth > 1 THEN 'duplicate_row'
				WHEN held.id_number IS NOT NULL THEN 'unchanged'
		   END AS reason,
		   CASE WHEN e.early_reason IS NOT NULL THEN 'anomaly'
				WHEN e.nth > 1 OR held.id_number IS NOT NULL THEN 'duplicate'
		   END AS outcome
	FROM extras e
	LEFT JOIN (SELECT p.id_number, p.category
			   FROM medaid.category_period p
			   WHERE b.mode = 'snapshot' AND p.dept = b.dept
				 AND p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_end)) held
	  ON held.id_number OPERATOR(medaid.=) e.id AND held.category OPERATOR(medaid.=) e.category
	 AND e.early_reason IS NULL AND coalesce(e.nth, 1) = 1;
	DROP TABLE pg_temp.medaid_judge_fields;
	rows_staged := (SELECT count(*) FROM medaid_judged);
END
$function$
;
CREATE FUNCTION medaid.reconcile_judge_fields(batch_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	m_start date;
	m_end date;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_judge_fields.batch_id;
	m_start := b.period;
	m_end := (b.period + interval '1 month')::date - 1;

	IF to_regclass('pg_temp.medaid_judge_fields') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_judge_fields;
	END IF;
	-- The rows were just loaded: without fresh statistics the planner takes
	-- the batch for a handful of rows and probes indexes a million times.
	-- (Only the owner may ANALYZE; others get the plans the statistics give.)
	IF pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = 'medaid.roster_staging'::regclass), 'USAGE') THEN
		ANALYZE medaid.roster_staging;
	END IF;

	CREATE TEMP TABLE medaid_judge_fields ON COMMIT DROP AS
	WITH f AS (
		SELECT s.row_no, s.name AS raw_name, s.id_number AS raw_id, s.category AS raw_category,
			   s.event AS raw_event, s.event_date AS raw_date, s.region AS raw_region,
			   medaid.normalize_name(s.name) AS name,
			   medaid.cnid_try(s.id_number) AS id,
			   medaid.category_from_text(s.category) AS category,
			   lower(btrim(s.event)) AS event,
			   CASE WHEN b.mode = 'snapshot' THEN coalesce(s.event_date, m_start) ELSE s.event_date END AS eff_date,
			   btrim(s.region) AS region
		FROM medaid.roster_staging s
		WHERE s.batch_id = b.batch_id
	)
	-- rule 1: a missing or invalid field
	SELECT f.*,
		   CASE
			WHEN f.name IS NULL OR f.name = '' THEN 'missing_name'
			WHEN char_length(f.name) > 100 THEN 'name_too_long'
			WHEN f.id IS NULL THEN 'id_' || medaid.cnid_invalid_reason(f.raw_id)
			WHEN f.raw_category IS NULL OR btrim(f.raw_category) = '' THEN 'missing_category'
			WHEN f.category IS NULL THEN 'unknown_category'
			WHEN medaid.category_dept(f.category) <> b.dept THEN 'category_wrong_department'
			WHEN b.mode = 'delta' AND coalesce(f.event, '') = '' THEN 'missing_event'
			WHEN b.mode = 'delta' AND f.event NOT IN ('add', 'exit', 'change') THEN 'unknown_event'
			WHEN b.mode = 'snapshot' AND coalesce(f.event, '') NOT IN ('', 'add') THEN 'event_in_snapshot'
			WHEN b.mode = 'delta' AND f.raw_date IS NULL THEN 'missing_date'
			WHEN f.eff_date > m_end THEN 'date_after_period'
			WHEN f.eff_date < medaid.cnid_birth_date(f.id) THEN 'date_before_birth'
			WHEN coalesce(f.region, '') = '' THEN 'missing_region'
			WHEN f.region !~ '^[0-9]{6}$' THEN 'invalid_region'
		   END AS field_reason
	FROM f;
END
$function$
;
CREATE FUNCTION medaid.reconcile_record(batch_id bigint, rows_staged bigint, exits bigint, OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
	n_accepted bigint;
BEGIN
	SELECT * INTO STRICT b FROM medaid.batch x WHERE x.batch_id = reconcile_record.batch_id;

	INSERT INTO medaid.roster_result (batch_id, row_no, outcome, reason, id_number, category)
	SELECT b.batch_id, j.row_no, j.outcome, j.reason, j.id, j.category FROM medaid_judged j;

	INSERT INTO medaid.anomaly_return (batch_id, row_no, dept, reason, id_number, id_masked, name,
									   category, event, event_date, region)
	SELECT b.batch_id, j.row_no, b.dept, j.reason, j.id,
		   CASE WHEN j.raw_id IS NOT NULL THEN medaid.cnid_mask(j.raw_id) END,
		   j.raw_name, j.raw_category, j.raw_event, j.raw_date, j.raw_region
	FROM medaid_judged j WHERE j.outcome = 'anomaly';

	-- a later accepted row of the same department corrects an open anomaly:
	-- by ID, or, where the ID was not valid, by name and region
	UPDATE medaid.anomaly_return a
	SET closed_at = now(), closed_by_batch_id = b.batch_id, closed_by_row_no = c.row_no
	FROM (SELECT DISTINCT ON (j.id) j.id, j.row_no FROM medaid_judged j
		  WHERE j.outcome IN ('applied', 'duplicate') ORDER BY j.id, j.row_no) c
	WHERE a.closed_at IS NULL AND a.dept = b.dept AND a.batch_id < b.batch_id
	  AND a.id_number OPERATOR(medaid.=) c.id;
	UPDATE medaid.anomaly_return a
	SET closed_at = now(), closed_by_batch_id = b.batch_id, closed_by_row_no = c.row_no
	FROM (SELECT DISTINCT ON (j.name, j.region) j.name, j.region, j.row_no FROM medaid_judged j
		  WHERE j.outcome IN ('applied', 'duplicate') ORDER BY j.name, j.region, j.row_no) c
	WHERE a.closed_at IS NULL AND a.dept = b.dept AND a.batch_id < b.batch_id AND a.id_number IS NULL
	  AND medaid.normalize_name(a.name) = c.name AND btrim(a.region) = c.region;

	SELECT count(*) FILTER (WHERE j.outcome = 'applied'),
		   count(*) FILTER (WHERE j.outcome = 'duplicate'),
		   count(*) FILTER (WHERE j.outcome = 'anomaly'),
		   count(*) FILTER (WHERE j.outcome IS NULL)
	INTO applied, duplicates, anomalies, n_accepted
	FROM medaid_judged j;
	IF n_accepted <> 0 OR applied + duplicates + anomalies <> rows_staged THEN
		RAISE EXCEPTION 'reconcile left % of % rows of batch % without an outcome', n_accepted, rows_staged, b.batch_id
			USING ERRCODE = 'internal_error';
	END IF;
	UPDATE medaid.batch x
	SET reconciled_at = now(), reconciled_by = session_user, rows_staged = reconcile_record.rows_staged,
		applied = reconcile_record.applied, duplicates = reconcile_record.duplicates,
		anomalies = reconcile_record.anomalies, exits = reconcile_record.exits
	WHERE x.batch_id = b.batch_id;
	INSERT INTO medaid.audit_log (action, batch_id, month, dept, counts)
	VALUES ('reconcile', b.batch_id, b.period, b.dept,
			jsonb_build_object('rows_staged', reconcile_record.rows_staged, 'applied', reconcile_record.applied,
							   'duplicates', reconcile_record.duplicates, 'anomalies', reconcile_record.anomalies,
							   'exits', reconcile_record.exits)),
		   ('anomaly_return', b.batch_id, b.period, b.dept,
			jsonb_build_object('returned', reconcile_record.anomalies,
							   'closed', (SELECT count(*) FROM medaid.anomaly_return a
										  WHERE a.closed_by_batch_id = b.batch_id)));
	DROP TABLE pg_temp.medaid_judged;
END
$function$
;
CREATE FUNCTION medaid.roster_changes_of(id medaid.cnid)
 RETURNS SETOF medaid.roster_change
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	who name := medaid.caller();
	everything constant medaid.category[] := ARRAY['tekun', 'dibao', 'fanpin', 'dibao_edge', 'jiance', 'zhongbing']::medaid.category[];
	cats medaid.category[];
	r record;
BEGIN
	-- the categories whose changes the caller's policies show: all for
	-- county staff, a department's own for its staff
	SELECT array_agg(c) INTO cats
	FROM unnest(everything) c
	WHERE pg_has_role(who, 'medaid_county', 'USAGE')
	   OR (pg_has_role(who, 'medaid_civil_affairs', 'USAGE') AND medaid.category_dept(c) = 'civil_affairs')
	   OR (pg_has_role(who, 'medaid_rural', 'USAGE') AND medaid.category_dept(c) = 'rural');
	IF cats IS NULL THEN
		RETURN;
	END IF;
	FOR r IN SELECT * FROM medaid.region_ranges(who) LOOP
		RETURN QUERY SELECT c.* FROM medaid.roster_change c
					 WHERE medaid.cnid_body(c.id_number) OPERATOR(pg_catalog.=) medaid.cnid_body(id)
					   AND c.category OPERATOR(medaid.=) ANY (cats)
					   AND c.region >= r.lo AND c.region <= r.hi
					 ORDER BY c.effective_date, c.batch_id, c.row_no;
	END LOOP;
END
$function$
;
CREATE FUNCTION medaid.roster_staging_lock(batch_ids bigint[])
 RETURNS TABLE(batch_id bigint, loading_ended_at timestamp with time zone, reconciled_at timestamp with time zone, rows_loaded bigint)
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
	SELECT x.batch_id, x.loading_ended_at, x.reconciled_at, x.rows_loaded
	FROM medaid.batch x
	WHERE x.batch_id OPERATOR(pg_catalog.=) ANY (batch_ids)
	ORDER BY x.batch_id
	FOR KEY SHARE OF x
$function$
;
CREATE FUNCTION medaid.settlement_load_judge_ids()
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$
;
CREATE FUNCTION medaid.settlement_load_judge_rows(load_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$
;
CREATE FUNCTION medaid.settlement_load_write(load_id bigint, OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$
;
CREATE FUNCTION medaid.settlements_of(id medaid.cnid, from_date date DEFAULT '-infinity'::date, to_date date DEFAULT 'infinity'::date)
 RETURNS SETOF medaid.settlement
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT s.* FROM medaid.settlement s
					 WHERE s.id_number OPERATOR(medaid.=) id AND s.settle_date >= from_date AND s.settle_date <= to_date
					 ORDER BY s.settle_date, s.settlement_id;
	END IF;
END
$function$
;
CREATE FUNCTION medaid.warning_run_people(month_start date, base_watermark bigint)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
DECLARE
	m_start date := month_start;
	m_end date := (month_start + interval '1 month')::date - 1;
	prev_end date := month_start - 1;
	y integer := extract(year FROM month_start)::integer;
BEGIN
	-- who is computed: everyone with settlements this year (full); or
	-- (incremental) those with settlements dated in the month, those whose
	-- settlements or categories changed since the base run, and those whose
	-- categories start or end in the month.  Anyone else has the same
	-- settlements up to the month's end as up to the previous month's, the
	-- same latest region and the same categories: the same warning or none.
	IF to_regclass('pg_temp.medaid_todo') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_todo;
	END IF;
	IF base_watermark IS NOT NULL THEN
		-- settlements dated in the month were loaded after the base run
		-- (stamped later) or before it (their last_day is in the month or
		-- after): both through burden_year's indexes, not the month's rows
		-- Each state is read here once, for the region, the total and the
		-- count up to the month's end; the first day over the threshold is
		-- read again only for the people warned.
		CREATE TEMP TABLE medaid_todo ON COMMIT DROP AS
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end) AS region, r.total, r.settlements
		FROM medaid.burden_year b
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.year = y AND (b.changed_seq > base_watermark OR b.last_day >= m_start)
		UNION ALL
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end), r.total, r.settlements
		FROM (SELECT DISTINCT p.id_number FROM medaid.category_period p
			  WHERE (p.valid_from > prev_end AND p.valid_from <= m_end)
				 OR (p.valid_to > prev_end AND p.valid_to <= m_end)) c
		JOIN medaid.burden_year b ON b.id_number OPERATOR(medaid.=) c.id_number AND b.year = y
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.changed_seq <= base_watermark AND b.last_day < m_start;
	ELSE
		CREATE TEMP TABLE medaid_todo ON COMMIT DROP AS
		SELECT b.id_number, medaid.burden_state_region(b.state, m_end) AS region, r.total, r.settlements
		FROM medaid.burden_year b
		CROSS JOIN LATERAL medaid.burden_state_result(b.state, m_end, NULL) r
		WHERE b.year = y;
	END IF;
	CREATE UNIQUE INDEX ON pg_temp.medaid_todo (id_number);
	ANALYZE pg_temp.medaid_todo;
END
$function$
;
CREATE FUNCTION medaid.warning_run_thresholds(month_start date)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
DECLARE
	m_end date := (month_start + interval '1 month')::date - 1;
	y integer := extract(year FROM month_start)::integer;
	missing record;
BEGIN
	IF to_regclass('pg_temp.medaid_assessed') IS NOT NULL THEN
		DROP TABLE pg_temp.medaid_assessed;
	END IF;
	-- the ratio that applies, from the categories active on the month's last
	-- day: among those with a ratio the lowest (equal ratios: the more
	-- favourable in the region's order); none active: ordinary; only
	-- categories without a ratio: no warning.  Joined, not looked up person
	-- by person.
	CREATE TEMP TABLE medaid_assessed ON COMMIT DROP AS
	WITH latest AS (
		-- the threshold's province: the latest settlement of the year so far
		SELECT t.id_number, t.region FROM medaid_todo t
	), active AS (
		SELECT p.id_number, p.category, r.ratio
		FROM medaid.category_period p
		JOIN medaid.threshold_ratio_effective r ON r.category = p.category::text
		WHERE p.valid_from <= m_end AND (p.valid_to IS NULL OR p.valid_to > m_end)
	), joined AS (
		SELECT l.id_number, l.region, a.category, a.ratio,
			   count(a.category) OVER (PARTITION BY l.id_number) AS n_active,
			   count(*) OVER (PARTITION BY l.id_number, a.ratio) AS n_same_ratio
		FROM latest l
		LEFT JOIN active a ON a.id_number OPERATOR(medaid.=) l.id_number
		WHERE l.region IS NOT NULL
	), chosen AS (
		SELECT DISTINCT ON (j.id_number) j.id_number, j.region, j.n_active, j.category, j.ratio
		FROM joined j
		ORDER BY j.id_number, j.ratio NULLS LAST,
				 CASE WHEN j.n_same_ratio > 1 AND j.ratio IS NOT NULL
					  THEN medaid.category_rank(j.category, j.region, m_end) END,
				 medaid.category_ordinal(j.category)
	)
	SELECT c.id_number, c.region, substr(c.region, 1, 2) AS province,
		   CASE WHEN c.n_active = 0 THEN 'ordinary' ELSE c.category::text END AS category,
		   CASE WHEN c.n_active = 0 THEN o.ratio ELSE c.ratio END AS ratio
	FROM chosen c
	CROSS JOIN (SELECT r.ratio FROM medaid.threshold_ratio_effective r WHERE r.category = 'ordinary') o
	WHERE CASE WHEN c.n_active = 0 THEN o.ratio ELSE c.ratio END IS NOT NULL;

	-- a missing income is an error naming the province and the year
	SELECT a.province INTO missing
	FROM medaid_assessed a
	WHERE NOT EXISTS (SELECT FROM medaid.income_baseline b WHERE b.province = a.province AND b.year = y - 1)
	LIMIT 1;
	IF FOUND THEN
		PERFORM medaid.burden_threshold(missing.province, y, 1);
	END IF;
END
$function$
;
CREATE FUNCTION medaid.warning_run_write(month_start date, base_run_id bigint, stamp bigint, digest text, OUT people_assessed bigint, OUT warned bigint, OUT new_warnings bigint, OUT continuing bigint)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	m_start date := month_start;
	m_end date := (month_start + interval '1 month')::date - 1;
	prev_start date := (month_start - interval '1 month')::date;
	y integer := extract(year FROM month_start)::integer;
	incremental boolean := warning_run_write.base_run_id IS NOT NULL;
	carried bigint := 0;
	mode text := CASE WHEN warning_run_write.base_run_id IS NOT NULL THEN 'incremental' ELSE 'full' END;
	this_run bigint;
BEGIN
	DELETE FROM medaid.warning w WHERE w.month = m_start;
	INSERT INTO medaid.warning (month, id_number, category, annual_burden, threshold, first_crossed_on,
								is_new, province, region, settlements)
	SELECT m_start, g.id_number, g.category, g.total, g.threshold,
		   (SELECT (medaid.burden_state_result(s.state, m_end, g.threshold)).first_crossed_on
			FROM medaid.burden_year s WHERE s.id_number OPERATOR(medaid.=) g.id_number AND s.year = y),
		   m_start = make_date(y, 1, 1)
		   OR NOT EXISTS (SELECT FROM medaid.warning p
						  WHERE p.id_number OPERATOR(medaid.=) g.id_number AND p.month = prev_start),
		   g.province, g.region, g.settlements
	FROM (SELECT a.id_number, a.category, a.province, a.region, a.ratio * i.per_capita_income AS threshold,
				 t.total, t.settlements
		  FROM medaid_assessed a
		  JOIN medaid_todo t ON t.id_number OPERATOR(medaid.=) a.id_number
		  JOIN medaid.income_baseline i ON i.province = a.province AND i.year = y - 1) g
	WHERE g.total > g.threshold;

	-- the others warned last month changed nothing: their warning goes on
	IF incremental THEN
		INSERT INTO medaid.warning (month, id_number, category, annual_burden, threshold, first_crossed_on,
									is_new, province, region, settlements)
		SELECT m_start, p.id_number, p.category, p.annual_burden, p.threshold, p.first_crossed_on,
			   false, p.province, p.region, p.settlements
		FROM medaid.warning p
		WHERE p.month = prev_start
		  AND NOT EXISTS (SELECT FROM medaid_todo t WHERE t.id_number OPERATOR(medaid.=) p.id_number);
		GET DIAGNOSTICS carried = ROW_COUNT;
	END IF;

	SELECT count(*) INTO people_assessed FROM medaid_assessed;
	SELECT count(*), count(*) FILTER (WHERE w.is_new), count(*) FILTER (WHERE NOT w.is_new)
	INTO warned, new_warnings, continuing
	FROM medaid.warning w WHERE w.month = m_start;
	INSERT INTO medaid.warning_run (month, mode, base_run_id, people_assessed, warned, new_warnings,
									continuing, carried, watermark, config_digest)
	VALUES (m_start, mode, warning_run_write.base_run_id, people_assessed, warned,
			new_warnings, continuing, carried,
			CASE WHEN current_setting('transaction_isolation') = 'read committed' THEN stamp END, digest)
	RETURNING run_id INTO this_run;
	INSERT INTO medaid.audit_log (action, run_id, month, counts)
	VALUES ('warning_run', this_run, m_start,
			jsonb_build_object('mode', mode, 'people_assessed', people_assessed, 'warned', warned,
							   'new', new_warnings, 'continuing', continuing, 'carried', carried));
END
$function$
;
CREATE FUNCTION medaid.warnings_of(id medaid.cnid)
 RETURNS SETOF medaid.warning
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
	IF medaid.registered_in_regions(id, medaid.caller()) THEN
		RETURN QUERY SELECT w.* FROM medaid.warning w WHERE w.id_number OPERATOR(medaid.=) id ORDER BY w.month;
	END IF;
END
$function$
;
-------------------------------------------------------------------------------
-- Changed functions: reconcile, run_monthly_warnings and load_settlements
-- call their steps; roster_staging_guard and reconcile: the end of loading;
-- settlement_accept and ensure_settlement_partitions: dates, amounts and no
-- statistics of a new partition's regions; mark_reviewed: its note masked;
-- enrollment_subsidy reads enrollment_categories
-------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION medaid.enrollment_subsidy(id medaid.cnid, year integer, region text, on_date date, scheme text DEFAULT 'resident'::text)
 RETURNS TABLE(subsidy_category text, subsidy_amount numeric, contribution numeric, subsidy_status text)
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE STRICT
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
#variable_conflict use_variable
DECLARE
	y integer := enrollment_subsidy.year;
	r text := enrollment_subsidy.region;
	contrib numeric;
	configured boolean;
	c record;
	amount numeric;
	best_slug text;
	best_amount numeric;
	best_status text;
BEGIN
	PERFORM medaid.enrollment_fields_check(y, r, on_date, scheme);

	-- the contribution in force: the longest prefix with a row for the year
	SELECT x.amount INTO contrib
	FROM medaid.resident_contribution x
	WHERE x.year = y AND x.region_prefix IN (r, left(r, 4), left(r, 2))
	ORDER BY length(x.region_prefix) DESC LIMIT 1;
	-- a province with no contribution of any year (another province, or
	-- nothing configured yet) grants nothing here; one configured for some
	-- years but not this one is an error below
	configured := contrib IS NOT NULL
		OR EXISTS (SELECT FROM medaid.resident_contribution x WHERE starts_with(x.region_prefix, left(r, 2)));

	-- every category held on the day, in the region's order, with its rule
	FOR c IN
		SELECT x.slug, x.has_rule, x.rule_amount
		FROM medaid.enrollment_categories(id, y, r, on_date) x ORDER BY x.ord
	LOOP
		IF best_slug IS NULL THEN
			-- the most favourable in the region's order: the category marked
			-- where no amount is compared (employee scheme, unconfigured)
			best_slug := c.slug;
		END IF;
		IF scheme = 'employee' OR NOT configured THEN
			CONTINUE;
		END IF;
		IF c.slug NOT IN ('tekun', 'zhongbing') AND NOT c.has_rule THEN
			RAISE EXCEPTION 'no subsidy rule for % in region % for %', c.slug, r, y
				USING ERRCODE = 'no_data_found',
					  DETAIL = format('ID %s holds %s on %s; dibao, fanpin, dibao_edge and jiance receive a fixed amount set per region and year (20号 §一).',
									  medaid.cnid_mask(id), c.slug, on_date),
					  HINT = format('INSERT INTO medaid.subsidy_rule (region_prefix, year, category, amount) VALUES (%L, %s, %L, ...);',
									left(r, 2), y, c.slug);
		END IF;
		IF contrib IS NULL AND (c.slug = 'tekun' OR c.has_rule) THEN
			RAISE EXCEPTION 'no resident contribution for region % in %', r, y
				USING ERRCODE = 'no_data_found',
					  DETAIL = format('ID %s holds %s on %s: its subsidy is the personal contribution in force for the insured place and year, or a fixed amount capped by it (20号 §一).',
									  medaid.cnid_mask(id), c.slug, on_date),
					  HINT = format('INSERT INTO medaid.resident_contribution (region_prefix, year, amount) VALUES (%L, %s, ...);',
									left(r, 2), y);
		END IF;
		amount := CASE WHEN c.slug = 'tekun' THEN contrib
					   WHEN NOT c.has_rule THEN 0
					   ELSE least(coalesce(c.rule_amount, contrib), contrib) END;
		-- 待遇从优、就高不就低 (33号 §二): the highest amount wins; in a tie
		-- the earlier in the order
		IF best_amount IS NULL OR amount > best_amount THEN
			best_slug := c.slug;
			best_amount := amount;
			best_status := CASE WHEN c.has_rule OR c.slug = 'tekun' THEN 'granted' ELSE 'no_rule' END;
		END IF;
	END LOOP;

	-- yuan with two decimals (round only sets the scale); no amount was
	-- compared without a category, for employees or unconfigured (contrib NULL)
	RETURN QUERY SELECT coalesce(best_slug, 'ordinary'), coalesce(round(best_amount, 2), 0.00),
		CASE WHEN scheme = 'resident' THEN round(contrib, 2) END,
		CASE WHEN scheme = 'employee' THEN 'employee' WHEN best_slug IS NULL THEN 'ordinary'
			 WHEN NOT configured THEN 'unconfigured' ELSE best_status END;
END
$function$
;
CREATE OR REPLACE FUNCTION medaid.ensure_settlement_partitions(from_month date, to_month date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;
CREATE OR REPLACE FUNCTION medaid.load_settlements(load_id bigint, OUT rows_staged bigint, OUT accepted bigint, OUT rejected bigint)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
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
$function$
;
CREATE OR REPLACE FUNCTION medaid.mark_reviewed(region text, month date, note text DEFAULT NULL::text)
 RETURNS medaid.monthly_review
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;
CREATE OR REPLACE FUNCTION medaid.reconcile(batch_id bigint, OUT applied bigint, OUT duplicates bigint, OUT anomalies bigint, OUT exits bigint, OUT rows_staged bigint, OUT already_reconciled boolean)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	b medaid.batch%ROWTYPE;
BEGIN
	-- waits for a close_batch or reconcile of the batch still running; in
	-- REPEATABLE READ or SERIALIZABLE a batch closed since the snapshot
	-- cannot be locked: refuse, saying how to run it
	BEGIN
		SELECT * INTO b FROM medaid.batch x WHERE x.batch_id = reconcile.batch_id FOR UPDATE;
	EXCEPTION WHEN serialization_failure THEN
		RAISE EXCEPTION 'batch % changed after this transaction''s snapshot', reconcile.batch_id
			USING ERRCODE = 'serialization_failure',
				  DETAIL = format('The batch was closed or reconciled since the snapshot of this %s transaction was taken; its rows as this snapshot sees them may not be all of them. Nothing was changed.',
								  current_setting('transaction_isolation')),
				  HINT = 'Run reconcile in its own READ COMMITTED transaction.';
	END;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'batch % does not exist', reconcile.batch_id
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Open a batch with medaid.open_batch and COPY its rows into medaid.roster_staging.';
	END IF;
	IF b.reconciled_at IS NOT NULL THEN
		applied := b.applied; duplicates := b.duplicates; anomalies := b.anomalies;
		exits := b.exits; rows_staged := b.rows_staged; already_reconciled := true;
		RETURN;
	END IF;
	IF b.loading_ended_at IS NULL THEN
		RAISE EXCEPTION 'batch % is not closed for loading', b.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'A batch is judged only once its loading has ended, and only as a whole (docs/rules.md §7): rows still to come would be judged missing, and a snapshot would end their categories.',
				  HINT = format('When every row of the department''s file is loaded: SELECT medaid.close_batch(%s, <rows the file declares>);', b.batch_id);
	END IF;
	-- one reconciliation at a time: batches apply in the order they are reconciled
	PERFORM pg_advisory_xact_lock(hashtext('medaid.reconcile'));

	rows_staged := medaid.reconcile_judge(b.batch_id);
	-- exactly the rows close_batch counted, or nothing: a snapshot older
	-- than the close misses rows (and a superuser may have changed some)
	IF rows_staged <> b.rows_loaded AND current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'batch % was closed with % rows, but reconcile sees %', b.batch_id, b.rows_loaded, rows_staged
			USING ERRCODE = 'serialization_failure',
				  DETAIL = format('This %s transaction sees %s rows of the batch, close_batch counted %s; judging part of a batch would end the categories of people it does not see. Nothing was changed.',
								  current_setting('transaction_isolation'), rows_staged, b.rows_loaded),
				  HINT = 'Run reconcile in its own READ COMMITTED transaction.';
	ELSIF rows_staged <> b.rows_loaded THEN
		RAISE EXCEPTION 'batch % was closed with % rows, but reconcile sees %', b.batch_id, b.rows_loaded, rows_staged
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Rows of the batch were added or removed after close_batch counted them (only a superuser can); judging other rows than the counted ones could end the categories of people the file names. Nothing was changed.',
				  HINT = 'Open a new batch with medaid.open_batch for the department''s file.';
	END IF;
	IF b.mode = 'delta' THEN
		PERFORM medaid.reconcile_apply_delta(b.batch_id);
		exits := 0;
	ELSE
		exits := medaid.reconcile_apply_snapshot(b.batch_id);
	END IF;
	SELECT r.applied, r.duplicates, r.anomalies INTO applied, duplicates, anomalies
	FROM medaid.reconcile_record(b.batch_id, reconcile.rows_staged, reconcile.exits) r;
	already_reconciled := false;
END
$function$
;
CREATE OR REPLACE FUNCTION medaid.roster_staging_guard()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
	b record;
	ids bigint[];
BEGIN
	-- Lock the batch rows (FOR KEY SHARE, in order of batch_id) until this
	-- transaction ends: close_batch and reconcile lock their batch FOR
	-- UPDATE, so they wait for every transaction still loading into it, and
	-- a load that reaches this point after a close sees the batch closed
	-- (READ COMMITTED reads the locked row's newest version; REPEATABLE READ
	-- fails to serialize).
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT DISTINCT n.batch_id FROM new_rows n);
	ELSIF TG_OP = 'UPDATE' THEN
		ids := ARRAY(SELECT n.batch_id FROM new_rows n UNION SELECT o.batch_id FROM old_rows o);
	ELSE
		ids := ARRAY(SELECT DISTINCT o.batch_id FROM old_rows o);
	END IF;
	FOR b IN SELECT * FROM medaid.roster_staging_lock(ids) LOOP
		-- superusers pass: pg_restore reloads the rows of closed and
		-- reconciled batches, and a superuser could disable the trigger anyway
		IF b.loading_ended_at IS NULL OR (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
			CONTINUE;
		END IF;
		IF b.reconciled_at IS NOT NULL THEN
			RAISE EXCEPTION 'batch % is already reconciled', b.batch_id
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = 'Rows of a reconciled batch are its record and cannot change.',
					  HINT = 'Open a new batch with medaid.open_batch for corrections.';
		END IF;
		RAISE EXCEPTION 'batch % is closed for loading', b.batch_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('medaid.close_batch ended its loading with %s rows: reconcile judges exactly those, so they cannot be added to, changed or removed.', b.rows_loaded),
				  HINT = 'Reconcile it as it is, or open a new batch with medaid.open_batch for the corrected file.';
	END LOOP;
	RETURN NULL;
END
$function$
;
CREATE OR REPLACE FUNCTION medaid.run_monthly_warnings(month date, OUT month_computed date, OUT people_assessed bigint, OUT warned bigint, OUT new_warnings bigint, OUT continuing bigint, OUT mode text)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET jit TO 'off'
AS $function$
#variable_conflict use_column
DECLARE
	m_start date;
	prev_start date;
	y integer;
	stamp bigint;
	digest text;
	base record;
	base_run_id bigint;
	base_watermark bigint;
BEGIN
	IF run_monthly_warnings.month IS NULL OR NOT isfinite(run_monthly_warnings.month) THEN
		RAISE EXCEPTION 'invalid month: %', coalesce(run_monthly_warnings.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Give any day of the month to compute.';
	END IF;
	m_start := date_trunc('month', run_monthly_warnings.month)::date;
	prev_start := (m_start - interval '1 month')::date;
	y := extract(year FROM m_start)::integer;
	-- one run of a month at a time
	PERFORM pg_advisory_xact_lock(hashtext('medaid.run_monthly_warnings'), y * 100 + extract(month FROM m_start)::integer);
	-- Loads and category changes take ROW EXCLUSIVE on burden_year before
	-- they take a stamp: once this lock is held, every stamp up to it is
	-- committed (and seen by this run's statements, in READ COMMITTED), and
	-- every later change gets a larger one.
	LOCK TABLE medaid.burden_year IN SHARE MODE;
	stamp := nextval('medaid.burden_change_seq');
	digest := medaid.warning_config_digest(y);

	-- incremental when the previous month of the year was computed, with the
	-- same configuration, and its warnings are still those of its last run
	IF m_start > make_date(y, 1, 1) THEN
		SELECT r.run_id, r.watermark, r.config_digest, r.warned INTO base
		FROM medaid.warning_run r WHERE r.month = prev_start
		ORDER BY r.run_id DESC LIMIT 1;
		IF FOUND AND base.watermark IS NOT NULL AND base.config_digest = digest
		   AND base.warned = (SELECT count(*) FROM medaid.warning p WHERE p.month = prev_start) THEN
			base_run_id := base.run_id;
			base_watermark := base.watermark;
		END IF;
	END IF;

	-- the steps: whom to compute, their thresholds, the month's warnings
	PERFORM medaid.warning_run_people(m_start, base_watermark);
	PERFORM medaid.warning_run_thresholds(m_start);
	SELECT w.people_assessed, w.warned, w.new_warnings, w.continuing
	INTO people_assessed, warned, new_warnings, continuing
	FROM medaid.warning_run_write(m_start, base_run_id, stamp, digest) w;
	mode := CASE WHEN base_run_id IS NOT NULL THEN 'incremental' ELSE 'full' END;
	month_computed := m_start;
	DROP TABLE pg_temp.medaid_assessed;
	DROP TABLE pg_temp.medaid_todo;
END
$function$
;
CREATE OR REPLACE FUNCTION medaid.settlement_accept()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;
-------------------------------------------------------------------------------
-- Changed views: the participation views read the ledger of the caller's
-- regions (participation_ledger_of_regions); settlement_reassessment dates
-- a confirmed hold's exits by the confirmation
-------------------------------------------------------------------------------
CREATE OR REPLACE VIEW medaid.settlement_reassessment AS
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

CREATE OR REPLACE VIEW medaid.participation_rate WITH (security_barrier = true) AS
	SELECT c.year, c.region, c.recipients, c.enrolled,
		   c.enrolled::numeric / c.recipients AS rate,
		   100 * c.enrolled >= 99 * c.recipients AS meets_target,
		   c.level, c.recipients - c.enrolled AS uninsured, n.name AS region_name
	FROM (SELECT l.year, v.level, v.code AS region, count(*) AS recipients,
				 count(*) FILTER (WHERE l.enrolled) AS enrolled
		  FROM medaid.participation_ledger_of_regions() l
		  CROSS JOIN LATERAL (VALUES ('county', l.region), ('city', left(l.region, 4)),
									 ('province', left(l.region, 2))) AS v(level, code)
		  GROUP BY l.year, v.level, v.code) c
	LEFT JOIN medaid.region n ON n.code = rpad(c.region, 6, '0')
	WHERE c.region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]);

CREATE OR REPLACE VIEW medaid.participation_ledger_masked WITH (security_barrier = true) AS
	SELECT l.year, medaid.cnid_mask(l.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN l.id_number END AS id_number,
		   l.region, l.category, l.categories, l.held_at_year_end, l.enrolled, l.enrollments,
		   l.enrollment_region, l.enrolled_on, l.subsidy_category, l.subsidy_amount, l.enrolled_elsewhere
	FROM medaid.participation_ledger_of_regions() l
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f;

CREATE OR REPLACE VIEW medaid.suspected_uninsured_masked WITH (security_barrier = true) AS
	SELECT u.year, medaid.cnid_mask(u.id_number) AS id_masked,
		   CASE WHEN f.full_id THEN u.id_number END AS id_number,
		   u.region, u.category, u.categories, u.held_at_year_end
	FROM medaid.participation_ledger_of_regions() u
	CROSS JOIN (SELECT pg_catalog.pg_has_role(CURRENT_USER, 'medaid_full_id', 'USAGE') AS full_id) f
	WHERE NOT u.enrolled;

-- CREATE OR REPLACE VIEW sets the view's options anew: settlement_reassessment
-- runs as its caller again (16_privileges)
DO $invoker$
BEGIN
	IF pg_catalog.current_setting('server_version_num')::integer >= 150000 THEN
		ALTER VIEW medaid.settlement_reassessment SET (security_invoker = true);
	END IF;
END
$invoker$;

-------------------------------------------------------------------------------
-- Owners and privileges of the new functions (as 16_privileges leaves
-- them), and the reads the role table promises
-------------------------------------------------------------------------------
ALTER FUNCTION medaid.category_periods_of(medaid.cnid) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.category_periods_of(medaid.cnid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.category_periods_of(medaid.cnid) TO medaid_county;
ALTER FUNCTION medaid.close_batch(bigint,bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.close_batch(bigint,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.close_batch(bigint,bigint) TO medaid_etl;
ALTER FUNCTION medaid.confirm_snapshot(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.confirm_snapshot(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.confirm_snapshot(bigint) TO medaid_admin;
ALTER FUNCTION medaid.discard_snapshot_exits(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.discard_snapshot_exits(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.discard_snapshot_exits(bigint) TO medaid_admin;
ALTER FUNCTION medaid.enrollments_of(medaid.cnid) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.enrollments_of(medaid.cnid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.enrollments_of(medaid.cnid) TO medaid_county;
ALTER FUNCTION medaid.participation_ledger_of_regions() OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() TO medaid_admin;
GRANT EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() TO medaid_analyst;
GRANT EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() TO medaid_county;
GRANT EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() TO medaid_civil_affairs;
GRANT EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() TO medaid_rural;
ALTER FUNCTION medaid.person_lookup(medaid.cnid) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.person_lookup(medaid.cnid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.person_lookup(medaid.cnid) TO medaid_county;
ALTER FUNCTION medaid.reconcile_apply_delta(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_apply_delta(bigint) FROM PUBLIC;
ALTER FUNCTION medaid.reconcile_apply_snapshot(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_apply_snapshot(bigint) FROM PUBLIC;
ALTER FUNCTION medaid.reconcile_delta_event(medaid.batch,integer,medaid.cnid,medaid.category,text,date) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_delta_event(medaid.batch,integer,medaid.cnid,medaid.category,text,date) FROM PUBLIC;
ALTER FUNCTION medaid.reconcile_judge(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_judge(bigint) FROM PUBLIC;
ALTER FUNCTION medaid.reconcile_judge_fields(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_judge_fields(bigint) FROM PUBLIC;
ALTER FUNCTION medaid.reconcile_record(bigint,bigint,bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_record(bigint,bigint,bigint) FROM PUBLIC;
ALTER FUNCTION medaid.reconcile_snapshot_hold(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.reconcile_snapshot_hold(bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION medaid.registered_in_regions(medaid.cnid,name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.registered_in_regions(medaid.cnid,name) TO medaid_owner;
ALTER FUNCTION medaid.roster_changes_of(medaid.cnid) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.roster_changes_of(medaid.cnid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.roster_changes_of(medaid.cnid) TO medaid_county;
GRANT EXECUTE ON FUNCTION medaid.roster_changes_of(medaid.cnid) TO medaid_civil_affairs;
GRANT EXECUTE ON FUNCTION medaid.roster_changes_of(medaid.cnid) TO medaid_rural;
ALTER FUNCTION medaid.roster_staging_lock(bigint[]) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.roster_staging_lock(bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.roster_staging_lock(bigint[]) TO medaid_etl;
ALTER FUNCTION medaid.settlement_load_judge_ids() OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.settlement_load_judge_ids() FROM PUBLIC;
ALTER FUNCTION medaid.settlement_load_judge_rows(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.settlement_load_judge_rows(bigint) FROM PUBLIC;
ALTER FUNCTION medaid.settlement_load_write(bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.settlement_load_write(bigint) FROM PUBLIC;
ALTER FUNCTION medaid.settlements_of(medaid.cnid,date,date) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.settlements_of(medaid.cnid,date,date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.settlements_of(medaid.cnid,date,date) TO medaid_county;
ALTER FUNCTION medaid.snapshot_hold_lock(bigint,text) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.snapshot_hold_lock(bigint,text) FROM PUBLIC;
ALTER FUNCTION medaid.snapshot_hold_wait(text,bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.snapshot_hold_wait(text,bigint) FROM PUBLIC;
ALTER FUNCTION medaid.warning_run_people(date,bigint) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.warning_run_people(date,bigint) FROM PUBLIC;
ALTER FUNCTION medaid.warning_run_thresholds(date) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.warning_run_thresholds(date) FROM PUBLIC;
ALTER FUNCTION medaid.warning_run_write(date,bigint,bigint,text) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.warning_run_write(date,bigint,bigint,text) FROM PUBLIC;
ALTER FUNCTION medaid.warnings_of(medaid.cnid) OWNER TO medaid_owner;
REVOKE EXECUTE ON FUNCTION medaid.warnings_of(medaid.cnid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.warnings_of(medaid.cnid) TO medaid_county;

-- trust fixes: the reads docs/reference.md's role table promises
-- (test/tap/role_reads.sql).  County staff read the load times of their settlements
-- (settlement_reassessment; settlement_key's policy shows the keys of the
-- settlements they see); ETL reads the outcomes of its reconciliations
-- (roster_outcome).  participation_ledger_of_regions, what
-- participation_rate and the masked ledger views read, for their readers.
GRANT SELECT ON medaid.settlement_key TO medaid_county;
CREATE POLICY etl_read ON medaid.roster_result FOR SELECT TO medaid_etl USING (true);
GRANT SELECT ON medaid.roster_result TO medaid_etl;


-------------------------------------------------------------------------------
-- Comments: of the new objects, and those that changed
-------------------------------------------------------------------------------
COMMENT ON FUNCTION medaid.category_periods_of(medaid.cnid) IS 'the category periods of a person registered in the caller''s regions (all of them, as the policy shows), by valid_from, through an index; none for anyone else';
COMMENT ON FUNCTION medaid.close_batch(bigint,bigint) IS 'end the loading of a batch (docs/rules.md §7): waits for the transactions still loading into it, counts its committed rows and refuses (21000, naming both counts) unless they are the expected_rows the department''s file declares; records when, who and how many, audited; returns the rows; called again with the same count it changes nothing';
COMMENT ON FUNCTION medaid.enrollment_categories(medaid.cnid,integer,pg_catalog.text,pg_catalog.date) IS 'the categories a person holds on a day as the register knows them now (as the caller may read it), for enrollment_subsidy: each with whether the insured place has a fixed-amount rule for it in the year (the longest prefix with a row) and the rule''s amount, and ord, its place in the region''s order for the year (1 the most favourable; the default order breaks ties); no rows when an argument is NULL';
COMMENT ON FUNCTION medaid.enrollments_of(medaid.cnid) IS 'the enrolments of a person registered in the caller''s regions, by year, through an index; none for anyone else (enrolments placed in the caller''s regions of people registered elsewhere are found by region)';
COMMENT ON FUNCTION medaid.ensure_settlement_partitions(pg_catalog.date,pg_catalog.date) IS 'make the monthly partitions of settlement from one month to another (any days of them; at most 240 months, within 1900-01 to 2999-12), moving rows waiting in settlement_default; returns how many it made';
COMMENT ON FUNCTION medaid.load_settlements(bigint) IS 'judge every staged row of a settlement load: load the good ones into settlement (making partitions as needed), record each refused row with its reason in settlement_rejected; returns the counts; again changes nothing. Its steps: settlement_load_judge_rows, settlement_load_judge_ids, settlement_load_write';
COMMENT ON FUNCTION medaid.mask_id_runs(pg_catalog.text) IS 'free text with every ID-like run (15 or more ASCII or full-width digits, separators between them as the ID parser accepts, a trailing X) masked as the log redaction masks it: first 6 and last 4 characters, one * for each between; for free text medaid stores';
COMMENT ON FUNCTION medaid.participation_ledger_of_regions() IS 'the participation_ledger rows of the caller''s regions (region_patterns(caller())), read as medaid_owner: what participation_rate and the masked ledger views are made of';
COMMENT ON FUNCTION medaid.person_lookup(medaid.cnid) IS 'the register''s row of a person registered in the caller''s regions, through an index; no row for anyone else (the same for an ID of another county as for an ID nobody has)';
COMMENT ON FUNCTION medaid.reconcile(bigint) IS 'judge and apply every staged row of a batch once (docs/rules.md §7), only once close_batch has ended its loading and only if the transaction sees exactly the rows it counted (else 55000 or 40001, nothing changed): returns applied, duplicates, anomalies, exits (categories a snapshot ended by omission), rows_staged, and already_reconciled when called again (which changes nothing); all or nothing; runs its steps reconcile_judge, reconcile_apply_delta or reconcile_apply_snapshot, and reconcile_record';
COMMENT ON FUNCTION medaid.reconcile_apply_delta(bigint) IS 'step 2 of reconcile, for it alone, for a delta batch (as its owner; SECURITY INVOKER): applies the accepted rows of medaid_judged in order of event date and row, each judged by reconcile_delta_event; an applied add or change starts its category, and every applied event updates the person and is logged in roster_change';
COMMENT ON FUNCTION medaid.reconcile_apply_snapshot(bigint) IS 'step 2 of reconcile, for it alone, for a snapshot (as its owner; SECURITY INVOKER): refuses while another snapshot of the department is held (55000); ends on the next month''s first day the categories of the department it omits (but for people whose rows are all anomalies), or holds those exits in snapshot_hold when the snapshot has no acceptable row or they exceed snapshot_hold_limit in a county (docs/rules.md §7); starts the categories its accepted rows name and are not held; returns the categories ended by omission';
COMMENT ON FUNCTION medaid.reconcile_delta_event(medaid.batch,integer,medaid.cnid,medaid.category,pg_catalog.text,pg_catalog.date) IS 'part of step 2 of reconcile, for it alone (run by reconcile_apply_delta, as reconcile''s owner; SECURITY INVOKER): the outcome and reason of one delta event (batch, row, ID, category, event, date) against the register as the earlier events left it, and whether it starts its category; an applied exit ends the period active on the date, a change the person''s other categories of the department';
COMMENT ON FUNCTION medaid.reconcile_judge(bigint) IS 'step 1 of reconcile, for it alone (as its owner; SECURITY INVOKER): judges every staged row of the batch into the temporary table medaid_judged (normalised fields; anomalies for missing or invalid fields, false records 去假 and names that do not match; in a snapshot, duplicates for further rows 剔重 and categories already held); returns the rows staged';
COMMENT ON FUNCTION medaid.reconcile_judge_fields(bigint) IS 'part of step 1 of reconcile, for it alone (run by reconcile_judge, as reconcile''s owner; SECURITY INVOKER): every staged row of the batch normalised (name, ID, category, event, effective date, region, beside the raw fields) into the temporary table medaid_judge_fields, with the reason of rule 1 (a missing or invalid field, 去假) or NULL; ANALYZEs roster_staging first when its owner may';
COMMENT ON FUNCTION medaid.reconcile_record(bigint,bigint,bigint) IS 'step 3 of reconcile, for it alone (as its owner; SECURITY INVOKER): writes every row''s outcome to roster_result, returns the anomalies to their department (回传) and closes the earlier returns a row now accepted corrects, checks that every row has one outcome, stores the counts on the batch, writes the audit log (reconcile, anomaly_return) and drops medaid_judged; given the rows staged and the exits, returns applied, duplicates, anomalies';
COMMENT ON FUNCTION medaid.region_ranges(pg_catalog.name) IS 'the caller''s regions (region_patterns) as ranges of 6-digit region codes, lo <= region <= hi, none inside another: what an index condition on a region column needs';
COMMENT ON FUNCTION medaid.registered_in_regions(medaid.cnid,pg_catalog.name) IS 'whether the person with this ID is registered (person.region) in the regions of a role, probing the index person_region_lookup with the region in its condition, so that a person of another region is never fetched; for medaid''s own lookups';
COMMENT ON FUNCTION medaid.roster_changes_of(medaid.cnid) IS 'the roster changes of a person that the caller''s policies show (placed in the caller''s regions; for a department, of its own categories), through the index roster_change_region_lookup with region and category in its condition, so that no other row is fetched';
COMMENT ON FUNCTION medaid.roster_staging_guard() IS 'statement trigger: locks the batches of the rows FOR KEY SHARE (close_batch and reconcile wait for open loads) and refuses to add, change or remove rows of a batch closed for loading or reconciled (superusers pass, for pg_restore)';
COMMENT ON FUNCTION medaid.roster_staging_lock(bigint[]) IS 'for roster_staging_guard: locks the given batches FOR KEY SHARE until the transaction ends (in order of batch_id) and returns their state of loading; executable by medaid_etl, whose loads it guards';
COMMENT ON FUNCTION medaid.run_monthly_warnings(pg_catalog.date) IS 'compute month M''s warnings (docs/rules.md §7): replaces the month''s rows of warning, records the run; idempotent. When the previous month of the year ran with the same configuration it computes only the people changed since, from their burden states, and carries the other warnings on; otherwise everyone. Either way the result is the same as computing everyone from the settlements (warning_check compares). Its steps: warning_run_people, warning_run_thresholds, warning_run_write';
COMMENT ON FUNCTION medaid.settlement_accept() IS 'statement trigger on settlement: refuses dates outside 1900-01-01 to 2999-12-31, amounts of more than 13 digits, assistance above the personal burden, duplicate settlement_ids and broken reversals with a clear error, records every id, and adds the rows to the people''s burden states (burden_year)';
COMMENT ON FUNCTION medaid.settlement_load_judge_ids() IS 'step 2 of load_settlements, for it alone (docs/rules.md §4): refuses, in pg_temp.medaid_settlement_rows, the good rows whose id is already in the file (duplicate_in_load: the first stands) or loaded (duplicate_settlement_id), and the reversals that negate no settlement of the file or loaded before as the rules ask (reversal_not_found, reversal_other_person, reversal_of_reversal, reversal_amounts, reversal_before_original, reversed_twice)';
COMMENT ON FUNCTION medaid.settlement_load_judge_rows(bigint) IS 'step 1 of load_settlements, for it alone (docs/rules.md §4): every staged row of the load, each on its own, into pg_temp.medaid_settlement_rows: its fields parsed, and the reason it is refused (missing_settlement_id, id_<cnid reason>, bad_date, future_date, bad_region, bad_amount, negative_amount, paid_more_than_total, assistance_more_than_burden) with the field it is about, NULL when it is good';
COMMENT ON FUNCTION medaid.settlement_load_write(bigint) IS 'step 3 of load_settlements, for it alone (docs/rules.md §4): the good rows of pg_temp.medaid_settlement_rows into settlement (making the partitions of their months), each refused row with its reason and masked ID into settlement_rejected; records the counts in the load''s row and the audit log, and returns them';
COMMENT ON FUNCTION medaid.settlements_of(medaid.cnid,pg_catalog.date,pg_catalog.date) IS 'the settlements, dated from_date to to_date (both included), of a person registered in the caller''s regions (all of them, wherever settled, as the policy shows), through an index; none for anyone else: settlements placed in the caller''s regions of people registered elsewhere are found by region (SELECT ... FROM medaid.settlement WHERE region = ...)';
COMMENT ON FUNCTION medaid.warning_run_people(pg_catalog.date,bigint) IS 'step 1 of run_monthly_warnings, for it alone (docs/rules.md §4): the people the run of the month starting month_start computes, into pg_temp.medaid_todo with their latest region, burden and settlements up to the month''s end: everyone with settlements in the year when base_watermark is NULL (full), else those changed since the base run of that watermark or whose categories start or end in the month (incremental)';
COMMENT ON FUNCTION medaid.warning_run_thresholds(pg_catalog.date) IS 'step 2 of run_monthly_warnings, for it alone (docs/rules.md §4): the thresholds of the people in pg_temp.medaid_todo, into pg_temp.medaid_assessed: the categories active on the month''s last day, the ratio that applies (ordinary when none is active; none: no warning), the province of the latest settlement; a province without the income of the year before is an error naming it and the year';
COMMENT ON FUNCTION medaid.warning_run_write(pg_catalog.date,bigint,bigint,pg_catalog.text) IS 'step 3 of run_monthly_warnings, for it alone (docs/rules.md §4): replaces the month''s warnings with those of pg_temp.medaid_assessed over their threshold and, when base_run_id is not NULL (incremental), the base month''s warnings of everyone not computed, carried; is_new against the warnings of the month before; records the run (with stamp as its watermark in READ COMMITTED, and the configuration digest) and its audit entry; returns the counts';
COMMENT ON FUNCTION medaid.warnings_of(medaid.cnid) IS 'the warnings of a person registered in the caller''s regions, by month, through an index; none for anyone else (warnings placed in the caller''s regions of people registered elsewhere are found by region)';
COMMENT ON TABLE medaid.audit_log IS 'who did what, when, to what, with what counts: every reconciliation, anomaly return, snapshot hold and its decision, warning run, push, review sign-off, settlement load, settlement summary, access and configuration change (committed work only; never a full ID); only medaid_admin may read it or delete old rows, nobody may change a row';
COMMENT ON TABLE medaid.batch IS 'one push of a roster by a department for a month (open_batch opens one, close_batch ends its loading, reconcile applies it once)';
COMMENT ON TABLE medaid.roster_staging IS 'COPY target for roster rows, as the department sent them; closed to changes once close_batch ends its batch''s loading';
COMMENT ON COLUMN medaid.audit_log.acting_role IS 'the role it acted as (SET ROLE), else the login (ID-like digit runs masked)';
COMMENT ON COLUMN medaid.audit_log.action IS 'what was done: open_batch, close_batch, reconcile, anomaly_return, warning_run, warning_push, review_signoff, settlement_load, settlement_insert, partition_create, burden_rebuild, settlement_summary, access_change, config_change, audit_purge, snapshot_hold, snapshot_confirm, snapshot_discard';
COMMENT ON COLUMN medaid.audit_log.application_name IS 'the client''s application_name, ID-like digit runs masked (mask_id_runs)';
COMMENT ON COLUMN medaid.audit_log.batch_id IS 'the roster batch, for open_batch, close_batch, reconcile, anomaly_return and the snapshot holds';
COMMENT ON COLUMN medaid.audit_log.login IS 'the session''s login role (ID-like digit runs masked: mask_id_runs)';
COMMENT ON COLUMN medaid.batch.loading_ended_at IS 'when close_batch ended its loading; NULL while rows may still be loaded';
COMMENT ON COLUMN medaid.batch.loading_ended_by IS 'who closed it for loading';
COMMENT ON COLUMN medaid.batch.rows_loaded IS 'the rows committed to the batch when close_batch ended its loading (the count the department''s file declared); reconcile judges exactly these';
COMMENT ON COLUMN medaid.monthly_review.note IS 'the reviewer''s note, ID-like digit runs masked (mask_id_runs)';
COMMENT ON COLUMN medaid.settlement_rejected.field IS 'the field the reason is about: settlement_id, id_number, settle_date, region, total, fund_paid, critical_paid, assistance_paid, ''fund_paid, critical_paid'' (paid_more_than_total) or reverses';
COMMENT ON COLUMN medaid.settlement_rejected.reason IS 'missing_settlement_id, id_<cnid reason>, bad_date, future_date, bad_region, bad_amount, negative_amount, paid_more_than_total, assistance_more_than_burden, duplicate_in_load, duplicate_settlement_id, reversal_not_found, reversal_other_person, reversal_of_reversal, reversal_amounts, reversal_before_original, reversed_twice';
COMMENT ON VIEW medaid.participation_ledger IS 'the participation ledger (参保台账, 20号 §一): one row per recipient and year (a category held on at least one day of the year, docs/rules.md §7), with the most favourable category held that year, the region of the latest applied roster row and the enrolment, wherever it was made';
COMMENT ON COLUMN medaid.participation_ledger.enrolled IS 'whether enrollment has a row for the person and year, in any region or scheme, with or without subsidy (docs/rules.md §7)';
COMMENT ON COLUMN medaid.participation_ledger.region IS 'the region of the recipient''s latest applied roster row (docs/rules.md §7)';
COMMENT ON COLUMN medaid.settlement_reassessment.reconciled_at IS 'when the change arrived: its batch''s reconciliation, or for the exits of a held snapshot their confirmation';
