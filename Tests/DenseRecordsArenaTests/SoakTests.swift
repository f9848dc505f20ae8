import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Testing

/// A bounded soak: ingest / removeAll / refill cycles with RSS sampled.
///
/// It runs for `DENSE_RECORDS_SOAK_SECONDS` seconds (5 by default, the form CI
/// runs; `make soak` runs 60) in a child process of its own, so that no other
/// test's allocations move the figures. It stops by itself.
@Suite("Soak")
struct SoakTests {
    @Test("Ingest/removeAll/refill cycles: RSS drift within 2 MiB, allocator back to baseline",
          .disabled(if: sanitizerActive, "a sanitizer owns malloc and RSS in this process"))
    func ingestRemoveAllRefill() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let seconds = ProcessInfo.processInfo.environment["DENSE_RECORDS_SOAK_SECONDS"].flatMap(Double.init) ?? 5
            let batch = (0..<(3 * RecordArena.recordsPerChunk + 12_345)).map { record($0).raw }
            let arena = RecordArena()
            func fill(_ cycle: Int) throws {
                if cycle % 2 == 0 {
                    try batch.withUnsafeBufferPointer { try arena.append(contentsOf: $0) }
                } else {
                    for raw in batch { try arena.append(raw: raw) }
                }
                precondition(arena.count == batch.count && arena[batch.count - 1] == SensorRecord(batch[batch.count - 1]))
            }
            for cycle in 0..<4 { try fill(cycle); arena.removeAll() }  // warm-up
            guard let baseline = AllocatorStatistics.current() else { reportAndExit(false, "no allocator statistics") }
            let baselineRSS = residentBytes()
            var samples: [Int] = []
            var cycles = 0
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(seconds)
            while clock.now < deadline {
                try fill(cycles)
                arena.removeAll()
                precondition(arena.statistics.allocatedBytes == 0, "removeAll left chunks allocated")
                samples.append(residentBytes() - baselineRSS)
                cycles += 1
            }
            guard let after = AllocatorStatistics.current() else { reportAndExit(false, "no allocator statistics") }
            let maxDrift = samples.map(abs).max() ?? 0
            let finalDrift = samples.last ?? 0
            let allocatedDrift = after.allocatedBytes - baseline.allocatedBytes
            // Process-wide allocations may shrink (start-up buffers freed); they must not grow.
            let passed = maxDrift <= 2 << 20 && allocatedDrift <= 64 << 10
            reportAndExit(passed, """
                soak: \(cycles) cycles of \(batch.count) records in \(seconds) s; \
                RSS drift max \(maxDrift) B, final \(finalDrift) B (bound 2 MiB); \
                process allocated bytes vs baseline \(allocatedDrift) B (bound: at most 64 KiB growth)
                """)
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
        print(report)
    }
}
