# medaid: PGXS build.  `make && make install`, then see README.md.

EXTENSION = medaid
EXTVERSION = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = medaid
OBJS = src/medaid.o src/cnid_parse.o src/cnid.o src/name_normalize.o src/name.o src/category.o src/fen.o src/burden.o src/burden_state.o src/utf8.o \
	src/redact.o src/log_redact.o

# sql/parts/*.sql, in the order of their numbers, are the one source of the
# newest install script: the Makefile concatenates them into
# build/medaid--<version>.sql.  Released versions' install scripts
# (sql/medaid--0.1.0.sql) are frozen as they shipped, and every later
# version is reached by an upgrade script sql/medaid--A--B.sql.
INSTALL_PARTS = $(sort $(wildcard sql/parts/*.sql))
DATA_built = build/$(EXTENSION)--$(EXTVERSION).sql
DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# pg_regress reads <inputdir>/sql and <inputdir>/expected: build/regress
# links them to test/ and expected/.
REGRESS = $(sort $(patsubst test/%.sql,%,$(wildcard test/*.sql)))
REGRESS_OPTS = --inputdir=build/regress --outputdir=build/regress \
	--load-extension=$(EXTENSION) --encoding=UTF8

# isolation tests: test/isolation/*.spec, expected output in expected/
ISOLATION = $(sort $(patsubst test/isolation/%.spec,%,$(wildcard test/isolation/*.spec)))
ISOLATION_OPTS = --inputdir=build/isolation --outputdir=build/isolation \
	--load-extension=$(EXTENSION) --encoding=UTF8

EXTRA_CLEAN = build

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

build/$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_PARTS) $(EXTENSION).control
	@mkdir -p build
	cat $(INSTALL_PARTS) > $@

build/regress/sql build/regress/expected:
	mkdir -p build/regress
	ln -sfn ../../test build/regress/sql
	ln -sfn ../../expected build/regress/expected

build/isolation/specs build/isolation/expected:
	mkdir -p build/isolation
	ln -sfn ../../test/isolation build/isolation/specs
	ln -sfn ../../expected build/isolation/expected

installcheck: build/regress/sql build/regress/expected build/isolation/specs build/isolation/expected

# The parser's own unit test and fuzzer: plain C, no server needed.
CORE_SRC = src/cnid_parse.c src/name_normalize.c
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang

build/cnid_parse_test: test/unit/cnid_parse_test.c $(CORE_SRC) src/cnid_parse.h src/name_normalize.h src/utf8_codec.h
	@mkdir -p build
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror $(SANITIZE) -Isrc -o $@ test/unit/cnid_parse_test.c $(CORE_SRC)

# the log redaction scanner's unit test (src/redact.c)
build/redact_test: test/unit/redact_test.c src/redact.c src/redact.h src/utf8_codec.h
	@mkdir -p build
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror $(SANITIZE) -Isrc -o $@ test/unit/redact_test.c src/redact.c

# Runs every unit test, then prints their summed "N passed, N failed".
UNIT_TESTS = build/cnid_parse_test build/redact_test
unittest: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do ./$$t > $$t.out 2>&1 || rc=1; cat $$t.out; done; \
	sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$$/\1 \2/p' $(addsuffix .out,$(UNIT_TESTS)) | \
	awk '{p += $$1; f += $$2} END {print p " passed, " f " failed"}'; exit $$rc

build/cnid_fuzz: test/unit/cnid_fuzz.c $(CORE_SRC) src/cnid_parse.h src/name_normalize.h src/utf8_codec.h
	@mkdir -p build
	$(FUZZ_CC) -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -o $@ test/unit/cnid_fuzz.c $(CORE_SRC)

build/redact_fuzz: test/unit/redact_fuzz.c src/redact.c src/redact.h src/utf8_codec.h
	@mkdir -p build
	$(FUZZ_CC) -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -o $@ test/unit/redact_fuzz.c src/redact.c

# make fuzz FUZZ_SECONDS=600 for a long run; CI runs a short one.  The
# seconds are shared: the redaction scanner (small, quickly covered) gets
# a third, at least 1, and the parser the rest, at least 1.
fuzz: build/cnid_fuzz build/redact_fuzz
	@mkdir -p build/fuzz-corpus build/redact-fuzz-corpus
	@r=$$(( $(FUZZ_SECONDS) / 3 )); [ $$r -ge 1 ] || r=1; c=$$(( $(FUZZ_SECONDS) - r )); [ $$c -ge 1 ] || c=1; \
	echo "./build/cnid_fuzz -max_total_time=$$c"; \
	./build/cnid_fuzz -max_total_time=$$c -print_final_stats=1 build/fuzz-corpus test/unit/fuzz-seeds && \
	echo "./build/redact_fuzz -max_total_time=$$r" && \
	./build/redact_fuzz -max_total_time=$$r -print_final_stats=1 build/redact-fuzz-corpus test/unit/fuzz-seeds

.PHONY: unittest fuzz

# The SQL fuzz test (test/tap/fuzz_sql.sql, short in CI) at length, in a
# throwaway cluster; FUZZ_SQL_* (scripts/fuzz-sql) size it.
FUZZ_SQL_ROWS ?= 2000000
fuzz-sql-long:
	FUZZ_SQL_ROWS=$(FUZZ_SQL_ROWS) pg_virtualenv -t bash scripts/fuzz-sql
.PHONY: fuzz-sql-long

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

# Fault tests at length (scripts/test-fault; CI runs it short): backends
# killed at random points, SIGTERM and SIGKILL, in a throwaway cluster.
FAULT_ROUNDS ?= 50
FAULT_ROWS ?= 200000
fault:
	FAULT_ROUNDS=$(FAULT_ROUNDS) FAULT_ROWS=$(FAULT_ROWS) pg_virtualenv -t bash scripts/test-fault
.PHONY: fault
