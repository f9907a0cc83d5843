#!/usr/bin/env bash
# The long run of the SQL fuzz test (test/tap/fuzz_sql.sql, which CI runs
# at a small size): random strings through the C input functions, random
# and mutated burden states through their readers, random fields through
# binary input, against the server in the PG* environment.
#
#   bash test/fuzz_sql/run.sh             # or: make test-fuzz-sql, make fuzz-sql-long
#
# The work is cut into chunks, each a run of test/tap/fuzz_sql.sql with its
# own seed in its own transaction; every chunk prints the pg_prove command
# that replays it (in any database with pgtap and medaid).  Then a database
# in SQL_ASCII gets bytes that are not UTF-8, and what it says of the UTF-8
# ones is compared with what a UTF-8 database says; last, a big burden state
# must be read, or cancelled, in time.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
# Known failures (pgTAP TODO tests) are counted as passed and listed.
#
#   FUZZ_SQL_ROWS    strings in all (default 2000000)
#   FUZZ_SQL_BYTEA   burden states in all (default FUZZ_SQL_ROWS / 4)
#   FUZZ_SQL_RECV    binary fields in all (default FUZZ_SQL_ROWS / 100)
#   FUZZ_SQL_ASCII   byte strings for the SQL_ASCII database (default
#                    FUZZ_SQL_ROWS / 20; 0 skips it)
#   FUZZ_SQL_CHUNK   strings per chunk (default 50000)
#   FUZZ_SQL_JOBS    chunks run at once, each in its own database (default 1)
#   FUZZ_SQL_SEED    seed from -1 to 1 the chunks' seeds derive from
#                    (default: random)
#   FUZZ_SQL_DB      database name prefix (default medaid_fuzz_sql): the
#                    script drops and creates <prefix>_<job> and
#                    <prefix>_ascii, and drops them at the end
#
# Needs a role that may create databases, and server-side COPY files
# (superuser, or pg_read_server_files and pg_write_server_files) for the
# binary input part, which is otherwise skipped; pgtap and medaid
# installed on the server.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib.sh

rows=${FUZZ_SQL_ROWS:-2000000}
nbytea=${FUZZ_SQL_BYTEA:-$((rows / 4))}
nrecv=${FUZZ_SQL_RECV:-$((rows / 100))}
nascii=${FUZZ_SQL_ASCII:-$((rows / 20))}
chunk=${FUZZ_SQL_CHUNK:-50000}
jobs=${FUZZ_SQL_JOBS:-1}
db=${FUZZ_SQL_DB:-medaid_fuzz_sql}
seed=${FUZZ_SQL_SEED:-$(awk -v r=$((RANDOM * 32768 + RANDOM)) 'BEGIN { printf "%.9f", r / 1073741824 * 2 - 1 }')}

for v in rows nbytea nrecv nascii chunk jobs; do
	if ! [[ ${!v} =~ ^[0-9]+$ ]]; then
		echo "fuzz-sql: $v must be a whole number, not '${!v}'" >&2
		exit 2
	fi
done
if [ "$chunk" -eq 0 ] || [ "$jobs" -eq 0 ]; then
	echo "fuzz-sql: FUZZ_SQL_CHUNK and FUZZ_SQL_JOBS must be positive" >&2
	exit 2
fi
if ! awk -v s="$seed" 'BEGIN { exit !(s ~ /^-?[0-9]*\.?[0-9]+$/ && s >= -1 && s <= 1) }'; then
	echo "fuzz-sql: FUZZ_SQL_SEED must be a number from -1 to 1, not '$seed'" >&2
	exit 2
fi

nchunks=$(( (rows + chunk - 1) / chunk ))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql_admin() {
	psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE:-postgres}" -c 'SET client_min_messages = warning' "$@"
}

# chunk i's seed: the base seed moved by i golden ratios, kept in [-1, 1)
chunk_seed() {
	awk -v s="$seed" -v i="$1" 'BEGIN { x = (s + 1) / 2 + i * 0.6180339887498949; x -= int(x); printf "%.9f", x * 2 - 1 }'
}

# the share of a total that chunk i (0-based) of n takes
share() {
	local total=$1 i=$2 n=$3
	echo $(( total * (i + 1) / n - total * i / n ))
}

echo "fuzz-sql: $rows strings, $nbytea burden states, $nrecv binary fields in $nchunks chunks" \
	"($jobs at once); $nascii byte strings in SQL_ASCII; seed $seed"

dbs=()
for ((j = 0; j < jobs && (j == 0 || j < nchunks); j++)); do
	dbs+=("${db}_$j")
