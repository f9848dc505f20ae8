import CDenseRecordsShims
import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

@Suite("Arena pool and process memory")
struct ArenaPoolTests {
    // Process RSS is only meaningful in a process of its own: Swift Testing runs
    // other suites in parallel, and their allocations would move this one's
    // figures. So the measurement runs in a child process (an exit test), which
    // prints its figures and its verdict for this test to check.
    @Test("10,000 create/fill/drop cycles keep process RSS flat (within 2 MiB)",
          .disabled(if: sanitizerActive, "a sanitizer owns malloc and RSS in this process"))
    func createFillDropIsFlat() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            func cycle(_ n: Int) throws {
                let arena = RecordArena()
                for i in 0..<n { try arena.append(record(i)) }
                precondition(arena.count == n)
            }
            for _ in 0..<200 { try cycle(5_000) }  // warm up the pool, metadata and first pages
            let before = residentBytes()
            for _ in 0..<10_000 { try cycle(5_000) }
            let growth = residentBytes() - before
            reportAndExit(growth <= 2 << 20, "RSS grew by \(growth) bytes over 10,000 cycles (bound: 2 MiB)")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("jemalloc is the process-wide malloc",
          .disabled(if: sanitizerActive, "a sanitizer owns malloc and RSS in this process"))
    func jemallocIsMalloc() async throws {
        // stats.allocated is process-wide: another suite freeing memory meanwhile would
        // shrink the delta, so the measurement runs in a child process of its own.
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            guard let before = AllocatorStatistics.current() else { reportAndExit(false, "no allocator statistics") }
            let held = [UInt8](repeating: 1, count: 8 << 20)
            guard let during = AllocatorStatistics.current() else { reportAndExit(false, "no allocator statistics") }
            let grew = during.allocatedBytes - before.allocatedBytes
            withExtendedLifetime(held) {}
            reportAndExit(grew >= 8 << 20, "an 8 MiB Swift array moved jemalloc's stats.allocated by \(grew) bytes")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
        #expect(AllocatorStatistics.allocatorVersion.hasPrefix("5."))
    }

    @Test("Unit codes agree between C and Swift, and unknown codes survive")
    func unitCodes() {
        #expect(SensorUnit.celsius.rawValue == UInt8(DR_UNIT_CELSIUS.rawValue))
        #expect(SensorUnit.count.rawValue == UInt8(DR_UNIT_COUNT.rawValue))
        #expect(SensorUnit.allKnown.count == Int(DR_UNIT_END.rawValue))
        #expect(SensorUnit.allKnown.allSatisfy { $0.isKnown })
        #expect(SensorUnit.allKnown.allSatisfy { SensorUnit(name: $0.name) == $0 })
        let odd = SensorUnit(rawValue: 200)
        #expect(!odd.isKnown && odd.name == "code-200")
        var r = record(1)
        r.unit = odd
        #expect(r.raw.unit == 200 && r.unit == odd)
    }
}
