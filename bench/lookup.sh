#!/usr/bin/env bash
# bench/lookup.sh: a county's lookups by ID through medaid.person_lookup and
# medaid.settlements_of (SECURITY DEFINER, the region in the index
# condition) against today's direct index lookup by the owner, measured in
# the same run; and the county's direct SELECT ... WHERE id_number = ...,
# which under row-level security scans what the county may see.
#
#   bash bench/lookup.sh
#   BENCH_PEOPLE=20000 BENCH_LOOKUPS=2000 bash bench/lookup.sh
#
# Needs medaid installed (make install).  With PGHOST unset it re-runs
# itself under `pg_virtualenv -t`; with PGHOST etc. set it uses that
# server.  It (re)creates the database medaid_bench there.
#
# Environment: BENCH_PEOPLE (100000, in ten counties 370101-370110, one
# settlement each), BENCH_LOOKUPS (10000 IDs looked up, a tenth of them of
# the county's own), BENCH_REPS (3: best of).
#
# Timing: server-side, clock_timestamp() around a PL/pgSQL loop of static
# statements (plans cached as in an application), jit off.  Output: a table
# on stdout and the ratios; exits non-zero only when the lookups and the
# direct queries disagree on what they find.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

people=${BENCH_PEOPLE:-100000}
lookups=${BENCH_LOOKUPS:-10000}
reps=${BENCH_REPS:-3}
for v in people lookups reps; do
	if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
		echo "lookup.sh: BENCH_${v^^} must be a positive integer, not '${!v}'" >&2
		exit 2
	fi
done
db=medaid_bench
export PGOPTIONS="${PGOPTIONS:-} -c jit=off"
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

progress "database $db: $people people, $lookups lookups"
bench_newdb "$db"
psql_db -v people="$people" -v lookups="$lookups" <<'SQL'
CREATE EXTENSION medaid;
DO $$BEGIN CREATE ROLE bench_county IN ROLE medaid_county; EXCEPTION WHEN duplicate_object THEN NULL; END$$;
DELETE FROM medaid.region_access WHERE role = 'bench_county';
INSERT INTO medaid.region_access (role, region_prefix) VALUES ('bench_county', '370102');
-- people n = 1..people, county 3701(01 + n % 10), distinct valid IDs
CREATE TABLE public.ids AS
SELECT n, r, (SELECT c FROM unnest(string_to_array('0123456789X', NULL)) d,
					 LATERAL (SELECT r || to_char(date '1960-01-01' + n / 900, 'YYYYMMDD') || lpad((n % 900 + 100)::text, 3, '0') || d AS c) x
			  WHERE medaid.cnid_is_valid(c) LIMIT 1)::medaid.cnid AS id
