-------------------------------------------------------------------------------
-- Ownership, row-level security and privileges (docs/rules.md §6).  Order matters:
-- objects change owner before any GRANT, so that pg_init_privs records the
-- final privileges and pg_dump writes no GRANT or REVOKE for them.
-------------------------------------------------------------------------------

DO $owner$
DECLARE
	o record;
BEGIN
	FOR o IN
		SELECT c.oid::regclass AS rel, c.relkind
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'medaid'
		JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objid
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype OPERATOR(pg_catalog.=) 'e'
		  AND c.relkind IN ('r', 'p', 'v', 'S')
	LOOP
		EXECUTE pg_catalog.format('ALTER %s %s OWNER TO medaid_owner',
								  CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, o.rel);
	END LOOP;
	FOR o IN
		SELECT p.oid::regprocedure AS fn
		FROM pg_catalog.pg_depend d
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid AND e.extname OPERATOR(pg_catalog.=) 'medaid'
		JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objid
		WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype OPERATOR(pg_catalog.=) 'e'
		  AND p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO medaid_owner', o.fn);
	END LOOP;
END
$owner$;

-- Views over personal data that run as their caller, so that the caller's
-- row-level security applies (PostgreSQL 15 and later; on older servers
-- they stay with medaid_admin and medaid_etl, see the grants below).
DO $invoker$
BEGIN
	IF pg_catalog.current_setting('server_version_num')::integer >= 150000 THEN
		ALTER VIEW medaid.roster_outcome SET (security_invoker = true);
		ALTER VIEW medaid.anomaly_queue SET (security_invoker = true);
		ALTER VIEW medaid.settlement_reassessment SET (security_invoker = true);
		ALTER VIEW medaid.warning_pending SET (security_invoker = true);
		ALTER VIEW medaid.warning_city_comparison SET (security_invoker = true);
		ALTER VIEW medaid.warning_follow_up SET (security_invoker = true);
		ALTER VIEW medaid.participation_ledger SET (security_invoker = true);
		ALTER VIEW medaid.suspected_uninsured SET (security_invoker = true);
	END IF;
END
$invoker$;

