import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Testing

/// A sequence that promises more records than any machine holds, and has none.
private struct BoastfulSequence: Sequence {
    let claimed: Int
    func makeIterator() -> EmptyCollection<SensorRecord>.Iterator { EmptyCollection().makeIterator() }
    var underestimatedCount: Int { claimed }
}

/// The machine's physical memory, as the arena computes it.
private var physicalBytes: Int { Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE))) }

/// Whether `error` is the physical-memory refusal for the request's additional bytes.
private func isPhysicalMemoryRefusal(_ error: RecordArenaError, requestedBytes: Int) -> Bool {
    error == .requestExceedsPhysicalMemory(requestedBytes: requestedBytes, physicalBytes: physicalBytes)
}

/// Requests that no machine of this size can meet are refused before anything is allocated.
///
/// Each runs in a child process whose address space is capped and whose run
/// time is bounded, so that if the check regressed the child would fail on its
/// own instead of growing until the machine kills something.
@Suite("Arena request limits")
struct ArenaRequestLimitTests {
    @Test("Reserving more than physical memory, or more than Int can count in bytes, throws before allocating",
          arguments: [Int.max / 21, Int.max / 2, Int.max, 1 << 40])
    func reserveBeyondPhysicalMemory(records: Int) async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) { [records] in
            limitChildProcess(extraAddressSpace: 2 << 30)
            let arena = RecordArena()
            try arena.append(record(0))
            let held = arena.statistics.allocatedBytes
            let (bytes, overflow) = records.multipliedReportingOverflow(by: 21)
            do throws(RecordArenaError) {
                try arena.reserveCapacity(records)
                reportAndExit(false, "reserveCapacity(\(records)) returned; capacity \(arena.capacity)")
            } catch {
                let refused = isPhysicalMemoryRefusal(error, requestedBytes: overflow ? Int.max : bytes)
                let after = arena.statistics.allocatedBytes
                reportAndExit(refused && after == held && arena.count == 1 && arena[0] == record(0),
                              "reserveCapacity(\(records)) threw \(error); allocated \(held) B before, \(after) B after")
            }
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("Appending a sequence that claims more records than memory holds throws before allocating")
    func appendBoastfulSequence() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            limitChildProcess(extraAddressSpace: 2 << 30)
            let arena = RecordArena()
            do throws(RecordArenaError) {
                try arena.append(contentsOf: BoastfulSequence(claimed: Int.max / 21))
                reportAndExit(false, "the append returned; capacity \(arena.capacity)")
            } catch {
                let refused = isPhysicalMemoryRefusal(error, requestedBytes: (Int.max / 21) * 21)
                reportAndExit(refused && arena.statistics.allocatedBytes == 0 && arena.isEmpty,
                              "append(contentsOf:) threw \(error); allocated \(arena.statistics.allocatedBytes) B")
            }
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("A count that overflows Int when added to the stored records throws instead of trapping")
    func appendOverflowingSequence() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            limitChildProcess(extraAddressSpace: 2 << 30)
            let arena = RecordArena()
            try arena.append(record(0))
            do throws(RecordArenaError) {
                try arena.append(contentsOf: BoastfulSequence(claimed: Int.max))
                reportAndExit(false, "the append returned; capacity \(arena.capacity)")
            } catch {
                let refused = isPhysicalMemoryRefusal(error, requestedBytes: Int.max)
                reportAndExit(refused && arena.count == 1, "append(contentsOf:) threw \(error)")
            }
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("A reservation that fits in memory still succeeds")
    func reasonableReservation() throws {
        let arena = RecordArena()
        try arena.reserveCapacity(3 * RecordArena.recordsPerChunk + 5)
        #expect(arena.capacity >= 3 * RecordArena.recordsPerChunk + 5)
        #expect(arena.isEmpty)
    }
}