done
for d in "${dbs[@]}"; do
	psql_admin -c "DROP DATABASE IF EXISTS \"$d\"" -c "CREATE DATABASE \"$d\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" 2>/dev/null ||
		psql_admin -c "DROP DATABASE IF EXISTS \"$d\"" -c "CREATE DATABASE \"$d\" TEMPLATE template0 ENCODING 'UTF8'"
	psql -X -q -v ON_ERROR_STOP=1 -d "$d" -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION medaid'
done

# tap_file_sum FILE RC: "passed failed known rc" of a psql run of a TAP
# file that exited RC; known failures (TODO) count as passed, and a run
# that failed or did not meet its plan as one failure more
tap_file_sum() {
	awk -v rc="$2" '
		/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0 }
		/^ok [0-9]+/ { pass++; n++ }
		/^not ok [0-9]+/ { n++; if ($0 ~ /# TODO/) { pass++; known++ } else fail++ }
		END {
			if (rc != 0 || plan == 0 || n != plan) fail++
			printf "%d %d %d %d\n", pass, fail, known, rc
		}' "$1"
}

# run_chunk I DB: one run of the TAP file; its TAP in $work/chunk.I.tap, a
# summary line in $work/chunk.I.sum ("passed failed known rc")
run_chunk() {
	local i=$1 d=$2 s r b c rc=0
	s=$(chunk_seed "$i")
	r=$(share "$rows" "$i" "$nchunks")
	b=$(share "$nbytea" "$i" "$nchunks")
	c=$(share "$nrecv" "$i" "$nchunks")
	echo "pg_prove -S fuzz_seed=$s -S fuzz_rows=$r -S fuzz_bytea=$b -S fuzz_recv=$c test/tap/fuzz_sql.sql" > "$work/chunk.$i.replay"
	psql -X -At -v ON_ERROR_STOP=1 -v fuzz_seed="$s" -v fuzz_rows="$r" -v fuzz_bytea="$b" -v fuzz_recv="$c" \
		-d "$d" -f test/tap/fuzz_sql.sql > "$work/chunk.$i.tap" 2>&1 || rc=$?
	tap_file_sum "$work/chunk.$i.tap" "$rc" > "$work/chunk.$i.sum"
}

# report_chunk I: its line, and what failed
report_chunk() {
	local i=$1 p f k rc
	read -r p f k rc < "$work/chunk.$i.sum"
	echo "chunk $((i + 1))/$nchunks: $p passed, $f failed$([ "$k" -gt 0 ] && echo ", $k known") - replay: $(cat "$work/chunk.$i.replay")"
	if [ "$f" -gt 0 ]; then
		grep -E '^not ok|^# ' "$work/chunk.$i.tap" | grep -v '^not ok .*# TODO' | grep -v '^# fuzz seed' | sed 's/^/    /' | head -60
		if [ "$rc" -ne 0 ]; then
			echo "    psql exited $rc (the backend may have crashed); its last lines:"
			tail -n 15 "$work/chunk.$i.tap" | sed 's/^/    /'
		fi
	fi
	grep -E '^not ok .*# TODO' "$work/chunk.$i.tap" | sed 's/ \[seed [^]]*\]//' >> "$work/known" || true
}

start=$SECONDS
next=0
while [ "$next" -lt "$nchunks" ]; do
	pids=()
	first=$next
	for d in "${dbs[@]}"; do
		[ "$next" -lt "$nchunks" ] || break
		run_chunk "$next" "$d" &
		pids+=($!)
		next=$((next + 1))
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	for ((i = first; i < next; i++)); do
		report_chunk "$i"
	done
	# the server is still there
	if ! psql -X -Atq -d "${dbs[0]}" -c 'SELECT 1' > /dev/null 2>&1; then
		echo "fuzz-sql: the server does not answer after chunk $next" >&2
		echo "0 0 0 1" > "$work/chunk.dead.sum"
		break
	fi
done
echo "fuzz-sql: chunks took $((SECONDS - start)) s"

# --- SQL_ASCII: bytes that are not UTF-8 reach the functions ---------------
ascii_sum="$work/ascii.sum"
: > "$ascii_sum"
if [ "$nascii" -gt 0 ]; then
	adb="${db}_ascii"
	aseed=$(chunk_seed 1000000)
	psql_admin -c "DROP DATABASE IF EXISTS \"$adb\"" \
		-c "CREATE DATABASE \"$adb\" TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'"
	psql -X -q -v ON_ERROR_STOP=1 -d "$adb" -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION medaid'
	start=$SECONDS
	rc=0
	psql -X -At -v ON_ERROR_STOP=1 -v fuzz_seed="$aseed" -v fuzz_rows="$nascii" -v out="$work/ascii.out" \
		-d "$adb" > "$work/ascii.tap" 2>&1 <<'EOF' || rc=$?
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
SELECT plan(5);
SELECT setseed(:'fuzz_seed'::float8);
CREATE TEMP TABLE ids AS
SELECT g, b || substr('10X98765432', (SELECT sum(substr(b, i, 1)::int * (ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])[i])
									   FROM generate_series(1, 17) i)::int % 11 + 1, 1) AS id
