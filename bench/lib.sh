# The preamble every benchmark (bench/*.sh) shares.  Source it first, after
# setting the server options the benchmark wants, if any:
#
#   BENCH_SERVER_OPTS=(-o "shared_buffers=1GB")
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# With PGHOST unset it runs the benchmark again under `pg_virtualenv -t`
# (with BENCH_SERVER_OPTS); with PGHOST etc. set it uses that server.  Then:
#   here, outdir      bench/ and bench/out (made)
#   PGCLIENTENCODING  UTF8, and PGOPTIONS with client_min_messages=warning
#   progress MESSAGE  "[   12s] MESSAGE" on stderr, seconds since the start
#   bench_newdb DB    drop DB and create it (template0, UTF8, locale C)
#   code_version      sets code: which medaid is measured (the commit, and
#                     whether the installed script of database $db's medaid
#                     is the working tree's sql/parts)

bench_name=$(basename "$0")
if [[ -z "${PGHOST:-}" ]]; then
	if [[ -n "${MEDAID_BENCH_REEXEC:-}" ]]; then
		echo "$bench_name: PGHOST is still unset under pg_virtualenv" >&2
		exit 1
	fi
	export MEDAID_BENCH_REEXEC=1
	exec pg_virtualenv -t ${BENCH_SERVER_OPTS[@]+"${BENCH_SERVER_OPTS[@]}"} bash "$(readlink -f "$0")" "$@"
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
outdir=$here/out
mkdir -p "$outdir"
export PGCLIENTENCODING=UTF8
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"

started=$SECONDS
progress() { printf '[%5ds] %s\n' $((SECONDS - started)) "$*" >&2; }

bench_newdb() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "DROP DATABASE IF EXISTS $1" \
		-c "CREATE DATABASE $1 TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"
}

code_version() {
	local ver inst md5i md5w
	ver=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'medaid'")
	inst=$(pg_config --sharedir)/extension/medaid--$ver.sql
	md5i=$( (md5sum "$inst" 2>/dev/null || echo '?') | cut -c1-8)
	md5w=$( (cat "$here"/../sql/parts/*.sql | md5sum 2>/dev/null || echo '!') | cut -c1-8)
	code="git $(git -C "$here/.." describe --always --dirty 2>/dev/null || echo '?'); installed medaid--$ver.sql md5 $md5i"
	if [[ $md5i == "$md5w" ]]; then
		code+=" (= sql/parts)"
	else
		code+=" (differs from sql/parts $md5w: run make install to measure the working tree)"
	fi
}
