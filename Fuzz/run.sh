#!/usr/bin/env bash
# Builds and runs the libFuzzer targets.
#
#   Fuzz/run.sh check [SECONDS]   replay every committed corpus file, then fuzz each target
#                                 for SECONDS (default 30) from a scratch copy of its corpus
#   Fuzz/run.sh long  [SECONDS]   fuzz each target for SECONDS (default 600), then merge what
#                                 found new coverage into the committed corpus
#   FUZZ_TARGETS="FuzzSnapshot"   limits a run to the named targets
#   FUZZ_IGNORE_CHECKSUMS=1       builds the library with snapshot checksum checks compiled out
#                                 (a separate build folder), so mutations reach the header fields
#
# A crash, a leak, an ASan report or a failed invariant stops the run with a non-zero status
# and leaves the input as Fuzz/crash-* (or leak-*, timeout-*).
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-check}
seconds=${2:-}
case "$mode" in
  check) seconds=${seconds:-30} ;;
  long) seconds=${seconds:-600} ;;
  *) echo "usage: $0 check|long [SECONDS]" >&2; exit 2 ;;
esac

# target:corpus-folder:max-input-bytes
targets=(
  "FuzzCSVLine:csv-line:512"
  "FuzzCSVSource:csv-source:8192"
  "FuzzSnapshot:snapshot:65536"
)
if [ -n "${FUZZ_TARGETS:-}" ]; then
  selected=()
  for entry in "${targets[@]}"; do [[ " $FUZZ_TARGETS " == *" ${entry%%:*} "* ]] && selected+=("$entry"); done
  targets=("${selected[@]}")
fi
extra=()
scratch=.build
if [ "${FUZZ_IGNORE_CHECKSUMS:-0}" = 1 ]; then
  extra=(-Xswiftc -DSNAPSHOT_FUZZ_IGNORE_CHECKSUMS)
  scratch=.build-no-checksums
fi

# Every module, the library included, is instrumented for coverage and ASan. Debian's
# jemalloc defines operator new/delete, so ASan's C++ interceptors are linked in too.
runtime=$(dirname "$(ls "$(dirname "$(readlink -f "$(command -v swift)")")"/../lib/clang/*/lib/linux/libclang_rt.asan_cxx-x86_64.a | head -n 1)")
swift build --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address "${extra[@]}" \
  -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address \
  -Xlinker --whole-archive -Xlinker "$runtime/libclang_rt.asan_cxx-x86_64.a" -Xlinker --no-whole-archive \
  2>&1 | grep -Ev "Cannot export local symbol" || true
bin=$(swift build --scratch-path "$scratch" --show-bin-path)
export LSAN_OPTIONS="suppressions=$PWD/../Tests/lsan-suppressions.txt"

for entry in "${targets[@]}"; do
  IFS=: read -r target corpus maxlen <<<"$entry"
  echo "== $target: replaying Corpus/$corpus ($(ls Corpus/"$corpus" | wc -l) files)"
  "$bin/$target" -runs=0 "Corpus/$corpus" 2>&1 | grep -E "INITED|DONE|ERROR|SUMMARY" || true
  "$bin/$target" -runs=0 "Corpus/$corpus" >/dev/null 2>&1
  work=".build/corpus-work/$corpus"
  mkdir -p "$work"
  echo "== $target: fuzzing for $seconds s"
  "$bin/$target" -max_total_time="$seconds" -max_len="$maxlen" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 "$work" "Corpus/$corpus" 2>&1 | grep -E "^#.*DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|==[0-9]+==" || true
  if [ "$mode" = long ]; then
    "$bin/$target" -merge=1 -max_len="$maxlen" "Corpus/$corpus" "$work" 2>&1 | grep -E "MERGE-OUTER: [0-9]+ new files" || true
  fi
done
ls crash-* leak-* timeout-* oom-* >/dev/null 2>&1 && { echo "fuzzing found a failing input: $(ls crash-* leak-* timeout-* oom-* 2>/dev/null)"; exit 1; }
echo "fuzzing: no failures"
