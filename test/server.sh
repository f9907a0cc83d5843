#!/usr/bin/env bash
# The suites that need a server; scripts/test runs this under
# pg_virtualenv -t (PGHOST, PGPORT, PGUSER, PGPASSWORD exported).  Each
# is also a make target of its own (README, "Running one suite").
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib.sh
: "${MEDAID_RESULTS:?run scripts/test, not this}"

version=$(psql -X -Atq -d postgres -c 'SHOW server_version_num')
if [ "$version" -ge 160000 ]; then
	parallel_opts='-c debug_parallel_query=regress'
else
	parallel_opts='-c force_parallel_mode=regress'
fi

suite "pg_regress" make -s installcheck
suite "pgTAP" make -s prove_installcheck
suite "pg_regress, parallel mode forced" env PGOPTIONS="$parallel_opts" \
	make -s installcheck TEST_OUT=build/parallel
suite "pgTAP, parallel mode forced" env PGOPTIONS="$parallel_opts" make -s prove_installcheck
suite "upgrade chain" test/upgrade/run.sh
suite "pg_dump/pg_restore round trip" test/dump/run.sh
suite "roles as logins over TCP" test/roles/run.sh
suite "fault tests: a backend killed mid-call, SIGTERM and SIGKILL" test/fault/run.sh
# no full ID reaches the server log: hook on, hook off, recommended settings
suite "server log: no full ID (test/log)" test/log/run.sh
# on Citus, where it is installed (skips cleanly where not)
suite "Citus: tables distributed by ID number" test/citus/run.sh
suite "demo (README's first command's job)" scripts/demo-run
# the benchmarks at a small size: they still run and still agree with themselves
suite "benchmark smoke run: cnid" env BENCH_ROWS=20000 bash bench/cnid.sh
suite "benchmark smoke run: reconcile" env BENCH_ROWS=20000 BENCH_SWEEP=0 bash bench/reconcile.sh
suite "benchmark smoke run: burden" env BENCH_PEOPLE=2000 BENCH_SETTLEMENTS=24000 BENCH_REPEAT=1 bash bench/burden.sh
suite "benchmark smoke run: lookup" env BENCH_PEOPLE=2000 BENCH_LOOKUPS=200 BENCH_REPS=1 bash bench/lookup.sh
