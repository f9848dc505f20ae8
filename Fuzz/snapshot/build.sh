#!/bin/sh
# Builds the snapshot libFuzzer target (with AddressSanitizer) and, with "run",
# fuzzes it from the seed corpus:
#
#   Fuzz/snapshot/build.sh run [seconds]     # default 60; e.g. 600 for ten minutes
#   Fuzz/snapshot/build.sh replay            # run each corpus file once (for CI)
#   FUZZ_IGNORE_CHECKSUMS=1 Fuzz/snapshot/build.sh run 300
#       # the same, with checksum comparisons compiled out, so that mutated
#       # headers get past their CRC32C into the field and segment-table checks
#
# The target is compiled from the format's own Swift sources plus the C CRC32C,
# through a module map that exposes only dr_checksum.h as CDenseRecords, so it
# needs neither jemalloc nor the package build.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/.build-fuzz-snapshot"
mkdir -p "$OUT/module" "$OUT/corpus"
cat > "$OUT/module/module.modulemap" <<MAP
module CDenseRecords {
    header "$ROOT/CSupport/include/dr_checksum.h"
    export *
}
MAP
clang -O1 -g -fsanitize=fuzzer-no-link,address -I "$ROOT/CSupport/include" \
    -c "$ROOT/CSupport/dr_checksum.c" -o "$OUT/dr_checksum.o"
S="$ROOT/Sources/DenseRecords"
FLAGS=""
if [ "${FUZZ_IGNORE_CHECKSUMS:-0}" = 1 ]; then FLAGS="-D SNAPSHOT_FUZZ_IGNORE_CHECKSUMS"; fi
swiftc $FLAGS -swift-version 6 -parse-as-library -O -g -sanitize=fuzzer,address \
    -module-name SnapshotFuzz -I "$OUT/module" \
    "$ROOT/Fuzz/snapshot/SnapshotFuzzTarget.swift" \
    "$S/Snapshot/SnapshotFormat.swift" "$S/Snapshot/SnapshotHeader.swift" "$S/Snapshot/SnapshotError.swift" \
    "$S/Arena/RecordArenaError.swift" \
    "$OUT/dr_checksum.o" -o "$OUT/snapshot-fuzzer"
echo "built $OUT/snapshot-fuzzer" >&2
case "${1:-}" in
run)
    # New inputs go to a scratch corpus; the committed seeds stay as they are.
    "$OUT/snapshot-fuzzer" -max_total_time="${2:-60}" -max_len=65536 -print_final_stats=1 \
        "$OUT/corpus" "$ROOT/Fuzz/Corpus/snapshot" ;;
replay)
    "$OUT/snapshot-fuzzer" -runs=0 "$ROOT/Fuzz/Corpus/snapshot" ;;
esac
