#!/usr/bin/env bash
# The roles tried as a new user would (docs/rules.md §6, README "Roles"): a DBA makes
# login roles with passwords as README says; each logs in over TCP and does
# its job on the demo data, and is refused what is not its job.  Runs inside
# a server (PGHOST etc. set, superuser), e.g. under pg_virtualenv -t.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh
db=medaid_roles
host=${PGHOST:-localhost}
case "$host" in /*) host=localhost ;; esac

# as LOGIN: run SQL from stdin over TCP with the login's password
as() {
	local login=$1
	shift
	PGPASSWORD="pw-$login" psql -X -q -At -v ON_ERROR_STOP=1 \
		"host=$host port=${PGPORT:-5432} dbname=$db user=$login" "$@"
}
# expect LOGIN SQL VALUE NAME: the query's output is VALUE
expect() {
	local got
	got=$(as "$1" -c "$2" 2>&1)
	is "$4" "$got" "$3"
}
# refused LOGIN SQL SQLSTATE NAME: the statement fails with SQLSTATE
refused() {
	local got
	got=$(as "$1" -v VERBOSITY=verbose -c "$2" 2>&1)
	if grep -q "ERROR:  $3" <<<"$got"; then ok "$4"; else not_ok "$4 (got: $got)"; fi
}

logins="medaid_t_li medaid_t_etl medaid_t_wang medaid_t_sun medaid_t_zhao"
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	for l in $logins; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $l" >/dev/null 2>&1; done
}
cleanup
trap cleanup EXIT

# the DBA: README's commands
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL || exit 1
CREATE DATABASE $db;
\c $db
CREATE EXTENSION medaid;
ALTER DATABASE $db SET search_path = "\$user", public, medaid;
CREATE ROLE medaid_t_li LOGIN PASSWORD 'pw-medaid_t_li' IN ROLE medaid_admin;
CREATE ROLE medaid_t_etl LOGIN PASSWORD 'pw-medaid_t_etl' IN ROLE medaid_etl;
ALTER ROLE medaid_t_etl SET role = 'medaid_etl';
CREATE ROLE medaid_t_wang LOGIN PASSWORD 'pw-medaid_t_wang' IN ROLE medaid_county;
CREATE ROLE medaid_t_sun LOGIN PASSWORD 'pw-medaid_t_sun' IN ROLE medaid_civil_affairs;
CREATE ROLE medaid_t_zhao LOGIN PASSWORD 'pw-medaid_t_zhao' IN ROLE medaid_analyst;
SQL

# the administrator: configuration and the region mapping
if as medaid_t_li <<'SQL'
\copy medaid.region (code, name, level, parent_code, is_gbt2260) FROM 'data/regions/region.csv' WITH (FORMAT csv, HEADER)
INSERT INTO medaid.income_baseline (province, year, per_capita_income) VALUES ('37', 2025, 40000.00);
INSERT INTO medaid.region_access (role, region_prefix) VALUES
	('medaid_t_wang', '370102'), ('medaid_t_sun', '370102'), ('medaid_t_zhao', '3701');
SQL
then ok "admin loads regions, the income baseline and the region mapping"; else not_ok "admin configures"; fi

# ETL: the monthly job with COPY, as medaid_etl (ALTER ROLE ... SET role)
if as medaid_t_etl <<'SQL'
CREATE TEMP TABLE f (row_no int, name text, id_number text, category text, event text, event_date date, region text);
\copy f FROM 'demo/roster_civil_2026-10.csv' WITH (FORMAT csv, HEADER)
SELECT medaid.open_batch('civil_affairs', '2026-10-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging SELECT :b, * FROM f;
SELECT medaid.close_batch(:b, (SELECT count(*) FROM f)) \gset
SELECT applied > 0 AS applied_some FROM medaid.reconcile(:b) \gset
TRUNCATE f;
\copy f FROM 'demo/roster_rural_2026-10.csv' WITH (FORMAT csv, HEADER)
SELECT medaid.open_batch('rural', '2026-10-01', 'delta') AS b \gset
INSERT INTO medaid.roster_staging SELECT :b, * FROM f;
SELECT medaid.close_batch(:b, (SELECT count(*) FROM f)) \gset
SELECT applied > 0 AS applied_some FROM medaid.reconcile(:b) \gset
SELECT medaid.ensure_settlement_partitions('2026-01-01', '2026-12-01');
\copy medaid.settlement FROM 'demo/settlements_2026.csv' WITH (FORMAT csv, HEADER)
SELECT * FROM medaid.run_monthly_warnings('2026-10-01') \g /dev/null
SELECT * FROM medaid.push_warnings('2026-10-01', 'civil_affairs') \g /dev/null
SQL
then ok "ETL reconciles rosters, COPYs settlements, runs and pushes warnings"; else not_ok "ETL's monthly job"; fi
expect medaid_t_etl "SELECT current_user" medaid_etl "the ETL login acts as medaid_etl"
refused medaid_t_etl "SELECT count(*) FROM medaid.audit_log" 42501 "ETL cannot read the audit log"
refused medaid_t_etl "UPDATE medaid.person SET name = 'x'" 42501 "ETL cannot edit the register"

# county staff of 370102
expect medaid_t_wang "SELECT string_agg(DISTINCT region, ',') FROM medaid.person" 370102 \
	"county staff see the register of their county only"
expect medaid_t_wang "SELECT count(*) > 0 FROM medaid.person" t "and do see it"
expect medaid_t_wang "SELECT count(*) FROM medaid.settlement s WHERE s.region <> '370102' AND s.id_number NOT IN (SELECT id_number FROM medaid.person)" 0 \
	"every settlement they see is settled in their county or belongs to their people"
expect medaid_t_wang "SELECT count(*) FROM medaid.person WHERE region = '370126'" 0 \
	"asking for another county finds no one"
expect medaid_t_wang "SELECT region FROM medaid.mark_reviewed('370102', '2026-10-01')" 370102 \
	"county staff sign off their county's month"
refused medaid_t_wang "SELECT medaid.mark_reviewed('370126', '2026-10-01')" 42501 "but not another county's"
refused medaid_t_wang "SELECT count(*) FROM medaid.audit_log" 42501 "county staff cannot read the audit log"
refused medaid_t_wang "DELETE FROM medaid.warning" 42501 "county staff cannot delete warnings"

# civil affairs of 370102: the pushed warnings and its anomaly returns
expect medaid_t_sun "SELECT count(*) FROM medaid.warning w WHERE NOT EXISTS (SELECT FROM medaid.warning_push p WHERE p.id_number = w.id_number AND p.month = w.month AND p.dept = 'civil_affairs')" 0 \
	"civil affairs sees pushed warnings only"
expect medaid_t_sun "SELECT count(*) FROM medaid.anomaly_queue WHERE dept <> 'civil_affairs' OR region <> '370102'" 0 \
	"civil affairs sees its own returns of its county only"
refused medaid_t_sun "SELECT count(*) FROM medaid.person" 42501 "civil affairs does not read the register"

# the analyst of city 3701: masked IDs
expect medaid_t_zhao "SELECT count(*) FILTER (WHERE id_number IS NOT NULL) = 0 AND count(*) > 0 FROM medaid.person_masked" t \
	"the analyst reads the city's register with masked IDs"
expect medaid_t_zhao "SELECT count(*) FROM medaid.person_masked WHERE region NOT LIKE '3701%'" 0 \
	"and only the city's"
refused medaid_t_zhao "SELECT count(*) FROM medaid.settlement" 42501 "the analyst cannot read settlements with full IDs"

# the administrator sees the audit of all of it
expect medaid_t_li "SELECT string_agg(DISTINCT action, ',' ORDER BY action) FROM medaid.audit_log WHERE login = 'medaid_t_etl'" \
	"anomaly_return,close_batch,open_batch,partition_create,reconcile,settlement_insert,warning_push,warning_run" \
	"the audit log holds every step of the ETL login"
expect medaid_t_li "SELECT count(*) FROM medaid.audit_log WHERE action = 'review_signoff' AND login = 'medaid_t_wang'" 1 \
	"and the county sign-off"
expect medaid_t_li "SELECT count(*) FROM medaid.audit_log WHERE host(client_addr) IS NOT NULL AND login = 'medaid_t_wang'" 1 \
	"with the client's address"

tap_summary
