# DenseRecords — the two commands in the README are `make report` and `make test`.
# Both install what they need on a fresh Debian machine with Swift 6.3: the C libraries
# and a Java runtime with apt-get when missing, and the Python packages the tests, the
# report and the comparison scripts use into a virtual environment under .build/.

SWIFT       ?= swift
# Warnings are errors in every build this Makefile makes.
STRICT      := -Xswiftc -warnings-as-errors
# Every import of a package target must be a declared dependency: no upward arrows.
IMPORTS     := --explicit-target-dependency-import-check error
REPORT_DIR  ?= reports
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The sanitizers' C++ runtimes (new/delete interceptors). swiftc links only the C
# runtimes, and Debian's jemalloc defines operator new/delete: without these,
# operator new would come from jemalloc and libstdc++'s sized delete would reach
# the sanitizer's free.
CLANG_RT    := $(shell dirname $$(ls $$(dirname $$(readlink -f $$(command -v swift)))/../lib/clang/*/lib/linux/libclang_rt.asan_cxx-x86_64.a 2>/dev/null | head -n 1) 2>/dev/null)
sanitizer_cxx = -Xlinker --whole-archive -Xlinker $(CLANG_RT)/libclang_rt.$(1)_cxx-x86_64.a -Xlinker --no-whole-archive
export LSAN_OPTIONS = suppressions=$(CURDIR)/Tests/lsan-suppressions.txt
# The Python the tests, the report and the scripts run: a virtual environment under the
# build folder, never the system's site-packages. Tests find it through this variable.
VENV        := $(CURDIR)/.build/venv
PYTHON      := $(VENV)/bin/python
export DENSE_RECORDS_PYTHON = $(PYTHON)

.PHONY: all deps python-deps build report report-quick test test-debug test-release test-asan test-tsan soak \
        example bench bench-check fuzz fuzz-check docs clean

all: build

## Install the C libraries (jemalloc, zstd) and pkg-config with apt-get when pkg-config
## cannot find them, and a Java runtime for the Spark checks when `java` is missing.
APT_PACKAGES := $(shell command -v pkg-config >/dev/null 2>&1 || echo pkg-config) \
  $(shell pkg-config --exists jemalloc 2>/dev/null || echo libjemalloc-dev) \
  $(shell pkg-config --exists libzstd 2>/dev/null || echo libzstd-dev) \
  $(shell command -v java >/dev/null 2>&1 || echo openjdk-17-jre-headless)
deps:
	@if [ -n "$(strip $(APT_PACKAGES))" ]; then \
	  echo "Installing with apt-get: $(strip $(APT_PACKAGES))"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi
	@pkg-config --exists jemalloc libzstd && command -v java >/dev/null && \
	  echo "jemalloc $$(pkg-config --modversion jemalloc), zstd $$(pkg-config --modversion libzstd), $$(java -version 2>&1 | head -n 1)"

## The Python packages (scripts/requirements.txt) in a virtual environment under .build/,
## rebuilt when the requirements change. Needs python3 with its venv module.
python-deps: $(VENV)/.installed
$(VENV)/.installed: scripts/requirements.txt
	@python3 -m venv --help >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null; }
	rm -rf $(VENV)
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
	touch $@

build: deps
	$(SWIFT) build $(STRICT) $(IMPORTS)

## The main job: the memory comparison report, written to reports/.
report: deps python-deps
	$(SWIFT) build -c release $(STRICT) --product memory-report
	.build/release/memory-report --python $(PYTHON) --output $(REPORT_DIR)

## A small, fast report for CI, checked against its JSON schema. It builds in
## test-release's folder with test-release's flags (tests included, so testing is
## enabled), which after `make test` builds nothing; its figures serve the schema
## check only. `make report` builds the report without testing enabled.
report-quick: deps python-deps
	$(SWIFT) build -c release --build-tests --scratch-path .build-release $(STRICT) $(IMPORTS) $(TESTABLE)
	.build-release/release/memory-report --quick --python $(PYTHON) --output .build/report-quick
	$(PYTHON) scripts/validate_report.py .build/report-quick/memory-report.json

## Every test configuration; each builds in a scratch folder of its own.
test: deps python-deps test-debug test-release test-asan test-tsan example

## test-debug and test-release build with `swift build --build-tests` and then test without
## building, so that `make docs` and `make report-quick`, which build the same way in the
## same folders, reuse their builds instead of compiling everything again. `swift test`
## enables testability by itself; a release `swift build` needs it asked for (TESTABLE), or
## the tests' `@testable import`s fail.
TESTABLE    := -Xswiftc -enable-testing
test-debug:
	$(SWIFT) build --build-tests --scratch-path .build-debug $(STRICT) $(IMPORTS)
	$(SWIFT) test --skip-build --scratch-path .build-debug
	scripts/check_public_scope.sh .build-debug/debug

test-release:
	$(SWIFT) build -c release --build-tests --scratch-path .build-release $(STRICT) $(IMPORTS) $(TESTABLE)
	$(SWIFT) test -c release --skip-build --scratch-path .build-release

## AddressSanitizer for Swift and C, with UndefinedBehaviorSanitizer on the C target.
test-asan:
	$(SWIFT) test --scratch-path .build-asan --sanitize=address $(STRICT) $(IMPORTS) \
	  -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined $(call sanitizer_cxx,asan)

test-tsan:
	$(SWIFT) test --scratch-path .build-tsan --sanitize=thread $(STRICT) $(IMPORTS) $(call sanitizer_cxx,tsan)

## The long soak: 60 s of ingest/removeAll/refill cycles with RSS sampled (CI runs 5 s).
soak: deps
	DENSE_RECORDS_SOAK_SECONDS=60 $(SWIFT) test -c release --scratch-path .build-release $(STRICT) --filter SoakTests

## Build and run the example consumers, which depend on DenseRecords by path, and check
## that each builds lean: the arena-only service compiles neither swift-log nor
## swift-metrics nor the pipeline, and the audit-only service links no jemalloc.
example: deps
	cd Examples/SensorService && $(SWIFT) run $(STRICT) sensor-service
	@cd Examples/SensorService && built=$$(ls "$$($(SWIFT) build --show-bin-path)/Modules" 2>/dev/null || ls "$$($(SWIFT) build --show-bin-path)"); \
	  for module in Logging Metrics DenseRecordsPipeline DenseRecordsAudit; do \
	    if echo "$$built" | grep -q "^$$module\.\(swiftmodule\|build\)$$"; then echo "SensorService built $$module: it should not" >&2; exit 1; fi; \
	  done; echo "SensorService built neither swift-log, swift-metrics nor the pipeline"
	cd Examples/AuditService && $(SWIFT) run $(STRICT) audit-service
	@cd Examples/AuditService && binary="$$($(SWIFT) build --show-bin-path)/audit-service"; \
	  if readelf -d "$$binary" | grep -q jemalloc; then echo "audit-service links jemalloc: it should not" >&2; exit 1; fi; \
	  echo "audit-service links no jemalloc: $$(readelf -d "$$binary" | grep NEEDED | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ')"

## The benchmark processes run with glibc's malloc beneath the harness's malloc interposer:
## see "Under the malloc interposer" in Benchmarks/README.md.
BENCH_ENV   := LD_PRELOAD=libc.so.6

## The benchmark suite (ordo-one/benchmark), a nested package.
bench: deps
	cd Benchmarks && $(BENCH_ENV) $(SWIFT) package --disable-sandbox benchmark

## CI's benchmark gate: only deterministic figures (malloc counts, bytes per record)
## are checked against Benchmarks/Thresholds; wall clock is reported, never gated.
## The columnar wall-clock pairs have no checked metric, so the gate skips them
## (`make bench` runs them); their bytes per record are checked.
BENCH_UNCHECKED := (Compress10M|CompressWeather|SumOfValue10M|SumOfValueWeather|DecodeValues10M|FilteredSensorAggregate10M)\..*|RandomRead1MOf10M\.Compressed
bench-check: deps
	cd Benchmarks && $(BENCH_ENV) $(SWIFT) package --disable-sandbox benchmark thresholds check --no-progress \
	  --skip '$(BENCH_UNCHECKED)'

## Replay the committed fuzz corpora and fuzz each parser briefly (CI).
fuzz-check: deps
	Fuzz/run.sh check 30

## Fuzz each parser for 10 minutes and merge new coverage into Fuzz/Corpus.
fuzz: deps
	Fuzz/run.sh long 600

## Build the DocC catalog with the toolchain's docc; broken links and symbols are errors.
docs: deps
	@# dump-symbol-graph also tries the test bundles and fails on them; the library's graphs,
	@# which the merge below requires, are what matter. The umbrella re-exports the layers,
	@# so their graphs are merged into one DenseRecords graph for the one catalog.
	@# It builds in test-debug's folder with test-debug's flags, so after `make test` it reuses that build.
	-$(SWIFT) package --scratch-path .build-debug $(STRICT) $(IMPORTS) dump-symbol-graph --minimum-access-level public >/dev/null 2>&1
	rm -rf .build-docs/DenseRecords-only
	python3 scripts/merge_symbol_graphs.py .build-debug/x86_64-unknown-linux-gnu/symbolgraph .build-docs/DenseRecords-only
	docc convert Sources/DenseRecords/DenseRecords.docc --additional-symbol-graph-dir .build-docs/DenseRecords-only \
	  --fallback-display-name DenseRecords --fallback-bundle-identifier org.denserecords.DenseRecords \
	  --output-path .build-docs/DenseRecords.doccarchive --warnings-as-errors

clean:
	rm -rf .build .build-* Examples/SensorService/.build Examples/AuditService/.build Benchmarks/.build Fuzz/.build
