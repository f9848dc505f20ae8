# DenseRecords — the two commands in the README are `make report` and `make test`.
# Both install what they need (libjemalloc-dev) on a fresh Debian machine with Swift 6.3.

SWIFT       ?= swift
# Warnings are errors in every build this Makefile makes.
STRICT      := -Xswiftc -warnings-as-errors
REPORT_DIR  ?= reports
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build report report-quick test test-debug test-release test-asan test-tsan \
        example bench bench-check docs clean

all: build

## Install libjemalloc-dev (and pkg-config) when pkg-config cannot find jemalloc.
deps:
	@if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists jemalloc; then \
	  echo "jemalloc $$(pkg-config --modversion jemalloc) found by pkg-config"; \
	else \
	  echo "Installing libjemalloc-dev with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends libjemalloc-dev pkg-config >/dev/null && \
	  pkg-config --exists jemalloc; \
	fi

build: deps
	$(SWIFT) build $(STRICT)

## The main job: the memory comparison report, written to reports/.
report: deps
	$(SWIFT) build -c release $(STRICT) --product memory-report
	.build/release/memory-report --output $(REPORT_DIR)

## A small, fast report for CI, checked against its JSON schema.
report-quick: deps
	$(SWIFT) build -c release $(STRICT) --product memory-report
	.build/release/memory-report --quick --output .build/report-quick
	python3 scripts/validate_report.py .build/report-quick/memory-report.json

## Every test configuration; each builds in a scratch folder of its own.
test: deps test-debug test-release test-asan test-tsan example

test-debug:
	$(SWIFT) test --scratch-path .build-debug $(STRICT)

test-release:
	$(SWIFT) test -c release --scratch-path .build-release $(STRICT)

test-asan:
	$(SWIFT) test --scratch-path .build-asan --sanitize=address $(STRICT)

test-tsan:
	$(SWIFT) test --scratch-path .build-tsan --sanitize=thread $(STRICT)

## Build and run the example consumer, which depends on DenseRecords by path.
example: deps
	cd Examples/SensorService && $(SWIFT) run $(STRICT) sensor-service

## The benchmark suite (ordo-one/benchmark), a nested package.
bench: deps
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark

clean:
	rm -rf .build .build-* Examples/SensorService/.build Benchmarks/.build
