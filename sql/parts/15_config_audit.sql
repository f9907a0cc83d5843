-------------------------------------------------------------------------------
-- Configuration changes are audited (audit_config_change, 01_access.sql):
-- the triggers come here, once every configuration table exists
-------------------------------------------------------------------------------

CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.region
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.category_favourability
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.income_baseline
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.threshold_ratio
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.warning_route
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.resident_contribution
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.subsidy_rule
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();

CREATE TRIGGER audit_config_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON medaid.snapshot_hold_limit
	FOR EACH STATEMENT EXECUTE FUNCTION medaid.audit_config_change();
