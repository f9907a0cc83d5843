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
