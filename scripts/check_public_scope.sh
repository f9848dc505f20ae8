#!/usr/bin/env bash
# Checks what `import DenseRecords` puts in a program's scope, by type-checking one-line
# programs against a finished build's modules:
#   - the record type and the Swift API must be there;
#   - no C function of the allocator or of the package's shims may be (mallctl, mallocx,
#     zstd's, the dr_ shims, the unit-code enumerators): the C layer stays internal.
# A forbidden name passes only if the compiler says "cannot find" it, so a probe that
# fails for another reason (a missing module, say) fails the check instead of passing it.
#
#   scripts/check_public_scope.sh BUILD_BIN_DIR     (for example .build-debug/debug)
set -euo pipefail
bin=${1:?usage: $0 BUILD_BIN_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT

maps=()
for module in CDenseRecords CDenseRecordsShims CDenseRecordsJemalloc; do
  maps+=(-Xcc "-fmodule-map-file=$bin/$module.build/module.modulemap")
done
maps+=(-Xcc "-fmodule-map-file=$root/Sources/CJemalloc/module.modulemap")
maps+=(-Xcc "-fmodule-map-file=$root/Sources/CZstd/module.modulemap")

typecheck() {
  printf 'import DenseRecords\n_ = %s\n' "$1" >"$probe/probe.swift"
  swiftc -typecheck "$probe/probe.swift" -I "$bin/Modules" "${maps[@]}" >"$probe/out" 2>&1
}

failed=0
for name in RecordArena.self SensorRecord.self sensor_record_t.self ChangeLog.self AllocatorStatistics.purgeUnusedPages; do
  if typecheck "$name"; then echo "in scope, as it should be: $name"
  else echo "NOT in scope, but should be: $name"; cat "$probe/out"; failed=1; fi
done
for name in mallctl mallocx dallocx ZSTD_compress ZSTD_createCCtx dr_chunk_allocate dr_arena_create dr_fault_fail_chunk_allocation dr_crc32c DR_UNIT_CELSIUS; do
  if typecheck "$name"; then echo "in scope, but must not be: $name"; failed=1
  elif grep -q "cannot find '$name' in scope" "$probe/out"; then echo "not in scope, as it should be: $name"
  else echo "probe for $name failed for another reason:"; cat "$probe/out"; failed=1; fi
done
exit $failed