FROM (SELECT g, (ARRAY['11', '37', '44', '65', '81'])[1 + floor(random() * 5)::int]
				|| lpad(floor(random() * 10000)::int::text, 4, '0')
				|| to_char(date '1900-01-01' + floor(random() * 40000)::int, 'YYYYMMDD')
				|| lpad(floor(random() * 1000)::int::text, 3, '0') AS b
	  FROM generate_series(1, :fuzz_rows) g) q;
CREATE FUNCTION pg_temp.rand_bytes(n int, lo int) RETURNS bytea LANGUAGE sql VOLATILE AS $$
	SELECT coalesce(string_agg(set_byte('\x00'::bytea, 0, lo + floor(random() * (256 - lo))::int), ''::bytea), ''::bytea)
	FROM generate_series(1, n) $$;
-- byte strings: random bytes; an ID with a stray byte, a cut UTF-8
-- sequence, GBK full-width digits (what a legacy client sends), or UTF-8
-- separators (which must read as in a UTF-8 database)
CREATE TEMP TABLE inputs AS
SELECT g, CASE floor(random() * 7)::int
	WHEN 0 THEN pg_temp.rand_bytes(floor(random() * 40)::int, 1)
	WHEN 1 THEN pg_temp.rand_bytes(floor(random() * 24)::int, 128)
	WHEN 2 THEN overlay(convert_to(id, 'SQL_ASCII') placing pg_temp.rand_bytes(1, 128) from 1 + floor(random() * 18)::int for 0)
	WHEN 3 THEN overlay(convert_to(id, 'SQL_ASCII') placing (ARRAY['\xe380'::bytea, '\xc2'::bytea, '\xf09f98'::bytea, '\xed'::bytea])[1 + floor(random() * 4)::int]
						from 1 + floor(random() * 18)::int for 0)
	WHEN 4 THEN (SELECT string_agg(CASE WHEN random() < 0.5 THEN set_byte('\xa3b0'::bytea, 1, 176 + substr(id, i, 1)::int)
										ELSE convert_to(substr(id, i, 1), 'SQL_ASCII') END, ''::bytea ORDER BY i)
				 FROM generate_series(1, 17) i) || convert_to(right(id, 1), 'SQL_ASCII')
	WHEN 5 THEN overlay(convert_to(id, 'SQL_ASCII') placing (ARRAY['\xe38080'::bytea, '\xc2a0'::bytea, '\xefbc8d'::bytea, '\xe2808b'::bytea])[1 + floor(random() * 4)::int]
						from 1 + floor(random() * 18)::int for 0)
	ELSE convert_to(id, 'SQL_ASCII') || pg_temp.rand_bytes(floor(random() * 3)::int, 1)
	END AS b
FROM ids;
CREATE FUNCTION pg_temp.judge(b bytea, OUT utf8 boolean, OUT cast_state text, OUT try_state text, OUT try_v text,
							  OUT reason text, OUT detail text, OUT mask text, OUT category text, OUT name text)
	LANGUAGE plpgsql AS $$
DECLARE
	s text;
	x text;
BEGIN
	s := convert_from(b, 'SQL_ASCII');
	BEGIN
		x := convert(b, 'UTF8', 'UTF8');
		utf8 := true;
	EXCEPTION WHEN OTHERS THEN
		utf8 := false;
	END;
	BEGIN
		x := s::medaid.cnid::text;
	EXCEPTION WHEN OTHERS THEN
		cast_state := SQLSTATE;
	END;
	BEGIN
		try_v := medaid.cnid_try(s)::text;
		reason := medaid.cnid_invalid_reason(s);
		detail := medaid.cnid_invalid_detail(s);
		mask := medaid.cnid_mask(s);
		category := medaid.category_from_text(s)::text;
		name := medaid.normalize_name(s);
	EXCEPTION WHEN OTHERS THEN
		try_state := SQLSTATE;
	END;
