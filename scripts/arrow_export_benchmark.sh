#!/usr/bin/env bash
# Arrow export throughput and memory: exports N records (default 10,000,000) to an
# Arrow IPC file and compares with a raw write(2) of the same packed chunks, in the
# same run. Prints GB/s and the peak RSS the export added (VmHWM via clear_refs).
#
# Usage: scripts/arrow_export_benchmark.sh [records] [directory] [batch-size] [repetitions]
# The benchmark is a package of its own (scripts/arrow_export_benchmark) that depends
# on DenseRecords by path, so it adds no target to the main package.
set -euo pipefail
cd "$(dirname "$0")/arrow_export_benchmark"
swift build -c release -Xswiftc -warnings-as-errors >&2
exec .build/release/arrow-export-benchmark "${1:-10000000}" "${2:-${TMPDIR:-/tmp}}" "${3:-65536}" "${4:-5}"
