-- Helpers of the pgTAP files that act as medaid's roles (privileges.sql,
-- role_reads.sql): temporary functions, gone with the session.
-- run a statement (one that writes, too) as a role: its first value
CREATE FUNCTION pg_temp.do_as(r name, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v text;
BEGIN
	EXECUTE format('SET ROLE %I', r);
	EXECUTE q INTO v;
	RESET ROLE;
	RETURN v;
EXCEPTION WHEN OTHERS THEN
	RESET ROLE;
	RAISE;
END
$$;
-- a valid ID number of a region, the n-th of 1980-01-01
CREATE FUNCTION pg_temp.mkid(region text, n integer) RETURNS text LANGUAGE sql AS $$
	SELECT c FROM (SELECT region || '19800101' || lpad(n::text, 3, '0') || d AS c
				   FROM unnest(string_to_array('0123456789X', NULL)) d) x
	WHERE medaid.cnid_is_valid(c) LIMIT 1
$$;