END
$$;
CREATE TEMP TABLE judged AS SELECT i.g, i.b, j.* FROM inputs i CROSS JOIN LATERAL pg_temp.judge(i.b) j;
SELECT is((SELECT count(*) FROM judged WHERE NOT utf8 AND (try_v IS NOT NULL OR cast_state IS NULL)), 0::bigint,
		  'SQL_ASCII: nothing that is not UTF-8 is accepted');
SELECT is((SELECT count(*) FROM judged WHERE cast_state NOT IN ('22P02', '22021') OR (cast_state = '22021' AND utf8)), 0::bigint,
		  'SQL_ASCII: the cast refuses with 22P02, or 22021 for bytes that are not UTF-8');
SELECT is((SELECT count(*) FROM judged WHERE try_state IS NOT NULL AND (utf8 OR try_state <> '22021')), 0::bigint,
		  'SQL_ASCII: cnid_try and the other functions never raise on UTF-8 input, and only 22021 otherwise');
SELECT is((SELECT count(*) FROM judged WHERE try_state IS NOT NULL), 0::bigint,
		  'SQL_ASCII: cnid_try, cnid_invalid_reason/detail, cnid_mask, category_from_text, normalize_name never raise, whatever the bytes');
SELECT cmp_ok((SELECT count(*) FROM judged WHERE utf8 AND try_v IS NOT NULL)::int, '>', 0,
			  'SQL_ASCII: the sample has valid IDs');
-- what the UTF-8 inputs gave, as hex, for the comparison with a UTF-8 database
\o :out
SELECT encode(b, 'hex') || ' ' || concat_ws(' ', coalesce(cast_state, 'ok'), coalesce(try_v, '-'), coalesce(reason, '-'),
										   encode(textsend(coalesce(detail, '-')), 'hex'), encode(textsend(mask), 'hex'),
										   coalesce(category, '-'), encode(textsend(name), 'hex'))
FROM judged WHERE utf8 AND try_state IS NULL ORDER BY g;
\o
SELECT * FROM finish();
ROLLBACK;
EOF
	# the same inputs in a UTF-8 database
	utf8_rc=0
	if [ -s "$work/ascii.out" ]; then
		cut -d' ' -f1 "$work/ascii.out" |
			psql -X -q -v ON_ERROR_STOP=1 -d "${dbs[0]}" -c 'DROP TABLE IF EXISTS fz_ascii_inputs' \
				-c 'CREATE TABLE fz_ascii_inputs (n serial, h text)' -c '\copy fz_ascii_inputs (h) FROM STDIN' > "$work/utf8.log" 2>&1 || utf8_rc=$?
		[ "$utf8_rc" -ne 0 ] ||
		psql -X -At -v ON_ERROR_STOP=1 -v out="$work/utf8.out" -d "${dbs[0]}" >> "$work/utf8.log" 2>&1 <<'EOF' || utf8_rc=$?
\set QUIET 1
BEGIN;
CREATE FUNCTION pg_temp.judge(b bytea, OUT cast_state text, OUT try_v text, OUT reason text, OUT detail text,
							  OUT mask text, OUT category text, OUT name text)
	LANGUAGE plpgsql AS $$
DECLARE
	s text;
	x text;
BEGIN
	s := convert_from(b, 'UTF8');
	BEGIN
		x := s::medaid.cnid::text;
	EXCEPTION WHEN OTHERS THEN
		cast_state := SQLSTATE;
	END;
	try_v := medaid.cnid_try(s)::text;
	reason := medaid.cnid_invalid_reason(s);
	detail := medaid.cnid_invalid_detail(s);
	mask := medaid.cnid_mask(s);
	category := medaid.category_from_text(s)::text;
	name := medaid.normalize_name(s);
END
$$;
\o :out
SELECT h || ' ' || concat_ws(' ', coalesce(cast_state, 'ok'), coalesce(try_v, '-'), coalesce(reason, '-'),
							 encode(textsend(coalesce(detail, '-')), 'hex'), encode(textsend(mask), 'hex'),
							 coalesce(category, '-'), encode(textsend(name), 'hex'))