-- Row-level security, forced (the owner too), on every table that holds ID
-- numbers.  medaid_owner (medaid's own functions), medaid_admin (reading)
-- and medaid_etl see every row; region-limited roles see the rows of their
-- regions: a row's own region, or its person's region in the register.
-- One list of the tables that hold ID numbers, and of those ETL writes
-- (names are constants: no data reaches the dynamic SQL).
DO $rls$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['person', 'category_period', 'roster_staging', 'roster_result', 'roster_change',
			'anomaly_return', 'monthly_review', 'settlement', 'settlement_key', 'settlement_staging',
			'burden_year', 'warning', 'warning_push', 'city_warning', 'enrollment']
	LOOP
		EXECUTE pg_catalog.format('ALTER TABLE medaid.%I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('ALTER TABLE medaid.%I FORCE ROW LEVEL SECURITY', t);
		EXECUTE pg_catalog.format('CREATE POLICY owner_all ON medaid.%I TO medaid_owner USING (true) WITH CHECK (true)', t);
		EXECUTE pg_catalog.format('CREATE POLICY admin_read ON medaid.%I FOR SELECT TO medaid_admin USING (true)', t);
	END LOOP;
	-- ETL: INSERT loaders work as a member; COPY needs the role's BYPASSRLS
	FOREACH t IN ARRAY ARRAY['roster_staging', 'category_period', 'settlement', 'settlement_staging', 'warning',
			'warning_push', 'city_warning', 'enrollment']
	LOOP
		EXECUTE pg_catalog.format('CREATE POLICY etl_all ON medaid.%I TO medaid_etl USING (true) WITH CHECK (true)', t);
	END LOOP;
END
$rls$;

-- county staff: the people registered in their regions, and every row
-- placed in their regions or belonging to those people
CREATE POLICY county_read ON medaid.person FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY county_read ON medaid.category_period FOR SELECT TO medaid_county
	USING (id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.roster_change FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY county_read ON medaid.monthly_review FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY county_read ON medaid.settlement FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.settlement_key FOR SELECT TO medaid_county
	USING (EXISTS (SELECT FROM medaid.settlement s
				   WHERE s.settlement_id = settlement_key.settlement_id AND s.settle_date = settlement_key.settle_date));
CREATE POLICY county_read ON medaid.warning FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.city_warning FOR SELECT TO medaid_county
	USING (city LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));
CREATE POLICY county_read ON medaid.enrollment FOR SELECT TO medaid_county
	USING (region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[])
		   OR id_number IN (SELECT p.id_number FROM medaid.person p));

-- the departments: their own anomaly returns, changes of their own
-- categories, and the warnings pushed to them, in their regions
CREATE POLICY dept_read ON medaid.anomaly_return FOR SELECT TO medaid_civil_affairs
	USING (dept = 'civil_affairs' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read_rural ON medaid.anomaly_return FOR SELECT TO medaid_rural
	USING (dept = 'rural' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read ON medaid.roster_change FOR SELECT TO medaid_civil_affairs
	USING (medaid.category_dept(category) = 'civil_affairs' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read_rural ON medaid.roster_change FOR SELECT TO medaid_rural
	USING (medaid.category_dept(category) = 'rural' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read ON medaid.warning_push FOR SELECT TO medaid_civil_affairs
	USING (dept = 'civil_affairs' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read_rural ON medaid.warning_push FOR SELECT TO medaid_rural
	USING (dept = 'rural' AND region LIKE ANY ((SELECT medaid.region_patterns(CURRENT_USER))::text[]));
CREATE POLICY dept_read ON medaid.warning FOR SELECT TO medaid_civil_affairs, medaid_rural
	USING (EXISTS (SELECT FROM medaid.warning_push p
				   WHERE p.id_number OPERATOR(medaid.=) warning.id_number AND p.month = warning.month));

-- Privileges.  PUBLIC: the schema, the types and the pure functions only.
GRANT USAGE ON SCHEMA medaid TO PUBLIC;
GRANT CREATE ON SCHEMA medaid TO medaid_owner;
-- what reads bytes a caller makes up, or writes, or is a trigger: not PUBLIC
REVOKE EXECUTE ON FUNCTION medaid.burden_state_merge(bytea, bytea), medaid.burden_state_result(bytea, date, numeric),
	medaid.burden_state_region(bytea, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION medaid.burden_state_union(bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.burden_state_union(bytea) TO medaid_owner, medaid_admin;
GRANT EXECUTE ON FUNCTION medaid.burden_state_merge(bytea, bytea), medaid.burden_state_result(bytea, date, numeric),
	medaid.burden_state_region(bytea, date) TO medaid_owner, medaid_admin;
REVOKE EXECUTE ON FUNCTION medaid.open_batch(text, date, text), medaid.close_batch(bigint, bigint), medaid.reconcile(bigint),
	medaid.open_settlement_load(), medaid.load_settlements(bigint), medaid.ensure_settlement_partitions(date, date),
	medaid.run_monthly_warnings(date), medaid.push_warnings(date, text), medaid.rebuild_burden_state(integer),
	medaid.warning_check(date), medaid.mark_reviewed(text, date, text), medaid.settlement_summary(medaid.cnid, date, date),
	medaid.settlement_accept(), medaid.audit_log_purged(), medaid.audit_config_change(),
	medaid.roster_staging_lock(bigint[])
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.open_batch(text, date, text), medaid.close_batch(bigint, bigint), medaid.reconcile(bigint),
	medaid.open_settlement_load(), medaid.load_settlements(bigint), medaid.ensure_settlement_partitions(date, date),
	medaid.run_monthly_warnings(date), medaid.push_warnings(date, text), medaid.roster_staging_lock(bigint[])
	TO medaid_etl;
GRANT EXECUTE ON FUNCTION medaid.ensure_settlement_partitions(date, date), medaid.rebuild_burden_state(integer),
	medaid.warning_check(date), medaid.settlement_summary(medaid.cnid, date, date)
	TO medaid_admin;
GRANT EXECUTE ON FUNCTION medaid.mark_reviewed(text, date, text) TO medaid_county;
GRANT EXECUTE ON FUNCTION medaid.settlement_summary(medaid.cnid, date, date) TO medaid_civil_affairs;

-- The internal steps of reconcile, run_monthly_warnings and
-- load_settlements, and the held snapshots' helpers (snapshot_hold_lock,
-- snapshot_hold_wait): SECURITY INVOKER, called only inside medaid's
-- definer functions, so they run as medaid_owner; owned by it (the loop
-- above moves definer functions only), before the REVOKE (see the top of
-- this part), and executable by no one else.  The steps' comments begin
-- "step N of <function>, for it alone" (test/tap/privileges.sql finds
-- them so).
DO $steps$
DECLARE
	fn text;
BEGIN
	FOREACH fn IN ARRAY ARRAY['medaid.reconcile_judge_fields(bigint)', 'medaid.reconcile_judge(bigint)', 'medaid.reconcile_apply_delta(bigint)',
			'medaid.reconcile_delta_event(medaid.batch, integer, medaid.cnid, medaid.category, text, date)',
			'medaid.reconcile_apply_snapshot(bigint)', 'medaid.reconcile_snapshot_hold(bigint)',
			'medaid.reconcile_record(bigint, bigint, bigint)',
			'medaid.warning_run_people(date, bigint)', 'medaid.warning_run_thresholds(date)',
			'medaid.warning_run_write(date, bigint, bigint, text)', 'medaid.settlement_load_judge_rows(bigint)',
			'medaid.settlement_load_judge_ids()', 'medaid.settlement_load_write(bigint)',
			'medaid.snapshot_hold_lock(bigint, text)', 'medaid.snapshot_hold_wait(text, bigint)']
	LOOP
		EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO medaid_owner', fn);
		EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
	END LOOP;
END
$steps$;

-- configuration: everyone of medaid reads it, the administrator keeps it
GRANT SELECT ON medaid.region, medaid.category_favourability, medaid.income_baseline, medaid.threshold_ratio,
	medaid.threshold_ratio_effective, medaid.warning_route, medaid.resident_contribution, medaid.subsidy_rule
	TO medaid_admin, medaid_etl, medaid_analyst, medaid_civil_affairs, medaid_rural, medaid_county;
GRANT INSERT, UPDATE, DELETE ON medaid.region, medaid.category_favourability, medaid.income_baseline,
	medaid.threshold_ratio, medaid.warning_route, medaid.resident_contribution, medaid.subsidy_rule,
	medaid.region_access
	TO medaid_admin;
GRANT SELECT ON medaid.region_access, medaid.audit_log TO medaid_admin;
GRANT DELETE ON medaid.audit_log TO medaid_admin;

-- the administrator reads everything (full IDs)
GRANT SELECT ON medaid.batch, medaid.roster_staging, medaid.person, medaid.category_period, medaid.roster_result,
	medaid.roster_change, medaid.anomaly_return, medaid.monthly_review, medaid.settlement, medaid.settlement_key,
	medaid.burden_year, medaid.warning, medaid.warning_run, medaid.warning_push, medaid.city_warning,
	medaid.settlement_load, medaid.settlement_staging, medaid.settlement_rejected, medaid.enrollment,
	medaid.review_status, medaid.participation_rate, medaid.subsidy_funds,
	medaid.person_masked, medaid.settlement_masked, medaid.warning_masked, medaid.participation_ledger_masked,
	medaid.suspected_uninsured_masked
	TO medaid_admin;

-- ETL: loads, and reads what its jobs report
GRANT SELECT ON medaid.batch, medaid.settlement_load, medaid.settlement_rejected, medaid.warning_run,
	medaid.warning, medaid.warning_push, medaid.city_warning, medaid.category_period, medaid.enrollment,
	medaid.roster_staging, medaid.settlement_staging
	TO medaid_etl;
GRANT INSERT, DELETE ON medaid.roster_staging TO medaid_etl;
GRANT INSERT ON medaid.settlement, medaid.settlement_staging, medaid.city_warning TO medaid_etl;
GRANT INSERT, DELETE ON medaid.enrollment TO medaid_etl;
GRANT USAGE ON SEQUENCE medaid.enrollment_id_seq TO medaid_etl;

-- analysts: masked rows and the rates, for their regions
GRANT SELECT ON medaid.person_masked, medaid.settlement_masked, medaid.warning_masked,
	medaid.participation_ledger_masked, medaid.suspected_uninsured_masked,
	medaid.participation_rate, medaid.subsidy_funds, medaid.review_status
	TO medaid_analyst;

-- county staff: their regions' register, settlements, warnings, enrolments;
-- the review
GRANT SELECT ON medaid.batch, medaid.person, medaid.category_period, medaid.roster_change, medaid.monthly_review,
	medaid.settlement, medaid.warning, medaid.city_warning, medaid.enrollment,
	medaid.review_status, medaid.participation_rate, medaid.subsidy_funds
	TO medaid_county;

-- the departments: their returns, changes and pushed warnings
GRANT SELECT ON medaid.anomaly_return, medaid.roster_change, medaid.warning, medaid.warning_push,
	medaid.participation_rate, medaid.review_status
	TO medaid_civil_affairs, medaid_rural;

-- the views that run as their caller (PostgreSQL 15 and later)
DO $grants$
BEGIN
	IF pg_catalog.current_setting('server_version_num')::integer >= 150000 THEN
		GRANT SELECT ON medaid.roster_outcome, medaid.anomaly_queue, medaid.settlement_reassessment, medaid.warning_pending,
			medaid.warning_city_comparison, medaid.warning_follow_up, medaid.participation_ledger, medaid.suspected_uninsured
			TO medaid_admin;
		GRANT SELECT ON medaid.roster_outcome, medaid.warning_pending, medaid.warning_city_comparison TO medaid_etl;
		GRANT SELECT ON medaid.settlement_reassessment, medaid.warning_city_comparison, medaid.warning_follow_up,
			medaid.participation_ledger, medaid.suspected_uninsured
			TO medaid_county;
		GRANT SELECT ON medaid.anomaly_queue TO medaid_civil_affairs, medaid_rural;
	ELSE
		GRANT SELECT ON medaid.roster_outcome, medaid.anomaly_queue, medaid.settlement_reassessment, medaid.warning_pending,
			medaid.warning_city_comparison, medaid.warning_follow_up, medaid.participation_ledger, medaid.suspected_uninsured
			TO medaid_admin;
		GRANT SELECT ON medaid.roster_outcome, medaid.warning_pending, medaid.warning_city_comparison TO medaid_etl;
	END IF;
END
$grants$;

-- region lookups: by ID through an index, for the region-limited roles
-- (14_region_lookups); registered_in_regions is medaid's own
REVOKE EXECUTE ON FUNCTION medaid.registered_in_regions(medaid.cnid, name), medaid.person_lookup(medaid.cnid),
	medaid.category_periods_of(medaid.cnid), medaid.settlements_of(medaid.cnid, date, date),
	medaid.warnings_of(medaid.cnid), medaid.enrollments_of(medaid.cnid), medaid.roster_changes_of(medaid.cnid)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.registered_in_regions(medaid.cnid, name) TO medaid_owner;
GRANT EXECUTE ON FUNCTION medaid.person_lookup(medaid.cnid), medaid.category_periods_of(medaid.cnid),
	medaid.settlements_of(medaid.cnid, date, date), medaid.warnings_of(medaid.cnid), medaid.enrollments_of(medaid.cnid)
	TO medaid_county;
GRANT EXECUTE ON FUNCTION medaid.roster_changes_of(medaid.cnid) TO medaid_county, medaid_civil_affairs, medaid_rural;

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

-- trust fixes: the reads docs/reference.md's role table promises
-- (test/tap/role_reads.sql).  County staff read the load times of their settlements
-- (settlement_reassessment; settlement_key's policy shows the keys of the
-- settlements they see); ETL reads the outcomes of its reconciliations
-- (roster_outcome).  participation_ledger_of_regions, what
-- participation_rate and the masked ledger views read, for their readers.
REVOKE EXECUTE ON FUNCTION medaid.participation_ledger_of_regions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION medaid.participation_ledger_of_regions()
	TO medaid_admin, medaid_analyst, medaid_county, medaid_civil_affairs, medaid_rural;
GRANT SELECT ON medaid.settlement_key TO medaid_county;
CREATE POLICY etl_read ON medaid.roster_result FOR SELECT TO medaid_etl USING (true);
GRANT SELECT ON medaid.roster_result TO medaid_etl;
