# medaid: PGXS build.  `make && make install`, then see README.md.

EXTENSION = medaid
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = medaid
OBJS = src/medaid.o src/cnid_parse.o src/cnid.o src/name_normalize.o src/name.o src/category.o src/fen.o src/burden.o src/burden_state.o src/utf8.o \
	src/redact.o src/log_redact.o src/redact_sql.o

# sql/parts/*.sql, in the order of their numbers, are the one source of the
# newest install script: the Makefile concatenates them into
# build/medaid--<version>.sql.  Released versions' install scripts
# (sql/medaid--0.1.0.sql) are frozen as they shipped, and every later
# version is reached by an upgrade script sql/medaid--A--B.sql.
INSTALL_PARTS = $(sort $(wildcard sql/parts/*.sql))
DATA_built = build/$(EXTENSION)--$(EXTVERSION).sql
DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# pg_regress's own layout: test/sql/*.sql against test/expected/*.out;
# pg_isolation_regress's: test/specs/*.spec against test/expected/*.out.
# Their results go to $(TEST_OUT)/regress and $(TEST_OUT)/isolation (build/
# unless TEST_OUT says otherwise), nothing into test/.
#   make installcheck                       both, every test
#   make installcheck REGRESS=cnid          one pg_regress test (the isolation
#                                           tests still run: add ISOLATION=)
#   make installcheck REGRESS= ISOLATION=reconcile_concurrent
TEST_OUT ?= build
REGRESS = $(sort $(patsubst test/sql/%.sql,%,$(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --outputdir=$(TEST_OUT)/regress \
	--load-extension=$(EXTENSION) --encoding=UTF8

ISOLATION = $(sort $(patsubst test/specs/%.spec,%,$(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --outputdir=$(TEST_OUT)/isolation \
	--load-extension=$(EXTENSION) --encoding=UTF8

EXTRA_CLEAN = build

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

build/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_PARTS) $(EXTENSION).control
	@mkdir -p build
	cat $(INSTALL_PARTS) > $@

# pg_regress makes its --outputdir, not the folders above it
installcheck: test-out-dirs
test-out-dirs:
	@mkdir -p $(TEST_OUT)/regress $(TEST_OUT)/isolation
.PHONY: test-out-dirs

# The parser's own unit test and fuzzer: plain C, no server needed.
CORE_SRC = src/cnid_parse.c src/name_normalize.c
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang

build/cnid_parse_test: test/unit/cnid_parse_test.c $(CORE_SRC) src/cnid_parse.h src/name_normalize.h src/utf8_codec.h
	@mkdir -p build
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror $(SANITIZE) -Isrc -o $@ test/unit/cnid_parse_test.c $(CORE_SRC)

# the log redaction scanner's unit test (src/redact.c)
build/redact_test: test/unit/redact_test.c src/redact.c src/redact.h src/cnid_parse.c src/cnid_parse.h src/utf8_codec.h
	@mkdir -p build
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror $(SANITIZE) -Isrc -o $@ test/unit/redact_test.c src/redact.c src/cnid_parse.c

# Runs every unit test, then prints their summed "N passed, N failed".
UNIT_TESTS = build/cnid_parse_test build/redact_test
unittest: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do ./$$t > $$t.out 2>&1 || rc=1; cat $$t.out; done; \
	sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$$/\1 \2/p' $(addsuffix .out,$(UNIT_TESTS)) | \
	awk '{p += $$1; f += $$2} END {print p " passed, " f " failed"}'; exit $$rc

build/cnid_fuzz: test/unit/cnid_fuzz.c $(CORE_SRC) src/cnid_parse.h src/name_normalize.h src/utf8_codec.h
	@mkdir -p build
	$(FUZZ_CC) -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -o $@ test/unit/cnid_fuzz.c $(CORE_SRC)

build/redact_fuzz: test/unit/redact_fuzz.c src/redact.c src/redact.h src/cnid_parse.c src/cnid_parse.h src/utf8_codec.h
	@mkdir -p build
	$(FUZZ_CC) -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -o $@ test/unit/redact_fuzz.c src/redact.c src/cnid_parse.c

# make fuzz FUZZ_SECONDS=600 for a long run; CI runs a short one.  The
# seconds are shared: the redaction scanner (small, quickly covered) gets
# a third, at least 1, and the parser the rest, at least 1.  libFuzzer's
# own lines (INFO:, #N NEW ...) go to build/fuzz.log; shown are its final
# stats and summary, or the log's end when a fuzzer fails.
FUZZ_LOG = build/fuzz.log
FUZZ_SHOWN = '^(stat::|Done [0-9]+ runs|SUMMARY|==[0-9]+==ERROR)'
fuzz: build/cnid_fuzz build/redact_fuzz
	@mkdir -p build/fuzz-corpus build/redact-fuzz-corpus
	@: > $(FUZZ_LOG); \
	r=$$(( $(FUZZ_SECONDS) / 3 )); [ $$r -ge 1 ] || r=1; c=$$(( $(FUZZ_SECONDS) - r )); [ $$c -ge 1 ] || c=1; \
	run() { \
		echo "./build/$$1 -max_total_time=$$2 (output: $(FUZZ_LOG))"; \
		echo "=== ./build/$$1 -max_total_time=$$2" >> $(FUZZ_LOG); \
		if ./build/$$1 -max_total_time=$$2 -print_final_stats=1 $$3 test/unit/fuzz-seeds >> $(FUZZ_LOG).tmp 2>&1; then rc=0; else rc=$$?; fi; \
		cat $(FUZZ_LOG).tmp >> $(FUZZ_LOG); \
		if [ $$rc -eq 0 ]; then grep -aE $(FUZZ_SHOWN) $(FUZZ_LOG).tmp; else tail -n 40 $(FUZZ_LOG).tmp; fi; \
		rm -f $(FUZZ_LOG).tmp; return $$rc; \
	}; \
	run cnid_fuzz $$c build/fuzz-corpus && run redact_fuzz $$r build/redact-fuzz-corpus

.PHONY: unittest fuzz

# pgTAP: test/tap/*.sql through pg_prove, in a database of their own
# (PROVE_DB, dropped and made again), inside a server (PGHOST etc. set):
#   make prove_installcheck PROVE_TESTS=test/tap/catalog.sql
# (PGXS has a prove_installcheck of its own only with TAP_TESTS, unset here.)
PROVE_TESTS ?= $(sort $(wildcard test/tap/*.sql))
PROVE_DB ?= medaid_tap
prove_installcheck:
	psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS $(PROVE_DB)' -c 'CREATE DATABASE $(PROVE_DB)'
	PGDATABASE=$(PROVE_DB) pg_prove --failures $(PROVE_TESTS)
.PHONY: prove_installcheck

# The shell suites, test/<suite>/run.sh, each inside a server (PGHOST etc.
# set), e.g. pg_virtualenv -t make test-dump.  Each ends "N passed, N failed".
SHELL_SUITES = test-upgrade test-dump test-roles test-log test-fault test-citus
$(SHELL_SUITES):
	bash test/$(patsubst test-%,%,$@)/run.sh
.PHONY: $(SHELL_SUITES)

# The SQL fuzz test (test/tap/fuzz_sql.sql, short in the pgTAP suite) at
# length (test/fuzz_sql/run.sh; FUZZ_SQL_* size it): make test-fuzz-sql
# runs 100 000 strings in the current server, make fuzz-sql-long 2 000 000
# in a throwaway cluster; FUZZ_SQL_ROWS=N sets either.
test-fuzz-sql:
	FUZZ_SQL_ROWS=$(or $(FUZZ_SQL_ROWS),100000) bash test/fuzz_sql/run.sh
fuzz-sql-long:
	FUZZ_SQL_ROWS=$(or $(FUZZ_SQL_ROWS),2000000) pg_virtualenv -t bash test/fuzz_sql/run.sh
.PHONY: test-fuzz-sql fuzz-sql-long

# Benchmarks: each reports ratios against a baseline measured in the same run.
bench-cnid:
	bash bench/cnid.sh
.PHONY: bench-cnid

bench-reconcile:
	bash bench/reconcile.sh
.PHONY: bench-reconcile

bench-burden:
	bash bench/burden.sh
.PHONY: bench-burden

bench-cycle:
	bash bench/cycle.sh
.PHONY: bench-cycle

bench-lookup:
	bash bench/lookup.sh
.PHONY: bench-lookup

# Fault tests at length (test/fault/run.sh; make test-fault and CI run it
# short): backends killed at random points, SIGTERM and SIGKILL, in a
# throwaway cluster.
FAULT_ROUNDS ?= 50
FAULT_ROWS ?= 200000
fault:
	FAULT_ROUNDS=$(FAULT_ROUNDS) FAULT_ROWS=$(FAULT_ROWS) pg_virtualenv -t bash test/fault/run.sh
.PHONY: fault