FROM fz_ascii_inputs CROSS JOIN LATERAL pg_temp.judge(decode(h, 'hex')) ORDER BY n;
\o
ROLLBACK;
DROP TABLE fz_ascii_inputs;
EOF
	fi
	echo "fuzz-sql: SQL_ASCII took $((SECONDS - start)) s"
	tap_file_sum "$work/ascii.tap" "$rc" > "$ascii_sum"
	read -r p f k arc < "$ascii_sum"
	replay="FUZZ_SQL_ROWS=0 FUZZ_SQL_ASCII=$nascii FUZZ_SQL_SEED=$seed bash test/fuzz_sql/run.sh"
	echo "SQL_ASCII: $p passed, $f failed$([ "$k" -gt 0 ] && echo ", $k known") - replay: $replay"
	if [ "$f" -gt 0 ]; then
		grep -E '^not ok|^# ' "$work/ascii.tap" | grep -v '^not ok .*# TODO' | sed 's/^/    /' | head -40
		[ "$arc" -eq 0 ] || tail -n 15 "$work/ascii.tap" | sed 's/^/    /'
	fi
	grep -E '^not ok .*# TODO' "$work/ascii.tap" >> "$work/known" || true
	if [ "$utf8_rc" -eq 0 ] && [ -s "$work/ascii.out" ] && cmp -s "$work/ascii.out" "$work/utf8.out"; then
		echo "SQL_ASCII: 1 passed, 0 failed - $(wc -l < "$work/ascii.out") UTF-8 inputs read as in a UTF-8 database"
		echo "1 0 0 0" >> "$ascii_sum"
	else
		echo "SQL_ASCII: 0 passed, 1 failed - UTF-8 inputs read differently from a UTF-8 database:"
		if [ "$utf8_rc" -ne 0 ] || [ ! -s "$work/ascii.out" ]; then
			tail -n 10 "$work/utf8.log" 2>/dev/null | sed 's/^/    /'
		else
			diff "$work/ascii.out" "$work/utf8.out" | head -20 | sed 's/^/    /'
		fi
		echo "0 1 0 0" >> "$ascii_sum"
	fi
	psql_admin -c "DROP DATABASE IF EXISTS \"$adb\""
fi

# --- limits: a big state is read in time, and can be cancelled -------------
limits_sum="$work/limits.sum"
rc=0
psql -X -At -v ON_ERROR_STOP=1 -d "${dbs[0]}" > "$work/limits.tap" 2>&1 <<'EOF' || rc=$?
\set QUIET 1
SET client_min_messages = warning;
BEGIN;
SELECT plan(1);
SELECT has_function_privilege('medaid.burden_state_merge(bytea, bytea)', 'EXECUTE') AS can_merge \gset
\if :can_merge
-- a state of 100000 months (1.6 MB, every month from 2000 on): each month
-- read is looked for among those read before it
CREATE TEMP TABLE big AS
SELECT '\x01'::bytea || int8send(0) || int4send(0) || int4send(100000)
	   || string_agg(int4send(2000 * 12 + g) || int4send(make_date(2000 + g / 12, g % 12 + 1, 1) - date '2000-01-01')
					 || int4send(0) || int4send(0), ''::bytea ORDER BY g) AS s
FROM generate_series(0, 99999) g;
CREATE FUNCTION pg_temp.merge_seconds(s bytea) RETURNS numeric
	LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	m bytea;
BEGIN
	BEGIN
		SET LOCAL statement_timeout = '1s';
		m := medaid.burden_state_merge(s, NULL);
	EXCEPTION WHEN query_canceled THEN
		NULL;
	END;
	RESET statement_timeout;
	RETURN extract(epoch FROM clock_timestamp() - t0);
END
$$;
SELECT cmp_ok(pg_temp.merge_seconds(s), '<', 2::numeric,
			  'limits: merging a state of 100000 months is done, or cancelled by a 1 s statement_timeout, within 2 s') FROM big;
\else
SELECT skip('burden_state_merge is not executable by ' || current_user, 1);
\endif
SELECT * FROM finish();
ROLLBACK;
EOF
tap_file_sum "$work/limits.tap" "$rc" > "$limits_sum"
read -r p f k lrc < "$limits_sum"
echo "limits: $p passed, $f failed$([ "$k" -gt 0 ] && echo ", $k known")"
if [ "$f" -gt 0 ]; then
	grep -E '^not ok|^# ' "$work/limits.tap" | grep -v '^not ok .*# TODO' | sed 's/^/    /' | head -20
	[ "$lrc" -eq 0 ] || tail -n 10 "$work/limits.tap" | sed 's/^/    /'
fi
grep -E '^not ok .*# TODO' "$work/limits.tap" >> "$work/known" || true

for d in "${dbs[@]}"; do
	psql_admin -c "DROP DATABASE IF EXISTS \"$d\""
done

if [ -s "$work/known" ]; then
	echo "known failures (pgTAP TODO, counted as passed):"
	sed 's/^not ok [0-9]* - /  /' "$work/known" | sort | uniq -c | sed 's/^ */  /'
fi
shopt -s nullglob
while read -r p f _; do
	tap_add "$p" "$f"
done < <(cat "$work"/chunk.*.sum "$ascii_sum" "$limits_sum")
tap_summary