FROM generate_series(1, :people) n, LATERAL (SELECT '3701' || lpad((1 + n % 10)::text, 2, '0') AS r) y;
INSERT INTO medaid.person (id_number, name, region, first_batch_id, first_row_no, last_batch_id, last_row_no)
SELECT id, 'p' || n, r, 1, n, 1, n FROM public.ids;
INSERT INTO medaid.settlement (settlement_id, id_number, settle_date, region, total)
SELECT 'S' || n, id, date '2026-01-01' + n % 28, r, 100.00 FROM public.ids;
-- the IDs looked up: lookups people spread over the counties (about a
-- tenth of them the county's, 370102)
CREATE TABLE public.probe AS
SELECT array_agg(id ORDER BY n) AS ids, count(*) FILTER (WHERE r = '370102') AS own
FROM public.ids WHERE (n::bigint * 7919) % :people < :lookups;
GRANT SELECT ON public.probe TO PUBLIC;
ANALYZE;
CREATE FUNCTION public.loop_direct(ids medaid.cnid[]) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE found_n bigint := 0; i int;
BEGIN
	FOR i IN 1 .. array_length(ids, 1) LOOP
		PERFORM FROM medaid.person p WHERE p.id_number OPERATOR(medaid.=) ids[i];
		IF FOUND THEN found_n := found_n + 1; END IF;
	END LOOP;
	RETURN found_n;
END $f$;
CREATE FUNCTION public.loop_lookup(ids medaid.cnid[]) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE found_n bigint := 0; i int;
BEGIN
	FOR i IN 1 .. array_length(ids, 1) LOOP
		PERFORM FROM medaid.person_lookup(ids[i]);
		IF FOUND THEN found_n := found_n + 1; END IF;
	END LOOP;
	RETURN found_n;
END $f$;
CREATE FUNCTION public.loop_settle_direct(ids medaid.cnid[]) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE found_n bigint := 0; i int; k bigint;
BEGIN
	FOR i IN 1 .. array_length(ids, 1) LOOP
		SELECT count(*) INTO k FROM medaid.settlement s WHERE s.id_number OPERATOR(medaid.=) ids[i];
		found_n := found_n + k;
	END LOOP;
	RETURN found_n;
END $f$;
CREATE FUNCTION public.loop_settle_lookup(ids medaid.cnid[]) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE found_n bigint := 0; i int; k bigint;
BEGIN
	FOR i IN 1 .. array_length(ids, 1) LOOP
		SELECT count(*) INTO k FROM medaid.settlements_of(ids[i]);
		found_n := found_n + k;
	END LOOP;
	RETURN found_n;
END $f$;
-- best of reps: (milliseconds per lookup, found) of a loop run as a role
CREATE FUNCTION public.timed(who name, fn text, ids medaid.cnid[], reps int) RETURNS TABLE (ms_per numeric, hits bigint)
LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz; best numeric; f bigint; r int;
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', who);
	FOR r IN 1 .. reps LOOP
		t0 := clock_timestamp();
		EXECUTE format('SELECT public.%I($1)', fn) INTO f USING ids;
		best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
	RESET ROLE;
	RETURN QUERY SELECT round(best / array_length(ids, 1), 4), f;
END $f$;
SQL

progress "timing"
psql_db -v reps="$reps" <<'SQL'
\pset footer off
CREATE TEMP TABLE result AS
SELECT 'owner: SELECT FROM person WHERE id_number = $1 (today''s lookup)' AS what, t.*
FROM public.probe p, public.timed('medaid_owner', 'loop_direct', p.ids, :reps) t
UNION ALL
SELECT 'county: person_lookup($1)', t.* FROM public.probe p, public.timed('bench_county', 'loop_lookup', p.ids, :reps) t
UNION ALL
SELECT 'owner: count(*) FROM settlement WHERE id_number = $1', t.*
FROM public.probe p, public.timed('medaid_owner', 'loop_settle_direct', p.ids, :reps) t
UNION ALL
SELECT 'county: count(*) FROM settlements_of($1)', t.* FROM public.probe p, public.timed('bench_county', 'loop_settle_lookup', p.ids, :reps) t
UNION ALL
-- the county's direct SELECT scans what it sees: 100 IDs are enough
SELECT 'county: SELECT FROM person WHERE id_number = $1 (100 IDs)', t.*
FROM public.probe p, public.timed('bench_county', 'loop_direct', p.ids[1:100], 1) t;
SELECT what, ms_per AS "ms per lookup", hits AS "found" FROM result;
SELECT round((SELECT ms_per FROM result WHERE what LIKE 'county: person_lookup%')
			 / nullif((SELECT ms_per FROM result WHERE what LIKE 'owner: SELECT FROM person%'), 0), 2) AS "ratio person_lookup / owner",
	   round((SELECT ms_per FROM result WHERE what LIKE 'county: count(*) FROM settlements_of%')
			 / nullif((SELECT ms_per FROM result WHERE what LIKE 'owner: count(*) FROM settlement %'), 0), 2) AS "ratio settlements_of / owner",
	   round((SELECT ms_per FROM result WHERE what LIKE 'county: SELECT FROM person%')
			 / nullif((SELECT ms_per FROM result WHERE what LIKE 'owner: SELECT FROM person%'), 0), 0) AS "ratio county direct / owner";
-- the lookups find the county's own people, and those only
DO $$
DECLARE own bigint := (SELECT p.own FROM public.probe p);
BEGIN
	IF (SELECT hits FROM result WHERE what LIKE 'county: person_lookup%') <> own
	   OR (SELECT hits FROM result WHERE what LIKE 'county: count(*) FROM settlements_of%') <> own
	   OR (SELECT hits FROM result WHERE what LIKE 'owner: SELECT FROM person%') <> (SELECT array_length(p.ids, 1) FROM public.probe p) THEN
		RAISE EXCEPTION 'the lookups found other people than the county''s own (%)', own;
	END IF;
END
$$;
SQL
progress "done"
