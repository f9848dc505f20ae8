import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Testing

/// Sealing, dropping and keeping many stores at once: none of it may exhaust
/// jemalloc's arenas (at most 4,095 per process, including its automatic ones)
/// or leave memory behind.
///
/// Each runs in a child process of its own, so that other suites'
/// allocations do not move its RSS figures, with its address space capped and
/// its run time bounded. Every chunk, however small, takes a 2 MiB-aligned
/// slot of address space to grow in, and jemalloc's one-page pad per large
/// extent puts the next such slot 4 MiB on: thousands of small stores need
/// 4 MiB of address space each, though only kilobytes of memory. So the
/// address-space caps here are generous; what bounds memory is the fixed
/// size of each test's loop.
@Suite("Arena lifetimes and the jemalloc arena limit")
struct ArenaLifetimeTests {
    @Test("10,000 append/seal/drop cycles keep RSS flat (cycle 1,000 vs 10,000, within 8 MiB)",
          .disabled(if: sanitizerActive, "a sanitizer owns malloc and RSS in this process"))
    func sealAndDropIsFlat() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            limitChildProcess(extraAddressSpace: 4 << 30, seconds: 120)
            let arena = RecordArena()
            var atThousand = 0
            for cycle in 1...10_000 {
                for i in 0..<1_000 { try arena.append(record(cycle &+ i)) }
                let sealed = arena.seal()
                precondition(sealed.count == 1_000 && sealed[999] == record(cycle &+ 999))
                if cycle == 1_000 {
                    AllocatorStatistics.purgeUnusedPages()
                    atThousand = residentBytes()
                }
            }
            AllocatorStatistics.purgeUnusedPages()
            let growth = residentBytes() - atThousand
            reportAndExit(growth <= 8 << 20, "RSS grew by \(growth) B from cycle 1,000 to 10,000 (bound 8 MiB)")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("Keeping 6,000 sealed parts of one arena alive does not exhaust jemalloc arenas; dropping them keeps little, and a second round nothing more",
          .disabled(if: sanitizerActive, "a sanitizer owns malloc and RSS in this process"))
    func manyLiveSealedParts() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            limitChildProcess(extraAddressSpace: 32 << 30, seconds: 120)
            AllocatorStatistics.purgeUnusedPages()
            let baseline = residentBytes()
            var kept: [Int] = []
            for round in 0..<2 {
                let arena = RecordArena()
                var parts: [SealedRecords] = []
                do throws(RecordArenaError) {
                    for part in 0..<6_000 {
                        for i in 0..<100 { try arena.append(record(part * 100 + i)) }
                        parts.append(arena.seal())
                    }
                } catch {
                    reportAndExit(false, "round \(round): sealing part \(parts.count) threw \(error)")
                }
                let merged = MergedRecords(parts)
                precondition(merged.count == 600_000 && merged[599_999] == record(599_999) && merged[12_345] == record(12_345))
                parts.removeAll()
                _ = consume merged
                AllocatorStatistics.purgeUnusedPages()
                kept.append(residentBytes() - baseline)
            }
            // Before: arenaUnavailable(11) after 4,086 parts, and about 140 KiB kept per part.
            // What stays is jemalloc's metadata for the address space the parts
            // used (about 8.4 KiB per small chunk), reused by the second round.
            reportAndExit(kept[0] <= 6_000 * (16 << 10) && kept[1] - kept[0] <= 8 << 20,
                          "6,000 sealed parts per round: RSS kept after dropping them +\(kept[0] >> 10) KiB, after a second round +\(kept[1] >> 10) KiB (bounds: 16 KiB per part, then 8 MiB more)")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("5,000 live arenas at once do not exhaust jemalloc arenas; dropping them keeps little, and a second round nothing more",
          .disabled(if: sanitizerActive, "a sanitizer owns malloc and RSS in this process"))
    func manyLiveArenas() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            limitChildProcess(extraAddressSpace: 32 << 30, seconds: 120)
            AllocatorStatistics.purgeUnusedPages()
            let baseline = residentBytes()
            var kept: [Int] = []
            var exact = true
            for round in 0..<2 {
                var arenas: [RecordArena] = []
                do throws(RecordArenaError) {
                    for n in 0..<5_000 {
                        let arena = RecordArena()
                        for i in 0..<50 { try arena.append(record(n + i)) }
                        arenas.append(arena)
                    }
                } catch {
                    reportAndExit(false, "round \(round): filling arena \(arenas.count) threw \(error)")
                }
                precondition(arenas.enumerated().allSatisfy { $1.count == 50 && $1[49] == record($0 + 49) })
                // Each store's figures are its own, though most share a jemalloc arena.
                exact = exact && arenas.allSatisfy { $0.statistics.allocatedBytes == 16 << 10 && $0.statistics.chunkCount == 1 }
                arenas.removeAll()
                AllocatorStatistics.purgeUnusedPages()
                kept.append(residentBytes() - baseline)
            }
            // Before: arenaUnavailable(11) after 4,086 arenas, and about 140 KiB kept per arena.
            // What stays: at most 257 pooled jemalloc arenas' metadata (138 KiB
            // each) and the address-space metadata of the chunks (8.4 KiB each).
            reportAndExit(exact && kept[0] <= 5_000 * (16 << 10) + 257 * (140 << 10) && kept[1] - kept[0] <= 8 << 20,
                          "5,000 live arenas per round: statistics exact \(exact); RSS kept after dropping them +\(kept[0] >> 10) KiB, after a second round +\(kept[1] >> 10) KiB (bounds: 16 KiB per arena plus 257 arenas' metadata, then 8 MiB more)")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }
}
